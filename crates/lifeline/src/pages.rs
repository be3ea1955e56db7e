//! Server-rendered pages (tera). The templates are compiled into the binary, so
//! it runs from any working directory; an operator's directory
//! (`branding.templates_dir`) can replace any of them, and the stylesheet,
//! without rebuilding (through the loader the email templates use,
//! [`mail::load_with_overrides`]).

use std::path::Path;
use std::sync::{Arc, OnceLock};

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_LANGUAGE, CONTENT_TYPE, ContentType, HeaderValue};
use actix_web::web::Bytes;
use tera::{Context, Tera};

use crate::config::BrandingSettings;
use crate::http::urls::Url;
use crate::i18n::{Catalogs, FluentArgs, Locale};

macro_rules! page {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../../templates/pages/", $name)),
        )
    };
}

const BUILT_IN: &[(&str, &str)] = &[
    page!("layout.html.tera"),
    page!("forgot.html.tera"),
    page!("check_inbox.html.tera"),
    page!("reset_form.html.tera"),
    page!("link_invalid.html.tera"),
    page!("login.html.tera"),
    page!("account.html.tera"),
    page!("sessions.html.tera"),
    page!("change_password.html.tera"),
    page!("error.html.tera"),
    page!("mailbox.html.tera"),
    page!("not_me.html.tera"),
    page!("not_me_done.html.tera"),
    page!("not_me_link_invalid.html.tera"),
    page!("mailbox_message.html.tera"),
    page!("magic_link.html.tera"),
    page!("magic_link_verify.html.tera"),
    page!("magic_link_other_browser.html.tera"),
    (
        STYLESHEET_FILE,
        include_str!("../../../templates/static/lifeline.css"),
    ),
];

/// The template of every error page.
const ERROR_PAGE: &str = "error.html.tera";
/// The stylesheet's file name in an override directory (the one built-in that is no page).
const STYLESHEET_FILE: &str = "lifeline.css";
const DEFAULT_ACCENT: &str = "#2563eb";

/// The `Content-Type` of every page, the header value `ContentType::html()` makes.
const HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");

/// A page whose content depends only on the branding, so it is rendered once
/// per process and then served from memory. These are the answers to forged
/// and stale links, which anyone can request as fast as they like: serving the
/// stored bytes keeps that flood as cheap as the token check that rejects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstantPage {
    /// 400 for any unusable reset link, with a way to ask again.
    ResetLinkInvalid,
    /// 400 for any unusable magic link, with a way to ask again.
    MagicLinkInvalid,
    /// 400 for a magic link opened in a browser other than the one that asked.
    MagicLinkOtherBrowser,
    /// 400 for any unusable "this wasn't me" link: no new link to ask for, but what the
    /// owner can do instead.
    NotMeLinkInvalid,
}

impl ConstantPage {
    const ALL: [Self; 4] = [
        Self::ResetLinkInvalid,
        Self::MagicLinkInvalid,
        Self::MagicLinkOtherBrowser,
        Self::NotMeLinkInvalid,
    ];

    fn template(self) -> &'static str {
        match self {
            Self::ResetLinkInvalid | Self::MagicLinkInvalid => "link_invalid.html.tera",
            Self::MagicLinkOtherBrowser => "magic_link_other_browser.html.tera",
            Self::NotMeLinkInvalid => "not_me_link_invalid.html.tera",
        }
    }

    fn status(self) -> StatusCode {
        StatusCode::BAD_REQUEST
    }

    /// The page's context under `base` (the validated `server.base_path`), which never
    /// changes while the process runs.
    fn context(self, base: &str) -> Context {
        let mut context = Context::new();
        match self {
            Self::ResetLinkInvalid => {
                context.insert("again_url", &Url::PasswordForgot.under(base));
                context.insert("what", "reset");
            }
            Self::MagicLinkInvalid => {
                context.insert("again_url", &Url::MagicLink.under(base));
                context.insert("what", "sign-in");
            }
            Self::MagicLinkOtherBrowser => {}
            Self::NotMeLinkInvalid => {
                context.insert("login_url", &Url::Login.under(base));
            }
        }
        context
    }
}

