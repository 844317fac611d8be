//! `chainward version`, `feeds`, `scan`, `findings`, `vuln` and `vex`: version ordering per
//! ecosystem, feed imports with progress, the CI gate, findings and their VEX triage.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use chainward_core::model::ReleaseId;
use chainward_server::monitoring::{self as monitor, FailOn, OsvSource, VexExportFormat};
use chainward_store::Store;
use chainward_store::monitoring::{FeedImport, Finding, FindingFilter, TriageRequest, TriageScope};
use chainward_versions::{Scheme, Version};

use crate::Outcome;
use crate::args::{FeedKind, FeedsCommand, FindingsCommand, Format, ScanArgs, VersionCommand, VexCommand};
use crate::output::{Table, opt, print};

/// The longest line `version cmp --stdin` reads.
const MAX_STDIN_LINE: u64 = 64 * 1024;

/// `chainward version cmp`: no database.
pub fn version(command: VersionCommand) -> Result<Outcome> {
    let VersionCommand::Cmp { ecosystem, a, b, stdin } = command;
    let scheme = Scheme::from_name(&ecosystem)
        .or_else(|| {
            let osv = Scheme::for_osv_ecosystem(&ecosystem);
            (osv != Scheme::Generic).then_some(osv)
        })
        .ok_or_else(|| anyhow!("unknown ecosystem {ecosystem:?}; see `chainward version cmp --help` for the list"))?;
    if !stdin {
        let (Some(a), Some(b)) = (a, b) else { bail!("name two versions, or use --stdin") };
        let answer = compare(scheme, &a, &b)?;
        println!("{answer}");
        return Ok(Outcome::Ok);
    }
    // Both ends buffered and locked once: answers are flushed only when the input has
    // nothing more buffered, that is just before waiting for more. A pipe of many pairs
    // then costs a few writes in all, while a person at a terminal, or a program that
    // writes one pair and waits for its answer, still gets each answer at once.
    let mut input = std::io::BufReader::with_capacity(64 * 1024, std::io::stdin().lock());
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let mut failed = false;
    let mut line = String::new();
    for n in 0u64.. {
        if input.buffer().is_empty()
            && let Err(e) = out.flush()
        {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(Outcome::Ok);
            }
            return Err(e.into());
        }
        line.clear();
        // At most MAX_STDIN_LINE bytes of a line are kept: a longer one is skipped to its end
        // and answered as an error, so no input can grow memory without bound.
        let read = std::io::Read::take(&mut input, MAX_STDIN_LINE + 1)
            .read_line(&mut line)
            .with_context(|| format!("standard input, line {}", n + 1))?;
        if read == 0 {
            break;
        }
        let too_long = read as u64 > MAX_STDIN_LINE && !line.ends_with('\n');
        if too_long {
            input.skip_until(b'\n').with_context(|| format!("standard input, line {}", n + 1))?;
        }
        let mut parts = line.split_whitespace();
        let answer = match (parts.next(), parts.next(), parts.next()) {
            _ if too_long => Err(format!("longer than {MAX_STDIN_LINE} bytes")),
            (Some(a), Some(b), None) => compare(scheme, a, b).map_err(|e| e.to_string()),
            (None, _, _) => Err("empty line: expected `A B`".to_owned()),
            _ => Err("expected two versions `A B`".to_owned()),
        };
        let written = match answer {
            Ok(symbol) => writeln!(out, "{symbol}"),
            Err(error) => {
                failed = true;
                writeln!(out, "error: line {}: {error}", n + 1)
            }
        };
        if let Err(e) = written {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(Outcome::Ok);
            }
            return Err(e.into());
        }
    }
    out.flush().or_else(|e| if e.kind() == std::io::ErrorKind::BrokenPipe { Ok(()) } else { Err(e) })?;
    if failed {
        bail!("some lines could not be compared (answered `error: …`)");
    }
    Ok(Outcome::Ok)
}

