//! `AppError`: every failure a handler can return, mapped to a status code and
//! the error page (rendered by [`error_pages::page`]). Token failures all look alike from outside; the real reason is
//! logged, never shown.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::http::api::error::ApiMessage;
use crate::http::middleware::error_pages;

/// How long (in seconds, `Retry-After`) a client is asked to wait when the database is unavailable.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

/// What went wrong while handling a request.
#[derive(thiserror::Error)]
pub enum AppError {
    /// The request itself is malformed (bad field, bad encoding, bad address).
    #[error("{0}")]
    BadRequest(String),
    /// The form's CSRF token is missing or belongs to another session.
    #[error("the form expired or was not sent from this site")]
    Csrf,
    /// The client is over a per-IP limit.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds to wait, sent as `Retry-After`.
        retry_after_secs: u64,
    },
    /// The database is unreachable or too slow; the client may retry.
    #[error("temporarily unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// A bug or an unexpected failure; details go to the log only.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl std::fmt::Debug for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{self}")?;
        let mut current = std::error::Error::source(self);
        while let Some(cause) = current {
            writeln!(f, "Caused by:\n\t{cause}")?;
            current = cause.source();
        }
        Ok(())
    }
}

impl From<storage::StorageError> for AppError {
    fn from(error: storage::StorageError) -> Self {
        // No connection within the pool's timeout, or none could be opened: the
        // database is down or overloaded, which a client may retry (503).
        if matches!(
            error,
            storage::StorageError::Pool(_) | storage::StorageError::Connection { .. }
        ) {
            AppError::Unavailable(error.into())
        } else {
            AppError::Internal(error.into())
        }
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking pool failed: {error}"))
    }
}

impl AppError {
    /// Names the step that failed, like `anyhow::Context`; the status stays.
    pub fn context(self, what: &'static str) -> Self {
        match self {
            AppError::Unavailable(error) => AppError::Unavailable(error.context(what)),
            AppError::Internal(error) => AppError::Internal(error.context(what)),
            other => other,
        }
    }

    /// The message the API answers with, said in the request's language when the answer is
    /// built (the stable `code` beside it is what clients match). A `BadRequest` holds a
    /// page message id, which the API says as the page would.
    pub fn api_message(&self) -> ApiMessage {
        match self {
            AppError::BadRequest(message) => ApiMessage::new(message.clone()),
            AppError::Csrf => ApiMessage::new("api-csrf"),
            AppError::TooManyRequests { retry_after_secs } => {
                ApiMessage::new("api-too-many").with_wait("wait", *retry_after_secs)
            }
            AppError::Unavailable(_) => {
                ApiMessage::new("api-unavailable").with_wait("wait", UNAVAILABLE_RETRY_AFTER_SECS)
            }
            AppError::Internal(_) => ApiMessage::new("api-internal"),
        }
    }

    /// The id of the message an error page shows (in the page's language; a wait is
    /// passed to it as `$wait`).
    pub fn public_message(&self) -> String {
        match self {
            AppError::BadRequest(message) => message.clone(),
            AppError::Csrf => "error-csrf".into(),
            AppError::TooManyRequests { .. } => "error-too-many".into(),
            AppError::Unavailable(_) => "error-unavailable".into(),
            AppError::Internal(_) => "error-internal".into(),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Internal(_) | AppError::Unavailable(_) => {
                tracing::error!(error = ?self, "request failed")
            }
            _ => tracing::info!(error = %self, "request refused"),
        }
        let retry_after_secs = match self {
            AppError::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
            AppError::Unavailable(_) => Some(UNAVAILABLE_RETRY_AFTER_SECS),
            _ => None,
        };
        error_pages::page(self.status_code(), &self.public_message(), retry_after_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_cause_never_reaches_the_message() {
        let unavailable = AppError::Unavailable(anyhow::anyhow!("pool timed out"));

        assert_eq!(unavailable.public_message(), "error-unavailable");
        assert!(!unavailable.api_message().english().contains("pool"));
    }

    #[test]
    fn waiting_errors_say_how_long_in_their_api_message() {
        let limited = AppError::TooManyRequests {
            retry_after_secs: 120,
        };
        let unavailable = AppError::Unavailable(anyhow::anyhow!("pool timed out"));

        let limited = limited.api_message().english();
        assert!(limited.ends_with("Try again in 2 minutes."), "{limited}");
        let unavailable = unavailable.api_message().english();
        assert!(
            unavailable.ends_with("Try again in 5 seconds."),
            "{unavailable}"
        );
    }
}
