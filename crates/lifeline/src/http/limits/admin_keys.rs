//! The admin API's in-memory limits: requests per API key, and failed key checks per client
//! IP, so that keys cannot be guessed at speed.
//!
//! The per-IP limit must stop guesses before they are checked, or a client over it would
//! still learn which guess was right. governor has no "would this be allowed" question that
//! does not spend a cell, so failures are counted by a governor limiter, and when one refuses,
//! the IP is barred until governor's wait is over ([`AdminKeyLimits::check_ip`] asks the bar
//! first). The bar then lets one guess through per replenished cell.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, RateLimiter};

use super::rate_limit::{Verdict, quota};
use crate::config::AdminApiSettings;

/// The admin API's limiters.
pub struct AdminKeyLimits {
    per_key: DefaultKeyedRateLimiter<i64>,
    failed_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    barred_until: Mutex<HashMap<IpAddr, Instant>>,
    clock: DefaultClock,
}

impl AdminKeyLimits {
    /// The limiters for the configured rates.
    pub fn new(settings: &AdminApiSettings) -> Self {
        let minute = Duration::from_secs(60);
        Self {
            per_key: RateLimiter::keyed(quota(
                minute,
                settings.per_key_per_minute,
                settings.per_key_per_minute,
            )),
            failed_per_ip: RateLimiter::keyed(quota(
                minute,
                settings.failed_per_ip_per_minute,
                settings.failed_per_ip_per_minute,
            )),
            barred_until: Mutex::new(HashMap::new()),
            clock: DefaultClock::default(),
        }
    }

    /// Whether the client `ip` may have a key checked now: `Limited` while it is barred after
    /// too many failures. Spends nothing.
    pub fn check_ip(&self, ip: IpAddr) -> Verdict {
        let now = Instant::now();
        let Ok(barred) = self.barred_until.lock() else {
            return Verdict::Allowed;
        };
        match barred.get(&ip) {
            Some(until) if *until > now => Verdict::Limited {
                retry_after_secs: until.duration_since(now).as_secs() + 1,
            },
            _ => Verdict::Allowed,
        }
    }

    /// Counts one failed key check from `ip`; over the limit, bars the IP until one more
    /// failure would be allowed, and says for how long.
    pub fn record_failure(&self, ip: IpAddr) -> Verdict {
        let Err(not_until) = self.failed_per_ip.check_key(&ip) else {
            return Verdict::Allowed;
        };
        let wait = not_until.wait_time_from(self.clock.now());
        if let Ok(mut barred) = self.barred_until.lock() {
            barred.insert(ip, Instant::now() + wait);
        }
        Verdict::Limited {
            retry_after_secs: wait.as_secs() + 1,
        }
    }

    /// One request with the key whose row id is `key_id` (counted only once the key checked
    /// out, so nobody can spend another key's budget).
    pub fn check_key(&self, key_id: i64) -> Verdict {
        match self.per_key.check_key(&key_id) {
            Ok(()) => Verdict::Allowed,
            Err(not_until) => Verdict::Limited {
                retry_after_secs: not_until.wait_time_from(self.clock.now()).as_secs() + 1,
            },
        }
    }

    /// Forgets recovered keys and IPs and bars that have ended.
    pub fn retain_recent(&self) {
        self.per_key.retain_recent();
        self.failed_per_ip.retain_recent();
        let now = Instant::now();
        if let Ok(mut barred) = self.barred_until.lock() {
            barred.retain(|_, until| *until > now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_key: u32, failed: u32) -> AdminKeyLimits {
        AdminKeyLimits::new(&AdminApiSettings {
            per_key_per_minute: per_key,
            failed_per_ip_per_minute: failed,
        })
    }

    #[test]
    fn an_ip_is_barred_after_its_failures_and_others_are_not() {
        // Arrange
        let limits = limits(10, 2);
        let (ip, other): (IpAddr, IpAddr) =
            ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());

        // Act
        let before = limits.check_ip(ip);
        let failures = [limits.record_failure(ip), limits.record_failure(ip)];
        let over = limits.record_failure(ip);

        // Assert
        assert_eq!(before, Verdict::Allowed);
        assert_eq!(failures, [Verdict::Allowed, Verdict::Allowed]);
        assert!(
            matches!(over, Verdict::Limited { retry_after_secs } if (1..=31).contains(&retry_after_secs))
        );
        assert!(matches!(limits.check_ip(ip), Verdict::Limited { .. }));
        assert_eq!(limits.check_ip(other), Verdict::Allowed);
        limits.retain_recent();
        assert!(matches!(limits.check_ip(ip), Verdict::Limited { .. }));
    }

    #[test]
    fn requests_are_limited_per_key() {
        let limits = limits(2, 10);
        assert_eq!(limits.check_key(1), Verdict::Allowed);
        assert_eq!(limits.check_key(1), Verdict::Allowed);
        assert!(matches!(limits.check_key(1), Verdict::Limited { .. }));
        assert_eq!(limits.check_key(2), Verdict::Allowed);
    }
}
