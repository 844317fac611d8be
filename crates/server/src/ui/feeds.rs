//! Feed pages: what the store holds of the advisory feeds (OSV sources with their
//! advisory, withdrawn and newest counts, the CISA KEV catalogue, active findings) and the
//! latest imports; for the roles that manage feeds, the uploads of an OSV zip and of the
//! KEV catalogue (JSON or CSV), each followed by its import report, which stays reachable
//! at `/feeds/imports/{id}`.
//!
//! Imports run through `crate::monitoring` as every door does: records stored in batches,
//! the packages they name re-matched, the import recorded (and audited) by the store.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chainward_store::monitoring::FeedImport;

use super::import::human_bytes;
use super::sboms::{read_upload, when};
use super::suppliers::parse_id;
use super::{Frame, PageError, redirect_with_flash, render, render_status};
use crate::auth::{Access, Need};
use crate::monitoring::{self, FeedError, OsvSource};
use crate::state::AppState;

/// Imports listed on the feeds page.
const IMPORTS_SHOWN: u64 = 10;
/// Per-record errors listed on a report.
const ERRORS_SHOWN: usize = 1000;

/// One advisory source.
#[derive(Debug, Clone)]
pub struct SourceRow {
    /// The source label.
    pub source: String,
    /// Advisories.
    pub n_advisories: u64,
    /// Of which withdrawn.
    pub n_withdrawn: u64,
    /// Newest `modified`.
    pub newest: String,
}

/// One import, as the lists show it.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// Its report's page.
    pub href: String,
    /// `OSV` or `KEV`.
    pub feed: String,
    /// The file or URL.
    pub source: String,
    /// Records read.
    pub n_records: u64,
    /// New.
    pub n_new: u64,
    /// Updated.
    pub n_updated: u64,
    /// Unchanged.
    pub n_unchanged: u64,
    /// Refused.
    pub n_errors: u64,
    /// New findings.
    pub n_new_findings: u64,
    /// Who.
    pub by: String,
    /// When it ended.
    pub at: String,
}

impl ImportRow {
    fn of(i: &FeedImport) -> ImportRow {
        ImportRow {
            href: format!("/feeds/imports/{}", i.id),
            feed: i.feed.to_ascii_uppercase(),
            source: i.source.clone(),
            n_records: i.n_records,
            n_new: i.n_new,
            n_updated: i.n_updated,
            n_unchanged: i.n_unchanged,
            n_errors: i.n_errors,
            n_new_findings: i.n_new_findings,
            by: i.imported_by.clone(),
            at: when(i.finished_at),
        }
    }
}

/// `GET /feeds`.
#[derive(Template)]
#[template(path = "feeds.html")]
pub struct FeedsPage {
    frame: Frame,
    sources: Vec<SourceRow>,
    n_kev: u64,
    kev_newest: String,
    n_findings_active: u64,
    imports: Vec<ImportRow>,
    can_import: bool,
    limit: String,
    error: Option<String>,
}

async fn feeds_page(
    state: &AppState,
    access: &Access,
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, PageError> {
    let found = access.store().feed_status(IMPORTS_SHOWN).await?;
    Ok(render_status(
        status,
        &FeedsPage {
            frame: Frame::new(access, headers, "Advisory feeds", "/feeds"),
            sources: found
                .sources
                .iter()
                .map(|s| SourceRow {
                    source: s.source.clone(),
                    n_advisories: s.n_advisories,
                    n_withdrawn: s.n_withdrawn,
                    newest: s.newest_modified.clone().unwrap_or_default(),
                })
                .collect(),
            n_kev: found.n_kev,
            kev_newest: found.kev_newest.unwrap_or_default(),
            n_findings_active: found.n_findings_active,
            imports: found.imports.iter().map(ImportRow::of).collect(),
            can_import: access.can(Need::ManageFeeds),
            limit: human_bytes(state.max_upload_bytes()),
            error,
        },
    ))
}

/// `GET /feeds`: the feeds' status and the latest imports, with the upload forms for the
/// roles that manage feeds.
pub async fn show(State(state): State<AppState>, access: Access, headers: HeaderMap) -> Result<Response, PageError> {
    feeds_page(&state, &access, &headers, StatusCode::OK, None).await
}

/// Which feed an upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Feed {
    Osv,
    Kev,
}

