//! Lifeline's benchmarks and load harness.
//!
//! - `benches/`: criterion micro-benchmarks; run them with `cargo bench -p lifeline-benches`.
//! - `load/run`: the load harness (see `docs/performance.md`). It drives a release build of
//!   `lifeline serve` with `wrk`, delivers its mail to the `smtp-sink` binary, and reports
//!   throughput, latency and memory per scenario against a ceiling measured in the same run.
//!
//! - `instructions/run`: instruction counts of the hot paths under valgrind's callgrind,
//!   compared with the committed baselines (`instructions`); `.ci/run` fails on a count
//!   more than 3 % above its baseline.
//!
//! This library holds the harness's parts so that the binaries stay small.

pub mod instructions;
pub mod load;
pub mod sink_text;
