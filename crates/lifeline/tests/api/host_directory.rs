//! A host application's own [`UserDirectory`]: accounts kept outside Lifeline's database
//! entirely (here in the host's memory), with ids Lifeline's `users` table never saw. The
//! directory needs nothing from Lifeline's storage crate.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDateTime;
use lifeline::{
    Application, DirectoryConnection, DirectoryError, DirectoryUser, EmailAddress, StoredHash,
    UserDirectory,
};
use mail::sink::SmtpSink;
use reqwest::StatusCode;
use storage::Backend;
use storage::testing::TestDb;

use crate::helpers::{TestApp, TestClock, link_in, test_settings};
use crate::on_every_backend;

on_every_backend!(a_host_directory_serves_a_whole_reset_and_sign_in);

/// The host's accounts, by id. It only finds accounts and stores what Lifeline hands it:
/// Lifeline verifies passwords itself, and never lends it more than an opaque connection.
struct HostDirectory {
    accounts: Mutex<HashMap<i64, DirectoryUser>>,
}

impl HostDirectory {
    fn with(
        &self,
        id: i64,
        change: impl FnOnce(&mut DirectoryUser),
    ) -> Result<i64, DirectoryError> {
        let mut accounts = self.accounts.lock().unwrap();
        let account = accounts.get_mut(&id).ok_or(DirectoryError::NoSuchAccount)?;
        change(account);
        Ok(account.auth_epoch)
    }
}

impl UserDirectory for HostDirectory {
    fn find_by_email(
        &self,
        _conn: &mut DirectoryConnection<'_>,
        email: &EmailAddress,
    ) -> Result<Option<DirectoryUser>, DirectoryError> {
        let accounts = self.accounts.lock().unwrap();
        Ok(accounts
            .values()
            .find(|a| a.display_email.eq_ignore_ascii_case(email.as_str()))
            .cloned())
    }

    fn find_by_id(
        &self,
        _conn: &mut DirectoryConnection<'_>,
        id: i64,
    ) -> Result<Option<DirectoryUser>, DirectoryError> {
        Ok(self.accounts.lock().unwrap().get(&id).cloned())
    }

    fn set_password(
        &self,
        _conn: &mut DirectoryConnection<'_>,
        id: i64,
        password_hash: &str,
        _now: NaiveDateTime,
    ) -> Result<i64, DirectoryError> {
        self.with(id, |a| {
            a.password_hash = Some(StoredHash::argon2id(password_hash));
            a.auth_epoch += 1;
        })
    }

    fn clear_password(
        &self,
        _conn: &mut DirectoryConnection<'_>,
        id: i64,
        _now: NaiveDateTime,
    ) -> Result<i64, DirectoryError> {
        self.with(id, |a| {
            a.password_hash = None;
            a.auth_epoch += 1;
        })
    }

    fn bump_auth_epoch(
        &self,
        _conn: &mut DirectoryConnection<'_>,
        id: i64,
        _now: NaiveDateTime,
    ) -> Result<i64, DirectoryError> {
        self.with(id, |a| a.auth_epoch += 1)
    }

    fn pause_resets(
        &self,
        _conn: &mut DirectoryConnection<'_>,
        id: i64,
        until: NaiveDateTime,
        _now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        self.with(id, |a| a.resets_paused_until = Some(until))?;
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
    let directory = Arc::new(HostDirectory {
        accounts: Mutex::new(HashMap::from([(
            4242,
            DirectoryUser {
                id: 4242,
                display_email: "host.user@example.com".into(),
                auth_epoch: 3,
                resets_paused_until: None,
                password_hash: None,
                disabled_at: None,
            },
        )])),
    });
    let clock = TestClock::default();
    let app = Application::build_with_directory(
        settings.clone(),
        Arc::new(clock.clone()),
        Some(directory.clone()),
    )
    .await
    .unwrap();
    let app = TestApp::serve(app, db, sink, clock, settings);
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

    let stranger = app.new_client();
    let csrf = app.csrf(&stranger, "/login").await;
    let verified = app.password_verifications().await;
    let unknown = app
        .post_form(
            &stranger,
            "/login",
            &[
                ("email", "nobody@example.com"),
                ("password", new),
                ("csrf_token", &csrf),
            ],
        )
        .await;

    // Assert: the host's account got an argon2id hash and a bumped epoch; sign-in works;
    // an address the host does not know still cost Lifeline one password verification.
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    assert_eq!(sign_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.password_verifications().await - verified, 1);
    let accounts = directory.accounts.lock().unwrap();
    let account = &accounts[&4242];
    assert_eq!(account.auth_epoch, 4);
    let hash = account.password_hash.as_ref().unwrap();
    assert!(hash.as_str().starts_with("$argon2id$"), "{hash:?}");
}
