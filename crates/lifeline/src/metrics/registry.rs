//! The metrics Lifeline keeps, and their exposition at scrape time.

use std::borrow::Cow;
use std::time::Duration;

use actix_web::http::Method;
use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};
use token_core::Purpose;

use super::labels::{
    BuildLabels, Hashed, KindLabels, PurposeLabels, RejectionLabels, RequestLabels, RouteLabels,
};
use super::scrape::{Sampled, Scrape};
use crate::outbox::JobKind;

/// Upper bounds of the latency histogram buckets, in seconds.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The `route` label of requests that matched no route. Raw paths are never used as labels:
/// they are unbounded, and a query string could carry a token.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// Everything counted in this process. One value per application, shared by the request
/// middleware, the flows and the outbox composer.
pub struct Metrics {
    /// The families below and the build info, in the order they are exposed.
    registry: Registry,
    http_requests: Family<Hashed<RequestLabels>, Counter>,
    http_duration: Family<Hashed<RouteLabels>, Histogram>,
    tokens_issued: Family<Hashed<PurposeLabels>, Counter>,
    tokens_consumed: Family<Hashed<PurposeLabels>, Counter>,
    tokens_rejected: Family<Hashed<RejectionLabels>, Counter>,
    mails_queued: Family<Hashed<KindLabels>, Counter>,
    /// Mails skipped by the per-account quota (exposed with the rate limits' refusals).
    account_mail_quota_hits: Counter,
    /// Link requests the worker skipped over the per-address limit kept in the database.
    address_limit_hits: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Empty metrics.
    pub fn new() -> Self {
        let mut metrics = Self {
            registry: Registry::default(),
            http_requests: Family::default(),
            http_duration: Family::new_with_constructor(|| Histogram::new(LATENCY_BUCKETS)),
            tokens_issued: Family::default(),
            tokens_consumed: Family::default(),
            tokens_rejected: Family::default(),
            mails_queued: Family::default(),
            account_mail_quota_hits: Counter::default(),
            address_limit_hits: Counter::default(),
        };
        // The registry ends each help text with a full stop and adds `_total` to counters.
        let registry = &mut metrics.registry;
        registry.register(
            "lifeline_build",
            "Always 1; labels name the build",
            Info::new(BuildLabels {
                version: env!("CARGO_PKG_VERSION"),
            }),
        );
        registry.register(
            "lifeline_http_requests",
            "HTTP requests answered, by matched route pattern, method and status",
            metrics.http_requests.clone(),
        );
        registry.register_with_unit(
            "lifeline_http_request_duration",
            "Time to answer HTTP requests, by matched route pattern and method",
            Unit::Seconds,
            metrics.http_duration.clone(),
        );
        registry.register(
            "lifeline_tokens_issued",
            "Tokens minted into mailed links, by purpose",
            metrics.tokens_issued.clone(),
        );
        registry.register(
            "lifeline_tokens_consumed",
            "Links used successfully, by purpose",
            metrics.tokens_consumed.clone(),
        );
        registry.register(
            "lifeline_tokens_rejected",
            "Links refused, by purpose and reason (a token_core::TokenError variant in snake_case, or not_live, other_browser, used_concurrently)",
            metrics.tokens_rejected.clone(),
        );
        registry.register(
            "lifeline_mails_queued",
            "Outbox jobs enqueued by this instance, by kind",
            metrics.mails_queued.clone(),
        );
        metrics
    }

    /// Records one answered request. `route` is the matched route pattern (`None`: no route
    /// matched); an unusual method is counted as `other`, so clients cannot mint new series.
    pub fn record_request(
        &self,
        route: Option<String>,
        method: &Method,
        status: u16,
        elapsed: Duration,
    ) {
        let route = Hashed(RouteLabels {
            route: route.map_or(Cow::Borrowed(UNMATCHED_ROUTE), Cow::Owned),
            method: method_label(method),
        });
        self.http_duration
            .get_or_create(&route)
            .observe(elapsed.as_secs_f64());
        let route = route.0;
        self.http_requests
            .get_or_create(&Hashed(RequestLabels { route, status }))
            .inc();
    }

    /// A token was minted for a link.
    pub fn token_issued(&self, purpose: Purpose) {
        self.tokens_issued
            .get_or_create(&Hashed(PurposeLabels {
                purpose: purpose.as_str(),
            }))
            .inc();
    }

