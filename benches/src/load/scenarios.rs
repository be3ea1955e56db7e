//! The scenarios, each against a freshly started server and sink.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, bail};

use super::database::BenchDb;
use super::fill;
use super::options::Options;
use super::report::{CEILING, Check, Figure};
use super::server::{self, Server};
use super::sink::Sink;
use super::wrk::{self, Load, scripts};

/// Everything a scenario needs.
pub struct Context {
    /// The command line.
    pub options: Options,
    /// `sqlite`, `mariadb` or `postgres`.
    pub backend: String,
    /// The database URL.
    pub url: String,
    /// The harness's own connection.
    pub db: BenchDb,
    /// The `lifeline` binary.
    pub lifeline: PathBuf,
    /// The `smtp-sink` binary.
    pub sink: PathBuf,
    /// Logs and scripts of this backend.
    pub dir: PathBuf,
    /// Checks made along the way.
    pub checks: Vec<Check>,
}

/// A server and the sink its mail goes to.
pub struct Running {
    /// The server.
    pub server: Server,
    /// The sink.
    pub sink: Sink,
}

impl Context {
    /// wrk settings from the command line.
    pub fn load(&self) -> Load {
        Load {
            duration: self.options.duration,
            connections: self.options.connections,
            threads: self.options.threads,
        }
    }

    /// Starts a sink and a server for `scenario` (log: `<dir>/<scenario>.log`).
    pub async fn start(&self, scenario: &str) -> anyhow::Result<Running> {
        let sink = Sink::start(&self.sink).await?;
        let port = server::free_port()?;
        let mut env = server::base_env(&self.url, port, sink.smtp_port, &self.dir);
        env.push((
            "LIFELINE_LOG__FILTER".into(),
            self.options.log_filter.clone(),
        ));
        env.extend(self.options.server_env.iter().cloned());
        let log = self.dir.join(format!("{scenario}.log"));
        let perf_file = match &self.options.perf_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                Some(dir.join(format!("{}-{scenario}.perf.data", self.backend)))
            }
            None => None,
        };
        let server = Server::start(&self.lifeline, &env, port, &log, perf_file.as_deref()).await?;
        Ok(Running { server, sink })
    }

    /// A figure of this backend.
    pub fn figure(&self, scenario: &str, unit: &str, rate: f64) -> Figure {
        Figure {
            backend: self.backend.clone(),
            scenario: scenario.to_owned(),
            unit: unit.to_owned(),
            rate,
            p50_ms: None,
            p99_ms: None,
            errors: 0,
            total: 0,
            peak_rss_mib: 0.0,
            note: String::new(),
        }
    }

    /// Records a check.
    pub fn check(&mut self, name: &str, ok: bool, detail: String) {
        self.checks.push(Check {
            backend: self.backend.clone(),
            name: name.to_owned(),
            ok,
            detail,
        });
    }
}

/// A wrk run against `path` on a fresh server, judged by the server's own count of
/// `expected` responses on `route`.
struct HttpScenario<'a> {
    name: &'a str,
    path: String,
    script: &'static str,
    args: Vec<String>,
    route: &'a str,
    method: &'a str,
    expected: u16,
}

async fn measure(ctx: &Context, running: &Running, s: HttpScenario<'_>) -> anyhow::Result<Figure> {
    let url = format!("{}{}", running.server.base_url, s.path);
    let before = running.server.metrics().await?;
    let run = wrk::run(&url, s.script, &s.args, ctx.load(), &ctx.dir).await?;
    let after = running.server.metrics().await?;
    // Only what wrk caused: the set-up requests of the scenario came before.
    let (_, unexpected_before) = server::responses(&before, s.route, s.method, s.expected);
    let (_, unexpected_after) = server::responses(&after, s.route, s.method, s.expected);
    let unexpected = unexpected_after.saturating_sub(unexpected_before);
    let mut figure = ctx.figure(s.name, "req/s", run.rate());
    figure.p50_ms = Some(run.p50_ms);
    figure.p99_ms = Some(run.p99_ms);
    figure.errors = unexpected + run.socket_errors;
    figure.total = run.requests;
    figure.peak_rss_mib = running.server.peak_rss_mib()?;
    Ok(figure)
}

