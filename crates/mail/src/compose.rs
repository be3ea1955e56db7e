//! The seam between the outbox worker and the application: turning a job into an email.

use storage::outbox::OutboxJob;

use crate::{HttpPost, MailError, OutgoingEmail};

/// What to do with a claimed job.
pub enum Composition {
    /// Deliver this email.
    Send(OutgoingEmail),
    /// Deliver this HTTP request (a webhook): a 2xx answer is a delivery; any other answer,
    /// a refused connection or a timeout is retried with backoff like an SMTP outage.
    Post(HttpPost),
    /// Deliver nothing and close the job, e.g. a reset asked for an unknown address while the
    /// "no account" notice is off, or an account over its mail quota. The job is closed like a
    /// sent one and the reason is logged; it must not contain an address or a token.
    Skip(String),
}

/// Builds the email for an outbox job. The server implements it: it looks the account up,
/// mints the token and renders the template.
///
/// It is synchronous because it touches the database; the worker runs it on the blocking
/// thread pool. Returning [`MailError::Storage`] or [`MailError::Compose`] retries the job
/// later; a template or address error gives it up (see [`MailError::is_permanent`]).
///
/// Doing this lookup in the worker, not in the request handler, is what keeps the request
/// path identical for known and unknown addresses (no account enumeration by timing).
pub trait Composer: Send + Sync + 'static {
    /// Composes the email for `job` (its `kind` and JSON `payload`).
    fn compose(&self, job: &OutboxJob) -> Result<Composition, MailError>;

    /// Composes a whole claimed batch, one result per job in the same order. The worker calls
    /// this, not [`Composer::compose`], so an implementation can write what all the jobs need
    /// (quota counters, issued tokens) in one transaction: one commit per batch instead of
    /// several per mail. The default composes the jobs one by one.
    fn compose_batch(&self, jobs: &[OutboxJob]) -> Vec<Result<Composition, MailError>> {
        jobs.iter().map(|job| self.compose(job)).collect()
    }
}
