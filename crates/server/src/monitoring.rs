//! Monitoring as every door does it (the API, the web UI and the `chainward` commands):
//! feed imports that store advisories and re-match only the packages they name, matching
//! a release's components at SBOM ingest, CI scans of SBOMs that are not stored, VEX
//! documents applied as triage decisions, and VEX exports of a release's decisions.
//!
//! Matching itself is pure (`chainward_core::vuln::matching`); this module moves data
//! between it and the store: it reads only the advisories that name the packages at hand,
//! builds a small index of them, matches, and hands the findings back in one transaction.

use std::collections::{BTreeMap, HashMap, HashSet};

use chainward_core::model::{ComponentId, ReleaseId};
use chainward_core::purl::Purl;
use chainward_core::vuln::cvss::advisory_severity;
use chainward_core::vuln::matching::{AdvisoryIndex, Match, Verdict, package_for_purl};
use chainward_core::vuln::osv::Advisory;
use chainward_store::monitoring::{MatchOutcome, MatchRun, NewFinding, PackageComponent};
use chainward_store::{Store, StoreError};
use serde::Serialize;

/// How many components' packages are worked out per store round trip.
const PACKAGE_BATCH: u64 = 2_000;

/// Works out the OSV package of every stored component that does not have one recorded yet
/// (components stored before monitoring existed, or by an ingest just now).
pub async fn sync_component_packages(store: &dyn Store) -> Result<u64, StoreError> {
    let mut n = 0u64;
    loop {
        let batch = store.components_without_package(PACKAGE_BATCH).await?;
        if batch.is_empty() {
            return Ok(n);
        }
        n += batch.len() as u64;
        let rows = batch
            .into_iter()
            .map(|c| {
                let key = c
                    .purl
                    .as_deref()
                    .and_then(|p| Purl::parse_lenient(p).ok())
                    .and_then(|p| package_for_purl(&p))
                    .map(|k| (k.ecosystem, k.name));
                (c.component, key)
            })
            .collect();
        store.set_component_packages(rows).await?;
    }
}

/// The OSV package name of a component, for the store's index lookups.
fn package_name(component: &PackageComponent) -> Option<String> {
    let purl = Purl::parse_lenient(component.purl.as_deref()?).ok()?;
    package_for_purl(&purl).map(|k| k.name)
}

/// Parses stored advisory records into an index; records that no longer parse are skipped
/// (they were checked at import).
pub fn index_of(records: Vec<(String, String)>) -> AdvisoryIndex {
    AdvisoryIndex::build(records.into_iter().filter_map(|(_, raw)| serde_json::from_str::<Advisory>(&raw).ok()))
}

/// The index of every stored advisory naming one of `names`.
pub async fn index_for_names(store: &dyn Store, names: &[String]) -> Result<AdvisoryIndex, StoreError> {
    let records = store.advisories_named(names).await?;
    Ok(tokio::task::spawn_blocking(move || index_of(records)).await.unwrap_or_else(|_| index_of(Vec::new())))
}

/// The findings `index` gives for `components`.
pub fn findings_for(index: &AdvisoryIndex, components: &[PackageComponent], kev: &HashSet<String>) -> Vec<NewFinding> {
    let mut out = Vec::new();
    for component in components {
        let Some(purl) = component.purl.as_deref().and_then(|p| Purl::parse_lenient(p).ok()) else { continue };
        for m in index.match_purl(&purl) {
            out.push(new_finding(index, component.component, &m, kev));
        }
    }
    out
}

fn new_finding(index: &AdvisoryIndex, component: ComponentId, m: &Match, kev: &HashSet<String>) -> NewFinding {
    let (severity, cvss_score) = index
        .advisory(&m.advisory_id)
        .map(|a| {
            let s = advisory_severity(a);
            (s.severity.map(|s| s.as_str().to_owned()), s.score)
        })
        .unwrap_or_default();
    let (verdict, reason) = verdict_with_reason(&m.verdict, index.advisory(&m.advisory_id));
    let reason = match (reason, m.release_assumed) {
        (r, false) => r,
        (Some(r), true) => {
            Some(format!("{r}; the component names no distribution release, so every release's advisories apply"))
        }
        (None, true) => Some("the component names no distribution release, so every release's advisories apply".into()),
    };
    NewFinding {
        component,
        vulnerability: m.vulnerability.clone(),
        advisory_id: m.advisory_id.clone(),
        verdict,
        reason,
        severity,
        cvss_score,
        kev: is_kev(index, m, kev),
    }
}

/// Whether any id of the match's vulnerability group is in the KEV catalogue.
pub fn is_kev(index: &AdvisoryIndex, m: &Match, kev: &HashSet<String>) -> bool {
    kev.contains(&m.vulnerability) || index.group(&m.vulnerability).iter().any(|id| kev.contains(*id))
}

/// The stable name of a verdict, and its reason.
pub fn verdict_text(verdict: &Verdict) -> (String, Option<String>) {
    verdict_with_reason(verdict, None)
}

