//! Token strings of every wrong shape, made from live tokens, against every
//! endpoint that takes a token: all get the same 400, nothing is written, and
//! the live links still work afterwards.

use reqwest::{Client, RequestBuilder, StatusCode, Url};
use serde_json::json;
use storage::Backend;

use crate::helpers::{TestApp, spawn_app};
use crate::live_links::LiveLinks;
use crate::malformed_bodies::{Case, Refusal, assert_all_refused};
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "old password for ada";
const NEW_PASSWORD: &str = "a completely new passphrase";
/// The words of the page every unusable link gets.
const LINK_REFUSED: &str = "This link doesn";
/// The API's code for every unusable link.
const API_LINK_REFUSED: &str = "\"invalid_or_expired_link\"";

on_every_backend!(every_endpoint_that_takes_a_token_refuses_every_wrong_shape);

/// `token` with the character at `at` replaced by another base64url one.
fn flipped(token: &str, at: usize) -> String {
    let mut bytes = token.as_bytes().to_vec();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).expect("ASCII")
}

/// Wrong shapes of a live `token`, and live tokens of other purposes.
fn wrong_shapes(token: &str, other_purposes: &[&str]) -> Vec<(String, String)> {
    let (prefix, body) = token.split_once('_').expect("a prefixed token");
    let other_prefix = if prefix == "lm1" { "lr1" } else { "lm1" };
    let mut shapes: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("the prefix alone", format!("{prefix}_")),
        ("no prefix", body.to_owned()),
        ("one character short", token[..token.len() - 1].to_owned()),
        ("one character long", format!("{token}A")),
        (
            "a changed character after the prefix",
            flipped(token, prefix.len() + 2),
        ),
        (
            "a changed middle character",
            flipped(token, token.len() / 2),
        ),
        ("a changed last character", flipped(token, token.len() - 1)),
        (
            "an upper-case prefix",
            format!("{}_{body}", prefix.to_uppercase()),
        ),
        ("another purpose's prefix", format!("{other_prefix}_{body}")),
        ("base64 padding", format!("{token}==")),
        (
            "the standard base64 alphabet",
            format!("{prefix}_+/{}", &body[2..]),
        ),
        ("spaces around", format!(" {token} ")),
        ("a NUL", format!("{token}\0")),
        ("CR/LF", format!("{token}\r\nSet-Cookie: x=y")),
        ("twice", format!("{token}{token}")),
        ("5000 characters", format!("{prefix}_{}", "A".repeat(5_000))),
        (
            "non-ASCII",
            format!("{prefix}_{}", "é".repeat(body.len() / 2)),
        ),
        ("percent-encoded", format!("{prefix}%5F{body}")),
    ];
    for other in other_purposes {
        shapes.push(("a live token of another purpose", (*other).to_owned()));
    }
    shapes
        .into_iter()
        .map(|(what, shape)| (what.to_owned(), shape))
        .collect()
}

/// What a link is for, which decides where its token is presented.
#[derive(Clone, Copy)]
enum Kind {
    Reset,
    MagicLink,
    NotMe,
}

/// Every way of presenting `token` as a link of `kind`, and how a refusal looks.
fn presentations(
    app: &TestApp,
    client: &Client,
    csrf: &str,
    kind: Kind,
    token: &str,
) -> Vec<(&'static str, RequestBuilder, Refusal)> {
    let query =
        |path: &str| Url::parse_with_params(&app.url(path), [("token", token)]).expect("URL");
    let page = || Refusal::Exactly(StatusCode::BAD_REQUEST, LINK_REFUSED);
    let head = || Refusal::Exactly(StatusCode::BAD_REQUEST, "");
    let api = || Refusal::Exactly(StatusCode::BAD_REQUEST, API_LINK_REFUSED);
    let form = |path: &str| {
        client
            .post(app.url(path))
            .form(&[("token", token), ("csrf_token", csrf)])
    };
    let json = |path: &str, body: serde_json::Value| client.post(app.url(path)).json(&body);
    match kind {
        Kind::Reset => vec![
            (
                "GET /password/reset",
                client.get(query("/password/reset")),
                page(),
            ),
            (
                "HEAD /password/reset",
                client.head(query("/password/reset")),
                head(),
            ),
            (
                "POST /api/v1/password/reset",
                json(
                    "/api/v1/password/reset",
                    json!({ "token": token, "password": NEW_PASSWORD }),
                ),
                api(),
            ),
        ],
        Kind::MagicLink => vec![
            (
                "GET /magic-link/verify",
                client.get(query("/magic-link/verify")),
                page(),
            ),
            (
                "HEAD /magic-link/verify",
                client.head(query("/magic-link/verify")),
                head(),
            ),
            (
                "POST /magic-link/verify",
                form("/magic-link/verify"),
                page(),
            ),
            (
                "POST /api/v1/magic-link/verify",
                json("/api/v1/magic-link/verify", json!({ "token": token })),
                api(),
            ),
        ],
        Kind::NotMe => vec![
            (
                "GET /password/not-me",
                client.get(query("/password/not-me")),
                page(),
            ),
            (
                "HEAD /password/not-me",
                client.head(query("/password/not-me")),
                head(),
            ),
            ("POST /password/not-me", form("/password/not-me"), page()),
        ],
    }
}

fn cases_for(app: &TestApp, client: &Client, csrf: &str, live: &LiveLinks) -> Vec<Case> {
    let kinds = [
        (Kind::Reset, &live.reset, [&live.magic, &live.not_me]),
        (Kind::MagicLink, &live.magic, [&live.reset, &live.not_me]),
        (Kind::NotMe, &live.not_me, [&live.reset, &live.magic]),
    ];
    let mut cases = Vec::new();
    for (kind, token, others) in kinds {
        let others: Vec<&str> = others.iter().map(|t| t.as_str()).collect();
        for (what, shape) in wrong_shapes(token, &others) {
            for (endpoint, request, refusal) in presentations(app, client, csrf, kind, &shape) {
                cases.push(Case::new(format!("{endpoint}: {what}"), request, refusal));
            }
        }
    }
    cases
}

async fn every_endpoint_that_takes_a_token_refuses_every_wrong_shape(backend: Backend) {
    // Arrange: one live link of each kind and a browser session with a CSRF token.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let live = app.account_with_live_links(EMAIL, PASSWORD).await;
    let client = app.browser();
    let csrf = app.csrf(&client, "/login").await;

    // Act / Assert
    let cases = cases_for(&app, &client, &csrf, &live);
    assert!(cases.len() > 150, "{} cases", cases.len());
    assert_all_refused(&app, cases).await;
    assert!(app.account_page(&client).await.is_none(), "not signed in");
    app.assert_links_still_live(&live).await;
}
