//! Fuzz target: the SPDX tag-value and YAML readers never panic, and tag-value or YAML that
//! reads writes out as SPDX 2.3 JSON that reads back.

#![no_main]

use chainward_formats::json;
use chainward_formats::sbom::{Limits, spdx};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let limits = Limits::default();
    for read in [spdx::read_tag_value(text, &limits), spdx::read_yaml(text, &limits)].into_iter().flatten() {
        let written = spdx::write_json_2_3(&read.sbom, "https://fuzz.invalid/doc", "2026-01-01T00:00:00Z");
        let doc = json::parse(&written).expect("the writer writes JSON");
        spdx::read_json(&doc, &limits).expect("the writer writes SPDX");
    }
});
