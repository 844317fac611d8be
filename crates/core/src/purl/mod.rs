//! Package URLs (purl): parse, validate, build and canonicalise according to the purl
//! specification (ECMA-427) and the rules of the registered purl types (case folding,
//! required or prohibited namespace, required qualifiers, name rules).
//!
//! ```text
//! pkg:type/namespace/name@version?qualifiers#subpath
//! ```
//!
//! Two ways in: [`Purl::parse`] rejects what the standard forbids, for instance a
//! qualifier key that is not lower case; [`Purl::parse_lenient`] also repairs
//! what the purl-spec "recommended" tests repair (upper-case qualifier keys, surrounding
//! white space). Both apply the normalisations the standard requires (type and
//! case-insensitive components lowercased, qualifiers sorted, empty qualifier values
//! dropped, `.` and `..` subpath segments removed). [`Purl::build`] makes a purl from
//! decoded components. `Display` (and [`Purl::canonical`]) writes the canonical string.

mod encoding;
mod types;

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;

use serde::Serialize;

pub use types::{
    COMMON_QUALIFIERS, Case, QualifierRule, REGISTERED_TYPES, Requirement, Special, TypeRule, registered_type,
};

/// The longest purl accepted, in bytes. Real purls are a few hundred bytes at most.
pub const MAX_PURL_LEN: usize = 65_536;

/// A parsed, validated package URL. `Display` writes the canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Purl {
    #[serde(rename = "type")]
    ty: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    qualifiers: BTreeMap<String, String>,
    subpath: Option<String>,
}

/// Why a string (or a set of components) is not a valid package URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid package URL: {message}")]
pub struct PurlError {
    /// Stable kebab-case code, one of [`ERROR_CODES`].
    pub code: &'static str,
    /// What is wrong, in words.
    pub message: String,
}

/// Every [`PurlError::code`], each with the kind of problem it names.
pub const ERROR_CODES: &[&str] = &[
    // Longer than MAX_PURL_LEN.
    "purl-too-long",
    // Does not start with the scheme `pkg:`.
    "purl-scheme",
    // Missing type, or a type with characters other than letters, digits, `.` and `-`.
    "purl-type",
    // Empty name.
    "purl-name-required",
    // A name the type's rules reject (a CPAN module name, a malformed Chrome extension id).
    "purl-name",
    // The type needs a namespace and there is none.
    "purl-namespace-required",
    // The type forbids a namespace and there is one.
    "purl-namespace-prohibited",
    // A namespace segment that decodes to a `/`, or too many segments for the type.
    "purl-namespace",
    // A version the type's rules reject.
    "purl-version",
    // A `key=value` pair without `=`.
    "purl-qualifier",
    // A qualifier key with characters other than lower-case letters, digits, `.`, `-`, `_`.
    "purl-qualifier-key",
    // A qualifier key with upper-case letters (parse_lenient lowercases it).
    "purl-qualifier-key-case",
    // The same qualifier key twice.
    "purl-qualifier-duplicate",
    // The type requires a qualifier that is missing.
    "purl-qualifier-required",
    // A subpath segment that decodes to a `/`.
    "purl-subpath",
    // A `%` not followed by two hex digits, or percent-decoded bytes that are not UTF-8.
    "purl-encoding",
];

pub(crate) fn error(code: &'static str, message: String) -> PurlError {
    PurlError { code, message }
}

/// A piece of the input as shown in an error message: escaped, and cut after 60 characters.
pub(crate) fn shown(text: &str) -> String {
    const LIMIT: usize = 60;
    let mut out: String = text.chars().take(LIMIT).flat_map(char::escape_debug).collect();
    if text.chars().nth(LIMIT).is_some() {
        out.push('…');
    }
    out
}

/// Decoded components on their way to becoming a [`Purl`]: the type rules run on these.
pub(crate) struct Parts {
    ty: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    qualifiers: BTreeMap<String, String>,
    subpath: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Strict,
    Lenient,
}

impl Purl {
    /// Parses and validates a purl string. Rejects what ECMA-427 and the type definitions
    /// forbid (a qualifier key that is not lower case, a missing required namespace, a bad
    /// percent-escape…); applies the normalisations they require (see the module docs).
    /// Characters that should have been percent-encoded but were not (`+`, a space, an
    /// unencoded npm scope `@`) are accepted, as the purl-spec required tests do, and
    /// encoded in the canonical form.
    pub fn parse(text: &str) -> Result<Purl, PurlError> {
        parse(text, Mode::Strict)
    }

    /// Like [`Purl::parse`], but also repairs the common mistakes the purl-spec
    /// "recommended" tests repair: upper-case qualifier keys are lowercased and white space
    /// around the purl is ignored.
    pub fn parse_lenient(text: &str) -> Result<Purl, PurlError> {
        parse(text, Mode::Lenient)
    }

