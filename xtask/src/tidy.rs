//! Tidy checks, run as ordinary tests (`cargo test -p xtask`): the rules of
//! ../shared/STYLE.md that a machine can check.

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::fs;
    use std::path::{Path, PathBuf};

    use crate::root;

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name == "target" || name.to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    fn all_rust_files() -> Vec<PathBuf> {
        let mut files = Vec::new();
        rust_files(&root().join("crates"), &mut files);
        rust_files(&root().join("xtask"), &mut files);
        assert!(files.len() > 10, "found only {} Rust files under {}", files.len(), root().display());
        files
    }

    #[test]
    fn tidy_every_rust_file_starts_with_a_module_doc() {
        let missing: Vec<String> = all_rust_files()
            .into_iter()
            .filter(|f| {
                let text = fs::read_to_string(f).unwrap_or_default();
                let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                !(first.starts_with("//!") || first.starts_with("#![doc"))
            })
            .map(|f| f.display().to_string())
            .collect();
        assert!(missing.is_empty(), "files without a `//!` module doc: {missing:#?}");
    }

    #[test]
    fn tidy_no_ignored_tests() {
        let needle = ["#[", "ignore"].concat();
        let offenders: Vec<String> = all_rust_files()
            .into_iter()
            .filter(|f| fs::read_to_string(f).unwrap_or_default().contains(&needle))
            .map(|f| f.display().to_string())
            .collect();
        assert!(
            offenders.is_empty(),
            "a test either runs or is deleted (assert today's output with a FIXME): {offenders:#?}"
        );
    }

    fn names_in(dir: &Path) -> BTreeSet<String> {
        fs::read_dir(dir)
            .map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn tidy_migration_names_are_in_step() {
        let base = root().join("crates/store/migrations");
        let sqlite = names_in(&base.join("sqlite"));
        let postgres = names_in(&base.join("postgres"));
        assert!(!sqlite.is_empty(), "no SQLite migrations under {}", base.display());
        assert_eq!(sqlite, postgres, "every migration exists for both backends under the same name");
    }

    #[test]
    fn tidy_every_library_crate_has_a_readme_as_its_doc() {
        for entry in fs::read_dir(root().join("crates")).into_iter().flatten().flatten() {
            let lib = entry.path().join("src/lib.rs");
            if lib.is_file() {
                assert!(entry.path().join("README.md").is_file(), "{} has no README.md", entry.path().display());
                let text = fs::read_to_string(&lib).unwrap_or_default();
                assert!(
                    text.contains("include_str!(\"../README.md\")"),
                    "{} does not include its README",
                    lib.display()
                );
            }
        }
    }

    /// Licences we may ship: permissive ones, and MPL-2.0 / Unicode data licences that
    /// impose nothing on our own code when used unmodified.
    const ALLOWED: &[&str] = &[
        "MIT",
        "Apache-2.0",
        "Apache-2.0 WITH LLVM-exception",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "ISC",
        "Zlib",
        "Unlicense",
        "CC0-1.0",
        "MPL-2.0",
        "Unicode-3.0",
        "Unicode-DFS-2016",
        "BSL-1.0",
        "0BSD",
        "CDLA-Permissive-2.0",
    ];

    /// True when an SPDX expression can be satisfied with allowed licences: for `OR` one
    /// side suffices, for `AND` both are needed.
    fn satisfiable(expr: &str) -> bool {
        let expr = expr.trim().trim_start_matches('(').trim_end_matches(')').replace('/', " OR ");
        expr.split(" OR ").any(|alt| {
            alt.split(" AND ").all(|l| {
                let l = l.trim().trim_start_matches('(').trim_end_matches(')').trim();
                ALLOWED.contains(&l) || l.split(" OR ").any(|x| ALLOWED.contains(&x.trim()))
            })
        })
    }

    #[test]
    fn tidy_dependency_licences_are_allowed() {
        let out = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["metadata", "--format-version", "1", "--locked"])
            .current_dir(root())
            .output();
        let Ok(out) = out else { unreachable!("cargo metadata could not run") };
        assert!(out.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
        let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let packages = meta["packages"].as_array().cloned().unwrap_or_default();
        assert!(packages.len() > 50, "cargo metadata listed only {} packages", packages.len());
        let refused: Vec<String> = packages
            .iter()
            .filter(|p| p["source"].is_string())
            .filter_map(|p| {
                let name = p["name"].as_str().unwrap_or("?");
                match p["license"].as_str() {
                    Some(l) if satisfiable(l) => None,
                    other => Some(format!("{name}: {other:?}")),
                }
            })
            .collect();
        assert!(refused.is_empty(), "dependencies with licences outside the allow-list: {refused:#?}");
    }

    #[test]
    fn tidy_licence_expressions_are_read_right() {
        assert!(satisfiable("MIT OR Apache-2.0"));
        assert!(satisfiable("(MIT OR Apache-2.0) AND Unicode-3.0"));
        assert!(satisfiable("Apache-2.0/MIT"));
        assert!(!satisfiable("GPL-3.0-only"));
        assert!(!satisfiable("MIT AND GPL-3.0-only"));
    }
}
