//! Tests of baseline evaluation: every check kind, wildcards, quoted keys and missing paths.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use serde_json::json;

use super::*;

fn rule(id: &str, path: &str, check: Check) -> Rule {
    Rule { id: id.into(), path: Path::parse(path).unwrap(), description: None, severity: Severity::High, check }
}

fn baseline(rules: Vec<Rule>) -> Baseline {
    Baseline { name: "test".into(), description: None, rules }
}

fn regex(pattern: &str) -> Check {
    Check::Regex(Pattern::new(pattern).unwrap())
}

/// Every result of one rule as `outcome path found`.
fn lines(config: &Value, path: &str, check: Check) -> Vec<String> {
    let report = super::check(&baseline(vec![rule("r", path, check)]), config);
    report.results.iter().map(|r| format!("{} {} {}", r.outcome, r.path, r.found)).collect()
}

fn run_table(suite: &str, cases: Vec<(&str, Value, &str, Check, Vec<&str>)>) {
    let total = cases.len();
    let mut passed = 0;
    for (name, config, path, check, expected) in cases {
        let got = lines(&config, path, check);
        if got == expected {
            passed += 1;
        } else {
            eprintln!("{suite} / {name}:\n  expected {expected:?}\n  got      {got:?}");
        }
    }
    println!("{suite}: {passed}/{total}");
    assert_eq!(passed, total);
}

#[test]
fn every_check_kind() {
    let range = |min: Option<f64>, max: Option<f64>| Check::Range { min, max };
    run_table(
        "baseline checks",
        vec![
            ("equals true", json!({"a": true}), "a", Check::Equals(json!(true)), vec!["pass a true"]),
            ("equals false", json!({"a": false}), "a", Check::Equals(json!(true)), vec!["fail a false"]),
            ("numbers by value", json!({"a": 1.0}), "a", Check::Equals(json!(1)), vec!["pass a 1.0"]),
            ("text is no number", json!({"a": "1"}), "a", Check::Equals(json!(1)), vec!["fail a \"1\""]),
            (
                "deep equality",
                json!({"a": {"x": 1, "y": [1, 2]}}),
                "a",
                Check::Equals(json!({"y": [1, 2.0], "x": 1})),
                vec!["pass a {\"x\":1,\"y\":[1,2]}"],
            ),
            ("equals an array", json!({"a": [1, 2]}), "a", Check::Equals(json!([2, 1])), vec!["fail a [1,2]"]),
            ("equals null", json!({"a": null}), "a", Check::Equals(Value::Null), vec!["pass a null"]),
            (
                "one of",
                json!({"v": "TLSv1.3"}),
                "v",
                Check::OneOf(vec![json!("TLSv1.2"), json!("TLSv1.3")]),
                vec!["pass v \"TLSv1.3\""],
            ),
            (
                "none of",
                json!({"v": "TLSv1"}),
                "v",
                Check::OneOf(vec![json!("TLSv1.2"), json!("TLSv1.3")]),
                vec!["fail v \"TLSv1\""],
            ),
            ("min inclusive", json!({"n": 2048}), "n", range(Some(2048.0), None), vec!["pass n 2048"]),
            ("below min", json!({"n": 1024}), "n", range(Some(2048.0), None), vec!["fail n 1024"]),
            ("max inclusive", json!({"n": 300}), "n", range(None, Some(300.0)), vec!["pass n 300"]),
            ("above max", json!({"n": 301}), "n", range(None, Some(300.0)), vec!["fail n 301"]),
            ("within both", json!({"n": 0.5}), "n", range(Some(0.0), Some(1.0)), vec!["pass n 0.5"]),
            ("negative below both", json!({"n": -1}), "n", range(Some(0.0), Some(1.0)), vec!["fail n -1"]),
            ("a numeric string is no number", json!({"n": "10"}), "n", range(Some(0.0), None), vec!["fail n \"10\""]),
            ("regex on a string", json!({"s": "TLSv1.3"}), "s", regex(r"^TLSv1\.[23]$"), vec!["pass s \"TLSv1.3\""]),
            ("regex not found", json!({"s": "SSLv3"}), "s", regex(r"^TLSv1\.[23]$"), vec!["fail s \"SSLv3\""]),
            ("regex searches", json!({"s": "a TLSv1.2 b"}), "s", regex(r"TLSv1\.[23]"), vec!["pass s \"a TLSv1.2 b\""]),
            ("regex on a number's text", json!({"s": 1.2}), "s", regex(r"^1\.[23]$"), vec!["pass s 1.2"]),
            ("regex on a boolean's text", json!({"s": false}), "s", regex("^false$"), vec!["pass s false"]),
            ("regex on null", json!({"s": null}), "s", regex(".*"), vec!["fail s null"]),
            ("regex on an array", json!({"s": ["x"]}), "s", regex(".*"), vec!["fail s [\"x\"]"]),
            ("absent and absent", json!({"a": 1}), "debug", Check::Absent, vec!["pass debug nothing"]),
            ("absent but there", json!({"debug": true}), "debug", Check::Absent, vec!["fail debug true"]),
            ("absent: null is there", json!({"debug": null}), "debug", Check::Absent, vec!["fail debug null"]),
            ("absent under a missing parent", json!({}), "a.b.c", Check::Absent, vec!["pass a.b.c nothing"]),
            ("present", json!({"a": 0}), "a", Check::Present, vec!["pass a 0"]),
            ("present: null counts", json!({"a": null}), "a", Check::Present, vec!["pass a null"]),
            ("present but missing", json!({"b": 0}), "a", Check::Present, vec!["fail . missing a"]),
            ("type string", json!({"a": "x"}), "a", Check::Type(ValueType::String), vec!["pass a \"x\""]),
            ("type number", json!({"a": 1.5}), "a", Check::Type(ValueType::Number), vec!["pass a 1.5"]),
            ("type boolean", json!({"a": "true"}), "a", Check::Type(ValueType::Boolean), vec!["fail a \"true\""]),
            ("type array", json!({"a": []}), "a", Check::Type(ValueType::Array), vec!["pass a []"]),
            ("type object", json!({"a": [{}]}), "a", Check::Type(ValueType::Object), vec!["fail a [{}]"]),
        ],
    );
}

