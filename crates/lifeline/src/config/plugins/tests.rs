//! A small directory plugin with a secret, registered as the `lifeline` binary and hosts
//! register theirs, and what the settings do with its kind, table and variables.

#![expect(
    clippy::result_large_err,
    reason = "figment::Jail's closures return figment::Error"
)]

use std::cell::RefCell;
use std::path::Path;
use std::sync::Arc;

use figment::Jail;
use serde::Deserialize;

use crate::config::{ConfigError, Mode, Settings};
use crate::directory::test_source::TestSource;
use crate::directory::{AccountSource, BoxError, DirectoryPlugin, PluginSetting, PluginSettings};

/// `directory.kind = "testdir"`: an endpoint, a secret token and a timeout.
struct TestPlugin;

static TEST_PLUGIN: TestPlugin = TestPlugin;
const PLUGINS: &[&dyn DirectoryPlugin] = &[&TEST_PLUGIN];

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestSettings {
    endpoint: String,
    api_token: String,
    #[serde(default = "default_timeout")]
    timeout_ms: u64,
}

fn default_timeout() -> u64 {
    1000
}

thread_local! {
    /// What the last `build` on this thread extracted.
    static EXTRACTED: RefCell<Option<TestSettings>> = const { RefCell::new(None) };
}

impl DirectoryPlugin for TestPlugin {
    fn kind(&self) -> &'static str {
        "testdir"
    }

    fn settings(&self) -> &'static [PluginSetting] {
        &[
            PluginSetting {
                key: "endpoint",
                secret: false,
            },
            PluginSetting {
                key: "api_token",
                secret: true,
            },
            PluginSetting {
                key: "timeout_ms",
                secret: false,
            },
        ]
    }

    fn build(
        &self,
        settings: &PluginSettings,
        mode: Mode,
    ) -> Result<Arc<dyn AccountSource>, BoxError> {
        let extracted: TestSettings = settings.extract()?;
        EXTRACTED.with(|slot| *slot.borrow_mut() = Some(extracted.clone()));
        if extracted.timeout_ms == 0 {
            return Err(settings.invalid("timeout_ms", "must be at least 1"));
        }
        if mode == Mode::Production && !extracted.endpoint.starts_with("https://") {
            return Err(settings.invalid("endpoint", "must be https:// in production"));
        }
        // A source the tests here never reach.
        Ok(Arc::new(TestSource::new(true)))
    }
}

const TABLE: &str = "[directory]\nkind = \"testdir\"\n\n[directory.testdir]\n";

fn load(jail: &mut Jail, toml: &str) -> Result<Settings, ConfigError> {
    jail.create_file("lifeline.toml", toml)
        .expect("write config");
    Settings::load_with_plugins(Some(Path::new("lifeline.toml")), PLUGINS)
}

fn subjects(error: &ConfigError) -> Vec<&str> {
    error.problems().iter().map(|p| p.subject()).collect()
}

#[test]
fn the_table_and_its_variables_reach_the_plugins_extract() {
    Jail::expect_with(|jail| {
        jail.set_env("LIFELINE_DIRECTORY__TESTDIR__API_TOKEN", "from-env");
        jail.set_env("LIFELINE_DIRECTORY__TESTDIR__TIMEOUT_MS", "250");
        let toml = format!("{TABLE}endpoint = \"https://dir.example\"\ntimeout_ms = 9\n");
        let settings = load(jail, &toml).expect("loads");
        assert_eq!(settings.directory.kind.as_str(), "testdir", "{settings:?}");
        let extracted = EXTRACTED.with(|slot| slot.borrow_mut().take());
        assert_eq!(
            extracted,
            Some(TestSettings {
                endpoint: "https://dir.example".into(),
                api_token: "from-env".into(),
                timeout_ms: 250,
            })
        );
        Ok(())
    });
}

