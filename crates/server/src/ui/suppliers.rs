//! Supplier pages: the list with its filters, a supplier's page (facts, contacts, owners,
//! offerings, subcontractors and the picture of its chain), the create and edit forms, and
//! the forms that link subcontractors.
//!
//! Forms are read as plain name/value pairs ([`Fields`]), so an invalid value never fails
//! the extraction: the form comes back with what the user typed and the error beside the
//! field (status 422). A supplier's own staff edit only the profile fields; the store
//! ignores any other field they might send, and the form does not show them.
//!
//! The small helpers that the offering and service pages share ([`Fields`],
//! [`FieldErrors`], [`Choice`], [`parse_id`]) live here too.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chainward_core::graph::{ChainGraph, NodeKey, NodeKind as GraphKind};
use chainward_core::model::{
    Contact, CountryCode, DataAccess, InvalidValue, LegalIds, OfferingKind, Ownership, OwnershipArea, RaciRole,
    SubcontractData, SubcontractId, Supplier, SupplierData, SupplierId, SupplierKind, SupplierStatus, Tier,
    check_email, check_name,
};
use chainward_core::picture::{Options, Picture, PictureError, render_svg, supplier_chain};
use chainward_store::{OfferingFilter, Page, StoreError, SupplierFilter};
use time::Date;
use uuid::Uuid;

use super::dashboard::{NodeLink, node_link};
use super::{CsrfForm, Frame, PageError, Pager, redirect_with_flash, render, render_status, url_encode};
use crate::auth::{Access, Need};
use crate::error::ApiError;
use crate::state::AppState;

/// Rows on one page of a list.
pub(super) const PAGE_SIZE: u64 = 50;

/// Offerings listed on a supplier's page before "show all".
const OFFERINGS_SHOWN: u64 = 100;

/// Dependent internal services listed on a supplier's page.
const DEPENDENTS_SHOWN: usize = 50;

// ---- helpers shared by the registry pages -----------------------------------------------

/// A form or query string as name/value pairs, in the order the browser sent them.
/// Reading a form this way never fails, so a bad value becomes a message beside its field
/// rather than a rejected request.
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// Fields from pairs.
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Fields(pairs)
    }

    /// The first value of `name` as sent (empty when absent); for showing it again.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    /// The first value of `name`, trimmed, when it is not empty.
    pub fn opt(&self, name: &str) -> Option<String> {
        let value = self.get(name).trim();
        (!value.is_empty()).then(|| value.to_owned())
    }

    /// Every value of a repeated field, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// Sets `name` (replacing earlier values).
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_owned(), value.into()));
    }

    /// Appends a value of a repeated field.
    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.0.push((name.to_owned(), value.into()));
    }

    /// A query string (`?a=1&b=2`) of the given fields that have a value; empty when none.
    pub fn query(&self, names: &[&str]) -> String {
        let parts: Vec<String> =
            names.iter().filter_map(|name| self.opt(name).map(|v| format!("{name}={}", url_encode(&v)))).collect();
        if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
    }

    /// The `offset` of a list page (0 when absent or not a number).
    pub fn offset(&self) -> u64 {
        self.opt("offset").and_then(|o| o.parse().ok()).unwrap_or(0)
    }
}

/// One failure of a form field.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// The field's `id` in the form, for the link from the summary.
    pub field: String,
    /// The field's name, for people.
    pub label: String,
    /// What is wrong.
    pub message: String,
}

/// A form field's name for people, for the summary of failures.
fn field_label(field: &str) -> String {
    match field {
        "lei" => "LEI".to_owned(),
        "duns" => "D-U-N-S number".to_owned(),
        "vat" => "VAT number".to_owned(),
        "other_id" => "Other registry number".to_owned(),
        "owners" => "Ownership (RACI)".to_owned(),
        "rto_hours" => "Recovery time objective".to_owned(),
        "owner_email" => "Owner's e-mail".to_owned(),
        other => human(other),
    }
}

/// The validation failures of a form: one message per field, and general ones.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors {
    /// Failures, in the order found.
    pub list: Vec<FieldError>,
}

impl FieldErrors {
    /// Records a failure of `field` (the first one of a field is kept).
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.list.push(FieldError { field: field.to_owned(), label: field_label(field), message: message.into() });
        }
    }

    /// Records a validation failure under its own field.
    pub fn add_invalid(&mut self, value: &InvalidValue) {
        self.add(value.field, value.reason.clone());
    }

    /// The failure of `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.list.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// True when nothing failed.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// One `<option>` of a `<select>`.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// The text shown.
    pub label: String,
    /// Whether it is selected.
    pub selected: bool,
}

/// Options for the stable spellings `values`, labelled for people; `selected` is the
/// current value.
pub fn choices<'a>(values: impl IntoIterator<Item = &'a str>, selected: &str) -> Vec<Choice> {
    values.into_iter().map(|v| Choice { value: v.to_owned(), label: human(v), selected: v == selected }).collect()
}

/// The four tiers as options.
pub fn tier_choices(selected: &str) -> Vec<Choice> {
    (1..=4u8)
        .map(|n| {
            let label = match n {
                1 => "1 (most critical)".to_owned(),
                4 => "4 (least critical)".to_owned(),
                n => n.to_string(),
            };
            Choice { value: n.to_string(), label, selected: selected == n.to_string() }
        })
        .collect()
}

