//! Branding and template overrides as an operator sets them up, seen in the
//! browser and in the mail; and screenshots of the default look.

use serde_json::json;

use crate::chrome::Options;
use crate::helpers::mail_parts;
use crate::steps::{Screenshots, ask_for_reset_link, browser_and_app, choose_password};

const LOGO: &str = "https://id.acme.test/logo.png";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_brands_pages_and_mails_and_overrides_templates_without_rebuilding() {
    // Arrange: branding, plus one page and one email template replaced by
    // files in the operator's directories.
    let pages_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        pages_dir.path().join("check_inbox.html.tera"),
        r#"{% extends "layout.html.tera" %}{% block title %}Mail on its way{% endblock title %}
{% block content %}<h1>Mail on its way</h1><p>Sent by {{ brand.product_name }}.</p>{% endblock content %}"#,
    )
    .unwrap();
    let mail_dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(mail_dir.path().join("password_reset")).unwrap();
    std::fs::write(
        mail_dir.path().join("password_reset/subject.txt.tera"),
        "Your {{ product_name }} reset link, as requested",
    )
    .unwrap();
    let (pages, mails) = (pages_dir.path().to_owned(), mail_dir.path().to_owned());
    let Some((browser, app)) = browser_and_app(Options::default(), move |f| {
        f.merge(("branding.product_name", "Acme ID"))
            .merge(("branding.logo_url", LOGO))
            .merge(("branding.accent_color", "#0f766e"))
            .merge(("branding.support_email", "help@acme.test"))
            .merge(("branding.templates_dir", pages.to_str().unwrap()))
            .merge(("mail.templates_dir", mails.to_str().unwrap()))
    })
    .await
    else {
        return;
    };

    // Act
    browser.open(&app.url("/password/forgot")).await;
    let title = browser.client.title().await.unwrap();
    let header = browser.text_of("header").await;
    let logo = browser
        .eval("return document.querySelector('header img').src;")
        .await;
    let button_colour = browser
        .eval("return getComputedStyle(document.querySelector('button')).backgroundColor;")
        .await;
    let footer = browser.text_of("footer").await;
    browser.type_into("Email address", "ada@example.com").await;
    browser.press("Send me a link").await;
    let overridden_heading = browser.heading().await;
    let overridden_text = browser.page_text().await;
    let mail = app.wait_for_mail(1).await.remove(0);

    // Assert: the page shows the brand and the overriding template.
    assert_eq!(title, "Forgot your password? · Acme ID");
    assert_eq!(header, "Acme ID");
    assert_eq!(logo, json!(LOGO));
    assert_eq!(button_colour, json!("rgb(15, 118, 110)"));
    assert_eq!(
        footer.lines().next(),
        Some("Need help? Write to help@acme.test."),
        "the help line comes first, the language switch after it"
    );
    assert_eq!(overridden_heading, "Mail on its way");
    assert!(
        overridden_text.contains("Sent by Acme ID."),
        "{overridden_text}"
    );
    // Assert: so does the mail, with its overridden subject.
    assert_eq!(
        mail.header("subject").as_deref(),
        Some("Your Acme ID reset link, as requested")
    );
    let (text, html) = mail_parts(&mail);
    assert!(text.contains("your Acme ID account"), "{text}");
    assert!(text.contains("help@acme.test"), "{text}");
    assert!(html.contains(LOGO), "{html}");
    assert!(html.contains("background-color:#0f766e"), "{html}");
    assert!(html.contains("mailto:help@acme.test"), "{html}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reset_mail_reads_well_in_a_browser_and_its_button_works() {
    // Arrange
    let Some((mut browser, app)) = browser_and_app(Options::default(), |f| f).await else {
        return;
    };
    let shots = Screenshots::new();
    ask_for_reset_link(&browser, &app, 1).await;
    let mail = app.wait_for_mail(1).await.remove(0);
    let (_, html) = mail_parts(&mail);
    let file = shots.dir().join("reset-mail.html");
    // The links point at the configured public URL; point them at this app.
    let html = html.replace(crate::helpers::PUBLIC_URL, &app.address);
    std::fs::write(&file, html).unwrap();

    // Act
    browser.open(&format!("file://{}", file.display())).await;
    browser.screenshot(shots.dir(), "mail-reset").await;
    let heading = browser.heading().await;
    browser.resize(320).await;
    let overflow = browser
        .eval("return document.documentElement.scrollWidth - window.innerWidth;")
        .await;
    browser.screenshot(shots.dir(), "320-mail-reset").await;
    browser.resize(1024).await;
    browser.follow("Choose a new password").await;

    // Assert: readable, fits a phone, and the button leads to the form.
    assert_eq!(heading, "Reset your password");
    assert!(overflow.as_i64().unwrap() <= 0, "the mail scrolls sideways");
    assert_eq!(browser.heading().await, "Choose a new password");
    choose_password(&browser, "a good new passphrase", "a good new passphrase").await;
    assert_eq!(browser.path().await, "/login");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshots_of_the_default_look() {
    // Arrange
    let Some((browser, app)) = browser_and_app(Options::default(), |f| f).await else {
        return;
    };
    let shots = Screenshots::new();

    // Act: the pages a person sees on a desktop.
    for (path, name) in [
        ("/login", "login"),
        ("/password/forgot", "forgot"),
        ("/password/reset?token=lr1_nonsense", "link-invalid"),
    ] {
        browser.open(&app.url(path)).await;
        browser.screenshot(shots.dir(), name).await;
    }
    let link = ask_for_reset_link(&browser, &app, 1).await;
    browser.screenshot(shots.dir(), "check-inbox").await;
    browser.open(&link).await;
    choose_password(&browser, "password1", "password1").await;
    browser.screenshot(shots.dir(), "reset-error").await;

    // Assert: the card is centred with room on both sides, and an error is
    // shown in the error colour.
    let card = browser
        .eval(
            "const r = document.querySelector('main').getBoundingClientRect();
             return [Math.round(r.left), Math.round(window.innerWidth - r.right)];",
        )
        .await;
    assert_eq!(card[0], card[1], "{card}");
    assert!(card[0].as_i64().unwrap() > 100, "{card}");
    let error_colour = browser
        .eval("return getComputedStyle(document.querySelector('.error')).color;")
        .await;
    assert_eq!(error_colour, json!("rgb(185, 28, 28)"));
    assert!(
        std::fs::read_dir(shots.dir()).unwrap().count() >= 5,
        "screenshots were written"
    );
    browser.close().await;
}
