//! The HTML pages, one module per URL.

pub mod account;
pub mod check_inbox;
pub mod dev_mailbox;
pub mod health;
pub mod held_link;
pub mod language;
pub mod login;
pub mod magic_link;
pub mod metrics;
pub mod password;
pub mod sessions;
