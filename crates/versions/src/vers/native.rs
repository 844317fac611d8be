//! Native range notations converted to `vers` constraints. Each converter expands the
//! ecosystem's shorthand (`^`, `~`, `~>`, `x` ranges, intervals, `X+`) into plain
//! comparators; the range sorts them by version and keeps them otherwise as produced.

use super::{Comparator, Constraint, MAX_VERS_LEN, VersError, VersRange};

fn failure(native: &str, reason: &str) -> VersError {
    VersError::Native { native: native.to_owned(), reason: reason.to_owned() }
}

fn constraint(comparator: Comparator, version: impl Into<String>) -> Constraint {
    Constraint { comparator, version: version.into() }
}

pub(super) fn from_native(vers_type: &str, native: &str) -> Result<VersRange, VersError> {
    if native.len() > MAX_VERS_LEN {
        return Err(VersError::TooLong);
    }
    let vers_type = vers_type.to_ascii_lowercase();
    let constraints = match vers_type.as_str() {
        "npm" => npm(native)?,
        "conan" => conan(native)?,
        "gem" => gem(native)?,
        "nuget" | "maven" => intervals(native)?,
        "pypi" => pypi(native)?,
        "nginx" => nginx(native)?,
        "openssl" => Some(
            native
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| constraint(Comparator::Equal, v))
                .collect(),
        ),
        _ => return Err(failure(native, "no native notation known for this type")),
    };
    VersRange::from_constraints(&vers_type, constraints)
}

/// A leading comparator of a native constraint, with `=`/`==` as equality.
fn split_operator<'a>(text: &'a str, operators: &[&'static str]) -> (&'static str, &'a str) {
    for op in operators {
        if let Some(rest) = text.strip_prefix(op) {
            return (op, rest.trim_start());
        }
    }
    ("", text)
}

fn comparator_of(op: &str) -> Option<Comparator> {
    Some(match op {
        "" | "=" | "==" | "===" => Comparator::Equal,
        "!=" => Comparator::NotEqual,
        "<" => Comparator::Less,
        "<=" => Comparator::LessOrEqual,
        ">" => Comparator::Greater,
        ">=" => Comparator::GreaterOrEqual,
        _ => return None,
    })
}

/// Joins operators written apart from their version (`>= 1.0` → `>=1.0`) and splits a
/// comparator set on whitespace.
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending = String::new();
    for word in text.split_whitespace() {
        if word.bytes().all(|b| b"<>=!~^".contains(&b)) {
            pending.push_str(word);
        } else {
            out.push(format!("{pending}{word}"));
            pending.clear();
        }
    }
    if !pending.is_empty() {
        out.push(pending);
    }
    out
}

// ---------------------------------------------------------------------------------------
// npm (node-semver)

/// A node-semver version with `x`/`*` wildcards or missing parts: the given numbers,
/// how many were given, and the pre-release/build tail of a full version.
struct Partial {
    numbers: [u64; 3],
    given: usize,
    tail: String,
}

impl Partial {
    fn parse(text: &str, native: &str) -> Result<Partial, VersError> {
        let text = text.trim_start_matches(['v', '=']);
        let (core, tail) = match text.find(['-', '+']) {
            Some(at) => (text.get(..at).unwrap_or_default(), text.get(at..).unwrap_or_default()),
            None => (text, ""),
        };
        let mut numbers = [0u64; 3];
        let mut given = 0;
        for (index, piece) in core.split('.').enumerate() {
            if matches!(piece, "x" | "X" | "*") {
                break;
            }
            let slot = numbers.get_mut(index).ok_or_else(|| failure(native, "more than three version numbers"))?;
            *slot = piece.parse().map_err(|_| failure(native, "bad version number"))?;
            given = index + 1;
        }
        if given < 3 && !tail.is_empty() {
            return Err(failure(native, "pre-release on a partial version"));
        }
        Ok(Partial { numbers, given, tail: tail.to_owned() })
    }

    fn version(numbers: [u64; 3]) -> String {
        let [major, minor, patch] = numbers;
        format!("{major}.{minor}.{patch}")
    }

    fn full(&self) -> String {
        format!("{}{}", Partial::version(self.numbers), self.tail)
    }

    /// The first version after every version this partial matches.
    fn bumped(&self, index: usize, native: &str) -> Result<String, VersError> {
        let mut numbers = [0u64; 3];
        for i in 0..index {
            if let (Some(slot), Some(value)) = (numbers.get_mut(i), self.numbers.get(i)) {
                *slot = *value;
            }
        }
        let slot = numbers.get_mut(index).ok_or_else(|| failure(native, "nothing to bump"))?;
        *slot =
            self.numbers.get(index).copied().unwrap_or(0).checked_add(1).ok_or_else(|| failure(native, "overflow"))?;
        Ok(Partial::version(numbers))
    }
}

