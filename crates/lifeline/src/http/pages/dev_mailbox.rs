//! `/dev/mailbox`: the development transport's inbox. Routed only in
//! development mode with the `mailbox` transport; production never has it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use storage::mailbox;
use tera::Context;

use crate::error::AppError;
use crate::http::blocking;
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

/// `GET /dev/mailbox/{id}`: one message, with its links made clickable.
pub async fn show(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let db = state.db.clone();
    let id = id.into_inner();
    let message = blocking::run("loading a mailbox message", move || {
        mailbox::find(&mut *db.conn()?, id)
    })
    .await?;
    let Some(message) = message else {
        return Err(AppError::BadRequest("There is no such message.".into()));
    };
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
    Ok(state
        .pages
        .render(StatusCode::OK, "mailbox_message.html.tera", context))
}
