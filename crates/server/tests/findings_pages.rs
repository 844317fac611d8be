//! The monitoring pages end to end, over the real server and the access tests' world (two
//! suppliers whose releases hold left-pad 1.3.0, a made-up advisory for it that a fixture
//! KEV catalogue lists): the findings list with its filters and pages, bulk VEX decisions
//! and their refusal with 422, the history on a finding's page, the vulnerability page with
//! its KEV entry, uploads of the real OSV dumps and the real KEV catalogue with their
//! reports, and a release's findings summary with VEX going out and coming back in.

// Test scaffolding indexes its own fixture tables.
#![allow(clippy::indexing_slicing)]

use std::io::Write;

use chainward_core::model::ReleaseId;
use chainward_core::vuln::vex::VexStatus;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::TestResult;
use crate::access::{FIXTURE_ADVISORY, FIXTURE_CVE, World, database};
use crate::sbom_pages::{data_file, location, page, table_rows, upload};

type Error = Box<dyn std::error::Error>;

const ANALYST: usize = 1;
const AUDITOR: usize = 3;
const SUPPLIER: usize = 4;

/// The text of the `<dd>` after `<dt>{name}</dt>` on a page, without tags.
fn fact(body: &str, name: &str) -> String {
    let Some(rest) = body.split(&format!("<dt>{name}</dt>")).nth(1) else { return String::new() };
    let dd = rest.split("</dd>").next().unwrap_or("").trim_start();
    // Past the `<dd …>` tag itself.
    let inner = if dd.starts_with("<dd") { dd.split_once('>').map_or("", |(_, rest)| rest) } else { dd };
    strip(inner)
}

fn strip(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// Stores `n` more made-up advisories for left-pad and matches both releases again.
async fn more_advisories(w: &World, n: usize) -> TestResult {
    let mut rows = Vec::new();
    for i in 0..n {
        let record = json!({
            "id": format!("GHSA-pg{i:02}-0000-0000"), "modified": "2099-01-01T00:00:00Z",
            "summary": format!("fixture {i}"),
            "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
                          "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]
        });
        let advisory: chainward_core::vuln::osv::Advisory = serde_json::from_value(record.clone())?;
        rows.push(chainward_server::monitoring::new_advisory(&advisory, record.to_string(), "fixture"));
    }
    w.store.upsert_advisories(rows).await?;
    for release in [w.own.2, w.other.2] {
        chainward_server::monitoring::match_release(&*w.store, release).await?;
    }
    Ok(())
}

#[tokio::test]
async fn the_findings_list_filters_and_pages() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let (own_s, own_o, own_r) = w.own;

    // Both suppliers' findings, KEV and critical (CVSS 9.8), with a checkbox each.
    let (status, body) = page(&w, ANALYST, "/findings").await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rows = table_rows(&body, "findings");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r[1] == format!("{FIXTURE_CVE} KEV") && r[2].starts_with("Critical")), "{rows:?}");
    assert!(rows.iter().all(|r| r[3] == "left-pad" && r[4] == "1.3.0" && r[7] == "Under investigation"), "{rows:?}");
    for id in [w.own_finding, w.other_finding] {
        assert!(body.contains(&format!("name=\"finding\" value=\"{id}\"")), "no checkbox for {id}");
    }
    // The auditor reads the list but has no decision form.
    let (_, audit_view) = page(&w, AUDITOR, "/findings").await?;
    assert_eq!(table_rows(&audit_view, "findings").len(), 2);
    assert!(!audit_view.contains("action=\"/findings/triage\""), "the auditor is offered decisions");

    // Each filter narrows the list; every one keeps its value in the form.
    for (query, expected) in [
        (format!("supplier={own_s}"), 1),
        (format!("offering={own_o}"), 1),
        (format!("release={own_r}"), 1),
        ("kev=yes".to_owned(), 2),
        ("kev=no".to_owned(), 0),
        ("severity=critical".to_owned(), 2),
        ("status=under_investigation".to_owned(), 2),
        ("status=not_affected".to_owned(), 0),
        ("q=left-pad".to_owned(), 2),
        (format!("q={FIXTURE_CVE}"), 2),
        ("q=no-such-package".to_owned(), 0),
        (format!("vulnerability={FIXTURE_ADVISORY}"), 2),
        ("state=all".to_owned(), 2),
    ] {
        let (status, body) = page(&w, ANALYST, &format!("/findings?{query}")).await?;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(table_rows(&body, "findings").len(), expected, "{query}");
        if expected == 0 {
            assert!(body.contains("No finding matches these filters."), "{query}");
        }
    }
    let (_, body) = page(&w, ANALYST, &format!("/findings?release={own_r}")).await?;
    assert!(
        body.contains("Release <a href=\"/releases/") && body.contains("Own Product 1.0"),
        "the release is not named"
    );
    // A malformed filter is a 400 that says which.
    for (query, word) in [("severity=dire", "severity"), ("offering=nope", "Offering"), ("status=maybe", "status")] {
        let (status, body) = page(&w, ANALYST, &format!("/findings?{query}")).await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(body.contains("This filter cannot be used") && body.contains(word), "{query}: {body}");
    }

    // Pages of 50, the filter carried into the links.
    more_advisories(&w, 55).await?;
    let (_, body) = page(&w, ANALYST, "/findings").await?;
    assert_eq!(table_rows(&body, "findings").len(), 50);
    assert!(body.contains("1–50 of 112") && body.contains("href=\"/findings?offset=50\""), "no pager");
    let (_, body) = page(&w, ANALYST, &format!("/findings?supplier={own_s}&offset=50")).await?;
    assert_eq!(table_rows(&body, "findings").len(), 6);
    let pager = body.split("class=\"pager\"").nth(1).unwrap_or_default().split("</nav>").next().unwrap_or_default();
    assert!(
        pager.contains(&format!("/findings?supplier={own_s}&#38;offset=0")),
        "the previous page loses the filter: {pager}"
    );
    // The KEV finding stays first: most urgent first.
    let (_, body) = page(&w, SUPPLIER, "/findings").await?;
    let rows = table_rows(&body, "findings");
    assert_eq!(rows[0][1], format!("{FIXTURE_CVE} KEV"), "{rows:?}");
    w.stop().await
}

