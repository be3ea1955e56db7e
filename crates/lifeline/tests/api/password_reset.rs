//! The password-reset flow, end to end.

use reqwest::StatusCode;
use storage::Backend;

use crate::helpers::{PUBLIC_URL, link_in, mail_parts, spawn_app};
use crate::on_every_backend;
use crate::reset_steps::Observed;
use crate::sign_in_steps::BROWSER_AGENT;

on_every_backend!(
    a_forgotten_password_can_be_reset_through_the_emailed_link,
    a_weak_password_is_refused_with_the_reason_and_the_link_keeps_working,
    a_mismatched_confirmation_is_refused_and_the_link_keeps_working,
    the_password_changed_mail_says_when_where_and_how_and_carries_a_working_not_me_link,
);

async fn a_forgotten_password_can_be_reset_through_the_emailed_link(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "old password for ada");
    let browser = app.new_client();

    // Act: ask for a link, follow it, set a new password.
    let response = app.request_reset(&browser, "ada@example.com").await;
    assert_eq!(response.status(), StatusCode::OK);
    let mail = app.wait_for_mail(1).await.remove(0);
    assert_eq!(mail.rcpt_to, vec!["ada@example.com".to_owned()]);
    let link = link_in(&app, &mail, "/password/reset?token=");
    let response = browser.get(&link).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/password/reset",
        "the token must leave the URL"
    );
    let csrf = app.csrf(&browser, "/password/reset").await;
    let new_password = "a completely new passphrase";
    let response = app
        .post_form(
            &browser,
            "/password/reset",
            &[
                ("password", new_password),
                ("password_confirm", new_password),
                ("csrf_token", &csrf),
            ],
        )
        .await;

    // Assert: redirected to sign in; the new password works, the old one not.
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login");
    let sign_in = |password: &'static str| {
        let app = &app;
        async move {
            let client = app.new_client();
            let csrf = app.csrf(&client, "/login").await;
            app.post_form(
                &client,
                "/login",
                &[
                    ("email", "ada@example.com"),
                    ("password", password),
                    ("csrf_token", &csrf),
                ],
            )
            .await
            .status()
        }
    };
    assert_eq!(
        sign_in("a completely new passphrase").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        sign_in("old password for ada").await,
        StatusCode::UNAUTHORIZED
    );
    let changed = app.wait_for_mail(2).await.remove(1);
    assert!(
        changed
            .header("subject")
            .unwrap_or_default()
            .contains("changed"),
        "{:?}",
        changed.header("subject")
    );
}

async fn a_weak_password_is_refused_with_the_reason_and_the_link_keeps_working(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "old password for ada");
    let link = app.mailed_reset_link("ada@example.com", 1).await;
    let browser = &app.client;
    app.open_reset_link(browser, &link).await;
    let credentials = app.credentials_of("ada@example.com");

    // Act
    let common = app
        .submit_new_password(browser, "password1", "password1")
        .await;
    let common = Observed::of(common).await;
    let short = Observed::of(app.submit_new_password(browser, "short", "short").await).await;
    let own_address = app
        .submit_new_password(browser, "ada@example.com", "ada@example.com")
        .await;
    let own_address = Observed::of(own_address).await;

    // Assert: 422, the form again with the reason, nothing changed.
    assert_eq!(common.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common.text().contains("commonly used"), "{}", common.text());
    assert!(common.text().contains("name=\"password\""));
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text().contains("Use at least 8 characters."));
    assert_eq!(own_address.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(own_address.text().contains("can't be your email address"));
    assert_eq!(app.credentials_of("ada@example.com"), credentials);
    // The same session can still finish the reset.
    let response = app
        .submit_new_password(
            browser,
            "a much better passphrase",
            "a much better passphrase",
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        app.password_works("ada@example.com", "a much better passphrase")
            .await
    );
}

async fn a_mismatched_confirmation_is_refused_and_the_link_keeps_working(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "old password for ada");
    let link = app.mailed_reset_link("ada@example.com", 1).await;
    let browser = app.new_client();
    app.open_reset_link(&browser, &link).await;

    // Act
    let response = app
        .submit_new_password(
            &browser,
            "a much better passphrase",
            "a much better passphrasf",
        )
        .await;
    let mismatched = Observed::of(response).await;

    // Assert
    assert_eq!(mismatched.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = mismatched.text();
    assert!(html.contains("The two passwords don't match."), "{html}");
    assert!(
        app.password_works("ada@example.com", "old password for ada")
            .await
    );
    app.reset_with(&link, "a much better passphrase").await;
    assert!(
        app.password_works("ada@example.com", "a much better passphrase")
            .await
    );
}

async fn the_password_changed_mail_says_when_where_and_how_and_carries_a_working_not_me_link(
    backend: Backend,
) {
    // Arrange: Ada asks for a link in her browser.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "old password for ada");
    let browser = app.browser();
    let today = chrono::Utc::now().format("%-d %B %Y").to_string();
    let response = app.request_reset(&browser, "ada@example.com").await;
    assert_eq!(response.status(), StatusCode::OK);
    let mail = app.wait_for_mail(1).await.remove(0);
    let link = link_in(&app, &mail, "/password/reset?token=");

    // Act: she sets a new password with it.
    app.open_reset_link(&browser, &link).await;
    let response = app
        .submit_new_password(
            &browser,
            "a completely new passphrase",
            "a completely new passphrase",
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let changed = app.wait_for_mail(2).await.remove(1);

    // Assert: to her, with the time, the client address and browser of the
    // change, and a "this wasn't me" link (text and HTML) that opens its form.
    assert_eq!(changed.rcpt_to, vec!["ada@example.com".to_owned()]);
    let (text, html) = mail_parts(&changed);
    let now = chrono::Utc::now().format("%-d %B %Y").to_string();
    assert!(
        text.contains(&format!("When: {today}")) || text.contains(&format!("When: {now}")),
        "{text}"
    );
    assert!(text.contains("UTC"), "{text}");
    assert!(text.contains("IP address: 127.0.0.1"), "{text}");
    assert!(
        text.contains(&format!("Browser: {BROWSER_AGENT}")),
        "{text}"
    );
    assert!(
        html.contains(&format!("{PUBLIC_URL}/password/not-me?token=")),
        "{html}"
    );
    let not_me = link_in(&app, &changed, "/password/not-me?token=");
    let page = app.open_link(&app.new_client(), &not_me).await;
    assert_eq!(page.status(), StatusCode::OK, "the not-me link works");
    assert!(page.text().await.unwrap().contains("csrf_token"));
}
