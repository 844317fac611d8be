//! The transparency pages end to end: a supplier's user uploads a real CycloneDX SBOM to its
//! own offering and reads it back (components, quality, search, the original bytes), and
//! cannot reach another supplier's; validation without storing shows every problem with its
//! path; two releases whose SBOMs differ in one hash show possible tampering; a baseline and
//! a failing configuration check show the failing rule at its path; component supplier
//! names become aliases; uploads over the limit are refused.

// Test scaffolding indexes its own fixture tables.
#![allow(clippy::indexing_slicing)]

use std::path::PathBuf;

use chainward_store::Page;
use chainward_store::sbom::SbomFilter;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::TestResult;
use crate::access::{World, database};

type Error = Box<dyn std::error::Error>;

const ADMIN: usize = 0;
const ANALYST: usize = 1;
const SUPPLIER: usize = 4;

/// A file of the public test data (`CHAINWARD_DATA`, default `../shared/data` beside the
/// checkout); missing data fails the test loudly.
pub(crate) fn data_file(relative: &str) -> Result<PathBuf, Error> {
    let dir = std::env::var_os("CHAINWARD_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let path = dir.join(relative);
    if !path.is_file() {
        return Err(format!("PUBLIC TEST DATA NOT FOUND: {} (set CHAINWARD_DATA)", path.display()).into());
    }
    // Browsers take only canonical paths for file inputs.
    Ok(std::fs::canonicalize(&path)?)
}

/// A small real SBOM: CycloneDX 1.2 JSON of an npm project, 0.0.1, whose first component is
/// puppeteer.
pub(crate) const CERN_BOM: &str = "cyclonedx/bom-examples/SBOM/cern-lhc-vdm-editor-e564943/bom.json";

fn example(name: &str) -> Result<Vec<u8>, Error> {
    Ok(std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples").join(name))?)
}

/// A multipart upload as role `r`: the CSRF token first, then `fields`, then the file.
pub(crate) fn upload(
    w: &World,
    r: usize,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, Vec<u8>)>,
) -> reqwest::RequestBuilder {
    let mut form = Form::new().text("_csrf", w.sessions[r].1.clone());
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    if let Some((name, bytes)) = file {
        form = form.part("file", Part::bytes(bytes).file_name(name.to_owned()));
    }
    w.ui(r, Method::POST, path).multipart(form)
}

pub(crate) async fn page(w: &World, r: usize, path: &str) -> Result<(StatusCode, String), Error> {
    let response = w.ui(r, Method::GET, path).send().await?;
    Ok((response.status(), response.text().await?))
}

pub(crate) fn location(response: &reqwest::Response) -> String {
    response.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> String {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
}

/// The rows of the `<table class="{class}">` of a page, each as its cells' text.
pub(crate) fn table_rows(body: &str, class: &str) -> Vec<Vec<String>> {
    let Some(table) = body.split(&format!("<table class=\"{class}\">")).nth(1) else { return Vec::new() };
    let table = table.split("</table>").next().unwrap_or("");
    let tbody = table.split("<tbody>").nth(1).unwrap_or("");
    tbody
        .split("<tr")
        .skip(1)
        .map(|row| {
            // Row headers count as cells.
            let row = row.replace("<th", "<td").replace("</th>", "</td>");
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let inner = cell.split_once('>').map_or("", |(_, rest)| rest);
                    let inner = inner.split("</td>").next().unwrap_or("");
                    strip_tags(inner).trim().to_owned()
                })
                .collect()
        })
        .collect()
}

fn strip_tags(html: &str) -> String {
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
    out
}

