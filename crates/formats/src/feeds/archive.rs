//! Sources of OSV records: a zip in the osv.dev dump layout (one `<ID>.json` per advisory),
//! or a folder of `*.json` files searched recursively. Records are handed to a callback one
//! at a time, so memory stays bounded by the largest entry, whatever the source's size.
//!
//! Nothing is extracted to disk and entry names are never used as paths; still, a name with
//! `..`, an absolute path, a backslash or a NUL is reported (a well-made dump has none).
//! Sizes are enforced on the bytes actually decompressed, not on what the archive declares:
//! the per-entry cap and the compression ratio are checked while reading, the total across
//! entries after each one. Files that do not end in `.json` are skipped and counted.
//!
//! *API Boundary*: the store receives [`ParsedAdvisory`] values (model, original JSON, entry
//! name); one bad entry is one [`RecordError`], never the end of the import. Only a source
//! that cannot be opened, or one over the entry or total limits, is an [`ArchiveError`].

use std::fs;
use std::io::{self, Read, Seek};
use std::path::{Path, PathBuf};

use chainward_core::vuln::osv::Advisory;

use super::osv::{self, OsvWarning};

/// The limits a source is read under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The most entries (zip) or files and folders (folder source).
    pub max_entries: usize,
    /// The largest entry, in decompressed bytes.
    pub max_entry_bytes: u64,
    /// The most decompressed bytes across all entries.
    pub max_total_bytes: u64,
    /// The largest ratio of decompressed to compressed size of one entry, applied once an
    /// entry passes [`Limits::ratio_floor_bytes`].
    pub max_ratio: u64,
    /// Entries up to this many decompressed bytes are not ratio-checked (a small file of
    /// repetitive JSON can compress very well).
    pub ratio_floor_bytes: u64,
    /// The deepest folder nesting of a folder source.
    pub max_folder_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_entries: 1_000_000,
            max_entry_bytes: 16 * 1024 * 1024,
            max_total_bytes: 4 * 1024 * 1024 * 1024,
            max_ratio: 100,
            ratio_floor_bytes: 1024 * 1024,
            max_folder_depth: 32,
        }
    }
}

/// One record read from a source.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedAdvisory {
    /// The advisory.
    pub advisory: Advisory,
    /// The record's JSON exactly as read (the store keeps it).
    pub raw: String,
    /// The entry's name in the zip, or its path under the folder (with `/`).
    pub source_name: String,
    /// Problems that did not reject the record.
    pub warnings: Vec<OsvWarning>,
}

/// One entry that gave no record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// The entry's name (control characters replaced, at most 300 characters).
    pub entry: String,
    /// Stable kebab-case code (see [`RECORD_ERROR_CODES`]).
    pub code: &'static str,
    /// What is wrong, in words.
    pub message: String,
}

/// Every [`RecordError`] code: the OSV record codes, then the entry codes.
pub const RECORD_ERROR_CODES: &[&str] = &[
    "osv-entry-too-large",
    "osv-not-utf8",
    "osv-json-invalid",
    "osv-too-deep",
    "osv-not-object",
    "osv-missing-id",
    "osv-missing-modified",
    "zip-bomb",
    "zip-path-traversal",
    "zip-path-absolute",
    "zip-path-invalid",
    "zip-entry-encrypted",
    "zip-entry-unreadable",
    "source-file-unreadable",
];

/// What reading one entry gave.
pub type RecordOutcome = Result<ParsedAdvisory, RecordError>;

/// Counts for a whole source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadSummary {
    /// Entries in the zip, or files seen in the folder.
    pub entries: usize,
    /// Records read.
    pub records: usize,
    /// Entries that gave an error.
    pub errors: usize,
    /// Entries skipped because they are not `.json` files (folders not counted).
    pub skipped: usize,
    /// Decompressed bytes read.
    pub bytes: u64,
}

/// Why a source cannot be read at all (records already delivered stay delivered).
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// Not a zip, or a truncated or corrupt one.
    #[error("not a readable zip archive: {0}")]
    NotZip(String),
    /// More entries than [`Limits::max_entries`].
    #[error("the source has more than {limit} entries")]
    TooManyEntries {
        /// The limit.
        limit: usize,
    },
    /// More decompressed bytes than [`Limits::max_total_bytes`].
    #[error("the source decompresses to more than {limit} bytes; reading stopped")]
    TotalTooLarge {
        /// The limit.
        limit: u64,
    },
    /// The file or folder could not be opened.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl ArchiveError {
    /// The stable kebab-case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            ArchiveError::NotZip(_) => "zip-invalid",
            ArchiveError::TooManyEntries { .. } => "source-too-many-entries",
            ArchiveError::TotalTooLarge { .. } => "source-too-large",
            ArchiveError::Io { .. } => "source-unreadable",
        }
    }
}

