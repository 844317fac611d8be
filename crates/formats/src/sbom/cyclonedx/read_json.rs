//! The CycloneDX JSON reader (spec versions 1.2 to 1.7), walking the borrowed JSON tree once.
//!
//! Each object is read in one pass over its members; strings are cloned once, into the model;
//! bom-refs are borrowed from the tree for the one map that resolves them; JSON pointers are
//! chains of borrowed segments ([`Ptr`]) written out only for a component's location or a
//! problem.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use chainward_core::sbom::{
    Component, DocumentKind, Encoding, ExternalReference, Hash, Metadata, Property, SbomFormat, Tool,
};

use super::{Builder, MAX_DEPTH, Target, document_authors, hash_algorithm, hash_value, join_authors, push_tool, set};
use crate::json::Json;
use crate::sbom::{Limits, Read, SbomError};

/// The JSON spec versions the reader knows.
const JSON_VERSIONS: &[&str] = &["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];

type Members<'a> = [(Cow<'a, str>, Json<'a>)];

/// `Some(spec_version)` when `doc` is a CycloneDX object (`"bomFormat": "CycloneDX"`): the
/// `specVersion` as written (a number is taken as its text; missing gives an empty string).
pub fn detect_json(doc: &Json<'_>) -> Option<String> {
    if doc.get("bomFormat")?.as_str()? != "CycloneDX" {
        return None;
    }
    Some(match doc.get("specVersion") {
        Some(Json::String(version)) => version.to_string(),
        Some(Json::Number(number)) => number.to_string(),
        _ => String::new(),
    })
}

/// Reads a CycloneDX JSON document (1.2 to 1.7) into the model.
///
/// Fails only when the top level is not a CycloneDX object of a known version, or past
/// `limits.max_components`; everything else is read leniently and reported in
/// [`Read::problems`].
pub fn read_json(doc: &Json<'_>, limits: &Limits) -> Result<Read, SbomError> {
    let Some(members) = doc.as_object() else {
        return Err(SbomError::Structure(format!(
            "the top level of a CycloneDX JSON document must be an object, found {}",
            doc.type_name()
        )));
    };
    let Some(spec_version) = detect_json(doc) else {
        return Err(SbomError::UnknownFormat("the JSON object has no \"bomFormat\": \"CycloneDX\"".into()));
    };
    if !JSON_VERSIONS.contains(&spec_version.as_str()) {
        return Err(SbomError::UnsupportedVersion {
            format: "CycloneDX JSON",
            version: spec_version,
            supported: "1.2 to 1.7",
        });
    }
    let kind = DocumentKind { format: SbomFormat::CycloneDx, encoding: Encoding::Json, spec_version };
    let mut reader = JsonReader { b: Builder::new(kind, limits) };
    reader.document(members)?;
    Ok(reader.b.finish())
}

/// A JSON pointer as a chain of borrowed segments, written out only when needed.
#[derive(Clone, Copy)]
pub(super) enum Ptr<'p> {
    /// The document.
    Root,
    /// A pointer already written out (a component's location).
    Written(&'p str),
    /// A member of an object.
    Key(&'p Ptr<'p>, &'p str),
    /// An element of an array.
    Index(&'p Ptr<'p>, usize),
}

impl<'p> Ptr<'p> {
    pub(super) fn key(&'p self, key: &'p str) -> Ptr<'p> {
        Ptr::Key(self, key)
    }

    pub(super) fn index(&'p self, index: usize) -> Ptr<'p> {
        Ptr::Index(self, index)
    }

    pub(super) fn render(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Ptr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ptr::Root => Ok(()),
            Ptr::Written(text) => f.write_str(text),
            Ptr::Key(parent, key) => {
                parent.fmt(f)?;
                f.write_char('/')?;
                // RFC 6901: `~` and `/` in a member name are escaped.
                for c in key.chars() {
                    match c {
                        '~' => f.write_str("~0")?,
                        '/' => f.write_str("~1")?,
                        c => f.write_char(c)?,
                    }
                }
                Ok(())
            }
            Ptr::Index(parent, index) => write!(f, "{parent}/{index}"),
        }
    }
}

struct JsonReader<'a> {
    b: Builder<'a>,
}

