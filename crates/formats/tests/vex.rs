//! `formats::vex` against the public data: every OpenVEX file of the OpenVEX specification
//! and go-vex test data, every CSAF document with a `product_status` (the OASIS examples
//! and validator test cases, the zipped Red Hat VEX), the CycloneDX VEX examples; round
//! trips through both writers (the CycloneDX output schema-valid, the OpenVEX output valid
//! against the OpenVEX JSON schema); hostile input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use chainward_core::vuln::vex::{Justification, Response, Triage, VexFormat, VexStatement, VexStatus};
use chainward_formats::sbom::{LoadConfig, Severity, load};
use chainward_formats::vex::{
    CODES, ExportStatement, VexError, VexExport, VexExportProduct, VexProblem, read_vex, write_cyclonedx_vex,
    write_openvex,
};

use crate::data::{data_dir, files_under};

/// The folder of `path` relative to `root`, for per-folder counts.
fn folder(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative.parent().map(|p| p.display().to_string()).unwrap_or_default()
}

fn assert_known_codes(problems: &[VexProblem], what: &str) {
    for problem in problems {
        assert!(CODES.contains(&problem.code), "{what}: unlisted code {}", problem.code);
        assert!(problem.path.is_empty() || problem.path.starts_with('/'), "{what}: path {:?}", problem.path);
    }
}

#[test]
fn every_openvex_file_reads_except_the_specification_fragments() {
    let root = data_dir().join("openvex");
    // Per folder: (read, total, statements).
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    for path in files_under(&root) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // JSON-LD contexts and the JSON schema are not documents.
        if !name.ends_with(".json") || name == "context.json" || name == "openvex_json_schema.json" {
            continue;
        }
        // The ATTESTING.md blocks are fragments: a bare statement and an empty in-toto
        // statement.
        let expect_error = name.starts_with("ATTESTING__");
        let entry = counts.entry(folder(&root, &path)).or_default();
        entry.1 += 1;
        match read_vex(&std::fs::read(&path).unwrap()) {
            Ok((document, problems)) => {
                assert_known_codes(&problems, &name);
                entry.0 += 1;
                entry.2 += document.statements.len();
                if expect_error {
                    unexpected.push(format!("{name}: read, expected an error"));
                }
            }
            Err(error) if !expect_error => unexpected.push(format!("{name}: {} {error}", error.code())),
            Err(_) => {}
        }
    }
    for (folder, (read, total, statements)) in &counts {
        println!("openvex {folder}: {read}/{total} read, {statements} statements");
    }
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    assert!(counts.values().map(|c| c.1).sum::<usize>() >= 15);
}

#[test]
fn openvex_versions_products_subcomponents_and_string_forms_are_read() {
    let testdata = data_dir().join("openvex/go-vex-testdata/pkg/vex/testdata");
    let (document, problems) = read_vex(&std::fs::read(testdata.join("v0.2.0.json")).unwrap()).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(document.format, VexFormat::OpenVex);
    assert_eq!(document.author.as_deref(), Some("The OpenVEX Project <openvex@openssf.org>"));
    let first = &document.statements[0];
    assert_eq!(first.vulnerability, "CVE-2023-1255");
    assert_eq!(first.triage.status, VexStatus::Fixed);
    assert!(first.products[0].purl.as_deref().unwrap().starts_with("pkg:oci/alpine@sha256"));
    assert_eq!(
        first.products[0].subcomponents,
        ["pkg:apk/alpine/libssl3@3.0.8-r3", "pkg:apk/alpine/libcrypto3@3.0.8-r3"]
    );
    // Inherited from the document.
    assert_eq!(first.timestamp.as_deref(), Some("2023-07-17T18:28:47.696004345-06:00"));

    // 0.0.1: the vulnerability and products as strings; the statement's own timestamp.
    let (old, problems) = read_vex(&std::fs::read(testdata.join("v001-1.vex.json")).unwrap()).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(old.statements[0].vulnerability, "CVE-1234-5678");
    assert_eq!(old.statements[0].products[0].purl.as_deref(), Some("pkg:apk/wolfi/bash@1.0.0"));
    assert_eq!(old.statements[0].triage.status, VexStatus::UnderInvestigation);
    assert_eq!(old.statements[0].timestamp.as_deref(), Some("2022-12-22T16:36:43-05:00"));
}

