//! Monitoring over the API: findings with filters and pagination, bulk VEX triage, a
//! vulnerability's advisories, KEV entry and affected offerings, stored advisories, feed
//! status and imports, VEX documents in and out per release, CI scans of SBOMs that are not
//! stored, and the "new finding" events. Responses are the JSON of the store's and the
//! monitor's own types (documented in docs/monitoring.md).

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chainward_core::model::{OfferingId, ReleaseId, SupplierId};
use chainward_core::vuln::vex::{Justification, Response as VexResponse, Triage, VexStatus};
use chainward_store::monitoring::{FindingFilter, TriageRequest, TriageScope, severity_rank};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::sboms::{attachment, read_body};
use crate::auth::Db;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::monitoring::{self, OsvSource, VexExportFormat};
use crate::state::AppState;

/// Filters and window of the findings list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FindingQuery {
    /// Only this offering's findings.
    pub offering: Option<Uuid>,
    /// Only this release's findings.
    pub release: Option<Uuid>,
    /// Only findings of this supplier's offerings.
    pub supplier: Option<Uuid>,
    /// Only this vulnerability: any of its ids (CVE, GHSA, the feed's id).
    pub vulnerability: Option<String>,
    /// At least this severity: `low`, `medium`, `high`, `critical`.
    pub severity: Option<String>,
    /// Only findings in (true) or not in (false) the CISA KEV catalogue.
    pub kev: Option<bool>,
    /// Only this triage state: `under_investigation`, `affected`, `fixed`, `not_affected`.
    pub status: Option<String>,
    /// Only this verdict: `affected`, `not_evaluable`, `unknown_version`.
    pub verdict: Option<String>,
    /// Include findings the latest match no longer produces.
    pub include_inactive: Option<bool>,
    /// Text in the component name, purl or vulnerability id.
    pub q: Option<String>,
    /// Rows to skip.
    pub offset: Option<u64>,
    /// Most rows to return, 1 to 1000 (default 50).
    pub limit: Option<u64>,
}

/// The store's filter for a findings query, checking every value.
pub fn finding_filter(query: &FindingQuery) -> Result<FindingFilter, ApiError> {
    let min_severity = match query.severity.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => {
            let rank = severity_rank(Some(&text.to_ascii_lowercase()));
            if rank == 0 {
                return Err(ApiError::BadRequest(format!(
                    "severity: {text:?} is not one of low, medium, high, critical"
                )));
            }
            Some(rank)
        }
    };
    if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
        status.parse::<VexStatus>().map_err(|e| ApiError::BadRequest(format!("status: {e}")))?;
    }
    if let Some(verdict) = query.verdict.as_deref().filter(|s| !s.is_empty())
        && !matches!(verdict, "affected" | "not_evaluable" | "unknown_version")
    {
        return Err(ApiError::BadRequest(format!(
            "verdict: {verdict:?} is not one of affected, not_evaluable, unknown_version"
        )));
    }
    Ok(FindingFilter {
        offering: query.offering.map(OfferingId),
        release: query.release.map(ReleaseId),
        supplier: query.supplier.map(SupplierId),
        vulnerability: query.vulnerability.clone().filter(|v| !v.trim().is_empty()),
        min_severity,
        kev: query.kev,
        status: query.status.clone().filter(|s| !s.is_empty()),
        verdict: query.verdict.clone().filter(|s| !s.is_empty()),
        include_inactive: query.include_inactive.unwrap_or(false),
        search: query.q.clone(),
    })
}

/// Lists findings (component × vulnerability per offering release) within reach, most
/// urgent first: active before inactive, KEV first, then by severity and CVSS score.
#[utoipa::path(
    get, path = "/api/v1/findings", tag = "monitoring",
    params(FindingQuery),
    responses((status = 200, description = "{items, total, offset, limit}"), (status = 400, description = "a malformed filter", body = ErrorBody))
)]
pub async fn list_findings(db: Db, ApiQuery(query): ApiQuery<FindingQuery>) -> Result<Json<Value>, ApiError> {
    let page = super::page(query.offset, query.limit)?;
    let filter = finding_filter(&query)?;
    let found = db.list_findings(&filter, page).await?;
    Ok(Json(json!({"items": found.items, "total": found.total, "offset": page.offset, "limit": page.limit})))
}

/// One finding and its triage history.
#[utoipa::path(
    get, path = "/api/v1/findings/{id}", tag = "monitoring",
    params(("id" = Uuid, Path, description = "the finding")),
    responses((status = 200, description = "{finding, history}"), (status = 404, description = "no such finding within reach", body = ErrorBody))
)]
pub async fn get_finding(db: Db, ApiPath(id): ApiPath<Uuid>) -> Result<Json<Value>, ApiError> {
    let (finding, history) = db.get_finding(id).await?;
    Ok(Json(json!({"finding": finding, "history": history})))
}

