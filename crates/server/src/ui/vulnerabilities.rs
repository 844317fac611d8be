//! The page of one vulnerability, reached by any of its ids (CVE, GHSA, the feed's own
//! id): the advisories that know it (summary, ids, severity, CVSS, withdrawal), its CISA
//! KEV entry (due date, ransomware use), and the findings within reach, which say which
//! offerings, releases and suppliers it affects. Supplier users see only their own
//! supplier's findings; the advisories and the KEV entry are public knowledge.

use askama::Template;
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::Response;
use chainward_store::monitoring::{AdvisorySummary, FindingFilter};
use chainward_store::{Page, StoreError};

use super::findings::{FindingRow, KevView, kev_entries, vulnerability_href};
use super::suppliers::{Link, human};
use super::{Frame, PageError, render};
use crate::auth::{Access, Need};

/// Findings listed on the page; the findings list has the rest.
const FINDINGS_SHOWN: u64 = 200;

/// One advisory as the page shows it.
#[derive(Debug, Clone)]
pub struct AdvisoryView {
    /// Its own id.
    pub id: String,
    /// Summary, or empty.
    pub summary: String,
    /// Its other ids, each a link.
    pub aliases: Vec<Link>,
    /// Severity for people.
    pub severity: String,
    /// CVSS base score, or empty.
    pub cvss: String,
    /// CVSS vector, or empty.
    pub vector: String,
    /// Published, or empty.
    pub published: String,
    /// Last modified.
    pub modified: String,
    /// Withdrawn, or empty.
    pub withdrawn: String,
    /// The feed it came from.
    pub source: String,
}

impl AdvisoryView {
    fn of(a: &AdvisorySummary) -> AdvisoryView {
        AdvisoryView {
            id: a.id.clone(),
            summary: a.summary.clone().unwrap_or_default(),
            aliases: a.aliases.iter().map(|x| Link { href: vulnerability_href(x), label: x.clone() }).collect(),
            severity: a.severity.as_deref().map(human).unwrap_or_else(|| "unknown".to_owned()),
            cvss: a.cvss_score.map(|s| format!("{s:.1}")).unwrap_or_default(),
            vector: a.cvss_vector.clone().unwrap_or_default(),
            published: a.published.clone().unwrap_or_default(),
            modified: a.modified.clone(),
            withdrawn: a.withdrawn.clone().unwrap_or_default(),
            source: a.source.clone(),
        }
    }
}

/// `GET /vulnerabilities/{id}`.
#[derive(Template)]
#[template(path = "vulnerability.html")]
pub struct ShowPage {
    frame: Frame,
    id: String,
    advisories: Vec<AdvisoryView>,
    kev: Vec<KevView>,
    rows: Vec<FindingRow>,
    n_findings: u64,
    n_offerings: usize,
    n_suppliers: usize,
    findings_href: String,
    show_suppliers: bool,
}

/// `GET /vulnerabilities/{id}`: a vulnerability by any of its ids; 404 when no advisory,
/// KEV entry or finding within reach knows it.
pub async fn show(access: Access, headers: HeaderMap, Path(raw): Path<String>) -> Result<Response, PageError> {
    let id = raw.trim().to_owned();
    let store = access.store();
    let advisories = store.advisories_known_as(&id).await?;
    let filter = FindingFilter { vulnerability: Some(id.clone()), ..FindingFilter::default() };
    let findings = store.list_findings(&filter, Page { offset: 0, limit: FINDINGS_SHOWN }).await?;
    let mut ids = vec![id.clone()];
    for a in &advisories {
        ids.push(a.id.clone());
        ids.extend(a.aliases.iter().cloned());
    }
    ids.extend(findings.items.iter().map(|f| f.vulnerability.clone()));
    let kev = kev_entries(store, ids).await?;
    if advisories.is_empty() && findings.items.is_empty() && kev.is_empty() {
        return Err(StoreError::NotFound { entity: "vulnerability", reference: id }.into());
    }
    let mut offerings: Vec<_> = findings.items.iter().map(|f| f.offering).collect();
    offerings.sort();
    offerings.dedup();
    let mut suppliers: Vec<_> = findings.items.iter().map(|f| f.supplier).collect();
    suppliers.sort();
    suppliers.dedup();
    Ok(render(&ShowPage {
        frame: Frame::new(&access, &headers, id.clone(), "/findings"),
        findings_href: format!("/findings?vulnerability={}", super::url_encode(&id)),
        id,
        advisories: advisories.iter().map(AdvisoryView::of).collect(),
        kev: kev.iter().map(KevView::of).collect(),
        rows: findings.items.iter().map(|f| FindingRow::of(f, false)).collect(),
        n_findings: findings.total,
        n_offerings: offerings.len(),
        n_suppliers: suppliers.len(),
        show_suppliers: access.can(Need::ReadInternal),
    }))
}
