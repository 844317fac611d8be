//! One OSV record (<https://ossf.github.io/osv-schema/>) from bytes into
//! [`chainward_core::vuln::osv::Advisory`].
//!
//! The record is parsed once into the bounded JSON tree ([`crate::json`]: depth bounded,
//! duplicate keys kept) and the advisory is built from the tree by hand, so that one field
//! of the wrong type costs that field (with a warning), not the record. Only a record
//! without `id` or `modified`, or that is not a JSON object, is rejected.
//!
//! What is kept as written, because matching decides and reports: an ecosystem nobody
//! knows, events out of order, version strings that no scheme parses. What is a warning
//! with a JSON pointer: a field of the wrong type, an event object that does not have
//! exactly one of `introduced`, `fixed`, `last_affected`, `limit`, an unknown range type,
//! a `GIT` range without `repo`, a time that is not RFC 3339, a repeated key.

use std::borrow::Cow;

use chainward_core::vuln::osv::{Advisory, Affected, Event, Package, Range, Reference, SeverityScore};

use crate::json::{self, Json};

/// The largest record, in bytes.
pub const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;
/// The deepest nesting of arrays and objects in a record. OSV needs 6; the rest is
/// database-specific data, kept as it is.
pub const MAX_DEPTH: usize = 64;
/// The most warnings kept for one record; more are counted in one last warning.
pub const MAX_WARNINGS: usize = 100;

/// The range types of the OSV schema.
pub const RANGE_TYPES: &[&str] = &["SEMVER", "ECOSYSTEM", "GIT"];

/// Why a record cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OsvError {
    /// Larger than [`MAX_RECORD_BYTES`].
    #[error("the record has {bytes} bytes, more than the limit of {limit}")]
    TooLarge {
        /// Size.
        bytes: usize,
        /// Limit.
        limit: usize,
    },
    /// Not UTF-8.
    #[error("the record is not UTF-8 text ({0})")]
    NotUtf8(String),
    /// Broken JSON, or nested deeper than the JSON parser allows.
    #[error("{0}")]
    Json(#[from] json::JsonError),
    /// Nested deeper than [`MAX_DEPTH`].
    #[error("the record is nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// The document is not a JSON object.
    #[error("the record is a JSON {0}, not an object")]
    NotObject(&'static str),
    /// No `id`, or an `id` that is not non-empty text.
    #[error("the record has no usable `id`: {0}")]
    MissingId(String),
    /// No `modified`, or one that is not non-empty text.
    #[error("record {id}: no usable `modified`: {message}")]
    MissingModified {
        /// The record's id.
        id: String,
        /// What is wrong.
        message: String,
    },
}

impl OsvError {
    /// The stable kebab-case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            OsvError::TooLarge { .. } => "osv-entry-too-large",
            OsvError::NotUtf8(_) => "osv-not-utf8",
            OsvError::Json(_) => "osv-json-invalid",
            OsvError::TooDeep => "osv-too-deep",
            OsvError::NotObject(_) => "osv-not-object",
            OsvError::MissingId(_) => "osv-missing-id",
            OsvError::MissingModified { .. } => "osv-missing-modified",
        }
    }
}

/// A problem in a record that was read all the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsvWarning {
    /// Stable kebab-case code (see [`WARNING_CODES`]).
    pub code: &'static str,
    /// JSON pointer to the value (`/affected/0/ranges/1/events/2`).
    pub path: String,
    /// What is wrong, in words.
    pub message: String,
}

/// Every warning code, for documentation and a uniqueness test.
pub const WARNING_CODES: &[&str] = &[
    "osv-field-type",
    "osv-duplicate-key",
    "osv-time-invalid",
    "osv-event-keys",
    "osv-range-type-unknown",
    "osv-range-git-no-repo",
    "osv-range-no-events",
    "osv-too-many-warnings",
];

/// A record read, with its warnings.
#[derive(Debug, Clone, PartialEq)]
pub struct OsvRecord {
    /// The advisory.
    pub advisory: Advisory,
    /// Problems that did not reject the record.
    pub warnings: Vec<OsvWarning>,
}

