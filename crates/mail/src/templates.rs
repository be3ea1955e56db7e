//! Email templates: compiled in, optionally overridden from a directory, rendered with tera.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::overrides::load_with_overrides;
use crate::translate::{Language, Markup, Messages, Translate, rendering};
use crate::{Branding, Email, MailError, Palette};

/// The template folders, one per email.
pub const TEMPLATE_NAMES: [&str; 6] = [
    "password_reset",
    "password_changed",
    "magic_link",
    "magic_link_signin",
    "not_me_confirmation",
    "no_account",
];

const SUBJECT: &str = "subject.txt.tera";
const TEXT: &str = "body.txt.tera";
const HTML: &str = "body.html.tera";

macro_rules! builtin {
    ($($path:literal),* $(,)?) => {
        [$(($path, include_str!(concat!("../../../templates/email/", $path)))),*]
    };
}

/// Every template file, compiled into the binary so it works from any working directory.
/// Paths are relative to `templates/email/`; an override directory uses the same layout.
const BUILTIN: [(&str, &str); 20] = builtin![
    "layout.html.tera",
    "layout.txt.tera",
    "password_reset/subject.txt.tera",
    "password_reset/body.txt.tera",
    "password_reset/body.html.tera",
    "password_changed/subject.txt.tera",
    "password_changed/body.txt.tera",
    "password_changed/body.html.tera",
    "magic_link/subject.txt.tera",
    "magic_link/body.txt.tera",
    "magic_link/body.html.tera",
    "magic_link_signin/subject.txt.tera",
    "magic_link_signin/body.txt.tera",
    "magic_link_signin/body.html.tera",
    "not_me_confirmation/subject.txt.tera",
    "not_me_confirmation/body.txt.tera",
    "not_me_confirmation/body.html.tera",
    "no_account/subject.txt.tera",
    "no_account/body.txt.tera",
    "no_account/body.html.tera",
];

/// The three renderings of one email, and the language they are in.
#[derive(Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    /// The BCP 47 tag of the language (`de`), sent as `Content-Language`; empty: none sent.
    pub language: String,
    /// One line, no CR/LF: safe to put in a header.
    pub subject: String,
    /// The plain-text part, complete on its own.
    pub text: String,
    /// The HTML part.
    pub html: String,
}

/// Shows the subject only: the bodies carry live tokens and must not reach logs.
impl fmt::Debug for RenderedEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RenderedEmail")
            .field("language", &self.language)
            .field("subject", &self.subject)
            .field("text", &format_args!("<{} bytes>", self.text.len()))
            .field("html", &format_args!("<{} bytes>", self.html.len()))
            .finish()
    }
}

/// The compiled email templates plus the branding every email shows. The templates say
/// every sentence through `t(id="…")`, answered by the application's [`Messages`] in the
/// language each render asks for.
pub struct EmailTemplates {
    tera: tera::Tera,
    branding: Branding,
}

impl fmt::Debug for EmailTemplates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailTemplates")
            .field("branding", &self.branding)
            .finish_non_exhaustive()
    }
}

impl EmailTemplates {
    /// The built-in templates, speaking `messages`.
    pub fn new(branding: Branding, messages: Arc<dyn Messages>) -> Result<Self, MailError> {
        Self::build(branding, None, messages)
    }

    /// The built-in templates, each replaced by `dir/<same relative path>` where that file exists
    /// (e.g. `dir/password_reset/body.html.tera`, `dir/layout.html.tera`).
    ///
    /// A file in `dir` that replaces nothing is refused, so a misspelt override fails at start-up
    /// instead of being silently ignored.
    pub fn with_overrides(
        branding: Branding,
        dir: &Path,
        messages: Arc<dyn Messages>,
    ) -> Result<Self, MailError> {
        Self::build(branding, Some(dir), messages)
    }

    fn build(
        branding: Branding,
        dir: Option<&Path>,
        messages: Arc<dyn Messages>,
    ) -> Result<Self, MailError> {
        branding.validate()?;
        let sources = load_with_overrides(&BUILTIN, dir)?;
        let mut tera = tera::Tera::default();
        // Autoescaping applies to the HTML files only: the text part and the subject are not
        // HTML, and escaping there would show `&amp;` to readers. Subjects are made single-line
        // separately (see `single_line`).
        tera.autoescape_on(vec![".html.tera"]);
        tera.set_escape_fn(escape_html);
        tera.register_function("t", Translate::new(messages));
        tera.add_raw_templates(sources)
            .map_err(|e| MailError::template("templates/email", &e))?;
        Ok(Self { tera, branding })
    }