    /// Builds a purl from decoded components, with the same normalisation and checks as
    /// [`Purl::parse`]. Leading, trailing and repeated `/` in the namespace and subpath are
    /// dropped, as are `.` and `..` subpath segments; qualifier keys are lowercased and
    /// qualifiers with an empty value dropped.
    pub fn build(
        ty: &str,
        namespace: Option<&str>,
        name: &str,
        version: Option<&str>,
        qualifiers: impl IntoIterator<Item = (String, String)>,
        subpath: Option<&str>,
    ) -> Result<Purl, PurlError> {
        if ty.len()
            + namespace.map_or(0, str::len)
            + name.len()
            + version.map_or(0, str::len)
            + subpath.map_or(0, str::len)
            > MAX_PURL_LEN
        {
            return Err(error("purl-too-long", format!("its components are longer than {MAX_PURL_LEN} bytes")));
        }
        let ty = check_type(ty)?;
        let namespace = namespace.and_then(|namespace| {
            let segments: Vec<&str> = namespace.split('/').filter(|segment| !segment.is_empty()).collect();
            (!segments.is_empty()).then(|| segments.join("/"))
        });
        let mut checked = BTreeMap::new();
        for (mut key, value) in qualifiers {
            key.make_ascii_lowercase();
            check_key(&key)?;
            insert_qualifier(&mut checked, key, value)?;
        }
        let subpath = match subpath {
            Some(subpath) => join_subpath(subpath.split('/').map(|segment| Ok(segment.into())))?,
            None => None,
        };
        finish(Parts {
            ty,
            namespace,
            name: name.to_owned(),
            version: version.filter(|version| !version.is_empty()).map(str::to_owned),
            qualifiers: checked,
            subpath,
        })
    }

    /// The package type (`npm`, `maven`, `deb`…), lower case.
    pub fn ty(&self) -> &str {
        &self.ty
    }
    /// The namespace (npm scope, Maven group, Debian vendor…), decoded; segments are joined
    /// by `/`.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }
    /// The name, decoded.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The version, decoded.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }
    /// The qualifiers, decoded, keys lower case, sorted; never an empty value.
    pub fn qualifiers(&self) -> &BTreeMap<String, String> {
        &self.qualifiers
    }
    /// The subpath, decoded, without leading or trailing `/`.
    pub fn subpath(&self) -> Option<&str> {
        self.subpath.as_deref()
    }

    /// The rules of this purl's type, or `None` when the type is not registered (the
    /// standard asks tools to warn about such purls; they are otherwise valid).
    pub fn type_rule(&self) -> Option<&'static TypeRule> {
        registered_type(&self.ty)
    }

    /// The canonical string; the same as `to_string()`.
    pub fn canonical(&self) -> String {
        self.to_string()
    }

    /// The canonical form without the qualifiers that do not change which package this is
    /// (`repository_url`, `download_url`, `vcs_url`, `file_name`, `checksum`) and without the
    /// subpath: the identity under which components from different SBOMs are merged.
    pub fn identity(&self) -> String {
        let mut out = String::with_capacity(self.name.len() + 32);
        // Writing into a String cannot fail.
        let _ = self.write(&mut out, |key| !NON_IDENTITY_QUALIFIERS.contains(&key), false);
        out
    }

    /// The components under the names the specification gives them, plus the canonical
    /// string: `{"type", "namespace", "name", "version", "qualifiers", "subpath",
    /// "canonical"}`, with `null` for an absent namespace, version or subpath and for empty
    /// qualifiers.
    pub fn to_json(&self) -> serde_json::Value {
        let qualifiers = if self.qualifiers.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::Value::Object(
                self.qualifiers
                    .iter()
                    .map(|(key, value)| (key.clone(), serde_json::Value::from(value.as_str())))
                    .collect(),
            )
        };
        serde_json::json!({
            "type": self.ty,
            "namespace": self.namespace,
            "name": self.name,
            "version": self.version,
            "qualifiers": qualifiers,
            "subpath": self.subpath,
            "canonical": self.canonical(),
        })
    }

    fn write(&self, out: &mut impl fmt::Write, keep: impl Fn(&str) -> bool, with_subpath: bool) -> fmt::Result {
        out.write_str("pkg:")?;
        out.write_str(&self.ty)?;
        out.write_char('/')?;
        if let Some(namespace) = &self.namespace {
            encoding::write_segments(out, namespace)?;
            out.write_char('/')?;
        }
        if self.ty == "git" {
            // A git name is a repository path: its `/` are separators.
            encoding::write_segments(out, &self.name)?;
        } else {
            encoding::write_encoded(out, &self.name)?;
        }
        if let Some(version) = &self.version {
            out.write_char('@')?;
            encoding::write_encoded(out, version)?;
        }
        let mut separator = '?';
        for (key, value) in self.qualifiers.iter().filter(|(key, _)| keep(key)) {
            out.write_char(separator)?;
            separator = '&';
            out.write_str(key)?;
            out.write_char('=')?;
            encoding::write_encoded(out, value)?;
        }
        if let (true, Some(subpath)) = (with_subpath, &self.subpath) {
            out.write_char('#')?;
            encoding::write_segments(out, subpath)?;
        }
        Ok(())
    }
}

