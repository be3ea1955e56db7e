//! The JSON API's errors in the client's language: the `message` follows `Accept-Language`
//! (and the language switch) exactly as pages do, `Content-Language` names the language,
//! and the `error` code stays the same English word whatever the language.

use reqwest::header::{CONTENT_LANGUAGE, RETRY_AFTER, WWW_AUTHENTICATE};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};
use storage::Backend;

use crate::admin_support::{ADMIN, Key, key};
use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::on_every_backend;
use crate::user_directory_operator::mapped_app;

on_every_backend!(
    every_shipped_language_says_the_api_errors_in_its_own_words,
    a_regional_language_falls_back_to_the_language_and_an_unknown_one_to_the_default,
    the_language_chosen_with_the_switch_speaks_for_the_api_too,
    admin_refusals_and_a_refused_password_speak_the_clients_language,
    the_directorys_refusals_name_the_table_and_the_setting_in_the_clients_language,
    an_accepted_link_request_says_so_in_the_clients_language,
);

/// What the shipped catalogs say for some errors, in one language.
struct Said {
    accept: &'static str,
    lang: &'static str,
    invalid_email: &'static str,
    no_endpoint: &'static str,
    key_required: &'static str,
    /// The 429 of the sign-in limit, whose wait is a quarter of an hour.
    too_many: &'static str,
}

const EVERY_LANGUAGE: [Said; 5] = [
    Said {
        accept: "en",
        lang: "en",
        invalid_email: "The email address is not valid.",
        no_endpoint: "There is no such endpoint.",
        key_required: "A valid API key is required: `Authorization: Bearer llk_…`.",
        too_many: "There were too many attempts in a short time, so this one was not tried. Try again in 15 minutes.",
    },
    Said {
        accept: "de",
        lang: "de",
        invalid_email: "Diese E-Mail-Adresse ist ungültig.",
        no_endpoint: "Diesen Endpunkt gibt es nicht.",
        key_required: "Ein gültiger API-Schlüssel ist erforderlich: `Authorization: Bearer llk_…`.",
        too_many: "Es gab in kurzer Zeit zu viele Versuche, deshalb wurde dieser nicht ausgeführt. Versuchen Sie es in 15 Minuten noch einmal.",
    },
    Said {
        accept: "fr",
        lang: "fr",
        invalid_email: "Cette adresse e-mail n’est pas valide.",
        no_endpoint: "Ce point d’accès n’existe pas.",
        key_required: "Une clé d’API valide est nécessaire : `Authorization: Bearer llk_…`.",
        too_many: "Il y a eu trop de tentatives en peu de temps : celle-ci n’a donc pas été traitée. Réessayez dans 15 minutes.",
    },
    Said {
        accept: "es",
        lang: "es",
        invalid_email: "La dirección de correo electrónico no es válida.",
        no_endpoint: "Este punto de conexión no existe.",
        key_required: "Se necesita una clave de API válida: `Authorization: Bearer llk_…`.",
        too_many: "Ha habido demasiados intentos en poco tiempo, así que este no se ha procesado. Inténtelo de nuevo dentro de 15 minutos.",
    },
    Said {
        accept: "ar",
        lang: "ar",
        invalid_email: "عنوان البريد الإلكتروني غير صالح.",
        no_endpoint: "لا توجد نقطة نهاية كهذه.",
        key_required: "يلزم مفتاح API صالح: `Authorization: Bearer llk_…`.",
        too_many: "جرت محاولات كثيرة جدًا في وقت قصير، لذا لم تُنفَّذ هذه المحاولة. حاول مرة أخرى بعد 15 دقيقة.",
    },
];

/// An error answer: its status, `Content-Language`, code and message. In right-to-left
/// languages placeables are wrapped in Unicode isolation marks, left out here.
struct Answer {
    status: StatusCode,
    lang: String,
    code: String,
    message: String,
}

impl Answer {
    async fn of(response: Response) -> Self {
        let status = response.status();
        let lang = response
            .headers()
            .get(CONTENT_LANGUAGE)
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body: Value = response.json().await.unwrap();
        let message = body["message"].as_str().unwrap_or_default();
        Self {
            status,
            lang,
            code: body["error"].as_str().unwrap_or_default().to_owned(),
            message: message.replace(['\u{2068}', '\u{2069}'], ""),
        }
    }

