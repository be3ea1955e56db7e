//! A server that stops: every call is `Unavailable` (503) while it is down, and the same
//! source works again once it is back.

use directory_ldap::testing::ADA;
use lifeline::{AccountSource, DirectoryError, EmailAddress, PasswordChange, SetPasswordError};

use crate::needs_slapd;
use crate::support::{account, password, slapd, source};

needs_slapd! {
    fn a_stopped_server_is_unavailable_and_its_return_is_noticed() {
        let mut slapd = slapd();
        let source = source(&slapd);
        let ada = account(&source, ADA.mail);
        assert!(source.verify_password(Some(&ada), &password(ADA.password)).expect("bind"));

        slapd.stop();
        let email = EmailAddress::parse(ADA.mail).expect("address");
        let found = source.find_by_email(&email);
        assert!(matches!(found, Err(DirectoryError::Unavailable(_))), "{found:?}");
        let verified = source.verify_password(Some(&ada), &password(ADA.password));
        assert!(matches!(verified, Err(DirectoryError::Unavailable(_))), "{verified:?}");
        // An unknown address costs a bind too (of a DN that names no entry), so it needs
        // the server like a known one; an empty password is wrong without asking it.
        let unknown = source.verify_password(None, &password(ADA.password));
        assert!(matches!(unknown, Err(DirectoryError::Unavailable(_))), "{unknown:?}");
        assert!(!source.verify_password(Some(&ada), &password("")).expect("no bind"));
        let set = source.set_password(&ada, &password("a long new password"), PasswordChange::Reset);
        assert!(
            matches!(set, Err(SetPasswordError::Directory(DirectoryError::Unavailable(_)))),
            "{set:?}"
        );
        assert!(matches!(source.check(), Err(DirectoryError::Unavailable(_))));

        slapd.restart().expect("restart");
        assert_eq!(account(&source, ADA.mail).external_id, ada.external_id);
        assert!(source.verify_password(Some(&ada), &password(ADA.password)).expect("bind"));
        source.check().expect("check");
    }
}
