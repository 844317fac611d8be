//! CVSS base scores and the one severity scale of the product.
//!
//! [`score`] turns a vector into its base score (CVSS 2.0, 3.0, 3.1 and 4.0, told apart by
//! the `CVSS:x.y/` prefix; a vector without prefix is 2.0). The arithmetic is the `cvss`
//! crate's; this module picks the version, keeps the score to base metrics and maps the
//! result onto [`Severity`].
//!
//! [`advisory_severity`] chooses one severity for an OSV advisory: the CVSS vector of the
//! highest version among the advisory's and its packages' `severity` entries (the highest
//! base score when one version has several); failing that, `database_specific.severity`
//! (GitHub's `LOW`, `MODERATE`, `HIGH`, `CRITICAL`); failing that, none. Vectors that do
//! not score are kept as problems, never fatal.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::osv::{Advisory, SeverityScore};

/// The longest vector accepted, in bytes (a full CVSS 4.0 vector with every metric is
/// under 200).
pub const MAX_VECTOR_LEN: usize = 512;

/// The qualitative severity every part of chainward uses, ordered by rank
/// (`None < Low < Medium < High < Critical`). An unknown severity is `Option::None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// No impact (a CVSS score of 0.0).
    None,
    /// Low.
    Low,
    /// Medium (GitHub says "moderate").
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: &'static [Severity] =
        &[Severity::None, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    /// The lower-case spelling: `none`, `low`, `medium`, `high`, `critical`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The CVSS 3.x and 4.0 rating of a score: 0.0 none, to 3.9 low, to 6.9 medium, to 8.9
    /// high, above critical.
    pub fn from_score(score: f64) -> Severity {
        if score <= 0.0 {
            Severity::None
        } else if score < 4.0 {
            Severity::Low
        } else if score < 7.0 {
            Severity::Medium
        } else if score < 9.0 {
            Severity::High
        } else {
            Severity::Critical
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that names no severity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity `{0}`; expected none, low, medium (or moderate), high or critical")]
pub struct UnknownSeverity(pub String);

impl FromStr for Severity {
    type Err = UnknownSeverity;

    /// Case-insensitive; `moderate` (GitHub's word) is `medium`.
    fn from_str(text: &str) -> Result<Severity, UnknownSeverity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(Severity::None),
            "low" => Ok(Severity::Low),
            "medium" | "moderate" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(UnknownSeverity(text.to_owned())),
        }
    }
}

/// A CVSS version, ordered from oldest to newest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CvssVersion {
    /// CVSS 2.0 (vectors without prefix).
    V2,
    /// CVSS 3.0.
    V3_0,
    /// CVSS 3.1.
    V3_1,
    /// CVSS 4.0.
    V4_0,
}

impl CvssVersion {
    /// `2.0`, `3.0`, `3.1` or `4.0`.
    pub fn as_str(self) -> &'static str {
        match self {
            CvssVersion::V2 => "2.0",
            CvssVersion::V3_0 => "3.0",
            CvssVersion::V3_1 => "3.1",
            CvssVersion::V4_0 => "4.0",
        }
    }
}

impl fmt::Display for CvssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scored CVSS vector.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CvssScore {
    /// The version, from the vector's prefix.
    pub version: CvssVersion,
    /// The vector as given (white space and v2 parentheses trimmed).
    pub vector: String,
    /// The base score, 0.0 to 10.0. Temporal, threat and environmental metrics in the
    /// vector are ignored.
    pub base_score: f64,
    /// The rating of the base score (for 2.0, NVD's: low below 4.0, high from 7.0).
    pub severity: Severity,
}

/// Why a vector does not score.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CvssError {
    /// Empty or white space only.
    #[error("the CVSS vector is empty")]
    Empty,
    /// Longer than [`MAX_VECTOR_LEN`].
    #[error("the CVSS vector has {0} bytes, more than the limit of {MAX_VECTOR_LEN}")]
    TooLong(usize),
    /// A `CVSS:x.y/` prefix naming a version this module does not score.
    #[error("unsupported CVSS version `{0}`; expected 2.0, 3.0, 3.1 or 4.0")]
    UnsupportedVersion(String),
    /// The vector does not parse (an unknown or repeated metric, a missing base metric).
    #[error("invalid CVSS {version} vector: {message}")]
    Invalid {
        /// The version the prefix announced.
        version: CvssVersion,
        /// What the parser said.
        message: String,
    },
}

