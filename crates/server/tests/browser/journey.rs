//! The main journey of the web UI in a real headless Chromium: an analyst signs in,
//! creates a supplier, uploads a CSV of its subcontractors, and looks at its chain picture;
//! then a supplier's user signs in and cannot reach another supplier's page. A failing
//! step leaves a screenshot under `$CARGO_TARGET_TMPDIR/browser-failures/`.

use std::path::PathBuf;
use std::sync::Arc;

use chainward_core::access::NewUser;
use chainward_core::model::{Role, SupplierData};
use chainward_server::{ServerConfig, launch};
use chainward_store::Store;
use serde_json::json;

use super::webdriver::{Browser, BrowserError, ensure};

type TestResult = Result<(), Box<dyn std::error::Error>>;

pub(super) const PASSWORD: &str = "a sound browser passphrase";

pub(super) fn supplier(name: &str) -> Result<SupplierData, serde_json::Error> {
    serde_json::from_value(json!({
        "name": name, "legal_ids": {}, "kind": "hosting", "country": null, "tier": 3,
        "status": "active", "data_access": "none", "description": null, "website": null,
        "security_contact": {}, "incident_contact": {}, "account_contact": {}, "owners": []
    }))
}

pub(super) async fn user(
    store: &dyn Store,
    name: &str,
    role: Role,
    supplier: Option<chainward_core::model::SupplierId>,
) -> TestResult {
    let hash = chainward_server::auth::hash_password(PASSWORD)?;
    store
        .create_user(NewUser {
            username: name.into(),
            display_name: String::new(),
            email: None,
            role,
            supplier,
            password_hash: hash,
            must_change_password: false,
        })
        .await?;
    Ok(())
}

pub(super) fn write_file(name: &str, text: &str) -> Result<PathBuf, std::io::Error> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-uploads").join(uuid::Uuid::now_v7().to_string());
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(name);
    std::fs::write(&path, text)?;
    Ok(path)
}

pub(super) async fn sign_in(b: &Browser, base: &str, username: &str) -> Result<(), BrowserError> {
    b.goto(&format!("{base}/login")).await?;
    b.find("#username").await?.send_keys(username).await?;
    b.find("#password").await?.send_keys(PASSWORD).await?;
    b.find("form[action='/login'] button[type=submit]").await?.click().await?;
    // Signed in: the sign-out button of the layout is there.
    b.find("form[action='/logout']").await?;
    Ok(())
}

#[tokio::test]
async fn analyst_journey_and_supplier_isolation_in_chromium() -> TestResult {
    let store: Arc<dyn Store> = chainward_store::open("sqlite::memory:").await?;
    let own = store.create_supplier(supplier("Portal Supplier Ltd")?).await?;
    let other = store.create_supplier(supplier("Secret Rival GmbH")?).await?;
    user(&*store, "ana", Role::Analyst, None).await?;
    user(&*store, "sam", Role::Supplier, Some(own.id)).await?;
    let config = ServerConfig { listen: "127.0.0.1:0".parse()?, ..ServerConfig::default() };
    let server = launch(config, Arc::clone(&store)).await?;
    let base = server.base_url();
    let suppliers_csv = write_file(
        "suppliers.csv",
        "name,kind,tier\nFourth Party Hosting,hosting,2\nDeep Kernel Ltd,software-vendor,3\n",
    )?;
    let links_csv = write_file(
        "subcontracts.csv",
        "supplier,subcontractor,scope,since,handles_our_data\n\
         Browser Made Co,Fourth Party Hosting,hosting of the portal,,true\n\
         Fourth Party Hosting,Deep Kernel Ltd,kernel maintenance,,false\n",
    )?;
    let browser = Browser::start().await?;

    browser.step("an analyst signs in", async |b| sign_in(b, &base, "ana").await).await?;

    browser
        .step("the analyst creates a supplier", async |b| {
            b.goto(&format!("{base}/suppliers/new")).await?;
            b.find("#name").await?.send_keys("Browser Made Co").await?;
            b.find("#kind option[value='software-vendor']").await?.click().await?;
            b.find("#tier option[value='1']").await?.click().await?;
            b.find("form.stacked button[type=submit]").await?.click().await?;
            let heading = b.find_with_text("h1", "Browser Made Co").await?.text().await?;
            ensure(heading.contains("Browser Made Co"), format!("the supplier page is headed {heading:?}"))
        })
        .await?;
    let created = store.find_supplier("Browser Made Co").await?;
    assert_eq!(created.data.tier.to_string(), "1");

    browser
        .step("the analyst uploads the subcontractors as CSV", async |b| {
            b.goto(&format!("{base}/import")).await?;
            let files = format!("{}\n{}", suppliers_csv.display(), links_csv.display());
            b.find("#file").await?.send_keys(&files).await?;
            b.find("form[action='/import'] button[type=submit]").await?.click().await?;
            b.find_with_text("h1", "Import report").await?;
            let source = b.page_source().await?;
            ensure(
                source.contains("subcontracts.csv") && source.contains("suppliers.csv"),
                "the report names the files",
            )?;
            ensure(!source.contains("tag bad\">no"), "the report says nothing was written")
        })
        .await?;
    assert!(store.find_supplier("Deep Kernel Ltd").await.is_ok(), "the CSV rows were not written");

    browser
        .step("the analyst looks at the chain picture", async |b| {
            b.goto(&format!("{base}/suppliers/{}", created.id)).await?;
            let img = b.find("#chain img").await?;
            let src = img.attr("src").await?.unwrap_or_default();
            ensure(src.ends_with("/chain.svg"), format!("the picture's source is {src:?}"))?;
            let alt = img.attr("alt").await?.unwrap_or_default();
            ensure(!alt.trim().is_empty(), "the picture has no text alternative")?;
            b.goto(&format!("{base}{src}")).await?;
            let svg = b.page_source().await?;
            ensure(svg.contains("<svg"), "the picture is not SVG")?;
            for name in ["Browser Made Co", "Fourth Party Hosting", "Deep Kernel Ltd"] {
                ensure(svg.contains(name), format!("the chain picture does not show {name}"))?;
            }
            Ok(())
        })
        .await?;

    browser
        .step("the analyst signs out", async |b| {
            b.goto(&format!("{base}/account")).await?;
            b.find("form[action='/logout'] button").await?.click().await?;
            b.find("#username").await?;
            Ok(())
        })
        .await?;

    browser.step("a supplier's user signs in", async |b| sign_in(b, &base, "sam").await).await?;

    browser
        .step("the supplier's user cannot reach another supplier", async |b| {
            b.goto(&format!("{base}/suppliers/{}", other.id)).await?;
            b.find_with_text("h1", "Not found").await?;
            let source = b.page_source().await?;
            ensure(!source.contains("Secret Rival"), "the page names the other supplier")?;
            b.goto(&format!("{base}/suppliers/{}/chain.svg", other.id)).await?;
            ensure(!b.page_source().await?.contains("Secret Rival"), "the picture names the other supplier")?;
            b.goto(&format!("{base}/suppliers?q=Secret")).await?;
            ensure(!b.page_source().await?.contains("Secret Rival"), "the search shows the other supplier")?;
            b.goto(&format!("{base}/")).await?;
            b.find_with_text("h1", "Portal Supplier Ltd").await?;
            Ok(())
        })
        .await?;

    browser.quit().await?;
    server.shutdown().await?;
    Ok(())
}
