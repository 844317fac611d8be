//! Internal services: the things of ours that use offerings.

use axum::Json;
use axum::http::StatusCode;
use axum::response::Response;
use chainward_core::model as domain;
use chainward_store::ServiceFilter;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::model::{Service, ServiceInput, ServicePage, tier};
use super::{created, page};
use crate::auth::Db;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};

/// Filters and window of the service list; all present filters must hold.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ServiceQuery {
    /// Case-insensitive substring of the name.
    pub q: Option<String>,
    /// Only services of this criticality tier, 1 to 4.
    pub criticality: Option<u8>,
    /// Only services that use this offering.
    pub uses: Option<Uuid>,
    /// Rows to skip.
    pub offset: Option<u64>,
    /// Most rows to return, 1 to 1000 (default 50).
    pub limit: Option<u64>,
}

/// Lists internal services by name.
#[utoipa::path(
    get, path = "/api/v1/services", tag = "services",
    params(ServiceQuery),
    responses(
        (status = 200, description = "one page of services", body = ServicePage),
        (status = 400, description = "a malformed filter", body = ErrorBody),
    )
)]
pub async fn list_services(db: Db, ApiQuery(query): ApiQuery<ServiceQuery>) -> Result<Json<ServicePage>, ApiError> {
    let page = page(query.offset, query.limit)?;
    let filter = ServiceFilter {
        q: query.q.filter(|q| !q.trim().is_empty()),
        criticality: query.criticality.map(|t| tier("criticality", t)).transpose().map_err(ApiError::bad_value)?,
        uses: query.uses.map(domain::OfferingId),
    };
    let found = db.list_services(&filter, page).await?;
    Ok(Json(ServicePage {
        items: found.items.into_iter().map(Into::into).collect(),
        total: found.total,
        offset: page.offset,
        limit: page.limit,
    }))
}

/// Creates an internal service with its uses.
#[utoipa::path(
    post, path = "/api/v1/services", tag = "services",
    request_body = ServiceInput,
    responses(
        (status = 201, description = "the new service", body = Service),
        (status = 400, description = "malformed JSON", body = ErrorBody),
        (status = 404, description = "an offering it uses does not exist", body = ErrorBody),
        (status = 409, description = "the name is taken", body = ErrorBody),
        (status = 422, description = "a field is invalid", body = ErrorBody),
    )
)]
pub async fn create_service(db: Db, ApiJson(input): ApiJson<ServiceInput>) -> Result<Response, ApiError> {
    let data = domain::ServiceData::try_from(input).map_err(ApiError::invalid)?;
    let service = db.create_service(data).await?;
    Ok(created(format!("/api/v1/services/{}", service.id), Service::from(service)))
}

/// One internal service with its uses.
#[utoipa::path(
    get, path = "/api/v1/services/{id}", tag = "services",
    params(("id" = Uuid, Path, description = "the service's id")),
    responses(
        (status = 200, description = "the service", body = Service),
        (status = 400, description = "the id is not a UUID", body = ErrorBody),
        (status = 404, description = "no such service", body = ErrorBody),
    )
)]
pub async fn get_service(db: Db, ApiPath(id): ApiPath<Uuid>) -> Result<Json<Service>, ApiError> {
    Ok(Json(db.get_service(domain::ServiceId(id)).await?.into()))
}

/// Replaces a service's data and uses.
#[utoipa::path(
    put, path = "/api/v1/services/{id}", tag = "services",
    params(("id" = Uuid, Path, description = "the service's id")),
    request_body = ServiceInput,
    responses(
        (status = 200, description = "the service as stored", body = Service),
        (status = 400, description = "malformed JSON or id", body = ErrorBody),
        (status = 404, description = "no such service or offering", body = ErrorBody),
        (status = 409, description = "the name is taken", body = ErrorBody),
        (status = 422, description = "a field is invalid", body = ErrorBody),
    )
)]
pub async fn update_service(
    db: Db,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ServiceInput>,
) -> Result<Json<Service>, ApiError> {
    let data = domain::ServiceData::try_from(input).map_err(ApiError::invalid)?;
    let service = db.update_service(domain::ServiceId(id), data).await?;
    Ok(Json(service.into()))
}

/// Deletes an internal service.
#[utoipa::path(
    delete, path = "/api/v1/services/{id}", tag = "services",
    params(("id" = Uuid, Path, description = "the service's id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 400, description = "the id is not a UUID", body = ErrorBody),
        (status = 404, description = "no such service", body = ErrorBody),
    )
)]
pub async fn delete_service(db: Db, ApiPath(id): ApiPath<Uuid>) -> Result<StatusCode, ApiError> {
    db.delete_service(domain::ServiceId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
