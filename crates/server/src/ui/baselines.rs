//! Configuration baselines of an offering: the page showing the baseline and the latest
//! configuration checks, the form that sets (replaces) the baseline, and the upload of a
//! configuration to check against it, whose result is shown rule by rule.
//!
//! Reading baselines and configurations and checking them is `crate::transparency`'s.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chainward_core::model::OfferingId;
use chainward_store::sbom::ConfigCheck;

use super::import::human_bytes;
use super::sboms::{read_upload, when};
use super::suppliers::{Link, parse_id};
use super::{Frame, PageError, redirect_with_flash, render, render_status};
use crate::auth::{Access, Need};
use crate::error::ApiError;
use crate::state::AppState;
use crate::transparency;

/// Configuration checks listed on the baseline page.
const CHECKS_SHOWN: u64 = 10;

/// The baseline as the page shows it.
#[derive(Debug, Clone)]
pub struct BaselineView {
    /// Its name.
    pub name: String,
    /// How many rules.
    pub n_rules: u64,
    /// Its source text.
    pub source: String,
    /// Who set it.
    pub updated_by: String,
    /// When.
    pub updated_at: String,
}

/// One rule at one path of a check's result.
#[derive(Debug, Clone)]
pub struct ResultRow {
    /// The rule.
    pub rule_id: String,
    /// Its severity.
    pub severity: String,
    /// `pass` or `fail`.
    pub outcome: String,
    /// Whether it failed.
    pub failed: bool,
    /// The path at fault (or checked).
    pub path: String,
    /// What the rule wants.
    pub expected: String,
    /// What is there.
    pub found: String,
}

/// A recorded configuration check.
#[derive(Debug, Clone)]
pub struct CheckView {
    /// File name, or empty.
    pub file_name: String,
    /// SHA-256 of the configuration.
    pub sha256: String,
    /// Who checked.
    pub checked_by: String,
    /// When.
    pub checked_at: String,
    /// Rules passed.
    pub passed: u64,
    /// Rules failed.
    pub failed: u64,
    /// Failing results first, then the passing ones.
    pub results: Vec<ResultRow>,
}

impl CheckView {
    fn of(check: &ConfigCheck) -> CheckView {
        let text = |r: &serde_json::Value, key: &str| r.get(key).and_then(|v| v.as_str()).unwrap_or("").to_owned();
        let mut results: Vec<ResultRow> = check
            .report
            .get("results")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
            .map(|r| {
                let outcome = text(r, "outcome");
                ResultRow {
                    rule_id: text(r, "rule_id"),
                    severity: text(r, "severity"),
                    failed: outcome == "fail",
                    outcome,
                    path: text(r, "path"),
                    expected: text(r, "expected"),
                    found: text(r, "found"),
                }
            })
            .collect();
        // Failures first; the sort is stable, so rule order holds within each part.
        results.sort_by_key(|r| !r.failed);
        CheckView {
            file_name: check.file_name.clone().unwrap_or_default(),
            sha256: check.sha256.clone(),
            checked_by: check.checked_by.clone(),
            checked_at: when(check.checked_at),
            passed: check.passed,
            failed: check.failed,
            results,
        }
    }
}

/// `GET /offerings/{id}/baseline`, and the forms shown again when they failed.
#[derive(Template)]
#[template(path = "baseline.html")]
pub struct BaselinePage {
    frame: Frame,
    id: String,
    offering: Link,
    baseline: Option<BaselineView>,
    /// The text of the set-baseline form.
    source: String,
    error: Option<String>,
    check_error: Option<String>,
    checks: Vec<CheckView>,
    can_set: bool,
    can_check: bool,
    limit: String,
}

/// What a failed form leaves on the page.
#[derive(Debug, Default)]
struct Failure {
    source: Option<String>,
    error: Option<String>,
    check_error: Option<String>,
}

