//! Spans of time in words ("2 minutes", "2 Minuten", "دقيقتان"), through the catalogs'
//! plural rules.

use fluent_bundle::FluentArgs;

use super::catalog::{Catalogs, Locale};

/// The unit a duration is said in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Seconds.
    Second,
    /// Minutes.
    Minute,
    /// Hours.
    Hour,
}

/// A wait (a `Retry-After`) rounded up to whole minutes from one minute on and to whole
/// hours from one hour on; never less than one second.
pub fn rounded_up(secs: u64) -> (u64, Unit) {
    match secs {
        0..60 => (secs.max(1), Unit::Second),
        60..3600 => (secs.div_ceil(60), Unit::Minute),
        _ => (secs.div_ceil(3600), Unit::Hour),
    }
}

/// A lifetime (a setting) exactly, in the largest unit that divides it.
pub fn exact(secs: u64) -> (u64, Unit) {
    match secs {
        s if s >= 3600 && s % 3600 == 0 => (s / 3600, Unit::Hour),
        s if s >= 60 && s % 60 == 0 => (s / 60, Unit::Minute),
        s => (s, Unit::Second),
    }
}

impl Catalogs {
    /// `count` `unit`s in `locale`, with the language's plural forms.
    pub fn duration(&self, locale: Locale, (count, unit): (u64, Unit)) -> String {
        let id = match unit {
            Unit::Second => "duration-seconds",
            Unit::Minute => "duration-minutes",
            Unit::Hour => "duration-hours",
        };
        let mut args = FluentArgs::new();
        args.set("count", count);
        self.text(locale, id, Some(&args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_is_rounded_up_to_the_unit_it_is_said_in() {
        assert_eq!(rounded_up(0), (1, Unit::Second));
        assert_eq!(rounded_up(45), (45, Unit::Second));
        assert_eq!(rounded_up(60), (1, Unit::Minute));
        assert_eq!(rounded_up(61), (2, Unit::Minute));
        assert_eq!(rounded_up(3600), (1, Unit::Hour));
        assert_eq!(rounded_up(7201), (3, Unit::Hour));
    }

    #[test]
    fn a_lifetime_is_said_exactly_in_the_largest_unit_that_divides_it() {
        assert_eq!(exact(1800), (30, Unit::Minute));
        assert_eq!(exact(86_400), (24, Unit::Hour));
        assert_eq!(exact(90), (90, Unit::Second));
    }
}
