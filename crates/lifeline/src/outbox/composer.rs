//! Turns outbox jobs into mail. This is where an account is looked up and a
//! token minted — in the worker, not in the request handler, so the request path
//! costs the same for known and unknown addresses.

use chrono::NaiveDateTime;
use mail::{Composition, EmailTemplates, MailError, OutgoingEmail};
use std::sync::Arc;
use storage::outbox::OutboxJob;
use storage::{Database, DbConnection, EmailAddress, StorageError, account_languages};
use token_core::{Clock, KeyRing, Lifetime, Purpose};

use super::payloads::{NotMeConfirmed, PasswordChanged, ResetRequested};
use crate::directory::lookups::Lookups;
use crate::directory::{AccountSource, DirectoryConnection, DirectoryUser as User, UserDirectory};
use crate::i18n::{Catalogs, Locale};
use crate::links::{IssueError, Links};

/// The server's [`mail::Composer`]: the worker hands it claimed rows, which `dispatch.rs`
/// decodes, handing each kind to its function below.
pub struct LifelineComposer {
    /// The database (outbox, tokens, throttles).
    pub db: Database,
    /// Where accounts live.
    pub directory: Arc<dyn UserDirectory>,
    /// The account source behind `directory`, when it is one: a claimed batch's addresses are
    /// looked up in it before the batch's transaction (`directory::lookups`).
    pub account_source: Option<Arc<dyn AccountSource>>,
    /// Token keys.
    pub keys: Arc<KeyRing>,
    /// Email templates.
    pub templates: EmailTemplates,
    /// The offered languages, which the templates speak.
    pub catalogs: Arc<Catalogs>,
    /// Base of every link (the configured public URL, without a trailing slash).
    pub public_url: String,
    /// Reset-link lifetime.
    pub reset_lifetime: Lifetime,
    /// Magic-link lifetime.
    pub magic_link_lifetime: Lifetime,
    /// Lifetime of the recovery link in a lock-down confirmation: the pause
    /// (`limits.not_me_pause_secs`), within the token limits.
    pub recovery_lifetime: Lifetime,
    /// Mails per account per hour, counted in the database across instances.
    pub mails_per_account_per_hour: u32,
    /// Link requests per address per hour (`limits.per_address_per_hour`), counted in the
    /// database across instances.
    pub links_per_address_per_hour: u32,
    /// Whether unknown addresses get a "no account" notice.
    pub notify_unknown_addresses: bool,
    /// The clock tokens are minted against.
    pub clock: Arc<dyn Clock + Send + Sync>,
    /// Counts minted tokens and quota refusals.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// The webhook endpoints, which sign the `webhook` rows.
    pub webhooks: Arc<crate::webhooks::Webhooks>,
}

/// A payload or minting failure: retried later like any compose error.
pub(super) fn compose_error(error: impl std::fmt::Display) -> MailError {
    MailError::Compose(error.to_string())
}

/// A link that could not be issued: a storage failure stays one (so a batch rolls back and
/// is composed job by job); a minting failure is a compose error. Both are retried.
impl From<IssueError> for MailError {
    fn from(error: IssueError) -> Self {
        match error {
            IssueError::Storage(error) => MailError::Storage(error),
            IssueError::Mint(error) => compose_error(error),
        }
    }
}

/// Who made the request a mail answers, for [`LifelineComposer::language`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Requester {
    /// Whoever asked for a link for an address: anyone.
    Anyone,
    /// The account's owner, who used a link or was signed in.
    Owner,
}

/// A composed job whose email is not rendered yet. A batch's database work runs in one
/// write transaction (on SQLite that holds the database's one write lock, which the request
/// path needs to accept new requests); rendering its emails takes longer than those writes,
/// so it happens after the commit.
pub(super) enum Draft {
    /// Nothing to render: a skip.
    Ready(Composition),
    /// Renders the email with the templates.
    Render(RenderEmail),
}

/// Renders one drafted email.
pub(super) type RenderEmail =
    Box<dyn FnOnce(&EmailTemplates) -> Result<Composition, MailError> + Send>;

impl From<Composition> for Draft {
    fn from(composition: Composition) -> Self {
        Draft::Ready(composition)
    }
}

impl Draft {
    /// The finished composition.
    pub(super) fn finish(self, templates: &EmailTemplates) -> Result<Composition, MailError> {
        match self {
            Draft::Ready(composition) => Ok(composition),
            Draft::Render(render) => render(templates),
        }
    }
}

impl LifelineComposer {
    /// The injected clock's time, as Unix seconds and as a database timestamp.
    pub(super) fn now(&self) -> (i64, NaiveDateTime) {
        let unix = self.clock.now_unix();
        (
            unix,
            chrono::DateTime::from_timestamp(unix, 0)
                .unwrap_or_default()
                .naive_utc(),
        )
    }

