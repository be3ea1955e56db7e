//! Minting and verifying tokens.

use crate::claims::TokenClaims;
use crate::error::TokenError;
use crate::format::{Body, TOKEN_LEN, VERSION};
use crate::key_ring::{KeyId, KeyRing};
use crate::lookup::LookupHash;
use crate::purpose::{PREFIX_LEN, Purpose};
use crate::random::RandomSource;
use crate::secret::TokenString;

/// A freshly minted token: the text goes into the email, the lookup hash into the database.
#[derive(Debug)]
pub struct MintedToken {
    /// The token text (secret). Never store or log it.
    pub token: TokenString,
    /// What the database stores to find the token again when it comes back.
    pub lookup: LookupHash,
}

/// A token whose MAC and expiry have been checked.
///
/// It cannot be built outside this crate (`#[non_exhaustive]`), so holding one proves that
/// [`verify`] accepted the text. Two checks remain for the caller: the claims' `auth_epoch`
/// against the user's current epoch ([`VerifiedToken::check_epoch`]), and single use, which
/// the database enforces by consuming the row found through [`VerifiedToken::lookup`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedToken {
    /// The purpose the token was minted for.
    pub purpose: Purpose,
    /// The key that signed it.
    pub key_id: KeyId,
    /// User, epoch and expiry, as signed.
    pub claims: TokenClaims,
    /// The hash to look the token up (and consume it) in the database.
    pub lookup: LookupHash,
}

impl VerifiedToken {
    /// Accepts the token only if it was minted under the user's `current` auth epoch.
    ///
    /// A password change, "not me" or an administrator revoke bumps the epoch, which voids
    /// every link minted before it without touching the token table.
    pub fn check_epoch(&self, current: i64) -> Result<(), TokenError> {
        if self.claims.auth_epoch == current {
            Ok(())
        } else {
            Err(TokenError::StaleEpoch)
        }
    }
}

/// Mints a token of `purpose` carrying `claims`, signed by the ring's signing key, with
/// [`SECRET_LEN`](crate::SECRET_LEN) bytes of secret from `rng`.
///
/// Fails only if `rng` fails ([`TokenError::Rng`]): a token is never issued with a
/// predictable secret.
pub fn mint<R: RandomSource + ?Sized>(
    ring: &KeyRing,
    purpose: Purpose,
    claims: TokenClaims,
    rng: &mut R,
) -> Result<MintedToken, TokenError> {
    let (key_id, subkeys) = ring.signing();
    let mut body = Body::new(purpose, key_id, &claims);
    rng.fill(body.secret_mut())?;
    let lookup = body.seal(subkeys.mac(purpose));
    Ok(MintedToken {
        token: body.encode(),
        lookup,
    })
}

/// Checks `text` as a token of `purpose` at time `now` (unix seconds) and returns what it
/// proves. Runs entirely in memory, so forged, truncated or expired tokens are rejected
/// before the database is touched.
///
/// Order of checks, cheapest and most public first: exact length (before any decoding, so
/// the work is bounded whatever the input), prefix and purpose, strict base64url into a
/// fixed buffer, body version, key id, MAC (constant-time), expiry.
///
/// Every error must be reported to the client in the same way; see [`TokenError`].
pub fn verify(
    ring: &KeyRing,
    purpose: Purpose,
    text: &str,
    now: i64,
) -> Result<VerifiedToken, TokenError> {
    // The same checks as `UntrustedToken::parse_as(purpose, text)?.verify(ring, now)`, on a
    // body decoded where it stays: no copy of it is moved through return values.
    UntrustedToken::check_purpose(purpose, text)?;
    let mut body = Body::zeroed(purpose);
    body.decode_in_place(&text.as_bytes()[PREFIX_LEN..])?;
    UntrustedToken::check_version(&body)?;
    check_body(&body, purpose, ring, now)
}

/// Key id, MAC and expiry of a decoded body, in that order; see [`UntrustedToken::verify`].
fn check_body(
    body: &Body,
    purpose: Purpose,
    ring: &KeyRing,
    now: i64,
) -> Result<VerifiedToken, TokenError> {
    let key_id = body.key_id();
    let subkeys = ring.subkeys(key_id).ok_or(TokenError::UnknownKey(key_id))?;
    // One keyed hash yields both the tag to compare and the lookup hash (see `format`);
    // the lookup hash is released only when the tag matched.
    let lookup = body.open(subkeys.mac(purpose)).ok_or(TokenError::BadMac)?;
    let claims = body.claims();
    if now >= claims.expires_at {
        return Err(TokenError::Expired {
            expires_at: claims.expires_at,
            now,
        });
    }
    Ok(VerifiedToken {
        purpose,
        key_id,
        claims,
        lookup,
    })
}