/// The upload of a feed file: the import, then its report.
async fn upload(
    state: AppState,
    access: Access,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
    feed: Feed,
) -> Result<Response, PageError> {
    let form = match read_upload(&state, &access, multipart, &[]).await {
        Ok(form) => form,
        Err(refusal) => return Ok(refusal),
    };
    let Some((file_name, bytes)) = form.file else {
        let error = match feed {
            Feed::Osv => "Choose the OSV zip to import.",
            Feed::Kev => "Choose the KEV catalogue (JSON or CSV) to import.",
        };
        return feeds_page(&state, &access, &headers, StatusCode::UNPROCESSABLE_ENTITY, Some(error.to_owned())).await;
    };
    let store = access.store();
    let imported = match feed {
        // The file's name becomes the advisories' source, as the path does on the command line.
        Feed::Osv => monitoring::import_osv(store, OsvSource::ZipBytes(bytes), &file_name, None).await,
        Feed::Kev => monitoring::import_kev(store, &bytes, &file_name).await,
    };
    match imported {
        Ok(import) => {
            let message = format!(
                "{file_name} imported: {} new, {} updated, {} unchanged, {} refused; {} new findings.",
                import.n_new, import.n_updated, import.n_unchanged, import.n_errors, import.n_new_findings
            );
            Ok(redirect_with_flash(&format!("/feeds/imports/{}", import.id), &message, false))
        }
        Err(FeedError::Source { code, message }) => {
            let error = format!("{file_name} was not imported ({code}): {message}.");
            feeds_page(&state, &access, &headers, StatusCode::UNPROCESSABLE_ENTITY, Some(error)).await
        }
        Err(FeedError::Store(e)) => Err(e.into()),
    }
}

/// `POST /feeds/osv` (multipart: the CSRF token, then the zip): imports OSV advisories.
pub async fn upload_osv(
    State(state): State<AppState>,
    access: Access,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    upload(state, access, headers, multipart, Feed::Osv).await
}

/// `POST /feeds/kev` (multipart: the CSRF token, then the catalogue): imports the CISA KEV
/// catalogue.
pub async fn upload_kev(
    State(state): State<AppState>,
    access: Access,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    upload(state, access, headers, multipart, Feed::Kev).await
}

/// One record an import refused.
#[derive(Debug, Clone)]
pub struct ErrorRow {
    /// The zip entry, file or row.
    pub entry: String,
    /// Stable code.
    pub code: String,
    /// What is wrong.
    pub message: String,
}

/// The per-record rows of a report's list `key` (`errors`, `record_warnings`).
fn record_rows(report: &serde_json::Value, key: &str) -> Vec<ErrorRow> {
    let text = |p: &serde_json::Value, key: &str| p.get(key).and_then(|v| v.as_str()).unwrap_or("").to_owned();
    report
        .get(key)
        .and_then(|e| e.as_array())
        .into_iter()
        .flatten()
        .take(ERRORS_SHOWN)
        .map(|p| ErrorRow { entry: text(p, "entry"), code: text(p, "code"), message: text(p, "message") })
        .collect()
}

/// `GET /feeds/imports/{id}`.
#[derive(Template)]
#[template(path = "feed_import.html")]
pub struct ReportPage {
    frame: Frame,
    import: ImportRow,
    started: String,
    /// Further counts of the report (withdrawn, packages re-matched, findings flagged, …).
    details: Vec<(String, String)>,
    errors: Vec<ErrorRow>,
    /// Records kept with warnings (ranges that cannot be evaluated, repaired fields).
    warnings: Vec<ErrorRow>,
    n_errors_more: u64,
}

/// The report's plain counts and texts, for people.
fn report_details(report: &serde_json::Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(object) = report.as_object() else { return out };
    for (key, value) in object {
        let text = match value {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Object(map) if key == "findings" => map
                .iter()
                .map(|(k, v)| format!("{}: {v}", super::suppliers::human(k.trim_start_matches("n_"))))
                .collect::<Vec<_>>()
                .join(", "),
            serde_json::Value::Object(map) if key == "ecosystems" => {
                map.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
            }
            _ => continue,
        };
        out.push((super::suppliers::human(key), text));
    }
    out
}

/// `GET /feeds/imports/{id}`: one import's report: counts, new findings, and the records
/// it refused with why.
pub async fn report(access: Access, headers: HeaderMap, Path(raw): Path<String>) -> Result<Response, PageError> {
    let id = parse_id(&raw)?;
    let import = access.store().feed_import(id).await?;
    let errors = record_rows(&import.report, "errors");
    let warnings = record_rows(&import.report, "record_warnings");
    let title = format!("{} import of {}", import.feed.to_ascii_uppercase(), import.source);
    Ok(render(&ReportPage {
        frame: Frame::new(&access, &headers, title, "/feeds"),
        started: when(import.started_at),
        details: report_details(&import.report),
        n_errors_more: import.n_errors.saturating_sub(errors.len() as u64),
        errors,
        warnings,
        import: ImportRow::of(&import),
    }))
}
