//! Monitoring in the store: advisories as the feeds publish them (the OSV record kept
//! whole), the packages they name (the index by ecosystem and package that re-matching
//! uses), the ids each is known by, the CISA KEV catalogue, feed import reports, findings
//! (component × vulnerability per release) with their VEX triage state and its history,
//! offering-wide decisions carried to new releases, and "new finding" events.
//!
//! The store does no matching: the monitor (`chainward_server::monitoring`) reads
//! components and advisories, matches them with `chainward_core::vuln::matching`, and hands
//! the outcome back as [`MatchRun`]s, which are applied in one transaction.
//! The queries are written once in [`monitoring_fns`], expanded per backend.

use chainward_core::model::{ComponentId, OfferingId, ReleaseId, SupplierId};
use chainward_core::vuln::vex::Triage;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// An OSV package key as stored: (OSV ecosystem, normalised name).
pub type PackageRef = (String, String);

/// An advisory to store (insert, or replace when its `modified` is newer).
#[derive(Debug, Clone, PartialEq)]
pub struct NewAdvisory {
    /// The id as the feed names it.
    pub id: String,
    /// Where it came from (`osv:PyPI.zip`, a URL).
    pub source: String,
    /// RFC 3339 time of its last change.
    pub modified: String,
    /// RFC 3339 time of publication.
    pub published: Option<String>,
    /// Set when withdrawn.
    pub withdrawn: Option<String>,
    /// One-line summary.
    pub summary: Option<String>,
    /// Other ids.
    pub aliases: Vec<String>,
    /// `critical`, `high`, `medium`, `low`, `none`.
    pub severity: Option<String>,
    /// The chosen CVSS base score.
    pub cvss_score: Option<f64>,
    /// Its vector.
    pub cvss_vector: Option<String>,
    /// Every score computed, as JSON.
    pub scores: serde_json::Value,
    /// The packages it names (normalised).
    pub packages: Vec<PackageRef>,
    /// The original record.
    pub raw: String,
}

/// What storing a batch of advisories did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AdvisoryUpsert {
    /// Ids not stored before.
    pub new: Vec<String>,
    /// Ids stored before with an older `modified`, now replaced.
    pub updated: Vec<String>,
    /// Records whose stored copy is as new or newer: skipped.
    pub n_unchanged: u64,
}

/// A stored advisory, without its record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdvisorySummary {
    /// Its id.
    pub id: String,
    /// Where it came from.
    pub source: String,
    /// Last change.
    pub modified: String,
    /// Publication.
    pub published: Option<String>,
    /// Withdrawal.
    pub withdrawn: Option<String>,
    /// Summary.
    pub summary: Option<String>,
    /// Other ids.
    pub aliases: Vec<String>,
    /// Severity name.
    pub severity: Option<String>,
    /// CVSS base score.
    pub cvss_score: Option<f64>,
    /// CVSS vector.
    pub cvss_vector: Option<String>,
}

/// One entry of the CISA Known Exploited Vulnerabilities catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevRecord {
    /// The CVE id.
    pub cve_id: String,
    /// Vendor or project.
    pub vendor_project: String,
    /// Product.
    pub product: String,
    /// Name of the vulnerability.
    pub vulnerability_name: String,
    /// When CISA added it (YYYY-MM-DD).
    pub date_added: String,
    /// When US federal agencies must have acted (YYYY-MM-DD).
    pub due_date: Option<String>,
    /// `Known` or `Unknown`: use in ransomware campaigns.
    pub ransomware: String,
    /// What to do.
    pub required_action: String,
    /// Description.
    pub short_description: String,
    /// Notes and links.
    pub notes: String,
}

/// What storing the KEV catalogue did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KevUpsert {
    /// Entries not stored before.
    pub n_new: u64,
    /// Entries stored before and changed.
    pub n_updated: u64,
    /// Findings whose KEV flag is now set.
    pub n_findings_flagged: u64,
}

/// A distinct component as matching sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageComponent {
    /// The distinct component.
    pub component: ComponentId,
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: Option<String>,
    /// Its package URL.
    pub purl: Option<String>,
}

/// One finding as matching produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFinding {
    /// The component.
    pub component: ComponentId,
    /// The vulnerability (alias group key, e.g. the CVE id).
    pub vulnerability: String,
    /// The advisory that decided it, as the feed names it.
    pub advisory_id: String,
    /// `affected`, `not_evaluable` or `unknown_version`.
    pub verdict: String,
    /// Why not evaluable, which range matched.
    pub reason: Option<String>,
    /// Severity name.
    pub severity: Option<String>,
    /// CVSS base score.
    pub cvss_score: Option<f64>,
    /// In the KEV catalogue.
    pub kev: bool,
}

/// The outcome of matching one release (or some of its components) against advisories.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchRun {
    /// The release.
    pub release: ReleaseId,
    /// The components this run re-evaluated; `None` for the whole release. Findings of
    /// these components that the run does not produce become inactive.
    pub components: Option<Vec<ComponentId>>,
    /// The findings.
    pub findings: Vec<NewFinding>,
}

/// What applying match runs did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MatchOutcome {
    /// Findings never seen before (each got a `new_finding` event).
    pub n_new: u64,
    /// Findings seen again (verdict, severity or KEV refreshed).
    pub n_seen_again: u64,
    /// Findings no longer produced: now inactive.
    pub n_gone: u64,
    /// New findings that took an earlier decision for the same offering, package version
    /// and vulnerability.
    pub n_carried: u64,
}

/// A finding with what a reader needs to show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Its id.
    pub id: Uuid,
    /// The release.
    pub release: ReleaseId,
    /// That release's version.
    pub release_version: String,
    /// The offering.
    pub offering: OfferingId,
    /// The offering's name.
    pub offering_name: String,
    /// The offering's supplier.
    pub supplier: SupplierId,
    /// The supplier's name.
    pub supplier_name: String,
    /// The component.
    pub component: ComponentId,
    /// Its name.
    pub component_name: String,
    /// Its version.
    pub component_version: Option<String>,
    /// Its package URL.
    pub purl: Option<String>,
    /// The vulnerability (alias group key).
    pub vulnerability: String,
    /// The advisory that decided it.
    pub advisory_id: String,
    /// `affected`, `not_evaluable` or `unknown_version`.
    pub verdict: String,
    /// Why.
    pub reason: Option<String>,
    /// Severity name.
    pub severity: Option<String>,
    /// CVSS base score.
    pub cvss_score: Option<f64>,
    /// In the KEV catalogue.
    pub kev: bool,
    /// Whether the latest match still produces it.
    pub active: bool,
    /// The triage decision.
    pub triage: Triage,
    /// Who decided last.
    pub status_by: Option<String>,
    /// When.
    #[serde(with = "time::serde::rfc3339::option")]
    pub status_at: Option<OffsetDateTime>,
    /// First matched.
    #[serde(with = "time::serde::rfc3339")]
    pub first_seen: OffsetDateTime,
    /// Last matched.
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen: OffsetDateTime,
}