/// Reads the OSV records of a zip, handing each outcome to `on_record` in archive order.
pub fn osv_records_from_zip<R: Read + Seek>(
    reader: R,
    limits: &Limits,
    mut on_record: impl FnMut(RecordOutcome),
) -> Result<ReadSummary, ArchiveError> {
    let mut archive = zip::ZipArchive::new(reader).map_err(|e| ArchiveError::NotZip(e.to_string()))?;
    let mut summary = ReadSummary { entries: archive.len(), ..ReadSummary::default() };
    if archive.len() > limits.max_entries {
        return Err(ArchiveError::TooManyEntries { limit: limits.max_entries });
    }
    for index in 0..archive.len() {
        let outcome = match zip_entry(&mut archive, index, limits, &mut summary.bytes) {
            Entry::Skipped => {
                summary.skipped += 1;
                continue;
            }
            Entry::Folder => continue,
            Entry::Read(outcome) => outcome,
        };
        summary.count(&outcome);
        on_record(outcome);
        if summary.bytes > limits.max_total_bytes {
            return Err(ArchiveError::TotalTooLarge { limit: limits.max_total_bytes });
        }
    }
    Ok(summary)
}

/// Reads the OSV records of a zip file.
pub fn osv_records_from_zip_file(
    path: &Path,
    limits: &Limits,
    on_record: impl FnMut(RecordOutcome),
) -> Result<ReadSummary, ArchiveError> {
    let file = fs::File::open(path).map_err(|source| ArchiveError::Io { path: path.to_owned(), source })?;
    osv_records_from_zip(io::BufReader::new(file), limits, on_record)
}

/// Reads the OSV records of zip bytes.
pub fn osv_records_from_zip_bytes(
    bytes: &[u8],
    limits: &Limits,
    on_record: impl FnMut(RecordOutcome),
) -> Result<ReadSummary, ArchiveError> {
    osv_records_from_zip(io::Cursor::new(bytes), limits, on_record)
}

/// Reads the OSV records of every `*.json` file under a folder, in path order. Symbolic
/// links are not followed (they are skipped), so the walk cannot loop or leave the folder.
pub fn osv_records_from_dir(
    root: &Path,
    limits: &Limits,
    mut on_record: impl FnMut(RecordOutcome),
) -> Result<ReadSummary, ArchiveError> {
    let io_error = |path: &Path, source| ArchiveError::Io { path: path.to_owned(), source };
    let mut summary = ReadSummary::default();
    let mut seen = 0usize;
    // A stack of folders still to list; files are visited in sorted order within a folder
    // and folders after the files beside them, so the order is stable across runs.
    let mut folders: Vec<(PathBuf, usize)> = vec![(root.to_owned(), 0)];
    while let Some((folder, depth)) = folders.pop() {
        let mut children = Vec::new();
        for child in fs::read_dir(&folder).map_err(|e| io_error(&folder, e))? {
            let child = child.map_err(|e| io_error(&folder, e))?;
            seen += 1;
            if seen > limits.max_entries {
                return Err(ArchiveError::TooManyEntries { limit: limits.max_entries });
            }
            let kind = child.file_type().map_err(|e| io_error(&child.path(), e))?;
            children.push((child.path(), kind));
        }
        children.sort_by(|a, b| a.0.cmp(&b.0));
        let mut subfolders = Vec::new();
        for (path, kind) in children {
            if kind.is_dir() {
                if depth < limits.max_folder_depth {
                    subfolders.push((path, depth + 1));
                } else {
                    summary.skipped += 1;
                }
                continue;
            }
            summary.entries += 1;
            let name = relative_name(root, &path);
            if !kind.is_file() || !is_json(&name) {
                summary.skipped += 1;
                continue;
            }
            let outcome = match read_file(&path, limits.max_entry_bytes) {
                Ok(bytes) => {
                    summary.bytes += bytes.len() as u64;
                    record(bytes, name)
                }
                Err(error) => Err(error.into_record_error(name)),
            };
            summary.count(&outcome);
            on_record(outcome);
            if summary.bytes > limits.max_total_bytes {
                return Err(ArchiveError::TotalTooLarge { limit: limits.max_total_bytes });
            }
        }
        folders.extend(subfolders.into_iter().rev());
    }
    Ok(summary)
}

