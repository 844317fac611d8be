//! The versions crate's one integration-test binary: the ecosystem fixtures and the
//! vers-spec suite from the shared data folder, read in place.

use std::path::PathBuf;

/// The shared data folder: `CHAINWARD_DATA`, default `../shared/data` beside the checkout.
/// Panics with a clear message when it is not there, rather than passing vacuously.
#[allow(clippy::panic, dead_code)]
pub fn data_dir() -> PathBuf {
    let dir = std::env::var_os("CHAINWARD_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    if !dir.is_dir() {
        panic!("PUBLIC TEST DATA NOT FOUND at {}: set CHAINWARD_DATA to the shared data folder", dir.display());
    }
    dir
}

mod fixture_file;
mod fixtures_a;
mod fixtures_b;
mod laws_a;
mod laws_b;
mod vers_suite;
