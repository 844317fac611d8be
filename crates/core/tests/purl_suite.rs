//! The purl-spec conformance suite driven directly from the shared data: every case of
//! `purl/tests/**/*-test.json` (schema 0.2) — parse (string → components), build
//! (components → canonical string), validate (string → canonical string, or failure),
//! expected failures included; the legacy flat suite; the type table against the type
//! definitions; and a never-panics run over mutated suite inputs.
//!
//! "required" cases run through `Purl::parse`, which rejects what ECMA-427 forbids;
//! "recommended" cases show how to repair common mistakes and run through
//! `Purl::parse_lenient`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chainward_core::purl::{Case, Purl, PurlError, REGISTERED_TYPES, Requirement, registered_type};
use serde_json::Value;

use crate::data_dir;

/// Cases of the suite that contradict the standard. Each is asserted to give today's
/// answer, counted as not passed, and listed in the output.
const KNOWN_SUITE_ERRORS: &[(&str, &str, &str)] = &[(
    "maven-test.json",
    "pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?type=pom&repositorY_url=repo.spring.io/release",
    "a required parse case accepting the qualifier key 'repositorY_url': ECMA-427 5.6.6 says a key \
     shall be lower case, and upstream turned the same mistake into expected failures for rpm \
     (purl-spec #946) and gem (#951) after issue #942; the recommended cases with this input pass",
)];

/// Legacy cases (`test-suite-data.legacy.json`) that the current specification and type
/// definitions contradict.
const KNOWN_LEGACY_CONFLICTS: &[(&str, &str)] = &[
    (
        "pkg:GOLANG/google.golang.org/genproto@abcdedf#/googleapis/%2E%2E/api/annotations/",
        "expects '..' to stay in the decoded subpath although its own canonical form drops it",
    ),
    (
        "pkg:GOLANG/google.golang.org/genproto@abcdedf#/googleapis/%2E/api/annotations/",
        "expects '.' to stay in the decoded subpath although its own canonical form drops it",
    ),
    ("pkg:conan/bincrafters/cctz@2.3", "an old conan rule (namespace needs a channel) the current definition dropped"),
    (
        "pkg:conan/cctz@2.3?channel=stable",
        "an old conan rule (channel needs a namespace) the current definition dropped",
    ),
    ("pkg:cran/A3", "an old cran rule (version required); the current definition makes it optional"),
    ("pkg:swift/github.com/Alamofire/Alamofire", "an old swift rule (version required); now optional"),
    (
        "pkg:huggingface/distilbert-base-uncased@043235d6088ecd3dd5fb5ca3592b6913fd516027",
        "no namespace; the current huggingface definition requires one",
    ),
    ("pkg:cpan/URI::PackageURL@2.11", "a module name; the current cpan definition forbids '::' in the name"),
    ("pkg:cpan/Perl-Version@1.013", "a distribution name, which the current cpan definition requires"),
];

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Every `*-test.json` under `dir`, sorted.
fn test_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).expect("readable data folder") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with("-test.json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn str_field<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// The six components of a purl as the suite writes them: absent keys are `null`.
fn components(value: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for key in ["type", "namespace", "name", "version", "qualifiers", "subpath"] {
        out.insert(key.to_owned(), value.get(key).cloned().unwrap_or(Value::Null));
    }
    Value::Object(out)
}

fn build(input: &Value) -> Result<Purl, PurlError> {
    let qualifiers: Vec<(String, String)> = match input.get("qualifiers") {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(key, value)| (key.clone(), value.as_str().expect("string qualifier value").to_owned()))
            .collect(),
        _ => Vec::new(),
    };
    Purl::build(
        str_field(input, "type").unwrap_or(""),
        str_field(input, "namespace"),
        str_field(input, "name").unwrap_or(""),
        str_field(input, "version"),
        qualifiers,
        str_field(input, "subpath"),
    )
}

