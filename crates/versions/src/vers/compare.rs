//! How each `vers` type orders its versions: most types use one of the crate's
//! [`Scheme`]s; the rest (alpm, conan, gentoo, openssl, datetime, intdot,
//! lexicographic) have small comparators here that are not schemes of their own.

use std::cmp::Ordering;

use crate::digits::{Digits, split_digits};
use crate::{Scheme, Version};

use super::VersError;

/// The comparison procedure of one `vers` type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Comparison {
    /// One of the crate's schemes.
    Scheme(Scheme),
    /// Arch Linux `vercmp`.
    Alpm,
    /// Conan 2 `Version`.
    Conan,
    /// Gentoo PMS version comparison.
    Gentoo,
    /// OpenSSL `major.minor.patch[letters]`.
    Openssl,
    /// RFC 3339 timestamps, by instant.
    Datetime,
    /// Dotted integers.
    Intdot,
    /// UTF-8 bytes.
    Lexicographic,
    /// `all` and `none`: only `*` is valid, no version ever parses.
    Star,
}

impl Comparison {
    /// The procedure for a lower-case `vers` type, or `None` when the type is unknown.
    pub(super) fn for_type(vers_type: &str) -> Option<Comparison> {
        Some(match vers_type {
            "npm" | "cargo" | "semver" | "hex" | "swift" => Comparison::Scheme(Scheme::Semver),
            "golang" | "go" => Comparison::Scheme(Scheme::Go),
            "pypi" => Comparison::Scheme(Scheme::PyPI),
            "maven" => Comparison::Scheme(Scheme::Maven),
            "nuget" => Comparison::Scheme(Scheme::NuGet),
            "gem" => Comparison::Scheme(Scheme::RubyGems),
            "composer" => Comparison::Scheme(Scheme::Packagist),
            "deb" => Comparison::Scheme(Scheme::Debian),
            "rpm" => Comparison::Scheme(Scheme::Rpm),
            "apk" => Comparison::Scheme(Scheme::Alpine),
            "cran" => Comparison::Scheme(Scheme::Cran),
            "hackage" => Comparison::Scheme(Scheme::Hackage),
            "dart" | "pub" => Comparison::Scheme(Scheme::Pub),
            "generic" => Comparison::Scheme(Scheme::Generic),
            "alpm" => Comparison::Alpm,
            "conan" => Comparison::Conan,
            "gentoo" | "ebuild" => Comparison::Gentoo,
            "openssl" => Comparison::Openssl,
            "datetime" => Comparison::Datetime,
            "intdot" | "nginx" => Comparison::Intdot,
            "lexicographic" => Comparison::Lexicographic,
            "all" | "none" => Comparison::Star,
            _ => return None,
        })
    }

    /// The crate scheme behind this procedure, if it is one.
    pub(super) fn scheme(self) -> Option<Scheme> {
        match self {
            Comparison::Scheme(scheme) => Some(scheme),
            _ => None,
        }
    }

    /// Parses `text` into a comparable key.
    pub(super) fn key(self, text: &str) -> Result<Key, VersError> {
        let invalid = |reason: &str| VersError::InvalidVersion { version: text.to_owned(), reason: reason.to_owned() };
        if text.is_empty() {
            return Err(invalid("empty version"));
        }
        if text.len() > crate::MAX_VERSION_LEN {
            return Err(invalid("version too long"));
        }
        Ok(match self {
            Comparison::Scheme(scheme) => {
                Key::Scheme(Version::parse(scheme, text).map_err(|e| invalid(&e.to_string()))?)
            }
            Comparison::Alpm => Key::Alpm(text.to_owned()),
            Comparison::Conan => Key::Conan(ConanVersion::parse(text)),
            Comparison::Gentoo => {
                Key::Gentoo(GentooVersion::parse(text).ok_or_else(|| invalid("not a gentoo version"))?)
            }
            Comparison::Openssl => Key::Openssl(openssl_key(text).ok_or_else(|| invalid("not an openssl version"))?),
            Comparison::Datetime => {
                Key::Datetime(datetime_key(text).ok_or_else(|| invalid("not an RFC 3339 timestamp"))?)
            }
            Comparison::Intdot => Key::Intdot(intdot_key(text).ok_or_else(|| invalid("not dotted integers"))?),
            Comparison::Lexicographic => Key::Lexicographic(text.to_owned()),
            Comparison::Star => return Err(invalid("this type has no versions, only `*`")),
        })
    }
}