    /// Checks status, code, language and message.
    fn is(&self, status: StatusCode, code: &str, lang: &str, message: &str) {
        assert_eq!(self.status, status, "{code}: {}", self.message);
        assert_eq!(self.code, code, "{}", self.message);
        assert_eq!(self.lang, lang, "{code}");
        assert_eq!(self.message, message, "{code} in {lang}");
    }
}

async fn invalid_email(app: &TestApp, client: &Client) -> Answer {
    let body = json!({"email": "not an address"});
    Answer::of(
        app.post_json(client, "/api/v1/password/forgot", &body)
            .await,
    )
    .await
}

async fn admin(app: &TestApp, client: &Client, key: &Key, method: Method, path: &str) -> Answer {
    let request = client.request(method, app.url(&format!("{ADMIN}{path}")));
    Answer::of(request.bearer_auth(&key.secret).send().await.unwrap()).await
}

async fn every_shipped_language_says_the_api_errors_in_its_own_words(backend: Backend) {
    // Arrange: one sign-in per account per quarter of an hour, so the second is a 429.
    let Some(app) = spawn_app_with(backend, |f| f.merge(("limits.login_per_account", 1))).await
    else {
        return;
    };
    let wrong = json!({"email": "ada@example.com", "password": "not the password"});
    let first = app
        .post_json(&app.new_client(), "/api/v1/session", &wrong)
        .await;
    assert_eq!(first.status(), StatusCode::UNAUTHORIZED);

    for said in EVERY_LANGUAGE {
        let client = app.client_speaking(said.accept);

        // Act
        let malformed = invalid_email(&app, &client).await;
        let missing = Answer::of(app.get(&client, "/api/v1/nothing-here").await).await;
        let without_key = client
            .get(app.url("/api/v1/admin/key"))
            .send()
            .await
            .unwrap();
        let challenge = without_key.headers()[WWW_AUTHENTICATE].clone();
        let without_key = Answer::of(without_key).await;
        let limited = app.post_json(&client, "/api/v1/session", &wrong).await;
        let retry_after = limited.headers()[RETRY_AFTER].clone();
        let limited = Answer::of(limited).await;

        // Assert
        let lang = said.lang;
        malformed.is(
            StatusCode::BAD_REQUEST,
            "invalid_email",
            lang,
            said.invalid_email,
        );
        missing.is(StatusCode::NOT_FOUND, "not_found", lang, said.no_endpoint);
        without_key.is(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            lang,
            said.key_required,
        );
        assert_eq!(challenge, "Bearer");
        limited.is(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            lang,
            said.too_many,
        );
        let secs: u64 = retry_after.to_str().unwrap().parse().unwrap();
        assert!((841..=900).contains(&secs), "{secs}");
    }
}

async fn a_regional_language_falls_back_to_the_language_and_an_unknown_one_to_the_default(
    backend: Backend,
) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let Some(spanish_first) =
        spawn_app_with(backend, |f| f.merge(("i18n.default_locale", "es"))).await
    else {
        return;
    };
    let [en, de, fr, es, _] = EVERY_LANGUAGE;

    for (app, accept, said) in [
        (&app, Some("de-AT"), &de),
        (&app, Some("de-CH, fr;q=0.9"), &de),
        (&app, Some("ja, fr-CA;q=0.8, de;q=0.5"), &fr),
        (&app, Some("tlh"), &en),
        (&app, None, &en),
        (&spanish_first, Some("ja"), &es),
        (&spanish_first, None, &es),
        (&spanish_first, Some("en-GB"), &en),
    ] {
        let client = match accept {
            Some(accept) => app.client_speaking(accept),
            None => app.new_client(),
        };

        // Act
        let answer = invalid_email(app, &client).await;

        // Assert
        answer.is(
            StatusCode::BAD_REQUEST,
            "invalid_email",
            said.lang,
            said.invalid_email,
        );
    }
}

