//! The catalogs as shipped and as an operator may change them.

use std::collections::{BTreeMap, BTreeSet};

use super::builtin::sources;
use super::catalog::{Catalogs, REFERENCE};
use super::error::I18nError;
use super::negotiate::ranges;
use super::source::variables;
use crate::config::I18nSettings;

fn settings(dir: Option<&std::path::Path>) -> I18nSettings {
    I18nSettings {
        default_locale: "en".into(),
        locales: ["en", "de", "fr", "es", "ar"].map(String::from).to_vec(),
        dir: dir.map(|d| d.to_string_lossy().into_owned()),
    }
}

/// Every message of `lang`'s built-in files with the variables it uses.
fn shipped(lang: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut found = BTreeMap::new();
    for source in sources().unwrap().iter().filter(|s| s.lang == lang) {
        for (id, _) in source.messages() {
            let used = variables(source.message(id).unwrap());
            found.insert(id.to_owned(), used.into_iter().map(String::from).collect());
        }
    }
    found
}

#[test]
fn every_shipped_catalog_has_every_english_message_with_the_same_placeables() {
    let english = shipped(REFERENCE);
    assert!(english.len() > 100, "{}", english.len());
    for lang in ["de", "fr", "es", "ar"] {
        let translated = shipped(lang);
        assert_eq!(
            translated.keys().collect::<Vec<_>>(),
            english.keys().collect::<Vec<_>>(),
            "{lang} has other messages than English"
        );
        for (id, used) in &english {
            assert_eq!(
                &translated[id], used,
                "{lang}: `{id}` uses other placeables"
            );
        }
    }
}

#[test]
fn the_shipped_catalogs_load_with_the_default_settings() {
    let catalogs = Catalogs::load(&settings(None)).unwrap();

    assert_eq!(catalogs.tag(catalogs.default_locale()), "en");
    assert!(catalogs.is_rtl(catalogs.find("ar").unwrap()));
    assert!(!catalogs.is_rtl(catalogs.find("de").unwrap()));
}

#[test]
fn plurals_follow_each_language() {
    let catalogs = Catalogs::load(&settings(None)).unwrap();
    let said = |lang: &str, count: u64| {
        let locale = catalogs.find(lang).unwrap();
        catalogs.duration(locale, (count, super::Unit::Minute))
    };
    assert_eq!(said("en", 1), "1 minute");
    assert_eq!(said("en", 2), "2 minutes");
    assert_eq!(said("de", 5), "5 Minuten");
    assert_eq!(said("fr", 1), "1 minute");
    // Arabic: one, two, few (3–10), many (11–99), other (100+), each its own form.
    let arabic: Vec<String> = [1, 2, 3, 11, 100].map(|n| said("ar", n)).to_vec();
    assert!(arabic[0].contains("دقيقة واحدة"), "{arabic:?}");
    assert!(arabic[1].contains("دقيقتان"), "{arabic:?}");
    assert!(arabic[2].contains("دقائق"), "{arabic:?}");
    assert!(arabic[3].contains("دقيقة"), "{arabic:?}");
    assert_eq!(arabic.iter().collect::<BTreeSet<_>>().len(), 5);
}

fn negotiated(header: Option<&str>) -> String {
    let catalogs = Catalogs::load(&settings(None)).unwrap();
    catalogs.tag(catalogs.negotiate(header)).to_owned()
}

#[test]
fn accept_language_is_read_by_quality_with_fallback_to_the_language() {
    assert_eq!(negotiated(Some("de-AT")), "de");
    assert_eq!(negotiated(Some("fr-CA,fr;q=0.9")), "fr");
    assert_eq!(negotiated(Some("en;q=0.5, es;q=0.8")), "es");
    assert_eq!(negotiated(Some("ja, ar;q=0.1")), "ar");
    assert_eq!(negotiated(Some("DE-de")), "de");
    assert_eq!(negotiated(Some("de;q=0, fr;q=0.2")), "fr");
}

#[test]
fn an_unknown_or_missing_language_gets_the_default() {
    assert_eq!(negotiated(None), "en");
    assert_eq!(negotiated(Some("ja, zh-CN")), "en");
    assert_eq!(negotiated(Some("*")), "en");
    assert_eq!(negotiated(Some("*, de;q=0.5")), "en");
    assert_eq!(negotiated(Some("ja, *;q=0.9, de;q=0.5")), "en");
}

#[test]
fn a_malformed_header_is_skipped_entry_by_entry() {
    for header in [
        "",
        ",,,",
        ";q=1",
        "de;q=2",
        "de;q=abc",
        "de;q=0.0001",
        "\u{0}",
        "🙂",
        "de-;q=1",
        "x-klingon-very-long-tag-1234567890",
        "de;;;",
        "q=0.5",
    ] {
        let lang = negotiated(Some(header));
        assert!(["en", "de"].contains(&lang.as_str()), "{header:?}: {lang}");
    }
    assert_eq!(negotiated(Some("de;q=2, fr")), "fr");
    assert_eq!(negotiated(Some(&"xx,".repeat(10_000))), "en");
}

