//! Finding entries: by address (case-insensitively, never as a pattern) and by stable id.

use directory_ldap::testing::{ADA, GRACE, PEOPLE};
use lifeline::{AccountSource, DirectoryError, EmailAddress};

use crate::needs_slapd;
use crate::support::{account, password, slapd, source};

needs_slapd! {
    fn finds_people_by_mail_ignoring_case() {
        let slapd = slapd();
        let source = source(&slapd);
        source.check().expect("the service account binds and reads the base");

        let ada = account(&source, "ADA@Example.ORG");
        assert_eq!(ada.locator, ADA.dn);
        assert_eq!(ada.email, ADA.mail);
        assert_eq!(ada.external_id, slapd.entry_uuid(ADA.dn).expect("entryUUID"));
        assert!(ada.enabled);

        let grace = account(&source, "grace.hopper@example.org");
        assert_eq!(grace.locator, GRACE.dn);
        assert_eq!(grace.email, GRACE.mail);

        let nobody = EmailAddress::parse("nobody@example.org").expect("address");
        assert_eq!(source.find_by_email(&nobody).expect("search"), None);
    }
}

needs_slapd! {
    fn injection_strings_find_nothing() {
        let slapd = slapd();
        let source = source(&slapd);
        let attempts = [
            "*",
            ")(",
            "\\00",
            ")(mail=*",
            "*)(|(mail=*",
            "ada@example.org)(mail=*",
            "*@example.org",
            "ada@example.org\0",
            "ada@example.org\0*",
            "\\2a",
        ];
        for attempt in attempts {
            if let Some(filter) = source.filter_for(attempt) {
                // Every special character of the address is escaped: the value part of the
                // filter has no `*`, `(`, `)` or NUL left.
                let value = filter
                    .strip_prefix("(&(objectClass=inetOrgPerson)(mail=")
                    .and_then(|rest| rest.strip_suffix("))"))
                    .expect("the default filter around the value");
                assert!(!value.contains(['*', '(', ')', '\0']), "{attempt:?} gave {filter:?}");
            } else {
                assert!(attempt.contains('\0'), "{attempt:?} refused");
            }
            assert_eq!(source.find_by_mail(attempt).expect("search"), None, "{attempt:?}");
        }
        // The one special character an `EmailAddress` may hold.
        let star = EmailAddress::parse("*@example.org").expect("`*` is atext");
        assert_eq!(source.find_by_email(&star).expect("search"), None);
    }
}

needs_slapd! {
    fn an_address_on_two_entries_is_a_failure() {
        let slapd = slapd();
        slapd
            .modify(&format!(
                "dn: uid=ada2,{PEOPLE}\nchangetype: add\nobjectClass: inetOrgPerson\nuid: ada2\n\
                 cn: ada2\nsn: ada2\nmail: ADA@example.org\n"
            ))
            .expect("add a second entry");
        let source = source(&slapd);
        let email = EmailAddress::parse(ADA.mail).expect("address");
        assert!(matches!(source.find_by_email(&email), Err(DirectoryError::Failed(_))));
    }
}

needs_slapd! {
    fn the_stable_id_survives_a_rename() {
        let slapd = slapd();
        let source = source(&slapd);
        let before = account(&source, ADA.mail);
        slapd
            .modify(&format!(
                "dn: {}\nchangetype: modrdn\nnewrdn: uid=ada.lovelace\ndeleteoldrdn: 1\n",
                ADA.dn
            ))
            .expect("rename");

        let after = source
            .find_by_external_id(&before.external_id)
            .expect("search")
            .expect("still there");
        assert_eq!(after.external_id, before.external_id);
        assert_eq!(after.locator, format!("uid=ada.lovelace,{PEOPLE}"));
        assert_eq!(account(&source, ADA.mail).external_id, before.external_id);
        let right = password(ADA.password);
        assert!(source.verify_password(Some(&after), &right).expect("bind"));

        for unknown in ["00000000-0000-0000-0000-000000000000", "not-an-id", "*", ""] {
            assert_eq!(source.find_by_external_id(unknown).expect("search"), None, "{unknown:?}");
        }
    }
}
