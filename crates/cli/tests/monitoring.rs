//! `chainward version|feeds|scan|findings|vuln|vex` end to end: the real binary on the
//! shared OSV dumps, the CISA KEV catalogue and a real SBOM of the CycloneDX examples (read in
//! place from `CHAINWARD_DATA`), with a real HTTP server on 127.0.0.1 for feed URLs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Scratch;
use crate::sbom::data_dir;

const PROTON_BRIDGE_163: &str = "cyclonedx/bom-examples/SBOM/proton-bridge/proton-bridge-v1.6.3.bom.json";
const PROTON_BRIDGE_180: &str = "cyclonedx/bom-examples/SBOM/proton-bridge/proton-bridge-v1.8.0.bom.json";

fn data(relative: &str) -> String {
    data_dir().join(relative).display().to_string()
}

/// Serves the files of `root` over HTTP/1.0 on 127.0.0.1 (port 0) for at most `n` requests;
/// a name that is not a file of `root` gets 404. Returns the base URL.
fn serve_folder(root: PathBuf, n: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            let _ = reader.read_line(&mut request);
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) <= 2 {
                    break;
                }
            }
            let name = request.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/').to_owned();
            let file = (!name.contains("..") && !name.is_empty()).then(|| root.join(&name)).filter(|p| p.is_file());
            match file.and_then(|p| std::fs::read(p).ok()) {
                Some(body) => {
                    let head = format!(
                        "HTTP/1.0 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(&body);
                }
                None => {
                    let _ = stream.write_all(b"HTTP/1.0 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
                }
            }
        }
    });
    base
}

/// Extracts a zip into `dir` (the test's own extraction: only plain file names).
fn unzip(zip: &Path, dir: &Path) -> usize {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    std::fs::create_dir_all(dir).unwrap();
    let mut n = 0;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        if name.ends_with('/') || name.contains("..") {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let path = dir.join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        n += 1;
    }
    n
}

/// Writes a zip of `(name, bytes)` entries, deflated.
fn write_zip(path: &Path, entries: &[(&str, Vec<u8>)]) {
    let mut writer = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap();
}

fn import(s: &Scratch, feed: &str, source: &str) -> Value {
    s.json(&["feeds", "import", feed, source])
}

fn count(report: &Value, field: &str) -> u64 {
    report[field].as_u64().unwrap_or_else(|| panic!("no {field} in {report}"))
}

