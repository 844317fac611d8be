//! SPDX 3.0 JSON-LD: a `@graph` of elements, each with a `type` and an `spdxId` (or a blank
//! node `@id`), referring to one another by id or by nesting.
//!
//! The reader does not expand JSON-LD: it reads the compact form the SPDX 3 context gives
//! (`software_Package`, `verifiedUsing`…), which is what the spec's serialization rules
//! produce. Mapping:
//! - `software_Package`, `software_File` and the package subclasses `ai_AIPackage` and
//!   `dataset_DatasetPackage` are components (files are components in SPDX 3, unlike 2.x);
//! - `Relationship`s (and `LifecycleScopedRelationship`s) `dependsOn`, `contains`,
//!   `hasStaticLink`, `hasDynamicLink`, `hasOptionalDependency`, `hasProvidedDependency`
//!   and `hasPrerequisite` are "`from` depends on each `to`" edges; `hasDeclaredLicense` and
//!   `hasConcludedLicense` give the licences of `from`; `describes` names the subject when
//!   the root elements do not;
//! - the `SpdxDocument`'s root element (through an `software_Sbom` if that is the root) is
//!   the subject; its `creationInfo` gives the timestamp, `createdBy` the authors and
//!   `createdUsing` the tools; `software_sbomType` of every `software_Sbom` the lifecycles.

use std::collections::{HashMap, HashSet};

use chainward_core::sbom::{
    Component, Dependency, DocumentKind, Encoding, ExternalReference, Hash, HashAlgorithm, Metadata, Sbom, SbomFormat,
    Tool,
};

use super::{detect_json, is_no_value};
use crate::json::Json;
use crate::sbom::{Limits, Problem, Read, SbomError};

/// How deep licence sets may nest.
const MAX_LICENSE_DEPTH: usize = 16;

/// Reads an SPDX 3.0 JSON-LD document.
pub fn read_jsonld(doc: &Json, limits: &Limits) -> Result<Read, SbomError> {
    let mut problems = Vec::new();
    let version = match detect_json(doc) {
        Some(version) if version.starts_with('3') => version,
        Some(version) => {
            return Err(SbomError::UnsupportedVersion {
                format: "SPDX JSON-LD",
                version,
                supported: "SPDX 3.0 (SPDX 2.x JSON is read by read_json)",
            });
        }
        None => {
            problems.push(Problem::error(
                "spdx-version-missing",
                "/@context",
                "the @context does not name an SPDX 3 context (https://spdx.org/rdf/3.0.1/spdx-context.jsonld)",
            ));
            String::new()
        }
    };
    let graph = Graph::new(doc, &mut problems)?;
    let n_components = graph.elements.iter().filter(|e| is_component(&e.kind)).count();
    if n_components > limits.max_components {
        return Err(SbomError::OverLimit(format!(
            "the document has {n_components} packages and files, more than the limit of {}",
            limits.max_components
        )));
    }
    graph.read(version, problems)
}

/// One element of the graph.
struct Element<'j, 'a> {
    json: &'j Json<'a>,
    path: String,
    id: Option<&'j str>,
    kind: String,
}

fn is_component(kind: &str) -> bool {
    matches!(kind, "software_Package" | "software_File" | "ai_AIPackage" | "dataset_DatasetPackage")
}

/// The compact type name: `software_Package` as written; `spdx:software_Package` and
/// `https://spdx.org/rdf/3.0.1/terms/Software/Package` brought to it.
fn compact_type(text: &str) -> String {
    let text = text.strip_prefix("spdx:").unwrap_or(text);
    let Some((_, rest)) = text.split_once("/terms/") else { return text.to_owned() };
    match rest.split_once('/') {
        Some(("Core", name)) => name.to_owned(),
        Some((profile, name)) => {
            let mut profile = profile.to_owned();
            profile.make_ascii_lowercase();
            format!("{profile}_{name}")
        }
        None => rest.to_owned(),
    }
}

