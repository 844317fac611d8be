//! Compiles schema documents into the flat node table of [`Schema`].
//!
//! Documents are loaded lazily: the root, then whatever its `$ref`s name, through the
//! caller's resolver (for the bundled schemas, [`super::resolve_bundled`]). Each loaded
//! document is scanned once for its base URIs (`$id`), embedded resources and anchors;
//! nodes are then compiled from the root outward, one per schema location reached, so that
//! unused definitions cost nothing and cycles (`component` inside `component`) are just
//! node indexes.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::format::Format;
use super::pattern::Pattern;
use super::table::NameTable;
use super::{
    Additional, ArrayRules, Condition, Node, NodeId, NumberRules, ObjectRules, Schema, SchemaError, StringRules,
    Values, types,
};

/// Deepest nesting of schema objects scanned in one document; serde_json's recursion limit
/// (128) already stops deeper documents.
const MAX_SCHEMA_DEPTH: usize = 256;

/// Compiles a schema document that has no retrieval URI of its own (its `$id`, if any, is
/// its base URI). `resolve` maps the absolute URI of any other schema that a `$ref` names
/// (without fragment) to its bytes; nothing is ever fetched.
pub fn compile(root: &[u8], resolve: &dyn Fn(&str) -> Option<&'static [u8]>) -> Result<Schema, SchemaError> {
    compile_document(root, "", resolve)
}

/// Compiles `root`, retrieved as `uri`.
pub(super) fn compile_document(
    root: &[u8],
    uri: &str,
    resolve: &dyn Fn(&str) -> Option<&'static [u8]>,
) -> Result<Schema, SchemaError> {
    let mut compiler = Compiler {
        resolve,
        documents: Vec::new(),
        resources: HashMap::new(),
        anchors: HashMap::new(),
        bases: HashMap::new(),
        nodes: Vec::new(),
        ids: HashMap::new(),
        queue: Vec::new(),
        patterns: Vec::new(),
        pattern_ids: HashMap::new(),
    };
    let document = compiler.load(root, uri)?;
    let root = compiler.node_id(Location { document, pointer: String::new() });
    while let Some((id, location)) = compiler.queue.pop() {
        let node = compiler.compile_node(&location)?;
        if let Some(slot) = compiler.nodes.get_mut(id as usize) {
            *slot = node;
        }
    }
    let mut nodes = compiler.nodes;
    let root = collapse_references(&mut nodes, root);
    Ok(Schema { nodes, patterns: compiler.patterns, root })
}

/// Whether a node does nothing but refer to another (`{"$ref": "#/definitions/hash"}` with
/// annotations): such nodes are replaced by their target everywhere, saving one evaluation
/// step per use.
fn only_refers(node: &Node) -> Option<NodeId> {
    let plain = !node.is_false
        && node.types == 0
        && node.values.is_none()
        && node.string.is_none()
        && node.number.is_none()
        && node.object.is_none()
        && node.array.is_none()
        && node.all_of.is_empty()
        && node.any_of.is_empty()
        && node.one_of.is_empty()
        && node.not.is_none()
        && node.condition.is_none()
        && node.unevaluated.is_none();
    if plain { node.reference } else { None }
}

