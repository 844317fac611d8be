//! CSV import and export of the registry, one file per table (suppliers, subcontracts,
//! offerings, releases, services, service uses). The user guide is `docs/csv.md`.
//!
//! - [`model`]: the documented columns of each table, list separators and limits.
//! - [`read`]: bytes in, a [`chainward_core::batch::RegistryBatch`] and row problems out.
//! - [`write`](mod@write): one table of a batch out as CSV that reads back into the same rows.
//! - [`diagnostics`]: the hard errors, each with a stable code.

pub mod diagnostics;
pub mod model;
pub mod read;
pub mod write;

#[cfg(test)]
mod tests;

pub use diagnostics::{CSV_ERROR_CODES, CsvError, UnknownHeader};
pub use model::{CsvColumn, CsvLimits, LIST_SEPARATOR, normalise_header, table_columns};
pub use read::{CsvRead, detect_table, read_registry_csv, read_registry_csv_with_limits};
pub use write::{write_registry_csv, write_registry_csv_to};
