//! Fuzz target: any bytes as a zip of OSV records, read under small limits, never panic;
//! every record delivered comes from a `.json` entry and the decompressed bytes stay under
//! the limits.

#![no_main]

use chainward_formats::feeds::archive::{Limits, osv_records_from_zip_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_entries: 64,
        max_entry_bytes: 64 * 1024,
        max_total_bytes: 1024 * 1024,
        max_ratio: 100,
        ratio_floor_bytes: 4 * 1024,
        max_folder_depth: 4,
    };
    let mut delivered = 0usize;
    let result = osv_records_from_zip_bytes(data, &limits, |outcome| {
        delivered += 1;
        if let Ok(record) = outcome {
            assert!(record.source_name.to_ascii_lowercase().ends_with(".json"));
            assert!(record.raw.len() as u64 <= limits.max_entry_bytes);
        }
    });
    if let Ok(summary) = result {
        assert_eq!(summary.records + summary.errors, delivered);
        assert!(summary.bytes <= limits.max_total_bytes);
    }
});
