//! Order laws for the semver, Go, PyPI, Maven, NuGet, RubyGems and Packagist schemes:
//! antisymmetry, transitivity and `Eq`/`Hash` agreeing with `Ord`, on generated versions
//! of each ecosystem's shapes mixed with the versions of its shared fixtures.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cmp::Ordering;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use chainward_versions::{Scheme, Version};
use proptest::prelude::*;
use proptest::sample::select;

use crate::data_dir;

/// Every version mentioned in the fixture `files`, as a sample pool.
fn fixture_pool(files: &[&str]) -> Vec<String> {
    let mut pool = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(data_dir().join("versions").join(file)).unwrap();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
                continue;
            }
            let fields: Vec<&str> = line.split(' ').collect();
            if let [a, _, b] = fields.as_slice() {
                pool.push((*a).to_owned());
                pool.push((*b).to_owned());
            }
        }
    }
    pool.sort();
    pool.dedup();
    assert!(!pool.is_empty(), "no fixture versions in {files:?}");
    pool
}

fn hash_of(version: &Version) -> u64 {
    let mut hasher = DefaultHasher::new();
    version.hash(&mut hasher);
    hasher.finish()
}

/// Asserts the laws on one triple; texts that do not parse are skipped.
fn check_laws(scheme: Scheme, a: &str, b: &str, c: &str) -> Result<(), TestCaseError> {
    let (Ok(va), Ok(vb), Ok(vc)) = (Version::parse(scheme, a), Version::parse(scheme, b), Version::parse(scheme, c))
    else {
        return Ok(());
    };
    for (x, y, xs, ys) in [(&va, &vb, a, b), (&vb, &vc, b, c), (&va, &vc, a, c)] {
        let forward = x.cmp(y);
        prop_assert_eq!(forward, y.cmp(x).reverse(), "antisymmetry: {} vs {}", xs, ys);
        prop_assert_eq!(forward == Ordering::Equal, x == y, "Eq and Ord disagree: {} vs {}", xs, ys);
        if x == y {
            prop_assert_eq!(hash_of(x), hash_of(y), "equal but hashed apart: {} vs {}", xs, ys);
        }
    }
    prop_assert_eq!(va.cmp(&va), Ordering::Equal, "reflexivity: {}", a);
    let all = [(&va, a), (&vb, b), (&vc, c)];
    for (x, xs) in all {
        for (y, ys) in all {
            for (z, zs) in all {
                if x <= y && y <= z {
                    prop_assert!(x <= z, "transitivity: {} <= {} <= {} but not {} <= {}", xs, ys, zs, xs, zs);
                }
                if x == y && y == z {
                    prop_assert_eq!(x, z, "equality is not transitive: {} {} {}", xs, ys, zs);
                }
            }
        }
    }
    Ok(())
}

/// Generated versions (most of the weight) mixed with fixture versions.
fn versions(generated: BoxedStrategy<String>, pool: Vec<String>) -> BoxedStrategy<String> {
    prop_oneof![3 => generated, 2 => select(pool)].boxed()
}

fn semver_like() -> BoxedStrategy<String> {
    "v?[0-9]{1,3}(\\.[0-9]{1,2}){0,4}(-(alpha|beta|rc|RC|0|1|11|x-y|20191109021931-daa7c04131f5)(\\.(0|1|2|10|a|B|pre)){0,3})?(\\+(build|incompatible|1\\.2))?"
        .boxed()
}

fn pypi_like() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "v?([0-9]!)?[0-9]{1,3}(\\.[0-9]{1,2}){0,3}([-_.]?(a|b|c|rc|alpha|beta|pre|preview|RC)[-_.]?[0-9]{0,2})?(-[0-9]|[-_.]?(post|rev|r)[-_.]?[0-9]{0,2})?([-_.]?(dev|DEV)[-_.]?[0-9]{0,2})?(\\+[a-z0-9]{1,3}([-_.][a-z0-9]{1,3}){0,2})?",
        1 => "[0-9a-z.\\-]{1,12}",
    ]
    .boxed()
}

