//! The admin API's keys, seen from outside: `GET /api/v1/admin/key` with a good key, every
//! kind of bad key (401, nothing written), a missing scope (403), and both rate limits (429).

use std::time::Duration;

use diesel::RunQueryDsl;
use lifeline::ops::{ApiKeyRecord, ApiKeys, Scope};
use reqwest::StatusCode;
use serde_json::Value;
use storage::Backend;

use crate::helpers::{TestApp, spawn_app_with};
use crate::on_every_backend;

const KEY_PATH: &str = "/api/v1/admin/key";

on_every_backend!(
    a_valid_key_is_answered_with_its_name_key_id_scopes_and_creation_time,
    missing_malformed_unknown_wrong_and_revoked_keys_get_the_same_401_and_write_nothing,
    malformed_and_forged_keys_are_refused_without_touching_the_database,
    a_key_without_the_scope_asked_for_gets_403,
    failed_checks_from_one_client_are_throttled_before_any_lookup,
    requests_with_one_key_are_limited_and_other_keys_are_not,
    the_last_use_is_recorded_at_most_once_a_minute,
);

/// An app with generous limits unless `tweak` says otherwise.
async fn app_with(backend: Backend, per_key: u32, failed_per_ip: u32) -> Option<TestApp> {
    spawn_app_with(backend, |f| {
        f.merge(("admin_api.per_key_per_minute", per_key))
            .merge(("admin_api.failed_per_ip_per_minute", failed_per_ip))
    })
    .await
}

fn api_keys(app: &TestApp) -> ApiKeys {
    ApiKeys::new(&app.settings, (*app.db).clone()).unwrap()
}

/// Creates a key the way `lifeline api-keys create` does; returns it.
fn create_key(app: &TestApp, name: &str, scopes: &[Scope]) -> String {
    let created = api_keys(app).create(name, scopes, app.now()).unwrap();
    created.expose_key().to_owned()
}

fn listed(app: &TestApp) -> Vec<ApiKeyRecord> {
    api_keys(app).list().unwrap()
}

async fn get_with(app: &TestApp, authorization: Option<&str>, query: &str) -> reqwest::Response {
    let mut request = app.new_client().get(app.url(&format!("{KEY_PATH}{query}")));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.send().await.unwrap()
}

async fn get_key(app: &TestApp, key: &str) -> reqwest::Response {
    get_with(app, Some(&format!("Bearer {key}")), "").await
}

async fn assert_error(response: reqwest::Response, status: StatusCode, code: &str, what: &str) {
    assert_eq!(response.status(), status, "{what}");
    if status == StatusCode::UNAUTHORIZED {
        assert_eq!(response.headers()["www-authenticate"], "Bearer", "{what}");
    }
    if status == StatusCode::TOO_MANY_REQUESTS {
        let wait: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=61).contains(&wait), "{what}: Retry-After {wait}");
    }
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], code, "{what}: {body}");
    assert!(body["message"].is_string(), "{what}: {body}");
}

async fn a_valid_key_is_answered_with_its_name_key_id_scopes_and_creation_time(backend: Backend) {
    // Arrange
    let Some(app) = app_with(backend, 100, 100).await else {
        return;
    };
    let key = create_key(&app, "help-desk", &[Scope::Write, Scope::Read]);

    // Act
    let response = get_key(&app, &key).await;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let stored = &listed(&app)[0];
    let created_at = stored
        .created_at
        .and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(
        body,
        serde_json::json!({
            "name": "help-desk",
            "key_id": stored.key_id,
            "scopes": ["read", "write"],
            "created_at": created_at,
        })
    );
    assert!(key.starts_with(&format!("llk_{}_", stored.key_id)));
    assert!(
        !body.to_string().contains(&key[21..]),
        "the secret came back"
    );
}

