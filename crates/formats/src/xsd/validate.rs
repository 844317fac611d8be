//! Validation of an instance document against a [`SchemaSet`].
//!
//! One depth-first walk with an explicit stack (no recursion, depth capped at
//! [`MAX_DEPTH`]): each element with element content gets a frame holding its content
//! model's state, and each child moves that state one step. Paths are built only when a
//! problem is recorded, from the node's ancestors, so the walk itself allocates nothing
//! per node beyond its stack frame.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use roxmltree::{Attribute, Children, Document, Node, NodeId, NodeType};

use super::identity::{self, Finding, Place};
use super::model::{
    ComplexId, ComplexType, Content, ElementId, NO_NAMESPACE, NsId, Process, SchemaSet, TypeRef, XML_NAMESPACE,
};
use super::types::{IdKind, SimpleId, check_value, is_xml_space, normalize, shorten};
use super::{MAX_DEPTH, MAX_PROBLEMS};
use crate::sbom::Problem;
use crate::xsd::automaton::Term;

/// Validates `doc` against `set`.
pub(crate) fn validate(set: &SchemaSet, doc: &Document<'_>) -> Vec<Problem> {
    let mut validator = Validator {
        set,
        problems: Vec::new(),
        full: false,
        ids: HashMap::new(),
        idrefs: Vec::new(),
        last_namespace: Cell::new((0, 0, NO_NAMESPACE)),
        paths: Paths::default(),
    };
    validator.run(doc);
    validator.problems
}

struct Validator<'s, 'a, 'input> {
    set: &'s SchemaSet,
    problems: Vec<Problem>,
    full: bool,
    ids: HashMap<Cow<'a, str>, Place<'a, 'input>>,
    idrefs: Vec<(Cow<'a, str>, Place<'a, 'input>)>,
    /// The last namespace URI looked up (address, length) and its id.
    last_namespace: Cell<(usize, usize, NsId)>,
    paths: Paths,
}

struct Frame<'a, 'input> {
    node: Node<'a, 'input>,
    children: Children<'a, 'input>,
    depth: u32,
    kind: FrameKind,
    text_reported: bool,
}

enum FrameKind {
    /// Element content of complex type `ty`, its automaton in `state`; `broken` once a
    /// child did not fit (the end of the content is then not checked again).
    Model { ty: ComplexId, state: u32, broken: bool },
    /// `xs:all` content of complex type `ty`: how often each item was seen.
    All { ty: ComplexId, counts: Vec<u32> },
    /// An element without a declaration, under a lax wildcard: children are checked only
    /// if they have global declarations.
    Lax,
}

/// What to do with a child element.
enum Action {
    Element(ElementId),
    Lax,
    Skip,
    /// Not allowed here: the message.
    Unexpected(String),
    /// Not allowed here (the message), but declared elsewhere in the content model: its
    /// content is checked against that declaration.
    Misplaced(String, ElementId),
}

