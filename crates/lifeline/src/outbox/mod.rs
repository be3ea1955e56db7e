//! The outbox: every mail Lifeline sends, from the request that asks for it to the email.
//!
//! - [`MailJob`]: one enum of every kind of mail, with its payload ([`payloads`]); how a job
//!   is stored as an `outbox` row ([`EncodedJob`]).
//! - [`Outbox`]: the request side, held by the application state: `enqueue` writes the job in
//!   a group commit (`group_commit`), counts it and wakes the worker (`worker_link`).
//! - [`LifelineComposer`]: the worker side, plugged into the mail crate's `OutboxWorker`:
//!   `dispatch` decodes a claimed row and matches its kind exhaustively; `composer` and
//!   `magic_link` look the account up, mint the token and build the email; `quotas` holds
//!   the limits counted in the database (mails per account, link requests per address).
//!
//! The worker itself (claiming with a lease, sending, retrying) is the mail crate's, and the
//! table's queries are storage's `outbox` module.

mod composer;
mod dispatch;
mod enqueue;
mod group_commit;
mod job;
mod magic_link;
pub mod payloads;
mod quotas;
mod worker_link;

#[cfg(test)]
mod every_language;

pub use composer::LifelineComposer;
pub use enqueue::Outbox;
pub use job::{EncodedJob, JobError, JobKind, MailJob};
pub use payloads::{
    MagicLinkRequested, MagicLinkSignedIn, NotMeConfirmed, PasswordChanged, ResetRequested,
    WebhookDelivery,
};