/// A stable kebab-case spelling as people read it: `cloud-service-provider` becomes
/// "Cloud service provider".
pub fn human(spelling: &str) -> String {
    if spelling == "it" {
        return "IT".to_owned();
    }
    let text = spelling.replace(['-', '_'], " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// An id from the path; one that is not a UUID names nothing, so it is a 404.
pub fn parse_id(raw: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(raw).map_err(|_| PageError(ApiError::NotFound(format!("{raw:?} is not an id"))))
}

/// A date typed into `<input type="date">` (`YYYY-MM-DD`).
pub fn parse_date(field: &'static str, raw: &str) -> Result<Date, InvalidValue> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(raw.trim(), format)
        .map_err(|_| InvalidValue::new(field, format!("{raw:?} is not a date such as 2024-05-31")))
}

/// A link with a text.
#[derive(Debug, Clone)]
pub struct Link {
    /// Target.
    pub href: String,
    /// Text.
    pub label: String,
}

// ---- the list -------------------------------------------------------------------------

/// One row of the supplier list.
#[derive(Debug, Clone)]
pub struct SupplierRow {
    /// Link to the supplier.
    pub href: String,
    /// Name.
    pub name: String,
    /// Kind, for people.
    pub kind: String,
    /// Tier number.
    pub tier: u8,
    /// Status, for people.
    pub status: String,
    /// Status spelling, for the tag's class.
    pub status_code: &'static str,
    /// Country code, or empty.
    pub country: String,
}

/// `GET /suppliers`.
#[derive(Template)]
#[template(path = "suppliers.html")]
pub struct ListPage {
    frame: Frame,
    filters: Fields,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    tiers: Vec<Choice>,
    /// A filter that is not valid, shown instead of the results.
    filter_error: Option<String>,
    rows: Vec<SupplierRow>,
    pager: Pager,
    can_create: bool,
    can_import: bool,
    scoped: bool,
    filtered: bool,
}

const SUPPLIER_FILTERS: &[&str] = &["q", "kind", "status", "tier", "country"];

fn supplier_filter(filters: &Fields) -> Result<SupplierFilter, InvalidValue> {
    Ok(SupplierFilter {
        q: filters.opt("q"),
        kind: filters.opt("kind").map(|v| v.parse()).transpose()?,
        status: filters.opt("status").map(|v| v.parse()).transpose()?,
        tier: filters.opt("tier").map(|v| v.parse()).transpose()?,
        country: filters.opt("country").map(|v| v.parse()).transpose()?,
    })
}

/// `GET /suppliers`: search and filters, 50 a page. Supplier users see only their own
/// (the store confines them).
pub async fn list(
    access: Access,
    headers: HeaderMap,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let filters = Fields::new(pairs);
    let scoped = access.caller.supplier_scope().is_some();
    let title = if scoped { "Our company" } else { "Suppliers" };
    let offset = filters.offset();
    let base = format!("/suppliers{}", filters.query(SUPPLIER_FILTERS));
    let (rows, pager, filter_error) = match supplier_filter(&filters) {
        Ok(filter) => {
            let found = access.store().list_suppliers(&filter, Page { offset, limit: PAGE_SIZE }).await?;
            let pager = Pager::new(&base, offset, PAGE_SIZE, found.items.len(), found.total);
            (found.items.iter().map(supplier_row).collect(), pager, None)
        }
        Err(e) => {
            (Vec::new(), Pager::new(&base, 0, PAGE_SIZE, 0, 0), Some(format!("{}: {}", human(e.field), e.reason)))
        }
    };
    let page = ListPage {
        frame: Frame::new(&access, &headers, title, "/suppliers"),
        kinds: choices(SupplierKind::ALL.iter().map(|k| k.as_str()), filters.get("kind")),
        statuses: choices(SupplierStatus::ALL.iter().map(|s| s.as_str()), filters.get("status")),
        tiers: tier_choices(filters.get("tier")),
        filtered: SUPPLIER_FILTERS.iter().any(|f| filters.opt(f).is_some()),
        filters,
        rows,
        pager,
        can_create: access.can(Need::ManageSuppliers),
        can_import: access.can(Need::ManageSuppliers),
        scoped,
        filter_error: filter_error.clone(),
    };
    Ok(if filter_error.is_some() { render_status(StatusCode::BAD_REQUEST, &page) } else { render(&page) })
}

fn supplier_row(s: &Supplier) -> SupplierRow {
    SupplierRow {
        href: format!("/suppliers/{}", s.id),
        name: s.data.name.clone(),
        kind: human(s.data.kind.as_str()),
        tier: s.data.tier.get(),
        status: human(s.data.status.as_str()),
        status_code: s.data.status.as_str(),
        country: s.data.country.map(|c| c.to_string()).unwrap_or_default(),
    }
}

// ---- one supplier -----------------------------------------------------------------------

/// A contact, for display.
#[derive(Debug, Clone)]
pub struct ContactView {
    /// Which contact.
    pub title: &'static str,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Telephone.
    pub phone: String,
}

/// A RACI assignment, for display.
#[derive(Debug, Clone)]
pub struct OwnerView {
    /// Area.
    pub area: String,
    /// RACI role.
    pub role: String,
    /// Person.
    pub person: String,
    /// E-mail.
    pub email: String,
}

/// A subcontracting link, for display.
#[derive(Debug, Clone)]
pub struct LinkView {
    /// The link's id (for its delete form).
    pub id: String,
    /// The other supplier.
    pub other: Link,
    /// What is subcontracted.
    pub scope: String,
    /// Since when, or empty.
    pub since: String,
    /// Whether our data is handled.
    pub handles_our_data: bool,
}

/// `GET /suppliers/{id}`.
#[derive(Template)]
#[template(path = "supplier.html")]
pub struct ShowPage {
    frame: Frame,
    id: String,
    name: String,
    kind: String,
    tier: u8,
    status: String,
    status_code: &'static str,
    data_access: String,
    country: String,
    website: String,
    description: String,
    legal_ids: Vec<(&'static str, String)>,
    contacts: Vec<ContactView>,
    owners: Vec<OwnerView>,
    created: String,
    updated: String,
    offerings: Vec<Link>,
    offerings_total: u64,
    offerings_more: bool,
    offerings_all: String,
    offering_kinds: Vec<Choice>,
    can_edit: bool,
    can_manage: bool,
    internal: bool,
    subcontractors: Vec<LinkView>,
    subcontracting_for: Vec<LinkView>,
    dependents: Vec<NodeLink>,
    dependents_total: usize,
}

/// `GET /suppliers/{id}`: everything about one supplier. Subcontracting, the services
/// that rest on it and the chain picture are for internal roles only.
pub async fn show(
    access: Access,
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = SupplierId(parse_id(&raw)?);
    let store = access.store();
    let supplier = store.get_supplier(id).await?;
    let filter = OfferingFilter { supplier: Some(id), ..OfferingFilter::default() };
    let offerings = store.list_offerings(&filter, Page { offset: 0, limit: OFFERINGS_SHOWN }).await?;
    let internal = access.can(Need::ReadInternal);
    let (mut subcontractors, mut subcontracting_for, mut dependents, mut dependents_total) =
        (Vec::new(), Vec::new(), Vec::new(), 0);
    if internal {
        let links = store.list_subcontracts(Some(id)).await?;
        let graph = state.graph().await?;
        let name_of = |other: SupplierId| Link {
            href: format!("/suppliers/{other}"),
            label: graph
                .find(NodeKey::Supplier(other))
                .map_or_else(|| other.to_string(), |n| graph.label(n).to_owned()),
        };
        for link in &links {
            let d = &link.data;
            let view = |other| LinkView {
                id: link.id.to_string(),
                other: name_of(other),
                scope: d.scope.clone(),
                since: d.since.map(|s| s.to_string()).unwrap_or_default(),
                handles_our_data: d.handles_our_data,
            };
            if d.supplier == id {
                subcontractors.push(view(d.subcontractor));
            } else {
                subcontracting_for.push(view(d.supplier));
            }
        }
        subcontractors.sort_by_cached_key(|l| l.other.label.to_lowercase());
        subcontracting_for.sort_by_cached_key(|l| l.other.label.to_lowercase());
        let found = tokio::task::spawn_blocking(move || {
            let Some(origin) = graph.find(NodeKey::Supplier(id)) else { return (Vec::new(), 0) };
            let services: Vec<_> =
                graph.dependents(origin).reached().filter(|&n| graph.kind(n) == Some(GraphKind::Service)).collect();
            let mut links: Vec<NodeLink> = services.iter().filter_map(|&n| node_link(&graph, n)).collect();
            links.sort_by_cached_key(|l| l.label.to_lowercase());
            links.truncate(DEPENDENTS_SHOWN);
            (links, services.len())
        })
        .await
        .map_err(|e| ApiError::internal(format!("graph query task failed: {e}")))?;
        (dependents, dependents_total) = found;
    }
    let d = &supplier.data;
    let legal_ids = [
        ("LEI", &d.legal_ids.lei),
        ("D-U-N-S", &d.legal_ids.duns),
        ("VAT", &d.legal_ids.vat),
        ("Other", &d.legal_ids.other),
    ]
    .into_iter()
    .filter_map(|(label, v)| v.clone().map(|v| (label, v)))
    .collect();
    let contacts = [
        ("Security (PSIRT)", &d.security_contact),
        ("Incidents", &d.incident_contact),
        ("Account manager", &d.account_contact),
    ]
    .into_iter()
    .filter(|(_, c)| !c.is_empty())
    .map(|(title, c)| ContactView {
        title,
        name: c.name.clone().unwrap_or_default(),
        email: c.email.clone().unwrap_or_default(),
        phone: c.phone.clone().unwrap_or_default(),
    })
    .collect();
    let owners = d
        .owners
        .iter()
        .map(|o| OwnerView {
            area: human(o.area.as_str()),
            role: human(o.role.as_str()),
            person: o.person.clone(),
            email: o.email.clone(),
        })
        .collect();
    let page = ShowPage {
        frame: Frame::new(&access, &headers, d.name.clone(), "/suppliers"),
        id: id.to_string(),
        name: d.name.clone(),
        kind: human(d.kind.as_str()),
        tier: d.tier.get(),
        status: human(d.status.as_str()),
        status_code: d.status.as_str(),
        data_access: human(d.data_access.as_str()),
        country: d.country.map(|c| c.to_string()).unwrap_or_default(),
        website: d.website.clone().unwrap_or_default(),
        description: d.description.clone().unwrap_or_default(),
        legal_ids,
        contacts,
        owners,
        created: supplier.created_at.date().to_string(),
        updated: supplier.updated_at.date().to_string(),
        offerings: offerings
            .items
            .iter()
            .map(|o| Link { href: format!("/offerings/{}", o.id), label: o.data.name.clone() })
            .collect(),
        offerings_total: offerings.total,
        offerings_more: offerings.total > offerings.items.len() as u64,
        offerings_all: format!("/offerings?supplier={id}"),
        offering_kinds: choices(OfferingKind::ALL.iter().map(|k| k.as_str()), ""),
        can_edit: access.can(Need::EditSuppliers),
        can_manage: access.can(Need::ManageSuppliers),
        internal,
        subcontractors,
        subcontracting_for,
        dependents,
        dependents_total,
    };
    Ok(render(&page))
}

// ---- the forms --------------------------------------------------------------------------

/// One RACI row of the supplier form.
#[derive(Debug, Clone)]
pub struct OwnerRow {
    /// Row number, from 1.
    pub number: usize,
    /// Area options.
    pub areas: Vec<Choice>,
    /// Role options.
    pub roles: Vec<Choice>,
    /// Person, as typed.
    pub person: String,
    /// E-mail, as typed.
    pub email: String,
}

/// The supplier form, for creating and editing.
#[derive(Template)]
#[template(path = "supplier_form.html")]
pub struct FormPage {
    frame: Frame,
    /// Where the form posts.
    action: String,
    /// Where "Cancel" goes.
    cancel: String,
    /// The supplier's name, when editing.
    editing: Option<String>,
    /// Only the profile fields (a supplier's own staff).
    profile_only: bool,
    values: Fields,
    errors: FieldErrors,
    kinds: Vec<Choice>,
    tiers: Vec<Choice>,
    statuses: Vec<Choice>,
    data_access: Vec<Choice>,
    owners: Vec<OwnerRow>,
    contacts: Vec<(&'static str, &'static str)>,
}

/// The blank RACI rows offered below the filled ones.
const BLANK_OWNER_ROWS: usize = 2;

const CONTACTS: &[(&str, &str)] = &[
    ("security_contact", "Security contact (PSIRT)"),
    ("incident_contact", "Incident contact"),
    ("account_contact", "Account manager"),
];

impl FormPage {
    fn new(
        frame: Frame,
        action: String,
        cancel: String,
        editing: Option<String>,
        profile_only: bool,
        values: Fields,
    ) -> Self {
        let owners = owner_rows(&values);
        FormPage {
            frame,
            action,
            cancel,
            editing,
            profile_only,
            kinds: choices(SupplierKind::ALL.iter().map(|k| k.as_str()), values.get("kind")),
            tiers: tier_choices(values.get("tier")),
            statuses: choices(SupplierStatus::ALL.iter().map(|s| s.as_str()), values.get("status")),
            data_access: choices(DataAccess::ALL.iter().map(|d| d.as_str()), values.get("data_access")),
            owners,
            contacts: CONTACTS.to_vec(),
            values,
            errors: FieldErrors::default(),
        }
    }

    /// The value of contact `prefix`'s `part` (`name`, `email`, `phone`).
    fn contact(&self, prefix: &str, part: &str) -> &str {
        self.values.get(&format!("{prefix}_{part}"))
    }

    /// The failure of contact `prefix`'s `part`, if any.
    fn contact_error(&self, prefix: &str, part: &str) -> Option<&str> {
        self.errors.get(&format!("{prefix}_{part}"))
    }
}

fn owner_rows(values: &Fields) -> Vec<OwnerRow> {
    let (areas, roles, persons, emails) =
        (values.all("owner_area"), values.all("owner_role"), values.all("owner_person"), values.all("owner_email"));
    let n = areas.len().max(roles.len()).max(persons.len()).max(emails.len());
    let at = |list: &[&str], i: usize| list.get(i).copied().unwrap_or("").to_owned();
    (0..n)
        .filter(|&i| !at(&persons, i).trim().is_empty() || !at(&emails, i).trim().is_empty())
        .map(|i| (at(&areas, i), at(&roles, i), at(&persons, i), at(&emails, i)))
        .chain(std::iter::repeat_n(Default::default(), BLANK_OWNER_ROWS))
        .enumerate()
        .map(|(i, (area, role, person, email)): (usize, (String, String, String, String))| OwnerRow {
            number: i + 1,
            areas: choices(OwnershipArea::ALL.iter().map(|a| a.as_str()), &area),
            roles: choices(RaciRole::ALL.iter().map(|r| r.as_str()), &role),
            person,
            email,
        })
        .collect()
}

/// The form's fields for an existing supplier.
fn supplier_fields(d: &SupplierData) -> Fields {
    let mut f = Fields::default();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    f.set("name", d.name.clone());
    f.set("kind", d.kind.as_str());
    f.set("tier", d.tier.to_string());
    f.set("status", d.status.as_str());
    f.set("data_access", d.data_access.as_str());
    f.set("country", d.country.map(|c| c.to_string()).unwrap_or_default());
    f.set("website", text(&d.website));
    f.set("description", text(&d.description));
    f.set("lei", text(&d.legal_ids.lei));
    f.set("duns", text(&d.legal_ids.duns));
    f.set("vat", text(&d.legal_ids.vat));
    f.set("other_id", text(&d.legal_ids.other));
    for (prefix, contact) in [
        ("security_contact", &d.security_contact),
        ("incident_contact", &d.incident_contact),
        ("account_contact", &d.account_contact),
    ] {
        f.set(&format!("{prefix}_name"), text(&contact.name));
        f.set(&format!("{prefix}_email"), text(&contact.email));
        f.set(&format!("{prefix}_phone"), text(&contact.phone));
    }
    for o in &d.owners {
        f.push("owner_area", o.area.as_str());
        f.push("owner_role", o.role.as_str());
        f.push("owner_person", o.person.clone());
        f.push("owner_email", o.email.clone());
    }
    f
}

/// Reads the supplier form. `base` is the supplier as stored (when editing); with
/// `profile_only`, only the profile fields are taken from the form and the rest from
/// `base`. Every field is checked, so all failures are reported at once.
pub fn supplier_data(
    fields: &Fields,
    base: Option<&SupplierData>,
    profile_only: bool,
) -> Result<SupplierData, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut data = match (base, profile_only) {
        (Some(base), true) => base.clone(),
        _ => SupplierData::named(fields.get("name").trim(), SupplierKind::Other),
    };
    if !(profile_only && base.is_some()) {
        note(&mut errors, "kind", fields.get("kind").parse().map(|v| data.kind = v));
        note(&mut errors, "tier", fields.get("tier").parse::<Tier>().map(|v| data.tier = v));
        note(&mut errors, "status", fields.get("status").parse().map(|v| data.status = v));
        note(&mut errors, "data_access", fields.get("data_access").parse().map(|v| data.data_access = v));
        data.owners = owners(fields, &mut errors);
    }
    note(
        &mut errors,
        "country",
        fields.opt("country").map(|c| c.parse::<CountryCode>()).transpose().map(|v| data.country = v),
    );
    data.website = fields.opt("website");
    if !(profile_only && base.is_some()) {
        note(&mut errors, "name", check_name("name", fields.get("name")).map(|_| ()));
    }
    if let Some(website) = &data.website {
        // The domain's own check of a website, on a supplier that is otherwise valid.
        let probe =
            SupplierData { website: Some(website.clone()), ..SupplierData::named("probe", SupplierKind::Other) };
        note(&mut errors, "website", probe.validated().map(|_| ()));
    }
    data.description = fields.opt("description");
    // A supplier's own staff do not change its legal identifiers (the store refuses it as
    // well): their form does not show them, and anything sent in their place is ignored.
    if !(profile_only && base.is_some()) {
        let ids = LegalIds {
            lei: fields.opt("lei"),
            duns: fields.opt("duns"),
            vat: fields.opt("vat"),
            other: fields.opt("other_id"),
        };
        // Each identifier on its own, so every bad one is reported beside its field.
        for (field, one) in [
            ("lei", LegalIds { lei: ids.lei.clone(), ..LegalIds::default() }),
            ("duns", LegalIds { duns: ids.duns.clone(), ..LegalIds::default() }),
            ("vat", LegalIds { vat: ids.vat.clone(), ..LegalIds::default() }),
        ] {
            if let Err(e) = one.normalised() {
                errors.add(field, e.reason);
            }
        }
        data.legal_ids = ids;
    }
    let mut contact = |prefix: &str| {
        let email_field = format!("{prefix}_email");
        let email = fields.opt(&email_field);
        if let Some(e) = &email
            && let Err(e) = check_email("email", e)
        {
            errors.add(&email_field, e.reason);
        }
        Contact { name: fields.opt(&format!("{prefix}_name")), email, phone: fields.opt(&format!("{prefix}_phone")) }
    };
    data.security_contact = contact("security_contact");
    data.incident_contact = contact("incident_contact");
    data.account_contact = contact("account_contact");
    if !errors.is_empty() {
        return Err(errors);
    }
    // What the checks above do not cover (the name, the website) is checked here.
    data.validated().map_err(|e| {
        let mut errors = FieldErrors::default();
        errors.add_invalid(&e);
        errors
    })
}

/// Records the failure of `field`, if `result` is one.
fn note(errors: &mut FieldErrors, field: &str, result: Result<(), InvalidValue>) {
    if let Err(e) = result {
        errors.add(field, e.reason);
    }
}

/// The RACI rows of the form; a row with neither person nor e-mail is left out.
fn owners(fields: &Fields, errors: &mut FieldErrors) -> Vec<Ownership> {
    let (areas, roles, persons, emails) =
        (fields.all("owner_area"), fields.all("owner_role"), fields.all("owner_person"), fields.all("owner_email"));
    let mut out = Vec::new();
    for (i, person) in persons.iter().enumerate() {
        let person = person.trim();
        let email = emails.get(i).map_or("", |e| e.trim());
        if person.is_empty() && email.is_empty() {
            continue;
        }
        let row = i + 1;
        let owner = (|| -> Result<Ownership, InvalidValue> {
            if person.is_empty() || email.is_empty() {
                return Err(InvalidValue::new("owners", "give both the person's name and e-mail"));
            }
            Ownership {
                area: areas.get(i).copied().unwrap_or("").parse()?,
                role: roles.get(i).copied().unwrap_or("").parse()?,
                person: person.to_owned(),
                email: email.to_owned(),
            }
            .validated()
        })();
        match owner {
            Ok(o) => out.push(o),
            Err(e) => errors.add("owners", format!("row {row}: {} {}", e.field, e.reason)),
        }
    }
    out
}

/// Turns a store failure of a form into messages beside the fields, or a page error when
/// it is not about the form.
fn form_failure(e: StoreError) -> Result<(StatusCode, FieldErrors), PageError> {
    let mut errors = FieldErrors::default();
    match e {
        StoreError::Invalid(value) => {
            errors.add_invalid(&value);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, errors))
        }
        StoreError::Conflict(message) => {
            errors.add("name", message);
            Ok((StatusCode::CONFLICT, errors))
        }
        other => Err(other.into()),
    }
}

