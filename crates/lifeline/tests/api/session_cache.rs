//! The in-process session cache (`server.session_cache_secs`): a session this process
//! checked is answered from memory for a few seconds, everything this process does that ends
//! sessions is seen at the next request, and a session ended by another process stops
//! working here once its entry is that old.

use std::time::Duration;

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use storage::Backend;
use storage::sessions;

use crate::admin_support::{call, full_key};
use crate::helpers::{TestApp, link_in, spawn_app, spawn_app_with};
use crate::on_every_backend;

on_every_backend!(
    a_session_ended_by_another_process_works_here_until_its_entry_is_old_enough,
    without_the_cache_a_session_ended_elsewhere_stops_at_once,
    admin_api_actions_end_cached_sessions_at_once,
    password_changes_resets_lock_downs_and_the_sessions_page_end_cached_sessions_at_once,
);

const PASSWORD: &str = "a cached session's password";
const SESSION: &str = "/api/v1/session";

fn api_client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs `email` in through the API; the token and the session's id.
async fn token_for(app: &TestApp, email: &str, password: &str) -> (String, i64) {
    let response = app
        .post_json(
            &api_client(),
            SESSION,
            &json!({ "email": email, "password": password }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    (token, body["session"]["id"].as_i64().unwrap())
}

/// The status `GET /api/v1/session` answers with `token`.
async fn whoami(app: &TestApp, token: &str) -> StatusCode {
    api_client()
        .get(app.url(SESSION))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

/// A token of `email` that this process has just checked (so it is in the cache).
async fn checked_token(app: &TestApp, email: &str, password: &str) -> (String, i64) {
    let (token, id) = token_for(app, email, password).await;
    assert_eq!(whoami(app, &token).await, StatusCode::OK, "{email}");
    (token, id)
}

async fn a_session_ended_by_another_process_works_here_until_its_entry_is_old_enough(
    backend: Backend,
) {
    // Arrange: a checked session, then its record ended in the database, as another instance
    // or `lifeline sessions revoke` would.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let ada = app.create_user("ada@example.com", PASSWORD);
    let (token, id) = checked_token(&app, "ada@example.com", PASSWORD).await;
    assert!(sessions::revoke(&mut app.db.conn().unwrap(), ada.id, id).unwrap());

    // Act / Assert: believed for the rest of the default 5 seconds, then asked again.
    app.clock.advance(Duration::from_secs(4));
    assert_eq!(whoami(&app, &token).await, StatusCode::OK);
    app.clock.advance(Duration::from_secs(1));
    assert_eq!(whoami(&app, &token).await, StatusCode::UNAUTHORIZED);
}

async fn without_the_cache_a_session_ended_elsewhere_stops_at_once(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app_with(backend, |f| f.merge(("server.session_cache_secs", 0))).await
    else {
        return;
    };
    let ada = app.create_user("ada@example.com", PASSWORD);
    let (token, id) = checked_token(&app, "ada@example.com", PASSWORD).await;

    // Act
    assert!(sessions::revoke(&mut app.db.conn().unwrap(), ada.id, id).unwrap());

    // Assert
    assert_eq!(whoami(&app, &token).await, StatusCode::UNAUTHORIZED);
}

async fn admin_api_actions_end_cached_sessions_at_once(backend: Backend) {
    // Arrange: one account per action, each with a checked session.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let key = full_key(&app);
    let actions: [(&str, Method, &str, Option<Value>); 5] = [
        (
            "one@example.com",
            Method::DELETE,
            "/sessions/{session}",
            None,
        ),
        ("all@example.com", Method::DELETE, "/sessions", None),
        ("disabled@example.com", Method::POST, "/disable", None),
        (
            "password@example.com",
            Method::PUT,
            "/password",
            Some(json!({ "password": "a help desk's new passphrase" })),
        ),
        ("deleted@example.com", Method::DELETE, "", None),
    ];
    for (email, method, action, body) in actions {
        let user = app.create_user(email, PASSWORD);
        let (token, session) = checked_token(&app, email, PASSWORD).await;

        // Act
        let path =
            format!("/accounts/{}{action}", user.id).replace("{session}", &session.to_string());
        let done = call(&app, Some(&key), method, &path, body.as_ref()).await;
        assert!(done.status().is_success(), "{path}: {}", done.status());

        // Assert: the very next request, with no time passed.
        assert_eq!(
            whoami(&app, &token).await,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
}

async fn password_changes_resets_lock_downs_and_the_sessions_page_end_cached_sessions_at_once(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let email = "ada@example.com";
    app.create_user(email, PASSWORD);

    // Signing out.
    let (token, _) = checked_token(&app, email, PASSWORD).await;
    let out = api_client()
        .delete(app.url(SESSION))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        whoami(&app, &token).await,
        StatusCode::UNAUTHORIZED,
        "sign-out"
    );

    // "Sign out other sessions" on the sessions page.
    let (token, _) = checked_token(&app, email, PASSWORD).await;
    let browser = app.browser();
    assert_eq!(
        app.sign_in(&browser, email, PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    let csrf = app.csrf(&browser, "/account/sessions").await;
    let others = app
        .post_form(
            &browser,
            "/account/sessions/revoke-others",
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(others.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        whoami(&app, &token).await,
        StatusCode::UNAUTHORIZED,
        "sessions page"
    );

    // Changing the password while signed in (mail 1: "password changed").
    let (token, _) = checked_token(&app, email, PASSWORD).await;
    let changed = "the second passphrase of ada";
    let change = app
        .change_password(&browser, PASSWORD, changed, changed)
        .await;
    assert_eq!(change.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        whoami(&app, &token).await,
        StatusCode::UNAUTHORIZED,
        "password change"
    );
    app.wait_for_mail(1).await;

    // A reset (mail 2: the link; mail 3: "password changed").
    let (token, _) = checked_token(&app, email, changed).await;
    let link = app.mailed_reset_link(email, 2).await;
    let reset = "the third passphrase of ada";
    app.reset_with(&link, reset).await;
    assert_eq!(
        whoami(&app, &token).await,
        StatusCode::UNAUTHORIZED,
        "reset"
    );

    // "This wasn't me" from the reset's "password changed" mail.
    let not_me = link_in(
        &app,
        &app.wait_for_mail(3).await.remove(2),
        "/password/not-me?token=lc1_",
    );
    let (token, _) = checked_token(&app, email, reset).await;
    let stranger = app.new_client();
    let page = app.open_link(&stranger, &not_me).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let done = app
        .press_confirm(&stranger, "/password/not-me", &html)
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    assert_eq!(
        whoami(&app, &token).await,
        StatusCode::UNAUTHORIZED,
        "lock-down"
    );
}
