//! Every form refuses a submission without this session's CSRF token, and
//! such a submission changes nothing.

use reqwest::{Client, StatusCode};
use storage::Backend;

use crate::helpers::{TestApp, link_in, spawn_app};
use crate::on_every_backend;
use crate::sign_in_steps::hidden_field;

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "old password for ada";
const NEW_PASSWORD: &str = "a completely new passphrase";

on_every_backend!(
    the_forgot_password_form_refuses_a_bad_csrf_token,
    the_sign_in_form_refuses_a_bad_csrf_token,
    the_sign_out_form_refuses_a_bad_csrf_token,
    the_new_password_form_refuses_a_bad_csrf_token,
    the_not_me_form_refuses_a_bad_csrf_token,
    the_magic_link_form_refuses_a_bad_csrf_token,
    the_magic_link_sign_in_button_refuses_a_bad_csrf_token,
);

/// Submits `fields` to `path` from `victim` (whose session has its own CSRF
/// token) in every forged way, and checks each is refused: an empty token,
/// another session's token, a token without any session, and no token field.
async fn assert_forgeries_refused(
    app: &TestApp,
    victim: &Client,
    form_page: &str,
    path: &str,
    fields: &[(&str, &str)],
) {
    let own_token = app.csrf(victim, form_page).await;
    let attacker = app.new_client();
    let other_token = app.csrf(&attacker, "/password/forgot").await;
    assert_ne!(own_token, other_token, "sessions have their own tokens");
    let with = |token: &str| {
        let mut all = fields.to_vec();
        all.push(("csrf_token", token));
        all.into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect::<Vec<_>>()
    };
    let forgeries = [
        ("an empty token", victim, with("")),
        ("another session's token", victim, with(&other_token)),
        (
            "a token without a session",
            &app.new_client(),
            with(&other_token),
        ),
    ];
    for (what, client, body) in forgeries {
        let response = client.post(app.url(path)).form(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{what} on {path}");
        let html = response.text().await.unwrap();
        assert!(html.contains("This form has expired"), "{what}: {html}");
    }
    let without_field = app.post_form(victim, path, fields).await;
    assert_eq!(
        without_field.status(),
        StatusCode::BAD_REQUEST,
        "no token field on {path}"
    );
}

async fn the_forgot_password_form_refuses_a_bad_csrf_token(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let rows = app.row_counts();

    // Act / Assert
    let fields = [("email", EMAIL)];
    let victim = app.new_client();
    assert_forgeries_refused(
        &app,
        &victim,
        "/password/forgot",
        "/password/forgot",
        &fields,
    )
    .await;
    app.drain_outbox().await;
    assert_eq!(app.row_counts(), rows, "nothing written");
    assert!(app.sink.messages().is_empty(), "no mail");
}

async fn the_sign_in_form_refuses_a_bad_csrf_token(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let rows = app.row_counts();
    let victim = app.new_client();

    // Act
    let fields = [("email", EMAIL), ("password", PASSWORD)];
    assert_forgeries_refused(&app, &victim, "/login", "/login", &fields).await;

    // Assert: not signed in, no sign-in recorded.
    let account = app.get(&victim, "/account").await;
    assert_eq!(account.status(), StatusCode::SEE_OTHER);
    assert_eq!(account.headers()["location"], "/login");
    assert_eq!(app.row_counts(), rows, "nothing written");
}

async fn the_sign_out_form_refuses_a_bad_csrf_token(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let victim = app.new_client();
    assert_eq!(
        app.sign_in(&victim, EMAIL, PASSWORD).await,
        StatusCode::SEE_OTHER
    );

    // Act
    assert_forgeries_refused(&app, &victim, "/account", "/logout", &[]).await;

    // Assert: still signed in.
    assert_eq!(app.get(&victim, "/account").await.status(), StatusCode::OK);
}

async fn the_new_password_form_refuses_a_bad_csrf_token(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let link = app.mailed_reset_link(EMAIL, 1).await;
    let victim = app.new_client();
    app.open_reset_link(&victim, &link).await;
    app.drain_outbox().await;
    let (rows, credentials) = (app.row_counts(), app.credentials_of(EMAIL));

    // Act
    let fields = [
        ("password", NEW_PASSWORD),
        ("password_confirm", NEW_PASSWORD),
    ];
    let form = "/password/reset";
    assert_forgeries_refused(&app, &victim, form, form, &fields).await;

    // Assert: nothing changed, and the link still works.
    app.drain_outbox().await;
    assert_eq!(app.row_counts(), rows, "nothing written");
    assert_eq!(app.credentials_of(EMAIL), credentials);
    assert_eq!(app.sink.messages().len(), 1, "no password-changed mail");
    let response = app
        .submit_new_password(&victim, NEW_PASSWORD, NEW_PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

async fn the_not_me_form_refuses_a_bad_csrf_token(backend: Backend) {
    // Arrange: the "this wasn't me" link from a reset mail.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    app.request_reset(&app.new_client(), EMAIL).await;
    let mail = app.wait_for_mail(1).await.remove(0);
    let not_me = link_in(&app, &mail, "/password/not-me?token=");
    let reset = link_in(&app, &mail, "/password/reset?token=");
    app.drain_outbox().await;
    let (rows, credentials) = (app.row_counts(), app.credentials_of(EMAIL));

    // Act: the owner's browser holds the link; forged presses of its button.
    let victim = app.new_client();
    let page = app.open_link(&victim, &not_me).await.text().await.unwrap();
    let link = hidden_field(&page, "link").expect("link field");
    let fields = [("link", link.as_str())];
    let form_page = "/password/not-me";
    assert_forgeries_refused(&app, &victim, form_page, form_page, &fields).await;

    // Assert: the account was not locked down; its reset link still works.
    app.drain_outbox().await;
    assert_eq!(app.row_counts(), rows, "nothing written");
    assert_eq!(app.credentials_of(EMAIL), credentials);
    app.reset_with(&reset, NEW_PASSWORD).await;
}

async fn the_magic_link_form_refuses_a_bad_csrf_token(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let rows = app.row_counts();

    // Act
    let victim = app.new_client();
    let fields = [("email", EMAIL)];
    assert_forgeries_refused(&app, &victim, "/magic-link", "/magic-link", &fields).await;

    // Assert
    app.drain_outbox().await;
    assert_eq!(app.row_counts(), rows, "nothing written");
    assert!(app.sink.messages().is_empty(), "no mail");
}

async fn the_magic_link_sign_in_button_refuses_a_bad_csrf_token(backend: Backend) {
    // Arrange: the confirmation page of a live sign-in link.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let link = app.mailed_magic_link(&app.browser(), EMAIL, 1).await;
    app.drain_outbox().await;
    let rows = app.row_counts();

    // Act: the person's browser holds the link; forged presses of its button.
    let victim = app.browser();
    let page = app.open_link(&victim, &link).await.text().await.unwrap();
    let held = hidden_field(&page, "link").expect("link field");
    let fields = [("link", held.as_str())];
    let form_page = "/magic-link/verify";
    assert_forgeries_refused(&app, &victim, form_page, form_page, &fields).await;

    // Assert: nobody signed in, nothing written, and the link still works.
    app.drain_outbox().await;
    assert_eq!(app.row_counts(), rows, "nothing written");
    assert!(app.account_page(&victim).await.is_none());
    let signed_in = app.confirm_magic_link(&victim, &link).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
}