/// `GET /suppliers/new`.
pub async fn new_form(access: Access, headers: HeaderMap) -> Response {
    let mut values = Fields::default();
    values.set("tier", "3");
    values.set("status", SupplierStatus::Prospect.as_str());
    values.set("data_access", DataAccess::None.as_str());
    values.set("kind", SupplierKind::SoftwareVendor.as_str());
    let frame = Frame::new(&access, &headers, "New supplier", "/suppliers");
    render(&FormPage::new(frame, "/suppliers".into(), "/suppliers".into(), None, false, values))
}

/// `POST /suppliers`: creates a supplier, or shows the form again with the failures.
pub async fn create(
    access: Access,
    headers: HeaderMap,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let fields = Fields::new(pairs);
    let again = |status, errors| {
        let frame = Frame::new(&access, &headers, "New supplier", "/suppliers");
        let mut page = FormPage::new(frame, "/suppliers".into(), "/suppliers".into(), None, false, fields.clone());
        page.errors = errors;
        render_status(status, &page)
    };
    let data = match supplier_data(&fields, None, false) {
        Ok(data) => data,
        Err(errors) => return Ok(again(StatusCode::UNPROCESSABLE_ENTITY, errors)),
    };
    match access.store().create_supplier(data).await {
        Ok(s) => Ok(redirect_with_flash(
            &format!("/suppliers/{}", s.id),
            &format!("Supplier \u{201c}{}\u{201d} created.", s.data.name),
            false,
        )),
        Err(e) => {
            let (status, errors) = form_failure(e)?;
            Ok(again(status, errors))
        }
    }
}