/// A triage decision for one or more findings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageBody {
    /// The findings.
    pub findings: Vec<Uuid>,
    /// `under_investigation`, `affected`, `fixed` or `not_affected`.
    pub status: String,
    /// Required with `not_affected`: `component_not_present`, `vulnerable_code_not_present`,
    /// `vulnerable_code_not_in_execute_path`, `vulnerable_code_cannot_be_controlled_by_adversary`,
    /// `inline_mitigations_already_exist`.
    pub justification: Option<String>,
    /// With `affected`: `can_not_fix`, `will_not_fix`, `update`, `rollback`, `workaround_available`.
    pub response: Option<String>,
    /// Why, impact or action statement.
    pub detail: Option<String>,
    /// `finding` (default) or `offering`: also every other release of each finding's offering
    /// with the same package version and vulnerability.
    pub scope: Option<String>,
}

/// The triage decision a request asks for, checked against the VEX rules.
pub fn triage_of(
    status: &str,
    justification: Option<&str>,
    response: Option<&str>,
    detail: Option<&str>,
) -> Result<Triage, ApiError> {
    let invalid = |field: &str, message: String| ApiError::Invalid { field: field.into(), message };
    let triage = Triage {
        status: status.trim().parse().map_err(|e: String| invalid("status", e))?,
        justification: justification
            .map(str::trim)
            .filter(|j| !j.is_empty())
            .map(str::parse::<Justification>)
            .transpose()
            .map_err(|e| invalid("justification", e))?,
        response: response
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::parse::<VexResponse>)
            .transpose()
            .map_err(|e| invalid("response", e))?,
        detail: detail.map(str::trim).filter(|d| !d.is_empty()).map(|d| d.chars().take(4000).collect()),
    };
    triage.check().map_err(|e| invalid("status", e.to_string()))?;
    Ok(triage)
}

/// Records a triage decision (VEX) for findings within reach; every change is audited and
/// kept in each finding's history, and the decision is remembered for the offering so that
/// new releases with the same package version take it.
#[utoipa::path(
    post, path = "/api/v1/findings/triage", tag = "monitoring",
    request_body = TriageBody,
    responses(
        (status = 200, description = "{n_changed, n_other_releases}"),
        (status = 404, description = "a finding is not within reach", body = ErrorBody),
        (status = 422, description = "the decision breaks the VEX rules (e.g. not_affected without justification)", body = ErrorBody),
    )
)]
pub async fn triage_findings(db: Db, ApiJson(body): ApiJson<TriageBody>) -> Result<Json<Value>, ApiError> {
    if body.findings.is_empty() {
        return Err(ApiError::Invalid { field: "findings".into(), message: "name at least one finding".into() });
    }
    if body.findings.len() > 10_000 {
        return Err(ApiError::Invalid { field: "findings".into(), message: "at most 10,000 findings at once".into() });
    }
    let triage =
        triage_of(&body.status, body.justification.as_deref(), body.response.as_deref(), body.detail.as_deref())?;
    let scope = match body.scope.as_deref().map(str::trim) {
        None | Some("" | "finding") => TriageScope::Finding,
        Some("offering") => TriageScope::Offering,
        Some(other) => {
            return Err(ApiError::Invalid {
                field: "scope".into(),
                message: format!("{other:?} is not one of finding, offering"),
            });
        }
    };
    let outcome = db.triage(TriageRequest { findings: body.findings, triage, scope, source: "user".into() }).await?;
    Ok(Json(serde_json::to_value(outcome).map_err(ApiError::internal)?))
}

/// A vulnerability by any of its ids: the advisories known by it, its CISA KEV entry, and
/// the findings within reach (which offerings and suppliers it affects).
#[utoipa::path(
    get, path = "/api/v1/vulnerabilities/{id}", tag = "monitoring",
    params(("id" = String, Path, description = "CVE, GHSA, or the feed's id")),
    responses((status = 200, description = "{id, advisories, kev, findings}"), (status = 404, description = "no advisory or finding knows this id", body = ErrorBody))
)]
pub async fn get_vulnerability(db: Db, ApiPath(id): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    let id = id.trim().to_owned();
    let advisories = db.advisories_known_as(&id).await?;
    let filter = FindingFilter { vulnerability: Some(id.clone()), ..FindingFilter::default() };
    let findings =
        db.list_findings(&filter, chainward_store::Page { offset: 0, limit: chainward_store::Page::MAX_LIMIT }).await?;
    let mut kev = Vec::new();
    let mut ids: Vec<String> = std::iter::once(id.clone())
        .chain(advisories.iter().flat_map(|a| std::iter::once(a.id.clone()).chain(a.aliases.iter().cloned())))
        .chain(findings.items.iter().map(|f| f.vulnerability.clone()))
        .filter(|i| i.starts_with("CVE-"))
        .collect();
    ids.sort();
    ids.dedup();
    for cve in ids {
        if let Some(entry) = db.kev_entry(&cve).await? {
            kev.push(entry);
        }
    }
    if advisories.is_empty() && findings.items.is_empty() && kev.is_empty() {
        return Err(ApiError::from(chainward_store::StoreError::NotFound { entity: "vulnerability", reference: id }));
    }
    Ok(Json(json!({
        "id": id,
        "advisories": advisories,
        "kev": kev,
        "findings": findings.items,
        "n_findings": findings.total,
    })))
}

