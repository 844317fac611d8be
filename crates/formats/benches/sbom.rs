//! CycloneDX JSON read + validate throughput against a plain `serde_json::Value` parse of the
//! same bytes, side by side, on a large SBOM made of real component records: every
//! component (and its dependency entry) of the CycloneDX JSON SBOMs in the public
//! bom-examples, repeated with distinct bom-refs until the document has at least 50,000
//! components and 50 MB. The target is a ratio of at least 0.5 (our full read, with the
//! bundled schema and the semantic checks, at half the speed of a bare parse or better).
//!
//! The document is also written to `$CARGO_TARGET_DIR/sbom-bench/large.cdx.json` (or the
//! path in `CHAINWARD_BENCH_SBOM`) for the ingest benchmark of `cargo xtask bench`.
//! Run with `cargo xtask bench` or `cargo bench -p chainward-formats --bench sbom`.

// Reading a `serde_json::Value` by key never panics (a missing key reads as null).
#![allow(clippy::indexing_slicing)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chainward_formats::sbom::{LoadConfig, load};
use serde_json::{Value, json};

const MIN_COMPONENTS: usize = 50_000;
const MIN_BYTES: usize = 50_000_000;
const RUNS: usize = 5;

fn data_dir() -> PathBuf {
    std::env::var_os("CHAINWARD_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// Real component records and their dependency entries from every JSON SBOM of the examples.
fn real_records() -> Result<(Vec<Value>, Vec<Value>), String> {
    let folder = data_dir().join("cyclonedx/bom-examples/SBOM");
    let mut components = Vec::new();
    let mut dependencies = Vec::new();
    let mut stack = vec![folder.clone()];
    let mut files = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    for path in files {
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        let Ok(doc) = serde_json::from_slice::<Value>(&bytes) else { continue };
        if doc["bomFormat"] != "CycloneDX" {
            continue;
        }
        // Each example's references get its own suffix: examples share package references.
        let suffix = format!("#{}", components.len());
        let mut seen = std::collections::HashSet::new();
        for mut component in doc["components"].as_array().cloned().unwrap_or_default() {
            suffix_refs(&mut component, &suffix);
            // Some examples list a component twice; a document must not.
            if seen.insert(component["bom-ref"].as_str().unwrap_or_default().to_owned()) {
                components.push(component);
            }
        }
        for mut dependency in doc["dependencies"].as_array().cloned().unwrap_or_default() {
            suffix_refs(&mut dependency, &suffix);
            dependencies.push(dependency);
        }
    }
    if components.is_empty() {
        return Err(format!("no CycloneDX JSON SBOMs under {}", folder.display()));
    }
    Ok((components, dependencies))
}

fn suffix_refs(value: &mut Value, suffix: &str) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "bom-ref" || key == "ref" {
                    if let Value::String(s) = v {
                        s.push_str(suffix);
                    }
                } else if key == "dependsOn" {
                    if let Value::Array(items) = v {
                        for item in items {
                            if let Value::String(s) = item {
                                s.push_str(suffix);
                            }
                        }
                    }
                } else {
                    suffix_refs(v, suffix);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| suffix_refs(v, suffix)),
        _ => {}
    }
}

/// The large document: copies of the real records with distinct references.
fn large_sbom() -> Result<(Vec<u8>, usize), String> {
    let (components, dependencies) = real_records()?;
    let mut all_components = Vec::new();
    let mut all_dependencies = Vec::new();
    let mut copy = 0;
    let mut bytes_estimate = 0;
    while all_components.len() < MIN_COMPONENTS || bytes_estimate < MIN_BYTES {
        let suffix = format!("#copy-{copy}");
        for component in &components {
            let mut c = component.clone();
            suffix_refs(&mut c, &suffix);
            bytes_estimate += c.to_string().len();
            all_components.push(c);
        }
        for dependency in &dependencies {
            let mut d = dependency.clone();
            suffix_refs(&mut d, &suffix);
            all_dependencies.push(d);
        }
        copy += 1;
    }
    // Every dependency must name a component: keep those whose refs all exist.
    let refs: std::collections::HashSet<String> =
        all_components.iter().filter_map(|c| c["bom-ref"].as_str().map(str::to_owned)).collect();
    all_dependencies.retain(|d| d["ref"].as_str().is_some_and(|r| refs.contains(r)));
    for d in &mut all_dependencies {
        if let Some(items) = d.get_mut("dependsOn").and_then(Value::as_array_mut) {
            items.retain(|r| r.as_str().is_some_and(|r| refs.contains(r)));
        }
    }
    fn count(components: &[Value]) -> usize {
        components.iter().map(|c| 1 + c["components"].as_array().map_or(0, |nested| count(nested))).sum()
    }
    let n = count(&all_components);
    let doc = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "version": 1,
        "metadata": {
            "timestamp": "2026-12-02T00:00:00Z",
            "tools": {"components": [{"type": "application", "name": "chainward-bench", "version": "1"}]},
            "component": {"type": "application", "name": "large-product", "version": "1.0.0", "bom-ref": "large-product"}
        },
        "components": all_components,
        "dependencies": all_dependencies,
    });
    Ok((serde_json::to_vec(&doc).map_err(|e| e.to_string())?, n))
}

fn main() -> Result<(), String> {
    // Test runners list a target's tests first (`--list`): a benchmark has none. Measure only
    // when invoked as a benchmark.
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    if !std::env::args().any(|a| a == "--bench") {
        println!("sbom benchmark: run with `cargo xtask bench` (skipped in test mode)");
        return Ok(());
    }
    let (bytes, n_components) = large_sbom()?;
    let out = std::env::var_os("CHAINWARD_BENCH_SBOM").map(PathBuf::from).unwrap_or_else(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
        target.join("sbom-bench/large.cdx.json")
    });
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    std::fs::write(&out, &bytes).map_err(|e| e.to_string())?;

    let config = LoadConfig { limits: chainward_formats::sbom::Limits::default(), schema: true };
    let first = load(&bytes, &config).map_err(|e| e.to_string())?;
    let n_problems = first.read.problems.len();
    assert_eq!(first.read.sbom.n_components(), n_components, "the reader must see every component");
    drop(first);
    let mut plain = Vec::with_capacity(RUNS);
    let mut ours = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        plain.push(start.elapsed());
        drop(value);
        let start = Instant::now();
        let loaded = load(&bytes, &config).map_err(|e| e.to_string())?;
        ours.push(start.elapsed());
        assert_eq!(loaded.read.problems.len(), n_problems);
        drop(loaded);
    }
    let (plain, ours) = (median(plain), median(ours));
    let mb = bytes.len() as f64 / 1e6;
    let ratio = plain.as_secs_f64() / ours.as_secs_f64();
    println!(
        "cyclonedx json read+validate: {mb:.1} MB, {n_components} components, {n_problems} problems; \
         serde_json::Value parse {:.0} ms ({:.0} MB/s), chainward load (parse + schema + read + checks) {:.0} ms \
         ({:.0} MB/s); throughput ratio {ratio:.2} (target >= 0.50: {})",
        plain.as_secs_f64() * 1e3,
        mb / plain.as_secs_f64(),
        ours.as_secs_f64() * 1e3,
        mb / ours.as_secs_f64(),
        if ratio >= 0.5 { "met" } else { "NOT met" }
    );
    println!("large SBOM written to {}", out.display());
    Ok(())
}
