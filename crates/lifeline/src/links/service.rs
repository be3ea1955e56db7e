//! [`Links`]: what the link service needs, held together.

use std::sync::Arc;

use chrono::NaiveDateTime;
use token_core::{KeyRing, Purpose};

use crate::directory::UserDirectory;
use crate::metrics::Metrics;

/// The link service: issue, check and consume links of any purpose (see the module
/// documentation for the states a link goes through).
///
/// Cheap to clone (three `Arc`s), so a request handler can move one into blocking work.
#[derive(Clone)]
pub struct Links {
    pub(super) keys: Arc<KeyRing>,
    pub(super) directory: Arc<dyn UserDirectory>,
    pub(super) metrics: Arc<Metrics>,
}

impl Links {
    /// A service signing and verifying with `keys`, finding accounts in `directory` and
    /// counting issued and rejected links in `metrics`.
    pub fn new(
        keys: Arc<KeyRing>,
        directory: Arc<dyn UserDirectory>,
        metrics: Arc<Metrics>,
    ) -> Links {
        Links {
            keys,
            directory,
            metrics,
        }
    }
}

/// Whether links of `purpose` have a row in the `tokens` table.
///
/// Reset and magic links do: single use and "only the newest link works" are kept by the
/// row. "This wasn't me" links do not: every notification mail carries one, and a newer
/// mail must not void the link in an older one, which is exactly what someone whose
/// account was taken over needs. The MAC, the expiry and the account's `auth_epoch` bind
/// them instead, and using one bumps the epoch, so it works once.
pub(super) const fn is_stored(purpose: Purpose) -> bool {
    match purpose {
        Purpose::PasswordReset | Purpose::MagicLink => true,
        Purpose::NotMe | Purpose::NotMeChange => false,
    }
}

/// `now` (Unix seconds) as a database timestamp (UTC).
pub(super) fn db_time(now: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp(now, 0)
        .unwrap_or_default()
        .naive_utc()
}
