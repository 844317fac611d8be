//! The OSV agreement test: real advisories that give both an explicit `versions` list and
//! `ECOSYSTEM`/`SEMVER` ranges say the same thing twice. Evaluating the ranges alone over
//! each listed version must find it affected; where it does not, either our version order
//! or the data is wrong, and every data error is named below with the reason.
//!
//! Reads every OSV zip in `CHAINWARD_DATA/osv` in place (`*-native.zip` are not OSV and are
//! skipped). Prints `osv agreement <ecosystem>: agreed/total (xx.xx%)` per ecosystem and
//! each disagreement.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::io::Read;

use chainward_core::vuln::matching::{CompiledAffected, ComponentVersion, Verdict, normalise_osv_package};
use chainward_core::vuln::osv::{Advisory, Affected};

/// Disagreements that are errors in the data, not in our ordering: advisory id, listed
/// version, and one line on why the record is inconsistent.
const DATA_DISAGREEMENTS: &[(&str, &str, &str)] = &[
    (
        "PYSEC-2021-114",
        "2.11.6",
        "one range holds overlapping intervals (introduced 0 to fixed 2.11.6 and introduced 2.11 to fixed 2.11.7); the OSV specification evaluates a range as one list of events sorted by version, so 2.11.6 falls after the first fix",
    ),
    (
        "PYSEC-2022-236",
        "3.1.1",
        "one range holds overlapping intervals (introduced 0 to fixed 3.1.1 and introduced 3.1.1 to fixed 3.1.3); the OSV specification evaluates a range as one list of events sorted by version, so 3.1.1 falls after the first fix",
    ),
    (
        "PYSEC-2022-236",
        "3.1.2",
        "one range holds overlapping intervals (introduced 0 to fixed 3.1.1 and introduced 3.1.1 to fixed 3.1.3); the OSV specification evaluates a range as one list of events sorted by version, so 3.1.2 falls after the first fix",
    ),
    ("PYSEC-2023-177", "23.9.0", "the range says fixed 23.9.0, yet the list names 23.9.0 itself as affected"),
    (
        "PYSEC-2023-177",
        "23.9.0.post1",
        "the range says fixed 23.9.0, yet the list names the later post-release 23.9.0.post1 as affected",
    ),
    (
        "PYSEC-2023-61",
        "3.2a1",
        "the range is introduced at the final release 3.2, but the list also names its pre-releases, which PEP 440 orders before 3.2",
    ),
    (
        "PYSEC-2023-61",
        "3.2b1",
        "the range is introduced at the final release 3.2, but the list also names its pre-releases, which PEP 440 orders before 3.2",
    ),
    (
        "PYSEC-2023-61",
        "3.2rc1",
        "the range is introduced at the final release 3.2, but the list also names its pre-releases, which PEP 440 orders before 3.2",
    ),
    (
        "PYSEC-2023-61",
        "4.2a1",
        "the range is introduced at the final release 4.2, but the list also names its pre-releases, which PEP 440 orders before 4.2",
    ),
    (
        "PYSEC-2023-61",
        "4.2b1",
        "the range is introduced at the final release 4.2, but the list also names its pre-releases, which PEP 440 orders before 4.2",
    ),
    (
        "PYSEC-2023-61",
        "4.2rc1",
        "the range is introduced at the final release 4.2, but the list also names its pre-releases, which PEP 440 orders before 4.2",
    ),
    (
        "PYSEC-2023-72",
        "3.1.1",
        "one range holds overlapping intervals (introduced 0 to fixed 3.1.1 and introduced 3.1.1 to fixed 3.2.0); the OSV specification evaluates a range as one list of events sorted by version, so 3.1.1 falls after the first fix",
    ),
    (
        "PYSEC-2023-72",
        "3.1.2",
        "one range holds overlapping intervals (introduced 0 to fixed 3.1.1 and introduced 3.1.1 to fixed 3.2.0); the OSV specification evaluates a range as one list of events sorted by version, so 3.1.2 falls after the first fix",
    ),
    (
        "PYSEC-2023-72",
        "3.1.3",
        "one range holds overlapping intervals (introduced 0 to fixed 3.1.1 and introduced 3.1.1 to fixed 3.2.0); the OSV specification evaluates a range as one list of events sorted by version, so 3.1.3 falls after the first fix",
    ),
];

/// The largest zip entry read; OSV records are a few kB, the largest some hundred kB.
const MAX_ENTRY_BYTES: u64 = 16 * 1024 * 1024;

