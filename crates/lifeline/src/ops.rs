//! Operations on a Lifeline deployment outside the request path: what the `lifeline` command
//! line (and an operator's own tools) need beyond [`Application`](crate::Application).
//!
//! Everything here works from a [`Settings`] value, so a tool sees the same database, password
//! cost and policy as the service it manages. [`Accounts`] does an operator's account actions
//! (disable, enable, delete, set a password, lift a pause, read the audit events) through the
//! configured directory, each recorded as an audit event. [`ApiKeys`] creates, lists and
//! revokes the admin API's keys. Account and outbox rows themselves are storage's
//! (`storage::users`, `storage::outbox`), reached through the [`Database`](storage::Database)
//! [`connect_database`] opens.

use storage::EmailAddress;

use crate::config::Settings;
use crate::directory::DirectoryKind;
use crate::security::password_hash::{HashError, Password, PasswordHasherService};
use crate::security::password_policy::PasswordPolicy;

pub use crate::api_keys::{API_KEY_REGEX, ApiKeyError, ApiKeys, CreatedKey};
pub use crate::operator::{
    AccountKey, Accounts, Actor, DirectoryAction, OperatorError, Unsupported,
};
pub use crate::security::password_hash::{HashRejection, check_stored_hash};
pub use crate::security::password_policy::PasswordRejection;
pub use crate::startup::connect_database;
pub use storage::api_keys::{ApiKeyRecord, Scope};

/// The password hasher with the configured argon2id cost (`[password]`), as the service
/// builds it: a hash made with it verifies in the running service.
pub fn password_hasher(settings: &Settings) -> Result<PasswordHasherService, HashError> {
    let p = &settings.password;
    PasswordHasherService::new(
        p.argon2_memory_kib,
        p.argon2_iterations,
        p.argon2_parallelism,
    )
}

/// Checks a new password for the account `email` against the configured policy (length, the
/// blocklist, not the address itself), as the reset form does.
pub fn check_new_password(
    settings: &Settings,
    password: &Password,
    email: &EmailAddress,
) -> Result<(), PasswordRejection> {
    let policy = PasswordPolicy {
        min_length: settings.password.min_length,
        max_length: settings.password.max_length,
    };
    policy.check(
        password.expose_secret(),
        password.expose_secret(),
        email.as_str(),
    )
}

/// The accounts live in an application's own table (`[directory] kind = "sql"`), not in
/// Lifeline's `users` table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the accounts live in the application's table `{table}` ([directory] kind = \"sql\")")]
pub struct MappedDirectory {
    /// The application's table (`directory.table`).
    pub table: String,
}

/// Whether the accounts are in Lifeline's own `users` table, which `storage::users` reads and
/// writes. With a SQL-mapped directory the application manages its accounts: rows added to
/// Lifeline's table would be read by nobody.
pub fn accounts_in_own_table(settings: &Settings) -> Result<(), MappedDirectory> {
    if settings.directory.kind == DirectoryKind::Sql {
        return Err(MappedDirectory {
            table: settings
                .directory
                .table
                .clone()
                .unwrap_or_else(|| "?".into()),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(overrides: &[(&str, &str)]) -> Settings {
        let mut figment = Settings::figment(None);
        for (key, value) in overrides {
            figment = figment.merge((*key, *value));
        }
        Settings::from_figment(figment).unwrap()
    }

    #[test]
    fn a_new_password_is_checked_against_the_configured_policy() {
        let settings = settings(&[]);
        let email = EmailAddress::parse("ada@example.com").unwrap();
        let check =
            |password: &str| check_new_password(&settings, &Password::new(password.into()), &email);
        assert_eq!(
            check("short"),
            Err(PasswordRejection::TooShort {
                min: settings.password.min_length
            })
        );
        assert_eq!(
            check("ada@example.com"),
            Err(PasswordRejection::SameAsEmail)
        );
        assert_eq!(check("a long and unusual passphrase"), Ok(()));
    }

    #[test]
    fn only_the_built_in_directory_keeps_accounts_in_lifeline_s_table() {
        assert_eq!(accounts_in_own_table(&settings(&[])), Ok(()));
        let mapped = settings(&[("directory.kind", "sql"), ("directory.table", "members")]);
        assert_eq!(
            accounts_in_own_table(&mapped),
            Err(MappedDirectory {
                table: "members".into()
            })
        );
    }
}
