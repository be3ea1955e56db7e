//! In-memory keyed rate limits (governor). They protect one instance from floods;
//! the limits that must hold across instances (the per-account mail quota, the budgets of
//! `flows::shared_limits`) are counted in the database (`storage::throttles`),
//! behind these.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::LimitSettings;

/// The result of asking a limiter for one more request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead.
    Allowed,
    /// Over the limit; the wait is rounded up to whole seconds for `Retry-After`.
    Limited {
        /// Seconds until one more request would be allowed.
        retry_after_secs: u64,
    },
}

/// How many requests each limiter has refused since start-up (for metrics).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimitHits {
    /// POSTs over the per-IP limit.
    pub ip: u64,
    /// Link requests over the per-address limit.
    pub address: u64,
    /// Link requests over the global ceiling.
    pub global: u64,
    /// Sign-in attempts over the per-account limit.
    pub login: u64,
    /// New-password submissions over the per-link limit.
    pub token: u64,
}

/// All of the server's in-memory limiters.
pub struct RateLimits {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_address: DefaultKeyedRateLimiter<[u8; 32]>,
    per_account_login: DefaultKeyedRateLimiter<[u8; 32]>,
    per_token: DefaultKeyedRateLimiter<[u8; 32]>,
    global: DefaultDirectRateLimiter,
    clock: DefaultClock,
    /// Refusals per limiter, indexed by [`IP`], [`ADDRESS`], [`GLOBAL`], [`LOGIN`] and
    /// [`TOKEN`].
    hits: [AtomicU64; 5],
}

const IP: usize = 0;
const ADDRESS: usize = 1;
const GLOBAL: usize = 2;
const LOGIN: usize = 3;
const TOKEN: usize = 4;

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

pub(super) fn quota(per: Duration, count: u32, burst: u32) -> Quota {
    let count = count.max(1);
    Quota::with_period(per / count)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(nonzero(burst))
}

impl RateLimits {
    /// Builds the limiters from the configured limits.
    pub fn new(limits: &LimitSettings) -> Self {
        let minute = Duration::from_secs(60);
        let hour = Duration::from_secs(3600);
        Self {
            per_ip: RateLimiter::keyed(quota(
                minute,
                limits.per_ip_per_minute,
                limits.per_ip_burst,
            )),
            per_address: RateLimiter::keyed(quota(
                hour,
                limits.per_address_per_hour,
                limits.per_address_per_hour,
            )),
            per_account_login: RateLimiter::keyed(quota(
                Duration::from_secs(15 * 60),
                limits.login_per_account,
                limits.login_per_account,
            )),
            per_token: RateLimiter::keyed(quota(
                Duration::from_secs(15 * 60),
                limits.attempts_per_link,
                limits.attempts_per_link,
            )),
            global: RateLimiter::direct(Quota::per_second(nonzero(limits.global_per_second))),
            clock: DefaultClock::default(),
            hits: Default::default(),
        }
    }

    /// Counts a refusal by the limiter at `index` of `hits`.
    fn counted(&self, index: usize, verdict: Verdict) -> Verdict {
        if let (Verdict::Limited { .. }, Some(hits)) = (verdict, self.hits.get(index)) {
            hits.fetch_add(1, Ordering::Relaxed);
        }
        verdict
    }

    /// How many requests each limiter has refused so far.
    pub fn hits(&self) -> RateLimitHits {
        let load = |index: usize| self.hits[index].load(Ordering::Relaxed);
        RateLimitHits {
            ip: load(IP),
            address: load(ADDRESS),
            global: load(GLOBAL),
            login: load(LOGIN),
            token: load(TOKEN),
        }
    }

