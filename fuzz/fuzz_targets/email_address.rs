//! `storage::EmailAddress::parse` on arbitrary text.
//!
//! Properties checked for every input:
//! - parsing never panics, and every refusal is `StorageError::InvalidEmail` (the reason is
//!   shown to the person who typed the address, so it must not be some other error);
//! - `storage::mask`, which also runs on stored addresses, never panics.
//!
//! And for every accepted address, in both its normalised and its display form:
//! - at most 254 octets, ASCII only, exactly one `@`, no CR, LF, NUL, other control
//!   character or whitespace (the address goes into mail headers);
//! - the normalised form is the display form in lowercase, and the display form is the
//!   trimmed input up to ASCII case;
//! - parsing either form again gives the same address (parsing is idempotent), so what is
//!   stored can always be read back;
//! - the masked form keeps only the first character of the local part.
#![no_main]

use libfuzzer_sys::fuzz_target;
use storage::{EmailAddress, MAX_EMAIL_LEN, StorageError, mask};

/// A few times the longest address: longer inputs only test `TooLong`, which is already
/// reached from here, and the form body is limited anyway.
const MAX_INPUT_LEN: usize = 4 * MAX_EMAIL_LEN;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT_LEN {
        return;
    }
    check(&String::from_utf8_lossy(data));
    if let Ok(text) = std::str::from_utf8(data) {
        check(text);
    }
});

fn check(input: &str) {
    let _ = mask(input);
    match EmailAddress::parse(input) {
        Ok(address) => check_accepted(input, &address),
        Err(StorageError::InvalidEmail(reason)) => {
            assert!(!reason.to_string().is_empty());
        }
        Err(other) => panic!("parse returned a non-email error: {other}"),
    }
}

fn check_accepted(input: &str, address: &EmailAddress) {
    for form in [address.as_str(), address.display()] {
        assert!(
            form.len() <= MAX_EMAIL_LEN,
            "accepted {} octets",
            form.len()
        );
        assert!(form.is_ascii(), "accepted non-ASCII: {form:?}");
        assert!(
            !form
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '\r' | '\n' | '\0')),
            "accepted a control character or whitespace: {form:?}"
        );
        assert_eq!(form.matches('@').count(), 1, "not exactly one @: {form:?}");
        match EmailAddress::parse(form) {
            Ok(again) => assert_eq!(again.as_str(), address.as_str(), "re-parse changed it"),
            Err(error) => panic!("an accepted address does not parse again: {form:?}: {error}"),
        }
    }
    match EmailAddress::parse(address.display()) {
        Ok(again) => assert_eq!(&again, address, "re-parsing the display form changed it"),
        Err(error) => panic!("the display form does not parse again: {error}"),
    }
    assert_eq!(address.as_str(), address.display().to_ascii_lowercase());
    assert!(address.display().eq_ignore_ascii_case(input.trim()));
    if let Some((local, domain)) = address.display().split_once('@') {
        assert_eq!(address.masked(), format!("{}***@{domain}", &local[..1]));
    }
}
