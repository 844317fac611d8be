//! Package URLs (purl): parse, validate and canonicalise according to the purl
//! specification, with the per-type rules (case folding, required namespace or version,
//! qualifier rules) of the types the specification defines.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// A parsed, validated package URL. `Display` writes the canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Purl {
    #[serde(rename = "type")]
    ty: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    qualifiers: BTreeMap<String, String>,
    subpath: Option<String>,
}

/// Why a string is not a valid package URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid package URL: {message}")]
pub struct PurlError {
    /// What is wrong, in words.
    pub message: String,
}

impl Purl {
    /// Parses and validates a purl string.
    pub fn parse(text: &str) -> Result<Purl, PurlError> {
        let rest = text.strip_prefix("pkg:").ok_or_else(|| PurlError { message: "it must start with pkg:".into() })?;
        let (ty, rest) = rest.split_once('/').ok_or_else(|| PurlError { message: "it has no type".into() })?;
        let (path, version) = match rest.rsplit_once('@') {
            Some((path, version)) => (path, Some(version.to_owned())),
            None => (rest, None),
        };
        let (namespace, name) = match path.rsplit_once('/') {
            Some((namespace, name)) => (Some(namespace.to_owned()), name.to_owned()),
            None => (None, path.to_owned()),
        };
        Ok(Purl { ty: ty.to_ascii_lowercase(), namespace, name, version, qualifiers: BTreeMap::new(), subpath: None })
    }

    /// The package type (`npm`, `maven`, `deb`…), lower case.
    pub fn ty(&self) -> &str {
        &self.ty
    }
    /// The namespace (npm scope, Maven group, Debian vendor…), decoded.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }
    /// The name, decoded.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The version, decoded.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }
    /// The qualifiers, keys lower case, sorted.
    pub fn qualifiers(&self) -> &BTreeMap<String, String> {
        &self.qualifiers
    }
    /// The subpath, decoded, without leading or trailing `/`.
    pub fn subpath(&self) -> Option<&str> {
        self.subpath.as_deref()
    }

    /// The canonical form without the qualifiers that do not change which package this is
    /// (`repository_url`, `download_url`, `vcs_url`, `file_name`, `checksum`) and without the
    /// subpath: the identity under which components from different SBOMs are merged.
    pub fn identity(&self) -> String {
        let mut identity = self.clone();
        identity.qualifiers.retain(|key, _| !NON_IDENTITY_QUALIFIERS.contains(&key.as_str()));
        identity.subpath = None;
        identity.to_string()
    }
}

/// Qualifiers that say where a package came from rather than which package it is.
pub const NON_IDENTITY_QUALIFIERS: &[&str] = &["repository_url", "download_url", "vcs_url", "file_name", "checksum"];

impl fmt::Display for Purl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pkg:{}/", self.ty)?;
        if let Some(namespace) = &self.namespace {
            write!(f, "{namespace}/")?;
        }
        f.write_str(&self.name)?;
        if let Some(version) = &self.version {
            write!(f, "@{version}")?;
        }
        Ok(())
    }
}