/// Rewrites every node index through chains of [`only_refers`] nodes; returns the new root.
fn collapse_references(nodes: &mut [Node], root: NodeId) -> NodeId {
    let targets: Vec<Option<NodeId>> = nodes.iter().map(only_refers).collect();
    let resolve = |mut id: NodeId| {
        // A chain longer than the table is a cycle of pure references: keep it as it is,
        // and let the evaluation depth limit report it.
        for _ in 0..=targets.len() {
            match targets.get(id as usize).copied().flatten() {
                Some(next) => id = next,
                None => return id,
            }
        }
        id
    };
    let map = |id: &mut NodeId| *id = resolve(*id);
    for node in nodes.iter_mut() {
        if let Some(r) = node.reference.as_mut() {
            map(r);
        }
        node.all_of.iter_mut().for_each(map);
        node.any_of.iter_mut().for_each(map);
        node.one_of.iter_mut().for_each(map);
        if let Some(n) = node.not.as_mut() {
            map(n);
        }
        if let Some(c) = node.condition.as_mut() {
            map(&mut c.when);
            if let Some(t) = c.then.as_mut() {
                map(t);
            }
            if let Some(o) = c.otherwise.as_mut() {
                map(o);
            }
        }
        if let Some(Additional::Schema(u)) = node.unevaluated.as_mut() {
            map(u);
        }
        if let Some(object) = node.object.as_mut() {
            object.schemas.iter_mut().flatten().for_each(map);
            object.pattern_properties.iter_mut().for_each(|(_, id)| map(id));
            if let Some(Additional::Schema(a)) = object.additional.as_mut() {
                map(a);
            }
            if let Some(p) = object.property_names.as_mut() {
                map(p);
            }
            object.dependent_schemas.iter_mut().for_each(|(_, id)| map(id));
        }
        if let Some(array) = node.array.as_mut() {
            array.prefix.iter_mut().for_each(map);
            if let Some(Additional::Schema(i)) = array.items.as_mut() {
                map(i);
            }
            if let Some(c) = array.contains.as_mut() {
                map(c);
            }
        }
        node.applies = node.reference.is_some()
            || !node.all_of.is_empty()
            || !node.any_of.is_empty()
            || !node.one_of.is_empty()
            || node.not.is_some()
            || node.condition.is_some()
            || node.unevaluated.is_some();
    }
    resolve(root)
}

/// The JSON Schema drafts, as far as they differ for the keywords implemented here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Draft {
    /// Draft-07 and older: `items` as an array, `additionalItems`, `dependencies`.
    Draft7,
    /// 2019-09: as draft-07 for arrays, with `dependentRequired`/`dependentSchemas`.
    Draft2019,
    /// 2020-12: `prefixItems` and `items`.
    Draft2020,
}

struct Document {
    uri: String,
    value: Value,
    draft: Draft,
}

/// A schema inside a loaded document: the document's index and a JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Location {
    document: usize,
    pointer: String,
}

struct Compiler<'r> {
    resolve: &'r dyn Fn(&str) -> Option<&'static [u8]>,
    documents: Vec<Document>,
    /// Absolute URI (no fragment) of every document and embedded resource.
    resources: HashMap<String, Location>,
    /// `uri#name` of every plain-name anchor.
    anchors: HashMap<String, Location>,
    /// Base URI of every scanned schema location.
    bases: HashMap<Location, String>,
    nodes: Vec<Node>,
    ids: HashMap<Location, NodeId>,
    queue: Vec<(NodeId, Location)>,
    patterns: Vec<Pattern>,
    pattern_ids: HashMap<String, u32>,
}

/// How a keyword holds subschemas.
enum Holds {
    One,
    Map,
    List,
    /// `items`: one schema, or a list before 2020-12.
    OneOrList,
}

fn holds(keyword: &str) -> Option<Holds> {
    Some(match keyword {
        "additionalProperties"
        | "additionalItems"
        | "contains"
        | "not"
        | "if"
        | "then"
        | "else"
        | "propertyNames"
        | "unevaluatedProperties"
        | "unevaluatedItems"
        | "contentSchema" => Holds::One,
        "properties" | "patternProperties" | "definitions" | "$defs" | "dependentSchemas" => Holds::Map,
        "allOf" | "anyOf" | "oneOf" | "prefixItems" => Holds::List,
        "items" => Holds::OneOrList,
        // A map of schemas and name lists; the lists are skipped as not being objects.
        "dependencies" => Holds::Map,
        _ => return None,
    })
}