impl<'s, 'a, 'input> Validator<'s, 'a, 'input> {
    fn run(&mut self, doc: &'a Document<'input>) {
        let root = doc.root_element();
        let ns = self.namespace_of(root);
        let declared =
            if ns == self.set.main_namespace { self.set.global_element(ns, root.tag_name().name()) } else { None };
        let Some(decl) = declared else {
            let expected = self.root_names();
            let found = match root.tag_name().namespace() {
                Some(uri) => format!("`{}` in namespace `{uri}`", root.tag_name().name()),
                None => format!("`{}` in no namespace", root.tag_name().name()),
            };
            self.report(
                "xml-schema-root",
                format!("/{}", root.tag_name().name()),
                format!(
                    "the root element is {found}; expected {} in namespace `{}`",
                    expected,
                    self.set.names.namespace_uri(self.set.main_namespace)
                ),
            );
            return;
        };
        let mut stack: Vec<Frame<'a, 'input>> = Vec::new();
        if let Some(frame) = self.enter(root, decl, 1) {
            stack.push(frame);
        }
        while !self.full {
            let Some(frame) = stack.last_mut() else { break };
            let Some(child) = frame.children.next() else {
                if let Some(frame) = stack.pop() {
                    self.leave(&frame);
                }
                continue;
            };
            match child.node_type() {
                NodeType::Element => {
                    let depth = frame.depth + 1;
                    let action = self.step(frame, child);
                    if depth > MAX_DEPTH {
                        if !matches!(action, Action::Skip) {
                            let path = self.paths.element(child);
                            self.report(
                                "xml-schema-too-deep",
                                path,
                                format!("elements nested deeper than {MAX_DEPTH} levels are not validated"),
                            );
                            // One problem per too-deep subtree is enough: leave the parent too.
                            stack.truncate(stack.len().saturating_sub(1));
                        }
                        continue;
                    }
                    let next = match action {
                        Action::Element(id) => self.enter(child, id, depth),
                        Action::Lax => self.enter_lax(child, depth),
                        Action::Skip => None,
                        Action::Unexpected(message) => {
                            self.report("xml-schema-unexpected-element", self.paths.element(child), message);
                            None
                        }
                        Action::Misplaced(message, id) => {
                            self.report("xml-schema-unexpected-element", self.paths.element(child), message);
                            self.enter(child, id, depth)
                        }
                    };
                    if let Some(next) = next {
                        stack.push(next);
                    }
                }
                NodeType::Text => {
                    let allows_text = match frame.kind {
                        FrameKind::Lax => true,
                        FrameKind::Model { ty, .. } | FrameKind::All { ty, .. } => {
                            self.set.complex_type(ty).is_some_and(|t| t.mixed)
                        }
                    };
                    let text = child.text().unwrap_or("");
                    if !allows_text && !frame.text_reported && !text.chars().all(is_xml_space) {
                        frame.text_reported = true;
                        let node = frame.node;
                        self.report(
                            "xml-schema-text",
                            self.paths.element(node),
                            format!(
                                "text `{}` is not allowed in `{}`, which holds only elements",
                                shorten(text.trim()),
                                node.tag_name().name()
                            ),
                        );
                    }
                }
                _ => {}
            }
        }
        if !self.full {
            self.check_idrefs();
        }
    }

    fn root_names(&self) -> String {
        let mut names: Vec<String> = self
            .set
            .global_elements
            .keys()
            .filter(|name| self.set.names.namespace_of(**name) == self.set.main_namespace)
            .map(|name| format!("`{}`", self.set.names.local(*name)))
            .collect();
        names.sort();
        names.join(" or ")
    }

    fn namespace_of(&self, node: Node<'_, '_>) -> NsId {
        match node.tag_name().namespace() {
            // roxmltree keeps one copy of each namespace URI, so the pointer of the last
            // one seen identifies it without comparing the text again.
            Some(uri) => {
                let (last_ptr, last_len, last_id) = self.last_namespace.get();
                if uri.as_ptr() as usize == last_ptr && uri.len() == last_len {
                    return last_id;
                }
                let id = self.set.names.namespace(uri);
                self.last_namespace.set((uri.as_ptr() as usize, uri.len(), id));
                id
            }
            None => NO_NAMESPACE,
        }
    }

    fn report(&mut self, code: &'static str, path: String, message: String) {
        if self.problems.len() >= MAX_PROBLEMS {
            self.full = true;
            return;
        }
        self.problems.push(Problem::error(code, path, message));
        if self.problems.len() >= MAX_PROBLEMS {
            self.full = true;
        }
    }

