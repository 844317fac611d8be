//! Version ordering for the `pypi` scheme: PEP 440, as python `packaging` orders it, plus
//! the legacy (pre-PEP 440) versions that osv-scanner still orders.
//!
//! A PEP 440 version is read case-insensitively with PEP 440's normalisations: optional
//! `v`, surrounding whitespace, `-`/`_`/`.` separators around pre, post and dev parts,
//! spellings `alpha`/`beta`/`c`/`pre`/`preview`/`rev`/`r`, implicit zero numbers, `1.0-1`
//! as a post-release. Order: epoch, release (trailing zeros ignored), then pre-release
//! (a bare `.devN` before any `aN`), post-release, dev-release, local label (numbers after
//! words; a longer label after its own prefix; any label after none).
//!
//! Anything else is a legacy version (setuptools' old `parse_version` scheme): split into
//! digit runs, letter runs and dashes, numbers zero-padded to eight digits, words marked,
//! `pre`/`preview`/`rc` read as `c`, `dev` as `@`, compared as the joined string. Every
//! legacy version orders before every PEP 440 version.

use crate::VersionError;
use crate::digits::{Digits, all_digits};

/// A pre-release phase; `c`, `pre` and `preview` are `rc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Phase {
    Alpha,
    Beta,
    ReleaseCandidate,
}

/// The pre-release key: a dev-release without pre or post part orders before every
/// pre-release of its release, and no pre-release after all of them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum PreKey {
    DevOnly,
    Pre(Phase, Digits),
    None,
}

/// The dev-release key: a dev-release before the same version without one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum DevKey {
    Dev(Digits),
    None,
}

/// One dot-separated part of a local label: numbers order after words.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum LocalPart {
    Word(String),
    Number(Digits),
}

/// A PEP 440 version's ordering key, in comparison order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Pep440 {
    epoch: Digits,
    /// Without trailing zeros.
    release: Vec<Digits>,
    pre: PreKey,
    /// `None` orders before any post-release.
    post: Option<Digits>,
    dev: DevKey,
    /// `None` orders before any local label.
    local: Option<Vec<LocalPart>>,
}

/// Legacy versions order before PEP 440 ones.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Key {
    /// The joined, normalised parts of a legacy version.
    Legacy(String),
    Pep440(Pep440),
}

/// A parsed PyPI version; equal when `packaging` (or, for legacy versions, osv-scanner)
/// compares them equal: `1.0RC1` = `1.0rc1` = `1.0.0-c1`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(Key);

impl Version {
    /// Parses a version; text that is not PEP 440 is read as a legacy version, so any
    /// non-empty string parses.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let lower = text.to_lowercase();
        Ok(Version(match parse_pep440(&lower) {
            Some(version) => Key::Pep440(version),
            None => Key::Legacy(legacy_key(&lower)),
        }))
    }

    /// Whether the version follows PEP 440 (rather than the legacy scheme).
    pub fn is_pep440(&self) -> bool {
        matches!(self.0, Key::Pep440(_))
    }

    /// Whether the version is a pre-release or dev-release (PEP 440 only).
    pub fn is_prerelease(&self) -> bool {
        match &self.0 {
            Key::Pep440(version) => version.pre != PreKey::None || version.dev != DevKey::None,
            Key::Legacy(_) => false,
        }
    }
}

