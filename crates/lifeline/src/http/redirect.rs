//! Where a browser may be sent after signing in (open-redirect protection).

use crate::state::AppState;

/// Where a browser goes after signing in when no usable `next` was given.
pub const DEFAULT_AFTER_SIGN_IN: &str = crate::http::urls::Url::Account.path();

/// Longest `next` value considered at all; the allow-list holds short paths.
const MAX_NEXT_LEN: usize = 512;

/// The `next` target to redirect to after sign-in, or `None` when it is not allowed.
///
/// Two kinds of target are allowed, both only by an exact match:
///
/// - a local path equal, byte for byte, to an allow-list entry that is itself a plain local
///   path (see [`is_local_path`]). Nothing is decoded, trimmed or normalised first: an
///   attacker's `//evil.example`, `/\evil.example` or `%2F%2Fevil.example` can only ever be
///   compared with the configured paths, and none of them equals one. Accepting prefixes or
///   patterns instead would invite the classic bypasses (`/account.evil.example`,
///   `/account/../../`, encoded slashes);
/// - an absolute `http`/`https` URL whose origin (scheme, host and port) equals an
///   allow-list entry that is a bare origin such as `https://app.example.com` (see
///   [`is_origin`]). The URL must already be in the canonical form a URL parser writes it
///   in (lower-case host, no default port, no user name or password, no backslash or white
///   space), so what is compared is what the browser will follow:
///   `https://app.example.com@evil.example`, `https://app.example.com%2F@evil.example` or
///   `https:\\app.example.com` never reach the comparison.
pub fn allowed_next(candidate: &str, allow_list: &[String]) -> Option<String> {
    if candidate.is_empty() || candidate.len() > MAX_NEXT_LEN {
        return None;
    }
    if let Some(path) = allow_list
        .iter()
        .find(|entry| *entry == candidate && is_local_path(entry))
    {
        return Some(path.clone());
    }
    let origin = canonical_origin(candidate)?;
    allow_list
        .iter()
        .any(|entry| *entry == origin && is_origin(entry))
        .then(|| candidate.to_owned())
}

/// The redirect target after sign-in: `next` when allow-listed, else Lifeline's
/// own [`DEFAULT_AFTER_SIGN_IN`] under `base_path` (a validated path such as
/// `/auth`, or empty). Allow-list entries are paths of the whole site and are
/// used as written: one may name a host application's page outside the base path.
pub fn after_sign_in(next: Option<&str>, allow_list: &[String], base_path: &str) -> String {
    match next.and_then(|next| allowed_next(next, allow_list)) {
        Some(allowed) => allowed,
        None => format!("{base_path}{DEFAULT_AFTER_SIGN_IN}"),
    }
}

/// `next` as the sign-in pages carry it (the hidden field of `/login` and
/// `/magic-link`): [`allowed_next`] against the configured
/// `server.redirect_allow_list`, `None` when absent or not allowed.
pub fn configured_next(state: &AppState, next: Option<&str>) -> Option<String> {
    next.and_then(|next| allowed_next(next, &state.settings.server.redirect_allow_list))
}

/// Where a browser that has just signed in goes: [`after_sign_in`] with the
/// configured allow-list and base path.
pub fn configured_after_sign_in(state: &AppState, next: Option<&str>) -> String {
    let server = &state.settings.server;
    after_sign_in(next, &server.redirect_allow_list, &server.base_path)
}

/// Whether `path` can only ever mean a page on this site: it starts with one
/// `/`, is not scheme-relative (`//host`), holds no backslash (browsers read
/// `/\host` as `//host`), no percent-encoding, no whitespace or control
/// characters, and no `..` segment. Used to refuse bad allow-list entries at
/// start-up and again, as a second line of defence, for every redirect.
pub fn is_local_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    !rest.starts_with('/')
        && !path
            .chars()
            .any(|c| c == '\\' || c == '%' || c.is_whitespace() || c.is_control())
        && !path.split(['/', '?', '#']).any(|segment| segment == "..")
}

/// Whether `entry` is a bare origin written as a browser serialises it:
/// `http://` or `https://`, a lower-case host, a port only when it is not the scheme's
/// default, and nothing else (no trailing `/`, path, query, fragment or user name). The
/// host is an IP address or a DNS name (letters, digits, `-` and `.`): the URL parser also
/// takes hosts such as `a*b` or `a_b`, which name no site an operator means.
pub fn is_origin(entry: &str) -> bool {
    match url::Url::parse(entry) {
        Ok(url) => {
            web_url(&url)
                && dns_or_ip_host(&url)
                && url.path() == "/"
                && url.query().is_none()
                && url.fragment().is_none()
                && url.origin().ascii_serialization() == entry
        }
        Err(_) => false,
    }
}

