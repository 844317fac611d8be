//! CISA's Known Exploited Vulnerabilities catalogue (<https://www.cisa.gov/kev>), as JSON
//! (`known_exploited_vulnerabilities.json`) or CSV (`known_exploited_vulnerabilities.csv`),
//! told apart by content. Both give the same [`KevEntry`] values; only the JSON carries the
//! catalogue's title, version and release time.
//!
//! A bad row (a CVE id that is not `CVE-YYYY-NNNN…`, a date that is not `YYYY-MM-DD`, a
//! repeated CVE id) is dropped with a [`KevProblem`] naming the row; lesser faults (an
//! unexpected ransomware value, a malformed CWE, a missing text field) keep the row and are
//! reported too. Only input that is not a catalogue at all is a [`KevError`].

use std::collections::HashSet;

use time::Date;
use time::macros::format_description;

use crate::json::{self, Json};

/// The largest catalogue, in bytes (the real one is about 1.3 MB).
pub const MAX_KEV_BYTES: usize = 64 * 1024 * 1024;
/// The most entries read.
pub const MAX_KEV_ENTRIES: usize = 1_000_000;

/// Whether a vulnerability is known to have been used in ransomware campaigns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RansomwareUse {
    /// `Known`.
    Known,
    /// `Unknown`: CISA lacks confirmation (also any other value, with a problem).
    Unknown,
}

/// One catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KevEntry {
    /// `CVE-YYYY-NNNN…`.
    pub cve_id: String,
    /// Vendor or project.
    pub vendor_project: String,
    /// Product.
    pub product: String,
    /// CISA's name for the vulnerability.
    pub vulnerability_name: String,
    /// When CISA added it.
    pub date_added: Date,
    /// Short description.
    pub short_description: String,
    /// What federal agencies must do.
    pub required_action: String,
    /// By when.
    pub due_date: Date,
    /// Use in ransomware campaigns.
    pub known_ransomware_campaign_use: RansomwareUse,
    /// Notes (often links, separated by ` ; `); empty when none.
    pub notes: String,
    /// CWE ids (`CWE-79`).
    pub cwes: Vec<String>,
}

/// The catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KevCatalog {
    /// Title (JSON only).
    pub title: Option<String>,
    /// Version such as `2025.08.25` (JSON only).
    pub catalog_version: Option<String>,
    /// Release time (JSON only), as written.
    pub date_released: Option<String>,
    /// The entries, in the catalogue's order.
    pub entries: Vec<KevEntry>,
}

/// A problem with one row, or with the catalogue's header fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KevProblem {
    /// The row: the entry's position in `vulnerabilities` counting from 1 (JSON), or the CSV
    /// record number counting the header as 1; 0 for the catalogue itself.
    pub row: usize,
    /// The row's CVE id, when it has one.
    pub cve_id: Option<String>,
    /// Stable kebab-case code (see [`KEV_PROBLEM_CODES`]).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// Whether the row was dropped.
    pub dropped: bool,
}

/// Every [`KevProblem`] code.
pub const KEV_PROBLEM_CODES: &[&str] = &[
    "kev-cve-invalid",
    "kev-date-invalid",
    "kev-duplicate",
    "kev-field-missing",
    "kev-field-type",
    "kev-ransomware-value",
    "kev-cwe-invalid",
    "kev-count-mismatch",
    "kev-row-invalid",
];

/// Why the input is not a catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KevError {
    /// Larger than [`MAX_KEV_BYTES`].
    #[error("the catalogue has {bytes} bytes, more than the limit of {limit}")]
    TooLarge {
        /// Size.
        bytes: usize,
        /// Limit.
        limit: usize,
    },
    /// Empty or white space only.
    #[error("the catalogue is empty")]
    Empty,
    /// Not UTF-8.
    #[error("the catalogue is not UTF-8 text ({0})")]
    NotUtf8(String),
    /// Broken JSON.
    #[error("{0}")]
    Json(#[from] json::JsonError),
    /// JSON, but not a catalogue (no `vulnerabilities` array).
    #[error("not a KEV catalogue: {0}")]
    NotCatalog(String),
    /// CSV without the columns a catalogue has.
    #[error("not a KEV CSV: {0}")]
    Csv(String),
    /// More than [`MAX_KEV_ENTRIES`] entries.
    #[error("more than {MAX_KEV_ENTRIES} entries")]
    TooManyEntries,
}

impl KevError {
    /// The stable kebab-case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            KevError::TooLarge { .. } => "input-too-large",
            KevError::Empty => "input-empty",
            KevError::NotUtf8(_) => "input-not-utf8",
            KevError::Json(_) => "input-syntax",
            KevError::NotCatalog(_) | KevError::Csv(_) => "kev-invalid",
            KevError::TooManyEntries => "kev-too-many-entries",
        }
    }
}

