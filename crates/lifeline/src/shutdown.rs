//! Stopping the standalone server on a signal: SIGTERM (a service manager) and SIGINT
//! (Ctrl-C) both stop it gracefully.
//!
//! actix-server's own handling would treat SIGINT as a forced shutdown, dropping requests in
//! flight, and log it as such; the server is built with its signals disabled and stopped
//! from here instead.

use actix_web::dev::ServerHandle;

/// The stop signals, listened for from start-up (so a failure to install them stops
/// start-up instead of leaving a server that cannot be stopped).
pub struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    /// Starts listening for SIGINT and SIGTERM. Needs a Tokio runtime.
    pub fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Waits for the first stop signal and returns its name.
    async fn received(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => "SIGINT",
                _ = self.terminate.recv() => "SIGTERM",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }

    /// Waits for a stop signal, says what happens next, and stops the server gracefully:
    /// it accepts no new connection and lets the requests in flight finish (up to
    /// `server.shutdown_timeout_secs`); the outbox worker is stopped after it.
    pub async fn stop_gracefully_on_signal(mut self, server: ServerHandle) {
        let signal = self.received().await;
        tracing::info!(
            signal,
            "{signal} received; shutting down gracefully: finishing the requests in flight, \
             then the mail being sent (queued mail stays queued)"
        );
        server.stop(true).await;
    }
}
