//! Every email in every shipped language: the real templates and catalogs, every branch of
//! each template, no message id or Fluent error showing, the language and direction set.

use std::sync::Arc;

use mail::{EmailTemplates, RenderedEmail};

use crate::i18n::{Catalogs, Locale};
use crate::pages::every_language::text_of;

const LINK: &str = "https://id.acme.test/password/reset?token=lr1_AAAA";
const NOT_ME: &str = "https://id.acme.test/password/not-me?token=ln1_BBBB";

fn catalogs() -> Arc<Catalogs> {
    let settings = crate::config::I18nSettings {
        default_locale: "en".into(),
        locales: ["en", "de", "fr", "es", "ar"].map(String::from).to_vec(),
        dir: None,
    };
    Arc::new(Catalogs::load(&settings).expect("built-in catalogs load"))
}

/// Every email, with every branch its template has, as `locale` would be sent it.
fn every_email(catalogs: &Arc<Catalogs>, locale: Locale) -> Vec<(&'static str, RenderedEmail)> {
    let messages: Arc<dyn mail::Messages> = Arc::clone(catalogs) as _;
    let templates =
        EmailTemplates::new(mail::Branding::new("Acme", "help@acme.test"), messages).unwrap();
    let language = catalogs.render_language(locale);
    let time = || catalogs.unix_datetime(locale, 1_764_148_860);
    let lifetime = || catalogs.duration(locale, crate::i18n::exact(1800));
    let render = |name, result: Result<RenderedEmail, mail::MailError>| {
        (name, result.unwrap_or_else(|e| panic!("{name}: {e:?}")))
    };
    let confirmation = |recovery: bool, paused: bool| mail::NotMeConfirmation {
        time: time(),
        ip: "203.0.113.7".into(),
        recovery_link: recovery.then(|| LINK.to_owned()),
        recovery_lifetime: if recovery { lifetime() } else { String::new() },
        paused_until: paused.then(time),
    };
    vec![
        render(
            "password_reset",
            templates.render_email(
                &language,
                &mail::PasswordReset {
                    link: LINK.into(),
                    lifetime: lifetime(),
                    not_me_link: NOT_ME.into(),
                    time: time(),
                    ip: "203.0.113.7".into(),
                },
            ),
        ),
        render(
            "password_changed",
            templates.render_email(
                &language,
                &mail::PasswordChanged {
                    time: time(),
                    ip: "203.0.113.7".into(),
                    user_agent: "Firefox/140".into(),
                    not_me_link: NOT_ME.into(),
                },
            ),
        ),
        render(
            "magic_link",
            templates.render_email(
                &language,
                &mail::MagicLink {
                    link: LINK.into(),
                    lifetime: lifetime(),
                    not_me_link: NOT_ME.into(),
                },
            ),
        ),
        render(
            "magic_link_signin",
            templates.render_email(
                &language,
                &mail::MagicLinkSignin {
                    time: time(),
                    ip: "203.0.113.7".into(),
                    user_agent: "Firefox/140".into(),
                    not_me_link: NOT_ME.into(),
                },
            ),
        ),
        render(
            "not_me_confirmation",
            templates.render_email(&language, &confirmation(true, true)),
        ),
        render(
            "not_me_confirmation",
            templates.render_email(&language, &confirmation(false, true)),
        ),
        render(
            "not_me_confirmation",
            templates.render_email(&language, &confirmation(false, false)),
        ),
        render(
            "no_account",
            templates.render_email(
                &language,
                &mail::NoAccount {
                    time: time(),
                    ip: "203.0.113.7".into(),
                },
            ),
        ),
    ]
}

#[test]
fn every_email_renders_in_every_language_without_a_message_id_showing() {
    let catalogs = catalogs();
    let ids = Catalogs::message_ids();
    for locale in catalogs.locales() {
        let lang = catalogs.tag(locale).to_owned();
        let dir = if lang == "ar" { "rtl" } else { "ltr" };
        for (name, email) in every_email(&catalogs, locale) {
            let html_text = text_of(&email.html);
            for (part, text) in [
                ("subject", email.subject.as_str()),
                ("text", email.text.as_str()),
                ("html", html_text.as_str()),
            ] {
                assert!(
                    !text.contains('{') && !text.contains('}'),
                    "{lang} {name} {part}: {text}"
                );
                let shown = text
                    .split(|c: char| c.is_whitespace() || ".,:;?()".contains(c))
                    .find(|word| ids.iter().any(|id| id == word));
                assert_eq!(shown, None, "{lang} {name} {part}: {text}");
                assert!(text.contains("Acme"), "{lang} {name} {part}: {text}");
            }
            assert!(
                email.html.starts_with(&format!(
                    "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">"
                )),
                "{lang} {name}"
            );
        }
    }
}

#[test]
fn each_language_says_its_own_words_with_times_and_lifetimes_in_them() {
    let catalogs = catalogs();
    let find = |tag| catalogs.find(tag).expect("shipped");
    let subject = |tag| every_email(&catalogs, find(tag)).remove(0).1;
    let (en, de, ar) = (subject("en"), subject("de"), subject("ar"));
    assert_eq!(en.subject, "Reset your Acme password");
    assert_ne!(de.subject, en.subject);
    assert_ne!(ar.subject, en.subject);
    assert!(
        en.text.contains("26 November 2025, 09:21 UTC"),
        "{}",
        en.text
    );
    assert!(en.text.contains("30 minutes"), "{}", en.text);
    assert!(de.text.contains("November 2025"), "{}", de.text);
    assert!(de.text.contains("30 Minuten"), "{}", de.text);
    // Right to left: the Arabic HTML part says so, and the text names no English month.
    assert!(ar.html.contains("dir=\"rtl\""));
    assert!(!ar.text.contains("November"), "{}", ar.text);
}

#[test]
fn a_value_in_a_translated_sentence_is_escaped_in_html_and_verbatim_in_text() {
    let catalogs = catalogs();
    for locale in catalogs.locales() {
        let messages: Arc<dyn mail::Messages> = Arc::clone(&catalogs) as _;
        let templates =
            EmailTemplates::new(mail::Branding::new("A<b>", "help@acme.test"), messages).unwrap();
        let email = templates
            .render_email(
                &catalogs.render_language(locale),
                &mail::PasswordChanged {
                    time: "t".into(),
                    ip: "::1".into(),
                    user_agent: "<script>x</script>".into(),
                    not_me_link: NOT_ME.into(),
                },
            )
            .unwrap();
        assert!(!email.html.contains("<script>"), "{}", email.html);
        assert!(email.html.contains("&lt;script&gt;x"), "{}", email.html);
        assert!(email.html.contains("A&lt;b&gt;"), "{}", email.html);
        assert!(email.text.contains("<script>x</script>"), "{}", email.text);
        assert!(email.subject.contains("A<b>"), "{}", email.subject);
    }
}
