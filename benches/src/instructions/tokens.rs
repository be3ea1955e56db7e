//! Token mint, verify and forged rejection in token-core, and the argon2id verification
//! that sign-in's count leaves out.

use std::hint::black_box;

use anyhow::Context;
use token_core::{KeyRing, Lifetime, OsRandom, Purpose, SigningKey, TokenClaims};

use super::Scenario;
use super::callgrind::measure;
use super::service::{ARGON2_ITERATIONS, ARGON2_MEMORY_KIB, PASSWORD};

const NOW: i64 = 1_800_000_000;

/// Counts `times` calls of the token operation `scenario` names.
pub fn run(scenario: Scenario, times: u32) -> anyhow::Result<()> {
    let ring = KeyRing::new(1, SigningKey::from_bytes([7; 32]));
    let claims = TokenClaims::expiring_in(42, 3, NOW, Lifetime::clamped(1800));
    let minted = token_core::mint(&ring, Purpose::PasswordReset, claims, &mut OsRandom)?;
    let valid = minted.token.expose_secret().to_owned();
    let mut forged = valid.clone().into_bytes();
    let last = forged.len() - 2;
    forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged)?;
    token_core::verify(&ring, Purpose::PasswordReset, &valid, NOW).context("valid verifies")?;
    anyhow::ensure!(
        token_core::verify(&ring, Purpose::PasswordReset, &forged, NOW).is_err(),
        "the forged token must not verify"
    );
    match scenario {
        Scenario::TokenMint => measure(times, || {
            let minted = token_core::mint(&ring, Purpose::PasswordReset, claims, &mut OsRandom);
            black_box(minted.is_ok());
        }),
        Scenario::TokenVerify => measure(times, || {
            let verified =
                token_core::verify(&ring, Purpose::PasswordReset, black_box(&valid), NOW);
            black_box(verified.is_ok());
        }),
        Scenario::TokenRejectForged => measure(times, || {
            let verified =
                token_core::verify(&ring, Purpose::PasswordReset, black_box(&forged), NOW);
            black_box(verified.is_err());
        }),
        other => anyhow::bail!("{other:?} is not a token scenario"),
    }
    Ok(())
}

/// Counts `times` argon2id verifications of a wrong password against a hash of the cost the
/// request scenarios run with, through the same service sign-in uses.
pub fn argon2_verify(times: u32) -> anyhow::Result<()> {
    let hasher = lifeline::PasswordHasherService::new(ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, 1)?;
    let hash = hasher.hash(&lifeline::Password::new(PASSWORD.to_owned()))?;
    let wrong = lifeline::Password::new("not the password at all".to_owned());
    anyhow::ensure!(
        !hasher.verify(&wrong, Some(&hash)),
        "a wrong password must not verify"
    );
    measure(times, || {
        black_box(hasher.verify(&wrong, Some(&hash)));
    });
    Ok(())
}