fn npm(native: &str) -> Result<Option<Vec<Constraint>>, VersError> {
    let mut out = Vec::new();
    for alternative in native.split("||") {
        let alternative = alternative.trim();
        if alternative.is_empty() || alternative == "*" || alternative == "x" {
            return Ok(None);
        }
        if let Some((low, high)) = alternative.split_once(" - ") {
            let low = Partial::parse(low.trim(), native)?;
            let high = Partial::parse(high.trim(), native)?;
            out.push(constraint(Comparator::GreaterOrEqual, low.full()));
            if high.given == 3 {
                out.push(constraint(Comparator::LessOrEqual, high.full()));
            } else if high.given > 0 {
                out.push(constraint(Comparator::Less, high.bumped(high.given - 1, native)?));
            }
            continue;
        }
        for token in tokens(alternative) {
            let (op, version) = split_operator(&token, &[">=", "<=", ">", "<", "=", "~>", "~", "^"]);
            let partial = Partial::parse(version, native)?;
            match op {
                "^" => {
                    let index = partial.numbers.iter().position(|n| *n != 0).unwrap_or(2).min(partial.given.max(1) - 1);
                    out.push(constraint(Comparator::GreaterOrEqual, partial.full()));
                    out.push(constraint(Comparator::Less, partial.bumped(index, native)?));
                }
                "~" | "~>" => {
                    let index = if partial.given >= 2 { 1 } else { 0 };
                    out.push(constraint(Comparator::GreaterOrEqual, partial.full()));
                    out.push(constraint(Comparator::Less, partial.bumped(index, native)?));
                }
                _ => {
                    let comparator = comparator_of(op).ok_or_else(|| failure(native, "unknown operator"))?;
                    let wildcard = version
                        .split(['-', '+'])
                        .next()
                        .unwrap_or_default()
                        .split('.')
                        .any(|p| matches!(p, "x" | "X" | "*"));
                    if !wildcard || partial.given == 0 {
                        if partial.given == 0 {
                            if matches!(comparator, Comparator::Less | Comparator::Greater) {
                                return Err(failure(native, "empty range"));
                            }
                            return Ok(None);
                        }
                        out.push(constraint(comparator, partial.full()));
                        continue;
                    }
                    let upper = partial.bumped(partial.given - 1, native)?;
                    match comparator {
                        Comparator::Equal | Comparator::GreaterOrEqual => {
                            out.push(constraint(Comparator::GreaterOrEqual, partial.full()));
                            out.push(constraint(Comparator::Less, upper));
                        }
                        Comparator::Greater => out.push(constraint(Comparator::GreaterOrEqual, upper)),
                        Comparator::Less => out.push(constraint(Comparator::Less, partial.full())),
                        Comparator::LessOrEqual => out.push(constraint(Comparator::Less, upper)),
                        Comparator::NotEqual => return Err(failure(native, "`!=` is not npm syntax")),
                    }
                }
            }
        }
    }
    Ok(Some(out))
}

// ---------------------------------------------------------------------------------------
// conan

/// `version` with item `index` increased by one, items after it dropped, and `-` added
/// (the lowest pre-release of that version).
fn conan_upper(version: &str, index: usize, native: &str) -> Result<String, VersError> {
    let main = version.split(['-', '+']).next().unwrap_or(version);
    let items: Vec<&str> = main.split('.').collect();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate().take(index + 1) {
        if i == index {
            let value: u64 = item.parse().map_err(|_| failure(native, "cannot bump a non-numeric item"))?;
            out.push(value.checked_add(1).ok_or_else(|| failure(native, "overflow"))?.to_string());
        } else {
            out.push((*item).to_owned());
        }
    }
    Ok(format!("{}-", out.join(".")))
}

fn conan(native: &str) -> Result<Option<Vec<Constraint>>, VersError> {
    let text = native.split(',').next().unwrap_or_default();
    let mut out = Vec::new();
    for alternative in text.split("||") {
        for token in tokens(alternative) {
            let (op, version) = split_operator(&token, &[">=", "<=", ">", "<", "=", "~", "^"]);
            let version = version.strip_suffix('-').unwrap_or(version);
            if version == "*" || version.is_empty() {
                out.push(constraint(Comparator::GreaterOrEqual, "0.0.0"));
                continue;
            }
            let items = super::compare::ConanVersion::main_len(version);
            match op {
                "~" => {
                    let index = items.saturating_sub(1).min(1);
                    out.push(constraint(Comparator::GreaterOrEqual, version));
                    out.push(constraint(Comparator::Less, conan_upper(version, index, native)?));
                }
                "^" => {
                    let main = version.split(['-', '+']).next().unwrap_or(version);
                    let index = main
                        .split('.')
                        .position(|item| item.parse::<u64>() != Ok(0))
                        .unwrap_or(items.saturating_sub(1))
                        .min(items.saturating_sub(1));
                    out.push(constraint(Comparator::GreaterOrEqual, version));
                    out.push(constraint(Comparator::Less, conan_upper(version, index, native)?));
                }
                _ => {
                    let comparator = comparator_of(op).ok_or_else(|| failure(native, "unknown operator"))?;
                    out.push(constraint(comparator, version));
                }
            }
        }
    }
    Ok(Some(out))
}

// ---------------------------------------------------------------------------------------
// RubyGems, PyPI