/// Says which range of the advisory matched: its events, as the feed writes them.
fn range_text(advisory: &Advisory, index: usize) -> Option<String> {
    // The verdict names the range within its affected entry; say which only when that
    // leaves no doubt.
    let mut candidates = advisory.affected.iter().filter_map(|a| a.ranges.get(index));
    let range = candidates.next()?;
    if candidates.next().is_some() {
        return None;
    }
    let events: Vec<String> = range
        .events
        .iter()
        .flat_map(|e| {
            [
                ("introduced", &e.introduced),
                ("fixed", &e.fixed),
                ("last_affected", &e.last_affected),
                ("limit", &e.limit),
            ]
            .into_iter()
            .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name} {v}")))
        })
        .collect();
    Some(format!("in the {} range: {}", range.kind, events.join(", ")))
}

/// The stable name of a verdict, and its reason, naming the matching range when the
/// advisory is at hand.
pub fn verdict_with_reason(verdict: &Verdict, advisory: Option<&Advisory>) -> (String, Option<String>) {
    use chainward_core::vuln::matching::AffectedBy;
    match verdict {
        Verdict::Affected { by: AffectedBy::Listed } => {
            ("affected".into(), Some("named in the advisory's list of affected versions".into()))
        }
        Verdict::Affected { by: AffectedBy::Range(i) } => (
            "affected".into(),
            advisory.and_then(|a| range_text(a, *i)).or_else(|| Some(format!("in range {}", i + 1))),
        ),
        Verdict::NotEvaluable { reason } => ("not_evaluable".into(), Some(reason.clone())),
        Verdict::UnknownVersion => ("unknown_version".into(), Some("the component has no version".into())),
    }
}

/// Matches a release's components (its latest SBOM) against the stored advisories and
/// records the findings: new ones, ones seen again, and ones no longer produced.
pub async fn match_release(store: &dyn Store, release: ReleaseId) -> Result<MatchOutcome, StoreError> {
    sync_component_packages(store).await?;
    let components = store.release_components(release).await?;
    let names: Vec<String> = components.iter().filter_map(package_name).collect::<HashSet<_>>().into_iter().collect();
    let index = index_for_names(store, &names).await?;
    let kev = store.kev_ids().await?;
    let findings = findings_for(&index, &components, &kev);
    store.apply_matches(vec![MatchRun { release, components: None, findings }]).await
}

/// Re-matches only the stored components whose package one of `names` is (the packages the
/// advisories just imported name), in every release.
pub async fn rematch_packages(store: &dyn Store, names: &[String]) -> Result<MatchOutcome, StoreError> {
    if names.is_empty() {
        return Ok(MatchOutcome::default());
    }
    sync_component_packages(store).await?;
    let rows = store.release_components_named(names).await?;
    if rows.is_empty() {
        return Ok(MatchOutcome::default());
    }
    let component_names: Vec<String> =
        rows.iter().filter_map(|(_, c)| package_name(c)).collect::<HashSet<_>>().into_iter().collect();
    let index = index_for_names(store, &component_names).await?;
    let kev = store.kev_ids().await?;
    let mut by_release: BTreeMap<ReleaseId, Vec<PackageComponent>> = BTreeMap::new();
    for (release, component) in rows {
        by_release.entry(release).or_default().push(component);
    }
    let runs = by_release
        .into_iter()
        .map(|(release, components)| MatchRun {
            release,
            findings: findings_for(&index, &components, &kev),
            components: Some(components.iter().map(|c| c.component).collect()),
        })
        .collect();
    store.apply_matches(runs).await
}

/// One finding of a scan (an SBOM matched without being stored): the JSON contract for
/// pipelines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanFinding {
    /// The component's package URL.
    pub purl: String,
    /// The component's name.
    pub name: String,
    /// Its version.
    pub version: Option<String>,
    /// The advisory id as the feed names it.
    pub id: String,
    /// The vulnerability (alias group key).
    pub vulnerability: String,
    /// Every other id of the vulnerability (CVE, GHSA, …).
    pub aliases: Vec<String>,
    /// `affected`, `not_evaluable` or `unknown_version`.
    pub verdict: String,
    /// Why.
    pub reason: Option<String>,
    /// `critical`, `high`, `medium`, `low`, `none`, or null when the feed gives none.
    pub severity: Option<String>,
    /// The CVSS base score.
    pub cvss_score: Option<f64>,
    /// The CVSS vector.
    pub cvss_vector: Option<String>,
    /// In the CISA KEV catalogue.
    pub kev: bool,
    /// One-line summary.
    pub summary: Option<String>,
    /// Versions that fix it, as the advisory says.
    pub fixed: Vec<String>,
}

/// What a scan found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ScanReport {
    /// Components in the SBOM.
    pub n_components: u64,
    /// Components with a package URL the advisories can be matched by.
    pub n_matchable: u64,
    /// Advisories consulted (those naming the SBOM's packages).
    pub n_advisories: u64,
    /// The findings, most severe first.
    pub findings: Vec<ScanFinding>,
}

