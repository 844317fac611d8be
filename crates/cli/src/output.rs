//! Printing results: aligned tables for people, JSON for scripts.

use std::io::Write;

use serde::Serialize;

use crate::args::Format;

/// Rows of text under headers, printed with aligned columns.
#[derive(Debug, Default)]
pub struct Table {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these headers.
    pub fn new(headers: &[&'static str]) -> Self {
        Table { headers: headers.to_vec(), rows: Vec::new() }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table as text.
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: Vec<&str>| -> String {
            let mut out = String::new();
            for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
                if i + 1 == widths.len() {
                    out.push_str(cell);
                } else {
                    out.push_str(cell);
                    out.extend(std::iter::repeat_n(' ', w.saturating_sub(cell.chars().count()) + 2));
                }
            }
            out.trim_end().to_owned()
        };
        let mut out = line(self.headers.clone());
        out.push('\n');
        for row in &self.rows {
            out.push_str(&line(row.iter().map(String::as_str).collect()));
            out.push('\n');
        }
        out
    }
}

/// Prints `json` as JSON or `table` as text, by `format`.
pub fn print<T: Serialize>(format: Format, json: &T, table: impl FnOnce() -> String) -> anyhow::Result<()> {
    let text = match format {
        // JSON Lines and CSV are refused before any command runs, except by `audit export`,
        // which writes its own.
        Format::Json | Format::Jsonl | Format::Sarif => {
            let mut s = serde_json::to_string_pretty(json)?;
            s.push('\n');
            s
        }
        Format::Table | Format::Csv => table(),
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`chainward … | head`) is not an error worth a message.
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// An optional value for a table cell.
pub fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_else(|| "-".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_aligned_and_lines_trimmed() {
        let mut t = Table::new(&["name", "tier", "kind"]);
        t.row(vec!["Nimbus Cloud".into(), "1".into(), "cloud-service-provider".into()]);
        t.row(vec!["Ab".into(), "".into(), "".into()]);
        assert_eq!(t.render(), "name          tier  kind\nNimbus Cloud  1     cloud-service-provider\nAb\n");
    }
}
