//! Unit tests of the purl module: the tricky encoding cases, the normalisations, the type
//! rules and the error codes. The purl-spec suite itself runs in `tests/purl_suite.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::BTreeSet;

use super::*;

/// Parses `input` strictly and checks its canonical form.
#[track_caller]
fn check(input: &str, canonical: &str) {
    match Purl::parse(input) {
        Ok(purl) => assert_eq!(purl.canonical(), canonical, "{input}"),
        Err(e) => panic!("{input}: {e}"),
    }
}

/// Parses `input` leniently and checks its canonical form.
#[track_caller]
fn check_lenient(input: &str, canonical: &str) {
    match Purl::parse_lenient(input) {
        Ok(purl) => assert_eq!(purl.canonical(), canonical, "{input}"),
        Err(e) => panic!("{input}: {e}"),
    }
}

/// Checks that `input` is rejected (by both parsers) with `code`.
#[track_caller]
fn check_error(input: &str, code: &str) {
    for result in [Purl::parse(input), Purl::parse_lenient(input)] {
        match result {
            Ok(purl) => panic!("{input}: accepted as {purl}, expected {code}"),
            Err(e) => {
                assert_eq!(e.code, code, "{input}: {e}");
                assert!(ERROR_CODES.contains(&e.code), "{} is not in ERROR_CODES", e.code);
                assert!(!e.message.ends_with('.'), "{}", e.message);
            }
        }
    }
}

/// Parses `input` strictly and checks its decoded namespace, name and version.
#[track_caller]
fn check_decoded(input: &str, namespace: Option<&str>, name: &str, version: Option<&str>) {
    let purl = Purl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
    assert_eq!((purl.namespace(), purl.name(), purl.version()), (namespace, name, version), "{input}");
}

/// Builds a purl from components and checks its canonical form.
#[track_caller]
fn check_build(
    (ty, namespace, name, version): (&str, Option<&str>, &str, Option<&str>),
    qualifiers: &[(&str, &str)],
    subpath: Option<&str>,
    canonical: &str,
) {
    let qualifiers = qualifiers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned()));
    match Purl::build(ty, namespace, name, version, qualifiers, subpath) {
        Ok(purl) => assert_eq!(purl.canonical(), canonical),
        Err(e) => panic!("{ty}/{name}: {e}"),
    }
}

#[test]
fn plus_is_encoded_and_never_a_space() {
    check("pkg:generic/a+b@1+2", "pkg:generic/a%2Bb@1%2B2");
    check_decoded("pkg:generic/a%2Bb", None, "a+b", None);
    check_decoded("pkg:generic/a%2bb", None, "a+b", None);
    check("pkg:generic/a%2bb", "pkg:generic/a%2Bb");
    check("pkg:generic/x?k=a+b", "pkg:generic/x?k=a%2Bb");
    check("pkg:generic/x#a+b", "pkg:generic/x#a%2Bb");
}

#[test]
fn colon_is_never_encoded() {
    check("pkg:generic/x@1:2", "pkg:generic/x@1:2");
    check("pkg:generic/x%3Ay@1%3A2", "pkg:generic/x:y@1:2");
    check("pkg:generic/a:b/x?c=sha1:ab", "pkg:generic/a:b/x?c=sha1:ab");
    check("pkg:docker/x@sha256%3Aab", "pkg:docker/x@sha256:ab");
}

#[test]
fn at_sign_in_namespace_and_name() {
    check("pkg:npm/%40angular/core@1.0", "pkg:npm/%40angular/core@1.0");
    check_decoded("pkg:npm/%40angular/core@1.0", Some("@angular"), "core", Some("1.0"));
    // An unencoded scope is not the version separator.
    check("pkg:npm/@babel/core", "pkg:npm/%40babel/core");
    check("pkg:npm/@babel/core@7.0", "pkg:npm/%40babel/core@7.0");
    // The last '@' separates the version; an earlier one belongs to the name.
    check_decoded("pkg:brew/node@20@20.1", None, "node@20", Some("20.1"));
    check("pkg:brew/node@20@20.1", "pkg:brew/node%4020@20.1");
    check("pkg:generic/x@1%402", "pkg:generic/x@1%402");
}