/// Runs one case: `Ok` when it passes, otherwise what went wrong.
fn run_case(case: &Value) -> Result<(), String> {
    let lenient = str_field(case, "test_group") == Some("recommended");
    let expect_failure = case.get("expected_failure").and_then(Value::as_bool).unwrap_or(false);
    let input = &case["input"];
    let expected = &case["expected_output"];
    let parse = |text: &str| if lenient { Purl::parse_lenient(text) } else { Purl::parse(text) };
    let result = match str_field(case, "test_type") {
        Some("parse" | "validate") => parse(input.as_str().ok_or("the input is not a string")?),
        Some("build") => build(input),
        other => return Err(format!("unknown test type {other:?}")),
    };
    match (expect_failure, result) {
        (true, Err(_)) => Ok(()),
        (true, Ok(purl)) => Err(format!("accepted as {purl}, expected a failure")),
        (false, Err(error)) => Err(format!("rejected: {error} [{}]", error.code)),
        (false, Ok(purl)) => {
            if str_field(case, "test_type") == Some("parse") {
                let got = components(&purl.to_json());
                if got == components(expected) { Ok(()) } else { Err(format!("got {got}, expected {expected}")) }
            } else if expected.as_str() == Some(purl.canonical().as_str()) {
                Ok(())
            } else {
                Err(format!("got {purl}, expected {expected}"))
            }
        }
    }
}

#[derive(Default)]
struct Tally {
    passed: usize,
    total: usize,
    required: (usize, usize),
    recommended: (usize, usize),
}

#[test]
fn purl_spec_suite() {
    let root = data_dir().join("purl");
    let files = test_files(&root.join("tests"));
    assert!(files.len() > 40, "expected the purl-spec test files under {}", root.display());
    let mut by_type: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut known = Vec::new();
    for file in &files {
        let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
        let document = read_json(file);
        for case in document["tests"].as_array().expect("a tests array") {
            let test_type = str_field(case, "test_type").unwrap_or("?").to_owned();
            let recommended = str_field(case, "test_group") == Some("recommended");
            let outcome = run_case(case);
            let tally = by_type.entry(test_type.clone()).or_default();
            let group = if recommended { &mut tally.recommended } else { &mut tally.required };
            tally.total += 1;
            group.1 += 1;
            let input = case["input"].as_str().unwrap_or("");
            let known_error =
                KNOWN_SUITE_ERRORS.iter().find(|(f, i, _)| *f == file_name && *i == input && !recommended);
            match (outcome, known_error) {
                (Ok(()), None) => {
                    tally.passed += 1;
                    group.0 += 1;
                }
                (Ok(()), Some(_)) => failures.push(format!("{file_name}: {input}: listed as a suite error but passes")),
                (Err(reason), Some((_, _, why))) => {
                    known.push(format!("{file_name} {test_type} {input}: {reason} — {why}"))
                }
                (Err(reason), None) => {
                    failures.push(format!("{file_name} [{test_type}] {}: {reason}", case["description"]))
                }
            }
        }
    }
    let (mut passed, mut total) = (0, 0);
    for (test_type, tally) in &by_type {
        println!(
            "purl-spec {test_type}: {}/{} (required {}/{}, recommended {}/{})",
            tally.passed, tally.total, tally.required.0, tally.required.1, tally.recommended.0, tally.recommended.1
        );
        passed += tally.passed;
        total += tally.total;
    }
    println!("purl-spec: {passed}/{total} ({} known suite errors, listed below)", known.len());
    for line in &known {
        println!("  known suite error: {line}");
    }
    assert_eq!(total, 586, "the suite has 586 cases (SOURCES.md)");
    assert_eq!(known.len(), KNOWN_SUITE_ERRORS.len(), "every known suite error is met");
    assert!(failures.is_empty(), "{} failing cases:\n{}", failures.len(), failures.join("\n"));
}

/// The suite error: the strict parser rejects the upper-case key, the lenient one repairs it.
#[test]
fn known_suite_error_gives_todays_answers() {
    let input = KNOWN_SUITE_ERRORS[0].1;
    assert_eq!(Purl::parse(input).unwrap_err().code, "purl-qualifier-key-case");
    assert_eq!(
        Purl::parse_lenient(input).unwrap().canonical(),
        "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?repository_url=repo.spring.io%2Frelease&type=pom"
    );
}

