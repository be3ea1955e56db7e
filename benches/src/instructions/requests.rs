//! One in-process request of each hot route, counted from the request to the last byte of
//! its answer.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::test::TestRequest;
use anyhow::Context;
use chrono::{TimeDelta, Utc};
use storage::tokens::{self, NewToken};
use storage::users;
use token_core::{Lifetime, OsRandom, Purpose, TokenClaims};

use super::callgrind::Counting;
use super::service::{self, Bench, PASSWORD, call};
use super::{Options, Scenario};

/// Runs one request scenario: set-up and warm-up uncounted, then `options.times` requests
/// counted.
pub async fn run(scenario: Scenario, options: &Options) -> anyhow::Result<()> {
    let accounts = options.times as usize + WARM_UP as usize + 1;
    let bench = Bench::build(&options.work_dir, options.smtp_port, accounts).await?;
    let service = bench.service().await;
    match scenario {
        Scenario::RequestForgedLink => {
            let forged = forged_reset_token(&bench)?;
            let uri = format!("/password/reset?token={forged}");
            let request = || TestRequest::get().uri(&uri);
            repeat(options, || async {
                call(&service, request(), StatusCode::BAD_REQUEST).await
            })
            .await
        }
        Scenario::RequestUsedLink => {
            let used = used_reset_token(&bench)?;
            let body =
                serde_json::json!({"token": used, "password": "a long enough new passphrase"});
            let request = || {
                TestRequest::post()
                    .uri("/api/v1/password/reset")
                    .set_json(&body)
            };
            repeat(options, || async {
                call(&service, request(), StatusCode::BAD_REQUEST).await
            })
            .await
        }
        Scenario::RequestForgotAccepted => {
            // A different account each time, as under load; the row is committed before the
            // 202 (group commit), and the worker that would send it is not running.
            let mut next = 0usize;
            let mut request = move || {
                next += 1;
                TestRequest::post()
                    .uri("/api/v1/password/forgot")
                    .set_json(serde_json::json!({"email": service::address(next)}))
            };
            repeat(options, || {
                let request = request();
                let service = &service;
                async move { call(service, request, StatusCode::ACCEPTED).await }
            })
            .await
        }
        Scenario::RequestSessionCheck => {
            let signed_in = call(&service, sign_in(PASSWORD), StatusCode::CREATED).await?;
            let issued: serde_json::Value = serde_json::from_slice(&signed_in)?;
            let token = issued["token"]
                .as_str()
                .context("no session token")?
                .to_owned();
            let bearer = format!("Bearer {token}");
            let request = || {
                TestRequest::get()
                    .uri("/api/v1/session")
                    .insert_header((header::AUTHORIZATION, bearer.as_str()))
            };
            repeat(options, || async {
                call(&service, request(), StatusCode::OK).await
            })
            .await
        }
        Scenario::RequestSignInWrongPassword => {
            repeat(options, || async {
                call(
                    &service,
                    sign_in("not the password at all"),
                    StatusCode::UNAUTHORIZED,
                )
                .await
            })
            .await
        }
        other => anyhow::bail!("{other:?} is not a request scenario"),
    }
}

/// Requests made before counting, so that lazily built state (pools, caches, the first
/// render of a page) is in place as it is in a running service.
const WARM_UP: u32 = 3;

async fn repeat<F, Fut>(options: &Options, mut request: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<actix_web::web::Bytes>>,
{
    for _ in 0..WARM_UP {
        request().await?;
    }
    let mut failure = None;
    let counting = Counting::start();
    for _ in 0..options.times {
        if let Err(error) = request().await {
            failure.get_or_insert(error);
        }
    }
    counting.stop();
    failure.map_or(Ok(()), Err)
}

fn sign_in(password: &str) -> TestRequest {
    TestRequest::post()
        .uri("/api/v1/session")
        .set_json(serde_json::json!({"email": service::address(0), "password": password}))
}

/// A reset token for account 0 whose MAC does not match: its last-but-one character was
/// changed (the last one also carries padding bits, which strict decoding may refuse before
/// the MAC is checked, depending on the random token).
fn forged_reset_token(bench: &Bench) -> anyhow::Result<String> {
    let minted = mint_reset(bench)?;
    let mut text = minted.token.expose_secret().to_owned().into_bytes();
    let last = text.len() - 2;
    text[last] = if text[last] == b'A' { b'B' } else { b'A' };
    Ok(String::from_utf8(text)?)
}

/// A genuine reset token for account 0, stored and then used: its MAC passes, and the
/// database has no live row for it.
fn used_reset_token(bench: &Bench) -> anyhow::Result<String> {
    let minted = mint_reset(bench)?;
    let mut conn = bench.db.conn()?;
    let now = Utc::now().naive_utc();
    let user = users::find_by_email(
        &mut conn,
        &storage::EmailAddress::parse(&service::address(0))?,
    )?
    .context("account 0 was seeded")?;
    tokens::issue(
        &mut conn,
        &NewToken {
            purpose: Purpose::PasswordReset,
            user_id: user.id,
            hash: minted.lookup,
            expires_at: now + TimeDelta::minutes(30),
            created_at: now,
            created_ip: None,
        },
    )?;
    tokens::consume(&mut conn, &minted.lookup, Purpose::PasswordReset, now)?
        .context("the fresh token was live")?;
    Ok(minted.token.expose_secret().to_owned())
}

fn mint_reset(bench: &Bench) -> anyhow::Result<token_core::MintedToken> {
    let claims = TokenClaims::expiring_in(1, 0, Utc::now().timestamp(), Lifetime::clamped(1800));
    Ok(token_core::mint(
        &bench.ring,
        Purpose::PasswordReset,
        claims,
        &mut OsRandom,
    )?)
}