#[test]
fn openvex_in_an_in_toto_statement_is_read_from_its_predicate() {
    let text = br#"{"_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://openvex.dev/ns/v0.2.0",
        "subject": [], "predicate": {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "a",
        "timestamp": "2024-01-01T00:00:00Z", "version": 1, "statements": [{"vulnerability": {"name": "CVE-1"},
        "products": [{"@id": "pkg:npm/a@1"}], "status": "not_affected", "justification": "component_not_present"}]}}"#;
    let (document, problems) = read_vex(text).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(document.statements[0].triage.justification, Some(Justification::ComponentNotPresent));
}

/// The CSAF validator manifests: the failing documents of the tests the reader reports on.
fn csaf_expected_failures(root: &Path) -> Vec<String> {
    let reported = ["6.1.1", "6.1.2", "6.1.6", "6.1.27.9", "6.1.27.10"];
    let mut names = Vec::new();
    for version in ["csaf_2.0", "csaf_2.1"] {
        let manifest = root.join(version).join("test/validator/data/testcases.json");
        let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(manifest).unwrap()).unwrap();
        for test in manifest["tests"].as_array().unwrap() {
            if !reported.contains(&test["id"].as_str().unwrap()) {
                continue;
            }
            for failure in test["failures"].as_array().into_iter().flatten() {
                let name = failure["name"].as_str().unwrap();
                names.push(format!("{version}/test/validator/data/{name}"));
            }
        }
    }
    names
}

/// The documents of a zip file, as (name, bytes).
fn zip_documents(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        if file.is_dir() {
            continue;
        }
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        let name = file.name().unwrap().into_owned();
        out.push((name, bytes));
    }
    out
}

#[test]
fn every_csaf_vex_document_reads_and_the_validator_failures_give_problems() {
    let root = data_dir().join("csaf");
    let expected_failures = csaf_expected_failures(&root);
    let mut documents: Vec<(String, String, Vec<u8>)> = Vec::new();
    for path in files_under(&root) {
        let relative = path.strip_prefix(&root).unwrap().display().to_string();
        if relative.contains("json_schema") {
            continue;
        }
        if relative.ends_with(".zip") {
            for (name, bytes) in zip_documents(&path) {
                documents.push((relative.clone(), format!("{relative}/{name}"), bytes));
            }
        } else if relative.ends_with(".json") {
            documents.push((folder(&root, &path), relative, std::fs::read(&path).unwrap()));
        }
    }
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut checked_failures = 0;
    for (folder, name, bytes) in documents {
        let has_status = serde_json::from_slice::<serde_json::Value>(&bytes).ok().is_some_and(|doc| {
            doc["vulnerabilities"].as_array().is_some_and(|v| v.iter().any(|v| v.get("product_status").is_some()))
        });
        if !has_status {
            continue;
        }
        let entry = counts.entry(folder.clone()).or_default();
        entry.1 += 1;
        let result = read_vex(&bytes);
        if let Ok((document, problems)) = &result {
            assert_eq!(document.format, VexFormat::Csaf, "{name}");
            assert_known_codes(problems, &name);
            entry.0 += 1;
            entry.2 += document.statements.len();
        }
        if expected_failures.contains(&name) {
            checked_failures += 1;
            if let Ok((_, problems)) = &result
                && problems.is_empty()
            {
                unexpected.push(format!("{name}: no problem, expected one"));
            }
        } else if (folder.contains("examples") || folder.contains("real-world"))
            && let Err(error) = &result
        {
            unexpected.push(format!("{name}: {} {error}", error.code()));
        }
    }
    for (folder, (read, total, statements)) in &counts {
        println!("csaf {folder}: {read}/{total} read, {statements} statements");
    }
    println!("csaf validator failures of the reported tests: {checked_failures} checked");
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    assert!(checked_failures >= 20, "{checked_failures}");
    assert!(counts.keys().any(|k| k.contains("redhat")));
}

