//! `UntrustedToken::parse` on arbitrary bytes, and a mint → verify round trip built from them.
//!
//! Properties checked:
//! - parsing never panics, whether the bytes are valid UTF-8 or converted lossily;
//! - an accepted text has the one token length and starts with its purpose's prefix, and
//!   `parse_as(p)` accepts exactly when `parse` accepts with purpose `p`;
//! - a token minted from claims, key id, purpose and secret taken from the input verifies at
//!   any time before its expiry with exactly those claims and the minted lookup hash, is
//!   refused as expired from its expiry on, and is refused for every other purpose;
//! - changing any single byte of a minted token (position and XOR mask from the input)
//!   makes it fail for every purpose, and never with `Expired`, which would mean the MAC
//!   had accepted it.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Unstructured};
use libfuzzer_sys::fuzz_target;
use lifeline_fuzz::{RING_KEYS, SliceRandom};
use token_core::{
    KeyId, KeyRing, PREFIX_LEN, Purpose, SECRET_LEN, SigningKey, TOKEN_LEN, TokenClaims,
    TokenError, UntrustedToken, mint, verify,
};

/// Inputs longer than this are skipped: a token is 82 bytes and the round trip reads fewer
/// than 60, so longer inputs only slow the fuzzer down.
const MAX_INPUT_LEN: usize = 1024;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT_LEN {
        return;
    }
    parse_never_panics(data);
    if let Ok(case) = RoundTrip::read(&mut Unstructured::new(data)) {
        case.check();
    }
});

fn parse_never_panics(data: &[u8]) {
    check_parse(&String::from_utf8_lossy(data));
    if let Ok(text) = std::str::from_utf8(data) {
        check_parse(text);
    }
}

fn check_parse(text: &str) {
    let parsed = UntrustedToken::parse(text);
    if let Ok(token) = &parsed {
        assert_eq!(text.len(), TOKEN_LEN, "accepted a text of the wrong length");
        assert!(
            text.starts_with(token.purpose().prefix()),
            "the purpose does not match the prefix"
        );
    }
    for purpose in Purpose::ALL {
        let expected = matches!(&parsed, Ok(token) if token.purpose() == purpose);
        assert_eq!(
            UntrustedToken::parse_as(purpose, text).is_ok(),
            expected,
            "parse_as({purpose}) disagrees with parse"
        );
    }
}

/// One mint → verify → mutate case, read from the fuzzer's bytes.
struct RoundTrip<'a> {
    purpose: Purpose,
    key_id: KeyId,
    claims: TokenClaims,
    secret: &'a [u8],
    mutate_at: usize,
    mutate_mask: u8,
}

impl<'a> RoundTrip<'a> {
    fn read(input: &mut Unstructured<'a>) -> arbitrary::Result<RoundTrip<'a>> {
        let purpose = *input.choose(&Purpose::ALL)?;
        let key_id = input.arbitrary()?;
        let claims = TokenClaims {
            user_id: input.arbitrary()?,
            auth_epoch: input.arbitrary()?,
            expires_at: input.arbitrary()?,
        };
        let secret = input.bytes(SECRET_LEN.min(input.len()))?;
        Ok(RoundTrip {
            purpose,
            key_id,
            claims,
            secret,
            mutate_at: input.choose_index(TOKEN_LEN)?,
            mutate_mask: input.int_in_range(1..=u8::MAX)?,
        })
    }

    fn check(&self) {
        let ring = KeyRing::new(self.key_id, SigningKey::from_bytes(RING_KEYS[0]));
        let minted = match mint(
            &ring,
            self.purpose,
            self.claims,
            &mut SliceRandom::new(self.secret),
        ) {
            Ok(minted) => minted,
            Err(error) => panic!("minting with an infallible random source failed: {error}"),
        };
        let text = minted.token.expose_secret();
        self.check_text(text);
        self.check_verifies_until_expiry(&ring, text, &minted.lookup);
        self.check_single_byte_change_is_refused(&ring, text);
    }

    fn check_text(&self, text: &str) {
        assert_eq!(text.len(), TOKEN_LEN);
        assert!(text.starts_with(self.purpose.prefix()));
        assert!(
            text.as_bytes()[PREFIX_LEN..]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'),
            "a minted token has characters outside base64url"
        );
        match UntrustedToken::parse(text) {
            Ok(parsed) => {
                assert_eq!(parsed.purpose(), self.purpose);
                assert_eq!(parsed.key_id(), self.key_id);
            }
            Err(error) => panic!("a minted token does not parse: {error}"),
        }
    }

    fn check_verifies_until_expiry(
        &self,
        ring: &KeyRing,
        text: &str,
        lookup: &token_core::LookupHash,
    ) {
        if let Some(just_before) = self.claims.expires_at.checked_sub(1) {
            for now in [i64::MIN, just_before] {
                let verified = match verify(ring, self.purpose, text, now) {
                    Ok(verified) => verified,
                    Err(error) => panic!("a minted token was refused at {now}: {error}"),
                };
                assert_eq!(verified.claims, self.claims);
                assert_eq!(verified.purpose, self.purpose);
                assert_eq!(verified.key_id, self.key_id);
                assert_eq!(&verified.lookup, lookup);
                assert!(verified.check_epoch(self.claims.auth_epoch).is_ok());
                assert_eq!(
                    verified.check_epoch(self.claims.auth_epoch.wrapping_add(1)),
                    Err(TokenError::StaleEpoch)
                );
            }
        }
        for now in [self.claims.expires_at, i64::MAX] {
            assert!(
                matches!(
                    verify(ring, self.purpose, text, now),
                    Err(TokenError::Expired { .. })
                ),
                "a token was accepted at or after its expiry"
            );
        }
        for other in Purpose::ALL.into_iter().filter(|p| *p != self.purpose) {
            assert!(
                verify(ring, other, text, i64::MIN).is_err(),
                "a {} token verified as {other}",
                self.purpose
            );
        }
    }

    /// Every byte of the text is covered: prefix by the purpose checks, body by strict
    /// base64url (the last symbol's unused bits must be zero) and the MAC. `Expired` is
    /// checked after the MAC, so seeing it here would mean a forged body passed the MAC.
    fn check_single_byte_change_is_refused(&self, ring: &KeyRing, text: &str) {
        let mut bytes = text.as_bytes().to_vec();
        bytes[self.mutate_at] ^= self.mutate_mask;
        let mutated = String::from_utf8_lossy(&bytes);
        for purpose in Purpose::ALL {
            let result = verify(ring, purpose, &mutated, i64::MIN);
            assert!(
                matches!(&result, Err(error) if !matches!(error, TokenError::Expired { .. })),
                "byte {} ^ {:#04x} of a {} token was not refused as {purpose}: {result:?}",
                self.mutate_at,
                self.mutate_mask,
                self.purpose
            );
        }
    }
}
