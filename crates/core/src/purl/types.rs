//! The rules of the registered purl types, written from the purl-spec type definitions
//! (`types/*-definition.json`) as a table: which types need or forbid a namespace, which
//! components fold case, which qualifiers a type knows or requires. The rules that need
//! code (PyPI name normalisation, the CPAN and Chrome extension checks…) are named by
//! [`Special`] and applied in [`normalise`] and [`validate`].
//!
//! Where the table reads a definition in a way that is not literal, it says so here:
//! - `golang`: the definition flags namespace and name as case sensitive while its notes say
//!   "shall be lowercased"; Go module paths are case sensitive, so the flag wins.
//! - `git`: names on GitHub and Bitbucket hosts are lowercased (those hosts ignore case, as
//!   the `github` and `bitbucket` types say); on any other host the name keeps its case.
//! - `cpan`: the namespace (a CPAN author id) is upper-cased, as the definition says it
//!   "shall be uppercase".
//! - `hackage` ("apply kebab-case") and `alpm` (vercmp version normalisation) have
//!   normalisation rules that cannot be applied without guessing; they are left as given.
//! - `pypi`: the dot-to-underscore rule concerns distribution file names, not the name.

use super::{Parts, PurlError, error, shown};

/// Whether a type needs, allows or forbids a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// The component must be present.
    Required,
    /// The component may be present.
    Optional,
    /// The component must be absent.
    Prohibited,
}

/// How a component's case is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Case sensitive: kept as given.
    Sensitive,
    /// Case insensitive: the canonical form is lower case.
    Lower,
    /// The canonical form is upper case (CPAN author ids).
    Upper,
}

/// A qualifier a type defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QualifierRule {
    /// The key, lower case.
    pub key: &'static str,
    /// Whether every purl of the type must carry it.
    pub required: bool,
    /// The value implied when the qualifier is absent, if the definition names one.
    pub default_value: Option<&'static str>,
}

/// Type rules that need code rather than a table entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    /// Nothing beyond the table.
    None,
    /// PyPI: in the name, `_` becomes `-` (after lowercasing).
    PypiName,
    /// Pub: the name is lower case and every character outside `[a-z0-9_]` becomes `_`.
    PubName,
    /// CPAN: the name is a distribution name and must not contain `::` (a module name).
    CpanDistribution,
    /// Chrome extensions: the name is 32 letters `a`–`p`; the version has 1 to 4 numeric parts.
    ChromeExtension,
    /// MLflow: the name is lowercased when the repository is a Databricks server.
    MlflowName,
    /// Git: the namespace is the host, the name is the whole repository path (it may contain
    /// `/`); names on GitHub and Bitbucket are lowercased.
    GitPath,
    /// SWID: the namespace has at most two segments (creator name and regid).
    SwidCreator,
}

/// The rules of one registered purl type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeRule {
    /// The type, lower case.
    pub ty: &'static str,
    /// Whether the namespace is required, optional or prohibited.
    pub namespace: Requirement,
    /// Case folding of the namespace.
    pub namespace_case: Case,
    /// Case folding of the name.
    pub name_case: Case,
    /// Case folding of the version.
    pub version_case: Case,
    /// Case folding of the subpath.
    pub subpath_case: Case,
    /// The qualifiers the type defines, beyond the [`COMMON_QUALIFIERS`].
    pub qualifiers: &'static [QualifierRule],
    /// Rules that need code.
    pub special: Special,
    /// The public repository the type refers to by default, if the definition names one.
    pub default_repository_url: Option<&'static str>,
}

/// Qualifiers every type may carry (ECMA-427 Annex B).
pub const COMMON_QUALIFIERS: &[&str] = &["repository_url", "download_url", "vcs_url", "file_name", "checksum"];

const BASE: TypeRule = TypeRule {
    ty: "",
    namespace: Requirement::Optional,
    namespace_case: Case::Sensitive,
    name_case: Case::Sensitive,
    version_case: Case::Sensitive,
    subpath_case: Case::Sensitive,
    qualifiers: &[],
    special: Special::None,
    default_repository_url: None,
};

const fn optional(key: &'static str) -> QualifierRule {
    QualifierRule { key, required: false, default_value: None }
}

const fn required(key: &'static str) -> QualifierRule {
    QualifierRule { key, required: true, default_value: None }
}

const fn defaults_to(key: &'static str, value: &'static str) -> QualifierRule {
    QualifierRule { key, required: false, default_value: Some(value) }
}

