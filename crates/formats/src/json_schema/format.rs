//! The `format` values checked as assertions: those the bundled schemas use (`date-time`,
//! `date`, `idn-email`, `uri`) and their close relatives. Unknown formats (CycloneDX 1.2
//! even has `"format": "string"`) are annotations and pass.
//!
//! `iri` and `iri-reference` are checked here but not asserted by validation, as in the
//! CycloneDX specification's own harness (ajv, which accepts any string for them): real
//! SBOMs are full of `${project.url}` and URLs with spaces, which the official tooling
//! accepts. [`super::check_format`] still checks them, for warnings.

use std::net::Ipv6Addr;

/// A format this validator checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    DateTime,
    Date,
    Time,
    Email,
    IdnEmail,
    Hostname,
    IdnHostname,
    Ipv4,
    Ipv6,
    Uri,
    UriReference,
    Iri,
    IriReference,
    Uuid,
    JsonPointer,
}

impl Format {
    /// The format called `name`, if it is one this validator checks.
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "date-time" => Format::DateTime,
            "date" => Format::Date,
            "time" => Format::Time,
            "email" => Format::Email,
            "idn-email" => Format::IdnEmail,
            "hostname" => Format::Hostname,
            "idn-hostname" => Format::IdnHostname,
            "ipv4" => Format::Ipv4,
            "ipv6" => Format::Ipv6,
            "uri" => Format::Uri,
            "uri-reference" => Format::UriReference,
            "iri" => Format::Iri,
            "iri-reference" => Format::IriReference,
            "uuid" => Format::Uuid,
            "json-pointer" => Format::JsonPointer,
            _ => return None,
        })
    }

    /// Whether validation asserts this format (see the module documentation).
    pub fn asserted(self) -> bool {
        !matches!(self, Format::Iri | Format::IriReference)
    }

    /// The name, as schemas spell it.
    pub fn name(self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::Date => "date",
            Format::Time => "time",
            Format::Email => "email",
            Format::IdnEmail => "idn-email",
            Format::Hostname => "hostname",
            Format::IdnHostname => "idn-hostname",
            Format::Ipv4 => "ipv4",
            Format::Ipv6 => "ipv6",
            Format::Uri => "uri",
            Format::UriReference => "uri-reference",
            Format::Iri => "iri",
            Format::IriReference => "iri-reference",
            Format::Uuid => "uuid",
            Format::JsonPointer => "json-pointer",
        }
    }

    /// Whether `text` is in this format.
    pub fn check(self, text: &str) -> bool {
        match self {
            Format::DateTime => is_date_time(text),
            Format::Date => is_date(text.as_bytes()),
            Format::Time => is_time(text.as_bytes()),
            Format::Email => is_email(text, false),
            Format::IdnEmail => is_email(text, true),
            Format::Hostname => is_hostname(text, false),
            Format::IdnHostname => is_hostname(text, true),
            Format::Ipv4 => is_ipv4(text),
            Format::Ipv6 => text.parse::<Ipv6Addr>().is_ok(),
            Format::Uri => is_uri(text, true, false),
            Format::UriReference => is_uri(text, false, false),
            Format::Iri => is_uri(text, true, true),
            Format::IriReference => is_uri(text, false, true),
            Format::Uuid => is_uuid(text.as_bytes()),
            Format::JsonPointer => is_json_pointer(text),
        }
    }
}

fn digits(bytes: &[u8], start: usize, n: usize) -> Option<u32> {
    let slice = bytes.get(start..start + n)?;
    slice.iter().try_fold(0u32, |acc, b| b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0')))
}

/// RFC 3339 `date-time`: `full-date "T" full-time`, `T` and `Z` in either case.
fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    matches!(bytes.get(10), Some(b'T' | b't'))
        && bytes.get(..10).is_some_and(is_date)
        && bytes.get(11..).is_some_and(is_time)
}

