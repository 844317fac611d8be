//! Semantic checks on the model, the same for every format: what a schema cannot say.
//! Duplicate and dangling references are found by the readers, which know the document's
//! reference syntax; here: package URLs, SPDX licence expressions and hash values.

use chainward_core::purl::Purl;
use chainward_core::sbom::{Component, Encoding, Sbom, SbomFormat};

use super::Problem;

/// Every problem code the semantic checks report.
pub const CHECK_CODES: &[&str] = &["purl-invalid", "license-invalid", "hash-length", "hash-not-hex"];

/// Checks every component of `sbom`.
pub fn semantic_checks(sbom: &Sbom) -> Vec<Problem> {
    let mut problems = Vec::new();
    for component in &sbom.components {
        check_component(sbom, component, &mut problems);
        if problems.len() > 10_000 {
            problems.push(Problem::warning(
                "sbom-too-many-problems",
                "",
                "more than 10000 problems; the rest are not listed",
            ));
            break;
        }
    }
    problems
}

fn at(sbom: &Sbom, component: &Component, field: &str) -> String {
    match sbom.kind.encoding {
        Encoding::TagValue => component.location.clone(),
        _ => format!("{}/{field}", component.location),
    }
}

fn check_component(sbom: &Sbom, component: &Component, problems: &mut Vec<Problem>) {
    if let Some(purl) = component.purl.as_deref()
        && let Err(error) = Purl::parse(purl.trim())
    {
        {
            problems.push(Problem::error(
                "purl-invalid",
                at(sbom, component, "purl"),
                format!("{:?} is not a valid package URL: {}", shorten(purl), error.message),
            ));
        }
    }
    for license in &component.licenses {
        if let Some(reason) = license_problem(sbom.kind.format, license) {
            problems.push(Problem::error(
                "license-invalid",
                at(sbom, component, "licenses"),
                format!("{:?} is not a valid SPDX licence expression: {reason}", shorten(license)),
            ));
        }
    }
    for hash in &component.hashes {
        let value = hash.value.trim();
        let Some(expected) = hash.algorithm.hex_len() else { continue };
        if !value.bytes().all(|b| b.is_ascii_hexdigit()) {
            problems.push(Problem::error(
                "hash-not-hex",
                at(sbom, component, "hashes"),
                format!("the {} value {:?} is not hexadecimal", hash.algorithm, shorten(value)),
            ));
        } else if value.len() != expected {
            problems.push(Problem::error(
                "hash-length",
                at(sbom, component, "hashes"),
                format!(
                    "the {} value has {} hexadecimal digits; {} has {expected}",
                    hash.algorithm,
                    value.len(),
                    hash.algorithm
                ),
            ));
        }
    }
}

/// Why `license` is not a valid SPDX licence expression, if it is meant to be one. SPDX
/// documents hold expressions only. CycloneDX keeps free-text licence names beside ids and
/// expressions; its readers check the `expression` fields themselves, where they know
/// which is which.
fn license_problem(format: SbomFormat, license: &str) -> Option<String> {
    match format {
        SbomFormat::Spdx => expression_problem(license),
        SbomFormat::CycloneDx | SbomFormat::Swid => None,
    }
}

/// Why `text` is not a valid SPDX licence expression (`NOASSERTION` and `NONE` pass).
pub fn expression_problem(text: &str) -> Option<String> {
    let text = text.trim();
    if matches!(text, "NOASSERTION" | "NONE") {
        return None;
    }
    spdx::Expression::parse_mode(text, spdx::ParseMode::LAX).err().map(|e| e.reason.to_string())
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= 120 { text.to_owned() } else { text.chars().take(117).collect::<String>() + "…" }
}
