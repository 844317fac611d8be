//! `chainward sbom|purl|config` end to end: the real binary on the public suites and
//! examples (read in place from `CHAINWARD_DATA`).

use std::path::PathBuf;

use crate::Scratch;

pub(crate) fn data_dir() -> PathBuf {
    let dir = std::env::var_os("CHAINWARD_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    assert!(dir.is_dir(), "PUBLIC TEST DATA NOT FOUND at {}: set CHAINWARD_DATA", dir.display());
    dir
}

/// `chainward sbom validate` exits 0 for every `valid*` and 1 for every `invalid*` JSON and
/// XML file of the CycloneDX specification's test suite, every version and `ext`, and never
/// writes a database.
#[test]
fn sbom_validate_exits_0_for_valid_and_1_for_invalid_files_of_the_cyclonedx_suite() {
    let s = Scratch::new("validate-suite");
    let root = data_dir().join("cyclonedx/specification/test-resources");
    let mut files = Vec::new();
    for folder in ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "ext"] {
        let mut names: Vec<PathBuf> =
            std::fs::read_dir(root.join(folder)).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        for path in names {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let json_or_xml = name.ends_with(".json") || name.ends_with(".xml");
            if json_or_xml && (name.starts_with("valid") || name.starts_with("invalid")) {
                files.push((folder, name.starts_with("valid"), path));
            }
        }
    }
    assert!(files.len() >= 773, "the suite looks incomplete: {} files", files.len());
    // Two workers: the machine has two cores.
    let chunks: Vec<Vec<(&str, bool, PathBuf)>> = files.chunks(files.len().div_ceil(2)).map(<[_]>::to_vec).collect();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let jobs: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                let s = &s;
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for (folder, valid, path) in chunk {
                        let out = s.run(&["sbom", "validate", &path.display().to_string()]);
                        let expected = if *valid { 0 } else { 1 };
                        if out.status.code() != Some(expected) {
                            failures.push(format!(
                                "{folder}/{}: exit {:?}, expected {expected}: {}{}",
                                path.file_name().unwrap().to_string_lossy(),
                                out.status.code(),
                                String::from_utf8_lossy(&out.stdout),
                                String::from_utf8_lossy(&out.stderr)
                            ));
                        }
                    }
                    failures
                })
            })
            .collect();
        jobs.into_iter().flat_map(|j| j.join().unwrap()).collect()
    });
    println!("chainward sbom validate on the CycloneDX suite: {}/{}", files.len() - failures.len(), files.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(!s.dir.join("chainward.db").exists(), "validation must not create a database");
}

