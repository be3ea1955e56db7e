//! Sessions: a reset ends the account's other sessions, and a cookie that
//! was tampered with is no session at all.

use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Client, StatusCode};
use storage::Backend;

use crate::helpers::{TestApp, csrf_in, spawn_app};
use crate::on_both_backends;

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "old password for ada";

on_both_backends!(
    a_reset_signs_out_the_accounts_other_sessions_only,
    a_tampered_session_cookie_counts_as_no_session,
    a_session_cookie_planted_before_sign_in_stays_anonymous,
);

async fn a_reset_signs_out_the_accounts_other_sessions_only(backend: Backend) {
    // Arrange: Ada is signed in on a laptop; Bob elsewhere.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    app.create_user("bob@example.com", "password of bob, long");
    let laptop = app.new_client();
    assert_eq!(
        app.sign_in(&laptop, EMAIL, PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    let bob = app.new_client();
    let signed_in = app
        .sign_in(&bob, "bob@example.com", "password of bob, long")
        .await;
    assert_eq!(signed_in, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&laptop, "/account").await.status(), StatusCode::OK);

    // Act: a reset from another browser.
    let link = app.mailed_reset_link(EMAIL, 1).await;
    app.reset_with(&link, "a completely new passphrase").await;

    // Assert
    let laptop_account = app.get(&laptop, "/account").await;
    assert_eq!(laptop_account.status(), StatusCode::SEE_OTHER);
    assert_eq!(laptop_account.headers()["location"], "/login");
    assert_eq!(app.get(&bob, "/account").await.status(), StatusCode::OK);
}

/// The session cookie's `name=value` from a response.
fn session_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lifeline_session="))
        .and_then(|v| v.split(';').next())
        .expect("session cookie set")
        .to_owned()
}

/// Signs in with a client that keeps no cookies and returns the signed-in
/// session cookie.
async fn signed_in_cookie(app: &TestApp, client: &Client) -> String {
    let login = client.get(app.url("/login")).send().await.unwrap();
    let anonymous = session_cookie(&login);
    let csrf = csrf_in(&login.text().await.unwrap()).unwrap();
    let response = client
        .post(app.url("/login"))
        .header(COOKIE, &anonymous)
        .form(&[
            ("email", EMAIL),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    session_cookie(&response)
}

/// Copies of `cookie` with one byte changed (at the start, middle and end of
/// the value), truncated, emptied and replaced by junk.
fn tampered(cookie: &str) -> Vec<String> {
    let (name, value) = cookie.split_once('=').unwrap();
    let flip = |at: usize| {
        let mut bytes = value.as_bytes().to_vec();
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        format!("{name}={}", String::from_utf8(bytes).unwrap())
    };
    vec![
        flip(0),
        flip(value.len() / 2),
        flip(value.len() - 1),
        format!("{name}={}", &value[..value.len() - 4]),
        format!("{name}="),
        format!("{name}=%%%not-base64"),
    ]
}

async fn a_tampered_session_cookie_counts_as_no_session(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let cookie = signed_in_cookie(&app, &client).await;
    let account = |cookie: String| {
        client
            .get(app.url("/account"))
            .header(COOKIE, cookie)
            .send()
    };
    assert_eq!(
        account(cookie.clone()).await.unwrap().status(),
        StatusCode::OK
    );

    for forged in tampered(&cookie) {
        // Act
        let page = account(forged.clone()).await.unwrap();
        let logout = client
            .post(app.url("/logout"))
            .header(COOKIE, &forged)
            .form(&[("csrf_token", "anything")])
            .send()
            .await
            .unwrap();
        let form = client
            .get(app.url("/password/forgot"))
            .header(COOKIE, &forged)
            .send()
            .await
            .unwrap();

        // Assert: anonymous, refused, and a working fresh session — never a 500.
        assert_eq!(page.status(), StatusCode::SEE_OTHER, "{forged}");
        assert_eq!(page.headers()["location"], "/login");
        assert_eq!(logout.status(), StatusCode::FORBIDDEN, "{forged}");
        assert_eq!(form.status(), StatusCode::OK, "{forged}");
        let fresh = session_cookie(&form);
        assert_ne!(fresh, forged);
    }
    assert_eq!(account(cookie).await.unwrap().status(), StatusCode::OK);
}

async fn a_session_cookie_planted_before_sign_in_stays_anonymous(backend: Backend) {
    // Arrange: an anonymous session cookie, as an attacker could plant it.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = client.get(app.url("/login")).send().await.unwrap();
    let planted = session_cookie(&login);
    let csrf = csrf_in(&login.text().await.unwrap()).unwrap();

    // Act: the victim signs in with the planted cookie.
    let response = client
        .post(app.url("/login"))
        .header(COOKIE, &planted)
        .form(&[
            ("email", EMAIL),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();

    // Assert: the sign-in issued a new session; the planted one is still nobody.
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let signed_in = session_cookie(&response);
    assert_ne!(signed_in, planted);
    let account = |cookie: &str| {
        client
            .get(app.url("/account"))
            .header(COOKIE, cookie.to_owned())
            .send()
    };
    let with_planted = account(&planted).await.unwrap();
    assert_eq!(with_planted.status(), StatusCode::SEE_OTHER);
    assert_eq!(with_planted.headers()["location"], "/login");
    assert_eq!(account(&signed_in).await.unwrap().status(), StatusCode::OK);
}