fn gem(native: &str) -> Result<Option<Vec<Constraint>>, VersError> {
    let mut out = Vec::new();
    for requirement in native.split(',') {
        let requirement = requirement.trim();
        let (op, version) = split_operator(requirement, &["~>", ">=", "<=", "!=", ">", "<", "="]);
        if version.is_empty() {
            return Err(failure(native, "empty requirement"));
        }
        if op == "~>" {
            let mut numbers: Vec<&str> =
                version.split('.').take_while(|p| p.bytes().all(|b| b.is_ascii_digit())).collect();
            if numbers.len() > 1 {
                numbers.pop();
            }
            let last = numbers.pop().ok_or_else(|| failure(native, "`~>` needs a number"))?;
            let bumped =
                last.parse::<u64>().ok().and_then(|n| n.checked_add(1)).ok_or_else(|| failure(native, "bad number"))?;
            numbers.push("");
            let prefix = numbers.join(".");
            out.push(constraint(Comparator::GreaterOrEqual, version));
            out.push(constraint(Comparator::Less, format!("{prefix}{bumped}")));
        } else {
            out.push(constraint(comparator_of(op).ok_or_else(|| failure(native, "unknown operator"))?, version));
        }
    }
    Ok(Some(out))
}

fn pypi(native: &str) -> Result<Option<Vec<Constraint>>, VersError> {
    let mut out = Vec::new();
    for specifier in native.split(',') {
        let specifier = specifier.trim();
        let (op, version) = split_operator(specifier, &["===", "~=", "==", "!=", ">=", "<=", ">", "<"]);
        if version.is_empty() || op.is_empty() {
            return Err(failure(native, "a specifier needs an operator and a version"));
        }
        if version.contains('*') {
            return Err(failure(native, "wildcard specifiers are not supported"));
        }
        if op == "~=" {
            let mut parts: Vec<&str> = version.split('.').collect();
            if parts.len() < 2 {
                return Err(failure(native, "`~=` needs two release numbers"));
            }
            parts.pop();
            let last = parts.pop().unwrap_or_default();
            let number: u64 = last.parse().map_err(|_| failure(native, "bad release number"))?;
            parts.push("");
            out.push(constraint(Comparator::GreaterOrEqual, version));
            out.push(constraint(Comparator::Less, format!("{}{}", parts.join("."), number.saturating_add(1))));
        } else {
            out.push(constraint(comparator_of(op).ok_or_else(|| failure(native, "unknown operator"))?, version));
        }
    }
    Ok(Some(out))
}

// ---------------------------------------------------------------------------------------
// NuGet and Maven interval notation

fn intervals(native: &str) -> Result<Option<Vec<Constraint>>, VersError> {
    let text: String = native.chars().filter(|c| !c.is_whitespace()).collect();
    if !text.starts_with(['[', '(']) {
        if text.is_empty() {
            return Err(failure(native, "empty range"));
        }
        return Ok(Some(vec![constraint(Comparator::GreaterOrEqual, text)]));
    }
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let open = rest.chars().next().unwrap_or('[');
        let close_at = rest.find([']', ')']).ok_or_else(|| failure(native, "unclosed interval"))?;
        let inner = rest.get(1..close_at).unwrap_or_default();
        let close = rest.get(close_at..).and_then(|s| s.chars().next()).unwrap_or(']');
        rest = rest.get(close_at + 1..).unwrap_or_default().trim_start_matches(',');
        match inner.split_once(',') {
            None => {
                if open != '[' || close != ']' || inner.is_empty() {
                    return Err(failure(native, "a single version needs `[v]`"));
                }
                out.push(constraint(Comparator::Equal, inner));
            }
            Some((low, high)) => {
                if !low.is_empty() {
                    let comparator = if open == '[' { Comparator::GreaterOrEqual } else { Comparator::Greater };
                    out.push(constraint(comparator, low));
                }
                if !high.is_empty() {
                    let comparator = if close == ']' { Comparator::LessOrEqual } else { Comparator::Less };
                    out.push(constraint(comparator, high));
                }
            }
        }
    }
    Ok(Some(out))
}

// ---------------------------------------------------------------------------------------
// nginx advisories: `a.b.c+` (that stable branch: up to the next minor; an odd, mainline
// minor has no upper bound), `a-b`, or a version.

fn nginx(native: &str) -> Result<Option<Vec<Constraint>>, VersError> {
    let mut out = Vec::new();
    for part in native.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some(version) = part.strip_suffix('+') {
            let numbers: Vec<u64> = version
                .split('.')
                .map(|n| n.parse().map_err(|_| failure(native, "bad number")))
                .collect::<Result<_, _>>()?;
            out.push(constraint(Comparator::GreaterOrEqual, version));
            if let [major, minor, ..] = numbers.as_slice()
                && minor % 2 == 0
            {
                out.push(constraint(Comparator::Less, format!("{major}.{}.0", minor + 1)));
            }
        } else if let Some((low, high)) = part.split_once('-') {
            out.push(constraint(Comparator::GreaterOrEqual, low.trim()));
            out.push(constraint(Comparator::LessOrEqual, high.trim()));
        } else {
            out.push(constraint(Comparator::Equal, part));
        }
    }
    Ok(Some(out))
}