/// A token that is well formed but not yet checked against any key: its fields must not be
/// trusted. Mainly for tools that need the purpose or key id before verifying, and for fuzzing
/// the parser on its own.
///
/// ```
/// use token_core::{Purpose, TokenError, UntrustedToken};
///
/// assert_eq!(UntrustedToken::parse("lr1_short").err(), Some(TokenError::WrongLength));
/// ```
pub struct UntrustedToken {
    purpose: Purpose,
    body: Body,
}

impl UntrustedToken {
    /// Parses a token of any purpose: length, prefix, base64url, version.
    pub fn parse(text: &str) -> Result<UntrustedToken, TokenError> {
        let purpose = Self::check_length_and_prefix(text)?;
        Self::decode(purpose, text)
    }

    /// Parses a token that must be of `expected` purpose; another purpose is refused before
    /// the body is decoded.
    pub fn parse_as(expected: Purpose, text: &str) -> Result<UntrustedToken, TokenError> {
        Self::check_purpose(expected, text)?;
        Self::decode(expected, text)
    }

    /// The purpose named by the prefix (unverified).
    pub fn purpose(&self) -> Purpose {
        self.purpose
    }

    /// The key id written in the body (unverified).
    pub fn key_id(&self) -> KeyId {
        self.body.key_id()
    }

    /// Checks key id, MAC and expiry against `ring` at `now` (unix seconds).
    ///
    /// A key id that is not in the ring (never added, or retired) is
    /// [`TokenError::UnknownKey`]. The MAC comparison is constant-time.
    pub fn verify(&self, ring: &KeyRing, now: i64) -> Result<VerifiedToken, TokenError> {
        check_body(&self.body, self.purpose, ring, now)
    }

    /// Length first: all tokens have one length, and checking it before anything else
    /// bounds the work done on hostile input.
    fn check_length_and_prefix(text: &str) -> Result<Purpose, TokenError> {
        let bytes = text.as_bytes();
        if bytes.len() != TOKEN_LEN {
            return Err(TokenError::WrongLength);
        }
        Purpose::from_prefix(&bytes[..PREFIX_LEN]).ok_or(TokenError::WrongPrefix)
    }

    /// Length and prefix, and the purpose must be `expected`: another purpose is refused
    /// before the body is decoded.
    fn check_purpose(expected: Purpose, text: &str) -> Result<(), TokenError> {
        let found = Self::check_length_and_prefix(text)?;
        if found != expected {
            return Err(TokenError::WrongPurpose { expected, found });
        }
        Ok(())
    }

    fn decode(purpose: Purpose, text: &str) -> Result<UntrustedToken, TokenError> {
        let body = Body::decode(purpose, &text.as_bytes()[PREFIX_LEN..])?;
        Self::check_version(&body)?;
        Ok(UntrustedToken { purpose, body })
    }

    fn check_version(body: &Body) -> Result<(), TokenError> {
        if body.version() == VERSION {
            Ok(())
        } else {
            Err(TokenError::UnsupportedVersion(body.version()))
        }
    }
}

impl std::fmt::Debug for UntrustedToken {
    /// Shows purpose and key id only; the body holds the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UntrustedToken")
            .field("purpose", &self.purpose)
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SigningKey;
    use crate::testing::{FailingRandom, SeededRandom, flip_last_symbol_low_bit};

    const NOW: i64 = 1_800_000_000;
    const CLAIMS: TokenClaims = TokenClaims {
        user_id: 42,
        auth_epoch: 7,
        expires_at: NOW + 1800,
    };

    fn ring() -> KeyRing {
        KeyRing::new(1, SigningKey::from_bytes([1; 32]))
    }

    fn mint_text(ring: &KeyRing, purpose: Purpose) -> String {
        let minted = mint(ring, purpose, CLAIMS, &mut SeededRandom::new(0)).unwrap();
        minted.token.expose_secret().to_owned()
    }

