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
use storage::{Database, DbConnection, EmailAddress, StorageError, tokens};

use crate::config::Settings;
use crate::directory::{
    self, DirectoryConnection, DirectoryError, DirectoryKind, DirectoryUser, NewPassword,
    PasswordAuthority, PasswordChange, SetPasswordError, UserDirectory,
};
use crate::outbox::{JobKind, MailJob, PasswordChanged};
use crate::security::password_hash::{Password, PasswordHasherService};
use crate::webhooks::{Event as WebhookEvent, EventType, Webhooks};

mod actor;
mod committed_jobs;
mod recovery_link;
mod sessions_of_account;
mod unsupported;

use self::actor::Event;
pub use self::actor::{AccountKey, Actor};
pub(crate) use self::committed_jobs::Announce;
use self::committed_jobs::CommittedJobs;
pub(crate) use self::recovery_link::{Delivery, LinkIssuer, Recovery};
pub use self::unsupported::{DirectoryAction, Unsupported};

/// An operator action could not be done. Each message is meant for the operator as it is.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    /// No account has the address or id (as the message puts it: `the address …`, `id …`).
    #[error("no account with {0}")]
    NoSuchAccount(String),
    /// An account with the address exists already.
    #[error("an account with the address {0} exists already")]
    AccountExists(String),
    /// The account is disabled: no link of it would work.
    #[error("account {0} is disabled; enable it first")]
    Disabled(i64),
    /// The owner said "this wasn't me": links are paused until then (UTC).
    #[error("the account's links are paused until {0} UTC; lift the pause first")]
    Paused(NaiveDateTime),
    /// The account has no live session with this id.
    #[error("the account has no session {0} (see `lifeline sessions list`)")]
    NoSuchSession(i64),
    /// The directory cannot do this (a mapped table lacks the column, or the rows are the
    /// application's); the message says why and which setting would allow it.
    #[error("{0}")]
    Unsupported(Unsupported),
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
    jobs: CommittedJobs,
    /// Set when the directory is an account source, which keeps the passwords itself.
    authority: Option<Arc<PasswordAuthority>>,
}

impl Accounts {
    /// The configured directory over `db` (opened with [`crate::ops::connect_database`]).
    pub fn new(settings: &Settings, db: Database) -> anyhow::Result<Self> {
        let (directory, authority) = match directory::from_settings(settings, &db)? {
            directory::Configured::Directory(directory) => (directory, None),
            directory::Configured::Source(source) => {
                let (directory, authority) = directory::external::build(source, db.clone());
                (directory, Some(authority))
            }
        };
        let webhooks = Webhooks::from_settings(&settings.webhooks).map_err(anyhow::Error::msg)?;
        Ok(
            Self::with_directory(settings, db, directory, Arc::new(webhooks))
                .with_password_authority(authority),
        )
    }

    /// The accounts of `directory` over `db`: the running service's own directory and
    /// webhook endpoints.
    pub(crate) fn with_directory(
        settings: &Settings,
        db: Database,
        directory: Arc<dyn UserDirectory>,
        webhooks: Arc<Webhooks>,
    ) -> Self {
        Self {
            db,
            directory,
            settings: settings.clone(),
            webhooks,
            jobs: CommittedJobs::default(),
            authority: None,
        }
    }

    /// The same accounts, whose passwords `authority` checks and sets when the directory is
    /// an account source (`None` otherwise): setting a password then goes to the source, and
    /// creating accounts is refused (they live in the source).
    pub(crate) fn with_password_authority(
        mut self,
        authority: Option<Arc<PasswordAuthority>>,
    ) -> Self {
        self.authority = authority;
        self
    }

    /// The same accounts, announcing the outbox jobs each action commits through
    /// `announce` (the running service's outbox), so they are sent at once.
    pub(crate) fn announcing(mut self, announce: Announce) -> Self {
        self.jobs = CommittedJobs::announcing(announce);
        self
    }

