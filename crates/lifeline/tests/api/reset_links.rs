//! What a reset link may and may not do: once only, for 30 minutes, newest
//! only, and never used up by merely being fetched.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use storage::Backend;

use crate::helpers::{spawn_app, token_of};
use crate::on_every_backend;
use crate::reset_steps::{Observed, assert_link_refused_page};

const EMAIL: &str = "ada@example.com";
const OLD_PASSWORD: &str = "old password for ada";
const NEW_PASSWORD: &str = "a completely new passphrase";

on_every_backend!(
    a_reset_link_works_only_once,
    a_used_reset_link_is_refused_by_the_api_too,
    an_expired_reset_link_is_refused_by_the_link_the_form_and_the_api,
    a_reset_link_still_works_shortly_before_it_expires,
    fetching_a_reset_link_with_head_or_get_does_not_use_it_up,
    a_newer_reset_link_voids_the_older_one,
    a_forged_link_voids_the_session_s_link_and_leaves_other_sessions_alone,
);

async fn a_reset_link_works_only_once(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, OLD_PASSWORD);
    let link = app.mailed_reset_link(EMAIL, 1).await;
    app.reset_with(&link, NEW_PASSWORD).await;
    let credentials = app.credentials_of(EMAIL);

    // Act
    let second_browser = app.new_client();
    let reopened = Observed::of(second_browser.get(&link).send().await.unwrap()).await;
    let form = Observed::of(app.get(&second_browser, "/password/reset").await).await;

    // Assert
    assert_link_refused_page(&reopened);
    assert_link_refused_page(&form);
    assert_eq!(app.credentials_of(EMAIL), credentials, "nothing changed");
    assert!(app.password_works(EMAIL, NEW_PASSWORD).await);
}

async fn a_used_reset_link_is_refused_by_the_api_too(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, OLD_PASSWORD);
    let link = app.mailed_reset_link(EMAIL, 1).await;
    app.reset_with(&link, NEW_PASSWORD).await;

    // Act
    let response = app
        .post_json(
            &app.new_client(),
            "/api/v1/password/reset",
            &json!({"token": token_of(&link), "password": "yet another new passphrase"}),
        )
        .await;

    // Assert
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_or_expired_link");
    assert!(app.password_works(EMAIL, NEW_PASSWORD).await);
    assert!(
        !app.password_works(EMAIL, "yet another new passphrase")
            .await
    );
}

async fn an_expired_reset_link_is_refused_by_the_link_the_form_and_the_api(backend: Backend) {
    // Arrange: the link is opened in time, the form is filled in too late.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, OLD_PASSWORD);
    let link = app.mailed_reset_link(EMAIL, 1).await;
    let browser = app.new_client();
    app.open_reset_link(&browser, &link).await;
    let csrf = app.csrf(&browser, "/password/reset").await;
    let credentials = app.credentials_of(EMAIL);

    // Act: one minute past the default lifetime of 30 minutes.
    let lifetime = app.settings.tokens.reset_lifetime_secs;
    assert_eq!(lifetime, 30 * 60);
    app.clock.advance(Duration::from_secs(lifetime + 60));
    let submitted = app
        .post_form(
            &browser,
            "/password/reset",
            &[
                ("password", NEW_PASSWORD),
                ("password_confirm", NEW_PASSWORD),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    let submitted = Observed::of(submitted).await;
    let reopened = Observed::of(app.new_client().get(&link).send().await.unwrap()).await;
    let api = app
        .post_json(
            &app.new_client(),
            "/api/v1/password/reset",
            &json!({"token": token_of(&link), "password": NEW_PASSWORD}),
        )
        .await;

    // Assert
    assert_link_refused_page(&submitted);
    assert_link_refused_page(&reopened);
    assert_eq!(api.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"], "invalid_or_expired_link");
    assert_eq!(app.credentials_of(EMAIL), credentials, "nothing changed");
}

async fn a_reset_link_still_works_shortly_before_it_expires(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, OLD_PASSWORD);
    let link = app.mailed_reset_link(EMAIL, 1).await;

    // Act
    let lifetime = app.settings.tokens.reset_lifetime_secs;
    app.clock.advance(Duration::from_secs(lifetime - 60));
    app.reset_with(&link, NEW_PASSWORD).await;

    // Assert
    assert!(app.password_works(EMAIL, NEW_PASSWORD).await);
}

async fn fetching_a_reset_link_with_head_or_get_does_not_use_it_up(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, OLD_PASSWORD);
    let link = app.mailed_reset_link(EMAIL, 1).await;

    // Act: a mail scanner fetches the link over and over, each time anew.
    for _ in 0..10 {
        let head = app.new_client().head(&link).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::SEE_OTHER);
        let get = app.new_client().get(&link).send().await.unwrap();
        assert_eq!(get.status(), StatusCode::SEE_OTHER);
    }

    // Assert: the person can still use it.
    app.reset_with(&link, NEW_PASSWORD).await;
    assert!(app.password_works(EMAIL, NEW_PASSWORD).await);
}

async fn a_newer_reset_link_voids_the_older_one(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, OLD_PASSWORD);
    let first = app.mailed_reset_link(EMAIL, 1).await;
    let second = app.mailed_reset_link(EMAIL, 2).await;

    // Act
    let first_opened = Observed::of(app.new_client().get(&first).send().await.unwrap()).await;

    // Assert
    assert_ne!(token_of(&first), token_of(&second));
    assert_link_refused_page(&first_opened);
    app.reset_with(&second, NEW_PASSWORD).await;
    assert!(app.password_works(EMAIL, NEW_PASSWORD).await);
}

async fn a_forged_link_voids_the_session_s_link_and_leaves_other_sessions_alone(backend: Backend) {
    // Arrange: one browser holds a live link in its session, another only a sign-in form's
    // session (a CSRF token), and a forged link (one MAC character changed).
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, OLD_PASSWORD);
    let link = app.mailed_reset_link(EMAIL, 1).await;
    let mut forged = link.clone().into_bytes();
    let at = forged.len() - 2;
    forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    let holder = app.new_client();
    assert_eq!(
        holder.get(&link).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let bystander = app.new_client();
    app.csrf(&bystander, "/login").await;

    // Act
    let holder_forged = holder.get(&forged).send().await.unwrap();
    let bystander_forged = bystander.get(&forged).send().await.unwrap();

    // Assert: the holder's session lost its link (a new cookie says so); the bystander's
    // session was not rewritten (no cookie sent back), and both saw the same 400 page.
    assert_eq!(holder_forged.status(), StatusCode::BAD_REQUEST);
    assert!(holder_forged.headers().contains_key("set-cookie"));
    assert_eq!(bystander_forged.status(), StatusCode::BAD_REQUEST);
    assert!(
        !bystander_forged.headers().contains_key("set-cookie"),
        "{:?}",
        bystander_forged.headers()
    );
    let form = Observed::of(app.get(&holder, "/password/reset").await).await;
    assert_link_refused_page(&form);
}
