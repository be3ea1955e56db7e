//! axe-core, the accessibility checker, run inside the page the browser shows.
//!
//! `npm ci --prefix crates/lifeline/tests/browser` installs the exact version
//! that `package-lock.json` pins into `node_modules/`. Without it the checks
//! are skipped with a note, unless `LIFELINE_REQUIRE_BROWSER=1`, which makes
//! them fail, as a missing browser does.
//!
//! The script goes in through WebDriver's execute-script, which runs outside
//! the page's Content-Security-Policy: the pages keep forbidding every script
//! of their own while the test checks them.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::chrome::Browser;

/// Where `npm ci` puts the checker.
const AXE_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/browser/node_modules/axe-core/axe.min.js"
);

/// The rules that make up WCAG 2.1 levels A and AA, the level Lifeline meets.
const RUN: &str = "const done = arguments[arguments.length - 1];
    axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
      .then(results => done(results.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        help_url: v.helpUrl,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
      }))))
      .catch(error => done({error: String(error)}));";

/// One rule the page breaks, and where.
#[derive(Debug, Deserialize)]
pub struct Violation {
    id: String,
    impact: Option<String>,
    help: String,
    help_url: String,
    nodes: Vec<Offender>,
}

/// An element that breaks a rule, and what is wrong with it.
#[derive(Debug, Deserialize)]
struct Offender {
    target: String,
    summary: Option<String>,
}

/// The checker's source, read once; `None` (with a note) when it is not
/// installed and `LIFELINE_REQUIRE_BROWSER` is not `1`.
pub fn installed() -> Option<&'static str> {
    static SOURCE: OnceLock<Option<String>> = OnceLock::new();
    SOURCE
        .get_or_init(|| match std::fs::read_to_string(AXE_PATH) {
            Ok(source) => Some(source),
            Err(error) if std::env::var("LIFELINE_REQUIRE_BROWSER").as_deref() == Ok("1") => {
                panic!(
                    "LIFELINE_REQUIRE_BROWSER=1 but axe-core is not installed ({AXE_PATH}: {error}); \
                     run npm ci --prefix crates/lifeline/tests/browser"
                )
            }
            Err(_) => {
                eprintln!(
                    "skipped: axe-core is not installed \
                     (npm ci --prefix crates/lifeline/tests/browser; \
                     LIFELINE_REQUIRE_BROWSER=1 makes this fail)"
                );
                None
            }
        })
        .as_deref()
}

/// Every WCAG 2.1 A and AA rule the page open in `browser` breaks.
///
/// # Panics
/// When the checker is not installed (call [`installed`] first) or fails to run.
pub async fn violations(browser: &Browser) -> Vec<Violation> {
    let source = installed().expect("axe-core is installed");
    let loaded = browser.eval("return typeof axe === 'object';").await;
    if loaded != serde_json::Value::Bool(true) {
        browser.eval(&format!("{source}\n;return true;")).await;
    }
    let answer = browser
        .client
        .execute_async(RUN, vec![])
        .await
        .unwrap_or_else(|e| panic!("axe.run did not finish: {e}"));
    serde_json::from_value(answer.clone())
        .unwrap_or_else(|e| panic!("axe.run answered {answer} ({e})"))
}

/// The violations as a person reads them: the rule, its impact and what it
/// asks, then each offending element with what is wrong with it.
pub fn describe(violations: &[Violation]) -> String {
    let mut text = String::new();
    for violation in violations {
        let impact = violation.impact.as_deref().unwrap_or("unknown impact");
        text.push_str(&format!(
            "\n- {} ({impact}): {}\n  {}\n",
            violation.id, violation.help, violation.help_url
        ));
        for node in &violation.nodes {
            text.push_str(&format!("  * {}\n", node.target));
            for line in node.summary.as_deref().unwrap_or_default().lines() {
                text.push_str(&format!("      {line}\n"));
            }
        }
    }
    text
}
