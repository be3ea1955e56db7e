//! One batch of the outbox worker, from its start to its stop: claim, compose (account,
//! quotas, link), render, send over SMTP to the sink, record the outcomes.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::callgrind::Counting;
use super::service::{self, Bench, call};
use super::{Options, Scenario};

/// Queues the scenario's reset jobs through the API (uncounted), then counts the worker's
/// start, the batch, and its stop once the sink has every mail.
pub async fn run(scenario: Scenario, options: &Options) -> anyhow::Result<()> {
    let (jobs, history) = match scenario {
        Scenario::OutboxBatch1 => (1, 0),
        Scenario::OutboxBatch32 => (32, 0),
        Scenario::OutboxBatch1LongHistory => (1, LONG_HISTORY),
        other => bail!("{other:?} is not an outbox scenario"),
    };
    let bench = Bench::build(&options.work_dir, options.smtp_port, jobs).await?;
    if history > 0 {
        past_links(&bench, history)?;
    }
    let service = bench.service().await;
    for n in 0..jobs {
        let request = TestRequest::post()
            .uri("/api/v1/password/forgot")
            .set_json(serde_json::json!({"email": service::address(n)}));
        call(&service, request, StatusCode::ACCEPTED).await?;
    }
    let mut sink = Control::connect(options.control_port).await?;
    let before = sink.ask("count").await?.parse::<usize>()?;
    let wanted = before + jobs;
    let counting = Counting::start();
    let workers = bench.lifeline.start()?;
    let answer = sink.ask(&format!("wait {wanted} 120000")).await?;
    workers.stop().await?;
    counting.stop();
    anyhow::ensure!(answer.starts_with("ok "), "the sink answered {answer}");
    Ok(())
}

/// Reset links sent to the account of [`Scenario::OutboxBatch1LongHistory`] before.
const LONG_HISTORY: u32 = 2_000;

/// Issues `count` reset links to account 0 as the worker does, each revoking the one before
/// it: the account's history of used links.
fn past_links(bench: &Bench, count: u32) -> anyhow::Result<()> {
    let mut conn = bench.db.conn()?;
    let email = storage::EmailAddress::parse(&service::address(0))?;
    let user = storage::users::find_by_email(&mut conn, &email)?.context("account 0")?;
    let now = chrono::Utc::now().naive_utc();
    for n in 0..count {
        let mut hash = [0u8; 32];
        hash[..4].copy_from_slice(&n.to_be_bytes());
        storage::tokens::issue(
            &mut conn,
            &storage::tokens::NewToken {
                purpose: token_core::Purpose::PasswordReset,
                user_id: user.id,
                hash: token_core::LookupHash::from_bytes(hash),
                expires_at: now + chrono::TimeDelta::minutes(30),
                created_at: now,
                created_ip: None,
            },
        )?;
    }
    Ok(())
}

/// A connection to the sink's control port.
struct Control(BufReader<TcpStream>);

impl Control {
    async fn connect(port: u16) -> anyhow::Result<Self> {
        let stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .context("connecting to the SMTP sink's control port")?;
        Ok(Self(BufReader::new(stream)))
    }

    async fn ask(&mut self, command: &str) -> anyhow::Result<String> {
        self.0
            .get_mut()
            .write_all(format!("{command}\n").as_bytes())
            .await?;
        let mut line = String::new();
        self.0.read_line(&mut line).await?;
        Ok(line.trim().to_owned())
    }
}