fn maven_like() -> BoxedStrategy<String> {
    let token = select(vec![
        "0",
        "1",
        "2",
        "10",
        "01",
        "123456789012",
        "alpha",
        "beta",
        "a",
        "b",
        "m",
        "rc",
        "cr",
        "snapshot",
        "SNAPSHOT",
        "ga",
        "final",
        "release",
        "sp",
        "foo",
        "x",
        "",
    ]);
    let separator = select(vec![".", "-", ""]);
    (token.clone(), prop::collection::vec((separator, token), 0..6))
        .prop_map(|(first, rest)| {
            let mut text = first.to_owned();
            for (separator, token) in rest {
                text.push_str(separator);
                text.push_str(token);
            }
            if text.is_empty() { "0".to_owned() } else { text }
        })
        .boxed()
}

fn rubygems_like() -> BoxedStrategy<String> {
    "[0-9]{1,3}(\\.([0-9]{1,2}|a|b|pre|rc|beta|A))*([0-9]|[a-z]{1,3})?(-[0-9a-z]{1,4})?".boxed()
}

fn packagist_like() -> BoxedStrategy<String> {
    "[vV]?[0-9]{1,3}(\\.[0-9]{1,2}){0,3}([-_.+]?(dev|alpha|a|beta|b|RC|rc|pl|p|patch|foo|#)[-_.]?[0-9]{0,2}){0,2}[.\\-]?".boxed()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn semver_order_laws(
        (a, b, c) in {
            let s = versions(semver_like(), fixture_pool(&["semver-versions.txt"]));
            (s.clone(), s.clone(), s)
        }
    ) {
        check_laws(Scheme::Semver, &a, &b, &c)?;
    }

    #[test]
    fn go_order_laws(
        (a, b, c) in {
            let s = versions(semver_like(), fixture_pool(&["semver-versions.txt"]));
            (s.clone(), s.clone(), s)
        }
    ) {
        check_laws(Scheme::Go, &a, &b, &c)?;
    }

    #[test]
    fn pypi_order_laws(
        (a, b, c) in {
            let s = versions(pypi_like(), fixture_pool(&["pypi-versions.txt", "pypi-versions-generated.txt"]));
            (s.clone(), s.clone(), s)
        }
    ) {
        check_laws(Scheme::PyPI, &a, &b, &c)?;
    }

    #[test]
    fn maven_order_laws(
        (a, b, c) in {
            let s = versions(maven_like(), fixture_pool(&["maven-versions.txt", "maven-versions-generated.txt"]));
            (s.clone(), s.clone(), s)
        }
    ) {
        check_laws(Scheme::Maven, &a, &b, &c)?;
    }

    #[test]
    fn nuget_order_laws(
        (a, b, c) in {
            let s = versions(semver_like(), fixture_pool(&["nuget-versions.txt"]));
            (s.clone(), s.clone(), s)
        }
    ) {
        check_laws(Scheme::NuGet, &a, &b, &c)?;
    }

    #[test]
    fn rubygems_order_laws(
        (a, b, c) in {
            let s = versions(rubygems_like(), fixture_pool(&["rubygems-versions.txt", "rubygems-versions-generated.txt"]));
            (s.clone(), s.clone(), s)
        }
    ) {
        check_laws(Scheme::RubyGems, &a, &b, &c)?;
    }

    #[test]
    fn packagist_order_laws(
        (a, b, c) in {
            let s = versions(packagist_like(), fixture_pool(&["packagist-versions.txt", "packagist-versions-generated.txt"]));
            (s.clone(), s.clone(), s)
        }
    ) {
        check_laws(Scheme::Packagist, &a, &b, &c)?;
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(text in "\\PC{0,40}") {
        for scheme in [Scheme::Semver, Scheme::Go, Scheme::PyPI, Scheme::Maven, Scheme::NuGet, Scheme::RubyGems, Scheme::Packagist] {
            let _ = Version::parse(scheme, &text);
        }
    }
}
