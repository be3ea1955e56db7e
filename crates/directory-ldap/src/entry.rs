//! An entry as a search returned it, read into an [`ExternalAccount`]: its stable id
//! (`entryUUID`, or `objectGUID` as lowercase hex), its mail address, and whether Active
//! Directory disabled it.

use ldap3::SearchEntry;
use lifeline::ExternalAccount;

use crate::failure::LdapFailure;
use crate::settings::Flavor;

/// `userAccountControl`'s `ACCOUNTDISABLE` flag.
const ACCOUNT_DISABLE: u32 = 0x2;

/// The attributes a search asks for.
pub fn attributes(flavor: Flavor) -> &'static [&'static str] {
    match flavor {
        Flavor::OpenLdap => &["mail", "entryUUID"],
        Flavor::ActiveDirectory => &["mail", "objectGUID", "userAccountControl"],
    }
}

/// The values of `name` (compared ignoring case), whether `ldap3` filed them as text or
/// as bytes (it decides per value, by whether it happens to be UTF-8).
fn values<'a>(entry: &'a SearchEntry, name: &str) -> Vec<&'a [u8]> {
    let text = entry
        .attrs
        .iter()
        .filter(|(key, _)| key.eq_ignore_ascii_case(name))
        .flat_map(|(_, values)| values.iter().map(|value| value.as_bytes()));
    let binary = entry
        .bin_attrs
        .iter()
        .filter(|(key, _)| key.eq_ignore_ascii_case(name))
        .flat_map(|(_, values)| values.iter().map(Vec::as_slice));
    text.chain(binary).collect()
}

/// The entry as an account. `asked` is the address searched for: the entry must hold it
/// (ASCII case-insensitively), or it is not the account (slapd ignores what follows a NUL,
/// and a custom filter may match on something else). Without `asked`, the first address
/// is taken; an entry without one is no account (nothing could be mailed to it).
pub fn account(
    entry: &SearchEntry,
    flavor: Flavor,
    asked: Option<&str>,
) -> Result<Option<ExternalAccount>, LdapFailure> {
    let mails: Vec<&str> = values(entry, "mail")
        .into_iter()
        .filter_map(|value| std::str::from_utf8(value).ok())
        .collect();
    let email = match asked {
        Some(asked) => mails
            .into_iter()
            .find(|mail| mail.eq_ignore_ascii_case(asked)),
        None => mails.into_iter().next(),
    };
    let Some(email) = email else {
        tracing::debug!(dn = %entry.dn, "ldap entry matched the filter but not the address");
        return Ok(None);
    };
    let external_id = match flavor {
        Flavor::OpenLdap => values(entry, "entryUUID")
            .first()
            .and_then(|value| std::str::from_utf8(value).ok())
            .map(str::to_ascii_lowercase),
        Flavor::ActiveDirectory => values(entry, "objectGUID")
            .first()
            .filter(|value| value.len() == 16)
            .map(|value| value.iter().map(|b| format!("{b:02x}")).collect()),
    };
    let Some(external_id) = external_id else {
        return Err(LdapFailure::failed(format!(
            "entry {:?} has no {}: the stable id Lifeline keys its state by",
            entry.dn,
            match flavor {
                Flavor::OpenLdap => "entryUUID",
                Flavor::ActiveDirectory => "16-byte objectGUID",
            }
        )));
    };
    let enabled = match flavor {
        Flavor::OpenLdap => true,
        Flavor::ActiveDirectory => values(entry, "userAccountControl")
            .first()
            .and_then(|value| std::str::from_utf8(value).ok())
            .and_then(|value| value.trim().parse::<u32>().ok())
            .is_none_or(|flags| flags & ACCOUNT_DISABLE == 0),
    };
    Ok(Some(ExternalAccount {
        external_id,
        locator: entry.dn.clone(),
        email: email.to_owned(),
        enabled,
    }))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn entry(attrs: &[(&str, &str)], bin: &[(&str, Vec<u8>)]) -> SearchEntry {
        let mut text: HashMap<String, Vec<String>> = HashMap::new();
        for (key, value) in attrs {
            text.entry((*key).into()).or_default().push((*value).into());
        }
        let mut binary: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
        for (key, value) in bin {
            binary.entry((*key).into()).or_default().push(value.clone());
        }
        SearchEntry {
            dn: "uid=ada,ou=people,dc=example,dc=org".into(),
            attrs: text,
            bin_attrs: binary,
        }
    }

    #[test]
    fn the_address_must_be_the_one_asked_for() {
        let found = entry(
            &[
                ("mail", "Ada@Example.org"),
                ("entryUUID", "6536939E-8485-1041-9208-A930F7A15E4B"),
            ],
            &[],
        );
        let account = account(&found, Flavor::OpenLdap, Some("ada@example.org"));
        let account = account.ok().flatten();
        assert_eq!(
            account
                .as_ref()
                .map(|a| (a.external_id.as_str(), a.email.as_str(), a.enabled)),
            Some((
                "6536939e-8485-1041-9208-a930f7a15e4b",
                "Ada@Example.org",
                true
            ))
        );
        let other = super::account(&found, Flavor::OpenLdap, Some("ada@example.org.evil"));
        assert!(matches!(other, Ok(None)));
    }

    #[test]
    fn an_entry_without_its_stable_id_is_a_failure() {
        let found = entry(&[("mail", "ada@example.org")], &[]);
        assert!(account(&found, Flavor::OpenLdap, Some("ada@example.org")).is_err());
    }

    #[test]
    fn active_directory_guids_are_hex_from_either_map_and_disabled_entries_say_so() {
        let guid: Vec<u8> = (0u8..16).map(|b| b * 17).collect();
        let found = entry(
            &[("mail", "ada@example.org"), ("userAccountControl", "514")],
            &[("objectGUID", guid)],
        );
        let account = account(&found, Flavor::ActiveDirectory, Some("ada@example.org"));
        let account = account.ok().flatten();
        assert_eq!(
            account
                .as_ref()
                .map(|a| (a.external_id.as_str(), a.enabled)),
            Some(("00112233445566778899aabbccddeeff", false))
        );
        // A GUID whose bytes happen to be UTF-8 lands in `attrs`.
        let found = entry(
            &[
                ("mail", "ada@example.org"),
                ("objectGUID", "abcdefghijklmnop"),
                ("userAccountControl", "512"),
            ],
            &[],
        );
        let account = super::account(&found, Flavor::ActiveDirectory, None)
            .ok()
            .flatten();
        assert_eq!(
            account
                .as_ref()
                .map(|a| (a.external_id.as_str(), a.enabled)),
            Some(("6162636465666768696a6b6c6d6e6f70", true))
        );
    }
}
