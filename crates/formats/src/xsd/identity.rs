//! Identity constraints: `xs:unique`, `xs:key` and `xs:keyref`, with the restricted XPath
//! of XML Schema 1.0 §3.11.6 in `xs:selector` and `xs:field`:
//! `.//`-prefixed or relative child paths of name tests (`a`, `p:a`, `*`, `p:*`, `.`),
//! alternatives with `|`, and a final `@attribute` step in fields.
//!
//! Deviation: tuples are compared by their whitespace-collapsed string values, not their
//! typed values (`1.0` and `1` differ); all the constraints we meet are on string types.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use roxmltree::Node;

use super::types::{WhiteSpace, is_xml_space, normalize};

/// A compiled identity constraint.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub(crate) name: Box<str>,
    pub(crate) kind: IdentityKind,
    pub(crate) selector: Vec<Path>,
    pub(crate) fields: Vec<Vec<Path>>,
    /// For a keyref, the key or unique constraint it refers to.
    pub(crate) refer: Option<u32>,
    /// The keyref's `refer` QName until it is resolved.
    pub(crate) refer_name: Option<(Box<str>, Box<str>)>,
    /// The constraint's own qualified name (namespace, local).
    pub(crate) qualified: (Box<str>, Box<str>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdentityKind {
    Unique,
    Key,
    KeyRef,
}

/// One alternative of a selector or field path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Path {
    /// Starts with `.//`.
    pub(crate) descendants: bool,
    pub(crate) steps: Vec<Test>,
    /// A final `@name` (fields only).
    pub(crate) attribute: Option<Test>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Test {
    /// `.`
    Context,
    /// `*`
    Any,
    /// `p:*`
    AnyIn(Box<str>),
    /// A (namespace, local) name.
    Name(Box<str>, Box<str>),
}

impl Test {
    fn matches(&self, namespace: Option<&str>, local: &str) -> bool {
        match self {
            Test::Context | Test::Any => true,
            Test::AnyIn(ns) => namespace.unwrap_or("") == ns.as_ref(),
            Test::Name(ns, name) => name.as_ref() == local && namespace.unwrap_or("") == ns.as_ref(),
        }
    }
}

/// Parses a selector (`field == false`) or field expression; `resolve` maps a prefix to
/// its namespace URI (None: undeclared).
pub(crate) fn parse(text: &str, field: bool, resolve: &dyn Fn(&str) -> Option<String>) -> Result<Vec<Path>, String> {
    let mut paths = Vec::new();
    for alternative in text.split('|') {
        let alternative: String = alternative.chars().filter(|c| !is_xml_space(*c)).collect();
        let (descendants, rest) = match alternative.strip_prefix(".//") {
            Some(rest) => (true, rest.to_string()),
            None => (false, alternative.clone()),
        };
        let rest = rest.replace("child::", "").replace("attribute::", "@");
        if rest.is_empty() {
            return Err(format!("empty path in `{text}`"));
        }
        let mut steps = Vec::new();
        let mut attribute = None;
        let parts: Vec<&str> = rest.split('/').collect();
        for (n, part) in parts.iter().enumerate() {
            let is_last = n + 1 == parts.len();
            if let Some(name) = part.strip_prefix('@') {
                if !field || !is_last {
                    return Err(format!("`@{name}` is only allowed as the last step of a field in `{text}`"));
                }
                attribute = Some(name_test(name, true, resolve)?);
            } else if *part == "." {
                steps.push(Test::Context);
            } else {
                steps.push(name_test(part, false, resolve)?);
            }
        }
        paths.push(Path { descendants, steps, attribute });
    }
    Ok(paths)
}

fn name_test(text: &str, attribute: bool, resolve: &dyn Fn(&str) -> Option<String>) -> Result<Test, String> {
    if text == "*" {
        return Ok(Test::Any);
    }
    let valid_ncname =
        |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    match text.split_once(':') {
        Some((prefix, local)) => {
            let namespace = resolve(prefix).ok_or_else(|| format!("undeclared prefix `{prefix}` in `{text}`"))?;
            if local == "*" {
                Ok(Test::AnyIn(namespace.into()))
            } else if valid_ncname(local) {
                Ok(Test::Name(namespace.into(), local.into()))
            } else {
                Err(format!("unsupported name test `{text}`"))
            }
        }
        // Unprefixed names are in no namespace (XPath 1.0), for elements and attributes.
        None if valid_ncname(text) => Ok(Test::Name("".into(), text.into())),
        None => Err(format!("unsupported XPath step `{text}`{}", if attribute { " in an attribute" } else { "" })),
    }
}

/// Where a field value was found, for the problem path.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place<'a, 'input> {
    pub(crate) element: Node<'a, 'input>,
    /// The attribute's qualified name as written, if the value is an attribute.
    pub(crate) attribute: Option<roxmltree::Attribute<'a, 'input>>,
}

