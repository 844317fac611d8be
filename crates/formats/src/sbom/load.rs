//! One entry point for every SBOM: detect format, encoding and spec version from the
//! content (never the file name), parse once, validate against the bundled official schema
//! of that version, read into the model, and run the semantic checks. `chainward sbom
//! validate`, ingest, the API and the Dependency-Track compatible upload all go through
//! [`load`].

use chainward_core::sbom::{Encoding, SbomFormat};

use super::checks::semantic_checks;
use super::{Limits, Problem, Read, SbomError, Severity, cyclonedx, spdx, swid};
use crate::json::{self, Json};

/// How [`load`] reads a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadConfig {
    /// Size and count bounds.
    pub limits: Limits,
    /// Whether to validate against the official schema of the detected version.
    pub schema: bool,
}

impl Default for LoadConfig {
    fn default() -> Self {
        Self { limits: Limits::default(), schema: true }
    }
}

/// A document read and validated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loaded {
    /// The model and every problem found (reader, schema and semantic), in that order.
    pub read: Read,
}

impl Loaded {
    /// Whether any problem is an error (the document is invalid).
    pub fn is_valid(&self) -> bool {
        !self.read.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// Problems of severity error.
    pub fn n_errors(&self) -> usize {
        self.read.problems.iter().filter(|p| p.severity == Severity::Error).count()
    }

    /// Problems of severity warning.
    pub fn n_warnings(&self) -> usize {
        self.read.problems.len() - self.n_errors()
    }
}

/// Reads any supported SBOM or SWID tag from its bytes.
pub fn load(bytes: &[u8], config: &LoadConfig) -> Result<Loaded, SbomError> {
    let limits = &config.limits;
    if bytes.len() > limits.max_bytes {
        return Err(SbomError::TooLarge { bytes: bytes.len(), limit: limits.max_bytes });
    }
    let text = decode(bytes)?;
    let trimmed = text.trim_start();
    let read = match trimmed.as_bytes().first() {
        None => return Err(SbomError::Empty),
        // The JSON path runs its semantic checks itself, beside the tree's release.
        Some(b'{') | Some(b'[') => return load_json(trimmed.as_bytes(), config).map(|read| Loaded { read }),
        Some(b'<') => load_xml(text, config)?,
        Some(_) => load_text(text, limits)?,
    };
    Ok(Loaded { read: with_checks(read) })
}

fn with_checks(mut read: Read) -> Read {
    read.problems.extend(semantic_checks(&read.sbom));
    read
}

/// The text of a document: UTF-8, a leading byte order mark dropped.
fn decode(bytes: &[u8]) -> Result<&str, SbomError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(SbomError::NotUtf8("it starts with a UTF-16 byte order mark; save it as UTF-8".into()));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes.get(..e.valid_up_to()).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count()) + 1;
        SbomError::NotUtf8(format!("invalid byte at offset {} (line {line})", e.valid_up_to()))
    })
}

/// JSON on two threads (the machine's two cores): schema validation beside the reader,
/// then the release of the parsed tree beside the semantic checks.
fn load_json(bytes: &[u8], config: &LoadConfig) -> Result<Read, SbomError> {
    let doc = json::parse(bytes)?;
    let read = read_json_document(&doc, config)?;
    Ok(std::thread::scope(|scope| {
        scope.spawn(move || drop(doc));
        with_checks(read)
    }))
}

