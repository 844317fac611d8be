//! Writers: an offering release's triage decisions as CycloneDX 1.6 VEX or OpenVEX 0.2.0.
//!
//! The input is plain data ([`VexExport`]): the caller (which knows the clock) passes the
//! timestamp and the document id. Both writers give one entry per [`ExportStatement`], in
//! the given order, and read back through `read_vex` into the same vulnerability, aliases,
//! component and triage, with two exceptions that the formats force: OpenVEX has no
//! response (an affected statement's response becomes its action statement when it has no
//! detail, and is not read back), and CycloneDX has no `component_not_present`
//! justification (it is written as the state `false_positive`, which reads back as it).
//!
//! CycloneDX: the product is `metadata.component`, every distinct component is in
//! `components` with its purl as bom-ref, and each vulnerability `affects` its component.
//! `serialNumber` is the export id when that is a `urn:uuid:` (the schema allows nothing
//! else). `source` is derived from the id (NVD for `CVE-`, GitHub for `GHSA-`, OSV
//! otherwise) with the statement's `source_url`; each alias is a `references[]` entry.
//!
//! | status                            | `analysis.state` | `analysis.justification`          |
//! |-----------------------------------|------------------|-----------------------------------|
//! | under_investigation               | `in_triage`      |                                   |
//! | affected                          | `exploitable`    |                                   |
//! | fixed                             | `resolved`       |                                   |
//! | not_affected, component_not_present | `false_positive` |                                 |
//! | not_affected, vulnerable_code_not_present | `not_affected` | `code_not_present`           |
//! | not_affected, vulnerable_code_not_in_execute_path | `not_affected` | `code_not_reachable` |
//! | not_affected, vulnerable_code_cannot_be_controlled_by_adversary | `not_affected` | `requires_environment` |
//! | not_affected, inline_mitigations_already_exist | `not_affected` | `protected_by_mitigating_control` |
//!
//! OpenVEX: each statement's product is the release's purl with the component as its
//! subcomponent; a release without a purl makes the component itself the product. The
//! detail goes to `impact_statement` (not_affected), `action_statement` (affected, which
//! OpenVEX requires) or `status_notes`.

use chainward_core::vuln::vex::{Justification, Response, Triage, VexStatus};
use serde_json::{Map, Value, json};

/// A release's VEX, ready to be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VexExport {
    /// The document id: a `urn:uuid:` for CycloneDX, any IRI for OpenVEX.
    pub id: String,
    /// Who issues it (the organisation).
    pub author: String,
    /// When it is issued (RFC 3339); the caller passes now.
    pub timestamp: String,
    /// The offering release the statements are about.
    pub product: VexExportProduct,
    /// One statement per finding.
    pub statements: Vec<ExportStatement>,
}

/// The offering release a VEX document is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VexExportProduct {
    /// The offering's name.
    pub name: String,
    /// The release.
    pub version: String,
    /// Its purl, when it has one.
    pub purl: Option<String>,
}

/// One finding's decision: a vulnerability in a component of the release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportStatement {
    /// The vulnerability id (`CVE-…`, `GHSA-…`).
    pub vulnerability: String,
    /// Its other ids.
    pub aliases: Vec<String>,
    /// The component's purl (also its CycloneDX bom-ref).
    pub component_purl: String,
    /// The component's name.
    pub component_name: String,
    /// The component's version.
    pub component_version: Option<String>,
    /// The decision.
    pub triage: Triage,
    /// Where the vulnerability is described (the advisory's page).
    pub source_url: Option<String>,
}

/// The CycloneDX 1.6 VEX document (JSON, pretty-printed) for `doc`.
pub fn write_cyclonedx_vex(doc: &VexExport) -> String {
    let mut components: Vec<Value> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for statement in &doc.statements {
        if seen.insert(statement.component_purl.as_str()) {
            let mut component = Map::new();
            component.insert("type".into(), "library".into());
            component.insert("bom-ref".into(), statement.component_purl.as_str().into());
            component.insert("name".into(), statement.component_name.as_str().into());
            if let Some(version) = &statement.component_version {
                component.insert("version".into(), version.as_str().into());
            }
            component.insert("purl".into(), statement.component_purl.as_str().into());
            components.push(Value::Object(component));
        }
    }
    // The product's bom-ref must not collide with a component's.
    let product_ref = match &doc.product.purl {
        Some(purl) if !seen.contains(purl.as_str()) => purl.clone(),
        _ => unique_ref("offering-release", &seen),
    };
    let mut product = Map::new();
    product.insert("type".into(), "application".into());
    product.insert("bom-ref".into(), product_ref.into());
    product.insert("name".into(), doc.product.name.as_str().into());
    product.insert("version".into(), doc.product.version.as_str().into());
    if let Some(purl) = &doc.product.purl {
        product.insert("purl".into(), purl.as_str().into());
    }

    let vulnerabilities: Vec<Value> = doc.statements.iter().map(cyclonedx_vulnerability).collect();
    let mut bom = Map::new();
    bom.insert("$schema".into(), "http://cyclonedx.org/schema/bom-1.6.schema.json".into());
    bom.insert("bomFormat".into(), "CycloneDX".into());
    bom.insert("specVersion".into(), "1.6".into());
    if is_urn_uuid(&doc.id) {
        bom.insert("serialNumber".into(), doc.id.as_str().into());
    }
    bom.insert("version".into(), 1.into());
    bom.insert(
        "metadata".into(),
        json!({
            "timestamp": doc.timestamp,
            "authors": [{ "name": doc.author }],
            "component": product,
        }),
    );
    bom.insert("components".into(), components.into());
    bom.insert("vulnerabilities".into(), vulnerabilities.into());
    pretty(&Value::Object(bom))
}

