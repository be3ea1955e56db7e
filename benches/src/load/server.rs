//! A `lifeline serve` process under test.

use std::fs::File;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::profile::Recording;

/// Settings every scenario runs with: limits raised far above the load, so that the write
/// path is measured and not the rate limiter; mail to the sink over plain SMTP.
pub fn base_env(db_url: &str, port: u16, smtp_port: u16, work: &Path) -> Vec<(String, String)> {
    let huge = "1000000000";
    [
        ("LIFELINE_MODE", "development".to_owned()),
        ("LIFELINE_SERVER__BIND", format!("127.0.0.1:{port}")),
        (
            "LIFELINE_SERVER__PUBLIC_URL",
            format!("http://127.0.0.1:{port}"),
        ),
        ("LIFELINE_DATABASE__URL", db_url.to_owned()),
        (
            "LIFELINE_KEYS__DEV_KEYS_FILE",
            work.join("dev-keys.toml").display().to_string(),
        ),
        ("LIFELINE_MAIL__TRANSPORT__KIND", "smtp".to_owned()),
        ("LIFELINE_MAIL__TRANSPORT__HOST", "127.0.0.1".to_owned()),
        ("LIFELINE_MAIL__TRANSPORT__PORT", smtp_port.to_string()),
        ("LIFELINE_MAIL__TRANSPORT__TLS", "none".to_owned()),
        ("LIFELINE_LIMITS__PER_IP_PER_MINUTE", huge.to_owned()),
        ("LIFELINE_LIMITS__PER_IP_BURST", huge.to_owned()),
        ("LIFELINE_LIMITS__PER_ADDRESS_PER_HOUR", huge.to_owned()),
        (
            "LIFELINE_LIMITS__PER_ACCOUNT_MAILS_PER_HOUR",
            huge.to_owned(),
        ),
        ("LIFELINE_LIMITS__GLOBAL_PER_SECOND", huge.to_owned()),
        ("LIFELINE_LIMITS__LOGIN_PER_ACCOUNT", huge.to_owned()),
        (
            "LIFELINE_ADMIN_API__FAILED_PER_IP_PER_MINUTE",
            huge.to_owned(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// A running server. Stopped (SIGTERM, then SIGKILL) when dropped.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub base_url: String,
    /// `perf record` on it, with `--perf-dir`.
    recording: Option<Recording>,
}

impl Server {
    /// Starts `lifeline serve` with exactly `env` (plus PATH and HOME) on `port`, logging to
    /// `log`, and waits until `/healthz` answers; then, given a `perf_file`, records it there
    /// until it is stopped.
    pub async fn start(
        binary: &Path,
        env: &[(String, String)],
        port: u16,
        log: &Path,
        perf_file: Option<&Path>,
    ) -> anyhow::Result<Server> {
        let output = File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let child = Command::new(binary)
            .arg("serve")
            .env_clear()
            .envs(std::env::vars().filter(|(k, _)| k == "PATH" || k == "HOME"))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(output.try_clone()?)
            .stderr(output)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let mut server = Server {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            recording: None,
        };
        server.wait_ready(log).await?;
        if let Some(file) = perf_file {
            server.recording = Some(Recording::attach(server.pid(), file)?);
        }
        Ok(server)
    }

    async fn wait_ready(&mut self, log: &Path) -> anyhow::Result<()> {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                bail!("lifeline exited with {status}; see {}", log.display());
            }
            let url = format!("{}/healthz", self.base_url);
            if let Ok(response) = client.get(url).send().await
                && response.status().is_success()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!(
            "lifeline did not answer within 120 s; see {}",
            log.display()
        )
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The highest resident memory of the process so far, in MiB (`VmHWM`).
    pub fn peak_rss_mib(&self) -> anyhow::Result<f64> {
        peak_rss_mib(self.pid())
    }

    /// The Prometheus text of `/metrics`.
    pub async fn metrics(&self) -> anyhow::Result<String> {
        let url = format!("{}/metrics", self.base_url);
        Ok(reqwest::get(url).await?.error_for_status()?.text().await?)
    }

    /// Stops the server gracefully (SIGTERM), waiting for it to finish.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.terminate().await
    }

    async fn terminate(&mut self) -> anyhow::Result<()> {
        // The recording ends before the shutdown, which is not what is measured.
        if let Some(recording) = self.recording.take() {
            let file = recording.finish().await?;
            println!("recorded {}", file.display());
        }
        if self.child.try_wait()?.is_some() {
            return Ok(());
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.child.kill()?;
        self.child.wait()?;
        bail!("lifeline did not stop within 30 s of SIGTERM and was killed")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `VmHWM` of process `pid`, in MiB.
pub fn peak_rss_mib(pid: u32) -> anyhow::Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmHWM in /proc/PID/status")?;
    Ok(kib / 1024.0)
}

/// A port that was free a moment ago.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The sum of the `lifeline_http_requests_total` counters for `route` and `method`, split
/// into those with `status` and all the others.
pub fn responses(metrics: &str, route: &str, method: &str, status: u16) -> (u64, u64) {
    let wanted = format!("lifeline_http_requests_total{{route=\"{route}\",method=\"{method}\",");
    let status = format!("status=\"{status}\"}}");
    let (mut matching, mut other) = (0, 0);
    for line in metrics.lines().filter(|l| l.starts_with(&wanted)) {
        let Some((labels, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let value: u64 = value.parse().unwrap_or(0);
        if labels.ends_with(&status) {
            matching += value;
        } else {
            other += value;
        }
    }
    (matching, other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_are_split_by_status_for_one_route() {
        // Arrange
        let metrics = "# TYPE lifeline_http_requests_total counter\n\
            lifeline_http_requests_total{route=\"/a\",method=\"POST\",status=\"202\"} 10\n\
            lifeline_http_requests_total{route=\"/a\",method=\"POST\",status=\"500\"} 2\n\
            lifeline_http_requests_total{route=\"/a\",method=\"GET\",status=\"202\"} 7\n\
            lifeline_http_requests_total{route=\"/b\",method=\"POST\",status=\"202\"} 5\n";

        // Act / Assert
        assert_eq!(responses(metrics, "/a", "POST", 202), (10, 2));
        assert_eq!(responses(metrics, "/c", "POST", 202), (0, 0));
    }

    #[test]
    fn the_peak_memory_of_this_process_is_readable() {
        // Act
        let mib = peak_rss_mib(std::process::id()).unwrap();

        // Assert
        assert!(mib > 0.1 && mib < 100_000.0, "{mib}");
    }
}
