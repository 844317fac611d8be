//! Secure configuration baselines: rules that say what a configuration must contain
//! (`server.tls.min_version` is one of `TLSv1.2`, `TLSv1.3`; every listener has TLS on; no
//! user without MFA), checked against a configuration already read into a
//! [`serde_json::Value`] (`chainward_formats::baseline` reads JSON, YAML and TOML).
//!
//! A rule's [`Path`] is a dotted list of keys with `[n]` indexes and `*` wildcards; a key
//! that is not plain letters, digits, `_` and `-` is quoted: `headers."x-frame-options"`.
//! `*` and `[*]` both stand for every element of an array or every value of an object.
//!
//! A rule yields one result per concrete path it reaches:
//! - every value found is checked;
//! - every branch that stops short (a key or index that is not there, a wildcard over a
//!   value that is neither array nor object) fails, reported at the deepest path that exists
//!   with `found` = `missing <rest of the path>`; the root is written `.`;
//! - `absent` is the exception: it fails for every value found and passes once, at the rule's
//!   path, when there is none;
//! - a rule that reaches nothing at all (wildcards over empty arrays) fails once as missing,
//!   except `absent`, which passes.
//!
//! A rule passes when all its results pass. Numbers compare by value (`1` equals `1.0`);
//! `regex` searches (anchor with `^…$`) strings and the text of numbers and booleans.

use std::fmt;
use std::str::FromStr;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{InvalidValue, spelled_enum};

/// The most segments a path may have.
pub const MAX_PATH_SEGMENTS: usize = 64;
/// The longest path text, in bytes.
pub const MAX_PATH_LEN: usize = 1024;
/// How deep values are compared and shown; deeper parts compare unequal and show as `…`.
pub const MAX_COMPARE_DEPTH: usize = 128;
/// The longest `found` text, in characters.
pub const FOUND_LEN: usize = 80;

spelled_enum!(
    /// How much a failed rule matters; `medium` by default.
    #[derive(Default)]
    Severity, "severity" {
        /// Hardening that can wait.
        Low = "low",
        /// The default.
        #[default]
        Medium = "medium",
        /// Fix soon.
        High = "high",
        /// Fix now.
        Critical = "critical",
    }
);

spelled_enum!(
    /// The JSON type a `type` check asks for.
    ValueType, "type" {
        /// A string.
        String = "string",
        /// A number, integer or not.
        Number = "number",
        /// `true` or `false`.
        Boolean = "boolean",
        /// An array.
        Array = "array",
        /// An object (a mapping, a TOML table).
        Object = "object",
    }
);

spelled_enum!(
    /// Whether one result passed.
    Outcome, "outcome" {
        /// The value is as the rule wants it.
        Pass = "pass",
        /// It is not, or it is missing.
        Fail = "fail",
    }
);

/// A named set of rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// Name, e.g. `nginx-tls`.
    pub name: String,
    /// What it is for.
    pub description: Option<String>,
    /// The rules, in order.
    pub rules: Vec<Rule>,
}

/// One rule: a path and what the values there must be.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Stable id, unique in its baseline.
    pub id: String,
    /// Where to look.
    pub path: Path,
    /// Why the rule exists.
    pub description: Option<String>,
    /// How much a failure matters.
    pub severity: Severity,
    /// What the values must be.
    pub check: Check,
}

/// What a value must be.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// Equal to this value (numbers by value).
    Equals(Value),
    /// Equal to one of these.
    OneOf(Vec<Value>),
    /// A number within these bounds, both inclusive; a missing bound does not limit.
    Range {
        /// Lower bound.
        min: Option<f64>,
        /// Upper bound.
        max: Option<f64>,
    },
    /// A string (or the text of a number or boolean) the pattern finds a match in.
    Regex(Pattern),
    /// Nothing at the path.
    Absent,
    /// Something at the path (`null` included).
    Present,
    /// A value of this type.
    Type(ValueType),
}

