//! Repository operations on a real SQLite file and, when `LIFELINE_TEST_MYSQL_URL`
//! is set and the `mysql` feature compiled, on MariaDB. Each benchmark runs on
//! a fresh database.

#![expect(
    clippy::expect_used,
    reason = "a benchmark whose setup fails must stop"
)]

use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use storage::testing::{TestDb, available_backends};
use storage::{EmailAddress, outbox, throttles, tokens, users};

fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

fn random_hash(counter: &mut u64) -> token_core::LookupHash {
    *counter += 1;
    token_core::LookupHash::from_bytes(*blake3::hash(&counter.to_le_bytes()).as_bytes())
}

fn storage_ops(c: &mut Criterion) {
    for backend in available_backends() {
        let Some(db) = TestDb::new(backend) else {
            continue;
        };
        let mut conn = db.conn().expect("connection");
        let mut setup = db.conn().expect("second connection");
        let email = EmailAddress::parse("bench@example.com").expect("address");
        let user = users::create(
            &mut conn,
            &users::NewUser {
                email: &email,
                password_hash: None,
                now: now(),
            },
        )
        .expect("user");
        let mut counter = 0u64;
        let mut group = c.benchmark_group(format!("storage_{backend}"));
        group.sample_size(30);

        group.bench_function("users_find_by_email", |b| {
            b.iter(|| users::find_by_email(&mut conn, &email).expect("lookup"))
        });
        group.bench_function("tokens_issue_revoking_older", |b| {
            b.iter(|| {
                let hash = random_hash(&mut counter);
                tokens::issue(
                    &mut conn,
                    &tokens::NewToken {
                        purpose: token_core::Purpose::PasswordReset,
                        user_id: user.id,
                        hash,
                        expires_at: now() + chrono::TimeDelta::minutes(30),
                        created_at: now(),
                        created_ip: Some("127.0.0.1"),
                    },
                )
                .expect("issue")
            })
        });
        group.bench_function("tokens_consume", |b| {
            b.iter_batched(
                || {
                    let hash = random_hash(&mut counter);
                    tokens::issue(
                        &mut setup,
                        &tokens::NewToken {
                            purpose: token_core::Purpose::MagicLink,
                            user_id: user.id,
                            hash,
                            expires_at: now() + chrono::TimeDelta::minutes(30),
                            created_at: now(),
                            created_ip: None,
                        },
                    )
                    .expect("issue");
                    hash
                },
                |hash| {
                    assert!(
                        tokens::consume(&mut conn, &hash, token_core::Purpose::MagicLink, now())
                            .expect("consume")
                            .is_some()
                    )
                },
                BatchSize::PerIteration,
            )
        });
        group.bench_function("outbox_enqueue", |b| {
            b.iter(|| outbox::enqueue(&mut conn, "bench", "{}", now()).expect("enqueue"))
        });
        group.bench_function("outbox_claim_and_mark_sent", |b| {
            b.iter(|| {
                for job in outbox::claim(&mut conn, "bench", now(), Duration::from_secs(60), 1)
                    .expect("claim")
                {
                    outbox::mark_sent(&mut conn, job.id, "bench", now()).expect("mark sent");
                }
            })
        });
        group.bench_function("throttles_hit", |b| {
            b.iter(|| {
                throttles::hit(
                    &mut conn,
                    &[1; 32],
                    now(),
                    Duration::from_secs(3600),
                    u32::MAX,
                )
                .expect("hit")
            })
        });
        group.finish();
    }
}

criterion_group!(benches, storage_ops);
criterion_main!(benches);