    /// Decodes `text`, lets `change` edit the raw body, optionally re-seals it with the
    /// ring's real MAC key, and encodes it again.
    fn tamper(text: &str, reseal: bool, change: impl FnOnce(&mut [u8])) -> String {
        let mut token = UntrustedToken::parse(text).unwrap();
        change(token.body.bytes_mut());
        if reseal {
            let ring = ring();
            token.body.seal(ring.signing().1.mac(token.purpose));
        }
        token.body.encode().expose_secret().to_owned()
    }

    #[test]
    fn a_minted_token_verifies_with_its_claims_and_lookup() {
        // Arrange
        let ring = ring();

        // Act
        let minted = mint(
            &ring,
            Purpose::PasswordReset,
            CLAIMS,
            &mut SeededRandom::new(0),
        )
        .unwrap();
        let verified = verify(
            &ring,
            Purpose::PasswordReset,
            minted.token.expose_secret(),
            NOW,
        )
        .unwrap();

        // Assert
        assert_eq!(
            verified,
            VerifiedToken {
                purpose: Purpose::PasswordReset,
                key_id: 1,
                claims: CLAIMS,
                lookup: minted.lookup,
            }
        );
    }

    #[test]
    fn token_text_is_prefix_and_url_safe_characters_of_fixed_length() {
        for purpose in Purpose::ALL {
            // Act
            let text = mint_text(&ring(), purpose);

            // Assert
            assert_eq!(text.len(), TOKEN_LEN);
            assert!(text.starts_with(purpose.prefix()));
            assert!(
                text[PREFIX_LEN..]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            );
        }
    }

    #[test]
    fn the_secret_comes_from_the_random_source() {
        // Arrange
        let ring = ring();

        // Act
        let a = mint(&ring, Purpose::MagicLink, CLAIMS, &mut SeededRandom::new(1)).unwrap();
        let b = mint(&ring, Purpose::MagicLink, CLAIMS, &mut SeededRandom::new(1)).unwrap();
        let c = mint(&ring, Purpose::MagicLink, CLAIMS, &mut SeededRandom::new(2)).unwrap();

        // Assert
        assert_eq!(a.token.expose_secret(), b.token.expose_secret());
        assert_ne!(a.token.expose_secret(), c.token.expose_secret());
        assert_ne!(a.lookup, c.lookup);
    }

    #[test]
    fn minting_fails_when_the_random_source_fails() {
        // Act
        let result = mint(&ring(), Purpose::PasswordReset, CLAIMS, &mut FailingRandom);

        // Assert
        assert!(matches!(result, Err(TokenError::Rng(_))));
    }

    #[test]
    fn the_same_secret_has_a_different_lookup_hash_per_purpose() {
        // Arrange
        let ring = ring();

        // Act: the same seed gives the same secret bytes.
        let lookups: Vec<_> = Purpose::ALL
            .into_iter()
            .map(|p| {
                mint(&ring, p, CLAIMS, &mut SeededRandom::new(3))
                    .unwrap()
                    .lookup
            })
            .collect();

        // Assert
        assert_ne!(lookups[0], lookups[1]);
        assert_ne!(lookups[1], lookups[2]);
        assert_ne!(lookups[0], lookups[2]);
    }

    #[test]
    fn wrong_length_is_rejected_before_anything_else() {
        // Arrange
        let text = mint_text(&ring(), Purpose::PasswordReset);
        let inputs = [
            String::new(),
            "lr1_".to_owned(),
            text[..TOKEN_LEN - 1].to_owned(),
            format!("{text}A"),
            format!("xx{text}"),
        ];

        // Act / Assert
        for input in inputs {
            let result = verify(&ring(), Purpose::PasswordReset, &input, NOW);
            assert_eq!(result.err(), Some(TokenError::WrongLength), "{input:?}");
        }
    }

    #[test]
    fn unknown_prefixes_are_rejected() {
        // Arrange
        let text = mint_text(&ring(), Purpose::PasswordReset);

        for prefix in ["lx1_", "LR1_", "lr2_", "lr1-", "\u{e9}r1_"] {
            let input = format!("{prefix}{}", &text[prefix.len()..]);

            // Act
            let result = verify(&ring(), Purpose::PasswordReset, &input, NOW);

            // Assert
            assert_eq!(result.err(), Some(TokenError::WrongPrefix), "{input:?}");
        }
    }

