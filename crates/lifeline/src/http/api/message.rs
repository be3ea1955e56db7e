//! The `message` of an API error: the id of a catalog message (`templates/locales/<lang>/
//! api.ftl`, or a page message such as a password policy's reason) and its arguments, said
//! in the request's language only when the answer is built.

use std::borrow::Cow;

use actix_web::HttpResponse;
use actix_web::http::header::{CONTENT_LANGUAGE, HeaderValue};
use serde::Serialize;

use crate::http::middleware::error_pages;
use crate::i18n::{Catalogs, FluentArgs, Locale};
use crate::security::password_policy::PasswordRejection;

/// One argument of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    /// Text put in as it is: an address, a scope, a table's name.
    Text(String),
    /// A number (plural selectors see it as one).
    Number(u64),
    /// A wait in seconds, said in words in the message's language ("2 Minuten"), rounded up
    /// like every wait ([`crate::i18n::rounded_up`]).
    Wait(u64),
}

/// What an API error says, not yet in any language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiMessage {
    id: Cow<'static, str>,
    args: Vec<(&'static str, Value)>,
}

impl ApiMessage {
    /// Message `id`, without arguments so far.
    pub fn new(id: impl Into<Cow<'static, str>>) -> Self {
        Self {
            id: id.into(),
            args: Vec::new(),
        }
    }

    /// With `$name` = `text`.
    pub fn with_text(mut self, name: &'static str, text: impl Into<String>) -> Self {
        self.args.push((name, Value::Text(text.into())));
        self
    }

    /// With `$name` = `number`.
    pub fn with_number(mut self, name: &'static str, number: u64) -> Self {
        self.args.push((name, Value::Number(number)));
        self
    }

    /// With `$name` = a wait of `secs` seconds in words.
    pub fn with_wait(mut self, name: &'static str, secs: u64) -> Self {
        self.args.push((name, Value::Wait(secs)));
        self
    }

    /// Why the password policy refused a new password: the page's message for the reason,
    /// with the limit it names.
    pub fn weak_password(reason: &PasswordRejection) -> Self {
        let message = Self::new(reason.message_id());
        match reason {
            PasswordRejection::TooShort { min } => message.with_number("min", count(*min)),
            PasswordRejection::TooLong { max } => message.with_number("max", count(*max)),
            _ => message,
        }
    }

    /// The message in the language of the request being served, with that language's tag
    /// for `Content-Language`; English from the built-in catalog outside a request.
    pub fn said(&self) -> (String, HeaderValue) {
        let Some(state) = error_pages::current_state() else {
            return (self.english(), HeaderValue::from_static("en"));
        };
        let catalogs = state.pages.catalogs();
        let locale = crate::i18n::current().unwrap_or_else(|| catalogs.default_locale());
        let tag =
            HeaderValue::from_str(catalogs.tag(locale)).unwrap_or(HeaderValue::from_static("en"));
        (self.text(catalogs, locale), tag)
    }

    /// The message in `locale`.
    pub fn text(&self, catalogs: &Catalogs, locale: Locale) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in &self.args {
            match value {
                Value::Text(text) => args.set(*name, text.clone()),
                Value::Number(number) => args.set(*name, *number),
                Value::Wait(secs) => args.set(
                    *name,
                    catalogs.duration(locale, crate::i18n::rounded_up(*secs)),
                ),
            }
        }
        catalogs.text(locale, &self.id, Some(&args))
    }

    /// The message in English from the built-in catalog, wherever no request's catalogs
    /// can be reached (and for the log); the id itself if even those cannot be loaded.
    pub fn english(&self) -> String {
        match crate::i18n::built_in_english() {
            Some(english) => self.text(english, english.default_locale()),
            None => self.id.clone().into_owned(),
        }
    }
}

impl From<&'static str> for ApiMessage {
    fn from(id: &'static str) -> Self {
        Self::new(id)
    }
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;

/// The body of a `202 Accepted` that only says what happens next.
#[derive(Serialize)]
struct Said {
    message: String,
}

/// `202 Accepted` whose `message` is message `id` in the request's language, named by
/// `Content-Language`.
pub fn accepted(id: &'static str) -> HttpResponse {
    let (message, language) = ApiMessage::new(id).said();
    HttpResponse::Accepted()
        .insert_header((CONTENT_LANGUAGE, language))
        .json(Said { message })
}
