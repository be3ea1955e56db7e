//! The worker's way into the composer: each claimed row is decoded into its [`MailJob`] and
//! matched exhaustively, and a batch's database work is done in one transaction.

use mail::{Composer, Composition, MailError};
use storage::outbox::OutboxJob;
use storage::{DbConnection, EmailAddress, StorageError};

use super::composer::{Draft, LifelineComposer, compose_error};
use super::{JobError, MailJob};
use crate::directory::lookups::Lookups;

/// The failure of a row that is no job this version can compose. A kind it does not know
/// (written by a newer version, say) is given up at once, as no retry can teach it the kind;
/// a payload that does not fit its kind is a compose error, retried like any other until the
/// attempts run out.
fn undecodable(error: JobError) -> MailError {
    match error {
        JobError::UnknownKind(kind) => MailError::UnknownTemplate(format!("job kind {kind}")),
        other => compose_error(other),
    }
}

impl LifelineComposer {
    /// Composes one job with the given connection (which may be inside a transaction, then
    /// with the account source's answers asked before it in `lookups`).
    fn compose_with(
        &self,
        conn: &mut DbConnection,
        job: &OutboxJob,
        lookups: &Lookups,
    ) -> Result<Draft, MailError> {
        let decoded = MailJob::decode(&job.kind, &job.payload).map_err(undecodable)?;
        match decoded {
            MailJob::PasswordResetRequested(request) => self.reset(conn, job, request, lookups),
            MailJob::PasswordChanged(change) => self.changed(conn, change),
            MailJob::NotMeConfirmed(confirmed) => self.not_me_confirmed(conn, confirmed),
            MailJob::MagicLinkRequested(request) => self.magic_link(conn, job, request, lookups),
            MailJob::MagicLinkSignedIn(signed_in) => self.magic_link_signed_in(conn, signed_in),
            MailJob::Webhook(delivery) => Ok(Draft::Ready(self.webhooks.compose(
                job,
                &delivery,
                self.now().0,
            ))),
        }
    }

    /// Composes every job inside one write transaction, so the batch's quota counts and issued
    /// tokens cost one commit. A storage error rolls the whole batch back (no token of it is
    /// kept, no quota counted) and is returned; the caller then composes job by job. An
    /// account source is asked about the batch's addresses before the transaction begins.
    fn compose_in_one_transaction(
        &self,
        jobs: &[OutboxJob],
    ) -> Result<Vec<Result<Composition, MailError>>, StorageError> {
        let lookups = self.ask_ahead(jobs);
        let mut conn = self.db.conn()?;
        storage::write_transaction(&mut conn, |conn| {
            let mut drafts = Vec::with_capacity(jobs.len());
            for job in jobs {
                match self.compose_with(conn, job, &lookups) {
                    Err(MailError::Storage(error)) => return Err(error),
                    other => drafts.push(other),
                }
            }
            Ok(drafts)
        })
        .map(|drafts| {
            drafts
                .into_iter()
                .map(|draft| draft.and_then(|draft| draft.finish(&self.templates)))
                .collect()
        })
    }

    /// The account source's answers for the addresses the batch's link requests name (none
    /// without a source): asked here, before the transaction, not inside it.
    fn ask_ahead(&self, jobs: &[OutboxJob]) -> Lookups {
        let Some(source) = &self.account_source else {
            return Lookups::default();
        };
        let addresses: Vec<EmailAddress> = jobs
            .iter()
            .filter_map(|job| match MailJob::decode(&job.kind, &job.payload).ok()? {
                MailJob::PasswordResetRequested(request) => {
                    EmailAddress::parse(&request.email).ok()
                }
                MailJob::MagicLinkRequested(request) => EmailAddress::parse(&request.email).ok(),
                _ => None,
            })
            .collect();
        Lookups::ask(&**source, &addresses)
    }
}

impl Composer for LifelineComposer {
    fn compose(&self, job: &OutboxJob) -> Result<Composition, MailError> {
        self.compose_with(&mut *self.db.conn()?, job, &Lookups::default())?
            .finish(&self.templates)
    }

    fn compose_batch(&self, jobs: &[OutboxJob]) -> Vec<Result<Composition, MailError>> {
        if jobs.len() < 2 {
            return jobs.iter().map(|job| self.compose(job)).collect();
        }
        match self.compose_in_one_transaction(jobs) {
            Ok(results) => results,
            Err(error) => {
                // One job's storage failure must not hold up the others: compose them one by
                // one, each with its own commits, so only the failing job is retried.
                tracing::warn!(%error, jobs = jobs.len(), "composing the batch in one transaction failed, composing job by job");
                jobs.iter().map(|job| self.compose(job)).collect()
            }
        }
    }
}
