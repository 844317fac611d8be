//! What can be wrong with an SBOM: [`Problem`]s found while reading and validating (the
//! document is still usable) and [`SbomError`]s that leave nothing to read.

use serde::Serialize;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// The document breaks its schema or the rules of its format: it is invalid.
    Error,
    /// Legal but weak or suspicious (a missing recommended field, a non-SPDX licence name).
    Warning,
}

/// One problem in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Stable kebab-case code, e.g. `schema-required`, `sbom-dangling-ref`, `purl-invalid`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// Where: a JSON pointer (`/components/3/purl`), an XML path
    /// (`/bom/components/component[4]/purl`) or `line N` for tag-value.
    pub path: String,
    /// What is wrong, in words.
    pub message: String,
}

impl Problem {
    /// An error at `path`.
    pub fn error(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { code, severity: Severity::Error, path: path.into(), message: message.into() }
    }

    /// A warning at `path`.
    pub fn warning(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { code, severity: Severity::Warning, path: path.into(), message: message.into() }
    }
}

/// Why a document could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SbomError {
    /// Larger than the limit.
    #[error("the document has {bytes} bytes, more than the limit of {limit}")]
    TooLarge {
        /// Size.
        bytes: usize,
        /// Limit.
        limit: usize,
    },
    /// Empty or white space only.
    #[error("the document is empty")]
    Empty,
    /// Not UTF-8 (UTF-16 BOMs included).
    #[error("the document is not UTF-8 text ({0})")]
    NotUtf8(String),
    /// Neither CycloneDX, SPDX nor SWID.
    #[error("not an SBOM chainward can read: {0}")]
    UnknownFormat(String),
    /// A format we know, in a version we do not.
    #[error("unsupported {format} version {version:?}; supported: {supported}")]
    UnsupportedVersion {
        /// The format.
        format: &'static str,
        /// The version found.
        version: String,
        /// What we read.
        supported: &'static str,
    },
    /// Broken JSON (truncated, wrong syntax, nested too deep).
    #[error("{0}")]
    Json(#[from] crate::json::JsonError),
    /// Broken XML, or XML with a DTD (entity expansion and external entities are refused).
    #[error("not valid XML: {0}")]
    Xml(String),
    /// Broken YAML.
    #[error("not valid YAML: {0}")]
    Yaml(String),
    /// Broken tag-value text.
    #[error("not valid SPDX tag-value: {0}")]
    TagValue(String),
    /// Parsed, but the structure leaves nothing usable (e.g. the top level is not an object).
    #[error("{0}")]
    Structure(String),
    /// More components or XML nodes than the limits allow.
    #[error("{0}")]
    OverLimit(String),
}

impl SbomError {
    /// The stable kebab-case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            SbomError::TooLarge { .. } => "sbom-too-large",
            SbomError::Empty => "sbom-empty",
            SbomError::NotUtf8(_) => "sbom-not-utf8",
            SbomError::UnknownFormat(_) => "sbom-unknown-format",
            SbomError::UnsupportedVersion { .. } => "sbom-unsupported-version",
            SbomError::Json(_) => "json-syntax",
            SbomError::Xml(_) => "xml-syntax",
            SbomError::Yaml(_) => "yaml-syntax",
            SbomError::TagValue(_) => "tag-value-syntax",
            SbomError::Structure(_) => "sbom-structure",
            SbomError::OverLimit(_) => "sbom-over-limit",
        }
    }
}
