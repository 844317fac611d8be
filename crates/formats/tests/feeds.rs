//! Vulnerability feeds: every OSV zip in the shared data read through the archive reader
//! (with counts per zip), every CVSS vector in them scored, a folder source against its
//! zip, hostile archives built here at run time, and the KEV catalogue as JSON and CSV.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use chainward_core::vuln::cvss;
use chainward_formats::feeds::archive::{
    self, ArchiveError, Limits, ParsedAdvisory, ReadSummary, RecordError, RecordOutcome,
};
use chainward_formats::feeds::kev::read_kev;
use zip::write::SimpleFileOptions;

use crate::data::data_dir;

fn osv_dir() -> PathBuf {
    data_dir().join("osv")
}

/// Everything a source gave.
struct Read {
    summary: ReadSummary,
    records: Vec<ParsedAdvisory>,
    errors: Vec<RecordError>,
}

fn collect(read: impl FnOnce(&mut dyn FnMut(RecordOutcome)) -> Result<ReadSummary, ArchiveError>) -> Read {
    let (mut records, mut errors) = (Vec::new(), Vec::new());
    let summary = read(&mut |outcome| match outcome {
        Ok(record) => records.push(record),
        Err(error) => errors.push(error),
    })
    .unwrap();
    Read { summary, records, errors }
}

fn read_zip_file(path: &Path) -> Read {
    collect(|on| archive::osv_records_from_zip_file(path, &Limits::default(), on))
}

fn read_zip_bytes(bytes: &[u8], limits: &Limits) -> Read {
    collect(|on| archive::osv_records_from_zip_bytes(bytes, limits, on))
}

fn codes(errors: &[RecordError]) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for error in errors {
        *out.entry(error.code).or_insert(0) += 1;
    }
    out
}

/// `(zip, records, errors, skipped, withdrawn)` as SOURCES.md describes the shared data.
const EXPECTED: &[(&str, usize, usize, usize, usize)] = &[
    ("Go.zip", 4291, 0, 0, 17),
    ("Maven.zip", 11, 0, 0, 1),
    ("PyPI.zip", 2661, 0, 0, 10),
    ("crates.io.zip", 1206, 0, 0, 13),
    // Not OSV: the Node Security Project's own format (no `modified`), and two README files.
    ("npm-nodejs-security-wg-native.zip", 0, 640, 2, 0),
    ("npm.zip", 7, 0, 0, 0),
    // Not OSV: RustSec's Markdown advisories; nothing ends in .json.
    ("rustsec-advisory-db-native.zip", 0, 0, 1230, 0),
];

#[test]
fn every_osv_zip_in_the_shared_data_reads_with_the_expected_counts() {
    let mut zips: Vec<PathBuf> = std::fs::read_dir(osv_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "zip"))
        .collect();
    zips.sort();
    assert_eq!(zips.len(), EXPECTED.len(), "a zip was added or removed: update EXPECTED");
    let mut passed = 0;
    for path in &zips {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let read = read_zip_file(path);
        let withdrawn = read.records.iter().filter(|r| r.advisory.is_withdrawn()).count();
        let mut warnings: BTreeMap<&str, usize> = BTreeMap::new();
        for warning in read.records.iter().flat_map(|r| &r.warnings) {
            *warnings.entry(warning.code).or_insert(0) += 1;
        }
        println!(
            "osv {name}: {} entries, {} records ok ({withdrawn} withdrawn), {} errors {:?}, {} skipped, {} bytes; warnings {warnings:?}",
            read.summary.entries,
            read.summary.records,
            read.summary.errors,
            codes(&read.errors),
            read.summary.skipped,
            read.summary.bytes
        );
        assert_eq!(read.records.len(), read.summary.records);
        assert_eq!(read.errors.len(), read.summary.errors);
        let expected = EXPECTED.iter().find(|e| e.0 == name).unwrap();
        assert_eq!(
            (read.summary.records, read.summary.errors, read.summary.skipped, withdrawn),
            (expected.1, expected.2, expected.3, expected.4),
            "{name}"
        );
        for record in &read.records {
            assert_eq!(record.source_name, format!("{}.json", record.advisory.id), "{name}: osv.dev dump layout");
            assert!(record.raw.starts_with('{'));
        }
        passed += 1;
    }
    println!("osv zips: {passed}/{}", zips.len());
}

