//! One SBOM model for every format chainward reads (CycloneDX, SPDX, SWID): the components
//! of a product with their identifiers, suppliers, hashes and licences, the dependency edges
//! between them, and who made the document, when and with what.
//!
//! Readers live in `chainward-formats`; they fill this model leniently and report what was
//! wrong beside it. Everything here is pure: quality scores, identities and diffs take a
//! model and return values.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::{InvalidValue, spelled_enum};

pub mod diff;
pub mod identity;
pub mod quality;

spelled_enum!(
    /// The family of an SBOM document.
    SbomFormat, "format" {
        /// OWASP CycloneDX (ECMA-424).
        CycloneDx = "cyclonedx",
        /// SPDX (ISO/IEC 5962).
        Spdx = "spdx",
        /// ISO/IEC 19770-2 software identification tags.
        Swid = "swid",
    }
);

spelled_enum!(
    /// How a document is written down.
    Encoding, "encoding" {
        /// JSON.
        Json = "json",
        /// XML.
        Xml = "xml",
        /// YAML (SPDX 2.x).
        Yaml = "yaml",
        /// SPDX tag-value text.
        TagValue = "tag-value",
        /// JSON-LD (SPDX 3).
        JsonLd = "json-ld",
    }
);

/// A software bill of materials, whatever format it came in.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Sbom {
    /// What the document is.
    pub kind: DocumentKind,
    /// The document's own identity: CycloneDX `serialNumber`, SPDX `documentNamespace`
    /// (2.x) or `spdxId` of the document (3.0), SWID `tagId`.
    pub serial_number: Option<String>,
    /// The document version (CycloneDX `version`), if given.
    pub document_version: Option<String>,
    /// The document name (SPDX `name`), if given.
    pub name: Option<String>,
    /// Who made the document and how.
    pub metadata: Metadata,
    /// Every component the document describes, nested ones included, in document order.
    /// A nested component names its parent.
    pub components: Vec<Component>,
    /// Dependency edges between components, by index into `components`.
    pub dependencies: Vec<Dependency>,
}

/// Format, encoding and spec version of a document, detected from its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentKind {
    /// The family.
    pub format: SbomFormat,
    /// How it is written down.
    pub encoding: Encoding,
    /// The spec version as the document states it: `1.6`, `2.3`, `3.0.1`; SWID: `2015`
    /// (ISO/IEC 19770-2:2015), `2015-draft` (pre-final tags in the 2015 namespace that spell
    /// `tagId` as `uniqueId`, e.g. OneGet's) or `2009` (the older namespace).
    pub spec_version: String,
}

impl Default for DocumentKind {
    fn default() -> Self {
        Self { format: SbomFormat::CycloneDx, encoding: Encoding::Json, spec_version: String::new() }
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = match self.format {
            SbomFormat::CycloneDx => "CycloneDX",
            SbomFormat::Spdx => "SPDX",
            SbomFormat::Swid => "SWID",
        };
        write!(f, "{format} {} {}", self.spec_version, self.encoding)
    }
}

/// Document metadata: the NTIA "author", "timestamp" and CISA "tool" and "generation
/// context" elements.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Metadata {
    /// Who wrote the SBOM: people or organisations (CycloneDX `metadata.authors`,
    /// `metadata.manufacture(r)`/`supplier` when no author is named; SPDX `creators` of kind
    /// Person and Organization; SWID entities with the `tagCreator` role).
    pub authors: Vec<String>,
    /// Tools that generated it.
    pub tools: Vec<Tool>,
    /// When it was made, RFC 3339 as written in the document.
    pub timestamp: Option<String>,
    /// Generation context: CycloneDX `metadata.lifecycles` phases (`build`, `pre-build`, …)
    /// or names; SPDX 3 `sbomType`.
    pub lifecycles: Vec<String>,
    /// The supplier of the product the document describes, if stated at document level.
    pub supplier: Option<String>,
    /// Index in `Sbom::components` of the product the document describes (CycloneDX
    /// `metadata.component`, SPDX `DESCRIBES`, the SWID tag's own software), if known.
    pub subject: Option<usize>,
    /// Licence of the document itself (SPDX `dataLicense`), if stated.
    pub data_license: Option<String>,
}

/// A tool that generated an SBOM.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tool {
    /// Vendor or organisation.
    pub vendor: Option<String>,
    /// Name.
    pub name: String,
    /// Version.
    pub version: Option<String>,
}

