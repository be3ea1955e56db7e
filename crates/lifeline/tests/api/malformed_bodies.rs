//! The bad-input corpus against every POST endpoint, table-driven: each form
//! and each JSON endpoint gets the same list of malformed bodies, and every
//! one must get a clear 4xx — never a 500 — and write nothing.
//!
//! `malformed_input.rs` holds the first cases for the forgot-password and
//! new-password forms; this file covers every other form and every API
//! endpoint with a body (the admin ones sent with a key of every scope). The bodies that would be valid carry live links and the right
//! password, so a case refused for the wrong reason would show up as a used
//! link, a sign-in, a mail or a new row.

use reqwest::header::CONTENT_TYPE;
use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use storage::Backend;

use crate::admin_support::full_key;
use crate::helpers::{TestApp, spawn_app, spawn_app_with, with_dev_mailbox};
use crate::malformed_input::address_of_255_octets;
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "old password for ada";
const NEW_PASSWORD: &str = "a completely new passphrase";
const FORM: &str = "application/x-www-form-urlencoded";
/// What a page says when it cannot decode a form.
const FORM_UNREADABLE: &str = "The form could not be read";

on_every_backend!(
    every_form_refuses_every_malformed_body_and_changes_nothing,
    every_api_endpoint_refuses_every_malformed_body_and_changes_nothing,
    message_ids_of_any_size_or_sign_get_a_clear_4xx,
    every_page_without_input_shrugs_off_junk_queries_and_bodies,
);

