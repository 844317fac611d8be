//! The audit log for auditors: a filtered, paged table of every change with its before and
//! after, a check of the hash chain on request, and an export of the whole log with the
//! chain fields so it can be re-verified offline.
//!
//! The export streams the log oldest first in pages of [`EXPORT_PAGE`] entries, so its
//! memory does not grow with the log. Entries are exported exactly as stored and hashed:
//! `before` and `after` stay JSON *text*, because the hash covers that text.

use askama::Template;
use axum::body::{Body, Bytes};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chainward_core::audit::{AuditEntry, Verdict};
use chainward_store::{Page, Store};
use serde::Deserialize;

use super::{Frame, PageError, Pager, render, url_encode};
use crate::api::audit::AuditQuery;
use crate::auth::{Access, Db};
use crate::error::ApiError;
use crate::extract::ApiQuery;

/// Entries per page of the table.
const PAGE_SIZE: u64 = 50;
/// Entries read from the store per step of an export.
pub const EXPORT_PAGE: u64 = 1000;

/// Filters, window and the verification request of the audit page.
#[derive(Debug, Default, Deserialize)]
pub struct AuditListQuery {
    actor: Option<String>,
    entity: Option<String>,
    entity_id: Option<String>,
    action: Option<String>,
    offset: Option<u64>,
    /// `1` to verify the chain.
    verify: Option<String>,
}

/// One entry as the table shows it.
#[derive(Debug, Clone)]
pub struct EntryRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    before: Option<String>,
    after: Option<String>,
    hash: String,
}

/// JSON text pretty-printed (kept as it is when it is not JSON).
fn pretty(text: Option<String>) -> Option<String> {
    text.map(|t| match serde_json::from_str::<serde_json::Value>(&t) {
        Ok(value) => serde_json::to_string_pretty(&value).unwrap_or(t),
        Err(_) => t,
    })
}

impl From<AuditEntry> for EntryRow {
    fn from(e: AuditEntry) -> Self {
        EntryRow {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id.unwrap_or_default(),
            before: pretty(e.before),
            after: pretty(e.after),
            hash: e.hash.chars().take(12).collect(),
        }
    }
}

/// What verifying the chain found, for the page.
#[derive(Debug, Clone)]
pub struct VerdictBox {
    intact: bool,
    entries: u64,
    head_hash: String,
    problem: String,
}

impl From<Verdict> for VerdictBox {
    fn from(v: Verdict) -> Self {
        VerdictBox {
            intact: v.intact(),
            entries: v.entries,
            head_hash: v.head_hash.unwrap_or_default(),
            problem: v.first_break.map(|b| b.to_string()).unwrap_or_default(),
        }
    }
}

/// The audit page.
#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    frame: Frame,
    actor: String,
    entity: String,
    entity_id: String,
    action: String,
    filtered: bool,
    entries: Vec<EntryRow>,
    pager: Pager,
    verdict: Option<VerdictBox>,
    verify_href: String,
}

/// `GET /audit`: the log, newest first, filtered and paged; `?verify=1` checks the chain.
pub async fn list(
    access: Access,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<AuditListQuery>,
) -> Result<Response, PageError> {
    let store = access.store();
    let filter = AuditQuery {
        actor: query.actor.clone(),
        entity: query.entity.clone(),
        entity_id: query.entity_id.clone(),
        action: query.action.clone(),
        ..AuditQuery::default()
    }
    .filter();
    let offset = query.offset.unwrap_or(0);
    let found = store.list_audit(&filter, Page { offset, limit: PAGE_SIZE }).await?;
    let mut base = String::from("/audit");
    let mut sep = '?';
    for (name, value) in [
        ("actor", &filter.actor),
        ("entity", &filter.entity),
        ("entity_id", &filter.entity_id),
        ("action", &filter.action),
    ] {
        if let Some(value) = value {
            base.push_str(&format!("{sep}{name}={}", url_encode(value)));
            sep = '&';
        }
    }
    let pager = Pager::new(&base, offset, PAGE_SIZE, found.items.len(), found.total);
    // Verifying reads the whole chain: only when asked.
    let verdict = if query.verify.as_deref() == Some("1") { Some(store.verify_audit().await?.into()) } else { None };
    let page = AuditPage {
        frame: Frame::new(&access, &headers, "Audit log", "/audit"),
        filtered: filter != chainward_store::AuditFilter::default(),
        actor: filter.actor.unwrap_or_default(),
        entity: filter.entity.unwrap_or_default(),
        entity_id: filter.entity_id.unwrap_or_default(),
        action: filter.action.unwrap_or_default(),
        entries: found.items.into_iter().map(EntryRow::from).collect(),
        verify_href: format!("{base}{sep}verify=1"),
        pager,
        verdict,
    };
    Ok(render(&page))
}

/// The export's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// One JSON object per line.
    #[default]
    Jsonl,
    /// A spreadsheet.
    Csv,
}

/// The export's query.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    format: ExportFormat,
}

