//! `/api/v1/session`: who is signed in, by the session cookie or a bearer session token;
//! signing in and out through the JSON API; `server.cookie_domain`; absolute `next` URLs on
//! allow-listed origins.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use diesel::RunQueryDsl;
use reqwest::header::{AUTHORIZATION, HeaderValue, SET_COOKIE};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};
use storage::Backend;
use storage::sessions;

use crate::db_rows::RowCounts;
use crate::helpers::{TestApp, csrf_in, spawn_app, spawn_app_with, test_figment, token_of};
use crate::on_every_backend;

const ADA: &str = "ada@example.com";
const PASSWORD: &str = "ada's long password";
const SESSION: &str = "/api/v1/session";

on_every_backend!(
    the_session_cookie_answers_who_is_signed_in,
    a_token_from_the_api_signs_in_like_a_cookie_and_is_stored_only_hashed,
    wrong_credentials_get_invalid_credentials_and_no_session,
    api_sign_ins_share_the_sign_in_limit,
    signing_out_ends_exactly_that_session_by_token_or_cookie,
    ended_and_expired_sessions_are_unauthenticated_and_use_keeps_one_alive,
    a_disabled_accounts_sessions_are_unauthenticated,
    malformed_authorization_headers_are_401_never_500,
    the_session_endpoint_answers_only_its_methods,
    the_cookie_domain_is_sent_only_when_configured,
    an_absolute_next_is_followed_only_on_an_allowed_origin,
    a_magic_link_verified_through_the_api_hands_out_a_token_when_asked,
);

/// A plain API client: no cookies.
fn api_client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn sign_in_api(app: &TestApp, client: &Client, email: &str, password: &str) -> Response {
    app.post_json(
        client,
        SESSION,
        &json!({ "email": email, "password": password }),
    )
    .await
}

/// Signs in through the API and returns the session token and the body.
async fn token_for(app: &TestApp, email: &str, password: &str) -> (String, Value) {
    let response = sign_in_api(app, &api_client(), email, password).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    (body["token"].as_str().unwrap().to_owned(), body)
}