/// One change of a finding's triage state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriageEntry {
    /// The decision.
    pub triage: Triage,
    /// `user`, `offering` (applied to every release), `carried` (from an earlier
    /// release), `vex:<document>`.
    pub source: String,
    /// Who.
    pub actor: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Filters for listing findings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindingFilter {
    /// Only this offering's.
    pub offering: Option<OfferingId>,
    /// Only this release's.
    pub release: Option<ReleaseId>,
    /// Only this supplier's offerings'.
    pub supplier: Option<SupplierId>,
    /// Only this vulnerability (any of its ids: the group key, an advisory id, an alias).
    pub vulnerability: Option<String>,
    /// At least this severity rank (see [`severity_rank`]).
    pub min_severity: Option<i64>,
    /// Only those in (true) or not in (false) the KEV catalogue.
    pub kev: Option<bool>,
    /// Only this triage status.
    pub status: Option<String>,
    /// Only this verdict.
    pub verdict: Option<String>,
    /// Include findings the latest match no longer produces.
    pub include_inactive: bool,
    /// Text in the component name, purl or vulnerability id.
    pub search: Option<String>,
}

/// How far a triage decision reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriageScope {
    /// The findings named.
    Finding,
    /// Also every other release of each finding's offering with the same package version
    /// and vulnerability.
    Offering,
}

/// A triage decision for some findings.
#[derive(Debug, Clone, PartialEq)]
pub struct TriageRequest {
    /// The findings.
    pub findings: Vec<Uuid>,
    /// The decision (checked with [`Triage::check`]).
    pub triage: Triage,
    /// How far it reaches.
    pub scope: TriageScope,
    /// `user`, `vex:<document>`, …
    pub source: String,
}

/// What a triage request changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TriageOutcome {
    /// Findings whose state changed.
    pub n_changed: u64,
    /// Of those, findings of other releases reached by the offering scope.
    pub n_other_releases: u64,
}

/// A feed import's report, to record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedImport {
    /// Its id.
    pub id: Uuid,
    /// `osv` or `kev`.
    pub feed: String,
    /// The file, folder or URL.
    pub source: String,
    /// Records read.
    pub n_records: u64,
    /// New advisories (or KEV entries).
    pub n_new: u64,
    /// Replaced by a newer version.
    pub n_updated: u64,
    /// Skipped: not newer than the stored copy.
    pub n_unchanged: u64,
    /// Records refused.
    pub n_errors: u64,
    /// New findings the import caused.
    pub n_new_findings: u64,
    /// Details: the per-record errors (at most 1,000) and counts.
    pub report: serde_json::Value,
    /// Who.
    pub imported_by: String,
    /// When it began.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// When it ended.
    #[serde(with = "time::serde::rfc3339")]
    pub finished_at: OffsetDateTime,
}

/// What the store holds of the feeds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FeedStatus {
    /// Advisories by source: (source, advisories, withdrawn, newest `modified`).
    pub sources: Vec<FeedSource>,
    /// KEV entries.
    pub n_kev: u64,
    /// The newest KEV `date_added`.
    pub kev_newest: Option<String>,
    /// Findings: active, and active affected.
    pub n_findings_active: u64,
    /// Latest imports, newest first.
    pub imports: Vec<FeedImport>,
}

/// One advisory source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedSource {
    /// The source.
    pub source: String,
    /// Advisories.
    pub n_advisories: u64,
    /// Of which withdrawn.
    pub n_withdrawn: u64,
    /// Newest `modified`.
    pub newest_modified: Option<String>,
}

/// A stored "new finding" event, for the notification work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingEvent {
    /// Sequence number (increasing).
    pub seq: i64,
    /// `new_finding`.
    pub kind: String,
    /// The finding.
    pub finding: Uuid,
    /// Its release.
    pub release: ReleaseId,
    /// The vulnerability.
    pub vulnerability: String,
    /// Severity.
    pub severity: Option<String>,
    /// KEV.
    pub kev: bool,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Rank of a severity name for ordering and "at least" filters: critical 4, high 3,
/// medium 2, low 1, none and unknown 0.
pub fn severity_rank(severity: Option<&str>) -> i64 {
    match severity {
        Some("critical") => 4,
        Some("high") => 3,
        Some("medium") => 2,
        Some("low") => 1,
        _ => 0,
    }
}

