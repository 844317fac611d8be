//! Finding pages: the list of vulnerability findings within reach (filters, pages, a
//! checkbox per row and one VEX decision for the ticked ones), one finding with its
//! advisory, KEV entry and triage history, the findings summary and the VEX documents of a
//! release (downloads as CycloneDX VEX or OpenVEX, and an upload applied as decisions).
//!
//! Decisions go through the store's `triage` exactly as `POST /api/v1/findings/triage`
//! does (the same checks of the VEX rules, `api::monitoring::triage_of`), so the store
//! audits them and keeps each finding's history. Supplier users see and decide only their
//! own supplier's findings: the caller's store is confined to it.

use std::collections::HashSet;

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chainward_core::model::ReleaseId;
use chainward_core::vuln::vex::{Justification, Response as VexResponse, Triage, VexStatus};
use chainward_store::monitoring::{Finding, FindingFilter, KevRecord, TriageEntry, TriageRequest, TriageScope};
use chainward_store::{OfferingFilter, Page, Store, StoreError, SupplierFilter};
use uuid::Uuid;

use super::sboms::{ProblemRow, attachment, download_name, read_upload, when};
use super::suppliers::{Choice, Fields, Link, PAGE_SIZE, human, parse_id};
use super::{CsrfForm, Frame, PageError, Pager, redirect_with_flash, render, render_status, safe_next};
use crate::api::monitoring::{FindingQuery, finding_filter, triage_of};
use crate::auth::{Access, Need};
use crate::error::ApiError;
use crate::monitoring::{self, VexApplyError, VexExportFormat};
use crate::state::AppState;

/// The query parameters of the findings list that make up its filter.
const FINDING_FILTERS: &[&str] =
    &["q", "severity", "kev", "status", "state", "offering", "supplier", "release", "vulnerability"];
/// Offerings and suppliers offered in the filter selects.
const CHOICES_SHOWN: u64 = 500;
/// History entries shown on a finding's page.
const HISTORY_SHOWN: usize = 500;

// ---- shared pieces -------------------------------------------------------------------

/// The VEX decision form, as the list and a finding's page show it.
#[derive(Debug, Clone)]
pub struct TriageForm {
    /// The four states.
    pub statuses: Vec<Choice>,
    /// The five justifications, after "none".
    pub justifications: Vec<Choice>,
    /// The five responses, after "none".
    pub responses: Vec<Choice>,
    /// The "why" text.
    pub detail: String,
    /// Whether the decision reaches every release of the offering.
    pub offering_scope: bool,
    /// Where to go back to afterwards.
    pub back: String,
    /// Why the last attempt was refused.
    pub error: Option<String>,
}

impl TriageForm {
    /// The form with what was sent (or nothing), going back to `back`.
    fn new(sent: &Fields, back: &str, error: Option<String>) -> TriageForm {
        let with_none = |names: &[&str], selected: &str, none: &str| {
            std::iter::once(Choice { value: String::new(), label: none.to_owned(), selected: selected.is_empty() })
                .chain(names.iter().map(|n| Choice {
                    value: (*n).to_owned(),
                    label: human(n),
                    selected: *n == selected,
                }))
                .collect::<Vec<_>>()
        };
        let status = sent.opt("status").unwrap_or_else(|| "under_investigation".to_owned());
        TriageForm {
            statuses: VexStatus::NAMES
                .iter()
                .map(|n| Choice { value: (*n).to_owned(), label: human(n), selected: *n == status })
                .collect(),
            justifications: with_none(
                Justification::NAMES,
                sent.get("justification").trim(),
                "None (only for not affected)",
            ),
            responses: with_none(VexResponse::NAMES, sent.get("response").trim(), "None"),
            detail: sent.get("detail").to_owned(),
            offering_scope: sent.get("scope").trim() == "offering",
            back: back.to_owned(),
            error,
        }
    }
}

/// A severity for people.
fn severity_text(severity: Option<&str>) -> String {
    severity.map(human).unwrap_or_else(|| "unknown".to_owned())
}

