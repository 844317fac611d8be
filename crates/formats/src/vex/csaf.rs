//! CSAF 2.0 and 2.1 VEX: the `product_status` of each vulnerability, per product id.
//!
//! The `product_tree` is flattened first into `product_id → product`: every
//! `full_product_name` in `branches` (at most [`MAX_BRANCH_DEPTH`] deep), in
//! `full_product_names` and in `relationships`, with its purl
//! (`product_identification_helper.purl`, or the first of 2.1's `purls`) and `cpe`. A
//! relationship ("component X is `default_component_of` product Y") becomes product Y's
//! identity (its purl and CPE, unless the relationship's own name has a helper) with X's
//! purl as a subcomponent, OpenVEX-style; its name is the relationship's name.
//! `product_groups` resolve `group_ids`.
//!
//! | `product_status`                                    | status              |
//! |-----------------------------------------------------|---------------------|
//! | `known_affected`, `first_affected`, `last_affected` | affected            |
//! | `known_not_affected`                                | not_affected        |
//! | `fixed`, `first_fixed`                              | fixed               |
//! | `under_investigation`                               | under_investigation |
//! | `recommended`                                       | (ignored)           |
//! | `unknown` (2.1)                                     | (ignored, warning)  |
//!
//! A `not_affected` product's justification is the `label` of the `flags[]` entry that
//! names it (the five labels are our justifications); its detail is the `details` of the
//! `threats[category=impact]` entry that names it. Without a flag it gets no justification
//! and one `csaf-not-affected-without-flag` error per vulnerability (see the module
//! documentation of `vex` for what an importer does with it). An affected product's
//! response and detail come from the first `remediations[]` entry that names it:
//! `vendor_fix` → update, `workaround` and `mitigation` → workaround_available,
//! `no_fix_planned` → will_not_fix, `none_available` → can_not_fix (2.1's `fix_planned`
//! and `optional_patch` give a detail but no response).
//!
//! The vulnerability is its `cve`, else the first `ids[].text`; the other ids are aliases.
//! A vulnerability with neither (CSAF allows it) is named by its `title`, else by the
//! document's tracking id and its JSON pointer, with `csaf-vulnerability-without-id`.
//! Products with the same decision form one statement. Besides, the reader reports the
//! CSAF mandatory tests it can see on the way: 6.1.1 (`csaf-unknown-product-id`), 6.1.2
//! (`csaf-duplicate-product-id`), 6.1.6 (`csaf-contradicting-status`), 6.1.27.9
//! (`csaf-not-affected-without-flag`, stricter: an impact statement is not enough) and
//! 6.1.27.10 (`csaf-affected-without-action`, a warning).

use std::collections::HashMap;

use chainward_core::vuln::vex::{
    Justification, Response, Triage, VexDocument, VexFormat, VexProduct, VexStatement, VexStatus,
};

use super::{MAX_BRANCH_DEPTH, Reader, index, key, push_alias};
use crate::json::Json;

/// What the product tree says about one product id.
type Products = HashMap<String, VexProduct>;

pub(super) fn read(doc: &Json<'_>, reader: &mut Reader) -> VexDocument {
    let document = doc.get("document");
    let tracking = document.and_then(|d| d.get("tracking"));
    let mut out = VexDocument {
        format: VexFormat::Csaf,
        id: reader.string(tracking.and_then(|t| t.get("id")), "/document/tracking/id"),
        author: reader
            .string(document.and_then(|d| d.get("publisher")).and_then(|p| p.get("name")), "/document/publisher/name"),
        timestamp: reader
            .string(tracking.and_then(|t| t.get("current_release_date")), "/document/tracking/current_release_date"),
        statements: Vec::new(),
    };
    let tree = doc.get("product_tree");
    let mut products = Products::new();
    let mut groups: HashMap<&str, Vec<&str>> = HashMap::new();
    if let Some(tree) = tree {
        flatten(tree, &mut products, &mut groups, reader);
    }
    let vulnerabilities = reader.array(doc.get("vulnerabilities"), "/vulnerabilities");
    'vulnerabilities: for (i, vulnerability) in vulnerabilities.iter().enumerate() {
        let at = index("/vulnerabilities", i);
        for statement in statements(vulnerability, &at, out.id.as_deref(), &products, &groups, reader) {
            if !reader.push(&mut out.statements, statement, &at) {
                break 'vulnerabilities;
            }
        }
    }
    out
}

