//! Tests of the JSON Schema validator: the bundled schemas compile, the CycloneDX suite's
//! schema part and the SPDX examples, and hand-written cases per keyword.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::path::{Path, PathBuf};

use super::*;
use crate::json;

fn data_dir() -> PathBuf {
    let dir = std::env::var_os("CHAINWARD_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    assert!(dir.is_dir(), "PUBLIC TEST DATA NOT FOUND at {}: set CHAINWARD_DATA", dir.display());
    dir
}

/// Every file under `dir`, recursively, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { stack.push(path) } else { out.push(path) }
        }
    }
    out.sort();
    out
}

fn render(problems: &[Problem]) -> Vec<String> {
    problems
        .iter()
        .map(|p| {
            let path = if p.path.is_empty() { "(root)" } else { p.path.as_str() };
            format!("{} at {path}: {}", p.code, p.message)
        })
        .collect()
}

/// Validates `instance` against `schema` (no other schema resolvable) in both modes.
fn check(schema: &str, instance: &str, expected: &[&str]) {
    let compiled = compile(schema.as_bytes(), &|_| None).unwrap_or_else(|e| panic!("{schema}: {e}"));
    let value = json::parse(instance.as_bytes()).unwrap();
    let problems = compiled.validate(&value);
    assert_eq!(render(&problems), expected, "\nschema:   {schema}\ninstance: {instance}");
    assert_eq!(compiled.is_valid(&value), expected.is_empty(), "is_valid disagrees: {schema} {instance}");
}

