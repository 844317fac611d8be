//! The osv-scalibr ecosystem fixtures (`<a> <op> <b>` per line) for the semver, Go, PyPI,
//! Maven, NuGet, RubyGems and Packagist schemes, each case checked both ways.

use std::cmp::Ordering;
use std::fmt::Write as _;

use chainward_versions::{Scheme, Version};

use crate::data_dir;
use crate::fixture_file::{case_lines, split_case};

/// Why a Maven pair on one of ComparableVersion's own cycles is ordered differently.
const MAVEN_CYCLE: &str = "Maven's comparator is cyclic here (its sorted list has 2.9.0.RC3 < 2.9.0 < 2.9.0-1 < 2.9.0.RC1 < 2.9.0.RC2); \
     the total order puts a .0.RC pre-release below the plain release and the -N post-release above it";

/// A fixture case this crate deliberately orders differently, with the reason.
struct Known {
    /// The case line as written in the fixture.
    line: &'static str,
    /// Why it cannot pass.
    why: &'static str,
}

/// Checks every case of `files` (in the shared `versions` folder) under `scheme`: `a op b`
/// and its inverse, and that `Ord` and `Eq` agree. Prints `versions <label>: passed/total`,
/// then up to 20 failures with file and line. Fails unless exactly the `known` cases fail.
#[allow(clippy::panic, clippy::unwrap_used)]
fn check_fixture(scheme: Scheme, label: &str, files: &[&str], known: &[Known]) {
    let mut total = 0usize;
    let mut failures: Vec<String> = Vec::new();
    let mut known_failed: Vec<String> = Vec::new();
    for file in files {
        let path = data_dir().join("versions").join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        for (number, line) in case_lines(&text) {
            total += 1;
            let place = format!("{file}:{number}");
            let outcome = check_case(scheme, line);
            match (outcome, known.iter().find(|k| k.line == line)) {
                (Ok(()), None) => {}
                (Ok(()), Some(_)) => failures.push(format!("{place}: {line}: known deviation now passes, drop it")),
                (Err(why), None) => failures.push(format!("{place}: {line}: {why}")),
                (Err(why), Some(k)) => known_failed.push(format!("{place}: {line}: {why} (known: {})", k.why)),
            }
        }
    }
    let passed = total - failures.len() - known_failed.len();
    let mut report = format!("versions {label}: {passed}/{total}\n");
    for failure in known_failed.iter().chain(&failures).take(20) {
        writeln!(report, "  {failure}").unwrap();
    }
    print!("{report}");
    assert!(total > 0, "no cases read for {label}");
    assert!(failures.is_empty(), "{} of {total} {label} cases fail:\n{report}", failures.len());
    assert_eq!(known_failed.len(), known.len(), "a known deviation is no longer in the fixture:\n{report}");
}

/// One `a op b` line: both directions, and `Eq` agreeing with `Ord`.
fn check_case(scheme: Scheme, line: &str) -> Result<(), String> {
    let Some((a, op, b)) = split_case(line) else {
        return Err("not `a op b`".into());
    };
    let expected = match op {
        "<" => Ordering::Less,
        "=" => Ordering::Equal,
        ">" => Ordering::Greater,
        other => return Err(format!("unknown operator {other}")),
    };
    let va = Version::parse(scheme, a).map_err(|e| format!("{a}: {e}"))?;
    let vb = Version::parse(scheme, b).map_err(|e| format!("{b}: {e}"))?;
    let forward = va.cmp(&vb);
    let backward = vb.cmp(&va);
    if forward != expected || backward != expected.reverse() {
        return Err(format!("got {forward:?} one way, {backward:?} the other"));
    }
    if (forward == Ordering::Equal) != (va == vb) {
        return Err("Ord and Eq disagree".into());
    }
    Ok(())
}

#[test]
fn semver_fixture_passes() {
    check_fixture(Scheme::Semver, "semver", &["semver-versions.txt"], &[]);
}

#[test]
fn go_passes_the_semver_fixture() {
    check_fixture(Scheme::Go, "go (semver file)", &["semver-versions.txt"], &[]);
}

#[test]
fn pypi_fixtures_pass() {
    check_fixture(Scheme::PyPI, "pypi", &["pypi-versions.txt", "pypi-versions-generated.txt"], &[]);
}

#[test]
fn maven_fixtures_pass() {
    check_fixture(
        Scheme::Maven,
        "maven",
        &["maven-versions.txt", "maven-versions-generated.txt"],
        &[
            Known {
                line: "1-1 = 1-ga-1",
                why: "ComparableVersion reads 1-ga-1 as [1, [[1]]], below [1, [1]]; the fixture follows osv-scalibr's flat token list",
            },
            Known { line: "2.9.0-1 < 2.9.0.RC1", why: MAVEN_CYCLE },
            Known { line: "1.0.0-gradle-rework-beta3 < 1.0.0.RC7-3", why: MAVEN_CYCLE },
            Known { line: "1.1.0-01-glassfish < 1.1.0.Beta1", why: MAVEN_CYCLE },
        ],
    );
}

#[test]
fn nuget_fixture_passes() {
    check_fixture(Scheme::NuGet, "nuget", &["nuget-versions.txt"], &[]);
}

#[test]
fn rubygems_fixtures_pass() {
    check_fixture(Scheme::RubyGems, "rubygems", &["rubygems-versions.txt", "rubygems-versions-generated.txt"], &[]);
}

#[test]
fn packagist_fixtures_pass() {
    check_fixture(
        Scheme::Packagist,
        "packagist",
        &["packagist-versions.txt", "packagist-versions-generated.txt"],
        &[Known {
            line: "1.2.3.# = 1.2.3.1",
            why: "the same file has 1.2.3.# = 1.2.3 and PHP orders 1.2.3 < 1.2.3.1: no total order meets all three",
        }],
    );
}
