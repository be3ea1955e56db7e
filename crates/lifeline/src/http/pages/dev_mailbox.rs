//! `/dev/mailbox`: the development transport's inbox. Routed only in
//! development mode with the `mailbox` transport; production never has it.

use actix_web::http::StatusCode;
use actix_web::http::header::{
    CONTENT_SECURITY_POLICY as CONTENT_SECURITY_POLICY_HEADER, ContentType, HeaderValue,
    X_FRAME_OPTIONS,
};
use actix_web::{HttpResponse, web};
use serde::Serialize;
use storage::mailbox;
use tera::Context;

use crate::error::AppError;
use crate::http::blocking;
use crate::http::middleware::headers::FRAMING_PAGE_POLICY;
use crate::http::urls::Url;
use crate::state::AppState;

#[derive(Serialize)]
struct Summary {
    id: i64,
    subject: String,
    recipient: String,
    created_at: String,
}

/// `GET /dev/mailbox`: the newest messages.
pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let db = state.db.clone();
    let messages = blocking::run("listing the mailbox", move || {
        mailbox::list_recent(&mut *db.conn()?, 50)
    })
    .await?;
    let messages: Vec<Summary> = messages
        .into_iter()
        .map(|m| Summary {
            id: m.id,
            subject: m.subject,
            recipient: m.recipient,
            created_at: m.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        })
        .collect();
    let mut context = Context::new();
    context.insert("messages", &messages);
    Ok(state
        .pages
        .render(StatusCode::OK, "mailbox.html.tera", context))
}

/// The HTML part's policy: a sandbox (no script, no form, no plugin, no
/// navigation of the page that frames it; a link opens a new tab, which
/// leaves the sandbox so the pages it leads to work as usual), the mail's
/// inline styles and remote images, and framing by this origin only.
const HTML_PART_POLICY: &str = "sandbox allow-popups allow-popups-to-escape-sandbox; \
     default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; \
     form-action 'none'; base-uri 'none'; frame-ancestors 'self'";

/// Makes every link of the HTML part open a new tab: a link followed inside
/// the frame would load a Lifeline page, which refuses to be framed.
const OPEN_LINKS_IN_A_NEW_TAB: &str = "<base target=\"_blank\">";

/// `html` with [`OPEN_LINKS_IN_A_NEW_TAB`] at the start of its `<head>`, or in
/// front of it when it has none.
fn with_links_in_new_tabs(html: &str) -> String {
    let head_end = html
        .to_ascii_lowercase()
        .find("<head")
        .and_then(|start| html[start..].find('>').map(|end| start + end + 1));
    match head_end {
        Some(at) => format!("{}{OPEN_LINKS_IN_A_NEW_TAB}{}", &html[..at], &html[at..]),
        None => format!("{OPEN_LINKS_IN_A_NEW_TAB}{html}"),
    }
}

/// Loads message `id` (a 400 page when there is none).
async fn load(state: &AppState, id: i64) -> Result<mailbox::Mail, AppError> {
    let db = state.db.clone();
    let message = blocking::run("loading a mailbox message", move || {
        mailbox::find(&mut *db.conn()?, id)
    })
    .await?;
    message.ok_or_else(|| AppError::BadRequest("mailbox-no-message".into()))
}

/// `GET /dev/mailbox/{id}`: one message, with its links made clickable and
/// its HTML part, if any, in a sandboxed frame.
pub async fn show(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let message = load(&state, id).await?;
    let public = state
        .settings
        .server
        .public_url
        .trim_end_matches('/')
        .to_owned();
    let links: Vec<&str> = message
        .body_text
        .split_whitespace()
        .filter(|word| word.starts_with(&public))
        .collect();
    let html_url = message.body_html.as_ref().map(|_| {
        state.path(
            &Url::DevMailboxMessageHtml
                .path()
                .replace("{id}", &id.to_string()),
        )
    });
    let mut context = Context::new();
    context.insert("subject", &message.subject);
    context.insert("recipient", &message.recipient);
    context.insert(
        "created_at",
        &message
            .created_at
            .format("%Y-%m-%d %H:%M:%S UTC")
            .to_string(),
    );
    context.insert("links", &links);
    context.insert("body_text", &message.body_text);
    context.insert("html_url", &html_url);
    let mut page = state
        .pages
        .render(StatusCode::OK, "mailbox_message.html.tera", context);
    page.headers_mut().insert(
        CONTENT_SECURITY_POLICY_HEADER,
        HeaderValue::from_static(FRAMING_PAGE_POLICY),
    );
    Ok(page)
}

/// `GET /dev/mailbox/{id}/html`: the message's HTML part as it was sent, for
/// the frame on its page only (`frame-ancestors 'self'`, `X-Frame-Options:
/// SAMEORIGIN`), under a CSP sandbox that runs no script. A 400 page when the
/// message has no HTML part.
pub async fn show_html(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let message = load(&state, id.into_inner()).await?;
    let html = message
        .body_html
        .ok_or_else(|| AppError::BadRequest("mailbox-no-html".into()))?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::html())
        .insert_header((CONTENT_SECURITY_POLICY_HEADER, HTML_PART_POLICY))
        .insert_header((X_FRAME_OPTIONS, "SAMEORIGIN"))
        .body(with_links_in_new_tabs(&html)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_open_in_a_new_tab_with_or_without_a_head() {
        assert_eq!(
            with_links_in_new_tabs("<!doctype html><HTML><Head lang=x><title>t</title>"),
            "<!doctype html><HTML><Head lang=x><base target=\"_blank\"><title>t</title>"
        );
        assert_eq!(
            with_links_in_new_tabs("<p>hi</p>"),
            "<base target=\"_blank\"><p>hi</p>"
        );
    }
}
