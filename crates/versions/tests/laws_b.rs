//! Order laws for the dpkg, rpm, apk, CRAN, Hackage and Pub schemes on generated,
//! realistic version strings: antisymmetry (`a < b` exactly when `b > a`, and `Equal`
//! only between equal values), transitivity, and never a panic.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::cmp::Ordering;

use chainward_versions::{Scheme, Version};
use proptest::prelude::*;

fn number() -> impl Strategy<Value = String> {
    prop_oneof!["[0-9]{1,3}", "0[0-9]{1,2}", "[1-9][0-9]{20,30}",]
}

fn dotted(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(number(), 1..max).prop_map(|parts| parts.join("."))
}

fn debian() -> impl Strategy<Value = String> {
    (
        prop::option::of("[0-9]{1,2}"),
        dotted(4),
        "(~[a-z]{1,3}[0-9]?|\\+[a-z0-9.]{1,4}|[a-z]{0,2})",
        prop::option::of("[0-9a-z.+~]{1,6}"),
    )
        .prop_map(|(epoch, upstream, extra, revision)| {
            let mut v = String::new();
            if let Some(e) = epoch {
                v.push_str(&format!("{e}:"));
            }
            v.push_str(&upstream);
            v.push_str(&extra);
            if let Some(r) = revision {
                v.push_str(&format!("-{r}"));
            }
            v
        })
}

fn rpm() -> impl Strategy<Value = String> {
    (prop::option::of("[0-9]{1,2}"), "[0-9a-z.~^_+]{1,10}", prop::option::of("[0-9a-z.~^_]{0,8}")).prop_map(
        |(epoch, version, release)| {
            let mut v = String::new();
            if let Some(e) = epoch {
                v.push_str(&format!("{e}:"));
            }
            v.push_str(&version);
            if let Some(r) = release {
                v.push_str(&format!("-{r}"));
            }
            v
        },
    )
}

fn alpine() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (
            dotted(4),
            "[a-z]?",
            prop::collection::vec("_(alpha|beta|pre|rc|cvs|svn|git|hg|p|foo)[0-9]{0,2}", 0..3),
            "(~[0-9a-f]{1,4})?",
            "(-r[0-9]{0,2})?",
        )
            .prop_map(|(n, l, s, h, r)| format!("{n}{l}{}{h}{r}", s.concat())),
        1 => "[0-9a-z._~-]{1,10}",
    ]
}

fn cran() -> impl Strategy<Value = String> {
    prop::collection::vec((number(), prop::sample::select(vec![".", "-"])), 1..5).prop_map(|parts| {
        let mut v = String::new();
        for (i, (n, sep)) in parts.iter().enumerate() {
            if i > 0 {
                v.push_str(sep);
            }
            v.push_str(n);
        }
        v
    })
}

fn pub_version() -> impl Strategy<Value = String> {
    (dotted(4), "(-[0-9a-zA-Z]{1,3}(\\.[0-9a-z]{1,3}){0,2})?", "(\\+[0-9a-z]{1,3}(\\.[0-9]{1,2})?)?")
        .prop_map(|(core, pre, build)| format!("{core}{pre}{build}"))
}

fn check_laws(scheme: Scheme, a: &str, b: &str, c: &str) -> Result<(), TestCaseError> {
    let (Ok(x), Ok(y), Ok(z)) = (Version::parse(scheme, a), Version::parse(scheme, b), Version::parse(scheme, c))
    else {
        return Ok(());
    };
    prop_assert_eq!(x.cmp(&y), y.cmp(&x).reverse(), "antisymmetry {} {}", a, b);
    prop_assert_eq!(x.cmp(&y) == Ordering::Equal, x == y, "Equal only between equal values: {} {}", a, b);
    if x <= y && y <= z {
        prop_assert!(x <= z, "transitivity {} <= {} <= {}", a, b, c);
    }
    if x >= y && y >= z {
        prop_assert!(x >= z, "transitivity {} >= {} >= {}", a, b, c);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn debian_order_is_total(a in debian(), b in debian(), c in debian()) {
        check_laws(Scheme::Debian, &a, &b, &c)?;
    }

    #[test]
    fn rpm_order_is_total(a in rpm(), b in rpm(), c in rpm()) {
        check_laws(Scheme::Rpm, &a, &b, &c)?;
    }

    #[test]
    fn alpine_order_is_total(a in alpine(), b in alpine(), c in alpine()) {
        check_laws(Scheme::Alpine, &a, &b, &c)?;
    }

    #[test]
    fn cran_order_is_total(a in cran(), b in cran(), c in cran()) {
        check_laws(Scheme::Cran, &a, &b, &c)?;
    }

    #[test]
    fn hackage_order_is_total(a in dotted(5), b in dotted(5), c in dotted(5)) {
        check_laws(Scheme::Hackage, &a, &b, &c)?;
    }

    #[test]
    fn pub_order_is_total(a in pub_version(), b in pub_version(), c in pub_version()) {
        check_laws(Scheme::Pub, &a, &b, &c)?;
    }

    #[test]
    fn any_text_parses_or_errs_without_panicking(text in "\\PC{0,40}") {
        for scheme in [Scheme::Debian, Scheme::Rpm, Scheme::Alpine, Scheme::Cran, Scheme::Hackage, Scheme::Pub] {
            let _ = Version::parse(scheme, &text);
        }
        let _ = chainward_versions::vers::VersRange::parse(&format!("vers:deb/{text}"));
        let _ = chainward_versions::vers::VersRange::from_native("npm", &text);
        let _ = chainward_versions::vers::VersRange::from_native("conan", &text);
    }
}
