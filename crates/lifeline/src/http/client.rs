//! Who is asking: the client's address (behind trusted proxies only) and user
//! agent, recorded with tokens, audit events and notification mails.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use crate::http::limits::client_ip::client_ip;
use crate::state::AppState;

/// Longest user agent kept; the rest is cut off.
const MAX_USER_AGENT: usize = 256;

/// The requesting client.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// The client's IP address, if known.
    pub ip: Option<std::net::IpAddr>,
    /// The `User-Agent` header, truncated, if sent and valid text.
    pub user_agent: Option<String>,
}

impl ClientInfo {
    /// The address as text, or an empty string.
    pub fn ip_text(&self) -> String {
        self.ip.map(|ip| ip.to_string()).unwrap_or_default()
    }
}

impl FromRequest for ClientInfo {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trusted = req
            .app_data::<web::Data<AppState>>()
            .map(|state| state.settings.server.trusted_proxies.clone())
            .unwrap_or_default();
        let user_agent = req
            .headers()
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .map(|ua| {
                ua.chars()
                    .filter(|c| !c.is_control())
                    .take(MAX_USER_AGENT)
                    .collect()
            });
        ready(Ok(ClientInfo {
            ip: client_ip(req, &trusted),
            user_agent,
        }))
    }
}
