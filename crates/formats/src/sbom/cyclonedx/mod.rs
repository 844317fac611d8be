//! CycloneDX (OWASP, ECMA-424): readers of JSON (1.2 to 1.7) and XML (1.0 to 1.7, with the
//! 1.1 dependency-graph extension) into the one model of `chainward_core::sbom`, and a
//! CycloneDX 1.6 JSON writer.
//!
//! - [`detect_json`], [`detect_xml`]: whether a parsed document is CycloneDX, and which version.
//! - [`read_json`], [`read_xml`]: the document in the model, plus the problems met on the way.
//! - [`write_json_1_6`]: the model as a CycloneDX 1.6 JSON document that reads back into the
//!   same components and edges.
//!
//! The readers do no schema validation, purl validation or licence-expression checks (those
//! are done by `sbom::load` on the parsed tree and on the model). They check what only the
//! whole document shows: bom-refs used twice (`sbom-duplicate-ref`), dependencies naming no
//! component or service (`sbom-dangling-ref`), a component listed twice in `dependencies`
//! (`sbom-duplicate-dependency`); and they report every part they had to skip with a
//! `cyclonedx-*` code. Each problem has a JSON pointer (`/components/3/bom-ref`) or an XML
//! path (`/bom/components/component[4]/@bom-ref`).
//!
//! What goes where in the model:
//!
//! - Components are listed in document order, the subject (`metadata.component`, marked
//!   `subject_only` and named by `metadata.subject`) and its nested components first, each
//!   component before the components nested in it (`parent`). The subject counts towards
//!   `Limits::max_components`; tools do not.
//! - `author` joins the legacy `author` string and the 1.6 `authors` contacts (names, else
//!   e-mail addresses); `other_identifiers` holds the 1.6 `omniborId` and `swhid` values;
//!   licences are the `license.id`, `license.name` and `expression` values as written.
//! - Document authors are `metadata.authors`, else the BOM `manufacturer` (1.6), else the
//!   legacy `manufacture`, else the `supplier`. Tools are read from the legacy list and from
//!   the 1.5+ `components`/`services` object (the vendor being a tool component's `group`,
//!   else its manufacturer, supplier or provider). `data_license` is the first licence of
//!   `metadata.licenses`.
//! - Edges come from `dependencies` (`ref` → `dependsOn`; 1.6+ `provides` is not a
//!   dependency) and, in 1.1 XML, from the dependency-graph extension. A ref naming a service
//!   is not dangling but gives no edge. Edges are sorted and unique.

mod read_json;
mod read_xml;
mod write;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

pub use read_json::{detect_json, read_json};
pub use read_xml::{detect_xml, read_xml};
pub use write::write_json_1_6;

use chainward_core::sbom::{Component, Dependency, DocumentKind, HashAlgorithm, Sbom, Tool};

use super::{Limits, Problem, Read, SbomError};

/// Every problem code the CycloneDX readers report.
pub const CYCLONEDX_PROBLEM_CODES: &[&str] = &[
    "sbom-duplicate-ref",
    "sbom-dangling-ref",
    "sbom-duplicate-dependency",
    "cyclonedx-wrong-type",
    "cyclonedx-missing-field",
    "cyclonedx-component-without-name",
    "cyclonedx-empty-ref",
    "cyclonedx-too-deep",
    "cyclonedx-too-many-problems",
];

/// How deep components, services and dependency trees may nest. JSON input cannot go much
/// deeper anyway (the parser stops at 128 levels); XML input could, and is cut here.
pub(crate) const MAX_DEPTH: usize = 64;

/// How many problems a reader lists; past this, they are only counted (a hostile document
/// could otherwise make more bytes of problems than it has).
pub(crate) const MAX_PROBLEMS: usize = 10_000;

/// What a bom-ref names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A component, by index into `Sbom::components`.
    Component(usize),
    /// A service, or a component the reader had to skip: it can be named, but has no index.
    Other,
}

