//! Every setting's dotted key (`server.public_url`, `mail.transport.host`, …), read from the
//! settings structs themselves rather than from a list kept by hand.
//!
//! serde names every field a struct would have accepted when it refuses an unknown one, so an
//! unknown key is put into each table in turn and the refusal is read: its fields are the keys
//! of that table, and a field that answers the same way when probed is a table itself. A field
//! whose value selects a variant (`mail.transport.kind`) is probed with each variant in turn,
//! so the SMTP transport's keys are found as well. The compiled-in defaults add the keys serde
//! does not list (an enum's tag).

use std::collections::BTreeSet;
use std::sync::LazyLock;

use figment::Figment;
use figment::error::Kind;
use figment::value::Value;

use super::Settings;

/// A key no setting has, put into a table to make serde list the ones it has.
const PROBE: &str = "zz_probe";

/// Every key the settings accept, dotted and lowercase.
pub(crate) fn setting_keys() -> &'static BTreeSet<String> {
    static KEYS: LazyLock<BTreeSet<String>> = LazyLock::new(discover);
    &KEYS
}

fn discover() -> BTreeSet<String> {
    let defaults = Settings::figment(None);
    let mut keys = default_leaves(&defaults);
    collect(&defaults, "", &mut keys);
    for key in keys.clone() {
        for variant in variants(&defaults, &key) {
            let chosen = defaults.clone().merge((key.as_str(), variant));
            collect(&chosen, parent(&key), &mut keys);
        }
    }
    keys
}

/// Adds the keys of the table at `path` and of every table below it.
fn collect(figment: &Figment, path: &str, keys: &mut BTreeSet<String>) {
    let Some(fields) = fields_of(figment, path) else {
        return;
    };
    for field in fields {
        let key = join(path, &field);
        if fields_of(figment, &key).is_some() {
            collect(figment, &key, keys);
        } else {
            keys.insert(key);
        }
    }
}

/// The fields the table at `path` accepts, or `None` when `path` is not a table.
fn fields_of(figment: &Figment, path: &str) -> Option<Vec<String>> {
    let probe = figment.clone().merge((join(path, PROBE), 1));
    match probe.extract::<Settings>().map_err(|error| error.kind) {
        Err(Kind::UnknownField(field, expected)) if field == PROBE => {
            Some(expected.iter().map(|name| (*name).to_owned()).collect())
        }
        _ => None,
    }
}

/// The variants a key selects between, when it is an enum's field or tag.
fn variants(figment: &Figment, key: &str) -> Vec<&'static str> {
    let probe = figment.clone().merge((key, PROBE));
    match probe.extract::<Settings>().map_err(|error| error.kind) {
        Err(Kind::UnknownVariant(variant, expected)) if variant == PROBE => expected.to_vec(),
        _ => Vec::new(),
    }
}

/// The leaf keys of the compiled-in defaults.
fn default_leaves(defaults: &Figment) -> BTreeSet<String> {
    fn walk(path: &str, value: &Value, keys: &mut BTreeSet<String>) {
        match value.as_dict() {
            Some(dict) => {
                for (name, value) in dict {
                    walk(&join(path, name), value, keys);
                }
            }
            None => {
                keys.insert(path.to_owned());
            }
        }
    }
    let mut keys = BTreeSet::new();
    if let Ok(value) = defaults.extract::<Value>() {
        walk("", &value, &mut keys);
    }
    keys
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

fn parent(key: &str) -> &str {
    key.rsplit_once('.').map_or("", |(parent, _)| parent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keys_come_from_the_settings_structs_including_optional_and_smtp_ones() {
        let keys = setting_keys();
        for key in [
            "mode",
            "server.public_url",
            "keys.token",
            "mail.message_id_domain",
            "mail.transport.kind",
            "mail.transport.host",
            "mail.transport.password",
            "mail.worker.lanes",
            "directory.table",
            "branding.logo_url",
        ] {
            assert!(keys.contains(key), "{key} is missing from {keys:?}");
        }
        for table in ["server", "mail", "mail.transport", "mail.worker"] {
            assert!(!keys.contains(table), "{table} is a table, not a setting");
        }
    }
}