#[test]
fn paths_wildcards_quoting_and_missing() {
    let listeners = json!({"listeners": [
        {"port": 443, "tls": {"enabled": true}},
        {"port": 80},
        {"port": 8443, "tls": {"enabled": false}},
    ]});
    let enabled = || Check::Equals(json!(true));
    run_table(
        "baseline paths",
        vec![
            (
                "every listener",
                listeners.clone(),
                "listeners[*].tls.enabled",
                enabled(),
                vec![
                    "pass listeners[0].tls.enabled true",
                    "fail listeners[1] missing tls.enabled",
                    "fail listeners[2].tls.enabled false",
                ],
            ),
            (
                "one index",
                listeners.clone(),
                "listeners[2].port",
                Check::Equals(json!(8443)),
                vec!["pass listeners[2].port 8443"],
            ),
            (
                "index out of range",
                listeners.clone(),
                "listeners[5].port",
                Check::Present,
                vec!["fail listeners missing [5].port"],
            ),
            (
                "key on an array",
                listeners.clone(),
                "listeners.port",
                Check::Present,
                vec!["fail listeners missing port"],
            ),
            (
                "star over an array",
                listeners.clone(),
                "listeners.*.port",
                Check::Range { min: Some(1024.0), max: None },
                vec!["fail listeners[0].port 443", "fail listeners[1].port 80", "pass listeners[2].port 8443"],
            ),
            (
                "absent under a wildcard fails where found",
                listeners.clone(),
                "listeners[*].tls",
                Check::Absent,
                vec!["fail listeners[0].tls {\"enabled\":true}", "fail listeners[2].tls {\"enabled\":false}"],
            ),
            (
                "empty array matches nothing",
                json!({"listeners": []}),
                "listeners[*].tls.enabled",
                enabled(),
                vec!["fail listeners missing [*].tls.enabled"],
            ),
            (
                "absent over an empty array passes",
                json!({"listeners": []}),
                "listeners[*].tls",
                Check::Absent,
                vec!["pass listeners[*].tls nothing"],
            ),
            (
                "wildcard over a scalar",
                json!({"listeners": 3}),
                "listeners[*].tls",
                Check::Present,
                vec!["fail listeners missing [*].tls"],
            ),
            (
                "users star mfa",
                json!({"users": {"bob": {"mfa": false}, "alice": {"mfa": true}, "carol": {}}}),
                "users.*.mfa",
                enabled(),
                vec!["pass users.alice.mfa true", "fail users.bob.mfa false", "fail users.carol missing mfa"],
            ),
            (
                "nested wildcards",
                json!({"a": [{"b": [1, 2]}, {"b": [3]}]}),
                "a[*].b[*]",
                Check::Range { min: Some(2.0), max: None },
                vec!["fail a[0].b[0] 1", "pass a[0].b[1] 2", "pass a[1].b[0] 3"],
            ),
            (
                "quoted key with dashes",
                json!({"headers": {"x-frame-options": "DENY"}}),
                "headers.\"x-frame-options\"",
                Check::Equals(json!("DENY")),
                vec!["pass headers.x-frame-options \"DENY\""],
            ),
            (
                "quoted key with a dot",
                json!({"a": {"b.c": 1, "b": {"c": 2}}}),
                "a.\"b.c\"",
                Check::Equals(json!(1)),
                vec!["pass a.\"b.c\" 1"],
            ),
            ("quoted star is a key", json!({"*": 1, "x": 2}), "\"*\"", Check::Equals(json!(1)), vec!["pass \"*\" 1"]),
            (
                "quoted key with a quote",
                json!({"say \"hi\"": 1}),
                "\"say \\\"hi\\\"\"",
                Check::Present,
                vec!["pass \"say \\\"hi\\\"\" 1"],
            ),
            ("root array", json!([{"name": "a"}]), "[0].name", Check::Present, vec!["pass [0].name \"a\""]),
            (
                "missing at the root",
                json!({}),
                "server.tls.min_version",
                Check::Present,
                vec!["fail . missing server.tls.min_version"],
            ),
            (
                "missing below a prefix",
                json!({"server": {"tls": {}}}),
                "server.tls.min_version",
                Check::Present,
                vec!["fail server.tls missing min_version"],
            ),
            (
                "through a scalar",
                json!({"server": "on"}),
                "server.tls",
                Check::Present,
                vec!["fail server missing tls"],
            ),
            (
                "root wildcard",
                json!({"a": 1, "b": "x"}),
                "*",
                Check::Type(ValueType::Number),
                vec!["pass a 1", "fail b \"x\""],
            ),
        ],
    );
}

