//! The link service: issue, check and consume the single-use links of every purpose
//! (password reset, magic link, "this wasn't me").
//!
//! A link goes through explicit states, each a type that only the step before can make:
//!
//! ```text
//! text ──verify──▶ VerifiedToken ──check──▶ LiveLink ──consume──▶ UsedLink
//!        (memory:    (token-core)   (database:          (database: one atomic
//!         MAC,                      live row, account,   UPDATE, or the epoch
//!         expiry)                   epoch)               bump of a "not me" link)
//! ```
//!
//! Every kind of bad link ends in the one [`LinkRejected`], which tells callers nothing
//! more: the precise reason goes only to the log and to the `reason` label of
//! `lifeline_tokens_rejected_total` ([`crate::metrics::reasons`]).
//!
//! The service is synchronous and knows nothing of HTTP: it takes a connection (so a
//! flow can consume a link in the same transaction as the work the link pays for), the
//! time, and the key ring, directory and metrics it was built with. Request handlers
//! run it on the blocking pool.

mod check;
mod consume;
mod issue;
mod rejection;
mod service;
#[cfg(test)]
mod tests;

pub use check::LiveLink;
pub use issue::IssueError;
pub use service::Links;
