//! Server-side session records: each sign-in is listed on `/account/sessions`
//! and can be ended on its own, from that page, without touching the others;
//! the cookie holds only a secret whose keyed hash is stored.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Client, StatusCode};
use storage::Backend;
use storage::sessions::{self, Method, SessionRecord};

use crate::helpers::{TestApp, csrf_in, spawn_app};
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "old password for ada";
const BOB: &str = "bob@example.com";
const BOB_PASSWORD: &str = "password of bob, long";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

on_every_backend!(
    signing_in_records_a_session_listed_on_the_sessions_page,
    a_magic_link_sign_in_is_recorded_as_such,
    ending_one_session_signs_out_exactly_that_browser,
    ending_the_current_session_from_the_page_signs_this_browser_out,
    signing_out_everywhere_else_keeps_only_this_browser,
    another_accounts_session_cannot_be_ended,
    a_password_reset_still_ends_every_session,
    a_session_ends_after_12_idle_hours_and_use_keeps_it_alive,
    signing_out_deletes_the_record,
    the_cookie_never_holds_the_secret_or_its_hash_in_clear,
    anonymous_visitors_are_sent_to_sign_in,
);

/// A browser with its own cookie jar and `user_agent`.
fn browser(user_agent: &str) -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent)
        .build()
        .unwrap()
}

/// `email`'s live session records, most recently seen first.
fn records(app: &TestApp, email: &str) -> Vec<SessionRecord> {
    let address = storage::EmailAddress::parse(email).unwrap();
    let conn = &mut app.db.conn().unwrap();
    let user = storage::users::find_by_email(conn, &address)
        .unwrap()
        .unwrap();
    sessions::list_for_user(conn, user.id, user.auth_epoch, app.now()).unwrap()
}

/// Every stored session row, live or not.
fn row_count(app: &TestApp) -> i64 {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query("SELECT COUNT(*) AS n FROM sessions")
        .get_result::<Count>(&mut *app.db.conn().unwrap())
        .unwrap()
        .n
}

async fn signed_in(app: &TestApp, client: &Client, email: &str, password: &str) {
    assert_eq!(
        app.sign_in(client, email, password).await,
        StatusCode::SEE_OTHER
    );
}

/// The sessions page as `client` sees it.
async fn sessions_page(app: &TestApp, client: &Client) -> String {
    let response = app.get(client, "/account/sessions").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

async fn is_signed_in(app: &TestApp, client: &Client) -> bool {
    match app.get(client, "/account").await.status() {
        StatusCode::OK => true,
        StatusCode::SEE_OTHER => false,
        other => panic!("unexpected {other}"),
    }
}

/// Posts "Sign out" for session `id` from `client`, as its sessions page does.
async fn end_session(app: &TestApp, client: &Client, id: i64) -> reqwest::Response {
    // The session's CSRF token, from a page that always has a form.
    let csrf = app.csrf(client, "/account").await;
    let id = id.to_string();
    app.post_form(
        client,
        "/account/sessions/revoke",
        &[("session", id.as_str()), ("csrf_token", &csrf)],
    )
    .await
}

async fn signing_in_records_a_session_listed_on_the_sessions_page(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let (laptop, phone) = (browser(FIREFOX), browser(CHROME));

    // Act
    signed_in(&app, &laptop, EMAIL, PASSWORD).await;
    signed_in(&app, &phone, EMAIL, PASSWORD).await;

    // Assert: two records, with what the page shows.
    let stored = records(&app, EMAIL);
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|s| s.method == Method::Password));
    assert!(stored.iter().all(|s| s.ip.as_deref() == Some("127.0.0.1")));
    let html = sessions_page(&app, &laptop).await;
    let this_browser = "Firefox on Linux <span class=\"this-browser\">(this browser)</span>";
    assert!(html.contains(this_browser), "{html}");
    assert!(html.contains("Chrome on Windows 10"), "{html}");
    assert!(html.contains("from 127.0.0.1"), "{html}");
    assert_eq!(html.matches("(this browser)").count(), 1);
    assert_eq!(
        html.matches("name=\"session\"").count(),
        1,
        "no button for this browser"
    );
    let started = stored[0]
        .created_at
        .and_utc()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    assert!(html.contains(&format!("datetime=\"{started}\"")), "{html}");
    let account = app.get(&laptop, "/account").await.text().await.unwrap();
    assert!(account.contains("href=\"/account/sessions\""));
}

