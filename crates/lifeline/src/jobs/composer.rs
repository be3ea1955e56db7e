//! Turns outbox jobs into mail. This is where an account is looked up and a
//! token minted — in the worker, not in the request handler, so the request path
//! costs the same for known and unknown addresses.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use mail::{Composer, Composition, EmailTemplates, MailError, OutgoingEmail};
use storage::outbox::OutboxJob;
use storage::{Database, DbConnection, EmailAddress, StorageError, throttles, tokens};
use token_core::{Clock, KeyRing, Lifetime, OsRandom, Purpose, TokenClaims};

use super::payloads::{self, NotMeConfirmed, PasswordChanged, ResetRequested};
use crate::directory::{Connection, DirectoryUser as User, UserDirectory};

/// The server's [`Composer`].
pub struct LifelineComposer {
    /// The database (outbox, tokens, throttles).
    pub db: Database,
    /// Where accounts live.
    pub directory: Arc<dyn UserDirectory>,
    /// Token keys.
    pub keys: Arc<KeyRing>,
    /// Email templates.
    pub templates: EmailTemplates,
    /// Base of every link (the configured public URL, without a trailing slash).
    pub public_url: String,
    /// Reset-link lifetime.
    pub reset_lifetime: Lifetime,
    /// Magic-link lifetime.
    pub magic_link_lifetime: Lifetime,
    /// Mails per account per hour, counted in the database across instances.
    pub mails_per_account_per_hour: u32,
    /// Whether unknown addresses get a "no account" notice.
    pub notify_unknown_addresses: bool,
    /// The clock tokens are minted against.
    pub clock: Arc<dyn Clock + Send + Sync>,
    /// Counts minted tokens and quota refusals.
    pub metrics: Arc<crate::metrics::Metrics>,
}

/// A payload or minting failure: retried later like any compose error.
pub(super) fn compose_error(error: impl std::fmt::Display) -> MailError {
    MailError::Compose(error.to_string())
}