/// A version parsed for comparison under one [`Comparison`]. Keys of different
/// procedures are never compared with each other.
#[derive(Clone, Debug)]
pub(super) enum Key {
    Scheme(Version),
    Alpm(String),
    Conan(ConanVersion),
    Gentoo(GentooVersion),
    Openssl((Vec<Digits>, usize, String)),
    Datetime((i64, String)),
    Intdot(Vec<Digits>),
    Lexicographic(String),
}

impl Key {
    /// Compares two keys of the same procedure (keys of different procedures order by
    /// procedure, never meaningfully).
    pub(super) fn compare(&self, other: &Key) -> Ordering {
        match (self, other) {
            (Key::Scheme(a), Key::Scheme(b)) => a.cmp(b),
            (Key::Alpm(a), Key::Alpm(b)) => alpm_compare(a, b),
            (Key::Conan(a), Key::Conan(b)) => a.compare(b),
            (Key::Gentoo(a), Key::Gentoo(b)) => a.compare(b),
            (Key::Openssl(a), Key::Openssl(b)) => a.cmp(b),
            (Key::Datetime(a), Key::Datetime(b)) => a.cmp(b),
            (Key::Intdot(a), Key::Intdot(b)) => a.cmp(b),
            (Key::Lexicographic(a), Key::Lexicographic(b)) => a.as_bytes().cmp(b.as_bytes()),
            _ => self.rank().cmp(&other.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Key::Scheme(_) => 0,
            Key::Alpm(_) => 1,
            Key::Conan(_) => 2,
            Key::Gentoo(_) => 3,
            Key::Openssl(_) => 4,
            Key::Datetime(_) => 5,
            Key::Intdot(_) => 6,
            Key::Lexicographic(_) => 7,
        }
    }
}

// ---------------------------------------------------------------------------------------
// alpm: pacman's `alpm_pkg_vercmp` (epoch:version-release, release compared only when
// both sides have one) over its own `rpmvercmp` (no `~`/`^` rules; separator lengths
// matter; a trailing letter run is older than nothing).

fn alpm_split(text: &str) -> (&str, &str, Option<&str>) {
    let (digits, after) = split_digits(text);
    let (epoch, rest) = match after.strip_prefix(':') {
        Some(rest) => (if digits.is_empty() { "0" } else { digits }, rest),
        None => ("0", text),
    };
    match rest.rsplit_once('-') {
        Some((version, release)) => (epoch, version, Some(release)),
        None => (epoch, rest, None),
    }
}

fn alpm_compare(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (epoch_a, version_a, release_a) = alpm_split(a);
    let (epoch_b, version_b, release_b) = alpm_split(b);
    alpm_vercmp(epoch_a, epoch_b).then_with(|| alpm_vercmp(version_a, version_b)).then_with(|| {
        match (release_a, release_b) {
            (Some(x), Some(y)) => alpm_vercmp(x, y),
            _ => Ordering::Equal,
        }
    })
}

fn alpm_vercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let mut one = a.as_bytes();
    let mut two = b.as_bytes();
    let is_sep = |c: &u8| !c.is_ascii_alphanumeric();
    while !one.is_empty() && !two.is_empty() {
        let skip_one = one.iter().take_while(|c| is_sep(c)).count();
        let skip_two = two.iter().take_while(|c| is_sep(c)).count();
        one = one.get(skip_one..).unwrap_or_default();
        two = two.get(skip_two..).unwrap_or_default();
        if one.is_empty() || two.is_empty() {
            break;
        }
        if skip_one != skip_two {
            return skip_one.cmp(&skip_two);
        }
        let numeric = one.first().is_some_and(u8::is_ascii_digit);
        let run = |s: &[u8]| {
            s.iter().take_while(|c| if numeric { c.is_ascii_digit() } else { c.is_ascii_alphabetic() }).count()
        };
        let (len_one, len_two) = (run(one), run(two));
        let (seg_one, seg_two) = (one.get(..len_one).unwrap_or_default(), two.get(..len_two).unwrap_or_default());
        if seg_two.is_empty() {
            return if numeric { Ordering::Greater } else { Ordering::Less };
        }
        let order = if numeric {
            let x = std::str::from_utf8(seg_one).unwrap_or_default();
            let y = std::str::from_utf8(seg_two).unwrap_or_default();
            Digits::new(x).cmp(&Digits::new(y))
        } else {
            seg_one.cmp(seg_two)
        };
        if order != Ordering::Equal {
            return order;
        }
        one = one.get(len_one..).unwrap_or_default();
        two = two.get(len_two..).unwrap_or_default();
    }
    match (one.first(), two.first()) {
        (None, None) => Ordering::Equal,
        (None, Some(c)) if !c.is_ascii_alphabetic() => Ordering::Less,
        (Some(c), _) if c.is_ascii_alphabetic() => Ordering::Less,
        _ => Ordering::Greater,
    }
}

