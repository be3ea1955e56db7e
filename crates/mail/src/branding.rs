//! What makes the emails look like the operator's product.

use serde::Deserialize;

use crate::{MailError, SettingError};

/// Product name, support address, logo and colour, given to every template.
///
/// These values come from the operator's configuration, not from users, but they still pass
/// through autoescaping in HTML; the colour is also checked against a strict pattern because it
/// lands inside a `style` attribute, where escaping does not stop CSS injection.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branding {
    /// Shown in subjects, headings and the footer, e.g. `Acme`.
    pub product_name: String,
    /// Where users write for help; shown in every footer.
    pub support_email: String,
    /// An absolute `https://` URL of a logo about 32 pixels high; without it the name is shown.
    #[serde(default)]
    pub logo_url: Option<String>,
    /// A `#rgb` or `#rrggbb` colour for buttons and accents.
    #[serde(default = "default_brand_colour")]
    pub brand_colour: String,
}

/// The accent colour used when the operator sets none: an accessible blue (contrast 5.2:1 on white).
pub const DEFAULT_BRAND_COLOUR: &str = "#2563eb";

fn default_brand_colour() -> String {
    DEFAULT_BRAND_COLOUR.to_owned()
}

impl Branding {
    /// Branding with the default colour and no logo.
    pub fn new(product_name: impl Into<String>, support_email: impl Into<String>) -> Self {
        Self {
            product_name: product_name.into(),
            support_email: support_email.into(),
            logo_url: None,
            brand_colour: default_brand_colour(),
        }
    }

    /// Checks every field; called when the templates are built, so a bad value stops start-up.
    pub fn validate(&self) -> Result<(), MailError> {
        Ok(self.check()?)
    }

    /// The rules behind [`Self::validate`], naming the refused field.
    pub fn check(&self) -> Result<(), SettingError> {
        let name = self.product_name.trim();
        if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
            return Err(SettingError::new(
                "product_name",
                "must be 1 to 100 characters without control characters",
            ));
        }
        if self.support_email.parse::<lettre::Address>().is_err() {
            return Err(SettingError::new(
                "support_email",
                format!("{:?} is not an email address", self.support_email),
            ));
        }
        if let Some(url) = &self.logo_url {
            let valid = url.starts_with("https://")
                && url.len() > "https://".len()
                && !url.chars().any(|c| c.is_control() || c.is_whitespace());
            if !valid {
                return Err(SettingError::new(
                    "logo_url",
                    "must be an absolute https:// URL without spaces",
                ));
            }
        }
        if !is_hex_colour(&self.brand_colour) {
            return Err(SettingError::new(
                "brand_colour",
                format!(
                    "{:?} is not a colour; use #rgb or #rrggbb",
                    self.brand_colour
                ),
            ));
        }
        Ok(())
    }
}

/// True for a CSS hex colour, `#abc` or `#a1b2c3`, and nothing else: the one check for every
/// colour an operator configures, because the value is put into CSS (emails and pages) and
/// anything else could inject rules there.
pub fn is_hex_colour(value: &str) -> bool {
    value.strip_prefix('#').is_some_and(|hex| {
        (hex.len() == 3 || hex.len() == 6) && hex.chars().all(|c| c.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> Branding {
        Branding::new("Acme", "help@acme.test")
    }

    #[test]
    fn default_branding_is_valid() {
        // Arrange
        let branding = valid();

        // Act
        let result = branding.validate();

        // Assert
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(branding.brand_colour, DEFAULT_BRAND_COLOUR);
    }

    #[test]
    fn colour_that_could_inject_css_is_refused() {
        // Arrange
        let branding = Branding {
            brand_colour: "red;background:url(https://evil.test/x)".into(),
            ..valid()
        };

        // Act
        let result = branding.validate();

        // Assert
        assert!(matches!(result, Err(MailError::Settings(_))));
    }

    #[test]
    fn short_and_long_hex_colours_are_accepted() {
        // Arrange / Act / Assert
        assert!(is_hex_colour("#abc"));
        assert!(is_hex_colour("#A1B2C3"));
        assert!(!is_hex_colour("abc"));
        assert!(!is_hex_colour("#abcd"));
        assert!(!is_hex_colour("#ggg"));
    }

    #[test]
    fn logo_must_be_an_https_url() {
        // Arrange
        let plain_http = Branding {
            logo_url: Some("http://acme.test/logo.png".into()),
            ..valid()
        };
        let with_space = Branding {
            logo_url: Some("https://acme.test/a logo.png".into()),
            ..valid()
        };
        let good = Branding {
            logo_url: Some("https://acme.test/logo.png".into()),
            ..valid()
        };

        // Act / Assert
        assert!(plain_http.validate().is_err());
        assert!(with_space.validate().is_err());
        assert!(good.validate().is_ok());
    }

    #[test]
    fn product_name_with_a_line_break_is_refused() {
        // Arrange
        let branding = Branding {
            product_name: "Acme\r\nBcc: victim@example.test".into(),
            ..valid()
        };

        // Act
        let result = branding.validate();

        // Assert
        assert!(result.is_err());
    }

    #[test]
    fn support_address_must_parse() {
        // Arrange
        let branding = Branding {
            support_email: "not an address".into(),
            ..valid()
        };

        // Act / Assert
        assert!(branding.validate().is_err());
    }

    #[test]
    fn branding_deserialises_with_defaults_and_rejects_unknown_keys() {
        // Arrange
        let minimal = r#"{"product_name":"Acme","support_email":"help@acme.test"}"#;
        let unknown =
            r##"{"product_name":"Acme","support_email":"help@acme.test","colour":"#fff"}"##;

        // Act
        let parsed: Branding = serde_json::from_str(minimal).expect("minimal branding parses");
        let refused = serde_json::from_str::<Branding>(unknown);

        // Assert
        assert_eq!(parsed, valid());
        assert!(refused.is_err());
    }
}
