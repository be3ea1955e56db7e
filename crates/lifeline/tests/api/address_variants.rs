//! Another spelling of an address is the same account and gets mail only at
//! the address stored for it; a look-alike address is no account at all.

use reqwest::StatusCode;
use serde_json::json;
use storage::Backend;

use crate::helpers::{TestApp, spawn_app};
use crate::on_every_backend;
use crate::reset_steps::Observed;

/// Stored as typed: mail goes to exactly this address, case and all.
const STORED: &str = "Ada.Lovelace@example.com";
const PASSWORD: &str = "old password for ada";

on_every_backend!(
    case_variants_of_an_address_get_mail_only_at_the_stored_address,
    look_alike_addresses_get_no_mail_and_no_sign_in,
);

/// The four ways to ask for a link, each from a fresh browser.
async fn ask_everywhere(app: &TestApp, email: &str) -> Vec<(&'static str, Observed)> {
    let body = json!({ "email": email });
    let reset_page = app.request_reset(&app.new_client(), email).await;
    let magic_page = app.request_magic_link(&app.browser(), email).await;
    let reset_api = app
        .post_json(&app.new_client(), "/api/v1/password/forgot", &body)
        .await;
    let magic_api = app
        .post_json(&app.new_client(), "/api/v1/magic-link", &body)
        .await;
    vec![
        ("reset page", Observed::of(reset_page).await),
        ("magic-link page", Observed::of(magic_page).await),
        ("reset API", Observed::of(reset_api).await),
        ("magic-link API", Observed::of(magic_api).await),
    ]
}

fn accepted(observed: &Observed) -> bool {
    matches!(observed.status, StatusCode::OK | StatusCode::ACCEPTED)
}

async fn case_variants_of_an_address_get_mail_only_at_the_stored_address(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(STORED, PASSWORD);
    let variants = [
        "ada.lovelace@example.com",
        "ADA.LOVELACE@EXAMPLE.COM",
        "Ada.Lovelace@Example.Com",
        "  aDA.lOVELACE@example.COM  ",
        // Unicode space around the address is trimmed like an ASCII one.
        "\u{00A0}Ada.Lovelace@example.com\u{3000}",
    ];

    // Act
    let mut answers = Vec::new();
    for variant in variants {
        answers.extend(ask_everywhere(&app, variant).await);
    }
    let signed_in = app
        .sign_in_with_password(&app.new_client(), "ADA.LOVELACE@example.com", PASSWORD)
        .await;

    // Assert: every request was taken, and every mail went to the stored address.
    for (endpoint, answer) in &answers {
        assert!(accepted(answer), "{endpoint}: {}", answer.status);
    }
    app.wait_for_mail(answers.len()).await;
    app.drain_outbox().await;
    let mails = app.sink.messages();
    assert_eq!(mails.len(), answers.len(), "one mail per request");
    for mail in &mails {
        assert_eq!(mail.rcpt_to, vec![STORED.to_owned()]);
        let to = mail.header("to").expect("a To header");
        assert!(to.contains(STORED), "{to}");
    }
    assert_eq!(
        signed_in.status(),
        StatusCode::SEE_OTHER,
        "one account, any case"
    );
}

async fn look_alike_addresses_get_no_mail_and_no_sign_in(backend: Backend) {
    // Arrange: accounts whose addresses have Unicode look-alikes.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    for email in ["ada@example.com", "kim@example.com", "sam@example.com"] {
        app.create_user(email, PASSWORD);
    }
    let non_ascii = [
        "\u{0430}da@example.com",  // Cyrillic а
        "ada@ex\u{0430}mple.com",  // Cyrillic а in the domain
        "ada@examp\u{04CF}e.com",  // Cyrillic palochka for l
        "\u{FF41}da@example.com",  // fullwidth a
        "ada\u{FF20}example.com",  // fullwidth @
        "ada\u{200B}@example.com", // zero-width space
        "\u{202E}ada@example.com", // right-to-left override
        "a\u{0301}da@example.com", // combining accent
        "\u{212A}im@example.com",  // Kelvin sign, lower-cases to k
        "\u{017F}am@example.com",  // long s, upper-cases to S
        "ada\u{00A0}@example.com", // no-break space inside
        "ada@\u{0435}xample.com",  // Cyrillic е
    ];
    let other_ascii = [
        "ada@xn--exmple-cua.com", // the punycode of a look-alike domain
        "ada@example.co",
        "ada@example.com.evil.example",
        "ada+x@example.com",
    ];

    // Act
    let mut answers = Vec::new();
    for email in non_ascii.iter().chain(&other_ascii) {
        for (endpoint, answer) in ask_everywhere(&app, email).await {
            answers.push((*email, endpoint, answer));
        }
        let sign_in = app
            .sign_in_with_password(&app.new_client(), email, PASSWORD)
            .await;
        assert_eq!(sign_in.status(), StatusCode::UNAUTHORIZED, "{email:?}");
    }

    // Assert: non-ASCII is refused before anything is queued; other
    // addresses are taken like any unknown one; nobody gets mail.
    for (email, endpoint, answer) in &answers {
        let refused = answer.status == StatusCode::UNPROCESSABLE_ENTITY
            || answer.status == StatusCode::BAD_REQUEST;
        if non_ascii.contains(email) {
            assert!(refused, "{email:?} on the {endpoint}: {}", answer.status);
        } else {
            assert!(
                accepted(answer),
                "{email:?} on the {endpoint}: {}",
                answer.status
            );
        }
    }
    assert_eq!(
        app.row_counts().outbox,
        (other_ascii.len() * 4) as i64,
        "only the ASCII addresses were queued"
    );
    app.drain_outbox().await;
    assert!(app.sink.messages().is_empty(), "no mail to anyone");
}