impl Compiler<'_> {
    /// Parses a document retrieved as `uri` and scans it; returns its index.
    fn load(&mut self, bytes: &[u8], uri: &str) -> Result<usize, SchemaError> {
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|e| SchemaError::Json { uri: uri.to_owned(), message: e.to_string() })?;
        let draft = match value.get("$schema").and_then(Value::as_str) {
            Some(s) if s.contains("2020-12") => Draft::Draft2020,
            Some(s) if s.contains("2019-09") => Draft::Draft2019,
            _ => Draft::Draft7,
        };
        let document = self.documents.len();
        let root = Location { document, pointer: String::new() };
        self.resources.entry(strip_fragment(uri).to_owned()).or_insert_with(|| root.clone());
        let mut found = Vec::new();
        scan(&value, uri, String::new(), 0, &mut found)?;
        for (pointer, base, anchor) in found {
            let location = Location { document, pointer };
            match anchor {
                Some(name) => {
                    self.anchors.entry(format!("{}#{name}", strip_fragment(&base))).or_insert(location);
                }
                None => {
                    self.resources.entry(strip_fragment(&base).to_owned()).or_insert_with(|| location.clone());
                    self.bases.insert(location, base);
                }
            }
        }
        self.documents.push(Document { uri: uri.to_owned(), value, draft });
        Ok(document)
    }

    fn node_id(&mut self, location: Location) -> NodeId {
        if let Some(id) = self.ids.get(&location) {
            return *id;
        }
        let id = self.nodes.len() as NodeId;
        self.nodes.push(Node::default());
        self.ids.insert(location.clone(), id);
        self.queue.push((id, location));
        id
    }

    fn child(&mut self, location: &Location, tokens: &[&str]) -> NodeId {
        let mut pointer = location.pointer.clone();
        for token in tokens {
            pointer.push('/');
            pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
        }
        self.node_id(Location { document: location.document, pointer })
    }

    fn describe(&self, location: &Location) -> String {
        let uri = self.documents.get(location.document).map_or("", |d| d.uri.as_str());
        format!("{uri}#{}", location.pointer)
    }

    fn base_of(&self, location: &Location) -> String {
        match self.bases.get(location) {
            Some(base) => base.clone(),
            None => self.documents.get(location.document).map(|d| d.uri.clone()).unwrap_or_default(),
        }
    }

    fn pattern(&mut self, source: &str, at: &Location) -> Result<u32, SchemaError> {
        if let Some(id) = self.pattern_ids.get(source) {
            return Ok(*id);
        }
        let pattern = Pattern::new(source).map_err(|reason| SchemaError::Pattern {
            pattern: source.to_owned(),
            at: self.describe(at),
            reason,
        })?;
        let id = self.patterns.len() as u32;
        self.patterns.push(pattern);
        self.pattern_ids.insert(source.to_owned(), id);
        Ok(id)
    }

    /// The location a `$ref` names, loading its document when needed.
    fn resolve_ref(&mut self, reference: &str, at: &Location) -> Result<Location, SchemaError> {
        let described = self.describe(at);
        let unresolved = |reason: String| SchemaError::UnresolvedRef {
            reference: reference.to_owned(),
            at: described.clone(),
            reason,
        };
        let absolute = join(&self.base_of(at), reference);
        let (uri, fragment) = match absolute.split_once('#') {
            Some((uri, fragment)) => (uri.to_owned(), percent_decode(fragment)),
            None => (absolute.clone(), String::new()),
        };
        let resource = match self.resources.get(&uri) {
            Some(location) => location.clone(),
            None => {
                let Some(bytes) = (self.resolve)(&uri) else {
                    return Err(unresolved(format!("{uri:?} is not a bundled schema (nothing is fetched)")));
                };
                let document = self.load(bytes, &uri)?;
                Location { document, pointer: String::new() }
            }
        };
        if fragment.is_empty() {
            return Ok(resource);
        }
        if fragment.starts_with('/') {
            let location = Location { document: resource.document, pointer: format!("{}{fragment}", resource.pointer) };
            let exists = self.documents.get(location.document).and_then(|d| d.value.pointer(&location.pointer));
            return match exists {
                Some(_) => Ok(location),
                None => Err(unresolved(format!("{uri}#{fragment} does not exist"))),
            };
        }
        self.anchors
            .get(&format!("{uri}#{fragment}"))
            .cloned()
            .ok_or_else(|| unresolved(format!("no anchor {fragment:?} in {uri}")))
    }

    fn compile_node(&mut self, location: &Location) -> Result<Node, SchemaError> {
        let document = self.documents.get(location.document);
        let draft = document.map_or(Draft::Draft7, |d| d.draft);
        let value = document.and_then(|d| d.value.pointer(&location.pointer)).cloned();
        let schema = match value {
            Some(Value::Bool(true)) => return Ok(Node::default()),
            Some(Value::Bool(false)) => return Ok(Node { is_false: true, ..Node::default() }),
            Some(Value::Object(schema)) => schema,
            _ => {
                return Err(SchemaError::Keyword {
                    keyword: String::new(),
                    at: self.describe(location),
                    reason: "a schema must be an object or a boolean".to_owned(),
                });
            }
        };
        NodeBuilder { compiler: self, location, schema: &schema, draft }.build()
    }
}

