//! Fuzz target: every XML reader (CycloneDX with the XSD, SPDX XML and RDF/XML, SWID tags)
//! behind `load` never panics, whatever the bytes.

#![no_main]

use chainward_formats::sbom::{LoadConfig, load};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Steer the fuzzer into the XML path: anything that does not start like XML is made to.
    if data.first() == Some(&b'<') {
        let _ = load(data, &LoadConfig::default());
    } else {
        let mut xml = b"<".to_vec();
        xml.extend_from_slice(data);
        let _ = load(&xml, &LoadConfig::default());
    }
});
