//! Layered loading: compiled-in defaults → optional TOML file → environment.

use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Toml};

use super::{Mode, Settings};

/// The compiled-in defaults, also the reference for every key.
pub const DEFAULTS_TOML: &str = include_str!("../../config/defaults.toml");

/// Why the settings could not be loaded or were refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A file could not be read, a value had the wrong type, or a key was unknown.
    #[error("invalid configuration: {0}")]
    Invalid(#[from] Box<figment::Error>),
    /// The values parsed but make no sense together.
    #[error("configuration refused: {0}")]
    Refused(String),
}

impl Settings {
    /// Loads defaults, then `file` if given, then `LIFELINE_SECTION__KEY` variables.
    ///
    /// Only `LIFELINE_MODE` and variables with a double underscore are read, so
    /// `LIFELINE_CONFIG` and the test variables are not mistaken for unknown keys.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::from_figment(Self::figment(file).merge(env_provider()))
    }

    /// Defaults, then `file`, without the environment (for tests and `config check`).
    pub fn figment(file: Option<&Path>) -> Figment {
        let mut figment = Figment::from(Toml::string(DEFAULTS_TOML));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment
    }

    /// The `LIFELINE_SECTION__KEY` variables as a provider, for a host that merges
    /// its own defaults (say, `server.base_path`) before the environment:
    /// `Settings::from_figment(Settings::figment(None).merge(…).merge(Settings::environment()))`.
    pub fn environment() -> Env {
        env_provider()
    }

    /// Extracts and checks the settings from a prepared figment.
    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let settings: Settings = figment.extract().map_err(Box::new)?;
        settings.check()?;
        Ok(settings)
    }

    /// Consistency rules; production refuses every development convenience.
    fn check(&self) -> Result<(), ConfigError> {
        let refuse = |why: &str| Err(ConfigError::Refused(why.to_owned()));
        if !(self.server.public_url.starts_with("http://")
            || self.server.public_url.starts_with("https://"))
        {
            return refuse("server.public_url must start with http:// or https://");
        }
        if !is_valid_base_path(&self.server.base_path) {
            return refuse(
                "server.base_path must be empty or a path like \"/auth\": a leading /, no trailing /, only letters, digits and - . _ ~ /",
            );
        }
        if self.password.min_length < 8 || self.password.max_length < 64 {
            return refuse("password.min_length must be ≥ 8 and password.max_length ≥ 64");
        }
        if self.password.min_length > self.password.max_length {
            return refuse("password.min_length is larger than password.max_length");
        }
        if let Some(entry) = self
            .server
            .redirect_allow_list
            .iter()
            .find(|entry| !crate::http::redirect::is_local_path(entry))
        {
            return Err(ConfigError::Refused(format!(
                "server.redirect_allow_list entry {entry:?} is not a plain local path like \"/account\""
            )));
        }
        if self.mode == Mode::Production {
            if self.mail.transport.is_development() {
                return refuse("mode = production needs mail.transport.kind = \"smtp\"");
            }
            if self.keys.token.is_none() || self.keys.session.is_none() {
                return refuse("mode = production needs keys.token and keys.session to be set");
            }
            if !self.server.public_url.starts_with("https://") {
                return refuse("mode = production needs an https:// server.public_url");
            }
        }
        Ok(())
    }
}

fn env_provider() -> Env {
    Env::prefixed("LIFELINE_")
        .filter(|key| key.as_str().contains("__") || key.as_str().eq_ignore_ascii_case("mode"))
        .split("__")
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
            jail.set_env(
                "LIFELINE_CONFIG",
                "ignored-because-it-has-no-double-underscore",
            );
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
    fn secrets_are_redacted_when_the_settings_are_printed() {
        Jail::expect_with(|jail| {
            jail.set_env("LIFELINE_DATABASE__URL", "mysql://user:hunter2@db/lifeline");
            jail.set_env("LIFELINE_KEYS__SESSION", "c2Vzc2lvbi1zZWNyZXQ");
            let printed = format!("{:?}", Settings::load(None).expect("loads"));
            assert!(!printed.contains("hunter2"), "{printed}");
            assert!(!printed.contains("c2Vzc2lvbi1zZWNyZXQ"), "{printed}");
            Ok(())
        });
    }

    #[test]
    fn a_redirect_allow_list_entry_that_leaves_the_site_is_refused() {
        Jail::expect_with(|jail| {
            for entry in ["https://evil.example", "//evil.example", "/\\evil.example"] {
                let toml = format!("[server]\nredirect_allow_list = [{entry:?}]\n");
                let error = with_file(jail, &toml).unwrap_err();
                assert!(error.to_string().contains("redirect_allow_list"), "{error}");
            }
            assert!(with_file(jail, "[server]\nredirect_allow_list = [\"/welcome\"]\n").is_ok());
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
    fn a_weak_password_policy_is_refused() {
        Jail::expect_with(|jail| {
            assert!(with_file(jail, "[password]\nmin_length = 6\n").is_err());
            Ok(())
        });
    }
}