/// The page templates and branding, built once at start-up.
pub struct Pages {
    /// The templates, shared by every language: `t()` speaks the language of the render
    /// under way (`mail::rendering`).
    tera: Tera,
    catalogs: Arc<Catalogs>,
    /// Every offered language, by its tag and its own name, for the switch.
    switch: Vec<SwitchEntry>,
    brand: BrandingSettings,
    base: String,
    stylesheet: String,
    /// Rendered [`ConstantPage`]s per language, filled on first use (indexed by the variant).
    constant: Vec<[OnceLock<Bytes>; ConstantPage::ALL.len()]>,
}

/// One language of the switch.
#[derive(Debug, Clone, serde::Serialize)]
struct SwitchEntry {
    tag: String,
    name: String,
}

/// A template failed to load or render, or the override directory is wrong.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// A template does not compile.
    #[error("page template error: {0}")]
    Template(#[from] tera::Error),
    /// The override directory cannot be read or holds a file that replaces nothing.
    #[error("page template override: {0}")]
    Override(String),
}

impl Pages {
    /// Loads the built-in templates, then any same-named files (and
    /// `lifeline.css`) from the configured override directory. Every page is
    /// rendered with `base` (the validated `server.base_path`) as `{{ base }}`,
    /// which prefixes each of its links and form actions.
    pub fn new(
        brand: &BrandingSettings,
        base: &str,
        catalogs: Arc<Catalogs>,
    ) -> Result<Self, PageError> {
        let dir = brand.templates_dir.as_deref().map(Path::new);
        let mut files = mail::load_with_overrides(BUILT_IN, dir)
            .map_err(|e| PageError::Override(e.to_string()))?;
        let css = files.iter().position(|(name, _)| *name == STYLESHEET_FILE);
        let stylesheet = css.map(|at| files.swap_remove(at).1).unwrap_or_default();
        let mut tera = Tera::default();
        tera.add_raw_templates(files)?;
        tera.autoescape_on(vec![".html.tera"]);
        tera.set_escape_fn(mail::escape_html);
        let messages: Arc<dyn mail::Messages> = Arc::clone(&catalogs) as _;
        tera.register_function("t", mail::Translate::new(messages));
        let switch = catalogs
            .locales()
            .map(|locale| SwitchEntry {
                tag: catalogs.tag(locale).to_owned(),
                name: catalogs.text(locale, "language-name", None),
            })
            .collect();
        Ok(Self {
            constant: catalogs.locales().map(|_| Default::default()).collect(),
            tera,
            catalogs,
            switch,
            brand: brand.clone(),
            base: base.to_owned(),
            stylesheet: with_palette(stylesheet, &brand.accent_color),
        })
    }

    /// The catalogs the pages speak.
    pub fn catalogs(&self) -> &Catalogs {
        &self.catalogs
    }

    /// The language of the request being served, or the default outside a request.
    fn locale(&self) -> Locale {
        crate::i18n::current().unwrap_or_else(|| self.catalogs.default_locale())
    }

    /// A duration in the language of the request being served.
    pub fn duration(&self, parts: (u64, crate::i18n::Unit)) -> String {
        self.catalogs.duration(self.locale(), parts)
    }

    /// A moment in the language of the request being served, the zone named.
    pub fn datetime(&self, at: chrono::NaiveDateTime) -> String {
        self.catalogs.naive_datetime(self.locale(), at)
    }

    /// Message `id` in the language of the request being served (notices, form errors).
    pub fn text(&self, id: &str, args: Option<&FluentArgs>) -> String {
        self.catalogs.text(self.locale(), id, args)
    }

    /// Renders `name` in `locale` with `context`, the branding and the language's
    /// `lang`, `dir` and switch; `here` (the path, for the switch) when known.
    fn render_in(
        &self,
        locale: Locale,
        name: &str,
        context: &mut Context,
        here: Option<&str>,
    ) -> tera::Result<String> {
        context.insert("brand", &self.brand);
        context.insert("base", &self.base);
        context.insert("lang", self.catalogs.tag(locale));
        context.insert(
            "dir",
            if self.catalogs.is_rtl(locale) {
                "rtl"
            } else {
                "ltr"
            },
        );
        context.insert("languages", &self.switch);
        context.insert("here", &here);
        mail::rendering(locale.0, mail::Markup::Html, || {
            self.tera.render(name, context)
        })
    }

