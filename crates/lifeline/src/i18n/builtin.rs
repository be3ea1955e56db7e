//! The catalogs compiled into the binary, one folder per language.

use super::error::I18nError;
use super::source::Source;

macro_rules! catalog {
    ($lang:literal, $file:literal) => {
        (
            $lang,
            $file,
            include_str!(concat!("../../../../templates/locales/", $lang, "/", $file)),
        )
    };
}

/// Every built-in file: its language, its name and its text.
pub const BUILT_IN: &[(&str, &str, &str)] = &[
    catalog!("en", "pages.ftl"),
    catalog!("en", "emails.ftl"),
    catalog!("de", "pages.ftl"),
    catalog!("de", "emails.ftl"),
    catalog!("fr", "pages.ftl"),
    catalog!("fr", "emails.ftl"),
    catalog!("es", "pages.ftl"),
    catalog!("es", "emails.ftl"),
    catalog!("ar", "pages.ftl"),
    catalog!("ar", "emails.ftl"),
    catalog!("en", "api.ftl"),
    catalog!("de", "api.ftl"),
    catalog!("fr", "api.ftl"),
    catalog!("es", "api.ftl"),
    catalog!("ar", "api.ftl"),
];

/// The built-in files, parsed (a file that does not parse is a bug a unit test catches).
pub fn sources() -> Result<Vec<Source>, I18nError> {
    BUILT_IN
        .iter()
        .map(|(lang, file, text)| Source::parse(lang, format!("{lang}/{file}"), (*text).to_owned()))
        .collect()
}
