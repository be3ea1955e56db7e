//! The loaded catalogs: one Fluent bundle per offered language, checked against English.

use std::collections::{BTreeSet, HashMap};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use unic_langid::{CharacterDirection, LanguageIdentifier};

use super::error::I18nError;
use super::source::{Source, variables};
use crate::config::I18nSettings;

/// The reference language: every other catalog translates its messages.
pub const REFERENCE: &str = "en";

/// One offered language, by its position in [`Catalogs`]. Cheap to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locale(pub(crate) usize);

/// One offered language.
struct Language {
    tag: String,
    /// `tag`, parsed once for negotiation.
    id: LanguageIdentifier,
    rtl: bool,
    bundle: FluentBundle<FluentResource>,
}

/// Every offered language's messages, built once at start-up.
pub struct Catalogs {
    languages: Vec<Language>,
    default: Locale,
}

impl std::fmt::Debug for Catalogs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tags: Vec<&str> = self.languages.iter().map(|l| l.tag.as_str()).collect();
        f.debug_struct("Catalogs")
            .field("languages", &tags)
            .finish()
    }
}

impl Catalogs {
    /// The built-in catalogs, then the files of `i18n.dir`, checked against English; only
    /// the languages of `i18n.locales` are kept, the default first among equals.
    pub fn load(settings: &I18nSettings) -> Result<Self, I18nError> {
        let mut sources = super::builtin::sources()?;
        let built_in: BTreeSet<String> = sources.iter().map(|s| s.lang.clone()).collect();
        if let Some(dir) = &settings.dir {
            sources.extend(super::overrides::sources(std::path::Path::new(dir))?);
        }
        check_against_reference(&sources)?;
        for tag in &settings.locales {
            let own: Vec<&Source> = sources.iter().filter(|s| &s.lang == tag).collect();
            if own.is_empty() {
                return Err(no_catalog(tag, &built_in));
            }
            check_complete(tag, &own, &sources)?;
        }
        let mut by_lang: HashMap<String, Vec<FluentResource>> = HashMap::new();
        for source in sources {
            by_lang
                .entry(source.lang)
                .or_default()
                .push(source.resource);
        }
        let mut languages = Vec::new();
        for tag in &settings.locales {
            let resources = by_lang.remove(tag).unwrap_or_default();
            languages.push(language(tag, resources)?);
        }
        let default = settings
            .locales
            .iter()
            .position(|tag| *tag == settings.default_locale)
            .ok_or_else(|| no_catalog(&settings.default_locale, &built_in))?;
        Ok(Self {
            languages,
            default: Locale(default),
        })
    }

    /// The language pages use when nothing else was chosen (`i18n.default_locale`).
    pub fn default_locale(&self) -> Locale {
        self.default
    }

    /// The offered language whose tag is exactly `tag` (as a switch link names it).
    pub fn find(&self, tag: &str) -> Option<Locale> {
        self.languages.iter().position(|l| l.tag == tag).map(Locale)
    }

    /// The tag of `locale` (`de`), for `lang` and `Content-Language`.
    pub fn tag(&self, locale: Locale) -> &str {
        self.language(locale).map_or(REFERENCE, |l| l.tag.as_str())
    }

    /// Whether `locale` is written right to left.
    pub fn is_rtl(&self, locale: Locale) -> bool {
        self.language(locale).is_some_and(|l| l.rtl)
    }

