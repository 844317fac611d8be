//! Tests of the SPDX readers and writer: short documents in, the components, edges and
//! problems expected out, one `check` helper per serialization.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use chainward_core::sbom::{Component, Dependency, ExternalReference, Hash, HashAlgorithm, Metadata, Sbom};

use super::*;
use crate::json;

/// One line per component: `reference name@version`, then what is set among purl, cpe,
/// supplier, author, hashes, licences, kind and external references.
fn render(component: &Component) -> String {
    let mut out = format!(
        "{} {}@{}",
        component.reference.as_deref().unwrap_or("-"),
        component.name,
        component.version.as_deref().unwrap_or("-")
    );
    let mut add = |label: &str, value: Option<String>| {
        if let Some(value) = value {
            out.push_str(&format!(" {label}={value}"));
        }
    };
    add("kind", component.kind.clone());
    add("purl", component.purl.clone());
    add("cpe", component.cpe.clone());
    add("swid", component.swid_tag_id.clone());
    add("supplier", component.supplier.clone());
    add("author", component.author.clone());
    add("copyright", component.copyright.clone());
    add("description", component.description.clone());
    let hashes: Vec<String> = component.hashes.iter().map(|h| format!("{}:{}", h.algorithm, h.value)).collect();
    add("hashes", (!hashes.is_empty()).then(|| hashes.join(",")));
    add("licenses", (!component.licenses.is_empty()).then(|| component.licenses.join(" | ")));
    add("ids", (!component.other_identifiers.is_empty()).then(|| component.other_identifiers.join(",")));
    let references: Vec<String> =
        component.external_references.iter().map(|r| format!("{}:{}", r.kind, r.url)).collect();
    add("refs", (!references.is_empty()).then(|| references.join(",")));
    out
}

/// Components, then edges as `from -> to` by name, then the subject, then problems as
/// `code path`.
fn summary(read: &Read) -> Vec<String> {
    let sbom = &read.sbom;
    let mut lines: Vec<String> = sbom.components.iter().map(render).collect();
    for dependency in &sbom.dependencies {
        lines.push(format!("{} -> {}", sbom.components[dependency.from].name, sbom.components[dependency.to].name));
    }
    if let Some(subject) = sbom.metadata.subject {
        lines.push(format!("subject {}", sbom.components[subject].name));
    }
    for problem in &read.problems {
        lines.push(format!("{} {}", problem.code, problem.path));
    }
    lines
}

fn check_json(input: &str, expected: &[&str]) -> Read {
    let doc = json::parse(input.as_bytes()).unwrap();
    let read = read_json(&doc, &Limits::default()).unwrap_or_else(|e| panic!("{}: {e}", e.code()));
    assert_eq!(summary(&read), expected, "input: {input}");
    read
}

fn check_json_error(input: &str, expected: &str) {
    let doc = json::parse(input.as_bytes()).unwrap();
    match read_json(&doc, &Limits::default()) {
        Ok(read) => panic!("read without error: {:?}", summary(&read)),
        Err(e) => assert_eq!(format!("{}: {e}", e.code()), expected),
    }
}

fn check_tag_value(input: &str, expected: &[&str]) -> Read {
    let read = read_tag_value(input, &Limits::default()).unwrap_or_else(|e| panic!("{}: {e}", e.code()));
    assert_eq!(summary(&read), expected, "input: {input}");
    read
}

fn check_yaml(input: &str, expected: &[&str]) {
    let read = read_yaml(input, &Limits::default()).unwrap_or_else(|e| panic!("{}: {e}", e.code()));
    assert_eq!(summary(&read), expected, "input: {input}");
}

/// Expects an error with this code whose message contains `message`.
fn check_yaml_error(input: &str, code: &str, message: &str) {
    match read_yaml(input, &Limits::default()) {
        Ok(read) => panic!("read without error: {:?}", summary(&read)),
        Err(e) => {
            assert_eq!(e.code(), code, "{e}");
            assert!(e.to_string().contains(message), "{e}");
        }
    }
}

fn check_xml(input: &str, expected: &[&str]) -> Read {
    let doc = roxmltree::Document::parse(input).unwrap();
    let read = read_xml(&doc, &Limits::default()).unwrap_or_else(|e| panic!("{}: {e}", e.code()));
    assert_eq!(summary(&read), expected, "input: {input}");
    read
}

fn check_jsonld(input: &str, expected: &[&str]) -> Read {
    let doc = json::parse(input.as_bytes()).unwrap();
    let read = read_jsonld(&doc, &Limits::default()).unwrap_or_else(|e| panic!("{}: {e}", e.code()));
    assert_eq!(summary(&read), expected, "input: {input}");
    read
}

/// A 2.3 JSON document with these packages and relationships.
fn doc_json(packages: &str, relationships: &str) -> String {
    format!(
        r#"{{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "doc", "dataLicense": "CC0-1.0",
        "documentNamespace": "https://example.test/doc", "creationInfo": {{"created": "2024-01-01T00:00:00Z",
        "creators": ["Tool: maker-2.1"]}}, "packages": [{packages}], "relationships": [{relationships}]}}"#
    )
}

