//! The SPDX 2.3 JSON writer: any model (from CycloneDX, SPDX or SWID) as a document that the
//! SPDX 2.3 JSON schema accepts.
//!
//! Components become packages (`filesAnalyzed: false`, `downloadLocation: NOASSERTION` when
//! no distribution address is known), edges become `DEPENDS_ON`, the subject (or, without
//! one, every component nothing depends on) is what the document `DESCRIBES`. What the
//! model does not say is left out rather than invented, and nothing is written that the
//! reader would not read back the same, with one exception: the model keeps licences as one
//! list without telling declared from concluded, so they are all written, `AND`-joined, as
//! `licenseDeclared`. A licence that is not a valid SPDX expression (a free-text name from
//! CycloneDX) is written as a `LicenseRef-` with the text as its extracted licensing info.

use std::collections::HashSet;

use chainward_core::sbom::{Component, HashAlgorithm, Sbom};
use serde_json::{Map, Value, json};

/// Writes `sbom` as an SPDX 2.3 JSON document named by `namespace` (a unique URI) and made
/// at `created` (RFC 3339, `2024-01-31T12:00:00Z`).
pub fn write_json_2_3(sbom: &Sbom, namespace: &str, created: &str) -> Vec<u8> {
    let mut used: HashSet<String> = HashSet::from(["SPDXRef-DOCUMENT".to_owned()]);
    let ids: Vec<String> =
        sbom.components.iter().enumerate().map(|(index, c)| package_id(c, index, &mut used)).collect();
    let mut extracted = Vec::new();
    let packages: Vec<Value> =
        sbom.components.iter().zip(&ids).map(|(component, id)| package(component, id, &mut extracted)).collect();

    let mut relationships = Vec::new();
    let described: Vec<usize> = match sbom.metadata.subject {
        Some(subject) if subject < ids.len() => vec![subject],
        _ => {
            let depended: HashSet<usize> = sbom.dependencies.iter().map(|d| d.to).collect();
            (0..ids.len()).filter(|i| !depended.contains(i)).collect()
        }
    };
    for index in described {
        if let Some(id) = ids.get(index) {
            relationships.push(relationship("SPDXRef-DOCUMENT", "DESCRIBES", id));
        }
    }
    for dependency in &sbom.dependencies {
        if let (Some(from), Some(to)) = (ids.get(dependency.from), ids.get(dependency.to)) {
            relationships.push(relationship(from, "DEPENDS_ON", to));
        }
    }

    let mut creators = vec![format!("Tool: chainward-{}", env!("CARGO_PKG_VERSION"))];
    for tool in &sbom.metadata.tools {
        let name = tool.name.trim();
        if name.is_empty() {
            continue;
        }
        creators.push(match &tool.version {
            Some(version) if !version.trim().is_empty() => format!("Tool: {name}-{}", version.trim()),
            _ => format!("Tool: {name}"),
        });
    }
    for author in &sbom.metadata.authors {
        if !author.trim().is_empty() {
            creators.push(format!("Person: {}", author.trim()));
        }
    }
    let name = sbom
        .name
        .clone()
        .or_else(|| sbom.metadata.subject.and_then(|s| sbom.components.get(s)).map(|c| c.name.clone()))
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "sbom".to_owned());

    let mut document = Map::new();
    document.insert("spdxVersion".to_owned(), json!("SPDX-2.3"));
    document.insert("dataLicense".to_owned(), json!("CC0-1.0"));
    document.insert("SPDXID".to_owned(), json!("SPDXRef-DOCUMENT"));
    document.insert("name".to_owned(), json!(name));
    document.insert("documentNamespace".to_owned(), json!(namespace));
    document.insert("creationInfo".to_owned(), json!({ "created": created, "creators": creators }));
    document.insert("packages".to_owned(), Value::Array(packages));
    document.insert("relationships".to_owned(), Value::Array(relationships));
    if !extracted.is_empty() {
        document.insert("hasExtractedLicensingInfos".to_owned(), Value::Array(extracted));
    }
    serde_json::to_vec_pretty(&Value::Object(document)).unwrap_or_default()
}

fn relationship(from: &str, kind: &str, to: &str) -> Value {
    json!({ "spdxElementId": from, "relationshipType": kind, "relatedSpdxElement": to })
}

