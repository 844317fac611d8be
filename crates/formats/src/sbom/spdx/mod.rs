//! SPDX (ISO/IEC 5962): detection and readers for SPDX 2.x in every serialization the spec
//! shows (JSON, YAML, tag-value, the XML form and RDF/XML) and for SPDX 3.0 JSON-LD, plus
//! the SPDX 2.3 JSON writer.
//!
//! The 2.x readers share one shape: each serialization fills the same intermediate
//! [`Doc2`] (packages, the SPDXIDs of files and snippets, relationships, creation info),
//! and [`build`] alone turns it into the model, so that the mapping and the reference
//! checks are written once. JSON, YAML and the XML form are one tree walk
//! (`read_json::walk`) over a [`Json`] tree; tag-value and RDF/XML have their own.
//!
//! Mapping decisions, shared by every 2.x serialization:
//! - packages are components; files and snippets are not (their SPDXIDs only count for
//!   duplicate and dangling reference checks);
//! - relationships become "`from` depends on `to`" edges between packages only:
//!   `DEPENDS_ON`, `CONTAINS`, `DYNAMIC_LINK`, `STATIC_LINK`, `HAS_PREREQUISITE` point from
//!   the element to the related one; `DEPENDENCY_OF` and its `BUILD_`, `DEV_`, `OPTIONAL_`,
//!   `PROVIDED_`, `RUNTIME_`, `TEST_` variants, `CONTAINED_BY`, `PREREQUISITE_FOR` and
//!   `OPTIONAL_COMPONENT_OF` point the other way; every other known type (tools, copies,
//!   generation, documentation…) gives no edge;
//! - `DESCRIBES`, `DESCRIBED_BY` and `documentDescribes` name the subject: the first
//!   described package;
//! - licences: `licenseDeclared` then `licenseConcluded`, `NOASSERTION` and `NONE` left out;
//! - `downloadLocation` and `homepage` become `distribution` and `website` references.

mod read_json;
mod read_jsonld;
mod read_tag_value;
mod read_xml;
mod read_yaml;
mod write;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use chainward_core::sbom::{
    Component, Dependency, DocumentKind, Encoding, ExternalReference, Hash, HashAlgorithm, Metadata, Sbom, SbomFormat,
    Tool,
};

use super::{Limits, Problem, Read, SbomError};
use crate::json::Json;

pub use read_json::read_json;
pub use read_jsonld::read_jsonld;
pub use read_tag_value::read_tag_value;
pub use read_xml::read_xml;
pub use read_yaml::read_yaml;
pub use write::write_json_2_3;

/// The SPDX version a JSON document states: `spdxVersion: "SPDX-2.3"` gives `2.3`; an SPDX 3
/// JSON-LD `@context` naming `spdx.org/rdf/3.0.1/…` gives `3.0.1`.
pub fn detect_json(doc: &Json) -> Option<String> {
    if let Some(version) = doc.get("spdxVersion").and_then(Json::as_str) {
        return Some(spec_version(version));
    }
    let context = doc.get("@context")?;
    let names: Vec<&str> = match context {
        Json::String(s) => vec![s.as_ref()],
        Json::Array(items) => items.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    };
    names.into_iter().find_map(context_version)
}

/// The version in an SPDX 3 context address (`https://spdx.org/rdf/3.0.1/spdx-context.jsonld`).
fn context_version(address: &str) -> Option<String> {
    let rest = address.split("spdx.org/rdf/").nth(1)?;
    let version = rest.split('/').next()?;
    version.starts_with('3').then(|| version.to_owned())
}

/// `SPDX-2.3` → `2.3`; anything else as written, trimmed.
fn spec_version(stated: &str) -> String {
    let stated = stated.trim();
    stated.strip_prefix("SPDX-").unwrap_or(stated).to_owned()
}