#[tokio::test]
async fn a_supplier_uploads_an_sbom_and_reads_it_but_never_another_suppliers() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let (_, own_o, _) = w.own;
    let (_, other_o, _) = w.other;
    let bytes = std::fs::read(data_file(CERN_BOM)?)?;

    // The offering page offers the upload to the supplier's user.
    let (status, offering_page) = page(&w, SUPPLIER, &format!("/offerings/{own_o}")).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(offering_page.contains(&format!("href=\"/offerings/{own_o}/sboms/new\"")), "no upload link");
    assert!(offering_page.contains(&format!("href=\"/offerings/{own_o}/diff\"")), "no compare link");
    let (status, form) = page(&w, SUPPLIER, &format!("/offerings/{own_o}/sboms/new")).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("enctype=\"multipart/form-data\"") && form.contains("name=\"strict\""), "{form}");

    // Upload: the release defaults to the version of the SBOM's subject, 0.0.1.
    let response = upload(
        &w,
        SUPPLIER,
        &format!("/offerings/{own_o}/sboms"),
        &[("release", "")],
        Some(("bom.json", bytes.clone())),
    )
    .send()
    .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await?);
    let sbom_page = location(&response);
    assert!(sbom_page.starts_with("/sboms/"), "{sbom_page}");
    let id = sbom_page.trim_start_matches("/sboms/").to_owned();
    let (status, body) = page(&w, SUPPLIER, &sbom_page).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("SBOM of Own Product 0.0.1"), "the heading names offering and release");
    assert!(body.contains("CycloneDX 1.2"), "the format and version are shown");
    let components = table_rows(&body, "components");
    assert!(components.len() > 5, "{components:?}");
    let puppeteer = components.iter().find(|r| r[0] == "puppeteer").ok_or("no puppeteer row")?;
    assert_eq!(puppeteer[1], "1.19.0", "{puppeteer:?}");
    assert_eq!(puppeteer[2], "pkg:npm/puppeteer@1.19.0", "{puppeteer:?}");
    assert!(puppeteer[5].parse::<u32>().is_ok_and(|n| n >= 1), "the hashes are not counted: {puppeteer:?}");
    let quality = table_rows(&body, "bars quality");
    let elements: Vec<(&str, &str)> = quality.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    assert_eq!(elements.len(), 11, "{quality:?}");
    assert!(elements.contains(&("NTIA", "Supplier")) && elements.contains(&("CISA 2025", "Hash")), "{elements:?}");

    // Search narrows the components; a search that finds nothing says so.
    let (_, found) = page(&w, SUPPLIER, &format!("{sbom_page}?q=puppeteer")).await?;
    let rows = table_rows(&found, "components");
    assert!(!rows.is_empty() && rows.iter().all(|r| r.iter().any(|c| c.contains("puppeteer"))), "{rows:?}");
    assert!(rows.len() < components.len());
    let (_, none) = page(&w, SUPPLIER, &format!("{sbom_page}?q=no-such-component-anywhere")).await?;
    assert!(none.contains("No component matches"));

    // The original bytes come back as an attachment, never rendered.
    let response = w.ui(SUPPLIER, Method::GET, &format!("{sbom_page}/content")).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, CONTENT_DISPOSITION), "attachment; filename=\"bom.json\"");
    assert_eq!(header(&response, CONTENT_TYPE), "application/octet-stream");
    assert_eq!(header(&response, reqwest::header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(response.bytes().await?.to_vec(), bytes, "the download differs from the upload");

    // The release page shows it as the latest SBOM, and exports it.
    let stored = w.store.get_sbom(chainward_core::model::SbomId(uuid::Uuid::parse_str(&id)?)).await?;
    let (status, release) = page(&w, SUPPLIER, &format!("/releases/{}", stored.release)).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(release.contains("Latest SBOM") && release.contains(&format!("href=\"/sboms/{id}\"")), "{release}");
    for (format, marker) in [("cyclonedx", "\"bomFormat\""), ("spdx", "\"spdxVersion\"")] {
        let response =
            w.ui(SUPPLIER, Method::GET, &format!("/releases/{}/export?format={format}", stored.release)).send().await?;
        assert_eq!(response.status(), StatusCode::OK, "{format}");
        assert!(header(&response, CONTENT_DISPOSITION).starts_with("attachment; filename=\"Own-Product-0.0.1"));
        assert!(response.text().await?.contains(marker), "{format}");
    }
    let (status, _) = page(&w, SUPPLIER, &format!("/releases/{}/export?format=pdf", stored.release)).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Another supplier's SBOM, its download and its offering's upload answer 404.
    let other_sbom = w.other_sbom;
    for path in [format!("/sboms/{other_sbom}"), format!("/sboms/{other_sbom}/content")] {
        let (status, body) = page(&w, SUPPLIER, &path).await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!body.contains("Other Product") && !body.contains("left-pad"), "{path} shows the other SBOM");
    }
    let response =
        upload(&w, SUPPLIER, &format!("/offerings/{other_o}/sboms"), &[("release", "6.6.6")], Some(("x.json", bytes)))
            .send()
            .await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let others =
        w.store.list_sboms(&SbomFilter { offering: Some(other_o), ..SbomFilter::default() }, Page::FIRST).await?;
    assert_eq!(others.total, 1, "an SBOM was planted on the other supplier's offering");

    // Staff who manage suppliers may delete it; the supplier's user is not offered that.
    assert!(!body_has_delete(&w, SUPPLIER, &sbom_page).await?, "the supplier's user is offered delete");
    assert!(body_has_delete(&w, ADMIN, &sbom_page).await?);
    let response = w.post_form(ADMIN, &format!("{sbom_page}/delete"), &[]).await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("/releases/{}", stored.release));
    assert_eq!(page(&w, ADMIN, &sbom_page).await?.0, StatusCode::NOT_FOUND);
    let (_, release) = page(&w, ADMIN, &format!("/releases/{}", stored.release)).await?;
    assert!(release.contains("No SBOM for this release yet"), "{release}");
    w.stop().await
}