/// Writes the monitoring half of the [`crate::Store`] implementation of a backend.
macro_rules! monitoring_fns {
    ($store:ident, $db:ty, $begin_write:literal, $begin_read:literal) => {
        #[derive(sqlx::FromRow)]
        struct FindingRec {
            id: Uuid,
            release_id: Uuid,
            release_version: String,
            offering_id: Uuid,
            offering_name: String,
            supplier_id: Uuid,
            supplier_name: String,
            component_id: Uuid,
            component_name: String,
            component_version: Option<String>,
            purl: Option<String>,
            vulnerability: String,
            advisory_id: String,
            verdict: String,
            reason: Option<String>,
            severity: Option<String>,
            cvss_score: Option<f64>,
            kev: i64,
            active: i64,
            status: String,
            justification: Option<String>,
            response: Option<String>,
            detail: Option<String>,
            status_by: Option<String>,
            status_at: Option<time::OffsetDateTime>,
            first_seen: time::OffsetDateTime,
            last_seen: time::OffsetDateTime,
        }

        const FINDING_SELECT: &str = "SELECT f.id, f.release_id, r.version AS release_version, o.id AS offering_id, \
             o.name AS offering_name, s.id AS supplier_id, s.name AS supplier_name, c.id AS component_id, \
             c.name AS component_name, c.version AS component_version, c.purl, f.vulnerability, f.advisory_id, \
             f.verdict, f.reason, f.severity, f.cvss_score, f.kev, f.active, f.status, f.justification, f.response, \
             f.detail, f.status_by, f.status_at, f.first_seen, f.last_seen \
             FROM findings f JOIN releases r ON r.id = f.release_id JOIN offerings o ON o.id = r.offering_id \
             JOIN suppliers s ON s.id = o.supplier_id JOIN components c ON c.id = f.component_id";

        /// The latest SBOM document of release `d.release_id`, for a `WHERE d.id = …` test.
        const LATEST_DOCUMENT: &str = "(SELECT d2.id FROM sbom_documents d2 WHERE d2.release_id = d.release_id \
             ORDER BY d2.uploaded_at DESC, d2.id DESC LIMIT 1)";

        fn stored_triage(
            status: &str,
            justification: Option<&str>,
            response: Option<&str>,
            detail: Option<String>,
        ) -> std::result::Result<chainward_core::vuln::vex::Triage, StoreError> {
            use chainward_core::vuln::vex::{Justification, Response, Triage, VexStatus};
            let bad = |e: String| StoreError::Database(format!("stored triage is unreadable: {e}"));
            Ok(Triage {
                status: status.parse::<VexStatus>().map_err(bad)?,
                justification: justification.map(str::parse::<Justification>).transpose().map_err(bad)?,
                response: response.map(str::parse::<Response>).transpose().map_err(bad)?,
                detail,
            })
        }

        fn finding_of(r: FindingRec) -> Result<Finding> {
            let triage = stored_triage(&r.status, r.justification.as_deref(), r.response.as_deref(), r.detail)?;
            Ok(Finding {
                id: r.id,
                release: ReleaseId(r.release_id),
                release_version: r.release_version,
                offering: OfferingId(r.offering_id),
                offering_name: r.offering_name,
                supplier: SupplierId(r.supplier_id),
                supplier_name: r.supplier_name,
                component: ComponentId(r.component_id),
                component_name: r.component_name,
                component_version: r.component_version,
                purl: r.purl,
                vulnerability: r.vulnerability,
                advisory_id: r.advisory_id,
                verdict: r.verdict,
                reason: r.reason,
                severity: r.severity,
                cvss_score: r.cvss_score,
                kev: r.kev != 0,
                active: r.active != 0,
                triage,
                status_by: r.status_by,
                status_at: r.status_at,
                first_seen: r.first_seen,
                last_seen: r.last_seen,
            })
        }

        #[derive(sqlx::FromRow)]
        struct AdvisoryRec {
            id: String,
            source: String,
            modified: String,
            published: Option<String>,
            withdrawn: Option<String>,
            summary: Option<String>,
            aliases: String,
            severity: Option<String>,
            cvss_score: Option<f64>,
            cvss_vector: Option<String>,
        }

        const ADVISORY_COLUMNS: &str =
            "id, source, modified, published, withdrawn, summary, aliases, severity, cvss_score, cvss_vector";

        fn advisory_of(r: AdvisoryRec) -> AdvisorySummary {
            AdvisorySummary {
                aliases: serde_json::from_str(&r.aliases).unwrap_or_default(),
                id: r.id,
                source: r.source,
                modified: r.modified,
                published: r.published,
                withdrawn: r.withdrawn,
                summary: r.summary,
                severity: r.severity,
                cvss_score: r.cvss_score,
                cvss_vector: r.cvss_vector,
            }
        }

        #[derive(sqlx::FromRow)]
        struct FeedImportRec {
            id: Uuid,
            feed: String,
            source: String,
            n_records: i64,
            n_new: i64,
            n_updated: i64,
            n_unchanged: i64,
            n_errors: i64,
            n_new_findings: i64,
            report: String,
            imported_by: String,
            started_at: time::OffsetDateTime,
            finished_at: time::OffsetDateTime,
        }

        fn feed_import_of(r: FeedImportRec) -> FeedImport {
            FeedImport {
                id: r.id,
                feed: r.feed,
                source: r.source,
                n_records: count(r.n_records),
                n_new: count(r.n_new),
                n_updated: count(r.n_updated),
                n_unchanged: count(r.n_unchanged),
                n_errors: count(r.n_errors),
                n_new_findings: count(r.n_new_findings),
                report: serde_json::from_str(&r.report).unwrap_or(serde_json::Value::Null),
                imported_by: r.imported_by,
                started_at: r.started_at,
                finished_at: r.finished_at,
            }
        }

        fn flag(value: bool) -> i64 {
            i64::from(value)
        }

        fn json_text<T: serde::Serialize>(value: &T) -> R<String> {
            serde_json::to_string(value).map_err(|e| Fail::from(StoreError::Database(e.to_string())))
        }

        /// Sets a finding's triage and appends it to the history; returns the finding's
        /// state before, for the audit entry.
        async fn set_triage(
            c: &mut Conn,
            caller: &Caller,
            finding: Uuid,
            triage: &chainward_core::vuln::vex::Triage,
            source: &str,
        ) -> R<()> {
            let before: Option<(String, Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT status, justification, response, detail FROM findings WHERE id = $1",
            )
            .bind(finding)
            .fetch_optional(&mut *c)
            .await?;
            let Some(before) = before else { return Err(Fail::not_found("id", "finding", finding)) };
            let before = stored_triage(&before.0, before.1.as_deref(), before.2.as_deref(), before.3)?;
            let now = now();
            sqlx::query(
                "UPDATE findings SET status = $1, justification = $2, response = $3, detail = $4, status_by = $5, \
                 status_at = $6 WHERE id = $7",
            )
            .bind(triage.status.as_str())
            .bind(triage.justification.map(|j| j.as_str()))
            .bind(triage.response.map(|r| r.as_str()))
            .bind(&triage.detail)
            .bind(&caller.actor)
            .bind(now)
            .bind(finding)
            .execute(&mut *c)
            .await?;
            history_entry(c, finding, triage, source, &caller.actor, now).await?;
            append_audit(c, caller, change("triage", "finding", finding, Some(&before), Some(triage))).await?;
            Ok(())
        }

        async fn history_entry(
            c: &mut Conn,
            finding: Uuid,
            triage: &chainward_core::vuln::vex::Triage,
            source: &str,
            actor: &str,
            at: time::OffsetDateTime,
        ) -> R<()> {
            sqlx::query(
                "INSERT INTO finding_history (finding_id, seq, status, justification, response, detail, source, actor, at) \
                 SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8 FROM finding_history WHERE finding_id = $1",
            )
            .bind(finding)
            .bind(triage.status.as_str())
            .bind(triage.justification.map(|j| j.as_str()))
            .bind(triage.response.map(|r| r.as_str()))
            .bind(&triage.detail)
            .bind(source)
            .bind(actor)
            .bind(at)
            .execute(&mut *c)
            .await?;
            Ok(())
        }

        impl $store {
            async fn m_upsert_advisories(&self, batch: Vec<NewAdvisory>) -> Result<AdvisoryUpsert> {
                unscoped(&self.caller, "import advisories")?;
                // The newest record of each id within the batch.
                let mut newest: HashMap<String, NewAdvisory> = HashMap::with_capacity(batch.len());
                for advisory in batch {
                    match newest.get(&advisory.id) {
                        Some(kept) if kept.modified >= advisory.modified => {}
                        _ => {
                            newest.insert(advisory.id.clone(), advisory);
                        }
                    }
                }
                let mut tx = self.pool.begin_with($begin_write).await?;
                let ids: Vec<String> = newest.keys().cloned().collect();
                let mut stored: HashMap<String, String> = HashMap::new();
                for chunk in ids.chunks(500) {
                    let sql = format!("SELECT id, modified FROM advisories WHERE id IN ({})", placeholders(1, chunk.len()));
                    let mut q = sqlx::query_as::<_, (String, String)>(AssertSqlSafe(sql));
                    for id in chunk {
                        q = q.bind(id.clone());
                    }
                    stored.extend(q.fetch_all(&mut *tx).await?);
                }
                let mut outcome = AdvisoryUpsert::default();
                let mut write: Vec<NewAdvisory> = Vec::new();
                let mut ordered: Vec<NewAdvisory> = newest.into_values().collect();
                ordered.sort_by(|a, b| a.id.cmp(&b.id));
                for advisory in ordered {
                    match stored.get(&advisory.id) {
                        Some(modified) if modified.as_str() >= advisory.modified.as_str() => outcome.n_unchanged += 1,
                        Some(_) => {
                            outcome.updated.push(advisory.id.clone());
                            write.push(advisory);
                        }
                        None => {
                            outcome.new.push(advisory.id.clone());
                            write.push(advisory);
                        }
                    }
                }
                for chunk in outcome.updated.chunks(500) {
                    for table in ["advisory_packages", "advisory_ids"] {
                        let sql = format!("DELETE FROM {table} WHERE advisory_id IN ({})", placeholders(1, chunk.len()));
                        let mut q = sqlx::query(AssertSqlSafe(sql));
                        for id in chunk {
                            q = q.bind(id.clone());
                        }
                        q.execute(&mut *tx).await?;
                    }
                    let sql = format!("DELETE FROM advisories WHERE id IN ({})", placeholders(1, chunk.len()));
                    let mut q = sqlx::query(AssertSqlSafe(sql));
                    for id in chunk {
                        q = q.bind(id.clone());
                    }
                    q.execute(&mut *tx).await?;
                }
                let now = now();
                for chunk in write.chunks(200) {
                    let rows = chunk
                        .iter()
                        .map(|a| Ok((a, json_text(&a.aliases)?, json_text(&a.scores)?)))
                        .collect::<R<Vec<_>>>()?;
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO advisories (id, source, modified, published, withdrawn, summary, aliases, severity, \
                         cvss_score, cvss_vector, scores, raw, imported_at) ",
                    );
                    insert.push_values(rows, |mut b, (a, aliases, scores)| {
                        b.push_bind(a.id.clone())
                            .push_bind(a.source.clone())
                            .push_bind(a.modified.clone())
                            .push_bind(a.published.clone())
                            .push_bind(a.withdrawn.clone())
                            .push_bind(a.summary.clone())
                            .push_bind(aliases)
                            .push_bind(a.severity.clone())
                            .push_bind(a.cvss_score)
                            .push_bind(a.cvss_vector.clone())
                            .push_bind(scores)
                            .push_bind(a.raw.clone())
                            .push_bind(now);
                    });
                    insert.build().execute(&mut *tx).await?;
                }
                let mut packages: Vec<(&str, &str, &str)> = Vec::new();
                let mut known_as: Vec<(&str, &str)> = Vec::new();
                for a in &write {
                    let mut seen = HashSet::new();
                    for (ecosystem, name) in &a.packages {
                        if seen.insert((ecosystem.as_str(), name.as_str())) {
                            packages.push((ecosystem, name, &a.id));
                        }
                    }
                    let mut ids = HashSet::new();
                    for id in std::iter::once(&a.id).chain(a.aliases.iter()) {
                        if ids.insert(id.as_str()) {
                            known_as.push((id, &a.id));
                        }
                    }
                }
                for chunk in packages.chunks(1000) {
                    let mut insert =
                        sqlx::QueryBuilder::<$db>::new("INSERT INTO advisory_packages (ecosystem, name, advisory_id) ");
                    insert.push_values(chunk, |mut b, (ecosystem, name, id)| {
                        b.push_bind(ecosystem.to_string()).push_bind(name.to_string()).push_bind(id.to_string());
                    });
                    insert.build().execute(&mut *tx).await?;
                }
                for chunk in known_as.chunks(1000) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new("INSERT INTO advisory_ids (id, advisory_id) ");
                    insert.push_values(chunk, |mut b, (id, advisory)| {
                        b.push_bind(id.to_string()).push_bind(advisory.to_string());
                    });
                    insert.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(outcome)
            }

            async fn m_advisories_named(&self, names: &[String]) -> Result<Vec<(String, String)>> {
                let mut c = self.pool.acquire().await?;
                let mut out: Vec<(String, String)> = Vec::new();
                let mut seen = HashSet::new();
                for chunk in names.chunks(500) {
                    let sql = format!(
                        "SELECT a.id, a.raw FROM advisories a WHERE a.id IN \
                         (SELECT advisory_id FROM advisory_packages WHERE name IN ({}))",
                        placeholders(1, chunk.len())
                    );
                    let mut q = sqlx::query_as::<_, (String, String)>(AssertSqlSafe(sql));
                    for name in chunk {
                        q = q.bind(name.clone());
                    }
                    for row in q.fetch_all(&mut *c).await? {
                        if seen.insert(row.0.clone()) {
                            out.push(row);
                        }
                    }
                }
                Ok(out)
            }

            async fn m_advisories_page(&self, after: Option<&str>, limit: u64) -> Result<Vec<(String, String)>> {
                let mut c = self.pool.acquire().await?;
                let rows = sqlx::query_as(
                    "SELECT id, raw FROM advisories WHERE ($1 IS NULL OR id > $1) ORDER BY id LIMIT $2",
                )
                .bind(after)
                .bind(i64::try_from(limit.min(10_000)).unwrap_or(10_000))
                .fetch_all(&mut *c)
                .await?;
                Ok(rows)
            }

            async fn m_advisory(&self, id: &str) -> Result<Option<(AdvisorySummary, String)>> {
                let mut c = self.pool.acquire().await?;
                let row: Option<AdvisoryRec> =
                    sqlx::query_as(AssertSqlSafe(format!("SELECT {ADVISORY_COLUMNS} FROM advisories WHERE id = $1")))
                        .bind(id)
                        .fetch_optional(&mut *c)
                        .await?;
                let Some(row) = row else { return Ok(None) };
                let raw: (String,) =
                    sqlx::query_as("SELECT raw FROM advisories WHERE id = $1").bind(id).fetch_one(&mut *c).await?;
                Ok(Some((advisory_of(row), raw.0)))
            }

            async fn m_advisories_known_as(&self, id: &str) -> Result<Vec<AdvisorySummary>> {
                let mut c = self.pool.acquire().await?;
                let rows: Vec<AdvisoryRec> = sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT {ADVISORY_COLUMNS} FROM advisories WHERE id IN \
                     (SELECT advisory_id FROM advisory_ids WHERE id = $1) ORDER BY id"
                )))
                .bind(id)
                .fetch_all(&mut *c)
                .await?;
                Ok(rows.into_iter().map(advisory_of).collect())
            }

            async fn m_kev_ids(&self) -> Result<HashSet<String>> {
                let mut c = self.pool.acquire().await?;
                let rows: Vec<(String,)> = sqlx::query_as("SELECT cve_id FROM kev_entries").fetch_all(&mut *c).await?;
                Ok(rows.into_iter().map(|(id,)| id).collect())
            }

            async fn m_kev_entry(&self, cve: &str) -> Result<Option<KevRecord>> {
                let mut c = self.pool.acquire().await?;
                let row: Option<(String, String, String, String, String, Option<String>, String, String, String, String)> =
                    sqlx::query_as(
                        "SELECT cve_id, vendor_project, product, vulnerability_name, date_added, due_date, ransomware, \
                         required_action, short_description, notes FROM kev_entries WHERE cve_id = $1",
                    )
                    .bind(cve)
                    .fetch_optional(&mut *c)
                    .await?;
                Ok(row.map(|r| KevRecord {
                    cve_id: r.0,
                    vendor_project: r.1,
                    product: r.2,
                    vulnerability_name: r.3,
                    date_added: r.4,
                    due_date: r.5,
                    ransomware: r.6,
                    required_action: r.7,
                    short_description: r.8,
                    notes: r.9,
                }))
            }

            async fn m_upsert_kev(&self, entries: Vec<KevRecord>) -> Result<KevUpsert> {
                unscoped(&self.caller, "import the KEV catalogue")?;
                let mut tx = self.pool.begin_with($begin_write).await?;
                let stored: Vec<(String, String, Option<String>, String, String)> = sqlx::query_as(
                    "SELECT cve_id, date_added, due_date, ransomware, notes FROM kev_entries",
                )
                .fetch_all(&mut *tx)
                .await?;
                let stored: HashMap<String, (String, Option<String>, String, String)> =
                    stored.into_iter().map(|(id, a, d, r, n)| (id, (a, d, r, n))).collect();
                let mut outcome = KevUpsert::default();
                let mut latest: HashMap<String, KevRecord> = HashMap::new();
                for entry in entries {
                    latest.insert(entry.cve_id.clone(), entry);
                }
                let mut write = Vec::new();
                for entry in latest.into_values() {
                    match stored.get(&entry.cve_id) {
                        None => {
                            outcome.n_new += 1;
                            write.push(entry);
                        }
                        Some((added, due, ransomware, notes))
                            if *added != entry.date_added
                                || *due != entry.due_date
                                || *ransomware != entry.ransomware
                                || *notes != entry.notes =>
                        {
                            outcome.n_updated += 1;
                            write.push(entry);
                        }
                        Some(_) => {}
                    }
                }
                let now = now();
                for chunk in write.chunks(200) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO kev_entries (cve_id, vendor_project, product, vulnerability_name, date_added, \
                         due_date, ransomware, required_action, short_description, notes, imported_at) ",
                    );
                    insert.push_values(chunk, |mut b, e| {
                        b.push_bind(e.cve_id.clone())
                            .push_bind(e.vendor_project.clone())
                            .push_bind(e.product.clone())
                            .push_bind(e.vulnerability_name.clone())
                            .push_bind(e.date_added.clone())
                            .push_bind(e.due_date.clone())
                            .push_bind(e.ransomware.clone())
                            .push_bind(e.required_action.clone())
                            .push_bind(e.short_description.clone())
                            .push_bind(e.notes.clone())
                            .push_bind(now);
                    });
                    insert.push(
                        " ON CONFLICT (cve_id) DO UPDATE SET vendor_project = excluded.vendor_project, \
                         product = excluded.product, vulnerability_name = excluded.vulnerability_name, \
                         date_added = excluded.date_added, due_date = excluded.due_date, ransomware = excluded.ransomware, \
                         required_action = excluded.required_action, short_description = excluded.short_description, \
                         notes = excluded.notes, imported_at = excluded.imported_at",
                    );
                    insert.build().execute(&mut *tx).await?;
                }
                outcome.n_findings_flagged = sqlx::query(
                    "UPDATE findings SET kev = 1 WHERE kev = 0 AND (vulnerability IN (SELECT cve_id FROM kev_entries) \
                     OR advisory_id IN (SELECT ai.advisory_id FROM advisory_ids ai JOIN kev_entries k ON k.cve_id = ai.id))",
                )
                .execute(&mut *tx)
                .await?
                .rows_affected();
                tx.commit().await?;
                Ok(outcome)
            }

            async fn m_components_without_package(&self, limit: u64) -> Result<Vec<PackageComponent>> {
                let mut c = self.pool.acquire().await?;
                let rows: Vec<(Uuid, String, Option<String>, Option<String>)> = sqlx::query_as(
                    "SELECT id, name, version, purl FROM components WHERE osv_ecosystem IS NULL ORDER BY id LIMIT $1",
                )
                .bind(i64::try_from(limit.min(10_000)).unwrap_or(10_000))
                .fetch_all(&mut *c)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, name, version, purl)| PackageComponent { component: ComponentId(id), name, version, purl })
                    .collect())
            }

            async fn m_set_component_packages(&self, rows: Vec<(ComponentId, Option<PackageRef>)>) -> Result<()> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                for (component, package) in rows {
                    let (ecosystem, name) = package.unwrap_or_default();
                    sqlx::query("UPDATE components SET osv_ecosystem = $1, osv_name = $2 WHERE id = $3")
                        .bind(ecosystem)
                        .bind(name)
                        .bind(component.0)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn m_release_components(&self, release: ReleaseId) -> Result<Vec<PackageComponent>> {
                let mut c = self.pool.acquire().await?;
                require_release(&mut c, release, self.reach()).await?;
                let rows: Vec<(Uuid, String, Option<String>, Option<String>)> = sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT DISTINCT c.id, c.name, c.version, c.purl FROM sbom_documents d \
                     JOIN sbom_components sc ON sc.sbom_id = d.id JOIN components c ON c.id = sc.component_id \
                     WHERE d.release_id = $1 AND d.id = {LATEST_DOCUMENT} ORDER BY c.id"
                )))
                .bind(release.0)
                .fetch_all(&mut *c)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, name, version, purl)| PackageComponent { component: ComponentId(id), name, version, purl })
                    .collect())
            }

            async fn m_release_components_named(&self, names: &[String]) -> Result<Vec<(ReleaseId, PackageComponent)>> {
                unscoped(&self.caller, "re-match every release")?;
                let mut c = self.pool.acquire().await?;
                let mut out = Vec::new();
                for chunk in names.chunks(500) {
                    let sql = format!(
                        "SELECT DISTINCT d.release_id, c.id, c.name, c.version, c.purl FROM components c \
                         JOIN sbom_components sc ON sc.component_id = c.id JOIN sbom_documents d ON d.id = sc.sbom_id \
                         WHERE c.osv_name IN ({}) AND d.id = {LATEST_DOCUMENT}",
                        placeholders(1, chunk.len())
                    );
                    let mut q = sqlx::query_as::<_, (Uuid, Uuid, String, Option<String>, Option<String>)>(AssertSqlSafe(sql));
                    for name in chunk {
                        q = q.bind(name.clone());
                    }
                    for (release, id, name, version, purl) in q.fetch_all(&mut *c).await? {
                        out.push((ReleaseId(release), PackageComponent { component: ComponentId(id), name, version, purl }));
                    }
                }
                out.sort_by(|a, b| (a.0, a.1.component).cmp(&(b.0, b.1.component)));
                out.dedup_by(|a, b| a.0 == b.0 && a.1.component == b.1.component);
                Ok(out)
            }

            async fn m_apply_matches(&self, runs: Vec<MatchRun>) -> Result<MatchOutcome> {
                let reach = self.reach();
                let mut tx = self.pool.begin_with($begin_write).await?;
                let mut outcome = MatchOutcome::default();
                let now = now();
                for run in runs {
                    let release = require_release(&mut tx, run.release, reach).await?;
                    let offering = release.data.offering.0;
                    let existing: Vec<(Uuid, Uuid, String, i64)> = sqlx::query_as(
                        "SELECT id, component_id, vulnerability, active FROM findings WHERE release_id = $1",
                    )
                    .bind(run.release.0)
                    .fetch_all(&mut *tx)
                    .await?;
                    let mut existing: HashMap<(Uuid, String), (Uuid, bool)> =
                        existing.into_iter().map(|(id, c, v, a)| ((c, v), (id, a != 0))).collect();
                    let decisions: Vec<(Uuid, String, String, Option<String>, Option<String>, Option<String>, String)> =
                        sqlx::query_as(
                            "SELECT component_id, vulnerability, status, justification, response, detail, decided_by \
                             FROM triage_decisions WHERE offering_id = $1",
                        )
                        .bind(offering)
                        .fetch_all(&mut *tx)
                        .await?;
                    let decisions: HashMap<(Uuid, String), (String, Option<String>, Option<String>, Option<String>, String)> =
                        decisions.into_iter().map(|(c, v, s, j, r, d, by)| ((c, v), (s, j, r, d, by))).collect();
                    let scope: Option<HashSet<Uuid>> =
                        run.components.as_ref().map(|c| c.iter().map(|c| c.0).collect());
                    let mut produced: HashSet<(Uuid, String)> = HashSet::with_capacity(run.findings.len());
                    let mut n_changes = 0u64;
                    for f in &run.findings {
                        let key = (f.component.0, f.vulnerability.clone());
                        if !produced.insert(key.clone()) {
                            continue;
                        }
                        let rank = severity_rank(f.severity.as_deref());
                        match existing.remove(&key) {
                            Some((id, _)) => {
                                sqlx::query(
                                    "UPDATE findings SET advisory_id = $1, verdict = $2, reason = $3, severity = $4, \
                                     severity_rank = $5, cvss_score = $6, kev = $7, active = 1, last_seen = $8 WHERE id = $9",
                                )
                                .bind(&f.advisory_id)
                                .bind(&f.verdict)
                                .bind(&f.reason)
                                .bind(&f.severity)
                                .bind(rank)
                                .bind(f.cvss_score)
                                .bind(flag(f.kev))
                                .bind(now)
                                .bind(id)
                                .execute(&mut *tx)
                                .await?;
                                outcome.n_seen_again += 1;
                            }
                            None => {
                                let id = new_id();
                                let carried = decisions.get(&key);
                                let triage = match carried {
                                    Some((s, j, r, d, _)) => stored_triage(s, j.as_deref(), r.as_deref(), d.clone())?,
                                    None => chainward_core::vuln::vex::Triage {
                                        status: chainward_core::vuln::vex::VexStatus::UnderInvestigation,
                                        justification: None,
                                        response: None,
                                        detail: None,
                                    },
                                };
                                let status_by = carried.map(|c| c.4.clone());
                                sqlx::query(
                                    "INSERT INTO findings (id, release_id, component_id, vulnerability, advisory_id, verdict, \
                                     reason, severity, severity_rank, cvss_score, kev, active, status, justification, \
                                     response, detail, status_by, status_at, first_seen, last_seen) \
                                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13, $14, $15, $16, $17, $18, $18)",
                                )
                                .bind(id)
                                .bind(run.release.0)
                                .bind(f.component.0)
                                .bind(&f.vulnerability)
                                .bind(&f.advisory_id)
                                .bind(&f.verdict)
                                .bind(&f.reason)
                                .bind(&f.severity)
                                .bind(rank)
                                .bind(f.cvss_score)
                                .bind(flag(f.kev))
                                .bind(triage.status.as_str())
                                .bind(triage.justification.map(|j| j.as_str()))
                                .bind(triage.response.map(|r| r.as_str()))
                                .bind(&triage.detail)
                                .bind(&status_by)
                                .bind(carried.map(|_| now))
                                .bind(now)
                                .execute(&mut *tx)
                                .await?;
                                let source = if carried.is_some() { "carried" } else { "match" };
                                history_entry(&mut tx, id, &triage, source, &self.caller.actor, now).await?;
                                sqlx::query(
                                    "INSERT INTO finding_events (kind, finding_id, release_id, vulnerability, severity, kev, \
                                     created_at) VALUES ('new_finding', $1, $2, $3, $4, $5, $6)",
                                )
                                .bind(id)
                                .bind(run.release.0)
                                .bind(&f.vulnerability)
                                .bind(&f.severity)
                                .bind(flag(f.kev))
                                .bind(now)
                                .execute(&mut *tx)
                                .await?;
                                outcome.n_new += 1;
                                n_changes += 1;
                                if carried.is_some() {
                                    outcome.n_carried += 1;
                                }
                            }
                        }
                    }
                    for ((component, _), (id, active)) in existing {
                        if !active || scope.as_ref().is_some_and(|s| !s.contains(&component)) {
                            continue;
                        }
                        sqlx::query("UPDATE findings SET active = 0 WHERE id = $1").bind(id).execute(&mut *tx).await?;
                        outcome.n_gone += 1;
                        n_changes += 1;
                    }
                    if n_changes > 0 {
                        #[derive(serde::Serialize)]
                        struct Matched {
                            n_findings: usize,
                            whole_release: bool,
                        }
                        let after = Matched { n_findings: produced.len(), whole_release: run.components.is_none() };
                        append_audit(&mut tx, &self.caller, change("match", "release", run.release, None, Some(&after))).await?;
                    }
                }
                tx.commit().await?;
                Ok(outcome)
            }

            async fn m_list_findings(&self, filter: &FindingFilter, page: Page) -> Result<Paged<Finding>> {
                let mut c = self.pool.acquire().await?;
                let pattern = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(contains_pattern);
                let condition = " WHERE ($1 IS NULL OR o.supplier_id = $1) AND ($2 IS NULL OR o.id = $2) \
                     AND ($3 IS NULL OR r.id = $3) AND ($4 IS NULL OR o.supplier_id = $4) \
                     AND ($5 IS NULL OR f.vulnerability = $5 OR f.advisory_id = $5 \
                          OR f.advisory_id IN (SELECT advisory_id FROM advisory_ids WHERE id = $5)) \
                     AND ($6 IS NULL OR f.severity_rank >= $6) AND ($7 IS NULL OR f.kev = $7) \
                     AND ($8 IS NULL OR f.status = $8) AND ($9 IS NULL OR f.verdict = $9) AND ($10 = 1 OR f.active = 1) \
                     AND ($11 IS NULL OR LOWER(c.name) LIKE $11 ESCAPE '\\' OR LOWER(COALESCE(c.purl, '')) LIKE $11 ESCAPE '\\' \
                          OR LOWER(f.vulnerability) LIKE $11 ESCAPE '\\' OR LOWER(f.advisory_id) LIKE $11 ESCAPE '\\')";
                macro_rules! bind_filter {
                    ($q:expr) => {
                        $q.bind(self.reach())
                            .bind(filter.offering.map(|o| o.0))
                            .bind(filter.release.map(|r| r.0))
                            .bind(filter.supplier.map(|s| s.0))
                            .bind(filter.vulnerability.clone())
                            .bind(filter.min_severity)
                            .bind(filter.kev.map(flag))
                            .bind(filter.status.clone())
                            .bind(filter.verdict.clone())
                            .bind(flag(filter.include_inactive))
                            .bind(pattern.clone())
                    };
                }
                let total: (i64,) = bind_filter!(sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM findings f JOIN releases r ON r.id = f.release_id \
                     JOIN offerings o ON o.id = r.offering_id JOIN components c ON c.id = f.component_id{condition}"
                ))))
                .fetch_one(&mut *c)
                .await?;
                let (limit, offset) = limit_offset(page);
                let rows: Vec<FindingRec> = bind_filter!(sqlx::query_as(AssertSqlSafe(format!(
                    "{FINDING_SELECT}{condition} ORDER BY f.active DESC, f.kev DESC, f.severity_rank DESC, \
                     COALESCE(f.cvss_score, -1) DESC, f.first_seen DESC, f.id LIMIT $12 OFFSET $13"
                ))))
                .bind(limit)
                .bind(offset)
                .fetch_all(&mut *c)
                .await?;
                let items = rows.into_iter().map(finding_of).collect::<Result<Vec<_>>>()?;
                Ok(Paged { items, total: count(total.0) })
            }

            async fn m_get_finding(&self, id: Uuid) -> Result<(Finding, Vec<TriageEntry>)> {
                let mut c = self.pool.acquire().await?;
                let row: Option<FindingRec> = sqlx::query_as(AssertSqlSafe(format!(
                    "{FINDING_SELECT} WHERE f.id = $1 AND ($2 IS NULL OR o.supplier_id = $2)"
                )))
                .bind(id)
                .bind(self.reach())
                .fetch_optional(&mut *c)
                .await?;
                let row = row.ok_or_else(|| StoreError::NotFound { entity: "finding", reference: id.to_string() })?;
                let history: Vec<(String, Option<String>, Option<String>, Option<String>, String, String, time::OffsetDateTime)> =
                    sqlx::query_as(
                        "SELECT status, justification, response, detail, source, actor, at FROM finding_history \
                         WHERE finding_id = $1 ORDER BY seq",
                    )
                    .bind(id)
                    .fetch_all(&mut *c)
                    .await?;
                let history = history
                    .into_iter()
                    .map(|(s, j, r, d, source, actor, at)| {
                        Ok(TriageEntry { triage: stored_triage(&s, j.as_deref(), r.as_deref(), d)?, source, actor, at })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok((finding_of(row)?, history))
            }

            async fn m_triage(&self, request: TriageRequest) -> Result<TriageOutcome> {
                request
                    .triage
                    .check()
                    .map_err(|e| StoreError::Invalid(chainward_core::model::InvalidValue::new("status", e.to_string())))?;
                let reach = self.reach();
                let mut tx = self.pool.begin_with($begin_write).await?;
                let mut outcome = TriageOutcome::default();
                let mut done: HashSet<Uuid> = HashSet::new();
                let now = now();
                for id in &request.findings {
                    let row: Option<(Uuid, Uuid, String)> = sqlx::query_as(
                        "SELECT r.offering_id, f.component_id, f.vulnerability FROM findings f \
                         JOIN releases r ON r.id = f.release_id JOIN offerings o ON o.id = r.offering_id \
                         WHERE f.id = $1 AND ($2 IS NULL OR o.supplier_id = $2)",
                    )
                    .bind(*id)
                    .bind(reach)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some((offering, component, vulnerability)) = row else {
                        return Err(StoreError::NotFound { entity: "finding", reference: id.to_string() });
                    };
                    if done.insert(*id) {
                        set_triage(&mut tx, &self.caller, *id, &request.triage, &request.source).await?;
                        outcome.n_changed += 1;
                    }
                    if request.scope == TriageScope::Offering {
                        let others: Vec<(Uuid,)> = sqlx::query_as(
                            "SELECT f.id FROM findings f JOIN releases r ON r.id = f.release_id \
                             WHERE r.offering_id = $1 AND f.component_id = $2 AND f.vulnerability = $3 ORDER BY f.id",
                        )
                        .bind(offering)
                        .bind(component)
                        .bind(&vulnerability)
                        .fetch_all(&mut *tx)
                        .await?;
                        for (other,) in others {
                            if done.insert(other) {
                                set_triage(&mut tx, &self.caller, other, &request.triage, "offering").await?;
                                outcome.n_changed += 1;
                                outcome.n_other_releases += 1;
                            }
                        }
                    }
                    // Remembered for the offering: new releases with this package version take it.
                    sqlx::query(
                        "INSERT INTO triage_decisions (offering_id, component_id, vulnerability, status, justification, \
                         response, detail, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                         ON CONFLICT (offering_id, component_id, vulnerability) DO UPDATE SET status = excluded.status, \
                         justification = excluded.justification, response = excluded.response, detail = excluded.detail, \
                         decided_by = excluded.decided_by, decided_at = excluded.decided_at",
                    )
                    .bind(offering)
                    .bind(component)
                    .bind(&vulnerability)
                    .bind(request.triage.status.as_str())
                    .bind(request.triage.justification.map(|j| j.as_str()))
                    .bind(request.triage.response.map(|r| r.as_str()))
                    .bind(&request.triage.detail)
                    .bind(&self.caller.actor)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(outcome)
            }

            async fn m_record_feed_import(&self, import: FeedImport) -> Result<()> {
                unscoped(&self.caller, "import feeds")?;
                let mut tx = self.pool.begin_with($begin_write).await?;
                sqlx::query(
                    "INSERT INTO feed_imports (id, feed, source, n_records, n_new, n_updated, n_unchanged, n_errors, \
                     n_new_findings, report, imported_by, started_at, finished_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                )
                .bind(import.id)
                .bind(&import.feed)
                .bind(&import.source)
                .bind(n64(import.n_records))
                .bind(n64(import.n_new))
                .bind(n64(import.n_updated))
                .bind(n64(import.n_unchanged))
                .bind(n64(import.n_errors))
                .bind(n64(import.n_new_findings))
                .bind(json_text(&import.report)?)
                .bind(&import.imported_by)
                .bind(import.started_at)
                .bind(import.finished_at)
                .execute(&mut *tx)
                .await?;
                #[derive(serde::Serialize)]
                struct Imported<'a> {
                    feed: &'a str,
                    source: &'a str,
                    n_records: u64,
                    n_new: u64,
                    n_updated: u64,
                    n_unchanged: u64,
                    n_errors: u64,
                    n_new_findings: u64,
                }
                let after = Imported {
                    feed: &import.feed,
                    source: &import.source,
                    n_records: import.n_records,
                    n_new: import.n_new,
                    n_updated: import.n_updated,
                    n_unchanged: import.n_unchanged,
                    n_errors: import.n_errors,
                    n_new_findings: import.n_new_findings,
                };
                append_audit(&mut tx, &self.caller, change("import", "feed", import.id, None, Some(&after))).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn m_feed_status(&self, n_imports: u64) -> Result<FeedStatus> {
                let mut c = self.pool.acquire().await?;
                let sources: Vec<(String, i64, i64, Option<String>)> = sqlx::query_as(
                    "SELECT source, COUNT(*), SUM(CASE WHEN withdrawn IS NULL THEN 0 ELSE 1 END), MAX(modified) \
                     FROM advisories GROUP BY source ORDER BY source",
                )
                .fetch_all(&mut *c)
                .await?;
                let kev: (i64, Option<String>) =
                    sqlx::query_as("SELECT COUNT(*), MAX(date_added) FROM kev_entries").fetch_one(&mut *c).await?;
                let active: (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM findings f JOIN releases r ON r.id = f.release_id \
                     JOIN offerings o ON o.id = r.offering_id WHERE f.active = 1 AND ($1 IS NULL OR o.supplier_id = $1)",
                )
                .bind(self.reach())
                .fetch_one(&mut *c)
                .await?;
                let imports: Vec<FeedImportRec> = sqlx::query_as(
                    "SELECT id, feed, source, n_records, n_new, n_updated, n_unchanged, n_errors, n_new_findings, report, \
                     imported_by, started_at, finished_at FROM feed_imports ORDER BY finished_at DESC, id DESC LIMIT $1",
                )
                .bind(i64::try_from(n_imports.min(100)).unwrap_or(100))
                .fetch_all(&mut *c)
                .await?;
                Ok(FeedStatus {
                    sources: sources
                        .into_iter()
                        .map(|(source, n, w, newest)| FeedSource {
                            source,
                            n_advisories: count(n),
                            n_withdrawn: count(w),
                            newest_modified: newest,
                        })
                        .collect(),
                    n_kev: count(kev.0),
                    kev_newest: kev.1,
                    n_findings_active: count(active.0),
                    imports: imports.into_iter().map(feed_import_of).collect(),
                })
            }

            async fn m_feed_import(&self, id: Uuid) -> Result<FeedImport> {
                let mut c = self.pool.acquire().await?;
                let found: Option<FeedImportRec> = sqlx::query_as(
                    "SELECT id, feed, source, n_records, n_new, n_updated, n_unchanged, n_errors, n_new_findings, report, \
                     imported_by, started_at, finished_at FROM feed_imports WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *c)
                .await?;
                found.map(feed_import_of).ok_or_else(|| StoreError::NotFound {
                    entity: "feed import",
                    reference: id.to_string(),
                })
            }

            async fn m_finding_events(&self, after_seq: i64, limit: u64) -> Result<Vec<FindingEvent>> {
                unscoped(&self.caller, "read finding events")?;
                let mut c = self.pool.acquire().await?;
                let rows: Vec<(i64, String, Uuid, Uuid, String, Option<String>, i64, time::OffsetDateTime)> = sqlx::query_as(
                    "SELECT seq, kind, finding_id, release_id, vulnerability, severity, kev, created_at \
                     FROM finding_events WHERE seq > $1 ORDER BY seq LIMIT $2",
                )
                .bind(after_seq)
                .bind(i64::try_from(limit.min(10_000)).unwrap_or(10_000))
                .fetch_all(&mut *c)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(seq, kind, finding, release, vulnerability, severity, kev, created_at)| FindingEvent {
                        seq,
                        kind,
                        finding,
                        release: ReleaseId(release),
                        vulnerability,
                        severity,
                        kev: kev != 0,
                        created_at,
                    })
                    .collect())
            }
        }

        fn n64(value: u64) -> i64 {
            i64::try_from(value).unwrap_or(i64::MAX)
        }
    };
}

pub(crate) use monitoring_fns;
