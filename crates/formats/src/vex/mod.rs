//! VEX documents: CycloneDX VEX (JSON, spec 1.4 to 1.7), OpenVEX (0.0.x and 0.2.0, bare or
//! as the predicate of an in-toto statement) and CSAF 2.0/2.1 VEX, read into the one model
//! of `chainward_core::vuln::vex`, and written as CycloneDX 1.6 VEX or OpenVEX 0.2.0.
//!
//! [`read_vex`] detects the format from the content (never the file name): an `@context`
//! naming openvex.dev, a `document.csaf_version`, or `"bomFormat": "CycloneDX"` with
//! `vulnerabilities`. Like the SBOM readers it is lenient: a statement that cannot be read
//! is skipped with a [`VexProblem`] (stable kebab-case code, JSON pointer), and the
//! document fails as a whole only when it is not JSON, not a VEX format, over the size
//! limit, or when no statement at all could be read.
//!
//! Statements are returned as the document says them, checked against the VEX rules only
//! where the reader can repair them: a justification beside another status than
//! `not_affected` and a response beside another status than `affected` are dropped with a
//! warning. A `not_affected` statement without a justification is KEPT, with
//! `justification: None` and an error (`vex-not-affected-without-justification`,
//! `csaf-not-affected-without-flag`): its product list and detail are worth showing, but
//! [`chainward_core::vuln::vex::Triage::check`] fails on it, and an importer must refuse
//! it or ask the user for the justification; it must not invent one.
//!
//! CycloneDX VEX in XML and OpenVEX in YAML are not read (the formats are rare in
//! practice); they fail as [`VexError::UnknownFormat`] / [`VexError::Json`].

mod csaf;
mod cyclonedx;
mod openvex;
mod write;

pub use write::{ExportStatement, VexExport, VexExportProduct, write_cyclonedx_vex, write_openvex};

use chainward_core::vuln::vex::{Triage, VexDocument, VexStatement, VexStatus};

use crate::json::{self, Json, JsonError};
use crate::sbom::Problem;

/// A problem found while reading a VEX document: the SBOM readers' [`Problem`], with a
/// code from [`CODES`] and a JSON pointer.
pub type VexProblem = Problem;

/// Largest document [`read_vex`] accepts, in bytes (the largest Red Hat CSAF VEX files are
/// a few MiB).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Most statements one document may give; the rest are dropped with
/// `vex-too-many-statements`.
pub const MAX_STATEMENTS: usize = 1_000_000;

/// Deepest nesting of CSAF `product_tree` branches; deeper branches are skipped with
/// `csaf-tree-too-deep`. (The JSON parser already refuses nesting past 128 levels, about
/// 63 branch levels; real trees have fewer than 10.)
pub const MAX_BRANCH_DEPTH: usize = 32;

/// Every problem code the VEX readers report.
pub const CODES: &[&str] = &[
    "vex-wrong-type",
    "vex-missing-vulnerability",
    "vex-missing-status",
    "vex-unknown-status",
    "vex-no-products",
    "vex-unknown-justification",
    "vex-not-affected-without-justification",
    "vex-justification-without-not-affected",
    "vex-response-without-affected",
    "vex-too-many-statements",
    "cdx-unsupported-version",
    "cdx-no-analysis",
    "cdx-unknown-response",
    "cdx-dangling-ref",
    "openvex-unknown-context",
    "csaf-unknown-product-id",
    "csaf-duplicate-product-id",
    "csaf-contradicting-status",
    "csaf-not-affected-without-flag",
    "csaf-affected-without-action",
    "csaf-unknown-status-ignored",
    "csaf-tree-too-deep",
    "csaf-vulnerability-without-id",
];

/// Why a document could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VexError {
    /// Larger than [`MAX_BYTES`].
    #[error("the document has {bytes} bytes, more than the limit of {limit}")]
    TooLarge {
        /// Size.
        bytes: usize,
        /// Limit.
        limit: usize,
    },
    /// Broken JSON (truncated, wrong syntax, nested too deep).
    #[error("{0}")]
    Json(#[from] JsonError),
    /// JSON, but none of the VEX formats.
    #[error("not a VEX document chainward can read: {0}")]
    UnknownFormat(String),
    /// A VEX document in which no statement could be read; the problems say why.
    #[error("no usable VEX statement in the document ({} problems, first: {})", .0.len(), first_problem(.0))]
    NoStatements(Vec<VexProblem>),
}

fn first_problem(problems: &[VexProblem]) -> String {
    problems.first().map_or_else(|| "none".to_owned(), |p| format!("{} at {}: {}", p.code, p.path, p.message))
}

impl VexError {
    /// The stable kebab-case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            VexError::TooLarge { .. } => "vex-too-large",
            VexError::Json(_) => "json-syntax",
            VexError::UnknownFormat(_) => "vex-unknown-format",
            VexError::NoStatements(_) => "vex-no-statements",
        }
    }
}

