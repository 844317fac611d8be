//! The index kept current one advisory at a time agrees with the index built at once, on
//! real advisories: [`AdvisoryIndex::insert`] ranks only what it adds (see
//! `PackageEntries::rank_added`), and [`AdvisoryIndex::match_vulnerability`] evaluates one
//! alias group only; both must give exactly the matches of a fresh
//! [`AdvisoryIndex::build`] and [`AdvisoryIndex::match_package`].
//!
//! The packages are the busiest of the shared OSV data (hundreds of advisories each, in
//! PyPI and Go), where a wrong rank shift would show first.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::{BTreeSet, HashMap};

use chainward_core::vuln::matching::{AdvisoryIndex, PackageKey, normalise_osv_package, packages_named_by};
use chainward_core::vuln::osv::Advisory;

/// How many of the busiest packages are checked.
const BUSIEST: usize = 4;

/// Every version a record names for `key` (events, limits, listed), and a few around them.
fn probes(advisories: &[Advisory], key: &PackageKey) -> BTreeSet<String> {
    let mut out: BTreeSet<String> =
        ["0", "0.0.1", "1.0.0", "v1.0.0", "999.0.0", "not a version"].into_iter().map(str::to_owned).collect();
    for affected in advisories.iter().flat_map(|advisory| &advisory.affected) {
        let Some(package) = &affected.package else { continue };
        if normalise_osv_package(&package.ecosystem, &package.name) != *key {
            continue;
        }
        out.extend(affected.versions.iter().cloned());
        for event in affected.ranges.iter().flat_map(|range| &range.events) {
            for text in [&event.introduced, &event.fixed, &event.last_affected, &event.limit].into_iter().flatten() {
                out.insert(text.clone());
                out.insert(format!("{text}.1"));
            }
        }
    }
    out
}

/// A newer record of `advisory`: its first fix moved up, so it ranks a new version.
fn modified(advisory: &Advisory) -> Advisory {
    let mut newer = advisory.clone();
    newer.modified = "2099-01-01T00:00:00Z".into();
    if let Some(event) =
        newer.affected.iter_mut().flat_map(|a| &mut a.ranges).flat_map(|r| &mut r.events).find(|e| e.fixed.is_some())
    {
        event.fixed = event.fixed.as_deref().map(|fixed| format!("{fixed}.1"));
    }
    newer
}

#[test]
fn inserting_one_by_one_matches_like_building_at_once() {
    let all: Vec<Advisory> = crate::osv_agreement::shared_advisories().into_iter().map(|(_, a)| a).collect();
    let mut counts: HashMap<PackageKey, usize> = HashMap::new();
    for advisory in all.iter().filter(|a| !a.is_withdrawn()) {
        for key in packages_named_by(advisory) {
            *counts.entry(key).or_default() += 1;
        }
    }
    let mut busiest: Vec<(usize, PackageKey)> = counts.into_iter().map(|(key, n)| (n, key)).collect();
    busiest.sort_by(|a, b| b.cmp(a));
    let busiest: Vec<PackageKey> = busiest.into_iter().take(BUSIEST).map(|(_, key)| key).collect();
    let chosen: Vec<Advisory> =
        all.into_iter().filter(|a| packages_named_by(a).iter().any(|key| busiest.contains(key))).collect();
    // Every third record comes late, one insert at a time; every fifth late one is then
    // replaced by a newer record.
    let mut late: Vec<Advisory> = Vec::new();
    let mut early: Vec<Advisory> = Vec::new();
    for (i, advisory) in chosen.iter().enumerate() {
        if i % 3 == 1 { late.push(advisory.clone()) } else { early.push(advisory.clone()) }
    }
    let mut incremental = AdvisoryIndex::build(early);
    let mut final_set: HashMap<String, Advisory> = chosen.iter().map(|a| (a.id.clone(), a.clone())).collect();
    for (i, advisory) in late.iter().enumerate() {
        assert!(incremental.insert(advisory.clone()));
        if i % 5 == 0 {
            let newer = modified(advisory);
            assert!(incremental.insert(newer.clone()));
            final_set.insert(newer.id.clone(), newer);
        }
    }
    let fresh = AdvisoryIndex::build(final_set.values().cloned());
    let final_records: Vec<Advisory> = final_set.into_values().collect();
    let (mut n_compared, mut n_matches) = (0usize, 0usize);
    for key in &busiest {
        let late_ids: Vec<&str> =
            late.iter().filter(|a| packages_named_by(a).contains(key)).map(|a| a.id.as_str()).collect();
        for version in probes(&final_records, key) {
            let expected = fresh.match_package(key, Some(&version));
            assert_eq!(incremental.match_package(key, Some(&version)), expected, "{key:?} at {version:?}");
            n_compared += 1;
            n_matches += expected.len();
            for id in &late_ids {
                let vulnerability = fresh.vulnerability_key(id);
                let one = expected.iter().find(|m| m.vulnerability == vulnerability);
                assert_eq!(
                    incremental.match_vulnerability(id, key, Some(&version)).as_ref(),
                    one,
                    "{id} on {key:?} at {version:?}"
                );
            }
        }
        assert_eq!(incremental.match_package(key, None), fresh.match_package(key, None));
    }
    println!(
        "incremental index: {} packages, {n_compared} versions, {n_matches} matches agree with a fresh build",
        busiest.len()
    );
    assert!(n_matches > 1_000, "the busiest packages should give many matches, got {n_matches}");
}
