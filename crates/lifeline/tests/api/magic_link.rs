//! Magic-link sign-in, end to end: the mail, the link, the button, the session,
//! the notice, and what must not work.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use storage::Backend;

use crate::helpers::{PUBLIC_URL, link_in, mail_parts, spawn_app, spawn_app_with, token_of};
use crate::on_every_backend;
use crate::reset_steps::Observed;
use crate::sign_in_steps::{BROWSER_AGENT, hidden_field};

on_every_backend!(
    a_magic_link_signs_the_person_in_and_the_owner_is_told,
    fetching_a_link_any_number_of_times_does_not_use_it,
    an_expired_magic_link_is_refused,
    a_newer_magic_link_replaces_the_older_one,
    reset_and_magic_links_are_not_interchangeable,
    this_wasnt_me_voids_links_and_sessions_and_pauses_new_links,
    only_an_allow_listed_next_is_followed_after_sign_in,
    known_and_unknown_addresses_get_identical_answers,
    the_api_signs_in_with_a_working_session_cookie,
    with_same_browser_links_only_the_asking_browser_can_sign_in,
);

async fn a_magic_link_signs_the_person_in_and_the_owner_is_told(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "ada's long password");
    let browser = app.browser();
    let login = app.get(&browser, "/login").await.text().await.unwrap();
    assert!(login.contains("<a href=\"/magic-link\">Sign in with a link instead</a>"));

    // Act: ask, read the mail, open the link, press the button.
    let response = app.request_magic_link(&browser, "ada@example.com").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("Check your inbox"));
    let mail = app.wait_for_mail(1).await.remove(0);
    assert_eq!(mail.rcpt_to, vec!["ada@example.com".to_owned()]);
    assert!(mail.header("subject").unwrap().contains("sign-in link"));
    link_in(&app, &mail, "/password/not-me?token=");
    let link = link_in(&app, &mail, "/magic-link/verify?token=");
    let page = app.open_link(&browser, &link).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("ada@example.com"), "{html}");
    let response = app.press_sign_in(&browser, &html).await;

    // Assert: signed in, the event is listed, and the owner got a notice.
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/account");
    let account = app.account_page(&browser).await.expect("signed in");
    assert!(account.contains("ada@example.com"), "{account}");
    assert!(
        account.contains("Signed in with an email link"),
        "{account}"
    );
    let notice = app.wait_for_mail(2).await.remove(1);
    assert_eq!(notice.rcpt_to, vec!["ada@example.com".to_owned()]);
    assert!(notice.header("subject").unwrap().contains("New sign-in"));
    let (text, html) = mail_parts(&notice);
    assert!(text.contains("127.0.0.1"), "{text}");
    assert!(text.contains(BROWSER_AGENT), "{text}");
    assert!(html.contains(&format!("{PUBLIC_URL}/password/not-me?token=")));
    let not_me = link_in(&app, &notice, "/password/not-me?token=");
    let response = app.open_link(&app.new_client(), &not_me).await;
    assert_eq!(response.status(), StatusCode::OK, "the not-me link works");
}

async fn fetching_a_link_any_number_of_times_does_not_use_it(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "ada's long password");
    let browser = app.browser();
    let link = app.mailed_magic_link(&browser, "ada@example.com", 1).await;

    // Act: a mail scanner fetches the link and its clean page again and again,
    // with GET and HEAD.
    let scanner = app.new_client();
    for _ in 0..10 {
        let get = scanner.get(&link).send().await.unwrap();
        assert_eq!(get.status(), StatusCode::SEE_OTHER);
        let head = scanner.head(&link).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::SEE_OTHER);
        let clean = app.get(&scanner, "/magic-link/verify").await;
        assert_eq!(clean.status(), StatusCode::OK);
        let clean_head = scanner.head(app.url("/magic-link/verify")).send().await;
        assert_eq!(clean_head.unwrap().status(), StatusCode::OK);
    }
    let page = app.open_link(&browser, &link).await.text().await.unwrap();
    let first = app.press_sign_in(&browser, &page).await;
    let csrf = app.csrf(&scanner, "/magic-link").await;
    let second = app
        .post_form(
            &scanner,
            "/magic-link/verify",
            &[("token", &token_of(&link)), ("csrf_token", &csrf)],
        )
        .await;

    // Assert: the person still signs in, exactly once.
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(second.status(), StatusCode::BAD_REQUEST);
    assert!(second.text().await.unwrap().contains("This link doesn"));
    let again = scanner.get(&link).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
}