/// `version cmp` answers `<`, `=` or `>` with each ecosystem's own ordering, one answer a
/// line for `--stdin`, and refuses a version that is not one of the ecosystem (exit 2).
#[test]
fn version_cmp_answers_per_ecosystem_and_one_line_per_stdin_pair() {
    let s = Scratch::new("version-cmp");
    for (ecosystem, a, b, expected) in [
        ("npm", "1.0.0", "1.0.0-rc.1", ">"),
        ("PyPI", "1.0", "1.0.0", "="),
        ("PyPI", "1.0.dev1", "1.0a1", "<"),
        ("Maven", "1.0-SNAPSHOT", "1.0", "<"),
        ("Debian", "1:1.0", "2.0", ">"),
        ("Go", "v2.0.0+incompatible", "v1.9.9", ">"),
        ("Go", "v0.0.0-20200323222414-85ca7c5b95cd", "v0.0.1", "<"),
        ("RubyGems", "1.0.0.pre", "1.0.0", "<"),
        ("Alpine", "1.2.3-r1", "1.2.3_rc1-r9", ">"),
    ] {
        let out = s.ok(&["version", "cmp", ecosystem, a, b]);
        assert_eq!(out.trim(), expected, "{ecosystem}: {a} vs {b}");
    }
    let out =
        s.run_with_stdin(&["version", "cmp", "semver", "--stdin"], "1.0.0 2.0.0\n2.0.0 2.0.0\n3.0.0 2.0.0-alpha\n");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "<\n=\n>\n");

    let bad = s.run(&["version", "cmp", "semver", "1.0.0.0.0.0-💥", "1.0.0"]);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("1.0.0.0.0.0-💥"), "the error names the version: {stderr}");
    let unknown = s.run(&["version", "cmp", "no-such-ecosystem", "1", "2"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", String::from_utf8_lossy(&unknown.stderr));
    // A bad line is answered in place (the answers stay aligned with the pairs), then exit 2.
    let line = s.run_with_stdin(&["version", "cmp", "semver", "--stdin"], "1.0.0 2.0.0\n1.0.0\n2.0.0 1.0.0\n");
    assert_eq!(line.status.code(), Some(2));
    let answers: Vec<String> = String::from_utf8(line.stdout).unwrap().lines().map(str::to_owned).collect();
    assert_eq!(answers.len(), 3, "{answers:?}");
    assert_eq!((answers[0].as_str(), answers[2].as_str()), ("<", ">"));
    assert!(answers[1].starts_with("error: line 2"), "{answers:?}");
    // A line longer than 64 KiB is answered as an error without being kept.
    let long = format!("1.0.0 {}\n1.0.0 1.0.0\n", "9".repeat(200_000));
    let out = s.run_with_stdin(&["version", "cmp", "semver", "--stdin"], &long);
    assert_eq!(out.status.code(), Some(2));
    let answers: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect();
    assert_eq!(answers.len(), 2, "{answers:?}");
    assert!(answers[0].contains("longer than 65536 bytes"), "{answers:?}");
    assert_eq!(answers[1], "=");
}

/// The OSV dump of an ecosystem imports from its zip, from a folder of its records and from
/// an http URL served on 127.0.0.1; a second import of the same records changes nothing
/// (incremental by `modified`), and a missing URL or an oversized download is a clear error.
#[test]
fn osv_imports_from_zip_folder_and_local_url_are_incremental_by_modified() {
    let s = Scratch::new("osv-import");
    let osv = data_dir().join("osv");
    let first = import(&s, "osv", &osv.join("Maven.zip").display().to_string());
    let n = count(&first, "n_records");
    assert!(n >= 10, "{first}");
    assert_eq!((count(&first, "n_new"), count(&first, "n_errors")), (n, 0), "{first}");

    let again = import(&s, "osv", &osv.join("Maven.zip").display().to_string());
    assert_eq!((count(&again, "n_new"), count(&again, "n_updated"), count(&again, "n_unchanged")), (0, 0, n));

    let folder = s.dir.join("npm-folder");
    let files = unzip(&osv.join("npm.zip"), &folder) as u64;
    let from_folder = import(&s, "osv", &folder.display().to_string());
    assert_eq!((count(&from_folder, "n_records"), count(&from_folder, "n_new")), (files, files), "{from_folder}");

    let base = serve_folder(osv.clone(), 3);
    let url = format!("{base}/crates.io.zip");
    let from_url = import(&s, "osv", &url);
    assert!(count(&from_url, "n_new") > 1000, "{from_url}");
    assert_eq!(count(&from_url, "n_errors"), 0, "{from_url}");
    assert_eq!(from_url["source"], Value::from(url.clone()));

    let missing = s.run(&["feeds", "import", "osv", &format!("{base}/no-such.zip")]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("404"), "{}", String::from_utf8_lossy(&missing.stderr));
    let too_big = s.run(&["feeds", "import", "osv", &url, "--max-download-bytes", "1000"]);
    assert_eq!(too_big.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&too_big.stderr).contains("1000"), "{}", String::from_utf8_lossy(&too_big.stderr));

    let status = s.json(&["feeds", "status"]);
    let sources = status["sources"].as_array().unwrap();
    assert!(sources.len() >= 3, "{status}");
    assert_eq!(status["imports"].as_array().unwrap().len(), 4, "four imports recorded: {status}");
}

fn osv_record(id: &str, modified: &str, package: &str, events: &str, extra: &str) -> Vec<u8> {
    format!(
        r#"{{"schema_version":"1.6.0","id":"{id}","modified":"{modified}","aliases":["CVE-2099-{n}"]{extra},
            "affected":[{{"package":{{"ecosystem":"npm","name":"{package}"}},
            "ranges":[{{"type":"SEMVER","events":{events}}}]}}]}}"#,
        n = &id[id.len() - 4..]
    )
    .into_bytes()
}

