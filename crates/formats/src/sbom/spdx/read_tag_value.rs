//! SPDX 2.x tag-value: `Tag: value` lines, values spanning lines inside `<text>…</text>`.
//!
//! Which element a tag belongs to follows from the tag that opened it: `PackageName` opens a
//! package, `FileName` a file, `SnippetSPDXID` a snippet, `LicenseID` an extracted licence,
//! `Annotator` and `Reviewer` an annotation; `SPDXID` names the element open at that point
//! (the document before any other). Relationships may stand anywhere.

use chainward_core::sbom::Encoding;

use super::{Doc2, ExternalRef2, Located, Package2, Relationship2, build, require_2x, spec_version};
use crate::sbom::{Limits, Problem, Read, SbomError};

/// Reads an SPDX 2.x tag-value document.
pub fn read_tag_value(text: &str, limits: &Limits) -> Result<Read, SbomError> {
    if text.len() > limits.max_bytes {
        return Err(SbomError::TooLarge { bytes: text.len(), limit: limits.max_bytes });
    }
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(SbomError::Empty);
    }
    let mut reader = Reader { doc: Doc2::default(), open: Open::Document, problems: Vec::new() };
    let mut saw_version = false;
    for line in tag_lines(text, &mut reader.problems) {
        if line.tag == "SPDXVersion" {
            if saw_version {
                reader.problems.push(Problem::warning(
                    "spdx-repeated-tag",
                    line.path(),
                    "SPDXVersion is stated again; the first one counts",
                ));
                continue;
            }
            saw_version = true;
            reader.doc.version = spec_version(&line.value);
            require_2x(&reader.doc.version)?;
            continue;
        }
        if reader.doc.packages.len() > limits.max_components {
            return Err(SbomError::OverLimit(format!("more than {} packages", limits.max_components)));
        }
        reader.line(line);
    }
    if !saw_version {
        reader.problems.push(Problem::error(
            "spdx-version-missing",
            "line 1",
            "the document has no SPDXVersion line; read as SPDX 2.3",
        ));
    }
    build(reader.doc, Encoding::TagValue, reader.problems, limits)
}

/// One `Tag: value` with the line it starts on.
#[derive(Debug, PartialEq, Eq)]
struct TagLine {
    line: usize,
    tag: String,
    value: String,
}

impl TagLine {
    fn path(&self) -> String {
        format!("line {}", self.line)
    }
}

/// Splits the text into tags and values, joining `<text>` values across lines. Lines that
/// are neither blank, a `#` comment nor `Tag: value` are reported and skipped.
fn tag_lines(text: &str, problems: &mut Vec<Problem>) -> Vec<TagLine> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((index, line)) = lines.next() {
        let number = index + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((tag, value)) = trimmed.split_once(':') else {
            problems.push(Problem::error(
                "spdx-tag-value-syntax",
                format!("line {number}"),
                format!("expected `Tag: value`, found {:?}; skipped", shorten(trimmed)),
            ));
            continue;
        };
        let tag = tag.trim();
        if tag.is_empty() || tag.contains(char::is_whitespace) {
            problems.push(Problem::error(
                "spdx-tag-value-syntax",
                format!("line {number}"),
                format!("expected `Tag: value`, found {:?}; skipped", shorten(trimmed)),
            ));
            continue;
        }
        let value = value.trim();
        let value = match value.strip_prefix("<text>") {
            None => value.to_owned(),
            Some(first) => {
                if let Some((inside, _)) = first.split_once("</text>") {
                    inside.to_owned()
                } else {
                    let mut joined = first.to_owned();
                    let mut closed = false;
                    for (_, next) in lines.by_ref() {
                        joined.push('\n');
                        if let Some((inside, _)) = next.split_once("</text>") {
                            joined.push_str(inside);
                            closed = true;
                            break;
                        }
                        joined.push_str(next);
                    }
                    if !closed {
                        problems.push(Problem::error(
                            "spdx-unclosed-text",
                            format!("line {number}"),
                            format!("the <text> value of {tag} is never closed with </text>; it runs to the end"),
                        ));
                    }
                    joined
                }
            }
        };
        out.push(TagLine { line: number, tag: tag.to_owned(), value });
    }
    out
}