async fn the_language_chosen_with_the_switch_speaks_for_the_api_too(backend: Backend) {
    // Arrange: a browser that asks for French but chose German with the switch.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let client = app.client_speaking("fr");
    let switched = app.get(&client, "/language?lang=de").await;
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);

    // Act
    let answer = Answer::of(app.get(&client, "/api/v1/session").await).await;

    // Assert
    answer.is(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "de",
        "Melden Sie sich zuerst an: Senden Sie das Sitzungs-Cookie oder ein Sitzungstoken mit.",
    );
}

async fn admin_refusals_and_a_refused_password_speak_the_clients_language(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "a long password for ada");
    let writer = key(&app, "provisioning", &["write"]);
    let reader = key(&app, "auditor", &["read"]);
    let german = app.client_speaking("de-DE");
    let arabic = app.client_speaking("ar");
    let create = |email: &str, password: &str| {
        german
            .post(app.url(&format!("{ADMIN}/accounts")))
            .bearer_auth(&writer.secret)
            .json(&json!({"email": email, "password": password}))
            .send()
    };

    // Act
    let short = Answer::of(create("bob@example.com", "kurz").await.unwrap()).await;
    let exists = Answer::of(
        create("ada@example.com", "eine lange Passphrase")
            .await
            .unwrap(),
    )
    .await;
    let scope = admin(&app, &german, &reader, Method::DELETE, "/accounts/1").await;
    let missing = admin(&app, &arabic, &reader, Method::GET, "/accounts/999").await;

    // Assert
    short.is(
        StatusCode::UNPROCESSABLE_ENTITY,
        "weak_password",
        "de",
        "Verwenden Sie mindestens 8 Zeichen.",
    );
    exists.is(
        StatusCode::CONFLICT,
        "account_exists",
        "de",
        "Ein Konto mit der Adresse ada@example.com gibt es bereits.",
    );
    scope.is(
        StatusCode::FORBIDDEN,
        "insufficient_scope",
        "de",
        "Diesem API-Schlüssel fehlt die Berechtigung `write`, die dieser Endpunkt verlangt.",
    );
    missing.is(
        StatusCode::NOT_FOUND,
        "account_not_found",
        "ar",
        "لا يوجد حساب بهذا المعرّف أو العنوان.",
    );
}

async fn the_directorys_refusals_name_the_table_and_the_setting_in_the_clients_language(
    backend: Backend,
) {
    // Arrange: the application's table, without a column for disabling.
    let Some(app) = mapped_app(backend, Some("directory.disabled_at_column")).await else {
        return;
    };
    let writer = key(&app, "provisioning", &["write"]);

    // Act
    let french = app.client_speaking("fr-FR");
    let disable = admin(&app, &french, &writer, Method::POST, "/accounts/7/disable").await;
    let spanish = app.client_speaking("es");
    let delete = admin(&app, &spanish, &writer, Method::DELETE, "/accounts/7").await;

    // Assert
    disable.is(
        StatusCode::CONFLICT,
        "unsupported_by_directory",
        "fr",
        "Impossible de désactiver des comptes : la table `members` de l’application n’a aucune \
         colonne associée à cet usage. Pour le permettre, indiquez dans \
         directory.disabled_at_column une colonne d’horodatage qui accepte NULL.",
    );
    delete.is(
        StatusCode::CONFLICT,
        "unsupported_by_directory",
        "es",
        "Las cuentas están en la tabla `members` de la aplicación ([directory] kind = \"sql\"), \
         a la que pueden hacer referencia otras tablas de la aplicación. Elimine la cuenta allí \
         (sus enlaces dejan de funcionar en cuanto desaparece la fila) o, si lo prefiere, \
         desactívela.",
    );
}

async fn an_accepted_link_request_says_so_in_the_clients_language(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let body = json!({"email": "nobody@example.com"});
    let client = app.client_speaking("de-CH");

    // Act
    let reset = app
        .post_json(&client, "/api/v1/password/forgot", &body)
        .await;
    let magic = app.post_json(&client, "/api/v1/magic-link", &body).await;

    // Assert
    for (response, words) in [(reset, "neues Passwort"), (magic, "Anmeldelink")] {
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        assert_eq!(response.headers()[CONTENT_LANGUAGE], "de");
        let message = response.json::<Value>().await.unwrap()["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.starts_with("Falls zu dieser Adresse"), "{message}");
        assert!(message.contains(words), "{message}");
    }
}
