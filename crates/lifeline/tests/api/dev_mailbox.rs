//! The development mailbox shows a message's HTML part in a sandboxed frame:
//! served from its own URL under a CSP sandbox (no script, no navigation of the
//! page around it, framed by this origin only), its links opening a new tab.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use storage::Backend;

use crate::helpers::{spawn_app_with, with_dev_mailbox};
use crate::on_every_backend;

on_every_backend!(a_message_page_frames_the_branded_html_part_in_a_sandbox);

const PRODUCT: &str = "Acme Accounts";
const EMAIL: &str = "ada@example.com";

fn header(headers: &HeaderMap, name: &str) -> String {
    headers[name].to_str().unwrap().to_owned()
}

async fn a_message_page_frames_the_branded_html_part_in_a_sandbox(backend: Backend) {
    // Arrange: a reset mail in the development mailbox.
    let Some(app) = spawn_app_with(backend, |f| {
        with_dev_mailbox(f.merge(("branding.product_name", PRODUCT)))
    })
    .await
    else {
        return;
    };
    app.create_user(EMAIL, "old password for ada");
    let browser = app.new_client();
    app.request_reset(&browser, EMAIL).await;
    app.drain_outbox().await;
    let inbox = app
        .get(&browser, "/dev/mailbox")
        .await
        .text()
        .await
        .unwrap();
    let message = inbox
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/dev/mailbox/"))
        .unwrap_or_else(|| panic!("no message in\n{inbox}"))
        .to_owned();

    // Act
    let page = app.get(&browser, &message).await;
    let page_policy = header(page.headers(), "content-security-policy");
    let page = page.text().await.unwrap();
    let html_part = app.get(&browser, &format!("{message}/html")).await;

    // Assert: the page frames the part, sandboxed, and its policy allows that frame only.
    let frame = format!(
        "<iframe class=\"mail-html\" src=\"{message}/html\" \
         sandbox=\"allow-popups allow-popups-to-escape-sandbox\""
    );
    assert!(page.contains(&frame), "no sandboxed frame in\n{page}");
    assert!(
        page.contains("/password/reset?token="),
        "the text part's link stays"
    );
    assert!(page_policy.contains("frame-src 'self'"), "{page_policy}");
    assert!(
        page_policy.contains("frame-ancestors 'none'"),
        "{page_policy}"
    );
    assert!(!page_policy.contains("script-src"), "{page_policy}");

    // The part: the branded mail, sandboxed by its own policy, framed by this origin only.
    assert_eq!(html_part.status(), StatusCode::OK);
    let headers = html_part.headers().clone();
    assert_eq!(
        header(&headers, CONTENT_TYPE.as_str()),
        "text/html; charset=utf-8"
    );
    let policy = header(&headers, "content-security-policy");
    assert!(
        policy.starts_with("sandbox allow-popups allow-popups-to-escape-sandbox;"),
        "{policy}"
    );
    for directive in [
        "default-src 'none'",
        "frame-ancestors 'self'",
        "form-action 'none'",
    ] {
        assert!(policy.contains(directive), "{policy}");
    }
    assert!(!policy.contains("allow-scripts") && !policy.contains("allow-top-navigation"));
    assert_eq!(header(&headers, "x-frame-options"), "SAMEORIGIN");
    assert_eq!(header(&headers, "cache-control"), "no-store");
    let html = html_part.text().await.unwrap();
    assert!(html.contains(PRODUCT), "not the branded mail:\n{html}");
    assert!(html.contains("<base target=\"_blank\">"), "{html}");
    assert!(html.contains("/password/reset?token="), "{html}");
}