/// Whether `id` is an SPDXID the schema's rules allow: `SPDXRef-` then letters, digits, `.`
/// and `-`.
pub(super) fn is_spdx_id(id: &str) -> bool {
    id.strip_prefix("SPDXRef-")
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'))
}

/// The component's SPDXID: its reference when that is a valid, unused SPDXID, else one
/// made from the reference or the name, numbered when taken.
fn package_id(component: &Component, index: usize, used: &mut HashSet<String>) -> String {
    if let Some(reference) = &component.reference
        && is_spdx_id(reference)
        && used.insert(reference.clone())
    {
        return reference.clone();
    }
    let source = component.reference.as_deref().unwrap_or(&component.name);
    let source = source.strip_prefix("SPDXRef-").unwrap_or(source);
    let mut cleaned: String = source
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '-' })
        .take(80)
        .collect();
    cleaned = cleaned.trim_matches('-').to_owned();
    if cleaned.is_empty() {
        cleaned = format!("Package-{}", index + 1);
    }
    let base = format!("SPDXRef-{cleaned}");
    let mut candidate = base.clone();
    let mut number = 1;
    while !used.insert(candidate.clone()) {
        number += 1;
        candidate = format!("{base}-{number}");
    }
    candidate
}

/// The SPDX 2.3 spelling of an algorithm, if SPDX 2.3 has it.
fn spdx_algorithm(algorithm: &HashAlgorithm) -> Option<&'static str> {
    Some(match algorithm {
        HashAlgorithm::Md5 => "MD5",
        HashAlgorithm::Sha1 => "SHA1",
        HashAlgorithm::Sha224 => "SHA224",
        HashAlgorithm::Sha256 => "SHA256",
        HashAlgorithm::Sha384 => "SHA384",
        HashAlgorithm::Sha512 => "SHA512",
        HashAlgorithm::Sha3_256 => "SHA3-256",
        HashAlgorithm::Sha3_384 => "SHA3-384",
        HashAlgorithm::Sha3_512 => "SHA3-512",
        HashAlgorithm::Blake2b256 => "BLAKE2b-256",
        HashAlgorithm::Blake2b384 => "BLAKE2b-384",
        HashAlgorithm::Blake2b512 => "BLAKE2b-512",
        HashAlgorithm::Blake3 => "BLAKE3",
        HashAlgorithm::Other(name) => match name.to_ascii_uppercase().as_str() {
            "MD2" => "MD2",
            "MD4" => "MD4",
            "MD6" => "MD6",
            "ADLER32" => "ADLER32",
            _ => return None,
        },
    })
}

/// The SPDX 2.3 JSON `primaryPackagePurpose` for a component type, if there is one.
fn purpose(kind: &str) -> Option<&'static str> {
    let key = kind.trim().to_ascii_uppercase().replace(['-', ' '], "_");
    Some(match key.as_str() {
        "APPLICATION" => "APPLICATION",
        "FRAMEWORK" => "FRAMEWORK",
        "LIBRARY" => "LIBRARY",
        "CONTAINER" => "CONTAINER",
        "OPERATING_SYSTEM" => "OPERATING_SYSTEM",
        "DEVICE" => "DEVICE",
        "FIRMWARE" => "FIRMWARE",
        "SOURCE" => "SOURCE",
        "ARCHIVE" => "ARCHIVE",
        "FILE" => "FILE",
        "INSTALL" => "INSTALL",
        "OTHER" => "OTHER",
        _ => return None,
    })
}

