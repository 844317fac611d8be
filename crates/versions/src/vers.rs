//! `vers:` version range specifiers (package-url/vers-spec): parsing with the spec's
//! canonical-form validation, containment, the canonical text form, and conversion from
//! native range notations (npm, conan, RubyGems, NuGet/Maven, PyPI, nginx, OpenSSL).
//!
//! ```
//! use chainward_versions::vers::VersRange;
//! let range = VersRange::parse("vers:deb/>=1.0-1|<1.2-3").unwrap();
//! assert!(range.contains("1.1-1").unwrap());
//! assert_eq!(range.to_string(), "vers:deb/>=1.0-1|<1.2-3");
//! ```

mod compare;
mod native;

use std::cmp::Ordering;
use std::fmt;

use crate::Scheme;
use compare::{Comparison, Key};

/// Longest `vers:` text accepted.
pub const MAX_VERS_LEN: usize = 16 * 1024;

/// Most constraints one range may hold.
pub const MAX_CONSTRAINTS: usize = 512;

/// Why a `vers:` range (or a native range) is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VersError {
    /// Not a `vers:` string at all, or broken separators.
    #[error("malformed vers: {0}")]
    Syntax(String),
    /// Well-formed but not in canonical form (order, duplicates, comparator sequence,
    /// case, percent-encoding).
    #[error("non-canonical vers: {0}")]
    NotCanonical(String),
    /// A `vers` type this crate cannot compare.
    #[error("unknown vers type {0:?}")]
    UnknownType(String),
    /// A version that the type's comparison cannot read.
    #[error("invalid version {version:?}: {reason}")]
    InvalidVersion {
        /// The version text.
        version: String,
        /// What is wrong.
        reason: String,
    },
    /// A native range that cannot be converted.
    #[error("cannot convert native range {native:?}: {reason}")]
    Native {
        /// The native range text.
        native: String,
        /// What is wrong.
        reason: String,
    },
    /// Input longer than [`MAX_VERS_LEN`] or with more than [`MAX_CONSTRAINTS`] constraints.
    #[error("vers range too long")]
    TooLong,
}

/// A constraint comparator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Comparator {
    /// `=` (written as a bare version).
    Equal,
    /// `!=`.
    NotEqual,
    /// `<`.
    Less,
    /// `<=`.
    LessOrEqual,
    /// `>`.
    Greater,
    /// `>=`.
    GreaterOrEqual,
}

impl Comparator {
    /// The comparator as written in a constraint (`=` for equality).
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Equal => "=",
            Comparator::NotEqual => "!=",
            Comparator::Less => "<",
            Comparator::LessOrEqual => "<=",
            Comparator::Greater => ">",
            Comparator::GreaterOrEqual => ">=",
        }
    }

    /// Order between constraints at the same version: upper bounds close a range before
    /// lower bounds open the next one.
    fn rank(self) -> u8 {
        match self {
            Comparator::Less => 0,
            Comparator::LessOrEqual => 1,
            Comparator::Equal => 2,
            Comparator::NotEqual => 3,
            Comparator::GreaterOrEqual => 4,
            Comparator::Greater => 5,
        }
    }

    fn is_lower_bound(self) -> bool {
        matches!(self, Comparator::Greater | Comparator::GreaterOrEqual)
    }

    fn is_upper_bound(self) -> bool {
        matches!(self, Comparator::Less | Comparator::LessOrEqual)
    }

    /// Splits a leading comparator off a constraint (`=` when there is none).
    fn split(constraint: &str) -> (Comparator, &str) {
        for (prefix, comparator) in [
            (">=", Comparator::GreaterOrEqual),
            ("<=", Comparator::LessOrEqual),
            ("!=", Comparator::NotEqual),
            ("<", Comparator::Less),
            (">", Comparator::Greater),
        ] {
            if let Some(rest) = constraint.strip_prefix(prefix) {
                return (comparator, rest);
            }
        }
        (Comparator::Equal, constraint)
    }
}

/// One constraint: a comparator and a (decoded) version.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Constraint {
    /// How the version bounds the range.
    pub comparator: Comparator,
    /// The version, percent-decoded.
    pub version: String,
}

/// A parsed `vers:` range.
#[derive(Clone, Debug)]
pub struct VersRange {
    vers_type: String,
    comparison: Comparison,
    /// `None` is `*` (every version).
    constraints: Option<Vec<Constraint>>,
    keys: Vec<Key>,
}

impl PartialEq for VersRange {
    fn eq(&self, other: &VersRange) -> bool {
        self.vers_type == other.vers_type && self.constraints == other.constraints
    }
}

