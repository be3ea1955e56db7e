//! `[directory.ldap]`: what is refused before anything is contacted.

use directory_ldap::{Flavor, LdapSettings, LdapSource, PLUGIN, SETTING_KEYS};
use figment::providers::Format;
use lifeline::{DirectoryPlugin, Mode};

/// The table as Lifeline's configuration hands it over: extracted with figment.
fn parse(toml: &str) -> Result<LdapSettings, Box<figment::Error>> {
    figment::Figment::from(figment::providers::Toml::string(toml))
        .extract()
        .map_err(Box::new)
}

const MINIMAL: &str = r#"
url = "ldap://ldap.example.org"
bind_dn = "cn=lifeline,ou=services,dc=example,dc=org"
bind_password = "secret"
base_dn = "dc=example,dc=org"
"#;

fn with(extra: &str) -> LdapSettings {
    parse(&format!("{MINIMAL}{extra}")).expect("valid TOML settings")
}

fn refused_key(settings: LdapSettings, mode: Mode) -> Option<&'static str> {
    settings.validate(mode).err().map(|problem| problem.key)
}

#[test]
fn defaults_are_starttls_and_the_inetorgperson_filter() {
    let settings = with("");
    assert!(settings.starttls);
    assert_eq!(settings.flavor, Flavor::OpenLdap);
    assert_eq!(
        settings.user_filter(),
        "(&(objectClass=inetOrgPerson)(mail={email}))"
    );
    assert_eq!(
        settings.validate(Mode::Production).ok(),
        Some(directory_ldap::Transport::StartTls)
    );
    let ad = with("flavor = \"active_directory\"\n");
    assert!(ad.user_filter().contains("(objectClass=user)"));
}

#[test]
fn production_refuses_ldap_without_starttls() {
    assert_eq!(
        refused_key(with("starttls = false\n"), Mode::Production),
        Some("starttls")
    );
    assert_eq!(
        refused_key(with("starttls = false\n"), Mode::Development),
        None
    );
    let ldaps = LdapSettings {
        url: "ldaps://ldap.example.org".into(),
        ..with("starttls = false\n")
    };
    assert_eq!(refused_key(ldaps, Mode::Production), None);
}

#[test]
fn active_directory_refuses_any_unencrypted_connection() {
    let plain = with("starttls = false\nflavor = \"active_directory\"\n");
    assert_eq!(refused_key(plain, Mode::Development), Some("starttls"));
}

#[test]
fn unknown_keys_are_refused() {
    let error = parse(&format!("{MINIMAL}bind_passwd = \"x\"\n")).expect_err("unknown key");
    assert!(error.to_string().contains("bind_passwd"), "{error}");
}

#[test]
fn broken_values_are_refused_with_their_key() {
    let cases = [
        ("user_filter = \"(mail=*)\"\n", "user_filter"),
        ("user_filter = \"(&(mail={email})\"\n", "user_filter"),
        ("timeout_ms = 0\n", "timeout_ms"),
        ("pool_size = 0\n", "pool_size"),
        ("pool_size = 1000\n", "pool_size"),
    ];
    for (extra, key) in cases {
        assert_eq!(
            refused_key(with(extra), Mode::Development),
            Some(key),
            "{extra}"
        );
    }
    let bad_url = LdapSettings {
        url: "http://ldap.example.org".into(),
        ..with("")
    };
    assert_eq!(refused_key(bad_url, Mode::Development), Some("url"));
    let empty_password = LdapSettings {
        bind_password: lifeline::SecretString::new(""),
        ..with("")
    };
    assert_eq!(
        refused_key(empty_password, Mode::Development),
        Some("bind_password")
    );
    let missing_ca = LdapSettings {
        ca_file: Some("/nonexistent/ca.pem".into()),
        ..with("")
    };
    let error = LdapSource::new(missing_ca, Mode::Development)
        .err()
        .expect("refused");
    assert_eq!(error.key(), "ca_file");
}

#[test]
fn the_plugin_lists_every_key_and_marks_the_password_secret() {
    assert_eq!(PLUGIN.kind(), "ldap");
    assert_eq!(PLUGIN.settings(), SETTING_KEYS);
    let secrets: Vec<&str> = SETTING_KEYS
        .iter()
        .filter(|setting| setting.secret)
        .map(|setting| setting.key)
        .collect();
    assert_eq!(secrets, ["bind_password"]);
    // Every listed key is one the settings accept.
    let all = r#"
url = "ldaps://ldap.example.org"
bind_dn = "cn=x"
bind_password = "y"
base_dn = "dc=example,dc=org"
user_filter = "(mail={email})"
ca_file = "/etc/ssl/certs/ca-certificates.crt"
flavor = "openldap"
starttls = true
timeout_ms = 1000
pool_size = 2
"#;
    let table: toml::Table = all.parse().expect("TOML");
    let keys: Vec<&str> = table.keys().map(String::as_str).collect();
    let mut listed: Vec<&str> = SETTING_KEYS.iter().map(|setting| setting.key).collect();
    listed.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, listed);
    parse(all).expect("every key accepted");
}

#[tokio::test]
async fn dropping_a_source_inside_a_runtime_does_not_panic() {
    let source = LdapSource::new(with("starttls = false\n"), Mode::Development).expect("build");
    drop(source);
}

/// docs/configuration.md's rows for `[directory.ldap]`, one per key of the plugin, each with
/// its variable (the core's own document test leaves these rows to this one).
#[test]
fn documented_keys_are_the_plugins_keys() {
    let doc = include_str!("../../../../docs/configuration.md");
    let documented: std::collections::BTreeMap<String, String> = doc
        .lines()
        .filter_map(|line| line.strip_prefix("| `directory.ldap."))
        .map(|rest| {
            let cells: Vec<&str> = rest.split(" | ").collect();
            let key = cells[0].trim_end_matches('`').to_owned();
            (key, cells[1].trim_matches('`').to_owned())
        })
        .collect();
    let keys: std::collections::BTreeMap<String, String> = directory_ldap::SETTING_KEYS
        .iter()
        .map(|setting| {
            let variable = format!(
                "LIFELINE_DIRECTORY__LDAP__{}",
                setting.key.to_ascii_uppercase()
            );
            (setting.key.to_owned(), variable)
        })
        .collect();

    assert_eq!(documented, keys);
}
