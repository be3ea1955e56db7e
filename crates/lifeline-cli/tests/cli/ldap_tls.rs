//! The served binary reaches the directory only over verified TLS: StartTLS (or `ldaps://`)
//! with the CA given in `directory.ldap.ca_file` works, a server whose certificate does not
//! chain to the configured CAs is refused.

use directory_ldap::testing::{ADA, Slapd};
use reqwest::StatusCode;
use storage::Backend;

use crate::ldap_support::LdapLifeline;
use crate::on_ldap_and_backend;
use crate::served_binary::ServedBinary;

on_ldap_and_backend!(
    starttls_and_ldaps_with_the_configured_ca_work_and_an_unknown_ca_is_refused,
);

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
            directory_ldap::testing::SERVICE_DN,
            directory_ldap::testing::SERVICE_PASSWORD,
            directory_ldap::testing::BASE_DN,
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
    // The same server, trusted through another server's CA.
    let mut wrong_ca = ServedBinary::start_with_toml(
        &ldap.db,
        &ldap.sink,
        "info",
        &[],
        &settings(ldap.slapd.url(), &other),
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
    let untrusted = sign_in(&wrong_ca.address).await.unwrap().status();
    wrong_ca.wait_for_output("TLS with the server failed").await;

    // Assert
    assert_eq!(starttls, StatusCode::CREATED, "{}", ldap.served.output());
    assert_eq!(over_ldaps, StatusCode::CREATED, "{}", ldaps.output());
    assert!(
        untrusted.is_server_error(),
        "{untrusted}: {}",
        wrong_ca.output()
    );
}
