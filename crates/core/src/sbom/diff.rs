//! Differences between two SBOMs (or two releases): added, removed and version-changed
//! components, and components with the same name and version but a different hash.
//!
//! Components are matched by package key, which leaves the version out:
//! - with a valid purl, `pkg:type/namespace/name` (the purl's own case rules apply);
//! - else with a CPE naming vendor and product, `cpe:vendor:product` in lower case;
//! - else `name:group/name` (or `name:name`) in lower case.
//!
//! So a component described with a purl in one document and only by name in the other is
//! reported as removed and added. Within one key, equal versions pair first (a component
//! without version has version `""`); the versions left on each side then pair in version
//! order as version changes, and what is left over is removed or added.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::purl::Purl;
use crate::sbom::{Component, HashAlgorithm};

/// What a [`HashMismatch`] may mean.
pub const POSSIBLE_TAMPERING: &str = "possible tampering";

/// What changed from one component list to another. Every list is sorted by package key,
/// then version.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SbomDiff {
    /// Packages (or further versions of a package) only in the new list.
    pub added: Vec<DiffComponent>,
    /// Packages (or versions) only in the old list.
    pub removed: Vec<DiffComponent>,
    /// Packages whose version changed.
    pub version_changed: Vec<VersionChange>,
    /// How many components have the same package key and version on both sides (hash
    /// mismatches included).
    pub unchanged: usize,
    /// Same package and version, different hash value for the same algorithm.
    pub hash_mismatches: Vec<HashMismatch>,
}

/// A component on one side only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffComponent {
    /// The package key it was matched by.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Version (`""` when it has none).
    pub version: String,
    /// The purl as written, if any.
    pub purl: Option<String>,
}

/// A package whose version changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionChange {
    /// The package key.
    pub key: String,
    /// Display name (from the new list).
    pub name: String,
    /// The old version (`""` when it had none).
    pub old_version: String,
    /// The new version (`""` when it has none).
    pub new_version: String,
}

/// The same package in the same version with a different hash: the artefact is not the one
/// described before, which may be a rebuild or may be tampering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HashMismatch {
    /// The package key.
    pub key: String,
    /// Display name.
    pub name: String,
    /// The version both sides state.
    pub version: String,
    /// The algorithm both sides give a value for.
    pub algorithm: HashAlgorithm,
    /// The old value(s), comma-separated when several.
    pub old: String,
    /// The new value(s), comma-separated when several.
    pub new: String,
    /// Always [`POSSIBLE_TAMPERING`].
    pub reason: &'static str,
}

/// Compares two component lists. Entries marked `subject_only` are skipped, so both
/// `Sbom::components` and the collected `described_components()` give the same result.
pub fn diff(old: &[Component], new: &[Component]) -> SbomDiff {
    let mut packages: BTreeMap<String, Sides<'_>> = BTreeMap::new();
    for (side, list) in [(Side::Old, old), (Side::New, new)] {
        for component in list.iter().filter(|c| !c.is_subject_only()) {
            let sides = packages.entry(package_key(component)).or_default();
            let versions = match side {
                Side::Old => &mut sides.old,
                Side::New => &mut sides.new,
            };
            versions.entry(VersionKey(version_of(component))).or_default().push(component);
        }
    }

    let mut result = SbomDiff::default();
    for (key, sides) in packages {
        let mut old_rest: Vec<(&str, &Component)> = Vec::new();
        let mut new_rest: Vec<(&str, &Component)> = Vec::new();
        let mut new_versions = sides.new;
        for (version, olds) in &sides.old {
            let news = new_versions.remove(version).unwrap_or_default();
            let mut news = news.into_iter();
            for old in olds {
                match news.next() {
                    Some(new) => {
                        result.unchanged += 1;
                        compare_hashes(&key, &version.0, old, new, &mut result.hash_mismatches);
                    }
                    None => old_rest.push((version.0.as_str(), old)),
                }
            }
            new_rest.extend(news.map(|new| (version.0.as_str(), new)));
        }
        for (version, news) in &new_versions {
            new_rest.extend(news.iter().map(|new| (version.0.as_str(), *new)));
        }
        // Equal versions are gone; pair what is left in version order.
        new_rest.sort_by(|a, b| compare_versions(a.0, b.0));
        let mut news = new_rest.into_iter();
        for (old_version, old) in old_rest {
            match news.next() {
                Some((new_version, new)) => result.version_changed.push(VersionChange {
                    key: key.clone(),
                    name: new.display_name(),
                    old_version: old_version.to_owned(),
                    new_version: new_version.to_owned(),
                }),
                None => result.removed.push(entry(&key, old_version, old)),
            }
        }
        result.added.extend(news.map(|(version, new)| entry(&key, version, new)));
    }
    result
}

