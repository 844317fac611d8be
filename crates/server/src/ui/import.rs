//! CSV import through the browser: one or several CSV files of any registry table
//! (suppliers, subcontracts, offerings, releases, services, service uses), merged into one
//! batch and applied in one transaction as the caller, with the same rules and the same
//! row-level report as `chainward … import` on the command line.
//!
//! The upload is read in chunks and refused with 413 as soon as it passes the configured
//! limit, so a large body is never held in memory. File names are only shown, never used
//! as paths, and lose any directory part first.

use std::collections::HashMap;

use askama::Template;
use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chainward_core::batch::{ImportMode, ImportReport, RegistryBatch, RowProblem, Table, TableCounts};
use chainward_formats::csv::{CsvRead, read_registry_csv};

use super::{Frame, PageError, check_csrf, render_status};
use crate::auth::{Access, Need};
use crate::error::ApiError;
use crate::state::AppState;

/// The longest file name shown.
const MAX_NAME_CHARS: usize = 120;
/// The most a form field other than a file may hold.
const MAX_FIELD_BYTES: usize = 1024;

/// What the user chose to happen when some rows are bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Requested {
    /// Write nothing if any row is bad.
    #[default]
    AllOrNothing,
    /// Write the good rows, report the bad ones.
    SkipBad,
    /// Check and report only.
    DryRun,
}

impl Requested {
    fn parse(value: &str) -> Option<Requested> {
        match value.trim() {
            "all-or-nothing" => Some(Requested::AllOrNothing),
            "skip-bad" => Some(Requested::SkipBad),
            "dry-run" => Some(Requested::DryRun),
            _ => None,
        }
    }

    /// The store's mode, as the command line chooses it: when nothing may be written
    /// because the files already have bad rows (or a file could not be read at all), the
    /// store still checks the rest, so the report lists every bad row at once.
    pub fn mode(self, parse_problems: bool, unreadable_files: bool) -> ImportMode {
        match (self, parse_problems, unreadable_files) {
            (Requested::DryRun, _, _) | (_, _, true) => ImportMode::DryRun,
            (Requested::SkipBad, _, false) => ImportMode::SkipBad,
            (Requested::AllOrNothing, false, false) => ImportMode::AllOrNothing,
            (Requested::AllOrNothing, true, false) => ImportMode::DryRun,
        }
    }
}

/// A file name as shown: the last part of any path, without control characters, shortened.
pub fn shown_name(raw: &str, position: usize) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control()).take(MAX_NAME_CHARS).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." { format!("file {position}") } else { clean.to_owned() }
}

/// A row problem with the file it came from, as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// The file, as shown.
    pub file: String,
    /// The table, when known.
    pub table: String,
    /// The line (0: the file as a whole).
    pub line: u64,
    /// The column at fault.
    pub column: String,
    /// What is wrong.
    pub reason: String,
}

impl FileProblem {
    fn of(file: &str, p: &RowProblem) -> FileProblem {
        FileProblem {
            file: file.to_owned(),
            table: p.table.to_string(),
            line: p.line,
            column: p.column.clone().unwrap_or_default(),
            reason: p.reason.clone(),
        }
    }
}

/// One file of the upload, as the report lists it.
#[derive(Debug, Clone)]
pub struct FileSummary {
    /// Name, as shown.
    pub name: String,
    /// Size in bytes.
    pub bytes: usize,
    /// The table its header matched, or empty when it could not be read.
    pub table: String,
    /// Good rows read.
    pub rows: usize,
}

/// Counts of one table, for the report.
#[derive(Debug, Clone)]
pub struct CountRow {
    /// Table.
    pub table: String,
    /// Counts.
    pub counts: TableCounts,
}

/// The files read so far and the batch they make.
#[derive(Debug, Default)]
pub struct Upload {
    batch: RegistryBatch,
    files: Vec<FileSummary>,
    problems: Vec<FileProblem>,
    table_files: HashMap<Table, String>,
    parse_problems: bool,
    unreadable: bool,
}

