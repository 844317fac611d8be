//! The advisory index: packages to the compiled `affected[]` entries naming them, with alias
//! groups over advisory ids. Built once from a feed, then kept current one advisory at a
//! time ([`AdvisoryIndex::insert`], [`AdvisoryIndex::remove`]).

use std::collections::{BTreeSet, HashMap};

use chainward_versions::Version;
use serde::{Deserialize, Serialize};

use super::aliases::AliasGroups;
use super::ecosystem::{
    PackageKey, component_version, distribution_family, has_release, normalise_osv_package, package_for_purl,
};
use super::evaluate::{
    AffectedBy, BoundTable, CompiledAffected, ComponentVersion, EventKind, Located, Rank, Verdict, build_tables,
    in_ranked_range,
};
use crate::purl::Purl;
use crate::vuln::osv::Advisory;

/// One advisory's verdict on one package version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Match {
    /// The id of the advisory that decided, as its feed names it.
    pub advisory_id: String,
    /// The vulnerability: the key of the advisory's alias group (lowest `CVE-` id, else
    /// lowest id), so one vulnerability reported by several feeds matches once.
    pub vulnerability: String,
    /// Affected, not evaluable, or unknown version.
    pub verdict: Verdict,
    /// The advisory names a release of a distribution and the component did not say which
    /// release it comes from: the match assumes the component's release is that one.
    pub release_assumed: bool,
}

/// Sizes of an index, for estimates of its memory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IndexStats {
    /// Advisories held (withdrawn included).
    pub advisories: usize,
    /// Distinct packages named by advisories that are not withdrawn.
    pub packages: usize,
    /// Compiled `affected[]` entries.
    pub entries: usize,
    /// Versions parsed once at build time (events, limits, listed versions).
    pub parsed_versions: usize,
}

/// One `affected[]` entry under its package.
#[derive(Clone, Debug)]
struct Entry {
    advisory_id: String,
    /// The advisory's node in the alias groups (refreshed when they are rebuilt), so a
    /// match finds its vulnerability without hashing the id.
    alias_node: usize,
    affected: CompiledAffected,
}

/// The entries naming one package, with the bound tables their ranges are ranked in and
/// a flat copy of the ranks: matching a package streams through three contiguous arrays
/// instead of chasing each entry's own allocations.
#[derive(Clone, Debug, Default)]
struct PackageEntries {
    entries: Vec<Entry>,
    tables: Vec<BoundTable>,
    /// Per entry (same order as `entries`): its slice of `ranges`, or the slow path.
    fast: Vec<FastEntry>,
    ranges: Vec<FlatRange>,
    events: Vec<(Rank, EventKind)>,
    limits: Vec<Rank>,
}

/// An entry in the fast path.
#[derive(Clone, Copy, Debug)]
struct FastEntry {
    /// `ranges[first..end]` are the entry's ranked ranges.
    first: u32,
    end: u32,
    /// The entry needs [`CompiledAffected::evaluate_located`] (listed versions outside the
    /// ranges, a broken or unknown range, a `GIT` range alone).
    slow: bool,
    /// Copy of the entry's alias node.
    alias_node: usize,
}

/// A ranked range in the flat arrays.
#[derive(Clone, Copy, Debug)]
struct FlatRange {
    /// Index in `affected[].ranges`.
    index: u32,
    table: u32,
    events: (u32, u32),
    limits: (u32, u32),
}

/// An array length as a flat index (the arrays of one package are far below `u32::MAX`).
fn flat_len<T>(items: &[T]) -> u32 {
    u32::try_from(items.len()).unwrap_or(u32::MAX)
}

impl PackageEntries {
    /// Rebuilds the bound tables, every entry's ranks and the flat arrays, after entries
    /// were added or removed.
    fn rank(&mut self) {
        self.tables = build_tables(self.entries.iter().map(|entry| &entry.affected));
        for entry in &mut self.entries {
            entry.affected.assign_ranks(&self.tables);
        }
        self.flatten();
    }

