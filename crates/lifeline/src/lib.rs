//! Lifeline's HTTP service: password reset and magic-link sign-in over actix-web.
//!
//! [`Lifeline`] is the service as a library: built from a [`config::Settings`]
//! value, mounted into a host's actix-web `App` under `server.base_path`, its
//! workers started and stopped by the host ([`embed`]). [`startup::Application`]
//! is the standalone service on top of it: it binds its own listener (port 0
//! works), so tests run exactly what production runs.

pub mod cli;
pub mod commands;
pub mod config;
pub mod directory;
pub mod embed;
pub mod error;
pub mod flows;
pub mod http;
pub mod keys;
pub mod links;
pub mod maintenance;
pub mod metrics;
pub mod outbox;
pub mod pages;
pub mod security;
pub mod startup;
pub mod state;

pub use embed::{Lifeline, Workers};
/// The clock [`Lifeline::build_with_directory`] takes: [`SystemClock`] outside tests.
pub use token_core::{Clock, SystemClock};