    /// The branding given to every template.
    pub fn branding(&self) -> &Branding {
        &self.branding
    }

    /// Renders the subject, text and HTML of the email `name` (one of [`TEMPLATE_NAMES`]) in
    /// `language`.
    ///
    /// `context` must serialise to a map; `lang` and `dir` (the language's tag and direction)
    /// and the branding values (`product_name`, `support_email`,
    /// `logo_url`, `brand_colour`, and the readable shades derived from the colour,
    /// `brand_text_colour` and `brand_button_text_colour`, see [`Palette`]) are added to it and
    /// win over keys of the same name.
    pub fn render(
        &self,
        language: &Language,
        name: &str,
        context: &impl Serialize,
    ) -> Result<RenderedEmail, MailError> {
        if !TEMPLATE_NAMES.contains(&name) {
            return Err(MailError::UnknownTemplate(name.to_owned()));
        }
        let mut ctx =
            tera::Context::from_serialize(context).map_err(|e| MailError::template(name, &e))?;
        ctx.insert("lang", &language.tag);
        ctx.insert("dir", language.dir());
        ctx.insert("product_name", &self.branding.product_name);
        ctx.insert("support_email", &self.branding.support_email);
        ctx.insert("logo_url", &self.branding.logo_url);
        ctx.insert("brand_colour", &self.branding.brand_colour);
        // Validated at construction, so the palette exists; the fallback keeps mail flowing.
        let palette = Palette::for_accent(&self.branding.brand_colour)
            .or_else(|| Palette::for_accent(crate::DEFAULT_BRAND_COLOUR));
        if let Some(palette) = palette {
            ctx.insert("brand_text_colour", &palette.accent_text.to_string());
            ctx.insert("brand_button_text_colour", &palette.on_accent.to_string());
        }
        let part = |file: &str, markup: Markup| {
            let path = format!("{name}/{file}");
            rendering(language.index, markup, || self.tera.render(&path, &ctx))
                .map_err(|e| MailError::template(&path, &e))
        };
        Ok(RenderedEmail {
            language: language.tag.clone(),
            subject: single_line(&part(SUBJECT, Markup::Text)?),
            text: part(TEXT, Markup::Text)?,
            html: part(HTML, Markup::Html)?,
        })
    }

    /// Renders a typed email context in `language`.
    pub fn render_email<E: Email>(
        &self,
        language: &Language,
        email: &E,
    ) -> Result<RenderedEmail, MailError> {
        self.render(language, E::TEMPLATE, email)
    }
}

