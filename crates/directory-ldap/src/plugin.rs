//! [`PLUGIN`]: how Lifeline finds this crate's `directory.kind = "ldap"`.

use std::sync::Arc;

use lifeline::{AccountSource, BoxError, DirectoryPlugin, Mode, PluginSetting, PluginSettings};

use crate::settings::{LdapSettings, SETTING_KEYS};
use crate::source::{BuildError, KIND, LdapSource};

/// The LDAP directory plugin: register it with Lifeline (the `lifeline` binary's `ldap`
/// feature does) to make `directory.kind = "ldap"` available.
pub static PLUGIN: LdapPlugin = LdapPlugin;

/// The type of [`PLUGIN`].
#[derive(Debug, Clone, Copy, Default)]
pub struct LdapPlugin;

impl DirectoryPlugin for LdapPlugin {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn settings(&self) -> &'static [PluginSetting] {
        SETTING_KEYS
    }

    fn build(
        &self,
        settings: &PluginSettings,
        mode: Mode,
    ) -> Result<Arc<dyn AccountSource>, BoxError> {
        let ldap: LdapSettings = settings.extract()?;
        // Reported like Lifeline's own settings' problems: the full key, its variable, why.
        let source = LdapSource::new(ldap, mode).map_err(|error| {
            let why = match &error {
                BuildError::Settings(problem) => problem.message.clone(),
                BuildError::Tls(tls) => tls.to_string(),
                other => other.to_string(),
            };
            settings.invalid(error.key(), why)
        })?;
        Ok(Arc::new(source))
    }
}
