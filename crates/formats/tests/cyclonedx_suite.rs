//! The CycloneDX readers and writer against the public data: the specification's test
//! resources of every version (`valid*` must read cleanly; the `invalid*` ones the readers
//! already flag with `sbom-*` problems are listed) and the bom-examples, plus the 1.6 writer's
//! round trip on all of them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chainward_core::sbom::Sbom;
use chainward_formats::json;
use chainward_formats::sbom::cyclonedx::{detect_json, read_json, read_xml, write_json_1_6};
use chainward_formats::sbom::{Limits, Read, SbomError, Severity};

use crate::data::{data_dir, files_under};

/// The `invalid*` test resources the readers flag with `sbom-*` errors (dangling and
/// duplicate references: what the schemas cannot see), by path under `test-resources`.
const SEMANTIC_INVALID: &[&str] = &[
    "1.1/invalid-component-ref-1.1.xml",
    "1.2/invalid-component-ref-1.2.json",
    "1.2/invalid-component-ref-1.2.xml",
    "1.3/invalid-component-ref-1.3.json",
    "1.3/invalid-component-ref-1.3.xml",
    "1.4/invalid-component-ref-1.4.json",
    "1.4/invalid-component-ref-1.4.xml",
    "1.5/invalid-component-ref-1.5.json",
    "1.5/invalid-component-ref-1.5.xml",
    "1.5/invalid-dependency-1.5.json",
    "1.5/invalid-dependency-1.5.xml",
    "1.6/invalid-component-ref-1.6.xml",
    "1.6/invalid-dependency-1.6.json",
    "1.6/invalid-dependency-1.6.xml",
    "1.7/invalid-component-ref-1.7.xml",
    "1.7/invalid-dependency-1.7.json",
    "1.7/invalid-dependency-1.7.xml",
];

fn test_resources() -> PathBuf {
    data_dir().join("cyclonedx/specification/test-resources")
}

/// JSON and XML files of `dir` (recursively) whose file name starts with `prefix`.
fn documents(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.starts_with(prefix) && (name.ends_with(".json") || name.ends_with(".xml"))
        })
        .collect()
}

fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base).unwrap_or(path).display().to_string()
}

/// Reads a JSON or XML CycloneDX file; `Ok(None)` for JSON that is not CycloneDX.
fn read_file(path: &Path) -> Result<Option<Read>, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let limits = Limits::default();
    if path.extension().is_some_and(|e| e == "xml") {
        let text = std::str::from_utf8(&bytes).map_err(|e| e.to_string())?;
        let doc = roxmltree::Document::parse(text).map_err(|e| e.to_string())?;
        read_xml(&doc, &limits).map(Some).map_err(|e| e.to_string())
    } else {
        let doc = json::parse(&bytes).map_err(|e| e.to_string())?;
        if detect_json(&doc).is_none() {
            return Ok(None);
        }
        read_json(&doc, &limits).map(Some).map_err(|e| e.to_string())
    }
}

fn errors(read: &Read) -> Vec<String> {
    read.problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| format!("{} {} {}", p.code, p.path, p.message))
        .collect()
}