impl Eq for VersRange {}

const MUST_ENCODE: &[u8] = b"><=!*|%";

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Decodes a constraint's version, requiring canonical encoding: `%` only before two
/// upper-case hex digits, and only for the characters that must be encoded (the vers
/// special characters and non-ASCII bytes).
fn decode_version(text: &str) -> Result<String, VersError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte == b'%' {
            let high = bytes.get(at + 1).copied();
            let low = bytes.get(at + 2).copied();
            let (Some(high), Some(low)) = (high, low) else {
                return Err(VersError::NotCanonical("invalid percent-encoding in version".into()));
            };
            if !high.is_ascii_hexdigit() || !low.is_ascii_hexdigit() {
                return Err(VersError::NotCanonical("invalid percent-encoding in version".into()));
            }
            let (Some(h), Some(l)) = (hex_value(high), hex_value(low)) else {
                return Err(VersError::NotCanonical(
                    "percent-encoding in version is not canonical (lower-case hex)".into(),
                ));
            };
            let decoded = h * 16 + l;
            if decoded.is_ascii() && !MUST_ENCODE.contains(&decoded) {
                return Err(VersError::NotCanonical(format!(
                    "percent-encoding in version is not canonical: {:?} must not be encoded",
                    char::from(decoded)
                )));
            }
            out.push(decoded);
            at += 3;
        } else {
            if MUST_ENCODE.contains(&byte) {
                return Err(VersError::NotCanonical(format!(
                    "{:?} in a version must be percent-encoded",
                    char::from(byte)
                )));
            }
            out.push(byte);
            at += 1;
        }
    }
    String::from_utf8(out).map_err(|_| VersError::NotCanonical("percent-encoded version is not UTF-8".into()))
}

fn encode_version(version: &str, out: &mut String) {
    for byte in version.bytes() {
        if MUST_ENCODE.contains(&byte) || !byte.is_ascii() {
            out.push_str(&format!("%{byte:02X}"));
        } else {
            out.push(char::from(byte));
        }
    }
}

