//! Monitoring stories, on both backends: advisories stored incrementally by `modified` and
//! indexed by package and alias, the KEV catalogue, findings appearing, seen again and gone
//! as match runs are applied, triage decisions with their history (offering-wide, carried to
//! new releases), "new finding" events, supplier scope, audit, and nothing half-written.

use chainward_core::model::*;
use chainward_core::sbom::{Component, DocumentKind, Encoding, Sbom, SbomFormat};
use chainward_core::vuln::vex::{Justification, Response, Triage, VexStatus};
use chainward_store::monitoring::{
    FeedImport, FindingFilter, KevRecord, MatchRun, NewAdvisory, NewFinding, TriageRequest, TriageScope,
};
use chainward_store::sbom::{SbomIngest, ValidationSummary};
use chainward_store::{Page, StoreError};
use uuid::Uuid;

use super::{Db, as_supplier, audit_log, two_suppliers};

const PAGE: Page = Page { offset: 0, limit: 100 };

fn advisory(id: &str, modified: &str, aliases: &[&str], packages: &[(&str, &str)]) -> NewAdvisory {
    NewAdvisory {
        id: id.into(),
        source: "osv:test.zip".into(),
        modified: modified.into(),
        published: Some("2026-01-01T00:00:00.000000000Z".into()),
        withdrawn: None,
        summary: Some(format!("summary of {id} at {modified}")),
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        severity: Some("high".into()),
        cvss_score: Some(7.5),
        cvss_vector: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N".into()),
        scores: serde_json::json!([]),
        packages: packages.iter().map(|(e, n)| ((*e).to_owned(), (*n).to_owned())).collect(),
        raw: format!(r#"{{"id":"{id}","modified":"{modified}"}}"#),
    }
}

fn kev(cve: &str, due: &str) -> KevRecord {
    KevRecord {
        cve_id: cve.into(),
        vendor_project: "Left".into(),
        product: "Pad".into(),
        vulnerability_name: "Left Pad RCE".into(),
        date_added: "2026-03-01".into(),
        due_date: Some(due.into()),
        ransomware: "Known".into(),
        required_action: "Apply updates.".into(),
        short_description: "Remote code execution.".into(),
        notes: String::new(),
    }
}

/// An SBOM of npm packages `(name, version)`.
fn npm_sbom(packages: &[(&str, &str)]) -> Sbom {
    let components = packages
        .iter()
        .enumerate()
        .map(|(i, (name, version))| Component {
            name: (*name).into(),
            version: Some((*version).into()),
            purl: Some(format!("pkg:npm/{name}@{version}")),
            location: format!("/components/{i}"),
            ..Component::default()
        })
        .collect();
    Sbom {
        kind: DocumentKind { format: SbomFormat::CycloneDx, encoding: Encoding::Json, spec_version: "1.6".into() },
        components,
        ..Sbom::default()
    }
}

fn ingest(offering: OfferingId, release: &str, sbom: Sbom) -> SbomIngest {
    SbomIngest {
        offering,
        release_version: release.into(),
        file_name: Some("bom.json".into()),
        content: format!("{{\"release\": \"{release}\"}}").into_bytes(),
        sbom,
        validation: ValidationSummary::default(),
        quality: None,
    }
}

/// Records the npm package of every component that has none yet, as the monitor would.
async fn learn_npm_packages(store: &std::sync::Arc<dyn chainward_store::Store>) -> usize {
    let pending = store.components_without_package(100).await.unwrap();
    store
        .set_component_packages(
            pending.iter().map(|c| (c.component, Some(("npm".to_owned(), c.name.clone())))).collect(),
        )
        .await
        .unwrap();
    pending.len()
}

fn finding(component: ComponentId, vulnerability: &str, advisory: &str, kev: bool) -> NewFinding {
    NewFinding {
        component,
        vulnerability: vulnerability.into(),
        advisory_id: advisory.into(),
        verdict: "affected".into(),
        reason: Some("in range 0".into()),
        severity: Some("high".into()),
        cvss_score: Some(7.5),
        kev,
    }
}

fn not_affected(detail: &str) -> Triage {
    Triage {
        status: VexStatus::NotAffected,
        justification: Some(Justification::VulnerableCodeNotInExecutePath),
        response: None,
        detail: Some(detail.into()),
    }
}

pub(crate) async fn advisories_are_stored_incrementally_and_found_by_package_and_alias(db: Db) {
    let store = db.store().await;
    let a1 = advisory("GHSA-aaaa-0001", "2026-01-01T00:00:00.000000000Z", &["CVE-2099-0001"], &[("npm", "left-pad")]);
    let b1 = advisory("GHSA-bbbb-0002", "2026-01-01T00:00:00.000000000Z", &[], &[("PyPI", "requests")]);
    let first = store.upsert_advisories(vec![a1.clone(), b1.clone()]).await.unwrap();
    assert_eq!((first.new.len(), first.updated.len(), first.n_unchanged), (2, 0, 0));
    let again = store.upsert_advisories(vec![a1.clone(), b1]).await.unwrap();
    assert_eq!((again.new.len(), again.updated.len(), again.n_unchanged), (0, 0, 2), "same modified: unchanged");

    // A newer record replaces the stored one, with its new packages and aliases; an older one
    // is skipped.
    let mut a2 = advisory(
        "GHSA-aaaa-0001",
        "2026-02-01T00:00:00.000000000Z",
        &["CVE-2099-0001", "PYSEC-2099-1"],
        &[("npm", "left-pad"), ("npm", "right-pad")],
    );
    a2.withdrawn = Some("2026-02-01T00:00:00.000000000Z".into());
    let older = advisory("GHSA-aaaa-0001", "2025-12-01T00:00:00.000000000Z", &[], &[("npm", "other")]);
    let update = store.upsert_advisories(vec![a2.clone()]).await.unwrap();
    assert_eq!(update.updated, ["GHSA-aaaa-0001"]);
    let stale = store.upsert_advisories(vec![older]).await.unwrap();
    assert_eq!((stale.new.len(), stale.updated.len(), stale.n_unchanged), (0, 0, 1));
    let (summary, raw) = store.advisory("GHSA-aaaa-0001").await.unwrap().unwrap();
    assert_eq!(summary.modified, a2.modified);
    assert_eq!(summary.withdrawn, a2.withdrawn, "withdrawn advisories are kept, marked");
    assert_eq!(raw, a2.raw);

    let named = store.advisories_named(&["right-pad".into()]).await.unwrap();
    assert_eq!(named.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["GHSA-aaaa-0001"]);
    assert!(store.advisories_named(&["other".into()]).await.unwrap().is_empty(), "the older record was skipped");
    for id in ["CVE-2099-0001", "PYSEC-2099-1", "GHSA-aaaa-0001"] {
        let known = store.advisories_known_as(id).await.unwrap();
        assert_eq!(known.len(), 1, "{id}");
        assert_eq!(known[0].id, "GHSA-aaaa-0001");
    }
    assert!(store.advisories_known_as("CVE-2099-9999").await.unwrap().is_empty());
    let page = store.advisories_page(None, 1).await.unwrap();
    assert_eq!(page.len(), 1);
    let rest = store.advisories_page(Some(&page[0].0), 10).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_ne!(rest[0].0, page[0].0);

    // The KEV catalogue: new, then unchanged, then changed.
    let first = store.upsert_kev(vec![kev("CVE-2099-0001", "2026-03-22")]).await.unwrap();
    assert_eq!((first.n_new, first.n_updated), (1, 0));
    let same = store.upsert_kev(vec![kev("CVE-2099-0001", "2026-03-22")]).await.unwrap();
    assert_eq!((same.n_new, same.n_updated), (0, 0));
    let changed = store.upsert_kev(vec![kev("CVE-2099-0001", "2026-04-01")]).await.unwrap();
    assert_eq!((changed.n_new, changed.n_updated), (0, 1));
    assert_eq!(store.kev_entry("CVE-2099-0001").await.unwrap().unwrap().due_date.as_deref(), Some("2026-04-01"));
    assert!(store.kev_ids().await.unwrap().contains("CVE-2099-0001"));

    // Feed status counts per source, and the import report is kept (and audited).
    let import = FeedImport {
        id: Uuid::now_v7(),
        feed: "osv".into(),
        source: "osv:test.zip".into(),
        n_records: 3,
        n_new: 2,
        n_updated: 1,
        n_unchanged: 0,
        n_errors: 0,
        n_new_findings: 0,
        report: serde_json::json!({"errors": []}),
        imported_by: "cli:tester".into(),
        started_at: time::OffsetDateTime::now_utc(),
        finished_at: time::OffsetDateTime::now_utc(),
    };
    store.record_feed_import(import.clone()).await.unwrap();
    let status = store.feed_status(5).await.unwrap();
    assert_eq!(status.sources.len(), 1);
    assert_eq!((status.sources[0].n_advisories, status.sources[0].n_withdrawn), (2, 1));
    assert_eq!(status.n_kev, 1);
    assert_eq!(status.imports.len(), 1);
    assert_eq!(status.imports[0].id, import.id);
    assert_eq!(store.feed_import(import.id).await.unwrap(), status.imports[0]);
    assert!(matches!(store.feed_import(Uuid::now_v7()).await, Err(StoreError::NotFound { .. })));
    assert!(audit_log(&store).await.iter().any(|e| e.action == "import" && e.entity == "feed"));
}

pub(crate) async fn findings_appear_are_seen_again_go_and_carry_decisions_to_new_releases(db: Db) {
    let store = db.store().await;
    let t = two_suppliers(&store).await;
    let report = store
        .ingest_sbom(ingest(t.edge.id, "1.0", npm_sbom(&[("left-pad", "1.2.0"), ("lodash", "4.17.20")])))
        .await
        .unwrap();
    let release_10 = report.sbom.release;

    // Components learn their OSV package once.
    assert_eq!(learn_npm_packages(&store).await, 2);
    assert!(store.components_without_package(100).await.unwrap().is_empty());
    let components = store.release_components(release_10).await.unwrap();
    let left_pad = components.iter().find(|c| c.name == "left-pad").unwrap().component;
    let lodash = components.iter().find(|c| c.name == "lodash").unwrap().component;
    let named = store.release_components_named(&["left-pad".into()]).await.unwrap();
    assert_eq!(named.len(), 1);
    assert_eq!(named[0].0, release_10);

    let run = |findings: Vec<NewFinding>| MatchRun { release: release_10, components: None, findings };
    let first = store
        .apply_matches(vec![run(vec![
            finding(left_pad, "CVE-2099-0001", "GHSA-aaaa-0001", true),
            finding(lodash, "CVE-2099-0002", "GHSA-bbbb-0002", false),
        ])])
        .await
        .unwrap();
    assert_eq!((first.n_new, first.n_seen_again, first.n_gone), (2, 0, 0));
    let events = store.finding_events(0, 100).await.unwrap();
    assert_eq!(events.len(), 2, "one new_finding event each");
    assert!(events.iter().all(|e| e.kind == "new_finding" && e.release == release_10));
    assert!(events.windows(2).all(|w| w[0].seq < w[1].seq));

    let again = store
        .apply_matches(vec![run(vec![
            finding(left_pad, "CVE-2099-0001", "GHSA-aaaa-0001", true),
            finding(lodash, "CVE-2099-0002", "GHSA-bbbb-0002", false),
        ])])
        .await
        .unwrap();
    assert_eq!((again.n_new, again.n_seen_again, again.n_gone), (0, 2, 0));
    assert_eq!(store.finding_events(events[1].seq, 100).await.unwrap().len(), 0, "no event for a finding seen again");

    // Filters: KEV, severity, vulnerability by id.
    let all = store.list_findings(&FindingFilter::default(), PAGE).await.unwrap();
    assert_eq!(all.total, 2);
    let kev_only = FindingFilter { kev: Some(true), ..FindingFilter::default() };
    let kev_found = store.list_findings(&kev_only, PAGE).await.unwrap();
    assert_eq!(kev_found.items.len(), 1);
    assert_eq!(kev_found.items[0].component, left_pad);
    let by_vuln = FindingFilter { vulnerability: Some("CVE-2099-0002".into()), ..FindingFilter::default() };
    assert_eq!(store.list_findings(&by_vuln, PAGE).await.unwrap().items[0].component, lodash);
    let critical = FindingFilter { min_severity: Some(4), ..FindingFilter::default() };
    assert_eq!(store.list_findings(&critical, PAGE).await.unwrap().total, 0);
    let page = store.list_findings(&FindingFilter::default(), Page { offset: 1, limit: 1 }).await.unwrap();
    assert_eq!((page.items.len(), page.total), (1, 2));

    // A decision for all releases of the offering, with its history.
    let left_finding = kev_found.items[0].id;
    let refused = store
        .triage(TriageRequest {
            findings: vec![left_finding],
            triage: Triage { justification: None, ..not_affected("no justification") },
            scope: TriageScope::Finding,
            source: "user".into(),
        })
        .await;
    assert!(refused.is_err(), "not_affected without a justification is refused");
    let (unchanged, history) = store.get_finding(left_finding).await.unwrap();
    assert_eq!(unchanged.triage.status, VexStatus::UnderInvestigation, "nothing half-written");
    let history_before = history.len();
    let decided = store
        .triage(TriageRequest {
            findings: vec![left_finding],
            triage: not_affected("only the browser build uses it"),
            scope: TriageScope::Offering,
            source: "user".into(),
        })
        .await
        .unwrap();
    assert_eq!(decided.n_changed, 1);
    let (decided_finding, history) = store.get_finding(left_finding).await.unwrap();
    assert_eq!(decided_finding.triage.status, VexStatus::NotAffected);
    assert_eq!(history.len(), history_before + 1);
    let last = history.last().unwrap();
    assert_eq!(last.triage.detail.as_deref(), Some("only the browser build uses it"));
    assert_eq!(last.actor, store.caller().actor);
    assert!(audit_log(&store).await.iter().any(|e| e.action == "triage" && e.entity == "finding"));

    // Release 1.1 ships the same left-pad: its new finding takes the decision. lodash moved
    // to a fixed version, so it gets no finding.
    let report = store
        .ingest_sbom(ingest(t.edge.id, "1.1", npm_sbom(&[("left-pad", "1.2.0"), ("lodash", "4.17.21")])))
        .await
        .unwrap();
    let release_11 = report.sbom.release;
    learn_npm_packages(&store).await;
    let next = store
        .apply_matches(vec![MatchRun {
            release: release_11,
            components: None,
            findings: vec![finding(left_pad, "CVE-2099-0001", "GHSA-aaaa-0001", true)],
        }])
        .await
        .unwrap();
    assert_eq!((next.n_new, next.n_carried), (1, 1));
    let in_11 = FindingFilter { release: Some(release_11), ..FindingFilter::default() };
    let carried = store.list_findings(&in_11, PAGE).await.unwrap();
    assert_eq!(carried.items[0].triage.status, VexStatus::NotAffected);
    assert_eq!(carried.items[0].triage.justification, Some(Justification::VulnerableCodeNotInExecutePath));
    let (_, carried_history) = store.get_finding(carried.items[0].id).await.unwrap();
    assert!(carried_history.iter().any(|h| h.source == "carried"), "{carried_history:?}");

    // A partial run (only lodash re-evaluated, nothing produced) makes the lodash finding
    // gone and leaves left-pad's alone.
    let gone = store
        .apply_matches(vec![MatchRun { release: release_10, components: Some(vec![lodash]), findings: vec![] }])
        .await
        .unwrap();
    assert_eq!((gone.n_gone, gone.n_seen_again), (1, 0));
    let active_10 = FindingFilter { release: Some(release_10), ..FindingFilter::default() };
    let active = store.list_findings(&active_10, PAGE).await.unwrap();
    assert_eq!(active.items.iter().map(|f| f.component).collect::<Vec<_>>(), [left_pad]);
    let with_inactive = FindingFilter { include_inactive: true, ..active_10 };
    let everything = store.list_findings(&with_inactive, PAGE).await.unwrap();
    assert_eq!(everything.total, 2);
    assert!(everything.items.iter().any(|f| f.component == lodash && !f.active));

    // An affected decision with a response, for the one release only, leaves 1.1 alone.
    store
        .triage(TriageRequest {
            findings: vec![left_finding],
            triage: Triage {
                status: VexStatus::Affected,
                justification: None,
                response: Some(Response::Update),
                detail: Some("upgrade in 1.0.1".into()),
            },
            scope: TriageScope::Finding,
            source: "user".into(),
        })
        .await
        .unwrap();
    assert_eq!(store.list_findings(&in_11, PAGE).await.unwrap().items[0].triage.status, VexStatus::NotAffected);
}

pub(crate) async fn findings_are_confined_to_the_suppliers_scope(db: Db) {
    let store = db.store().await;
    let t = two_suppliers(&store).await;
    let report = store.ingest_sbom(ingest(t.edge.id, "1.0", npm_sbom(&[("left-pad", "1.2.0")]))).await.unwrap();
    let release_10 = report.sbom.release;
    store.ingest_sbom(ingest(t.rival_db.id, "2.0", npm_sbom(&[("left-pad", "1.2.0")]))).await.unwrap();
    learn_npm_packages(&store).await;
    let mut runs = Vec::new();
    for release in [release_10, t.rival_release.id] {
        let components = store.release_components(release).await.unwrap();
        runs.push(MatchRun {
            release,
            components: None,
            findings: vec![finding(components[0].component, "CVE-2099-0001", "GHSA-aaaa-0001", false)],
        });
    }
    store.apply_matches(runs).await.unwrap();
    let all = store.list_findings(&FindingFilter::default(), PAGE).await.unwrap();
    assert_eq!(all.total, 2);
    let rival_finding = all.items.iter().find(|f| f.supplier == t.rival.id).unwrap().id;

    let acme = as_supplier(&store, t.acme.id);
    let own = acme.list_findings(&FindingFilter::default(), PAGE).await.unwrap();
    assert_eq!(own.total, 1);
    assert!(own.items.iter().all(|f| f.supplier == t.acme.id));
    let named = FindingFilter { vulnerability: Some("CVE-2099-0001".into()), ..FindingFilter::default() };
    assert_eq!(acme.list_findings(&named, PAGE).await.unwrap().total, 1);
    assert!(matches!(acme.get_finding(rival_finding).await, Err(StoreError::NotFound { .. })));
    let refused = acme
        .triage(TriageRequest {
            findings: vec![rival_finding],
            triage: not_affected("not ours"),
            scope: TriageScope::Offering,
            source: "user".into(),
        })
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound { .. })), "{refused:?}");
    let (rival, _) = store.get_finding(rival_finding).await.unwrap();
    assert_eq!(rival.triage.status, VexStatus::UnderInvestigation, "the other supplier's finding is untouched");
    // The supplier's offering-wide decision does not reach the other supplier's release.
    acme.triage(TriageRequest {
        findings: vec![own.items[0].id],
        triage: not_affected("ours"),
        scope: TriageScope::Offering,
        source: "user".into(),
    })
    .await
    .unwrap();
    let (rival, _) = store.get_finding(rival_finding).await.unwrap();
    assert_eq!(rival.triage.status, VexStatus::UnderInvestigation);
}
