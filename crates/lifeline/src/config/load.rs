//! Layered loading: compiled-in defaults → optional TOML file → environment.

use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Toml};

use super::error::ConfigError;
use super::{Settings, environment, validate};

/// The compiled-in defaults, also the reference for every key.
pub const DEFAULTS_TOML: &str = include_str!("../../config/defaults.toml");

impl Settings {
    /// Loads defaults, then `file` if given, then the `LIFELINE_` variables.
    ///
    /// A `LIFELINE_` variable that names no setting is refused (with the setting it probably
    /// meant), except the few in [`NOT_SETTINGS`](super::NOT_SETTINGS), which are never
    /// read as settings. The result is [`validated`](Self::validate).
    /// Only the built-in directory kinds are known; see [`Self::load_with_plugins`].
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_with_plugins(file, &[])
    }

    /// Defaults, then `file`, without the environment (for tests and `config check`).
    pub fn figment(file: Option<&Path>) -> Figment {
        let mut figment = Figment::from(Toml::string(DEFAULTS_TOML));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment
    }

    /// The `LIFELINE_` variables as a provider, for a host that merges its own defaults
    /// (say, `server.base_path`) before the environment:
    /// `Settings::from_figment(Settings::figment(None).merge(…).merge(Settings::environment()))`.
    /// Call [`Self::check_environment`] first for the clearest message about a misspelt one.
    pub fn environment() -> Env {
        environment::provider()
    }

    /// Refuses every `LIFELINE_` variable in the process environment that names no setting
    /// and is not one of [`NOT_SETTINGS`](super::NOT_SETTINGS), naming each with the
    /// variable it probably meant (`LIFELINE_MDOE`: did you mean `LIFELINE_MODE`?).
    pub fn check_environment() -> Result<(), ConfigError> {
        Self::check_environment_with_plugins(&[])
    }

    /// Extracts and validates the settings from a prepared figment.
    /// Only the built-in directory kinds are known; see [`Self::from_figment_with_plugins`].
    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        Self::from_figment_with_plugins(figment, &[])
    }

    /// Every rule the service checks at start-up before it uses a setting, each problem named
    /// by its setting and environment variable: consistency, production's refusals of
    /// development conveniences, the database URL's scheme, the keys, the sender, branding,
    /// SMTP and worker settings, template overrides, the directory's names or its plugin's
    /// table (checked by the plugin's `build`, once it is registered), the log filter.
    /// `lifeline config check` and the service's start-up both run it.
    pub fn validate(&self) -> Result<(), ConfigError> {
        ConfigError::from_problems(validate::problems(self)).map_or(Ok(()), Err)
    }
}

/// A base path is spliced unescaped into links, redirects and the cookie path,
/// so it may hold only characters that need no escaping anywhere: it is empty,
/// or `/segment(/segment)*` of unreserved URL characters, with no empty, `.`
/// or `..` segment (which a browser would resolve to somewhere else).
pub fn is_valid_base_path(path: &str) -> bool {
    if path.is_empty() {
        return true;
    }
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    path.len() <= 128
        && rest.split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
        })
}

#[cfg(test)]
#[expect(
    clippy::result_large_err,
    reason = "figment::Jail's closures return figment::Error"
)]
mod tests {
    use figment::Jail;

    use super::*;
    use crate::config::{Mode, SECRET_KEYS};

    fn with_file(jail: &mut Jail, toml: &str) -> Result<Settings, ConfigError> {
        jail.create_file("lifeline.toml", toml)
            .expect("write config");
        Settings::load(Some(Path::new("lifeline.toml")))
    }

    #[test]
    fn the_defaults_alone_are_a_valid_development_configuration() {
        Jail::expect_with(|_| {
            let settings = Settings::load(None).expect("defaults load");
            assert_eq!(settings.mode, Mode::Development);
            assert_eq!(settings.tokens.reset_lifetime_secs, 1800);
            Ok(())
        });
    }

