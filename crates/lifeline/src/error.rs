//! `AppError`: every failure a handler can return, mapped to a status code and a
//! short page. Token failures all look alike from outside; the real reason is
//! logged, never shown.

use actix_web::http::StatusCode;
use actix_web::http::header::{ContentType, RETRY_AFTER};
use actix_web::{HttpResponse, ResponseError};

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

    /// The message shown to the client.
    pub fn public_message(&self) -> String {
        match self {
            AppError::BadRequest(message) => message.clone(),
            AppError::Csrf => {
                "This form has expired or was not sent from this site. Go back, reload the page and try again.".into()
            }
            AppError::TooManyRequests { .. } => "Too many requests. Please wait a little and try again.".into(),
            AppError::Unavailable(_) => "The service is busy or briefly unavailable. Please try again in a moment.".into(),
            AppError::Internal(_) => "Something went wrong on our side. Please try again.".into(),
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
        let mut response = HttpResponse::build(self.status_code());
        if let AppError::TooManyRequests { retry_after_secs } = self {
            response.insert_header((RETRY_AFTER, retry_after_secs.to_string()));
        }
        if let AppError::Unavailable(_) = self {
            response.insert_header((RETRY_AFTER, "5"));
        }
        response
            .content_type(ContentType::html())
            .body(simple_page(self.status_code(), &self.public_message()))
    }
}

/// A minimal page for errors raised outside a handler's own rendering (no
/// template engine involved, so it cannot fail). The message is static text.
///
/// Its links carry the base path of the request being served
/// ([`crate::http::middleware::request_base::current`]).
pub fn simple_page(status: StatusCode, message: &str) -> String {
    let title = status.canonical_reason().unwrap_or("Error");
    let base = crate::http::middleware::request_base::current();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title><link rel=\"stylesheet\" href=\"{base}/static/lifeline.css\"></head><body><main class=\"card\"><h1>{title}</h1><p>{message}</p><p><a href=\"{base}/password/forgot\">Start again</a></p></main></body></html>"
    )
}