async fn a_magic_link_sign_in_is_recorded_as_such(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let client = app.browser();
    let link = app.mailed_magic_link(&client, EMAIL, 1).await;

    // Act
    let response = app.confirm_magic_link(&client, &link).await;

    // Assert
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let stored = records(&app, EMAIL);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].method, Method::MagicLink);
    let html = sessions_page(&app, &client).await;
    assert!(html.contains("Signed in with an email link"), "{html}");
}

async fn ending_one_session_signs_out_exactly_that_browser(backend: Backend) {
    // Arrange: Ada on a laptop, a phone and a tablet.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let (laptop, phone, tablet) = (browser(FIREFOX), browser(CHROME), browser(CHROME));
    signed_in(&app, &laptop, EMAIL, PASSWORD).await;
    signed_in(&app, &phone, EMAIL, PASSWORD).await;
    let phone_id = records(&app, EMAIL)[0].id;
    signed_in(&app, &tablet, EMAIL, PASSWORD).await;

    // Act
    let response = end_session(&app, &laptop, phone_id).await;

    // Assert
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/account/sessions");
    // The page it redirects to says so (first: the notice is shown once, on any page).
    let html = sessions_page(&app, &laptop).await;
    assert!(html.contains("That session is signed out."), "{html}");
    assert!(!is_signed_in(&app, &phone).await);
    assert!(is_signed_in(&app, &laptop).await);
    assert!(is_signed_in(&app, &tablet).await);
    let left: Vec<i64> = records(&app, EMAIL).iter().map(|s| s.id).collect();
    assert!(!left.contains(&phone_id) && left.len() == 2);
}

async fn ending_the_current_session_from_the_page_signs_this_browser_out(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let (laptop, phone) = (browser(FIREFOX), browser(CHROME));
    signed_in(&app, &laptop, EMAIL, PASSWORD).await;
    signed_in(&app, &phone, EMAIL, PASSWORD).await;
    let laptop_id = records(&app, EMAIL)[1].id;

    let response = end_session(&app, &laptop, laptop_id).await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login");
    assert!(!is_signed_in(&app, &laptop).await);
    assert!(is_signed_in(&app, &phone).await);
}

async fn signing_out_everywhere_else_keeps_only_this_browser(backend: Backend) {
    // Arrange: Ada in three browsers, Bob in one.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    app.create_user(BOB, BOB_PASSWORD);
    let (laptop, phone, tablet, bob) = (
        browser(FIREFOX),
        browser(CHROME),
        browser(CHROME),
        browser(FIREFOX),
    );
    for client in [&laptop, &phone, &tablet] {
        signed_in(&app, client, EMAIL, PASSWORD).await;
    }
    signed_in(&app, &bob, BOB, BOB_PASSWORD).await;
    let csrf = csrf_in(&sessions_page(&app, &laptop).await).unwrap();

    // Act
    let response = app
        .post_form(
            &laptop,
            "/account/sessions/revoke-others",
            &[("csrf_token", &csrf)],
        )
        .await;

    // Assert
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/account/sessions");
    // The page it redirects to says so (first: the notice is shown once, on any page).
    let html = sessions_page(&app, &laptop).await;
    assert!(html.contains("2 other sessions are signed out."), "{html}");
    assert!(html.contains("No other browser is signed in."), "{html}");
    assert!(is_signed_in(&app, &laptop).await);
    assert!(!is_signed_in(&app, &phone).await);
    assert!(!is_signed_in(&app, &tablet).await);
    assert!(is_signed_in(&app, &bob).await);
    assert_eq!(records(&app, EMAIL).len(), 1);
}

async fn another_accounts_session_cannot_be_ended(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    app.create_user(BOB, BOB_PASSWORD);
    let (ada, bob) = (browser(FIREFOX), browser(CHROME));
    signed_in(&app, &ada, EMAIL, PASSWORD).await;
    signed_in(&app, &bob, BOB, BOB_PASSWORD).await;
    let bob_id = records(&app, BOB)[0].id;
    let csrf = app.csrf(&ada, "/account").await;

    // Act: Bob's id, an id that does not exist, and one that is no number.
    let foreign = end_session(&app, &ada, bob_id).await;
    let missing = end_session(&app, &ada, bob_id + 1000).await;
    let garbage = app
        .post_form(
            &ada,
            "/account/sessions/revoke",
            &[("session", "1 OR 1=1"), ("csrf_token", &csrf)],
        )
        .await;

    // Assert: refused, and nothing ended.
    assert_eq!(foreign.status(), StatusCode::BAD_REQUEST);
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
    assert!(is_signed_in(&app, &bob).await);
    assert!(is_signed_in(&app, &ada).await);
    assert_eq!(row_count(&app), 2);
}

