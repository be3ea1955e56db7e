//! Property tests of the token parser and verifier.

use proptest::prelude::*;
use token_core::{
    KeyId, KeyRing, Lifetime, MAX_LIFETIME, MIN_LIFETIME, OsRandom, PREFIX_LEN, Purpose,
    RandomSource, SigningKey, TOKEN_LEN, TokenClaims, TokenError, UntrustedToken, mint, verify,
};

/// A reproducible random source: BLAKE3 in XOF mode over a seed.
struct SeededRandom(blake3::OutputReader);

impl SeededRandom {
    fn new(seed: u64) -> SeededRandom {
        SeededRandom(
            blake3::Hasher::new()
                .update(&seed.to_le_bytes())
                .finalize_xof(),
        )
    }
}

impl RandomSource for SeededRandom {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), TokenError> {
        self.0.fill(dest);
        Ok(())
    }
}

const NOW: i64 = 1_800_000_000;

fn purpose() -> impl Strategy<Value = Purpose> {
    prop::sample::select(Purpose::ALL.to_vec())
}

fn claims() -> impl Strategy<Value = TokenClaims> {
    (any::<i64>(), any::<i64>()).prop_map(|(user_id, auth_epoch)| {
        TokenClaims::expiring_in(user_id, auth_epoch, NOW, MAX_LIFETIME)
    })
}

fn ring_with(id: KeyId, key: [u8; 32]) -> KeyRing {
    KeyRing::new(id, SigningKey::from_bytes(key))
}

fn mint_text(
    ring: &KeyRing,
    purpose: Purpose,
    claims: TokenClaims,
    seed: u64,
) -> Result<String, TokenError> {
    let minted = mint(ring, purpose, claims, &mut SeededRandom::new(seed))?;
    Ok(minted.token.expose_secret().to_owned())
}