impl CvssError {
    /// The stable kebab-case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            CvssError::Empty => "cvss-empty",
            CvssError::TooLong(_) => "cvss-too-long",
            CvssError::UnsupportedVersion(_) => "cvss-unsupported-version",
            CvssError::Invalid { .. } => "cvss-invalid",
        }
    }
}

/// The CVSS 3.x base metrics, all mandatory.
const V3_BASE_METRICS: &[&str] = &["AV", "AC", "PR", "UI", "S", "C", "I", "A"];

/// The CVSS 4.0 base metrics: the score is computed on these alone, so that a vector that
/// also carries threat or environmental metrics still gives its base score (CVSS-B).
const V4_BASE_METRICS: &[&str] = &["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"];

/// Scores a CVSS vector: `CVSS:4.0/…`, `CVSS:3.1/…`, `CVSS:3.0/…`, or a 2.0 vector
/// (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, also in parentheses or after `CVSS:2.0/`).
pub fn score(vector: &str) -> Result<CvssScore, CvssError> {
    let trimmed = vector.trim();
    if trimmed.len() > MAX_VECTOR_LEN {
        return Err(CvssError::TooLong(trimmed.len()));
    }
    if trimmed.is_empty() {
        return Err(CvssError::Empty);
    }
    let version = detect_version(trimmed)?;
    let invalid = |error: cvss::Error| CvssError::Invalid { version, message: error.to_string() };
    let (vector, base_score) = match version {
        CvssVersion::V2 => {
            let text = trimmed.strip_prefix('(').and_then(|t| t.strip_suffix(')')).unwrap_or(trimmed);
            let body = text.strip_prefix("CVSS:2.0/").unwrap_or(text);
            let parsed = cvss::v2::Vector::from_str(body).map_err(invalid)?;
            (text.to_owned(), parsed.score().value())
        }
        CvssVersion::V3_0 | CvssVersion::V3_1 => {
            let parsed = cvss::v3::Vector::from_str(trimmed).map_err(invalid)?;
            // The parser scores a missing base metric as zero; a vector without one is wrong.
            let missing: Vec<&str> = V3_BASE_METRICS
                .iter()
                .copied()
                .filter(|metric| !trimmed.split('/').skip(1).any(|part| part.split(':').next() == Some(*metric)))
                .collect();
            if !missing.is_empty() {
                return Err(CvssError::Invalid {
                    version,
                    message: format!("missing base metric {}", missing.join(", ")),
                });
            }
            (trimmed.to_owned(), parsed.base_score().value())
        }
        CvssVersion::V4_0 => {
            // Parse the whole vector first, so that a bad non-base metric is still reported.
            cvss::v4::Vector::from_str(trimmed).map_err(invalid)?;
            let base: Vec<&str> = trimmed
                .split('/')
                .enumerate()
                .filter(|(i, part)| {
                    *i == 0
                        || part
                            .split_once(':')
                            .is_some_and(|(id, _)| V4_BASE_METRICS.iter().any(|m| m.eq_ignore_ascii_case(id)))
                })
                .map(|(_, part)| part)
                .collect();
            let parsed = cvss::v4::Vector::from_str(&base.join("/")).map_err(invalid)?;
            (trimmed.to_owned(), parsed.score().value())
        }
    };
    if !base_score.is_finite() || !(0.0..=10.0).contains(&base_score) {
        return Err(CvssError::Invalid { version, message: format!("the score {base_score} is out of range") });
    }
    let severity = match version {
        CvssVersion::V2 if base_score < 4.0 => Severity::Low,
        CvssVersion::V2 if base_score < 7.0 => Severity::Medium,
        CvssVersion::V2 => Severity::High,
        _ => Severity::from_score(base_score),
    };
    Ok(CvssScore { version, vector, base_score, severity })
}