/// Collapses every run of whitespace and control characters (CR, LF, NUL, tabs) to one space.
///
/// The subject becomes a header line; a line break from a template or a value in it must not
/// be able to start a new header (header injection).
pub fn single_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// HTML escaping for text and attribute values (`& < > " '`).
///
/// Unlike tera's default it leaves `/` alone, so links stay readable in the source; `/` cannot
/// end a quoted attribute or open a tag, so escaping it adds no safety.
pub fn escape_html(input: &str) -> String {
    let mut output = String::with_capacity(input.len() + input.len() / 8);
    for c in input.chars() {
        match c {
            '&' => output.push_str("&amp;"),
            '<' => output.push_str("&lt;"),
            '>' => output.push_str("&gt;"),
            '"' => output.push_str("&quot;"),
            '\'' => output.push_str("&#x27;"),
            _ => output.push(c),
        }
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emails::{
        MagicLink, MagicLinkSignin, NoAccount, NotMeConfirmation, PasswordChanged, PasswordReset,
    };

    const LINK: &str = "https://id.acme.test/password/reset?token=lr1_AAAA&x=1";
    const NOT_ME: &str = "https://id.acme.test/password/not-me?token=ln1_BBBB";
    const HOSTILE_UA: &str = "<script>alert('x')</script>\" onmouseover=\"steal()";

    fn templates() -> EmailTemplates {
        EmailTemplates::new(Branding::new("Acme", "help@acme.test"), echo())
            .expect("built-ins compile")
    }

    fn echo() -> Arc<dyn Messages> {
        Arc::new(crate::translate::Echo)
    }

    fn english() -> Language {
        Language {
            index: 0,
            tag: "en".into(),
            rtl: false,
        }
    }

    fn all_samples(templates: &EmailTemplates) -> Vec<(&'static str, RenderedEmail)> {
        let time = || "26 Nov 2025, 09:21 UTC".to_owned();
        let ip = || "203.0.113.7".to_owned();
        let render = |result: Result<RenderedEmail, MailError>| result.expect("sample renders");
        vec![
            (
                "password_reset",
                render(templates.render_email(
                    &english(),
                    &PasswordReset {
                        link: LINK.into(),
                        lifetime: "30 minutes".into(),
                        not_me_link: NOT_ME.into(),
                        time: time(),
                        ip: ip(),
                    },
                )),
            ),
            (
                "password_changed",
                render(templates.render_email(
                    &english(),
                    &PasswordChanged {
                        time: time(),
                        ip: ip(),
                        user_agent: HOSTILE_UA.into(),
                        not_me_link: NOT_ME.into(),
                    },
                )),
            ),
            (
                "magic_link",
                render(templates.render_email(
                    &english(),
                    &MagicLink {
                        link: LINK.into(),
                        lifetime: "15 minutes".into(),
                        not_me_link: NOT_ME.into(),
                    },
                )),
            ),
            (
                "magic_link_signin",
                render(templates.render_email(
                    &english(),
                    &MagicLinkSignin {
                        time: time(),
                        ip: ip(),
                        user_agent: HOSTILE_UA.into(),
                        not_me_link: NOT_ME.into(),
                    },
                )),
            ),
            (
                "not_me_confirmation",
                render(templates.render_email(
                    &english(),
                    &NotMeConfirmation {
                        time: time(),
                        ip: ip(),
                        recovery_link: Some(LINK.to_owned()),
                        recovery_lifetime: "24 hours".to_owned(),
                        paused_until: Some(time()),
                    },
                )),
            ),
            (
                "no_account",
                render(templates.render_email(
                    &english(),
                    &NoAccount {
                        time: time(),
                        ip: ip(),
                    },
                )),
            ),
        ]
    }

    #[test]
    fn every_template_renders_subject_text_and_html_with_the_branding() {
        // Arrange
        let templates = templates();

        // Act
        let samples = all_samples(&templates);

        // Assert
        let names: Vec<_> = samples.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, TEMPLATE_NAMES);
        for (name, email) in samples {
            assert!(email.subject.contains("Acme"), "{name}: {}", email.subject);
            assert!(email.text.contains("help@acme.test"), "{name} text footer");
            assert!(email.html.starts_with("<!DOCTYPE html>"), "{name} html");
            assert!(email.html.contains("lang=\"en\""), "{name} html lang");
            assert!(
                email.html.contains("mailto:help@acme.test"),
                "{name} html footer"
            );
            for tag in ["<p", "<a ", "<h1", "<div", "<br"] {
                assert!(!email.text.contains(tag), "{name} text has markup {tag}");
            }
        }
    }

    #[test]
    fn links_are_complete_in_the_text_part_and_attribute_safe_in_html() {
        // Arrange
        let templates = templates();

        // Act
        let samples = all_samples(&templates);

        // Assert
        for (name, email) in samples
            .iter()
            .filter(|(_, e)| e.text.contains("token=lr1_"))
        {
            assert!(email.text.contains(LINK), "{name}");
            // The lock-down confirmation's recovery link needs no "not me": the owner
            // just said it.
            if *name != "not_me_confirmation" {
                assert!(email.text.contains(NOT_ME), "{name}");
            }
            let escaped = LINK.replace('&', "&amp;");
            assert!(
                email.html.contains(&format!("href=\"{escaped}\"")),
                "{name}"
            );
        }
        assert_eq!(
            samples
                .iter()
                .filter(|(_, e)| e.text.contains(LINK))
                .count(),
            3
        );
    }

    #[test]
    fn a_lock_down_confirmation_says_whether_the_password_was_voided() {
        // Arrange
        let templates = templates();
        let confirmation = |recovery_link: Option<&str>| NotMeConfirmation {
            time: "26 Nov 2025, 09:21 UTC".into(),
            ip: "203.0.113.7".into(),
            recovery_link: recovery_link.map(Into::into),
            recovery_lifetime: "24 hours".into(),
            paused_until: Some("27 Nov 2025, 09:21 UTC".into()),
        };

        // Act
        let voided = templates
            .render_email(&english(), &confirmation(Some(LINK)))
            .unwrap();
        let kept = templates
            .render_email(&english(), &confirmation(None))
            .unwrap();

        // Assert
        for part in [&voided.text, &voided.html] {
            assert!(part.contains("mail-locked-voided"), "{part}");
            assert!(
                part.contains("mail-locked-next lifetime=24 hours"),
                "{part}"
            );
            assert!(!part.contains("mail-locked-kept"), "{part}");
        }
        for part in [&kept.text, &kept.html] {
            assert!(part.contains("mail-locked-kept"), "{part}");
            assert!(
                part.contains("mail-locked-paused until=27 Nov 2025, 09:21 UTC"),
                "{part}"
            );
            assert!(!part.contains("token="), "{part}");
        }
    }

    #[test]
    fn user_controlled_values_are_escaped_in_html_and_verbatim_in_text() {
        // Arrange
        let templates = templates();
        let email = PasswordChanged {
            time: "now".into(),
            ip: "198.51.100.1".into(),
            user_agent: HOSTILE_UA.into(),
            not_me_link: NOT_ME.into(),
        };

        // Act
        let rendered = templates.render_email(&english(), &email).expect("renders");

        // Assert
        assert!(!rendered.html.contains("<script>"));
        assert!(!rendered.html.contains("\" onmouseover"));
        assert!(
            rendered
                .html
                .contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&quot;")
        );
        assert!(rendered.text.contains(HOSTILE_UA));
    }

    #[test]
    fn logo_replaces_the_product_name_heading_when_configured() {
        // Arrange
        let branding = Branding {
            logo_url: Some("https://acme.test/logo.png".into()),
            brand_colour: "#123456".into(),
            ..Branding::new("Acme", "help@acme.test")
        };
        let with_logo = EmailTemplates::new(branding, echo()).expect("compiles");
        let sample = NoAccount {
            time: "now".into(),
            ip: "::1".into(),
        };

        // Act
        let logo = with_logo
            .render_email(&english(), &sample)
            .expect("renders");
        let plain = templates()
            .render_email(&english(), &sample)
            .expect("renders");

        // Assert
        assert!(
            logo.html
                .contains("<img src=\"https://acme.test/logo.png\" alt=\"Acme\"")
        );
        assert!(logo.html.contains("#123456"));
        assert!(!plain.html.contains("<img"));
        assert!(plain.html.contains(DEFAULT_BRAND_COLOUR_TEXT));
    }

    const DEFAULT_BRAND_COLOUR_TEXT: &str = crate::branding::DEFAULT_BRAND_COLOUR;

    #[test]
    fn a_light_brand_colour_gets_black_button_text_and_a_darker_heading() {
        // Arrange: amber, on which white text reads at 1.7:1.
        let branding = Branding {
            brand_colour: "#fbbf24".into(),
            ..Branding::new("Acme", "help@acme.test")
        };
        let templates = EmailTemplates::new(branding, echo()).expect("compiles");
        let palette = Palette::for_accent("#fbbf24").expect("a colour");
        let reset = PasswordReset {
            link: "https://id.acme.test/password/reset?token=x".into(),
            not_me_link: "https://id.acme.test/password/not-me?token=y".into(),
            lifetime: "30 minutes".into(),
            time: "now".into(),
            ip: "::1".into(),
        };

        // Act
        let html = templates
            .render_email(&english(), &reset)
            .expect("renders")
            .html;

        // Assert
        assert!(
            html.contains("background-color:#fbbf24;color:#000000;"),
            "{html}"
        );
        assert!(
            html.contains(&format!("font-weight:700;color:{};", palette.accent_text)),
            "{html}"
        );
        assert!(!html.contains("color:#ffffff;font-weight:600"), "{html}");
    }

    #[test]
    fn unknown_template_is_an_error() {
        // Arrange
        let templates = templates();

        // Act
        let result = templates.render(&english(), "layout", &serde_json::json!({}));

        // Assert
        assert!(matches!(result, Err(MailError::UnknownTemplate(name)) if name == "layout"));
    }

    #[test]
    fn missing_variable_is_an_error_not_an_empty_link() {
        // Arrange
        let templates = templates();

        // Act
        let result = templates.render(
            &english(),
            "magic_link",
            &serde_json::json!({"lifetime": "5 minutes"}),
        );

        // Assert
        assert!(
            matches!(result, Err(MailError::Template { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn override_directory_replaces_a_template_by_path() {
        // Arrange
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("no_account")).expect("mkdir");
        std::fs::write(
            dir.path().join("no_account/subject.txt.tera"),
            "Hello from {{ ip }}",
        )
        .expect("write");
        let branding = Branding::new("Acme", "help@acme.test");
        let templates =
            EmailTemplates::with_overrides(branding, dir.path(), echo()).expect("compiles");

        // Act
        let rendered = templates
            .render_email(
                &english(),
                &NoAccount {
                    time: "now".into(),
                    ip: "::1".into(),
                },
            )
            .expect("renders");

        // Assert
        assert_eq!(rendered.subject, "Hello from ::1");
        assert!(
            rendered.text.contains("mail-none-intro product=Acme"),
            "other files stay built in"
        );
    }

    #[test]
    fn subject_cannot_carry_a_line_break_into_the_headers() {
        // Arrange
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("no_account")).expect("mkdir");
        std::fs::write(
            dir.path().join("no_account/subject.txt.tera"),
            "Hi {{ ip }}\n",
        )
        .expect("write");
        let branding = Branding::new("Acme", "help@acme.test");
        let templates =
            EmailTemplates::with_overrides(branding, dir.path(), echo()).expect("compiles");
        let hostile = NoAccount {
            time: "now".into(),
            ip: "x\r\nBcc: victim@example.test\0".into(),
        };

        // Act
        let rendered = templates
            .render_email(&english(), &hostile)
            .expect("renders");

        // Assert
        assert_eq!(rendered.subject, "Hi x Bcc: victim@example.test");
    }

    #[test]
    fn override_file_that_replaces_nothing_is_refused() {
        // Arrange
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("password_reset")).expect("mkdir");
        std::fs::write(dir.path().join("password_reset/body.html"), "typo").expect("write");
        let branding = Branding::new("Acme", "help@acme.test");

        // Act
        let result = EmailTemplates::with_overrides(branding, dir.path(), echo());

        // Assert
        assert!(matches!(result, Err(MailError::TemplateOverride { .. })));
    }

    #[test]
    fn override_that_does_not_parse_stops_start_up() {
        // Arrange
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("layout.txt.tera"), "{% block content %}").expect("write");
        let branding = Branding::new("Acme", "help@acme.test");

        // Act
        let result = EmailTemplates::with_overrides(branding, dir.path(), echo());

        // Assert
        assert!(matches!(result, Err(MailError::Template { .. })));
    }

    #[test]
    fn invalid_branding_stops_start_up() {
        // Arrange
        let branding = Branding {
            brand_colour: "blue".into(),
            ..Branding::new("Acme", "help@acme.test")
        };

        // Act
        let result = EmailTemplates::new(branding, echo());

        // Assert
        assert!(matches!(result, Err(MailError::Settings(_))));
    }

    #[test]
    fn compiled_in_list_matches_the_template_folder_on_disk() {
        // Arrange
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates/email");
        let mut on_disk = Vec::new();
        for entry in std::fs::read_dir(&root).expect("templates/email exists") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                for file in std::fs::read_dir(&path).expect("folder") {
                    on_disk.push(file.expect("entry").path());
                }
            } else {
                on_disk.push(path);
            }
        }
        let mut on_disk: Vec<String> = on_disk
            .iter()
            .map(|p| {
                p.strip_prefix(&root)
                    .expect("under root")
                    .display()
                    .to_string()
            })
            .collect();
        on_disk.sort();

        // Act
        let mut compiled: Vec<String> =
            BUILTIN.iter().map(|(name, _)| (*name).to_owned()).collect();
        compiled.sort();

        // Assert
        assert_eq!(compiled, on_disk);
        for name in TEMPLATE_NAMES {
            for part in [SUBJECT, TEXT, HTML] {
                assert!(
                    compiled.contains(&format!("{name}/{part}")),
                    "{name}/{part}"
                );
            }
        }
    }

    #[test]
    fn single_line_collapses_breaks_tabs_and_nul() {
        // Arrange
        let text = "  Reset\r\n\tyour\0password \n";

        // Act
        let line = single_line(text);

        // Assert
        assert_eq!(line, "Reset your password");
    }

    #[test]
    fn escaping_covers_markup_and_both_quotes_but_keeps_slashes() {
        // Arrange
        let text = r#"<a href='x'>"&"</a>"#;

        // Act
        let escaped = escape_html(text);

        // Assert
        assert_eq!(
            escaped,
            "&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;&quot;&lt;/a&gt;"
        );
    }

    #[test]
    fn debug_output_hides_the_bodies_that_hold_tokens() {
        // Arrange
        let email = RenderedEmail {
            language: "en".into(),
            subject: "Reset".into(),
            text: format!("open {LINK}"),
            html: format!("<a href=\"{LINK}\">"),
        };

        // Act
        let debug = format!("{email:?}");

        // Assert
        assert!(debug.contains("Reset"));
        assert!(!debug.contains("lr1_"));
    }
}
