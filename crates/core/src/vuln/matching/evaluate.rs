//! Whether one `affected[]` entry of an advisory covers a version, after the OSV schema's
//! "Evaluation" section: a version is affected when the `versions` list names it or when it
//! falls inside an `ECOSYSTEM` or `SEMVER` range.
//!
//! An entry is compiled once ([`CompiledAffected::compile`]): event versions are parsed in
//! the range's scheme and sorted; listed versions that the ranges already cover are dropped
//! (a version equal to one of them is inside the same ranges), the others parsed and sorted.
//! Inside the index, the event versions of all entries of one package also go into one
//! sorted table per scheme (a bound table) and every event becomes a position in it: a
//! component version is then located once per package (one binary search) and every event
//! of every entry compares as an integer. Standalone evaluation ([`CompiledAffected::evaluate`])
//! compares versions directly and gives the same verdicts.
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
//! - A version both listed and inside a range is reported as [`AffectedBy::Range`].

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
pub(crate) enum EventKind {
    Introduced,
    LastAffected,
    Fixed,
}

/// A bound as a position in a [`BoundTable`]: `0` is `introduced: "0"`, `u32::MAX` is
/// `limit: "*"`, `i + 1` the table's version `i`.
pub(crate) type Rank = u32;

/// A linear range's events as ranks in its package's table.
#[derive(Clone, Debug, Default)]
struct Ranked {
    /// The table (index into the package's tables); `usize::MAX` when not assigned.
    table: usize,
    events: Vec<(Rank, EventKind)>,
    limits: Vec<Rank>,
}

/// The distinct event versions of one scheme across every entry of one package, sorted:
/// a component version is located in it once per package (one binary search), after
/// which every event of every entry compares as an integer.
#[derive(Clone, Debug)]
pub(crate) struct BoundTable {
    scheme: Scheme,
    go: bool,
    versions: Vec<Version>,
}

impl BoundTable {
    /// Number of versions in the table.
    pub(crate) fn len(&self) -> usize {
        self.versions.len()
    }

    /// Whether this is the table for ranges ordered by `scheme` (with the Go treatment or not).
    pub(crate) fn is_for(&self, scheme: Scheme, go: bool) -> bool {
        self.scheme == scheme && self.go == go
    }

    /// An empty table for `scheme`.
    pub(crate) fn new(scheme: Scheme, go: bool) -> BoundTable {
        BoundTable { scheme, go, versions: Vec::new() }
    }

    /// Adds the versions of `added` the table does not hold yet. Returns `None` when none
    /// was new, else the new position of each old position, for [`CompiledAffected::shift_ranks`].
    /// The old versions are moved, not cloned, and compared only with the added ones.
    pub(crate) fn merge(&mut self, mut added: Vec<Version>) -> Option<Vec<usize>> {
        added.sort();
        added.dedup_by(|a, b| (*a).cmp(b) == Ordering::Equal);
        added.retain(|version| self.versions.binary_search_by(|held| held.cmp(version)).is_err());
        if added.is_empty() {
            return None;
        }
        let old = std::mem::take(&mut self.versions);
        let mut moved = Vec::with_capacity(old.len());
        self.versions.reserve(old.len() + added.len());
        let mut added = added.into_iter().peekable();
        for version in old {
            while let Some(next) = added.next_if(|next| next.cmp(&version) == Ordering::Less) {
                self.versions.push(next);
            }
            moved.push(self.versions.len());
            self.versions.push(version);
        }
        self.versions.extend(added);
        Some(moved)
    }

    /// Where a component version falls in the table, or why it does not parse.
    pub(crate) fn locate(&self, version: &mut ComponentVersion<'_>) -> Result<Located, String> {
        let parsed = version.parsed(self.scheme, self.go).map_err(str::to_owned)?;
        let below = self.versions.partition_point(|v| v.cmp(parsed) == Ordering::Less);
        let equal = self.versions.get(below).is_some_and(|v| v.cmp(parsed) == Ordering::Equal);
        Ok(Located { below, equal })
    }
}

