//! Reading SWID tags: one tag, a file of tags, a folder of tags.

use std::collections::{HashMap, HashSet};

use chainward_core::sbom::{
    Component, Dependency, DocumentKind, Encoding, ExternalReference, Metadata, Property, Sbom, SbomFormat,
};
use roxmltree::{Document, Node, ParsingOptions};

use crate::sbom::{Limits, Problem, Read, SbomError};

const SWID_2015: &str = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
const SWID_2009: &str = "http://standards.iso.org/iso/19770/-2/2009/schema.xsd";
const RPM_SWIDTAGS: &str = "http://rpm.org/metadata/swidtags.xsd";
const XMLDSIG: &str = "http://www.w3.org/2000/09/xmldsig#";

/// Parses XML text the way every reader here does: no DTD (so no entity expansion and no
/// external entities), at most `limits.max_xml_nodes` nodes, a UTF-8 byte order mark
/// allowed.
pub fn parse_xml<'t>(text: &'t str, limits: &Limits) -> Result<Document<'t>, SbomError> {
    if text.len() > limits.max_bytes {
        return Err(SbomError::TooLarge { bytes: text.len(), limit: limits.max_bytes });
    }
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(SbomError::Empty);
    }
    let options = ParsingOptions { allow_dtd: false, nodes_limit: limits.max_xml_nodes, ..ParsingOptions::default() };
    Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::NodesLimitReached => {
            SbomError::OverLimit(format!("the XML document has more than {} nodes", limits.max_xml_nodes))
        }
        roxmltree::Error::DtdDetected => {
            SbomError::Xml("the document has a DTD; DTDs (and so entities) are refused".to_owned())
        }
        other => SbomError::Xml(other.to_string()),
    })
}

/// The SWID version of an XML document: `2015`, `2015-draft` (the 2015 namespace with the
/// draft `uniqueId`), `2009`; `None` when it is not a tag (nor the rpm `<swidtags>` file).
pub fn detect(doc: &Document) -> Option<String> {
    let root = doc.root_element();
    let namespace = root.tag_name().namespace();
    if namespace == Some(SWID_2009) {
        return Some("2009".to_owned());
    }
    let first_tag = match (namespace, root.tag_name().name()) {
        (Some(SWID_2015), "SoftwareIdentity") => root,
        (Some(RPM_SWIDTAGS), "swidtags") => {
            root.descendants().find(|n| n.has_tag_name((SWID_2015, "SoftwareIdentity")))?
        }
        _ => return None,
    };
    Some(if is_draft(first_tag) { "2015-draft" } else { "2015" }.to_owned())
}

fn is_draft(tag: Node) -> bool {
    tag.attribute("tagId").is_none() && tag.attribute("uniqueId").is_some()
}

/// Reads one tag as one component; an rpm `<swidtags>` file is read like a folder (see
/// [`read_tags`]).
pub fn read_tag(doc: &Document, limits: &Limits) -> Result<Read, SbomError> {
    let mut problems = Vec::new();
    let tags = collect_tags(doc, "", &mut problems)?;
    // The rpm wrapper is a set of tags, read like a folder.
    let resolve = tags.len() > 1;
    assemble(tags, problems, limits, resolve)
}

/// Reads the bytes of one file: a tag, or the rpm `<swidtags>` file. JSON (the OneGet
/// JSON-LD forms) is refused: SWID JSON-LD is not supported.
pub fn read_file(bytes: &[u8], limits: &Limits) -> Result<Read, SbomError> {
    let text = decode(bytes, limits)?;
    let doc = parse_xml(text, limits)?;
    read_tag(&doc, limits)
}

/// Reads a folder of tags (file name, bytes) as one SBOM: one component per primary tag,
/// supplemental and patch tags attached to the tag they link to (by `swid:` tag id or by
/// file name; `swidpath:` XPath links are not followed), `requires` and `component` links
/// between tags as edges. Files that are not tags are reported (`swid-not-a-tag`) and
/// skipped; when none is a tag, that is the error.
pub fn read_tags(tags: &[(String, Vec<u8>)], limits: &Limits) -> Result<Read, SbomError> {
    let mut problems = Vec::new();
    let mut collected = Vec::new();
    let mut first_error = None;
    for (file, bytes) in tags {
        let result = decode(bytes, limits)
            .and_then(|text| parse_xml(text, limits).and_then(|doc| collect_tags(&doc, file, &mut problems)));
        match result {
            Ok(mut found) => collected.append(&mut found),
            Err(error) => {
                problems.push(Problem::error("swid-not-a-tag", file.clone(), format!("skipped: {error}")));
                first_error.get_or_insert(error);
            }
        }
    }
    if collected.is_empty() {
        return Err(match (tags.len(), first_error) {
            (1, Some(error)) => error,
            (0, _) => SbomError::Empty,
            (n, _) => SbomError::UnknownFormat(format!("none of the {n} files is a SWID tag")),
        });
    }
    assemble(collected, problems, limits, true)
}