#[test]
fn every_cvss_vector_in_the_osv_zips_scores() {
    let mut scored: BTreeMap<cvss::CvssVersion, usize> = BTreeMap::new();
    let mut failed = Vec::new();
    let mut chosen: BTreeMap<String, usize> = BTreeMap::new();
    for name in ["Go.zip", "Maven.zip", "PyPI.zip", "crates.io.zip", "npm.zip"] {
        let read = read_zip_file(&osv_dir().join(name));
        for record in &read.records {
            let advisory = &record.advisory;
            let entries = advisory.severity.iter().chain(advisory.affected.iter().flat_map(|a| &a.severity));
            for entry in entries.filter(|e| e.kind.starts_with("CVSS_")) {
                match cvss::score(&entry.score) {
                    Ok(score) => *scored.entry(score.version).or_insert(0) += 1,
                    Err(e) => failed.push(format!("{} {}: {e}", advisory.id, entry.score)),
                }
            }
            let severity = cvss::advisory_severity(advisory);
            let key = severity.severity.map_or("unknown", |s| s.as_str()).to_owned();
            *chosen.entry(key).or_insert(0) += 1;
            assert!(severity.problems.is_empty(), "{}: {:?}", advisory.id, severity.problems);
        }
    }
    let total: usize = scored.values().sum::<usize>() + failed.len();
    println!("cvss vectors in the osv zips: {}/{total} scored {scored:?}", total - failed.len());
    println!("cvss advisory severities: {chosen:?}");
    for failure in &failed {
        println!("cvss not scored: {failure}");
    }
    assert!(failed.is_empty());
    assert!(total > 600, "the shared zips hold about 630 vectors");
}

#[test]
fn a_folder_source_gives_the_same_records_as_its_zip() {
    let zip_path = osv_dir().join("crates.io.zip");
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("feeds-folder-crates.io");
    let _ = std::fs::remove_dir_all(&folder);
    // Spread the records over sub-folders, as the advisory databases lay them out.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let sub = folder.join(&name[..10]);
        std::fs::create_dir_all(&sub).unwrap();
        let mut out = std::fs::File::create(sub.join(&name)).unwrap();
        std::io::copy(&mut entry, &mut out).unwrap();
    }
    std::fs::write(folder.join("README.md"), "not a record").unwrap();

    let from_zip = read_zip_file(&zip_path);
    let from_folder = collect(|on| archive::osv_records_from_dir(&folder, &Limits::default(), on));
    println!(
        "folder vs zip (crates.io): {} vs {} records, {} vs {} errors, {} skipped in the folder",
        from_folder.summary.records,
        from_zip.summary.records,
        from_folder.summary.errors,
        from_zip.summary.errors,
        from_folder.summary.skipped
    );
    assert_eq!(from_folder.summary.skipped, 1);
    assert_eq!(from_folder.summary.bytes, from_zip.summary.bytes);
    let key = |r: &ParsedAdvisory| (r.advisory.id.clone(), r.raw.clone(), r.advisory.clone());
    let mut a: Vec<_> = from_zip.records.iter().map(key).collect();
    let mut b: Vec<_> = from_folder.records.iter().map(key).collect();
    a.sort_by(|x, y| x.0.cmp(&y.0));
    b.sort_by(|x, y| x.0.cmp(&y.0));
    assert!(a == b, "the folder and the zip differ");
    let nested = from_folder.records.iter().find(|r| r.advisory.id == "RUSTSEC-2025-0001").unwrap();
    assert_eq!(nested.source_name, "RUSTSEC-20/RUSTSEC-2025-0001.json");
    std::fs::remove_dir_all(&folder).unwrap();
}

