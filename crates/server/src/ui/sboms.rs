//! Transparency pages for SBOMs and SWID tags: validating a file without storing it, the
//! upload form of an offering (the supplier portal's too), a stored document's page
//! (summary, validation problems, quality per element, components with search), the
//! download of its original bytes, a release's page and exports, and the comparison of two
//! releases.
//!
//! Reading, validation, ingest, export and diff are `crate::transparency`'s, as for every
//! other door; these handlers only read forms and show results. Uploaded bytes are never
//! shown inline: the original comes back only as an `application/octet-stream` attachment.

use std::sync::Arc;

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chainward_core::model::{OfferingId, ReleaseId, SbomId, SupplierId};
use chainward_core::sbom::quality::{Group, Level};
use chainward_formats::sbom::{LoadConfig, Problem, SbomError, Severity};
use chainward_store::sbom::{SbomFilter, SbomSummary, StoredComponent};
use chainward_store::{Page, StoreError};

use super::import::{human_bytes, multipart_failure, read_field, read_text, shown_name};
use super::suppliers::{Choice, EmptyForm, Fields, Link, PAGE_SIZE, human, parse_id};
use super::{Frame, PageError, Pager, check_csrf, redirect_with_flash, render, render_status};
use crate::auth::{Access, Need};
use crate::error::ApiError;
use crate::state::AppState;
use crate::transparency::{self, ExportFormat, IngestError, IngestRequest};

/// Problems listed on a page; the rest are counted.
const PROBLEMS_SHOWN: usize = 1000;
/// Components listed as lacking the most.
const WORST_SHOWN: usize = 10;
/// SBOM documents of a release listed on its page.
const DOCUMENTS_SHOWN: u64 = 100;

// ---- reading upload forms ------------------------------------------------------------

/// A multipart form as the upload pages send it: the CSRF token first (checked before
/// anything else is read), short text fields, long text fields and at most one file.
#[derive(Debug, Default)]
pub(crate) struct UploadForm {
    /// Text fields, trimmed of nothing.
    pub(crate) fields: Fields,
    /// The file, as (shown name, bytes), when one was chosen.
    pub(crate) file: Option<(String, Vec<u8>)>,
}

/// The 413 of an upload page.
fn upload_too_large(limit: usize) -> PageError {
    PageError(ApiError::PayloadTooLarge(format!(
        "the file is larger than the {} the server accepts",
        human_bytes(limit)
    )))
}

/// Reads an upload form. `long_fields` are text fields that may be as long as a file (a
/// pasted baseline); they count against the upload limit like the file. A missing or
/// wrong CSRF token is answered with the refusal page, and so is a body that is not
/// multipart.
pub(crate) async fn read_upload(
    state: &AppState,
    access: &Access,
    multipart: Result<Multipart, MultipartRejection>,
    long_fields: &[&str],
) -> Result<UploadForm, Response> {
    let mut multipart = multipart.map_err(|e| {
        PageError(ApiError::BadRequest(format!("send the form as multipart/form-data: {}", e.body_text())))
            .into_response()
    })?;
    let limit = state.max_upload_bytes();
    let mut budget = limit;
    let mut csrf_checked = false;
    let mut form = UploadForm::default();
    let too_large = |e: PageError| match e.0 {
        ApiError::PayloadTooLarge(_) => upload_too_large(limit).into_response(),
        other => PageError(other).into_response(),
    };
    while let Some(mut field) = multipart.next_field().await.map_err(|e| too_large(multipart_failure(e, limit)))? {
        let name = field.name().unwrap_or_default().to_owned();
        // The token comes first in the form: nothing else is read before it is checked.
        if !csrf_checked {
            let presented =
                if name == "_csrf" { read_text(&mut field, limit).await.map_err(too_large)? } else { String::new() };
            check_csrf(access, presented.trim())?;
            csrf_checked = true;
            continue;
        }
        if name == "file" {
            let raw_name = field.file_name().unwrap_or_default().to_owned();
            let bytes = read_field(&mut field, &mut budget, limit).await.map_err(too_large)?;
            // A file input left empty still sends a part, without name or content.
            if raw_name.is_empty() && bytes.is_empty() {
                continue;
            }
            if form.file.is_none() {
                form.file = Some((shown_name(&raw_name, 1), bytes));
            }
        } else if long_fields.contains(&name.as_str()) {
            let bytes = read_field(&mut field, &mut budget, limit).await.map_err(too_large)?;
            form.fields.push(&name, String::from_utf8_lossy(&bytes).into_owned());
        } else {
            let text = read_text(&mut field, limit).await.map_err(|e| e.into_response())?;
            form.fields.push(&name, text);
        }
    }
    if !csrf_checked {
        return Err(check_csrf(access, "").err().unwrap_or_else(|| super::forbidden_page("The form is empty.")));
    }
    Ok(form)
}

