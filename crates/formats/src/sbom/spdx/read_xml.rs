//! SPDX 2.x in XML: the XML form of the spec's examples (`<Document>`, the JSON tree written
//! as elements, walked by the JSON reader's walk) and RDF/XML (`<rdf:RDF>`, read here).
//!
//! RDF/XML describes each element (document, package, file, snippet) as a node with an
//! `rdf:about` address `namespace#SPDXRef-…`, anywhere in the tree (often nested inside the
//! relationship that names it), with properties as child elements whose values are text,
//! `rdf:resource` addresses or nested nodes. The reader visits every node once, in document
//! order, and reads relationships from the `spdx:relationship` properties of the node they
//! hang off. Licences are rebuilt as expressions from the licence-set nodes.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chainward_core::sbom::Encoding;
use roxmltree::Node;

use super::read_json::{PathStyle, walk_document};
use super::{Doc2, ExternalRef2, Located, Package2, Relationship2, build, require_2x, spec_version};
use crate::json::Json;
use crate::sbom::{Limits, Problem, Read, SbomError};

/// The SPDX 2.x RDF vocabulary.
pub(super) const SPDX: &str = "http://spdx.org/rdf/terms#";
/// RDF.
pub(super) const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const DOAP: &str = "http://usefulinc.com/ns/doap#";

/// How deep the XML form may nest (SPDX needs 4) and licence sets may nest in RDF.
const MAX_DEPTH: usize = 32;

/// Reads an SPDX 2.x XML document: the XML form (`<Document>`) or RDF/XML (`<rdf:RDF>`).
pub fn read_xml(doc: &roxmltree::Document, limits: &Limits) -> Result<Read, SbomError> {
    let root = doc.root_element();
    match root.tag_name().name() {
        "RDF" if root.tag_name().namespace() == Some(RDF) => read_rdf(root, limits),
        "Document" | "SpdxDocument" => {
            let mut problems = Vec::new();
            let tree = to_json(root, 0, &mut problems);
            let root_path = format!("/{}", root.tag_name().name());
            let mut read = walk_document(&tree, Encoding::Xml, PathStyle::Xml, &root_path, limits)?;
            problems.append(&mut read.problems);
            read.problems = problems;
            Ok(read)
        }
        other => Err(SbomError::UnknownFormat(format!(
            "an XML document whose root element is <{other}>, neither an SPDX <Document> nor RDF/XML"
        ))),
    }
}

/// The XML form as a tree: an element with element children is an object of its children
/// by local name (repeated names kept), any other element is its text.
fn to_json<'a>(node: Node<'a, '_>, depth: usize, problems: &mut Vec<Problem>) -> Json<'a> {
    let children: Vec<Node<'a, '_>> = node.children().filter(Node::is_element).collect();
    if children.is_empty() {
        return Json::String(text_of(node));
    }
    if depth >= MAX_DEPTH {
        problems.push(Problem::warning(
            "spdx-too-deep",
            format!("line {}", position(node)),
            format!("elements nested deeper than {MAX_DEPTH} levels are not read"),
        ));
        return Json::Null;
    }
    Json::Object(
        children
            .into_iter()
            .map(|child| (Cow::Borrowed(child.tag_name().name()), to_json(child, depth + 1, problems)))
            .collect(),
    )
}

/// The text of an element: borrowed when it is one text node.
fn text_of<'a>(node: Node<'a, '_>) -> Cow<'a, str> {
    let mut texts = node.children().filter(Node::is_text).filter_map(|t| t.text());
    match (texts.next(), texts.next()) {
        (None, _) => Cow::Borrowed(""),
        (Some(only), None) => Cow::Borrowed(only),
        (Some(first), Some(second)) => {
            let mut joined = format!("{first}{second}");
            joined.extend(texts);
            Cow::Owned(joined)
        }
    }
}

fn position(node: Node) -> u32 {
    node.document().text_pos_at(node.range().start).row
}

/// Where each element stands among its same-named siblings (1-based), computed once for
/// the whole document so that paths cost the depth of the element, not the number of its
/// elder siblings.
struct Paths {
    positions: HashMap<usize, u32>,
}

/// Paths deeper than this many steps are shortened to their last steps.
const MAX_PATH_STEPS: usize = 64;

impl Paths {
    fn new(root: Node) -> Paths {
        let mut positions = HashMap::new();
        for parent in root.descendants().filter(Node::is_element) {
            let mut counts: HashMap<(Option<&str>, &str), u32> = HashMap::new();
            for child in parent.children().filter(Node::is_element) {
                let count = counts.entry((child.tag_name().namespace(), child.tag_name().name())).or_insert(0);
                *count += 1;
                positions.insert(child.id().get_usize(), *count);
            }
        }
        Paths { positions }
    }