/// The state both readers share: the model being filled, the problems, and the bom-ref map.
struct Builder<'a> {
    limits: Limits,
    sbom: Sbom,
    problems: Vec<Problem>,
    /// Problems found past `MAX_PROBLEMS`, not listed.
    n_unlisted_problems: usize,
    refs: HashMap<&'a str, Target>,
    dependency_refs: HashSet<&'a str>,
}

impl<'a> Builder<'a> {
    fn new(kind: DocumentKind, limits: &Limits) -> Builder<'a> {
        Builder {
            limits: *limits,
            sbom: Sbom { kind, ..Sbom::default() },
            problems: Vec::new(),
            n_unlisted_problems: 0,
            refs: HashMap::new(),
            dependency_refs: HashSet::new(),
        }
    }

    fn push_problem(&mut self, problem: Problem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(problem);
        } else {
            self.n_unlisted_problems += 1;
        }
    }

    /// Reports a licence `expression` that is not a valid SPDX licence expression.
    fn check_expression(&mut self, expression: &str, path: impl FnOnce() -> String) {
        if let Some(reason) = crate::sbom::checks::expression_problem(expression) {
            self.error(
                "license-invalid",
                path(),
                format!("{expression:?} is not a valid SPDX licence expression: {reason}"),
            );
        }
    }

    fn error(&mut self, code: &'static str, path: String, message: String) {
        self.push_problem(Problem::error(code, path, message));
    }

    fn wrong_type(&mut self, path: String, expected: &str, found: &str) {
        self.error("cyclonedx-wrong-type", path, format!("expected {expected}, found {found}; the value is skipped"));
    }

    fn missing_field(&mut self, path: String, what: &str, field: &str) {
        self.error("cyclonedx-missing-field", path, format!("{what} without {field} is skipped"));
    }

    fn too_deep(&mut self, path: String) {
        self.error(
            "cyclonedx-too-deep",
            path,
            format!("nested more than {MAX_DEPTH} levels deep; this part of the document is skipped"),
        );
    }

    /// Appends a component; fails past `limits.max_components`.
    fn push_component(&mut self, component: Component) -> Result<usize, SbomError> {
        let index = self.sbom.components.len();
        if index >= self.limits.max_components {
            return Err(SbomError::OverLimit(format!(
                "the document has more than {} components, the limit",
                self.limits.max_components
            )));
        }
        self.sbom.components.push(component);
        Ok(index)
    }

    /// Records that `bom_ref` names `target`. Returns false (and reports) when the reference
    /// is empty; a reference already used is reported and keeps naming its first owner.
    fn register_ref(&mut self, bom_ref: &'a str, target: Target, path: impl FnOnce() -> String) -> bool {
        if bom_ref.is_empty() {
            self.push_problem(Problem::warning("cyclonedx-empty-ref", path(), "an empty bom-ref is ignored"));
            return false;
        }
        match self.refs.get(bom_ref) {
            Some(first) => {
                let first = match first {
                    Target::Component(index) => self
                        .sbom
                        .components
                        .get(*index)
                        .map_or_else(String::new, |c| format!("; the first is at {}", c.location)),
                    Target::Other => String::new(),
                };
                self.error("sbom-duplicate-ref", path(), format!("bom-ref {bom_ref:?} is used more than once{first}"));
            }
            None => {
                self.refs.insert(bom_ref, target);
            }
        }
        true
    }

    /// What `bom_ref` names, reporting a dangling reference.
    fn resolve(&mut self, bom_ref: &str, path: impl FnOnce() -> String) -> Option<Target> {
        let target = self.refs.get(bom_ref).copied();
        if target.is_none() {
            self.error(
                "sbom-dangling-ref",
                path(),
                format!("{bom_ref:?} names no component or service of the document"),
            );
        }
        target
    }

    /// The source of one entry of the dependency list: reports a ref listed twice, and
    /// resolves it.
    fn dependency_source(&mut self, bom_ref: &'a str, path: impl FnOnce() -> String) -> Option<Target> {
        if !self.dependency_refs.insert(bom_ref) {
            let path = path();
            self.error(
                "sbom-duplicate-dependency",
                path.clone(),
                format!("{bom_ref:?} is listed more than once in the dependencies; the lists are merged"),
            );
            return self.resolve(bom_ref, || path);
        }
        self.resolve(bom_ref, path)
    }

    fn add_edge(&mut self, from: Option<Target>, to: Option<Target>) {
        if let (Some(Target::Component(from)), Some(Target::Component(to))) = (from, to) {
            self.sbom.dependencies.push(Dependency { from, to });
        }
    }

    /// The result: edges sorted by source then target, each once (a target listed twice, or
    /// a dependency listed twice, gives one edge).
    fn finish(mut self) -> Read {
        self.sbom.dependencies.sort_unstable();
        self.sbom.dependencies.dedup();
        if self.n_unlisted_problems > 0 {
            self.problems.push(Problem::warning(
                "cyclonedx-too-many-problems",
                "",
                format!("{} more problems are not listed", self.n_unlisted_problems),
            ));
        }
        Read { sbom: self.sbom, problems: self.problems }
    }
}

