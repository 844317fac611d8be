//! The CycloneDX 1.6 JSON writer.
//!
//! The output validates against `bom-1.6.schema.json` whatever the model holds, because every
//! value the schema constrains is checked here and left out (or mapped) when it does not fit:
//!
//! - `serialNumber`: the model's when it is a `urn:uuid` (in lower case), else one derived
//!   from the content (SHA-256 of the compact document written without it, in the shape of
//!   a UUID version 8), so that the same model always gives the same bytes;
//! - `version`: the document version when it is a positive integer, else 1;
//! - `metadata.timestamp`: only an RFC 3339 date-time;
//! - component `type`: one of the 1.6 types (other spellings such as SPDX's `LIBRARY` or
//!   `operatingSystem` are matched ignoring case and punctuation), else `library`;
//! - `bom-ref`: every component gets a unique one; the model's is kept when it is not empty
//!   and not taken already, else `component-<index>` is made up;
//! - hashes: only the 1.6 algorithms (not SHA-224) with a hexadecimal value of 32, 40, 64, 96
//!   or 128 digits;
//! - licences: one [`Component::licenses`] entry that is an SPDX expression but not a plain
//!   licence id is written as the `expression`; otherwise each entry is a licence `id` when
//!   the bundled SPDX list has it, else a licence `name`;
//! - `scope`, lifecycle `phase`, external reference `type`: only the 1.6 values (a lifecycle
//!   outside the phases becomes a `name`; a reference of another kind becomes `other`, with
//!   the kind in its `comment`);
//! - other identifiers: `gitoid:` ones as `omniborId`, `swh:` ones as `swhid`, others left out.
//!
//! Nesting follows [`Component::parent`] (a parent listed before its child, as readers give
//! it), up to [`MAX_WRITE_DEPTH`] levels; the subject (`metadata.subject`), when it is not
//! nested itself, becomes `metadata.component`. Dependencies are written for components with
//! edges only (an entry without `dependsOn` would claim the component has none).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::OnceLock;

use chainward_core::sbom::{Component, HashAlgorithm, Sbom};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::json::Json;
use crate::schemas;

/// How deep the writer nests components; deeper ones are written at the top level, so that
/// the output stays well within the nesting JSON readers accept.
pub(crate) const MAX_WRITE_DEPTH: usize = 32;

const COMPONENT_TYPES: &[&str] = &[
    "application",
    "framework",
    "library",
    "container",
    "platform",
    "operating-system",
    "device",
    "device-driver",
    "firmware",
    "file",
    "machine-learning-model",
    "data",
    "cryptographic-asset",
];

const SCOPES: &[&str] = &["required", "optional", "excluded"];

const PHASES: &[&str] = &["design", "pre-build", "build", "post-build", "operations", "discovery", "decommission"];

const EXTERNAL_REFERENCE_TYPES: &[&str] = &[
    "vcs",
    "issue-tracker",
    "website",
    "advisories",
    "bom",
    "mailing-list",
    "social",
    "chat",
    "documentation",
    "support",
    "source-distribution",
    "distribution",
    "distribution-intake",
    "license",
    "build-meta",
    "build-system",
    "release-notes",
    "security-contact",
    "model-card",
    "log",
    "configuration",
    "evidence",
    "formulation",
    "attestation",
    "threat-model",
    "adversary-model",
    "risk-assessment",
    "vulnerability-assertion",
    "exploitability-statement",
    "pentest-report",
    "static-analysis-report",
    "dynamic-analysis-report",
    "runtime-analysis-report",
    "component-analysis-report",
    "maturity-report",
    "certification-report",
    "codified-infrastructure",
    "quality-metrics",
    "poam",
    "electronic-signature",
    "digital-signature",
    "rfc-9116",
    "other",
];

