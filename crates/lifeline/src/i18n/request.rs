//! The language of the request being served: chosen from `Accept-Language` by the
//! outermost middleware, replaced by the session's choice once the session is read,
//! and read by the page renderer wherever a page is rendered (handlers, extractors'
//! error handlers, error pages after the fact).

use std::cell::Cell;

use actix_session::SessionExt;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use super::catalog::Locale;
use crate::http::session::LifelineSession;
use crate::state::AppState;

/// What is known of the request for its pages: its language and its path.
#[derive(Debug)]
pub struct RequestLocale {
    locale: Cell<Locale>,
    path: String,
}

impl RequestLocale {
    /// The request at `path` in `locale`.
    pub fn new(locale: Locale, path: &str) -> Self {
        Self {
            locale: Cell::new(locale),
            path: path.to_owned(),
        }
    }
}

tokio::task_local! {
    static REQUEST: RequestLocale;
}

/// Serves `future` as the request `request`.
pub async fn scope<F: Future>(request: RequestLocale, future: F) -> F::Output {
    REQUEST.scope(request, future).await
}

/// The language of the request being served, if it is served by Lifeline's scope.
pub fn current() -> Option<Locale> {
    REQUEST.try_with(|r| r.locale.get()).ok()
}

/// The tag of the request's language (`de`), for work that outlives the request: a mail job
/// records it, so the mail speaks the language of the request that caused it.
pub fn current_tag(catalogs: &super::Catalogs) -> Option<String> {
    current().map(|locale| catalogs.tag(locale).to_owned())
}

/// The path of the request being served (no query: it may hold a token).
pub fn current_path() -> Option<String> {
    REQUEST.try_with(|r| r.path.clone()).ok()
}

/// Middleware inside the session: a language chosen with the switch (and still offered)
/// wins over the header's.
pub async fn choose_session_language(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let chosen = LifelineSession::from(req.get_session()).language();
    let state = req.app_data::<web::Data<AppState>>();
    if let (Some(tag), Some(state)) = (chosen, state)
        && let Some(locale) = state.pages.catalogs().find(&tag)
    {
        let _ = REQUEST.try_with(|r| r.locale.set(locale));
    }
    next.call(req).await
}
