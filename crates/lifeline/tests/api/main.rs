//! Integration tests of the whole service: one binary, each test on SQLite and
//! on MySQL, a real SMTP sink and a real HTTP client.
// Tests fail by panicking. Clippy's `allow-unwrap-in-tests` covers only
// `#[test]` functions, not the helpers and async test bodies they call.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed step in a test panics with its cause"
)]

mod account_protection;
mod account_source;
mod address_variants;
mod admin_accounts;
mod admin_keys;
mod admin_recovery;
mod admin_refusals;
mod admin_sessions_audit;
mod admin_support;
mod api;
mod api_errors;
mod api_languages;
mod base_path;
mod change_password;
mod configuration_doc;
mod content_types;
mod csrf;
mod db_rows;
mod dev_mailbox;
mod directory_plugins;
mod disabled_accounts;
mod enumeration;
mod error_pages;
mod header_attacks;
mod helpers;
mod host_directory;
mod languages;
mod link_first_hop;
mod live_links;
mod lock_down;
mod login_next;
mod magic_link;
mod mail_languages;
mod mail_outage;
mod malformed_bodies;
mod malformed_input;
mod malformed_tokens;
mod metrics;
mod openapi;
mod operations;
mod outbox_batches;
mod outbox_drain;
mod page_guidance;
mod password_reset;
mod rate_limits;
mod reset_links;
mod reset_steps;
mod security_headers;
mod session_api;
mod session_cache;
mod session_records;
mod sessions;
mod sign_in_after_reset;
mod sign_in_pool;
mod sign_in_steps;
mod source_accounts;
mod source_lookups;
mod stored_jobs;
mod stored_secrets;
mod test_harness;
mod threat_model;
mod token_leaks;
mod user_directory;
mod user_directory_operator;
mod webhook_receiver;
mod webhook_verify;
mod webhooks;
