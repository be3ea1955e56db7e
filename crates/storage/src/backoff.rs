//! Retry delays for the outbox: exponential, capped, with caller-supplied jitter.

use std::time::Duration;

/// Delay before the first retry.
pub const BACKOFF_BASE: Duration = Duration::from_secs(30);
/// Longest delay between retries.
pub const BACKOFF_MAX: Duration = Duration::from_secs(60 * 60);

/// Delay before the next attempt after `attempts` failed ones: 30 s, 1 min, 2 min, … capped
/// at one hour. Deterministic; add jitter with [`with_jitter`] so that many jobs failed by one
/// outage do not all retry in the same second.
pub fn backoff(attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(16);
    BACKOFF_BASE.saturating_mul(1 << doublings).min(BACKOFF_MAX)
}

/// Stretches `delay` by up to a quarter: `unit` in `[0, 1]` (clamped) comes from the caller's
/// random source, which keeps this function deterministic in tests.
pub fn with_jitter(delay: Duration, unit: f64) -> Duration {
    let unit = if unit.is_finite() {
        unit.clamp(0.0, 1.0)
    } else {
        0.0
    };
    delay.mul_f64(1.0 + unit / 4.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_an_hour() {
        assert_eq!(backoff(0), Duration::from_secs(30));
        assert_eq!(backoff(1), Duration::from_secs(30));
        assert_eq!(backoff(2), Duration::from_secs(60));
        assert_eq!(backoff(3), Duration::from_secs(120));
        assert_eq!(backoff(7), Duration::from_secs(1920));
        assert_eq!(backoff(8), BACKOFF_MAX);
        assert_eq!(backoff(u32::MAX), BACKOFF_MAX);
    }

    #[test]
    fn jitter_stretches_by_at_most_a_quarter() {
        let delay = Duration::from_secs(100);
        assert_eq!(with_jitter(delay, 0.0), delay);
        assert_eq!(with_jitter(delay, 1.0), Duration::from_secs(125));
        assert_eq!(with_jitter(delay, 7.0), Duration::from_secs(125));
        assert_eq!(with_jitter(delay, f64::NAN), delay);
        assert_eq!(with_jitter(delay, -1.0), delay);
    }
}
