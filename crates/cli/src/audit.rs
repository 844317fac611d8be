//! `audit` commands: verify the hash chain, export it for safekeeping, list entries.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use chainward_core::audit::AuditEntry;
use chainward_store::{AuditFilter, Page, Store};
use serde::Serialize;

use crate::Outcome;
use crate::args::{AuditCommand, Format};
use crate::output::{Table, opt, print};

/// Runs an `audit` command.
pub async fn run(store: Arc<dyn Store>, format: Format, command: AuditCommand) -> Result<Outcome> {
    match command {
        AuditCommand::Verify => verify(store.as_ref(), format).await,
        AuditCommand::Export { output } => export(store.as_ref(), format, output).await,
        AuditCommand::List { actor, entity, entity_id, action, limit } => {
            let filter = AuditFilter { actor, entity, entity_id, action };
            let page = Page { offset: 0, limit: limit.min(Page::MAX_LIMIT) };
            let found = store.list_audit(&filter, page).await?;
            let listed = Listed { items: &found.items, total: found.total };
            print(format, &listed, || {
                let mut t = Table::new(&["seq", "at", "actor", "action", "entity", "entity id"]);
                for e in &found.items {
                    t.row(vec![
                        e.seq.to_string(),
                        e.at.clone(),
                        e.actor.clone(),
                        e.action.clone(),
                        e.entity.clone(),
                        opt(&e.entity_id),
                    ]);
                }
                t.render()
            })?;
            Ok(Outcome::Ok)
        }
    }
}

/// A page of entries as JSON: the rows and the number of all matches.
#[derive(Serialize)]
struct Listed<'a> {
    items: &'a [AuditEntry],
    total: u64,
}

/// Recomputes the chain; exit 1 with the first break when it is broken.
async fn verify(store: &dyn Store, format: Format) -> Result<Outcome> {
    let spinner = crate::progress::spinner("verifying the audit log");
    let verdict = store.verify_audit().await;
    spinner.finish_and_clear();
    let verdict = verdict?;
    print(format, &verdict, || match &verdict.first_break {
        None => format!(
            "audit log intact: {} entries, head {}\n",
            verdict.entries,
            verdict.head_hash.as_deref().unwrap_or("-")
        ),
        Some(found) => format!("audit log broken: {found}\n({} entries read)\n", verdict.entries),
    })?;
    Ok(if verdict.intact() { Outcome::Ok } else { Outcome::Negative })
}

/// Entries read from the store at a time: export runs in constant memory however long the
/// log is.
const EXPORT_PAGE: u64 = 1000;

/// Writes every entry, oldest first, as JSON Lines or CSV.
async fn export(store: &dyn Store, format: Format, output: Option<PathBuf>) -> Result<Outcome> {
    let csv = format == Format::Csv;
    match output {
        Some(path) => {
            // Write beside the target and rename, so a failed export leaves no half file.
            let tmp = path.with_extension("partial");
            let file = std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
            let written = write_entries(store, csv, std::io::BufWriter::new(file)).await;
            if written.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            written.with_context(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout().lock();
            match write_entries(store, csv, std::io::BufWriter::new(stdout)).await {
                // A closed pipe (`chainward audit export | head`) is not an error worth a message.
                Err(e) if e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(is_broken_pipe)) => {}
                other => other?,
            }
        }
    }
    Ok(Outcome::Ok)
}

fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

async fn write_entries(store: &dyn Store, csv: bool, out: impl Write) -> Result<()> {
    let counter = crate::progress::counter("entries exported");
    let mut sink = if csv { Sink::Csv(Box::new(::csv::Writer::from_writer(out))) } else { Sink::Jsonl(out) };
    let mut after_seq = 0;
    loop {
        let page = store.audit_entries(after_seq, EXPORT_PAGE).await?;
        let Some(last) = page.last() else { break };
        after_seq = last.seq;
        for entry in &page {
            sink.write(entry)?;
        }
        counter.inc(page.len() as u64);
    }
    sink.flush()?;
    Ok(())
}

/// Where exported entries go.
enum Sink<W: Write> {
    /// One JSON object a line.
    Jsonl(W),
    /// A header row and one row an entry. Every cell starts with a fixed prefix, a digit or
    /// `{`/`[` (actors are `user:`, `token:`, `cli:` …), so no cell is read as a formula.
    Csv(Box<::csv::Writer<W>>),
}

impl<W: Write> Sink<W> {
    fn write(&mut self, entry: &AuditEntry) -> Result<()> {
        match self {
            Sink::Jsonl(out) => {
                // Serialised apart from the writing, so a closed pipe stays an `io::Error`
                // (serde_json's error does not name it as its source).
                let mut line = serde_json::to_vec(entry)?;
                line.push(b'\n');
                out.write_all(&line)?;
            }
            Sink::Csv(out) => out.serialize(entry).map_err(from_csv)?,
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        match self {
            Sink::Jsonl(out) => out.flush()?,
            Sink::Csv(out) => out.flush()?,
        }
        Ok(())
    }
}

/// A CSV error, as the `io::Error` it wraps when it is one (the csv crate does not name it
/// as its source), so a closed pipe is recognised.
fn from_csv(e: ::csv::Error) -> anyhow::Error {
    if !e.is_io_error() {
        return e.into();
    }
    match e.into_kind() {
        ::csv::ErrorKind::Io(io) => io.into(),
        other => anyhow::anyhow!("cannot write CSV: {other:?}"),
    }
}
