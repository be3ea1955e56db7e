//! [`DirectoryError`]: how a directory says a call failed, in its own terms, and how
//! Lifeline maps that to its storage errors (inside its transactions) and to HTTP statuses.

use storage::StorageError;

use crate::error::AppError;

/// Any error a directory wants to report as the cause.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A directory call failed. An unknown address or id is not a failure: the finds return
/// `Ok(None)` for it. Non-exhaustive, so a later kind of failure is not a breaking change
/// for directories (which construct these and never need to match them).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DirectoryError {
    /// The account a write was aimed at does not exist (any more).
    #[error("no such account")]
    NoSuchAccount,
    /// The directory's store is unreachable or overloaded right now; the client may retry
    /// (503).
    #[error("the user directory is unavailable")]
    Unavailable(#[source] BoxError),
    /// Anything else: a refused statement, a broken row, a bug (500).
    #[error("the user directory failed")]
    Failed(#[source] BoxError),
}

impl DirectoryError {
    /// The directory's store cannot be reached now (503, the client may retry).
    pub fn unavailable(cause: impl Into<BoxError>) -> Self {
        Self::Unavailable(cause.into())
    }

    /// Any other failure (500).
    pub fn failed(cause: impl Into<BoxError>) -> Self {
        Self::Failed(cause.into())
    }
}

/// For the built-in directories, which live in Lifeline's database. The storage error is
/// kept whole as the cause, so the way back ([`From<DirectoryError>`] for [`StorageError`])
/// returns it unchanged.
impl From<StorageError> for DirectoryError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::NotFound(_) => Self::NoSuchAccount,
            StorageError::Pool(_) | StorageError::Connection { .. } => {
                Self::Unavailable(Box::new(error))
            }
            other => Self::Failed(Box::new(other)),
        }
    }
}

/// For the directory calls Lifeline makes inside its own write transactions, whose bodies
/// fail with [`StorageError`]. A built-in directory's storage error comes back unchanged,
/// so a deadlock is still retried and a pool timeout is still a 503; an unavailable host
/// directory becomes a 503 as well, any other host failure a 500.
impl From<DirectoryError> for StorageError {
    fn from(error: DirectoryError) -> Self {
        match error {
            DirectoryError::NoSuchAccount => StorageError::NotFound("user"),
            DirectoryError::Unavailable(cause) => match cause.downcast::<StorageError>() {
                Ok(storage) => *storage,
                Err(cause) => {
                    StorageError::Pool(format!("the user directory is unavailable: {cause}"))
                }
            },
            DirectoryError::Failed(cause) => match cause.downcast::<StorageError>() {
                Ok(storage) => *storage,
                // diesel's error for a failure that is not the database's own.
                Err(cause) => StorageError::Query(diesel::result::Error::QueryBuilderError(cause)),
            },
        }
    }
}

/// Unavailable → 503; anything else → 500. The cause goes to the log only.
impl From<DirectoryError> for AppError {
    fn from(error: DirectoryError) -> Self {
        match error {
            DirectoryError::Unavailable(_) => AppError::Unavailable(error.into()),
            _ => AppError::Internal(error.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::ResponseError;
    use actix_web::http::StatusCode;
    use diesel::result::{DatabaseErrorKind, Error as DieselError};

    use super::*;

    fn deadlock() -> StorageError {
        StorageError::from(DieselError::DatabaseError(
            DatabaseErrorKind::SerializationFailure,
            Box::new("Deadlock found".to_owned()),
        ))
    }

    #[test]
    fn a_storage_error_survives_the_way_through_a_directory() {
        // Act
        let back = StorageError::from(DirectoryError::from(deadlock()));

        // Assert: still the database's deadlock, which a write transaction runs again.
        assert!(matches!(
            back,
            StorageError::Query(DieselError::DatabaseError(
                DatabaseErrorKind::SerializationFailure,
                _
            ))
        ));
    }

    #[test]
    fn a_missing_account_is_no_such_account_both_ways() {
        let error = DirectoryError::from(StorageError::NotFound("user"));
        assert!(matches!(error, DirectoryError::NoSuchAccount));
        assert!(matches!(
            StorageError::from(error),
            StorageError::NotFound("user")
        ));
    }

    #[test]
    fn unavailable_is_a_503_and_any_other_failure_a_500() {
        // Arrange
        let pool = DirectoryError::from(StorageError::Pool("timed out".into()));
        let host_down = DirectoryError::unavailable("the host's accounts service is down");
        let host_bug = DirectoryError::failed("the host's row is broken");

        // Act
        let statuses = [pool, host_down, host_bug, deadlock().into()]
            .map(|error| AppError::from(error).status_code());

        // Assert
        assert_eq!(
            statuses,
            [
                StatusCode::SERVICE_UNAVAILABLE,
                StatusCode::SERVICE_UNAVAILABLE,
                StatusCode::INTERNAL_SERVER_ERROR,
                StatusCode::INTERNAL_SERVER_ERROR,
            ]
        );
    }

    #[test]
    fn a_host_failure_inside_a_transaction_keeps_its_status() {
        let down = StorageError::from(DirectoryError::unavailable("down"));
        let broken = StorageError::from(DirectoryError::failed("broken"));
        assert_eq!(
            AppError::from(down).status_code(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            AppError::from(broken).status_code(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
