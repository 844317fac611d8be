//! The SPDX documents of the shared data (`spdx/`): the spec's example document for 2.2 and
//! 2.3 in every serialization, the 3.0.1 JSON-LD example and the spdx-examples documents,
//! found by content (not by file name), each read without error; the same document in
//! every serialization read the same; and every 2.x document written as SPDX 2.3 JSON and
//! read back giving the same components and edges.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use chainward_core::sbom::{Encoding, Sbom};
use chainward_formats::json;
use chainward_formats::sbom::{Limits, Read, SbomError, spdx, swid};

use crate::data::{data_dir, files_under};

/// What a file is, by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Json,
    JsonLd,
    Yaml,
    TagValue,
    Xml,
}

/// The SPDX serialization of a file, from its content; `None` for anything else (schemas,
/// the JSON-LD context, README files, licences).
fn kind_of(bytes: &[u8]) -> Option<Kind> {
    let text = std::str::from_utf8(bytes).ok()?;
    if let Ok(doc) = json::parse(bytes) {
        return match spdx::detect_json(&doc)? {
            v if v.starts_with('3') => Some(Kind::JsonLd),
            _ => Some(Kind::Json),
        };
    }
    if let Some((encoding, _)) = spdx::detect_text_encoding(text) {
        return Some(if encoding == Encoding::TagValue { Kind::TagValue } else { Kind::Yaml });
    }
    let doc = swid::parse_xml(text, &Limits::default()).ok()?;
    spdx::detect_xml(&doc).map(|_| Kind::Xml)
}

fn read(kind: Kind, bytes: &[u8]) -> Result<Read, SbomError> {
    let limits = Limits::default();
    let text = std::str::from_utf8(bytes).map_err(|e| SbomError::NotUtf8(e.to_string()))?;
    match kind {
        Kind::Json => spdx::read_json(&json::parse(bytes)?, &limits),
        Kind::JsonLd => spdx::read_jsonld(&json::parse(bytes)?, &limits),
        Kind::Yaml => spdx::read_yaml(text, &limits),
        Kind::TagValue => spdx::read_tag_value(text, &limits),
        Kind::Xml => spdx::read_xml(&swid::parse_xml(text, &limits)?, &limits),
    }
}

/// Every SPDX document under `spdx/`, by folder (`spec-2.3`, `examples`…).
fn documents() -> BTreeMap<String, Vec<(PathBuf, Kind)>> {
    let root = data_dir().join("spdx");
    let mut out: BTreeMap<String, Vec<(PathBuf, Kind)>> = BTreeMap::new();
    for path in files_under(&root) {
        let folder = path.strip_prefix(&root).unwrap().components().next().unwrap();
        let folder = folder.as_os_str().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        if let Some(kind) = kind_of(&bytes) {
            out.entry(folder).or_default().push((path, kind));
        }
    }
    out
}

#[test]
fn every_spdx_document_reads_without_error() {
    // How many SPDX documents each folder holds: found by content, so a detection that
    // misses some cannot pass by reading fewer.
    let expected = [("examples", 56), ("spec-2.2", 5), ("spec-2.3", 5), ("spec-3.0.1", 1)];
    let documents = documents();
    let mut failures = Vec::new();
    for (folder, files) in &documents {
        let mut passed = 0;
        for (path, kind) in files {
            match read(*kind, &std::fs::read(path).unwrap()) {
                Ok(read) if !read.sbom.components.is_empty() => passed += 1,
                Ok(_) => failures.push(format!("{}: no components", path.display())),
                Err(e) => failures.push(format!("{}: {}: {e}", path.display(), e.code())),
            }
        }
        println!("spdx read {folder}: {passed}/{}", files.len());
    }
    let found: Vec<(&str, usize)> = documents.iter().map(|(f, d)| (f.as_str(), d.len())).collect();
    assert_eq!(found, expected);
    assert!(failures.is_empty(), "{failures:#?}");
}

