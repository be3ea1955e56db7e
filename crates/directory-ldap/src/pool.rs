//! Connections: [`Connector`] opens one (TCP, StartTLS or ldaps, bounded by the timeout),
//! [`Pool`] keeps a few open. A source has two pools: service connections, bound as the
//! service account (searches, password writes), and bind-only connections for checking
//! people's passwords (a bind changes a connection's identity, so a person's bind never
//! happens on a service connection). A connection the server closed, or one an operation
//! failed on, is dropped instead of going back.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ldap3::{Ldap, LdapConnAsync, LdapConnSettings};
use lifeline::SecretString;
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::failure::{LdapFailure, rc};
use crate::settings::Transport;

/// Opens connections to the server.
pub struct Connector {
    /// `ldap://…` or `ldaps://…`.
    pub url: String,
    /// StartTLS, ldaps or plain.
    pub transport: Transport,
    /// The TLS configuration (`None` for a plain connection).
    pub tls: Option<Arc<rustls::ClientConfig>>,
    /// Connect (TCP + TLS) and per-operation timeout.
    pub timeout: Duration,
}

impl Connector {
    /// A new connection, its I/O driven by a task on the current runtime.
    pub async fn connect(&self) -> Result<Ldap, LdapFailure> {
        let mut settings = LdapConnSettings::new()
            .set_conn_timeout(self.timeout)
            .set_starttls(self.transport == Transport::StartTls);
        if let Some(tls) = &self.tls {
            settings = settings.set_config(Arc::clone(tls));
        }
        let (conn, ldap) = LdapConnAsync::with_settings(settings, &self.url)
            .await
            .map_err(|error| LdapFailure::from_ldap("connect", error))?;
        tokio::spawn(async move {
            if let Err(error) = conn.drive().await {
                tracing::debug!(%error, "ldap connection ended");
            }
        });
        Ok(ldap)
    }
}

/// At most `size` connections of one kind, idle ones kept for the next call.
pub struct Pool {
    name: &'static str,
    connector: Arc<Connector>,
    /// Bound right after connecting (the service account); `None` for bind-only connections.
    bind_as: Option<(String, SecretString)>,
    idle: Mutex<Vec<Ldap>>,
    permits: Semaphore,
}

impl Pool {
    /// A pool of `size` connections, named `name` in logs.
    pub fn new(
        name: &'static str,
        connector: Arc<Connector>,
        bind_as: Option<(String, SecretString)>,
        size: usize,
    ) -> Self {
        Self {
            name,
            connector,
            bind_as,
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Semaphore::new(size),
        }
    }

    /// The per-operation timeout.
    pub fn timeout(&self) -> Duration {
        self.connector.timeout
    }

    /// An open connection: an idle one the server has not closed, or a new one.
    pub async fn get(&self) -> Result<Conn<'_>, LdapFailure> {
        let timeout = self.timeout();
        let permit = match tokio::time::timeout(timeout, self.permits.acquire()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) => return Err(LdapFailure::failed("the connection pool was closed")),
            Err(_) => {
                return Err(LdapFailure::unavailable(format!(
                    "every {} connection stayed busy for {timeout:?}",
                    self.name
                )));
            }
        };
        loop {
            let next = self.idle.lock().ok().and_then(|mut idle| idle.pop());
            match next {
                Some(mut ldap) => {
                    if !ldap.is_closed() {
                        return Ok(Conn {
                            pool: self,
                            ldap,
                            broken: false,
                            _permit: permit,
                        });
                    }
                }
                None => break,
            }
        }
        let mut ldap = self.connector.connect().await?;
        if let Some((dn, password)) = &self.bind_as {
            let result = ldap
                .with_timeout(timeout)
                .simple_bind(dn, password.expose_secret())
                .await
                .map_err(|error| LdapFailure::from_ldap("service bind", error))?;
            if result.rc == rc::INVALID_CREDENTIALS {
                return Err(LdapFailure::failed(format!(
                    "service bind as {dn:?}: invalid credentials (check bind_dn and bind_password)"
                )));
            }
            if result.rc != rc::SUCCESS {
                return Err(LdapFailure::from_result("service bind", &result));
            }
        }
        Ok(Conn {
            pool: self,
            ldap,
            broken: false,
            _permit: permit,
        })
    }
}

/// A connection taken from a [`Pool`]; it goes back when dropped unless it broke.
pub struct Conn<'a> {
    pool: &'a Pool,
    ldap: Ldap,
    broken: bool,
    _permit: SemaphorePermit<'a>,
}

impl Conn<'_> {
    /// The connection, with the pool's timeout set for its next operation.
    pub fn ldap(&mut self) -> &mut Ldap {
        let timeout = self.pool.timeout();
        self.ldap.with_timeout(timeout)
    }

    /// An operation failed on the connection: close it instead of reusing it, and describe
    /// the failure.
    pub fn broken(&mut self, what: &str, error: ldap3::LdapError) -> LdapFailure {
        self.broken = true;
        LdapFailure::from_ldap(what, error)
    }
}

impl Drop for Conn<'_> {
    fn drop(&mut self) {
        if !self.broken
            && !self.ldap.is_closed()
            && let Ok(mut idle) = self.pool.idle.lock()
        {
            idle.push(self.ldap.clone());
        }
    }
}
