//! `server.cookie_domain`: the session cookie's `Domain`, checked against `server.public_url`.
//!
//! A browser keeps a cookie whose `Domain` is the page's host or a parent domain of it, and
//! silently drops any other; so a value that does not cover `public_url`'s host would sign
//! nobody in, and is refused at start-up instead. Only a plain domain name is accepted: no
//! scheme, port, path, leading dot (RFC 6265 ignores it) or IP address (a cookie for an
//! address is host-only anyway).

/// Why `domain` cannot be the cookie domain of a service at `public_url`, if it cannot.
pub fn check(domain: &str, public_url: &str) -> Result<(), String> {
    if !is_domain_name(domain) {
        return Err(format!(
            "{domain:?} is not a domain name like \"example.com\": letters, digits, - and \
             dots only, no scheme, port, path or leading dot"
        ));
    }
    let host = url::Url::parse(public_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
        .ok_or_else(|| format!("server.public_url {public_url:?} has no host to compare with"))?;
    let domain = domain.to_ascii_lowercase();
    let parent = host
        .strip_suffix(&domain)
        .is_some_and(|rest| rest.ends_with('.'))
        && domain.contains('.');
    if host == domain || parent {
        Ok(())
    } else {
        Err(format!(
            "{domain:?} must be server.public_url's host {host:?} or a parent domain of it \
             (with a dot), or browsers drop the cookie"
        ))
    }
}

/// Letters, digits and inner hyphens in dot-separated labels of 1 to 63 characters, not all
/// digits in the last label (that would be an IPv4 address).
fn is_domain_name(text: &str) -> bool {
    let label = |label: &str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    text.len() <= 253
        && text.split('.').all(label)
        && text
            .rsplit('.')
            .next()
            .is_some_and(|last| !last.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_or_a_parent_domain_is_accepted() {
        for (domain, url) in [
            ("example.com", "https://id.example.com"),
            ("Example.COM", "https://id.example.com/auth"),
            ("id.example.com", "https://id.example.com:8443"),
            ("example.co.uk", "https://a.b.example.co.uk"),
            ("localhost", "http://localhost:8080"),
        ] {
            assert_eq!(check(domain, url), Ok(()), "{domain} {url}");
        }
    }

    #[test]
    fn another_domain_or_anything_but_a_domain_name_is_refused() {
        for (domain, url) in [
            ("ample.com", "https://id.example.com"),
            ("other.example.com", "https://id.example.com"),
            ("app.id.example.com", "https://id.example.com"),
            ("com", "https://id.example.com"),
            ("example.com", "https://127.0.0.1"),
            (".example.com", "https://id.example.com"),
            ("https://example.com", "https://id.example.com"),
            ("example.com:443", "https://id.example.com"),
            ("example.com/", "https://id.example.com"),
            ("example..com", "https://id.example.com"),
            ("-example.com", "https://id.example.com"),
            ("exa mple.com", "https://id.example.com"),
            ("", "https://id.example.com"),
            ("127.0.0.1", "http://127.0.0.1"),
            ("exämple.com", "https://id.exämple.com"),
        ] {
            assert!(check(domain, url).is_err(), "{domain} {url}");
        }
    }
}