    /// Moves the frame's content model over `child` and says what to do with it.
    fn step(&self, frame: &mut Frame<'a, 'input>, child: Node<'a, 'input>) -> Action {
        let set = self.set;
        let ns = self.namespace_of(child);
        let local = child.tag_name().name();
        let name = set.names.lookup(ns, local);
        let parent = frame.node.tag_name().name();
        match &mut frame.kind {
            FrameKind::Lax => match set.global_element(ns, local) {
                Some(id) => Action::Element(id),
                None => Action::Lax,
            },
            FrameKind::Model { ty, state, broken } => {
                let Some(Content::Elements(automaton)) = set.complex_type(*ty).map(|t| &t.content) else {
                    return Action::Skip;
                };
                match automaton.step(*state, name, ns, &set.elements) {
                    Some(step) => {
                        *state = step.state;
                        self.action_for(step.term, ns, local)
                    }
                    None => {
                        let before = *state;
                        *broken = true;
                        let resynced = automaton.resync(name, ns, &set.elements);
                        let action = match &resynced {
                            Some(step) => {
                                *state = step.state;
                                Some(self.action_for(step.term, ns, local))
                            }
                            None => None,
                        };
                        let state = before;
                        let mut expected = automaton.expected(state, &set.elements, &set.names, set.main_namespace);
                        if automaton.accepts(state) {
                            expected.push(format!("the end of `{parent}`"));
                        }
                        let expected =
                            if expected.is_empty() { "no child elements".to_string() } else { one_of(&expected) };
                        let message = format!(
                            "unexpected element `{}` in `{parent}`; expected {expected}",
                            self.display_name(child)
                        );
                        match action {
                            Some(Action::Element(id)) => Action::Misplaced(message, id),
                            _ => Action::Unexpected(message),
                        }
                    }
                }
            }
            FrameKind::All { ty, counts } => {
                let Some(Content::All(group)) = set.complex_type(*ty).map(|t| &t.content) else {
                    return Action::Skip;
                };
                let found = group.items.iter().position(|item| match &item.term {
                    Term::Element(id) => name.is_some_and(|n| set.element(*id).is_some_and(|d| d.name == n)),
                    Term::Any(wildcard) => wildcard.allows(ns),
                });
                let Some(at) = found else {
                    return Action::Unexpected(format!(
                        "unexpected element `{}` in `{parent}`, which allows only its declared children",
                        self.display_name(child)
                    ));
                };
                let (Some(count), Some(item)) = (counts.get_mut(at), group.items.get(at)) else { return Action::Skip };
                *count += 1;
                if *count > item.max {
                    return Action::Unexpected(format!(
                        "element `{}` appears more than {} time(s) in `{parent}`",
                        self.display_name(child),
                        item.max
                    ));
                }
                self.action_for(&item.term, ns, local)
            }
        }
    }

    fn action_for(&self, term: &Term, ns: NsId, local: &str) -> Action {
        match term {
            Term::Element(id) => Action::Element(*id),
            Term::Any(wildcard) => match wildcard.process {
                Process::Skip => Action::Skip,
                Process::Lax => match self.set.global_element(ns, local) {
                    Some(id) => Action::Element(id),
                    None => Action::Lax,
                },
                Process::Strict => match self.set.global_element(ns, local) {
                    Some(id) => Action::Element(id),
                    None => Action::Unexpected(format!(
                        "element `{local}` matches a strict wildcard but no schema in the set declares it"
                    )),
                },
            },
        }
    }

    /// Checks what can be checked on entering `node` (declared as `decl`): attributes,
    /// simple content, identity constraints, assertions. Returns a frame if the element
    /// has element content to walk.
    fn enter(&mut self, node: Node<'a, 'input>, decl: ElementId, depth: u32) -> Option<Frame<'a, 'input>> {
        let set = self.set;
        let decl = set.element(decl)?;
        let nil = self.check_nil(node, decl.nillable);
        let mut frame = None;
        match decl.ty {
            TypeRef::Simple(simple) => {
                self.no_attributes(node);
                self.simple_content(node, simple, decl.default.as_deref(), decl.fixed.as_deref(), nil);
            }
            TypeRef::Complex(ty) => {
                let complex = set.complex_type(ty)?;
                self.check_attributes(node, complex);
                match &complex.content {
                    Content::Empty => self.empty_content(node, complex),
                    Content::Simple(simple) => {
                        self.simple_content(node, *simple, decl.default.as_deref(), decl.fixed.as_deref(), nil);
                    }
                    Content::Elements(_) if nil => self.nil_content(node),
                    Content::All(_) if nil => self.nil_content(node),
                    Content::Elements(_) => {
                        frame = Some(FrameKind::Model { ty, state: 0, broken: false });
                    }
                    Content::All(group) => {
                        frame = Some(FrameKind::All { ty, counts: vec![0; group.items.len()] });
                    }
                }
                for assertion in &complex.asserts {
                    if !assertion.holds(node) {
                        let label = assertion.id.as_deref().map(|id| format!(" `{id}`")).unwrap_or_default();
                        self.report(
                            "xml-schema-assert",
                            self.paths.element(node),
                            format!("assertion{label} of `{}` does not hold: {}", complex.name, assertion.test),
                        );
                    }
                }
            }
        }
        if !decl.identities.is_empty() {
            let mut findings = Vec::new();
            for id in &decl.identities {
                if let Some(identity) = set.identities.get(*id as usize) {
                    identity::check(&set.identities, identity, node, &mut findings);
                }
            }
            for finding in findings {
                self.report_finding(finding);
            }
        }
        frame.map(|kind| Frame { node, children: node.children(), depth, kind, text_reported: false })
    }