fn compare(scheme: Scheme, a: &str, b: &str) -> Result<&'static str> {
    let parse = |text: &str| Version::parse(scheme, text).map_err(|e| anyhow!("{text:?}: {e}"));
    Ok(match parse(a)?.cmp(&parse(b)?) {
        std::cmp::Ordering::Less => "<",
        std::cmp::Ordering::Equal => "=",
        std::cmp::Ordering::Greater => ">",
    })
}

/// `chainward feeds`.
pub async fn feeds(store: Arc<dyn Store>, format: Format, command: FeedsCommand) -> Result<Outcome> {
    match command {
        FeedsCommand::Import { feed, source, max_download_bytes } => {
            let is_url = source.starts_with("http://") || source.starts_with("https://");
            let (path, downloaded) = if is_url {
                let spinner = crate::progress::spinner(&format!("downloading {source}"));
                let path = monitor::download(&source, max_download_bytes).await.map_err(|e| anyhow!("{e}"))?;
                spinner.finish_and_clear();
                (path, true)
            } else {
                (std::path::PathBuf::from(&source), false)
            };
            let outcome = import_from(&*store, feed, &path, &source).await;
            if downloaded {
                let _ = std::fs::remove_file(&path);
            }
            let import = outcome?;
            print_import(format, &import)?;
            Ok(if import.n_errors > 0 { Outcome::Negative } else { Outcome::Ok })
        }
        FeedsCommand::Status => {
            let status = store.feed_status(10).await?;
            print(format, &status, || {
                let mut text = String::new();
                let mut table = Table::new(&["source", "advisories", "withdrawn", "newest modified"]);
                for s in &status.sources {
                    table.row(vec![
                        s.source.clone(),
                        s.n_advisories.to_string(),
                        s.n_withdrawn.to_string(),
                        opt(&s.newest_modified),
                    ]);
                }
                text.push_str(&table.render());
                text.push_str(&format!(
                    "\nKEV entries: {} (newest added {})\nactive findings: {}\n\nlatest imports:\n",
                    status.n_kev,
                    opt(&status.kev_newest),
                    status.n_findings_active
                ));
                let mut imports =
                    Table::new(&["feed", "source", "records", "new", "updated", "errors", "new findings", "finished"]);
                for i in &status.imports {
                    imports.row(vec![
                        i.feed.clone(),
                        i.source.clone(),
                        i.n_records.to_string(),
                        i.n_new.to_string(),
                        i.n_updated.to_string(),
                        i.n_errors.to_string(),
                        i.n_new_findings.to_string(),
                        i.finished_at.to_string(),
                    ]);
                }
                text.push_str(&imports.render());
                text
            })?;
            Ok(Outcome::Ok)
        }
    }
}

async fn import_from(store: &dyn Store, feed: FeedKind, path: &Path, label: &str) -> Result<FeedImport> {
    match feed {
        FeedKind::Osv => {
            let metadata = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
            let source = if metadata.is_dir() {
                OsvSource::Folder(path.to_owned())
            } else {
                OsvSource::ZipFile(path.to_owned())
            };
            let bar = crate::progress::counter("advisories read");
            let counter = bar.clone();
            let progress: monitor::Progress = Box::new(move |n| counter.set_position(n));
            let import = monitor::import_osv(store, source, label, Some(progress)).await.map_err(|e| anyhow!("{e}"));
            bar.finish_and_clear();
            import
        }
        FeedKind::Kev => {
            let bytes = crate::sbom::read_file(path)?;
            monitor::import_kev(store, &bytes, label).await.map_err(|e| anyhow!("{e}"))
        }
    }
}

