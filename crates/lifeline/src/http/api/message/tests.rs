//! API messages said in each shipped language, and the `api-…` ids the code names against
//! the English catalog.

use std::collections::BTreeSet;

use super::*;
use crate::config::I18nSettings;

fn catalogs() -> Catalogs {
    let settings = I18nSettings {
        default_locale: "en".into(),
        locales: ["en", "de", "fr", "es", "ar"].map(String::from).to_vec(),
        dir: None,
    };
    Catalogs::load(&settings).unwrap()
}

fn said(message: &ApiMessage, lang: &str) -> String {
    let catalogs = catalogs();
    message.text(&catalogs, catalogs.find(lang).unwrap())
}

/// Every `"api-…"` literal in the crate's sources (this file aside).
fn ids_in_the_code() -> BTreeSet<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut dirs = vec![std::path::PathBuf::from(root)];
    let mut found = BTreeSet::new();
    while let Some(path) = dirs.pop() {
        if path.is_dir() {
            dirs.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with("message/tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (at, _) in text.match_indices("\"api-") {
            let rest = &text[at + 1..];
            let id: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '-')
                .collect();
            if rest[id.len()..].starts_with('"') {
                found.insert(id);
            }
        }
    }
    found
}

#[test]
fn every_api_message_the_code_names_is_in_the_catalog_and_every_one_is_used() {
    let in_catalog: BTreeSet<String> = Catalogs::message_ids()
        .into_iter()
        .filter(|id| id.starts_with("api-"))
        .collect();
    let in_code = ids_in_the_code();

    assert!(in_code.len() > 20, "{in_code:?}");
    assert_eq!(
        in_code.difference(&in_catalog).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "named in the code but not in en/api.ftl"
    );
    assert_eq!(
        in_catalog.difference(&in_code).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "in en/api.ftl but never named in the code"
    );
}

#[test]
fn a_wait_is_said_in_words_and_plurals_of_the_language() {
    let limited = ApiMessage::new("api-too-many").with_wait("wait", 90);

    assert_eq!(
        said(&limited, "en"),
        "There were too many attempts in a short time, so this one was not tried. Try again in 2 minutes."
    );
    assert!(
        said(&limited, "de").ends_with("Versuchen Sie es in 2 Minuten noch einmal."),
        "{}",
        said(&limited, "de")
    );
    assert!(said(&limited, "es").contains("2 minutos"));
    assert!(said(&limited, "ar").contains("دقيقتان"));
    let an_hour = ApiMessage::new("api-unavailable").with_wait("wait", 3600);
    assert!(said(&an_hour, "fr").ends_with("Réessayez dans 1 heure."));
}

#[test]
fn a_refused_password_says_the_pages_reason_with_its_limit() {
    let short = ApiMessage::weak_password(&PasswordRejection::TooShort { min: 12 });
    let long = ApiMessage::weak_password(&PasswordRejection::TooLong { max: 128 });
    let common = ApiMessage::weak_password(&PasswordRejection::Common);

    assert_eq!(said(&short, "en"), "Use at least 12 characters.");
    assert_eq!(said(&short, "fr"), "Utilisez au moins 12 caractères.");
    assert_eq!(said(&long, "de"), "Verwenden Sie höchstens 128 Zeichen.");
    assert!(said(&common, "es").starts_with("Esta contraseña es una de las más utilizadas"));
}

#[test]
fn a_selector_picks_the_action_in_every_language() {
    let no_column = |action: &str| {
        ApiMessage::new("api-directory-no-column")
            .with_text("action", action.to_owned())
            .with_text("table", "members")
            .with_text("setting", "directory.disabled_at_column")
    };

    let disable = said(&no_column("disable"), "de");
    assert!(
        disable.starts_with("Konten lassen sich nicht deaktivieren:"),
        "{disable}"
    );
    assert!(disable.contains("`members`"), "{disable}");
    assert!(
        disable.contains("directory.disabled_at_column"),
        "{disable}"
    );
    let pause = said(&no_column("pause"), "en");
    assert!(
        pause.starts_with("Link requests cannot be paused"),
        "{pause}"
    );
}

#[test]
fn english_comes_from_the_built_in_catalog_without_any_request() {
    assert_eq!(
        ApiMessage::new("api-invalid-email").english(),
        "The email address is not valid."
    );
    assert_eq!(
        ApiMessage::new("api-insufficient-scope")
            .with_text("scope", "write")
            .english(),
        "This API key lacks the `write` scope this endpoint needs."
    );
}
