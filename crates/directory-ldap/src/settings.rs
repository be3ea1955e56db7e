//! [`LdapSettings`]: the `[directory.ldap]` table, and the checks `build` runs on it before
//! anything is contacted.

use std::path::PathBuf;
use std::time::Duration;

use lifeline::{Mode, PluginSetting, SecretString};
use serde::Deserialize;

/// The placeholder in [`LdapSettings::user_filter`] that the escaped address replaces.
pub const EMAIL_PLACEHOLDER: &str = "{email}";

/// The default `user_filter` for [`Flavor::OpenLdap`].
pub const OPENLDAP_USER_FILTER: &str = "(&(objectClass=inetOrgPerson)(mail={email}))";

/// The default `user_filter` for [`Flavor::ActiveDirectory`]: people's user objects (not
/// computer accounts, which are `user` objects too).
pub const ACTIVE_DIRECTORY_USER_FILTER: &str =
    "(&(objectCategory=person)(objectClass=user)(mail={email}))";

/// Every key of `[directory.ldap]`, for Lifeline's checks of unknown keys and its redaction.
pub const SETTING_KEYS: &[PluginSetting] = &[
    PluginSetting {
        key: "url",
        secret: false,
    },
    PluginSetting {
        key: "bind_dn",
        secret: false,
    },
    PluginSetting {
        key: "bind_password",
        secret: true,
    },
    PluginSetting {
        key: "base_dn",
        secret: false,
    },
    PluginSetting {
        key: "user_filter",
        secret: false,
    },
    PluginSetting {
        key: "ca_file",
        secret: false,
    },
    PluginSetting {
        key: "flavor",
        secret: false,
    },
    PluginSetting {
        key: "starttls",
        secret: false,
    },
    PluginSetting {
        key: "timeout_ms",
        secret: false,
    },
    PluginSetting {
        key: "pool_size",
        secret: false,
    },
];

/// Which directory server is on the other end: it decides the stable id, how a password is
/// set, and the default `user_filter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flavor {
    /// OpenLDAP (and servers like it): `entryUUID`, the Password Modify extended operation
    /// with the password policy control.
    #[default]
    #[serde(rename = "openldap")]
    OpenLdap,
    /// Active Directory: `objectGUID`, a replace of `unicodePwd` (TLS required),
    /// `userAccountControl`'s disabled flag.
    ActiveDirectory,
}

/// `[directory.ldap]`, as `lifeline.toml` or `LIFELINE_DIRECTORY__LDAP__<KEY>` set it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LdapSettings {
    /// `ldap://host[:port]` (StartTLS unless `starttls = false`) or `ldaps://host[:port]`.
    pub url: String,
    /// The service account's DN: it searches for people and resets their passwords.
    pub bind_dn: String,
    /// The service account's password.
    pub bind_password: SecretString,
    /// Where people are searched for (the whole subtree).
    pub base_dn: String,
    /// The search filter for an address; `{email}` stands for the address, escaped. The
    /// default depends on `flavor`.
    #[serde(default)]
    pub user_filter: Option<String>,
    /// A PEM file of the CA certificates the server's certificate must chain to, instead of
    /// the system's roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// `openldap` or `active_directory`.
    #[serde(default)]
    pub flavor: Flavor,
    /// Whether an `ldap://` connection is upgraded with StartTLS (ignored for `ldaps://`).
    #[serde(default = "default_starttls")]
    pub starttls: bool,
    /// How long one connection attempt (TCP, StartTLS, handshake, bind) or one operation
    /// may take, in milliseconds.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// The most connections of each kind (service, user binds) kept open at once.
    #[serde(default = "default_pool_size")]
    pub pool_size: usize,
}

fn default_starttls() -> bool {
    true
}

fn default_timeout_ms() -> u64 {
    5_000
}

fn default_pool_size() -> usize {
    4
}

/// The largest `pool_size` accepted.
pub const MAX_POOL_SIZE: usize = 64;