/// Writes `sbom` as a CycloneDX 1.6 JSON document (pretty-printed, UTF-8).
pub fn write_json_1_6(sbom: &Sbom) -> Vec<u8> {
    let refs = bom_refs(sbom);
    let tree = Tree::new(sbom);
    let subject = tree.subject.and_then(|index| component_out(sbom, &tree, &refs, index, 0));
    let components = tree.roots.iter().filter_map(|&index| component_out(sbom, &tree, &refs, index, 0)).collect();
    let metadata = &sbom.metadata;
    let mut bom = BomOut {
        schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: sbom.serial_number.as_deref().and_then(urn_uuid),
        version: sbom
            .document_version
            .as_deref()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|v| *v >= 1)
            .unwrap_or(1),
        metadata: MetadataOut {
            timestamp: metadata.timestamp.as_deref().filter(|t| is_date_time(t)),
            lifecycles: metadata.lifecycles.iter().map(|l| lifecycle_out(l)).collect(),
            tools: (!metadata.tools.is_empty()).then(|| ToolsOut {
                components: metadata
                    .tools
                    .iter()
                    .map(|tool| ToolOut {
                        kind: "application",
                        group: tool.vendor.as_deref(),
                        name: &tool.name,
                        version: tool.version.as_deref(),
                    })
                    .collect(),
            }),
            authors: metadata.authors.iter().map(|name| ContactOut { name }).collect(),
            component: subject,
            supplier: metadata.supplier.as_deref().map(|name| EntityOut { name }),
            licenses: metadata.data_license.as_ref().map(|l| licenses_out(std::slice::from_ref(l))).unwrap_or_default(),
        },
        components,
        dependencies: dependencies_out(sbom, &refs),
    };
    if bom.serial_number.is_none() {
        let mut digest = DigestWriter(Sha256::new());
        // Serialising strings and numbers into a hasher cannot fail.
        let _ = serde_json::to_writer(&mut digest, &bom);
        bom.serial_number = Some(derived_urn_uuid(&digest.0.finalize()));
    }
    serde_json::to_vec_pretty(&bom).unwrap_or_default()
}

// --- the wire shape ---

#[derive(Serialize)]
struct BomOut<'s> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    #[serde(rename = "bomFormat")]
    bom_format: &'static str,
    #[serde(rename = "specVersion")]
    spec_version: &'static str,
    #[serde(rename = "serialNumber", skip_serializing_if = "Option::is_none")]
    serial_number: Option<String>,
    version: u64,
    metadata: MetadataOut<'s>,
    components: Vec<ComponentOut<'s>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dependencies: Vec<DependencyOut<'s>>,
}

#[derive(Serialize)]
struct MetadataOut<'s> {
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<&'s str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    lifecycles: Vec<LifecycleOut<'s>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tools: Option<ToolsOut<'s>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<ContactOut<'s>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    component: Option<ComponentOut<'s>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    supplier: Option<EntityOut<'s>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoiceOut<'s>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum LifecycleOut<'s> {
    Phase { phase: &'s str },
    Named { name: &'s str },
}

#[derive(Serialize)]
struct ToolsOut<'s> {
    components: Vec<ToolOut<'s>>,
}

#[derive(Serialize)]
struct ToolOut<'s> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'s str>,
    name: &'s str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'s str>,
}

#[derive(Serialize)]
struct ContactOut<'s> {
    name: &'s str,
}

#[derive(Serialize)]
struct EntityOut<'s> {
    name: &'s str,
}

#[derive(Serialize)]
struct ComponentOut<'s> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: &'s str,
    #[serde(skip_serializing_if = "Option::is_none")]
    supplier: Option<EntityOut<'s>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    manufacturer: Option<EntityOut<'s>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<ContactOut<'s>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<&'s str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'s str>,
    name: &'s str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'s str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'s str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'s str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<HashOut<'s>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoiceOut<'s>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    copyright: Option<&'s str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cpe: Option<&'s str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<&'s str>,
    #[serde(rename = "omniborId", skip_serializing_if = "Vec::is_empty")]
    omnibor_id: Vec<&'s str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    swhid: Vec<&'s str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    swid: Option<SwidOut<'s>>,
    #[serde(rename = "externalReferences", skip_serializing_if = "Vec::is_empty")]
    external_references: Vec<ExternalReferenceOut<'s>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    components: Vec<ComponentOut<'s>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<PropertyOut<'s>>,
}

#[derive(Serialize)]
struct HashOut<'s> {
    alg: &'s str,
    content: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum LicenseChoiceOut<'s> {
    License { license: LicenseOut<'s> },
    Expression { expression: &'s str },
}

#[derive(Serialize)]
#[serde(untagged)]
enum LicenseOut<'s> {
    Id { id: &'s str },
    Named { name: &'s str },
}

#[derive(Serialize)]
struct SwidOut<'s> {
    #[serde(rename = "tagId")]
    tag_id: &'s str,
    name: &'s str,
}

#[derive(Serialize)]
struct ExternalReferenceOut<'s> {
    url: &'s str,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct PropertyOut<'s> {
    name: &'s str,
    value: &'s str,
}

#[derive(Serialize)]
struct DependencyOut<'s> {
    #[serde(rename = "ref")]
    reference: &'s str,
    #[serde(rename = "dependsOn")]
    depends_on: Vec<&'s str>,
}

// --- structure ---

/// Where each component goes: nested in its parent, at the top level, or as the subject.
struct Tree {
    children: Vec<Vec<usize>>,
    roots: Vec<usize>,
    subject: Option<usize>,
}