    /// Ranks the entries added since the package was last ranked, after some may have been
    /// dropped: their bound versions are merged into the tables, the ranks already assigned
    /// are moved to the grown tables (integer work), and the flat arrays are rebuilt. The
    /// verdicts are those of [`PackageEntries::rank`]: ranks are positions in sorted tables,
    /// and a table version no entry names any more (a dropped entry's) orders nothing
    /// wrongly, it only takes a place. This is what keeps [`AdvisoryIndex::insert`] cheap
    /// for packages with hundreds of advisories: no re-sorting and no cloning of the
    /// versions already ranked.
    fn rank_added(&mut self) {
        let mut added: Vec<Vec<Version>> = vec![Vec::new(); self.tables.len()];
        for entry in &self.entries {
            for (scheme, go, version) in entry.affected.unranked_bounds() {
                let table = match self.tables.iter().position(|table| table.is_for(scheme, go)) {
                    Some(table) => table,
                    None => {
                        self.tables.push(BoundTable::new(scheme, go));
                        added.push(Vec::new());
                        self.tables.len() - 1
                    }
                };
                if let Some(versions) = added.get_mut(table) {
                    versions.push(version.clone());
                }
            }
        }
        let moved: Vec<Option<Vec<usize>>> =
            self.tables.iter_mut().zip(added).map(|(table, versions)| table.merge(versions)).collect();
        let grown = moved.iter().any(Option::is_some);
        for entry in &mut self.entries {
            if entry.affected.has_unranked() {
                entry.affected.assign_ranks(&self.tables);
            } else if grown {
                entry.affected.shift_ranks(&moved);
            }
        }
        self.flatten();
    }

    /// Rebuilds the flat arrays from the entries' ranks.
    fn flatten(&mut self) {
        self.fast.clear();
        self.ranges.clear();
        self.events.clear();
        self.limits.clear();
        for entry in &self.entries {
            let first = flat_len(&self.ranges);
            let fast_ranges = entry.affected.fast_ranges();
            let slow = fast_ranges.is_none();
            for range in fast_ranges.unwrap_or_default() {
                let events_start = flat_len(&self.events);
                self.events.extend_from_slice(range.events);
                let limits_start = flat_len(&self.limits);
                self.limits.extend_from_slice(range.limits);
                self.ranges.push(FlatRange {
                    index: u32::try_from(range.index).unwrap_or(u32::MAX),
                    table: u32::try_from(range.table).unwrap_or(u32::MAX),
                    events: (events_start, flat_len(&self.events)),
                    limits: (limits_start, flat_len(&self.limits)),
                });
            }
            self.fast.push(FastEntry { first, end: flat_len(&self.ranges), slow, alias_node: entry.alias_node });
        }
    }

    /// The fast path for one entry: `Some(verdict)` or `None` for not affected.
    fn evaluate_fast(
        &self,
        fast: FastEntry,
        version: &mut ComponentVersion<'_>,
        located: &mut [Option<Result<Located, String>>],
    ) -> Option<Verdict> {
        let mut not_evaluable: Option<String> = None;
        for range in self.ranges.get(fast.first as usize..fast.end as usize).unwrap_or_default() {
            let table = range.table as usize;
            let Some(slot) = located.get_mut(table) else { continue };
            let found = slot.get_or_insert_with(|| match self.tables.get(table) {
                Some(table) => table.locate(version),
                None => Err("range not ranked".to_owned()),
            });
            match found {
                Ok(at) => {
                    let events = self.events.get(range.events.0 as usize..range.events.1 as usize).unwrap_or_default();
                    let limits = self.limits.get(range.limits.0 as usize..range.limits.1 as usize).unwrap_or_default();
                    if in_ranked_range(*at, events, limits) {
                        return Some(Verdict::Affected { by: AffectedBy::Range(range.index as usize) });
                    }
                }
                Err(reason) => {
                    not_evaluable.get_or_insert_with(|| reason.clone());
                }
            }
        }
        not_evaluable.map(|reason| Verdict::NotEvaluable { reason })
    }
}

/// The preferred verdict of one vulnerability so far, borrowing the advisory id.
struct Candidate<'a> {
    advisory_id: &'a str,
    verdict: Verdict,
    release_assumed: bool,
}

/// Advisories indexed by the packages they name. See the module docs.
#[derive(Clone, Debug, Default)]
pub struct AdvisoryIndex {
    advisories: HashMap<String, Advisory>,
    by_package: HashMap<PackageKey, PackageEntries>,
    /// Distribution packages named with a release, under their family and name: a
    /// component whose release is unknown is matched against all of them.
    by_family: HashMap<(String, String), BTreeSet<PackageKey>>,
    aliases: AliasGroups,
}

/// The packages an advisory names, normalised and deduplicated. A distribution package with
/// a release (`Debian:12`) also names its bare family (`Debian`), so components whose
/// release is unknown are re-matched too. An advisory naming a bare family matches
/// components of every release of it; see [`may_match`].
pub fn packages_named_by(advisory: &Advisory) -> Vec<PackageKey> {
    let mut keys = BTreeSet::new();
    for affected in &advisory.affected {
        let Some(package) = &affected.package else { continue };
        let key = normalise_osv_package(&package.ecosystem, &package.name);
        if let Some(family) = distribution_family(&key.ecosystem).filter(|_| has_release(&key.ecosystem)) {
            keys.insert(PackageKey { ecosystem: family.to_owned(), name: key.name.clone() });
        }
        keys.insert(key);
    }
    keys.into_iter().collect()
}

