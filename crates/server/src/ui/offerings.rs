//! Offering pages: the list (search, supplier and kind filters), an offering's page with
//! its releases and the internal services that use it, and the forms that add, change and
//! delete offerings and releases.
//!
//! Offerings are added from their supplier's page; a form that fails comes back on a page
//! of its own ([`FormPage`]) with what was typed and the failure beside the field.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chainward_core::model::{OfferingData, OfferingId, OfferingKind, ReleaseData, ReleaseId, SupplierId, check_name};
use chainward_store::{OfferingFilter, Page, ServiceFilter, StoreError};
use uuid::Uuid;

use super::suppliers::{Choice, EmptyForm, FieldErrors, Fields, Link, PAGE_SIZE, choices, human, parse_date, parse_id};
use super::{CsrfForm, Frame, PageError, Pager, redirect_with_flash, render, render_status};
use crate::auth::{Access, Need};

/// Internal services listed on an offering's page.
const SERVICES_SHOWN: u64 = 200;

/// One row of the offering list.
#[derive(Debug, Clone)]
pub struct OfferingRow {
    /// The offering.
    pub offering: Link,
    /// Its kind, for people.
    pub kind: String,
    /// Its supplier.
    pub supplier: Link,
}

/// `GET /offerings`.
#[derive(Template)]
#[template(path = "offerings.html")]
pub struct ListPage {
    frame: Frame,
    filters: Fields,
    kinds: Vec<Choice>,
    /// The supplier filtered by, when there is one.
    supplier: Option<Link>,
    filter_error: Option<String>,
    rows: Vec<OfferingRow>,
    pager: Pager,
    filtered: bool,
}

const OFFERING_FILTERS: &[&str] = &["q", "supplier", "kind"];

/// `GET /offerings`: search, filters, 50 a page.
pub async fn list(
    access: Access,
    headers: HeaderMap,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let filters = Fields::new(pairs);
    let store = access.store();
    let offset = filters.offset();
    let base = format!("/offerings{}", filters.query(OFFERING_FILTERS));
    let mut filter_error = None;
    let supplier_id = match filters.opt("supplier").map(|s| Uuid::parse_str(&s)) {
        Some(Ok(id)) => Some(SupplierId(id)),
        Some(Err(_)) => {
            filter_error = Some("Supplier: not a supplier's id.".to_owned());
            None
        }
        None => None,
    };
    let kind = match filters.opt("kind").map(|k| k.parse::<OfferingKind>()) {
        Some(Ok(kind)) => Some(kind),
        Some(Err(e)) => {
            filter_error = Some(format!("Kind: {}.", e.reason));
            None
        }
        None => None,
    };
    let supplier = match supplier_id {
        Some(id) => {
            let s = store.get_supplier(id).await?;
            Some(Link { href: format!("/suppliers/{id}"), label: s.data.name })
        }
        None => None,
    };
    let (rows, pager) = if filter_error.is_some() {
        (Vec::new(), Pager::new(&base, 0, PAGE_SIZE, 0, 0))
    } else {
        let filter = OfferingFilter { q: filters.opt("q"), supplier: supplier_id, kind };
        let found = store.list_offerings(&filter, Page { offset, limit: PAGE_SIZE }).await?;
        // The names of the suppliers on this page, in one query.
        let ids: Vec<SupplierId> = found.items.iter().map(|o| o.data.supplier).collect();
        let names = store.supplier_names(&ids).await?;
        let rows = found
            .items
            .iter()
            .map(|o| OfferingRow {
                offering: Link { href: format!("/offerings/{}", o.id), label: o.data.name.clone() },
                kind: human(o.data.kind.as_str()),
                supplier: Link {
                    href: format!("/suppliers/{}", o.data.supplier),
                    label: names.get(&o.data.supplier).cloned().unwrap_or_default(),
                },
            })
            .collect();
        (rows, Pager::new(&base, offset, PAGE_SIZE, found.items.len(), found.total))
    };
    let page = ListPage {
        frame: Frame::new(&access, &headers, "Offerings", "/offerings"),
        kinds: choices(OfferingKind::ALL.iter().map(|k| k.as_str()), filters.get("kind")),
        filtered: OFFERING_FILTERS.iter().any(|f| filters.opt(f).is_some()),
        filters,
        supplier,
        filter_error: filter_error.clone(),
        rows,
        pager,
    };
    Ok(if filter_error.is_some() { render_status(StatusCode::BAD_REQUEST, &page) } else { render(&page) })
}

