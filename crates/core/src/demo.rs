//! The demo organisation (filled in below).

use crate::batch::RegistryBatch;

/// The demo organisation as a registry batch.
pub fn organisation() -> RegistryBatch {
    RegistryBatch::default()
}
