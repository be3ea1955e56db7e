//! The harness itself: a test app leaves nothing running behind it. A server still using a
//! dropped database, or a database client library still at work in another thread when the
//! test binary exits (its TLS state is torn down by exit handlers), crashed a binary whose
//! tests had all passed.

use storage::{Backend, Database, PoolSettings};

use crate::helpers::spawn_app;
use crate::on_every_backend;

on_every_backend!(dropping_a_test_app_stops_its_server_then_drops_its_database);

async fn dropping_a_test_app_stops_its_server_then_drops_its_database(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let health = app.url("/healthz");
    let database_url = app.db.url().to_owned();
    assert!(
        reqwest::get(&health)
            .await
            .is_ok_and(|r| r.status().is_success())
    );

    // Act
    drop(app);

    // Assert: both are gone before the drop returns, not later from another thread.
    assert!(
        reqwest::get(&health).await.is_err(),
        "the server still answers"
    );
    assert!(
        Database::connect(&database_url, &PoolSettings::default()).is_err(),
        "the {backend} database still exists"
    );
}
