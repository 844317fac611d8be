//! XML Schema validation speed: the largest XML BOM of the public examples (keycloak,
//! CycloneDX 1.2, 2.4 MB) and a synthetic 24 MB one made of ten copies of its components,
//! each validated against the bundled CycloneDX XSD. Prints the median of parsing alone
//! (roxmltree, the floor any XML reader pays) and of parsing plus validation, and their
//! ratio. Run with `cargo xtask bench` or `cargo bench -p chainward-formats --bench xsd`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chainward_formats::xsd;

const NODES_LIMIT: u32 = 50_000_000;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn measure(name: &str, text: &str, runs: usize) -> Result<(), String> {
    let doc = xsd::parse(text, NODES_LIMIT).map_err(|e| e.to_string())?;
    let version = doc
        .root_element()
        .tag_name()
        .namespace()
        .and_then(|ns| ns.strip_prefix("http://cyclonedx.org/schema/bom/"))
        .ok_or("not a CycloneDX BOM")?
        .to_string();
    let set = xsd::cyclonedx(&version).map_err(|e| e.to_string())?;
    let problems = set.validate(&doc).len();
    let nodes = doc.descendants().count();
    drop(doc);
    let mut parse = Vec::with_capacity(runs);
    let mut both = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let doc = xsd::parse(text, NODES_LIMIT).map_err(|e| e.to_string())?;
        parse.push(start.elapsed());
        drop(doc);
        let start = Instant::now();
        let doc = xsd::parse(text, NODES_LIMIT).map_err(|e| e.to_string())?;
        let found = set.validate(&doc);
        both.push(start.elapsed());
        assert_eq!(found.len(), problems);
    }
    let (parse, both) = (median(parse), median(both));
    let validate = both.saturating_sub(parse);
    println!(
        "{name}: {:.1} MB, {nodes} nodes, {problems} problems; parse {:.1} ms, parse+validate {:.1} ms, \
         validation alone {:.1} ms = {:.2}x the parse",
        text.len() as f64 / 1e6,
        parse.as_secs_f64() * 1e3,
        both.as_secs_f64() * 1e3,
        validate.as_secs_f64() * 1e3,
        validate.as_secs_f64() / parse.as_secs_f64().max(1e-9),
    );
    Ok(())
}

fn main() -> Result<(), String> {
    // Test runners list a target's tests first (`--list`): a benchmark has none. Measure only
    // when invoked as a benchmark.
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    if !std::env::args().any(|a| a == "--bench") {
        println!("xsd benchmark: run with `cargo xtask bench` (skipped in test mode)");
        return Ok(());
    }
    let data = std::env::var_os("CHAINWARD_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let path = data.join("cyclonedx/bom-examples/SBOM/keycloak-10.0.2/bom.xml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let start = Instant::now();
    xsd::cyclonedx("1.2").map_err(|e| e.to_string())?;
    println!("compile bom-1.2.xsd with spdx.xsd and extensions: {:.1} ms", start.elapsed().as_secs_f64() * 1e3);
    let start = Instant::now();
    xsd::cyclonedx("1.7").map_err(|e| e.to_string())?;
    println!("compile bom-1.7.xsd with spdx.xsd and extensions: {:.1} ms", start.elapsed().as_secs_f64() * 1e3);
    measure("keycloak bom.xml", &text, 21)?;

    // Ten copies of the components, with bom-refs made unique so the document stays valid.
    let open = text.find("<components>").ok_or("no <components>")? + "<components>".len();
    let close = text.rfind("</components>").ok_or("no </components>")?;
    let components = text.get(open..close).ok_or("bad range")?;
    let mut big = String::with_capacity(text.len() * 10);
    big.push_str(text.get(..open).ok_or("bad range")?);
    for copy in 0..10 {
        big.push_str(&components.replace("bom-ref=\"", &format!("bom-ref=\"{copy}-")));
    }
    big.push_str(text.get(close..).ok_or("bad range")?);
    measure("keycloak components x10", &big, 5)
}
