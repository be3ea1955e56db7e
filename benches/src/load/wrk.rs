//! Running `wrk`, the load generator, and reading its summary.

use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;

/// Prints the summary line every script ends with.
const REPORT: &str = include_str!("../../load/report.lua");

/// The Lua scripts of the scenarios.
pub mod scripts {
    /// A plain GET.
    pub const GET: &str = include_str!("../../load/get.lua");
    /// `POST /api/v1/password/forgot` with varied addresses; argument: seeded accounts.
    pub const FORGOT: &str = include_str!("../../load/forgot.lua");
    /// `POST /api/v1/password/reset`; argument: the token.
    pub const RESET: &str = include_str!("../../load/reset.lua");
    /// A GET with a session cookie; argument: the cookie (`name=value`).
    pub const SESSION: &str = include_str!("../../load/session.lua");
    /// A GET with a bearer session token; argument: the token (`lls1_…`).
    pub const BEARER: &str = include_str!("../../load/bearer.lua");
}

/// How hard to push.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    /// Seconds.
    pub duration: u64,
    /// Open connections.
    pub connections: u32,
    /// wrk threads.
    pub threads: u32,
}

/// What wrk measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WrkRun {
    /// Responses received.
    pub requests: u64,
    /// Wall time of the run.
    pub seconds: f64,
    /// Median latency.
    pub p50_ms: f64,
    /// 99th percentile latency.
    pub p99_ms: f64,
    /// Connect, read, write errors and timeouts.
    pub socket_errors: u64,
}

impl WrkRun {
    /// Responses per second.
    pub fn rate(&self) -> f64 {
        self.requests as f64 / self.seconds.max(1e-9)
    }
}

#[derive(Deserialize)]
struct Summary {
    requests: f64,
    duration_us: f64,
    p50_us: f64,
    p99_us: f64,
    connect: f64,
    read: f64,
    write: f64,
    timeout: f64,
}

/// Runs wrk against `url` with `script` (one of [`scripts`]) and its `args`, keeping the
/// script in `dir`.
pub async fn run(
    url: &str,
    script: &str,
    args: &[String],
    load: Load,
    dir: &Path,
) -> anyhow::Result<WrkRun> {
    let path = dir.join("scenario.lua");
    std::fs::write(&path, format!("{script}\n{REPORT}"))?;
    let output = tokio::process::Command::new("wrk")
        .arg(format!("-t{}", load.threads))
        .arg(format!("-c{}", load.connections))
        .arg(format!("-d{}s", load.duration))
        .args(["--timeout", "10s", "-s"])
        .arg(&path)
        .arg(url)
        .arg("--")
        .args(args)
        .output()
        .await
        .context("could not run wrk (apt-get install -y wrk)")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "wrk failed: {}{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    parse(&stdout)
}

fn parse(stdout: &str) -> anyhow::Result<WrkRun> {
    let json = stdout
        .lines()
        .find_map(|line| line.strip_prefix("WRK_RESULT "))
        .with_context(|| format!("no summary in wrk's output:\n{stdout}"))?;
    let s: Summary = serde_json::from_str(json)?;
    Ok(WrkRun {
        requests: s.requests as u64,
        seconds: s.duration_us / 1e6,
        p50_ms: s.p50_us / 1e3,
        p99_ms: s.p99_us / 1e3,
        socket_errors: (s.connect + s.read + s.write + s.timeout) as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_line_is_found_among_wrk_output() {
        // Arrange
        let stdout = "Running 1s test @ http://x\n  2 threads\nWRK_RESULT \
            {\"requests\":1000,\"duration_us\":2000000,\"p50_us\":1500,\"p99_us\":9000,\
            \"connect\":0,\"read\":1,\"write\":0,\"status\":5,\"timeout\":2}\n";

        // Act
        let run = parse(stdout).unwrap();

        // Assert
        assert_eq!(
            run,
            WrkRun {
                requests: 1000,
                seconds: 2.0,
                p50_ms: 1.5,
                p99_ms: 9.0,
                socket_errors: 3,
            }
        );
        assert_eq!(run.rate(), 500.0);
        assert!(parse("no summary").is_err());
    }
}