#[test]
fn sbom_validate_json_names_problems_with_paths_and_unreadable_input_exits_2() {
    let s = Scratch::new("validate-json");
    let file = data_dir().join("cyclonedx/specification/test-resources/1.6/invalid-hash-sha256-1.6.json");
    let out = s.run(&["sbom", "validate", &file.display().to_string(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["format"], "cyclonedx");
    assert_eq!(report["spec_version"], "1.6");
    assert_eq!(report["valid"], false);
    let problems = report["problems"].as_array().unwrap();
    assert!(problems.iter().any(|p| p["path"].as_str().unwrap().starts_with("/components/0/hashes")), "{report}");
    for (name, text) in [
        ("truncated.json", "{\"bomFormat\": \"CycloneDX\", \"components\": ["),
        (
            "laughs.xml",
            "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><bom>&b;</bom>",
        ),
        ("xxe.xml", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><bom>&e;</bom>"),
        ("deep.json", &"[".repeat(100_000)),
        ("other.json", "{\"hello\": \"world\"}"),
    ] {
        let path = s.file(name, text);
        let out = s.run(&["sbom", "validate", &path]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("error:"), "{name}");
    }
}

#[test]
fn purl_parse_prints_the_spec_components_and_the_canonical_form() {
    let s = Scratch::new("purl");
    let parsed =
        s.json(&["purl", "parse", "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?type=pom&classifier=sources"]);
    assert_eq!(parsed["type"], "maven");
    assert_eq!(parsed["namespace"], "org.apache.xmlgraphics");
    assert_eq!(parsed["name"], "batik-anim");
    assert_eq!(parsed["version"], "1.9.1");
    assert_eq!(parsed["qualifiers"]["classifier"], "sources");
    assert_eq!(parsed["subpath"], serde_json::Value::Null);
    assert_eq!(parsed["canonical"], "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&type=pom");
    let out = s.run(&["purl", "parse", "pkg:/no-type"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sbom_quality_json_carries_format_version_components_and_coverage() {
    let s = Scratch::new("quality");
    let file = data_dir().join("spdx/spec-2.3/SPDXJSONExample-v2.3.spdx.json");
    let report = s.json(&["sbom", "quality", &file.display().to_string()]);
    assert_eq!(report["format"], "spdx");
    assert_eq!(report["spec_version"], "2.3");
    assert!(report["n_components"].as_u64().unwrap() > 0, "{report}");
    let elements = report["elements"].as_array().unwrap();
    for id in [
        "supplier",
        "name",
        "version",
        "unique-identifier",
        "dependency-relationship",
        "author",
        "timestamp",
        "hash",
        "license",
        "tool-name",
        "generation-context",
    ] {
        assert!(elements.iter().any(|e| e["id"] == id && e["percent"].is_number()), "{id}: {report}");
    }
    // Nested CycloneDX components are counted.
    let nested = data_dir().join("cyclonedx/specification/test-resources/1.6/valid-assembly-1.6.json");
    let report = s.json(&["sbom", "quality", &nested.display().to_string()]);
    let raw: serde_json::Value = serde_json::from_slice(&std::fs::read(&nested).unwrap()).unwrap();
    fn count(list: &serde_json::Value) -> u64 {
        list.as_array().map_or(0, |l| l.iter().map(|c| 1 + count(&c["components"])).sum())
    }
    assert_eq!(report["n_components"].as_u64(), Some(count(&raw["components"])));
}

#[test]
fn sbom_ingest_export_diff_and_config_check_through_the_database() {
    let s = Scratch::new("ingest");
    s.ok(&["supplier", "add", "Dropwizard Team", "--kind", "software-vendor"]);
    s.ok(&["offering", "add", "Dropwizard", "--supplier", "Dropwizard Team", "--kind", "software"]);
    let file = data_dir().join("cyclonedx/bom-examples/SBOM/dropwizard-1.3.15/bom.json");
    let report = s.json(&["sbom", "ingest", &file.display().to_string(), "--offering", "Dropwizard"]);
    assert_eq!(report["sbom"]["release_version"], "1.3.15", "the subject's version names the release");
    assert_eq!(report["release_created"], true);
    let n = report["sbom"]["n_components"].as_u64().unwrap();
    assert!(n > 100);
    // The same file again under another release: no new distinct components.
    let again =
        s.json(&["sbom", "ingest", &file.display().to_string(), "--offering", "Dropwizard", "--release", "1.3.16"]);
    assert_eq!(again["n_new_components"], 0);
    let diff = s.json(&["sbom", "diff", "--offering", "Dropwizard", "--from", "1.3.15", "--to", "1.3.16"]);
    assert_eq!(diff["unchanged"].as_u64(), Some(n));
    // Export validates with our own validator.
    let out = s.dir.join("export.cdx.json").display().to_string();
    s.ok(&["sbom", "export", "--offering", "Dropwizard", "--release", "1.3.15", "--as", "cyclonedx", "-o", &out]);
    assert_eq!(s.run(&["sbom", "validate", &out]).status.code(), Some(0));
    let out = s.dir.join("export.spdx.json").display().to_string();
    s.ok(&["sbom", "export", "--offering", "Dropwizard", "--release", "1.3.15", "--as", "spdx", "-o", &out]);
    assert_eq!(s.run(&["sbom", "validate", &out]).status.code(), Some(0));

    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples");
    let baseline = examples.join("baseline-web-tls.yaml").display().to_string();
    s.ok(&["config", "baseline", "--offering", "Dropwizard", &baseline]);
    let bad = examples.join("web-gateway-bad.yaml").display().to_string();
    let out = s.run(&["config", "check", "--offering", "Dropwizard", &bad, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "a failing rule is a negative verdict");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["failed"].as_u64().unwrap() > 0);
    let good = examples.join("web-gateway-good.yaml").display().to_string();
    assert_eq!(s.run(&["config", "check", "--baseline", &baseline, &good]).status.code(), Some(0));
    let audit = s.ok(&["audit", "list", "--format", "json"]);
    assert!(audit.contains("\"ingest\"") && audit.contains("\"baseline\""), "ingest and baseline are audited");
}

#[test]
fn sbom_diff_of_two_files_flags_the_same_version_with_another_hash() {
    let s = Scratch::new("diff");
    let old = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[
        {"type":"library","name":"zlib","version":"1.3","purl":"pkg:generic/zlib@1.3",
         "hashes":[{"alg":"SHA-256","content":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}]}]}"#;
    let new = old.replace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &"b".repeat(64));
    let (a, b) = (s.file("old.json", old), s.file("new.json", &new));
    let out = s.run(&["sbom", "diff", &a, &b, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "possible tampering is a negative verdict");
    let diff: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(diff["hash_mismatches"][0]["name"], "zlib", "{diff}");
}
