//! The LDAP plugin against a real OpenLDAP server (`directory_ldap::testing::Slapd`, one
//! fresh server per test), and its settings checks.

mod find;
mod outage;
mod passwords;
mod settings;
mod support;
mod tls;
