//! Focus rings and field borders stand out at least 3:1 from what surrounds
//! them (WCAG 2.1 1.4.11, non-text contrast) with the default accent and with
//! a light and a dark one. axe-core checks the contrast of text only.

use fantoccini::key::Key;
use serde_json::Value;

use crate::chrome::{Browser, Options};
use crate::helpers::TestApp;
use crate::steps::{Screenshots, sign_in};

/// Shared by the scripts below: `solid(colour, behind)` composites a CSS
/// colour of any syntax over an opaque one into `[r, g, b]` (through a 1-pixel
/// canvas), `ratio(a, b)` is WCAG's contrast ratio, and `behind(element)` is
/// the first opaque background colour from the element's parent up.
const COLOUR_TOOLS: &str = "
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const pen = canvas.getContext('2d', {willReadFrequently: true});
    const solid = (colour, under) => {
      pen.clearRect(0, 0, 1, 1);
      for (const c of [under, colour]) { pen.fillStyle = c; pen.fillRect(0, 0, 1, 1); }
      return [...pen.getImageData(0, 0, 1, 1).data].slice(0, 3);
    };
    const luminance = rgb => rgb.map(v => v / 255)
      .map(c => c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
      .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    const ratio = (a, b) => {
      const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
      return Math.round((x + 0.05) / (y + 0.05) * 100) / 100;
    };
    const behind = element => {
      for (let e = element.parentElement; e; e = e.parentElement) {
        const colour = getComputedStyle(e).backgroundColor;
        if (solid(colour, 'rgb(1, 2, 3)').join() === solid(colour, 'rgb(4, 5, 6)').join()) {
          return colour;
        }
      }
      return 'rgb(255, 255, 255)';
    };
    const describe = e => e.tagName.toLowerCase() + (e.name ? '[name=' + e.name + ']' : '')
      + (e.textContent.trim() ? ' ' + JSON.stringify(e.textContent.trim()) : '');";

/// The focused element's ring: `[what, style, width in px, contrast with the
/// background behind it, contrast with the gap between it and the element]`.
const FOCUS_RING: &str = "
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const style = getComputedStyle(e);
    const page = solid(behind(e), 'white');
    const ring = solid(style.outlineColor, behind(e));
    const gap = style.boxShadow.startsWith('rgb') && style.boxShadow.includes(' 0px 0px 0px ')
      ? solid(style.boxShadow.split(')')[0] + ')', behind(e)) : page;
    return [describe(e), style.outlineStyle, parseFloat(style.outlineWidth),
            ratio(ring, page), ratio(ring, gap)];";

/// Every visible text field: `[what, contrast of its border with the
/// background behind it]`.
const FIELD_BORDERS: &str = "
    return [...document.querySelectorAll('input')]
      .filter(e => e.type !== 'hidden' && !e.hidden)
      .map(e => [describe(e),
                 ratio(solid(getComputedStyle(e).borderTopColor, behind(e)), solid(behind(e), 'white'))]);";

/// Tabs through the page from the top and checks every focus ring it meets.
async fn check_focus_rings(browser: &Browser, page: &str, failures: &mut Vec<String>) {
    let mut seen = Vec::new();
    for _ in 0..20 {
        browser
            .client
            .active_element()
            .await
            .expect("an active element")
            .send_keys(&char::from(Key::Tab).to_string())
            .await
            .expect("tab pressed");
        let ring = browser.eval(&format!("{COLOUR_TOOLS}{FOCUS_RING}")).await;
        let Value::Array(ring) = ring else { break };
        let what = ring[0].as_str().unwrap().to_owned();
        if seen.contains(&what) {
            break;
        }
        let (style, width) = (ring[1].as_str().unwrap(), ring[2].as_f64().unwrap());
        let (on_page, on_gap) = (ring[3].as_f64().unwrap(), ring[4].as_f64().unwrap());
        if style != "solid" || width < 2.0 || on_page < 3.0 || on_gap < 3.0 {
            failures.push(format!(
                "{page}: the focus ring of {what} is {style} {width}px, \
                 {on_page}:1 against the page and {on_gap}:1 against its gap"
            ));
        }
        seen.push(what);
    }
    assert!(seen.len() >= 2, "{page}: Tab reached only {seen:?}");
}

async fn check_field_borders(browser: &Browser, page: &str, failures: &mut Vec<String>) {
    let fields = browser
        .eval(&format!("{COLOUR_TOOLS}{FIELD_BORDERS}"))
        .await;
    for field in fields.as_array().unwrap() {
        let ratio = field[1].as_f64().unwrap();
        if ratio < 3.0 {
            failures.push(format!(
                "{page}: the border of {} is {ratio}:1 against the page",
                field[0]
            ));
        }
    }
}

/// The sign-in form after a wrong password (plain and invalid fields, a
/// button, links in the card and in the footer) and the page with a link
/// styled as a button.
async fn check_controls(browser: &Browser, app: &TestApp, accent: &str) -> Vec<String> {
    let mut failures = Vec::new();
    sign_in(browser, app, "not the password").await;
    check_field_borders(browser, "login", &mut failures).await;
    browser.open(&app.url("/login")).await;
    check_focus_rings(browser, "login", &mut failures).await;
    browser
        .open(&app.url("/password/reset?token=lr1_nonsense"))
        .await;
    check_focus_rings(browser, "link-invalid", &mut failures).await;
    failures
        .iter()
        .map(|failure| format!("accent {accent}: {failure}"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn focus_rings_and_field_borders_stand_out_3_to_1_whatever_the_accent() {
    // Arrange
    let Some(browser) = Browser::start(Options::default()).await else {
        return;
    };
    let shots = Screenshots::new();
    let mut failures = Vec::new();

    // Act
    for accent in ["#2563eb", "#fbbf24", "#1e1b4b"] {
        let app = crate::helpers::spawn_app_with(storage::Backend::Sqlite, |f| {
            f.merge(("branding.accent_color", accent))
        })
        .await
        .expect("SQLite is always available");
        failures.extend(check_controls(&browser, &app, accent).await);
        let name = format!("focus-{}", accent.trim_start_matches('#'));
        browser.screenshot(shots.dir(), &name).await;
    }

    // Assert
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    browser.close().await;
}
