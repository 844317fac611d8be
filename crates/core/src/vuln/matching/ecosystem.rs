//! From a package URL to the OSV package it is named by, and the normalisation of package
//! names that both sides go through, because feeds and SBOMs spell names variously
//! (PyPI `Django` and `django`, NuGet `Newtonsoft.Json` and `newtonsoft.json`).
//!
//! Distributions carry their release in the OSV ecosystem (`Debian:12`, `Alpine:v3.19`,
//! `Ubuntu:22.04:LTS`). A purl without a `distro` qualifier maps to the bare family
//! (`Debian`), which the index matches against every release of the family and marks
//! `release_assumed`.
//!
//! Not mapped (the purl gets `None` or only the family):
//! - Red Hat: OSV names product streams by CPE (`Red Hat:enterprise_linux:9::appstream`);
//!   a purl's `distro=rhel-9.2` does not say the stream, so Red Hat maps to the family.
//! - SUSE: one package is listed under many products (Server, Desktop, modules); SUSE maps
//!   to the family. openSUSE Leap and Tumbleweed map exactly.
//! - Ubuntu Pro (`Ubuntu:Pro:18.04:LTS`) is matched only through the family (no release).
//! - rpm vendors without an OSV feed (Fedora, CentOS, Amazon, Oracle) and every purl type
//!   without an OSV ecosystem give `None`.

use serde::{Deserialize, Serialize};

use crate::purl::Purl;

/// An OSV package: its ecosystem (possibly with a release, `Debian:12`) and its name,
/// both normalised by [`normalise_osv_package`], so equal packages have equal keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PackageKey {
    /// OSV ecosystem, spelled as the OSV schema spells it, with the release if any.
    pub ecosystem: String,
    /// Package name, normalised for the ecosystem.
    pub name: String,
}

/// Ecosystems whose part after the first `:` is a distribution release: a component whose
/// release is unknown is matched against every release of the family.
const DISTRIBUTION_FAMILIES: &[&str] = &[
    "AlmaLinux",
    "Alpine",
    "Azure Linux",
    "Debian",
    "Mageia",
    "openEuler",
    "openSUSE",
    "Photon OS",
    "Red Hat",
    "Rocky Linux",
    "SUSE",
    "Ubuntu",
];

/// OSV ecosystem names as the schema spells them, for repairing the case of feed spellings.
const KNOWN_ECOSYSTEMS: &[&str] = &[
    "AlmaLinux",
    "Alpine",
    "Android",
    "Azure Linux",
    "Bitnami",
    "Chainguard",
    "ConanCenter",
    "CRAN",
    "crates.io",
    "Debian",
    "GHC",
    "GitHub Actions",
    "Go",
    "Hackage",
    "Hex",
    "Julia",
    "Linux",
    "Mageia",
    "Maven",
    "npm",
    "NuGet",
    "opam",
    "openEuler",
    "openSUSE",
    "OSS-Fuzz",
    "Packagist",
    "Photon OS",
    "Pub",
    "PyPI",
    "Red Hat",
    "Rocky Linux",
    "RubyGems",
    "SUSE",
    "SwiftURL",
    "Ubuntu",
    "Wolfi",
];

/// The distribution family of an ecosystem (`Debian` for `Debian:12` and for `Debian`),
/// or `None` when the ecosystem is not a distribution.
pub fn distribution_family(ecosystem: &str) -> Option<&'static str> {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem);
    DISTRIBUTION_FAMILIES.iter().copied().find(|family| *family == base)
}

/// Whether the ecosystem names a release of a distribution (`Debian:12`), as opposed to the
/// bare family (`Debian`) or a language ecosystem.
pub fn has_release(ecosystem: &str) -> bool {
    distribution_family(ecosystem).is_some() && ecosystem.contains(':')
}

