//! SPDX 2.x JSON, and the tree walk that JSON, YAML and the 2.x XML form share: the three
//! are the same tree of named members, XML writing each list element as a repeated child
//! and each value as text. The walk accepts both shapes (a list or a repeated member, a
//! string or a number) so that one walk serves all three; only the paths differ.

use chainward_core::sbom::Encoding;

use super::{Doc2, ExternalRef2, Located, Package2, Relationship2, build, require_2x};
use crate::json::Json;
use crate::sbom::{Limits, Problem, Read, SbomError};

/// Reads an SPDX 2.2 or 2.3 JSON document (an SPDX 3 JSON-LD document is handed to
/// [`super::read_jsonld`]).
pub fn read_json(doc: &Json, limits: &Limits) -> Result<Read, SbomError> {
    if doc.get("spdxVersion").is_none() && doc.get("@context").is_some() {
        return super::read_jsonld(doc, limits);
    }
    walk_document(doc, Encoding::Json, PathStyle::Pointer, "", limits)
}

/// How paths are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PathStyle {
    /// JSON pointer: `/packages/3`.
    Pointer,
    /// XML path: `/Document/packages[4]`.
    Xml,
}

/// Reads a 2.x document tree rooted at `root`, which is at `root_path`.
pub(super) fn walk_document(
    root: &Json,
    encoding: Encoding,
    style: PathStyle,
    root_path: &str,
    limits: &Limits,
) -> Result<Read, SbomError> {
    if root.as_object().is_none() {
        return Err(SbomError::Structure(format!(
            "the top level of an SPDX document must be an object, not {}",
            root.type_name()
        )));
    }
    let mut walk = Walk { style, problems: Vec::new() };
    let mut doc = Doc2::default();
    match walk.text(root, root_path, "spdxVersion") {
        Some(version) => doc.version = super::spec_version(&version),
        None => walk.problems.push(Problem::error(
            "spdx-version-missing",
            root_path,
            "the document states no spdxVersion; read as SPDX 2.3",
        )),
    }
    require_2x(&doc.version)?;
    doc.spdx_id = walk.text(root, root_path, "SPDXID");
    doc.name = walk.text(root, root_path, "name");
    doc.namespace = walk.text(root, root_path, "documentNamespace");
    doc.data_license = walk.text(root, root_path, "dataLicense");
    for (info, path) in walk.objects(root, root_path, "creationInfo") {
        doc.created = doc.created.or_else(|| walk.text(info, &path, "created"));
        doc.creators.extend(walk.texts(info, &path, "creators").into_iter().map(|l| l.value));
    }
    doc.describes = walk.texts(root, root_path, "documentDescribes");
    for (reference, path) in walk.objects(root, root_path, "externalDocumentRefs") {
        if let Some(id) = walk.text(reference, &path, "externalDocumentId") {
            doc.external_documents.push(id);
        }
    }
    for (package, path) in walk.objects(root, root_path, "packages") {
        if doc.packages.len() >= limits.max_components {
            return Err(SbomError::OverLimit(format!("more than {} packages", limits.max_components)));
        }
        let read = walk.package(package, &path, &mut doc.relationships);
        doc.packages.push(read);
    }
    for key in ["files", "snippets"] {
        for (element, path) in walk.objects(root, root_path, key) {
            match walk.text(element, &path, "SPDXID") {
                Some(id) => doc.elements.push(Located { value: id, path }),
                None => walk.problems.push(Problem::error("spdx-missing-field", path, "the element has no SPDXID")),
            }
        }
    }
    for (relationship, path) in walk.objects(root, root_path, "relationships") {
        let from = walk.text(relationship, &path, "spdxElementId");
        let kind = walk.text(relationship, &path, "relationshipType");
        let to = walk.text(relationship, &path, "relatedSpdxElement");
        match (from, kind, to) {
            (Some(from), Some(kind), Some(to)) => doc.relationships.push(Relationship2 { path, from, kind, to }),
            _ => walk.problems.push(Problem::error(
                "spdx-missing-field",
                path,
                "the relationship needs spdxElementId, relationshipType and relatedSpdxElement; skipped",
            )),
        }
    }
    build(doc, encoding, walk.problems, limits)
}

/// The walk's state: how to write paths, and the problems found.
struct Walk {
    style: PathStyle,
    problems: Vec<Problem>,
}

impl Walk {
    /// The path of member `key` of the object at `parent`.
    fn member_path(&self, parent: &str, key: &str) -> String {
        format!("{parent}/{key}")
    }

