//! CRAN (R) package versions, ordered as R's `compareVersion`/`package_version`: numbers
//! separated by `.` or `-`, compared numerically one by one; when one list is a prefix of
//! the other, the longer one is newer (`1.8` < `1.8.0`).

use crate::digits::Digits;
use crate::{Scheme, VersionError};

/// A parsed CRAN version: its numbers in order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    numbers: Vec<Digits>,
}

impl Version {
    /// Parses numbers separated by `.` or `-`. Anything else (letters, empty numbers) is
    /// not a valid R version.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(VersionError::Empty);
        }
        let mut numbers = Vec::new();
        for piece in text.split(['.', '-']) {
            if piece.is_empty() || !piece.bytes().all(|b| b.is_ascii_digit()) {
                return Err(VersionError::Invalid {
                    scheme: Scheme::Cran,
                    reason: format!("{piece:?} is not a number"),
                });
            }
            numbers.push(Digits::new(piece));
        }
        Ok(Version { numbers })
    }
}