    #[test]
    fn a_token_of_another_purpose_is_rejected_even_with_that_prefix() {
        // Arrange
        let reset = mint_text(&ring(), Purpose::PasswordReset);
        let relabelled = format!("lm1_{}", &reset[PREFIX_LEN..]);

        // Act
        let as_magic_link = verify(&ring(), Purpose::MagicLink, &reset, NOW);
        let relabelled_result = verify(&ring(), Purpose::MagicLink, &relabelled, NOW);

        // Assert
        assert_eq!(
            as_magic_link.err(),
            Some(TokenError::WrongPurpose {
                expected: Purpose::MagicLink,
                found: Purpose::PasswordReset,
            })
        );
        assert_eq!(relabelled_result.err(), Some(TokenError::BadMac));
    }

    #[test]
    fn the_two_not_me_kinds_never_verify_as_each_other() {
        for (minted, other) in [
            (Purpose::NotMe, Purpose::NotMeChange),
            (Purpose::NotMeChange, Purpose::NotMe),
        ] {
            // Arrange: the token as minted, and relabelled with the other kind's prefix.
            let text = mint_text(&ring(), minted);
            let relabelled = format!("{}{}", other.prefix(), &text[PREFIX_LEN..]);

            // Act
            let as_other = verify(&ring(), other, &text, NOW);
            let relabelled_result = verify(&ring(), other, &relabelled, NOW);

            // Assert
            assert_eq!(
                as_other.err(),
                Some(TokenError::WrongPurpose {
                    expected: other,
                    found: minted,
                })
            );
            assert_eq!(relabelled_result.err(), Some(TokenError::BadMac));
            assert!(verify(&ring(), minted, &text, NOW).is_ok());
        }
    }

    #[test]
    fn characters_outside_base64url_are_rejected() {
        // Arrange
        let text = mint_text(&ring(), Purpose::NotMe);

        for bad in ["+", "/", "=", " ", "%", "\u{e9}"] {
            // Same byte length: replace as many characters as `bad` has bytes.
            let at = PREFIX_LEN + 10;
            let input = format!("{}{bad}{}", &text[..at], &text[at + bad.len()..]);

            // Act
            let result = verify(&ring(), Purpose::NotMe, &input, NOW);

            // Assert
            assert_eq!(result.err(), Some(TokenError::NotBase64), "{input:?}");
        }
    }

    #[test]
    fn a_non_canonical_spelling_of_a_valid_token_is_rejected() {
        // Arrange: 58 bytes need 464 bits, 78 symbols carry 468; the last 4 must be zero.
        let text = mint_text(&ring(), Purpose::PasswordReset);
        let alternate = flip_last_symbol_low_bit(&text);

        // Act
        let result = verify(&ring(), Purpose::PasswordReset, &alternate, NOW);

        // Assert
        assert_ne!(alternate, text);
        assert_eq!(result.err(), Some(TokenError::NonCanonical));
    }

    #[test]
    fn an_unknown_body_version_is_rejected() {
        // Arrange: a correctly MACed body that claims version 2.
        let text = mint_text(&ring(), Purpose::PasswordReset);
        let version_two = tamper(&text, true, |bytes| bytes[0] = 2);

        // Act
        let result = verify(&ring(), Purpose::PasswordReset, &version_two, NOW);

        // Assert
        assert_eq!(result.err(), Some(TokenError::UnsupportedVersion(2)));
    }

    #[test]
    fn a_key_id_not_in_the_ring_is_rejected() {
        // Arrange
        let text = mint_text(&ring(), Purpose::PasswordReset);
        let other_ring = KeyRing::new(2, SigningKey::from_bytes([1; 32]));

        // Act
        let result = verify(&other_ring, Purpose::PasswordReset, &text, NOW);

        // Assert
        assert_eq!(result.err(), Some(TokenError::UnknownKey(1)));
    }

    #[test]
    fn altered_claims_break_the_mac() {
        // Arrange
        let text = mint_text(&ring(), Purpose::PasswordReset);
        let other_user = tamper(&text, false, |bytes| bytes[9] ^= 1);
        let later_expiry = tamper(&text, false, |bytes| bytes[20] ^= 0x10);
        let other_epoch = tamper(&text, false, |bytes| bytes[17] ^= 1);

        for input in [other_user, later_expiry, other_epoch] {
            // Act
            let result = verify(&ring(), Purpose::PasswordReset, &input, NOW);

            // Assert
            assert_eq!(result.err(), Some(TokenError::BadMac));
        }
    }

