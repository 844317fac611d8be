//! Every file of the shared SWID data (`swid/`): tags, signed tags, the rpm repository
//! wrapper and tag templates are read; everything else (Decima unit tests and templates,
//! requirement files, schemas, Schematron, CDDL, certificates, licences, the OneGet JSON-LD
//! drafts) is refused with a reason that says what the file is. Then folders of tags read as
//! one SBOM with supplemental tags attached to their primary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

use chainward_formats::sbom::{Limits, swid};

use crate::data::{data_dir, files_under};

/// What a file must give.
#[derive(Debug, PartialEq, Eq)]
enum Expected {
    /// Read, with this many components.
    Read(usize),
    /// Refused, the reason containing this.
    Refused(&'static str),
}

/// The expected outcome for a file, by its place and name in the data folder.
fn expected(relative: &str) -> Expected {
    let name = relative.rsplit('/').next().unwrap();
    match relative {
        r if r.contains("/unit-tests/") => Expected::Refused("Decima content unit test"),
        r if r.contains("/templates/primary-") => Expected::Refused("Decima tag template"),
        r if r.contains("/templates/") || r.contains("/other/") => Expected::Read(1),
        r if r.ends_with("requirements.xml") => Expected::Refused("Decima requirements"),
        r if r.ends_with(".sch") => Expected::Refused("Schematron"),
        r if r.ends_with("swidval-catalog.xml") => Expected::Refused("XML catalog"),
        // The OneGet "schema" is an XML declaration and nothing else.
        "oneget-swidtag-draft/Test/Samples/swidtag.xsd" => Expected::Refused("not valid XML"),
        r if r.ends_with(".xsd") => Expected::Refused("XML Schema"),
        r if r.ends_with(".json") => Expected::Refused("SWID JSON-LD is not supported"),
        r if r.ends_with(".crt") => Expected::Refused("PEM certificate"),
        r if r.ends_with(".cddl") || name.starts_with("LICENSE") => Expected::Refused("not XML"),
        // 6 packages, 8 tags: two are supplemental to a distribution tag that is not there.
        r if r.contains("repodata-swidtags-") => Expected::Read(8),
        "rpm2swidtag/swidtag-template.xml" => Expected::Read(1),
        r if r.starts_with("rpm2swidtag/tests/") || r.starts_with("oneget-swidtag-draft/Test/Samples/") => {
            Expected::Read(1)
        }
        other => panic!("no expectation for {other}: add one"),
    }
}

#[test]
fn every_swid_file_is_read_or_refused_for_what_it_is() {
    let root = data_dir().join("swid");
    let limits = Limits::default();
    let files = files_under(&root);
    let (mut read, mut refused) = (0, 0);
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let outcome = swid::read_file(&std::fs::read(path).unwrap(), &limits);
        match (expected(&relative), outcome) {
            (Expected::Read(n), Ok(result)) if result.sbom.components.len() == n => read += 1,
            (Expected::Refused(reason), Err(error)) if error.to_string().contains(reason) => {
                refused += 1;
                *reasons.entry(reason.to_owned()).or_default() += 1;
            }
            (expected, Ok(result)) => failures
                .push(format!("{relative}: expected {expected:?}, read {} components", result.sbom.components.len())),
            (expected, Err(error)) => failures.push(format!("{relative}: expected {expected:?}, refused: {error}")),
        }
    }
    let reasons: Vec<String> = reasons.iter().map(|(reason, n)| format!("{n} {reason}")).collect();
    println!("swid: read {read}, rejected {refused} ({}), total {}", reasons.join(", "), files.len());
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(files.len(), 111, "the data folder changed");
}

/// Every file under `dir`, as `read_tags` takes them (names relative to `dir`).
fn folder(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (name, std::fs::read(&path).unwrap())
        })
        .collect()
}