/// Qualifiers that say where a package came from rather than which package it is.
pub const NON_IDENTITY_QUALIFIERS: &[&str] = &["repository_url", "download_url", "vcs_url", "file_name", "checksum"];

impl fmt::Display for Purl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, |_| true, true)
    }
}

impl std::str::FromStr for Purl {
    type Err = PurlError;

    fn from_str(text: &str) -> Result<Purl, PurlError> {
        Purl::parse(text)
    }
}

fn parse(text: &str, mode: Mode) -> Result<Purl, PurlError> {
    if text.len() > MAX_PURL_LEN {
        return Err(error("purl-too-long", format!("it is {} bytes long, the limit is {MAX_PURL_LEN}", text.len())));
    }
    let text = match mode {
        Mode::Strict => text,
        Mode::Lenient => text.trim(),
    };
    // A purl is a URL: the fragment (subpath) starts at the first '#', the query
    // (qualifiers) at the first '?' before it.
    let (text, fragment) = split_off(text, '#');
    let (text, query) = split_off(text, '?');
    let Some((scheme, rest)) = text.split_once(':') else {
        return Err(error("purl-scheme", format!("'{}' does not start with the scheme 'pkg:'", shown(text))));
    };
    if !scheme.eq_ignore_ascii_case("pkg") {
        return Err(error("purl-scheme", format!("the scheme is '{}', it must be 'pkg'", shown(scheme))));
    }
    // `pkg:/maven/…`, `pkg://maven/…`: slashes after the scheme are not significant.
    let rest = rest.trim_start_matches('/');
    let (ty, path) = rest.split_once('/').unwrap_or((rest, ""));
    let ty = check_type(ty)?;
    let (path, version) = split_version(path);
    let (namespace, name) = match path.rsplit_once('/') {
        Some((namespace, name)) => (Some(namespace), name),
        None => (None, path),
    };
    let namespace = match namespace {
        Some(namespace) => decode_namespace(namespace)?,
        None => None,
    };
    let name = encoding::decode(name, "name")?.into_owned();
    let version = match version {
        Some(version) => Some(encoding::decode(version, "version")?.into_owned()).filter(|version| !version.is_empty()),
        None => None,
    };
    let mut qualifiers = BTreeMap::new();
    for pair in query.unwrap_or("").split('&').filter(|pair| !pair.is_empty()) {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(error(
                "purl-qualifier",
                format!("the qualifier '{}' has no '=' between key and value", shown(pair)),
            ));
        };
        let mut key = key.to_owned();
        if mode == Mode::Lenient {
            key.make_ascii_lowercase();
        }
        check_key(&key)?;
        let value = encoding::decode(value, "qualifier value")?.into_owned();
        insert_qualifier(&mut qualifiers, key, value)?;
    }
    let subpath = match fragment {
        Some(fragment) => {
            join_subpath(fragment.split('/').map(|segment| encoding::decode(segment, "subpath segment")))?
        }
        None => None,
    };
    finish(Parts { ty, namespace, name, version, qualifiers, subpath })
}

/// Splits at the first `separator`: what is before it, and what is after it if it is there.
fn split_off(text: &str, separator: char) -> (&str, Option<&str>) {
    match text.split_once(separator) {
        Some((before, after)) => (before, Some(after)),
        None => (text, None),
    }
}

/// Splits `namespace/name@version` at the last `@`. An `@` that opens a namespace segment
/// (an unencoded npm scope, `@babel/core`) is not the version separator.
fn split_version(path: &str) -> (&str, Option<&str>) {
    match path.rsplit_once('@') {
        Some((before, after)) if !((before.is_empty() || before.ends_with('/')) && after.contains('/')) => {
            (before, Some(after))
        }
        _ => (path, None),
    }
}

/// Checks the type and lowercases it.
fn check_type(ty: &str) -> Result<String, PurlError> {
    let Some(first) = ty.chars().next() else {
        return Err(error("purl-type", "the type is missing: expected pkg:type/name".to_owned()));
    };
    if !first.is_ascii_alphabetic() {
        return Err(error("purl-type", format!("the type '{}' must start with an ASCII letter", shown(ty))));
    }
    if let Some(bad) = ty.chars().find(|&c| !(c.is_ascii_alphanumeric() || c == '.' || c == '-')) {
        return Err(error(
            "purl-type",
            format!(
                "the type '{}' contains '{}': only ASCII letters, digits, '.' and '-' are allowed",
                shown(ty),
                bad.escape_debug()
            ),
        ));
    }
    Ok(ty.to_ascii_lowercase())
}

