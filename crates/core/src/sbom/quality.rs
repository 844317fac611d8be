//! SBOM quality: coverage of the NTIA minimum elements and the CISA 2025 additions.
//!
//! Each element is either a property of every component (`supplier`, `hash`…) or of the
//! document (`author`, `timestamp`…). A component-level element's percent is the share of
//! the described components that have it (none described gives 0 %); a document-level
//! element is 0 or 100 %. The score is the plain mean of the eleven element percents, so
//! every element weighs the same whichever group it comes from.
//!
//! An empty or blank string counts as absent, and so do the licences `NOASSERTION` and
//! `NONE`: they say that nobody knows or that there is none, not what the licence is.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::sbom::{Component, Sbom, SbomFormat};

/// Where an element comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Group {
    /// The NTIA minimum elements (2021).
    #[serde(rename = "ntia")]
    Ntia,
    /// The additions of CISA's 2025 minimum elements.
    #[serde(rename = "cisa-2025")]
    Cisa2025,
}

/// Whether an element is a property of each component or of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Every component should have it.
    Component,
    /// The document has it once.
    Document,
}

/// One element of the quality model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Element {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// NTIA or CISA 2025.
    pub group: Group,
    /// Component or document.
    pub level: Level,
}

const fn element(id: &'static str, group: Group, level: Level) -> Element {
    Element { id, group, level }
}

/// Every element, in report order: the NTIA elements first, then the CISA 2025 additions.
pub const ELEMENTS: &[Element] = &[
    element("supplier", Group::Ntia, Level::Component),
    element("name", Group::Ntia, Level::Component),
    element("version", Group::Ntia, Level::Component),
    element("unique-identifier", Group::Ntia, Level::Component),
    element("dependency-relationship", Group::Ntia, Level::Component),
    element("author", Group::Ntia, Level::Document),
    element("timestamp", Group::Ntia, Level::Document),
    element("hash", Group::Cisa2025, Level::Component),
    element("license", Group::Cisa2025, Level::Component),
    element("tool-name", Group::Cisa2025, Level::Document),
    element("generation-context", Group::Cisa2025, Level::Document),
];

/// The quality of one SBOM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quality {
    /// The document's format.
    pub format: SbomFormat,
    /// Its spec version as stated.
    pub spec_version: String,
    /// The number of components described (a subject-only entry is not counted).
    pub n_components: usize,
    /// Coverage of every element, in the order of [`ELEMENTS`].
    pub elements: Vec<ElementCoverage>,
    /// The mean of the element percents, 0 to 100, rounded to one decimal.
    pub score: f64,
    /// The components missing the most component-level elements, worst first.
    pub worst: Vec<WorstComponent>,
}

/// How much of the document has one element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementCoverage {
    /// Stable kebab-case id (`supplier`, `hash`…).
    pub id: String,
    /// NTIA or CISA 2025.
    pub group: Group,
    /// Component or document.
    pub level: Level,
    /// How many have it: components, or 0/1 for the document.
    pub covered: usize,
    /// Out of how many: the described components, or 1 for the document.
    pub total: usize,
    /// `covered` over `total` in percent, rounded to one decimal; 0 when `total` is 0.
    pub percent: f64,
}

/// A component that lacks component-level elements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorstComponent {
    /// Index in `Sbom::components`.
    pub index: usize,
    /// Display name (`group/name` where there is a group).
    pub name: String,
    /// Version, if any.
    pub version: Option<String>,
    /// Where the component is in the document.
    pub location: String,
    /// The ids of the component-level elements it lacks, in the order of [`ELEMENTS`].
    pub missing: Vec<String>,
}

