//! Running the real `lifeline` binary as an operator does, against a test database.

use std::path::Path;
use std::process::{Command, Stdio};

use storage::testing::TestDb;

/// What a finished `lifeline` command printed, and its exit status.
#[derive(Debug)]
pub struct CliRun {
    /// The exit code (`-1` if killed by a signal).
    pub status: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `lifeline ARGS…` in `dir` on the database `db`, with nothing from this process's
/// environment but `extra` (and a quiet log).
pub async fn lifeline_in(dir: &Path, db: &TestDb, args: &[&str], extra: &[(&str, &str)]) -> CliRun {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lifeline"));
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("LIFELINE_DATABASE__URL", db.url())
        .env("LIFELINE_LOG__FILTER", "warn")
        .stdin(Stdio::null());
    for (key, value) in extra {
        command.env(key, value);
    }
    let output = tokio::task::spawn_blocking(move || command.output().expect("lifeline runs"))
        .await
        .expect("joined");
    CliRun {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `lifeline ARGS…` on `db` in a fresh temporary directory.
pub async fn lifeline(db: &TestDb, args: &[&str]) -> CliRun {
    let dir = tempfile::tempdir().expect("tempdir");
    lifeline_in(dir.path(), db, args, &[]).await
}
