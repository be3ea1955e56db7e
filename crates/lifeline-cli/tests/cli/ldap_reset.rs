//! A password reset for an account kept in a real OpenLDAP server, through the served
//! binary: the new password is the directory's (it binds, the old one does not), and a
//! password the server's own policy refuses is a 422 in plain words that changes nothing.

use directory_ldap::testing::ADA;
use reqwest::StatusCode;
use serde_json::{Value, json};
use storage::Backend;

use crate::helpers::{csrf_in, token_of};
use crate::ldap_support::LdapLifeline;
use crate::on_ldap_and_backend;

const NEW_PASSWORD: &str = "a brand new passphrase for ada";

on_ldap_and_backend!(
    a_reset_through_the_forms_sets_the_password_in_the_directory,
    a_password_the_directory_refuses_is_a_422_that_changes_nothing,
);

async fn a_reset_through_the_forms_sets_the_password_in_the_directory(backend: Backend) {
    // Arrange
    let Some(ldap) = LdapLifeline::start(backend).await else {
        return;
    };
    let url = |path: &str| ldap.served.url(path);
    let form = ldap
        .browser
        .get(url("/password/forgot"))
        .send()
        .await
        .unwrap();
    let csrf = csrf_in(&form.text().await.unwrap()).unwrap();

    // Act: forgot → mail → link → form → new password, as a person does.
    let asked = ldap
        .browser
        .post(url("/password/forgot"))
        .form(&[("email", ADA.mail), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    let link = ldap.mailed_link(1, "/password/reset?token=").await;
    let opened = ldap.browser.get(&link).send().await.unwrap();
    let form = ldap
        .browser
        .get(url("/password/reset"))
        .send()
        .await
        .unwrap();
    let csrf = csrf_in(&form.text().await.unwrap()).unwrap();
    let reset = ldap
        .browser
        .post(url("/password/reset"))
        .form(&[
            ("password", NEW_PASSWORD),
            ("password_confirm", NEW_PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(asked.status(), StatusCode::OK);
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        reset.status(),
        StatusCode::SEE_OTHER,
        "{}",
        ldap.served.output()
    );
    assert!(ldap.binds(ADA.dn, NEW_PASSWORD), "the new password binds");
    assert!(
        !ldap.binds(ADA.dn, ADA.password),
        "the old password no longer binds"
    );
    let signed_in = ldap.sign_in(ADA.mail, NEW_PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::CREATED);
}

async fn a_password_the_directory_refuses_is_a_422_that_changes_nothing(backend: Backend) {
    // Arrange: long enough for Lifeline (8), too short for the server's policy (12).
    let Some(ldap) = LdapLifeline::start(backend).await else {
        return;
    };
    let asked = ldap
        .post_json("/api/v1/password/forgot", json!({ "email": ADA.mail }))
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let token = token_of(&ldap.mailed_link(1, "/password/reset?token=").await);
    let reset = |password: &'static str| {
        ldap.post_json(
            "/api/v1/password/reset",
            json!({ "token": token, "password": password }),
        )
    };

    // Act
    let refused = reset("ten chars!").await;
    let status = refused.status();
    let body: Value = refused.json().await.unwrap();
    let old_still_binds = ldap.binds(ADA.dn, ADA.password);
    let short_binds = ldap.binds(ADA.dn, "ten chars!");
    let accepted = reset(NEW_PASSWORD).await;

    // Assert
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"], "weak_password", "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("directory requires a longer password"),
        "{body}"
    );
    assert!(old_still_binds, "the refusal left the old password");
    assert!(!short_binds, "the refused password was not set");
    assert_eq!(
        accepted.status(),
        StatusCode::NO_CONTENT,
        "the link still works"
    );
    assert!(ldap.binds(ADA.dn, NEW_PASSWORD));
    assert!(!ldap.binds(ADA.dn, ADA.password));
}