#[test]
fn a_key_the_plugin_does_not_have_is_refused_by_its_full_name() {
    Jail::expect_with(|jail| {
        let toml = format!("{TABLE}endpiont = \"https://dir.example\"\napi_token = \"t\"\n");
        let error = load(jail, &toml).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid configuration: directory.testdir.endpiont \
             (LIFELINE_DIRECTORY__TESTDIR__ENDPIONT): no such setting; did you mean \
             directory.testdir.endpoint?"
        );
        Ok(())
    });
}

#[test]
fn a_misspelt_variable_of_the_plugin_gets_what_was_meant() {
    Jail::expect_with(|jail| {
        jail.set_env("LIFELINE_DIRECTORY__TESTDIR__API_TOKN", "t");
        let error = load(jail, TABLE).unwrap_err().to_string();
        assert!(
            error.contains(
                "environment variable LIFELINE_DIRECTORY__TESTDIR__API_TOKN: names no setting; \
                 did you mean LIFELINE_DIRECTORY__TESTDIR__API_TOKEN?"
            ),
            "{error}"
        );
        Ok(())
    });
}

#[test]
fn the_plugins_variables_are_settings_only_where_the_plugin_is_registered() {
    Jail::expect_with(|jail| {
        jail.set_env("LIFELINE_DIRECTORY__TESTDIR__API_TOKEN", "t");
        assert!(Settings::check_environment_with_plugins(PLUGINS).is_ok());
        let error = Settings::check_environment().unwrap_err().to_string();
        assert!(
            error.contains("LIFELINE_DIRECTORY__TESTDIR__API_TOKEN: names no setting"),
            "{error}"
        );
        Ok(())
    });
}

#[test]
fn the_plugins_secret_prints_as_stars_wherever_the_settings_are_printed() {
    Jail::expect_with(|jail| {
        jail.set_env("LIFELINE_DIRECTORY__TESTDIR__API_TOKEN", "hunter2-token");
        let toml = format!("{TABLE}endpoint = \"https://dir.example\"\n");
        let settings = load(jail, &toml).expect("loads");
        let debug = format!("{settings:?}");
        let json = serde_json::to_string(&settings).expect("serialises");
        let printed = toml::to_string(&settings).expect("prints as TOML");
        for shown in [&debug, &json, &printed] {
            assert!(!shown.contains("hunter2-token"), "{shown}");
            assert!(shown.contains("https://dir.example"), "{shown}");
        }
        assert!(
            json.contains(r#""testdir":{"api_token":"***","endpoint":"https://dir.example"}"#),
            "{json}"
        );
        assert!(
            printed.contains("[directory.testdir]\napi_token = \"***\"\n"),
            "{printed}"
        );
        Ok(())
    });
}

#[test]
fn printed_settings_load_again_once_the_plugins_secret_is_supplied() {
    Jail::expect_with(|jail| {
        let toml = format!("{TABLE}endpoint = \"https://dir.example\"\napi_token = \"t0k\"\n");
        let printed = toml::to_string(&load(jail, &toml).expect("loads")).expect("prints");
        let error = load(jail, &printed).unwrap_err();
        assert_eq!(
            subjects(&error),
            ["directory.testdir.api_token (LIFELINE_DIRECTORY__TESTDIR__API_TOKEN)"],
            "{error}"
        );
        assert!(error.to_string().contains("placeholder"), "{error}");
        jail.set_env("LIFELINE_DIRECTORY__TESTDIR__API_TOKEN", "t0k");
        let again = load(jail, &printed).expect("loads with the secret supplied");
        assert_eq!(toml::to_string(&again).expect("prints"), printed);
        Ok(())
    });
}

#[test]
fn until_its_plugin_is_known_every_value_of_the_table_is_hidden() {
    Jail::expect_with(|jail| {
        let toml = format!("{TABLE}endpoint = \"https://dir.example\"\napi_token = \"t0k\"\n");
        jail.create_file("lifeline.toml", &toml)?;
        let settings: Settings = Settings::figment(Some(Path::new("lifeline.toml"))).extract()?;
        let debug = format!("{settings:?}");
        assert!(
            !debug.contains("t0k") && !debug.contains("dir.example"),
            "{debug}"
        );
        Ok(())
    });
}

#[test]
fn a_kind_no_registered_plugin_provides_is_refused_with_the_feature_to_build() {
    Jail::expect_with(|jail| {
        jail.create_file("lifeline.toml", "[directory]\nkind = \"testdir\"\n")?;
        let error = Settings::load(Some(Path::new("lifeline.toml"))).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid configuration: directory.kind (LIFELINE_DIRECTORY__KIND): \
             directory.kind = \"testdir\" is not built into this lifeline (build it with the \
             testdir feature)"
        );
        jail.set_env("LIFELINE_DIRECTORY__KIND", "sqll");
        let error = Settings::load(None).unwrap_err().to_string();
        assert!(error.ends_with("; did you mean \"sql\"?"), "{error}");
        Ok(())
    });
}

