//! Version ordering for the `nuget` scheme: NuGet's SemVer 2 with up to four numeric parts
//! (`1.0` = `1.0.0.0`), pre-release labels compared case-insensitively (as .NET's
//! `OrdinalIgnoreCase`, which upper-cases), build metadata after `+` ignored. Read with
//! the leniency of [`crate::semver`]: numbers of any length, an optional `v`, parts past
//! the fourth moved into the pre-release as osv-scanner does.

use crate::VersionError;
use crate::semver::{SemverKey, SemverRules};

/// A parsed NuGet version.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(SemverKey);

impl Version {
    /// Parses a version.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let rules = SemverRules { max_components: 4, ignore_case: true };
        SemverKey::parse(text, rules, crate::Scheme::NuGet).map(Version)
    }

    /// Whether the version has a pre-release label.
    pub fn is_prerelease(&self) -> bool {
        self.0.is_prerelease()
    }
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
    fn four_parts_with_implicit_zeros() {
        assert_eq!(cmp("1.0", "1.0.0.0"), Ordering::Equal);
        assert_eq!(cmp("1.0.01", "1.0.1.0"), Ordering::Equal);
        assert_eq!(cmp("1.0.0", "1.0.0.1"), Ordering::Less);
    }

    #[test]
    fn labels_ignore_case_and_metadata() {
        assert_eq!(cmp("1.0.0-BETA.X.y.5.77.0+AA", "1.0.0-beta.x.y.5.77.0+aa"), Ordering::Equal);
        assert_eq!(Version::parse("1.0.0-Beta").unwrap(), Version::parse("1.0.0-bEta").unwrap());
        assert_eq!(cmp("1.0.0-beta.5", "1.0.0-beta.10"), Ordering::Less);
        assert_eq!(cmp("1.0.0-beta+AA", "1.0.0+aa"), Ordering::Less);
    }
}
