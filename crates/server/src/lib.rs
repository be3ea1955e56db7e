//! Lifeline's HTTP service: password reset and magic-link sign-in over actix-web.
//!
//! [`startup::Application`] builds the whole service from a
//! [`config::Settings`] value and binds its own listener (port 0 works), so
//! tests and embedding hosts run exactly what production runs.

pub mod cli;
pub mod client;
pub mod commands;
pub mod config;
pub mod directory;
pub mod error;
pub mod extractors;
pub mod flows;
pub mod group_commit;
pub mod jobs;
pub mod keys;
pub mod maintenance;
pub mod metrics;
pub mod pages;
pub mod request_log;
pub mod routes;
pub mod security;
pub mod session_user;
pub mod startup;
pub mod state;
