//! The operator's account actions against an application's own table (`[directory] kind =
//! "sql"`): done through the mapped columns, or refused with the setting that would allow
//! them.

use lifeline::ops::{Accounts, Actor, OperatorError};
use reqwest::StatusCode;
use storage::{Backend, EmailAddress};

use crate::helpers::{TestApp, spawn_app_prepared};
use crate::on_every_backend;
use crate::user_directory::{argon2, create_members, insert_member, mapped, sign_in};

on_every_backend!(
    a_mapped_account_is_disabled_and_enabled_through_its_column,
    a_mapped_pause_is_lifted_through_its_column,
    without_a_disabled_column_disabling_is_refused_naming_the_setting,
    a_mapped_account_is_never_deleted_by_lifeline,
);

const GRACE: &str = "grace@example.com";
const PASSWORD: &str = "grace's long password";

/// A service whose accounts are the application's `members`, with `without` unmapped, and
/// one member, grace (id 7).
pub(crate) async fn mapped_app(backend: Backend, without: Option<&'static str>) -> Option<TestApp> {
    let app = spawn_app_prepared(
        backend,
        |db| create_members(db, backend),
        move |figment| match without {
            Some(setting) => mapped(figment).merge((setting, None::<String>)),
            None => mapped(figment),
        },
    )
    .await?;
    let hash = argon2(&app, PASSWORD);
    insert_member(&app, 7, GRACE, &hash);
    Some(app)
}

/// Runs `act` with the app's [`Accounts`] on a blocking thread.
async fn with_accounts<T: Send + 'static>(
    app: &TestApp,
    act: impl FnOnce(&Accounts, &EmailAddress) -> T + Send + 'static,
) -> T {
    let db = lifeline::ops::connect_database(&app.settings)
        .await
        .unwrap();
    let accounts = Accounts::new(&app.settings, db).unwrap();
    let grace = EmailAddress::parse(GRACE).unwrap();
    tokio::task::spawn_blocking(move || act(&accounts, &grace))
        .await
        .unwrap()
}

async fn a_mapped_account_is_disabled_and_enabled_through_its_column(backend: Backend) {
    // Arrange
    let Some(app) = mapped_app(backend, None).await else {
        return;
    };
    let now = app.now();

    // Act / Assert
    let disabled = with_accounts(&app, move |a, e| {
        a.disable(e, &Actor::Operator, now).unwrap()
    })
    .await;
    assert!(disabled.is_disabled());
    assert_eq!(disabled.auth_epoch, 1, "every link and session voided");
    assert_eq!(
        sign_in(&app, GRACE, PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    let enabled = with_accounts(&app, move |a, e| {
        a.enable(e, &Actor::Operator, now).unwrap()
    })
    .await;
    assert!(!enabled.is_disabled());
    assert_eq!(sign_in(&app, GRACE, PASSWORD).await, StatusCode::SEE_OTHER);
}

async fn a_mapped_pause_is_lifted_through_its_column(backend: Backend) {
    // Arrange: paused by the application's own column.
    let Some(app) = mapped_app(backend, None).await else {
        return;
    };
    use diesel::RunQueryDsl;
    diesel::sql_query("UPDATE members SET paused = '2999-01-01 00:00:00'")
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
    let now = app.now();

    // Act
    let lifted = with_accounts(&app, move |a, e| {
        a.lift_pause(e, &Actor::Operator, now).unwrap()
    })
    .await;

    // Assert
    assert_eq!(lifted.resets_paused_until, None);
}

async fn without_a_disabled_column_disabling_is_refused_naming_the_setting(backend: Backend) {
    // Arrange
    let Some(app) = mapped_app(backend, Some("directory.disabled_at_column")).await else {
        return;
    };
    let now = app.now();

    // Act
    let refused = with_accounts(&app, move |a, e| a.disable(e, &Actor::Operator, now)).await;

    // Assert
    let Err(OperatorError::Unsupported(refusal)) = refused else {
        panic!("not refused: {refused:?}");
    };
    let message = refusal.to_string();
    assert!(
        message.contains("directory.disabled_at_column"),
        "{message}"
    );
    assert!(message.contains("members"), "{message}");
    assert_eq!(sign_in(&app, GRACE, PASSWORD).await, StatusCode::SEE_OTHER);
}

async fn a_mapped_account_is_never_deleted_by_lifeline(backend: Backend) {
    // Arrange
    let Some(app) = mapped_app(backend, None).await else {
        return;
    };
    let now = app.now();

    // Act
    let refused = with_accounts(&app, move |a, e| a.delete(e, &Actor::Operator, now)).await;

    // Assert
    let Err(OperatorError::Unsupported(refusal)) = refused else {
        panic!("not refused: {refused:?}");
    };
    let message = refusal.to_string();
    assert!(message.contains("delete the account there"), "{message}");
    assert_eq!(sign_in(&app, GRACE, PASSWORD).await, StatusCode::SEE_OTHER);
}
