//! The advisory index: packages to the compiled `affected[]` entries naming them, with alias
//! groups over advisory ids. Built once from a feed, then kept current one advisory at a
//! time ([`AdvisoryIndex::insert`], [`AdvisoryIndex::remove`]).

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::aliases::AliasGroups;
use super::ecosystem::{PackageKey, component_version, distribution_family, has_release, normalise_osv_package, package_for_purl};
use super::evaluate::{CompiledAffected, ComponentVersion, Verdict};
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
    affected: CompiledAffected,
}

/// Advisories indexed by the packages they name. See the module docs.
#[derive(Clone, Debug, Default)]
pub struct AdvisoryIndex {
    advisories: HashMap<String, Advisory>,
    by_package: HashMap<PackageKey, Vec<Entry>>,
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
            index.insert(advisory);
        }
        index
    }

    /// Adds an advisory, or replaces the record with the same id when this one's `modified`
    /// is newer or equal. Returns whether the index changed (`false`: an older record was
    /// refused). Withdrawn advisories are kept but never match.
    pub fn insert(&mut self, advisory: Advisory) -> bool {
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
                self.by_package
                    .entry(key)
                    .or_default()
                    .push(Entry { advisory_id: advisory.id.clone(), affected: compiled });
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
        self.unindex(id);
        let removed = self.advisories.remove(id);
        self.rebuild_aliases();
        removed
    }

    /// Drops the compiled entries of an advisory still held in `advisories`.
    fn unindex(&mut self, id: &str) {
        let Some(advisory) = self.advisories.get(id) else { return };
        for affected in &advisory.affected {
            let Some(package) = &affected.package else { continue };
            let key = normalise_osv_package(&package.ecosystem, &package.name);
            let now_empty = self.by_package.get_mut(&key).is_some_and(|entries| {
                entries.retain(|entry| entry.advisory_id != id);
                entries.is_empty()
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
        let entries = self.by_package.values().map(Vec::len).sum();
        let parsed_versions =
            self.by_package.values().flat_map(|entries| entries.iter().map(|e| e.affected.parsed_versions())).sum();
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
        let version = version.map(str::trim).filter(|version| !version.is_empty());
        let mut component = version.map(ComponentVersion::new);
        let mut best: HashMap<&str, Match> = HashMap::new();
        if let Some(entries) = self.by_package.get(key) {
            self.consider(entries, false, &mut component, &mut best);
        }
        if let Some(family) = distribution_family(&key.ecosystem) {
            if has_release(&key.ecosystem) {
                // An advisory for the bare family covers every release.
                let bare = PackageKey { ecosystem: family.to_owned(), name: key.name.clone() };
                if let Some(entries) = self.by_package.get(&bare) {
                    self.consider(entries, false, &mut component, &mut best);
                }
            } else if let Some(keys) = self.by_family.get(&(family.to_owned(), key.name.clone())) {
                for release_key in keys {
                    if let Some(entries) = self.by_package.get(release_key) {
                        self.consider(entries, true, &mut component, &mut best);
                    }
                }
            }
        }
        let mut matches: Vec<Match> = best.into_values().collect();
        matches.sort_by(|a, b| a.vulnerability.cmp(&b.vulnerability));
        matches
    }

    /// Evaluates `entries` and keeps, per vulnerability, the preferred match in `best`.
    fn consider<'s>(
        &'s self,
        entries: &'s [Entry],
        release_assumed: bool,
        component: &mut Option<ComponentVersion<'_>>,
        best: &mut HashMap<&'s str, Match>,
    ) {
        for entry in entries {
            let verdict = match component.as_mut() {
                Some(component) => match entry.affected.evaluate(component) {
                    Some(verdict) => verdict,
                    None => continue,
                },
                None => Verdict::UnknownVersion,
            };
            let vulnerability = self.aliases.key(&entry.advisory_id);
            // Affected over not evaluable over unknown version; then a match that assumes no
            // release; then the lowest advisory id, so the result does not depend on order.
            let better = best.get(vulnerability).is_none_or(|held| {
                let new = (verdict.rank(), !release_assumed, std::cmp::Reverse(entry.advisory_id.as_str()));
                let old = (held.verdict.rank(), !held.release_assumed, std::cmp::Reverse(held.advisory_id.as_str()));
                new > old
            });
            if better {
                best.insert(
                    vulnerability,
                    Match {
                        advisory_id: entry.advisory_id.clone(),
                        vulnerability: vulnerability.to_owned(),
                        verdict,
                        release_assumed,
                    },
                );
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
