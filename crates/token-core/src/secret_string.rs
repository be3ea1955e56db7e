//! A secret string from configuration or a request: the one wrapper every crate uses.

use zeroize::Zeroizing;

/// A string that must not leak: a database URL with its password, a key, an SMTP password.
///
/// `Debug` prints `***`, there is no `Display`, `AsRef<str>` or `Serialize`, and the memory
/// is wiped on drop. Read it with [`SecretString::expose_secret`] exactly where it is used,
/// so every place a secret leaves its wrapper is easy to find. Unlike
/// [`TokenString`](crate::TokenString) it is `Clone`, because settings are copied into the
/// parts that use them. Equality is compared in constant time (for a given length).
///
/// With the `serde` feature it deserialises from a plain string (and still never serialises).
///
/// ```
/// use token_core::SecretString;
///
/// let password = SecretString::new("hunter2");
/// assert_eq!(password.expose_secret(), "hunter2");
/// assert_eq!(format!("{password:?}"), "***");
/// ```
#[derive(Clone)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// What a secret looks like wherever it is printed: in `Debug`, in logged URLs, and in
    /// printed settings (see [`serialize_redacted`]). Settings refuse it as a secret's value,
    /// so printed settings pasted back into a file stop start-up instead of running with
    /// `***` as a password.
    pub const REDACTED: &'static str = "***";

    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The secret itself; call only where it is used.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(Self::REDACTED)
    }
}

impl PartialEq for SecretString {
    fn eq(&self, other: &Self) -> bool {
        // Constant time, so comparing settings never hints at a secret's content.
        constant_time_eq::constant_time_eq(self.0.as_bytes(), other.0.as_bytes())
    }
}

impl Eq for SecretString {}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

/// Serialises a secret, or an optional one, as [`SecretString::REDACTED`] and never as
/// itself: for `#[serde(serialize_with = "token_core::serialize_redacted")]` on a secret field
/// of a settings struct that is printed (skip `None` with `skip_serializing_if`).
#[cfg(feature = "serde")]
pub fn serialize_redacted<T: ?Sized, S: serde::Serializer>(
    _secret: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(SecretString::REDACTED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        // Arrange
        let secret = SecretString::new("hunter2-very-secret");

        // Act
        let debug = format!("{secret:?}");
        let nested = format!("{:?}", Some(&secret));

        // Assert
        assert_eq!(debug, "***");
        assert!(!nested.contains("hunter2"));
        assert_eq!(secret.expose_secret(), "hunter2-very-secret");
    }

    #[test]
    fn equal_secrets_compare_equal_and_different_ones_do_not() {
        assert_eq!(SecretString::new("a"), SecretString::new(String::from("a")));
        assert_ne!(SecretString::new("a"), SecretString::new("b"));
        assert_ne!(SecretString::new("a"), SecretString::new("ab"));
    }

    #[test]
    fn clones_are_independent_copies() {
        // Arrange
        let original = SecretString::new("s3cret");

        // Act
        let copy = original.clone();
        drop(original);

        // Assert: the copy survives the original's wipe.
        assert_eq!(copy.expose_secret(), "s3cret");
    }
}