/// Whether an advisory naming `named` can match a component whose package is `component`:
/// equal keys, or the same distribution family and name where either side has no release.
pub fn may_match(named: &PackageKey, component: &PackageKey) -> bool {
    if named == component {
        return true;
    }
    named.name == component.name
        && distribution_family(&named.ecosystem).is_some_and(|family| {
            distribution_family(&component.ecosystem) == Some(family)
                && (!has_release(&named.ecosystem) || !has_release(&component.ecosystem))
        })
}

/// Whether `new` is at least as recent as `old` (RFC 3339; text order when either does not
/// parse).
fn not_older(new: &str, old: &str) -> bool {
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;
    match (OffsetDateTime::parse(new, &Rfc3339), OffsetDateTime::parse(old, &Rfc3339)) {
        (Ok(new), Ok(old)) => new >= old,
        _ => new >= old,
    }
}

impl AdvisoryIndex {
    /// Builds an index from advisories; of two records with the same id the more recently
    /// modified one is kept.
    pub fn build(advisories: impl IntoIterator<Item = Advisory>) -> AdvisoryIndex {
        let mut index = AdvisoryIndex::default();
        for advisory in advisories {
            // Ranking waits until every advisory is in: once per package, not per insert.
            index.insert_unranked(advisory);
        }
        for package in index.by_package.values_mut() {
            package.rank();
        }
        index
    }

    /// Adds an advisory, or replaces the record with the same id when this one's `modified`
    /// is newer or equal. Returns whether the index changed (`false`: an older record was
    /// refused). Withdrawn advisories are kept but never match.
    pub fn insert(&mut self, advisory: Advisory) -> bool {
        let mut touched = packages_named_by(&advisory);
        if let Some(old) = self.advisories.get(&advisory.id) {
            touched.extend(packages_named_by(old));
        }
        let changed = self.insert_unranked(advisory);
        if changed {
            for key in &touched {
                if let Some(package) = self.by_package.get_mut(key) {
                    package.rank_added();
                }
            }
        }
        changed
    }

    /// [`AdvisoryIndex::insert`] without ranking the touched packages' bounds.
    fn insert_unranked(&mut self, advisory: Advisory) -> bool {
        let mut rebuild_aliases = false;
        if let Some(old) = self.advisories.get(&advisory.id) {
            if !not_older(&advisory.modified, &old.modified) {
                return false;
            }
            let old_ids: BTreeSet<&str> = old.ids().collect();
            let new_ids: BTreeSet<&str> = advisory.ids().collect();
            rebuild_aliases = old_ids != new_ids;
            self.unindex(&advisory.id);
        }
        if !rebuild_aliases {
            self.aliases.add(advisory.ids());
        }
        if !advisory.is_withdrawn() {
            for affected in &advisory.affected {
                let Some(package) = &affected.package else { continue };
                let key = normalise_osv_package(&package.ecosystem, &package.name);
                let compiled = CompiledAffected::compile(&key.ecosystem, affected);
                if let Some(family) = distribution_family(&key.ecosystem).filter(|_| has_release(&key.ecosystem)) {
                    self.by_family.entry((family.to_owned(), key.name.clone())).or_default().insert(key.clone());
                }
                let alias_node = self.aliases.node_of(&advisory.id).unwrap_or(usize::MAX);
                self.by_package.entry(key).or_default().entries.push(Entry {
                    advisory_id: advisory.id.clone(),
                    alias_node,
                    affected: compiled,
                });
            }
        }
        self.advisories.insert(advisory.id.clone(), advisory);
        if rebuild_aliases {
            self.rebuild_aliases();
        }
        true
    }

    /// Removes an advisory; returns it if it was there.
    pub fn remove(&mut self, id: &str) -> Option<Advisory> {
        if !self.advisories.contains_key(id) {
            return None;
        }
        let touched = self.advisories.get(id).map(packages_named_by).unwrap_or_default();
        self.unindex(id);
        let removed = self.advisories.remove(id);
        self.rebuild_aliases();
        for key in &touched {
            if let Some(package) = self.by_package.get_mut(key) {
                package.rank();
            }
        }
        removed
    }