/// The text of a file, refusing JSON with a reason.
fn decode<'b>(bytes: &'b [u8], limits: &Limits) -> Result<&'b str, SbomError> {
    if bytes.len() > limits.max_bytes {
        return Err(SbomError::TooLarge { bytes: bytes.len(), limit: limits.max_bytes });
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(SbomError::NotUtf8("a UTF-16 byte order mark".to_owned()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| SbomError::NotUtf8(e.to_string()))?;
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if !start.starts_with('<') && start.contains("-----BEGIN ") {
        return Err(SbomError::UnknownFormat("a PEM certificate or key, not a SWID tag".to_owned()));
    }
    if start.starts_with('{') || start.starts_with('[') {
        let mentions_swid = ["swid", "uniqueId", "tagId", "19770"].iter().any(|w| text.contains(w));
        return Err(SbomError::UnknownFormat(if mentions_swid {
            "SWID JSON-LD is not supported (a pre-standard draft form); give the XML tag".to_owned()
        } else {
            "JSON, not a SWID tag".to_owned()
        }));
    }
    if !start.is_empty() && !start.starts_with('<') {
        return Err(SbomError::UnknownFormat("text that is not XML, so not a SWID tag".to_owned()));
    }
    Ok(text)
}

/// One tag as read.
#[derive(Debug, Default)]
struct Tag {
    file: String,
    path: String,
    tag_id: Option<String>,
    name: Option<String>,
    version: Option<String>,
    version_scheme: Option<String>,
    tag_version: Option<String>,
    supplemental: bool,
    patch: bool,
    corpus: bool,
    draft: bool,
    signed: bool,
    entities: Vec<Entity>,
    links: Vec<(String, String)>,
    meta: Vec<(String, String)>,
    files: usize,
}

impl Tag {
    fn has_link(&self, rel: &str) -> bool {
        self.links.iter().any(|(r, _)| r == rel)
    }
}

#[derive(Debug, Default)]
struct Entity {
    name: String,
    roles: Vec<String>,
}

/// Why a document is not a tag, by its root's namespace.
fn not_a_tag(root: Node) -> String {
    let name = root.tag_name().name();
    let namespace = root.tag_name().namespace().unwrap_or_default();
    let what = match namespace {
        "http://decima.nist.gov/xml/unit-test" => "a Decima content unit test (a NIST swidval test definition)",
        "http://csrc.nist.gov/ns/decima/template/1.0" => "a Decima tag template (edit operations on a tag)",
        "http://csrc.nist.gov/ns/decima/requirements/1.0" => "a Decima requirements definition",
        "http://purl.oclc.org/dsdl/schematron" => "a Schematron rule set",
        "http://www.w3.org/2001/XMLSchema" => "an XML Schema (XSD)",
        "urn:oasis:names:tc:entity:xmlns:xml:catalog" => "an XML catalog",
        _ => "",
    };
    if what.is_empty() {
        format!("an XML document whose root is <{name}> in namespace {namespace:?}, not a SWID tag")
    } else {
        format!("{what}, not a SWID tag")
    }
}

/// The tags of a document: the root tag, or each tag of an rpm `<swidtags>` file.
fn collect_tags(doc: &Document, file: &str, problems: &mut Vec<Problem>) -> Result<Vec<Tag>, SbomError> {
    let root = doc.root_element();
    let prefix = if file.is_empty() { String::new() } else { format!("{file}:") };
    match (root.tag_name().namespace(), root.tag_name().name()) {
        (Some(SWID_2015), "SoftwareIdentity") => {
            Ok(vec![read_one(root, file, format!("{prefix}/SoftwareIdentity"), problems)])
        }
        (Some(RPM_SWIDTAGS), "swidtags") => {
            let mut tags = Vec::new();
            for (p, package) in root.children().filter(|c| c.has_tag_name((RPM_SWIDTAGS, "package"))).enumerate() {
                for (t, tag) in
                    package.children().filter(|c| c.has_tag_name((SWID_2015, "SoftwareIdentity"))).enumerate()
                {
                    let path = format!("{prefix}/swidtags/package[{}]/SoftwareIdentity[{}]", p + 1, t + 1);
                    tags.push(read_one(tag, file, path, problems));
                }
            }
            if tags.is_empty() {
                return Err(SbomError::Structure("the <swidtags> file holds no SoftwareIdentity".to_owned()));
            }
            Ok(tags)
        }
        (Some(SWID_2009), _) => Err(SbomError::UnsupportedVersion {
            format: "SWID",
            version: "2009".to_owned(),
            supported: "ISO/IEC 19770-2:2015 tags and the 2014 drafts written in its namespace",
        }),
        (namespace, "SoftwareIdentity") => Err(SbomError::UnknownFormat(format!(
            "a <SoftwareIdentity> in namespace {:?}, not the ISO/IEC 19770-2:2015 one ({SWID_2015})",
            namespace.unwrap_or_default()
        ))),
        _ => Err(SbomError::UnknownFormat(not_a_tag(root))),
    }
}

fn is_true(value: Option<&str>) -> bool {
    matches!(value.map(str::trim), Some("true" | "1"))
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// One `<SoftwareIdentity>`.
fn read_one(node: Node, file: &str, path: String, problems: &mut Vec<Problem>) -> Tag {
    let mut tag = Tag {
        file: file.to_owned(),
        name: non_empty(node.attribute("name")),
        version: non_empty(node.attribute("version")),
        version_scheme: non_empty(node.attribute("versionScheme")),
        tag_version: non_empty(node.attribute("tagVersion")),
        supplemental: is_true(node.attribute("supplemental")),
        patch: is_true(node.attribute("patch")),
        corpus: is_true(node.attribute("corpus")),
        ..Tag::default()
    };
    tag.tag_id = non_empty(node.attribute("tagId"));
    if tag.tag_id.is_none()
        && let Some(unique_id) = non_empty(node.attribute("uniqueId"))
    {
        tag.draft = true;
        tag.tag_id = Some(unique_id);
        problems.push(Problem::warning(
            "swid-draft-unique-id",
            path.clone(),
            "uniqueId is the pre-2015 draft spelling of tagId; read as the tag id",
        ));
    }
    if tag.tag_id.is_none() {
        problems.push(Problem::error("swid-missing-tag-id", path.clone(), "the tag has no tagId"));
    }
    if tag.name.is_none() {
        problems.push(Problem::error("swid-missing-name", path.clone(), "the tag names no software (name)"));
    }
    for child in node.children().filter(Node::is_element) {
        let namespace = child.tag_name().namespace();
        if namespace == Some(XMLDSIG) && child.tag_name().name() == "Signature" {
            tag.signed = true;
            continue;
        }
        if namespace != Some(SWID_2015) {
            continue;
        }
        match child.tag_name().name() {
            "Entity" => tag.entities.push(Entity {
                name: non_empty(child.attribute("name"))
                    .or_else(|| non_empty(child.attribute("regid")))
                    .map(|name| match non_empty(child.attribute("regid")) {
                        Some(regid) if regid != name => format!("{name} ({regid})"),
                        _ => name,
                    })
                    .unwrap_or_default(),
                roles: child.attribute("role").unwrap_or_default().split_whitespace().map(str::to_owned).collect(),
            }),
            "Link" => {
                let rel = child.attribute("rel").unwrap_or_default().trim().to_owned();
                let href = child.attribute("href").unwrap_or_default().trim().to_owned();
                tag.links.push((rel, href));
            }
            "Meta" => {
                for attribute in child.attributes() {
                    tag.meta.push((attribute.name().to_owned(), attribute.value().to_owned()));
                }
            }
            "Payload" | "Evidence" => {
                tag.files += child.descendants().filter(|d| d.has_tag_name((SWID_2015, "File"))).count();
            }
            "SoftwareIdentity" => problems.push(Problem::error(
                "swid-nested-tag",
                format!("{path}/SoftwareIdentity"),
                "a SoftwareIdentity inside a SoftwareIdentity is not allowed; the inner one is ignored",
            )),
            _ => {}
        }
    }
    if tag.supplemental && !tag.has_link("supplemental") {
        problems.push(Problem::warning(
            "swid-supplemental-without-link",
            path.clone(),
            "the tag is supplemental but has no Link rel=\"supplemental\" naming what it supplements",
        ));
    }
    if !tag.supplemental && tag.has_link("supplemental") {
        problems.push(Problem::warning(
            "swid-supplemental-not-marked",
            path.clone(),
            "the tag links rel=\"supplemental\" but is not marked supplemental=\"true\"; read as supplemental",
        ));
    }
    if tag.patch && !tag.has_link("patches") {
        problems.push(Problem::warning(
            "swid-patch-without-link",
            path.clone(),
            "the tag is a patch but has no Link rel=\"patches\" naming what it patches",
        ));
    }
    tag.path = path;
    tag
}

/// What a tag adds to another: supplemental (`supplemental`) or patch (`patches`).
fn attaches_by(tag: &Tag) -> Option<&'static str> {
    if tag.supplemental || tag.has_link("supplemental") {
        Some("supplemental")
    } else if tag.patch || tag.has_link("patches") {
        Some("patches")
    } else {
        None
    }
}

/// The file name at the end of a path (`../sup/s12.swidtag` → `s12.swidtag`).
fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Which tag a link names, by `swid:` tag id or by file name.
fn link_target(href: &str, by_id: &HashMap<&str, usize>, by_file: &HashMap<&str, usize>) -> Option<usize> {
    if let Some(id) = href.strip_prefix("swid:") {
        return by_id.get(id).copied();
    }
    if href.contains("://") {
        return None;
    }
    by_file.get(base_name(href)).copied()
}

fn roles_name<'t>(tag: &'t Tag, role: &str) -> Option<&'t str> {
    tag.entities.iter().find(|e| !e.name.is_empty() && e.roles.iter().any(|r| r == role)).map(|e| e.name.as_str())
}

