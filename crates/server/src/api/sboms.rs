//! Transparency over the API: SBOM upload (ours and Dependency-Track's), validation without
//! storing, stored documents and their components, release export and diff, configuration
//! baselines and checks, and the review of component suppliers. Responses are the JSON of
//! the store's and engines' own report types (documented with their fields in docs/sbom.md).

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use chainward_core::model::{OfferingId, ReleaseId, SbomId, SupplierId};
use chainward_formats::sbom::{LoadConfig, Problem};
use chainward_store::Page;
use chainward_store::sbom::SbomFilter;
use futures_util::StreamExt as _;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;
use uuid::Uuid;

use crate::auth::Db;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use crate::transparency::{self, ExportFormat, IngestRequest};

/// Reads a request body into memory, refusing (413) past `limit` bytes.
pub(crate) async fn read_body(body: Body, limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk: Bytes = chunk.map_err(|e| ApiError::BadRequest(format!("the upload could not be read: {e}")))?;
        if bytes.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn too_large(limit: usize) -> ApiError {
    ApiError::PayloadTooLarge(format!(
        "the upload is larger than the limit of {limit} bytes; the server's --max-upload-bytes sets it"
    ))
}

/// The parts of a multipart upload: text fields and the one file field named in `file_fields`.
struct Parts {
    fields: Vec<(String, String)>,
    file: Option<(Option<String>, Vec<u8>)>,
}

async fn read_multipart(mut multipart: Multipart, file_fields: &[&str], limit: usize) -> Result<Parts, ApiError> {
    use crate::ui::import::{multipart_failure, read_field};
    let mut parts = Parts { fields: Vec::new(), file: None };
    let mut budget = limit;
    while let Some(mut field) = multipart.next_field().await.map_err(|e| multipart_failure(e, limit).0)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = read_field(&mut field, &mut budget, limit).await.map_err(|e| e.0)?;
        if file_fields.contains(&name.as_str()) {
            parts.file = Some((file_name, bytes));
        } else {
            parts.fields.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    Ok(parts)
}

impl Parts {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }
}

fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"))
}

fn truthy(text: Option<&str>) -> bool {
    text.is_some_and(|t| matches!(t.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on"))
}

fn load_config(state: &AppState) -> LoadConfig {
    let mut config = LoadConfig::default();
    config.limits.max_bytes = state.max_upload_bytes();
    config
}

/// Where an SBOM uploaded to `POST /api/v1/sboms` goes.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The offering: name, `Supplier / Offering` or id.
    pub offering: Option<String>,
    /// The release version (default: the version of the SBOM's subject).
    pub release: Option<String>,
    /// The supplier of the offering, to tell offerings of the same name apart.
    pub supplier: Option<String>,
    /// Refuse (422) a document with validation errors instead of storing it with them.
    pub strict: Option<bool>,
    /// Create the offering when it does not exist.
    pub create_offering: Option<bool>,
    /// The file name, for the record.
    pub file_name: Option<String>,
}

/// Uploads an SBOM or SWID tag (any supported format, detected from the content) for a
/// release of an offering: the body is the document itself, or multipart with a `file` part
/// and the query fields as parts.
#[utoipa::path(
    post, path = "/api/v1/sboms", tag = "sboms",
    params(UploadQuery),
    request_body(content = String, description = "the SBOM document, or multipart/form-data with `file`"),
    responses(
        (status = 201, description = "stored: the ingest report (document, components, supplier links, problems)"),
        (status = 400, description = "not a document chainward can read, or the offering/release is not named", body = ErrorBody),
        (status = 404, description = "no such offering within reach", body = ErrorBody),
        (status = 413, description = "larger than the upload limit", body = ErrorBody),
        (status = 422, description = "strict and the document has validation errors", body = ErrorBody),
    )
)]
pub async fn upload_sbom(
    State(state): State<AppState>,
    db: Db,
    ApiQuery(query): ApiQuery<UploadQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    let limit = state.max_upload_bytes();
    let (bytes, mut ingest) = if is_multipart(request.headers()) {
        let multipart = Multipart::from_request(request, &state)
            .await
            .map_err(|e| ApiError::BadRequest(format!("send multipart/form-data: {}", e.body_text())))?;
        let parts = read_multipart(multipart, &["file", "bom"], limit).await?;
        let request = IngestRequest {
            offering: parts.field("offering").unwrap_or_default().to_owned(),
            release: parts.field("release").map(str::to_owned),
            supplier: parts.field("supplier").map(str::to_owned),
            file_name: None,
            create_offering: truthy(parts.field("create_offering")),
            strict: truthy(parts.field("strict")),
        };
        let (file_name, bytes) =
            parts.file.ok_or_else(|| ApiError::BadRequest("the multipart upload has no `file` part".into()))?;
        (bytes, IngestRequest { file_name, ..request })
    } else {
        (read_body(request.into_body(), limit).await?, IngestRequest::default())
    };
    if let Some(offering) = query.offering {
        ingest.offering = offering;
    }
    ingest.release = query.release.or(ingest.release);
    ingest.supplier = query.supplier.or(ingest.supplier);
    ingest.strict |= query.strict.unwrap_or(false);
    ingest.create_offering |= query.create_offering.unwrap_or(false);
    ingest.file_name = query.file_name.or(ingest.file_name);
    let outcome = transparency::ingest(&*db, bytes, ingest, load_config(&state)).await?;
    let location = format!("/api/v1/sboms/{}", outcome.report.sbom.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(outcome)).into_response())
}