/// A problem found by a constraint.
#[derive(Debug, Clone)]
pub(crate) struct Finding<'a, 'input> {
    pub(crate) code: &'static str,
    pub(crate) place: Place<'a, 'input>,
    pub(crate) message: String,
    /// Where the value was first seen (duplicates).
    pub(crate) first: Option<Place<'a, 'input>>,
}

/// Calls `visit` with each node `paths` select from `context`, in document order, without
/// duplicates. The usual selector, `.//*`, is streamed: nothing is collected.
fn for_each_selected<'a, 'input>(context: Node<'a, 'input>, paths: &[Path], visit: &mut dyn FnMut(Node<'a, 'input>)) {
    if let [Path { descendants: true, steps, attribute: None }] = paths
        && steps.as_slice() == [Test::Any]
    {
        context.descendants().filter(|n| n.is_element() && *n != context).for_each(visit);
        return;
    }
    select(context, paths).into_iter().for_each(visit);
}

/// The nodes `paths` select from `context`, in document order, without duplicates.
fn select<'a, 'input>(context: Node<'a, 'input>, paths: &[Path]) -> Vec<Node<'a, 'input>> {
    let mut out: Vec<Node<'a, 'input>> = Vec::new();
    for path in paths {
        let mut current: Vec<Node<'a, 'input>> =
            if path.descendants { context.descendants().filter(Node::is_element).collect() } else { vec![context] };
        for step in &path.steps {
            current = match step {
                Test::Context => current,
                test => current
                    .iter()
                    .flat_map(|node| node.children())
                    .filter(|child| {
                        child.is_element() && test.matches(child.tag_name().namespace(), child.tag_name().name())
                    })
                    .collect(),
            };
        }
        out.extend(current);
    }
    if paths.len() > 1 {
        let mut seen = HashSet::new();
        out.retain(|node| seen.insert(node.id()));
        out.sort_by_key(|node| node.range().start);
    }
    out
}