fn component(tag: &Tag) -> Component {
    let mut component = Component {
        reference: tag.tag_id.clone(),
        swid_tag_id: tag.tag_id.clone(),
        name: tag.name.clone().unwrap_or_default(),
        version: tag.version.clone(),
        location: tag.path.clone(),
        ..Component::default()
    };
    add_details(&mut component, tag);
    component
}

/// Entities, meta, links and flags of `tag` into `component`, keeping what is there.
fn add_details(component: &mut Component, tag: &Tag) {
    if component.supplier.is_none() {
        component.supplier = ["softwareCreator", "licensor", "distributor"]
            .iter()
            .find_map(|role| roles_name(tag, role))
            .map(str::to_owned);
    }
    if component.publisher.is_none() {
        component.publisher = roles_name(tag, "distributor").map(str::to_owned);
    }
    let mut property = |name: String, value: String| {
        if !component.properties.iter().any(|p| p.name == name) {
            component.properties.push(Property { name, value });
        }
    };
    for entity in &tag.entities {
        for role in &entity.roles {
            property(format!("swid:{role}"), entity.name.clone());
        }
    }
    for (name, value) in &tag.meta {
        property(name.clone(), value.clone());
    }
    if let Some(scheme) = &tag.version_scheme {
        property("swid:versionScheme".to_owned(), scheme.clone());
    }
    if let Some(version) = &tag.tag_version {
        property("swid:tagVersion".to_owned(), version.clone());
    }
    if tag.files > 0 {
        property("swid:files".to_owned(), tag.files.to_string());
    }
    if tag.corpus {
        property("swid:corpus".to_owned(), "true".to_owned());
    }
    if tag.signed {
        property("swid:signed".to_owned(), "xmldsig".to_owned());
    }
    if component.description.is_none() {
        component.description = tag.meta.iter().find(|(n, _)| n == "summary").map(|(_, v)| v.clone());
    }
    for (rel, href) in &tag.links {
        if !href.is_empty() {
            component.external_references.push(ExternalReference { kind: rel.clone(), url: href.clone() });
        }
    }
}