/// Validates a document without storing it: format, spec version, and every problem (code,
/// severity, path, message). Answers 200 whether valid or not; `valid` says which.
#[utoipa::path(
    post, path = "/api/v1/sboms/validate", tag = "sboms",
    request_body(content = String, description = "the SBOM document"),
    responses(
        (status = 200, description = "{format, encoding, spec_version, valid, n_components, problems}"),
        (status = 400, description = "not a document chainward can read", body = ErrorBody),
        (status = 413, description = "larger than the upload limit", body = ErrorBody),
    )
)]
pub async fn validate_sbom(State(state): State<AppState>, _db: Db, request: Request) -> Result<Json<Value>, ApiError> {
    let bytes = read_body(request.into_body(), state.max_upload_bytes()).await?;
    let loaded = transparency::load_blocking(std::sync::Arc::new(bytes), load_config(&state))
        .await
        .map_err(|e| ApiError::BadRequest(format!("{}: {e}", e.code())))?;
    Ok(Json(validation_json(&loaded)))
}

/// The JSON of a validation: what `chainward sbom validate --format json` prints too.
pub fn validation_json(loaded: &chainward_formats::sbom::Loaded) -> Value {
    let kind = &loaded.read.sbom.kind;
    let problems: Vec<&Problem> = loaded.read.problems.iter().collect();
    json!({
        "format": kind.format,
        "encoding": kind.encoding,
        "spec_version": kind.spec_version,
        "valid": loaded.is_valid(),
        "n_components": loaded.read.sbom.n_components(),
        "n_errors": loaded.n_errors(),
        "n_warnings": loaded.n_warnings(),
        "problems": problems,
    })
}

/// Filters and window of the SBOM list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SbomQuery {
    /// Only this offering's documents.
    pub offering: Option<Uuid>,
    /// Only this release's documents.
    pub release: Option<Uuid>,
    /// Rows to skip.
    pub offset: Option<u64>,
    /// Most rows to return, 1 to 1000 (default 50).
    pub limit: Option<u64>,
}

/// Lists stored SBOM documents, newest first.
#[utoipa::path(
    get, path = "/api/v1/sboms", tag = "sboms",
    params(SbomQuery),
    responses((status = 200, description = "{items, total, offset, limit}"), (status = 400, description = "a malformed filter", body = ErrorBody))
)]
pub async fn list_sboms(db: Db, ApiQuery(query): ApiQuery<SbomQuery>) -> Result<Json<Value>, ApiError> {
    let page = super::page(query.offset, query.limit)?;
    let filter = SbomFilter { offering: query.offering.map(OfferingId), release: query.release.map(ReleaseId) };
    let found = db.list_sboms(&filter, page).await?;
    Ok(Json(json!({"items": found.items, "total": found.total, "offset": page.offset, "limit": page.limit})))
}

/// One stored SBOM document (without its bytes).
#[utoipa::path(
    get, path = "/api/v1/sboms/{id}", tag = "sboms",
    params(("id" = Uuid, Path, description = "the document")),
    responses((status = 200, description = "the document's summary"), (status = 404, description = "no such document within reach", body = ErrorBody))
)]
pub async fn get_sbom(db: Db, ApiPath(id): ApiPath<Uuid>) -> Result<Json<Value>, ApiError> {
    let summary = db.get_sbom(SbomId(id)).await?;
    Ok(Json(serde_json::to_value(summary).map_err(ApiError::internal)?))
}

