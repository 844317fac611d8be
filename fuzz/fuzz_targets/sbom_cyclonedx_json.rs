//! Fuzz target: the CycloneDX JSON path (tree parse, schema validation, reader, semantic
//! checks) never panics, and whatever it reads writes out as CycloneDX 1.6 that reads back
//! with the same number of components.

#![no_main]

use chainward_formats::json;
use chainward_formats::sbom::{LoadConfig, Limits, cyclonedx, load};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = load(data, &LoadConfig::default());
    let Ok(doc) = json::parse(data) else { return };
    let Ok(read) = cyclonedx::read_json(&doc, &Limits::default()) else { return };
    let written = cyclonedx::write_json_1_6(&read.sbom);
    let doc = json::parse(&written).expect("the writer writes JSON");
    let again = cyclonedx::read_json(&doc, &Limits::default()).expect("the writer writes CycloneDX");
    assert_eq!(again.sbom.n_components(), read.sbom.n_components(), "the round trip keeps every component");
});
