//! An operator's account actions (`lifeline users show|disable|enable|delete|set-password|
//! unpause`, `lifeline audit`): what support does when a person writes in.
//!
//! Every action goes through the configured [`UserDirectory`], so it works against the
//! SQL-mapped directory as against Lifeline's own table, or refuses with an
//! [`OperatorError::Unsupported`] naming the setting the mapped table lacks. Every change
//! is written together with its audit event (`operator_…`, the detail naming the command)
//! in one transaction: no change without its record. The helper that records it also raises
//! the action's webhook event (`account.disabled`, `password.changed`, …; see
//! [`webhook_event`]) in that transaction.
//!
//! The methods are synchronous, like storage: call them on a blocking thread.

use std::sync::Arc;

use chrono::NaiveDateTime;
use storage::audit::{self, AuditEvent, NewAuditEvent};
use storage::sessions;
use storage::{Database, DbConnection, EmailAddress, StorageError, tokens, write_transaction};

use crate::config::Settings;
use crate::directory::{
    self, DirectoryConnection, DirectoryError, DirectoryKind, DirectoryUser, UserDirectory,
};
use crate::outbox::{MailJob, PasswordChanged};
use crate::security::password_hash::{Password, PasswordHasherService};
use crate::webhooks::{Event, EventType, Webhooks};

mod sessions_of_account;