/// Reads `doc` while a second thread validates it against the schema named by `schema`.
fn read_validated(
    doc: &Json<'_>,
    config: &LoadConfig,
    schema: Option<String>,
    read: impl FnOnce(&Json<'_>) -> Result<Read, SbomError>,
) -> Result<Read, SbomError> {
    let (read, schema) = std::thread::scope(|scope| {
        let validation = schema.filter(|_| config.schema).map(|name| scope.spawn(move || schema_problems(&name, doc)));
        let read = read(doc);
        let problems = validation.map(|job| {
            job.join().unwrap_or_else(|_| {
                vec![Problem::error("schema-unavailable", "", "schema validation stopped unexpectedly")]
            })
        });
        (read, problems)
    });
    let mut read = read?;
    if let Some(problems) = schema {
        prepend(&mut read, problems);
    }
    Ok(read)
}

fn read_json_document(doc: &Json<'_>, config: &LoadConfig) -> Result<Read, SbomError> {
    if !matches!(doc, Json::Object(_)) {
        return Err(SbomError::Structure(format!("the top level is a JSON {}, not an object", doc.type_name())));
    }
    if let Some(version) = cyclonedx::detect_json(doc) {
        let name = match version.as_str() {
            "1.2" | "1.3" => format!("bom-{version}-strict.schema.json"),
            other => format!("bom-{other}.schema.json"),
        };
        return read_validated(doc, config, Some(name), |doc| cyclonedx::read_json(doc, &config.limits));
    }
    if let Some(version) = spdx::detect_json(doc) {
        return if version.starts_with('3') {
            let name = "spdx-3.0.1.schema.json".to_owned();
            read_validated(doc, config, Some(name), |doc| spdx::read_jsonld(doc, &config.limits))
        } else {
            let name = format!("spdx-{version}.schema.json");
            read_validated(doc, config, Some(name), |doc| spdx::read_json(doc, &config.limits))
        };
    }
    if let Some(version) = cyclonedx_like(doc) {
        // `bomFormat` is wrong or missing, but the document says it is CycloneDX otherwise:
        // invalid, not unreadable.
        let mut read = recognised_but_invalid(
            Encoding::Json,
            &version,
            Problem::error(
                "cyclonedx-bom-format",
                "/bomFormat",
                "bomFormat must be \"CycloneDX\" (the document has specVersion or a CycloneDX $schema)",
            ),
        );
        if config.schema && JSON_VERSIONS.contains(&version.as_str()) {
            let name = match version.as_str() {
                "1.2" | "1.3" => format!("bom-{version}-strict.schema.json"),
                other => format!("bom-{other}.schema.json"),
            };
            prepend(&mut read, schema_problems(&name, doc));
        }
        return Ok(read);
    }
    Err(SbomError::UnknownFormat(
        "a JSON document that is neither CycloneDX (no \"bomFormat\": \"CycloneDX\") nor SPDX (no \"spdxVersion\" \
         or SPDX 3 \"@context\")"
            .into(),
    ))
}

fn load_xml(text: &str, config: &LoadConfig) -> Result<Read, SbomError> {
    let limits = &config.limits;
    let doc = swid::parse_xml(text, limits)?;
    if let Some(version) = cyclonedx::detect_xml(&doc) {
        if !XML_VERSIONS.contains(&version.as_str()) {
            // A CycloneDX document in a namespace no version has: invalid, not unreadable.
            return Ok(recognised_but_invalid(
                Encoding::Xml,
                &version,
                Problem::error(
                    "cyclonedx-namespace",
                    "/bom",
                    format!(
                        "the namespace http://cyclonedx.org/schema/bom/{version} is not a CycloneDX version; \
                         expected bom/1.0 to bom/1.7"
                    ),
                ),
            ));
        }
        let mut read = cyclonedx::read_xml(&doc, limits)?;
        if config.schema {
            prepend(&mut read, xml_schema_problems(SbomFormat::CycloneDx, &version, &doc));
        }
        return Ok(read);
    }
    if spdx::detect_xml(&doc).is_some() {
        return spdx::read_xml(&doc, limits);
    }
    if let Some(version) = swid::detect(&doc) {
        let mut read = swid::read_tag(&doc, limits)?;
        if config.schema && version == "2015" && doc.root_element().tag_name().name() == "SoftwareIdentity" {
            prepend(&mut read, xml_schema_problems(SbomFormat::Swid, &version, &doc));
        }
        return Ok(read);
    }
    let root = doc.root_element().tag_name();
    Err(SbomError::UnknownFormat(format!(
        "an XML document with root element {:?} in namespace {:?}: neither CycloneDX, SPDX nor a SWID tag",
        root.name(),
        root.namespace().unwrap_or("")
    )))
}

fn load_text(text: &str, limits: &Limits) -> Result<Read, SbomError> {
    match spdx::detect_text_encoding(text) {
        Some((Encoding::TagValue, _)) => spdx::read_tag_value(text, limits),
        Some((Encoding::Yaml, _)) => spdx::read_yaml(text, limits),
        _ => Err(SbomError::UnknownFormat(
            "text that is neither JSON, XML, SPDX tag-value (no \"SPDXVersion:\" line) nor SPDX YAML".into(),
        )),
    }
}

/// CycloneDX versions with a JSON schema, and with an XML schema.
const JSON_VERSIONS: &[&str] = &["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];
const XML_VERSIONS: &[&str] = &["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];

/// The spec version of a JSON object that is CycloneDX in all but `bomFormat`: it has a
/// `specVersion`, or a `$schema` naming a CycloneDX schema.
fn cyclonedx_like(doc: &Json<'_>) -> Option<String> {
    if let Some(version) = doc.get("specVersion").and_then(Json::as_str) {
        return Some(version.to_owned());
    }
    let schema = doc.get("$schema").and_then(Json::as_str)?;
    let rest = schema.strip_prefix("http://cyclonedx.org/schema/bom-")?;
    Some(rest.split(".schema.json").next().unwrap_or_default().trim_end_matches("-strict").to_owned())
}

/// A document recognised as CycloneDX but too broken to read: an empty model and why.
fn recognised_but_invalid(encoding: Encoding, version: &str, problem: Problem) -> Read {
    let mut read = Read::default();
    read.sbom.kind = chainward_core::sbom::DocumentKind {
        format: SbomFormat::CycloneDx,
        encoding,
        spec_version: version.to_owned(),
    };
    read.problems.push(problem);
    read
}

/// Puts schema problems before the reader's.
fn prepend(read: &mut Read, mut problems: Vec<Problem>) {
    problems.append(&mut read.problems);
    read.problems = problems;
}

fn schema_problems(name: &str, doc: &Json<'_>) -> Vec<Problem> {
    match crate::json_schema::bundled(name) {
        Ok(schema) => schema.validate(doc),
        Err(error) => {
            vec![Problem::error("schema-unavailable", "", format!("the schema {name} is not available: {error}"))]
        }
    }
}

fn xml_schema_problems(format: SbomFormat, version: &str, doc: &roxmltree::Document<'_>) -> Vec<Problem> {
    let schema = match format {
        SbomFormat::CycloneDx => crate::xsd::cyclonedx(version),
        SbomFormat::Swid => crate::xsd::swid_2015(),
        SbomFormat::Spdx => return Vec::new(),
    };
    match schema {
        Ok(schema) => schema.validate(doc),
        Err(error) => vec![Problem::error(
            "schema-unavailable",
            "",
            format!("the {format} {version} XML schema is not available: {error}"),
        )],
    }
}
