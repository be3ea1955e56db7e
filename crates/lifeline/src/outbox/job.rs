//! Every kind of mail the outbox sends, as one enum, and how a job is stored.
//!
//! A job is an `outbox` row with two columns: `kind`, the variant's name in snake_case, and
//! `payload`, the variant's fields as JSON. That is serde's adjacently tagged form
//! `{"kind": …, "payload": …}` split in two, so one derive decides both columns. The names and
//! fields are the ones earlier versions wrote, so jobs they queued still read and send.

use std::fmt;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use storage::{DbConnection, StorageError, outbox};

use super::payloads::{
    MagicLinkRequested, MagicLinkSignedIn, NotMeConfirmed, PasswordChanged, ResetRequested,
    WebhookDelivery,
};

/// A mail to send, with what the worker needs to compose it.
///
/// Adding a kind: a payload struct in [`super::payloads`], a variant here and in [`JobKind`],
/// and an arm in the composer's `match` (the compiler points at each one left).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum MailJob {
    /// A reset link for an address (the worker looks the account up).
    PasswordResetRequested(ResetRequested),
    /// The "password changed" notice.
    PasswordChanged(PasswordChanged),
    /// The confirmation of a "this wasn't me" lock-down.
    NotMeConfirmed(NotMeConfirmed),
    /// A magic sign-in link for an address (the worker looks the account up).
    MagicLinkRequested(MagicLinkRequested),
    /// The "new sign-in by magic link" notice.
    MagicLinkSignedIn(MagicLinkSignedIn),
    /// Not a mail: a signed webhook request to one endpoint (`crate::webhooks`).
    Webhook(WebhookDelivery),
}

/// The kind of a [`MailJob`] without its payload: what `outbox.kind` stores and what the
/// `kind` label of `lifeline_mails_queued_total` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// [`MailJob::PasswordResetRequested`].
    PasswordResetRequested,
    /// [`MailJob::PasswordChanged`].
    PasswordChanged,
    /// [`MailJob::NotMeConfirmed`].
    NotMeConfirmed,
    /// [`MailJob::MagicLinkRequested`].
    MagicLinkRequested,
    /// [`MailJob::MagicLinkSignedIn`].
    MagicLinkSignedIn,
    /// [`MailJob::Webhook`].
    Webhook,
}

impl JobKind {
    /// Every kind.
    pub const ALL: [JobKind; 6] = [
        JobKind::PasswordResetRequested,
        JobKind::PasswordChanged,
        JobKind::NotMeConfirmed,
        JobKind::MagicLinkRequested,
        JobKind::MagicLinkSignedIn,
        JobKind::Webhook,
    ];

    /// The name in `outbox.kind`: [`MailJob`]'s serde tag for the same variant (encoding
    /// checks they agree). Never rename one: queued rows carry it.
    pub const fn name(self) -> &'static str {
        match self {
            JobKind::PasswordResetRequested => "password_reset_requested",
            JobKind::PasswordChanged => "password_changed",
            JobKind::NotMeConfirmed => "not_me_confirmed",
            JobKind::MagicLinkRequested => "magic_link_requested",
            JobKind::MagicLinkSignedIn => "magic_link_signed_in",
            JobKind::Webhook => "webhook",
        }
    }

    /// The kind stored as `name`, if this version knows it.
    pub fn from_name(name: &str) -> Option<JobKind> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

impl fmt::Display for JobKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a job could not become a row, or a row a job.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The row's kind is not one this version knows, e.g. one a newer version wrote.
    #[error("unknown job kind {0}")]
    UnknownKind(String),
    /// The row's payload is not JSON or does not fit its kind.
    #[error("unreadable {kind} payload: {source}")]
    Payload {
        /// The row's kind.
        kind: JobKind,
        /// What serde found wrong.
        #[source]
        source: serde_json::Error,
    },
    /// The job could not be serialised.
    #[error("job not serialisable: {0}")]
    Encode(#[source] serde_json::Error),
}

/// A job as its row stores it: the kind and the payload's JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedJob {
    kind: JobKind,
    payload: String,
}

impl EncodedJob {
    /// The job's kind.
    pub fn kind(&self) -> JobKind {
        self.kind
    }

    /// The payload's JSON, as stored.
    #[cfg(test)]
    pub fn payload(&self) -> &str {
        &self.payload
    }

