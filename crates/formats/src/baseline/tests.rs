//! Tests of reading baselines and configurations: every check kind, paths, the three
//! configuration formats, bad documents with their messages, and odd input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use chainward_core::baseline::{Outcome, check};
use serde_json::json;

use super::*;

const EXAMPLE_BASELINE: &[u8] = include_bytes!("../../../../docs/examples/baseline-web-tls.yaml");
const EXAMPLE_GOOD: &[u8] = include_bytes!("../../../../docs/examples/web-gateway-good.yaml");
const EXAMPLE_BAD: &[u8] = include_bytes!("../../../../docs/examples/web-gateway-bad.yaml");

/// `Ok(json)` or `Err(message prefix)`.
type Expected = Result<Value, &'static str>;

fn run_configs(suite: &str, cases: Vec<(&str, &str, Option<&str>, Expected)>) {
    let total = cases.len();
    let mut passed = 0;
    for (name, input, hint, expected) in cases {
        let got = read_config(input.as_bytes(), hint);
        let ok = match (&got, &expected) {
            (Ok(value), Ok(wanted)) => value == wanted,
            (Err(error), Err(prefix)) => error.to_string().starts_with(prefix),
            _ => false,
        };
        if ok {
            passed += 1;
        } else {
            eprintln!("{suite} / {name}:\n  expected {expected:?}\n  got      {got:?}");
        }
    }
    println!("{suite}: {passed}/{total}");
    assert_eq!(passed, total);
}