/// Every OSV record of every zip in the shared `osv/` folder, with the zip's name.
pub fn shared_advisories() -> Vec<(String, Advisory)> {
    let dir = crate::data_dir().join("osv");
    let mut zips: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "zip"))
        .filter(|path| !path.file_name().unwrap().to_string_lossy().ends_with("-native.zip"))
        .collect();
    zips.sort();
    assert!(!zips.is_empty(), "no OSV zips in {}", dir.display());
    let mut advisories = Vec::new();
    for path in zips {
        let zip_name = path.file_name().unwrap().to_string_lossy().into_owned();
        let file = std::fs::File::open(&path).unwrap();
        let mut archive = zip::ZipArchive::new(file).unwrap_or_else(|error| panic!("{zip_name}: {error}"));
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().into_owned();
            if !name.ends_with(".json") {
                continue;
            }
            let mut text = String::new();
            (&mut entry).take(MAX_ENTRY_BYTES).read_to_string(&mut text).unwrap();
            let advisory: Advisory =
                serde_json::from_str(&text).unwrap_or_else(|error| panic!("{zip_name}/{name}: {error}"));
            advisories.push((zip_name.clone(), advisory));
        }
    }
    advisories
}

fn is_linear(affected: &Affected) -> bool {
    affected.ranges.iter().any(|range| matches!(range.kind.as_str(), "ECOSYSTEM" | "SEMVER"))
}

/// The events of the linear ranges, as the record gives them, for a disagreement line.
fn show_ranges(affected: &Affected) -> String {
    affected
        .ranges
        .iter()
        .filter(|range| range.kind != "GIT")
        .map(|range| {
            let events: Vec<String> = range
                .events
                .iter()
                .flat_map(|event| {
                    [
                        event.introduced.as_ref().map(|v| format!("introduced {v}")),
                        event.fixed.as_ref().map(|v| format!("fixed {v}")),
                        event.last_affected.as_ref().map(|v| format!("last_affected {v}")),
                        event.limit.as_ref().map(|v| format!("limit {v}")),
                    ]
                })
                .flatten()
                .collect();
            format!("{} [{}]", range.kind, events.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn osv_ranges_agree_with_the_listed_versions() {
    let advisories = shared_advisories();
    let mut totals: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut disagreements: Vec<(String, String, String)> = Vec::new();
    let mut git_only_records = 0usize;
    let mut records_checked = 0usize;
    let mut git_only_entries = 0usize;
    for (zip_name, advisory) in &advisories {
        let has_ranges = advisory.affected.iter().any(|affected| !affected.ranges.is_empty());
        let all_git = advisory.affected.iter().all(|affected| affected.ranges.iter().all(|range| range.kind == "GIT"));
        if has_ranges && all_git {
            git_only_records += 1;
            continue;
        }
        let mut checked = false;
        for affected in &advisory.affected {
            let Some(package) = &affected.package else { continue };
            if affected.versions.is_empty() || !is_linear(affected) {
                git_only_entries += usize::from(!affected.versions.is_empty() && !affected.ranges.is_empty());
                continue;
            }
            checked = true;
            let key = normalise_osv_package(&package.ecosystem, &package.name);
            let compiled = CompiledAffected::compile(&key.ecosystem, affected);
            let ecosystem = key.ecosystem.split(':').next().unwrap_or_default().to_owned();
            let total = totals.entry(ecosystem).or_default();
            for listed in &affected.versions {
                total.1 += 1;
                let mut version = ComponentVersion::new(listed);
                let why = match compiled.evaluate_ranges_only(&mut version) {
                    Some(Verdict::Affected { .. }) => {
                        total.0 += 1;
                        continue;
                    }
                    Some(Verdict::NotEvaluable { reason }) => format!("not evaluable: {reason}"),
                    Some(Verdict::UnknownVersion) | None => "outside the ranges".to_owned(),
                };
                let line = format!(
                    "{} {} ({zip_name}): {why}; ranges: {}",
                    package.ecosystem,
                    package.name,
                    show_ranges(affected)
                );
                disagreements.push((advisory.id.clone(), listed.clone(), line));
            }
        }
        records_checked += usize::from(checked);
    }
    println!(
        "osv agreement: {} records read, {records_checked} with listed versions and ECOSYSTEM/SEMVER ranges, \
         {git_only_records} GIT-only records skipped, {git_only_entries} GIT-only affected entries with listed \
         versions skipped",
        advisories.len()
    );
    for (ecosystem, (agreed, total)) in &totals {
        let percent = if *total == 0 { 100.0 } else { *agreed as f64 * 100.0 / *total as f64 };
        println!("osv agreement {ecosystem}: {agreed}/{total} ({percent:.2}%)");
    }
    let mut unexplained = 0usize;
    for (id, version, line) in &disagreements {
        let known =
            DATA_DISAGREEMENTS.iter().any(|(known_id, known_version, _)| known_id == id && known_version == version);
        let mark = if known { "known data error" } else { "DISAGREEMENT" };
        println!("{mark}: {id} version {version}: {line}");
        unexplained += usize::from(!known);
    }
    let stale: Vec<_> = DATA_DISAGREEMENTS
        .iter()
        .filter(|(id, version, _)| !disagreements.iter().any(|(i, v, _)| i == id && v == version))
        .collect();
    assert!(stale.is_empty(), "listed data disagreements that no longer occur: {stale:?}");
    assert_eq!(unexplained, 0, "{unexplained} disagreements between OSV ranges and listed versions are not explained");
}
