//! Blocking work (database calls, anything synchronous) run off the async
//! workers, inside the request's tracing span, with its failure named.
//!
//! Every handler that touches the database goes through [`run`], so a log line
//! written by the blocking code carries the request's span, and an error says
//! what was being done when it happened.

use actix_web::web;

use crate::error::AppError;

/// Runs `work` on actix-web's blocking pool in the caller's tracing span.
///
/// `what` names the step for the error chain ("loading the account"), in the
/// manner of `anyhow::Context`; a storage failure keeps its 503-or-500 mapping.
pub async fn run<T, E, F>(what: &'static str, work: F) -> Result<T, AppError>
where
    F: FnOnce() -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: Into<AppError> + Send + 'static,
{
    let span = tracing::Span::current();
    match web::block(move || span.in_scope(work)).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(error.into().context(what)),
        Err(error) => Err(AppError::Internal(anyhow::anyhow!(
            "blocking pool failed while {what}: {error}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn a_failure_names_the_step_and_keeps_its_status() {
        let error = run("loading the account", || -> Result<(), AppError> {
            Err(AppError::Unavailable(anyhow::anyhow!("pool timed out")))
        })
        .await
        .expect_err("the work failed");
        assert!(matches!(error, AppError::Unavailable(_)));
        let chain = format!("{error:?}");
        assert!(chain.contains("loading the account"), "{chain}");
        assert!(chain.contains("pool timed out"), "{chain}");
    }
}
