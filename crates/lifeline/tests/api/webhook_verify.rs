//! How a receiver written in Rust checks a Lifeline webhook: the code docs/integrating.md
//! shows ("### Webhooks"), verbatim; the webhook tests verify every delivery with it.

use standardwebhooks::Webhook;

/// Checks a delivery's `webhook-signature` (and that its `webhook-timestamp` is within five
/// minutes) with the endpoint's `whsec_…` secret, then reads the event. Dedupe on the
/// `webhook-id` header: a retried delivery carries the same one.
pub fn verify_webhook(
    secret: &str,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    Webhook::new(secret)?.verify(body, headers)?;
    Ok(serde_json::from_slice(body)?)
}
