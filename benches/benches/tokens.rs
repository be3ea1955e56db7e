//! Token costs: mint, verify, and the three cheap rejections, against two
//! references measured in the same run — HMAC-SHA256 over the same bytes (what
//! most token schemes use) and a bare blake3 keyed hash (the floor).
//!
//! Targets: verify ≤ 2× the bare keyed hash, and ≥ 2× faster than HMAC-SHA256.
//!
//! `reference_verify_hmac_sha256` is the target's reference: the same verify done with
//! HMAC-SHA256 (see `tokens/hmac_verify.rs`). The bare MACs below it show what the
//! two primitives cost on their own.
//!
//! `reference_hmac_sha256` keys the HMAC on every call, as a verify that holds only the key
//! does (four SHA-256 compressions); `reference_hmac_sha256_prekeyed` starts from a state
//! keyed once (two compressions), the best an HMAC-SHA256 verify can do, for comparison.
//! Lifeline's verify starts from subkeys derived once, at start-up, and does one BLAKE3
//! compression plus the strict base64url decoding of the body.

#![expect(
    clippy::expect_used,
    reason = "a benchmark whose setup fails must stop"
)]

#[path = "tokens/hmac_verify.rs"]
mod hmac_verify;

use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::hint::black_box;
use token_core::{KeyRing, Lifetime, OsRandom, Purpose, SigningKey, TokenClaims};

const NOW: i64 = 1_800_000_000;

fn ring() -> KeyRing {
    KeyRing::new(1, SigningKey::from_bytes([7; 32]))
}

fn claims(lifetime: i64) -> TokenClaims {
    TokenClaims::expiring_in(42, 3, NOW, Lifetime::clamped(lifetime))
}

fn tokens(c: &mut Criterion) {
    let ring = ring();
    let valid =
        token_core::mint(&ring, Purpose::PasswordReset, claims(1800), &mut OsRandom).expect("mint");
    let valid = valid.token.expose_secret().to_owned();
    let mut forged = valid.clone().into_bytes();
    let last = forged.len() - 2;
    forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).expect("ascii");
    let expired =
        token_core::mint(&ring, Purpose::PasswordReset, claims(300), &mut OsRandom).expect("mint");
    let expired = expired.token.expose_secret().to_owned();
    let garbage = "lr1_not-a-token-at-all";

    let mut group = c.benchmark_group("token");
    group.bench_function("mint", |b| {
        b.iter(|| {
            token_core::mint(
                &ring,
                Purpose::PasswordReset,
                black_box(claims(1800)),
                &mut OsRandom,
            )
        })
    });
    group.bench_function("verify_valid", |b| {
        b.iter(|| token_core::verify(&ring, Purpose::PasswordReset, black_box(&valid), NOW))
    });
    group.bench_function("reject_forged_mac", |b| {
        b.iter(|| token_core::verify(&ring, Purpose::PasswordReset, black_box(&forged), NOW))
    });
    group.bench_function("reject_expired", |b| {
        b.iter(|| {
            token_core::verify(
                &ring,
                Purpose::PasswordReset,
                black_box(&expired),
                NOW + 600,
            )
        })
    });
    group.bench_function("reject_garbage", |b| {
        b.iter(|| token_core::verify(&ring, Purpose::PasswordReset, black_box(garbage), NOW))
    });

    // References over the same number of bytes the token MAC covers (prefix + 42-byte body).
    let message = [0x5au8; 4 + 42];
    let key = [9u8; 32];
    let hmac_token = hmac_verify::mint(&key, 42, 3, NOW + 1800);
    assert!(hmac_verify::verify(&key, &hmac_token, NOW).is_some());
    assert!(hmac_verify::verify(&[8; 32], &hmac_token, NOW).is_none());
    group.bench_function("reference_verify_hmac_sha256", |b| {
        b.iter(|| hmac_verify::verify(&key, black_box(&hmac_token), NOW))
    });
    group.bench_function("reference_hmac_sha256", |b| {
        b.iter(|| {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("any key length");
            mac.update(black_box(&message));
            mac.finalize().into_bytes()
        })
    });
    let prekeyed = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("any key length");
    group.bench_function("reference_hmac_sha256_prekeyed", |b| {
        b.iter(|| {
            let mut mac = prekeyed.clone();
            mac.update(black_box(&message));
            mac.finalize().into_bytes()
        })
    });
    group.bench_function("floor_blake3_keyed_hash", |b| {
        b.iter(|| blake3::keyed_hash(&key, black_box(&message)))
    });
    group.finish();
}

criterion_group!(benches, tokens);
criterion_main!(benches);