fn cyclonedx_vulnerability(statement: &ExportStatement) -> Value {
    let mut vulnerability = Map::new();
    vulnerability.insert("id".into(), statement.vulnerability.as_str().into());
    let mut source = Map::new();
    source.insert("name".into(), source_name(&statement.vulnerability).into());
    if let Some(url) = &statement.source_url {
        source.insert("url".into(), url.as_str().into());
    }
    vulnerability.insert("source".into(), Value::Object(source));
    if !statement.aliases.is_empty() {
        let references: Vec<Value> = statement
            .aliases
            .iter()
            .map(|alias| json!({ "id": alias, "source": { "name": source_name(alias) } }))
            .collect();
        vulnerability.insert("references".into(), references.into());
    }
    let triage = &statement.triage;
    let mut analysis = Map::new();
    let (state, justification) = match (triage.status, triage.justification) {
        (VexStatus::UnderInvestigation, _) => ("in_triage", None),
        (VexStatus::Affected, _) => ("exploitable", None),
        (VexStatus::Fixed, _) => ("resolved", None),
        (VexStatus::NotAffected, Some(Justification::ComponentNotPresent)) => ("false_positive", None),
        (VexStatus::NotAffected, justification) => ("not_affected", justification.map(cyclonedx_justification)),
    };
    analysis.insert("state".into(), state.into());
    if let Some(justification) = justification {
        analysis.insert("justification".into(), justification.into());
    }
    if let Some(response) = triage.response {
        analysis.insert("response".into(), json!([response.as_str()]));
    }
    if let Some(detail) = &triage.detail {
        analysis.insert("detail".into(), detail.as_str().into());
    }
    vulnerability.insert("analysis".into(), Value::Object(analysis));
    vulnerability.insert("affects".into(), json!([{ "ref": statement.component_purl }]));
    Value::Object(vulnerability)
}

/// The CycloneDX justification written for ours (the reader maps it back to the same one).
fn cyclonedx_justification(justification: Justification) -> &'static str {
    match justification {
        // Not reached through the state mapping (false_positive); kept total.
        Justification::ComponentNotPresent | Justification::VulnerableCodeNotPresent => "code_not_present",
        Justification::VulnerableCodeNotInExecutePath => "code_not_reachable",
        Justification::VulnerableCodeCannotBeControlledByAdversary => "requires_environment",
        Justification::InlineMitigationsAlreadyExist => "protected_by_mitigating_control",
    }
}

/// The OpenVEX 0.2.0 document (JSON, pretty-printed) for `doc`.
pub fn write_openvex(doc: &VexExport) -> String {
    let statements: Vec<Value> =
        doc.statements.iter().map(|s| openvex_statement(s, doc.product.purl.as_deref())).collect();
    pretty(&json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": doc.id,
        "author": doc.author,
        "timestamp": doc.timestamp,
        "version": 1,
        "tooling": "chainward",
        "statements": statements,
    }))
}

fn openvex_statement(statement: &ExportStatement, product_purl: Option<&str>) -> Value {
    let mut vulnerability = Map::new();
    vulnerability.insert("name".into(), statement.vulnerability.as_str().into());
    if !statement.aliases.is_empty() {
        vulnerability.insert("aliases".into(), statement.aliases.clone().into());
    }
    let product = match product_purl {
        Some(purl) => json!({ "@id": purl, "subcomponents": [{ "@id": statement.component_purl }] }),
        None => json!({ "@id": statement.component_purl }),
    };
    let triage = &statement.triage;
    let mut out = Map::new();
    out.insert("vulnerability".into(), Value::Object(vulnerability));
    out.insert("products".into(), json!([product]));
    out.insert("status".into(), triage.status.as_str().into());
    if let Some(justification) = triage.justification {
        out.insert("justification".into(), justification.as_str().into());
    }
    match (triage.status, &triage.detail) {
        (VexStatus::NotAffected, Some(detail)) => {
            out.insert("impact_statement".into(), detail.as_str().into());
        }
        (VexStatus::Affected, detail) => {
            let action = detail.clone().unwrap_or_else(|| response_sentence(triage.response).to_owned());
            out.insert("action_statement".into(), action.into());
        }
        (_, Some(detail)) => {
            out.insert("status_notes".into(), detail.as_str().into());
        }
        (_, None) => {}
    }
    Value::Object(out)
}

/// The action statement of an affected statement without a detail.
fn response_sentence(response: Option<Response>) -> &'static str {
    match response {
        Some(Response::CanNotFix) => "It cannot be fixed.",
        Some(Response::WillNotFix) => "It will not be fixed.",
        Some(Response::Update) => "Update to a fixed version.",
        Some(Response::Rollback) => "Roll back to an unaffected version.",
        Some(Response::WorkaroundAvailable) => "A workaround is available.",
        None => "No action has been decided yet.",
    }
}

fn source_name(id: &str) -> &'static str {
    if id.starts_with("CVE-") {
        "NVD"
    } else if id.starts_with("GHSA-") {
        "GitHub"
    } else {
        "OSV"
    }
}

fn is_urn_uuid(id: &str) -> bool {
    id.strip_prefix("urn:uuid:").is_some_and(|uuid| {
        uuid.len() == 36
            && uuid
                .char_indices()
                .all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() })
    })
}

fn unique_ref(base: &str, taken: &std::collections::HashSet<&str>) -> String {
    let mut candidate = base.to_owned();
    let mut n = 1;
    while taken.contains(candidate.as_str()) {
        n += 1;
        candidate = format!("{base}-{n}");
    }
    candidate
}

fn pretty(value: &Value) -> String {
    // Serialising a `Value` cannot fail (string keys only); the fallback is never used.
    serde_json::to_string_pretty(value).unwrap_or_default()
}