/// Normalises an OSV package as a feed spells it: the ecosystem's base name gets the
/// schema's spelling (case-insensitively), and the name is normalised for the ecosystem
/// (PyPI PEP 503; NuGet, Packagist, Hex, Pub, GitHub Actions and distribution packages lower
/// case; crates.io lower case with `_` as `-`; SwiftURL without scheme and `.git`).
pub fn normalise_osv_package(ecosystem: &str, name: &str) -> PackageKey {
    let ecosystem = normalise_ecosystem(ecosystem.trim());
    let base = ecosystem.split(':').next().unwrap_or(&ecosystem);
    let name = name.trim();
    let name = match base {
        "PyPI" => pep503(name),
        "NuGet" | "Packagist" | "Hex" | "Pub" | "GitHub Actions" => name.to_lowercase(),
        "crates.io" => name.to_lowercase().replace('_', "-"),
        "SwiftURL" => swift_url(name),
        _ if distribution_family(base).is_some() || matches!(base, "Wolfi" | "Chainguard") => name.to_lowercase(),
        _ => name.to_owned(),
    };
    PackageKey { ecosystem, name }
}

fn normalise_ecosystem(ecosystem: &str) -> String {
    let (base, rest) = match ecosystem.split_once(':') {
        Some((base, rest)) => (base, Some(rest)),
        None => (ecosystem, None),
    };
    let base = KNOWN_ECOSYSTEMS.iter().copied().find(|known| known.eq_ignore_ascii_case(base)).unwrap_or(base);
    match rest {
        Some(rest) => format!("{base}:{rest}"),
        None => base.to_owned(),
    }
}

/// PEP 503: lower case, every run of `-`, `_` and `.` becomes one `-`.
fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator {
                out.push('-');
            }
            in_separator = true;
        } else {
            out.extend(c.to_lowercase());
            in_separator = false;
        }
    }
    out
}

/// A Swift package URL without scheme, trailing `/` and `.git`, lower case (the hosts
/// that publish Swift packages ignore case).
fn swift_url(name: &str) -> String {
    let lower = name.to_lowercase();
    let without_scheme = lower.split_once("://").map_or(lower.as_str(), |(_, rest)| rest);
    let trimmed = without_scheme.trim_end_matches('/');
    trimmed.strip_suffix(".git").unwrap_or(trimmed).to_owned()
}

/// The OSV package a purl names, or `None` for a purl type OSV has no ecosystem for. The
/// version is not part of the key (see [`component_version`]).
pub fn package_for_purl(purl: &Purl) -> Option<PackageKey> {
    let name = purl.name();
    let namespace = purl.namespace();
    let joined = |separator: &str| match namespace {
        Some(namespace) => format!("{namespace}{separator}{name}"),
        None => name.to_owned(),
    };
    let (ecosystem, package): (String, String) = match purl.ty() {
        "npm" => ("npm".into(), joined("/")),
        "pypi" => ("PyPI".into(), name.to_owned()),
        "maven" => ("Maven".into(), joined(":")),
        "golang" => ("Go".into(), go_module(namespace, name)),
        "cargo" => ("crates.io".into(), name.to_owned()),
        "gem" => ("RubyGems".into(), name.to_owned()),
        "nuget" => ("NuGet".into(), name.to_owned()),
        "composer" => ("Packagist".into(), joined("/")),
        "hex" => ("Hex".into(), name.to_owned()),
        "pub" => ("Pub".into(), name.to_owned()),
        "cran" => ("CRAN".into(), name.to_owned()),
        "hackage" => ("Hackage".into(), name.to_owned()),
        "swift" => ("SwiftURL".into(), joined("/")),
        "conan" => ("ConanCenter".into(), name.to_owned()),
        "julia" => ("Julia".into(), name.to_owned()),
        "opam" => ("opam".into(), name.to_owned()),
        "bitnami" => ("Bitnami".into(), name.to_owned()),
        "github" => {
            let mut repository = joined("/");
            if let Some(subpath) = purl.subpath() {
                repository = format!("{repository}/{subpath}");
            }
            ("GitHub Actions".into(), repository)
        }
        "deb" => (deb_ecosystem(namespace?, purl.qualifiers().get("distro").map(String::as_str))?, source_name(purl)),
        "apk" => (apk_ecosystem(namespace?, purl.qualifiers().get("distro").map(String::as_str))?, source_name(purl)),
        "rpm" => (rpm_ecosystem(namespace?, purl.qualifiers().get("distro").map(String::as_str))?, name.to_owned()),
        _ => return None,
    };
    Some(normalise_osv_package(&ecosystem, &package))
}

