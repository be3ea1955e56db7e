//! The one validation of a [`Settings`] value: `lifeline config check`, every command and the
//! service's start-up run it, so `config check` fails exactly when start-up would fail for a
//! configuration reason. Each rule calls the check of the part that uses the value (the mail
//! crate's sender, branding, SMTP and worker checks, storage's URL check, the key parsers,
//! the template loaders), and names the setting and its environment variable.

use std::path::Path;

use storage::Backend;

use super::error::Problem;
use super::{Mode, Settings, cookie_domain};
use crate::config::SecretString;
use crate::directory::DirectoryKind;
use crate::http::redirect;

/// Every problem of `settings`; empty when they are usable.
pub(super) fn problems(settings: &Settings) -> Vec<Problem> {
    let mut found = Vec::new();
    server(settings, &mut found);
    database(settings, &mut found);
    keys(settings, &mut found);
    password(settings, &mut found);
    mail(settings, &mut found);
    branding(settings, &mut found);
    i18n(settings, &mut found);
    directory(settings, &mut found);
    for (key, why) in crate::webhooks::problems(&settings.webhooks) {
        found.push(Problem::in_settings_file(&key, why));
    }
    admin_api(settings, &mut found);
    if tracing_subscriber::EnvFilter::try_new(&settings.log.filter).is_err() {
        found.push(Problem::setting(
            "log.filter",
            format!(
                "{:?} is not a tracing filter such as \"info,lifeline=debug\"",
                settings.log.filter
            ),
        ));
    }
    found
}

fn server(settings: &Settings, found: &mut Vec<Problem>) {
    let server = &settings.server;
    let https = server.public_url.starts_with("https://");
    if !(https || server.public_url.starts_with("http://")) {
        let why = format!(
            "{:?} must start with http:// or https://",
            server.public_url
        );
        found.push(Problem::setting("server.public_url", why));
    } else if settings.mode == Mode::Production && !https {
        let why = "mode = production needs an https:// public URL";
        found.push(Problem::setting("server.public_url", why));
    }
    if !super::load::is_valid_base_path(&server.base_path) {
        let why = format!(
            "{:?}: server.base_path must be empty or a path like \"/auth\": a leading /, no trailing /, only letters, digits and - . _ ~ /",
            server.base_path
        );
        found.push(Problem::setting("server.base_path", why));
    }
    for entry in &server.redirect_allow_list {
        if !(redirect::is_local_path(entry) || redirect::is_origin(entry)) {
            let why = format!(
                "entry {entry:?} is neither a plain local path like \"/account\" nor a bare \
                 origin like \"https://app.example.com\" (a lower-case host name or an IP \
                 address, no trailing /, no default port)"
            );
            found.push(Problem::setting("server.redirect_allow_list", why));
        }
    }
    if let Some(domain) = &server.cookie_domain
        && let Err(why) = cookie_domain::check(domain, &server.public_url)
    {
        found.push(Problem::setting("server.cookie_domain", why));
    }
    if server.session_cache_secs > MAX_SESSION_CACHE_SECS {
        let why = format!(
            "{} is longer than {MAX_SESSION_CACHE_SECS}: a session ended on another instance \
             would keep working here that long",
            server.session_cache_secs
        );
        found.push(Problem::setting("server.session_cache_secs", why));
    }
}

/// The longest `server.session_cache_secs`: sessions are marked as seen once a minute, and
/// a session ended elsewhere should not outlive that by much.
const MAX_SESSION_CACHE_SECS: u64 = 60;

fn database(settings: &Settings, found: &mut Vec<Problem>) {
    let url = settings.database.url.expose_secret();
    if let Err(error) = storage::check_url(url) {
        found.push(Problem::setting("database.url", error.to_string()));
    } else if url_password(url) == Some(SecretString::REDACTED) {
        found.push(Problem::setting(
            "database.url",
            placeholder("database.url"),
        ));
    }
}

