//! Where the current time comes from.

use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time in unix seconds. The server passes [`SystemClock`]; tests
/// pass [`FixedClock`] so that expiry is checked against a known instant.
pub trait Clock {
    /// Seconds since 1970-01-01T00:00:00Z.
    fn now_unix(&self) -> i64;
}

/// The system's wall clock.
///
/// ```
/// use token_core::{Clock, SystemClock};
///
/// assert!(SystemClock.now_unix() > 1_700_000_000);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            // A system clock set before 1970: report the real (negative) time rather
            // than failing, so that expiry checks still compare honest instants.
            Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
        }
    }
}

/// A clock that always reads the same instant.
///
/// ```
/// use token_core::{Clock, FixedClock};
///
/// assert_eq!(FixedClock(1_800_000_000).now_unix(), 1_800_000_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now_unix(&self) -> i64 {
        self.0
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now_unix(&self) -> i64 {
        (**self).now_unix()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_clock_reads_the_current_unix_time() {
        // Arrange
        let expected = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;

        // Act
        let now = SystemClock.now_unix();

        // Assert
        assert!((now - expected).abs() <= 2, "{now} vs {expected}");
    }

    #[test]
    fn fixed_clock_reads_its_instant_also_through_a_reference() {
        // Arrange
        fn read<C: Clock>(clock: C) -> i64 {
            clock.now_unix()
        }
        let clock = FixedClock(42);
        let shared: &dyn Clock = &clock;

        // Act
        let through_ref = read(shared);

        // Assert
        assert_eq!(clock.now_unix(), 42);
        assert_eq!(through_ref, 42);
    }
}
