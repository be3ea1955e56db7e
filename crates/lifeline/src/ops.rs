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

/// Where the accounts live when it is not Lifeline's own `users` table: the commands that
/// read or fill that table (`lifeline users add`, `list`, `import`) refuse to run then.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountsElsewhere {
    /// In an application's own table (`[directory] kind = "sql"`).
    #[error("the accounts live in the application's table `{table}` ([directory] kind = \"sql\")")]
    Table {
        /// The application's table (`directory.table`).
        table: String,
    },
    /// In a directory a plugin reaches (`[directory] kind = "ldap"`, say).
    #[error("the accounts live in the `{kind}` directory ([directory] kind = \"{kind}\")")]
    Plugin {
        /// The plugin's kind.
        kind: String,
    },
}

/// Whether the accounts are in Lifeline's own `users` table, which `storage::users` reads and
/// writes. With a SQL-mapped directory or a plugin's, accounts are managed where they live:
/// rows added to Lifeline's table would be read by nobody.
pub fn accounts_in_own_table(settings: &Settings) -> Result<(), AccountsElsewhere> {
    match &settings.directory.kind {
        DirectoryKind::Builtin => Ok(()),
        DirectoryKind::Sql => Err(AccountsElsewhere::Table {
            table: settings
                .directory
                .table
                .clone()
                .unwrap_or_else(|| "?".into()),
        }),
        DirectoryKind::Plugin(kind) => Err(AccountsElsewhere::Plugin { kind: kind.clone() }),
    }
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
            Err(AccountsElsewhere::Table {
                table: "members".into()
            })
        );
        let mut plugin = settings(&[]);
        plugin.directory.kind = DirectoryKind::Plugin("ldap".into());
        assert_eq!(
            accounts_in_own_table(&plugin),
            Err(AccountsElsewhere::Plugin {
                kind: "ldap".into()
            })
        );
    }
}
