//! Configuration mistakes as an operator makes them: a misspelt `LIFELINE_` variable stops
//! every command that loads settings, `config check` refuses exactly what `serve` refuses
//! (naming the setting and its variable, once), and its TOML output loads again.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cli::CliRun;

/// How long a command that should stop at once may take before the test gives up on it.
const DEADLINE: Duration = Duration::from_secs(60);

/// Runs `lifeline ARGS…` in `dir` with only `env` (and a quiet log); a command still running
/// at the deadline (a `serve` that did not refuse its configuration) is killed and reported
/// with status `-1`.
pub(crate) fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> CliRun {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lifeline"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("LIFELINE_LOG__FILTER", "warn")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > DEADLINE {
            child.kill().unwrap();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    CliRun {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn a_misspelt_variable_stops_every_command_that_loads_settings_and_says_what_was_meant() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let commands: [&[&str]; 4] = [
        &["config", "check"],
        &["serve"],
        &["migrate"],
        &["demo", "--port", "0"],
    ];
    let misspelt = [
        ("LIFELINE_SERVER_PUBLIC_URL", "LIFELINE_SERVER__PUBLIC_URL"),
        ("LIFELINE_MDOE", "LIFELINE_MODE"),
    ];

    for args in commands {
        for (variable, meant) in misspelt {
            // Act
            let run = run(dir.path(), args, &[(variable, "https://id.example")]);

            // Assert
            assert_ne!(run.status, 0, "{args:?} with {variable}: {run:?}");
            assert_ne!(
                run.status, -1,
                "{args:?} ignored {variable} and kept running"
            );
            assert!(
                run.stderr.contains(&format!(
                    "{variable}: names no setting; did you mean {meant}?"
                )),
                "{args:?}: {run:?}"
            );
        }
    }
    assert!(
        !dir.path().join("lifeline-data").exists(),
        "a refused command touched the database"
    );
}

#[test]
fn variables_that_are_not_settings_do_not_stop_the_binary() {
    // Arrange: every documented non-setting variable, as CI sets them while tests run.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("lifeline.toml");
    std::fs::write(&config, "").unwrap();
    let config = config.to_str().unwrap();
    let env: Vec<(&str, &str)> = lifeline::NOT_SETTINGS
        .iter()
        .map(|(name, _)| {
            (
                *name,
                if *name == "LIFELINE_CONFIG" {
                    config
                } else {
                    "1"
                },
            )
        })
        .collect();

    // Act
    let run = run(dir.path(), &["config", "check"], &env);

    // Assert
    assert_eq!(run.status, 0, "{run:?}");
    assert!(run.stderr.is_empty(), "{run:?}");
}

#[test]
fn config_check_refuses_what_serve_refuses_naming_the_setting_and_its_variable_once() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let overrides = dir.path().join("overrides");
    std::fs::create_dir(&overrides).unwrap();
    std::fs::write(overrides.join("replaces-nothing.html.tera"), "x").unwrap();
    let overrides = overrides.to_str().unwrap();
    let refusals = [
        (
            ("LIFELINE_BRANDING__TEMPLATES_DIR", overrides),
            "branding.templates_dir (LIFELINE_BRANDING__TEMPLATES_DIR): page template override",
        ),
        (
            ("LIFELINE_MAIL__TEMPLATES_DIR", overrides),
            "mail.templates_dir (LIFELINE_MAIL__TEMPLATES_DIR): template override",
        ),
        (
            ("LIFELINE_BRANDING__ACCENT_COLOR", "blue"),
            r#"branding.accent_color (LIFELINE_BRANDING__ACCENT_COLOR): "blue" is not a colour; use #rgb or #rrggbb"#,
        ),
        (
            (
                "LIFELINE_DATABASE__URL",
                "oracle://app:db-secret@db.example/lifeline",
            ),
            r#"database.url (LIFELINE_DATABASE__URL): unsupported database URL "oracle://app:***@db.example/lifeline""#,
        ),
        (
            ("LIFELINE_SERVER__BIND", "port-eighty"),
            "server.bind (LIFELINE_SERVER__BIND): invalid socket address syntax",
        ),
        (
            // A kind no plugin of this build provides (`ldap` is one with the ldap feature).
            ("LIFELINE_DIRECTORY__KIND", "radius"),
            r#"directory.kind (LIFELINE_DIRECTORY__KIND): directory.kind = "radius" is not built into this lifeline (build it with the radius feature)"#,
        ),
    ];

    for (variable, expected) in refusals {
        for args in [&["config", "check"][..], &["serve"]] {
            // Act
            let run = run(dir.path(), args, &[variable]);

            // Assert
            assert_ne!(run.status, 0, "{args:?} accepted {variable:?}: {run:?}");
            assert_ne!(run.status, -1, "{args:?} kept running with {variable:?}");
            assert_eq!(run.stderr.matches(expected).count(), 1, "{args:?}: {run:?}");
            assert!(!run.stderr.contains("brand_colour"), "{run:?}");
            assert!(!run.stderr.contains("pg-secret"), "{run:?}");
        }
    }
}