#[tokio::test]
async fn bulk_decisions_are_recorded_with_history_and_broken_ones_refused_with_422() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let (own, other) = (w.own_finding.to_string(), w.other_finding.to_string());
    let back = "/findings?kev=yes";

    // not_affected without a justification breaks the VEX rules: 422 on the list, the ticks kept.
    let response = w
        .post_form(
            ANALYST,
            "/findings/triage",
            &[
                ("finding", &own),
                ("finding", &other),
                ("status", "not_affected"),
                ("justification", ""),
                ("detail", "we never call it"),
                ("scope", "finding"),
                ("back", back),
            ],
        )
        .await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await?;
    assert!(body.contains("not_affected needs a justification"), "{body}");
    assert!(body.contains(&format!("value=\"{own}\" id=\"f-{own}\" checked")), "the ticks are lost");
    assert!(body.contains("we never call it"), "the why is lost");
    assert_eq!(table_rows(&body, "findings").len(), 2, "the list with its filter is shown again");
    // No why, no finding, a response with not_affected: refused as well.
    for fields in [
        vec![("finding", own.as_str()), ("status", "fixed"), ("detail", "  ")],
        vec![("status", "fixed"), ("detail", "why")],
        vec![("finding", own.as_str()), ("status", "fixed"), ("response", "update"), ("detail", "why")],
        vec![("finding", "not-an-id"), ("status", "fixed"), ("detail", "why")],
    ] {
        let response = w.post_form(ANALYST, "/findings/triage", &fields).await?;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
    }
    for id in [w.own_finding, w.other_finding] {
        assert_eq!(w.store.get_finding(id).await?.0.triage.status, VexStatus::UnderInvestigation);
    }

    // With a justification: both recorded, and back to the list as it was.
    let response = w
        .post_form(
            ANALYST,
            "/findings/triage",
            &[
                ("finding", &own),
                ("finding", &other),
                ("status", "not_affected"),
                ("justification", "vulnerable_code_not_in_execute_path"),
                ("detail", "we never call it"),
                ("back", back),
            ],
        )
        .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), back);
    for id in [w.own_finding, w.other_finding] {
        let (finding, history) = w.store.get_finding(id).await?;
        assert_eq!(finding.triage.status, VexStatus::NotAffected);
        // The first entry is the finding's first match.
        assert_eq!(history.len(), 2, "{history:?}");
    }
    let (_, body) = page(&w, ANALYST, back).await?;
    let rows = table_rows(&body, "findings");
    assert!(rows.iter().all(|r| r[7] == "Not affected: Vulnerable code not in execute path"), "{rows:?}");

    // The supplier's user decides on its own finding from the finding's page; a broken
    // decision comes back on that page.
    let own_page = format!("/findings/{own}");
    let response = w
        .post_form(
            SUPPLIER,
            "/findings/triage",
            &[("finding", &own), ("status", "not_affected"), ("detail", "x"), ("back", &own_page)],
        )
        .await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await?;
    assert!(body.contains("<h1>CVE-2099-0001 in left-pad 1.3.0</h1>") && body.contains("needs a justification"));
    let response = w
        .post_form(
            SUPPLIER,
            "/findings/triage",
            &[
                ("finding", &own),
                ("status", "affected"),
                ("response", "update"),
                ("detail", "upgrading to 1.3.1 in the next release"),
                ("scope", "offering"),
                ("back", &own_page),
            ],
        )
        .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), own_page);

    // The finding's page: facts, the KEV entry and the history, newest first, with who and why.
    let (status, body) = page(&w, SUPPLIER, &own_page).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fact(&body, "Triage").split(" (").next(), Some("Affected: Update"), "{body}");
    assert_eq!(fact(&body, "Fixed in"), "1.3.1");
    assert!(fact(&body, "CVSS").starts_with("9.8"), "{}", fact(&body, "CVSS"));
    assert_eq!(fact(&body, "Due date"), "2099-01-22");
    assert_eq!(fact(&body, "Ransomware use"), "known");
    assert!(fact(&body, "Verdict").contains("fixed 1.3.1"), "{}", fact(&body, "Verdict"));
    let history = table_rows(&body, "history");
    assert_eq!(history.len(), 3, "{history:?}");
    assert_eq!(history[0][1], "user:supplier-user");
    assert_eq!(history[0][2], "Affected: Update");
    assert_eq!(history[0][3], "upgrading to 1.3.1 in the next release");
    assert_eq!(history[1][1], "user:analyst-user");
    assert_eq!(history[2][4], "match");
    assert_eq!(history[1][3], "we never call it");
    // Every change is in the audit log.
    let audit = w.store.list_audit(&chainward_store::AuditFilter::default(), chainward_store::Page::default()).await?;
    let triaged = audit.items.iter().filter(|e| e.action.contains("triage")).count();
    assert!(triaged >= 3, "{:?}", audit.items.iter().map(|e| &e.action).collect::<Vec<_>>());
    w.stop().await
}

