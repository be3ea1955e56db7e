//! The limits a link request meets in the worker, counted in the database (`throttles`) so
//! they hold across every instance on it: the mails of an account per hour
//! (`limits.per_account_mails_per_hour`) and the link requests of an address per hour
//! (`limits.per_address_per_hour`). Counting here, off the request path, keeps a link request
//! one write; the request path keeps only the in-memory filter (`flows::admission`).
//!
//! A job counts once, on its first attempt: a retry after a failed send is the same request,
//! and counting every attempt would let an SMTP outage use up a budget, so that the delayed
//! mail would never be sent. (A job over a limit is skipped on that first attempt and never
//! retried.)

use std::time::Duration;

use chrono::NaiveDateTime;
use mail::MailError;
use storage::outbox::OutboxJob;
use storage::{DbConnection, EmailAddress, throttles};

use super::composer::LifelineComposer;
use crate::directory::DirectoryUser as User;

/// Why a job over the per-address limit sent nothing (the skip's reason).
pub(super) const OVER_ADDRESS_LIMIT: &str = "address over its hourly link-request limit";

const HOUR: Duration = Duration::from_secs(3600);

impl LifelineComposer {
    /// Whether `user` may get one more mail this hour.
    pub(super) fn within_quota(
        &self,
        conn: &mut DbConnection,
        job: &OutboxJob,
        user: &User,
        now: NaiveDateTime,
    ) -> Result<bool, MailError> {
        if job.attempts > 1 {
            return Ok(true);
        }
        let key = token_core::fingerprint(&self.keys, "account mail quota", &user.id.to_be_bytes());
        let allowed =
            throttles::hit(conn, &key, now, HOUR, self.mails_per_account_per_hour)?.allowed;
        if !allowed {
            self.metrics.account_mail_quota_hit();
        }
        Ok(allowed)
    }

    /// Whether one more link may be asked for `address` this hour, reset and magic links
    /// together, whether or not an account has the address: over the limit the job is
    /// skipped, so the requester saw the usual answer and the limit reveals nothing.
    pub(super) fn within_address_limit(
        &self,
        conn: &mut DbConnection,
        job: &OutboxJob,
        address: &EmailAddress,
        now: NaiveDateTime,
    ) -> Result<bool, MailError> {
        if job.attempts > 1 {
            return Ok(true);
        }
        let key = token_core::fingerprint(
            &self.keys,
            "address link requests",
            address.as_str().as_bytes(),
        );
        let allowed =
            throttles::hit(conn, &key, now, HOUR, self.links_per_address_per_hour)?.allowed;
        if !allowed {
            self.metrics.address_limit_hit();
        }
        Ok(allowed)
    }
}