fn legacy_case(entry: &Value) -> Result<(), String> {
    let purl = str_field(entry, "purl").unwrap_or("");
    let result = Purl::parse_lenient(purl);
    if entry["is_invalid"].as_bool().unwrap_or(false) {
        return match result {
            Err(_) => Ok(()),
            Ok(purl) => Err(format!("accepted as {purl}")),
        };
    }
    let parsed = result.map_err(|e| format!("rejected: {e}"))?;
    let got = components(&parsed.to_json());
    let mut expected = components(entry);
    if expected["qualifiers"] == serde_json::json!({}) {
        expected["qualifiers"] = Value::Null;
    }
    if got != expected {
        return Err(format!("got {got}, expected {expected}"));
    }
    // The legacy canonical forms predate the current encoding rules (a '/' in a qualifier
    // value was left unencoded): compare what they mean.
    let canonical = str_field(entry, "canonical_purl").unwrap_or("");
    match Purl::parse_lenient(canonical) {
        Ok(theirs) if theirs == parsed => Ok(()),
        _ => Err(format!("canonical {parsed}, expected {canonical}")),
    }
}

#[test]
fn purl_spec_legacy_suite() {
    let entries = read_json(&data_dir().join("purl/test-suite-data.legacy.json"));
    let entries = entries.as_array().expect("an array of cases");
    let mut failing = BTreeMap::new();
    for entry in entries {
        if let Err(reason) = legacy_case(entry) {
            failing.insert(str_field(entry, "purl").unwrap_or("").to_owned(), reason);
        }
    }
    println!(
        "purl-spec legacy: {}/{} ({} contradict the current specification, listed in KNOWN_LEGACY_CONFLICTS)",
        entries.len() - failing.len(),
        entries.len(),
        KNOWN_LEGACY_CONFLICTS.len()
    );
    let known: BTreeSet<&str> = KNOWN_LEGACY_CONFLICTS.iter().map(|(purl, _)| *purl).collect();
    let unexpected: Vec<String> = failing
        .iter()
        .filter(|(purl, _)| !known.contains(purl.as_str()))
        .map(|(purl, reason)| format!("{purl}: {reason}"))
        .collect();
    let fixed: Vec<&&str> = known.iter().filter(|purl| !failing.contains_key(**purl)).collect();
    assert!(unexpected.is_empty(), "legacy cases failing:\n{}", unexpected.join("\n"));
    assert!(fixed.is_empty(), "legacy conflicts that now pass, remove them from the list: {fixed:?}");
}

/// The type table agrees with `types/*-definition.json` (with the deliberate readings the
/// `types` module documents).
#[test]
fn purl_type_table_matches_the_definitions() {
    let dir = data_dir().join("purl/types");
    let mut definitions: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("readable types folder")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.to_string_lossy().ends_with("-definition.json"))
        .collect();
    definitions.sort();
    let index = read_json(&data_dir().join("purl/purl-types-index.json"));
    let mut problems = Vec::new();
    let mut matched = 0;
    for path in &definitions {
        let definition = read_json(path);
        let ty = str_field(&definition, "type").expect("a type");
        let Some(rule) = registered_type(ty) else {
            problems.push(format!("{ty}: not in the table"));
            continue;
        };
        let mut wrong = Vec::new();
        let namespace = match definition["namespace_definition"]["requirement"].as_str() {
            Some("required") => Requirement::Required,
            Some("prohibited") => Requirement::Prohibited,
            _ => Requirement::Optional,
        };
        if rule.namespace != namespace {
            wrong.push(format!("namespace requirement {:?}, definition {namespace:?}", rule.namespace));
        }
        let cases = [
            ("namespace", rule.namespace_case),
            ("name", rule.name_case),
            ("version", rule.version_case),
            ("subpath", rule.subpath_case),
        ];
        for (component, case) in cases {
            let flag = definition[format!("{component}_definition")]["case_sensitive"].as_bool();
            let expected = match (ty, component, flag) {
                ("cpan", "namespace", _) => Case::Upper,
                (_, _, Some(false)) => Case::Lower,
                _ => Case::Sensitive,
            };
            if case != expected {
                wrong.push(format!("{component} case {case:?}, definition {expected:?}"));
            }
        }
        let defined: BTreeSet<(String, bool, Option<String>)> = definition["qualifiers_definition"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|q| {
                        (
                            str_field(q, "key").unwrap_or("").to_owned(),
                            str_field(q, "requirement") == Some("required"),
                            str_field(q, "default_value").map(str::to_owned),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let ours: BTreeSet<(String, bool, Option<String>)> = rule
            .qualifiers
            .iter()
            .map(|q| (q.key.to_owned(), q.required, q.default_value.map(str::to_owned)))
            .collect();
        if defined != ours {
            wrong.push(format!("qualifiers {ours:?}, definition {defined:?}"));
        }
        let repository = definition["repository"]["default_repository_url"].as_str();
        if rule.default_repository_url != repository {
            wrong.push(format!("default repository {:?}, definition {repository:?}", rule.default_repository_url));
        }
        if wrong.is_empty() {
            matched += 1;
        } else {
            problems.push(format!("{ty}: {}", wrong.join("; ")));
        }
    }
    println!("purl-spec types: {matched}/{}", definitions.len());
    assert_eq!(REGISTERED_TYPES.len(), definitions.len(), "one table entry per definition");
    assert_eq!(index.as_array().map(Vec::len), Some(definitions.len()), "the index lists every definition");
    assert!(REGISTERED_TYPES.windows(2).all(|pair| pair[0].ty < pair[1].ty), "the table is sorted by type");
    assert!(problems.is_empty(), "the table differs from the definitions:\n{}", problems.join("\n"));
}

/// A small deterministic generator (xorshift), so that a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    "%", "%2", "%zz", "%FF", "%C3", "%2F", "%40", "%2E%2E", "@", "/", "//", "?", "#", "&", "=", ":", "é", "\u{0}", " ",
    "..", ".", "A", "_", "+", "pkg:", "?a=", "&b=%20", "#/./",
];

/// One random edit: insert a token, delete or duplicate a stretch, or cut the end.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = rng.below(chars.len() + 1);
    let mut out: Vec<char> = chars[..at].to_vec();
    match rng.below(4) {
        0 => {
            out.extend(TOKENS[rng.below(TOKENS.len())].chars());
            out.extend(&chars[at..]);
        }
        1 => out.extend(chars.iter().skip(at + 1 + rng.below(3))),
        2 => {
            let end = (at + 1 + rng.below(8)).min(chars.len());
            out.extend(&chars[at..end]);
            out.extend(&chars[at..]);
        }
        _ => {}
    }
    out.into_iter().collect()
}

