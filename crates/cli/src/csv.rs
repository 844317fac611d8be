//! CSV import and export for the `supplier`, `offering` and `service` commands.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use chainward_core::batch::{ImportMode, ImportReport, RegistryBatch, Table};
use chainward_formats::csv::{CsvLimits, read_registry_csv, write_registry_csv};
use chainward_store::Store;
use serde::Serialize;

use crate::Outcome;
use crate::args::{Format, ImportArgs, OfferingTable, ServiceTable, SupplierTable};
use crate::output::print;

/// Tables `supplier import` accepts.
pub const SUPPLIER_TABLES: [Table; 2] = [Table::Suppliers, Table::Subcontracts];
/// Tables `offering import` accepts.
pub const OFFERING_TABLES: [Table; 2] = [Table::Offerings, Table::Releases];
/// Tables `service import` accepts.
pub const SERVICE_TABLES: [Table; 2] = [Table::Services, Table::ServiceUses];

/// The table `supplier export` writes.
pub fn supplier_table(t: Option<SupplierTable>) -> Table {
    match t {
        Some(SupplierTable::Subcontracts) => Table::Subcontracts,
        _ => Table::Suppliers,
    }
}

/// The table `offering export` writes.
pub fn offering_table(t: Option<OfferingTable>) -> Table {
    match t {
        Some(OfferingTable::Releases) => Table::Releases,
        _ => Table::Offerings,
    }
}

/// The table `service export` writes.
pub fn service_table(t: Option<ServiceTable>) -> Table {
    match t {
        Some(ServiceTable::ServiceUses) => Table::ServiceUses,
        _ => Table::Services,
    }
}

/// A bad row, with the file it came from.
#[derive(Debug, Serialize)]
struct FileProblem {
    file: String,
    table: Table,
    line: u64,
    column: Option<String>,
    reason: String,
}

/// What `import` prints.
#[derive(Debug, Serialize)]
struct ImportOutcome {
    written: bool,
    counts: std::collections::BTreeMap<Table, chainward_core::batch::TableCounts>,
    problems: Vec<FileProblem>,
}

/// Reads the files, merges them into one batch and applies it in one transaction.
///
/// Exit codes: 0 when every row was written; 2 when bad rows meant nothing was written;
/// 1 with `--skip-bad` when the good rows were written and some were skipped.
pub async fn import(store: Arc<dyn Store>, format: Format, args: ImportArgs, tables: &[Table]) -> Result<Outcome> {
    let limits = CsvLimits::default();
    let mut batch = RegistryBatch::default();
    let mut problems = Vec::new();
    let mut table_files: std::collections::HashMap<Table, String> = std::collections::HashMap::new();
    let mut total_bytes = 0;
    for path in &args.files {
        let name = path.display().to_string();
        let size = std::fs::metadata(path).with_context(|| format!("cannot read {name}"))?.len();
        if size > limits.max_bytes as u64 {
            anyhow::bail!("{name}: the file has {size} bytes; at most {} are read", limits.max_bytes);
        }
        total_bytes += size;
    }
    let reading = crate::progress::bytes(total_bytes, "reading");
    for path in &args.files {
        let name = path.display().to_string();
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|file| std::io::Read::read_to_end(&mut reading.wrap_read(file), &mut bytes))
            .with_context(|| format!("cannot read {name}"))?;
        let read = read_registry_csv(&bytes, Some(tables)).with_context(|| name.clone())?;
        if let Some(other) = table_files.insert(read.table, name.clone()) {
            anyhow::bail!("{name} and {other} are both {} tables; give one file per table", read.table);
        }
        problems.extend(read.problems.into_iter().map(|p| FileProblem {
            file: name.clone(),
            table: p.table,
            line: p.line,
            column: p.column,
            reason: p.reason,
        }));
        let b = read.batch;
        batch.suppliers.extend(b.suppliers);
        batch.subcontracts.extend(b.subcontracts);
        batch.offerings.extend(b.offerings);
        batch.releases.extend(b.releases);
        batch.services.extend(b.services);
        batch.uses.extend(b.uses);
    }
    // When the files already have bad rows and nothing may be written, the store still
    // checks the rest (unknown names, conflicts) so the report lists every bad row at once.
    let mode = match (args.skip_bad, problems.is_empty()) {
        (true, _) => ImportMode::SkipBad,
        (false, true) => ImportMode::AllOrNothing,
        (false, false) => ImportMode::DryRun,
    };
    reading.finish_and_clear();
    let writing = crate::progress::spinner(match mode {
        ImportMode::DryRun => "checking against the database",
        _ => "writing to the database",
    });
    let report = store.import(batch, mode).await;
    writing.finish_and_clear();
    let report = report?;
    let file_of = |t: Table| table_files.get(&t).cloned().unwrap_or_default();
    problems.extend(report.problems.iter().map(|p| FileProblem {
        file: file_of(p.table),
        table: p.table,
        line: p.line,
        column: p.column.clone(),
        reason: p.reason.clone(),
    }));
    problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    // A duplicate key is found by both the parser and the store: report it once.
    problems.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.column == b.column && a.reason == b.reason);
    let written = report.written && mode != ImportMode::DryRun;
    let outcome = ImportOutcome { written, counts: report.counts.clone(), problems };
    let text = || {
        let mut out = String::new();
        for p in &outcome.problems {
            out.push_str(&format!(
                "{} line {}{}: {}\n",
                p.file,
                p.line,
                p.column.as_deref().map(|c| format!(", column {c}")).unwrap_or_default(),
                p.reason
            ));
        }
        if written {
            out.push_str(&summary(&report));
        } else {
            let n = bad_rows(outcome.problems.len());
            out.push_str(&format!("nothing written: {n} (fix them, or use --skip-bad)\n"));
        }
        out
    };
    if outcome.problems.is_empty() {
        print(format, &outcome, text)?;
        Ok(Outcome::Ok)
    } else if written {
        print(format, &outcome, text)?;
        Ok(Outcome::Negative)
    } else {
        // Nothing written because of bad input: the report is the error, exit 2.
        match format {
            Format::Json | Format::Jsonl | Format::Sarif => print(format, &outcome, text)?,
            Format::Table | Format::Csv => eprint!("{}", text()),
        }
        Err(anyhow::anyhow!("import refused: {}, nothing written", bad_rows(outcome.problems.len())))
    }
}

fn bad_rows(n: usize) -> String {
    if n == 1 { "1 bad row".to_owned() } else { format!("{n} bad rows") }
}

/// One line per table of what an import changed.
pub fn summary(report: &ImportReport) -> String {
    let mut out = String::new();
    for (table, c) in &report.counts {
        out.push_str(&format!("{table}: {} created, {} updated, {} unchanged\n", c.created, c.updated, c.unchanged));
    }
    if out.is_empty() {
        out.push_str("nothing to import\n");
    }
    out
}

/// Writes one table of the registry as CSV to a file or standard output.
pub async fn export(store: Arc<dyn Store>, output: Option<PathBuf>, table: Table) -> Result<Outcome> {
    let batch = store.export().await?;
    let bytes = write_registry_csv(&batch, table);
    match output {
        Some(path) => {
            // Write beside the target and rename, so a failed export leaves no half file.
            let tmp = path.with_extension("csv.partial");
            std::fs::write(&tmp, &bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            match out.write_all(&bytes).and_then(|()| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
    }
    Ok(Outcome::Ok)
}