fn element_id<'j>(json: &'j Json) -> Option<&'j str> {
    json.get("spdxId").or_else(|| json.get("@id")).and_then(Json::as_str)
}

fn element_type(json: &Json) -> Option<String> {
    json.get("type").or_else(|| json.get("@type")).and_then(Json::as_str).map(compact_type)
}

/// Properties whose values name other elements, and so may nest them.
const REFERENCE_PROPERTIES: &[&str] = &[
    "creationInfo",
    "createdBy",
    "createdUsing",
    "suppliedBy",
    "originatedBy",
    "from",
    "to",
    "rootElement",
    "element",
    "dataLicense",
];

/// Each value of a property that may be one value or a list.
fn values<'j, 'a>(value: Option<&'j Json<'a>>) -> Vec<&'j Json<'a>> {
    match value {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
    }
}

struct Graph<'j, 'a> {
    elements: Vec<Element<'j, 'a>>,
    index: HashMap<&'j str, usize>,
    /// Ids of elements kept in other documents (`import`), and `namespaceMap` prefixes and
    /// namespaces.
    external_ids: HashSet<&'j str>,
    external_prefixes: Vec<String>,
}

impl<'j, 'a> Graph<'j, 'a> {
    fn new(doc: &'j Json<'a>, problems: &mut Vec<Problem>) -> Result<Self, SbomError> {
        let top: Vec<(&'j Json<'a>, String)> = match doc.get("@graph") {
            Some(Json::Array(items)) => {
                items.iter().enumerate().map(|(i, item)| (item, format!("/@graph/{i}"))).collect()
            }
            Some(other) => {
                return Err(SbomError::Structure(format!("@graph must be an array, not {}", other.type_name())));
            }
            None if doc.get("type").is_some() => vec![(doc, String::new())],
            None => {
                return Err(SbomError::Structure(
                    "the JSON-LD document has neither a @graph nor a top-level element with a type".to_owned(),
                ));
            }
        };
        let mut graph = Graph {
            elements: Vec::new(),
            index: HashMap::new(),
            external_ids: HashSet::new(),
            external_prefixes: Vec::new(),
        };
        for (json, path) in top {
            if json.as_object().is_none() {
                problems.push(Problem::error(
                    "spdx-wrong-type",
                    path,
                    format!("a graph element must be an object, not {}; skipped", json.type_name()),
                ));
                continue;
            }
            // Elements nested one level inside reference properties count as elements too.
            for key in REFERENCE_PROPERTIES {
                match json.get(key) {
                    Some(Json::Array(items)) => {
                        for (i, item) in items.iter().enumerate() {
                            if item.as_object().is_some() {
                                graph.add(item, format!("{path}/{key}/{i}"), problems);
                            }
                        }
                    }
                    Some(item @ Json::Object(_)) => graph.add(item, format!("{path}/{key}"), problems),
                    _ => {}
                }
            }
            graph.add(json, path, problems);
        }
        for element in graph.elements.iter().filter(|e| e.kind == "SpdxDocument") {
            for import in values(element.json.get("import")) {
                if let Some(id) = import.get("externalSpdxId").and_then(Json::as_str) {
                    graph.external_ids.insert(id);
                }
            }
            for map in values(element.json.get("namespaceMap")) {
                for key in ["prefix", "namespace"] {
                    if let Some(text) = map.get(key).and_then(Json::as_str) {
                        graph.external_prefixes.push(text.to_owned());
                    }
                }
            }
        }
        Ok(graph)
    }

    fn add(&mut self, json: &'j Json<'a>, path: String, problems: &mut Vec<Problem>) {
        let id = element_id(json);
        let Some(kind) = element_type(json) else {
            problems.push(Problem::warning("spdx-missing-field", path, "the element has no type; skipped"));
            return;
        };
        if let Some(id) = id {
            if self.index.contains_key(id) {
                problems.push(Problem::error(
                    "sbom-duplicate-ref",
                    path,
                    format!("spdxId {id:?} is used by more than one element"),
                ));
                return;
            }
            self.index.insert(id, self.elements.len());
        }
        self.elements.push(Element { json, path, id, kind });
    }