    fn enter_lax(&mut self, node: Node<'a, 'input>, depth: u32) -> Option<Frame<'a, 'input>> {
        let set = self.set;
        for attribute in node.attributes() {
            let ns = attribute.namespace().map_or(NO_NAMESPACE, |uri| set.names.namespace(uri));
            if let Some(decl) = set.names.lookup(ns, attribute.name()).and_then(|n| set.global_attributes.get(&n)) {
                self.attribute_value(node, attribute, decl.ty, decl.fixed.as_deref());
            }
        }
        Some(Frame { node, children: node.children(), depth, kind: FrameKind::Lax, text_reported: false })
    }

    fn leave(&mut self, frame: &Frame<'a, 'input>) {
        let set = self.set;
        match &frame.kind {
            FrameKind::Lax => {}
            FrameKind::Model { ty, state, broken } => {
                let Some(Content::Elements(automaton)) = set.complex_type(*ty).map(|t| &t.content) else { return };
                if !*broken && !automaton.accepts(*state) {
                    let expected = automaton.expected(*state, &set.elements, &set.names, set.main_namespace);
                    let what = if *state == 0 { "has no child elements" } else { "ends too early" };
                    self.report(
                        "xml-schema-missing-element",
                        self.paths.element(frame.node),
                        format!("`{}` {what}; expected {}", frame.node.tag_name().name(), one_of(&expected)),
                    );
                }
            }
            FrameKind::All { ty, counts } => {
                let Some(Content::All(group)) = set.complex_type(*ty).map(|t| &t.content) else { return };
                let any_seen = counts.iter().any(|c| *c > 0);
                if !any_seen && group.min == 0 {
                    return;
                }
                let missing: Vec<String> = group
                    .items
                    .iter()
                    .zip(counts)
                    .filter(|(item, count)| **count < item.min)
                    .filter_map(|(item, _)| match &item.term {
                        Term::Element(id) => {
                            set.element(*id).map(|d| format!("`{}`", set.names.display(d.name, set.main_namespace)))
                        }
                        Term::Any(wildcard) => Some(wildcard.describe(&set.names)),
                    })
                    .collect();
                if !missing.is_empty() {
                    self.report(
                        "xml-schema-missing-element",
                        self.paths.element(frame.node),
                        format!("`{}` lacks {}", frame.node.tag_name().name(), missing.join(", ")),
                    );
                }
            }
        }
    }

    /// `xsi:nil`: whether the element is nil; a problem if it may not be.
    fn check_nil(&mut self, node: Node<'a, 'input>, nillable: bool) -> bool {
        let Some(attribute) =
            node.attributes().find(|a| a.namespace() == Some(super::model::XSI_NAMESPACE) && a.name() == "nil")
        else {
            return false;
        };
        let nil = matches!(attribute.value().trim(), "true" | "1");
        if nil && !nillable {
            self.report(
                "xml-schema-unexpected-attribute",
                self.paths.attribute(node, attribute),
                format!("`{}` is not nillable, so xsi:nil is not allowed", node.tag_name().name()),
            );
            return false;
        }
        nil
    }

    fn nil_content(&mut self, node: Node<'a, 'input>) {
        if node.children().any(|c| c.is_element() || (c.is_text() && !c.text().unwrap_or("").chars().all(is_xml_space)))
        {
            self.report(
                "xml-schema-unexpected-element",
                self.paths.element(node),
                format!("`{}` has xsi:nil=\"true\" and must be empty", node.tag_name().name()),
            );
        }
    }