/// How a bad request must be answered.
pub enum Refusal {
    /// This status, with this text in the body (a page's words, an API error
    /// code, or `""` for any body).
    Exactly(StatusCode, &'static str),
    /// Some 4xx: the exact one belongs to the endpoint (401 on sign-in, 422
    /// on a form that shows the address again).
    AnyClientError,
    /// Anything but a 5xx: input the endpoint does not read may be ignored.
    NoServerError,
}

/// One bad request and how it must be refused.
pub struct Case {
    what: String,
    request: RequestBuilder,
    refusal: Refusal,
}

impl Case {
    /// A case called `what`.
    pub fn new(what: impl Into<String>, request: RequestBuilder, refusal: Refusal) -> Self {
        Self {
            what: what.into(),
            request,
            refusal,
        }
    }
}

/// Sends every case and checks each refusal, then that nothing was written,
/// the account is unchanged and no mail went out.
pub async fn assert_all_refused(app: &TestApp, cases: Vec<Case>) {
    app.drain_outbox().await;
    let (rows, mails) = (app.row_counts(), app.sink.messages().len());
    let credentials = app.credentials_of(EMAIL);
    let mut wrong = Vec::new();
    for case in cases {
        let response = case.request.send().await.expect("request sent");
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        let refused = match case.refusal {
            Refusal::Exactly(expected, words) => status == expected && body.contains(words),
            Refusal::AnyClientError => status.is_client_error(),
            Refusal::NoServerError => !status.is_server_error(),
        };
        if !refused {
            wrong.push(format!("{}: {status} {body:.300}", case.what));
        }
    }
    assert!(wrong.is_empty(), "refused wrongly:\n{}", wrong.join("\n"));
    app.drain_outbox().await;
    assert_eq!(app.row_counts(), rows, "nothing written");
    assert_eq!(app.credentials_of(EMAIL), credentials, "account unchanged");
    assert_eq!(app.sink.messages().len(), mails, "no mail");
}

/// Addresses that no form and no API may accept: header injection, NUL, one
/// octet over the limit, and no address at all.
pub fn bad_addresses() -> Vec<(&'static str, String)> {
    vec![
        ("CR/LF", "ada@example.com\r\nBcc: eve@example.com".into()),
        ("a bare LF", "ada@example.com\nBcc: eve@example.com".into()),
        ("NUL", "ada\0@example.com".into()),
        ("255 octets", address_of_255_octets()),
        ("no @", "ada.example.com".into()),
    ]
}

/// A form endpoint and a body it would accept (without `csrf_token`).
struct FormEndpoint {
    path: &'static str,
    fields: Vec<(&'static str, String)>,
    /// The field holding an address and the status a bad one gets.
    address: Option<(&'static str, StatusCode)>,
}

fn encode(fields: &[(&str, String)]) -> String {
    serde_urlencoded::to_string(fields).expect("encodes")
}

fn form_corpus(app: &TestApp, browser: &Client, csrf: &str, endpoint: &FormEndpoint) -> Vec<Case> {
    let mut fields = endpoint.fields.clone();
    fields.push(("csrf_token", csrf.to_owned()));
    let valid = encode(&fields);
    let (first, rest) = (fields[0].0, encode(&fields[1..]));
    let post = |content_type: Option<&str>, body: Vec<u8>| {
        let request = browser.post(app.url(endpoint.path));
        match content_type {
            Some(content_type) => request.header(CONTENT_TYPE, content_type),
            None => request,
        }
        .body(body)
    };
    let form = |body: String| post(Some(FORM), body.into_bytes());
    let name = |what: &str| format!("{} {what}", endpoint.path);
    let unreadable = || Refusal::Exactly(StatusCode::BAD_REQUEST, FORM_UNREADABLE);
    let unsupported = || Refusal::Exactly(StatusCode::UNSUPPORTED_MEDIA_TYPE, FORM);
    let as_json: serde_json::Map<String, Value> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(v)))
        .collect();
    let mut cases = vec![
        Case::new(
            name("over the size limit"),
            form(format!("{valid}&pad={}", "a".repeat(20_000))),
            Refusal::Exactly(StatusCode::PAYLOAD_TOO_LARGE, "too large"),
        ),
        Case::new(
            name("as text/plain"),
            post(Some("text/plain"), valid.clone().into_bytes()),
            unsupported(),
        ),
        Case::new(
            name("as JSON"),
            post(
                Some("application/json"),
                Value::Object(as_json).to_string().into(),
            ),
            unsupported(),
        ),
        Case::new(
            name("as multipart"),
            post(
                Some("multipart/form-data; boundary=x"),
                format!(
                    "--x\r\nContent-Disposition: form-data; name=\"{first}\"\r\n\r\nv\r\n--x--\r\n"
                )
                .into_bytes(),
            ),
            unsupported(),
        ),
        Case::new(
            name("without a content type"),
            post(None, valid.clone().into_bytes()),
            unsupported(),
        ),
        Case::new(
            name("with a field twice"),
            form(format!("{valid}&{}", encode(&fields[..1]))),
            unreadable(),
        ),
        Case::new(
            name("with an unknown field"),
            form(format!("{valid}&admin=1")),
            unreadable(),
        ),
        Case::new(
            name("with a field missing"),
            form(rest.clone()),
            unreadable(),
        ),
        Case::new(
            name("with a value that decodes to invalid UTF-8"),
            form(format!("{first}=%FF%FE&{rest}")),
            unreadable(),
        ),
        Case::new(
            name("with raw bytes that are not UTF-8"),
            post(
                Some(FORM),
                [
                    format!("{first}=").as_bytes(),
                    b"\xff\xfe&",
                    rest.as_bytes(),
                ]
                .concat(),
            ),
            unreadable(),
        ),
        Case::new(
            name("in upper case with a value that decodes to invalid UTF-8"),
            post(
                Some("APPLICATION/X-WWW-FORM-URLENCODED"),
                format!("{first}=%FF%FE&{rest}").into_bytes(),
            ),
            unreadable(),
        ),
        Case::new(
            name("with a charset other than UTF-8"),
            post(
                Some("application/x-www-form-urlencoded; charset=iso-8859-1"),
                valid.clone().into_bytes(),
            ),
            unsupported(),
        ),
        Case::new(
            name("with a field name that is not UTF-8"),
            form(format!("%FF=1&{valid}")),
            unreadable(),
        ),
        Case::new(name("empty"), form(String::new()), unreadable()),
    ];
    if let Some((field, status)) = endpoint.address {
        for (what, address) in bad_addresses() {
            let mut changed = fields.clone();
            for (key, value) in &mut changed {
                if *key == field {
                    *value = address.clone();
                }
            }
            cases.push(Case::new(
                name(&format!("with an address with {what}")),
                form(encode(&changed)),
                Refusal::Exactly(status, ""),
            ));
        }
    }
    cases
}

async fn every_form_refuses_every_malformed_body_and_changes_nothing(backend: Backend) {
    // Arrange: live links, and a browser with a session and its CSRF token.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let live = app.account_with_live_links(EMAIL, PASSWORD).await;
    let browser = app.browser();
    let csrf = app.csrf(&browser, "/login").await;
    let endpoints = [
        FormEndpoint {
            path: "/login",
            fields: vec![
                ("email", EMAIL.into()),
                ("password", PASSWORD.into()),
                ("next", "/account".into()),
            ],
            address: Some(("email", StatusCode::UNAUTHORIZED)),
        },
        FormEndpoint {
            path: "/logout",
            fields: vec![],
            address: None,
        },
        FormEndpoint {
            path: "/magic-link",
            fields: vec![("email", EMAIL.into()), ("next", "/account".into())],
            address: Some(("email", StatusCode::UNPROCESSABLE_ENTITY)),
        },
        FormEndpoint {
            path: "/magic-link/verify",
            fields: vec![("token", live.magic.clone())],
            address: None,
        },
        FormEndpoint {
            path: "/password/not-me",
            fields: vec![("token", live.not_me.clone())],
            address: None,
        },
        FormEndpoint {
            path: "/account/password",
            fields: vec![
                ("current_password", PASSWORD.into()),
                ("password", NEW_PASSWORD.into()),
                ("password_confirm", NEW_PASSWORD.into()),
            ],
            address: None,
        },
    ];

    // Act / Assert
    let cases = endpoints
        .iter()
        .flat_map(|endpoint| form_corpus(&app, &browser, &csrf, endpoint))
        .collect();
    assert_all_refused(&app, cases).await;
    assert!(app.account_page(&browser).await.is_none(), "not signed in");
    app.assert_links_still_live(&live).await;
}

/// A JSON endpoint and a body it would accept.
struct JsonEndpoint {
    method: Method,
    path: String,
    /// The path as the OpenAPI document names it.
    documented: String,
    /// The admin API key it is sent with.
    key: Option<String>,
    body: Value,
    /// The values of `body` in the order of the body type's fields: the array
    /// serde's derived structs would accept in place of the object.
    as_array: Value,
    address_field: Option<&'static str>,
}

/// `endpoint.body` with the value of `key` replaced by raw bytes, which
/// need not be JSON (or UTF-8) at all.
fn with_raw(body: &Value, key: &str, raw: &[u8]) -> Vec<u8> {
    const MARK: &str = "\u{1}raw\u{1}";
    let mut marked = body.clone();
    marked[key] = json!(MARK);
    let text = marked.to_string();
    let quoted = json!(MARK).to_string();
    let at = text.find(&quoted).expect("marker");
    [
        &text.as_bytes()[..at],
        raw,
        &text.as_bytes()[at + quoted.len()..],
    ]
    .concat()
}

fn json_corpus(app: &TestApp, client: &Client, endpoint: &JsonEndpoint) -> Vec<Case> {
    let post = |content_type: Option<&str>, body: Vec<u8>| {
        let mut request = client.request(endpoint.method.clone(), app.url(&endpoint.path));
        if let Some(key) = &endpoint.key {
            request = request.bearer_auth(key);
        }
        match content_type {
            Some(content_type) => request.header(CONTENT_TYPE, content_type),
            None => request,
        }
        .body(body)
    };
    let json = |body: Vec<u8>| post(Some("application/json"), body);
    let name = |what: &str| format!("{} {} {what}", endpoint.method, endpoint.path);
    let invalid = || Refusal::Exactly(StatusCode::BAD_REQUEST, "\"invalid_body\"");
    let unsupported = || {
        Refusal::Exactly(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "\"unsupported_media_type\"",
        )
    };
    let object = endpoint.body.as_object().expect("an object");
    let first = object.keys().next().expect("a field").as_str();
    let valid = endpoint.body.to_string();
    let mut without_first = object.clone();
    without_first.remove(first);
    let fields: Vec<(&str, String)> = object
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    let raw = |key: &str, value: &str| with_raw(&endpoint.body, key, value.as_bytes());
    let mut cases = vec![
        Case::new(
            name("as a form"),
            post(Some(FORM), encode(&fields).into_bytes()),
            unsupported(),
        ),
        Case::new(
            name("as text/plain, as a cross-site form can send it"),
            post(Some("text/plain"), valid.clone().into_bytes()),
            unsupported(),
        ),
        Case::new(
            name("without a content type"),
            post(None, valid.clone().into_bytes()),
            unsupported(),
        ),
        Case::new(
            name("cut short"),
            json(valid[..valid.len() - 1].into()),
            invalid(),
        ),
        Case::new(
            name("with trailing garbage"),
            json(format!("{valid}x").into()),
            invalid(),
        ),
        Case::new(name("empty"), json(Vec::new()), invalid()),
        Case::new(
            name("as an array"),
            json(format!("[{valid}]").into()),
            invalid(),
        ),
        Case::new(
            name("as an array of its values"),
            json(endpoint.as_array.to_string().into()),
            invalid(),
        ),
        Case::new(
            name("as an array of its values, nested"),
            json(json!([endpoint.as_array]).to_string().into()),
            invalid(),
        ),
        Case::new(
            name("as an array of its values, as application/json; charset=utf-8"),
            post(
                Some("Application/JSON; charset=UTF-8"),
                endpoint.as_array.to_string().into(),
            ),
            invalid(),
        ),
        Case::new(
            name("as text/json, which is not application/json"),
            post(Some("text/json"), valid.clone().into_bytes()),
            unsupported(),
        ),
        Case::new(
            name("with a charset other than UTF-8"),
            post(
                Some("application/json; charset=iso-8859-1"),
                valid.clone().into_bytes(),
            ),
            unsupported(),
        ),
        Case::new(
            name("as a string"),
            json(b"\"ada@example.com\"".to_vec()),
            invalid(),
        ),
        Case::new(name("as null"), json(b"null".to_vec()), invalid()),
        Case::new(
            name("with a field twice"),
            json(format!("{{{}:{},{}", json!(first), object[first], &valid[1..]).into()),
            invalid(),
        ),
        Case::new(
            name("with an unknown field"),
            json(with_raw(&endpoint.body, "admin", b"true")),
            invalid(),
        ),
        Case::new(
            name("with a field missing"),
            json(Value::Object(without_first).to_string().into()),
            invalid(),
        ),
        Case::new(
            name("nested 1000 deep"),
            json(raw(
                first,
                &format!("{}{}", "[".repeat(1000), "]".repeat(1000)),
            )),
            invalid(),
        ),
        Case::new(
            name("with a byte-order mark"),
            json([b"\xEF\xBB\xBF", valid.as_bytes()].concat()),
            invalid(),
        ),
        Case::new(
            name("with a comment"),
            json(format!("/* hi */{valid}").into()),
            invalid(),
        ),
        Case::new(
            name("with bytes that are not UTF-8"),
            json(with_raw(&endpoint.body, first, b"\"ada\xff@example.com\"")),
            invalid(),
        ),
        Case::new(
            name("with a lone surrogate"),
            json(raw(first, "\"ada\\udcff@example.com\"")),
            invalid(),
        ),
        Case::new(
            name("over the size limit"),
            json(raw(first, &json!("a".repeat(20_000)).to_string())),
            Refusal::Exactly(StatusCode::PAYLOAD_TOO_LARGE, "\"body_too_large\""),
        ),
    ];
    let wrong_types = [
        ("a number", "42"),
        ("a negative number", "-1"),
        ("a huge number", "1e999"),
        ("an integer past 64 bits", "18446744073709551616"),
        ("a negative integer past 64 bits", "-9223372036854775809"),
        ("null", "null"),
        ("an array", "[\"ada@example.com\"]"),
        ("an object", "{}"),
        ("a boolean", "true"),
    ];
    for key in object.keys() {
        for (what, value) in wrong_types {
            cases.push(Case::new(
                name(&format!("with {key} as {what}")),
                json(raw(key, value)),
                invalid(),
            ));
        }
    }
    if let Some(field) = endpoint.address_field {
        for (what, address) in bad_addresses() {
            cases.push(Case::new(
                name(&format!("with an address with {what}")),
                json(raw(field, &json!(address).to_string())),
                Refusal::Exactly(StatusCode::BAD_REQUEST, "\"invalid_email\""),
            ));
        }
    }
    cases
}

async fn every_api_endpoint_refuses_every_malformed_body_and_changes_nothing(backend: Backend) {
    // Arrange: bodies that would be accepted hold live tokens and a good password.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let live = app.account_with_live_links(EMAIL, PASSWORD).await;
    let client = app.browser();
    let ada = storage::users::find_by_email(
        &mut app.db.conn().expect("conn"),
        &storage::EmailAddress::parse(EMAIL).expect("address"),
    )
    .expect("lookup")
    .expect("the account");
    let key = full_key(&app).secret;
    let public = |path: &str, body: Value, as_array: Value, address_field| JsonEndpoint {
        method: Method::POST,
        path: path.to_owned(),
        documented: path.to_owned(),
        key: None,
        body,
        as_array,
        address_field,
    };
    let admin =
        |method, template: &str, body: Value, as_array: Value, address_field| JsonEndpoint {
            method,
            path: template.replace("{id}", &ada.id.to_string()),
            documented: template.to_owned(),
            key: Some(key.clone()),
            body,
            as_array,
            address_field,
        };
    let endpoints = [
        public(
            "/api/v1/password/forgot",
            json!({ "email": EMAIL }),
            json!([EMAIL]),
            Some("email"),
        ),
        public(
            "/api/v1/password/reset",
            json!({ "token": live.reset, "password": NEW_PASSWORD }),
            json!([live.reset, NEW_PASSWORD]),
            None,
        ),
        public(
            "/api/v1/magic-link",
            json!({ "email": EMAIL }),
            json!([EMAIL]),
            Some("email"),
        ),
        public(
            "/api/v1/magic-link/verify",
            json!({ "token": live.magic }),
            json!([live.magic]),
            None,
        ),
        // A malformed address is refused like a wrong password (401), not as a body.
        public(
            "/api/v1/session",
            json!({ "email": EMAIL, "password": PASSWORD }),
            json!([EMAIL, PASSWORD]),
            None,
        ),
        // The optional password is left out: `null` in its place is a valid body.
        admin(
            Method::POST,
            "/api/v1/admin/accounts",
            json!({ "email": "new@example.com" }),
            json!(["new@example.com"]),
            Some("email"),
        ),
        admin(
            Method::PUT,
            "/api/v1/admin/accounts/{id}/password",
            json!({ "password": NEW_PASSWORD }),
            json!([NEW_PASSWORD]),
            None,
        ),
        admin(
            Method::POST,
            "/api/v1/admin/accounts/{id}/recovery-link",
            json!({ "delivery": "response" }),
            json!(["response"]),
            None,
        ),
    ];

    let covered: std::collections::BTreeSet<String> =
        endpoints.iter().map(|e| e.documented.clone()).collect();
    // Every operation with a body the served OpenAPI document lists (a unit test of the
    // document checks that it lists exactly the registered routes).
    let doc: Value = app
        .get(&client, "/api/v1/openapi.json")
        .await
        .json()
        .await
        .expect("the OpenAPI document");
    let with_a_body: std::collections::BTreeSet<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .filter(|(_, item)| {
            let operations = item.as_object().expect("operations").values();
            operations
                .into_iter()
                .any(|op| op.get("requestBody").is_some())
        })
        .map(|(path, _)| path.clone())
        .collect();
    assert_eq!(
        covered, with_a_body,
        "the corpus covers every API endpoint with a body"
    );

    // Act / Assert
    let cases = endpoints
        .iter()
        .flat_map(|endpoint| json_corpus(&app, &client, endpoint))
        .collect();
    assert_all_refused(&app, cases).await;
    assert!(app.account_page(&client).await.is_none(), "not signed in");
    app.assert_links_still_live(&live).await;
}

async fn message_ids_of_any_size_or_sign_get_a_clear_4xx(backend: Backend) {
    // Arrange: the only number a URL carries is the development mailbox's message id.
    let Some(app) = spawn_app_with(backend, with_dev_mailbox).await else {
        return;
    };
    let client = app.new_client();
    assert_eq!(
        app.get(&client, "/dev/mailbox").await.status(),
        StatusCode::OK
    );
    let ids = [
        "0",
        "-1",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999999999999999",
        "1e3",
        "0x10",
        "1.5",
        "+1",
        "%00",
        "1%0d%0a",
        "NaN",
        "%D9%A1",
        "1;DROP%20TABLE%20users",
    ];

    // Act / Assert
    let cases = ids
        .iter()
        .map(|id| {
            Case::new(
                format!("/dev/mailbox/{id}"),
                client.get(app.url(&format!("/dev/mailbox/{id}"))),
                Refusal::AnyClientError,
            )
        })
        .collect();
    app.create_user(EMAIL, PASSWORD);
    assert_all_refused(&app, cases).await;
}

async fn every_page_without_input_shrugs_off_junk_queries_and_bodies(backend: Backend) {
    // Arrange: the GET endpoints that read no input, and a signed-in browser.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let browser = app.browser();
    assert_eq!(
        app.sign_in(&browser, EMAIL, PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    let paths = [
        "/healthz",
        "/readyz",
        "/metrics",
        "/static/lifeline.css",
        "/api/v1/openapi.json",
        "/account",
        "/account/password",
        "/login",
        "/password/forgot",
        "/no/such/page",
    ];
    let junk_query = format!("?%FF=%00&email=a%0d%0ab&x={}", "a".repeat(4_000));

    // Act / Assert
    let mut cases = Vec::new();
    for path in paths {
        let url = app.url(path);
        cases.push(Case::new(
            format!("{path} with a junk query"),
            browser.get(format!("{url}{junk_query}")),
            Refusal::NoServerError,
        ));
        cases.push(Case::new(
            format!("{path} with a body"),
            browser
                .get(&url)
                .header(CONTENT_TYPE, "application/json")
                .body(format!("{{\"email\": \"{}\"}}", "a".repeat(20_000))),
            Refusal::NoServerError,
        ));
        cases.push(Case::new(
            format!("{path} with another method"),
            browser.put(&url).body("x"),
            Refusal::AnyClientError,
        ));
    }
    assert_all_refused(&app, cases).await;
}
