//! CycloneDX VEX (JSON, spec 1.4 to 1.7): `vulnerabilities[]` with an `analysis`.
//!
//! Each vulnerability with an `analysis.state` is one statement about the components and
//! services its `affects[].ref` name. A ref is resolved through the `bom-ref`s of the same
//! document (`metadata.component`, `components` at any depth, `services`) to the purl, else
//! the CPE, else the name and version of what it names; without `affects`, the statement is
//! about the document's `metadata.component` (and about no named product, with a warning,
//! when there is none either: VEX "for every product of the author"); a BOM-Link
//! (`urn:cdx:<serial>/<version>#<ref>`) points into another document and is kept as the
//! product's name, as written; an unresolved ref is kept as the name too, with a warning.
//! `id` is the vulnerability; `references[].id` are aliases; `source` is not kept (the
//! writer derives it again from the id).
//!
//! | `analysis.state`         | status                                     |
//! |--------------------------|--------------------------------------------|
//! | `resolved`               | fixed                                      |
//! | `resolved_with_pedigree` | fixed                                      |
//! | `exploitable`            | affected                                   |
//! | `in_triage`              | under_investigation                        |
//! | `false_positive`         | not_affected, component_not_present        |
//! | `not_affected`           | not_affected, by `analysis.justification`  |
//!
//! `false_positive` says the scanner was wrong to match the component: for a product, that
//! is "the vulnerable component is not there", and the writer maps `component_not_present`
//! back to it (CycloneDX has no such justification).
//!
//! | `analysis.justification`          | justification                                     |
//! |-----------------------------------|---------------------------------------------------|
//! | `code_not_present`                | vulnerable_code_not_present                       |
//! | `code_not_reachable`              | vulnerable_code_not_in_execute_path               |
//! | `requires_configuration`          | vulnerable_code_cannot_be_controlled_by_adversary |
//! | `requires_dependency`             | vulnerable_code_cannot_be_controlled_by_adversary |
//! | `requires_environment`            | vulnerable_code_cannot_be_controlled_by_adversary |
//! | `protected_by_compiler`           | inline_mitigations_already_exist                  |
//! | `protected_at_runtime`            | inline_mitigations_already_exist                  |
//! | `protected_at_perimeter`          | inline_mitigations_already_exist                  |
//! | `protected_by_mitigating_control` | inline_mitigations_already_exist                  |
//!
//! The first known `analysis.response[]` is the response (`can_not_fix`, `will_not_fix`,
//! `update`, `rollback`, `workaround_available` are ours already); CycloneDX allows a
//! response with any state, our model only with `affected`, so it is dropped with a warning
//! otherwise. `analysis.detail` is the detail; the statement's timestamp is
//! `analysis.lastUpdated`, else `analysis.firstIssued`, else the vulnerability's `updated`
//! or `published`. A vulnerability without an analysis (a plain vulnerability report) is
//! skipped with `cdx-no-analysis`.

use std::collections::HashMap;

use chainward_core::vuln::vex::{
    Justification, Response, Triage, VexDocument, VexFormat, VexProduct, VexStatement, VexStatus,
};

use super::{Reader, index, key, push_alias};
use crate::json::Json;

/// The spec versions that have `vulnerabilities[].analysis`.
const VERSIONS: &[&str] = &["1.4", "1.5", "1.6", "1.7"];