fn package(id: &str, name: &str) -> String {
    format!(r#"{{"SPDXID": "{id}", "name": "{name}", "downloadLocation": "NOASSERTION"}}"#)
}

fn relationship(from: &str, kind: &str, to: &str) -> String {
    format!(r#"{{"spdxElementId": "{from}", "relationshipType": "{kind}", "relatedSpdxElement": "{to}"}}"#)
}

// ---------------------------------------------------------------------------------------
// Detection

#[test]
fn versions_are_detected_from_content() {
    let detect = |text: &str| detect_json(&json::parse(text.as_bytes()).unwrap());
    assert_eq!(detect(r#"{"spdxVersion": "SPDX-2.3"}"#).as_deref(), Some("2.3"));
    assert_eq!(detect(r#"{"spdxVersion": "SPDX-2.2"}"#).as_deref(), Some("2.2"));
    assert_eq!(detect(r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}"#).as_deref(), Some("3.0.1"));
    assert_eq!(detect(r#"{"@context": ["https://spdx.org/rdf/3.0.0/spdx-context.jsonld"]}"#).as_deref(), Some("3.0.0"));
    assert_eq!(detect(r#"{"@context": "https://schema.org"}"#), None);
    assert_eq!(detect(r#"{"bomFormat": "CycloneDX"}"#), None);

    assert_eq!(
        detect_text_encoding("SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0"),
        Some((Encoding::TagValue, "2.2".into()))
    );
    assert_eq!(detect_text_encoding("---\nspdxVersion: \"SPDX-2.3\"\n"), Some((Encoding::Yaml, "2.3".into())));
    assert_eq!(detect_text_encoding("SPDXID: x\nspdxVersion: 'SPDX-2.3'"), Some((Encoding::Yaml, "2.3".into())));
    assert_eq!(detect_text("# README\nnothing here"), None);

    let detect = |text: &str| detect_xml(&roxmltree::Document::parse(text).unwrap());
    assert_eq!(detect("<Document><spdxVersion>SPDX-2.3</spdxVersion></Document>").as_deref(), Some("2.3"));
    let rdf = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:spdx="http://spdx.org/rdf/terms#">
        <spdx:SpdxDocument rdf:about="https://x.test/d#SPDXRef-DOCUMENT"><spdx:specVersion>SPDX-2.2</spdx:specVersion>
        </spdx:SpdxDocument></rdf:RDF>"#;
    assert_eq!(detect(rdf).as_deref(), Some("2.2"));
    assert_eq!(detect("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"/>"), None);
}

// ---------------------------------------------------------------------------------------
// 2.x JSON: packages

#[test]
fn package_fields_map_to_the_component() {
    let glibc = r#"{"SPDXID": "SPDXRef-glibc", "name": "glibc", "versionInfo": "2.11.1",
        "supplier": "Person: Jane Doe (jane@example.test)", "originator": "Organization: ExampleCodeInspect ()",
        "downloadLocation": "http://ftp.gnu.org/glibc.tar.gz", "homepage": "http://gnu.org/glibc",
        "checksums": [{"algorithm": "SHA256", "checksumValue": "ABCDEF"}, {"algorithm": "BLAKE2b-384", "checksumValue": "aa"}],
        "licenseConcluded": "(LGPL-2.0-only OR LicenseRef-3)", "licenseDeclared": "LGPL-2.0-only",
        "copyrightText": "Copyright 2008 John Smith", "summary": "GNU C library.", "primaryPackagePurpose": "SOURCE",
        "externalRefs": [
          {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:generic/glibc@2.11.1"},
          {"referenceCategory": "SECURITY", "referenceType": "cpe23Type", "referenceLocator": "cpe:2.3:a:gnu:glibc:2.11.1:*:*:*:*:*:*:*"},
          {"referenceCategory": "SECURITY", "referenceType": "advisory", "referenceLocator": "https://nvd.test/CVE-1"},
          {"referenceCategory": "PERSISTENT_ID", "referenceType": "swh", "referenceLocator": "swh:1:cnt:94a9ed024d3859793618152ea559a168bbcbb5e2"},
          {"referenceCategory": "OTHER", "referenceType": "LocationRef-acmeforge", "referenceLocator": "acmecorp/acmenator"}
        ]}"#;
    check_json(
        &doc_json(glibc, ""),
        &["SPDXRef-glibc glibc@2.11.1 kind=SOURCE purl=pkg:generic/glibc@2.11.1 \
           cpe=cpe:2.3:a:gnu:glibc:2.11.1:*:*:*:*:*:*:* supplier=Jane Doe (jane@example.test) \
           author=ExampleCodeInspect copyright=Copyright 2008 John Smith description=GNU C library. \
           hashes=SHA-256:abcdef,BLAKE2b-384:aa licenses=LGPL-2.0-only | (LGPL-2.0-only OR LicenseRef-3) \
           ids=swh:1:cnt:94a9ed024d3859793618152ea559a168bbcbb5e2 \
           refs=advisory:https://nvd.test/CVE-1,LocationRef-acmeforge:acmecorp/acmenator,\
           distribution:http://ftp.gnu.org/glibc.tar.gz,website:http://gnu.org/glibc"],
    );
}

#[test]
fn noassertion_and_none_say_nothing() {
    let empty = r#"{"SPDXID": "SPDXRef-a", "name": "a", "downloadLocation": "NONE", "homepage": "NOASSERTION",
        "supplier": "NOASSERTION", "licenseConcluded": "NOASSERTION", "licenseDeclared": "NONE",
        "copyrightText": "NOASSERTION"}"#;
    check_json(&doc_json(empty, ""), &["SPDXRef-a a@-"]);
}

#[test]
fn document_metadata_is_read() {
    let read = check_json(&doc_json(&package("SPDXRef-a", "a"), ""), &["SPDXRef-a a@-"]);
    let sbom = &read.sbom;
    assert_eq!(sbom.kind.to_string(), "SPDX 2.3 json");
    assert_eq!(sbom.serial_number.as_deref(), Some("https://example.test/doc"));
    assert_eq!(sbom.name.as_deref(), Some("doc"));
    assert_eq!(sbom.metadata.timestamp.as_deref(), Some("2024-01-01T00:00:00Z"));
    assert_eq!(sbom.metadata.data_license.as_deref(), Some("CC0-1.0"));
    assert_eq!(sbom.metadata.tools, [Tool { vendor: None, name: "maker".into(), version: Some("2.1".into()) }]);
}

#[test]
fn creators_split_into_tools_and_authors() {
    let check = |creator: &str, expected: Tool| assert_eq!(tool_from_creator(creator), expected);
    check("LicenseFind-1.0", Tool { vendor: None, name: "LicenseFind".into(), version: Some("1.0".into()) });
    check("syft-v0.98.0", Tool { vendor: None, name: "syft".into(), version: Some("v0.98.0".into()) });
    check(
        "github.com/spdx/tools-golang/builder",
        Tool { vendor: None, name: "github.com/spdx/tools-golang/builder".into(), version: None },
    );
    check("spdx-maven-plugin", Tool { vendor: None, name: "spdx-maven-plugin".into(), version: None });
    assert_eq!(strip_agent("Person: Jane Doe ()").as_deref(), Some("Jane Doe"));
    assert_eq!(strip_agent("Organization: ACME (a@acme.test)").as_deref(), Some("ACME (a@acme.test)"));
    assert_eq!(strip_agent("NOASSERTION"), None);
    assert_eq!(strip_agent("  "), None);
}

// ---------------------------------------------------------------------------------------
// 2.x JSON: relationships and references

#[test]
fn relationship_types_map_to_edges_between_packages() {
    let packages =
        [package("SPDXRef-app", "app"), package("SPDXRef-lib", "lib"), package("SPDXRef-tool", "tool")].join(",");
    let check = |kind: &str, expected: &[&str]| {
        let relationships = relationship("SPDXRef-app", kind, "SPDXRef-lib");
        let mut lines = vec!["SPDXRef-app app@-", "SPDXRef-lib lib@-", "SPDXRef-tool tool@-"];
        lines.extend_from_slice(expected);
        check_json(&doc_json(&packages, &relationships), &lines);
    };
    for forward in ["DEPENDS_ON", "CONTAINS", "DYNAMIC_LINK", "STATIC_LINK", "HAS_PREREQUISITE", "depends-on"] {
        check(forward, &["app -> lib"]);
    }
    for backward in [
        "DEPENDENCY_OF",
        "BUILD_DEPENDENCY_OF",
        "DEV_DEPENDENCY_OF",
        "RUNTIME_DEPENDENCY_OF",
        "CONTAINED_BY",
        "PREREQUISITE_FOR",
    ] {
        check(backward, &["lib -> app"]);
    }
    for nothing in ["BUILD_TOOL_OF", "GENERATED_FROM", "COPY_OF", "OTHER", "VARIANT_OF"] {
        check(nothing, &[]);
    }
    check("DESCRIBED_BY", &["subject app"]);
    check("USES", &["spdx-unknown-relationship /relationships/0"]);
}

#[test]
fn edges_are_not_repeated_nor_loops() {
    let packages = [package("SPDXRef-a", "a"), package("SPDXRef-b", "b")].join(",");
    let relationships = [
        relationship("SPDXRef-a", "DEPENDS_ON", "SPDXRef-b"),
        relationship("SPDXRef-b", "DEPENDENCY_OF", "SPDXRef-a"),
        relationship("SPDXRef-a", "CONTAINS", "SPDXRef-a"),
    ]
    .join(",");
    check_json(&doc_json(&packages, &relationships), &["SPDXRef-a a@-", "SPDXRef-b b@-", "a -> b"]);
}

#[test]
fn the_subject_is_the_first_described_package() {
    let packages = [package("SPDXRef-a", "a"), package("SPDXRef-b", "b")].join(",");
    let files = r#", "files": [{"SPDXID": "SPDXRef-f", "fileName": "./f.c"}]"#;
    let relationships = [
        relationship("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-f"),
        relationship("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-b"),
    ]
    .join(",");
    let input = doc_json(&packages, &relationships).replacen(
        '{',
        &format!("{{\"documentDescribes\": [\"SPDXRef-f\"]{files},"),
        1,
    );
    check_json(&input, &["SPDXRef-a a@-", "SPDXRef-b b@-", "subject b"]);
}

#[test]
fn files_and_snippets_are_not_components_but_can_be_named() {
    let input = doc_json(&package("SPDXRef-a", "a"), &relationship("SPDXRef-a", "CONTAINS", "SPDXRef-f")).replacen(
        '{',
        r#"{"files": [{"SPDXID": "SPDXRef-f"}], "snippets": [{"SPDXID": "SPDXRef-s"}],"#,
        1,
    );
    let read = check_json(&input, &["SPDXRef-a a@-"]);
    assert_eq!(read.sbom.n_components(), 1);
}

#[test]
fn duplicate_spdxids_are_reported_where_they_repeat() {
    let packages = [package("SPDXRef-a", "a"), package("SPDXRef-a", "a2")].join(",");
    let files = r#"{"files": [{"SPDXID": "SPDXRef-DOCUMENT"}],"#;
    check_json(
        &doc_json(&packages, "").replacen('{', files, 1),
        &["SPDXRef-a a@-", "SPDXRef-a a2@-", "sbom-duplicate-ref /packages/1", "sbom-duplicate-ref /files/0"],
    );
}

#[test]
fn dangling_references_are_reported_but_not_other_documents_nor_noassertion() {
    let refs = r#"{"externalDocumentRefs": [{"externalDocumentId": "DocumentRef-other", "spdxDocument": "https://x.test/other",
        "checksum": {"algorithm": "SHA1", "checksumValue": "d6a770ba38583ed4bb4525bd96e50461655d2759"}}],"#;
    let relationships = [
        relationship("SPDXRef-a", "DEPENDS_ON", "SPDXRef-missing"),
        relationship("SPDXRef-a", "DEPENDS_ON", "DocumentRef-other:SPDXRef-x"),
        relationship("DocumentRef-unknown:SPDXRef-y", "DEPENDENCY_OF", "SPDXRef-a"),
        relationship("SPDXRef-a", "GENERATED_FROM", "NOASSERTION"),
        relationship("SPDXRef-a", "GENERATED_FROM", "NONE"),
    ]
    .join(",");
    let input = doc_json(&package("SPDXRef-a", "a"), &relationships).replacen('{', refs, 1);
    let input = input.replacen("\"relationships\"", "\"documentDescribes\": [\"SPDXRef-gone\"], \"relationships\"", 1);
    check_json(
        &input,
        &[
            "SPDXRef-a a@-",
            "sbom-dangling-ref /documentDescribes/0",
            "sbom-dangling-ref /relationships/0",
            "spdx-undeclared-document-ref /relationships/2",
        ],
    );
}

#[test]
fn has_files_names_are_checked() {
    let package = r#"{"SPDXID": "SPDXRef-a", "name": "a", "hasFiles": ["SPDXRef-nofile"]}"#;
    check_json(&doc_json(package, ""), &["SPDXRef-a a@-", "sbom-dangling-ref /packages/0/hasFiles/0"]);
}

// ---------------------------------------------------------------------------------------
// 2.x JSON: broken documents

#[test]
fn wrong_types_and_missing_fields_are_reported_and_skipped() {
    let packages = r#"{"SPDXID": "SPDXRef-a", "name": 7, "versionInfo": 1.5}, "text",
        {"name": "noid", "checksums": [{"algorithm": "SHA1"}], "externalRefs": [{"referenceType": "purl"}]}"#;
    let relationships = r#"{"spdxElementId": "SPDXRef-a"}, 3"#;
    check_json(
        &doc_json(packages, relationships),
        &[
            "SPDXRef-a 7@1.5",
            "- noid@-",
            "spdx-wrong-type /packages/1",
            "spdx-missing-field /packages/2/checksums/0",
            "spdx-missing-field /packages/2/externalRefs/0",
            "spdx-wrong-type /relationships/1",
            "spdx-missing-field /relationships/0",
            "spdx-missing-field /packages/2",
        ],
    );
    check_json(
        r#"{"spdxVersion": "SPDX-2.3", "packages": {"SPDXID": "SPDXRef-a", "name": "one"}}"#,
        &["SPDXRef-a one@-"],
    );
    check_json(
        r#"{"spdxVersion": "SPDX-2.3", "packages": [{"SPDXID": "SPDXRef-a", "name": ["x"]}]}"#,
        &["SPDXRef-a @-", "spdx-wrong-type /packages/0/name", "spdx-missing-field /packages/0"],
    );
}

#[test]
fn a_missing_version_is_a_problem_and_other_majors_an_error() {
    check_json(r#"{"SPDXID": "SPDXRef-DOCUMENT", "packages": []}"#, &["spdx-version-missing "]);
    check_json_error(
        r#"{"spdxVersion": "SPDX-3.0", "packages": []}"#,
        "sbom-unsupported-version: unsupported SPDX version \"3.0\"; supported: SPDX 2.x (JSON, YAML, tag-value, XML, RDF/XML) and SPDX 3.0 JSON-LD",
    );
    check_json_error("[1, 2]", "sbom-structure: the top level of an SPDX document must be an object, not array");
}

#[test]
fn more_packages_than_the_limit_is_an_error() {
    let packages = (0..5).map(|i| package(&format!("SPDXRef-{i}"), "p")).collect::<Vec<_>>().join(",");
    let text = doc_json(&packages, "");
    let doc = json::parse(text.as_bytes()).unwrap();
    let limits = Limits { max_components: 4, ..Limits::default() };
    assert_eq!(read_json(&doc, &limits).err().map(|e| e.code()), Some("sbom-over-limit"));
    assert!(read_json(&doc, &Limits { max_components: 5, ..Limits::default() }).is_ok());
}

#[test]
fn json_ld_given_to_read_json_is_read_as_spdx_3() {
    let doc = json::parse(br#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}"#).unwrap();
    let read = read_json(&doc, &Limits::default()).unwrap();
    assert_eq!(read.sbom.kind.to_string(), "SPDX 3.0.1 json-ld");
}

// ---------------------------------------------------------------------------------------
// Tag-value

const TAG_VALUE: &str = "SPDXVersion: SPDX-2.2
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: hello
DocumentNamespace: https://example.test/hello
ExternalDocumentRef:DocumentRef-lib https://example.test/lib SHA1: b3018ddb18802a56b60ad839c98d279687b60bd6
Creator: Person: Steve (steve@example.test)
Creator: Tool: builder-1.2
Created: 2021-08-26T01:56:00Z
DocumentComment: <text>spans
two lines</text>

##### Package: hello

PackageName: hello
SPDXID: SPDXRef-hello
PackageVersion: 1.0
PackageSupplier: Organization: Example
PackageDownloadLocation: git+https://example.test/hello.git
PackageChecksum: SHA1: 85ed0817af83a24ad8da68c2b5094de69833983c
PackageLicenseDeclared: MIT
PackageCopyrightText: <text>Copyright
 2021 Example</text>
ExternalRef: PACKAGE-MANAGER purl pkg:golang/example.test/hello@1.0
FilesAnalyzed: false

FileName: ./hello.go
SPDXID: SPDXRef-hello-go
FileChecksum: SHA1: 78ed46e8e6f86f19d3a6782979029be5f918235f

PackageName: fmt
SPDXID: SPDXRef-fmt

Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-hello
Relationship: SPDXRef-hello CONTAINS SPDXRef-hello-go
Relationship: SPDXRef-fmt STATIC_LINK SPDXRef-hello
Relationship: DocumentRef-lib:SPDXRef-x RUNTIME_DEPENDENCY_OF SPDXRef-hello

LicenseID: LicenseRef-x
ExtractedText: <text>
met:
  SPDXID: not a tag
</text>
";

#[test]
fn tag_value_reads_packages_relationships_and_text_blocks() {
    let read = check_tag_value(
        TAG_VALUE,
        &[
            "SPDXRef-hello hello@1.0 purl=pkg:golang/example.test/hello@1.0 supplier=Example \
             copyright=Copyright\n 2021 Example hashes=SHA-1:85ed0817af83a24ad8da68c2b5094de69833983c licenses=MIT \
             refs=distribution:git+https://example.test/hello.git",
            "SPDXRef-fmt fmt@-",
            "fmt -> hello",
            "subject hello",
        ],
    );
    let sbom = &read.sbom;
    assert_eq!(sbom.kind.to_string(), "SPDX 2.2 tag-value");
    assert_eq!(sbom.components[0].location, "line 15");
    assert_eq!(sbom.metadata.authors, ["Steve (steve@example.test)"]);
    assert_eq!(sbom.metadata.tools[0].name, "builder");
}

#[test]
fn tag_value_problems_name_their_line() {
    let input = "SPDXVersion: SPDX-2.3
no colon here
PackageVersion: 1.0
PackageName: a
SPDXID: SPDXRef-a
SPDXID: SPDXRef-again
PackageVersion: 1
PackageVersion: 2
PackageChecksum: SHA1
ExternalRef: SECURITY cpe23Type
PackageFrobnication: yes
Relationship: SPDXRef-a DEPENDS_ON
Relationship: SPDXRef-a DEPENDS_ON SPDXRef-b
PackageDescription: <text>never
closed
";
    check_tag_value(
        input,
        &[
            "SPDXRef-a a@1 description=never\nclosed",
            "spdx-tag-value-syntax line 2",
            "spdx-unclosed-text line 14",
            "spdx-misplaced-tag line 3",
            "spdx-repeated-tag line 6",
            "spdx-repeated-tag line 8",
            "spdx-tag-value-syntax line 9",
            "spdx-tag-value-syntax line 10",
            "spdx-unknown-tag line 11",
            "spdx-tag-value-syntax line 12",
            "sbom-dangling-ref line 13",
        ],
    );
}

#[test]
fn tag_value_without_version_or_with_another_major() {
    check_tag_value("PackageName: a\nSPDXID: SPDXRef-a\n", &["SPDXRef-a a@-", "spdx-version-missing line 1"]);
    let error = read_tag_value("SPDXVersion: SPDX-3.0\n", &Limits::default()).err().map(|e| e.code());
    assert_eq!(error, Some("sbom-unsupported-version"));
    assert_eq!(read_tag_value(" \n\n", &Limits::default()).err(), Some(SbomError::Empty));
    let limits = Limits { max_bytes: 10, ..Limits::default() };
    assert_eq!(read_tag_value(TAG_VALUE, &limits).err().map(|e| e.code()), Some("sbom-too-large"));
}

// ---------------------------------------------------------------------------------------
// YAML

#[test]
fn yaml_reads_like_json() {
    let input = "spdxVersion: SPDX-2.3
SPDXID: SPDXRef-DOCUMENT
documentNamespace: https://example.test/y
packages:
- SPDXID: SPDXRef-a
  name: a
  versionInfo: 1.10
  checksums:
  - algorithm: SHA1
    checksumValue: 85ed0817af83a24ad8da68c2b5094de69833983c
- SPDXID: SPDXRef-b
  name: b
relationships:
- spdxElementId: SPDXRef-a
  relationshipType: DEPENDS_ON
  relatedSpdxElement: SPDXRef-b
";
    // YAML reads 1.10 as a number: the version is its value, 1.1.
    check_yaml(
        input,
        &["SPDXRef-a a@1.1 hashes=SHA-1:85ed0817af83a24ad8da68c2b5094de69833983c", "SPDXRef-b b@-", "a -> b"],
    );
}

#[test]
fn yaml_alias_bombs_are_refused() {
    let mut bomb = String::from("spdxVersion: SPDX-2.3\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..9 {
        let previous = format!("*a{}", level - 1);
        bomb.push_str(&format!("a{level}: &a{level} [{}]\n", [previous.as_str(); 10].join(", ")));
    }
    check_yaml_error(&bomb, "yaml-syntax", "the document expands");
    let long = "y".repeat(100_000);
    let mut quadratic = format!("spdxVersion: SPDX-2.3\ns: &s \"{long}\"\nl: [");
    quadratic.push_str(&vec!["*s"; 1000].join(","));
    quadratic.push_str("]\n");
    check_yaml_error(&quadratic, "yaml-syntax", "the document expands");
    check_yaml_error("spdxVersion: [unclosed\n", "yaml-syntax", "not valid YAML");
    check_yaml_error("- 1\n- 2\n", "sbom-structure", "must be an object, not array");
}

#[test]
fn yaml_with_a_few_aliases_reads() {
    let input = "spdxVersion: SPDX-2.3
packages:
- &p {SPDXID: SPDXRef-a, name: a}
relationships:
- {spdxElementId: SPDXRef-a, relationshipType: OTHER, relatedSpdxElement: SPDXRef-a}
";
    check_yaml(input, &["SPDXRef-a a@-"]);
}

// ---------------------------------------------------------------------------------------
// XML form and RDF/XML

#[test]
fn the_xml_form_reads_like_json_with_xml_paths() {
    let input = "<Document>
  <spdxVersion>SPDX-2.3</spdxVersion>
  <SPDXID>SPDXRef-DOCUMENT</SPDXID>
  <documentDescribes>SPDXRef-a</documentDescribes>
  <packages><SPDXID>SPDXRef-a</SPDXID><name>a</name>
    <checksums><algorithm>MD5</algorithm><checksumValue>624c1abb3664f4b35547e7c73864ad24</checksumValue></checksums>
  </packages>
  <packages><SPDXID>SPDXRef-b</SPDXID><name>b</name><externalRefs><referenceCategory>PACKAGE_MANAGER</referenceCategory>
    <referenceType>purl</referenceType><referenceLocator>pkg:npm/b@1</referenceLocator></externalRefs></packages>
  <relationships><spdxElementId>SPDXRef-a</spdxElementId><relationshipType>DEPENDS_ON</relationshipType>
    <relatedSpdxElement>SPDXRef-b</relatedSpdxElement></relationships>
  <relationships><spdxElementId>SPDXRef-a</spdxElementId><relationshipType>DEPENDS_ON</relationshipType>
    <relatedSpdxElement>SPDXRef-c</relatedSpdxElement></relationships>
</Document>";
    let read = check_xml(
        input,
        &[
            "SPDXRef-a a@- hashes=MD5:624c1abb3664f4b35547e7c73864ad24",
            "SPDXRef-b b@- purl=pkg:npm/b@1",
            "a -> b",
            "subject a",
            "sbom-dangling-ref /Document/relationships[2]",
        ],
    );
    assert_eq!(read.sbom.components[1].location, "/Document/packages[2]");
    assert_eq!(read.sbom.kind.to_string(), "SPDX 2.3 xml");
}

const RDF_HEAD: &str = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:spdx="http://spdx.org/rdf/terms#"
    xmlns:doap="http://usefulinc.com/ns/doap#">"#;

/// An RDF/XML document with a package nested in the document's DESCRIBES relationship,
/// licence sets, an external document and a file nested in a package.
fn rdf_example() -> String {
    format!(
        r#"{RDF_HEAD}
  <spdx:SpdxDocument rdf:about="https://x.test/doc#SPDXRef-DOCUMENT">
    <spdx:specVersion>SPDX-2.3</spdx:specVersion>
    <spdx:name>doc</spdx:name>
    <spdx:dataLicense rdf:resource="http://spdx.org/licenses/CC0-1.0"/>
    <spdx:creationInfo><spdx:CreationInfo><spdx:created>2024-01-01T00:00:00Z</spdx:created>
      <spdx:creator>Tool: maker-1</spdx:creator></spdx:CreationInfo></spdx:creationInfo>
    <spdx:externalDocumentRef><spdx:ExternalDocumentRef rdf:about="https://x.test/doc#DocumentRef-other">
      <spdx:spdxDocument rdf:resource="https://x.test/other"/></spdx:ExternalDocumentRef></spdx:externalDocumentRef>
    <spdx:relationship><spdx:Relationship>
      <spdx:relationshipType rdf:resource="http://spdx.org/rdf/terms#relationshipType_describes"/>
      <spdx:relatedSpdxElement>
        <spdx:Package rdf:about="https://x.test/doc#SPDXRef-app">
          <spdx:name>app</spdx:name>
          <spdx:versionInfo>1.0</spdx:versionInfo>
          <doap:homepage>https://app.test</doap:homepage>
          <spdx:downloadLocation rdf:resource="http://spdx.org/rdf/terms#noassertion"/>
          <spdx:primaryPackagePurpose rdf:resource="http://spdx.org/rdf/terms#purpose_operatingSystem"/>
          <spdx:checksum><spdx:Checksum>
            <spdx:algorithm rdf:resource="http://spdx.org/rdf/terms#checksumAlgorithm_sha256"/>
            <spdx:checksumValue>11b6d3ee554eedf79299905a98f9b9a04e498210b59f15094c916c91d150efcd</spdx:checksumValue>
          </spdx:Checksum></spdx:checksum>
          <spdx:licenseDeclared><spdx:DisjunctiveLicenseSet>
            <spdx:member rdf:resource="http://spdx.org/licenses/MIT"/>
            <spdx:member><spdx:ConjunctiveLicenseSet>
              <spdx:member rdf:resource="https://x.test/doc#LicenseRef-1"/>
              <spdx:member><spdx:OrLaterOperator><spdx:member><spdx:ListedLicense rdf:about="http://spdx.org/licenses/GPL-2.0">
                <spdx:licenseId>GPL-2.0</spdx:licenseId></spdx:ListedLicense></spdx:member></spdx:OrLaterOperator></spdx:member>
            </spdx:ConjunctiveLicenseSet></spdx:member>
          </spdx:DisjunctiveLicenseSet></spdx:licenseDeclared>
          <spdx:licenseConcluded rdf:resource="http://spdx.org/rdf/terms#noassertion"/>
          <spdx:externalRef><spdx:ExternalRef>
            <spdx:referenceCategory rdf:resource="http://spdx.org/rdf/terms#referenceCategory_packageManager"/>
            <spdx:referenceType rdf:resource="http://spdx.org/rdf/references/purl"/>
            <spdx:referenceLocator>pkg:generic/app@1.0</spdx:referenceLocator>
          </spdx:ExternalRef></spdx:externalRef>
          <spdx:relationship><spdx:Relationship>
            <spdx:relationshipType rdf:resource="http://spdx.org/rdf/terms#relationshipType_dynamicLink"/>
            <spdx:relatedSpdxElement rdf:resource="https://x.test/doc#SPDXRef-lib"/>
          </spdx:Relationship></spdx:relationship>
          <spdx:relationship><spdx:Relationship>
            <spdx:relationshipType rdf:resource="http://spdx.org/rdf/terms#relationshipType_dependsOn"/>
            <spdx:relatedSpdxElement rdf:resource="https://x.test/other#SPDXRef-x"/>
          </spdx:Relationship></spdx:relationship>
          <spdx:relationship><spdx:Relationship>
            <spdx:relationshipType rdf:resource="http://spdx.org/rdf/terms#relationshipType_dependsOn"/>
            <spdx:relatedSpdxElement rdf:resource="https://x.test/doc#SPDXRef-gone"/>
          </spdx:Relationship></spdx:relationship>
        </spdx:Package>
      </spdx:relatedSpdxElement>
    </spdx:Relationship></spdx:relationship>
  </spdx:SpdxDocument>
  <spdx:Package rdf:about="https://x.test/doc#SPDXRef-lib">
    <spdx:name>lib</spdx:name>
    <spdx:supplier>Organization: Lib Makers</spdx:supplier>
    <spdx:copyrightText rdf:resource="http://spdx.org/rdf/terms#none"/>
    <spdx:hasFile><spdx:File rdf:about="https://x.test/doc#SPDXRef-file"><spdx:fileName>./a.c</spdx:fileName></spdx:File></spdx:hasFile>
  </spdx:Package>
</rdf:RDF>"#
    )
}

#[test]
fn rdf_xml_reads_nodes_wherever_they_are() {
    let input = rdf_example();
    let read = check_xml(
        &input,
        &[
            "SPDXRef-app app@1.0 kind=OPERATING_SYSTEM purl=pkg:generic/app@1.0 \
             hashes=SHA-256:11b6d3ee554eedf79299905a98f9b9a04e498210b59f15094c916c91d150efcd \
             licenses=(MIT OR (LicenseRef-1 AND GPL-2.0+)) refs=website:https://app.test",
            "SPDXRef-lib lib@- supplier=Lib Makers",
            "app -> lib",
            "subject app",
            "sbom-dangling-ref /RDF/SpdxDocument[1]/relationship[1]/Relationship[1]/relatedSpdxElement[1]/Package[1]/relationship[3]/Relationship[1]",
        ],
    );
    let sbom = &read.sbom;
    assert_eq!(sbom.serial_number.as_deref(), Some("https://x.test/doc"));
    assert_eq!(sbom.metadata.data_license.as_deref(), Some("CC0-1.0"));
    assert_eq!(sbom.metadata.timestamp.as_deref(), Some("2024-01-01T00:00:00Z"));
    assert_eq!(sbom.components[1].location, "/RDF/Package[1]");
}

#[test]
fn rdf_licence_sets_nested_too_deep_are_cut_off() {
    let mut set = String::from(
        r#"<spdx:ConjunctiveLicenseSet><spdx:member rdf:resource="http://spdx.org/licenses/MIT"/></spdx:ConjunctiveLicenseSet>"#,
    );
    for _ in 0..100 {
        set = format!("<spdx:ConjunctiveLicenseSet><spdx:member>{set}</spdx:member></spdx:ConjunctiveLicenseSet>");
    }
    let input = format!(
        r#"{RDF_HEAD}<spdx:SpdxDocument rdf:about="https://x.test/d#SPDXRef-DOCUMENT"><spdx:specVersion>SPDX-2.3</spdx:specVersion></spdx:SpdxDocument>
        <spdx:Package rdf:about="https://x.test/d#SPDXRef-a"><spdx:name>a</spdx:name><spdx:licenseDeclared>{set}</spdx:licenseDeclared></spdx:Package></rdf:RDF>"#
    );
    let doc = roxmltree::Document::parse(&input).unwrap();
    let read = read_xml(&doc, &Limits::default()).unwrap();
    let license = &read.sbom.components[0].licenses[0];
    assert!(license.ends_with(&format!("(NOASSERTION{}", ")".repeat(32))), "{license}");
}

#[test]
fn other_xml_is_not_spdx() {
    let doc = roxmltree::Document::parse("<bom/>").unwrap();
    assert_eq!(read_xml(&doc, &Limits::default()).err().map(|e| e.code()), Some("sbom-unknown-format"));
    let text = format!("{RDF_HEAD}</rdf:RDF>");
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(read_xml(&doc, &Limits::default()).err().map(|e| e.code()), Some("sbom-structure"));
}

// ---------------------------------------------------------------------------------------
// SPDX 3.0 JSON-LD

const JSONLD: &str = r#"{
  "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
  "@graph": [
    {"type": "CreationInfo", "@id": "_:ci", "created": "2024-03-06T00:00:00Z", "specVersion": "3.0.1",
     "createdBy": ["https://x.test/jane"], "createdUsing": [{"type": "Tool", "spdxId": "https://x.test/tool", "name": "maker", "creationInfo": "_:ci"}]},
    {"type": "Person", "spdxId": "https://x.test/jane", "name": "Jane", "creationInfo": "_:ci"},
    {"type": "Organization", "spdxId": "https://x.test/acme", "name": "ACME", "creationInfo": "_:ci"},
    {"type": "SpdxDocument", "spdxId": "https://x.test/doc", "name": "doc", "creationInfo": "_:ci",
     "dataLicense": "https://x.test/cc0", "rootElement": ["https://x.test/bom"],
     "import": [{"type": "ExternalMap", "externalSpdxId": "https://y.test/doc#pkg"}]},
    {"type": "simplelicensing_LicenseExpression", "spdxId": "https://x.test/cc0", "simplelicensing_licenseExpression": "CC0-1.0", "creationInfo": "_:ci"},
    {"type": "software_Sbom", "spdxId": "https://x.test/bom", "rootElement": ["https://x.test/app"], "software_sbomType": ["build", "runtime"], "creationInfo": "_:ci"},
    {"type": "software_Package", "spdxId": "https://x.test/app", "name": "app", "software_packageVersion": "1.0",
     "software_packageUrl": "pkg:generic/app@1.0", "suppliedBy": "https://x.test/acme", "originatedBy": ["https://x.test/jane"],
     "software_primaryPurpose": "application", "software_downloadLocation": "https://dl.test/app.tar",
     "verifiedUsing": [{"type": "Hash", "algorithm": "sha256", "hashValue": "ABCD"}, {"type": "PackageVerificationCode", "algorithm": "sha1", "hashValue": "ff"}],
     "externalIdentifier": [{"type": "ExternalIdentifier", "externalIdentifierType": "cpe23", "identifier": "cpe:2.3:a:acme:app:1.0:*:*:*:*:*:*:*"}],
     "creationInfo": "_:ci"},
    {"type": "software_File", "spdxId": "https://x.test/app/main", "name": "main", "software_copyrightText": "NOASSERTION", "creationInfo": "_:ci"},
    {"type": "software_Package", "spdxId": "https://x.test/lib", "name": "lib", "creationInfo": "_:ci",
     "externalIdentifier": [{"type": "ExternalIdentifier", "externalIdentifierType": "packageUrl", "identifier": "pkg:npm/lib@2"},
                            {"type": "ExternalIdentifier", "externalIdentifierType": "gitoid", "identifier": "gitoid:blob:sha1:261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64"}]},
    {"type": "Relationship", "spdxId": "https://x.test/r1", "from": "https://x.test/app", "relationshipType": "contains", "to": ["https://x.test/app/main"], "creationInfo": "_:ci"},
    {"type": "LifecycleScopedRelationship", "spdxId": "https://x.test/r2", "from": "https://x.test/app", "relationshipType": "dependsOn", "scope": "runtime", "to": ["https://x.test/lib", "https://y.test/doc#pkg"], "creationInfo": "_:ci"},
    {"type": "Relationship", "spdxId": "https://x.test/r3", "from": "https://x.test/app", "relationshipType": "hasConcludedLicense", "to": ["https://x.test/mit"], "creationInfo": "_:ci"},
    {"type": "Relationship", "spdxId": "https://x.test/r4", "from": "https://x.test/app", "relationshipType": "hasDeclaredLicense", "to": ["https://spdx.org/licenses/Apache-2.0"], "creationInfo": "_:ci"},
    {"type": "Relationship", "spdxId": "https://x.test/r5", "from": "https://x.test/lib", "relationshipType": "hasDeclaredLicense", "to": ["https://spdx.org/rdf/3.0.1/terms/Expanded/NoAssertionLicense"], "creationInfo": "_:ci"},
    {"type": "simplelicensing_LicenseExpression", "spdxId": "https://x.test/mit", "simplelicensing_licenseExpression": "MIT", "creationInfo": "_:ci"},
    {"type": "Relationship", "spdxId": "https://x.test/r6", "from": "https://x.test/lib", "relationshipType": "dependsOn", "to": "https://x.test/nowhere", "creationInfo": "_:ci"},
    {"type": "software_Package", "spdxId": "https://x.test/lib", "name": "lib again", "creationInfo": "_:ci"}
  ]
}"#;

#[test]
fn spdx_3_elements_map_to_the_model() {
    let read = check_jsonld(
        JSONLD,
        &[
            "https://x.test/app app@1.0 kind=application purl=pkg:generic/app@1.0 \
             cpe=cpe:2.3:a:acme:app:1.0:*:*:*:*:*:*:* supplier=ACME author=Jane hashes=SHA-256:abcd \
             licenses=Apache-2.0 | MIT refs=distribution:https://dl.test/app.tar",
            "https://x.test/app/main main@-",
            "https://x.test/lib lib@- purl=pkg:npm/lib@2 ids=gitoid:blob:sha1:261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64",
            "app -> main",
            "app -> lib",
            "subject app",
            "sbom-duplicate-ref /@graph/16",
            "sbom-dangling-ref /@graph/15",
        ],
    );
    let sbom = &read.sbom;
    assert_eq!(sbom.kind.to_string(), "SPDX 3.0.1 json-ld");
    assert_eq!(sbom.serial_number.as_deref(), Some("https://x.test/doc"));
    assert_eq!(
        sbom.metadata,
        Metadata {
            authors: vec!["Jane".into()],
            tools: vec![Tool { vendor: None, name: "maker".into(), version: None }],
            timestamp: Some("2024-03-06T00:00:00Z".into()),
            lifecycles: vec!["build".into(), "runtime".into()],
            supplier: None,
            subject: Some(0),
            data_license: Some("CC0-1.0".into()),
        }
    );
}

#[test]
fn spdx_3_broken_documents() {
    let read = |text: &str| read_jsonld(&json::parse(text.as_bytes()).unwrap(), &Limits::default());
    assert_eq!(
        read(r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": 3}"#).err().map(|e| e.code()),
        Some("sbom-structure")
    );
    assert_eq!(
        read(r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}"#).err().map(|e| e.code()),
        Some("sbom-structure")
    );
    assert_eq!(read(r#"{"spdxVersion": "SPDX-2.3"}"#).err().map(|e| e.code()), Some("sbom-unsupported-version"));
    check_jsonld(
        r#"{"@context": "https://example.test/ctx", "@graph": [1, {"name": "no type"}, {"type": "software_Package", "spdxId": "p"}]}"#,
        &[
            "p @-",
            "spdx-version-missing /@context",
            "spdx-wrong-type /@graph/0",
            "spdx-missing-field /@graph/1",
            "spdx-missing-field /@graph/2",
        ],
    );
    check_jsonld(
        r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "type": "software_Package", "spdxId": "https://x.test/p", "name": "alone"}"#,
        &["https://x.test/p alone@-"],
    );
}

// ---------------------------------------------------------------------------------------
// Writer

fn component(name: &str) -> Component {
    Component { name: name.to_owned(), ..Component::default() }
}

fn written(sbom: &Sbom) -> serde_json::Value {
    serde_json::from_slice(&write_json_2_3(sbom, "https://chainward.test/spdx/1", "2024-01-31T12:00:00Z")).unwrap()
}

#[test]
fn the_writer_gives_what_the_2_3_schema_requires() {
    let sbom = Sbom { components: vec![component("a")], ..Sbom::default() };
    let doc = written(&sbom);
    for key in ["SPDXID", "creationInfo", "dataLicense", "name", "spdxVersion", "documentNamespace"] {
        assert!(doc.get(key).is_some(), "{key}");
    }
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    assert_eq!(doc["dataLicense"], "CC0-1.0");
    assert_eq!(doc["SPDXID"], "SPDXRef-DOCUMENT");
    assert_eq!(doc["name"], "sbom");
    assert_eq!(doc["creationInfo"]["created"], "2024-01-31T12:00:00Z");
    assert!(doc["creationInfo"]["creators"][0].as_str().unwrap().starts_with("Tool: chainward-"));
    let package = &doc["packages"][0];
    assert_eq!(package["SPDXID"], "SPDXRef-a");
    assert_eq!(package["downloadLocation"], "NOASSERTION");
    assert_eq!(package["filesAnalyzed"], false);
    assert_eq!(doc["relationships"][0]["relationshipType"], "DESCRIBES");
}

#[test]
fn the_writer_makes_valid_unique_spdxids() {
    let with_reference =
        |reference: Option<&str>, name: &str| Component { reference: reference.map(str::to_owned), ..component(name) };
    let sbom = Sbom {
        components: vec![
            with_reference(Some("SPDXRef-ok.1"), "a"),
            with_reference(Some("SPDXRef-ok.1"), "b"),
            with_reference(Some("pkg:npm/@scope/x@1.0"), "c"),
            with_reference(None, "d e"),
            with_reference(None, "/"),
            with_reference(Some("SPDXRef-DOCUMENT"), "f"),
        ],
        ..Sbom::default()
    };
    let doc = written(&sbom);
    let ids: Vec<&str> = doc["packages"].as_array().unwrap().iter().map(|p| p["SPDXID"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "SPDXRef-ok.1",
            "SPDXRef-ok.1-2",
            "SPDXRef-pkg-npm--scope-x-1.0",
            "SPDXRef-d-e",
            "SPDXRef-Package-5",
            "SPDXRef-DOCUMENT-2"
        ]
    );
    assert!(ids.iter().all(|id| write::is_spdx_id(id)));
}

#[test]
fn the_writer_spells_checksums_and_references_the_spdx_way() {
    let mut a = component("a");
    a.hashes = vec![
        Hash { algorithm: HashAlgorithm::Sha1, value: "85ed0817af83a24ad8da68c2b5094de69833983c".into() },
        Hash { algorithm: HashAlgorithm::Sha3_256, value: "aa".into() },
        Hash { algorithm: HashAlgorithm::Blake2b512, value: "bb".into() },
        Hash { algorithm: HashAlgorithm::Other("md2".into()), value: "cc".into() },
        Hash { algorithm: HashAlgorithm::Other("crc32".into()), value: "dd".into() },
    ];
    a.purl = Some("pkg:npm/a@1".into());
    a.cpe = Some("cpe:/a:acme:a:1".into());
    a.other_identifiers = vec!["swh:1:cnt:94a9ed024d3859793618152ea559a168bbcbb5e2".into(), "something else".into()];
    a.external_references = vec![
        ExternalReference { kind: "website".into(), url: "https://a.test".into() },
        ExternalReference { kind: "distribution".into(), url: "https://dl.test/a.tgz".into() },
        ExternalReference { kind: "vcs".into(), url: "https://git.test/a".into() },
        ExternalReference { kind: "advisory".into(), url: "https://nvd.test/1".into() },
        ExternalReference { kind: "vcs".into(), url: "has spaces".into() },
    ];
    a.kind = Some("operating-system".into());
    a.supplier = Some("ACME".into());
    let doc = written(&Sbom { components: vec![a], ..Sbom::default() });
    let package = &doc["packages"][0];
    let algorithms: Vec<&str> =
        package["checksums"].as_array().unwrap().iter().map(|c| c["algorithm"].as_str().unwrap()).collect();
    assert_eq!(algorithms, ["SHA1", "SHA3-256", "BLAKE2b-512", "MD2"]);
    let references: Vec<String> = package["externalRefs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!("{} {} {}", r["referenceCategory"], r["referenceType"], r["referenceLocator"]).replace('"', "")
        })
        .collect();
    assert_eq!(
        references,
        [
            "PACKAGE-MANAGER purl pkg:npm/a@1",
            "SECURITY cpe22Type cpe:/a:acme:a:1",
            "PERSISTENT-ID swh swh:1:cnt:94a9ed024d3859793618152ea559a168bbcbb5e2",
            "OTHER vcs https://git.test/a",
            "SECURITY advisory https://nvd.test/1",
        ]
    );
    assert_eq!(package["downloadLocation"], "https://dl.test/a.tgz");
    assert_eq!(package["homepage"], "https://a.test");
    assert_eq!(package["primaryPackagePurpose"], "OPERATING_SYSTEM");
    assert_eq!(package["supplier"], "Organization: ACME");
}

#[test]
fn the_writer_keeps_licence_expressions_and_turns_names_into_license_refs() {
    let check = |licenses: &[&str], declared: &str, extracted: &[&str]| {
        let mut a = component("a");
        a.licenses = licenses.iter().map(|l| (*l).to_owned()).collect();
        let doc = written(&Sbom { components: vec![a], ..Sbom::default() });
        assert_eq!(doc["packages"][0]["licenseDeclared"], declared);
        let names: Vec<&str> = doc
            .get("hasExtractedLicensingInfos")
            .and_then(|e| e.as_array())
            .map(|e| e.iter().map(|i| i["licenseId"].as_str().unwrap()).collect())
            .unwrap_or_default();
        assert_eq!(names, extracted);
    };
    check(&["MIT"], "MIT", &[]);
    check(&["MIT OR Apache-2.0"], "MIT OR Apache-2.0", &[]);
    check(&["MIT OR Apache-2.0", "BSD-3-Clause"], "(MIT OR Apache-2.0) AND BSD-3-Clause", &[]);
    check(&["(GPL-2.0-only) OR (MIT)", "ISC"], "((GPL-2.0-only) OR (MIT)) AND ISC", &[]);
    // Only listed licence ids (and LicenseRef-) make an expression.
    check(&["Frob-1.0 OR MIT"], "LicenseRef-Frob-1.0-OR-MIT", &["LicenseRef-Frob-1.0-OR-MIT"]);
    check(&["Apache License 2.0"], "LicenseRef-Apache-License-2.0", &["LicenseRef-Apache-License-2.0"]);
    check(&["©", "MIT"], "LicenseRef-1 AND MIT", &["LicenseRef-1"]);
}

#[test]
fn the_writer_describes_the_subject_or_the_roots_and_writes_edges() {
    let sbom = Sbom {
        components: vec![component("app"), component("lib"), component("tool")],
        dependencies: vec![Dependency { from: 0, to: 1 }],
        ..Sbom::default()
    };
    let relationships = |doc: &serde_json::Value| -> Vec<String> {
        doc["relationships"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!("{} {} {}", r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"]).replace('"', "")
            })
            .collect()
    };
    assert_eq!(
        relationships(&written(&sbom)),
        [
            "SPDXRef-DOCUMENT DESCRIBES SPDXRef-app",
            "SPDXRef-DOCUMENT DESCRIBES SPDXRef-tool",
            "SPDXRef-app DEPENDS_ON SPDXRef-lib"
        ]
    );
    let with_subject = Sbom { metadata: Metadata { subject: Some(0), ..Metadata::default() }, ..sbom };
    let doc = written(&with_subject);
    assert_eq!(relationships(&doc), ["SPDXRef-DOCUMENT DESCRIBES SPDXRef-app", "SPDXRef-app DEPENDS_ON SPDXRef-lib"]);
    assert_eq!(doc["name"], "app");

    let again = read_json(
        &json::parse(&write_json_2_3(&with_subject, "https://x.test/1", "2024-01-01T00:00:00Z")).unwrap(),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(again.sbom.dependencies, with_subject.dependencies);
    assert_eq!(again.sbom.metadata.subject, Some(0));
    assert!(again.problems.is_empty(), "{:?}", again.problems);
}

// ---------------------------------------------------------------------------------------
// Hostile input, codes

/// Cuts, deletions and duplications of `text` at pseudo-random places (a fixed sequence,
/// so failures repeat).
fn mutations(text: &str, count: usize) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |below: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below.max(1) as u64) as usize
    };
    (0..count)
        .map(|i| {
            let a = next(bytes.len());
            let b = (a + next(64)).min(bytes.len());
            let mutated: Vec<u8> = match i % 3 {
                0 => bytes[..a].to_vec(),
                1 => [&bytes[..a], &bytes[b..]].concat(),
                _ => [&bytes[..b], &bytes[a..]].concat(),
            };
            String::from_utf8_lossy(&mutated).into_owned()
        })
        .collect()
}

#[test]
fn mutated_documents_never_panic() {
    let limits = Limits::default();
    let json_doc = doc_json(&package("SPDXRef-a", "a"), &relationship("SPDXRef-a", "DEPENDS_ON", "SPDXRef-a"));
    let mut read_ok = 0;
    for text in mutations(&json_doc, 300).iter().chain(&mutations(JSONLD, 300)) {
        if let Ok(doc) = json::parse(text.as_bytes()) {
            read_ok += usize::from(read_json(&doc, &limits).is_ok());
            read_ok += usize::from(read_jsonld(&doc, &limits).is_ok());
        }
    }
    for text in mutations(TAG_VALUE, 300) {
        read_ok += usize::from(read_tag_value(&text, &limits).is_ok());
        read_ok += usize::from(read_yaml(&text, &limits).is_ok());
    }
    for text in mutations(&rdf_example(), 300) {
        if let Ok(doc) = roxmltree::Document::parse(&text) {
            read_ok += usize::from(read_xml(&doc, &limits).is_ok());
        }
    }
    assert!(read_ok > 300, "only {read_ok} mutated documents read at all");
}

/// The problem codes the SPDX and SWID readers can give, from their source: stable names
/// that callers match on, so a change here is a change of interface.
#[test]
fn problem_codes_are_a_known_list() {
    let sources = [
        include_str!("mod.rs"),
        include_str!("read_json.rs"),
        include_str!("read_jsonld.rs"),
        include_str!("read_tag_value.rs"),
        include_str!("read_xml.rs"),
        include_str!("read_yaml.rs"),
        include_str!("../swid/read.rs"),
    ];
    let pattern = regex::Regex::new(r#"Problem::(?:error|warning)\(\s*"([a-z0-9-]+)""#).unwrap();
    let mut codes: Vec<&str> =
        sources.iter().flat_map(|s| pattern.captures_iter(s).filter_map(|c| c.get(1)).map(|m| m.as_str())).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(
        codes,
        [
            "sbom-dangling-ref",
            "sbom-duplicate-ref",
            "spdx-misplaced-tag",
            "spdx-missing-field",
            "spdx-repeated-tag",
            "spdx-tag-value-syntax",
            "spdx-too-deep",
            "spdx-unclosed-text",
            "spdx-undeclared-document-ref",
            "spdx-unknown-relationship",
            "spdx-unknown-tag",
            "spdx-version-missing",
            "spdx-wrong-type",
            "swid-draft-unique-id",
            "swid-missing-name",
            "swid-missing-tag-id",
            "swid-nested-tag",
            "swid-not-a-tag",
            "swid-patch-without-link",
            "swid-supplemental-not-marked",
            "swid-supplemental-without-link",
            "swid-unresolved-link",
        ]
    );
}