/// Deletes a stored SBOM document (evidence: procurement, analysts and admins only).
#[utoipa::path(
    delete, path = "/api/v1/sboms/{id}", tag = "sboms",
    params(("id" = Uuid, Path, description = "the document")),
    responses((status = 204, description = "deleted"), (status = 404, description = "no such document within reach", body = ErrorBody))
)]
pub async fn delete_sbom(db: Db, ApiPath(id): ApiPath<Uuid>) -> Result<StatusCode, ApiError> {
    db.delete_sbom(SbomId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The original bytes of a stored document, as uploaded (evidence).
#[utoipa::path(
    get, path = "/api/v1/sboms/{id}/content", tag = "sboms",
    params(("id" = Uuid, Path, description = "the document")),
    responses((status = 200, description = "the bytes, as an attachment"), (status = 404, description = "no such document within reach", body = ErrorBody))
)]
pub async fn sbom_content(db: Db, ApiPath(id): ApiPath<Uuid>) -> Result<Response, ApiError> {
    let summary = db.get_sbom(SbomId(id)).await?;
    let bytes = db.sbom_content(SbomId(id)).await?;
    Ok(attachment(bytes, "application/octet-stream", &format!("sbom-{}", summary.id), Some(&summary.sha256)))
}

/// A download: never rendered inline, never sniffed.
pub(crate) fn attachment(bytes: Vec<u8>, media_type: &str, file_name: &str, sha256: Option<&str>) -> Response {
    let safe: String =
        file_name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')).take(120).collect();
    let mut response = (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{safe}\"")),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response();
    if let Some(digest) = sha256.and_then(|s| header::HeaderValue::from_str(s).ok()) {
        response.headers_mut().insert("x-content-sha256", digest);
    }
    response
}

/// Search and window of a document's components.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ComponentQuery {
    /// Case-insensitive substring of name, version, purl or supplier.
    pub q: Option<String>,
    /// Rows to skip.
    pub offset: Option<u64>,
    /// Most rows to return, 1 to 1000 (default 50).
    pub limit: Option<u64>,
}

/// The components of a stored document, in document order.
#[utoipa::path(
    get, path = "/api/v1/sboms/{id}/components", tag = "sboms",
    params(("id" = Uuid, Path, description = "the document"), ComponentQuery),
    responses((status = 200, description = "{items, total, offset, limit}"), (status = 404, description = "no such document within reach", body = ErrorBody))
)]
pub async fn sbom_components(
    db: Db,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<ComponentQuery>,
) -> Result<Json<Value>, ApiError> {
    let page = super::page(query.offset, query.limit)?;
    let found = db.sbom_components(SbomId(id), query.q.as_deref(), page).await?;
    Ok(Json(json!({"items": found.items, "total": found.total, "offset": page.offset, "limit": page.limit})))
}

/// The quality of a stored document: NTIA minimum elements and CISA 2025 additions.
#[utoipa::path(
    get, path = "/api/v1/sboms/{id}/quality", tag = "sboms",
    params(("id" = Uuid, Path, description = "the document")),
    responses((status = 200, description = "per-element coverage, score and worst components"), (status = 404, description = "no such document within reach", body = ErrorBody))
)]
pub async fn sbom_quality(db: Db, ApiPath(id): ApiPath<Uuid>) -> Result<Json<Value>, ApiError> {
    let quality = db
        .sbom_quality(SbomId(id))
        .await?
        .ok_or_else(|| ApiError::NotFound("the document was stored without a quality report".into()))?;
    Ok(Json(serde_json::to_value(quality).map_err(ApiError::internal)?))
}

/// Export format.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `cyclonedx` (CycloneDX 1.6 JSON, the default) or `spdx` (SPDX 2.3 JSON).
    pub format: Option<String>,
}

