//! The transparency journey in a real headless Chromium: a supplier's user signs in, opens
//! its offering, uploads a real CycloneDX SBOM through the file input, lands on the SBOM's
//! page with its components and quality table, and searches the components by name. A
//! failing step leaves a screenshot under `$CARGO_TARGET_TMPDIR/browser-failures/`.

use std::sync::Arc;

use chainward_core::model::{OfferingData, OfferingKind, Role};
use chainward_server::{ServerConfig, launch};
use chainward_store::Store;

use super::journey::{sign_in, supplier, user};
use super::webdriver::{Browser, ensure};
use crate::sbom_pages::{CERN_BOM, data_file};

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn a_supplier_uploads_an_sbom_and_searches_its_components_in_chromium() -> TestResult {
    let store: Arc<dyn Store> = chainward_store::open("sqlite::memory:").await?;
    let own = store.create_supplier(supplier("Portal Vendor Ltd")?).await?;
    let offering = store
        .create_offering(OfferingData {
            supplier: own.id,
            name: "Beam Editor".into(),
            kind: OfferingKind::Software,
            description: None,
        })
        .await?;
    user(&*store, "vera", Role::Supplier, Some(own.id)).await?;
    let bom = data_file(CERN_BOM)?;
    let config = ServerConfig { listen: "127.0.0.1:0".parse()?, ..ServerConfig::default() };
    let server = launch(config, Arc::clone(&store)).await?;
    let base = server.base_url();
    let browser = Browser::start().await?;

    browser.step("the supplier's user signs in", async |b| sign_in(b, &base, "vera").await).await?;

    browser
        .step("the user opens the offering and its upload form", async |b| {
            b.goto(&format!("{base}/offerings")).await?;
            b.find_with_text("a", "Beam Editor").await?.click().await?;
            b.find_with_text("h1", "Beam Editor").await?;
            b.find_with_text("a", "Upload SBOM").await?.click().await?;
            b.find_with_text("h1", "Upload an SBOM").await?;
            Ok(())
        })
        .await?;

    browser
        .step("the user uploads the SBOM through the file input", async |b| {
            b.find("#file").await?.send_keys(&bom.display().to_string()).await?;
            b.find(&format!("form[action='/offerings/{}/sboms'] button[type=submit]", offering.id))
                .await?
                .click()
                .await?;
            b.find_with_text("h1", "SBOM of Beam Editor 0.0.1").await?;
            Ok(())
        })
        .await?;

    let n_rows = browser
        .step("the SBOM page shows the components and the quality table", async |b| {
            let quality = b.find_all("table.quality tbody tr").await?;
            ensure(quality.len() == 11, format!("{} quality rows, expected 11", quality.len()))?;
            let ntia = b.find_with_text("table.quality tbody tr", "Supplier").await?.text().await?;
            ensure(ntia.contains("NTIA"), format!("the supplier row is {ntia:?}"))?;
            b.find_with_text("table.components td", "puppeteer").await?;
            let rows = b.find_all("table.components tbody tr").await?;
            ensure(rows.len() > 5, format!("only {} component rows", rows.len()))?;
            Ok(rows.len())
        })
        .await?;

    browser
        .step("the user searches the components by name", async |b| {
            b.find("#q").await?.send_keys("puppeteer").await?;
            b.find("form[role=search][aria-label='Search the components'] button[type=submit]").await?.click().await?;
            b.find_with_text("a", "Show all").await?;
            let url = b.current_url().await?;
            ensure(url.contains("q=puppeteer"), format!("the search went to {url}"))?;
            let rows = b.find_all("table.components tbody tr").await?;
            ensure(
                !rows.is_empty() && rows.len() < n_rows,
                format!("{} rows of {n_rows} after the search", rows.len()),
            )?;
            for row in rows {
                let text = row.text().await?;
                ensure(text.contains("puppeteer"), format!("a row that does not match: {text:?}"))?;
            }
            Ok(())
        })
        .await?;

    browser.quit().await?;
    server.shutdown().await?;
    Ok(())
}