#[test]
fn other_characters_are_percent_encoded() {
    check("pkg:generic/a b", "pkg:generic/a%20b");
    check("pkg:generic/a~b.c-d_e", "pkg:generic/a~b.c-d_e");
    check("pkg:generic/a%7Eb", "pkg:generic/a~b");
    check("pkg:generic/caf%C3%A9", "pkg:generic/caf%C3%A9");
    check("pkg:generic/café", "pkg:generic/caf%C3%A9");
    check("pkg:generic/ns/a%2Fb", "pkg:generic/ns/a%2Fb");
    check_decoded("pkg:generic/ns/a%2Fb", Some("ns"), "a/b", None);
    check("pkg:generic/x@1.0/2", "pkg:generic/x@1.0%2F2");
    check_build(
        ("generic", None, "100%", None),
        &[("k", "a#b&c=d?e/f %")],
        None,
        "pkg:generic/100%25?k=a%23b%26c%3Dd%3Fe%2Ff%20%25",
    );
}

#[test]
fn qualifier_values_are_decoded_and_reencoded() {
    check(
        "pkg:generic/x?download_url=https://a.example/b?c=d",
        "pkg:generic/x?download_url=https:%2F%2Fa.example%2Fb%3Fc%3Dd",
    );
    check("pkg:generic/x?vcs_url=git%2Bhttps://h/r%40v1", "pkg:generic/x?vcs_url=git%2Bhttps:%2F%2Fh%2Fr%40v1");
    check("pkg:generic/x?checksum=sha1:ab%2Csha256:CD", "pkg:generic/x?checksum=sha1:ab%2Csha256:cd");
}

#[test]
fn bad_percent_encoding_is_an_error() {
    check_error("pkg:generic/a%zz", "purl-encoding");
    check_error("pkg:generic/a%4", "purl-encoding");
    check_error("pkg:generic/a%", "purl-encoding");
    check_error("pkg:generic/a@%FF", "purl-encoding");
    check_error("pkg:generic/a?k=%C3", "purl-encoding");
    check_error("pkg:generic/a#%FFx", "purl-encoding");
}

#[test]
fn scheme_and_slashes_after_it() {
    check("pkg:generic/x", "pkg:generic/x");
    check("pkg:/generic/x", "pkg:generic/x");
    check("pkg:///generic/x", "pkg:generic/x");
    check("PKG:generic/x", "pkg:generic/x");
    check_error("pkg%3Ageneric/x", "purl-scheme");
    check_error("generic/x", "purl-scheme");
    check_error("http://example.com/x", "purl-scheme");
    check_error("", "purl-scheme");
}

#[test]
fn type_rules() {
    check("pkg:Generic/x", "pkg:generic/x");
    check("pkg:a.b-c/x", "pkg:a.b-c/x");
    check_error("pkg:3d/x", "purl-type");
    check_error("pkg:a+b/x", "purl-type");
    check_error("pkg:a%2Eb/x", "purl-type");
    check_error("pkg:/", "purl-type");
    check_error("pkg:EnterpriseLibrary.Common@6.0", "purl-type");
}

#[test]
fn name_and_version_rules() {
    check_error("pkg:generic", "purl-name-required");
    check_error("pkg:generic/", "purl-name-required");
    check_error("pkg:maven/@1.0", "purl-name-required");
    check_error("pkg:swift/github.com/Alamofire/@5.4.3", "purl-name-required");
    check("pkg:generic/x@", "pkg:generic/x");
    check("pkg:generic/%2Fx%2F", "pkg:generic/x");
}

#[test]
fn namespace_segments() {
    check_decoded("pkg:generic//a//b/x", Some("a/b"), "x", None);
    check("pkg:generic//a//b/x", "pkg:generic/a/b/x");
    check_error("pkg:generic/a%2Fb/x", "purl-namespace");
}

#[test]
fn subpath_segments() {
    check("pkg:generic/x#/a/./b/../c//", "pkg:generic/x#a/b/c");
    check("pkg:generic/x#%2E%2E/y/%2E", "pkg:generic/x#y");
    check("pkg:generic/x#", "pkg:generic/x");
    check("pkg:generic/x#./..", "pkg:generic/x");
    check("pkg:generic/x#a?b", "pkg:generic/x#a%3Fb");
    check_error("pkg:generic/x#a%2Fb", "purl-subpath");
}

#[test]
fn qualifier_rules() {
    check("pkg:generic/x?b=2&a=1&c=", "pkg:generic/x?a=1&b=2");
    check("pkg:generic/x?a=1&", "pkg:generic/x?a=1");
    check("pkg:generic/x?", "pkg:generic/x");
    check("pkg:generic/x?a=&a=1", "pkg:generic/x?a=1");
    check("pkg:generic/x?a.b-c_d=1", "pkg:generic/x?a.b-c_d=1");
    check_error("pkg:generic/x?a=1&a=2", "purl-qualifier-duplicate");
    check_error("pkg:generic/x?a", "purl-qualifier");
    check_error("pkg:generic/x?=1", "purl-qualifier-key");
    check_error("pkg:generic/x?1a=1", "purl-qualifier-key");
    check_error("pkg:generic/x?a%20b=1", "purl-qualifier-key");
    check_error("pkg:generic/x?in production=1", "purl-qualifier-key");
    assert_eq!(Purl::parse("pkg:generic/x?Arch=1").unwrap_err().code, "purl-qualifier-key-case");
    check_lenient("pkg:generic/x?Arch=1", "pkg:generic/x?arch=1");
    assert_eq!(Purl::parse_lenient("pkg:generic/x?Arch=1&arch=2").unwrap_err().code, "purl-qualifier-duplicate");
}

