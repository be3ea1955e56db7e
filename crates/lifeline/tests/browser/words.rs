//! The shipped page strings, read from the catalogs the pages are rendered
//! from, so a step written once ("type into the address field, press the
//! send button") works in every language the page is shown in.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Every language Lifeline ships, English first.
pub const SHIPPED: [&str; 5] = ["en", "de", "fr", "es", "ar"];

/// The catalogs' folder.
const LOCALES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../templates/locales");

/// The simple messages (one line, no placeable) of `lang`'s `pages.ftl`.
fn catalog(lang: &str) -> &'static HashMap<String, String> {
    static CATALOGS: OnceLock<HashMap<&'static str, HashMap<String, String>>> = OnceLock::new();
    let catalogs = CATALOGS.get_or_init(|| {
        SHIPPED
            .into_iter()
            .map(|lang| {
                let path = format!("{LOCALES}/{lang}/pages.ftl");
                let text = std::fs::read_to_string(&path).expect("catalog readable");
                (lang, simple_messages(&text))
            })
            .collect()
    });
    catalogs
        .get(lang)
        .unwrap_or_else(|| panic!("{lang} is not a shipped language"))
}

/// `id = text` lines whose text has no placeable and does not go on.
fn simple_messages(ftl: &str) -> HashMap<String, String> {
    ftl.lines()
        .filter_map(|line| line.split_once(" = "))
        .filter(|(id, text)| {
            id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') && !text.contains('{')
        })
        .map(|(id, text)| (id.to_owned(), text.trim().to_owned()))
        .collect()
}

/// The text of message `id` in `lang`, as the page shows it.
///
/// # Panics
/// When `lang` has no such simple message (one with a placeable or on
/// several lines is not read here).
pub fn text(lang: &str, id: &str) -> &'static str {
    catalog(lang)
        .get(id)
        .unwrap_or_else(|| panic!("no one-line message {id} in {lang}/pages.ftl"))
}
