//! Tests of the XSD validator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::path::{Path, PathBuf};

use super::*;

fn data_dir() -> PathBuf {
    let dir = std::env::var_os("CHAINWARD_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    assert!(dir.is_dir(), "PUBLIC TEST DATA NOT FOUND at {}: set CHAINWARD_DATA", dir.display());
    dir
}

fn parse(text: &str) -> roxmltree::Document<'_> {
    super::parse(text, 10_000_000).unwrap()
}

#[test]
fn every_bundled_schema_compiles_and_is_deterministic() {
    for version in CYCLONEDX_VERSIONS {
        let set = cyclonedx(version).unwrap_or_else(|e| panic!("cyclonedx {version}: {e}"));
        assert_eq!(set.target_namespace(), format!("http://cyclonedx.org/schema/bom/{version}"));
        assert_eq!(set.nondeterministic_models(), Vec::<String>::new(), "cyclonedx {version}");
    }
    let swid = swid_2015().unwrap();
    assert_eq!(swid.target_namespace(), "http://standards.iso.org/iso/19770/-2/2015/schema.xsd");
    assert_eq!(swid.nondeterministic_models(), Vec::<String>::new());
    assert!(matches!(cyclonedx("1.8"), Err(XsdError::UnknownVersion(_))));
}

/// The version a suite file is validated against: its file-name suffix (`-1.6.xml`),
/// else (and always in `ext/`, where the suffix is the extension's version) the version
/// of its root namespace.
fn suite_version(path: &Path, text: &str) -> String {
    let name = path.file_name().unwrap().to_str().unwrap();
    let in_ext = path.parent().unwrap().ends_with("ext");
    if !in_ext
        && let Some(stem) = name.strip_suffix(".xml")
        && let Some((_, version)) = stem.rsplit_once('-')
        && CYCLONEDX_VERSIONS.contains(&version)
    {
        return version.to_string();
    }
    let doc = parse(text);
    let namespace = doc.root_element().tag_name().namespace().unwrap_or("");
    namespace.rsplit('/').next().unwrap().to_string()
}

/// Invalid suite files whose fault XML Schema cannot express, with the reason (semantic
/// checks elsewhere catch them).
const NOT_EXPRESSIBLE_IN_XSD: &[(&str, &str)] = &[];

#[test]
fn cyclonedx_specification_suite_xml_schema_part() {
    let root = data_dir().join("cyclonedx/specification/test-resources");
    let mut failures = Vec::new();
    for folder in ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "ext"] {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(root.join(folder)).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        let (mut passed, mut total) = (0, 0);
        for path in entries {
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let expect_valid = name.starts_with("valid");
            if !(expect_valid || name.starts_with("invalid")) || !name.ends_with(".xml") {
                continue;
            }
            total += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            let version = suite_version(&path, &text);
            let set = cyclonedx(&version).unwrap();
            let problems = set.validate(&parse(&text));
            let exempt = NOT_EXPRESSIBLE_IN_XSD.iter().find(|(n, _)| *n == format!("{folder}/{name}"));
            let ok = match (expect_valid, exempt) {
                (true, _) => problems.is_empty(),
                (false, None) => !problems.is_empty(),
                (false, Some(_)) => problems.is_empty(),
            };
            if !expect_valid {
                let first = problems.first().map(|p| format!("{} {} {}", p.code, p.path, p.message));
                println!("  {folder}/{name}: {} problem(s), first: {}", problems.len(), first.unwrap_or_default());
            }
            if ok {
                passed += 1;
            } else {
                failures.push(format!("{folder}/{name} (against {version}): {problems:#?}"));
            }
        }
        println!("cyclonedx xml schema {folder}: {passed}/{total}");
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// Every file under `dir` (recursively), sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The CycloneDX version of a document, from its root namespace.
fn namespace_version(doc: &roxmltree::Document<'_>) -> Option<String> {
    let namespace = doc.root_element().tag_name().namespace()?;
    namespace.strip_prefix("http://cyclonedx.org/schema/bom/").map(str::to_string)
}

#[test]
fn cyclonedx_bom_examples_xml() {
    let root = data_dir().join("cyclonedx/bom-examples");
    let mut invalid = Vec::new();
    let (mut passed, mut total) = (0, 0);
    for path in files_under(&root).into_iter().filter(|p| p.extension().is_some_and(|e| e == "xml")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = parse(&text);
        let Some(version) = namespace_version(&doc) else { continue };
        total += 1;
        let problems = cyclonedx(&version).unwrap().validate(&doc);
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        if problems.is_empty() {
            passed += 1;
        } else {
            println!("{name} (CycloneDX {version}): {} problem(s)", problems.len());
            for problem in problems.iter().take(5) {
                println!("  {} {}: {}", problem.code, problem.path, problem.message);
            }
            invalid.push(name);
        }
    }
    println!("cyclonedx bom-examples xml: {passed}/{total}");
    assert!(total >= 17, "only {total} XML BOMs found");
    assert_eq!(invalid, Vec::<String>::new());
}

