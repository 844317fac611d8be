//! Version ordering for the `packagist` scheme: PHP's `version_compare`, after stripping
//! the leading `v`/`V` that Composer drops (as osv-scanner and its fixture generator do).
//!
//! PHP's canonical form: `-`, `_`, `+` and any other character that is not an ASCII
//! letter or digit become `.` (never two in a row), and a `.` goes between a digit and a
//! non-digit. The parts between dots then compare one by one: numbers numerically (of any
//! length, where PHP would saturate at `LONG_MAX`), words by their special form, matched
//! as a prefix and case-sensitively: anything else < `dev` < `alpha` = `a` < `beta` = `b`
//! < `RC` = `rc` < a number < `pl` = `p`. When one version has more parts, its first extra
//! part decides: a number or `p…` makes it greater, any other word smaller.
//!
//! Deliberate differences from PHP, so that the order is total (PHP's is not):
//! * `#` is always a separator. PHP keeps a `#` that directly follows a digit (`1#2` reads
//!   `1.#.2`) and then lets that part equal every number; for PHP a `#` after a dot or a
//!   letter is already a separator, which is what the fixtures exercise.
//! * Trailing separators are ignored: `1.0-` = `1.0.#` = `1.0`. PHP's loop stops at the
//!   trailing empty part and orders `1.0-` before `1.0` (and even `1.` before `1.`); the
//!   fixtures (written against osv-scanner) expect `1.2.3.#` = `1.2.3`.

use std::cmp::Ordering;

use crate::VersionError;
use crate::digits::Digits;

/// One part of the canonical form, in the order `version_compare` gives them. A missing
/// part sits between [`Part::Word`] and [`Part::Number`], and no part equals it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Part {
    /// A word below the numbers, by rank: unknown, `dev`, `a`/`alpha`, `b`/`beta`, `rc`/`RC`.
    Word(u8),
    /// A number.
    Number(Digits),
    /// `pl` or `p`, above the numbers.
    Patch,
}

impl Part {
    fn word(text: &str) -> Part {
        // PHP tries the forms in this order and takes the first that is a prefix.
        const FORMS: [(&str, u8); 9] =
            [("dev", 1), ("alpha", 2), ("a", 2), ("beta", 3), ("b", 3), ("RC", 4), ("rc", 4), ("pl", 5), ("p", 5)];
        match FORMS.iter().find(|(form, _)| text.starts_with(form)) {
            Some((_, 5)) => Part::Patch,
            Some((_, rank)) => Part::Word(*rank),
            None => Part::Word(0),
        }
    }

    /// How an extra part compares with the missing part of a shorter version.
    fn cmp_missing(&self) -> Ordering {
        match self {
            Part::Word(_) => Ordering::Less,
            Part::Number(_) | Part::Patch => Ordering::Greater,
        }
    }
}

/// A parsed Packagist version: the parts of its canonical form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    parts: Vec<Part>,
}

impl Version {
    /// Parses a version; fails when nothing is left after the `v`.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let stripped = text.trim_start_matches(['v', 'V']);
        if stripped.is_empty() {
            return Err(VersionError::Invalid {
                scheme: crate::Scheme::Packagist,
                reason: "no version after the v".into(),
            });
        }
        let mut canonical = canonicalize(stripped.as_bytes());
        // Trailing separators are ignored (PHP would order `1.0-` before `1.0`).
        while canonical.len() > 1 && canonical.last() == Some(&b'.') {
            canonical.pop();
        }
        let parts = canonical
            .split(|&b| b == b'.')
            .map(|part| {
                if part.first().is_some_and(u8::is_ascii_digit) {
                    let digits: String =
                        part.iter().take_while(|b| b.is_ascii_digit()).map(|&b| char::from(b)).collect();
                    Part::Number(Digits::new(&digits))
                } else {
                    Part::word(&String::from_utf8_lossy(part))
                }
            })
            .collect();
        Ok(Version { parts })
    }
}

/// PHP's `php_canonicalize_version`, with `#` always a separator. Works on bytes, as PHP
/// does; a non-alphanumeric byte (non-ASCII included) is a separator unless it directly
/// follows a digit.
fn canonicalize(text: &[u8]) -> Vec<u8> {
    let is_separator = |b: u8| !b.is_ascii_alphanumeric();
    let mut out = Vec::with_capacity(text.len() * 2);
    let mut bytes = text.iter().copied();
    let Some(first) = bytes.next() else { return out };
    // PHP copies the first byte as it is; `#` is the one byte not kept (see module docs).
    out.push(if first == b'#' { b'.' } else { first });
    let mut previous = first;
    for byte in bytes {
        let last_is_dot = out.last() == Some(&b'.');
        let digit_to_other = previous.is_ascii_digit() && !byte.is_ascii_digit() && byte != b'.' && byte != b'#';
        let other_to_digit = !previous.is_ascii_digit() && previous != b'.' && byte.is_ascii_digit();
        if matches!(byte, b'-' | b'_' | b'+') {
            if !last_is_dot {
                out.push(b'.');
            }
        } else if digit_to_other || other_to_digit {
            if !last_is_dot {
                out.push(b'.');
            }
            // Like PHP, a non-alphanumeric byte right after a digit is kept (`1~` reads
            // `1.~`, an unknown word); only `#` was excluded above.
            out.push(byte);
        } else if is_separator(byte) {
            if !last_is_dot {
                out.push(b'.');
            }
        } else {
            out.push(byte);
        }
        previous = byte;
    }
    out
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        for (left, right) in self.parts.iter().zip(&other.parts) {
            let order = left.cmp(right);
            if order.is_ne() {
                return order;
            }
        }
        match (self.parts.get(other.parts.len()), other.parts.get(self.parts.len())) {
            (Some(extra), _) => extra.cmp_missing(),
            (None, Some(extra)) => extra.cmp_missing().reverse(),
            (None, None) => Ordering::Equal,
        }
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
    fn special_forms_in_order() {
        let chain = ["1.0-foo", "1.0-dev", "1.0a1", "1.0b1", "1.0RC1", "1.0", "1.0pl1"];
        for pair in chain.windows(2) {
            if let [a, b] = pair {
                assert_eq!(cmp(a, b), Ordering::Less, "{a} < {b}");
            }
        }
        assert_eq!(cmp("1.0RC1", "1.0rc1"), Ordering::Equal);
        assert_eq!(cmp("1.25.0-beta2.1", "1.25.0-b.2.1"), Ordering::Equal);
    }

    #[test]
    fn extra_parts() {
        assert_eq!(cmp("1.0.0", "1.0"), Ordering::Greater);
        assert_eq!(cmp("1.0", "1.0.beta"), Ordering::Greater);
        assert_eq!(cmp("1.0", "1.0.p"), Ordering::Less);
    }

    #[test]
    fn hash_is_a_separator() {
        assert_eq!(cmp("1.2.3.#", "1.2.3"), Ordering::Equal);
        assert_eq!(cmp("1.2.3#", "1.2.3"), Ordering::Equal);
        assert_eq!(cmp("1.2.3.#.beta", "1.2.3"), Ordering::Less);
    }

    #[test]
    fn v_prefix_is_dropped() {
        assert_eq!(cmp("v1.0.0", "V1.0.0"), Ordering::Equal);
        assert_eq!(cmp("V1.0.0", "1.2.3"), Ordering::Less);
        assert!(Version::parse("v").is_err());
    }
}
