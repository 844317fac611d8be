//! Suppliers and the subcontracting links between them.

use axum::Json;
use axum::http::StatusCode;
use axum::response::Response;
use chainward_core::model as domain;
use chainward_store::SupplierFilter;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::model::{
    Subcontract, SubcontractInput, SubcontractPage, Supplier, SupplierInput, SupplierKind, SupplierPage,
    SupplierStatus, country, tier,
};
use super::{created, page, window};
use crate::auth::Db;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};

/// Filters and window of the supplier list; all present filters must hold.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SupplierQuery {
    /// Case-insensitive substring of the name.
    pub q: Option<String>,
    /// Only suppliers of this kind.
    pub kind: Option<SupplierKind>,
    /// Only suppliers in this status.
    pub status: Option<SupplierStatus>,
    /// Only suppliers of this tier, 1 to 4.
    pub tier: Option<u8>,
    /// Only suppliers seated in this country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// Rows to skip.
    pub offset: Option<u64>,
    /// Most rows to return, 1 to 1000 (default 50).
    pub limit: Option<u64>,
}

/// A window of a list that the store returns whole.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WindowQuery {
    /// Rows to skip.
    pub offset: Option<u64>,
    /// Most rows to return, 1 to 1000 (default 50).
    pub limit: Option<u64>,
}

/// Filters and window of the subcontract list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SubcontractQuery {
    /// Only links where this supplier is either side.
    pub supplier: Option<Uuid>,
    /// Rows to skip.
    pub offset: Option<u64>,
    /// Most rows to return, 1 to 1000 (default 50).
    pub limit: Option<u64>,
}

/// A supplier as the caller may see it: a supplier's own staff do not see which of our
/// people own the relationship (the RACI owners are ours, and personal data).
fn shown(db: &Db, mut supplier: domain::Supplier) -> Supplier {
    if db.caller().supplier_scope().is_some() {
        supplier.data.owners.clear();
    }
    supplier.into()
}

/// Lists suppliers by name.
#[utoipa::path(
    get, path = "/api/v1/suppliers", tag = "suppliers",
    params(SupplierQuery),
    responses(
        (status = 200, description = "one page of suppliers", body = SupplierPage),
        (status = 400, description = "a malformed filter", body = ErrorBody),
    )
)]
pub async fn list_suppliers(db: Db, ApiQuery(query): ApiQuery<SupplierQuery>) -> Result<Json<SupplierPage>, ApiError> {
    let page = page(query.offset, query.limit)?;
    let filter = SupplierFilter {
        q: query.q.filter(|q| !q.trim().is_empty()),
        kind: query.kind.map(Into::into),
        status: query.status.map(Into::into),
        tier: query.tier.map(|t| tier("tier", t)).transpose().map_err(ApiError::bad_value)?,
        country: query.country.as_deref().map(country).transpose().map_err(ApiError::bad_value)?,
    };
    let found = db.list_suppliers(&filter, page).await?;
    Ok(Json(SupplierPage {
        items: found.items.into_iter().map(|s| shown(&db, s)).collect(),
        total: found.total,
        offset: page.offset,
        limit: page.limit,
    }))
}

/// Creates a supplier.
#[utoipa::path(
    post, path = "/api/v1/suppliers", tag = "suppliers",
    request_body = SupplierInput,
    responses(
        (status = 201, description = "the new supplier", body = Supplier),
        (status = 400, description = "malformed JSON", body = ErrorBody),
        (status = 409, description = "the name or a legal identifier is taken", body = ErrorBody),
        (status = 413, description = "the body is too large", body = ErrorBody),
        (status = 422, description = "a field is invalid", body = ErrorBody),
    )
)]
pub async fn create_supplier(db: Db, ApiJson(input): ApiJson<SupplierInput>) -> Result<Response, ApiError> {
    let data = domain::SupplierData::try_from(input).map_err(ApiError::invalid)?;
    let supplier = db.create_supplier(data).await?;
    Ok(created(format!("/api/v1/suppliers/{}", supplier.id), Supplier::from(supplier)))
}

/// One supplier.
#[utoipa::path(
    get, path = "/api/v1/suppliers/{id}", tag = "suppliers",
    params(("id" = Uuid, Path, description = "the supplier's id")),
    responses(
        (status = 200, description = "the supplier", body = Supplier),
        (status = 400, description = "the id is not a UUID", body = ErrorBody),
        (status = 404, description = "no such supplier", body = ErrorBody),
    )
)]
pub async fn get_supplier(db: Db, ApiPath(id): ApiPath<Uuid>) -> Result<Json<Supplier>, ApiError> {
    let supplier = db.get_supplier(domain::SupplierId(id)).await?;
    Ok(Json(shown(&db, supplier)))
}

