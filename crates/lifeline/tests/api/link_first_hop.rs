//! The first hop of the magic-link and "this wasn't me" links, like the reset
//! link's: the token moves into the session and the browser goes on to the
//! clean URL, so the token never stays in the address bar, the history or a
//! `Referer`. GET and HEAD never use a link; the button's POST takes it from the
//! session.

use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use storage::Backend;

use crate::helpers::{TestApp, csrf_in, link_in, spawn_app, spawn_app_with, token_of};
use crate::on_every_backend;
use crate::sign_in_steps::hidden_field;

const ADA: &str = "ada@example.com";
const PASSWORD: &str = "ada's long password";
const MAGIC: &str = "/magic-link/verify";
const NOT_ME: &str = "/password/not-me";
const RESET: &str = "/password/reset";

on_every_backend!(
    magic_and_not_me_links_leave_the_address_bar_at_the_first_hop,
    a_used_or_forged_link_gets_the_400_page_at_either_hop,
    a_browser_that_refuses_cookies_gets_one_redirect_and_a_clear_page,
    links_of_each_purpose_are_held_side_by_side,
    a_page_left_open_does_not_act_on_a_link_another_tab_opened_since,
    with_same_browser_links_the_first_hop_holds_the_tag_and_the_binding_holds,
    page_overrides_that_still_post_the_token_keep_working,
    a_reset_form_left_open_does_not_set_the_password_of_a_newer_link,
);

/// A browser as a person has one: keeps cookies and follows redirects, so its
/// final URL is what the address bar (and the history) shows.
fn following_browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::limited(5))
        .build()
        .unwrap()
}

/// Asks for a sign-in link for `email` in `browser`; returns the `nth` sign-in
/// link and the "this wasn't me" link of the same mail.
async fn mailed_links(
    app: &TestApp,
    browser: &Client,
    email: &str,
    nth: usize,
) -> (String, String) {
    let asked = app.request_magic_link(browser, email).await;
    assert_eq!(asked.status(), StatusCode::OK);
    let magic = app.nth_magic_link(nth).await;
    let mail = app
        .sink
        .messages()
        .into_iter()
        .find(|mail| {
            crate::helpers::mail_parts(mail)
                .0
                .contains(&token_of(&magic))
        })
        .unwrap();
    (magic, link_in(app, &mail, "/password/not-me?token="))
}

async fn magic_and_not_me_links_leave_the_address_bar_at_the_first_hop(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let (magic, not_me) = mailed_links(&app, &app.browser(), ADA, 1).await;

    // Act + Assert: a mail scanner fetches both links and their clean pages,
    // again and again; every first hop is a redirect to the clean URL.
    let scanner = app.new_client();
    for (link, clean) in [(&magic, MAGIC), (&not_me, NOT_ME)] {
        for _ in 0..5 {
            for hop in [scanner.get(link), scanner.head(link)] {
                let hop = hop.send().await.unwrap();
                assert_eq!(hop.status(), StatusCode::SEE_OTHER, "{clean}");
                assert_eq!(hop.headers()["location"], clean);
                assert_eq!(hop.headers()["referrer-policy"], "no-referrer");
            }
            assert_eq!(app.get(&scanner, clean).await.status(), StatusCode::OK);
            let head = scanner.head(app.url(clean)).send().await.unwrap();
            assert_eq!(head.status(), StatusCode::OK, "{clean}");
        }
    }

    // Act: a person opens the sign-in link and presses the button.
    let person = following_browser();
    let page = person.get(&magic).send().await.unwrap();
    let (url, page) = (page.url().clone(), page.text().await.unwrap());
    let signed_in = person
        .post(app.url(MAGIC))
        .form(&[
            ("link", hidden_field(&page, "link").unwrap()),
            ("csrf_token", csrf_in(&page).unwrap()),
        ])
        .send()
        .await
        .unwrap();

    // Assert: the address bar never showed the token, nor did the page.
    assert_eq!((url.path(), url.query()), (MAGIC, None));
    assert!(
        !page.contains(&token_of(&magic)),
        "the page repeats the token"
    );
    assert!(page.contains(ADA), "{page}");
    assert_eq!(signed_in.url().path(), "/account");
    assert!(signed_in.text().await.unwrap().contains(ADA));

    // Act: the owner opens "this wasn't me" and locks the account down.
    let owner = following_browser();
    let page = owner.get(&not_me).send().await.unwrap();
    let (url, page) = (page.url().clone(), page.text().await.unwrap());
    let locked = owner
        .post(app.url(NOT_ME))
        .form(&[
            ("link", hidden_field(&page, "link").unwrap()),
            ("csrf_token", csrf_in(&page).unwrap()),
        ])
        .send()
        .await
        .unwrap();

    // Assert: a clean address bar, and the lock-down signed the person out.
    assert_eq!((url.path(), url.query()), (NOT_ME, None));
    assert!(
        !page.contains(&token_of(&not_me)),
        "the page repeats the token"
    );
    assert_eq!(locked.status(), StatusCode::OK);
    assert_eq!(locked.url().path(), NOT_ME);
    assert!(
        locked
            .text()
            .await
            .unwrap()
            .contains("reset and sign-in links")
    );
    let account = person.get(app.url("/account")).send().await.unwrap();
    assert_eq!(account.url().path(), "/login", "signed out everywhere");
}

