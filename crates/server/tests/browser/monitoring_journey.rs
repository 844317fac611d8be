//! The monitoring journey in a real headless Chromium: an analyst signs in, imports the
//! real npm OSV dump on the feeds page, uploads a small CycloneDX SBOM naming
//! `@fastify/passport` 2.2.0 (affected by GHSA-2ccf-ffrj-m4qw, CVE-2023-29020) to a
//! release of an offering, finds the finding in the findings list, ticks it and records a
//! bulk "not affected" decision with its justification, sees the new state and the history
//! on the finding's page, and opens the vulnerability's page. A failing step leaves a
//! screenshot under `$CARGO_TARGET_TMPDIR/browser-failures/`.

use std::sync::Arc;

use chainward_core::model::{OfferingData, OfferingKind, Role};
use chainward_core::vuln::vex::VexStatus;
use chainward_server::{ServerConfig, launch};
use chainward_store::Store;

use super::journey::{sign_in, supplier, user, write_file};
use super::webdriver::{Browser, ensure};
use crate::sbom_pages::data_file;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The SBOM the analyst uploads: one npm component that the npm dump's
/// GHSA-2ccf-ffrj-m4qw affects (2.0.0 ≤ v < 2.3.0).
const SBOM: &str = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
  "metadata": {"component": {"type": "application", "name": "Login Portal", "version": "3.1"}},
  "components": [
    {"type": "library", "name": "passport", "group": "@fastify", "version": "2.2.0",
     "purl": "pkg:npm/%40fastify/passport@2.2.0"}
  ]
}"#;

#[tokio::test]
async fn an_analyst_imports_advisories_triages_a_finding_and_reads_the_vulnerability_in_chromium() -> TestResult {
    let store: Arc<dyn Store> = chainward_store::open("sqlite::memory:").await?;
    let vendor = store.create_supplier(supplier("Auth Widgets Ltd")?).await?;
    let offering = store
        .create_offering(OfferingData {
            supplier: vendor.id,
            name: "Login Portal".into(),
            kind: OfferingKind::Software,
            description: None,
        })
        .await?;
    user(&*store, "ana", Role::Analyst, None).await?;
    let npm = data_file("osv/npm.zip")?;
    let sbom = write_file("portal.cdx.json", SBOM)?;
    let config = ServerConfig { listen: "127.0.0.1:0".parse()?, ..ServerConfig::default() };
    let server = launch(config, Arc::clone(&store)).await?;
    let base = server.base_url();
    let browser = Browser::start().await?;

    browser.step("the analyst signs in", async |b| sign_in(b, &base, "ana").await).await?;

    browser
        .step("the analyst imports the npm OSV dump on the feeds page", async |b| {
            b.find("nav a[href='/feeds']").await?.click().await?;
            b.find_with_text("h1", "Advisory feeds").await?;
            b.find("#osv-file").await?.send_keys(&npm.display().to_string()).await?;
            b.find("form[action='/feeds/osv'] button[type=submit]").await?.click().await?;
            b.find_with_text("h1", "OSV import of npm.zip").await?;
            let flash = b.find("p.flash").await?.text().await?;
            ensure(flash.contains("7 new"), format!("the import says {flash:?}"))?;
            let refused = b.find("dl.counts").await?.text().await?;
            ensure(refused.contains("Refused\n0") || refused.contains("Refused 0"), format!("the report: {refused:?}"))
        })
        .await?;

    browser
        .step("the analyst uploads the SBOM to a release of the offering", async |b| {
            b.goto(&format!("{base}/offerings/{}/sboms/new", offering.id)).await?;
            b.find("#release").await?.send_keys("3.1").await?;
            b.find("#file").await?.send_keys(&sbom.display().to_string()).await?;
            b.find(&format!("form[action='/offerings/{}/sboms'] button[type=submit]", offering.id))
                .await?
                .click()
                .await?;
            b.find_with_text("h1", "SBOM of Login Portal 3.1").await?;
            Ok(())
        })
        .await?;

    browser
        .step("the findings list shows the finding", async |b| {
            b.find("nav a[href='/findings']").await?.click().await?;
            b.find_with_text("h1", "Findings").await?;
            let row = b.find_with_text("table.findings tbody tr", "passport").await?.text().await?;
            ensure(row.contains("CVE-2023-29020"), format!("the row is {row:?}"))?;
            ensure(row.contains("Under investigation"), format!("the row is {row:?}"))
        })
        .await?;

    browser
        .step("the analyst ticks it and records a bulk not-affected decision", async |b| {
            b.find("table.findings tbody input[type=checkbox][name=finding]").await?.click().await?;
            b.find("#t-status option[value='not_affected']").await?.click().await?;
            b.find("#t-justification option[value='vulnerable_code_not_in_execute_path']").await?.click().await?;
            b.find("#t-detail").await?.send_keys("The portal never enables the CSRF plug-in path.").await?;
            b.find("form[action='/findings/triage'] button[type=submit]").await?.click().await?;
            let flash = b.find_with_text("p.flash", "recorded").await?.text().await?;
            ensure(flash.contains("1 of 1 finding changed"), format!("the notice is {flash:?}"))?;
            let row = b.find_with_text("table.findings tbody tr", "passport").await?.text().await?;
            ensure(
                row.contains("Not affected: Vulnerable code not in execute path"),
                format!("the row after the decision is {row:?}"),
            )
        })
        .await?;

    browser
        .step("the finding's page shows the state and the history", async |b| {
            b.find_with_text("table.findings tbody tr a", "Details").await?.click().await?;
            b.find_with_text("h1", "CVE-2023-29020 in @fastify/passport 2.2.0").await?;
            let decision = b.find("dd.decision").await?.text().await?;
            ensure(decision.starts_with("Not affected"), format!("the state is {decision:?}"))?;
            let newest = b.find("table.history tbody tr").await?.text().await?;
            ensure(
                newest.contains("user:ana") && newest.contains("never enables the CSRF plug-in path"),
                format!("the newest history entry is {newest:?}"),
            )?;
            let fixed = b.find_with_text("dl.facts dd", "2.3.0").await?.text().await?;
            ensure(fixed.contains("1.1.0"), format!("the fixed versions are {fixed:?}"))
        })
        .await?;

    browser
        .step("the analyst opens the vulnerability's page", async |b| {
            b.find_with_text("dl.facts dd a", "CVE-2023-29020").await?.click().await?;
            b.find_with_text("h1", "CVE-2023-29020").await?;
            b.find_with_text("article.advisory h3", "GHSA-2ccf-ffrj-m4qw").await?;
            b.find_with_text("article.advisory", "CSRF token fixation in fastify-passport").await?;
            let row = b.find_with_text("table.findings tbody tr", "Login Portal").await?.text().await?;
            ensure(row.contains("Auth Widgets Ltd") && row.contains("3.1"), format!("the affected row is {row:?}"))
        })
        .await?;

    browser.quit().await?;
    // The decision is the store's, with its history.
    let findings = store.list_findings(&Default::default(), chainward_store::Page::default()).await?;
    let [finding] = findings.items.as_slice() else { return Err(format!("{} findings", findings.items.len()).into()) };
    assert_eq!(finding.triage.status, VexStatus::NotAffected);
    server.shutdown().await?;
    Ok(())
}
