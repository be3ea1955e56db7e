//! The link service on every backend: each case runs on SQLite and, when configured, on
//! MariaDB/MySQL, each time in a fresh database.

use std::sync::{Arc, Mutex};

use storage::testing::{create_user, for_each_backend};
use storage::{DbConnection, tokens};
use token_core::{
    KeyRing, Lifetime, MintedToken, OsRandom, Purpose, SigningKey, TokenClaims, VerifiedToken,
};

use super::rejection::LinkRejected;
use super::{Links, LiveLink};
use crate::directory::DirectoryConnection;
use crate::directory::{DirectoryUser, TableDirectory, UserDirectory};
use crate::metrics::Metrics;
use crate::metrics::reasons;

/// Unix time of every test: 2030-03-17 17:46:40 UTC.
const NOW: i64 = 1_900_000_000;
/// Lifetime of every issued link.
const LIFETIME: i64 = 1800;

/// The service under test, with its metrics and directory at hand.
struct Fixture {
    links: Links,
    metrics: Arc<Metrics>,
    directory: Arc<dyn UserDirectory>,
}

fn fixture() -> Fixture {
    let keys = Arc::new(KeyRing::new(
        1,
        SigningKey::generate(&mut OsRandom).unwrap(),
    ));
    let directory: Arc<dyn UserDirectory> = Arc::new(TableDirectory::new());
    let metrics = Arc::new(Metrics::new());
    Fixture {
        links: Links::new(keys, Arc::clone(&directory), Arc::clone(&metrics)),
        metrics,
        directory,
    }
}

fn account(conn: &mut DbConnection, email: &str) -> DirectoryUser {
    create_user(conn, email).into()
}

impl Fixture {
    fn issue(&self, conn: &mut DbConnection, purpose: Purpose, user: &DirectoryUser) -> String {
        let minted = self
            .links
            .issue(
                conn,
                purpose,
                user,
                Lifetime::clamped(LIFETIME),
                Some("203.0.113.7"),
                NOW,
            )
            .unwrap();
        minted.token.expose_secret().to_owned()
    }

    fn verify(&self, purpose: Purpose, text: &str) -> VerifiedToken {
        self.links.verify(purpose, text, NOW + 1).unwrap()
    }

    /// Verifies and checks `text` at `NOW + 1`.
    fn check(
        &self,
        conn: &mut DbConnection,
        purpose: Purpose,
        text: &str,
    ) -> Result<LiveLink, LinkRejected> {
        let verified = self.links.verify(purpose, text, NOW + 1)?;
        self.links.check(conn, verified, NOW + 1).unwrap()
    }

    /// Asserts that `rejection` was counted once under `reason`, and only that.
    fn assert_rejected(&self, rejection: &LinkRejected, purpose: Purpose, reason: &str) {
        assert_eq!(rejection.reason(), reason);
        assert_eq!(rejection.to_string(), "invalid or expired link");
        let counted: u64 = ALL_REASONS
            .iter()
            .map(|r| self.metrics.tokens_rejected(purpose, r))
            .sum();
        assert_eq!(counted, 1, "exactly one rejection counted");
        assert_eq!(
            self.metrics
                .tokens_rejected(purpose, label_of(reason).unwrap()),
            1
        );
    }
}

const ALL_REASONS: [&str; 6] = [
    reasons::NOT_LIVE,
    reasons::USED_CONCURRENTLY,
    "bad_mac",
    "wrong_purpose",
    "expired",
    "stale_epoch",
];

fn label_of(reason: &str) -> Option<&'static str> {
    ALL_REASONS.into_iter().find(|r| *r == reason)
}

#[test]
fn an_issued_link_of_any_purpose_checks_as_live_for_its_account() {
    for_each_backend(|db| {
        for purpose in Purpose::ALL {
            // Arrange
            let f = fixture();
            let conn = &mut db.conn().unwrap();
            let user = account(conn, &format!("{purpose}@example.com"));

            // Act
            let text = f.issue(conn, purpose, &user);
            let live = f.check(conn, purpose, &text).unwrap();

            // Assert
            assert_eq!(live.user(), &user);
            assert_eq!(live.purpose(), purpose);
            assert_eq!(f.metrics.tokens_rejected(purpose, reasons::NOT_LIVE), 0);
        }
    });
}

#[test]
fn checking_a_link_never_uses_it() {
    for_each_backend(|db| {
        for purpose in Purpose::ALL {
            // Arrange
            let f = fixture();
            let conn = &mut db.conn().unwrap();
            let user = account(conn, &format!("{purpose}@example.com"));
            let text = f.issue(conn, purpose, &user);

            // Act
            f.check(conn, purpose, &text).unwrap();
            let live = f.check(conn, purpose, &text).unwrap();

            // Assert
            assert!(f.links.consume(conn, &live, NOW + 2).unwrap().is_ok());
        }
    });
}

