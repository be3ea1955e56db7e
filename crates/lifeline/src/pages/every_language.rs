//! Every built-in page in every shipped language: no message id or Fluent error shows.

use serde_json::json;
use tera::Context;

use super::*;

fn pages() -> Pages {
    super::for_tests()
}

/// The contexts a page is rendered with: every branch its template has.
fn contexts(name: &str) -> Vec<serde_json::Value> {
    let common = json!({
        "csrf_token": "t", "email": "ana@example.com", "link": "l", "again_url": "/a",
        "sign_in_url": "/login", "login_url": "/login", "min_length": 12, "max_length": 128,
        "lifetime": "1 hour", "pause": "24 hours", "recovery_lifetime": "24 hours",
        "status": 429, "heading": "Too Many Requests", "message": "Try later.",
    });
    let with = |extra: serde_json::Value| {
        let mut value = common.clone();
        if let (Some(base), Some(extra)) = (value.as_object_mut(), extra.as_object()) {
            base.extend(extra.clone());
        }
        value
    };
    match name {
        "forgot.html.tera" | "magic_link.html.tera" | "login.html.tera" => vec![
            with(json!({})),
            with(
                json!({"error": "email-invalid", "next": "/x", "same_browser": true, "notice": "n"}),
            ),
        ],
        "check_inbox.html.tera" | "link_invalid.html.tera" => vec![
            with(json!({"what": "reset"})),
            with(json!({"what": "sign-in"})),
            with(json!({})),
        ],
        "account.html.tera" => vec![with(json!({
            "notice": "n",
            "pause": {"until": "2026-12-05 10:00 UTC", "until_iso": "x", "remaining": "2 hours"},
            "events": [
                {"at": "x", "what": "event-sign-in", "ip": "192.0.2.1"},
                {"at": "x", "what": "event-not-me", "ip": null},
            ],
        }))],
        "change_password.html.tera" => vec![
            with(
                json!({"has_password": true, "current_error": "current-password-wrong", "new_error": "password-too-short"}),
            ),
            with(json!({"has_password": false})),
        ],
        "sessions.html.tera" => {
            let session = |current: bool, method: &str, ip: Option<&str>| {
                json!({"id": 1, "browser": "Firefox on Linux", "ip": ip, "method": method, "current": current,
                    "started": {"rfc3339": "x", "text": "2026-12-04 10:00 UTC"},
                    "last_seen": {"rfc3339": "x", "text": "2026-12-04 11:00 UTC"}})
            };
            vec![
                with(json!({"notice": "n", "others": true, "sessions": [
                    session(true, "password", Some("192.0.2.1")),
                    session(false, "link", None),
                    session(false, "reset", Some("192.0.2.2")),
                ]})),
                with(json!({"others": false, "sessions": []})),
            ]
        }
        "reset_form.html.tera" => vec![
            with(json!({"sign_in_after_reset": true, "error": "password-too-long"})),
            with(json!({"sign_in_after_reset": false, "error": "password-mismatch"})),
        ],
        "not_me.html.tera" => vec![
            with(json!({"password_changed": true, "error": "error-another-link"})),
            with(json!({"password_changed": false})),
        ],
        "not_me_done.html.tera" => vec![
            with(json!({"password_voided": true})),
            with(json!({"password_voided": false})),
        ],
        "mailbox.html.tera" => vec![
            with(
                json!({"messages": [{"id": 1, "subject": "S", "recipient": "r@example.com", "created_at": "x"}]}),
            ),
            with(json!({"messages": []})),
        ],
        "mailbox_message.html.tera" => vec![with(json!({
            "subject": "S", "recipient": "r@example.com", "created_at": "x",
            "links": ["https://example.com/x"], "html_url": "/h", "body_text": "b",
        }))],
        _ => vec![with(json!({}))],
    }
}

/// The page's text: what is outside its tags (mails' HTML parts are read the same way).
pub(crate) fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

#[test]
fn every_page_renders_in_every_language_without_a_message_id_showing() {
    let pages = pages();
    let english_ids: Vec<String> = crate::i18n::Catalogs::message_ids();
    let names: Vec<&str> = BUILT_IN
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| name.ends_with(".html.tera") && *name != "layout.html.tera")
        .collect();
    assert_eq!(names.len(), 17);
    for locale in pages.catalogs.locales() {
        let lang = pages.catalogs.tag(locale).to_owned();
        for name in &names {
            for context in contexts(name) {
                let mut context = Context::from_value(context).unwrap();
                let html = pages
                    .render_in(locale, name, &mut context, Some("/login"))
                    .unwrap_or_else(|e| panic!("{lang} {name}: {e:?}"));
                let text = text_of(&html);
                assert!(
                    !text.contains('{') && !text.contains('}'),
                    "{lang} {name}: {text}"
                );
                for id in &english_ids {
                    let shown = text
                        .split(|c: char| c.is_whitespace() || ".,:;?()".contains(c))
                        .any(|word| word == id);
                    assert!(!shown, "{lang} {name}: message id `{id}` shows: {text}");
                }
                let dir = if lang == "ar" { "rtl" } else { "ltr" };
                assert!(
                    html.contains(&format!("<html lang=\"{lang}\" dir=\"{dir}\">")),
                    "{lang} {name}"
                );
            }
        }
    }
}

#[test]
fn a_translated_placeable_is_escaped_like_any_value() {
    let pages = pages();
    let mut context = Context::from_value(contexts("sessions.html.tera").remove(0)).unwrap();
    context.insert("email", "<script>x</script>@example.com");
    for locale in pages.catalogs.locales() {
        let html = pages
            .render_in(locale, "sessions.html.tera", &mut context, None)
            .unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }
}