fn print_import(format: Format, import: &FeedImport) -> Result<()> {
    print(format, import, || {
        let mut text = format!(
            "{} import of {}: {} records, {} new, {} updated, {} unchanged, {} refused, {} new findings\n",
            import.feed,
            import.source,
            import.n_records,
            import.n_new,
            import.n_updated,
            import.n_unchanged,
            import.n_errors,
            import.n_new_findings
        );
        if let Some(warnings) =
            import.report.get("record_warnings").and_then(|e| e.as_array()).filter(|e| !e.is_empty())
        {
            text.push_str(&format!("{} records kept with warnings:\n", warnings.len()));
            let mut table = Table::new(&["entry", "code", "warning"]);
            for w in warnings.iter().take(20) {
                let field = |name: &str| w.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
                table.row(vec![field("entry"), field("code"), field("message")]);
            }
            text.push_str(&table.render());
        }
        if let Some(errors) = import.report.get("errors").and_then(|e| e.as_array()).filter(|e| !e.is_empty()) {
            let mut table = Table::new(&["entry", "code", "problem"]);
            for e in errors.iter().take(50) {
                let field = |name: &str| e.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
                table.row(vec![field("entry"), field("code"), field("message")]);
            }
            text.push_str(&table.render());
            if errors.len() > 50 {
                text.push_str(&format!("… and {} more (--format json lists up to 1,000)\n", errors.len() - 50));
            }
        }
        text
    })
}

