//! Sessions: a reset ends the account's other sessions, and a cookie that
//! was tampered with is no session at all.

use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Client, StatusCode};
use storage::Backend;

use crate::helpers::{TestApp, csrf_in, spawn_app, spawn_app_with};
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "old password for ada";

on_every_backend!(
    a_reset_signs_out_the_accounts_other_sessions_only,
    a_tampered_session_cookie_counts_as_no_session,
    a_session_cookie_planted_before_sign_in_stays_anonymous,
    signing_out_ends_the_session_in_that_browser,
    the_csrf_token_of_the_anonymous_session_is_refused_after_sign_in,
    the_session_cookie_is_http_only_same_site_lax_and_scoped_to_lifeline,
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

async fn signing_out_ends_the_session_in_that_browser(backend: Backend) {
    // Arrange: Ada is signed in.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let browser = app.new_client();
    assert_eq!(
        app.sign_in(&browser, EMAIL, PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.get(&browser, "/account").await.status(), StatusCode::OK);

    // Act
    let csrf = app.csrf(&browser, "/account").await;
    let logout = app
        .post_form(&browser, "/logout", &[("csrf_token", &csrf)])
        .await;

    // Assert: sent to the sign-in page, and the account page is closed.
    assert_eq!(logout.status(), StatusCode::SEE_OTHER);
    assert_eq!(logout.headers()["location"], "/login");
    let account = app.get(&browser, "/account").await;
    assert_eq!(account.status(), StatusCode::SEE_OTHER);
    assert_eq!(account.headers()["location"], "/login");
}

async fn the_csrf_token_of_the_anonymous_session_is_refused_after_sign_in(backend: Backend) {
    // Arrange: a CSRF token from before sign-in, as a page left open would hold it.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let browser = app.new_client();
    let before = app.csrf(&browser, "/login").await;
    assert_eq!(
        app.sign_in(&browser, EMAIL, PASSWORD).await,
        StatusCode::SEE_OTHER
    );

    // Act
    let with_old_token = app
        .post_form(&browser, "/logout", &[("csrf_token", &before)])
        .await;

    // Assert: the sign-in renewed the session and its CSRF token; the new one works.
    assert_eq!(with_old_token.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get(&browser, "/account").await.status(), StatusCode::OK);
    let after = app.csrf(&browser, "/account").await;
    assert_ne!(after, before);
    let with_new_token = app
        .post_form(&browser, "/logout", &[("csrf_token", &after)])
        .await;
    assert_eq!(with_new_token.status(), StatusCode::SEE_OTHER);
}

async fn the_session_cookie_is_http_only_same_site_lax_and_scoped_to_lifeline(backend: Backend) {
    // Arrange: one app on plain http (local development), one behind https.
    let Some(local) = spawn_app(backend).await else {
        return;
    };
    let public = spawn_app_with(backend, |f| {
        f.merge(("server.public_url", "https://lifeline.test"))
    })
    .await
    .unwrap();

    // Act
    let on_http = session_cookie_attributes(&local).await;
    let on_https = session_cookie_attributes(&public).await;

    // Assert: no script can read it, other sites' forms do not carry it, and it
    // is Secure whenever the service is served over https (on plain http a
    // Secure cookie would be dropped by the browser).
    for attributes in [&on_http, &on_https] {
        assert!(attributes.iter().any(|a| a == "httponly"), "{attributes:?}");
        assert!(
            attributes.iter().any(|a| a == "samesite=lax"),
            "{attributes:?}"
        );
        assert!(attributes.iter().any(|a| a == "path=/"), "{attributes:?}");
    }
    assert!(!on_http.iter().any(|a| a == "secure"), "{on_http:?}");
    assert!(on_https.iter().any(|a| a == "secure"), "{on_https:?}");
}

/// The attributes of the session cookie a first visit to `/login` gets, lower-cased.
async fn session_cookie_attributes(app: &TestApp) -> Vec<String> {
    let login = app
        .new_client()
        .get(app.url("/login"))
        .send()
        .await
        .unwrap();
    let cookie = login
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lifeline_session="))
        .expect("session cookie set")
        .to_owned();
    cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect()
}
