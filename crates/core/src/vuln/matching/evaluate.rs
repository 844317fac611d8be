//! Whether one `affected[]` entry of an advisory covers a version, after the OSV schema's
//! "Evaluation" section: a version is affected when the `versions` list names it or when it
//! falls inside an `ECOSYSTEM` or `SEMVER` range.
//!
//! An entry is compiled once ([`CompiledAffected::compile`]): event versions are parsed in
//! the range's scheme and sorted, listed versions parsed and sorted. Evaluation then only
//! parses the component's version, at most once per scheme ([`ComponentVersion`]).
//!
//! Decisions the schema leaves open:
//! - Events are sorted by version, `introduced: "0"` lowest; at an equal version
//!   `introduced` comes first, so `introduced X, fixed X` is empty and
//!   `introduced X, last_affected X` is exactly `X`. An event object with several keys
//!   contributes every key; duplicate events change nothing.
//! - `limit` bounds the range as the schema's `BeforeLimits` does: with limit events, a
//!   version must lie below at least one of them; `*` is infinity.
//! - An event version that does not parse makes its range not evaluable (reported).
//! - `GIT` ranges need the repository's commit graph. When the entry has a `versions`
//!   list or an `ECOSYSTEM`/`SEMVER` range, those decide and the `GIT` range is ignored;
//!   otherwise the entry is not evaluable (`git range`). Unknown range types are not
//!   evaluable.
//! - An entry with neither ranges nor versions affects nothing, as the schema's algorithm
//!   says.

use std::cmp::Ordering;

use chainward_versions::{Scheme, Version};

use crate::vuln::osv::{Affected, Event, Range};

/// How a version was found affected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum AffectedBy {
    /// Inside the range at this index of `affected[].ranges`.
    Range(usize),
    /// Named in `affected[].versions`.
    Listed,
}

/// The outcome of matching a component against an advisory; no verdict means not affected.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Verdict {
    /// The version is affected.
    Affected {
        /// What decided it.
        by: AffectedBy,
    },
    /// The advisory names the package but cannot be evaluated for this version.
    NotEvaluable {
        /// Why, in words (`git range`, `version "x" does not parse as semver: …`).
        reason: String,
    },
    /// The component has no version: neither safe nor affected.
    UnknownVersion,
}

impl Verdict {
    /// Preference when several advisories of one vulnerability decide: higher wins.
    pub(crate) fn rank(&self) -> u8 {
        match self {
            Verdict::Affected { .. } => 2,
            Verdict::NotEvaluable { .. } => 1,
            Verdict::UnknownVersion => 0,
        }
    }
}

/// One end of a range, in the order events sort.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Bound {
    /// `introduced: "0"`: before every version.
    Zero,
    /// A parsed version.
    At(Version),
    /// `limit: "*"`: after every version.
    Infinity,
}

/// The kind of an event; the order is the order at an equal version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum EventKind {
    Introduced,
    LastAffected,
    Fixed,
}

/// A range ready to evaluate.
#[derive(Clone, Debug)]
enum CompiledRange {
    /// An `ECOSYSTEM` or `SEMVER` range whose events all parsed.
    Linear {
        /// The scheme its versions are ordered by.
        scheme: Scheme,
        /// Sorted events (without limits).
        events: Vec<(Bound, EventKind)>,
        /// Limit events; empty means an implicit `*`.
        limits: Vec<Bound>,
    },
    /// A `GIT` range: decided by the `versions` list or not at all.
    Git,
    /// Not evaluable, with the reason.
    Broken(String),
}

/// One `affected[]` entry with its versions parsed, ready to evaluate many times.
#[derive(Clone, Debug)]
pub struct CompiledAffected {
    /// The ecosystem's scheme (for the `versions` list and `ECOSYSTEM` ranges).
    scheme: Scheme,
    /// Whether component versions get the Go treatment (`v` and `go` prefixes dropped for
    /// `SEMVER` ranges, which the Go feed writes without them).
    go: bool,
    /// `versions` as given, sorted, for exact string equality.
    listed: Vec<String>,
    /// `versions` parsed in the ecosystem's scheme, sorted.
    listed_parsed: Vec<Version>,
    /// `ranges`, each compiled, with its index in `affected[].ranges`.
    ranges: Vec<(usize, CompiledRange)>,
    /// Whether a `versions` list or a linear range exists (then `GIT` ranges are ignored).
    decidable_without_git: bool,
}