pub(super) fn read(doc: &Json<'_>, reader: &mut Reader) -> VexDocument {
    let version = match doc.get("specVersion") {
        Some(Json::String(text)) => text.to_string(),
        Some(Json::Number(number)) => number.to_string(),
        _ => String::new(),
    };
    if !VERSIONS.contains(&version.as_str()) {
        reader.warning(
            "cdx-unsupported-version",
            "/specVersion",
            format!("spec version {version:?} has no VEX analysis (1.4 to 1.7 do); read anyway"),
        );
    }
    let metadata = doc.get("metadata");
    let mut document = VexDocument {
        format: VexFormat::CycloneDx,
        id: reader.string(doc.get("serialNumber"), "/serialNumber"),
        author: metadata.and_then(|m| author(m, reader)),
        timestamp: reader.string(metadata.and_then(|m| m.get("timestamp")), "/metadata/timestamp"),
        statements: Vec::new(),
    };

    let mut refs = HashMap::new();
    let component = metadata.and_then(|m| m.get("component"));
    if let Some(component) = component {
        collect_refs(component, &mut refs);
    }
    let described = component.and_then(|c| c.get("bom-ref")).and_then(Json::as_str).and_then(|r| refs.get(r)).cloned();
    for list in ["components", "services"] {
        for item in doc.get(list).and_then(Json::as_array).unwrap_or_default() {
            collect_refs(item, &mut refs);
        }
    }

    let vulnerabilities = reader.array(doc.get("vulnerabilities"), "/vulnerabilities");
    for (i, vulnerability) in vulnerabilities.iter().enumerate() {
        let at = index("/vulnerabilities", i);
        if let Some(statement) = statement(vulnerability, &at, &refs, described.as_ref(), reader)
            && !reader.push(&mut document.statements, statement, &at)
        {
            break;
        }
    }
    document
}

/// The document's author: `metadata.authors[].name`, else the supplier or manufacturer.
fn author(metadata: &Json<'_>, reader: &mut Reader) -> Option<String> {
    let names: Vec<&str> = metadata
        .get("authors")
        .and_then(Json::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|a| a.get("name").and_then(Json::as_str))
        .filter(|n| !n.trim().is_empty())
        .collect();
    if !names.is_empty() {
        return Some(names.join(", "));
    }
    for (field, path) in [("supplier", "/metadata/supplier/name"), ("manufacturer", "/metadata/manufacturer/name")] {
        if let Some(name) = reader.string(metadata.get(field).and_then(|s| s.get("name")), path) {
            return Some(name);
        }
    }
    None
}

/// Records the bom-ref of `item` and of everything nested in it.
fn collect_refs<'v, 'a>(item: &'v Json<'a>, refs: &mut HashMap<&'v str, VexProduct>) {
    if let Some(bom_ref) = item.get("bom-ref").and_then(Json::as_str) {
        let text = |k: &str| item.get(k).and_then(Json::as_str).map(str::trim).filter(|t| !t.is_empty());
        let purl = text("purl").map(str::to_owned);
        let cpe = text("cpe").map(str::to_owned);
        let name = match (purl.is_none() && cpe.is_none(), text("name"), text("version")) {
            (true, Some(name), Some(version)) => Some(format!("{name}@{version}")),
            (true, Some(name), None) => Some(name.to_owned()),
            _ => None,
        };
        refs.entry(bom_ref).or_insert(VexProduct { purl, cpe, name, subcomponents: Vec::new() });
    }
    for nested in ["components", "services"] {
        for child in item.get(nested).and_then(Json::as_array).unwrap_or_default() {
            collect_refs(child, refs);
        }
    }
}