/// The page of a vulnerability (any of its ids).
pub(crate) fn vulnerability_href(id: &str) -> String {
    format!("/vulnerabilities/{}", super::url_encode(id))
}

/// A CVSS score with one decimal, or empty.
fn score_text(score: Option<f64>) -> String {
    score.map(|s| format!("{s:.1}")).unwrap_or_default()
}

/// The decision of a triage state for people: the state and its justification or response.
fn decision_text(triage: &Triage) -> String {
    let state = human(triage.status.as_str());
    match (triage.justification, triage.response) {
        (Some(j), _) => format!("{state}: {}", human(j.as_str())),
        (None, Some(r)) => format!("{state}: {}", human(r.as_str())),
        (None, None) => state,
    }
}

/// The CISA KEV entries of any of `ids` (only CVE ids are in the catalogue), each once.
pub(crate) async fn kev_entries(store: &dyn Store, ids: Vec<String>) -> Result<Vec<KevRecord>, StoreError> {
    let mut cves: Vec<String> =
        ids.into_iter().map(|id| id.trim().to_ascii_uppercase()).filter(|id| id.starts_with("CVE-")).collect();
    cves.sort();
    cves.dedup();
    let mut out = Vec::new();
    for cve in cves {
        if let Some(entry) = store.kev_entry(&cve).await? {
            out.push(entry);
        }
    }
    Ok(out)
}

/// One KEV entry as the pages show it.
#[derive(Debug, Clone)]
pub struct KevView {
    /// The CVE.
    pub cve: String,
    /// Vendor and product.
    pub product: String,
    /// CISA's name for it.
    pub name: String,
    /// When it was added.
    pub date_added: String,
    /// When agencies must have acted, or empty.
    pub due_date: String,
    /// Whether ransomware campaigns are known to use it.
    pub ransomware: bool,
    /// What to do.
    pub required_action: String,
    /// Description.
    pub description: String,
}

impl KevView {
    pub(crate) fn of(entry: &KevRecord) -> KevView {
        KevView {
            cve: entry.cve_id.clone(),
            product: format!("{} {}", entry.vendor_project, entry.product).trim().to_owned(),
            name: entry.vulnerability_name.clone(),
            date_added: entry.date_added.clone(),
            due_date: entry.due_date.clone().unwrap_or_default(),
            ransomware: entry.ransomware.eq_ignore_ascii_case("known"),
            required_action: entry.required_action.clone(),
            description: entry.short_description.clone(),
        }
    }
}

// ---- the list ------------------------------------------------------------------------

/// One row of the findings list (also on a vulnerability's page).
#[derive(Debug, Clone)]
pub struct FindingRow {
    /// Its id.
    pub id: String,
    /// Its page.
    pub href: String,
    /// Component name.
    pub component: String,
    /// Component version, or empty.
    pub version: String,
    /// Package URL, or empty.
    pub purl: String,
    /// The vulnerability.
    pub vulnerability: Link,
    /// Severity for people.
    pub severity: String,
    /// Severity is high or critical.
    pub severe: bool,
    /// CVSS score, or empty.
    pub cvss: String,
    /// In the KEV catalogue.
    pub kev: bool,
    /// The offering.
    pub offering: Link,
    /// The release.
    pub release: Link,
    /// The supplier.
    pub supplier: Link,
    /// The triage decision for people.
    pub decision: String,
    /// The matching verdict for people.
    pub verdict: String,
    /// Whether the latest match still produces it.
    pub active: bool,
    /// Whether its checkbox is ticked.
    pub checked: bool,
}