    /// The element a reference names: an id looked up, or a nested element itself.
    fn resolve(&self, reference: &'j Json<'a>) -> Option<&'j Json<'a>> {
        match reference {
            Json::String(id) => self.index.get(id.as_ref()).and_then(|&i| self.elements.get(i)).map(|e| e.json),
            Json::Object(_) => Some(reference),
            _ => None,
        }
    }

    /// Reports a reference that names nothing in this document nor an imported element.
    fn check_reference(&self, reference: &Json, path: &str, problems: &mut Vec<Problem>) {
        let Json::String(id) = reference else { return };
        let id = id.as_ref();
        let vocabulary = !id.contains(':')
            || id.starts_with("https://spdx.org/rdf/")
            || id.starts_with("https://spdx.org/licenses/")
            || id.starts_with("http://spdx.org/licenses/");
        let external = self.external_ids.contains(id)
            || self.external_prefixes.iter().any(|p| !p.is_empty() && id.starts_with(p.as_str()));
        if !vocabulary && !external && !self.index.contains_key(id) {
            problems.push(Problem::error(
                "sbom-dangling-ref",
                path,
                format!("{id:?} is not the spdxId of any element in the document nor an imported one"),
            ));
        }
    }

    /// The name of an agent or tool.
    fn agent_name(&self, reference: &'j Json<'a>) -> Option<String> {
        let agent = self.resolve(reference)?;
        agent.get("name").and_then(Json::as_str).filter(|n| !is_no_value(n)).map(str::to_owned)
    }

    /// A licence element as an SPDX expression.
    fn license(&self, reference: &'j Json<'a>, depth: usize) -> Option<String> {
        if let Json::String(id) = reference
            && !self.index.contains_key(id.as_ref())
        {
            // A listed licence or an individual (NoAssertionLicense) by address.
            let term = id.rsplit('/').next().unwrap_or(id);
            return (!term.contains("NoAssertion") && !term.contains("NoneLicense")).then(|| term.to_owned());
        }
        let element = self.resolve(reference)?;
        let kind = element_type(element).unwrap_or_default();
        let id_term = element_id(element).map(|id| id.rsplit(['/', '#']).next().unwrap_or(id).to_owned());
        match kind.as_str() {
            "simplelicensing_LicenseExpression" => {
                element.get("simplelicensing_licenseExpression").and_then(Json::as_str).map(str::to_owned)
            }
            "expandedlicensing_ListedLicense" => id_term,
            "expandedlicensing_CustomLicense" => match id_term {
                Some(term) if term.starts_with("LicenseRef-") => Some(term),
                _ => element.get("name").and_then(Json::as_str).map(str::to_owned),
            },
            "expandedlicensing_ConjunctiveLicenseSet" | "expandedlicensing_DisjunctiveLicenseSet"
                if depth < MAX_LICENSE_DEPTH =>
            {
                let operator = if kind.contains("Conjunctive") { " AND " } else { " OR " };
                let parts: Vec<String> = values(element.get("expandedlicensing_member"))
                    .into_iter()
                    .filter_map(|m| self.license(m, depth + 1))
                    .collect();
                (!parts.is_empty()).then(|| format!("({})", parts.join(operator)))
            }
            _ => None,
        }
    }