#[test]
fn a_link_is_used_once_and_a_second_use_is_rejected() {
    for_each_backend(|db| {
        for purpose in Purpose::ALL {
            // Arrange: two requests checked the same link before either used it.
            let f = fixture();
            let conn = &mut db.conn().unwrap();
            let user = account(conn, &format!("{purpose}@example.com"));
            let text = f.issue(conn, purpose, &user);
            let first = f.check(conn, purpose, &text).unwrap();
            let second = f.check(conn, purpose, &text).unwrap();

            // Act
            let won = f.links.consume(conn, &first, NOW + 2).unwrap();
            let lost = f.links.consume(conn, &second, NOW + 2).unwrap();

            // Assert
            assert_eq!(won.unwrap().user().id, user.id);
            f.assert_rejected(&lost.unwrap_err(), purpose, reasons::USED_CONCURRENTLY);
        }
    });
}

#[test]
fn a_used_link_no_longer_checks() {
    for_each_backend(|db| {
        for (purpose, reason) in [
            (Purpose::PasswordReset, reasons::NOT_LIVE),
            (Purpose::MagicLink, reasons::NOT_LIVE),
            // A "not me" link has no row: using it bumped the epoch it was minted under.
            (Purpose::NotMe, "stale_epoch"),
            (Purpose::NotMeChange, "stale_epoch"),
        ] {
            // Arrange
            let f = fixture();
            let conn = &mut db.conn().unwrap();
            let user = account(conn, &format!("{purpose}@example.com"));
            let text = f.issue(conn, purpose, &user);
            let live = f.check(conn, purpose, &text).unwrap();
            f.links.consume(conn, &live, NOW + 2).unwrap().unwrap();

            // Act
            let again = f.check(conn, purpose, &text);

            // Assert
            f.assert_rejected(&again.unwrap_err(), purpose, reason);
        }
    });
}

#[test]
fn using_a_not_me_link_bumps_the_accounts_epoch() {
    for_each_backend(|db| {
        // Arrange
        let f = fixture();
        let conn = &mut db.conn().unwrap();
        let user = account(conn, "a@example.com");
        let text = f.issue(conn, Purpose::NotMe, &user);
        let live = f.check(conn, Purpose::NotMe, &text).unwrap();

        // Act
        let used = f.links.consume(conn, &live, NOW + 2).unwrap().unwrap();

        // Assert
        let stored = f
            .directory
            .find_by_id(&mut DirectoryConnection::new(conn), user.id)
            .unwrap()
            .unwrap();
        assert_eq!(used.user().auth_epoch, user.auth_epoch + 1);
        assert_eq!(stored.auth_epoch, used.user().auth_epoch);
    });
}

#[test]
fn a_forged_link_is_rejected_before_the_database() {
    // Arrange: same key id, another key.
    let f = fixture();
    let forger = KeyRing::new(1, SigningKey::generate(&mut OsRandom).unwrap());
    let claims = TokenClaims::expiring_in(1, 0, NOW, Lifetime::clamped(LIFETIME));
    let forged = token_core::mint(&forger, Purpose::PasswordReset, claims, &mut OsRandom).unwrap();

    // Act
    let rejected = f
        .links
        .verify(
            Purpose::PasswordReset,
            forged.token.expose_secret(),
            NOW + 1,
        )
        .unwrap_err();

    // Assert
    f.assert_rejected(&rejected, Purpose::PasswordReset, "bad_mac");
}

#[test]
fn a_link_of_another_purpose_is_rejected() {
    for_each_backend(|db| {
        // Arrange
        let f = fixture();
        let conn = &mut db.conn().unwrap();
        let user = account(conn, "a@example.com");
        let reset = f.issue(conn, Purpose::PasswordReset, &user);

        // Act
        let rejected = f.check(conn, Purpose::MagicLink, &reset).unwrap_err();

        // Assert
        f.assert_rejected(&rejected, Purpose::MagicLink, "wrong_purpose");
    });
}

#[test]
fn an_expired_link_is_rejected() {
    for_each_backend(|db| {
        // Arrange
        let f = fixture();
        let conn = &mut db.conn().unwrap();
        let user = account(conn, "a@example.com");
        let text = f.issue(conn, Purpose::MagicLink, &user);

        // Act
        let rejected = f
            .links
            .verify(Purpose::MagicLink, &text, NOW + LIFETIME)
            .unwrap_err();

        // Assert
        f.assert_rejected(&rejected, Purpose::MagicLink, "expired");
    });
}

