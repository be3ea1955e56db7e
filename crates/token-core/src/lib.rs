//! Lifeline's tokens: mint, parse and verify the single-use links of password reset,
//! magic sign-in and "this wasn't me".
//!
//! A token is a purpose prefix followed by the canonical base64url (no padding) of a fixed
//! 58-byte body, [`TOKEN_LEN`] = 82 characters in all:
//!
//! ```text
//! text  = prefix ‖ base64url(body)           prefix: lr1_ reset, lm1_ magic link, ln1_ not me,
//!                                                     lc1_ not me (password changed)
//! body  = version ‖ key_id ‖ user_id ‖ auth_epoch ‖ expires_at ‖ secret ‖ mac
//!         1 B       1 B      8 B i64   8 B i64      8 B i64      16 B     16 B  (big-endian)
//! out   = BLAKE3-keyed(MAC subkey of key_id and purpose, prefix ‖ body[..42]), 64 XOF bytes
//! mac   = out[0..16]          lookup hash = out[32..64]
//! ```
//!
//! The server checks a token entirely in memory, in constant time where it matters, before
//! touching the database; the database keeps only the keyed [`LookupHash`]. Tag and lookup
//! hash are disjoint output bytes of one keyed BLAKE3 evaluation (one compression), which
//! is as safe as two separate keys because keyed BLAKE3 is a PRF: storing some of its
//! output bytes reveals nothing about the others. Subkeys come from each master key through
//! `blake3::derive_key` with fixed context strings (`"lifeline 2026-11 token mac v1 <purpose
//! code>"`), so the purpose is bound three times: prefix, subkey and MAC input.
//!
//! This crate does no I/O: the random source ([`RandomSource`]) and the time (`now`, see
//! [`Clock`]) are passed in, so tests are deterministic.
//!
//! [`SecretString`] is the one wrapper of every other secret the workspace handles (keys and
//! passwords from configuration, a typed password): redacted, wiped on drop, never
//! serialised. Feature `serde` lets it be deserialised from settings.
//!
//! ```
//! use token_core::{
//!     mint, verify, KeyRing, OsRandom, Purpose, SigningKey, TokenClaims,
//!     DEFAULT_RESET_LIFETIME,
//! };
//!
//! let ring = KeyRing::new(1, SigningKey::generate(&mut OsRandom)?);
//! let now = 1_800_000_000;
//! let claims = TokenClaims::expiring_in(42, 7, now, DEFAULT_RESET_LIFETIME);
//!
//! // Mint: the text goes into the email, the lookup hash into the database.
//! let minted = mint(&ring, Purpose::PasswordReset, claims, &mut OsRandom)?;
//!
//! // Verify when the link comes back: MAC and expiry here, epoch against the user's row.
//! let verified = verify(&ring, Purpose::PasswordReset, minted.token.expose_secret(), now + 60)?;
//! assert_eq!(verified.claims.user_id, 42);
//! assert_eq!(verified.lookup, minted.lookup);
//! verified.check_epoch(7)?;
//!
//! // The same text is refused for another purpose, and after it expires.
//! assert!(verify(&ring, Purpose::MagicLink, minted.token.expose_secret(), now).is_err());
//! assert!(verify(&ring, Purpose::PasswordReset, minted.token.expose_secret(), now + 1800).is_err());
//! # Ok::<(), token_core::TokenError>(())
//! ```
//!
//! Secret types ([`SigningKey`], [`TokenString`]) are zeroized on drop, print `***` in
//! `Debug`, and are neither `Clone` nor `Serialize` (this crate does not depend on serde);
//! their contents leave only through `expose_…` methods.
#![forbid(unsafe_code)]

mod claims;
mod clock;
mod error;
mod fingerprint;
mod format;
mod key_ring;
mod keys;
mod lifetime;
mod lookup;
mod purpose;
mod random;
mod secret;
mod secret_string;
#[cfg(test)]
mod testing;
mod token;

pub use claims::TokenClaims;
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::TokenError;
pub use fingerprint::fingerprint;
pub use format::{MAC_LEN, SECRET_LEN, TOKEN_LEN};
pub use key_ring::{KeyId, KeyRing};
pub use keys::{KEY_LEN, SigningKey};
pub use lifetime::{
    DEFAULT_MAGIC_LINK_LIFETIME, DEFAULT_NOT_ME_LIFETIME, DEFAULT_RESET_LIFETIME, Lifetime,
    MAX_LIFETIME, MIN_LIFETIME,
};
pub use lookup::{LOOKUP_HASH_LEN, LookupHash};
pub use purpose::{PREFIX_LEN, Purpose};
pub use random::{OsRandom, RandomSource};
pub use secret::TokenString;
pub use secret_string::SecretString;
#[cfg(feature = "serde")]
pub use secret_string::serialize_redacted;
pub use token::{MintedToken, UntrustedToken, VerifiedToken, mint, verify};