fn statement(
    vulnerability: &Json<'_>,
    at: &str,
    refs: &HashMap<&str, VexProduct>,
    described: Option<&VexProduct>,
    reader: &mut Reader,
) -> Option<VexStatement> {
    if vulnerability.as_object().is_none() {
        reader.error("vex-wrong-type", at, format!("expected an object, found {}", vulnerability.type_name()));
        return None;
    }
    let Some(id) = reader.string(vulnerability.get("id"), &key(at, "id")) else {
        reader.error("vex-missing-vulnerability", at, "the vulnerability has no id");
        return None;
    };
    let Some(analysis) = vulnerability.get("analysis") else {
        reader.warning(
            "cdx-no-analysis",
            at,
            format!("{id} has no analysis: a vulnerability report, not a VEX statement"),
        );
        return None;
    };
    let analysis_at = key(at, "analysis");
    let state_at = key(&analysis_at, "state");
    let Some(state) = reader.string(analysis.get("state"), &state_at) else {
        reader.warning("cdx-no-analysis", &analysis_at, format!("the analysis of {id} has no state"));
        return None;
    };
    let (status, mut justification) = match state.as_str() {
        "resolved" | "resolved_with_pedigree" => (VexStatus::Fixed, None),
        "exploitable" => (VexStatus::Affected, None),
        "in_triage" => (VexStatus::UnderInvestigation, None),
        "false_positive" => (VexStatus::NotAffected, Some(Justification::ComponentNotPresent)),
        "not_affected" => (VexStatus::NotAffected, None),
        other => {
            reader.error("vex-unknown-status", &state_at, format!("unknown analysis state {other:?}"));
            return None;
        }
    };
    let justification_at = key(&analysis_at, "justification");
    if let Some(text) = reader.string(analysis.get("justification"), &justification_at) {
        match cyclonedx_justification(&text) {
            // `false_positive` says more than any justification beside it.
            Some(found) if justification.is_none() => justification = Some(found),
            Some(_) => {}
            None => {
                reader.error("vex-unknown-justification", &justification_at, format!("unknown justification {text:?}"))
            }
        }
    }
    let mut response = None;
    let responses_at = key(&analysis_at, "response");
    for (i, item) in reader.array(analysis.get("response"), &responses_at).iter().enumerate() {
        let Some(text) = item.as_str() else { continue };
        match text.parse::<Response>() {
            Ok(found) => {
                response = Some(found);
                break;
            }
            Err(_) => {
                reader.warning("cdx-unknown-response", index(&responses_at, i), format!("unknown response {text:?}"))
            }
        }
    }
    let mut triage = Triage {
        status,
        justification,
        response,
        detail: reader.string(analysis.get("detail"), &key(&analysis_at, "detail")),
    };
    reader.check_triage(
        &mut triage,
        &analysis_at,
        "vex-not-affected-without-justification",
        "not_affected without a justification: an importer must ask for one",
    );

    let mut aliases = Vec::new();
    for reference in vulnerability.get("references").and_then(Json::as_array).unwrap_or_default() {
        if let Some(alias) = reference.get("id").and_then(Json::as_str) {
            push_alias(&mut aliases, &id, alias.trim().to_owned());
        }
    }

    let affects_at = key(at, "affects");
    let mut products = Vec::new();
    for (i, affect) in reader.array(vulnerability.get("affects"), &affects_at).iter().enumerate() {
        let ref_at = key(&index(&affects_at, i), "ref");
        let Some(reference) = reader.string(affect.get("ref"), &ref_at) else { continue };
        if let Some(product) = refs.get(reference.as_str()) {
            products.push(product.clone());
        } else {
            if !reference.starts_with("urn:cdx:") {
                reader.warning(
                    "cdx-dangling-ref",
                    &ref_at,
                    format!("no component or service has bom-ref {reference:?}"),
                );
            }
            products.push(VexProduct { name: Some(reference), ..VexProduct::default() });
        }
    }
    if products.is_empty() {
        match described {
            Some(product) => products.push(product.clone()),
            None => reader.warning(
                "vex-no-products",
                &affects_at,
                format!(
                    "the analysis of {id} names no product and the document describes none: an importer must ask which"
                ),
            ),
        }
    }

    let timestamp = ["lastUpdated", "firstIssued"]
        .iter()
        .find_map(|k| analysis.get(k).and_then(Json::as_str))
        .or_else(|| ["updated", "published"].iter().find_map(|k| vulnerability.get(k).and_then(Json::as_str)))
        .map(str::to_owned);
    Some(VexStatement { vulnerability: id, aliases, products, triage, timestamp })
}

/// Our justification for a CycloneDX one (see the module documentation).
fn cyclonedx_justification(text: &str) -> Option<Justification> {
    Some(match text {
        "code_not_present" => Justification::VulnerableCodeNotPresent,
        "code_not_reachable" => Justification::VulnerableCodeNotInExecutePath,
        "requires_configuration" | "requires_dependency" | "requires_environment" => {
            Justification::VulnerableCodeCannotBeControlledByAdversary
        }
        "protected_by_compiler"
        | "protected_at_runtime"
        | "protected_at_perimeter"
        | "protected_by_mitigating_control" => Justification::InlineMitigationsAlreadyExist,
        _ => return None,
    })
}
