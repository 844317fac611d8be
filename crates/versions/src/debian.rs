//! Debian and Ubuntu versions, ordered as `dpkg --compare-versions` orders them:
//! `[epoch:]upstream[-revision]`, the epoch numerically, then upstream and revision with
//! dpkg's `verrevcmp` (alternating non-digit and digit runs; in non-digit runs `~` sorts
//! before everything, even the end of the string, then the end, then letters, then any
//! other character; digit runs compare numerically).

use std::cmp::Ordering;

use crate::digits::{Digits, split_digits};
use crate::{Scheme, VersionError};

/// One non-digit run then one digit run of a `verrevcmp` string.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Chunk {
    /// dpkg's weight of each character of the non-digit run (never 0: 0 is "ended").
    weights: Vec<i32>,
    /// The digit run that follows (empty = 0).
    number: Digits,
}

/// A string compared with dpkg's `verrevcmp`, kept as its canonical chunks: trailing
/// chunks that compare equal to nothing (empty run, zero) are dropped, so two strings
/// compare `Equal` exactly when their chunks are equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
struct Part {
    chunks: Vec<Chunk>,
}

fn weight(byte: u8) -> i32 {
    match byte {
        b'~' => -1,
        b if b.is_ascii_alphabetic() => i32::from(b),
        b => i32::from(b) + 256,
    }
}

impl Part {
    fn parse(text: &str) -> Part {
        let mut chunks = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let end = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
            let (letters, after) = rest.split_at_checked(end).unwrap_or((rest, ""));
            let (digits, after) = split_digits(after);
            chunks.push(Chunk { weights: letters.bytes().map(weight).collect(), number: Digits::new(digits) });
            rest = after;
        }
        while chunks.last().is_some_and(|c| c.weights.is_empty() && c.number.is_zero()) {
            chunks.pop();
        }
        Part { chunks }
    }
}

fn cmp_weights(a: &[i32], b: &[i32]) -> Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        if x != y {
            return x.cmp(&y);
        }
    }
    Ordering::Equal
}

impl Ord for Part {
    fn cmp(&self, other: &Part) -> Ordering {
        let empty = Chunk { weights: Vec::new(), number: Digits::default() };
        let n = self.chunks.len().max(other.chunks.len());
        for i in 0..n {
            let a = self.chunks.get(i).unwrap_or(&empty);
            let b = other.chunks.get(i).unwrap_or(&empty);
            let order = cmp_weights(&a.weights, &b.weights).then_with(|| a.number.cmp(&b.number));
            if order != Ordering::Equal {
                return order;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for Part {
    fn partial_cmp(&self, other: &Part) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A parsed Debian version. Equality is dpkg's: `1.0-0` equals `1.0`, `0:1` equals `1`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    epoch: Digits,
    upstream: Part,
    revision: Part,
}

impl Version {
    /// Parses `[epoch:]upstream[-revision]`. The epoch must be digits; the revision is
    /// what follows the last `-`. Whitespace inside is refused.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let invalid = |reason: &str| VersionError::Invalid { scheme: Scheme::Debian, reason: reason.into() };
        let text = text.trim();
        if text.is_empty() {
            return Err(VersionError::Empty);
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("contains whitespace"));
        }
        let (epoch, rest) = match text.split_once(':') {
            Some((epoch, rest)) => {
                if epoch.is_empty() || !epoch.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid("epoch is not a number"));
                }
                (Digits::new(epoch), rest)
            }
            None => (Digits::default(), text),
        };
        let (upstream, revision) = match rest.rsplit_once('-') {
            Some((upstream, revision)) => (upstream, revision),
            None => (rest, ""),
        };
        if upstream.is_empty() {
            return Err(invalid("empty upstream version"));
        }
        Ok(Version { epoch, upstream: Part::parse(upstream), revision: Part::parse(revision) })
    }
}