/// A release, for display.
#[derive(Debug, Clone)]
pub struct ReleaseRow {
    /// Its id (for the delete form).
    pub id: String,
    /// Version.
    pub version: String,
    /// Release date, or empty.
    pub released_on: String,
}

/// An internal service using the offering.
#[derive(Debug, Clone)]
pub struct UseRow {
    /// The service.
    pub service: Link,
    /// What it uses the offering for.
    pub purpose: String,
    /// How many alternatives it has for it.
    pub n_alternatives: usize,
}

/// `GET /offerings/{id}`.
#[derive(Template)]
#[template(path = "offering.html")]
pub struct ShowPage {
    frame: Frame,
    id: String,
    name: String,
    kind: String,
    description: String,
    supplier: Link,
    releases: Vec<ReleaseRow>,
    internal: bool,
    uses: Vec<UseRow>,
    uses_total: u64,
    uses_more: bool,
    can_edit: bool,
    /// Whether the caller may upload SBOMs for it.
    can_upload: bool,
    /// The edit form's fields.
    values: Fields,
    kinds: Vec<Choice>,
    created: String,
    updated: String,
}

/// `GET /offerings/{id}`: the offering, its releases, and (internal roles) the services
/// that use it.
pub async fn show(access: Access, headers: HeaderMap, Path(raw): Path<String>) -> Result<Response, PageError> {
    let id = OfferingId(parse_id(&raw)?);
    let store = access.store();
    let offering = store.get_offering(id).await?;
    let supplier = store.get_supplier(offering.data.supplier).await?;
    let releases = store.list_releases(id).await?;
    let internal = access.can(Need::ReadInternal);
    let (uses, uses_total): (Vec<UseRow>, u64) = if internal {
        let filter = ServiceFilter { uses: Some(id), ..ServiceFilter::default() };
        let found = store.list_services(&filter, Page { offset: 0, limit: SERVICES_SHOWN }).await?;
        let rows = found
            .items
            .iter()
            .map(|s| {
                let used = s.data.uses.iter().find(|u| u.offering == id);
                UseRow {
                    service: Link { href: format!("/services/{}", s.id), label: s.data.name.clone() },
                    purpose: used.and_then(|u| u.purpose.clone()).unwrap_or_default(),
                    n_alternatives: used.map_or(0, |u| u.alternatives.len()),
                }
            })
            .collect();
        (rows, found.total)
    } else {
        (Vec::new(), 0)
    };
    let d = &offering.data;
    let mut values = Fields::default();
    values.set("name", d.name.clone());
    values.set("kind", d.kind.as_str());
    values.set("description", d.description.clone().unwrap_or_default());
    Ok(render(&ShowPage {
        frame: Frame::new(&access, &headers, d.name.clone(), "/offerings"),
        id: id.to_string(),
        name: d.name.clone(),
        kind: human(d.kind.as_str()),
        description: d.description.clone().unwrap_or_default(),
        supplier: Link { href: format!("/suppliers/{}", supplier.id), label: supplier.data.name },
        releases: releases
            .iter()
            .map(|r| ReleaseRow {
                id: r.id.to_string(),
                version: r.data.version.clone(),
                released_on: r.data.released_on.map(|d| d.to_string()).unwrap_or_default(),
            })
            .collect(),
        internal,
        uses_more: uses_total > uses.len() as u64,
        uses,
        uses_total,
        can_edit: access.can(Need::EditSuppliers),
        can_upload: access.can(Need::UploadEvidence),
        kinds: choices(OfferingKind::ALL.iter().map(|k| k.as_str()), d.kind.as_str()),
        values,
        created: offering.created_at.date().to_string(),
        updated: offering.updated_at.date().to_string(),
    }))
}

