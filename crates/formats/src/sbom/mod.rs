//! SBOM and SWID documents: detection of format and spec version from content, readers
//! for CycloneDX (JSON, XML), SPDX (JSON, YAML, tag-value, 3.0 JSON-LD) and SWID tags into
//! the one model of `chainward_core::sbom`, validation (bundled official schemas plus
//! semantic checks) and writers.
//!
//! Every reader is lenient: it returns the model together with the problems it found, each
//! with a stable kebab-case code and a path. Only input that leaves nothing usable (not
//! JSON/XML at all, unknown format, over the size limit, a DTD) is an [`SbomError`].

pub mod checks;
pub mod cyclonedx;
pub mod diagnostics;
pub mod load;
pub mod spdx;
pub mod swid;

pub use diagnostics::{Problem, SbomError, Severity};
pub use load::{LoadConfig, Loaded, load};

use chainward_core::sbom::Sbom;

/// What a reader returns: the document in the one model, and the problems found on the way.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Read {
    /// The document.
    pub sbom: Sbom,
    /// Problems found while reading (schema problems are added by validation).
    pub problems: Vec<Problem>,
}

/// Bounds on what a reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest document, in bytes.
    pub max_bytes: usize,
    /// Most XML nodes (elements, attributes and text) in a document.
    pub max_xml_nodes: u32,
    /// Most components in a document.
    pub max_components: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_bytes: 512 * 1024 * 1024, max_xml_nodes: 50_000_000, max_components: 2_000_000 }
    }
}
