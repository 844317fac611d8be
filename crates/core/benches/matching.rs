//! Matching benchmark on the real OSV advisories of the shared data folder.
//!
//! Loads every OSV zip in `CHAINWARD_DATA/osv` (not the `*-native.zip`), builds the
//! [`AdvisoryIndex`] (prints the time and the index's size), draws 100,000 distinct
//! (package, version) pairs from the packages the advisories name with versions taken from
//! their events and lists plus patch bumps, and prints the median of 5 full matches (target
//! < 1000 ms) and of 5 re-matches after one new advisory (insert, then match only the
//! components of the packages it names; target < 10 ms), for the package with the most
//! advisories, then the median, 90th percentile and worst of copies of every 25th advisory
//! (each the median of three runs). The load average is printed before and after.
//! The re-match is measured twice: evaluating the new advisory's vulnerability only
//! ([`AdvisoryIndex::match_vulnerability`], the incremental path) and evaluating every
//! advisory of the named packages ([`AdvisoryIndex::match_package`], what the server's
//! re-match does today on an index it builds from the store; that build and the store's
//! queries are not part of this figure). Run with `cargo xtask bench` or
//! `cargo bench -p chainward-core --bench matching`.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chainward_core::vuln::matching::{AdvisoryIndex, PackageKey, Verdict, normalise_osv_package, packages_named_by};
use chainward_core::vuln::osv::Advisory;

const N_COMPONENTS: usize = 100_000;
const RUNS: usize = 5;
/// Every how many advisories one is copied for the spread of ordinary re-matches.
const SPREAD_STEP: usize = 25;
/// Runs per advisory of the spread; the median is kept.
const SPREAD_TRIES: usize = 3;

/// A small deterministic generator (xorshift64*), so every run measures the same components.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn data_dir() -> PathBuf {
    std::env::var_os("CHAINWARD_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn load_advisories() -> Result<Vec<Advisory>, String> {
    let dir = data_dir().join("osv");
    let mut zips: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|error| format!("{}: {error}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "zip"))
        .filter(|path| !path.to_string_lossy().ends_with("-native.zip"))
        .collect();
    zips.sort();
    let mut advisories = Vec::new();
    for path in zips {
        let file = std::fs::File::open(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        let mut archive = zip::ZipArchive::new(file).map_err(|error| format!("{}: {error}", path.display()))?;
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).map_err(|error| format!("{}: {error}", path.display()))?;
            if !entry.name().is_ok_and(|name| name.ends_with(".json")) {
                continue;
            }
            let mut text = String::new();
            (&mut entry).take(16 << 20).read_to_string(&mut text).map_err(|error| error.to_string())?;
            match serde_json::from_str::<Advisory>(&text) {
                Ok(advisory) => advisories.push(advisory),
                Err(error) => eprintln!("skipped a record of {}: {error}", path.display()),
            }
        }
    }
    Ok(advisories)
}

/// The 1, 5 and 15 minute load averages (Linux), to say how busy the machine was: the
/// figures are wall times on a machine that may be shared.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".to_owned())
}

/// The resident set size of this process in kB (Linux), for the index's memory.
fn resident_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A version near `text`: each numeric run is moved by -2 to +3 with probability 1/3, so
/// versions fall before, inside and after the advisories' ranges.
fn vary(text: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    let mut rest = text;
    while let Some(first) = rest.chars().next() {
        if first.is_ascii_digit() {
            let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            let digits = rest.get(..end).unwrap_or_default();
            match digits.parse::<i64>() {
                Ok(number) if digits.len() < 12 && rng.below(3) == 0 => {
                    let delta = rng.below(6) as i64 - 2;
                    out.push_str(&(number + delta).max(0).to_string());
                }
                _ => out.push_str(digits),
            }
            rest = rest.get(end..).unwrap_or_default();
        } else {
            out.push(first);
            rest = rest.get(first.len_utf8()..).unwrap_or_default();
        }
    }
    out
}

