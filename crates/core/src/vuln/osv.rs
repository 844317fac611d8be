//! The OSV advisory model (<https://ossf.github.io/osv-schema/>), lenient: the ecosystem
//! is a string (a new ecosystem name never rejects a record), every field but `id` is
//! optional, and unknown fields are ignored here (the store keeps the original JSON).

use serde::{Deserialize, Serialize};

/// One OSV record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Advisory {
    /// The id as the feed names it (`GHSA-…`, `PYSEC-…`, `GO-…`, `RUSTSEC-…`, `CVE-…`).
    pub id: String,
    /// RFC 3339 time of the last change; drives incremental import.
    pub modified: String,
    /// RFC 3339 time of first publication.
    pub published: Option<String>,
    /// Set when the advisory was withdrawn: it is kept, marked, and matches nothing.
    pub withdrawn: Option<String>,
    /// Other ids of the same vulnerability (CVE, GHSA, …).
    pub aliases: Vec<String>,
    /// Ids of related but different vulnerabilities.
    pub related: Vec<String>,
    /// One-line summary.
    pub summary: Option<String>,
    /// Longer description (Markdown).
    pub details: Option<String>,
    /// Severity scores of the whole advisory.
    pub severity: Vec<SeverityScore>,
    /// The packages and versions affected.
    pub affected: Vec<Affected>,
    /// Links.
    pub references: Vec<Reference>,
    /// Database-specific data (GHSA puts `severity: "HIGH"` here).
    pub database_specific: Option<serde_json::Value>,
}

/// A severity score: `type` is `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, …; `score` a vector.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SeverityScore {
    /// The score type as the feed names it.
    #[serde(rename = "type")]
    pub kind: String,
    /// The vector or value.
    pub score: String,
}

/// One affected package.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Affected {
    /// The package; absent for advisories that name only a git repository.
    pub package: Option<Package>,
    /// Per-package severity.
    pub severity: Vec<SeverityScore>,
    /// Version ranges.
    pub ranges: Vec<Range>,
    /// Affected versions listed explicitly.
    pub versions: Vec<String>,
    /// Ecosystem-specific data (Go `imports`, RustSec `affects`).
    pub ecosystem_specific: Option<serde_json::Value>,
    /// Database-specific data.
    pub database_specific: Option<serde_json::Value>,
}

/// An affected package's name in its ecosystem.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Package {
    /// OSV ecosystem name, possibly with a release suffix (`Debian:12`, `Alpine:v3.19`).
    pub ecosystem: String,
    /// Package name as the ecosystem spells it.
    pub name: String,
    /// Package URL, when the feed gives one.
    pub purl: Option<String>,
}

/// A range of affected versions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Range {
    /// `SEMVER`, `ECOSYSTEM` or `GIT` (kept as text: unknown types are reported).
    #[serde(rename = "type")]
    pub kind: String,
    /// Repository of a `GIT` range.
    pub repo: Option<String>,
    /// Events in the order the feed gives them.
    pub events: Vec<Event>,
    /// Database-specific data.
    pub database_specific: Option<serde_json::Value>,
}

/// One range event: exactly one of the fields is set in a well-formed record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Event {
    /// Versions from here on are affected (`"0"` means from the beginning).
    pub introduced: Option<String>,
    /// Versions from here on are not affected.
    pub fixed: Option<String>,
    /// This version is the last affected one.
    pub last_affected: Option<String>,
    /// Versions from here on are outside the range (upper bound, exclusive).
    pub limit: Option<String>,
}

/// A reference link.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reference {
    /// `ADVISORY`, `ARTICLE`, `FIX`, `PACKAGE`, `REPORT`, `WEB`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The address.
    pub url: String,
}

impl Advisory {
    /// The advisory's own id and its aliases.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// Whether the advisory was withdrawn.
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn.as_deref().is_some_and(|w| !w.is_empty())
    }

    /// The versions its ranges name as fixes, sorted as text and without repeats.
    pub fn fixed_versions(&self) -> Vec<String> {
        let mut fixed: Vec<String> = self
            .affected
            .iter()
            .flat_map(|a| a.ranges.iter())
            .flat_map(|r| r.events.iter())
            .filter_map(|e| e.fixed.clone())
            .collect();
        fixed.sort();
        fixed.dedup();
        fixed
    }
}