    /// The `Content-Language` of a page in `locale`.
    fn content_language(&self, locale: Locale) -> HeaderValue {
        HeaderValue::from_str(self.catalogs.tag(locale)).unwrap_or(HeaderValue::from_static("en"))
    }

    /// The stylesheet (built-in or the operator's), ended by the `:root` rule that sets the
    /// accent and the readable shades derived from it (see [`with_palette`]).
    pub fn stylesheet(&self) -> &str {
        &self.stylesheet
    }

    /// Renders `name` with `context` (plus the branding) into an HTML response.
    pub fn render(&self, status: StatusCode, name: &str, mut context: Context) -> HttpResponse {
        let locale = self.locale();
        let here = crate::i18n::current_path();
        match self.render_in(locale, name, &mut context, here.as_deref()) {
            Ok(body) => HttpResponse::build(status)
                .content_type(ContentType::html())
                .insert_header((CONTENT_LANGUAGE, self.content_language(locale)))
                .body(body),
            Err(error) => render_failed(name, &error),
        }
    }

    /// The error page for `status`: `error.html.tera` with `status` (the code),
    /// `heading` (its reason phrase, translated), `message` (the text of message id
    /// `message`, with `$wait`), and, when the client is asked to wait, `retry_after_secs`
    /// and `wait` (the same in words, "2 minutes"). If the template fails to render, the
    /// [`fallback_error_page`] with the same status.
    pub fn error_page(
        &self,
        status: StatusCode,
        message: &str,
        retry_after_secs: Option<u64>,
    ) -> HttpResponse {
        let locale = self.locale();
        let wait = retry_after_secs.map(|secs| {
            self.catalogs
                .duration(locale, crate::i18n::rounded_up(secs))
        });
        let mut args = FluentArgs::new();
        args.set("wait", wait.clone().unwrap_or_default());
        let text = self.catalogs.text(locale, message, Some(&args));
        let heading = status_heading(&self.catalogs, locale, status);
        let mut context = Context::new();
        context.insert("status", &status.as_u16());
        context.insert("heading", &heading);
        context.insert("message", &text);
        context.insert("retry_after_secs", &retry_after_secs);
        context.insert("wait", &wait);
        let here = crate::i18n::current_path();
        match self.render_in(locale, ERROR_PAGE, &mut context, here.as_deref()) {
            Ok(body) => HttpResponse::build(status)
                .insert_header((CONTENT_TYPE, HTML))
                .insert_header((CONTENT_LANGUAGE, self.content_language(locale)))
                .body(body),
            Err(error) => {
                tracing::error!(template = ERROR_PAGE, error = ?error, "error page failed to render");
                fallback_error_page(status, &text, &self.base)
            }
        }
    }

    /// The response for a page that never changes: the same status, headers
    /// and body as [`Pages::render`] gives it, rendered on first use only. A
    /// page that fails to render is not stored, so each request retries (and
    /// logs) exactly as an ordinary render would.
    pub fn constant(&self, page: ConstantPage) -> HttpResponse {
        let locale = self.locale();
        let Some(slot) = self
            .constant
            .get(locale.0)
            .and_then(|s| s.get(page as usize))
        else {
            return self.render(page.status(), page.template(), page.context(&self.base));
        };
        let body = match slot.get() {
            Some(body) => body.clone(),
            None => {
                let mut context = page.context(&self.base);
                match self.render_in(locale, page.template(), &mut context, None) {
                    Ok(body) => slot.get_or_init(|| Bytes::from(body)).clone(),
                    Err(error) => return render_failed(page.template(), &error),
                }
            }
        };
        HttpResponse::build(page.status())
            .insert_header((CONTENT_TYPE, HTML))
            .insert_header((CONTENT_LANGUAGE, self.content_language(locale)))
            .body(body)
    }
}

/// The heading of an error page: `status-<code>` in `locale`, or the generic one.
fn status_heading(catalogs: &Catalogs, locale: Locale, status: StatusCode) -> String {
    let id = match status.as_u16() {
        code @ (400 | 403 | 404 | 405 | 408 | 413 | 415 | 429 | 500 | 503) => {
            format!("status-{code}")
        }
        _ => "status-other".to_owned(),
    };
    catalogs.text(locale, &id, None)
}

