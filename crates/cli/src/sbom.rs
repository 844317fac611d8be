//! `chainward sbom …`, `chainward purl …` and `chainward config …`: transparency from the
//! command line. Validation, quality, file diffs, purl parsing and checks against a baseline
//! file need no database.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use chainward_core::purl::Purl;
use chainward_core::sbom::quality::quality;
use chainward_formats::sbom::{LoadConfig, Loaded, Read, Severity, load, swid};
use chainward_server::transparency::{self, ExportFormat, IngestRequest};
use chainward_store::Store;
use chainward_store::sbom::SbomFilter;

use crate::Outcome;
use crate::args::{ConfigCommand, Format, PurlCommand, SbomCommand};
use crate::output::{Table, print};

/// The largest document the command line reads.
const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// Whether a command runs without the database.
pub fn needs_no_store(command: &crate::args::Command) -> bool {
    use crate::args::Command;
    matches!(
        command,
        Command::Purl(_)
            | Command::Sbom(SbomCommand::Validate { .. } | SbomCommand::Quality { .. })
            | Command::Sbom(SbomCommand::Diff { offering: None, .. })
            | Command::Config(ConfigCommand::Check { baseline: Some(_), .. })
    )
}

pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    let metadata = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if metadata.len() > MAX_FILE_BYTES {
        bail!("{} has {} bytes, more than the limit of {MAX_FILE_BYTES}", path.display(), metadata.len());
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Reads a document, or a folder of SWID tags.
fn load_path(path: &Path, config: &LoadConfig) -> Result<Loaded> {
    if path.is_dir() {
        let mut tags = Vec::new();
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .with_context(|| format!("cannot read the folder {}", path.display()))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        entries.sort();
        for entry in entries {
            let name = entry.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            tags.push((name, read_file(&entry)?));
        }
        let read: Read = swid::read_tags(&tags, &config.limits).map_err(|e| anyhow::anyhow!("{}: {e}", e.code()))?;
        return Ok(Loaded { read });
    }
    let bytes = read_file(path)?;
    load(&bytes, config).map_err(|e| anyhow::anyhow!("{}: {}: {e}", path.display(), e.code()))
}

fn problem_table(loaded: &Loaded) -> String {
    let mut table = Table::new(&["severity", "code", "path", "message"]);
    for p in &loaded.read.problems {
        let severity = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        table.row(vec![severity.into(), p.code.into(), p.path.clone(), p.message.clone()]);
    }
    table.render()
}

/// `chainward sbom validate|quality|diff FILE…` without a store.
pub async fn run_offline(format: Format, command: crate::args::Command) -> Result<Outcome> {
    use crate::args::Command;
    match command {
        Command::Purl(PurlCommand::Parse { purl }) => {
            let parsed = Purl::parse(&purl).map_err(|e| anyhow::anyhow!("{}: {}", e.code, e.message))?;
            let json = parsed.to_json();
            print(format, &json, || {
                let mut table = Table::new(&["part", "value"]);
                for key in ["type", "namespace", "name", "version", "qualifiers", "subpath", "canonical"] {
                    let value = match json.get(key) {
                        Some(serde_json::Value::String(s)) => s.clone(),
                        Some(serde_json::Value::Null) | None => String::new(),
                        Some(other) => other.to_string(),
                    };
                    table.row(vec![key.into(), value]);
                }
                table.render()
            })?;
            Ok(Outcome::Ok)
        }
        Command::Sbom(SbomCommand::Validate { file, no_schema }) => {
            let config = LoadConfig { schema: !no_schema, ..LoadConfig::default() };
            let loaded = tokio::task::spawn_blocking(move || load_path(&file, &config)).await??;
            let json = chainward_server::api::sboms::validation_json(&loaded);
            print(format, &json, || {
                let kind = &loaded.read.sbom.kind;
                let verdict = if loaded.is_valid() { "valid" } else { "INVALID" };
                let mut text = format!(
                    "{kind}: {verdict}; {} components, {} errors, {} warnings\n",
                    loaded.read.sbom.n_components(),
                    loaded.n_errors(),
                    loaded.n_warnings()
                );
                if !loaded.read.problems.is_empty() {
                    text.push_str(&problem_table(&loaded));
                }
                text
            })?;
            Ok(if loaded.is_valid() { Outcome::Ok } else { Outcome::Negative })
        }
        Command::Sbom(SbomCommand::Quality { file, worst }) => {
            let loaded = tokio::task::spawn_blocking(move || {
                load_path(&file, &LoadConfig { schema: false, ..LoadConfig::default() })
            })
            .await??;
            let report = quality(&loaded.read.sbom, worst);
            print(format, &report, || {
                let mut text = format!(
                    "{} {} ({}): {} components, score {:.1}/100\n",
                    report.format,
                    report.spec_version,
                    loaded.read.sbom.kind.encoding,
                    report.n_components,
                    report.score
                );
                let mut table = Table::new(&["element", "group", "level", "covered", "total", "%"]);
                for e in &report.elements {
                    table.row(vec![
                        e.id.clone(),
                        serde_json::to_value(e.group)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        serde_json::to_value(e.level)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        e.covered.to_string(),
                        e.total.to_string(),
                        format!("{:.1}", e.percent),
                    ]);
                }
                text.push_str(&table.render());
                if !report.worst.is_empty() {
                    text.push_str("\nworst components:\n");
                    let mut table = Table::new(&["component", "version", "missing"]);
                    for w in &report.worst {
                        table.row(vec![w.name.clone(), w.version.clone().unwrap_or_default(), w.missing.join(", ")]);
                    }
                    text.push_str(&table.render());
                }
                text
            })?;
            Ok(Outcome::Ok)
        }
        Command::Sbom(SbomCommand::Diff { files, offering: None, .. }) => {
            let [old, new] = files.as_slice() else {
                bail!("give two SBOM files, or --offering with --from and --to");
            };
            let config = LoadConfig { schema: false, ..LoadConfig::default() };
            let (old, new) = (old.clone(), new.clone());
            let (old, new) = tokio::task::spawn_blocking(move || -> Result<(Loaded, Loaded)> {
                Ok((load_path(&old, &config)?, load_path(&new, &config)?))
            })
            .await??;
            let components =
                |l: &Loaded| l.read.sbom.described_components().map(|(_, c)| c.clone()).collect::<Vec<_>>();
            let diff = chainward_core::sbom::diff::diff(&components(&old), &components(&new));
            print_diff(format, &serde_json::to_value(&diff)?, &diff)?;
            Ok(if diff.hash_mismatches.is_empty() { Outcome::Ok } else { Outcome::Negative })
        }
        Command::Config(ConfigCommand::Check { file, baseline: Some(baseline), .. }) => {
            let baseline = chainward_formats::baseline::read_baseline(&read_file(&baseline)?)
                .map_err(|e| anyhow::anyhow!("{}: {}: {e}", baseline.display(), e.code()))?;
            let hint = file.extension().and_then(|e| e.to_str()).map(str::to_owned);
            let config = chainward_formats::baseline::read_config(&read_file(&file)?, hint.as_deref())
                .map_err(|e| anyhow::anyhow!("{}: {}: {e}", file.display(), e.code()))?;
            let report = chainward_core::baseline::check(&baseline, &config);
            let json = serde_json::to_value(&report)?;
            print_config_report(format, &json)?;
            Ok(if report.failed == 0 { Outcome::Ok } else { Outcome::Negative })
        }
        other => bail!("internal: {other:?} needs the database"),
    }
}

fn print_diff(format: Format, json: &serde_json::Value, diff: &chainward_core::sbom::diff::SbomDiff) -> Result<()> {
    print(format, json, || {
        let mut text = format!(
            "{} added, {} removed, {} version changed, {} unchanged, {} same version with a different hash\n",
            diff.added.len(),
            diff.removed.len(),
            diff.version_changed.len(),
            diff.unchanged,
            diff.hash_mismatches.len()
        );
        let mut table = Table::new(&["change", "component", "old", "new"]);
        for c in &diff.added {
            table.row(vec!["added".into(), c.name.clone(), String::new(), c.version.clone()]);
        }
        for c in &diff.removed {
            table.row(vec!["removed".into(), c.name.clone(), c.version.clone(), String::new()]);
        }
        for c in &diff.version_changed {
            table.row(vec!["version".into(), c.name.clone(), c.old_version.clone(), c.new_version.clone()]);
        }
        for m in &diff.hash_mismatches {
            table.row(vec![
                format!("POSSIBLE TAMPERING ({})", m.algorithm),
                format!("{} {}", m.name, m.version),
                m.old.clone(),
                m.new.clone(),
            ]);
        }
        text.push_str(&table.render());
        text
    })
}

fn print_config_report(format: Format, json: &serde_json::Value) -> Result<()> {
    print(format, json, || {
        let mut text = format!(
            "baseline {}: {} rules passed, {} failed\n",
            json["baseline"].as_str().unwrap_or_default(),
            json["passed"],
            json["failed"]
        );
        let mut table = Table::new(&["rule", "severity", "outcome", "path", "expected", "found"]);
        for r in json["results"].as_array().map(Vec::as_slice).unwrap_or_default() {
            let cell = |key: &str| match &r[key] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            table.row(vec![
                cell("rule_id"),
                cell("severity"),
                cell("outcome"),
                cell("path"),
                cell("expected"),
                cell("found"),
            ]);
        }
        text.push_str(&table.render());
        text
    })
}

/// `chainward sbom …` with the store.
pub async fn sbom(store: Arc<dyn Store>, format: Format, command: SbomCommand) -> Result<Outcome> {
    match command {
        SbomCommand::Ingest { file, offering, release, supplier, create_offering, strict } => {
            let bytes = read_file(&file)?;
            let request = IngestRequest {
                offering,
                release,
                supplier,
                file_name: file.file_name().map(|n| n.to_string_lossy().into_owned()),
                create_offering,
                strict,
            };
            let outcome = transparency::ingest(&*store, bytes, request, LoadConfig::default())
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            print(format, &outcome, || {
                let s = &outcome.report.sbom;
                let mut text = format!(
                    "stored {} {} as {} {} of {}: {} components ({} new to the store), {} dependency edges, \
                     {} errors, {} warnings, quality {:.1}/100\nsbom id {}, sha256 {}\n",
                    s.kind,
                    file.display(),
                    if outcome.report.release_created { "new release" } else { "release" },
                    s.release_version,
                    s.offering_name,
                    s.n_components,
                    outcome.report.n_new_components,
                    s.n_dependencies,
                    s.n_errors,
                    s.n_warnings,
                    s.quality_score.unwrap_or_default(),
                    s.id,
                    s.sha256
                );
                if !outcome.report.unmatched_suppliers.is_empty() {
                    text.push_str("component suppliers matching no registered supplier (review them):\n");
                    let mut table = Table::new(&["supplier name", "components"]);
                    for u in &outcome.report.unmatched_suppliers {
                        table.row(vec![u.name.clone(), u.n_components.to_string()]);
                    }
                    text.push_str(&table.render());
                }
                text
            })?;
            Ok(Outcome::Ok)
        }
        SbomCommand::Diff { offering: Some(offering), from: Some(from), to: Some(to), .. } => {
            let offering = store.find_offering(&offering).await?;
            let diff = transparency::diff_releases(&*store, offering.id, &from, &to)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            print_diff(format, &serde_json::to_value(&diff)?, &diff.diff)?;
            Ok(if diff.diff.hash_mismatches.is_empty() { Outcome::Ok } else { Outcome::Negative })
        }
        SbomCommand::Export { offering, release, export_as, output } => {
            let export_format: ExportFormat = export_as.parse().map_err(|e: String| anyhow::anyhow!(e))?;
            let offering = store.find_offering(&offering).await?;
            let releases = store.list_releases(offering.id).await?;
            let Some(found) = releases.iter().find(|r| r.data.version == release.trim()) else {
                bail!("offering {:?} has no release {release:?}", offering.data.name);
            };
            let export =
                transparency::export_release(&*store, found.id, export_format, time::OffsetDateTime::now_utc())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            match output {
                Some(path) => {
                    std::fs::write(&path, &export.bytes).with_context(|| format!("cannot write {}", path.display()))?
                }
                None => {
                    use std::io::Write as _;
                    std::io::stdout().write_all(&export.bytes)?;
                }
            }
            Ok(Outcome::Ok)
        }
        SbomCommand::List { offering } => {
            let offering = match offering {
                Some(o) => Some(store.find_offering(&o).await?.id),
                None => None,
            };
            let found = store.list_sboms(&SbomFilter { offering, release: None }, chainward_store::Page::FIRST).await?;
            print(format, &found.items, || {
                let mut table =
                    Table::new(&["id", "offering", "release", "format", "components", "errors", "quality", "uploaded"]);
                for s in &found.items {
                    table.row(vec![
                        s.id.to_string(),
                        s.offering_name.clone(),
                        s.release_version.clone(),
                        s.kind.to_string(),
                        s.n_components.to_string(),
                        s.n_errors.to_string(),
                        s.quality_score.map(|q| format!("{q:.1}")).unwrap_or_default(),
                        s.uploaded_at.to_string(),
                    ]);
                }
                table.render()
            })?;
            Ok(Outcome::Ok)
        }
        SbomCommand::Unmatched => {
            let found = store.unmatched_suppliers(1000).await?;
            print(format, &found, || {
                let mut table = Table::new(&["supplier name", "components", "sboms"]);
                for u in &found {
                    table.row(vec![u.name.clone(), u.n_components.to_string(), u.n_sboms.to_string()]);
                }
                table.render()
            })?;
            Ok(Outcome::Ok)
        }
        SbomCommand::Alias { supplier, alias } => {
            let supplier = store.find_supplier(&supplier).await?;
            let added = store.add_supplier_alias(supplier.id, &alias).await?;
            print(format, &added, || format!("{:?} is now an alias of {}\n", added.alias, supplier.data.name))?;
            Ok(Outcome::Ok)
        }
        other => bail!("internal: {other:?} runs without the database"),
    }
}

/// `chainward config …` with the store.
pub async fn config(store: Arc<dyn Store>, format: Format, command: ConfigCommand) -> Result<Outcome> {
    match command {
        ConfigCommand::Baseline { offering, file } => {
            let offering = store.find_offering(&offering).await?;
            let stored = transparency::set_baseline(&*store, offering.id, &read_file(&file)?)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            print(format, &stored, || {
                format!("baseline {:?} ({} rules) set for {}\n", stored.name, stored.n_rules, offering.data.name)
            })?;
            Ok(Outcome::Ok)
        }
        ConfigCommand::Check { file, offering: Some(offering), .. } => {
            let offering = store.find_offering(&offering).await?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
            let check = transparency::check_config(&*store, offering.id, &read_file(&file)?, name.as_deref())
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            print_config_report(format, &check.report)?;
            Ok(if check.failed == 0 { Outcome::Ok } else { Outcome::Negative })
        }
        other => bail!("internal: {other:?} runs without the database"),
    }
}