impl Upload {
    /// Adds the result of reading one file.
    pub fn add(&mut self, name: String, bytes: usize, read: Result<CsvRead, String>) {
        let read = match read {
            Ok(read) => read,
            Err(reason) => {
                self.unreadable = true;
                self.problems.push(FileProblem {
                    file: name.clone(),
                    table: String::new(),
                    line: 0,
                    column: String::new(),
                    reason,
                });
                self.files.push(FileSummary { name, bytes, table: String::new(), rows: 0 });
                return;
            }
        };
        if let Some(other) = self.table_files.get(&read.table) {
            self.unreadable = true;
            self.problems.push(FileProblem {
                file: name.clone(),
                table: read.table.to_string(),
                line: 0,
                column: String::new(),
                reason: format!("{other} is a {} table too; give one file per table", read.table),
            });
            self.files.push(FileSummary { name, bytes, table: read.table.to_string(), rows: 0 });
            return;
        }
        self.table_files.insert(read.table, name.clone());
        self.parse_problems |= !read.problems.is_empty();
        self.problems.extend(read.problems.iter().map(|p| FileProblem::of(&name, p)));
        let b = read.batch;
        self.files.push(FileSummary { name, bytes, table: read.table.to_string(), rows: b.len() });
        self.batch.suppliers.extend(b.suppliers);
        self.batch.subcontracts.extend(b.subcontracts);
        self.batch.offerings.extend(b.offerings);
        self.batch.releases.extend(b.releases);
        self.batch.services.extend(b.services);
        self.batch.uses.extend(b.uses);
    }

    /// Whether the upload writes internal services or their uses (a file of either table,
    /// even one without rows).
    pub fn touches_services(&self) -> bool {
        !self.batch.services.is_empty()
            || !self.batch.uses.is_empty()
            || self.table_files.contains_key(&Table::Services)
            || self.table_files.contains_key(&Table::ServiceUses)
    }

    /// The report of `report` (the store's answer for `mode`): every problem once, by file
    /// and line, and whether anything was written.
    pub fn finish(mut self, mode: ImportMode, report: &ImportReport) -> (Vec<FileSummary>, Vec<FileProblem>, bool) {
        for p in &report.problems {
            let file = self.table_files.get(&p.table).cloned().unwrap_or_default();
            self.problems.push(FileProblem::of(&file, p));
        }
        self.problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        // A duplicate key is found by both the parser and the store: report it once.
        self.problems
            .dedup_by(|a, b| a.file == b.file && a.line == b.line && a.column == b.column && a.reason == b.reason);
        let written = report.written && mode != ImportMode::DryRun;
        (self.files, self.problems, written)
    }
}

/// The upload form.
#[derive(Template)]
#[template(path = "import.html")]
pub struct ImportPage {
    frame: Frame,
    limit: String,
    mode: String,
    error: Option<String>,
}

/// A size for people: `64 MiB`, `1.5 MiB`, `12 KiB`, `900 bytes`.
pub(crate) fn human_bytes(n: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else if n >= 1024 {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

fn form_page(
    state: &AppState,
    access: &Access,
    headers: &HeaderMap,
    status: StatusCode,
    mode: &str,
    error: Option<String>,
) -> Response {
    render_status(
        status,
        &ImportPage {
            frame: Frame::new(access, headers, "Import CSV", "/import"),
            limit: human_bytes(state.max_upload_bytes()),
            mode: mode.to_owned(),
            error,
        },
    )
}

/// `GET /import`: the upload form.
pub async fn form(State(state): State<AppState>, access: Access, headers: HeaderMap) -> Response {
    form_page(&state, &access, &headers, StatusCode::OK, "all-or-nothing", None)
}

/// The import report.
#[derive(Template)]
#[template(path = "import_report.html")]
pub struct ReportPage {
    frame: Frame,
    mode: String,
    written: bool,
    dry_run: bool,
    files: Vec<FileSummary>,
    counts: Vec<CountRow>,
    problems: Vec<FileProblem>,
    outcome: String,
}

pub(crate) fn too_large(limit: usize) -> PageError {
    PageError(ApiError::PayloadTooLarge(format!(
        "the upload is larger than the {} the server accepts; split the files and import them in turns",
        human_bytes(limit)
    )))
}

pub(crate) fn multipart_failure(e: MultipartError, limit: usize) -> PageError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large(limit)
    } else {
        PageError(ApiError::BadRequest(format!("the upload could not be read: {}", e.body_text())))
    }
}

