//! What a request body must be before a handler sees it, decided in one place
//! for every form and every JSON body: its media type, its encoding and its
//! shape. The extractors ([`crate::http::csrf::CsrfForm`] and
//! [`crate::http::extractors::ApiJson`]) read the body and call these
//! functions; the fuzz targets call the same functions, so what is fuzzed is
//! what the server decides.
//!
//! Media types are compared as RFC 9110 says: type, subtype and the `charset`
//! value without regard to case, parameters after `;` (a space may follow the
//! `;`, and the value may be quoted). The header is parsed with the `mime`
//! crate (the one actix-web uses); a value it cannot parse, such as one with a
//! space before `;`, is refused like a missing one.

use std::fmt;
use std::marker::PhantomData;

use actix_web::mime::{self, Mime};
use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// The one media type accepted for forms.
pub const FORM_MEDIA_TYPE: &str = "application/x-www-form-urlencoded";
/// The one media type accepted for JSON bodies.
pub const JSON_MEDIA_TYPE: &str = "application/json";

/// Why a body was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BodyRefusal {
    /// Another media type, none, one that does not parse, or a `charset` other
    /// than UTF-8: 415.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// Over `server.max_body_bytes`: 413.
    #[error("body too large")]
    TooLarge,
    /// The media type is right but the body cannot be decoded into the
    /// expected fields (bad encoding, a missing, repeated or unknown field, a
    /// wrong type, not a JSON object): 400.
    #[error("malformed body")]
    Malformed,
}

/// Checks a `Content-Type` header value (its raw bytes, `None` when absent)
/// against `essence` (`type/subtype`, lowercase).
///
/// A `charset` parameter, if present, must name UTF-8 (`utf-8` or `utf8`, any
/// case): Lifeline's pages are UTF-8, so browsers send their forms that way,
/// and JSON is UTF-8 by definition (RFC 8259). A body declared in another
/// charset is refused rather than read as UTF-8 and silently changed. Other
/// parameters are ignored.
pub fn check_media_type(content_type: Option<&[u8]>, essence: &str) -> Result<(), BodyRefusal> {
    let mime = content_type
        .and_then(|raw| std::str::from_utf8(raw).ok())
        .and_then(|text| text.trim_matches([' ', '\t']).parse::<Mime>().ok())
        .ok_or(BodyRefusal::UnsupportedMediaType)?;
    // `mime` lowercases the type, the subtype and the charset's value.
    let utf8 = mime
        .get_param(mime::CHARSET)
        .is_none_or(|charset| matches!(charset.as_str(), "utf-8" | "utf8"));
    if mime.essence_str() == essence && utf8 {
        Ok(())
    } else {
        Err(BodyRefusal::UnsupportedMediaType)
    }
}

/// Decodes an `application/x-www-form-urlencoded` body into `T`.
///
/// Every name and value must be UTF-8 once percent-decoded: serde_urlencoded
/// would replace other bytes with U+FFFD without a word, so a crafted body
/// could set a password other than the one sent. Then the body is decoded
/// exactly as actix-web's `web::Form` would (`serde_urlencoded::from_bytes`).
pub fn decode_form<T: DeserializeOwned>(
    content_type: Option<&[u8]>,
    body: &[u8],
) -> Result<T, BodyRefusal> {
    check_media_type(content_type, FORM_MEDIA_TYPE)?;
    if !form_is_utf8(body) {
        return Err(BodyRefusal::Malformed);
    }
    serde_urlencoded::from_bytes(body).map_err(|error| {
        tracing::info!(%error, "form refused");
        BodyRefusal::Malformed
    })
}

/// Whether every field of a urlencoded body percent-decodes to UTF-8. `+`
/// (a space) and the separators `&` and `=` are ASCII and cannot change that.
fn form_is_utf8(body: &[u8]) -> bool {
    body.split(|byte| *byte == b'&')
        .all(|pair| percent_encoding::percent_decode(pair).decode_utf8().is_ok())
}

/// Decodes an `application/json` body into `T`, which must be a JSON object.
///
/// serde's derived structs also accept a JSON array of their fields in order
/// (`["ada@example.com"]` for `{"email": …}`), which `deny_unknown_fields`
/// does not stop. The guard is made once for every body, here: the JSON
/// parser is asked for a map (anything else is an "invalid type" error before
/// `T` sees a byte), and `T` is then deserialised from that map alone, so no
/// other shape can reach any body type. Trailing characters are refused.
pub fn decode_json<T: DeserializeOwned>(
    content_type: Option<&[u8]>,
    body: &[u8],
) -> Result<T, BodyRefusal> {
    check_media_type(content_type, JSON_MEDIA_TYPE)?;
    json_object::<T>(body).map_err(|error| {
        tracing::info!(%error, "json body refused");
        BodyRefusal::Malformed
    })
}

fn json_object<T: DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = deserializer.deserialize_map(ObjectOnly(PhantomData))?;
    deserializer.end()?;
    Ok(value)
}

