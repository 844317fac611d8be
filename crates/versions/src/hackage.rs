//! Hackage (Haskell) package versions, ordered as `Data.Version` under the PVP: dotted
//! numbers compared one by one numerically; when one list is a prefix of the other, the
//! longer one is newer (`1.0` < `1.0.0`).

use crate::digits::Digits;
use crate::{Scheme, VersionError};

/// A parsed Hackage version: its numbers in order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    numbers: Vec<Digits>,
}

impl Version {
    /// Parses dotted numbers (`0.1.26.0`). Tags (`1.0-foo`, deprecated) are refused.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(VersionError::Empty);
        }
        let mut numbers = Vec::new();
        for piece in text.split('.') {
            if piece.is_empty() || !piece.bytes().all(|b| b.is_ascii_digit()) {
                return Err(VersionError::Invalid {
                    scheme: Scheme::Hackage,
                    reason: format!("{piece:?} is not a number"),
                });
            }
            numbers.push(Digits::new(piece));
        }
        Ok(Version { numbers })
    }
}