#[test]
fn the_plugins_own_refusal_names_its_key_and_variable() {
    Jail::expect_with(|jail| {
        let toml = format!(
            "{TABLE}endpoint = \"https://dir.example\"\napi_token = \"t\"\ntimeout_ms = 0\n"
        );
        let error = load(jail, &toml).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid configuration: directory.testdir.timeout_ms \
             (LIFELINE_DIRECTORY__TESTDIR__TIMEOUT_MS): must be at least 1"
        );
        Ok(())
    });
}

#[test]
fn a_wrong_type_for_the_plugins_secret_is_refused_without_showing_it() {
    Jail::expect_with(|jail| {
        let toml = format!("{TABLE}endpoint = \"https://dir.example\"\napi_token = 987654321\n");
        let error = load(jail, &toml).unwrap_err();
        assert_eq!(
            subjects(&error),
            ["directory.testdir.api_token (LIFELINE_DIRECTORY__TESTDIR__API_TOKEN)"],
            "{error}"
        );
        assert!(!error.to_string().contains("987654321"), "{error}");
        let toml = format!("{TABLE}api_token = \"t\"\n");
        let error = load(jail, &toml).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid configuration: directory.testdir.endpoint \
             (LIFELINE_DIRECTORY__TESTDIR__ENDPOINT): is required"
        );
        Ok(())
    });
}

#[test]
fn the_table_of_another_kind_and_unknown_directory_keys_are_refused() {
    Jail::expect_with(|jail| {
        let stray = "[directory]\nkind = \"builtin\"\n[directory.testdir]\nendpoint = \"x\"\n";
        let error = load(jail, stray).unwrap_err().to_string();
        assert!(
            error.contains(
                "[directory.testdir] is the table of directory.kind = \"testdir\", but \
                 directory.kind is \"builtin\""
            ),
            "{error}"
        );
        let error = load(jail, "[directory]\ntabel = \"users\"\n").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("directory.tabel: no such setting; did you mean directory.table?"),
            "{error}"
        );
        jail.set_env("LIFELINE_DIRECTORY__TABEL", "users");
        let error = load(jail, "").unwrap_err().to_string();
        assert!(
            error.contains("did you mean LIFELINE_DIRECTORY__TABLE?"),
            "{error}"
        );
        Ok(())
    });
}

#[test]
fn the_built_in_kinds_read_as_before_and_have_no_table() {
    Jail::expect_with(|jail| {
        let settings =
            load(jail, "[directory]\nkind = \"sql\"\ntable = \"people\"\n").expect("loads");
        assert_eq!(settings.directory.kind.as_str(), "sql");
        assert_eq!(settings.directory.table.as_deref(), Some("people"));
        assert!(settings.directory.plugin_settings().is_none());
        let printed = toml::to_string(&settings).expect("prints");
        assert!(
            printed.contains("[directory]\nkind = \"sql\"\ntable = \"people\"\n"),
            "{printed}"
        );
        Ok(())
    });
}