/// A setting that cannot work, naming its key (without the `directory.ldap.` prefix).
#[derive(Debug, thiserror::Error)]
#[error("{key}: {message}")]
pub struct SettingsProblem {
    /// The key inside `[directory.ldap]`.
    pub key: &'static str,
    /// What is wrong and what to do.
    pub message: String,
}

fn problem(key: &'static str, message: impl Into<String>) -> SettingsProblem {
    SettingsProblem {
        key,
        message: message.into(),
    }
}

/// How the connection is protected, as decided from `url` and `starttls`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// `ldaps://`: TLS from the first byte.
    Ldaps,
    /// `ldap://` upgraded with StartTLS before anything else is sent.
    StartTls,
    /// `ldap://` without TLS: development only, never Active Directory.
    Plain,
}

impl LdapSettings {
    /// The filter with its `{email}` placeholder.
    pub fn user_filter(&self) -> &str {
        match (&self.user_filter, self.flavor) {
            (Some(filter), _) => filter,
            (None, Flavor::OpenLdap) => OPENLDAP_USER_FILTER,
            (None, Flavor::ActiveDirectory) => ACTIVE_DIRECTORY_USER_FILTER,
        }
    }

    /// The connection and per-operation timeout.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// How the connection is protected.
    pub fn transport(&self) -> Result<Transport, SettingsProblem> {
        let scheme = self
            .url
            .split_once("://")
            .map(|(scheme, _)| scheme.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("ldaps") => Ok(Transport::Ldaps),
            Some("ldap") if self.starttls => Ok(Transport::StartTls),
            Some("ldap") => Ok(Transport::Plain),
            _ => Err(problem(
                "url",
                format!(
                    "{:?} is not an ldap:// or ldaps:// URL (e.g. ldaps://ldap.example.org)",
                    self.url
                ),
            )),
        }
    }

    /// Everything that can be checked without contacting the server, for `mode`.
    pub fn validate(&self, mode: Mode) -> Result<Transport, SettingsProblem> {
        let transport = self.transport()?;
        let rest = self.url.split_once("://").map_or("", |(_, rest)| rest);
        if rest.trim_end_matches('/').is_empty() || rest.contains('?') {
            return Err(problem("url", "needs a host and nothing after the port"));
        }
        if transport == Transport::Plain && self.flavor == Flavor::ActiveDirectory {
            return Err(problem(
                "starttls",
                "Active Directory takes passwords (unicodePwd) over TLS only: use ldaps:// or \
                 starttls = true",
            ));
        }
        if transport == Transport::Plain && mode == Mode::Production {
            return Err(problem(
                "starttls",
                "production refuses an unencrypted ldap:// connection: set starttls = true or \
                 use ldaps://",
            ));
        }
        for (key, value) in [("bind_dn", &self.bind_dn), ("base_dn", &self.base_dn)] {
            if value.trim().is_empty() {
                return Err(problem(key, "must not be empty"));
            }
        }
        if self.bind_password.expose_secret().is_empty() {
            // An LDAP simple bind with a DN and no password is an anonymous bind.
            return Err(problem("bind_password", "must not be empty"));
        }
        self.validate_filter()?;
        if self.timeout_ms == 0 || self.timeout_ms > 600_000 {
            return Err(problem("timeout_ms", "must be between 1 and 600000"));
        }
        if self.pool_size == 0 || self.pool_size > MAX_POOL_SIZE {
            return Err(problem(
                "pool_size",
                format!("must be between 1 and {MAX_POOL_SIZE}"),
            ));
        }
        Ok(transport)
    }

    fn validate_filter(&self) -> Result<(), SettingsProblem> {
        let filter = self.user_filter();
        if !filter.contains(EMAIL_PLACEHOLDER) {
            return Err(problem(
                "user_filter",
                "must contain {email}, where the address goes",
            ));
        }
        let sample = filter.replace(EMAIL_PLACEHOLDER, "someone@example.org");
        if ldap3::parse_filter(&sample).is_err() {
            return Err(problem(
                "user_filter",
                format!("{filter:?} is not an LDAP search filter (RFC 4515)"),
            ));
        }
        Ok(())
    }
}
