//! The `lifeline` command line: parsing ([`cli`]) and what each subcommand does
//! ([`commands`]). The service itself is the `lifeline` library; this crate only parses,
//! prints and shows progress, so a host embedding Lifeline compiles neither clap nor
//! indicatif.

pub mod cli;
pub mod commands;
pub mod output;
pub mod password_prompt;
pub mod plugins;
pub mod report;