/// Matches an SBOM's components against the stored advisories without storing anything.
pub async fn scan(store: &dyn Store, sbom: &chainward_core::sbom::Sbom) -> Result<ScanReport, StoreError> {
    let purls: Vec<(usize, Purl)> = sbom
        .components
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, Purl::parse_lenient(c.purl.as_deref()?).ok()?)))
        .collect();
    let names: Vec<String> = purls
        .iter()
        .filter_map(|(_, p)| package_for_purl(p).map(|k| k.name))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let index = index_for_names(store, &names).await?;
    let kev = store.kev_ids().await?;
    let mut report = ScanReport {
        n_components: sbom.components.len() as u64,
        n_matchable: purls.iter().filter(|(_, p)| package_for_purl(p).is_some()).count() as u64,
        n_advisories: index.len() as u64,
        findings: Vec::new(),
    };
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for (i, purl) in &purls {
        let Some(component) = sbom.components.get(*i) else { continue };
        for m in index.match_purl(purl) {
            let canonical = purl.to_string();
            if !seen.insert((canonical.clone(), m.vulnerability.clone())) {
                continue;
            }
            report.findings.push(scan_finding(&index, &m, &kev, canonical, component));
        }
    }
    report.findings.sort_by(|a, b| {
        let rank = |f: &ScanFinding| {
            (
                u8::from(f.verdict == "affected"),
                f.kev,
                chainward_store::monitoring::severity_rank(f.severity.as_deref()),
            )
        };
        rank(b).cmp(&rank(a)).then_with(|| a.purl.cmp(&b.purl)).then_with(|| a.id.cmp(&b.id))
    });
    Ok(report)
}

fn scan_finding(
    index: &AdvisoryIndex,
    m: &Match,
    kev: &HashSet<String>,
    purl: String,
    component: &chainward_core::sbom::Component,
) -> ScanFinding {
    let advisory = index.advisory(&m.advisory_id);
    let severity = advisory.map(advisory_severity);
    let mut aliases: Vec<String> =
        index.group(&m.vulnerability).into_iter().filter(|id| *id != m.advisory_id).map(str::to_owned).collect();
    aliases.sort();
    aliases.dedup();
    let (verdict, reason) = verdict_with_reason(&m.verdict, advisory);
    let fixed = advisory.map(Advisory::fixed_versions).unwrap_or_default();
    ScanFinding {
        purl,
        name: component.display_name(),
        version: component.version.clone(),
        id: m.advisory_id.clone(),
        vulnerability: m.vulnerability.clone(),
        aliases,
        verdict,
        reason,
        severity: severity.as_ref().and_then(|s| s.severity.map(|s| s.as_str().to_owned())),
        cvss_score: severity.as_ref().and_then(|s| s.score),
        cvss_vector: severity.as_ref().and_then(|s| s.vector.clone()),
        kev: is_kev(index, m, kev),
        summary: advisory.and_then(|a| a.summary.clone()),
        fixed,
    }
}

// ---- feeds ------------------------------------------------------------------------------

/// Where an OSV import reads from.
#[derive(Debug, Clone)]
pub enum OsvSource {
    /// A zip (one JSON per advisory) in memory.
    ZipBytes(Vec<u8>),
    /// A zip on disk.
    ZipFile(std::path::PathBuf),
    /// A folder of JSON files.
    Folder(std::path::PathBuf),
}

