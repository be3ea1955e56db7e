//! The load harness: one command that builds, starts and measures `lifeline serve`.
//!
//! For each backend (SQLite always, MariaDB when asked) it creates a fresh database, seeds
//! accounts, and runs every scenario against a freshly started server whose mail goes to
//! the `smtp-sink` binary. `wrk` generates the HTTP load; the figures are compared to the
//! `GET /healthz` ceiling measured in the same run, so they mean something on any machine.

pub mod backend;
pub mod database;
pub mod e2e;
pub mod fill;
pub mod mail_delay;
pub mod options;
pub mod profile;
pub mod report;
pub mod run;
pub mod scale;
pub mod scenarios;
pub mod server;
pub mod sink;
pub mod targets;
pub mod wrk;
