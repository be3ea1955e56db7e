//! The admin API's session and audit endpoints: list and end an account's sessions; page
//! through its audit events, newest first.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use storage::Backend;
use storage::audit::{self, NewAuditEvent};

use crate::admin_support::{audit_of, call, full_key, status_and_json};
use crate::helpers::spawn_app;
use crate::on_every_backend;
use crate::user_directory::sign_in;

on_every_backend!(
    sessions_are_listed_and_ended_one_or_all_by_the_key,
    audit_events_come_newest_first_a_page_at_a_time,
    a_malformed_page_request_is_refused,
);

const ADA: &str = "ada@example.com";
const PASSWORD: &str = "the password of ada";

fn ids(list: &Value) -> Vec<i64> {
    list["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|session| session["id"].as_i64().unwrap())
        .collect()
}

async fn sessions_are_listed_and_ended_one_or_all_by_the_key(backend: Backend) {
    // Arrange: three browsers signed in.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let key = full_key(&app);
    let ada = app.create_user(ADA, PASSWORD);
    for _ in 0..3 {
        assert_eq!(sign_in(&app, ADA, PASSWORD).await, StatusCode::SEE_OTHER);
    }
    let path = format!("/accounts/{}/sessions", ada.id);

    // Act / Assert: listed.
    let (status, listed) =
        status_and_json(call(&app, Some(&key), Method::GET, &path, None).await).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let all = ids(&listed);
    assert_eq!(all.len(), 3, "{listed}");
    assert_eq!(listed["sessions"][0]["method"], "password");

    // One ended; an unknown one is a 404.
    let one = call(
        &app,
        Some(&key),
        Method::DELETE,
        &format!("{path}/{}", all[0]),
        None,
    )
    .await;
    assert_eq!(one.status(), StatusCode::NO_CONTENT);
    let (again, again_body) = status_and_json(
        call(
            &app,
            Some(&key),
            Method::DELETE,
            &format!("{path}/{}", all[0]),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(again, StatusCode::NOT_FOUND);
    assert_eq!(again_body["error"], "session_not_found");
    let (_, listed) = status_and_json(call(&app, Some(&key), Method::GET, &path, None).await).await;
    assert_eq!(ids(&listed), all[1..].to_vec());

    // The rest ended.
    let (status, ended) =
        status_and_json(call(&app, Some(&key), Method::DELETE, &path, None).await).await;
    assert_eq!(
        (status, ended["revoked"].as_i64()),
        (StatusCode::OK, Some(2))
    );
    let (_, listed) = status_and_json(call(&app, Some(&key), Method::GET, &path, None).await).await;
    assert!(ids(&listed).is_empty());
    let revoked: Vec<Option<String>> = audit_of(&app, ada.id)
        .into_iter()
        .filter(|(kind, _)| kind == "operator_sessions_revoked")
        .map(|(_, detail)| detail)
        .collect();
    assert_eq!(
        revoked,
        vec![
            Some(format!("{}; every session", key.named())),
            Some(format!("{}; session {}", key.named(), all[0])),
        ]
    );
}

async fn audit_events_come_newest_first_a_page_at_a_time(backend: Backend) {
    // Arrange: five events of ada's, one of bob's.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let key = full_key(&app);
    let ada = app.create_user(ADA, PASSWORD);
    let bob = app.create_user("bob@example.com", PASSWORD);
    let conn = &mut app.db.conn().unwrap();
    for (user, kind) in [
        (ada.id, "e1"),
        (ada.id, "e2"),
        (bob.id, "b"),
        (ada.id, "e3"),
        (ada.id, "e4"),
        (ada.id, "e5"),
    ] {
        let event = NewAuditEvent {
            user_id: Some(user),
            kind,
            ip: Some("198.51.100.4"),
            user_agent: None,
            detail: None,
            created_at: app.now(),
        };
        audit::record(conn, &event).unwrap();
    }
    let page = |query: String| {
        let path = format!("/accounts/{}/audit{query}", ada.id);
        let (app, key) = (&app, &key);
        async move { status_and_json(call(app, Some(key), Method::GET, &path, None).await).await }
    };
    let kinds = |page: &Value| -> Vec<String> {
        page["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|event| event["kind"].as_str().unwrap().to_owned())
            .collect()
    };

    // Act
    let (status, first) = page("?limit=2".into()).await;
    let (_, second) = page(format!("?limit=2&before={}", first["next"])).await;
    let (_, third) = page(format!("?limit=2&before={}", second["next"])).await;
    let (_, everything) = page(String::new()).await;

    // Assert
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(kinds(&first), ["e5", "e4"]);
    assert_eq!(kinds(&second), ["e3", "e2"]);
    assert_eq!(kinds(&third), ["e1"]);
    assert_eq!(third["next"], Value::Null);
    assert_eq!(kinds(&everything), ["e5", "e4", "e3", "e2", "e1"]);
    assert_eq!(everything["next"], Value::Null);
    assert_eq!(first["events"][0]["ip"], "198.51.100.4");
    assert!(
        first["events"][0]["created_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
}

async fn a_malformed_page_request_is_refused(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let key = full_key(&app);
    let ada = app.create_user(ADA, PASSWORD);

    // Act / Assert
    for query in [
        "?limit=0",
        "?limit=101",
        "?limit=-1",
        "?limit=ten",
        "?before=0",
        "?before=-5",
        "?before=x",
        "?before=99999999999999999999",
        "?page=2",
        "?limit=1&limit=2",
    ] {
        let path = format!("/accounts/{}/audit{query}", ada.id);
        let (status, body) =
            status_and_json(call(&app, Some(&key), Method::GET, &path, None).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["error"], "invalid_request", "{query}");
    }
}