    /// The account (disabled or not).
    pub fn find(&self, account: impl Into<AccountKey>) -> Result<DirectoryUser, OperatorError> {
        let mut conn = self.db.conn()?;
        self.find_in(&mut conn, &account.into())
    }

    /// When the account was created, if the directory records it (Lifeline's own table
    /// does; an application's mapped table does not tell).
    pub fn created_at(&self, user: &DirectoryUser) -> Result<Option<NaiveDateTime>, OperatorError> {
        if self.settings.directory.kind != DirectoryKind::Builtin {
            return Ok(None);
        }
        let mut conn = self.db.conn()?;
        Ok(storage::users::find_by_id(&mut conn, user.id)?.map(|row| row.created_at))
    }

    /// The account's latest `limit` audit events, newest first.
    pub fn audit(
        &self,
        account: impl Into<AccountKey>,
        limit: u32,
    ) -> Result<(DirectoryUser, Vec<AuditEvent>), OperatorError> {
        let mut conn = self.db.conn()?;
        let user = self.find_in(&mut conn, &account.into())?;
        let events = audit::recent_for_user(&mut conn, user.id, limit)?;
        Ok((user, events))
    }

    /// One page of the account's audit events, newest first: at most `limit`, and only
    /// those older than the event `before` when given (the previous page's last id).
    pub fn audit_page(
        &self,
        account: impl Into<AccountKey>,
        limit: u32,
        before: Option<i64>,
    ) -> Result<(DirectoryUser, Vec<AuditEvent>), OperatorError> {
        let mut conn = self.db.conn()?;
        let user = self.find_in(&mut conn, &account.into())?;
        let events = audit::page_for_user(&mut conn, user.id, limit, before)?;
        Ok((user, events))
    }

    /// Creates an account in Lifeline's own table, with `password` (checked against the
    /// policy first) or without one (the owner then sets it through a recovery link).
    /// A SQL-mapped directory refuses: the application creates its accounts.
    pub fn create(
        &self,
        email: &EmailAddress,
        password: Option<&Password>,
        hasher: &PasswordHasherService,
        actor: &Actor,
        now: NaiveDateTime,
    ) -> Result<DirectoryUser, OperatorError> {
        if let Some(authority) = &self.authority {
            return Err(OperatorError::Unsupported(Unsupported::ExternalAccounts {
                kind: authority.kind().to_owned(),
            }));
        }
        if self.settings.directory.kind != DirectoryKind::Builtin {
            return Err(OperatorError::Unsupported(Unsupported::Create {
                table: self.table().to_owned(),
            }));
        }
        let hash = match password {
            Some(password) => {
                crate::ops::check_new_password(&self.settings, password, email)?;
                Some(
                    hasher
                        .hash(password)
                        .map_err(|e| OperatorError::Hash(e.into()))?,
                )
            }
            None => None,
        };
        let mut conn = self.db.conn()?;
        let event = Event::new("operator_created", "lifeline users add");
        let exists = || OperatorError::AccountExists(email.display().to_owned());
        let created = self.jobs.transaction(&mut conn, |conn| {
            if storage::users::find_by_email(conn, email)?.is_some() {
                return Ok(None);
            }
            let row = storage::users::create(
                conn,
                &storage::users::NewUser {
                    email,
                    password_hash: hash.as_deref(),
                    now,
                },
            )?;
            let user = DirectoryUser::from(row);
            self.record(conn, &user, actor, &event, now)?;
            Ok(Some(user))
        });
        match created {
            Ok(Some(user)) => Ok(user),
            Ok(None) | Err(StorageError::Conflict) => Err(exists()),
            Err(error) => Err(error.into()),
        }
    }

    /// Disables the account: no mail, no sign-in, every public answer the one an unknown
    /// address gets; its epoch is bumped, so every link and session dies at once.
    pub fn disable(
        &self,
        account: impl Into<AccountKey>,
        actor: &Actor,
        now: NaiveDateTime,
    ) -> Result<DirectoryUser, OperatorError> {
        self.set_disabled(account.into(), actor, true, now)
    }

