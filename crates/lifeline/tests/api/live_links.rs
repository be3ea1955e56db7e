//! An account with one live link of each kind, for tests that throw bad input
//! at the endpoints and then prove that nothing was used up.

use reqwest::StatusCode;

use crate::helpers::{TestApp, link_in, token_of};

/// The tokens of one live reset link, magic link and "this wasn't me" link.
pub struct LiveLinks {
    /// `lr1_…`, from the reset mail.
    pub reset: String,
    /// `lm1_…`, from the sign-in-link mail.
    pub magic: String,
    /// `ln1_…`, from the reset mail.
    pub not_me: String,
}

impl TestApp {
    /// Creates the account and mails it a reset link and a sign-in link (the
    /// first two mails of the test); returns their tokens once the outbox is idle.
    pub async fn account_with_live_links(&self, email: &str, password: &str) -> LiveLinks {
        self.create_user(email, password);
        let asked = self.request_reset(&self.new_client(), email).await;
        assert_eq!(asked.status(), StatusCode::OK);
        let reset_mail = self.wait_for_mail(1).await.remove(0);
        let asked = self.request_magic_link(&self.browser(), email).await;
        assert_eq!(asked.status(), StatusCode::OK);
        let magic = token_of(&self.nth_magic_link(1).await);
        self.wait_until_outbox_is_empty().await;
        LiveLinks {
            reset: token_of(&link_in(self, &reset_mail, "/password/reset?token=")),
            magic,
            not_me: token_of(&link_in(self, &reset_mail, "/password/not-me?token=")),
        }
    }

    /// Checks, without using them, that all three links still work.
    pub async fn assert_links_still_live(&self, links: &LiveLinks) {
        let client = self.new_client();
        let opened = |path: String| {
            let client = &client;
            async move { self.get(client, &path).await.status() }
        };
        let reset = opened(format!("/password/reset?token={}", links.reset)).await;
        let magic = opened(format!("/magic-link/verify?token={}", links.magic)).await;
        let not_me = opened(format!("/password/not-me?token={}", links.not_me)).await;
        assert_eq!(reset, StatusCode::SEE_OTHER, "the reset link was used up");
        assert_eq!(magic, StatusCode::SEE_OTHER, "the sign-in link was used up");
        assert_eq!(not_me, StatusCode::SEE_OTHER, "the not-me link was used up");
    }
}
