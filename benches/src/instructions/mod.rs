//! Instruction counts of the hot paths, under valgrind's callgrind: deterministic where
//! wall-clock figures on a shared machine move by 10–25 % from run to run.
//!
//! `instruction-counts check` runs every [`Scenario`] in a process of its own under
//! callgrind (`callgrind.rs`), divides the instructions counted by the calls made, and
//! compares each figure with `benches/instructions/baselines.toml` (`baseline.rs`): a count
//! more than the allowed share above its baseline fails the check. Set-up (building the
//! service, seeding accounts, warm-up requests) runs with instrumentation off and is not
//! counted; the measured calls are, on every thread of the process.

pub mod baseline;
pub mod callgrind;
mod outbox;
mod requests;
pub mod runner;
mod service;
mod tokens;

use std::path::PathBuf;

use clap::ValueEnum;

/// What is counted, one process each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Scenario {
    /// Mint a reset token (16 bytes from the OS, one keyed BLAKE3, base64url).
    TokenMint,
    /// Verify a valid reset token in memory.
    TokenVerify,
    /// Reject a reset token whose MAC does not match.
    TokenRejectForged,
    /// `GET /password/reset?token=<forged>`: the invalid-link page.
    RequestForgedLink,
    /// `POST /api/v1/password/reset` with a genuine, used token: one lookup, 400.
    RequestUsedLink,
    /// `POST /api/v1/password/forgot` for an account, up to its committed outbox row and
    /// the 202.
    RequestForgotAccepted,
    /// `GET /api/v1/session` with a bearer session token (the session cache's path).
    RequestSessionCheck,
    /// `POST /api/v1/session` with a wrong password, less one argon2id verification
    /// ([`Scenario::Argon2Verify`]).
    RequestSignInWrongPassword,
    /// One argon2id verification at the cheapest cost, subtracted from sign-in.
    Argon2Verify,
    /// The outbox worker started with one reset job queued: claim, compose (account,
    /// quotas, link), render, send over SMTP, record; then stopped.
    OutboxBatch1,
    /// The same with 32 jobs queued: one batch of 32.
    OutboxBatch32,
    /// [`Scenario::OutboxBatch1`] for an account that was sent 2,000 reset links before:
    /// issuing its link must cost what it costs for a new account.
    OutboxBatch1LongHistory,
}

impl Scenario {
    /// Every scenario, in the order they are reported.
    pub fn all() -> &'static [Scenario] {
        Scenario::value_variants()
    }

    /// The scenario's name, as in the baselines file.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map(|value| value.get_name().to_owned())
            .unwrap_or_default()
    }

    /// How many calls are counted: enough that what one call costs is not lost in the
    /// runtime's own background work.
    pub fn times(self) -> u32 {
        match self {
            Scenario::TokenMint | Scenario::TokenVerify | Scenario::TokenRejectForged => 1000,
            Scenario::Argon2Verify => 5,
            Scenario::OutboxBatch1
            | Scenario::OutboxBatch32
            | Scenario::OutboxBatch1LongHistory => 1,
            _ => 20,
        }
    }

    /// The scenario whose count per call is subtracted from this one's.
    pub fn less(self) -> Option<Scenario> {
        match self {
            Scenario::RequestSignInWrongPassword => Some(Scenario::Argon2Verify),
            _ => None,
        }
    }
}

/// What a measuring process is told.
#[derive(Clone, Debug)]
pub struct Options {
    /// Calls counted.
    pub times: u32,
    /// A directory of the scenario's own (its SQLite file).
    pub work_dir: PathBuf,
    /// The SMTP sink's port.
    pub smtp_port: u16,
    /// The SMTP sink's control port (`benches/src/bin/smtp-sink.rs`).
    pub control_port: u16,
}

/// Runs `scenario` in this process: set-up, then the counted calls.
pub fn measure(scenario: Scenario, options: &Options) -> anyhow::Result<()> {
    match scenario {
        Scenario::TokenMint | Scenario::TokenVerify | Scenario::TokenRejectForged => {
            tokens::run(scenario, options.times)
        }
        Scenario::OutboxBatch1 | Scenario::OutboxBatch32 | Scenario::OutboxBatch1LongHistory => {
            actix_web::rt::System::new().block_on(outbox::run(scenario, options))
        }
        Scenario::Argon2Verify => tokens::argon2_verify(options.times),
        _ => actix_web::rt::System::new().block_on(requests::run(scenario, options)),
    }
}
