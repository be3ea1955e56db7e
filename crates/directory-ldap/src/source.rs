//! [`LdapSource`]: Lifeline's [`AccountSource`] over an LDAP server or Active Directory.
//!
//! Lifeline calls it synchronously from its blocking pool; each call runs as a task on the
//! source's own small tokio runtime and the calling thread waits for its answer, bounded by
//! a deadline. The runtime is shut down in the background when the source is dropped, so
//! dropping it anywhere (even inside another runtime) never blocks or panics.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use ldap3::exop::PasswordModify;
use ldap3::{Mod, Scope, SearchEntry, SearchOptions};
use lifeline::{
    AccountSource, DirectoryError, EmailAddress, ExternalAccount, Mode, Password, PasswordChange,
    PasswordRefusal, SecretString, SetPasswordError,
};

use crate::failure::{LdapFailure, rc};
use crate::filter::{email_filter, id_filter};
use crate::pool::{Connector, Pool};
use crate::settings::{Flavor, LdapSettings, SettingsProblem, Transport};
use crate::{entry, ppolicy, random_password, tls};

/// The value of `directory.kind` that selects this source.
pub const KIND: &str = "ldap";

/// How many times the per-operation timeout one call may take in all (a pool checkout, a
/// connect, a bind, the operation, the confirming bind).
const CALL_TIMEOUTS: u32 = 5;

/// Accounts kept in an LDAP directory (OpenLDAP or Active Directory): found by their mail
/// attribute, checked by binding as them, changed under the server's own password policy.
pub struct LdapSource {
    inner: Arc<Inner>,
    runtime: Option<tokio::runtime::Runtime>,
}

/// Everything a call's task needs.
struct Inner {
    flavor: Flavor,
    base_dn: String,
    user_filter: String,
    /// A DN under `base_dn` that names no entry: bound for unknown addresses, so they cost
    /// what a wrong password costs. Random per source, so nobody can create it beforehand.
    decoy_dn: String,
    service: Pool,
    binds: Pool,
    deadline: Duration,
}