/// Whether the caller edits only the profile (a supplier's own staff).
fn profile_only(access: &Access) -> bool {
    access.caller.supplier_scope().is_some() || !access.can(Need::ManageSuppliers)
}

/// `GET /suppliers/{id}/edit`.
pub async fn edit_form(access: Access, headers: HeaderMap, Path(raw): Path<String>) -> Result<Response, PageError> {
    let id = SupplierId(parse_id(&raw)?);
    let supplier = access.store().get_supplier(id).await?;
    let frame = Frame::new(&access, &headers, format!("Edit {}", supplier.data.name), "/suppliers");
    let back = format!("/suppliers/{id}");
    Ok(render(&FormPage::new(
        frame,
        back.clone(),
        back,
        Some(supplier.data.name.clone()),
        profile_only(&access),
        supplier_fields(&supplier.data),
    )))
}

/// `POST /suppliers/{id}`: saves the form, or shows it again with the failures.
pub async fn update(
    access: Access,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = SupplierId(parse_id(&raw)?);
    let fields = Fields::new(pairs);
    let existing = access.store().get_supplier(id).await?;
    let profile_only = profile_only(&access);
    let back = format!("/suppliers/{id}");
    let again = |status, errors| {
        let frame = Frame::new(&access, &headers, format!("Edit {}", existing.data.name), "/suppliers");
        let mut page = FormPage::new(
            frame,
            back.clone(),
            back.clone(),
            Some(existing.data.name.clone()),
            profile_only,
            fields.clone(),
        );
        page.errors = errors;
        render_status(status, &page)
    };
    let data = match supplier_data(&fields, Some(&existing.data), profile_only) {
        Ok(data) => data,
        Err(errors) => return Ok(again(StatusCode::UNPROCESSABLE_ENTITY, errors)),
    };
    match access.store().update_supplier(id, data).await {
        Ok(s) => Ok(redirect_with_flash(&back, &format!("Supplier \u{201c}{}\u{201d} saved.", s.data.name), false)),
        Err(e) => {
            let (status, errors) = form_failure(e)?;
            Ok(again(status, errors))
        }
    }
}

