//! Moments in words of each language ("4 December 2026, 10:15 UTC", "4. Dezember 2026,
//! 10:15 UTC"), through the catalogs' `datetime` message, so a translator (or an operator's
//! `i18n.dir`) decides the order, the month names and the punctuation. Times are shown in
//! UTC, and say so.

use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};
use fluent_bundle::FluentArgs;

use super::catalog::{Catalogs, Locale};

/// The zone every time is shown in, named in the text.
pub const ZONE: &str = "UTC";

impl Catalogs {
    /// `at` in `locale`'s words, with the zone named.
    pub fn datetime(&self, locale: Locale, at: DateTime<Utc>) -> String {
        let mut args = FluentArgs::new();
        args.set("day", at.day());
        args.set("month", at.month());
        args.set("year", at.year());
        args.set("time", format!("{:02}:{:02}", at.hour(), at.minute()));
        args.set("zone", ZONE);
        self.text(locale, "datetime", Some(&args))
    }

    /// [`Catalogs::datetime`] of a database timestamp (UTC).
    pub fn naive_datetime(&self, locale: Locale, at: NaiveDateTime) -> String {
        self.datetime(locale, at.and_utc())
    }

    /// [`Catalogs::datetime`] of Unix seconds; empty for a time out of range.
    pub fn unix_datetime(&self, locale: Locale, unix: i64) -> String {
        DateTime::from_timestamp(unix, 0)
            .map(|at| self.datetime(locale, at))
            .unwrap_or_default()
    }
}