/// The fields of an entry, as the JSON keys and CSV columns name them.
const FIELDS: [&str; 11] = [
    "cveID",
    "vendorProject",
    "product",
    "vulnerabilityName",
    "dateAdded",
    "shortDescription",
    "requiredAction",
    "dueDate",
    "knownRansomwareCampaignUse",
    "notes",
    "cwes",
];

/// Reads a catalogue, JSON or CSV.
pub fn read_kev(bytes: &[u8]) -> Result<(KevCatalog, Vec<KevProblem>), KevError> {
    if bytes.len() > MAX_KEV_BYTES {
        return Err(KevError::TooLarge { bytes: bytes.len(), limit: MAX_KEV_BYTES });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| KevError::NotUtf8(e.to_string()))?;
    let start = text.trim_start();
    if start.is_empty() {
        return Err(KevError::Empty);
    }
    let mut rows = Rows::default();
    let mut catalog = if start.starts_with('{') { read_json(text, &mut rows)? } else { read_csv(text, &mut rows)? };
    catalog.entries = rows.entries;
    Ok((catalog, rows.problems))
}

/// One row's fields as text, before checking; `None` for an absent field.
#[derive(Default)]
struct RawRow {
    fields: [Option<String>; 11],
    cwes: Vec<String>,
}

/// Checked rows and their problems.
#[derive(Default)]
struct Rows {
    entries: Vec<KevEntry>,
    problems: Vec<KevProblem>,
    seen: HashSet<String>,
}

impl Rows {
    fn push(&mut self, row: usize, raw: RawRow) {
        let [cve, vendor, product, name, added, description, action, due, ransomware, notes, _] = raw.fields;
        let cve_id = cve.map(|c| c.trim().to_owned());
        let mut problems = Vec::new();
        let mut problem = |code: &'static str, message: String, dropped: bool| {
            problems.push((code, message, dropped));
        };
        let valid_cve = cve_id.as_deref().is_some_and(is_cve_id);
        if !valid_cve {
            let message = match &cve_id {
                Some(id) => format!("`{}` is not a CVE id (CVE-YYYY-NNNN)", shorten(id)),
                None => "no `cveID`".into(),
            };
            problem("kev-cve-invalid", message, true);
        }
        let date = |value: Option<String>, field: &str, problem: &mut dyn FnMut(&'static str, String, bool)| match value
            .as_deref()
            .map(str::trim)
            .map(parse_date)
        {
            Some(Ok(date)) => Some(date),
            Some(Err(())) => {
                let shown = shorten(value.as_deref().unwrap_or_default());
                problem("kev-date-invalid", format!("`{field}` `{shown}` is not a date (YYYY-MM-DD)"), true);
                None
            }
            None => {
                problem("kev-date-invalid", format!("no `{field}`"), true);
                None
            }
        };
        let date_added = date(added, "dateAdded", &mut problem);
        let due_date = date(due, "dueDate", &mut problem);
        let mut text = |value: Option<String>, field: &str| {
            value.unwrap_or_else(|| {
                problem("kev-field-missing", format!("no `{field}`"), false);
                String::new()
            })
        };
        let vendor_project = text(vendor, "vendorProject");
        let product = text(product, "product");
        let vulnerability_name = text(name, "vulnerabilityName");
        let short_description = text(description, "shortDescription");
        let required_action = text(action, "requiredAction");
        let known_ransomware_campaign_use = match ransomware.as_deref().map(str::trim) {
            Some("Known") => RansomwareUse::Known,
            Some("Unknown") | None => RansomwareUse::Unknown,
            Some(other) => {
                let shown = shorten(other);
                problem(
                    "kev-ransomware-value",
                    format!("`knownRansomwareCampaignUse` `{shown}` is neither Known nor Unknown; read as Unknown"),
                    false,
                );
                RansomwareUse::Unknown
            }
        };
        let mut cwes = Vec::with_capacity(raw.cwes.len());
        for cwe in raw.cwes {
            let cwe = cwe.trim();
            if cwe.is_empty() {
                continue;
            }
            if is_cwe_id(cwe) {
                cwes.push(cwe.to_owned());
            } else {
                problem("kev-cwe-invalid", format!("`{}` is not a CWE id (CWE-N); left out", shorten(cwe)), false);
            }
        }
        let duplicate = valid_cve && cve_id.as_deref().is_some_and(|id| self.seen.contains(id));
        if duplicate {
            problem("kev-duplicate", "the CVE id is listed already; this row is left out".into(), true);
        }
        let dropped = problems.iter().any(|(_, _, dropped)| *dropped);
        let shown_id = cve_id.as_deref().map(shorten);
        self.problems.extend(problems.into_iter().map(|(code, message, dropped_row)| KevProblem {
            row,
            cve_id: shown_id.clone(),
            code,
            message,
            dropped: dropped_row || dropped,
        }));
        let (Some(cve_id), Some(date_added), Some(due_date), false) = (cve_id, date_added, due_date, dropped) else {
            return;
        };
        self.seen.insert(cve_id.clone());
        self.entries.push(KevEntry {
            cve_id,
            vendor_project,
            product,
            vulnerability_name,
            date_added,
            short_description,
            required_action,
            due_date,
            known_ransomware_campaign_use,
            notes: notes.unwrap_or_default(),
            cwes,
        });
    }
}

