//! An account's signed-in sessions, for `lifeline sessions list|revoke`.

use chrono::NaiveDateTime;
use storage::EmailAddress;
use storage::sessions::{self, SessionRecord};

use super::{Accounts, OperatorError};
use crate::directory::DirectoryUser;
use crate::webhooks::Event;

impl Accounts {
    /// The account's live sessions, most recently seen first.
    pub fn sessions(
        &self,
        email: &EmailAddress,
        now: NaiveDateTime,
    ) -> Result<(DirectoryUser, Vec<SessionRecord>), OperatorError> {
        let mut conn = self.db.conn()?;
        let user = self.find_in(&mut conn, email)?;
        let list = sessions::list_for_user(&mut conn, user.id, user.auth_epoch, now)?;
        Ok((user, list))
    }

    /// Ends the account's session `id`, or every session of the account; returns how many
    /// ended. Its links stay: a person signed out everywhere can still use a reset link.
    pub fn revoke_sessions(
        &self,
        email: &EmailAddress,
        id: Option<i64>,
        now: NaiveDateTime,
    ) -> Result<usize, OperatorError> {
        let command = match id {
            Some(id) => format!("lifeline sessions revoke --id {id}"),
            None => "lifeline sessions revoke".to_owned(),
        };
        let ended = std::cell::Cell::new(0);
        self.change(
            email,
            now,
            "operator_sessions_revoked",
            &command,
            |_, conn, user| {
                let count = match id {
                    Some(id) => usize::from(sessions::revoke(conn, user.id, id)?),
                    None => sessions::revoke_all_for_user(conn, user.id, None)?,
                };
                ended.set(count);
                let done = count > 0 || id.is_none();
                if done {
                    let event = Event::session_revoked(user.id, &user.display_email, id);
                    self.webhooks.raise(conn, &event, now)?;
                }
                Ok(done)
            },
        )?;
        match (id, ended.get()) {
            (Some(id), 0) => Err(OperatorError::NoSuchSession(id)),
            (_, count) => Ok(count),
        }
    }
}
