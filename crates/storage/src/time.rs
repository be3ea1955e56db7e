//! Checked arithmetic between database times and durations.

use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};

use crate::error::StorageError;

/// `time + duration`, or an error when the result cannot be represented.
pub(crate) fn add(time: NaiveDateTime, duration: Duration) -> Result<NaiveDateTime, StorageError> {
    TimeDelta::from_std(duration)
        .ok()
        .and_then(|delta| time.checked_add_signed(delta))
        .ok_or(StorageError::TimeOutOfRange("time plus duration"))
}

/// `time - duration`, or an error when the result cannot be represented.
pub(crate) fn sub(time: NaiveDateTime, duration: Duration) -> Result<NaiveDateTime, StorageError> {
    TimeDelta::from_std(duration)
        .ok()
        .and_then(|delta| time.checked_sub_signed(delta))
        .ok_or(StorageError::TimeOutOfRange("time minus duration"))
}

/// `later - earlier` as a duration; zero when `later` is not after `earlier`.
pub(crate) fn between(earlier: NaiveDateTime, later: NaiveDateTime) -> Duration {
    (later - earlier).to_std().unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixed_now;

    #[test]
    fn adding_and_subtracting_round_trips() {
        let now = fixed_now();
        let later = add(now, Duration::from_secs(90)).unwrap();
        assert_eq!(sub(later, Duration::from_secs(90)).unwrap(), now);
        assert_eq!(between(now, later), Duration::from_secs(90));
        assert_eq!(between(later, now), Duration::ZERO);
    }

    #[test]
    fn absurd_durations_are_errors_not_panics() {
        let result = add(fixed_now(), Duration::MAX);
        assert!(matches!(result, Err(StorageError::TimeOutOfRange(_))));
        assert!(sub(fixed_now(), Duration::MAX).is_err());
    }
}