async fn a_password_reset_still_ends_every_session(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let (laptop, phone) = (browser(FIREFOX), browser(CHROME));
    signed_in(&app, &laptop, EMAIL, PASSWORD).await;
    signed_in(&app, &phone, EMAIL, PASSWORD).await;

    // Act
    let link = app.mailed_reset_link(EMAIL, 1).await;
    app.reset_with(&link, "a completely new passphrase").await;

    // Assert: both ended, and the list starts afresh with the next sign-in.
    assert!(!is_signed_in(&app, &laptop).await);
    assert!(!is_signed_in(&app, &phone).await);
    assert!(records(&app, EMAIL).is_empty());
    signed_in(&app, &phone, EMAIL, "a completely new passphrase").await;
    assert_eq!(records(&app, EMAIL).len(), 1);
}

async fn a_session_ends_after_12_idle_hours_and_use_keeps_it_alive(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let (used, idle) = (browser(FIREFOX), browser(CHROME));
    signed_in(&app, &used, EMAIL, PASSWORD).await;
    signed_in(&app, &idle, EMAIL, PASSWORD).await;
    let hours = |n: u64| Duration::from_secs(n * 3600);

    // Act: one browser is used after 11 hours; both are asked 2 hours later.
    app.clock.advance(hours(11));
    assert!(is_signed_in(&app, &used).await);
    app.clock.advance(hours(2));

    // Assert
    assert!(is_signed_in(&app, &used).await);
    assert!(!is_signed_in(&app, &idle).await);
    let live = records(&app, EMAIL);
    assert_eq!(live.len(), 1);
    assert!(live[0].last_seen_at >= live[0].created_at + chrono::TimeDelta::hours(13));
    // The expired row goes with the purge.
    let purged = sessions::purge_expired(&mut app.db.conn().unwrap(), app.now()).unwrap();
    assert_eq!((purged, row_count(&app)), (1, 1));
}

async fn signing_out_deletes_the_record(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let client = browser(FIREFOX);
    signed_in(&app, &client, EMAIL, PASSWORD).await;
    let csrf = csrf_in(&app.get(&client, "/account").await.text().await.unwrap()).unwrap();

    let response = app
        .post_form(&client, "/logout", &[("csrf_token", &csrf)])
        .await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(row_count(&app), 0);
    assert!(!is_signed_in(&app, &client).await);
}

/// Every form a stored hash could take in a header.
fn encodings(bytes: &[u8]) -> Vec<String> {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    vec![
        hex.clone(),
        hex.to_uppercase(),
        URL_SAFE_NO_PAD.encode(bytes),
        STANDARD.encode(bytes),
    ]
}

async fn the_cookie_never_holds_the_secret_or_its_hash_in_clear(backend: Backend) {
    // Arrange: a client without a cookie jar, so the signed-in cookie can be read.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = client.get(app.url("/login")).send().await.unwrap();
    let anonymous = cookie_of(&login);
    let csrf = csrf_in(&login.text().await.unwrap()).unwrap();

    // Act
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

    // Assert: the cookie is encrypted: no stored hash, no readable key, and the
    // cookie alone signs in.
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = cookie_of(&response);
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Hash {
        #[diesel(sql_type = diesel::sql_types::Binary)]
        secret_hash: Vec<u8>,
    }
    let stored = diesel::sql_query("SELECT secret_hash FROM sessions")
        .load::<Hash>(&mut *app.db.conn().unwrap())
        .unwrap();
    assert_eq!(stored.len(), 1);
    for form in encodings(&stored[0].secret_hash) {
        assert!(!cookie.contains(&form), "stored hash in the cookie");
    }
    let account = client
        .get(app.url("/account"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(account.status(), StatusCode::OK);
}

/// The `lifeline_session=…` pair a response sets.
fn cookie_of(response: &reqwest::Response) -> String {
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

async fn anonymous_visitors_are_sent_to_sign_in(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let client = browser(FIREFOX);

    let page = app.get(&client, "/account/sessions").await;
    let csrf = app.csrf(&client, "/login").await;
    let revoke = app
        .post_form(
            &client,
            "/account/sessions/revoke",
            &[("session", "1"), ("csrf_token", &csrf)],
        )
        .await;
    let others = app
        .post_form(
            &client,
            "/account/sessions/revoke-others",
            &[("csrf_token", &csrf)],
        )
        .await;

    for response in [page, revoke, others] {
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()["location"], "/login");
    }
}
