//! The connection's protection: StartTLS with the CA from `ca_file`, ldaps://, and a
//! server certificate that does not chain to the configured roots.

use directory_ldap::testing::ADA;
use directory_ldap::{LdapSettings, LdapSource};
use lifeline::{AccountSource, DirectoryError, Mode};
use std::error::Error;

use crate::needs_slapd;
use crate::support::{account, settings, slapd};

fn cause_chain(error: &DirectoryError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

needs_slapd! {
    fn starttls_needs_the_ca_from_ca_file() {
        let slapd = slapd();
        let with_ca = LdapSource::new(settings(&slapd), Mode::Production).expect("build");
        with_ca.check().expect("StartTLS with the test CA");
        assert_eq!(account(&with_ca, ADA.mail).locator, ADA.dn);

        // The system's roots do not know the test CA: a clear failure, not an outage.
        let without = LdapSource::new(LdapSettings { ca_file: None, ..settings(&slapd) }, Mode::Production)
            .expect("build");
        let error = without.check().expect_err("the certificate is refused");
        assert!(matches!(error, DirectoryError::Failed(_)), "{error:?}");
        let text = cause_chain(&error);
        assert!(text.contains("TLS") && text.contains("ca_file"), "{text}");
    }
}

needs_slapd! {
    fn ldaps_works() {
        let slapd = slapd();
        let settings = LdapSettings { url: slapd.ldaps_url(), ..settings(&slapd) };
        let source = LdapSource::new(settings, Mode::Production).expect("build");
        source.check().expect("ldaps with the test CA");
        assert_eq!(account(&source, ADA.mail).locator, ADA.dn);
    }
}

needs_slapd! {
    fn development_may_use_plain_ldap() {
        let slapd = slapd();
        let settings = LdapSettings { starttls: false, ca_file: None, ..settings(&slapd) };
        let source = LdapSource::new(settings, Mode::Development).expect("build");
        assert_eq!(account(&source, ADA.mail).locator, ADA.dn);
    }
}

needs_slapd! {
    fn a_wrong_service_password_is_a_failure_not_an_outage() {
        let slapd = slapd();
        let settings = LdapSettings {
            bind_password: lifeline::SecretString::new("wrong"),
            ..settings(&slapd)
        };
        let source = LdapSource::new(settings, Mode::Production).expect("build");
        let error = source.check().expect_err("refused");
        assert!(matches!(error, DirectoryError::Failed(_)), "{error:?}");
        assert!(cause_chain(&error).contains("bind_password"));
    }
}
