//! Where a browser may be sent after signing in (open-redirect protection).

/// Where a browser goes after signing in when no usable `next` was given.
pub const DEFAULT_AFTER_SIGN_IN: &str = crate::http::urls::Url::Account.path();

/// Longest `next` value considered at all; the allow-list holds short paths.
const MAX_NEXT_LEN: usize = 512;

/// The `next` target to redirect to after sign-in, or `None` when it is not allowed.
///
/// Only an exact, byte-for-byte match of an allow-list entry counts, and the
/// entry itself must be a plain local path (see [`is_local_path`]). Nothing is
/// decoded, trimmed or normalised first: an attacker's `//evil.example`,
/// `https://evil.example`, `/\evil.example` or `%2F%2Fevil.example` can only
/// ever be compared with the configured paths, and none of them equals one.
/// Accepting prefixes or patterns instead would invite the classic bypasses
/// (`/account.evil.example`, `/account/../../`, encoded slashes).
pub fn allowed_next<'a>(candidate: &str, allow_list: &'a [String]) -> Option<&'a str> {
    if candidate.is_empty() || candidate.len() > MAX_NEXT_LEN {
        return None;
    }
    allow_list
        .iter()
        .map(String::as_str)
        .find(|entry| *entry == candidate && is_local_path(entry))
}

/// The redirect target after sign-in: `next` when allow-listed, else Lifeline's
/// own [`DEFAULT_AFTER_SIGN_IN`] under `base_path` (a validated path such as
/// `/auth`, or empty). Allow-list entries are paths of the whole site and are
/// used as written: one may name a host application's page outside the base path.
pub fn after_sign_in(next: Option<&str>, allow_list: &[String], base_path: &str) -> String {
    match next.and_then(|next| allowed_next(next, allow_list)) {
        Some(allowed) => allowed.to_owned(),
        None => format!("{base_path}{DEFAULT_AFTER_SIGN_IN}"),
    }
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
        assert_eq!(allowed_next("/account", &list), Some("/account"));
        assert_eq!(
            allowed_next("/welcome?tab=security", &list),
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
}
