//! The catalogs as the templates' `t()` sees them ([`mail::Messages`]): pages and emails
//! alike render through `mail::Translate`, in the language a render names by its index.

use std::collections::HashMap;

use fluent_bundle::FluentArgs;

use super::catalog::{Catalogs, Locale};

impl mail::Messages for Catalogs {
    fn message(
        &self,
        language: usize,
        id: &str,
        args: &HashMap<String, serde_json::Value>,
    ) -> Option<String> {
        let locale = Locale(language);
        if !self.has_message(locale, id) {
            return None;
        }
        let mut fluent = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            match value {
                serde_json::Value::Number(n) => match n.as_i64() {
                    Some(i) => fluent.set(name.as_str(), i),
                    None => fluent.set(name.as_str(), n.as_f64().unwrap_or_default()),
                },
                serde_json::Value::String(text) => fluent.set(name.as_str(), text.as_str()),
                serde_json::Value::Null => {}
                other => fluent.set(name.as_str(), other.to_string()),
            }
        }
        Some(self.text(locale, id, Some(&fluent)))
    }
}

impl Catalogs {
    /// `locale` as a render names it: its index, tag and direction.
    pub fn render_language(&self, locale: Locale) -> mail::Language {
        mail::Language {
            index: locale.0,
            tag: self.tag(locale).to_owned(),
            rtl: self.is_rtl(locale),
        }
    }
}