    /// Drops the compiled entries of an advisory still held in `advisories`.
    fn unindex(&mut self, id: &str) {
        let Some(advisory) = self.advisories.get(id) else { return };
        for affected in &advisory.affected {
            let Some(package) = &affected.package else { continue };
            let key = normalise_osv_package(&package.ecosystem, &package.name);
            let now_empty = self.by_package.get_mut(&key).is_some_and(|package| {
                package.entries.retain(|entry| entry.advisory_id != id);
                package.entries.is_empty()
            });
            if now_empty {
                self.by_package.remove(&key);
                if let Some(family) = distribution_family(&key.ecosystem) {
                    let family_key = (family.to_owned(), key.name.clone());
                    let family_empty = self.by_family.get_mut(&family_key).is_some_and(|keys| {
                        keys.remove(&key);
                        keys.is_empty()
                    });
                    if family_empty {
                        self.by_family.remove(&family_key);
                    }
                }
            }
        }
    }

    fn rebuild_aliases(&mut self) {
        let mut aliases = AliasGroups::default();
        let mut ids: Vec<&String> = self.advisories.keys().collect();
        // A fixed order keeps the groups' internal shape independent of hashing.
        ids.sort_unstable();
        for id in ids {
            if let Some(advisory) = self.advisories.get(id) {
                aliases.add(advisory.ids());
            }
        }
        self.aliases = aliases;
        for package in self.by_package.values_mut() {
            for (entry, fast) in package.entries.iter_mut().zip(package.fast.iter_mut()) {
                entry.alias_node = self.aliases.node_of(&entry.advisory_id).unwrap_or(usize::MAX);
                fast.alias_node = entry.alias_node;
            }
        }
    }

    /// The advisory with this id, if held.
    pub fn advisory(&self, id: &str) -> Option<&Advisory> {
        self.advisories.get(id)
    }

    /// Number of advisories held (withdrawn included).
    pub fn len(&self) -> usize {
        self.advisories.len()
    }

    /// Whether no advisory is held.
    pub fn is_empty(&self) -> bool {
        self.advisories.is_empty()
    }

    /// Sizes, for estimates of memory.
    pub fn stats(&self) -> IndexStats {
        let entries = self.by_package.values().map(|package| package.entries.len()).sum();
        let parsed_versions = self
            .by_package
            .values()
            .map(|package| {
                let tables: usize = package.tables.iter().map(BoundTable::len).sum();
                tables + package.entries.iter().map(|e| e.affected.parsed_versions()).sum::<usize>()
            })
            .sum();
        IndexStats { advisories: self.advisories.len(), packages: self.by_package.len(), entries, parsed_versions }
    }

    /// Every package named by an advisory that is not withdrawn, in no particular order.
    pub fn packages(&self) -> impl Iterator<Item = &PackageKey> {
        self.by_package.keys()
    }

    /// The key of the vulnerability an advisory id belongs to: its alias group's lowest
    /// `CVE-` id, else its lowest id. An id the index does not know is its own key.
    pub fn vulnerability_key<'a>(&'a self, advisory_id: &'a str) -> &'a str {
        self.aliases.key(advisory_id)
    }

    /// Every id in the alias group of `key` (any member id works), sorted.
    pub fn group<'a>(&'a self, key: &'a str) -> Vec<&'a str> {
        self.aliases.group(key)
    }

    /// Matches one package version against every advisory naming the package: one
    /// [`Match`] per vulnerability (alias group), preferring affected over not evaluable
    /// over unknown version, sorted by vulnerability. No version (or an empty one) gives
    /// [`Verdict::UnknownVersion`] for every advisory naming the package.
    pub fn match_package(&self, key: &PackageKey, version: Option<&str>) -> Vec<Match> {
        let best = self.best_by_vulnerability(key, version, None);
        let mut matches: Vec<Match> =
            best.into_iter().map(|(root, candidate)| self.to_match(root, candidate)).collect();
        matches.sort_by(|a, b| a.vulnerability.cmp(&b.vulnerability));
        matches
    }

    /// The match of one vulnerability only: the vulnerability (alias group) the advisory
    /// `advisory_id` belongs to, evaluated over that group's advisories alone. It is the
    /// element of [`AdvisoryIndex::match_package`] with that vulnerability, or `None` where
    /// `match_package` has none (or the id is not held).
    ///
    /// This is the re-match after one advisory was inserted: the other vulnerabilities'
    /// matches depend only on their own advisories, so they cannot change, and evaluating
    /// the package's other advisories again (hundreds for some PyPI and Go packages) would
    /// only repeat their verdicts. The caller must still retire what the insert changed
    /// outside this group: the matches under the old key when the new record's aliases
    /// joined groups or changed a group's key ([`AdvisoryIndex::vulnerability_key`] before
    /// and after), and, for a replaced record, the matches of packages the old record named
    /// and the new one does not.
    pub fn match_vulnerability(&self, advisory_id: &str, key: &PackageKey, version: Option<&str>) -> Option<Match> {
        let root = self.aliases.root(self.aliases.node_of(advisory_id)?);
        let mut best = self.best_by_vulnerability(key, version, Some(root));
        best.remove(&root).map(|candidate| self.to_match(root, candidate))
    }