use Case::{Lower, Upper};
use Requirement::{Prohibited, Required};

/// Every registered type, sorted by type.
pub const REGISTERED_TYPES: &[TypeRule] = &[
    TypeRule {
        ty: "alpm",
        namespace: Required,
        namespace_case: Lower,
        name_case: Lower,
        qualifiers: &[optional("arch")],
        ..BASE
    },
    TypeRule {
        ty: "apk",
        namespace: Required,
        namespace_case: Lower,
        name_case: Lower,
        qualifiers: &[optional("arch")],
        ..BASE
    },
    TypeRule {
        ty: "bazel",
        namespace: Prohibited,
        qualifiers: &[defaults_to("repository_url", "https://bcr.bazel.build")],
        default_repository_url: Some("https://bcr.bazel.build"),
        ..BASE
    },
    TypeRule {
        ty: "bitbucket",
        namespace: Required,
        namespace_case: Lower,
        name_case: Lower,
        default_repository_url: Some("https://bitbucket.org"),
        ..BASE
    },
    TypeRule {
        ty: "bitnami",
        namespace: Prohibited,
        name_case: Lower,
        qualifiers: &[defaults_to("arch", "amd64"), optional("distro")],
        default_repository_url: Some("https://downloads.bitnami.com/files/stacksmith"),
        ..BASE
    },
    TypeRule {
        ty: "brew",
        namespace_case: Lower,
        name_case: Lower,
        qualifiers: &[optional("repository_url")],
        default_repository_url: Some("https://formulae.brew.sh/"),
        ..BASE
    },
    TypeRule { ty: "cargo", namespace: Prohibited, default_repository_url: Some("https://crates.io/"), ..BASE },
    TypeRule {
        ty: "chrome-extension",
        namespace: Prohibited,
        name_case: Lower,
        special: Special::ChromeExtension,
        default_repository_url: Some("https://chromewebstore.google.com/"),
        ..BASE
    },
    TypeRule {
        ty: "cocoapods",
        namespace: Prohibited,
        default_repository_url: Some("https://cdn.cocoapods.org/"),
        ..BASE
    },
    TypeRule {
        ty: "composer",
        namespace: Required,
        namespace_case: Lower,
        name_case: Lower,
        default_repository_url: Some("https://packagist.org"),
        ..BASE
    },
    TypeRule {
        ty: "conan",
        qualifiers: &[optional("user"), optional("channel"), optional("rrev"), optional("prev")],
        default_repository_url: Some("https://center.conan.io"),
        ..BASE
    },
    TypeRule {
        ty: "conda",
        namespace: Prohibited,
        qualifiers: &[optional("build"), optional("channel"), optional("subdir"), optional("type")],
        default_repository_url: Some("https://repo.anaconda.com"),
        ..BASE
    },
    TypeRule {
        ty: "cpan",
        namespace_case: Upper,
        qualifiers: &[
            optional("author"),
            optional("distpath"),
            optional("repository_url"),
            optional("download_url"),
            optional("vcs_url"),
            defaults_to("ext", "tar.gz"),
        ],
        special: Special::CpanDistribution,
        default_repository_url: Some("https://www.cpan.org/"),
        ..BASE
    },
    TypeRule { ty: "cran", namespace: Prohibited, default_repository_url: Some("https://cran.r-project.org"), ..BASE },
    TypeRule {
        ty: "deb",
        namespace: Required,
        namespace_case: Lower,
        name_case: Lower,
        qualifiers: &[optional("arch")],
        ..BASE
    },
    TypeRule { ty: "docker", default_repository_url: Some("https://hub.docker.com"), ..BASE },
    TypeRule {
        ty: "gem",
        namespace: Prohibited,
        qualifiers: &[defaults_to("platform", "ruby")],
        default_repository_url: Some("https://rubygems.org"),
        ..BASE
    },
    TypeRule { ty: "generic", qualifiers: &[optional("download_url"), optional("checksum")], ..BASE },
    TypeRule { ty: "git", namespace: Required, special: Special::GitPath, ..BASE },
    TypeRule {
        ty: "github",
        namespace: Required,
        namespace_case: Lower,
        name_case: Lower,
        default_repository_url: Some("https://github.com"),
        ..BASE
    },
    TypeRule { ty: "golang", namespace: Required, ..BASE },
    TypeRule {
        ty: "hackage",
        namespace: Prohibited,
        default_repository_url: Some("https://hackage.haskell.org"),
        ..BASE
    },
    TypeRule {
        ty: "hex",
        namespace_case: Lower,
        name_case: Lower,
        default_repository_url: Some("https://repo.hex.pm"),
        ..BASE
    },
    TypeRule { ty: "huggingface", namespace: Required, version_case: Lower, ..BASE },
    TypeRule {
        ty: "julia",
        namespace: Prohibited,
        qualifiers: &[required("uuid")],
        default_repository_url: Some("https://github.com/JuliaRegistries/General"),
        ..BASE
    },
    TypeRule {
        ty: "luarocks",
        namespace_case: Lower,
        name_case: Lower,
        qualifiers: &[optional("repository_url")],
        ..BASE
    },
    TypeRule {
        ty: "maven",
        namespace: Required,
        qualifiers: &[optional("classifier"), defaults_to("type", "jar")],
        default_repository_url: Some("https://repo.maven.apache.org/maven2/"),
        ..BASE
    },
    TypeRule {
        ty: "mlflow",
        namespace: Prohibited,
        qualifiers: &[optional("model_uuid"), optional("run_id")],
        special: Special::MlflowName,
        ..BASE
    },
    TypeRule { ty: "npm", default_repository_url: Some("https://registry.npmjs.org/"), ..BASE },
    TypeRule { ty: "nuget", namespace: Prohibited, default_repository_url: Some("https://www.nuget.org"), ..BASE },
    TypeRule {
        ty: "oci",
        namespace: Prohibited,
        name_case: Lower,
        version_case: Lower,
        qualifiers: &[optional("arch"), optional("repository_url"), optional("tag")],
        ..BASE
    },
    TypeRule { ty: "opam", namespace: Prohibited, default_repository_url: Some("https://opam.ocaml.org"), ..BASE },
    TypeRule {
        ty: "otp",
        namespace: Prohibited,
        name_case: Lower,
        subpath_case: Lower,
        qualifiers: &[optional("repository_url"), optional("platform"), optional("arch")],
        ..BASE
    },
    TypeRule {
        ty: "pub",
        namespace: Prohibited,
        name_case: Lower,
        special: Special::PubName,
        default_repository_url: Some("https://pub.dartlang.org"),
        ..BASE
    },
    TypeRule {
        ty: "pypi",
        namespace: Prohibited,
        name_case: Lower,
        version_case: Lower,
        qualifiers: &[optional("file_name")],
        special: Special::PypiName,
        default_repository_url: Some("https://pypi.org"),
        ..BASE
    },
    TypeRule { ty: "qpkg", namespace: Required, namespace_case: Lower, ..BASE },
    TypeRule {
        ty: "rpm",
        namespace: Required,
        namespace_case: Lower,
        qualifiers: &[optional("epoch"), optional("arch")],
        ..BASE
    },
    TypeRule {
        ty: "swid",
        qualifiers: &[
            required("tag_id"),
            optional("tag_version"),
            optional("patch"),
            optional("tag_creator_name"),
            optional("tag_creator_regid"),
        ],
        special: Special::SwidCreator,
        ..BASE
    },
    TypeRule { ty: "swift", namespace: Required, ..BASE },
    TypeRule {
        ty: "vcpkg",
        namespace: Prohibited,
        qualifiers: &[optional("port_version"), optional("repository_revision"), optional("triplet")],
        default_repository_url: Some("https://github.com/microsoft/vcpkg/"),
        ..BASE
    },
    TypeRule {
        ty: "vscode-extension",
        namespace: Required,
        namespace_case: Lower,
        name_case: Lower,
        version_case: Lower,
        qualifiers: &[defaults_to("platform", "universal")],
        default_repository_url: Some("https://marketplace.visualstudio.com/vscode-extension"),
        ..BASE
    },
    TypeRule {
        ty: "yocto",
        namespace_case: Lower,
        qualifiers: &[optional("repository_url"), optional("layer_version")],
        ..BASE
    },
];

