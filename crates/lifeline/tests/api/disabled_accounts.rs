//! An account an operator disabled (`lifeline users disable`) is, from outside, an unknown
//! address: no mail, no sign-in, and every public answer byte for byte an unknown address's.
//! Disabling ends its links at once and its sessions within `server.session_cache_secs`; enabling
//! lets it ask for links again.

use lifeline::ops::{Accounts, Actor};
use reqwest::StatusCode;
use storage::{Backend, EmailAddress};

use crate::enumeration::{EVERY_LINK_REQUEST, LinkRequest};
use crate::helpers::{TestApp, link_in, spawn_app, spawn_app_with};
use crate::on_every_backend;
use crate::reset_steps::Observed;

on_every_backend!(
    a_disabled_account_gets_the_answers_and_the_silence_of_an_unknown_address,
    a_disabled_account_gets_no_mail_even_where_an_unknown_address_gets_a_notice,
    a_disabled_account_cannot_sign_in_and_is_answered_like_an_unknown_address,
    disabling_ends_the_account_s_sessions_and_links_at_once,
    an_enabled_account_gets_its_links_again,
);

const ADA: &str = "ada@example.com";
/// As long as `ADA`, so the sign-in pages, which repeat the address, are as long too.
const UNKNOWN: &str = "eve@example.com";
const PASSWORD: &str = "ada's long password";

fn email(text: &str) -> EmailAddress {
    EmailAddress::parse(text).unwrap()
}

async fn accounts(app: &TestApp) -> Accounts {
    let db = lifeline::ops::connect_database(&app.settings)
        .await
        .unwrap();
    Accounts::new(&app.settings, db).unwrap()
}

async fn disable(app: &TestApp, address: &str) {
    let (accounts, now) = (accounts(app).await, app.now());
    let address = email(address);
    tokio::task::spawn_blocking(move || accounts.disable(&address, &Actor::Operator, now).unwrap())
        .await
        .unwrap();
}

async fn enable(app: &TestApp, address: &str) {
    let (accounts, now) = (accounts(app).await, app.now());
    let address = email(address);
    tokio::task::spawn_blocking(move || accounts.enable(&address, &Actor::Operator, now).unwrap())
        .await
        .unwrap();
}

async fn a_disabled_account_gets_the_answers_and_the_silence_of_an_unknown_address(
    backend: Backend,
) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    disable(&app, ADA).await;

    // Act / Assert: reset and magic link, page and API, alike.
    for request in EVERY_LINK_REQUEST {
        let disabled = request.answer(&app, ADA).await;
        let unknown = request.answer(&app, UNKNOWN).await;
        assert!(
            matches!(disabled.status, StatusCode::OK | StatusCode::ACCEPTED),
            "{request:?}"
        );
        assert_eq!(disabled.status, unknown.status, "{request:?}");
        assert_eq!(
            disabled.stable_headers(),
            unknown.stable_headers(),
            "{request:?}"
        );
        assert_eq!(disabled.body, unknown.body, "{request:?}");
    }
    app.drain_outbox().await;
    assert_eq!(app.pending_jobs(), 0, "every request was processed");
    assert!(app.sink.messages().is_empty(), "no mail at all");
}

async fn a_disabled_account_gets_no_mail_even_where_an_unknown_address_gets_a_notice(
    backend: Backend,
) {
    // Arrange
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("mail.notify_unknown_addresses", true))
    })
    .await
    else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    disable(&app, ADA).await;

    // Act
    LinkRequest::ResetPage.answer(&app, ADA).await;
    LinkRequest::MagicLinkPage.answer(&app, ADA).await;
    LinkRequest::ResetPage.answer(&app, UNKNOWN).await;
    app.drain_outbox().await;

    // Assert: the notice goes to the unknown address only.
    let mails = app.sink.messages();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].rcpt_to, vec![UNKNOWN.to_owned()]);
}

async fn a_disabled_account_cannot_sign_in_and_is_answered_like_an_unknown_address(
    backend: Backend,
) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    disable(&app, ADA).await;
    let browser = app.new_client();

    // Act: the right password; one browser, so the form's CSRF token is the same.
    let disabled = Observed::of(app.sign_in_with_password(&browser, ADA, PASSWORD).await).await;
    let unknown = Observed::of(app.sign_in_with_password(&browser, UNKNOWN, PASSWORD).await).await;

    // Assert: the pages differ only in the address typed into the form.
    assert_eq!(disabled.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        disabled.text().replace(ADA, "ADDRESS"),
        unknown.text().replace(UNKNOWN, "ADDRESS")
    );
    assert_eq!(disabled.stable_headers(), unknown.stable_headers());
    assert_eq!(app.account_page(&browser).await, None);
}

async fn disabling_ends_the_account_s_sessions_and_links_at_once(backend: Backend) {
    // Arrange: signed in, and holding a mailed reset link.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let signed_in = app.new_client();
    let response = app.sign_in_with_password(&signed_in, ADA, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(app.account_page(&signed_in).await.is_some());
    app.request_reset(&app.new_client(), ADA).await;
    let mail = app.wait_for_mail(1).await.remove(0);
    let link = link_in(&app, &mail, "/password/reset?token=");

    // Act: from the command line, another process than the server, which believes the
    // session it checked for `server.session_cache_secs` (5) more seconds.
    disable(&app, ADA).await;
    app.clock.advance(std::time::Duration::from_secs(5));

    // Assert
    assert_eq!(app.account_page(&signed_in).await, None, "signed out");
    let browser = app.new_client();
    browser.get(&link).send().await.unwrap();
    let form = app.get(&browser, "/password/reset").await;
    assert_ne!(form.status(), StatusCode::OK, "the link no longer works");
}

async fn an_enabled_account_gets_its_links_again(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    disable(&app, ADA).await;

    // Act
    enable(&app, ADA).await;
    app.request_reset(&app.new_client(), ADA).await;

    // Assert
    let mails = app.wait_for_mail(1).await;
    assert_eq!(mails[0].rcpt_to, vec![ADA.to_owned()]);
    let response = app
        .sign_in_with_password(&app.new_client(), ADA, PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}
