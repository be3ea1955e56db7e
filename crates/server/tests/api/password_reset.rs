//! The password-reset flow, end to end.

use reqwest::StatusCode;
use storage::Backend;

use crate::helpers::{link_in, spawn_app};
use crate::on_both_backends;

on_both_backends!(a_forgotten_password_can_be_reset_through_the_emailed_link);

async fn a_forgotten_password_can_be_reset_through_the_emailed_link(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "old password for ada");
    let browser = app.new_client();

    // Act: ask for a link, follow it, set a new password.
    let response = app.request_reset(&browser, "ada@example.com").await;
    assert_eq!(response.status(), StatusCode::OK);
    let mail = app.wait_for_mail(1).await.remove(0);
    assert_eq!(mail.rcpt_to, vec!["ada@example.com".to_owned()]);
    let link = link_in(&app, &mail, "/password/reset?token=");
    let response = browser.get(&link).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/password/reset",
        "the token must leave the URL"
    );
    let csrf = app.csrf(&browser, "/password/reset").await;
    let new_password = "a completely new passphrase";
    let response = app
        .post_form(
            &browser,
            "/password/reset",
            &[
                ("password", new_password),
                ("password_confirm", new_password),
                ("csrf_token", &csrf),
            ],
        )
        .await;

    // Assert: redirected to sign in; the new password works, the old one not.
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login");
    let sign_in = |password: &'static str| {
        let app = &app;
        async move {
            let client = app.new_client();
            let csrf = app.csrf(&client, "/login").await;
            app.post_form(
                &client,
                "/login",
                &[
                    ("email", "ada@example.com"),
                    ("password", password),
                    ("csrf_token", &csrf),
                ],
            )
            .await
            .status()
        }
    };
    assert_eq!(
        sign_in("a completely new passphrase").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        sign_in("old password for ada").await,
        StatusCode::UNAUTHORIZED
    );
    let changed = app.wait_for_mail(2).await.remove(1);
    assert!(
        changed
            .header("subject")
            .unwrap_or_default()
            .contains("changed"),
        "{:?}",
        changed.header("subject")
    );
}
