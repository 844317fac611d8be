//! How long the server and CLI take to get a graph out of the database: `Store::graph_input`
//! (the registry read in a handful of whole-table queries) plus `ChainGraph::build`, on a
//! synthetic registry imported through the store. Run with `cargo xtask bench`.
//!
//! Size: `CHAINWARD_BENCH_SUPPLIERS` suppliers (default 20,000) in 5 subcontracting layers,
//! half as many offerings, a fifth as many services using 5 offerings each, and 4
//! subcontracting links per supplier. PostgreSQL too when `CHAINWARD_TEST_POSTGRES` is set.

use std::time::{Duration, Instant};

use chainward_core::batch::{ImportMode, Line, OfferingRow, RegistryBatch, ServiceRow, SubcontractRow, UseRow};
use chainward_core::graph::ChainGraph;
use chainward_core::model::{OfferingKind, SupplierData, SupplierKind, Tier};

fn synthetic(n_suppliers: usize) -> RegistryBatch {
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: usize| {
        rng ^= rng >> 12;
        rng ^= rng << 25;
        rng ^= rng >> 27;
        (rng.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
    };
    let layers = 5;
    let per_layer = n_suppliers / layers;
    let supplier = |i: usize| format!("supplier {i}");
    let mut batch = RegistryBatch::default();
    for i in 0..n_suppliers {
        batch
            .suppliers
            .push(Line { line: i as u64 + 2, row: SupplierData::named(supplier(i), SupplierKind::SoftwareVendor) });
    }
    let mut links = std::collections::HashSet::new();
    for i in 0..per_layer * (layers - 1) {
        let layer = i / per_layer;
        for _ in 0..4 {
            let to = (layer + 1) * per_layer + next(per_layer);
            if links.insert((i, to)) {
                batch.subcontracts.push(Line {
                    line: batch.subcontracts.len() as u64 + 2,
                    row: SubcontractRow {
                        supplier: supplier(i),
                        subcontractor: supplier(to),
                        scope: "work".into(),
                        since: None,
                        handles_our_data: false,
                    },
                });
            }
        }
    }
    let n_offerings = n_suppliers / 2;
    for i in 0..n_offerings {
        batch.offerings.push(Line {
            line: i as u64 + 2,
            row: OfferingRow {
                supplier: supplier(next(per_layer)),
                name: format!("offering {i}"),
                kind: OfferingKind::Software,
                description: None,
            },
        });
    }
    for i in 0..n_suppliers / 5 {
        let name = format!("service {i}");
        batch.services.push(Line {
            line: i as u64 + 2,
            row: ServiceRow {
                name: name.clone(),
                owner: None,
                owner_email: None,
                rto_hours: None,
                criticality: Tier::ONE,
                description: None,
            },
        });
        let mut used = std::collections::HashSet::new();
        for _ in 0..5 {
            let o = next(n_offerings);
            if used.insert(o) {
                batch.uses.push(Line {
                    line: batch.uses.len() as u64 + 2,
                    row: UseRow {
                        service: name.clone(),
                        offering: format!("offering {o}"),
                        purpose: None,
                        alternatives: vec![],
                    },
                });
            }
        }
    }
    batch
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

async fn measure(label: &str, url: &str, batch: RegistryBatch) -> Result<(), Box<dyn std::error::Error>> {
    let store = chainward_store::open(url).await?;
    let rows = batch.len();
    let t = Instant::now();
    let report = store.import(batch, ImportMode::AllOrNothing).await?;
    if !report.problems.is_empty() {
        return Err(format!("synthetic import had problems: {:?}", report.problems.first()).into());
    }
    println!("{label}: imported {rows} rows in {:.1} s", t.elapsed().as_secs_f64());
    let mut load = Vec::new();
    let mut build = Vec::new();
    let mut shape = (0, 0);
    for _ in 0..5 {
        let t = Instant::now();
        let input = store.graph_input().await?;
        load.push(t.elapsed());
        let t = Instant::now();
        let graph = ChainGraph::build(input)?;
        build.push(t.elapsed());
        shape = (graph.n_nodes(), graph.n_edges());
    }
    let (load, build) = (median(load), median(build));
    println!(
        "{label}: graph of {} nodes, {} edges: graph_input median {:.1} ms + build median {:.1} ms = {:.1} ms ({:.2} µs per node)",
        shape.0,
        shape.1,
        load.as_secs_f64() * 1e3,
        build.as_secs_f64() * 1e3,
        (load + build).as_secs_f64() * 1e3,
        (load + build).as_secs_f64() * 1e6 / shape.0.max(1) as f64,
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    if !std::env::args().any(|a| a == "--bench") {
        println!("store benchmark: run with `cargo xtask bench` (skipped in test mode)");
        return Ok(());
    }
    let n: usize = std::env::var("CHAINWARD_BENCH_SUPPLIERS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let dir = std::env::temp_dir().join(format!("chainward-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = measure("sqlite", &format!("sqlite://{}", dir.join("bench.db").display()), synthetic(n)).await;
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    if let Ok(admin) = std::env::var("CHAINWARD_TEST_POSTGRES") {
        let db = format!("chainward_bench_{}", std::process::id());
        let (base, _) = admin.rsplit_once('/').ok_or("CHAINWARD_TEST_POSTGRES has no database name")?;
        let admin_store = std::process::Command::new("psql")
            .args([admin.as_str(), "-qc", &format!("CREATE DATABASE {db}")])
            .status()?;
        if admin_store.success() {
            let result = measure("postgres", &format!("{base}/{db}"), synthetic(n)).await;
            let _ = std::process::Command::new("psql")
                .args([admin.as_str(), "-qc", &format!("DROP DATABASE {db} WITH (FORCE)")])
                .status();
            result?;
        }
    }
    Ok(())
}
