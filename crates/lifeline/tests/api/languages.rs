//! Pages in the reader's language: `Accept-Language`, the switch kept in the session,
//! right-to-left Arabic, and refusals that change nothing.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_LANGUAGE};
use storage::Backend;

use crate::helpers::{csrf_in, spawn_app};
use crate::on_every_backend;

on_every_backend!(
    accept_language_chooses_the_page_language_with_fallback_to_the_language,
    a_malformed_accept_language_never_fails_a_page,
    the_switch_sticks_across_requests_and_beats_the_header,
    an_unknown_language_in_the_switch_is_a_400_that_changes_nothing,
    arabic_pages_are_right_to_left,
    error_pages_speak_the_chosen_language,
    the_chosen_language_survives_signing_in,
    the_chosen_language_survives_signing_out_and_nothing_else_does,
);

async fn accept_language_chooses_the_page_language_with_fallback_to_the_language(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };

    for (accept, lang, heading) in [
        ("de-AT", "de", "Passwort vergessen?"),
        ("ja, fr-CA;q=0.8, de;q=0.5", "fr", "Mot de passe oublié ?"),
        ("es;q=0.2, it", "es", "¿Olvidó su contraseña?"),
        ("ja", "en", "Forgot your password?"),
    ] {
        // Act
        let page = app
            .get(&app.client_speaking(accept), "/password/forgot")
            .await;

        // Assert
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(page.headers()[CONTENT_LANGUAGE], lang, "{accept}");
        let html = page.text().await.unwrap();
        assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{accept}");
        assert!(html.contains(heading), "{accept}: {html}");
    }
}

async fn a_malformed_accept_language_never_fails_a_page(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let long = "x-".repeat(4000);

    for accept in [";;;", "de;q=2", "*;q=x", "🙂", "de-", &long, "q=1,,,,,"] {
        // Act
        let page = app
            .new_client()
            .get(app.url("/login"))
            .header(ACCEPT_LANGUAGE, accept.as_bytes())
            .send()
            .await
            .unwrap();

        // Assert
        assert_eq!(page.status(), StatusCode::OK, "{accept}");
    }
}

async fn the_switch_sticks_across_requests_and_beats_the_header(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let client = app.client_speaking("fr");

    // Act
    let switched = app
        .get(&client, "/language?lang=de&next=/password/forgot")
        .await;
    let forgot = app.get(&client, "/password/forgot").await;
    let login = app.get(&client, "/login").await;

    // Assert
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    assert_eq!(switched.headers()["location"], "/password/forgot");
    assert_eq!(forgot.headers()[CONTENT_LANGUAGE], "de");
    assert!(forgot.text().await.unwrap().contains("Passwort vergessen?"));
    let login = login.text().await.unwrap();
    assert!(login.contains("<h1>Anmelden</h1>"), "{login}");
    assert!(
        login.contains("href=\"/language?lang=fr&amp;next=%2Flogin\""),
        "the switch offers the other languages and comes back here: {login}"
    );
}

async fn an_unknown_language_in_the_switch_is_a_400_that_changes_nothing(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let client = app.client_speaking("es");
    app.get(&client, "/language?lang=fr").await;

    for query in [
        "lang=tlh",
        "lang=de%0d%0a",
        "lang=",
        "next=/login",
        "lang=EN-us",
    ] {
        // Act
        let refused = app.get(&client, &format!("/language?{query}")).await;

        // Assert
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(refused.headers()[CONTENT_LANGUAGE], "fr", "{query}");
    }
    let page = app.get(&client, "/login").await;
    assert_eq!(page.headers()[CONTENT_LANGUAGE], "fr", "the choice stands");
}

async fn arabic_pages_are_right_to_left(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };

    // Act
    let page = app.get(&app.client_speaking("ar-EG"), "/magic-link").await;

    // Assert
    assert_eq!(page.headers()[CONTENT_LANGUAGE], "ar");
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
    assert!(html.contains("تسجيل الدخول برابط"), "{html}");
}

async fn error_pages_speak_the_chosen_language(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };

    // Act
    let missing = app.get(&app.client_speaking("es"), "/no/such/page").await;
    let as_text = app
        .client_speaking("de")
        .post(app.url("/login"))
        .header(reqwest::header::CONTENT_TYPE, "text/plain")
        .body("email=ada%40example.com")
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.headers()[CONTENT_LANGUAGE], "es");
    let html = missing.text().await.unwrap();
    assert!(html.contains("Aquí no hay nada."), "{html}");
    assert!(html.contains("<h1>No encontrado</h1>"), "{html}");
    assert_eq!(as_text.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let html = as_text.text().await.unwrap();
    assert!(
        html.contains("Senden Sie das Formular als application/x-www-form-urlencoded"),
        "{html}"
    );
}

async fn the_chosen_language_survives_signing_in(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "a long password for ada");
    let client = app.new_client();
    app.get(&client, "/language?lang=ar").await;
    let csrf = app.csrf(&client, "/login").await;

    // Act
    let signed_in = app
        .post_form(
            &client,
            "/login",
            &[
                ("email", "ada@example.com"),
                ("password", "a long password for ada"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    let account = app.get(&client, "/account").await;

    // Assert
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(account.status(), StatusCode::OK);
    assert_eq!(account.headers()[CONTENT_LANGUAGE], "ar");
}

async fn the_chosen_language_survives_signing_out_and_nothing_else_does(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "a long password for ada");
    let client = app.new_client();
    app.get(&client, "/language?lang=es").await;
    app.sign_in_with_password(&client, "ada@example.com", "a long password for ada")
        .await;
    let csrf = app.csrf(&client, "/account").await;

    // Act
    let signed_out = app
        .post_form(&client, "/logout", &[("csrf_token", &csrf)])
        .await;
    let account = app.get(&client, "/account").await;
    let login = app.get(&client, "/login").await;

    // Assert
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    assert_eq!(account.status(), StatusCode::SEE_OTHER, "signed out");
    assert_eq!(login.headers()[CONTENT_LANGUAGE], "es");
    let html = login.text().await.unwrap();
    assert_ne!(
        csrf_in(&html).as_deref(),
        Some(csrf.as_str()),
        "a new CSRF token"
    );
}
