//! Transparency over the API, end to end on a real server: the Dependency-Track compatible
//! upload exactly as Dependency-Track documents it (`X-Api-Key`, `PUT /api/v1/bom` with a
//! base64 `bom`, `POST /api/v1/bom` multipart, token polling), our own upload, validation,
//! components, export that validates and re-imports, release diff with tampering, baselines
//! and configuration checks, and the bad-input answers.

use std::path::PathBuf;

use base64::Engine as _;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{Harness, TestResult, id_of, supplier};

/// A real CycloneDX SBOM from the shared bom-examples.
fn real_sbom() -> Result<Vec<u8>, std::io::Error> {
    std::fs::read(
        crate::sbom_pages::data_file("cyclonedx/bom-examples/SBOM/dropwizard-1.3.15/bom.json")
            .map_err(|e| std::io::Error::other(e.to_string()))?,
    )
}

async fn offering(h: &Harness, supplier_name: &str, name: &str) -> Result<String, String> {
    let s = h.create("/api/v1/suppliers", supplier(supplier_name)).await?;
    let o = h.create("/api/v1/offerings", json!({"supplier": id_of(&s), "name": name, "kind": "software"})).await?;
    Ok(id_of(&o))
}

fn dt_client(token: &str) -> Result<reqwest::Client, reqwest::Error> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "X-Api-Key",
        reqwest::header::HeaderValue::from_str(token).unwrap_or(reqwest::header::HeaderValue::from_static("x")),
    );
    reqwest::Client::builder().no_proxy().default_headers(headers).build()
}

#[tokio::test]
async fn dependency_track_upload_accepts_a_cyclonedx_sbom_sent_as_dependency_track_documents_it() -> TestResult {
    let store = chainward_store::open("sqlite::memory:").await?;
    let h = Harness::start_on(chainward_server::ServerConfig::default(), store.clone()).await?;
    offering(&h, "Dropwizard Team", "Dropwizard").await?;
    let key = crate::make_token(&*store, "ci", chainward_core::model::Role::Analyst, None).await?;
    let dt = dt_client(&key)?;
    let bom = real_sbom()?;

    // PUT /api/v1/bom, JSON with the BOM base64-encoded, X-Api-Key header.
    let body = json!({
        "projectName": "Dropwizard",
        "projectVersion": "1.3.15",
        "autoCreate": false,
        "bom": base64::engine::general_purpose::STANDARD.encode(&bom),
    });
    let response = dt.put(h.url("/api/v1/bom")).json(&body).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await?;
    let token = answer["token"].as_str().unwrap_or_default().to_owned();
    assert_eq!(token.len(), 36, "{answer}");
    let polled: Value = dt.get(h.url(&format!("/api/v1/bom/token/{token}"))).send().await?.json().await?;
    assert_eq!(polled["processing"], false, "{polled}");
    assert_eq!(polled["status"], "done", "{polled}");
    let sbom = polled["sbom"].as_str().unwrap_or_default().to_owned();
    let stored = h.expect(Method::GET, &format!("/api/v1/sboms/{sbom}"), None, StatusCode::OK).await?;
    assert_eq!(stored["release_version"], "1.3.15");
    assert_eq!(stored["kind"]["format"], "cyclonedx");
    assert!(stored["n_components"].as_u64().unwrap_or_default() > 50, "{stored}");

    // POST /api/v1/bom, multipart with autoCreate for a project that does not exist yet.
    let form = reqwest::multipart::Form::new()
        .text("projectName", "Dropwizard Fork")
        .text("projectVersion", "1.0.0")
        .text("autoCreate", "true")
        .part("bom", reqwest::multipart::Part::bytes(bom.clone()).file_name("bom.json"));
    let response = dt.post(h.url("/api/v1/bom")).multipart(form).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await?;
    let token = answer["token"].as_str().unwrap_or_default();
    let polled: Value = dt.get(h.url(&format!("/api/v1/event/token/{token}"))).send().await?.json().await?;
    assert_eq!(polled["processing"], false);

    // Without autoCreate an unknown project is 404; a broken BOM is 400; no key is 401.
    let body = json!({"projectName": "Nope", "projectVersion": "1", "bom": base64::engine::general_purpose::STANDARD.encode(&bom)});
    assert_eq!(dt.put(h.url("/api/v1/bom")).json(&body).send().await?.status(), StatusCode::NOT_FOUND);
    let body = json!({"projectName": "Dropwizard", "projectVersion": "2", "bom": base64::engine::general_purpose::STANDARD.encode(b"{\"bomFormat\": \"CycloneDX\", ")});
    assert_eq!(dt.put(h.url("/api/v1/bom")).json(&body).send().await?.status(), StatusCode::BAD_REQUEST);
    let anonymous = reqwest::Client::builder().no_proxy().build()?;
    assert_eq!(anonymous.put(h.url("/api/v1/bom")).json(&body).send().await?.status(), StatusCode::UNAUTHORIZED);
    h.stop().await
}