#[test]
fn a_link_verified_in_time_but_checked_after_its_row_expired_is_rejected() {
    for_each_backend(|db| {
        // Arrange
        let f = fixture();
        let conn = &mut db.conn().unwrap();
        let user = account(conn, "a@example.com");
        let text = f.issue(conn, Purpose::PasswordReset, &user);
        let verified = f.verify(Purpose::PasswordReset, &text);

        // Act
        let rejected = f
            .links
            .check(conn, verified, NOW + LIFETIME)
            .unwrap()
            .unwrap_err();

        // Assert
        f.assert_rejected(&rejected, Purpose::PasswordReset, reasons::NOT_LIVE);
    });
}

#[test]
fn a_link_superseded_by_a_newer_one_is_rejected() {
    for_each_backend(|db| {
        // Arrange
        let f = fixture();
        let conn = &mut db.conn().unwrap();
        let user = account(conn, "a@example.com");
        let older = f.issue(conn, Purpose::PasswordReset, &user);
        let newer = f.issue(conn, Purpose::PasswordReset, &user);

        // Act
        let rejected = f.check(conn, Purpose::PasswordReset, &older).unwrap_err();

        // Assert
        f.assert_rejected(&rejected, Purpose::PasswordReset, reasons::NOT_LIVE);
        assert!(f.check(conn, Purpose::PasswordReset, &newer).is_ok());
    });
}

#[test]
fn issuing_revokes_earlier_live_links_of_the_same_purpose_only() {
    for_each_backend(|db| {
        // Arrange
        let f = fixture();
        let conn = &mut db.conn().unwrap();
        let user = account(conn, "a@example.com");
        let other = account(conn, "b@example.com");
        let old_reset = f.issue(conn, Purpose::PasswordReset, &user);
        let magic = f.issue(conn, Purpose::MagicLink, &user);
        let not_me = f.issue(conn, Purpose::NotMe, &user);
        let others_reset = f.issue(conn, Purpose::PasswordReset, &other);

        // Act
        f.issue(conn, Purpose::PasswordReset, &user);

        // Assert
        assert!(f.check(conn, Purpose::PasswordReset, &old_reset).is_err());
        assert!(f.check(conn, Purpose::MagicLink, &magic).is_ok());
        assert!(f.check(conn, Purpose::NotMe, &not_me).is_ok());
        assert!(f.check(conn, Purpose::PasswordReset, &others_reset).is_ok());
    });
}

#[test]
fn a_link_whose_account_epoch_was_bumped_is_rejected() {
    for_each_backend(|db| {
        for purpose in Purpose::ALL {
            // Arrange
            let f = fixture();
            let conn = &mut db.conn().unwrap();
            let user = account(conn, &format!("{purpose}@example.com"));
            let text = f.issue(conn, purpose, &user);
            bump_epoch(&f, conn, &user);

            // Act
            let rejected = f.check(conn, purpose, &text).unwrap_err();

            // Assert
            f.assert_rejected(&rejected, purpose, "stale_epoch");
        }
    });
}

#[test]
fn an_epoch_bumped_between_check_and_use_rejects_the_use() {
    for_each_backend(|db| {
        for purpose in Purpose::ALL {
            // Arrange
            let f = fixture();
            let conn = &mut db.conn().unwrap();
            let user = account(conn, &format!("{purpose}@example.com"));
            let text = f.issue(conn, purpose, &user);
            let live = f.check(conn, purpose, &text).unwrap();
            bump_epoch(&f, conn, &user);

            // Act
            let rejected = f.links.consume(conn, &live, NOW + 2).unwrap().unwrap_err();

            // Assert
            f.assert_rejected(&rejected, purpose, reasons::USED_CONCURRENTLY);
        }
    });
}

#[test]
fn a_stored_link_whose_row_names_another_account_is_rejected() {
    for_each_backend(|db| {
        // Arrange: a link minted for one account, its row recorded for another.
        let f = fixture();
        let conn = &mut db.conn().unwrap();
        let (user, other) = (
            account(conn, "a@example.com"),
            account(conn, "b@example.com"),
        );
        let minted = mint_for(&f, &user);
        store_row(conn, &minted, &other);

        // Act
        let rejected = f
            .check(conn, Purpose::PasswordReset, minted.token.expose_secret())
            .unwrap_err();

        // Assert
        f.assert_rejected(&rejected, Purpose::PasswordReset, reasons::NOT_LIVE);
    });
}