    /// Every item of the list `key` of `object`: the elements of an array member and every
    /// repeated member (XML), each with its path.
    fn items<'j, 'a>(&self, object: &'j Json<'a>, parent: &str, key: &str) -> Vec<(&'j Json<'a>, String)> {
        let mut out = Vec::new();
        let Some(members) = object.as_object() else { return out };
        let mut occurrence = 0;
        for (_, value) in members.iter().filter(|(name, _)| name == key) {
            match (value, self.style) {
                (Json::Array(items), PathStyle::Pointer) => {
                    for (index, item) in items.iter().enumerate() {
                        out.push((item, format!("{parent}/{key}/{index}")));
                    }
                }
                (Json::Array(items), PathStyle::Xml) => {
                    for item in items {
                        occurrence += 1;
                        out.push((item, format!("{parent}/{key}[{occurrence}]")));
                    }
                }
                (_, PathStyle::Pointer) => out.push((value, self.member_path(parent, key))),
                (_, PathStyle::Xml) => {
                    occurrence += 1;
                    out.push((value, format!("{parent}/{key}[{occurrence}]")));
                }
            }
        }
        out
    }

    /// The object items of list `key`; other items are reported and skipped.
    fn objects<'j, 'a>(&mut self, object: &'j Json<'a>, parent: &str, key: &str) -> Vec<(&'j Json<'a>, String)> {
        let items = self.items(object, parent, key);
        let mut out = Vec::with_capacity(items.len());
        for (item, path) in items {
            if item.as_object().is_some() {
                out.push((item, path));
            } else {
                self.problems.push(wrong_type(&path, "an object", item));
            }
        }
        out
    }

    /// The text items of list `key`.
    fn texts(&mut self, object: &Json, parent: &str, key: &str) -> Vec<Located> {
        let items = self.items(object, parent, key);
        let mut out = Vec::with_capacity(items.len());
        for (item, path) in items {
            match scalar_text(item) {
                Some(value) => out.push(Located { value, path }),
                None => self.problems.push(wrong_type(&path, "a string", item)),
            }
        }
        out
    }

    /// The text of member `key` (numbers and booleans spelled as text; YAML gives those).
    fn text(&mut self, object: &Json, parent: &str, key: &str) -> Option<String> {
        let value = object.get(key)?;
        let text = scalar_text(value);
        if text.is_none() && !matches!(value, Json::Null) {
            let path = self.member_path(parent, key);
            self.problems.push(wrong_type(&path, "a string", value));
        }
        text
    }

    /// One package; its `hasFiles` become `CONTAINS` relationships so that they are checked.
    fn package(&mut self, package: &Json, path: &str, relationships: &mut Vec<Relationship2>) -> Package2 {
        let mut read = Package2 {
            path: path.to_owned(),
            spdx_id: self.text(package, path, "SPDXID"),
            name: self.text(package, path, "name"),
            version: self.text(package, path, "versionInfo"),
            supplier: self.text(package, path, "supplier"),
            originator: self.text(package, path, "originator"),
            download_location: self.text(package, path, "downloadLocation"),
            homepage: self.text(package, path, "homepage"),
            license_concluded: self.text(package, path, "licenseConcluded"),
            license_declared: self.text(package, path, "licenseDeclared"),
            purpose: self.text(package, path, "primaryPackagePurpose"),
            copyright: self.text(package, path, "copyrightText"),
            description: self.text(package, path, "description"),
            summary: self.text(package, path, "summary"),
            ..Package2::default()
        };
        for (checksum, checksum_path) in self.objects(package, path, "checksums") {
            let algorithm = self.text(checksum, &checksum_path, "algorithm");
            let value = self.text(checksum, &checksum_path, "checksumValue");
            match algorithm.zip(value) {
                Some(pair) => read.checksums.push(pair),
                None => self.problems.push(Problem::error(
                    "spdx-missing-field",
                    checksum_path,
                    "the checksum needs algorithm and checksumValue; skipped",
                )),
            }
        }
        for (reference, reference_path) in self.objects(package, path, "externalRefs") {
            let category = self.text(reference, &reference_path, "referenceCategory");
            let kind = self.text(reference, &reference_path, "referenceType");
            let locator = self.text(reference, &reference_path, "referenceLocator");
            match (category, kind, locator) {
                (Some(category), Some(kind), Some(locator)) => {
                    read.external_refs.push(ExternalRef2 { category, kind, locator })
                }
                _ => self.problems.push(Problem::error(
                    "spdx-missing-field",
                    reference_path,
                    "the external reference needs referenceCategory, referenceType and referenceLocator; skipped",
                )),
            }
        }
        if let Some(id) = &read.spdx_id {
            for file in self.texts(package, path, "hasFiles") {
                relationships.push(Relationship2 {
                    path: file.path,
                    from: id.clone(),
                    kind: "CONTAINS".to_owned(),
                    to: file.value,
                });
            }
        }
        read
    }
}

/// A string, number or boolean as text.
fn scalar_text(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.to_string()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn wrong_type(path: &str, expected: &str, found: &Json) -> Problem {
    Problem::error("spdx-wrong-type", path, format!("expected {expected}, found {}; skipped", found.type_name()))
}