/// Parses one OSV record.
pub fn parse_record(bytes: &[u8]) -> Result<OsvRecord, OsvError> {
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(OsvError::TooLarge { bytes: bytes.len(), limit: MAX_RECORD_BYTES });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| OsvError::NotUtf8(e.to_string()))?;
    let tree = json::parse(bytes)?;
    if depth(&tree) > MAX_DEPTH {
        return Err(OsvError::TooDeep);
    }
    let Json::Object(_) = &tree else {
        return Err(OsvError::NotObject(tree.type_name()));
    };
    let mut reader = Reader::default();
    let advisory = reader.advisory(&tree)?;
    let mut warnings = reader.warnings;
    if reader.dropped > 0 {
        warnings.push(OsvWarning {
            code: "osv-too-many-warnings",
            path: String::new(),
            message: format!("{} more warnings not shown", reader.dropped),
        });
    }
    Ok(OsvRecord { advisory, warnings })
}

/// The nesting depth of a tree, without recursion.
fn depth(tree: &Json<'_>) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(tree, 0usize)];
    while let Some((node, level)) = stack.pop() {
        deepest = deepest.max(level);
        match node {
            Json::Array(items) => stack.extend(items.iter().map(|item| (item, level + 1))),
            Json::Object(members) => stack.extend(members.iter().map(|(_, value)| (value, level + 1))),
            _ => {}
        }
    }
    deepest
}

/// Collects warnings while the advisory is built.
#[derive(Default)]
struct Reader {
    warnings: Vec<OsvWarning>,
    dropped: usize,
}