/// Distinct (package, version) pairs drawn from the packages and versions the advisories name.
fn components(advisories: &[Advisory], rng: &mut Rng) -> Vec<(PackageKey, String)> {
    let mut versions: HashMap<PackageKey, BTreeSet<String>> = HashMap::new();
    for advisory in advisories {
        for affected in &advisory.affected {
            let Some(package) = &affected.package else { continue };
            let key = normalise_osv_package(&package.ecosystem, &package.name);
            let set = versions.entry(key).or_default();
            set.extend(affected.versions.iter().cloned());
            for range in affected.ranges.iter().filter(|range| range.kind != "GIT") {
                for event in &range.events {
                    for text in
                        [&event.introduced, &event.fixed, &event.last_affected, &event.limit].into_iter().flatten()
                    {
                        if text != "0" {
                            set.insert(text.clone());
                        }
                    }
                }
            }
        }
    }
    let mut packages: Vec<(PackageKey, Vec<String>)> = versions
        .into_iter()
        .map(|(key, set)| (key, if set.is_empty() { vec!["1.0.0".to_owned()] } else { set.into_iter().collect() }))
        .collect();
    packages.sort();
    let mut seen: HashSet<(usize, String)> = HashSet::new();
    let mut out = Vec::with_capacity(N_COMPONENTS);
    let mut attempts = 0usize;
    while out.len() < N_COMPONENTS && attempts < N_COMPONENTS * 20 {
        attempts += 1;
        let index = rng.below(packages.len());
        let Some((key, known)) = packages.get(index) else { break };
        let Some(base) = known.get(rng.below(known.len())) else { continue };
        let version = vary(base, rng);
        if seen.insert((index, version.clone())) {
            out.push((key.clone(), version));
        }
    }
    out
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn main() {
    // Test runners list a target's tests first (`--list`): a benchmark has none. Only
    // measure when invoked as a benchmark.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if !std::env::args().any(|a| a == "--bench") {
        println!("matching benchmark: run with `cargo xtask bench` (skipped in test mode)");
        return;
    }
    println!("load average before: {}", load_average());
    let t = Instant::now();
    let advisories = match load_advisories() {
        Ok(advisories) => advisories,
        Err(error) => {
            eprintln!("matching benchmark: cannot read the OSV data: {error}");
            std::process::exit(2);
        }
    };
    println!("read {} advisories in {:.2} s", advisories.len(), t.elapsed().as_secs_f64());

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let components = components(&advisories, &mut rng);
    let before = resident_kb();
    let t = Instant::now();
    let mut index = AdvisoryIndex::build(advisories.iter().cloned());
    let build = t.elapsed();
    let after = resident_kb();
    let stats = index.stats();
    println!(
        "index build: {:.0} ms; {} advisories, {} packages, {} affected entries, {} parsed versions \
         (Version is {} bytes inline); resident memory +{} MB",
        build.as_secs_f64() * 1000.0,
        stats.advisories,
        stats.packages,
        stats.entries,
        stats.parsed_versions,
        std::mem::size_of::<chainward_versions::Version>(),
        match (before, after) {
            (Some(before), Some(after)) => format!("{:.1}", after.saturating_sub(before) as f64 / 1024.0),
            _ => "?".to_owned(),
        }
    );
    let mut entries_per_package: HashMap<PackageKey, usize> = HashMap::new();
    for advisory in advisories.iter().filter(|advisory| !advisory.is_withdrawn()) {
        for affected in &advisory.affected {
            if let Some(package) = &affected.package {
                *entries_per_package.entry(normalise_osv_package(&package.ecosystem, &package.name)).or_default() += 1;
            }
        }
    }
    let evaluations: usize = components.iter().map(|(key, _)| entries_per_package.get(key).copied().unwrap_or(0)).sum();
    println!(
        "{} distinct package versions drawn from {} packages; {evaluations} affected entries to evaluate",
        components.len(),
        stats.packages
    );

    let mut times = Vec::with_capacity(RUNS);
    let mut counts = (0usize, 0usize, 0usize);
    for _ in 0..RUNS {
        counts = (0, 0, 0);
        let t = Instant::now();
        for (key, version) in &components {
            for found in index.match_package(key, Some(version)) {
                match found.verdict {
                    Verdict::Affected { .. } => counts.0 += 1,
                    Verdict::NotEvaluable { .. } => counts.1 += 1,
                    Verdict::UnknownVersion => counts.2 += 1,
                }
            }
        }
        times.push(t.elapsed());
    }
    let full = median(times);
    println!(
        "full match {} package versions: {:.0} ms (target < 1000 ms, ratio {:.2}); {} affected, {} not evaluable",
        components.len(),
        full.as_secs_f64() * 1000.0,
        full.as_secs_f64() / 1.0,
        counts.0,
        counts.1
    );

    // The inventory side: components by package, as a store would hold them.
    let mut by_package: HashMap<&PackageKey, Vec<&str>> = HashMap::new();
    for (key, version) in &components {
        by_package.entry(key).or_default().push(version);
    }
    // The busiest case: a copy of an advisory naming the package with the most
    // advisories (and so the most matches per component).
    let busiest = index
        .packages()
        .max_by_key(|key| (entries_per_package.get(*key).copied().unwrap_or(0), std::cmp::Reverse(*key)))
        .cloned();
    let template = advisories
        .iter()
        .find(|advisory| {
            !advisory.is_withdrawn()
                && busiest.as_ref().is_some_and(|busiest| packages_named_by(advisory).contains(busiest))
        })
        .or_else(|| advisories.first())
        .cloned()
        .unwrap_or_default();
    let named: Vec<String> =
        packages_named_by(&template).iter().map(|key| format!("{}/{}", key.ecosystem, key.name)).collect();
    println!(
        "re-match after one new advisory (target < 10 ms); insert, then re-match the components of the packages it names:"
    );
    for scope in [Scope::Vulnerability, Scope::WholePackages] {
        let mut runs: Vec<Rematch> =
            (0..RUNS).map(|run| rematch(&mut index, &template, &by_package, scope, run)).collect();
        runs.sort_by_key(|run| run.total);
        if let Some(run) = runs.get(runs.len() / 2) {
            println!(
                "  {}: busiest package, a copy of {} naming {}: median of {RUNS} {:.0} µs (ratio {:.3}), of which \
                 insert {:.0} µs; {} components, {} matches",
                scope.label(),
                template.id,
                named.join(", "),
                run.total.as_secs_f64() * 1e6,
                run.total.as_secs_f64() / 0.010,
                run.insert.as_secs_f64() * 1e6,
                run.components,
                run.matches,
            );
        }
        // Ordinary cases: copies of every 25th advisory, each the median of three runs, so
        // that one preemption by another process (this machine is shared) is not taken for
        // the cost of that advisory.
        let templates: Vec<&Advisory> =
            advisories.iter().filter(|advisory| !advisory.is_withdrawn()).step_by(SPREAD_STEP).collect();
        let runs: Vec<(Rematch, &Advisory)> = templates
            .iter()
            .enumerate()
            .filter_map(|(i, template)| {
                let mut tries: Vec<Rematch> = (0..SPREAD_TRIES)
                    .map(|attempt| rematch(&mut index, template, &by_package, scope, RUNS + i * SPREAD_TRIES + attempt))
                    .collect();
                tries.sort_by_key(|run| run.total);
                tries.into_iter().nth(SPREAD_TRIES / 2).map(|run| (run, *template))
            })
            .collect();
        let mut totals: Vec<Duration> = runs.iter().map(|(run, _)| run.total).collect();
        totals.sort();
        let mut inserts: Vec<Duration> = runs.iter().map(|(run, _)| run.insert).collect();
        inserts.sort();
        let worst = runs.iter().max_by_key(|(run, _)| run.total);
        let micros = |d: Option<&Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1e6);
        println!(
            "  {}: every {SPREAD_STEP}th advisory ({}, each the median of {SPREAD_TRIES}): median {:.0} µs (insert {:.0} µs), 90th percentile {:.0} µs, \
             worst {:.0} µs (ratio {:.3}, {}: {} components, {} matches)",
            scope.label(),
            runs.len(),
            micros(totals.get(totals.len() / 2)),
            micros(inserts.get(inserts.len() / 2)),
            micros(totals.get(totals.len() * 9 / 10)),
            micros(totals.last()),
            totals.last().map_or(0.0, |d| d.as_secs_f64() / 0.010),
            worst.map_or("-", |(_, template)| template.id.as_str()),
            worst.map_or(0, |(run, _)| run.components),
            worst.map_or(0, |(run, _)| run.matches),
        );
    }
    println!("load average after: {} (2 cores)", load_average());
}