#[test]
fn configurations_in_every_format() {
    run_configs(
        "baseline configs",
        vec![
            (
                "json",
                r#"{"a": {"b": [1, 2.5, "x", null, true]}}"#,
                None,
                Ok(json!({"a": {"b": [1, 2.5, "x", null, true]}})),
            ),
            ("json by hint", r#"{"a": 1}"#, Some("json"), Ok(json!({"a": 1}))),
            ("json root array", "[1, 2]", None, Ok(json!([1, 2]))),
            ("json duplicate key", r#"{"a": 1, "a": 2}"#, None, Err("not valid JSON: duplicate key `a`")),
            ("json trailing garbage", r#"{"a": 1} x"#, Some(".JSON"), Err("not valid JSON: trailing characters")),
            ("json broken", r#"{"a": "#, Some("json"), Err("not valid JSON: EOF while parsing")),
            ("yaml", "a:\n  b: [1, x]\n  c: yes\n", None, Ok(json!({"a": {"b": [1, "x"], "c": "yes"}}))),
            ("yaml by hint", "a: 1\n", Some("yml"), Ok(json!({"a": 1}))),
            ("yaml flow mapping", "{a: 1, b: [x]}", None, Ok(json!({"a": 1, "b": ["x"]}))),
            (
                "yaml numeric and boolean keys",
                "1: one\ntrue: yes\n~: nothing\n",
                None,
                Ok(json!({"1": "one", "true": "yes", "null": "nothing"})),
            ),
            (
                "yaml anchors",
                "base: &b {tls: true}\nother: *b\n",
                None,
                Ok(json!({"base": {"tls": true}, "other": {"tls": true}})),
            ),
            (
                "yaml merge keys, explicit keys win",
                "defaults: &d {tls: false, port: 443}\nsite:\n  tls: true\n  <<: *d\n",
                None,
                Ok(json!({"defaults": {"tls": false, "port": 443}, "site": {"tls": true, "port": 443}})),
            ),
            (
                "yaml merge of a list, earlier wins",
                "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n",
                None,
                Ok(json!({"a": {"x": 1}, "b": {"x": 2, "y": 2}, "c": {"x": 1, "y": 2}})),
            ),
            (
                "yaml merge of a scalar",
                "c:\n  <<: 3\n",
                None,
                Err("not valid YAML: c: a merge key `<<` takes a mapping or a list of mappings at line 2 column 3"),
            ),
            ("yaml duplicate key", "a: 1\na: 2\n", None, Err("not valid YAML: duplicate key `a`")),
            (
                "yaml tag",
                "bucket: !Ref Bucket\n",
                None,
                Err("not valid YAML: bucket: YAML tags such as `!Ref` are not supported at line 1 column 9"),
            ),
            (
                "yaml non-finite floats",
                "a: .inf\nb: -.inf\nc: .nan\n",
                None,
                Ok(json!({"a": "inf", "b": "-inf", "c": "nan"})),
            ),
            ("yaml empty", "  \n", Some("yaml"), Ok(Value::Null)),
            ("yaml comment only", "# nothing\n", None, Ok(Value::Null)),
            (
                "yaml two documents",
                "a: 1\n---\nb: 2\n",
                None,
                Err("not valid YAML: deserializing from YAML containing more than one document"),
            ),
            ("yaml broken", "a: [1\n", None, Err("not valid YAML: ")),
            (
                "yaml mapping as key",
                "? [a]\n: 1\n",
                None,
                Err("not valid YAML: invalid type: sequence, expected a key"),
            ),
            ("toml table header by content", "[server]\nport = 443\n", None, Ok(json!({"server": {"port": 443}}))),
            (
                "toml pair by content",
                "# gateway\nname = \"x\"\n[tls]\nmin = \"TLSv1.3\"\n",
                None,
                Ok(json!({"name": "x", "tls": {"min": "TLSv1.3"}})),
            ),
            (
                "toml arrays of tables",
                "[[listeners]]\nport = 443\n[[listeners]]\nport = 80\n",
                None,
                Ok(json!({"listeners": [{"port": 443}, {"port": 80}]})),
            ),
            (
                "toml dates become text",
                "when = 2025-01-02T03:04:05Z\nday = 2025-01-02\n",
                Some("toml"),
                Ok(json!({"when": "2025-01-02T03:04:05Z", "day": "2025-01-02"})),
            ),
            (
                "toml dotted keys and inline tables",
                "a.b = 1\nc = {d = [1, 2]}\n",
                None,
                Ok(json!({"a": {"b": 1}, "c": {"d": [1, 2]}})),
            ),
            ("toml empty by hint", "", Some("toml"), Ok(json!({}))),
            ("toml duplicate key", "a = 1\na = 2\n", Some("toml"), Err("not valid TOML: duplicate key")),
            ("toml broken", "a = \n", Some("toml"), Err("not valid TOML: ")),
            ("toml inf", "a = inf\n", Some("toml"), Ok(json!({"a": "inf"}))),
            ("unknown hint falls back to content", "[s]\nk = 1\n", Some("conf"), Ok(json!({"s": {"k": 1}}))),
            ("json that is not json, nor toml, is reported as json", "{\"a\": [}", None, Err("not valid JSON: ")),
            ("byte order mark", "\u{feff}{\"a\": 1}", None, Ok(json!({"a": 1}))),
        ],
    );
}

#[test]
fn limits_and_encodings() {
    assert_eq!(
        read_config(&vec![b' '; MAX_CONFIG_BYTES + 1], None).unwrap_err().to_string(),
        format!("the document has {} bytes, more than the limit of {MAX_CONFIG_BYTES}", MAX_CONFIG_BYTES + 1)
    );
    let not_utf8 = read_config(b"a: \xff\n", None).unwrap_err();
    assert_eq!(not_utf8.code(), "input-not-utf8");

    let deep_json = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    let error = read_config(deep_json.as_bytes(), None).unwrap_err().to_string();
    assert!(error.starts_with("not valid JSON: nested deeper than 100 levels"), "{error}");
    let deep_yaml = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    let error = read_config(deep_yaml.as_bytes(), Some("yaml")).unwrap_err().to_string();
    assert!(error.starts_with("not valid YAML: .[0][0]") && error.contains("nested deeper than 100 levels"), "{error}");
    let deep_toml = format!("a = {}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    let error = read_config(deep_toml.as_bytes(), Some("toml")).unwrap_err().to_string();
    assert!(error.starts_with("not valid TOML: "), "{error}");
    for hint in ["json", "yaml", "toml"] {
        let prefix = if hint == "toml" { "a = " } else { "" };
        let very_deep = format!("{prefix}{}", "[".repeat(100_000));
        assert!(read_config(very_deep.as_bytes(), Some(hint)).is_err(), "{hint}");
    }
    let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(read_config(fine.as_bytes(), None).is_ok());

    // A billion laughs: every alias level multiplies by ten; the value budget stops it.
    let mut laughs = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        laughs.push_str(&format!("a{level}: &a{level} [{}]\n", [previous.as_str(); 10].join(", ")));
    }
    let error = read_config(laughs.as_bytes(), None).unwrap_err().to_string();
    assert_eq!(error, "not valid YAML: repetition limit exceeded");
    // One wide anchor used a few times stays under that limit; the value budget stops it.
    let wide = format!("a: &a [{}]\nb: [{}]\n", vec!["x"; 20_000].join(", "), vec!["*a"; 60].join(", "));
    let error = read_config(wide.as_bytes(), None).unwrap_err().to_string();
    assert!(error.starts_with("not valid YAML: ") && error.contains("more than 1000000 values"), "{error}");
}

/// Reads a baseline from YAML and returns the error message, or `ok` and the rule count.
fn outcome(yaml: &str) -> String {
    match read_baseline(yaml.as_bytes()) {
        Ok(baseline) => format!("ok {}", baseline.rules.len()),
        Err(error) => error.to_string(),
    }
}

#[test]
fn bad_baselines_say_what_and_where() {
    let rule = |body: &str| format!("name: b\nrules:\n  - id: first\n    path: a\n    present: true\n  - {body}\n");
    let cases: Vec<(&str, String, &str)> = vec![
        ("empty", String::new(), "the document is empty"),
        (
            "not a mapping",
            "- a\n- b\n".into(),
            "baseline: the document must be a mapping with `name` and `rules`, found a list",
        ),
        ("no name", "rules: []\n".into(), "baseline: `name` is missing"),
        ("blank name", "name: ' '\nrules: []\n".into(), "baseline: `name` is empty"),
        ("name not text", "name: [x]\nrules: []\n".into(), "baseline: `name` must be text, found a list"),
        ("no rules", "name: b\n".into(), "baseline: `rules` is missing"),
        (
            "empty rules",
            "name: b\nrules: []\n".into(),
            "baseline: `rules` is empty; a baseline needs at least one rule",
        ),
        ("rules not a list", "name: b\nrules: {a: 1}\n".into(), "baseline: `rules` must be a list, found a mapping"),
        (
            "unknown top-level field",
            "name: b\nrule: []\n".into(),
            "baseline: unknown field `rule`; expected one of name, description, rules (did you mean `rules`?)",
        ),
        ("rule not a mapping", rule("just text"), "rule 2: must be a mapping, found text"),
        ("rule without id", rule("path: a\n    present: true"), "rule 2: `id` is missing"),
        (
            "rule with a number id",
            rule("id: 7\n    path: a\n    present: true"),
            "rule 2: `id` must be text, found a number",
        ),
        (
            "unknown check",
            rule("id: tls-min\n    path: a\n    equal: 1"),
            "rule 2 (tls-min): unknown check `equal`; expected one of equals, one_of, min, max, regex, absent, present, type (did you mean `equals`?)",
        ),
        (
            "misspelt field",
            rule("id: x\n    path: a\n    present: true\n    severty: high"),
            "rule 2 (x): unknown check `severty`; expected one of equals, one_of, min, max, regex, absent, present, type (did you mean `severity`?)",
        ),
        (
            "no check",
            rule("id: x\n    path: a"),
            "rule 2 (x): no check; give one of equals, one_of, min, max, regex, absent, present, type",
        ),
        (
            "two checks",
            rule("id: x\n    path: a\n    equals: 1\n    regex: b"),
            "rule 2 (x): more than one check (`equals`, `regex`); give one per rule (only `min` and `max` go together)",
        ),
        ("no path", rule("id: x\n    present: true"), "rule 2 (x): `path` is missing"),
        (
            "bad path",
            rule("id: x\n    path: a..b\n    present: true"),
            "rule 2 (x): invalid `path`: at character 3: empty key (two dots in a row, or a dot at the start)",
        ),
        (
            "bad severity",
            rule("id: x\n    path: a\n    present: true\n    severity: urgent"),
            "rule 2 (x): unknown severity `urgent`; expected one of low, medium, high, critical",
        ),
        ("bad regex", rule("id: x\n    path: a\n    regex: 'a('"), "rule 2 (x): invalid `regex`: unclosed group"),
        (
            "huge regex",
            rule("id: x\n    path: a\n    regex: 'a{1000}{1000}'"),
            "rule 2 (x): invalid `regex`: the compiled pattern is larger than the limit of 1048576 bytes; simplify it",
        ),
        (
            "regex not text",
            rule("id: x\n    path: a\n    regex: 1"),
            "rule 2 (x): `regex` must be text, found a number",
        ),
        (
            "min not a number",
            rule("id: x\n    path: a\n    min: '3'"),
            "rule 2 (x): `min` must be a number, found text",
        ),
        (
            "min above max",
            rule("id: x\n    path: a\n    min: 5\n    max: 1"),
            "rule 2 (x): `min` (5) is greater than `max` (1)",
        ),
        ("max infinite", rule("id: x\n    path: a\n    max: .inf"), "rule 2 (x): `max` must be a number, found text"),
        ("empty one_of", rule("id: x\n    path: a\n    one_of: []"), "rule 2 (x): `one_of` is empty"),
        (
            "one_of not a list",
            rule("id: x\n    path: a\n    one_of: a"),
            "rule 2 (x): `one_of` must be a list, found text",
        ),
        (
            "absent false",
            rule("id: x\n    path: a\n    absent: false"),
            "rule 2 (x): `absent` must be `true`, found false",
        ),
        (
            "present yes",
            rule("id: x\n    path: a\n    present: 'yes'"),
            "rule 2 (x): `present` must be `true`, found \"yes\"",
        ),
        (
            "unknown type",
            rule("id: x\n    path: a\n    type: integer"),
            "rule 2 (x): unknown type `integer`; expected one of string, number, boolean, array, object",
        ),
        (
            "duplicate id",
            rule("id: first\n    path: b\n    present: true"),
            "rule 2 (first): duplicate id; rule 1 has it already",
        ),
        ("broken yaml", "name: b\nrules: [\n".into(), "not valid YAML: "),
        ("broken json", "{\"name\": \"b\", \"rules\": [}".into(), "not valid JSON: "),
        ("duplicate field", "name: a\nname: b\nrules: []\n".into(), "not valid YAML: duplicate key `name`"),
        ("good", rule("id: second\n    path: b\n    min: 1\n    max: 2"), "ok 2"),
        ("good json", r#"{"name": "b", "rules": [{"id": "x", "path": "a", "equals": {"k": [1]}}]}"#.into(), "ok 1"),
    ];
    let total = cases.len();
    let mut passed = 0;
    for (name, yaml, expected) in &cases {
        let got = outcome(yaml);
        let ok = if expected.ends_with(": ") { got.starts_with(expected) } else { got == *expected };
        if ok {
            passed += 1;
        } else {
            eprintln!("{name}:\n  expected {expected}\n  got      {got}");
        }
    }
    println!("baseline bad documents: {passed}/{total}");
    assert_eq!(passed, total);
}

#[test]
fn a_baseline_reads_every_field() {
    let yaml = "name: ' tls '\ndescription: d\nrules:\n  - id: a\n    path: 'listeners[*].tls'\n    description: why\n    \
                severity: critical\n    type: object\n  - id: b\n    path: x\n    equals: {k: [1, 2]}\n  - id: c\n    \
                path: y\n    regex: '^on$'\n  - id: d\n    path: z\n    max: 3\n";
    let baseline = read_baseline(yaml.as_bytes()).unwrap();
    assert_eq!((baseline.name.as_str(), baseline.description.as_deref()), ("tls", Some("d")));
    let a = &baseline.rules[0];
    assert_eq!(
        (a.id.as_str(), a.path.to_string(), a.description.as_deref(), a.severity, &a.check),
        ("a", "listeners[*].tls".to_owned(), Some("why"), Severity::Critical, &Check::Type(ValueType::Object))
    );
    assert_eq!(baseline.rules[1].severity, Severity::Medium);
    assert_eq!(baseline.rules[1].check, Check::Equals(json!({"k": [1, 2]})));
    assert_eq!(baseline.rules[2].check, Check::Regex(Pattern::new("^on$").unwrap()));
    assert_eq!(baseline.rules[3].check, Check::Range { min: None, max: Some(3.0) });
}

#[test]
fn error_codes_are_stable_and_unique() {
    let errors = [
        BaselineError::TooLarge { bytes: 2, limit: 1 },
        BaselineError::Empty,
        BaselineError::NotUtf8(String::new()),
        BaselineError::Syntax { format: "JSON", message: String::new() },
        BaselineError::Invalid(String::new()),
        BaselineError::Rule { index: 1, id: None, message: String::new() },
    ];
    let codes: Vec<&str> = errors.iter().map(BaselineError::code).collect();
    assert_eq!(
        codes,
        [
            "input-too-large",
            "input-empty",
            "input-not-utf8",
            "input-syntax",
            "baseline-invalid",
            "baseline-rule-invalid"
        ]
    );
}

#[test]
fn the_example_baseline_passes_the_good_gateway_and_fails_the_bad_one() {
    let baseline = read_baseline(EXAMPLE_BASELINE).unwrap();
    assert_eq!(baseline.rules.len(), 13);

    let good = check(&baseline, &read_config(EXAMPLE_GOOD, Some("yaml")).unwrap());
    let failures: Vec<String> = good
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .map(|r| format!("{} {}", r.rule_id, r.path))
        .collect();
    assert_eq!((good.passed, good.failed), (13, 0), "{failures:?}");

    let bad = check(&baseline, &read_config(EXAMPLE_BAD, None).unwrap());
    let failed: Vec<String> = bad
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .map(|r| format!("{} {} | {} | {}", r.rule_id, r.path, r.expected, r.found))
        .collect();
    assert_eq!(
        failed,
        [
            "tls-min-version server.tls.min_version | one of \"TLSv1.2\", \"TLSv1.3\" | \"TLSv1\"",
            "tls-strong-ciphers server.tls.ciphers[1] | text matching `^(TLS_AES_(128|256)_GCM_SHA(256|384)|TLS_CHACHA20_POLY1305_SHA256|ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305))$` | \"DES-CBC3-SHA\"",
            "tls-key-size server.tls.key_bits | a number of at least 2048 | 1024",
            "hsts-enabled server.tls | equal to true | missing hsts.enabled",
            "hsts-max-age server.tls | a number of at least 15768000 | missing hsts.max_age",
            "listeners-tls listeners[1] | equal to true | missing tls.enabled",
            "no-server-tokens server.server_tokens | equal to false | true",
            "frame-options headers | one of \"DENY\", \"SAMEORIGIN\" | missing x-frame-options",
            "admin-mfa admin.users.carol.mfa | equal to true | false",
            "admin-mfa admin.users.dave | equal to true | missing mfa",
            "no-debug debug | absent | true",
        ]
    );
    assert_eq!((bad.passed, bad.failed), (3, 10));
}

#[test]
fn the_same_configuration_reads_alike_in_json_yaml_and_toml() {
    let json = r#"{"server": {"tls": {"min_version": "TLSv1.3", "key_bits": 3072}}, "listeners": [{"port": 443}]}"#;
    let yaml = "server:\n  tls:\n    min_version: TLSv1.3\n    key_bits: 3072\nlisteners:\n  - port: 443\n";
    let toml = "[server.tls]\nmin_version = \"TLSv1.3\"\nkey_bits = 3072\n\n[[listeners]]\nport = 443\n";
    let from_json = read_config(json.as_bytes(), None).unwrap();
    assert_eq!(read_config(yaml.as_bytes(), None).unwrap(), from_json);
    assert_eq!(read_config(toml.as_bytes(), None).unwrap(), from_json);
    assert_eq!(read_config(toml.as_bytes(), Some("toml")).unwrap(), from_json);
}

/// A small deterministic generator, so that the odd inputs are the same on every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap()
    }
}

/// Cuts, repeats, deletes and flips bytes of `seed`.
fn mutate(seed: &[u8], random: &mut XorShift) -> Vec<u8> {
    const SPECIAL: &[u8] = b"{}[]:,\"'&*!<>-#.=\\\n \t%|?@`~";
    let mut bytes = seed.to_vec();
    for _ in 0..=random.below(4) {
        let at = random.below(bytes.len() + 1);
        match random.below(5) {
            0 => bytes.truncate(at),
            1 => bytes.insert(at.min(bytes.len()), SPECIAL[random.below(SPECIAL.len())]),
            2 if at < bytes.len() => {
                bytes.remove(at);
            }
            3 if at < bytes.len() => bytes[at] = u8::try_from(random.below(256)).unwrap(),
            _ => {
                let end = (at + random.below(16)).min(bytes.len());
                let piece = bytes[at.min(end)..end].to_vec();
                for _ in 0..random.below(8) {
                    bytes.splice(at.min(bytes.len())..at.min(bytes.len()), piece.iter().copied());
                }
            }
        }
    }
    bytes
}

#[test]
fn odd_inputs_never_panic() {
    let baseline = read_baseline(EXAMPLE_BASELINE).unwrap();
    let seeds: Vec<&[u8]> = vec![
        EXAMPLE_BASELINE,
        EXAMPLE_GOOD,
        EXAMPLE_BAD,
        br#"{"name": "b", "rules": [{"id": "x", "path": "a[*].\"b\"", "equals": {"k": [1, 2.5e300]}}]}"#,
        b"[server.tls]\nmin_version = \"TLSv1.3\"\n[[listeners]]\nport = 443\nwhen = 2025-01-02T03:04:05Z\n",
        b"a: &a {b: [*a]}\n",
        b"x: !!binary aGVsbG8=\ny: !!str 1\nz: !custom {a: 1}\n",
        b"? [a, b]\n: c\n",
        b"\xEF\xBB\xBF{\"a\": 1}",
        b"",
    ];
    let hints = [None, Some("json"), Some("yaml"), Some("toml"), Some("conf")];
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut runs = 0;
    for seed in &seeds {
        for _ in 0..300 {
            let input = mutate(seed, &mut random);
            let _ = read_baseline(&input);
            for hint in hints {
                if let Ok(config) = read_config(&input, hint) {
                    let report = check(&baseline, &config);
                    assert_eq!(report.passed + report.failed, baseline.rules.len());
                }
                runs += 1;
            }
        }
    }
    // Odd baselines: every path and check the reader accepts must evaluate without panic.
    let config = read_config(EXAMPLE_BAD, None).unwrap();
    for path in
        ["*", "[*]", "*.*.*.*.*", "\"\"", "a[0][0][0]", "admin.users.*", "[0]", "server.tls.ciphers[9999999999]"]
    {
        for check_yaml in ["present: true", "absent: true", "equals: null", "regex: '.'", "min: 0", "type: array"] {
            let yaml = format!("name: b\nrules:\n  - id: r\n    path: '{path}'\n    {check_yaml}\n");
            let baseline = read_baseline(yaml.as_bytes()).unwrap();
            let report = check(&baseline, &config);
            assert_eq!(report.passed + report.failed, 1);
            runs += 1;
        }
    }
    // Reaching this line means no input panicked.
    println!("baseline odd inputs: {runs}/{runs}");
}