// ---------------------------------------------------------------------------------------
// conan: `main[-pre][+build]`, dotted items (integers or words; an integer and a word
// compare as text), trailing zero items ignored; a pre-release sorts before its release,
// a build after it.

#[derive(Clone, Debug, PartialEq, Eq)]
enum ConanItem {
    Number(Digits),
    Word(String),
}

impl ConanItem {
    fn text(&self) -> String {
        match self {
            ConanItem::Number(d) if d.is_zero() => "0".to_owned(),
            ConanItem::Number(d) => format!("{}", DigitsText(d)),
            ConanItem::Word(w) => w.clone(),
        }
    }

    fn compare(&self, other: &ConanItem) -> Ordering {
        match (self, other) {
            (ConanItem::Number(a), ConanItem::Number(b)) => a.cmp(b),
            (ConanItem::Word(a), ConanItem::Word(b)) => a.cmp(b),
            _ => self.text().cmp(&other.text()),
        }
    }
}

struct DigitsText<'a>(&'a Digits);

impl std::fmt::Display for DigitsText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// A Conan version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ConanVersion {
    items: Vec<ConanItem>,
    pre: Option<Box<ConanVersion>>,
    build: Option<Box<ConanVersion>>,
}

fn compare_items(a: &[ConanItem], b: &[ConanItem]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = x.compare(y);
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

fn compare_optional(a: &Option<Box<ConanVersion>>, b: &Option<Box<ConanVersion>>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.compare(y),
    }
}

impl ConanVersion {
    pub(super) fn parse(text: &str) -> ConanVersion {
        let (rest, build) = match text.split_once('+') {
            Some((rest, build)) => (rest, Some(Box::new(ConanVersion::parse(build)))),
            None => (text, None),
        };
        let (main, pre) = match rest.split_once('-') {
            Some((main, pre)) => (main, Some(Box::new(ConanVersion::parse(pre)))),
            None => (rest, None),
        };
        let mut items: Vec<ConanItem> = main
            .split('.')
            .map(|item| {
                if !item.is_empty() && item.bytes().all(|b| b.is_ascii_digit()) {
                    ConanItem::Number(Digits::new(item))
                } else {
                    ConanItem::Word(item.to_owned())
                }
            })
            .collect();
        while items.len() > 1 && matches!(items.last(), Some(ConanItem::Number(d)) if d.is_zero()) {
            items.pop();
        }
        ConanVersion { items, pre, build }
    }

    /// The main items (trailing zeros removed).
    pub(super) fn main_len(text: &str) -> usize {
        let main = text.split(['-', '+']).next().unwrap_or(text);
        main.split('.').count()
    }