/// What a re-match evaluates for each component of the packages a new advisory names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The new advisory's vulnerability only ([`AdvisoryIndex::match_vulnerability`]): the
    /// other vulnerabilities' matches cannot change.
    Vulnerability,
    /// Every advisory naming the package ([`AdvisoryIndex::match_package`]), as the server's
    /// `rematch_packages` does with an index it builds from the store.
    WholePackages,
}

impl Scope {
    fn label(self) -> &'static str {
        match self {
            Scope::Vulnerability => "its vulnerability only",
            Scope::WholePackages => "whole packages",
        }
    }
}

/// One timed re-match.
struct Rematch {
    total: Duration,
    insert: Duration,
    components: usize,
    matches: usize,
}

/// Inserts a copy of `template` (new id, first fix moved up), re-matches the components of
/// the packages it names in `scope`, and removes it again (untimed).
fn rematch(
    index: &mut AdvisoryIndex,
    template: &Advisory,
    by_package: &HashMap<&PackageKey, Vec<&str>>,
    scope: Scope,
    run: usize,
) -> Rematch {
    let mut new = template.clone();
    let id = format!("BENCH-{run}");
    new.id = id.clone();
    new.aliases.clear();
    let first_fix = new
        .affected
        .iter_mut()
        .flat_map(|a| a.ranges.iter_mut())
        .flat_map(|r| r.events.iter_mut())
        .find(|e| e.fixed.is_some());
    if let Some(event) = first_fix {
        event.fixed = event.fixed.as_deref().map(|fixed| format!("{fixed}.1"));
    }
    let t = Instant::now();
    let named = packages_named_by(&new);
    index.insert(new);
    let insert = t.elapsed();
    let (mut components, mut matches) = (0, 0);
    for key in &named {
        for version in by_package.get(key).into_iter().flatten() {
            components += 1;
            matches += match scope {
                Scope::Vulnerability => usize::from(index.match_vulnerability(&id, key, Some(version)).is_some()),
                Scope::WholePackages => index.match_package(key, Some(version)).len(),
            };
        }
    }
    let total = t.elapsed();
    index.remove(&id);
    Rematch { total, insert, components, matches }
}
