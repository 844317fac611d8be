//! The core crate's one integration-test binary: the public conformance suites in the
//! shared data folder (purl-spec, OSV), read in place, and the matching engine on
//! hand-written and real advisories.

mod incremental;
mod matching;
mod osv_agreement;
mod purl_suite;

use std::path::PathBuf;

/// The shared data folder: `CHAINWARD_DATA`, default `../shared/data` beside the checkout.
/// Panics with a clear message when it is not there, rather than passing vacuously.
#[allow(clippy::panic)]
pub fn data_dir() -> PathBuf {
    let dir = std::env::var_os("CHAINWARD_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    if !dir.is_dir() {
        panic!("PUBLIC TEST DATA NOT FOUND at {}: set CHAINWARD_DATA to the shared data folder", dir.display());
    }
    dir
}