/// The latest SBOM of a release, exported as CycloneDX 1.6 JSON or SPDX 2.3 JSON.
#[utoipa::path(
    get, path = "/api/v1/releases/{id}/sbom", tag = "sboms",
    params(("id" = Uuid, Path, description = "the release"), ExportQuery),
    responses((status = 200, description = "the document"), (status = 404, description = "no such release within reach, or no SBOM", body = ErrorBody))
)]
pub async fn export_release(
    db: Db,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let format: ExportFormat = query.format.as_deref().unwrap_or("cyclonedx").parse().map_err(ApiError::BadRequest)?;
    let export = transparency::export_release(&*db, ReleaseId(id), format, time::OffsetDateTime::now_utc()).await?;
    Ok(attachment(export.bytes, export.media_type, &export.file_name, None))
}

/// The two releases to compare.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    /// The older release's version.
    pub from: String,
    /// The newer release's version.
    pub to: String,
}

/// Compares the latest SBOMs of two releases of an offering: added, removed and
/// version-changed components, and same name and version with a different hash (possible
/// tampering).
#[utoipa::path(
    get, path = "/api/v1/offerings/{id}/diff", tag = "sboms",
    params(("id" = Uuid, Path, description = "the offering"), DiffQuery),
    responses((status = 200, description = "the difference"), (status = 404, description = "no such offering, release or SBOM", body = ErrorBody))
)]
pub async fn diff_releases(
    db: Db,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<DiffQuery>,
) -> Result<Json<Value>, ApiError> {
    let diff = transparency::diff_releases(&*db, OfferingId(id), &query.from, &query.to).await?;
    Ok(Json(serde_json::to_value(diff).map_err(ApiError::internal)?))
}

/// The configuration baseline of an offering.
#[utoipa::path(
    get, path = "/api/v1/offerings/{id}/baseline", tag = "sboms",
    params(("id" = Uuid, Path, description = "the offering")),
    responses((status = 200, description = "the baseline (name, source, rules)"), (status = 404, description = "no such offering, or no baseline", body = ErrorBody))
)]
pub async fn get_baseline(db: Db, ApiPath(id): ApiPath<Uuid>) -> Result<Json<Value>, ApiError> {
    let baseline = db
        .get_baseline(OfferingId(id))
        .await?
        .ok_or_else(|| ApiError::NotFound("the offering has no configuration baseline".into()))?;
    Ok(Json(serde_json::to_value(baseline).map_err(ApiError::internal)?))
}

/// Sets (replaces) the configuration baseline of an offering: the body is the baseline in
/// YAML or JSON (see docs/sbom.md for the rules).
#[utoipa::path(
    put, path = "/api/v1/offerings/{id}/baseline", tag = "sboms",
    params(("id" = Uuid, Path, description = "the offering")),
    request_body(content = String, description = "the baseline, YAML or JSON"),
    responses((status = 200, description = "the stored baseline"), (status = 404, description = "no such offering", body = ErrorBody), (status = 422, description = "the baseline is invalid", body = ErrorBody))
)]
pub async fn put_baseline(
    State(state): State<AppState>,
    db: Db,
    ApiPath(id): ApiPath<Uuid>,
    request: Request,
) -> Result<Json<Value>, ApiError> {
    let bytes = read_body(request.into_body(), state.max_upload_bytes()).await?;
    let stored = transparency::set_baseline(&*db, OfferingId(id), &bytes).await?;
    Ok(Json(serde_json::to_value(stored).map_err(ApiError::internal)?))
}

/// The configuration's file name (its extension tells JSON, YAML or TOML apart).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConfigQuery {
    /// File name, e.g. `gateway.toml`.
    pub file_name: Option<String>,
}

/// Checks a configuration (JSON, YAML or TOML) against the offering's baseline and records
/// the result: pass or fail per rule with the offending path.
#[utoipa::path(
    post, path = "/api/v1/offerings/{id}/config-checks", tag = "sboms",
    params(("id" = Uuid, Path, description = "the offering"), ConfigQuery),
    request_body(content = String, description = "the configuration"),
    responses((status = 201, description = "the recorded check with its report"), (status = 404, description = "no such offering, or no baseline", body = ErrorBody), (status = 422, description = "the configuration does not parse", body = ErrorBody))
)]
pub async fn check_config(
    State(state): State<AppState>,
    db: Db,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<ConfigQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    let bytes = read_body(request.into_body(), state.max_upload_bytes()).await?;
    let check = transparency::check_config(&*db, OfferingId(id), &bytes, query.file_name.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(check)).into_response())
}