    /// The XML path of an element: `/RDF/Package[2]/checksum[1]`, each step its local name
    /// and its position among same-named siblings.
    fn of(&self, node: Node) -> String {
        let mut steps = Vec::new();
        let mut current = Some(node);
        while let Some(element) = current.filter(Node::is_element) {
            if steps.len() == MAX_PATH_STEPS {
                steps.push("…".to_owned());
                break;
            }
            let name = element.tag_name().name();
            current = element.parent();
            match self.positions.get(&element.id().get_usize()) {
                Some(position) if current.is_some_and(|p| p.is_element()) => steps.push(format!("{name}[{position}]")),
                _ => steps.push(name.to_owned()),
            }
        }
        steps.reverse();
        format!("/{}", steps.join("/"))
    }
}

fn is_spdx(node: &Node, name: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(SPDX) && node.tag_name().name() == name
}

fn children_named<'a, 'i>(node: Node<'a, 'i>, namespace: &'a str, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |c| c.is_element() && c.has_tag_name((namespace, name)))
}

fn child<'a, 'i>(node: Node<'a, 'i>, namespace: &'a str, name: &'a str) -> Option<Node<'a, 'i>> {
    children_named(node, namespace, name).next()
}

/// The first element child (a nested node).
fn nested<'a, 'i>(node: Node<'a, 'i>) -> Option<Node<'a, 'i>> {
    node.children().find(Node::is_element)
}

fn resource<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    node.attribute((RDF, "resource"))
}

fn about<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    node.attribute((RDF, "about"))
}