fn shorten(text: &str) -> String {
    text.chars().take(60).collect()
}

/// The element that tags belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Document,
    /// The last package.
    Package,
    /// A file; `true` once its SPDXID is known.
    File(bool),
    Snippet,
    /// An extracted licence, annotation or review: their tags are not kept.
    Other,
}

struct Reader {
    doc: Doc2,
    open: Open,
    problems: Vec<Problem>,
}

impl Reader {
    fn line(&mut self, line: TagLine) {
        let path = line.path();
        let value = line.value;
        match line.tag.as_str() {
            "PackageName" => {
                self.open = Open::Package;
                self.doc.packages.push(Package2 { path, name: Some(value), ..Package2::default() });
            }
            "FileName" => self.open = Open::File(false),
            "SnippetSPDXID" => {
                self.open = Open::Snippet;
                self.doc.elements.push(Located { value, path });
            }
            "LicenseID" | "Annotator" | "Reviewer" => self.open = Open::Other,
            "SPDXID" => match self.open {
                Open::Document if self.doc.spdx_id.is_none() => self.doc.spdx_id = Some(value),
                Open::Package => {
                    if let Some(package) = self.doc.packages.last_mut() {
                        if package.spdx_id.is_some() {
                            self.problems.push(repeated(&path, "SPDXID"));
                        } else {
                            package.spdx_id = Some(value);
                        }
                    }
                }
                Open::File(false) => {
                    self.open = Open::File(true);
                    self.doc.elements.push(Located { value, path });
                }
                _ => self.problems.push(Problem::warning(
                    "spdx-misplaced-tag",
                    path,
                    "SPDXID does not follow a PackageName, FileName or the document header; ignored",
                )),
            },
            "DocumentName" => self.doc.name = Some(value),
            "DocumentNamespace" => self.doc.namespace = Some(value),
            "DataLicense" => self.doc.data_license = Some(value),
            "Creator" => self.doc.creators.push(value),
            "Created" => self.doc.created = Some(value),
            "ExternalDocumentRef" => match value.split_whitespace().next() {
                Some(id) => self.doc.external_documents.push(id.to_owned()),
                None => {
                    self.problems.push(bad_value(&path, "ExternalDocumentRef", "DocumentRef-id uri algorithm: value"))
                }
            },
            "Relationship" => {
                let parts: Vec<&str> = value.split_whitespace().collect();
                match parts.as_slice() {
                    [from, kind, to] => self.doc.relationships.push(Relationship2 {
                        path,
                        from: (*from).to_owned(),
                        kind: (*kind).to_owned(),
                        to: (*to).to_owned(),
                    }),
                    _ => self.problems.push(bad_value(&path, "Relationship", "SPDXRef-a TYPE SPDXRef-b")),
                }
            }
            tag if tag.starts_with("Package")
                || matches!(tag, "ExternalRef" | "PrimaryPackagePurpose" | "FilesAnalyzed") =>
            {
                self.package_line(tag, value, path)
            }
            tag if KNOWN_TAGS.contains(&tag) => {}
            tag => self.problems.push(Problem::warning(
                "spdx-unknown-tag",
                path,
                format!("{tag:?} is not an SPDX 2.3 tag; ignored"),
            )),
        }
    }

