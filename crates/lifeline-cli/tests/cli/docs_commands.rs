//! Every `lifeline …` command in the code blocks of `docs/*.md` and the README, run exactly
//! as written (through `bash`, with the built binary on `PATH`) in a scratch directory on a
//! fresh database, and required to succeed.
//!
//! The scratch directory holds what the documents assume: a `users.csv` to import, a
//! `lifeline.toml` to serve with, and, before a command that names an outbox job
//! (`--id N`), a given-up job with that id. `serve` and `demo` run until they say they are
//! listening, then are stopped.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use storage::testing::TestDb;
use storage::{Backend, outbox};

use crate::on_every_backend;

on_every_backend!(every_documented_command_runs_as_written);

const DOCUMENTS: [&str; 3] = ["docs/deployment.md", "docs/configuration.md", "README.md"];

/// `(document, line)` for every command line in a fenced code block: a line whose first
/// word, after any `NAME=value` assignments, is `lifeline`.
fn documented_commands() -> Vec<(&'static str, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut commands = Vec::new();
    for document in DOCUMENTS {
        let text = std::fs::read_to_string(root.join(document)).unwrap();
        let mut in_block = false;
        for line in text.lines() {
            let trimmed = line.trim();
            if trimmed.starts_with("```") {
                in_block = !in_block;
                continue;
            }
            let command = trimmed.split_whitespace().find(|word| !is_assignment(word));
            if in_block && command == Some("lifeline") {
                commands.push((document, trimmed.to_owned()));
            }
        }
    }
    commands
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    })
}

/// The scratch directory: `users.csv` and `lifeline.toml`.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("users.csv"),
        "email,password_hash\nada@example.com,$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHQ$iWh06vD8Fy27wf9npn6FXWiCX4K6pW6Ue1Bnzz07Z8A\ngrace@example.com,\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("lifeline.toml"),
        "[server]\nbind = \"127.0.0.1:0\"\n",
    )
    .unwrap();
    dir
}

/// Makes outbox job `id` exist and be given up.
fn given_up_job(db: &TestDb, id: i64) {
    let conn = &mut db.conn().unwrap();
    let now = chrono::Utc::now().naive_utc();
    while outbox::find(conn, id).unwrap().is_none() {
        assert!(outbox::enqueue(conn, "password_changed", "{}", now).unwrap() <= id);
    }
    diesel::sql_query(format!(
        "UPDATE outbox SET failed_at = created_at, sent_at = NULL, lease_owner = NULL WHERE id = {id}"
    ))
    .execute(&mut **conn)
    .unwrap();
}

fn bash(dir: &Path, db: &TestDb, line: &str) -> Command {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_lifeline"));
    let path = format!("{}:/usr/bin:/bin", binary.parent().unwrap().display());
    let mut command = Command::new("bash");
    command
        .args(["-euo", "pipefail", "-c", line])
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("LIFELINE_DATABASE__URL", db.url())
        .env("LIFELINE_LOG__FILTER", "info")
        .stdin(Stdio::null());
    command
}

/// Runs a long-running command until it prints `ready`, then stops it.
fn run_until_ready(mut command: Command, ready: &str) -> Result<(), String> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let output = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    for mut stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let output = std::sync::Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                output
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    let result = loop {
        if output.lock().unwrap().contains(ready) {
            break Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            break Err(format!("exited ({status}) before {ready:?}"));
        }
        if Instant::now() > deadline {
            break Err(format!("no {ready:?} within 20 s"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = child.kill();
    let _ = child.wait();
    result.map_err(|why| format!("{why}:\n{}", output.lock().unwrap()))
}

async fn every_documented_command_runs_as_written(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let dir = scratch();
    let commands = documented_commands();
    assert!(commands.len() >= 8, "{commands:?}");

    // Act / Assert, in document order.
    for (document, line) in commands {
        if let Some(id) = line
            .split("--id ")
            .nth(1)
            .filter(|_| line.contains("outbox retry"))
        {
            given_up_job(&db, id.trim().parse().unwrap());
        }
        let command = bash(dir.path(), &db, &line);
        let outcome = if line.contains(" serve") {
            run_until_ready(command, "lifeline is listening")
        } else if line.contains(" demo") {
            run_until_ready(command, "Lifeline demo is running")
        } else {
            let mut command = command;
            let output = tokio::task::spawn_blocking(move || command.output().unwrap())
                .await
                .unwrap();
            if output.status.success() {
                Ok(())
            } else {
                Err(format!(
                    "{}\n{}{}",
                    output.status,
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                ))
            }
        };
        if let Err(why) = outcome {
            panic!("`{line}` from {document} failed: {why}");
        }
    }
}
