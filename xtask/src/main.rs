//! chainward's developer tasks, run as `cargo xtask <task>`:
//!
//! - `test`: the whole test suite (every crate, the tidy checks, the storage suite on
//!   PostgreSQL too when `CHAINWARD_TEST_POSTGRES` is set);
//! - `bench`: the benchmarks, printing medians and ratios to their targets;
//! - `tidy`: the tidy checks alone.

mod tidy;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("help");
    let rest = args.get(1..).unwrap_or(&[]);
    match task {
        "test" => test(rest),
        "bench" => bench(rest),
        "tidy" => cargo(&["test", "--package", "xtask", "--", "tidy"]),
        _ => {
            eprintln!("usage: cargo xtask test|bench|tidy [extra arguments for the test runner]");
            if task == "help" || task == "--help" { Ok(()) } else { bail!("unknown task {task:?}") }
        }
    }
}

/// The workspace root (the parent of this crate's folder).
fn root() -> PathBuf {
    // `cargo run` says where this checkout is at run time. The path compiled in is only a
    // fallback: a build cache shared between checkouts can hand this binary to another one.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// The one setting for the public test data: `CHAINWARD_DATA`, default `../shared/data`
/// beside the checkout. Said loudly when it is missing, since tests that read it then
/// report so rather than pass silently.
fn check_data() {
    let data = std::env::var_os("CHAINWARD_DATA").map(PathBuf::from).unwrap_or_else(|| root().join("../shared/data"));
    if data.join("SOURCES.md").is_file() {
        println!("xtask: public test data at {}", data.display());
    } else {
        eprintln!("xtask: WARNING: public test data NOT FOUND at {} (set CHAINWARD_DATA)", data.display());
    }
}

fn test(extra: &[String]) -> Result<()> {
    check_data();
    match std::env::var("CHAINWARD_TEST_POSTGRES") {
        Ok(url) => println!("xtask: the storage suite runs on SQLite and on PostgreSQL at {url}"),
        Err(_) => println!("xtask: CHAINWARD_TEST_POSTGRES is not set: the storage suite runs on SQLite only"),
    }
    let nextest = Command::new("cargo").args(["nextest", "--version"]).output().map(|o| o.status.success());
    if nextest.unwrap_or(false) {
        // Doctests first: nextest does not run them, and its summary should close the run.
        cargo(&["test", "--workspace", "--doc"])?;
        let mut args = vec!["nextest", "run", "--workspace", "--all-targets", "--no-fail-fast"];
        args.extend(extra.iter().map(String::as_str));
        cargo(&args)
    } else {
        let mut args = vec!["test", "--workspace", "--all-targets", "--no-fail-fast"];
        args.extend(extra.iter().map(String::as_str));
        cargo(&args)
    }
}

fn bench(extra: &[String]) -> Result<()> {
    let mut args = vec!["bench", "--package", "chainward-core", "--bench", "graph"];
    args.extend(extra.iter().map(String::as_str));
    cargo(&args)?;
    let mut args = vec!["bench", "--package", "chainward-store", "--bench", "graph_input"];
    args.extend(extra.iter().map(String::as_str));
    cargo(&args)?;
    let mut args = vec!["bench", "--package", "chainward-formats", "--bench", "xsd"];
    args.extend(extra.iter().map(String::as_str));
    cargo(&args)?;
    let mut args = vec!["bench", "--package", "chainward-formats", "--bench", "sbom"];
    args.extend(extra.iter().map(String::as_str));
    cargo(&args)?;
    ingest_bench()
}

/// Ingest of the large SBOM the `sbom` benchmark wrote, into a fresh SQLite database, by the
/// release binary as a user runs it; wall time and peak memory (max RSS) from
/// `/usr/bin/time`, each the median of three runs. Targets: under 3 s, under 3x the file.
fn ingest_bench() -> Result<()> {
    cargo(&["build", "--release", "--package", "chainward-cli"])?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"));
    let file = target.join("sbom-bench/large.cdx.json");
    let size = std::fs::metadata(&file).with_context(|| format!("{} is missing", file.display()))?.len();
    let binary = target.join("release/chainward");
    let mut runs = Vec::new();
    for run in 0..3 {
        let db = target.join(format!("sbom-bench/ingest-{run}.db"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        let url = format!("sqlite://{}", db.display());
        let output = Command::new("/usr/bin/time")
            .args(["-f", "%e %M"])
            .arg(&binary)
            .args(["--database", &url, "sbom", "ingest"])
            .arg(&file)
            .args(["--offering", "Large Product", "--create-offering", "--release", "1"])
            .output()
            .context("cannot run /usr/bin/time (Debian package `time`)")?;
        if !output.status.success() {
            let text = String::from_utf8_lossy(&output.stderr);
            bail!("ingest failed: {text}");
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or_default().to_owned();
        let mut parts = last.split_whitespace();
        let seconds: f64 = parts.next().unwrap_or("0").parse().unwrap_or(0.0);
        let max_rss_kib: f64 = parts.next().unwrap_or("0").parse().unwrap_or(0.0);
        runs.push((seconds, max_rss_kib * 1024.0));
    }
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (seconds, rss) = runs.get(1).copied().unwrap_or_default();
    let ratio = rss / size as f64;
    println!(
        "sbom ingest into SQLite: {:.1} MB file; wall {seconds:.2} s (target < 3 s: {}), peak memory {:.0} MB = \
         {ratio:.2}x the file (target < 3x: {})",
        size as f64 / 1e6,
        if seconds < 3.0 { "met" } else { "NOT met" },
        rss / 1e6,
        if ratio < 3.0 { "met" } else { "NOT met" }
    );
    Ok(())
}

fn cargo(args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(root())
        .status()
        .with_context(|| format!("cannot run {cargo} {}", args.join(" ")))?;
    if !status.success() {
        bail!("cargo {} failed ({status})", args.join(" "));
    }
    Ok(())
}
