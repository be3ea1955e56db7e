//! Labelled counters and histograms, and their Prometheus text exposition.
//!
//! A family maps label values to one series. Lookups take a read lock; only the first
//! observation of a new label combination takes the write lock. Every label value comes from
//! a bounded set (route patterns, purposes, reasons, kinds, status codes), never from raw
//! request input, so the number of series stays bounded.

use std::collections::BTreeMap;
use std::fmt::{Display, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

/// Upper bounds of the latency histogram buckets, in seconds.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A tuple of label values, written in the order of the family's label names.
pub trait LabelSet: Ord + Clone {
    /// Appends `name="value",…` (without braces) to `out`.
    fn write_pairs(&self, names: &[&str], out: &mut String);
}

macro_rules! label_set {
    ($($t:ident $i:tt),+) => {
        impl<$($t: Display + Ord + Clone),+> LabelSet for ($($t,)+) {
            fn write_pairs(&self, names: &[&str], out: &mut String) {
                $(
                    if $i > 0 {
                        out.push(',');
                    }
                    write_pair(out, names.get($i).copied().unwrap_or("label"), &self.$i);
                )+
            }
        }
    };
}
label_set!(A 0);
label_set!(A 0, B 1);
label_set!(A 0, B 1, C 2);

/// Writes `name="value"`, escaping the value as the text format requires.
pub fn write_pair(out: &mut String, name: &str, value: &impl Display) {
    out.push_str(name);
    out.push_str("=\"");
    for c in value.to_string().chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes the `# HELP` and `# TYPE` lines of a metric.
pub fn write_header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// One series' value: a counter or a histogram.
pub trait Series: Default {
    /// The `# TYPE` of the metric.
    const KIND: &'static str;
    /// Appends this series' sample lines; `labels` is the rendered label pairs.
    fn write(&self, out: &mut String, name: &str, labels: &str);
}

/// A monotonically increasing count.
#[derive(Default)]
pub struct Counter(AtomicU64);

impl Counter {
    /// Adds one.
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    /// The current count.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Series for Counter {
    const KIND: &'static str = "counter";

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let _ = writeln!(out, "{name}{{{labels}}} {}", self.get());
    }
}

/// Durations in [`LATENCY_BUCKETS`]. Each observation is counted in exactly one slot (the
/// last slot is `+Inf`); the cumulative buckets are summed when rendered, so `_count` always
/// equals the `+Inf` bucket.
#[derive(Default)]
pub struct Histogram {
    slots: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

impl Histogram {
    /// Records one duration.
    pub fn observe(&self, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        let slot = LATENCY_BUCKETS
            .iter()
            .position(|bound| secs <= *bound)
            .unwrap_or(LATENCY_BUCKETS.len());
        self.slots[slot].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }
}

impl Series for Histogram {
    const KIND: &'static str = "histogram";

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        let mut cumulative = 0;
        for (slot, count) in self.slots.iter().enumerate() {
            cumulative += count.load(Ordering::Relaxed);
            let bound = LATENCY_BUCKETS
                .get(slot)
                .map_or_else(|| "+Inf".to_owned(), |b| b.to_string());
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {cumulative}"
            );
        }
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum{{{labels}}} {sum}");
        let _ = writeln!(out, "{name}_count{{{labels}}} {cumulative}");
    }
}

/// A metric with one series per label combination.
pub struct Family<K, V> {
    name: &'static str,
    help: &'static str,
    labels: &'static [&'static str],
    series: RwLock<BTreeMap<K, V>>,
}