/// An operator action could not be done. Each message is meant for the operator as it is.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    /// No account has the address.
    #[error("no account with the address {0}")]
    NoSuchAccount(String),
    /// The account has no live session with this id.
    #[error("the account has no session {0} (see `lifeline sessions list`)")]
    NoSuchSession(i64),
    /// The directory cannot do this (a mapped table lacks the column, or the rows are the
    /// application's); the message says why and which setting would allow it.
    #[error("{0}")]
    Unsupported(String),
    /// The new password was refused by the policy.
    #[error("password refused: {0}")]
    WeakPassword(#[from] crate::ops::PasswordRejection),
    /// Hashing the new password failed.
    #[error("the password could not be hashed")]
    Hash(#[source] anyhow::Error),
    /// The "password changed" mail could not be encoded for the outbox.
    #[error("the \"password changed\" mail could not be queued")]
    Mail(#[source] anyhow::Error),
    /// The database or directory failed.
    #[error("the database failed")]
    Storage(#[from] StorageError),
}

impl From<DirectoryError> for OperatorError {
    fn from(error: DirectoryError) -> Self {
        Self::Storage(error.into())
    }
}

/// The accounts of a deployment, as its configured directory holds them.
#[derive(Clone)]
pub struct Accounts {
    db: Database,
    directory: Arc<dyn UserDirectory>,
    settings: Settings,
    webhooks: Arc<Webhooks>,
}

impl Accounts {
    /// The configured directory over `db` (opened with [`crate::ops::connect_database`]).
    pub fn new(settings: &Settings, db: Database) -> anyhow::Result<Self> {
        let directory = directory::from_settings(&settings.directory, db.backend())?;
        let webhooks = Webhooks::from_settings(&settings.webhooks).map_err(anyhow::Error::msg)?;
        Ok(Self {
            db,
            directory,
            settings: settings.clone(),
            webhooks: Arc::new(webhooks),
        })
    }

    /// The account with this address (disabled or not).
    pub fn find(&self, email: &EmailAddress) -> Result<DirectoryUser, OperatorError> {
        let mut conn = self.db.conn()?;
        self.find_in(&mut conn, email)
    }

    /// The account's latest `limit` audit events, newest first.
    pub fn audit(
        &self,
        email: &EmailAddress,
        limit: u32,
    ) -> Result<(DirectoryUser, Vec<AuditEvent>), OperatorError> {
        let mut conn = self.db.conn()?;
        let user = self.find_in(&mut conn, email)?;
        let events = audit::recent_for_user(&mut conn, user.id, limit)?;
        Ok((user, events))
    }

    /// Disables the account: no mail, no sign-in, every public answer the one an unknown
    /// address gets; its epoch is bumped, so every link and session dies at once.
    pub fn disable(
        &self,
        email: &EmailAddress,
        now: NaiveDateTime,
    ) -> Result<DirectoryUser, OperatorError> {
        self.set_disabled(email, true, now)
    }

    /// Enables a disabled account. Its old links and sessions stay void.
    pub fn enable(
        &self,
        email: &EmailAddress,
        now: NaiveDateTime,
    ) -> Result<DirectoryUser, OperatorError> {
        self.set_disabled(email, false, now)
    }

    fn set_disabled(
        &self,
        email: &EmailAddress,
        disabled: bool,
        now: NaiveDateTime,
    ) -> Result<DirectoryUser, OperatorError> {
        let (kind, command) = match disabled {
            true => ("operator_disabled", "lifeline users disable"),
            false => ("operator_enabled", "lifeline users enable"),
        };
        self.change(email, now, kind, command, |directory, conn, user| {
            let done = directory.set_disabled(
                &mut DirectoryConnection::new(conn),
                user.id,
                disabled,
                now,
            )?;
            if done && disabled {
                sessions::revoke_all_for_user(conn, user.id, None)?;
            }
            Ok(done)
        })?
        .then_some(())
        .ok_or_else(|| {
            self.unsupported(
                "disable accounts",
                "directory.disabled_at_column (a nullable timestamp column)",
            )
        })?;
        self.find(email)
    }

    /// Deletes the account and revokes its links. The SQL-mapped directory refuses: the
    /// rows are the application's to delete.
    pub fn delete(&self, email: &EmailAddress, now: NaiveDateTime) -> Result<i64, OperatorError> {
        let user = self.find(email)?;
        let deleted = self.change(
            email,
            now,
            "operator_deleted",
            "lifeline users delete",
            |directory, conn, user| {
                let deleted =
                    directory.delete(&mut DirectoryConnection::new(conn), user.id, now)?;
                if deleted {
                    tokens::revoke_all_for_user(conn, user.id, now)?;
                    sessions::revoke_all_for_user(conn, user.id, None)?;
                }
                Ok(deleted)
            },
        )?;
        match deleted {
            true => Ok(user.id),
            false => Err(OperatorError::Unsupported(format!(
                "the accounts live in the application's table `{}` ([directory] kind = \"sql\"), \
                 which other tables of the application may reference: delete the account there \
                 (its Lifeline links stop working once the row is gone), or disable it with \
                 `lifeline users disable`",
                self.table()
            ))),
        }
    }

    /// Ends a "this wasn't me" pause now, so the owner can ask for links again.
    pub fn lift_pause(
        &self,
        email: &EmailAddress,
        now: NaiveDateTime,
    ) -> Result<DirectoryUser, OperatorError> {
        let lifted = self.change(
            email,
            now,
            "operator_pause_lifted",
            "lifeline users unpause",
            |directory, conn, user| {
                directory.lift_pause(&mut DirectoryConnection::new(conn), user.id, now)
            },
        )?;
        if !lifted {
            return Err(self.unsupported(
                "pause or unpause link requests",
                "directory.resets_paused_until_column (a nullable timestamp column)",
            ));
        }
        self.find(email)
    }

    /// Checks `password` against the policy, hashes it, stores it and bumps the epoch
    /// (every link and session dies), revokes the account's links and queues the
    /// "password changed" mail, whose "this wasn't me" link lets the owner take the account
    /// back if the request to support was not theirs.
    pub fn set_password(
        &self,
        email: &EmailAddress,
        password: &Password,
        hasher: &PasswordHasherService,
        now: NaiveDateTime,
    ) -> Result<DirectoryUser, OperatorError> {
        let user = self.find(email)?;
        crate::ops::check_new_password(&self.settings, password, email)?;
        let hash = hasher
            .hash(password)
            .map_err(|e| OperatorError::Hash(e.into()))?;
        let notice = MailJob::PasswordChanged(PasswordChanged {
            user_id: user.id,
            ip: None,
            user_agent: None,
            changed_at: now.and_utc().timestamp(),
        })
        .encode()
        .map_err(|e| OperatorError::Mail(e.into()))?;
        self.change(
            email,
            now,
            "operator_password_set",
            "lifeline users set-password",
            |directory, conn, user| {
                directory.set_password(&mut DirectoryConnection::new(conn), user.id, &hash, now)?;
                tokens::revoke_all_for_user(conn, user.id, now)?;
                notice.write(conn, now)?;
                Ok(true)
            },
        )?;
        self.find(email)
    }

    /// Finds the account, then runs `act`, records the audit event `kind` (detail:
    /// `command`) and raises its webhook event ([`webhook_event`]) in one write
    /// transaction. Both are written only when `act` did something (returned `true`).
    fn change(
        &self,
        email: &EmailAddress,
        now: NaiveDateTime,
        kind: &str,
        command: &str,
        act: impl Fn(
            &dyn UserDirectory,
            &mut DbConnection,
            &DirectoryUser,
        ) -> Result<bool, DirectoryError>,
    ) -> Result<bool, OperatorError> {
        let mut conn = self.db.conn()?;
        let user = self.find_in(&mut conn, email)?;
        let directory = Arc::clone(&self.directory);
        Ok(write_transaction(&mut conn, |conn| {
            let done = act(directory.as_ref(), conn, &user)?;
            if done {
                audit::record(
                    conn,
                    &NewAuditEvent {
                        user_id: Some(user.id),
                        kind,
                        ip: None,
                        user_agent: None,
                        detail: Some(command),
                        created_at: now,
                    },
                )?;
                if let Some(event) = webhook_event(kind) {
                    let event = Event::new(event, user.id, &user.display_email);
                    self.webhooks.raise(conn, &event, now)?;
                }
            }
            Ok(done)
        })?)
    }

    fn find_in(
        &self,
        conn: &mut DbConnection,
        email: &EmailAddress,
    ) -> Result<DirectoryUser, OperatorError> {
        self.directory
            .find_by_email(&mut DirectoryConnection::new(conn), email)?
            .ok_or_else(|| OperatorError::NoSuchAccount(email.display().to_owned()))
    }

    fn table(&self) -> &str {
        self.settings.directory.table.as_deref().unwrap_or("?")
    }

    /// The refusal for a mapped table without the column `setting` names (or a host
    /// directory that keeps no such state).
    fn unsupported(&self, what: &str, setting: &str) -> OperatorError {
        match self.settings.directory.kind {
            DirectoryKind::Sql => OperatorError::Unsupported(format!(
                "cannot {what}: the application's table `{}` has no column mapped for it; \
                 set {setting} to allow it",
                self.table()
            )),
            DirectoryKind::Builtin => OperatorError::Unsupported(format!(
                "cannot {what}: the directory keeps no such state"
            )),
        }
    }
}

/// The webhook event an operator or admin action raises, by its audit event's kind. Ending
/// sessions raises `session.revoked` itself, as its data names the session.
fn webhook_event(audit_kind: &str) -> Option<EventType> {
    match audit_kind {
        "operator_created" => Some(EventType::AccountCreated),
        "operator_disabled" => Some(EventType::AccountDisabled),
        "operator_enabled" => Some(EventType::AccountEnabled),
        "operator_deleted" => Some(EventType::AccountDeleted),
        "operator_password_set" => Some(EventType::PasswordChanged),
        _ => None,
    }
}