async fn an_expired_magic_link_is_refused(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "ada's long password");
    let browser = app.browser();
    let link = app.mailed_magic_link(&browser, "ada@example.com", 1).await;
    let page = app.open_link(&browser, &link).await.text().await.unwrap();

    // Act: 15 minutes is the default lifetime.
    app.clock.advance(Duration::from_secs(15 * 60 + 1));
    let opened = browser.get(&link).send().await.unwrap();
    let pressed = app.press_sign_in(&browser, &page).await;

    // Assert
    assert_eq!(opened.status(), StatusCode::BAD_REQUEST);
    assert_eq!(pressed.status(), StatusCode::BAD_REQUEST);
    assert!(app.account_page(&browser).await.is_none());
}

async fn a_newer_magic_link_replaces_the_older_one(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "ada's long password");
    let browser = app.browser();
    let older = app.mailed_magic_link(&browser, "ada@example.com", 1).await;
    let newer = app.mailed_magic_link(&browser, "ada@example.com", 2).await;

    // Act
    let older_opened = browser.get(&older).send().await.unwrap();
    let newer_used = app.confirm_magic_link(&browser, &newer).await;

    // Assert
    assert_eq!(older_opened.status(), StatusCode::BAD_REQUEST);
    assert_eq!(newer_used.status(), StatusCode::SEE_OTHER);
}