/// Component supplier names in stored SBOMs that match no registered supplier or alias.
#[utoipa::path(
    get, path = "/api/v1/component-suppliers/unmatched", tag = "sboms",
    responses((status = 200, description = "[{name, n_components, n_sboms}]"))
)]
pub async fn unmatched_suppliers(db: Db) -> Result<Json<Value>, ApiError> {
    let found = db.unmatched_suppliers(Page::MAX_LIMIT).await?;
    Ok(Json(serde_json::to_value(found).map_err(ApiError::internal)?))
}

/// A new alias.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AliasInput {
    /// The name under which SBOMs name the supplier.
    pub alias: String,
}

/// Adds an alias under which SBOMs name a registered supplier; components already stored
/// under that name are linked to it.
#[utoipa::path(
    post, path = "/api/v1/suppliers/{id}/aliases", tag = "sboms",
    params(("id" = Uuid, Path, description = "the supplier")),
    request_body = AliasInput,
    responses((status = 201, description = "the alias"), (status = 404, description = "no such supplier", body = ErrorBody), (status = 409, description = "the alias is taken", body = ErrorBody))
)]
pub async fn add_alias(
    db: Db,
    ApiPath(id): ApiPath<Uuid>,
    crate::extract::ApiJson(input): crate::extract::ApiJson<AliasInput>,
) -> Result<Response, ApiError> {
    let alias = db.add_supplier_alias(SupplierId(id), &input.alias).await?;
    Ok((StatusCode::CREATED, Json(alias)).into_response())
}

/// The aliases of a supplier.
#[utoipa::path(
    get, path = "/api/v1/suppliers/{id}/aliases", tag = "sboms",
    params(("id" = Uuid, Path, description = "the supplier")),
    responses((status = 200, description = "[{alias, supplier}]"))
)]
pub async fn list_aliases(db: Db, ApiPath(id): ApiPath<Uuid>) -> Result<Json<Value>, ApiError> {
    let aliases = db.list_supplier_aliases(Some(SupplierId(id))).await?;
    Ok(Json(serde_json::to_value(aliases).map_err(ApiError::internal)?))
}

/// Removes an alias.
#[utoipa::path(
    delete, path = "/api/v1/supplier-aliases/{alias}", tag = "sboms",
    params(("alias" = String, Path, description = "the alias")),
    responses((status = 204, description = "removed"), (status = 404, description = "no such alias", body = ErrorBody))
)]
pub async fn delete_alias(db: Db, ApiPath(alias): ApiPath<String>) -> Result<StatusCode, ApiError> {
    db.delete_supplier_alias(&alias).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- Dependency-Track compatible upload -------------------------------------------------

/// The JSON body of Dependency-Track's `PUT /api/v1/bom`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DtBomSubmit {
    /// Project UUID (Dependency-Track's own id: accepted when it is an offering id here).
    pub project: Option<String>,
    /// Project name: the offering.
    pub project_name: Option<String>,
    /// Project version: the release.
    pub project_version: Option<String>,
    /// Create the project (offering) when it does not exist.
    pub auto_create: Option<bool>,
    /// The BOM, base64-encoded.
    pub bom: String,
}

/// Dependency-Track compatible upload (`PUT /api/v1/bom` with JSON `{projectName,
/// projectVersion, autoCreate, bom: base64}`): the BOM is processed before the answer, and
/// the token reports `processing: false` at once.
#[utoipa::path(
    put, path = "/api/v1/bom", tag = "dependency-track",
    request_body = DtBomSubmit,
    responses(
        (status = 200, description = "{token}"),
        (status = 400, description = "unreadable BOM or project not named", body = ErrorBody),
        (status = 404, description = "no such project and autoCreate not set", body = ErrorBody),
        (status = 413, description = "larger than the upload limit", body = ErrorBody),
    )
)]
pub async fn dt_put_bom(State(state): State<AppState>, db: Db, request: Request) -> Result<Json<Value>, ApiError> {
    let limit = state.max_upload_bytes();
    // The base64 text is a third larger than the BOM it carries.
    let body = read_body(request.into_body(), limit.saturating_add(limit / 3).saturating_add(4096)).await?;
    let submit: DtBomSubmit =
        serde_json::from_slice(&body).map_err(|e| ApiError::BadRequest(format!("the JSON body is malformed: {e}")))?;
    let bom = decode_base64(&submit.bom)?;
    dt_ingest(
        &state,
        &db,
        bom,
        submit.project,
        submit.project_name,
        submit.project_version,
        submit.auto_create.unwrap_or(false),
    )
    .await
}

