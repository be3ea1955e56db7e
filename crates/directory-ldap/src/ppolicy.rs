//! The password policy controls (draft-behera-ldap-password-policy, OID
//! `1.3.6.1.4.1.42.2.27.8.5.1`): the request control that asks OpenLDAP's ppolicy overlay to
//! say why it refused a password, and the decoding of its answer, which `ldap3` does not
//! parse.

use ldap3::LdapResult;
use ldap3::controls::RawControl;
use lifeline::PasswordRefusal;

/// The control's OID.
pub const OID: &str = "1.3.6.1.4.1.42.2.27.8.5.1";

/// The request control: no value, not critical (a server without the overlay ignores it).
pub fn request_control() -> RawControl {
    RawControl {
        ctype: OID.into(),
        crit: false,
        val: None,
    }
}

/// The `error` of the response control in `result`, if the server sent one:
/// `SEQUENCE { warning [0] … OPTIONAL, error [1] ENUMERATED OPTIONAL }`.
pub fn response_error(result: &LdapResult) -> Option<u8> {
    let control = result.ctrls.iter().find(|control| control.1.ctype == OID)?;
    decode_error(control.1.val.as_deref()?)
}

/// The error code in the control's BER value (tag `0x81`, one byte).
fn decode_error(value: &[u8]) -> Option<u8> {
    let (tag, body, _) = element(value)?;
    if tag != 0x30 {
        return None;
    }
    let mut rest = body;
    while !rest.is_empty() {
        let (tag, content, after) = element(rest)?;
        if tag == 0x81 {
            return match content {
                [code] => Some(*code),
                _ => None,
            };
        }
        rest = after;
    }
    None
}

/// One BER element: its tag, its content and what follows it.
fn element(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 2 || rest.len() < count {
            return None;
        }
        let (len_bytes, rest) = rest.split_at(count);
        (
            len_bytes
                .iter()
                .fold(0usize, |len, &b| (len << 8) | usize::from(b)),
            rest,
        )
    };
    if rest.len() < len {
        return None;
    }
    let (content, after) = rest.split_at(len);
    Some((tag, content, after))
}

/// The refusal a person is told about, from the control's error code.
pub fn refusal(code: Option<u8>) -> PasswordRefusal {
    match code {
        Some(6) => PasswordRefusal::TooShort,
        Some(5) => PasswordRefusal::TooWeak,
        Some(8) => PasswordRefusal::RecentlyUsed,
        Some(7) => PasswordRefusal::TooSoon,
        Some(3 | 4) => PasswordRefusal::NotAllowed,
        _ => PasswordRefusal::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_error_as_slapd_sends_it() {
        // `MAOBAQY=`: too short.
        assert_eq!(decode_error(&[0x30, 0x03, 0x81, 0x01, 0x06]), Some(6));
        // A warning (graceAuthNsRemaining 2) before the error.
        assert_eq!(
            decode_error(&[0x30, 0x08, 0xa0, 0x03, 0x81, 0x01, 0x02, 0x81, 0x01, 0x08]),
            Some(8)
        );
        assert_eq!(decode_error(&[0x30, 0x00]), None);
        assert_eq!(decode_error(&[0x30, 0x05, 0x81, 0x01]), None);
        assert_eq!(decode_error(&[]), None);
    }

    #[test]
    fn maps_codes_to_refusals() {
        assert_eq!(refusal(Some(6)), PasswordRefusal::TooShort);
        assert_eq!(refusal(Some(5)), PasswordRefusal::TooWeak);
        assert_eq!(refusal(Some(8)), PasswordRefusal::RecentlyUsed);
        assert_eq!(refusal(Some(7)), PasswordRefusal::TooSoon);
        assert_eq!(refusal(Some(4)), PasswordRefusal::NotAllowed);
        assert_eq!(refusal(Some(3)), PasswordRefusal::NotAllowed);
        assert_eq!(refusal(Some(9)), PasswordRefusal::Other);
        assert_eq!(refusal(None), PasswordRefusal::Other);
    }
}