async fn reset_and_magic_links_are_not_interchangeable(backend: Backend) {
    // Arrange: one live link of each kind.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "ada's long password");
    let browser = app.browser();
    app.request_reset(&browser, "ada@example.com").await;
    let reset = token_of(&link_in(
        &app,
        &app.wait_for_mail(1).await[0],
        "/password/reset?token=",
    ));
    let magic = token_of(&app.mailed_magic_link(&browser, "ada@example.com", 1).await);

    // Act: each token where the other belongs, on the pages and the API.
    let reset_as_magic_page = app
        .get(&browser, &format!("/magic-link/verify?token={reset}"))
        .await;
    let csrf = app.csrf(&browser, "/magic-link").await;
    let reset_as_magic_post = app
        .post_form(
            &browser,
            "/magic-link/verify",
            &[("token", &reset), ("csrf_token", &csrf)],
        )
        .await;
    let reset_as_magic_api = app
        .post_json(
            &browser,
            "/api/v1/magic-link/verify",
            &json!({ "token": reset }),
        )
        .await;
    let magic_as_reset_page = app
        .get(&browser, &format!("/password/reset?token={magic}"))
        .await;
    let magic_as_reset_api = app
        .post_json(
            &browser,
            "/api/v1/password/reset",
            &json!({ "token": magic, "password": "a brand new passphrase" }),
        )
        .await;

    // Assert: all refused, nothing used up, nobody signed in.
    assert_eq!(reset_as_magic_page.status(), StatusCode::BAD_REQUEST);
    assert_eq!(reset_as_magic_post.status(), StatusCode::BAD_REQUEST);
    assert_eq!(reset_as_magic_api.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = reset_as_magic_api.json().await.unwrap();
    assert_eq!(body["error"], "invalid_or_expired_link");
    assert_eq!(magic_as_reset_page.status(), StatusCode::BAD_REQUEST);
    assert_eq!(magic_as_reset_api.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = magic_as_reset_api.json().await.unwrap();
    assert_eq!(body["error"], "invalid_or_expired_link");
    assert!(app.account_page(&browser).await.is_none());
    let magic_used = app
        .post_json(
            &browser,
            "/api/v1/magic-link/verify",
            &json!({ "token": magic }),
        )
        .await;
    assert_eq!(magic_used.status(), StatusCode::OK);
    let reset_used = app
        .post_json(
            &app.new_client(),
            "/api/v1/password/reset",
            &json!({ "token": reset, "password": "a brand new passphrase" }),
        )
        .await;
    assert_eq!(reset_used.status(), StatusCode::NO_CONTENT);
}

async fn this_wasnt_me_voids_links_and_sessions_and_pauses_new_links(backend: Backend) {
    // Arrange: a signed-in session, a live reset link and a live magic link.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "ada's long password");
    let session = app.browser();
    let signed_in = app
        .sign_in_with_password(&session, "ada@example.com", "ada's long password")
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let browser = app.browser();
    app.request_reset(&browser, "ada@example.com").await;
    let reset = link_in(
        &app,
        &app.wait_for_mail(1).await[0],
        "/password/reset?token=",
    );
    app.request_magic_link(&browser, "ada@example.com").await;
    let magic_mail = app.wait_for_mail(2).await.remove(1);
    let magic = link_in(&app, &magic_mail, "/magic-link/verify?token=");
    let not_me = link_in(&app, &magic_mail, "/password/not-me?token=");

    // Act: the owner says "this wasn't me".
    let owner = app.new_client();
    let page = app.open_link(&owner, &not_me).await.text().await.unwrap();
    assert!(page.contains("ada@example.com"), "{page}");
    let done = app.press_confirm(&owner, "/password/not-me", &page).await;
    assert_eq!(done.status(), StatusCode::OK);
    assert!(
        done.text()
            .await
            .unwrap()
            .contains("reset and sign-in links")
    );
    app.wait_for_mail(3).await;

    // Assert: every link and the session are void.
    let attacker = app.new_client();
    let reset_opened = attacker.get(&reset).send().await.unwrap();
    assert_eq!(reset_opened.status(), StatusCode::BAD_REQUEST);
    let magic_opened = attacker.get(&magic).send().await.unwrap();
    assert_eq!(magic_opened.status(), StatusCode::BAD_REQUEST);
    let magic_api = app
        .post_json(
            &attacker,
            "/api/v1/magic-link/verify",
            &json!({ "token": token_of(&magic) }),
        )
        .await;
    assert_eq!(magic_api.status(), StatusCode::BAD_REQUEST);
    assert!(app.account_page(&session).await.is_none());

    // Assert: new links are refused for the pause, with the usual answers.
    let unknown = Observed::of(
        app.request_magic_link(&app.new_client(), "nobody@example.com")
            .await,
    )
    .await;
    let paused = Observed::of(
        app.request_magic_link(&app.new_client(), "ada@example.com")
            .await,
    )
    .await;
    assert_eq!(paused.status, StatusCode::OK);
    assert_eq!(paused.body, unknown.body);
    let paused_reset = app
        .request_reset(&app.new_client(), "ada@example.com")
        .await;
    assert_eq!(paused_reset.status(), StatusCode::OK);
    let paused_api = app
        .post_json(
            &attacker,
            "/api/v1/magic-link",
            &json!({ "email": "ada@example.com" }),
        )
        .await;
    assert_eq!(paused_api.status(), StatusCode::ACCEPTED);
    app.drain_outbox().await;
    assert_eq!(app.sink.messages().len(), 3, "no mail while paused");

    // Assert: after the pause, links come again.
    app.clock.advance(Duration::from_secs(24 * 3600 + 60));
    app.request_magic_link(&browser, "ada@example.com").await;
    let after = app.nth_magic_link(2).await;
    assert_eq!(
        app.confirm_magic_link(&browser, &after).await.status(),
        StatusCode::SEE_OTHER
    );
    let account = app.account_page(&browser).await.expect("signed in");
    assert!(account.contains("this wasn"), "{account}");
}

async fn only_an_allow_listed_next_is_followed_after_sign_in(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("server.redirect_allow_list", ["/account", "/welcome"]))
    })
    .await
    else {
        return;
    };
    app.create_user("ada@example.com", "ada's long password");
    let cases = [
        ("https://evil.example", "/account"),
        ("//evil.example", "/account"),
        ("/\\evil.example", "/account"),
        ("%2F%2Fevil.example", "/account"),
        ("/welcome/../account", "/account"),
        ("/account", "/account"),
        ("/welcome", "/welcome"),
    ];

    for (nth, (next, expected)) in cases.into_iter().enumerate() {
        // Act
        let browser = app.browser();
        let form = format!("/magic-link?next={}", urlencode(next));
        let form_html = app.get(&browser, &form).await.text().await.unwrap();
        let response = app
            .request_magic_link_with(&browser, &form, "ada@example.com", Some(next))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let link = app.nth_magic_link(nth + 1).await;
        let signed_in = app.confirm_magic_link(&browser, &link).await;

        // Assert
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(signed_in.headers()["location"], expected, "{next}");
        let carried = hidden_field(&form_html, "next");
        let allowed = next == expected;
        assert_eq!(
            carried.as_deref(),
            allowed.then_some(next),
            "the form carries only allow-listed targets"
        );
    }

    // Assert: `next` belongs to the browser that asked; another browser gets /account.
    let asking = app.browser();
    app.request_magic_link_with(&asking, "/magic-link", "ada@example.com", Some("/welcome"))
        .await;
    let link = app.nth_magic_link(cases.len() + 1).await;
    let other = app.confirm_magic_link(&app.browser(), &link).await;
    assert_eq!(other.headers()["location"], "/account");
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn known_and_unknown_addresses_get_identical_answers(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "ada's long password");

    // Act
    let page = |email: &'static str| {
        let app = &app;
        async move { Observed::of(app.request_magic_link(&app.new_client(), email).await).await }
    };
    let api = |email: &'static str| {
        let app = &app;
        async move {
            let response = app
                .post_json(
                    &app.new_client(),
                    "/api/v1/magic-link",
                    &json!({ "email": email }),
                )
                .await;
            Observed::of(response).await
        }
    };
    let (known_page, unknown_page) = (
        page("ada@example.com").await,
        page("nobody@example.com").await,
    );
    let (known_api, unknown_api) = (
        api("ada@example.com").await,
        api("nobody@example.com").await,
    );

    // Assert
    assert_eq!(known_page.status, StatusCode::OK);
    assert_eq!(known_page.status, unknown_page.status);
    assert_eq!(known_page.body, unknown_page.body);
    assert_eq!(known_page.stable_headers(), unknown_page.stable_headers());
    assert_eq!(known_api.status, StatusCode::ACCEPTED);
    assert_eq!(known_api.status, unknown_api.status);
    assert_eq!(known_api.body, unknown_api.body);
    assert_eq!(known_api.stable_headers(), unknown_api.stable_headers());
    app.wait_until_outbox_is_empty().await;
    let recipients: Vec<_> = app
        .sink
        .messages()
        .iter()
        .map(|m| m.rcpt_to.clone())
        .collect();
    assert_eq!(recipients, vec![vec!["ada@example.com".to_owned()]; 2]);
}