#[test]
fn lenient_parse_ignores_surrounding_white_space() {
    assert_eq!(Purl::parse(" pkg:generic/x").unwrap_err().code, "purl-scheme");
    check_lenient(" pkg:generic/x\n", "pkg:generic/x");
}

#[test]
fn case_folding_by_type() {
    check("pkg:github/Package-URL/Purl-Spec@ABC", "pkg:github/package-url/purl-spec@ABC");
    check("pkg:maven/Org.Example/Art@1.0-RC", "pkg:maven/Org.Example/Art@1.0-RC");
    check("pkg:huggingface/Org/Model@ABCDEF", "pkg:huggingface/Org/Model@abcdef");
    check("pkg:otp/Asn1@1#Src/X.erl", "pkg:otp/asn1@1#src/x.erl");
    // Lowercasing is Unicode's, not ASCII's alone.
    check("pkg:pypi/%C3%84bc", "pkg:pypi/%C3%A4bc");
}

#[test]
fn name_normalisation_by_type() {
    check("pkg:pypi/Django_Package@1.0RC1", "pkg:pypi/django-package@1.0rc1");
    check("pkg:pub/Flutter-Web.Tools", "pkg:pub/flutter_web_tools");
    check("pkg:cpan/drolsky/DateTime@1.55", "pkg:cpan/DROLSKY/DateTime@1.55");
    check(
        "pkg:mlflow/CreditFraud@3?repository_url=https://adb-1.azuredatabricks.net/api",
        "pkg:mlflow/creditfraud@3?repository_url=https:%2F%2Fadb-1.azuredatabricks.net%2Fapi",
    );
    check(
        "pkg:mlflow/CreditFraud@3?repository_url=https://x.azureml.ms/databricks",
        "pkg:mlflow/CreditFraud@3?repository_url=https:%2F%2Fx.azureml.ms%2Fdatabricks",
    );
}

#[test]
fn git_names_are_repository_paths() {
    check_decoded("pkg:git/codeberg.org/forgejo/forgejo@v1", Some("codeberg.org"), "forgejo/forgejo", Some("v1"));
    check("pkg:git/codeberg.org/Forgejo/Forgejo", "pkg:git/codeberg.org/Forgejo/Forgejo");
    check("pkg:git/github.com/Package-URL/Purl-Spec", "pkg:git/github.com/package-url/purl-spec");
    check("pkg:git/host/a%2F%2Fb", "pkg:git/host/a/b");
    check_build(("git", Some("host/group"), "repo", None), &[], None, "pkg:git/host/group/repo");
    check_error("pkg:git/host", "purl-namespace-required");
}

#[test]
fn type_checks() {
    check_error("pkg:swift/Alamofire@5.4.3", "purl-namespace-required");
    check_error("pkg:vcpkg/boost/asio@1.84.0", "purl-namespace-prohibited");
    check_error("pkg:julia/Dates", "purl-qualifier-required");
    check("pkg:julia/Dates?uuid=ade2ca70", "pkg:julia/Dates?uuid=ade2ca70");
    check_error("pkg:cpan/URI::PackageURL", "purl-name");
    check_error("pkg:chrome-extension/dogs", "purl-name");
    check(
        "pkg:chrome-extension/DLPNGALGNEFJEIEFHMPKLPFIOHADPGLK@1.2",
        "pkg:chrome-extension/dlpngalgnefjeiefhmpklpfiohadpglk@1.2",
    );
    check_error("pkg:chrome-extension/dlpngalgnefjeiefhmpklpfiohadpglk@1.2.3.4.5", "purl-version");
    check_error("pkg:chrome-extension/dlpngalgnefjeiefhmpklpfiohadpglk@1..2", "purl-version");
    check_error("pkg:swid/a/b/c/name?tag_id=1", "purl-namespace");
    check("pkg:swid/Acme/example.com/Server?tag_id=1", "pkg:swid/Acme/example.com/Server?tag_id=1");
}

