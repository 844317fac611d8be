//! From schema documents to a [`SchemaSet`]: load the main schema and what it imports,
//! index the top-level components of every document, then compile them into arenas.
//!
//! Complex types are compiled from a work queue, so that mutually recursive types (a
//! component holding components) need no recursion; only derivation (`extension base=`)
//! compiles a base on demand, with a depth limit and a cycle check. Everything global in
//! every loaded document is compiled, used or not, so that a broken schema fails here and
//! not on the first document that happens to reach the broken part.

use std::collections::HashMap;
use std::sync::Arc;

use roxmltree::{Document, Node};

use super::XsdError;
use super::assert::Assert;
use super::automaton::{Automaton, Particle, ParticleKind, Term};
use super::identity::{self, Identity, IdentityKind};
use super::model::{
    AllGroup, AllItem, AttributeDecl, AttributeUse, ComplexId, ComplexType, Content, ElementDecl, ElementId,
    NO_NAMESPACE, NameId, Names, NamespaceConstraint, NsId, Process, SchemaSet, TypeRef, Wildcard, XML_NAMESPACE,
    XS_NAMESPACE, XSI_NAMESPACE,
};
use super::regex;
use super::types::{
    Bound, Builtin, Enumeration, Facets, IdKind, OrderKey, SimpleId, SimpleType, Variety, WhiteSpace, normalize,
};

/// Most schema documents in one set.
const MAX_DOCUMENTS: usize = 64;
/// Deepest chain of derivations, group references or nested simple types.
const MAX_DEPTH: u32 = 32;
/// Deepest nesting of model groups inside one complex type.
const MAX_GROUP_DEPTH: u32 = 64;
/// The id of `xs:anyType` in every set.
const ANY_TYPE: ComplexId = 0;

/// Compiles `documents` (the first is the main schema, the others extension schemas whose
/// global declarations lax wildcards may use) and everything they import.
pub(crate) fn compile_set(
    documents: &[&[u8]],
    resolve: &dyn Fn(&str) -> Option<&'static [u8]>,
) -> Result<SchemaSet, XsdError> {
    let loaded = load(documents, resolve)?;
    let mut compiler = Compiler::new(&loaded)?;
    compiler.run()?;
    Ok(compiler.finish())
}

struct Loaded<'a> {
    label: String,
    doc: Document<'a>,
}

fn parse_schema<'a>(label: &str, bytes: &'a [u8]) -> Result<Document<'a>, XsdError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|error| XsdError::Xml { document: label.to_string(), message: error.to_string() })?;
    let options = roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: 5_000_000, ..Default::default() };
    Document::parse_with_options(text, options)
        .map_err(|error| XsdError::Xml { document: label.to_string(), message: error.to_string() })
}

/// Loads the documents and, transitively, what they import or include.
fn load<'a>(
    documents: &[&'a [u8]],
    resolve: &dyn Fn(&str) -> Option<&'static [u8]>,
) -> Result<Vec<Loaded<'a>>, XsdError> {
    let mut queue: Vec<(String, &'a [u8])> = Vec::new();
    for (n, bytes) in documents.iter().enumerate().rev() {
        let label = if n == 0 { "the main schema".to_string() } else { format!("extension schema {n}") };
        queue.push((label, bytes));
    }
    let mut loaded: Vec<Loaded<'a>> = Vec::new();
    let mut namespaces_seen: Vec<String> = Vec::new();
    let mut locations_seen: Vec<String> = Vec::new();
    while let Some((label, bytes)) = queue.pop() {
        if loaded.len() >= MAX_DOCUMENTS {
            return Err(XsdError::Invalid(format!("more than {MAX_DOCUMENTS} schema documents")));
        }
        let doc = parse_schema(&label, bytes)?;
        let root = doc.root_element();
        if !is_xs(root, "schema") {
            return Err(XsdError::Invalid(format!("{label} is not an XML Schema (no xs:schema root element)")));
        }
        let target = root.attribute("targetNamespace").unwrap_or("").to_string();
        namespaces_seen.push(target.clone());
        for child in xs_children(root) {
            match child.tag_name().name() {
                "import" => {
                    let namespace = child.attribute("namespace").unwrap_or("");
                    if namespace == XML_NAMESPACE || namespaces_seen.iter().any(|n| n == namespace) {
                        continue;
                    }
                    let location = child.attribute("schemaLocation");
                    let found = resolve(namespace).or_else(|| location.and_then(resolve));
                    // An import that cannot be resolved is tolerated: lax wildcards skip its
                    // elements, and a reference into it fails below with its name.
                    if let Some(bytes) = found {
                        namespaces_seen.push(namespace.to_string());
                        queue.push((format!("the schema for `{namespace}`"), bytes));
                    }
                }
                "include" => {
                    let Some(location) = child.attribute("schemaLocation") else { continue };
                    if locations_seen.iter().any(|l| l == location) {
                        continue;
                    }
                    locations_seen.push(location.to_string());
                    let bytes = resolve(location).ok_or_else(|| {
                        XsdError::Unresolved(format!("{label} includes `{location}`, which cannot be resolved"))
                    })?;
                    queue.push((format!("included schema `{location}`"), bytes));
                }
                "redefine" | "override" => {
                    return Err(XsdError::Unsupported(format!(
                        "{label} uses xs:{}, which is not supported",
                        child.tag_name().name()
                    )));
                }
                _ => {}
            }
        }
        loaded.push(Loaded { label, doc });
    }
    Ok(loaded)
}

fn is_xs(node: Node<'_, '_>, local: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(XS_NAMESPACE) && node.tag_name().name() == local
}

/// The XML Schema element children of `node`, annotations left out.
fn xs_children<'a, 'input>(node: Node<'a, 'input>) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(|child| {
        child.is_element()
            && child.tag_name().namespace() == Some(XS_NAMESPACE)
            && child.tag_name().name() != "annotation"
    })
}

/// What each loaded document says about the names it declares.
#[derive(Debug, Clone)]
struct DocInfo {
    target: NsId,
    target_uri: String,
    elements_qualified: bool,
    attributes_qualified: bool,
}

#[derive(Debug, Clone, Copy)]
enum State<'d, 'a> {
    Pending(usize, Node<'d, 'a>),
    InProgress,
    Done,
}

/// An attribute use before merging with the base type's.
struct AttributeDraft {
    use_: AttributeUse,
    prohibited: bool,
}

/// What a complex content derivation gives: attribute uses and wildcard, content, and the
/// particle kept for types that extend this one.
type Derived = (Vec<AttributeUse>, Option<Wildcard>, Content, Option<Particle>);

/// A compiled model group: an ordinary particle or an `xs:all`.
enum Model {
    Particle(Particle),
    All(AllGroup),
}