#[tokio::test]
async fn the_vulnerability_page_shows_advisories_kev_and_affected_offerings() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    for id in [FIXTURE_CVE, FIXTURE_ADVISORY] {
        let (status, body) = page(&w, ANALYST, &format!("/vulnerabilities/{id}")).await?;
        assert_eq!(status, StatusCode::OK, "{id}");
        assert!(body.contains(&format!("<h1>{id} <span class=\"tag bad\">KEV</span></h1>")), "{id}: no KEV badge");
        assert!(
            body.contains(&format!("<h3>{FIXTURE_ADVISORY}</h3>")) && body.contains("padding overflow in left-pad")
        );
        assert_eq!(fact(&body, "Also known as"), FIXTURE_CVE);
        assert_eq!(fact(&body, "Severity"), "Critical");
        assert_eq!(fact(&body, "Due date"), "2099-01-22");
        assert_eq!(fact(&body, "Ransomware use"), "known");
        assert_eq!(fact(&body, "Required action"), "Update to 1.3.1.");
        let rows = table_rows(&body, "findings");
        let offerings: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(offerings.len(), 2, "{rows:?}");
        assert!(offerings.contains(&"Own Product") && offerings.contains(&"Other Product"), "{rows:?}");
        assert!(body.contains("2 active findings in 2 offerings of 2 suppliers"), "{body}");
    }
    // A withdrawn advisory is marked.
    let record = json!({
        "id": "GHSA-wwww-wwww-wwww", "modified": "2099-02-01T00:00:00Z", "withdrawn": "2099-02-01T00:00:00Z",
        "aliases": ["CVE-2099-0002"], "summary": "withdrawn fixture",
        "affected": [{"package": {"ecosystem": "npm", "name": "nothing-here"}, "versions": ["1.0.0"]}]
    });
    let advisory: chainward_core::vuln::osv::Advisory = serde_json::from_value(record.clone())?;
    let row = chainward_server::monitoring::new_advisory(&advisory, record.to_string(), "fixture");
    w.store.upsert_advisories(vec![row]).await?;
    let (status, body) = page(&w, SUPPLIER, "/vulnerabilities/CVE-2099-0002").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("withdrawn 2099-02-01") && body.contains("Not in the CISA catalogue"), "{body}");
    assert!(body.contains("No finding of this vulnerability"), "{body}");
    // An id nobody knows is not found.
    let (status, _) = page(&w, ANALYST, "/vulnerabilities/CVE-1999-0000").await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    w.stop().await
}

