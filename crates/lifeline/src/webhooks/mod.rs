//! Signed webhooks: events raised where accounts change, delivered through the outbox.
//!
//! - `settings`: `[[webhooks.endpoints]]` (name, URL, secret, event filter) and its checks.
//! - `event`: the event types and their data.
//! - `signature`: Standard Webhooks secrets (`whsec_…`) and `v1,` HMAC-SHA256 signatures.
//! - [`Webhooks`] (here): the one way an event is raised, [`Webhooks::raise`], which writes one
//!   outbox row ([`MailJob::Webhook`]) per endpoint that wants the event, inside the
//!   caller's transaction, so the event exists exactly when the change does; and the worker
//!   side, [`Webhooks::compose`], which turns a claimed row into a signed [`mail::HttpPost`].
//!
//! The mail crate's worker delivers the request like an email: the same leases, retries,
//! backoff and give-up. `webhook-id` is the row's job key, the same on every attempt;
//! `webhook-timestamp` and the signature are made afresh for each attempt.

mod event;
mod settings;
mod signature;

use chrono::NaiveDateTime;
use mail::{Composition, HttpPost};
use storage::outbox::OutboxJob;
use storage::{DbConnection, StorageError};

pub use event::{Event, EventType};
pub(crate) use settings::problems;
pub use settings::{EndpointSettings, WebhookSettings};
pub use signature::WebhookSecret;

use crate::outbox::{MailJob, WebhookDelivery};

/// One endpoint, its secret read.
#[derive(Debug, Clone)]
struct Endpoint {
    name: String,
    url: String,
    secret: WebhookSecret,
    events: Option<Vec<EventType>>,
}

/// The configured endpoints: where events are raised and how their rows are composed.
#[derive(Debug, Clone, Default)]
pub struct Webhooks {
    endpoints: Vec<Endpoint>,
}

