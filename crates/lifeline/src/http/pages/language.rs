//! `GET /language?lang=de&next=/password/forgot`: the language switch every page shows.
//! The choice is kept in the session and wins over `Accept-Language`. It is a link, not a
//! form, so constant pages stay constant; it changes a preference only, which a forged
//! link cannot abuse beyond showing someone a page in another offered language.

use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::error::AppError;
use crate::http::session::LifelineSession;
use crate::http::urls::Url;
use crate::state::AppState;

/// The switch's query.
#[derive(Debug, Deserialize)]
pub struct Choice {
    lang: String,
    next: Option<String>,
}

/// Keeps `lang` (an offered language, else a 400 that changes nothing) and goes back to
/// `next` when it is a page of this service, else to the sign-in page.
pub async fn get(
    state: web::Data<AppState>,
    session: LifelineSession,
    choice: web::Query<Choice>,
) -> Result<HttpResponse, AppError> {
    let base = &state.settings.server.base_path;
    if state.pages.catalogs().find(&choice.lang).is_none() {
        return Err(AppError::BadRequest("error-unknown-language".into()));
    }
    session
        .set_language(&choice.lang)
        .map_err(|e| AppError::Internal(e.into()))?;
    let next = choice
        .next
        .as_deref()
        .filter(|next| is_own_page(next, base))
        .map_or_else(|| Url::Login.under(base), str::to_owned);
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, next))
        .finish())
}

/// A path below `base` and nothing else: no scheme, no host, no `//`, no backslash, no
/// query (a page's query may hold a token), only printable ASCII.
fn is_own_page(next: &str, base: &str) -> bool {
    let below = next
        .strip_prefix(base)
        .is_some_and(|rest| rest.starts_with('/') && !rest.starts_with("//"));
    below
        && next
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'\\' && b != b'?' && b != b'#')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_page_of_this_service_is_a_place_to_go_back_to() {
        assert!(is_own_page("/password/forgot", ""));
        assert!(is_own_page("/auth/login", "/auth"));
        assert!(!is_own_page("//evil.example/x", ""));
        assert!(!is_own_page("https://evil.example/", ""));
        assert!(!is_own_page("/login", "/auth"));
        assert!(!is_own_page("/auth//evil.example", "/auth"));
        assert!(!is_own_page("/\\evil.example", ""));
        assert!(!is_own_page("/password/reset?token=x", ""));
        assert!(!is_own_page("/a b", ""));
    }
}