impl Tree {
    fn new(sbom: &Sbom) -> Tree {
        let n = sbom.components.len();
        let mut children = vec![Vec::new(); n];
        let mut depth = vec![0usize; n];
        let mut is_root = vec![true; n];
        for (index, component) in sbom.components.iter().enumerate() {
            // Only a parent listed before its child is followed: that rules out cycles.
            let Some(parent) = component.parent.filter(|&p| p < index) else { continue };
            let parent_depth = depth.get(parent).copied().unwrap_or(0);
            if parent_depth + 1 >= MAX_WRITE_DEPTH {
                continue;
            }
            if let (Some(d), Some(list), Some(root)) =
                (depth.get_mut(index), children.get_mut(parent), is_root.get_mut(index))
            {
                *d = parent_depth + 1;
                list.push(index);
                *root = false;
            }
        }
        let subject = sbom.metadata.subject.filter(|&s| is_root.get(s).copied().unwrap_or(false));
        let roots = (0..n).filter(|&i| Some(i) != subject && is_root.get(i).copied().unwrap_or(false)).collect();
        Tree { children, roots, subject }
    }
}

/// A unique, non-empty bom-ref for every component, by index.
fn bom_refs(sbom: &Sbom) -> Vec<String> {
    let mut taken: HashSet<&str> = HashSet::with_capacity(sbom.components.len());
    let mut keep = Vec::with_capacity(sbom.components.len());
    for component in &sbom.components {
        let reference = component.reference.as_deref().filter(|r| !r.is_empty());
        keep.push(reference.is_some_and(|r| taken.insert(r)));
    }
    let mut made: HashSet<String> = HashSet::new();
    sbom.components
        .iter()
        .zip(keep)
        .enumerate()
        .map(|(index, (component, keep))| match (keep, component.reference.as_deref()) {
            (true, Some(reference)) => reference.to_owned(),
            _ => {
                let mut candidate = format!("component-{index}");
                let mut n = 1;
                while taken.contains(candidate.as_str()) || made.contains(&candidate) {
                    candidate = format!("component-{index}-{n}");
                    n += 1;
                }
                made.insert(candidate.clone());
                candidate
            }
        })
        .collect()
}

fn component_out<'s>(
    sbom: &'s Sbom,
    tree: &Tree,
    refs: &'s [String],
    index: usize,
    depth: usize,
) -> Option<ComponentOut<'s>> {
    let c: &'s Component = sbom.components.get(index)?;
    let children = if depth + 1 < MAX_WRITE_DEPTH {
        tree.children
            .get(index)
            .map(|list| list.iter().filter_map(|&child| component_out(sbom, tree, refs, child, depth + 1)).collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Some(ComponentOut {
        kind: component_type(c.kind.as_deref()),
        bom_ref: refs.get(index).map_or("", String::as_str),
        supplier: c.supplier.as_deref().map(|name| EntityOut { name }),
        manufacturer: c.manufacturer.as_deref().map(|name| EntityOut { name }),
        authors: c.author.as_deref().map(|name| ContactOut { name }).into_iter().collect(),
        publisher: c.publisher.as_deref(),
        group: c.group.as_deref(),
        name: &c.name,
        version: c.version.as_deref(),
        description: c.description.as_deref(),
        scope: c.scope.as_deref().filter(|s| SCOPES.contains(s)),
        hashes: c
            .hashes
            .iter()
            .filter(|h| writable_hash(&h.algorithm, &h.value))
            .map(|h| HashOut { alg: h.algorithm.as_str(), content: h.value.to_ascii_lowercase() })
            .collect(),
        licenses: licenses_out(&c.licenses),
        copyright: c.copyright.as_deref(),
        cpe: c.cpe.as_deref(),
        purl: c.purl.as_deref(),
        omnibor_id: c.other_identifiers.iter().map(String::as_str).filter(|id| id.starts_with("gitoid:")).collect(),
        swhid: c.other_identifiers.iter().map(String::as_str).filter(|id| id.starts_with("swh:")).collect(),
        swid: c.swid_tag_id.as_deref().map(|tag_id| SwidOut { tag_id, name: &c.name }),
        external_references: c
            .external_references
            .iter()
            .filter(|r| !r.url.is_empty())
            .map(|r| match EXTERNAL_REFERENCE_TYPES.iter().find(|t| **t == r.kind) {
                Some(kind) => ExternalReferenceOut { url: &r.url, comment: None, kind },
                None => ExternalReferenceOut { url: &r.url, comment: Some(format!("type: {}", r.kind)), kind: "other" },
            })
            .collect(),
        components: children,
        properties: c.properties.iter().map(|p| PropertyOut { name: &p.name, value: &p.value }).collect(),
    })
}

fn dependencies_out<'s>(sbom: &Sbom, refs: &'s [String]) -> Vec<DependencyOut<'s>> {
    let mut targets: Vec<Vec<usize>> = vec![Vec::new(); sbom.components.len()];
    let mut seen = HashSet::with_capacity(sbom.dependencies.len());
    for edge in &sbom.dependencies {
        if edge.to < refs.len()
            && seen.insert((edge.from, edge.to))
            && let Some(list) = targets.get_mut(edge.from)
        {
            list.push(edge.to);
        }
    }
    targets
        .iter()
        .enumerate()
        .filter(|(_, list)| !list.is_empty())
        .filter_map(|(from, list)| {
            Some(DependencyOut {
                reference: refs.get(from)?,
                depends_on: list.iter().filter_map(|&to| refs.get(to).map(String::as_str)).collect(),
            })
        })
        .collect()
}

