//! The development mailbox, as a person reads a mail there: the HTML part shows
//! in its frame (the page's policy lets it load, the part's own policy lets it
//! be framed), next to the text part's links.

use fantoccini::Locator;

use crate::chrome::Options;
use crate::helpers::with_dev_mailbox;
use crate::steps::{Screenshots, browser_and_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mailbox_shows_a_mails_html_part_in_its_frame() {
    // Arrange: a reset mail in the development mailbox.
    let Some((browser, app)) = browser_and_app(Options::default(), |f| {
        with_dev_mailbox(f.merge(("branding.product_name", "Acme Accounts")))
    })
    .await
    else {
        return;
    };
    app.request_reset(&app.client, "ada@example.com").await;
    app.drain_outbox().await;

    // Act: open the newest message from the mailbox's list.
    browser.open(&app.url("/dev/mailbox")).await;
    let message = browser
        .client
        .find(Locator::Css("ul.mailbox a"))
        .await
        .expect("a message in the list")
        .attr("href")
        .await
        .unwrap()
        .expect("a link");
    browser.open(&app.url(&message)).await;
    let links = browser.text_of("ul.links").await;
    browser
        .screenshot(Screenshots::new().dir(), "mailbox-message")
        .await;
    browser.client.enter_frame(0).await.expect("a frame");
    let framed = browser.page_text().await;
    let framed_heading = browser.heading().await;
    browser.client.enter_parent_frame().await.unwrap();

    // Assert: the branded HTML part is displayed, and the text part's link is there.
    assert!(links.contains("/password/reset?token="), "{links}");
    assert!(framed_heading.contains("Reset your"), "{framed_heading}");
    assert!(framed.contains("Acme Accounts"), "{framed}");
    browser.close().await;
}