/// The compile error of `schema`, as text.
fn compile_error(schema: &str) -> String {
    match compile(schema.as_bytes(), &resolve_bundled) {
        Ok(_) => panic!("{schema} compiled"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_bundled_schema_compiles_once_and_unknown_names_are_errors() {
    for name in BUNDLED {
        let first = bundled(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let second = bundled(name).unwrap();
        assert!(std::ptr::eq(first, second), "{name} is compiled again");
    }
    assert_eq!(bundled("bom-1.6.xsd").err(), Some(SchemaError::UnknownBundled("bom-1.6.xsd".to_owned())));
}

#[test]
fn only_cyclonedx_uris_and_bare_names_map_to_bundled_schemas() {
    assert!(resolve_bundled("http://cyclonedx.org/schema/spdx.schema.json").is_some());
    assert!(resolve_bundled("https://cyclonedx.org/schema/jsf-0.82.schema.json").is_some());
    assert!(resolve_bundled("cryptography-defs.schema.json").is_some());
    assert!(resolve_bundled("http://example.com/spdx.schema.json").is_none());
    assert!(resolve_bundled("http://cyclonedx.org/schema/bom-1.6.xsd").is_none());
    assert!(resolve_bundled("http://cyclonedx.org/schema/ext/spdx.schema.json").is_none());
}

/// The CycloneDX specification's own test suite, schema part (rules: SOURCES.md,
/// "cyclonedx/specification"). Every `invalid*.json` of 1.2 to 1.7 breaks its schema: none
/// is invalid only for reasons the schema cannot express (the duplicate bom-refs of
/// `invalid-component-ref-*` come with otherwise identical components, which
/// `uniqueItems` rejects; the empty refs of 1.5+ break `minLength`).
#[test]
fn cyclonedx_specification_suite() {
    let mut failures = Vec::new();
    for version in ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"] {
        let name = match version {
            "1.2" | "1.3" => format!("bom-{version}-strict.schema.json"),
            _ => format!("bom-{version}.schema.json"),
        };
        let schema = bundled(&name).unwrap();
        let (mut passed, mut total) = (0, 0);
        for path in files_under(&data_dir().join("cyclonedx/specification/test-resources").join(version)) {
            let file = path.file_name().unwrap().to_str().unwrap().to_owned();
            let expect_valid = file.starts_with("valid");
            if !file.ends_with(".json") || !(expect_valid || file.starts_with("invalid")) {
                continue;
            }
            total += 1;
            let bytes = std::fs::read(&path).unwrap();
            let value = json::parse(&bytes).unwrap();
            let problems = schema.validate(&value);
            assert_eq!(problems.is_empty(), schema.is_valid(&value), "{version}/{file}: the two modes disagree");
            if problems.is_empty() == expect_valid {
                passed += 1;
            } else if expect_valid {
                failures.push(format!("{version}/{file}: {:?}", render(&problems)));
            } else {
                failures.push(format!("{version}/{file}: no problem found"));
            }
        }
        println!("cyclonedx json schema {version}: {passed}/{total}");
        assert!(total >= 40, "{version}: only {total} files found");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Why each `invalid*` file of the CycloneDX suite fails: the first problem, so that a file
/// failing for the wrong reason (a format check too strict, a wrong branch) shows up.
#[test]
fn cyclonedx_invalid_files_fail_for_their_reason() {
    let cases = [
        ("1.2", "invalid-metadata-timestamp-1.2.json", "schema-format at /metadata/timestamp"),
        ("1.4", "invalid-component-ref-1.4.json", "schema-unique-items at /components"),
        ("1.5", "invalid-dependency-1.5.json", "schema-required at /dependencies/0"),
        ("1.6", "invalid-hash-sha256-1.6.json", "schema-pattern at /components/0/hashes/2/content"),
        ("1.6", "invalid-license-id-1.6.json", "schema-one-of at /components/0/licenses"),
        ("1.7", "invalid-component-external-version-and-range.json", "schema-not at /components/0"),
        ("1.7", "invalid-component-versionRange-non-external-implicit.json", "schema-if-then-else at /components/0"),
        ("1.7", "invalid-metadata-distribution-1.7.json", "schema-additional-property at /metadata/distribution"),
        ("1.7", "invalid-license-missing-id-and-name-1.7.json", "schema-one-of at /components/0/licenses/0"),
        ("1.7", "invalid-serialnumber-1.7.json", "schema-pattern at /serialNumber"),
    ];
    for (version, file, expected) in cases {
        let name = match version {
            "1.2" | "1.3" => format!("bom-{version}-strict.schema.json"),
            _ => format!("bom-{version}.schema.json"),
        };
        let path = data_dir().join("cyclonedx/specification/test-resources").join(version).join(file);
        let bytes = std::fs::read(&path).unwrap();
        let problems = bundled(&name).unwrap().validate(&json::parse(&bytes).unwrap());
        let first = render(&problems).into_iter().next().unwrap_or_default();
        assert!(first.starts_with(expected), "{version}/{file}: {first}");
    }
}

/// The SPDX examples: the specification's own documents for 2.2, 2.3 and 3.0.1, and the
/// spdx-examples repository (SPDX 2 JSON by folder, SPDX 3 JSON-LD as `*.spdx3.json` and
/// `spdx3.0/*.json`). All of them validate.
#[test]
fn spdx_examples_validate() {
    let data = data_dir();
    let mut cases: Vec<(PathBuf, &str)> = vec![
        (data.join("spdx/spec-2.2/SPDXJSONExample-v2.2.spdx.json"), "2.2"),
        (data.join("spdx/spec-2.3/SPDXJSONExample-v2.3.spdx.json"), "2.3"),
        (data.join("spdx/spec-3.0.1/package_sbom.json"), "3.0.1"),
    ];
    for path in files_under(&data.join("spdx/examples")) {
        let text = path.to_str().unwrap().to_owned();
        if !text.ends_with(".json") {
            continue;
        }
        let version = if text.ends_with(".spdx3.json") || text.contains("/spdx3.0/") {
            "3.0.1"
        } else if text.contains("/spdx2.2/") {
            "2.2"
        } else {
            "2.3"
        };
        cases.push((path, version));
    }
    let mut failures = Vec::new();
    for version in ["2.2", "2.3", "3.0.1"] {
        let schema = bundled(&format!("spdx-{version}.schema.json")).unwrap();
        let (mut passed, mut total) = (0, 0);
        for (path, _) in cases.iter().filter(|(_, v)| *v == version) {
            total += 1;
            let bytes = std::fs::read(path).unwrap();
            let value = json::parse(&bytes).unwrap();
            let problems = schema.validate(&value);
            assert_eq!(problems.is_empty(), schema.is_valid(&value), "{}: the two modes disagree", path.display());
            if problems.is_empty() {
                passed += 1;
            } else {
                failures.push(format!("{}: {:?}", path.display(), render(&problems)));
            }
        }
        println!("spdx json schema {version}: {passed}/{total}");
        assert!(total >= 3, "spdx {version}: only {total} files found");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Validates a real document after `edit`, expecting exactly `expected`.
fn check_edited(path: &str, schema: &str, edit: impl Fn(&mut serde_json::Value), expected: &[&str]) {
    let bytes = std::fs::read(data_dir().join(path)).unwrap();
    let mut value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    edit(&mut value);
    let text = serde_json::to_vec(&value).unwrap();
    let tree = json::parse(&text).unwrap();
    let schema = bundled(schema).unwrap();
    assert_eq!(render(&schema.validate(&tree)), expected, "{path}");
    assert_eq!(schema.is_valid(&tree), expected.is_empty());
}

#[test]
fn real_documents_with_one_fault_report_it_at_its_path() {
    let bom = "cyclonedx/specification/test-resources/1.6/valid-bom-1.6.json";
    check_edited(
        bom,
        "bom-1.6.schema.json",
        |v| v["components"][0]["colour"] = "blue".into(),
        &[r#"schema-additional-property at /components/0/colour: property "colour" is not allowed here"#],
    );
    check_edited(
        bom,
        "bom-1.6.schema.json",
        |v| v["components"][0]["hashes"] = serde_json::json!([{"alg": "SHA-256", "content": "abc"}]),
        &[
            r#"schema-pattern at /components/0/hashes/0/content: expected a match of the pattern "^([a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128})$", found "abc""#,
        ],
    );
    let sbom = "spdx/spec-3.0.1/package_sbom.json";
    check_edited(
        sbom,
        "spdx-3.0.1.schema.json",
        |v| v["@graph"][1]["colour"] = "blue".into(),
        &[
            "schema-one-of at (root): expected a match of exactly one of 2 schemas, found none",
            r#"schema-unevaluated-property at /@graph/1/colour: property "colour" is not allowed here"#,
        ],
    );
    check_edited(
        sbom,
        "spdx-3.0.1.schema.json",
        |v| v["@context"] = "https://spdx.org/rdf/3.0.0/spdx-context.jsonld".into(),
        &[
            r#"schema-const at /@context: expected "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", found "https://spdx.org/rdf/3.0.0/spdx-context.jsonld""#,
        ],
    );
}

#[test]
fn type_const_and_enum() {
    check(r#"{"type": "string"}"#, "42", &["schema-type at (root): expected string, found 42"]);
    check(r#"{"type": ["string", "null"]}"#, "null", &[]);
    check(
        r#"{"type": ["string", "null"]}"#,
        "[1]",
        &["schema-type at (root): expected string or null, found an array of 1 item"],
    );
    check(r#"{"type": "integer"}"#, "1.0", &[]);
    check(r#"{"type": "integer"}"#, "1.5", &["schema-type at (root): expected integer, found 1.5"]);
    check(r#"{"type": "number"}"#, "-7", &[]);
    check(r#"{"const": "CycloneDX"}"#, r#""SPDX""#, &[r#"schema-const at (root): expected "CycloneDX", found "SPDX""#]);
    check(r#"{"const": {"a": [1, 2]}}"#, r#"{"a": [1.0, 2]}"#, &[]);
    check(
        r#"{"const": {"a": [1, 2]}}"#,
        r#"{"a": [2, 1]}"#,
        &[r#"schema-const at (root): expected {"a":[1,2]}, found an object with 1 member"#],
    );
    check(r#"{"enum": ["a", "b"]}"#, r#""b""#, &[]);
    check(r#"{"enum": ["a", "b"]}"#, "1", &[r#"schema-enum at (root): expected one of "a", "b", found 1"#]);
    check(r#"{"enum": [1, null]}"#, "1.0", &[]);
    check(r#"{"enum": [1, null]}"#, "false", &["schema-enum at (root): expected one of 1, null, found false"]);
}

#[test]
fn strings_lengths_patterns_and_formats() {
    check(
        r#"{"minLength": 2}"#,
        r#""é""#,
        &[r#"schema-min-length at (root): expected at least 2 characters, found 1: "é""#],
    );
    check(r#"{"maxLength": 2}"#, r#""éé""#, &[]);
    check(
        r#"{"maxLength": 1}"#,
        r#""ab""#,
        &[r#"schema-max-length at (root): expected at most 1 character, found 2: "ab""#],
    );
    check(r#"{"minLength": 1}"#, "5", &[]);
    // An unanchored search, with ECMA-262's ASCII `\d`.
    check(r#"{"pattern": "\\d{2}"}"#, r#""ab12cd""#, &[]);
    check(
        r#"{"pattern": "^\\d+$"}"#,
        r#""١٢""#,
        &[r#"schema-pattern at (root): expected a match of the pattern "^\\d+$", found "١٢""#],
    );
    check(r#"{"format": "date-time"}"#, r#""2024-02-29T23:59:60.5+00:00""#, &[]);
    check(
        r#"{"format": "date-time"}"#,
        r#""2023-02-29T10:00:00Z""#,
        &[r#"schema-format at (root): expected a valid date-time, found "2023-02-29T10:00:00Z""#],
    );
    check(r#"{"format": "idn-email"}"#, r#""jürgen@bücher.example""#, &[]);
    check(
        r#"{"format": "email"}"#,
        r#""jürgen@example.com""#,
        &[r#"schema-format at (root): expected a valid email, found "jürgen@example.com""#],
    );
    check(r#"{"format": "iri-reference"}"#, r#""${project.url}""#, &[]);
    check(
        r#"{"format": "uri"}"#,
        r#""relative/path""#,
        &[r#"schema-format at (root): expected a valid uri, found "relative/path""#],
    );
    check(r#"{"format": "no-such-format"}"#, r#""anything""#, &[]);
    let long = format!(r#""{}""#, "x".repeat(100));
    check(
        r#"{"maxLength": 3}"#,
        &long,
        &[&format!("schema-max-length at (root): expected at most 3 characters, found 100: \"{}…", "x".repeat(62))],
    );
}

#[test]
fn numbers() {
    check(r#"{"minimum": 0}"#, "-1", &["schema-minimum at (root): expected at least 0, found -1"]);
    check(r#"{"maximum": 1}"#, "1", &[]);
    check(r#"{"exclusiveMaximum": 1}"#, "1", &["schema-maximum at (root): expected less than 1, found 1"]);
    check(r#"{"exclusiveMinimum": 0}"#, "0.5", &[]);
    check(r#"{"multipleOf": 0.01}"#, "0.07", &[]);
    check(r#"{"multipleOf": 2}"#, "7", &["schema-multiple-of at (root): expected a multiple of 2, found 7"]);
    check(r#"{"minimum": 5}"#, r#""not a number""#, &[]);
}

#[test]
fn objects() {
    let schema = r#"{"properties": {"metadata": {"type": "object", "required": ["timestamp"]}}}"#;
    check(schema, r#"{"metadata": {}}"#, &[r#"schema-required at /metadata: missing required property "timestamp""#]);
    check(
        r#"{"properties": {"a": {}}, "additionalProperties": false}"#,
        r#"{"a": 1, "b/c~d": 2}"#,
        &[r#"schema-additional-property at /b~1c~0d: property "b/c~d" is not allowed here"#],
    );
    check(
        r#"{"patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": {"type": "integer"}}"#,
        r#"{"x-a": "s", "x-b": 1, "n": 2, "m": "no"}"#,
        &["schema-type at /x-b: expected string, found 1", r#"schema-type at /m: expected integer, found "no""#],
    );
    check(r#"{"properties": {"a": false}}"#, r#"{"a": 1}"#, &["schema-false at /a: no value is allowed here, found 1"]);
    check(r#"{"minProperties": 1}"#, "{}", &["schema-min-properties at (root): expected at least 1 property, found 0"]);
    check(
        r#"{"maxProperties": 1}"#,
        r#"{"a": 1, "b": 2}"#,
        &["schema-max-properties at (root): expected at most 1 property, found 2"],
    );
    check(
        r#"{"dependentRequired": {"a": ["b"]}}"#,
        r#"{"a": 1}"#,
        &[r#"schema-dependent-required at (root): property "a" requires property "b""#],
    );
    check(r#"{"dependencies": {"a": {"required": ["c"]}}}"#, r#"{"a": 1, "c": 2}"#, &[]);
    check(
        r#"{"propertyNames": {"maxLength": 3}}"#,
        r#"{"abcd": 1}"#,
        &[
            r#"schema-property-name at /abcd: the name "abcd" is not allowed"#,
            r#"schema-max-length at /abcd: expected at most 3 characters, found 4: "abcd""#,
        ],
    );
    // `required` with more names than fit in the 64-bit mask of seen names.
    let names: Vec<String> = (0..70).map(|i| format!("\"p{i}\"")).collect();
    let schema = format!(r#"{{"required": [{}]}}"#, names.join(", "));
    let members: Vec<String> = (0..69).map(|i| format!("\"p{i}\": 0")).collect();
    check(
        &schema,
        &format!("{{{}}}", members.join(", ")),
        &[r#"schema-required at (root): missing required property "p69""#],
    );
}

#[test]
fn arrays() {
    check(r#"{"items": {"type": "string"}}"#, r#"["a", 2]"#, &["schema-type at /1: expected string, found 2"]);
    check(r#"{"minItems": 1}"#, "[]", &["schema-min-items at (root): expected at least 1 item, found 0"]);
    check(r#"{"maxItems": 1}"#, "[1, 2]", &["schema-max-items at (root): expected at most 1 item, found 2"]);
    check(
        r#"{"uniqueItems": true}"#,
        r#"[1, "1", 1.0]"#,
        &["schema-unique-items at (root): expected unique items, found items 0 and 2 equal"],
    );
    check(
        r#"{"uniqueItems": true}"#,
        r#"[{"a": 1, "b": [2]}, {"b": [2], "a": 1}]"#,
        &["schema-unique-items at (root): expected unique items, found items 0 and 1 equal"],
    );
    check(r#"{"uniqueItems": true}"#, r#"[{"a": 1}, {"a": 2}, {"a": 3}, [1], [1, 2]]"#, &[]);
    // Many items alike on the surface (same members, same short strings) but one pair equal.
    let items: Vec<String> = (0..40).map(|i| format!(r#"{{"k": "v", "n": {{"deep": {}}}}}"#, i % 39)).collect();
    check(
        r#"{"uniqueItems": true}"#,
        &format!("[{}]", items.join(", ")),
        &["schema-unique-items at (root): expected unique items, found items 0 and 39 equal"],
    );
    check(
        r#"{"contains": {"const": 2}}"#,
        "[1, 3]",
        &["schema-contains at (root): expected at least 1 items matching 'contains', found 0"],
    );
    check(
        r#"{"contains": {"const": 2}, "maxContains": 1}"#,
        "[2, 2]",
        &["schema-contains at (root): expected at most 1 items matching 'contains', found 2"],
    );
    // Draft-07 tuples: `items` as an array and `additionalItems`.
    check(
        r#"{"items": [{"type": "string"}], "additionalItems": false}"#,
        r#"["a", 1]"#,
        &["schema-max-items at /1: expected at most 1 item, found 2"],
    );
    let tuple = r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "prefixItems": [{"type": "string"}], "items": {"type": "integer"}}"#;
    check(tuple, r#"["a", 1, "b"]"#, &[r#"schema-type at /2: expected integer, found "b""#]);
}

#[test]
fn combinators_report_the_branch_that_got_furthest() {
    let schema = r#"{"anyOf": [{"type": "string"}, {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}]}"#;
    check(schema, r#""x""#, &[]);
    check(
        schema,
        r#"{"id": 3}"#,
        &[
            "schema-any-of at (root): expected a match of at least one of 2 schemas, found none",
            "schema-type at /id: expected string, found 3",
        ],
    );
    let schema = r#"{"oneOf": [{"required": ["license"]}, {"required": ["expression"]}]}"#;
    check(schema, r#"{"license": 1}"#, &[]);
    check(
        schema,
        r#"{"license": 1, "expression": 2}"#,
        &["schema-one-of at (root): expected a match of exactly one of 2 schemas, found more than one (0 and 1 match)"],
    );
    check(
        schema,
        "{}",
        &[
            "schema-one-of at (root): expected a match of exactly one of 2 schemas, found none",
            r#"schema-required at (root): missing required property "license""#,
        ],
    );
    check(
        r#"{"not": {"required": ["a"]}}"#,
        r#"{"a": 1}"#,
        &["schema-not at (root): must not match the schema it is given, found an object with 1 member"],
    );
    check(
        r#"{"allOf": [{"minimum": 1}, {"maximum": 0}]}"#,
        "2",
        &["schema-maximum at (root): expected at most 0, found 2"],
    );
    let schema =
        r#"{"if": {"required": ["external"]}, "then": {"required": ["range"]}, "else": {"required": ["version"]}}"#;
    check(schema, r#"{"external": true, "range": 1}"#, &[]);
    check(
        schema,
        r#"{"external": true}"#,
        &[
            "schema-if-then-else at (root): matches 'if' but not 'then'",
            r#"schema-required at (root): missing required property "range""#,
        ],
    );
    check(
        schema,
        "{}",
        &[
            "schema-if-then-else at (root): matches neither 'if' nor 'else'",
            r#"schema-required at (root): missing required property "version""#,
        ],
    );
}

#[test]
fn references_resolve_at_compile_time() {
    let schema =
        r##"{"definitions": {"hash": {"type": "string"}}, "properties": {"h": {"$ref": "#/definitions/hash"}}}"##;
    check(schema, r#"{"h": 1}"#, &["schema-type at /h: expected string, found 1"]);
    let schema = r##"{"$defs": {"a~b/c": {"$ref": "#/$defs/x"}, "x": {"minimum": 3}}, "$ref": "#/$defs/a~0b~1c"}"##;
    check(schema, "2", &["schema-minimum at (root): expected at least 3, found 2"]);
    // Recursion: components inside components.
    let schema = r##"{"$id": "http://example.com/tree.json", "type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#"}}, "name": {"type": "string"}}}"##;
    check(
        schema,
        r#"{"children": [{"children": [{"name": 5}]}]}"#,
        &["schema-type at /children/0/children/0/name: expected string, found 5"],
    );
    // Keywords beside `$ref` count, as in the CycloneDX harnesses.
    check(
        r##"{"definitions": {"s": {"type": "string"}}, "$ref": "#/definitions/s", "maxLength": 1}"##,
        r#""ab""#,
        &[r#"schema-max-length at (root): expected at most 1 character, found 2: "ab""#],
    );
    // Plain-name anchors and embedded resources.
    let schema = r##"{"$id": "http://example.com/root.json", "definitions": {"a": {"$id": "#thing", "type": "null"}, "b": {"$id": "other.json", "type": "boolean"}}, "properties": {"x": {"$ref": "#thing"}, "y": {"$ref": "other.json"}}}"##;
    check(schema, r#"{"x": null, "y": 1}"#, &["schema-type at /y: expected boolean, found 1"]);
    // A bundled schema referred to by its CycloneDX URI.
    let schema = r#"{"$ref": "http://cyclonedx.org/schema/spdx.schema.json"}"#;
    let compiled = compile(schema.as_bytes(), &resolve_bundled).unwrap();
    assert!(compiled.is_valid(&json::parse(br#""Apache-2.0""#).unwrap()));
    assert!(!compiled.is_valid(&json::parse(br#""Apache-2""#).unwrap()));
}

#[test]
fn unevaluated_properties_see_through_in_place_applicators() {
    let schema = r#"{
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [{"properties": {"a": {}}}],
        "anyOf": [{"properties": {"b": {}}}, {"properties": {"c": {"type": "string"}}}],
        "if": {"properties": {"kind": {"const": "x"}}, "required": ["kind"]},
        "then": {"properties": {"x": {}}},
        "unevaluatedProperties": false
    }"#;
    check(schema, r#"{"a": 1, "b": 2, "c": "s"}"#, &[]);
    check(schema, r#"{"kind": "x", "x": 1}"#, &[]);
    // `c` fails its branch, so that branch's annotations do not count.
    check(schema, r#"{"a": 1, "c": 3}"#, &[r#"schema-unevaluated-property at /c: property "c" is not allowed here"#]);
    // A failing `if` evaluates nothing either.
    check(
        schema,
        r#"{"kind": "y", "x": 1}"#,
        &[
            r#"schema-unevaluated-property at /kind: property "kind" is not allowed here"#,
            r#"schema-unevaluated-property at /x: property "x" is not allowed here"#,
        ],
    );
    // A nested object has its own evaluation.
    let schema = r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "properties": {"o": {"unevaluatedProperties": {"type": "integer"}}}, "unevaluatedProperties": false}"#;
    check(schema, r#"{"o": {"n": "s"}}"#, &[r#"schema-type at /o/n: expected integer, found "s""#]);
    // More members than one 64-bit word of marks.
    let members: Vec<String> = (0..100).map(|i| format!("\"p{i}\": 0")).collect();
    let schema = r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "allOf": [{"patternProperties": {"^p[0-9]$": {}}}, {"patternProperties": {"^p[0-9][0-9]$": {}}}], "unevaluatedProperties": false}"#;
    check(
        schema,
        &format!("{{{}, \"q\": 1}}", members.join(", ")),
        &[r#"schema-unevaluated-property at /q: property "q" is not allowed here"#],
    );
}

#[test]
fn problems_are_capped_and_evaluation_depth_is_bounded() {
    let schema = compile(br#"{"items": {"type": "string"}}"#, &|_| None).unwrap();
    let many = format!("[{}]", vec!["1"; 5000].join(","));
    let problems = schema.validate(&json::parse(many.as_bytes()).unwrap());
    assert_eq!(problems.len(), MAX_PROBLEMS + 1);
    assert_eq!(problems.last().map(|p| p.code), Some("schema-too-many-problems"));
    // Schemas that refer back to themselves without descending into the value; with two
    // branches each, a search to the depth limit would take 2^512 steps.
    let cycle = "schema-cycle at (root): the schema refers back to itself without descending into the value";
    check(r##"{"$ref": "#"}"##, "1", &[cycle]);
    check(
        r##"{"anyOf": [{"$ref": "#"}, {"$ref": "#"}]}"##,
        "1",
        &["schema-any-of at (root): expected a match of at least one of 2 schemas, found none", cycle],
    );
    check(
        r##"{"properties": {"a": {"$ref": "#"}}, "oneOf": [{"$ref": "#/properties/a"}, {"$ref": "#"}]}"##,
        r#"{"a": 1}"#,
        &[
            "schema-one-of at /a: expected a match of exactly one of 2 schemas, found none",
            "schema-cycle at /a: the schema refers back to itself without descending into the value",
            "schema-one-of at (root): expected a match of exactly one of 2 schemas, found none",
            cycle,
        ],
    );
    // A `not` or `if` that cannot be evaluated does not pass.
    check(
        r##"{"not": {"$ref": "#"}}"##,
        "1",
        &["schema-not at (root): its subschema could not be evaluated: it nests too deep or refers back to itself"],
    );
    check(
        r##"{"if": {"$ref": "#"}, "then": false}"##,
        "1",
        &[
            "schema-if-then-else at (root): its subschema could not be evaluated: it nests too deep or refers back to itself",
        ],
    );
    // A long chain of distinct in-place subschemas reaches the depth limit instead.
    let definitions: Vec<String> =
        (0..600).map(|i| format!(r##""d{i}": {{"allOf": [{{"$ref": "#/definitions/d{}"}}]}}"##, i + 1)).collect();
    let schema =
        format!(r##"{{"definitions": {{{}, "d600": {{}}}}, "$ref": "#/definitions/d0"}}"##, definitions.join(", "));
    check(&schema, "1", &["schema-too-deep at (root): schema evaluation nests deeper than 512 levels"]);
}

/// Runs `f` on a thread with a stack of `kib` KiB. 2 MiB is what test threads and tokio's
/// workers have; debug builds need about four times the stack of release builds (measured:
/// the deepest evaluation needs about 1 MiB in debug, 256 KiB in release).
fn with_stack<T: Send>(kib: usize, f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new().stack_size(kib * 1024).spawn_scoped(scope, f).unwrap().join().unwrap()
    })
}

#[test]
fn nesting_to_the_json_limit_validates_without_exhausting_the_stack() {
    // 63 components deep, each `{"components": [...]}` two JSON levels: near serde_json's 128.
    let mut document = String::from(r#"{"type": "library", "name": "leaf"}"#);
    for _ in 0..62 {
        document = format!(r#"{{"type": "library", "name": "n", "components": [{document}]}}"#);
    }
    let document = format!(r#"{{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{document}]}}"#);
    let value = json::parse(document.as_bytes()).unwrap();
    let schema = bundled("bom-1.6.schema.json").unwrap();
    assert_eq!(with_stack(2048, || schema.validate(&value)), Vec::new());
    // The deepest evaluation the limit allows, through `anyOf` and `if` at every level.
    let definitions: Vec<String> = (0..600)
        .map(|i| {
            let next = format!(r##"{{"$ref": "#/definitions/d{}"}}"##, i + 1);
            format!(r#""d{i}": {{"anyOf": [{next}], "if": {next}}}"#)
        })
        .collect();
    let schema =
        format!(r##"{{"definitions": {{{}, "d600": {{}}}}, "$ref": "#/definitions/d0"}}"##, definitions.join(", "));
    let compiled = compile(schema.as_bytes(), &|_| None).unwrap();
    let value = json::parse(b"1").unwrap();
    let problems = with_stack(2048, || compiled.validate(&value));
    assert_eq!(
        render(&problems),
        [
            "schema-any-of at (root): expected a match of at least one of 1 schemas, found none",
            "schema-too-deep at (root): schema evaluation nests deeper than 512 levels",
            "schema-if-then-else at (root): its subschema could not be evaluated: it nests too deep or refers back to itself",
        ]
    );
    assert!(!with_stack(2048, || compiled.is_valid(&value)));
}

#[test]
fn schemas_that_cannot_be_honoured_are_compile_errors() {
    assert!(
        compile_error(r#"{"$ref": "http://example.com/remote.json"}"#)
            .contains("is not a bundled schema (nothing is fetched)")
    );
    assert!(compile_error(r##"{"$ref": "#/definitions/missing"}"##).contains("does not exist"));
    assert!(compile_error(r##"{"$ref": "#nowhere"}"##).contains("no anchor"));
    assert!(compile_error(r#"{"pattern": "(a)\\1"}"#).contains("back-references cannot be translated"));
    assert!(
        compile_error(r#"{"pattern": "a(?=b)"}"#).contains("look-around is only supported right after a leading ^")
    );
    assert!(compile_error(r#"{"pattern": "[z-a]"}"#).contains("out of order"));
    assert!(compile_error(r##"{"$dynamicRef": "#x"}"##).contains("is not implemented"));
    assert!(compile_error(r#"{"type": "text"}"#).contains("unknown type"));
    assert!(compile_error(r#"{"minLength": -1}"#).contains("must be a non-negative integer"));
    assert!(compile_error("{").contains("is not valid JSON"));
}

/// Translates an ECMA-262 pattern, expecting the `regex` syntax `expected`.
fn check_translation(ecma: &str, expected: &str) {
    assert_eq!(pattern::translate(ecma).as_deref(), Ok(expected), "{ecma}");
}

#[test]
fn ecma_patterns_translate_to_regex_syntax() {
    check_translation(r"^\d\w$", "^[0-9][0-9A-Za-z_]$");
    check_translation(r"a.b", r"a[^\n\r\u{2028}\u{2029}]b");
    check_translation(r"[^\/]+\/x", r"[^\/]+/x");
    check_translation(
        r"[A-Za-z0-9\-/.()\s]",
        r"[A-Za-z0-9\-\/\.\(\)\t\n\x0B\x0C\r \u{A0}\u{1680}\u{2000}-\u{200A}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}]",
    );
    check_translation(r"[-+a-z0-9.]", r"[\-\+a-z0-9\.]");
    check_translation(r"\u00e9\x41", "éA");
    check_translation(r"\ud83d\ude00", "😀");
    check_translation(r"a{2}b{,3}", r"a{2}b\{,3\}");
    check_translation(r"(?<year>\d{4})", "(?P<year>[0-9]{4})");
    check_translation(r"\bx", r"(?-u:\b)x");
    check_translation("[]", "[a&&b]");
}

/// Whether the (translated, compiled) pattern matches `text`, by its fast path and by the
/// regex alone.
fn check_pattern(source: &str, text: &str, expected: bool) {
    let compiled = pattern::Pattern::new(source).unwrap();
    assert_eq!(compiled.is_match(text), expected, "{source} on {text:?}");
    assert_eq!(compiled.regex_match(text), expected, "{source} on {text:?} (regex)");
}

#[test]
fn patterns_match_as_in_ecma_262() {
    check_pattern("^(?!_:).+:.+", "http://x", true);
    check_pattern("^(?!_:).+:.+", "_:blank", false);
    check_pattern("^_:.+", "_:blank", true);
    check_pattern("^(.*)$", "two\nlines", false);
    check_pattern("^[A-Z]{2}$", "DE", true);
    check_pattern("^[A-Z]{2}$", "DEU", false);
    let hash = "^([a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128})$";
    check_pattern(hash, &"a".repeat(40), true);
    check_pattern(hash, &"a".repeat(41), false);
    check_pattern(hash, &format!("{}g", "a".repeat(39)), false);
    check_pattern(hash, &format!("{}é", "a".repeat(38)), false);
    let uuid = "^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
    check_pattern(uuid, "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", true);
    check_pattern(uuid, "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b7", false);
    check_pattern(uuid, "urn:uuid:3E671687-395b-41f5-a30f-a58921a69b79", false);
    check_pattern("^([a-z]{2})(-[A-Z]{2})?$", "en-US", true);
    check_pattern("^([a-z]{2})(-[A-Z]{2})?$", "en-us", false);
    check_pattern(r"^[^\/]+\/[^\/]+$", "text/plain", true);
    check_pattern(r"^[^\/]+\/[^\/]+$", "a/b/c", false);
}

/// Whether `text` is in the format `name`.
fn check_format_case(name: &str, text: &str, expected: bool) {
    assert_eq!(check_format(name, text), Some(expected), "{name}: {text:?}");
}

#[test]
fn formats() {
    for (text, ok) in [
        ("2020-04-13T20:20:39+00:00", true),
        ("2020-04-13t20:20:39.123z", true),
        ("1998-12-31T15:59:60-08:00", true),
        ("2020-04-13T20:20:60Z", false),
        ("2020-04-13", false),
        ("2020-04-13T20:20:39", false),
        ("2020-13-01T00:00:00Z", false),
        ("2020-04-13 20:20:39Z", false),
        ("2020-04-13T24:00:00Z", false),
        ("2020-04-13T20:20:39+24:00", false),
    ] {
        check_format_case("date-time", text, ok);
    }
    check_format_case("date", "2024-02-29", true);
    check_format_case("date", "2100-02-29", false);
    for (text, ok) in [
        ("joe.bloggs@example.com", true),
        ("\"joe bloggs\"@example.com", true),
        ("joe@[127.0.0.1]", true),
        (".joe@example.com", false),
        ("joe..bloggs@example.com", false),
        ("joe@-example.com", false),
        ("joe", false),
    ] {
        check_format_case("email", text, ok);
    }
    check_format_case("idn-email", "실례@실례.테스트", true);
    check_format_case("uri", "https://example.com/a?b=c#d", true);
    check_format_case("uri", "https://example.com/a b", false);
    check_format_case("uri", "https://example.com/%zz", false);
    check_format_case("uri", "1http://x", false);
    check_format_case("uri-reference", "../relative#frag", true);
    check_format_case("iri-reference", "https://例え.jp/パス", true);
    check_format_case("iri-reference", "https://github.com/${project.artifactId}", false);
    check_format_case("ipv4", "192.168.0.1", true);
    check_format_case("ipv4", "192.168.0.01", false);
    check_format_case("ipv6", "::1", true);
    check_format_case("hostname", "a-b.example", true);
    check_format_case("hostname", "a_b.example", false);
    check_format_case("uuid", "3e671687-395b-41f5-a30f-a58921a69b79", true);
    check_format_case("json-pointer", "/a~1b", true);
    check_format_case("json-pointer", "/a~2b", false);
    assert_eq!(check_format("string", "x"), None);
}

#[test]
fn relative_references_resolve_against_the_base_uri() {
    for (base, reference, expected) in [
        (
            "http://cyclonedx.org/schema/bom-1.6.schema.json",
            "spdx.schema.json",
            "http://cyclonedx.org/schema/spdx.schema.json",
        ),
        (
            "http://cyclonedx.org/schema/bom-1.6.schema.json",
            "#/definitions/x",
            "http://cyclonedx.org/schema/bom-1.6.schema.json#/definitions/x",
        ),
        ("http://example.com/a/b/c.json", "../d.json", "http://example.com/a/d.json"),
        ("http://example.com/a/b/c.json", "/root.json", "http://example.com/root.json"),
        ("http://example.com", "x.json", "http://example.com/x.json"),
        ("", "spdx.schema.json", "spdx.schema.json"),
        ("bom-1.6.schema.json", "urn:x:y", "urn:x:y"),
    ] {
        assert_eq!(compile::join(base, reference), expected, "{base} + {reference}");
    }
}

#[test]
fn problem_codes_are_unique_kebab_case_and_all_listed() {
    let mut listed: Vec<&str> = CODES.to_vec();
    listed.sort_unstable();
    listed.dedup();
    assert_eq!(listed.len(), CODES.len(), "a code is listed twice");
    assert!(CODES.iter().all(|c| c.starts_with("schema-") && c.chars().all(|c| c.is_ascii_lowercase() || c == '-')));
    // Every code literal of the evaluator is in the list.
    let source = include_str!("validate.rs");
    let mut used: Vec<&str> = source
        .split('"')
        .filter(|piece| piece.starts_with("schema-") && piece.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .collect();
    used.sort_unstable();
    used.dedup();
    assert_eq!(used, listed);
}
