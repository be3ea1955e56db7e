//! Addresses written to change an LDAP search filter reach the served binary's reset and
//! sign-in: each is answered as an unknown address is (or refused as no address at all),
//! matches no one, and sends no mail.

use directory_ldap::testing::{ADA, GRACE};
use reqwest::StatusCode;
use serde_json::{Value, json};
use storage::Backend;

use crate::ldap_support::LdapLifeline;
use crate::on_ldap_and_backend;

/// Each would match Ada (or everyone) if it were pasted into the filter unescaped.
const CRAFTED: [&str; 7] = [
    "*@example.org",
    "*",
    "ada@example.org)(mail=*",
    "*)(uid=ada",
    "ada@example.org)(|(mail=*",
    "ada\\00@example.org",
    "ada@example.org\u{0}",
];

on_ldap_and_backend!(crafted_addresses_match_no_one_and_send_no_mail);

async fn crafted_addresses_match_no_one_and_send_no_mail(backend: Backend) {
    // Arrange
    let Some(ldap) = LdapLifeline::start(backend).await else {
        return;
    };
    let forgot = |email: &str| ldap.post_json("/api/v1/password/forgot", json!({ "email": email }));
    let unknown_forgot = forgot("nobody@example.org").await.status();
    let unknown_sign_in = ldap.sign_in("nobody@example.org", ADA.password).await;
    let unknown_sign_in = (
        unknown_sign_in.status(),
        unknown_sign_in.json::<Value>().await.unwrap()["error"].clone(),
    );

    for email in CRAFTED {
        // Act
        let asked = forgot(email).await;
        let asked_status = asked.status();
        let asked_body: Value = asked.json().await.unwrap();
        let signed_in = ldap.sign_in(email, ADA.password).await;
        let signed_in = (
            signed_in.status(),
            signed_in.json::<Value>().await.unwrap()["error"].clone(),
        );

        // Assert: as unknown, or refused as no address at all (400 `invalid_email`).
        assert!(
            asked_status == unknown_forgot
                || (asked_status == StatusCode::BAD_REQUEST
                    && asked_body["error"] == "invalid_email"),
            "{email:?}: {asked_status} {asked_body}"
        );
        assert_eq!(signed_in, unknown_sign_in, "{email:?}");
    }
    ldap.drain_outbox().await;

    // Assert: no mail to anyone, and the people's passwords are untouched.
    assert_eq!(unknown_forgot, StatusCode::ACCEPTED);
    assert_eq!(unknown_sign_in.0, StatusCode::UNAUTHORIZED);
    assert!(
        ldap.sink.messages().is_empty(),
        "{:?}",
        ldap.sink.messages()
    );
    assert_eq!(ldap.live_sessions(), 0);
    assert!(ldap.binds(ADA.dn, ADA.password));
    assert!(ldap.binds(GRACE.dn, GRACE.password));
}