/// The offering form on a page of its own, shown again when it failed.
#[derive(Template)]
#[template(path = "offering_form.html")]
pub struct FormPage {
    frame: Frame,
    heading: String,
    action: String,
    cancel: String,
    /// The supplier's id, when creating.
    supplier: Option<String>,
    values: Fields,
    errors: FieldErrors,
    kinds: Vec<Choice>,
}

/// Reads the offering form for supplier `supplier`.
pub fn offering_data(fields: &Fields, supplier: SupplierId) -> Result<OfferingData, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = check_name("name", fields.get("name")).map_err(|e| errors.add_invalid(&e)).ok();
    let kind = fields.get("kind").parse::<OfferingKind>().map_err(|e| errors.add_invalid(&e)).ok();
    match (name, kind) {
        (Some(name), Some(kind)) if errors.is_empty() => {
            Ok(OfferingData { supplier, name, kind, description: fields.opt("description") })
        }
        _ => Err(errors),
    }
}

/// Store failures that belong beside a field; anything else is a page error.
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

/// `POST /offerings`: adds an offering to the supplier named by the `supplier` field.
pub async fn create(
    access: Access,
    headers: HeaderMap,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let fields = Fields::new(pairs);
    let supplier_id = SupplierId(parse_id(fields.get("supplier").trim())?);
    let store = access.store();
    let supplier = store.get_supplier(supplier_id).await?;
    let back = format!("/suppliers/{supplier_id}#offerings");
    let again = |status, errors| {
        let heading = format!("New offering of {}", supplier.data.name);
        render_status(
            status,
            &FormPage {
                frame: Frame::new(&access, &headers, heading.clone(), "/offerings"),
                heading,
                action: "/offerings".to_owned(),
                cancel: back.clone(),
                supplier: Some(supplier_id.to_string()),
                kinds: choices(OfferingKind::ALL.iter().map(|k| k.as_str()), fields.get("kind")),
                values: fields.clone(),
                errors,
            },
        )
    };
    let data = match offering_data(&fields, supplier_id) {
        Ok(data) => data,
        Err(errors) => return Ok(again(StatusCode::UNPROCESSABLE_ENTITY, errors)),
    };
    match store.create_offering(data).await {
        Ok(o) => Ok(redirect_with_flash(
            &format!("/offerings/{}", o.id),
            &format!("Offering \u{201c}{}\u{201d} added to \u{201c}{}\u{201d}.", o.data.name, supplier.data.name),
            false,
        )),
        Err(e) => {
            let (status, errors) = form_failure(e)?;
            Ok(again(status, errors))
        }
    }
}

/// `POST /offerings/{id}`: changes an offering's name, kind and description (its
/// supplier stays).
pub async fn update(
    access: Access,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = OfferingId(parse_id(&raw)?);
    let fields = Fields::new(pairs);
    let store = access.store();
    let existing = store.get_offering(id).await?;
    let back = format!("/offerings/{id}");
    let again = |status, errors| {
        let heading = format!("Edit {}", existing.data.name);
        render_status(
            status,
            &FormPage {
                frame: Frame::new(&access, &headers, heading.clone(), "/offerings"),
                heading,
                action: back.clone(),
                cancel: back.clone(),
                supplier: None,
                kinds: choices(OfferingKind::ALL.iter().map(|k| k.as_str()), fields.get("kind")),
                values: fields.clone(),
                errors,
            },
        )
    };
    let data = match offering_data(&fields, existing.data.supplier) {
        Ok(data) => data,
        Err(errors) => return Ok(again(StatusCode::UNPROCESSABLE_ENTITY, errors)),
    };
    match store.update_offering(id, data).await {
        Ok(o) => Ok(redirect_with_flash(&back, &format!("Offering \u{201c}{}\u{201d} saved.", o.data.name), false)),
        Err(e) => {
            let (status, errors) = form_failure(e)?;
            Ok(again(status, errors))
        }
    }
}

