//! Version ordering for the `rubygems` scheme: `Gem::Version`.
//!
//! * Surrounding whitespace is ignored and every `-` reads as `.pre.`.
//! * Segments are the runs of ASCII digits (numbers of any length) and of ASCII letters
//!   (words, case-sensitive); other characters only separate. Unlike `Gem::Version`, which
//!   refuses them, letters glued to digits (`1beta`) and stray characters are accepted,
//!   as osv-scanner accepts them.
//! * Canonical segments: the leading numbers, then everything from the first word on,
//!   each group without its trailing zeros (`1.0.a.0` = `1.a`).
//! * Compared segment by segment, a missing segment counting as `0`: numbers
//!   numerically, words by bytes, a word before any number (so a word marks a
//!   pre-release: `1.0.a` < `1.0`).

use std::cmp::Ordering;

use crate::VersionError;
use crate::digits::Digits;

/// One segment: words order before numbers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Segment {
    Word(String),
    Number(Digits),
}

impl Segment {
    fn is_zero(&self) -> bool {
        matches!(self, Segment::Number(number) if number.is_zero())
    }
}

/// A parsed RubyGems version: its canonical segments, which never end in a zero.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    segments: Vec<Segment>,
}

impl Version {
    /// Parses a version; fails when it has no digit or letter.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let mut segments = Vec::new();
        let normalized = text.trim().replace('-', ".pre.");
        let bytes = normalized.as_bytes();
        let mut index = 0;
        while let Some(&byte) = bytes.get(index) {
            let is_digit = byte.is_ascii_digit();
            if !is_digit && !byte.is_ascii_alphabetic() {
                index += 1;
                continue;
            }
            let same = |b: &u8| if is_digit { b.is_ascii_digit() } else { b.is_ascii_alphabetic() };
            let length = bytes.get(index..).map_or(0, |rest| rest.iter().take_while(|b| same(b)).count());
            let run = normalized.get(index..index + length).unwrap_or_default();
            segments.push(if is_digit { Segment::Number(Digits::new(run)) } else { Segment::Word(run.to_owned()) });
            index += length;
        }
        if segments.is_empty() {
            return Err(VersionError::Invalid {
                scheme: crate::Scheme::RubyGems,
                reason: "no digits or letters".into(),
            });
        }
        let first_word =
            segments.iter().position(|segment| matches!(segment, Segment::Word(_))).unwrap_or(segments.len());
        let mut words = segments.split_off(first_word);
        trim_zeros(&mut segments);
        trim_zeros(&mut words);
        segments.append(&mut words);
        Ok(Version { segments })
    }

    /// Whether the version is a pre-release (has a letter), as `Gem::Version#prerelease?`.
    pub fn is_prerelease(&self) -> bool {
        self.segments.iter().any(|segment| matches!(segment, Segment::Word(_)))
    }
}

fn trim_zeros(segments: &mut Vec<Segment>) {
    while segments.last().is_some_and(Segment::is_zero) {
        segments.pop();
    }
}

/// The padding segment: a missing segment compares as the number zero.
fn zero() -> Segment {
    Segment::Number(Digits::default())
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        let longest = self.segments.len().max(other.segments.len());
        let padding = zero();
        for index in 0..longest {
            let left = self.segments.get(index).unwrap_or(&padding);
            let right = other.segments.get(index).unwrap_or(&padding);
            let order = left.cmp(right);
            if order.is_ne() {
                return order;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        Version::parse(a).unwrap().cmp(&Version::parse(b).unwrap())
    }

    #[test]
    fn trailing_zeros_are_canonical() {
        assert_eq!(Version::parse("1.0.0").unwrap(), Version::parse("1").unwrap());
        assert_eq!(Version::parse("1.0.a.0").unwrap(), Version::parse("1.a").unwrap());
        assert_eq!(cmp("1.0.a2", "1.0.a.2"), Ordering::Equal);
    }

    #[test]
    fn words_are_prereleases() {
        assert_eq!(cmp("1.0.b1", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0.a.9", "1.0.b.9"), Ordering::Less);
        assert_eq!(cmp("1beta", "1"), Ordering::Less);
        assert_eq!(cmp("1.0-rc1", "1.0.pre.rc1"), Ordering::Equal);
        assert!(Version::parse("1.0.rc1").unwrap().is_prerelease());
    }

    #[test]
    fn numbers_compare_numerically() {
        assert_eq!(cmp("3.10", "3.2"), Ordering::Greater);
        assert_eq!(cmp("1.0.a10", "1.0.a9"), Ordering::Greater);
    }
}