impl Check {
    /// What the check wants, in words (`one of "TLSv1.2", "TLSv1.3"`).
    pub fn expected(&self) -> String {
        match self {
            Check::Equals(value) => format!("equal to {}", shorten(value)),
            Check::OneOf(values) => {
                format!("one of {}", values.iter().map(shorten).collect::<Vec<_>>().join(", "))
            }
            Check::Range { min: Some(min), max: Some(max) } => format!("a number from {min} to {max}"),
            Check::Range { min: Some(min), max: None } => format!("a number of at least {min}"),
            Check::Range { min: None, max: Some(max) } => format!("a number of at most {max}"),
            Check::Range { min: None, max: None } => "a number".to_owned(),
            Check::Regex(pattern) => format!("text matching `{}`", pattern.as_str()),
            Check::Absent => "absent".to_owned(),
            Check::Present => "present".to_owned(),
            Check::Type(ValueType::Array) => "an array".to_owned(),
            Check::Type(ValueType::Object) => "an object".to_owned(),
            Check::Type(ty) => format!("a {ty}"),
        }
    }

    fn accepts(&self, value: &Value) -> bool {
        match self {
            Check::Equals(expected) => json_equal(value, expected, 0),
            Check::OneOf(expected) => expected.iter().any(|e| json_equal(value, e, 0)),
            Check::Range { min, max } => {
                value.as_f64().is_some_and(|n| min.is_none_or(|min| n >= min) && max.is_none_or(|max| n <= max))
            }
            Check::Regex(pattern) => match value {
                Value::String(text) => pattern.0.is_match(text),
                Value::Number(n) => pattern.0.is_match(&n.to_string()),
                Value::Bool(b) => pattern.0.is_match(if *b { "true" } else { "false" }),
                Value::Null | Value::Array(_) | Value::Object(_) => false,
            },
            Check::Absent => false,
            Check::Present => true,
            Check::Type(ty) => match ty {
                ValueType::String => value.is_string(),
                ValueType::Number => value.is_number(),
                ValueType::Boolean => value.is_boolean(),
                ValueType::Array => value.is_array(),
                ValueType::Object => value.is_object(),
            },
        }
    }
}

/// A compiled regular expression, compared by its text.
#[derive(Debug, Clone)]
pub struct Pattern(Regex);

impl Pattern {
    /// Compiles `pattern` with bounded memory (1 MiB for the compiled program).
    pub fn new(pattern: &str) -> Result<Pattern, regex::Error> {
        RegexBuilder::new(pattern).size_limit(1 << 20).dfa_size_limit(1 << 20).build().map(Pattern)
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

/// A path into a configuration: keys, indexes and wildcards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    segments: Vec<Segment>,
}

/// One step of a [`Path`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// The value of this key of an object.
    Key(String),
    /// This element of an array.
    Index(usize),
    /// Every element of an array or value of an object: `*`, or `[*]` when `brackets`.
    Any {
        /// Written `[*]` rather than `*`.
        brackets: bool,
    },
}

/// Why a path cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PathError {
    /// What is wrong and where, in words.
    pub message: String,
}

