//! Every request body and query string type of the server, decoded from arbitrary bytes the
//! way actix-web decodes them: `web::Form` with `serde_urlencoded::from_bytes`, `web::Query`
//! with `serde_urlencoded::from_str`, `web::Json` with `serde_json::from_slice`.
//!
//! Properties checked:
//! - decoding never panics, whatever the bytes (broken percent-escapes, invalid UTF-8,
//!   repeated or unknown keys, deep JSON nesting, huge numbers);
//! - an accepted body names only the type's own fields: every type refuses unknown fields
//!   (`deny_unknown_fields`), so a request can never smuggle a value the handler does not
//!   expect, and a refusal is a 400, never a silently ignored key. The field lists below
//!   must follow the types; a new field makes this target fail until it is added here.
#![no_main]

use libfuzzer_sys::fuzz_target;
// The body types are private to the library; its `fuzzing` feature re-exports them.
use lifeline::fuzzing::{
    ForgotForm, ForgotRequest, LinkQuery, LoginForm, LogoutForm, MagicLinkRequest, NotMeForm,
    NotMeQuery, RequestForm, RequestQuery, ResetForm, ResetRequest, VerifyForm, VerifyQuery,
    VerifyRequest,
};
use serde::de::DeserializeOwned;

/// The default `server.max_body_bytes`: the server refuses larger bodies before decoding.
const MAX_INPUT_LEN: usize = 16 * 1024;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT_LEN {
        return;
    }
    form::<ForgotForm>(data, &["email", "csrf_token"]);
    form::<ResetForm>(
        data,
        &["password", "password_confirm", "csrf_token", "username", "link"],
    );
    form::<LoginForm>(data, &["email", "password", "csrf_token"]);
    form::<LogoutForm>(data, &["csrf_token"]);
    form::<NotMeForm>(data, &["link", "token", "csrf_token"]);
    form::<RequestForm>(data, &["email", "csrf_token", "next"]);
    form::<VerifyForm>(data, &["link", "token", "csrf_token", "browser"]);
    query::<LinkQuery>(data, &["token"]);
    query::<NotMeQuery>(data, &["token"]);
    query::<RequestQuery>(data, &["next"]);
    query::<VerifyQuery>(data, &["token", "browser"]);
    json::<ForgotRequest>(data, &["email"]);
    json::<ResetRequest>(data, &["token", "password"]);
    json::<MagicLinkRequest>(data, &["email"]);
    json::<VerifyRequest>(data, &["token", "browser"]);
});

/// An `application/x-www-form-urlencoded` body.
fn form<T: DeserializeOwned>(body: &[u8], fields: &[&str]) {
    if serde_urlencoded::from_bytes::<T>(body).is_ok() {
        let pairs = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body);
        only_known_keys::<T>(pairs.iter().flatten().map(|(key, _)| key.as_str()), fields);
    }
}

/// A query string. Actix hands the handler the raw query as text; invalid UTF-8 arrives
/// percent-encoded, which the lossy conversion stands in for.
fn query<T: DeserializeOwned>(raw: &[u8], fields: &[&str]) {
    let text = String::from_utf8_lossy(raw);
    if serde_urlencoded::from_str::<T>(&text).is_ok() {
        let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(&text);
        only_known_keys::<T>(pairs.iter().flatten().map(|(key, _)| key.as_str()), fields);
    }
}

/// An `application/json` body. (serde also accepts a struct written as a JSON array of its
/// fields in order; that names no keys, so there is nothing more to check for it.)
fn json<T: DeserializeOwned>(body: &[u8], fields: &[&str]) {
    if serde_json::from_slice::<T>(body).is_ok()
        && let Ok(serde_json::Value::Object(object)) = serde_json::from_slice(body)
    {
        only_known_keys::<T>(object.keys().map(String::as_str), fields);
    }
}

fn only_known_keys<'a, T>(keys: impl Iterator<Item = &'a str>, fields: &[&str]) {
    for key in keys {
        assert!(
            fields.contains(&key),
            "{} accepted the unknown key {key:?}",
            std::any::type_name::<T>()
        );
    }
}
