//! The compiled schema set: declarations and types in arenas, addressed by index, with
//! names interned so that the validator compares integers on the hot path.

use std::collections::HashMap;

use super::assert::Assert;
use super::automaton::{Automaton, Term};
use super::identity::Identity;
use super::types::{SimpleId, SimpleType};

pub(crate) type NsId = u32;
pub(crate) type NameId = u32;
pub(crate) type ElementId = u32;
pub(crate) type ComplexId = u32;
pub(crate) type IdentityId = u32;

/// The absent namespace (unqualified names).
pub(crate) const NO_NAMESPACE: NsId = 0;
/// A namespace no schema in the set mentions.
pub(crate) const UNKNOWN_NAMESPACE: NsId = u32::MAX;

pub(crate) const XS_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema";
pub(crate) const XSI_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema-instance";
pub(crate) const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// A compiled set of schemas: a main schema, the schemas it imports and any extension
/// schemas compiled with it. Build it once with [`SchemaSet::compile`] (or take a bundled
/// one from [`super::cyclonedx`] / [`super::swid_2015`]) and validate many documents.
#[derive(Debug)]
pub struct SchemaSet {
    pub(crate) names: Names,
    /// The main schema's target namespace: document roots must be global elements in it.
    pub(crate) main_namespace: NsId,
    pub(crate) elements: Vec<ElementDecl>,
    pub(crate) complex: Vec<ComplexType>,
    pub(crate) simple: Vec<SimpleType>,
    pub(crate) global_elements: HashMap<NameId, ElementId>,
    pub(crate) global_attributes: HashMap<NameId, AttributeDecl>,
    pub(crate) identities: Vec<Identity>,
    pub(crate) xsi_namespace: NsId,
}

/// Interned namespaces and (namespace, local name) pairs.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    namespaces: Vec<Box<str>>,
    by_namespace: Vec<HashMap<Box<str>, NameId>>,
    names: Vec<(NsId, Box<str>)>,
}

impl Default for Names {
    fn default() -> Self {
        Names { namespaces: vec!["".into()], by_namespace: vec![HashMap::new()], names: Vec::new() }
    }
}

impl Names {
    /// The id of namespace `uri`, [`UNKNOWN_NAMESPACE`] if no schema mentions it.
    pub(crate) fn namespace(&self, uri: &str) -> NsId {
        self.namespaces.iter().position(|known| known.as_ref() == uri).map_or(UNKNOWN_NAMESPACE, |at| at as NsId)
    }

    pub(crate) fn intern_namespace(&mut self, uri: &str) -> NsId {
        match self.namespace(uri) {
            UNKNOWN_NAMESPACE => {
                self.namespaces.push(uri.into());
                self.by_namespace.push(HashMap::new());
                (self.namespaces.len() - 1) as NsId
            }
            known => known,
        }
    }

    pub(crate) fn namespace_uri(&self, ns: NsId) -> &str {
        self.namespaces.get(ns as usize).map_or("", |uri| uri.as_ref())
    }

    pub(crate) fn intern(&mut self, ns: NsId, local: &str) -> NameId {
        if let Some(found) = self.lookup(ns, local) {
            return found;
        }
        let id = self.names.len() as NameId;
        self.names.push((ns, local.into()));
        if let Some(table) = self.by_namespace.get_mut(ns as usize) {
            table.insert(local.into(), id);
        }
        id
    }

    pub(crate) fn lookup(&self, ns: NsId, local: &str) -> Option<NameId> {
        self.by_namespace.get(ns as usize)?.get(local).copied()
    }

    pub(crate) fn namespace_of(&self, name: NameId) -> NsId {
        self.names.get(name as usize).map_or(UNKNOWN_NAMESPACE, |(ns, _)| *ns)
    }

    pub(crate) fn local(&self, name: NameId) -> &str {
        self.names.get(name as usize).map_or("", |(_, local)| local.as_ref())
    }

    /// `local`, `xml:local`, or `{namespace}local` for a name outside `main` and the absent
    /// namespace.
    pub(crate) fn display(&self, name: NameId, main: NsId) -> String {
        let ns = self.namespace_of(name);
        if ns == main || ns == NO_NAMESPACE {
            self.local(name).to_string()
        } else if self.namespace_uri(ns) == XML_NAMESPACE {
            format!("xml:{}", self.local(name))
        } else {
            format!("{{{}}}{}", self.namespace_uri(ns), self.local(name))
        }
    }
}

