//! The generic fallback: dotted numeric and alphabetic runs, compared run by run
//! (numbers numerically, words by bytes, a number after a word). Never used to claim
//! exactness for an ecosystem that has its own rules.

use crate::VersionError;

/// One run of a generic version.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Part {
    Word(String),
    Number(u128),
}

/// A parsed generic version.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    parts: Vec<Part>,
}

impl Version {
    /// Splits `text` into numeric and alphabetic runs; separators are dropped.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let mut parts = Vec::new();
        let mut rest = text.trim();
        while let Some(first) = rest.chars().next() {
            if first.is_ascii_digit() {
                let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
                let digits = rest.get(..end).unwrap_or_default().trim_start_matches('0');
                let number = digits.parse::<u128>().unwrap_or(if digits.is_empty() { 0 } else { u128::MAX });
                parts.push(Part::Number(number));
                rest = rest.get(end..).unwrap_or_default();
            } else if first.is_alphabetic() {
                let end = rest.find(|c: char| !c.is_alphabetic()).unwrap_or(rest.len());
                parts.push(Part::Word(rest.get(..end).unwrap_or_default().to_lowercase()));
                rest = rest.get(end..).unwrap_or_default();
            } else {
                rest = rest.get(first.len_utf8()..).unwrap_or_default();
            }
        }
        if parts.is_empty() {
            return Err(VersionError::Invalid {
                scheme: crate::Scheme::Generic,
                reason: "no digits or letters".into(),
            });
        }
        Ok(Version { parts })
    }
}
