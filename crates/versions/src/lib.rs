#![doc = include_str!("../README.md")]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::todo)]

use std::cmp::Ordering;
use std::fmt;

pub mod alpine;
pub mod cran;
pub mod debian;
mod digits;
pub mod generic;
pub mod go;
pub mod hackage;
pub mod maven;
pub mod nuget;
pub mod packagist;
pub mod pub_dev;
pub mod pypi;
pub mod rpm;
pub mod rubygems;
pub mod semver;
pub mod vers;

/// Longest version string any scheme accepts; longer input is refused, not parsed.
pub const MAX_VERSION_LEN: usize = 256;

/// A versioning scheme: how one ecosystem orders its versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scheme {
    /// Semantic Versioning 2.0 (npm, crates.io, Hex, OSV `SEMVER` ranges).
    Semver,
    /// Go modules: semver with a `v` prefix, `+incompatible`, pseudo-versions.
    Go,
    /// PyPI: PEP 440.
    PyPI,
    /// Maven: `ComparableVersion`.
    Maven,
    /// NuGet: four-part SemVer 2, case-insensitive labels.
    NuGet,
    /// RubyGems: `Gem::Version`.
    RubyGems,
    /// Packagist: PHP `version_compare` after Composer normalisation.
    Packagist,
    /// Debian and Ubuntu: dpkg.
    Debian,
    /// RPM (Red Hat, Rocky, Alma, SUSE, openSUSE, …): rpmvercmp on epoch:version-release.
    Rpm,
    /// Alpine: apk.
    Alpine,
    /// CRAN: R `compareVersion`.
    Cran,
    /// Hackage: Haskell PVP, dotted numbers.
    Hackage,
    /// Pub (Dart): semver with pub's pre-release rules.
    Pub,
    /// Anything else: a generic dotted comparison, never used to claim exactness.
    Generic,
}

impl Scheme {
    /// Every scheme, in a fixed order.
    pub const ALL: [Scheme; 14] = [
        Scheme::Semver,
        Scheme::Go,
        Scheme::PyPI,
        Scheme::Maven,
        Scheme::NuGet,
        Scheme::RubyGems,
        Scheme::Packagist,
        Scheme::Debian,
        Scheme::Rpm,
        Scheme::Alpine,
        Scheme::Cran,
        Scheme::Hackage,
        Scheme::Pub,
        Scheme::Generic,
    ];

    /// The scheme an OSV ecosystem name orders its versions by. The part after the first
    /// `:` (a distribution release such as `Debian:12`) does not change the scheme.
    /// Unknown ecosystems get [`Scheme::Generic`].
    pub fn for_osv_ecosystem(ecosystem: &str) -> Scheme {
        let base = ecosystem.split(':').next().unwrap_or(ecosystem);
        match base {
            "npm" | "crates.io" | "Hex" | "SwiftURL" | "Bitnami" => Scheme::Semver,
            "Go" => Scheme::Go,
            "PyPI" => Scheme::PyPI,
            "Maven" => Scheme::Maven,
            "NuGet" => Scheme::NuGet,
            "RubyGems" => Scheme::RubyGems,
            "Packagist" => Scheme::Packagist,
            "Debian" | "Ubuntu" => Scheme::Debian,
            "Red Hat" | "Rocky Linux" | "AlmaLinux" | "SUSE" | "openSUSE" | "Mageia" | "openEuler" | "Azure Linux" => {
                Scheme::Rpm
            }
            "Alpine" | "Chainguard" | "Wolfi" => Scheme::Alpine,
            "CRAN" => Scheme::Cran,
            "Hackage" | "GHC" => Scheme::Hackage,
            "Pub" => Scheme::Pub,
            _ => Scheme::Generic,
        }
    }

    /// The scheme named on a command line: an OSV ecosystem name, a purl type or a scheme
    /// name, case-insensitively (`npm`, `pypi`, `maven`, `go`/`golang`, `deb`/`debian`/`ubuntu`,
    /// `rpm`/`redhat`, `apk`/`alpine`, `gem`/`rubygems`, `nuget`, `composer`/`packagist`,
    /// `cran`, `hackage`, `pub`, `cargo`/`crates.io`, `hex`, `semver`, `generic`).
    pub fn from_name(name: &str) -> Option<Scheme> {
        let lower = name.to_ascii_lowercase();
        let base = lower.split(':').next().unwrap_or(&lower);
        Some(match base {
            "semver" | "npm" | "cargo" | "crates.io" | "hex" => Scheme::Semver,
            "go" | "golang" => Scheme::Go,
            "pypi" | "python" | "pep440" => Scheme::PyPI,
            "maven" => Scheme::Maven,
            "nuget" => Scheme::NuGet,
            "gem" | "rubygems" => Scheme::RubyGems,
            "composer" | "packagist" => Scheme::Packagist,
            "deb" | "debian" | "ubuntu" | "dpkg" => Scheme::Debian,
            "rpm" | "redhat" | "red hat" | "rocky linux" | "almalinux" | "suse" | "opensuse" => Scheme::Rpm,
            "apk" | "alpine" => Scheme::Alpine,
            "cran" => Scheme::Cran,
            "hackage" => Scheme::Hackage,
            "pub" => Scheme::Pub,
            "generic" => Scheme::Generic,
            _ => return None,
        })
    }