async fn missing_malformed_unknown_wrong_and_revoked_keys_get_the_same_401_and_write_nothing(
    backend: Backend,
) {
    // Arrange
    let Some(app) = app_with(backend, 100, 100).await else {
        return;
    };
    let good = create_key(&app, "good", &[Scope::Read]);
    let revoked = create_key(&app, "gone", &[Scope::Read]);
    api_keys(&app).revoke("gone", app.now()).unwrap();
    let last = good.chars().last().unwrap();
    let wrong = format!(
        "{}{}",
        &good[..good.len() - 1],
        if last == 'A' { 'B' } else { 'A' }
    );
    let unknown = format!("llk_0123456789abcdef_{}", &good[21..]);
    let cases: [(&str, Option<String>); 9] = [
        ("missing", None),
        ("empty", Some(String::new())),
        ("basic scheme", Some(format!("Basic {good}"))),
        (
            "truncated",
            Some(format!("Bearer {}", &good[..good.len() - 1])),
        ),
        (
            "bad character",
            Some(format!("Bearer {}", good.replacen("llk_", "llk.", 1))),
        ),
        (
            "overlong",
            Some(format!("Bearer {good}{}", "A".repeat(1000))),
        ),
        ("forged: another key id", Some(format!("Bearer {unknown}"))),
        ("wrong secret", Some(format!("Bearer {wrong}"))),
        ("revoked", Some(format!("Bearer {revoked}"))),
    ];
    let (rows, keys) = (app.row_counts(), listed(&app));

    // Act / Assert
    for (what, authorization) in cases {
        let response = get_with(&app, authorization.as_deref(), "").await;
        assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated", what).await;
    }
    assert_eq!(app.row_counts(), rows, "a refused key wrote a row");
    assert_eq!(listed(&app), keys, "a refused key was marked as used");
    assert_eq!(get_key(&app, &good).await.status(), StatusCode::OK);
}

async fn malformed_and_forged_keys_are_refused_without_touching_the_database(backend: Backend) {
    // Arrange: without its table, any lookup fails.
    let Some(app) = app_with(backend, 100, 100).await else {
        return;
    };
    let good = create_key(&app, "good", &[Scope::Read]);
    let revoked = create_key(&app, "gone", &[Scope::Read]);
    api_keys(&app).revoke("gone", app.now()).unwrap();
    // Well-formed keys this deployment never minted: their MAC does not verify.
    let other_id = format!("llk_0123456789abcdef_{}", &good[21..]);
    let at = 21 + 30;
    let changed = if good.as_bytes()[at] == b'x' {
        'y'
    } else {
        'x'
    };
    let other_mac = format!("{}{changed}{}", &good[..at], &good[at + 1..]);
    let made_up = format!("llk_{}_{}", "0".repeat(16), "A".repeat(43));
    let mut conn = app.db.conn().unwrap();
    diesel::sql_query("DROP TABLE api_keys")
        .execute(&mut *conn)
        .unwrap();
    drop(conn);

    // Act
    let malformed = get_key(&app, &good[..good.len() - 1]).await;
    let mut forged = Vec::new();
    for key in [&other_id, &other_mac, &made_up] {
        forged.push((key, get_key(&app, key).await));
    }
    let minted = get_key(&app, &good).await;
    let minted_and_revoked = get_key(&app, &revoked).await;

    // Assert: only the keys minted here reached the database.
    assert_error(
        malformed,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "malformed",
    )
    .await;
    for (key, response) in forged {
        assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated", key).await;
    }
    assert!(minted.status().is_server_error(), "{minted:?}");
    assert!(
        minted_and_revoked.status().is_server_error(),
        "{minted_and_revoked:?}"
    );
}