/// `GET /healthz`: the ceiling.
pub async fn ceiling(ctx: &Context) -> anyhow::Result<Figure> {
    let running = ctx.start(CEILING).await?;
    let scenario = HttpScenario {
        name: CEILING,
        path: "/healthz".into(),
        script: scripts::GET,
        args: Vec::new(),
        route: "/healthz",
        method: "GET",
        expected: 200,
    };
    let figure = measure(ctx, &running, scenario).await?;
    running.server.stop().await?;
    Ok(figure)
}

/// `POST /api/v1/password/forgot`, half for seeded accounts, half for unknown addresses.
/// Also checks that every 202 left its job in the outbox (committed before the answer).
pub async fn accept(ctx: &mut Context, name: &str) -> anyhow::Result<Figure> {
    let last_job = last_job(ctx)?;
    let running = ctx.start(name).await?;
    let (figure, accepted) = accept_load(ctx, &running, name).await?;
    running.server.stop().await?;
    check_accepted(ctx, name, accepted, last_job)?;
    Ok(figure)
}

/// The id of the newest outbox job: jobs are counted by id, as a purge may delete old ones.
pub fn last_job(ctx: &Context) -> anyhow::Result<i64> {
    ctx.db
        .number("SELECT COALESCE(MAX(id), 0) AS n FROM outbox")
}

/// The accept load on a running server: its figure and how many requests got a 202.
pub async fn accept_load(
    ctx: &Context,
    running: &Running,
    name: &str,
) -> anyhow::Result<(Figure, u64)> {
    let scenario = HttpScenario {
        name,
        path: "/api/v1/password/forgot".into(),
        script: scripts::FORGOT,
        args: vec![ctx.options.accounts.to_string()],
        route: "/api/v1/password/forgot",
        method: "POST",
        expected: 202,
    };
    let figure = measure(ctx, running, scenario).await?;
    let metrics = running.server.metrics().await?;
    let (accepted, _) = server::responses(&metrics, "/api/v1/password/forgot", "POST", 202);
    Ok((figure, accepted))
}

/// With the server stopped: every 202 must have left a job newer than `last_job`. Then the
/// jobs not sent yet are removed, so the next scenario starts without a backlog.
pub fn check_accepted(
    ctx: &mut Context,
    name: &str,
    accepted: u64,
    last_job: i64,
) -> anyhow::Result<()> {
    let new_jobs = ctx.db.number(&format!(
        "SELECT COUNT(*) AS n FROM outbox WHERE id > {last_job}"
    ))?;
    ctx.check(
        &format!("{name}: every 202 has its committed outbox job"),
        i64::try_from(accepted)? <= new_jobs,
        format!("{accepted} answered 202, {new_jobs} new outbox rows"),
    );
    ctx.db.clear_pending_outbox()
}

/// `GET /password/reset?token=<forged>`: a real token with one MAC character changed.
pub async fn reject_forged(ctx: &Context, name: &str) -> anyhow::Result<Figure> {
    let running = ctx.start(name).await?;
    let token = fresh_token(&running, &fill::account(0)).await?;
    let forged = forge(&token)?;
    let scenario = HttpScenario {
        name,
        path: format!("/password/reset?token={forged}"),
        script: scripts::GET,
        args: Vec::new(),
        route: "/password/reset",
        method: "GET",
        expected: 400,
    };
    let figure = measure(ctx, &running, scenario).await?;
    running.server.stop().await?;
    ctx.db.clear_pending_outbox()?;
    Ok(figure)
}

/// `POST /api/v1/password/reset` with a token that was already used.
pub async fn reject_used(ctx: &Context, name: &str) -> anyhow::Result<Figure> {
    let running = ctx.start(name).await?;
    let token = fresh_token(&running, &fill::account(1)).await?;
    let client = reqwest::Client::new();
    let used = client
        .post(format!("{}/api/v1/password/reset", running.server.base_url))
        .json(&serde_json::json!({"token": token, "password": "a long enough new passphrase"}))
        .send()
        .await?;
    if used.status() != reqwest::StatusCode::NO_CONTENT {
        bail!("using the token answered {}", used.status());
    }
    let scenario = HttpScenario {
        name,
        path: "/api/v1/password/reset".into(),
        script: scripts::RESET,
        args: vec![token],
        route: "/api/v1/password/reset",
        method: "POST",
        expected: 400,
    };
    let figure = measure(ctx, &running, scenario).await?;
    running.server.stop().await?;
    ctx.db.clear_pending_outbox()?;
    Ok(figure)
}

