//! chainward's own XML Schema validator, for the schemas SBOM work meets: the CycloneDX
//! XSDs 1.0 to 1.7 with `spdx.xsd` and the extension schemas of `ext/`, and the
//! ISO/IEC 19770-2:2015 SWID schema. No Rust crate validates XSD, so this covers the XSD
//! 1.0 subset those schemas use, plus the XSD 1.1 `xs:assert`.
//!
//! Compile a [`SchemaSet`] once ([`cyclonedx`] and [`swid_2015`] cache the bundled ones),
//! parse the instance with [`parse`] or [`parse_options`] (no DTD, so no entity expansion and no
//! external entities; a node limit), and call [`SchemaSet::validate`]:
//!
//! ```
//! use chainward_formats::xsd;
//!
//! let xml = r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">
//!   <components><component type="library"><name>x</name></component></components>
//! </bom>"#;
//! let doc = xsd::parse(xml, 1_000_000).map_err(|e| e.to_string())?;
//! let problems = xsd::cyclonedx("1.6").map_err(|e| e.to_string())?.validate(&doc);
//! assert!(problems.is_empty(), "{problems:?}");
//! # Ok::<(), String>(())
//! ```
//!
//! Supported: target namespaces and element/attribute form defaults; `xs:import` (by
//! namespace or location, through a resolver) and `xs:include`; global and local
//! elements and `ref=`; named and anonymous complex types; sequence, choice and all with
//! minOccurs/maxOccurs (compiled to Glushkov automata, see `automaton`); simple and
//! complex content by extension and restriction; attributes (required, optional,
//! prohibited, fixed, `ref=`), attribute groups, `xs:anyAttribute` and `xs:any` with every
//! namespace form and strict/lax/skip processing; simple types by restriction (all XSD
//! 1.0 facets), list and union over the built-in types; mixed content; `nillable`;
//! `xs:unique`/`xs:key`/`xs:keyref` with the XSD selector/field XPath subset; `xs:ID` /
//! `xs:IDREF`; `xs:assert` with a small XPath 2.0 subset (see `assert`).
//!
//! Not supported, each failing loudly at compile time rather than passing documents
//! silently: substitution groups, `xs:redefine`/`xs:override`, XSD 1.1 open content,
//! type alternatives and `notNamespace`, Unicode block escapes (`\p{IsBasicLatin}`) in
//! patterns, occurrence counts above 1,000 and content models above 20,000 positions or
//! 4,000,000 transitions after unrolling. `xsi:type` in instances is not honoured: the
//! declared type is always used (a document can never loosen its own validation).
//! The `vc:` conditional-inclusion attributes are ignored, as an XSD 1.0 processor does.
//!
//! Note on CycloneDX 1.7: its two `xs:assert`s (versionRange needs isExternal="true";
//! attributedTo or process) sit inside XML comments in `bom-1.7.xsd`, so they are not
//! part of the schema and are not checked here; the tests show they would work if the
//! comments were removed. Semantic checks elsewhere cover those two rules.

mod assert;
mod automaton;
mod compile;
mod identity;
mod model;
mod regex;
mod types;
mod validate;

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

pub use model::SchemaSet;

use crate::sbom::Problem;
use crate::schemas::schema;

/// Deepest element nesting validated; deeper elements give one `xml-schema-too-deep`
/// problem and are not descended into.
pub const MAX_DEPTH: u32 = 256;

/// Most problems one validation reports.
pub const MAX_PROBLEMS: usize = 1_000;

/// Every problem code validation can report.
pub const CODES: &[&str] = &[
    "xml-schema-root",
    "xml-schema-unexpected-element",
    "xml-schema-missing-element",
    "xml-schema-missing-attribute",
    "xml-schema-unexpected-attribute",
    "xml-schema-value",
    "xml-schema-text",
    "xml-schema-unique",
    "xml-schema-keyref",
    "xml-schema-assert",
    "xml-schema-too-deep",
];

/// The CycloneDX versions with a bundled XSD.
pub const CYCLONEDX_VERSIONS: &[&str] = &["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];

/// The CycloneDX extension schemas compiled into every CycloneDX set, so that lax
/// wildcards validate extension elements (`dg:dependencies`…) when they appear.
pub(crate) const CYCLONEDX_EXTENSIONS: &[&str] =
    &["ext/dependency-graph-1.0.xsd", "ext/vulnerability-1.0.xsd", "ext/bom-descriptor-1.0.xsd"];

/// Why a schema could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XsdError {
    /// A schema document is not well-formed XML.
    #[error("{document} is not valid XML: {message}")]
    Xml {
        /// Which document.
        document: String,
        /// What the parser said.
        message: String,
    },
    /// A schema breaks the rules of XML Schema (unknown type, missing name…).
    #[error("invalid schema: {0}")]
    Invalid(String),
    /// A schema uses a construct this validator does not implement.
    #[error("unsupported schema construct: {0}")]
    Unsupported(String),
    /// An include could not be resolved.
    #[error("{0}")]
    Unresolved(String),
    /// A pattern facet could not be translated to the `regex` crate.
    #[error("pattern `{pattern}` cannot be used: {reason}")]
    Pattern {
        /// The XSD pattern.
        pattern: String,
        /// Why.
        reason: String,
    },
    /// No bundled schema for this CycloneDX version.
    #[error("no CycloneDX XSD for version {0:?}; bundled: 1.0 to 1.7")]
    UnknownVersion(String),
    /// A schema the code expects to be bundled is not (a build problem).
    #[error("schema {0} is not bundled")]
    NotBundled(String),
}

