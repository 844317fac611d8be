//! Tests of the SWID reader: short tags in, the component and problems expected out.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use chainward_core::sbom::Component;

use super::*;
use crate::sbom::{Limits, Read, SbomError};

const NS: &str = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";

/// A tag with these attributes and children.
fn tag(attributes: &str, children: &str) -> String {
    format!(r#"<SoftwareIdentity xmlns="{NS}" {attributes}>{children}</SoftwareIdentity>"#)
}

/// `reference name@version supplier=… publisher=…`, then properties and references.
fn render(component: &Component) -> String {
    let mut out = format!(
        "{} {}@{}",
        component.reference.as_deref().unwrap_or("-"),
        component.name,
        component.version.as_deref().unwrap_or("-")
    );
    if let Some(supplier) = &component.supplier {
        out.push_str(&format!(" supplier={supplier}"));
    }
    if let Some(publisher) = &component.publisher {
        out.push_str(&format!(" publisher={publisher}"));
    }
    if let Some(description) = &component.description {
        out.push_str(&format!(" description={description}"));
    }
    for property in &component.properties {
        out.push_str(&format!(" [{}={}]", property.name, property.value));
    }
    for reference in &component.external_references {
        out.push_str(&format!(" <{} {}>", reference.kind, reference.url));
    }
    out
}

fn summary(read: &Read) -> Vec<String> {
    let sbom = &read.sbom;
    let mut lines: Vec<String> = sbom.components.iter().map(render).collect();
    for dependency in &sbom.dependencies {
        lines.push(format!("{} -> {}", sbom.components[dependency.from].name, sbom.components[dependency.to].name));
    }
    for problem in &read.problems {
        lines.push(format!("{} {}", problem.code, problem.path));
    }
    lines
}

fn check(xml: &str, expected: &[&str]) -> Read {
    let read = read_file(xml.as_bytes(), &Limits::default()).unwrap_or_else(|e| panic!("{}: {e}", e.code()));
    assert_eq!(summary(&read), expected, "input: {xml}");
    read
}

fn check_error(bytes: &[u8], expected: &str) {
    match read_file(bytes, &Limits::default()) {
        Ok(read) => panic!("read without error: {:?}", summary(&read)),
        Err(e) => assert_eq!(format!("{}: {e}", e.code()), expected),
    }
}

fn check_folder(files: &[(&str, &str)], expected: &[&str]) -> Read {
    let files: Vec<(String, Vec<u8>)> = files.iter().map(|(n, t)| ((*n).to_owned(), t.as_bytes().to_vec())).collect();
    let read = read_tags(&files, &Limits::default()).unwrap_or_else(|e| panic!("{}: {e}", e.code()));
    assert_eq!(summary(&read), expected);
    read
}

// ---------------------------------------------------------------------------------------
// One tag

#[test]
fn a_tag_is_one_component() {
    let xml = tag(
        r#"name="ACME Roadrunner" tagId="com.acme.rrd-2.0" version="2.0.1" versionScheme="semver" tagVersion="3""#,
        r#"<Entity name="ACME Tags" regid="acme.org" role="tagCreator"/>
           <Entity name="ACME Software" regid="software.acme.org" role="softwareCreator licensor"/>
           <Entity name="Reseller" role="distributor"/>
           <Meta product="Roadrunner" colloquialVersion="2" summary="Catches coyotes"/>
           <Link rel="license" href="https://acme.org/license"/>
           <Payload><Directory name="bin"><File name="rrd" size="10" xmlns:sha256="http://www.w3.org/2001/04/xmlenc#sha256" sha256:hash="aa"/></Directory><File name="README"/></Payload>"#,
    );
    let read = check(
        &xml,
        &["com.acme.rrd-2.0 ACME Roadrunner@2.0.1 supplier=ACME Software (software.acme.org) publisher=Reseller \
           description=Catches coyotes [swid:tagCreator=ACME Tags (acme.org)] \
           [swid:softwareCreator=ACME Software (software.acme.org)] [swid:licensor=ACME Software (software.acme.org)] \
           [swid:distributor=Reseller] [product=Roadrunner] [colloquialVersion=2] [summary=Catches coyotes] \
           [swid:versionScheme=semver] [swid:tagVersion=3] [swid:files=2] <license https://acme.org/license>"],
    );
    let sbom = &read.sbom;
    assert_eq!(sbom.kind.to_string(), "SWID 2015 xml");
    assert_eq!(sbom.serial_number.as_deref(), Some("com.acme.rrd-2.0"));
    assert_eq!(sbom.document_version.as_deref(), Some("3"));
    assert_eq!(sbom.metadata.authors, ["ACME Tags (acme.org)"]);
    assert_eq!(sbom.metadata.subject, Some(0));
    let component = &sbom.components[0];
    assert_eq!(component.swid_tag_id.as_deref(), Some("com.acme.rrd-2.0"));
    assert!(component.hashes.is_empty(), "payload hashes are the files', not the component's");
    assert_eq!(component.location, "/SoftwareIdentity");
}

#[test]
fn the_supplier_falls_back_from_software_creator_to_licensor_to_distributor() {
    let supplier = |entities: &str| {
        let read = read_file(tag(r#"name="n" tagId="t""#, entities).as_bytes(), &Limits::default()).unwrap();
        read.sbom.components[0].supplier.clone()
    };
    assert_eq!(
        supplier(r#"<Entity name="L" role="licensor"/><Entity name="C" role="softwareCreator"/>"#).as_deref(),
        Some("C")
    );
    assert_eq!(
        supplier(r#"<Entity name="D" role="distributor"/><Entity name="L" role="licensor"/>"#).as_deref(),
        Some("L")
    );
    assert_eq!(supplier(r#"<Entity name="D" role="distributor"/>"#).as_deref(), Some("D"));
    assert_eq!(
        supplier(r#"<Entity name="" regid="only.regid" role="softwareCreator"/>"#).as_deref(),
        Some("only.regid")
    );
    assert_eq!(supplier(r#"<Entity name="T" role="tagCreator"/>"#), None);
}

#[test]
fn broken_tags_read_with_problems() {
    check(&tag("", ""), &["- @-", "swid-missing-tag-id /SoftwareIdentity", "swid-missing-name /SoftwareIdentity"]);
    check(
        &tag(r#"name="outer" tagId="o""#, r#"<SoftwareIdentity tagId="inner"/>"#),
        &["o outer@-", "swid-nested-tag /SoftwareIdentity/SoftwareIdentity"],
    );
    check(
        &tag(r#"name="s" tagId="s" supplemental="true""#, ""),
        &["s s@-", "swid-supplemental-without-link /SoftwareIdentity"],
    );
    check(
        &tag(r#"name="s" tagId="s""#, r#"<Link rel="supplemental" href="swid:p"/>"#),
        &["s s@- <supplemental swid:p>", "swid-supplemental-not-marked /SoftwareIdentity"],
    );
    check(&tag(r#"name="p" tagId="p" patch="true""#, ""), &["p p@-", "swid-patch-without-link /SoftwareIdentity"]);
}

#[test]
fn draft_tags_with_unique_id_read_as_2015_draft() {
    let read = check(
        &tag(r#"uniqueId="nuget.2.8.5.101" name="nuget" version="2.8.5.101""#, ""),
        &["nuget.2.8.5.101 nuget@2.8.5.101", "swid-draft-unique-id /SoftwareIdentity"],
    );
    assert_eq!(read.sbom.kind.spec_version, "2015-draft");
    let text = tag(r#"uniqueId="u" name="n""#, "");
    assert_eq!(detect(&roxmltree::Document::parse(&text).unwrap()).as_deref(), Some("2015-draft"));
}

#[test]
fn signatures_are_noted_not_verified() {
    let signature = r#"<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/><SignatureValue>AA==</SignatureValue></Signature>"#;
    check(&tag(r#"name="n" tagId="t""#, signature), &["t n@- [swid:signed=xmldsig]"]);
}

// ---------------------------------------------------------------------------------------
// What is not a tag

#[test]
fn versions_are_detected() {
    let detect_text = |text: &str| detect(&roxmltree::Document::parse(text).unwrap());
    assert_eq!(detect_text(&tag(r#"tagId="t""#, "")).as_deref(), Some("2015"));
    assert_eq!(
        detect_text(r#"<software_identification_tag xmlns="http://standards.iso.org/iso/19770/-2/2009/schema.xsd"/>"#)
            .as_deref(),
        Some("2009")
    );
    let wrapper = format!(
        r#"<swidtags xmlns="http://rpm.org/metadata/swidtags.xsd"><package>{}</package></swidtags>"#,
        tag(r#"tagId="t""#, "")
    );
    assert_eq!(detect_text(&wrapper).as_deref(), Some("2015"));
    assert_eq!(detect_text("<SoftwareIdentity tagId=\"t\"/>"), None);
    assert_eq!(detect_text("<bom/>"), None);
}

#[test]
fn other_documents_are_refused_for_what_they_are() {
    check_error(
        br#"<content-unit-test xmlns="http://decima.nist.gov/xml/unit-test"/>"#,
        "sbom-unknown-format: not an SBOM chainward can read: a Decima content unit test (a NIST swidval test definition), not a SWID tag",
    );
    check_error(
        br#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>"#,
        "sbom-unknown-format: not an SBOM chainward can read: an XML Schema (XSD), not a SWID tag",
    );
    check_error(
        b"<root xmlns=\"urn:x\"/>",
        "sbom-unknown-format: not an SBOM chainward can read: an XML document whose root is <root> in namespace \"urn:x\", not a SWID tag",
    );
    check_error(
        b"<SoftwareIdentity tagId=\"t\"/>",
        "sbom-unknown-format: not an SBOM chainward can read: a <SoftwareIdentity> in namespace \"\", not the ISO/IEC 19770-2:2015 one (http://standards.iso.org/iso/19770/-2/2015/schema.xsd)",
    );
    check_error(
        br#"<software_identification_tag xmlns="http://standards.iso.org/iso/19770/-2/2009/schema.xsd"/>"#,
        "sbom-unsupported-version: unsupported SWID version \"2009\"; supported: ISO/IEC 19770-2:2015 tags and the 2014 drafts written in its namespace",
    );
    check_error(
        "\u{feff}{\"uniqueId\": \"nuget\"}".as_bytes(),
        "sbom-unknown-format: not an SBOM chainward can read: SWID JSON-LD is not supported (a pre-standard draft form); give the XML tag",
    );
    check_error(b"{\"a\": 1}", "sbom-unknown-format: not an SBOM chainward can read: JSON, not a SWID tag");
    check_error(
        b"Certificate:\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        "sbom-unknown-format: not an SBOM chainward can read: a PEM certificate or key, not a SWID tag",
    );
    check_error(
        b"Apache License\nVersion 2.0",
        "sbom-unknown-format: not an SBOM chainward can read: text that is not XML, so not a SWID tag",
    );
    check_error(b"<?xml version=\"1.0\"?>", "xml-syntax: not valid XML: the document does not have a root node");
    check_error(b"   ", "sbom-empty: the document is empty");
    check_error(&[0xFF, 0xFE, b'<', 0], "sbom-not-utf8: the document is not UTF-8 text (a UTF-16 byte order mark)");
}

#[test]
fn dtds_entities_and_huge_documents_are_refused() {
    let xxe = format!(
        r#"<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>{}"#,
        tag(r#"name="&x;" tagId="t""#, "")
    );
    check_error(
        xxe.as_bytes(),
        "xml-syntax: not valid XML: the document has a DTD; DTDs (and so entities) are refused",
    );
    let laughs = r#"<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>"#;
    check_error(
        laughs.as_bytes(),
        "xml-syntax: not valid XML: the document has a DTD; DTDs (and so entities) are refused",
    );
    let many = tag(r#"name="n" tagId="t""#, &"<Meta a=\"1\"/>".repeat(100));
    let limits = Limits { max_xml_nodes: 50, ..Limits::default() };
    assert_eq!(read_file(many.as_bytes(), &limits).err().map(|e| e.code()), Some("sbom-over-limit"));
    let limits = Limits { max_bytes: 10, ..Limits::default() };
    assert!(matches!(read_file(many.as_bytes(), &limits), Err(SbomError::TooLarge { .. })));
}

// ---------------------------------------------------------------------------------------
// Folders and the rpm wrapper

#[test]
fn supplemental_and_patch_tags_attach_to_their_primary() {
    let primary = tag(r#"name="OS" tagId="os" version="3""#, r#"<Entity name="A" role="tagCreator"/>"#);
    let supplemental = tag(
        r#"name="OS" tagId="os-sup" supplemental="true""#,
        r#"<Link rel="supplemental" href="swid:os"/><Entity name="Maker" role="softwareCreator"/><Meta edition="server"/>"#,
    );
    let by_file = tag(
        r#"name="OS" tagId="os-sup2" supplemental="true""#,
        r#"<Link rel="supplemental" href="../x/sup.swidtag"/>"#,
    );
    let patch = tag(r#"name="OS fix" tagId="os-p1" patch="true""#, r#"<Link rel="patches" href="swid:os"/>"#);
    let lost =
        tag(r#"name="lost" tagId="lost" supplemental="true""#, r#"<Link rel="supplemental" href="swidpath://x"/>"#);
    let read = check_folder(
        &[
            ("os.swidtag", &primary),
            ("sup.swidtag", &supplemental),
            ("sup2.swidtag", &by_file),
            ("p1.swidtag", &patch),
            ("lost.swidtag", &lost),
        ],
        &[
            "os OS@3 supplier=Maker [swid:tagCreator=A] [swid:supplemental=os-sup] [swid:softwareCreator=Maker] \
             [edition=server] [swid:supplemental=os-sup2] [swid:patch=os-p1] <supplemental swid:os> \
             <supplemental ../x/sup.swidtag> <patches swid:os>",
            "lost lost@- <supplemental swidpath://x>",
            "swid-unresolved-link lost.swidtag:/SoftwareIdentity",
        ],
    );
    assert_eq!(read.sbom.metadata.subject, None);
}

#[test]
fn requires_and_component_links_are_edges_and_duplicates_reported() {
    let app = tag(
        r#"name="app" tagId="app""#,
        r#"<Link rel="requires" href="swid:lib"/><Link rel="component" href="swid:gone"/>"#,
    );
    let lib = tag(r#"name="lib" tagId="lib""#, "");
    let again = tag(r#"name="lib copy" tagId="lib""#, "");
    check_folder(
        &[("app.swidtag", &app), ("lib.swidtag", &lib), ("not-a-tag.txt", "hello"), ("lib2.swidtag", &again)],
        &[
            "app app@- <requires swid:lib> <component swid:gone>",
            "lib lib@-",
            "lib lib copy@-",
            "app -> lib copy",
            "swid-not-a-tag not-a-tag.txt",
            "sbom-duplicate-ref lib2.swidtag:/SoftwareIdentity",
        ],
    );
}

#[test]
fn a_folder_without_tags_is_an_error() {
    let files = vec![("a.txt".to_owned(), b"hello".to_vec()), ("b.xsd".to_owned(), b"<x/>".to_vec())];
    assert_eq!(
        read_tags(&files, &Limits::default()).err().map(|e| e.to_string()),
        Some("not an SBOM chainward can read: none of the 2 files is a SWID tag".to_owned())
    );
    let one = vec![("a.txt".to_owned(), b"hello".to_vec())];
    assert_eq!(read_tags(&one, &Limits::default()).err().map(|e| e.code()), Some("sbom-unknown-format"));
    assert_eq!(read_tags(&[], &Limits::default()).err(), Some(SbomError::Empty));
}

#[test]
fn the_rpm_wrapper_is_read_as_its_tags() {
    let wrapper = format!(
        r#"<swidtags xmlns="http://rpm.org/metadata/swidtags.xsd" packages="2"><package pkgid="1">{}</package><package pkgid="2">{}{}</package></swidtags>"#,
        tag(r#"name="a" tagId="a""#, ""),
        tag(r#"name="b" tagId="b""#, ""),
        tag(r#"name="b" tagId="b-sup" supplemental="true""#, r#"<Link rel="supplemental" href="swid:b"/>"#),
    );
    let read = check(&wrapper, &["a a@-", "b b@- [swid:supplemental=b-sup] <supplemental swid:b>"]);
    assert_eq!(read.sbom.components[1].location, "/swidtags/package[2]/SoftwareIdentity[1]");
    check_error(
        br#"<swidtags xmlns="http://rpm.org/metadata/swidtags.xsd"/>"#,
        "sbom-structure: the <swidtags> file holds no SoftwareIdentity",
    );
}

#[test]
fn mutated_tags_never_panic() {
    let text = tag(
        r#"name="n" tagId="t" version="1" supplemental="true""#,
        r#"<Entity name="A" regid="a.test" role="tagCreator softwareCreator"/><Link rel="supplemental" href="swid:p"/>
           <Meta a="1"/><Payload><Directory name="d"><File name="f"/></Directory></Payload>"#,
    );
    let bytes = text.as_bytes();
    let mut read = 0;
    for cut in 0..bytes.len() {
        for mutated in [&bytes[..cut], &[&bytes[..cut], &bytes[(cut + 7).min(bytes.len())..]].concat()[..]] {
            read += usize::from(read_file(mutated, &Limits::default()).is_ok());
            let files = vec![("a.swidtag".to_owned(), mutated.to_vec()), ("b.swidtag".to_owned(), bytes.to_vec())];
            read += usize::from(read_tags(&files, &Limits::default()).is_ok());
        }
    }
    assert!(read > bytes.len(), "only {read} mutated tags read");
}