/// A form that carries only its CSRF token.
#[derive(Debug, serde::Deserialize)]
pub struct EmptyForm {}

/// `POST /suppliers/{id}/delete`: deletes a supplier with its offerings, releases, links
/// and the uses of its offerings.
pub async fn delete(
    access: Access,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    let id = SupplierId(parse_id(&raw)?);
    let store = access.store();
    let supplier = store.get_supplier(id).await?;
    store.delete_supplier(id).await?;
    Ok(redirect_with_flash(
        "/suppliers",
        &format!("Supplier \u{201c}{}\u{201d} deleted, with its offerings and links.", supplier.data.name),
        false,
    ))
}

// ---- subcontracting ---------------------------------------------------------------------

/// The add-subcontractor form.
#[derive(Debug, serde::Deserialize)]
pub struct SubcontractForm {
    /// Name, LEI, D-U-N-S or VAT number of the subcontractor.
    #[serde(default)]
    subcontractor: String,
    /// What is subcontracted.
    #[serde(default)]
    scope: String,
    /// Since when (`YYYY-MM-DD`), may be empty.
    #[serde(default)]
    since: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    handles_our_data: Option<String>,
}

/// `POST /suppliers/{id}/subcontractors`: links a subcontractor, found by name, LEI,
/// D-U-N-S or VAT number. Failures come back as a notice on the supplier's page.
pub async fn add_subcontractor(
    access: Access,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<SubcontractForm>,
) -> Result<Response, PageError> {
    let id = SupplierId(parse_id(&raw)?);
    let store = access.store();
    let supplier = store.get_supplier(id).await?;
    let back = format!("/suppliers/{id}#subcontractors");
    let fail = |message: String| Ok(redirect_with_flash(&back, &message, true));
    let reference = form.subcontractor.trim();
    if reference.is_empty() {
        return fail("Name the subcontractor (its name, LEI, D-U-N-S or VAT number).".to_owned());
    }
    let since = match form.since.trim() {
        "" => None,
        text => match parse_date("since", text) {
            Ok(d) => Some(d),
            Err(e) => return fail(format!("Since: {}.", e.reason)),
        },
    };
    let other = match store.find_supplier(reference).await {
        Ok(other) => other,
        Err(StoreError::NotFound { .. }) => {
            return fail(format!(
                "No supplier is named \u{201c}{reference}\u{201d} or has that identifier. Add it as a supplier first."
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if other.id == id {
        return fail("A supplier cannot subcontract to itself.".to_owned());
    }
    let data = SubcontractData {
        supplier: id,
        subcontractor: other.id,
        scope: form.scope.trim().to_owned(),
        since,
        handles_our_data: form.handles_our_data.is_some(),
    };
    match store.create_subcontract(data).await {
        Ok(_) => Ok(redirect_with_flash(
            &back,
            &format!(
                "\u{201c}{}\u{201d} is now a subcontractor of \u{201c}{}\u{201d}.",
                other.data.name, supplier.data.name
            ),
            false,
        )),
        Err(StoreError::Conflict(message)) => fail(format!("Not linked: {message}.")),
        Err(StoreError::Invalid(value)) => fail(format!("Not linked: {value}.")),
        Err(e) => Err(e.into()),
    }
}

/// The delete-link form: the supplier page to go back to.
#[derive(Debug, serde::Deserialize)]
pub struct DeleteLinkForm {
    #[serde(default)]
    back: String,
}

/// `POST /subcontracts/{id}/delete`: removes a subcontracting link.
pub async fn delete_subcontract(
    access: Access,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DeleteLinkForm>,
) -> Result<Response, PageError> {
    let id = SubcontractId(parse_id(&raw)?);
    access.store().delete_subcontract(id).await?;
    // Only a supplier id is accepted as the way back: no redirect elsewhere.
    let back = Uuid::parse_str(form.back.trim())
        .map_or_else(|_| "/suppliers".to_owned(), |s| format!("/suppliers/{s}#subcontractors"));
    Ok(redirect_with_flash(&back, "Subcontracting link removed.", false))
}

// ---- the chain picture ------------------------------------------------------------------

/// The most subcontracting links the picture follows.
const MAX_PICTURE_DEPTH: u32 = 32;

/// `GET /suppliers/{id}/chain.svg?depth=N`: the picture of the supplier's chain (its
/// offerings, the services that use them, its subcontractors). A chain too large to draw
/// gets a small picture that says so.
pub async fn chain_svg(
    access: Access,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = SupplierId(parse_id(&raw)?);
    // Through the caller's store first: what it cannot see does not exist.
    access.store().get_supplier(id).await?;
    let depth = Fields::new(pairs)
        .opt("depth")
        .and_then(|d| d.parse::<u32>().ok())
        .map_or(MAX_PICTURE_DEPTH, |d| d.clamp(1, MAX_PICTURE_DEPTH));
    draw(&state, "chain", &format!("the chain of {id}"), move |graph| supplier_chain(graph, id, depth)).await
}

/// Draws a picture of the whole-registry graph on the blocking pool and answers it as SVG:
/// the one way every picture route (chains, dependencies, and later blast radius and
/// origin traces) renders. A picture too large to draw, or of something created after the
/// graph was built, becomes a small picture that says so.
pub async fn draw<F>(state: &AppState, id_prefix: &str, what: &str, build: F) -> Result<Response, PageError>
where
    F: FnOnce(&ChainGraph) -> Option<Picture> + Send + 'static,
{
    let graph = state.graph().await?;
    let options = Options { id_prefix: id_prefix.to_owned(), ..Options::default() };
    let drawn = tokio::task::spawn_blocking(move || build(&graph).map(|picture| render_svg(&picture, &options)))
        .await
        .map_err(|e| ApiError::internal(format!("picture task failed: {e}")))?;
    let svg = match drawn {
        Some(Ok(svg)) => svg,
        Some(Err(
            e @ (PictureError::TooLarge { .. } | PictureError::TooManyEdges { .. } | PictureError::TooComplex { .. }),
        )) => notice_svg(&format!("Too large to draw: {e}.")),
        Some(Err(e)) => return Err(ApiError::internal(format!("cannot draw {what}: {e}")).into()),
        // Created after the graph was built: the next request sees it.
        None => notice_svg("Nothing to draw yet; reload the page."),
    };
    Ok(svg_response(svg))
}

/// An SVG answer that is never cached (it shows the registry as it is now).
pub fn svg_response(svg: String) -> Response {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static("image/svg+xml; charset=utf-8")),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        svg,
    )
        .into_response()
}

/// A small picture with one line of text, for when the real one cannot be drawn.
pub fn notice_svg(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;");
    let width = 40 + 8 * text.chars().count();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"48\" viewBox=\"0 0 {width} 48\" \
         role=\"img\" aria-label=\"{escaped}\"><rect width=\"100%\" height=\"100%\" fill=\"#f4f6f8\"/>\
         <text x=\"20\" y=\"29\" font-family=\"system-ui, sans-serif\" font-size=\"14\" fill=\"#1b1f24\">{escaped}</text></svg>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields::new(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    fn staff_form() -> Vec<(&'static str, &'static str)> {
        vec![
            ("name", " Acme Cloud "),
            ("kind", "cloud-service-provider"),
            ("tier", "1"),
            ("status", "active"),
            ("data_access", "personal-data"),
            ("country", "de"),
            ("lei", ""),
            ("security_contact_email", "psirt@acme.example"),
            ("owner_area", "security"),
            ("owner_role", "accountable"),
            ("owner_person", "Ann Example"),
            ("owner_email", "ann@example.org"),
            ("owner_area", "it"),
            ("owner_role", "responsible"),
            ("owner_person", ""),
            ("owner_email", ""),
        ]
    }

    #[test]
    fn a_staff_form_becomes_supplier_data() {
        let data = supplier_data(&fields(&staff_form()), None, false).unwrap_or_else(|e| unreachable!("{:?}", e.list));
        assert_eq!(data.name, "Acme Cloud");
        assert_eq!(data.kind, SupplierKind::CloudServiceProvider);
        assert_eq!(data.tier.get(), 1);
        assert_eq!(data.country.map(|c| c.to_string()).as_deref(), Some("DE"));
        assert_eq!(data.owners.len(), 1, "the blank RACI row is left out");
        assert_eq!(data.security_contact.email.as_deref(), Some("psirt@acme.example"));
        assert_eq!(data.legal_ids.lei, None);
    }

    #[test]
    fn every_bad_field_is_reported_beside_it() {
        let mut form = staff_form();
        form.retain(|(k, _)| !matches!(*k, "tier" | "country" | "lei" | "owner_email"));
        form.extend([("tier", "7"), ("country", "Germany"), ("lei", "nonsense"), ("owner_email", "ann")]);
        let errors = supplier_data(&fields(&form), None, false).err().unwrap_or_default();
        for field in ["tier", "country", "lei", "owners"] {
            assert!(errors.get(field).is_some(), "{field}: {:?}", errors.list);
        }
    }

    #[test]
    fn an_empty_name_and_a_bad_website_are_reported_with_the_other_failures() {
        let mut form = staff_form();
        form.retain(|(k, _)| !matches!(*k, "name" | "lei"));
        form.extend([("lei", "nonsense"), ("website", "ftp://acme.example")]);
        let errors = supplier_data(&fields(&form), None, false).err().unwrap_or_default();
        for field in ["name", "lei", "website"] {
            assert!(errors.get(field).is_some(), "{field}: {:?}", errors.list);
        }
    }

    #[test]
    fn profile_only_keeps_our_assessment() {
        let mut base = SupplierData::named("Acme", SupplierKind::Hosting);
        base.tier = Tier::ONE;
        base.legal_ids.vat = Some("DE123456789".into());
        let form = fields(&[
            ("tier", "4"),
            ("kind", "other"),
            ("website", "https://acme.example"),
            ("name", "Evil"),
            ("vat", "nonsense"),
            ("lei", ""),
            ("other_id", "HRB 1"),
        ]);
        let data = supplier_data(&form, Some(&base), true).unwrap_or_else(|e| unreachable!("{:?}", e.list));
        assert_eq!((data.name.as_str(), data.kind, data.tier), ("Acme", SupplierKind::Hosting, Tier::ONE));
        assert_eq!(data.website.as_deref(), Some("https://acme.example"));
        assert_eq!(data.legal_ids, base.legal_ids, "a supplier's staff changed its legal identifiers");
    }

    #[test]
    fn a_supplier_round_trips_through_its_form() {
        let data = supplier_data(&fields(&staff_form()), None, false).unwrap_or_else(|e| unreachable!("{:?}", e.list));
        let again =
            supplier_data(&supplier_fields(&data), None, false).unwrap_or_else(|e| unreachable!("{:?}", e.list));
        assert_eq!(again, data);
    }

    #[test]
    fn spellings_read_as_words_and_queries_keep_filters() {
        assert_eq!(human("cloud-service-provider"), "Cloud service provider");
        assert_eq!(human("it"), "IT");
        let f = fields(&[("q", "a b"), ("kind", ""), ("tier", "2"), ("offset", "x")]);
        assert_eq!(f.query(&["q", "kind", "tier"]), "?q=a%20b&tier=2");
        assert_eq!(f.offset(), 0);
        assert!(parse_id("not-an-id").is_err());
        assert!(parse_date("since", "2024-02-30").is_err());
        assert!(parse_date("since", "2024-02-29").is_ok());
    }

    #[test]
    fn the_notice_picture_escapes_its_text() {
        let svg = notice_svg("<a & b>");
        assert!(svg.contains("&lt;a &amp; b&gt;") && !svg.contains("<a "));
    }
}