impl SchemaSet {
    /// Compiles `main` and the schemas it imports; `resolve` maps an import's namespace
    /// (tried first) or schemaLocation to the schema document, None if unknown (an
    /// unresolved import is tolerated until something refers into it).
    pub fn compile(main: &[u8], resolve: &dyn Fn(&str) -> Option<&'static [u8]>) -> Result<SchemaSet, XsdError> {
        compile::compile_set(&[main], resolve)
    }

    /// Like [`SchemaSet::compile`], with `extensions`: more schema documents whose global
    /// elements and attributes lax and strict wildcards can use. Document roots must still
    /// be global elements of `main`'s target namespace.
    pub fn compile_with_extensions(
        main: &[u8],
        extensions: &[&[u8]],
        resolve: &dyn Fn(&str) -> Option<&'static [u8]>,
    ) -> Result<SchemaSet, XsdError> {
        let mut documents = Vec::with_capacity(extensions.len() + 1);
        documents.push(main);
        documents.extend_from_slice(extensions);
        compile::compile_set(&documents, resolve)
    }

    /// Validates `doc`: every problem found (at most [`MAX_PROBLEMS`]), all errors, each
    /// with an XML path (`/bom/components/component[2]/hashes/hash[1]`, `…/@bom-ref`).
    /// Empty means valid.
    pub fn validate(&self, doc: &roxmltree::Document<'_>) -> Vec<Problem> {
        validate::validate(self, doc)
    }

    /// The main schema's target namespace.
    pub fn target_namespace(&self) -> &str {
        self.names.namespace_uri(self.main_namespace)
    }

    /// Content models in the set that are not deterministic (an element name reachable
    /// twice from one state), by element name. Empty for every bundled schema; the
    /// validator takes the first match, which is exact only for deterministic models.
    pub fn nondeterministic_models(&self) -> Vec<String> {
        let mut out = Vec::new();
        for ty in &self.complex {
            if let model::Content::Elements(automaton) = &ty.content {
                for name in automaton.ambiguities(&self.elements, &self.names) {
                    out.push(format!("{}: {name}", ty.name));
                }
            }
        }
        out
    }
}

/// The options every instance document must be parsed with: no DTD (so neither entity
/// expansion nor external entities) and at most `nodes_limit` nodes.
pub fn parse_options<'input>(nodes_limit: u32) -> roxmltree::ParsingOptions<'input> {
    roxmltree::ParsingOptions { allow_dtd: false, nodes_limit, ..Default::default() }
}

/// Parses an instance document with [`parse_options`].
pub fn parse(text: &str, nodes_limit: u32) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    roxmltree::Document::parse_with_options(text, parse_options(nodes_limit))
}

/// Resolves the CycloneDX namespaces and schema locations to the bundled schemas.
pub fn cyclonedx_resolver(uri: &str) -> Option<&'static [u8]> {
    let file = uri.rsplit('/').next().unwrap_or(uri);
    let name = match uri {
        "http://cyclonedx.org/schema/spdx" => "spdx.xsd".to_string(),
        "http://cyclonedx.org/schema/ext/dependency-graph/1.0" => "ext/dependency-graph-1.0.xsd".to_string(),
        "http://cyclonedx.org/schema/ext/vulnerability/1.0" => "ext/vulnerability-1.0.xsd".to_string(),
        "http://cyclonedx.org/schema/ext/bom-descriptor/1.0" => "ext/bom-descriptor-1.0.xsd".to_string(),
        _ if uri.starts_with("http://cyclonedx.org/schema/bom/") => format!("bom-{file}.xsd"),
        _ => file.to_string(),
    };
    schema(&name)
}

fn bundled(name: &str) -> Result<&'static [u8], XsdError> {
    schema(name).ok_or_else(|| XsdError::NotBundled(name.to_string()))
}

/// The CycloneDX schema set of `version` ("1.0" to "1.7"): `bom-<version>.xsd` with
/// `spdx.xsd` and the extension schemas, compiled once and cached.
pub fn cyclonedx(version: &str) -> Result<&'static SchemaSet, XsdError> {
    static SETS: [OnceLock<Result<SchemaSet, XsdError>>; 8] = [const { OnceLock::new() }; 8];
    let Some((slot, version)) = CYCLONEDX_VERSIONS
        .iter()
        .position(|v| *v == version)
        .and_then(|at| SETS.get(at).zip(CYCLONEDX_VERSIONS.get(at)))
    else {
        return Err(XsdError::UnknownVersion(version.to_string()));
    };
    slot.get_or_init(|| {
        let main = bundled(&format!("bom-{version}.xsd"))?;
        let extensions = CYCLONEDX_EXTENSIONS.iter().map(|name| bundled(name)).collect::<Result<Vec<_>, _>>()?;
        SchemaSet::compile_with_extensions(main, &extensions, &cyclonedx_resolver)
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// The ISO/IEC 19770-2:2015 SWID tag schema, compiled once and cached. Its import of the
/// XML Signature schema is not bundled: `ds:Signature` falls under a lax wildcard and is
/// skipped.
pub fn swid_2015() -> Result<&'static SchemaSet, XsdError> {
    static SET: OnceLock<Result<SchemaSet, XsdError>> = OnceLock::new();
    SET.get_or_init(|| SchemaSet::compile(bundled("swid-2015.xsd")?, &|_| None)).as_ref().map_err(Clone::clone)
}