/// Why a feed import could not run at all (single records never fail an import).
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The source is not readable as a whole.
    #[error("{code}: {message}")]
    Source {
        /// Stable code.
        code: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The store refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<FeedError> for crate::error::ApiError {
    fn from(error: FeedError) -> Self {
        match error {
            FeedError::Source { .. } => crate::error::ApiError::BadRequest(error.to_string()),
            FeedError::Store(store) => crate::error::ApiError::from(store),
        }
    }
}

/// Records per store transaction during an import.
const IMPORT_BATCH: usize = 1_000;
/// Per-record errors kept in an import's report.
const MAX_REPORTED_ERRORS: usize = 1_000;

/// Reports how far an import has got: records read so far.
pub type Progress = Box<dyn Fn(u64) + Send + Sync>;

/// The canonical spelling of an RFC 3339 time, so that stored times compare as text
/// (`2024-01-01T00:00:00Z` and `…00.5Z` otherwise sort wrongly); unreadable text is kept.
pub fn canonical_time(text: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    const CANONICAL: &[time::format_description::BorrowedFormatItem<'_>] =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:9]Z");
    time::OffsetDateTime::parse(text.trim(), &Rfc3339)
        .ok()
        .and_then(|t| t.to_offset(time::UtcOffset::UTC).format(CANONICAL).ok())
        .unwrap_or_else(|| text.trim().to_owned())
}

/// The row an advisory is stored as.
pub fn new_advisory(advisory: &Advisory, raw: String, source: &str) -> chainward_store::monitoring::NewAdvisory {
    let severity = advisory_severity(advisory);
    let packages = chainward_core::vuln::matching::packages_named_by(advisory)
        .into_iter()
        .map(|k| (k.ecosystem, k.name))
        .collect();
    chainward_store::monitoring::NewAdvisory {
        id: advisory.id.clone(),
        source: source.to_owned(),
        modified: canonical_time(&advisory.modified),
        published: advisory.published.as_deref().map(canonical_time),
        withdrawn: advisory.withdrawn.as_deref().filter(|w| !w.trim().is_empty()).map(canonical_time),
        summary: advisory.summary.as_ref().map(|s| s.chars().take(500).collect()),
        aliases: advisory.aliases.clone(),
        severity: severity.severity.map(|s| s.as_str().to_owned()),
        cvss_score: severity.score,
        cvss_vector: severity.vector.clone(),
        scores: serde_json::to_value(&severity.scores).unwrap_or_default(),
        packages,
        raw,
    }
}

/// One record the import refused, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct RecordProblem {
    /// The zip entry or file.
    pub entry: String,
    /// Stable code.
    pub code: String,
    /// What is wrong.
    pub message: String,
}

/// A record read, made ready to store.
struct Prepared {
    /// The row to store.
    row: chainward_store::monitoring::NewAdvisory,
    /// What it has wrong (see [`record_warnings`]).
    warnings: Vec<RecordProblem>,
    /// The base ecosystem of each affected package, for the report's counts.
    ecosystems: Vec<String>,
}

impl Prepared {
    fn of(parsed: chainward_formats::feeds::archive::ParsedAdvisory, source: &str) -> Prepared {
        let warnings = record_warnings(&parsed);
        let ecosystems = parsed
            .advisory
            .affected
            .iter()
            .filter_map(|a| a.package.as_ref())
            .map(|p| p.ecosystem.split(':').next().unwrap_or_default().to_owned())
            .collect();
        let row = new_advisory(&parsed.advisory, parsed.raw, source);
        Prepared { row, warnings, ecosystems }
    }
}

/// What a record that was kept has wrong: the reader's warnings, and every range that
/// cannot be evaluated whatever the version (`osv-range-not-evaluable`: an event version
/// that is not one of the ecosystem, `1.0.0.0.0.0-💥`), each naming the entry and where.
fn record_warnings(parsed: &chainward_formats::feeds::archive::ParsedAdvisory) -> Vec<RecordProblem> {
    let mut out: Vec<RecordProblem> = parsed
        .warnings
        .iter()
        .map(|w| RecordProblem {
            entry: parsed.source_name.clone(),
            code: w.code.to_owned(),
            message: format!("{}: {} at {}", parsed.advisory.id, w.message, w.path),
        })
        .collect();
    for (i, affected) in parsed.advisory.affected.iter().enumerate() {
        let Some(package) = &affected.package else { continue };
        let compiled = chainward_core::vuln::matching::CompiledAffected::compile(&package.ecosystem, affected);
        for (range, reason) in compiled.broken_ranges() {
            out.push(RecordProblem {
                entry: parsed.source_name.clone(),
                code: "osv-range-not-evaluable".to_owned(),
                message: format!("{}: /affected/{i}/ranges/{range}: {reason}", parsed.advisory.id),
            });
        }
    }
    out
}

/// Imports OSV advisories: stores new and newer records (one transaction per 1,000),
/// re-matches only the packages they name, and records the import's report (audited).
/// Records that cannot be read are reported one by one; the rest of the import proceeds.
pub async fn import_osv(
    store: &dyn Store,
    source: OsvSource,
    label: &str,
    progress: Option<Progress>,
) -> Result<chainward_store::monitoring::FeedImport, FeedError> {
    use chainward_formats::feeds::archive::{self, Limits, RecordError, RecordOutcome};
    let started_at = time::OffsetDateTime::now_utc();
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Result<Prepared, RecordError>>(IMPORT_BATCH);
    let source_label = label.to_owned();
    let reader = tokio::task::spawn_blocking(move || {
        let limits = Limits::default();
        // The CPU work per record (its ranges compiled for the warnings, its scores, the
        // row to store) is done here, on the blocking thread, not on the runtime.
        let send = |outcome: RecordOutcome| {
            let prepared = outcome.map(|parsed| Prepared::of(parsed, &source_label));
            // The receiver only goes away when the import failed; stop sending then.
            let _ = sender.blocking_send(prepared);
        };
        match source {
            OsvSource::ZipBytes(bytes) => archive::osv_records_from_zip_bytes(&bytes, &limits, send),
            OsvSource::ZipFile(path) => archive::osv_records_from_zip_file(&path, &limits, send),
            OsvSource::Folder(path) => archive::osv_records_from_dir(&path, &limits, send),
        }
    });
    let mut n_records = 0u64;
    let mut n_errors = 0u64;
    let mut n_warnings = 0u64;
    let mut errors: Vec<RecordProblem> = Vec::new();
    let mut warnings: Vec<RecordProblem> = Vec::new();
    let mut upsert = chainward_store::monitoring::AdvisoryUpsert::default();
    let mut names: HashSet<String> = HashSet::new();
    let mut withdrawn = 0u64;
    let mut ecosystems: BTreeMap<String, u64> = BTreeMap::new();
    let mut batch = Vec::with_capacity(IMPORT_BATCH);
    let mut batch_names: HashMap<String, Vec<String>> = HashMap::new();
    loop {
        let next = receiver.recv().await;
        let done = next.is_none();
        if let Some(outcome) = next {
            match outcome {
                Ok(prepared) => {
                    n_records += 1;
                    n_warnings += prepared.warnings.len() as u64;
                    let room = MAX_REPORTED_ERRORS.saturating_sub(warnings.len());
                    warnings.extend(prepared.warnings.into_iter().take(room));
                    if prepared.row.withdrawn.is_some() {
                        withdrawn += 1;
                    }
                    for base in prepared.ecosystems {
                        *ecosystems.entry(base).or_default() += 1;
                    }
                    let row = prepared.row;
                    batch_names.insert(row.id.clone(), row.packages.iter().map(|(_, n)| n.clone()).collect());
                    batch.push(row);
                }
                Err(error) => {
                    n_errors += 1;
                    if errors.len() < MAX_REPORTED_ERRORS {
                        errors.push(RecordProblem {
                            entry: error.entry,
                            code: error.code.to_owned(),
                            message: error.message,
                        });
                    }
                }
            }
            if let Some(progress) = &progress {
                progress(n_records + n_errors);
            }
        }
        if batch.len() >= IMPORT_BATCH || (done && !batch.is_empty()) {
            let stored = store.upsert_advisories(std::mem::take(&mut batch)).await?;
            for id in stored.new.iter().chain(stored.updated.iter()) {
                names.extend(batch_names.remove(id).unwrap_or_default());
            }
            batch_names.clear();
            upsert.n_unchanged += stored.n_unchanged;
            upsert.new.extend(stored.new);
            upsert.updated.extend(stored.updated);
        }
        if done {
            break;
        }
    }
    let summary = reader
        .await
        .map_err(|_| FeedError::Source {
            code: "source-unreadable",
            message: "the reader stopped unexpectedly".into(),
        })?
        .map_err(|e| FeedError::Source { code: e.code(), message: e.to_string() })?;
    let mut names: Vec<String> = names.into_iter().collect();
    names.sort();
    let matched = rematch_packages(store, &names).await?;
    let report = serde_json::json!({
        "entries": summary.entries,
        "skipped": summary.skipped,
        "bytes": summary.bytes,
        "withdrawn": withdrawn,
        "warnings": n_warnings,
        "ecosystems": ecosystems,
        "packages_rematched": names.len(),
        "findings": matched,
        "new": upsert.new.iter().take(MAX_REPORTED_ERRORS).collect::<Vec<_>>(),
        "updated": upsert.updated.iter().take(MAX_REPORTED_ERRORS).collect::<Vec<_>>(),
        "errors": errors,
        "record_warnings": warnings,
    });
    let import = chainward_store::monitoring::FeedImport {
        id: uuid::Uuid::now_v7(),
        feed: "osv".into(),
        source: label.to_owned(),
        n_records,
        n_new: upsert.new.len() as u64,
        n_updated: upsert.updated.len() as u64,
        n_unchanged: upsert.n_unchanged,
        n_errors,
        n_new_findings: matched.n_new,
        report,
        imported_by: store.caller().actor.clone(),
        started_at,
        finished_at: time::OffsetDateTime::now_utc(),
    };
    store.record_feed_import(import.clone()).await?;
    Ok(import)
}

/// Imports the CISA KEV catalogue (JSON or CSV): stores new and changed entries, flags the
/// findings of vulnerabilities it lists, and records the import (audited). Rows that
/// cannot be read are reported one by one.
pub async fn import_kev(
    store: &dyn Store,
    bytes: &[u8],
    label: &str,
) -> Result<chainward_store::monitoring::FeedImport, FeedError> {
    use chainward_formats::feeds::kev::{RansomwareUse, read_kev};
    let started_at = time::OffsetDateTime::now_utc();
    let (catalog, problems) =
        read_kev(bytes).map_err(|e| FeedError::Source { code: e.code(), message: e.to_string() })?;
    let n_records = catalog.entries.len() as u64 + problems.iter().filter(|p| p.dropped).count() as u64;
    let entries: Vec<chainward_store::monitoring::KevRecord> = catalog
        .entries
        .iter()
        .map(|e| chainward_store::monitoring::KevRecord {
            cve_id: e.cve_id.clone(),
            vendor_project: e.vendor_project.clone(),
            product: e.product.clone(),
            vulnerability_name: e.vulnerability_name.clone(),
            date_added: e.date_added.to_string(),
            due_date: Some(e.due_date.to_string()),
            ransomware: match e.known_ransomware_campaign_use {
                RansomwareUse::Known => "Known".into(),
                RansomwareUse::Unknown => "Unknown".into(),
            },
            required_action: e.required_action.clone(),
            short_description: e.short_description.clone(),
            notes: e.notes.clone(),
        })
        .collect();
    let n_entries = entries.len() as u64;
    let stored = store.upsert_kev(entries).await?;
    let errors: Vec<RecordProblem> = problems
        .iter()
        .take(MAX_REPORTED_ERRORS)
        .map(|p| RecordProblem {
            entry: format!("row {}{}", p.row, p.cve_id.as_deref().map(|c| format!(" ({c})")).unwrap_or_default()),
            code: p.code.to_owned(),
            message: p.message.clone(),
        })
        .collect();
    let import = chainward_store::monitoring::FeedImport {
        id: uuid::Uuid::now_v7(),
        feed: "kev".into(),
        source: label.to_owned(),
        n_records,
        n_new: stored.n_new,
        n_updated: stored.n_updated,
        n_unchanged: n_entries.saturating_sub(stored.n_new + stored.n_updated),
        n_errors: problems.iter().filter(|p| p.dropped).count() as u64,
        n_new_findings: 0,
        report: serde_json::json!({
            "catalog_version": catalog.catalog_version,
            "date_released": catalog.date_released,
            "findings_flagged": stored.n_findings_flagged,
            "errors": errors,
        }),
        imported_by: store.caller().actor.clone(),
        started_at,
        finished_at: time::OffsetDateTime::now_utc(),
    };
    store.record_feed_import(import.clone()).await?;
    Ok(import)
}

// ---- VEX --------------------------------------------------------------------------------

/// What applying a VEX document to a release did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VexApplyReport {
    /// `cyclonedx`, `open_vex` or `csaf`.
    pub format: String,
    /// Statements in the document.
    pub n_statements: u64,
    /// Findings whose triage the document set.
    pub n_findings_changed: u64,
    /// Statements that named no finding of the release (vulnerability and product).
    pub unmatched: Vec<String>,
    /// Statements refused because they break the VEX rules (e.g. `not_affected` without a
    /// justification), with why.
    pub refused: Vec<String>,
    /// What the reader reported.
    pub problems: Vec<chainward_formats::sbom::Problem>,
}