/// Tags into one SBOM. In a folder (`resolve`), supplemental and patch tags are attached to
/// the tag they name; alone, every tag is a component.
fn assemble(tags: Vec<Tag>, mut problems: Vec<Problem>, limits: &Limits, resolve: bool) -> Result<Read, SbomError> {
    if tags.len() > limits.max_components {
        return Err(SbomError::OverLimit(format!(
            "{} tags, more than the limit of {} components",
            tags.len(),
            limits.max_components
        )));
    }
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut by_file: HashMap<&str, usize> = HashMap::new();
    for (index, tag) in tags.iter().enumerate() {
        if let Some(id) = &tag.tag_id
            && by_id.insert(id, index).is_some()
        {
            problems.push(Problem::error(
                "sbom-duplicate-ref",
                tag.path.clone(),
                format!("tagId {id:?} is used by more than one tag"),
            ));
        }
        if !tag.file.is_empty() {
            by_file.insert(base_name(&tag.file), index);
        }
    }

    // Where each tag ends up: its own component, or (folders) the primary it attaches to,
    // found by following supplemental (or patch) links breadth first, each tag once.
    let mut owner: Vec<Option<usize>> = vec![None; tags.len()];
    for (index, tag) in tags.iter().enumerate() {
        let Some(rel) = attaches_by(tag).filter(|_| resolve) else { continue };
        let mut visited = HashSet::from([index]);
        let mut queue = std::collections::VecDeque::from([index]);
        let mut found = None;
        while let Some(current) = queue.pop_front() {
            let Some(current_tag) = tags.get(current) else { continue };
            let Some(rel_now) = attaches_by(current_tag) else {
                found = Some(current);
                break;
            };
            for (_, href) in current_tag.links.iter().filter(|(r, _)| r == rel_now) {
                if let Some(next) = link_target(href, &by_id, &by_file)
                    && visited.insert(next)
                {
                    queue.push_back(next);
                }
            }
        }
        match found {
            Some(primary) => {
                if let Some(slot) = owner.get_mut(index) {
                    *slot = Some(primary);
                }
            }
            None => problems.push(Problem::warning(
                "swid-unresolved-link",
                tag.path.clone(),
                format!(
                    "the {} tag names no primary tag among these files (swidpath: links are not followed); \
                     kept as a component of its own",
                    if rel == "patches" { "patch" } else { "supplemental" }
                ),
            )),
        }
    }

    let mut components = Vec::new();
    let mut component_of: Vec<Option<usize>> = vec![None; tags.len()];
    for (index, tag) in tags.iter().enumerate() {
        if owner.get(index).copied().flatten().is_none()
            && let Some(slot) = component_of.get_mut(index)
        {
            *slot = Some(components.len());
            components.push(component(tag));
        }
    }
    for (index, tag) in tags.iter().enumerate() {
        let Some(primary) = owner.get(index).copied().flatten() else { continue };
        let Some(target) = component_of.get(primary).copied().flatten() else { continue };
        if let Some(slot) = component_of.get_mut(index) {
            *slot = Some(target);
        }
        if let Some(component) = components.get_mut(target) {
            let name = if attaches_by(tag) == Some("patches") { "swid:patch" } else { "swid:supplemental" };
            let value = tag.tag_id.clone().unwrap_or_default();
            component.properties.push(Property { name: name.to_owned(), value });
            add_details(component, tag);
        }
    }

    let mut dependencies = Vec::new();
    let mut seen = HashSet::new();
    if resolve {
        for (index, tag) in tags.iter().enumerate() {
            let Some(from) = component_of.get(index).copied().flatten() else { continue };
            for (rel, href) in &tag.links {
                if rel != "requires" && rel != "component" {
                    continue;
                }
                let to = link_target(href, &by_id, &by_file).and_then(|t| component_of.get(t).copied().flatten());
                if let Some(to) = to
                    && to != from
                    && seen.insert((from, to))
                {
                    dependencies.push(Dependency { from, to });
                }
            }
        }
    }

    let mut metadata = Metadata::default();
    for tag in &tags {
        for entity in tag.entities.iter().filter(|e| e.roles.iter().any(|r| r == "tagCreator")) {
            if !entity.name.is_empty() && !metadata.authors.contains(&entity.name) {
                metadata.authors.push(entity.name.clone());
            }
        }
    }
    if components.len() == 1 {
        metadata.subject = Some(0);
    }
    let all_draft = tags.iter().all(|t| t.draft);
    let single = match tags.as_slice() {
        [only] => Some(only),
        _ => None,
    };
    let sbom = Sbom {
        kind: DocumentKind {
            format: SbomFormat::Swid,
            encoding: Encoding::Xml,
            spec_version: if all_draft { "2015-draft" } else { "2015" }.to_owned(),
        },
        serial_number: single.and_then(|t| t.tag_id.clone()),
        document_version: single.and_then(|t| t.tag_version.clone()),
        name: single.and_then(|t| t.name.clone()),
        metadata,
        components,
        dependencies,
    };
    Ok(Read { sbom, problems })
}
