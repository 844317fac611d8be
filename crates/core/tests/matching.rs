//! The matching engine on small hand-written OSV records: each evaluation rule of the OSV
//! schema, alias groups, replacement of records, and the purl to OSV package mapping for
//! every purl type that has an OSV ecosystem.
//!
//! Versions here are plain dotted numbers, which every scheme orders the same way.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use chainward_core::purl::Purl;
use chainward_core::vuln::matching::{
    AdvisoryIndex, AffectedBy, Match, PackageKey, Verdict, may_match, normalise_osv_package, package_for_purl,
    packages_named_by,
};
use chainward_core::vuln::osv::Advisory;

fn advisory(json: &str) -> Advisory {
    serde_json::from_str(json).unwrap_or_else(|error| panic!("bad test record: {error}\n{json}"))
}

/// A record with one affected package whose `affected[0]` body (ranges, versions) is given.
fn record(id: &str, ecosystem: &str, name: &str, affected_body: &str) -> Advisory {
    let body = if affected_body.is_empty() { String::new() } else { format!(", {affected_body}") };
    advisory(&format!(
        r#"{{"id": "{id}", "modified": "2024-01-01T00:00:00Z",
            "affected": [{{"package": {{"ecosystem": "{ecosystem}", "name": "{name}"}}{body}}}]}}"#
    ))
}

fn key(ecosystem: &str, name: &str) -> PackageKey {
    PackageKey { ecosystem: ecosystem.to_owned(), name: name.to_owned() }
}

/// The verdict of a one-advisory index on `pkg` (npm) at each version: `A` affected, `-` not
/// affected, `N` not evaluable, `U` unknown version.
fn verdicts(affected_body: &str, versions: &[&str]) -> String {
    let index = AdvisoryIndex::build([record("TEST-1", "npm", "pkg", affected_body)]);
    versions
        .iter()
        .map(|version| {
            let matches = index.match_package(&key("npm", "pkg"), Some(version));
            match matches.first().map(|m| &m.verdict) {
                None => '-',
                Some(Verdict::Affected { .. }) => 'A',
                Some(Verdict::NotEvaluable { .. }) => 'N',
                Some(Verdict::UnknownVersion) => 'U',
            }
        })
        .collect()
}

