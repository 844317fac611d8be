//! Fuzz target: `read_vex` (CycloneDX, OpenVEX, CSAF) never panics and reports only listed
//! problem codes; the well-formed statements it reads write out as CycloneDX VEX and as
//! OpenVEX, and both read back with the same number of statements.

#![no_main]

use chainward_formats::vex::{CODES, ExportStatement, VexExport, VexExportProduct, read_vex, write_cyclonedx_vex, write_openvex};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((document, problems)) = read_vex(data) else { return };
    assert!(problems.iter().all(|p| CODES.contains(&p.code)), "every problem code is listed");
    let statements: Vec<ExportStatement> = document
        .statements
        .iter()
        .filter(|s| s.triage.check().is_ok())
        .flat_map(|s| {
            s.products.iter().filter_map(|p| p.purl.clone()).map(move |purl| ExportStatement {
                vulnerability: s.vulnerability.clone(),
                aliases: s.aliases.clone(),
                component_name: purl.clone(),
                component_purl: purl,
                component_version: None,
                triage: s.triage.clone(),
                source_url: None,
            })
        })
        .collect();
    if statements.is_empty() {
        return;
    }
    let export = VexExport {
        id: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79".into(),
        author: "fuzz".into(),
        timestamp: "2025-01-01T00:00:00Z".into(),
        product: VexExportProduct { name: "product".into(), version: "1".into(), purl: Some("pkg:generic/product@1".into()) },
        statements,
    };
    for written in [write_cyclonedx_vex(&export), write_openvex(&export)] {
        let (again, _) = read_vex(written.as_bytes()).expect("the writers write readable VEX");
        assert_eq!(again.statements.len(), export.statements.len(), "one statement read back per statement written");
    }
});
