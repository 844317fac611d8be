//! chainward's developer tasks, run as `cargo xtask <task>`:
//!
//! - `test`: the whole test suite (every crate, the tidy checks, the storage suite on
//!   PostgreSQL too when `CHAINWARD_TEST_POSTGRES` is set);
//! - `bench`: the benchmarks, printing medians and ratios to their targets (graph, graph
//!   input, XSD, SBOM, matching, version comparison, then SBOM ingest and `version cmp
//!   --stdin` by the release binary);
//! - `tidy`: the tidy checks alone.

mod tidy;

// The fixture reader of the versions crate's tests, so the command-line benchmark reads the
// same pairs as the fixture tests and the library benchmark.
#[path = "../../crates/versions/tests/fixture_file.rs"]
mod fixture_file;

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

/// The public test data folder: `CHAINWARD_DATA`, default `../shared/data` beside the checkout.
fn data_dir() -> PathBuf {
    std::env::var_os("CHAINWARD_DATA").map(PathBuf::from).unwrap_or_else(|| root().join("../shared/data"))
}

/// The cargo target folder: `CARGO_TARGET_DIR`, default `target` in the checkout.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// The one setting for the public test data: `CHAINWARD_DATA`, default `../shared/data`
/// beside the checkout. Said loudly when it is missing, since tests that read it then
/// report so rather than pass silently.
fn check_data() {
    let data = data_dir();
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
    let mut args = vec!["bench", "--package", "chainward-core", "--bench", "matching"];
    args.extend(extra.iter().map(String::as_str));
    cargo(&args)?;
    let mut args = vec!["bench", "--package", "chainward-versions", "--bench", "cmp"];
    args.extend(extra.iter().map(String::as_str));
    cargo(&args)?;
    ingest_bench()?;
    version_cmp_bench()
}

/// `chainward version cmp ECOSYSTEM --stdin` end to end: the release binary, started once
/// per ecosystem of the version fixtures, is fed that ecosystem's pairs (`a b` a line)
/// through a pipe; the wall time covers start-up, reading, comparing and writing. Prints
/// pairs per second per ecosystem and in total (medians of three runs), and how many
/// answers agree with the fixtures, so a fast wrong answer does not pass unseen.
fn version_cmp_bench() -> Result<()> {
    use std::io::{Read, Write};
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    const RUNS: usize = 3;
    cargo(&["build", "--release", "--package", "chainward-cli"])?;
    let binary = target_dir().join("release/chainward");
    let dir = data_dir().join("versions");
    let mut ecosystems: Vec<(&str, String, Vec<&str>)> = Vec::new();
    for (name, files) in fixture_file::FIXTURES {
        let (mut input, mut expected) = (String::new(), Vec::new());
        for file in *files {
            let path = dir.join(file);
            let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
            for (number, line) in fixture_file::case_lines(&text) {
                let Some((a, op, b)) = fixture_file::split_case(line) else { bail!("{file}:{number}: not `a op b`") };
                input.push_str(a);
                input.push(' ');
                input.push_str(b);
                input.push('\n');
                expected.push(match op {
                    "<" => "<",
                    "=" => "=",
                    _ => ">",
                });
            }
        }
        ecosystems.push((name, input, expected));
    }
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "version cmp --stdin: load average before {}",
        load().split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );
    let (mut total_pairs, mut total_time, mut total_agreed) = (0usize, Duration::ZERO, 0usize);
    for (name, input, expected) in &ecosystems {
        let mut times = Vec::with_capacity(RUNS);
        let mut agreed = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            let mut child = Command::new(&binary)
                .args(["version", "cmp", name, "--stdin"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .with_context(|| format!("cannot run {}", binary.display()))?;
            let mut stdin = child.stdin.take().context("no stdin pipe")?;
            let bytes = input.clone().into_bytes();
            // A writer thread, so that a full output pipe cannot stall the input.
            let writer = std::thread::spawn(move || stdin.write_all(&bytes));
            let mut output = String::new();
            child.stdout.take().context("no stdout pipe")?.read_to_string(&mut output)?;
            let status = child.wait()?;
            times.push(t.elapsed());
            writer.join().map_err(|_| anyhow::anyhow!("the writer thread panicked"))??;
            let answers: Vec<&str> = output.lines().collect();
            if answers.len() != expected.len() {
                bail!("version cmp {name}: {} answers for {} pairs ({status})", answers.len(), expected.len());
            }
            agreed = answers.iter().zip(expected).filter(|(got, want)| *got == *want).count();
        }
        times.sort();
        let time = times.get(RUNS / 2).copied().unwrap_or_default();
        println!(
            "  {name:<10} {:>6} pairs: {:>7.1} ms, {:>9.0} pairs/s; {agreed} answers agree with the fixture",
            expected.len(),
            time.as_secs_f64() * 1e3,
            expected.len() as f64 / time.as_secs_f64().max(1e-9),
        );
        total_pairs += expected.len();
        total_time += time;
        total_agreed += agreed;
    }
    println!(
        "version cmp --stdin (release binary, one process per ecosystem): {total_pairs} fixture pairs in {:.0} ms = \
         {:.0} pairs/s (medians of {RUNS}); {total_agreed} answers agree with the fixtures; load average after {}",
        total_time.as_secs_f64() * 1e3,
        total_pairs as f64 / total_time.as_secs_f64().max(1e-9),
        load().split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    );
    Ok(())
}

/// Ingest of the large SBOM the `sbom` benchmark wrote, into a fresh SQLite database, by the
/// release binary as a user runs it; wall time and peak memory (max RSS) from
/// `/usr/bin/time`, each the median of three runs. Targets: under 3 s, under 3x the file.
fn ingest_bench() -> Result<()> {
    cargo(&["build", "--release", "--package", "chainward-cli"])?;
    let target = target_dir();
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