/// Reads a CycloneDX, OpenVEX or CSAF VEX document (JSON) into statements and the problems
/// found on the way.
pub fn read_vex(bytes: &[u8]) -> Result<(VexDocument, Vec<VexProblem>), VexError> {
    if bytes.len() > MAX_BYTES {
        return Err(VexError::TooLarge { bytes: bytes.len(), limit: MAX_BYTES });
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let doc = json::parse(bytes)?;
    let Some(members) = doc.as_object() else {
        return Err(VexError::UnknownFormat(format!("the top level is {}, not an object", doc.type_name())));
    };
    let mut reader = Reader::default();
    let document = if let Some(context) = openvex::context(&doc) {
        openvex::read(&doc, &context, "", &mut reader)
    } else if let Some((predicate, context)) = openvex::in_toto_predicate(&doc) {
        openvex::read(predicate, &context, "/predicate", &mut reader)
    } else if doc.get("document").and_then(|d| d.get("csaf_version")).is_some() {
        csaf::read(&doc, &mut reader)
    } else if doc.get("bomFormat").and_then(Json::as_str) == Some("CycloneDX") {
        if doc.get("vulnerabilities").is_none() {
            return Err(VexError::UnknownFormat(
                "a CycloneDX document without \"vulnerabilities\" is an SBOM, not VEX".into(),
            ));
        }
        cyclonedx::read(&doc, &mut reader)
    } else {
        let keys: Vec<&str> = members.iter().take(5).map(|(k, _)| k.as_ref()).collect();
        return Err(VexError::UnknownFormat(format!(
            "no openvex \"@context\", CSAF \"document.csaf_version\" or CycloneDX \"bomFormat\" (top-level keys: {})",
            keys.join(", ")
        )));
    };
    if document.statements.is_empty() {
        return Err(VexError::NoStatements(reader.problems));
    }
    Ok((document, reader.problems))
}

/// What every format reader collects: problems, and whether the statement limit was hit.
#[derive(Default)]
pub(crate) struct Reader {
    problems: Vec<Problem>,
    full: bool,
}

impl Reader {
    fn error(&mut self, code: &'static str, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::error(code, path, message));
    }

    fn warning(&mut self, code: &'static str, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::warning(code, path, message));
    }

    /// Adds `statement` unless the limit is reached; `false` once it is (stop reading).
    fn push(&mut self, statements: &mut Vec<VexStatement>, statement: VexStatement, path: &str) -> bool {
        if statements.len() >= MAX_STATEMENTS {
            if !self.full {
                self.full = true;
                self.error(
                    "vex-too-many-statements",
                    path,
                    format!("more than {MAX_STATEMENTS} statements; the rest are dropped"),
                );
            }
            return false;
        }
        statements.push(statement);
        true
    }

    /// A string member, trimmed, `None` when absent or empty; another type is reported.
    fn string(&mut self, value: Option<&Json<'_>>, path: &str) -> Option<String> {
        match value? {
            Json::String(text) => Some(text.trim()).filter(|t| !t.is_empty()).map(str::to_owned),
            Json::Null => None,
            other => {
                self.error("vex-wrong-type", path, format!("expected a string, found {}", other.type_name()));
                None
            }
        }
    }

    /// The elements of an array member (empty when absent); another type is reported.
    fn array<'v, 'a>(&mut self, value: Option<&'v Json<'a>>, path: &str) -> &'v [Json<'a>] {
        match value {
            None | Some(Json::Null) => &[],
            Some(Json::Array(items)) => items,
            Some(other) => {
                self.error("vex-wrong-type", path, format!("expected an array, found {}", other.type_name()));
                &[]
            }
        }
    }

    /// Applies the VEX rules the reader can repair (see the module documentation);
    /// `missing_code` is the code for `not_affected` without a justification.
    fn check_triage(&mut self, triage: &mut Triage, path: &str, missing_code: &'static str, missing_message: &str) {
        if triage.status != VexStatus::NotAffected
            && let Some(justification) = triage.justification.take()
        {
            self.warning(
                "vex-justification-without-not-affected",
                path,
                format!("justification {justification} ignored: the status is {}", triage.status),
            );
        }
        if triage.status != VexStatus::Affected
            && let Some(response) = triage.response.take()
        {
            self.warning(
                "vex-response-without-affected",
                path,
                format!("response {response} ignored: the status is {}", triage.status),
            );
        }
        if triage.status == VexStatus::NotAffected && triage.justification.is_none() {
            self.error(missing_code, path, missing_message);
        }
    }
}

/// `parent/key` as a JSON pointer segment (`~` and `/` escaped).
fn key(parent: &str, key: &str) -> String {
    let mut out = String::with_capacity(parent.len() + key.len() + 1);
    out.push_str(parent);
    out.push('/');
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// `parent/index`.
fn index(parent: &str, index: usize) -> String {
    format!("{parent}/{index}")
}

/// Pushes `alias` unless it is empty, the primary id or already there.
fn push_alias(aliases: &mut Vec<String>, primary: &str, alias: String) {
    if !alias.is_empty() && alias != primary && !aliases.contains(&alias) {
        aliases.push(alias);
    }
}

#[cfg(test)]
mod tests {
    use super::CODES;

    #[test]
    fn problem_codes_are_unique_and_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for code in CODES {
            assert!(seen.insert(code), "{code} twice");
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{code}");
        }
    }
}