async fn the_api_signs_in_with_a_working_session_cookie(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "ada's long password");
    let spa = app.browser();
    let asked = app
        .post_json(
            &spa,
            "/api/v1/magic-link",
            &json!({ "email": "ada@example.com" }),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let token = token_of(&app.nth_magic_link(1).await);

    // Act
    let verified = app
        .post_json(
            &spa,
            "/api/v1/magic-link/verify",
            &json!({ "token": token }),
        )
        .await;

    // Assert
    assert_eq!(verified.status(), StatusCode::OK);
    assert!(verified.headers().get("set-cookie").is_some());
    let body: serde_json::Value = verified.json().await.unwrap();
    assert_eq!(body, json!({ "user": { "email": "ada@example.com" } }));
    let account = app.account_page(&spa).await.expect("the cookie signs in");
    assert!(account.contains("ada@example.com"));
    let again = app
        .post_json(
            &app.new_client(),
            "/api/v1/magic-link/verify",
            &json!({ "token": token }),
        )
        .await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = again.json().await.unwrap();
    assert_eq!(body["error"], "invalid_or_expired_link");
    let notice = app.wait_for_mail(2).await.remove(1);
    assert!(notice.header("subject").unwrap().contains("New sign-in"));
}

async fn with_same_browser_links_only_the_asking_browser_can_sign_in(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("tokens.magic_link_same_browser", true))
    })
    .await
    else {
        return;
    };
    app.create_user("ada@example.com", "ada's long password");
    let asking = app.browser();
    let form = app.get(&asking, "/magic-link").await.text().await.unwrap();
    assert!(form.contains("Open the link in this browser"), "{form}");
    let link = app.mailed_magic_link(&asking, "ada@example.com", 1).await;
    assert!(link.contains("&browser="), "{link}");
    let untagged = link.split("&browser=").next().unwrap().to_owned();

    // Act: another browser tries the page, the button and the API.
    let other = app.browser();
    app.request_magic_link(&other, "someone@example.com").await;
    let other_page = app.open_link(&other, &link).await;
    let other_status = other_page.status();
    let other_html = other_page.text().await.unwrap();
    // A link without its tag is refused.
    let untagged_in_asking = app.open_link(&asking, &untagged).await;
    let asking_page = app.open_link(&asking, &link).await.text().await.unwrap();
    let tag = tag_of(&link);
    let other_clean = app.get(&other, "/magic-link/verify").await;
    let other_csrf = app.csrf(&other, "/magic-link").await;
    let other_post = app
        .post_form(
            &other,
            "/magic-link/verify",
            &[
                ("token", &token_of(&link)),
                ("browser", &tag),
                ("csrf_token", &other_csrf),
            ],
        )
        .await;
    let other_api = app
        .post_json(
            &other,
            "/api/v1/magic-link/verify",
            &json!({ "token": token_of(&link), "browser": tag }),
        )
        .await;

    // Assert: refused elsewhere with a plain explanation; works where asked.
    assert_eq!(other_status, StatusCode::BAD_REQUEST);
    assert!(other_html.contains("Open this link in the browser where you asked for it"));
    assert_eq!(
        other_clean.status(),
        StatusCode::BAD_REQUEST,
        "nothing held"
    );
    assert_eq!(other_post.status(), StatusCode::BAD_REQUEST);
    assert_eq!(other_api.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = other_api.json().await.unwrap();
    assert_eq!(body["error"], "other_browser");
    assert_eq!(untagged_in_asking.status(), StatusCode::BAD_REQUEST);
    assert!(app.account_page(&other).await.is_none());
    let signed_in = app.press_sign_in(&asking, &asking_page).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert!(app.account_page(&asking).await.is_some());
}

/// The `browser` tag of a same-browser link.
fn tag_of(link: &str) -> String {
    let url = reqwest::Url::parse(link).unwrap();
    url.query_pairs()
        .find(|(key, _)| key == "browser")
        .map(|(_, value)| value.into_owned())
        .expect("browser tag in link")
}