/// Scores `sbom` against the elements and lists at most `worst` of the components that lack
/// the most (components lacking nothing are never listed; ties keep document order).
pub fn quality(sbom: &Sbom, worst: usize) -> Quality {
    let in_edges = components_in_edges(sbom);
    let described: Vec<(usize, &Component)> = sbom.described_components().collect();
    let n_components = described.len();

    let mut covered = vec![0usize; ELEMENTS.len()];
    let mut lacking: Vec<WorstComponent> = Vec::new();
    for &(index, component) in &described {
        let mut missing = Vec::new();
        for (element, count) in ELEMENTS.iter().zip(covered.iter_mut()) {
            if element.level != Level::Component {
                continue;
            }
            if component_has(element.id, index, component, &in_edges) {
                *count += 1;
            } else {
                missing.push(element.id.to_owned());
            }
        }
        if !missing.is_empty() {
            lacking.push(WorstComponent {
                index,
                name: component.display_name(),
                version: component.version.clone(),
                location: component.location.clone(),
                missing,
            });
        }
    }
    // A stable sort keeps document order among components that lack as much.
    lacking.sort_by_key(|w| std::cmp::Reverse(w.missing.len()));
    lacking.truncate(worst);

    let elements: Vec<ElementCoverage> = ELEMENTS
        .iter()
        .zip(covered)
        .map(|(element, count)| {
            let (covered, total) = match element.level {
                Level::Component => (count, n_components),
                Level::Document => (usize::from(document_has(element.id, sbom)), 1),
            };
            ElementCoverage {
                id: element.id.to_owned(),
                group: element.group,
                level: element.level,
                covered,
                total,
                percent: percent(covered, total),
            }
        })
        .collect();
    let sum: f64 = elements.iter().map(|e| e.percent).sum();
    #[allow(clippy::cast_precision_loss)] // eleven elements
    let score = round1(sum / ELEMENTS.len() as f64);

    Quality {
        format: sbom.kind.format,
        spec_version: sbom.kind.spec_version.clone(),
        n_components,
        elements,
        score,
        worst: lacking,
    }
}

/// The indexes of components that take part in a dependency edge. A document describing
/// one component and no edges covers that component when it is the document's subject:
/// there is nothing for it to depend on, and the document says what it is.
fn components_in_edges(sbom: &Sbom) -> HashSet<usize> {
    let mut in_edges: HashSet<usize> = sbom.dependencies.iter().flat_map(|d| [d.from, d.to]).collect();
    if sbom.dependencies.is_empty()
        && sbom.n_components() == 1
        && let Some((index, _)) = sbom.described_components().next()
        && sbom.metadata.subject == Some(index)
    {
        in_edges.insert(index);
    }
    in_edges
}

fn component_has(id: &str, index: usize, component: &Component, in_edges: &HashSet<usize>) -> bool {
    match id {
        "supplier" => given(&component.supplier) || given(&component.manufacturer),
        "name" => !component.name.trim().is_empty(),
        "version" => given(&component.version),
        "unique-identifier" => {
            given(&component.purl)
                || given(&component.cpe)
                || given(&component.swid_tag_id)
                || component.other_identifiers.iter().any(|id| !id.trim().is_empty())
        }
        "dependency-relationship" => in_edges.contains(&index),
        "hash" => component.hashes.iter().any(|h| !h.value.trim().is_empty()),
        "license" => component.licenses.iter().any(|l| is_real_licence(l)),
        _ => false,
    }
}

fn document_has(id: &str, sbom: &Sbom) -> bool {
    let metadata = &sbom.metadata;
    match id {
        // Readers put SWID tag creators among the authors.
        "author" => metadata.authors.iter().any(|a| !a.trim().is_empty()),
        "timestamp" => given(&metadata.timestamp),
        "tool-name" => metadata.tools.iter().any(|t| !t.name.trim().is_empty()),
        "generation-context" => metadata.lifecycles.iter().any(|l| !l.trim().is_empty()),
        _ => false,
    }
}

fn given(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.trim().is_empty())
}

fn is_real_licence(licence: &str) -> bool {
    let licence = licence.trim();
    !licence.is_empty() && !licence.eq_ignore_ascii_case("NOASSERTION") && !licence.eq_ignore_ascii_case("NONE")
}

