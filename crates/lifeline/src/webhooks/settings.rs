//! `[[webhooks.endpoints]]`: where webhooks go, signed with which secret, for which events.

use serde::{Deserialize, Serialize};

use super::event::EventType;
use super::signature::WebhookSecret;
use crate::config::SecretString;

/// The `[webhooks]` section.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// The receiving endpoints; none by default.
    #[serde(default)]
    pub endpoints: Vec<EndpointSettings>,
}

/// One `[[webhooks.endpoints]]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointSettings {
    /// A unique name of letters, digits, `-` and `_`; queued deliveries carry it.
    pub name: String,
    /// The `http` or `https` URL the events are posted to.
    pub url: String,
    /// The signing secret, `whsec_` and the base64 of 24 to 64 random bytes.
    #[serde(
        default,
        serialize_with = "token_core::serialize_redacted",
        skip_serializing_if = "Option::is_none"
    )]
    pub secret: Option<SecretString>,
    /// Instead of `secret`: a file holding it (surrounding whitespace is ignored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_file: Option<String>,
    /// The event types sent there; omitted means every event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<String>>,
}

impl EndpointSettings {
    /// The signing secret, from `secret` or read from `secret_file` (exactly one is set).
    pub(crate) fn secret(&self) -> Result<WebhookSecret, String> {
        match (&self.secret, &self.secret_file) {
            (Some(secret), None) => WebhookSecret::parse(secret.expose_secret()),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("secret_file {path:?} cannot be read: {e}"))?;
                WebhookSecret::parse(text.trim())
                    .map_err(|why| format!("secret_file {path:?}: {why}"))
            }
            (Some(_), Some(_)) => Err("set secret or secret_file, not both".to_owned()),
            (None, None) => Err(
                "needs a secret (`lifeline webhooks secret` prints one) or a secret_file"
                    .to_owned(),
            ),
        }
    }
}

/// Every problem of the section, as (`webhooks.endpoints[i].field`, why) pairs.
pub(crate) fn problems(settings: &WebhookSettings) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut names = std::collections::HashSet::new();
    for (index, endpoint) in settings.endpoints.iter().enumerate() {
        let mut problem = |field: &str, why: String| {
            found.push((format!("webhooks.endpoints[{index}].{field}"), why));
        };
        let name = &endpoint.name;
        if name.is_empty()
            || name.len() > 64
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            problem(
                "name",
                format!("{name:?} must be 1 to 64 letters, digits, - or _"),
            );
        } else if !names.insert(name.as_str()) {
            problem("name", format!("{name:?} names two endpoints"));
        }
        if let Err(why) = check_url(&endpoint.url) {
            problem("url", why);
        }
        if let Err(why) = endpoint.secret() {
            let field = match endpoint.secret_file {
                Some(_) => "secret_file",
                None => "secret",
            };
            problem(field, why);
        }
        for event in endpoint.events.iter().flatten() {
            if EventType::from_name(event).is_none() {
                let known: Vec<&str> = EventType::ALL.iter().map(|e| e.name()).collect();
                problem(
                    "events",
                    format!("{event:?} is no event; known: {}", known.join(", ")),
                );
            }
        }
    }
    found
}

/// An absolute `http` or `https` URL with a host and no spaces or control characters.
fn check_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("{url:?} must start with http:// or https://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if host.is_empty() || host.starts_with(':') {
        return Err(format!("{url:?} has no host"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{url:?} contains a space or control character"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn endpoint(name: &str, url: &str, secret: &str, events: Option<&[&str]>) -> EndpointSettings {
        EndpointSettings {
            name: name.to_owned(),
            url: url.to_owned(),
            secret: Some(SecretString::new(secret.to_owned())),
            secret_file: None,
            events: events.map(|e| e.iter().map(|s| (*s).to_owned()).collect()),
        }
    }

    #[test]
    fn a_good_endpoint_has_no_problem_and_its_secret_is_not_printed() {
        // Arrange
        let settings = WebhookSettings {
            endpoints: vec![endpoint(
                "host-app",
                "http://127.0.0.1:3000/hooks",
                SECRET,
                Some(&["password.changed"]),
            )],
        };

        // Act
        let found = problems(&settings);
        let printed = format!("{settings:?} {}", serde_json::to_string(&settings).unwrap());

        // Assert
        assert!(found.is_empty(), "{found:?}");
        assert!(!printed.contains("MfKQ9r8"), "{printed}");
    }

    #[test]
    fn each_bad_field_is_named_with_its_endpoint() {
        // Arrange
        let settings = WebhookSettings {
            endpoints: vec![
                endpoint("a b", "ftp://x", "nope", Some(&["password.chngd"])),
                endpoint("dup", "https:///path", SECRET, None),
                endpoint("dup", "https://ok.example", "whsec_AAAA", None),
            ],
        };

        // Act
        let found: Vec<String> = problems(&settings).into_iter().map(|(k, _)| k).collect();

        // Assert
        assert_eq!(
            found,
            [
                "webhooks.endpoints[0].name",
                "webhooks.endpoints[0].url",
                "webhooks.endpoints[0].secret",
                "webhooks.endpoints[0].events",
                "webhooks.endpoints[1].url",
                "webhooks.endpoints[2].name",
                "webhooks.endpoints[2].secret",
            ]
        );
    }

    #[test]
    fn a_secret_file_is_read_and_trimmed_and_a_missing_one_named() {
        // Arrange
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, format!("{SECRET}\n")).unwrap();
        let mut from_file = endpoint("f", "https://ok.example", SECRET, None);
        from_file.secret = None;
        from_file.secret_file = Some(path.display().to_string());
        let mut missing = from_file.clone();
        missing.secret_file = Some(dir.path().join("nope").display().to_string());

        // Act / Assert
        assert!(from_file.secret().is_ok());
        assert!(missing.secret().unwrap_err().contains("cannot be read"));
    }
}