async fn a_key_without_the_scope_asked_for_gets_403(backend: Backend) {
    // Arrange
    let Some(app) = app_with(backend, 100, 100).await else {
        return;
    };
    let key = create_key(&app, "reader", &[Scope::Read]);
    let bearer = format!("Bearer {key}");

    // Act
    let read = get_with(&app, Some(&bearer), "?scope=read").await;
    let write = get_with(&app, Some(&bearer), "?scope=write").await;
    let recovery = get_with(&app, Some(&bearer), "?scope=recovery").await;
    let unknown = get_with(&app, Some(&bearer), "?scope=admin").await;
    let extra = get_with(&app, Some(&bearer), "?scope=read&other=1").await;
    let anonymous = get_with(&app, None, "?scope=read").await;

    // Assert
    assert_eq!(read.status(), StatusCode::OK);
    assert_error(write, StatusCode::FORBIDDEN, "insufficient_scope", "write").await;
    assert_error(
        recovery,
        StatusCode::FORBIDDEN,
        "insufficient_scope",
        "recovery",
    )
    .await;
    assert_error(
        unknown,
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "unknown",
    )
    .await;
    assert_error(extra, StatusCode::BAD_REQUEST, "invalid_request", "extra").await;
    assert_error(
        anonymous,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "no key",
    )
    .await;
}

async fn failed_checks_from_one_client_are_throttled_before_any_lookup(backend: Backend) {
    // Arrange: two failures a minute.
    let Some(app) = app_with(backend, 100, 2).await else {
        return;
    };
    let good = create_key(&app, "good", &[Scope::Read]);
    let unknown = format!("llk_0123456789abcdef_{}", &good[21..]);

    // Act
    let first = get_key(&app, &unknown).await;
    let second = get_with(&app, None, "").await;
    let third = get_key(&app, &unknown).await;
    let even_the_right_key = get_key(&app, &good).await;

    // Assert: once barred, a right guess is not told apart from a wrong one.
    assert_error(first, StatusCode::UNAUTHORIZED, "unauthenticated", "1st").await;
    assert_error(second, StatusCode::UNAUTHORIZED, "unauthenticated", "2nd").await;
    assert_error(
        third,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_requests",
        "3rd",
    )
    .await;
    let barred = even_the_right_key;
    assert_error(
        barred,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_requests",
        "right key",
    )
    .await;
    assert_eq!(
        listed(&app)[0].last_used_at,
        None,
        "the barred key was looked up"
    );
}

async fn requests_with_one_key_are_limited_and_other_keys_are_not(backend: Backend) {
    // Arrange: two requests a minute per key.
    let Some(app) = app_with(backend, 2, 100).await else {
        return;
    };
    let busy = create_key(&app, "busy", &[Scope::Read]);
    let other = create_key(&app, "other", &[Scope::Read]);

    // Act
    let statuses = [
        get_key(&app, &busy).await.status(),
        get_key(&app, &busy).await.status(),
    ];
    let over = get_key(&app, &busy).await;
    let other = get_key(&app, &other).await;

    // Assert
    assert_eq!(statuses, [StatusCode::OK, StatusCode::OK]);
    assert_error(
        over,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_requests",
        "3rd",
    )
    .await;
    assert_eq!(other.status(), StatusCode::OK);
}

async fn the_last_use_is_recorded_at_most_once_a_minute(backend: Backend) {
    // Arrange
    let Some(app) = app_with(backend, 100, 100).await else {
        return;
    };
    let key = create_key(&app, "ops", &[Scope::Read]);

    // Act (the clock is real time plus an offset: a second may pass during a request, so
    // each use is expected between the times read before and after it)
    let before_first = app.now();
    get_key(&app, &key).await;
    let after_first = app.now();
    let first_use = listed(&app)[0]
        .last_used_at
        .expect("the first use is recorded");
    app.clock.advance(Duration::from_secs(30));
    get_key(&app, &key).await;
    let after_soon = listed(&app)[0].last_used_at;
    app.clock.advance(Duration::from_secs(60));
    let before_later = app.now();
    get_key(&app, &key).await;
    let after_later = app.now();
    let later_use = listed(&app)[0]
        .last_used_at
        .expect("the later use is recorded");

    // Assert
    assert!(
        (before_first..=after_first).contains(&first_use),
        "{first_use} not within {before_first}..={after_first}"
    );
    assert_eq!(
        after_soon,
        Some(first_use),
        "30 s later: not recorded again"
    );
    assert!(
        (before_later..=after_later).contains(&later_use),
        "{later_use} not within {before_later}..={after_later}"
    );
}
