//! `[directory]`: which directory holds the accounts; for the SQL-mapped one, the names of
//! its table and columns; for a plugin's kind, its own table `[directory.<kind>]`, kept raw
//! for the plugin.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

pub use super::kind::DirectoryKind;
use super::plugin::PluginSettings;

/// The `[directory]` section. The table and column settings matter only with `kind = "sql"`;
/// a plugin's kind reads its own table, `[directory.<kind>]`, the one other key the section
/// accepts (any other is refused, as everywhere).
#[derive(Debug, Clone)]
pub struct DirectorySettings {
    /// `builtin`, `sql`, or a plugin's kind.
    pub kind: DirectoryKind,
    /// The users table (required with `sql`).
    pub table: Option<String>,
    /// Integer primary key column.
    pub id_column: String,
    /// The address column, used for lookups and as the address mail is sent to.
    pub email_column: String,
    /// The password hash column (argon2id PHC; bcrypt too with `legacy_bcrypt`); may be NULL.
    pub password_hash_column: String,
    /// An integer column Lifeline bumps to void links and sessions (`BIGINT NOT NULL DEFAULT 0`).
    pub auth_epoch_column: String,
    /// A timestamp column set whenever Lifeline changes the row, if the table has one.
    pub updated_at_column: Option<String>,
    /// A nullable timestamp column for "this wasn't me" pauses; without it that action still
    /// voids every link and session but cannot pause new requests.
    pub resets_paused_until_column: Option<String>,
    /// A nullable timestamp column for accounts an operator disabled (`lifeline users
    /// disable`); without it the table's accounts cannot be disabled from Lifeline.
    pub disabled_at_column: Option<String>,
    /// Accept legacy bcrypt hashes (`$2a$`, `$2b$`, `$2y$`) at sign-in and replace them with
    /// argon2id once the password matched.
    pub legacy_bcrypt: bool,
    /// `[directory.<kind>]` when `kind` is a plugin's: always present then (empty when the
    /// settings hold no such table), absent otherwise.
    pub(crate) plugin: Option<PluginSettings>,
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
            plugin: None,
        }
    }
}

impl DirectorySettings {
    /// The plugin's table, `[directory.<kind>]`, when `kind` is a plugin's.
    pub fn plugin_settings(&self) -> Option<&PluginSettings> {
        self.plugin.as_ref()
    }

    pub(crate) fn plugin_settings_mut(&mut self) -> Option<&mut PluginSettings> {
        self.plugin.as_mut()
    }
}

/// The keys of `[directory]` itself; a plugin kind may not take one of these names.
pub(crate) const FIELDS: [&str; 10] = [
    "kind",
    "table",
    "id_column",
    "email_column",
    "password_hash_column",
    "auth_epoch_column",
    "updated_at_column",
    "resets_paused_until_column",
    "disabled_at_column",
    "legacy_bcrypt",
];

/// Reads the section's own keys, keeps the table named after the chosen plugin kind raw,
/// and refuses every other key as an unknown field (which names the keys the section has,
/// so "did you mean" and the list of settings work as for any other section).
impl<'de> Deserialize<'de> for DirectorySettings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(SectionVisitor)
    }
}

struct SectionVisitor;

impl<'de> Visitor<'de> for SectionVisitor {
    type Value = DirectorySettings;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the [directory] table")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DirectorySettings, A::Error> {
        let mut s = DirectorySettings::default();
        let mut others: Vec<(String, figment::value::Value)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "kind" => s.kind = map.next_value()?,
                "table" => s.table = map.next_value()?,
                "id_column" => s.id_column = map.next_value()?,
                "email_column" => s.email_column = map.next_value()?,
                "password_hash_column" => s.password_hash_column = map.next_value()?,
                "auth_epoch_column" => s.auth_epoch_column = map.next_value()?,
                "updated_at_column" => s.updated_at_column = map.next_value()?,
                "resets_paused_until_column" => s.resets_paused_until_column = map.next_value()?,
                "disabled_at_column" => s.disabled_at_column = map.next_value()?,
                "legacy_bcrypt" => s.legacy_bcrypt = map.next_value()?,
                _ if super::kind::is_plugin_kind_name(&key) => {
                    let table = map.next_value()?;
                    others.push((key, table));
                }
                _ => return Err(de::Error::unknown_field(&key, &FIELDS)),
            }
        }
        if let DirectoryKind::Plugin(kind) = &s.kind {
            let table = match others.iter().position(|(name, _)| name == kind) {
                Some(at) => match others.remove(at).1.into_dict() {
                    Some(table) => table,
                    None => {
                        let why = format!("directory.{kind} must be a table of settings");
                        return Err(de::Error::custom(why));
                    }
                },
                None => figment::value::Dict::new(),
            };
            s.plugin = Some(PluginSettings::new(kind.clone(), table));
        }
        match others.first() {
            Some((name, value)) if value.as_dict().is_some() => Err(de::Error::custom(format!(
                "[directory.{name}] is the table of directory.kind = \"{name}\", but \
                 directory.kind is \"{}\"",
                s.kind
            ))),
            Some((name, _)) => Err(de::Error::unknown_field(name, &FIELDS)),
            None => Ok(s),
        }
    }
}

/// The section as it reads again: its own keys (unset optional ones left out), then the
/// plugin's table with its secrets as `***`.
impl Serialize for DirectorySettings {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("kind", &self.kind)?;
        if let Some(table) = &self.table {
            map.serialize_entry("table", table)?;
        }
        map.serialize_entry("id_column", &self.id_column)?;
        map.serialize_entry("email_column", &self.email_column)?;
        map.serialize_entry("password_hash_column", &self.password_hash_column)?;
        map.serialize_entry("auth_epoch_column", &self.auth_epoch_column)?;
        let optional = [
            ("updated_at_column", &self.updated_at_column),
            (
                "resets_paused_until_column",
                &self.resets_paused_until_column,
            ),
            ("disabled_at_column", &self.disabled_at_column),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                map.serialize_entry(key, value)?;
            }
        }
        map.serialize_entry("legacy_bcrypt", &self.legacy_bcrypt)?;
        if let Some(plugin) = &self.plugin {
            map.serialize_entry(plugin.kind(), plugin)?;
        }
        map.end()
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