#[test]
fn a_folder_of_tags_is_one_sbom_with_supplemental_tags_attached_to_their_primary() {
    let dir = data_dir().join("swid/rpm2swidtag/tests/swiddata1");
    let tags = folder(&dir);
    let read = swid::read_tags(&tags, &Limits::default()).unwrap();
    let names: Vec<(&str, &str)> =
        read.sbom.components.iter().map(|c| (c.swid_tag_id.as_deref().unwrap_or_default(), c.name.as_str())).collect();
    // s12 reaches p2 through s2 (s2 and s12 link to each other, and s2 also to p2); s1 and
    // s11 supplement through swidpath: XPath links, which are not followed.
    assert_eq!(
        names,
        [
            ("test.a.Example-OS-Distro-3.x86_64", "Example OS Distribution"),
            ("test.a.minimal", "Minial SWID tag"),
            ("unavailable.invalid.pkg1-1.2.0-1.fc28.x86_64", "pkg1"),
            ("test.a.pkg3-1.0.0-1.x86_64", "pkg3"),
            ("test.a.qkg1-1.0.0-1.x86_64", "qkg1"),
            ("test.a.p1", "Primary SWID tag"),
            ("test.m.p2", "Primary SWID tag"),
            ("test.a.s1", "Supplementing p1 and p2"),
            ("test.a.s11", "Supplementing p1 and p2"),
        ]
    );
    let p2 = &read.sbom.components[6];
    let supplements: Vec<&str> =
        p2.properties.iter().filter(|p| p.name == "swid:supplemental").map(|p| p.value.as_str()).collect();
    assert_eq!(supplements, ["test.a.s12", "test.o.s2"]);
    assert!(p2.properties.iter().any(|p| p.name == "s1-attrib-sup" && p.value == "s12"));
    let unresolved: Vec<&str> =
        read.problems.iter().filter(|p| p.code == "swid-unresolved-link").map(|p| p.path.as_str()).collect();
    assert_eq!(unresolved, ["sup/s1.swidtag:/SoftwareIdentity", "sup/s11.swidtag:/SoftwareIdentity"]);
    println!("swid folder swiddata1: {} tags, {} components", tags.len(), read.sbom.components.len());
}

#[test]
fn supplemental_tags_of_supplemental_tags_reach_the_primary_and_components_link_as_edges() {
    let mut tags = folder(&data_dir().join("swid/rpm2swidtag/tests/swiddata2"));
    let distro = data_dir().join("swid/rpm2swidtag/tests/swiddata1/a.test/distro.swidtag");
    tags.push(("distro.swidtag".to_owned(), std::fs::read(distro).unwrap()));
    let pkg1 = "swid/rpm2swidtag/tests/pkg1/pkg1-1.3.0-1.fc28.x86_64-rpm-85a1c1a1f8ce5e66c4371d518dd716b2c289c5dea15bed8a3046970d02566e1a.swidtag";
    let component_of = "swid/rpm2swidtag/tests/pkg1/pkg1-1.3.0-1.fc28.x86_64.swidtag.supplemental-component-of-distro";
    tags.push(("pkg1.swidtag".to_owned(), std::fs::read(data_dir().join(pkg1)).unwrap()));
    tags.push(("component-of.swidtag".to_owned(), std::fs::read(data_dir().join(component_of)).unwrap()));
    let read = swid::read_tags(&tags, &Limits::default()).unwrap();
    let sbom = &read.sbom;
    let index = |tag_id: &str| sbom.components.iter().position(|c| c.swid_tag_id.as_deref() == Some(tag_id)).unwrap();
    let distro = index("test.a.Example-OS-Distro-3.x86_64");
    let supplements: Vec<&str> = sbom.components[distro]
        .properties
        .iter()
        .filter(|p| p.name == "swid:supplemental")
        .map(|p| p.value.as_str())
        .collect();
    assert_eq!(
        supplements,
        [
            "test.a.Example-OS-Distro-3.14.x86_64-sup2",
            "test.a.Example-OS-Distro-3.14.x86_64",
            "unavailable.invalid.pkg1-1.3.0-1.fc28.x86_64-component-of-test.a.Example-OS-Distro-3.x86_64",
        ]
    );
    // The supplemental tag says pkg1 is a component of the distribution.
    let pkg1 = index("unavailable.invalid.pkg1-1.3.0-1.fc28.x86_64");
    assert_eq!(sbom.dependencies, [chainward_core::sbom::Dependency { from: distro, to: pkg1 }]);
    let missing = index("test.a.Example-OS-Distro-3.15.x86_64");
    assert!(read.problems.iter().any(|p| p.code == "swid-unresolved-link" && p.path.starts_with("missing-tag")));
    assert!(missing < sbom.components.len());
}