/// `POST /offerings/{id}/delete`: deletes an offering with its releases and the uses of it.
pub async fn delete(
    access: Access,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    let id = OfferingId(parse_id(&raw)?);
    let store = access.store();
    let offering = store.get_offering(id).await?;
    store.delete_offering(id).await?;
    Ok(redirect_with_flash(
        &format!("/suppliers/{}#offerings", offering.data.supplier),
        &format!("Offering \u{201c}{}\u{201d} deleted, with its releases.", offering.data.name),
        false,
    ))
}

/// The add-release form.
#[derive(Debug, serde::Deserialize)]
pub struct ReleaseForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    released_on: String,
}

/// `POST /offerings/{id}/releases`: adds a release. Failures come back as a notice on the
/// offering's page.
pub async fn add_release(
    access: Access,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<ReleaseForm>,
) -> Result<Response, PageError> {
    let id = OfferingId(parse_id(&raw)?);
    let store = access.store();
    store.get_offering(id).await?;
    let back = format!("/offerings/{id}#releases");
    let version = match check_name("version", &form.version) {
        Ok(v) => v,
        Err(e) => {
            return Ok(redirect_with_flash(&back, &format!("Release not added: the version {}.", e.reason), true));
        }
    };
    let released_on = match form.released_on.trim() {
        "" => None,
        text => match parse_date("released_on", text) {
            Ok(d) => Some(d),
            Err(e) => {
                return Ok(redirect_with_flash(&back, &format!("Release not added: {}.", e.reason), true));
            }
        },
    };
    match store.create_release(ReleaseData { offering: id, version, released_on }).await {
        Ok(r) => Ok(redirect_with_flash(&back, &format!("Release {} added.", r.data.version), false)),
        Err(StoreError::Conflict(message)) => {
            Ok(redirect_with_flash(&back, &format!("Release not added: {message}."), true))
        }
        Err(StoreError::Invalid(value)) => {
            Ok(redirect_with_flash(&back, &format!("Release not added: {value}."), true))
        }
        Err(e) => Err(e.into()),
    }
}

/// The delete-release form: the offering page to go back to.
#[derive(Debug, serde::Deserialize)]
pub struct DeleteReleaseForm {
    #[serde(default)]
    back: String,
}

/// `POST /releases/{id}/delete`: removes a release.
pub async fn delete_release(
    access: Access,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DeleteReleaseForm>,
) -> Result<Response, PageError> {
    let id = ReleaseId(parse_id(&raw)?);
    access.store().delete_release(id).await?;
    // Only an offering id is accepted as the way back: no redirect elsewhere.
    let back = Uuid::parse_str(form.back.trim())
        .map_or_else(|_| "/offerings".to_owned(), |o| format!("/offerings/{o}#releases"));
    Ok(redirect_with_flash(&back, "Release removed.", false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields::new(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn the_offering_form_is_checked_field_by_field() {
        let supplier = SupplierId(Uuid::nil());
        let ok =
            offering_data(&fields(&[("name", " Mail "), ("kind", "cloud-service"), ("description", " ")]), supplier);
        let ok = ok.unwrap_or_else(|e| unreachable!("{:?}", e.list));
        assert_eq!((ok.name.as_str(), ok.kind, ok.description), ("Mail", OfferingKind::CloudService, None));
        let bad = offering_data(&fields(&[("name", ""), ("kind", "gadget")]), supplier).err().unwrap_or_default();
        assert!(bad.get("name").is_some() && bad.get("kind").is_some(), "{:?}", bad.list);
    }
}
