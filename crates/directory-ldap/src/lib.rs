//! Lifeline's LDAP directory: accounts, passwords and password policy kept by an OpenLDAP
//! server or Active Directory, as a plugin built only on Lifeline's public directory API
//! ([`lifeline::AccountSource`], [`lifeline::DirectoryPlugin`]).
//!
//! Selected with `directory.kind = "ldap"` and configured by the `[directory.ldap]` table
//! ([`LdapSettings`]). The source ([`LdapSource`]):
//!
//! - finds a person by the mail attribute: the address is escaped into `user_filter`
//!   (RFC 4515), so it is a value and never a pattern; the entry must hold the address
//!   itself (ignoring ASCII case); two entries for one address are a failure;
//! - keys Lifeline's state by the entry's stable id, `entryUUID` (OpenLDAP) or `objectGUID`
//!   as lowercase hex (Active Directory), never by its DN;
//! - checks a password by binding as the entry on a bind-only connection, and binds a DN
//!   that names no entry for an unknown address so both cost the same; an empty password
//!   is wrong without asking (it would be an anonymous bind);
//! - sets a password as the service account, with the Password Modify extended operation
//!   (RFC 3062) and the password policy control on OpenLDAP, by replacing `unicodePwd` on
//!   Active Directory, so the server's own policy applies; a refusal comes back as a
//!   [`lifeline::PasswordRefusal`]; every write is confirmed by a bind with the new password
//!   before it counts as done;
//! - runs on its own small tokio runtime with two pools of connections (service and
//!   bind-only), a connect timeout, a timeout per operation and per call; a server that
//!   cannot be reached is [`lifeline::DirectoryError::Unavailable`] (503), and the next call
//!   reconnects.
//!
//! With the `testing` feature, [`testing::Slapd`] runs a throw-away OpenLDAP server for
//! tests (this crate's and the `lifeline` binary's).

mod entry;
mod failure;
mod filter;
mod plugin;
mod pool;
mod ppolicy;
mod random_password;
mod settings;
mod source;
mod tls;

#[cfg(feature = "testing")]
pub mod testing;

pub use filter::{FilterRefusal, email_filter};
pub use plugin::{LdapPlugin, PLUGIN};
pub use settings::{
    ACTIVE_DIRECTORY_USER_FILTER, EMAIL_PLACEHOLDER, Flavor, LdapSettings, MAX_POOL_SIZE,
    OPENLDAP_USER_FILTER, SETTING_KEYS, SettingsProblem, Transport,
};
pub use source::{BuildError, KIND, LdapSource};
pub use tls::TlsSetupError;