fn range(kind: &str, events: &str) -> String {
    format!(r#""ranges": [{{"type": "{kind}", "events": [{events}]}}]"#)
}

const PROBES: &[&str] = &["0.9", "1.0", "1.1", "1.5", "2.0", "2.1", "3.0"];

#[test]
fn introduced_and_fixed_make_a_half_open_range() {
    let body = range("ECOSYSTEM", r#"{"introduced": "1.0"}, {"fixed": "2.0"}"#);
    assert_eq!(verdicts(&body, PROBES), "-AAA---");
}

#[test]
fn last_affected_closes_the_range_inclusively() {
    let body = range("ECOSYSTEM", r#"{"introduced": "1.0"}, {"last_affected": "2.0"}"#);
    assert_eq!(verdicts(&body, PROBES), "-AAAA--");
}

#[test]
fn limit_bounds_the_range_exclusively() {
    let body = range("SEMVER", r#"{"introduced": "1.0"}, {"limit": "2.0"}"#);
    assert_eq!(verdicts(&body, PROBES), "-AAA---");
    let star = range("SEMVER", r#"{"introduced": "1.0"}, {"limit": "*"}"#);
    assert_eq!(verdicts(&star, PROBES), "-AAAAAA");
}

#[test]
fn introduced_zero_is_before_every_version() {
    let body = range("ECOSYSTEM", r#"{"introduced": "0"}, {"fixed": "1.1"}"#);
    assert_eq!(verdicts(&body, PROBES), "AA-----");
    let unfixed = range("ECOSYSTEM", r#"{"introduced": "0"}"#);
    assert_eq!(verdicts(&unfixed, PROBES), "AAAAAAA");
}

#[test]
fn several_intervals_and_several_ranges_each_affect() {
    let one_range =
        range("SEMVER", r#"{"introduced": "1.0"}, {"fixed": "1.1"}, {"introduced": "2.0"}, {"fixed": "2.1"}"#);
    assert_eq!(verdicts(&one_range, PROBES), "-A--A--");
    let two_ranges = r#""ranges": [
        {"type": "SEMVER", "events": [{"introduced": "1.0"}, {"fixed": "1.1"}]},
        {"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}, {"fixed": "2.1"}]}]"#;
    assert_eq!(verdicts(two_ranges, PROBES), "-A--A--");
    let index = AdvisoryIndex::build([record("TEST-1", "npm", "pkg", two_ranges)]);
    let matches = index.match_package(&key("npm", "pkg"), Some("2.0"));
    assert_eq!(matches[0].verdict, Verdict::Affected { by: AffectedBy::Range(1) });
}

#[test]
fn out_of_order_and_duplicate_events_are_sorted_first() {
    let body = range(
        "ECOSYSTEM",
        r#"{"fixed": "2.1"}, {"introduced": "2.0"}, {"fixed": "1.1"}, {"introduced": "1.0"}, {"fixed": "1.1"}"#,
    );
    assert_eq!(verdicts(&body, PROBES), "-A--A--");
}

#[test]
fn an_event_with_several_keys_contributes_each() {
    let body = range("ECOSYSTEM", r#"{"introduced": "1.0", "fixed": "1.5"}"#);
    assert_eq!(verdicts(&body, PROBES), "-AA----");
}

#[test]
fn introduced_and_last_affected_at_one_version_affect_exactly_it() {
    let body = range("ECOSYSTEM", r#"{"introduced": "1.5"}, {"last_affected": "1.5"}"#);
    assert_eq!(verdicts(&body, PROBES), "---A---");
}

#[test]
fn an_unparseable_event_version_makes_the_range_not_evaluable() {
    let body = range("ECOSYSTEM", r#"{"introduced": "0"}, {"fixed": "---"}"#);
    assert_eq!(verdicts(&body, &["1.0"]), "N");
    let index = AdvisoryIndex::build([record("TEST-1", "npm", "pkg", &body)]);
    let Verdict::NotEvaluable { reason } = &index.match_package(&key("npm", "pkg"), Some("1.0"))[0].verdict else {
        panic!("expected not evaluable");
    };
    assert!(reason.contains("fixed") && reason.contains("does not parse"), "{reason}");
}

#[test]
fn an_unparseable_component_version_is_not_evaluable() {
    let body = range("ECOSYSTEM", r#"{"introduced": "0"}, {"fixed": "2.0"}"#);
    let index = AdvisoryIndex::build([record("TEST-1", "npm", "pkg", &body)]);
    let Verdict::NotEvaluable { reason } = &index.match_package(&key("npm", "pkg"), Some("+++"))[0].verdict else {
        panic!("expected not evaluable");
    };
    assert!(reason.starts_with("version \"+++\" does not parse as semver"), "{reason}");
}

#[test]
fn git_ranges_are_not_evaluable_unless_the_versions_list_decides() {
    let git = r#""ranges": [{"type": "GIT", "repo": "https://example.com/r", "events": [{"introduced": "0"}, {"fixed": "abc"}]}]"#;
    assert_eq!(verdicts(git, &["1.0"]), "N");
    let index = AdvisoryIndex::build([record("TEST-1", "npm", "pkg", git)]);
    assert_eq!(
        index.match_package(&key("npm", "pkg"), Some("1.0"))[0].verdict,
        Verdict::NotEvaluable { reason: "git range".into() }
    );
    let listed = format!(r#"{git}, "versions": ["1.0", "1.1"]"#);
    assert_eq!(verdicts(&listed, &["1.0", "1.1", "1.5"]), "AA-");
}

#[test]
fn an_unknown_range_type_is_not_evaluable() {
    let body = range("CALVER", r#"{"introduced": "0"}"#);
    assert_eq!(verdicts(&body, &["1.0"]), "N");
}

#[test]
fn listed_versions_affect_by_exact_text_or_equal_parsed_version() {
    let body = r#""versions": ["1.0", "1.5"]"#;
    assert_eq!(verdicts(body, PROBES), "-A-A---");
    let index = AdvisoryIndex::build([record("TEST-1", "PyPI", "pkg", body)]);
    let matches = index.match_package(&key("PyPI", "pkg"), Some("1.05"));
    assert_eq!(matches[0].verdict, Verdict::Affected { by: AffectedBy::Listed }, "1.05 equals 1.5 in PEP 440");
}

#[test]
fn a_component_without_version_has_an_unknown_version() {
    let body = range("ECOSYSTEM", r#"{"introduced": "1.0"}, {"fixed": "2.0"}"#);
    let index = AdvisoryIndex::build([record("TEST-1", "npm", "pkg", &body)]);
    for version in [None, Some(""), Some("  ")] {
        let matches = index.match_package(&key("npm", "pkg"), version);
        assert_eq!(matches.len(), 1);
        assert_eq!(matches[0].verdict, Verdict::UnknownVersion);
    }
    assert!(index.match_package(&key("npm", "other"), None).is_empty());
}

#[test]
fn a_withdrawn_advisory_is_kept_but_never_matches() {
    let mut withdrawn = record("TEST-1", "npm", "pkg", &range("ECOSYSTEM", r#"{"introduced": "0"}"#));
    withdrawn.withdrawn = Some("2024-02-01T00:00:00Z".into());
    let index = AdvisoryIndex::build([withdrawn]);
    assert_eq!(index.len(), 1);
    assert!(index.advisory("TEST-1").is_some());
    assert!(index.match_package(&key("npm", "pkg"), Some("1.0")).is_empty());
    assert!(index.match_package(&key("npm", "pkg"), None).is_empty());
}

#[test]
fn aliases_merge_feeds_into_one_group_and_one_match() {
    let body = range("ECOSYSTEM", r#"{"introduced": "0"}, {"fixed": "2.0"}"#);
    let mut ghsa = record("GHSA-aaaa-bbbb-cccc", "PyPI", "Django", &body);
    ghsa.aliases = vec!["CVE-2024-0002".into()];
    let mut pysec = record("PYSEC-2024-1", "PyPI", "django", &body);
    pysec.aliases = vec!["CVE-2024-0002".into(), "CVE-2024-0001".into()];
    let not_evaluable = record("OSV-2024-9", "PyPI", "django", &range("GIT", r#"{"introduced": "0"}"#));
    let mut other = not_evaluable.clone();
    other.aliases = vec!["GHSA-aaaa-bbbb-cccc".into()];
    let index = AdvisoryIndex::build([ghsa, pysec, other]);
    assert_eq!(index.vulnerability_key("PYSEC-2024-1"), "CVE-2024-0001");
    assert_eq!(index.vulnerability_key("OSV-2024-9"), "CVE-2024-0001");
    assert_eq!(
        index.group("CVE-2024-0001"),
        ["CVE-2024-0001", "CVE-2024-0002", "GHSA-aaaa-bbbb-cccc", "OSV-2024-9", "PYSEC-2024-1"]
    );
    assert_eq!(index.vulnerability_key("NOT-KNOWN"), "NOT-KNOWN");
    let matches = index.match_package(&key("PyPI", "django"), Some("1.0"));
    assert_eq!(
        matches,
        [Match {
            advisory_id: "GHSA-aaaa-bbbb-cccc".into(),
            vulnerability: "CVE-2024-0001".into(),
            verdict: Verdict::Affected { by: AffectedBy::Range(0) },
            release_assumed: false,
        }]
    );
    // Above the fix, only the git-only record speaks: not evaluable, still one match.
    let matches = index.match_package(&key("PyPI", "django"), Some("3.0"));
    assert_eq!(matches.len(), 1);
    assert_eq!(matches[0].advisory_id, "OSV-2024-9");
}

#[test]
fn insert_replaces_an_older_record_and_refuses_an_older_one() {
    let old = record("TEST-1", "npm", "pkg", &range("ECOSYSTEM", r#"{"introduced": "0"}, {"fixed": "1.1"}"#));
    let mut index = AdvisoryIndex::build([old.clone()]);
    assert_eq!(verdict_letter(&index, "1.5"), '-');
    let mut newer = record("TEST-1", "npm", "pkg", &range("ECOSYSTEM", r#"{"introduced": "0"}, {"fixed": "2.0"}"#));
    newer.modified = "2024-03-01T00:00:00Z".into();
    assert!(index.insert(newer));
    assert_eq!(index.len(), 1);
    assert_eq!(verdict_letter(&index, "1.5"), 'A');
    assert!(!index.insert(old), "an older record does not replace a newer one");
    assert_eq!(verdict_letter(&index, "1.5"), 'A');
    assert!(index.remove("TEST-1").is_some());
    assert!(index.is_empty());
    assert_eq!(verdict_letter(&index, "1.5"), '-');
}

fn verdict_letter(index: &AdvisoryIndex, version: &str) -> char {
    match index.match_package(&key("npm", "pkg"), Some(version)).first().map(|m| &m.verdict) {
        None => '-',
        Some(Verdict::Affected { .. }) => 'A',
        Some(_) => '?',
    }
}

#[test]
fn replacing_aliases_regroups_the_ids() {
    let mut first = record("GHSA-1", "npm", "pkg", "");
    first.aliases = vec!["CVE-2024-1".into()];
    let mut index = AdvisoryIndex::build([first.clone()]);
    assert_eq!(index.vulnerability_key("GHSA-1"), "CVE-2024-1");
    first.aliases = vec!["CVE-2024-2".into()];
    first.modified = "2024-05-01T00:00:00Z".into();
    index.insert(first);
    assert_eq!(index.vulnerability_key("GHSA-1"), "CVE-2024-2");
    assert_eq!(index.group("CVE-2024-1"), ["CVE-2024-1"]);
}

#[test]
fn distribution_releases_match_exactly_or_are_assumed() {
    let body = range("ECOSYSTEM", r#"{"introduced": "0"}, {"fixed": "3.0.11-1"}"#);
    let index = AdvisoryIndex::build([
        record("DSA-1", "Debian:12", "openssl", &body),
        record("DSA-2", "Debian:11", "openssl", &range("ECOSYSTEM", r#"{"introduced": "0"}, {"fixed": "1.1.1"}"#)),
        record("DSA-3", "Debian", "openssl", &body),
    ]);
    let on_12 = index.match_package(&key("Debian:12", "openssl"), Some("3.0.10-1"));
    let found: Vec<(&str, bool)> = on_12.iter().map(|m| (m.advisory_id.as_str(), m.release_assumed)).collect();
    assert_eq!(found, [("DSA-1", false), ("DSA-3", false)]);
    let unknown_release = index.match_package(&key("Debian", "openssl"), Some("1.1.0"));
    let found: Vec<(&str, bool)> =
        unknown_release.iter().map(|m| (m.advisory_id.as_str(), m.release_assumed)).collect();
    assert_eq!(found, [("DSA-1", true), ("DSA-2", true), ("DSA-3", false)]);
    let purl = Purl::parse("pkg:deb/debian/libssl3@3.0.10-1?distro=debian-12&upstream=openssl").unwrap();
    assert_eq!(index.match_purl(&purl).len(), 2);
}

#[test]
fn packages_named_by_lists_each_package_and_its_distribution_family() {
    let record = advisory(
        r#"{"id": "X-1", "affected": [
            {"package": {"ecosystem": "PyPI", "name": "Foo_Bar"}},
            {"package": {"ecosystem": "PyPI", "name": "foo.bar"}},
            {"package": {"ecosystem": "Alpine:v3.19", "name": "curl"}},
            {"ranges": []}]}"#,
    );
    assert_eq!(
        packages_named_by(&record),
        [key("Alpine", "curl"), key("Alpine:v3.19", "curl"), key("PyPI", "foo-bar")]
    );
    assert!(may_match(&key("Alpine:v3.19", "curl"), &key("Alpine", "curl")));
    assert!(may_match(&key("Alpine", "curl"), &key("Alpine:v3.18", "curl")));
    assert!(!may_match(&key("Alpine:v3.19", "curl"), &key("Alpine:v3.18", "curl")));
    assert!(!may_match(&key("npm", "curl"), &key("PyPI", "curl")));
}

#[test]
fn advisory_names_are_normalised_per_ecosystem() {
    let cases = [
        ("PyPI", "Django", "PyPI", "django"),
        ("PyPI", "zope.interface", "PyPI", "zope-interface"),
        ("PyPI", "Foo__Bar-.baz", "PyPI", "foo-bar-baz"),
        ("pypi", "x", "PyPI", "x"),
        ("NuGet", "Newtonsoft.Json", "NuGet", "newtonsoft.json"),
        ("Packagist", "Symfony/HTTP-Kernel", "Packagist", "symfony/http-kernel"),
        ("crates.io", "Foo_Bar", "crates.io", "foo-bar"),
        ("SwiftURL", "https://github.com/Vapor/Vapor.git", "SwiftURL", "github.com/vapor/vapor"),
        ("GitHub Actions", "Actions/Checkout", "GitHub Actions", "actions/checkout"),
        ("Maven", "org.Apache:Commons", "Maven", "org.Apache:Commons"),
        ("npm", "@Scope/Name", "npm", "@Scope/Name"),
        ("Go", "github.com/Foo/bar", "Go", "github.com/Foo/bar"),
        ("Ubuntu:22.04:LTS", "OpenSSL", "Ubuntu:22.04:LTS", "openssl"),
    ];
    for (ecosystem, name, want_ecosystem, want_name) in cases {
        assert_eq!(normalise_osv_package(ecosystem, name), key(want_ecosystem, want_name), "{ecosystem} {name}");
    }
}

#[test]
fn purls_map_to_osv_packages() {
    let cases: &[(&str, Option<(&str, &str)>)] = &[
        ("pkg:npm/lodash@4.17.20", Some(("npm", "lodash"))),
        ("pkg:npm/%40babel/core@7.0.0", Some(("npm", "@babel/core"))),
        ("pkg:pypi/Django_REST.framework@3.0", Some(("PyPI", "django-rest-framework"))),
        (
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            Some(("Maven", "org.apache.logging.log4j:log4j-core")),
        ),
        ("pkg:golang/github.com/gin-gonic/gin@v1.9.0", Some(("Go", "github.com/gin-gonic/gin"))),
        ("pkg:golang/golang.org/stdlib@1.21.0", Some(("Go", "stdlib"))),
        ("pkg:golang/golang.org/toolchain@1.21.0", Some(("Go", "toolchain"))),
        ("pkg:golang/golang.org/x/net@v0.17.0", Some(("Go", "golang.org/x/net"))),
        ("pkg:cargo/Foo_Bar@1.0.0", Some(("crates.io", "foo-bar"))),
        ("pkg:gem/rails@7.0.0", Some(("RubyGems", "rails"))),
        ("pkg:nuget/Newtonsoft.Json@13.0.1", Some(("NuGet", "newtonsoft.json"))),
        ("pkg:composer/symfony/http-kernel@5.0.0", Some(("Packagist", "symfony/http-kernel"))),
        ("pkg:hex/plug@1.0.0", Some(("Hex", "plug"))),
        ("pkg:pub/http@0.13.0", Some(("Pub", "http"))),
        ("pkg:cran/ggplot2@3.4.0", Some(("CRAN", "ggplot2"))),
        ("pkg:hackage/aeson@2.0.0.0", Some(("Hackage", "aeson"))),
        ("pkg:swift/github.com/apple/swift-nio@2.0.0", Some(("SwiftURL", "github.com/apple/swift-nio"))),
        ("pkg:github/actions/checkout@v4", Some(("GitHub Actions", "actions/checkout"))),
        ("pkg:deb/debian/curl@7.88.1-10?distro=debian-12", Some(("Debian:12", "curl"))),
        ("pkg:deb/debian/curl@7.88.1-10?distro=debian-12.4", Some(("Debian:12", "curl"))),
        ("pkg:deb/debian/curl@7.88.1-10?distro=bookworm", Some(("Debian:12", "curl"))),
        ("pkg:deb/debian/curl@7.74.0-1?distro=bullseye", Some(("Debian:11", "curl"))),
        ("pkg:deb/debian/curl@7.88.1-10", Some(("Debian", "curl"))),
        ("pkg:deb/debian/libssl3@3.0.11-1?distro=debian-12&upstream=openssl", Some(("Debian:12", "openssl"))),
        ("pkg:deb/ubuntu/curl@7.81.0-1?distro=ubuntu-22.04", Some(("Ubuntu:22.04:LTS", "curl"))),
        ("pkg:deb/ubuntu/curl@7.81.0-1?distro=jammy", Some(("Ubuntu:22.04:LTS", "curl"))),
        ("pkg:deb/ubuntu/curl@8.5.0-2?distro=ubuntu-23.10", Some(("Ubuntu:23.10", "curl"))),
        ("pkg:deb/ubuntu/curl@7.81.0-1", Some(("Ubuntu", "curl"))),
        ("pkg:apk/alpine/curl@8.5.0-r0?distro=3.19.1", Some(("Alpine:v3.19", "curl"))),
        ("pkg:apk/alpine/curl@8.5.0-r0?distro=alpine-3.18.4", Some(("Alpine:v3.18", "curl"))),
        ("pkg:apk/alpine/libcrypto3@3.1.4-r5?distro=3.19.1&upstream=openssl", Some(("Alpine:v3.19", "openssl"))),
        ("pkg:apk/alpine/curl@8.5.0-r0", Some(("Alpine", "curl"))),
        ("pkg:apk/wolfi/curl@8.5.0-r0", Some(("Wolfi", "curl"))),
        ("pkg:apk/chainguard/curl@8.5.0-r0", Some(("Chainguard", "curl"))),
        ("pkg:rpm/redhat/openssl@3.0.7-1.el9?distro=rhel-9.2", Some(("Red Hat", "openssl"))),
        ("pkg:rpm/rocky/openssl@3.0.7-1.el9?distro=rocky-9.3", Some(("Rocky Linux:9", "openssl"))),
        ("pkg:rpm/almalinux/openssl@3.0.7-1.el9?distro=almalinux-9.3", Some(("AlmaLinux:9", "openssl"))),
        ("pkg:rpm/opensuse/curl@8.0.1-1.1?distro=opensuse-leap-15.5", Some(("openSUSE:Leap 15.5", "curl"))),
        ("pkg:rpm/opensuse/curl@8.0.1-1.1?distro=opensuse-tumbleweed", Some(("openSUSE:Tumbleweed", "curl"))),
        ("pkg:rpm/suse/curl@8.0.1-1.1?distro=sles-15.5", Some(("SUSE", "curl"))),
        ("pkg:rpm/fedora/curl@8.0.1-1.fc39", None),
        ("pkg:docker/library/nginx@1.25", None),
        ("pkg:generic/openssl@3.0.0", None),
    ];
    for (text, want) in cases {
        let purl = Purl::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"));
        let got = package_for_purl(&purl);
        assert_eq!(got, want.map(|(ecosystem, name)| key(ecosystem, name)), "{text}");
    }
}

#[test]
fn match_purl_uses_the_purl_version_with_go_and_rpm_spellings() {
    let go = record("GO-1", "Go", "golang.org/x/net", &range("SEMVER", r#"{"introduced": "0"}, {"fixed": "0.17.0"}"#));
    let rocky = record(
        "RLSA-1",
        "Rocky Linux:9",
        "openssl",
        &range("ECOSYSTEM", r#"{"introduced": "0"}, {"fixed": "1:3.0.7-2"}"#),
    );
    let index = AdvisoryIndex::build([go, rocky]);
    let affected = Purl::parse("pkg:golang/golang.org/x/net@v0.16.0").unwrap();
    assert_eq!(index.match_purl(&affected).len(), 1);
    let fixed = Purl::parse("pkg:golang/golang.org/x/net@v0.17.0").unwrap();
    assert!(index.match_purl(&fixed).is_empty());
    let with_epoch = Purl::parse("pkg:rpm/rocky/openssl@3.0.7-1?epoch=1&distro=rocky-9.3").unwrap();
    assert_eq!(index.match_purl(&with_epoch).len(), 1);
    let unmapped = Purl::parse("pkg:generic/openssl@1.0").unwrap();
    assert!(index.match_purl(&unmapped).is_empty());
}