/// Sets `slot` to `value` unless it is already set: the first of repeated members wins, as
/// in `Json::get`.
fn set(slot: &mut Option<String>, value: Option<&str>) {
    if slot.is_none()
        && let Some(value) = value
    {
        *slot = Some(value.to_owned());
    }
}

/// The algorithm of a CycloneDX `alg`: the spellings of the schema directly, anything else
/// through [`HashAlgorithm::parse`] (which allocates).
fn hash_algorithm(text: &str) -> HashAlgorithm {
    match text {
        "MD5" => HashAlgorithm::Md5,
        "SHA-1" => HashAlgorithm::Sha1,
        "SHA-256" => HashAlgorithm::Sha256,
        "SHA-384" => HashAlgorithm::Sha384,
        "SHA-512" => HashAlgorithm::Sha512,
        "SHA3-256" => HashAlgorithm::Sha3_256,
        "SHA3-384" => HashAlgorithm::Sha3_384,
        "SHA3-512" => HashAlgorithm::Sha3_512,
        "BLAKE2b-256" => HashAlgorithm::Blake2b256,
        "BLAKE2b-384" => HashAlgorithm::Blake2b384,
        "BLAKE2b-512" => HashAlgorithm::Blake2b512,
        "BLAKE3" => HashAlgorithm::Blake3,
        other => HashAlgorithm::parse(other),
    }
}

/// A hash value in lower case when it is hexadecimal, else as written.
fn hash_value(text: &str) -> String {
    let text = text.trim();
    if text.bytes().all(|b| b.is_ascii_hexdigit()) { text.to_ascii_lowercase() } else { text.to_owned() }
}

/// The legacy `author` string and the 1.6 `authors` names as one string.
fn join_authors(author: Option<&str>, authors: &[&str]) -> Option<String> {
    let mut parts: Vec<&str> = Vec::with_capacity(authors.len() + 1);
    for part in author.into_iter().chain(authors.iter().copied()) {
        if !part.is_empty() && !parts.contains(&part) {
            parts.push(part);
        }
    }
    if parts.is_empty() { None } else { Some(parts.join(", ")) }
}

/// Who wrote the document: the named authors, else the BOM manufacturer (1.6), else the
/// manufacturer of the subject (`manufacture`, before 1.6), else the supplier.
fn document_authors(
    authors: Vec<String>,
    manufacturer: Option<&str>,
    manufacture: Option<&str>,
    supplier: Option<&str>,
) -> Vec<String> {
    if !authors.is_empty() {
        return authors;
    }
    manufacturer.or(manufacture).or(supplier).filter(|name| !name.is_empty()).map(str::to_owned).into_iter().collect()
}

/// Adds a tool unless it is empty.
fn push_tool(out: &mut Vec<Tool>, vendor: Option<&str>, name: Option<&str>, version: Option<&str>) {
    if vendor.is_none() && name.is_none() && version.is_none() {
        return;
    }
    out.push(Tool {
        vendor: vendor.map(str::to_owned),
        name: name.unwrap_or_default().to_owned(),
        version: version.map(str::to_owned),
    });
}
