//! Fuzz target: purl parsing never panics, and the canonical form is a fixed point.

#![no_main]

use chainward_core::purl::Purl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(purl) = Purl::parse(text) else { return };
    let canonical = purl.canonical();
    let again = Purl::parse(&canonical).expect("a canonical purl parses");
    assert_eq!(again.canonical(), canonical);
});