/// The error page when no renderer can be reached or `error.html.tera` fails to
/// render: no template engine is involved, so it cannot fail. It names no
/// product, so it never shows wrong branding; `message` is static text and
/// `base` the validated base path (empty when not known).
pub fn fallback_error_page(status: StatusCode, message: &str, base: &str) -> HttpResponse {
    let title = status.canonical_reason().unwrap_or("Error");
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title><link rel=\"stylesheet\" href=\"{base}/static/lifeline.css\"></head><body><main class=\"card\"><h1>{title}</h1><p>{message}</p><p><a href=\"{base}/password/forgot\">Start again</a></p></main></body></html>"
    );
    HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(body)
}

/// `stylesheet` followed by the configured accent's [`mail::Palette`] as custom properties
/// (`--accent`, `--accent-text`, `--on-accent`, `--accent-hover`), which win over the
/// stylesheet's own defaults. Links, the product name and focus rings use `--accent-text`, so
/// they keep 4.5:1 on the page whatever accent is configured, and button text is `--on-accent`.
/// The values are written from the parsed colour, never copied from the setting, so nothing
/// but a colour reaches the CSS; a setting that is not a hex colour gets the default accent.
fn with_palette(mut stylesheet: String, accent: &str) -> String {
    let palette =
        mail::Palette::for_accent(accent).or_else(|| mail::Palette::for_accent(DEFAULT_ACCENT));
    if let Some(palette) = palette {
        stylesheet.push('\n');
        stylesheet.push_str(&palette.css_rule());
    }
    stylesheet
}

fn render_failed(name: &str, error: &tera::Error) -> HttpResponse {
    tracing::error!(template = name, error = ?error, "page failed to render");
    HttpResponse::InternalServerError()
        .content_type(ContentType::plaintext())
        .body("Something went wrong on our side. Please try again.")
}

/// The built-in pages in every shipped language (English first, the default), for unit
/// tests elsewhere in the crate.
#[cfg(test)]
pub(crate) fn for_tests() -> Pages {
    let settings = crate::config::I18nSettings {
        default_locale: "en".into(),
        locales: ["en", "de", "fr", "es", "ar"].map(String::from).to_vec(),
        dir: None,
    };
    let catalogs = Arc::new(Catalogs::load(&settings).expect("built-in catalogs load"));
    let brand = BrandingSettings {
        product_name: "Acme".into(),
        logo_url: None,
        accent_color: "#1d4ed8".into(),
        support_email: "help@example.com".into(),
        templates_dir: None,
    };
    Pages::new(&brand, "", catalogs).expect("built-in pages load")
}

