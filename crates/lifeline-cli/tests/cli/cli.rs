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
    lifeline_fed(dir, db, args, extra, None).await
}

/// [`lifeline_in`] with `input` on standard input (a pipe, as a script gives it).
pub async fn lifeline_fed(
    dir: &Path,
    db: &TestDb,
    args: &[&str],
    extra: &[(&str, &str)],
    input: Option<&str>,
) -> CliRun {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lifeline"));
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("LIFELINE_DATABASE__URL", db.url())
        .env("LIFELINE_LOG__FILTER", "warn")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in extra {
        command.env(key, value);
    }
    let input = input.map(str::to_owned);
    let output = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().expect("lifeline runs");
        if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
            std::io::Write::write_all(&mut stdin, text.as_bytes()).expect("stdin written");
        }
        child.wait_with_output().expect("lifeline ends")
    })
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