/// A property's value: its text, or the last part of its `rdf:resource`.
fn value(node: Node) -> Option<String> {
    if let Some(address) = resource(node) {
        return Some(address_term(address).to_owned());
    }
    let text = text_of(node);
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn child_value(node: Node, name: &str) -> Option<String> {
    child(node, SPDX, name).and_then(value)
}

/// The term an address names: after `#`, else after the last `/`.
fn address_term(address: &str) -> &str {
    match address.rsplit_once('#') {
        Some((_, term)) => term,
        None => address.rsplit('/').next().unwrap_or(address),
    }
}

/// `relationshipType_dynamicLink` → `DYNAMIC_LINK`; `purpose_operatingSystem` →
/// `OPERATING_SYSTEM`; the part after the first `_`, camel case split by `separator`.
fn vocabulary_term(address: &str, separator: char) -> String {
    let term = address_term(address);
    let term = term.split_once('_').map(|(_, rest)| rest).unwrap_or(term);
    let mut out = String::with_capacity(term.len() + 4);
    for (index, c) in term.chars().enumerate() {
        if c.is_ascii_uppercase() && index > 0 {
            out.push(separator);
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// Percent-decodes `%3A` style escapes (RDF writes `DocumentRef-x%3ASPDXRef-y`).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%'
            && let Some(hex) = bytes.get(index + 1..index + 3)
            && let Ok(hex) = std::str::from_utf8(hex)
            && let Ok(decoded) = u8::from_str_radix(hex, 16)
        {
            out.push(decoded);
            index += 3;
            continue;
        }
        out.push(byte);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Turns element addresses into SPDXIDs: `this-namespace#SPDXRef-x` → `SPDXRef-x`,
/// `other-document#SPDXRef-y` → `DocumentRef-z:SPDXRef-y` when an external document
/// reference names that document, else the address as written (an element elsewhere).
struct Addresses {
    namespace: String,
    external: Vec<(String, String)>,
}

impl Addresses {
    fn id(&self, address: &str) -> String {
        let Some((document, local)) = address.rsplit_once('#') else {
            return address_term(address).to_owned();
        };
        if document == self.namespace {
            return percent_decode(local);
        }
        if let Some((id, _)) = self.external.iter().find(|(_, uri)| uri == document) {
            return format!("{id}:{}", percent_decode(local));
        }
        if document == "http://spdx.org/rdf/terms" {
            // spdx:noassertion, spdx:none
            return local.to_ascii_uppercase();
        }
        address.to_owned()
    }
}

/// Reads RDF/XML.
fn read_rdf(root: Node, limits: &Limits) -> Result<Read, SbomError> {
    let document = root.children().find(|c| is_spdx(c, "SpdxDocument")).ok_or_else(|| {
        SbomError::Structure("the RDF/XML document has no spdx:SpdxDocument at its top level".to_owned())
    })?;
    let paths = Paths::new(root);
    let mut problems = Vec::new();
    let mut doc = Doc2::default();
    match child_value(document, "specVersion") {
        Some(version) => doc.version = spec_version(&version),
        None => problems.push(Problem::error(
            "spdx-version-missing",
            paths.of(document),
            "the document states no spdx:specVersion; read as SPDX 2.3",
        )),
    }
    require_2x(&doc.version)?;
    let document_address = about(document).unwrap_or_default();
    let (namespace, document_id) = document_address.rsplit_once('#').unwrap_or((document_address, ""));
    doc.namespace = (!namespace.is_empty()).then(|| namespace.to_owned());
    doc.spdx_id = (!document_id.is_empty()).then(|| percent_decode(document_id));
    doc.name = child_value(document, "name");
    doc.data_license = child(document, SPDX, "dataLicense").map(|l| license(l, 0));
    if let Some(info) = child(document, SPDX, "creationInfo").and_then(nested) {
        doc.created = child_value(info, "created");
        doc.creators = children_named(info, SPDX, "creator").filter_map(value).collect();
    }
    let mut external = Vec::new();
    for reference in children_named(document, SPDX, "externalDocumentRef").filter_map(nested) {
        // SPDX 2.3 states the id; 2.2 only has it in the node's address.
        let id = child_value(reference, "externalDocumentId")
            .or_else(|| about(reference).map(|a| percent_decode(address_term(a))));
        let uri =
            child(reference, SPDX, "spdxDocument").and_then(|d| resource(d).map(str::to_owned).or_else(|| value(d)));
        if let Some(id) = id {
            doc.external_documents.push(id.clone());
            if let Some(uri) = uri {
                external.push((id, uri));
            }
        }
    }
    let addresses = Addresses { namespace: namespace.to_owned(), external };
    for described in children_named(document, SPDX, "describesPackage") {
        let address = resource(described).or_else(|| nested(described).and_then(about));
        if let Some(address) = address {
            doc.describes.push(Located { value: addresses.id(address), path: paths.of(described) });
        }
    }

    // Every node, in document order; an element described in several places is read where
    // its properties are (the first occurrence with children).
    let mut seen: HashSet<&str> = HashSet::new();
    for node in root.descendants().filter(Node::is_element) {
        let Some(address) = about(node) else { continue };
        let kind = node.tag_name();
        if kind.namespace() != Some(SPDX) || nested(node).is_none() {
            continue;
        }
        let is_element = matches!(kind.name(), "SpdxDocument" | "Package" | "File" | "Snippet");
        if !is_element || !seen.insert(address) {
            continue;
        }
        let id = addresses.id(address);
        for relationship in children_named(node, SPDX, "relationship").filter_map(nested) {
            let path = paths.of(relationship);
            let kind =
                child(relationship, SPDX, "relationshipType").and_then(resource).map(|t| vocabulary_term(t, '_'));
            let related = child(relationship, SPDX, "relatedSpdxElement")
                .and_then(|r| resource(r).or_else(|| nested(r).and_then(about)));
            match (kind, related) {
                (Some(kind), Some(related)) => {
                    doc.relationships.push(Relationship2 { path, from: id.clone(), kind, to: addresses.id(related) })
                }
                _ => problems.push(Problem::error(
                    "spdx-missing-field",
                    path,
                    "the relationship needs spdx:relationshipType and spdx:relatedSpdxElement; skipped",
                )),
            }
        }
        match kind.name() {
            "Package" => {
                if doc.packages.len() >= limits.max_components {
                    return Err(SbomError::OverLimit(format!("more than {} packages", limits.max_components)));
                }
                let package = package(node, id, &paths, &mut problems);
                for file in children_named(node, SPDX, "hasFile") {
                    if let Some(address) = resource(file).or_else(|| nested(file).and_then(about)) {
                        doc.relationships.push(Relationship2 {
                            path: paths.of(file),
                            from: package.spdx_id.clone().unwrap_or_default(),
                            kind: "CONTAINS".to_owned(),
                            to: addresses.id(address),
                        });
                    }
                }
                doc.packages.push(package);
            }
            "File" | "Snippet" => doc.elements.push(Located { value: id, path: paths.of(node) }),
            _ => {}
        }
    }
    build(doc, Encoding::Xml, problems, limits)
}

/// One `spdx:Package` node.
fn package(node: Node, id: String, paths: &Paths, problems: &mut Vec<Problem>) -> Package2 {
    let mut package = Package2 {
        path: paths.of(node),
        spdx_id: Some(id),
        name: child_value(node, "name"),
        version: child_value(node, "versionInfo"),
        supplier: child_value(node, "supplier"),
        originator: child_value(node, "originator"),
        download_location: child(node, SPDX, "downloadLocation").and_then(no_assertion_or_value),
        homepage: child(node, DOAP, "homepage").and_then(value),
        license_concluded: child(node, SPDX, "licenseConcluded").map(|l| license(l, 0)),
        license_declared: child(node, SPDX, "licenseDeclared").map(|l| license(l, 0)),
        purpose: child(node, SPDX, "primaryPackagePurpose").and_then(resource).map(|p| vocabulary_term(p, '_')),
        copyright: child(node, SPDX, "copyrightText").and_then(no_assertion_or_value),
        description: child_value(node, "description"),
        summary: child_value(node, "summary"),
        ..Package2::default()
    };
    for checksum in children_named(node, SPDX, "checksum").filter_map(nested) {
        let algorithm = child(checksum, SPDX, "algorithm").and_then(|a| {
            resource(a)
                .map(|r| address_term(r).trim_start_matches("checksumAlgorithm_").to_owned())
                .or_else(|| value(a))
        });
        match algorithm.zip(child_value(checksum, "checksumValue")) {
            Some(pair) => package.checksums.push(pair),
            None => problems.push(Problem::error(
                "spdx-missing-field",
                paths.of(checksum),
                "the checksum needs spdx:algorithm and spdx:checksumValue; skipped",
            )),
        }
    }
    for reference in children_named(node, SPDX, "externalRef").filter_map(nested) {
        let category = child(reference, SPDX, "referenceCategory").and_then(resource).map(|c| vocabulary_term(c, '-'));
        let kind =
            child(reference, SPDX, "referenceType").and_then(|t| resource(t).map(address_term)).map(str::to_owned);
        let locator = child_value(reference, "referenceLocator");
        match (category, kind, locator) {
            (Some(category), Some(kind), Some(locator)) => {
                package.external_refs.push(ExternalRef2 { category, kind, locator })
            }
            _ => problems.push(Problem::error(
                "spdx-missing-field",
                paths.of(reference),
                "the external reference needs a category, a type and a locator; skipped",
            )),
        }
    }
    package
}

/// Text, or `NOASSERTION`/`NONE` for the `spdx:noassertion`/`spdx:none` resources.
fn no_assertion_or_value(node: Node) -> Option<String> {
    match resource(node) {
        Some(address) if address.starts_with(SPDX) => Some(address_term(address).to_ascii_uppercase()),
        _ => value(node),
    }
}

/// A licence property as an SPDX expression: a licence address (`…/licenses/MIT`,
/// `…#LicenseRef-1`, `spdx:noassertion`), a licence node, or a conjunctive or disjunctive
/// set, or-later or with-exception operator of them. Nesting deeper than [`MAX_DEPTH`] is
/// cut off as `NOASSERTION`.
fn license(property: Node, depth: usize) -> String {
    if let Some(address) = resource(property) {
        return license_address(address);
    }
    let Some(node) = nested(property) else {
        let text = text_of(property);
        return text.trim().to_owned();
    };
    if depth >= MAX_DEPTH {
        return "NOASSERTION".to_owned();
    }
    let members = || children_named(node, SPDX, "member").map(|m| license(m, depth + 1));
    let joined = |operator: &str| {
        let parts: Vec<String> = members().collect();
        format!("({})", parts.join(operator))
    };
    match node.tag_name().name() {
        "ConjunctiveLicenseSet" => joined(" AND "),
        "DisjunctiveLicenseSet" => joined(" OR "),
        "OrLaterOperator" => format!("{}+", members().next().unwrap_or_default()),
        "WithExceptionOperator" => {
            let exception = child(node, SPDX, "licenseException")
                .and_then(|e| {
                    nested(e)
                        .and_then(|n| child_value(n, "licenseExceptionId"))
                        .or_else(|| resource(e).map(|r| address_term(r).to_owned()))
                })
                .unwrap_or_default();
            format!("{} WITH {exception}", members().next().unwrap_or_default())
        }
        _ => child_value(node, "licenseId")
            .or_else(|| about(node).map(license_address))
            .unwrap_or_else(|| "NOASSERTION".to_owned()),
    }
}

fn license_address(address: &str) -> String {
    if address.starts_with(SPDX) {
        return address_term(address).to_ascii_uppercase();
    }
    percent_decode(address_term(address))
}
