//! The built-in English catalog on its own, for text made where no request's catalogs can
//! be reached: an API error answered outside Lifeline's scope (which should not happen) and
//! the English an error's `Display` gives the log.

use std::sync::OnceLock;

use super::catalog::{Catalogs, REFERENCE};
use crate::config::I18nSettings;

/// The compiled-in English messages, loaded on first use (no overrides: an operator's
/// `i18n.dir` is the request's catalogs' business). `None` only if they do not load, which
/// the catalog unit tests rule out.
pub fn built_in_english() -> Option<&'static Catalogs> {
    static ENGLISH: OnceLock<Option<Catalogs>> = OnceLock::new();
    ENGLISH
        .get_or_init(|| {
            let settings = I18nSettings {
                default_locale: REFERENCE.to_owned(),
                locales: vec![REFERENCE.to_owned()],
                dir: None,
            };
            Catalogs::load(&settings)
                .inspect_err(|error| tracing::error!(%error, "the built-in English catalog"))
                .ok()
        })
        .as_ref()
}