// --- values ---

/// The 1.6 component type for a type as written, ignoring case and punctuation.
fn component_type(kind: Option<&str>) -> &'static str {
    let Some(kind) = kind else { return "library" };
    let key: String = kind.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    COMPONENT_TYPES.iter().find(|t| t.replace('-', "") == key).copied().unwrap_or("library")
}

fn writable_hash(algorithm: &HashAlgorithm, value: &str) -> bool {
    let named = !matches!(algorithm, HashAlgorithm::Sha224 | HashAlgorithm::Other(_));
    named && matches!(value.len(), 32 | 40 | 64 | 96 | 128) && value.bytes().all(|b| b.is_ascii_hexdigit())
}

fn lifecycle_out(lifecycle: &str) -> LifecycleOut<'_> {
    match PHASES.iter().find(|p| **p == lifecycle) {
        Some(phase) => LifecycleOut::Phase { phase },
        None => LifecycleOut::Named { name: lifecycle },
    }
}

/// A licence choice for `licenses`: the one expression, or a list of ids and names.
fn licenses_out(licenses: &[String]) -> Vec<LicenseChoiceOut<'_>> {
    if let [only] = licenses
        && !is_spdx_id(only)
        && spdx::Expression::parse(only).is_ok()
    {
        return vec![LicenseChoiceOut::Expression { expression: only }];
    }
    licenses
        .iter()
        .map(|license| LicenseChoiceOut::License {
            license: if is_spdx_id(license) {
                LicenseOut::Id { id: license }
            } else {
                LicenseOut::Named { name: license }
            },
        })
        .collect()
}

/// Whether `id` is in the licence list of the bundled `spdx.schema.json`, which is what the
/// schema accepts as a licence `id`.
fn is_spdx_id(id: &str) -> bool {
    static IDS: OnceLock<HashSet<String>> = OnceLock::new();
    IDS.get_or_init(|| {
        let Some(Ok(schema)) = schemas::schema("spdx.schema.json").map(crate::json::parse) else {
            return HashSet::new();
        };
        schema
            .get("enum")
            .and_then(Json::as_array)
            .map(|ids| ids.iter().filter_map(Json::as_str).map(str::to_owned).collect())
            .unwrap_or_default()
    })
    .contains(id)
}

fn is_date_time(text: &str) -> bool {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).is_ok()
}

/// `text` in lower case when it is a `urn:uuid:` serial number, as the schema's pattern wants.
fn urn_uuid(text: &str) -> Option<String> {
    let lower = text.trim().to_ascii_lowercase();
    let uuid = lower.strip_prefix("urn:uuid:")?;
    let well_formed = uuid.len() == 36
        && uuid.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    well_formed.then_some(lower)
}

/// Feeds what is written into a SHA-256, so that the document need not be held twice.
struct DigestWriter(Sha256);

impl std::io::Write for DigestWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A `urn:uuid:` from the first 16 bytes of a digest, with the version (8) and variant bits
/// of RFC 9562 set.
fn derived_urn_uuid(digest: &[u8]) -> String {
    let mut bytes = [0u8; 16];
    for (byte, from) in bytes.iter_mut().zip(digest) {
        *byte = *from;
    }
    if let Some(b) = bytes.get_mut(6) {
        *b = (*b & 0x0f) | 0x80;
    }
    if let Some(b) = bytes.get_mut(8) {
        *b = (*b & 0x3f) | 0x80;
    }
    let mut text = String::with_capacity(45);
    text.push_str("urn:uuid:");
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        let _ = write!(text, "{byte:02x}");
    }
    text
}