#[tokio::test]
async fn upload_components_export_reimport_and_diff_with_tampering() -> TestResult {
    let h = Harness::start().await?;
    let offering_id = offering(&h, "Dropwizard Team", "Dropwizard").await?;
    let bom = real_sbom()?;
    let response = h
        .client
        .post(h.url("/api/v1/sboms?offering=Dropwizard&release=1.0"))
        .header("content-type", "application/json")
        .body(bom.clone())
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::CREATED);
    let report: Value = response.json().await?;
    let sbom_id = report["sbom"]["id"].as_str().unwrap_or_default().to_owned();
    let n = report["sbom"]["n_components"].as_u64().unwrap_or_default();
    assert!(n > 50);

    let found = h
        .expect(Method::GET, &format!("/api/v1/sboms/{sbom_id}/components?q=jackson&limit=5"), None, StatusCode::OK)
        .await?;
    assert!(found["total"].as_u64().unwrap_or_default() > 0, "{found}");
    assert!(found["items"][0]["data"]["purl"].as_str().unwrap_or_default().contains("jackson"), "{found}");
    let content = h.get(&format!("/api/v1/sboms/{sbom_id}/content")).await?;
    assert!(content.headers()["content-disposition"].to_str()?.starts_with("attachment"));
    assert_eq!(content.bytes().await?.as_ref(), bom.as_slice(), "the original bytes are kept as evidence");
    let quality = h.expect(Method::GET, &format!("/api/v1/sboms/{sbom_id}/quality"), None, StatusCode::OK).await?;
    assert_eq!(quality["n_components"].as_u64(), Some(n));

    // Export as CycloneDX 1.6 and SPDX 2.3: both validate, and re-import to the same components.
    let release = report["sbom"]["release"].as_str().unwrap_or_default().to_owned();
    for format in ["cyclonedx", "spdx"] {
        let exported = h.get(&format!("/api/v1/releases/{release}/sbom?format={format}")).await?;
        assert_eq!(exported.status(), StatusCode::OK);
        let bytes = exported.bytes().await?.to_vec();
        let validated: Value =
            h.client.post(h.url("/api/v1/sboms/validate")).body(bytes.clone()).send().await?.json().await?;
        assert_eq!(validated["valid"], true, "{format} export must validate: {validated}");
        let again: Value = h
            .client
            .post(h.url(&format!("/api/v1/sboms?offering=Dropwizard&release=export-{format}")))
            .body(bytes)
            .send()
            .await?
            .json()
            .await?;
        // SPDX has no separate "metadata.component": the product the document describes is
        // one of its packages, so it counts as a component after the round trip.
        let expected = if format == "spdx" { n + 1 } else { n };
        assert_eq!(again["sbom"]["n_components"].as_u64(), Some(expected), "{format} re-import: {again}");
        assert_eq!(again["n_new_components"], 0, "{format} re-import must find the same components");
    }

    // A second release where one component keeps name and version but changes its hash.
    let mut doc: Value = serde_json::from_slice(&bom)?;
    let mut tampered = None;
    if let Some(components) = doc["components"].as_array_mut() {
        for c in components.iter_mut() {
            if let Some(hash) = c["hashes"][0]["content"].as_str() {
                let rest = hash.get(1..).unwrap_or_default();
                let flipped = if hash.starts_with('0') { format!("1{rest}") } else { format!("0{rest}") };
                c["hashes"][0]["content"] = json!(flipped);
                tampered = c["name"].as_str().map(str::to_owned);
                break;
            }
        }
    }
    let tampered = tampered.ok_or("the example has no component with a hash")?;
    let response = h
        .client
        .post(h.url("/api/v1/sboms?offering=Dropwizard&release=1.1"))
        .body(serde_json::to_vec(&doc)?)
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::CREATED);
    let diff = h
        .expect(Method::GET, &format!("/api/v1/offerings/{offering_id}/diff?from=1.0&to=1.1"), None, StatusCode::OK)
        .await?;
    let mismatches = diff["hash_mismatches"].as_array().cloned().unwrap_or_default();
    assert_eq!(mismatches.len(), 1, "{diff}");
    assert!(mismatches[0]["name"].as_str().unwrap_or_default().contains(&tampered), "{diff}");
    assert_eq!(diff["added"].as_array().map(Vec::len), Some(0));

    // Strict upload of an invalid document: 422 with the problem; unreadable: 400.
    let invalid = std::fs::read(crate::sbom_pages::data_file(
        "cyclonedx/specification/test-resources/1.6/invalid-dependency-1.6.json",
    )?)?;
    let response =
        h.client.post(h.url("/api/v1/sboms?offering=Dropwizard&release=9&strict=true")).body(invalid).send().await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = h
        .client
        .post(h.url("/api/v1/sboms?offering=Dropwizard&release=9"))
        .body("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>")
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    h.stop().await
}

#[tokio::test]
async fn uploads_over_the_limit_are_413_and_baselines_check_configurations() -> TestResult {
    let config =
        chainward_server::ServerConfig { max_upload_bytes: 64 * 1024, ..chainward_server::ServerConfig::default() };
    let h = Harness::start_with(config).await?;
    let offering_id = offering(&h, "Web Co", "Web Gateway").await?;
    let big = vec![b' '; 200 * 1024];
    let response = h.client.post(h.url("/api/v1/sboms?offering=Web%20Gateway&release=1")).body(big).send().await?;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples");
    let baseline = std::fs::read(root.join("baseline-web-tls.yaml"))?;
    let response =
        h.client.put(h.url(&format!("/api/v1/offerings/{offering_id}/baseline"))).body(baseline).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    let bad = std::fs::read(root.join("web-gateway-bad.yaml"))?;
    let response = h
        .client
        .post(h.url(&format!("/api/v1/offerings/{offering_id}/config-checks?file_name=web-gateway-bad.yaml")))
        .body(bad)
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::CREATED);
    let check: Value = response.json().await?;
    assert!(check["failed"].as_u64().unwrap_or_default() > 0, "{check}");
    let failing = check["report"]["results"].as_array().cloned().unwrap_or_default();
    assert!(
        failing.iter().any(|r| r["outcome"] == "fail" && r["path"].as_str().is_some_and(|p| !p.is_empty())),
        "{check}"
    );
    let good = std::fs::read(root.join("web-gateway-good.yaml"))?;
    let check: Value = h
        .client
        .post(h.url(&format!("/api/v1/offerings/{offering_id}/config-checks?file_name=good.yaml")))
        .body(good)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(check["failed"], 0, "{check}");
    h.stop().await
}
