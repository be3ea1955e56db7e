//! The templates' `t()`: a translated message, in the language of the render under way.
//!
//! Templates are compiled once and shared by every language: a tera function sees only its
//! arguments, so the language (and whether the part being rendered is HTML) is set for the
//! length of one render by [`rendering`], on the rendering thread, and read by [`Translate`].
//! The messages themselves are the application's ([`Messages`]): this crate knows no catalog.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Arc;

use crate::templates::escape_html;

/// Where `t()` finds its messages: the application's catalogs.
pub trait Messages: Send + Sync {
    /// Message `id` in language `language` (an index the application chose, see
    /// [`Language`]) with `args` as its variables, or `None` when there is no such message.
    fn message(
        &self,
        language: usize,
        id: &str,
        args: &HashMap<String, tera::Value>,
    ) -> Option<String>;
}

/// The language of a render: its index in the application's [`Messages`], its tag (`de`)
/// for `lang` attributes, and its direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// The index [`Messages::message`] is given.
    pub index: usize,
    /// The BCP 47 tag, e.g. `de` or `ar`.
    pub tag: String,
    /// Written right to left.
    pub rtl: bool,
}

impl Language {
    /// `rtl` or `ltr`, for `dir` attributes.
    pub fn dir(&self) -> &'static str {
        if self.rtl { "rtl" } else { "ltr" }
    }
}

/// What a render produces, which decides how `t()` treats its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// An HTML part or page: every string value is escaped before the message sees it.
    Html,
    /// A subject or plain-text part: values go in as they are.
    Text,
}

thread_local! {
    static RENDERING: Cell<Option<(usize, Markup)>> = const { Cell::new(None) };
}

/// Runs `render` with `t()` speaking `language` and treating values as `markup` wants.
/// Renders nest safely: the previous setting is back when `render` returns or panics.
pub fn rendering<T>(language: usize, markup: Markup, render: impl FnOnce() -> T) -> T {
    struct Restore(Option<(usize, Markup)>);
    impl Drop for Restore {
        fn drop(&mut self) {
            RENDERING.with(|r| r.set(self.0));
        }
    }
    let _restore = Restore(RENDERING.with(|r| r.replace(Some((language, markup)))));
    render()
}

/// `t(id="…", name=value, …)`: message `id` in the language of the render under way, with
/// the other arguments as its variables.
///
/// A message's text is the application's catalog, trusted like a template's own literal
/// text, so it is not escaped; in HTML every string value is escaped before the message
/// sees it, with the function autoescape uses. So the output is marked safe.
pub struct Translate {
    messages: Arc<dyn Messages>,
}

impl Translate {
    /// `t()` over `messages`.
    pub fn new(messages: Arc<dyn Messages>) -> Self {
        Self { messages }
    }
}

impl tera::Function for Translate {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let id = args
            .get("id")
            .and_then(tera::Value::as_str)
            .ok_or_else(|| tera::Error::msg("t() needs id=\"message-id\""))?;
        let Some((language, markup)) = RENDERING.with(Cell::get) else {
            return Err(tera::Error::msg(
                "t() used outside a render with a language",
            ));
        };
        let mut values = HashMap::with_capacity(args.len().saturating_sub(1));
        for (name, value) in args.iter().filter(|(name, _)| *name != "id") {
            let value = match (value, markup) {
                (tera::Value::String(text), Markup::Html) => tera::Value::String(escape_html(text)),
                (tera::Value::String(_) | tera::Value::Number(_), _) | (tera::Value::Null, _) => {
                    value.clone()
                }
                (other, Markup::Html) => tera::Value::String(escape_html(&other.to_string())),
                (other, Markup::Text) => tera::Value::String(other.to_string()),
            };
            values.insert(name.clone(), value);
        }
        match self.messages.message(language, id, &values) {
            Some(text) => Ok(tera::Value::String(text)),
            None => {
                // A bug in a template or an override (start-up renders every template in
                // every language): the id is shown, escaped, and logged.
                tracing::error!(message = id, "a template names no such message");
                Ok(tera::Value::String(escape_html(id)))
            }
        }
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// A [`Messages`] for this crate's tests: says the id and its variables (`id k=v k2=v2`,
/// names sorted) in any language, so a test sees which message and which values a template
/// used without a catalog.
#[cfg(test)]
pub(crate) struct Echo;

#[cfg(test)]
impl Messages for Echo {
    fn message(
        &self,
        language: usize,
        id: &str,
        args: &HashMap<String, tera::Value>,
    ) -> Option<String> {
        if id == "missing" {
            return None;
        }
        let mut names: Vec<&String> = args.keys().collect();
        names.sort();
        let mut text = format!("{language}:{id}");
        for name in names {
            let value = match &args[name] {
                tera::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            text.push_str(&format!(" {name}={value}"));
        }
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera() -> tera::Tera {
        let mut tera = tera::Tera::default();
        tera.register_function("t", Translate::new(Arc::new(Echo)));
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_templates([
            ("a.html", r#"{{ t(id="x", v=v) }}"#),
            ("a.txt", r#"{{ t(id="x", v=v) }}"#),
            ("missing.html", r#"{{ t(id="missing", v=v) }}"#),
        ])
        .expect("templates compile");
        tera
    }

    fn context(v: &str) -> tera::Context {
        let mut context = tera::Context::new();
        context.insert("v", v);
        context
    }

    #[test]
    fn values_are_escaped_in_html_only_and_the_language_is_the_renders() {
        let tera = tera();
        let html = rendering(2, Markup::Html, || tera.render("a.html", &context("<b>")));
        assert_eq!(html.expect("renders"), "2:x v=&lt;b&gt;");
        let text = rendering(3, Markup::Text, || tera.render("a.txt", &context("<b>")));
        assert_eq!(text.expect("renders"), "3:x v=<b>");
    }

    #[test]
    fn renders_nest_and_the_outer_language_comes_back() {
        let tera = tera();
        let outer = rendering(1, Markup::Text, || {
            let inner = rendering(4, Markup::Text, || tera.render("a.txt", &context("i")));
            assert_eq!(inner.expect("renders"), "4:x v=i");
            tera.render("a.txt", &context("o"))
        });
        assert_eq!(outer.expect("renders"), "1:x v=o");
    }

    #[test]
    fn outside_a_render_t_is_an_error_and_a_missing_message_shows_its_id() {
        let tera = tera();
        assert!(tera.render("a.txt", &context("v")).is_err());
        let missing = rendering(0, Markup::Html, || {
            tera.render("missing.html", &context("v"))
        });
        assert_eq!(missing.expect("renders"), "missing");
    }
}