/// Stable insertion sort by `compare` that never panics, whatever `compare` does.
fn stable_sort<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 {
            let (Some(before), Some(here)) = (items.get(j - 1), items.get(j)) else { break };
            if compare(before, here) != Ordering::Greater {
                break;
            }
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

impl VersRange {
    /// Parses a `vers:` string that must already be canonical: lower-case `vers` and type,
    /// no whitespace, no empty or stray pipes, `*` alone, comparators `>=`, `<=`, `!=`,
    /// `<`, `>` or none (equality), canonical percent-encoding, versions valid for the
    /// type, sorted by the type's order, each version once, and comparators that alternate
    /// as the spec requires.
    pub fn parse(text: &str) -> Result<VersRange, VersError> {
        let range = VersRange::parse_unsorted(text)?;
        range.check_canonical()?;
        Ok(range)
    }

    /// Parses like [`VersRange::parse`] but sorts the constraints by version instead of
    /// refusing an unsorted list, and does not check uniqueness or comparator sequence
    /// (the spec's "recommended" remediation of non-canonical input).
    pub fn parse_and_sort(text: &str) -> Result<VersRange, VersError> {
        let mut range = VersRange::parse_unsorted(text)?;
        range.sort();
        Ok(range)
    }

    fn parse_unsorted(text: &str) -> Result<VersRange, VersError> {
        if text.len() > MAX_VERS_LEN {
            return Err(VersError::TooLong);
        }
        if text.bytes().any(|b| b.is_ascii_whitespace()) {
            return Err(VersError::NotCanonical("whitespace is not permitted".into()));
        }
        if text.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(VersError::Syntax("only printable ASCII is permitted".into()));
        }
        let (scheme, specifier) = text.split_once(':').ok_or_else(|| VersError::Syntax("no `vers:` scheme".into()))?;
        if scheme != "vers" {
            return Err(if scheme.eq_ignore_ascii_case("vers") {
                VersError::NotCanonical("the scheme must be lower-case `vers`".into())
            } else {
                VersError::Syntax(format!("scheme is {scheme:?}, not `vers`"))
            });
        }
        let (vers_type, constraints) =
            specifier.split_once('/').ok_or_else(|| VersError::Syntax("no `/` after the type".into()))?;
        let valid_type = vers_type.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && vers_type.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if !valid_type {
            return Err(VersError::Syntax(format!("invalid type {vers_type:?}")));
        }
        if vers_type.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(VersError::NotCanonical("the type must be lower-case".into()));
        }
        let comparison = Comparison::for_type(vers_type).ok_or_else(|| VersError::UnknownType(vers_type.to_owned()))?;
        if constraints.is_empty() {
            return Err(VersError::Syntax("no constraints".into()));
        }
        if constraints == "*" {
            return Ok(VersRange { vers_type: vers_type.to_owned(), comparison, constraints: None, keys: Vec::new() });
        }
        if comparison == Comparison::Star {
            return Err(VersError::Syntax(format!("`vers:{vers_type}` only allows `*`")));
        }
        if constraints.starts_with('|') {
            return Err(VersError::NotCanonical("leading pipe is not permitted".into()));
        }
        if constraints.ends_with('|') {
            return Err(VersError::NotCanonical("trailing pipe is not permitted".into()));
        }
        if constraints.contains("||") {
            return Err(VersError::NotCanonical("consecutive pipes are not permitted".into()));
        }
        let mut list = Vec::new();
        let mut keys = Vec::new();
        for raw in constraints.split('|') {
            if list.len() >= MAX_CONSTRAINTS {
                return Err(VersError::TooLong);
            }
            if raw == "*" {
                return Err(VersError::NotCanonical("`*` must be the only constraint".into()));
            }
            let (comparator, encoded) = Comparator::split(raw);
            if encoded.is_empty() {
                return Err(VersError::Syntax(format!("constraint {raw:?} has no version")));
            }
            if comparison == Comparison::Datetime {
                if encoded.contains("%3A") || encoded.contains("%3a") {
                    return Err(VersError::NotCanonical("datetime time colons must be unencoded".into()));
                }
                if !encoded.contains('%') && (encoded.contains('t') || encoded.contains('z')) {
                    return Err(VersError::NotCanonical("datetime must use upper-case T and Z".into()));
                }
            }
            let version = decode_version(encoded)?;
            keys.push(comparison.key(&version)?);
            list.push(Constraint { comparator, version });
        }
        Ok(VersRange { vers_type: vers_type.to_owned(), comparison, constraints: Some(list), keys })
    }

    /// Builds a range from a type and constraints, sorted here by version (an upper bound
    /// before a lower bound at the same version, otherwise stably); duplicates and
    /// comparator sequences are kept as given. `None` is `*`.
    pub fn from_constraints(vers_type: &str, constraints: Option<Vec<Constraint>>) -> Result<VersRange, VersError> {
        let vers_type = vers_type.to_ascii_lowercase();
        let comparison = Comparison::for_type(&vers_type).ok_or_else(|| VersError::UnknownType(vers_type.clone()))?;
        let Some(list) = constraints else {
            return Ok(VersRange { vers_type, comparison, constraints: None, keys: Vec::new() });
        };
        if list.len() > MAX_CONSTRAINTS {
            return Err(VersError::TooLong);
        }
        let keys = list.iter().map(|c| comparison.key(&c.version)).collect::<Result<Vec<_>, _>>()?;
        let mut pairs: Vec<(Constraint, Key)> = list.into_iter().zip(keys).collect();
        stable_sort(&mut pairs, |a, b| {
            a.1.compare(&b.1).then_with(|| a.0.comparator.rank().cmp(&b.0.comparator.rank()))
        });
        let (list, keys) = pairs.into_iter().unzip();
        Ok(VersRange { vers_type, comparison, constraints: Some(list), keys })
    }

    /// Converts a native range notation of `vers_type` into a range: npm (node-semver),
    /// conan, gem (RubyGems requirements), nuget and maven (interval notation), pypi
    /// (PEP 440 specifiers), nginx (advisory notation) and openssl (version lists).
    /// Constraints come out sorted by version, as given otherwise (not simplified).
    pub fn from_native(vers_type: &str, native: &str) -> Result<VersRange, VersError> {
        native::from_native(vers_type, native)
    }

    fn sort(&mut self) {
        let Some(list) = self.constraints.take() else { return };
        let mut pairs: Vec<(Constraint, Key)> = list.into_iter().zip(std::mem::take(&mut self.keys)).collect();
        stable_sort(&mut pairs, |a, b| a.1.compare(&b.1));
        let (list, keys) = pairs.into_iter().unzip();
        self.constraints = Some(list);
        self.keys = keys;
    }

    fn check_canonical(&self) -> Result<(), VersError> {
        let Some(list) = &self.constraints else { return Ok(()) };
        for pair in self.keys.windows(2) {
            if let [a, b] = pair {
                match a.compare(b) {
                    Ordering::Less => {}
                    Ordering::Equal => {
                        return Err(VersError::NotCanonical("a version occurs more than once".into()));
                    }
                    Ordering::Greater => {
                        return Err(VersError::NotCanonical("constraints are not sorted by version".into()));
                    }
                }
            }
        }
        let without_ne: Vec<Comparator> =
            list.iter().map(|c| c.comparator).filter(|c| *c != Comparator::NotEqual).collect();
        for pair in without_ne.windows(2) {
            if let [Comparator::Equal, next] = pair
                && next.is_upper_bound()
            {
                return Err(VersError::NotCanonical(format!("`=` followed by `{}`", next.as_str())));
            }
        }
        let bounds: Vec<Comparator> = without_ne.into_iter().filter(|c| *c != Comparator::Equal).collect();
        for pair in bounds.windows(2) {
            if let [a, b] = pair
                && (a.is_lower_bound() == b.is_lower_bound())
            {
                return Err(VersError::NotCanonical(format!(
                    "`{}` followed by `{}`: bounds must alternate",
                    a.as_str(),
                    b.as_str()
                )));
            }
        }
        Ok(())
    }

    /// The `vers` type (lower-case).
    pub fn vers_type(&self) -> &str {
        &self.vers_type
    }

    /// The crate scheme that orders this type's versions, when it is one of the schemes
    /// (`None` for types with their own comparator here, such as `conan` or `datetime`).
    pub fn scheme(&self) -> Option<Scheme> {
        self.comparison.scheme()
    }

    /// The constraints in order; `None` for `*`.
    pub fn constraints(&self) -> Option<&[Constraint]> {
        self.constraints.as_deref()
    }

    /// Whether `version` lies in the range, following the spec's containment procedure.
    pub fn contains(&self, version: &str) -> Result<bool, VersError> {
        let Some(list) = &self.constraints else { return Ok(true) };
        let tested = self.comparison.key(version)?;
        let items: Vec<(&Constraint, &Key)> = list.iter().zip(&self.keys).collect();
        for (constraint, key) in &items {
            let equal = tested.compare(key) == Ordering::Equal;
            match constraint.comparator {
                Comparator::Equal | Comparator::LessOrEqual | Comparator::GreaterOrEqual if equal => return Ok(true),
                _ => {}
            }
        }
        for (constraint, key) in &items {
            if constraint.comparator == Comparator::NotEqual && tested.compare(key) == Ordering::Equal {
                return Ok(false);
            }
        }
        let bounds: Vec<&(&Constraint, &Key)> =
            items.iter().filter(|(c, _)| !matches!(c.comparator, Comparator::Equal | Comparator::NotEqual)).collect();
        match bounds.as_slice() {
            [] => {
                let only_exclusions = items.iter().all(|(c, _)| c.comparator == Comparator::NotEqual);
                return Ok(only_exclusions && !items.is_empty());
            }
            [(constraint, key)] => {
                let order = tested.compare(key);
                return Ok(match constraint.comparator {
                    Comparator::Less | Comparator::LessOrEqual => order == Ordering::Less,
                    _ => order == Ordering::Greater,
                });
            }
            _ => {}
        }
        let last = bounds.len() - 2;
        for (index, pair) in bounds.windows(2).enumerate() {
            let [(current, current_key), (next, next_key)] = pair else { continue };
            let below_current = tested.compare(current_key) == Ordering::Less;
            let above_next = tested.compare(next_key) == Ordering::Greater;
            if index == 0 && current.comparator.is_upper_bound() && below_current {
                return Ok(true);
            }
            if index == last && next.comparator.is_lower_bound() && above_next {
                return Ok(true);
            }
            if current.comparator.is_lower_bound()
                && next.comparator.is_upper_bound()
                && tested.compare(current_key) == Ordering::Greater
                && tested.compare(next_key) == Ordering::Less
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Compares two versions under a `vers` type's rules (the procedure used for sorting
/// constraints and for containment).
pub fn compare_versions(vers_type: &str, a: &str, b: &str) -> Result<Ordering, VersError> {
    let comparison = Comparison::for_type(&vers_type.to_ascii_lowercase())
        .ok_or_else(|| VersError::UnknownType(vers_type.to_owned()))?;
    Ok(comparison.key(a)?.compare(&comparison.key(b)?))
}

impl fmt::Display for VersRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = format!("vers:{}/", self.vers_type);
        match &self.constraints {
            None => out.push('*'),
            Some(list) => {
                for (index, constraint) in list.iter().enumerate() {
                    if index > 0 {
                        out.push('|');
                    }
                    if constraint.comparator != Comparator::Equal {
                        out.push_str(constraint.comparator.as_str());
                    }
                    encode_version(&constraint.version, &mut out);
                }
            }
        }
        f.write_str(&out)
    }
}