#[test]
fn csaf_product_tree_relationships_give_the_platform_with_the_package_as_subcomponent() {
    let zip = data_dir().join("csaf/real-world/redhat-csaf-vex-trustify-ds1.zip");
    let (_, bytes) = zip_documents(&zip).into_iter().find(|(n, _)| n.ends_with("cve-2023-2454.json")).unwrap();
    let (document, _) = read_vex(&bytes).unwrap();
    assert_eq!(document.author.as_deref(), Some("Red Hat Product Security"));
    let product = document.statements.iter().flat_map(|s| &s.products).find(|p| !p.subcomponents.is_empty()).unwrap();
    assert!(product.cpe.as_deref().unwrap().starts_with("cpe:"), "{product:?}");
    assert!(product.subcomponents[0].starts_with("pkg:"), "{product:?}");

    let example = data_dir().join("openvex/go-vex-testdata/pkg/vex/testdata/csaf.json");
    let (document, problems) = read_vex(&std::fs::read(example).unwrap()).unwrap();
    // An impact statement, no flag.
    assert_eq!(problems.iter().map(|p| p.code).collect::<Vec<_>>(), ["csaf-not-affected-without-flag"]);
    let statement = &document.statements[0];
    assert_eq!(statement.vulnerability, "CVE-2009-4487");
    assert_eq!(statement.triage.status, VexStatus::NotAffected);
    assert_eq!(statement.triage.justification, None);
    assert_eq!(statement.triage.detail.as_deref(), Some("Class with vulnerable code was removed before shipping."));
    assert_eq!(statement.products[0].purl.as_deref(), Some("pkg:golang/github.com/go-homedir@v1.2.0"));
}

#[test]
fn csaf_not_affected_without_a_flag_keeps_the_statement_without_justification() {
    let text = br#"{"document": {"csaf_version": "2.0", "category": "csaf_vex", "tracking": {"id": "T-1"},
        "publisher": {"name": "P"}},
      "product_tree": {"full_product_names": [{"product_id": "P1", "name": "Prod 1",
        "product_identification_helper": {"purl": "pkg:npm/p1@1"}}]},
      "vulnerabilities": [{"cve": "CVE-2024-1", "ids": [{"system_name": "GHSA", "text": "GHSA-aaaa-bbbb-cccc"}],
        "product_status": {"known_not_affected": ["P1"], "known_affected": ["P2"]},
        "threats": [{"category": "impact", "details": "Not reachable.", "product_ids": ["P1"]}],
        "remediations": [{"category": "vendor_fix", "details": "Update to 2.", "product_ids": ["P2"]}]}]}"#;
    let (document, problems) = read_vex(text).unwrap();
    let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
    assert_eq!(codes, ["csaf-unknown-product-id", "csaf-unknown-product-id", "csaf-not-affected-without-flag"]);
    let not_affected = &document.statements[1];
    assert_eq!(not_affected.triage.justification, None);
    assert_eq!(not_affected.triage.detail.as_deref(), Some("Not reachable."));
    assert!(not_affected.triage.check().is_err());
    let affected = &document.statements[0];
    assert_eq!(affected.aliases, ["GHSA-aaaa-bbbb-cccc"]);
    assert_eq!(affected.triage.response, Some(Response::Update));
    assert_eq!(affected.products[0].name.as_deref(), Some("P2"));
}

