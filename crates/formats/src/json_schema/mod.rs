//! chainward's own JSON Schema validator, for the official schemas bundled in
//! [`crate::schemas`]: the CycloneDX JSON schemas 1.2 to 1.7 (draft-07, with their SPDX
//! licence, JSF and cryptography definitions) and the SPDX 2.2, 2.3 (draft-07 and 2019-09)
//! and 3.0.1 (2020-12) schemas.
//!
//! It validates the borrowed tree [`Json`] directly. A schema is compiled once into a flat
//! table of nodes: every `$ref` is resolved at compile time into a node index, patterns
//! are translated from ECMA-262 and compiled, property tables are sorted for a binary
//! search. Validation allocates nothing while the document is valid: the JSON pointer of
//! the current value is a stack of borrowed segments rendered into a string only when a
//! problem is recorded, and `anyOf`, `oneOf`, `not` and `if` first try their branches in
//! a boolean mode that records nothing; only the failing branch that gets reported is
//! evaluated again to collect its problems.
//!
//! What it deliberately does not do: fetch anything (a `$ref` to a schema that is not
//! bundled, or not given by the caller's resolver, is a compile error); `$dynamicRef`,
//! `$recursiveRef` and `unevaluatedItems` (no bundled schema uses them: compile errors);
//! content keywords and annotations (`title`, `examples`, `meta:enum`…) are ignored, and so
//! are unknown formats. Like the harnesses of the CycloneDX specification (ajv, networknt),
//! keywords beside a `$ref` are evaluated in draft-07 too, and `format` is an assertion.

mod compile;
mod equal;
mod format;
mod pattern;
mod table;
mod validate;

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use crate::json::Json;
use crate::sbom::Problem;

pub use compile::compile;

/// Every problem code validation reports, each a [`Problem::code`] of severity error.
pub const CODES: &[&str] = &[
    "schema-type",
    "schema-const",
    "schema-enum",
    "schema-false",
    "schema-min-length",
    "schema-max-length",
    "schema-pattern",
    "schema-format",
    "schema-minimum",
    "schema-maximum",
    "schema-multiple-of",
    "schema-required",
    "schema-additional-property",
    "schema-unevaluated-property",
    "schema-min-properties",
    "schema-max-properties",
    "schema-property-name",
    "schema-dependent-required",
    "schema-min-items",
    "schema-max-items",
    "schema-unique-items",
    "schema-contains",
    "schema-any-of",
    "schema-one-of",
    "schema-not",
    "schema-if-then-else",
    "schema-cycle",
    "schema-too-deep",
    "schema-too-many-problems",
];

/// Most problems one validation records; one more, `schema-too-many-problems`, says that
/// the rest were dropped.
pub const MAX_PROBLEMS: usize = 1_000;

/// Deepest nesting of schema evaluations (in-place applicators and `$ref`s included); past
/// it the value is reported as `schema-too-deep`. JSON input is at most 128 levels deep and
/// a schema that refers back to itself without descending into the value is caught as
/// `schema-cycle`; this bounds the rest (long chains of distinct in-place subschemas), and
/// with it the stack: about 256 KiB in a release build, 1 MiB in a debug build. The bundled
/// schemas stay far below it on every suite document.
pub const MAX_EVALUATION_DEPTH: u32 = 512;

/// A compiled JSON schema.
#[derive(Debug)]
pub struct Schema {
    nodes: Vec<Node>,
    patterns: Vec<pattern::Pattern>,
    root: NodeId,
}