/// Why a VEX document could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum VexApplyError {
    /// The bytes are not a VEX document we can read.
    #[error("{code}: {message}")]
    Unreadable {
        /// Stable code.
        code: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The store refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<VexApplyError> for crate::error::ApiError {
    fn from(error: VexApplyError) -> Self {
        match error {
            VexApplyError::Unreadable { .. } => crate::error::ApiError::BadRequest(error.to_string()),
            VexApplyError::Store(store) => crate::error::ApiError::from(store),
        }
    }
}

/// Every finding of a release (inactive ones included), page by page.
pub async fn release_findings(
    store: &dyn Store,
    release: ReleaseId,
) -> Result<Vec<chainward_store::monitoring::Finding>, StoreError> {
    use chainward_store::Page;
    use chainward_store::monitoring::FindingFilter;
    let filter = FindingFilter { release: Some(release), include_inactive: true, ..FindingFilter::default() };
    let mut out = Vec::new();
    loop {
        let page = store.list_findings(&filter, Page { offset: out.len() as u64, limit: Page::MAX_LIMIT }).await?;
        let n = page.items.len();
        out.extend(page.items);
        if n == 0 || out.len() as u64 >= page.total {
            return Ok(out);
        }
    }
}

/// The package identity of a purl for VEX product matching: type, namespace and name, and
/// the version when `with_version`.
fn purl_key(purl: &str, with_version: bool) -> Option<String> {
    let p = Purl::parse_lenient(purl).ok()?;
    let mut key = format!("{}/{}/{}", p.ty(), p.namespace().unwrap_or_default(), p.name());
    if with_version {
        key.push('@');
        key.push_str(p.version().unwrap_or_default());
    }
    Some(key.to_lowercase())
}

/// Applies a VEX document's statements to the findings of one release, as triage
/// decisions recorded with the source `vex:<label>`.
///
/// A statement reaches a finding when one of its ids (vulnerability and aliases) is one of
/// the finding's (its vulnerability, its advisory and the advisory's aliases) and its
/// products name the finding's component: a subcomponent or product purl equal to the
/// component's (with the version when the statement gives one). A statement whose products
/// name no component of the release is about the release as a whole and reaches every
/// finding of the vulnerability.
pub async fn apply_vex(
    store: &dyn Store,
    release: ReleaseId,
    bytes: &[u8],
    label: &str,
) -> Result<VexApplyReport, VexApplyError> {
    use chainward_core::vuln::vex::VexFormat;
    use chainward_store::monitoring::{TriageRequest, TriageScope};
    let (document, problems) = chainward_formats::vex::read_vex(bytes)
        .map_err(|e| VexApplyError::Unreadable { code: e.code(), message: e.to_string() })?;
    let findings = release_findings(store, release).await?;
    // Every id each finding is known by.
    let mut advisory_aliases: HashMap<String, Vec<String>> = HashMap::new();
    for finding in &findings {
        if !advisory_aliases.contains_key(&finding.advisory_id) {
            let aliases = store.advisory(&finding.advisory_id).await?.map(|(a, _)| a.aliases).unwrap_or_default();
            advisory_aliases.insert(finding.advisory_id.clone(), aliases);
        }
    }
    let finding_ids: Vec<HashSet<String>> = findings
        .iter()
        .map(|f| {
            let mut ids: HashSet<String> = HashSet::new();
            ids.insert(f.vulnerability.to_uppercase());
            ids.insert(f.advisory_id.to_uppercase());
            for alias in advisory_aliases.get(&f.advisory_id).into_iter().flatten() {
                ids.insert(alias.to_uppercase());
            }
            ids
        })
        .collect();
    let component_keys: Vec<(Option<String>, Option<String>)> = findings
        .iter()
        .map(|f| {
            (f.purl.as_deref().and_then(|p| purl_key(p, false)), f.purl.as_deref().and_then(|p| purl_key(p, true)))
        })
        .collect();
    let mut report = VexApplyReport {
        format: match document.format {
            VexFormat::CycloneDx => "cyclonedx",
            VexFormat::OpenVex => "open_vex",
            VexFormat::Csaf => "csaf",
        }
        .into(),
        n_statements: document.statements.len() as u64,
        problems,
        ..VexApplyReport::default()
    };
    let source = format!("vex:{}", label.chars().take(200).collect::<String>());
    for statement in &document.statements {
        let describe = || {
            let products: Vec<String> = statement
                .products
                .iter()
                .filter_map(|p| p.purl.clone().or_else(|| p.cpe.clone()).or_else(|| p.name.clone()))
                .collect();
            format!(
                "{} for {}",
                statement.vulnerability,
                if products.is_empty() { "the product".into() } else { products.join(", ") }
            )
        };
        if let Err(error) = statement.triage.check() {
            report.refused.push(format!("{}: {error}", describe()));
            continue;
        }
        let ids: HashSet<String> = std::iter::once(&statement.vulnerability)
            .chain(statement.aliases.iter())
            .map(|id| id.to_uppercase())
            .collect();
        let candidates: Vec<usize> =
            (0..findings.len()).filter(|i| finding_ids.get(*i).is_some_and(|f| !f.is_disjoint(&ids))).collect();
        // The purls the statement names, most specific first: subcomponents, then products.
        let subcomponents: Vec<&String> = statement.products.iter().flat_map(|p| p.subcomponents.iter()).collect();
        let named: Vec<&String> = if subcomponents.is_empty() {
            statement.products.iter().filter_map(|p| p.purl.as_ref()).collect()
        } else {
            subcomponents
        };
        let reaches = |i: &usize| {
            let Some((without, with)) = component_keys.get(*i) else { return false };
            named.iter().any(|purl| {
                let versioned = Purl::parse_lenient(purl).ok().is_some_and(|p| p.version().is_some());
                let key = purl_key(purl, versioned);
                key.is_some() && (if versioned { &key == with } else { &key == without })
            })
        };
        let mut chosen: Vec<usize> = candidates.iter().copied().filter(reaches).collect();
        if chosen.is_empty() && !candidates.is_empty() {
            // No component named: about the release as a whole, unless it named one of the
            // release's components for another finding (then it simply does not apply here).
            let names_a_component = named.iter().any(|purl| {
                let key = purl_key(purl, false);
                component_keys.iter().any(|(without, _)| key.is_some() && &key == without)
            });
            if !names_a_component {
                chosen = candidates;
            }
        }
        if chosen.is_empty() {
            report.unmatched.push(describe());
            continue;
        }
        let ids: Vec<uuid::Uuid> = chosen.iter().filter_map(|i| findings.get(*i)).map(|f| f.id).collect();
        let outcome = store
            .triage(TriageRequest {
                findings: ids,
                triage: statement.triage.clone(),
                scope: TriageScope::Finding,
                source: source.clone(),
            })
            .await?;
        report.n_findings_changed += outcome.n_changed;
    }
    Ok(report)
}

/// The VEX export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VexExportFormat {
    /// CycloneDX 1.6 JSON with `vulnerabilities[].analysis`.
    CycloneDx,
    /// OpenVEX 0.2.0.
    OpenVex,
}