/// The SPDX version of a text document: tag-value (`SPDXVersion: SPDX-2.2`) or YAML
/// (`spdxVersion: "SPDX-2.3"` at the top level). See [`detect_text_encoding`] for which.
pub fn detect_text(text: &str) -> Option<String> {
    detect_text_encoding(text).map(|(_, version)| version)
}

/// The serialization (tag-value or YAML) and SPDX version of a text document, from its
/// version line; `None` when neither form states one.
pub fn detect_text_encoding(text: &str) -> Option<(Encoding, String)> {
    for line in text.lines().take(10_000) {
        let line = line.trim_start_matches('\u{feff}');
        if let Some(value) = line.strip_prefix("SPDXVersion:") {
            return Some((Encoding::TagValue, spec_version(value)));
        }
        for key in ["spdxVersion:", "\"spdxVersion\":", "'spdxVersion':"] {
            if let Some(value) = line.strip_prefix(key) {
                let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
                return Some((Encoding::Yaml, spec_version(value)));
            }
        }
    }
    None
}

/// The SPDX version of an XML document: the 2.x XML form (`<Document><spdxVersion>`) or
/// RDF/XML (`<rdf:RDF><spdx:SpdxDocument><spdx:specVersion>`).
pub fn detect_xml(doc: &roxmltree::Document) -> Option<String> {
    let root = doc.root_element();
    match root.tag_name().name() {
        "Document" | "SpdxDocument" => {
            let version = root.children().find(|c| c.has_tag_name("spdxVersion"))?;
            Some(spec_version(version.text().unwrap_or_default()))
        }
        "RDF" if root.tag_name().namespace() == Some(read_xml::RDF) => {
            let document = root.children().find(|c| c.has_tag_name((read_xml::SPDX, "SpdxDocument")))?;
            let version = document.children().find(|c| c.has_tag_name((read_xml::SPDX, "specVersion")))?;
            Some(spec_version(version.text().unwrap_or_default()))
        }
        _ => None,
    }
}

/// Refuses documents that state a major version other than 2 (a 2.x reader was asked).
fn require_2x(version: &str) -> Result<(), SbomError> {
    if version.is_empty() || version.starts_with("2.") {
        return Ok(());
    }
    Err(SbomError::UnsupportedVersion {
        format: "SPDX",
        version: version.to_owned(),
        supported: "SPDX 2.x (JSON, YAML, tag-value, XML, RDF/XML) and SPDX 3.0 JSON-LD",
    })
}

/// One SPDX 2.x document as a serialization gives it, before it becomes the model.
#[derive(Debug, Default)]
struct Doc2 {
    /// The stated version without `SPDX-`, or empty when missing.
    version: String,
    spdx_id: Option<String>,
    name: Option<String>,
    namespace: Option<String>,
    data_license: Option<String>,
    created: Option<String>,
    creators: Vec<String>,
    /// `documentDescribes` entries and where they are.
    describes: Vec<Located>,
    /// The `DocumentRef-…` ids of external documents.
    external_documents: Vec<String>,
    packages: Vec<Package2>,
    /// SPDXIDs of files and snippets, with where they are.
    elements: Vec<Located>,
    relationships: Vec<Relationship2>,
}

/// A value with where it is in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Located {
    value: String,
    path: String,
}

/// One package with the fields the model keeps.
#[derive(Debug, Default)]
struct Package2 {
    path: String,
    spdx_id: Option<String>,
    name: Option<String>,
    version: Option<String>,
    supplier: Option<String>,
    originator: Option<String>,
    download_location: Option<String>,
    homepage: Option<String>,
    /// (algorithm as written, value).
    checksums: Vec<(String, String)>,
    license_concluded: Option<String>,
    license_declared: Option<String>,
    external_refs: Vec<ExternalRef2>,
    purpose: Option<String>,
    copyright: Option<String>,
    description: Option<String>,
    summary: Option<String>,
}

/// A package's external reference.
#[derive(Debug, Default)]
struct ExternalRef2 {
    category: String,
    kind: String,
    locator: String,
}

