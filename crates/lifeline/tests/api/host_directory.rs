//! A host application's own [`UserDirectory`]: accounts kept outside Lifeline's database
//! entirely (here in the host's memory), with ids Lifeline's `users` table never saw.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDateTime;
use lifeline::Application;
use lifeline::{DirectoryUser, UserDirectory};
use lifeline::{Password, PasswordHasherService};
use mail::sink::SmtpSink;
use reqwest::StatusCode;
use storage::testing::TestDb;
use storage::{Backend, DbConnection, EmailAddress, StorageError};

use crate::helpers::{TestApp, TestClock, link_in, test_settings};
use crate::on_both_backends;

on_both_backends!(a_host_directory_serves_a_whole_reset_and_sign_in);

struct Account {
    user: DirectoryUser,
    hash: Option<String>,
}

/// The host's accounts, by id.
struct HostDirectory {
    accounts: Mutex<HashMap<i64, Account>>,
    hasher: PasswordHasherService,
}

impl HostDirectory {
    fn with(&self, id: i64, change: impl FnOnce(&mut Account)) -> Result<i64, StorageError> {
        let mut accounts = self.accounts.lock().unwrap();
        let account = accounts
            .get_mut(&id)
            .ok_or(StorageError::NotFound("user"))?;
        change(account);
        Ok(account.user.auth_epoch)
    }
}

impl UserDirectory for HostDirectory {
    fn find_by_email(
        &self,
        _conn: &mut DbConnection,
        email: &EmailAddress,
    ) -> Result<Option<DirectoryUser>, StorageError> {
        let accounts = self.accounts.lock().unwrap();
        Ok(accounts
            .values()
            .find(|a| a.user.display_email.eq_ignore_ascii_case(email.as_str()))
            .map(|a| a.user.clone()))
    }

    fn find_by_id(
        &self,
        _conn: &mut DbConnection,
        id: i64,
    ) -> Result<Option<DirectoryUser>, StorageError> {
        Ok(self
            .accounts
            .lock()
            .unwrap()
            .get(&id)
            .map(|a| a.user.clone()))
    }

    fn verify_password(
        &self,
        conn: &mut DbConnection,
        email: &EmailAddress,
        password: &Password,
        _now: NaiveDateTime,
    ) -> Result<Option<DirectoryUser>, StorageError> {
        let user = self.find_by_email(conn, email)?;
        let hash = user
            .as_ref()
            .and_then(|u| self.accounts.lock().unwrap().get(&u.id)?.hash.clone());
        Ok(user.filter(|_| self.hasher.verify(password, hash.as_deref())))
    }

    fn set_password(
        &self,
        _conn: &mut DbConnection,
        id: i64,
        password_hash: &str,
        _now: NaiveDateTime,
    ) -> Result<i64, StorageError> {
        self.with(id, |a| {
            a.hash = Some(password_hash.to_owned());
            a.user.auth_epoch += 1;
        })
    }

    fn bump_auth_epoch(
        &self,
        _conn: &mut DbConnection,
        id: i64,
        _now: NaiveDateTime,
    ) -> Result<i64, StorageError> {
        self.with(id, |a| a.user.auth_epoch += 1)
    }

    fn pause_resets(
        &self,
        _conn: &mut DbConnection,
        id: i64,
        until: NaiveDateTime,
        _now: NaiveDateTime,
    ) -> Result<bool, StorageError> {
        self.with(id, |a| a.user.resets_paused_until = Some(until))?;
        Ok(true)
    }
}

async fn a_host_directory_serves_a_whole_reset_and_sign_in(backend: Backend) {
    // Arrange: the host's directory holds account 4242; Lifeline's `users` table is empty.
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let sink = SmtpSink::start().await.unwrap();
    let settings = test_settings(&db, &sink, |f| f);
    let hasher = PasswordHasherService::new(4096, 1, 1).unwrap();
    let directory = Arc::new(HostDirectory {
        accounts: Mutex::new(HashMap::from([(
            4242,
            Account {
                user: DirectoryUser {
                    id: 4242,
                    display_email: "host.user@example.com".into(),
                    auth_epoch: 3,
                    resets_paused_until: None,
                },
                hash: None,
            },
        )])),
        hasher,
    });
    let clock = TestClock::default();
    let app = Application::build_with_directory(
        settings.clone(),
        Arc::new(clock.clone()),
        Some(directory.clone()),
    )
    .await
    .unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let app = TestApp {
        hasher: lifeline::ops::password_hasher(&settings).unwrap(),
        client: reqwest::Client::new(),
        address,
        db,
        sink,
        clock,
        settings,
    };
    let browser = app.new_client();

    // Act: reset the password through the pages, then sign in with it.
    app.request_reset(&browser, "host.user@example.com").await;
    let mail = app.wait_for_mail(1).await.remove(0);
    let link = link_in(&app, &mail, "/password/reset?token=");
    browser.get(&link).send().await.unwrap();
    let csrf = app.csrf(&browser, "/password/reset").await;
    let new = "the host user's new passphrase";
    let reset = app
        .post_form(
            &browser,
            "/password/reset",
            &[
                ("password", new),
                ("password_confirm", new),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    let client = app.new_client();
    let csrf = app.csrf(&client, "/login").await;
    let sign_in = app
        .post_form(
            &client,
            "/login",
            &[
                ("email", "host.user@example.com"),
                ("password", new),
                ("csrf_token", &csrf),
            ],
        )
        .await;

    // Assert: the host's account got an argon2id hash and a bumped epoch; sign-in works.
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    assert_eq!(sign_in.status(), StatusCode::SEE_OTHER);
    let accounts = directory.accounts.lock().unwrap();
    let account = &accounts[&4242];
    assert_eq!(account.user.auth_epoch, 4);
    assert!(account.hash.as_deref().unwrap().starts_with("$argon2id$"));
}