    /// Enables a disabled account. Its old links and sessions stay void.
    pub fn enable(
        &self,
        account: impl Into<AccountKey>,
        actor: &Actor,
        now: NaiveDateTime,
    ) -> Result<DirectoryUser, OperatorError> {
        self.set_disabled(account.into(), actor, false, now)
    }

    fn set_disabled(
        &self,
        account: AccountKey,
        actor: &Actor,
        disabled: bool,
        now: NaiveDateTime,
    ) -> Result<DirectoryUser, OperatorError> {
        let event = match disabled {
            true => Event::new("operator_disabled", "lifeline users disable"),
            false => Event::new("operator_enabled", "lifeline users enable"),
        };
        let (user, done) = self.change(&account, actor, now, &event, |directory, conn, user| {
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
        })?;
        if !done {
            return Err(self.unsupported(DirectoryAction::Disable));
        }
        self.find(user.id)
    }

    /// Deletes the account and revokes its links. The SQL-mapped directory refuses: the
    /// rows are the application's to delete.
    pub fn delete(
        &self,
        account: impl Into<AccountKey>,
        actor: &Actor,
        now: NaiveDateTime,
    ) -> Result<i64, OperatorError> {
        let event = Event::new("operator_deleted", "lifeline users delete");
        let (user, deleted) = self.change(
            &account.into(),
            actor,
            now,
            &event,
            |directory, conn, user| {
                let deleted =
                    directory.delete(&mut DirectoryConnection::new(conn), user.id, now)?;
                if deleted {
                    tokens::revoke_all_for_user(conn, user.id, now)?;
                    sessions::revoke_all_for_user(conn, user.id, None)?;
                    storage::account_languages::forget(conn, user.id)?;
                }
                Ok(deleted)
            },
        )?;
        match deleted {
            true => Ok(user.id),
            false => Err(OperatorError::Unsupported(Unsupported::Delete {
                table: self.table().to_owned(),
            })),
        }
    }

    /// Ends a "this wasn't me" pause now, so the owner can ask for links again.
    pub fn lift_pause(
        &self,
        account: impl Into<AccountKey>,
        actor: &Actor,
        now: NaiveDateTime,
    ) -> Result<DirectoryUser, OperatorError> {
        let event = Event::new("operator_pause_lifted", "lifeline users unpause");
        let (user, lifted) = self.change(
            &account.into(),
            actor,
            now,
            &event,
            |directory, conn, user| {
                directory.lift_pause(&mut DirectoryConnection::new(conn), user.id, now)
            },
        )?;
        if !lifted {
            return Err(self.unsupported(DirectoryAction::Pause));
        }
        self.find(user.id)
    }

    /// Checks `password` against the policy, hashes it, stores it and bumps the epoch
    /// (every link and session dies), revokes the account's links and queues the
    /// "password changed" mail, whose "this wasn't me" link lets the owner take the account
    /// back if the request to support was not theirs.
    pub fn set_password(
        &self,
        account: impl Into<AccountKey>,
        password: &Password,
        hasher: &PasswordHasherService,
        actor: &Actor,
        now: NaiveDateTime,
    ) -> Result<DirectoryUser, OperatorError> {
        let account = account.into();
        let user = self.find(account.clone())?;
        let address = EmailAddress::parse(&user.display_email)?;
        crate::ops::check_new_password(&self.settings, password, &address)?;
        let new_password = match &self.authority {
            Some(authority) => {
                // Before the transaction: the source is asked over the network.
                match authority.set_password(&user, password, PasswordChange::Reset) {
                    Ok(()) => NewPassword::SetAtSource,
                    Err(SetPasswordError::Refused(refusal)) => {
                        return Err(OperatorError::WeakPassword(
                            crate::ops::PasswordRejection::Directory(refusal),
                        ));
                    }
                    Err(SetPasswordError::Directory(DirectoryError::NoSuchAccount)) => {
                        return Err(OperatorError::NoSuchAccount(account.to_string()));
                    }
                    Err(SetPasswordError::Directory(error)) => return Err(error.into()),
                }
            }
            None => NewPassword::Hash(
                hasher
                    .hash(password)
                    .map_err(|e| OperatorError::Hash(e.into()))?,
            ),
        };
        let notice = MailJob::PasswordChanged(PasswordChanged {
            user_id: user.id,
            ip: None,
            user_agent: None,
            changed_at: now.and_utc().timestamp(),
            lang: None,
        })
        .encode()
        .map_err(|e| OperatorError::Mail(e.into()))?;
        let event = Event::new("operator_password_set", "lifeline users set-password");
        self.change(&account, actor, now, &event, |directory, conn, user| {
            new_password.store(directory, &mut DirectoryConnection::new(conn), user.id, now)?;
            tokens::revoke_all_for_user(conn, user.id, now)?;
            notice.write(conn, now)?;
            self.jobs.wrote(notice.kind(), 1);
            Ok(true)
        })?;
        self.find(user.id)
    }