async fn baseline_page(
    state: &AppState,
    access: &Access,
    headers: &HeaderMap,
    id: OfferingId,
    status: StatusCode,
    failure: Failure,
) -> Result<Response, PageError> {
    let store = access.store();
    let offering = store.get_offering(id).await?;
    let baseline = store.get_baseline(id).await?;
    let checks = store.list_config_checks(id, CHECKS_SHOWN).await?;
    let source = failure.source.or_else(|| baseline.as_ref().map(|b| b.source.clone())).unwrap_or_default();
    Ok(render_status(
        status,
        &BaselinePage {
            frame: Frame::new(
                access,
                headers,
                format!("Configuration baseline of {}", offering.data.name),
                "/offerings",
            ),
            id: id.to_string(),
            offering: Link { href: format!("/offerings/{id}"), label: offering.data.name },
            baseline: baseline.map(|b| BaselineView {
                name: b.name,
                n_rules: b.n_rules,
                source: b.source,
                updated_by: b.updated_by,
                updated_at: when(b.updated_at),
            }),
            source,
            error: failure.error,
            check_error: failure.check_error,
            checks: checks.iter().map(CheckView::of).collect(),
            can_set: access.can(Need::SetRequirements),
            can_check: access.can(Need::UploadEvidence),
            limit: human_bytes(state.max_upload_bytes()),
        },
    ))
}

/// `GET /offerings/{id}/baseline`: the baseline, its forms and the latest checks.
pub async fn show(
    State(state): State<AppState>,
    access: Access,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = OfferingId(parse_id(&raw)?);
    baseline_page(&state, &access, &headers, id, StatusCode::OK, Failure::default()).await
}

/// `POST /offerings/{id}/baseline`: sets (replaces) the baseline from the uploaded file or,
/// without one, from the text field; a baseline that does not read comes back with why.
pub async fn set(
    State(state): State<AppState>,
    access: Access,
    headers: HeaderMap,
    Path(raw): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let id = OfferingId(parse_id(&raw)?);
    let form = match read_upload(&state, &access, multipart, &["source"]).await {
        Ok(form) => form,
        Err(refusal) => return Ok(refusal),
    };
    let source = match form.file {
        Some((_, bytes)) => bytes,
        None => form.fields.get("source").as_bytes().to_vec(),
    };
    let again = |status, error: String, source: &[u8]| {
        let failure = Failure {
            source: Some(String::from_utf8_lossy(source).into_owned()),
            error: Some(error),
            check_error: None,
        };
        baseline_page(&state, &access, &headers, id, status, failure)
    };
    if source.iter().all(u8::is_ascii_whitespace) {
        let error = "Not set: paste the baseline (YAML or JSON) or choose its file.".to_owned();
        return again(StatusCode::UNPROCESSABLE_ENTITY, error, &source).await;
    }
    match transparency::set_baseline(access.store(), id, &source).await {
        Ok(stored) => Ok(redirect_with_flash(
            &format!("/offerings/{id}/baseline"),
            &format!("Baseline \u{201c}{}\u{201d} set: {} rules.", stored.name, stored.n_rules),
            false,
        )),
        Err(ApiError::Invalid { message, .. }) => {
            again(StatusCode::UNPROCESSABLE_ENTITY, format!("Not set: {message}."), &source).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /offerings/{id}/config-checks` and its result.
#[derive(Template)]
#[template(path = "config_check.html")]
pub struct CheckPage {
    frame: Frame,
    id: String,
    offering: Link,
    baseline: String,
    check: CheckView,
}

/// `POST /offerings/{id}/config-checks`: checks the uploaded configuration (JSON, YAML or
/// TOML) against the offering's baseline, records the check and shows its result.
pub async fn check(
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
    let store = access.store();
    let offering = store.get_offering(id).await?;
    let failed = |status, message: String| {
        let failure = Failure { check_error: Some(message), ..Failure::default() };
        baseline_page(&state, &access, &headers, id, status, failure)
    };
    let Some((file_name, bytes)) = form.file else {
        return failed(StatusCode::UNPROCESSABLE_ENTITY, "Choose the configuration file to check.".to_owned()).await;
    };
    match transparency::check_config(store, id, &bytes, Some(&file_name)).await {
        Ok(check) => {
            let baseline = check.report.get("baseline").and_then(|b| b.as_str()).unwrap_or("").to_owned();
            Ok(render(&CheckPage {
                frame: Frame::new(
                    &access,
                    &headers,
                    format!("Configuration check of {}", offering.data.name),
                    "/offerings",
                ),
                id: id.to_string(),
                offering: Link { href: format!("/offerings/{id}"), label: offering.data.name },
                baseline,
                check: CheckView::of(&check),
            }))
        }
        Err(ApiError::Invalid { message, .. }) => {
            failed(StatusCode::UNPROCESSABLE_ENTITY, format!("Not checked: {message}.")).await
        }
        Err(ApiError::NotFound(message)) => failed(StatusCode::CONFLICT, format!("Not checked: {message}.")).await,
        Err(e) => Err(e.into()),
    }
}