impl ReadSummary {
    fn count(&mut self, outcome: &RecordOutcome) {
        match outcome {
            Ok(_) => self.records += 1,
            Err(_) => self.errors += 1,
        }
    }
}

// One per entry, moved straight to the caller: boxing would only add an allocation.
#[allow(clippy::large_enum_variant)]
enum Entry {
    Folder,
    Skipped,
    Read(RecordOutcome),
}

fn zip_entry<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    index: usize,
    limits: &Limits,
    total: &mut u64,
) -> Entry {
    let (name, declared_size, compressed_size, encrypted) = match archive.by_index_data(index) {
        Ok(data) => {
            if data.is_dir() {
                return Entry::Folder;
            }
            if let Err((code, message)) = check_name(data.name_raw()) {
                let entry = display_name(&String::from_utf8_lossy(data.name_raw()));
                return Entry::Read(Err(RecordError { entry, code, message }));
            }
            let name = data
                .name()
                .map(|n| n.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(data.name_raw()).into_owned());
            (name, data.size(), data.compressed_size(), data.encrypted())
        }
        Err(e) => {
            return Entry::Read(Err(RecordError {
                entry: format!("#{index}"),
                code: "zip-entry-unreadable",
                message: e.to_string(),
            }));
        }
    };
    if !is_json(&name) {
        return Entry::Skipped;
    }
    let entry = display_name(&name);
    let fail =
        |code: &'static str, message: String| Entry::Read(Err(RecordError { entry: entry.clone(), code, message }));
    if encrypted {
        return fail("zip-entry-encrypted", "the entry is encrypted".into());
    }
    // The declared sizes let an honest archive fail early; the reads below do not trust them.
    if declared_size > limits.max_entry_bytes {
        return fail(
            "osv-entry-too-large",
            format!("the entry declares {declared_size} bytes, more than the limit of {}", limits.max_entry_bytes),
        );
    }
    let ratio_cap = compressed_size.max(1).saturating_mul(limits.max_ratio).max(limits.ratio_floor_bytes);
    if declared_size > ratio_cap {
        return fail(
            "zip-bomb",
            format!("the entry declares {declared_size} bytes from {compressed_size} compressed: a compression bomb"),
        );
    }
    let file = match archive.by_index(index) {
        Ok(file) => file,
        Err(e) => return fail("zip-entry-unreadable", e.to_string()),
    };
    let bytes = match read_capped(file, limits.max_entry_bytes, ratio_cap) {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge) => {
            *total = total.saturating_add(limits.max_entry_bytes);
            return fail(
                "osv-entry-too-large",
                format!("the entry decompresses to more than the limit of {} bytes", limits.max_entry_bytes),
            );
        }
        Err(ReadError::Bomb(read)) => {
            *total = total.saturating_add(read);
            return fail(
                "zip-bomb",
                format!(
                    "the entry decompresses to more than {read} bytes from {compressed_size} compressed: a compression bomb"
                ),
            );
        }
        Err(ReadError::Io(e)) => return fail("zip-entry-unreadable", e.to_string()),
    };
    *total = total.saturating_add(bytes.len() as u64);
    Entry::Read(record(bytes, name))
}

/// Whether a name ends in `.json` (any case).
fn is_json(name: &str) -> bool {
    name.len() >= 5 && name.get(name.len() - 5..).is_some_and(|ext| ext.eq_ignore_ascii_case(".json"))
}

/// Checks an entry name: no NUL, no backslash, not absolute, no `..` component.
fn check_name(raw: &[u8]) -> Result<(), (&'static str, String)> {
    if raw.contains(&0) {
        return Err(("zip-path-invalid", "the entry name contains a NUL byte".into()));
    }
    if raw.contains(&b'\\') {
        return Err(("zip-path-invalid", "the entry name contains a backslash".into()));
    }
    let drive = matches!(raw, [letter, b':', ..] if letter.is_ascii_alphabetic());
    if raw.starts_with(b"/") || drive {
        return Err(("zip-path-absolute", "the entry name is an absolute path".into()));
    }
    if raw.split(|b| *b == b'/').any(|part| part == b"..") {
        return Err(("zip-path-traversal", "the entry name climbs out of the archive with `..`".into()));
    }
    Ok(())
}