// ---- problems ----------------------------------------------------------------------

/// One validation problem, as the tables show it.
#[derive(Debug, Clone)]
pub struct ProblemRow {
    /// `error` or `warning`.
    pub severity: String,
    /// Stable code.
    pub code: String,
    /// Where in the document.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl ProblemRow {
    pub(crate) fn of(p: &Problem) -> ProblemRow {
        let severity = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        ProblemRow {
            severity: severity.to_owned(),
            code: p.code.to_owned(),
            path: p.path.clone(),
            message: p.message.clone(),
        }
    }

    /// Problems as the store keeps them (a JSON array of problems); anything else in it is
    /// skipped.
    fn from_stored(value: &serde_json::Value) -> Vec<ProblemRow> {
        let text = |p: &serde_json::Value, key: &str| p.get(key).and_then(|v| v.as_str()).unwrap_or("").to_owned();
        value
            .as_array()
            .into_iter()
            .flatten()
            .take(PROBLEMS_SHOWN)
            .filter(|p| p.is_object())
            .map(|p| ProblemRow {
                severity: text(p, "severity"),
                code: text(p, "code"),
                path: text(p, "path"),
                message: text(p, "message"),
            })
            .collect()
    }
}

// ---- validation without storing ------------------------------------------------------

/// What validating a file found.
#[derive(Debug, Clone)]
pub struct Validation {
    /// The file's name, as shown.
    pub file_name: String,
    /// Its size, for people.
    pub size: String,
    /// `CycloneDX`, `SPDX`, `SWID`.
    pub format: String,
    /// `json`, `xml`, …
    pub encoding: String,
    /// The spec version the document states.
    pub spec_version: String,
    /// No problem of severity error.
    pub valid: bool,
    /// Errors.
    pub n_errors: usize,
    /// Warnings.
    pub n_warnings: usize,
    /// Components described.
    pub n_components: usize,
    /// The problems (the first [`PROBLEMS_SHOWN`]).
    pub problems: Vec<ProblemRow>,
    /// Problems not listed.
    pub n_more: usize,
}

/// `GET /sboms/validate` and its result.
#[derive(Template)]
#[template(path = "sbom_validate.html")]
pub struct ValidatePage {
    frame: Frame,
    limit: String,
    error: Option<String>,
    result: Option<Validation>,
}

fn validate_page(
    state: &AppState,
    access: &Access,
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<String>,
    result: Option<Validation>,
) -> Response {
    render_status(
        status,
        &ValidatePage {
            frame: Frame::new(access, headers, "Validate an SBOM", "/sboms/validate"),
            limit: human_bytes(state.max_upload_bytes()),
            error,
            result,
        },
    )
}

/// `GET /sboms/validate`: the form.
pub async fn validate_form(State(state): State<AppState>, access: Access, headers: HeaderMap) -> Response {
    validate_page(&state, &access, &headers, StatusCode::OK, None, None)
}

/// How an unreadable document is told.
fn unreadable_text(e: &SbomError) -> String {
    format!("The file could not be read as an SBOM or SWID tag ({}): {e}.", e.code())
}