/// Hostile dumps: malformed JSON, a record nested too deep, a nonsense version, events out
/// of order, a path traversal name and a zip bomb each get a per-record error in the
/// report; a new ecosystem name is kept; the good records are imported; exit 1.
#[test]
fn bad_osv_records_get_per_record_errors_and_the_rest_is_imported() {
    let s = Scratch::new("osv-bad");
    let zip = s.dir.join("hostile.zip");
    let good =
        osv_record("CW-TEST-0001", "2026-01-01T00:00:00Z", "left-pad", r#"[{"introduced":"0"},{"fixed":"1.3.0"}]"#, "");
    let new_ecosystem = br#"{"id":"CW-TEST-0002","modified":"2026-01-01T00:00:00Z",
        "affected":[{"package":{"ecosystem":"Zig:0.14","name":"ziggy"},"versions":["1.0"]}]}"#
        .to_vec();
    let nonsense = osv_record(
        "CW-TEST-0003",
        "2026-01-01T00:00:00Z",
        "left-pad",
        r#"[{"introduced":"0"},{"fixed":"1.0.0.0.0.0-💥"}]"#,
        "",
    );
    let out_of_order = osv_record(
        "CW-TEST-0004",
        "2026-01-01T00:00:00Z",
        "left-pad",
        r#"[{"fixed":"1.0.0"},{"introduced":"2.0.0"},{"introduced":"0"}]"#,
        "",
    );
    let deep = format!(
        r#"{{"id":"CW-TEST-0005","modified":"2026-01-01T00:00:00Z","x":{}1{}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let bomb = vec![b' '; 40 * 1024 * 1024];
    write_zip(
        &zip,
        &[
            ("good.json", good),
            ("new-ecosystem.json", new_ecosystem),
            ("nonsense.json", nonsense),
            ("order.json", out_of_order),
            ("malformed.json", b"{\"id\": \"CW-TEST-0006\", \"modified\": ".to_vec()),
            ("deep.json", deep.into_bytes()),
            ("../../escape.json", osv_record("CW-TEST-0007", "2026-01-01T00:00:00Z", "x", "[]", "")),
            ("bomb.json", bomb),
        ],
    );
    let out = s.run(&["feeds", "import", "osv", &zip.display().to_string(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "refused records make exit 1: {}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = report["report"]["errors"].as_array().unwrap();
    let entry_of = |name: &str| errors.iter().find(|e| e["entry"].as_str().is_some_and(|n| n.contains(name)));
    for name in ["malformed.json", "deep.json", "escape.json", "bomb.json"] {
        let error = entry_of(name).unwrap_or_else(|| panic!("no error for {name}: {report:#}"));
        assert!(!error["message"].as_str().unwrap().is_empty(), "{error}");
    }
    // The record with a nonsense version and the one with events out of order are kept
    // (they are the feed's); their ranges are judged when matched, which reports them as
    // not evaluable rather than guessing.
    let kept: Vec<String> = ["CW-TEST-0001", "CW-TEST-0002", "CW-TEST-0003", "CW-TEST-0004"]
        .iter()
        .filter(|id| s.run(&["vuln", id]).status.code() == Some(0))
        .map(|id| (*id).to_owned())
        .collect();
    assert_eq!(kept, ["CW-TEST-0001", "CW-TEST-0002", "CW-TEST-0003", "CW-TEST-0004"], "{report:#}");
    assert_eq!(count(&report, "n_new"), 4, "{report:#}");
    assert_eq!(count(&report, "n_errors"), errors.len() as u64, "{report:#}");
    let warnings = report["report"]["record_warnings"].as_array().unwrap();
    let nonsense = warnings.iter().find(|w| w["entry"] == "nonsense.json").unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(nonsense["code"], "osv-range-not-evaluable");
    assert!(nonsense["message"].as_str().unwrap().contains("CW-TEST-0003"), "{nonsense}");

    let sbom = s.file(
        "left-pad.cdx.json",
        r#"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[
            {"type":"library","name":"left-pad","version":"1.2.0","purl":"pkg:npm/left-pad@1.2.0"}]}"#,
    );
    let scan = s.json(&["scan", &sbom, "--all"]);
    let verdicts: Vec<(String, String)> = scan["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap().to_owned(), f["verdict"].as_str().unwrap().to_owned()))
        .collect();
    assert!(verdicts.contains(&("CW-TEST-0001".into(), "affected".into())), "{verdicts:?}");
    assert!(verdicts.iter().any(|(id, v)| id == "CW-TEST-0003" && v == "not_evaluable"), "{verdicts:?}");
}

/// Withdrawing an advisory marks it withdrawn (kept, never deleted) and its findings gone.
#[test]
fn a_withdrawn_advisory_is_kept_and_its_findings_are_gone() {
    let s = Scratch::new("osv-withdrawn");
    let events = r#"[{"introduced":"0"},{"fixed":"1.3.0"}]"#;
    let v1 = s.dir.join("v1.zip");
    write_zip(&v1, &[("a.json", osv_record("CW-TEST-0100", "2026-01-01T00:00:00Z", "left-pad", events, ""))]);
    s.ok(&["supplier", "add", "--kind", "software-vendor", "Pad Co"]);
    s.ok(&["offering", "add", "--supplier", "Pad Co", "--kind", "software", "Padder"]);
    let sbom = s.file(
        "pad.cdx.json",
        r#"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[
            {"type":"library","name":"left-pad","version":"1.2.0","purl":"pkg:npm/left-pad@1.2.0"}]}"#,
    );
    s.ok(&["sbom", "ingest", "--offering", "Padder", "--release", "1.0", &sbom]);
    let first = import(&s, "osv", &v1.display().to_string());
    assert_eq!(count(&first, "n_new_findings"), 1, "matched at import: {first}");

    let v2 = s.dir.join("v2.zip");
    let withdrawn = osv_record(
        "CW-TEST-0100",
        "2026-02-01T00:00:00Z",
        "left-pad",
        events,
        r#","withdrawn":"2026-02-01T00:00:00Z""#,
    );
    write_zip(&v2, &[("a.json", withdrawn)]);
    let second = import(&s, "osv", &v2.display().to_string());
    assert_eq!(count(&second, "n_updated"), 1, "{second}");

    let vuln = s.json(&["vuln", "CVE-2099-0100"]);
    assert!(vuln["advisories"][0]["withdrawn"].as_str().unwrap().starts_with("2026-02-01T00:00:00"), "{vuln:#}");
    let findings = s.json(&["findings", "list", "--all"]);
    let finding = &findings.as_array().unwrap()[0];
    assert_eq!(finding["active"], false, "{finding:#}");
    assert!(s.json(&["findings", "list"]).as_array().unwrap().is_empty());
}

/// The KEV catalogue loads from its JSON and its CSV form alike, and flags vulnerabilities by
/// CVE alias with the due date and ransomware use.
#[test]
fn kev_imports_from_json_and_csv_alike_and_flags_scanned_findings() {
    let json = Scratch::new("kev-json");
    let csv = Scratch::new("kev-csv");
    let a = import(&json, "kev", &data("kev/known_exploited_vulnerabilities.json"));
    let b = import(&csv, "kev", &data("kev/known_exploited_vulnerabilities.csv"));
    assert!(count(&a, "n_records") > 1000, "{a}");
    assert_eq!((count(&a, "n_records"), count(&a, "n_new")), (count(&b, "n_records"), count(&b, "n_new")));
    let again = import(&json, "kev", &data("kev/known_exploited_vulnerabilities.csv"));
    assert_eq!(count(&again, "n_unchanged"), count(&a, "n_records"), "{again}");

    // Salt's CVE-2020-11651 is in the catalogue; PYSEC-2020-102 names it as an alias.
    import(&json, "osv", &data("osv/PyPI.zip"));
    let vuln = json.json(&["vuln", "CVE-2020-11651"]);
    assert_eq!(vuln["kev"][0]["cve_id"], "CVE-2020-11651", "{vuln:#}");
    assert!(vuln["kev"][0]["due_date"].is_string(), "{vuln:#}");
    let sbom = json.file(
        "salt.cdx.json",
        r#"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[
            {"type":"library","name":"salt","version":"2019.2.0","purl":"pkg:pypi/salt@2019.2.0"},
            {"type":"library","name":"requests","version":"2.31.0","purl":"pkg:pypi/requests@2.31.0"}]}"#,
    );
    let scan = json.json(&["scan", &sbom]);
    let findings = scan["findings"].as_array().unwrap();
    let salt =
        findings.iter().find(|f| f["aliases"].as_array().unwrap().iter().any(|a| a == "CVE-2020-11651")).unwrap();
    assert_eq!(salt["kev"], true, "{salt:#}");
    assert_eq!(json.run(&["scan", &sbom, "--fail-on", "kev"]).status.code(), Some(1));
}