async fn body_has_delete(w: &World, r: usize, path: &str) -> Result<bool, Error> {
    Ok(page(w, r, path).await?.1.contains(&format!("action=\"{path}/delete\"")))
}

#[tokio::test]
async fn validation_shows_every_problem_with_its_path_and_stores_nothing() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let (_, own_o, _) = w.own;
    let invalid = std::fs::read(data_file("cyclonedx/specification/test-resources/1.6/invalid-dependency-1.6.json")?)?;
    let before = w.store.list_sboms(&SbomFilter::default(), Page::FIRST).await?.total;

    let (status, form) = page(&w, SUPPLIER, "/sboms/validate").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("action=\"/sboms/validate\""));
    let response = upload(&w, SUPPLIER, "/sboms/validate", &[], Some(("invalid-dependency-1.6.json", invalid.clone())))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await?;
    assert!(body.contains("<span class=\"tag bad\">invalid</span>"), "the verdict is not invalid: {body}");
    assert!(body.contains("<dd>CycloneDX</dd>") && body.contains("<dd>1.6</dd>") && body.contains("<dd>json</dd>"));
    let problems = table_rows(&body, "problems");
    let dangling: Vec<&Vec<String>> = problems.iter().filter(|p| p[1] == "sbom-dangling-ref").collect();
    assert!(!dangling.is_empty(), "no sbom-dangling-ref in {problems:?}");
    for p in &dangling {
        assert_eq!(p[0], "error", "{p:?}");
        assert!(p[2].starts_with("/dependencies/"), "the problem has no path: {p:?}");
        assert!(!p[3].is_empty(), "{p:?}");
    }
    assert_eq!(w.store.list_sboms(&SbomFilter::default(), Page::FIRST).await?.total, before, "validation stored");

    // Something that is no SBOM at all is told so.
    let response = upload(&w, SUPPLIER, "/sboms/validate", &[], Some(("notes.txt", b"hello".to_vec()))).send().await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await?.contains("could not be read"));

    // Uploading it with "refuse if invalid" stores nothing and lists the problems.
    let response = upload(
        &w,
        SUPPLIER,
        &format!("/offerings/{own_o}/sboms"),
        &[("release", "2.0"), ("strict", "1")],
        Some(("invalid-dependency-1.6.json", invalid.clone())),
    )
    .send()
    .await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await?;
    assert!(body.contains("Not stored") && body.contains("sbom-dangling-ref"), "{body}");
    assert!(body.contains("value=\"2.0\"") && body.contains("checked"), "the form does not keep what was typed");
    assert_eq!(w.store.list_sboms(&SbomFilter::default(), Page::FIRST).await?.total, before, "a strict upload stored");
    // Without it, the document is stored with its problems, which its page lists.
    let response = upload(
        &w,
        SUPPLIER,
        &format!("/offerings/{own_o}/sboms"),
        &[("release", "2.0")],
        Some(("invalid-dependency-1.6.json", invalid)),
    )
    .send()
    .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, body) = page(&w, SUPPLIER, &location(&response)).await?;
    assert!(
        table_rows(&body, "problems").iter().any(|p| p[1] == "sbom-dangling-ref" && p[2].starts_with("/dependencies/"))
    );
    // A file with no version for its product needs the release named.
    let unversioned = json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": []});
    let response = upload(
        &w,
        SUPPLIER,
        &format!("/offerings/{own_o}/sboms"),
        &[("release", "")],
        Some(("bom.json", serde_json::to_vec(&unversioned)?)),
    )
    .send()
    .await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await?.contains("does not say which version"));
    w.stop().await
}

