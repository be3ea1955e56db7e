//! A recovery link for an account, made by the help desk (`POST /api/v1/admin/accounts/{id}/
//! recovery-link`): mailed by Lifeline, or returned for the help desk to hand over.

use chrono::{NaiveDateTime, TimeDelta};
use storage::StorageError;
use token_core::{Lifetime, Purpose};

use super::{AccountKey, Accounts, Actor, Event, OperatorError};
use crate::links::{IssueError, Links};
use crate::outbox::{JobKind, MailJob, ResetRequested};

/// How the recovery link reaches the account's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Lifeline mails a reset link to the account's address, through the outbox, as if the
    /// owner had asked for one (the same per-account quota applies).
    Mail,
    /// The link is returned to the caller, who hands it over (read out on the phone, say).
    Response,
}

impl Delivery {
    fn as_str(self) -> &'static str {
        match self {
            Delivery::Mail => "mail",
            Delivery::Response => "response",
        }
    }
}

/// A reset link returned to the help desk ([`Delivery::Response`]).
#[derive(Debug)]
pub struct RecoveryLink {
    /// The link, on the configured public URL.
    pub url: String,
    /// When it stops working (UTC).
    pub expires_at: NaiveDateTime,
}

/// What issuing reset links takes: the link service, the public URL the links start with
/// (with the base path), and their lifetime (`tokens.reset_lifetime_secs`).
#[derive(Clone)]
pub(crate) struct LinkIssuer {
    pub(crate) links: Links,
    pub(crate) public_url: String,
    pub(crate) lifetime: Lifetime,
}

/// What a recovery link request did.
#[derive(Debug)]
pub(crate) enum Recovery {
    /// The reset mail is queued: hand the kind to the outbox to wake its worker.
    Queued(JobKind),
    /// The link to hand over.
    Returned(RecoveryLink),
}

impl Accounts {
    /// Makes a reset link for the account, mailed or returned as `delivery` says; earlier
    /// reset links of the account stop working. The audit event `recovery_link_created`
    /// names the actor and the delivery. A disabled account (no link of it works) or one
    /// whose links are paused after "this wasn't me" is refused.
    pub(crate) fn recovery_link(
        &self,
        account: AccountKey,
        delivery: Delivery,
        issuer: &LinkIssuer,
        actor: &Actor,
        now_unix: i64,
    ) -> Result<Recovery, OperatorError> {
        let now = chrono::DateTime::from_timestamp(now_unix, 0)
            .unwrap_or_default()
            .naive_utc();
        let mut conn = self.db.conn()?;
        let user = self.find_in(&mut conn, &account)?;
        if user.is_disabled() {
            return Err(OperatorError::Disabled(user.id));
        }
        if let Some(until) = user.resets_paused_until.filter(|until| *until > now) {
            return Err(OperatorError::Paused(until));
        }
        let event = Event::new("recovery_link_created", "recovery link")
            .with_extra(format!("delivery: {}", delivery.as_str()));
        let mail = match delivery {
            Delivery::Mail => Some(
                MailJob::PasswordResetRequested(ResetRequested {
                    email: user.display_email.clone(),
                    ip: None,
                    requested_at: now_unix,
                    lang: None,
                })
                .encode()
                .map_err(|e| OperatorError::Mail(e.into()))?,
            ),
            Delivery::Response => None,
        };
        let recovery = self.jobs.transaction(&mut conn, |conn| {
            let recovery = match &mail {
                Some(job) => {
                    job.write(conn, now)?;
                    self.jobs.wrote(job.kind(), 1);
                    Recovery::Queued(job.kind())
                }
                None => {
                    let minted = issuer
                        .links
                        .issue(
                            conn,
                            Purpose::PasswordReset,
                            &user,
                            issuer.lifetime,
                            None,
                            now_unix,
                        )
                        .map_err(|error| match error {
                            IssueError::Storage(error) => error,
                            IssueError::Mint(error) => StorageError::Randomness(error.to_string()),
                        })?;
                    Recovery::Returned(RecoveryLink {
                        url: format!(
                            "{}/password/reset?token={}",
                            issuer.public_url,
                            minted.token.expose_secret()
                        ),
                        expires_at: now + TimeDelta::seconds(issuer.lifetime.as_secs()),
                    })
                }
            };
            self.record(conn, &user, actor, &event, now)?;
            Ok(recovery)
        })?;
        Ok(recovery)
    }
}