impl std::str::FromStr for VexExportFormat {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "cyclonedx" | "cdx" => Ok(VexExportFormat::CycloneDx),
            "openvex" | "open_vex" => Ok(VexExportFormat::OpenVex),
            other => Err(format!("unknown VEX format {other:?}; expected cyclonedx or openvex")),
        }
    }
}

/// Exports the triage decisions of a release's active findings as CycloneDX VEX or OpenVEX.
pub async fn export_vex(
    store: &dyn Store,
    release: ReleaseId,
    format: VexExportFormat,
) -> Result<crate::transparency::Export, StoreError> {
    use chainward_formats::vex::{ExportStatement, VexExport, VexExportProduct, write_cyclonedx_vex, write_openvex};
    let stored_release = store.get_release(release).await?;
    let offering = store.get_offering(stored_release.data.offering).await?;
    let findings = release_findings(store, release).await?;
    let mut statements = Vec::new();
    let mut aliases: HashMap<String, Vec<String>> = HashMap::new();
    for f in findings.iter().filter(|f| f.active && f.verdict != "unknown_version") {
        let Some(purl) = f.purl.clone() else { continue };
        if !aliases.contains_key(&f.advisory_id) {
            let found = store.advisory(&f.advisory_id).await?.map(|(a, _)| a.aliases).unwrap_or_default();
            aliases.insert(f.advisory_id.clone(), found);
        }
        let mut ids: Vec<String> = std::iter::once(f.advisory_id.clone())
            .chain(aliases.get(&f.advisory_id).cloned().unwrap_or_default())
            .filter(|id| *id != f.vulnerability)
            .collect();
        ids.sort();
        ids.dedup();
        statements.push(ExportStatement {
            vulnerability: f.vulnerability.clone(),
            aliases: ids,
            component_purl: purl,
            component_name: f.component_name.clone(),
            component_version: f.component_version.clone(),
            triage: f.triage.clone(),
            source_url: Some(format!("https://osv.dev/vulnerability/{}", f.advisory_id)),
        });
    }
    let doc = VexExport {
        id: format!("urn:uuid:{}", uuid::Uuid::now_v7()),
        author: store.caller().actor.clone(),
        timestamp: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        product: VexExportProduct {
            name: offering.data.name.clone(),
            version: stored_release.data.version.clone(),
            purl: None,
        },
        statements,
    };
    let slug: String = offering
        .data
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    Ok(match format {
        VexExportFormat::CycloneDx => crate::transparency::Export {
            bytes: write_cyclonedx_vex(&doc).into_bytes(),
            media_type: "application/vnd.cyclonedx+json",
            file_name: format!("{slug}-{}.vex.cdx.json", stored_release.data.version),
        },
        VexExportFormat::OpenVex => crate::transparency::Export {
            bytes: write_openvex(&doc).into_bytes(),
            media_type: "application/json",
            file_name: format!("{slug}-{}.openvex.json", stored_release.data.version),
        },
    })
}

