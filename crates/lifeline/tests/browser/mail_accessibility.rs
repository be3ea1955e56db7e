//! The HTML mails, opened in a browser, pass axe-core's WCAG 2.1 A and AA
//! rules with a light and a dark accent colour: the button text and the
//! product name stay readable whatever the operator brands them with.

use storage::Backend;

use crate::axe;
use crate::chrome::{Browser, Options};
use crate::helpers::{PUBLIC_URL, mail_parts, spawn_app_with};
use crate::steps::{Screenshots, ask_for_reset_link, ask_for_sign_in_link, assert_accessible};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mails_meet_wcag_2_1_aa_in_a_light_and_a_dark_accent() {
    // Arrange
    if axe::installed().is_none() {
        return;
    }
    let Some(browser) = Browser::start(Options::default()).await else {
        return;
    };
    let shots = Screenshots::new();

    for accent in ["#fbbf24", "#1e1b4b"] {
        let app = spawn_app_with(Backend::Sqlite, |f| {
            f.merge(("branding.accent_color", accent))
        })
        .await
        .expect("SQLite is always available");
        app.create_user("ada@example.com", "old password for ada");
        ask_for_reset_link(&browser, &app, 1).await;
        ask_for_sign_in_link(&browser, &app, 2).await;
        let mails = app.wait_for_mail(2).await;

        for (mail, name) in mails.iter().zip(["reset", "magic-link"]) {
            // Act
            let (_, html) = mail_parts(mail);
            let name = format!("mail-{name}-{}", accent.trim_start_matches('#'));
            let file = shots.dir().join(format!("{name}.html"));
            std::fs::write(&file, html.replace(PUBLIC_URL, &app.address)).unwrap();
            browser.open(&format!("file://{}", file.display())).await;
            browser.screenshot(shots.dir(), &name).await;

            // Assert
            assert_accessible(&browser, &name).await;
        }
    }
    browser.close().await;
}