    /// An element of simple type: only xsi attributes.
    fn no_attributes(&mut self, node: Node<'a, 'input>) {
        let xsi = Some(super::model::XSI_NAMESPACE);
        for attribute in node.attributes().filter(|a| a.namespace() != xsi) {
            self.report(
                "xml-schema-unexpected-attribute",
                self.paths.attribute(node, attribute),
                format!(
                    "attribute `{}` is not allowed: `{}` has a simple type and takes no attributes",
                    attribute_name(node, attribute),
                    node.tag_name().name()
                ),
            );
            if self.full {
                return;
            }
        }
    }

    fn empty_content(&mut self, node: Node<'a, 'input>, complex: &ComplexType) {
        for child in node.children() {
            if child.is_element() {
                self.report(
                    "xml-schema-unexpected-element",
                    self.paths.element(child),
                    format!(
                        "unexpected element `{}`: `{}` must be empty",
                        self.display_name(child),
                        node.tag_name().name()
                    ),
                );
                return;
            }
            if child.is_text() && !complex.mixed && !child.text().unwrap_or("").chars().all(is_xml_space) {
                self.report(
                    "xml-schema-text",
                    self.paths.element(node),
                    format!("text is not allowed in `{}`, which must be empty", node.tag_name().name()),
                );
                return;
            }
        }
    }

    /// Text content of simple type `simple`: no child elements; the value checked.
    fn simple_content(
        &mut self,
        node: Node<'a, 'input>,
        simple: SimpleId,
        default: Option<&str>,
        fixed: Option<&str>,
        nil: bool,
    ) {
        if let Some(child) = node.children().find(Node::is_element) {
            self.report(
                "xml-schema-unexpected-element",
                self.paths.element(child),
                format!(
                    "unexpected element `{}`: `{}` holds only text",
                    self.display_name(child),
                    node.tag_name().name()
                ),
            );
            return;
        }
        let text = text_of(node);
        if nil {
            if !text.is_empty() {
                self.nil_content(node);
            }
            return;
        }
        // An empty element with a default takes the default, which the schema made valid.
        if text.is_empty() && (default.is_some() || fixed.is_some()) {
            return;
        }
        let place = Place { element: node, attribute: None };
        if self.check_simple(simple, text, place)
            && let Some(fixed) = fixed
        {
            self.check_fixed(simple, text_of(node).as_ref(), fixed, place);
        }
    }

    fn check_attributes(&mut self, node: Node<'a, 'input>, complex: &ComplexType) {
        let set = self.set;
        for attribute in node.attributes() {
            let ns = attribute.namespace().map_or(NO_NAMESPACE, |uri| set.names.namespace(uri));
            if ns == set.xsi_namespace {
                continue;
            }
            let name = set.names.lookup(ns, attribute.name());
            if let Some(found) = name.and_then(|n| complex.attributes.iter().find(|u| u.name == n)) {
                self.attribute_value(node, attribute, found.ty, found.fixed.as_deref());
                continue;
            }
            let global = name.and_then(|n| set.global_attributes.get(&n));
            match &complex.attribute_wildcard {
                Some(wildcard) if wildcard.allows(ns) => match (wildcard.process, global) {
                    (Process::Skip, _) => {}
                    (_, Some(decl)) => self.attribute_value(node, attribute, decl.ty, decl.fixed.as_deref()),
                    (Process::Lax, None) => {}
                    (Process::Strict, None) => self.report(
                        "xml-schema-unexpected-attribute",
                        self.paths.attribute(node, attribute),
                        format!(
                            "attribute `{}` matches a strict wildcard but no schema in the set declares it",
                            attribute_name(node, attribute)
                        ),
                    ),
                },
                _ => {
                    let allowed: Vec<String> = complex
                        .attributes
                        .iter()
                        .map(|u| format!("`{}`", set.names.display(u.name, set.main_namespace)))
                        .collect();
                    let allowed = if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") };
                    self.report(
                        "xml-schema-unexpected-attribute",
                        self.paths.attribute(node, attribute),
                        format!(
                            "attribute `{}` is not allowed on `{}`; allowed: {allowed}",
                            attribute_name(node, attribute),
                            node.tag_name().name()
                        ),
                    );
                }
            }
            if self.full {
                return;
            }
        }
        for required in complex.attributes.iter().filter(|u| u.required) {
            let ns = set.names.namespace_of(required.name);
            let local = set.names.local(required.name);
            let present = node
                .attributes()
                .any(|a| a.name() == local && a.namespace().map_or(NO_NAMESPACE, |uri| set.names.namespace(uri)) == ns);
            if !present {
                self.report(
                    "xml-schema-missing-attribute",
                    self.paths.element(node),
                    format!("required attribute `{local}` is missing on `{}`", node.tag_name().name()),
                );
            }
        }
    }

