//! Bundles the official schemas (CycloneDX JSON schemas and XSDs, SPDX JSON schemas, the
//! SWID XSD) into the binary, so that validation needs no network and no files at run time.
//!
//! The schemas are not copied into this repository: they are read at build time from the
//! public test data folder, `CHAINWARD_DATA` (default `../shared/data` beside the checkout),
//! the same setting the tests use. A build without it stops with a message saying so.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// (name the code looks up, path under the data folder)
const SCHEMAS: &[(&str, &str)] = &[
    ("bom-1.0.xsd", "cyclonedx/specification/schema/bom-1.0.xsd"),
    ("bom-1.1.xsd", "cyclonedx/specification/schema/bom-1.1.xsd"),
    ("bom-1.2.xsd", "cyclonedx/specification/schema/bom-1.2.xsd"),
    ("bom-1.3.xsd", "cyclonedx/specification/schema/bom-1.3.xsd"),
    ("bom-1.4.xsd", "cyclonedx/specification/schema/bom-1.4.xsd"),
    ("bom-1.5.xsd", "cyclonedx/specification/schema/bom-1.5.xsd"),
    ("bom-1.6.xsd", "cyclonedx/specification/schema/bom-1.6.xsd"),
    ("bom-1.7.xsd", "cyclonedx/specification/schema/bom-1.7.xsd"),
    ("spdx.xsd", "cyclonedx/specification/schema/spdx.xsd"),
    ("ext/dependency-graph-1.0.xsd", "cyclonedx/specification/schema/ext/dependency-graph-1.0.xsd"),
    ("ext/vulnerability-1.0.xsd", "cyclonedx/specification/schema/ext/vulnerability-1.0.xsd"),
    ("ext/bom-descriptor-1.0.xsd", "cyclonedx/specification/schema/ext/bom-descriptor-1.0.xsd"),
    ("bom-1.2.schema.json", "cyclonedx/specification/schema/bom-1.2.schema.json"),
    ("bom-1.2-strict.schema.json", "cyclonedx/specification/schema/bom-1.2-strict.schema.json"),
    ("bom-1.3.schema.json", "cyclonedx/specification/schema/bom-1.3.schema.json"),
    ("bom-1.3-strict.schema.json", "cyclonedx/specification/schema/bom-1.3-strict.schema.json"),
    ("bom-1.4.schema.json", "cyclonedx/specification/schema/bom-1.4.schema.json"),
    ("bom-1.5.schema.json", "cyclonedx/specification/schema/bom-1.5.schema.json"),
    ("bom-1.6.schema.json", "cyclonedx/specification/schema/bom-1.6.schema.json"),
    ("bom-1.7.schema.json", "cyclonedx/specification/schema/bom-1.7.schema.json"),
    ("spdx.schema.json", "cyclonedx/specification/schema/spdx.schema.json"),
    ("jsf-0.82.schema.json", "cyclonedx/specification/schema/jsf-0.82.schema.json"),
    ("cryptography-defs.schema.json", "cyclonedx/specification/schema/cryptography-defs.schema.json"),
    ("cryptography-defs.json", "cyclonedx/specification/schema/cryptography-defs.json"),
    ("spdx-2.2.schema.json", "spdx/spec-2.2/spdx-schema.json"),
    ("spdx-2.3.schema.json", "spdx/spec-2.3/spdx-schema.json"),
    ("spdx-3.0.1.schema.json", "spdx/spec-3.0.1/spdx-3.0.1-schema.json"),
    ("swid-2015.xsd", "swid/nist-swid-tools/swidval/src/main/xsd/swid-schema-20151006.xsd"),
];

fn main() {
    println!("cargo:rerun-if-env-changed=CHAINWARD_DATA");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let data =
        std::env::var_os("CHAINWARD_DATA").map(PathBuf::from).unwrap_or_else(|| manifest.join("../../../shared/data"));
    let mut code =
        String::from("/// The bundled schemas: (name, content).\npub static SCHEMAS: &[(&str, &[u8])] = &[\n");
    let mut missing = Vec::new();
    for (name, relative) in SCHEMAS {
        let path = data.join(relative);
        println!("cargo:rerun-if-changed={}", path.display());
        match absolute(&path) {
            Some(path) => {
                let _ = writeln!(code, "    ({name:?}, include_bytes!({:?})),", path.display().to_string());
            }
            None => missing.push(path.display().to_string()),
        }
    }
    code.push_str("];\n");
    if !missing.is_empty() {
        eprintln!(
            "chainward-formats: the official schemas are bundled from the public test data at build \
             time, and these are missing (set CHAINWARD_DATA to the shared data folder):"
        );
        for path in &missing {
            eprintln!("  {path}");
        }
        std::process::exit(1);
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("schemas.rs");
    if let Err(error) = std::fs::write(&out, code) {
        eprintln!("chainward-formats: cannot write {}: {error}", out.display());
        std::process::exit(1);
    }
}

fn absolute(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok().filter(|p| p.is_file())
}
