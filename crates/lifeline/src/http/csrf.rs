//! CSRF protection for forms: a random per-session token (synchroniser token
//! pattern), kept in the encrypted session cookie ([`LifelineSession::csrf_token`])
//! and echoed in a hidden field, checked by the [`CsrfForm`] extractor before a
//! handler runs. No handler checks the token itself.

use std::future::Future;
use std::pin::Pin;

use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::http::extractors::form_body;
use crate::http::session::LifelineSession;

/// A form that carries the `csrf_token` hidden field.
pub trait CsrfField {
    /// The submitted token.
    fn csrf_token(&self) -> &str;
}

/// A form body decoded strictly ([`form_body`]: the media type compared
/// without regard to case, UTF-8 only, unknown, repeated and missing fields
/// refused), whose
/// `csrf_token` matched this session's token. A mismatch is
/// [`AppError::Csrf`], the 403 page, and the handler never runs: a cross-site
/// page can make the browser post with its cookie, but cannot read the token.
pub struct CsrfForm<T>(T);

impl<T> CsrfForm<T> {
    /// The checked form.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> FromRequest for CsrfForm<T>
where
    T: DeserializeOwned + CsrfField + 'static,
{
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = LifelineSession::from(req.get_session());
        let form = form_body::<T>(req, payload);
        Box::pin(async move {
            // The body is decoded first, as before: a malformed form is a 400
            // whatever its token.
            let form = form.await?;
            if !session.csrf_matches(form.csrf_token()) {
                return Err(AppError::Csrf.into());
            }
            Ok(Self(form))
        })
    }
}

/// Implements [`CsrfField`] for forms whose token is the `csrf_token` field.
macro_rules! csrf_field {
    ($($form:ty),+ $(,)?) => {
        $(impl $crate::http::csrf::CsrfField for $form {
            fn csrf_token(&self) -> &str {
                &self.csrf_token
            }
        })+
    };
}
pub(crate) use csrf_field;

#[cfg(test)]
mod tests {
    use actix_web::http::StatusCode;
    use actix_web::test::TestRequest;
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Form {
        email: String,
        csrf_token: String,
    }

    csrf_field!(Form);

    /// Extracts a `CsrfForm<Form>` from a POST of `body` by a session holding a token.
    async fn extract(body: &str) -> Result<CsrfForm<Form>, actix_web::Error> {
        let req = TestRequest::post()
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .to_http_request();
        let token = LifelineSession::from(req.get_session()).csrf_token();
        let mut payload = Payload::from(body.replace("TOKEN", &token).into_bytes());
        CsrfForm::<Form>::from_request(&req, &mut payload).await
    }

    #[actix_web::test]
    async fn a_form_with_the_sessions_token_reaches_the_handler() {
        let form = extract("email=a%40example.com&csrf_token=TOKEN")
            .await
            .expect("the token matches");
        assert_eq!(form.into_inner().email, "a@example.com");
    }

    #[actix_web::test]
    async fn a_form_with_another_token_is_refused_with_the_csrf_page() {
        let error = extract("email=a%40example.com&csrf_token=forged")
            .await
            .err()
            .expect("a forged token is refused");
        assert_eq!(
            error.as_response_error().status_code(),
            StatusCode::FORBIDDEN
        );
    }

    #[actix_web::test]
    async fn a_malformed_form_is_refused_before_its_token_is_looked_at() {
        let error = extract("email=a%40example.com&csrf_token=TOKEN&extra=1")
            .await
            .err()
            .expect("an unknown field is refused");
        assert_eq!(
            error.as_response_error().status_code(),
            StatusCode::BAD_REQUEST
        );
    }

    /// Every page form goes through [`CsrfForm`]: no page handler decodes a
    /// form body without it, and none compares tokens itself.
    #[test]
    fn no_page_handler_takes_a_form_without_the_csrf_check() {
        let pages = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http/pages");
        let mut dirs = vec![std::path::PathBuf::from(pages)];
        let mut offenders = Vec::new();
        while let Some(path) = dirs.pop() {
            if path.is_dir() {
                dirs.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            if text.contains("web::Form<") || text.contains("csrf_matches(") {
                offenders.push(path.display().to_string());
            }
        }
        assert!(
            offenders.is_empty(),
            "forms without CsrfForm in {offenders:?}"
        );
    }
}