/// Walks a document along its subschemas, collecting (pointer, base URI, anchor name) for
/// every schema location (anchor `None`) and every plain-name anchor.
fn scan(
    value: &Value,
    base: &str,
    pointer: String,
    depth: usize,
    found: &mut Vec<(String, String, Option<String>)>,
) -> Result<(), SchemaError> {
    let Value::Object(schema) = value else { return Ok(()) };
    if depth > MAX_SCHEMA_DEPTH {
        return Err(SchemaError::Keyword {
            keyword: String::new(),
            at: format!("{base}#{pointer}"),
            reason: format!("schemas nest deeper than {MAX_SCHEMA_DEPTH} levels"),
        });
    }
    let mut base = base.to_owned();
    if let Some(id) = schema.get("$id").and_then(Value::as_str) {
        if let Some(name) = id.strip_prefix('#') {
            // Draft-07 plain-name fragments; `#/properties/x` (CycloneDX 1.2 and 1.3) only
            // repeats the location and names nothing.
            if !name.is_empty() && !name.starts_with('/') {
                found.push((pointer.clone(), base.clone(), Some(name.to_owned())));
            }
        } else {
            let joined = join(&base, id);
            if let Some((uri, name)) = joined.split_once('#')
                && !name.is_empty()
            {
                found.push((pointer.clone(), uri.to_owned(), Some(name.to_owned())));
            }
            base = strip_fragment(&joined).to_owned();
        }
    }
    if let Some(anchor) = schema.get("$anchor").and_then(Value::as_str) {
        found.push((pointer.clone(), base.clone(), Some(anchor.to_owned())));
    }
    found.push((pointer.clone(), base.clone(), None));
    for (keyword, sub) in schema {
        let Some(kind) = holds(keyword) else { continue };
        let here = format!("{pointer}/{}", escape_token(keyword));
        match (kind, sub) {
            (Holds::One | Holds::OneOrList, Value::Object(_)) => scan(sub, &base, here, depth + 1, found)?,
            (Holds::Map, Value::Object(map)) => {
                for (name, sub) in map {
                    scan(sub, &base, format!("{here}/{}", escape_token(name)), depth + 1, found)?;
                }
            }
            (Holds::List | Holds::OneOrList, Value::Array(list)) => {
                for (i, sub) in list.iter().enumerate() {
                    scan(sub, &base, format!("{here}/{i}"), depth + 1, found)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn strip_fragment(uri: &str) -> &str {
    uri.split_once('#').map_or(uri, |(u, _)| u)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(decoded) = u8::from_str_radix(hex, 16)
        {
            out.push(decoded);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Resolves `reference` against `base` (RFC 3986 section 5.2, for the forms schemas use).
pub(super) fn join(base: &str, reference: &str) -> String {
    let has_scheme = |s: &str| {
        s.find(':').is_some_and(|i| {
            let scheme = s.get(..i).unwrap_or("");
            scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
    };
    if has_scheme(reference) {
        return reference.to_owned();
    }
    let base = strip_fragment(base);
    if reference.is_empty() {
        return base.to_owned();
    }
    if reference.starts_with('#') {
        return format!("{base}{reference}");
    }
    let scheme_end = if has_scheme(base) { base.find(':').map_or(0, |i| i + 1) } else { 0 };
    let (scheme, rest) = base.split_at(scheme_end);
    if reference.starts_with("//") {
        return format!("{scheme}{reference}");
    }
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            let (host, path) = after.split_at(end);
            (format!("//{host}"), path)
        }
        None => (String::new(), rest),
    };
    let merged = if reference.starts_with('/') {
        reference.to_owned()
    } else {
        let directory = path.rfind('/').map_or("", |i| path.get(..=i).unwrap_or(""));
        let directory = if directory.is_empty() && !authority.is_empty() { "/" } else { directory };
        format!("{directory}{reference}")
    };
    format!("{scheme}{authority}{}", remove_dot_segments(&merged))
}

fn remove_dot_segments(path: &str) -> String {
    let (path, suffix) = match path.find(['?', '#']) {
        Some(i) => path.split_at(i),
        None => (path, ""),
    };
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, segment) in segments.iter().enumerate() {
        match *segment {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 || out.first().is_some_and(|s| !s.is_empty()) {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("{}{suffix}", out.join("/"))
}

/// Builds one node from one schema object.
struct NodeBuilder<'c, 'r> {
    compiler: &'c mut Compiler<'r>,
    location: &'c Location,
    schema: &'c Map<String, Value>,
    draft: Draft,
}

impl NodeBuilder<'_, '_> {
    fn error(&self, keyword: &str, reason: impl Into<String>) -> SchemaError {
        SchemaError::Keyword {
            keyword: keyword.to_owned(),
            at: self.compiler.describe(self.location),
            reason: reason.into(),
        }
    }

    fn count(&self, keyword: &str) -> Result<Option<u64>, SchemaError> {
        match self.schema.get(keyword) {
            None => Ok(None),
            Some(value) => value
                .as_u64()
                .or_else(|| value.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0).map(|f| f as u64))
                .map(Some)
                .ok_or_else(|| self.error(keyword, "must be a non-negative integer")),
        }
    }

    fn number(&self, keyword: &str) -> Result<Option<f64>, SchemaError> {
        match self.schema.get(keyword) {
            None => Ok(None),
            Some(value) => value.as_f64().map(Some).ok_or_else(|| self.error(keyword, "must be a number")),
        }
    }

    fn one(&mut self, keyword: &str) -> Option<NodeId> {
        self.schema.get(keyword).map(|_| self.compiler.child(self.location, &[keyword]))
    }

    fn additional(&mut self, keyword: &str) -> Option<Additional> {
        match self.schema.get(keyword)? {
            Value::Bool(false) => Some(Additional::False),
            Value::Bool(true) => Some(Additional::True),
            _ => Some(Additional::Schema(self.compiler.child(self.location, &[keyword]))),
        }
    }

    fn list(&mut self, keyword: &str) -> Result<Box<[NodeId]>, SchemaError> {
        match self.schema.get(keyword) {
            None => Ok(Box::default()),
            Some(Value::Array(list)) if !list.is_empty() => {
                Ok((0..list.len()).map(|i| self.compiler.child(self.location, &[keyword, &i.to_string()])).collect())
            }
            Some(_) => Err(self.error(keyword, "must be a non-empty array of schemas")),
        }
    }

    fn map(&mut self, keyword: &str) -> Result<Vec<(Box<str>, NodeId)>, SchemaError> {
        match self.schema.get(keyword) {
            None => Ok(Vec::new()),
            Some(Value::Object(map)) => {
                let names: Vec<&String> = map.keys().collect();
                Ok(names
                    .into_iter()
                    .map(|name| (name.as_str().into(), self.compiler.child(self.location, &[keyword, name])))
                    .collect())
            }
            Some(_) => Err(self.error(keyword, "must be an object of schemas")),
        }
    }

    fn names(&self, keyword: &str, value: &Value) -> Result<Box<[Box<str>]>, SchemaError> {
        match value {
            Value::Array(list) => list
                .iter()
                .map(|v| v.as_str().map(Box::from).ok_or_else(|| self.error(keyword, "must list strings")))
                .collect(),
            _ => Err(self.error(keyword, "must be an array of strings")),
        }
    }

    fn build(mut self) -> Result<Node, SchemaError> {
        for unsupported in ["$dynamicRef", "$recursiveRef", "unevaluatedItems"] {
            if self.schema.contains_key(unsupported) {
                return Err(self.error(unsupported, "is not implemented (no bundled schema uses it)"));
            }
        }
        let mut node = Node { types: self.types()?, values: self.values()?, ..Node::default() };
        node.string = self.string_rules()?;
        node.number = self.number_rules()?;
        node.object = self.object_rules()?;
        node.array = self.array_rules()?;
        if let Some(reference) = self.schema.get("$ref") {
            let reference = reference.as_str().ok_or_else(|| self.error("$ref", "must be a string"))?;
            let target = self.compiler.resolve_ref(reference, self.location)?;
            node.reference = Some(self.compiler.node_id(target));
        }
        node.all_of = self.list("allOf")?;
        node.any_of = self.list("anyOf")?;
        node.one_of = self.list("oneOf")?;
        node.not = self.one("not");
        if self.schema.contains_key("if") {
            let when = self.one("if").unwrap_or_default();
            let (then, otherwise) = (self.one("then"), self.one("else"));
            node.condition = Some(Box::new(Condition { when, then, otherwise }));
        }
        node.unevaluated = self.additional("unevaluatedProperties");
        Ok(node)
    }

    fn types(&self) -> Result<u8, SchemaError> {
        let bit = |name: &str| match name {
            "null" => Ok(types::NULL),
            "boolean" => Ok(types::BOOLEAN),
            "integer" => Ok(types::INTEGER),
            "number" => Ok(types::NUMBER | types::INTEGER),
            "string" => Ok(types::STRING),
            "array" => Ok(types::ARRAY),
            "object" => Ok(types::OBJECT),
            other => Err(self.error("type", format!("unknown type {other:?}"))),
        };
        match self.schema.get("type") {
            None => Ok(0),
            Some(Value::String(name)) => bit(name),
            Some(Value::Array(names)) if !names.is_empty() => names.iter().try_fold(0, |bits, name| {
                Ok(bits | bit(name.as_str().ok_or_else(|| self.error("type", "must list type names"))?)?)
            }),
            Some(_) => Err(self.error("type", "must be a type name or a non-empty array of them")),
        }
    }

    fn values(&self) -> Result<Option<Box<Values>>, SchemaError> {
        if let Some(value) = self.schema.get("const") {
            return Ok(Some(Box::new(match value {
                Value::String(s) => Values::ConstString(s.as_str().into()),
                other => Values::Const(other.clone()),
            })));
        }
        let Some(value) = self.schema.get("enum") else { return Ok(None) };
        let Value::Array(values) = value else { return Err(self.error("enum", "must be an array")) };
        let listed = list_values(values);
        if values.iter().all(Value::is_string) {
            let names: Vec<Box<str>> = values.iter().filter_map(Value::as_str).map(Box::from).collect();
            return Ok(Some(Box::new(Values::Strings { table: NameTable::new(names), listed })));
        }
        Ok(Some(Box::new(Values::Any { values: values.clone().into_boxed_slice(), listed })))
    }

    fn string_rules(&mut self) -> Result<Option<Box<StringRules>>, SchemaError> {
        let pattern = match self.schema.get("pattern") {
            None => None,
            Some(Value::String(source)) => Some(self.compiler.pattern(source, self.location)?),
            Some(_) => return Err(self.error("pattern", "must be a string")),
        };
        let format =
            self.schema.get("format").and_then(Value::as_str).and_then(Format::from_name).filter(|f| f.asserted());
        let rules =
            StringRules { min_length: self.count("minLength")?, max_length: self.count("maxLength")?, pattern, format };
        let any = rules.min_length.is_some() || rules.max_length.is_some() || pattern.is_some() || format.is_some();
        Ok(any.then(|| Box::new(rules)))
    }

    fn number_rules(&self) -> Result<Option<Box<NumberRules>>, SchemaError> {
        for keyword in ["exclusiveMinimum", "exclusiveMaximum"] {
            if self.schema.get(keyword).is_some_and(Value::is_boolean) {
                return Err(self.error(keyword, "the draft-04 boolean form is not supported"));
            }
        }
        let rules = NumberRules {
            minimum: self.number("minimum")?,
            maximum: self.number("maximum")?,
            exclusive_minimum: self.number("exclusiveMinimum")?,
            exclusive_maximum: self.number("exclusiveMaximum")?,
            multiple_of: self.number("multipleOf")?,
        };
        if rules.multiple_of.is_some_and(|m| m <= 0.0) {
            return Err(self.error("multipleOf", "must be greater than 0"));
        }
        let any = rules.minimum.is_some()
            || rules.maximum.is_some()
            || rules.exclusive_minimum.is_some()
            || rules.exclusive_maximum.is_some()
            || rules.multiple_of.is_some();
        Ok(any.then(|| Box::new(rules)))
    }

    fn object_rules(&mut self) -> Result<Option<Box<ObjectRules>>, SchemaError> {
        let properties = self.map("properties")?;
        let mut pattern_properties = Vec::new();
        for (name, id) in self.map("patternProperties")? {
            pattern_properties.push((self.compiler.pattern(&name, self.location)?, id));
        }
        let required_names = match self.schema.get("required") {
            Some(value) => self.names("required", value)?,
            None => Box::default(),
        };
        // One table for both: a member's name is looked up once.
        let mut names: Vec<Box<str>> = Vec::new();
        let mut schemas: Vec<Option<NodeId>> = Vec::new();
        for (name, id) in properties {
            names.push(name);
            schemas.push(Some(id));
        }
        let mut required = Vec::new();
        for name in required_names {
            let index = match names.iter().position(|n| *n == name) {
                Some(index) => index,
                None => {
                    names.push(name);
                    schemas.push(None);
                    names.len() - 1
                }
            };
            if !required.contains(&(index as u32)) {
                required.push(index as u32);
            }
        }
        let mut dependent_required = Vec::new();
        if let Some(value) = self.schema.get("dependentRequired") {
            let Value::Object(map) = value else { return Err(self.error("dependentRequired", "must be an object")) };
            for (name, names) in map {
                dependent_required.push((name.as_str().into(), self.names("dependentRequired", names)?));
            }
        }
        let mut dependent_schemas = self.map("dependentSchemas")?;
        if let Some(value) = self.schema.get("dependencies") {
            let Value::Object(map) = value else { return Err(self.error("dependencies", "must be an object")) };
            for (name, dependency) in map {
                if dependency.is_array() {
                    dependent_required.push((name.as_str().into(), self.names("dependencies", dependency)?));
                } else {
                    dependent_schemas
                        .push((name.as_str().into(), self.compiler.child(self.location, &["dependencies", name])));
                }
            }
        }
        let rules = ObjectRules {
            names: NameTable::new(names),
            schemas: schemas.into_boxed_slice(),
            pattern_properties: pattern_properties.into_boxed_slice(),
            additional: self.additional("additionalProperties"),
            required: required.into_boxed_slice(),
            min_properties: self.count("minProperties")?,
            max_properties: self.count("maxProperties")?,
            property_names: self.one("propertyNames"),
            dependent_required: dependent_required.into_boxed_slice(),
            dependent_schemas: dependent_schemas.into_boxed_slice(),
        };
        let any = rules.names.len() > 0
            || !rules.pattern_properties.is_empty()
            || rules.additional.is_some()
            || !rules.required.is_empty()
            || rules.min_properties.is_some()
            || rules.max_properties.is_some()
            || rules.property_names.is_some()
            || !rules.dependent_required.is_empty()
            || !rules.dependent_schemas.is_empty();
        Ok(any.then(|| Box::new(rules)))
    }

    fn array_rules(&mut self) -> Result<Option<Box<ArrayRules>>, SchemaError> {
        let (prefix, items) = match (self.draft, self.schema.get("items")) {
            (Draft::Draft7 | Draft::Draft2019, Some(Value::Array(_))) => {
                (self.list("items")?, self.additional("additionalItems"))
            }
            (Draft::Draft2020, Some(Value::Array(_))) => {
                return Err(self.error("items", "must be a schema in 2020-12 (use prefixItems)"));
            }
            (Draft::Draft2020, _) => (self.list("prefixItems")?, self.additional("items")),
            (_, _) => (Box::default(), self.additional("items")),
        };
        let rules = ArrayRules {
            prefix,
            items,
            min_items: self.count("minItems")?,
            max_items: self.count("maxItems")?,
            unique: self.schema.get("uniqueItems").and_then(Value::as_bool).unwrap_or(false),
            contains: self.one("contains"),
            min_contains: self.count("minContains")?,
            max_contains: self.count("maxContains")?,
        };
        let any = !rules.prefix.is_empty()
            || rules.items.is_some()
            || rules.min_items.is_some()
            || rules.max_items.is_some()
            || rules.unique
            || rules.contains.is_some();
        Ok(any.then(|| Box::new(rules)))
    }
}

/// The values of an `enum` for a message: the first few, then how many there are.
fn list_values(values: &[Value]) -> Box<str> {
    const SHOWN: usize = 8;
    let mut listed: Vec<String> = values.iter().take(SHOWN).map(|v| super::validate::shorten(&v.to_string())).collect();
    if values.len() > SHOWN {
        listed.push(format!("… ({} values)", values.len()));
    }
    listed.join(", ").into_boxed_str()
}
