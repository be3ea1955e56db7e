//! A whole Lifeline in the measuring process, on a SQLite file of its own, served through
//! actix-web's in-process test service: a request is the real middleware, routing, handler,
//! blocking pool and database, without sockets.

use std::path::Path;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{App, test};
use anyhow::{Context, bail};
use chrono::Utc;
use lifeline::{Lifeline, Settings};
use storage::{Database, EmailAddress, PoolSettings, users};
use token_core::{KeyRing, SigningKey};

/// The password of every seeded account.
pub const PASSWORD: &str = "the right horse battery";

/// The cheapest argon2id cost argon2 accepts (8 KiB, one pass): what sign-in costs around
/// the hash, not the hash, is what these counts follow. `sign_in_wrong_password` also
/// subtracts the hash's own count.
pub const ARGON2_MEMORY_KIB: u32 = 8;
/// See [`ARGON2_MEMORY_KIB`].
pub const ARGON2_ITERATIONS: u32 = 1;

/// The measured service and its database.
pub struct Bench {
    /// The built Lifeline (its workers not started).
    pub lifeline: Lifeline,
    /// The same database, for set-up writes.
    pub db: Database,
    /// The token keys it was given, to mint links as its worker would.
    pub ring: KeyRing,
}

/// The address of seeded account `n`.
pub fn address(n: usize) -> String {
    format!("user{n}@bench.example")
}

impl Bench {
    /// Builds Lifeline on `work/lifeline.db` with `accounts` seeded accounts (password
    /// [`PASSWORD`]), mail to the SMTP server on `smtp_port`, and every rate limit lifted
    /// so that repeated requests take the same path each time.
    pub async fn build(work: &Path, smtp_port: u16, accounts: usize) -> anyhow::Result<Self> {
        std::fs::create_dir_all(work)?;
        let url = format!("sqlite://{}", work.join("lifeline.db").display());
        let (token_key, session_key) = lifeline::generate_keys(1)?;
        let (_, key) = token_key.split_once(':').context("keys come as `id:key`")?;
        let ring = KeyRing::new(1, SigningKey::from_base64url(key)?);
        let huge = 1_000_000_000u64;
        let figment = Settings::figment(None)
            .merge(("database.url", url.as_str()))
            .merge(("server.public_url", "http://lifeline.bench"))
            .merge(("keys.token", token_key.as_str()))
            .merge(("keys.session", session_key.as_str()))
            .merge(("mail.transport.kind", "smtp"))
            .merge(("mail.transport.host", "127.0.0.1"))
            .merge(("mail.transport.port", smtp_port))
            .merge(("mail.transport.tls", "none"))
            .merge(("password.argon2_memory_kib", ARGON2_MEMORY_KIB))
            .merge(("password.argon2_iterations", ARGON2_ITERATIONS))
            // Seconds pass between requests under valgrind: keep a checked session cached
            // for the whole run, as it is between requests a few milliseconds apart.
            .merge(("server.session_cache_secs", 60))
            // No checkpoint thread: it wakes on a timer, so whether one of its checkpoints
            // fell inside a measured call would change from run to run. (The logs of these
            // runs stay far below the 1,000 pages at which SQLite checkpoints in a commit.)
            .merge(("database.sqlite_checkpoint_ms", 0))
            .merge(("limits.per_ip_per_minute", huge))
            .merge(("limits.per_ip_burst", huge))
            .merge(("limits.per_address_per_hour", huge))
            .merge(("limits.per_account_mails_per_hour", huge))
            .merge(("limits.global_per_second", huge))
            .merge(("limits.login_per_account", huge));
        let settings = Settings::from_figment(figment).context("bench settings")?;
        // Migrated before Lifeline opens a connection: a connection opened before a migration
        // reads the new schema again at its next statement, which would be counted on
        // whichever statement the pool happens to give it to. Opened after, each connection
        // reads the schema while it is opened, which is not counted (`callgrind.rs`).
        let pool = PoolSettings {
            sqlite_checkpoint_interval: None,
            ..PoolSettings::default()
        };
        let db = Database::connect(&url, &pool)?;
        db.migrate()?;
        let lifeline = Lifeline::build(settings.clone()).await?;
        let hasher = lifeline::ops::password_hasher(&settings)?;
        let hash = hasher.hash(&lifeline::Password::new(PASSWORD.to_owned()))?;
        let mut conn = db.conn()?;
        let now = Utc::now().naive_utc();
        for n in 0..accounts {
            let email = EmailAddress::parse(&address(n))?;
            users::create(
                &mut conn,
                &users::NewUser {
                    email: &email,
                    password_hash: Some(&hash),
                    now,
                },
            )?;
        }
        drop(conn);
        Ok(Self { lifeline, db, ring })
    }

    /// Lifeline's routes as an in-process service.
    pub async fn service(
        &self,
    ) -> impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    > {
        test::init_service(App::new().service(self.lifeline.scope())).await
    }
}

/// Sends `request`, reads the whole body, and checks the status.
pub async fn call<S, B>(
    service: &S,
    request: test::TestRequest,
    expected: StatusCode,
) -> anyhow::Result<actix_web::web::Bytes>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let request = request
        .peer_addr(([127, 0, 0, 1], 40_000).into())
        .to_request();
    let response = service
        .call(request)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let status = response.status();
    let body = test::read_body(response).await;
    if status != expected {
        bail!(
            "expected {expected}, got {status}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    Ok(body)
}
