//! How the commands print what they list or show: a table with a header row and aligned
//! columns for people, or one JSON document (`--json`) for scripts. Times are RFC 3339 in
//! UTC (`2026-12-03T19:46:01Z`) in both.
//!
//! The table is a small function rather than a table crate: the command line prints a few
//! plain columns, with no borders, wrapping or colours to draw, and `unicode-width` (already
//! in the tree through indicatif) gives each cell's width in terminal columns.

use std::io::{self, Write};

use chrono::NaiveDateTime;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

/// Two spaces between columns.
const GAP: &str = "  ";

/// `2026-12-03T19:46:01Z`: a stored UTC time in RFC 3339, to the second.
pub fn rfc3339(time: NaiveDateTime) -> String {
    time.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// [`rfc3339`], or `-` for no time, in a table cell.
pub fn cell_time(time: Option<NaiveDateTime>) -> String {
    time.map(rfc3339).unwrap_or_else(|| "-".into())
}

/// A table: the header row, then each row, every column as wide as its widest cell. The
/// last column is not padded, so no line ends in spaces.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column names.
    pub fn new(header: &[&str]) -> Self {
        Self {
            header: header.iter().map(|name| (*name).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (as many cells as the header has columns).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table as text, one line per row, each ending in a newline.
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.header.iter().map(|name| name.width()).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.width());
            }
        }
        let mut text = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let last = row.len().saturating_sub(1);
            for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
                text.push_str(cell);
                if i < last {
                    text.push_str(&" ".repeat(width - cell.width()));
                    text.push_str(GAP);
                }
            }
            text.push('\n');
        }
        text
    }

    /// Prints the table on standard output.
    pub fn print(&self) -> io::Result<()> {
        io::stdout().lock().write_all(self.render().as_bytes())
    }
}

/// Prints `value` as one pretty JSON document on standard output.
pub fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_aligned_under_the_header_and_lines_do_not_end_in_spaces() {
        // Arrange
        let mut table = Table::new(&["ID", "EMAIL", "CREATED"]);
        table.row(vec!["1".into(), "ada@example.com".into(), "x".into()]);
        table.row(vec!["12".into(), "bo@ex.org".into(), "-".into()]);

        // Act
        let text = table.render();

        // Assert
        assert_eq!(
            text,
            "ID  EMAIL            CREATED\n\
             1   ada@example.com  x\n\
             12  bo@ex.org        -\n"
        );
    }

    #[test]
    fn wide_characters_count_as_the_columns_they_take() {
        let mut table = Table::new(&["A", "B"]);
        table.row(vec!["日本".into(), "x".into()]);
        assert_eq!(table.render(), "A     B\n日本  x\n");
    }

    #[test]
    fn times_are_rfc3339_utc_to_the_second() {
        let time = chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_micro_opt(19, 46, 1, 250_000)
            .unwrap();
        assert_eq!(rfc3339(time), "2026-12-03T19:46:01Z");
        assert_eq!(cell_time(None), "-");
    }
}
