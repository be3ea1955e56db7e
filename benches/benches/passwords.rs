//! argon2id with the default (OWASP) parameters from `config/defaults.toml`:
//! m = 19 MiB, t = 2, p = 1. This is what bounds every reset and sign-in.

#![expect(
    clippy::expect_used,
    reason = "a benchmark whose setup fails must stop"
)]

use argon2::{Algorithm, Argon2, Params, PasswordHasher};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn argon2id(c: &mut Criterion) {
    let params = Params::new(19_456, 2, 1, None).expect("valid parameters");
    let argon2 = Argon2::new(Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut group = c.benchmark_group("password");
    group.sample_size(20);
    group.bench_function("argon2id_hash_m19456_t2_p1", |b| {
        b.iter(|| argon2.hash_password(black_box(b"correct horse battery staple")))
    });
    group.finish();
}

criterion_group!(benches, argon2id);
criterion_main!(benches);