/// The members of an object in order, the first of each key; repeated keys are warned of.
type Members<'t, 'a> = Vec<(&'t str, &'t Json<'a>)>;

impl Reader {
    fn warn(&mut self, code: &'static str, path: &str, message: String) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(OsvWarning { code, path: path.to_owned(), message });
        } else {
            self.dropped += 1;
        }
    }

    fn wrong_type(&mut self, path: &str, expected: &str, found: &Json<'_>) {
        self.warn("osv-field-type", path, format!("expected {expected}, found {}; ignored", found.type_name()));
    }

    /// The object's members (first of each key), or `None` with a warning if not an object.
    fn object<'t, 'a>(&mut self, value: &'t Json<'a>, path: &str) -> Option<Members<'t, 'a>> {
        let Some(members) = value.as_object() else {
            self.wrong_type(path, "an object", value);
            return None;
        };
        let mut out: Members<'t, 'a> = Vec::with_capacity(members.len());
        for (key, value) in members {
            if out.iter().any(|(k, _)| *k == key.as_ref()) {
                self.warn("osv-duplicate-key", &pointer(path, key), format!("key `{key}` repeated; the first is used"));
            } else {
                out.push((key.as_ref(), value));
            }
        }
        Some(out)
    }

    /// An optional text field; `null` counts as absent.
    fn text(&mut self, members: &Members<'_, '_>, key: &str, path: &str) -> Option<String> {
        match field(members, key)? {
            Json::Null => None,
            Json::String(s) => Some(s.to_string()),
            other => {
                self.wrong_type(&pointer(path, key), "text", other);
                None
            }
        }
    }

    /// An optional time field, warned of when it is not RFC 3339.
    fn time(&mut self, members: &Members<'_, '_>, key: &str, path: &str) -> Option<String> {
        let value = self.text(members, key, path)?;
        self.check_time(&value, &pointer(path, key));
        Some(value)
    }

    fn check_time(&mut self, value: &str, path: &str) {
        let parsed = time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339);
        if parsed.is_err() {
            let shown: String = value.chars().take(64).collect();
            self.warn("osv-time-invalid", path, format!("`{shown}` is not an RFC 3339 time"));
        }
    }

    /// An optional list of texts; elements that are not text are dropped with a warning.
    fn texts(&mut self, members: &Members<'_, '_>, key: &str, path: &str) -> Vec<String> {
        let path = pointer(path, key);
        self.array(members, key, &path)
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item {
                Json::String(s) => Some(s.to_string()),
                other => {
                    self.wrong_type(&format!("{path}/{i}"), "text", other);
                    None
                }
            })
            .collect()
    }

    /// An optional array; anything else but `null` is warned of and read as empty.
    fn array<'t, 'a>(&mut self, members: &Members<'t, 'a>, key: &str, path: &str) -> &'t [Json<'a>] {
        match field(members, key) {
            None | Some(Json::Null) => &[],
            Some(Json::Array(items)) => items,
            Some(other) => {
                self.wrong_type(path, "an array", other);
                &[]
            }
        }
    }

    /// Free-form data (`database_specific`, `ecosystem_specific`): any object, kept as is.
    fn free_form(&mut self, members: &Members<'_, '_>, key: &str, path: &str) -> Option<serde_json::Value> {
        match field(members, key)? {
            Json::Null => None,
            value @ Json::Object(_) => Some(value.to_value()),
            other => {
                self.wrong_type(&pointer(path, key), "an object", other);
                None
            }
        }
    }

    fn advisory(&mut self, tree: &Json<'_>) -> Result<Advisory, OsvError> {
        let members = self.object(tree, "").unwrap_or_default();
        let id = match field(&members, "id") {
            Some(Json::String(id)) if !id.trim().is_empty() => id.to_string(),
            Some(Json::String(_)) => return Err(OsvError::MissingId("`id` is empty".into())),
            Some(other) => return Err(OsvError::MissingId(format!("`id` is a JSON {}", other.type_name()))),
            None => return Err(OsvError::MissingId("`id` is missing".into())),
        };
        let modified = match field(&members, "modified") {
            Some(Json::String(m)) if !m.trim().is_empty() => m.to_string(),
            found => {
                let message = match found {
                    Some(Json::String(_)) => "`modified` is empty".to_owned(),
                    Some(other) => format!("`modified` is a JSON {}", other.type_name()),
                    None => "`modified` is missing".to_owned(),
                };
                return Err(OsvError::MissingModified { id: shorten(&id), message });
            }
        };
        self.check_time(&modified, "/modified");
        let mut advisory = Advisory {
            id,
            modified,
            published: self.time(&members, "published", ""),
            withdrawn: self.time(&members, "withdrawn", ""),
            aliases: self.texts(&members, "aliases", ""),
            related: self.texts(&members, "related", ""),
            summary: self.text(&members, "summary", ""),
            details: self.text(&members, "details", ""),
            database_specific: self.free_form(&members, "database_specific", ""),
            ..Advisory::default()
        };
        advisory.severity = self.severities(&members, "");
        for (i, item) in self.array(&members, "affected", "/affected").iter().enumerate() {
            if let Some(affected) = self.affected(item, &format!("/affected/{i}")) {
                advisory.affected.push(affected);
            }
        }
        for (i, item) in self.array(&members, "references", "/references").iter().enumerate() {
            let path = format!("/references/{i}");
            let Some(fields) = self.object(item, &path) else { continue };
            advisory.references.push(Reference {
                kind: self.text(&fields, "type", &path).unwrap_or_default(),
                url: self.text(&fields, "url", &path).unwrap_or_default(),
            });
        }
        Ok(advisory)
    }

    fn severities(&mut self, members: &Members<'_, '_>, path: &str) -> Vec<SeverityScore> {
        let path = pointer(path, "severity");
        let mut out = Vec::new();
        for (i, item) in self.array(members, "severity", &path).iter().enumerate() {
            let path = format!("{path}/{i}");
            let Some(fields) = self.object(item, &path) else { continue };
            out.push(SeverityScore {
                kind: self.text(&fields, "type", &path).unwrap_or_default(),
                score: self.text(&fields, "score", &path).unwrap_or_default(),
            });
        }
        out
    }

    fn affected(&mut self, value: &Json<'_>, path: &str) -> Option<Affected> {
        let members = self.object(value, path)?;
        let package = match field(&members, "package") {
            None | Some(Json::Null) => None,
            Some(value) => {
                let package_path = pointer(path, "package");
                self.object(value, &package_path).map(|fields| Package {
                    ecosystem: self.text(&fields, "ecosystem", &package_path).unwrap_or_default(),
                    name: self.text(&fields, "name", &package_path).unwrap_or_default(),
                    purl: self.text(&fields, "purl", &package_path),
                })
            }
        };
        let mut affected = Affected {
            package,
            severity: self.severities(&members, path),
            versions: self.texts(&members, "versions", path),
            ecosystem_specific: self.free_form(&members, "ecosystem_specific", path),
            database_specific: self.free_form(&members, "database_specific", path),
            ..Affected::default()
        };
        let ranges_path = pointer(path, "ranges");
        for (i, item) in self.array(&members, "ranges", &ranges_path).iter().enumerate() {
            if let Some(range) = self.range(item, &format!("{ranges_path}/{i}")) {
                affected.ranges.push(range);
            }
        }
        Some(affected)
    }

    fn range(&mut self, value: &Json<'_>, path: &str) -> Option<Range> {
        let members = self.object(value, path)?;
        let mut range = Range {
            kind: self.text(&members, "type", path).unwrap_or_default(),
            repo: self.text(&members, "repo", path),
            database_specific: self.free_form(&members, "database_specific", path),
            ..Range::default()
        };
        if !RANGE_TYPES.contains(&range.kind.as_str()) {
            let shown = shorten(&range.kind);
            self.warn(
                "osv-range-type-unknown",
                &pointer(path, "type"),
                format!("range type `{shown}` is none of {}; kept, matching decides", RANGE_TYPES.join(", ")),
            );
        }
        if range.kind == "GIT" && range.repo.as_deref().is_none_or(str::is_empty) {
            self.warn("osv-range-git-no-repo", path, "a GIT range without `repo`".into());
        }
        let events_path = pointer(path, "events");
        for (i, item) in self.array(&members, "events", &events_path).iter().enumerate() {
            if let Some(event) = self.event(item, &format!("{events_path}/{i}")) {
                range.events.push(event);
            }
        }
        if range.events.is_empty() {
            self.warn("osv-range-no-events", path, "a range without events matches nothing".into());
        }
        Some(range)
    }

    fn event(&mut self, value: &Json<'_>, path: &str) -> Option<Event> {
        let members = self.object(value, path)?;
        let event = Event {
            introduced: self.text(&members, "introduced", path),
            fixed: self.text(&members, "fixed", path),
            last_affected: self.text(&members, "last_affected", path),
            limit: self.text(&members, "limit", path),
        };
        let keys: Vec<&str> = members.iter().map(|(k, _)| *k).collect();
        let known = [&event.introduced, &event.fixed, &event.last_affected, &event.limit];
        let set = known.iter().filter(|v| v.is_some()).count();
        if set != 1 || keys.len() != 1 {
            let listed = keys.iter().map(|k| format!("`{}`", shorten(k))).collect::<Vec<_>>().join(", ");
            self.warn(
                "osv-event-keys",
                path,
                format!(
                    "an event has exactly one of `introduced`, `fixed`, `last_affected`, `limit`; found {}",
                    if listed.is_empty() { "none".to_owned() } else { listed }
                ),
            );
        }
        if set == 0 {
            return None;
        }
        Some(event)
    }
}

