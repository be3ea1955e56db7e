//! Signing in to an account kept in a real OpenLDAP server, through the served binary: a
//! magic link ends signed in, and while the server is down a sign-in is a 503 that changes
//! nothing, until the server is back (no restart of Lifeline).

use directory_ldap::testing::ADA;
use reqwest::StatusCode;
use serde_json::{Value, json};
use storage::Backend;

use crate::helpers::token_of;
use crate::ldap_support::LdapLifeline;
use crate::on_ldap_and_backend;

on_ldap_and_backend!(
    a_magic_link_signs_an_ldap_account_in,
    while_the_directory_is_down_a_sign_in_is_a_503_and_it_works_again_once_it_is_back,
);

async fn a_magic_link_signs_an_ldap_account_in(backend: Backend) {
    // Arrange
    let Some(ldap) = LdapLifeline::start(backend).await else {
        return;
    };
    let before = ldap
        .browser
        .get(ldap.served.url("/api/v1/session"))
        .send()
        .await
        .unwrap();

    // Act
    let asked = ldap
        .post_json("/api/v1/magic-link", json!({ "email": ADA.mail }))
        .await;
    let link = ldap.mailed_link(1, "/magic-link/verify?token=").await;
    let verified = ldap
        .post_json(
            "/api/v1/magic-link/verify",
            json!({ "token": token_of(&link) }),
        )
        .await;
    let verified_status = verified.status();
    let session = ldap
        .browser
        .get(ldap.served.url("/api/v1/session"))
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(before.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    assert_eq!(verified_status, StatusCode::OK, "{}", ldap.served.output());
    assert_eq!(session.status(), StatusCode::OK);
    let session: Value = session.json().await.unwrap();
    assert_eq!(session["user"]["email"], ADA.mail, "{session}");
    assert!(
        ldap.binds(ADA.dn, ADA.password),
        "the password is untouched"
    );
}

async fn while_the_directory_is_down_a_sign_in_is_a_503_and_it_works_again_once_it_is_back(
    backend: Backend,
) {
    // Arrange: one sign-in while the server is up, so Lifeline holds connections to it.
    let Some(mut ldap) = LdapLifeline::start(backend).await else {
        return;
    };
    let first = ldap.sign_in(ADA.mail, ADA.password).await;
    assert_eq!(
        first.status(),
        StatusCode::CREATED,
        "{}",
        ldap.served.output()
    );

    let sessions_before = ldap.live_sessions();

    // Act
    ldap.slapd.stop();
    let down = ldap.sign_in(ADA.mail, ADA.password).await;
    let down_status = down.status();
    let retry_after = down.headers().get("retry-after").cloned();
    let down_body: Value = down.json().await.unwrap();
    let sessions_while_down = ldap.live_sessions();
    tokio::task::block_in_place(|| ldap.slapd.restart()).unwrap();
    let back = ldap.sign_in(ADA.mail, ADA.password).await;

    // Assert
    assert_eq!(down_status, StatusCode::SERVICE_UNAVAILABLE, "{down_body}");
    assert_eq!(down_body["error"], "unavailable", "{down_body}");
    assert!(retry_after.is_some(), "a 503 says when to retry");
    assert_eq!(
        sessions_while_down, sessions_before,
        "no session while down"
    );
    assert_eq!(
        back.status(),
        StatusCode::CREATED,
        "{}",
        ldap.served.output()
    );
    assert_eq!(ldap.live_sessions(), sessions_before + 1);
    assert!(
        ldap.binds(ADA.dn, ADA.password),
        "the password is untouched"
    );
}