/// `from kind to`, as written.
#[derive(Debug)]
struct Relationship2 {
    path: String,
    from: String,
    kind: String,
    to: String,
}

/// How a relationship type relates packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    /// The element depends on the related element.
    Forward,
    /// The related element depends on the element.
    Backward,
    /// The element describes the related one.
    Describes,
    /// The element is described by the related one.
    DescribedBy,
    /// A known type that gives no dependency.
    None,
}

/// What a relationship type (upper case, `_` separated) means for the model; `None` when
/// the type is not one SPDX 2.3 defines.
fn relationship_edge(kind: &str) -> Option<Edge> {
    Some(match kind {
        "DEPENDS_ON" | "CONTAINS" | "DYNAMIC_LINK" | "STATIC_LINK" | "HAS_PREREQUISITE" => Edge::Forward,
        "DEPENDENCY_OF"
        | "BUILD_DEPENDENCY_OF"
        | "DEV_DEPENDENCY_OF"
        | "OPTIONAL_DEPENDENCY_OF"
        | "PROVIDED_DEPENDENCY_OF"
        | "RUNTIME_DEPENDENCY_OF"
        | "TEST_DEPENDENCY_OF"
        | "CONTAINED_BY"
        | "PREREQUISITE_FOR"
        | "OPTIONAL_COMPONENT_OF" => Edge::Backward,
        "DESCRIBES" => Edge::Describes,
        "DESCRIBED_BY" => Edge::DescribedBy,
        "VARIANT_OF"
        | "COPY_OF"
        | "PATCH_FOR"
        | "DATA_FILE_OF"
        | "ANCESTOR_OF"
        | "GENERATES"
        | "FILE_ADDED"
        | "REQUIREMENT_DESCRIPTION_FOR"
        | "METAFILE_OF"
        | "DEPENDENCY_MANIFEST_OF"
        | "PATCH_APPLIED"
        | "TEST_OF"
        | "TEST_TOOL_OF"
        | "SPECIFICATION_FOR"
        | "FILE_MODIFIED"
        | "DISTRIBUTION_ARTIFACT"
        | "AMENDS"
        | "DOCUMENTATION_OF"
        | "GENERATED_FROM"
        | "OTHER"
        | "BUILD_TOOL_OF"
        | "TEST_CASE_OF"
        | "PACKAGE_OF"
        | "DESCENDANT_OF"
        | "FILE_DELETED"
        | "EXPANDED_FROM_ARCHIVE"
        | "DEV_TOOL_OF"
        | "EXAMPLE_OF" => Edge::None,
        _ => return None,
    })
}

/// `NOASSERTION` and `NONE` (any case) say nothing.
fn is_no_value(text: &str) -> bool {
    let text = text.trim();
    text.is_empty() || text.eq_ignore_ascii_case("NOASSERTION") || text.eq_ignore_ascii_case("NONE")
}

/// The value unless it says nothing.
fn some_value(text: Option<String>) -> Option<String> {
    text.filter(|t| !is_no_value(t)).map(|t| t.trim().to_owned())
}

/// `Organization: ACME (contact@acme.test)` → `ACME (contact@acme.test)`; `Person: Jane ()`
/// → `Jane`; `NOASSERTION` → none.
fn strip_agent(text: &str) -> Option<String> {
    let text = text.trim();
    if is_no_value(text) {
        return None;
    }
    let rest = ["Organization:", "Person:", "Tool:"].iter().find_map(|p| text.strip_prefix(p)).unwrap_or(text);
    let rest = rest.trim();
    let rest = rest.strip_suffix("()").map(str::trim_end).unwrap_or(rest);
    (!rest.is_empty()).then(|| rest.to_owned())
}

