//! The metrics Lifeline keeps, and their rendering at scrape time.

use std::fmt::Write;
use std::time::Duration;

use actix_web::http::Method;
use chrono::NaiveDateTime;
use storage::outbox::OutboxStats;
use token_core::Purpose;

use super::family::{Counter, Family, Histogram, write_header};
use crate::http::limits::rate_limit::RateLimitHits;
use crate::outbox::JobKind;

/// The `route` label of requests that matched no route. Raw paths are never used as labels:
/// they are unbounded, and a query string could carry a token.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// Everything counted in this process. One value per application, shared by the request
/// middleware, the flows and the outbox composer.
pub struct Metrics {
    http_requests: Family<(String, &'static str, u16), Counter>,
    http_duration: Family<(String, &'static str), Histogram>,
    tokens_issued: Family<(&'static str,), Counter>,
    tokens_consumed: Family<(&'static str,), Counter>,
    tokens_rejected: Family<(&'static str, &'static str), Counter>,
    mails_queued: Family<(&'static str,), Counter>,
    account_mail_quota_hits: Counter,
    /// Link requests the worker skipped over the per-address limit kept in the database.
    address_limit_hits: Counter,
}

/// What the scrape reads from elsewhere at the moment it is taken.
#[derive(Debug, Clone, Copy)]
pub struct Scrape {
    /// The outbox worker's counters.
    pub mail: mail::WorkerStats,
    /// The in-memory rate limiters' refusals.
    pub rate_limits: RateLimitHits,
    /// The outbox queue, if it could be read in time.
    pub outbox: Option<OutboxStats>,
    /// The current time, to age the oldest pending job.
    pub now: NaiveDateTime,
    /// Password verifications run so far, dummy ones for unknown addresses included.
    pub password_verifications: u64,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Empty metrics.
    pub fn new() -> Self {
        Self {
            http_requests: Family::new(
                "lifeline_http_requests_total",
                "HTTP requests answered, by matched route pattern, method and status.",
                &["route", "method", "status"],
            ),
            http_duration: Family::new(
                "lifeline_http_request_duration_seconds",
                "Time to answer HTTP requests, by matched route pattern and method.",
                &["route", "method"],
            ),
            tokens_issued: Family::new(
                "lifeline_tokens_issued_total",
                "Tokens minted into mailed links, by purpose.",
                &["purpose"],
            ),
            tokens_consumed: Family::new(
                "lifeline_tokens_consumed_total",
                "Links used successfully, by purpose.",
                &["purpose"],
            ),
            tokens_rejected: Family::new(
                "lifeline_tokens_rejected_total",
                "Links refused, by purpose and reason (a token_core::TokenError variant in snake_case, or not_live, other_browser, used_concurrently).",
                &["purpose", "reason"],
            ),
            mails_queued: Family::new(
                "lifeline_mails_queued_total",
                "Outbox jobs enqueued by this instance, by kind.",
                &["kind"],
            ),
            account_mail_quota_hits: Counter::default(),
            address_limit_hits: Counter::default(),
        }
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
        let route = route.unwrap_or_else(|| UNMATCHED_ROUTE.to_owned());
        let method = method_label(method);
        self.http_duration
            .with(&(route.clone(), method), |h| h.observe(elapsed));
        self.http_requests.inc(&(route, method, status));
    }

    /// A token was minted for a link.
    pub fn token_issued(&self, purpose: Purpose) {
        self.tokens_issued.inc(&(purpose.as_str(),));
    }

    /// How many links of `purpose` were minted so far.
    #[cfg(test)]
    pub fn tokens_issued(&self, purpose: Purpose) -> u64 {
        self.tokens_issued.get(&(purpose.as_str(),))
    }

    /// A link was used successfully.
    pub fn token_consumed(&self, purpose: Purpose) {
        self.tokens_consumed.inc(&(purpose.as_str(),));
    }

    /// A link was refused for `reason` (see [`super::reasons`]).
    pub fn token_rejected(&self, purpose: Purpose, reason: &'static str) {
        self.tokens_rejected.inc(&(purpose.as_str(), reason));
    }

    /// How many links of `purpose` were refused for `reason` so far.
    #[cfg(test)]
    pub fn tokens_rejected(&self, purpose: Purpose, reason: &'static str) -> u64 {
        self.tokens_rejected.get(&(purpose.as_str(), reason))
    }

    /// An outbox job of `kind` was committed.
    pub fn mail_queued(&self, kind: JobKind) {
        self.mails_queued.inc(&(kind.name(),));
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

    /// The whole exposition, in the Prometheus text format (version 0.0.4).
    pub fn render(&self, scrape: &Scrape) -> String {
        let mut out = String::with_capacity(8192);
        write_header(
            &mut out,
            "lifeline_build_info",
            "gauge",
            "Always 1; labels name the build.",
        );
        let _ = writeln!(
            out,
            "lifeline_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        self.http_requests.render(&mut out);
        self.http_duration.render(&mut out);
        self.tokens_issued.render(&mut out);
        self.tokens_consumed.render(&mut out);
        self.tokens_rejected.render(&mut out);
        self.mails_queued.render(&mut out);
        let mail = scrape.mail;
        for (name, help, value) in [
            (
                "sent",
                "Emails handed to the transport by this instance's worker.",
                mail.sent,
            ),
            (
                "failed",
                "Outbox jobs (mail and webhooks) given up by this instance's worker.",
                mail.failed,
            ),
            (
                "retried",
                "Failed deliveries (mail and webhooks) scheduled for another attempt.",
                mail.retried,
            ),
            (
                "skipped",
                "Outbox jobs that needed no mail (unknown address, paused account, quota).",
                mail.skipped,
            ),
        ] {
            let metric = format!("lifeline_mails_{name}_total");
            write_header(&mut out, &metric, "counter", help);
            let _ = writeln!(out, "{metric} {value}");
        }
        let metric = "lifeline_webhooks_delivered_total";
        let help = "Webhook requests answered with a 2xx by this instance's worker.";
        write_header(&mut out, metric, "counter", help);
        let _ = writeln!(out, "{metric} {}", mail.posted);
        let name = "lifeline_password_verifications_total";
        write_header(
            &mut out,
            name,
            "counter",
            "Password verifications at sign-in, dummy ones for unknown addresses included.",
        );
        let _ = writeln!(out, "{name} {}", scrape.password_verifications);
        self.render_rate_limits(&mut out, scrape.rate_limits);
        render_outbox(&mut out, scrape.outbox, scrape.now);
        out
    }

    fn render_rate_limits(&self, out: &mut String, hits: RateLimitHits) {
        let name = "lifeline_rate_limit_hits_total";
        write_header(
            out,
            name,
            "counter",
            "Requests refused by a rate limit, by kind (account_mail: mails skipped by the per-account quota).",
        );
        for (kind, value) in [
            ("account_mail", self.account_mail_quota_hits.get()),
            ("address", hits.address + self.address_limit_hits.get()),
            ("global", hits.global),
            ("ip", hits.ip),
            ("login", hits.login),
            ("token", hits.token),
        ] {
            let _ = writeln!(out, "{name}{{kind=\"{kind}\"}} {value}");
        }
    }
}

fn render_outbox(out: &mut String, stats: Option<OutboxStats>, now: NaiveDateTime) {
    write_header(
        out,
        "lifeline_outbox_stats_up",
        "gauge",
        "1 when the outbox could be read for this scrape, 0 when the database was too slow or down.",
    );
    let _ = writeln!(
        out,
        "lifeline_outbox_stats_up {}",
        u8::from(stats.is_some())
    );
    let Some(stats) = stats else {
        return;
    };
    let age = stats
        .oldest_pending_created_at
        .map_or(0.0, |oldest| (now - oldest).as_seconds_f64().max(0.0));
    for (name, help, value) in [
        (
            "pending",
            "Outbox jobs neither sent nor given up (all instances).",
            stats.pending as f64,
        ),
        (
            "due",
            "Pending outbox jobs whose next attempt time has come.",
            stats.due as f64,
        ),
        (
            "failed",
            "Outbox jobs given up and kept for operators.",
            stats.failed as f64,
        ),
        (
            "oldest_pending_age_seconds",
            "Age of the oldest pending outbox job (0 when none).",
            age,
        ),
    ] {
        let metric = format!("lifeline_outbox_{name}");
        write_header(out, &metric, "gauge", help);
        let _ = writeln!(out, "{metric} {value}");
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
    use storage::testing::fixed_now;

    use super::*;

    fn scrape(outbox: Option<OutboxStats>) -> Scrape {
        Scrape {
            mail: mail::WorkerStats {
                sent: 7,
                posted: 4,
                retried: 2,
                failed: 1,
                skipped: 3,
            },
            rate_limits: RateLimitHits {
                ip: 4,
                address: 5,
                global: 0,
                login: 6,
                token: 8,
            },
            outbox,
            now: fixed_now(),
            password_verifications: 9,
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
        let text = metrics.render(&scrape(None));
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
    fn tokens_mails_and_limits_are_rendered_with_their_labels() {
        // Arrange
        let metrics = Metrics::new();

        // Act
        metrics.token_issued(Purpose::PasswordReset);
        metrics.token_consumed(Purpose::MagicLink);
        metrics.token_rejected(Purpose::PasswordReset, "expired");
        metrics.token_rejected(Purpose::PasswordReset, "expired");
        metrics.mail_queued(JobKind::PasswordResetRequested);
        metrics.account_mail_quota_hit();

        // Assert
        let text = metrics.render(&scrape(None));
        for line in [
            "lifeline_tokens_issued_total{purpose=\"password_reset\"} 1",
            "lifeline_tokens_consumed_total{purpose=\"magic_link\"} 1",
            "lifeline_tokens_rejected_total{purpose=\"password_reset\",reason=\"expired\"} 2",
            "lifeline_mails_queued_total{kind=\"password_reset_requested\"} 1",
            "lifeline_mails_sent_total 7",
            "lifeline_mails_retried_total 2",
            "lifeline_mails_failed_total 1",
            "lifeline_mails_skipped_total 3",
            "lifeline_webhooks_delivered_total 4",
            "lifeline_password_verifications_total 9",
            "lifeline_rate_limit_hits_total{kind=\"ip\"} 4",
            "lifeline_rate_limit_hits_total{kind=\"address\"} 5",
            "lifeline_rate_limit_hits_total{kind=\"global\"} 0",
            "lifeline_rate_limit_hits_total{kind=\"login\"} 6",
            "lifeline_rate_limit_hits_total{kind=\"token\"} 8",
            "lifeline_rate_limit_hits_total{kind=\"account_mail\"} 1",
            "lifeline_outbox_stats_up 0",
        ] {
            assert!(
                text.contains(&format!("{line}\n")),
                "no {line:?} in\n{text}"
            );
        }
        assert_eq!(
            metrics.tokens_rejected(Purpose::PasswordReset, "expired"),
            2
        );
        assert!(!text.contains("lifeline_outbox_pending"), "{text}");
    }

    #[test]
    fn outbox_gauges_show_depth_and_the_oldest_pending_age() {
        // Arrange
        let metrics = Metrics::new();
        let stats = OutboxStats {
            pending: 3,
            due: 2,
            oldest_pending_created_at: Some(fixed_now() - chrono::TimeDelta::seconds(90)),
            failed: 1,
        };

        // Act
        let text = metrics.render(&scrape(Some(stats)));

        // Assert
        for line in [
            "lifeline_outbox_stats_up 1",
            "lifeline_outbox_pending 3",
            "lifeline_outbox_due 2",
            "lifeline_outbox_failed 1",
            "lifeline_outbox_oldest_pending_age_seconds 90",
        ] {
            assert!(
                text.contains(&format!("{line}\n")),
                "no {line:?} in\n{text}"
            );
        }
    }

    #[test]
    fn every_metric_has_help_and_type_lines_before_its_samples() {
        // Arrange
        let metrics = Metrics::new();
        metrics.record_request(None, &Method::GET, 200, Duration::ZERO);

        // Act
        let text = metrics.render(&scrape(Some(OutboxStats {
            pending: 0,
            due: 0,
            oldest_pending_created_at: None,
            failed: 0,
        })));

        // Assert
        let mut typed = std::collections::HashSet::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                typed.insert(rest.split(' ').next().unwrap().to_owned());
            } else if !line.starts_with('#') {
                let name = line.split(['{', ' ']).next().unwrap();
                let base = ["_bucket", "_sum", "_count"]
                    .iter()
                    .find_map(|suffix| name.strip_suffix(suffix).filter(|b| typed.contains(*b)))
                    .unwrap_or(name);
                assert!(typed.contains(base), "{name} has no TYPE line before it");
            }
        }
    }
}