/// A stored advisory's record, as the feed published it (OSV JSON).
#[utoipa::path(
    get, path = "/api/v1/advisories/{id}", tag = "monitoring",
    params(("id" = String, Path, description = "the advisory's own id")),
    responses((status = 200, description = "the OSV record"), (status = 404, description = "no such advisory", body = ErrorBody))
)]
pub async fn get_advisory(db: Db, ApiPath(id): ApiPath<String>) -> Result<Response, ApiError> {
    let (_, raw) = db
        .advisory(id.trim())
        .await?
        .ok_or_else(|| chainward_store::StoreError::NotFound { entity: "advisory", reference: id.clone() })?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], raw).into_response())
}

/// What the store holds of the feeds, and the latest imports with their reports.
#[utoipa::path(
    get, path = "/api/v1/feeds", tag = "monitoring",
    responses((status = 200, description = "{sources, n_kev, kev_newest, n_findings_active, imports}"))
)]
pub async fn feed_status(db: Db) -> Result<Json<Value>, ApiError> {
    Ok(Json(serde_json::to_value(db.feed_status(10).await?).map_err(ApiError::internal)?))
}

/// Where an uploaded feed came from, for the record.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FeedQuery {
    /// A label for the import report (file name or URL).
    pub source: Option<String>,
}

/// Imports OSV advisories from a zip (one JSON per advisory, as the osv.dev dumps): new and
/// newer records stored, the packages they name re-matched. Per-record errors are in the
/// report; the rest of the import proceeds.
#[utoipa::path(
    post, path = "/api/v1/feeds/osv", tag = "monitoring",
    params(FeedQuery),
    request_body(content = String, description = "the zip"),
    responses(
        (status = 201, description = "the import report"),
        (status = 400, description = "not a zip", body = ErrorBody),
        (status = 413, description = "larger than the upload limit", body = ErrorBody),
    )
)]
pub async fn import_osv(
    State(state): State<AppState>,
    db: Db,
    ApiQuery(query): ApiQuery<FeedQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    let bytes = read_body(request.into_body(), state.max_upload_bytes()).await?;
    let label = query.source.unwrap_or_else(|| "upload".into()).chars().take(255).collect::<String>();
    let import = monitoring::import_osv(&*db, OsvSource::ZipBytes(bytes), &label, None).await?;
    Ok((StatusCode::CREATED, Json(import)).into_response())
}

/// Imports the CISA KEV catalogue (JSON or CSV): entries stored, findings flagged.
#[utoipa::path(
    post, path = "/api/v1/feeds/kev", tag = "monitoring",
    params(FeedQuery),
    request_body(content = String, description = "known_exploited_vulnerabilities.json or .csv"),
    responses(
        (status = 201, description = "the import report"),
        (status = 400, description = "not a KEV catalogue", body = ErrorBody),
        (status = 413, description = "larger than the upload limit", body = ErrorBody),
    )
)]
pub async fn import_kev(
    State(state): State<AppState>,
    db: Db,
    ApiQuery(query): ApiQuery<FeedQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    let bytes = read_body(request.into_body(), state.max_upload_bytes()).await?;
    let label = query.source.unwrap_or_else(|| "upload".into()).chars().take(255).collect::<String>();
    let import = monitoring::import_kev(&*db, &bytes, &label).await?;
    Ok((StatusCode::CREATED, Json(import)).into_response())
}