/// A zip of `entries` (name, bytes).
fn zip_of(entries: &[(&str, &[u8])]) -> Result<Vec<u8>, Error> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        writer.start_file(*name, zip::write::SimpleFileOptions::default())?;
        writer.write_all(bytes)?;
    }
    Ok(writer.finish()?.into_inner())
}

/// Stores a CycloneDX SBOM with `purl` as release `version` of the own offering.
pub(crate) async fn sbom_with(w: &World, version: &str, name: &str, purl: &str) -> Result<ReleaseId, Error> {
    let (_, own_o, _) = w.own;
    let bom = json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "metadata": {"component": {"type": "application", "name": "Own Product", "version": version}},
        "components": [{"type": "library", "name": name, "version": "2.2.0", "purl": purl}]
    });
    let request = chainward_server::transparency::IngestRequest {
        offering: own_o.to_string(),
        release: Some(version.into()),
        file_name: Some("app.cdx.json".into()),
        ..Default::default()
    };
    let outcome =
        chainward_server::transparency::ingest(&*w.store, serde_json::to_vec(&bom)?, request, Default::default())
            .await
            .map_err(|e| format!("SBOM: {e}"))?;
    let summary = w.store.get_sbom(outcome.report.sbom.id).await?;
    Ok(summary.release)
}

