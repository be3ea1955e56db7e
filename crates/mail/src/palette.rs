//! The colours derived from the operator's accent so that pages and emails stay readable
//! whatever accent is configured (WCAG 2.1 AA: 4.5:1 for text, 3:1 for focus rings).
//!
//! An accent is used as it is where it only decorates (the card's top edge, a button's
//! background). Where it must be read, its text-safe shade is used instead: the accent itself
//! when it is dark enough, otherwise the accent mixed with black until it is. Text on a button
//! is white or black, whichever stands out more from the accent.

use std::fmt;

/// The lightest background accent-coloured text sits on: the page background around the card
/// (`--bg` in `lifeline.css`, the mail's outer background). The card itself is white, which
/// only adds contrast.
const LIGHTEST_BACKGROUND: Rgb = Rgb(0xf3, 0xf4, 0xf6);
const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
const BLACK: Rgb = Rgb(0, 0, 0);
/// WCAG 2.1 AA for normal text (1.4.3); it also covers 3:1 for focus rings (1.4.11).
const TEXT_CONTRAST: f64 = 4.5;
/// How far a button's hover shade moves away from its text colour.
const HOVER_MIX: f64 = 0.12;

/// A colour as red, green and blue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(u8, u8, u8);

impl Rgb {
    /// Parses `#abc` or `#a1b2c3` (see [`crate::is_hex_colour`]); `None` for anything else.
    pub fn parse(value: &str) -> Option<Self> {
        if !crate::is_hex_colour(value) {
            return None;
        }
        let digits: Vec<u8> = value[1..]
            .chars()
            .filter_map(|c| c.to_digit(16))
            .filter_map(|d| u8::try_from(d).ok())
            .collect();
        match digits[..] {
            [r, g, b] => Some(Self(r * 17, g * 17, b * 17)),
            [r1, r2, g1, g2, b1, b2] => Some(Self(r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2)),
            _ => None,
        }
    }

    /// Relative luminance, as WCAG 2.1 defines it.
    fn luminance(self) -> f64 {
        let linear = |channel: u8| {
            let c = f64::from(channel) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.0) + 0.7152 * linear(self.1) + 0.0722 * linear(self.2)
    }

    /// The contrast ratio between two colours, from 1 to 21, as WCAG 2.1 defines it.
    pub fn contrast(self, other: Self) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// `self` with the fraction `amount` (0 to 1) of `other` mixed in.
    fn mix(self, other: Self, amount: f64) -> Self {
        let channel = |a: u8, b: u8| {
            let mixed = f64::from(a) + (f64::from(b) - f64::from(a)) * amount;
            // In 0..=255 because both ends are; the cast cannot truncate.
            #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let byte = mixed.round().clamp(0.0, 255.0) as u8;
            byte
        };
        Self(
            channel(self.0, other.0),
            channel(self.1, other.1),
            channel(self.2, other.2),
        )
    }
}

/// `#rrggbb`: the only form a [`Palette`] writes, whatever form the accent was given in.
impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The accent and the colours derived from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// The accent as configured: decoration and button backgrounds.
    pub accent: Rgb,
    /// Links, the product name and focus rings: at least 4.5:1 on every page background.
    pub accent_text: Rgb,
    /// Text on an accent-coloured button: white or black, at least 4.5:1 on the accent.
    pub on_accent: Rgb,
    /// A button's background under the pointer: the accent moved away from its text colour,
    /// so hovering never lowers the contrast.
    pub accent_hover: Rgb,
}

impl Palette {
    /// The palette for an accent in `#abc` or `#a1b2c3` form; `None` for anything else.
    pub fn for_accent(accent: &str) -> Option<Self> {
        let accent = Rgb::parse(accent)?;
        let accent_text = (0..=20)
            .map(|step| accent.mix(BLACK, f64::from(step) / 20.0))
            .find(|shade| shade.contrast(LIGHTEST_BACKGROUND) >= TEXT_CONTRAST)
            .unwrap_or(BLACK);
        let (on_accent, away) = if accent.contrast(WHITE) >= accent.contrast(BLACK) {
            (WHITE, BLACK)
        } else {
            (BLACK, WHITE)
        };
        Some(Self {
            accent,
            accent_text,
            on_accent,
            accent_hover: accent.mix(away, HOVER_MIX),
        })
    }

    /// The palette as CSS custom properties on `:root`, for the end of a stylesheet:
    /// `--accent`, `--accent-text`, `--on-accent` and `--accent-hover`.
    pub fn css_rule(&self) -> String {
        format!(
            ":root {{ --accent: {}; --accent-text: {}; --on-accent: {}; --accent-hover: {}; }}\n",
            self.accent, self.accent_text, self.on_accent, self.accent_hover
        )
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_default_blue_is_kept_as_it_is() {
        let palette = Palette::for_accent("#2563eb").unwrap();

        assert_eq!(palette.accent_text.to_string(), "#2563eb");
        assert_eq!(palette.on_accent, WHITE);
        assert!((palette.accent.contrast(WHITE) - 5.17).abs() < 0.01);
    }

    #[test]
    fn a_light_accent_gets_a_darker_text_shade_and_black_button_text() {
        let palette = Palette::for_accent("#fbbf24").unwrap();

        assert_eq!(palette.accent.to_string(), "#fbbf24");
        assert_ne!(palette.accent_text, palette.accent);
        assert!(palette.accent_text.contrast(LIGHTEST_BACKGROUND) >= 4.5);
        assert_eq!(palette.on_accent, BLACK);
    }

    #[test]
    fn short_and_long_forms_are_the_same_colour() {
        assert_eq!(Rgb::parse("#fa0"), Rgb::parse("#FFAA00"));
        assert_eq!(Rgb::parse("#fa0").unwrap().to_string(), "#ffaa00");
        assert_eq!(Rgb::parse("red"), None);
        assert_eq!(Palette::for_accent("#12345"), None);
    }

    #[test]
    fn the_css_rule_sets_every_property() {
        assert_eq!(
            Palette::for_accent("#000").unwrap().css_rule(),
            ":root { --accent: #000000; --accent-text: #000000; \
             --on-accent: #ffffff; --accent-hover: #000000; }\n"
        );
    }

    proptest! {
        #[test]
        fn every_accent_yields_readable_text_and_buttons(r: u8, g: u8, b: u8) {
            let palette = Palette::for_accent(&Rgb(r, g, b).to_string()).unwrap();

            prop_assert!(palette.accent_text.contrast(LIGHTEST_BACKGROUND) >= TEXT_CONTRAST);
            prop_assert!(palette.accent_text.contrast(WHITE) >= TEXT_CONTRAST);
            prop_assert!(palette.on_accent.contrast(palette.accent) >= TEXT_CONTRAST);
            prop_assert!(
                palette.on_accent.contrast(palette.accent_hover)
                    >= palette.on_accent.contrast(palette.accent)
            );
        }
    }
}
