//! `lifeline api-keys create|list|revoke`, run as a process against a served Lifeline on
//! SQLite and MariaDB: the key is printed once, works against the service, is never listed,
//! and stops working when revoked.

use regex::Regex;
use reqwest::StatusCode;
use serde_json::Value;
use storage::Backend;

use crate::cli::{CliRun, lifeline_in};
use crate::helpers::{TestApp, spawn_app};
use crate::on_every_backend;

on_every_backend!(
    create_prints_the_key_once_and_the_service_accepts_it_while_list_never_shows_it,
    revoke_by_name_or_key_id_ends_the_key_and_both_are_audited,
    create_refuses_bad_names_taken_names_and_missing_scopes,
);

/// The scanner pattern from docs/integrating.md.
const KEY_PATTERN: &str = r"llk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}";

/// `lifeline ARGS…` on the app's database with the app's keys, as an operator on the same
/// deployment runs it.
async fn run(app: &TestApp, args: &[&str]) -> CliRun {
    let keys = &app.settings.keys;
    let token = keys.token.as_ref().unwrap().expose_secret().to_owned();
    let session = keys.session.as_ref().unwrap().expose_secret().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("LIFELINE_KEYS__TOKEN", token.as_str()),
        ("LIFELINE_KEYS__SESSION", session.as_str()),
    ];
    lifeline_in(dir.path(), &app.db, args, &env).await
}

async fn key_status(app: &TestApp, key: &str) -> StatusCode {
    app.new_client()
        .get(app.url("/api/v1/admin/key"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .status()
}

fn keys_in(text: &str) -> Vec<String> {
    let pattern = Regex::new(KEY_PATTERN).unwrap();
    pattern
        .find_iter(text)
        .map(|m| m.as_str().to_owned())
        .collect()
}

async fn create_prints_the_key_once_and_the_service_accepts_it_while_list_never_shows_it(
    backend: Backend,
) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };

    // Act
    let created = run(
        &app,
        &[
            "api-keys",
            "create",
            "--name",
            "help-desk",
            "--scope",
            "read",
            "--scope",
            "write",
        ],
    )
    .await;
    let json = run(
        &app,
        &[
            "api-keys", "create", "--name", "ci", "--scope", "recovery", "--json",
        ],
    )
    .await;
    let table = run(&app, &["api-keys", "list"]).await;
    let listed = run(&app, &["api-keys", "list", "--json"]).await;

    // Assert: the text names the key and prints it once.
    assert_eq!(created.status, 0, "{created:?}");
    let printed = keys_in(&created.stdout);
    assert_eq!(printed.len(), 1, "{created:?}");
    let key = &printed[0];
    assert!(created.stdout.contains("\"help-desk\""), "{created:?}");
    assert!(created.stdout.contains("read,write"), "{created:?}");
    assert!(!created.stderr.contains(&key[21..]), "{created:?}");
    assert_eq!(key_status(&app, key).await, StatusCode::OK);
    // --json gives the key once, beside what is stored.
    assert_eq!(json.status, 0, "{json:?}");
    let json: Value = serde_json::from_str(&json.stdout).unwrap();
    let ci_key = json["key"].as_str().unwrap();
    assert_eq!(keys_in(ci_key), vec![ci_key.to_owned()]);
    assert_eq!(json["api_key"]["name"], "ci");
    assert_eq!(json["api_key"]["scopes"], serde_json::json!(["recovery"]));
    assert!(ci_key.starts_with(&format!(
        "llk_{}_",
        json["api_key"]["key_id"].as_str().unwrap()
    )));
    assert_eq!(key_status(&app, ci_key).await, StatusCode::OK);
    // The list: a header, both keys, their ids and scopes, never a secret.
    assert_eq!(table.status, 0, "{table:?}");
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        [
            "NAME", "KEY", "ID", "SCOPES", "CREATED", "LAST", "USED", "REVOKED"
        ]
    );
    assert_eq!(lines.len(), 3, "{table:?}");
    assert!(lines[1].starts_with("help-desk"), "{table:?}");
    assert!(
        lines[1].contains(&key[4..20]) && lines[1].contains('Z'),
        "{table:?}"
    );
    for output in [&table.stdout, &listed.stdout] {
        assert!(keys_in(output).is_empty(), "a key was listed: {output}");
        assert!(!output.contains(&key[21..]) && !output.contains(&ci_key[21..]));
    }
    let listed: Value = serde_json::from_str(&listed.stdout).unwrap();
    let first = &listed["api_keys"][0];
    assert_eq!(first["name"], "help-desk");
    assert_eq!(first["scopes"], serde_json::json!(["read", "write"]));
    assert!(
        first["created_at"].as_str().unwrap().ends_with('Z'),
        "{first}"
    );
    assert_eq!(first["last_used_at"], Value::Null, "listed before any use");
    assert_eq!(first["revoked_at"], Value::Null);
}

