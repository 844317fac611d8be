//! Monitoring over the API, end to end on a real server: OSV and KEV uploads, SBOM ingest
//! matched at once, findings with filters and pages, bulk triage and its refusals, the
//! vulnerability and advisory views, VEX out and back in, scans (JSON contract and SARIF),
//! "new finding" events, and the bad-input answers.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::sbom_pages::data_file;
use crate::{Harness, TestResult, assert_error, id_of, supplier};

const BRIDGE_163: &str = "cyclonedx/bom-examples/SBOM/proton-bridge/proton-bridge-v1.6.3.bom.json";

async fn upload(h: &Harness, path: &str, bytes: Vec<u8>, status: StatusCode) -> Result<Value, String> {
    let response = h.client.post(h.url(path)).body(bytes).send().await.map_err(|e| e.to_string())?;
    let got = response.status();
    let text = response.text().await.map_err(|e| e.to_string())?;
    if got != status {
        return Err(format!("POST {path}: expected {status}, got {got}: {text}"));
    }
    serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))
}

fn read(relative: &str) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    Ok(std::fs::read(data_file(relative)?)?)
}

#[tokio::test]
async fn feeds_findings_triage_vex_and_scan_over_the_api() -> TestResult {
    let h = Harness::start().await?;
    let s = h.create("/api/v1/suppliers", supplier("Proton AG")).await?;
    let o = h.create("/api/v1/offerings", json!({"supplier": id_of(&s), "name": "Bridge", "kind": "software"})).await?;
    assert_eq!(o["name"], "Bridge");

    // Advisories first, then the SBOM: the ingest matches at once.
    let import = upload(&h, "/api/v1/feeds/osv?source=Go.zip", read("osv/Go.zip")?, StatusCode::CREATED).await?;
    assert!(import["n_new"].as_u64().unwrap_or_default() > 1000, "{import}");
    assert_eq!(import["n_errors"], 0, "{import}");
    let kev = read("kev/known_exploited_vulnerabilities.csv")?;
    let kev_import = upload(&h, "/api/v1/feeds/kev?source=kev.csv", kev, StatusCode::CREATED).await?;
    assert!(kev_import["n_new"].as_u64().unwrap_or_default() > 1000, "{kev_import}");
    let not_a_zip = upload(&h, "/api/v1/feeds/osv", b"not a zip".to_vec(), StatusCode::BAD_REQUEST).await?;
    assert!(not_a_zip["message"].as_str().unwrap_or_default().contains("zip"), "{not_a_zip}");

    let ingest =
        upload(&h, "/api/v1/sboms?offering=Bridge&release=1.6.3", read(BRIDGE_163)?, StatusCode::CREATED).await?;
    let n_new = ingest["findings"]["n_new"].as_u64().unwrap_or_default();
    assert!(n_new >= 10, "matched at ingest: {ingest}");
    let release = ingest["sbom"]["release"].as_str().unwrap_or_default().to_owned();

    // Pages: the whole list in windows of 10, without repeats.
    let mut seen = std::collections::BTreeSet::new();
    let mut offset = 0;
    loop {
        let page =
            h.expect(Method::GET, &format!("/api/v1/findings?limit=10&offset={offset}"), None, StatusCode::OK).await?;
        assert_eq!(page["total"].as_u64(), Some(n_new), "{page}");
        let items = page["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            break;
        }
        for item in &items {
            assert!(seen.insert(id_of(item)), "finding listed twice: {item}");
        }
        offset += 10;
    }
    assert_eq!(seen.len() as u64, n_new);
    let bad = h.expect(Method::GET, "/api/v1/findings?severity=extreme", None, StatusCode::BAD_REQUEST).await?;
    assert!(bad["message"].as_str().unwrap_or_default().contains("extreme"), "{bad}");
    let bad_limit = h.expect(Method::GET, "/api/v1/findings?limit=0", None, StatusCode::BAD_REQUEST).await?;
    assert_eq!(bad_limit["code"], "bad-request", "{bad_limit}");

    let gin = h.expect(Method::GET, "/api/v1/findings?vulnerability=CVE-2020-36567", None, StatusCode::OK).await?;
    assert_eq!(gin["total"], 1, "{gin}");
    let gin_id = id_of(&gin["items"][0]);
    assert_eq!(gin["items"][0]["purl"], "pkg:golang/github.com/gin-gonic/gin@v1.4.0");

    // Triage: refusals name the field; a good decision lands with its history.
    let refused = h
        .expect(
            Method::POST,
            "/api/v1/findings/triage",
            Some(&json!({"findings": [gin_id], "status": "not_affected", "detail": "trust me"})),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await?;
    assert!(refused["message"].as_str().unwrap_or_default().contains("justification"), "{refused}");
    let unknown_status = h
        .expect(
            Method::POST,
            "/api/v1/findings/triage",
            Some(&json!({"findings": [gin_id], "status": "resolved"})),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await?;
    assert!(unknown_status.to_string().contains("resolved"), "{unknown_status}");
    let decided = h
        .expect(
            Method::POST,
            "/api/v1/findings/triage",
            Some(&json!({
                "findings": [gin_id],
                "status": "not_affected",
                "justification": "vulnerable_code_not_in_execute_path",
                "detail": "gin's debug routes are not mounted",
                "scope": "offering",
            })),
            StatusCode::OK,
        )
        .await?;
    assert_eq!(decided["n_changed"], 1, "{decided}");
    let one = h.expect(Method::GET, &format!("/api/v1/findings/{gin_id}"), None, StatusCode::OK).await?;
    assert_eq!(one["finding"]["triage"]["status"], "not_affected");
    let last = one["history"].as_array().and_then(|h| h.last()).cloned().unwrap_or_default();
    assert_eq!(last["triage"]["detail"], "gin's debug routes are not mounted", "{one}");
    assert!(last["actor"].as_str().unwrap_or_default().contains("test-admin"), "{one}");
    let filtered = h.expect(Method::GET, "/api/v1/findings?status=not_affected", None, StatusCode::OK).await?;
    assert_eq!(filtered["total"], 1);
    h.expect(Method::GET, &format!("/api/v1/findings/{}", uuid::Uuid::now_v7()), None, StatusCode::NOT_FOUND).await?;

    // The vulnerability by any of its ids, and the advisory as the feed published it.
    for id in ["CVE-2020-36567", "GO-2020-0001", "GHSA-6vm3-jj99-7229"] {
        let vuln = h.expect(Method::GET, &format!("/api/v1/vulnerabilities/{id}"), None, StatusCode::OK).await?;
        assert_eq!(vuln["advisories"][0]["id"], "GO-2020-0001", "{id}: {vuln}");
        assert_eq!(vuln["findings"].as_array().map(Vec::len), Some(1), "{id}: {vuln}");
    }
    h.expect(Method::GET, "/api/v1/vulnerabilities/CVE-1999-0000", None, StatusCode::NOT_FOUND).await?;
    let advisory = h.expect(Method::GET, "/api/v1/advisories/GO-2020-0001", None, StatusCode::OK).await?;
    assert_eq!(advisory["id"], "GO-2020-0001", "{advisory}");
    let status = h.expect(Method::GET, "/api/v1/feeds", None, StatusCode::OK).await?;
    assert!(status["n_kev"].as_u64().unwrap_or_default() > 1000, "{status}");
    assert_eq!(status["imports"].as_array().map(Vec::len), Some(2), "{status}");

    // VEX out, in both formats, and back in to a second offering's release.
    let cdx = h.get(&format!("/api/v1/releases/{release}/vex?format=cyclonedx")).await?;
    assert_eq!(cdx.status(), StatusCode::OK);
    let cdx: Value = cdx.json().await?;
    assert_eq!(cdx["bomFormat"], "CycloneDX");
    let openvex = h.get(&format!("/api/v1/releases/{release}/vex?format=openvex")).await?;
    assert_eq!(openvex.status(), StatusCode::OK);
    let openvex = openvex.bytes().await?.to_vec();
    h.expect(Method::GET, &format!("/api/v1/releases/{release}/vex?format=csv"), None, StatusCode::BAD_REQUEST).await?;
    h.create("/api/v1/offerings", json!({"supplier": id_of(&s), "name": "Bridge Fork", "kind": "software"})).await?;
    let fork = upload(&h, "/api/v1/sboms?offering=Bridge%20Fork&release=1.6.3", read(BRIDGE_163)?, StatusCode::CREATED)
        .await?;
    let fork_release = fork["sbom"]["release"].as_str().unwrap_or_default().to_owned();
    let applied =
        upload(&h, &format!("/api/v1/releases/{fork_release}/vex?source=bridge.openvex.json"), openvex, StatusCode::OK)
            .await?;
    assert!(applied["n_findings_changed"].as_u64().unwrap_or_default() >= 1, "{applied}");
    let fork_gin = h
        .expect(
            Method::GET,
            &format!("/api/v1/findings?release={fork_release}&vulnerability=CVE-2020-36567"),
            None,
            StatusCode::OK,
        )
        .await?;
    assert_eq!(fork_gin["items"][0]["triage"]["status"], "not_affected", "{fork_gin}");
    let junk =
        upload(&h, &format!("/api/v1/releases/{fork_release}/vex"), b"{}".to_vec(), StatusCode::BAD_REQUEST).await?;
    assert_eq!(junk["code"], "bad-request", "{junk}");

    // Scans store nothing and speak the JSON contract or SARIF.
    let before = h.expect(Method::GET, "/api/v1/findings?limit=1", None, StatusCode::OK).await?["total"].clone();
    let scan = upload(&h, "/api/v1/scan", read(BRIDGE_163)?, StatusCode::OK).await?;
    let findings = scan["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(findings.len() as u64, n_new, "the scan finds what the ingest found");
    for f in &findings {
        for key in ["purl", "id", "aliases", "severity", "kev"] {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
    }
    let after = h.expect(Method::GET, "/api/v1/findings?limit=1", None, StatusCode::OK).await?["total"].clone();
    assert_eq!(before, after, "a scan stores nothing");
    let sarif =
        h.client.post(h.url("/api/v1/scan?format=sarif&file_name=bom.json")).body(read(BRIDGE_163)?).send().await?;
    assert_eq!(sarif.status(), StatusCode::OK);
    assert_eq!(sarif.headers()["content-type"], "application/sarif+json");
    let sarif: Value = sarif.json().await?;
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().map(Vec::len), Some(findings.len()));
    let unreadable = upload(&h, "/api/v1/scan", b"\x00\x01 not an sbom".to_vec(), StatusCode::BAD_REQUEST).await?;
    assert_eq!(unreadable["code"], "bad-request", "{unreadable}");
    let wrong = h.client.post(h.url("/api/v1/scan?format=pdf")).body(read(BRIDGE_163)?).send().await?;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);

    // One "new finding" event per finding, in order, resumable.
    let events = h.expect(Method::GET, "/api/v1/finding-events?limit=1000", None, StatusCode::OK).await?;
    let items = events["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len() as u64, 2 * n_new, "both releases' findings: {}", items.len());
    let third = items[2]["seq"].as_i64().unwrap_or_default();
    let rest = h
        .expect(Method::GET, &format!("/api/v1/finding-events?after={third}&limit=1000"), None, StatusCode::OK)
        .await?;
    assert_eq!(rest["items"].as_array().map(Vec::len), Some(items.len() - 3));
    let bad_events = h.expect(Method::GET, "/api/v1/finding-events?limit=5000", None, StatusCode::BAD_REQUEST).await?;
    assert_error(&bad_events, "bad-request", &["limit"]);
    h.stop().await
}
