//! The progress bar of `lifeline users import`: it counts the file's rows (the lines after
//! the header), not bytes, and is drawn only while standard error is a terminal.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read};
use std::path::Path;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

/// What the bar shows: rows read of the file's rows.
const TEMPLATE: &str = "importing [{bar:40}] {human_pos}/{human_len} rows ({eta} left)";

/// A bar for importing `path`, on standard error; hidden (and the file not counted) when
/// standard error is not a terminal, so logs and pipes get only the messages and the summary.
pub fn rows_bar(path: &Path) -> anyhow::Result<ProgressBar> {
    if !io::stderr().is_terminal() {
        return Ok(ProgressBar::hidden());
    }
    let file = File::open(path).with_context(|| format!("Failed to open {}", path.display()))?;
    let rows = count_rows(file).with_context(|| format!("Failed to read {}", path.display()))?;
    Ok(styled(ProgressBar::new(rows)))
}

/// Applies the rows template to `bar`.
fn styled(bar: ProgressBar) -> ProgressBar {
    match ProgressStyle::with_template(TEMPLATE) {
        Ok(style) => bar.with_style(style.progress_chars("=> ")),
        Err(_) => bar,
    }
}

/// The number of rows in a CSV file: its lines after the header (a last line without a line
/// ending counts too).
pub fn count_rows(file: impl Read) -> io::Result<u64> {
    let mut reader = BufReader::new(file);
    let mut lines = 0_u64;
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            break;
        }
        let (length, ends_with_newline) = (buffer.len(), buffer.last() == Some(&b'\n'));
        lines += buffer.iter().filter(|byte| **byte == b'\n').count() as u64;
        reader.consume(length);
        if !ends_with_newline && reader.fill_buf()?.is_empty() {
            lines += 1;
        }
    }
    Ok(lines.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use indicatif::{ProgressDrawTarget, TermLike};

    use super::*;

    /// A terminal that keeps what is drawn on it.
    #[derive(Debug, Clone, Default)]
    struct Screen(Arc<Mutex<String>>);

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.write_str(&format!("{s}\n"))
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn rows_are_the_lines_after_the_header() {
        let rows = |csv: &str| count_rows(csv.as_bytes()).unwrap();
        assert_eq!(rows(""), 0);
        assert_eq!(rows("email"), 0);
        assert_eq!(rows("email\n"), 0);
        assert_eq!(rows("email\na@example.com\nb@example.com\n"), 2);
        assert_eq!(rows("email\r\na@example.com\r\nb@example.com"), 2);
        let long = format!("email\n{}", "someone@example.com\n".repeat(10_000));
        assert_eq!(rows(&long), 10_000);
    }

    #[test]
    fn the_bar_shows_rows_read_of_the_file_s_rows() {
        // Arrange
        let screen = Screen::default();
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let bar = styled(ProgressBar::with_draw_target(Some(1200), target));

        // Act
        bar.inc(1200);
        bar.finish();

        // Assert
        let drawn = screen.0.lock().unwrap().clone();
        assert!(drawn.contains("1,200/1,200 rows"), "{drawn:?}");
    }
}