impl FindingRow {
    pub(crate) fn of(f: &Finding, checked: bool) -> FindingRow {
        FindingRow {
            id: f.id.to_string(),
            href: format!("/findings/{}", f.id),
            component: f.component_name.clone(),
            version: f.component_version.clone().unwrap_or_default(),
            purl: f.purl.clone().unwrap_or_default(),
            vulnerability: Link { href: vulnerability_href(&f.vulnerability), label: f.vulnerability.clone() },
            severity: severity_text(f.severity.as_deref()),
            severe: matches!(f.severity.as_deref(), Some("high" | "critical")),
            cvss: score_text(f.cvss_score),
            kev: f.kev,
            offering: Link { href: format!("/offerings/{}", f.offering), label: f.offering_name.clone() },
            release: Link { href: format!("/releases/{}", f.release), label: f.release_version.clone() },
            supplier: Link { href: format!("/suppliers/{}", f.supplier), label: f.supplier_name.clone() },
            decision: decision_text(&f.triage),
            verdict: human(&f.verdict),
            active: f.active,
            checked,
        }
    }
}

/// `GET /findings`.
#[derive(Template)]
#[template(path = "findings.html")]
pub struct ListPage {
    frame: Frame,
    filters: Fields,
    severities: Vec<Choice>,
    statuses: Vec<Choice>,
    offerings: Vec<Choice>,
    suppliers: Vec<Choice>,
    show_suppliers: bool,
    include_gone: bool,
    kev_only: bool,
    /// The release filtered by, when there is one.
    release: Option<Link>,
    /// The vulnerability filtered by, when there is one.
    vulnerability: String,
    /// Its page.
    vulnerability_href: String,
    filter_error: Option<String>,
    rows: Vec<FindingRow>,
    pager: Pager,
    filtered: bool,
    can_triage: bool,
    form: TriageForm,
}

/// The API's query of the list filters a page was asked for.
fn finding_query(filters: &Fields) -> Result<FindingQuery, String> {
    let id = |name: &str, label: &str| match filters.opt(name) {
        None => Ok(None),
        Some(text) => Uuid::parse_str(&text).map(Some).map_err(|_| format!("{label}: not an id.")),
    };
    Ok(FindingQuery {
        offering: id("offering", "Offering")?,
        release: id("release", "Release")?,
        supplier: id("supplier", "Supplier")?,
        vulnerability: filters.opt("vulnerability"),
        severity: filters.opt("severity"),
        // The checkbox sends `yes`; links may ask for the findings outside the catalogue.
        kev: filters.opt("kev").map(|k| !matches!(k.as_str(), "no" | "false")),
        status: filters.opt("status"),
        verdict: None,
        include_inactive: Some(filters.get("state") == "all"),
        q: filters.opt("q"),
        offset: None,
        limit: None,
    })
}

/// Options naming `items` by (id, name), with "any" first.
fn id_choices(items: impl IntoIterator<Item = (String, String)>, selected: &str, any: &str) -> Vec<Choice> {
    std::iter::once(Choice { value: String::new(), label: any.to_owned(), selected: selected.is_empty() })
        .chain(items.into_iter().map(|(value, label)| Choice { selected: value == selected, value, label }))
        .collect()
}