/// Reads a field into memory, stopping with 413 once `budget` bytes would be passed.
pub(crate) async fn read_field(field: &mut Field<'_>, budget: &mut usize, limit: usize) -> Result<Vec<u8>, PageError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| multipart_failure(e, limit))? {
        if chunk.len() > *budget {
            return Err(too_large(limit));
        }
        *budget -= chunk.len();
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// A short text field.
pub(crate) async fn read_text(field: &mut Field<'_>, limit: usize) -> Result<String, PageError> {
    let mut budget = MAX_FIELD_BYTES;
    let bytes = read_field(field, &mut budget, limit).await.map_err(|e| match e.0 {
        ApiError::PayloadTooLarge(_) => PageError(ApiError::BadRequest("a form field is too long".to_owned())),
        other => PageError(other),
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// `POST /import`: reads the files, applies them as one batch and shows the report.
pub async fn upload(
    State(state): State<AppState>,
    access: Access,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let mut multipart = multipart.map_err(|e| {
        PageError(ApiError::BadRequest(format!("send the form as multipart/form-data: {}", e.body_text())))
    })?;
    let limit = state.max_upload_bytes();
    let mut budget = limit;
    let mut csrf_checked = false;
    let mut requested = Requested::default();
    let mut mode_text = "all-or-nothing".to_owned();
    let mut upload = Upload::default();
    let mut position = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(|e| multipart_failure(e, limit))? {
        let name = field.name().unwrap_or_default().to_owned();
        // The token comes first in the form: nothing else is read before it is checked.
        if !csrf_checked {
            let presented = if name == "_csrf" { read_text(&mut field, limit).await? } else { String::new() };
            if let Err(refusal) = check_csrf(&access, presented.trim()) {
                return Ok(refusal);
            }
            csrf_checked = true;
            continue;
        }
        match name.as_str() {
            "mode" => {
                mode_text = read_text(&mut field, limit).await?.trim().to_owned();
                requested = match Requested::parse(&mode_text) {
                    Some(requested) => requested,
                    None => {
                        let message =
                            "Choose what happens to bad rows: all-or-nothing, skip-bad or dry-run.".to_owned();
                        return Ok(form_page(
                            &state,
                            &access,
                            &headers,
                            StatusCode::UNPROCESSABLE_ENTITY,
                            "all-or-nothing",
                            Some(message),
                        ));
                    }
                };
            }
            "file" => {
                let raw_name = field.file_name().unwrap_or_default().to_owned();
                let bytes = read_field(&mut field, &mut budget, limit).await?;
                // A file input left empty still sends a part, without name or content.
                if raw_name.is_empty() && bytes.is_empty() {
                    continue;
                }
                position += 1;
                let shown = shown_name(&raw_name, position);
                let size = bytes.len();
                // Parsing a large file takes a while: keep it off the async workers.
                let read =
                    tokio::task::spawn_blocking(move || read_registry_csv(&bytes, None).map_err(|e| e.to_string()))
                        .await
                        .map_err(|e| PageError(ApiError::internal(format!("CSV reading task failed: {e}"))))?;
                upload.add(shown, size, read);
            }
            // Unknown fields are drained so that they count against the limit too.
            _ => {
                read_field(&mut field, &mut budget, limit).await?;
            }
        }
    }
    if !csrf_checked {
        return Ok(check_csrf(&access, "").err().unwrap_or_else(|| super::forbidden_page("The form is empty.")));
    }
    if upload.files.is_empty() {
        let message = "Choose at least one CSV file.".to_owned();
        return Ok(form_page(&state, &access, &headers, StatusCode::UNPROCESSABLE_ENTITY, &mode_text, Some(message)));
    }
    if upload.touches_services() && !access.can(Need::EditServices) {
        return Ok(services_refused(&access, &headers, mode_text, upload));
    }
    let mode = requested.mode(upload.parse_problems, upload.unreadable);
    let batch = std::mem::take(&mut upload.batch);
    let report = access.store().import(batch, mode).await?;
    let (files, problems, written) = upload.finish(mode, &report);
    // The store counts every table; the report shows those uploaded or changed.
    let counts: Vec<CountRow> = report
        .counts
        .iter()
        .filter(|(table, counts)| files.iter().any(|f| f.table == table.as_str()) || **counts != TableCounts::default())
        .map(|(table, counts)| CountRow { table: table.to_string(), counts: *counts })
        .collect();
    tracing::info!(actor = %access.caller.actor, written, problems = problems.len(), ?mode, "CSV import through the web UI");
    let dry_run = requested == Requested::DryRun;
    let outcome = outcome_text(written, dry_run, requested, problems.len());
    let status =
        if written || (dry_run && problems.is_empty()) { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render_status(
        status,
        &ReportPage {
            frame: Frame::new(&access, &headers, "Import report", "/import"),
            mode: mode_text,
            written,
            dry_run,
            files,
            counts,
            problems,
            outcome,
        },
    ))
}

/// The report of an upload refused as a whole because it holds internal services (or their
/// uses) and the caller's role may not edit services: 403, as the services pages and API
/// answer that role, nothing written, each such file named.
fn services_refused(access: &Access, headers: &HeaderMap, mode: String, upload: Upload) -> Response {
    let role = access.role();
    let mut problems: Vec<FileProblem> = [Table::Services, Table::ServiceUses]
        .into_iter()
        .filter_map(|table| {
            let file = upload.table_files.get(&table)?;
            Some(FileProblem {
                file: file.clone(),
                table: table.to_string(),
                line: 0,
                column: String::new(),
                reason: format!("the {role} role may not import internal services or their uses"),
            })
        })
        .collect();
    if problems.is_empty() {
        problems.push(FileProblem {
            file: String::new(),
            table: Table::Services.to_string(),
            line: 0,
            column: String::new(),
            reason: format!("the {role} role may not import internal services or their uses"),
        });
    }
    tracing::warn!(actor = %access.caller.actor, "CSV import with internal services refused for the role");
    render_status(
        StatusCode::FORBIDDEN,
        &ReportPage {
            frame: Frame::new(access, headers, "Import report", "/import"),
            mode,
            written: false,
            dry_run: false,
            files: upload.files,
            counts: Vec::new(),
            problems,
            outcome: format!(
                "Nothing written: the {role} role may not import internal services (services and service uses \
                 files). Leave those files out, or ask an admin or analyst to import them."
            ),
        },
    )
}

fn bad_rows(n: usize) -> String {
    if n == 1 { "1 problem".to_owned() } else { format!("{n} problems") }
}

/// The one-sentence outcome, as the command line says it.
fn outcome_text(written: bool, dry_run: bool, requested: Requested, n_problems: usize) -> String {
    match (written, dry_run, n_problems) {
        (true, _, 0) => "Imported: every row was written.".to_owned(),
        (true, _, n) => format!("Imported the good rows; {} skipped (listed below).", bad_rows(n)),
        (false, true, 0) => "Dry run: every row is good. Nothing was written; import again to write them.".to_owned(),
        (false, true, n) => format!("Dry run: {}. Nothing was written.", bad_rows(n)),
        (false, false, n) if requested == Requested::SkipBad && n > 0 => {
            format!("Nothing written: {}; a file could not be read as a whole (fix it and import again).", bad_rows(n))
        }
        (false, false, n) => format!("Nothing written: {} (fix them, or import with skip-bad).", bad_rows(n)),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chainward_core::batch::Line;
    use chainward_core::model::{SupplierData, SupplierKind};

    use super::*;

    #[test]
    fn file_names_lose_their_directories() {
        assert_eq!(shown_name("../../etc/passwd", 1), "passwd");
        assert_eq!(shown_name("C:\\Users\\me\\suppliers.csv", 1), "suppliers.csv");
        assert_eq!(shown_name("a\u{0}b\nc.csv", 1), "abc.csv");
        assert_eq!(shown_name("dir/", 2), "file 2");
        assert_eq!(shown_name("..", 3), "file 3");
        assert_eq!(shown_name(&"x".repeat(500), 1).chars().count(), MAX_NAME_CHARS);
    }

    #[test]
    fn the_mode_follows_the_command_line() {
        use Requested::*;
        assert_eq!(AllOrNothing.mode(false, false), ImportMode::AllOrNothing);
        assert_eq!(AllOrNothing.mode(true, false), ImportMode::DryRun);
        assert_eq!(SkipBad.mode(true, false), ImportMode::SkipBad);
        assert_eq!(SkipBad.mode(false, true), ImportMode::DryRun);
        assert_eq!(DryRun.mode(false, false), ImportMode::DryRun);
    }

    fn read(table: Table, problems: Vec<RowProblem>) -> CsvRead {
        let mut batch = RegistryBatch::default();
        if table == Table::Suppliers {
            batch.suppliers.push(Line { line: 2, row: SupplierData::named("Acme", SupplierKind::Hosting) });
        }
        CsvRead { table, batch, problems }
    }

    #[test]
    fn problems_are_reported_once_by_file_and_line() {
        let dup =
            RowProblem { table: Table::Suppliers, line: 3, column: Some("name".into()), reason: "duplicate".into() };
        let mut upload = Upload::default();
        upload.add("s.csv".into(), 10, Ok(read(Table::Suppliers, vec![dup.clone()])));
        upload.add("t.csv".into(), 5, Err("the file is empty; it needs at least a header row".into()));
        upload.add("s2.csv".into(), 10, Ok(read(Table::Suppliers, vec![])));
        assert!(upload.parse_problems && upload.unreadable);
        assert_eq!(upload.batch.suppliers.len(), 1, "the second suppliers file is refused");
        let report = ImportReport { written: false, counts: BTreeMap::new(), problems: vec![dup] };
        let (files, problems, written) = upload.finish(ImportMode::DryRun, &report);
        assert!(!written);
        assert_eq!(files.len(), 3);
        let lines: Vec<String> = problems.iter().map(|p| format!("{} {} {}", p.file, p.line, p.reason)).collect();
        assert_eq!(
            lines,
            [
                "s.csv 3 duplicate",
                "s2.csv 0 s.csv is a suppliers table too; give one file per table",
                "t.csv 0 the file is empty; it needs at least a header row"
            ]
        );
    }
}