/// The rules of a registered type (`ty` lower case), or `None` for a type that is not
/// registered: such a purl is checked against the general rules only.
pub fn registered_type(ty: &str) -> Option<&'static TypeRule> {
    REGISTERED_TYPES.binary_search_by(|rule| rule.ty.cmp(ty)).ok().and_then(|index| REGISTERED_TYPES.get(index))
}

/// Git hosts whose repository paths ignore case.
const CASE_INSENSITIVE_GIT_HOSTS: &[&str] = &["github", "github.com", "www.github.com", "bitbucket", "bitbucket.org"];

/// Applies the type's normalisations (case folding, name rules) to decoded components.
pub(super) fn normalise(parts: &mut Parts, rule: &TypeRule) {
    if let Some(namespace) = &mut parts.namespace {
        fold(namespace, rule.namespace_case);
    }
    fold(&mut parts.name, rule.name_case);
    if let Some(version) = &mut parts.version {
        fold(version, rule.version_case);
    }
    if let Some(subpath) = &mut parts.subpath {
        fold(subpath, rule.subpath_case);
    }
    match rule.special {
        Special::PypiName => {
            if parts.name.contains('_') {
                parts.name = parts.name.replace('_', "-");
            }
        }
        Special::PubName => {
            if !parts.name.chars().all(is_pub_char) {
                parts.name = parts.name.chars().map(|c| if is_pub_char(c) { c } else { '_' }).collect();
            }
        }
        Special::MlflowName => {
            if parts.qualifiers.get("repository_url").is_some_and(|url| is_databricks(url)) {
                fold(&mut parts.name, Case::Lower);
            }
        }
        Special::GitPath => {
            let host = parts.namespace.as_deref().unwrap_or("");
            if CASE_INSENSITIVE_GIT_HOSTS.iter().any(|known| known.eq_ignore_ascii_case(host)) {
                fold(&mut parts.name, Case::Lower);
            }
        }
        Special::None | Special::CpanDistribution | Special::ChromeExtension | Special::SwidCreator => {}
    }
}