async fn revoke_by_name_or_key_id_ends_the_key_and_both_are_audited(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let create = |name: &'static str| {
        let app = &app;
        async move {
            let run = run(
                app,
                &["api-keys", "create", "--name", name, "--scope", "read"],
            )
            .await;
            keys_in(&run.stdout).remove(0)
        }
    };
    let (first, second) = (create("first").await, create("second").await);

    // Act
    let by_name = run(&app, &["api-keys", "revoke", "first"]).await;
    let by_key_id = run(&app, &["api-keys", "revoke", &second[4..20]]).await;
    let again = run(&app, &["api-keys", "revoke", "first"]).await;
    let listed = run(&app, &["api-keys", "list", "--json"]).await;

    // Assert
    assert_eq!(
        (by_name.status, by_key_id.status),
        (0, 0),
        "{by_name:?} {by_key_id:?}"
    );
    assert!(by_name.stdout.contains("\"first\""), "{by_name:?}");
    assert_ne!(again.status, 0, "{again:?}");
    assert!(again.stderr.contains("no live key"), "{again:?}");
    assert_eq!(key_status(&app, &first).await, StatusCode::UNAUTHORIZED);
    assert_eq!(key_status(&app, &second).await, StatusCode::UNAUTHORIZED);
    let listed: Value = serde_json::from_str(&listed.stdout).unwrap();
    for key in listed["api_keys"].as_array().unwrap() {
        assert!(key["revoked_at"].as_str().unwrap().ends_with('Z'), "{key}");
    }
    let kinds = audit_kinds(&app);
    assert_eq!(
        kinds,
        [
            "api_key_created",
            "api_key_created",
            "api_key_revoked",
            "api_key_revoked"
        ]
    );
}

async fn create_refuses_bad_names_taken_names_and_missing_scopes(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let app = &app;
    let create = |name: &'static str| async move {
        run(
            app,
            &["api-keys", "create", "--name", name, "--scope", "read"],
        )
        .await
    };
    assert_eq!(create("taken").await.status, 0);

    // Act
    let taken = create("taken").await;
    let spaced = create("two words").await;
    let key_id_like = create("0123456789abcdef").await;
    let no_scope = run(app, &["api-keys", "create", "--name", "bare"]).await;
    let unknown_scope = run(
        app,
        &["api-keys", "create", "--name", "x", "--scope", "all"],
    )
    .await;

    // Assert: each refused with a reason, no key printed, nothing stored.
    for (what, refused, reason) in [
        ("taken", &taken, "already named"),
        ("spaced", &spaced, "letters, digits"),
        ("key id", &key_id_like, "16 hex digits"),
        ("no scope", &no_scope, "--scope"),
        ("unknown scope", &unknown_scope, "all"),
    ] {
        assert_ne!(refused.status, 0, "{what}: {refused:?}");
        assert!(refused.stderr.contains(reason), "{what}: {refused:?}");
        assert!(keys_in(&refused.stdout).is_empty(), "{what}: {refused:?}");
    }
    let listed = run(app, &["api-keys", "list", "--json"]).await;
    let listed: Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(listed["api_keys"].as_array().unwrap().len(), 1);
}

fn audit_kinds(app: &TestApp) -> Vec<String> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Kind {
        #[diesel(sql_type = diesel::sql_types::Text)]
        kind: String,
    }
    let mut conn = app.db.conn().unwrap();
    diesel::sql_query("SELECT kind FROM audit_events ORDER BY id")
        .load::<Kind>(&mut *conn)
        .unwrap()
        .into_iter()
        .map(|k| k.kind)
        .collect()
}