#[test]
fn an_unknown_key_in_the_file_is_named_once_with_the_key_that_was_meant() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("lifeline.toml");
    std::fs::write(&config, "[server]\npublik_url = \"https://id.example\"\n").unwrap();

    // Act
    let run = run(
        dir.path(),
        &["config", "check"],
        &[("LIFELINE_CONFIG", config.to_str().unwrap())],
    );

    // Assert
    let expected = "server.publik_url: no such setting; did you mean server.public_url? (in ";
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(run.stderr.matches(expected).count(), 1, "{run:?}");
    assert_eq!(run.stderr.matches("publik_url").count(), 1, "{run:?}");
    assert!(!run.stderr.contains("``"), "garbled quoting: {run:?}");
}

/// Production settings with every kind of secret, in the environment, and the secret texts
/// (with SQLite, the database URL holds none).
pub(crate) fn production_secrets() -> (Vec<(&'static str, String)>, Vec<String>) {
    let (token, session) = lifeline::generate_keys(3).unwrap();
    let (database, database_secret) = if cfg!(feature = "mysql") {
        (
            "mysql://lifeline:db-secret-41@db.example:3306/lifeline_prod",
            Some("db-secret-41"),
        )
    } else {
        ("sqlite:///var/lib/lifeline/lifeline.db", None)
    };
    let env = vec![
        ("LIFELINE_DATABASE__URL", database.to_owned()),
        ("LIFELINE_KEYS__TOKEN", token.to_string()),
        ("LIFELINE_KEYS__SESSION", session.to_string()),
        (
            "LIFELINE_MAIL__TRANSPORT__PASSWORD",
            "smtp-secret-42".to_owned(),
        ),
    ];
    let mut hidden = vec![
        token.to_string(),
        session.to_string(),
        "smtp-secret-42".to_owned(),
    ];
    hidden.extend(database_secret.map(str::to_owned));
    (env, hidden)
}

#[test]
fn config_check_prints_toml_that_loads_again_once_its_secrets_are_supplied() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let (secrets, hidden) = production_secrets();
    let mut env: Vec<(&str, &str)> = vec![
        ("LIFELINE_MODE", "production"),
        ("LIFELINE_SERVER__PUBLIC_URL", "https://id.example"),
        ("LIFELINE_MAIL__TRANSPORT__KIND", "smtp"),
        ("LIFELINE_MAIL__TRANSPORT__HOST", "relay.example"),
        ("LIFELINE_MAIL__TRANSPORT__USERNAME", "mailer"),
    ];
    env.extend(secrets.iter().map(|(name, value)| (*name, value.as_str())));

    // Act
    let printed = run(dir.path(), &["config", "check"], &env);
    let file = dir.path().join("pasted.toml");
    std::fs::write(&file, &printed.stdout).unwrap();
    let file = file.to_str().unwrap();
    let without_secrets = run(
        dir.path(),
        &["config", "check"],
        &[("LIFELINE_CONFIG", file)],
    );
    let mut with_secrets: Vec<(&str, &str)> = vec![("LIFELINE_CONFIG", file)];
    with_secrets.extend(secrets.iter().map(|(name, value)| (*name, value.as_str())));
    let reloaded = run(dir.path(), &["config", "check"], &with_secrets);

    // Assert: TOML, secrets redacted, the database's address readable.
    assert_eq!(printed.status, 0, "{printed:?}");
    let table: toml::Table = toml::from_str(&printed.stdout).unwrap();
    for secret in &hidden {
        assert!(!printed.stdout.contains(secret.as_str()), "{printed:?}");
    }
    let url = table["database"]["url"].as_str().unwrap();
    if cfg!(feature = "mysql") {
        assert_eq!(url, "mysql://lifeline:***@db.example:3306/lifeline_prod");
    } else {
        assert_eq!(url, "sqlite:///var/lib/lifeline/lifeline.db");
    }
    assert_eq!(table["keys"]["token"].as_str(), Some("***"));
    assert_eq!(table["mail"]["transport"]["password"].as_str(), Some("***"));
    assert_eq!(
        table["mail"]["transport"]["host"].as_str(),
        Some("relay.example")
    );
    assert_eq!(table["mode"].as_str(), Some("production"));
    // Pasted back without its secrets: refused, naming each placeholder.
    assert_eq!(without_secrets.status, 1, "{without_secrets:?}");
    let mut placeholders = vec!["keys.token", "keys.session", "mail.transport.password"];
    if cfg!(feature = "mysql") {
        placeholders.push("database.url");
    }
    for key in placeholders {
        assert!(
            without_secrets.stderr.contains(&format!("{key} (")),
            "{key}: {without_secrets:?}"
        );
    }
    assert!(
        without_secrets.stderr.contains("placeholder"),
        "{without_secrets:?}"
    );
    // With the secrets supplied again: the same settings.
    assert_eq!(reloaded.status, 0, "{reloaded:?}");
    assert_eq!(reloaded.stdout, printed.stdout);
}

