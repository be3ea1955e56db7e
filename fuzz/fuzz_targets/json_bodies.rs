//! Every JSON API body type, from arbitrary bytes, through the code the server runs:
//! `lifeline`'s `decode_json` (the media type check, the object-only guard and
//! `serde_json`), exactly as the API's body extractor calls it.
//!
//! Input: the `Content-Type` header value, a newline, then the body (no newline: no
//! header).
//!
//! Properties checked:
//! - decoding never panics, whatever the header and the bytes (deep nesting, huge numbers,
//!   lone surrogates, a byte-order mark, trailing bytes);
//! - a body is read only under `application/json` (any case, `charset` UTF-8 or none);
//! - an accepted body is a JSON object, never an array of the fields or another value, and
//!   names only the type's own fields, each once (`deny_unknown_fields`); the field lists
//!   below must follow the types;
//! - the guard refuses nothing else: a JSON object that plain `serde_json` decodes into the
//!   type is accepted, and whatever is accepted plain `serde_json` decodes too.
#![no_main]

use libfuzzer_sys::fuzz_target;
// The body types and the decoding are private to the library; its `fuzzing` feature
// re-exports them.
use lifeline::fuzzing::{
    BodyRefusal, CreateAccountRequest, ForgotRequest, MagicLinkRequest, RecoveryLinkRequest,
    ResetRequest, SetPasswordRequest, SignInRequest, VerifyRequest, check_media_type, decode_json,
};
use lifeline_fuzz::split_header_and_body;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The default `server.max_body_bytes`: the server refuses larger bodies before decoding.
const MAX_INPUT_LEN: usize = 16 * 1024;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT_LEN {
        return;
    }
    let (content_type, body) = split_header_and_body(data);
    json::<ForgotRequest>(content_type, body, &["email"]);
    json::<ResetRequest>(content_type, body, &["token", "password"]);
    json::<MagicLinkRequest>(content_type, body, &["email"]);
    json::<VerifyRequest>(content_type, body, &["token", "browser", "session_token"]);
    json::<SignInRequest>(content_type, body, &["email", "password"]);
    json::<CreateAccountRequest>(content_type, body, &["email", "password"]);
    json::<SetPasswordRequest>(content_type, body, &["password"]);
    json::<RecoveryLinkRequest>(content_type, body, &["delivery"]);
});

/// An `application/json` body with its header, as the API's extractor decodes it.
fn json<T: DeserializeOwned>(content_type: Option<&[u8]>, body: &[u8], fields: &[&str]) {
    let name = std::any::type_name::<T>();
    let decoded = decode_json::<T>(content_type, body);
    if check_media_type(content_type, "application/json").is_err() {
        assert!(matches!(decoded, Err(BodyRefusal::UnsupportedMediaType)));
        return;
    }
    let media_type = String::from_utf8_lossy(content_type.unwrap_or_default()).to_lowercase();
    assert!(
        media_type.trim_start().starts_with("application/json"),
        "JSON was read under {media_type:?}"
    );
    let plain = serde_json::from_slice::<T>(body).is_ok();
    let object = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Some(object),
        _ => None,
    };
    match decoded {
        Ok(_) => {
            let object = object.unwrap_or_else(|| panic!("{name} accepted a non-object"));
            assert!(plain, "{name}: accepted what serde_json refuses");
            for key in object.keys() {
                assert!(
                    fields.contains(&key.as_str()),
                    "{name} accepted the unknown key {key:?}"
                );
            }
        }
        Err(refusal) => {
            assert_eq!(refusal, BodyRefusal::Malformed);
            assert!(
                !(plain && object.is_some()),
                "{name}: refused an object serde_json accepts"
            );
        }
    }
}
