//! `--perf-dir DIR`: each scenario's server recorded by `perf record` from the moment it is
//! ready until it is asked to stop, into `DIR/<backend>-<scenario>.perf.data`, for the flame
//! graphs of `benches/load/flamegraph` (docs/performance.md, "Where the time goes").
//!
//! Call stacks are unwound from DWARF (`--call-graph dwarf`): the release build keeps its
//! unwind tables and symbols but no frame pointers, so the profiled binary is the measured one.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// Samples per second and CPU: enough for a flame graph of a 10 s scenario, few enough that
/// perf's own work stays small beside the server's.
const FREQUENCY: &str = "199";

/// SIGINT's number on Linux.
const SIGINT: i32 = 2;

/// A `perf record` attached to a process.
#[derive(Debug)]
pub struct Recording {
    child: Child,
    file: PathBuf,
}

impl Recording {
    /// Starts recording process `pid` (every thread) into `file`.
    pub fn attach(pid: u32, file: &Path) -> anyhow::Result<Self> {
        let child = Command::new("perf")
            .args([
                "record",
                "--quiet",
                "-F",
                FREQUENCY,
                "--call-graph",
                "dwarf",
            ])
            .args(["-p", &pid.to_string(), "-o"])
            .arg(file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .context("could not run perf (apt-get install -y linux-perf)")?;
        Ok(Self {
            child,
            file: file.to_owned(),
        })
    }

    /// Stops recording (SIGINT, as Ctrl-C) and waits until perf has written its file.
    pub async fn finish(mut self) -> anyhow::Result<PathBuf> {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                // perf writes its file, then ends by the signal it was sent.
                if !status.success() && status.signal() != Some(SIGINT) {
                    bail!("perf record ended with {status}");
                }
                return Ok(self.file.clone());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("perf record did not finish within 60 s of SIGINT")
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
