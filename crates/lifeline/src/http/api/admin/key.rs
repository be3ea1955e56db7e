//! The admin API key of a request (placeholder until the key table lands: refuses every
//! request with 401 `unauthenticated`).

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest};

use crate::http::api::error::{ApiError, ErrorCode};

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Read accounts, sessions and audit events.
    Read,
    /// Change accounts and sessions.
    Write,
    /// Create recovery links.
    Recovery,
}

/// The request's valid API key.
#[derive(Debug, Clone)]
pub struct ApiKey {
    /// The key's id.
    pub id: i64,
    /// The key's name.
    pub name: String,
}

impl ApiKey {
    /// 403 `insufficient_scope` unless the key has `scope`.
    pub fn require(&self, _scope: Scope) -> Result<(), ApiError> {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::InsufficientScope,
            "This API key lacks the scope this endpoint needs.",
        ))
    }
}

impl FromRequest for ApiKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(_req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            "Send a valid API key as `Authorization: Bearer <key>`.",
        )))
    }
}