    /// The preferred candidate per vulnerability (alias root), over every package a
    /// component of `key` is matched against; `only` restricts it to one alias root.
    fn best_by_vulnerability<'a>(
        &'a self,
        key: &PackageKey,
        version: Option<&str>,
        only: Option<usize>,
    ) -> HashMap<usize, Candidate<'a>> {
        let version = version.map(str::trim).filter(|version| !version.is_empty());
        let mut component = version.map(ComponentVersion::new);
        let mut best: HashMap<usize, Candidate<'a>> = HashMap::new();
        if let Some(entries) = self.by_package.get(key) {
            self.consider(entries, false, only, &mut component, &mut best);
        }
        if let Some(family) = distribution_family(&key.ecosystem) {
            if has_release(&key.ecosystem) {
                // An advisory for the bare family covers every release.
                let bare = PackageKey { ecosystem: family.to_owned(), name: key.name.clone() };
                if let Some(entries) = self.by_package.get(&bare) {
                    self.consider(entries, false, only, &mut component, &mut best);
                }
            } else if let Some(keys) = self.by_family.get(&(family.to_owned(), key.name.clone())) {
                for release_key in keys {
                    if let Some(entries) = self.by_package.get(release_key) {
                        self.consider(entries, true, only, &mut component, &mut best);
                    }
                }
            }
        }
        best
    }

    /// The [`Match`] of a candidate: its strings are allocated here, once per vulnerability,
    /// not for every advisory considered.
    fn to_match(&self, root: usize, candidate: Candidate<'_>) -> Match {
        let vulnerability = self.aliases.key_of_root(root).unwrap_or(candidate.advisory_id);
        Match {
            advisory_id: candidate.advisory_id.to_owned(),
            vulnerability: vulnerability.to_owned(),
            verdict: candidate.verdict,
            release_assumed: candidate.release_assumed,
        }
    }

    /// Evaluates `entries` (those of alias root `only`, when given) and keeps, per
    /// vulnerability, the preferred candidate in `best`.
    fn consider<'a>(
        &'a self,
        package: &'a PackageEntries,
        release_assumed: bool,
        only: Option<usize>,
        component: &mut Option<ComponentVersion<'_>>,
        best: &mut HashMap<usize, Candidate<'a>>,
    ) {
        let mut located: Vec<Option<Result<Located, String>>> = vec![None; package.tables.len()];
        for (position, fast) in package.fast.iter().enumerate() {
            let root = self.aliases.root(fast.alias_node);
            if only.is_some_and(|only| only != root) {
                continue;
            }
            let verdict = match component.as_mut() {
                Some(component) => {
                    let verdict = if fast.slow {
                        let Some(entry) = package.entries.get(position) else { continue };
                        entry.affected.evaluate_located(component, &package.tables, &mut located)
                    } else {
                        package.evaluate_fast(*fast, component, &mut located)
                    };
                    match verdict {
                        Some(verdict) => verdict,
                        None => continue,
                    }
                }
                None => Verdict::UnknownVersion,
            };
            let Some(entry) = package.entries.get(position) else { continue };
            // Affected over not evaluable over unknown version; then a match that assumes no
            // release; then the lowest advisory id, so the result does not depend on order.
            let better = best.get(&root).is_none_or(|held| {
                let new = (verdict.rank(), !release_assumed, std::cmp::Reverse(entry.advisory_id.as_str()));
                let old = (held.verdict.rank(), !held.release_assumed, std::cmp::Reverse(held.advisory_id));
                new > old
            });
            if better {
                best.insert(root, Candidate { advisory_id: &entry.advisory_id, verdict, release_assumed });
            }
        }
    }

    /// Matches a component by its package URL: [`package_for_purl`], then
    /// [`AdvisoryIndex::match_package`] with the purl's version (rpm epoch included). A purl
    /// type OSV has no ecosystem for matches nothing.
    pub fn match_purl(&self, purl: &Purl) -> Vec<Match> {
        let Some(key) = package_for_purl(purl) else { return Vec::new() };
        let version = component_version(purl);
        self.match_package(&key, version.as_deref())
    }
}