/// `GET /account` with a signed-in session cookie: every request runs the session check
/// (the account and, where a build keeps them, the session's record, read from the database).
/// The account gets a password through a reset and signs in through the form, as a person would.
pub async fn session(ctx: &Context, name: &str) -> anyhow::Result<Figure> {
    let running = ctx.start(name).await?;
    let base = &running.server.base_url;
    let email = fill::account(2);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    set_password(&running, &client, &email).await?;
    let cookie = sign_in(&client, base, &email, PASSWORD).await?;
    let scenario = HttpScenario {
        name,
        path: "/account".into(),
        script: scripts::SESSION,
        args: vec![cookie],
        route: "/account",
        method: "GET",
        expected: 200,
    };
    let figure = measure(ctx, &running, scenario).await?;
    running.server.stop().await?;
    ctx.db.clear_pending_outbox()?;
    Ok(figure)
}

/// `GET /api/v1/session` with a bearer session token, as a host application or an API
/// client asks who is signed in: every request reads the session's record and the account.
/// The token comes from `POST /api/v1/session` after a reset gave the account a password.
pub async fn api_session(ctx: &Context, name: &str) -> anyhow::Result<Figure> {
    let running = ctx.start(name).await?;
    let base = &running.server.base_url;
    let email = fill::account(3);
    let client = reqwest::Client::new();
    set_password(&running, &client, &email).await?;
    let signed_in = client
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"email": email, "password": PASSWORD}))
        .send()
        .await?;
    if signed_in.status() != reqwest::StatusCode::CREATED {
        bail!("signing in through the API answered {}", signed_in.status());
    }
    let body: serde_json::Value = signed_in.json().await?;
    let token = body["token"]
        .as_str()
        .context("the sign-in answer has no token")?
        .to_owned();
    let scenario = HttpScenario {
        name,
        path: "/api/v1/session".into(),
        script: scripts::BEARER,
        args: vec![token],
        route: "/api/v1/session",
        method: "GET",
        expected: 200,
    };
    let figure = measure(ctx, &running, scenario).await?;
    running.server.stop().await?;
    ctx.db.clear_pending_outbox()?;
    Ok(figure)
}

/// The password the session scenarios give their account.
const PASSWORD: &str = "a long enough new passphrase";

/// Gives `email` the password [`PASSWORD`] through a mailed reset link, as a person would.
async fn set_password(
    running: &Running,
    client: &reqwest::Client,
    email: &str,
) -> anyhow::Result<()> {
    let token = fresh_token(running, email).await?;
    let reset = client
        .post(format!("{}/api/v1/password/reset", running.server.base_url))
        .json(&serde_json::json!({"token": token, "password": PASSWORD}))
        .send()
        .await?;
    if reset.status() != reqwest::StatusCode::NO_CONTENT {
        bail!("setting the password answered {}", reset.status());
    }
    Ok(())
}

/// `GET /api/v1/admin/key` with a well-formed admin API key that this deployment never minted
/// (a forged key: its secret does not carry the deployment's MAC): every request parses the
/// key, checks the MAC in memory and is refused with 401 without any database work (the
/// per-IP limit on failed checks is lifted for the run, as the other limits are).
pub async fn admin_rejected(ctx: &Context, name: &str) -> anyhow::Result<Figure> {
    let running = ctx.start(name).await?;
    let unknown_key = format!("llk_{}_{}", "0".repeat(16), "A".repeat(43));
    let scenario = HttpScenario {
        name,
        path: "/api/v1/admin/key".into(),
        script: scripts::ADMIN_KEY,
        args: vec![unknown_key],
        route: "/api/v1/admin/key",
        method: "GET",
        expected: 401,
    };
    let figure = measure(ctx, &running, scenario).await?;
    running.server.stop().await?;
    Ok(figure)
}

/// Signs in through the `/login` form and returns the signed-in cookie (`name=value`).
async fn sign_in(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<String> {
    let form = client.get(format!("{base}/login")).send().await?;
    let cookie = session_cookie(&form).context("the sign-in form set no session cookie")?;
    let page = form.text().await?;
    let csrf = page
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("the sign-in form has no csrf_token")?
        .to_owned();
    let signed_in = client
        .post(format!("{base}/login"))
        .header(reqwest::header::COOKIE, cookie)
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", &csrf),
        ])
        .send()
        .await?;
    if signed_in.status() != reqwest::StatusCode::SEE_OTHER {
        bail!("signing in answered {}", signed_in.status());
    }
    session_cookie(&signed_in).context("signing in set no session cookie")
}

