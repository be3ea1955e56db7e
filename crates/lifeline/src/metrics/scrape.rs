//! What a scrape reads from elsewhere at the moment it is taken, and its exposition.

use std::fmt;

use chrono::NaiveDateTime;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Unit;
use storage::outbox::OutboxStats;

use super::labels::KindLabels;
use crate::http::limits::rate_limit::RateLimitHits;

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

/// One scrape's values with the limit refusals counted by [`super::Metrics`] itself: the
/// collector of the metrics read at scrape time.
#[derive(Debug)]
pub struct Sampled {
    /// What was read for this scrape.
    pub scrape: Scrape,
    /// Mails skipped by the per-account quota.
    pub account_mail_quota_hits: u64,
    /// Link requests the worker skipped over the per-address limit kept in the database.
    pub address_limit_hits: u64,
}

impl Collector for Sampled {
    fn encode(&self, mut encoder: DescriptorEncoder) -> fmt::Result {
        let (mail, scrape) = (self.scrape.mail, &self.scrape);
        for (name, help, value) in [
            (
                "lifeline_mails_sent",
                "Emails handed to the transport by this instance's worker.",
                mail.sent,
            ),
            (
                "lifeline_mails_failed",
                "Outbox jobs (mail and webhooks) given up by this instance's worker.",
                mail.failed,
            ),
            (
                "lifeline_mails_retried",
                "Failed deliveries (mail and webhooks) scheduled for another attempt.",
                mail.retried,
            ),
            (
                "lifeline_mails_skipped",
                "Outbox jobs that needed no mail (unknown address, paused account, quota).",
                mail.skipped,
            ),
            (
                "lifeline_webhooks_delivered",
                "Webhook requests answered with a 2xx by this instance's worker.",
                mail.posted,
            ),
            (
                "lifeline_password_verifications",
                "Password verifications at sign-in, dummy ones for unknown addresses included.",
                scrape.password_verifications,
            ),
        ] {
            encode(&mut encoder, name, help, None, &ConstCounter::new(value))?;
        }
        self.encode_rate_limits(&mut encoder)?;
        encode_outbox(&mut encoder, scrape.outbox, scrape.now)
    }
}

impl Sampled {
    fn encode_rate_limits(&self, encoder: &mut DescriptorEncoder) -> fmt::Result {
        let hits = self.scrape.rate_limits;
        let mut family = encoder.encode_descriptor(
            "lifeline_rate_limit_hits",
            "Requests refused by a rate limit, by kind (account_mail: mails skipped by the per-account quota).",
            None,
            MetricType::Counter,
        )?;
        for (kind, value) in [
            ("account_mail", self.account_mail_quota_hits),
            ("address", hits.address + self.address_limit_hits),
            ("global", hits.global),
            ("ip", hits.ip),
            ("login", hits.login),
            ("token", hits.token),
        ] {
            ConstCounter::new(value).encode(family.encode_family(&KindLabels { kind })?)?;
        }
        Ok(())
    }
}

/// The outbox gauges: whether the queue could be read, and if so its depth and lag.
fn encode_outbox(
    encoder: &mut DescriptorEncoder,
    stats: Option<OutboxStats>,
    now: NaiveDateTime,
) -> fmt::Result {
    encode(
        encoder,
        "lifeline_outbox_stats_up",
        "1 when the outbox could be read for this scrape, 0 when the database was too slow or down.",
        None,
        &ConstGauge::new(i64::from(stats.is_some())),
    )?;
    let Some(stats) = stats else {
        return Ok(());
    };
    for (name, help, value) in [
        (
            "lifeline_outbox_pending",
            "Outbox jobs neither sent nor given up (all instances).",
            stats.pending,
        ),
        (
            "lifeline_outbox_due",
            "Pending outbox jobs whose next attempt time has come.",
            stats.due,
        ),
        (
            "lifeline_outbox_failed",
            "Outbox jobs given up and kept for operators.",
            stats.failed,
        ),
    ] {
        encode(encoder, name, help, None, &ConstGauge::new(value))?;
    }
    let age = stats
        .oldest_pending_created_at
        .map_or(0.0, |oldest| (now - oldest).as_seconds_f64().max(0.0));
    encode(
        encoder,
        "lifeline_outbox_oldest_pending_age",
        "Age of the oldest pending outbox job (0 when none).",
        Some(&Unit::Seconds),
        &ConstGauge::new(age),
    )
}

/// Writes one metric without labels: its `# HELP` and `# TYPE` lines, then its sample.
fn encode(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    unit: Option<&Unit>,
    metric: &impl EncodeMetric,
) -> fmt::Result {
    metric.encode(encoder.encode_descriptor(name, help, unit, metric.metric_type())?)
}

#[cfg(test)]
mod tests {
    use storage::testing::fixed_now;

    use super::*;
    use crate::metrics::Metrics;

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

    fn assert_lines(text: &str, lines: &[&str]) {
        for line in lines {
            assert!(
                text.contains(&format!("{line}\n")),
                "no {line:?} in\n{text}"
            );
        }
    }

    #[test]
    fn worker_counters_and_limit_refusals_are_read_at_scrape_time() {
        // Arrange
        let metrics = Metrics::new();
        metrics.account_mail_quota_hit();
        metrics.address_limit_hit();

        // Act
        let text = metrics.render(&scrape(None));

        // Assert
        assert_lines(
            &text,
            &[
                "# HELP lifeline_mails_sent_total Emails handed to the transport by this instance's worker.",
                "# TYPE lifeline_mails_sent_total counter",
                "lifeline_mails_sent_total 7",
                "lifeline_mails_retried_total 2",
                "lifeline_mails_failed_total 1",
                "lifeline_mails_skipped_total 3",
                "lifeline_webhooks_delivered_total 4",
                "lifeline_password_verifications_total 9",
                "# TYPE lifeline_rate_limit_hits_total counter",
                "lifeline_rate_limit_hits_total{kind=\"ip\"} 4",
                "lifeline_rate_limit_hits_total{kind=\"address\"} 6",
                "lifeline_rate_limit_hits_total{kind=\"global\"} 0",
                "lifeline_rate_limit_hits_total{kind=\"login\"} 6",
                "lifeline_rate_limit_hits_total{kind=\"token\"} 8",
                "lifeline_rate_limit_hits_total{kind=\"account_mail\"} 1",
                "lifeline_outbox_stats_up 0",
            ],
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
        assert_lines(
            &text,
            &[
                "lifeline_outbox_stats_up 1",
                "# TYPE lifeline_outbox_pending gauge",
                "lifeline_outbox_pending 3",
                "lifeline_outbox_due 2",
                "lifeline_outbox_failed 1",
                "# TYPE lifeline_outbox_oldest_pending_age_seconds gauge",
                "lifeline_outbox_oldest_pending_age_seconds 90.0",
            ],
        );
    }
}