impl<K: LabelSet, V: Series> Family<K, V> {
    /// A family named `name` with these label names.
    pub fn new(name: &'static str, help: &'static str, labels: &'static [&'static str]) -> Self {
        Self {
            name,
            help,
            labels,
            series: RwLock::new(BTreeMap::new()),
        }
    }

    /// Runs `f` on the series for `key`, creating it on first use.
    ///
    /// A poisoned lock is used anyway: the map only ever gains entries, so a panic elsewhere
    /// cannot leave it half-changed, and metrics must never take a request down.
    pub fn with(&self, key: &K, f: impl FnOnce(&V)) {
        {
            let series = self.series.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(value) = series.get(key) {
                f(value);
                return;
            }
        }
        let mut series = self.series.write().unwrap_or_else(PoisonError::into_inner);
        f(series.entry(key.clone()).or_default());
    }

    /// Appends the whole metric (header and every series) in the text format.
    pub fn render(&self, out: &mut String) {
        write_header(out, self.name, V::KIND, self.help);
        let series = self.series.read().unwrap_or_else(PoisonError::into_inner);
        let mut labels = String::new();
        for (key, value) in series.iter() {
            labels.clear();
            key.write_pairs(self.labels, &mut labels);
            value.write(out, self.name, &labels);
        }
    }
}

impl<K: LabelSet> Family<K, Counter> {
    /// Adds one to the series for `key`.
    pub fn inc(&self, key: &K) {
        self.with(key, Counter::inc);
    }

    /// The count of the series for `key` (0 if never incremented).
    #[cfg(test)]
    pub fn get(&self, key: &K) -> u64 {
        let series = self.series.read().unwrap_or_else(PoisonError::into_inner);
        series.get(key).map_or(0, Counter::get)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_one_line_per_label_combination_in_order() {
        // Arrange
        let family: Family<(&str, u16), Counter> =
            Family::new("x_total", "Things.", &["route", "status"]);

        // Act
        family.inc(&("/b", 200));
        family.inc(&("/a", 404));
        family.inc(&("/b", 200));

        // Assert
        let mut out = String::new();
        family.render(&mut out);
        assert_eq!(
            out,
            "# HELP x_total Things.\n# TYPE x_total counter\n\
             x_total{route=\"/a\",status=\"404\"} 1\n\
             x_total{route=\"/b\",status=\"200\"} 2\n"
        );
        assert_eq!(family.get(&("/b", 200)), 2);
        assert_eq!(family.get(&("/c", 200)), 0);
    }

    #[test]
    fn label_values_are_escaped() {
        // Arrange
        let mut out = String::new();

        // Act
        write_pair(&mut out, "v", &"a\\b\"c\nd");

        // Assert
        assert_eq!(out, r#"v="a\\b\"c\nd""#);
    }

    #[test]
    fn histograms_are_cumulative_and_count_equals_the_inf_bucket() {
        // Arrange
        let family: Family<(&str,), Histogram> = Family::new("d_seconds", "Latency.", &["route"]);

        // Act
        for millis in [0, 3, 3, 40, 20_000] {
            family.with(&("/x",), |h| h.observe(Duration::from_millis(millis)));
        }

        // Assert
        let mut out = String::new();
        family.render(&mut out);
        assert!(out.contains("# TYPE d_seconds histogram\n"), "{out}");
        assert!(
            out.contains("d_seconds_bucket{route=\"/x\",le=\"0.001\"} 1\n"),
            "{out}"
        );
        assert!(
            out.contains("d_seconds_bucket{route=\"/x\",le=\"0.005\"} 3\n"),
            "{out}"
        );
        assert!(
            out.contains("d_seconds_bucket{route=\"/x\",le=\"0.05\"} 4\n"),
            "{out}"
        );
        assert!(
            out.contains("d_seconds_bucket{route=\"/x\",le=\"10\"} 4\n"),
            "{out}"
        );
        assert!(
            out.contains("d_seconds_bucket{route=\"/x\",le=\"+Inf\"} 5\n"),
            "{out}"
        );
        assert!(
            out.contains("d_seconds_sum{route=\"/x\"} 20.046\n"),
            "{out}"
        );
        assert!(out.contains("d_seconds_count{route=\"/x\"} 5\n"), "{out}");
    }
}
