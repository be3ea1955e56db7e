//! The search filters: an address put into `user_filter` (escaped per RFC 4515, so it is
//! always a value and never a pattern), and the filter for a stable id.

use crate::settings::{EMAIL_PLACEHOLDER, Flavor};

/// An address that cannot be looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FilterRefusal {
    /// Empty.
    #[error("the address is empty")]
    Empty,
    /// Contains a NUL, which slapd cuts the value at (so `a@b\0x` would match `a@b`).
    #[error("the address contains a NUL character")]
    Nul,
}

/// `template` with every `{email}` replaced by `email`, escaped (`\`, `*`, `(`, `)`, NUL
/// become `\5c`, `\2a`, `\28`, `\29`, `\00`).
pub fn email_filter(template: &str, email: &str) -> Result<String, FilterRefusal> {
    if email.is_empty() {
        return Err(FilterRefusal::Empty);
    }
    if email.contains('\0') {
        return Err(FilterRefusal::Nul);
    }
    Ok(template.replace(EMAIL_PLACEHOLDER, &ldap3::ldap_escape(email)))
}

/// The filter for the entry whose stable id is `id`, `None` when `id` is not one this
/// flavor makes (an `entryUUID` in its text form, an `objectGUID` as 32 hex digits).
pub fn id_filter(flavor: Flavor, id: &str) -> Option<String> {
    match flavor {
        Flavor::OpenLdap => is_uuid(id).then(|| format!("(entryUUID={})", id.to_ascii_lowercase())),
        Flavor::ActiveDirectory => {
            if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            // The GUID's bytes in the order the server stores them, each escaped as `\xx`.
            let mut filter = String::from("(objectGUID=");
            for pair in id.as_bytes().chunks(2) {
                filter.push('\\');
                filter.push(char::from(pair[0].to_ascii_lowercase()));
                filter.push(char::from(pair[1].to_ascii_lowercase()));
            }
            filter.push(')');
            Some(filter)
        }
    }
}

/// `8-4-4-4-12` hex digits.
fn is_uuid(id: &str) -> bool {
    id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::OPENLDAP_USER_FILTER;

    #[test]
    fn addresses_are_escaped_values() {
        let cases = [
            (
                "ada@example.org",
                "(&(objectClass=inetOrgPerson)(mail=ada@example.org))",
            ),
            ("*", "(&(objectClass=inetOrgPerson)(mail=\\2a))"),
            (
                ")(mail=*",
                "(&(objectClass=inetOrgPerson)(mail=\\29\\28mail=\\2a))",
            ),
            ("\\00", "(&(objectClass=inetOrgPerson)(mail=\\5c00))"),
        ];
        for (email, expected) in cases {
            assert_eq!(
                email_filter(OPENLDAP_USER_FILTER, email).as_deref(),
                Ok(expected)
            );
        }
    }

    #[test]
    fn nul_and_empty_addresses_are_refused() {
        assert_eq!(
            email_filter(OPENLDAP_USER_FILTER, "ada@example.org\0"),
            Err(FilterRefusal::Nul)
        );
        assert_eq!(
            email_filter(OPENLDAP_USER_FILTER, ""),
            Err(FilterRefusal::Empty)
        );
    }

    #[test]
    fn ids_must_have_their_flavors_shape() {
        let uuid = "6537ac16-8485-1041-9209-a930f7a15e4b";
        assert_eq!(
            id_filter(Flavor::OpenLdap, uuid),
            Some(format!("(entryUUID={uuid})"))
        );
        assert_eq!(id_filter(Flavor::OpenLdap, "*"), None);
        assert_eq!(
            id_filter(Flavor::OpenLdap, "6537ac16-8485-1041-9209-a930f7a15e4)"),
            None
        );
        assert_eq!(
            id_filter(Flavor::ActiveDirectory, "00112233445566778899AABBCCDDEEFF"),
            Some(
                "(objectGUID=\\00\\11\\22\\33\\44\\55\\66\\77\\88\\99\\aa\\bb\\cc\\dd\\ee\\ff)"
                    .into()
            )
        );
        assert_eq!(id_filter(Flavor::ActiveDirectory, uuid), None);
    }
}
