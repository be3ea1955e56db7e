//! `POST /api/v1/admin/accounts/{id}/recovery-link`: a reset link for an account whose
//! owner cannot sign in, mailed by Lifeline or returned for the help desk to hand over.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use token_core::Lifetime;
use utoipa::ToSchema;

use super::ACCOUNT_RECOVERY_LINK;
use super::key::{ApiKey, Scope};
use super::params::{ACCOUNT_ID, AccountId, accounts, act, actor, rfc3339};
use crate::http::api::error::{ApiError, ErrorBody};
use crate::http::extractors::ApiJson;
use crate::http::urls::API_PREFIX;
use crate::operator::{Delivery, LinkIssuer, Recovery};
use crate::state::AppState;

/// How the link reaches the account's owner.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryDelivery {
    /// Lifeline mails a reset link to the account's address.
    Mail,
    /// The link is in the answer, for the help desk to hand over.
    Response,
}

/// Make a recovery link.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"delivery": "response"}))]
pub struct RecoveryLinkRequest {
    /// `mail` or `response`.
    delivery: RecoveryDelivery,
}

/// A recovery link to hand over.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://id.example.com/password/reset?token=lr1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "expires_at": "2026-12-03T10:21:00Z"}))]
pub struct RecoveryLinkBody {
    /// The reset link. It opens the new-password page; whoever holds it can set the
    /// account's password until it expires or is used.
    pub url: String,
    /// When it stops working (RFC 3339, UTC).
    #[schema(format = DateTime)]
    pub expires_at: String,
}

/// The reset mail is queued.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailQueued {
    /// A sentence that says so, in the language of `Accept-Language` (named by
    /// `Content-Language`).
    pub message: String,
}

/// Makes a recovery link for an account.
#[utoipa::path(
    post,
    context_path = API_PREFIX,
    path = ACCOUNT_RECOVERY_LINK,
    operation_id = "createRecoveryLink",
    tag = "admin",
    security(("admin_key" = [])),
    params(("id" = i64, Path, minimum = 1, description = ACCOUNT_ID)),
    request_body(content = RecoveryLinkRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "`response`: the link, to hand over. Earlier reset links of the account stop working. Audit event `recovery_link_created` names the key and the delivery. Scope `recovery`.", body = RecoveryLinkBody),
        (status = 202, description = "`mail`: a reset link is queued to the account's address (within its hourly mail quota). Audit event `recovery_link_created`. Scope `recovery`.", body = MailQueued),
        (status = 400, description = "`invalid_body`.", body = ErrorBody),
        (status = 404, description = "`account_not_found`.", body = ErrorBody),
        (status = 409, description = "`account_disabled` (enable it first) or `links_paused` (the owner said \"this wasn't me\": lift the pause first).", body = ErrorBody),
    )
)]
pub async fn create(
    key: ApiKey,
    state: web::Data<AppState>,
    id: AccountId,
    body: ApiJson<RecoveryLinkRequest>,
) -> Result<HttpResponse, ApiError> {
    key.require(Scope::Recovery)?;
    let delivery = match body.delivery {
        RecoveryDelivery::Mail => Delivery::Mail,
        RecoveryDelivery::Response => Delivery::Response,
    };
    let settings = &state.settings;
    let issuer = LinkIssuer {
        links: state.links(),
        public_url: format!(
            "{}{}",
            settings.server.public_url.trim_end_matches('/'),
            settings.server.base_path
        ),
        lifetime: Lifetime::clamped(
            i64::try_from(settings.tokens.reset_lifetime_secs).unwrap_or(i64::MAX),
        ),
    };
    let (accounts, actor, now) = (accounts(&state), actor(&key), state.now_unix());
    let recovery = act("making the recovery link", move || {
        accounts.recovery_link(id.0.into(), delivery, &issuer, &actor, now)
    })
    .await?;
    Ok(match recovery {
        Recovery::Queued(kind) => {
            state.outbox.committed(kind);
            crate::http::api::message::accepted("api-accepted-recovery")
        }
        Recovery::Returned(link) => HttpResponse::Created().json(RecoveryLinkBody {
            url: link.url,
            expires_at: rfc3339(link.expires_at),
        }),
    })
}
