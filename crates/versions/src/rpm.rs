//! RPM versions, ordered by `rpmvercmp` on `[epoch:]version[-release]`: the epoch (digits
//! before the first `:`, default 0), then the version, then the release (after the last
//! `-`). Inside each part, runs of ASCII digits or letters are compared, anything else
//! only separates runs; digits beat letters, `~` sorts before everything (even the end),
//! `^` after the end but before anything else.

use std::cmp::Ordering;

use crate::digits::{Digits, split_digits};
use crate::{Scheme, VersionError};

/// One `rpmvercmp` segment. The derived order is rpm's: `~` < end < `^` < letters < digits
/// (the end of a part is [`Segment::End`], padded where a part is shorter).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Segment {
    Tilde,
    End,
    Caret,
    Alpha(String),
    Number(Digits),
}

/// A version part as its segments. `present` separates the empty string from a string of
/// separators only, as rpmvercmp does (`1` < `1-`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Part {
    present: bool,
    segments: Vec<Segment>,
}

impl Part {
    fn parse(text: &str) -> Part {
        let mut segments = Vec::new();
        let mut rest = text;
        while let Some(first) = rest.chars().next() {
            if first.is_ascii_digit() {
                let (digits, after) = split_digits(rest);
                segments.push(Segment::Number(Digits::new(digits)));
                rest = after;
            } else if first.is_ascii_alphabetic() {
                let end = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
                let (letters, after) = rest.split_at_checked(end).unwrap_or((rest, ""));
                segments.push(Segment::Alpha(letters.to_owned()));
                rest = after;
            } else {
                match first {
                    '~' => segments.push(Segment::Tilde),
                    '^' => segments.push(Segment::Caret),
                    _ => {}
                }
                rest = rest.get(first.len_utf8()..).unwrap_or_default();
            }
        }
        Part { present: !text.is_empty(), segments }
    }
}

impl Ord for Part {
    fn cmp(&self, other: &Part) -> Ordering {
        match (self.present, other.present) {
            (false, false) => return Ordering::Equal,
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            (true, true) => {}
        }
        let n = self.segments.len().max(other.segments.len());
        for i in 0..n {
            let a = self.segments.get(i).unwrap_or(&Segment::End);
            let b = other.segments.get(i).unwrap_or(&Segment::End);
            let order = a.cmp(b);
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

/// A parsed RPM `[epoch:]version[-release]`. Equal when rpmvercmp says so (`1.0` equals
/// `1_0`, `01` equals `1`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    epoch: Part,
    version: Part,
    release: Part,
}

impl Version {
    /// Parses `[epoch:]version[-release]`. A prefix before `:` that is not all digits is
    /// not an epoch (the whole text is then the version, as rpm reads it).
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(VersionError::Empty);
        }
        if text.chars().any(char::is_whitespace) {
            return Err(VersionError::Invalid { scheme: Scheme::Rpm, reason: "contains whitespace".into() });
        }
        let (epoch, rest) = match text.split_once(':') {
            Some((epoch, rest)) if epoch.bytes().all(|b| b.is_ascii_digit()) => (epoch, rest),
            _ => ("", text),
        };
        let epoch = if epoch.is_empty() { "0" } else { epoch };
        let (version, release) = match rest.rsplit_once('-') {
            Some((version, release)) => (Part::parse(version), Part::parse(&format!("-{release}"))),
            None => (Part::parse(rest), Part::parse("")),
        };
        Ok(Version { epoch: Part::parse(epoch), version, release })
    }
}