/// The acceptance story: with the shared Go advisories and KEV imported, scanning the real
/// proton-bridge SBOM stores nothing, lists findings in the JSON contract, and its SARIF
/// output validates against the SARIF 2.1.0 schema; `--fail-on` sets exit 1 exactly when a
/// finding reaches the threshold.
#[test]
fn scan_of_a_real_sbom_gives_the_json_contract_and_sarif_valid_against_2_1_0() {
    let s = Scratch::new("scan");
    import(&s, "osv", &data("osv/Go.zip"));
    import(&s, "kev", &data("kev/known_exploited_vulnerabilities.json"));
    let sbom = data(PROTON_BRIDGE_180);

    let report = s.json(&["scan", &sbom]);
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.len() >= 10, "{report:#}");
    for f in findings {
        assert!(f["purl"].as_str().unwrap().starts_with("pkg:golang/"), "{f}");
        assert!(f["id"].as_str().unwrap().starts_with("GO-"), "{f}");
        assert!(f["aliases"].is_array(), "{f}");
        assert!(f.get("severity").is_some() && f["kev"].is_boolean(), "{f}");
    }
    let gin = findings
        .iter()
        .find(|f| f["id"] == "GO-2020-0001")
        .unwrap_or_else(|| panic!("gin v1.4.0 is affected by GO-2020-0001: {report:#}"));
    assert_eq!(gin["purl"], "pkg:golang/github.com/gin-gonic/gin@v1.4.0");
    assert!(gin["aliases"].as_array().unwrap().iter().any(|a| a == "CVE-2020-36567"), "{gin}");
    assert!(s.json(&["findings", "list"]).as_array().unwrap().is_empty(), "a scan stores nothing");

    let sarif_text = s.ok(&["scan", &sbom, "--format", "sarif"]);
    let schema_bytes = std::fs::read(data_dir().join("sarif/sarif-schema-2.1.0.json")).unwrap();
    let schema = chainward_formats::json_schema::compile(&schema_bytes, &|_| None).unwrap();
    let tree = chainward_formats::json::parse(sarif_text.as_bytes()).unwrap();
    let problems = schema.validate(&tree);
    assert!(problems.is_empty(), "SARIF problems: {problems:#?}");
    let sarif: Value = serde_json::from_str(&sarif_text).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), findings.len());
    // The schema check can fail: a result without its message is refused.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0].as_object_mut().unwrap().remove("message");
    let broken_text = serde_json::to_vec(&broken).unwrap();
    assert!(!schema.validate(&chainward_formats::json::parse(&broken_text).unwrap()).is_empty());

    let rank = |s: &str| ["low", "medium", "high", "critical"].iter().position(|x| *x == s);
    for threshold in ["low", "medium", "high", "critical"] {
        let expected = findings.iter().any(|f| match f["severity"].as_str() {
            Some(sev) => rank(sev) >= rank(threshold),
            None => threshold == "low",
        });
        let code = s.run(&["scan", &sbom, "--fail-on", threshold]).status.code();
        assert_eq!(code, Some(if expected { 1 } else { 0 }), "--fail-on {threshold}");
    }
    let kev = findings.iter().any(|f| f["kev"] == true);
    assert_eq!(s.run(&["scan", &sbom, "--fail-on", "kev"]).status.code(), Some(if kev { 1 } else { 0 }));
    let unreadable = s.run(&["scan", &s.file("junk.json", "{\"bomFormat\": 7")]);
    assert_eq!(unreadable.status.code(), Some(2));
}