/// Reads the product tree into `products` (by id) and `groups` (group id → product ids).
fn flatten<'v>(
    tree: &'v Json<'_>,
    products: &mut Products,
    groups: &mut HashMap<&'v str, Vec<&'v str>>,
    reader: &mut Reader,
) {
    let base = "/product_tree";
    branches(tree.get("branches"), &key(base, "branches"), 1, products, reader);
    let names_at = key(base, "full_product_names");
    for (i, name) in reader.array(tree.get("full_product_names"), &names_at).iter().enumerate() {
        full_product_name(name, &index(&names_at, i), products, reader);
    }
    // Relationships after the rest: they refer to products defined anywhere.
    let relationships_at = key(base, "relationships");
    let mut related = Vec::new();
    for (i, relationship) in reader.array(tree.get("relationships"), &relationships_at).iter().enumerate() {
        let at = index(&relationships_at, i);
        let Some(name) = relationship.get("full_product_name") else { continue };
        let Some((id, mut product)) = product_of(name, &key(&at, "full_product_name"), reader) else { continue };
        let component = relationship.get("product_reference").and_then(Json::as_str).and_then(|r| products.get(r));
        let platform =
            relationship.get("relates_to_product_reference").and_then(Json::as_str).and_then(|r| products.get(r));
        if let Some(component) = component
            && let Some(purl) = &component.purl
        {
            product.subcomponents.push(purl.clone());
        }
        if product.purl.is_none()
            && product.cpe.is_none()
            && let Some(platform) = platform
        {
            product.purl.clone_from(&platform.purl);
            product.cpe.clone_from(&platform.cpe);
        }
        related.push((id, product, at));
    }
    for (id, product, at) in related {
        define(id, product, &at, products, reader);
    }
    let groups_at = key(base, "product_groups");
    for group in reader.array(tree.get("product_groups"), &groups_at) {
        let Some(group_id) = group.get("group_id").and_then(Json::as_str) else { continue };
        let ids = group.get("product_ids").and_then(Json::as_array).unwrap_or_default();
        groups.entry(group_id).or_default().extend(ids.iter().filter_map(Json::as_str));
    }
}

fn branches(value: Option<&Json<'_>>, at: &str, depth: usize, products: &mut Products, reader: &mut Reader) {
    let items = reader.array(value, at);
    if items.is_empty() {
        return;
    }
    if depth > MAX_BRANCH_DEPTH {
        reader.error(
            "csaf-tree-too-deep",
            at,
            format!("product tree branches nested deeper than {MAX_BRANCH_DEPTH}; skipped"),
        );
        return;
    }
    for (i, branch) in items.iter().enumerate() {
        let branch_at = index(at, i);
        if let Some(product) = branch.get("product") {
            full_product_name(product, &key(&branch_at, "product"), products, reader);
        }
        branches(branch.get("branches"), &key(&branch_at, "branches"), depth + 1, products, reader);
    }
}

fn full_product_name(value: &Json<'_>, at: &str, products: &mut Products, reader: &mut Reader) {
    if let Some((id, product)) = product_of(value, at, reader) {
        define(id, product, at, products, reader);
    }
}

fn define(id: String, product: VexProduct, at: &str, products: &mut Products, reader: &mut Reader) {
    if products.contains_key(&id) {
        reader.error("csaf-duplicate-product-id", key(at, "product_id"), format!("product id {id:?} is defined twice"));
        return;
    }
    products.insert(id, product);
}

/// The id and identity of a `full_product_name`.
fn product_of(value: &Json<'_>, at: &str, reader: &mut Reader) -> Option<(String, VexProduct)> {
    let id = reader.string(value.get("product_id"), &key(at, "product_id"))?;
    let helper = value.get("product_identification_helper");
    let helper_at = key(at, "product_identification_helper");
    let purl = reader.string(helper.and_then(|h| h.get("purl")), &key(&helper_at, "purl")).or_else(|| {
        helper
            .and_then(|h| h.get("purls"))
            .and_then(Json::as_array)
            .and_then(|p| p.first())
            .and_then(Json::as_str)
            .map(str::to_owned)
    });
    let cpe = reader.string(helper.and_then(|h| h.get("cpe")), &key(&helper_at, "cpe"));
    let name = reader.string(value.get("name"), &key(at, "name"));
    Some((id, VexProduct { purl, cpe, name, subcomponents: Vec::new() }))
}

