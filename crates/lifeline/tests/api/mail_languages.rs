//! Mail in the reader's language: the language of the request that caused it, else the
//! account's last language, else the default; times and lifetimes in that language's words.

use lifeline::ops::{Accounts, Actor};
use reqwest::StatusCode;
use storage::{Backend, EmailAddress};

use crate::helpers::{TestApp, link_in, mail_parts, spawn_app};
use crate::on_every_backend;

on_every_backend!(
    a_reset_asked_for_in_german_is_mailed_in_german,
    a_magic_link_and_its_sign_in_notice_speak_the_requests_language,
    a_password_set_by_an_operator_is_announced_in_the_accounts_last_language,
    an_account_with_no_language_yet_gets_the_default,
    arabic_mail_is_right_to_left,
    a_strangers_link_request_does_not_change_the_accounts_language,
);

const ADA: &str = "ada@example.com";
const PASSWORD: &str = "a long password for ada";

/// The decoded subject of a received mail (a non-ASCII subject is sent encoded).
fn subject(message: &mail::sink::ReceivedMessage) -> String {
    let parsed = mailparse::parse_mail(&message.data).expect("mail parses");
    mailparse::MailHeaderMap::get_first_value(&parsed.headers[..], "Subject").expect("a subject")
}

async fn operator(app: &TestApp) -> Accounts {
    let db = lifeline::ops::connect_database(&app.settings)
        .await
        .unwrap();
    Accounts::new(&app.settings, db).unwrap()
}

async fn set_password_by_operator(app: &TestApp) {
    let hasher = lifeline::ops::password_hasher(&app.settings).unwrap();
    let password = lifeline::Password::new("an operator's new passphrase".into());
    operator(app)
        .await
        .set_password(
            EmailAddress::parse(ADA).unwrap(),
            &password,
            &hasher,
            &Actor::Operator,
            app.now(),
        )
        .unwrap();
}

async fn a_reset_asked_for_in_german_is_mailed_in_german(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let browser = app.client_speaking("de-AT, en;q=0.5");

    // Act
    let asked = app.request_reset(&browser, ADA).await;
    let mail = app.wait_for_mail(1).await.remove(0);

    // Assert
    assert_eq!(asked.status(), StatusCode::OK);
    let (text, html) = mail_parts(&mail);
    assert!(
        subject(&mail).contains("zurücksetzen"),
        "{}",
        subject(&mail)
    );
    assert!(text.contains("Passwort zurücksetzen"), "{text}");
    assert!(text.contains("Minuten"), "lifetime in German: {text}");
    assert!(text.contains(" UTC"), "the zone is named: {text}");
    assert!(html.contains("<html lang=\"de\" dir=\"ltr\">"), "{html}");
    assert_eq!(mail.header("content-language").as_deref(), Some("de"));
    assert!(!text.contains("Reset your password"), "{text}");
    // The link works as any other.
    link_in(&app, &mail, "/password/reset?token=lr1_");
}

async fn a_magic_link_and_its_sign_in_notice_speak_the_requests_language(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let browser = app.client_speaking("fr-CA");

    // Act
    app.request_magic_link(&browser, ADA).await;
    let link = link_in(
        &app,
        &app.wait_for_mail(1).await[0],
        "/magic-link/verify?token=",
    );
    let page = app.open_link(&browser, &link).await.text().await.unwrap();
    let signed_in = app.press_sign_in(&browser, &page).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER, "{page}");
    let mails = app.wait_for_mail(2).await;

    // Assert
    let (link_text, _) = mail_parts(&mails[0]);
    let (notice_text, _) = mail_parts(&mails[1]);
    assert!(
        subject(&mails[0]).contains("lien de connexion"),
        "{}",
        subject(&mails[0])
    );
    assert!(link_text.contains("minutes"), "{link_text}");
    assert!(
        subject(&mails[1]).contains("connexion"),
        "{}",
        subject(&mails[1])
    );
    assert!(notice_text.contains("Navigateur"), "{notice_text}");
}

async fn a_password_set_by_an_operator_is_announced_in_the_accounts_last_language(
    backend: Backend,
) {
    // Arrange: Ada last signed in speaking Spanish.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let browser = app.client_speaking("es");
    let signed_in = app.sign_in_with_password(&browser, ADA, PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);

    // Act: no request of hers causes this mail.
    set_password_by_operator(&app).await;
    let mail = app.wait_for_mail(1).await.remove(0);

    // Assert
    let (text, html) = mail_parts(&mail);
    assert!(subject(&mail).contains("contraseña"), "{}", subject(&mail));
    assert!(html.contains("<html lang=\"es\""), "{html}");
    assert!(text.contains(" de 20"), "a Spanish date: {text}");
}

async fn an_account_with_no_language_yet_gets_the_default(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);

    // Act
    set_password_by_operator(&app).await;
    let mail = app.wait_for_mail(1).await.remove(0);

    // Assert
    assert!(
        subject(&mail).contains("password was changed"),
        "{}",
        subject(&mail)
    );
    let (_, html) = mail_parts(&mail);
    assert!(html.contains("<html lang=\"en\" dir=\"ltr\">"), "{html}");
}

async fn arabic_mail_is_right_to_left(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let browser = app.client_speaking("ar-EG");

    // Act
    app.request_reset(&browser, ADA).await;
    let mail = app.wait_for_mail(1).await.remove(0);

    // Assert
    let (text, html) = mail_parts(&mail);
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
    assert!(
        html.contains("lang=\"ar\" dir=\"rtl\" style="),
        "the article too: {html}"
    );
    assert!(text.contains("كلمة المرور"), "{text}");
    assert!(!text.contains("minutes"), "{text}");
}

async fn a_strangers_link_request_does_not_change_the_accounts_language(backend: Backend) {
    // Arrange: Ada last signed in speaking Spanish.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let browser = app.client_speaking("es");
    app.sign_in_with_password(&browser, ADA, PASSWORD).await;

    // Act: anyone may ask for a link for her address, in any language.
    app.request_reset(&app.client_speaking("ar"), ADA).await;
    let asked = app.wait_for_mail(1).await.remove(0);
    set_password_by_operator(&app).await;
    let notice = app.wait_for_mail(2).await.remove(1);

    // Assert: the link speaks the request's language; what follows, hers.
    assert!(mail_parts(&asked).1.contains("<html lang=\"ar\""));
    assert!(
        subject(&notice).contains("contraseña"),
        "{}",
        subject(&notice)
    );
}
