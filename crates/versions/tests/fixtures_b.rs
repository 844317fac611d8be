//! The OSV ecosystem fixtures (`versions/*-versions*.txt` in the shared data) for the
//! dpkg, rpm, apk, CRAN, Hackage and Pub schemes: every `a op b` line is checked both
//! ways (`a` against `b`, and `b` against `a` with the inverse operator).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::cmp::Ordering;

use chainward_versions::{Scheme, Version};

use crate::data_dir;
use crate::fixture_file::{case_lines, split_case};

/// Fixture lines whose expectation this crate deliberately does not reproduce, as
/// `(file, line, reason)`. Each is still checked: it must produce the other result.
const KNOWN_DIFFERENCES: &[(&str, usize, &str)] = &[];

fn parse_op(op: &str) -> Option<Ordering> {
    match op {
        "<" => Some(Ordering::Less),
        "=" => Some(Ordering::Equal),
        ">" => Some(Ordering::Greater),
        _ => None,
    }
}

/// Checks every case of `files` in `scheme` both ways; prints up to 20 failures and
/// `versions <scheme>: passed/total`, and asserts that all pass.
pub fn check_fixture(scheme: Scheme, files: &[&str]) {
    let dir = data_dir().join("versions");
    let mut passed = 0usize;
    let mut total = 0usize;
    let mut failures = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("cannot read {file}: {e}"));
        for (number, line) in case_lines(&text) {
            let Some((a, op, b)) = split_case(line) else { panic!("{file}:{number}: not `a op b`: {line}") };
            let expected = parse_op(op).unwrap_or_else(|| panic!("{file}:{number}: bad operator {op}"));
            let known = KNOWN_DIFFERENCES.iter().find(|(f, l, _)| f == file && *l == number);
            for (x, y, want) in [(a, b, expected), (b, a, expected.reverse())] {
                total += 1;
                let got = match (Version::parse(scheme, x), Version::parse(scheme, y)) {
                    (Ok(x), Ok(y)) => Ok(x.cmp(&y)),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
                let ok = match known {
                    None => got == Ok(want),
                    Some(_) => matches!(got, Ok(order) if order != want),
                };
                if ok {
                    passed += 1;
                } else {
                    failures.push(format!("{file}:{number}: {x} vs {y}: expected {want:?}, got {got:?}"));
                }
            }
        }
    }
    for failure in failures.iter().take(20) {
        println!("  FAIL {failure}");
    }
    println!("versions {scheme}: {passed}/{total}");
    assert!(total > 0, "no cases read for {scheme}");
    assert_eq!(passed, total, "{} {scheme} fixture comparisons fail", failures.len());
}

#[test]
fn debian_fixtures_all_order_as_dpkg() {
    check_fixture(Scheme::Debian, &["debian-versions.txt", "debian-versions-generated.txt"]);
}

#[test]
fn rpm_fixtures_all_order_as_rpmvercmp() {
    check_fixture(Scheme::Rpm, &["redhat-versions.txt"]);
}

#[test]
fn alpine_fixtures_all_order_as_apk() {
    check_fixture(Scheme::Alpine, &["alpine-versions.txt", "alpine-versions-generated.txt"]);
}

#[test]
fn cran_fixtures_all_order_as_r_compare_version() {
    check_fixture(Scheme::Cran, &["cran-versions.txt", "cran-versions-generated.txt"]);
}

#[test]
fn hackage_fixtures_all_order_as_data_version() {
    check_fixture(Scheme::Hackage, &["hackage-versions.txt"]);
}

#[test]
fn pub_fixtures_all_order_as_pub_semver() {
    check_fixture(Scheme::Pub, &["pub-versions.txt"]);
}
