//! Building sources for a test server.

use directory_ldap::testing::{BASE_DN, SERVICE_DN, SERVICE_PASSWORD, Slapd};
use directory_ldap::{Flavor, LdapSettings, LdapSource};
use lifeline::{EmailAddress, ExternalAccount, Mode, Password, SecretString};

/// A fresh server.
pub fn slapd() -> Slapd {
    Slapd::start().expect("start slapd (apt-get install slapd ldap-utils)")
}

/// Settings for `slapd`: StartTLS with its CA file.
pub fn settings(slapd: &Slapd) -> LdapSettings {
    LdapSettings {
        url: slapd.url(),
        bind_dn: SERVICE_DN.into(),
        bind_password: SecretString::new(SERVICE_PASSWORD),
        base_dn: BASE_DN.into(),
        user_filter: None,
        ca_file: Some(slapd.ca_file()),
        flavor: Flavor::OpenLdap,
        starttls: true,
        timeout_ms: 3_000,
        pool_size: 2,
    }
}

/// A production source for `slapd`.
pub fn source(slapd: &Slapd) -> LdapSource {
    LdapSource::new(settings(slapd), Mode::Production).expect("build the source")
}

/// The account with this address, which must exist.
pub fn account(source: &LdapSource, mail: &str) -> ExternalAccount {
    use lifeline::AccountSource;
    let email = EmailAddress::parse(mail).expect("a valid address");
    source
        .find_by_email(&email)
        .expect("search")
        .expect("the account exists")
}

/// A password.
pub fn password(text: &str) -> Password {
    Password::new(text.into())
}

/// Why a test that needs slapd does not run.
#[macro_export]
macro_rules! needs_slapd {
    ($(#[$meta:meta])* fn $name:ident() $body:block) => {
        $(#[$meta])*
        #[test]
        #[cfg_attr(
            ldap_tests_not_installed,
            ignore = "slapd is not installed (apt-get install slapd ldap-utils); \
                      LIFELINE_REQUIRE_LDAP=1 makes this a failure"
        )]
        fn $name() $body
    };
}