#[test]
fn every_valid_test_resource_of_every_version_reads_without_errors() {
    let base = test_resources();
    let mut by_version: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for path in documents(&base, "valid") {
        let version = relative(&path, &base).split('/').next().unwrap_or_default().to_owned();
        let entry = by_version.entry(version).or_default();
        entry.1 += 1;
        match read_file(&path) {
            Ok(Some(read)) if errors(&read).is_empty() => entry.0 += 1,
            Ok(Some(read)) => failures.push(format!("{}: {:?}", relative(&path, &base), errors(&read))),
            Ok(None) => failures.push(format!("{}: not detected as CycloneDX", relative(&path, &base))),
            Err(error) => failures.push(format!("{}: {error}", relative(&path, &base))),
        }
    }
    for (version, (passed, total)) in &by_version {
        println!("cyclonedx read valid {version}: {passed}/{total}");
    }
    assert!(by_version.len() >= 9, "versions 1.0 to 1.7 and ext expected: {by_version:?}");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn invalid_test_resources_with_dangling_or_duplicate_references_are_flagged() {
    let base = test_resources();
    let mut flagged = Vec::new();
    let mut total = 0;
    for path in documents(&base, "invalid") {
        total += 1;
        if let Ok(Some(read)) = read_file(&path)
            && read.problems.iter().any(|p| p.code.starts_with("sbom-") && p.severity == Severity::Error)
        {
            flagged.push(relative(&path, &base));
        }
    }
    println!("cyclonedx invalid flagged by the reader: {}/{total}", flagged.len());
    for path in &flagged {
        let codes: Vec<String> = read_file(&base.join(path))
            .ok()
            .flatten()
            .map(|read| read.problems.iter().map(|p| format!("{} {}", p.code, p.path)).collect())
            .unwrap_or_default();
        println!("  {path}: {codes:?}");
    }
    assert_eq!(flagged, SEMANTIC_INVALID);
}

#[test]
fn every_bom_example_is_read() {
    let base = data_dir().join("cyclonedx/bom-examples");
    let (mut read_ok, mut skipped, mut failures, mut n_components) = (0, Vec::new(), Vec::new(), 0);
    let files = documents(&base, "");
    for path in &files {
        match read_file(path) {
            Ok(Some(read)) if errors(&read).is_empty() => {
                read_ok += 1;
                n_components += read.sbom.components.len();
            }
            Ok(Some(read)) => failures.push(format!("{}: {:?}", relative(path, &base), errors(&read))),
            Ok(None) => skipped.push(relative(path, &base)),
            Err(error) => failures.push(format!("{}: {error}", relative(path, &base))),
        }
    }
    println!("cyclonedx read bom-examples: {read_ok}/{} ({n_components} components)", files.len() - skipped.len());
    println!("cyclonedx bom-examples skipped (not CycloneDX): {skipped:?}");
    assert!(read_ok > 60, "{read_ok} examples read");
    assert!(failures.is_empty(), "{failures:#?}");
}

/// What a round trip must keep: every component field the writer can express, the edges and
/// the metadata.
fn projection(sbom: &Sbom) -> Vec<String> {
    let mut lines: Vec<String> = sbom
        .components
        .iter()
        .map(|c| {
            format!(
                "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                c.reference,
                c.kind,
                c.group,
                c.name,
                c.version,
                c.purl,
                c.cpe,
                c.swid_tag_id,
                c.other_identifiers,
                c.supplier,
                c.manufacturer,
                c.author,
                c.publisher,
                c.hashes,
                c.licenses,
                c.copyright,
                c.description,
                c.scope,
                c.external_references,
                c.properties,
                c.parent,
                c.subject_only
            )
        })
        .collect();
    let mut edges: Vec<_> = sbom.dependencies.iter().map(|d| (d.from, d.to)).collect();
    edges.sort();
    lines.push(format!("edges {edges:?}"));
    lines.push(format!("metadata {:?}", sbom.metadata));
    lines.push(format!("serial {:?}", sbom.serial_number));
    lines
}

fn round_trip(path: &Path) -> Result<(), String> {
    let Some(original) = read_file(path)? else { return Ok(()) };
    let written = write_json_1_6(&original.sbom);
    let doc = json::parse(&written).map_err(|e| format!("written JSON does not parse: {e}"))?;
    let again = read_json(&doc, &Limits::default()).map_err(|e: SbomError| e.to_string())?;
    if !errors(&again).is_empty() {
        return Err(format!("read back with errors: {:?}", errors(&again)));
    }
    // Made-up bom-refs and serial numbers are the writer's to choose.
    let mut expected = original.sbom;
    for (component, back) in expected.components.iter_mut().zip(&again.sbom.components) {
        if component.reference.is_none() {
            component.reference.clone_from(&back.reference);
        }
    }
    if !expected.serial_number.as_deref().is_some_and(|s| s.starts_with("urn:uuid:")) {
        expected.serial_number.clone_from(&again.sbom.serial_number);
    }
    let (before, after) = (projection(&expected), projection(&again.sbom));
    if before.len() != after.len() {
        return Err(format!("{} lines before, {} after", before.len(), after.len()));
    }
    match before.iter().zip(&after).find(|(b, a)| b != a) {
        Some((b, a)) => Err(format!("changed:\n  before {b}\n  after  {a}")),
        None => Ok(()),
    }
}

#[test]
fn writing_1_6_json_and_reading_it_back_keeps_components_edges_and_metadata() {
    let resources = test_resources();
    let examples = data_dir().join("cyclonedx/bom-examples");
    let files: Vec<PathBuf> = documents(&resources, "valid").into_iter().chain(documents(&examples, "")).collect();
    let mut failures = Vec::new();
    for path in &files {
        if let Err(error) = round_trip(path) {
            failures.push(format!("{}: {error}", path.display()));
        }
    }
    println!("cyclonedx write 1.6 round trip: {}/{}", files.len() - failures.len(), files.len());
    for failure in &failures {
        println!("  {failure}");
    }
    assert!(failures.is_empty(), "{} round trips changed the document", failures.len());
}