/// Why a schema could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// `bundled` was asked for a name that is not a bundled JSON schema.
    #[error("no bundled JSON schema is named {0:?}")]
    UnknownBundled(String),
    /// A schema document is not JSON.
    #[error("the schema {uri:?} is not valid JSON: {message}")]
    Json {
        /// The document.
        uri: String,
        /// What the parser said.
        message: String,
    },
    /// A `$ref` points outside the bundled or resolvable schemas, or to nothing.
    #[error("unresolvable $ref {reference:?} at {at}: {reason}")]
    UnresolvedRef {
        /// The reference as written.
        reference: String,
        /// Where it was (schema URI and pointer).
        at: String,
        /// Why it could not be resolved.
        reason: String,
    },
    /// An ECMA-262 pattern that cannot be translated or compiled.
    #[error("pattern {pattern:?} at {at} cannot be used: {reason}")]
    Pattern {
        /// The pattern.
        pattern: String,
        /// Where it was.
        at: String,
        /// Why.
        reason: String,
    },
    /// A keyword with a value of the wrong shape, or one this validator does not implement.
    #[error("keyword {keyword:?} at {at}: {reason}")]
    Keyword {
        /// The keyword.
        keyword: String,
        /// Where it was.
        at: String,
        /// Why.
        reason: String,
    },
}

/// The bundled JSON schemas [`bundled`] knows.
pub const BUNDLED: &[&str] = &[
    "bom-1.2.schema.json",
    "bom-1.2-strict.schema.json",
    "bom-1.3.schema.json",
    "bom-1.3-strict.schema.json",
    "bom-1.4.schema.json",
    "bom-1.5.schema.json",
    "bom-1.6.schema.json",
    "bom-1.7.schema.json",
    "spdx.schema.json",
    "jsf-0.82.schema.json",
    "cryptography-defs.schema.json",
    "spdx-2.2.schema.json",
    "spdx-2.3.schema.json",
    "spdx-3.0.1.schema.json",
];

static CACHE: [OnceLock<Result<Schema, SchemaError>>; 14] = [const { OnceLock::new() }; 14];

/// The bundled schema `name` (one of [`BUNDLED`]), compiled on first use and cached.
pub fn bundled(name: &str) -> Result<&'static Schema, SchemaError> {
    let index = BUNDLED.iter().position(|n| *n == name).ok_or_else(|| SchemaError::UnknownBundled(name.to_owned()))?;
    let slot = CACHE.get(index).ok_or_else(|| SchemaError::UnknownBundled(name.to_owned()))?;
    let compiled = slot.get_or_init(|| {
        let bytes = crate::schemas::schema(name).ok_or_else(|| SchemaError::UnknownBundled(name.to_owned()))?;
        compile::compile_document(bytes, name, &resolve_bundled)
    });
    compiled.as_ref().map_err(Clone::clone)
}

/// Maps a schema URI to a bundled schema: `http(s)://cyclonedx.org/schema/<name>` and a
/// bare `<name>` (a relative reference from a schema without `$id`). Nothing else resolves:
/// there is no network.
pub fn resolve_bundled(uri: &str) -> Option<&'static [u8]> {
    let name = uri
        .strip_prefix("http://cyclonedx.org/schema/")
        .or_else(|| uri.strip_prefix("https://cyclonedx.org/schema/"))
        .unwrap_or(uri);
    if name.contains('/') || !BUNDLED.contains(&name) {
        return None;
    }
    crate::schemas::schema(name)
}

/// Checks `text` against the format `name`; `None` for a format this module does not know.
/// This includes `iri` and `iri-reference`, which validation does not assert (see the
/// module documentation of `format`), for checks that want to warn about them.
pub fn check_format(name: &str, text: &str) -> Option<bool> {
    format::Format::from_name(name).map(|format| format.check(text))
}

impl Schema {
    /// Every problem of `value` against this schema (at most [`MAX_PROBLEMS`], then one
    /// `schema-too-many-problems`), each with the JSON pointer of the value at fault.
    pub fn validate(&self, value: &Json<'_>) -> Vec<Problem> {
        validate::validate(self, value)
    }

    /// Whether `value` is valid: the boolean path, which records nothing and stops at the
    /// first failure.
    pub fn is_valid(&self, value: &Json<'_>) -> bool {
        validate::is_valid(self, value)
    }
}

/// Index of a node in [`Schema::nodes`].
type NodeId = u32;

