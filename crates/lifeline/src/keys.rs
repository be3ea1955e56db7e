//! Key material: the token key ring and the session cookie key, from the
//! configuration or, in development only, generated once and kept on disk.

use std::io::Write;
use std::path::Path;

use actix_web::cookie::Key;
use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use token_core::{KeyRing, OsRandom, SigningKey};
use zeroize::Zeroizing;

use crate::config::{KeySettings, Mode, SecretString};

/// The keys the server runs with.
pub struct Keys {
    /// Signs and verifies tokens.
    pub ring: KeyRing,
    /// Encrypts and signs the session cookie.
    pub session: Key,
}

/// Loads the configured keys; in development, missing keys are generated into
/// `dev_keys_file` (mode 0600) and reused on the next start.
pub fn load(settings: &KeySettings, mode: Mode) -> anyhow::Result<Keys> {
    let (token, session) = match (&settings.token, &settings.session) {
        (Some(token), Some(session)) => (token.clone(), session.clone()),
        _ if mode == Mode::Production => bail!("keys.token and keys.session are required"),
        _ => dev_keys(Path::new(&settings.dev_keys_file))?,
    };
    Ok(Keys {
        ring: parse_ring(token.expose_secret())?,
        session: parse_session(session.expose_secret())?,
    })
}

/// Parses `id:base64url` pairs, newest (signing) first.
pub fn parse_ring(text: &str) -> anyhow::Result<KeyRing> {
    let mut pairs = text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (id, key) = pair
                .split_once(':')
                .context("a token key must look like `id:base64url`")?;
            let id: u8 = id
                .parse()
                .context("a token key id must be a number from 0 to 255")?;
            let key = SigningKey::from_base64url(key)
                .map_err(|_| anyhow::anyhow!("token key {id} is not 32 bytes of base64url"))?;
            Ok::<_, anyhow::Error>((id, key))
        });
    let (id, key) = pairs.next().context("keys.token holds no key")??;
    let mut ring = KeyRing::new(id, key);
    for pair in pairs {
        let (id, key) = pair?;
        ring = ring
            .with_key(id, key)
            .map_err(|e| anyhow::anyhow!("token key {id}: {e}"))?;
    }
    Ok(ring)
}

/// Parses the 64-byte session key.
pub fn parse_session(text: &str) -> anyhow::Result<Key> {
    let bytes = Zeroizing::new(
        URL_SAFE_NO_PAD
            .decode(text.trim())
            .context("keys.session is not base64url")?,
    );
    if bytes.len() != 64 {
        bail!("keys.session must be 64 bytes, base64url encoded");
    }
    Ok(Key::from(&bytes))
}

/// New key material, formatted for the configuration: `(token, session)`.
pub fn generate(id: u8) -> anyhow::Result<(Zeroizing<String>, Zeroizing<String>)> {
    let key = SigningKey::generate(&mut OsRandom).map_err(|e| anyhow::anyhow!("{e}"))?;
    let token = Zeroizing::new(format!("{id}:{}", key.expose_base64url().as_str()));
    let mut session = Zeroizing::new([0u8; 64]);
    getrandom::fill(session.as_mut())
        .map_err(|e| anyhow::anyhow!("OS random source failed: {e}"))?;
    Ok((
        token,
        Zeroizing::new(URL_SAFE_NO_PAD.encode(session.as_ref())),
    ))
}

#[derive(serde::Deserialize)]
struct DevKeys {
    token: SecretString,
    session: SecretString,
}

fn dev_keys(path: &Path) -> anyhow::Result<(SecretString, SecretString)> {
    if !path.exists() {
        let (token, session) = generate(1)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("Failed to create {}", dir.display()))?;
        }
        write_private(
            path,
            &format!(
                "token = \"{}\"\nsession = \"{}\"\n",
                token.as_str(),
                session.as_str()
            ),
        )?;
        tracing::warn!(path = %path.display(), "generated development keys; set keys.token and keys.session for production");
    }
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .with_context(|| format!("Failed to read {}", path.display()))?,
    );
    let keys: DevKeys =
        toml_from_str(&text).with_context(|| format!("Failed to parse {}", path.display()))?;
    Ok((keys.token, keys.session))
}

fn toml_from_str(text: &str) -> anyhow::Result<DevKeys> {
    use figment::providers::{Format, Toml};
    Ok(figment::Figment::from(Toml::string(text)).extract()?)
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("Failed to create {}", path.display()))?;
    file.write_all(contents.as_bytes())
        .with_context(|| format!("Failed to write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_keys_are_generated_once_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/dev-keys.toml");
        let settings = KeySettings {
            token: None,
            session: None,
            dev_keys_file: path.to_string_lossy().into(),
        };
        load(&settings, Mode::Development).unwrap();
        let first = std::fs::read_to_string(&path).unwrap();
        load(&settings, Mode::Development).unwrap();
        assert_eq!(
            first,
            std::fs::read_to_string(&path).unwrap(),
            "keys must be reused"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }

    #[test]
    fn production_refuses_to_generate_keys() {
        let settings = KeySettings {
            token: None,
            session: None,
            dev_keys_file: "unused".into(),
        };
        assert!(load(&settings, Mode::Production).is_err());
    }

    #[test]
    fn a_generated_pair_parses_back() {
        let (token, session) = generate(7).unwrap();
        let ring = parse_ring(&token).unwrap();
        assert_eq!(ring.signing_key_id(), 7);
        parse_session(&session).unwrap();
    }

    #[test]
    fn malformed_keys_are_refused() {
        assert!(parse_ring("").is_err());
        assert!(parse_ring("x:abc").is_err());
        assert!(parse_ring("1:tooshort").is_err());
        assert!(parse_session("AAAA").is_err());
    }
}
