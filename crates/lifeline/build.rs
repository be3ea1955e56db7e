//! Decides, when the tests are built, whether their MySQL cases can run, so that a case that
//! cannot is reported as ignored with its reason instead of passing without doing anything.
//!
//! - `mysql_tests_not_compiled`: the `mysql` feature is off.
//! - `mysql_tests_not_configured`: the feature is on but `LIFELINE_TEST_MYSQL_URL` is unset.
//!
//! Neither is set when `LIFELINE_REQUIRE_MYSQL=1`: then a MySQL case that cannot run fails
//! (the test database helpers panic), which is what CI wants.

const URL_ENV: &str = "LIFELINE_TEST_MYSQL_URL";
const REQUIRE_ENV: &str = "LIFELINE_REQUIRE_MYSQL";

fn main() {
    println!("cargo::rerun-if-env-changed={URL_ENV}");
    println!("cargo::rerun-if-env-changed={REQUIRE_ENV}");
    println!("cargo::rustc-check-cfg=cfg(mysql_tests_not_compiled)");
    println!("cargo::rustc-check-cfg=cfg(mysql_tests_not_configured)");

    let required = std::env::var(REQUIRE_ENV).is_ok_and(|value| value == "1");
    let compiled = std::env::var_os("CARGO_FEATURE_MYSQL").is_some();
    let configured = std::env::var(URL_ENV).is_ok_and(|value| !value.is_empty());
    if required {
        return;
    }
    if !compiled {
        println!("cargo::rustc-cfg=mysql_tests_not_compiled");
    } else if !configured {
        println!("cargo::rustc-cfg=mysql_tests_not_configured");
    }
}