struct Compiler<'d, 'a> {
    loaded: &'d [Loaded<'a>],
    docs: Vec<DocInfo>,
    names: Names,
    element_nodes: Vec<(NameId, usize, Node<'d, 'a>)>,
    type_nodes: HashMap<NameId, (usize, Node<'d, 'a>)>,
    attribute_nodes: HashMap<NameId, (usize, Node<'d, 'a>)>,
    attribute_group_nodes: HashMap<NameId, (usize, Node<'d, 'a>)>,
    group_nodes: HashMap<NameId, (usize, Node<'d, 'a>)>,
    elements: Vec<ElementDecl>,
    complex: Vec<ComplexType>,
    complex_state: Vec<State<'d, 'a>>,
    /// Per complex type: its particle, kept for types that extend it.
    particles: Vec<Option<Particle>>,
    pending: Vec<ComplexId>,
    simple: Vec<SimpleType>,
    builtins: HashMap<&'static str, SimpleId>,
    named_types: HashMap<NameId, TypeRef>,
    simple_in_progress: Vec<NameId>,
    global_elements: HashMap<NameId, ElementId>,
    global_attributes: HashMap<NameId, AttributeDecl>,
    identities: Vec<Identity>,
}

impl<'d, 'a> Compiler<'d, 'a> {
    fn new(loaded: &'d [Loaded<'a>]) -> Result<Self, XsdError> {
        let mut compiler = Compiler {
            loaded,
            docs: Vec::new(),
            names: Names::default(),
            element_nodes: Vec::new(),
            type_nodes: HashMap::new(),
            attribute_nodes: HashMap::new(),
            attribute_group_nodes: HashMap::new(),
            group_nodes: HashMap::new(),
            elements: Vec::new(),
            complex: Vec::new(),
            complex_state: Vec::new(),
            particles: Vec::new(),
            pending: Vec::new(),
            simple: Vec::new(),
            builtins: HashMap::new(),
            named_types: HashMap::new(),
            simple_in_progress: Vec::new(),
            global_elements: HashMap::new(),
            global_attributes: HashMap::new(),
            identities: Vec::new(),
        };
        compiler.names.intern_namespace(XSI_NAMESPACE);
        compiler.any_type();
        compiler.xml_attributes()?;
        for (index, loaded) in loaded.iter().enumerate() {
            compiler.index(index, loaded.doc.root_element())?;
        }
        Ok(compiler)
    }

    /// `xs:anyType`: anything, checked laxly.
    fn any_type(&mut self) {
        let wildcard = Wildcard { namespaces: NamespaceConstraint::Any, process: Process::Lax };
        let particle = Particle { kind: ParticleKind::Term(Term::Any(wildcard.clone())), min: 0, max: None };
        let automaton = Automaton::build(Some(&particle)).unwrap_or_else(|_| Automaton::empty());
        self.complex.push(ComplexType {
            name: "xs:anyType".into(),
            attributes: Vec::new(),
            attribute_wildcard: Some(wildcard),
            content: Content::Elements(automaton),
            mixed: true,
            asserts: Vec::new(),
        });
        self.complex_state.push(State::Done);
        self.particles.push(None);
    }

    /// The attributes of the XML namespace (`xml:lang`…), declared by `xml.xsd`, which
    /// is built in rather than imported.
    fn xml_attributes(&mut self) -> Result<(), XsdError> {
        let ns = self.names.intern_namespace(XML_NAMESPACE);
        let language = self.builtin(Builtin::Language);
        let empty = self.push_simple(SimpleType {
            name: "empty string".into(),
            variety: Variety::Atomic(Builtin::String),
            white_space: WhiteSpace::Preserve,
            facets: vec![Arc::new(Facets {
                enumeration: Some(Enumeration::new(vec!["".into()])),
                ..Facets::default()
            })],
            id_kind: IdKind::None,
        });
        let lang = self.push_simple(SimpleType {
            name: "xml:lang".into(),
            variety: Variety::Union(vec![language, empty]),
            white_space: WhiteSpace::Preserve,
            facets: Vec::new(),
            id_kind: IdKind::None,
        });
        let space = self.push_simple(SimpleType {
            name: "xml:space".into(),
            variety: Variety::Atomic(Builtin::NcName),
            white_space: WhiteSpace::Collapse,
            facets: vec![Arc::new(Facets {
                enumeration: Some(Enumeration::new(vec!["default".into(), "preserve".into()])),
                ..Facets::default()
            })],
            id_kind: IdKind::None,
        });
        let base = self.builtin(Builtin::AnyUri);
        let id = self.builtin(Builtin::Id);
        for (local, ty) in [("lang", lang), ("space", space), ("base", base), ("id", id)] {
            let name = self.names.intern(ns, local);
            self.global_attributes.insert(name, AttributeDecl { ty, fixed: None });
        }
        Ok(())
    }

    fn index(&mut self, doc: usize, root: Node<'d, 'a>) -> Result<(), XsdError> {
        let target_uri = root.attribute("targetNamespace").unwrap_or("").to_string();
        let target = self.names.intern_namespace(&target_uri);
        self.docs.push(DocInfo {
            target,
            target_uri,
            elements_qualified: root.attribute("elementFormDefault") == Some("qualified"),
            attributes_qualified: root.attribute("attributeFormDefault") == Some("qualified"),
        });
        for child in xs_children(root) {
            let kind = child.tag_name().name();
            if matches!(kind, "import" | "include" | "notation") {
                continue;
            }
            if matches!(kind, "defaultOpenContent" | "redefine" | "override") {
                return Err(self.unsupported(doc, child, &format!("xs:{kind}")));
            }
            let Some(local) = child.attribute("name") else {
                return Err(self.invalid(doc, child, &format!("top-level xs:{kind} without a name")));
            };
            let name = self.names.intern(target, local);
            let slot = (doc, child);
            let duplicate = match kind {
                "element" => {
                    let duplicate = self.element_nodes.iter().any(|(n, _, _)| *n == name);
                    self.element_nodes.push((name, doc, child));
                    duplicate
                }
                "complexType" | "simpleType" => self.type_nodes.insert(name, slot).is_some(),
                "attribute" => self.attribute_nodes.insert(name, slot).is_some(),
                "attributeGroup" => self.attribute_group_nodes.insert(name, slot).is_some(),
                "group" => self.group_nodes.insert(name, slot).is_some(),
                other => return Err(self.unsupported(doc, child, &format!("top-level xs:{other}"))),
            };
            if duplicate {
                return Err(self.invalid(doc, child, &format!("`{local}` is declared twice")));
            }
        }
        Ok(())
    }

    fn run(&mut self) -> Result<(), XsdError> {
        let attributes: Vec<_> = self.attribute_nodes.iter().map(|(name, slot)| (*name, *slot)).collect();
        for (name, (doc, node)) in attributes {
            let draft = self.attribute_use(doc, node, true)?;
            self.global_attributes.insert(name, AttributeDecl { ty: draft.use_.ty, fixed: draft.use_.fixed });
        }
        // Global element ids first, so that `ref=` finds them whatever the order.
        let element_nodes = self.element_nodes.clone();
        for (name, _, _) in &element_nodes {
            let id = self.elements.len() as ElementId;
            self.elements.push(ElementDecl {
                name: *name,
                ty: TypeRef::Complex(ANY_TYPE),
                nillable: false,
                default: None,
                fixed: None,
                identities: Vec::new(),
            });
            self.global_elements.insert(*name, id);
        }
        for (n, (_, doc, node)) in element_nodes.iter().enumerate() {
            let decl = self.element_declaration(*doc, *node, true)?;
            if let Some(slot) = self.elements.get_mut(n) {
                *slot = decl;
            }
        }
        let type_names: Vec<NameId> = self.type_nodes.keys().copied().collect();
        for name in type_names {
            self.named_type(name, 0)?;
        }
        while let Some(id) = self.pending.pop() {
            self.complete(id, 0)?;
        }
        self.resolve_keyrefs()
    }

    fn finish(self) -> SchemaSet {
        let main_namespace = self.docs.first().map_or(NO_NAMESPACE, |d| d.target);
        let xsi_namespace = self.names.namespace(XSI_NAMESPACE);
        SchemaSet {
            names: self.names,
            main_namespace,
            elements: self.elements,
            complex: self.complex,
            simple: self.simple,
            global_elements: self.global_elements,
            global_attributes: self.global_attributes,
            identities: self.identities,
            xsi_namespace,
        }
    }

    // ---- errors ----

    fn where_(&self, doc: usize, node: Node<'_, '_>) -> String {
        let label = self.loaded.get(doc).map_or("a schema", |l| l.label.as_str());
        let position = node.document().text_pos_at(node.range().start);
        format!("{label}, line {}", position.row)
    }

    fn invalid(&self, doc: usize, node: Node<'_, '_>, message: &str) -> XsdError {
        XsdError::Invalid(format!("{}: {message}", self.where_(doc, node)))
    }

    fn unsupported(&self, doc: usize, node: Node<'_, '_>, what: &str) -> XsdError {
        XsdError::Unsupported(format!("{}: {what} is not supported", self.where_(doc, node)))
    }

    fn doc_info(&self, doc: usize) -> DocInfo {
        self.docs.get(doc).cloned().unwrap_or(DocInfo {
            target: NO_NAMESPACE,
            target_uri: String::new(),
            elements_qualified: false,
            attributes_qualified: false,
        })
    }

    // ---- names ----

    /// Splits a QName attribute value and resolves its prefix in the scope of `node`.
    fn qname<'v>(&self, doc: usize, node: Node<'_, '_>, value: &'v str) -> Result<(String, &'v str), XsdError> {
        let value = value.trim();
        let (prefix, local) = match value.split_once(':') {
            Some((prefix, local)) => (Some(prefix), local),
            None => (None, value),
        };
        let namespace = match node.lookup_namespace_uri(prefix) {
            Some(uri) => uri.to_string(),
            None if prefix == Some("xml") => XML_NAMESPACE.to_string(),
            None if prefix.is_none() => String::new(),
            None => {
                return Err(self.invalid(doc, node, &format!("undeclared prefix in `{value}`")));
            }
        };
        Ok((namespace, local))
    }

    /// A QName resolved to a name id (interning its namespace).
    fn name_of(&mut self, doc: usize, node: Node<'_, '_>, value: &str) -> Result<NameId, XsdError> {
        let (namespace, local) = self.qname(doc, node, value)?;
        let ns = self.names.intern_namespace(&namespace);
        Ok(self.names.intern(ns, local))
    }

    // ---- simple types ----

    fn push_simple(&mut self, ty: SimpleType) -> SimpleId {
        self.simple.push(ty);
        (self.simple.len() - 1) as SimpleId
    }

    fn builtin(&mut self, builtin: Builtin) -> SimpleId {
        if let Some(id) = self.builtins.get(builtin.name()) {
            return *id;
        }
        let id_kind = match builtin {
            Builtin::Id => IdKind::Id,
            Builtin::IdRef => IdKind::IdRef,
            _ => IdKind::None,
        };
        let id = self.push_simple(SimpleType {
            name: builtin.name().into(),
            variety: Variety::Atomic(builtin),
            white_space: builtin.white_space(),
            facets: Vec::new(),
            id_kind,
        });
        self.builtins.insert(builtin.name(), id);
        id
    }

    /// A type named in the XML Schema namespace.
    fn xs_type(&mut self, doc: usize, node: Node<'_, '_>, local: &str) -> Result<TypeRef, XsdError> {
        if local == "anyType" {
            return Ok(TypeRef::Complex(ANY_TYPE));
        }
        if let Some(builtin) = Builtin::from_name(local) {
            return Ok(TypeRef::Simple(self.builtin(builtin)));
        }
        let item = match local {
            "NMTOKENS" => Builtin::NmToken,
            "IDREFS" => Builtin::IdRef,
            "ENTITIES" => Builtin::Entity,
            _ => return Err(self.invalid(doc, node, &format!("unknown built-in type `xs:{local}`"))),
        };
        let name = format!("xs:{local}");
        if let Some(id) = self.builtins.get(name.as_str()) {
            return Ok(TypeRef::Simple(*id));
        }
        let item_id = self.builtin(item);
        let id = self.push_simple(SimpleType {
            name: name.clone().into(),
            variety: Variety::List(item_id),
            white_space: WhiteSpace::Collapse,
            // The built-in list types have at least one item.
            facets: vec![Arc::new(Facets { min_length: Some(1), ..Facets::default() })],
            id_kind: if item == Builtin::IdRef { IdKind::IdRef } else { IdKind::None },
        });
        let key: &'static str = match local {
            "NMTOKENS" => "xs:NMTOKENS",
            "IDREFS" => "xs:IDREFS",
            _ => "xs:ENTITIES",
        };
        self.builtins.insert(key, id);
        Ok(TypeRef::Simple(id))
    }

    /// The type a `type=`/`base=`/`itemType=` QName names.
    fn type_ref(&mut self, doc: usize, node: Node<'_, '_>, value: &str, depth: u32) -> Result<TypeRef, XsdError> {
        let (namespace, local) = self.qname(doc, node, value)?;
        if namespace == XS_NAMESPACE {
            return self.xs_type(doc, node, local);
        }
        let ns = self.names.intern_namespace(&namespace);
        let name = self.names.intern(ns, local);
        if !self.type_nodes.contains_key(&name) {
            let shown = if namespace.is_empty() { local.to_string() } else { format!("{{{namespace}}}{local}") };
            return Err(self.invalid(doc, node, &format!("unknown type `{shown}` (is its schema imported?)")));
        }
        self.named_type(name, depth)
    }

    fn simple_type_ref(
        &mut self,
        doc: usize,
        node: Node<'_, '_>,
        value: &str,
        depth: u32,
    ) -> Result<SimpleId, XsdError> {
        match self.type_ref(doc, node, value, depth)? {
            TypeRef::Simple(id) => Ok(id),
            TypeRef::Complex(_) => {
                Err(self.invalid(doc, node, &format!("`{value}` is a complex type, a simple type is needed")))
            }
        }
    }

    /// The named global type `name`: simple types are compiled now, complex ones queued.
    fn named_type(&mut self, name: NameId, depth: u32) -> Result<TypeRef, XsdError> {
        if let Some(found) = self.named_types.get(&name) {
            return Ok(*found);
        }
        let Some(&(doc, node)) = self.type_nodes.get(&name) else {
            return Err(XsdError::Invalid(format!("unknown type `{}`", self.names.local(name))));
        };
        if node.tag_name().name() == "complexType" {
            let id = self.new_complex(self.names.local(name).into(), doc, node);
            self.named_types.insert(name, TypeRef::Complex(id));
            return Ok(TypeRef::Complex(id));
        }
        if self.simple_in_progress.contains(&name) {
            return Err(self.invalid(doc, node, "circular simple type definition"));
        }
        self.simple_in_progress.push(name);
        let result = self.simple_type(doc, node, Some(self.names.local(name).to_string()), depth + 1);
        self.simple_in_progress.retain(|n| *n != name);
        let id = result?;
        self.named_types.insert(name, TypeRef::Simple(id));
        Ok(TypeRef::Simple(id))
    }

    /// Compiles an `xs:simpleType` element.
    fn simple_type(
        &mut self,
        doc: usize,
        node: Node<'d, 'a>,
        name: Option<String>,
        depth: u32,
    ) -> Result<SimpleId, XsdError> {
        if depth > MAX_DEPTH {
            return Err(self.invalid(doc, node, "simple types nested too deeply"));
        }
        let Some(body) = xs_children(node).next() else {
            return Err(self.invalid(doc, node, "xs:simpleType without restriction, list or union"));
        };
        match body.tag_name().name() {
            "restriction" => {
                let base = match body.attribute("base") {
                    Some(base) => self.simple_type_ref(doc, body, base, depth)?,
                    None => match xs_children(body).find(|c| is_xs(*c, "simpleType")) {
                        Some(inner) => self.simple_type(doc, inner, None, depth + 1)?,
                        None => return Err(self.invalid(doc, body, "xs:restriction without a base")),
                    },
                };
                let name = name.unwrap_or_else(|| {
                    let base_name = self.simple.get(base as usize).map_or("?", |b| b.name.as_ref());
                    format!("restriction of {base_name}")
                });
                self.restrict(doc, body, base, name)
            }
            "list" => {
                let item = match body.attribute("itemType") {
                    Some(item) => self.simple_type_ref(doc, body, item, depth)?,
                    None => match xs_children(body).find(|c| is_xs(*c, "simpleType")) {
                        Some(inner) => self.simple_type(doc, inner, None, depth + 1)?,
                        None => return Err(self.invalid(doc, body, "xs:list without an item type")),
                    },
                };
                let item_ty = self.simple.get(item as usize);
                let id_kind =
                    if item_ty.is_some_and(|t| t.id_kind == IdKind::IdRef) { IdKind::IdRef } else { IdKind::None };
                let name = name.unwrap_or_else(|| format!("list of {}", item_ty.map_or("?", |t| t.name.as_ref())));
                Ok(self.push_simple(SimpleType {
                    name: name.into(),
                    variety: Variety::List(item),
                    white_space: WhiteSpace::Collapse,
                    facets: Vec::new(),
                    id_kind,
                }))
            }
            "union" => {
                let mut members = Vec::new();
                if let Some(list) = body.attribute("memberTypes") {
                    for member in list.split_whitespace() {
                        members.push(self.simple_type_ref(doc, body, member, depth)?);
                    }
                }
                for inner in xs_children(body).filter(|c| is_xs(*c, "simpleType")) {
                    members.push(self.simple_type(doc, inner, None, depth + 1)?);
                }
                if members.is_empty() {
                    return Err(self.invalid(doc, body, "xs:union without member types"));
                }
                let name = name.unwrap_or_else(|| {
                    let names: Vec<&str> =
                        members.iter().filter_map(|m| self.simple.get(*m as usize)).map(|t| t.name.as_ref()).collect();
                    format!("union of {}", names.join(", "))
                });
                Ok(self.push_simple(SimpleType {
                    name: name.into(),
                    variety: Variety::Union(members),
                    white_space: WhiteSpace::Preserve,
                    facets: Vec::new(),
                    id_kind: IdKind::None,
                }))
            }
            other => Err(self.unsupported(doc, body, &format!("xs:{other} in xs:simpleType"))),
        }
    }

    /// A restriction of simple type `base` by the facets under `node`.
    fn restrict(&mut self, doc: usize, node: Node<'d, 'a>, base: SimpleId, name: String) -> Result<SimpleId, XsdError> {
        let Some(base_type) = self.simple.get(base as usize).cloned() else {
            return Err(self.invalid(doc, node, "unknown base type"));
        };
        let builtin = match &base_type.variety {
            Variety::Atomic(builtin) => *builtin,
            Variety::List(_) | Variety::Union(_) => Builtin::String,
        };
        let mut facets = Facets::default();
        let mut white_space = base_type.white_space;
        let mut enumeration: Vec<Box<str>> = Vec::new();
        let mut has_enumeration = false;
        for facet in xs_children(node) {
            let kind = facet.tag_name().name();
            if kind == "simpleType" {
                continue;
            }
            const FACETS: &[&str] = &[
                "enumeration",
                "pattern",
                "length",
                "minLength",
                "maxLength",
                "totalDigits",
                "fractionDigits",
                "minInclusive",
                "maxInclusive",
                "minExclusive",
                "maxExclusive",
                "whiteSpace",
            ];
            if !FACETS.contains(&kind) {
                return Err(self.unsupported(doc, facet, &format!("facet xs:{kind}")));
            }
            let Some(value) = facet.attribute("value") else {
                return Err(self.invalid(doc, facet, &format!("xs:{kind} without a value")));
            };
            let number = || value.trim().parse::<usize>();
            let bad_number = || self.invalid(doc, facet, &format!("xs:{kind} value `{value}` is not a count"));
            match kind {
                "enumeration" => {
                    has_enumeration = true;
                    enumeration.push(normalize(value, white_space).as_ref().into());
                }
                "pattern" => {
                    let compiled = regex::compile(value)
                        .map_err(|reason| XsdError::Pattern { pattern: value.to_string(), reason })?;
                    facets.patterns.push((value.into(), compiled));
                }
                "length" => facets.length = Some(number().map_err(|_| bad_number())?),
                "minLength" => facets.min_length = Some(number().map_err(|_| bad_number())?),
                "maxLength" => facets.max_length = Some(number().map_err(|_| bad_number())?),
                "totalDigits" => facets.total_digits = Some(number().map_err(|_| bad_number())?),
                "fractionDigits" => facets.fraction_digits = Some(number().map_err(|_| bad_number())?),
                "minInclusive" | "maxInclusive" | "minExclusive" | "maxExclusive" => {
                    let text = value.trim();
                    let Some(key) = OrderKey::of(builtin.class(), builtin, text) else {
                        return Err(self.invalid(
                            doc,
                            facet,
                            &format!("xs:{kind} `{value}` is not an ordered value of {}", base_type.name),
                        ));
                    };
                    let bound = Some(Bound { text: text.into(), key });
                    match kind {
                        "minInclusive" => facets.min_inclusive = bound,
                        "maxInclusive" => facets.max_inclusive = bound,
                        "minExclusive" => facets.min_exclusive = bound,
                        _ => facets.max_exclusive = bound,
                    }
                }
                "whiteSpace" => {
                    white_space = match value.trim() {
                        "preserve" => WhiteSpace::Preserve,
                        "replace" => WhiteSpace::Replace,
                        "collapse" => WhiteSpace::Collapse,
                        other => return Err(self.invalid(doc, facet, &format!("unknown whiteSpace `{other}`"))),
                    };
                }
                other => return Err(self.unsupported(doc, facet, &format!("facet xs:{other}"))),
            }
        }
        if has_enumeration {
            facets.enumeration = Some(Enumeration::new(enumeration));
        }
        let mut steps = Vec::with_capacity(base_type.facets.len() + 1);
        steps.push(Arc::new(facets));
        steps.extend(base_type.facets.iter().cloned());
        Ok(self.push_simple(SimpleType {
            name: name.into(),
            variety: base_type.variety.clone(),
            white_space,
            facets: steps,
            id_kind: base_type.id_kind,
        }))
    }

    // ---- elements ----

    fn element_declaration(&mut self, doc: usize, node: Node<'d, 'a>, global: bool) -> Result<ElementDecl, XsdError> {
        let info = self.doc_info(doc);
        let Some(local) = node.attribute("name") else {
            return Err(self.invalid(doc, node, "xs:element without a name or ref"));
        };
        let qualified = global
            || match node.attribute("form") {
                Some(form) => form == "qualified",
                None => info.elements_qualified,
            };
        let ns = if qualified { info.target } else { NO_NAMESPACE };
        let name = self.names.intern(ns, local);
        let inline = xs_children(node).find(|c| is_xs(*c, "complexType") || is_xs(*c, "simpleType"));
        let ty = match (node.attribute("type"), inline) {
            (Some(ty), _) => self.type_ref(doc, node, ty, 0)?,
            (None, Some(inline)) if inline.tag_name().name() == "complexType" => {
                let label = format!("anonymous type of `{local}`");
                TypeRef::Complex(self.new_complex(label.into(), doc, inline))
            }
            (None, Some(inline)) => TypeRef::Simple(self.simple_type(doc, inline, None, 0)?),
            (None, None) => TypeRef::Complex(ANY_TYPE),
        };
        if node.attribute("substitutionGroup").is_some() {
            return Err(self.unsupported(doc, node, "substitutionGroup"));
        }
        let mut identities = Vec::new();
        for constraint in xs_children(node) {
            let kind = match constraint.tag_name().name() {
                "unique" => IdentityKind::Unique,
                "key" => IdentityKind::Key,
                "keyref" => IdentityKind::KeyRef,
                "complexType" | "simpleType" => continue,
                "alternative" => return Err(self.unsupported(doc, constraint, "xs:alternative")),
                other => return Err(self.invalid(doc, constraint, &format!("unexpected xs:{other} in xs:element"))),
            };
            identities.push(self.identity(doc, constraint, kind, &info)?);
        }
        Ok(ElementDecl {
            name,
            ty,
            nillable: node.attribute("nillable").is_some_and(|v| v.trim() == "true" || v.trim() == "1"),
            default: node.attribute("default").map(Into::into),
            fixed: node.attribute("fixed").map(Into::into),
            identities,
        })
    }

    fn identity(
        &mut self,
        doc: usize,
        node: Node<'d, 'a>,
        kind: IdentityKind,
        info: &DocInfo,
    ) -> Result<u32, XsdError> {
        let Some(local) = node.attribute("name") else {
            return Err(self.invalid(doc, node, "identity constraint without a name"));
        };
        let resolve = |prefix: &str| node.lookup_namespace_uri(Some(prefix)).map(str::to_string);
        let mut selector = None;
        let mut fields = Vec::new();
        for child in xs_children(node) {
            let Some(xpath) = child.attribute("xpath") else {
                return Err(self.invalid(doc, child, "xs:selector or xs:field without an xpath"));
            };
            match child.tag_name().name() {
                "selector" => {
                    selector = Some(identity::parse(xpath, false, &resolve).map_err(|m| self.invalid(doc, child, &m))?);
                }
                "field" => {
                    fields.push(identity::parse(xpath, true, &resolve).map_err(|m| self.invalid(doc, child, &m))?)
                }
                other => return Err(self.invalid(doc, child, &format!("unexpected xs:{other} in {local}"))),
            }
        }
        let Some(selector) = selector else {
            return Err(self.invalid(doc, node, "identity constraint without a selector"));
        };
        if fields.is_empty() {
            return Err(self.invalid(doc, node, "identity constraint without a field"));
        }
        let refer_name = match (kind, node.attribute("refer")) {
            (IdentityKind::KeyRef, Some(refer)) => {
                let (namespace, local) = self.qname(doc, node, refer)?;
                Some((namespace.into(), local.into()))
            }
            (IdentityKind::KeyRef, None) => return Err(self.invalid(doc, node, "xs:keyref without refer")),
            _ => None,
        };
        self.identities.push(Identity {
            name: local.into(),
            kind,
            selector,
            fields,
            refer: None,
            refer_name,
            qualified: (info.target_uri.as_str().into(), local.into()),
        });
        Ok((self.identities.len() - 1) as u32)
    }

    fn resolve_keyrefs(&mut self) -> Result<(), XsdError> {
        let names: Vec<(Box<str>, Box<str>, IdentityKind)> =
            self.identities.iter().map(|i| (i.qualified.0.clone(), i.qualified.1.clone(), i.kind)).collect();
        for identity in &mut self.identities {
            let Some((namespace, local)) = &identity.refer_name else { continue };
            let found = names.iter().position(|(n, l, kind)| {
                n == namespace && l == local && matches!(kind, IdentityKind::Key | IdentityKind::Unique)
            });
            match found {
                Some(at) => identity.refer = Some(at as u32),
                None => {
                    return Err(XsdError::Invalid(format!(
                        "keyref `{}` refers to unknown key `{local}`",
                        identity.name
                    )));
                }
            }
        }
        Ok(())
    }

    // ---- complex types ----

    fn new_complex(&mut self, name: Box<str>, doc: usize, node: Node<'d, 'a>) -> ComplexId {
        let id = self.complex.len() as ComplexId;
        self.complex.push(ComplexType {
            name,
            attributes: Vec::new(),
            attribute_wildcard: None,
            content: Content::Empty,
            mixed: false,
            asserts: Vec::new(),
        });
        self.complex_state.push(State::Pending(doc, node));
        self.particles.push(None);
        self.pending.push(id);
        id
    }

    /// Compiles complex type `id` if it is not done yet.
    fn complete(&mut self, id: ComplexId, depth: u32) -> Result<(), XsdError> {
        let state = self.complex_state.get(id as usize).copied();
        let (doc, node) = match state {
            Some(State::Done) => return Ok(()),
            Some(State::Pending(doc, node)) => (doc, node),
            Some(State::InProgress) => {
                let name = self.complex.get(id as usize).map_or("?", |t| t.name.as_ref());
                return Err(XsdError::Invalid(format!("type `{name}` derives from itself")));
            }
            None => return Err(XsdError::Invalid("unknown complex type".to_string())),
        };
        if depth > MAX_DEPTH {
            return Err(self.invalid(doc, node, "type derivation chain too long"));
        }
        if let Some(slot) = self.complex_state.get_mut(id as usize) {
            *slot = State::InProgress;
        }
        self.complex_body(id, doc, node, depth)?;
        if let Some(slot) = self.complex_state.get_mut(id as usize) {
            *slot = State::Done;
        }
        Ok(())
    }

    fn complex_body(&mut self, id: ComplexId, doc: usize, node: Node<'d, 'a>, depth: u32) -> Result<(), XsdError> {
        let name = self.complex.get(id as usize).map_or_else(String::new, |t| t.name.to_string());
        let mut mixed = node.attribute("mixed").is_some_and(|v| v.trim() == "true" || v.trim() == "1");
        let mut asserts = Vec::new();
        self.asserts(doc, node, &mut asserts)?;
        for child in xs_children(node) {
            if is_xs(child, "openContent") {
                return Err(self.unsupported(doc, child, "xs:openContent"));
            }
        }
        let first = xs_children(node).next();
        let (attributes, wildcard, content, particle) = match first {
            Some(derivation) if is_xs(derivation, "simpleContent") => {
                let (attributes, wildcard, simple) =
                    self.simple_content(doc, derivation, &name, depth, &mut asserts)?;
                (attributes, wildcard, Content::Simple(simple), None)
            }
            Some(derivation) if is_xs(derivation, "complexContent") => {
                if let Some(value) = derivation.attribute("mixed") {
                    mixed = value.trim() == "true" || value.trim() == "1";
                }
                self.complex_content(doc, derivation, depth, &mut mixed, &mut asserts)?
            }
            _ => {
                let mut drafts = Vec::new();
                let mut wildcard = None;
                self.attributes(doc, node, &mut drafts, &mut wildcard, 0)?;
                let model = self.model_of(doc, node)?;
                let (content, particle) = self.content_of(doc, node, model, mixed)?;
                (merge_attributes(Vec::new(), drafts), wildcard, content, particle)
            }
        };
        if let Some(ty) = self.complex.get_mut(id as usize) {
            ty.attributes = attributes;
            ty.attribute_wildcard = wildcard;
            ty.content = content;
            ty.mixed = mixed;
            ty.asserts = asserts;
        }
        if let Some(slot) = self.particles.get_mut(id as usize) {
            *slot = particle;
        }
        Ok(())
    }

    fn asserts(&self, doc: usize, parent: Node<'d, 'a>, out: &mut Vec<Assert>) -> Result<(), XsdError> {
        let target = self.doc_info(doc).target_uri;
        for assertion in xs_children(parent).filter(|c| is_xs(*c, "assert")) {
            let Some(test) = assertion.attribute("test") else {
                return Err(self.invalid(doc, assertion, "xs:assert without a test"));
            };
            let resolve = |prefix: &str| assertion.lookup_namespace_uri(Some(prefix)).map(str::to_string);
            let default_namespace = assertion.attribute("xpathDefaultNamespace").unwrap_or(&target);
            let compiled = Assert::compile(test, assertion.attribute("id"), &resolve, default_namespace)
                .map_err(|message| self.unsupported(doc, assertion, &format!("assertion `{test}` ({message})")))?;
            out.push(compiled);
        }
        Ok(())
    }

    /// `xs:simpleContent`: (attributes, wildcard, simple type of the text).
    fn simple_content(
        &mut self,
        doc: usize,
        node: Node<'d, 'a>,
        name: &str,
        depth: u32,
        asserts: &mut Vec<Assert>,
    ) -> Result<(Vec<AttributeUse>, Option<Wildcard>, SimpleId), XsdError> {
        let Some(derivation) = xs_children(node).next() else {
            return Err(self.invalid(doc, node, "xs:simpleContent without extension or restriction"));
        };
        let Some(base) = derivation.attribute("base") else {
            return Err(self.invalid(doc, derivation, "derivation without a base"));
        };
        self.asserts(doc, derivation, asserts)?;
        let base = self.type_ref(doc, derivation, base, depth)?;
        let (base_attributes, base_wildcard, base_simple) = match base {
            TypeRef::Simple(simple) => (Vec::new(), None, simple),
            TypeRef::Complex(complex) => {
                self.complete(complex, depth + 1)?;
                let Some(ty) = self.complex.get(complex as usize) else {
                    return Err(self.invalid(doc, derivation, "unknown base type"));
                };
                let Content::Simple(simple) = ty.content else {
                    return Err(self.invalid(
                        doc,
                        derivation,
                        "simple content derived from a type without simple content",
                    ));
                };
                (ty.attributes.clone(), ty.attribute_wildcard.clone(), simple)
            }
        };
        let mut drafts = Vec::new();
        let mut wildcard = None;
        self.attributes(doc, derivation, &mut drafts, &mut wildcard, 0)?;
        let attributes = merge_attributes(base_attributes, drafts);
        match derivation.tag_name().name() {
            "extension" => {
                let wildcard = match (base_wildcard, wildcard) {
                    (Some(base), Some(own)) => Some(base.union(&own)),
                    (base, own) => own.or(base),
                };
                Ok((attributes, wildcard, base_simple))
            }
            "restriction" => {
                let inner = xs_children(derivation).find(|c| is_xs(*c, "simpleType"));
                let base_simple = match inner {
                    Some(inner) => self.simple_type(doc, inner, None, depth + 1)?,
                    None => base_simple,
                };
                let simple = self.restrict(doc, derivation, base_simple, format!("content of {name}"))?;
                Ok((attributes, wildcard, simple))
            }
            other => Err(self.invalid(doc, derivation, &format!("unexpected xs:{other} in xs:simpleContent"))),
        }
    }

    /// `xs:complexContent`: (attributes, wildcard, content, particle).
    fn complex_content(
        &mut self,
        doc: usize,
        node: Node<'d, 'a>,
        depth: u32,
        mixed: &mut bool,
        asserts: &mut Vec<Assert>,
    ) -> Result<Derived, XsdError> {
        let Some(derivation) = xs_children(node).next() else {
            return Err(self.invalid(doc, node, "xs:complexContent without extension or restriction"));
        };
        let Some(base) = derivation.attribute("base") else {
            return Err(self.invalid(doc, derivation, "derivation without a base"));
        };
        self.asserts(doc, derivation, asserts)?;
        let TypeRef::Complex(base) = self.type_ref(doc, derivation, base, depth)? else {
            return Err(self.invalid(doc, derivation, "complex content derived from a simple type"));
        };
        self.complete(base, depth + 1)?;
        let Some(base_type) = self.complex.get(base as usize).cloned() else {
            return Err(self.invalid(doc, derivation, "unknown base type"));
        };
        let mut drafts = Vec::new();
        let mut wildcard = None;
        self.attributes(doc, derivation, &mut drafts, &mut wildcard, 0)?;
        let attributes = merge_attributes(base_type.attributes.clone(), drafts);
        let model = self.model_of(doc, derivation)?;
        match derivation.tag_name().name() {
            "extension" => {
                asserts.extend(base_type.asserts.iter().cloned());
                let wildcard = match (base_type.attribute_wildcard.clone(), wildcard) {
                    (Some(base), Some(own)) => Some(base.union(&own)),
                    (base, own) => own.or(base),
                };
                let base_particle =
                    if base == ANY_TYPE { None } else { self.particles.get(base as usize).cloned().flatten() };
                if matches!(base_type.content, Content::Simple(_)) {
                    return Err(self.invalid(doc, derivation, "complex content extending a type with simple content"));
                }
                if matches!(base_type.content, Content::All(_)) && model.is_some() {
                    return Err(self.unsupported(doc, derivation, "extending an xs:all content model"));
                }
                if let Content::All(group) = &base_type.content
                    && model.is_none()
                {
                    return Ok((attributes, wildcard, Content::All(group.clone()), None));
                }
                let own = match model {
                    Some(Model::Particle(particle)) => Some(particle),
                    Some(Model::All(_)) => return Err(self.unsupported(doc, derivation, "extension by an xs:all")),
                    None => None,
                };
                let particle = match (base_particle, own) {
                    (Some(base), Some(own)) => {
                        Some(Particle { kind: ParticleKind::Sequence(vec![base, own]), min: 1, max: Some(1) })
                    }
                    (base, own) => own.or(base),
                };
                *mixed = *mixed || base_type.mixed;
                let (content, particle) = self.content_of(doc, derivation, particle.map(Model::Particle), *mixed)?;
                Ok((attributes, wildcard, content, particle))
            }
            "restriction" => {
                let (content, particle) = self.content_of(doc, derivation, model, *mixed)?;
                Ok((attributes, wildcard, content, particle))
            }
            other => Err(self.invalid(doc, derivation, &format!("unexpected xs:{other} in xs:complexContent"))),
        }
    }

    fn content_of(
        &mut self,
        doc: usize,
        node: Node<'d, 'a>,
        model: Option<Model>,
        mixed: bool,
    ) -> Result<(Content, Option<Particle>), XsdError> {
        match model {
            Some(Model::All(group)) => Ok((Content::All(group), None)),
            Some(Model::Particle(particle)) => {
                let automaton =
                    Automaton::build(Some(&particle)).map_err(|message| self.invalid(doc, node, &message))?;
                if automaton.is_empty() && !mixed {
                    return Ok((Content::Empty, Some(particle)));
                }
                Ok((Content::Elements(automaton), Some(particle)))
            }
            None if mixed => Ok((Content::Elements(Automaton::empty()), None)),
            None => Ok((Content::Empty, None)),
        }
    }

    /// The model group child of a complex type or derivation, if any.
    fn model_of(&mut self, doc: usize, parent: Node<'d, 'a>) -> Result<Option<Model>, XsdError> {
        let Some(group) =
            xs_children(parent).find(|c| matches!(c.tag_name().name(), "sequence" | "choice" | "all" | "group"))
        else {
            return Ok(None);
        };
        self.model(doc, group, 0)
    }

    fn occurs(&self, doc: usize, node: Node<'_, '_>) -> Result<(u32, Option<u32>), XsdError> {
        let min = match node.attribute("minOccurs") {
            Some(value) => value.trim().parse::<u32>().map_err(|_| self.invalid(doc, node, "bad minOccurs"))?,
            None => 1,
        };
        let max = match node.attribute("maxOccurs").map(str::trim) {
            Some("unbounded") => None,
            Some(value) => Some(value.parse::<u32>().map_err(|_| self.invalid(doc, node, "bad maxOccurs"))?),
            None => Some(1),
        };
        Ok((min, max))
    }

    /// Compiles a particle: element, any, sequence, choice, all or group reference.
    fn model(&mut self, doc: usize, node: Node<'d, 'a>, depth: u32) -> Result<Option<Model>, XsdError> {
        if depth > MAX_GROUP_DEPTH {
            return Err(self.invalid(doc, node, "model groups nested too deeply"));
        }
        let (min, max) = self.occurs(doc, node)?;
        let kind = match node.tag_name().name() {
            "element" => {
                let id = match node.attribute("ref") {
                    Some(reference) => {
                        let name = self.name_of(doc, node, reference)?;
                        match self.global_elements.get(&name) {
                            Some(id) => *id,
                            None => {
                                return Err(self.invalid(
                                    doc,
                                    node,
                                    &format!("unknown element `{reference}` (is its schema imported?)"),
                                ));
                            }
                        }
                    }
                    None => {
                        let decl = self.element_declaration(doc, node, false)?;
                        self.elements.push(decl);
                        (self.elements.len() - 1) as ElementId
                    }
                };
                ParticleKind::Term(Term::Element(id))
            }
            "any" => ParticleKind::Term(Term::Any(self.wildcard(doc, node)?)),
            "sequence" | "choice" => {
                let mut items = Vec::new();
                for child in xs_children(node) {
                    match self.model(doc, child, depth + 1)? {
                        Some(Model::Particle(particle)) => items.push(particle),
                        Some(Model::All(_)) => {
                            return Err(self.invalid(doc, child, "xs:all must be the whole content model"));
                        }
                        None => {}
                    }
                }
                if node.tag_name().name() == "sequence" {
                    ParticleKind::Sequence(items)
                } else {
                    ParticleKind::Choice(items)
                }
            }
            "group" => {
                let Some(reference) = node.attribute("ref") else {
                    return Err(self.invalid(doc, node, "local xs:group without ref"));
                };
                let name = self.name_of(doc, node, reference)?;
                let Some(&(group_doc, group)) = self.group_nodes.get(&name) else {
                    return Err(self.invalid(doc, node, &format!("unknown group `{reference}`")));
                };
                let Some(inner) = xs_children(group).next() else { return Ok(None) };
                return match self.model(group_doc, inner, depth + 1)? {
                    Some(Model::Particle(particle)) => {
                        Ok(Some(Model::Particle(Particle { kind: particle.kind, min, max })))
                    }
                    other => Ok(other),
                };
            }
            "all" => {
                let mut items = Vec::new();
                for child in xs_children(node) {
                    let (item_min, item_max) = self.occurs(doc, child)?;
                    match self.model(doc, child, depth + 1)? {
                        Some(Model::Particle(Particle { kind: ParticleKind::Term(term), .. })) => {
                            items.push(AllItem { term, min: item_min, max: item_max.unwrap_or(u32::MAX) });
                        }
                        None => {}
                        Some(_) => return Err(self.unsupported(doc, child, "a model group inside xs:all")),
                    }
                }
                if max == Some(0) {
                    return Ok(None);
                }
                return Ok(Some(Model::All(AllGroup { items, min: min.min(1) })));
            }
            "attribute" | "attributeGroup" | "anyAttribute" | "assert" | "simpleContent" | "complexContent" => {
                return Ok(None);
            }
            other => return Err(self.unsupported(doc, node, &format!("xs:{other} in a content model"))),
        };
        Ok(Some(Model::Particle(Particle { kind, min, max })))
    }

    fn wildcard(&mut self, doc: usize, node: Node<'_, '_>) -> Result<Wildcard, XsdError> {
        let info = self.doc_info(doc);
        let namespaces = match node.attribute("namespace").map(str::trim).unwrap_or("##any") {
            "##any" => NamespaceConstraint::Any,
            "##other" => NamespaceConstraint::Not(vec![info.target, NO_NAMESPACE]),
            list => {
                let mut allowed = Vec::new();
                for token in list.split_whitespace() {
                    allowed.push(match token {
                        "##targetNamespace" => info.target,
                        "##local" => NO_NAMESPACE,
                        uri => self.names.intern_namespace(uri),
                    });
                }
                NamespaceConstraint::Only(allowed)
            }
        };
        if node.attribute("notNamespace").is_some() || node.attribute("notQName").is_some() {
            return Err(self.unsupported(doc, node, "notNamespace / notQName"));
        }
        let process = match node.attribute("processContents").map(str::trim) {
            None | Some("strict") => Process::Strict,
            Some("lax") => Process::Lax,
            Some("skip") => Process::Skip,
            Some(other) => return Err(self.invalid(doc, node, &format!("unknown processContents `{other}`"))),
        };
        Ok(Wildcard { namespaces, process })
    }

    // ---- attributes ----

    /// Collects the attribute uses, attribute group references and attribute wildcard
    /// under `parent`.
    fn attributes(
        &mut self,
        doc: usize,
        parent: Node<'d, 'a>,
        drafts: &mut Vec<AttributeDraft>,
        wildcard: &mut Option<Wildcard>,
        depth: u32,
    ) -> Result<(), XsdError> {
        if depth > MAX_DEPTH {
            return Err(self.invalid(doc, parent, "attribute groups nested too deeply"));
        }
        for child in xs_children(parent) {
            match child.tag_name().name() {
                "attribute" => {
                    let draft = self.attribute_use(doc, child, false)?;
                    drafts.retain(|d| d.use_.name != draft.use_.name);
                    drafts.push(draft);
                }
                "attributeGroup" => {
                    let Some(reference) = child.attribute("ref") else {
                        return Err(self.invalid(doc, child, "local xs:attributeGroup without ref"));
                    };
                    let name = self.name_of(doc, child, reference)?;
                    let Some(&(group_doc, group)) = self.attribute_group_nodes.get(&name) else {
                        return Err(self.invalid(doc, child, &format!("unknown attribute group `{reference}`")));
                    };
                    self.attributes(group_doc, group, drafts, wildcard, depth + 1)?;
                }
                "anyAttribute" => {
                    let own = self.wildcard(doc, child)?;
                    // A wildcard from a group and a local one: XSD intersects them; the
                    // schemas we meet have at most one, so the first one stands.
                    if wildcard.is_none() {
                        *wildcard = Some(own);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn attribute_use(&mut self, doc: usize, node: Node<'d, 'a>, global: bool) -> Result<AttributeDraft, XsdError> {
        let info = self.doc_info(doc);
        let use_ = node.attribute("use").map(str::trim).unwrap_or("optional");
        let (required, prohibited) = match use_ {
            "optional" => (false, false),
            "required" => (true, false),
            "prohibited" => (false, true),
            other => return Err(self.invalid(doc, node, &format!("unknown use `{other}`"))),
        };
        let fixed = node.attribute("fixed").map(Into::into);
        if let Some(reference) = node.attribute("ref") {
            let name = self.name_of(doc, node, reference)?;
            let decl = match self.global_attributes.get(&name) {
                Some(decl) => decl.clone(),
                None => match self.attribute_nodes.get(&name).copied() {
                    Some((decl_doc, decl_node)) => {
                        let draft = self.attribute_use(decl_doc, decl_node, true)?;
                        AttributeDecl { ty: draft.use_.ty, fixed: draft.use_.fixed }
                    }
                    None => return Err(self.invalid(doc, node, &format!("unknown attribute `{reference}`"))),
                },
            };
            return Ok(AttributeDraft {
                use_: AttributeUse { name, ty: decl.ty, required, fixed: fixed.or(decl.fixed) },
                prohibited,
            });
        }
        let Some(local) = node.attribute("name") else {
            return Err(self.invalid(doc, node, "xs:attribute without a name or ref"));
        };
        let qualified = global
            || match node.attribute("form") {
                Some(form) => form == "qualified",
                None => info.attributes_qualified,
            };
        let ns = if qualified { info.target } else { NO_NAMESPACE };
        let name = self.names.intern(ns, local);
        let ty = match (node.attribute("type"), xs_children(node).find(|c| is_xs(*c, "simpleType"))) {
            (Some(ty), _) => self.simple_type_ref(doc, node, ty, 0)?,
            (None, Some(inline)) => self.simple_type(doc, inline, Some(format!("type of attribute `{local}`")), 0)?,
            (None, None) => self.builtin(Builtin::AnySimpleType),
        };
        Ok(AttributeDraft { use_: AttributeUse { name, ty, required, fixed }, prohibited })
    }
}

/// The attribute uses of a derived type: the base's, overridden by same-named own ones,
/// without the prohibited ones.
fn merge_attributes(base: Vec<AttributeUse>, own: Vec<AttributeDraft>) -> Vec<AttributeUse> {
    let mut merged: Vec<AttributeUse> =
        base.into_iter().filter(|b| !own.iter().any(|o| o.use_.name == b.name)).collect();
    merged.extend(own.into_iter().filter(|o| !o.prohibited).map(|o| o.use_));
    merged
}
