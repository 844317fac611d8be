//! Fuzz target: one OSV record from any bytes never panics; a record that reads has an id
//! and a `modified` time, a bounded number of warnings, and a severity that can be chosen.

#![no_main]

use chainward_core::vuln::cvss::advisory_severity;
use chainward_formats::feeds::osv::{MAX_WARNINGS, parse_record};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = parse_record(data) {
        assert!(!record.advisory.id.trim().is_empty());
        assert!(!record.advisory.modified.trim().is_empty());
        assert!(record.warnings.len() <= MAX_WARNINGS + 1);
        let severity = advisory_severity(&record.advisory);
        if let Some(score) = severity.score {
            assert!((0.0..=10.0).contains(&score));
        }
    }
});