    /// How many links of `purpose` were minted so far.
    #[cfg(test)]
    pub fn tokens_issued(&self, purpose: Purpose) -> u64 {
        let labels = PurposeLabels {
            purpose: purpose.as_str(),
        };
        self.tokens_issued
            .get(&Hashed(labels))
            .map_or(0, |c| c.get())
    }

    /// A link was used successfully.
    pub fn token_consumed(&self, purpose: Purpose) {
        self.tokens_consumed
            .get_or_create(&Hashed(PurposeLabels {
                purpose: purpose.as_str(),
            }))
            .inc();
    }

    /// A link was refused for `reason` (see [`super::reasons`]).
    pub fn token_rejected(&self, purpose: Purpose, reason: &'static str) {
        self.tokens_rejected
            .get_or_create(&Hashed(RejectionLabels {
                purpose: purpose.as_str(),
                reason,
            }))
            .inc();
    }

    /// How many links of `purpose` were refused for `reason` so far.
    #[cfg(test)]
    pub fn tokens_rejected(&self, purpose: Purpose, reason: &'static str) -> u64 {
        let labels = RejectionLabels {
            purpose: purpose.as_str(),
            reason,
        };
        self.tokens_rejected
            .get(&Hashed(labels))
            .map_or(0, |c| c.get())
    }

    /// An outbox job of `kind` was committed.
    pub fn mail_queued(&self, kind: JobKind) {
        self.mails_queued
            .get_or_create(&Hashed(KindLabels { kind: kind.name() }))
            .inc();
    }

    /// A mail was skipped because its account is over the hourly quota (kept in the database).
    pub fn account_mail_quota_hit(&self) {
        self.account_mail_quota_hits.inc();
    }

    /// A link request was skipped in the worker because its address is over the hourly
    /// limit kept in the database (counted with the in-memory limiter's refusals).
    pub fn address_limit_hit(&self) {
        self.address_limit_hits.inc();
    }

    /// The whole exposition, in the Prometheus text format (version 0.0.4): this registry's
    /// families, then what `scrape` read from elsewhere.
    pub fn render(&self, scrape: &Scrape) -> String {
        let mut sampled = Registry::default();
        sampled.register_collector(Box::new(Sampled {
            scrape: *scrape,
            account_mail_quota_hits: self.account_mail_quota_hits.get(),
            address_limit_hits: self.address_limit_hits.get(),
        }));
        let mut out = String::with_capacity(8192);
        for registry in [&self.registry, &sampled] {
            // Writing to a `String` cannot fail.
            let _ = prometheus_text::encode(&mut out, registry);
        }
        out
    }
}

