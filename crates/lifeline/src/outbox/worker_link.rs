//! The request side's line to the outbox worker, connected when the worker starts.
//!
//! Handlers only commit jobs to the database; the worker sends them. An embedding
//! host starts the worker after building Lifeline (see [`crate::embed`]), so the
//! state handlers share is built first and learns of the worker later. Jobs
//! committed before that wait in the database and go out once the worker runs.

use std::sync::OnceLock;

/// Wakes the outbox worker and reads its counters, once one was started.
#[derive(Debug, Default)]
pub(super) struct WorkerLink {
    worker: OnceLock<(mail::Nudge, mail::StatsReader)>,
}

impl WorkerLink {
    /// Connects the running worker. Returns `false` when one was connected before
    /// (a second worker for the same state is refused, not swapped in silently).
    pub(super) fn connect(&self, worker: &mail::WorkerHandle) -> bool {
        self.worker
            .set((worker.nudge(), worker.stats_reader()))
            .is_ok()
    }

    /// Makes the worker poll now (nothing to wake before it started: it polls
    /// the database as soon as it starts).
    pub(super) fn nudge(&self) {
        if let Some((nudge, _)) = self.worker.get() {
            nudge.nudge();
        }
    }

    /// What the worker has done so far (zeros before it started).
    pub(super) fn stats(&self) -> mail::WorkerStats {
        self.worker
            .get()
            .map(|(_, stats)| stats.stats())
            .unwrap_or_default()
    }
}