/// The `name=value` of the first cookie a response sets.
fn session_cookie(response: &reqwest::Response) -> Option<String> {
    let set_cookie = response.headers().get(reqwest::header::SET_COOKIE)?;
    let pair = set_cookie.to_str().ok()?.split(';').next()?;
    Some(pair.trim().to_owned())
}

/// Queues `--drain` reset requests with the server stopped, starts it, and times the
/// deliveries at the sink from the first message to the last.
pub async fn drain(ctx: &Context) -> anyhow::Result<Figure> {
    let n = ctx.options.drain.min(ctx.options.accounts);
    fill::queue_resets(&ctx.db, 0, n)?;
    let note = format!(
        "{n} reset mails queued, then the server started; rate from the first delivery to the last"
    );
    drain_queued(ctx, "drain", n, note).await
}

/// Accounts of the `history_drain` scenario (`hist<N>@bench.example`).
const HISTORY_ACCOUNTS: u64 = 200;

/// The drain scenario for 200 accounts that were each sent `--history` reset links before
/// (2,000 by default: 400,000 used tokens): issuing a link must cost the same whatever the
/// account's history.
pub async fn history_drain(ctx: &Context) -> anyhow::Result<Figure> {
    let per_account = ctx.options.history;
    let first_user = ctx
        .db
        .number("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM users")?;
    fill::seed_accounts(&ctx.db, "hist", 0, HISTORY_ACCOUNTS)?;
    fill::long_history(&ctx.db, first_user, HISTORY_ACCOUNTS, per_account)?;
    let n = ctx.options.drain;
    fill::queue_resets_for(&ctx.db, "hist", Some(HISTORY_ACCOUNTS), 0, n)?;
    let note = format!(
        "{n} reset mails queued for {HISTORY_ACCOUNTS} accounts with {per_account} used reset \
         links each, then the server started"
    );
    drain_queued(ctx, "history_drain", n, note).await
}

/// Starts the server on `n` queued mails and measures their delivery.
async fn drain_queued(ctx: &Context, name: &str, n: u64, note: String) -> anyhow::Result<Figure> {
    let running = ctx.start(name).await?;
    let mut control = running.sink.control().await?;
    let first = control
        .wait(1, Duration::from_secs(120))
        .await?
        .context("no mail arrived within 120 s")?;
    let at_start = first.received;
    let last = control
        .wait(usize::try_from(n)?, Duration::from_secs(600))
        .await?;
    let delivered = control.count().await?;
    let mut figure = match last {
        Some(done) => ctx.figure(
            name,
            "mails/s",
            (delivered - at_start) as f64 / done.elapsed.as_secs_f64().max(1e-3),
        ),
        None => ctx.figure(name, "mails/s", 0.0),
    };
    figure.total = u64::try_from(delivered)?;
    figure.errors = n.saturating_sub(figure.total);
    figure.peak_rss_mib = running.server.peak_rss_mib()?;
    figure.note = note;
    running.server.stop().await?;
    ctx.db.clear_pending_outbox()?;
    Ok(figure)
}

/// Asks for a reset link for `email` and returns its token from the sink.
async fn fresh_token(running: &Running, email: &str) -> anyhow::Result<String> {
    let mut control = running.sink.control().await?;
    let before = control.count().await?;
    let response = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/password/forgot",
            running.server.base_url
        ))
        .json(&serde_json::json!({"email": email}))
        .send()
        .await?;
    if response.status() != reqwest::StatusCode::ACCEPTED {
        bail!("asking for a reset link answered {}", response.status());
    }
    for _ in 0..600 {
        let found = control.tokens(before).await?;
        if let Some(token) = found
            .into_iter()
            .find(|m| m.recipient == email)
            .and_then(|m| m.token)
        {
            return Ok(token);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("no reset mail for {email} within 30 s")
}

/// The token with one character of its MAC changed: well formed, wrong tag.
pub fn forge(token: &str) -> anyhow::Result<String> {
    let mut bytes = token.as_bytes().to_vec();
    let at = bytes.len().checked_sub(10).context("token too short")?;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    Ok(String::from_utf8(bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forged_token_differs_in_one_mac_character() {
        // Arrange
        let token = format!("lr1_{}", "x".repeat(78));

        // Act
        let forged = forge(&token).unwrap();

        // Assert
        let differing: Vec<usize> = (0..token.len())
            .filter(|&i| token.as_bytes()[i] != forged.as_bytes()[i])
            .collect();
        assert_eq!(differing, [72]);
    }
}
