//! Offerings (the products and services of suppliers) and their releases.

use axum::Json;
use axum::http::StatusCode;
use axum::response::Response;
use chainward_core::model as domain;
use chainward_store::OfferingFilter;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::model::{
    Offering, OfferingDetail, OfferingInput, OfferingKind, OfferingPage, Release, ReleaseInput, ReleasePage,
};
use super::suppliers::WindowQuery;
use super::{created, page, window};
use crate::auth::Db;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};

/// Filters and window of the offering list; all present filters must hold.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OfferingQuery {
    /// Case-insensitive substring of the name.
    pub q: Option<String>,
    /// Only this supplier's offerings.
    pub supplier: Option<Uuid>,
    /// Only offerings of this kind.
    pub kind: Option<OfferingKind>,
    /// Rows to skip.
    pub offset: Option<u64>,
    /// Most rows to return, 1 to 1000 (default 50).
    pub limit: Option<u64>,
}

/// Lists offerings by name.
#[utoipa::path(
    get, path = "/api/v1/offerings", tag = "offerings",
    params(OfferingQuery),
    responses(
        (status = 200, description = "one page of offerings", body = OfferingPage),
        (status = 400, description = "a malformed filter", body = ErrorBody),
        (status = 404, description = "the supplier filter names no supplier", body = ErrorBody),
    )
)]
pub async fn list_offerings(db: Db, ApiQuery(query): ApiQuery<OfferingQuery>) -> Result<Json<OfferingPage>, ApiError> {
    let page = page(query.offset, query.limit)?;
    let filter = OfferingFilter {
        q: query.q.filter(|q| !q.trim().is_empty()),
        supplier: query.supplier.map(domain::SupplierId),
        kind: query.kind.map(Into::into),
    };
    let found = db.list_offerings(&filter, page).await?;
    Ok(Json(OfferingPage {
        items: found.items.into_iter().map(Into::into).collect(),
        total: found.total,
        offset: page.offset,
        limit: page.limit,
    }))
}

/// Creates an offering.
#[utoipa::path(
    post, path = "/api/v1/offerings", tag = "offerings",
    request_body = OfferingInput,
    responses(
        (status = 201, description = "the new offering", body = Offering),
        (status = 400, description = "malformed JSON", body = ErrorBody),
        (status = 404, description = "the supplier does not exist", body = ErrorBody),
        (status = 409, description = "the name is taken", body = ErrorBody),
        (status = 422, description = "a field is invalid", body = ErrorBody),
    )
)]
pub async fn create_offering(db: Db, ApiJson(input): ApiJson<OfferingInput>) -> Result<Response, ApiError> {
    let data = domain::OfferingData::try_from(input).map_err(ApiError::invalid)?;
    let offering = db.create_offering(data).await?;
    Ok(created(format!("/api/v1/offerings/{}", offering.id), Offering::from(offering)))
}

/// One offering with its releases.
#[utoipa::path(
    get, path = "/api/v1/offerings/{id}", tag = "offerings",
    params(("id" = Uuid, Path, description = "the offering's id")),
    responses(
        (status = 200, description = "the offering and its releases", body = OfferingDetail),
        (status = 400, description = "the id is not a UUID", body = ErrorBody),
        (status = 404, description = "no such offering", body = ErrorBody),
    )
)]
pub async fn get_offering(db: Db, ApiPath(id): ApiPath<Uuid>) -> Result<Json<OfferingDetail>, ApiError> {
    let id = domain::OfferingId(id);
    let offering = db.get_offering(id).await?;
    let releases = db.list_releases(id).await?;
    Ok(Json(OfferingDetail { offering: offering.into(), releases: releases.into_iter().map(Into::into).collect() }))
}

/// Replaces an offering's data.
#[utoipa::path(
    put, path = "/api/v1/offerings/{id}", tag = "offerings",
    params(("id" = Uuid, Path, description = "the offering's id")),
    request_body = OfferingInput,
    responses(
        (status = 200, description = "the offering as stored", body = Offering),
        (status = 400, description = "malformed JSON or id", body = ErrorBody),
        (status = 404, description = "no such offering or supplier", body = ErrorBody),
        (status = 409, description = "the name is taken", body = ErrorBody),
        (status = 422, description = "a field is invalid", body = ErrorBody),
    )
)]
pub async fn update_offering(
    db: Db,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<OfferingInput>,
) -> Result<Json<Offering>, ApiError> {
    let data = domain::OfferingData::try_from(input).map_err(ApiError::invalid)?;
    let offering = db.update_offering(domain::OfferingId(id), data).await?;
    Ok(Json(offering.into()))
}

/// Deletes an offering with its releases and the uses of it.
#[utoipa::path(
    delete, path = "/api/v1/offerings/{id}", tag = "offerings",
    params(("id" = Uuid, Path, description = "the offering's id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 400, description = "the id is not a UUID", body = ErrorBody),
        (status = 404, description = "no such offering", body = ErrorBody),
    )
)]
pub async fn delete_offering(db: Db, ApiPath(id): ApiPath<Uuid>) -> Result<StatusCode, ApiError> {
    db.delete_offering(domain::OfferingId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The releases of an offering, newest release date first.
#[utoipa::path(
    get, path = "/api/v1/offerings/{id}/releases", tag = "offerings",
    params(("id" = Uuid, Path, description = "the offering's id"), WindowQuery),
    responses(
        (status = 200, description = "one page of releases", body = ReleasePage),
        (status = 400, description = "the id is not a UUID", body = ErrorBody),
        (status = 404, description = "no such offering", body = ErrorBody),
    )
)]
pub async fn list_releases(
    db: Db,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<WindowQuery>,
) -> Result<Json<ReleasePage>, ApiError> {
    let page = page(query.offset, query.limit)?;
    let id = domain::OfferingId(id);
    db.get_offering(id).await?;
    let releases: Vec<Release> = db.list_releases(id).await?.into_iter().map(Into::into).collect();
    let (items, total) = window(releases, page);
    Ok(Json(ReleasePage { items, total, offset: page.offset, limit: page.limit }))
}

/// Adds a release to an offering.
#[utoipa::path(
    post, path = "/api/v1/offerings/{id}/releases", tag = "offerings",
    params(("id" = Uuid, Path, description = "the offering's id")),
    request_body = ReleaseInput,
    responses(
        (status = 201, description = "the new release", body = Release),
        (status = 400, description = "malformed JSON or id", body = ErrorBody),
        (status = 404, description = "no such offering", body = ErrorBody),
        (status = 409, description = "the version exists already", body = ErrorBody),
        (status = 422, description = "a field is invalid", body = ErrorBody),
    )
)]
pub async fn create_release(
    db: Db,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ReleaseInput>,
) -> Result<Response, ApiError> {
    let data = input.into_domain(domain::OfferingId(id)).map_err(ApiError::invalid)?;
    let release = db.create_release(data).await?;
    Ok(created(format!("/api/v1/releases/{}", release.id), Release::from(release)))
}

/// Removes a release.
#[utoipa::path(
    delete, path = "/api/v1/releases/{id}", tag = "offerings",
    params(("id" = Uuid, Path, description = "the release's id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 400, description = "the id is not a UUID", body = ErrorBody),
        (status = 404, description = "no such release", body = ErrorBody),
    )
)]
pub async fn delete_release(db: Db, ApiPath(id): ApiPath<Uuid>) -> Result<StatusCode, ApiError> {
    db.delete_release(domain::ReleaseId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
