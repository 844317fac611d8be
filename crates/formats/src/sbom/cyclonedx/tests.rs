//! Tests of the CycloneDX readers and writer: fields, nesting, subject, edges, problems with
//! their paths, limits, and the writer's mappings and round trips.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use chainward_core::sbom::{
    Component, Dependency, ExternalReference, Hash, HashAlgorithm, Metadata, Property, Sbom, Tool,
};

use super::read_json::Ptr;
use super::write::MAX_WRITE_DEPTH;
use super::*;
use crate::sbom::{Limits, Read, SbomError, Severity};

// --- helpers ---

fn try_read(input: &str, limits: &Limits) -> Result<Read, SbomError> {
    if input.trim_start().starts_with('<') {
        let doc = roxmltree::Document::parse(input).expect("test XML parses");
        read_xml(&doc, limits)
    } else {
        let doc = crate::json::parse(input.as_bytes()).expect("test JSON parses");
        read_json(&doc, limits)
    }
}

fn read(input: &str) -> Read {
    try_read(input, &Limits::default()).expect("the document reads")
}

/// One line per component: index, location, then every field that is set.
fn describe(index: usize, c: &Component) -> String {
    let mut out = format!("{index} {}", c.location);
    let mut field = |key: &str, value: &Option<String>| {
        if let Some(value) = value {
            out.push_str(&format!(" {key}={value}"));
        }
    };
    field("ref", &c.reference);
    field("type", &c.kind);
    field("group", &c.group);
    field("name", &Some(c.name.clone()));
    field("version", &c.version);
    field("purl", &c.purl);
    field("cpe", &c.cpe);
    field("swid", &c.swid_tag_id);
    field("supplier", &c.supplier);
    field("manufacturer", &c.manufacturer);
    field("author", &c.author);
    field("publisher", &c.publisher);
    field("copyright", &c.copyright);
    field("description", &c.description);
    field("scope", &c.scope);
    let mut list = |key: &str, items: Vec<String>| {
        if !items.is_empty() {
            out.push_str(&format!(" {key}={}", items.join("|")));
        }
    };
    list("ids", c.other_identifiers.clone());
    list("hashes", c.hashes.iter().map(|h| format!("{}:{}", h.algorithm, h.value)).collect());
    list("licenses", c.licenses.clone());
    list("refs", c.external_references.iter().map(|r| format!("{}:{}", r.kind, r.url)).collect());
    list("props", c.properties.iter().map(|p| format!("{}={}", p.name, p.value)).collect());
    if let Some(parent) = c.parent {
        out.push_str(&format!(" parent={parent}"));
    }
    if c.subject_only {
        out.push_str(" subject");
    }
    out
}

fn check_components(input: &str, expected: &[&str]) {
    let read = read(input);
    let actual: Vec<String> = read.sbom.components.iter().enumerate().map(|(i, c)| describe(i, c)).collect();
    assert_eq!(actual, expected, "problems: {:?}", read.problems);
}

fn check_problems(input: &str, expected: &[&str]) {
    let read = read(input);
    let actual: Vec<String> = read
        .problems
        .iter()
        .map(|p| {
            let severity = if p.severity == Severity::Error { "error" } else { "warning" };
            format!("{severity} {} {}", p.code, p.path)
        })
        .collect();
    assert_eq!(actual, expected, "{:#?}", read.problems);
}

/// Edges as `from -> to` by component name.
fn check_edges(input: &str, expected: &[&str]) {
    let read = read(input);
    let name = |i: usize| read.sbom.components[i].name.clone();
    let actual: Vec<String> =
        read.sbom.dependencies.iter().map(|d| format!("{} -> {}", name(d.from), name(d.to))).collect();
    assert_eq!(actual, expected, "problems: {:?}", read.problems);
}

fn check_metadata(input: &str, expected: Metadata) {
    let read = read(input);
    assert_eq!(read.sbom.metadata, expected, "problems: {:?}", read.problems);
}

fn check_error(input: &str, limits: &Limits, expected_code: &str) {
    let error = try_read(input, limits).expect_err("the document must be refused");
    assert_eq!(error.code(), expected_code, "{error}");
}

