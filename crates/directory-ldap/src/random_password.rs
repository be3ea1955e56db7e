//! Random values: the unguessable password that voids an entry's password, and the random
//! part of the decoy DN.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lifeline::SecretString;

/// 32 random bytes in base64url (43 characters), plus a digit, a symbol and letters of
/// both cases, so that a server's quality rules (length, character classes) accept it.
pub fn generate() -> Result<SecretString, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    let mut password = URL_SAFE_NO_PAD.encode(bytes);
    bytes.iter_mut().for_each(|b| *b = 0);
    password.push_str("7!aZ");
    Ok(SecretString::new(password))
}

/// 16 random hex digits.
pub fn hex_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_passwords_differ_and_mix_character_classes() -> Result<(), getrandom::Error> {
        let (a, b) = (generate()?, generate()?);
        assert_ne!(a.expose_secret(), b.expose_secret());
        let a = a.expose_secret();
        assert_eq!(a.len(), 47);
        assert!(a.bytes().any(|c| c.is_ascii_digit()));
        assert!(a.bytes().any(|c| !c.is_ascii_alphanumeric()));
        assert_ne!(hex_id()?, hex_id()?);
        Ok(())
    }
}
