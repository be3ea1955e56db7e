//! Checking, setting and voiding passwords, under the server's password policy.

use directory_ldap::testing::{ADA, GRACE};
use lifeline::{
    AccountSource, DirectoryError, ExternalAccount, PasswordChange, PasswordRefusal,
    SetPasswordError,
};

use crate::needs_slapd;
use crate::support::{account, password, slapd, source};

needs_slapd! {
    fn verify_answers_right_wrong_empty_and_unknown() {
        let slapd = slapd();
        let source = source(&slapd);
        let ada = account(&source, ADA.mail);
        let verify = |account: Option<&ExternalAccount>, text: &str| {
            source.verify_password(account, &password(text)).expect("bind")
        };
        assert!(verify(Some(&ada), ADA.password));
        assert!(!verify(Some(&ada), "not-her-password"));
        assert!(!verify(Some(&ada), ""));
        assert!(!verify(None, ADA.password));
        assert!(!verify(None, ""));
        // Someone else's password is wrong for her.
        assert!(!verify(Some(&ada), GRACE.password));
        // An entry the source reports disabled is treated as unknown.
        let disabled = ExternalAccount { enabled: false, ..ada.clone() };
        assert!(!verify(Some(&disabled), ADA.password));
    }
}

needs_slapd! {
    fn a_new_password_binds_and_the_old_one_does_not() {
        let slapd = slapd();
        let source = source(&slapd);
        let ada = account(&source, ADA.mail);
        let new = "correct horse battery staple";
        source
            .set_password(&ada, &password(new), PasswordChange::Reset)
            .expect("set");
        assert!(slapd.can_bind(ADA.dn, new).expect("ldapwhoami"));
        assert!(!slapd.can_bind(ADA.dn, ADA.password).expect("ldapwhoami"));
        assert!(source.verify_password(Some(&ada), &password(new)).expect("bind"));

        // A retried flow sets the same password again: not an error.
        source
            .set_password(&ada, &password(new), PasswordChange::Reset)
            .expect("set the same password again");

        // A change by the signed-in owner goes the same way.
        let current = password(new);
        let newer = "a different long passphrase";
        source
            .set_password(&ada, &password(newer), PasswordChange::Change { current: &current })
            .expect("change");
        assert!(slapd.can_bind(ADA.dn, newer).expect("ldapwhoami"));
    }
}

needs_slapd! {
    fn the_servers_policy_refuses_a_short_password_and_nothing_changes() {
        let slapd = slapd();
        let source = source(&slapd);
        let ada = account(&source, ADA.mail);
        let refused = source.set_password(&ada, &password("short1"), PasswordChange::Reset);
        assert!(
            matches!(refused, Err(SetPasswordError::Refused(PasswordRefusal::TooShort))),
            "{refused:?}"
        );
        assert!(slapd.can_bind(ADA.dn, ADA.password).expect("ldapwhoami"));
        assert!(!slapd.can_bind(ADA.dn, "short1").expect("ldapwhoami"));
    }
}

needs_slapd! {
    fn a_recent_password_is_refused_as_recently_used() {
        let slapd = slapd();
        let source = source(&slapd);
        let ada = account(&source, ADA.mail);
        let (first, second) = ("first long password", "second long password");
        for new in [first, second] {
            source.set_password(&ada, &password(new), PasswordChange::Reset).expect("set");
        }
        let refused = source.set_password(&ada, &password(first), PasswordChange::Reset);
        assert!(
            matches!(refused, Err(SetPasswordError::Refused(PasswordRefusal::RecentlyUsed))),
            "{refused:?}"
        );
        assert!(slapd.can_bind(ADA.dn, second).expect("ldapwhoami"));
    }
}

needs_slapd! {
    fn a_voided_password_no_longer_binds() {
        let slapd = slapd();
        let source = source(&slapd);
        let ada = account(&source, ADA.mail);
        source.void_password(&ada).expect("void");
        assert!(!slapd.can_bind(ADA.dn, ADA.password).expect("ldapwhoami"));
        assert!(!source.verify_password(Some(&ada), &password(ADA.password)).expect("bind"));
        // Grace is untouched.
        assert!(slapd.can_bind(GRACE.dn, GRACE.password).expect("ldapwhoami"));
    }
}

needs_slapd! {
    fn writing_to_an_entry_that_is_gone_says_so() {
        let slapd = slapd();
        let source = source(&slapd);
        let ada = account(&source, ADA.mail);
        slapd.modify(&format!("dn: {}\nchangetype: delete\n", ADA.dn)).expect("delete");
        let result = source.set_password(&ada, &password("a long enough password"), PasswordChange::Reset);
        assert!(
            matches!(result, Err(SetPasswordError::Directory(DirectoryError::NoSuchAccount))),
            "{result:?}"
        );
        assert_eq!(source.find_by_external_id(&ada.external_id).expect("search"), None);
    }
}
