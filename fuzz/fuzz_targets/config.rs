//! A TOML configuration file, merged over the compiled-in defaults exactly as
//! `Settings::figment` does with a file, then extracted and checked by
//! `Settings::from_figment`. Nothing is written to disk.
//!
//! Properties checked:
//! - loading never panics, whatever the file (broken TOML, wrong types, unknown keys,
//!   out-of-range integers, deep nesting);
//! - settings that are accepted obey the documented consistency rules: an http(s) public
//!   URL, sane password lengths, only plain local paths in the post-sign-in redirect
//!   allow-list (no `//host`, `/\host`, scheme, percent-encoding, whitespace or `..`), and
//!   in production an SMTP transport, both keys set and an https public URL.
#![no_main]

use std::sync::LazyLock;

use figment::Figment;
use figment::providers::{Format, Toml};
use libfuzzer_sys::fuzz_target;
use lifeline::{DEFAULTS_TOML, Mode, Settings};

/// Real configuration files are a few kilobytes; this leaves room for long values.
const MAX_INPUT_LEN: usize = 16 * 1024;

/// The defaults are parsed once; `Figment::merge` parses its provider eagerly, so a clone
/// is the same figment `Settings::figment` starts from.
static DEFAULTS: LazyLock<Figment> = LazyLock::new(|| Figment::from(Toml::string(DEFAULTS_TOML)));

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT_LEN {
        return;
    }
    // A file that is not UTF-8 is refused when it is read, before TOML parsing.
    let Ok(file) = std::str::from_utf8(data) else {
        return;
    };
    let figment = DEFAULTS.clone().merge(Toml::string(file));
    if let Ok(settings) = Settings::from_figment(figment) {
        check_accepted(&settings);
    }
});

fn check_accepted(settings: &Settings) {
    let url = &settings.server.public_url;
    assert!(
        url.starts_with("http://") || url.starts_with("https://"),
        "accepted public_url {url:?}"
    );
    let password = &settings.password;
    assert!(
        password.min_length >= 8,
        "accepted min_length {}",
        password.min_length
    );
    assert!(
        password.max_length >= 64,
        "accepted max_length {}",
        password.max_length
    );
    assert!(password.min_length <= password.max_length);
    for entry in &settings.server.redirect_allow_list {
        match entry.starts_with('/') {
            true => check_local_path(entry),
            false => check_bare_origin(entry),
        }
    }
    if settings.mode == Mode::Production {
        assert!(
            !settings.mail.transport.is_development(),
            "production without SMTP"
        );
        assert!(settings.keys.token.is_some() && settings.keys.session.is_some());
        assert!(url.starts_with("https://"), "production with {url:?}");
    }
}

/// An independent statement of the other kind of entry: a bare origin, `http(s)://host[:port]`
/// in lower case, with no user name, path, query or fragment, so that a redirect to it can
/// only reach that exact origin.
fn check_bare_origin(entry: &str) {
    let rest = entry
        .strip_prefix("https://")
        .map(|rest| (rest, "443"))
        .or_else(|| entry.strip_prefix("http://").map(|rest| (rest, "80")));
    let bare = rest.is_some_and(|(authority, default_port)| {
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(':') && !port.contains(']') => (host, Some(port)),
            _ => (authority, None),
        };
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.[]:".contains(c))
            && port.is_none_or(|port| {
                !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) && port != default_port
            })
    });
    assert!(bare, "accepted redirect allow-list entry {entry:?}");
}

/// An independent statement of what a local entry may be: a redirect to anything else
/// could leave the site (open redirect).
fn check_local_path(entry: &str) {
    let local = entry.starts_with('/')
        && !entry.starts_with("//")
        && !entry
            .chars()
            .any(|c| c == '\\' || c == '%' || c.is_whitespace() || c.is_control())
        && !entry.split(['/', '?', '#']).any(|segment| segment == "..");
    assert!(local, "accepted redirect allow-list entry {entry:?}");
}