/// Decodes the namespace segments, dropping empty ones; `None` when nothing is left.
fn decode_namespace(namespace: &str) -> Result<Option<String>, PurlError> {
    let mut out = String::with_capacity(namespace.len());
    for segment in namespace.split('/').filter(|segment| !segment.is_empty()) {
        let decoded = encoding::decode(segment, "namespace segment")?;
        if decoded.contains('/') {
            return Err(error(
                "purl-namespace",
                format!("the namespace segment '{}' contains an encoded '/'", shown(segment)),
            ));
        }
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(&decoded);
    }
    Ok((!out.is_empty()).then_some(out))
}

/// Joins decoded subpath segments, dropping empty, `.` and `..` ones; `None` when nothing
/// is left.
fn join_subpath<'a>(
    segments: impl Iterator<Item = Result<std::borrow::Cow<'a, str>, PurlError>>,
) -> Result<Option<String>, PurlError> {
    let mut out = String::new();
    for segment in segments {
        let segment = segment?;
        if matches!(segment.as_ref(), "" | "." | "..") {
            continue;
        }
        if segment.contains('/') {
            return Err(error("purl-subpath", format!("the subpath segment '{}' contains a '/'", shown(&segment))));
        }
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(&segment);
    }
    Ok((!out.is_empty()).then_some(out))
}

/// Checks a qualifier key: lower-case ASCII letters, digits, `.`, `-` and `_`, starting
/// with a letter.
fn check_key(key: &str) -> Result<(), PurlError> {
    if key.is_empty() {
        return Err(error("purl-qualifier-key", "a qualifier key is empty".to_owned()));
    }
    if key.bytes().any(|b| b.is_ascii_uppercase())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    {
        return Err(error(
            "purl-qualifier-key-case",
            format!("the qualifier key '{}' must be lower case: '{}'", shown(key), key.to_ascii_lowercase()),
        ));
    }
    let starts_with_letter = key.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
    if !starts_with_letter
        || !key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_'))
    {
        return Err(error(
            "purl-qualifier-key",
            format!(
                "the qualifier key '{}' must start with a letter and hold only lower-case ASCII letters, digits, '.', '-' and '_' (keys are never percent-encoded)",
                shown(key)
            ),
        ));
    }
    Ok(())
}

/// Adds a qualifier; an empty value is the same as no qualifier.
fn insert_qualifier(qualifiers: &mut BTreeMap<String, String>, key: String, value: String) -> Result<(), PurlError> {
    if value.is_empty() {
        return Ok(());
    }
    match qualifiers.entry(key) {
        Entry::Vacant(entry) => {
            entry.insert(value);
            Ok(())
        }
        Entry::Occupied(entry) => {
            Err(error("purl-qualifier-duplicate", format!("the qualifier '{}' is given twice", shown(entry.key()))))
        }
    }
}

/// Applies the general and the type's normalisations, then the checks.
fn finish(mut parts: Parts) -> Result<Purl, PurlError> {
    let rule = registered_type(&parts.ty);
    if rule.is_some_and(|rule| rule.special == Special::GitPath) {
        // The git namespace is the host alone; the rest of the path is the name.
        let mut path = parts.namespace.take().unwrap_or_default();
        for segment in parts.name.split('/').filter(|segment| !segment.is_empty()) {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(segment);
        }
        match path.split_once('/') {
            Some((host, name)) => {
                parts.namespace = Some(host.to_owned());
                parts.name = name.to_owned();
            }
            None => parts.name = path,
        }
    } else if parts.name.starts_with('/') || parts.name.ends_with('/') {
        // Leading and trailing slashes are not part of the name.
        parts.name = parts.name.trim_matches('/').to_owned();
    }
    if parts.name.is_empty() {
        return Err(error("purl-name-required", format!("the name is missing: expected pkg:{}/name", parts.ty)));
    }
    if let Some(checksum) = parts.qualifiers.get_mut("checksum") {
        // Checksums are `algorithm:hex`, lower case.
        types::fold(checksum, Case::Lower);
    }
    if let Some(rule) = rule {
        types::normalise(&mut parts, rule);
        types::validate(&parts, rule)?;
    }
    let Parts { ty, namespace, name, version, qualifiers, subpath } = parts;
    Ok(Purl { ty, namespace, name, version, qualifiers, subpath })
}

#[cfg(test)]
mod tests;