/// A ranked range as the index's fast path reads it: the range's index in
/// `affected[].ranges`, its table, its events and limits.
pub(crate) struct FastRange<'a> {
    pub(crate) index: usize,
    pub(crate) table: usize,
    pub(crate) events: &'a [(Rank, EventKind)],
    pub(crate) limits: &'a [Rank],
}

/// Whether a located version is inside a ranked range.
pub(crate) fn in_ranked_range(at: Located, events: &[(Rank, EventKind)], limits: &[Rank]) -> bool {
    walk(events, limits, |rank| at.cmp_rank(*rank))
}

/// Where a component version falls in a [`BoundTable`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Located {
    /// How many table versions are below it.
    below: usize,
    /// Whether the table version at `below` equals it.
    equal: bool,
}

impl Located {
    /// The component version compared with the bound of this rank.
    fn cmp_rank(self, rank: Rank) -> Ordering {
        match rank {
            0 => Ordering::Greater,
            Rank::MAX => Ordering::Less,
            rank => {
                let index = (rank - 1) as usize;
                if index < self.below {
                    Ordering::Greater
                } else if index == self.below && self.equal {
                    Ordering::Equal
                } else {
                    Ordering::Less
                }
            }
        }
    }
}

/// Builds the bound tables of a package's entries; each entry then gets its ranks from
/// them ([`CompiledAffected::assign_ranks`]).
pub(crate) fn build_tables<'a>(entries: impl Iterator<Item = &'a CompiledAffected>) -> Vec<BoundTable> {
    let mut tables: Vec<BoundTable> = Vec::new();
    for entry in entries {
        for (_, range) in &entry.ranges {
            let CompiledRange::Linear { scheme, events, limits, .. } = range else { continue };
            let go = entry.go && *scheme == Scheme::Semver;
            let position = match tables.iter().position(|t| t.scheme == *scheme && t.go == go) {
                Some(position) => position,
                None => {
                    tables.push(BoundTable { scheme: *scheme, go, versions: Vec::new() });
                    tables.len() - 1
                }
            };
            if let Some(table) = tables.get_mut(position) {
                let bounds = events.iter().map(|(bound, _)| bound).chain(limits.iter());
                table.versions.extend(bounds.filter_map(|bound| match bound {
                    Bound::At(version) => Some(version.clone()),
                    Bound::Zero | Bound::Infinity => None,
                }));
            }
        }
    }
    for table in &mut tables {
        table.versions.sort();
        table.versions.dedup_by(|a, b| (*a).cmp(b) == Ordering::Equal);
    }
    tables
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
        /// The same events as positions in the package's bound table (see [`BoundTable`]),
        /// set by [`CompiledAffected::assign_ranks`]; empty until then.
        ranked: Ranked,
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
    /// The listed versions the ranges do not already cover, as given, sorted, for exact
    /// string equality. Real feeds list mostly versions inside their ranges (osv.dev fills
    /// the list from them), so this is usually empty and a version outside the ranges costs
    /// no search of the list.
    listed: Vec<String>,
    /// The same versions parsed in the ecosystem's scheme, sorted.
    listed_parsed: Vec<Version>,
    /// How many versions the `versions` list names (before the covered ones were dropped).
    listed_total: usize,
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
        let ranges: Vec<(usize, CompiledRange)> =
            affected.ranges.iter().enumerate().map(|(index, range)| (index, compile_range(scheme, range))).collect();
        let go = ecosystem.split(':').next() == Some("Go");
        let decidable_without_git = !affected.versions.is_empty()
            || affected.ranges.iter().any(|range| matches!(range.kind.as_str(), "ECOSYSTEM" | "SEMVER"));
        // A listed version inside the ranges adds nothing: a version equal to it (as text,
        // or parsed) is inside the same ranges, because evaluation only compares. That holds
        // when every range orders by the ecosystem's scheme (the scheme "equal after parsing"
        // is decided in); otherwise the whole list is kept.
        let prunable = ranges.iter().all(|(_, range)| match range {
            CompiledRange::Linear { scheme: range_scheme, .. } => *range_scheme == scheme && !go,
            CompiledRange::Git | CompiledRange::Broken(_) => true,
        });
        let mut listed: Vec<String> = affected
            .versions
            .iter()
            .filter(|text| {
                !prunable
                    || !matches!(
                        evaluate_ranges(&ranges, go, decidable_without_git, &mut ComponentVersion::new(text)),
                        Some(Verdict::Affected { .. })
                    )
            })
            .cloned()
            .collect();
        listed.sort();
        listed.dedup();
        let mut listed_parsed: Vec<Version> =
            listed.iter().filter_map(|text| Version::parse(scheme, text).ok()).collect();
        listed_parsed.sort();
        listed_parsed.dedup();
        CompiledAffected {
            scheme,
            go,
            listed,
            listed_parsed,
            listed_total: affected.versions.len(),
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

    /// How many versions the entry's `versions` list names.
    pub fn listed_versions(&self) -> usize {
        self.listed_total
    }

    /// The ranges that cannot be evaluated whatever the version (an event version that is
    /// not one of the ecosystem, an unknown range type, too many events): index and why.
    /// Import reports them per record; matching reports them as "not evaluable".
    pub fn broken_ranges(&self) -> impl Iterator<Item = (usize, &str)> {
        self.ranges.iter().filter_map(|(index, range)| match range {
            CompiledRange::Broken(reason) => Some((*index, reason.as_str())),
            _ => None,
        })
    }

    /// Evaluates the whole entry for a version: ranges, then the listed versions the ranges
    /// do not cover (a version both listed and in a range is reported as in the range).
    pub fn evaluate(&self, version: &mut ComponentVersion<'_>) -> Option<Verdict> {
        let by_ranges = evaluate_ranges(&self.ranges, self.go, self.decidable_without_git, version);
        if matches!(by_ranges, Some(Verdict::Affected { .. })) {
            return by_ranges;
        }
        self.listed_match(version).or(by_ranges)
    }

    /// Sets every linear range's ranks from its package's tables.
    pub(crate) fn assign_ranks(&mut self, tables: &[BoundTable]) {
        let go_entry = self.go;
        for (_, range) in &mut self.ranges {
            let CompiledRange::Linear { scheme, events, limits, ranked } = range else { continue };
            let go = go_entry && *scheme == Scheme::Semver;
            let Some((table_index, table)) = tables.iter().enumerate().find(|(_, t)| t.scheme == *scheme && t.go == go)
            else {
                continue;
            };
            let rank = |bound: &Bound| -> Rank {
                match bound {
                    Bound::Zero => 0,
                    Bound::Infinity => Rank::MAX,
                    Bound::At(version) => {
                        let index = table.versions.partition_point(|v| v.cmp(version) == Ordering::Less);
                        Rank::try_from(index + 1).unwrap_or(Rank::MAX - 1)
                    }
                }
            };
            *ranked = Ranked {
                table: table_index,
                events: events.iter().map(|(bound, kind)| (rank(bound), *kind)).collect(),
                limits: limits.iter().map(rank).collect(),
            };
        }
    }

    /// The bound versions of the linear ranges not ranked yet (an entry added since its
    /// package was last ranked), with the scheme and Go treatment of their table.
    pub(crate) fn unranked_bounds(&self) -> impl Iterator<Item = (Scheme, bool, &Version)> {
        let go_entry = self.go;
        self.ranges.iter().flat_map(move |(_, range)| {
            let (scheme, bounds) = match range {
                CompiledRange::Linear { scheme, events, limits, ranked } if ranked.table == usize::MAX => {
                    (Some(*scheme), Some(events.iter().map(|(bound, _)| bound).chain(limits.iter())))
                }
                _ => (None, None),
            };
            bounds.into_iter().flatten().filter_map(move |bound| match (scheme, bound) {
                (Some(scheme), Bound::At(version)) => Some((scheme, go_entry && scheme == Scheme::Semver, version)),
                _ => None,
            })
        })
    }

    /// Whether some linear range is not ranked yet.
    pub(crate) fn has_unranked(&self) -> bool {
        self.ranges
            .iter()
            .any(|(_, range)| matches!(range, CompiledRange::Linear { ranked, .. } if ranked.table == usize::MAX))
    }

    /// Moves the ranks already assigned after tables grew: `moved[table]` is `Some(new
    /// position of each old position)` for each table that [`BoundTable::merge`] grew.
    /// `introduced: "0"` and `limit: "*"` keep their ranks.
    pub(crate) fn shift_ranks(&mut self, moved: &[Option<Vec<usize>>]) {
        for (_, range) in &mut self.ranges {
            let CompiledRange::Linear { ranked, .. } = range else { continue };
            let Some(Some(moved)) = moved.get(ranked.table) else { continue };
            let shift = |rank: Rank| -> Rank {
                match rank {
                    0 | Rank::MAX => rank,
                    rank => moved
                        .get((rank - 1) as usize)
                        .and_then(|position| Rank::try_from(position + 1).ok())
                        .unwrap_or(Rank::MAX - 1),
                }
            };
            for (rank, _) in &mut ranked.events {
                *rank = shift(*rank);
            }
            for rank in &mut ranked.limits {
                *rank = shift(*rank);
            }
        }
    }

    /// Like [`CompiledAffected::evaluate`], with the component version located in the
    /// package's tables (`located`, filled lazily) instead of compared event by event.
    pub(crate) fn evaluate_located(
        &self,
        version: &mut ComponentVersion<'_>,
        tables: &[BoundTable],
        located: &mut Vec<Option<Result<Located, String>>>,
    ) -> Option<Verdict> {
        let mut not_evaluable: Option<String> = None;
        for (index, range) in &self.ranges {
            let reason = match range {
                CompiledRange::Linear { scheme, events, limits, ranked } => {
                    if located.len() < tables.len() {
                        located.resize(tables.len(), None);
                    }
                    let (Some(table), Some(slot)) = (tables.get(ranked.table), located.get_mut(ranked.table)) else {
                        // Not ranked (an index always ranks): compare event by event.
                        match version.parsed(*scheme, self.go) {
                            Ok(parsed) if in_linear_range(parsed, events, limits) => {
                                return Some(Verdict::Affected { by: AffectedBy::Range(*index) });
                            }
                            Ok(_) => continue,
                            Err(reason) => {
                                not_evaluable.get_or_insert_with(|| reason.to_owned());
                                continue;
                            }
                        }
                    };
                    let found = slot.get_or_insert_with(|| table.locate(version));
                    match found {
                        Ok(at) => {
                            if walk(&ranked.events, &ranked.limits, |rank| at.cmp_rank(*rank)) {
                                return Some(Verdict::Affected { by: AffectedBy::Range(*index) });
                            }
                            continue;
                        }
                        Err(reason) => reason.clone(),
                    }
                }
                CompiledRange::Git if self.decidable_without_git => continue,
                CompiledRange::Git => "git range".to_owned(),
                CompiledRange::Broken(reason) => format!("range {index}: {reason}"),
            };
            not_evaluable.get_or_insert(reason);
        }
        if let Some(listed) = self.listed_match(version) {
            return Some(listed);
        }
        not_evaluable.map(|reason| Verdict::NotEvaluable { reason })
    }

    /// The ranked linear ranges, when they alone decide the entry: no extra listed versions,
    /// no broken range, no `GIT` range that would be reported, every range ranked.
    /// Otherwise `None`, and the entry takes [`CompiledAffected::evaluate_located`].
    pub(crate) fn fast_ranges(&self) -> Option<Vec<FastRange<'_>>> {
        if !self.listed.is_empty() {
            return None;
        }
        let mut fast = Vec::with_capacity(self.ranges.len());
        for (index, range) in &self.ranges {
            match range {
                CompiledRange::Linear { ranked, .. } if ranked.table != usize::MAX => fast.push(FastRange {
                    index: *index,
                    table: ranked.table,
                    events: &ranked.events,
                    limits: &ranked.limits,
                }),
                CompiledRange::Git if self.decidable_without_git => {}
                _ => return None,
            }
        }
        Some(fast)
    }

    /// Affected by the listed versions the ranges do not cover, if so.
    fn listed_match(&self, version: &mut ComponentVersion<'_>) -> Option<Verdict> {
        if self.listed.binary_search_by(|listed| listed.as_str().cmp(version.text)).is_ok() {
            return Some(Verdict::Affected { by: AffectedBy::Listed });
        }
        if !self.listed_parsed.is_empty()
            && let Ok(parsed) = version.parsed(self.scheme, false)
            && self.listed_parsed.binary_search(parsed).is_ok()
        {
            return Some(Verdict::Affected { by: AffectedBy::Listed });
        }
        None
    }

    /// Evaluates the ranges only, ignoring the `versions` list: the agreement test checks
    /// the ranges against the list with it.
    pub fn evaluate_ranges_only(&self, version: &mut ComponentVersion<'_>) -> Option<Verdict> {
        evaluate_ranges(&self.ranges, self.go, self.decidable_without_git, version)
    }
}

