//! Response headers every Lifeline response carries.

use actix_web::middleware::DefaultHeaders;

/// The pages' policy as a literal, so that a page that needs one more directive
/// can extend it at compile time.
macro_rules! page_policy {
    () => {
        "default-src 'none'; style-src 'self'; img-src 'self' https: data:; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    };
}

/// Pages load nothing but their own stylesheet and images; no script runs, no
/// form posts elsewhere, no framing.
pub const CONTENT_SECURITY_POLICY: &str = page_policy!();

/// The policy of the one page that frames another of Lifeline's responses
/// (the development mailbox's message, which frames the mail's HTML part).
pub const FRAMING_PAGE_POLICY: &str = concat!(page_policy!(), "; frame-src 'self'");

/// The security headers, added to every response that does not set its own.
///
/// `Referrer-Policy: no-referrer` keeps a token URL out of any `Referer` header,
/// and `Cache-Control: no-store` keeps pages with tokens or forms out of shared
/// and browser caches. HSTS is sent only when the public URL is HTTPS.
pub fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Cross-Origin-Resource-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "interest-cohort=(), camera=(), microphone=(), geolocation=()",
        ))
        .add(("Cache-Control", "no-store"));
    if https {
        headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        headers
    }
}