#[test]
fn every_cyclonedx_vex_example_reads() {
    let root = data_dir().join("cyclonedx");
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for path in files_under(&root) {
        let relative = path.strip_prefix(&root).unwrap().display().to_string();
        if !relative.ends_with(".json") || relative.contains("/schema/") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        if !String::from_utf8_lossy(&bytes).contains("\"analysis\"") {
            continue;
        }
        let entry = counts.entry(folder(&root, &path).split('/').take(3).collect::<Vec<_>>().join("/")).or_default();
        entry.1 += 1;
        match read_vex(&bytes) {
            Ok((document, problems)) => {
                assert_eq!(document.format, VexFormat::CycloneDx);
                assert_known_codes(&problems, &relative);
                entry.0 += 1;
                entry.2 += document.statements.len();
            }
            Err(error) => failures.push(format!("{relative}: {} {error}", error.code())),
        }
    }
    for (folder, (read, total, statements)) in &counts {
        println!("cyclonedx {folder}: {read}/{total} read, {statements} statements");
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(counts.values().map(|c| c.1).sum::<usize>() >= 29);

    // CISA case 1: the product by its bom-ref; a response beside not_affected is dropped.
    let case = root.join("bom-examples/VEX/CISA-Use-Cases/Case-1/vex-not_affected.json");
    let (document, problems) = read_vex(&std::fs::read(case).unwrap()).unwrap();
    assert_eq!(problems.iter().map(|p| p.code).collect::<Vec<_>>(), ["vex-response-without-affected"]);
    let statement = &document.statements[0];
    assert_eq!(statement.vulnerability, "CVE-2021-44228");
    assert_eq!(statement.products[0].name.as_deref(), Some("ABC@4.2"));
    assert_eq!(
        statement.triage,
        Triage {
            status: VexStatus::NotAffected,
            justification: Some(Justification::VulnerableCodeNotPresent),
            response: None,
            detail: statement.triage.detail.clone(),
        }
    );
    // The spec example: the ref resolved to the component's purl, references as aliases.
    let spec = root.join("specification/test-resources/1.6/valid-vulnerability-1.6.json");
    let (document, _) = read_vex(&std::fs::read(spec).unwrap()).unwrap();
    let statement = &document.statements[0];
    assert_eq!(statement.aliases, ["CVE-2018-7489"]);
    assert_eq!(
        statement.products[0].purl.as_deref(),
        Some("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4")
    );
    assert_eq!(statement.timestamp.as_deref(), Some("2022-02-01T00:00:00.000Z"));
    // A BOM-Link is kept as written.
    let link = root.join("bom-examples/VEX/vex.json");
    let (document, problems) = read_vex(&std::fs::read(link).unwrap()).unwrap();
    assert!(problems.iter().all(|p| p.code != "cdx-dangling-ref"));
    assert!(document.statements[0].products[0].name.as_deref().unwrap().starts_with("urn:cdx:"));
}

fn export(product_purl: Option<&str>) -> VexExport {
    let triage = |status, justification, response, detail: Option<&str>| Triage {
        status,
        justification,
        response,
        detail: detail.map(str::to_owned),
    };
    let mut triages = vec![
        triage(VexStatus::UnderInvestigation, None, None, None),
        triage(VexStatus::Affected, None, Some(Response::Update), Some("Upgrade to 2.17.1.")),
        triage(VexStatus::Affected, None, Some(Response::WillNotFix), None),
        triage(VexStatus::Affected, None, None, None),
        triage(VexStatus::Fixed, None, None, Some("Fixed in this release.")),
    ];
    for justification in [
        Justification::ComponentNotPresent,
        Justification::VulnerableCodeNotPresent,
        Justification::VulnerableCodeNotInExecutePath,
        Justification::VulnerableCodeCannotBeControlledByAdversary,
        Justification::InlineMitigationsAlreadyExist,
    ] {
        triages.push(triage(VexStatus::NotAffected, Some(justification), None, Some("Reviewed.")));
    }
    let statements = triages
        .into_iter()
        .enumerate()
        .map(|(i, triage)| ExportStatement {
            vulnerability: format!("CVE-2024-{:04}", 1000 + i),
            aliases: if i % 2 == 0 { vec![format!("GHSA-xxxx-yyyy-{i:04}")] } else { Vec::new() },
            component_purl: format!("pkg:maven/org.example/lib{}@1.{i}", i % 3),
            component_name: format!("lib{}", i % 3),
            component_version: Some(format!("1.{i}")),
            triage,
            source_url: Some(format!("https://nvd.nist.gov/vuln/detail/CVE-2024-{:04}", 1000 + i)),
        })
        .collect();
    VexExport {
        id: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79".into(),
        author: "Example Org".into(),
        timestamp: "2025-01-02T03:04:05Z".into(),
        product: VexExportProduct { name: "Shop".into(), version: "4.2".into(), purl: product_purl.map(str::to_owned) },
        statements,
    }
}

/// What a statement says about one component: (vulnerability, aliases, component, triage).
fn flat(statements: &[VexStatement]) -> Vec<(String, Vec<String>, String, Triage)> {
    let mut out = Vec::new();
    for statement in statements {
        for product in &statement.products {
            let component = product.subcomponents.first().or(product.purl.as_ref()).cloned().unwrap_or_default();
            out.push((statement.vulnerability.clone(), statement.aliases.clone(), component, statement.triage.clone()));
        }
    }
    out
}

fn expected(doc: &VexExport, keep_response: bool) -> Vec<(String, Vec<String>, String, Triage)> {
    doc.statements
        .iter()
        .map(|s| {
            let mut triage = s.triage.clone();
            if !keep_response {
                // OpenVEX has no response; the action statement takes its place.
                if triage.status == VexStatus::Affected && triage.detail.is_none() {
                    triage.detail = Some(
                        match triage.response {
                            Some(Response::WillNotFix) => "It will not be fixed.",
                            _ => "No action has been decided yet.",
                        }
                        .to_owned(),
                    );
                }
                triage.response = None;
            }
            (s.vulnerability.clone(), s.aliases.clone(), s.component_purl.clone(), triage)
        })
        .collect()
}

#[test]
fn cyclonedx_vex_output_reads_back_the_same_statements_and_is_schema_valid() {
    for product_purl in [Some("pkg:generic/example/shop@4.2"), None] {
        let doc = export(product_purl);
        let written = write_cyclonedx_vex(&doc);
        let (read, problems) = read_vex(written.as_bytes()).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(read.format, VexFormat::CycloneDx);
        assert_eq!(read.id.as_deref(), Some(doc.id.as_str()));
        assert_eq!(read.author.as_deref(), Some("Example Org"));
        assert_eq!(read.timestamp.as_deref(), Some("2025-01-02T03:04:05Z"));
        assert_eq!(flat(&read.statements), expected(&doc, true));

        let loaded = load(written.as_bytes(), &LoadConfig::default()).unwrap();
        let errors: Vec<_> = loaded.read.problems.iter().filter(|p| p.severity == Severity::Error).collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

#[test]
fn openvex_output_reads_back_the_same_statements_and_is_valid_against_the_openvex_schema() {
    let schema_bytes: &'static [u8] =
        Box::leak(std::fs::read(data_dir().join("openvex/spec/openvex_json_schema.json")).unwrap().into_boxed_slice());
    let schema = chainward_formats::json_schema::compile(schema_bytes, &|_| None).unwrap();
    for product_purl in [Some("pkg:generic/example/shop@4.2"), None] {
        let doc = export(product_purl);
        let written = write_openvex(&doc);
        let (read, problems) = read_vex(written.as_bytes()).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(read.format, VexFormat::OpenVex);
        assert_eq!(read.id.as_deref(), Some(doc.id.as_str()));
        assert_eq!(flat(&read.statements), expected(&doc, false));
        if let Some(purl) = product_purl {
            assert!(read.statements.iter().all(|s| s.products[0].purl.as_deref() == Some(purl)));
        }
        let json = chainward_formats::json::parse(written.as_bytes()).unwrap();
        let schema_problems = schema.validate(&json);
        assert!(schema_problems.is_empty(), "{schema_problems:#?}");
    }
}

#[test]
fn hostile_input_gives_problems_or_errors_and_never_panics() {
    // Truncated.
    let valid = write_openvex(&export(None));
    assert!(matches!(read_vex(&valid.as_bytes()[..valid.len() / 2]), Err(VexError::Json(_))));
    // Not VEX.
    assert!(matches!(read_vex(b"[1, 2]"), Err(VexError::UnknownFormat(_))));
    assert!(matches!(
        read_vex(br#"{"bomFormat": "CycloneDX", "specVersion": "1.6"}"#),
        Err(VexError::UnknownFormat(_))
    ));
    // An unknown status: the statement is skipped, and with it everything.
    let unknown = br#"{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
        {"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:npm/a@1"}], "status": "maybe"},
        {"vulnerability": {"name": "CVE-2"}, "products": [{"@id": "pkg:npm/a@1"}], "status": "fixed"}]}"#;
    let (document, problems) = read_vex(unknown).unwrap();
    assert_eq!(document.statements.len(), 1);
    assert_eq!(problems[0].code, "vex-unknown-status");
    assert_eq!(problems[0].path, "/statements/0/status");
    let only_unknown = br#"{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
        {"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:npm/a@1"}], "status": "maybe"}]}"#;
    let Err(VexError::NoStatements(problems)) = read_vex(only_unknown) else { panic!("expected no statements") };
    assert_eq!(problems[0].code, "vex-unknown-status");
    // A product tree 10,000 branches deep: past the parser's recursion limit.
    let deep = format!(
        r#"{{"document": {{"csaf_version": "2.0"}}, "product_tree": {}{}, "vulnerabilities": []}}"#,
        r#"{"branches": ["#.repeat(10_000),
        "]}".repeat(10_000)
    );
    assert!(matches!(read_vex(deep.as_bytes()), Err(VexError::Json(_))));
    // 40 levels: within the parser's limit, past the reader's.
    let leaf = r#"{"product": {"product_id": "P1", "name": "deep"}}"#;
    let tree = format!("{}{leaf}{}", r#"{"branches": ["#.repeat(40), "]}".repeat(40));
    let csaf = format!(
        r#"{{"document": {{"csaf_version": "2.0"}}, "product_tree": {tree},
            "vulnerabilities": [{{"cve": "CVE-1", "product_status": {{"fixed": ["P1"]}}}}]}}"#
    );
    let (_, problems) = read_vex(csaf.as_bytes()).unwrap();
    let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
    assert_eq!(codes, ["csaf-tree-too-deep", "csaf-unknown-product-id"]);
    // Wrong types everywhere.
    for text in [
        r#"{"@context": "https://openvex.dev/ns/v0.2.0", "statements": {"a": 1}}"#,
        r#"{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [1, [], {"vulnerability": 3, "products": "x"}]}"#,
        r#"{"bomFormat": "CycloneDX", "vulnerabilities": [{"id": 1}, {"id": "X", "analysis": {"state": 2}, "affects": 3}]}"#,
        r#"{"document": {"csaf_version": 2}, "product_tree": [], "vulnerabilities": [{"product_status": {"fixed": [1]}}]}"#,
    ] {
        assert!(matches!(read_vex(text.as_bytes()), Err(VexError::NoStatements(p)) if !p.is_empty()), "{text}");
    }
    // Every prefix of a real document of each format, at a few cut points: never a panic.
    let samples = [
        data_dir().join("openvex/go-vex-testdata/pkg/vex/testdata/v0.2.0.json"),
        data_dir().join("openvex/go-vex-testdata/pkg/vex/testdata/csaf.json"),
        data_dir().join("cyclonedx/specification/test-resources/1.6/valid-vulnerability-1.6.json"),
    ];
    for path in samples {
        let bytes = std::fs::read(path).unwrap();
        for cut in (0..bytes.len()).step_by(bytes.len() / 97 + 1) {
            let _ = read_vex(&bytes[..cut]);
        }
    }
}
