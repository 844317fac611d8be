//! What can go wrong reading a CSV file: the hard errors that leave nothing usable
//! ([`CsvError`], each with a stable kebab-case code), and helpers that build the
//! per-row problems ([`RowProblem`]) the reader returns beside the rows it could read.

use std::fmt;

use chainward_core::batch::{RowProblem, Table};

/// Why a CSV file could not be read at all.
///
/// Everything smaller than this (a bad value, a ragged row) is a [`RowProblem`] instead,
/// and the rest of the file is still read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    /// The file is larger than the limit.
    #[error("the file has {bytes} bytes, more than the limit of {limit}; split it into smaller files")]
    TooLarge {
        /// Size of the file.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The file has nothing in it but perhaps a byte order mark and white space.
    #[error("the file is empty; it needs at least a header row")]
    Empty,
    /// The file starts with a UTF-16 byte order mark.
    #[error("the file is UTF-16 text; save it as \"CSV UTF-8\" instead")]
    Utf16,
    /// The file is not valid UTF-8.
    #[error("the file is not UTF-8 text: invalid byte at offset {byte} (line {line}); save it as \"CSV UTF-8\"")]
    NotUtf8 {
        /// Offset of the first invalid byte, counted from the start of the file.
        byte: usize,
        /// The 1-based line that byte is on.
        line: u64,
    },
    /// A header cell is empty.
    #[error("header column {position} has no name; name it or delete the column")]
    EmptyHeader {
        /// 1-based position of the column.
        position: usize,
    },
    /// The same header appears twice.
    #[error("the header row has the column {name:?} twice; delete one of them")]
    DuplicateHeader {
        /// The header, normalised.
        name: String,
    },
    /// The header row resembles a table but lacks some of its required columns.
    #[error(
        "the header row looks like {table} but lacks the required {}{}",
        quoted_list(missing),
        unknown_note(unknown)
    )]
    MissingHeaders {
        /// The table the header row resembles most.
        table: Table,
        /// Required columns not present.
        missing: Vec<String>,
        /// Columns the table does not have (often the misspelt missing ones); at most 20.
        unknown: Vec<UnknownHeader>,
    },
    /// The header row has every required column of a table but also columns it does not have.
    #[error("the {table} header row has unknown {}; the columns are {}", unknown_list(unknown), allowed.join(", "))]
    UnknownHeaders {
        /// The table.
        table: Table,
        /// The columns that are not documented for it; at most 20.
        unknown: Vec<UnknownHeader>,
        /// Every documented column of the table.
        allowed: Vec<&'static str>,
    },
    /// The header row matches no table at all.
    #[error(
        "the header row ({}) matches no table; see docs/csv.md for the headers of each table",
        quoted_list(headers)
    )]
    NoTableMatches {
        /// The headers found, normalised (and shortened if very long); at most 20.
        headers: Vec<String>,
    },
    /// The file is a table the caller did not ask for.
    #[error("the file is a {found} table, but {} was expected", table_list(expected))]
    UnexpectedTable {
        /// The table the header row matches.
        found: Table,
        /// The tables the caller accepts.
        expected: Vec<Table>,
    },
    /// The file has more data rows than the limit.
    #[error("the file has more than {limit} rows; split it into smaller files")]
    TooManyRows {
        /// The limit.
        limit: u64,
    },
    /// The CSV parser gave up (should not happen on UTF-8 input; reported rather than hidden).
    #[error("line {line}: {reason}")]
    Syntax {
        /// The 1-based line.
        line: u64,
        /// The parser's message.
        reason: String,
    },
}

/// A header that is not a documented column, with the documented column it most likely meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownHeader {
    /// The header, normalised (and shortened if very long).
    pub name: String,
    /// A documented column within two edits of it, if there is one.
    pub suggestion: Option<&'static str>,
}

impl fmt::Display for UnknownHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.name)?;
        if let Some(s) = self.suggestion {
            write!(f, " (did you mean {s:?}?)")?;
        }
        Ok(())
    }
}

/// Every code [`CsvError::code`] can return, in declaration order.
pub const CSV_ERROR_CODES: &[&str] = &[
    "csv-too-large",
    "csv-empty",
    "csv-utf16",
    "csv-not-utf8",
    "csv-empty-header",
    "csv-duplicate-header",
    "csv-missing-header",
    "csv-unknown-header",
    "csv-no-table",
    "csv-unexpected-table",
    "csv-too-many-rows",
    "csv-syntax",
];

impl CsvError {
    /// A stable kebab-case code for programs and documentation to refer to.
    pub fn code(&self) -> &'static str {
        match self {
            CsvError::TooLarge { .. } => "csv-too-large",
            CsvError::Empty => "csv-empty",
            CsvError::Utf16 => "csv-utf16",
            CsvError::NotUtf8 { .. } => "csv-not-utf8",
            CsvError::EmptyHeader { .. } => "csv-empty-header",
            CsvError::DuplicateHeader { .. } => "csv-duplicate-header",
            CsvError::MissingHeaders { .. } => "csv-missing-header",
            CsvError::UnknownHeaders { .. } => "csv-unknown-header",
            CsvError::NoTableMatches { .. } => "csv-no-table",
            CsvError::UnexpectedTable { .. } => "csv-unexpected-table",
            CsvError::TooManyRows { .. } => "csv-too-many-rows",
            CsvError::Syntax { .. } => "csv-syntax",
        }
    }
}

fn quoted_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
    let noun = if items.len() == 1 { "column" } else { "columns" };
    format!("{noun} {}", quoted.join(", "))
}

fn unknown_list(items: &[UnknownHeader]) -> String {
    let listed: Vec<String> = items.iter().map(ToString::to_string).collect();
    let noun = if items.len() == 1 { "column" } else { "columns" };
    format!("{noun} {}", listed.join(", "))
}

fn unknown_note(items: &[UnknownHeader]) -> String {
    if items.is_empty() { String::new() } else { format!(" and has the unknown {}", unknown_list(items)) }
}

fn table_list(tables: &[Table]) -> String {
    let names: Vec<&str> = tables.iter().map(|t| t.as_str()).collect();
    if names.is_empty() { "no table".to_owned() } else { names.join(" or ") }
}

/// Shortens text quoted back in a message, so a pathological header cannot fill a screen.
pub(crate) fn shortened(text: &str) -> String {
    const KEEP: usize = 60;
    if text.chars().count() <= KEEP {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(KEEP).collect();
        short.push('…');
        short
    }
}

/// A problem with one cell of a row.
pub(crate) fn cell_problem(table: Table, line: u64, column: &str, reason: impl Into<String>) -> RowProblem {
    RowProblem { table, line, column: Some(column.to_owned()), reason: reason.into() }
}

/// A problem with a row as a whole.
pub(crate) fn row_problem(table: Table, line: u64, reason: impl Into<String>) -> RowProblem {
    RowProblem { table, line, column: None, reason: reason.into() }
}

/// The number of single-character edits between two strings, or `None` once it is known
/// to exceed `limit` (headers are short; this keeps the work small for long ones).
pub(crate) fn edit_distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous.get(j).copied().unwrap_or(usize::MAX).saturating_add(usize::from(ca != cb));
            let deletion = previous.get(j + 1).copied().unwrap_or(usize::MAX).saturating_add(1);
            let insertion = current.last().copied().unwrap_or(usize::MAX).saturating_add(1);
            current.push(substitution.min(deletion).min(insertion));
        }
        previous = current;
    }
    previous.last().copied().filter(|d| *d <= limit)
}