#[test]
fn path_syntax() {
    let ok = [
        ("server.tls.min_version", "server.tls.min_version"),
        ("listeners[*].tls.enabled", "listeners[*].tls.enabled"),
        ("users.*.mfa", "users.*.mfa"),
        ("headers.\"x-frame-options\"", "headers.x-frame-options"),
        ("a.\"b.c\"[3]", "a.\"b.c\"[3]"),
        ("[0][1].x", "[0][1].x"),
        ("\"\"", "\"\""),
        ("\"a b\"", "\"a b\""),
        ("*", "*"),
        ("[*]", "[*]"),
        ("ключ.clé", "\"ключ\".\"clé\""),
    ];
    let bad = [
        ("", "the path is empty"),
        ("  ", "the path is empty"),
        ("a..b", "at character 3: empty key (two dots in a row, or a dot at the start)"),
        (".a", "at character 1: empty key (two dots in a row, or a dot at the start)"),
        ("a.", "at character 2: the path ends with a dot"),
        ("a[", "at character 2: unclosed `[`"),
        ("a[x]", "at character 3: expected an index or `*` in `[…]`, found `x`"),
        ("a[]", "at character 3: expected an index or `*` in `[…]`, found ``"),
        ("a[-1]", "at character 3: expected an index or `*` in `[…]`, found `-1`"),
        ("a[99999999999999999999999]", "at character 3: index too large"),
        ("a b", "at character 2: expected `.` or `[` after a key, found ` `"),
        ("a.\"b", "at character 5: unclosed quote"),
        ("a.\"b\\n\"", "at character 5: only `\\\"` and `\\\\` may follow `\\` in a quoted key"),
        ("a.b*", "at character 3: `*` must stand alone; quote a key that contains `*`"),
        ("a]", "at character 2: expected `.` or `[` after a key, found `]`"),
        ("a.\"b\"c", "at character 6: expected `.` or `[` after a key, found `c`"),
        ("a.[0]", "at character 3: expected a key, found `[`"),
    ];
    let total = ok.len() + bad.len();
    let mut passed = 0;
    for (text, shown) in ok {
        match Path::parse(text) {
            Ok(path) if path.to_string() == shown => passed += 1,
            other => eprintln!("{text:?}: expected {shown:?}, got {other:?}"),
        }
    }
    for (text, message) in bad {
        match Path::parse(text) {
            Err(e) if e.message == message => passed += 1,
            other => eprintln!("{text:?}: expected error {message:?}, got {other:?}"),
        }
    }
    println!("baseline path syntax: {passed}/{total}");
    assert_eq!(passed, total);
}

