//! [`DirectoryPlugin`]: how a crate outside Lifeline adds a `directory.kind`.
//!
//! A plugin names its kind (`"ldap"`), lists the keys of its settings table
//! (`[directory.ldap]`, or `LIFELINE_DIRECTORY__LDAP__<KEY>`) and which of them are secrets,
//! and builds its [`AccountSource`] from that table. Lifeline refuses unknown keys in the
//! table as it does everywhere else, redacts the secrets wherever settings are printed, and
//! wraps the source so that its own per-account state lives in its own database.
//!
//! The `lifeline` binary registers the plugins it was built with (cargo features); a host
//! embedding Lifeline passes its own list to `Lifeline::build_with_plugins`.

use std::fmt;
use std::sync::Arc;

use figment::value::{Dict, Value};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{AccountSource, BoxError};
use crate::config::{ConfigError, Mode, Problem, SecretString};

/// One key of a plugin's settings table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PluginSetting {
    /// The key inside `[directory.<kind>]`, e.g. `"bind_password"`.
    pub key: &'static str,
    /// Printed as `***` and never logged.
    pub secret: bool,
}

/// A plugin's settings table, `[directory.<kind>]`, merged from every layer (defaults, the
/// TOML file, `LIFELINE_DIRECTORY__<KIND>__<KEY>` variables).
///
/// Printed (`Debug`, and serialised as `lifeline config check` prints the settings) with the
/// values of the plugin's secret keys as `***`; until the plugin is known, every value is.
#[derive(Clone)]
pub struct PluginSettings {
    kind: String,
    table: Dict,
    plugin: Option<&'static dyn DirectoryPlugin>,
}

impl PluginSettings {
    /// The table of `kind`, not yet tied to its plugin.
    pub(crate) fn new(kind: String, table: Dict) -> Self {
        Self {
            kind,
            table,
            plugin: None,
        }
    }

    /// Ties the table to the plugin of its kind: its secret keys are then the ones redacted.
    pub(crate) fn attach(&mut self, plugin: &'static dyn DirectoryPlugin) {
        self.plugin = Some(plugin);
    }

    /// The plugin the table was tied to, if any.
    pub(crate) fn plugin(&self) -> Option<&'static dyn DirectoryPlugin> {
        self.plugin
    }

    /// The plugin's kind, the table's name inside `[directory]`.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The keys set in the table.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.table.keys().map(String::as_str)
    }

    /// The table as the plugin's own settings type (which should refuse unknown fields).
    /// The error names each wrong key by its full name and variable and never shows a
    /// secret's value.
    pub fn extract<T: DeserializeOwned>(&self) -> Result<T, BoxError> {
        figment::Figment::from(figment::providers::Serialized::defaults(&self.table))
            .extract()
            .map_err(|error| {
                let prefix = format!("directory.{}", self.kind);
                let problems =
                    crate::config::table_problems(error, &prefix, |key| self.is_secret(key));
                match ConfigError::from_problems(problems) {
                    Some(error) => Box::new(error) as BoxError,
                    None => format!("[{prefix}] could not be read").into(),
                }
            })
    }

    /// The full name of one of the table's keys, for messages: `directory.ldap.url`.
    pub fn key(&self, key: &str) -> String {
        format!("directory.{}.{key}", self.kind)
    }

    /// The error of a [`DirectoryPlugin::build`] that refuses the value of `key` (a key of the
    /// table, `"url"`) because of `why`: Lifeline reports it like its own settings' problems,
    /// `directory.ldap.url (LIFELINE_DIRECTORY__LDAP__URL): <why>`.
    pub fn invalid(&self, key: &str, why: impl Into<String>) -> BoxError {
        let problem = Problem::setting(&self.key(key), why);
        match ConfigError::from_problems(vec![problem]) {
            Some(error) => Box::new(error),
            None => format!("{}: invalid", self.key(key)).into(),
        }
    }

    /// The secret keys whose value is the `***` placeholder printed in its place.
    pub(crate) fn placeholder_secrets(&self) -> Vec<&str> {
        self.table
            .iter()
            .filter(|(key, value)| {
                self.is_secret(key) && value.as_str() == Some(SecretString::REDACTED)
            })
            .map(|(key, _)| key.as_str())
            .collect()
    }

    /// Whether the value of `key` is printed as `***`: the plugin's secrets, keys the plugin
    /// does not have, and every key while the plugin is not known.
    fn is_secret(&self, key: &str) -> bool {
        self.plugin.is_none_or(|plugin| {
            !plugin
                .settings()
                .iter()
                .any(|setting| setting.key == key && !setting.secret)
        })
    }

    /// The table with every secret value replaced by `***`.
    fn redacted(&self) -> Dict {
        let hidden = || Value::from(SecretString::REDACTED.to_owned());
        self.table
            .iter()
            .map(|(key, value)| {
                let shown = if self.is_secret(key) {
                    hidden()
                } else {
                    value.clone()
                };
                (key.clone(), shown)
            })
            .collect()
    }
}

impl fmt::Debug for PluginSettings {
    /// The kind and the table, secrets as `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PluginSettings")
            .field("kind", &self.kind)
            .field("table", &self.redacted())
            .finish()
    }
}

impl Serialize for PluginSettings {
    /// The table, secrets as `***` (which the settings refuse as a value, like every other
    /// placeholder for a secret, once the plugin checks it).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.redacted().serialize(serializer)
    }
}

/// A `directory.kind` provided by another crate.
pub trait DirectoryPlugin: Send + Sync {
    /// The value of `directory.kind` that selects it, and the name of its settings table:
    /// lowercase ASCII letters, digits and `_`.
    fn kind(&self) -> &'static str;

    /// Every key of its settings table.
    fn settings(&self) -> &'static [PluginSetting];

    /// Checks the settings for `mode` without contacting anything (what `lifeline config
    /// check` runs: production refuses what development allows, such as an unencrypted
    /// connection) and builds the source. Errors name the key: [`PluginSettings::invalid`]
    /// (reported like Lifeline's own settings, with the key's variable), or a message using
    /// [`PluginSettings::key`].
    ///
    /// Lifeline calls it more than once (validation, then building the directory) and may
    /// call it, and drop what it returns, on an async runtime's thread: start nothing here
    /// that cannot be dropped there (a tokio runtime of the source's own is created on first
    /// use, or in [`AccountSource::check`], not here).
    fn build(
        &self,
        settings: &PluginSettings,
        mode: Mode,
    ) -> Result<Arc<dyn AccountSource>, BoxError>;
}