impl Path {
    /// Reads `server.tls.min_version`, `listeners[*].tls.enabled`, `users.*.mfa`,
    /// `headers."x-frame-options"`, `[0].name`.
    pub fn parse(text: &str) -> Result<Path, PathError> {
        let fail = |at: usize, what: &str| PathError { message: format!("at character {}: {what}", at + 1) };
        if text.trim().is_empty() {
            return Err(PathError { message: "the path is empty".into() });
        }
        if text.len() > MAX_PATH_LEN {
            return Err(PathError { message: format!("the path is longer than {MAX_PATH_LEN} bytes") });
        }
        let chars: Vec<char> = text.chars().collect();
        let mut segments = Vec::new();
        let mut i = 0;
        let mut expect_key = !text.starts_with('[');
        while i < chars.len() {
            let c = chars.get(i).copied().unwrap_or_default();
            if expect_key {
                expect_key = false;
                if c == '"' {
                    let mut key = String::new();
                    i += 1;
                    loop {
                        match chars.get(i) {
                            None => return Err(fail(i, "unclosed quote")),
                            Some('"') => break,
                            Some('\\') => match chars.get(i + 1) {
                                Some(&escaped @ ('"' | '\\')) => {
                                    key.push(escaped);
                                    i += 1;
                                }
                                _ => return Err(fail(i, "only `\\\"` and `\\\\` may follow `\\` in a quoted key")),
                            },
                            Some(&other) => key.push(other),
                        }
                        i += 1;
                    }
                    i += 1;
                    segments.push(Segment::Key(key));
                } else {
                    let start = i;
                    while chars.get(i).is_some_and(|&c| !matches!(c, '.' | '[' | ']' | '"') && !c.is_whitespace()) {
                        i += 1;
                    }
                    let key: String = chars.get(start..i).unwrap_or_default().iter().collect();
                    if key.is_empty() {
                        let what = match c {
                            '.' => "empty key (two dots in a row, or a dot at the start)".to_owned(),
                            c if c.is_whitespace() => "white space in a key; quote the key".to_owned(),
                            c => format!("expected a key, found `{c}`"),
                        };
                        return Err(fail(i, &what));
                    }
                    if key == "*" {
                        segments.push(Segment::Any { brackets: false });
                    } else if key.contains('*') {
                        return Err(fail(start, "`*` must stand alone; quote a key that contains `*`"));
                    } else {
                        segments.push(Segment::Key(key));
                    }
                }
            } else {
                match c {
                    '.' => {
                        expect_key = true;
                        i += 1;
                        if i == chars.len() {
                            return Err(fail(i - 1, "the path ends with a dot"));
                        }
                    }
                    '[' => {
                        let start = i + 1;
                        let close = (start..chars.len()).find(|&j| chars.get(j) == Some(&']'));
                        let Some(close) = close else { return Err(fail(i, "unclosed `[`")) };
                        let inside: String = chars.get(start..close).unwrap_or_default().iter().collect();
                        if inside == "*" {
                            segments.push(Segment::Any { brackets: true });
                        } else if !inside.is_empty() && inside.chars().all(|c| c.is_ascii_digit()) {
                            let index = inside.parse().map_err(|_| fail(start, "index too large"))?;
                            segments.push(Segment::Index(index));
                        } else {
                            return Err(fail(start, &format!("expected an index or `*` in `[…]`, found `{inside}`")));
                        }
                        i = close + 1;
                    }
                    c => return Err(fail(i, &format!("expected `.` or `[` after a key, found `{c}`"))),
                }
            }
            if segments.len() > MAX_PATH_SEGMENTS {
                return Err(PathError { message: format!("the path has more than {MAX_PATH_SEGMENTS} segments") });
            }
        }
        Ok(Path { segments })
    }

    /// The segments, in order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Whether the path has a wildcard.
    pub fn has_wildcard(&self) -> bool {
        self.segments.iter().any(|s| matches!(s, Segment::Any { .. }))
    }
}

impl FromStr for Path {
    type Err = PathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Path::parse(s)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_segments(f, &self.segments)
    }
}

fn write_segments(f: &mut impl fmt::Write, segments: &[Segment]) -> fmt::Result {
    for (i, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Key(key) => write_key(f, key, i == 0)?,
            Segment::Index(index) => write!(f, "[{index}]")?,
            Segment::Any { brackets: true } => f.write_str("[*]")?,
            Segment::Any { brackets: false } if i == 0 => f.write_char('*')?,
            Segment::Any { brackets: false } => f.write_str(".*")?,
        }
    }
    Ok(())
}

fn write_key(f: &mut impl fmt::Write, key: &str, first: bool) -> fmt::Result {
    if !first {
        f.write_char('.')?;
    }
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        f.write_str(key)
    } else {
        f.write_char('"')?;
        for c in key.chars() {
            if matches!(c, '"' | '\\') {
                f.write_char('\\')?;
            }
            f.write_char(c)?;
        }
        f.write_char('"')
    }
}

