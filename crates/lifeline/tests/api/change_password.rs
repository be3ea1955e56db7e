//! Changing the password while signed in (`/account/password`): the current password is
//! required, other sessions end while this one stays, the owner is mailed with a "this
//! wasn't me" link, and a refusal changes nothing.

use reqwest::{Client, Response, StatusCode};
use storage::{Backend, EmailAddress, users};

use crate::helpers::{TestApp, link_in, mail_parts, spawn_app, spawn_app_with};
use crate::on_every_backend;
use crate::reset_steps::Observed;

const EMAIL: &str = "ada@example.com";
const OLD: &str = "old password for ada";
const NEW: &str = "a brand new passphrase for ada";
const FORM: &str = "/account/password";

on_every_backend!(
    a_changed_password_signs_in_and_the_old_one_no_longer_does,
    a_wrong_current_password_changes_nothing,
    a_weak_new_password_is_refused_with_the_policys_reason,
    changing_the_password_ends_other_sessions_but_keeps_this_one,
    the_change_is_mailed_with_a_not_me_link,
    the_change_needs_the_forms_csrf_token,
    an_anonymous_visitor_is_sent_to_sign_in,
    wrong_current_passwords_are_limited_per_account,
    an_account_without_a_password_is_sent_to_a_reset_link,
);

impl TestApp {
    /// A browser signed in as Ada (whose account is created with [`OLD`]).
    async fn signed_in_ada(&self) -> Client {
        self.create_user(EMAIL, OLD);
        let browser = self.browser();
        assert_eq!(
            self.sign_in(&browser, EMAIL, OLD).await,
            StatusCode::SEE_OTHER
        );
        browser
    }

    /// Submits the change-password form shown in `client`'s session.
    pub async fn change_password(
        &self,
        client: &Client,
        current: &str,
        new: &str,
        confirmation: &str,
    ) -> Response {
        let csrf = self.csrf(client, FORM).await;
        self.post_form(
            client,
            FORM,
            &[
                ("current_password", current),
                ("password", new),
                ("password_confirm", confirmation),
                ("csrf_token", &csrf),
            ],
        )
        .await
    }

    /// The number of audit events recorded for `kind`.
    fn audit_events_of(&self, kind: &str) -> usize {
        let email = EmailAddress::parse(EMAIL).unwrap();
        let mut conn = self.db.conn().unwrap();
        let user = users::find_by_email(&mut conn, &email).unwrap().unwrap();
        storage::audit::recent_for_user(&mut conn, user.id, 100)
            .unwrap()
            .into_iter()
            .filter(|event| event.kind == kind)
            .count()
    }
}

async fn a_changed_password_signs_in_and_the_old_one_no_longer_does(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let browser = app.signed_in_ada().await;

    // Act
    let response = app.change_password(&browser, OLD, NEW, NEW).await;

    // Assert: back on the account page, which says what happened.
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/account");
    let account = app.get(&browser, "/account").await.text().await.unwrap();
    assert!(
        account.contains("Your password was changed; other sessions were signed out."),
        "{account}"
    );
    assert!(
        account.contains("Password changed while signed in"),
        "{account}"
    );
    assert!(app.password_works(EMAIL, NEW).await);
    assert!(!app.password_works(EMAIL, OLD).await);
    assert_eq!(app.audit_events_of("password_changed"), 1);
}

async fn a_wrong_current_password_changes_nothing(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let browser = app.signed_in_ada().await;
    let other = app.browser();
    app.sign_in(&other, EMAIL, OLD).await;

    // Act
    let response = app
        .change_password(&browser, "not my password", NEW, NEW)
        .await;

    // Assert: 422 with a plain reason on the current-password field; nothing changed.
    let observed = Observed::of(response).await;
    assert_eq!(observed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = observed.text();
    assert!(
        html.contains("That is not your current password."),
        "{html}"
    );
    assert!(html.contains("id=\"current-error\""), "{html}");
    app.drain_outbox().await;
    assert!(
        app.sink.messages().is_empty(),
        "no mail for a refused change"
    );
    assert!(app.password_works(EMAIL, OLD).await);
    assert!(!app.password_works(EMAIL, NEW).await);
    assert_eq!(app.get(&other, "/account").await.status(), StatusCode::OK);
    assert_eq!(app.audit_events_of("password_changed"), 0);
}

async fn a_weak_new_password_is_refused_with_the_policys_reason(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let browser = app.signed_in_ada().await;

    // Act
    let short = Observed::of(app.change_password(&browser, OLD, "short", "short").await).await;
    let mismatch = Observed::of(app.change_password(&browser, OLD, NEW, "another").await).await;

    // Assert
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text().contains("Use at least 8 characters."));
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        mismatch.text().contains("The two passwords don"),
        "{}",
        mismatch.text()
    );
    assert!(app.password_works(EMAIL, OLD).await);
}