/// The longest event list compiled; a longer one is not evaluable (hostile input).
const MAX_EVENTS: usize = 10_000;

impl CompiledAffected {
    /// Compiles an entry of an advisory in `ecosystem` (the normalised OSV ecosystem).
    pub fn compile(ecosystem: &str, affected: &Affected) -> CompiledAffected {
        let scheme = Scheme::for_osv_ecosystem(ecosystem);
        let mut listed: Vec<String> = affected.versions.clone();
        listed.sort();
        listed.dedup();
        let mut listed_parsed: Vec<Version> =
            affected.versions.iter().filter_map(|text| Version::parse(scheme, text).ok()).collect();
        listed_parsed.sort();
        listed_parsed.dedup();
        let ranges: Vec<(usize, CompiledRange)> =
            affected.ranges.iter().enumerate().map(|(index, range)| (index, compile_range(scheme, range))).collect();
        let decidable_without_git = !listed.is_empty()
            || affected.ranges.iter().any(|range| matches!(range.kind.as_str(), "ECOSYSTEM" | "SEMVER"));
        CompiledAffected {
            scheme,
            go: ecosystem.split(':').next() == Some("Go"),
            listed,
            listed_parsed,
            ranges,
            decidable_without_git,
        }
    }

    /// Number of parsed versions held (events, limits and listed versions), for estimates.
    pub fn parsed_versions(&self) -> usize {
        let in_ranges: usize = self
            .ranges
            .iter()
            .map(|(_, range)| match range {
                CompiledRange::Linear { events, limits, .. } => events.len() + limits.len(),
                _ => 0,
            })
            .sum();
        in_ranges + self.listed_parsed.len()
    }

    /// Evaluates the whole entry (listed versions, then ranges) for a version.
    pub fn evaluate(&self, version: &mut ComponentVersion<'_>) -> Option<Verdict> {
        if self.listed.binary_search_by(|listed| listed.as_str().cmp(version.text)).is_ok() {
            return Some(Verdict::Affected { by: AffectedBy::Listed });
        }
        if !self.listed_parsed.is_empty()
            && let Ok(parsed) = version.parsed(self.scheme, false)
            && self.listed_parsed.binary_search(parsed).is_ok()
        {
            return Some(Verdict::Affected { by: AffectedBy::Listed });
        }
        self.evaluate_ranges(version)
    }

    /// Evaluates the ranges only, ignoring the `versions` list (and so not ignoring `GIT`
    /// ranges on its account): the agreement test checks ranges against the list with it.
    pub fn evaluate_ranges_only(&self, version: &mut ComponentVersion<'_>) -> Option<Verdict> {
        self.evaluate_ranges(version)
    }

    fn evaluate_ranges(&self, version: &mut ComponentVersion<'_>) -> Option<Verdict> {
        let mut not_evaluable: Option<String> = None;
        for (index, range) in &self.ranges {
            let reason = match range {
                CompiledRange::Linear { scheme, events, limits } => match version.parsed(*scheme, self.go) {
                    Ok(parsed) => {
                        if in_linear_range(parsed, events, limits) {
                            return Some(Verdict::Affected { by: AffectedBy::Range(*index) });
                        }
                        continue;
                    }
                    Err(reason) => reason.to_owned(),
                },
                CompiledRange::Git if self.decidable_without_git => continue,
                CompiledRange::Git => "git range".to_owned(),
                CompiledRange::Broken(reason) => format!("range {index}: {reason}"),
            };
            not_evaluable.get_or_insert(reason);
        }
        not_evaluable.map(|reason| Verdict::NotEvaluable { reason })
    }
}