/// An element declaration, global or local.
#[derive(Debug, Clone)]
pub(crate) struct ElementDecl {
    pub(crate) name: NameId,
    pub(crate) ty: TypeRef,
    pub(crate) nillable: bool,
    pub(crate) default: Option<Box<str>>,
    pub(crate) fixed: Option<Box<str>>,
    pub(crate) identities: Vec<IdentityId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeRef {
    Complex(ComplexId),
    Simple(SimpleId),
}

/// A complex type with everything inherited from its base folded in.
#[derive(Debug, Clone)]
pub(crate) struct ComplexType {
    /// Name in messages.
    pub(crate) name: Box<str>,
    pub(crate) attributes: Vec<AttributeUse>,
    pub(crate) attribute_wildcard: Option<Wildcard>,
    pub(crate) content: Content,
    pub(crate) mixed: bool,
    pub(crate) asserts: Vec<Assert>,
}

#[derive(Debug, Clone)]
pub(crate) enum Content {
    /// No child elements, no text.
    Empty,
    /// Text of a simple type, no child elements.
    Simple(SimpleId),
    /// Child elements matched by an automaton (text too if the type is mixed).
    Elements(Automaton),
    /// `xs:all`: each element at most its maxOccurs times, in any order.
    All(AllGroup),
}

#[derive(Debug, Clone)]
pub(crate) struct AllGroup {
    pub(crate) items: Vec<AllItem>,
    /// 0 when the whole group may be absent.
    pub(crate) min: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct AllItem {
    pub(crate) term: Term,
    pub(crate) min: u32,
    pub(crate) max: u32,
}

/// An attribute allowed on a complex type.
#[derive(Debug, Clone)]
pub(crate) struct AttributeUse {
    pub(crate) name: NameId,
    pub(crate) ty: SimpleId,
    pub(crate) required: bool,
    pub(crate) fixed: Option<Box<str>>,
}

/// A global attribute declaration (for `ref=` and wildcards).
#[derive(Debug, Clone)]
pub(crate) struct AttributeDecl {
    pub(crate) ty: SimpleId,
    pub(crate) fixed: Option<Box<str>>,
}

/// `xs:any` / `xs:anyAttribute`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Wildcard {
    pub(crate) namespaces: NamespaceConstraint,
    pub(crate) process: Process,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NamespaceConstraint {
    Any,
    /// Any namespace but these (`##other`: the target namespace and the absent one).
    Not(Vec<NsId>),
    /// Only these ([`NO_NAMESPACE`] for `##local`).
    Only(Vec<NsId>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Process {
    Strict,
    Lax,
    Skip,
}

impl Wildcard {
    pub(crate) fn allows(&self, ns: NsId) -> bool {
        match &self.namespaces {
            NamespaceConstraint::Any => true,
            NamespaceConstraint::Not(excluded) => !excluded.contains(&ns),
            NamespaceConstraint::Only(allowed) => allowed.contains(&ns),
        }
    }

    /// The union of two attribute wildcards (complex type extension).
    pub(crate) fn union(&self, other: &Wildcard) -> Wildcard {
        use NamespaceConstraint::*;
        let namespaces = match (&self.namespaces, &other.namespaces) {
            (Any, _) | (_, Any) => Any,
            (Only(a), Only(b)) => {
                let mut all = a.clone();
                all.extend(b.iter().filter(|ns| !a.contains(ns)));
                Only(all)
            }
            (Not(a), Not(b)) => Not(a.iter().filter(|ns| b.contains(ns)).copied().collect()),
            (Not(excluded), Only(allowed)) | (Only(allowed), Not(excluded)) => {
                Not(excluded.iter().filter(|ns| !allowed.contains(ns)).copied().collect())
            }
        };
        Wildcard { namespaces, process: other.process }
    }

    /// In words, for messages.
    pub(crate) fn describe(&self, names: &Names) -> String {
        let list = |ids: &[NsId]| -> String {
            ids.iter()
                .map(|ns| match *ns {
                    NO_NAMESPACE => "no namespace".to_string(),
                    ns => format!("`{}`", names.namespace_uri(ns)),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &self.namespaces {
            NamespaceConstraint::Any => "any element".to_string(),
            NamespaceConstraint::Not(excluded) => format!("any element not in {}", list(excluded)),
            NamespaceConstraint::Only(allowed) => format!("any element in {}", list(allowed)),
        }
    }
}

impl SchemaSet {
    pub(crate) fn element(&self, id: ElementId) -> Option<&ElementDecl> {
        self.elements.get(id as usize)
    }

    pub(crate) fn complex_type(&self, id: ComplexId) -> Option<&ComplexType> {
        self.complex.get(id as usize)
    }

    /// The global element declared for (namespace, local name), if any.
    pub(crate) fn global_element(&self, ns: NsId, local: &str) -> Option<ElementId> {
        let name = self.names.lookup(ns, local)?;
        self.global_elements.get(&name).copied()
    }
}
