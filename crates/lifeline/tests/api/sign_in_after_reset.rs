//! `password.sign_in_after_reset`: after a reset on the page, either a fresh signed-in
//! session (`true`) or the sign-in page with the address filled in (`false`, the default).

use reqwest::StatusCode;
use serde_json::json;
use storage::Backend;

use crate::helpers::{TestApp, spawn_app, spawn_app_with, token_of};
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";
const OLD: &str = "old password for ada";
const NEW: &str = "a completely new passphrase";

on_every_backend!(
    by_default_a_reset_leads_to_sign_in_with_the_address_filled_in,
    with_the_setting_on_a_reset_ends_signed_in_with_a_new_cookie,
    with_the_setting_on_the_api_reset_still_answers_204_without_a_session,
);

async fn with_sign_in_after_reset(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |f| f.merge(("password.sign_in_after_reset", true))).await
}

/// The session cookie's value set by a response, if any.
fn set_session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lifeline_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

async fn by_default_a_reset_leads_to_sign_in_with_the_address_filled_in(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, OLD);
    let link = app.mailed_reset_link(EMAIL, 1).await;
    let browser = app.browser();
    app.open_reset_link(&browser, &link).await;

    // Act
    let response = app.submit_new_password(&browser, NEW, NEW).await;

    // Assert: to /login, the address nowhere in the URL, filled in once.
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login");
    let login = app.get(&browser, "/login").await.text().await.unwrap();
    assert!(login.contains(&format!("value=\"{EMAIL}\"")), "{login}");
    assert!(login.contains("Sign in with your new password."), "{login}");
    let again = app.get(&browser, "/login").await.text().await.unwrap();
    assert!(!again.contains(EMAIL), "filled in once only: {again}");
    assert_eq!(
        app.get(&browser, "/account").await.status(),
        StatusCode::SEE_OTHER
    );
}

async fn with_the_setting_on_a_reset_ends_signed_in_with_a_new_cookie(backend: Backend) {
    // Arrange: Ada is also signed in on a laptop.
    let Some(app) = with_sign_in_after_reset(backend).await else {
        return;
    };
    app.create_user(EMAIL, OLD);
    let laptop = app.browser();
    app.sign_in(&laptop, EMAIL, OLD).await;
    let link = app.mailed_reset_link(EMAIL, 1).await;
    let browser = app.browser();
    let first_hop = browser.get(&link).send().await.unwrap();
    let before = set_session_cookie(&first_hop).expect("the link is held in a session");

    // Act
    let response = app.submit_new_password(&browser, NEW, NEW).await;

    // Assert: a new cookie, signed in on /account; the laptop is signed out.
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/account");
    let after = set_session_cookie(&response).expect("a new session cookie");
    assert_ne!(after, before);
    let account = app.get(&browser, "/account").await;
    assert_eq!(account.status(), StatusCode::OK);
    let html = account.text().await.unwrap();
    assert!(html.contains("You are signed in as"), "{html}");
    assert!(html.contains("Your password was changed"), "{html}");
    assert_eq!(
        app.get(&laptop, "/account").await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(app.password_works(EMAIL, NEW).await);
}

async fn with_the_setting_on_the_api_reset_still_answers_204_without_a_session(backend: Backend) {
    // Arrange
    let Some(app) = with_sign_in_after_reset(backend).await else {
        return;
    };
    app.create_user(EMAIL, OLD);
    let link = app.mailed_reset_link(EMAIL, 1).await;

    // Act
    let response = app
        .post_json(
            &app.new_client(),
            "/api/v1/password/reset",
            &json!({ "token": token_of(&link), "password": NEW }),
        )
        .await;

    // Assert: the API has no browser session to start.
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(set_session_cookie(&response), None);
    assert!(app.password_works(EMAIL, NEW).await);
}