    /// The link service, on this composer's keys, directory and metrics.
    pub(super) fn links(&self) -> Links {
        Links::new(
            Arc::clone(&self.keys),
            Arc::clone(&self.directory),
            Arc::clone(&self.metrics),
        )
    }

    /// The language of a mail to `user` (`None`: an unknown address). The language of the
    /// request that caused it, when that is still offered; else, for mail no request caused
    /// (or older rows), the account's last language; else the default.
    ///
    /// The request's language becomes the account's last language only when `by` is
    /// [`Requester::Owner`]: someone who proved they hold the account (a link used, signed
    /// in). Anyone may ask for a link for any address, so a link request's language is used
    /// for that mail and not kept.
    pub(super) fn language(
        &self,
        conn: &mut DbConnection,
        user: Option<&User>,
        requested: Option<&str>,
        by: Requester,
    ) -> Result<Locale, MailError> {
        let requested = requested.and_then(|tag| self.catalogs.find(tag));
        let default = self.catalogs.default_locale();
        let Some(user) = user else {
            return Ok(requested.unwrap_or(default));
        };
        if let Some(locale) = requested {
            if by == Requester::Owner {
                let (_, now) = self.now();
                account_languages::remember(conn, user.id, self.catalogs.tag(locale), now)?;
            }
            return Ok(locale);
        }
        Ok(account_languages::find(conn, user.id)?
            .and_then(|tag| self.catalogs.find(&tag))
            .unwrap_or(default))
    }

    /// `unix` (seconds) in `locale`'s words, the zone named.
    pub(super) fn time(&self, locale: Locale, unix: i64) -> String {
        self.catalogs.unix_datetime(locale, unix)
    }

    /// A lifetime in `locale`'s words ("30 minutes").
    pub(super) fn lifetime(&self, locale: Locale, lifetime: Lifetime) -> String {
        let secs = u64::try_from(lifetime.as_secs()).unwrap_or(0);
        self.catalogs.duration(locale, crate::i18n::exact(secs))
    }

    /// A "this wasn't me" link (not stored: see the link service): [`Purpose::NotMe`] in the
    /// reset-requested and new-sign-in mails, [`Purpose::NotMeChange`] in the
    /// password-changed mail, where using it also voids the password.
    pub(super) fn not_me_link(
        &self,
        conn: &mut DbConnection,
        user: &User,
        purpose: Purpose,
    ) -> Result<String, MailError> {
        let lifetime = Lifetime::clamped(token_core::DEFAULT_NOT_ME_LIFETIME.as_secs());
        let minted =
            self.links()
                .issue(conn, purpose, user, lifetime, None, self.clock.now_unix())?;
        Ok(format!(
            "{}/password/not-me?token={}",
            self.public_url,
            minted.token.expose_secret()
        ))
    }

    /// Mints and mails a reset link for a [`ResetRequested`] job.
    pub(super) fn reset(
        &self,
        conn: &mut DbConnection,
        job: &OutboxJob,
        request: ResetRequested,
        lookups: &Lookups,
    ) -> Result<Draft, MailError> {
        let Ok(address) = EmailAddress::parse(&request.email) else {
            return Ok(Composition::Skip("unparseable address".into()).into());
        };
        let (unix, now) = self.now();
        if !self.within_address_limit(conn, job, &address, now)? {
            return Ok(Composition::Skip(super::quotas::OVER_ADDRESS_LIMIT.into()).into());
        }
        let Some(user) = self.account_by_email(conn, &address, lookups)? else {
            return self.no_account(conn, &address, &request);
        };
        if user.is_disabled() {
            return Ok(Composition::Skip("account disabled".into()).into());
        }
        if user.resets_paused_until.is_some_and(|until| until > now) {
            return Ok(Composition::Skip("resets paused for the account".into()).into());
        }
        if !self.within_quota(conn, job, &user, now)? {
            return Ok(Composition::Skip("account over its hourly mail quota".into()).into());
        }
        let minted = self.links().issue(
            conn,
            Purpose::PasswordReset,
            &user,
            self.reset_lifetime,
            request.ip.as_deref(),
            unix,
        )?;
        let locale = self.language(
            conn,
            Some(&user),
            request.lang.as_deref(),
            Requester::Anyone,
        )?;
        let email = mail::PasswordReset {
            link: format!(
                "{}/password/reset?token={}",
                self.public_url,
                minted.token.expose_secret()
            ),
            lifetime: self.lifetime(locale, self.reset_lifetime),
            not_me_link: self.not_me_link(conn, &user, Purpose::NotMe)?,
            time: self.time(locale, request.requested_at),
            ip: request.ip.unwrap_or_default(),
        };
        self.send(&user.display_email, locale, email)
    }

