//! Adversarial and fault tests that run several real `lifeline serve`
//! processes or break what the service depends on: three instances racing
//! for one link, two draining one outbox, a crash in the middle of a load,
//! and a database that becomes unreachable.
//!
//! A test binary of its own, so that these heavy tests never share the
//! machine with the rest of the suite; within it they take turns
//! ([`cluster::ONE_AT_A_TIME`]).
// Tests fail by panicking. Clippy's `allow-unwrap-in-tests` covers only
// `#[test]` functions, not the helpers and async test bodies they call.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed step in a test panics with its cause"
)]

// The harness of the `api` tests, shared rather than copied; this binary
// uses only part of it.
#[allow(
    dead_code,
    reason = "shared with the other test suites, which use the rest"
)]
#[path = "../../../lifeline/tests/api/db_rows.rs"]
mod db_rows;
#[allow(
    dead_code,
    reason = "shared with the other test suites, which use the rest"
)]
#[path = "../../../lifeline/tests/api/helpers.rs"]
mod helpers;
#[allow(
    dead_code,
    reason = "shared with the other test suites, which use the rest"
)]
#[path = "../cli/served_binary.rs"]
mod served_binary;
#[allow(
    dead_code,
    reason = "shared with the other test suites, which use the rest"
)]
#[path = "../../../lifeline/tests/api/webhook_receiver.rs"]
mod webhook_receiver;
#[path = "../../../lifeline/tests/api/webhook_verify.rs"]
mod webhook_verify;

mod cluster;
mod crash_recovery;
mod database_outage;
mod outbox_drain;
mod rolling_keys;
mod shared_limits;
mod single_use_race;
mod tcp_proxy;
mod webhook_crash;