    fn package_line(&mut self, tag: &str, value: String, path: String) {
        let package = match self.open {
            Open::Package => self.doc.packages.last_mut(),
            _ => None,
        };
        let Some(package) = package else {
            self.problems.push(Problem::warning(
                "spdx-misplaced-tag",
                path,
                format!("{tag} does not follow a PackageName; ignored"),
            ));
            return;
        };
        let slot = match tag {
            "PackageVersion" => &mut package.version,
            "PackageSupplier" => &mut package.supplier,
            "PackageOriginator" => &mut package.originator,
            "PackageDownloadLocation" => &mut package.download_location,
            "PackageHomePage" => &mut package.homepage,
            "PackageLicenseConcluded" => &mut package.license_concluded,
            "PackageLicenseDeclared" => &mut package.license_declared,
            "PrimaryPackagePurpose" => &mut package.purpose,
            "PackageCopyrightText" => &mut package.copyright,
            "PackageDescription" => &mut package.description,
            "PackageSummary" => &mut package.summary,
            "PackageChecksum" => {
                match value.split_once(':') {
                    Some((algorithm, digest)) if !digest.trim().is_empty() => {
                        package.checksums.push((algorithm.trim().to_owned(), digest.trim().to_owned()))
                    }
                    _ => self.problems.push(bad_value(&path, tag, "ALGORITHM: value")),
                }
                return;
            }
            "ExternalRef" => {
                let parts: Vec<&str> = value.split_whitespace().collect();
                match parts.as_slice() {
                    [category, kind, locator] => package.external_refs.push(ExternalRef2 {
                        category: (*category).to_owned(),
                        kind: (*kind).to_owned(),
                        locator: (*locator).to_owned(),
                    }),
                    _ => self.problems.push(bad_value(&path, tag, "CATEGORY type locator")),
                }
                return;
            }
            _ if KNOWN_TAGS.contains(&tag) => return,
            _ => {
                self.problems.push(Problem::warning(
                    "spdx-unknown-tag",
                    path,
                    format!("{tag:?} is not an SPDX 2.3 tag; ignored"),
                ));
                return;
            }
        };
        if slot.is_some() {
            self.problems.push(repeated(&path, tag));
        } else {
            *slot = Some(value);
        }
    }
}

fn repeated(path: &str, tag: &str) -> Problem {
    Problem::warning("spdx-repeated-tag", path, format!("{tag} is given again for the same element; the first counts"))
}

fn bad_value(path: &str, tag: &str, expected: &str) -> Problem {
    Problem::error("spdx-tag-value-syntax", path, format!("{tag} should read `{expected}`; skipped"))
}

/// SPDX 2.0–2.3 tags that are read without being kept.
const KNOWN_TAGS: &[&str] = &[
    "LicenseListVersion",
    "CreatorComment",
    "DocumentComment",
    "PackageFileName",
    "FilesAnalyzed",
    "PackageVerificationCode",
    "PackageSourceInfo",
    "PackageLicenseInfoFromFiles",
    "PackageLicenseComments",
    "PackageComment",
    "ExternalRefComment",
    "PackageAttributionText",
    "ReleaseDate",
    "BuiltDate",
    "ValidUntilDate",
    "FileType",
    "FileChecksum",
    "LicenseConcluded",
    "LicenseInfoInFile",
    "LicenseComments",
    "FileCopyrightText",
    "FileComment",
    "FileNotice",
    "FileContributor",
    "FileAttributionText",
    "FileDependency",
    "ArtifactOfProjectName",
    "ArtifactOfProjectHomePage",
    "ArtifactOfProjectURI",
    "SnippetFromFileSPDXID",
    "SnippetByteRange",
    "SnippetLineRange",
    "SnippetLicenseConcluded",
    "LicenseInfoInSnippet",
    "SnippetLicenseComments",
    "SnippetCopyrightText",
    "SnippetComment",
    "SnippetName",
    "SnippetAttributionText",
    "ExtractedText",
    "LicenseName",
    "LicenseCrossReference",
    "LicenseComment",
    "RelationshipComment",
    "AnnotationDate",
    "AnnotationType",
    "SPDXREF",
    "AnnotationComment",
    "ReviewDate",
    "ReviewComment",
];