/// A visitor that accepts a map only, and builds `T` from it.
struct ObjectOnly<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOnly<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Pair {
        token: String,
        password: String,
    }

    const JSON: Option<&[u8]> = Some(JSON_MEDIA_TYPE.as_bytes());

    #[test]
    fn form_bodies_that_decode_to_utf8_are_accepted() {
        assert!(form_is_utf8(b"email=ada%40example.com&csrf_token=abc"));
        assert!(form_is_utf8(b"password=%C5%BC%C3%B3%C5%82w+x"));
        assert!(form_is_utf8("password=żółw".as_bytes()));
        assert!(form_is_utf8(b"odd=100%&x=%4"));
        assert!(form_is_utf8(b""));
    }

    #[test]
    fn form_bodies_that_decode_to_invalid_utf8_are_refused() {
        assert!(!form_is_utf8(b"password=correct%FFhorse"));
        assert!(!form_is_utf8(b"password=%C3"));
        assert!(!form_is_utf8(b"password=%c3&x=%a9"));
        assert!(!form_is_utf8(b"password=raw\xff"));
        assert!(!form_is_utf8(b"password=%ED%A0%80"));
    }

    #[test]
    fn media_types_match_without_regard_to_case_and_with_parameters() {
        for accepted in [
            "application/x-www-form-urlencoded",
            "APPLICATION/X-WWW-FORM-URLENCODED",
            "Application/x-www-form-urlencoded",
            " application/x-www-form-urlencoded\t",
            "application/x-www-form-urlencoded;charset=utf-8",
            "application/x-www-form-urlencoded; charset=UTF-8",
            "application/x-www-form-urlencoded; CHARSET=\"Utf-8\"",
            "application/x-www-form-urlencoded; charset=utf8; foo=bar",
            "application/x-www-form-urlencoded;",
        ] {
            assert_eq!(
                check_media_type(Some(accepted.as_bytes()), FORM_MEDIA_TYPE),
                Ok(()),
                "{accepted:?}"
            );
        }
    }

    #[test]
    fn other_media_types_and_charsets_are_refused() {
        for refused in [
            "",
            "application/x-www-form-urlencoded; charset=iso-8859-1",
            "application/x-www-form-urlencoded; charset=utf-16",
            "application/x-www-form-urlencoded ; charset=utf-8",
            "application/x-www-form-urlencoded; charset",
            "application/x-www-form-urlencodedx",
            "application/x-www-form-urlencoded+json",
            "multipart/form-data; boundary=x",
            "text/plain",
            "application/json",
            "application/x-www-form-urlencoded\u{e9}",
        ] {
            assert_eq!(
                check_media_type(Some(refused.as_bytes()), FORM_MEDIA_TYPE),
                Err(BodyRefusal::UnsupportedMediaType),
                "{refused:?}"
            );
        }
        assert_eq!(
            check_media_type(None, FORM_MEDIA_TYPE),
            Err(BodyRefusal::UnsupportedMediaType)
        );
        assert_eq!(
            check_media_type(Some(b"application/json\xff"), JSON_MEDIA_TYPE),
            Err(BodyRefusal::UnsupportedMediaType)
        );
    }

    #[test]
    fn an_upper_case_form_type_still_gets_the_utf8_check() {
        let upper = Some(&b"APPLICATION/x-www-form-urlencoded"[..]);
        assert_eq!(
            decode_form::<Pair>(upper, b"token=t&password=a%FFb"),
            Err(BodyRefusal::Malformed)
        );
        assert_eq!(
            decode_form::<Pair>(upper, b"token=t&password=a+%C3%A9"),
            Ok(Pair {
                token: "t".into(),
                password: "a é".into()
            })
        );
    }

    #[test]
    fn json_bodies_must_be_objects() {
        let expected = Pair {
            token: "t".into(),
            password: "p".into(),
        };
        assert_eq!(
            decode_json::<Pair>(JSON, br#" {"token":"t","password":"p"} "#),
            Ok(expected)
        );
        for refused in [
            &br#"["t","p"]"#[..],
            br#"[["t","p"]]"#,
            br#""t""#,
            b"null",
            b"42",
            br#"{"token":"t","password":"p"}x"#,
            br#"{"token":"t","password":"p","token":"u"}"#,
            b"\xEF\xBB\xBF{\"token\":\"t\",\"password\":\"p\"}",
        ] {
            assert_eq!(
                decode_json::<Pair>(JSON, refused),
                Err(BodyRefusal::Malformed),
                "{}",
                String::from_utf8_lossy(refused)
            );
        }
    }

    #[test]
    fn json_media_types_are_compared_like_form_ones() {
        for accepted in ["application/json", "Application/JSON; charset=UTF-8"] {
            assert_eq!(
                check_media_type(Some(accepted.as_bytes()), JSON_MEDIA_TYPE),
                Ok(())
            );
        }
        for refused in [
            "text/json",
            "application/ld+json",
            "application/json; charset=latin1",
        ] {
            assert_eq!(
                check_media_type(Some(refused.as_bytes()), JSON_MEDIA_TYPE),
                Err(BodyRefusal::UnsupportedMediaType),
                "{refused:?}"
            );
        }
    }
}