/// The outcome of checking a configuration against a baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaselineReport {
    /// The baseline's name.
    pub baseline: String,
    /// How many rules passed (all their results passed).
    pub passed: usize,
    /// How many rules failed (at least one result failed).
    pub failed: usize,
    /// One result per rule and concrete path, in rule order, then path order.
    pub results: Vec<RuleResult>,
}

/// One rule at one concrete path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleResult {
    /// The rule's id.
    pub rule_id: String,
    /// The rule's severity.
    pub severity: Severity,
    /// Pass or fail.
    pub outcome: Outcome,
    /// The concrete path (`listeners[2].tls.enabled`); for something missing, the deepest
    /// path that exists (`.` for the root).
    pub path: String,
    /// What the rule wants, in words.
    pub expected: String,
    /// What is there: shortened JSON, `missing <rest of the path>`, or `nothing` for a
    /// passing `absent`.
    pub found: String,
}

/// Checks `config` against every rule of `baseline`.
pub fn check(baseline: &Baseline, config: &Value) -> BaselineReport {
    let mut report = BaselineReport { baseline: baseline.name.clone(), passed: 0, failed: 0, results: Vec::new() };
    for rule in &baseline.rules {
        let before = report.results.len();
        check_rule(rule, config, &mut report.results);
        let failed = report.results.get(before..).unwrap_or_default().iter().any(|r| r.outcome == Outcome::Fail);
        if failed {
            report.failed += 1;
        } else {
            report.passed += 1;
        }
    }
    report
}

/// One step of a concrete path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step<'v> {
    Index(usize),
    Key(&'v str),
}

/// Where a path leads in one configuration.
#[derive(Default)]
struct Reached<'v> {
    /// Values found, with their concrete paths.
    found: Vec<(Vec<Step<'v>>, &'v Value)>,
    /// Branches that stop short: the deepest existing path and the index of the first
    /// segment that could not be followed.
    missing: Vec<(Vec<Step<'v>>, usize)>,
    /// The first wildcard over an empty array or object, in the same form.
    empty: Option<(Vec<Step<'v>>, usize)>,
}

fn follow<'v>(path: &Path, config: &'v Value) -> Reached<'v> {
    let mut reached = Reached::default();
    let mut frontier: Vec<(Vec<Step<'v>>, &'v Value)> = vec![(Vec::new(), config)];
    for (at, segment) in path.segments.iter().enumerate() {
        let mut next = Vec::new();
        for (prefix, value) in frontier {
            let child = |step: Step<'v>| {
                let mut path = prefix.clone();
                path.push(step);
                path
            };
            match (segment, value) {
                (Segment::Key(key), Value::Object(map)) if map.contains_key(key) => {
                    if let Some((key, value)) = map.get_key_value(key) {
                        next.push((child(Step::Key(key)), value));
                    }
                }
                (Segment::Index(index), Value::Array(items)) if *index < items.len() => {
                    if let Some(value) = items.get(*index) {
                        next.push((child(Step::Index(*index)), value));
                    }
                }
                (Segment::Any { .. }, Value::Object(map)) if !map.is_empty() => {
                    next.extend(map.iter().map(|(key, value)| (child(Step::Key(key)), value)));
                }
                (Segment::Any { .. }, Value::Array(items)) if !items.is_empty() => {
                    next.extend(items.iter().enumerate().map(|(i, value)| (child(Step::Index(i)), value)));
                }
                (Segment::Any { .. }, Value::Object(_) | Value::Array(_)) => {
                    if reached.empty.is_none() {
                        reached.empty = Some((prefix, at));
                    }
                }
                _ => reached.missing.push((prefix, at)),
            }
        }
        frontier = next;
    }
    reached.found = frontier;
    reached
}