/// Dependency-Track compatible upload as multipart (`POST /api/v1/bom` with `project` or
/// `projectName` + `projectVersion`, `autoCreate` and `bom`, a file or text part).
#[utoipa::path(
    post, path = "/api/v1/bom", tag = "dependency-track",
    request_body(content = String, content_type = "multipart/form-data", description = "projectName, projectVersion, autoCreate, bom"),
    responses(
        (status = 200, description = "{token}"),
        (status = 400, description = "unreadable BOM or project not named", body = ErrorBody),
        (status = 404, description = "no such project and autoCreate not set", body = ErrorBody),
        (status = 413, description = "larger than the upload limit", body = ErrorBody),
    )
)]
pub async fn dt_post_bom(State(state): State<AppState>, db: Db, request: Request) -> Result<Json<Value>, ApiError> {
    if !is_multipart(request.headers()) {
        return Err(ApiError::BadRequest("send multipart/form-data with projectName, projectVersion and bom".into()));
    }
    let multipart = Multipart::from_request(request, &state)
        .await
        .map_err(|e| ApiError::BadRequest(format!("send multipart/form-data: {}", e.body_text())))?;
    let parts = read_multipart(multipart, &["bom"], state.max_upload_bytes()).await?;
    let (_, bom) = parts.file.clone().ok_or_else(|| ApiError::BadRequest("the upload has no `bom` part".into()))?;
    dt_ingest(
        &state,
        &db,
        bom,
        parts.field("project").map(str::to_owned),
        parts.field("projectName").map(str::to_owned),
        parts.field("projectVersion").map(str::to_owned),
        truthy(parts.field("autoCreate")),
    )
    .await
}

fn decode_base64(text: &str) -> Result<Vec<u8>, ApiError> {
    let cleaned: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(cleaned.trim_end_matches('=').as_bytes()))
        .map_err(|e| ApiError::BadRequest(format!("bom: not valid base64 ({e})")))
}

async fn dt_ingest(
    state: &AppState,
    db: &Db,
    bom: Vec<u8>,
    project: Option<String>,
    project_name: Option<String>,
    project_version: Option<String>,
    auto_create: bool,
) -> Result<Json<Value>, ApiError> {
    let offering = match (project_name, project) {
        (Some(name), _) => name,
        (None, Some(id)) => id,
        (None, None) => {
            return Err(ApiError::BadRequest("name the project: projectName (or project) is required".into()));
        }
    };
    let request = IngestRequest {
        offering,
        release: project_version,
        create_offering: auto_create,
        file_name: Some("bom".into()),
        ..IngestRequest::default()
    };
    let token = Uuid::now_v7();
    let outcome = transparency::ingest(&**db, bom, request, load_config(state)).await?;
    db.record_bom_upload(token, Ok(outcome.report.sbom.id)).await?;
    Ok(Json(json!({ "token": token })))
}

/// The processing state of an upload token, as Dependency-Track answers it.
#[utoipa::path(
    get, path = "/api/v1/bom/token/{uuid}", tag = "dependency-track",
    params(("uuid" = Uuid, Path, description = "the token of an upload")),
    responses((status = 200, description = "{processing: false, status, sbom}"), (status = 404, description = "no such token", body = ErrorBody))
)]
pub async fn dt_token(db: Db, ApiPath(token): ApiPath<Uuid>) -> Result<Json<Value>, ApiError> {
    let upload = db.bom_upload(token).await?;
    Ok(Json(json!({
        "processing": false,
        "status": upload.status,
        "sbom": upload.sbom,
        "error": upload.error,
    })))
}

/// The same, at the address newer Dependency-Track clients poll.
#[utoipa::path(
    get, path = "/api/v1/event/token/{uuid}", tag = "dependency-track",
    params(("uuid" = Uuid, Path, description = "the token of an upload")),
    responses((status = 200, description = "{processing: false, status, sbom}"), (status = 404, description = "no such token", body = ErrorBody))
)]
pub async fn dt_event_token(db: Db, path: ApiPath<Uuid>) -> Result<Json<Value>, ApiError> {
    dt_token(db, path).await
}