/// One component as a package; licences that are not SPDX expressions are added to
/// `extracted`.
fn package(component: &Component, id: &str, extracted: &mut Vec<Value>) -> Value {
    let mut package = Map::new();
    package.insert("SPDXID".to_owned(), json!(id));
    package.insert("name".to_owned(), json!(component.display_name()));
    if let Some(version) = component.version.as_deref().filter(|v| !v.trim().is_empty()) {
        package.insert("versionInfo".to_owned(), json!(version));
    }
    let mut distribution = None;
    let mut website = None;
    let mut references = Vec::new();
    if let Some(purl) = &component.purl {
        references.push(reference("PACKAGE-MANAGER", "purl", purl));
    }
    if let Some(cpe) = &component.cpe {
        let kind = if cpe.starts_with("cpe:2.3:") { "cpe23Type" } else { "cpe22Type" };
        references.push(reference("SECURITY", kind, cpe));
    }
    if let Some(tag_id) = &component.swid_tag_id {
        references.push(reference("SECURITY", "swid", tag_id));
    }
    for identifier in &component.other_identifiers {
        let kind = if identifier.starts_with("swh:") {
            "swh"
        } else if identifier.starts_with("gitoid:") {
            "gitoid"
        } else {
            continue;
        };
        references.push(reference("PERSISTENT-ID", kind, identifier));
    }
    for external in &component.external_references {
        let url = external.url.trim();
        if url.is_empty() || url.contains(char::is_whitespace) {
            continue;
        }
        match external.kind.as_str() {
            "distribution" if distribution.is_none() => distribution = Some(url),
            "website" if website.is_none() => website = Some(url),
            "advisory" | "fix" | "url" => references.push(reference("SECURITY", &external.kind, url)),
            kind if !kind.trim().is_empty() && !kind.contains(char::is_whitespace) => {
                references.push(reference("OTHER", kind, url))
            }
            _ => {}
        }
    }
    package.insert("downloadLocation".to_owned(), json!(distribution.unwrap_or("NOASSERTION")));
    package.insert("filesAnalyzed".to_owned(), json!(false));
    if let Some(homepage) = website {
        package.insert("homepage".to_owned(), json!(homepage));
    }
    if let Some(supplier) = component.supplier.as_deref().filter(|s| !s.trim().is_empty()) {
        package.insert("supplier".to_owned(), json!(format!("Organization: {}", supplier.trim())));
    }
    if let Some(author) = component.author.as_deref().filter(|s| !s.trim().is_empty()) {
        package.insert("originator".to_owned(), json!(format!("Person: {}", author.trim())));
    }
    let checksums: Vec<Value> = component
        .hashes
        .iter()
        .filter_map(|h| spdx_algorithm(&h.algorithm).map(|a| json!({ "algorithm": a, "checksumValue": h.value })))
        .collect();
    if !checksums.is_empty() {
        package.insert("checksums".to_owned(), Value::Array(checksums));
    }
    if let Some(expression) = license_expression(&component.licenses, extracted) {
        package.insert("licenseDeclared".to_owned(), json!(expression));
    }
    if let Some(copyright) = component.copyright.as_deref().filter(|c| !c.trim().is_empty()) {
        package.insert("copyrightText".to_owned(), json!(copyright));
    }
    if let Some(description) = component.description.as_deref().filter(|d| !d.trim().is_empty()) {
        package.insert("description".to_owned(), json!(description));
    }
    if let Some(purpose) = component.kind.as_deref().and_then(purpose) {
        package.insert("primaryPackagePurpose".to_owned(), json!(purpose));
    }
    if !references.is_empty() {
        package.insert("externalRefs".to_owned(), Value::Array(references));
    }
    Value::Object(package)
}

fn reference(category: &str, kind: &str, locator: &str) -> Value {
    json!({ "referenceCategory": category, "referenceType": kind, "referenceLocator": locator })
}

/// The licences as one expression: each valid expression as it is (in parentheses when it
/// is compound and not already parenthesised), each other text as a `LicenseRef-`.
fn license_expression(licenses: &[String], extracted: &mut Vec<Value>) -> Option<String> {
    let mut parts = Vec::new();
    for license in licenses.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        if spdx::Expression::parse(license).is_ok() {
            let compound = license.contains(char::is_whitespace);
            let wrapped = fully_parenthesised(license);
            parts.push(if compound && !wrapped && licenses.len() > 1 {
                format!("({license})")
            } else {
                license.to_owned()
            });
        } else {
            let cleaned: String =
                license.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' }).take(64).collect();
            let cleaned = cleaned.trim_matches('-');
            let id = if cleaned.is_empty() {
                format!("LicenseRef-{}", extracted.len() + 1)
            } else {
                format!("LicenseRef-{cleaned}")
            };
            let known = extracted.iter().any(|e| e.get("licenseId").and_then(Value::as_str) == Some(id.as_str()));
            if !known {
                extracted.push(json!({ "licenseId": id, "name": license, "extractedText": license }));
            }
            parts.push(id);
        }
    }
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// Whether the whole text is one parenthesised group: `(A OR B)`, not `(A) OR (B)`.
fn fully_parenthesised(text: &str) -> bool {
    if !text.starts_with('(') {
        return false;
    }
    let mut depth = 0usize;
    for (index, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return index + 1 == text.len();
                }
            }
            _ => {}
        }
    }
    false
}