fn read_json(text: &str, rows: &mut Rows) -> Result<KevCatalog, KevError> {
    let tree = json::parse(text.as_bytes())?;
    let Json::Object(_) = &tree else {
        return Err(KevError::NotCatalog(format!("the document is a JSON {}, not an object", tree.type_name())));
    };
    let Some(Json::Array(items)) = tree.get("vulnerabilities") else {
        return Err(KevError::NotCatalog("no `vulnerabilities` array".into()));
    };
    if items.len() > MAX_KEV_ENTRIES {
        return Err(KevError::TooManyEntries);
    }
    let header = |key: &str| tree.get(key).and_then(Json::as_str).map(str::to_owned);
    let catalog = KevCatalog {
        title: header("title"),
        catalog_version: header("catalogVersion"),
        date_released: header("dateReleased"),
        entries: Vec::new(),
    };
    for (i, item) in items.iter().enumerate() {
        let row = i + 1;
        let Some(members) = item.as_object() else {
            rows.problems.push(KevProblem {
                row,
                cve_id: None,
                code: "kev-row-invalid",
                message: format!("the entry is a JSON {}, not an object", item.type_name()),
                dropped: true,
            });
            continue;
        };
        let mut raw = RawRow::default();
        for (slot, name) in raw.fields.iter_mut().zip(FIELDS) {
            let value = members.iter().find(|(k, _)| k == name).map(|(_, v)| v);
            *slot = match value {
                None | Some(Json::Null) => None,
                Some(Json::String(s)) => Some(s.to_string()),
                Some(_) if name == "cwes" => None,
                Some(other) => {
                    rows.problems.push(KevProblem {
                        row,
                        cve_id: None,
                        code: "kev-field-type",
                        message: format!("`{name}` is a JSON {}, not text; ignored", other.type_name()),
                        dropped: false,
                    });
                    None
                }
            };
        }
        match members.iter().find(|(k, _)| k == "cwes").map(|(_, v)| v) {
            None | Some(Json::Null) => {}
            Some(Json::Array(cwes)) => {
                for cwe in cwes {
                    match cwe {
                        Json::String(s) => raw.cwes.push(s.to_string()),
                        other => raw.cwes.push(format!("<a JSON {}>", other.type_name())),
                    }
                }
            }
            // Tolerate the CSV spelling (`CWE-1, CWE-2`) in JSON too.
            Some(Json::String(s)) => raw.cwes.extend(s.split(',').map(str::to_owned)),
            Some(other) => rows.problems.push(KevProblem {
                row,
                cve_id: None,
                code: "kev-field-type",
                message: format!("`cwes` is a JSON {}, not a list; ignored", other.type_name()),
                dropped: false,
            }),
        }
        rows.push(row, raw);
    }
    let count = tree.get("count").and_then(|c| match c {
        Json::Number(n) if n.is_integer() => Some(n.as_f64()),
        _ => None,
    });
    if let Some(count) = count
        && count != items.len() as f64
    {
        rows.problems.push(KevProblem {
            row: 0,
            cve_id: None,
            code: "kev-count-mismatch",
            message: format!("`count` says {count}, the catalogue lists {}", items.len()),
            dropped: false,
        });
    }
    Ok(catalog)
}

fn read_csv(text: &str, rows: &mut Rows) -> Result<KevCatalog, KevError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| KevError::Csv(e.to_string()))?.clone();
    let columns: Vec<Option<usize>> =
        FIELDS.iter().map(|name| headers.iter().position(|h| h.trim() == *name)).collect();
    let required = ["cveID", "dateAdded", "dueDate"];
    let missing: Vec<&str> = FIELDS
        .iter()
        .zip(&columns)
        .filter(|(name, column)| column.is_none() && required.contains(name))
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        return Err(KevError::Csv(format!("the header has no {} column", missing.join(", "))));
    }
    let mut record = csv::StringRecord::new();
    let mut count = 0usize;
    loop {
        let row = reader.position().record() as usize + 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // A broken record (bad quoting) ends the file; what came before stays read.
                rows.problems.push(KevProblem {
                    row,
                    cve_id: None,
                    code: "kev-row-invalid",
                    message: format!("unreadable CSV: {e}"),
                    dropped: true,
                });
                break;
            }
        }
        count += 1;
        if count > MAX_KEV_ENTRIES {
            return Err(KevError::TooManyEntries);
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut raw = RawRow::default();
        for (slot, column) in raw.fields.iter_mut().zip(&columns) {
            *slot = column.and_then(|c| record.get(c)).map(str::to_owned);
        }
        if let Some(cwes) = raw.fields.get_mut(10).and_then(Option::take) {
            raw.cwes = cwes.split(',').map(str::to_owned).collect();
        }
        // CSV has no absent value: an empty notes cell is no notes, as in the JSON.
        rows.push(row, raw);
    }
    Ok(KevCatalog::default())
}

