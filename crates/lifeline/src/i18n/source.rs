//! One `.ftl` file: where it came from, parsed, with the line of each message.

use fluent_bundle::FluentResource;
use fluent_syntax::ast;

use super::error::I18nError;

/// A parsed `.ftl` file of one language.
pub struct Source {
    /// The language folder it sits in (`de`).
    pub lang: String,
    /// How errors name it: `de/pages.ftl` (built in) or its path (an override).
    pub file: String,
    /// The parsed messages.
    pub resource: FluentResource,
}

impl Source {
    /// Parses `text`; a syntax error names the file, the line and the message it is in.
    pub fn parse(lang: &str, file: String, text: String) -> Result<Self, I18nError> {
        match FluentResource::try_new(text) {
            Ok(resource) => Ok(Self {
                lang: lang.to_owned(),
                file,
                resource,
            }),
            Err((resource, errors)) => {
                // The start of the entry the error is in, else where the parser stopped.
                let at = errors
                    .first()
                    .map(|e| e.slice.as_ref().map_or(e.pos.start, |s| s.start))
                    .unwrap_or(0);
                let source = resource.source();
                let line = line_of(source, at);
                Err(I18nError::Syntax {
                    file,
                    line,
                    id: message_before(source, at).unwrap_or_else(|| "(none)".into()),
                    problem: errors
                        .first()
                        .map(|e| e.kind.to_string())
                        .unwrap_or_default(),
                })
            }
        }
    }

    /// The ids of the messages this file defines, with their lines.
    pub fn messages(&self) -> impl Iterator<Item = (&str, usize)> {
        let source = self.resource.source();
        self.resource
            .entries()
            .filter_map(move |entry| match entry {
                ast::Entry::Message(message) => {
                    let id = message.id.name;
                    Some((id, line_of_message(source, id)))
                }
                _ => None,
            })
    }

    /// The message `id` of this file, if it defines it.
    pub fn message(&self, id: &str) -> Option<&ast::Message<&str>> {
        self.resource.entries().find_map(|entry| match entry {
            ast::Entry::Message(message) if message.id.name == id => Some(message),
            _ => None,
        })
    }
}

/// The 1-based line of byte offset `at`.
fn line_of(source: &str, at: usize) -> usize {
    let at = at.min(source.len());
    source
        .as_bytes()
        .iter()
        .take(at)
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The line where the message `id` is defined (`id =` at the start of a line).
pub fn line_of_message(source: &str, id: &str) -> usize {
    source
        .lines()
        .position(|line| {
            line.strip_prefix(id)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(1, |index| index + 1)
}

/// The id of the last message that starts before byte `at` (where a syntax error is).
fn message_before(source: &str, at: usize) -> Option<String> {
    // Up to the end of the line `at` is on: an entry that fails starts on that line.
    let at = at.min(source.len());
    let end = source
        .get(at..)
        .and_then(|rest| rest.find('\n'))
        .map_or(source.len(), |n| at + n);
    let head = source.get(..end)?;
    head.lines().rev().find_map(|line| {
        let (id, _) = line.split_once('=')?;
        let id = id.trim_end();
        let valid = !id.is_empty()
            && id.starts_with(|c: char| c.is_ascii_alphabetic())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        valid.then(|| id.to_owned())
    })
}

/// The variables (`$name`) a message uses, in its value, variants and attributes.
pub fn variables<'s>(message: &ast::Message<&'s str>) -> std::collections::BTreeSet<&'s str> {
    let mut found = std::collections::BTreeSet::new();
    if let Some(value) = &message.value {
        pattern_variables(value, &mut found);
    }
    for attribute in &message.attributes {
        pattern_variables(&attribute.value, &mut found);
    }
    found
}

fn pattern_variables<'s>(
    pattern: &ast::Pattern<&'s str>,
    found: &mut std::collections::BTreeSet<&'s str>,
) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, found);
        }
    }
}

fn expression_variables<'s>(
    expression: &ast::Expression<&'s str>,
    found: &mut std::collections::BTreeSet<&'s str>,
) {
    match expression {
        ast::Expression::Inline(inline) => inline_variables(inline, found),
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, found);
            for variant in variants {
                pattern_variables(&variant.value, found);
            }
        }
    }
}

fn inline_variables<'s>(
    inline: &ast::InlineExpression<&'s str>,
    found: &mut std::collections::BTreeSet<&'s str>,
) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            found.insert(id.name);
        }
        ast::InlineExpression::Placeable { expression } => expression_variables(expression, found),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                inline_variables(argument, found);
            }
            for argument in &arguments.named {
                inline_variables(&argument.value, found);
            }
        }
        _ => {}
    }
}