proptest! {
    #[test]
    fn every_minted_token_verifies_until_it_expires(
        purpose in purpose(),
        user_id in any::<i64>(),
        auth_epoch in any::<i64>(),
        minted_at in 0..i64::MAX / 2,
        lifetime in MIN_LIFETIME.as_secs()..=MAX_LIFETIME.as_secs(),
        age_fraction in 0.0..1.0f64,
        key in any::<[u8; 32]>(),
        key_id in any::<u8>(),
        seed in any::<u64>(),
    ) {
        // Arrange
        let ring = ring_with(key_id, key);
        let lifetime = Lifetime::new(lifetime).unwrap();
        let claims = TokenClaims::expiring_in(user_id, auth_epoch, minted_at, lifetime);
        let age = (lifetime.as_secs() as f64 * age_fraction) as i64;

        // Act
        let minted = mint(&ring, purpose, claims, &mut SeededRandom::new(seed)).unwrap();
        let text = minted.token.expose_secret();
        let verified = verify(&ring, purpose, text, minted_at + age).unwrap();
        let expired = verify(&ring, purpose, text, claims.expires_at);

        // Assert
        prop_assert_eq!(text.len(), TOKEN_LEN);
        prop_assert_eq!(verified.claims, claims);
        prop_assert_eq!(verified.key_id, key_id);
        prop_assert_eq!(verified.purpose, purpose);
        prop_assert_eq!(verified.lookup, minted.lookup);
        prop_assert!(verified.check_epoch(auth_epoch).is_ok());
        prop_assert!(matches!(expired, Err(TokenError::Expired { .. })), "{:?}", expired);
    }

    #[test]
    fn changing_any_one_character_makes_the_token_fail(
        purpose in purpose(),
        claims in claims(),
        seed in any::<u64>(),
        position in 0..TOKEN_LEN,
        replacement in any::<char>(),
    ) {
        // Arrange
        let ring = ring_with(1, [1; 32]);
        let text = mint_text(&ring, purpose, claims, seed)?;
        let mut chars: Vec<char> = text.chars().collect();
        prop_assume!(chars[position] != replacement);
        chars[position] = replacement;
        let mutated: String = chars.into_iter().collect();

        // Act
        let result = verify(&ring, purpose, &mutated, NOW);

        // Assert
        prop_assert!(result.is_err());
    }

    #[test]
    fn changing_any_one_bit_makes_the_token_fail(
        purpose in purpose(),
        claims in claims(),
        seed in any::<u64>(),
        position in 0..TOKEN_LEN,
        bit in 0..7u8,
    ) {
        // Arrange: flipping one of the low seven bits keeps the text ASCII.
        let ring = ring_with(1, [1; 32]);
        let mut bytes = mint_text(&ring, purpose, claims, seed)?.into_bytes();
        bytes[position] ^= 1 << bit;
        let mutated = String::from_utf8(bytes).unwrap();

        // Act
        let result = verify(&ring, purpose, &mutated, NOW);

        // Assert
        prop_assert!(result.is_err());
    }

    #[test]
    fn truncated_tokens_fail_on_length(
        purpose in purpose(),
        claims in claims(),
        seed in any::<u64>(),
        keep in 0..TOKEN_LEN,
    ) {
        // Arrange
        let ring = ring_with(1, [1; 32]);
        let text = mint_text(&ring, purpose, claims, seed)?;

        // Act
        let result = verify(&ring, purpose, &text[..keep], NOW);

        // Assert
        prop_assert_eq!(result.err(), Some(TokenError::WrongLength));
    }

    #[test]
    fn extended_tokens_fail_on_length(
        purpose in purpose(),
        claims in claims(),
        seed in any::<u64>(),
        before in ".{0,8}",
        after in ".{0,8}",
    ) {
        // Arrange
        prop_assume!(!before.is_empty() || !after.is_empty());
        let ring = ring_with(1, [1; 32]);
        let text = mint_text(&ring, purpose, claims, seed)?;
        let extended = format!("{before}{text}{after}");

        // Act
        let result = verify(&ring, purpose, &extended, NOW);

        // Assert
        prop_assert_eq!(result.err(), Some(TokenError::WrongLength));
    }

    #[test]
    fn arbitrary_strings_never_panic_and_never_verify(input in ".*", purpose in purpose()) {
        // Arrange
        let ring = ring_with(1, [1; 32]);

        // Act
        let verified = verify(&ring, purpose, &input, NOW);
        let parsed = UntrustedToken::parse(&input);

        // Assert
        prop_assert!(verified.is_err());
        if let Ok(token) = parsed {
            prop_assert!(token.verify(&ring, NOW).is_err());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_never_verify(
        bytes in prop::collection::vec(any::<u8>(), 0..200),
        purpose in purpose(),
    ) {
        // Arrange
        let ring = ring_with(1, [1; 32]);
        let input = String::from_utf8_lossy(&bytes);

        // Act
        let result = verify(&ring, purpose, &input, NOW);

        // Assert
        prop_assert!(result.is_err());
    }

    #[test]
    fn well_shaped_guesses_never_verify(
        purpose in purpose(),
        body in "[A-Za-z0-9_-]{78}",
    ) {
        // Arrange: right length, right prefix, base64url alphabet; only the MAC can stop it.
        let ring = ring_with(1, [1; 32]);
        let guess = format!("{}{body}", purpose.prefix());

        // Act
        let result = verify(&ring, purpose, &guess, NOW);

        // Assert
        prop_assert!(result.is_err());
    }

    #[test]
    fn a_token_of_one_purpose_never_verifies_as_another(
        minted_for in purpose(),
        checked_as in purpose(),
        claims in claims(),
        seed in any::<u64>(),
    ) {
        // Arrange
        prop_assume!(minted_for != checked_as);
        let ring = ring_with(1, [1; 32]);
        let text = mint_text(&ring, minted_for, claims, seed)?;
        let relabelled = format!("{}{}", checked_as.prefix(), &text[PREFIX_LEN..]);

        // Act
        let as_is = verify(&ring, checked_as, &text, NOW);
        let with_other_prefix = verify(&ring, checked_as, &relabelled, NOW);

        // Assert
        prop_assert!(
            matches!(as_is, Err(TokenError::WrongPurpose { .. })),
            "{:?}",
            as_is
        );
        prop_assert_eq!(with_other_prefix.err(), Some(TokenError::BadMac));
    }

    #[test]
    fn a_retired_key_stops_verifying_while_the_others_still_do(
        keys in prop::collection::vec(any::<[u8; 32]>(), 2..6),
        retire_index in any::<prop::sample::Index>(),
        purpose in purpose(),
        claims in claims(),
    ) {
        // Arrange: key i gets id i; each one signs a token, then the next rotates in.
        let mut ring = ring_with(0, keys[0]);
        let mut tokens = vec![mint_text(&ring, purpose, claims, 0)?];
        for (id, key) in keys.iter().enumerate().skip(1) {
            ring.rotate(id as KeyId, SigningKey::from_bytes(*key)).unwrap();
            tokens.push(mint_text(&ring, purpose, claims, id as u64)?);
        }
        // Any key but the last (the signing key) may be retired.
        let retired = retire_index.index(keys.len() - 1);

        // Act
        ring.retire(retired as KeyId).unwrap();

        // Assert
        for (id, text) in tokens.iter().enumerate() {
            let result = verify(&ring, purpose, text, NOW);
            if id == retired {
                prop_assert_eq!(result.err(), Some(TokenError::UnknownKey(id as KeyId)));
            } else {
                prop_assert_eq!(result.unwrap().key_id, id as KeyId);
            }
        }
    }

    #[test]
    fn tokens_from_another_key_ring_never_verify(
        ours in any::<[u8; 32]>(),
        theirs in any::<[u8; 32]>(),
        our_id in any::<u8>(),
        their_id in any::<u8>(),
        purpose in purpose(),
        claims in claims(),
        seed in any::<u64>(),
    ) {
        // Arrange
        prop_assume!(ours != theirs);
        let our_ring = ring_with(our_id, ours);
        let foreign = mint_text(&ring_with(their_id, theirs), purpose, claims, seed)?;

        // Act
        let result = verify(&our_ring, purpose, &foreign, NOW);

        // Assert
        let expected = if our_id == their_id {
            TokenError::BadMac
        } else {
            TokenError::UnknownKey(their_id)
        };
        prop_assert_eq!(result.err(), Some(expected));
    }

    #[test]
    fn a_token_only_passes_the_epoch_it_was_minted_under(
        purpose in purpose(),
        claims in claims(),
        current in any::<i64>(),
        seed in any::<u64>(),
    ) {
        // Arrange
        let ring = ring_with(1, [1; 32]);
        let text = mint_text(&ring, purpose, claims, seed)?;
        let verified = verify(&ring, purpose, &text, NOW).unwrap();

        // Act
        let result = verified.check_epoch(current);

        // Assert
        if current == claims.auth_epoch {
            prop_assert!(result.is_ok());
        } else {
            prop_assert_eq!(result.err(), Some(TokenError::StaleEpoch));
        }
    }
}

#[test]
fn tokens_minted_with_the_os_random_source_are_distinct_and_verify() {
    // Arrange
    let ring = KeyRing::new(1, SigningKey::generate(&mut OsRandom).unwrap());
    let claims = TokenClaims::expiring_in(1, 1, NOW, MIN_LIFETIME);

    // Act
    let first = mint(&ring, Purpose::PasswordReset, claims, &mut OsRandom).unwrap();
    let second = mint(&ring, Purpose::PasswordReset, claims, &mut OsRandom).unwrap();

    // Assert
    assert_ne!(first.token.expose_secret(), second.token.expose_secret());
    assert_ne!(first.lookup, second.lookup);
    for minted in [first, second] {
        let verified = verify(
            &ring,
            Purpose::PasswordReset,
            minted.token.expose_secret(),
            NOW,
        );
        assert_eq!(verified.unwrap().lookup, minted.lookup);
    }
}