fn parse_date(text: &str) -> Result<Date, ()> {
    Date::parse(text, format_description!("[year]-[month]-[day]")).map_err(|_| ())
}

/// `CVE-YYYY-NNNN` with 4 to 19 digits after the year.
fn is_cve_id(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("CVE-") else { return false };
    let Some((year, number)) = rest.split_once('-') else { return false };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && (4..=19).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// `CWE-N`.
fn is_cwe_id(text: &str) -> bool {
    text.strip_prefix("CWE-").is_some_and(|n| !n.is_empty() && n.len() <= 10 && n.bytes().all(|b| b.is_ascii_digit()))
}

fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(100).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes\n";

    #[test]
    fn bad_rows_are_dropped_with_a_problem_and_the_rest_is_read() {
        let csv = format!(
            "{HEADER}CVE-2024-0001,V,P,N,2024-01-02,D,A,2024-01-23,Known,,\"CWE-79, CWE-89\"\n\
             CVE-24-1,V,P,N,2024-01-02,D,A,2024-01-23,Unknown,,\n\
             CVE-2024-0002,V,P,N,2024-13-02,D,A,2024-01-23,Unknown,,\n\
             CVE-2024-0001,V,P,N,2024-01-02,D,A,2024-01-23,Unknown,,\n\
             CVE-2024-0003,V,P,N,2024-01-02,D,A,2024-01-23,Maybe,,CWE-x\n"
        );
        let Ok((catalog, problems)) = read_kev(csv.as_bytes()) else { unreachable!("a catalogue") };
        let ids: Vec<&str> = catalog.entries.iter().map(|e| e.cve_id.as_str()).collect();
        assert_eq!(ids, ["CVE-2024-0001", "CVE-2024-0003"]);
        assert_eq!(catalog.entries.first().map(|e| e.cwes.len()), Some(2));
        assert_eq!(catalog.entries.first().map(|e| e.known_ransomware_campaign_use), Some(RansomwareUse::Known));
        let found: Vec<(usize, &str, bool)> = problems.iter().map(|p| (p.row, p.code, p.dropped)).collect();
        assert_eq!(
            found,
            [
                (3, "kev-cve-invalid", true),
                (4, "kev-date-invalid", true),
                (5, "kev-duplicate", true),
                (6, "kev-ransomware-value", false),
                (6, "kev-cwe-invalid", false),
            ]
        );
    }

    #[test]
    fn json_rows_of_the_wrong_shape_are_problems_not_failures() {
        let json = br#"{"count": 3, "vulnerabilities": [7, {"cveID": "CVE-2024-0001", "dateAdded": "2024-01-02",
            "dueDate": "2024-01-23", "product": 5, "cwes": ["CWE-1", 2]}]}"#;
        let Ok((catalog, problems)) = read_kev(json) else { unreachable!("a catalogue") };
        assert_eq!(catalog.entries.len(), 1);
        let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
        assert_eq!(
            codes,
            [
                "kev-row-invalid",
                "kev-field-type",
                "kev-field-missing",
                "kev-field-missing",
                "kev-field-missing",
                "kev-field-missing",
                "kev-field-missing",
                "kev-cwe-invalid",
                "kev-count-mismatch"
            ]
        );
    }

    #[test]
    fn input_that_is_no_catalogue_is_an_error() {
        let code = |bytes: &[u8]| read_kev(bytes).err().map(|e| e.code());
        assert_eq!(code(b""), Some("input-empty"));
        assert_eq!(code(b"{\"a\": 1}"), Some("kev-invalid"));
        assert_eq!(code(b"a,b\n1,2\n"), Some("kev-invalid"));
        assert_eq!(code(b"{\"vulnerabilities\": ["), Some("input-syntax"));
        assert_eq!(code(b"\xff\xfe"), Some("input-not-utf8"));
    }

    #[test]
    fn problem_codes_are_unique() {
        let unique: HashSet<&&str> = KEV_PROBLEM_CODES.iter().collect();
        assert_eq!(unique.len(), KEV_PROBLEM_CODES.len());
    }
}