/// Whether the URL's host is an IP address or a name made of letters, digits, `-` and `.`.
fn dns_or_ip_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'),
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => true,
        None => false,
    }
}

/// The origin of `candidate` if it is an absolute `http`/`https` URL without user name or
/// password, written exactly as the URL parser writes it back (a bare origin may omit the
/// final `/`).
fn canonical_origin(candidate: &str) -> Option<String> {
    if candidate
        .chars()
        .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
    {
        return None;
    }
    let url = url::Url::parse(candidate).ok()?;
    let canonical = url.as_str() == candidate
        || (url.path() == "/" && url.as_str().strip_suffix('/') == Some(candidate));
    (web_url(&url) && canonical).then(|| url.origin().ascii_serialization())
}

/// An `http`/`https` URL with a host and no user name or password.
fn web_url(url: &url::Url) -> bool {
    matches!(url.scheme(), "http" | "https")
        && url.host().is_some()
        && url.username().is_empty()
        && url.password().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow_list() -> Vec<String> {
        vec!["/account".into(), "/welcome?tab=security".into()]
    }

    #[test]
    fn an_allow_listed_path_is_accepted_as_is() {
        // Arrange
        let list = allow_list();

        // Act / Assert
        assert_eq!(allowed_next("/account", &list).as_deref(), Some("/account"));
        assert_eq!(
            allowed_next("/welcome?tab=security", &list).as_deref(),
            Some("/welcome?tab=security")
        );
    }

    #[test]
    fn absolute_urls_are_refused() {
        let list = allow_list();
        for next in [
            "https://evil.example",
            "https://evil.example/account",
            "http://lifeline.test/account",
            "javascript:alert(1)",
            "data:text/html,hi",
        ] {
            assert_eq!(allowed_next(next, &list), None, "{next}");
        }
    }

    #[test]
    fn scheme_relative_and_backslash_urls_are_refused() {
        let list = allow_list();
        for next in [
            "//evil.example",
            "//evil.example/account",
            "/\\evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            "/account\\",
        ] {
            assert_eq!(allowed_next(next, &list), None, "{next}");
        }
    }

    #[test]
    fn encoded_variants_are_refused() {
        let list = allow_list();
        for next in [
            "%2F%2Fevil.example",
            "/%2Fevil.example",
            "%2Faccount",
            "/%61ccount",
            "/account%00",
            "/account%0d%0aLocation:%20https://evil.example",
        ] {
            assert_eq!(allowed_next(next, &list), None, "{next}");
        }
    }

    #[test]
    fn near_misses_of_an_allowed_path_are_refused() {
        let list = allow_list();
        for next in [
            "",
            "account",
            "/Account",
            "/account/",
            "/account ",
            " /account",
            "/account?x=1",
            "/account#top",
            "/account.evil.example",
            "/account/../../evil",
            "/account\r\nLocation: https://evil.example",
            "/welcome",
        ] {
            assert_eq!(allowed_next(next, &list), None, "{next:?}");
        }
    }

    #[test]
    fn an_unsafe_allow_list_entry_is_never_used() {
        // Arrange: an operator's mistake.
        let list = vec!["//evil.example".to_owned(), "/a\\b".to_owned()];

        // Act / Assert
        assert_eq!(allowed_next("//evil.example", &list), None);
        assert_eq!(allowed_next("/a\\b", &list), None);
    }

    #[test]
    fn an_overlong_next_is_refused_without_comparing() {
        let long = format!("/{}", "a".repeat(MAX_NEXT_LEN));
        assert_eq!(allowed_next(&long, std::slice::from_ref(&long)), None);
    }

    #[test]
    fn anything_not_allowed_falls_back_to_the_account_page() {
        let list = allow_list();
        assert_eq!(
            after_sign_in(Some("https://evil.example"), &list, ""),
            "/account"
        );
        assert_eq!(after_sign_in(Some("//evil.example"), &list, ""), "/account");
        assert_eq!(after_sign_in(None, &list, ""), "/account");
        assert_eq!(
            after_sign_in(Some("/welcome?tab=security"), &list, ""),
            "/welcome?tab=security"
        );
    }

    #[test]
    fn the_fallback_carries_the_base_path_and_allowed_targets_do_not() {
        let list = allow_list();
        assert_eq!(after_sign_in(None, &list, "/auth"), "/auth/account");
        assert_eq!(
            after_sign_in(Some("//evil.example"), &list, "/auth"),
            "/auth/account"
        );
        assert_eq!(
            after_sign_in(Some("/welcome?tab=security"), &list, "/auth"),
            "/welcome?tab=security"
        );
    }

    #[test]
    fn local_paths_are_told_apart_from_everything_else() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/account"));
        assert!(is_local_path("/a/b?c=d#e"));
        for path in [
            "", "account", "//x", "/\\x", "/a b", "/a%20b", "/a/../b", "/a\tb",
        ] {
            assert!(!is_local_path(path), "{path:?}");
        }
    }

    fn with_origins() -> Vec<String> {
        vec![
            "/account".into(),
            "https://app.example.com".into(),
            "http://localhost:3000".into(),
        ]
    }

    #[test]
    fn an_absolute_url_on_an_allowed_origin_is_accepted_as_is() {
        let list = with_origins();
        for next in [
            "https://app.example.com",
            "https://app.example.com/",
            "https://app.example.com/dashboard?tab=1#top",
            "https://app.example.com/a%20b",
            "http://localhost:3000/welcome",
        ] {
            assert_eq!(allowed_next(next, &list).as_deref(), Some(next), "{next}");
        }
        assert_eq!(
            after_sign_in(Some("https://app.example.com/x"), &list, "/auth"),
            "https://app.example.com/x"
        );
    }

    #[test]
    fn another_origin_or_the_same_host_with_another_scheme_or_port_is_refused() {
        let list = with_origins();
        for next in [
            "https://evil.example/",
            "https://app.example.com.evil.example/",
            "https://evil.app.example.com/",
            "https://example.com/",
            "http://app.example.com/",
            "https://app.example.com:8443/",
            "https://localhost:3000/",
            "http://localhost/",
            "http://localhost:3001/",
            "ftp://app.example.com/",
            "javascript://app.example.com/%0aalert(1)",
        ] {
            assert_eq!(allowed_next(next, &list), None, "{next}");
        }
    }

    #[test]
    fn userinfo_tricks_are_refused() {
        let list = with_origins();
        for next in [
            "https://app.example.com@evil.example/",
            "https://app.example.com:443@evil.example/",
            "https://user@app.example.com/",
            "https://user:pass@app.example.com/",
            "https://evil.example#@app.example.com/",
            "https://evil.example?@app.example.com/",
            "https://evil.example\\@app.example.com/",
        ] {
            assert_eq!(allowed_next(next, &list), None, "{next}");
        }
    }

    #[test]
    fn encoded_and_non_canonical_absolute_urls_are_refused() {
        let list = with_origins();
        for next in [
            "https://app.example.com%2F@evil.example/",
            "https://app.example.com%40evil.example/",
            "https://app%2Eexample%2Ecom/",
            "https://APP.example.com/",
            "HTTPS://app.example.com/",
            "https://app.example.com:443/",
            "https:app.example.com/",
            "https:/app.example.com/",
            "https:\\\\app.example.com/",
            "https://app.example.com\\@evil.example/",
            " https://app.example.com/",
            "https://app.example.com/\r\nLocation: https://evil.example",
            "https://app.example.com\t/",
            "https://xn--pp-0ia.example.com/",
            "https://app.example.com./",
        ] {
            assert_eq!(allowed_next(next, &list), None, "{next:?}");
        }
    }

    #[test]
    fn only_a_bare_canonical_origin_counts_as_an_origin_entry() {
        for entry in [
            "https://app.example.com",
            "http://localhost:3000",
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
        ] {
            assert!(is_origin(entry), "{entry}");
        }
        for entry in [
            "https://app.example.com/",
            "https://app.example.com/account",
            "https://app.example.com?x",
            "https://APP.example.com",
            "https://app.example.com:443",
            "https://user@app.example.com",
            "https://app_1.example.com",
            "https://a*b.example.com",
            "https://a$b",
            "ftp://app.example.com",
            "app.example.com",
            "//app.example.com",
            "/account",
        ] {
            assert!(!is_origin(entry), "{entry}");
        }
        // An entry with a path never lets an absolute URL through.
        let list = vec!["https://app.example.com/account".to_owned()];
        assert_eq!(allowed_next("https://app.example.com/account", &list), None);
    }
}