/// One component (package, library, file, firmware, …) as the document describes it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Component {
    /// The document-local reference: CycloneDX `bom-ref`, SPDX `SPDXID`, SWID `tagId`.
    pub reference: Option<String>,
    /// The component type as written (`library`, `application`, SPDX `primaryPackagePurpose`…).
    pub kind: Option<String>,
    /// Group or namespace (CycloneDX `group`), if any.
    pub group: Option<String>,
    /// Name.
    pub name: String,
    /// Version, if any.
    pub version: Option<String>,
    /// Package URL as written in the document (not canonicalised).
    pub purl: Option<String>,
    /// CPE 2.2 URI or 2.3 formatted string as written.
    pub cpe: Option<String>,
    /// SWID tag id, if the document gives one.
    pub swid_tag_id: Option<String>,
    /// Other unique identifiers (OmniBOR ids, SWHIDs, SPDX external refs of other kinds).
    pub other_identifiers: Vec<String>,
    /// Supplier (the NTIA "supplier name").
    pub supplier: Option<String>,
    /// Manufacturer, if different from the supplier.
    pub manufacturer: Option<String>,
    /// Author(s), as one string.
    pub author: Option<String>,
    /// Publisher, if stated.
    pub publisher: Option<String>,
    /// Cryptographic hashes of the component.
    pub hashes: Vec<Hash>,
    /// Licences: SPDX expressions, SPDX ids or free-text names, as written.
    pub licenses: Vec<String>,
    /// Copyright text, if stated.
    pub copyright: Option<String>,
    /// Description, if stated.
    pub description: Option<String>,
    /// CycloneDX scope (`required`, `optional`, `excluded`), if stated.
    pub scope: Option<String>,
    /// External references (website, VCS, distribution, advisories…).
    pub external_references: Vec<ExternalReference>,
    /// Name-value properties.
    pub properties: Vec<Property>,
    /// Index in `Sbom::components` of the component this one is nested in.
    pub parent: Option<usize>,
    /// Where the component is in the document: JSON pointer, XML path or line.
    pub location: String,
    /// True for a CycloneDX `metadata.component` kept in `components` so that dependencies
    /// can name it, but not counted as a component of the product.
    pub subject_only: bool,
}

impl Component {
    /// `group/name` for CycloneDX components with a group, else the name.
    pub fn display_name(&self) -> String {
        match &self.group {
            Some(group) if !group.is_empty() => format!("{group}/{}", self.name),
            _ => self.name.clone(),
        }
    }
}

/// A hash of a component.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hash {
    /// The algorithm.
    pub algorithm: HashAlgorithm,
    /// The value in lower-case hexadecimal as far as the document allows (other encodings
    /// are kept as written).
    pub value: String,
}

/// Hash algorithms found in SBOMs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum HashAlgorithm {
    /// MD5.
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// SHA3-256.
    Sha3_256,
    /// SHA3-384.
    Sha3_384,
    /// SHA3-512.
    Sha3_512,
    /// BLAKE2b-256.
    Blake2b256,
    /// BLAKE2b-384.
    Blake2b384,
    /// BLAKE2b-512.
    Blake2b512,
    /// BLAKE3.
    Blake3,
    /// Any other algorithm, spelled as in the document.
    Other(String),
}