/// A CycloneDX SBOM of `components` as (name, version, SHA-256 of the artefact).
fn bom(components: &[(&str, &str, &str)]) -> Result<Vec<u8>, serde_json::Error> {
    let components: Vec<serde_json::Value> = components
        .iter()
        .map(|(name, version, hash)| {
            json!({
                "type": "library", "name": name, "version": version,
                "purl": format!("pkg:npm/{name}@{version}"),
                "hashes": [{"alg": "SHA-256", "content": hash.repeat(64)}]
            })
        })
        .collect();
    serde_json::to_vec(&json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": components}))
}

/// ```text
/// 2.0: alpha 1.0 #a   beta 1.0 #b   gamma 1.0 #c
/// 3.0: alpha 1.0 #f   beta 2.0 #b                 delta 1.0 #d
///      └ same version, other hash: possible tampering
/// ```
#[tokio::test]
async fn the_diff_of_two_releases_shows_possible_tampering() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let (_, own_o, _) = w.own;
    let old = bom(&[("alpha", "1.0", "a"), ("beta", "1.0", "b"), ("gamma", "1.0", "c")])?;
    let new = bom(&[("alpha", "1.0", "f"), ("beta", "2.0", "b"), ("delta", "1.0", "d")])?;
    for (release, bytes) in [("2.0", old), ("3.0", new)] {
        let response = upload(
            &w,
            SUPPLIER,
            &format!("/offerings/{own_o}/sboms"),
            &[("release", release)],
            Some(("b.json", bytes)),
        )
        .send()
        .await?;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{release}");
    }
    let (status, form) = page(&w, SUPPLIER, &format!("/offerings/{own_o}/diff")).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("<option value=\"2.0\"") && form.contains("<option value=\"3.0\""), "{form}");
    assert!(!form.contains("possible tampering"), "a result without a choice");

    let (status, body) = page(&w, SUPPLIER, &format!("/offerings/{own_o}/diff?from=2.0&to=3.0")).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let warning = body.split("<div class=\"warning\"").nth(1).ok_or("no warning section")?;
    let warning = warning.split("</div>").next().unwrap_or("");
    assert!(warning.contains("possible tampering"), "{warning}");
    assert!(warning.contains("alpha") && warning.contains(&"a".repeat(64)) && warning.contains(&"f".repeat(64)));
    assert!(!warning.contains("beta"), "beta changed its version, not its hash");
    let section = |id: &str| {
        body.split(&format!("<h3 id=\"{id}\">")).nth(1).and_then(|s| s.split("<h3").next()).unwrap_or("").to_owned()
    };
    assert!(section("added").contains("delta") && !section("added").contains("gamma"), "{}", section("added"));
    assert!(section("removed").contains("gamma"), "{}", section("removed"));
    let changed = section("changed");
    assert!(changed.contains("beta") && changed.contains("<td>1.0</td><td>2.0</td>"), "{changed}");
    assert!(body.contains("1 components unchanged"), "{body}");

    let (status, body) = page(&w, SUPPLIER, &format!("/offerings/{own_o}/diff?from=2.0&to=9.9")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("no release") && body.contains("9.9"), "{body}");
    w.stop().await
}

#[tokio::test]
async fn a_baseline_and_a_failing_configuration_check_show_the_rule_at_its_path() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let (_, own_o, _) = w.own;
    let path = format!("/offerings/{own_o}/baseline");
    let (status, body) = page(&w, SUPPLIER, &path).await?;
    assert_eq!(status, StatusCode::OK);
    // The world's fixture baseline is shown; suppliers see it but get no form to change it.
    assert!(body.contains("fixture") && !body.contains("Save the baseline"), "suppliers do not set baselines");

    // A baseline that does not read comes back with why, and is not set.
    let response = upload(&w, ANALYST, &path, &[("source", "name: x\nrules: nope\n")], None).send().await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await?;
    assert!(body.contains("Not set:") && body.contains("rules: nope"), "{body}");
    let kept = w.store.get_baseline(own_o).await?.map(|b| b.name);
    assert_eq!(kept.as_deref(), Some("fixture"), "the fixture baseline is kept");

    let baseline = String::from_utf8(example("baseline-web-tls.yaml")?)?;
    let response = upload(&w, ANALYST, &path, &[("source", &baseline)], None).send().await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await?);
    assert_eq!(location(&response), path);
    let (_, body) = page(&w, SUPPLIER, &path).await?;
    assert!(body.contains("<dd>web-gateway-tls</dd>") && body.contains("<dd>13</dd>"), "{body}");
    assert!(body.contains("<pre class=\"source\">") && body.contains("tls-min-version"));

    // The supplier's user checks a configuration that fails.
    let checks = format!("/offerings/{own_o}/config-checks");
    let response = upload(&w, SUPPLIER, &checks, &[], Some(("web-gateway-bad.yaml", example("web-gateway-bad.yaml")?)))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await?;
    assert!(body.contains("10 rules failed, 3 passed"), "{body}");
    let results = table_rows(&body, "problems");
    let rule = |id: &str| results.iter().find(|r| r[0] == id).cloned().unwrap_or_default();
    let tls = rule("tls-min-version");
    assert_eq!(tls[2], "fail", "{tls:?}");
    assert_eq!(tls[3], "server.tls.min_version", "{tls:?}");
    assert!(tls[5].contains("TLSv1"), "{tls:?}");
    let mfa = rule("admin-mfa");
    assert!(
        results.iter().any(|r| r[0] == "admin-mfa" && r[3] == "admin.users.carol.mfa" && r[2] == "fail"),
        "{mfa:?}"
    );
    // And the baseline page lists it.
    let (_, body) = page(&w, ANALYST, &path).await?;
    assert!(body.contains("web-gateway-bad.yaml") && body.contains("10 failed"), "{body}");

    // A configuration that does not read is told so.
    let response = upload(&w, SUPPLIER, &checks, &[], Some(("c.json", b"{not json".to_vec()))).send().await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await?.contains("Not checked:"));
    w.stop().await
}