    /// Finds the account, then runs `act`, records `event` and raises its webhook event
    /// ([`webhook_event`]) in one write transaction. Both are written only when `act` did
    /// something (returned `true`).
    fn change(
        &self,
        account: &AccountKey,
        actor: &Actor,
        now: NaiveDateTime,
        event: &Event<'_>,
        act: impl Fn(
            &dyn UserDirectory,
            &mut DbConnection,
            &DirectoryUser,
        ) -> Result<bool, DirectoryError>,
    ) -> Result<(DirectoryUser, bool), OperatorError> {
        let mut conn = self.db.conn()?;
        let user = self.find_in(&mut conn, account)?;
        let directory = Arc::clone(&self.directory);
        let done = self.jobs.transaction(&mut conn, |conn| {
            let done = act(directory.as_ref(), conn, &user)?;
            if done {
                self.record(conn, &user, actor, event, now)?;
            }
            Ok(done)
        })?;
        Ok((user, done))
    }

    /// Writes the audit event of an action on `user` by `actor`: the one place every
    /// operator and admin action is recorded, so anything that must follow an account
    /// change (a notification, say) hooks in here. Call it inside the action's transaction.
    fn record(
        &self,
        conn: &mut DbConnection,
        user: &DirectoryUser,
        actor: &Actor,
        event: &Event<'_>,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        let detail = actor.detail(event.command, event.extra.as_deref());
        audit::record(
            conn,
            &NewAuditEvent {
                user_id: Some(user.id),
                kind: event.kind,
                ip: None,
                user_agent: None,
                detail: Some(&detail),
                created_at: now,
            },
        )?;
        if let Some(kind) = webhook_event(event.kind) {
            let event = WebhookEvent::new(kind, user.id, &user.display_email);
            let raised = self.webhooks.raise(conn, &event, now)?;
            self.jobs.wrote(JobKind::Webhook, raised);
        }
        Ok(())
    }

    fn find_in(
        &self,
        conn: &mut DbConnection,
        account: &AccountKey,
    ) -> Result<DirectoryUser, OperatorError> {
        let mut conn = DirectoryConnection::new(conn);
        let found = match account {
            AccountKey::Email(email) => self.directory.find_by_email(&mut conn, email)?,
            AccountKey::Id(id) => self.directory.find_by_id(&mut conn, *id)?,
        };
        found.ok_or_else(|| OperatorError::NoSuchAccount(account.to_string()))
    }

    fn table(&self) -> &str {
        self.settings.directory.table.as_deref().unwrap_or("?")
    }

    /// The refusal of `action` by a mapped table without the column for it (or by a host
    /// directory that keeps no such state).
    fn unsupported(&self, action: DirectoryAction) -> OperatorError {
        OperatorError::Unsupported(match self.settings.directory.kind {
            DirectoryKind::Sql => Unsupported::NoColumn {
                action,
                table: self.table().to_owned(),
            },
            DirectoryKind::Builtin | DirectoryKind::Plugin(_) => Unsupported::NoState { action },
        })
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