/// The version of a purl as OSV records spell it: rpm's `epoch` qualifier becomes the
/// `epoch:` prefix; everything else is the purl's version as given.
pub fn component_version(purl: &Purl) -> Option<String> {
    let version = purl.version()?;
    if purl.ty() == "rpm"
        && !version.contains(':')
        && let Some(epoch) = purl.qualifiers().get("epoch").filter(|epoch| *epoch != "0")
    {
        return Some(format!("{epoch}:{version}"));
    }
    Some(version.to_owned())
}

/// Go module path; the Go toolchain itself is `stdlib` (and `toolchain`) in the Go feed,
/// which SBOM tools write as `pkg:golang/stdlib`, `pkg:golang/golang.org/stdlib` or
/// `pkg:golang/go/stdlib`.
fn go_module(namespace: Option<&str>, name: &str) -> String {
    match (namespace, name) {
        (None | Some("golang.org" | "go" | "golang"), "stdlib" | "toolchain") => name.to_owned(),
        (Some(namespace), _) => format!("{namespace}/{name}"),
        (None, _) => name.to_owned(),
    }
}

/// The source package a binary package was built from: OSV's distribution feeds name
/// source packages, and SBOM tools put the source in the `upstream` qualifier
/// (`upstream=openssl`, `upstream=gcc-12@12.2.0-14`, `upstream=glibc (2.36-9)`).
fn source_name(purl: &Purl) -> String {
    purl.qualifiers()
        .get("upstream")
        .and_then(|upstream| upstream.split(['@', ' ']).next())
        .filter(|source| !source.is_empty())
        .unwrap_or(purl.name())
        .to_owned()
}

/// Debian code names and their release numbers (distro-info-data `debian.csv`).
const DEBIAN_RELEASES: &[(&str, &str)] = &[
    ("woody", "3.0"),
    ("sarge", "3.1"),
    ("etch", "4"),
    ("lenny", "5"),
    ("squeeze", "6"),
    ("wheezy", "7"),
    ("jessie", "8"),
    ("stretch", "9"),
    ("buster", "10"),
    ("bullseye", "11"),
    ("bookworm", "12"),
    ("trixie", "13"),
    ("forky", "14"),
    ("duke", "15"),
];

/// Ubuntu code names and their `YY.MM` versions (distro-info-data `ubuntu.csv`).
const UBUNTU_RELEASES: &[(&str, &str)] = &[
    ("precise", "12.04"),
    ("trusty", "14.04"),
    ("xenial", "16.04"),
    ("bionic", "18.04"),
    ("cosmic", "18.10"),
    ("disco", "19.04"),
    ("eoan", "19.10"),
    ("focal", "20.04"),
    ("groovy", "20.10"),
    ("hirsute", "21.04"),
    ("impish", "21.10"),
    ("jammy", "22.04"),
    ("kinetic", "22.10"),
    ("lunar", "23.04"),
    ("mantic", "23.10"),
    ("noble", "24.04"),
    ("oracular", "24.10"),
    ("plucky", "25.04"),
    ("questing", "25.10"),
];

/// The release part of a `distro` qualifier: `debian-12` → `12`, `ubuntu-22.04` → `22.04`,
/// `bookworm` → `bookworm`, `alpine-3.19.1` → `3.19.1`.
fn distro_release<'a>(distro: &'a str, prefixes: &[&str]) -> &'a str {
    let lower = distro.trim();
    for prefix in prefixes {
        if let Some(rest) =
            lower.get(..prefix.len()).filter(|head| head.eq_ignore_ascii_case(prefix)).and(lower.get(prefix.len()..))
        {
            return rest.trim_start_matches(['-', '_', ':', ' ']);
        }
    }
    lower
}