    fn compare(&self, other: &ConanVersion) -> Ordering {
        let items = compare_items(&self.items, &other.items);
        match (&self.pre, &other.pre) {
            (Some(_), Some(_)) | (None, None) => items
                .then_with(|| compare_optional(&self.pre, &other.pre))
                .then_with(|| compare_optional(&self.build, &other.build)),
            (Some(_), None) => {
                if items == Ordering::Equal {
                    Ordering::Less
                } else {
                    items
                }
            }
            (None, Some(_)) => {
                if items == Ordering::Equal {
                    Ordering::Greater
                } else {
                    items
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// gentoo: PMS 3.3 — numbers (the first numerically, later ones as text with trailing
// zeros removed when either has a leading zero), a letter, suffixes
// (_alpha < _beta < _pre < _rc < _p, with numbers), -rN.

/// A Gentoo version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct GentooVersion {
    numbers: Vec<String>,
    letter: Option<u8>,
    suffixes: Vec<(u8, Digits)>,
    revision: Digits,
}

impl GentooVersion {
    fn parse(text: &str) -> Option<GentooVersion> {
        let (body, revision) = match text.rsplit_once("-r") {
            Some((body, rev)) if !rev.is_empty() && rev.bytes().all(|b| b.is_ascii_digit()) => (body, Digits::new(rev)),
            _ => (text, Digits::default()),
        };
        let (body, suffix_text) = match body.find('_') {
            Some(at) => (body.get(..at)?, body.get(at..)?),
            None => (body, ""),
        };
        let (body, letter) = match body.as_bytes().last() {
            Some(&b) if b.is_ascii_lowercase() => (body.get(..body.len() - 1)?, Some(b)),
            _ => (body, None),
        };
        let numbers: Vec<String> = body.split('.').map(str::to_owned).collect();
        if numbers.iter().any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        let mut suffixes = Vec::new();
        for piece in suffix_text.split('_').skip(1) {
            let end = piece.find(|c: char| c.is_ascii_digit()).unwrap_or(piece.len());
            let (name, number) = piece.split_at_checked(end)?;
            if !number.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let kind = match name {
                "alpha" => 0,
                "beta" => 1,
                "pre" => 2,
                "rc" => 3,
                "p" => 5,
                _ => return None,
            };
            suffixes.push((kind, Digits::new(number)));
        }
        Some(GentooVersion { numbers, letter, suffixes, revision })
    }

    fn compare(&self, other: &GentooVersion) -> Ordering {
        let first = |v: &GentooVersion| Digits::new(v.numbers.first().map(String::as_str).unwrap_or_default());
        let order = first(self).cmp(&first(other));
        if order != Ordering::Equal {
            return order;
        }
        for (a, b) in self.numbers.iter().zip(&other.numbers).skip(1) {
            let order = if a.starts_with('0') || b.starts_with('0') {
                a.trim_end_matches('0').cmp(b.trim_end_matches('0'))
            } else {
                Digits::new(a).cmp(&Digits::new(b))
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        let order = self.numbers.len().cmp(&other.numbers.len()).then_with(|| self.letter.cmp(&other.letter));
        if order != Ordering::Equal {
            return order;
        }
        let none = (4u8, Digits::default());
        let n = self.suffixes.len().max(other.suffixes.len());
        for i in 0..n {
            let a = self.suffixes.get(i).unwrap_or(&none);
            let b = other.suffixes.get(i).unwrap_or(&none);
            let order = a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1));
            if order != Ordering::Equal {
                return order;
            }
        }
        self.revision.cmp(&other.revision)
    }
}

// ---------------------------------------------------------------------------------------
// openssl, intdot, datetime.

fn openssl_key(text: &str) -> Option<(Vec<Digits>, usize, String)> {
    let end = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
    let (numbers, letters) = text.split_at_checked(end)?;
    if !letters.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    Some((intdot_key(numbers)?, letters.len(), letters.to_owned()))
}

fn intdot_key(text: &str) -> Option<Vec<Digits>> {
    let end = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
    let numbers = text.get(..end)?;
    let parts: Vec<Digits> = numbers.split('.').map(Digits::new).collect();
    if numbers.is_empty() || numbers.split('.').any(str::is_empty) {
        return None;
    }
    Some(parts)
}

/// Days from 1970-01-01 to the civil date (proleptic Gregorian).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// An RFC 3339 `date-time` as (seconds since the epoch, fraction digits without trailing
/// zeros). Only the canonical upper-case `T` and `Z` are accepted.
pub(super) fn datetime_key(text: &str) -> Option<(i64, String)> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let piece = text.get(range)?;
        if piece.bytes().all(|b| b.is_ascii_digit()) { piece.parse().ok() } else { None }
    };
    let punct = |at: usize, want: u8| bytes.get(at) == Some(&want);
    if !(punct(4, b'-') && punct(7, b'-') && punct(10, b'T') && punct(13, b':') && punct(16, b':')) {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let max_day = *month_days.get(usize::try_from(month - 1).ok()?)?;
    if !(1..=max_day).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = text.get(19..)?;
    let mut fraction = String::new();
    if let Some(after) = rest.strip_prefix('.') {
        let (digits, tail) = split_digits(after);
        if digits.is_empty() {
            return None;
        }
        fraction = digits.trim_end_matches('0').to_owned();
        rest = tail;
    }
    let offset = if rest == "Z" {
        0
    } else {
        let sign = match rest.as_bytes().first() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return None,
        };
        if rest.len() != 6 || rest.as_bytes().get(3) != Some(&b':') {
            return None;
        }
        let (oh, om) = (number_in(rest, 1..3)?, number_in(rest, 4..6)?);
        if oh > 23 || om > 59 {
            return None;
        }
        sign * (oh * 3600 + om * 60)
    };
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some((seconds, fraction))
}

fn number_in(text: &str, range: std::ops::Range<usize>) -> Option<i64> {
    let piece = text.get(range)?;
    if piece.bytes().all(|b| b.is_ascii_digit()) { piece.parse().ok() } else { None }
}
