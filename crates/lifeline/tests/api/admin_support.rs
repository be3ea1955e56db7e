//! What the admin API tests share: an API key with chosen scopes, requests that carry it,
//! and the audit events an account has.

use lifeline::ops::{ApiKeys, Scope};
use reqwest::{Method, Response};
use serde_json::Value;

use crate::helpers::TestApp;

/// The path of the admin API below the service.
pub const ADMIN: &str = "/api/v1/admin";

/// An API key, as `lifeline api-keys create` prints it, with its id and name.
pub struct Key {
    pub id: i64,
    pub name: String,
    pub secret: String,
}

impl Key {
    /// The audit detail of an action done with this key.
    pub fn named(&self) -> String {
        format!("by api key \"{}\" (id {})", self.name, self.id)
    }
}

/// A key called `name` with `scopes` (`read`, `write`, `recovery`), made the way
/// `lifeline api-keys create` makes it.
pub fn key(app: &TestApp, name: &str, scopes: &[&str]) -> Key {
    let scopes: Vec<Scope> = scopes
        .iter()
        .map(|scope| Scope::from_code(scope).expect("a scope"))
        .collect();
    let created = ApiKeys::new(&app.settings, (*app.db).clone())
        .unwrap()
        .create(name, &scopes, app.now())
        .unwrap();
    Key {
        id: created.record.id,
        name: name.to_owned(),
        secret: created.expose_key().to_owned(),
    }
}

/// A key with every scope, called `helpdesk`.
pub fn full_key(app: &TestApp) -> Key {
    key(app, "helpdesk", &["read", "write", "recovery"])
}

/// Sends `method path` (below [`ADMIN`]) with `key`, and `body` as JSON when given.
pub async fn call(
    app: &TestApp,
    key: Option<&Key>,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Response {
    let mut request = app
        .client
        .request(method, app.url(&format!("{ADMIN}{path}")));
    if let Some(key) = key {
        request = request.bearer_auth(&key.secret);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("request sent")
}

/// The status and JSON body of an answer (`Null` for an empty one).
pub async fn status_and_json(response: Response) -> (reqwest::StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("body");
    let json = match text.is_empty() {
        true => Value::Null,
        false => serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
    };
    (status, json)
}

/// The account's audit events as `(kind, detail)`, newest first.
pub fn audit_of(app: &TestApp, user_id: i64) -> Vec<(String, Option<String>)> {
    storage::audit::recent_for_user(&mut app.db.conn().unwrap(), user_id, 100)
        .unwrap()
        .into_iter()
        .map(|event| (event.kind, event.detail))
        .collect()
}
