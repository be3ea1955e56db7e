//! A host application with its own pages (`/` and `/hello`) and Lifeline mounted
//! beside them under `/auth`: the code `docs/integrating.md` walks through.

use std::net::TcpListener;
use std::path::Path;

use actix_web::dev::Server;
use actix_web::http::header::ContentType;
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;
use figment::providers::{Format, Toml};
use lifeline::{ConfigError, Lifeline, Settings, Workers};

/// Where this host mounts Lifeline (its `server.base_path`).
pub const LIFELINE_PATH: &str = "/auth";

/// The port this host listens on by default: not `lifeline demo`'s and `lifeline serve`'s
/// 8080, so the example and the demo run side by side.
pub const DEFAULT_PORT: u16 = 8081;

/// Lifeline's settings for this host: the compiled-in defaults, Lifeline under
/// [`LIFELINE_PATH`] on [`DEFAULT_PORT`], then `file` if given, then
/// `LIFELINE_SECTION__KEY` environment variables (so everything stays configurable as in
/// standalone mode; a misspelt `LIFELINE_` variable is refused, as there).
pub fn settings(file: Option<&Path>) -> Result<Settings, ConfigError> {
    Settings::check_environment()?;
    let mut figment = Settings::figment(None)
        .merge(("server.base_path", LIFELINE_PATH))
        .merge(("server.bind", format!("127.0.0.1:{DEFAULT_PORT}")))
        .merge((
            "server.public_url",
            format!("http://127.0.0.1:{DEFAULT_PORT}"),
        ));
    if let Some(file) = file {
        figment = figment.merge(Toml::file_exact(file));
    }
    let figment = figment.merge(Settings::environment());
    Settings::from_figment(figment)
}

/// The host's own routes. They know nothing of Lifeline and get none of its
/// middleware: no session cookie, no Content-Security-Policy.
pub fn host_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/hello", web::get().to(hello));
}

async fn home() -> HttpResponse {
    HttpResponse::Ok().content_type(ContentType::html()).body(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Example host</title></head>\
         <body><h1>Example host</h1><ul>\
         <li><a href=\"{LIFELINE_PATH}/login\">Sign in</a></li>\
         <li><a href=\"{LIFELINE_PATH}/password/forgot\">Forgot your password?</a></li>\
         <li><a href=\"/hello\">Hello</a></li></ul></body></html>"
    ))
}

async fn hello() -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::plaintext())
        .body("Hello from the host application.")
}

/// The running host: its HTTP server (host routes and Lifeline's scope) and
/// Lifeline's workers, which the host started and must stop.
pub struct Host {
    /// The port the server listens on (`server.bind` may ask for port 0).
    pub port: u16,
    /// Lifeline as mounted in the server (cheap to clone).
    pub lifeline: Lifeline,
    /// The HTTP server; awaiting it serves until SIGINT/SIGTERM.
    pub server: Server,
    /// Lifeline's outbox worker and housekeeping.
    pub workers: Workers,
}

impl Host {
    /// Builds Lifeline, binds `server.bind`, mounts Lifeline beside the host's
    /// routes and starts Lifeline's workers.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let bind = settings.server.bind;
        let lifeline = Lifeline::build(settings).await?;
        let listener = TcpListener::bind(bind).with_context(|| format!("Failed to bind {bind}"))?;
        let port = listener.local_addr()?.port();
        let mounted = lifeline.clone();
        let server =
            HttpServer::new(move || App::new().configure(host_routes).service(mounted.scope()))
                .listen(listener)?
                .run();
        let workers = lifeline.start()?;
        Ok(Self {
            port,
            lifeline,
            server,
            workers,
        })
    }

    /// Serves until SIGINT/SIGTERM, then stops Lifeline's workers: sends in
    /// flight finish and unsent mail is left for the next start.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let served = self.server.await;
        let released = self.workers.stop().await?;
        println!("stopped; {released} outbox lease(s) released");
        Ok(served?)
    }
}
