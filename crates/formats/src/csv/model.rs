//! The shape of chainward's CSV files: the documented columns of each table, the list
//! separators used inside a cell, and the limits that keep untrusted input bounded.
//!
//! This is the one owner of the CSV wire format: the reader and the writer both take the
//! column lists from here, and the user guide (`docs/csv.md`) is checked against them.

use chainward_core::batch::Table;

/// One documented column of a CSV table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvColumn {
    /// The header, in snake_case, as the writer spells it.
    pub name: &'static str,
    /// Whether the column must be present and every row must have a value in it.
    pub required: bool,
}

const fn required(name: &'static str) -> CsvColumn {
    CsvColumn { name, required: true }
}

const fn optional(name: &'static str) -> CsvColumn {
    CsvColumn { name, required: false }
}

const SUPPLIER_COLUMNS: &[CsvColumn] = &[
    required("name"),
    required("kind"),
    required("tier"),
    optional("status"),
    optional("data_access"),
    optional("country"),
    optional("lei"),
    optional("duns"),
    optional("vat"),
    optional("other_id"),
    optional("description"),
    optional("website"),
    optional("security_contact_name"),
    optional("security_contact_email"),
    optional("security_contact_phone"),
    optional("incident_contact_name"),
    optional("incident_contact_email"),
    optional("incident_contact_phone"),
    optional("account_contact_name"),
    optional("account_contact_email"),
    optional("account_contact_phone"),
    optional("owners"),
];

const SUBCONTRACT_COLUMNS: &[CsvColumn] = &[
    required("supplier"),
    required("subcontractor"),
    required("scope"),
    optional("since"),
    optional("handles_our_data"),
];

const OFFERING_COLUMNS: &[CsvColumn] =
    &[required("supplier"), required("name"), required("kind"), optional("description")];

const RELEASE_COLUMNS: &[CsvColumn] = &[required("offering"), required("version"), optional("released_on")];

const SERVICE_COLUMNS: &[CsvColumn] = &[
    required("name"),
    required("criticality"),
    optional("owner"),
    optional("owner_email"),
    optional("rto_hours"),
    optional("description"),
];

const SERVICE_USE_COLUMNS: &[CsvColumn] =
    &[required("service"), required("offering"), optional("purpose"), optional("alternatives")];

/// The documented columns of `table`, in the order the writer puts them.
pub fn table_columns(table: Table) -> &'static [CsvColumn] {
    match table {
        Table::Suppliers => SUPPLIER_COLUMNS,
        Table::Subcontracts => SUBCONTRACT_COLUMNS,
        Table::Offerings => OFFERING_COLUMNS,
        Table::Releases => RELEASE_COLUMNS,
        Table::Services => SERVICE_COLUMNS,
        Table::ServiceUses => SERVICE_USE_COLUMNS,
    }
}

/// Separates the entries of a list inside one cell (`owners`, `alternatives`).
///
/// A pipe rather than `;` because `;` may be the file's delimiter: a quoted cell would
/// still read correctly, but people editing the file by hand would trip over it.
pub const LIST_SEPARATOR: char = '|';

/// How the writer joins list entries; the reader trims the spaces away again.
pub(crate) const LIST_JOINER: &str = " | ";

/// Bounds on untrusted input. A file beyond `max_bytes` or `max_rows` is refused as a
/// whole; a field beyond `max_field_chars` makes its row bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvLimits {
    /// Largest file accepted, in bytes.
    pub max_bytes: usize,
    /// Most data rows accepted (the header row not counted).
    pub max_rows: u64,
    /// Longest field accepted, in characters.
    pub max_field_chars: usize,
    /// Most row problems listed; beyond it one closing problem says how many were left out.
    pub max_problems: usize,
}

impl Default for CsvLimits {
    fn default() -> Self {
        CsvLimits { max_bytes: 64 * 1024 * 1024, max_rows: 1_000_000, max_field_chars: 10_000, max_problems: 10_000 }
    }
}

/// Turns a header as people type it into the documented spelling: trimmed, lower case,
/// spaces and dashes as underscores (`Data Access` and `data-access` both mean `data_access`).
pub fn normalise_header(raw: &str) -> String {
    raw.trim().chars().map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_lowercase() }).collect()
}

/// How dates are written: `YYYY-MM-DD`.
pub(crate) const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");
