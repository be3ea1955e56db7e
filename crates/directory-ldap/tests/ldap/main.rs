//! The LDAP plugin against a real OpenLDAP server (`directory_ldap::testing::Slapd`, one
//! fresh server per test), and its settings checks.
// Tests fail by panicking. Clippy's `allow-expect-in-tests` covers only `#[test]`
// functions, not the helpers they call.
#![expect(
    clippy::expect_used,
    reason = "a failed step in a test panics with its cause"
)]

mod find;
mod outage;
mod passwords;
mod settings;
mod support;
mod tls;