    /// The scheme's stable lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Semver => "semver",
            Scheme::Go => "go",
            Scheme::PyPI => "pypi",
            Scheme::Maven => "maven",
            Scheme::NuGet => "nuget",
            Scheme::RubyGems => "rubygems",
            Scheme::Packagist => "packagist",
            Scheme::Debian => "debian",
            Scheme::Rpm => "rpm",
            Scheme::Alpine => "alpine",
            Scheme::Cran => "cran",
            Scheme::Hackage => "hackage",
            Scheme::Pub => "pub",
            Scheme::Generic => "generic",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a version string cannot be ordered in a scheme.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// Nothing to compare.
    #[error("empty version")]
    Empty,
    /// Longer than [`MAX_VERSION_LEN`].
    #[error("version longer than {MAX_VERSION_LEN} bytes")]
    TooLong,
    /// Not a version of this scheme.
    #[error("not a {scheme} version: {reason}")]
    Invalid {
        /// The scheme that refused it.
        scheme: Scheme,
        /// What is wrong, in a few words.
        reason: String,
    },
}

/// A parsed version of one scheme. Versions of the same scheme order as the ecosystem
/// orders them; versions of different schemes order by scheme first (a total order,
/// never meaningful across schemes).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// See [`Scheme::Semver`].
    Semver(semver::Version),
    /// See [`Scheme::Go`].
    Go(go::Version),
    /// See [`Scheme::PyPI`].
    PyPI(pypi::Version),
    /// See [`Scheme::Maven`].
    Maven(maven::Version),
    /// See [`Scheme::NuGet`].
    NuGet(nuget::Version),
    /// See [`Scheme::RubyGems`].
    RubyGems(rubygems::Version),
    /// See [`Scheme::Packagist`].
    Packagist(packagist::Version),
    /// See [`Scheme::Debian`].
    Debian(debian::Version),
    /// See [`Scheme::Rpm`].
    Rpm(rpm::Version),
    /// See [`Scheme::Alpine`].
    Alpine(alpine::Version),
    /// See [`Scheme::Cran`].
    Cran(cran::Version),
    /// See [`Scheme::Hackage`].
    Hackage(hackage::Version),
    /// See [`Scheme::Pub`].
    Pub(pub_dev::Version),
    /// See [`Scheme::Generic`].
    Generic(generic::Version),
}

impl Version {
    /// Parses `text` as a version of `scheme`.
    pub fn parse(scheme: Scheme, text: &str) -> Result<Version, VersionError> {
        if text.len() > MAX_VERSION_LEN {
            return Err(VersionError::TooLong);
        }
        if text.trim().is_empty() {
            return Err(VersionError::Empty);
        }
        Ok(match scheme {
            Scheme::Semver => Version::Semver(semver::Version::parse(text)?),
            Scheme::Go => Version::Go(go::Version::parse(text)?),
            Scheme::PyPI => Version::PyPI(pypi::Version::parse(text)?),
            Scheme::Maven => Version::Maven(maven::Version::parse(text)?),
            Scheme::NuGet => Version::NuGet(nuget::Version::parse(text)?),
            Scheme::RubyGems => Version::RubyGems(rubygems::Version::parse(text)?),
            Scheme::Packagist => Version::Packagist(packagist::Version::parse(text)?),
            Scheme::Debian => Version::Debian(debian::Version::parse(text)?),
            Scheme::Rpm => Version::Rpm(rpm::Version::parse(text)?),
            Scheme::Alpine => Version::Alpine(alpine::Version::parse(text)?),
            Scheme::Cran => Version::Cran(cran::Version::parse(text)?),
            Scheme::Hackage => Version::Hackage(hackage::Version::parse(text)?),
            Scheme::Pub => Version::Pub(pub_dev::Version::parse(text)?),
            Scheme::Generic => Version::Generic(generic::Version::parse(text)?),
        })
    }

    /// The scheme this version belongs to.
    pub fn scheme(&self) -> Scheme {
        match self {
            Version::Semver(_) => Scheme::Semver,
            Version::Go(_) => Scheme::Go,
            Version::PyPI(_) => Scheme::PyPI,
            Version::Maven(_) => Scheme::Maven,
            Version::NuGet(_) => Scheme::NuGet,
            Version::RubyGems(_) => Scheme::RubyGems,
            Version::Packagist(_) => Scheme::Packagist,
            Version::Debian(_) => Scheme::Debian,
            Version::Rpm(_) => Scheme::Rpm,
            Version::Alpine(_) => Scheme::Alpine,
            Version::Cran(_) => Scheme::Cran,
            Version::Hackage(_) => Scheme::Hackage,
            Version::Pub(_) => Scheme::Pub,
            Version::Generic(_) => Scheme::Generic,
        }
    }
}

/// Compares two version strings in `scheme`. Fails only when either does not parse.
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(Version::parse(scheme, a)?.cmp(&Version::parse(scheme, b)?))
}
