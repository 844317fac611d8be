//! Operational endpoints: `/healthz`, `/metrics` and `/openapi.json`.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chainward_store::{OfferingFilter, Page, ServiceFilter, SupplierFilter};

use super::model::Health;
use crate::auth::Access;
use crate::error::{ApiError, ErrorBody};
use crate::metrics::RegistryCounts;
use crate::state::AppState;

/// The content type of the Prometheus text exposition format.
pub const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Whether the server and its database answer.
#[utoipa::path(
    get, path = "/healthz", tag = "operations",
    responses(
        (status = 200, description = "the server and its database answer", body = Health),
        (status = 503, description = "the database does not answer", body = ErrorBody),
    )
)]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.system_store().ping().await.map_err(|e| ApiError::Unavailable {
        message: "the database does not answer".to_owned(),
        detail: Some(e.to_string()),
    })?;
    Ok(Json(Health { status: "ok".to_owned() }))
}

/// The registry's size from the list totals (a one-row page of each list).
async fn registry_counts(state: &AppState) -> Result<RegistryCounts, ApiError> {
    let one = Page { offset: 0, limit: 1 };
    let store = state.system_store();
    Ok(RegistryCounts {
        suppliers: store.list_suppliers(&SupplierFilter::default(), one).await?.total,
        offerings: store.list_offerings(&OfferingFilter::default(), one).await?.total,
        services: store.list_services(&ServiceFilter::default(), one).await?.total,
    })
}

/// Request counters and latencies, registry sizes and build information in the
/// Prometheus text format 0.0.4.
#[utoipa::path(
    get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition", body = String, content_type = "text/plain"))
)]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    // A scrape still answers when the database does not: the request series matter most
    // then, and `chainward_store_up 0` tells the story.
    let counts = match registry_counts(&state).await {
        Ok(counts) => Some(counts),
        Err(error) => {
            error.log();
            None
        }
    };
    ([(header::CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE)], state.metrics().render(counts))
}

/// This API's OpenAPI document.
#[utoipa::path(
    get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "the OpenAPI 3.1 document", content_type = "application/json"))
)]
pub async fn openapi() -> impl IntoResponse {
    Json(crate::router::openapi())
}

/// Who the API token in use belongs to, its role and scope.
#[utoipa::path(
    get, path = "/api/v1/me", tag = "operations",
    responses(
        (status = 200, description = "the caller", body = Object),
        (status = 401, description = "no valid API token", body = ErrorBody),
    )
)]
pub async fn me(access: Access) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "actor": access.caller.actor,
        "role": access.caller.role,
        "supplier": access.caller.supplier_scope(),
        "user": access.user.as_ref().map(|u| serde_json::json!({"id": u.id, "username": u.username})),
        "token": access.token.as_ref().map(|t| serde_json::json!({
            "id": t.id, "name": t.name, "expires_at": t.expires_at.and_then(|e| e.format(&time::format_description::well_known::Rfc3339).ok()),
        })),
    }))
}
