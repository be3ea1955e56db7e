//! Lifeline's benchmarks and load harness.
//!
//! - `benches/`: criterion micro-benchmarks; run them with `cargo bench -p lifeline-benches`.
//! - `load/run`: the load harness (see `docs/performance.md`). It drives a release build of
//!   `lifeline serve` with `wrk`, delivers its mail to the `smtp-sink` binary, and reports
//!   throughput, latency and memory per scenario against a ceiling measured in the same run.
//!
//! This library holds the harness's parts so that the binaries stay small.

pub mod load;
pub mod sink_text;
