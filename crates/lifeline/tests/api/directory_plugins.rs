//! A directory plugin registered by a host: its kind passes validation, and building
//! Lifeline hands the source its `build` made to the external-directory adapter.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use lifeline::{
    AccountSource, BoxError, DirectoryError, DirectoryPlugin, EmailAddress, ExternalAccount,
    Lifeline, Mode, Password, PasswordChange, PluginSetting, PluginSettings, SetPasswordError,
    Settings,
};
use mail::sink::SmtpSink;
use storage::testing::TestDb;

use crate::helpers::test_figment;
use crate::on_every_backend;

/// `directory.kind = "counted"`, which counts its builds.
struct CountedPlugin {
    builds: AtomicUsize,
}

static PLUGIN: CountedPlugin = CountedPlugin {
    builds: AtomicUsize::new(0),
};

impl DirectoryPlugin for CountedPlugin {
    fn kind(&self) -> &'static str {
        "counted"
    }

    fn settings(&self) -> &'static [PluginSetting] {
        &[PluginSetting {
            key: "label",
            secret: false,
        }]
    }

    fn build(
        &self,
        settings: &PluginSettings,
        _: Mode,
    ) -> Result<Arc<dyn AccountSource>, BoxError> {
        let label: std::collections::BTreeMap<String, String> = settings.extract()?;
        assert_eq!(
            label.get("label").map(String::as_str),
            Some("from the host")
        );
        self.builds.fetch_add(1, Ordering::SeqCst);
        Ok(Arc::new(NoAccounts))
    }
}

struct NoAccounts;

impl AccountSource for NoAccounts {
    fn kind(&self) -> &str {
        "counted"
    }
    fn find_by_email(&self, _: &EmailAddress) -> Result<Option<ExternalAccount>, DirectoryError> {
        Ok(None)
    }
    fn find_by_external_id(&self, _: &str) -> Result<Option<ExternalAccount>, DirectoryError> {
        Ok(None)
    }
    fn verify_password(
        &self,
        _: Option<&ExternalAccount>,
        _: &Password,
    ) -> Result<bool, DirectoryError> {
        Ok(false)
    }
    fn set_password(
        &self,
        _: &ExternalAccount,
        _: &Password,
        _: PasswordChange<'_>,
    ) -> Result<(), SetPasswordError> {
        Err(DirectoryError::NoSuchAccount.into())
    }
    fn void_password(&self, _: &ExternalAccount) -> Result<(), DirectoryError> {
        Err(DirectoryError::NoSuchAccount)
    }
}

on_every_backend!(a_registered_plugins_source_reaches_the_external_directory_adapter);

async fn a_registered_plugins_source_reaches_the_external_directory_adapter(
    backend: storage::Backend,
) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let sink = SmtpSink::start().await.unwrap();
    let figment = test_figment(&db, &sink, |f| {
        f.merge(("directory.kind", "counted"))
            .merge(("directory.counted.label", "from the host"))
    });
    let unregistered = Settings::from_figment(figment.clone()).unwrap_err();
    assert!(
        unregistered
            .to_string()
            .contains("is not built into this lifeline"),
        "{unregistered}"
    );
    let settings = Settings::from_figment_with_plugins(figment, &[&PLUGIN]).unwrap();
    let builds = PLUGIN.builds.load(Ordering::SeqCst);

    // Act
    let built = Lifeline::build_with_plugins(settings, &[&PLUGIN]).await;

    // Assert: validated and built again by the plugin, then handed to the adapter, whose
    // start-up check of the source passed.
    if let Err(error) = built {
        panic!("a registered plugin's source did not build Lifeline: {error:#}");
    }
    assert!(PLUGIN.builds.load(Ordering::SeqCst) >= builds + 2);
}
