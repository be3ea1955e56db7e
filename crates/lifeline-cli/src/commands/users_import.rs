//! `lifeline users import FILE.csv`: creates accounts in batches, reporting every line it
//! skips by number.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::Context;
use chrono::NaiveDateTime;
use indicatif::ProgressBar;
use storage::{Database, DbConnection, PooledDb, StorageError, mask, users, write_transaction};

use lifeline::Settings;
use lifeline::ops::connect_database;

use super::import_progress::rows_bar;
use super::users_csv::{Columns, HeaderError, Row, parse_header, parse_row};

/// Accounts created per transaction: large enough to be fast, small enough that a failure
/// or a lock wait never holds up the database for long.
pub const BATCH_SIZE: usize = 500;

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Accounts created.
    pub imported: u64,
    /// Lines whose address already had an account in the database.
    pub already_present: u64,
    /// Lines repeating an address from an earlier line of the file.
    pub duplicates: u64,
    /// Lines that could not be read (bad address, bad hash, bad quoting, not UTF-8).
    pub invalid: u64,
}

impl ImportReport {
    /// The one-line summary printed at the end.
    pub fn summary(&self) -> String {
        format!(
            "users import: {} imported, {} already present, {} duplicate in the file, {} invalid",
            self.imported, self.already_present, self.duplicates, self.invalid
        )
    }
}

/// Runs `lifeline users import FILE`: migrates (unless `database.auto_migrate` is off), imports, reports each skipped line on
/// standard error and the summary on standard output. Fails (exit status 1) when any line
/// was invalid, after importing the rest.
pub async fn run(settings: &Settings, path: &Path) -> anyhow::Result<()> {
    let db = connect_database(settings).await?;
    let (path, auto_migrate) = (path.to_owned(), settings.database.auto_migrate);
    let report = tokio::task::spawn_blocking(move || {
        if auto_migrate {
            db.migrate()?;
        }
        let now = chrono::Utc::now().naive_utc();
        import(&db, &path, now, |number, reason| {
            eprintln!("line {number}: {reason}; skipped");
        })
    })
    .await??;
    println!("{}", report.summary());
    if report.invalid > 0 {
        anyhow::bail!(
            "{} invalid line(s) skipped; fix them and import the file again (accounts already imported are reported as present)",
            report.invalid
        );
    }
    Ok(())
}

/// Imports the accounts in `path`. Every skipped line is passed to `skipped` with its line
/// number and the reason; addresses in those messages are masked, and no message repeats a
/// password hash. A progress bar counting rows runs on standard error while it is a terminal.
pub fn import(
    db: &Database,
    path: &Path,
    now: NaiveDateTime,
    skipped: impl FnMut(u64, &str),
) -> anyhow::Result<ImportReport> {
    import_with_progress(db, path, now, rows_bar(path)?, skipped)
}

/// [`import`], advancing `progress` by one for each row (line after the header) read.
pub fn import_with_progress(
    db: &Database,
    path: &Path,
    now: NaiveDateTime,
    progress: ProgressBar,
    skipped: impl FnMut(u64, &str),
) -> anyhow::Result<ImportReport> {
    let file = File::open(path).with_context(|| format!("Failed to open {}", path.display()))?;
    let mut importer = Importer {
        conn: db.conn()?,
        now,
        progress,
        skipped,
        report: ImportReport::default(),
        columns: None,
        seen: HashMap::new(),
        batch: Vec::with_capacity(BATCH_SIZE),
    };
    let mut reader = BufReader::new(file);
    let mut buffer = Vec::new();
    let mut number = 0_u64;
    loop {
        buffer.clear();
        let read = reader
            .read_until(b'\n', &mut buffer)
            .with_context(|| format!("Failed to read {}", path.display()))?;
        if read == 0 {
            break;
        }
        number += 1;
        importer.line(number, &buffer)?;
        if number > 1 {
            importer.progress.inc(1);
        }
    }
    if importer.columns.is_none() {
        anyhow::bail!(
            "{} is empty: it needs at least the header line",
            path.display()
        );
    }
    importer.flush()?;
    importer.progress.finish_and_clear();
    Ok(importer.report)
}

struct Importer<F> {
    conn: PooledDb,
    now: NaiveDateTime,
    progress: ProgressBar,
    skipped: F,
    report: ImportReport,
    columns: Option<Columns>,
    /// Normalised address → the line it first appeared on.
    seen: HashMap<String, u64>,
    batch: Vec<(u64, Row)>,
}

impl<F: FnMut(u64, &str)> Importer<F> {
    fn skip(&mut self, number: u64, reason: &str) {
        let skipped = &mut self.skipped;
        self.progress.suspend(|| skipped(number, reason));
    }