fn field<'t, 'a>(members: &Members<'t, 'a>, key: &str) -> Option<&'t Json<'a>> {
    members.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// A JSON pointer to `key` under `path` (RFC 6901 escapes).
fn pointer(path: &str, key: &str) -> String {
    let key: Cow<'_, str> = if key.contains(['~', '/']) {
        Cow::Owned(key.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(key)
    };
    format!("{path}/{key}")
}

/// At most 100 characters of a value, for messages.
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

    #[test]
    fn warning_codes_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for code in WARNING_CODES {
            assert!(seen.insert(code), "{code} repeated");
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{code}");
        }
    }

    #[test]
    fn a_field_of_the_wrong_type_costs_the_field_not_the_record() {
        let record = br#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "aliases": "CVE-1",
            "summary": 3, "affected": [{"package": {"ecosystem": "npm", "name": "a"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, 7, {"fixed": 1}]}]}]}"#;
        let Ok(read) = parse_record(record) else { unreachable!("the record is readable") };
        assert_eq!(read.advisory.aliases, Vec::<String>::new());
        assert_eq!(read.advisory.summary, None);
        let events = read.advisory.affected.first().and_then(|a| a.ranges.first()).map(|r| r.events.len());
        assert_eq!(events, Some(1));
        let paths: Vec<&str> = read.warnings.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/aliases",
                "/summary",
                "/affected/0/ranges/0/events/1",
                "/affected/0/ranges/0/events/2/fixed",
                "/affected/0/ranges/0/events/2"
            ]
        );
    }

    #[test]
    fn deep_database_specific_data_beyond_the_depth_cap_is_an_error() {
        let deep = format!(
            r#"{{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "database_specific": {}1{}}}"#,
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(parse_record(deep.as_bytes()).err().map(|e| e.code()), Some("osv-too-deep"));
    }

    #[test]
    fn pointers_escape_tilde_and_slash() {
        assert_eq!(pointer("/a", "b/c~d"), "/a/b~1c~0d");
    }
}