/// `chainward scan`.
pub async fn scan(store: Arc<dyn Store>, format: Format, args: ScanArgs) -> Result<Outcome> {
    let fail_on: Option<FailOn> =
        args.fail_on.as_deref().map(str::parse).transpose().map_err(|e: String| anyhow!(e))?;
    let bytes = crate::sbom::read_file(&args.file)?;
    let loaded = chainward_server::transparency::load_blocking(Arc::new(bytes), Default::default())
        .await
        .map_err(|e| anyhow!("{}: {}: {e}", args.file.display(), e.code()))?;
    let mut report = monitor::scan(&*store, &loaded.read.sbom).await?;
    if !args.all && format == Format::Table {
        report.findings.retain(|f| f.verdict == "affected");
    }
    let crossed = fail_on.is_some_and(|threshold| threshold.crossed_by(&report));
    let text = match format {
        Format::Sarif => monitor::scan_sarif(&report, &artifact_uri(&args.file)),
        Format::Json | Format::Jsonl => serde_json::to_string_pretty(&report)? + "\n",
        Format::Table | Format::Csv => scan_table(&report),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(if crossed { Outcome::Negative } else { Outcome::Ok })
}

/// The scanned file as a relative URI reference, as SARIF consumers expect.
fn artifact_uri(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/").chars().map(|c| if c == ' ' { '+' } else { c }).collect()
}

fn scan_table(report: &monitor::ScanReport) -> String {
    let mut table = Table::new(&["severity", "kev", "id", "vulnerability", "package", "verdict", "fixed in"]);
    for f in &report.findings {
        table.row(vec![
            f.severity.clone().unwrap_or_else(|| "unknown".into()),
            if f.kev { "KEV".into() } else { String::new() },
            f.id.clone(),
            f.vulnerability.clone(),
            f.purl.clone(),
            f.verdict.clone(),
            f.fixed.join(", "),
        ]);
    }
    format!(
        "{}\n{} findings; {} components, {} with a package URL to match, {} advisories consulted\n",
        table.render(),
        report.findings.len(),
        report.n_components,
        report.n_matchable,
        report.n_advisories
    )
}

async fn release_of(store: &dyn Store, offering: &str, release: &str) -> Result<ReleaseId> {
    let offering = store.find_offering(offering).await?;
    let releases = store.list_releases(offering.id).await?;
    releases
        .iter()
        .find(|r| r.data.version == release.trim())
        .map(|r| r.id)
        .ok_or_else(|| anyhow!("offering {:?} has no release {release:?}", offering.data.name))
}

fn findings_table(findings: &[Finding]) -> String {
    let mut table =
        Table::new(&["id", "severity", "kev", "vulnerability", "component", "offering", "release", "verdict", "state"]);
    for f in findings {
        table.row(vec![
            f.id.to_string(),
            f.severity.clone().unwrap_or_else(|| "unknown".into()),
            if f.kev { "KEV".into() } else { String::new() },
            f.vulnerability.clone(),
            match &f.component_version {
                Some(v) => format!("{}@{v}", f.component_name),
                None => f.component_name.clone(),
            },
            f.offering_name.clone(),
            f.release_version.clone(),
            f.verdict.clone(),
            f.triage.status.to_string(),
        ]);
    }
    table.render()
}

/// `chainward findings`.
pub async fn findings(store: Arc<dyn Store>, format: Format, command: FindingsCommand) -> Result<Outcome> {
    match command {
        FindingsCommand::List { offering, release, severity, kev, status, verdict, search, all, limit } => {
            let query = chainward_server::api::monitoring::FindingQuery {
                severity,
                kev: kev.then_some(true),
                status,
                verdict,
                q: search,
                ..Default::default()
            };
            let mut filter = chainward_server::api::monitoring::finding_filter(&query).map_err(|e| anyhow!("{e}"))?;
            filter.include_inactive = all;
            if let Some(offering) = &offering {
                let found = store.find_offering(offering).await?;
                filter.offering = Some(found.id);
                if let Some(release) = &release {
                    filter.release = Some(release_of(&*store, offering, release).await?);
                }
            }
            let page = chainward_store::Page { offset: 0, limit: limit.clamp(1, chainward_store::Page::MAX_LIMIT) };
            let found = store.list_findings(&filter, page).await?;
            print(format, &found.items, || {
                format!("{}{} of {} findings\n", findings_table(&found.items), found.items.len(), found.total)
            })?;
            Ok(Outcome::Ok)
        }
        FindingsCommand::Show { id } => {
            let (finding, history) = store.get_finding(id).await?;
            let json = serde_json::json!({"finding": finding, "history": history});
            print(format, &json, || {
                let mut text = findings_table(std::slice::from_ref(&finding));
                text.push_str(&format!(
                    "advisory: {}\nreason: {}\n\nhistory:\n",
                    finding.advisory_id,
                    opt(&finding.reason)
                ));
                let mut table = Table::new(&["at", "by", "source", "state", "justification", "response", "detail"]);
                for h in &history {
                    table.row(vec![
                        h.at.to_string(),
                        h.actor.clone(),
                        h.source.clone(),
                        h.triage.status.to_string(),
                        opt(&h.triage.justification),
                        opt(&h.triage.response),
                        opt(&h.triage.detail),
                    ]);
                }
                text.push_str(&table.render());
                text
            })?;
            Ok(Outcome::Ok)
        }
        FindingsCommand::Triage { ids, status, justification, response, detail, all_releases } => {
            let triage = chainward_server::api::monitoring::triage_of(
                &status,
                justification.as_deref(),
                response.as_deref(),
                detail.as_deref(),
            )
            .map_err(|e| anyhow!("{e}"))?;
            let scope = if all_releases { TriageScope::Offering } else { TriageScope::Finding };
            let outcome = store.triage(TriageRequest { findings: ids, triage, scope, source: "user".into() }).await?;
            print(format, &outcome, || {
                format!("{} findings changed ({} in other releases)\n", outcome.n_changed, outcome.n_other_releases)
            })?;
            Ok(Outcome::Ok)
        }
        FindingsCommand::Rematch { offering, release } => {
            let release = release_of(&*store, &offering, &release).await?;
            let outcome = monitor::match_release(&*store, release).await?;
            print(format, &outcome, || {
                format!(
                    "{} new findings ({} with a carried decision), {} seen again, {} gone\n",
                    outcome.n_new, outcome.n_carried, outcome.n_seen_again, outcome.n_gone
                )
            })?;
            Ok(Outcome::Ok)
        }
    }
}

/// `chainward vuln ID`.
pub async fn vuln(store: Arc<dyn Store>, format: Format, id: String) -> Result<Outcome> {
    let advisories = store.advisories_known_as(id.trim()).await?;
    let filter = FindingFilter { vulnerability: Some(id.trim().to_owned()), ..FindingFilter::default() };
    let findings = store.list_findings(&filter, chainward_store::Page { offset: 0, limit: 1000 }).await?;
    let mut cves: Vec<String> = std::iter::once(id.trim().to_owned())
        .chain(advisories.iter().flat_map(|a| a.aliases.iter().cloned()))
        .filter(|i| i.starts_with("CVE-"))
        .collect();
    cves.sort();
    cves.dedup();
    let mut kev = Vec::new();
    for cve in &cves {
        if let Some(entry) = store.kev_entry(cve).await? {
            kev.push(entry);
        }
    }
    if advisories.is_empty() && findings.items.is_empty() && kev.is_empty() {
        bail!("no advisory, KEV entry or finding knows {id:?}");
    }
    let json = serde_json::json!({"id": id, "advisories": advisories, "kev": kev, "findings": findings.items});
    print(format, &json, || {
        let mut text = String::new();
        for a in &advisories {
            text.push_str(&format!(
                "{} ({}) {}{}\n  aliases: {}\n  severity: {} {}\n  modified {}{}\n",
                a.id,
                a.source,
                opt(&a.summary),
                if a.withdrawn.is_some() { " [WITHDRAWN]" } else { "" },
                a.aliases.join(", "),
                opt(&a.severity),
                opt(&a.cvss_vector),
                a.modified,
                opt(&a.published.as_ref().map(|p| format!(", published {p}"))),
            ));
        }
        for k in &kev {
            text.push_str(&format!(
                "KEV {}: added {}, due {}, ransomware use {}: {}\n",
                k.cve_id,
                k.date_added,
                opt(&k.due_date),
                k.ransomware,
                k.required_action
            ));
        }
        let mut by_offering: HashMap<(String, String), usize> = HashMap::new();
        for f in &findings.items {
            *by_offering.entry((f.supplier_name.clone(), f.offering_name.clone())).or_default() += 1;
        }
        let mut offerings: Vec<_> = by_offering.into_iter().collect();
        offerings.sort();
        text.push_str(&format!("\naffected offerings: {}\n", offerings.len()));
        for ((supplier, offering), n) in &offerings {
            text.push_str(&format!("  {supplier} / {offering}: {n} findings\n"));
        }
        text.push_str(&format!("\n{} findings\n", findings.total));
        text.push_str(&findings_table(&findings.items));
        text
    })?;
    Ok(Outcome::Ok)
}

/// `chainward vex`.
pub async fn vex(store: Arc<dyn Store>, format: Format, command: VexCommand) -> Result<Outcome> {
    match command {
        VexCommand::Import { file, offering, release } => {
            let release = release_of(&*store, &offering, &release).await?;
            let bytes = crate::sbom::read_file(&file)?;
            let label = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let report = monitor::apply_vex(&*store, release, &bytes, &label).await.map_err(|e| anyhow!("{e}"))?;
            print(format, &report, || {
                let mut text = format!(
                    "{} document: {} statements, {} findings changed\n",
                    report.format, report.n_statements, report.n_findings_changed
                );
                for u in &report.unmatched {
                    text.push_str(&format!("no finding: {u}\n"));
                }
                for r in &report.refused {
                    text.push_str(&format!("refused: {r}\n"));
                }
                text
            })?;
            Ok(if report.refused.is_empty() { Outcome::Ok } else { Outcome::Negative })
        }
        VexCommand::Export { offering, release, export_as, output } => {
            let export_format: VexExportFormat = export_as.parse().map_err(|e: String| anyhow!(e))?;
            let release = release_of(&*store, &offering, &release).await?;
            let export = monitor::export_vex(&*store, release, export_format).await?;
            match output {
                Some(path) => {
                    std::fs::write(&path, &export.bytes).with_context(|| format!("cannot write {}", path.display()))?
                }
                None => std::io::stdout().write_all(&export.bytes)?,
            }
            Ok(Outcome::Ok)
        }
    }
}