    /// Handles line `number` (with its line ending).
    fn line(&mut self, number: u64, bytes: &[u8]) -> anyhow::Result<()> {
        let Ok(line) = std::str::from_utf8(bytes) else {
            if self.columns.is_none() {
                return Err(HeaderError.into());
            }
            self.report.invalid += 1;
            self.skip(number, "the line is not valid UTF-8");
            return Ok(());
        };
        let line = line.trim_end_matches(['\n', '\r']);
        let Some(columns) = self.columns else {
            self.columns = Some(parse_header(line)?);
            return Ok(());
        };
        if line.trim().is_empty() {
            return Ok(());
        }
        let row = match parse_row(line, columns) {
            Ok(row) => row,
            Err(error) => {
                self.report.invalid += 1;
                self.skip(number, &error.to_string());
                return Ok(());
            }
        };
        if let Some(first) = self.seen.get(row.email.as_str()).copied() {
            self.report.duplicates += 1;
            let reason = format!("duplicate of line {first} ({})", row.email.masked());
            self.skip(number, &reason);
            return Ok(());
        }
        self.seen.insert(row.email.as_str().to_owned(), number);
        self.batch.push((number, row));
        if self.batch.len() == BATCH_SIZE {
            self.flush()?;
        }
        Ok(())
    }

    /// Creates the batch's accounts in one transaction. An address that already has an
    /// account is skipped (its savepoint rolls back) and reported once the transaction has
    /// committed, so a transaction the database retries is not reported twice.
    fn flush(&mut self) -> anyhow::Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let (batch, now) = (&self.batch, self.now);
        let present = write_transaction(&mut self.conn, |conn| create_all(conn, batch, now))
            .context("Failed to store a batch of accounts; none of that batch was created")?;
        self.report.imported += (self.batch.len() - present.len()) as u64;
        self.report.already_present += present.len() as u64;
        for (number, address) in present {
            let reason = format!(
                "an account with this address already exists ({})",
                mask(&address)
            );
            self.skip(number, &reason);
        }
        self.batch.clear();
        Ok(())
    }
}

/// Creates each account; returns the lines (and addresses) that already had one.
fn create_all(
    conn: &mut DbConnection,
    batch: &[(u64, Row)],
    now: NaiveDateTime,
) -> Result<Vec<(u64, String)>, StorageError> {
    let mut present = Vec::new();
    for (number, row) in batch {
        let new_user = users::NewUser {
            email: &row.email,
            password_hash: row.password_hash.as_deref(),
            now,
        };
        match users::create(conn, &new_user) {
            Ok(_) => {}
            Err(StorageError::Conflict) => present.push((*number, row.email.as_str().to_owned())),
            Err(error) => return Err(error),
        }
    }
    Ok(present)
}

#[cfg(test)]
mod tests {
    use storage::testing::{create_user, fixed_now, for_each_backend};

    use super::*;

    #[test]
    fn an_address_that_has_an_account_is_skipped_without_undoing_its_batch() {
        for_each_backend(|db| {
            // Arrange
            create_user(&mut db.conn().unwrap(), "bob@example.com");
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("users.csv");
            let csv = "email\nada@example.com\nBob@example.com\ncy@example.com\nbad\n";
            std::fs::write(&path, csv).unwrap();
            let mut skipped = Vec::new();

            // Act
            let report = import(db, &path, fixed_now(), |line, reason| {
                skipped.push((line, reason.to_owned()));
            })
            .unwrap();

            // Assert
            assert_eq!(
                report,
                ImportReport {
                    imported: 2,
                    already_present: 1,
                    duplicates: 0,
                    invalid: 1
                }
            );
            assert_eq!(
                skipped,
                [
                    (5, "invalid email address: the address has no @".to_owned()),
                    (
                        3,
                        "an account with this address already exists (b***@example.com)".to_owned()
                    ),
                ]
            );
            assert_eq!(users::count(&mut db.conn().unwrap()).unwrap(), 3);
        });
    }

    #[test]
    fn the_progress_advances_by_one_per_row() {
        for_each_backend(|db| {
            // Arrange: four rows after the header, one of them blank and one invalid.
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("users.csv");
            let csv = "email\nada@example.com\n\nbad\nbo@example.com";
            std::fs::write(&path, csv).unwrap();
            let progress = ProgressBar::hidden();

            // Act
            import_with_progress(db, &path, fixed_now(), progress.clone(), |_, _| {}).unwrap();

            // Assert
            assert_eq!(progress.position(), 4);
        });
    }
}