fn keys(settings: &Settings, found: &mut Vec<Problem>) {
    let keys = &settings.keys;
    let parsed = [
        ("keys.token", &keys.token, check_ring as fn(&str) -> _),
        ("keys.session", &keys.session, check_session),
    ];
    for (key, value, parse) in parsed {
        match value {
            Some(secret) if secret.expose_secret() == SecretString::REDACTED => {
                found.push(Problem::setting(key, placeholder(key)));
            }
            Some(secret) => {
                if let Err(error) = parse(secret.expose_secret()) {
                    found.push(Problem::setting(key, format!("{error:#}")));
                }
            }
            None if settings.mode == Mode::Production => {
                let why = "mode = production needs keys.token and keys.session to be set \
                           (`lifeline keys generate` prints both)";
                found.push(Problem::setting(key, why));
            }
            None => {}
        }
    }
}

fn check_ring(text: &str) -> anyhow::Result<()> {
    crate::keys::parse_ring(text).map(drop)
}

fn check_session(text: &str) -> anyhow::Result<()> {
    crate::keys::parse_session(text).map(drop)
}

fn password(settings: &Settings, found: &mut Vec<Problem>) {
    // `password.sign_in_after_reset` is a boolean: loading refuses anything else, and both
    // values are safe (either way the reset ends every other session).
    let p = &settings.password;
    if p.min_length < 8 {
        found.push(Problem::setting("password.min_length", "must be ≥ 8"));
    }
    if p.max_length < 64 {
        found.push(Problem::setting("password.max_length", "must be ≥ 64"));
    } else if p.min_length > p.max_length {
        let why = "password.min_length is larger than password.max_length";
        found.push(Problem::setting("password.min_length", why));
    }
    let params = argon2::Params::new(
        p.argon2_memory_kib,
        p.argon2_iterations,
        p.argon2_parallelism,
        None,
    );
    if let Err(error) = params {
        let key = match error {
            argon2::Error::TimeTooSmall => "password.argon2_iterations",
            argon2::Error::ThreadsTooFew | argon2::Error::ThreadsTooMany => {
                "password.argon2_parallelism"
            }
            _ => "password.argon2_memory_kib",
        };
        found.push(Problem::setting(key, format!("argon2 refuses it: {error}")));
    }
}

fn mail(settings: &Settings, found: &mut Vec<Problem>) {
    let mail = &settings.mail;
    let sender = mail::SenderSettings {
        from_address: mail.from_address.clone(),
        from_name: mail.from_name.clone(),
        message_id_domain: mail.message_id_domain.clone(),
    };
    if let Err(error) = mail::Sender::check(&sender) {
        found.push(Problem::setting(
            &format!("mail.{}", error.field),
            error.reason,
        ));
    }
    match &mail.transport {
        mail::TransportSettings::Smtp(smtp) => {
            if let Err(error) = smtp.check() {
                let key = format!("mail.transport.{}", error.field);
                found.push(Problem::setting(&key, error.reason));
            }
            if smtp.password.as_ref().map(SecretString::expose_secret)
                == Some(SecretString::REDACTED)
            {
                found.push(Problem::setting(
                    "mail.transport.password",
                    placeholder("mail.transport.password"),
                ));
            }
        }
        _ if settings.mode == Mode::Production => {
            let why = "mode = production needs mail.transport.kind = \"smtp\"";
            found.push(Problem::setting("mail.transport.kind", why));
        }
        _ => {}
    }
    if let Err(error) = mail.worker.check() {
        found.push(Problem::setting(
            &format!("mail.worker.{}", error.field),
            error.reason,
        ));
    }
    if let (Some(dir), Ok(branding), Ok(catalogs)) = (
        &mail.templates_dir,
        checked_branding(settings),
        crate::i18n::Catalogs::load(&settings.i18n),
    ) && let Err(error) = mail::EmailTemplates::with_overrides(
        branding,
        Path::new(dir),
        std::sync::Arc::new(catalogs),
    ) {
        found.push(Problem::setting("mail.templates_dir", error.to_string()));
    }
}