    #[test]
    fn environment_variables_override_the_file() {
        Jail::expect_with(|jail| {
            jail.set_env("LIFELINE_SERVER__PUBLIC_URL", "https://env.example");
            jail.set_env("LIFELINE_MODE", "production");
            jail.set_env("LIFELINE_MAIL__TRANSPORT__KIND", "log");
            jail.set_env("LIFELINE_CONFIG", "not-a-setting-and-never-read-as-one");
            let toml = "[server]\npublic_url = \"https://file.example\"\n";
            let error = with_file(jail, toml).unwrap_err();
            assert!(
                error.to_string().contains("smtp"),
                "LIFELINE_MODE must apply: {error}"
            );
            jail.set_env("LIFELINE_MODE", "development");
            let settings = with_file(jail, toml).expect("loads");
            assert_eq!(settings.server.public_url, "https://env.example");
            assert_eq!(settings.mode, Mode::Development);
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_are_rejected() {
        Jail::expect_with(|jail| {
            let error =
                with_file(jail, "[server]\npublik_url = \"https://x.example\"\n").unwrap_err();
            assert!(error.to_string().contains("publik_url"), "{error}");
            jail.set_env("LIFELINE_LIMITS__PER_IP_PER_MINUTES", "3");
            assert!(Settings::load(None).is_err());
            Ok(())
        });
    }

    #[test]
    fn production_refuses_development_conveniences() {
        Jail::expect_with(|jail| {
            let error = with_file(jail, "mode = \"production\"\n").unwrap_err();
            assert!(error.to_string().contains("smtp"), "{error}");
            let smtp =
                "mode = \"production\"\n[mail.transport]\nkind = \"smtp\"\nhost = \"127.0.0.1\"\n";
            let error = with_file(jail, smtp).unwrap_err();
            assert!(error.to_string().contains("keys"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn secrets_are_redacted_when_the_settings_are_printed_or_serialised() {
        Jail::expect_with(|jail| {
            let (token, session) = crate::keys::generate(7).expect("keys");
            jail.set_env(
                "LIFELINE_DATABASE__URL",
                "mysql://user:hunter2@db:3306/lifeline",
            );
            jail.set_env("LIFELINE_KEYS__TOKEN", token.as_str());
            jail.set_env("LIFELINE_KEYS__SESSION", session.as_str());
            jail.set_env("LIFELINE_MAIL__TRANSPORT__KIND", "smtp");
            jail.set_env("LIFELINE_MAIL__TRANSPORT__HOST", "relay.example");
            jail.set_env("LIFELINE_MAIL__TRANSPORT__USERNAME", "mailer");
            jail.set_env("LIFELINE_MAIL__TRANSPORT__PASSWORD", "smtp-secret");
            let settings = Settings::load(None).expect("loads");
            let debug = format!("{settings:?}");
            let serialised = serde_json::to_string(&settings).expect("serialises");
            for printed in [&debug, &serialised] {
                for secret in ["hunter2", token.as_str(), session.as_str(), "smtp-secret"] {
                    assert!(!printed.contains(secret), "{printed}");
                }
            }
            assert!(
                serialised.contains(r#""url":"mysql://user:***@db:3306/lifeline""#),
                "{serialised}"
            );
            let redacted = serialised.matches(r#""***""#).count();
            assert_eq!(redacted, SECRET_KEYS.len() - 1, "{serialised}");
            Ok(())
        });
    }

    #[test]
    fn a_redirect_allow_list_entry_that_leaves_the_site_is_refused() {
        Jail::expect_with(|jail| {
            for entry in [
                "https://evil.example/",
                "https://evil.example/account",
                "//evil.example",
                "/\\evil.example",
                "evil.example",
            ] {
                let toml = format!("[server]\nredirect_allow_list = [{entry:?}]\n");
                let error = with_file(jail, &toml).unwrap_err();
                assert!(error.to_string().contains("redirect_allow_list"), "{error}");
            }
            assert!(with_file(jail, "[server]\nredirect_allow_list = [\"/welcome\"]\n").is_ok());
            let origin = "[server]\nredirect_allow_list = [\"https://app.example.com\"]\n";
            assert!(with_file(jail, origin).is_ok());
            Ok(())
        });
    }

    #[test]
    fn a_base_path_that_needs_escaping_or_ends_in_a_slash_is_refused() {
        Jail::expect_with(|jail| {
            for path in [
                "auth", "/auth/", "/", "//auth", "/a b", "/a%2F", "/a/../b", "/a/./b", "/a\"b",
                "/a?x", "/a#x", "/é", "/a\\b",
            ] {
                let toml = format!("[server]\nbase_path = {path:?}\n");
                let error = with_file(jail, &toml).unwrap_err();
                assert!(
                    error.to_string().contains("server.base_path"),
                    "{path}: {error}"
                );
            }
            for path in ["", "/auth", "/apps/sign-in_v2.~x"] {
                let toml = format!("[server]\nbase_path = {path:?}\n");
                let settings = with_file(jail, &toml).expect(path);
                assert_eq!(settings.server.base_path, path);
            }
            Ok(())
        });
    }

    #[test]
    fn the_metrics_allow_list_defaults_to_loopback_and_reads_a_list_from_the_environment() {
        Jail::expect_with(|jail| {
            let loopback = |ip: &str| {
                let settings = Settings::load(None).expect("loads");
                settings
                    .server
                    .metrics_allow
                    .iter()
                    .any(|net| net.contains(ip.parse().unwrap()))
            };
            assert!(loopback("127.0.0.1") && loopback("::1"));
            assert!(!loopback("10.1.2.3"));
            jail.set_env(
                "LIFELINE_SERVER__METRICS_ALLOW",
                r#"["10.0.0.0/8", "192.0.2.7"]"#,
            );
            let settings = Settings::load(None).expect("loads");
            let allowed: Vec<String> = settings
                .server
                .metrics_allow
                .iter()
                .map(ToString::to_string)
                .collect();
            assert_eq!(allowed, ["10.0.0.0/8", "192.0.2.7/32"]);
            Ok(())
        });
    }

    #[test]
    fn nested_keys_booleans_and_quoted_digits_are_read_from_the_environment() {
        Jail::expect_with(|jail| {
            jail.set_env("LIFELINE_DATABASE__AUTO_MIGRATE", "false");
            jail.set_env("LIFELINE_MAIL__WORKER__MAX_ATTEMPTS", "3");
            jail.set_env("LIFELINE_MAIL__TRANSPORT__KIND", "smtp");
            jail.set_env("LIFELINE_MAIL__TRANSPORT__HOST", "relay.example");
            jail.set_env("LIFELINE_BRANDING__PRODUCT_NAME", r#""123""#);
            let settings = Settings::load(None).expect("loads");
            assert!(!settings.database.auto_migrate);
            assert_eq!(settings.mail.worker.max_attempts, 3);
            assert!(!settings.mail.transport.is_development());
            assert_eq!(settings.branding.product_name, "123");
            jail.set_env("LIFELINE_BRANDING__PRODUCT_NAME", "123");
            assert!(
                Settings::load(None).is_err(),
                "unquoted digits are a number"
            );
            Ok(())
        });
    }

    #[test]
    fn a_metrics_allow_entry_with_host_bits_stops_start_up() {
        Jail::expect_with(|jail| {
            let error =
                with_file(jail, "[server]\nmetrics_allow = [\"10.0.0.1/8\"]\n").unwrap_err();
            assert!(
                error.to_string().contains("did you mean 10.0.0.0/8"),
                "{error}"
            );
            Ok(())
        });
    }

    #[test]
    fn a_misspelt_variable_without_a_double_underscore_stops_loading() {
        Jail::expect_with(|jail| {
            jail.set_env("LIFELINE_MDOE", "production");
            let error = Settings::load(None).unwrap_err().to_string();
            assert!(error.contains("LIFELINE_MDOE"), "{error}");
            assert!(error.contains("did you mean LIFELINE_MODE?"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn a_start_up_rule_names_the_setting_and_its_variable() {
        Jail::expect_with(|jail| {
            jail.set_env("LIFELINE_BRANDING__ACCENT_COLOR", "blue");
            let error = Settings::load(None).unwrap_err().to_string();
            assert!(
                error.contains(
                    r#"branding.accent_color (LIFELINE_BRANDING__ACCENT_COLOR): "blue" is not a colour; use #rgb or #rrggbb"#
                ),
                "{error}"
            );
            assert!(!error.contains("brand_colour"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn the_redaction_placeholder_is_refused_as_a_secret() {
        Jail::expect_with(|jail| {
            jail.set_env("LIFELINE_DATABASE__URL", "mysql://app:***@db/lifeline");
            jail.set_env("LIFELINE_KEYS__TOKEN", "***");
            let error = Settings::load(None).unwrap_err();
            let subjects: Vec<&str> = error.problems().iter().map(|p| p.subject()).collect();
            assert_eq!(
                subjects,
                [
                    "database.url (LIFELINE_DATABASE__URL)",
                    "keys.token (LIFELINE_KEYS__TOKEN)"
                ],
                "{error}"
            );
            assert!(error.to_string().contains("placeholder"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn a_bad_key_a_bad_sender_and_a_bad_log_filter_are_found_before_start_up() {
        Jail::expect_with(|jail| {
            jail.set_env("LIFELINE_KEYS__SESSION", "dG9vLXNob3J0");
            jail.set_env("LIFELINE_MAIL__FROM_ADDRESS", "not an address");
            jail.set_env("LIFELINE_LOG__FILTER", "info,=[");
            let error = Settings::load(None).unwrap_err();
            let subjects: Vec<&str> = error.problems().iter().map(|p| p.subject()).collect();
            assert_eq!(
                subjects,
                [
                    "keys.session (LIFELINE_KEYS__SESSION)",
                    "mail.from_address (LIFELINE_MAIL__FROM_ADDRESS)",
                    "log.filter (LIFELINE_LOG__FILTER)",
                ],
                "{error}"
            );
            Ok(())
        });
    }

    #[test]
    fn a_weak_password_policy_is_refused() {
        Jail::expect_with(|jail| {
            assert!(with_file(jail, "[password]\nmin_length = 6\n").is_err());
            Ok(())
        });
    }

    #[test]
    fn an_admin_api_limit_of_zero_is_refused_by_name() {
        Jail::expect_with(|jail| {
            let error = with_file(jail, "[admin_api]\nfailed_per_ip_per_minute = 0\n")
                .expect_err("a zero limit would lock every key out");
            assert!(
                error
                    .to_string()
                    .contains("admin_api.failed_per_ip_per_minute"),
                "{error}"
            );
            Ok(())
        });
    }
}