/// The key under which a component is matched across lists (see the module docs).
pub fn package_key(component: &Component) -> String {
    if let Some(purl) = component.purl.as_deref().and_then(|p| Purl::parse(p.trim()).ok())
        && !purl.name().is_empty()
    {
        return match purl.namespace() {
            Some(namespace) if !namespace.is_empty() => format!("pkg:{}/{namespace}/{}", purl.ty(), purl.name()),
            _ => format!("pkg:{}/{}", purl.ty(), purl.name()),
        };
    }
    if let Some((vendor, product)) = component.cpe.as_deref().and_then(cpe_vendor_product) {
        return format!("cpe:{vendor}:{product}");
    }
    match component.group.as_deref().map(str::trim) {
        Some(group) if !group.is_empty() => {
            format!("name:{}/{}", group.to_lowercase(), component.name.trim().to_lowercase())
        }
        _ => format!("name:{}", component.name.trim().to_lowercase()),
    }
}

#[derive(Clone, Copy)]
enum Side {
    Old,
    New,
}

/// The components of one package key, by version, on each side (document order kept).
#[derive(Default)]
struct Sides<'a> {
    old: BTreeMap<VersionKey, Vec<&'a Component>>,
    new: BTreeMap<VersionKey, Vec<&'a Component>>,
}

/// A version ordered as versions are (`1.9` before `1.10`).
#[derive(PartialEq, Eq)]
struct VersionKey(String);

impl Ord for VersionKey {
    fn cmp(&self, other: &Self) -> Ordering {
        compare_versions(&self.0, &other.0)
    }
}

impl PartialOrd for VersionKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The component's version, else its purl's, else `""`.
fn version_of(component: &Component) -> String {
    if let Some(version) = component.version.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        return version.to_owned();
    }
    component
        .purl
        .as_deref()
        .and_then(|p| Purl::parse(p.trim()).ok())
        .and_then(|p| p.version().map(str::to_owned))
        .unwrap_or_default()
}

fn entry(key: &str, version: &str, component: &Component) -> DiffComponent {
    DiffComponent {
        key: key.to_owned(),
        name: component.display_name(),
        version: version.to_owned(),
        purl: component.purl.clone(),
    }
}

fn compare_hashes(key: &str, version: &str, old: &Component, new: &Component, out: &mut Vec<HashMismatch>) {
    let values = |component: &Component| {
        let mut by_algorithm: BTreeMap<HashAlgorithm, BTreeSet<String>> = BTreeMap::new();
        for hash in &component.hashes {
            let value = normalise_hash(&hash.value);
            if !value.is_empty() {
                by_algorithm.entry(hash.algorithm.clone()).or_default().insert(value);
            }
        }
        by_algorithm
    };
    let (old_values, new_values) = (values(old), values(new));
    for (algorithm, olds) in &old_values {
        let Some(news) = new_values.get(algorithm) else { continue };
        if olds != news {
            out.push(HashMismatch {
                key: key.to_owned(),
                name: new.display_name(),
                version: version.to_owned(),
                algorithm: algorithm.clone(),
                old: olds.iter().map(String::as_str).collect::<Vec<_>>().join(", "),
                new: news.iter().map(String::as_str).collect::<Vec<_>>().join(", "),
                reason: POSSIBLE_TAMPERING,
            });
        }
    }
}

/// Hexadecimal values compare without regard to case; other encodings (base64) as written.
fn normalise_hash(value: &str) -> String {
    let value = value.trim();
    if value.chars().all(|c| c.is_ascii_hexdigit()) { value.to_ascii_lowercase() } else { value.to_owned() }
}