    /// Writes the job, due at `now`, with `conn`: inside the caller's transaction, so the mail
    /// is queued exactly when the change it reports commits. After the commit, hand the kind to
    /// [`super::Outbox::committed`], which counts it and wakes the worker.
    pub fn write(&self, conn: &mut DbConnection, now: NaiveDateTime) -> Result<(), StorageError> {
        outbox::enqueue(conn, self.kind.name(), &self.payload, now)?;
        Ok(())
    }

    /// The row to add with [`outbox::enqueue_all`].
    pub(super) fn as_new_job(&self) -> outbox::NewJob<'_> {
        outbox::NewJob {
            kind: self.kind.name(),
            payload: &self.payload,
        }
    }
}

impl MailJob {
    /// The job's row. The payload is the variant's fields exactly as serde writes them (in
    /// declaration order), taken from the tagged form without being parsed into a map, which
    /// would reorder them.
    pub fn encode(&self) -> Result<EncodedJob, JobError> {
        #[derive(Deserialize)]
        struct Tagged<'a> {
            kind: &'a str,
            #[serde(borrow)]
            payload: &'a RawValue,
        }
        let text = serde_json::to_string(self).map_err(JobError::Encode)?;
        let tagged: Tagged<'_> = serde_json::from_str(&text).map_err(JobError::Encode)?;
        let kind = JobKind::from_name(tagged.kind)
            .ok_or_else(|| JobError::UnknownKind(tagged.kind.to_owned()))?;
        Ok(EncodedJob {
            kind,
            payload: tagged.payload.get().to_owned(),
        })
    }

    /// The job a row holds. A kind this version does not know is [`JobError::UnknownKind`]; a
    /// payload that is not exactly one JSON value fitting its kind is [`JobError::Payload`].
    pub fn decode(kind: &str, payload: &str) -> Result<MailJob, JobError> {
        let kind =
            JobKind::from_name(kind).ok_or_else(|| JobError::UnknownKind(kind.to_owned()))?;
        let unreadable = |source| JobError::Payload { kind, source };
        let payload: serde_json::Value = serde_json::from_str(payload).map_err(unreadable)?;
        MailJob::deserialize(serde_json::json!({ "kind": kind.name(), "payload": payload }))
            .map_err(unreadable)
    }

    /// The job's kind.
    #[cfg(test)]
    pub fn kind(&self) -> JobKind {
        match self {
            MailJob::PasswordResetRequested(_) => JobKind::PasswordResetRequested,
            MailJob::PasswordChanged(_) => JobKind::PasswordChanged,
            MailJob::NotMeConfirmed(_) => JobKind::NotMeConfirmed,
            MailJob::MagicLinkRequested(_) => JobKind::MagicLinkRequested,
            MailJob::MagicLinkSignedIn(_) => JobKind::MagicLinkSignedIn,
            MailJob::Webhook(_) => JobKind::Webhook,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows exactly as the version before the typed jobs wrote them.
    const TODAYS_ROWS: [(&str, &str); 6] = [
        (
            "password_reset_requested",
            r#"{"email":"ada@example.com","ip":"203.0.113.7","requested_at":1764000000}"#,
        ),
        (
            "password_changed",
            r#"{"user_id":7,"ip":"203.0.113.7","user_agent":"Firefox/140","changed_at":1764000000}"#,
        ),
        (
            "not_me_confirmed",
            r#"{"user_id":7,"ip":null,"confirmed_at":1764000000}"#,
        ),
        (
            "magic_link_requested",
            r#"{"email":"ada@example.com","ip":null,"requested_at":1764000000}"#,
        ),
        (
            "magic_link_requested",
            r#"{"email":"ada@example.com","ip":"::1","requested_at":1764000000,"browser":"q0Xb"}"#,
        ),
        (
            "magic_link_signed_in",
            r#"{"user_id":7,"ip":null,"user_agent":null,"signed_in_at":1764000000}"#,
        ),
    ];

    fn sample(kind: JobKind) -> MailJob {
        match kind {
            JobKind::PasswordResetRequested => MailJob::PasswordResetRequested(ResetRequested {
                email: "ada@example.com".into(),
                ip: None,
                requested_at: 1,
                lang: None,
            }),
            JobKind::PasswordChanged => MailJob::PasswordChanged(PasswordChanged {
                user_id: 1,
                ip: None,
                user_agent: None,
                changed_at: 1,
                lang: None,
            }),
            JobKind::NotMeConfirmed => MailJob::NotMeConfirmed(NotMeConfirmed {
                user_id: 1,
                ip: None,
                confirmed_at: 1,
                password_voided: true,
                lang: None,
            }),
            JobKind::MagicLinkRequested => MailJob::MagicLinkRequested(MagicLinkRequested {
                email: "ada@example.com".into(),
                ip: None,
                requested_at: 1,
                browser: None,
                lang: None,
            }),
            JobKind::MagicLinkSignedIn => MailJob::MagicLinkSignedIn(MagicLinkSignedIn {
                user_id: 1,
                ip: None,
                user_agent: None,
                signed_in_at: 1,
                lang: None,
            }),
            JobKind::Webhook => MailJob::Webhook(WebhookDelivery {
                endpoint: "host-app".into(),
                event: "password.changed".into(),
                occurred_at: 1,
                data: serde_json::json!({"user_id": 1, "email": "ada@example.com"}),
            }),
        }
    }

    #[test]
    fn rows_written_before_the_typed_jobs_read_and_are_written_again_byte_for_byte() {
        for (kind, payload) in TODAYS_ROWS {
            // Act
            let job = MailJob::decode(kind, payload).unwrap();
            let row = job.encode().unwrap();

            // Assert
            assert_eq!(row.kind().name(), kind);
            assert_eq!(job.kind(), row.kind());
            assert_eq!(row.payload(), payload, "{kind}");
        }
    }

    #[test]
    fn a_decoded_row_carries_every_field_of_its_payload() {
        // Arrange
        let (kind, payload) = TODAYS_ROWS[1];

        // Act
        let job = MailJob::decode(kind, payload).unwrap();

        // Assert
        assert_eq!(
            job,
            MailJob::PasswordChanged(PasswordChanged {
                user_id: 7,
                ip: Some("203.0.113.7".into()),
                user_agent: Some("Firefox/140".into()),
                changed_at: 1_764_000_000,
                lang: None,
            })
        );
    }

    #[test]
    fn every_kind_is_stored_under_its_name_and_read_back_as_itself() {
        for kind in JobKind::ALL {
            // Arrange
            let job = sample(kind);

            // Act
            let row = job.encode().unwrap();
            let read = MailJob::decode(row.kind().name(), row.payload()).unwrap();

            // Assert
            assert_eq!(row.kind(), kind);
            assert_eq!(JobKind::from_name(kind.name()), Some(kind));
            assert_eq!(read, job);
        }
    }

    #[test]
    fn a_lock_down_that_voided_the_password_says_so_and_older_rows_read_as_not() {
        // Arrange
        let old = TODAYS_ROWS[2];
        let voided = MailJob::NotMeConfirmed(NotMeConfirmed {
            user_id: 7,
            ip: None,
            confirmed_at: 1_764_000_000,
            password_voided: true,
            lang: None,
        });

        // Act
        let read_old = MailJob::decode(old.0, old.1).unwrap();
        let row = voided.encode().unwrap();

        // Assert
        assert!(matches!(
            read_old,
            MailJob::NotMeConfirmed(NotMeConfirmed {
                password_voided: false,
                ..
            })
        ));
        assert_eq!(
            row.payload(),
            r#"{"user_id":7,"ip":null,"confirmed_at":1764000000,"password_voided":true}"#
        );
        assert_eq!(MailJob::decode(old.0, row.payload()).unwrap(), voided);
    }

    #[test]
    fn a_kind_this_version_does_not_know_is_reported_as_unknown() {
        // Act
        let error = MailJob::decode("webhook_v9", "{}").unwrap_err();

        // Assert
        assert!(matches!(&error, JobError::UnknownKind(kind) if kind == "webhook_v9"));
        assert_eq!(error.to_string(), "unknown job kind webhook_v9");
    }

    #[test]
    fn a_payload_that_does_not_fit_its_kind_is_reported_with_the_kind() {
        let unfit = [
            "not json",
            r#"{"user_id":7,"ip":null,"confirmed_at":1} {"x":1}"#,
            r#"{"user_id":"seven","ip":null,"confirmed_at":1}"#,
            r#"{"user_id":7,"ip":null}"#,
            r#"{"user_id":7,"ip":null,"confirmed_at":1,"added_later":true}"#,
        ];
        for payload in unfit {
            // Act
            let error = MailJob::decode("not_me_confirmed", payload).unwrap_err();

            // Assert
            assert!(
                matches!(
                    error,
                    JobError::Payload {
                        kind: JobKind::NotMeConfirmed,
                        ..
                    }
                ),
                "{payload}: {error}"
            );
        }
    }
}