impl HashAlgorithm {
    /// Every named algorithm (not `Other`).
    pub const NAMED: &'static [HashAlgorithm] = &[
        HashAlgorithm::Md5,
        HashAlgorithm::Sha1,
        HashAlgorithm::Sha224,
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
        HashAlgorithm::Sha3_256,
        HashAlgorithm::Sha3_384,
        HashAlgorithm::Sha3_512,
        HashAlgorithm::Blake2b256,
        HashAlgorithm::Blake2b384,
        HashAlgorithm::Blake2b512,
        HashAlgorithm::Blake3,
    ];

    /// The CycloneDX spelling (`SHA-256`, `SHA3-256`, `BLAKE2b-256`…); `Other` as written.
    pub fn as_str(&self) -> &str {
        match self {
            HashAlgorithm::Md5 => "MD5",
            HashAlgorithm::Sha1 => "SHA-1",
            HashAlgorithm::Sha224 => "SHA-224",
            HashAlgorithm::Sha256 => "SHA-256",
            HashAlgorithm::Sha384 => "SHA-384",
            HashAlgorithm::Sha512 => "SHA-512",
            HashAlgorithm::Sha3_256 => "SHA3-256",
            HashAlgorithm::Sha3_384 => "SHA3-384",
            HashAlgorithm::Sha3_512 => "SHA3-512",
            HashAlgorithm::Blake2b256 => "BLAKE2b-256",
            HashAlgorithm::Blake2b384 => "BLAKE2b-384",
            HashAlgorithm::Blake2b512 => "BLAKE2b-512",
            HashAlgorithm::Blake3 => "BLAKE3",
            HashAlgorithm::Other(name) => name,
        }
    }

    /// The number of hexadecimal digits a value of this algorithm has, where fixed.
    pub fn hex_len(&self) -> Option<usize> {
        Some(match self {
            HashAlgorithm::Md5 => 32,
            HashAlgorithm::Sha1 => 40,
            HashAlgorithm::Sha224 => 56,
            HashAlgorithm::Sha256 | HashAlgorithm::Sha3_256 | HashAlgorithm::Blake2b256 => 64,
            HashAlgorithm::Sha384 | HashAlgorithm::Sha3_384 | HashAlgorithm::Blake2b384 => 96,
            HashAlgorithm::Sha512 | HashAlgorithm::Sha3_512 | HashAlgorithm::Blake2b512 => 128,
            HashAlgorithm::Blake3 | HashAlgorithm::Other(_) => return None,
        })
    }

    /// Reads any of the spellings found in CycloneDX (`SHA-256`), SPDX 2 (`SHA256`),
    /// SPDX 3 (`sha256`, `sha3_256`, `blake2b256`) and SWID (`sha256`, hash URIs).
    pub fn parse(text: &str) -> HashAlgorithm {
        let key: String =
            text.trim().chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
        match key.as_str() {
            "md5" => HashAlgorithm::Md5,
            "sha1" => HashAlgorithm::Sha1,
            "sha224" => HashAlgorithm::Sha224,
            "sha256" => HashAlgorithm::Sha256,
            "sha384" => HashAlgorithm::Sha384,
            "sha512" => HashAlgorithm::Sha512,
            "sha3256" => HashAlgorithm::Sha3_256,
            "sha3384" => HashAlgorithm::Sha3_384,
            "sha3512" => HashAlgorithm::Sha3_512,
            "blake2b256" => HashAlgorithm::Blake2b256,
            "blake2b384" => HashAlgorithm::Blake2b384,
            "blake2b512" => HashAlgorithm::Blake2b512,
            "blake3" => HashAlgorithm::Blake3,
            _ => HashAlgorithm::Other(text.trim().to_owned()),
        }
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<HashAlgorithm> for String {
    fn from(algorithm: HashAlgorithm) -> String {
        algorithm.as_str().to_owned()
    }
}

impl From<String> for HashAlgorithm {
    fn from(text: String) -> HashAlgorithm {
        HashAlgorithm::parse(&text)
    }
}

impl FromStr for HashAlgorithm {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(HashAlgorithm::parse(s))
    }
}

/// An external reference of a component.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExternalReference {
    /// The kind as written (`website`, `vcs`, `distribution`, SPDX `referenceType`…).
    pub kind: String,
    /// The address or locator.
    pub url: String,
}

/// A name-value property.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Property {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// "`from` depends on `to`", by index into `Sbom::components`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Dependency {
    /// The dependent.
    pub from: usize,
    /// What it depends on.
    pub to: usize,
}

impl Sbom {
    /// The number of components described, nested ones included (the subject counts only
    /// when it is also listed among the components, as SPDX packages are).
    pub fn n_components(&self) -> usize {
        self.components.iter().filter(|c| !c.is_subject_only()).count()
    }

    /// The components described, without a CycloneDX `metadata.component` that is not also
    /// in the component list.
    pub fn described_components(&self) -> impl Iterator<Item = (usize, &Component)> {
        self.components.iter().enumerate().filter(|(_, c)| !c.is_subject_only())
    }
}

impl Component {
    /// Whether this entry is only the document's subject (CycloneDX `metadata.component`)
    /// and not also one of the components listed.
    pub fn is_subject_only(&self) -> bool {
        self.subject_only
    }
}