/// The first member `key` of an object.
fn member<'a, 'm>(members: &'m Members<'a>, key: &str) -> Option<&'m Json<'a>> {
    members.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

impl<'a> JsonReader<'a> {
    fn document(&mut self, members: &'a Members<'a>) -> Result<(), SbomError> {
        let root = Ptr::Root;
        let (mut metadata, mut components, mut services, mut dependencies) = (None, None, None, None);
        for (key, value) in members {
            let at = root.key(key);
            match key.as_ref() {
                "serialNumber" => {
                    let serial = self.string(value, &at);
                    set(&mut self.b.sbom.serial_number, serial);
                }
                "version" if self.b.sbom.document_version.is_none() => {
                    self.b.sbom.document_version = match value {
                        Json::Number(number) => Some(number.to_string()),
                        Json::String(text) => Some(text.to_string()),
                        other => {
                            self.b.wrong_type(at.render(), "an integer", other.type_name());
                            None
                        }
                    };
                }
                "metadata" => metadata = metadata.or(Some(value)),
                "components" => components = components.or(Some(value)),
                "services" => services = services.or(Some(value)),
                "dependencies" => dependencies = dependencies.or(Some(value)),
                _ => {}
            }
        }
        // The subject first, so that it and its parts come first in the component list
        // whatever the member order; dependencies last, once every bom-ref is known.
        if let Some(metadata) = metadata {
            self.metadata(metadata, &root.key("metadata"))?;
        }
        if let Some(components) = components {
            self.components(components, &root.key("components"), None, 0)?;
        }
        if let Some(services) = services {
            self.services(services, &root.key("services"), 0);
        }
        if let Some(dependencies) = dependencies {
            self.dependencies(dependencies, &root.key("dependencies"));
        }
        Ok(())
    }

    // --- typed access, reporting wrong types ---

    fn string(&mut self, value: &'a Json<'a>, at: &Ptr<'_>) -> Option<&'a str> {
        match value {
            Json::String(text) => Some(text),
            other => {
                self.b.wrong_type(at.render(), "a string", other.type_name());
                None
            }
        }
    }

    fn array(&mut self, value: &'a Json<'a>, at: &Ptr<'_>) -> Option<&'a [Json<'a>]> {
        match value {
            Json::Array(items) => Some(items),
            other => {
                self.b.wrong_type(at.render(), "an array", other.type_name());
                None
            }
        }
    }

    fn object(&mut self, value: &'a Json<'a>, at: &Ptr<'_>) -> Option<&'a Members<'a>> {
        match value {
            Json::Object(members) => Some(members),
            other => {
                self.b.wrong_type(at.render(), "an object", other.type_name());
                None
            }
        }
    }

    /// The string member `key` of the object at `at`, if present.
    fn string_member(&mut self, members: &'a Members<'a>, at: &Ptr<'_>, key: &str) -> Option<&'a str> {
        member(members, key).and_then(|value| self.string(value, &at.key(key)))
    }

    /// The `name` of an organizational entity.
    fn entity_name(&mut self, value: &'a Json<'a>, at: &Ptr<'_>) -> Option<&'a str> {
        let members = self.object(value, at)?;
        self.string_member(members, at, "name")
    }

    /// The names (or, without a name, the e-mail addresses) of a list of contacts.
    fn contact_names(&mut self, value: &'a Json<'a>, at: &Ptr<'_>) -> Vec<&'a str> {
        let Some(items) = self.array(value, at) else { return Vec::new() };
        let mut names = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let item_at = at.index(i);
            let Some(members) = self.object(item, &item_at) else { continue };
            let name = match member(members, "name") {
                Some(_) => self.string_member(members, &item_at, "name"),
                None => self.string_member(members, &item_at, "email"),
            };
            if let Some(name) = name.filter(|name| !name.is_empty()) {
                names.push(name);
            }
        }
        names
    }

    /// The strings of an array (`omniborId`, `swhid`, `dependsOn`), with their indexes.
    fn strings(&mut self, value: &'a Json<'a>, at: &Ptr<'_>) -> Vec<(usize, &'a str)> {
        let Some(items) = self.array(value, at) else { return Vec::new() };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if let Some(text) = self.string(item, &at.index(i)) {
                out.push((i, text));
            }
        }
        out
    }

    // --- components ---

    fn components(
        &mut self,
        value: &'a Json<'a>,
        at: &Ptr<'_>,
        parent: Option<usize>,
        depth: usize,
    ) -> Result<(), SbomError> {
        let Some(items) = self.array(value, at) else { return Ok(()) };
        if depth >= MAX_DEPTH {
            self.b.too_deep(at.render());
            return Ok(());
        }
        for (i, item) in items.iter().enumerate() {
            self.component(item, at.index(i).render(), parent, false, depth)?;
        }
        Ok(())
    }

    fn component(
        &mut self,
        value: &'a Json<'a>,
        location: String,
        parent: Option<usize>,
        subject_only: bool,
        depth: usize,
    ) -> Result<Option<usize>, SbomError> {
        let at = Ptr::Written(&location);
        let Some(members) = self.object(value, &at) else { return Ok(None) };
        let mut c = Component { parent, subject_only, ..Component::default() };
        let (mut bom_ref, mut name, mut author, mut authors, mut children) = (None, None, None, Vec::new(), None);
        for (key, value) in members {
            let key = key.as_ref();
            let here = at.key(key);
            match key {
                "bom-ref" => bom_ref = bom_ref.or_else(|| self.string(value, &here)),
                "name" => name = name.or_else(|| self.string(value, &here)),
                "type" => set(&mut c.kind, self.string(value, &here)),
                "group" => set(&mut c.group, self.string(value, &here)),
                "version" => set(&mut c.version, self.string(value, &here)),
                "purl" => set(&mut c.purl, self.string(value, &here)),
                "cpe" => set(&mut c.cpe, self.string(value, &here)),
                "description" => set(&mut c.description, self.string(value, &here)),
                "copyright" => set(&mut c.copyright, self.string(value, &here)),
                "scope" => set(&mut c.scope, self.string(value, &here)),
                "publisher" => set(&mut c.publisher, self.string(value, &here)),
                "author" => author = author.or_else(|| self.string(value, &here)),
                "authors" => authors.extend(self.contact_names(value, &here)),
                "supplier" => set(&mut c.supplier, self.entity_name(value, &here)),
                "manufacturer" => set(&mut c.manufacturer, self.entity_name(value, &here)),
                "swid" => {
                    if let Some(swid) = self.object(value, &here) {
                        set(&mut c.swid_tag_id, self.string_member(swid, &here, "tagId"));
                    }
                }
                "omniborId" | "swhid" => {
                    let ids = self.strings(value, &here);
                    c.other_identifiers.extend(ids.into_iter().map(|(_, id)| id.to_owned()));
                }
                "hashes" => self.hashes(value, &here, &mut c.hashes),
                "licenses" => self.licenses(value, &here, &mut c.licenses),
                "externalReferences" => self.external_references(value, &here, &mut c.external_references),
                "properties" => self.properties(value, &here, &mut c.properties),
                "components" => children = children.or(Some(value)),
                _ => {}
            }
        }
        c.author = join_authors(author, &authors);
        let Some(name) = name else {
            self.b.error(
                "cyclonedx-component-without-name",
                location.clone(),
                "a component without a name is skipped (its nested components are kept)".into(),
            );
            if let Some(bom_ref) = bom_ref {
                // Still a name dependencies may use: it is not dangling, only unreadable.
                self.b.register_ref(bom_ref, Target::Other, || at.key("bom-ref").render());
            }
            if let Some(children) = children {
                self.components(children, &at.key("components"), parent, depth + 1)?;
            }
            return Ok(None);
        };
        c.name = name.to_owned();
        c.location = location.clone();
        let index = self.b.push_component(c)?;
        if let Some(bom_ref) = bom_ref {
            let registered = self.b.register_ref(bom_ref, Target::Component(index), || at.key("bom-ref").render());
            if registered && let Some(component) = self.b.sbom.components.get_mut(index) {
                component.reference = Some(bom_ref.to_owned());
            }
        }
        if let Some(children) = children {
            self.components(children, &at.key("components"), Some(index), depth + 1)?;
        }
        Ok(Some(index))
    }

    fn hashes(&mut self, value: &'a Json<'a>, at: &Ptr<'_>, out: &mut Vec<Hash>) {
        let Some(items) = self.array(value, at) else { return };
        for (i, item) in items.iter().enumerate() {
            let item_at = at.index(i);
            let Some(members) = self.object(item, &item_at) else { continue };
            let algorithm = self.string_member(members, &item_at, "alg");
            let content = self.string_member(members, &item_at, "content");
            match (algorithm, content) {
                (Some(algorithm), Some(content)) => {
                    out.push(Hash { algorithm: hash_algorithm(algorithm), value: hash_value(content) });
                }
                (None, _) => self.b.missing_field(item_at.render(), "a hash", "alg"),
                (_, None) => self.b.missing_field(item_at.render(), "a hash", "content"),
            }
        }
    }

    /// A licence choice: SPDX ids, names and expressions, as written.
    fn licenses(&mut self, value: &'a Json<'a>, at: &Ptr<'_>, out: &mut Vec<String>) {
        let Some(items) = self.array(value, at) else { return };
        for (i, item) in items.iter().enumerate() {
            let item_at = at.index(i);
            let Some(members) = self.object(item, &item_at) else { continue };
            let text = if let Some(license) = member(members, "license") {
                let license_at = item_at.key("license");
                self.object(license, &license_at).and_then(|license| match member(license, "id") {
                    Some(_) => self.string_member(license, &license_at, "id"),
                    None => self.string_member(license, &license_at, "name"),
                })
            } else {
                let expression = self.string_member(members, &item_at, "expression");
                if let Some(expression) = expression {
                    self.b.check_expression(expression, || item_at.key("expression").render());
                }
                expression
            };
            match text {
                Some(text) => out.push(text.to_owned()),
                None => self.b.missing_field(item_at.render(), "a licence", "an id, a name or an expression"),
            }
        }
    }

    fn external_references(&mut self, value: &'a Json<'a>, at: &Ptr<'_>, out: &mut Vec<ExternalReference>) {
        let Some(items) = self.array(value, at) else { return };
        for (i, item) in items.iter().enumerate() {
            let item_at = at.index(i);
            let Some(members) = self.object(item, &item_at) else { continue };
            let kind = self.string_member(members, &item_at, "type");
            let url = self.string_member(members, &item_at, "url");
            match (kind, url) {
                (Some(kind), Some(url)) => out.push(ExternalReference { kind: kind.to_owned(), url: url.to_owned() }),
                (None, _) => self.b.missing_field(item_at.render(), "an external reference", "type"),
                (_, None) => self.b.missing_field(item_at.render(), "an external reference", "url"),
            }
        }
    }

    fn properties(&mut self, value: &'a Json<'a>, at: &Ptr<'_>, out: &mut Vec<Property>) {
        let Some(items) = self.array(value, at) else { return };
        for (i, item) in items.iter().enumerate() {
            let item_at = at.index(i);
            let Some(members) = self.object(item, &item_at) else { continue };
            let Some(name) = self.string_member(members, &item_at, "name") else {
                self.b.missing_field(item_at.render(), "a property", "name");
                continue;
            };
            let value = self.string_member(members, &item_at, "value").unwrap_or_default();
            out.push(Property { name: name.to_owned(), value: value.to_owned() });
        }
    }

    // --- metadata ---

    fn metadata(&mut self, value: &'a Json<'a>, at: &Ptr<'_>) -> Result<(), SbomError> {
        let Some(members) = self.object(value, at) else { return Ok(()) };
        let mut metadata = Metadata::default();
        let (mut authors, mut manufacturer, mut manufacture, mut subject) = (Vec::new(), None, None, None);
        for (key, value) in members {
            let key = key.as_ref();
            let here = at.key(key);
            match key {
                "timestamp" => set(&mut metadata.timestamp, self.string(value, &here)),
                "authors" => authors.extend(self.contact_names(value, &here)),
                "tools" => self.tools(value, &here, &mut metadata.tools),
                "lifecycles" => self.lifecycles(value, &here, &mut metadata.lifecycles),
                "supplier" => set(&mut metadata.supplier, self.entity_name(value, &here)),
                "manufacturer" => manufacturer = manufacturer.or_else(|| self.entity_name(value, &here)),
                "manufacture" => manufacture = manufacture.or_else(|| self.entity_name(value, &here)),
                "licenses" => {
                    let mut licenses = Vec::new();
                    self.licenses(value, &here, &mut licenses);
                    set(&mut metadata.data_license, licenses.first().map(String::as_str));
                }
                "component" => subject = subject.or(Some(value)),
                _ => {}
            }
        }
        metadata.authors = document_authors(
            authors.into_iter().map(str::to_owned).collect(),
            manufacturer,
            manufacture,
            metadata.supplier.as_deref(),
        );
        self.b.sbom.metadata = metadata;
        if let Some(subject) = subject {
            self.b.sbom.metadata.subject = self.component(subject, at.key("component").render(), None, true, 0)?;
        }
        Ok(())
    }

    /// Tools: the legacy array of `{vendor, name, version}` or the 1.5+ object of
    /// components and services.
    fn tools(&mut self, value: &'a Json<'a>, at: &Ptr<'_>, out: &mut Vec<Tool>) {
        match value {
            Json::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let item_at = at.index(i);
                    let Some(members) = self.object(item, &item_at) else { continue };
                    let vendor = self.string_member(members, &item_at, "vendor");
                    let name = self.string_member(members, &item_at, "name");
                    let version = self.string_member(members, &item_at, "version");
                    push_tool(out, vendor, name, version);
                }
            }
            Json::Object(members) => {
                for (key, value) in members {
                    let key = key.as_ref();
                    if key != "components" && key != "services" {
                        continue;
                    }
                    let list_at = at.key(key);
                    let Some(items) = self.array(value, &list_at) else { continue };
                    for (i, item) in items.iter().enumerate() {
                        let item_at = list_at.index(i);
                        let Some(members) = self.object(item, &item_at) else { continue };
                        let name = self.string_member(members, &item_at, "name");
                        let version = self.string_member(members, &item_at, "version");
                        let vendor = self.tool_vendor(members, &item_at);
                        push_tool(out, vendor, name, version);
                    }
                }
            }
            other => self.b.wrong_type(at.render(), "an object or an array", other.type_name()),
        }
    }

    /// The vendor of a tool given as a component or service: its group, else the name of its
    /// manufacturer, supplier or provider, else its author or publisher.
    fn tool_vendor(&mut self, members: &'a Members<'a>, at: &Ptr<'_>) -> Option<&'a str> {
        if let Some(group) = self.string_member(members, at, "group") {
            return Some(group);
        }
        for key in ["manufacturer", "supplier", "provider"] {
            if let Some(entity) = member(members, key)
                && let Some(name) = self.entity_name(entity, &at.key(key))
            {
                return Some(name);
            }
        }
        self.string_member(members, at, "author").or_else(|| self.string_member(members, at, "publisher"))
    }

    fn lifecycles(&mut self, value: &'a Json<'a>, at: &Ptr<'_>, out: &mut Vec<String>) {
        let Some(items) = self.array(value, at) else { return };
        for (i, item) in items.iter().enumerate() {
            let item_at = at.index(i);
            let Some(members) = self.object(item, &item_at) else { continue };
            let phase = match member(members, "phase") {
                Some(_) => self.string_member(members, &item_at, "phase"),
                None => self.string_member(members, &item_at, "name"),
            };
            match phase {
                Some(phase) => out.push(phase.to_owned()),
                None => self.b.missing_field(item_at.render(), "a lifecycle", "a phase or a name"),
            }
        }
    }

    // --- services and dependencies ---

    /// Services: only their bom-refs matter here (a dependency may name a service).
    fn services(&mut self, value: &'a Json<'a>, at: &Ptr<'_>, depth: usize) {
        let Some(items) = self.array(value, at) else { return };
        if depth >= MAX_DEPTH {
            self.b.too_deep(at.render());
            return;
        }
        for (i, item) in items.iter().enumerate() {
            let item_at = at.index(i);
            let Some(members) = self.object(item, &item_at) else { continue };
            if let Some(bom_ref) = self.string_member(members, &item_at, "bom-ref") {
                self.b.register_ref(bom_ref, Target::Other, || item_at.key("bom-ref").render());
            }
            if let Some(nested) = member(members, "services") {
                self.services(nested, &item_at.key("services"), depth + 1);
            }
        }
    }

    fn dependencies(&mut self, value: &'a Json<'a>, at: &Ptr<'_>) {
        let Some(items) = self.array(value, at) else { return };
        for (i, item) in items.iter().enumerate() {
            let item_at = at.index(i);
            let Some(members) = self.object(item, &item_at) else { continue };
            let from = match member(members, "ref") {
                Some(reference) => {
                    let ref_at = item_at.key("ref");
                    match self.string(reference, &ref_at) {
                        Some(reference) => self.b.dependency_source(reference, || ref_at.render()),
                        None => continue,
                    }
                }
                None => {
                    self.b.missing_field(item_at.render(), "a dependency", "ref");
                    None
                }
            };
            // `provides` (1.6+) names what a component implements, not what it depends on.
            if let Some(depends_on) = member(members, "dependsOn") {
                let list_at = item_at.key("dependsOn");
                let Some(targets) = self.array(depends_on, &list_at) else { continue };
                for (j, target) in targets.iter().enumerate() {
                    let target_at = list_at.index(j);
                    if let Some(reference) = self.string(target, &target_at) {
                        let to = self.b.resolve(reference, || target_at.render());
                        self.b.add_edge(from, to);
                    }
                }
            }
        }
    }
}
