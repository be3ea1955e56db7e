//! A token key rotated across two instances the way docs/deployment.md says, one instance
//! at a time: every link minted at every step works on both instances until the old key is
//! removed, and a session started on one instance is signed in on the other.

use std::time::Duration;

use reqwest::header::LOCATION;
use reqwest::{Client, StatusCode};
use serde_json::json;
use storage::Backend;

use crate::cluster::{Cluster, ONE_AT_A_TIME, token_in};
use crate::helpers::csrf_in;
use crate::on_every_backend;
use crate::served_binary::create_account;

on_every_backend!(
    a_token_key_rolled_out_one_instance_at_a_time_breaks_no_link,
    a_session_started_on_one_instance_is_signed_in_on_another,
);

const PASSWORD: &str = "a long password for the rotation";

/// A reset link for a fresh account `n`, asked for on instance `on`, signed with whatever
/// key that instance signs with. Each link has its own account: a new link voids the
/// account's earlier one.
async fn mint(cluster: &Cluster, n: usize, on: usize) -> String {
    let email = format!("user{n}@example.com");
    create_account(&cluster.db, &email, PASSWORD);
    let mails = cluster.sink.messages().len();
    let asked = cluster
        .client
        .post(cluster.url(on, "/api/v1/password/forgot"))
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let received = cluster
        .sink
        .wait_for(mails + 1, Duration::from_secs(20))
        .await
        .unwrap_or_else(|_| panic!("no mail for link {n}:\n{}", cluster.troubles()));
    let mail = received
        .iter()
        .find(|m| m.rcpt_to.contains(&email))
        .unwrap_or_else(|| panic!("no mail to {email}"));
    token_in(mail, "/password/reset?token=")
}

/// Whether instance `on` takes `token`: a mailed link's first hop answers a link it
/// verifies with a redirect to the clean URL, and any other with the invalid-link page.
async fn works(cluster: &Cluster, on: usize, token: &str) -> bool {
    let answer = cluster
        .client
        .get(cluster.url(on, &format!("/password/reset?token={token}")))
        .send()
        .await
        .unwrap();
    match answer.status() {
        StatusCode::SEE_OTHER => {
            assert_eq!(answer.headers()[LOCATION], "/password/reset");
            true
        }
        StatusCode::BAD_REQUEST => false,
        other => panic!("instance {on} answered {other} for a link"),
    }
}

/// Asserts that every link in `links` works on both instances (`true`) or on neither.
async fn on_both(cluster: &Cluster, links: &[String], expected: bool, step: &str) {
    for (n, token) in links.iter().enumerate() {
        for on in 0..2 {
            assert_eq!(
                works(cluster, on, token).await,
                expected,
                "{step}: link {n} on instance {on}\n{}",
                cluster.troubles()
            );
        }
    }
}

async fn a_token_key_rolled_out_one_instance_at_a_time_breaks_no_link(backend: Backend) {
    // Arrange: two instances of one deployment, signing with key 1.
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(mut cluster) = Cluster::new(backend).await else {
        return;
    };
    cluster.start_instance().await;
    cluster.start_instance().await;
    let old = cluster.keys().token().to_owned();
    let (new, _) = lifeline::generate_keys(2).unwrap();
    let both_old_first = format!("{old},{}", new.as_str());
    let both_new_first = format!("{},{old}", new.as_str());
    let mut old_links = vec![mint(&cluster, 0, 0).await];
    let mut new_links = Vec::new();

    // Act and assert, step by step (docs/deployment.md, "The token key").
    // Step 2: both keys, the old one signing, on one instance, then the other.
    for on in 0..2 {
        cluster
            .restart_instance(on, &[("LIFELINE_KEYS__TOKEN", &both_old_first)])
            .await;
        old_links.push(mint(&cluster, 1 + on, on).await);
        on_both(&cluster, &old_links, true, "old key signing, rolling out").await;
    }
    // Step 3: the new key signs, one instance after the other; the other one already
    // verifies it, so nothing it mails is refused anywhere. While one instance still signs
    // with the old key, a link asked for on the switched instance may be mailed by the
    // other one's worker (both work off the shared outbox) and signed with the old key:
    // these links work everywhere now, and until step 5, like the old ones.
    let mut rolling_links = Vec::new();
    for on in 0..2 {
        cluster
            .restart_instance(on, &[("LIFELINE_KEYS__TOKEN", &both_new_first)])
            .await;
        rolling_links.push(mint(&cluster, 100 + on, on).await);
        on_both(&cluster, &old_links, true, "new key signing: old links").await;
        on_both(
            &cluster,
            &rolling_links,
            true,
            "new key signing: links of the rollout",
        )
        .await;
    }
    // Every instance signs with the new key: whichever worker mails a link, key 2 signed it.
    for on in 0..2 {
        new_links.push(mint(&cluster, 200 + on, on).await);
    }
    on_both(&cluster, &new_links, true, "new key signing: new links").await;
    // Step 5: the old key removed everywhere.
    for on in 0..2 {
        cluster
            .restart_instance(on, &[("LIFELINE_KEYS__TOKEN", new.as_str())])
            .await;
    }
    on_both(&cluster, &new_links, true, "old key removed: new links").await;
    on_both(&cluster, &old_links, false, "old key removed: old links").await;
}

/// Signs in on instance `on` through the sign-in page, in `browser`.
async fn sign_in(cluster: &Cluster, browser: &Client, on: usize, email: &str) {
    let page = browser
        .get(cluster.url(on, "/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&page).expect("a CSRF field");
    let signed_in = browser
        .post(cluster.url(on, "/login"))
        .form(&[
            ("email", email),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        signed_in.status(),
        StatusCode::SEE_OTHER,
        "{}",
        cluster.troubles()
    );
}

async fn a_session_started_on_one_instance_is_signed_in_on_another(backend: Backend) {
    // Arrange
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(mut cluster) = Cluster::new(backend).await else {
        return;
    };
    cluster.start_instance().await;
    cluster.start_instance().await;
    create_account(&cluster.db, "ada@example.com", PASSWORD);
    let browser = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // Act
    sign_in(&cluster, &browser, 0, "ada@example.com").await;
    let elsewhere = browser
        .get(cluster.url(1, "/account"))
        .send()
        .await
        .unwrap();
    let page = elsewhere.text().await.unwrap();
    // Signing out on the second instance ends it on the first, which looks it up afresh.
    let csrf = csrf_in(&page).expect("the sign-out form");
    let signed_out = browser
        .post(cluster.url(1, "/logout"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    let back = browser
        .get(cluster.url(0, "/account"))
        .send()
        .await
        .unwrap();

    // Assert
    assert!(page.contains("ada@example.com"), "{page}");
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        back.status(),
        StatusCode::SEE_OTHER,
        "signed out everywhere"
    );
    assert_eq!(back.headers()[LOCATION], "/login");
}
