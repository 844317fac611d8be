//! The CycloneDX XML reader (spec versions 1.0 to 1.7).
//!
//! Elements are read by local name within the document's own namespace (which changes with
//! every version); elements of other namespaces are extensions and are passed over, except
//! the 1.1 dependency-graph extension, whose `dependencies` may stand at the top level or
//! inside a component and whose `dependency` elements nest to any depth (cut at
//! [`MAX_DEPTH`]). Paths are XPath-like: `/bom/components/component[4]/hashes/hash[1]`, with
//! `dg:` before the extension's elements.

use chainward_core::sbom::{
    Component, DocumentKind, Encoding, ExternalReference, Hash, Metadata, Property, SbomFormat, Tool,
};
use roxmltree::{Document, Node};

use super::{Builder, MAX_DEPTH, Target, document_authors, hash_algorithm, hash_value, join_authors, push_tool, set};
use crate::sbom::{Limits, Read, SbomError};

/// The namespace of every CycloneDX version, before the version number.
const NAMESPACE_PREFIX: &str = "http://cyclonedx.org/schema/bom/";

/// The dependency-graph extension of CycloneDX 1.1.
const DEPENDENCY_GRAPH_NS: &str = "http://cyclonedx.org/schema/ext/dependency-graph/1.0";

/// The XML spec versions the reader knows.
const XML_VERSIONS: &[&str] = &["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];

/// `Some(spec_version)` when the root element is a `bom` in a CycloneDX namespace
/// (`http://cyclonedx.org/schema/bom/1.6` gives `1.6`; the text after the prefix is returned
/// as written, even when it is no version CycloneDX has).
pub fn detect_xml(doc: &Document<'_>) -> Option<String> {
    let root = doc.root_element();
    if root.tag_name().name() != "bom" {
        return None;
    }
    root.tag_name().namespace()?.strip_prefix(NAMESPACE_PREFIX).map(str::to_owned)
}

/// Reads a CycloneDX XML document (1.0 to 1.7) into the model.
///
/// Fails only when the root is not a CycloneDX `bom` of a known version, or past
/// `limits.max_components`; everything else is read leniently and reported in
/// [`Read::problems`].
pub fn read_xml(doc: &Document<'_>, limits: &Limits) -> Result<Read, SbomError> {
    let Some(spec_version) = detect_xml(doc) else {
        return Err(SbomError::UnknownFormat(format!(
            "the root element is not a bom in the namespace {NAMESPACE_PREFIX}<version>"
        )));
    };
    if !XML_VERSIONS.contains(&spec_version.as_str()) {
        return Err(SbomError::UnsupportedVersion {
            format: "CycloneDX XML",
            version: spec_version,
            supported: "1.0 to 1.7",
        });
    }
    let root = doc.root_element();
    let Some(namespace) = root.tag_name().namespace() else {
        return Err(SbomError::UnknownFormat("the bom element has no namespace".into()));
    };
    let kind = DocumentKind { format: SbomFormat::CycloneDx, encoding: Encoding::Xml, spec_version };
    let mut reader = XmlReader { b: Builder::new(kind, limits), ns: namespace, graph_lists: Vec::new() };
    reader.document(root)?;
    Ok(reader.b.finish())
}

struct XmlReader<'a, 'i> {
    b: Builder<'a>,
    /// The document's CycloneDX namespace.
    ns: &'a str,
    /// Dependency-graph extension lists inside components: the component, the list, its path.
    graph_lists: Vec<(Option<usize>, Node<'a, 'i>, String)>,
}

/// The trimmed text of an element (empty for an empty element).
fn text<'a>(node: Node<'a, '_>) -> &'a str {
    node.text().map_or("", str::trim)
}

impl<'a, 'i: 'a> XmlReader<'a, 'i> {
    /// The child elements of `node` in the document's namespace.
    fn elements(&self, node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> + use<'a, 'i> {
        let ns = self.ns;
        node.children().filter(move |n| n.is_element() && n.tag_name().namespace() == Some(ns))
    }

    /// The child elements named `name`, numbered from 1 as in XPath.
    fn numbered(
        &self,
        node: Node<'a, 'i>,
        name: &'static str,
    ) -> impl Iterator<Item = (usize, Node<'a, 'i>)> + use<'a, 'i> {
        self.elements(node).filter(move |n| n.tag_name().name() == name).enumerate().map(|(i, n)| (i + 1, n))
    }

    /// The first child element named `name`.
    fn child(&self, node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
        self.elements(node).find(|n| n.tag_name().name() == name)
    }

    fn child_text(&self, node: Node<'a, 'i>, name: &str) -> Option<&'a str> {
        self.child(node, name).map(text)
    }

    fn document(&mut self, root: Node<'a, 'i>) -> Result<(), SbomError> {
        let root_path = "/bom";
        set(&mut self.b.sbom.serial_number, root.attribute("serialNumber"));
        set(&mut self.b.sbom.document_version, root.attribute("version"));
        let (mut metadata, mut components, mut services, mut dependencies, mut graph) = (None, None, None, None, None);
        for child in root.children().filter(Node::is_element) {
            let tag = child.tag_name();
            if tag.namespace() == Some(DEPENDENCY_GRAPH_NS) && tag.name() == "dependencies" {
                graph = graph.or(Some(child));
                continue;
            }
            if tag.namespace() != Some(self.ns) {
                continue;
            }
            match tag.name() {
                "metadata" => metadata = metadata.or(Some(child)),
                "components" => components = components.or(Some(child)),
                "services" => services = services.or(Some(child)),
                "dependencies" => dependencies = dependencies.or(Some(child)),
                _ => {}
            }
        }
        // The subject first, so that it and its parts come first in the component list;
        // dependencies last, once every bom-ref is known.
        if let Some(metadata) = metadata {
            self.metadata(metadata, &format!("{root_path}/metadata"))?;
        }
        if let Some(components) = components {
            self.components(components, &format!("{root_path}/components"), None, 0)?;
        }
        if let Some(services) = services {
            self.services(services, &format!("{root_path}/services"), 0);
        }
        if let Some(dependencies) = dependencies {
            let ns = self.ns;
            self.dependency_list(dependencies, ns, &format!("{root_path}/dependencies"), None, 0);
        }
        if let Some(graph) = graph {
            self.dependency_list(graph, DEPENDENCY_GRAPH_NS, &format!("{root_path}/dg:dependencies"), None, 0);
        }
        for (component, list, path) in std::mem::take(&mut self.graph_lists) {
            let from = component.map(Target::Component);
            self.dependency_list(list, DEPENDENCY_GRAPH_NS, &path, from, 1);
        }
        Ok(())
    }

    // --- components ---

    fn components(
        &mut self,
        node: Node<'a, 'i>,
        path: &str,
        parent: Option<usize>,
        depth: usize,
    ) -> Result<(), SbomError> {
        if depth >= MAX_DEPTH {
            self.b.too_deep(path.to_owned());
            return Ok(());
        }
        for (n, child) in self.numbered(node, "component") {
            self.component(child, format!("{path}/component[{n}]"), parent, false, depth)?;
        }
        Ok(())
    }

    fn component(
        &mut self,
        node: Node<'a, 'i>,
        path: String,
        parent: Option<usize>,
        subject_only: bool,
        depth: usize,
    ) -> Result<Option<usize>, SbomError> {
        let mut c = Component { parent, subject_only, ..Component::default() };
        set(&mut c.kind, node.attribute("type"));
        let bom_ref = node.attribute("bom-ref");
        let (mut name, mut author, mut authors, mut children, mut graph) = (None, None, Vec::new(), None, None);
        for child in node.children().filter(Node::is_element) {
            let tag = child.tag_name();
            if tag.namespace() == Some(DEPENDENCY_GRAPH_NS) && tag.name() == "dependencies" {
                graph = graph.or(Some(child));
                continue;
            }
            if tag.namespace() != Some(self.ns) {
                continue;
            }
            let key = tag.name();
            match key {
                "name" => name = name.or(Some(text(child))),
                "group" => set(&mut c.group, Some(text(child))),
                "version" => set(&mut c.version, Some(text(child))),
                "purl" => set(&mut c.purl, Some(text(child))),
                "cpe" => set(&mut c.cpe, Some(text(child))),
                "description" => set(&mut c.description, Some(text(child))),
                "copyright" => set(&mut c.copyright, Some(text(child))),
                "scope" => set(&mut c.scope, Some(text(child))),
                "publisher" => set(&mut c.publisher, Some(text(child))),
                "author" => author = author.or(Some(text(child))),
                "authors" => authors.extend(self.contact_names(child, "author")),
                "supplier" => set(&mut c.supplier, self.child_text(child, "name")),
                "manufacturer" => set(&mut c.manufacturer, self.child_text(child, "name")),
                "swid" => set(&mut c.swid_tag_id, child.attribute("tagId")),
                "omniborId" | "swhid" => c.other_identifiers.push(text(child).to_owned()),
                "hashes" => self.hashes(child, &path, &mut c.hashes),
                "licenses" => self.licenses(child, &path, &mut c.licenses),
                "externalReferences" => self.external_references(child, &path, &mut c.external_references),
                "properties" => self.properties(child, &path, &mut c.properties),
                "components" => children = children.or(Some(child)),
                _ => {}
            }
        }
        c.author = join_authors(author, &authors);
        let Some(name) = name else {
            self.b.error(
                "cyclonedx-component-without-name",
                path.clone(),
                "a component without a name is skipped (its nested components are kept)".into(),
            );
            if let Some(bom_ref) = bom_ref {
                // Still a name dependencies may use: it is not dangling, only unreadable.
                self.b.register_ref(bom_ref, Target::Other, || format!("{path}/@bom-ref"));
            }
            if let Some(graph) = graph {
                self.graph_lists.push((None, graph, format!("{path}/dg:dependencies")));
            }
            if let Some(children) = children {
                self.components(children, &format!("{path}/components"), parent, depth + 1)?;
            }
            return Ok(None);
        };
        c.name = name.to_owned();
        c.location = path.clone();
        let index = self.b.push_component(c)?;
        if let Some(bom_ref) = bom_ref {
            let registered = self.b.register_ref(bom_ref, Target::Component(index), || format!("{path}/@bom-ref"));
            if registered && let Some(component) = self.b.sbom.components.get_mut(index) {
                component.reference = Some(bom_ref.to_owned());
            }
        }
        if let Some(graph) = graph {
            self.graph_lists.push((Some(index), graph, format!("{path}/dg:dependencies")));
        }
        if let Some(children) = children {
            self.components(children, &format!("{path}/components"), Some(index), depth + 1)?;
        }
        Ok(Some(index))
    }

    /// The names (or, without a name, the e-mail addresses) of the contacts in `node`.
    fn contact_names(&self, node: Node<'a, 'i>, element: &'static str) -> Vec<&'a str> {
        self.numbered(node, element)
            .filter_map(|(_, contact)| self.child_text(contact, "name").or_else(|| self.child_text(contact, "email")))
            .filter(|name| !name.is_empty())
            .collect()
    }

    /// The `hash` elements of a `hashes` element; `path` is the owner's (as for the licences,
    /// external references and properties below), so that a path is made only for a problem.
    fn hashes(&mut self, node: Node<'a, 'i>, path: &str, out: &mut Vec<Hash>) {
        for (n, hash) in self.numbered(node, "hash") {
            match hash.attribute("alg") {
                Some(algorithm) => {
                    out.push(Hash { algorithm: hash_algorithm(algorithm), value: hash_value(text(hash)) });
                }
                None => self.b.missing_field(format!("{path}/hashes/hash[{n}]"), "a hash", "alg"),
            }
        }
    }

    /// A licence choice: SPDX ids, names and expressions (1.7 `expression-detailed` too), as
    /// written.
    fn licenses(&mut self, node: Node<'a, 'i>, path: &str, out: &mut Vec<String>) {
        let (mut n_license, mut n_expression, mut n_detailed) = (0, 0, 0);
        for child in self.elements(node) {
            let element = child.tag_name().name();
            let (text, n) = match element {
                "license" => {
                    n_license += 1;
                    let id = self.child_text(child, "id").or_else(|| self.child_text(child, "name"));
                    (id, n_license)
                }
                "expression" => {
                    n_expression += 1;
                    let expression = text(child);
                    self.b.check_expression(expression, || format!("{path}/licenses/expression[{n_expression}]"));
                    (Some(expression), n_expression)
                }
                "expression-detailed" => {
                    n_detailed += 1;
                    (child.attribute("expression"), n_detailed)
                }
                _ => continue,
            };
            match text {
                Some(text) => out.push(text.to_owned()),
                None => {
                    let item_path = format!("{path}/licenses/{element}[{n}]");
                    self.b.missing_field(item_path, "a licence", "an id, a name or an expression");
                }
            }
        }
    }

    fn external_references(&mut self, node: Node<'a, 'i>, path: &str, out: &mut Vec<ExternalReference>) {
        for (n, reference) in self.numbered(node, "reference") {
            let kind = reference.attribute("type");
            let url = self.child_text(reference, "url");
            match (kind, url) {
                (Some(kind), Some(url)) => out.push(ExternalReference { kind: kind.to_owned(), url: url.to_owned() }),
                (None, _) => self.b.missing_field(
                    format!("{path}/externalReferences/reference[{n}]"),
                    "an external reference",
                    "type",
                ),
                (_, None) => self.b.missing_field(
                    format!("{path}/externalReferences/reference[{n}]"),
                    "an external reference",
                    "url",
                ),
            }
        }
    }

    fn properties(&mut self, node: Node<'a, 'i>, path: &str, out: &mut Vec<Property>) {
        for (n, property) in self.numbered(node, "property") {
            match property.attribute("name") {
                Some(name) => out.push(Property { name: name.to_owned(), value: text(property).to_owned() }),
                None => self.b.missing_field(format!("{path}/properties/property[{n}]"), "a property", "name"),
            }
        }
    }

    // --- metadata ---

    fn metadata(&mut self, node: Node<'a, 'i>, path: &str) -> Result<(), SbomError> {
        let mut metadata = Metadata::default();
        let (mut authors, mut manufacturer, mut manufacture, mut subject) = (Vec::new(), None, None, None);
        for child in self.elements(node) {
            match child.tag_name().name() {
                "timestamp" => set(&mut metadata.timestamp, Some(text(child))),
                "authors" => authors.extend(self.contact_names(child, "author")),
                "tools" => self.tools(child, &mut metadata.tools),
                "lifecycles" => self.lifecycles(child, &format!("{path}/lifecycles"), &mut metadata.lifecycles),
                "supplier" => set(&mut metadata.supplier, self.child_text(child, "name")),
                "manufacturer" => manufacturer = manufacturer.or_else(|| self.child_text(child, "name")),
                "manufacture" => manufacture = manufacture.or_else(|| self.child_text(child, "name")),
                "licenses" => {
                    let mut licenses = Vec::new();
                    self.licenses(child, path, &mut licenses);
                    set(&mut metadata.data_license, licenses.first().map(String::as_str));
                }
                "component" => subject = subject.or(Some(child)),
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
            self.b.sbom.metadata.subject = self.component(subject, format!("{path}/component"), None, true, 0)?;
        }
        Ok(())
    }

    /// Tools: legacy `tool` elements, or (1.5+) `components` and `services`.
    fn tools(&self, node: Node<'a, 'i>, out: &mut Vec<Tool>) {
        for child in self.elements(node) {
            match child.tag_name().name() {
                "tool" => push_tool(
                    out,
                    self.child_text(child, "vendor"),
                    self.child_text(child, "name"),
                    self.child_text(child, "version"),
                ),
                "components" => {
                    for (_, tool) in self.numbered(child, "component") {
                        let vendor = self
                            .child_text(tool, "group")
                            .or_else(|| self.entity_name(tool, "manufacturer"))
                            .or_else(|| self.entity_name(tool, "supplier"))
                            .or_else(|| self.child_text(tool, "author"))
                            .or_else(|| self.child_text(tool, "publisher"));
                        push_tool(out, vendor, self.child_text(tool, "name"), self.child_text(tool, "version"));
                    }
                }
                "services" => {
                    for (_, tool) in self.numbered(child, "service") {
                        let vendor = self.entity_name(tool, "provider").or_else(|| self.child_text(tool, "group"));
                        push_tool(out, vendor, self.child_text(tool, "name"), self.child_text(tool, "version"));
                    }
                }
                _ => {}
            }
        }
    }

    /// The name of the organizational entity `element` of `node`.
    fn entity_name(&self, node: Node<'a, 'i>, element: &str) -> Option<&'a str> {
        self.child(node, element).and_then(|entity| self.child_text(entity, "name"))
    }

    fn lifecycles(&mut self, node: Node<'a, 'i>, path: &str, out: &mut Vec<String>) {
        for (n, lifecycle) in self.numbered(node, "lifecycle") {
            match self.child_text(lifecycle, "phase").or_else(|| self.child_text(lifecycle, "name")) {
                Some(phase) => out.push(phase.to_owned()),
                None => self.b.missing_field(format!("{path}/lifecycle[{n}]"), "a lifecycle", "a phase or a name"),
            }
        }
    }

    // --- services and dependencies ---

    /// Services: only their bom-refs matter here (a dependency may name a service).
    fn services(&mut self, node: Node<'a, 'i>, path: &str, depth: usize) {
        if depth >= MAX_DEPTH {
            self.b.too_deep(path.to_owned());
            return;
        }
        for (n, service) in self.numbered(node, "service") {
            let service_path = format!("{path}/service[{n}]");
            if let Some(bom_ref) = service.attribute("bom-ref") {
                self.b.register_ref(bom_ref, Target::Other, || format!("{service_path}/@bom-ref"));
            }
            if let Some(nested) = self.child(service, "services") {
                self.services(nested, &format!("{service_path}/services"), depth + 1);
            }
        }
    }

    /// The `dependency` children of `list` (in namespace `ns`). At depth 0 each states what
    /// its `ref` depends on; below, each is a dependency of `from`, and may itself list its
    /// own (the dependency-graph extension nests them to any depth). `provides` (1.6+) names
    /// what a component implements, not what it depends on, and is passed over.
    fn dependency_list(&mut self, list: Node<'a, 'i>, ns: &'a str, path: &str, from: Option<Target>, depth: usize) {
        if depth >= MAX_DEPTH {
            self.b.too_deep(path.to_owned());
            return;
        }
        let prefix = if ns == DEPENDENCY_GRAPH_NS { "dg:" } else { "" };
        let dependencies = list
            .children()
            .filter(|n| n.is_element() && n.tag_name().namespace() == Some(ns) && n.tag_name().name() == "dependency");
        for (i, dependency) in dependencies.enumerate() {
            let item_path = format!("{path}/{prefix}dependency[{}]", i + 1);
            let Some(reference) = dependency.attribute("ref") else {
                self.b.missing_field(item_path, "a dependency", "ref");
                continue;
            };
            let target = if depth == 0 {
                self.b.dependency_source(reference, || format!("{item_path}/@ref"))
            } else {
                let target = self.b.resolve(reference, || format!("{item_path}/@ref"));
                self.b.add_edge(from, target);
                target
            };
            if dependency.children().any(|n| n.is_element()) {
                self.dependency_list(dependency, ns, &item_path, target, depth + 1);
            }
        }
    }
}
