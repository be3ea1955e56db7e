//! [`PLUGIN`]: how Lifeline finds this crate's `directory.kind = "ldap"`.

use std::sync::Arc;

use lifeline::{AccountSource, BoxError, DirectoryPlugin, Mode, PluginSetting, PluginSettings};

use crate::settings::{LdapSettings, SETTING_KEYS};
use crate::source::{KIND, LdapSource};

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
        let source = LdapSource::new(ldap, mode)
            .map_err(|error| format!("{}: {error}", settings.key(error.key())))?;
        Ok(Arc::new(source))
    }
}
