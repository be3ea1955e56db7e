//! The templates' `t()`: a message of the catalogs in the template set's language.

use std::collections::HashMap;
use std::sync::Arc;

use crate::i18n::{Catalogs, FluentArgs, Locale};

/// `t(id="…", name=value, …)` in the templates: message `id` in the template set's
/// language, with the other arguments as Fluent variables.
///
/// Escaping follows the templates' own rule: a message's text is the catalog's, trusted
/// like a template's literal text (the built-in files, or the operator's `i18n.dir`), so it
/// is not escaped; every placeable value is escaped before Fluent sees it, with the same
/// function tera's autoescape uses for values. So the output is marked safe.
pub(super) struct Translate {
    pub(super) catalogs: Arc<Catalogs>,
    pub(super) locale: Locale,
}

impl tera::Function for Translate {
    fn call(&self, args: &HashMap<String, serde_json::Value>) -> tera::Result<serde_json::Value> {
        let id = args
            .get("id")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| tera::Error::msg("t() needs id=\"message-id\""))?;
        let mut fluent = FluentArgs::new();
        for (name, value) in args.iter().filter(|(name, _)| *name != "id") {
            match value {
                serde_json::Value::Number(n) => match n.as_i64() {
                    Some(i) => fluent.set(name.as_str(), i),
                    None => fluent.set(name.as_str(), n.as_f64().unwrap_or_default()),
                },
                serde_json::Value::String(text) => {
                    fluent.set(name.as_str(), mail::escape_html(text))
                }
                serde_json::Value::Null => {}
                other => fluent.set(name.as_str(), mail::escape_html(&other.to_string())),
            }
        }
        if !self.catalogs.has_message(self.locale, id) {
            // A bug in a caller (start-up checked every message the pages name); the id is
            // shown, escaped, and logged.
            tracing::error!(message = id, "a page names no such message");
            return Ok(serde_json::Value::String(mail::escape_html(id)));
        }
        let text = self.catalogs.text(self.locale, id, Some(&fluent));
        Ok(serde_json::Value::String(text))
    }

    fn is_safe(&self) -> bool {
        true
    }
}