async fn whoami(app: &TestApp, client: &Client, token: Option<&str>) -> Response {
    let mut request = client.get(app.url(SESSION));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn sign_out(app: &TestApp, client: &Client, token: Option<&str>) -> Response {
    let mut request = client.delete(app.url(SESSION));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// Asserts a 401 `unauthenticated` JSON answer with its challenge.
async fn assert_unauthenticated(response: Response, what: &str) {
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
    assert_eq!(response.headers()["www-authenticate"], "Bearer", "{what}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "unauthenticated", "{what}");
}

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn user_id(app: &TestApp, email: &str) -> i64 {
    let address = storage::EmailAddress::parse(email).unwrap();
    storage::users::find_by_email(&mut app.db.conn().unwrap(), &address)
        .unwrap()
        .unwrap()
        .id
}

fn session_ids(app: &TestApp, email: &str) -> Vec<i64> {
    let address = storage::EmailAddress::parse(email).unwrap();
    let conn = &mut app.db.conn().unwrap();
    let user = storage::users::find_by_email(conn, &address)
        .unwrap()
        .unwrap();
    sessions::list_for_user(conn, user.id, user.auth_epoch, app.now())
        .unwrap()
        .into_iter()
        .map(|record| record.id)
        .collect()
}

async fn the_session_cookie_answers_who_is_signed_in(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let browser = app.browser();
    assert_eq!(
        app.sign_in(&browser, ADA, PASSWORD).await,
        StatusCode::SEE_OTHER
    );

    // Act
    let response = whoami(&app, &browser, None).await;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["user"],
        json!({ "id": user_id(&app, ADA), "email": ADA })
    );
    assert_eq!(body["session"]["id"], session_ids(&app, ADA)[0]);
    assert_eq!(body["session"]["method"], "password");
    let (began, ends) = (
        time(&body["session"]["signed_in_at"]),
        time(&body["session"]["expires_at"]),
    );
    assert_eq!(ends - began, TimeDelta::hours(12));
    assert!((began - Utc::now()).num_seconds().abs() < 60, "{began}");
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["session", "user"]);
    assert_unauthenticated(whoami(&app, &app.browser(), None).await, "no cookie").await;
}

async fn a_token_from_the_api_signs_in_like_a_cookie_and_is_stored_only_hashed(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let audit_before = app.row_counts().audit_events;

    // Act
    let response = sign_in_api(&app, &api_client(), ADA, PASSWORD).await;
    let set_cookie = response.headers().get(SET_COOKIE).cloned();
    assert_eq!(response.status(), StatusCode::CREATED);
    let issued: Value = response.json().await.unwrap();
    let token = issued["token"].as_str().unwrap();
    let seen = whoami(&app, &api_client(), Some(token)).await;

    // Assert: a token, no cookie; the GET answers the same account and session.
    assert!(set_cookie.is_none(), "{set_cookie:?}");
    assert!(token.starts_with("lls1_") && token.len() == 48, "{token}");
    assert_eq!(seen.status(), StatusCode::OK);
    let seen: Value = seen.json().await.unwrap();
    assert_eq!(seen["user"], issued["user"]);
    assert_eq!(seen["session"], issued["session"]);
    assert_eq!(issued["user"]["email"], ADA);
    assert_eq!(issued["session"]["method"], "password");
    // One session record, listed like a browser's, and the sign-in audited once.
    assert_eq!(
        session_ids(&app, ADA),
        [issued["session"]["id"].as_i64().unwrap()]
    );
    assert_eq!(app.row_counts().audit_events, audit_before + 1);
    // The table holds neither the token nor its secret part.
    let conn = &mut app.db.conn().unwrap();
    #[derive(diesel::QueryableByName)]
    struct Hash {
        #[diesel(sql_type = diesel::sql_types::Binary)]
        secret_hash: Vec<u8>,
    }
    let stored = diesel::sql_query("SELECT secret_hash FROM sessions")
        .get_result::<Hash>(&mut **conn)
        .unwrap()
        .secret_hash;
    assert_eq!(stored.len(), 32);
    assert!(
        !stored
            .windows(8)
            .any(|w| token.as_bytes().windows(8).any(|t| t == w))
    );
    // The token is not a cookie's secret: sent as a cookie value it signs nobody in.
    let as_cookie = api_client()
        .get(app.url(SESSION))
        .header("cookie", format!("lifeline_session={token}"))
        .send()
        .await
        .unwrap();
    assert_unauthenticated(as_cookie, "token as a cookie").await;
}

async fn wrong_credentials_get_invalid_credentials_and_no_session(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let before = app.row_counts();

    for (email, password) in [
        (ADA, "not ada's password"),
        ("eve@example.com", PASSWORD),
        ("not an address", PASSWORD),
        ("", ""),
    ] {
        // Act
        let response = sign_in_api(&app, &api_client(), email, password).await;

        // Assert
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{email}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid_credentials", "{email}");
    }
    // No session, no audit event: only the attempts counted against each well-formed
    // address's sign-in budget (one counter per address, shared by every instance); the two
    // malformed ones match no account and are counted in memory only.
    let after = app.row_counts();
    assert_eq!(after.throttles, before.throttles + 2);
    assert_eq!(
        RowCounts {
            throttles: before.throttles,
            ..after
        },
        before
    );
}

async fn api_sign_ins_share_the_sign_in_limit(backend: Backend) {
    // Arrange: two attempts per account per 15 minutes, page and API together.
    let Some(app) = spawn_app_with(backend, |f| f.merge(("limits.login_per_account", 2))).await
    else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    assert_eq!(
        app.sign_in(&app.browser(), ADA, "a wrong password").await,
        StatusCode::UNAUTHORIZED
    );
    let second = sign_in_api(&app, &api_client(), ADA, "another wrong one").await;
    assert_eq!(second.status(), StatusCode::UNAUTHORIZED);

    // Act: the right password, over the limit.
    let third = sign_in_api(&app, &api_client(), ADA, PASSWORD).await;

    // Assert
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(third.headers().contains_key("retry-after"));
    let body: Value = third.json().await.unwrap();
    assert_eq!(body["error"], "too_many_requests");
    assert!(session_ids(&app, ADA).is_empty());
}

async fn signing_out_ends_exactly_that_session_by_token_or_cookie(backend: Backend) {
    // Arrange: two tokens and a browser, all of one account.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let (first, _) = token_for(&app, ADA, PASSWORD).await;
    let (second, _) = token_for(&app, ADA, PASSWORD).await;
    let browser = app.browser();
    app.sign_in(&browser, ADA, PASSWORD).await;
    let client = api_client();

    // Act / Assert: the first token signs out; the others stay.
    assert_eq!(
        sign_out(&app, &client, Some(&first)).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_unauthenticated(whoami(&app, &client, Some(&first)).await, "signed out").await;
    assert_unauthenticated(sign_out(&app, &client, Some(&first)).await, "twice").await;
    assert_eq!(
        whoami(&app, &client, Some(&second)).await.status(),
        StatusCode::OK
    );
    assert_eq!(whoami(&app, &browser, None).await.status(), StatusCode::OK);

    // Act / Assert: the browser signs out by cookie; its cookie is dropped.
    let out = sign_out(&app, &browser, None).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert!(
        out.headers().contains_key(SET_COOKIE),
        "the cookie is dropped"
    );
    assert_unauthenticated(whoami(&app, &browser, None).await, "cookie signed out").await;
    assert_eq!(
        whoami(&app, &client, Some(&second)).await.status(),
        StatusCode::OK
    );
    assert_eq!(session_ids(&app, ADA).len(), 1);
}

async fn ended_and_expired_sessions_are_unauthenticated_and_use_keeps_one_alive(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let (revoked, body) = token_for(&app, ADA, PASSWORD).await;
    let (idle, _) = token_for(&app, ADA, PASSWORD).await;
    let (used, _) = token_for(&app, ADA, PASSWORD).await;
    let client = api_client();

    // Act / Assert: a record ended from elsewhere (the sessions page, the command line).
    let id = body["session"]["id"].as_i64().unwrap();
    assert!(sessions::revoke(&mut app.db.conn().unwrap(), user_id(&app, ADA), id).unwrap());
    assert_unauthenticated(whoami(&app, &client, Some(&revoked)).await, "revoked").await;

    // Act / Assert: 11 hours later one token is used, which moves its end.
    app.clock.advance(Duration::from_secs(11 * 3600));
    let seen = whoami(&app, &client, Some(&used)).await;
    assert_eq!(seen.status(), StatusCode::OK);
    let seen: Value = seen.json().await.unwrap();
    let moved = time(&seen["session"]["expires_at"]) - time(&seen["session"]["signed_in_at"]);
    assert_eq!(moved, TimeDelta::hours(23));

    // 2 more hours: the idle token has expired, the used one has not.
    app.clock.advance(Duration::from_secs(2 * 3600));
    assert_unauthenticated(whoami(&app, &client, Some(&idle)).await, "expired").await;
    assert_eq!(
        whoami(&app, &client, Some(&used)).await.status(),
        StatusCode::OK
    );
}

async fn a_disabled_accounts_sessions_are_unauthenticated(backend: Backend) {
    // Arrange: the account is disabled in its table behind Lifeline's back (as a host
    // application's own table may be), so its session records are still there.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let (token, _) = token_for(&app, ADA, PASSWORD).await;
    let browser = app.browser();
    app.sign_in(&browser, ADA, PASSWORD).await;
    diesel::sql_query("UPDATE users SET disabled_at = created_at")
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
    // The browser's session was checked on its way to the account page: this instance
    // believes it until its cache entry is `server.session_cache_secs` (5) old.
    app.clock.advance(Duration::from_secs(5));

    // Act / Assert
    assert_unauthenticated(whoami(&app, &api_client(), Some(&token)).await, "token").await;
    assert_unauthenticated(whoami(&app, &browser, None).await, "cookie").await;
    assert!(session_ids(&app, ADA).is_empty(), "their records are ended");
    let again = sign_in_api(&app, &api_client(), ADA, PASSWORD).await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
}

async fn malformed_authorization_headers_are_401_never_500(backend: Backend) {
    // Arrange: a signed-in browser, and a live token.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let (token, _) = token_for(&app, ADA, PASSWORD).await;
    let browser = app.browser();
    app.sign_in(&browser, ADA, PASSWORD).await;
    let unknown = format!("lls1_{}", "A".repeat(43));
    let values: Vec<Vec<u8>> = [
        String::new(),
        "Bearer".into(),
        "Bearer ".into(),
        token.clone(),
        format!("Basic {token}"),
        format!("Bearer  {token}"),
        format!("Bearer {token}x"),
        format!("Bearer {}", &token[5..]),
        format!("Bearer {unknown}"),
        format!("Bearer lr1_{}", "A".repeat(78)),
        format!("Bearer {}", "A".repeat(4000)),
    ]
    .into_iter()
    .map(String::into_bytes)
    .chain([b"Bearer lls1_\xff\xfe".to_vec()])
    .collect();

    for value in values {
        let header = HeaderValue::from_bytes(&value).unwrap();
        let what = String::from_utf8_lossy(&value)
            .chars()
            .take(60)
            .collect::<String>();
        for method in [Method::GET, Method::DELETE] {
            // Act: beside a valid cookie, which the header overrides.
            let response = browser
                .request(method.clone(), app.url(SESSION))
                .header(AUTHORIZATION, header.clone())
                .send()
                .await
                .unwrap();

            // Assert
            assert_unauthenticated(response, &format!("{method} {what:?}")).await;
        }
    }
    // Nothing was ended by the refused sign-outs; a lower-case scheme is fine.
    assert_eq!(session_ids(&app, ADA).len(), 2);
    let lower = api_client()
        .get(app.url(SESSION))
        .header(AUTHORIZATION, format!("bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(lower.status(), StatusCode::OK);
}

async fn the_session_endpoint_answers_only_its_methods(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    for method in [Method::PUT, Method::PATCH] {
        let response = api_client()
            .request(method.clone(), app.url(SESSION))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        );
        assert_eq!(response.headers()["allow"], "GET, POST, DELETE");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "method_not_allowed");
    }
}

/// The `Set-Cookie` of a sign-in on the page, with `tweak`ed settings. The cookie is passed
/// on by hand: a cookie for `lifeline.test` is not one a client sends to 127.0.0.1.
async fn sign_in_cookie(
    backend: Backend,
    tweak: impl FnOnce(figment::Figment) -> figment::Figment,
) -> Option<String> {
    let app = spawn_app_with(backend, tweak).await?;
    app.create_user(ADA, PASSWORD);
    let client = api_client();
    let form = client.get(app.url("/login")).send().await.unwrap();
    let cookie = form.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    let pair = cookie.split(';').next().unwrap().to_owned();
    let csrf = csrf_in(&form.text().await.unwrap()).unwrap();
    let response = client
        .post(app.url("/login"))
        .header("cookie", pair)
        .form(&[
            ("email", ADA),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let signed_in = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    Some(signed_in)
}

async fn the_cookie_domain_is_sent_only_when_configured(backend: Backend) {
    // Arrange / Act
    let Some(host_only) = sign_in_cookie(backend, |f| f).await else {
        return;
    };
    let shared = sign_in_cookie(backend, |f| {
        f.merge(("server.cookie_domain", "lifeline.test"))
    })
    .await
    .unwrap();

    // Assert
    assert!(host_only.starts_with("lifeline_session="), "{host_only}");
    assert!(
        !host_only.to_ascii_lowercase().contains("domain="),
        "{host_only}"
    );
    assert!(shared.contains("; Domain=lifeline.test"), "{shared}");

    // A domain that does not cover the public URL's host is refused, naming the key.
    let db = storage::testing::TestDb::new(backend).unwrap();
    let sink = mail::sink::SmtpSink::start().await.unwrap();
    for wrong in [
        "example.com",
        ".lifeline.test",
        "https://lifeline.test",
        "test",
    ] {
        let figment = test_figment(&db, &sink, |f| f.merge(("server.cookie_domain", wrong)));
        let error = lifeline::Settings::from_figment(figment).unwrap_err();
        assert!(
            error.to_string().contains("server.cookie_domain"),
            "{wrong}: {error}"
        );
    }
}

async fn an_absolute_next_is_followed_only_on_an_allowed_origin(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge((
            "server.redirect_allow_list",
            ["/account", "https://app.example.com"],
        ))
    })
    .await
    else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let cases = [
        (
            "https://app.example.com/dashboard?tab=1",
            "https://app.example.com/dashboard?tab=1",
        ),
        ("https://evil.example/", "/account"),
        ("http://app.example.com/dashboard", "/account"),
        ("https://app.example.com:8443/dashboard", "/account"),
        ("https://app.example.com@evil.example/", "/account"),
        ("https://app.example.com%2F@evil.example/", "/account"),
        ("https://app.example.com.evil.example/", "/account"),
    ];

    for (nth, (next, expected)) in cases.into_iter().enumerate() {
        // Act
        let browser = app.browser();
        let response = app
            .request_magic_link_with(&browser, "/magic-link", ADA, Some(next))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let link = app.nth_magic_link(nth + 1).await;
        let signed_in = app.confirm_magic_link(&browser, &link).await;

        // Assert
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(signed_in.headers()["location"], expected, "{next}");
    }
}

async fn a_magic_link_verified_through_the_api_hands_out_a_token_when_asked(backend: Backend) {
    // Arrange: two sign-in links, asked for through the API.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let client = api_client();
    for nth in 1..=2 {
        let asked = app
            .post_json(&client, "/api/v1/magic-link", &json!({ "email": ADA }))
            .await;
        assert_eq!(asked.status(), StatusCode::ACCEPTED);
        let link = app.nth_magic_link(nth).await;
        // Only the newest link works: each is used before the next is asked for.
        let body = json!({ "token": token_of(&link), "session_token": nth == 1 });
        let response = app
            .post_json(&client, "/api/v1/magic-link/verify", &body)
            .await;

        // Assert: with `session_token`, 201 and a token, no cookie; without, the cookie.
        if nth == 1 {
            assert_eq!(response.status(), StatusCode::CREATED);
            assert!(response.headers().get(SET_COOKIE).is_none());
            let issued: Value = response.json().await.unwrap();
            let token = issued["token"].as_str().unwrap().to_owned();
            assert!(token.starts_with("lls1_"), "{token}");
            let seen = whoami(&app, &api_client(), Some(&token)).await;
            assert_eq!(seen.status(), StatusCode::OK);
            let seen: Value = seen.json().await.unwrap();
            assert_eq!(seen["session"]["method"], "link");
            assert_eq!(seen["session"], issued["session"]);
        } else {
            assert_eq!(response.status(), StatusCode::OK);
            assert!(response.headers().contains_key(SET_COOKIE));
            let body: Value = response.json().await.unwrap();
            assert_eq!(body, json!({ "user": { "email": ADA } }));
        }
    }
    assert_eq!(session_ids(&app, ADA).len(), 2);
}