#[cfg(test)]
pub(crate) mod every_language;

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogs() -> Arc<Catalogs> {
        let settings = crate::config::I18nSettings {
            default_locale: "en".into(),
            locales: ["en", "de", "fr", "es", "ar"].map(String::from).to_vec(),
            dir: None,
        };
        Arc::new(Catalogs::load(&settings).unwrap())
    }

    /// `name` rendered in the default language with `context`, as a handler's page.
    fn raw(pages: &Pages, name: &str, mut context: Context) -> tera::Result<String> {
        pages.render_in(pages.catalogs.default_locale(), name, &mut context, None)
    }

    fn brand() -> BrandingSettings {
        BrandingSettings {
            product_name: "Acme <Login>".into(),
            logo_url: None,
            accent_color: "#ff0000".into(),
            support_email: "help@example.com".into(),
            templates_dir: None,
        }
    }

    #[test]
    fn every_built_in_page_renders_with_the_brand_escaped() {
        let pages = Pages::new(&brand(), "", catalogs()).unwrap();
        let response = pages.render(StatusCode::OK, "check_inbox.html.tera", {
            let mut c = Context::new();
            c.insert("again_url", "/password/forgot");
            c.insert("lifetime", "1 hour");
            c
        });
        assert_eq!(response.status(), StatusCode::OK);
        let html = raw(&pages, "check_inbox.html.tera", {
            let mut c = Context::new();
            c.insert("again_url", "/password/forgot");
            c.insert("lifetime", "1 hour");
            c
        });
        assert!(html.unwrap().contains("Acme &lt;Login&gt;"));
    }

    async fn parts(response: HttpResponse) -> (StatusCode, Vec<(String, Vec<u8>)>, Bytes) {
        let status = response.status();
        let mut headers: Vec<_> = response
            .headers()
            .iter()
            .map(|(name, value)| (name.to_string(), value.as_bytes().to_vec()))
            .collect();
        headers.sort();
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        (status, headers, body)
    }

    #[actix_web::test]
    async fn a_constant_page_is_the_rendered_page_every_time() {
        for base in ["", "/auth"] {
            let pages = Pages::new(&brand(), base, catalogs()).unwrap();
            for page in ConstantPage::ALL {
                let rendered =
                    parts(pages.render(page.status(), page.template(), page.context(base))).await;
                for _ in 0..2 {
                    assert_eq!(parts(pages.constant(page)).await, rendered, "{page:?}");
                }
            }
            let reset = parts(pages.constant(ConstantPage::ResetLinkInvalid)).await;
            let reset = String::from_utf8_lossy(&reset.2).into_owned();
            assert!(
                reset.contains(&format!("href=\"{base}/password/forgot\"")),
                "{reset}"
            );
            assert!(reset.contains("Acme &lt;Login&gt;"));
            let magic = parts(pages.constant(ConstantPage::MagicLinkInvalid)).await;
            let magic = String::from_utf8_lossy(&magic.2).into_owned();
            assert!(
                magic.contains(&format!("href=\"{base}/magic-link\"")),
                "{magic}"
            );
        }
    }

    #[actix_web::test]
    async fn a_constant_page_uses_the_override_template() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("link_invalid.html.tera"),
            "gone, ask at {{ again_url }}",
        )
        .unwrap();
        let mut b = brand();
        b.templates_dir = Some(dir.path().to_string_lossy().into_owned());
        let pages = Pages::new(&b, "/auth", catalogs()).unwrap();

        let (status, _, body) = parts(pages.constant(ConstantPage::ResetLinkInvalid)).await;

        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(&body[..], b"gone, ask at /auth/password/forgot");
    }

    /// Pages whose `error.html.tera` is `template`, under the base path `/auth`.
    fn pages_with_error_template(template: &str) -> (tempfile::TempDir, Pages) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(ERROR_PAGE), template).unwrap();
        let mut b = brand();
        b.templates_dir = Some(dir.path().to_string_lossy().into_owned());
        let pages = Pages::new(&b, "/auth", catalogs()).unwrap();
        (dir, pages)
    }

    #[actix_web::test]
    async fn an_internal_error_is_the_override_error_page_without_its_cause() {
        let (_dir, pages) = pages_with_error_template(
            "{{ brand.product_name }} {{ status }} {{ heading }}: {{ message }} \
             [{{ brand.support_email }}] {{ base }} {{ wait | default(value='none') }}",
        );
        let error = crate::error::AppError::Internal(anyhow::anyhow!("disk full at /var/x"));
        let status = actix_web::ResponseError::status_code(&error);

        let (status, headers, body) =
            parts(pages.error_page(status, &error.public_message(), None)).await;

        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(headers.contains(&("content-type".into(), HTML.as_bytes().to_vec())));
        assert_eq!(
            String::from_utf8_lossy(&body),
            "Acme &lt;Login&gt; 500 Internal Server Error: Something went wrong on our side. \
             Please try again. [help@example.com] /auth none"
        );
    }

    #[actix_web::test]
    async fn the_built_in_error_page_is_branded_and_says_how_long_to_wait() {
        let pages = Pages::new(&brand(), "/auth", catalogs()).unwrap();
        let error = crate::error::AppError::TooManyRequests {
            retry_after_secs: 90,
        };

        let (status, _, body) = parts(pages.error_page(
            StatusCode::TOO_MANY_REQUESTS,
            &error.public_message(),
            Some(90),
        ))
        .await;

        let html = String::from_utf8_lossy(&body);
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(html.contains("Try again in 2 minutes."), "{html}");
        assert!(html.contains("Acme &lt;Login&gt;"), "{html}");
        assert!(html.contains("mailto:help@example.com"), "{html}");
        assert!(html.contains("href=\"/auth/login\""), "{html}");
    }

    #[actix_web::test]
    async fn an_error_template_that_fails_to_render_gives_the_fallback_with_the_status() {
        let (_dir, pages) = pages_with_error_template("{{ no_such_variable }}");

        let (status, _, body) =
            parts(pages.error_page(StatusCode::FORBIDDEN, "Refused.", None)).await;

        let html = String::from_utf8_lossy(&body);
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(html.contains("<p>Refused.</p>"), "{html}");
        assert!(html.contains("href=\"/auth/password/forgot\""), "{html}");
    }

    #[test]
    fn links_and_forms_start_with_the_base_path() {
        let pages = Pages::new(&brand(), "/auth", catalogs()).unwrap();
        let mut c = Context::new();
        c.insert("csrf_token", "t");
        c.insert("email", "");
        c.insert("error", &None::<String>);
        c.insert("brand", &brand());
        c.insert("base", &pages.base);

        let html = raw(&pages, "forgot.html.tera", c).unwrap();

        assert!(html.contains("action=\"/auth/password/forgot\""), "{html}");
        assert!(html.contains("href=\"/auth/login\""), "{html}");
        assert!(
            html.contains("href=\"/auth/static/lifeline.css\""),
            "{html}"
        );
    }

    /// The last line of the stylesheet: the palette rule.
    fn palette_rule(pages: &Pages) -> String {
        pages.stylesheet().lines().last().unwrap().to_owned()
    }

    #[test]
    fn the_accent_colour_is_applied_only_when_it_is_a_colour() {
        assert_eq!(
            palette_rule(&Pages::new(&brand(), "", catalogs()).unwrap()),
            ":root { --accent: #ff0000; --accent-text: #d90000; --on-accent: #000000; \
             --accent-hover: #ff1f1f; }"
        );
        let mut hostile = brand();
        hostile.accent_color = "red; } body { display:none".into();
        assert_eq!(
            palette_rule(&Pages::new(&hostile, "", catalogs()).unwrap()),
            ":root { --accent: #2563eb; --accent-text: #2563eb; --on-accent: #ffffff; \
             --accent-hover: #2157cf; }"
        );
    }

    #[test]
    fn a_light_accent_is_darkened_for_text_and_gets_black_button_text() {
        let mut amber = brand();
        amber.accent_color = "#fbbf24".into();

        let rule = palette_rule(&Pages::new(&amber, "", catalogs()).unwrap());

        assert!(
            rule.starts_with(":root { --accent: #fbbf24; --accent-text: #"),
            "{rule}"
        );
        assert!(!rule.contains("--accent-text: #fbbf24"), "{rule}");
        assert!(rule.contains("--on-accent: #000000"), "{rule}");
    }

    #[test]
    fn an_override_directory_replaces_the_stylesheet() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lifeline.css"), "body { color: teal }").unwrap();
        let mut b = brand();
        b.templates_dir = Some(dir.path().to_string_lossy().into_owned());

        let pages = Pages::new(&b, "", catalogs()).unwrap();

        assert!(
            pages
                .stylesheet()
                .starts_with("body { color: teal }\n:root { --accent: #ff0000;"),
            "{}",
            pages.stylesheet()
        );
    }

    #[test]
    fn a_file_that_replaces_no_page_stops_start_up() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("forgotten.html.tera"), "typo").unwrap();
        let mut b = brand();
        b.templates_dir = Some(dir.path().to_string_lossy().into_owned());

        let error = Pages::new(&b, "", catalogs()).err().unwrap();

        assert!(
            error
                .to_string()
                .contains("forgotten.html.tera: replaces no built-in file"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_override_directory_stops_start_up() {
        let mut b = brand();
        b.templates_dir = Some("/nonexistent/lifeline-pages".into());

        assert!(matches!(
            Pages::new(&b, "", catalogs()),
            Err(PageError::Override(_))
        ));
    }

    #[test]
    fn an_override_directory_replaces_a_page() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("check_inbox.html.tera"),
            "custom {{ again_url }}",
        )
        .unwrap();
        let mut b = brand();
        b.templates_dir = Some(dir.path().to_string_lossy().into_owned());
        let pages = Pages::new(&b, "", catalogs()).unwrap();
        let mut c = Context::new();
        c.insert("again_url", "/x");
        c.insert("brand", &b);
        assert_eq!(
            raw(&pages, "check_inbox.html.tera", c).unwrap(),
            "custom /x"
        );
    }
}