#[tokio::test]
async fn feed_uploads_import_the_real_dumps_and_show_their_reports() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let passport = sbom_with(&w, "2.0", "@fastify/passport", "pkg:npm/%40fastify/passport@2.2.0").await?;

    // The feeds page: the fixture KEV import, and the upload forms for the analyst only.
    let (status, body) = page(&w, ANALYST, "/feeds").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("action=\"/feeds/osv\"") && body.contains("action=\"/feeds/kev\""));
    assert_eq!(fact(&body, "CISA KEV entries").split(' ').next(), Some("1"));
    let (_, auditor) = page(&w, AUDITOR, "/feeds").await?;
    assert!(auditor.contains("fixture-kev.json") && !auditor.contains("action=\"/feeds/osv\""));

    // npm.zip: seven advisories, one of which affects @fastify/passport 2.2.0.
    let npm = std::fs::read(data_file("osv/npm.zip")?)?;
    let response = upload(&w, ANALYST, "/feeds/osv", &[], Some(("npm.zip", npm.clone()))).send().await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await?);
    let report = location(&response);
    assert!(report.starts_with("/feeds/imports/"), "{report}");
    let (status, body) = page(&w, AUDITOR, &report).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("<h1>OSV import of npm.zip</h1>"), "{body}");
    for (name, value) in [("Records read", "7"), ("New", "7"), ("Updated", "0"), ("Unchanged", "0"), ("Refused", "0")] {
        assert_eq!(fact(&body, name), value, "{name}");
    }
    assert_eq!(fact(&body, "New findings"), "1");
    assert!(body.contains("None: every record was read."));
    let findings = w
        .store
        .list_findings(
            &chainward_store::monitoring::FindingFilter { release: Some(passport), ..Default::default() },
            chainward_store::Page::default(),
        )
        .await?;
    assert_eq!(findings.items.len(), 1);
    assert_eq!(findings.items[0].advisory_id, "GHSA-2ccf-ffrj-m4qw");
    // Again: nothing new.
    let response = upload(&w, ANALYST, "/feeds/osv", &[], Some(("npm.zip", npm))).send().await?;
    let (_, body) = page(&w, ANALYST, &location(&response)).await?;
    assert_eq!((fact(&body, "New"), fact(&body, "Unchanged")), ("0".to_owned(), "7".to_owned()));
    // Maven.zip too; the feeds page lists both sources and the imports.
    let maven = std::fs::read(data_file("osv/Maven.zip")?)?;
    let response = upload(&w, ANALYST, "/feeds/osv", &[], Some(("Maven.zip", maven))).send().await?;
    let (_, body) = page(&w, ANALYST, &location(&response)).await?;
    assert_eq!(fact(&body, "New"), "11");
    let (_, body) = page(&w, ANALYST, "/feeds").await?;
    let sources = table_rows(&body, "sources");
    assert!(sources.iter().any(|r| r[0] == "npm.zip" && r[1] == "7"), "{sources:?}");
    assert!(sources.iter().any(|r| r[0] == "Maven.zip" && r[1] == "11"), "{sources:?}");
    assert_eq!(table_rows(&body, "imports").len(), 4, "the fixture KEV and three OSV imports");

    // A dump with a broken record: the rest is imported, the record is in the report.
    let record = json!({"id": "GHSA-good-good-good", "modified": "2099-03-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "npm", "name": "whatever"}, "versions": ["1.0.0"]}]});
    let nonsense = json!({"id": "GHSA-odd-odd-odd", "modified": "2099-03-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "npm", "name": "whatever"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0.0.0.0-💥"}]}]}]});
    let zip = zip_of(&[
        ("GHSA-good-good-good.json", record.to_string().as_bytes()),
        ("odd.json", nonsense.to_string().as_bytes()),
        ("broken.json", b"{ not json"),
    ])?;
    let response = upload(&w, ANALYST, "/feeds/osv", &[], Some(("mixed.zip", zip))).send().await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, body) = page(&w, ANALYST, &location(&response)).await?;
    assert_eq!((fact(&body, "New"), fact(&body, "Refused")), ("2".to_owned(), "1".to_owned()));
    let warnings = table_rows(&body, "warnings");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!((warnings[0][0].as_str(), warnings[0][1].as_str()), ("odd.json", "osv-range-not-evaluable"));
    assert!(warnings[0][2].contains("GHSA-odd-odd-odd"), "{warnings:?}");
    let errors = table_rows(&body, "problems");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0][0], "broken.json");
    assert!(!errors[0][1].is_empty() && !errors[0][2].is_empty(), "{errors:?}");
    // Not a zip at all, or no file: 422 on the feeds page, nothing recorded.
    let response = upload(&w, ANALYST, "/feeds/osv", &[], Some(("npm.zip", b"not a zip".to_vec()))).send().await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await?.contains("npm.zip was not imported"));
    let response = upload(&w, ANALYST, "/feeds/osv", &[], None).send().await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The real KEV catalogue, JSON then CSV.
    for file in ["known_exploited_vulnerabilities.json", "known_exploited_vulnerabilities.csv"] {
        let bytes = std::fs::read(data_file(&format!("kev/{file}"))?)?;
        let response = upload(&w, ANALYST, "/feeds/kev", &[], Some((file, bytes))).send().await?;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{file}");
        let (_, body) = page(&w, ANALYST, &location(&response)).await?;
        assert!(body.contains(&format!("<h1>KEV import of {file}</h1>")), "{file}");
        let read: u64 = fact(&body, "Records read").parse()?;
        assert!(read > 1000, "{file}: {read} records");
        if file.ends_with(".json") {
            assert_eq!(fact(&body, "New").parse::<u64>()?, read, "{file}");
        } else {
            assert_eq!(fact(&body, "New"), "0", "{file}: the CSV holds the same entries");
        }
    }
    let response = upload(&w, ANALYST, "/feeds/kev", &[], Some(("kev.csv", b"hello".to_vec()))).send().await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // An import that is not there.
    let (status, _) = page(&w, ANALYST, &format!("/feeds/imports/{}", uuid::Uuid::now_v7())).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    w.stop().await
}

