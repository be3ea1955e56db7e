//! Lifeline mail: tera-rendered messages, SMTP/mailbox/log transports and the durable outbox
//! worker. It serves no HTTP and knows no application's job kinds.
//!
//! - [`EmailTemplates`] renders one folder per email (`templates/email/<name>/`: subject, text
//!   and HTML), compiled in, optionally overridden from a directory through
//!   [`load_with_overrides`], the loader the server's pages use as well.
//!   Every sentence is a `t(id="…")` call, answered in the render's [`Language`] by the
//!   application's [`Messages`] (this crate holds no catalog).
//! - [`Sender`] builds a multipart/alternative message whose `Message-ID` comes from the
//!   outbox job, so a retried send is recognisable.
//! - [`Transport`] delivers it: SMTP in production, the database mailbox or the log in
//!   development.
//! - [`OutboxWorker`] claims due outbox jobs with a lease, asks the application's [`Composer`]
//!   for the email, sends it, and records the outcome: sent, retried with backoff, or given up.
//!   An SMTP outage delays mail, never loses it.
//! - A [`Composition`] may instead be an [`HttpPost`] (a signed webhook): the worker posts it
//!   with its own HTTP client (rustls, no redirects, the send timeout), with the same leases,
//!   retries and backoff; a 2xx answer is a delivery.
//! - With the `sink` feature, [`sink::SmtpSink`] is a real SMTP server for tests.

mod branding;
mod compose;
mod delivery;
mod emails;
mod error;
mod http_post;
mod message;
mod overrides;
mod palette;
mod settings;
#[cfg(feature = "sink")]
pub mod sink;
mod smtp;
mod templates;
mod translate;
mod transport;
mod worker;

pub use branding::{Branding, DEFAULT_BRAND_COLOUR, is_hex_colour};
pub use compose::{Composer, Composition};
pub use emails::{
    Email, MagicLink, MagicLinkSignin, NoAccount, NotMeConfirmation, PasswordChanged, PasswordReset,
};
pub use error::{MailError, SettingError};
pub use http_post::HttpPost;
pub use message::{OutboundMessage, OutgoingEmail, Sender, parse_address};
pub use overrides::{OverrideError, load_with_overrides};
pub use palette::{Palette, Rgb};
pub use settings::{SenderSettings, SmtpSettings, TlsMode, TransportSettings, WorkerSettings};
pub use smtp::SmtpTransport;
pub use templates::{EmailTemplates, RenderedEmail, TEMPLATE_NAMES, escape_html, single_line};
pub use translate::{Language, Markup, Messages, Translate, rendering};
pub use transport::Transport;
pub use worker::{Nudge, OutboxWorker, StatsReader, WorkerHandle, WorkerStats};