/// `26 Nov 2026, 09:21 UTC`
pub(super) fn human_time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%-d %b %Y, %H:%M UTC").to_string())
        .unwrap_or_default()
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
    fn finish(self, templates: &EmailTemplates) -> Result<Composition, MailError> {
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

    /// Mints a token of `purpose` for `user`, bound to the account's current epoch.
    pub(super) fn mint(
        &self,
        purpose: Purpose,
        user: &User,
        lifetime: Lifetime,
    ) -> Result<token_core::MintedToken, MailError> {
        let claims =
            TokenClaims::expiring_in(user.id, user.auth_epoch, self.clock.now_unix(), lifetime);
        let minted =
            token_core::mint(&self.keys, purpose, claims, &mut OsRandom).map_err(compose_error)?;
        self.metrics.token_issued(purpose);
        Ok(minted)
    }

    /// A "this wasn't me" link. It is not stored: its MAC, expiry and the
    /// account's `auth_epoch` bind it, and using it bumps the epoch, so it works once.
    pub(super) fn not_me_link(&self, user: &User) -> Result<String, MailError> {
        let lifetime = Lifetime::clamped(token_core::DEFAULT_NOT_ME_LIFETIME.as_secs());
        let minted = self.mint(Purpose::NotMe, user, lifetime)?;
        Ok(format!(
            "{}/password/not-me?token={}",
            self.public_url,
            minted.token.expose_secret()
        ))
    }

    fn reset(&self, conn: &mut DbConnection, job: &OutboxJob) -> Result<Draft, MailError> {
        let request: ResetRequested = serde_json::from_str(&job.payload).map_err(compose_error)?;
        let Ok(address) = EmailAddress::parse(&request.email) else {
            return Ok(Composition::Skip("unparseable address".into()).into());
        };
        let found = self
            .directory
            .find_by_email(&mut Connection::new(conn), &address);
        let Some(user) = found.map_err(StorageError::from)? else {
            return self.no_account(&address, request.requested_at, request.ip.as_deref());
        };
        let (_, now) = self.now();
        if user.resets_paused_until.is_some_and(|until| until > now) {
            return Ok(Composition::Skip("resets paused for the account".into()).into());
        }
        if !self.within_quota(conn, job, &user, now)? {
            return Ok(Composition::Skip("account over its hourly mail quota".into()).into());
        }
        let minted = self.mint(Purpose::PasswordReset, &user, self.reset_lifetime)?;
        let expires_at = now + chrono::TimeDelta::seconds(self.reset_lifetime.as_secs());
        tokens::issue(
            conn,
            &tokens::NewToken {
                purpose: Purpose::PasswordReset.as_str(),
                user_id: user.id,
                hash: minted.lookup.as_bytes(),
                expires_at,
                created_at: now,
                created_ip: request.ip.as_deref(),
            },
        )?;
        let email = mail::PasswordReset {
            link: format!(
                "{}/password/reset?token={}",
                self.public_url,
                minted.token.expose_secret()
            ),
            lifetime_minutes: u32::try_from(self.reset_lifetime.as_secs() / 60).unwrap_or(u32::MAX),
            not_me_link: self.not_me_link(&user)?,
            time: human_time(request.requested_at),
            ip: request.ip.unwrap_or_default(),
        };
        self.send(&user.display_email, email)
    }

    /// The optional "no account with this address" notice, for a link asked
    /// at `requested_at` (Unix seconds) from `ip`.
    pub(super) fn no_account(
        &self,
        address: &EmailAddress,
        requested_at: i64,
        ip: Option<&str>,
    ) -> Result<Draft, MailError> {
        if !self.notify_unknown_addresses {
            return Ok(Composition::Skip("no account for the address".into()).into());
        }
        let email = mail::NoAccount {
            time: human_time(requested_at),
            ip: ip.unwrap_or_default().to_owned(),
        };
        self.send(address.display(), email)
    }

    /// The per-account mail quota lives in the database so it holds across instances.
    ///
    /// A job counts once, on its first attempt: a retry after a failed send is
    /// the same request, and counting every attempt would let an SMTP outage use
    /// up the quota, so that the delayed mail would never be sent. (A job over
    /// the quota is skipped on that first attempt and never retried.)
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
        let hour = Duration::from_secs(3600);
        let allowed =
            throttles::hit(conn, &key, now, hour, self.mails_per_account_per_hour)?.allowed;
        if !allowed {
            self.metrics.account_mail_quota_hit();
        }
        Ok(allowed)
    }

    fn changed(&self, conn: &mut DbConnection, job: &OutboxJob) -> Result<Draft, MailError> {
        let change: PasswordChanged = serde_json::from_str(&job.payload).map_err(compose_error)?;
        let found = self
            .directory
            .find_by_id(&mut Connection::new(conn), change.user_id);
        let Some(user) = found.map_err(StorageError::from)? else {
            return Ok(Composition::Skip("account no longer exists".into()).into());
        };
        let email = mail::PasswordChanged {
            time: human_time(change.changed_at),
            ip: change.ip.unwrap_or_default(),
            user_agent: change.user_agent.unwrap_or_default(),
            not_me_link: self.not_me_link(&user)?,
        };
        self.send(&user.display_email, email)
    }

    fn not_me_confirmed(
        &self,
        conn: &mut DbConnection,
        job: &OutboxJob,
    ) -> Result<Draft, MailError> {
        let confirmed: NotMeConfirmed =
            serde_json::from_str(&job.payload).map_err(compose_error)?;
        let found = self
            .directory
            .find_by_id(&mut Connection::new(conn), confirmed.user_id);
        let Some(user) = found.map_err(StorageError::from)? else {
            return Ok(Composition::Skip("account no longer exists".into()).into());
        };
        let email = mail::NotMeConfirmation {
            time: human_time(confirmed.confirmed_at),
            ip: confirmed.ip.unwrap_or_default(),
        };
        self.send(&user.display_email, email)
    }

    /// `email` for `to`, to be rendered by [`Draft::finish`].
    pub(super) fn send<E: mail::Email + Send + 'static>(
        &self,
        to: &str,
        email: E,
    ) -> Result<Draft, MailError> {
        let to = to.to_owned();
        Ok(Draft::Render(Box::new(move |templates| {
            let rendered = templates.render_email(&email)?;
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

impl LifelineComposer {
    /// Composes one job with the given connection (which may be inside a transaction).
    fn compose_with(&self, conn: &mut DbConnection, job: &OutboxJob) -> Result<Draft, MailError> {
        match job.kind.as_str() {
            payloads::RESET_REQUESTED => self.reset(conn, job),
            payloads::PASSWORD_CHANGED => self.changed(conn, job),
            payloads::NOT_ME_CONFIRMED => self.not_me_confirmed(conn, job),
            payloads::MAGIC_LINK_REQUESTED => self.magic_link(conn, job),
            payloads::MAGIC_LINK_SIGNED_IN => self.magic_link_signed_in(conn, job),
            other => Err(MailError::UnknownTemplate(format!("job kind {other}"))),
        }
    }

    /// Composes every job inside one write transaction, so the batch's quota counts and issued
    /// tokens cost one commit. A storage error rolls the whole batch back (no token of it is
    /// kept, no quota counted) and is returned; the caller then composes job by job.
    fn compose_in_one_transaction(
        &self,
        jobs: &[OutboxJob],
    ) -> Result<Vec<Result<Composition, MailError>>, StorageError> {
        let mut conn = self.db.conn()?;
        storage::write_transaction(&mut conn, |conn| {
            let mut drafts = Vec::with_capacity(jobs.len());
            for job in jobs {
                match self.compose_with(conn, job) {
                    Err(MailError::Storage(error)) => return Err(error),
                    other => drafts.push(other),
                }
            }
            Ok(drafts)
        })
        .map(|drafts| {
            drafts
                .into_iter()
                .map(|draft| draft.and_then(|draft| draft.finish(&self.templates)))
                .collect()
        })
    }
}

impl Composer for LifelineComposer {
    fn compose(&self, job: &OutboxJob) -> Result<Composition, MailError> {
        self.compose_with(&mut *self.db.conn()?, job)?
            .finish(&self.templates)
    }

    fn compose_batch(&self, jobs: &[OutboxJob]) -> Vec<Result<Composition, MailError>> {
        if jobs.len() < 2 {
            return jobs.iter().map(|job| self.compose(job)).collect();
        }
        match self.compose_in_one_transaction(jobs) {
            Ok(results) => results,
            Err(error) => {
                // One job's storage failure must not hold up the others: compose them one by
                // one, each with its own commits, so only the failing job is retried.
                tracing::warn!(%error, jobs = jobs.len(), "composing the batch in one transaction failed, composing job by job");
                jobs.iter().map(|job| self.compose(job)).collect()
            }
        }
    }
}