/// `Tool: LicenseFind-1.0` → name `LicenseFind`, version `1.0`. The version is what follows
/// the last `-` when it starts with a digit (or `v` and a digit).
fn tool_from_creator(text: &str) -> Tool {
    let text = text.trim();
    if let Some((name, version)) = text.rsplit_once('-') {
        let digits = version.strip_prefix('v').unwrap_or(version);
        if !name.is_empty() && digits.starts_with(|c: char| c.is_ascii_digit()) {
            return Tool { vendor: None, name: name.to_owned(), version: Some(version.to_owned()) };
        }
    }
    Tool { vendor: None, name: text.to_owned(), version: None }
}

/// Whether `id` names an element of another document (`DocumentRef-x:SPDXRef-y`), and the
/// `DocumentRef-x` part.
fn external_document(id: &str) -> Option<&str> {
    id.starts_with("DocumentRef-").then(|| id.split(':').next()).flatten()
}

/// Turns a 2.x document into the model: components, edges, subject and metadata, with the
/// duplicate and dangling reference checks.
fn build(doc: Doc2, encoding: Encoding, mut problems: Vec<Problem>, limits: &Limits) -> Result<Read, SbomError> {
    if doc.packages.len() > limits.max_components {
        return Err(SbomError::OverLimit(format!(
            "the document has {} packages, more than the limit of {}",
            doc.packages.len(),
            limits.max_components
        )));
    }
    let mut known: HashSet<&str> = HashSet::new();
    if let Some(id) = &doc.spdx_id {
        known.insert(id);
    }
    let mut package_index: HashMap<&str, usize> = HashMap::new();
    for (index, package) in doc.packages.iter().enumerate() {
        match &package.spdx_id {
            Some(id) if !known.insert(id) => problems.push(duplicate(id, &package.path)),
            Some(id) => {
                package_index.insert(id, index);
            }
            None => problems.push(Problem::error(
                "spdx-missing-field",
                package.path.clone(),
                "the package has no SPDXID, so nothing can refer to it",
            )),
        }
    }
    for element in &doc.elements {
        if !known.insert(&element.value) {
            problems.push(duplicate(&element.value, &element.path));
        }
    }

    let components: Vec<Component> = doc.packages.iter().map(|p| component(p, &mut problems)).collect();

    let declared: HashSet<&str> = doc.external_documents.iter().map(String::as_str).collect();
    let check_reference = |id: &str, path: &str, problems: &mut Vec<Problem>| {
        if is_no_value(id) || known.contains(id) {
            return;
        }
        match external_document(id) {
            Some(document) if declared.contains(document) => {}
            Some(document) => problems.push(Problem::warning(
                "spdx-undeclared-document-ref",
                path,
                format!("{id:?} names external document {document:?}, which externalDocumentRefs does not declare"),
            )),
            None => problems.push(Problem::error(
                "sbom-dangling-ref",
                path,
                format!("{id:?} is not the SPDXID of any element in the document"),
            )),
        }
    };

    let mut subject_candidates: Vec<&str> = Vec::new();
    for described in &doc.describes {
        check_reference(&described.value, &described.path, &mut problems);
        subject_candidates.push(&described.value);
    }
    let mut dependencies = Vec::new();
    let mut seen_edges = HashSet::new();
    for relationship in &doc.relationships {
        check_reference(&relationship.from, &relationship.path, &mut problems);
        check_reference(&relationship.to, &relationship.path, &mut problems);
        let kind = relationship.kind.trim().to_ascii_uppercase().replace('-', "_");
        let Some(edge) = relationship_edge(&kind) else {
            problems.push(Problem::warning(
                "spdx-unknown-relationship",
                relationship.path.clone(),
                format!("relationship type {:?} is not one SPDX 2.3 defines; it gives no edge", relationship.kind),
            ));
            continue;
        };
        let from = package_index.get(relationship.from.as_str()).copied();
        let to = package_index.get(relationship.to.as_str()).copied();
        let pair = match edge {
            Edge::Forward => from.zip(to),
            Edge::Backward => to.zip(from),
            Edge::Describes => {
                subject_candidates.push(&relationship.to);
                None
            }
            Edge::DescribedBy => {
                subject_candidates.push(&relationship.from);
                None
            }
            Edge::None => None,
        };
        if let Some((from, to)) = pair
            && from != to
            && seen_edges.insert((from, to))
        {
            dependencies.push(Dependency { from, to });
        }
    }
    let subject = subject_candidates.iter().find_map(|id| package_index.get(id).copied());

    let mut metadata = Metadata {
        timestamp: some_value(doc.created),
        subject,
        data_license: some_value(doc.data_license),
        ..Metadata::default()
    };
    for creator in &doc.creators {
        let creator = creator.trim();
        if let Some(tool) = creator.strip_prefix("Tool:") {
            metadata.tools.push(tool_from_creator(tool));
        } else if let Some(author) = strip_agent(creator) {
            metadata.authors.push(author);
        }
    }
    let sbom = Sbom {
        kind: DocumentKind { format: SbomFormat::Spdx, encoding, spec_version: doc.version },
        serial_number: some_value(doc.namespace),
        document_version: None,
        name: some_value(doc.name),
        metadata,
        components,
        dependencies,
    };
    Ok(Read { sbom, problems })
}