async fn a_used_or_forged_link_gets_the_400_page_at_either_hop(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let browser = app.browser();
    let (magic, not_me) = mailed_links(&app, &browser, ADA, 1).await;
    let forge = |link: &str| {
        let token = token_of(link);
        let last = if token.ends_with('A') { "B" } else { "A" };
        let forged = format!("{}{last}", &token[..token.len() - 1]);
        link.replace(&token, &forged)
    };

    // Act + Assert: forged links are refused at the first hop, and nothing is held.
    for (link, clean) in [(&magic, MAGIC), (&not_me, NOT_ME)] {
        let forged = browser.get(forge(link)).send().await.unwrap();
        assert_link_refused(forged).await;
        assert_link_refused(app.get(&browser, clean).await).await;
    }

    // Act: both links are used.
    let signed_in = app.confirm_magic_link(&browser, &magic).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let owner = app.new_client();
    let page = app.open_link(&owner, &not_me).await.text().await.unwrap();
    let locked = app.press_confirm(&owner, NOT_ME, &page).await;
    assert_eq!(locked.status(), StatusCode::OK);

    // Assert: used links are refused at the first hop, the clean page and the button.
    for (link, clean) in [(&magic, MAGIC), (&not_me, NOT_ME)] {
        let again = app.new_client();
        assert_link_refused(again.get(link).send().await.unwrap()).await;
        assert_link_refused(app.get(&again, clean).await).await;
    }
    assert_link_refused(app.get(&owner, NOT_ME).await).await;
    let pressed_again = app.press_confirm(&owner, NOT_ME, &page).await;
    assert_link_refused(pressed_again).await;
}

/// The 400 "this link doesn't work" page.
async fn assert_link_refused(response: reqwest::Response) {
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "{}",
        response.url()
    );
    let html = response.text().await.unwrap();
    assert!(html.contains("This link doesn"), "{html}");
}

async fn a_browser_that_refuses_cookies_gets_one_redirect_and_a_clear_page(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let (magic, not_me) = mailed_links(&app, &app.browser(), ADA, 1).await;
    let reset = app.mailed_reset_link(ADA, 2).await;
    let no_cookies = Client::builder().redirect(Policy::none()).build().unwrap();

    for (link, clean) in [(&magic, MAGIC), (&not_me, NOT_ME), (&reset, RESET)] {
        // Act: the first hop, then the clean URL without the session cookie.
        let first = no_cookies.get(link).send().await.unwrap();
        let landed = app.get(&no_cookies, clean).await;

        // Assert: one redirect, then the page that says the link does not work
        // here (with a way to ask again), not another redirect.
        assert_eq!(first.status(), StatusCode::SEE_OTHER, "{clean}");
        assert_eq!(first.headers()["location"], clean);
        assert_link_refused(landed).await;
    }
    // The links themselves were not used up.
    let browser = app.browser();
    assert_eq!(
        app.open_link(&browser, &magic).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.open_link(&browser, &not_me).await.status(),
        StatusCode::OK
    );
}

