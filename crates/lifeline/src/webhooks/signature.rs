//! Standard Webhooks signatures: `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`,
//! keyed with the bytes of a `whsec_` secret.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// The prefix of a secret in the Standard Webhooks form.
const PREFIX: &str = "whsec_";

/// A signing key: the decoded bytes of a `whsec_` secret, zeroed when dropped.
#[derive(Clone)]
pub struct WebhookSecret(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(***)")
    }
}

impl WebhookSecret {
    /// Reads `whsec_` followed by the standard base64 of 24 to 64 bytes.
    pub fn parse(text: &str) -> Result<WebhookSecret, String> {
        let encoded = text.strip_prefix(PREFIX).ok_or_else(|| {
            "must be \"whsec_\" and base64 (`lifeline webhooks secret` prints one)".to_owned()
        })?;
        let bytes = Zeroizing::new(
            STANDARD
                .decode(encoded)
                .map_err(|_| "the part after \"whsec_\" is not standard base64".to_owned())?,
        );
        if !(24..=64).contains(&bytes.len()) {
            return Err(format!(
                "holds {} bytes; use 24 to 64 random bytes",
                bytes.len()
            ));
        }
        Ok(WebhookSecret(bytes))
    }

    /// A fresh secret of 32 random bytes, in the `whsec_` form.
    pub fn generate() -> Result<String, getrandom::Error> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut())?;
        Ok(format!("{PREFIX}{}", STANDARD.encode(bytes.as_ref())))
    }

    /// The `webhook-signature` header's value for this message.
    pub fn sign(&self, id: &str, timestamp: i64, body: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            // HMAC takes a key of any length.
            return String::new();
        };
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body.as_bytes());
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_one_of_the_specifications_example() {
        // Arrange: the example of the Standard Webhooks reference libraries.
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();

        // Act
        let signature = secret.sign(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#,
        );

        // Assert
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_generated_secret_reads_back_and_malformed_ones_are_refused() {
        // Arrange
        let fresh = WebhookSecret::generate().unwrap();

        // Act / Assert
        assert!(WebhookSecret::parse(&fresh).is_ok(), "{fresh}");
        for bad in [
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_!!!",
            "whsec_AAAA",
            "",
        ] {
            assert!(WebhookSecret::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            format!("{:?}", WebhookSecret::parse(&fresh).unwrap()),
            "WebhookSecret(***)"
        );
    }
}