fn json_16(body: &str) -> String {
    format!(r#"{{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, {body}}}"#)
}

fn xml(version: &str, body: &str) -> String {
    format!(r#"<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/{version}" version="1">{body}</bom>"#)
}

// --- detection and hard errors ---

#[test]
fn detection_gives_the_spec_version_as_written() {
    let json = |text: &str| detect_json(&crate::json::parse(text.as_bytes()).unwrap());
    assert_eq!(json(r#"{"bomFormat": "CycloneDX", "specVersion": "1.5"}"#), Some("1.5".into()));
    assert_eq!(json(r#"{"bomFormat": "CycloneDX", "specVersion": 1.4}"#), Some("1.4".into()));
    assert_eq!(json(r#"{"bomFormat": "CycloneDX"}"#), Some(String::new()));
    assert_eq!(json(r#"{"bomFormat": "AnotherFormat", "specVersion": "1.5"}"#), None);
    assert_eq!(json(r#"{"spdxVersion": "SPDX-2.3"}"#), None);
    assert_eq!(json("[]"), None);
    let xml_version = |text: &str| detect_xml(&roxmltree::Document::parse(text).unwrap());
    assert_eq!(xml_version(r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.1"/>"#), Some("1.1".into()));
    assert_eq!(xml_version(r#"<bom xmlns="http://cyclonedx.org/schema/bom/12"/>"#), Some("12".into()));
    assert_eq!(xml_version(r#"<bom/>"#), None);
    assert_eq!(
        xml_version(r#"<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd"/>"#),
        None
    );
}

#[test]
fn documents_that_are_not_cyclonedx_of_a_known_version_are_refused() {
    let limits = Limits::default();
    check_error("[1, 2]", &limits, "sbom-structure");
    check_error(r#"{"specVersion": "1.6"}"#, &limits, "sbom-unknown-format");
    check_error(r#"{"bomFormat": "CycloneDX", "specVersion": "2.0"}"#, &limits, "sbom-unsupported-version");
    check_error(r#"{"bomFormat": "CycloneDX", "specVersion": "1.1"}"#, &limits, "sbom-unsupported-version");
    check_error(r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.9"/>"#, &limits, "sbom-unsupported-version");
    check_error(r#"<bom xmlns="http://example.com/bom/1.6"/>"#, &limits, "sbom-unknown-format");
}

#[test]
fn more_components_than_the_limit_is_an_error() {
    let limits = Limits { max_components: 2, ..Limits::default() };
    let three = r#""components": [{"type": "library", "name": "a"}, {"type": "library", "name": "b", "components": [{"type": "library", "name": "c"}]}]"#;
    check_error(&json_16(three), &limits, "sbom-over-limit");
    let nested = xml(
        "1.4",
        r#"<components><component type="library"><name>a</name><components><component type="library"><name>b</name></component><component type="library"><name>c</name></component></components></component></components>"#,
    );
    check_error(&nested, &limits, "sbom-over-limit");
    assert!(try_read(&json_16(r#""components": [{"type": "library", "name": "a"}]"#), &limits).is_ok());
}

// --- component fields ---

#[test]
fn json_component_fields_are_read() {
    check_components(
        &json_16(
            r#""components": [{
                "type": "library", "bom-ref": "r1", "group": "com.acme", "name": "lib", "version": "1.0",
                "purl": "pkg:maven/com.acme/lib@1.0", "cpe": "cpe:2.3:a:acme:lib:1.0:*:*:*:*:*:*:*",
                "swid": {"tagId": "swid-1", "name": "lib"},
                "omniborId": ["gitoid:blob:sha1:261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64"], "swhid": ["swh:1:cnt:94a9ed024d3859793618152ea559a168bbcbb5e2"],
                "supplier": {"name": "Acme Corp", "url": ["https://acme.example"]},
                "manufacturer": {"name": "Acme Factory"},
                "author": "Jane", "authors": [{"name": "Joe"}, {"email": "ann@acme.example"}, {"name": "Jane"}],
                "publisher": "Acme Publishing",
                "hashes": [{"alg": "SHA-256", "content": "F498A8FF2DD007E29C2074F5E4B01A9A01775C3FF3AEAF6906EA503BC5791B7B"}, {"alg": "SHA3-512", "content": "abc"}],
                "licenses": [{"license": {"id": "Apache-2.0", "acknowledgement": "declared"}}, {"license": {"name": "Acme Licence"}}],
                "copyright": "(c) Acme", "description": "a library", "scope": "required",
                "externalReferences": [{"type": "website", "url": "https://acme.example"}],
                "properties": [{"name": "k", "value": "v"}, {"name": "flag"}]
            }, {"type": "library", "name": "expr", "licenses": [{"expression": "MIT OR Apache-2.0"}]}]"#,
        ),
        &[
            "0 /components/0 ref=r1 type=library group=com.acme name=lib version=1.0 purl=pkg:maven/com.acme/lib@1.0 \
             cpe=cpe:2.3:a:acme:lib:1.0:*:*:*:*:*:*:* swid=swid-1 supplier=Acme Corp manufacturer=Acme Factory \
             author=Jane, Joe, ann@acme.example publisher=Acme Publishing copyright=(c) Acme description=a library \
             scope=required ids=gitoid:blob:sha1:261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64|swh:1:cnt:94a9ed024d3859793618152ea559a168bbcbb5e2 \
             hashes=SHA-256:f498a8ff2dd007e29c2074f5e4b01a9a01775c3ff3aeaf6906ea503bc5791b7b|SHA3-512:abc \
             licenses=Apache-2.0|Acme Licence refs=website:https://acme.example props=k=v|flag=",
            "1 /components/1 type=library name=expr licenses=MIT OR Apache-2.0",
        ],
    );
}

#[test]
fn xml_component_fields_are_read_in_every_namespace() {
    let component = r#"<components><component type="library" bom-ref="r1">
        <supplier><name>Acme Corp</name></supplier><manufacturer><name>Acme Factory</name></manufacturer>
        <authors><author><name>Joe</name></author></authors><author>Jane</author><publisher>Acme Publishing</publisher>
        <group>com.acme</group><name> lib </name><version>1.0</version><description>a library</description><scope>optional</scope>
        <hashes><hash alg="SHA-1">25ED8E31B995BB927966616DF2A42B979A2717F0</hash></hashes>
        <licenses><license><id>MIT</id></license><license><name>Acme Licence</name></license><expression>MIT OR GPL-2.0-only</expression></licenses>
        <copyright>(c) Acme</copyright><cpe>cpe:/a:acme:lib:1.0</cpe><purl>pkg:maven/com.acme/lib@1.0</purl>
        <omniborId>gitoid:blob:sha1:261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64</omniborId><swhid>swh:1:dir:d198bc9d7a6bcf6db04f476d29314f157507d505</swhid>
        <swid tagId="swid-1" name="lib"/>
        <externalReferences><reference type="vcs"><url>https://git.acme.example/lib</url></reference></externalReferences>
        <properties><property name="k">v</property></properties>
        <ext:unknown xmlns:ext="http://example.com/ext"><name>not me</name></ext:unknown>
    </component></components>"#;
    check_components(
        &xml("1.6", component),
        &["0 /bom/components/component[1] ref=r1 type=library group=com.acme name=lib version=1.0 \
           purl=pkg:maven/com.acme/lib@1.0 cpe=cpe:/a:acme:lib:1.0 swid=swid-1 supplier=Acme Corp \
           manufacturer=Acme Factory author=Jane, Joe publisher=Acme Publishing copyright=(c) Acme \
           description=a library scope=optional \
           ids=gitoid:blob:sha1:261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64|swh:1:dir:d198bc9d7a6bcf6db04f476d29314f157507d505 \
           hashes=SHA-1:25ed8e31b995bb927966616df2a42b979a2717f0 licenses=MIT|Acme Licence|MIT OR GPL-2.0-only \
           refs=vcs:https://git.acme.example/lib props=k=v"],
    );
    // 1.0 has no bom-ref; elements of a foreign namespace are not read.
    check_components(
        &xml(
            "1.0",
            r#"<components><component type="application"><publisher>Acme</publisher><name>app</name><version>2</version>
               <x:name xmlns:x="http://cyclonedx.org/schema/bom/1.6">other</x:name><modified>false</modified></component></components>"#,
        ),
        &["0 /bom/components/component[1] type=application name=app version=2 publisher=Acme"],
    );
    // 1.7 writes a detailed expression as an attribute.
    check_components(
        &xml(
            "1.7",
            r#"<components><component type="library"><name>l</name><licenses>
               <expression-detailed expression="LicenseRef-Acme"><details license-identifier="LicenseRef-Acme"/></expression-detailed>
               </licenses></component></components>"#,
        ),
        &["0 /bom/components/component[1] type=library name=l licenses=LicenseRef-Acme"],
    );
}

#[test]
fn nested_components_and_the_subject_keep_their_place_and_parent() {
    let json = json_16(
        r#""components": [
            {"type": "library", "name": "a", "components": [
                {"type": "library", "name": "a1", "components": [{"type": "file", "name": "a1x"}]},
                {"type": "library", "name": "a2"}]},
            {"type": "library", "name": "b"}],
        "metadata": {"component": {"type": "application", "bom-ref": "app", "name": "app",
            "components": [{"type": "library", "name": "part"}]}}"#,
    );
    check_components(
        &json,
        &[
            "0 /metadata/component ref=app type=application name=app subject",
            "1 /metadata/component/components/0 type=library name=part parent=0",
            "2 /components/0 type=library name=a",
            "3 /components/0/components/0 type=library name=a1 parent=2",
            "4 /components/0/components/0/components/0 type=file name=a1x parent=3",
            "5 /components/0/components/1 type=library name=a2 parent=2",
            "6 /components/1 type=library name=b",
        ],
    );
    assert_eq!(read(&json).sbom.metadata.subject, Some(0));
    assert_eq!(read(&json).sbom.n_components(), 6);

    let xml = xml(
        "1.3",
        r#"<metadata><component type="application"><name>app</name></component></metadata>
           <components><component type="library"><name>a</name><components>
             <component type="library"><name>a1</name></component><component type="library"><name>a2</name></component>
           </components></component><component type="library"><name>b</name></component></components>"#,
    );
    check_components(
        &xml,
        &[
            "0 /bom/metadata/component type=application name=app subject",
            "1 /bom/components/component[1] type=library name=a",
            "2 /bom/components/component[1]/components/component[1] type=library name=a1 parent=1",
            "3 /bom/components/component[1]/components/component[2] type=library name=a2 parent=1",
            "4 /bom/components/component[2] type=library name=b",
        ],
    );
    assert_eq!(read(&xml).sbom.metadata.subject, Some(0));
}

// --- metadata ---

#[test]
fn metadata_is_read_from_json() {
    let tool = |vendor: Option<&str>, name: &str, version: Option<&str>| Tool {
        vendor: vendor.map(str::to_owned),
        name: name.to_owned(),
        version: version.map(str::to_owned),
    };
    check_metadata(
        &json_16(
            r#""metadata": {
                "timestamp": "2024-05-01T10:00:00Z",
                "lifecycles": [{"phase": "build"}, {"name": "platform-testing", "description": "x"}],
                "tools": {"components": [{"type": "application", "group": "Acme", "name": "scanner", "version": "9"},
                                         {"type": "application", "name": "other", "manufacturer": {"name": "Other Inc"}}],
                          "services": [{"provider": {"name": "Signer Org"}, "name": "signer"}]},
                "authors": [{"name": "Samantha"}, {"email": "bot@acme.example"}],
                "supplier": {"name": "Acme Supply"},
                "licenses": [{"license": {"id": "CC0-1.0"}}]
            }"#,
        ),
        Metadata {
            authors: vec!["Samantha".into(), "bot@acme.example".into()],
            tools: vec![
                tool(Some("Acme"), "scanner", Some("9")),
                tool(Some("Other Inc"), "other", None),
                tool(Some("Signer Org"), "signer", None),
            ],
            timestamp: Some("2024-05-01T10:00:00Z".into()),
            lifecycles: vec!["build".into(), "platform-testing".into()],
            supplier: Some("Acme Supply".into()),
            subject: None,
            data_license: Some("CC0-1.0".into()),
        },
    );
    // Legacy tools; without authors, the BOM manufacturer (1.6) is the author.
    check_metadata(
        &json_16(
            r#""metadata": {"tools": [{"vendor": "Acme", "name": "gen", "version": "1"}, {"name": "bare"}],
                "manufacturer": {"name": "Acme BOM Maker"}, "manufacture": {"name": "Old Style"}}"#,
        ),
        Metadata {
            authors: vec!["Acme BOM Maker".into()],
            tools: vec![tool(Some("Acme"), "gen", Some("1")), tool(None, "bare", None)],
            ..Metadata::default()
        },
    );
    // Before 1.6: the manufacturer of the subject, else the supplier.
    check_metadata(
        &json_16(r#""metadata": {"manufacture": {"name": "Old Style"}, "supplier": {"name": "S"}}"#),
        Metadata { authors: vec!["Old Style".into()], supplier: Some("S".into()), ..Metadata::default() },
    );
}

#[test]
fn metadata_is_read_from_xml() {
    check_metadata(
        &xml(
            "1.5",
            r#"<metadata><timestamp>2020-04-13T20:20:39+00:00</timestamp>
                 <lifecycles><lifecycle><phase>pre-build</phase></lifecycle><lifecycle><name>custom</name></lifecycle></lifecycles>
                 <tools><components><component type="application"><group>Awesome Vendor</group><name>Awesome Tool</name><version>9.1.2</version></component></components>
                        <services><service><provider><name>Acme Org</name></provider><name>Signing</name></service></services></tools>
                 <authors><author><name>Samantha Wright</name><email>s@example.com</email></author></authors>
                 <supplier><name>Acme</name></supplier></metadata>"#,
        ),
        Metadata {
            authors: vec!["Samantha Wright".into()],
            tools: vec![
                Tool {
                    vendor: Some("Awesome Vendor".into()),
                    name: "Awesome Tool".into(),
                    version: Some("9.1.2".into()),
                },
                Tool { vendor: Some("Acme Org".into()), name: "Signing".into(), version: None },
            ],
            timestamp: Some("2020-04-13T20:20:39+00:00".into()),
            lifecycles: vec!["pre-build".into(), "custom".into()],
            supplier: Some("Acme".into()),
            subject: None,
            data_license: None,
        },
    );
    check_metadata(
        &xml(
            "1.2",
            r#"<metadata><tools><tool><vendor>Acme</vendor><name>gen</name><version>1</version></tool></tools>
               <manufacture><name>Maker</name></manufacture></metadata>"#,
        ),
        Metadata {
            authors: vec!["Maker".into()],
            tools: vec![Tool { vendor: Some("Acme".into()), name: "gen".into(), version: Some("1".into()) }],
            ..Metadata::default()
        },
    );
}

#[test]
fn serial_number_and_version_are_read() {
    let json = read(&json_16(r#""serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79""#));
    assert_eq!(json.sbom.serial_number.as_deref(), Some("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"));
    assert_eq!(json.sbom.document_version.as_deref(), Some("1"));
    assert_eq!(json.sbom.kind.to_string(), "CycloneDX 1.6 json");
    let xml = read(r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.1" serialNumber="urn:uuid:x" version="3"/>"#);
    assert_eq!(xml.sbom.serial_number.as_deref(), Some("urn:uuid:x"));
    assert_eq!(xml.sbom.document_version.as_deref(), Some("3"));
    assert_eq!(xml.sbom.kind.to_string(), "CycloneDX 1.1 xml");
}

// --- dependencies ---

const THREE_JSON: &str = r#""components": [
    {"type": "library", "bom-ref": "a", "name": "a"},
    {"type": "library", "bom-ref": "b", "name": "b"},
    {"type": "library", "bom-ref": "c", "name": "c"}],
  "services": [{"bom-ref": "svc", "name": "svc", "services": [{"bom-ref": "inner", "name": "inner"}]}]"#;

const THREE_XML: &str = r#"<components>
    <component type="library" bom-ref="a"><name>a</name></component>
    <component type="library" bom-ref="b"><name>b</name></component>
    <component type="library" bom-ref="c"><name>c</name></component></components>
  <services><service bom-ref="svc"><name>svc</name></service></services>"#;

#[test]
fn json_dependencies_become_edges_and_may_name_services() {
    check_edges(
        &json_16(&format!(
            r#"{THREE_JSON}, "dependencies": [
                {{"ref": "a", "dependsOn": ["b", "c", "svc"]}},
                {{"ref": "b", "dependsOn": ["c", "c"], "provides": ["a"]}},
                {{"ref": "c"}},
                {{"ref": "inner", "dependsOn": ["a"]}}]"#
        )),
        &["a -> b", "a -> c", "b -> c"],
    );
}

#[test]
fn xml_dependencies_become_edges_in_every_form() {
    // 1.2+: one level of nesting; 1.7 `provides` is passed over.
    check_edges(
        &xml(
            "1.7",
            &format!(
                r#"{THREE_XML}<dependencies><dependency ref="a"><dependency ref="b"/><dependency ref="svc"/><provides ref="c"/></dependency>
                   <dependency ref="b"><dependency ref="c"/></dependency><dependency ref="c"/></dependencies>"#
            ),
        ),
        &["a -> b", "b -> c"],
    );
    // The 1.1 dependency-graph extension: trees at the top level and inside components.
    let graph = r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.1" xmlns:dg="http://cyclonedx.org/schema/ext/dependency-graph/1.0">
        <components>
          <component type="library" bom-ref="1"><name>a</name>
            <dg:dependencies><dg:dependency ref="4"><dg:dependency ref="3"/></dg:dependency></dg:dependencies></component>
          <component type="library" bom-ref="2"><name>b</name></component>
          <component type="library" bom-ref="3"><name>c</name></component>
          <component type="library" bom-ref="4"><name>d</name></component>
        </components>
        <dg:dependencies><dg:dependency ref="2"><dg:dependency ref="3"><dg:dependency ref="4"/></dg:dependency></dg:dependency></dg:dependencies>
    </bom>"#;
    check_edges(graph, &["a -> d", "b -> c", "c -> d", "d -> c"]);
    check_problems(graph, &[]);
}

// --- problems ---

#[test]
fn duplicate_refs_are_reported_at_the_second_use() {
    check_problems(
        &json_16(
            r#""metadata": {"component": {"type": "application", "bom-ref": "x", "name": "app"}},
               "components": [{"type": "library", "bom-ref": "x", "name": "a"},
                              {"type": "library", "bom-ref": "y", "name": "b", "components": [{"type": "library", "bom-ref": "y", "name": "c"}]}],
               "services": [{"bom-ref": "b2", "name": "s"}, {"bom-ref": "y", "name": "t"}]"#,
        ),
        &[
            "error sbom-duplicate-ref /components/0/bom-ref",
            "error sbom-duplicate-ref /components/1/components/0/bom-ref",
            "error sbom-duplicate-ref /services/1/bom-ref",
        ],
    );
    check_problems(
        &xml(
            "1.1",
            r#"<components><component type="library" bom-ref="123"><name>a</name><components>
               <component type="library" bom-ref="123"><name>b</name></component></components></component></components>"#,
        ),
        &["error sbom-duplicate-ref /bom/components/component[1]/components/component[1]/@bom-ref"],
    );
}

#[test]
fn dangling_refs_and_repeated_dependencies_are_reported_with_their_paths() {
    check_problems(
        &json_16(&format!(
            r#"{THREE_JSON}, "dependencies": [
                {{"ref": "a", "dependsOn": ["b", "nowhere"]}},
                {{"ref": "ghost", "dependsOn": ["c"]}},
                {{"ref": "a", "dependsOn": ["c"]}},
                {{"dependsOn": ["phantom"]}}]"#
        )),
        &[
            "error sbom-dangling-ref /dependencies/0/dependsOn/1",
            "error sbom-dangling-ref /dependencies/1/ref",
            "error sbom-duplicate-dependency /dependencies/2/ref",
            "error cyclonedx-missing-field /dependencies/3",
            "error sbom-dangling-ref /dependencies/3/dependsOn/0",
        ],
    );
    check_problems(
        &xml(
            "1.6",
            &format!(
                r#"{THREE_XML}<dependencies><dependency ref="a"><dependency ref="nowhere"/></dependency>
                   <dependency ref=""/><dependency/><dependency ref="a"/></dependencies>"#
            ),
        ),
        &[
            "error sbom-dangling-ref /bom/dependencies/dependency[1]/dependency[1]/@ref",
            "error sbom-dangling-ref /bom/dependencies/dependency[2]/@ref",
            "error cyclonedx-missing-field /bom/dependencies/dependency[3]",
            "error sbom-duplicate-dependency /bom/dependencies/dependency[4]/@ref",
        ],
    );
    // The dependency-graph extension: a dangling ref deep in a tree.
    check_problems(
        r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.1" xmlns:dg="http://cyclonedx.org/schema/ext/dependency-graph/1.0">
           <components><component type="library" bom-ref="1"><name>a</name></component></components>
           <dg:dependencies><dg:dependency ref="1"><dg:dependency ref="1"><dg:dependency ref="9"/></dg:dependency></dg:dependency></dg:dependencies></bom>"#,
        &["error sbom-dangling-ref /bom/dg:dependencies/dg:dependency[1]/dg:dependency[1]/dg:dependency[1]/@ref"],
    );
}

#[test]
fn a_component_without_a_name_is_skipped_but_its_parts_and_ref_remain() {
    let json = json_16(
        r#""components": [{"type": "library", "bom-ref": "nameless", "components": [{"type": "file", "name": "part"}]}],
           "dependencies": [{"ref": "nameless", "dependsOn": []}]"#,
    );
    check_problems(&json, &["error cyclonedx-component-without-name /components/0"]);
    check_components(&json, &["0 /components/0/components/0 type=file name=part"]);
    let xml = xml("1.6", r#"<components><component type="library"><version>1</version></component></components>"#);
    check_problems(&xml, &["error cyclonedx-component-without-name /bom/components/component[1]"]);
    check_components(&xml, &[]);
}

#[test]
fn values_of_the_wrong_type_are_skipped_and_reported() {
    let json = json_16(
        r#""components": [
            {"type": "library", "name": "a", "version": 1, "hashes": {"alg": "MD5"}, "supplier": "Acme",
             "licenses": [{"license": {"url": "x"}}, 7], "properties": [{"value": "v"}],
             "externalReferences": [{"url": "https://x.example"}], "bom-ref": ""},
            "not an object",
            {"type": "library", "name": 42}],
           "dependencies": {"ref": "a"}"#,
    );
    check_problems(
        &json,
        &[
            "error cyclonedx-wrong-type /components/0/version",
            "error cyclonedx-wrong-type /components/0/hashes",
            "error cyclonedx-wrong-type /components/0/supplier",
            "error cyclonedx-missing-field /components/0/licenses/0",
            "error cyclonedx-wrong-type /components/0/licenses/1",
            "error cyclonedx-missing-field /components/0/properties/0",
            "error cyclonedx-missing-field /components/0/externalReferences/0",
            "warning cyclonedx-empty-ref /components/0/bom-ref",
            "error cyclonedx-wrong-type /components/1",
            "error cyclonedx-wrong-type /components/2/name",
            "error cyclonedx-component-without-name /components/2",
            "error cyclonedx-wrong-type /dependencies",
        ],
    );
    check_components(&json, &["0 /components/0 type=library name=a"]);
}

#[test]
fn json_pointers_escape_member_names() {
    let json = json_16(r#""metadata": {"component": {"type": "application", "name": "app", "group": ["x"]}}"#);
    check_problems(&json, &["error cyclonedx-wrong-type /metadata/component/group"]);
    let root = Ptr::Root;
    let list = root.key("components");
    assert_eq!(list.index(3).key("a/b~c").render(), "/components/3/a~1b~0c");
}

#[test]
fn xml_nesting_deeper_than_the_bound_is_cut_and_reported() {
    let depth = MAX_DEPTH + 10;
    let mut body = String::new();
    for i in 0..depth {
        body.push_str(&format!(r#"<components><component type="library"><name>c{i}</name>"#));
    }
    for _ in 0..depth {
        body.push_str("</component></components>");
    }
    let nested = read(&xml("1.6", &body));
    assert_eq!(nested.sbom.components.len(), MAX_DEPTH);
    let codes: Vec<&str> = nested.problems.iter().map(|p| p.code).collect();
    assert_eq!(codes, ["cyclonedx-too-deep"]);
    // Deep dependency-graph trees are cut the same way.
    let mut tree = String::new();
    for _ in 0..depth {
        tree.push_str(r#"<dg:dependency ref="1">"#);
    }
    for _ in 0..depth {
        tree.push_str("</dg:dependency>");
    }
    let graph = format!(
        r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.1" xmlns:dg="http://cyclonedx.org/schema/ext/dependency-graph/1.0">
           <components><component type="library" bom-ref="1"><name>a</name></component></components>
           <dg:dependencies>{tree}</dg:dependencies></bom>"#
    );
    let deep = read(&graph);
    assert_eq!(deep.problems.iter().map(|p| p.code).collect::<Vec<_>>(), ["cyclonedx-too-deep"]);
    assert_eq!(deep.sbom.dependencies, [Dependency { from: 0, to: 0 }]);
}

#[test]
fn problem_codes_are_unique_and_listed() {
    let mut codes = CYCLONEDX_PROBLEM_CODES.to_vec();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), CYCLONEDX_PROBLEM_CODES.len());
    assert_eq!(
        CYCLONEDX_PROBLEM_CODES,
        [
            "sbom-duplicate-ref",
            "sbom-dangling-ref",
            "sbom-duplicate-dependency",
            "cyclonedx-wrong-type",
            "cyclonedx-missing-field",
            "cyclonedx-component-without-name",
            "cyclonedx-empty-ref",
            "cyclonedx-too-deep",
            "cyclonedx-too-many-problems",
        ]
    );
}

#[test]
fn problems_past_the_bound_are_counted_not_listed() {
    let components = vec!["1"; MAX_PROBLEMS + 5].join(",");
    let read = read(&json_16(&format!(r#""components": [{components}]"#)));
    assert_eq!(read.problems.len(), MAX_PROBLEMS + 1);
    let last = read.problems.last().unwrap();
    assert_eq!((last.code, last.message.as_str()), ("cyclonedx-too-many-problems", "5 more problems are not listed"));
}

// --- writer ---

fn written(sbom: &Sbom) -> serde_json::Value {
    serde_json::from_slice(&write_json_1_6(sbom)).expect("the writer writes JSON")
}

/// Checks the value at `pointer` in what the writer makes of `sbom`.
fn check_written(sbom: &Sbom, pointer: &str, expected: serde_json::Value) {
    let value = written(sbom);
    assert_eq!(value.pointer(pointer), Some(&expected), "{pointer} in {value:#}");
}

fn component(name: &str) -> Component {
    Component { name: name.into(), ..Component::default() }
}

fn sbom_of(components: Vec<Component>) -> Sbom {
    Sbom { components, ..Sbom::default() }
}

#[test]
fn writer_maps_types_scopes_and_external_references_to_the_1_6_values() {
    let kinds = ["LIBRARY", "operatingSystem", "device_driver", "Machine-Learning-Model", "SOURCE"];
    let sbom = sbom_of(
        kinds
            .iter()
            .map(|kind| Component {
                kind: Some((*kind).into()),
                scope: Some("runtime".into()),
                external_references: vec![
                    ExternalReference { kind: "website".into(), url: "https://x.example".into() },
                    ExternalReference { kind: "purl".into(), url: "pkg:npm/x".into() },
                    ExternalReference { kind: "vcs".into(), url: String::new() },
                ],
                ..component("c")
            })
            .collect(),
    );
    let value = written(&sbom);
    let types: Vec<&str> =
        value["components"].as_array().unwrap().iter().map(|c| c["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["library", "operating-system", "device-driver", "machine-learning-model", "library"]);
    assert_eq!(value.pointer("/components/0/scope"), None);
    check_written(
        &sbom,
        "/components/0/externalReferences",
        serde_json::json!([
            {"url": "https://x.example", "type": "website"},
            {"url": "pkg:npm/x", "comment": "type: purl", "type": "other"}
        ]),
    );
}

#[test]
fn writer_keeps_only_hashes_the_schema_accepts() {
    let hash = |algorithm: HashAlgorithm, value: &str| Hash { algorithm, value: value.into() };
    let sbom = sbom_of(vec![Component {
        hashes: vec![
            hash(HashAlgorithm::Sha256, &"AB".repeat(32)),
            hash(HashAlgorithm::Sha224, &"ab".repeat(28)),
            hash(HashAlgorithm::Other("SHA-999".into()), &"ab".repeat(32)),
            hash(HashAlgorithm::Md5, "not-hex-at-all-not-hex-at-all-xx"),
            hash(HashAlgorithm::Sha1, "abc"),
            hash(HashAlgorithm::Blake3, &"cd".repeat(32)),
        ],
        ..component("c")
    }]);
    check_written(
        &sbom,
        "/components/0/hashes",
        serde_json::json!([{"alg": "SHA-256", "content": "ab".repeat(32)}, {"alg": "BLAKE3", "content": "cd".repeat(32)}]),
    );
}

#[test]
fn writer_chooses_the_licence_shape_the_schema_accepts() {
    let with = |licenses: &[&str]| {
        let sbom =
            sbom_of(vec![Component { licenses: licenses.iter().map(|l| (*l).into()).collect(), ..component("c") }]);
        written(&sbom)["components"][0]["licenses"].clone()
    };
    assert_eq!(with(&["MIT OR Apache-2.0"]), serde_json::json!([{"expression": "MIT OR Apache-2.0"}]));
    assert_eq!(with(&["LicenseRef-acme"]), serde_json::json!([{"expression": "LicenseRef-acme"}]));
    assert_eq!(with(&["MIT"]), serde_json::json!([{"license": {"id": "MIT"}}]));
    assert_eq!(with(&["Apache License 2.0"]), serde_json::json!([{"license": {"name": "Apache License 2.0"}}]));
    assert_eq!(
        with(&["MIT", "GPL-2.0-only WITH Classpath-exception-2.0", "Acme"]),
        serde_json::json!([
            {"license": {"id": "MIT"}},
            {"license": {"name": "GPL-2.0-only WITH Classpath-exception-2.0"}},
            {"license": {"name": "Acme"}}
        ])
    );
    assert_eq!(with(&[]), serde_json::Value::Null);
}

#[test]
fn writer_gives_every_component_a_unique_bom_ref() {
    let with_ref =
        |name: &str, reference: Option<&str>| Component { reference: reference.map(str::to_owned), ..component(name) };
    let sbom = Sbom {
        components: vec![
            with_ref("a", Some("x")),
            with_ref("b", Some("x")),
            with_ref("c", Some("")),
            with_ref("d", None),
            with_ref("e", Some("component-3")),
        ],
        dependencies: vec![
            Dependency { from: 1, to: 3 },
            Dependency { from: 1, to: 3 },
            Dependency { from: 0, to: 99 },
        ],
        ..Sbom::default()
    };
    let value = written(&sbom);
    let refs: Vec<&str> =
        value["components"].as_array().unwrap().iter().map(|c| c["bom-ref"].as_str().unwrap()).collect();
    assert_eq!(refs, ["x", "component-1", "component-2", "component-3-1", "component-3"]);
    assert_eq!(value["dependencies"], serde_json::json!([{"ref": "component-1", "dependsOn": ["component-3-1"]}]));
}

#[test]
fn writer_serial_number_is_kept_when_a_urn_uuid_and_derived_from_the_content_otherwise() {
    let serial = |sbom: &Sbom| written(sbom)["serialNumber"].as_str().unwrap().to_owned();
    let mut sbom = sbom_of(vec![component("a")]);
    sbom.serial_number = Some("urn:uuid:3E671687-395B-41F5-A30F-A58921A69B79".into());
    assert_eq!(serial(&sbom), "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79");
    sbom.serial_number = Some("https://spdx.example/doc-1".into());
    let derived = serial(&sbom);
    assert_eq!(derived, serial(&sbom), "the same content gives the same serial number");
    let shape =
        regex::Regex::new("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$").unwrap();
    assert!(shape.is_match(&derived), "{derived}");
    sbom.components.push(component("b"));
    assert_ne!(serial(&sbom), derived, "other content, another serial number");
    assert_eq!(write_json_1_6(&sbom), write_json_1_6(&sbom));
}

#[test]
fn writer_metadata_keeps_only_values_the_schema_accepts() {
    let mut sbom = sbom_of(vec![Component { subject_only: true, ..component("app") }, component("lib")]);
    sbom.document_version = Some("zero".into());
    sbom.metadata = Metadata {
        authors: vec!["Jane".into()],
        tools: vec![Tool { vendor: Some("Acme".into()), name: "gen".into(), version: Some("2".into()) }],
        timestamp: Some("yesterday".into()),
        lifecycles: vec!["build".into(), "testing".into()],
        supplier: Some("Acme".into()),
        subject: Some(0),
        data_license: Some("CC0-1.0".into()),
    };
    let value = written(&sbom);
    assert_eq!(value["version"], 1);
    assert_eq!(
        value["metadata"],
        serde_json::json!({
            "lifecycles": [{"phase": "build"}, {"name": "testing"}],
            "tools": {"components": [{"type": "application", "group": "Acme", "name": "gen", "version": "2"}]},
            "authors": [{"name": "Jane"}],
            "component": {"type": "library", "bom-ref": "component-0", "name": "app"},
            "supplier": {"name": "Acme"},
            "licenses": [{"license": {"id": "CC0-1.0"}}]
        })
    );
    assert_eq!(value["components"], serde_json::json!([{"type": "library", "bom-ref": "component-1", "name": "lib"}]));
    sbom.metadata.timestamp = Some("2024-05-01T10:00:00+02:00".into());
    check_written(&sbom, "/metadata/timestamp", serde_json::json!("2024-05-01T10:00:00+02:00"));
}

#[test]
fn writer_nests_by_parent_and_survives_broken_or_deep_parent_links() {
    // 0 ─ 1 ─ 2      3 (parent 5: listed after it, so written at the top level)
    let mut components = vec![component("a"), component("b"), component("c"), component("d")];
    components[1].parent = Some(0);
    components[2].parent = Some(1);
    components[3].parent = Some(5);
    let value = written(&sbom_of(components));
    assert_eq!(value.pointer("/components/0/components/0/components/0/name"), Some(&serde_json::json!("c")));
    assert_eq!(value.pointer("/components/1/name"), Some(&serde_json::json!("d")));

    // A chain 200 deep is cut into pieces the JSON reader still accepts, nothing lost.
    let chain: Vec<Component> =
        (0..200usize).map(|i| Component { parent: i.checked_sub(1), ..component(&format!("c{i}")) }).collect();
    let sbom = sbom_of(chain);
    let bytes = write_json_1_6(&sbom);
    let doc = crate::json::parse(&bytes).expect("nesting stays within the parser's limit");
    let back = read_json(&doc, &Limits::default()).unwrap();
    assert_eq!(back.sbom.components.len(), 200);
    let max_depth = back.sbom.components.iter().map(|c| c.location.matches("/components/").count()).max().unwrap();
    assert_eq!(max_depth, MAX_WRITE_DEPTH);
}

#[test]
fn writer_round_trips_a_model_with_every_field() {
    let input = json_16(
        r#""serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "metadata": {"timestamp": "2024-05-01T10:00:00Z", "authors": [{"name": "Jane"}], "lifecycles": [{"phase": "build"}],
            "tools": [{"vendor": "Acme", "name": "gen", "version": "1"}], "supplier": {"name": "Acme"},
            "component": {"type": "application", "bom-ref": "app", "name": "app", "components": [{"type": "library", "name": "part"}]}},
        "components": [{"type": "library", "bom-ref": "lib", "group": "g", "name": "lib", "version": "1",
            "purl": "pkg:npm/g/lib@1", "cpe": "cpe:/a:g:lib:1", "swid": {"tagId": "t", "name": "lib"},
            "omniborId": ["gitoid:blob:sha1:261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64"],
            "supplier": {"name": "S"}, "manufacturer": {"name": "M"}, "authors": [{"name": "A"}], "publisher": "P",
            "hashes": [{"alg": "SHA-1", "content": "25ed8e31b995bb927966616df2a42b979a2717f0"}],
            "licenses": [{"license": {"id": "MIT"}}, {"license": {"name": "Other"}}], "copyright": "C", "description": "D",
            "scope": "excluded", "externalReferences": [{"type": "vcs", "url": "https://v.example"}],
            "properties": [{"name": "k", "value": "v"}]}],
        "dependencies": [{"ref": "app", "dependsOn": ["lib"]}, {"ref": "lib", "dependsOn": []}]"#,
    );
    let original = read(&input);
    assert!(original.problems.is_empty(), "{:?}", original.problems);
    let bytes = write_json_1_6(&original.sbom);
    let back = read_json(&crate::json::parse(&bytes).unwrap(), &Limits::default()).unwrap();
    assert!(back.problems.is_empty(), "{:?}", back.problems);
    let mut expected = original.sbom.clone();
    expected.components[1].reference = Some("component-1".into());
    expected.kind = back.sbom.kind.clone();
    assert_eq!(back.sbom, expected);
    assert_eq!(back.sbom.components[2].properties, [Property { name: "k".into(), value: "v".into() }]);
}
