//! Integration tests of the whole service: one binary, each test on SQLite and
//! on MySQL, a real SMTP sink and a real HTTP client.

mod helpers;
mod password_reset;
