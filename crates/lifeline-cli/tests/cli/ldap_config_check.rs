//! `lifeline config check` and `serve` with `directory.kind = "ldap"`: mistakes in the
//! `[directory.ldap]` table are refused naming their keys, the service account's password is
//! redacted when the settings are printed, and production refuses an unencrypted `ldap://`.

use crate::config_check::{production_secrets, run};

/// The production settings every case starts from (the directory's aside).
fn production_env(secrets: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    let mut env: Vec<(&'static str, String)> = [
        ("LIFELINE_MODE", "production"),
        ("LIFELINE_SERVER__PUBLIC_URL", "https://id.example"),
        ("LIFELINE_MAIL__TRANSPORT__KIND", "smtp"),
        ("LIFELINE_MAIL__TRANSPORT__HOST", "relay.example"),
        ("LIFELINE_MAIL__TRANSPORT__USERNAME", "mailer"),
        ("LIFELINE_DIRECTORY__KIND", "ldap"),
        (
            "LIFELINE_DIRECTORY__LDAP__BIND_DN",
            "cn=lifeline,ou=services,dc=example,dc=org",
        ),
        (
            "LIFELINE_DIRECTORY__LDAP__BASE_DN",
            "ou=people,dc=example,dc=org",
        ),
        (
            "LIFELINE_DIRECTORY__LDAP__BIND_PASSWORD",
            "ldap-service-secret-43",
        ),
    ]
    .into_iter()
    .map(|(name, value)| (name, value.to_owned()))
    .collect();
    env.extend(secrets.iter().cloned());
    env
}

/// The variables as `run` takes them.
fn borrowed<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

#[test]
#[cfg_attr(
    not(feature = "ldap"),
    ignore = "the LDAP plugin is not built in: test with --features ldap"
)]
fn config_check_prints_the_ldap_table_with_its_password_redacted() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let (secrets, _) = production_secrets();
    let mut env = production_env(&secrets);
    env.push((
        "LIFELINE_DIRECTORY__LDAP__URL",
        "ldaps://ldap.example.org".into(),
    ));

    // Act
    let printed = run(dir.path(), &["config", "check"], &borrowed(&env));

    // Assert
    assert_eq!(printed.status, 0, "{printed:?}");
    assert!(
        !printed.stdout.contains("ldap-service-secret-43"),
        "{printed:?}"
    );
    let table: toml::Table = toml::from_str(&printed.stdout).unwrap();
    let ldap = &table["directory"]["ldap"];
    assert_eq!(ldap["bind_password"].as_str(), Some("***"), "{printed:?}");
    assert_eq!(ldap["url"].as_str(), Some("ldaps://ldap.example.org"));
    assert_eq!(table["directory"]["kind"].as_str(), Some("ldap"));
}

#[test]
#[cfg_attr(
    not(feature = "ldap"),
    ignore = "the LDAP plugin is not built in: test with --features ldap"
)]
fn config_check_names_each_wrong_ldap_key() {
    // Arrange: a required key missing, then a value out of range.
    let dir = tempfile::tempdir().unwrap();
    let (secrets, _) = production_secrets();
    let mut missing = production_env(&secrets);
    missing.retain(|(name, _)| *name != "LIFELINE_DIRECTORY__LDAP__BASE_DN");
    missing.push((
        "LIFELINE_DIRECTORY__LDAP__URL",
        "ldaps://ldap.example.org".into(),
    ));
    let mut out_of_range = production_env(&secrets);
    out_of_range.push((
        "LIFELINE_DIRECTORY__LDAP__URL",
        "ldaps://ldap.example.org".into(),
    ));
    out_of_range.push(("LIFELINE_DIRECTORY__LDAP__POOL_SIZE", "0".into()));

    for (env, key) in [
        (
            missing,
            "directory.ldap.base_dn (LIFELINE_DIRECTORY__LDAP__BASE_DN)",
        ),
        (
            out_of_range,
            "directory.ldap.pool_size (LIFELINE_DIRECTORY__LDAP__POOL_SIZE)",
        ),
    ] {
        // Act
        let checked = run(dir.path(), &["config", "check"], &borrowed(&env));

        // Assert
        assert_eq!(checked.status, 1, "{checked:?}");
        assert!(checked.stderr.contains(key), "{key}: {checked:?}");
        assert!(
            !checked.stderr.contains("ldap-service-secret-43"),
            "{checked:?}"
        );
    }
}

#[test]
#[cfg_attr(
    not(feature = "ldap"),
    ignore = "the LDAP plugin is not built in: test with --features ldap"
)]
fn production_refuses_ldap_without_starttls_at_start_naming_the_key() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let (secrets, _) = production_secrets();
    let mut env = production_env(&secrets);
    env.push((
        "LIFELINE_DIRECTORY__LDAP__URL",
        "ldap://ldap.example.org".into(),
    ));
    env.push(("LIFELINE_DIRECTORY__LDAP__STARTTLS", "false".into()));
    let env = borrowed(&env);

    // Act
    let checked = run(dir.path(), &["config", "check"], &env);
    let served = run(dir.path(), &["serve"], &env);

    // Assert: both refuse at once, naming the setting.
    for refused in [&checked, &served] {
        assert_eq!(refused.status, 1, "{refused:?}");
        assert!(
            refused
                .stderr
                .contains("directory.ldap.starttls (LIFELINE_DIRECTORY__LDAP__STARTTLS): "),
            "{refused:?}"
        );
    }
}
