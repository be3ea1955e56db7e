//! "This wasn't me": the link in every reset-requested, new-sign-in and password-changed email.
//!
//! Two kinds of link share the page, told apart by the token's prefix (each kind has its own
//! MAC subkey, so neither can be relabelled as the other):
//! - [`Purpose::NotMe`] (reset requested, new sign-in): every link and session dies and new
//!   link requests pause; the password stays, as nobody else knows it.
//! - [`Purpose::NotMeChange`] (password changed): the same, and the password that change set
//!   is voided, since whoever set it knows it. The confirmation mail then carries a fresh
//!   reset link, valid for the pause, so the mailbox owner takes the account back: the pause
//!   refuses new link *requests*, not this link.

use actix_web::web;
use chrono::NaiveDateTime;
use storage::{DbConnection, StorageError, audit};
use token_core::Purpose;

use crate::directory::{DirectoryConnection, DirectoryError, UserDirectory};
use crate::error::AppError;
use crate::http::blocking::run;
use crate::http::client::ClientInfo;
use crate::links::{Links, LiveLink};
use crate::outbox::{EncodedJob, MailJob, NotMeConfirmed};
use crate::state::AppState;
use crate::webhooks::{Event, EventType, Webhooks};

/// Audit kind of a lock-down from a reset-requested or new-sign-in mail.
const AUDIT_NOT_ME: &str = "not_me";
/// Audit kind of a lock-down from a password-changed mail, which voided the password.
const AUDIT_PASSWORD_VOIDED: &str = "not_me_password_voided";

/// Which kind of "this wasn't me" link `token` claims to be, by its prefix. Only a claim:
/// the check that follows verifies the MAC under that kind's own subkey, so text that is
/// neither kind is simply refused as a [`Purpose::NotMe`] link.
pub fn purpose_of(token: &str) -> Purpose {
    if token.starts_with(Purpose::NotMeChange.prefix()) {
        Purpose::NotMeChange
    } else {
        Purpose::NotMe
    }
}

/// Checks a "not me" link of either kind without using it. These links are not stored:
/// the MAC, the expiry and the account's `auth_epoch` bind them, and using one bumps the
/// epoch, which voids it (and every other link and session) at once.
pub async fn check(state: &web::Data<AppState>, token: &str) -> Result<Option<LiveLink>, AppError> {
    super::link_check::check(state, purpose_of(token), token).await
}

/// What a lock-down did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockedDown {
    /// The link came from a password-changed mail: the password was voided and the
    /// confirmation mail carries a recovery link.
    pub password_voided: bool,
}

/// Locks the account down in one transaction: the link is used, every link and session
/// voided (epoch bump), for a password-changed link the password voided too, requests
/// paused for the configured time, the event audited and a confirmation queued. `None`
/// when the link is no longer usable (used, expired, voided): then nothing changed.
pub async fn confirm(
    state: &web::Data<AppState>,
    token: &str,
    client: &ClientInfo,
) -> Result<Option<LockedDown>, AppError> {
    let Some(link) = check(state, token).await? else {
        return Ok(None);
    };
    let purpose = link.purpose();
    let password_voided = purpose == Purpose::NotMeChange;
    let ip = client.ip.map(|ip| ip.to_string());
    let notice = MailJob::NotMeConfirmed(NotMeConfirmed {
        user_id: link.user().id,
        ip: ip.clone(),
        confirmed_at: state.now_unix(),
        password_voided,
        lang: state.request_lang(),
    })
    .encode()
    .map_err(|e| AppError::Internal(e.into()))?;
    let queued = notice.kind();
    let pause = chrono::TimeDelta::seconds(
        i64::try_from(state.settings.limits.not_me_pause_secs).unwrap_or(i64::MAX),
    );
    // An account source voids the password itself, over the network: before the transaction,
    // and if it cannot, nothing is locked down half-way (503; the link still works).
    let voided_at_source = match (&state.password_authority, password_voided) {
        (Some(authority), true) => {
            let (authority, user) = (authority.clone(), link.user().clone());
            run(
                "voiding the password at the account source",
                move || match authority.void_password(&user) {
                    Err(DirectoryError::NoSuchAccount) => {
                        tracing::info!(
                            user_id = user.id,
                            "the entry is gone from the account source: no password to void"
                        );
                        Ok(())
                    }
                    other => other,
                },
            )
            .await?;
            true
        }
        _ => false,
    };
    let lock_down = LockDown {
        voided_at_source,
        links: state.links(),
        directory: state.directory.clone(),
        now: state.now(),
        now_unix: state.now_unix(),
        pause_until: state
            .now()
            .checked_add_signed(pause)
            .unwrap_or(NaiveDateTime::MAX),
        ip,
        user_agent: client.user_agent.clone(),
        notice,
        webhooks: state.webhooks.clone(),
    };
    let db = state.db.clone();
    let done = run("locking the account down", move || {
        let mut conn = db.conn()?;
        storage::write_transaction(&mut conn, |conn| lock_down.apply(conn, &link))
    })
    .await?;
    let Some(raised) = done else {
        // The link service logged and counted why (used or voided since the check).
        return Ok(None);
    };
    state.session_cache.forget_all();
    state.metrics.token_consumed(purpose);
    state.outbox.committed(queued);
    state.outbox.committed_webhooks(raised);
    Ok(Some(LockedDown { password_voided }))
}