/// Renders the list for `filters`, with the decision form as sent (ticked rows stay ticked).
async fn list_page(
    access: &Access,
    headers: &HeaderMap,
    filters: Fields,
    sent: &Fields,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let store = access.store();
    let offset = filters.offset();
    let base = format!("/findings{}", filters.query(FINDING_FILTERS));
    let back = if offset > 0 {
        format!("{base}{}offset={offset}", if base.contains('?') { '&' } else { '?' })
    } else {
        base.clone()
    };
    let checked: HashSet<&str> = sent.all("finding").into_iter().collect();
    let mut filter_error = None;
    let filter = match finding_query(&filters).map(|q| finding_filter(&q).map_err(|e| e.to_string())) {
        Ok(Ok(filter)) => Some(filter),
        Ok(Err(message)) | Err(message) => {
            filter_error = Some(message);
            None
        }
    };
    let (rows, pager) = match &filter {
        Some(filter) => {
            let found = store.list_findings(filter, Page { offset, limit: PAGE_SIZE }).await?;
            let rows: Vec<FindingRow> =
                found.items.iter().map(|f| FindingRow::of(f, checked.contains(f.id.to_string().as_str()))).collect();
            let pager = Pager::new(&base, offset, PAGE_SIZE, rows.len(), found.total);
            (rows, pager)
        }
        None => (Vec::new(), Pager::new(&base, 0, PAGE_SIZE, 0, 0)),
    };
    let release = match filter.as_ref().and_then(|f| f.release) {
        Some(id) => match store.get_release(id).await {
            Ok(r) => {
                let offering = store.get_offering(r.data.offering).await?;
                Some(Link {
                    href: format!("/releases/{id}"),
                    label: format!("{} {}", offering.data.name, r.data.version),
                })
            }
            Err(StoreError::NotFound { .. }) => {
                Some(Link { href: "/findings".into(), label: "no such release".into() })
            }
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let offerings = store.list_offerings(&OfferingFilter::default(), Page { offset: 0, limit: CHOICES_SHOWN }).await?;
    let show_suppliers = access.can(Need::ReadInternal);
    let suppliers = if show_suppliers {
        store
            .list_suppliers(&SupplierFilter::default(), Page { offset: 0, limit: CHOICES_SHOWN })
            .await?
            .items
            .into_iter()
            .map(|s| (s.id.to_string(), s.data.name))
            .collect()
    } else {
        Vec::new()
    };
    let severity = filters.get("severity").to_owned();
    let status_filter = filters.get("status").to_owned();
    let page = ListPage {
        frame: Frame::new(access, headers, "Findings", "/findings"),
        severities: id_choices(
            ["low", "medium", "high", "critical"].map(|s| (s.to_owned(), format!("{} or worse", human(s)))),
            &severity,
            "Any severity",
        ),
        statuses: id_choices(VexStatus::NAMES.iter().map(|s| ((*s).to_owned(), human(s))), &status_filter, "Any state"),
        offerings: id_choices(
            offerings.items.into_iter().map(|o| (o.id.to_string(), o.data.name)),
            filters.get("offering"),
            "Any offering",
        ),
        suppliers: id_choices(suppliers, filters.get("supplier"), "Any supplier"),
        show_suppliers,
        include_gone: filters.get("state") == "all",
        kev_only: filters.opt("kev").is_some_and(|k| !matches!(k.as_str(), "no" | "false")),
        release,
        vulnerability: filters.get("vulnerability").trim().to_owned(),
        vulnerability_href: vulnerability_href(filters.get("vulnerability").trim()),
        filtered: FINDING_FILTERS.iter().any(|f| filters.opt(f).is_some()),
        filter_error: filter_error.clone(),
        rows,
        pager,
        can_triage: access.can(Need::Triage),
        form: TriageForm::new(sent, &back, error),
        filters,
    };
    let status = if filter_error.is_some() { StatusCode::BAD_REQUEST } else { status };
    Ok(render_status(status, &page))
}

/// `GET /findings?severity=…&kev=yes&status=…&state=all&offering=…&supplier=…&release=…&q=…`:
/// the findings within reach, most urgent first, 50 a page.
pub async fn list(
    access: Access,
    headers: HeaderMap,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    list_page(&access, &headers, Fields::new(pairs), &Fields::default(), None, StatusCode::OK).await
}

// ---- one finding -----------------------------------------------------------------------

/// One entry of a finding's triage history.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// The decision for people.
    pub decision: String,
    /// Why.
    pub detail: String,
    /// Where it came from: a user, the offering scope, a carried decision, a VEX document.
    pub source: String,
}

impl HistoryRow {
    fn of(entry: &TriageEntry) -> HistoryRow {
        HistoryRow {
            at: when(entry.at),
            actor: entry.actor.clone(),
            decision: decision_text(&entry.triage),
            detail: entry.triage.detail.clone().unwrap_or_default(),
            source: entry.source.clone(),
        }
    }
}

/// `GET /findings/{id}`.
#[derive(Template)]
#[template(path = "finding.html")]
pub struct ShowPage {
    frame: Frame,
    row: FindingRow,
    advisory_id: String,
    advisory_href: String,
    summary: String,
    aliases: Vec<Link>,
    cvss_vector: String,
    withdrawn: String,
    kev: Vec<KevView>,
    reason: String,
    fixed: Vec<String>,
    first_seen: String,
    last_seen: String,
    decision: String,
    detail: String,
    decided: String,
    history: Vec<HistoryRow>,
    can_triage: bool,
    form: TriageForm,
}

/// The versions that fix an advisory, as its ranges say.
fn fixed_versions(raw: &str) -> Vec<String> {
    serde_json::from_str::<chainward_core::vuln::osv::Advisory>(raw)
        .map(|advisory| advisory.fixed_versions())
        .unwrap_or_default()
}

async fn finding_page(
    access: &Access,
    headers: &HeaderMap,
    id: Uuid,
    sent: &Fields,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let store = access.store();
    let (finding, history) = store.get_finding(id).await?;
    let advisory = store.advisory(&finding.advisory_id).await?;
    let (summary, aliases, cvss_vector, withdrawn, fixed) = match &advisory {
        Some((a, raw)) => (
            a.summary.clone().unwrap_or_default(),
            a.aliases.clone(),
            a.cvss_vector.clone().unwrap_or_default(),
            a.withdrawn.clone().unwrap_or_default(),
            fixed_versions(raw),
        ),
        None => Default::default(),
    };
    let ids = [finding.vulnerability.clone(), finding.advisory_id.clone()].into_iter().chain(aliases.iter().cloned());
    let kev = kev_entries(store, ids.collect()).await?;
    let title = format!("{} in {} {}", finding.vulnerability, finding.component_name, finding.release_version);
    let decided = match (&finding.status_by, finding.status_at) {
        (Some(by), Some(at)) => format!("{by}, {}", when(at)),
        _ => String::new(),
    };
    let page = ShowPage {
        frame: Frame::new(access, headers, title, "/findings"),
        advisory_id: finding.advisory_id.clone(),
        advisory_href: vulnerability_href(&finding.advisory_id),
        summary,
        aliases: aliases.iter().map(|a| Link { href: vulnerability_href(a), label: a.clone() }).collect(),
        cvss_vector,
        withdrawn,
        kev: kev.iter().map(KevView::of).collect(),
        reason: finding.reason.clone().unwrap_or_default(),
        fixed,
        first_seen: when(finding.first_seen),
        last_seen: when(finding.last_seen),
        decision: decision_text(&finding.triage),
        detail: finding.triage.detail.clone().unwrap_or_default(),
        decided,
        // Newest first, as people read a history.
        history: history.iter().rev().take(HISTORY_SHOWN).map(HistoryRow::of).collect(),
        can_triage: access.can(Need::Triage),
        form: TriageForm::new(sent, &format!("/findings/{id}"), error),
        row: FindingRow::of(&finding, true),
    };
    Ok(render_status(status, &page))
}

/// `GET /findings/{id}`: one finding, its advisory, KEV entry and triage history.
pub async fn show(access: Access, headers: HeaderMap, Path(raw): Path<String>) -> Result<Response, PageError> {
    let id = parse_id(&raw)?;
    finding_page(&access, &headers, id, &Fields::default(), None, StatusCode::OK).await
}

// ---- decisions ---------------------------------------------------------------------------

/// The store's request for a decision form, or why it cannot be made.
fn triage_request(fields: &Fields) -> Result<TriageRequest, String> {
    let mut findings = Vec::new();
    for raw in fields.all("finding") {
        findings.push(Uuid::parse_str(raw.trim()).map_err(|_| format!("{raw:?} is not a finding's id."))?);
    }
    if findings.is_empty() {
        return Err("Select at least one finding.".into());
    }
    if findings.len() > 10_000 {
        return Err("At most 10,000 findings at once.".into());
    }
    let detail = fields.opt("detail");
    if detail.is_none() {
        return Err("Say why: the impact statement, the action taken or the reason for the decision.".into());
    }
    let triage = triage_of(
        fields.get("status"),
        fields.opt("justification").as_deref(),
        fields.opt("response").as_deref(),
        detail.as_deref(),
    )
    .map_err(|e| match e {
        ApiError::Invalid { message, .. } => format!("{}.", message),
        other => other.to_string(),
    })?;
    let scope = match fields.get("scope").trim() {
        "" | "finding" => TriageScope::Finding,
        "offering" => TriageScope::Offering,
        other => return Err(format!("Scope: {other:?} is not one of finding, offering.")),
    };
    Ok(TriageRequest { findings, triage, scope, source: "user".into() })
}

/// The page a decision form came from: the list (with its filters) or one finding.
enum Origin {
    List(Fields),
    Finding(Uuid),
}

fn origin_of(back: &str) -> Origin {
    let (path, query) = back.split_once('?').unwrap_or((back, ""));
    if let Some(id) = path.strip_prefix("/findings/").and_then(|id| Uuid::parse_str(id).ok()) {
        return Origin::Finding(id);
    }
    Origin::List(Fields::new(serde_urlencoded::from_str(query).unwrap_or_default()))
}

/// `POST /findings/triage`: records one VEX decision for the ticked findings (or the one
/// finding of its page) and goes back; a decision that breaks the VEX rules, or has no
/// "why", comes back on the page with 422.
pub async fn triage(
    access: Access,
    headers: HeaderMap,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let fields = Fields::new(pairs);
    let back = safe_next(fields.opt("back").as_deref());
    let back = if back.starts_with("/findings") { back } else { "/findings".to_owned() };
    let request = match triage_request(&fields) {
        Ok(request) => request,
        Err(message) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return match origin_of(&back) {
                Origin::Finding(id) => finding_page(&access, &headers, id, &fields, Some(message), status).await,
                Origin::List(filters) => list_page(&access, &headers, filters, &fields, Some(message), status).await,
            };
        }
    };
    let status = request.triage.status;
    let n_named = request.findings.len();
    let outcome = access.store().triage(request).await?;
    let mut message = format!(
        "Decision \u{201c}{}\u{201d} recorded: {} of {n_named} finding{} changed",
        human(status.as_str()),
        outcome.n_changed.saturating_sub(outcome.n_other_releases),
        if n_named == 1 { "" } else { "s" },
    );
    if outcome.n_other_releases > 0 {
        message.push_str(&format!(", and {} in other releases of the offering", outcome.n_other_releases));
    }
    message.push('.');
    Ok(redirect_with_flash(&back, &message, false))
}

