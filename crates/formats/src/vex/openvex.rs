//! OpenVEX: 0.2.0 (`@context: https://openvex.dev/ns/v0.2.0`) and the 0.0.x documents
//! before it (`https://openvex.dev/ns`, `…/ns/v0.0.1`), bare or as the `predicate` of an
//! in-toto statement whose `predicateType` is an openvex.dev URL.
//!
//! A statement names its vulnerability as an object (`name`, else `@id`; `aliases`) or, in
//! 0.0.x, as a plain string. Its products are objects (`@id`, a purl or another IRI, and
//! `identifiers.purl`/`cpe23`/`cpe22`, with `subcomponents` of the same shape) or, in
//! 0.0.x, plain strings, with the statement-level `subcomponents` applying to each. The
//! status, justification and the five justification names are OpenVEX's own, so they are
//! ours. The detail is the `impact_statement` for `not_affected`, the `action_statement`
//! for `affected`, else `status_notes` (the writer puts it back in the same place).
//! OpenVEX has no response: the one of an `affected` statement is lost on the way out.
//! A statement without a `timestamp` inherits the document's, as the specification says.

use chainward_core::vuln::vex::{Justification, Triage, VexDocument, VexFormat, VexProduct, VexStatement, VexStatus};

use super::{Reader, index, key, push_alias};
use crate::json::Json;

/// The `@context` of `doc` when it names openvex.dev (a string, or a string in an array).
pub(super) fn context(doc: &Json<'_>) -> Option<String> {
    let is_openvex =
        |text: &str| text.starts_with("https://openvex.dev/ns") || text.starts_with("http://openvex.dev/ns");
    match doc.get("@context")? {
        Json::String(text) if is_openvex(text) => Some(text.to_string()),
        Json::Array(items) => items.iter().filter_map(Json::as_str).find(|t| is_openvex(t)).map(str::to_owned),
        _ => None,
    }
}

/// The OpenVEX predicate of an in-toto statement, with its context (the predicate's own,
/// else the `predicateType`).
pub(super) fn in_toto_predicate<'v, 'a>(doc: &'v Json<'a>) -> Option<(&'v Json<'a>, String)> {
    let predicate_type = doc.get("predicateType")?.as_str()?;
    if !predicate_type.starts_with("https://openvex.dev/ns") {
        return None;
    }
    let predicate = doc.get("predicate")?;
    predicate.as_object()?;
    Some((predicate, context(predicate).unwrap_or_else(|| predicate_type.to_owned())))
}

/// The contexts this reader was written for.
const KNOWN_CONTEXTS: &[&str] = &[
    "https://openvex.dev/ns",
    "https://openvex.dev/ns/v0.0.1",
    "https://openvex.dev/ns/v0.1.0",
    "https://openvex.dev/ns/v0.2.0",
];

pub(super) fn read(doc: &Json<'_>, context: &str, base: &str, reader: &mut Reader) -> VexDocument {
    if !KNOWN_CONTEXTS.contains(&context.trim_end_matches('/')) {
        reader.warning(
            "openvex-unknown-context",
            key(base, "@context"),
            format!("unknown OpenVEX context {context:?}; read as 0.2.0"),
        );
    }
    let mut document = VexDocument {
        format: VexFormat::OpenVex,
        id: reader.string(doc.get("@id"), &key(base, "@id")),
        author: reader.string(doc.get("author"), &key(base, "author")),
        timestamp: reader.string(doc.get("timestamp"), &key(base, "timestamp")),
        statements: Vec::new(),
    };
    let statements_at = key(base, "statements");
    let statements = reader.array(doc.get("statements"), &statements_at);
    for (i, item) in statements.iter().enumerate() {
        let at = index(&statements_at, i);
        if let Some(mut statement) = statement(item, &at, reader) {
            if statement.timestamp.is_none() {
                statement.timestamp.clone_from(&document.timestamp);
            }
            if !reader.push(&mut document.statements, statement, &at) {
                break;
            }
        }
    }
    document
}