/// Vendor and product of a CPE 2.3 formatted string or 2.2 URI, lower case; `None` when
/// either is empty, `*` (any) or `-` (not applicable).
fn cpe_vendor_product(cpe: &str) -> Option<(String, String)> {
    let cpe = cpe.trim();
    let lower = cpe.to_ascii_lowercase();
    let fields: Vec<String> = if lower.starts_with("cpe:2.3:") {
        split_escaped(cpe.get("cpe:2.3:".len()..)?)
    } else if lower.starts_with("cpe:/") {
        cpe.get("cpe:/".len()..)?.split(':').map(percent_decode).collect()
    } else {
        return None;
    };
    // fields: part, vendor, product, …
    let vendor = fields.get(1)?.to_lowercase();
    let product = fields.get(2)?.to_lowercase();
    let meaningful = |v: &str| !v.is_empty() && v != "*" && v != "-";
    (meaningful(&vendor) && meaningful(&product)).then_some((vendor, product))
}

/// Splits a CPE 2.3 formatted string on `:` not escaped by `\`, removing the escapes.
fn split_escaped(text: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(field)) = (chars.next(), fields.last_mut()) {
                    field.push(next);
                }
            }
            ':' => fields.push(String::new()),
            _ => {
                if let Some(field) = fields.last_mut() {
                    field.push(c);
                }
            }
        }
    }
    fields
}