// ---- a release's findings and VEX ---------------------------------------------------------

/// The findings of a release, counted, for its page.
#[derive(Debug, Clone, Default)]
pub struct ReleaseFindings {
    /// Active findings.
    pub total: u64,
    /// Of which critical.
    pub critical: u64,
    /// High.
    pub high: u64,
    /// Medium.
    pub medium: u64,
    /// Low.
    pub low: u64,
    /// No or unknown severity.
    pub unrated: u64,
    /// In the KEV catalogue.
    pub kev: u64,
    /// Still under investigation.
    pub open: u64,
    /// The findings list of the release.
    pub href: String,
}

/// How many findings `filter` selects.
async fn count(store: &dyn Store, filter: &FindingFilter) -> Result<u64, StoreError> {
    Ok(store.list_findings(filter, Page { offset: 0, limit: 1 }).await?.total)
}

/// Counts a release's active findings by severity, KEV and open state (a few counting
/// queries; no finding is loaded).
pub async fn release_findings(store: &dyn Store, release: ReleaseId) -> Result<ReleaseFindings, StoreError> {
    let base = FindingFilter { release: Some(release), ..FindingFilter::default() };
    let at_least = |rank: i64| FindingFilter { min_severity: Some(rank), ..base.clone() };
    let total = count(store, &base).await?;
    let critical = count(store, &at_least(4)).await?;
    let high_up = count(store, &at_least(3)).await?;
    let medium_up = count(store, &at_least(2)).await?;
    let low_up = count(store, &at_least(1)).await?;
    let kev = count(store, &FindingFilter { kev: Some(true), ..base.clone() }).await?;
    let open = count(store, &FindingFilter { status: Some("under_investigation".into()), ..base.clone() }).await?;
    Ok(ReleaseFindings {
        total,
        critical,
        high: high_up.saturating_sub(critical),
        medium: medium_up.saturating_sub(high_up),
        low: low_up.saturating_sub(medium_up),
        unrated: total.saturating_sub(low_up),
        kev,
        open,
        href: format!("/findings?release={release}"),
    })
}