fn branding(settings: &Settings, found: &mut Vec<Problem>) {
    if let Err(error) = checked_branding(settings) {
        let field = match error.field {
            "brand_colour" => "accent_color",
            field => field,
        };
        found.push(Problem::setting(&format!("branding.{field}"), error.reason));
    }
    if settings.branding.templates_dir.is_some()
        && let Ok(catalogs) = crate::i18n::Catalogs::load(&settings.i18n)
        && let Err(error) = crate::pages::Pages::new(
            &settings.branding,
            &settings.server.base_path,
            std::sync::Arc::new(catalogs),
        )
    {
        found.push(Problem::setting(
            "branding.templates_dir",
            error.to_string(),
        ));
    }
}

/// The languages: the default is offered, and every catalog (built in and `i18n.dir`) is
/// complete and names only messages English has.
fn i18n(settings: &Settings, found: &mut Vec<Problem>) {
    let i18n = &settings.i18n;
    if !i18n.locales.contains(&i18n.default_locale) {
        found.push(Problem::setting(
            "i18n.default_locale",
            format!(
                "{:?} is not one of i18n.locales ({})",
                i18n.default_locale,
                i18n.locales.join(", ")
            ),
        ));
        return;
    }
    if let Err(error) = crate::i18n::Catalogs::load(i18n) {
        let key = match error {
            crate::i18n::I18nError::NoCatalog { .. } => "i18n.locales",
            _ => "i18n.dir",
        };
        found.push(Problem::setting(key, error.to_string()));
    }
}

/// The branding the mail templates get, once it passed the mail crate's checks.
pub(crate) fn checked_branding(settings: &Settings) -> Result<mail::Branding, mail::SettingError> {
    let branding = mail_branding(settings);
    branding.check().map(|()| branding)
}

/// The `[branding]` settings as the mail templates take them (not yet checked).
pub(crate) fn mail_branding(settings: &Settings) -> mail::Branding {
    let brand = &settings.branding;
    mail::Branding {
        product_name: brand.product_name.clone(),
        support_email: brand.support_email.clone(),
        logo_url: brand.logo_url.clone(),
        brand_colour: brand.accent_color.clone(),
    }
}

fn directory(settings: &Settings, found: &mut Vec<Problem>) {
    let backend =
        storage::check_url(settings.database.url.expose_secret()).unwrap_or(Backend::Sqlite);
    if let DirectoryKind::Plugin(kind) = &settings.directory.kind {
        return super::plugins::problems(settings, kind, found);
    }
    if settings.directory.kind == DirectoryKind::Sql
        && let Err(error) = crate::directory::SqlDirectory::new(&settings.directory, backend)
    {
        let key = match error {
            crate::directory::DirectoryConfigError::NotAnIdentifier(field) => {
                format!("directory.{field}")
            }
            crate::directory::DirectoryConfigError::MissingTable => "directory.table".to_owned(),
        };
        found.push(Problem::setting(&key, error.to_string()));
    }
}

/// The password of a `scheme://user:password@host/…` URL.
fn admin_api(settings: &Settings, found: &mut Vec<Problem>) {
    let limits = [
        (
            "admin_api.per_key_per_minute",
            settings.admin_api.per_key_per_minute,
        ),
        (
            "admin_api.failed_per_ip_per_minute",
            settings.admin_api.failed_per_ip_per_minute,
        ),
    ];
    for (key, value) in limits {
        if value == 0 {
            found.push(Problem::setting(key, "must be ≥ 1"));
        }
    }
}

fn url_password(url: &str) -> Option<&str> {
    let authority = url.split_once("://")?.1.split(['/', '?', '#']).next()?;
    let credentials = authority.rsplit_once('@')?.0;
    Some(credentials.split_once(':')?.1)
}

fn placeholder(key: &str) -> String {
    format!(
        "is the placeholder {:?} that `lifeline config check` prints instead of a secret; \
         set the real value (for example in {})",
        SecretString::REDACTED,
        super::error::env_var(key)
    )
}