fn duplicate(id: &str, path: &str) -> Problem {
    Problem::error("sbom-duplicate-ref", path, format!("SPDXID {id:?} is used by more than one element"))
}

/// One package as a component.
fn component(package: &Package2, problems: &mut Vec<Problem>) -> Component {
    let name = match &package.name {
        Some(name) => name.clone(),
        None => {
            problems.push(Problem::error("spdx-missing-field", package.path.clone(), "the package has no name"));
            String::new()
        }
    };
    let mut component = Component {
        reference: package.spdx_id.clone(),
        kind: package.purpose.clone(),
        name,
        version: package.version.clone(),
        supplier: package.supplier.as_deref().and_then(strip_agent),
        author: package.originator.as_deref().and_then(strip_agent),
        copyright: some_value(package.copyright.clone()),
        description: some_value(package.description.clone()).or_else(|| some_value(package.summary.clone())),
        location: package.path.clone(),
        ..Component::default()
    };
    for (algorithm, value) in &package.checksums {
        component.hashes.push(Hash { algorithm: HashAlgorithm::parse(algorithm), value: value.trim().to_lowercase() });
    }
    for license in [&package.license_declared, &package.license_concluded].into_iter().flatten() {
        let license = license.trim();
        if !is_no_value(license) && !component.licenses.iter().any(|l| l == license) {
            component.licenses.push(license.to_owned());
        }
    }
    for reference in &package.external_refs {
        let category = reference.category.trim().to_ascii_uppercase().replace('_', "-");
        let kind = reference.kind.trim();
        let locator = reference.locator.trim().to_owned();
        match (category.as_str(), kind) {
            ("PACKAGE-MANAGER", "purl") if component.purl.is_none() => component.purl = Some(locator),
            ("SECURITY", "cpe22Type" | "cpe23Type") if component.cpe.is_none() => component.cpe = Some(locator),
            ("SECURITY", "swid") if component.swid_tag_id.is_none() => component.swid_tag_id = Some(locator),
            ("PACKAGE-MANAGER" | "PERSISTENT-ID", _) | ("SECURITY", "cpe22Type" | "cpe23Type" | "swid") => {
                component.other_identifiers.push(locator)
            }
            _ => component.external_references.push(ExternalReference { kind: kind.to_owned(), url: locator }),
        }
    }
    if let Some(url) = some_value(package.download_location.clone()) {
        component.external_references.push(ExternalReference { kind: "distribution".to_owned(), url });
    }
    if let Some(url) = some_value(package.homepage.clone()) {
        component.external_references.push(ExternalReference { kind: "website".to_owned(), url });
    }
    component
}
