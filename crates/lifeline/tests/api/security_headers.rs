//! Every response carries the security headers; every response but the stylesheet is
//! `no-store`, and the stylesheet is cached exactly as the README says.

use reqwest::StatusCode;
use serde_json::json;
use storage::Backend;

use crate::helpers::spawn_app;
use crate::on_every_backend;
use crate::reset_steps::Observed;

on_every_backend!(every_response_carries_the_security_headers);

const README: &str = include_str!("../../../../README.md");

/// The `Cache-Control` the README gives for the stylesheet: the first
/// `` `Cache-Control: …` `` after its path.
fn stylesheet_caching_in_readme() -> String {
    let (_, after) = README
        .split_once("`/static/lifeline.css`")
        .expect("the README names the stylesheet");
    let (_, value) = after
        .split_once("`Cache-Control: ")
        .expect("the README gives the stylesheet's Cache-Control");
    value.split('`').next().unwrap().to_owned()
}

fn assert_security_headers(what: &str, observed: &Observed) {
    let header = |name: &str| {
        observed.headers.get(name).map_or_else(
            || panic!("{what}: no {name}"),
            |v| v.to_str().unwrap().to_owned(),
        )
    };
    let csp = header("content-security-policy");
    for directive in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(directive), "{what}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("referrer-policy"), "no-referrer", "{what}");
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    // Arrange: a session with a live reset link, and one signed in.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", "old password for ada");
    let link = app.mailed_reset_link("ada@example.com", 1).await;
    let resetting = app.new_client();
    let signed_in = app.new_client();
    let sign_in = app.sign_in(&signed_in, "ada@example.com", "old password for ada");
    assert_eq!(sign_in.await, StatusCode::SEE_OTHER);
    let anonymous = app.new_client();

    // Act
    let link_hop = Observed::of(resetting.get(&link).send().await.unwrap()).await;
    let forms = [
        ("forgot form", app.get(&anonymous, "/password/forgot").await),
        ("reset form", app.get(&resetting, "/password/reset").await),
        ("sign-in form", app.get(&anonymous, "/login").await),
        ("account page", app.get(&signed_in, "/account").await),
    ];
    let others = [
        (
            "bad link",
            app.get(&anonymous, "/password/reset?token=x").await,
        ),
        ("anonymous account", app.get(&anonymous, "/account").await),
        ("not found", app.get(&anonymous, "/no/such/page").await),
        ("health", app.get(&anonymous, "/healthz").await),
        (
            "api document",
            app.get(&anonymous, "/api/v1/openapi.json").await,
        ),
        (
            "api error",
            app.post_json(&anonymous, "/api/v1/password/forgot", &json!({}))
                .await,
        ),
    ];

    let stylesheet = app.get(&anonymous, "/static/lifeline.css").await;

    // Assert
    assert_security_headers("link", &link_hop);
    assert_eq!(link_hop.headers["cache-control"], "no-store");
    for (what, response) in forms {
        let observed = Observed::of(response).await;
        assert_eq!(observed.status, StatusCode::OK, "{what}");
        assert!(observed.text().contains("name=\"csrf_token\""), "{what}");
        assert_security_headers(what, &observed);
        assert_eq!(observed.headers["cache-control"], "no-store", "{what}");
    }
    for (what, response) in others {
        let observed = Observed::of(response).await;
        assert!(observed.status.as_u16() < 500, "{what}");
        assert_security_headers(what, &observed);
        assert_eq!(observed.headers["cache-control"], "no-store", "{what}");
    }
    let stylesheet = Observed::of(stylesheet).await;
    assert_eq!(stylesheet.status, StatusCode::OK);
    assert_security_headers("stylesheet", &stylesheet);
    assert_eq!(
        stylesheet.headers["cache-control"],
        stylesheet_caching_in_readme().as_str(),
        "the stylesheet's caching is the README's"
    );
}