#[tokio::test]
async fn a_release_summarises_its_findings_and_vex_goes_out_and_back_in() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let (_, _, own_r) = w.own;
    let release = format!("/releases/{own_r}");

    let (status, body) = page(&w, SUPPLIER, &release).await?;
    assert_eq!(status, StatusCode::OK);
    for (name, value) in
        [("Active findings", "1"), ("Critical", "1"), ("High", "0"), ("In CISA KEV", "1"), ("Under investigation", "1")]
    {
        assert_eq!(fact(&body, name), value, "{name}");
    }
    assert!(body.contains(&format!("href=\"/findings?release={own_r}\"")));
    assert!(body.contains(&format!("action=\"/releases/{own_r}/vex\"")), "no VEX upload for the supplier");
    let (_, auditor) = page(&w, AUDITOR, &release).await?;
    assert!(!auditor.contains(&format!("action=\"/releases/{own_r}/vex\"")), "the auditor may not apply VEX");

    // Out: both formats, as JSON naming the fixture vulnerability.
    for (format, marker) in [("cyclonedx", "vulnerabilities"), ("openvex", "statements")] {
        let response = w.ui(SUPPLIER, reqwest::Method::GET, &format!("{release}/vex?format={format}")).send().await?;
        assert_eq!(response.status(), StatusCode::OK, "{format}");
        let disposition = response
            .headers()
            .get(reqwest::header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(disposition.starts_with("attachment; filename=\"own-product-1.0."), "{disposition}");
        let document: Value = response.json().await?;
        assert_eq!(document[marker].as_array().map(Vec::len), Some(1), "{format}: {document}");
        assert!(document.to_string().contains(FIXTURE_CVE), "{format}: {document}");
    }
    let (status, _) = page(&w, SUPPLIER, &format!("{release}/vex?format=pdf")).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // In: an OpenVEX statement becomes the finding's decision.
    let vex = json!({
        "@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/own-1",
        "author": "Own Co PSIRT", "timestamp": "2099-01-03T00:00:00Z", "version": 1,
        "statements": [
            {"vulnerability": {"name": FIXTURE_CVE}, "products": [{"@id": "pkg:npm/left-pad@1.3.0"}],
             "status": "not_affected", "justification": "vulnerable_code_not_present",
             "impact_statement": "our build strips the padding code"},
            {"vulnerability": {"name": "CVE-2099-9999"}, "products": [{"@id": "pkg:npm/left-pad@1.3.0"}],
             "status": "fixed"}
        ]
    });
    let response =
        upload(&w, SUPPLIER, &format!("{release}/vex"), &[], Some(("own.openvex.json", serde_json::to_vec(&vex)?)))
            .send()
            .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await?;
    assert_eq!(fact(&body, "Format"), "OpenVEX");
    assert_eq!(fact(&body, "Statements"), "2");
    assert_eq!(fact(&body, "Findings changed"), "1");
    assert!(body.contains("CVE-2099-9999 for pkg:npm/left-pad@1.3.0"), "the unmatched statement is not listed: {body}");
    let (finding, history) = w.store.get_finding(w.own_finding).await?;
    assert_eq!(finding.triage.status, VexStatus::NotAffected);
    assert_eq!(history.last().map(|h| h.source.as_str()), Some("vex:own.openvex.json"));
    let (_, body) = page(&w, SUPPLIER, &format!("/findings/{}", w.own_finding)).await?;
    assert!(table_rows(&body, "history")[0][3].contains("strips the padding code"));
    // Not a VEX document, or no file: 422, nothing changed.
    for file in [Some(("notes.txt", b"hello".to_vec())), None] {
        let response = upload(&w, SUPPLIER, &format!("{release}/vex"), &[], file).send().await?;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(w.store.get_finding(w.own_finding).await?.1.len(), 2);
    w.stop().await
}
