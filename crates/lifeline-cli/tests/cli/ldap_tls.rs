//! The served binary reaches the directory only over verified TLS: StartTLS (or `ldaps://`)
//! with the CA given in `directory.ldap.ca_file` works; a server whose certificate does not
//! chain to the configured CA stops `serve` at start with a message about TLS.

use directory_ldap::testing::{ADA, BASE_DN, SERVICE_DN, SERVICE_PASSWORD, Slapd};
use reqwest::StatusCode;
use storage::Backend;

use crate::config_check::run;
use crate::ldap_support::LdapLifeline;
use crate::on_ldap_and_backend;
use crate::served_binary::ServedBinary;

on_ldap_and_backend!(starttls_and_ldaps_with_the_configured_ca_work_and_an_unknown_ca_is_refused,);

async fn starttls_and_ldaps_with_the_configured_ca_work_and_an_unknown_ca_is_refused(
    backend: Backend,
) {
    // Arrange: the default settings are StartTLS on ldap:// with the harness's CA.
    let Some(ldap) = LdapLifeline::start(backend).await else {
        return;
    };
    assert!(ldap.slapd.settings_toml().contains("ca_file"));
    let other = tokio::task::spawn_blocking(Slapd::start)
        .await
        .unwrap()
        .unwrap();
    let settings = |url: String, ca_file: &Slapd| {
        format!(
            "\n[directory]\nkind = \"ldap\"\n\n[directory.ldap]\nurl = {url:?}\n\
             bind_dn = {:?}\nbind_password = {:?}\nbase_dn = {:?}\nca_file = {:?}\n",
            SERVICE_DN,
            SERVICE_PASSWORD,
            BASE_DN,
            ca_file.ca_file().display().to_string(),
        )
    };
    let ldaps = ServedBinary::start_with_toml(
        &ldap.db,
        &ldap.sink,
        "info",
        &[],
        &settings(ldap.slapd.ldaps_url(), &ldap.slapd),
    )
    .await;
    let sign_in = |address: &str| {
        ldap.browser
            .post(format!("{address}/api/v1/session"))
            .json(&serde_json::json!({ "email": ADA.mail, "password": ADA.password }))
            .send()
    };

    // Act
    let starttls = sign_in(&ldap.served.address).await.unwrap().status();
    let over_ldaps = sign_in(&ldaps.address).await.unwrap().status();
    // The same server, trusted through another server's CA: `serve` stops at start.
    let dir = tempfile::tempdir().unwrap();
    let other_ca = other.ca_file().display().to_string();
    let env = [
        ("LIFELINE_SERVER__BIND", "127.0.0.1:0"),
        ("LIFELINE_DATABASE__URL", ldap.db.url()),
        ("LIFELINE_MAIL__TRANSPORT__KIND", "log"),
        ("LIFELINE_DIRECTORY__KIND", "ldap"),
        ("LIFELINE_DIRECTORY__LDAP__URL", &ldap.slapd.url()),
        ("LIFELINE_DIRECTORY__LDAP__BIND_DN", SERVICE_DN),
        ("LIFELINE_DIRECTORY__LDAP__BIND_PASSWORD", SERVICE_PASSWORD),
        ("LIFELINE_DIRECTORY__LDAP__BASE_DN", BASE_DN),
        ("LIFELINE_DIRECTORY__LDAP__CA_FILE", other_ca.as_str()),
    ];
    let untrusted = tokio::task::block_in_place(|| run(dir.path(), &["serve"], &env));

    // Assert
    assert_eq!(starttls, StatusCode::CREATED, "{}", ldap.served.output());
    assert_eq!(over_ldaps, StatusCode::CREATED, "{}", ldaps.output());
    assert_eq!(untrusted.status, 1, "{untrusted:?}");
    assert!(untrusted.stderr.contains("TLS"), "{untrusted:?}");
    assert!(
        !untrusted.stderr.contains(SERVICE_PASSWORD),
        "{untrusted:?}"
    );
}