/// A record with `id`, `modified` and the given affected array.
fn record(id: &str, affected: &str) -> String {
    format!(r#"{{"id": "{id}", "modified": "2024-05-01T00:00:00Z", "affected": {affected}}}"#)
}

fn good(id: &str) -> String {
    record(
        id,
        r#"[{"package": {"ecosystem": "PyPI", "name": "demo"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2"}]}]}]"#,
    )
}

/// A deflated zip of `(name, contents)`.
fn build_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, contents) in entries {
        if name.ends_with('/') {
            writer.add_directory(*name, options).unwrap();
        } else {
            writer.start_file(*name, options).unwrap();
            writer.write_all(contents).unwrap();
        }
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn a_malformed_record_among_good_ones_is_one_error_and_the_rest_read() {
    let (a, b, c) = (good("A-1"), good("A-2"), good("A-3"));
    let zip = build_zip(&[
        ("A-1.json", a.as_bytes()),
        ("broken.json", b"{\"id\": \"B-1\", \"modified\": "),
        ("A-2.json", b.as_bytes()),
        ("no-id.json", br#"{"modified": "2024-01-01T00:00:00Z"}"#),
        ("no-modified.json", br#"{"id": "C-1"}"#),
        ("array.json", b"[]"),
        ("A-3.json", c.as_bytes()),
    ]);
    let read = read_zip_bytes(&zip, &Limits::default());
    let ids: Vec<&str> = read.records.iter().map(|r| r.advisory.id.as_str()).collect();
    assert_eq!(ids, ["A-1", "A-2", "A-3"]);
    let errors: Vec<(&str, &str)> = read.errors.iter().map(|e| (e.entry.as_str(), e.code)).collect();
    assert_eq!(
        errors,
        [
            ("broken.json", "osv-json-invalid"),
            ("no-id.json", "osv-missing-id"),
            ("no-modified.json", "osv-missing-modified"),
            ("array.json", "osv-not-object")
        ]
    );
    assert!(read.errors[0].message.contains("line 1"), "{}", read.errors[0].message);
}

const MIB: usize = 1024 * 1024;

#[test]
fn a_zip_bomb_is_a_per_entry_error_and_the_rest_reads() {
    let zeros = vec![b'0'; 100 * MIB];
    let a = good("A-1");
    let zip = build_zip(&[("bomb.json", &zeros), ("A-1.json", a.as_bytes())]);
    drop(zeros);
    println!("zip bomb: 100 MiB of zeros in a {} byte zip", zip.len());
    let read = read_zip_bytes(&zip, &Limits::default());
    assert_eq!(read.records.len(), 1);
    assert_eq!(codes(&read.errors), BTreeMap::from([("osv-entry-too-large", 1)]));
    // Declared sizes gave it away before anything was decompressed.
    assert!(read.summary.bytes < 4096, "{}", read.summary.bytes);
}

/// Rewrites the declared uncompressed size of every entry (local and central headers).
fn lie_about_sizes(zip: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 4 <= zip.len() {
        let offset = match &zip[i..i + 4] {
            b"PK\x03\x04" => Some(22),
            b"PK\x01\x02" => Some(24),
            _ => None,
        };
        if let Some(offset) = offset {
            zip[i + offset..i + offset + 4].copy_from_slice(&size.to_le_bytes());
        }
        i += 1;
    }
}

#[test]
fn a_zip_bomb_that_lies_about_its_size_is_stopped_after_the_declared_size() {
    let zeros = vec![b' '; 100 * MIB];
    let a = good("A-1");
    let mut zip = build_zip(&[("bomb.json", &zeros), ("A-1.json", a.as_bytes())]);
    drop(zeros);
    lie_about_sizes(&mut zip, 1000);
    let read = read_zip_bytes(&zip, &Limits::default());
    println!("lying zip bomb: errors {:?}, {} bytes decompressed", read.errors, read.summary.bytes);
    // The honest record's declared size is a lie now too (larger than it is); that is harmless.
    assert_eq!(read.records.len(), 1, "{:?}", read.errors);
    // The zip crate itself refuses to decompress past the declared size; the reader's own
    // cap and ratio check (unit-tested in `archive`) stand behind it.
    assert_eq!(codes(&read.errors), BTreeMap::from([("zip-entry-unreadable", 1)]));
    assert!(read.errors[0].message.contains("larger than its declared"), "{}", read.errors[0].message);
    assert!(read.summary.bytes <= 4096, "{}", read.summary.bytes);
}

#[test]
fn the_total_across_entries_is_capped() {
    let entries: Vec<(String, String)> = (0..10).map(|i| (format!("A-{i}.json"), good(&format!("A-{i}")))).collect();
    let borrowed: Vec<(&str, &[u8])> = entries.iter().map(|(n, c)| (n.as_str(), c.as_bytes())).collect();
    let zip = build_zip(&borrowed);
    let mut delivered = 0;
    let limits = Limits { max_total_bytes: 1000, ..Limits::default() };
    let result = archive::osv_records_from_zip_bytes(&zip, &limits, |_| delivered += 1);
    assert!(matches!(result, Err(ArchiveError::TotalTooLarge { limit: 1000 })), "{result:?}");
    assert!((1..10).contains(&delivered), "{delivered}");
    let limits = Limits { max_entries: 5, ..Limits::default() };
    let result = archive::osv_records_from_zip_bytes(&zip, &limits, |_| {});
    assert_eq!(result.err().map(|e| e.code()), Some("source-too-many-entries"));
}

#[test]
fn entry_names_that_climb_out_or_are_absolute_are_per_entry_errors() {
    let a = good("A-1");
    let zip = build_zip(&[
        ("../../etc/passwd.json", a.as_bytes()),
        ("/abs.json", a.as_bytes()),
        ("dir\\win.json", a.as_bytes()),
        ("nested/", b""),
        ("nested/A-1.json", a.as_bytes()),
        ("README.md", b"# not a record"),
    ]);
    let read = read_zip_bytes(&zip, &Limits::default());
    let errors: Vec<(&str, &str)> = read.errors.iter().map(|e| (e.entry.as_str(), e.code)).collect();
    assert_eq!(
        errors,
        [
            ("../../etc/passwd.json", "zip-path-traversal"),
            ("/abs.json", "zip-path-absolute"),
            ("dir\\win.json", "zip-path-invalid")
        ]
    );
    assert_eq!(read.records.len(), 1);
    assert_eq!(read.records[0].source_name, "nested/A-1.json");
    assert_eq!(read.summary.skipped, 1);
}

#[test]
fn nonsense_versions_out_of_order_events_and_unknown_ecosystems_are_kept() {
    let odd = record(
        "ODD-1",
        r#"[{"package": {"ecosystem": "Martian:3", "name": "m"}, "ranges": [
            {"type": "ECOSYSTEM", "events": [{"fixed": "2.0"}, {"introduced": "1.0.0.0.0.0-💥"}]},
            {"type": "WEIRD", "events": [{"introduced": "0", "fixed": "1"}]}]}]"#,
    );
    let zip = build_zip(&[("ODD-1.json", odd.as_bytes())]);
    let read = read_zip_bytes(&zip, &Limits::default());
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    let advisory = &read.records[0].advisory;
    let affected = &advisory.affected[0];
    assert_eq!(affected.package.as_ref().map(|p| p.ecosystem.as_str()), Some("Martian:3"));
    let events = &affected.ranges[0].events;
    assert_eq!(events[0].fixed.as_deref(), Some("2.0"));
    assert_eq!(events[1].introduced.as_deref(), Some("1.0.0.0.0.0-💥"));
    let warnings: Vec<(&str, &str)> = read.records[0].warnings.iter().map(|w| (w.code, w.path.as_str())).collect();
    assert_eq!(
        warnings,
        [("osv-range-type-unknown", "/affected/0/ranges/1/type"), ("osv-event-keys", "/affected/0/ranges/1/events/0")]
    );
    // The two-key event is kept whole: matching decides what it means.
    assert_eq!(affected.ranges[1].events[0].fixed.as_deref(), Some("1"));
    assert_eq!(read.records[0].raw, odd);
}