/// The CSV header of the export.
pub const CSV_HEADER: &str = "seq,at,actor,action,entity,entity_id,before,after,prev_hash,hash\n";

/// A CSV cell: quoted when it holds a separator, a quote or a line break.
fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

/// One entry as an export line.
pub fn export_line(entry: &AuditEntry, format: ExportFormat) -> String {
    match format {
        ExportFormat::Jsonl => {
            let mut line = serde_json::to_string(entry).unwrap_or_default();
            line.push('\n');
            line
        }
        ExportFormat::Csv => {
            let optional = |v: &Option<String>| v.as_deref().map(csv_cell).unwrap_or_default();
            format!(
                "{},{},{},{},{},{},{},{},{},{}\n",
                entry.seq,
                csv_cell(&entry.at),
                csv_cell(&entry.actor),
                csv_cell(&entry.action),
                csv_cell(&entry.entity),
                optional(&entry.entity_id),
                optional(&entry.before),
                optional(&entry.after),
                csv_cell(&entry.prev_hash),
                csv_cell(&entry.hash),
            )
        }
    }
}

/// Where an export stands between two pages.
struct ExportCursor {
    store: std::sync::Arc<dyn Store>,
    format: ExportFormat,
    /// The page already read (the first one is read before the response starts, so a
    /// failing database is an error page rather than a cut-off download).
    ready: Option<Vec<AuditEntry>>,
    after_seq: i64,
    done: bool,
}

impl ExportCursor {
    async fn next_chunk(mut self) -> Option<(Result<Bytes, std::io::Error>, ExportCursor)> {
        if self.done {
            return None;
        }
        let entries = match self.ready.take() {
            Some(entries) => entries,
            None => match self.store.audit_entries(self.after_seq, EXPORT_PAGE).await {
                Ok(entries) => entries,
                Err(e) => {
                    tracing::error!(error = %e, after_seq = self.after_seq, "audit export stopped");
                    self.done = true;
                    // An error cuts the download off, so the file cannot pass as complete.
                    return Some((Err(std::io::Error::other("the audit export failed")), self));
                }
            },
        };
        let last = entries.last()?;
        self.after_seq = last.seq;
        self.done = (entries.len() as u64) < EXPORT_PAGE;
        let text: String = entries.iter().map(|e| export_line(e, self.format)).collect();
        Some((Ok(Bytes::from(text)), self))
    }
}

/// `GET /audit/export?format=jsonl|csv`: the whole log, oldest first, with the chain fields,
/// as a download.
pub async fn export(db: Db, ApiQuery(query): ApiQuery<ExportQuery>) -> Result<Response, PageError> {
    let Db(store) = db;
    let first = store.audit_entries(0, EXPORT_PAGE).await?;
    let format = query.format;
    let (content_type, file_name, header) = match format {
        ExportFormat::Jsonl => ("application/x-ndjson", "chainward-audit.jsonl", ""),
        ExportFormat::Csv => ("text/csv; charset=utf-8", "chainward-audit.csv", CSV_HEADER),
    };
    let cursor = ExportCursor { store, format, ready: Some(first), after_seq: 0, done: false };
    let header = futures_util::stream::iter((!header.is_empty()).then(|| Ok(Bytes::from_static(header.as_bytes()))));
    let body = futures_util::StreamExt::chain(header, futures_util::stream::unfold(cursor, ExportCursor::next_chunk));
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .map_err(|e| PageError(ApiError::internal(e)))?;
    Ok((
        StatusCode::OK,
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (CONTENT_DISPOSITION, disposition),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use chainward_core::audit::{AuditEvent, GENESIS};

    use super::*;

    fn entry() -> AuditEntry {
        AuditEvent::new::<(), serde_json::Value>(
            "create",
            "supplier",
            Some("id-1".into()),
            None,
            Some(&serde_json::json!({"name": "Acme, \"the\" cloud"})),
        )
        .chain(1, "2026-12-02T10:00:00.000000Z".into(), "user:alice".into(), GENESIS.into())
    }

    #[test]
    fn jsonl_lines_keep_the_hashed_text_and_reverify() {
        let e = entry();
        let line = export_line(&e, ExportFormat::Jsonl);
        assert!(line.ends_with('\n') && !line.trim_end().contains('\n'));
        let back: AuditEntry = serde_json::from_str(&line).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.computed_hash(), e.hash);
    }

    #[test]
    fn csv_lines_quote_what_needs_quoting() {
        let e = entry();
        let line = export_line(&e, ExportFormat::Csv);
        assert!(line.starts_with("1,2026-12-02T10:00:00.000000Z,user:alice,create,supplier,id-1,,\"{"), "{line}");
        assert!(line.contains(r#"""name"":""Acme, \""the\"" cloud"""#), "{line}");
        assert_eq!(CSV_HEADER.matches(',').count(), 9);
        assert_eq!(pretty(Some("{\"a\":1}".into())).as_deref(), Some("{\n  \"a\": 1\n}"));
        assert_eq!(pretty(Some("not json".into())).as_deref(), Some("not json"));
    }
}