/// Decodes `%xx` escapes of a CPE 2.2 URI field; malformed escapes stay as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let decoded = (b == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match decoded {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Orders versions by runs: digit runs numerically, other runs as text; then as text, so
/// that only equal strings compare equal.
fn compare_versions(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (runs(a), runs(b));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => {
                let order = match (is_digits(p), is_digits(q)) {
                    (true, true) => {
                        let (p, q) = (p.trim_start_matches('0'), q.trim_start_matches('0'));
                        p.len().cmp(&q.len()).then_with(|| p.cmp(q))
                    }
                    // A number sorts before text (`1.0` before `1.a`).
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (false, false) => p.cmp(q),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

fn is_digits(run: &str) -> bool {
    run.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

/// Maximal runs of ASCII digits and of anything else.
fn runs(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let digit = first.is_ascii_digit();
        let end = rest.find(|c: char| c.is_ascii_digit() != digit).unwrap_or(rest.len());
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some(run)
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::sbom::Hash;

    /// `"pkg:npm/lodash@4.17.21"`, `"name:openssl@3.0.1"` (no purl), `"cpe:…@1.0"`;
    /// `#sha256=ab` appends a hash.
    fn c(spec: &str) -> Component {
        let (spec, hash) = match spec.split_once('#') {
            Some((spec, hash)) => (spec, Some(hash)),
            None => (spec, None),
        };
        let (id, version) = match spec.rsplit_once('@') {
            Some((id, version)) => (id, Some(version.split('?').next().unwrap().to_owned())),
            None => (spec, None),
        };
        let mut component = Component { version, ..Component::default() };
        if let Some(name) = id.strip_prefix("name:") {
            match name.split_once('/') {
                Some((group, name)) => {
                    component.group = Some(group.into());
                    component.name = name.into();
                }
                None => component.name = name.into(),
            }
        } else if id.starts_with("cpe:") {
            component.cpe = Some(id.into());
            component.name = "from-cpe".into();
        } else {
            component.purl = Some(spec.into());
            component.name = id.rsplit('/').next().unwrap().into();
        }
        if let Some(hash) = hash {
            for h in hash.split('#') {
                let (algorithm, value) = h.split_once('=').unwrap();
                component.hashes.push(Hash { algorithm: HashAlgorithm::parse(algorithm), value: value.into() });
            }
        }
        component
    }

    /// The diff in one line per finding: `+key@v`, `-key@v`, `~key@old->new`,
    /// `!key@v alg old->new`, then `=n` for the unchanged count.
    fn summary(d: &SbomDiff) -> Vec<String> {
        let mut lines = Vec::new();
        lines.extend(d.added.iter().map(|a| format!("+{}@{}", a.key, a.version)));
        lines.extend(d.removed.iter().map(|r| format!("-{}@{}", r.key, r.version)));
        lines.extend(d.version_changed.iter().map(|v| format!("~{}@{}->{}", v.key, v.old_version, v.new_version)));
        lines.extend(
            d.hash_mismatches.iter().map(|h| format!("!{}@{} {} {}->{}", h.key, h.version, h.algorithm, h.old, h.new)),
        );
        lines.push(format!("={}", d.unchanged));
        lines
    }

    fn check(name: &str, old: &[&str], new: &[&str], expected: &[&str]) -> bool {
        let old: Vec<Component> = old.iter().map(|s| c(s)).collect();
        let new: Vec<Component> = new.iter().map(|s| c(s)).collect();
        let got = summary(&diff(&old, &new));
        let ok = got == expected;
        if !ok {
            eprintln!("{name}:\n  expected {expected:?}\n  got      {got:?}");
        }
        ok
    }

    #[test]
    fn diff_table() {
        let h1 = "a".repeat(64);
        let h2 = "b".repeat(64);
        let tampered_old = format!("pkg:npm/lodash@4.17.21#sha256={h1}");
        let tampered_new = format!("pkg:npm/lodash@4.17.21#SHA-256={h2}");
        let tampered_line = format!("!pkg:npm/lodash@4.17.21 SHA-256 {h1}->{h2}");
        let upper_same = format!("pkg:npm/lodash@4.17.21#sha256={}", h1.to_uppercase());
        let other_alg = format!("pkg:npm/lodash@4.17.21#sha1={}", "c".repeat(40));
        type Case<'a> = (&'a str, Vec<&'a str>, Vec<&'a str>, Vec<&'a str>);
        let cases: Vec<Case> = vec![
            ("identical", vec!["pkg:npm/a@1.0"], vec!["pkg:npm/a@1.0"], vec!["=1"]),
            ("empty both", vec![], vec![], vec!["=0"]),
            ("added", vec![], vec!["pkg:npm/a@1.0"], vec!["+pkg:npm/a@1.0", "=0"]),
            ("removed", vec!["pkg:npm/a@1.0"], vec![], vec!["-pkg:npm/a@1.0", "=0"]),
            ("version changed", vec!["pkg:npm/a@1.0"], vec!["pkg:npm/a@1.1"], vec!["~pkg:npm/a@1.0->1.1", "=0"]),
            (
                "qualifiers and subpath do not change the key",
                vec!["pkg:deb/debian/curl@7.88?arch=amd64"],
                vec!["pkg:deb/debian/curl@7.89?arch=arm64"],
                vec!["~pkg:deb/debian/curl@7.88->7.89", "=0"],
            ),
            (
                "namespace is part of the key",
                vec!["pkg:maven/org.a/lib@1"],
                vec!["pkg:maven/org.b/lib@1"],
                vec!["+pkg:maven/org.b/lib@1", "-pkg:maven/org.a/lib@1", "=0"],
            ),
            (
                "hash mismatch is possible tampering",
                vec![&tampered_old],
                vec![&tampered_new],
                vec![&tampered_line, "=1"],
            ),
            ("hash case does not matter", vec![&tampered_old], vec![&upper_same], vec!["=1"]),
            ("different algorithms cannot be compared", vec![&tampered_old], vec![&other_alg], vec!["=1"]),
            ("a hash on one side only is no mismatch", vec!["pkg:npm/lodash@4.17.21"], vec![&tampered_new], vec!["=1"]),
            (
                "a new version with another hash is a version change only",
                vec![&tampered_old],
                vec!["pkg:npm/lodash@4.17.22#sha256=bb"],
                vec!["~pkg:npm/lodash@4.17.21->4.17.22", "=0"],
            ),
            (
                "equal versions pair first",
                vec!["pkg:npm/a@1.0", "pkg:npm/a@2.0"],
                vec!["pkg:npm/a@2.0", "pkg:npm/a@3.0"],
                vec!["~pkg:npm/a@1.0->3.0", "=1"],
            ),
            (
                "the rest pair in version order",
                vec!["pkg:npm/a@1.10", "pkg:npm/a@1.9"],
                vec!["pkg:npm/a@2.10", "pkg:npm/a@2.9"],
                vec!["~pkg:npm/a@1.9->2.9", "~pkg:npm/a@1.10->2.10", "=0"],
            ),
            (
                "an extra version on the new side is added",
                vec!["pkg:npm/a@1.0"],
                vec!["pkg:npm/a@1.0", "pkg:npm/a@1.1"],
                vec!["+pkg:npm/a@1.1", "=1"],
            ),
            (
                "a duplicate on the old side is removed",
                vec!["pkg:npm/a@1.0", "pkg:npm/a@1.0"],
                vec!["pkg:npm/a@1.0"],
                vec!["-pkg:npm/a@1.0", "=1"],
            ),
            (
                "no purl: group and name, case folded",
                vec!["name:OpenSSL@3.0.1", "name:Org/Lib@1"],
                vec!["name:openssl@3.0.2", "name:org/lib@1"],
                vec!["~name:openssl@3.0.1->3.0.2", "=1"],
            ),
            ("no version is version \"\"", vec!["name:zlib"], vec!["name:zlib@1.3"], vec!["~name:zlib@->1.3", "=0"]),
            ("both without version are unchanged", vec!["name:zlib"], vec!["name:zlib"], vec!["=1"]),
            (
                "cpe vendor and product",
                vec!["cpe:2.3:a:OpenSSL:openssl:3.0.1:*:*:*:*:*:*:*@3.0.1"],
                vec!["cpe:/a:openssl:openssl:3.0.2@3.0.2"],
                vec!["~cpe:openssl:openssl@3.0.1->3.0.2", "=0"],
            ),
            (
                "cpe with escaped colon",
                vec!["cpe:2.3:a:acme:big\\:app:1:*:*:*:*:*:*:*@1"],
                vec!["cpe:2.3:a:acme:big\\:app:2:*:*:*:*:*:*:*@2"],
                vec!["~cpe:acme:big:app@1->2", "=0"],
            ),
            (
                "a cpe with any vendor falls back to the name",
                vec!["cpe:2.3:a:*:*:1:*:*:*:*:*:*:*@1"],
                vec!["name:from-cpe@1"],
                vec!["=1"],
            ),
            (
                "a purl and a bare name are different keys",
                vec!["pkg:npm/a@1.0"],
                vec!["name:a@1.0"],
                vec!["+name:a@1.0", "-pkg:npm/a@1.0", "=0"],
            ),
            (
                "sorted by key",
                vec!["pkg:npm/zeta@1", "pkg:npm/alpha@1"],
                vec!["pkg:npm/mid@1"],
                vec!["+pkg:npm/mid@1", "-pkg:npm/alpha@1", "-pkg:npm/zeta@1", "=0"],
            ),
        ];
        let total = cases.len();
        let passed = cases.iter().filter(|(name, old, new, expected)| check(name, old, new, expected)).count();
        println!("sbom diff: {passed}/{total}");
        assert_eq!(passed, total);
    }

    #[test]
    fn the_purl_version_stands_in_for_a_missing_version() {
        let mut old = c("pkg:npm/a@1.0");
        old.version = None;
        let new = c("pkg:npm/a@1.0");
        assert_eq!(summary(&diff(&[old], &[new])), vec!["=1"]);
    }

    #[test]
    fn subject_only_entries_are_skipped() {
        let mut subject = c("pkg:npm/product@1");
        subject.subject_only = true;
        let d = diff(&[subject], &[]);
        assert_eq!(summary(&d), vec!["=0"]);
    }

    #[test]
    fn a_tampering_finding_names_algorithm_values_and_reason() {
        let old = c("pkg:npm/a@1#sha256=aa#sha1=11");
        let new = c("pkg:npm/a@1#sha256=aa#sha1=22");
        let d = diff(&[old], &[new]);
        assert_eq!(d.hash_mismatches.len(), 1);
        let json = serde_json::to_value(&d.hash_mismatches[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"key": "pkg:npm/a", "name": "a", "version": "1", "algorithm": "SHA-1",
                "old": "11", "new": "22", "reason": "possible tampering"})
        );
    }

    #[test]
    fn versions_order_by_numeric_runs() {
        let mut versions = vec!["1.10", "1.9", "1.a", "", "01.2", "1.2", "10", "1.0-rc1", "1.0"];
        versions.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(versions, vec!["", "1.0", "1.0-rc1", "01.2", "1.2", "1.9", "1.10", "1.a", "10"]);
    }
}