/// One compiled schema object: each keyword group is present only when the schema has it.
#[derive(Debug, Default)]
struct Node {
    /// The schema is `false`.
    is_false: bool,
    /// Allowed JSON types ([`types`] bits); 0 when there is no `type`.
    types: u8,
    /// `const` or `enum`.
    values: Option<Box<Values>>,
    string: Option<Box<StringRules>>,
    number: Option<Box<NumberRules>>,
    object: Option<Box<ObjectRules>>,
    array: Option<Box<ArrayRules>>,
    /// `$ref`.
    reference: Option<NodeId>,
    all_of: Box<[NodeId]>,
    any_of: Box<[NodeId]>,
    one_of: Box<[NodeId]>,
    not: Option<NodeId>,
    condition: Option<Box<Condition>>,
    /// `unevaluatedProperties`.
    unevaluated: Option<Additional>,
    /// Whether any of `reference` to `unevaluated` is present: lets the evaluation of the
    /// many nodes without them skip that part.
    applies: bool,
}

/// The type bits of [`Node::types`].
mod types {
    pub const NULL: u8 = 1;
    pub const BOOLEAN: u8 = 2;
    pub const INTEGER: u8 = 4;
    pub const NUMBER: u8 = 8;
    pub const STRING: u8 = 16;
    pub const ARRAY: u8 = 32;
    pub const OBJECT: u8 = 64;
}

/// A list of property names.
type Names = Box<[Box<str>]>;

/// `const` and `enum`.
#[derive(Debug)]
enum Values {
    /// `const` with a string.
    ConstString(Box<str>),
    /// `const` with anything else.
    Const(serde_json::Value),
    /// `enum` of strings only, in a table for one lookup; the message lists them.
    Strings { table: table::NameTable, listed: Box<str> },
    /// `enum` with other values.
    Any { values: Box<[serde_json::Value]>, listed: Box<str> },
}

#[derive(Debug, Default)]
struct StringRules {
    min_length: Option<u64>,
    max_length: Option<u64>,
    /// Index into [`Schema::patterns`].
    pattern: Option<u32>,
    format: Option<format::Format>,
}

#[derive(Debug, Default)]
struct NumberRules {
    minimum: Option<f64>,
    maximum: Option<f64>,
    exclusive_minimum: Option<f64>,
    exclusive_maximum: Option<f64>,
    multiple_of: Option<f64>,
}

/// `additionalProperties`, `unevaluatedProperties`, `additionalItems`: `false` is common
/// and gets its own message.
#[derive(Debug, Clone, Copy)]
enum Additional {
    False,
    True,
    Schema(NodeId),
}

#[derive(Debug, Default)]
struct ObjectRules {
    /// The names in `properties` and `required`, for one lookup per member.
    names: table::NameTable,
    /// The `properties` schema of each name, if it has one.
    schemas: Box<[Option<NodeId>]>,
    /// `patternProperties`: (pattern index, schema).
    pattern_properties: Box<[(u32, NodeId)]>,
    additional: Option<Additional>,
    /// `required`, as indexes into `names`.
    required: Box<[u32]>,
    min_properties: Option<u64>,
    max_properties: Option<u64>,
    property_names: Option<NodeId>,
    dependent_required: Box<[(Box<str>, Names)]>,
    dependent_schemas: Box<[(Box<str>, NodeId)]>,
}

#[derive(Debug, Default)]
struct ArrayRules {
    /// `prefixItems`, or `items` as an array before 2020-12.
    prefix: Box<[NodeId]>,
    /// `items` for every element after the prefix (`additionalItems` before 2020-12, when
    /// `items` is an array).
    items: Option<Additional>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique: bool,
    contains: Option<NodeId>,
    min_contains: Option<u64>,
    max_contains: Option<u64>,
}

#[derive(Debug)]
struct Condition {
    when: NodeId,
    then: Option<NodeId>,
    otherwise: Option<NodeId>,
}
