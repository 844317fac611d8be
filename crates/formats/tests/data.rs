//! Where the public test data is: `CHAINWARD_DATA`, default `../shared/data` beside the
//! checkout. Missing data fails the suite loudly rather than passing vacuously.

use std::path::PathBuf;

/// The shared data folder; panics with a clear message when it is not there.
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

/// Every file under `dir` (recursively), sorted.
#[allow(clippy::expect_used)]
pub fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).expect("readable data folder") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
