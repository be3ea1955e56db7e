//! A test [`AccountSource`]: entries in memory with stable ids and their passwords, a
//! password policy of its own, and a switch that makes it unreachable. It stands in for a
//! remote directory (an LDAP server) to test Lifeline's seam; the real LDAP plugin has its
//! own tests against slapd.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use lifeline::{
    AccountSource, Application, DirectoryError, EmailAddress, ExternalAccount, Password,
    PasswordChange, PasswordRefusal, SetPasswordError,
};
use mail::sink::SmtpSink;
use storage::Backend;
use storage::testing::TestDb;

use crate::helpers::{TestApp, TestClock, test_settings};

/// The source's own minimum length: longer than Lifeline's (8), so a password can pass
/// Lifeline's policy and still be refused here.
pub const SOURCE_MIN_LENGTH: usize = 20;

/// One entry of the source.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The stable id.
    pub id: String,
    /// The mail address, as the source stores it.
    pub email: String,
    /// The password in clear (it is a test).
    pub password: String,
    /// `false` when the source disabled the entry.
    pub enabled: bool,
}

/// The in-memory source.
#[derive(Default)]
pub struct MemorySource {
    entries: Mutex<Vec<Entry>>,
    down: AtomicBool,
    /// Every password check, known address or not.
    pub verifications: AtomicUsize,
    voided: AtomicUsize,
    /// The SQLite file whose write lock each lookup by address probes, once set.
    write_lock_probe: Mutex<Option<String>>,
    /// Lookups by address made since the probe was set.
    pub probed_lookups: AtomicUsize,
    /// Those of them made while a transaction held the file's write lock.
    pub lookups_inside_a_write: AtomicUsize,
}

impl MemorySource {
    /// Adds an enabled entry.
    pub fn add(&self, id: &str, email: &str, password: &str) {
        self.entries.lock().unwrap().push(Entry {
            id: id.to_owned(),
            email: email.to_owned(),
            password: password.to_owned(),
            enabled: true,
        });
    }

    /// Entry `id` as it is now.
    pub fn entry(&self, id: &str) -> Entry {
        let entries = self.entries.lock().unwrap();
        entries.iter().find(|e| e.id == id).cloned().unwrap()
    }

    /// Changes entry `id`.
    pub fn change(&self, id: &str, change: impl FnOnce(&mut Entry)) {
        let mut entries = self.entries.lock().unwrap();
        change(entries.iter_mut().find(|e| e.id == id).unwrap());
    }

    /// Removes entry `id`.
    pub fn remove(&self, id: &str) {
        self.entries.lock().unwrap().retain(|e| e.id != id);
    }

    /// From now on, each lookup by address checks whether a transaction holds the write lock
    /// of the SQLite database `url` (`sqlite://path`): a remote directory must never be asked
    /// while Lifeline holds it.
    pub fn probe_write_lock(&self, url: &str) {
        let path = url.strip_prefix("sqlite://").expect("an SQLite URL");
        *self.write_lock_probe.lock().unwrap() = Some(path.to_owned());
    }

    /// Whether a transaction holds `path`'s write lock: `BEGIN IMMEDIATE` on a connection of
    /// our own waits up to 250 ms for it. Any other writer's commit is over well before; a
    /// transaction of the thread that is asking us cannot end while we wait.
    fn write_lock_held(path: &str) -> bool {
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        let mut probe = diesel::SqliteConnection::establish(path).expect("probe connects");
        probe.batch_execute("PRAGMA busy_timeout = 250").unwrap();
        match probe.batch_execute("BEGIN IMMEDIATE") {
            Ok(()) => {
                probe.batch_execute("ROLLBACK").unwrap();
                false
            }
            Err(_) => true,
        }
    }

    /// Makes the source unreachable (`true`) or reachable again.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    fn reachable(&self) -> Result<(), DirectoryError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(DirectoryError::unavailable("the test source is down"));
        }
        Ok(())
    }

    fn account(entry: &Entry) -> ExternalAccount {
        ExternalAccount {
            external_id: entry.id.clone(),
            locator: format!("uid={},ou=people", entry.id),
            email: entry.email.clone(),
            enabled: entry.enabled,
        }
    }
}

impl AccountSource for MemorySource {
    fn kind(&self) -> &str {
        "memory"
    }

    fn find_by_email(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<ExternalAccount>, DirectoryError> {
        if let Some(path) = self.write_lock_probe.lock().unwrap().as_deref() {
            self.probed_lookups.fetch_add(1, Ordering::SeqCst);
            if Self::write_lock_held(path) {
                self.lookups_inside_a_write.fetch_add(1, Ordering::SeqCst);
            }
        }
        self.reachable()?;
        let entries = self.entries.lock().unwrap();
        Ok(entries
            .iter()
            .find(|e| e.email.eq_ignore_ascii_case(email.as_str()))
            .map(Self::account))
    }

    fn find_by_external_id(
        &self,
        external_id: &str,
    ) -> Result<Option<ExternalAccount>, DirectoryError> {
        self.reachable()?;
        let entries = self.entries.lock().unwrap();
        Ok(entries
            .iter()
            .find(|e| e.id == external_id)
            .map(Self::account))
    }

    fn verify_password(
        &self,
        account: Option<&ExternalAccount>,
        password: &Password,
    ) -> Result<bool, DirectoryError> {
        self.reachable()?;
        self.verifications.fetch_add(1, Ordering::SeqCst);
        let (Some(account), typed) = (account, password.expose_secret()) else {
            return Ok(false);
        };
        if typed.is_empty() {
            return Ok(false);
        }
        Ok(self.entry(&account.external_id).password == typed)
    }

    fn set_password(
        &self,
        account: &ExternalAccount,
        password: &Password,
        change: PasswordChange<'_>,
    ) -> Result<(), SetPasswordError> {
        self.reachable()?;
        let new = password.expose_secret();
        let entry = self.entry(&account.external_id);
        if let PasswordChange::Change { current } = change {
            assert_eq!(current.expose_secret(), entry.password, "verified before");
        }
        if new.chars().count() < SOURCE_MIN_LENGTH {
            return Err(SetPasswordError::Refused(PasswordRefusal::TooShort));
        }
        if new == entry.password {
            return Err(SetPasswordError::Refused(PasswordRefusal::RecentlyUsed));
        }
        self.change(&account.external_id, |e| e.password = new.to_owned());
        Ok(())
    }

    fn void_password(&self, account: &ExternalAccount) -> Result<(), DirectoryError> {
        self.reachable()?;
        let n = self.voided.fetch_add(1, Ordering::SeqCst);
        self.change(&account.external_id, |e| {
            e.password = format!("voided {n}: nobody knows this one")
        });
        Ok(())
    }

    fn check(&self) -> Result<(), DirectoryError> {
        self.reachable()
    }
}

/// A fresh app on `backend` whose accounts are `source`'s.
pub async fn spawn_app_with_source(backend: Backend, source: Arc<MemorySource>) -> Option<TestApp> {
    let db = TestDb::new(backend)?;
    eprintln!("running on {backend}");
    let sink = SmtpSink::start().await.expect("smtp sink");
    let settings = test_settings(&db, &sink, |f| f);
    let clock = TestClock::default();
    let app =
        Application::build_with_account_source(settings.clone(), Arc::new(clock.clone()), source)
            .await
            .expect("app builds");
    Some(TestApp::serve(app, db, sink, clock, settings))
}
