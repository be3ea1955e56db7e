//! Settings with directory plugins: `directory.kind = "<kind>"` and its table
//! `[directory.<kind>]`, read for a [`DirectoryPlugin`] registered by the binary or the host.
//!
//! The table is kept raw while the settings are read; registering the plugins ties it to the
//! plugin of its kind, whose keys the table and the `LIFELINE_DIRECTORY__<KIND>__<KEY>`
//! variables are checked against, whose secrets are redacted wherever the settings are
//! printed, and whose `build` the validation runs (it contacts nothing), so its errors show in
//! `lifeline config check`.

use std::path::Path;

use figment::Figment;

use super::error::{ConfigError, Problem, env_var};
use super::suggest::closest;
use super::{Settings, environment};
use crate::directory::{BUILT_IN_KINDS, DirectoryKind, DirectoryPlugin, PluginSettings};

impl Settings {
    /// Like [`Self::load`], with the directory kinds `plugins` provide: a `directory.kind`
    /// none of them (and no built-in kind) provides is refused.
    pub fn load_with_plugins(
        file: Option<&Path>,
        plugins: &[&'static dyn DirectoryPlugin],
    ) -> Result<Self, ConfigError> {
        Self::check_environment_with_plugins(plugins)?;
        Self::from_figment_with_plugins(Self::figment(file).merge(environment::provider()), plugins)
    }

    /// Like [`Self::check_environment`], also accepting the variables of every key of the
    /// plugins' tables (`LIFELINE_DIRECTORY__LDAP__URL`) and suggesting them for a misspelt one.
    pub fn check_environment_with_plugins(
        plugins: &[&'static dyn DirectoryPlugin],
    ) -> Result<(), ConfigError> {
        let keys = plugin_keys(plugins);
        let unknown = environment::unknown_variables(std::env::vars_os(), &keys);
        ConfigError::from_problems(unknown).map_or(Ok(()), Err)
    }

    /// Like [`Self::from_figment`], with the directory kinds `plugins` provide.
    pub fn from_figment_with_plugins(
        figment: Figment,
        plugins: &[&'static dyn DirectoryPlugin],
    ) -> Result<Self, ConfigError> {
        let mut settings: Settings = figment.extract()?;
        settings.register_plugins(plugins);
        settings.validate()?;
        Ok(settings)
    }

    /// Ties `[directory.<kind>]` to the plugin of the configured kind among `plugins`, if
    /// there is one: [`Self::validate`] then checks the table against it and runs its
    /// `build`, and the table's secrets are the plugin's. Settings read by
    /// [`Self::load_with_plugins`] are registered already; `Lifeline::build_with_plugins`
    /// registers the settings it is given.
    pub fn register_plugins(&mut self, plugins: &[&'static dyn DirectoryPlugin]) {
        let DirectoryKind::Plugin(kind) = &self.directory.kind else {
            return;
        };
        let found = plugins.iter().find(|plugin| plugin.kind() == kind);
        if let (Some(plugin), Some(table)) = (found, self.directory.plugin_settings_mut()) {
            table.attach(*plugin);
        }
    }
}

/// Every key of every plugin's table, dotted: `directory.ldap.url`.
fn plugin_keys(plugins: &[&'static dyn DirectoryPlugin]) -> Vec<String> {
    plugins
        .iter()
        .flat_map(|plugin| {
            let kind = plugin.kind();
            let keys = plugin.settings().iter();
            keys.map(move |setting| format!("directory.{kind}.{}", setting.key))
        })
        .collect()
}

/// What is wrong with the plugin kind `kind` and its table: no registered plugin provides
/// it, a key the plugin does not have, a secret left as the `***` placeholder, or whatever
/// the plugin's `build` refuses.
pub(super) fn problems(settings: &Settings, kind: &str, found: &mut Vec<Problem>) {
    let table = settings.directory.plugin_settings();
    let Some((table, plugin)) = table.and_then(|table| Some((table, table.plugin()?))) else {
        found.push(Problem::setting("directory.kind", not_built_in(kind)));
        return;
    };
    let before = found.len();
    let known: Vec<&str> = plugin
        .settings()
        .iter()
        .map(|setting| setting.key)
        .collect();
    for key in table.keys() {
        if !known.contains(&key) {
            let why = match closest(key, known.iter().copied()) {
                Some(meant) => format!("no such setting; did you mean {}?", table.key(meant)),
                None => format!(
                    "no such setting ([directory.{kind}] has: {})",
                    known.join(", ")
                ),
            };
            found.push(Problem::setting(&table.key(key), why));
        }
    }
    for key in table.placeholder_secrets() {
        found.push(Problem::setting(&table.key(key), placeholder(table, key)));
    }
    if found.len() == before
        && let Err(error) = plugin.build(table, settings.mode)
    {
        match error.downcast_ref::<ConfigError>() {
            Some(refused) => found.extend(refused.problems().iter().cloned()),
            None => found.push(Problem::in_settings_file(
                &format!("[directory.{kind}]"),
                error.to_string(),
            )),
        }
    }
}

/// The refusal of a kind that is neither built in nor provided by a registered plugin.
fn not_built_in(kind: &str) -> String {
    let mut why = format!(
        "directory.kind = \"{kind}\" is not built into this lifeline (build it with the {kind} \
         feature)"
    );
    if let Some(meant) = closest(kind, BUILT_IN_KINDS.into_iter()) {
        why.push_str(&format!("; did you mean \"{meant}\"?"));
    }
    why
}

fn placeholder(table: &PluginSettings, key: &str) -> String {
    format!(
        "is the placeholder \"***\" that `lifeline config check` prints instead of a secret; \
         set the real value (for example in {})",
        env_var(&table.key(key))
    )
}

#[cfg(test)]
mod tests;