    /// The optional "no account with this address" notice, for a link asked for `address`,
    /// in the language of the request.
    pub(super) fn no_account(
        &self,
        conn: &mut DbConnection,
        address: &EmailAddress,
        request: &impl super::payloads::LinkRequest,
    ) -> Result<Draft, MailError> {
        if !self.notify_unknown_addresses {
            return Ok(Composition::Skip("no account for the address".into()).into());
        }
        let locale = self.language(conn, None, request.lang(), Requester::Anyone)?;
        let email = mail::NoAccount {
            time: self.time(locale, request.requested_at()),
            ip: request.ip().unwrap_or_default().to_owned(),
        };
        self.send(address.display(), locale, email)
    }

    /// The account a job names, if it still exists and is not disabled: a disabled
    /// account gets no mail of any kind.
    pub(super) fn account(
        &self,
        conn: &mut DbConnection,
        id: i64,
    ) -> Result<Option<User>, StorageError> {
        Ok(self
            .directory
            .find_by_id(&mut DirectoryConnection::new(conn), id)?
            .filter(|user| !user.is_disabled()))
    }

    /// The account with this address, disabled or not (the caller skips a disabled one). An
    /// account source's answer asked before the transaction is in `lookups`.
    pub(super) fn account_by_email(
        &self,
        conn: &mut DbConnection,
        address: &EmailAddress,
        lookups: &Lookups,
    ) -> Result<Option<User>, StorageError> {
        Ok(self.directory.find_by_email(
            &mut DirectoryConnection::with_lookups(conn, lookups),
            address,
        )?)
    }

    /// Mails the "password changed" notice, with a "this wasn't me" link.
    pub(super) fn changed(
        &self,
        conn: &mut DbConnection,
        change: PasswordChanged,
    ) -> Result<Draft, MailError> {
        let Some(user) = self.account(conn, change.user_id)? else {
            return Ok(Composition::Skip("account no longer exists".into()).into());
        };
        let locale = self.language(conn, Some(&user), change.lang.as_deref(), Requester::Owner)?;
        let email = mail::PasswordChanged {
            time: self.time(locale, change.changed_at),
            ip: change.ip.unwrap_or_default(),
            user_agent: change.user_agent.unwrap_or_default(),
            not_me_link: self.not_me_link(conn, &user, Purpose::NotMeChange)?,
        };
        self.send(&user.display_email, locale, email)
    }

    /// Mails the confirmation of a "this wasn't me" lock-down. When it voided the password,
    /// the mail carries a fresh reset link valid for the pause: issued here, by the worker,
    /// to the account's own address, without the request path's pause and quota checks (the
    /// pause refuses link *requests*; this link is the way back for the mailbox owner).
    pub(super) fn not_me_confirmed(
        &self,
        conn: &mut DbConnection,
        confirmed: NotMeConfirmed,
    ) -> Result<Draft, MailError> {
        let Some(user) = self.account(conn, confirmed.user_id)? else {
            return Ok(Composition::Skip("account no longer exists".into()).into());
        };
        let (unix, now) = self.now();
        let recovery_link = if confirmed.password_voided {
            let minted = self.links().issue(
                conn,
                Purpose::PasswordReset,
                &user,
                self.recovery_lifetime,
                None,
                unix,
            )?;
            Some(format!(
                "{}/password/reset?token={}",
                self.public_url,
                minted.token.expose_secret()
            ))
        } else {
            None
        };
        let locale = self.language(
            conn,
            Some(&user),
            confirmed.lang.as_deref(),
            Requester::Owner,
        )?;
        let email = mail::NotMeConfirmation {
            time: self.time(locale, confirmed.confirmed_at),
            ip: confirmed.ip.unwrap_or_default(),
            recovery_lifetime: match recovery_link {
                Some(_) => self.lifetime(locale, self.recovery_lifetime),
                None => String::new(),
            },
            recovery_link,
            paused_until: user
                .resets_paused_until
                .filter(|until| *until > now)
                .map(|until| self.catalogs.naive_datetime(locale, until)),
        };
        self.send(&user.display_email, locale, email)
    }

    /// `email` for `to` in `locale`, to be rendered by [`Draft::finish`].
    pub(super) fn send<E: mail::Email + Send + 'static>(
        &self,
        to: &str,
        locale: Locale,
        email: E,
    ) -> Result<Draft, MailError> {
        let to = to.to_owned();
        let language = self.catalogs.render_language(locale);
        Ok(Draft::Render(Box::new(move |templates| {
            let rendered = templates.render_email(&language, &email)?;
            Ok(Composition::Send(OutgoingEmail::new(
                &to,
                template_name(&email),
                rendered,
            )?))
        })))
    }
}

fn template_name<E: mail::Email>(_: &E) -> &'static str {
    E::TEMPLATE
}