#[test]
fn unregistered_types_follow_the_general_rules() {
    let purl = Purl::parse("pkg:bintray/Apache/CouchDB/mac@2.3.0").unwrap();
    assert_eq!(purl.canonical(), "pkg:bintray/Apache/CouchDB/mac@2.3.0");
    assert!(purl.type_rule().is_none());
    assert_eq!(Purl::parse("pkg:npm/x").unwrap().type_rule().map(|rule| rule.ty), Some("npm"));
}

#[test]
fn build_normalises_like_parse() {
    check_build(("NPM", Some("@angular"), "core", Some("1.0")), &[], None, "pkg:npm/%40angular/core@1.0");
    check_build(
        ("generic", Some("/a//b/"), "x", Some("")),
        &[("B", "2"), ("a", "")],
        Some("./s/../t/"),
        "pkg:generic/a/b/x?b=2#s/t",
    );
    check_build(("pypi", None, "Django_Package", None), &[], None, "pkg:pypi/django-package");
    let no_qualifiers: [(String, String); 0] = [];
    let error = Purl::build("npm", None, "x", None, [("in production".to_owned(), "1".to_owned())], None).unwrap_err();
    assert_eq!(error.code, "purl-qualifier-key");
    assert_eq!(Purl::build("", None, "x", None, no_qualifiers.clone(), None).unwrap_err().code, "purl-type");
    assert_eq!(Purl::build("npm", None, "", None, no_qualifiers.clone(), None).unwrap_err().code, "purl-name-required");
    let twice = [("a".to_owned(), "1".to_owned()), ("A".to_owned(), "2".to_owned())];
    assert_eq!(Purl::build("npm", None, "x", None, twice, None).unwrap_err().code, "purl-qualifier-duplicate");
}

#[test]
fn identity_drops_location_qualifiers_and_subpath() {
    let purl = Purl::parse("pkg:maven/g/a@1?classifier=x&repository_url=r&checksum=sha1:00#sub").unwrap();
    assert_eq!(purl.identity(), "pkg:maven/g/a@1?classifier=x");
    assert_eq!(Purl::parse("pkg:npm/x@1?vcs_url=v").unwrap().identity(), "pkg:npm/x@1");
}

#[test]
fn json_has_the_spec_component_names() {
    let purl = Purl::parse("pkg:npm/%40s/x@1").unwrap();
    assert_eq!(
        purl.to_json(),
        serde_json::json!({"type": "npm", "namespace": "@s", "name": "x", "version": "1",
            "qualifiers": null, "subpath": null, "canonical": "pkg:npm/%40s/x@1"})
    );
    let purl = Purl::parse("pkg:generic/x?a=b#c").unwrap();
    assert_eq!(purl.to_json()["qualifiers"], serde_json::json!({"a": "b"}));
    assert_eq!(purl.to_json()["subpath"], "c");
}

#[test]
fn too_long_input_is_refused() {
    let long = format!("pkg:generic/{}", "a".repeat(MAX_PURL_LEN));
    assert_eq!(Purl::parse(&long).unwrap_err().code, "purl-too-long");
    assert_eq!(Purl::build("generic", None, &long, None, Vec::new(), None).unwrap_err().code, "purl-too-long");
}

#[test]
fn error_messages_show_input_escaped_and_cut() {
    let error = Purl::parse(&format!("pkg:generic/x?{}\n", "k".repeat(100))).unwrap_err();
    assert_eq!(error.code, "purl-qualifier");
    assert!(error.message.contains("kkk…"), "{}", error.message);
    assert!(!error.message.contains('\n'));
}

/// Every code is unique, and every code is produced by some input.
#[test]
fn error_codes_are_unique_and_all_reachable() {
    let unique: BTreeSet<&str> = ERROR_CODES.iter().copied().collect();
    assert_eq!(unique.len(), ERROR_CODES.len());
    let long = "x".repeat(MAX_PURL_LEN + 1);
    let inputs = [
        long.as_str(),
        "npm/x",
        "pkg:3d/x",
        "pkg:npm/",
        "pkg:cpan/A::B",
        "pkg:maven/x",
        "pkg:cargo/a/x",
        "pkg:npm/a%2Fb/x",
        "pkg:chrome-extension/dlpngalgnefjeiefhmpklpfiohadpglk@x",
        "pkg:npm/x?a",
        "pkg:npm/x?1=a",
        "pkg:npm/x?A=a",
        "pkg:npm/x?a=1&a=2",
        "pkg:julia/x",
        "pkg:npm/x#a%2Fb",
        "pkg:npm/%",
    ];
    let produced: BTreeSet<&str> = inputs.iter().map(|input| Purl::parse(input).unwrap_err().code).collect();
    assert_eq!(produced, unique);
}