#[test]
fn path_limits() {
    let long = vec!["a"; MAX_PATH_SEGMENTS + 1].join(".");
    assert_eq!(Path::parse(&long).unwrap_err().message, "the path has more than 64 segments");
    let huge = "a".repeat(MAX_PATH_LEN + 1);
    assert_eq!(Path::parse(&huge).unwrap_err().message, "the path is longer than 1024 bytes");
    assert!(Path::parse(&vec!["a"; MAX_PATH_SEGMENTS].join(".")).is_ok());
}

#[test]
fn rules_pass_when_all_their_results_pass() {
    let config = json!({"listeners": [{"tls": true}, {"tls": false}], "debug": false});
    let report = super::check(
        &baseline(vec![
            rule("all-tls", "listeners[*].tls", Check::Equals(json!(true))),
            rule("no-debug", "debug", Check::Equals(json!(false))),
            rule("no-admin", "admin", Check::Absent),
        ]),
        &config,
    );
    assert_eq!((report.passed, report.failed, report.results.len()), (2, 1, 4));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["baseline"], "test");
    assert_eq!(
        json["results"][1],
        json!({"rule_id": "all-tls", "severity": "high", "outcome": "fail", "path": "listeners[1].tls",
            "expected": "equal to true", "found": "false"})
    );
}

#[test]
fn expected_in_words() {
    let cases = [
        (Check::Equals(json!("DENY")), "equal to \"DENY\""),
        (Check::OneOf(vec![json!("TLSv1.2"), json!(1.3)]), "one of \"TLSv1.2\", 1.3"),
        (Check::Range { min: Some(1.0), max: Some(10.0) }, "a number from 1 to 10"),
        (Check::Range { min: Some(0.5), max: None }, "a number of at least 0.5"),
        (Check::Range { min: None, max: Some(300.0) }, "a number of at most 300"),
        (regex("^on$"), "text matching `^on$`"),
        (Check::Absent, "absent"),
        (Check::Present, "present"),
        (Check::Type(ValueType::Boolean), "a boolean"),
        (Check::Type(ValueType::Array), "an array"),
        (Check::Type(ValueType::Object), "an object"),
    ];
    for (check, words) in cases {
        assert_eq!(check.expected(), words);
    }
}

#[test]
fn found_is_shortened() {
    let long = "x".repeat(500);
    let shown = shorten(&json!(long));
    assert_eq!(shown.chars().count(), FOUND_LEN);
    assert!(shown.starts_with("\"xxx") && shown.ends_with('…'));
    let many: Vec<u32> = (0..10_000).collect();
    let shown = shorten(&json!(many));
    assert_eq!(shown.chars().count(), FOUND_LEN);
    assert!(shown.starts_with("[0,1,2,"));
    assert_eq!(shorten(&json!({"a": [1, {"b": null}]})), "{\"a\":[1,{\"b\":null}]}");
}

#[test]
fn deep_values_neither_overflow_nor_loop() {
    // 1000 nested arrays: comparison and display stop at their depth limits.
    let mut deep = json!(1);
    for _ in 0..1000 {
        deep = json!([deep]);
    }
    let config = json!({"a": deep.clone()});
    let report = super::check(&baseline(vec![rule("deep", "a", Check::Equals(deep))]), &config);
    // Past the comparison depth values compare unequal: a deep value never passes `equals`.
    assert_eq!(report.failed, 1);
    assert!(report.results[0].found.starts_with("[[[[[[[[[[[[[[[[[…]"));
}

#[test]
fn severities_and_types_read_their_spelling() {
    assert_eq!("critical".parse::<Severity>().unwrap(), Severity::Critical);
    assert_eq!(Severity::default(), Severity::Medium);
    assert_eq!(
        "urgent".parse::<Severity>().unwrap_err().to_string(),
        "severity: unknown value \"urgent\"; expected one of low, medium, high, critical"
    );
    assert_eq!("object".parse::<ValueType>().unwrap(), ValueType::Object);
}
