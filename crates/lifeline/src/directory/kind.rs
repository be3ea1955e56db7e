//! `directory.kind`: a built-in directory, or the kind a [`super::DirectoryPlugin`] provides.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Which directory holds the accounts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DirectoryKind {
    /// Lifeline's own `users` table.
    #[default]
    Builtin,
    /// An existing table in Lifeline's database, mapped by the `[directory]` settings.
    Sql,
    /// A directory a plugin provides (`"ldap"`), configured in its own table
    /// `[directory.<kind>]`. Whether a plugin of that kind is registered is checked when the
    /// settings are validated, not when they are read.
    Plugin(String),
}

/// The built-in kinds' names.
pub(crate) const BUILT_IN_KINDS: [&str; 2] = ["builtin", "sql"];

/// The longest plugin kind name: it is a table name and part of every variable's name.
const MAX_KIND_LEN: usize = 32;

impl DirectoryKind {
    /// The name `directory.kind` holds.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Builtin => "builtin",
            Self::Sql => "sql",
            Self::Plugin(name) => name,
        }
    }

    /// Reads a kind: a built-in name, or a plugin kind name (lowercase ASCII letters, digits
    /// and `_`, starting with a letter, at most 32 characters, not the name of one of
    /// `[directory]`'s own keys, which its table would collide with).
    pub fn parse(name: &str) -> Result<Self, String> {
        match name {
            "builtin" => Ok(Self::Builtin),
            "sql" => Ok(Self::Sql),
            _ if !is_plugin_kind_name(name) => Err(format!(
                "{name:?} is not a directory kind: \"builtin\", \"sql\", or a plugin's kind \
                 (lowercase letters, digits and _, starting with a letter, at most \
                 {MAX_KIND_LEN} characters)"
            )),
            _ if super::settings::FIELDS.contains(&name) => Err(format!(
                "{name:?} is a key of [directory] and cannot name a directory kind"
            )),
            _ => Ok(Self::Plugin(name.to_owned())),
        }
    }
}

/// Whether `name` has the shape of a plugin kind: `^[a-z][a-z0-9_]{0,31}$`.
pub(crate) fn is_plugin_kind_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && name.len() <= MAX_KIND_LEN
}

impl fmt::Display for DirectoryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for DirectoryKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DirectoryKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KindVisitor;
        impl Visitor<'_> for KindVisitor {
            type Value = DirectoryKind;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a directory kind: \"builtin\", \"sql\" or a plugin's kind")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<DirectoryKind, E> {
                DirectoryKind::parse(name).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(KindVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_names_and_plugin_kinds_are_read() {
        assert_eq!(DirectoryKind::parse("builtin"), Ok(DirectoryKind::Builtin));
        assert_eq!(DirectoryKind::parse("sql"), Ok(DirectoryKind::Sql));
        for name in ["ldap", "a", "my_dir2", &"x".repeat(32)] {
            assert_eq!(
                DirectoryKind::parse(name),
                Ok(DirectoryKind::Plugin(name.to_owned()))
            );
        }
    }

    #[test]
    fn names_that_cannot_be_a_table_or_a_variable_are_refused() {
        for name in [
            "",
            "LDAP",
            "2ldap",
            "_ldap",
            "ld-ap",
            "ld.ap",
            "ld ap",
            "ldäp",
            &"x".repeat(33),
            "table",
            "kind",
            "id_column",
        ] {
            assert!(DirectoryKind::parse(name).is_err(), "{name:?}");
        }
    }
}
