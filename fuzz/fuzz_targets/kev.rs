//! Fuzz target: the KEV reader (JSON or CSV) never panics on any bytes; every entry it keeps
//! has a well-formed CVE id, and CVE ids are not repeated.

#![no_main]

use std::collections::HashSet;

use chainward_formats::feeds::kev::read_kev;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((catalog, _problems)) = read_kev(data) {
        let mut seen = HashSet::new();
        for entry in &catalog.entries {
            assert!(entry.cve_id.starts_with("CVE-"));
            assert!(seen.insert(entry.cve_id.as_str()));
        }
    }
});