#[test]
fn a_not_me_link_of_an_account_that_is_gone_is_rejected() {
    for_each_backend(|db| {
        // Arrange: an id no account has.
        let f = fixture();
        let conn = &mut db.conn().unwrap();
        let gone = DirectoryUser {
            id: 4242,
            display_email: "gone@example.com".into(),
            auth_epoch: 0,
            resets_paused_until: None,
            disabled_at: None,
            password_hash: None,
        };
        let text = f.issue(conn, Purpose::NotMe, &gone);

        // Act
        let rejected = f.check(conn, Purpose::NotMe, &text).unwrap_err();

        // Assert
        f.assert_rejected(&rejected, Purpose::NotMe, reasons::NOT_LIVE);
    });
}

#[test]
fn issuing_counts_the_link_and_stores_only_stored_purposes() {
    for_each_backend(|db| {
        // Arrange
        let f = fixture();
        let conn = &mut db.conn().unwrap();
        let user = account(conn, "a@example.com");

        // Act
        let reset = f.issue(conn, Purpose::PasswordReset, &user);
        let not_me = f.issue(conn, Purpose::NotMe, &user);

        // Assert
        let now = super::service::db_time(NOW + 1);
        let reset_lookup = f.verify(Purpose::PasswordReset, &reset).lookup;
        let not_me_lookup = f.verify(Purpose::NotMe, &not_me).lookup;
        let row = tokens::find_live(conn, &reset_lookup, Purpose::PasswordReset, now).unwrap();
        assert_eq!(row.unwrap().created_ip.as_deref(), Some("203.0.113.7"));
        assert_eq!(
            tokens::find_live(conn, &not_me_lookup, Purpose::NotMe, now).unwrap(),
            None
        );
        assert_eq!(f.metrics.tokens_issued(Purpose::PasswordReset), 1);
        assert_eq!(f.metrics.tokens_issued(Purpose::NotMe), 1);
    });
}

#[test]
fn a_rejection_is_logged_with_its_precise_reason() {
    for_each_backend(|db| {
        // Arrange
        let f = fixture();
        let conn = &mut db.conn().unwrap();
        let user = account(conn, "a@example.com");
        let older = f.issue(conn, Purpose::PasswordReset, &user);
        f.issue(conn, Purpose::PasswordReset, &user);
        let log = Log::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(log.clone())
            .with_ansi(false)
            .finish();

        // Act: a call site's interest is global, and other tests' threads register and drop
        // subscribers concurrently, which can leave a call site cached as uninteresting for a
        // moment. So each (side-effect-free) rejection is asked again, after a rebuild of the
        // cache, until its line is written; a rejection that logs nothing still fails below.
        tracing::subscriber::with_default(subscriber, || {
            for _ in 0..20 {
                tracing::callsite::rebuild_interest_cache();
                if !log.text().contains("magic link rejected") {
                    let _ = f.links.verify(Purpose::MagicLink, &older, NOW + 1);
                }
                if !log.text().contains("reset link rejected") {
                    let _ = f.check(conn, Purpose::PasswordReset, &older);
                }
            }
        });

        // Assert: the reason is in the log, but not in what callers see.
        let text = log.text();
        assert!(text.contains("magic link rejected"), "{text}");
        assert!(text.contains("expected MagicLink"), "{text}");
        assert!(
            text.contains("reset link rejected: not live in the database"),
            "{text}"
        );
    });
}

/// Log lines written by a test's subscriber.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Log {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Log {
    type Writer = Log;

    fn make_writer(&'a self) -> Log {
        self.clone()
    }
}

fn bump_epoch(f: &Fixture, conn: &mut DbConnection, user: &DirectoryUser) {
    f.directory
        .bump_auth_epoch(
            &mut DirectoryConnection::new(conn),
            user.id,
            super::service::db_time(NOW),
        )
        .unwrap();
}

fn mint_for(f: &Fixture, user: &DirectoryUser) -> MintedToken {
    let claims =
        TokenClaims::expiring_in(user.id, user.auth_epoch, NOW, Lifetime::clamped(LIFETIME));
    token_core::mint(&f.links.keys, Purpose::PasswordReset, claims, &mut OsRandom).unwrap()
}

fn store_row(conn: &mut DbConnection, minted: &MintedToken, owner: &DirectoryUser) {
    let created_at = super::service::db_time(NOW);
    tokens::issue(
        conn,
        &tokens::NewToken {
            purpose: Purpose::PasswordReset,
            user_id: owner.id,
            hash: minted.lookup,
            expires_at: created_at + chrono::TimeDelta::seconds(LIFETIME),
            created_at,
            created_ip: None,
        },
    )
    .unwrap();
}