#[test]
fn a_truncated_or_corrupt_zip_is_a_clear_error_without_panic() {
    let bytes = std::fs::read(osv_dir().join("npm.zip")).unwrap();
    for cut in [0, 10, bytes.len() / 2, bytes.len() - 10] {
        let result = archive::osv_records_from_zip_bytes(&bytes[..cut], &Limits::default(), |_| {});
        let error = result.err().unwrap();
        assert_eq!(error.code(), "zip-invalid", "cut at {cut}: {error}");
        if cut == bytes.len() / 2 {
            println!("truncated zip: {error}");
        }
    }
    // Scrambled data inside the entries: the directory is intact, the entries are not.
    let mut scrambled = bytes.clone();
    for byte in scrambled.iter_mut().take(bytes.len() * 3 / 4).skip(200) {
        *byte = byte.wrapping_mul(31).wrapping_add(7);
    }
    match archive::osv_records_from_zip_bytes(&scrambled, &Limits::default(), |_| {}) {
        Ok(summary) => println!("scrambled zip: {summary:?}"),
        Err(error) => println!("scrambled zip: {error}"),
    }
}

#[test]
fn kev_json_and_csv_of_the_shared_catalogue_give_the_same_entries() {
    let dir = data_dir().join("kev");
    let (json, json_problems) =
        read_kev(&std::fs::read(dir.join("known_exploited_vulnerabilities.json")).unwrap()).unwrap();
    let (csv, csv_problems) =
        read_kev(&std::fs::read(dir.join("known_exploited_vulnerabilities.csv")).unwrap()).unwrap();
    let ransomware = json
        .entries
        .iter()
        .filter(|e| e.known_ransomware_campaign_use == chainward_formats::feeds::kev::RansomwareUse::Known)
        .count();
    println!(
        "kev {:?} {:?}: json {} entries ({} problems), csv {} entries ({} problems), {ransomware} known ransomware use",
        json.catalog_version,
        json.date_released,
        json.entries.len(),
        json_problems.len(),
        csv.entries.len(),
        csv_problems.len()
    );
    assert!(json_problems.is_empty(), "{json_problems:?}");
    assert!(csv_problems.is_empty(), "{csv_problems:?}");
    assert_eq!(json.entries.len(), 1404);
    assert_eq!(json.catalog_version.as_deref(), Some("2025.08.25"));
    assert_eq!(json.entries, csv.entries);
    let first = &json.entries[0];
    assert_eq!(first.cve_id, "CVE-2025-48384");
    assert_eq!(first.cwes, ["CWE-59", "CWE-436"]);
}