    /// The ids of every message of the built-in English catalog (for tests that look for
    /// an id left untranslated on a page).
    #[cfg(test)]
    pub fn message_ids() -> Vec<String> {
        let sources = super::builtin::sources().unwrap_or_default();
        sources
            .iter()
            .filter(|s| s.lang == REFERENCE)
            .flat_map(|s| {
                s.messages()
                    .map(|(id, _)| id.to_owned())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Every offered language, in the order of `i18n.locales`.
    pub fn locales(&self) -> impl Iterator<Item = Locale> + '_ {
        (0..self.languages.len()).map(Locale)
    }

    /// The offered languages' identifiers, in the order of `i18n.locales` (for
    /// negotiation), with the [`Locale`] each one is.
    pub(super) fn identifiers(&self) -> impl Iterator<Item = (Locale, &LanguageIdentifier)> {
        self.languages
            .iter()
            .enumerate()
            .map(|(at, l)| (Locale(at), &l.id))
    }

    /// A [`Locale`] is only made by these catalogs, so it is always found.
    fn language(&self, locale: Locale) -> Option<&Language> {
        self.languages.get(locale.0)
    }

    /// Whether `locale` has a message `id` with a value.
    pub fn has_message(&self, locale: Locale, id: &str) -> bool {
        self.language(locale)
            .and_then(|l| l.bundle.get_message(id))
            .is_some_and(|m| m.value().is_some())
    }

    /// Message `id` in `locale` with `args`. Start-up made sure every offered language has
    /// every message, so a miss is a bug in a caller: it is logged and shows the id.
    pub fn text(&self, locale: Locale, id: &str, args: Option<&FluentArgs>) -> String {
        let bundle = self.language(locale).map(|l| &l.bundle);
        let message = bundle.and_then(|b| Some((b, b.get_message(id)?.value()?)));
        let Some((bundle, pattern)) = message else {
            tracing::error!(message = id, lang = self.tag(locale), "no such message");
            return id.to_owned();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::error!(
                message = id,
                lang = self.tag(locale),
                ?errors,
                "message failed to format"
            );
        }
        text.into_owned()
    }
}

fn no_catalog(tag: &str, built_in: &BTreeSet<String>) -> I18nError {
    I18nError::NoCatalog {
        lang: tag.to_owned(),
        built_in: built_in.iter().cloned().collect::<Vec<_>>().join(", "),
        suggestion: did_you_mean(tag, built_in.iter().map(String::as_str)),
    }
}

fn did_you_mean<'a>(typed: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    crate::config::closest(typed, candidates)
        .map(|c| format!(", did you mean `{c}`?"))
        .unwrap_or_default()
}

/// Every file names only messages English has, with only the variables English passes.
fn check_against_reference(sources: &[Source]) -> Result<(), I18nError> {
    let reference: Vec<&Source> = sources.iter().filter(|s| s.lang == REFERENCE).collect();
    let mut known: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for source in &reference {
        for (id, _) in source.messages() {
            if let Some(message) = source.message(id) {
                known.entry(id).or_default().extend(variables(message));
            }
        }
    }
    for source in sources {
        for (id, line) in source.messages() {
            let Some(allowed) = known.get(id) else {
                return Err(I18nError::UnknownMessage {
                    file: source.file.clone(),
                    line,
                    id: id.to_owned(),
                    suggestion: did_you_mean(id, known.keys().copied()),
                });
            };
            let used = source.message(id).map(variables).unwrap_or_default();
            if let Some(variable) = used.iter().find(|v| !allowed.contains(*v)) {
                return Err(I18nError::UnknownVariable {
                    file: source.file.clone(),
                    line,
                    id: id.to_owned(),
                    variable: (*variable).to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// Language `tag` (its files `own`) has every message English has.
fn check_complete(tag: &str, own: &[&Source], sources: &[Source]) -> Result<(), I18nError> {
    let has: BTreeSet<&str> = own
        .iter()
        .flat_map(|s| s.messages().map(|(id, _)| id))
        .collect();
    for source in sources.iter().filter(|s| s.lang == REFERENCE) {
        for (id, line) in source.messages() {
            if !has.contains(id) {
                return Err(I18nError::MissingMessage {
                    file: source.file.clone(),
                    line,
                    lang: tag.to_owned(),
                    id: id.to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// The bundle of `tag`: its built-in files, then its override files, each replacing the
/// messages it names. Placeables are isolated (Unicode FSI/PDI) only in right-to-left
/// languages, where a left-to-right address or product name would otherwise reorder
/// the sentence around it.
fn language(tag: &str, resources: Vec<FluentResource>) -> Result<Language, I18nError> {
    let id: LanguageIdentifier = tag.parse().map_err(|_| I18nError::NoCatalog {
        lang: tag.to_owned(),
        built_in: String::new(),
        suggestion: " (not a language tag)".into(),
    })?;
    let rtl = id.character_direction() == CharacterDirection::RTL;
    let mut bundle = FluentBundle::new_concurrent(vec![id.clone()]);
    bundle.set_use_isolating(rtl);
    for resource in resources {
        bundle.add_resource_overriding(resource);
    }
    Ok(Language {
        tag: tag.to_owned(),
        id,
        rtl,
        bundle,
    })
}
