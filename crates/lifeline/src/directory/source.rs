//! [`AccountSource`]: a directory that keeps its accounts and their passwords somewhere
//! Lifeline cannot write its own state (an LDAP server, Active Directory, an identity
//! provider), as a plugin implements it.
//!
//! Such a source finds entries and checks and sets passwords itself; Lifeline never hashes
//! a password for it and never sees a stored hash. Lifeline keeps its own per-account state
//! (the auth epoch that voids links and sessions, the "this wasn't me" pause, an operator's
//! disable) in its own `external_accounts` table, keyed by the source's stable id for the
//! entry ([`ExternalAccount::external_id`]: `entryUUID`, `objectGUID`), never by a name that
//! can change. Tokens, sessions and audit events carry that table's numeric id.
//!
//! Every method is synchronous and is called on Lifeline's blocking pool, never inside one
//! of Lifeline's database transactions: a source that talks to a server over the network
//! owns whatever runtime and connection pool it needs, and bounds every call with its own
//! timeouts. A source that cannot reach its server answers [`DirectoryError::Unavailable`]
//! (503, nothing changed).

use super::{DirectoryError, EmailAddress};
use crate::security::password_hash::Password;

/// An entry of an [`AccountSource`], as found now.
#[derive(Clone, PartialEq, Eq)]
pub struct ExternalAccount {
    /// The source's stable id for the entry (LDAP `entryUUID`, Active Directory `objectGUID`
    /// as lowercase hex): it survives renames and address changes. At most 255 bytes.
    pub external_id: String,
    /// How the source addresses the entry right now (an LDAP DN). Lifeline passes it back
    /// to the source's password calls and never stores it.
    pub locator: String,
    /// The entry's mail address as the source stores it.
    pub email: String,
    /// `false` when the source itself disabled the entry (Active Directory's
    /// `ACCOUNTDISABLE`): Lifeline then treats the address as unknown.
    pub enabled: bool,
}

impl std::fmt::Debug for ExternalAccount {
    /// Masks the address.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalAccount")
            .field("external_id", &self.external_id)
            .field("locator", &self.locator)
            .field("email", &storage::mask(&self.email))
            .field("enabled", &self.enabled)
            .finish()
    }
}

/// Why a password is set.
#[derive(Debug, Clone, Copy)]
pub enum PasswordChange<'a> {
    /// A reset link, an operator or the admin API: there is no current password.
    Reset,
    /// The signed-in owner changed it; `current` was verified just before.
    Change {
        /// The password being replaced.
        current: &'a Password,
    },
}

/// Why a source's own password policy refused a new password, in words a person can act on.
/// Lifeline answers it as `422 weak_password` with a message in the person's language; the
/// server's own diagnostic goes to the log only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PasswordRefusal {
    /// Shorter than the server's minimum length.
    TooShort,
    /// Not varied enough for the server's quality rules.
    TooWeak,
    /// The current password or one used recently.
    RecentlyUsed,
    /// Changed too recently to be changed again yet.
    TooSoon,
    /// The server does not allow this account's password to be changed this way.
    NotAllowed,
    /// Refused for a reason the server did not name.
    Other,
}

/// A password write that did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SetPasswordError {
    /// The server's password policy refused the new password; nothing changed.
    #[error("the directory's password policy refused the new password ({0:?})")]
    Refused(PasswordRefusal),
    /// The directory failed or is unreachable.
    #[error(transparent)]
    Directory(#[from] DirectoryError),
}

/// A directory that holds accounts and checks and sets their passwords itself. Implemented
/// by plugin crates (see `directory-ldap`) and registered with a [`super::DirectoryPlugin`].
pub trait AccountSource: Send + Sync {
    /// The name Lifeline files this source's accounts under in `external_accounts`, with
    /// their [`ExternalAccount::external_id`]: the plugin's `directory.kind` (`"ldap"`).
    fn kind(&self) -> &str;

    /// The entry whose mail address is `email` (the source compares case-insensitively and
    /// must never treat the address as a pattern), `None` when there is none. More than one
    /// entry is a [`DirectoryError::Failed`]: an address must name one person.
    fn find_by_email(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<ExternalAccount>, DirectoryError>;

    /// The entry with this stable id, `None` when it is gone.
    fn find_by_external_id(
        &self,
        external_id: &str,
    ) -> Result<Option<ExternalAccount>, DirectoryError>;

    /// Whether `password` is the entry's. `None` is an unknown or disabled address: the
    /// source answers `false` after the same work a wrong password costs, so timing tells
    /// nothing. An empty password is wrong without asking the server (an LDAP simple bind
    /// with an empty password is an anonymous bind).
    fn verify_password(
        &self,
        account: Option<&ExternalAccount>,
        password: &Password,
    ) -> Result<bool, DirectoryError>;

    /// Sets the entry's password, under the server's own password policy, and confirms the
    /// server took it (the LDAP source binds with the new password) before answering `Ok`.
    /// Setting the password it already has again must not fail for that reason alone when
    /// the server allows it; a retried flow may do so.
    fn set_password(
        &self,
        account: &ExternalAccount,
        password: &Password,
        change: PasswordChange<'_>,
    ) -> Result<(), SetPasswordError>;

    /// Makes every password fail for the entry ("this wasn't me" after a password change):
    /// for example an unguessable random password the server accepts.
    fn void_password(&self, account: &ExternalAccount) -> Result<(), DirectoryError>;

    /// Checks once at start-up that the source is configured right (it can bind as its
    /// service account and read its base), so a mistake stops the service with a clear
    /// message. The default accepts.
    fn check(&self) -> Result<(), DirectoryError> {
        Ok(())
    }
}
