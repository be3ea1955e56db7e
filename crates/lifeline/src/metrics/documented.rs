//! `docs/deployment.md`'s metrics table against what `/metrics` can emit: every family with
//! its type, and every value of the labels that name a closed set (`purpose`, `reason`,
//! `kind`), so a new series or label value cannot ship undocumented.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use actix_web::http::Method;
use storage::outbox::OutboxStats;
use storage::testing::fixed_now;
use token_core::{Purpose, TokenError};

use super::reasons::{self, token_error};
use super::{Metrics, Scrape};
use crate::http::limits::rate_limit::RateLimitHits;
use crate::outbox::JobKind;

const DEPLOYMENT: &str = include_str!("../../../../docs/deployment.md");

/// Labels whose values come from a closed set and must each be documented. The others are
/// open (`route`, `status`, `version`) or the exposition's own (`le`, `method`'s few).
const ENUMERATED_LABELS: [&str; 3] = ["purpose", "reason", "kind"];

/// Every reason a link can be refused for: each token check that rejects a token, and the
/// checks made after it.
fn every_rejection_reason() -> BTreeSet<&'static str> {
    let purposes = (Purpose::PasswordReset, Purpose::MagicLink);
    let errors = [
        TokenError::WrongLength,
        TokenError::WrongPrefix,
        TokenError::WrongPurpose {
            expected: purposes.0,
            found: purposes.1,
        },
        TokenError::NotBase64,
        TokenError::NonCanonical,
        TokenError::UnsupportedVersion(9),
        TokenError::UnknownKey(9),
        TokenError::BadMac,
        TokenError::Expired {
            expires_at: 0,
            now: 1,
        },
        TokenError::StaleEpoch,
        TokenError::Rng("x".into()),
        TokenError::InvalidKey,
        TokenError::DuplicateKey(1),
        TokenError::RetireSigningKey(1),
        TokenError::LifetimeOutOfRange(0),
    ];
    let checks = [
        reasons::NOT_LIVE,
        reasons::OTHER_BROWSER,
        reasons::USED_CONCURRENTLY,
    ];
    errors
        .iter()
        .filter(|error| error.is_rejection())
        .map(token_error)
        .chain(checks)
        .collect()
}

/// The exposition with every family present and every enumerated label value recorded.
fn everything() -> String {
    let metrics = Metrics::new();
    metrics.record_request(Some("/login".into()), &Method::GET, 200, Duration::ZERO);
    for purpose in Purpose::ALL {
        metrics.token_issued(purpose);
        metrics.token_consumed(purpose);
        for reason in every_rejection_reason() {
            metrics.token_rejected(purpose, reason);
        }
    }
    for kind in JobKind::ALL {
        metrics.mail_queued(kind);
    }
    metrics.account_mail_quota_hit();
    metrics.render(&Scrape {
        mail: mail::WorkerStats::default(),
        rate_limits: RateLimitHits::default(),
        outbox: Some(OutboxStats {
            pending: 1,
            due: 1,
            oldest_pending_created_at: Some(fixed_now()),
            failed: 0,
        }),
        now: fixed_now(),
        password_verifications: 0,
    })
}

/// The metrics table's rows by family name: (type, the whole row). A first cell like
/// `` `lifeline_mails_sent_total`, `_retried_total` `` names `lifeline_mails_retried_total`.
fn documented() -> BTreeMap<String, (String, String)> {
    let start = DEPLOYMENT.find("## Metrics").expect("a Metrics section");
    let section = &DEPLOYMENT[start..];
    let section = &section[..section[3..]
        .find("\n## ")
        .map_or(section.len(), |end| end + 3)];
    let mut rows = BTreeMap::new();
    for row in section.lines().filter(|line| line.starts_with("| `")) {
        let cells: Vec<&str> = row.split(" | ").collect();
        let names: Vec<&str> = cells[0].split('`').skip(1).step_by(2).collect();
        let first = names[0];
        let prefix: String = first.split('_').take(2).map(|s| format!("{s}_")).collect();
        for name in names {
            let name = match name.strip_prefix('_') {
                Some(rest) => format!("{prefix}{rest}"),
                None => name.to_owned(),
            };
            rows.insert(name, (cells[1].trim().to_owned(), row.to_owned()));
        }
    }
    rows
}

/// `(family, type)` of every `# TYPE` line.
fn emitted_families(text: &str) -> BTreeSet<(String, String)> {
    text.lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.split_once(' '))
        .map(|(name, kind)| (name.to_owned(), kind.to_owned()))
        .collect()
}

/// `(family, label, value)` of every sample's enumerated labels.
fn emitted_labels(text: &str) -> BTreeSet<(String, String, String)> {
    let mut labels = BTreeSet::new();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let Some((name, rest)) = line.split_once('{') else {
            continue;
        };
        let pairs = rest.split_once('}').map_or("", |(pairs, _)| pairs);
        for pair in pairs.split(',') {
            let Some((label, value)) = pair.split_once('=') else {
                continue;
            };
            if ENUMERATED_LABELS.contains(&label) {
                let value = value.trim_matches('"').to_owned();
                labels.insert((name.to_owned(), label.to_owned(), value));
            }
        }
    }
    labels
}

#[test]
fn every_metric_and_label_value_is_documented_in_the_deployment_guide() {
    // Arrange
    let documented = documented();

    // Act
    let text = everything();
    let (families, labels) = (emitted_families(&text), emitted_labels(&text));

    // Assert
    for (family, kind) in &families {
        let (doc_kind, _) = documented
            .get(family)
            .unwrap_or_else(|| panic!("{family} is not in docs/deployment.md#metrics"));
        assert_eq!(doc_kind, kind, "{family}'s type in docs/deployment.md");
    }
    for documented_family in documented.keys() {
        assert!(
            families
                .iter()
                .any(|(family, _)| family == documented_family),
            "docs/deployment.md documents {documented_family}, which /metrics never emits"
        );
    }
    let undocumented: Vec<String> = labels
        .iter()
        .filter(|(family, _, value)| !documented[family].1.contains(&format!("`{value}`")))
        .map(|(family, label, value)| format!("{family}{{{label}=\"{value}\"}}"))
        .collect();
    assert!(
        undocumented.is_empty(),
        "label values missing from their rows in docs/deployment.md#metrics: {undocumented:?}"
    );
}