/// A name fit for messages: control characters replaced, at most 300 characters.
fn display_name(name: &str) -> String {
    name.chars().take(300).map(|c| if c.is_control() { '\u{FFFD}' } else { c }).collect()
}

/// The path of `path` under `root`, with `/` between parts.
fn relative_name(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    display_name(&parts.join("/"))
}

enum ReadError {
    TooLarge,
    Bomb(u64),
    Io(io::Error),
}

impl ReadError {
    fn into_record_error(self, entry: String) -> RecordError {
        let (code, message) = match self {
            ReadError::TooLarge | ReadError::Bomb(_) => {
                ("osv-entry-too-large", "the file is larger than the limit".into())
            }
            ReadError::Io(e) => ("source-file-unreadable", e.to_string()),
        };
        RecordError { entry, code, message }
    }
}

/// Reads at most `max` bytes (one more tells that there was more), in chunks, stopping as
/// soon as `ratio_cap` is passed.
fn read_capped(reader: impl Read, max: u64, ratio_cap: u64) -> Result<Vec<u8>, ReadError> {
    let mut limited = reader.take(max.saturating_add(1));
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    loop {
        let n = match limited.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        };
        bytes.extend_from_slice(chunk.get(..n).unwrap_or_default());
        let read = bytes.len() as u64;
        if read > max {
            return Err(ReadError::TooLarge);
        }
        if read > ratio_cap {
            return Err(ReadError::Bomb(read));
        }
    }
    Ok(bytes)
}

fn read_file(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let file = fs::File::open(path).map_err(ReadError::Io)?;
    read_capped(file, max, u64::MAX)
}

/// Parses one record's bytes.
fn record(bytes: Vec<u8>, source_name: String) -> RecordOutcome {
    let entry = display_name(&source_name);
    let parsed =
        osv::parse_record(&bytes).map_err(|e| RecordError { entry, code: e.code(), message: e.to_string() })?;
    // parse_record checked UTF-8; a BOM, if any, is dropped from the kept text.
    let raw = String::from_utf8(bytes).map_err(|e| RecordError {
        entry: display_name(&source_name),
        code: "osv-not-utf8",
        message: e.to_string(),
    })?;
    let raw = match raw.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_owned(),
        None => raw,
    };
    Ok(ParsedAdvisory { advisory: parsed.advisory, raw, source_name, warnings: parsed.warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_climb_out_or_are_absolute_or_odd_are_refused() {
        let code = |name: &[u8]| check_name(name).err().map(|(code, _)| code);
        assert_eq!(code(b"GHSA-1.json"), None);
        assert_eq!(code(b"vulns/a/b.json"), None);
        assert_eq!(code(b"a..b.json"), None);
        assert_eq!(code(b"../../etc/passwd.json"), Some("zip-path-traversal"));
        assert_eq!(code(b"a/../b.json"), Some("zip-path-traversal"));
        assert_eq!(code(b"/abs.json"), Some("zip-path-absolute"));
        assert_eq!(code(b"C:/x.json"), Some("zip-path-absolute"));
        assert_eq!(code(b"a\\b.json"), Some("zip-path-invalid"));
        assert_eq!(code(b"a\0.json"), Some("zip-path-invalid"));
    }

    #[test]
    fn record_error_codes_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for code in RECORD_ERROR_CODES {
            assert!(seen.insert(code), "{code} repeated");
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{code}");
        }
    }

    #[test]
    fn reading_stops_at_the_entry_cap_and_at_the_ratio_cap_whatever_the_stream_holds() {
        let endless = || io::repeat(0);
        assert!(matches!(read_capped(endless(), 1000, u64::MAX), Err(ReadError::TooLarge)));
        assert!(matches!(read_capped(endless(), 1 << 20, 200_000), Err(ReadError::Bomb(n)) if n <= 300_000));
        assert!(matches!(read_capped(&b"{}"[..], 2, 2), Ok(bytes) if bytes == b"{}"));
        assert!(matches!(read_capped(&b"{} "[..], 2, 100), Err(ReadError::TooLarge)));
    }

    #[test]
    fn json_names_match_in_any_case_and_multibyte_names_do_not_panic() {
        assert!(is_json("A.JSON") && is_json("x/y.json"));
        assert!(!is_json("json") && !is_json("a.json.md") && !is_json("💥💥"));
    }
}
