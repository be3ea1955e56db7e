//! `[directory]`: which directory holds the accounts and, for the SQL-mapped one, the names
//! of its table and columns.

use serde::{Deserialize, Serialize};

/// Which directory holds the accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DirectoryKind {
    /// Lifeline's own `users` table.
    #[default]
    Builtin,
    /// An existing table in Lifeline's database, mapped by the settings below.
    Sql,
}

/// The `[directory]` section. The table and column settings matter only with `kind = "sql"`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DirectorySettings {
    /// `builtin` or `sql`.
    #[serde(default)]
    pub kind: DirectoryKind,
    /// The users table (required with `sql`).
    #[serde(default)]
    pub table: Option<String>,
    /// Integer primary key column.
    #[serde(default = "default_id")]
    pub id_column: String,
    /// The address column, used for lookups and as the address mail is sent to.
    #[serde(default = "default_email")]
    pub email_column: String,
    /// The password hash column (argon2id PHC; bcrypt too with `legacy_bcrypt`); may be NULL.
    #[serde(default = "default_hash")]
    pub password_hash_column: String,
    /// An integer column Lifeline bumps to void links and sessions (`BIGINT NOT NULL DEFAULT 0`).
    #[serde(default = "default_epoch")]
    pub auth_epoch_column: String,
    /// A timestamp column set whenever Lifeline changes the row, if the table has one.
    #[serde(default)]
    pub updated_at_column: Option<String>,
    /// A nullable timestamp column for "this wasn't me" pauses; without it that action still
    /// voids every link and session but cannot pause new requests.
    #[serde(default)]
    pub resets_paused_until_column: Option<String>,
    /// A nullable timestamp column for accounts an operator disabled (`lifeline users
    /// disable`); without it the table's accounts cannot be disabled from Lifeline.
    #[serde(default)]
    pub disabled_at_column: Option<String>,
    /// Accept legacy bcrypt hashes (`$2a$`, `$2b$`, `$2y$`) at sign-in and replace them with
    /// argon2id once the password matched.
    #[serde(default)]
    pub legacy_bcrypt: bool,
}

impl Default for DirectorySettings {
    fn default() -> Self {
        Self {
            kind: DirectoryKind::Builtin,
            table: None,
            id_column: default_id(),
            email_column: default_email(),
            password_hash_column: default_hash(),
            auth_epoch_column: default_epoch(),
            updated_at_column: None,
            resets_paused_until_column: None,
            disabled_at_column: None,
            legacy_bcrypt: false,
        }
    }
}

fn default_id() -> String {
    "id".into()
}
fn default_email() -> String {
    "email".into()
}
fn default_hash() -> String {
    "password_hash".into()
}
fn default_epoch() -> String {
    "auth_epoch".into()
}

/// The SQL-mapped directory's settings cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryConfigError {
    /// A table or column name is not a plain SQL identifier.
    #[error(
        "directory.{0} is not a plain SQL identifier (letters, digits and underscores, not \
         starting with a digit, at most 64 characters)"
    )]
    NotAnIdentifier(&'static str),
    /// `kind = "sql"` without `table`.
    #[error("directory.kind = \"sql\" needs directory.table")]
    MissingTable,
}

/// Accepts `^[A-Za-z_][A-Za-z0-9_]{0,63}$` only: no quotes, spaces, dots or comments, so a
/// configured name cannot close its quoting and smuggle SQL into a statement.
pub fn validate_identifier(setting: &'static str, name: &str) -> Result<(), DirectoryConfigError> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if first_ok && rest_ok && name.len() <= 64 {
        Ok(())
    } else {
        Err(DirectoryConfigError::NotAnIdentifier(setting))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_identifiers_are_accepted() {
        for name in ["users", "_t", "Email_Address2", &"a".repeat(64)] {
            assert_eq!(validate_identifier("table", name), Ok(()), "{name}");
        }
    }

    #[test]
    fn names_that_could_break_out_of_quoting_are_refused() {
        let attempts = [
            "",
            "1users",
            "users; DROP TABLE users",
            "users`--",
            "us\"ers",
            "db.users",
            "users -- x",
            "üsers",
            "users\n",
            &"a".repeat(65),
        ];
        for name in attempts {
            assert_eq!(
                validate_identifier("table", name),
                Err(DirectoryConfigError::NotAnIdentifier("table")),
                "{name:?}"
            );
        }
    }
}