/// The product ids an entry of `flags`, `threats` or `remediations` names, groups resolved.
fn named_ids<'v>(entry: &'v Json<'_>, groups: &HashMap<&str, Vec<&'v str>>) -> Vec<&'v str> {
    let mut ids: Vec<&str> =
        entry.get("product_ids").and_then(Json::as_array).unwrap_or_default().iter().filter_map(Json::as_str).collect();
    for group in entry.get("group_ids").and_then(Json::as_array).unwrap_or_default().iter().filter_map(Json::as_str) {
        ids.extend(groups.get(group).map(Vec::as_slice).unwrap_or_default());
    }
    ids
}

/// The statuses in `product_status`, in the order they are read.
const STATUSES: &[(&str, Option<VexStatus>)] = &[
    ("known_affected", Some(VexStatus::Affected)),
    ("first_affected", Some(VexStatus::Affected)),
    ("last_affected", Some(VexStatus::Affected)),
    ("known_not_affected", Some(VexStatus::NotAffected)),
    ("fixed", Some(VexStatus::Fixed)),
    ("first_fixed", Some(VexStatus::Fixed)),
    ("under_investigation", Some(VexStatus::UnderInvestigation)),
    ("recommended", None),
    ("unknown", None),
];

fn statements<'v>(
    vulnerability: &'v Json<'_>,
    at: &str,
    document_id: Option<&str>,
    products: &Products,
    groups: &HashMap<&str, Vec<&'v str>>,
    reader: &mut Reader,
) -> Vec<VexStatement> {
    let Some(status) = vulnerability.get("product_status") else { return Vec::new() };
    let mut ids = Vec::new();
    if let Some(cve) = reader.string(vulnerability.get("cve"), &key(at, "cve")) {
        ids.push(cve);
    }
    for item in vulnerability.get("ids").and_then(Json::as_array).unwrap_or_default() {
        if let Some(text) = item.get("text").and_then(Json::as_str).map(str::trim).filter(|t| !t.is_empty()) {
            ids.push(text.to_owned());
        }
    }
    let mut ids = ids.into_iter();
    let id = ids.next().unwrap_or_else(|| {
        // CSAF allows a vulnerability without an id (not yet assigned); its title, else
        // its place in the document, names it so that its statements can still be shown.
        let id = vulnerability.get("title").and_then(Json::as_str).map(str::trim).filter(|t| !t.is_empty());
        let id = id.map_or_else(|| format!("{}{at}", document_id.unwrap_or("csaf")), str::to_owned);
        reader.warning(
            "csaf-vulnerability-without-id",
            at,
            format!("the vulnerability has neither cve nor ids; named {id:?}"),
        );
        id
    });
    let mut aliases = Vec::new();
    for alias in ids {
        push_alias(&mut aliases, &id, alias);
    }

    // Flags, impacts and remediations by product id (the first that names it wins).
    let mut flags: HashMap<&str, Justification> = HashMap::new();
    let flags_at = key(at, "flags");
    for (i, flag) in reader.array(vulnerability.get("flags"), &flags_at).iter().enumerate() {
        let label_at = key(&index(&flags_at, i), "label");
        let Some(label) = reader.string(flag.get("label"), &label_at) else { continue };
        match label.parse::<Justification>() {
            Ok(justification) => {
                for product in named_ids(flag, groups) {
                    flags.entry(product).or_insert(justification);
                }
            }
            Err(message) => reader.error("vex-unknown-justification", label_at, message),
        }
        check_known(flag, &index(&flags_at, i), products, reader);
    }
    let mut impacts: HashMap<&str, &str> = HashMap::new();
    let threats_at = key(at, "threats");
    for (i, threat) in reader.array(vulnerability.get("threats"), &threats_at).iter().enumerate() {
        if threat.get("category").and_then(Json::as_str) != Some("impact") {
            continue;
        }
        let Some(details) = threat.get("details").and_then(Json::as_str) else { continue };
        for product in named_ids(threat, groups) {
            impacts.entry(product).or_insert(details);
        }
        check_known(threat, &index(&threats_at, i), products, reader);
    }
    let mut remediations: HashMap<&str, (Option<Response>, Option<&str>)> = HashMap::new();
    let remediations_at = key(at, "remediations");
    for (i, remediation) in reader.array(vulnerability.get("remediations"), &remediations_at).iter().enumerate() {
        let response = match remediation.get("category").and_then(Json::as_str) {
            Some("vendor_fix") => Some(Response::Update),
            Some("workaround" | "mitigation") => Some(Response::WorkaroundAvailable),
            Some("no_fix_planned") => Some(Response::WillNotFix),
            Some("none_available") => Some(Response::CanNotFix),
            _ => None,
        };
        let details = remediation.get("details").and_then(Json::as_str);
        for product in named_ids(remediation, groups) {
            remediations.entry(product).or_insert((response, details));
        }
        check_known(remediation, &index(&remediations_at, i), products, reader);
    }

    // Each product's decision, in document order; statements group equal decisions.
    let status_at = key(at, "product_status");
    let mut seen: HashMap<&str, (VexStatus, &str)> = HashMap::new();
    let mut decisions: Vec<(Triage, Vec<VexProduct>)> = Vec::new();
    let mut without_flag = Vec::new();
    let mut without_action = 0usize;
    for (name, mapped) in STATUSES {
        let list_at = key(&status_at, name);
        let list = reader.array(status.get(name), &list_at);
        if list.is_empty() {
            continue;
        }
        let Some(mapped) = mapped else {
            if *name == "unknown" {
                reader.warning(
                    "csaf-unknown-status-ignored",
                    &list_at,
                    "products whose status is unknown are not VEX statements",
                );
            }
            continue;
        };
        for (j, product_id) in list.iter().enumerate() {
            let Some(product_id) = product_id.as_str() else {
                reader.error(
                    "vex-wrong-type",
                    index(&list_at, j),
                    format!("expected a product id, found {}", product_id.type_name()),
                );
                continue;
            };
            match seen.get(product_id) {
                Some((earlier, _)) if earlier == mapped => continue,
                Some((earlier, earlier_name)) => {
                    reader.error(
                        "csaf-contradicting-status",
                        index(&list_at, j),
                        format!("product {product_id:?} is {earlier} ({earlier_name}) and {mapped} ({name})"),
                    );
                    continue;
                }
                None => {
                    seen.insert(product_id, (*mapped, *name));
                }
            }
            let mut triage = Triage { status: *mapped, justification: None, response: None, detail: None };
            match mapped {
                VexStatus::NotAffected => {
                    triage.justification = flags.get(product_id).copied();
                    triage.detail = impacts.get(product_id).map(|d| (*d).to_owned());
                    if triage.justification.is_none() {
                        without_flag.push(product_id);
                    }
                }
                VexStatus::Affected => {
                    if let Some((response, details)) = remediations.get(product_id) {
                        triage.response = *response;
                        triage.detail = details.map(str::to_owned);
                    } else {
                        without_action += 1;
                    }
                }
                _ => {}
            }
            let product = products.get(product_id).cloned().unwrap_or_else(|| {
                reader.error(
                    "csaf-unknown-product-id",
                    index(&list_at, j),
                    format!("product id {product_id:?} is not in the product tree"),
                );
                VexProduct { name: Some(product_id.to_owned()), ..VexProduct::default() }
            });
            match decisions.iter_mut().find(|(t, _)| *t == triage) {
                Some((_, list)) => list.push(product),
                None => decisions.push((triage, vec![product])),
            }
        }
    }
    if !without_flag.is_empty() {
        let sample: Vec<&str> = without_flag.iter().take(3).copied().collect();
        reader.error(
            "csaf-not-affected-without-flag",
            key(&status_at, "known_not_affected"),
            format!(
                "{} not-affected products of {id} have no flag with a justification (e.g. {}): an importer must ask for one",
                without_flag.len(),
                sample.join(", ")
            ),
        );
    }
    if without_action > 0 {
        reader.warning(
            "csaf-affected-without-action",
            key(&status_at, "known_affected"),
            format!("{without_action} affected products of {id} have no remediation"),
        );
    }
    decisions
        .into_iter()
        .map(|(triage, products)| VexStatement {
            vulnerability: id.clone(),
            aliases: aliases.clone(),
            products,
            triage,
            timestamp: None,
        })
        .collect()
}

/// Reports the `product_ids` of a flag, threat or remediation that the tree does not define.
fn check_known(entry: &Json<'_>, at: &str, products: &Products, reader: &mut Reader) {
    let ids_at = key(at, "product_ids");
    for (i, id) in entry.get("product_ids").and_then(Json::as_array).unwrap_or_default().iter().enumerate() {
        if let Some(id) = id.as_str()
            && !products.contains_key(id)
        {
            reader.error(
                "csaf-unknown-product-id",
                index(&ids_at, i),
                format!("product id {id:?} is not in the product tree"),
            );
        }
    }
}
