//! Fuzz target: the SPDX 2.x JSON and SPDX 3 JSON-LD readers never panic.

#![no_main]

use chainward_formats::json;
use chainward_formats::sbom::{Limits, spdx};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = json::parse(data) else { return };
    let _ = spdx::read_json(&doc, &Limits::default());
    let _ = spdx::read_jsonld(&doc, &Limits::default());
});
