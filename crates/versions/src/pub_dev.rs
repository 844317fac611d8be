//! Pub (Dart) versions, ordered as `pub_semver`: `major.minor.patch`, then a pre-release
//! (`-…`) sorts before the release, then build metadata (`+…`) sorts AFTER the same version
//! without it (pub orders builds, unlike SemVer 2). Pre-release and build identifiers are
//! dot-separated; numeric ones compare numerically and before alphanumeric ones, which
//! compare by ASCII; a shorter list that is a prefix of a longer one sorts first.
//! A leading `v` and missing minor/patch numbers (read as 0) are tolerated, as OSV data
//! has them; numeric parts after the third are kept as leading build identifiers.

use std::cmp::Ordering;

use crate::digits::Digits;
use crate::{Scheme, VersionError};

/// One pre-release or build identifier. Numbers sort before words.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Identifier {
    Number(Digits),
    Word(String),
}

/// A parsed pub version.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    release: Vec<Digits>,
    pre: Option<Vec<Identifier>>,
    build: Option<Vec<Identifier>>,
}

fn identifiers(text: &str) -> Result<Vec<Identifier>, VersionError> {
    text.split('.')
        .map(|piece| {
            if piece.is_empty() || !piece.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                Err(VersionError::Invalid { scheme: Scheme::Pub, reason: format!("bad identifier {piece:?}") })
            } else if piece.bytes().all(|b| b.is_ascii_digit()) {
                Ok(Identifier::Number(Digits::new(piece)))
            } else {
                Ok(Identifier::Word(piece.to_owned()))
            }
        })
        .collect()
}

impl Version {
    /// Parses `[v]major[.minor[.patch[.more…]]][-pre][+build]`.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        let invalid = |reason: String| VersionError::Invalid { scheme: Scheme::Pub, reason };
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        if text.is_empty() {
            return Err(VersionError::Empty);
        }
        let (rest, build) = match text.split_once('+') {
            Some((rest, build)) => (rest, Some(identifiers(build)?)),
            None => (text, None),
        };
        let (core, pre) = match rest.split_once('-') {
            Some((core, pre)) => (core, Some(identifiers(pre)?)),
            None => (rest, None),
        };
        let mut release = Vec::new();
        let mut extra = Vec::new();
        for (index, piece) in core.split('.').enumerate() {
            if piece.is_empty() || !piece.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid(format!("{piece:?} is not a number")));
            }
            if index < 3 {
                release.push(Digits::new(piece));
            } else {
                extra.push(Identifier::Number(Digits::new(piece)));
            }
        }
        release.resize(3, Digits::default());
        let build = match (extra.is_empty(), build) {
            (true, build) => build,
            (false, None) => Some(extra),
            (false, Some(more)) => Some(extra.into_iter().chain(more).collect()),
        };
        Ok(Version { release, pre, build })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        self.release
            .cmp(&other.release)
            .then_with(|| match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
            .then_with(|| match (&self.build, &other.build) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(a), Some(b)) => a.cmp(b),
            })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
