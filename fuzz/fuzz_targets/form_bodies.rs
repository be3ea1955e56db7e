//! Every form body and query string type of the server, from arbitrary bytes, through the
//! code the server runs: a form goes through `lifeline`'s `decode_form` (the media type
//! check, the UTF-8 check and `serde_urlencoded`), exactly as the page extractor calls it;
//! a query string through `serde_urlencoded::from_str`, as `web::Query` decodes it.
//!
//! Input: the `Content-Type` header value, a newline, then the body (no newline: no
//! header). The query decoders read the body part.
//!
//! Properties checked:
//! - decoding never panics, whatever the header and the bytes (broken percent-escapes,
//!   invalid UTF-8, repeated or unknown keys, odd media types and parameters);
//! - a form is read only under the form media type (any case, `charset` UTF-8 or none);
//! - an accepted form is exactly what a strict decode gives: every name and value is the
//!   percent-decoded bytes read as UTF-8, never a U+FFFD put in place of a bad byte; a body
//!   that is not UTF-8 once decoded is refused as malformed;
//! - an accepted body or query names only the type's own fields: every type refuses unknown
//!   fields (`deny_unknown_fields`), so a request can never smuggle a value the handler does
//!   not expect. The field lists below must follow the types; a new field makes this target
//!   fail until it is added here.
#![no_main]

use libfuzzer_sys::fuzz_target;
// The body types and the decoding are private to the library; its `fuzzing` feature
// re-exports them.
use lifeline::fuzzing::{
    BodyRefusal, ChangePasswordForm, ForgotForm, LinkQuery, LoginForm, LoginQuery, LogoutForm,
    NotMeForm, NotMeQuery, RequestForm, RequestQuery, ResetForm, RevokeOtherSessionsForm,
    RevokeSessionForm, VerifyForm, VerifyQuery, check_media_type, decode_form,
};
use lifeline_fuzz::split_header_and_body;
use serde::de::DeserializeOwned;

/// The default `server.max_body_bytes`: the server refuses larger bodies before decoding.
const MAX_INPUT_LEN: usize = 16 * 1024;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT_LEN {
        return;
    }
    let (content_type, body) = split_header_and_body(data);
    strict_decoding(content_type, body);
    form::<ForgotForm>(content_type, body, &["email", "csrf_token"]);
    form::<ResetForm>(
        content_type,
        body,
        &[
            "password",
            "password_confirm",
            "csrf_token",
            "username",
            "link",
        ],
    );
    form::<LoginForm>(
        content_type,
        body,
        &["email", "password", "csrf_token", "next"],
    );
    form::<LogoutForm>(content_type, body, &["csrf_token"]);
    form::<RevokeSessionForm>(content_type, body, &["session", "csrf_token"]);
    form::<RevokeOtherSessionsForm>(content_type, body, &["csrf_token"]);
    form::<ChangePasswordForm>(
        content_type,
        body,
        &[
            "current_password",
            "password",
            "password_confirm",
            "csrf_token",
            "username",
        ],
    );
    form::<NotMeForm>(content_type, body, &["link", "token", "csrf_token"]);
    form::<RequestForm>(content_type, body, &["email", "csrf_token", "next"]);
    form::<VerifyForm>(
        content_type,
        body,
        &["link", "token", "csrf_token", "browser"],
    );
    query::<LinkQuery>(body, &["token"]);
    query::<LoginQuery>(body, &["next"]);
    query::<NotMeQuery>(body, &["token"]);
    query::<RequestQuery>(body, &["next"]);
    query::<VerifyQuery>(body, &["token", "browser"]);
});

/// The server's form decoding, as a list of pairs, against an independent strict decode.
fn strict_decoding(content_type: Option<&[u8]>, body: &[u8]) {
    let decoded = decode_form::<Vec<(String, String)>>(content_type, body);
    if check_media_type(content_type, "application/x-www-form-urlencoded").is_err() {
        assert_eq!(decoded, Err(BodyRefusal::UnsupportedMediaType));
        return;
    }
    let media_type = String::from_utf8_lossy(content_type.unwrap_or_default()).to_lowercase();
    assert!(
        media_type
            .trim_start()
            .starts_with("application/x-www-form-urlencoded"),
        "a form was read under {media_type:?}"
    );
    match strict_pairs(body) {
        Some(pairs) => assert_eq!(decoded, Ok(pairs), "not the strict decode"),
        None => assert_eq!(decoded, Err(BodyRefusal::Malformed), "not UTF-8, yet read"),
    }
}

/// `application/x-www-form-urlencoded` as the URL standard parses it, but refusing (`None`)
/// any name or value that is not UTF-8 once percent-decoded.
fn strict_pairs(body: &[u8]) -> Option<Vec<(String, String)>> {
    let strict = |part: &[u8]| {
        let spaced: Vec<u8> = part
            .iter()
            .map(|&byte| if byte == b'+' { b' ' } else { byte })
            .collect();
        String::from_utf8(percent_encoding::percent_decode(&spaced).collect()).ok()
    };
    body.split(|&byte| byte == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|&byte| byte == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &[][..]),
            };
            Some((strict(name)?, strict(value)?))
        })
        .collect()
}

/// An `application/x-www-form-urlencoded` body with its header, as the page extractor
/// decodes it.
fn form<T: DeserializeOwned>(content_type: Option<&[u8]>, body: &[u8], fields: &[&str]) {
    if decode_form::<T>(content_type, body).is_ok() {
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

fn only_known_keys<'a, T>(keys: impl Iterator<Item = &'a str>, fields: &[&str]) {
    for key in keys {
        assert!(
            fields.contains(&key),
            "{} accepted the unknown key {key:?}",
            std::any::type_name::<T>()
        );
    }
}