async fn links_of_each_purpose_are_held_side_by_side(backend: Backend) {
    // Arrange: one browser opens a reset link, a sign-in link and a not-me link.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let reset = app.mailed_reset_link(ADA, 1).await;
    let browser = app.browser();
    let (magic, not_me) = mailed_links(&app, &browser, ADA, 1).await;

    // Act
    app.open_reset_link(&browser, &reset).await;
    for link in [&magic, &not_me] {
        let hop = browser.get(link).send().await.unwrap();
        assert_eq!(hop.status(), StatusCode::SEE_OTHER);
    }
    let reset_form = app.get(&browser, RESET).await;
    let not_me_page = app.get(&browser, NOT_ME).await;
    let magic_page = app.get(&browser, MAGIC).await;

    // Assert: each page still has its own link; the sign-in works.
    assert_eq!(reset_form.status(), StatusCode::OK);
    assert!(
        reset_form
            .text()
            .await
            .unwrap()
            .contains("Choose a new password")
    );
    assert_eq!(not_me_page.status(), StatusCode::OK);
    assert!(
        not_me_page
            .text()
            .await
            .unwrap()
            .contains("Cancel the links and lock my account")
    );
    assert_eq!(magic_page.status(), StatusCode::OK);
    let html = magic_page.text().await.unwrap();
    let signed_in = app.press_sign_in(&browser, &html).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert!(app.account_page(&browser).await.is_some());
}

async fn a_page_left_open_does_not_act_on_a_link_another_tab_opened_since(backend: Backend) {
    // Arrange: one browser asks for sign-in links for two accounts and opens
    // each in its own tab.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    app.create_user("bob@example.com", "bob's long password");
    let browser = app.browser();
    let (for_ada, _) = mailed_links(&app, &browser, ADA, 1).await;
    let (for_bob, _) = mailed_links(&app, &browser, "bob@example.com", 2).await;
    let ada_tab = app
        .open_link(&browser, &for_ada)
        .await
        .text()
        .await
        .unwrap();
    let bob_tab = app
        .open_link(&browser, &for_bob)
        .await
        .text()
        .await
        .unwrap();
    assert!(ada_tab.contains(ADA) && bob_tab.contains("bob@example.com"));

    // Act: the person presses "Sign in" in the older tab.
    let stale = app.press_sign_in(&browser, &ada_tab).await;

    // Assert: nothing happens; the answer shows the link the browser now holds.
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let html = stale.text().await.unwrap();
    assert!(
        html.contains("Another link was opened in this browser"),
        "{html}"
    );
    assert!(
        html.contains("bob@example.com") && !html.contains(ADA),
        "{html}"
    );
    assert!(
        app.account_page(&browser).await.is_none(),
        "nobody signed in"
    );

    // Act + Assert: pressing on that page signs in as shown; ada's link is still live.
    let signed_in = app.press_sign_in(&browser, &html).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let account = app.account_page(&browser).await.unwrap();
    assert!(account.contains("bob@example.com"), "{account}");
    let ada_again = app.open_link(&app.browser(), &for_ada).await;
    assert_eq!(ada_again.status(), StatusCode::OK);
}

async fn with_same_browser_links_the_first_hop_holds_the_tag_and_the_binding_holds(
    backend: Backend,
) {
    // Arrange
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("tokens.magic_link_same_browser", true))
    })
    .await
    else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let asking = app.browser();
    let (link, _) = mailed_links(&app, &asking, ADA, 1).await;
    assert!(link.contains("&browser="), "{link}");

    // Act
    let other = app.browser();
    let other_hop = other.get(&link).send().await.unwrap();
    let other_page = app.get(&other, MAGIC).await;
    let other_status = other_page.status();
    let other_html = other_page.text().await.unwrap();
    let other_pressed = app
        .post_form(
            &other,
            MAGIC,
            &[
                ("link", ""),
                ("csrf_token", &app.csrf(&other, "/login").await),
            ],
        )
        .await;
    let asking_hop = asking.get(&link).send().await.unwrap();
    let asking_page = app.get(&asking, MAGIC).await.text().await.unwrap();

    // Assert: the other browser also leaves the token at the first hop, then
    // is told where to open the link, and cannot use it.
    for hop in [&other_hop, &asking_hop] {
        assert_eq!(hop.status(), StatusCode::SEE_OTHER);
        assert_eq!(hop.headers()["location"], MAGIC);
    }
    assert_eq!(other_status, StatusCode::BAD_REQUEST);
    assert!(other_html.contains("Open this link in the browser where you asked for it"));
    assert_eq!(other_pressed.status(), StatusCode::BAD_REQUEST);
    assert!(hidden_field(&asking_page, "browser").is_none());
    let signed_in = app.press_sign_in(&asking, &asking_page).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert!(app.account_page(&other).await.is_none());
    assert!(app.account_page(&asking).await.is_some());
}