fn evaluate_ranges(
    ranges: &[(usize, CompiledRange)],
    go: bool,
    decidable_without_git: bool,
    version: &mut ComponentVersion<'_>,
) -> Option<Verdict> {
    let mut not_evaluable: Option<String> = None;
    for (index, range) in ranges {
        let reason = match range {
            CompiledRange::Linear { scheme, events, limits, .. } => match version.parsed(*scheme, go) {
                Ok(parsed) => {
                    if in_linear_range(parsed, events, limits) {
                        return Some(Verdict::Affected { by: AffectedBy::Range(*index) });
                    }
                    continue;
                }
                Err(reason) => reason.to_owned(),
            },
            CompiledRange::Git if decidable_without_git => continue,
            CompiledRange::Git => "git range".to_owned(),
            CompiledRange::Broken(reason) => format!("range {index}: {reason}"),
        };
        not_evaluable.get_or_insert(reason);
    }
    not_evaluable.map(|reason| Verdict::NotEvaluable { reason })
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
    CompiledRange::Linear { scheme, events, limits, ranked: Ranked { table: usize::MAX, ..Ranked::default() } }
}

fn compile_event(
    scheme: Scheme,
    event: &Event,
    events: &mut Vec<(Bound, EventKind)>,
    limits: &mut Vec<Bound>,
) -> Result<(), String> {
    let parse = |what: &str, text: &str| -> Result<Bound, String> {
        Version::parse(scheme, text)
            .map(Bound::At)
            .map_err(|error| format!("{what} {:?} does not parse as {scheme}: {error}", crate::purl::shown(text)))
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

/// Whether a version is inside a linear range, comparing it with each event's version.
fn in_linear_range(version: &Version, events: &[(Bound, EventKind)], limits: &[Bound]) -> bool {
    walk(events, limits, |bound| match bound {
        Bound::Zero => Ordering::Greater,
        Bound::At(at) => version.cmp(at),
        Bound::Infinity => Ordering::Less,
    })
}

/// The schema's walk over sorted events, after `BeforeLimits`; `position` compares the
/// version with a bound.
fn walk<B>(events: &[(B, EventKind)], limits: &[B], position: impl Fn(&B) -> Ordering) -> bool {
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