fn percent(covered: usize, total: usize) -> f64 {
    if total == 0 {
        return 0.0;
    }
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    round1(covered as f64 * 100.0 / total as f64)
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::sbom::{Dependency, Hash, HashAlgorithm, Metadata, Tool};

    /// A component that has every component-level element but the dependency edge.
    fn full(name: &str) -> Component {
        Component {
            name: name.into(),
            version: Some("1.0".into()),
            supplier: Some("Acme".into()),
            purl: Some(format!("pkg:generic/{name}@1.0")),
            hashes: vec![Hash { algorithm: HashAlgorithm::Sha256, value: "ab".repeat(32) }],
            licenses: vec!["MIT".into()],
            location: format!("/components/{name}"),
            ..Component::default()
        }
    }

    /// Builds an SBOM from components and edges; `with` changes anything else.
    fn sbom(components: Vec<Component>, edges: &[(usize, usize)], with: impl FnOnce(&mut Sbom)) -> Sbom {
        let mut sbom = Sbom {
            components,
            dependencies: edges.iter().map(|&(from, to)| Dependency { from, to }).collect(),
            ..Sbom::default()
        };
        sbom.kind.spec_version = "1.6".into();
        with(&mut sbom);
        sbom
    }

    fn complete_metadata() -> Metadata {
        Metadata {
            authors: vec!["Jane".into()],
            tools: vec![Tool { name: "syft".into(), ..Tool::default() }],
            timestamp: Some("2025-01-01T00:00:00Z".into()),
            lifecycles: vec!["build".into()],
            ..Metadata::default()
        }
    }

    /// `(id, covered, total)` for every element, in order.
    fn coverage(q: &Quality) -> Vec<(&str, usize, usize)> {
        q.elements.iter().map(|e| (e.id.as_str(), e.covered, e.total)).collect()
    }

    fn check(name: &str, sbom: &Sbom, expected: &[(&str, usize, usize)], score: f64) -> bool {
        let q = quality(sbom, 10);
        let got = coverage(&q);
        let ok = got.iter().copied().eq(expected.iter().copied()) && q.score == score;
        if !ok {
            eprintln!("{name}: expected {expected:?} score {score}, got {got:?} score {}", q.score);
        }
        ok
    }

    #[test]
    fn element_coverage_table() {
        let two_edged = |with: fn(&mut Component)| {
            let mut a = full("a");
            with(&mut a);
            sbom(vec![a, full("b")], &[(0, 1)], |s| s.metadata = complete_metadata())
        };
        let all = |supplier: usize, name: usize, version: usize, id: usize, hash: usize, license: usize| {
            vec![
                ("supplier", supplier, 2),
                ("name", name, 2),
                ("version", version, 2),
                ("unique-identifier", id, 2),
                ("dependency-relationship", 2, 2),
                ("author", 1, 1),
                ("timestamp", 1, 1),
                ("hash", hash, 2),
                ("license", license, 2),
                ("tool-name", 1, 1),
                ("generation-context", 1, 1),
            ]
        };
        type Case<'a> = (&'a str, Sbom, Vec<(&'a str, usize, usize)>, f64);
        let cases: Vec<Case> = vec![
            ("complete", two_edged(|_| {}), all(2, 2, 2, 2, 2, 2), 100.0),
            (
                "manufacturer stands for supplier",
                two_edged(|c| {
                    c.supplier = None;
                    c.manufacturer = Some("Acme GmbH".into());
                }),
                all(2, 2, 2, 2, 2, 2),
                100.0,
            ),
            ("no supplier", two_edged(|c| c.supplier = None), all(1, 2, 2, 2, 2, 2), 95.5),
            ("blank supplier", two_edged(|c| c.supplier = Some("  ".into())), all(1, 2, 2, 2, 2, 2), 95.5),
            ("blank name", two_edged(|c| c.name = String::new()), all(2, 1, 2, 2, 2, 2), 95.5),
            ("no version", two_edged(|c| c.version = None), all(2, 2, 1, 2, 2, 2), 95.5),
            (
                "cpe identifies",
                two_edged(|c| {
                    c.purl = None;
                    c.cpe = Some("cpe:2.3:a:acme:a:1.0:*:*:*:*:*:*:*".into());
                }),
                all(2, 2, 2, 2, 2, 2),
                100.0,
            ),
            (
                "swid tag identifies",
                two_edged(|c| {
                    c.purl = None;
                    c.swid_tag_id = Some("acme-a-1.0".into());
                }),
                all(2, 2, 2, 2, 2, 2),
                100.0,
            ),
            (
                "other identifier identifies",
                two_edged(|c| {
                    c.purl = None;
                    c.other_identifiers = vec!["gitoid:blob:sha1:261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64".into()];
                }),
                all(2, 2, 2, 2, 2, 2),
                100.0,
            ),
            ("no identifier", two_edged(|c| c.purl = None), all(2, 2, 2, 1, 2, 2), 95.5),
            ("no hash", two_edged(|c| c.hashes.clear()), all(2, 2, 2, 2, 1, 2), 95.5),
            (
                "noassertion is no licence",
                two_edged(|c| c.licenses = vec!["NOASSERTION".into()]),
                all(2, 2, 2, 2, 2, 1),
                95.5,
            ),
            ("none is no licence", two_edged(|c| c.licenses = vec!["none".into()]), all(2, 2, 2, 2, 2, 1), 95.5),
            (
                "one real licence is enough",
                two_edged(|c| c.licenses = vec!["NONE".into(), "Apache-2.0".into()]),
                all(2, 2, 2, 2, 2, 2),
                100.0,
            ),
            (
                "nothing at document level",
                sbom(vec![full("a"), full("b")], &[(0, 1)], |_| {}),
                vec![
                    ("supplier", 2, 2),
                    ("name", 2, 2),
                    ("version", 2, 2),
                    ("unique-identifier", 2, 2),
                    ("dependency-relationship", 2, 2),
                    ("author", 0, 1),
                    ("timestamp", 0, 1),
                    ("hash", 2, 2),
                    ("license", 2, 2),
                    ("tool-name", 0, 1),
                    ("generation-context", 0, 1),
                ],
                63.6,
            ),
            (
                "edges count on either side",
                sbom(vec![full("a"), full("b"), full("c")], &[(0, 1)], |s| s.metadata = complete_metadata()),
                vec![
                    ("supplier", 3, 3),
                    ("name", 3, 3),
                    ("version", 3, 3),
                    ("unique-identifier", 3, 3),
                    ("dependency-relationship", 2, 3),
                    ("author", 1, 1),
                    ("timestamp", 1, 1),
                    ("hash", 3, 3),
                    ("license", 3, 3),
                    ("tool-name", 1, 1),
                    ("generation-context", 1, 1),
                ],
                97.0,
            ),
        ];
        let total = cases.len();
        let passed = cases.iter().filter(|(name, s, expected, score)| check(name, s, expected, *score)).count();
        println!("sbom quality elements: {passed}/{total}");
        assert_eq!(passed, total);
    }

    #[test]
    fn no_components_give_zero_percent() {
        let q = quality(&sbom(vec![], &[], |s| s.metadata = complete_metadata()), 5);
        assert_eq!(q.n_components, 0);
        for e in q.elements.iter().filter(|e| e.level == Level::Component) {
            assert_eq!((e.covered, e.total, e.percent), (0, 0, 0.0), "{}", e.id);
        }
        // Only the four document-level elements count: 400 / 11.
        assert_eq!(q.score, 36.4);
        assert!(q.worst.is_empty());
    }

    #[test]
    fn a_lone_component_needs_no_edge_only_when_it_is_the_subject() {
        let subject = sbom(vec![full("a")], &[], |s| s.metadata.subject = Some(0));
        let not_subject = sbom(vec![full("a")], &[], |_| {});
        let dep = |q: &Quality| q.elements.iter().find(|e| e.id == "dependency-relationship").map(|e| e.covered);
        assert_eq!(dep(&quality(&subject, 0)), Some(1));
        assert_eq!(dep(&quality(&not_subject, 0)), Some(0));
        // Two components and no edges: being the subject is not enough.
        let two = sbom(vec![full("a"), full("b")], &[], |s| s.metadata.subject = Some(0));
        assert_eq!(dep(&quality(&two, 0)), Some(0));
    }

    #[test]
    fn a_subject_only_entry_is_not_counted() {
        // The CycloneDX metadata.component (index 0) depends on `a`; it has nothing else.
        let subject = Component { name: "product".into(), subject_only: true, ..Component::default() };
        let s = sbom(vec![subject, full("a")], &[(0, 1)], |s| s.metadata.subject = Some(0));
        let q = quality(&s, 10);
        assert_eq!(q.n_components, 1);
        let supplier = q.elements.iter().find(|e| e.id == "supplier").unwrap();
        assert_eq!((supplier.covered, supplier.total), (1, 1));
        // The edge to the subject still puts `a` in a relationship.
        let dep = q.elements.iter().find(|e| e.id == "dependency-relationship").unwrap();
        assert_eq!((dep.covered, dep.total), (1, 1));
        assert!(q.worst.is_empty());
    }

    #[test]
    fn nested_components_are_counted_like_the_others() {
        let mut child = full("child");
        child.parent = Some(0);
        child.hashes.clear();
        let s = sbom(vec![full("parent"), child], &[(0, 1)], |_| {});
        let q = quality(&s, 10);
        assert_eq!(q.n_components, 2);
        let hash = q.elements.iter().find(|e| e.id == "hash").unwrap();
        assert_eq!((hash.covered, hash.total, hash.percent), (1, 2, 50.0));
        assert_eq!(q.worst.len(), 1);
        assert_eq!((q.worst[0].index, q.worst[0].missing.clone()), (1, vec!["hash".to_owned()]));
    }

    #[test]
    fn worst_lists_the_most_lacking_first_and_ties_in_document_order() {
        let bare = |name: &str| Component { name: name.into(), location: format!("/c/{name}"), ..Component::default() };
        let mut no_hash = full("no-hash");
        no_hash.hashes.clear();
        let s = sbom(vec![full("fine"), no_hash, bare("bare-1"), bare("bare-2"), bare("bare-3")], &[(0, 1)], |_| {});
        let worst = quality(&s, 3).worst;
        let got: Vec<(usize, &str, usize)> =
            worst.iter().map(|w| (w.index, w.name.as_str(), w.missing.len())).collect();
        assert_eq!(got, vec![(2, "bare-1", 6), (3, "bare-2", 6), (4, "bare-3", 6)]);
        assert_eq!(
            worst[0].missing,
            vec!["supplier", "version", "unique-identifier", "dependency-relationship", "hash", "license"]
        );
        assert_eq!(worst[0].location, "/c/bare-1");
        let all = quality(&s, 100).worst;
        assert_eq!(all.iter().map(|w| w.index).collect::<Vec<_>>(), vec![2, 3, 4, 1]);
    }

    #[test]
    fn the_json_names_format_version_count_and_elements() {
        let s = sbom(vec![full("a")], &[], |s| s.kind.format = SbomFormat::Spdx);
        let json = serde_json::to_value(quality(&s, 1)).unwrap();
        assert_eq!(json["format"], "spdx");
        assert_eq!(json["spec_version"], "1.6");
        assert_eq!(json["n_components"], 1);
        assert_eq!(json["elements"][0]["id"], "supplier");
        assert_eq!(json["elements"][0]["group"], "ntia");
        assert_eq!(json["elements"][0]["level"], "component");
        assert_eq!(json["elements"][0]["percent"], 100.0);
        assert_eq!(json["elements"][10]["group"], "cisa-2025");
        assert_eq!(json["worst"][0]["missing"][0], "dependency-relationship");
    }

    #[test]
    fn element_ids_are_unique_kebab_case() {
        let ids: HashSet<&str> = ELEMENTS.iter().map(|e| e.id).collect();
        assert_eq!(ids.len(), ELEMENTS.len());
        assert!(ELEMENTS.iter().all(|e| e.id.chars().all(|c| c.is_ascii_lowercase() || c == '-')));
    }
}