#[tokio::test]
async fn component_supplier_names_become_aliases() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let (_, own_o, _) = w.own;
    let (other_s, _, _) = w.other;
    let sbom = json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "components": [
            {"type": "library", "name": "ours", "version": "1", "supplier": {"name": "Own Co, Inc."}},
            {"type": "library", "name": "theirs", "version": "1", "supplier": {"name": "Mystery Vendor"}}
        ]
    });
    let response = upload(
        &w,
        ANALYST,
        &format!("/offerings/{own_o}/sboms"),
        &[("release", "4.0")],
        Some(("s.json", serde_json::to_vec(&sbom)?)),
    )
    .send()
    .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let sbom_page = location(&response);
    let (_, body) = page(&w, ANALYST, &sbom_page).await?;
    let (own_s, _, _) = w.own;
    assert!(
        body.contains(&format!("<a href=\"/suppliers/{own_s}\">Own Co, Inc.</a>")),
        "the known supplier is not linked"
    );

    let (status, body) = page(&w, ANALYST, "/component-suppliers").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<td>Mystery Vendor</td>") && !body.contains("<td>Own Co, Inc.</td>"), "{body}");
    let response = w
        .post_form(
            ANALYST,
            "/component-suppliers/aliases",
            &[("name", "Mystery Vendor"), ("supplier", &other_s.to_string())],
        )
        .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, body) = page(&w, ANALYST, "/component-suppliers").await?;
    assert!(body.contains("Every supplier name in the stored SBOMs matches"), "{body}");
    assert!(body.contains(&format!("<a href=\"/suppliers/{other_s}\">Other Co</a>")), "the alias is not listed");
    let (_, body) = page(&w, ANALYST, &sbom_page).await?;
    assert!(body.contains(&format!("<a href=\"/suppliers/{other_s}\">Mystery Vendor</a>")), "the alias does not link");

    // A supplier that does not exist is refused with a notice; removing the alias works.
    let response = w
        .post_form(ANALYST, "/component-suppliers/aliases", &[("name", "Someone"), ("supplier", "Nobody Ltd")])
        .await?;
    assert!(header(&response, reqwest::header::SET_COOKIE).contains("chainward_flash=%21"), "no error notice");
    let response = w.post_form(ANALYST, "/component-suppliers/aliases/delete", &[("name", "Mystery Vendor")]).await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(w.store.list_supplier_aliases(None).await?.is_empty());
    w.stop().await
}

#[tokio::test]
async fn uploads_over_the_limit_answer_413() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let config =
        chainward_server::ServerConfig { max_upload_bytes: 1 << 20, ..chainward_server::ServerConfig::default() };
    let w = World::start_with(store, config).await?;
    let (_, own_o, _) = w.own;
    let before = w.store.list_sboms(&SbomFilter::default(), Page::FIRST).await?.total;
    let big = vec![b' '; 2 << 20];
    for path in
        [format!("/offerings/{own_o}/sboms"), "/sboms/validate".to_owned(), format!("/offerings/{own_o}/config-checks")]
    {
        match upload(&w, SUPPLIER, &path, &[("release", "9.0")], Some(("big.json", big.clone()))).send().await {
            Ok(r) => assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}"),
            // The server may also cut the connection once it has refused.
            Err(e) => assert!(e.is_request() || e.is_body(), "{path}: unexpected failure: {e}"),
        }
    }
    assert_eq!(w.store.list_sboms(&SbomFilter::default(), Page::FIRST).await?.total, before);
    w.stop().await
}
