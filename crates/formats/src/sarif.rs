//! SARIF 2.1.0 output of vulnerability scans, for code-scanning dashboards (GitHub, GitLab,
//! Azure DevOps): one rule per vulnerability, one result per affected component, the SBOM
//! as the artifact and the component's purl as a logical location. Levels follow severity
//! (critical and high: `error`; medium: `warning`; the rest and anything not evaluable:
//! `note`), and `security-severity` carries the CVSS base score as code-scanning expects.

use serde_json::{Value, json};

/// The tool that produced the results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SarifTool {
    /// `chainward`.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Where to read about it.
    pub information_uri: String,
}

/// One finding to report.
#[derive(Debug, Clone, PartialEq)]
pub struct SarifFinding {
    /// The vulnerability id results are grouped by (the rule id).
    pub vulnerability: String,
    /// The advisory that decided the finding, as its feed names it.
    pub advisory_id: String,
    /// Other ids.
    pub aliases: Vec<String>,
    /// One-line summary.
    pub summary: Option<String>,
    /// `critical`, `high`, `medium`, `low`, `none`.
    pub severity: Option<String>,
    /// CVSS base score.
    pub cvss_score: Option<f64>,
    /// In the CISA KEV catalogue.
    pub kev: bool,
    /// The component's package URL.
    pub purl: String,
    /// The component's name and version, for the message.
    pub component: String,
    /// `affected`, `not_evaluable`, `unknown_version`.
    pub verdict: String,
    /// Why.
    pub reason: Option<String>,
    /// Fixed versions.
    pub fixed: Vec<String>,
}

/// Writes a SARIF 2.1.0 log with one run: `artifact` is the scanned file as a URI
/// reference (a relative path or a file name).
pub fn write_sarif(tool: &SarifTool, artifact: &str, findings: &[SarifFinding]) -> String {
    let mut rules: Vec<Value> = Vec::new();
    let mut rule_index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut results: Vec<Value> = Vec::new();
    for finding in findings {
        let index = *rule_index.entry(finding.vulnerability.as_str()).or_insert_with(|| {
            rules.push(rule(finding));
            rules.len() - 1
        });
        results.push(result(finding, index, artifact));
    }
    let log = json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": tool.name,
                "version": tool.version,
                "informationUri": tool.information_uri,
                "rules": rules,
            }},
            "artifacts": [{"location": {"uri": artifact}}],
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

fn level(finding: &SarifFinding) -> &'static str {
    if finding.verdict != "affected" {
        return "note";
    }
    match finding.severity.as_deref() {
        Some("critical" | "high") => "error",
        Some("medium") => "warning",
        _ if finding.kev => "error",
        _ => "note",
    }
}

fn rule(finding: &SarifFinding) -> Value {
    let summary = finding.summary.clone().unwrap_or_else(|| format!("{} affects this package", finding.vulnerability));
    let mut ids = vec![finding.advisory_id.clone()];
    ids.extend(finding.aliases.iter().cloned());
    ids.retain(|id| *id != finding.vulnerability);
    ids.dedup();
    let help = format!(
        "{summary}\n\nAlso known as: {}.\nSeverity: {}{}.{}",
        if ids.is_empty() { "-".to_owned() } else { ids.join(", ") },
        finding.severity.as_deref().unwrap_or("unknown"),
        finding.cvss_score.map(|s| format!(" (CVSS {s:.1})")).unwrap_or_default(),
        if finding.kev { "\nListed in the CISA Known Exploited Vulnerabilities catalogue." } else { "" },
    );
    let mut tags = vec!["security".to_owned(), "vulnerability".to_owned()];
    if finding.kev {
        tags.push("kev".into());
    }
    let mut properties = serde_json::Map::new();
    properties.insert("tags".into(), json!(tags));
    if let Some(score) = finding.cvss_score {
        properties.insert("security-severity".into(), json!(format!("{score:.1}")));
    }
    json!({
        "id": finding.vulnerability,
        "name": finding.vulnerability,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": summary},
        "helpUri": format!("https://osv.dev/vulnerability/{}", finding.advisory_id),
        "help": {"text": help},
        "properties": properties,
    })
}

fn result(finding: &SarifFinding, rule_index: usize, artifact: &str) -> Value {
    let what = match finding.verdict.as_str() {
        "affected" => "is affected by",
        "unknown_version" => "has no version, so it may be affected by",
        _ => "could not be evaluated against",
    };
    let mut message = format!("{} ({}) {what} {}", finding.component, finding.purl, finding.vulnerability);
    if let Some(reason) = &finding.reason {
        message.push_str(&format!(": {reason}"));
    }
    if !finding.fixed.is_empty() {
        message.push_str(&format!(". Fixed in {}", finding.fixed.join(", ")));
    }
    json!({
        "ruleId": finding.vulnerability,
        "ruleIndex": rule_index,
        "level": level(finding),
        "message": {"text": message},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": artifact, "index": 0}},
            "logicalLocations": [{"name": finding.purl, "kind": "package"}],
        }],
        "partialFingerprints": {"vulnerability/purl": format!("{}/{}", finding.vulnerability, finding.purl)},
        "properties": {
            "advisory": finding.advisory_id,
            "aliases": finding.aliases,
            "severity": finding.severity,
            "cvss_score": finding.cvss_score,
            "kev": finding.kev,
            "verdict": finding.verdict,
        },
    })
}
