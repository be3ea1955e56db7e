//! Valgrind's callgrind: the two client requests that bracket a measured region, the
//! command that runs a scenario under it, and the reading of its output.
//!
//! The process starts with instrumentation off (`--instr-atstart=no`): set-up runs
//! uncounted, [`measure`] switches instrumentation on for the measured calls and off again,
//! and callgrind's total is then exactly what those calls executed, on every thread of the
//! process (the blocking pool, the group committer, the hash pool).

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

/// `VG_USERREQ_TOOL_BASE('C', 'T')` of `valgrind/callgrind.h`.
const CALLGRIND_BASE: u64 = (b'C' as u64) << 24 | (b'T' as u64) << 16;
/// `VG_USERREQ__START_INSTRUMENTATION` (the fifth request after the base).
const START_INSTRUMENTATION: u64 = CALLGRIND_BASE + 4;
/// `VG_USERREQ__STOP_INSTRUMENTATION`.
const STOP_INSTRUMENTATION: u64 = CALLGRIND_BASE + 5;

/// Functions whose instructions are left out (callgrind's `--toggle-collect` patterns).
const UNCOUNTED: &[&str] = &[
    "*ConnectionManager as r2d2::ManageConnection>::connect",
    "lifeline::maintenance::purge",
];

/// Sends a client request to valgrind; outside valgrind the sequence does nothing.
///
/// This is `VALGRIND_DO_CLIENT_REQUEST_EXPR` of `valgrind/valgrind.h` for x86_64: `rax`
/// points at the request and its five arguments, four rotations of `rdi` that add up to
/// 128 bits (so `rdi` is unchanged) mark the request, `xchg rbx, rbx` makes it, and the
/// answer comes back in `rdx`. Written out here because the crates that wrap it
/// (`crabgrind`, `valgrind-requests`) generate their bindings with bindgen at build time,
/// which needs libclang on every machine that builds the benchmarks.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
fn client_request(request: u64) {
    let args: [u64; 6] = [request, 0, 0, 0, 0, 0];
    let mut answer: u64 = 0;
    // SAFETY: the sequence reads `args` (which outlives it) and writes `rdx` only; every
    // other register it touches is restored, and natively it is four rotations and a no-op.
    unsafe {
        std::arch::asm!(
            "rol rdi, 3",
            "rol rdi, 13",
            "rol rdi, 61",
            "rol rdi, 51",
            "xchg rbx, rbx",
            in("rax") args.as_ptr(),
            inout("rdx") answer,
            options(nostack),
        );
    }
    std::hint::black_box(answer);
}

#[cfg(not(target_arch = "x86_64"))]
fn client_request(_request: u64) {}

/// Runs `call` `times` times with instrumentation on, so that callgrind counts these calls
/// and nothing else.
pub fn measure(times: u32, mut call: impl FnMut()) {
    client_request(START_INSTRUMENTATION);
    for _ in 0..times {
        call();
    }
    client_request(STOP_INSTRUMENTATION);
}

/// Instrumentation on from [`Counting::start`] until [`Counting::stop`] (or the drop), for
/// measured code that awaits.
#[must_use = "instrumentation stops when this is dropped"]
pub struct Counting(());

impl Counting {
    /// Switches instrumentation on.
    pub fn start() -> Self {
        client_request(START_INSTRUMENTATION);
        Counting(())
    }

    /// Switches instrumentation off.
    pub fn stop(self) {}
}

impl Drop for Counting {
    fn drop(&mut self) {
        client_request(STOP_INSTRUMENTATION);
    }
}

/// Runs `program args…` under callgrind, writing its profile to `out`, and returns the
/// instructions it counted.
pub fn count(program: &Path, args: &[&str], out: &Path) -> anyhow::Result<u64> {
    let status = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--instr-atstart=no")
        // Work whose amount depends on timing, not on the code measured: a pooled database
        // connection opened when the calls happened to overlap, and the housekeeping purge
        // that starts with the outbox worker. Counting stops inside them, on the thread
        // that runs them.
        .args(
            UNCOUNTED
                .iter()
                .map(|function| format!("--toggle-collect={function}")),
        )
        // After the toggles, each of which would switch collection off at the start.
        .arg("--collect-atstart=yes")
        .arg("--quiet")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(program)
        .args(args)
        .status()
        .context("valgrind did not start (is it installed? apt-get install valgrind)")?;
    if !status.success() {
        bail!(
            "{} {} failed under callgrind: {status}",
            program.display(),
            args.join(" ")
        );
    }
    let profile = std::fs::read_to_string(out)
        .with_context(|| format!("reading callgrind's profile {}", out.display()))?;
    total(&profile).with_context(|| format!("no instruction total in {}", out.display()))
}

/// The `totals:` (or, in older formats, `summary:`) line of a callgrind profile.
fn total(profile: &str) -> Option<u64> {
    profile
        .lines()
        .rev()
        .find_map(|line| {
            line.strip_prefix("totals:")
                .or_else(|| line.strip_prefix("summary:"))
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|first| first.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::total;

    #[test]
    fn the_total_is_read_from_the_profile() {
        let profile = "version: 1\nevents: Ir\nfn=main\n0 12\nsummary: 4200\ntotals: 4200\n";
        assert_eq!(total(profile), Some(4200));
        assert_eq!(total("events: Ir\n"), None);
    }
}