impl Webhooks {
    /// The endpoints of `settings`, their secrets read (a `secret_file` from disk). Fails on
    /// the first problem (`config check` lists them all).
    pub fn from_settings(settings: &WebhookSettings) -> Result<Webhooks, String> {
        let endpoints = settings
            .endpoints
            .iter()
            .map(|endpoint| {
                let secret = endpoint
                    .secret()
                    .map_err(|why| format!("webhook endpoint {:?}: {why}", endpoint.name))?;
                let events = endpoint.events.as_ref().map(|names| {
                    names
                        .iter()
                        .filter_map(|name| EventType::from_name(name))
                        .collect()
                });
                Ok(Endpoint {
                    name: endpoint.name.clone(),
                    url: endpoint.url.clone(),
                    secret,
                    events,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Webhooks { endpoints })
    }

    /// Writes one outbox row per endpoint that wants `event`, with `conn` (inside the
    /// caller's transaction, beside the change and its audit event). Returns how many rows
    /// were written: after the commit, announce them with `Outbox::committed_webhooks`.
    pub fn raise(
        &self,
        conn: &mut DbConnection,
        event: &Event,
        now: NaiveDateTime,
    ) -> Result<usize, StorageError> {
        let mut written = 0;
        let data = serde_json::to_value(&event.data).map_err(unserialisable)?;
        for endpoint in &self.endpoints {
            if !endpoint
                .events
                .as_ref()
                .is_none_or(|events| events.contains(&event.kind))
            {
                continue;
            }
            let job = MailJob::Webhook(WebhookDelivery {
                endpoint: endpoint.name.clone(),
                event: event.kind.name().to_owned(),
                occurred_at: now.and_utc().timestamp(),
                data: data.clone(),
            })
            .encode()
            .map_err(unserialisable)?;
            job.write(conn, now)?;
            written += 1;
        }
        Ok(written)
    }

    /// The signed request for a claimed row, or a skip when its endpoint is no longer
    /// configured. `now_unix` is this attempt's `webhook-timestamp`.
    pub(crate) fn compose(
        &self,
        job: &OutboxJob,
        delivery: &WebhookDelivery,
        now_unix: i64,
    ) -> Composition {
        let Some(endpoint) = self.endpoints.iter().find(|e| e.name == delivery.endpoint) else {
            return Composition::Skip(format!(
                "webhook endpoint {:?} is no longer configured",
                delivery.endpoint
            ));
        };
        let body = body(delivery);
        let id = webhook_id(&job.job_key);
        let signature = endpoint.secret.sign(&id, now_unix, &body);
        Composition::Post(HttpPost {
            url: endpoint.url.clone(),
            target: format!("webhook {}", endpoint.name),
            headers: vec![
                ("webhook-id".to_owned(), id),
                ("webhook-timestamp".to_owned(), now_unix.to_string()),
                ("webhook-signature".to_owned(), signature),
            ],
            body,
        })
    }
}

/// A job that could not be serialised (it cannot happen: every field is a string or number).
fn unserialisable(error: impl std::error::Error + Send + Sync + 'static) -> StorageError {
    StorageError::Query(diesel::result::Error::SerializationError(Box::new(error)))
}

/// A fresh signing secret, `whsec_` and the base64 of 32 random bytes, for
/// `lifeline webhooks secret`.
pub fn generate_secret() -> anyhow::Result<String> {
    WebhookSecret::generate()
        .map_err(|e| anyhow::anyhow!("the system random number generator failed: {e}"))
}

/// The `webhook-id` of the row with this job key: stable across attempts.
pub fn webhook_id(job_key: &str) -> String {
    format!("msg_{job_key}")
}

/// `{"type": …, "timestamp": RFC 3339, "data": {…}}`, the same on every attempt.
fn body(delivery: &WebhookDelivery) -> String {
    let timestamp = chrono::DateTime::from_timestamp(delivery.occurred_at, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    serde_json::json!({
        "type": delivery.event,
        "timestamp": timestamp,
        "data": delivery.data,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn webhooks() -> Webhooks {
        Webhooks::from_settings(&WebhookSettings {
            endpoints: vec![EndpointSettings {
                name: "host-app".into(),
                url: "http://127.0.0.1:9/hooks".into(),
                secret: Some(crate::config::SecretString::new(SECRET.to_owned())),
                secret_file: None,
                events: None,
            }],
        })
        .unwrap()
    }

    fn row(endpoint: &str) -> (OutboxJob, WebhookDelivery) {
        let now = chrono::DateTime::UNIX_EPOCH.naive_utc();
        let job = OutboxJob {
            id: 1,
            job_key: "0123456789abcdef0123456789abcdef".into(),
            kind: "webhook".into(),
            payload: String::new(),
            attempts: 1,
            next_attempt_at: now,
            lease_owner: None,
            lease_expires_at: None,
            sent_at: None,
            failed_at: None,
            last_error: None,
            created_at: now,
        };
        let delivery = WebhookDelivery {
            endpoint: endpoint.into(),
            event: "signin.succeeded".into(),
            occurred_at: 1_764_000_000,
            data: serde_json::json!({"user_id": 5, "email": "a@example.com", "method": "link"}),
        };
        (job, delivery)
    }

    #[test]
    fn each_attempt_is_signed_afresh_under_the_same_id_and_body() {
        // Arrange
        let (job, delivery) = row("host-app");
        let hooks = webhooks();

        // Act
        let first = hooks.compose(&job, &delivery, 1_764_000_100);
        let second = hooks.compose(&job, &delivery, 1_764_000_200);

        // Assert
        let (Composition::Post(first), Composition::Post(second)) = (first, second) else {
            panic!("not posts");
        };
        assert_eq!(first.body, second.body);
        assert_eq!(
            first.body,
            r#"{"data":{"email":"a@example.com","method":"link","user_id":5},"timestamp":"2025-11-24T16:00:00Z","type":"signin.succeeded"}"#
        );
        let header = |post: &HttpPost, name: &str| {
            post.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(
            header(&first, "webhook-id"),
            "msg_0123456789abcdef0123456789abcdef"
        );
        assert_eq!(header(&first, "webhook-id"), header(&second, "webhook-id"));
        assert_eq!(header(&first, "webhook-timestamp"), "1764000100");
        let secret = WebhookSecret::parse(SECRET).unwrap();
        assert_eq!(
            header(&first, "webhook-signature"),
            secret.sign(&header(&first, "webhook-id"), 1_764_000_100, &first.body)
        );
        assert_ne!(
            header(&first, "webhook-signature"),
            header(&second, "webhook-signature")
        );
        assert!(!format!("{first:?}").contains("MfKQ9r8"));
    }

    #[test]
    fn a_delivery_for_an_endpoint_no_longer_configured_is_skipped() {
        // Arrange
        let (job, delivery) = row("removed");

        // Act
        let composed = webhooks().compose(&job, &delivery, 1);

        // Assert
        assert!(
            matches!(&composed, Composition::Skip(reason) if reason.contains("\"removed\" is no longer configured"))
        );
    }
}
