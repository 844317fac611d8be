//! Version ordering for the `go` scheme: Go module versions are semantic versions with a
//! `v` prefix, read here with the same leniency as [`crate::semver`] (the `v` is optional).
//!
//! * `+incompatible` is build metadata and so is ignored for ordering:
//!   `v2.0.0+incompatible` = `v2.0.0`.
//! * Pseudo-versions are pre-releases and order as such, without special casing:
//!   `v0.0.0-20191109021931-daa7c04131f5` < `v0.0.0`, and
//!   `v1.2.4-0.20191109021931-daa7c04131f5` sits between `v1.2.3` and `v1.2.4`.

use crate::VersionError;
use crate::semver::{SemverKey, SemverRules};

/// A parsed Go module version.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(SemverKey);

impl Version {
    /// Parses a version, with or without its `v`.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let rules = SemverRules { max_components: 3, ignore_case: false };
        SemverKey::parse(text, rules, crate::Scheme::Go).map(Version)
    }

    /// Whether the version is a pre-release, pseudo-versions included.
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
    fn incompatible_suffix_is_ignored() {
        assert_eq!(cmp("v2.0.0+incompatible", "v2.0.0"), Ordering::Equal);
        assert_eq!(cmp("v2.0.1+incompatible", "v2.0.0"), Ordering::Greater);
    }

    #[test]
    fn pseudo_versions_are_prereleases() {
        assert_eq!(cmp("v0.0.0-20191109021931-daa7c04131f5", "v0.0.0"), Ordering::Less);
        assert_eq!(cmp("v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20200101000000-000000000000"), Ordering::Less);
        assert_eq!(cmp("v1.2.3", "v1.2.4-0.20191109021931-daa7c04131f5"), Ordering::Less);
        assert_eq!(cmp("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4"), Ordering::Less);
        assert_eq!(cmp("v1.2.4-pre.0.20191109021931-daa7c04131f5", "v1.2.4-pre"), Ordering::Greater);
        assert!(Version::parse("v0.0.0-20191109021931-daa7c04131f5").unwrap().is_prerelease());
    }

    #[test]
    fn the_v_is_optional() {
        assert_eq!(cmp("1.2.3", "v1.2.3"), Ordering::Equal);
    }
}
