//! `docs/configuration.md` against the code: every key the settings accept is documented
//! with its environment variable, every documented key is accepted, and every default in
//! the document is the compiled-in one.

use std::collections::{BTreeMap, BTreeSet};

use figment::Figment;
use figment::error::Kind;
use figment::providers::{Format, Toml};
use lifeline::{DEFAULTS_TOML, Settings};
use serde_json::{Value, json};

const DOC: &str = include_str!("../../../../docs/configuration.md");

/// One documented key: its environment variable and default cell.
struct Documented {
    env: String,
    default: String,
}

/// The rows of the document's key tables: `| `key` | `ENV` | default | meaning |`.
fn documented() -> BTreeMap<String, Documented> {
    let mut keys = BTreeMap::new();
    // The LDAP plugin's keys are its own: crates/directory-ldap checks its rows
    // (`documented_keys_are_the_plugins_keys`).
    for line in DOC
        .lines()
        .filter(|l| l.starts_with("| `") && !l.starts_with("| `directory.ldap."))
    {
        let cells: Vec<&str> = line.split(" | ").map(str::trim).collect();
        assert!(cells.len() >= 4, "a row without four cells: {line}");
        let key = cells[0]
            .trim_start_matches("| ")
            .trim_matches('`')
            .to_owned();
        let entry = Documented {
            env: cells[1].trim_matches('`').to_owned(),
            default: cells[2].to_owned(),
        };
        assert!(
            keys.insert(key.clone(), entry).is_none(),
            "{key} documented twice"
        );
    }
    keys
}

/// Every leaf key of defaults.toml with its value.
fn defaults() -> BTreeMap<String, Value> {
    fn walk(prefix: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
        match value.as_object() {
            Some(table) => {
                for (key, value) in table {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&path, value, out);
                }
            }
            None => {
                out.insert(prefix.to_owned(), value.clone());
            }
        }
    }
    let value: Value = Figment::from(Toml::string(DEFAULTS_TOML))
        .extract()
        .unwrap();
    let mut out = BTreeMap::new();
    walk("", &value, &mut out);
    out
}

/// The fields the settings structs accept in the table at `path` ("" is the top level),
/// read from the settings themselves: an unknown key is injected there, and serde's
/// refusal names every field it would have accepted.
fn accepted_fields(path: &str, setup: impl FnOnce(Figment) -> Figment) -> Vec<String> {
    let probe = if path.is_empty() {
        "zz_probe".to_owned()
    } else {
        format!("{path}.zz_probe")
    };
    let figment = setup(Settings::figment(None)).merge((probe, 1));
    let error = figment
        .extract::<Settings>()
        .expect_err("the probe key is refused");
    match error.kind {
        Kind::UnknownField(field, expected) => {
            assert_eq!(field, "zz_probe", "{path}");
            expected.iter().map(|f| (*f).to_owned()).collect()
        }
        other => panic!("probing {path:?} gave {other:?}"),
    }
}

/// Every key the settings accept, found by walking the tables of defaults.toml and probing
/// each (the SMTP transport's keys are probed with `kind = "smtp"`).
fn accepted_keys() -> BTreeSet<String> {
    let defaults: Value = Figment::from(Toml::string(DEFAULTS_TOML))
        .extract()
        .unwrap();
    let mut keys = BTreeSet::new();
    let mut tables = vec![String::new()];
    while let Some(path) = tables.pop() {
        let fields = if path == "mail.transport" {
            keys.insert("mail.transport.kind".to_owned());
            accepted_fields(&path, |f| {
                f.merge((
                    "mail.transport",
                    json!({"kind": "smtp", "host": "relay.example"}),
                ))
            })
        } else {
            accepted_fields(&path, |f| f)
        };
        for field in fields {
            let full = if path.is_empty() {
                field
            } else {
                format!("{path}.{field}")
            };
            let pointer = format!("/{}", full.replace('.', "/"));
            if defaults.pointer(&pointer).is_some_and(Value::is_object) {
                tables.push(full);
            } else {
                keys.insert(full);
            }
        }
    }
    keys
}

fn env_var(key: &str) -> String {
    format!("LIFELINE_{}", key.replace('.', "__").to_ascii_uppercase())
}

#[test]
fn every_accepted_key_is_documented_and_every_documented_key_accepted() {
    // Arrange
    let accepted = accepted_keys();
    let documented: BTreeSet<String> = documented().into_keys().collect();

    // Act
    let undocumented: Vec<&String> = accepted.difference(&documented).collect();
    let unknown: Vec<&String> = documented.difference(&accepted).collect();

    // Assert
    assert!(
        accepted.len() > 40,
        "the probe found too few keys: {accepted:?}"
    );
    assert!(
        undocumented.is_empty(),
        "keys missing from docs/configuration.md: {undocumented:?}"
    );
    assert!(
        unknown.is_empty(),
        "documented keys the settings refuse: {unknown:?}"
    );
}

#[test]
fn every_key_of_the_defaults_file_is_documented_with_its_default() {
    let documented = documented();
    for (key, value) in defaults() {
        let row = documented
            .get(&key)
            .unwrap_or_else(|| panic!("{key} (in defaults.toml) is not documented"));
        let expected = format!("`{}`", serde_json::to_string(&value).unwrap());
        assert_eq!(row.default, expected, "the documented default of {key}");
    }
}

#[test]
fn keys_without_a_compiled_in_default_say_so_or_name_the_effective_one() {
    let defaults = defaults();
    for (key, row) in documented() {
        if !defaults.contains_key(&key) {
            assert!(
                row.default == "*unset*" || row.default.starts_with('`'),
                "{key}: {}",
                row.default
            );
        }
    }
}

#[test]
fn every_variable_that_is_not_a_setting_is_documented() {
    for (name, _) in lifeline::NOT_SETTINGS {
        assert!(
            DOC.contains(&format!("`{name}`")),
            "{name} is missing from docs/configuration.md"
        );
    }
}

#[test]
fn every_documented_environment_variable_follows_the_naming_rule() {
    for (key, row) in documented() {
        assert_eq!(row.env, env_var(&key), "{key}");
    }
}
