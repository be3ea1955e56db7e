//! The `LIFELINE_` environment variables: each must name a setting or be one of the few
//! variables that are not settings, so a misspelt one stops start-up instead of being ignored.

use std::ffi::OsString;

use figment::providers::Env;

use super::error::{Problem, env_var};
use super::known_keys::setting_keys;
use super::suggest::closest;

/// The prefix of every variable Lifeline reads.
const PREFIX: &str = "LIFELINE_";

/// Variables that start with `LIFELINE_` but are not settings, with what each is for. They are
/// never read as settings and never refused (docs/configuration.md lists them).
pub const NOT_SETTINGS: [(&str, &str); 10] = [
    (
        "LIFELINE_CONFIG",
        "the TOML configuration file (the `--config` option of `lifeline`)",
    ),
    (
        "LIFELINE_TEST_MYSQL_URL",
        "tests: the MariaDB/MySQL server the test suites create their databases on",
    ),
    (
        "LIFELINE_REQUIRE_MYSQL",
        "tests: `1` makes a MySQL case that cannot run fail instead of being skipped",
    ),
    (
        "LIFELINE_TEST_POSTGRES_URL",
        "tests: the PostgreSQL server the test suites create their databases on",
    ),
    (
        "LIFELINE_REQUIRE_POSTGRES",
        "tests: `1` makes a PostgreSQL case that cannot run fail instead of being skipped",
    ),
    (
        "LIFELINE_REQUIRE_BROWSER",
        "tests: `1` makes a browser test fail instead of skipping without Chromium",
    ),
    (
        "LIFELINE_REQUIRE_LDAP",
        "tests: `1` makes an LDAP test fail instead of being skipped without slapd",
    ),
    (
        "LIFELINE_SCREENSHOT_DIR",
        "tests: where the browser tests keep their screenshots",
    ),
    (
        "LIFELINE_BENCH_MYSQL_URL",
        "benchmarks: the MariaDB server the load harness measures",
    ),
    (
        "LIFELINE_BENCH_POSTGRES_URL",
        "benchmarks: the PostgreSQL server the load harness measures",
    ),
];

/// The settings in the environment: `LIFELINE_SECTION__KEY`, `LIFELINE_MODE`, everything with
/// the prefix except [`NOT_SETTINGS`]. A variable that names no setting reaches the settings
/// as an unknown key and is refused there; [`unknown_variables`] says so first, more clearly.
pub(crate) fn provider() -> Env {
    Env::prefixed(PREFIX)
        .filter(|key| !is_not_a_setting(&format!("{PREFIX}{key}")))
        .split("__")
}

/// Every `LIFELINE_` variable in `vars` that names no setting, with a suggestion when one is
/// close (`LIFELINE_MDOE` → `LIFELINE_MODE`, `LIFELINE_SERVER_PUBLIC_URL` →
/// `LIFELINE_SERVER__PUBLIC_URL`).
/// `plugin_keys` are the keys of the registered plugins' tables (`directory.ldap.url`), which
/// are settings too.
pub(crate) fn unknown_variables(
    vars: impl Iterator<Item = (OsString, OsString)>,
    plugin_keys: &[String],
) -> Vec<Problem> {
    let mut names: Vec<String> = vars
        .map(|(name, _)| name.to_string_lossy().trim().to_owned())
        .filter(|name| {
            has_prefix(name) && !is_not_a_setting(name) && !names_a_setting(name, plugin_keys)
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| refusal(&name, plugin_keys))
        .collect()
}

fn refusal(name: &str, plugin_keys: &[String]) -> Problem {
    let known: Vec<String> = setting_keys()
        .iter()
        .chain(plugin_keys)
        .map(|key| env_var(key))
        .collect();
    let candidates = known
        .iter()
        .map(String::as_str)
        .chain(NOT_SETTINGS.iter().map(|(name, _)| *name));
    let message = match closest(name, candidates) {
        Some(meant) => format!("names no setting; did you mean {meant}?"),
        None => "names no setting (see docs/configuration.md for every variable)".to_owned(),
    };
    Problem::variable(name, message)
}

fn has_prefix(name: &str) -> bool {
    name.get(..PREFIX.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(PREFIX))
}

fn is_not_a_setting(name: &str) -> bool {
    NOT_SETTINGS
        .iter()
        .any(|(allowed, _)| allowed.eq_ignore_ascii_case(name))
}

/// Read as figment reads it: the prefix removed, lowercase, `__` between the parts.
fn names_a_setting(name: &str, plugin_keys: &[String]) -> bool {
    let key = name[PREFIX.len()..].to_ascii_lowercase().replace("__", ".");
    setting_keys().contains(&key) || plugin_keys.contains(&key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(names: &[&str]) -> Vec<String> {
        let vars = names
            .iter()
            .map(|name| (OsString::from(name), OsString::from("x")));
        unknown_variables(vars, &[])
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn settings_variables_that_are_not_settings_and_other_programs_variables_pass() {
        let passing = unknown(&[
            "LIFELINE_MODE",
            "LIFELINE_SERVER__PUBLIC_URL",
            "lifeline_log__filter",
            "LIFELINE_MAIL__TRANSPORT__PASSWORD",
            "LIFELINE_CONFIG",
            "LIFELINE_TEST_MYSQL_URL",
            "LIFELINE_REQUIRE_MYSQL",
            "LIFELINE_REQUIRE_BROWSER",
            "LIFELINE_SCREENSHOT_DIR",
            "LIFELINE_BENCH_MYSQL_URL",
            "LIFELINE_TEST_POSTGRES_URL",
            "LIFELINE_REQUIRE_POSTGRES",
            "LIFELINE_REQUIRE_LDAP",
            "LIFELINE_BENCH_POSTGRES_URL",
            "PATH",
            "LIFELINEX",
        ]);
        assert!(passing.is_empty(), "{passing:?}");
    }

    #[test]
    fn misspelt_variables_are_named_with_what_was_meant() {
        let refused = unknown(&[
            "LIFELINE_MDOE",
            "LIFELINE_SERVER_PUBLIC_URL",
            "LIFELINE_SERVER__",
        ]);
        assert_eq!(refused.len(), 3, "{refused:?}");
        assert!(
            refused[0].contains("LIFELINE_MDOE")
                && refused[0].contains("did you mean LIFELINE_MODE?")
        );
        assert!(
            refused[1].contains("did you mean LIFELINE_SERVER__PUBLIC_URL?"),
            "{refused:?}"
        );
        assert!(
            refused[2].contains("LIFELINE_SERVER__: names no setting"),
            "{refused:?}"
        );
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail's closures return figment::Error"
    )]
    fn every_variable_that_is_not_a_setting_is_kept_out_of_the_settings() {
        figment::Jail::expect_with(|jail| {
            for (name, _) in NOT_SETTINGS {
                jail.set_env(name, "1");
            }
            let data = figment::Figment::from(provider()).extract::<figment::value::Value>()?;
            assert!(
                data.as_dict().is_none_or(|dict| dict.is_empty()),
                "{data:?}"
            );
            Ok(())
        });
    }
}
