//! Version ordering for the `semver` scheme (npm, crates.io, Hex, OSV `SEMVER` ranges):
//! SemVer 2.0 precedence, read as leniently as osv-scanner reads it.
//!
//! * An optional leading `v`; surrounding whitespace is ignored.
//! * Any number of dotted numeric components, missing ones are zero (`1.2` = `1.2.0`),
//!   numbers of any length.
//! * The first character that is neither a digit nor a dot starts the "build string";
//!   whatever follows its first `+` is build metadata and is ignored, one leading `-` is
//!   dropped and the rest is the pre-release. A version with a pre-release orders before
//!   the same version without one.
//! * Pre-release identifiers split on `.`: all-digit ones compare numerically and before
//!   the others, the others compare by ASCII bytes; a longer list of equal prefix wins.
//! * As in osv-scanner, numeric components past the third are moved to the end of the
//!   build string as `.N`, so `1.2.3.4` orders as the pre-release `1.2.3-.4`.
//!
//! Go modules ([`crate::go`]) and NuGet ([`crate::nuget`]) share this reading.

use crate::VersionError;
use crate::digits::{Digits, all_digits};

/// One pre-release identifier: numbers order before words.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Identifier {
    /// All ASCII digits, compared numerically.
    Number(Digits),
    /// Anything else, compared by bytes.
    Word(String),
}

/// The pre-release part; a release orders after every pre-release.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Prerelease {
    /// Dotted identifiers.
    Identifiers(Vec<Identifier>),
    /// No pre-release (build metadata alone does not make one).
    Release,
}

/// The ordering key of a semver-like version: numeric components without trailing zeros
/// (so padding with zeros is implicit), then the pre-release.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct SemverKey {
    components: Vec<Digits>,
    prerelease: Prerelease,
}

/// How a semver-like scheme reads its versions.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SemverRules {
    /// Numeric components kept before the rest spills into the build string.
    pub(crate) max_components: usize,
    /// Whether pre-release words compare case-insensitively (NuGet).
    pub(crate) ignore_case: bool,
}

impl SemverKey {
    /// Reads `text` under `rules`. Fails only when nothing but separators is left.
    pub(crate) fn parse(text: &str, rules: SemverRules, scheme: crate::Scheme) -> Result<SemverKey, VersionError> {
        let trimmed = text.trim();
        let without_v = trimmed.strip_prefix('v').unwrap_or(trimmed);
        if !without_v.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
            return Err(VersionError::Invalid { scheme, reason: "does not start with a number".into() });
        }
        // Lenient as osv-scanner is about the shape, but a version is printable ASCII: a
        // space, a control character or an emoji is not a version of any semver ecosystem.
        if let Some(bad) = without_v.chars().find(|c| !c.is_ascii_graphic()) {
            return Err(VersionError::Invalid { scheme, reason: format!("contains {bad:?}, not a version character") });
        }
        // Numeric components run until the first byte that is neither a digit nor a dot;
        // empty components (`1..2`) are skipped, as osv-scanner does.
        let core_end = without_v.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(without_v.len());
        let core = without_v.get(..core_end).unwrap_or_default();
        let mut build = without_v.get(core_end..).unwrap_or_default().to_owned();
        let mut components: Vec<Digits> = core.split('.').filter(|part| !part.is_empty()).map(Digits::new).collect();
        if components.len() > rules.max_components {
            for extra in components.split_off(rules.max_components) {
                build.push('.');
                build.push_str(extra.as_canonical());
            }
        }
        while components.last().is_some_and(Digits::is_zero) {
            components.pop();
        }
        let before_metadata = build.split('+').next().unwrap_or_default();
        let prerelease_text = before_metadata.strip_prefix('-').unwrap_or(before_metadata);
        let prerelease = if prerelease_text.is_empty() {
            Prerelease::Release
        } else {
            Prerelease::Identifiers(
                prerelease_text
                    .split('.')
                    .map(|part| {
                        if all_digits(part) {
                            Identifier::Number(Digits::new(part))
                        } else if rules.ignore_case {
                            Identifier::Word(part.to_uppercase())
                        } else {
                            Identifier::Word(part.to_owned())
                        }
                    })
                    .collect(),
            )
        };
        Ok(SemverKey { components, prerelease })
    }

    /// Whether the version has a pre-release part.
    pub(crate) fn is_prerelease(&self) -> bool {
        matches!(self.prerelease, Prerelease::Identifiers(_))
    }
}

/// A parsed semver version; equal versions (`1.0.0+a`, `v1.0.0+b`) compare and hash equal.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(SemverKey);

impl Version {
    /// Parses a version; fails only when nothing but dots is left after the `v`.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let rules = SemverRules { max_components: 3, ignore_case: false };
        SemverKey::parse(text, rules, crate::Scheme::Semver).map(Version)
    }

    /// Whether the version has a pre-release part (`1.0.0-rc.1`).
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
    fn non_ascii_and_spaces_are_refused() {
        assert!(Version::parse("1.0.0.0.0.0-💥").is_err());
        assert!(Version::parse("1.0.0 beta").is_err());
        assert!(Version::parse("1.0.0-beta+exp.sha.5114f85").is_ok());
    }

    #[test]
    fn build_metadata_is_ignored() {
        assert_eq!(cmp("1.0.0+a", "1.0.0+b"), Ordering::Equal);
        assert_eq!(Version::parse("1.0.0+a").unwrap(), Version::parse("v1.0.0").unwrap());
    }

    #[test]
    fn missing_components_are_zero() {
        assert_eq!(cmp("1.2", "1.2.0"), Ordering::Equal);
        assert_eq!(cmp("1", "1.0.0"), Ordering::Equal);
        assert_eq!(cmp("1.2-beta", "1.2.0-beta"), Ordering::Equal);
    }

    #[test]
    fn prerelease_precedence_follows_the_spec() {
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ];
        for pair in chain.windows(2) {
            if let [a, b] = pair {
                assert_eq!(cmp(a, b), Ordering::Less, "{a} < {b}");
            }
        }
    }

    #[test]
    fn huge_numbers_do_not_overflow() {
        assert_eq!(cmp("999999999999999999999999999991", "999999999999999999999999999999"), Ordering::Less);
    }

    #[test]
    fn fourth_component_becomes_a_prerelease_like_osv() {
        assert_eq!(cmp("1.2.3.4", "1.2.3"), Ordering::Less);
        assert_eq!(cmp("1.2.3.4", "1.2.3.4"), Ordering::Equal);
    }

    #[test]
    fn separators_alone_are_refused() {
        assert!(Version::parse("...").is_err());
    }
}