/// Applies a VEX document (CycloneDX VEX, OpenVEX or CSAF VEX) to a release's findings as
/// triage decisions.
#[utoipa::path(
    post, path = "/api/v1/releases/{id}/vex", tag = "monitoring",
    params(("id" = Uuid, Path, description = "the release"), FeedQuery),
    request_body(content = String, description = "the VEX document"),
    responses(
        (status = 200, description = "{format, n_statements, n_findings_changed, unmatched, refused, problems}"),
        (status = 400, description = "not a VEX document chainward can read", body = ErrorBody),
        (status = 404, description = "no such release within reach", body = ErrorBody),
    )
)]
pub async fn import_vex(
    State(state): State<AppState>,
    db: Db,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<FeedQuery>,
    request: Request,
) -> Result<Json<Value>, ApiError> {
    let bytes = read_body(request.into_body(), state.max_upload_bytes()).await?;
    db.get_release(ReleaseId(id)).await?;
    let label = query.source.unwrap_or_else(|| "upload".into());
    let report = monitoring::apply_vex(&*db, ReleaseId(id), &bytes, &label).await?;
    Ok(Json(serde_json::to_value(report).map_err(ApiError::internal)?))
}

/// The VEX format of an export.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VexQuery {
    /// `cyclonedx` (the default) or `openvex`.
    pub format: Option<String>,
}

/// A release's triage decisions as CycloneDX VEX (1.6) or OpenVEX (0.2.0).
#[utoipa::path(
    get, path = "/api/v1/releases/{id}/vex", tag = "monitoring",
    params(("id" = Uuid, Path, description = "the release"), VexQuery),
    responses((status = 200, description = "the VEX document"), (status = 404, description = "no such release within reach", body = ErrorBody))
)]
pub async fn export_vex(
    db: Db,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<VexQuery>,
) -> Result<Response, ApiError> {
    let format: VexExportFormat =
        query.format.as_deref().unwrap_or("cyclonedx").parse().map_err(ApiError::BadRequest)?;
    let export = monitoring::export_vex(&*db, ReleaseId(id), format).await?;
    Ok(attachment(export.bytes, export.media_type, &export.file_name, None))
}

/// The output of a scan.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScanQuery {
    /// `json` (the default) or `sarif`.
    pub format: Option<String>,
    /// The file name, for SARIF's artifact.
    pub file_name: Option<String>,
}

/// Matches an SBOM (any supported format) against the stored advisories without storing
/// it: the CI gate.
#[utoipa::path(
    post, path = "/api/v1/scan", tag = "monitoring",
    params(ScanQuery),
    request_body(content = String, description = "the SBOM"),
    responses(
        (status = 200, description = "{n_components, n_matchable, n_advisories, findings[{purl, id, aliases, severity, kev, …}]} or SARIF 2.1.0"),
        (status = 400, description = "not a document chainward can read", body = ErrorBody),
        (status = 413, description = "larger than the upload limit", body = ErrorBody),
    )
)]
pub async fn scan(
    State(state): State<AppState>,
    db: Db,
    ApiQuery(query): ApiQuery<ScanQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    let sarif = match query.format.as_deref().map(str::trim) {
        None | Some("" | "json") => false,
        Some("sarif") => true,
        Some(other) => return Err(ApiError::BadRequest(format!("format: {other:?} is not one of json, sarif"))),
    };
    let bytes = read_body(request.into_body(), state.max_upload_bytes()).await?;
    let mut config = chainward_formats::sbom::LoadConfig::default();
    config.limits.max_bytes = state.max_upload_bytes();
    let loaded = crate::transparency::load_blocking(std::sync::Arc::new(bytes), config)
        .await
        .map_err(|e| ApiError::BadRequest(format!("{}: {e}", e.code())))?;
    let report = monitoring::scan(&*db, &loaded.read.sbom).await?;
    if sarif {
        let artifact = query.file_name.unwrap_or_else(|| "sbom".into());
        let body = monitoring::scan_sarif(&report, &artifact);
        return Ok(([(axum::http::header::CONTENT_TYPE, "application/sarif+json")], body).into_response());
    }
    Ok(Json(report).into_response())
}

/// Where to resume reading events.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// Events after this sequence number (default 0: from the start).
    pub after: Option<i64>,
    /// Most events to return, 1 to 1000 (default 100).
    pub limit: Option<u64>,
}

/// Stored "new finding" events, oldest first, for notification consumers.
#[utoipa::path(
    get, path = "/api/v1/finding-events", tag = "monitoring",
    params(EventQuery),
    responses((status = 200, description = "{items}"))
)]
pub async fn finding_events(db: Db, ApiQuery(query): ApiQuery<EventQuery>) -> Result<Json<Value>, ApiError> {
    let limit = query.limit.unwrap_or(100);
    if limit == 0 || limit > 1000 {
        return Err(ApiError::BadRequest(format!("limit: {limit} is out of range; use 1 to 1000")));
    }
    let items = db.finding_events(query.after.unwrap_or(0), limit).await?;
    Ok(Json(json!({"items": items})))
}