fn detect_version(vector: &str) -> Result<CvssVersion, CvssError> {
    let Some(rest) = vector.strip_prefix("CVSS:") else {
        return Ok(CvssVersion::V2);
    };
    let announced = rest.split('/').next().unwrap_or_default();
    match announced {
        "4.0" => Ok(CvssVersion::V4_0),
        "3.1" => Ok(CvssVersion::V3_1),
        "3.0" => Ok(CvssVersion::V3_0),
        "2.0" => Ok(CvssVersion::V2),
        other => Err(CvssError::UnsupportedVersion(other.chars().take(16).collect())),
    }
}

/// The severity chosen for an advisory, with every score that went into the choice.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AdvisorySeverity {
    /// Every CVSS vector that scored, advisory-level first, each vector once.
    pub scores: Vec<CvssScore>,
    /// The chosen severity; `None` when the advisory gives none that is usable.
    pub severity: Option<Severity>,
    /// The chosen CVSS base score, when the severity comes from a vector.
    pub score: Option<f64>,
    /// The chosen vector, when the severity comes from one.
    pub vector: Option<String>,
    /// Entries that could not be used, each naming where it is and why.
    pub problems: Vec<String>,
}

/// Chooses one severity for an advisory: the CVSS vector of the highest version (4.0, then
/// 3.1, 3.0, 2.0) among the advisory-level and package-level `severity` entries, the
/// highest base score among several of that version; else `database_specific.severity`
/// (advisory-level, then package-level); else none.
pub fn advisory_severity(advisory: &Advisory) -> AdvisorySeverity {
    let mut result = AdvisorySeverity::default();
    let entries = advisory.severity.iter().enumerate().map(|(i, s)| (format!("severity[{i}]"), s)).chain(
        advisory.affected.iter().enumerate().flat_map(|(a, affected)| {
            affected.severity.iter().enumerate().map(move |(i, s)| (format!("affected[{a}].severity[{i}]"), s))
        }),
    );
    for (place, entry) in entries {
        score_entry(&place, entry, &mut result);
    }
    let best = result.scores.iter().max_by(|a, b| {
        a.version.cmp(&b.version).then(a.base_score.partial_cmp(&b.base_score).unwrap_or(std::cmp::Ordering::Equal))
    });
    if let Some(best) = best {
        result.severity = Some(best.severity);
        result.score = Some(best.base_score);
        result.vector = Some(best.vector.clone());
        return result;
    }
    let database_specific = std::iter::once(("database_specific".to_owned(), advisory.database_specific.as_ref()))
        .chain(
            advisory
                .affected
                .iter()
                .enumerate()
                .map(|(a, affected)| (format!("affected[{a}].database_specific"), affected.database_specific.as_ref())),
        );
    for (place, value) in database_specific {
        let Some(text) = value.and_then(|v| v.get("severity")) else { continue };
        match text.as_str().map(str::parse::<Severity>) {
            Some(Ok(severity)) => {
                result.severity = Some(severity);
                break;
            }
            Some(Err(e)) => result.problems.push(format!("{place}.severity: {e}")),
            None => result.problems.push(format!("{place}.severity: not text")),
        }
    }
    result
}

fn score_entry(place: &str, entry: &SeverityScore, result: &mut AdvisorySeverity) {
    let expected = match entry.kind.as_str() {
        "CVSS_V2" => Some(CvssVersion::V2),
        "CVSS_V3" => None,
        "CVSS_V4" => Some(CvssVersion::V4_0),
        _ if entry.score.trim_start().starts_with("CVSS:") => None,
        other => {
            let shown: String = other.chars().take(40).collect();
            result.problems.push(format!("{place}: severity type `{shown}` is not CVSS; not used"));
            return;
        }
    };
    match score(&entry.score) {
        Ok(scored) => {
            let mismatch = match (entry.kind.as_str(), expected) {
                ("CVSS_V3", _) => !matches!(scored.version, CvssVersion::V3_0 | CvssVersion::V3_1),
                (_, Some(version)) => scored.version != version,
                _ => false,
            };
            if mismatch {
                result.problems.push(format!(
                    "{place}: type `{}` holds a CVSS {} vector; scored as {}",
                    entry.kind, scored.version, scored.version
                ));
            }
            if !result.scores.iter().any(|s| s.vector == scored.vector) {
                result.scores.push(scored);
            }
        }
        Err(e) => result.problems.push(format!("{place}: {e}")),
    }
}

#[cfg(test)]
mod tests;
