//! `formats::sbom::load` against the CycloneDX specification's own test suite: every
//! `valid*` JSON and XML file of every version (and `ext`) is valid, every `invalid*` file
//! is invalid — schema and semantic checks together, exactly as `chainward sbom validate`
//! decides. The naming rules are upstream's (see the data's SOURCES.md): files starting
//! with `valid` or `invalid` run, anything else (`skip_*`, `informal-*`) does not;
//! `.textproto` files are out of scope.

use chainward_formats::sbom::{LoadConfig, load};

use crate::data::{data_dir, files_under};

#[test]
fn cyclonedx_specification_suite_valid_files_pass_and_invalid_files_fail() {
    let root = data_dir().join("cyclonedx/specification/test-resources");
    let config = LoadConfig::default();
    let mut failures = Vec::new();
    let mut total_all = 0;
    for folder in ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "ext"] {
        let (mut passed, mut total) = (0, 0);
        for path in files_under(&root.join(folder)) {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let json_or_xml = name.ends_with(".json") || name.ends_with(".xml");
            let expect_valid = name.starts_with("valid");
            if !json_or_xml || !(expect_valid || name.starts_with("invalid")) {
                continue;
            }
            total += 1;
            let bytes = std::fs::read(&path).unwrap_or_default();
            let outcome = match load(&bytes, &config) {
                Ok(loaded) if loaded.is_valid() => "valid".to_owned(),
                Ok(loaded) => {
                    let first = loaded.read.problems.first().map(|p| format!("{} at {}", p.code, p.path));
                    format!("invalid ({})", first.unwrap_or_default())
                }
                Err(error) => format!("unreadable ({}: {error})", error.code()),
            };
            let ok = if expect_valid { outcome == "valid" } else { outcome.starts_with("invalid") };
            if ok {
                passed += 1;
            } else {
                failures.push(format!("{folder}/{name}: {outcome}"));
            }
        }
        println!("cyclonedx validate {folder}: {passed}/{total}");
        total_all += total;
    }
    assert!(total_all >= 773, "the suite looks incomplete: {total_all} files");
    assert!(failures.is_empty(), "{} files decided wrongly:\n{}", failures.len(), failures.join("\n"));
}