    fn read(&self, version: String, mut problems: Vec<Problem>) -> Result<Read, SbomError> {
        let mut component_index: HashMap<&str, usize> = HashMap::new();
        let mut components = Vec::new();
        for element in self.elements.iter().filter(|e| is_component(&e.kind)) {
            if let Some(id) = element.id {
                component_index.insert(id, components.len());
            }
            components.push(self.component(element, &mut problems));
        }

        let mut dependencies = Vec::new();
        let mut seen_edges = HashSet::new();
        let mut described = Vec::new();
        let (mut declared, mut concluded) = (Vec::new(), Vec::new());
        for element in
            self.elements.iter().filter(|e| e.kind == "Relationship" || e.kind == "LifecycleScopedRelationship")
        {
            let json = element.json;
            let kind = json.get("relationshipType").and_then(Json::as_str).unwrap_or_default();
            let Some(from) = json.get("from") else {
                problems.push(Problem::error(
                    "spdx-missing-field",
                    element.path.clone(),
                    "the relationship has no from",
                ));
                continue;
            };
            self.check_reference(from, &element.path, &mut problems);
            let targets = values(json.get("to"));
            for target in &targets {
                self.check_reference(target, &element.path, &mut problems);
            }
            let from_id = match from {
                Json::String(id) => Some(id.as_ref()),
                other => element_id(other),
            };
            let from_index = from_id.and_then(|id| component_index.get(id).copied());
            match kind {
                "dependsOn"
                | "contains"
                | "hasStaticLink"
                | "hasDynamicLink"
                | "hasOptionalDependency"
                | "hasProvidedDependency"
                | "hasPrerequisite" => {
                    let Some(from_index) = from_index else { continue };
                    for target in targets {
                        let to_id = match target {
                            Json::String(id) => Some(id.as_ref()),
                            other => element_id(other),
                        };
                        if let Some(to_index) = to_id.and_then(|id| component_index.get(id).copied())
                            && to_index != from_index
                            && seen_edges.insert((from_index, to_index))
                        {
                            dependencies.push(Dependency { from: from_index, to: to_index });
                        }
                    }
                }
                "hasDeclaredLicense" | "hasConcludedLicense" => {
                    let Some(from_index) = from_index else { continue };
                    let list = if kind == "hasDeclaredLicense" { &mut declared } else { &mut concluded };
                    list.extend(targets.into_iter().filter_map(|t| self.license(t, 0)).map(|l| (from_index, l)));
                }
                "describes" => described.extend(targets),
                _ => {}
            }
        }
        // Declared licences first, as for SPDX 2.
        for (index, license) in declared.into_iter().chain(concluded) {
            if let Some(component) = components.get_mut(index)
                && !is_no_value(&license)
                && !component.licenses.contains(&license)
            {
                component.licenses.push(license);
            }
        }

        let document = self.elements.iter().find(|e| e.kind == "SpdxDocument");
        let mut roots: Vec<&'j Json<'a>> = Vec::new();
        if let Some(document) = document {
            for root in values(document.json.get("rootElement")) {
                self.check_reference(root, &document.path, &mut problems);
                match self.resolve(root) {
                    Some(bom) if matches!(element_type(bom).as_deref(), Some("software_Sbom" | "Bom" | "Bundle")) => {
                        roots.extend(values(bom.get("rootElement")))
                    }
                    _ => roots.push(root),
                }
            }
        }
        roots.extend(described);
        let subject = roots.into_iter().find_map(|root| {
            let id = match root {
                Json::String(id) => Some(id.as_ref()),
                other => element_id(other),
            };
            id.and_then(|id| component_index.get(id).copied())
        });

        let mut metadata = Metadata { subject, ..Metadata::default() };
        let creation_info = document
            .and_then(|d| d.json.get("creationInfo"))
            .and_then(|c| self.resolve(c))
            .or_else(|| self.elements.iter().find(|e| e.kind == "CreationInfo").map(|e| e.json));
        if let Some(info) = creation_info {
            metadata.timestamp = info.get("created").and_then(Json::as_str).map(str::to_owned);
            for agent in values(info.get("createdBy")) {
                let is_tool = self.resolve(agent).and_then(element_type).is_some_and(|t| t == "Tool");
                match self.agent_name(agent) {
                    Some(name) if is_tool => metadata.tools.push(Tool { vendor: None, name, version: None }),
                    Some(name) => metadata.authors.push(name),
                    None => {}
                }
            }
            for tool in values(info.get("createdUsing")) {
                if let Some(name) = self.agent_name(tool) {
                    metadata.tools.push(Tool { vendor: None, name, version: None });
                }
            }
        }
        for bom in self.elements.iter().filter(|e| e.kind == "software_Sbom") {
            for kind in values(bom.json.get("software_sbomType")).into_iter().filter_map(Json::as_str) {
                if !metadata.lifecycles.iter().any(|l| l == kind) {
                    metadata.lifecycles.push(kind.to_owned());
                }
            }
        }
        metadata.data_license = document
            .and_then(|d| d.json.get("dataLicense"))
            .and_then(|l| self.license(l, 0))
            .filter(|l| !is_no_value(l));

        let sbom = Sbom {
            kind: DocumentKind { format: SbomFormat::Spdx, encoding: Encoding::JsonLd, spec_version: version },
            serial_number: document.and_then(|d| d.id).map(str::to_owned),
            document_version: None,
            name: document.and_then(|d| d.json.get("name")).and_then(Json::as_str).map(str::to_owned),
            metadata,
            components,
            dependencies,
        };
        Ok(Read { sbom, problems })
    }

