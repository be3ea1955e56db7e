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

use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::{AccountSource, BoxError};
use crate::config::Mode;

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
#[derive(Debug, Clone)]
pub struct PluginSettings {
    kind: &'static str,
    table: figment::value::Dict,
}

impl PluginSettings {
    #[allow(dead_code)] // called by the registration of plugins in configuration
    pub(crate) fn new(kind: &'static str, table: figment::value::Dict) -> Self {
        Self { kind, table }
    }

    /// The table as the plugin's own settings type (which should refuse unknown fields).
    pub fn extract<T: DeserializeOwned>(&self) -> Result<T, BoxError> {
        figment::Figment::from(figment::providers::Serialized::defaults(&self.table))
            .extract()
            .map_err(|error| format!("[directory.{}]: {error}", self.kind).into())
    }

    /// The full name of one of the table's keys, for messages: `directory.ldap.url`.
    pub fn key(&self, key: &str) -> String {
        format!("directory.{}.{key}", self.kind)
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
    /// connection) and builds the source. Errors name the key (`PluginSettings::key`).
    fn build(
        &self,
        settings: &PluginSettings,
        mode: Mode,
    ) -> Result<Arc<dyn AccountSource>, BoxError>;
}