/// A bounded label for the request method.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use storage::outbox::OutboxStats;
    use storage::testing::fixed_now;

    use super::*;
    use crate::http::limits::rate_limit::RateLimitHits;

    fn scrape() -> Scrape {
        Scrape {
            mail: mail::WorkerStats::default(),
            rate_limits: RateLimitHits::default(),
            outbox: None,
            now: fixed_now(),
            password_verifications: 0,
        }
    }

    #[test]
    fn requests_are_labelled_by_route_pattern_and_bounded_method() {
        // Arrange
        let metrics = Metrics::new();
        let odd = Method::from_bytes(b"BREW").unwrap();

        // Act
        metrics.record_request(Some("/x/{id}".into()), &Method::GET, 200, Duration::ZERO);
        metrics.record_request(None, &odd, 404, Duration::ZERO);

        // Assert
        let text = metrics.render(&scrape());
        assert!(
            text.contains(
                "lifeline_http_requests_total{route=\"/x/{id}\",method=\"GET\",status=\"200\"} 1\n"
            ),
            "{text}"
        );
        assert!(text.contains("lifeline_http_requests_total{route=\"unmatched\",method=\"other\",status=\"404\"} 1\n"), "{text}");
        assert!(
            text.contains(
                "lifeline_http_request_duration_seconds_count{route=\"/x/{id}\",method=\"GET\"} 1\n"
            ),
            "{text}"
        );
        assert!(!text.contains("BREW"), "{text}");
    }

    #[test]
    fn request_durations_fall_into_cumulative_latency_buckets() {
        // Arrange
        let metrics = Metrics::new();

        // Act
        for millis in [0, 3, 3, 40, 20_000] {
            let elapsed = Duration::from_millis(millis);
            metrics.record_request(Some("/x".into()), &Method::GET, 200, elapsed);
        }

        // Assert
        let text = metrics.render(&scrape());
        let series = "lifeline_http_request_duration_seconds";
        let labels = "route=\"/x\",method=\"GET\"";
        let buckets: Vec<&str> = text
            .lines()
            .filter(|line| line.starts_with(&format!("{series}_bucket{{{labels},")))
            .collect();
        assert_eq!(buckets.len(), LATENCY_BUCKETS.len() + 1, "{text}");
        for (le, count) in [
            ("0.001", 1),
            ("0.005", 3),
            ("0.05", 4),
            ("1", 4),
            ("10", 4),
            ("+Inf", 5),
        ] {
            let line = format!("{series}_bucket{{{labels},le=\"{le}\"}} {count}");
            assert!(buckets.contains(&line.as_str()), "no {line:?} in\n{text}");
        }
        assert!(
            text.contains(&format!("{series}_sum{{{labels}}} 20.046\n")),
            "{text}"
        );
        assert!(
            text.contains(&format!("{series}_count{{{labels}}} 5\n")),
            "{text}"
        );
    }

    #[test]
    fn tokens_and_queued_mails_are_counted_by_their_labels() {
        // Arrange
        let metrics = Metrics::new();

        // Act
        metrics.token_issued(Purpose::PasswordReset);
        metrics.token_consumed(Purpose::MagicLink);
        metrics.token_rejected(Purpose::PasswordReset, "expired");
        metrics.token_rejected(Purpose::PasswordReset, "expired");
        metrics.mail_queued(JobKind::PasswordResetRequested);

        // Assert
        let text = metrics.render(&scrape());
        for line in [
            "lifeline_tokens_issued_total{purpose=\"password_reset\"} 1",
            "lifeline_tokens_consumed_total{purpose=\"magic_link\"} 1",
            "lifeline_tokens_rejected_total{purpose=\"password_reset\",reason=\"expired\"} 2",
            "lifeline_mails_queued_total{kind=\"password_reset_requested\"} 1",
        ] {
            assert!(
                text.contains(&format!("{line}\n")),
                "no {line:?} in\n{text}"
            );
        }
        assert_eq!(metrics.tokens_issued(Purpose::PasswordReset), 1);
        assert_eq!(metrics.tokens_issued(Purpose::MagicLink), 0);
        assert_eq!(
            metrics.tokens_rejected(Purpose::PasswordReset, "expired"),
            2
        );
    }

    #[test]
    fn every_metric_has_help_and_type_lines_before_its_samples() {
        // Arrange
        let metrics = Metrics::new();
        metrics.record_request(None, &Method::GET, 200, Duration::ZERO);
        metrics.token_issued(Purpose::MagicLink);

        // Act
        let text = metrics.render(&Scrape {
            outbox: Some(OutboxStats {
                pending: 0,
                due: 0,
                oldest_pending_created_at: None,
                failed: 0,
            }),
            ..scrape()
        });

        // Assert
        let (mut helped, mut typed) = (
            std::collections::HashSet::new(),
            std::collections::HashSet::new(),
        );
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# HELP ") {
                let (name, help) = rest.split_once(' ').unwrap();
                assert!(
                    help.ends_with('.') && !help.ends_with(".."),
                    "{name}'s help: {help:?}"
                );
                helped.insert(name.to_owned());
            } else if let Some(rest) = line.strip_prefix("# TYPE ") {
                let name = rest.split(' ').next().unwrap();
                assert!(helped.contains(name), "{name} has no HELP line before it");
                typed.insert(name.to_owned());
            } else {
                assert!(!line.starts_with('#'), "{line}");
                let name = line.split(['{', ' ']).next().unwrap();
                let base = ["_bucket", "_sum", "_count"]
                    .iter()
                    .find_map(|suffix| name.strip_suffix(suffix).filter(|b| typed.contains(*b)))
                    .unwrap_or(name);
                assert!(typed.contains(base), "{name} has no TYPE line before it");
            }
        }
        assert!(text.ends_with('\n') && !text.contains("# EOF"), "{text}");
    }
}
