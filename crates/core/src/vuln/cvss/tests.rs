//! Scores of published vectors (NVD, FIRST) and the choice of an advisory's severity.

use super::*;
use crate::vuln::osv::{Affected, SeverityScore};

/// `(vector, published base score, severity)`.
const KNOWN: &[(&str, f64, Severity)] = &[
    // NVD, CVSS 3.x.
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, Severity::Critical),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, Severity::Medium),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, Severity::High),
    ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, Severity::High),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, Severity::None),
    ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, Severity::Critical),
    ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, Severity::Critical),
    // Temporal metrics do not change the base score.
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U", 9.8, Severity::Critical),
    // NVD, CVSS 2.0 (with NVD's low/medium/high).
    ("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, Severity::High),
    ("AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3, Severity::Medium),
    ("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, Severity::High),
    ("(AV:N/AC:M/Au:N/C:N/I:P/A:N)", 4.3, Severity::Medium),
    // CVSS 4.0: FIRST's examples (CVE-2022-41741) and the common GitHub vectors.
    ("CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.3, Severity::High),
    ("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5, Severity::High),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, Severity::Critical),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0, Severity::Critical),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 8.7, Severity::High),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", 5.3, Severity::Medium),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, Severity::None),
    // Threat and environmental metrics are left out of the base score.
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/CR:L", 9.3, Severity::Critical),
];

#[test]
fn published_vectors_score_as_published() {
    let mut passed = 0;
    for (vector, expected, severity) in KNOWN {
        let scored = score(vector);
        let Ok(scored) = scored else {
            unreachable!("{vector} does not score: {scored:?}");
        };
        assert!((scored.base_score - expected).abs() < 1e-9, "{vector}: {} != {expected}", scored.base_score);
        assert_eq!(scored.severity, *severity, "{vector}");
        passed += 1;
    }
    println!("cvss known vectors: {passed}/{}", KNOWN.len());
}

#[test]
fn the_version_comes_from_the_prefix() {
    let version = |v: &str| score(v).map(|s| s.version);
    assert_eq!(version("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), Ok(CvssVersion::V3_1));
    assert_eq!(version("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), Ok(CvssVersion::V3_0));
    assert_eq!(version("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"), Ok(CvssVersion::V4_0));
    assert_eq!(version("AV:N/AC:L/Au:N/C:P/I:P/A:P"), Ok(CvssVersion::V2));
    assert_eq!(version("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P"), Ok(CvssVersion::V2));
}

#[test]
fn bad_vectors_are_typed_errors() {
    let code = |v: &str| score(v).err().map(|e| e.code());
    assert_eq!(code(""), Some("cvss-empty"));
    assert_eq!(code("   "), Some("cvss-empty"));
    assert_eq!(code("CVSS:5.0/AV:N"), Some("cvss-unsupported-version"));
    assert_eq!(code("CVSS:3.1/AV:N/AC:L"), Some("cvss-invalid"));
    assert_eq!(code("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L"), Some("cvss-invalid"));
    assert_eq!(code("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:Q"), Some("cvss-invalid"));
    assert_eq!(code("high"), Some("cvss-invalid"));
    assert_eq!(code(&"AV:N/".repeat(200)), Some("cvss-too-long"));
}

#[test]
fn severity_orders_by_rank_and_reads_githubs_moderate() {
    assert!(Severity::None < Severity::Low && Severity::Low < Severity::Medium);
    assert!(Severity::Medium < Severity::High && Severity::High < Severity::Critical);
    for severity in Severity::ALL {
        assert_eq!(severity.as_str().parse::<Severity>(), Ok(*severity));
    }
    assert_eq!("MODERATE".parse::<Severity>(), Ok(Severity::Medium));
    assert_eq!("Critical".parse::<Severity>(), Ok(Severity::Critical));
    assert!("unknown".parse::<Severity>().is_err());
}

fn entry(kind: &str, vector: &str) -> SeverityScore {
    SeverityScore { kind: kind.into(), score: vector.into() }
}

const V31_CRITICAL: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const V40_MEDIUM: &str = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N";
const V2_HIGH: &str = "AV:N/AC:L/Au:N/C:P/I:P/A:P";

#[test]
fn the_newest_cvss_version_wins_even_when_it_scores_lower() {
    let advisory = Advisory {
        severity: vec![entry("CVSS_V3", V31_CRITICAL), entry("CVSS_V2", V2_HIGH)],
        affected: vec![Affected { severity: vec![entry("CVSS_V4", V40_MEDIUM)], ..Affected::default() }],
        ..Advisory::default()
    };
    let chosen = advisory_severity(&advisory);
    assert_eq!(chosen.scores.len(), 3);
    assert_eq!(chosen.severity, Some(Severity::Medium));
    assert_eq!(chosen.score, Some(5.3));
    assert_eq!(chosen.vector.as_deref(), Some(V40_MEDIUM));
    assert!(chosen.problems.is_empty(), "{:?}", chosen.problems);
}

#[test]
fn within_one_version_the_highest_score_wins() {
    let advisory = Advisory {
        affected: vec![
            Affected {
                severity: vec![entry("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N")],
                ..Affected::default()
            },
            Affected { severity: vec![entry("CVSS_V3", V31_CRITICAL)], ..Affected::default() },
        ],
        ..Advisory::default()
    };
    assert_eq!(advisory_severity(&advisory).score, Some(9.8));
}

#[test]
fn database_specific_severity_is_the_fallback_and_bad_vectors_are_problems() {
    let advisory = Advisory {
        severity: vec![entry("CVSS_V3", "CVSS:3.1/AV:N"), entry("Ubuntu", "medium")],
        database_specific: Some(serde_json::json!({"severity": "MODERATE"})),
        ..Advisory::default()
    };
    let chosen = advisory_severity(&advisory);
    assert_eq!(chosen.severity, Some(Severity::Medium));
    assert_eq!((chosen.score, chosen.vector), (None, None));
    assert_eq!(chosen.problems.len(), 2, "{:?}", chosen.problems);
    assert!(chosen.problems.iter().any(|p| p.starts_with("severity[0]: invalid CVSS 3.1 vector")));

    let none = advisory_severity(&Advisory::default());
    assert_eq!(none.severity, None);
    let odd = Advisory { database_specific: Some(serde_json::json!({"severity": "urgent"})), ..Advisory::default() };
    let chosen = advisory_severity(&odd);
    assert_eq!(chosen.severity, None);
    assert_eq!(chosen.problems.len(), 1);
}

#[test]
fn a_vector_under_the_wrong_type_is_scored_and_reported() {
    let advisory = Advisory { severity: vec![entry("CVSS_V3", V40_MEDIUM)], ..Advisory::default() };
    let chosen = advisory_severity(&advisory);
    assert_eq!(chosen.severity, Some(Severity::Medium));
    assert_eq!(chosen.problems.len(), 1);
}