/// Parse never panics on mutated suite inputs, and whatever it accepts writes out in a
/// canonical form that parses (strictly) back to the same purl and the same string.
#[test]
fn purl_parse_never_panics_and_canonical_forms_are_stable() {
    let root = data_dir().join("purl");
    let mut seeds = BTreeSet::new();
    for file in test_files(&root.join("tests")) {
        for case in read_json(&file)["tests"].as_array().expect("a tests array") {
            for value in [&case["input"], &case["expected_output"]] {
                if let Some(text) = value.as_str() {
                    seeds.insert(text.to_owned());
                }
            }
        }
    }
    for entry in read_json(&root.join("test-suite-data.legacy.json")).as_array().expect("an array") {
        seeds.extend(str_field(entry, "purl").map(str::to_owned));
    }
    let seeds: Vec<String> = seeds.into_iter().collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut tried, mut accepted) = (0, 0);
    let mut check = |text: &str| {
        tried += 1;
        for result in [Purl::parse(text), Purl::parse_lenient(text)] {
            let Ok(purl) = result else { continue };
            accepted += 1;
            let canonical = purl.canonical();
            match Purl::parse(&canonical) {
                Ok(again) => {
                    assert_eq!(again, purl, "{text:?} → {canonical} parses back differently");
                    assert_eq!(again.canonical(), canonical, "{text:?}: the canonical form is not stable");
                }
                Err(e) => panic!("{text:?} → {canonical}, which does not parse: {e}"),
            }
            assert!(purl.identity().len() <= canonical.len());
        }
    };
    for seed in &seeds {
        let boundaries: Vec<usize> = seed.char_indices().map(|(i, _)| i).chain([seed.len()]).collect();
        for end in boundaries {
            check(&seed[..end]);
        }
    }
    for round in 0..40_000 {
        let mut text = seeds[round % seeds.len()].clone();
        for _ in 0..1 + rng.below(3) {
            text = mutate(&mut rng, &text);
        }
        check(&text);
    }
    let long = format!("pkg:generic/{}", "a%2F".repeat(20_000));
    assert_eq!(Purl::parse(&long).unwrap_err().code, "purl-too-long");
    println!(
        "purl never-panics: {tried} mutated inputs through both parsers, {accepted} parses accepted, every canonical form stable"
    );
}
