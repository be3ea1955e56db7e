//! Pages say what happened and what to do next: the account page shows a pause and when
//! it ends, "check your inbox" states the link's configured lifetime, the 429 page says how
//! long to wait, and a dead link's page names the link and the ways on.

use reqwest::StatusCode;
use storage::{Backend, users};

use crate::helpers::{spawn_app, spawn_app_with};
use crate::on_every_backend;
use crate::reset_steps::Observed;

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "old password for ada";

on_every_backend!(
    the_account_page_shows_an_active_pause_and_when_it_ends,
    the_account_page_links_to_change_password_and_hides_a_pause_that_ended,
    check_inbox_states_the_configured_lifetime_and_links_to_sign_in,
    the_429_page_says_how_long_to_wait,
    a_dead_link_page_names_the_link_and_the_ways_on,
);

async fn the_account_page_shows_an_active_pause_and_when_it_ends(backend: Backend) {
    // Arrange: Ada signed in; her resets are paused for another 3 hours.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let user = app.create_user(EMAIL, PASSWORD);
    let browser = app.browser();
    app.sign_in(&browser, EMAIL, PASSWORD).await;
    let until = app.now() + chrono::Duration::hours(3);
    users::pause_resets(&mut app.db.conn().unwrap(), user.id, until, app.now()).unwrap();

    // Act
    let html = app.get(&browser, "/account").await.text().await.unwrap();

    // Assert
    assert!(
        html.contains("Reset and sign-in links are paused"),
        "{html}"
    );
    let when = until.format("%-d %B %Y, %H:%M UTC").to_string();
    assert!(html.contains(&when), "{when} not in {html}");
    assert!(html.contains("in about 3 hours"), "{html}");
}

async fn the_account_page_links_to_change_password_and_hides_a_pause_that_ended(backend: Backend) {
    // Arrange: a pause that ended an hour ago.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let user = app.create_user(EMAIL, PASSWORD);
    let browser = app.browser();
    app.sign_in(&browser, EMAIL, PASSWORD).await;
    let ended = app.now() - chrono::Duration::hours(1);
    users::pause_resets(&mut app.db.conn().unwrap(), user.id, ended, app.now()).unwrap();

    // Act
    let html = app.get(&browser, "/account").await.text().await.unwrap();

    // Assert
    assert!(!html.contains("are paused"), "{html}");
    assert!(html.contains("href=\"/account/password\""), "{html}");
}

async fn check_inbox_states_the_configured_lifetime_and_links_to_sign_in(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("tokens.reset_lifetime_secs", 3600))
            .merge(("tokens.magic_link_lifetime_secs", 600))
    })
    .await
    else {
        return;
    };

    // Act
    let reset = app.request_reset(&app.new_client(), EMAIL).await;
    let reset = reset.text().await.unwrap();
    let magic = app.request_magic_link(&app.new_client(), EMAIL).await;
    let magic = magic.text().await.unwrap();

    // Assert
    assert!(reset.contains("The link works once, for 1 hour"), "{reset}");
    assert!(
        magic.contains("The link works once, for 10 minutes"),
        "{magic}"
    );
    for page in [&reset, &magic] {
        assert!(page.contains("href=\"/login\""), "{page}");
    }
    assert!(reset.contains("href=\"/password/forgot\""), "{reset}");
    assert!(magic.contains("href=\"/magic-link\""), "{magic}");
}

/// `secs` as the 429 page says it.
fn said(secs: u64) -> String {
    let (count, unit) = match secs {
        0..60 => (secs.max(1), "second"),
        60..3600 => (secs.div_ceil(60), "minute"),
        _ => (secs.div_ceil(3600), "hour"),
    };
    format!("{count} {unit}{}", if count == 1 { "" } else { "s" })
}

async fn the_429_page_says_how_long_to_wait(backend: Backend) {
    // Arrange: one sign-in attempt per account per 15 minutes.
    let Some(app) = spawn_app_with(backend, |f| f.merge(("limits.login_per_account", 1))).await
    else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    app.sign_in(&app.new_client(), EMAIL, "a guess").await;

    // Act
    let browser = app.browser();
    let csrf = app.csrf(&browser, "/login").await;
    let response = app
        .post_form(
            &browser,
            "/login",
            &[
                ("email", EMAIL),
                ("password", PASSWORD),
                ("csrf_token", &csrf),
            ],
        )
        .await;

    // Assert: the page says the wait the header gives.
    let observed = Observed::of(response).await;
    assert_eq!(observed.status, StatusCode::TOO_MANY_REQUESTS);
    let secs: u64 = observed.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let html = observed.text();
    assert!(
        html.contains(&format!("Try again in {}.", said(secs))),
        "{secs}s not said in {html}"
    );
}

async fn a_dead_link_page_names_the_link_and_the_ways_on(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };

    // Act
    let reset = app
        .get(&app.new_client(), "/password/reset?token=lr1_forged")
        .await;
    let reset = Observed::of(reset).await;
    let magic = app
        .get(&app.new_client(), "/magic-link/verify?token=lm1_forged")
        .await;
    let magic = Observed::of(magic).await;

    // Assert
    assert_eq!(reset.status, StatusCode::BAD_REQUEST);
    assert!(
        reset.text().contains("This password-reset link"),
        "{}",
        reset.text()
    );
    assert!(reset.text().contains("href=\"/password/forgot\""));
    assert_eq!(magic.status, StatusCode::BAD_REQUEST);
    assert!(
        magic.text().contains("This sign-in link"),
        "{}",
        magic.text()
    );
    assert!(magic.text().contains("href=\"/magic-link\""));
    for page in [&reset, &magic] {
        assert!(page.text().contains("href=\"/login\""), "{}", page.text());
    }
}
