//! Sign-in protection: per-account throttling that treats unknown addresses
//! the same way, no difference between "no such account" and "wrong
//! password", and the security events the owner sees.

use reqwest::StatusCode;
use storage::Backend;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::on_every_backend;
use crate::reset_steps::Observed;

on_every_backend!(
    repeated_failed_sign_ins_throttle_the_account_even_for_the_right_password,
    an_unknown_address_is_throttled_exactly_like_a_known_one,
    a_wrong_password_and_an_unknown_address_get_the_same_answer,
    an_unknown_address_costs_as_many_password_verifications_as_a_wrong_password,
    the_account_page_lists_recent_security_events,
);

/// Sign-in attempts allowed per account in these tests.
const ATTEMPTS: usize = 3;

async fn throttled_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |f| f.merge(("limits.login_per_account", ATTEMPTS))).await
}

/// Signs in `attempts` times with `password` from fresh browsers; returns the answers.
async fn attempts(app: &TestApp, email: &str, password: &str, attempts: usize) -> Vec<Observed> {
    let mut answers = Vec::new();
    for _ in 0..attempts {
        let response = app
            .sign_in_with_password(&app.new_client(), email, password)
            .await;
        answers.push(Observed::of(response).await);
    }
    answers
}

fn statuses(answers: &[Observed]) -> Vec<StatusCode> {
    answers.iter().map(|answer| answer.status).collect()
}

async fn repeated_failed_sign_ins_throttle_the_account_even_for_the_right_password(
    backend: Backend,
) {
    // Arrange
    let Some(app) = throttled_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "ada's long password");
    app.create_user("bob@example.com", "bob's long password");
    let failed = attempts(&app, "ada@example.com", "a wrong guess", ATTEMPTS).await;

    // Act
    let right = attempts(&app, "ada@example.com", "ada's long password", 1).await;
    let other_account = attempts(&app, "bob@example.com", "bob's long password", 1).await;

    // Assert
    assert_eq!(statuses(&failed), vec![StatusCode::UNAUTHORIZED; ATTEMPTS]);
    assert_eq!(right[0].status, StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = right[0].headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1, "{retry_after}");
    assert_eq!(
        other_account[0].status,
        StatusCode::SEE_OTHER,
        "other accounts are not affected"
    );
}

async fn an_unknown_address_is_throttled_exactly_like_a_known_one(backend: Backend) {
    // Arrange
    let Some(app) = throttled_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "ada's long password");

    // Act
    let known = attempts(&app, "ada@example.com", "a wrong guess", ATTEMPTS + 1).await;
    let unknown = attempts(&app, "nobody@example.com", "a wrong guess", ATTEMPTS + 1).await;

    // Assert
    let mut expected = vec![StatusCode::UNAUTHORIZED; ATTEMPTS];
    expected.push(StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(statuses(&known), expected);
    assert_eq!(statuses(&unknown), expected);
    let (known_limited, unknown_limited) = (&known[ATTEMPTS], &unknown[ATTEMPTS]);
    assert_eq!(known_limited.body, unknown_limited.body);
    assert!(unknown_limited.headers.contains_key("retry-after"));
    let names = |answer: &Observed| -> Vec<String> {
        answer
            .stable_headers()
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    };
    assert_eq!(names(known_limited), names(unknown_limited));
}

async fn a_wrong_password_and_an_unknown_address_get_the_same_answer(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "ada's long password");
    let browser = app.new_client();

    // Act: one browser, so the form's CSRF token is the same in both pages.
    let wrong = Observed::of(
        app.sign_in_with_password(&browser, "ada@example.com", "a wrong guess")
            .await,
    )
    .await;
    let unknown = Observed::of(
        app.sign_in_with_password(&browser, "eve@example.com", "a wrong guess")
            .await,
    )
    .await;

    // Assert: the pages differ only in the address typed into the form.
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.text().contains("match an account"),
        "{}",
        wrong.text()
    );
    assert_eq!(
        wrong.text().replace("ada@example.com", "ADDRESS"),
        unknown.text().replace("eve@example.com", "ADDRESS")
    );
    assert_eq!(wrong.stable_headers(), unknown.stable_headers());
}

async fn an_unknown_address_costs_as_many_password_verifications_as_a_wrong_password(
    backend: Backend,
) {
    // Arrange. Counted, not timed: a timing comparison is at the mercy of the machine's load,
    // while the number of argon2 verifications is what makes the two answers take as long
    // (`scripts/enumeration-timing` measures the times themselves).
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "ada's long password");
    let cost = |email: &'static str| {
        let app = &app;
        async move {
            let before = app.password_verifications().await;
            let browser = app.new_client();
            let response = app
                .sign_in_with_password(&browser, email, "a wrong guess")
                .await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            app.password_verifications().await - before
        }
    };

    // Act
    let known = cost("ada@example.com").await;
    let unknown = cost("nobody@example.com").await;
    let malformed = cost("not an address").await;

    // Assert: one full verification each, against the stored hash or the dummy one.
    assert_eq!((known, unknown, malformed), (1, 1, 1));
}

async fn the_account_page_lists_recent_security_events(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "ada's long password");
    let browser = app.browser();
    let signed_in = app
        .sign_in_with_password(&browser, "ada@example.com", "ada's long password")
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let link = app.mailed_magic_link(&browser, "ada@example.com", 1).await;
    app.confirm_magic_link(&browser, &link).await;

    // Act
    let page = app.account_page(&browser).await.expect("signed in");

    // Assert: newest first, each described in words.
    let magic = page.find("Signed in with an email link").expect(&page);
    let password = page.find("Signed in with a password").expect(&page);
    assert!(magic < password, "{page}");
    assert!(page.contains("127.0.0.1"), "{page}");
}
