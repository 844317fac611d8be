//! The official schemas, bundled into the binary at build time (see `build.rs`): CycloneDX
//! JSON schemas and XSDs of every version, the SPDX 2.2, 2.3 and 3.0.1 JSON schemas and the
//! ISO/IEC 19770-2:2015 SWID XSD.

include!(concat!(env!("OUT_DIR"), "/schemas.rs"));

/// The bundled schema named `name` (`bom-1.6.schema.json`, `bom-1.6.xsd`, `spdx.xsd`…).
pub fn schema(name: &str) -> Option<&'static [u8]> {
    SCHEMAS.iter().find(|(n, _)| *n == name).map(|(_, bytes)| *bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_schema_is_bundled_and_not_empty() {
        assert!(super::SCHEMAS.len() >= 28);
        for (name, bytes) in super::SCHEMAS {
            assert!(bytes.len() > 100, "{name}");
        }
        assert!(super::schema("bom-1.7.schema.json").is_some());
    }
}