/// Why a source could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A setting that cannot work.
    #[error(transparent)]
    Settings(#[from] SettingsProblem),
    /// The TLS configuration (`ca_file`).
    #[error("ca_file: {0}")]
    Tls(#[from] tls::TlsSetupError),
    /// The system's random number generator failed.
    #[error("random numbers: {0}")]
    Random(getrandom::Error),
    /// The source's runtime could not start.
    #[error("the LDAP source's runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

impl BuildError {
    /// The key of `[directory.ldap]` the error is about.
    pub fn key(&self) -> &'static str {
        match self {
            Self::Settings(problem) => problem.key,
            Self::Tls(_) => "ca_file",
            Self::Random(_) | Self::Runtime(_) => "url",
        }
    }
}

/// A password write the server did not make.
enum WriteError {
    /// Its password policy refused the password.
    Refused(PasswordRefusal),
    /// The entry is gone.
    NoSuchEntry,
    /// Anything else.
    Failure(LdapFailure),
}

impl From<LdapFailure> for WriteError {
    fn from(failure: LdapFailure) -> Self {
        Self::Failure(failure)
    }
}

impl LdapSource {
    /// Checks `settings` for `mode` (see [`LdapSettings::validate`]), reads `ca_file` and
    /// starts the source's runtime. Contacts nothing: [`AccountSource::check`] does.
    pub fn new(settings: LdapSettings, mode: Mode) -> Result<Self, BuildError> {
        let transport = settings.validate(mode)?;
        if transport == Transport::Plain {
            tracing::warn!(
                url = %settings.url,
                "ldap: passwords travel unencrypted (starttls = false), development only"
            );
        }
        let tls = match transport {
            Transport::Plain => None,
            Transport::Ldaps | Transport::StartTls => {
                Some(tls::client_config(settings.ca_file.as_deref())?)
            }
        };
        let timeout = settings.timeout();
        let connector = Arc::new(Connector {
            url: settings.url.clone(),
            transport,
            tls,
            timeout,
        });
        let user_filter = settings.user_filter().to_owned();
        let service_account = (settings.bind_dn.clone(), settings.bind_password);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("lifeline-ldap")
            .enable_all()
            .build()?;
        let inner = Inner {
            flavor: settings.flavor,
            decoy_dn: format!(
                "cn=lifeline-decoy-{},{}",
                random_password::hex_id().map_err(BuildError::Random)?,
                settings.base_dn
            ),
            base_dn: settings.base_dn,
            user_filter,
            service: Pool::new(
                "service",
                Arc::clone(&connector),
                Some(service_account),
                settings.pool_size,
            ),
            binds: Pool::new("bind", connector, None, settings.pool_size),
            deadline: timeout * CALL_TIMEOUTS,
        };
        Ok(Self {
            inner: Arc::new(inner),
            runtime: Some(runtime),
        })
    }

    /// Runs `work` on the source's runtime and waits for it, at most the call's deadline.
    fn run<T, F>(
        &self,
        what: &'static str,
        work: impl FnOnce(Arc<Inner>) -> F,
    ) -> Result<T, LdapFailure>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, LdapFailure>> + Send + 'static,
    {
        let Some(runtime) = &self.runtime else {
            return Err(LdapFailure::failed("the source was shut down"));
        };
        let deadline = self.inner.deadline;
        let task = work(Arc::clone(&self.inner));
        let (answer, answered) = std::sync::mpsc::sync_channel(1);
        runtime.spawn(async move {
            let result = match tokio::time::timeout(deadline, task).await {
                Ok(result) => result,
                Err(_) => Err(LdapFailure::unavailable(format!(
                    "{what}: no answer within {deadline:?}"
                ))),
            };
            // The caller always waits; a closed channel means it is gone, nothing to do.
            let _ = answer.send(result);
        });
        answered.recv().map_err(|_| {
            LdapFailure::failed(format!("{what}: the LDAP task ended without an answer"))
        })?
    }

    /// The entry whose `mail` is `mail`, for any string (the address is escaped into
    /// `user_filter`, so it is a value, never a pattern; a NUL is refused). The entry must
    /// hold the address itself, ignoring ASCII case; more than one entry is a failure.
    pub fn find_by_mail(&self, mail: &str) -> Result<Option<ExternalAccount>, DirectoryError> {
        let filter = match email_filter(&self.inner.user_filter, mail) {
            Ok(filter) => filter,
            Err(refusal) => {
                tracing::debug!(%refusal, "ldap: address not looked up");
                return Ok(None);
            }
        };
        let mail = mail.to_owned();
        Ok(self.run("find by mail", move |inner| async move {
            let Some(found) = inner.search_one(&filter).await? else {
                return Ok(None);
            };
            entry::account(&found, inner.flavor, Some(&mail))
        })?)
    }

    /// The filter [`Self::find_by_mail`] searches with for `mail`, `None` when the address
    /// is refused before any search.
    pub fn filter_for(&self, mail: &str) -> Option<String> {
        email_filter(&self.inner.user_filter, mail).ok()
    }

    fn write(
        &self,
        account: &ExternalAccount,
        password: SecretString,
        what: &'static str,
    ) -> Result<(), SetPasswordError> {
        let dn = account.locator.clone();
        let outcome = self
            .run(what, move |inner| async move {
                Ok(inner.set_and_confirm(&dn, password.expose_secret()).await)
            })
            .map_err(DirectoryError::from)?;
        match outcome {
            Ok(()) => Ok(()),
            Err(WriteError::Refused(refusal)) => Err(SetPasswordError::Refused(refusal)),
            Err(WriteError::NoSuchEntry) => Err(DirectoryError::NoSuchAccount.into()),
            Err(WriteError::Failure(failure)) => Err(DirectoryError::from(failure).into()),
        }
    }
}

impl Drop for LdapSource {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Inner {
    /// At most one entry under `base_dn` matching `filter` (asks for two: two is ambiguous).
    async fn search_one(&self, filter: &str) -> Result<Option<SearchEntry>, LdapFailure> {
        let mut conn = self.service.get().await?;
        let result = conn
            .ldap()
            .with_search_options(SearchOptions::new().sizelimit(2))
            .search(
                &self.base_dn,
                Scope::Subtree,
                filter,
                entry::attributes(self.flavor),
            )
            .await
            .map_err(|error| conn.broken("search", error))?;
        let (entries, outcome) = (result.0, result.1);
        if entries.len() > 1 || outcome.rc == rc::SIZE_LIMIT_EXCEEDED {
            return Err(LdapFailure::failed(format!(
                "more than one entry under {:?} matches {filter:?}: an address must name one person",
                self.base_dn
            )));
        }
        if outcome.rc != rc::SUCCESS {
            return Err(LdapFailure::from_result("search", &outcome));
        }
        Ok(entries.into_iter().next().map(SearchEntry::construct))
    }

    /// Binds as `dn` on a bind-only connection: whether `password` is its password.
    async fn bind(&self, dn: &str, password: &str) -> Result<bool, LdapFailure> {
        let mut conn = self.binds.get().await?;
        let result = conn
            .ldap()
            .simple_bind(dn, password)
            .await
            .map_err(|error| conn.broken("bind", error))?;
        match result.rc {
            rc::SUCCESS => Ok(true),
            rc::INVALID_CREDENTIALS => {
                // Active Directory says why in the text (`data 52e`, `775` locked, `773`
                // must change): for the log only.
                tracing::debug!(text = %result.text, "ldap bind refused");
                Ok(false)
            }
            _ => Err(LdapFailure::from_result("bind", &result)),
        }
    }

    /// Sets the password, then binds with it before answering that it was set.
    async fn set_and_confirm(&self, dn: &str, password: &str) -> Result<(), WriteError> {
        match self.write_password(dn, password).await {
            Ok(()) => {}
            // A retried flow may set the password the entry already has; the policy calls
            // that reuse, but nothing needs changing.
            Err(WriteError::Refused(PasswordRefusal::RecentlyUsed))
                if self.bind(dn, password).await.unwrap_or(false) =>
            {
                return Ok(());
            }
            Err(error) => return Err(error),
        }
        if self.bind(dn, password).await? {
            Ok(())
        } else {
            Err(LdapFailure::failed(format!(
                "the server accepted a new password for {dn:?} but a bind with it fails \
                 (Active Directory: a reset without the Unexpire Password right makes the \
                 person change it at next logon; OpenLDAP: pwdMustChange with a service \
                 account that has manage access)"
            ))
            .into())
        }
    }

    async fn write_password(&self, dn: &str, password: &str) -> Result<(), WriteError> {
        let mut conn = self.service.get().await?;
        let result = match self.flavor {
            Flavor::OpenLdap => conn
                .ldap()
                .with_controls(ppolicy::request_control())
                .extended(PasswordModify {
                    user_id: Some(dn),
                    old_pass: None,
                    new_pass: Some(password),
                })
                .await
                .map(|exop| exop.1),
            Flavor::ActiveDirectory => {
                let quoted: Vec<u8> = format!("\"{password}\"")
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect();
                conn.ldap()
                    .modify(
                        dn,
                        vec![Mod::Replace(
                            b"unicodePwd".to_vec(),
                            HashSet::from([quoted]),
                        )],
                    )
                    .await
            }
        }
        .map_err(|error| conn.broken("password write", error))?;
        if result.rc == rc::SUCCESS {
            return Ok(());
        }
        if result.rc == rc::NO_SUCH_OBJECT {
            return Err(WriteError::NoSuchEntry);
        }
        let refusal = match self.flavor {
            Flavor::OpenLdap => {
                let code = ppolicy::response_error(&result);
                match (result.rc, code) {
                    (rc::CONSTRAINT_VIOLATION, code) => Some(ppolicy::refusal(code)),
                    (_, Some(3 | 4)) => Some(PasswordRefusal::NotAllowed),
                    _ => None,
                }
            }
            Flavor::ActiveDirectory => (result.rc == rc::CONSTRAINT_VIOLATION
                || result.text.contains("0000052D"))
            .then_some(PasswordRefusal::Other),
        };
        if let Some(refusal) = refusal {
            tracing::info!(?refusal, text = %result.text, "ldap password policy refused a password");
            return Err(WriteError::Refused(refusal));
        }
        if result.rc == rc::INSUFFICIENT_ACCESS {
            return Err(LdapFailure::failed(format!(
                "the service account may not set {dn:?}'s password ({:?}): OpenLDAP needs \
                 `write` access to userPassword, Active Directory the Reset Password right",
                result.text
            ))
            .into());
        }
        Err(LdapFailure::from_result("password write", &result).into())
    }

    /// The service account binds and reads `base_dn`.
    async fn check(&self) -> Result<(), LdapFailure> {
        let mut conn = self.service.get().await?;
        let result = conn
            .ldap()
            .search(&self.base_dn, Scope::Base, "(objectClass=*)", vec!["1.1"])
            .await
            .map_err(|error| conn.broken("reading base_dn", error))?;
        if result.1.rc == rc::SUCCESS && result.0.len() == 1 {
            return Ok(());
        }
        Err(LdapFailure::failed(format!(
            "base_dn {:?} does not exist or the service account cannot read it (result code \
             {}, {:?})",
            self.base_dn, result.1.rc, result.1.text
        )))
    }
}

impl AccountSource for LdapSource {
    fn kind(&self) -> &str {
        KIND
    }

    fn find_by_email(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<ExternalAccount>, DirectoryError> {
        self.find_by_mail(email.as_str())
    }

    fn find_by_external_id(
        &self,
        external_id: &str,
    ) -> Result<Option<ExternalAccount>, DirectoryError> {
        let Some(filter) = id_filter(self.inner.flavor, external_id) else {
            return Ok(None);
        };
        Ok(self.run("find by id", move |inner| async move {
            let Some(found) = inner.search_one(&filter).await? else {
                return Ok(None);
            };
            entry::account(&found, inner.flavor, None)
        })?)
    }

    fn verify_password(
        &self,
        account: Option<&ExternalAccount>,
        password: &Password,
    ) -> Result<bool, DirectoryError> {
        if password.expose_secret().is_empty() {
            // A simple bind with a DN and no password is an anonymous bind: never send it.
            return Ok(false);
        }
        let known = account.filter(|account| account.enabled);
        let dn = known.map_or_else(
            || self.inner.decoy_dn.clone(),
            |account| account.locator.clone(),
        );
        let password = SecretString::new(password.expose_secret());
        let bound = self.run("verify password", move |inner| async move {
            inner.bind(&dn, password.expose_secret()).await
        })?;
        Ok(bound && known.is_some())
    }

    fn set_password(
        &self,
        account: &ExternalAccount,
        password: &Password,
        change: PasswordChange<'_>,
    ) -> Result<(), SetPasswordError> {
        // A change by the signed-in owner is made like a reset, by the service account
        // (Lifeline verified the current password just before): the server's policy applies
        // to both the same way.
        let what = match change {
            PasswordChange::Reset => "reset password",
            PasswordChange::Change { .. } => "change password",
        };
        if password.expose_secret().is_empty() {
            return Err(SetPasswordError::Refused(PasswordRefusal::TooShort));
        }
        self.write(account, SecretString::new(password.expose_secret()), what)
    }

    fn void_password(&self, account: &ExternalAccount) -> Result<(), DirectoryError> {
        let password = random_password::generate()
            .map_err(|error| DirectoryError::failed(format!("random numbers: {error}")))?;
        match self.write(account, password, "void password") {
            Ok(()) => Ok(()),
            Err(SetPasswordError::Directory(error)) => Err(error),
            Err(SetPasswordError::Refused(refusal)) => Err(DirectoryError::failed(format!(
                "the directory's password policy refused a random password ({refusal:?})"
            ))),
        }
    }

    fn check(&self) -> Result<(), DirectoryError> {
        Ok(self.run("check", |inner| async move { inner.check().await })?)
    }
}
