//! Opening one SMTP session: TCP with `TCP_NODELAY`, the TLS mode, `EHLO` and `AUTH`.
//!
//! Why a socket of our own: lettre writes a message and its terminating `.` in two writes.
//! With Nagle's algorithm on, the small second write waits for the relay's delayed ACK (about
//! 40 ms on Linux), which caps one connection at about 22 mails per second. lettre's transport
//! has no setting for it, but its connection type accepts any stream, so we open the socket,
//! switch Nagle off, and hand it over.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::classify;
use crate::{MailError, TlsMode};

/// How the encryption of a session is set up.
#[derive(Clone)]
enum Encryption {
    None,
    /// `STARTTLS` after the greeting, through lettre (which verifies against webpki roots).
    Starttls(TlsParameters),
    /// TLS from the first byte (`SMTPS`), with the same rustls stack and roots.
    Implicit(TlsConnector, ServerName<'static>),
}

/// Everything needed to open a session with the relay.
#[derive(Clone)]
pub(super) struct Connector {
    host: String,
    port: u16,
    encryption: Encryption,
    credentials: Option<Credentials>,
    hello: ClientId,
    timeout: Duration,
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connector")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("authenticated", &self.credentials.is_some())
            .finish_non_exhaustive()
    }
}

impl Connector {
    /// Prepares the TLS settings; connects to nothing yet.
    pub(super) fn new(
        host: &str,
        port: u16,
        tls: TlsMode,
        credentials: Option<Credentials>,
        timeout: Duration,
    ) -> Result<Self, MailError> {
        let setup = |e: &dyn fmt::Display| MailError::Settings(format!("smtp TLS setup: {e}"));
        let encryption = match tls {
            TlsMode::None => Encryption::None,
            TlsMode::Starttls => {
                Encryption::Starttls(TlsParameters::new(host.to_owned()).map_err(|e| setup(&e))?)
            }
            TlsMode::Tls => {
                let name = ServerName::try_from(host.trim_matches(['[', ']']).to_owned())
                    .map_err(|e| setup(&e))?;
                Encryption::Implicit(TlsConnector::from(client_config()?), name)
            }
        };
        Ok(Self {
            host: host.to_owned(),
            port,
            encryption,
            credentials,
            hello: ClientId::default(),
            timeout,
        })
    }

    /// The limit for opening a session and for each command.
    pub(super) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Opens a session ready for `MAIL FROM`, within the timeout.
    pub(super) async fn open(&self) -> Result<AsyncSmtpConnection, MailError> {
        tokio::time::timeout(self.timeout, self.open_unbounded())
            .await
            .map_err(|_| MailError::Timeout(self.timeout))?
    }

    async fn open_unbounded(&self) -> Result<AsyncSmtpConnection, MailError> {
        let host = self.host.trim_matches(['[', ']']);
        let tcp = TcpStream::connect((host, self.port))
            .await
            .map_err(|e| MailError::Transient(format!("connecting to the relay: {e}")))?;
        tcp.set_nodelay(true)?;
        let stream: Box<dyn AsyncTokioStream> = match &self.encryption {
            Encryption::Implicit(tls, name) => {
                let tls = tls
                    .connect(name.clone(), tcp)
                    .await
                    .map_err(|e| MailError::Transient(format!("TLS handshake: {e}")))?;
                Box::new(ImplicitTls(tls))
            }
            Encryption::None | Encryption::Starttls(_) => Box::new(tcp),
        };
        let mut conn = AsyncSmtpConnection::connect_with_transport(stream, &self.hello)
            .await
            .map_err(classify)?;
        if let Encryption::Starttls(parameters) = &self.encryption {
            // Refused when the relay does not offer STARTTLS: never fall back to clear text.
            conn.starttls(parameters.clone(), &self.hello)
                .await
                .map_err(classify)?;
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(classify)?;
        }
        Ok(conn)
    }
}

/// rustls with the `ring` provider and the webpki roots, as lettre configures it.
fn client_config() -> Result<Arc<rustls::ClientConfig>, MailError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| MailError::Settings(format!("smtp TLS setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// A TLS stream lettre can drive (its stream trait also asks for the peer address).
struct ImplicitTls(TlsStream<TcpStream>);

impl fmt::Debug for ImplicitTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ImplicitTls")
            .field(&self.0.get_ref().0)
            .finish()
    }
}

impl AsyncTokioStream for ImplicitTls {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl AsyncRead for ImplicitTls {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for ImplicitTls {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}