/// A cursor over the bytes of a lower-cased version.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        self.text.get(self.at..).unwrap_or_default()
    }

    fn peek(&self) -> Option<u8> {
        self.rest().bytes().next()
    }

    fn eat(&mut self, prefix: &str) -> bool {
        if self.rest().starts_with(prefix) {
            self.at += prefix.len();
            true
        } else {
            false
        }
    }

    fn eat_separator(&mut self) -> bool {
        matches!(self.peek(), Some(b'-' | b'_' | b'.')) && {
            self.at += 1;
            true
        }
    }

    fn digits(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if end == 0 {
            return None;
        }
        self.at += end;
        rest.get(..end)
    }

    /// Eats the longest of `labels` found here (the regular expression's alternation
    /// backtracks to it; no shorter label can be followed by a valid rest).
    fn label(&mut self, labels: &[&'static str]) -> Option<&'static str> {
        let found = labels.iter().filter(|label| self.rest().starts_with(**label)).max_by_key(|label| label.len())?;
        self.at += found.len();
        Some(found)
    }

    /// An optional separator then a label; nothing is eaten when no label follows.
    fn separated_label(&mut self, labels: &[&'static str]) -> Option<&'static str> {
        let start = self.at;
        self.eat_separator();
        let found = self.label(labels);
        if found.is_none() {
            self.at = start;
        }
        found
    }

    /// An optional separator then an optional number (zero when absent). Like the
    /// regular expression, the separator is eaten even when no number follows: every
    /// later part accepts an optional separator of its own, and a `-N` post-release cannot
    /// start at a dash that no digit follows, so eating it never loses a match.
    fn separated_number(&mut self) -> Digits {
        self.eat_separator();
        self.digits().map(Digits::new).unwrap_or_default()
    }
}

fn trim_whitespace(text: &str) -> &str {
    // Go's `\s` (the reference's regular expression): tab, newline, form feed, return, space.
    text.trim_matches(|c: char| matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' '))
}

/// The PEP 440 reading of `lower`, or `None` when it is not PEP 440.
fn parse_pep440(lower: &str) -> Option<Pep440> {
    let mut cursor = Cursor { text: trim_whitespace(lower), at: 0 };
    cursor.eat("v");
    let first = cursor.digits()?;
    let (epoch, mut release) = if cursor.eat("!") {
        let mut release = vec![Digits::new(cursor.digits()?)];
        release_rest(&mut cursor, &mut release);
        (Digits::new(first), release)
    } else {
        let mut release = vec![Digits::new(first)];
        release_rest(&mut cursor, &mut release);
        (Digits::default(), release)
    };
    while release.last().is_some_and(Digits::is_zero) {
        release.pop();
    }

    let pre = cursor.separated_label(&["a", "b", "c", "rc", "alpha", "beta", "pre", "preview"]).map(|label| {
        let phase = match label {
            "a" | "alpha" => Phase::Alpha,
            "b" | "beta" => Phase::Beta,
            _ => Phase::ReleaseCandidate,
        };
        (phase, cursor.separated_number())
    });

    let post = if cursor.rest().starts_with('-')
        && cursor.rest().get(1..).is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    {
        cursor.eat("-");
        cursor.digits().map(Digits::new)
    } else {
        cursor.separated_label(&["post", "rev", "r"]).map(|_| cursor.separated_number())
    };

    let dev = cursor.separated_label(&["dev"]).map(|_| cursor.separated_number());

    let local = if cursor.eat("+") {
        let label = cursor.rest();
        let parts: Vec<&str> = label.split(['-', '_', '.']).collect();
        if parts
            .iter()
            .any(|part| part.is_empty() || !part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        {
            return None;
        }
        cursor.at = cursor.text.len();
        Some(
            parts
                .into_iter()
                .map(|part| {
                    if all_digits(part) {
                        LocalPart::Number(Digits::new(part))
                    } else {
                        LocalPart::Word(part.to_owned())
                    }
                })
                .collect(),
        )
    } else {
        None
    };

    if !cursor.rest().is_empty() {
        return None;
    }
    let pre = match (pre, &post, &dev) {
        (Some((phase, number)), _, _) => PreKey::Pre(phase, number),
        (None, None, Some(_)) => PreKey::DevOnly,
        (None, _, _) => PreKey::None,
    };
    Some(Pep440 { epoch, release, pre, post, dev: dev.map_or(DevKey::None, DevKey::Dev), local })
}

fn release_rest(cursor: &mut Cursor<'_>, release: &mut Vec<Digits>) {
    loop {
        let start = cursor.at;
        if !cursor.eat(".") {
            return;
        }
        match cursor.digits() {
            Some(digits) => release.push(Digits::new(digits)),
            None => {
                cursor.at = start;
                return;
            }
        }
    }
}

/// The legacy ordering key: setuptools' `parse_version` parts, joined.
fn legacy_key(lower: &str) -> String {
    let mut pieces: Vec<&str> = Vec::new();
    let bytes = lower.as_bytes();
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let class = |b: u8| {
            if b.is_ascii_digit() {
                1
            } else if b.is_ascii_lowercase() {
                2
            } else {
                0
            }
        };
        match byte {
            b'-' | b'.' => {
                pieces.push(lower.get(index..index + 1).unwrap_or_default());
                index += 1;
            }
            b if class(b) != 0 => {
                let kind = class(b);
                let end = bytes
                    .get(index..)
                    .and_then(|rest| rest.iter().position(|&c| class(c) != kind))
                    .map_or(bytes.len(), |p| index + p);
                pieces.push(lower.get(index..end).unwrap_or_default());
                index = end;
            }
            _ => index += 1,
        }
    }
    pieces.push("final");

    let mut parts: Vec<String> = Vec::new();
    for piece in pieces {
        if piece == "." {
            continue;
        }
        let piece = match piece {
            "pre" | "preview" | "rc" => "c",
            "-" => "final-",
            "dev" => "@",
            other => other,
        };
        let part =
            if piece.starts_with(|c: char| c.is_ascii_digit()) { format!("{piece:0>8}") } else { format!("*{piece}") };
        if part.starts_with('*') {
            if part.as_str() < "*final" {
                while parts.last().is_some_and(|last| last == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|last| last == "00000000") {
                parts.pop();
            }
        }
        parts.push(part);
    }
    parts.concat()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::cmp::Ordering;

    fn cmp(a: &str, b: &str) -> Ordering {
        Version::parse(a).unwrap().cmp(&Version::parse(b).unwrap())
    }

    #[test]
    fn normalised_spellings_are_equal() {
        assert_eq!(cmp("1.0RC1", "1.0rc1"), Ordering::Equal);
        assert_eq!(cmp("1.0-c1", "1.0rc1"), Ordering::Equal);
        assert_eq!(cmp("1.0.preview.1", "1.0rc1"), Ordering::Equal);
        assert_eq!(cmp("1.0-1", "1.0.post1"), Ordering::Equal);
        assert_eq!(cmp("1.0.rev", "1.0.post0"), Ordering::Equal);
        assert_eq!(cmp("v1.0", "1.0.0"), Ordering::Equal);
        assert_eq!(cmp(" 1.0a ", "1.0alpha0"), Ordering::Equal);
        assert!(Version::parse("1.0rc1").unwrap().is_pep440());
    }

    #[test]
    fn release_phases_in_order() {
        let chain = [
            "1.0.dev0",
            "1.0a0",
            "1.0a1.dev1",
            "1.0a1",
            "1.0b1",
            "1.0rc1",
            "1.0",
            "1.0+local",
            "1.0.post1.dev1",
            "1.0.post1",
            "1!0.1",
        ];
        for pair in chain.windows(2) {
            if let [a, b] = pair {
                assert_eq!(cmp(a, b), Ordering::Less, "{a} < {b}");
            }
        }
    }

    #[test]
    fn local_labels() {
        assert_eq!(cmp("1.0+local.0", "1.0+local.0.1"), Ordering::Less);
        assert_eq!(cmp("1.0+local.a", "1.0+local.1"), Ordering::Less);
        assert_eq!(cmp("1.0+local.01", "1.0+LOCAL-1"), Ordering::Equal);
    }

    #[test]
    fn legacy_versions_order_before_pep440() {
        assert!(!Version::parse("0.9-doduo").unwrap().is_pep440());
        assert_eq!(cmp("0.9-doduo", "0.1"), Ordering::Less);
        assert_eq!(cmp("0.1-bulbasaur", "0.1-charmander"), Ordering::Less);
        assert_eq!(cmp("-class.-jw.util.version.version-pre", "1.0"), Ordering::Less);
    }
}
