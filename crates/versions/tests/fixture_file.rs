//! The ecosystem fixture files of the shared data folder (`versions/*-versions*.txt`, format
//! in its README.md): which files belong to which ecosystem, and how a file's case lines
//! are read. One reader for the fixture tests, the `cmp` benchmark and `cargo xtask bench`,
//! which include this file by path, so all three count the same pairs.

/// Each ecosystem of the fixtures' README, by the name `chainward version cmp` takes, with
/// its files. The semver file serves npm, crates.io, Go and Hex; it is listed once.
#[allow(dead_code)]
pub const FIXTURES: &[(&str, &[&str])] = &[
    ("semver", &["semver-versions.txt"]),
    ("pypi", &["pypi-versions.txt", "pypi-versions-generated.txt"]),
    ("maven", &["maven-versions.txt", "maven-versions-generated.txt"]),
    ("nuget", &["nuget-versions.txt"]),
    ("rubygems", &["rubygems-versions.txt", "rubygems-versions-generated.txt"]),
    ("packagist", &["packagist-versions.txt", "packagist-versions-generated.txt"]),
    ("debian", &["debian-versions.txt", "debian-versions-generated.txt"]),
    ("rpm", &["redhat-versions.txt"]),
    ("alpine", &["alpine-versions.txt", "alpine-versions-generated.txt"]),
    ("cran", &["cran-versions.txt", "cran-versions-generated.txt"]),
    ("hackage", &["hackage-versions.txt"]),
    ("pub", &["pub-versions.txt"]),
];

/// The case lines of a fixture file, trimmed, with their 1-based line numbers: blank lines
/// and comments (`# …`, `// …`) are skipped, as the README says.
pub fn case_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(index, line)| (index + 1, line.trim())).filter(|(_, line)| {
        !(line.is_empty() || line.starts_with("# ") || line.starts_with("// ") || *line == "#" || *line == "//")
    })
}

/// A case line's `(a, op, b)`, or `None` when it is not three fields split by one space.
#[allow(dead_code)]
pub fn split_case(line: &str) -> Option<(&str, &str, &str)> {
    let mut fields = line.split(' ');
    match (fields.next(), fields.next(), fields.next(), fields.next()) {
        (Some(a), Some(op), Some(b), None) => Some((a, op, b)),
        _ => None,
    }
}
