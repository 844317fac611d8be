//! Version ordering for the `cran` scheme. PLACEHOLDER: delegates to the generic
//! comparison until the exact implementation lands.

use crate::VersionError;

/// A parsed version.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(crate::generic::Version);

impl Version {
    /// Parses a version.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        crate::generic::Version::parse(text).map(Version)
    }
}
