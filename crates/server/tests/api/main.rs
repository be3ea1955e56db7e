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
mod api;
mod csrf;
mod db_rows;
mod enumeration;
mod helpers;
mod magic_link;
mod mail_outage;
mod malformed_input;
mod operations;
mod password_reset;
mod rate_limits;
mod reset_links;
mod reset_steps;
mod security_headers;
mod served_binary;
mod sessions;
mod sign_in_steps;
mod token_leaks;