/// Stored releases are matched at ingest; a not_affected decision for all releases of the
/// offering is recorded with who and why and carried to the next release with the same
/// package version; the decisions go out as CycloneDX VEX and OpenVEX and come back in.
#[test]
fn findings_triage_carries_to_new_releases_and_round_trips_as_vex() {
    let s = Scratch::new("findings");
    import(&s, "osv", &data("osv/Go.zip"));
    s.ok(&["supplier", "add", "--kind", "software-vendor", "Proton AG"]);
    s.ok(&["offering", "add", "--supplier", "Proton AG", "--kind", "software", "Bridge"]);
    let ingest = s.json(&["sbom", "ingest", "--offering", "Bridge", "--release", "1.6.3", &data(PROTON_BRIDGE_163)]);
    let n_new = ingest["findings"]["n_new"].as_u64().unwrap();
    assert!(n_new >= 10, "matched at ingest: {ingest:#}");
    let findings = s.json(&["findings", "list", "--offering", "Bridge"]);
    assert_eq!(findings.as_array().unwrap().len() as u64, n_new);
    let gin = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["advisory_id"] == "GO-2020-0001")
        .unwrap_or_else(|| panic!("{findings:#}"));
    let id = gin["id"].as_str().unwrap();
    assert_eq!(gin["triage"]["status"], "under_investigation");

    let refused = s.run(&["findings", "triage", id, "--status", "not_affected", "--detail", "no reason given"]);
    assert_eq!(refused.status.code(), Some(2), "not_affected needs a justification");
    s.ok(&[
        "findings",
        "triage",
        id,
        "--status",
        "not_affected",
        "--justification",
        "vulnerable_code_not_in_execute_path",
        "--detail",
        "the debug handler is not mounted",
        "--all-releases",
    ]);
    let shown = s.json(&["findings", "show", id]);
    assert_eq!(shown["finding"]["triage"]["status"], "not_affected", "{shown:#}");
    let history = shown["history"].as_array().unwrap();
    let last = history.last().unwrap();
    assert_eq!(last["triage"]["detail"], "the debug handler is not mounted", "{shown:#}");
    assert_eq!(last["actor"], "cli:tester", "{shown:#}");
    assert_eq!(last["source"], "user", "{shown:#}");

    let next = s.json(&["sbom", "ingest", "--offering", "Bridge", "--release", "1.8.0", &data(PROTON_BRIDGE_180)]);
    assert!(next["findings"]["n_carried"].as_u64().unwrap() >= 1, "{next:#}");
    let carried = s.json(&["findings", "list", "--offering", "Bridge", "--release", "1.8.0"]);
    let carried_gin = carried.as_array().unwrap().iter().find(|f| f["advisory_id"] == "GO-2020-0001").unwrap();
    assert_eq!(carried_gin["triage"]["status"], "not_affected", "{carried_gin:#}");
    assert_eq!(carried_gin["triage"]["justification"], "vulnerable_code_not_in_execute_path");

    let cdx = s.ok(&["vex", "export", "--offering", "Bridge", "--release", "1.6.3", "--as", "cyclonedx"]);
    let cdx: Value = serde_json::from_str(&cdx).unwrap();
    let vuln = cdx["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == "CVE-2020-36567")
        .unwrap_or_else(|| panic!("{cdx:#}"));
    assert_eq!(vuln["analysis"]["state"], "not_affected");
    assert_eq!(vuln["analysis"]["justification"], "code_not_reachable");
    // The CycloneDX VEX is a CycloneDX document: our validator (official schema) accepts it.
    let cdx_file = s.file("bridge.vex.cdx.json", &cdx.to_string());
    s.ok(&["sbom", "validate", &cdx_file]);
    let openvex = s.ok(&["vex", "export", "--offering", "Bridge", "--release", "1.6.3", "--as", "openvex"]);
    let schema_bytes = std::fs::read(data_dir().join("openvex/spec/openvex_json_schema.json")).unwrap();
    let schema = chainward_formats::json_schema::compile(&schema_bytes, &|_| None).unwrap();
    let problems = schema.validate(&chainward_formats::json::parse(openvex.as_bytes()).unwrap());
    assert!(problems.is_empty(), "OpenVEX schema problems: {problems:#?}");
    let openvex: Value = serde_json::from_str(&openvex).unwrap();
    assert!(openvex["@context"].as_str().unwrap().starts_with("https://openvex.dev/ns"), "{openvex:#}");
    assert!(
        openvex["statements"]
            .as_array()
            .unwrap()
            .iter()
            .any(|st| st["status"] == "not_affected" && st["justification"] == "vulnerable_code_not_in_execute_path"),
        "{openvex:#}"
    );

    // Back in: a third release whose decision is still open takes the OpenVEX decisions.
    s.ok(&["offering", "add", "--supplier", "Proton AG", "--kind", "software", "Bridge Fork"]);
    s.ok(&["sbom", "ingest", "--offering", "Bridge Fork", "--release", "1.6.3", &data(PROTON_BRIDGE_163)]);
    let file = s.file("decisions.openvex.json", &openvex.to_string());
    let applied = s.json(&["vex", "import", "--offering", "Bridge Fork", "--release", "1.6.3", &file]);
    assert!(applied["n_findings_changed"].as_u64().unwrap() >= 1, "{applied:#}");
    assert_eq!(applied["format"], "open_vex", "{applied:#}");
    let fork = s.json(&["findings", "list", "--offering", "Bridge Fork"]);
    let fork_gin = fork.as_array().unwrap().iter().find(|f| f["advisory_id"] == "GO-2020-0001").unwrap();
    assert_eq!(fork_gin["triage"]["status"], "not_affected", "{fork_gin:#}");
}
