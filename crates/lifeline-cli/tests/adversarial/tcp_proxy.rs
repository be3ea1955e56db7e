//! A TCP proxy between the service and its database that a test can cut and
//! restore, to make the database unreachable without touching the real
//! server (which other tests are using).

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What the proxy does with connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// Forwards every byte both ways.
    Up,
    /// Closes each new connection at once, as a host whose database process
    /// is down does.
    Refused,
    /// Accepts new connections and never answers, as a firewall that drops
    /// packets does: the client waits for a greeting that never comes.
    Silent,
    /// Like `Silent` for new connections, and the connections already open
    /// stay open but carry nothing more: a network partition.
    Frozen,
}

/// The proxy; stops when dropped.
pub struct TcpProxy {
    addr: SocketAddr,
    link: watch::Sender<Link>,
    task: JoinHandle<()>,
}

impl TcpProxy {
    /// Listens on 127.0.0.1 and forwards to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("binds");
        let addr = listener.local_addr().expect("address");
        let (link, watching) = watch::channel(Link::Up);
        let task = tokio::spawn(accept(listener, upstream, watching));
        Self { addr, link, task }
    }

    /// Where the proxy listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Changes what happens to connections. Every change but to `Frozen`
    /// also closes every connection open so far, so that a cut breaks the
    /// pool's connections too.
    pub fn set(&self, link: Link) {
        self.link.send_replace(link);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept(listener: TcpListener, upstream: SocketAddr, link: watch::Receiver<Link>) {
    while let Ok((client, _)) = listener.accept().await {
        let mut changed = link.clone();
        changed.mark_unchanged();
        match *link.borrow() {
            Link::Up => {
                tokio::spawn(forward(client, upstream, changed));
            }
            Link::Refused => drop(client),
            Link::Silent | Link::Frozen => {
                tokio::spawn(async move {
                    let _held = client;
                    let _ = changed.changed().await;
                });
            }
        }
    }
}

async fn forward(mut client: TcpStream, upstream: SocketAddr, mut changed: watch::Receiver<Link>) {
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        _ = changed.changed() => {
            if *changed.borrow_and_update() == Link::Frozen {
                let _ = changed.changed().await;
            }
        }
    }
}