/// `GET /releases/{id}/vex?format=cyclonedx|openvex`: the release's decisions as a VEX
/// document, as a download.
pub async fn vex_download(
    access: Access,
    Path(raw): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = ReleaseId(parse_id(&raw)?);
    let query = Fields::new(pairs);
    let format: VexExportFormat = query
        .opt("format")
        .unwrap_or_else(|| "cyclonedx".to_owned())
        .parse()
        .map_err(|e: String| PageError(ApiError::BadRequest(e)))?;
    let export = monitoring::export_vex(access.store(), id, format).await?;
    let name = download_name(Some(&export.file_name), "vex.json");
    Ok(attachment(export.bytes, export.media_type, &name))
}

/// `POST /releases/{id}/vex`: the result of applying a VEX document.
#[derive(Template)]
#[template(path = "vex_report.html")]
pub struct VexReportPage {
    frame: Frame,
    release: Link,
    file_name: String,
    error: Option<String>,
    format: String,
    n_statements: u64,
    n_changed: u64,
    unmatched: Vec<String>,
    refused: Vec<String>,
    problems: Vec<ProblemRow>,
}

/// `POST /releases/{id}/vex` (multipart: the CSRF token, then the file): applies a
/// CycloneDX VEX, OpenVEX or CSAF document to the release's findings as decisions and
/// shows what it did.
pub async fn vex_upload(
    State(state): State<AppState>,
    access: Access,
    headers: HeaderMap,
    Path(raw): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let id = ReleaseId(parse_id(&raw)?);
    let form = match read_upload(&state, &access, multipart, &[]).await {
        Ok(form) => form,
        Err(refusal) => return Ok(refusal),
    };
    let store = access.store();
    let release = store.get_release(id).await?;
    let offering = store.get_offering(release.data.offering).await?;
    let mut page = VexReportPage {
        frame: Frame::new(
            &access,
            &headers,
            format!("VEX applied to {} {}", offering.data.name, release.data.version),
            "/findings",
        ),
        release: Link {
            href: format!("/releases/{id}"),
            label: format!("{} {}", offering.data.name, release.data.version),
        },
        file_name: String::new(),
        error: None,
        format: String::new(),
        n_statements: 0,
        n_changed: 0,
        unmatched: Vec::new(),
        refused: Vec::new(),
        problems: Vec::new(),
    };
    let Some((file_name, bytes)) = form.file else {
        page.error = Some("Choose the VEX document to apply.".into());
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    page.file_name = file_name.clone();
    match monitoring::apply_vex(store, id, &bytes, &file_name).await {
        Ok(report) => {
            page.format = match report.format.as_str() {
                "cyclonedx" => "CycloneDX VEX",
                "open_vex" => "OpenVEX",
                "csaf" => "CSAF VEX",
                other => other,
            }
            .to_owned();
            page.n_statements = report.n_statements;
            page.n_changed = report.n_findings_changed;
            page.unmatched = report.unmatched;
            page.refused = report.refused;
            page.problems = report.problems.iter().map(ProblemRow::of).collect();
            Ok(render(&page))
        }
        Err(VexApplyError::Unreadable { code, message }) => {
            page.error =
                Some(format!("Not applied: the file is not a VEX document chainward can read ({code}): {message}."));
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(VexApplyError::Store(e)) => Err(e.into()),
    }
}