/// Checks the type's rules that can reject a purl (after [`normalise`]).
pub(super) fn validate(parts: &Parts, rule: &TypeRule) -> Result<(), PurlError> {
    match (rule.namespace, &parts.namespace) {
        (Requirement::Required, None) => {
            return Err(error(
                "purl-namespace-required",
                format!("type '{}' requires a namespace before the name", rule.ty),
            ));
        }
        (Requirement::Prohibited, Some(namespace)) => {
            return Err(error(
                "purl-namespace-prohibited",
                format!("type '{}' does not allow a namespace, found '{}'", rule.ty, shown(namespace)),
            ));
        }
        _ => {}
    }
    for qualifier in rule.qualifiers.iter().filter(|qualifier| qualifier.required) {
        if !parts.qualifiers.contains_key(qualifier.key) {
            return Err(error(
                "purl-qualifier-required",
                format!("type '{}' requires the qualifier '{}'", rule.ty, qualifier.key),
            ));
        }
    }
    match rule.special {
        Special::CpanDistribution if parts.name.contains("::") => Err(error(
            "purl-name",
            format!(
                "cpan name '{}' contains '::': that is a module name, the name must be the distribution name",
                shown(&parts.name)
            ),
        )),
        Special::ChromeExtension => {
            if parts.name.len() != 32 || !parts.name.bytes().all(|b| (b'a'..=b'p').contains(&b)) {
                return Err(error(
                    "purl-name",
                    format!("chrome-extension name '{}' must be 32 letters between a and p", shown(&parts.name)),
                ));
            }
            match &parts.version {
                Some(version) if !is_chrome_version(version) => Err(error(
                    "purl-version",
                    format!("chrome-extension version '{}' must be 1 to 4 numbers separated by '.'", shown(version)),
                )),
                _ => Ok(()),
            }
        }
        Special::SwidCreator => match &parts.namespace {
            Some(namespace) if namespace.split('/').count() > 2 => Err(error(
                "purl-namespace",
                format!("swid namespace '{}' has more than two segments (creator name and regid)", shown(namespace)),
            )),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// Folds `text` to the given case; ASCII text is folded in place.
pub(super) fn fold(text: &mut String, case: Case) {
    match case {
        Case::Sensitive => {}
        Case::Lower if text.is_ascii() => text.make_ascii_lowercase(),
        Case::Lower => *text = text.to_lowercase(),
        Case::Upper if text.is_ascii() => text.make_ascii_uppercase(),
        Case::Upper => *text = text.to_uppercase(),
    }
}

fn is_pub_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
}

fn is_chrome_version(version: &str) -> bool {
    let mut parts = 0;
    for part in version.split('.') {
        parts += 1;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    parts <= 4
}

/// Whether a repository URL names a Databricks server (where MLflow model names ignore case).
fn is_databricks(url: &str) -> bool {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    host.to_ascii_lowercase().contains("databricks")
}