/// Replaces a supplier's data, owners included.
#[utoipa::path(
    put, path = "/api/v1/suppliers/{id}", tag = "suppliers",
    params(("id" = Uuid, Path, description = "the supplier's id")),
    request_body = SupplierInput,
    responses(
        (status = 200, description = "the supplier as stored", body = Supplier),
        (status = 400, description = "malformed JSON or id", body = ErrorBody),
        (status = 404, description = "no such supplier", body = ErrorBody),
        (status = 409, description = "the name or a legal identifier is taken", body = ErrorBody),
        (status = 422, description = "a field is invalid", body = ErrorBody),
    )
)]
pub async fn update_supplier(
    db: Db,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<SupplierInput>,
) -> Result<Json<Supplier>, ApiError> {
    let data = domain::SupplierData::try_from(input).map_err(ApiError::invalid)?;
    let supplier = db.update_supplier(domain::SupplierId(id), data).await?;
    Ok(Json(shown(&db, supplier)))
}

/// Deletes a supplier with its offerings, releases, links and the uses of its offerings.
#[utoipa::path(
    delete, path = "/api/v1/suppliers/{id}", tag = "suppliers",
    params(("id" = Uuid, Path, description = "the supplier's id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 400, description = "the id is not a UUID", body = ErrorBody),
        (status = 404, description = "no such supplier", body = ErrorBody),
    )
)]
pub async fn delete_supplier(db: Db, ApiPath(id): ApiPath<Uuid>) -> Result<StatusCode, ApiError> {
    db.delete_supplier(domain::SupplierId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The direct subcontracting links of a supplier (its fourth parties); the whole tree is
/// at `/api/v1/graph/subcontractors/{id}`.
#[utoipa::path(
    get, path = "/api/v1/suppliers/{id}/subcontractors", tag = "suppliers",
    params(("id" = Uuid, Path, description = "the supplier's id"), WindowQuery),
    responses(
        (status = 200, description = "links where this supplier subcontracts", body = SubcontractPage),
        (status = 400, description = "the id is not a UUID", body = ErrorBody),
        (status = 404, description = "no such supplier", body = ErrorBody),
    )
)]
pub async fn list_supplier_subcontractors(
    db: Db,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<WindowQuery>,
) -> Result<Json<SubcontractPage>, ApiError> {
    let page = page(query.offset, query.limit)?;
    let supplier = domain::SupplierId(id);
    db.get_supplier(supplier).await?;
    let links: Vec<Subcontract> = db
        .list_subcontracts(Some(supplier))
        .await?
        .into_iter()
        .filter(|link| link.data.supplier == supplier)
        .map(Into::into)
        .collect();
    let (items, total) = window(links, page);
    Ok(Json(SubcontractPage { items, total, offset: page.offset, limit: page.limit }))
}

/// Lists subcontracting links.
#[utoipa::path(
    get, path = "/api/v1/subcontracts", tag = "suppliers",
    params(SubcontractQuery),
    responses(
        (status = 200, description = "one page of links", body = SubcontractPage),
        (status = 400, description = "a malformed filter", body = ErrorBody),
        (status = 404, description = "the supplier filter names no supplier", body = ErrorBody),
    )
)]
pub async fn list_subcontracts(
    db: Db,
    ApiQuery(query): ApiQuery<SubcontractQuery>,
) -> Result<Json<SubcontractPage>, ApiError> {
    let page = page(query.offset, query.limit)?;
    let links: Vec<Subcontract> =
        db.list_subcontracts(query.supplier.map(domain::SupplierId)).await?.into_iter().map(Into::into).collect();
    let (items, total) = window(links, page);
    Ok(Json(SubcontractPage { items, total, offset: page.offset, limit: page.limit }))
}

/// Links a supplier to a subcontractor.
#[utoipa::path(
    post, path = "/api/v1/subcontracts", tag = "suppliers",
    request_body = SubcontractInput,
    responses(
        (status = 201, description = "the new link", body = Subcontract),
        (status = 400, description = "malformed JSON", body = ErrorBody),
        (status = 404, description = "a supplier does not exist", body = ErrorBody),
        (status = 409, description = "the link exists already", body = ErrorBody),
        (status = 422, description = "a field is invalid", body = ErrorBody),
    )
)]
pub async fn create_subcontract(db: Db, ApiJson(input): ApiJson<SubcontractInput>) -> Result<Response, ApiError> {
    let data = domain::SubcontractData::try_from(input).map_err(ApiError::invalid)?;
    let link = db.create_subcontract(data).await?;
    Ok(created(format!("/api/v1/subcontracts/{}", link.id), Subcontract::from(link)))
}

/// Removes a subcontracting link.
#[utoipa::path(
    delete, path = "/api/v1/subcontracts/{id}", tag = "suppliers",
    params(("id" = Uuid, Path, description = "the link's id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 400, description = "the id is not a UUID", body = ErrorBody),
        (status = 404, description = "no such link", body = ErrorBody),
    )
)]
pub async fn delete_subcontract(db: Db, ApiPath(id): ApiPath<Uuid>) -> Result<StatusCode, ApiError> {
    db.delete_subcontract(domain::SubcontractId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