/// What must agree between serializations: packages (name, version, sorted checksums,
/// purl, licences), edges by name, the subject.
fn summary(sbom: &Sbom) -> (Vec<String>, Vec<(String, String)>, Option<String>) {
    let mut packages: Vec<String> = sbom
        .components
        .iter()
        .map(|c| {
            let mut hashes: Vec<String> = c.hashes.iter().map(|h| format!("{}:{}", h.algorithm, h.value)).collect();
            hashes.sort();
            let licenses: Vec<Vec<&str>> = c.licenses.iter().map(|l| license_terms(l)).collect();
            format!("{} {:?} {hashes:?} {:?} {licenses:?} {:?}", c.name, c.version, c.purl, c.reference)
        })
        .collect();
    packages.sort();
    let name = |i: usize| sbom.components[i].name.clone();
    let mut edges: Vec<(String, String)> = sbom.dependencies.iter().map(|d| (name(d.from), name(d.to))).collect();
    edges.sort();
    (packages, edges, sbom.metadata.subject.map(name))
}

/// The terms of a licence expression, sorted: RDF licence sets are unordered, so RDF/XML
/// gives `(LicenseRef-3 AND LGPL-2.0-only)` where JSON has `(LGPL-2.0-only AND LicenseRef-3)`.
fn license_terms(expression: &str) -> Vec<&str> {
    let mut terms: Vec<&str> =
        expression.split(|c: char| c.is_whitespace() || c == '(' || c == ')').filter(|t| !t.is_empty()).collect();
    terms.sort_unstable();
    terms
}

#[test]
fn the_spec_example_reads_the_same_in_every_serialization() {
    for (folder, files) in [
        (
            "spec-2.3",
            [
                "SPDXJSONExample-v2.3.spdx.json",
                "SPDXYAMLExample-2.3.spdx.yaml",
                "SPDXTagExample-v2.3.spdx",
                "SPDXXMLExample-v2.3.spdx.xml",
                "SPDXRdfExample-v2.3.spdx.rdf.xml",
            ],
        ),
        (
            "spec-2.2",
            [
                "SPDXJSONExample-v2.2.spdx.json",
                "SPDXYAMLExample-2.2.spdx.yaml",
                "SPDXTagExample-v2.2.spdx",
                "SPDXXMLExample-v2.2.spdx.xml",
                "SPDXRdfExample-v2.2.spdx.rdf.xml",
            ],
        ),
    ] {
        let dir = data_dir().join("spdx").join(folder);
        let mut reference = None;
        for file in files {
            let bytes = std::fs::read(dir.join(file)).unwrap();
            let kind = kind_of(&bytes).unwrap();
            let read = read(kind, &bytes).unwrap();
            let summary = summary(&read.sbom);
            assert!(!summary.0.is_empty() && !summary.1.is_empty(), "{file}: {summary:?}");
            match &reference {
                None => reference = Some(summary),
                Some(expected) => assert_eq!(&summary, expected, "{folder}/{file} differs from the JSON"),
            }
        }
    }
}

#[test]
fn every_2x_document_written_as_spdx_2_3_json_reads_back_the_same() {
    let mut total = 0;
    let mut passed = 0;
    for files in documents().values() {
        for (path, kind) in files {
            if *kind == Kind::JsonLd {
                continue;
            }
            total += 1;
            let original = read(*kind, &std::fs::read(path).unwrap()).unwrap().sbom;
            let written =
                spdx::write_json_2_3(&original, "https://chainward.test/spdx/round-trip", "2024-01-31T12:00:00Z");
            let again = spdx::read_json(&json::parse(&written).unwrap(), &Limits::default()).unwrap();
            assert!(
                again.problems.iter().all(|p| p.code != "sbom-dangling-ref" && p.code != "sbom-duplicate-ref"),
                "{}: {:?}",
                path.display(),
                again.problems
            );
            let again = again.sbom;
            assert_eq!(again.components.len(), original.components.len(), "{}", path.display());
            for (a, b) in original.components.iter().zip(&again.components) {
                assert_eq!(
                    (&a.name, &a.version, &a.purl, &a.cpe, &a.hashes, &a.supplier, &a.author, &a.description),
                    (&b.name, &b.version, &b.purl, &b.cpe, &b.hashes, &b.supplier, &b.author, &b.description),
                    "{}",
                    path.display()
                );
                assert_eq!(a.external_references, b.external_references, "{}", path.display());
                for license in &a.licenses {
                    assert!(b.licenses.iter().any(|l| l.contains(license.as_str())), "{}: {license}", path.display());
                }
            }
            assert_eq!(again.dependencies, original.dependencies, "{}", path.display());
            if original.metadata.subject.is_some() {
                assert_eq!(again.metadata.subject, original.metadata.subject, "{}", path.display());
            }
            passed += 1;
        }
    }
    println!("spdx write 2.3 json and read back: {passed}/{total}");
    assert!(total >= 40);
}