/// RFC 3339 `full-date`: `YYYY-MM-DD`, a real day of the (Gregorian) calendar.
fn is_date(bytes: &[u8]) -> bool {
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(bytes, 0, 4), digits(bytes, 5, 2), digits(bytes, 8, 2)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// RFC 3339 `full-time`: `HH:MM:SS[.frac](Z|+HH:MM|-HH:MM)`; a leap second only at 23:59
/// UTC.
fn is_time(bytes: &[u8]) -> bool {
    if bytes.get(2) != Some(&b':') || bytes.get(5) != Some(&b':') {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) = (digits(bytes, 0, 2), digits(bytes, 3, 2), digits(bytes, 6, 2))
    else {
        return false;
    };
    let mut i = 8;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    let offset_minutes: i64 = match bytes.get(i) {
        Some(b'Z' | b'z') if bytes.len() == i + 1 => 0,
        Some(sign @ (b'+' | b'-')) if bytes.len() == i + 6 && bytes.get(i + 3) == Some(&b':') => {
            let (Some(oh), Some(om)) = (digits(bytes, i + 1, 2), digits(bytes, i + 4, 2)) else { return false };
            if oh > 23 || om > 59 {
                return false;
            }
            let minutes = i64::from(oh * 60 + om);
            if *sign == b'+' { minutes } else { -minutes }
        }
        _ => return false,
    };
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    if second == 60 {
        let utc = (i64::from(hour * 60 + minute) - offset_minutes).rem_euclid(24 * 60);
        return utc == 23 * 60 + 59;
    }
    true
}

const ATEXT_PUNCTUATION: &[u8] = b"!#$%&'*+-/=?^_`{|}~";

/// RFC 5321 mailbox: a dot-atom or quoted local part, `@`, a host name or an address
/// literal. `idn` allows non-ASCII characters (RFC 6531).
fn is_email(text: &str, idn: bool) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else { return false };
    let local_ok = if let Some(quoted) = local.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        let mut chars = quoted.chars();
        let mut ok = true;
        while let Some(c) = chars.next() {
            ok &= match c {
                '\\' => chars.next().is_some_and(|e| e == ' ' || e.is_ascii_graphic() || (idn && !e.is_ascii())),
                '"' => false,
                ' ' => true,
                c => c.is_ascii_graphic() || (idn && !c.is_ascii() && !c.is_control()),
            };
        }
        ok
    } else {
        !local.is_empty()
            && local.split('.').all(|atom| {
                !atom.is_empty()
                    && atom.chars().all(|c| {
                        c.is_ascii_alphanumeric()
                            || (c.is_ascii() && ATEXT_PUNCTUATION.contains(&(c as u8)))
                            || (idn && !c.is_ascii() && !c.is_control() && !c.is_whitespace())
                    })
            })
    };
    let domain_ok = if let Some(literal) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        match literal.strip_prefix("IPv6:") {
            Some(v6) => v6.parse::<Ipv6Addr>().is_ok(),
            None => is_ipv4(literal),
        }
    } else {
        is_hostname(domain, idn)
    };
    local_ok && domain_ok
}

/// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, each at
/// most 63 characters, 253 in all. `idn` allows non-ASCII letters (U-labels).
fn is_hostname(text: &str, idn: bool) -> bool {
    let name = text.strip_suffix('.').unwrap_or(text);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || (idn && !c.is_ascii() && c.is_alphanumeric()))
        })
}

fn is_ipv4(text: &str) -> bool {
    let mut parts = 0;
    for part in text.split('.') {
        parts += 1;
        let ok = !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'))
            && part.parse::<u16>().is_ok_and(|n| n <= 255);
        if !ok {
            return false;
        }
    }
    parts == 4
}

/// RFC 3986 URI (`absolute`) or URI-reference, RFC 3987 IRI or IRI-reference (`iri`): a
/// valid scheme when there is one, only characters the grammar allows, well-formed
/// percent-escapes, at most one `#`.
fn is_uri(text: &str, absolute: bool, iri: bool) -> bool {
    // A scheme is what comes before a `:` that precedes any `/`, `?` or `#`.
    let scheme_end = text.find([':', '/', '?', '#']).filter(|&i| text.as_bytes().get(i) == Some(&b':'));
    match scheme_end {
        Some(end) => {
            let scheme = text.get(..end).unwrap_or("");
            let mut chars = scheme.chars();
            let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
            if !valid {
                return false;
            }
        }
        None if absolute => return false,
        None => {}
    }
    let bytes = text.as_bytes();
    let mut hashes = 0;
    let mut i = 0;
    for (at, c) in text.char_indices() {
        if at < i {
            continue;
        }
        i = at + c.len_utf8();
        let ok = match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' => true,
            '-' | '.' | '_' | '~' | ':' | '/' | '?' | '[' | ']' | '@' => true,
            '!' | '$' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | ';' | '=' => true,
            '#' => {
                hashes += 1;
                hashes == 1
            }
            '%' => {
                let ok = bytes.get(at + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(at + 2).is_some_and(u8::is_ascii_hexdigit);
                i = at + 3;
                ok
            }
            c if iri && !c.is_ascii() => !c.is_control() && !c.is_whitespace() && !is_noncharacter(c),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

fn is_noncharacter(c: char) -> bool {
    let code = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&code) || (code & 0xFFFE) == 0xFFFE
}

fn is_uuid(bytes: &[u8]) -> bool {
    bytes.len() == 36
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| if matches!(i, 8 | 13 | 18 | 23) { *b == b'-' } else { b.is_ascii_hexdigit() })
}

fn is_json_pointer(text: &str) -> bool {
    if text.is_empty() {
        return true;
    }
    if !text.starts_with('/') {
        return false;
    }
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(i, b)| *b != b'~' || matches!(bytes.get(i + 1), Some(b'0' | b'1')))
}
