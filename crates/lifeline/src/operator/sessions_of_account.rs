//! An account's signed-in sessions, for `lifeline sessions list|revoke` and the admin API.

use chrono::NaiveDateTime;
use storage::sessions::{self, SessionRecord};

use super::{AccountKey, Accounts, Actor, Event, OperatorError};
use crate::directory::DirectoryUser;
use crate::webhooks::Event as WebhookEvent;

impl Accounts {
    /// The account's live sessions, most recently seen first.
    pub fn sessions(
        &self,
        account: impl Into<AccountKey>,
        now: NaiveDateTime,
    ) -> Result<(DirectoryUser, Vec<SessionRecord>), OperatorError> {
        let mut conn = self.db.conn()?;
        let user = self.find_in(&mut conn, &account.into())?;
        let list = sessions::list_for_user(&mut conn, user.id, user.auth_epoch, now)?;
        Ok((user, list))
    }

    /// Ends the account's session `id`, or every session of the account; returns how many
    /// ended. Its links stay: a person signed out everywhere can still use a reset link.
    pub fn revoke_sessions(
        &self,
        account: impl Into<AccountKey>,
        id: Option<i64>,
        actor: &Actor,
        now: NaiveDateTime,
    ) -> Result<usize, OperatorError> {
        let (command, extra) = match id {
            Some(id) => (
                format!("lifeline sessions revoke --id {id}"),
                format!("session {id}"),
            ),
            None => (
                "lifeline sessions revoke".to_owned(),
                "every session".to_owned(),
            ),
        };
        let event = Event::new("operator_sessions_revoked", &command).with_extra(extra);
        let ended = std::cell::Cell::new(0);
        self.change(&account.into(), actor, now, &event, |_, conn, user| {
            let count = match id {
                Some(id) => usize::from(sessions::revoke(conn, user.id, id)?),
                None => sessions::revoke_all_for_user(conn, user.id, None)?,
            };
            ended.set(count);
            // Ending "every session" is an action even when there were none; the event
            // tells a host that sessions ended, so it is raised only when some did.
            let done = count > 0 || id.is_none();
            if count > 0 {
                let event = WebhookEvent::session_revoked(user.id, &user.display_email, id);
                let raised = self.webhooks.raise(conn, &event, now)?;
                self.jobs.wrote(crate::outbox::JobKind::Webhook, raised);
            }
            Ok(done)
        })?;
        match (id, ended.get()) {
            (Some(id), 0) => Err(OperatorError::NoSuchSession(id)),
            (_, count) => Ok(count),
        }
    }
}