async fn changing_the_password_ends_other_sessions_but_keeps_this_one(backend: Backend) {
    // Arrange: Ada on a laptop and a phone; Bob elsewhere.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let laptop = app.signed_in_ada().await;
    let phone = app.browser();
    app.sign_in(&phone, EMAIL, OLD).await;
    app.create_user("bob@example.com", "password of bob, long");
    let bob = app.browser();
    app.sign_in(&bob, "bob@example.com", "password of bob, long")
        .await;

    // Act
    let response = app.change_password(&laptop, OLD, NEW, NEW).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Assert
    assert_eq!(app.get(&laptop, "/account").await.status(), StatusCode::OK);
    let phone_account = app.get(&phone, "/account").await;
    assert_eq!(phone_account.status(), StatusCode::SEE_OTHER);
    assert_eq!(phone_account.headers()["location"], "/login");
    assert_eq!(app.get(&bob, "/account").await.status(), StatusCode::OK);
}

async fn the_change_is_mailed_with_a_not_me_link(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let browser = app.signed_in_ada().await;

    // Act
    app.change_password(&browser, OLD, NEW, NEW).await;

    // Assert: one "password changed" mail to Ada, with a working "this wasn't me" link.
    let mail = app.wait_for_mail(1).await.remove(0);
    assert_eq!(mail.rcpt_to, vec![EMAIL.to_owned()]);
    let (text, _) = mail_parts(&mail);
    assert!(text.contains("Your password was changed"), "{text}");
    let not_me = link_in(&app, &mail, "/password/not-me?token=");
    let page = app.open_link(&app.new_client(), &not_me).await;
    assert_eq!(page.status(), StatusCode::OK);
}

async fn the_change_needs_the_forms_csrf_token(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let browser = app.signed_in_ada().await;
    let fields = |csrf: &'static str| {
        vec![
            ("current_password", OLD),
            ("password", NEW),
            ("password_confirm", NEW),
            ("csrf_token", csrf),
        ]
    };

    // Act
    let forged = app.post_form(&browser, FORM, &fields("forged")).await;
    let missing = app
        .post_form(
            &browser,
            FORM,
            &[
                ("current_password", OLD),
                ("password", NEW),
                ("password_confirm", NEW),
            ],
        )
        .await;

    // Assert
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(missing.status().is_client_error(), "{}", missing.status());
    assert!(app.password_works(EMAIL, OLD).await);
}

async fn an_anonymous_visitor_is_sent_to_sign_in(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, OLD);
    let anonymous = app.browser();

    // Act: the form, and a post with the anonymous session's own CSRF token.
    let form = app.get(&anonymous, FORM).await;
    let csrf = app.csrf(&anonymous, "/login").await;
    let post = app
        .post_form(
            &anonymous,
            FORM,
            &[
                ("current_password", OLD),
                ("password", NEW),
                ("password_confirm", NEW),
                ("csrf_token", &csrf),
            ],
        )
        .await;

    // Assert
    for response in [form, post] {
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()["location"], "/login");
    }
    assert!(app.password_works(EMAIL, OLD).await);
}

async fn wrong_current_passwords_are_limited_per_account(backend: Backend) {
    // Arrange: three attempts per account per 15 minutes.
    let Some(app) = spawn_app_with(backend, |f| f.merge(("limits.login_per_account", 3))).await
    else {
        return;
    };
    let browser = app.signed_in_ada().await; // the sign-in counts as one attempt

    // Act
    let mut statuses = Vec::new();
    for _ in 0..2 {
        let response = app.change_password(&browser, "a guess", NEW, NEW).await;
        statuses.push(response.status());
    }
    let limited = Observed::of(app.change_password(&browser, OLD, NEW, NEW).await).await;

    // Assert: guesses share the sign-in budget; over it even the right password waits.
    assert_eq!(statuses, [StatusCode::UNPROCESSABLE_ENTITY; 2]);
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key("retry-after"));
    assert!(
        limited.text().contains("Try again in"),
        "{}",
        limited.text()
    );
    assert!(app.still_has_password(OLD));
}

impl TestApp {
    /// Whether the account still has `password` (read from the database: the sign-in limit
    /// is spent, so signing in would be refused whatever the password).
    fn still_has_password(&self, password: &str) -> bool {
        let email = EmailAddress::parse(EMAIL).unwrap();
        let user = users::find_by_email(&mut self.db.conn().unwrap(), &email)
            .unwrap()
            .unwrap();
        self.hasher.verify(
            &lifeline::Password::new(password.into()),
            user.password_hash.as_deref(),
        )
    }
}

async fn an_account_without_a_password_is_sent_to_a_reset_link(backend: Backend) {
    // Arrange: an account that signs in by email link only.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let email = EmailAddress::parse(EMAIL).unwrap();
    users::create(
        &mut app.db.conn().unwrap(),
        &users::NewUser {
            email: &email,
            password_hash: None,
            now: app.now(),
        },
    )
    .unwrap();
    let browser = app.browser();
    let link = app.mailed_magic_link(&browser, EMAIL, 1).await;
    let signed_in = app.confirm_magic_link(&browser, &link).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);

    // Act
    let page = app.get(&browser, FORM).await;

    // Assert: no form to guess at, and the way to set a password through the mailbox.
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("has no password yet"), "{html}");
    assert!(html.contains("href=\"/password/forgot\""), "{html}");
    assert!(!html.contains("name=\"current_password\""), "{html}");
}
