//! Decides, when the tests are built, whether the tests that run a real OpenLDAP server can
//! run, so that they are reported as ignored with the reason instead of passing without
//! doing anything.
//!
//! - `ldap_tests_not_installed`: `slapd` is not installed and `LIFELINE_REQUIRE_LDAP=1` is
//!   not set. With `LIFELINE_REQUIRE_LDAP=1` (CI) the tests run and fail when `slapd` is
//!   missing.

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-env-changed=LIFELINE_REQUIRE_LDAP");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rustc-check-cfg=cfg(ldap_tests_not_installed)");
    let required = std::env::var("LIFELINE_REQUIRE_LDAP").is_ok_and(|value| value == "1");
    if !required && !installed("slapd") {
        println!("cargo::rustc-cfg=ldap_tests_not_installed");
    }
}

fn installed(program: &str) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/bin", "/sbin"].map(Into::into))
        .any(|dir| Path::new(&dir).join(program).is_file())
}