    fn component(&self, element: &Element<'j, 'a>, problems: &mut Vec<Problem>) -> Component {
        let json = element.json;
        let text = |key: &str| json.get(key).and_then(Json::as_str).filter(|t| !is_no_value(t)).map(str::to_owned);
        let name = text("name").unwrap_or_else(|| {
            problems.push(Problem::warning("spdx-missing-field", element.path.clone(), "the element has no name"));
            String::new()
        });
        let mut component = Component {
            reference: element.id.map(str::to_owned),
            kind: text("software_primaryPurpose"),
            name,
            version: text("software_packageVersion"),
            purl: text("software_packageUrl"),
            supplier: json.get("suppliedBy").and_then(|s| self.agent_name(s)),
            copyright: text("software_copyrightText"),
            description: text("description").or_else(|| text("summary")),
            location: element.path.clone(),
            ..Component::default()
        };
        let originators: Vec<String> =
            values(json.get("originatedBy")).into_iter().filter_map(|a| self.agent_name(a)).collect();
        if !originators.is_empty() {
            component.author = Some(originators.join(", "));
        }
        for reference in values(json.get("suppliedBy")).into_iter().chain(values(json.get("originatedBy"))) {
            self.check_reference(reference, &element.path, problems);
        }
        for hash in values(json.get("verifiedUsing")) {
            if element_type(hash).as_deref() != Some("Hash") {
                continue;
            }
            let algorithm = hash.get("algorithm").and_then(Json::as_str);
            let value = hash.get("hashValue").and_then(Json::as_str);
            if let Some((algorithm, value)) = algorithm.zip(value) {
                component.hashes.push(Hash { algorithm: HashAlgorithm::parse(algorithm), value: value.to_lowercase() });
            }
        }
        for identifier in values(json.get("externalIdentifier")) {
            let kind = identifier.get("externalIdentifierType").and_then(Json::as_str).unwrap_or_default();
            let Some(value) = identifier.get("identifier").and_then(Json::as_str).map(str::to_owned) else { continue };
            match kind {
                "packageUrl" if component.purl.is_none() => component.purl = Some(value),
                "cpe23" | "cpe22" if component.cpe.is_none() => component.cpe = Some(value),
                "swid" if component.swid_tag_id.is_none() => component.swid_tag_id = Some(value),
                _ => component.other_identifiers.push(value),
            }
        }
        for reference in values(json.get("externalRef")) {
            let kind = reference.get("externalRefType").and_then(Json::as_str).unwrap_or("other");
            for locator in values(reference.get("locator")).into_iter().filter_map(Json::as_str) {
                component
                    .external_references
                    .push(ExternalReference { kind: kind.to_owned(), url: locator.to_owned() });
            }
        }
        if let Some(url) = text("software_downloadLocation") {
            component.external_references.push(ExternalReference { kind: "distribution".to_owned(), url });
        }
        if let Some(url) = text("software_homePage") {
            component.external_references.push(ExternalReference { kind: "website".to_owned(), url });
        }
        component
    }
}