    fn attribute_value(
        &mut self,
        node: Node<'a, 'input>,
        attribute: Attribute<'a, 'input>,
        ty: SimpleId,
        fixed: Option<&str>,
    ) {
        let place = Place { element: node, attribute: Some(attribute) };
        if self.check_simple(ty, Cow::Borrowed(attribute.value()), place)
            && let Some(fixed) = fixed
        {
            self.check_fixed(ty, attribute.value(), fixed, place);
        }
    }

    /// Checks a value; records IDs and IDREFs. Returns whether it is valid.
    fn check_simple(&mut self, ty: SimpleId, value: Cow<'a, str>, place: Place<'a, 'input>) -> bool {
        let set = self.set;
        match check_value(&set.simple, ty, &value) {
            Ok(()) => {
                let id_kind = set.simple.get(ty as usize).map_or(IdKind::None, |t| t.id_kind);
                match id_kind {
                    IdKind::None => {}
                    IdKind::Id => {
                        let key = own_collapsed(value);
                        if let Some(first) = self.ids.get(&key) {
                            let first = self.paths.place(*first);
                            self.report(
                                "xml-schema-unique",
                                self.paths.place(place),
                                format!("duplicate ID `{key}` (first at {first})"),
                            );
                        } else {
                            self.ids.insert(key, place);
                        }
                    }
                    IdKind::IdRef => {
                        for word in value.split(is_xml_space).filter(|w| !w.is_empty()) {
                            self.idrefs.push((Cow::Owned(word.to_string()), place));
                        }
                    }
                }
                true
            }
            Err(error) => {
                let facet = match error.facet {
                    "lexical" | "type" | "union" => String::new(),
                    facet => format!(" (facet `{facet}`)"),
                };
                self.report("xml-schema-value", self.paths.place(place), format!("{}{facet}", error.message));
                false
            }
        }
    }

    fn check_fixed(&mut self, ty: SimpleId, value: &str, fixed: &str, place: Place<'a, 'input>) {
        let white_space = self.set.simple.get(ty as usize).map(|t| t.white_space);
        let same = match white_space {
            Some(mode) => normalize(value, mode) == normalize(fixed, mode),
            None => value == fixed,
        };
        if !same {
            self.report(
                "xml-schema-value",
                self.paths.place(place),
                format!("`{}` differs from the fixed value `{fixed}` (facet `fixed`)", shorten(value)),
            );
        }
    }

    fn check_idrefs(&mut self) {
        let idrefs = std::mem::take(&mut self.idrefs);
        for (value, place) in idrefs {
            if !self.ids.contains_key(&value) {
                self.report(
                    "xml-schema-keyref",
                    self.paths.place(place),
                    format!("IDREF `{value}` matches no ID in the document"),
                );
            }
        }
    }

    fn report_finding(&mut self, finding: Finding<'a, 'input>) {
        let mut message = finding.message;
        if let Some(first) = finding.first {
            message.push_str(&format!(" (first at {})", self.paths.place(first)));
        }
        self.report(finding.code, self.paths.place(finding.place), message);
    }

    /// The element's name for messages: `local`, or `prefix:local` outside the main
    /// namespace.
    fn display_name(&self, node: Node<'_, '_>) -> String {
        element_segment_name(node)
    }
}