/// Downloads `url` (http or https) into a temporary file, at most `max_bytes`; the caller
/// removes the file.
pub async fn download(url: &str, max_bytes: u64) -> Result<std::path::PathBuf, FeedError> {
    use std::io::Write;
    let fail = |message: String| FeedError::Source { code: "download-failed", message };
    let parsed = reqwest::Url::parse(url).map_err(|e| fail(format!("{url}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(fail(format!("{url}: only http and https addresses can be fetched")));
    }
    let client = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(15))
        .timeout(std::time::Duration::from_secs(600))
        .build()
        .map_err(|e| fail(e.to_string()))?;
    let mut response = client.get(parsed).send().await.map_err(|e| fail(format!("{url}: {e}")))?;
    if !response.status().is_success() {
        return Err(fail(format!("{url} answered {}", response.status())));
    }
    let path = std::env::temp_dir().join(format!("chainward-feed-{}.download", uuid::Uuid::now_v7()));
    let mut file = std::fs::File::create(&path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
    let mut total = 0u64;
    let result: Result<(), FeedError> = async {
        while let Some(chunk) = response.chunk().await.map_err(|e| fail(format!("{url}: {e}")))? {
            total += chunk.len() as u64;
            if total > max_bytes {
                return Err(FeedError::Source {
                    code: "download-too-large",
                    message: format!("{url} is larger than {max_bytes} bytes"),
                });
            }
            file.write_all(&chunk).map_err(|e| fail(format!("{}: {e}", path.display())))?;
        }
        Ok(())
    }
    .await;
    if let Err(error) = result {
        let _ = std::fs::remove_file(&path);
        return Err(error);
    }
    Ok(path)
}

/// A scan as SARIF 2.1.0; `artifact` names the scanned file.
pub fn scan_sarif(report: &ScanReport, artifact: &str) -> String {
    use chainward_formats::sarif::{SarifFinding, SarifTool, write_sarif};
    let tool = SarifTool {
        name: "chainward".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        information_uri: "https://example.invalid/chainward".into(),
    };
    let findings: Vec<SarifFinding> = report
        .findings
        .iter()
        .map(|f| SarifFinding {
            vulnerability: f.vulnerability.clone(),
            advisory_id: f.id.clone(),
            aliases: f.aliases.clone(),
            summary: f.summary.clone(),
            severity: f.severity.clone(),
            cvss_score: f.cvss_score,
            kev: f.kev,
            purl: f.purl.clone(),
            component: match &f.version {
                Some(version) => format!("{}@{version}", f.name),
                None => f.name.clone(),
            },
            verdict: f.verdict.clone(),
            reason: f.reason.clone(),
            fixed: f.fixed.clone(),
        })
        .collect();
    write_sarif(&tool, artifact, &findings)
}

/// The `--fail-on` threshold of a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Any affected finding of at least this severity rank (1 low … 4 critical).
    Severity(i64),
    /// Any affected finding in the KEV catalogue.
    Kev,
}

impl std::str::FromStr for FailOn {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "kev" => Ok(FailOn::Kev),
            "low" => Ok(FailOn::Severity(1)),
            "medium" | "moderate" => Ok(FailOn::Severity(2)),
            "high" => Ok(FailOn::Severity(3)),
            "critical" => Ok(FailOn::Severity(4)),
            other => Err(format!("unknown --fail-on {other:?}; expected low, medium, high, critical or kev")),
        }
    }
}

impl FailOn {
    /// Whether `report` crosses the threshold: an affected finding at or above it. A finding
    /// whose feed gives no severity (most Go advisories) crosses `low`, the "anything
    /// affected" threshold, and no higher one.
    pub fn crossed_by(self, report: &ScanReport) -> bool {
        report.findings.iter().filter(|f| f.verdict == "affected").any(|f| match self {
            FailOn::Kev => f.kev,
            FailOn::Severity(rank) => {
                if f.severity.is_none() {
                    rank <= 1
                } else {
                    chainward_store::monitoring::severity_rank(f.severity.as_deref()) >= rank
                }
            }
        })
    }
}