fn check_rule(rule: &Rule, config: &Value, results: &mut Vec<RuleResult>) {
    let expected = rule.check.expected();
    let result = |outcome: Outcome, path: String, found: String| RuleResult {
        rule_id: rule.id.clone(),
        severity: rule.severity,
        outcome,
        path,
        expected: expected.clone(),
        found,
    };
    let missing = |prefix: &[Step<'_>], at: usize| {
        let rest = rule.path.segments.get(at..).unwrap_or_default();
        result(Outcome::Fail, render_steps(prefix), format!("missing {}", render_rest(rest)))
    };
    let mut reached = follow(&rule.path, config);
    reached.found.sort_by(|a, b| a.0.cmp(&b.0));
    reached.missing.sort();

    if rule.check == Check::Absent {
        if reached.found.is_empty() {
            results.push(result(Outcome::Pass, rule.path.to_string(), "nothing".to_owned()));
        }
        for (steps, value) in &reached.found {
            results.push(result(Outcome::Fail, render_steps(steps), shorten(value)));
        }
        return;
    }
    let mut found = reached.found.iter().peekable();
    let mut missed = reached.missing.iter().peekable();
    // Merge the two sorted lists so that results read in path order.
    loop {
        let take_found = match (found.peek(), missed.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some((a, _)), Some((b, _))) => a <= b,
        };
        if take_found {
            if let Some((steps, value)) = found.next() {
                let outcome = if rule.check.accepts(value) { Outcome::Pass } else { Outcome::Fail };
                results.push(result(outcome, render_steps(steps), shorten(value)));
            }
        } else if let Some((prefix, at)) = missed.next() {
            results.push(missing(prefix, *at));
        }
    }
    if reached.found.is_empty() && reached.missing.is_empty() {
        let (prefix, at) = reached.empty.unwrap_or_default();
        results.push(missing(&prefix, at));
    }
}

fn render_steps(steps: &[Step<'_>]) -> String {
    if steps.is_empty() {
        return ".".to_owned();
    }
    let mut out = String::new();
    for (i, step) in steps.iter().enumerate() {
        // Writing to a String cannot fail.
        let _ = match step {
            Step::Key(key) => write_key(&mut out, key, i == 0),
            Step::Index(index) => fmt::Write::write_fmt(&mut out, format_args!("[{index}]")),
        };
    }
    out
}

fn render_rest(segments: &[Segment]) -> String {
    let mut out = String::new();
    let _ = write_segments(&mut out, segments);
    out
}

/// JSON equality with numbers compared by value, to a bounded depth.
fn json_equal(a: &Value, b: &Value, depth: usize) -> bool {
    if depth > MAX_COMPARE_DEPTH {
        return false;
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
            (Some(x), Some(y), _, _) => x == y,
            (_, _, Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equal(x, y, depth + 1))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w, depth + 1)))
        }
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        _ => false,
    }
}

/// Compact JSON of at most [`FOUND_LEN`] characters, `…` marking a cut.
pub fn shorten(value: &Value) -> String {
    let mut out = String::new();
    write_short(value, 0, &mut out);
    if out.chars().count() > FOUND_LEN {
        let mut cut: String = out.chars().take(FOUND_LEN - 1).collect();
        cut.push('…');
        cut
    } else {
        out
    }
}

fn write_short(value: &Value, depth: usize, out: &mut String) {
    if out.len() > FOUND_LEN {
        return;
    }
    match value {
        Value::String(text) => {
            let text: String = text.chars().take(FOUND_LEN).collect();
            out.push_str(&Value::String(text).to_string());
        }
        Value::Array(items) if depth < 16 => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if out.len() > FOUND_LEN {
                    break;
                }
                if i > 0 {
                    out.push(',');
                }
                write_short(item, depth + 1, out);
            }
            out.push(']');
        }
        Value::Object(map) if depth < 16 => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if out.len() > FOUND_LEN {
                    break;
                }
                if i > 0 {
                    out.push(',');
                }
                let key: String = key.chars().take(FOUND_LEN).collect();
                out.push_str(&Value::String(key).to_string());
                out.push(':');
                write_short(item, depth + 1, out);
            }
            out.push('}');
        }
        Value::Array(_) => out.push_str("[…]"),
        Value::Object(_) => out.push_str("{…}"),
        Value::Null | Value::Bool(_) | Value::Number(_) => out.push_str(&value.to_string()),
    }
}

#[cfg(test)]
mod tests;