/// Everything a lock-down writes, gathered before the blocking work starts.
struct LockDown {
    /// The account source voided the password already (using the link bumps the epoch).
    voided_at_source: bool,
    links: Links,
    directory: std::sync::Arc<dyn UserDirectory>,
    now: NaiveDateTime,
    now_unix: i64,
    pause_until: NaiveDateTime,
    ip: Option<String>,
    user_agent: Option<String>,
    notice: EncodedJob,
    webhooks: std::sync::Arc<Webhooks>,
}

impl LockDown {
    /// The lock-down's writes, inside the caller's transaction, with its `account.locked_down`
    /// webhook rows (how many is returned); `None` (and nothing written) when the link was
    /// used or voided since it was checked.
    fn apply(
        &self,
        conn: &mut DbConnection,
        link: &LiveLink,
    ) -> Result<Option<usize>, StorageError> {
        // Using the link compares and bumps the epoch inside the transaction: two clicks
        // at once lock down once.
        let Ok(used) = self.links.consume(conn, link, self.now_unix)? else {
            return Ok(None);
        };
        let user = used.into_user();
        let user_id = user.id;
        let password_voided = link.purpose() == Purpose::NotMeChange;
        if password_voided && !self.voided_at_source {
            self.directory.clear_password(
                &mut DirectoryConnection::new(conn),
                user_id,
                self.now,
            )?;
        }
        storage::tokens::revoke_all_for_user(conn, user_id, self.now)?;
        // The epoch bump already ends every session; their records go with them.
        storage::sessions::revoke_all_for_user(conn, user_id, None)?;
        if !self.directory.pause_resets(
            &mut DirectoryConnection::new(conn),
            user_id,
            self.pause_until,
            self.now,
        )? {
            tracing::warn!(
                user_id,
                "the user directory cannot pause resets; links were voided"
            );
        }
        audit::record(
            conn,
            &audit::NewAuditEvent {
                user_id: Some(user_id),
                kind: if password_voided {
                    AUDIT_PASSWORD_VOIDED
                } else {
                    AUDIT_NOT_ME
                },
                ip: self.ip.as_deref(),
                user_agent: self.user_agent.as_deref(),
                detail: None,
                created_at: self.now,
            },
        )?;
        self.notice.write(conn, self.now)?;
        let event = Event::new(EventType::AccountLockedDown, user_id, &user.display_email);
        Ok(Some(self.webhooks.raise(conn, &event, self.now)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_of_a_not_me_link_is_read_from_its_prefix() {
        assert_eq!(purpose_of("lc1_AAAA"), Purpose::NotMeChange);
        assert_eq!(purpose_of("ln1_AAAA"), Purpose::NotMe);
        // Anything else is checked (and refused) as a plain not-me link.
        assert_eq!(purpose_of("lr1_AAAA"), Purpose::NotMe);
        assert_eq!(purpose_of(""), Purpose::NotMe);
        assert_eq!(purpose_of("LC1_AAAA"), Purpose::NotMe);
    }
}