    fn verdict<T>(&self, outcome: Result<(), governor::NotUntil<T>>) -> Verdict
    where
        T: governor::clock::Reference,
        DefaultClock: Clock<Instant = T>,
    {
        match outcome {
            Ok(()) => Verdict::Allowed,
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                Verdict::Limited {
                    retry_after_secs: wait.as_secs() + 1,
                }
            }
        }
    }

    /// One POST from `ip`.
    pub fn check_ip(&self, ip: IpAddr) -> Verdict {
        self.counted(IP, self.verdict(self.per_ip.check_key(&ip)))
    }

    /// One link request for a normalised address (given as its keyed hash).
    pub fn check_address(&self, address_key: &[u8; 32]) -> Verdict {
        self.counted(
            ADDRESS,
            self.verdict(self.per_address.check_key(address_key)),
        )
    }

    /// One sign-in attempt for an account (given as the keyed hash of its address).
    pub fn check_login(&self, address_key: &[u8; 32]) -> Verdict {
        self.counted(
            LOGIN,
            self.verdict(self.per_account_login.check_key(address_key)),
        )
    }

    /// Counts an attempt the database refused for a budget held across instances (for
    /// metrics, with the in-memory limiter's refusals of the same kind).
    pub fn count_refused(&self, budget: crate::flows::shared_limits::Budget) {
        let index = match budget {
            crate::flows::shared_limits::Budget::SignIn => LOGIN,
            crate::flows::shared_limits::Budget::LinkAttempts => TOKEN,
        };
        self.counted(
            index,
            Verdict::Limited {
                retry_after_secs: 0,
            },
        );
    }

    /// One new-password submission with a live reset link (given as its lookup hash).
    ///
    /// Only links that passed the MAC and the database check are counted, so a forger cannot
    /// use up someone else's link: the key is the hash of a link only its owner has.
    pub fn check_token(&self, lookup_hash: &[u8; 32]) -> Verdict {
        self.counted(TOKEN, self.verdict(self.per_token.check_key(lookup_hash)))
    }

    /// One link request against the global ceiling.
    pub fn check_global(&self) -> Verdict {
        self.counted(GLOBAL, self.verdict(self.global.check()))
    }

    /// Forgets keys whose limits have fully recovered; run periodically so the
    /// maps do not grow without bound under a spray of addresses.
    pub fn retain_recent(&self) {
        self.per_ip.retain_recent();
        self.per_address.retain_recent();
        self.per_account_login.retain_recent();
        self.per_token.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_ip_burst: u32, per_address: u32) -> LimitSettings {
        LimitSettings {
            per_ip_per_minute: 1,
            per_ip_burst,
            per_address_per_hour: per_address,
            per_account_mails_per_hour: 5,
            global_per_second: 1000,
            login_per_account: 2,
            attempts_per_link: 3,
            not_me_pause_secs: 60,
        }
    }

    #[test]
    fn an_ip_over_its_burst_is_limited_with_a_retry_after() {
        let limits = RateLimits::new(&limits(2, 5));
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(limits.check_ip(ip), Verdict::Allowed);
        assert_eq!(limits.check_ip(ip), Verdict::Allowed);
        let Verdict::Limited { retry_after_secs } = limits.check_ip(ip) else {
            panic!("third request should be limited");
        };
        assert!((1..=61).contains(&retry_after_secs), "{retry_after_secs}");
    }

    #[test]
    fn limits_are_kept_per_key() {
        let limits = RateLimits::new(&limits(1, 1));
        assert_eq!(
            limits.check_ip("192.0.2.1".parse().unwrap()),
            Verdict::Allowed
        );
        assert_eq!(
            limits.check_ip("192.0.2.2".parse().unwrap()),
            Verdict::Allowed
        );
        assert_eq!(limits.check_address(&[1; 32]), Verdict::Allowed);
        assert!(matches!(
            limits.check_address(&[1; 32]),
            Verdict::Limited { .. }
        ));
        assert_eq!(limits.check_address(&[2; 32]), Verdict::Allowed);
    }

    #[test]
    fn refusals_are_counted_per_limiter() {
        // Arrange
        let limits = RateLimits::new(&limits(1, 1));
        let ip: IpAddr = "192.0.2.1".parse().unwrap();

        // Act
        for _ in 0..3 {
            limits.check_ip(ip);
        }
        for _ in 0..2 {
            limits.check_address(&[1; 32]);
        }
        for _ in 0..4 {
            limits.check_login(&[1; 32]);
        }
        for _ in 0..5 {
            limits.check_token(&[1; 32]);
        }
        limits.check_global();

        // Assert
        assert_eq!(
            limits.hits(),
            RateLimitHits {
                ip: 2,
                address: 1,
                global: 0,
                login: 2,
                token: 2,
            }
        );
    }

    #[test]
    fn login_attempts_per_account_are_limited() {
        let limits = RateLimits::new(&limits(10, 5));
        assert_eq!(limits.check_login(&[9; 32]), Verdict::Allowed);
        assert_eq!(limits.check_login(&[9; 32]), Verdict::Allowed);
        assert!(matches!(
            limits.check_login(&[9; 32]),
            Verdict::Limited { .. }
        ));
    }

    #[test]
    fn submissions_per_reset_link_are_limited_per_link() {
        let limits = RateLimits::new(&limits(10, 5));
        for _ in 0..3 {
            assert_eq!(limits.check_token(&[7; 32]), Verdict::Allowed);
        }
        let Verdict::Limited { retry_after_secs } = limits.check_token(&[7; 32]) else {
            panic!("the fourth submission with one link should be limited");
        };
        assert!((1..=301).contains(&retry_after_secs), "{retry_after_secs}");
        assert_eq!(limits.check_token(&[8; 32]), Verdict::Allowed);
    }
}
