//! `token_core::verify` on arbitrary text, against a fixed key ring, for every purpose.
//!
//! Properties checked:
//! - verification never panics and never succeeds: the fuzzer does not know the ring's keys,
//!   so an accepted input would be a forgery. The seed corpus holds well-formed tokens with
//!   the ring's key ids, minted under another key, so the fuzzer starts one MAC away;
//! - every refusal is a [`token_core::TokenError::is_rejection`], i.e. the server answers
//!   it with its one uniform "invalid or expired link" response;
//! - the purpose-independent parse (`UntrustedToken::parse` then `verify`) agrees.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use lifeline_fuzz::{NOW, verifying_ring};
use token_core::{KeyRing, Purpose, UntrustedToken, verify};

/// The server accepts nothing longer in a form or query; tokens are 82 bytes.
const MAX_INPUT_LEN: usize = 1024;

static RING: LazyLock<KeyRing> = LazyLock::new(verifying_ring);

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT_LEN {
        return;
    }
    check(&String::from_utf8_lossy(data));
    if let Ok(text) = std::str::from_utf8(data) {
        check(text);
    }
});

fn check(text: &str) {
    for now in [NOW, i64::MIN] {
        for purpose in Purpose::ALL {
            match verify(&RING, purpose, text, now) {
                Ok(verified) => panic!(
                    "forged {purpose} token accepted for user {} (key {})",
                    verified.claims.user_id, verified.key_id
                ),
                Err(error) => assert!(
                    error.is_rejection(),
                    "verify returned a non-rejection error: {error:?}"
                ),
            }
        }
        if let Ok(untrusted) = UntrustedToken::parse(text) {
            assert!(
                untrusted.verify(&RING, now).is_err(),
                "forged token accepted through UntrustedToken::verify"
            );
        }
    }
}