/// The confirmation forms as pages rendered them before the forms named their
/// link: they posted the token (and a magic link's tag) themselves.
const OLD_MAGIC_PAGE: &str = r#"<form method="post" action="{{ base }}/magic-link/verify">
<input type="hidden" name="csrf_token" value="{{ csrf_token }}">
<input type="hidden" name="token" value="{{ token }}">
{% if browser %}<input type="hidden" name="browser" value="{{ browser }}">{% endif %}
</form>"#;
const OLD_NOT_ME_PAGE: &str = r#"<form method="post" action="{{ base }}/password/not-me">
<input type="hidden" name="csrf_token" value="{{ csrf_token }}">
<input type="hidden" name="token" value="{{ token }}">
</form>"#;

async fn page_overrides_that_still_post_the_token_keep_working(backend: Backend) {
    // Arrange: an operator's overrides copied from the older pages.
    let pages = tempfile::tempdir().unwrap();
    std::fs::write(
        pages.path().join("magic_link_verify.html.tera"),
        OLD_MAGIC_PAGE,
    )
    .unwrap();
    std::fs::write(pages.path().join("not_me.html.tera"), OLD_NOT_ME_PAGE).unwrap();
    let dir = pages.path().to_str().unwrap().to_owned();
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("branding.templates_dir", dir))
            .merge(("tokens.magic_link_same_browser", true))
    })
    .await
    else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let browser = app.browser();
    let (magic, not_me) = mailed_links(&app, &browser, ADA, 1).await;

    // Act: the old forms, as the browser would submit them.
    let submit = |path: &'static str, html: String| {
        let fields: Vec<(String, String)> = ["csrf_token", "token", "browser"]
            .into_iter()
            .filter_map(|name| Some((name.to_owned(), hidden_field(&html, name)?)))
            .collect();
        app.browser_post(&browser, path, fields)
    };
    let page = app.open_link(&browser, &magic).await.text().await.unwrap();
    let signed_in = submit(MAGIC, page).await;
    let page = app.open_link(&browser, &not_me).await.text().await.unwrap();
    let locked = submit(NOT_ME, page).await;

    // Assert
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()["location"], "/account");
    assert_eq!(locked.status(), StatusCode::OK);
    assert!(app.account_page(&browser).await.is_none(), "locked down");
}

impl TestApp {
    /// POSTs `fields` as a form from `client`.
    async fn browser_post(
        &self,
        client: &Client,
        path: &str,
        fields: Vec<(String, String)>,
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .form(&fields)
            .send()
            .await
            .unwrap()
    }
}

async fn a_reset_form_left_open_does_not_set_the_password_of_a_newer_link(backend: Backend) {
    // Arrange: one browser opens reset links for two accounts, one per tab.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let bob = "bob@example.com";
    app.create_user(ADA, PASSWORD);
    app.create_user(bob, "bob's long password");
    let for_ada = app.mailed_reset_link(ADA, 1).await;
    let for_bob = app.mailed_reset_link(bob, 2).await;
    let browser = app.browser();
    app.open_reset_link(&browser, &for_ada).await;
    let ada_tab = app.get(&browser, RESET).await.text().await.unwrap();
    app.open_reset_link(&browser, &for_bob).await;
    assert!(ada_tab.contains(ADA), "{ada_tab}");
    let new_password = "a brand new passphrase";
    let submit = |html: String| {
        let fields = [
            ("password", new_password.to_owned()),
            ("password_confirm", new_password.to_owned()),
            ("csrf_token", csrf_in(&html).unwrap()),
            ("link", hidden_field(&html, "link").unwrap()),
        ];
        let request = browser.post(app.url(RESET)).form(&fields);
        async move { request.send().await.unwrap() }
    };

    // Act: the person submits the older tab's form.
    let stale = submit(ada_tab).await;

    // Assert: no password changed; the answer is the form for bob's link.
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let html = stale.text().await.unwrap();
    assert!(
        html.contains("Another link was opened in this browser"),
        "{html}"
    );
    assert!(html.contains(bob) && !html.contains(ADA), "{html}");
    assert!(!app.password_works(ADA, new_password).await);
    assert!(!app.password_works(bob, new_password).await);

    // Act + Assert: the form as answered sets bob's password.
    let changed = submit(html).await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    assert!(app.password_works(bob, new_password).await);
}
