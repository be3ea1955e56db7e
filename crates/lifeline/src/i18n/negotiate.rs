//! `Accept-Language` (RFC 9110 §12.5.4): the client's ranges by quality, matched against
//! the offered languages (`de-AT` → `de`), else the default. A header that does not parse
//! is no error: its unusable entries are skipped.

use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use unic_langid::LanguageIdentifier;

use super::catalog::{Catalogs, Locale};

/// At most this many entries of a header are read (a header is no place for a list).
const MAX_RANGES: usize = 32;

/// One entry of the header: a language range (`None` for `*`) and its weight in
/// thousandths.
#[derive(Debug, PartialEq, Eq)]
pub struct Range {
    /// The language, or `None` for `*` (any language).
    pub lang: Option<LanguageIdentifier>,
    /// The quality, 0 to 1000.
    pub quality: u16,
}

/// The usable ranges of `header`, best first (equal weights keep their order); ranges
/// with quality 0 ("not this one") are left out.
pub fn ranges(header: &str) -> Vec<Range> {
    let mut found: Vec<Range> = header
        .split(',')
        .take(MAX_RANGES)
        .filter_map(range)
        .filter(|r| r.quality > 0)
        .collect();
    found.sort_by_key(|r| std::cmp::Reverse(r.quality));
    found
}

fn range(entry: &str) -> Option<Range> {
    let mut parts = entry.split(';');
    let tag = parts.next()?.trim();
    let mut quality = 1000;
    for parameter in parts {
        let (name, value) = parameter.split_once('=')?;
        if name.trim().eq_ignore_ascii_case("q") {
            quality = parse_quality(value.trim())?;
        }
    }
    let lang = match tag {
        "*" => None,
        _ => Some(tag.parse().ok()?),
    };
    Some(Range { lang, quality })
}

/// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`, in thousandths.
fn parse_quality(value: &str) -> Option<u16> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

impl Catalogs {
    /// The offered language that best matches `header`, or the default.
    pub fn negotiate(&self, header: Option<&str>) -> Locale {
        let Some(header) = header else {
            return self.default_locale();
        };
        let ranges = ranges(header);
        // Ranges after a `*` are worth less than "anything", which is the default.
        let requested: Vec<LanguageIdentifier> = ranges.into_iter().map_while(|r| r.lang).collect();
        let available: Vec<&LanguageIdentifier> = self.identifiers().map(|(_, id)| id).collect();
        let chosen =
            negotiate_languages(&requested, &available, None, NegotiationStrategy::Filtering);
        chosen
            .first()
            .and_then(|best| self.identifiers().find(|(_, id)| id == *best))
            .map_or_else(|| self.default_locale(), |(locale, _)| locale)
    }
}