/// The value of a field for a selected node: None when absent; Err when the field selects
/// more than one node.
fn field_value<'a, 'input>(
    node: Node<'a, 'input>,
    paths: &[Path],
) -> Result<Option<(Cow<'a, str>, Place<'a, 'input>)>, Place<'a, 'input>> {
    // The common field, `@name` on the selected element itself: no selection needed.
    if let [Path { descendants: false, steps, attribute: Some(test) }] = paths
        && steps.iter().all(|step| *step == Test::Context)
    {
        let mut matching = node.attributes().filter(|a| test.matches(a.namespace(), a.name()));
        return match (matching.next(), matching.next()) {
            (None, _) => Ok(None),
            (Some(one), None) => {
                let value = normalize(one.value(), WhiteSpace::Collapse);
                Ok(Some((value, Place { element: node, attribute: Some(one) })))
            }
            (Some(_), Some(second)) => Err(Place { element: node, attribute: Some(second) }),
        };
    }
    let mut found: Option<(Cow<'a, str>, Place<'a, 'input>)> = None;
    for path in paths {
        let elements = select(node, std::slice::from_ref(&Path { attribute: None, ..path.clone() }));
        for element in elements {
            let value = match &path.attribute {
                Some(test) => {
                    let attributes =
                        element.attributes().filter(|a| test.matches(a.namespace(), a.name())).collect::<Vec<_>>();
                    match attributes.as_slice() {
                        [] => None,
                        [one] => Some((Cow::Borrowed(one.value()), Place { element, attribute: Some(*one) })),
                        [_, second, ..] => return Err(Place { element, attribute: Some(*second) }),
                    }
                }
                None => Some((text_of(element), Place { element, attribute: None })),
            };
            if let Some(value) = value {
                if found.is_some() {
                    return Err(value.1);
                }
                found = Some(value);
            }
        }
    }
    Ok(found.map(|(value, place)| {
        let value = match value {
            Cow::Borrowed(borrowed) => normalize(borrowed, WhiteSpace::Collapse),
            Cow::Owned(owned) => Cow::Owned(normalize(&owned, WhiteSpace::Collapse).into_owned()),
        };
        (value, place)
    }))
}

fn text_of<'a>(element: Node<'a, '_>) -> Cow<'a, str> {
    let mut texts = element.children().filter(Node::is_text).filter_map(|t| t.text());
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

type Tuple<'a> = Vec<Cow<'a, str>>;

/// The tuples of `identity` under `context`; findings for missing key fields and fields
/// selecting several nodes go to `findings`.
fn tuples<'a, 'input>(
    identity: &Identity,
    context: Node<'a, 'input>,
    findings: &mut Vec<Finding<'a, 'input>>,
) -> Vec<(Tuple<'a>, Place<'a, 'input>)> {
    let mut out = Vec::new();
    for_each_selected(context, &identity.selector, &mut |node| {
        let mut tuple = Vec::with_capacity(identity.fields.len());
        let mut place = Place { element: node, attribute: None };
        for (n, field) in identity.fields.iter().enumerate() {
            match field_value(node, field) {
                Ok(Some((value, at))) => {
                    if n == 0 {
                        place = at;
                    }
                    tuple.push(value);
                }
                Ok(None) => {
                    if identity.kind == IdentityKind::Key {
                        findings.push(Finding {
                            code: "xml-schema-unique",
                            place,
                            message: format!("key `{}` needs a value for field {} here", identity.name, n + 1),
                            first: None,
                        });
                    }
                    return;
                }
                Err(at) => {
                    findings.push(Finding {
                        code: "xml-schema-unique",
                        place: at,
                        message: format!("field {} of `{}` selects more than one node", n + 1, identity.name),
                        first: None,
                    });
                    return;
                }
            }
        }
        out.push((tuple, place));
    });
    out
}

/// Checks `identity` on the instance element `context` (where it is declared).
pub(crate) fn check<'a, 'input>(
    identities: &[Identity],
    identity: &Identity,
    context: Node<'a, 'input>,
    findings: &mut Vec<Finding<'a, 'input>>,
) {
    let rows = tuples(identity, context, findings);
    match identity.kind {
        IdentityKind::Unique | IdentityKind::Key => {
            let mut seen: HashMap<&[Cow<'a, str>], Place<'a, 'input>> = HashMap::with_capacity(rows.len());
            for (tuple, place) in &rows {
                if let Some(first) = seen.get(tuple.as_slice()) {
                    findings.push(Finding {
                        code: "xml-schema-unique",
                        place: *place,
                        message: format!(
                            "duplicate value `{}` for {} `{}`",
                            tuple.join("`, `"),
                            if identity.kind == IdentityKind::Key { "key" } else { "unique constraint" },
                            identity.name,
                        ),
                        first: Some(*first),
                    });
                } else {
                    seen.insert(tuple.as_slice(), *place);
                }
            }
        }
        IdentityKind::KeyRef => {
            let Some(referred) = identity.refer.and_then(|r| identities.get(r as usize)) else { return };
            let mut ignored = Vec::new();
            let keys: HashSet<Tuple<'a>> =
                tuples(referred, context, &mut ignored).into_iter().map(|(tuple, _)| tuple).collect();
            for (tuple, place) in rows {
                if !keys.contains(&tuple) {
                    findings.push(Finding {
                        code: "xml-schema-keyref",
                        place,
                        message: format!(
                            "`{}` matches no `{}` value (keyref `{}`)",
                            tuple.join("`, `"),
                            referred.name,
                            identity.name
                        ),
                        first: None,
                    });
                }
            }
        }
    }
}
