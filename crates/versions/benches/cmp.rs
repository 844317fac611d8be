//! Version comparison throughput on the ecosystem fixtures of the shared data folder
//! (`CHAINWARD_DATA/versions`, about 72,000 `a op b` pairs; read by the same reader as the
//! fixture tests, `tests/fixture_file.rs`).
//!
//! For each ecosystem and in total, prints pairs per second of what
//! `chainward version cmp --stdin` does per line (parse both versions, compare), and of the
//! comparison alone on versions parsed beforehand; each figure the median of 5 runs. The
//! command line's own throughput (process, pipes, output) is measured by `cargo xtask bench`
//! on the release binary. There is no target: the issue asks for the figure.

use std::cmp::Ordering;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chainward_versions::{Scheme, Version};

#[path = "../tests/fixture_file.rs"]
mod fixture_file;

const RUNS: usize = 5;

fn data_dir() -> PathBuf {
    std::env::var_os("CHAINWARD_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

/// One ecosystem's pairs.
struct Pairs {
    name: &'static str,
    scheme: Scheme,
    pairs: Vec<(String, String, Ordering)>,
}

fn read_pairs() -> Result<Vec<Pairs>, String> {
    let dir = data_dir().join("versions");
    let mut out = Vec::new();
    for (name, files) in fixture_file::FIXTURES {
        let scheme = Scheme::from_name(name).ok_or_else(|| format!("no scheme named {name}"))?;
        let mut pairs = Vec::new();
        for file in *files {
            let path = dir.join(file);
            let text = std::fs::read_to_string(&path).map_err(|error| format!("{}: {error}", path.display()))?;
            for (number, line) in fixture_file::case_lines(&text) {
                let Some((a, op, b)) = fixture_file::split_case(line) else {
                    return Err(format!("{file}:{number}: not `a op b`"));
                };
                let expected = match op {
                    "<" => Ordering::Less,
                    "=" => Ordering::Equal,
                    ">" => Ordering::Greater,
                    _ => return Err(format!("{file}:{number}: unknown operator {op}")),
                };
                pairs.push((a.to_owned(), b.to_owned(), expected));
            }
        }
        out.push(Pairs { name, scheme, pairs });
    }
    Ok(out)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Parses and compares every pair once; returns how many answers agree with the fixture
/// and how many pairs did not parse.
fn parse_and_compare(pairs: &Pairs) -> (usize, usize) {
    let (mut agreed, mut failed) = (0, 0);
    for (a, b, expected) in &pairs.pairs {
        match (Version::parse(pairs.scheme, a), Version::parse(pairs.scheme, b)) {
            (Ok(a), Ok(b)) => agreed += usize::from(a.cmp(&b) == *expected),
            _ => failed += 1,
        }
    }
    (agreed, failed)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".to_owned())
}

fn rate(n: usize, time: Duration) -> f64 {
    n as f64 / time.as_secs_f64().max(1e-9)
}

fn main() {
    // Test runners list a target's tests first (`--list`): a benchmark has none. Only
    // measure when invoked as a benchmark.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if !std::env::args().any(|a| a == "--bench") {
        println!("version comparison benchmark: run with `cargo xtask bench` (skipped in test mode)");
        return;
    }
    println!("load average before: {}", load_average());
    let ecosystems = match read_pairs() {
        Ok(ecosystems) => ecosystems,
        Err(error) => {
            eprintln!("version comparison benchmark: cannot read the fixtures: {error}");
            std::process::exit(2);
        }
    };
    let (mut total_pairs, mut total_parse, mut total_cmp) = (0usize, Duration::ZERO, Duration::ZERO);
    for pairs in &ecosystems {
        let mut answers = (0, 0);
        let parse_times: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                answers = std::hint::black_box(parse_and_compare(pairs));
                t.elapsed()
            })
            .collect();
        let parsed: Vec<(Version, Version)> = pairs
            .pairs
            .iter()
            .filter_map(|(a, b, _)| {
                Some((Version::parse(pairs.scheme, a).ok()?, Version::parse(pairs.scheme, b).ok()?))
            })
            .collect();
        let cmp_times: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                let less = parsed.iter().filter(|(a, b)| std::hint::black_box(a.cmp(b)) == Ordering::Less).count();
                std::hint::black_box(less);
                t.elapsed()
            })
            .collect();
        let (parse, cmp) = (median(parse_times), median(cmp_times));
        let n = pairs.pairs.len();
        println!(
            "  {:<10} {n:>6} pairs: parse and compare {:>7.2} ms ({:>10.0} pairs/s); compare only {:>6.2} ms \
             ({:>11.0} pairs/s); {} agree with the fixture, {} do not parse",
            pairs.name,
            parse.as_secs_f64() * 1e3,
            rate(n, parse),
            cmp.as_secs_f64() * 1e3,
            rate(parsed.len(), cmp),
            answers.0,
            answers.1,
        );
        total_pairs += n;
        total_parse += parse;
        total_cmp += cmp;
    }
    println!(
        "version comparison, library: {total_pairs} fixture pairs in {:.1} ms = {:.0} pairs/s parsed and compared; \
         compare only {:.1} ms = {:.0} pairs/s (medians of {RUNS})",
        total_parse.as_secs_f64() * 1e3,
        rate(total_pairs, total_parse),
        total_cmp.as_secs_f64() * 1e3,
        rate(total_pairs, total_cmp),
    );
    println!("load average after: {} (2 cores)", load_average());
}
