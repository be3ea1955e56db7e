//! Decides, when the tests are built, whether their MySQL and PostgreSQL cases can run, so
//! that a case that cannot is reported as ignored with its reason instead of passing without
//! doing anything.
//!
//! - `mysql_tests_not_compiled`: the `mysql` feature is off.
//! - `mysql_tests_not_configured`: the feature is on but `LIFELINE_TEST_MYSQL_URL` is unset.
//! - `postgres_tests_not_compiled` and `postgres_tests_not_configured`: the same for the
//!   `postgres` feature and `LIFELINE_TEST_POSTGRES_URL`.
//!
//! - `ldap_tests_not_installed`: `slapd` is not installed and `LIFELINE_REQUIRE_LDAP=1` is
//!   not set (the `lifeline` binary's end-to-end tests against a real OpenLDAP server).
//!
//! Neither is set for a backend whose `LIFELINE_REQUIRE_…=1` is set: then a case that cannot
//! run fails (the test database helpers panic), which is what CI wants.

/// Each server backend: its name in the cfgs, its cargo feature, its URL and "require"
/// variables.
const BACKENDS: [(&str, &str, &str, &str); 2] = [
    (
        "mysql",
        "CARGO_FEATURE_MYSQL",
        "LIFELINE_TEST_MYSQL_URL",
        "LIFELINE_REQUIRE_MYSQL",
    ),
    (
        "postgres",
        "CARGO_FEATURE_POSTGRES",
        "LIFELINE_TEST_POSTGRES_URL",
        "LIFELINE_REQUIRE_POSTGRES",
    ),
];

fn main() {
    ldap();
    for (name, feature, url_env, require_env) in BACKENDS {
        println!("cargo::rerun-if-env-changed={url_env}");
        println!("cargo::rerun-if-env-changed={require_env}");
        println!("cargo::rustc-check-cfg=cfg({name}_tests_not_compiled)");
        println!("cargo::rustc-check-cfg=cfg({name}_tests_not_configured)");

        let required = std::env::var(require_env).is_ok_and(|value| value == "1");
        let compiled = std::env::var_os(feature).is_some();
        let configured = std::env::var(url_env).is_ok_and(|value| !value.is_empty());
        if required {
            continue;
        }
        if !compiled {
            println!("cargo::rustc-cfg={name}_tests_not_compiled");
        } else if !configured {
            println!("cargo::rustc-cfg={name}_tests_not_configured");
        }
    }
}

/// `ldap_tests_not_installed`, as crates/directory-ldap/build.rs decides it.
fn ldap() {
    println!("cargo::rerun-if-env-changed=LIFELINE_REQUIRE_LDAP");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rustc-check-cfg=cfg(ldap_tests_not_installed)");
    let required = std::env::var("LIFELINE_REQUIRE_LDAP").is_ok_and(|value| value == "1");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let installed = std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/bin", "/sbin"].map(Into::into))
        .any(|dir| dir.join("slapd").is_file());
    if !required && !installed {
        println!("cargo::rustc-cfg=ldap_tests_not_installed");
    }
}
