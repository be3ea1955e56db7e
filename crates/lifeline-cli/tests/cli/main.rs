//! The `lifeline` binary as an operator runs it: each subcommand, the served process (its
//! logs, key rotation across restarts, SIGTERM) and the commands the documents show, each
//! test on SQLite and on MySQL against a fresh database and a real SMTP sink.
// Tests fail by panicking. Clippy's `allow-unwrap-in-tests` covers only
// `#[test]` functions, not the helpers and async test bodies they call.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed step in a test panics with its cause"
)]

// The service-level test harness (a whole service per test on a fresh database), shared with
// the library's own integration tests.
#[allow(
    dead_code,
    reason = "shared with the library's api tests, which use the rest"
)]
#[path = "../../../lifeline/tests/api/helpers.rs"]
mod helpers;

mod api_keys_cli;
mod auto_migrate;
mod cli;
mod config_check;
mod demo;
mod docs_commands;
mod key_rotation;
mod ldap_config_check;
mod ldap_injection;
mod ldap_reset;
mod ldap_sign_in;
mod ldap_support;
mod ldap_tls;
mod logs;
mod outbox_cli;
mod readme_facts;
mod served_binary;
mod sessions_cli;
mod shutdown;
mod terminal_prompts;
mod token_leaks;
mod users_accounts;
mod users_accounts_mapped;
mod users_import;