fn statement(item: &Json<'_>, at: &str, reader: &mut Reader) -> Option<VexStatement> {
    if item.as_object().is_none() {
        reader.error("vex-wrong-type", at, format!("expected an object, found {}", item.type_name()));
        return None;
    }
    let vulnerability_at = key(at, "vulnerability");
    let (id, aliases) = match item.get("vulnerability") {
        Some(Json::String(text)) if !text.trim().is_empty() => (text.trim().to_owned(), Vec::new()),
        Some(object @ Json::Object(_)) => {
            let name = reader.string(object.get("name"), &key(&vulnerability_at, "name"));
            let iri = reader.string(object.get("@id"), &key(&vulnerability_at, "@id"));
            let Some(id) = name.clone().or_else(|| iri.clone()) else {
                reader.error(
                    "vex-missing-vulnerability",
                    &vulnerability_at,
                    "the vulnerability has neither name nor @id",
                );
                return None;
            };
            let mut aliases = Vec::new();
            let aliases_at = key(&vulnerability_at, "aliases");
            for (i, alias) in reader.array(object.get("aliases"), &aliases_at).iter().enumerate() {
                if let Some(alias) = reader.string(Some(alias), &index(&aliases_at, i)) {
                    push_alias(&mut aliases, &id, alias);
                }
            }
            (id, aliases)
        }
        _ => {
            reader.error("vex-missing-vulnerability", &vulnerability_at, "the statement names no vulnerability");
            return None;
        }
    };

    let status_at = key(at, "status");
    let Some(status_text) = reader.string(item.get("status"), &status_at) else {
        reader.error("vex-missing-status", &status_at, format!("the statement about {id} has no status"));
        return None;
    };
    let Ok(status) = status_text.parse::<VexStatus>() else {
        reader.error("vex-unknown-status", &status_at, format!("unknown status {status_text:?}"));
        return None;
    };
    let justification_at = key(at, "justification");
    let justification = match reader.string(item.get("justification"), &justification_at) {
        None => None,
        Some(text) => match text.parse::<Justification>() {
            Ok(found) => Some(found),
            Err(message) => {
                reader.error("vex-unknown-justification", &justification_at, message);
                None
            }
        },
    };
    let impact = reader.string(item.get("impact_statement"), &key(at, "impact_statement"));
    let action = reader.string(item.get("action_statement"), &key(at, "action_statement"));
    let notes = reader.string(item.get("status_notes"), &key(at, "status_notes"));
    let detail = match status {
        VexStatus::NotAffected => impact.or(notes),
        VexStatus::Affected => action.or(notes),
        _ => notes,
    };
    let mut triage = Triage { status, justification, response: None, detail };
    reader.check_triage(
        &mut triage,
        at,
        "vex-not-affected-without-justification",
        "not_affected without a justification (an impact statement alone is not one): an importer must ask for one",
    );

    // 0.0.x: subcomponents beside the products, for each of them.
    let shared_at = key(at, "subcomponents");
    let shared: Vec<String> =
        reader.array(item.get("subcomponents"), &shared_at).iter().filter_map(|s| identifier(s).0).collect();
    let products_at = key(at, "products");
    let mut products = Vec::new();
    for (i, product) in reader.array(item.get("products"), &products_at).iter().enumerate() {
        let product_at = index(&products_at, i);
        let (purl, cpe, iri) = identifier(product);
        if purl.is_none() && cpe.is_none() && iri.is_none() {
            reader.error("vex-no-products", &product_at, "the product has no @id and no identifiers");
            continue;
        }
        let mut subcomponents = shared.clone();
        let subcomponents_at = key(&product_at, "subcomponents");
        for sub in reader.array(product.get("subcomponents"), &subcomponents_at) {
            let (sub_purl, sub_cpe, sub_iri) = identifier(sub);
            if let Some(id) = sub_purl.or(sub_cpe).or(sub_iri)
                && !subcomponents.contains(&id)
            {
                subcomponents.push(id);
            }
        }
        products.push(VexProduct { purl, cpe, name: iri, subcomponents });
    }
    if products.is_empty() {
        reader.error("vex-no-products", &products_at, format!("the statement about {id} names no product"));
        return None;
    }
    let timestamp = item.get("timestamp").and_then(Json::as_str).map(str::to_owned);
    Some(VexStatement { vulnerability: id, aliases, products, triage, timestamp })
}

/// `(purl, cpe, other IRI)` of a product or subcomponent: a string (0.0.x) or an object
/// with `@id` and `identifiers`. An `@id` that is a purl or CPE counts as one.
fn identifier(value: &Json<'_>) -> (Option<String>, Option<String>, Option<String>) {
    let text =
        |v: Option<&Json<'_>>| v.and_then(Json::as_str).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    let (iri, identifiers) = match value {
        Json::String(_) => (text(Some(value)), None),
        Json::Object(_) => (text(value.get("@id")), value.get("identifiers")),
        _ => (None, None),
    };
    let mut purl = text(identifiers.and_then(|i| i.get("purl")));
    let mut cpe =
        text(identifiers.and_then(|i| i.get("cpe23"))).or_else(|| text(identifiers.and_then(|i| i.get("cpe22"))));
    let mut other = None;
    if let Some(iri) = iri {
        if iri.starts_with("pkg:") {
            purl.get_or_insert(iri);
        } else if iri.starts_with("cpe:") {
            cpe.get_or_insert(iri);
        } else {
            other = Some(iri);
        }
    }
    (purl, cpe, other)
}