fn own_collapsed(value: Cow<'_, str>) -> Cow<'_, str> {
    match value {
        Cow::Borrowed(b) => normalize(b, super::types::WhiteSpace::Collapse),
        Cow::Owned(o) => Cow::Owned(normalize(&o, super::types::WhiteSpace::Collapse).into_owned()),
    }
}

fn text_of<'a>(node: Node<'a, '_>) -> Cow<'a, str> {
    let mut texts = node.children().filter(Node::is_text).filter_map(|t| t.text());
    match (texts.next(), texts.next()) {
        (None, _) => Cow::Borrowed(""),
        (Some(one), None) => Cow::Borrowed(one),
        (Some(one), Some(two)) => {
            let mut all = String::from(one);
            all.push_str(two);
            texts.for_each(|t| all.push_str(t));
            Cow::Owned(all)
        }
    }
}

fn one_of(items: &[String]) -> String {
    const SHOWN: usize = 12;
    match items {
        [] => "nothing".to_string(),
        [one] => one.clone(),
        _ => {
            let shown = items.len().min(SHOWN);
            let head = items.get(..shown.saturating_sub(1)).unwrap_or_default().join(", ");
            let last = items.get(shown.saturating_sub(1)).cloned().unwrap_or_default();
            let more = if items.len() > SHOWN { format!(" (and {} more)", items.len() - SHOWN) } else { String::new() };
            format!("{head} or {last}{more}")
        }
    }
}

/// `local`, or `prefix:local` when the element is outside the root element's namespace
/// and has a prefix.
fn element_segment_name(node: Node<'_, '_>) -> String {
    let local = node.tag_name().name();
    let namespace = node.tag_name().namespace();
    let root_namespace = node.document().root_element().tag_name().namespace();
    match namespace {
        Some(uri) if namespace != root_namespace => match node.lookup_prefix(uri) {
            Some(prefix) if !prefix.is_empty() => format!("{prefix}:{local}"),
            _ => local.to_string(),
        },
        _ => local.to_string(),
    }
}

/// Builds XML paths for problems: `/bom/components/component[2]/hashes/hash[1]`, with the
/// 1-based position among same-named siblings where there are several. Positions are
/// counted once per parent (one pass over its children) and remembered, so that many
/// problems under one large parent cost one scan, not one each.
#[derive(Default)]
struct Paths {
    positions: RefCell<HashMap<NodeId, (u32, bool)>>,
}

impl Paths {
    fn element(&self, node: Node<'_, '_>) -> String {
        let mut segments = Vec::new();
        let mut current = Some(node);
        while let Some(element) = current {
            if element.is_element() {
                let name = element_segment_name(element);
                match self.position(element) {
                    (position, true) => segments.push(format!("{name}[{position}]")),
                    (_, false) => segments.push(name),
                }
            }
            current = element.parent();
        }
        segments.reverse();
        format!("/{}", segments.join("/"))
    }

    fn attribute(&self, node: Node<'_, '_>, attribute: Attribute<'_, '_>) -> String {
        format!("{}/@{}", self.element(node), attribute_name(node, attribute))
    }

    fn place(&self, place: Place<'_, '_>) -> String {
        match place.attribute {
            Some(attribute) => self.attribute(place.element, attribute),
            None => self.element(place.element),
        }
    }

    /// (1-based position among same-named siblings, whether there are several).
    fn position(&self, element: Node<'_, '_>) -> (u32, bool) {
        if let Some(found) = self.positions.borrow().get(&element.id()) {
            return *found;
        }
        let Some(parent) = element.parent() else { return (1, false) };
        let siblings: Vec<Node<'_, '_>> = parent.children().filter(Node::is_element).collect();
        let mut counts: HashMap<(Option<&str>, &str), u32> = HashMap::new();
        let mut numbered = Vec::with_capacity(siblings.len());
        for sibling in &siblings {
            let count = counts.entry((sibling.tag_name().namespace(), sibling.tag_name().name())).or_insert(0);
            *count += 1;
            numbered.push(*count);
        }
        let mut positions = self.positions.borrow_mut();
        for (sibling, position) in siblings.iter().zip(numbered) {
            let total = counts.get(&(sibling.tag_name().namespace(), sibling.tag_name().name())).copied().unwrap_or(1);
            positions.insert(sibling.id(), (position, total > 1));
        }
        positions.get(&element.id()).copied().unwrap_or((1, false))
    }
}

fn attribute_name(node: Node<'_, '_>, attribute: Attribute<'_, '_>) -> String {
    match attribute.namespace() {
        Some(XML_NAMESPACE) => format!("xml:{}", attribute.name()),
        Some(uri) => match node.lookup_prefix(uri) {
            Some(prefix) if !prefix.is_empty() => format!("{prefix}:{}", attribute.name()),
            _ => attribute.name().to_string(),
        },
        None => attribute.name().to_string(),
    }
}
