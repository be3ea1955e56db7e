//! The one error type of the storage crate.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::email::EmailRejection;
use crate::url::Backend;

/// Everything that can go wrong in the storage layer.
///
/// Messages never contain a database password: URLs are redacted before they are stored in
/// an error (see [`crate::redact_url`]).
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database URL has a scheme or form this crate does not accept.
    #[error("unsupported database URL {url:?}: {reason}")]
    UnsupportedUrl {
        /// The URL with any password replaced by `***`.
        url: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A `mysql://` URL was given to a build without the `mysql` feature.
    #[error(
        "MySQL support is not compiled into this build; rebuild with the `mysql` feature of the storage crate"
    )]
    MysqlNotCompiled,
    /// A `postgres://` URL was given to a build without the `postgres` feature.
    #[error(
        "PostgreSQL support is not compiled into this build; rebuild with the `postgres` feature of the storage crate"
    )]
    PostgresNotCompiled,
    /// A connection could not be established; `message` is the database's own explanation.
    #[error("cannot connect to the {backend} database at {url}: {message}")]
    Connection {
        /// Which backend was being connected to.
        backend: Backend,
        /// The URL with any password replaced by `***`.
        url: String,
        /// The error reported by the database client library.
        message: String,
    },
    /// No pooled connection became available within the configured timeout.
    #[error("no database connection available: {0}")]
    Pool(String),
    /// A query failed.
    #[error("database query failed: {0}")]
    Query(#[source] DieselError),
    /// Running the embedded migrations failed.
    #[error("database migration failed: {0}")]
    Migration(String),
    /// An email address was rejected by [`crate::EmailAddress::parse`].
    #[error("invalid email address: {0}")]
    InvalidEmail(EmailRejection),
    /// A unique key is already taken (for example a second account with the same address).
    ///
    /// The database's own message is dropped on purpose: MySQL repeats the duplicate value in
    /// it, which would put email addresses into logs.
    #[error("a row with the same unique key already exists")]
    Conflict,
    /// The row an update was aimed at does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed: {0}")]
    Randomness(String),
    /// A text argument is longer than its column (the name says which).
    #[error("{0} is too long")]
    TooLong(&'static str),
    /// A time or duration argument is outside what the database can store.
    #[error("time value out of range: {0}")]
    TimeOutOfRange(&'static str),
}

impl From<DieselError> for StorageError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => Self::Conflict,
            other => Self::Query(other),
        }
    }
}

impl From<r2d2::Error> for StorageError {
    fn from(error: r2d2::Error) -> Self {
        Self::Pool(error.to_string())
    }
}

impl StorageError {
    /// True when the database aborted the transaction to break a deadlock or a write conflict;
    /// such a transaction can simply be run again.
    pub(crate) fn is_retryable(&self) -> bool {
        match self {
            Self::Query(DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _)) => {
                true
            }
            // PostgreSQL's deadlock_detected (40P01), which diesel does not classify.
            Self::Query(DieselError::DatabaseError(DatabaseErrorKind::Unknown, info)) => {
                info.message().starts_with("deadlock detected")
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_violations_become_conflicts_without_the_duplicate_value() {
        // Arrange
        let diesel_error = DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("Duplicate entry 'alice@example.com' for key 'email'".to_owned()),
        );

        // Act
        let error = StorageError::from(diesel_error);

        // Assert
        assert!(matches!(error, StorageError::Conflict));
        assert!(!error.to_string().contains("alice"));
    }

    #[test]
    fn serialization_failures_are_retryable_and_other_errors_are_not() {
        // Arrange
        let deadlock = StorageError::from(DieselError::DatabaseError(
            DatabaseErrorKind::SerializationFailure,
            Box::new("Deadlock found".to_owned()),
        ));
        let missing = StorageError::from(DieselError::NotFound);

        // Act / Assert
        assert!(deadlock.is_retryable());
        assert!(!missing.is_retryable());
    }
}