fn deb_ecosystem(namespace: &str, distro: Option<&str>) -> Option<String> {
    match namespace {
        "debian" => {
            let Some(distro) = distro else { return Some("Debian".into()) };
            let release = distro_release(distro, &["debian"]).to_ascii_lowercase();
            let number = if let Some((_, number)) = DEBIAN_RELEASES.iter().find(|(code, _)| *code == release) {
                (*number).to_owned()
            } else if release == "sid" || release == "unstable" {
                "sid".to_owned()
            } else if release.starts_with("3.") {
                release.split('.').take(2).collect::<Vec<_>>().join(".")
            } else {
                // `12.4` names a point release of Debian 12.
                release.split('.').next().unwrap_or(&release).to_owned()
            };
            if number.is_empty() { Some("Debian".into()) } else { Some(format!("Debian:{number}")) }
        }
        "ubuntu" => {
            let Some(distro) = distro else { return Some("Ubuntu".into()) };
            let release = distro_release(distro, &["ubuntu"]).to_ascii_lowercase();
            let version = match UBUNTU_RELEASES.iter().find(|(code, _)| *code == release) {
                Some((_, version)) => (*version).to_owned(),
                // `22.04.3` names a point release of 22.04.
                None => release.split('.').take(2).collect::<Vec<_>>().join("."),
            };
            let (year, month) = version.split_once('.')?;
            let year: u32 = year.parse().ok()?;
            // Ubuntu's LTS releases are the April releases of even years.
            let lts = month == "04" && year.is_multiple_of(2);
            Some(if lts { format!("Ubuntu:{version}:LTS") } else { format!("Ubuntu:{version}") })
        }
        _ => None,
    }
}

fn apk_ecosystem(namespace: &str, distro: Option<&str>) -> Option<String> {
    match namespace {
        "alpine" | "alpinelinux" => {
            let Some(distro) = distro else { return Some("Alpine".into()) };
            let release = distro_release(distro, &["alpine"]);
            let release = release.trim_start_matches(['v', 'V']);
            if release.eq_ignore_ascii_case("edge") {
                return Some("Alpine".into());
            }
            let mut parts = release.split('.');
            match (parts.next(), parts.next()) {
                (Some(major), Some(minor))
                    if !major.is_empty()
                        && !minor.is_empty()
                        && major.bytes().all(|b| b.is_ascii_digit())
                        && minor.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    Some(format!("Alpine:v{major}.{minor}"))
                }
                _ => Some("Alpine".into()),
            }
        }
        "wolfi" => Some("Wolfi".into()),
        "chainguard" => Some("Chainguard".into()),
        _ => None,
    }
}

/// The major release of a `distro` qualifier (`rocky-9.3` → `9`), if numeric.
fn major_release(distro: Option<&str>, prefixes: &[&str]) -> Option<String> {
    let release = distro_release(distro?, prefixes);
    let major = release.split('.').next()?;
    (!major.is_empty() && major.bytes().all(|b| b.is_ascii_digit())).then(|| major.to_owned())
}

fn rpm_ecosystem(namespace: &str, distro: Option<&str>) -> Option<String> {
    let with_release = |family: &str, release: Option<String>| match release {
        Some(release) => format!("{family}:{release}"),
        None => family.to_owned(),
    };
    Some(match namespace {
        "redhat" | "rhel" => "Red Hat".to_owned(),
        "rocky" | "rocky-linux" | "rockylinux" => {
            with_release("Rocky Linux", major_release(distro, &["rocky-linux", "rockylinux", "rocky"]))
        }
        "almalinux" | "alma" => with_release("AlmaLinux", major_release(distro, &["almalinux", "alma"])),
        "mageia" => with_release("Mageia", major_release(distro, &["mageia", "mga"])),
        "opensuse" => {
            let Some(distro) = distro else { return Some("openSUSE".into()) };
            let release = distro_release(distro, &["opensuse"]).to_ascii_lowercase();
            if release.starts_with("tumbleweed") {
                "openSUSE:Tumbleweed".to_owned()
            } else if let Some(version) = release.strip_prefix("leap").map(|v| v.trim_start_matches(['-', ' '])) {
                if version.is_empty() { "openSUSE".to_owned() } else { format!("openSUSE:Leap {version}") }
            } else {
                "openSUSE".to_owned()
            }
        }
        "suse" | "sles" | "sle" => "SUSE".to_owned(),
        "openeuler" => "openEuler".to_owned(),
        _ => return None,
    })
}