#[test]
fn webhook_endpoints_are_checked_by_place_and_field_and_their_secrets_never_printed() {
    // Arrange: a secret from `lifeline webhooks secret`, one good endpoint, one bad.
    let dir = tempfile::tempdir().unwrap();
    let printed = run(dir.path(), &["webhooks", "secret"], &[]);
    let secret = printed.stdout.trim().to_owned();
    let again = run(dir.path(), &["webhooks", "secret"], &[]).stdout;
    let config = dir.path().join("lifeline.toml");
    let good = format!(
        "[[webhooks.endpoints]]\nname = \"host-app\"\nurl = \"https://app.example/hooks\"\nsecret = \"{secret}\"\nevents = [\"password.changed\"]\n"
    );
    let bad = "[[webhooks.endpoints]]\nname = \"host-app\"\nurl = \"ftp://app.example\"\nsecret = \"not-a-secret\"\nevents = [\"password.chnged\"]\n";
    let with = |toml: &str| {
        std::fs::write(&config, toml).unwrap();
        run(
            dir.path(),
            &["config", "check"],
            &[("LIFELINE_CONFIG", config.to_str().unwrap())],
        )
    };

    // Act
    let accepted = with(&good);
    let refused = with(&format!("{good}{bad}"));

    // Assert
    assert_eq!(printed.status, 0, "{printed:?}");
    assert!(
        secret.starts_with("whsec_") && secret.len() == 6 + 44,
        "{secret}"
    );
    assert_ne!(again.trim(), secret);
    assert_eq!(accepted.status, 0, "{accepted:?}");
    assert!(
        accepted.stdout.contains("[[webhooks.endpoints]]"),
        "{accepted:?}"
    );
    assert!(accepted.stdout.contains("secret = \"***\""), "{accepted:?}");
    assert!(!accepted.stdout.contains(&secret[6..]), "{accepted:?}");
    assert_eq!(refused.status, 1, "{refused:?}");
    for expected in [
        "webhooks.endpoints[1].name: \"host-app\" names two endpoints",
        "webhooks.endpoints[1].url: \"ftp://app.example\" must start with http:// or https://",
        "webhooks.endpoints[1].secret: must be \"whsec_\"",
        "webhooks.endpoints[1].events: \"password.chnged\" is no event",
    ] {
        assert_eq!(
            refused.stderr.matches(expected).count(),
            1,
            "{expected}: {refused:?}"
        );
    }
    assert!(!refused.stderr.contains(&secret[6..]), "{refused:?}");
}