/// `POST /sboms/validate`: reads and validates the uploaded file and shows what it found;
/// nothing is stored.
pub async fn validate(
    State(state): State<AppState>,
    access: Access,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let form = match read_upload(&state, &access, multipart, &[]).await {
        Ok(form) => form,
        Err(refusal) => return refusal,
    };
    let Some((file_name, bytes)) = form.file else {
        let error = Some("Choose a file to validate.".to_owned());
        return validate_page(&state, &access, &headers, StatusCode::UNPROCESSABLE_ENTITY, error, None);
    };
    let size = human_bytes(bytes.len());
    let loaded = match transparency::load_blocking(Arc::new(bytes), LoadConfig::default()).await {
        Ok(loaded) => loaded,
        Err(e) => {
            let status = match e {
                SbomError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            return validate_page(&state, &access, &headers, status, Some(unreadable_text(&e)), None);
        }
    };
    let kind = &loaded.read.sbom.kind;
    let problems: Vec<ProblemRow> = loaded.read.problems.iter().take(PROBLEMS_SHOWN).map(ProblemRow::of).collect();
    let result = Validation {
        file_name,
        size,
        format: format_name(kind.format),
        encoding: kind.encoding.as_str().to_owned(),
        spec_version: kind.spec_version.clone(),
        valid: loaded.is_valid(),
        n_errors: loaded.n_errors(),
        n_warnings: loaded.n_warnings(),
        n_components: loaded.read.sbom.n_components(),
        n_more: loaded.read.problems.len().saturating_sub(problems.len()),
        problems,
    };
    validate_page(&state, &access, &headers, StatusCode::OK, None, Some(result))
}

fn format_name(format: chainward_core::sbom::SbomFormat) -> String {
    use chainward_core::sbom::SbomFormat;
    match format {
        SbomFormat::CycloneDx => "CycloneDX",
        SbomFormat::Spdx => "SPDX",
        SbomFormat::Swid => "SWID",
    }
    .to_owned()
}

// ---- upload to an offering -----------------------------------------------------------

/// `GET /offerings/{id}/sboms/new` and the form shown again when an upload failed.
#[derive(Template)]
#[template(path = "sbom_upload.html")]
pub struct UploadPage {
    frame: Frame,
    offering: Link,
    id: String,
    limit: String,
    /// Versions of the offering's releases, offered as suggestions.
    versions: Vec<String>,
    release: String,
    strict: bool,
    error: Option<String>,
    problems: Vec<ProblemRow>,
}

#[allow(clippy::too_many_arguments)] // one page, its status and what the form held
async fn upload_page(
    state: &AppState,
    access: &Access,
    headers: &HeaderMap,
    offering: OfferingId,
    status: StatusCode,
    form: &Fields,
    error: Option<String>,
    problems: Vec<ProblemRow>,
) -> Result<Response, PageError> {
    let store = access.store();
    let found = store.get_offering(offering).await?;
    let versions = store.list_releases(offering).await?.into_iter().map(|r| r.data.version).collect();
    let heading = format!("Upload an SBOM for {}", found.data.name);
    Ok(render_status(
        status,
        &UploadPage {
            frame: Frame::new(access, headers, heading, "/offerings"),
            offering: Link { href: format!("/offerings/{offering}"), label: found.data.name },
            id: offering.to_string(),
            limit: human_bytes(state.max_upload_bytes()),
            versions,
            release: form.get("release").to_owned(),
            strict: !form.get("strict").is_empty(),
            error,
            problems,
        },
    ))
}

/// `GET /offerings/{id}/sboms/new`: the upload form.
pub async fn new_form(
    State(state): State<AppState>,
    access: Access,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = OfferingId(parse_id(&raw)?);
    upload_page(&state, &access, &headers, id, StatusCode::OK, &Fields::default(), None, Vec::new()).await
}

/// `POST /offerings/{id}/sboms`: ingests the uploaded SBOM or SWID tag under a release of
/// the offering (as every door does) and goes to its page; a file that cannot be read, or
/// with errors when the user asked to refuse those, comes back on the form.
pub async fn upload(
    State(state): State<AppState>,
    access: Access,
    headers: HeaderMap,
    Path(raw): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let id = OfferingId(parse_id(&raw)?);
    let form = match read_upload(&state, &access, multipart, &[]).await {
        Ok(form) => form,
        Err(refusal) => return Ok(refusal),
    };
    // Through the caller's store: another supplier's offering is not there.
    access.store().get_offering(id).await?;
    let Some((file_name, bytes)) = form.file else {
        let error = Some("Choose the SBOM or SWID tag file to upload.".to_owned());
        return upload_page(
            &state,
            &access,
            &headers,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form.fields,
            error,
            vec![],
        )
        .await;
    };
    let request = IngestRequest {
        offering: id.to_string(),
        release: form.fields.opt("release"),
        supplier: None,
        file_name: Some(file_name),
        create_offering: false,
        strict: form.fields.opt("strict").is_some(),
    };
    let failed = |status: StatusCode, error: String, problems: Vec<ProblemRow>| {
        upload_page(&state, &access, &headers, id, status, &form.fields, Some(error), problems)
    };
    match transparency::ingest(access.store(), bytes, request, LoadConfig::default()).await {
        Ok(outcome) => {
            let sbom = &outcome.report.sbom;
            let release = if outcome.report.release_created {
                format!("new release {}", sbom.release_version)
            } else {
                format!("release {}", sbom.release_version)
            };
            let problems = match (sbom.n_errors, sbom.n_warnings) {
                (0, 0) => "no validation problems".to_owned(),
                (errors, warnings) => format!("{errors} validation errors and {warnings} warnings, listed below"),
            };
            let message = format!("SBOM stored under {release}: {} components, {problems}.", sbom.n_components);
            Ok(redirect_with_flash(&format!("/sboms/{}", sbom.id), &message, false))
        }
        Err(IngestError::Unreadable(e)) => {
            let status = match e {
                SbomError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            failed(status, unreadable_text(&e), Vec::new()).await
        }
        Err(IngestError::Invalid { n_errors, problems, .. }) => {
            let rows = problems.iter().map(ProblemRow::of).collect();
            let error = format!(
                "Not stored: the document has {n_errors} validation errors (listed below) and you asked to refuse \
                 invalid documents."
            );
            failed(StatusCode::UNPROCESSABLE_ENTITY, error, rows).await
        }
        Err(IngestError::Request(message)) => {
            failed(StatusCode::UNPROCESSABLE_ENTITY, format!("Not stored: {message}."), Vec::new()).await
        }
        Err(IngestError::Store(StoreError::Invalid(value))) => {
            failed(StatusCode::UNPROCESSABLE_ENTITY, format!("Not stored: {value}."), Vec::new()).await
        }
        Err(IngestError::Store(e)) => Err(e.into()),
    }
}

// ---- a stored document -----------------------------------------------------------------

/// Coverage of one quality element.
#[derive(Debug, Clone)]
pub struct QualityRow {
    /// NTIA or CISA 2025.
    pub group: &'static str,
    /// The element, for people.
    pub element: String,
    /// Component or document.
    pub level: &'static str,
    /// How many have it.
    pub covered: usize,
    /// Out of.
    pub total: usize,
    /// Percent, rounded to a whole number for the meter.
    pub percent: String,
    /// Percent, one decimal, for the text.
    pub percent_text: String,
}

/// A component that lacks the most elements.
#[derive(Debug, Clone)]
pub struct WorstRow {
    /// Name.
    pub name: String,
    /// Version, or empty.
    pub version: String,
    /// The elements it lacks, for people.
    pub missing: String,
}

/// One component of the components table.
#[derive(Debug, Clone)]
pub struct ComponentRow {
    /// Name (`group/name`).
    pub name: String,
    /// Version, or empty.
    pub version: String,
    /// Package URL, or empty.
    pub purl: String,
    /// Supplier (or manufacturer) as the SBOM writes it, or empty.
    pub supplier: String,
    /// The registered supplier it links to.
    pub supplier_href: Option<String>,
    /// Licences, `; `-separated.
    pub licenses: String,
    /// How many hashes it has.
    pub n_hashes: usize,
    /// Whether it is the product the document describes, listed only so that dependencies
    /// can name it.
    pub product: bool,
}

/// Everything the page of one stored document shows (also on its release's page).
#[derive(Debug, Clone)]
pub struct SbomView {
    /// The document's id.
    pub id: String,
    /// The page the search form and pager go to.
    pub base: String,
    /// The offering.
    pub offering: Link,
    /// The release.
    pub release: Link,
    /// CycloneDX, SPDX, SWID.
    pub format: String,
    /// Encoding.
    pub encoding: String,
    /// Spec version.
    pub spec_version: String,
    /// Serial number or namespace, or empty.
    pub serial_number: String,
    /// File name, or empty.
    pub file_name: String,
    /// SHA-256 of the original bytes.
    pub sha256: String,
    /// Size for people.
    pub size: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When (UTC, to the minute).
    pub uploaded_at: String,
    /// Components.
    pub n_components: u64,
    /// Dependency edges.
    pub n_dependencies: u64,
    /// Validation errors.
    pub n_errors: u64,
    /// Validation warnings.
    pub n_warnings: u64,
    /// The quality score, or empty.
    pub score: String,
    /// Stored problems.
    pub problems: Vec<ProblemRow>,
    /// Coverage per element.
    pub quality: Vec<QualityRow>,
    /// The components lacking the most.
    pub worst: Vec<WorstRow>,
    /// The search text.
    pub q: String,
    /// This page of components.
    pub components: Vec<ComponentRow>,
    /// Pages of components.
    pub pager: Pager,
    /// Whether the caller may delete it.
    pub can_delete: bool,
}

/// A moment for people: UTC, to the minute.
pub(crate) fn when(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{} {:02}:{:02} UTC", at.date(), at.hour(), at.minute())
}

fn group_name(group: Group) -> &'static str {
    match group {
        Group::Ntia => "NTIA",
        Group::Cisa2025 => "CISA 2025",
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Component => "each component",
        Level::Document => "the document",
    }
}

fn component_row(c: &StoredComponent) -> ComponentRow {
    let d = &c.data;
    ComponentRow {
        name: d.display_name(),
        version: d.version.clone().unwrap_or_default(),
        purl: d.purl.clone().unwrap_or_default(),
        supplier: d.supplier.clone().or_else(|| d.manufacturer.clone()).unwrap_or_default(),
        supplier_href: c.supplier.map(|s: SupplierId| format!("/suppliers/{s}")),
        licenses: d.licenses.join("; "),
        n_hashes: d.hashes.len(),
        product: d.subject_only,
    }
}

/// Builds the view of document `summary` for the page at `base` (search and offset from
/// `query`).
async fn sbom_view(access: &Access, summary: SbomSummary, base: &str, query: &Fields) -> Result<SbomView, PageError> {
    let store = access.store();
    let id = summary.id;
    let problems = ProblemRow::from_stored(&store.sbom_problems(id).await?);
    // Scored once at ingest; the page reads the stored report.
    let (elements, worst) = match store.sbom_quality(id).await? {
        Some(scored) => (scored.elements, scored.worst),
        None => (Vec::new(), Vec::new()),
    };
    let q = query.opt("q");
    let offset = query.offset();
    let found = store.sbom_components(id, q.as_deref(), Page { offset, limit: PAGE_SIZE }).await?;
    let pager_base = format!("{base}{}", query.query(&["q"]));
    let pager = Pager::new(&pager_base, offset, PAGE_SIZE, found.items.len(), found.total);
    Ok(SbomView {
        id: id.to_string(),
        base: base.to_owned(),
        offering: Link { href: format!("/offerings/{}", summary.offering), label: summary.offering_name.clone() },
        release: Link { href: format!("/releases/{}", summary.release), label: summary.release_version.clone() },
        format: format_name(summary.kind.format),
        encoding: summary.kind.encoding.as_str().to_owned(),
        spec_version: summary.kind.spec_version.clone(),
        serial_number: summary.serial_number.clone().unwrap_or_default(),
        file_name: summary.file_name.clone().unwrap_or_default(),
        sha256: summary.sha256.clone(),
        size: human_bytes(usize::try_from(summary.size_bytes).unwrap_or(usize::MAX)),
        size_bytes: summary.size_bytes,
        uploaded_by: summary.uploaded_by.clone(),
        uploaded_at: when(summary.uploaded_at),
        n_components: summary.n_components,
        n_dependencies: summary.n_dependencies,
        n_errors: summary.n_errors,
        n_warnings: summary.n_warnings,
        score: summary.quality_score.map(|s| format!("{s:.1}")).unwrap_or_default(),
        problems,
        quality: elements
            .iter()
            .map(|e| QualityRow {
                group: group_name(e.group),
                element: human(&e.id),
                level: level_name(e.level),
                covered: e.covered,
                total: e.total,
                percent: format!("{:.0}", e.percent),
                percent_text: format!("{:.1}", e.percent),
            })
            .collect(),
        worst: worst
            .iter()
            .take(WORST_SHOWN)
            .map(|w| WorstRow {
                name: w.name.clone(),
                version: w.version.clone().unwrap_or_default(),
                missing: w.missing.iter().map(|m| human(m)).collect::<Vec<_>>().join(", "),
            })
            .collect(),
        q: q.unwrap_or_default(),
        components: found.items.iter().map(component_row).collect(),
        pager,
        can_delete: access.can(Need::ManageSuppliers),
    })
}

/// `GET /sboms/{id}`.
#[derive(Template)]
#[template(path = "sbom.html")]
pub struct ShowPage {
    frame: Frame,
    view: SbomView,
}

/// `GET /sboms/{id}?q=…&offset=…`: a stored document.
pub async fn show(
    access: Access,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = SbomId(parse_id(&raw)?);
    let summary = access.store().get_sbom(id).await?;
    let title = format!("SBOM of {} {}", summary.offering_name, summary.release_version);
    let view = sbom_view(&access, summary, &format!("/sboms/{id}"), &Fields::new(pairs)).await?;
    Ok(render(&ShowPage { frame: Frame::new(&access, &headers, title, "/offerings"), view }))
}

/// A file name safe for a `Content-Disposition` header: ASCII letters, digits, `.`, `-`
/// and `_` only, never starting with a dot.
pub(crate) fn download_name(name: Option<&str>, fallback: &str) -> String {
    let clean: String = name
        .unwrap_or("")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .take(100)
        .collect();
    let clean = clean.trim_start_matches('.');
    if clean.chars().any(|c| c.is_ascii_alphanumeric()) { clean.to_owned() } else { fallback.to_owned() }
}

/// A download: the bytes as an attachment of `content_type`, never cached.
pub(crate) fn attachment(bytes: Vec<u8>, content_type: &str, file_name: &str) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    let content_type =
        HeaderValue::from_str(content_type).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    (
        [
            (CONTENT_TYPE, content_type),
            (CONTENT_DISPOSITION, disposition),
            (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /sboms/{id}/content`: the original bytes as uploaded, as an attachment that no
/// browser renders.
pub async fn content(access: Access, Path(raw): Path<String>) -> Result<Response, PageError> {
    let id = SbomId(parse_id(&raw)?);
    let store = access.store();
    let summary = store.get_sbom(id).await?;
    let bytes = store.sbom_content(id).await?;
    let name = download_name(summary.file_name.as_deref(), &format!("sbom-{id}"));
    Ok(attachment(bytes, "application/octet-stream", &name))
}

/// `POST /sboms/{id}/delete`: deletes a stored document (its release stays).
pub async fn delete(
    access: Access,
    Path(raw): Path<String>,
    super::CsrfForm(_): super::CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    let id = SbomId(parse_id(&raw)?);
    let store = access.store();
    let summary = store.get_sbom(id).await?;
    store.delete_sbom(id).await?;
    let named = summary.file_name.as_deref().map(|f| format!(" \u{201c}{f}\u{201d}")).unwrap_or_default();
    Ok(redirect_with_flash(
        &format!("/releases/{}", summary.release),
        &format!("SBOM{named} of release {} deleted.", summary.release_version),
        false,
    ))
}

// ---- releases ----------------------------------------------------------------------------

/// One SBOM document of a release.
#[derive(Debug, Clone)]
pub struct DocumentRow {
    /// Its page.
    pub href: String,
    /// File name or id.
    pub label: String,
    /// Format and version.
    pub kind: String,
    /// Components.
    pub n_components: u64,
    /// Errors.
    pub n_errors: u64,
    /// When.
    pub uploaded_at: String,
    /// By whom.
    pub uploaded_by: String,
}

/// `GET /releases/{id}`.
#[derive(Template)]
#[template(path = "release.html")]
pub struct ReleasePage {
    frame: Frame,
    version: String,
    released_on: String,
    offering: Link,
    offering_id: String,
    documents: Vec<DocumentRow>,
    n_documents: u64,
    more_documents: bool,
    view: Option<SbomView>,
    can_upload: bool,
    /// The release's id, for its VEX links and form.
    id: String,
    /// Its active findings, counted.
    findings: super::findings::ReleaseFindings,
    /// Whether the caller may apply VEX documents.
    can_triage: bool,
}

/// `GET /releases/{id}?q=…&offset=…`: a release, its findings summary and VEX documents,
/// its latest SBOM and its documents.
pub async fn release(
    access: Access,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = ReleaseId(parse_id(&raw)?);
    let store = access.store();
    let found = store.get_release(id).await?;
    let offering = store.get_offering(found.data.offering).await?;
    let filter = SbomFilter { release: Some(id), ..SbomFilter::default() };
    let documents = store.list_sboms(&filter, Page { offset: 0, limit: DOCUMENTS_SHOWN }).await?;
    let view = match documents.items.first() {
        Some(latest) => {
            Some(sbom_view(&access, latest.clone(), &format!("/releases/{id}"), &Fields::new(pairs)).await?)
        }
        None => None,
    };
    let title = format!("{} {}", offering.data.name, found.data.version);
    Ok(render(&ReleasePage {
        frame: Frame::new(&access, &headers, title, "/offerings"),
        version: found.data.version.clone(),
        released_on: found.data.released_on.map(|d| d.to_string()).unwrap_or_default(),
        offering: Link { href: format!("/offerings/{}", offering.id), label: offering.data.name.clone() },
        offering_id: offering.id.to_string(),
        documents: documents
            .items
            .iter()
            .map(|d| DocumentRow {
                href: format!("/sboms/{}", d.id),
                label: d.file_name.clone().unwrap_or_else(|| d.id.to_string()),
                kind: format!("{} {}", format_name(d.kind.format), d.kind.spec_version),
                n_components: d.n_components,
                n_errors: d.n_errors,
                uploaded_at: when(d.uploaded_at),
                uploaded_by: d.uploaded_by.clone(),
            })
            .collect(),
        n_documents: documents.total,
        more_documents: documents.total > documents.items.len() as u64,
        view,
        can_upload: access.can(Need::UploadEvidence),
        id: id.to_string(),
        findings: super::findings::release_findings(store, id).await?,
        can_triage: access.can(Need::Triage),
    }))
}

/// `GET /releases/{id}/export?format=cyclonedx|spdx`: the release's latest SBOM written as
/// CycloneDX 1.6 or SPDX 2.3 JSON, as a download.
pub async fn export(
    access: Access,
    Path(raw): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = ReleaseId(parse_id(&raw)?);
    let query = Fields::new(pairs);
    let format = match query.opt("format") {
        None => ExportFormat::CycloneDx,
        Some(text) => text.parse::<ExportFormat>().map_err(|e| PageError(ApiError::BadRequest(e)))?,
    };
    let export = transparency::export_release(access.store(), id, format, crate::auth::guard::now()).await?;
    Ok(attachment(export.bytes, export.media_type, &download_name(Some(&export.file_name), "sbom.json")))
}

// ---- comparing releases ------------------------------------------------------------------

/// A component on one side only.
#[derive(Debug, Clone)]
pub struct SideRow {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Package URL, or empty.
    pub purl: String,
}

/// A component whose version changed.
#[derive(Debug, Clone)]
pub struct ChangeRow {
    /// Name.
    pub name: String,
    /// Old version.
    pub old: String,
    /// New version.
    pub new: String,
}

/// Same name and version, another hash.
#[derive(Debug, Clone)]
pub struct MismatchRow {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Algorithm.
    pub algorithm: String,
    /// Old value(s).
    pub old: String,
    /// New value(s).
    pub new: String,
}

/// The result of a comparison.
#[derive(Debug, Clone)]
pub struct DiffView {
    /// Old release.
    pub from: String,
    /// New release.
    pub to: String,
    /// Added.
    pub added: Vec<SideRow>,
    /// Removed.
    pub removed: Vec<SideRow>,
    /// Version changed.
    pub changed: Vec<ChangeRow>,
    /// Possible tampering.
    pub mismatches: Vec<MismatchRow>,
    /// Unchanged.
    pub unchanged: usize,
}

/// `GET /offerings/{id}/diff`.
#[derive(Template)]
#[template(path = "sbom_diff.html")]
pub struct DiffPage {
    frame: Frame,
    id: String,
    offering: Link,
    from: Vec<Choice>,
    to: Vec<Choice>,
    error: Option<String>,
    result: Option<DiffView>,
}

fn version_choices(versions: &[String], selected: &str) -> Vec<Choice> {
    versions.iter().map(|v| Choice { value: v.clone(), label: v.clone(), selected: v == selected }).collect()
}

/// `GET /offerings/{id}/diff?from=V&to=V`: two release selects and, when both are given,
/// what changed between their latest SBOMs.
pub async fn diff(
    access: Access,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = OfferingId(parse_id(&raw)?);
    let query = Fields::new(pairs);
    let store = access.store();
    let offering = store.get_offering(id).await?;
    let versions: Vec<String> = store.list_releases(id).await?.into_iter().map(|r| r.data.version).collect();
    // Releases are listed newest first: by default compare the two newest.
    let from = query.opt("from").or_else(|| versions.get(1).cloned()).unwrap_or_default();
    let to = query.opt("to").or_else(|| versions.first().cloned()).unwrap_or_default();
    let (status, error, result) = match (query.opt("from"), query.opt("to")) {
        (Some(old), Some(new)) => match transparency::diff_releases(store, id, &old, &new).await {
            Ok(found) => {
                let d = found.diff;
                let side = |c: &chainward_core::sbom::diff::DiffComponent| SideRow {
                    name: c.name.clone(),
                    version: c.version.clone(),
                    purl: c.purl.clone().unwrap_or_default(),
                };
                let view = DiffView {
                    from: found.from,
                    to: found.to,
                    added: d.added.iter().map(side).collect(),
                    removed: d.removed.iter().map(side).collect(),
                    changed: d
                        .version_changed
                        .iter()
                        .map(|c| ChangeRow {
                            name: c.name.clone(),
                            old: c.old_version.clone(),
                            new: c.new_version.clone(),
                        })
                        .collect(),
                    mismatches: d
                        .hash_mismatches
                        .iter()
                        .map(|m| MismatchRow {
                            name: m.name.clone(),
                            version: m.version.clone(),
                            algorithm: m.algorithm.as_str().to_owned(),
                            old: m.old.clone(),
                            new: m.new.clone(),
                        })
                        .collect(),
                    unchanged: d.unchanged,
                };
                (StatusCode::OK, None, Some(view))
            }
            Err(ApiError::NotFound(message)) => {
                (StatusCode::NOT_FOUND, Some(format!("Cannot compare: {message}.")), None)
            }
            Err(e) => return Err(e.into()),
        },
        (None, None) => (StatusCode::OK, None, None),
        _ => (StatusCode::BAD_REQUEST, Some("Choose both releases to compare.".to_owned()), None),
    };
    let page = DiffPage {
        frame: Frame::new(&access, &headers, format!("Compare releases of {}", offering.data.name), "/offerings"),
        id: id.to_string(),
        offering: Link { href: format!("/offerings/{id}"), label: offering.data.name },
        from: version_choices(&versions, &from),
        to: version_choices(&versions, &to),
        error,
        result,
    };
    Ok(render_status(status, &page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_are_plain() {
        for (name, expected) in [
            (Some("bom.json"), "bom.json"),
            (Some("../../etc/passwd"), "_.._etc_passwd"),
            (Some("a\"b\r\nc.json"), "a_b__c.json"),
            (Some("..."), "fallback"),
            (Some(""), "fallback"),
            (Some("é.json"), "_.json"),
            (None, "fallback"),
        ] {
            assert_eq!(download_name(name, "fallback"), expected, "{name:?}");
        }
    }

    #[test]
    fn stored_problems_are_read_leniently() {
        let stored = serde_json::json!([
            {"code": "sbom-dangling-ref", "severity": "error", "path": "/dependencies/1", "message": "m"},
            "not a problem",
            {"code": "x"}
        ]);
        let rows = ProblemRow::from_stored(&stored);
        let seen: Vec<(&str, &str, &str)> =
            rows.iter().map(|r| (r.code.as_str(), r.severity.as_str(), r.path.as_str())).collect();
        assert_eq!(seen, [("sbom-dangling-ref", "error", "/dependencies/1"), ("x", "", "")]);
        assert!(ProblemRow::from_stored(&serde_json::json!({"code": "x"})).is_empty());
    }
}
