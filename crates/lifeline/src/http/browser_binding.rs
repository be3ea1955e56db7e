//! Same-browser magic links (`tokens.magic_link_same_browser`).
//!
//! Tokens carry no extra fields and the token table has no column for this, so
//! the binding travels in the link, authenticated with the server's key:
//!
//! 1. the requesting browser's session gets a random value `v` (created once);
//! 2. the outbox job carries only `F(v)`, a keyed fingerprint of it;
//! 3. the worker puts `tag = F'(lookup hash ‖ F(v))` into the link, next to the token;
//! 4. at verify, the tag must equal the one computed from the token and the
//!    value in the *current* session, compared in constant time.
//!
//! Someone holding only the link (a forwarded mail, a shared inbox) has the
//! tag but not `v`, which never leaves the encrypted session cookie; without
//! the key they cannot make a tag for their own session either, and dropping
//! the tag fails. The tag is tied to one token's lookup hash, so it cannot be
//! moved to another link.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use token_core::KeyRing;

use crate::error::AppError;
use crate::http::session::LifelineSession;

/// Fingerprint domain of the browser value.
const BROWSER_DOMAIN: &str = "magic link browser";
/// Fingerprint domain of the link tag.
const TAG_DOMAIN: &str = "magic link browser tag";

/// The fingerprint (base64url) of this browser's value, creating the value on
/// first use. Only the fingerprint leaves the session.
pub fn browser_fingerprint(session: &LifelineSession, keys: &KeyRing) -> Result<String, AppError> {
    let value = session.browser_value()?;
    Ok(fingerprint_of(keys, &value))
}

fn fingerprint_of(keys: &KeyRing, value: &str) -> String {
    URL_SAFE_NO_PAD.encode(token_core::fingerprint(
        keys,
        BROWSER_DOMAIN,
        value.as_bytes(),
    ))
}

/// The tag that binds the token with `lookup` to the browser whose value has
/// the fingerprint `browser` (as carried in the outbox job).
pub fn link_tag(keys: &KeyRing, lookup: &[u8; 32], browser: &str) -> String {
    let mut input = Vec::with_capacity(32 + browser.len());
    input.extend_from_slice(lookup);
    input.extend_from_slice(browser.as_bytes());
    URL_SAFE_NO_PAD.encode(token_core::fingerprint(keys, TAG_DOMAIN, &input))
}

/// Whether `tag` binds the token with `lookup` to the browser holding `session`.
/// A session without a value, or a missing tag, never matches.
pub fn tag_matches(
    keys: &KeyRing,
    session: &LifelineSession,
    lookup: &[u8; 32],
    tag: Option<&str>,
) -> bool {
    let (Some(tag), Some(value)) = (tag, session.existing_browser_value()) else {
        return false;
    };
    let expected = link_tag(keys, lookup, &fingerprint_of(keys, &value));
    constant_time_eq::constant_time_eq(expected.as_bytes(), tag.as_bytes())
}

#[cfg(test)]
mod tests {
    use actix_session::SessionExt;
    use actix_web::test::TestRequest;
    use token_core::{OsRandom, SigningKey};

    use super::*;

    fn ring() -> KeyRing {
        KeyRing::new(1, SigningKey::generate(&mut OsRandom).unwrap())
    }

    fn session() -> LifelineSession {
        TestRequest::default()
            .to_http_request()
            .get_session()
            .into()
    }

    #[test]
    fn a_tag_made_for_this_browser_matches_only_here() {
        // Arrange
        let keys = ring();
        let (mine, other) = (session(), session());
        let lookup = [7u8; 32];
        let tag = link_tag(&keys, &lookup, &browser_fingerprint(&mine, &keys).unwrap());
        browser_fingerprint(&other, &keys).unwrap();

        // Act / Assert
        assert!(tag_matches(&keys, &mine, &lookup, Some(&tag)));
        assert!(!tag_matches(&keys, &other, &lookup, Some(&tag)));
    }

    #[test]
    fn a_tag_does_not_move_to_another_token() {
        let keys = ring();
        let mine = session();
        let tag = link_tag(&keys, &[1; 32], &browser_fingerprint(&mine, &keys).unwrap());
        assert!(!tag_matches(&keys, &mine, &[2; 32], Some(&tag)));
    }

    #[test]
    fn a_missing_tag_or_a_session_without_a_value_never_matches() {
        let keys = ring();
        let (mine, fresh) = (session(), session());
        let tag = link_tag(&keys, &[1; 32], &browser_fingerprint(&mine, &keys).unwrap());
        assert!(!tag_matches(&keys, &mine, &[1; 32], None));
        assert!(!tag_matches(&keys, &fresh, &[1; 32], Some(&tag)));
    }

    #[test]
    fn the_browser_value_is_kept_between_requests() {
        let keys = ring();
        let mine = session();
        assert_eq!(
            browser_fingerprint(&mine, &keys).unwrap(),
            browser_fingerprint(&mine, &keys).unwrap()
        );
    }

    #[test]
    fn another_key_makes_another_tag() {
        let mine = session();
        let (a, b) = (ring(), ring());
        let tag = link_tag(&a, &[1; 32], &browser_fingerprint(&mine, &a).unwrap());
        assert!(!tag_matches(&b, &mine, &[1; 32], Some(&tag)));
    }
}
