//! `lifeline demo`: the whole product locally with zero setup, and a demo account that is
//! the same at every start.

use std::path::Path;

use chrono::{NaiveDateTime, Utc};
use storage::{Database, EmailAddress, users};

use lifeline::ops::{self, connect_database};
use lifeline::{Application, Password, PasswordHasherService, Settings};

/// The demo account's address, printed by `lifeline demo`.
pub const DEMO_EMAIL: &str = "demo@example.com";
/// The demo account's password, printed by `lifeline demo` and restored at every start.
pub const DEMO_PASSWORD: &str = "lifeline demo password";

/// What a start did to the demo account so that the printed password works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordState {
    /// The account was created with the demo password.
    Created,
    /// The account already had the demo password.
    Unchanged,
    /// The password had been changed (the walk-through resets it); it is the demo one again.
    Restored,
}

/// The demo account as this start left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoAccount {
    /// What happened to the password.
    pub password: PasswordState,
    /// The end of the "this wasn't me" pause that was lifted, if one was running.
    pub lifted_pause: Option<NaiveDateTime>,
}

/// Runs `lifeline demo`: development settings on a local SQLite file, the mailbox
/// transport and the demo account, reset to the printed password and unpaused, then serves.
pub async fn run(config: Option<&Path>, port: u16) -> anyhow::Result<()> {
    // Links in mail are built from the public URL, so it needs the real port:
    // for `--port 0`, pick a free one first.
    let port = match port {
        0 => std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port(),
        port => port,
    };
    let plugins = crate::plugins::directory_plugins();
    Settings::check_environment_with_plugins(plugins)?;
    let figment = Settings::figment(config)
        .merge(Settings::environment())
        .merge(("server.bind", format!("127.0.0.1:{port}")))
        .merge(("server.public_url", format!("http://127.0.0.1:{port}")))
        .merge(("database.url", "sqlite://lifeline-data/demo.db"))
        .merge(("mode", "development"))
        .merge(("mail.transport", serde_json::json!({"kind": "mailbox"})));
    let settings = Settings::from_figment_with_plugins(figment, plugins)?;
    let app = Application::build(settings.clone()).await?;
    let db = connect_database(&settings).await?;
    let hasher = ops::password_hasher(&settings)?;
    let now = Utc::now().naive_utc();
    let account =
        tokio::task::spawn_blocking(move || reset_demo_account(&db, &hasher, now)).await??;
    print_banner(app.port(), account);
    app.run_until_stopped().await
}

/// Puts the demo account in the state the banner describes: it exists, its password is
/// [`DEMO_PASSWORD`] and no "this wasn't me" pause holds its mail back. Blocking.
pub fn reset_demo_account(
    db: &Database,
    hasher: &PasswordHasherService,
    now: NaiveDateTime,
) -> anyhow::Result<DemoAccount> {
    let email = EmailAddress::parse(DEMO_EMAIL)?;
    let password = Password::new(DEMO_PASSWORD.into());
    let mut conn = db.conn()?;
    let Some(user) = users::find_by_email(&mut conn, &email)? else {
        let hash = hasher.hash(&password)?;
        let new_user = users::NewUser {
            email: &email,
            password_hash: Some(&hash),
            now,
        };
        users::create(&mut conn, &new_user)?;
        return Ok(DemoAccount {
            password: PasswordState::Created,
            lifted_pause: None,
        });
    };
    let password = if hasher.verify(&password, user.password_hash.as_deref()) {
        PasswordState::Unchanged
    } else {
        users::set_password_hash(&mut conn, user.id, &hasher.hash(&password)?, now)?;
        PasswordState::Restored
    };
    let lifted_pause = user.resets_paused_until.filter(|until| *until > now);
    if lifted_pause.is_some() {
        users::lift_reset_pause(&mut conn, user.id, now)?;
    }
    Ok(DemoAccount {
        password,
        lifted_pause,
    })
}

fn print_banner(port: u16, account: DemoAccount) {
    let url = format!("http://127.0.0.1:{port}");
    println!("\nLifeline demo is running.\n");
    println!("  Forgot-password page:  {url}/password/forgot");
    println!("  Development mailbox:   {url}/dev/mailbox");
    println!("  Sign in:               {url}/login");
    println!("  Demo account:          {DEMO_EMAIL} / {DEMO_PASSWORD}\n");
    println!(
        "The demo account is reset at every start: the password above works again and any \
         \"this wasn't me\" pause is lifted."
    );
    if account.password == PasswordState::Restored {
        println!(
            "  This start: the demo account's changed password was set back to the one above."
        );
    }
    if let Some(until) = account.lifted_pause {
        println!(
            "  This start: lifted the \"this wasn't me\" pause on the demo account (it ran until {} UTC).",
            until.format("%Y-%m-%d %H:%M:%S")
        );
    }
    println!("\nPress Ctrl-C to stop.");
}