#[test]
fn ranges_are_sorted_by_quality_keeping_the_order_of_equals() {
    let tags: Vec<String> = ranges("fr;q=0.5, de, es;q=0.5, it;q=1.000, *;q=0.1")
        .into_iter()
        .map(|r| r.lang.map_or("*".into(), |l| l.to_string()))
        .collect();
    assert_eq!(tags, ["de", "it", "fr", "es", "*"]);
}

fn write(dir: &std::path::Path, lang: &str, text: &str) -> std::path::PathBuf {
    std::fs::create_dir_all(dir.join(lang)).unwrap();
    let file = dir.join(lang).join("custom.ftl");
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn an_override_replaces_a_message_of_a_shipped_language() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "de", "forgot-title = Kennwort vergessen?\n");

    let catalogs = Catalogs::load(&settings(Some(dir.path()))).unwrap();

    let de = catalogs.find("de").unwrap();
    assert_eq!(
        catalogs.text(de, "forgot-title", None),
        "Kennwort vergessen?"
    );
    assert_eq!(catalogs.text(de, "email-label", None), "E-Mail-Adresse");
}

#[test]
fn an_override_names_an_unknown_message_and_start_up_stops_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "de",
        "# mine\n\nforgot-titel = Passwort vergessen?\n",
    );

    let error = Catalogs::load(&settings(Some(dir.path()))).unwrap_err();

    assert!(matches!(error, I18nError::UnknownMessage { .. }), "{error}");
    let said = error.to_string();
    assert!(
        said.starts_with(&format!("{}:3:", file.display())),
        "{said}"
    );
    assert!(said.contains("`forgot-titel`"), "{said}");
    assert!(said.contains("did you mean `forgot-title`?"), "{said}");
}

#[test]
fn an_added_language_that_lacks_a_message_stops_start_up_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nl", "language-name = Nederlands\n");
    let mut with_dutch = settings(Some(dir.path()));
    with_dutch.locales.push("nl".into());

    let error = Catalogs::load(&with_dutch).unwrap_err().to_string();

    assert!(error.starts_with("en/pages.ftl:"), "{error}");
    assert!(
        error.contains("language `nl` lacks message `language-switch`"),
        "{error}"
    );
}

#[test]
fn an_override_that_does_not_parse_stops_start_up_with_file_line_and_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "fr",
        "forgot-title = Oublié ?\nemail-label = { $oops\n",
    );

    let error = Catalogs::load(&settings(Some(dir.path()))).unwrap_err();

    let said = error.to_string();
    assert!(matches!(error, I18nError::Syntax { .. }), "{said}");
    assert!(
        said.starts_with(&format!("{}:2:", file.display())),
        "{said}"
    );
    assert!(said.contains("`email-label`"), "{said}");
}

#[test]
fn an_override_using_a_variable_the_pages_do_not_pass_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "es",
        "forgot-title = { $nombre }, ¿olvidó su contraseña?\n",
    );

    let error = Catalogs::load(&settings(Some(dir.path())))
        .unwrap_err()
        .to_string();

    assert!(error.contains("`forgot-title` uses `$nombre`"), "{error}");
}

#[test]
fn an_offered_language_without_a_catalog_stops_start_up() {
    let mut klingon = settings(None);
    klingon.locales.push("tlh".into());

    let error = Catalogs::load(&klingon).unwrap_err().to_string();

    assert!(error.contains("`tlh` has no catalog"), "{error}");
}

#[test]
fn times_are_written_as_each_language_writes_them_with_the_zone_named() {
    let catalogs = Catalogs::load(&settings(None)).unwrap();
    let at = |text: &str| {
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
            .unwrap()
            .and_utc()
    };
    let said = |tag: &str, when: &str| catalogs.datetime(catalogs.find(tag).unwrap(), at(when));
    assert_eq!(said("en", "2026-12-04 09:05"), "4 December 2026, 09:05 UTC");
    assert_eq!(said("de", "2026-03-01 10:15"), "1. März 2026, 10:15 UTC");
    assert_eq!(said("fr", "2026-03-01 10:15"), "1er mars 2026 à 10:15 UTC");
    assert_eq!(said("fr", "2026-03-02 10:15"), "2 mars 2026 à 10:15 UTC");
    assert_eq!(
        said("es", "2026-08-15 23:59"),
        "15 de agosto de 2026, 23:59 UTC"
    );
    let arabic = said("ar", "2026-12-04 10:15");
    assert!(
        arabic.contains("ديسمبر") && arabic.contains("UTC"),
        "{arabic}"
    );
}