fn compile_range(ecosystem_scheme: Scheme, range: &Range) -> CompiledRange {
    let scheme = match range.kind.as_str() {
        "ECOSYSTEM" => ecosystem_scheme,
        "SEMVER" => Scheme::Semver,
        "GIT" => return CompiledRange::Git,
        other => return CompiledRange::Broken(format!("unknown range type {:?}", crate::purl::shown(other))),
    };
    if range.events.len() > MAX_EVENTS {
        return CompiledRange::Broken(format!("more than {MAX_EVENTS} events"));
    }
    let mut events = Vec::with_capacity(range.events.len());
    let mut limits = Vec::new();
    for event in &range.events {
        match compile_event(scheme, event, &mut events, &mut limits) {
            Ok(()) => {}
            Err(reason) => return CompiledRange::Broken(reason),
        }
    }
    events.sort();
    events.dedup();
    limits.sort();
    limits.dedup();
    CompiledRange::Linear { scheme, events, limits }
}

fn compile_event(
    scheme: Scheme,
    event: &Event,
    events: &mut Vec<(Bound, EventKind)>,
    limits: &mut Vec<Bound>,
) -> Result<(), String> {
    let parse = |what: &str, text: &str| -> Result<Bound, String> {
        Version::parse(scheme, text).map(Bound::At).map_err(|error| {
            format!("{what} {:?} does not parse as {scheme}: {error}", crate::purl::shown(text))
        })
    };
    if let Some(text) = &event.introduced {
        let bound = if text.trim() == "0" { Bound::Zero } else { parse("introduced", text)? };
        events.push((bound, EventKind::Introduced));
    }
    if let Some(text) = &event.fixed {
        events.push((parse("fixed", text)?, EventKind::Fixed));
    }
    if let Some(text) = &event.last_affected {
        events.push((parse("last_affected", text)?, EventKind::LastAffected));
    }
    if let Some(text) = &event.limit {
        limits.push(if text.contains('*') { Bound::Infinity } else { parse("limit", text)? });
    }
    Ok(())
}

/// The schema's walk over sorted events, after `BeforeLimits`.
fn in_linear_range(version: &Version, events: &[(Bound, EventKind)], limits: &[Bound]) -> bool {
    let position = |bound: &Bound| -> Ordering {
        match bound {
            Bound::Zero => Ordering::Greater,
            Bound::At(at) => version.cmp(at),
            Bound::Infinity => Ordering::Less,
        }
    };
    if !limits.is_empty() && !limits.iter().any(|limit| position(limit) == Ordering::Less) {
        return false;
    }
    let mut affected = false;
    for (bound, kind) in events {
        let here = position(bound);
        match kind {
            EventKind::Introduced if here != Ordering::Less => affected = true,
            EventKind::Fixed if here != Ordering::Less => affected = false,
            EventKind::LastAffected if here == Ordering::Greater => affected = false,
            _ => {}
        }
    }
    affected
}

/// A component's version, parsed lazily at most once per scheme.
#[derive(Debug)]
pub struct ComponentVersion<'a> {
    text: &'a str,
    parsed: Vec<(Scheme, bool, Result<Version, String>)>,
}

impl<'a> ComponentVersion<'a> {
    /// A version as the component gives it.
    pub fn new(text: &'a str) -> ComponentVersion<'a> {
        ComponentVersion { text, parsed: Vec::new() }
    }

    /// The version as given.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The version parsed in `scheme`, or why it does not parse. `go` drops the `v` (and
    /// the toolchain's `go`) prefix before parsing as `SEMVER`.
    fn parsed(&mut self, scheme: Scheme, go: bool) -> Result<&Version, &str> {
        let go = go && scheme == Scheme::Semver;
        if !self.parsed.iter().any(|(s, g, _)| *s == scheme && *g == go) {
            let text = if go { go_semver(self.text) } else { self.text };
            let result = Version::parse(scheme, text).map_err(|error| {
                format!("version {:?} does not parse as {scheme}: {error}", crate::purl::shown(self.text))
            });
            self.parsed.push((scheme, go, result));
        }
        match self.parsed.iter().find(|(s, g, _)| *s == scheme && *g == go) {
            Some((_, _, Ok(version))) => Ok(version),
            Some((_, _, Err(reason))) => Err(reason),
            None => Err("version not parsed"),
        }
    }
}

/// A Go module or toolchain version as the Go feed's `SEMVER` ranges write it.
fn go_semver(text: &str) -> &str {
    let text = text.trim();
    let stripped = text.strip_prefix("go").or_else(|| text.strip_prefix('v')).unwrap_or(text);
    if stripped.starts_with(|c: char| c.is_ascii_digit()) { stripped } else { text }
}