    #[test]
    fn altered_secret_or_tag_breaks_the_mac() {
        // Arrange
        let text = mint_text(&ring(), Purpose::MagicLink);
        let other_secret = tamper(&text, false, |bytes| bytes[30] ^= 0x80);
        let other_tag = tamper(&text, false, |bytes| bytes[57] ^= 1);

        for input in [other_secret, other_tag] {
            // Act
            let result = verify(&ring(), Purpose::MagicLink, &input, NOW);

            // Assert
            assert_eq!(result.err(), Some(TokenError::BadMac));
        }
    }

    #[test]
    fn a_token_from_another_key_with_the_same_id_is_rejected() {
        // Arrange
        let foreign = KeyRing::new(1, SigningKey::from_bytes([9; 32]));
        let text = mint_text(&foreign, Purpose::PasswordReset);

        // Act
        let result = verify(&ring(), Purpose::PasswordReset, &text, NOW);

        // Assert
        assert_eq!(result.err(), Some(TokenError::BadMac));
    }

    #[test]
    fn a_token_expires_at_its_expiry_second() {
        // Arrange
        let text = mint_text(&ring(), Purpose::PasswordReset);
        let expires_at = CLAIMS.expires_at;

        // Act
        let last_valid = verify(&ring(), Purpose::PasswordReset, &text, expires_at - 1);
        let at_expiry = verify(&ring(), Purpose::PasswordReset, &text, expires_at);
        let long_after = verify(&ring(), Purpose::PasswordReset, &text, i64::MAX);

        // Assert
        assert!(last_valid.is_ok());
        assert_eq!(
            at_expiry.err(),
            Some(TokenError::Expired {
                expires_at,
                now: expires_at
            })
        );
        assert!(matches!(long_after, Err(TokenError::Expired { .. })));
    }

    #[test]
    fn a_token_from_an_older_epoch_is_stale() {
        // Arrange
        let text = mint_text(&ring(), Purpose::PasswordReset);
        let verified = verify(&ring(), Purpose::PasswordReset, &text, NOW).unwrap();

        // Act / Assert
        assert_eq!(verified.check_epoch(7), Ok(()));
        assert_eq!(verified.check_epoch(8), Err(TokenError::StaleEpoch));
        assert_eq!(verified.check_epoch(6), Err(TokenError::StaleEpoch));
    }

    #[test]
    fn older_keys_verify_after_rotation_until_retired() {
        // Arrange
        let mut ring = ring();
        let old = mint_text(&ring, Purpose::PasswordReset);
        ring.rotate(2, SigningKey::from_bytes([2; 32])).unwrap();
        let new = mint_text(&ring, Purpose::PasswordReset);

        // Act
        let old_before_retire = verify(&ring, Purpose::PasswordReset, &old, NOW);
        ring.retire(1).unwrap();
        let old_after_retire = verify(&ring, Purpose::PasswordReset, &old, NOW);
        let new_after_retire = verify(&ring, Purpose::PasswordReset, &new, NOW);

        // Assert
        assert_eq!(old_before_retire.unwrap().key_id, 1);
        assert_eq!(old_after_retire.err(), Some(TokenError::UnknownKey(1)));
        assert_eq!(new_after_retire.unwrap().key_id, 2);
    }

    #[test]
    fn parse_reads_purpose_and_key_id_without_a_key() {
        // Arrange
        let text = mint_text(&ring(), Purpose::NotMe);

        // Act
        let untrusted = UntrustedToken::parse(&text).unwrap();

        // Assert
        assert_eq!(untrusted.purpose(), Purpose::NotMe);
        assert_eq!(untrusted.key_id(), 1);
        assert_eq!(
            untrusted.verify(&ring(), NOW).unwrap().purpose,
            Purpose::NotMe
        );
    }

    #[test]
    fn debug_output_never_contains_the_token_text() {
        // Arrange
        let minted = mint(
            &ring(),
            Purpose::MagicLink,
            CLAIMS,
            &mut SeededRandom::new(0),
        )
        .unwrap();
        let text = minted.token.expose_secret();
        let untrusted = UntrustedToken::parse(text).unwrap();
        let verified = untrusted.verify(&ring(), NOW).unwrap();

        // Act
        let debugs = [
            format!("{minted:?}"),
            format!("{untrusted:?}"),
            format!("{verified:?}"),
        ];

        // Assert
        for debug in debugs {
            assert!(
                !debug.contains(&text[PREFIX_LEN..PREFIX_LEN + 8]),
                "{debug}"
            );
        }
        assert!(format!("{minted:?}").contains("token: ***"));
    }
}
