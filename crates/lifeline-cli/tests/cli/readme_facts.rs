//! Facts the README and the guides state about building and running, checked against the
//! workspace: the minimum Rust version, where the built binary goes, and the ports the demo
//! and the embedding example take, and the feature that builds the LDAP plugin in.

use std::path::Path;

use clap::CommandFactory;
use lifeline_cli::cli::Cli;

const README: &str = include_str!("../../../../README.md");
const EMBEDDING: &str = include_str!("../../../../docs/integrating.md");

/// The README's section that a new reader starts with.
fn get_going() -> &'static str {
    let start = README.find("## Get going").expect("a Get going section");
    let rest = &README[start..];
    let end = rest[2..].find("\n## ").map_or(rest.len(), |end| end + 2);
    &rest[..end]
}

#[test]
fn the_readme_states_the_workspace_s_minimum_rust_version() {
    let rust_version = env!("CARGO_PKG_RUST_VERSION");
    assert!(!rust_version.is_empty(), "the workspace sets rust-version");
    assert!(
        get_going().contains(&format!("Rust {rust_version} or newer")),
        "the Get going section must say \"Rust {rust_version} or newer\""
    );
}

#[test]
fn the_readme_says_where_the_built_binary_is_and_how_to_install_it() {
    let binary = Path::new(env!("CARGO_BIN_EXE_lifeline"))
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .strip_prefix(root.canonicalize().unwrap())
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let section = get_going();

    assert!(
        section.contains(&format!("`target/release/{binary}`")),
        "{section}"
    );
    assert!(
        section.contains(&format!("`cargo install --path {crate_dir}`")),
        "{section}"
    );
}

#[test]
fn the_embedding_example_and_the_demo_take_different_ports() {
    let demo = Cli::command();
    let port = demo
        .find_subcommand("demo")
        .and_then(|demo| demo.get_arguments().find(|arg| arg.get_id() == "port"))
        .and_then(|port| port.get_default_values().first())
        .and_then(|port| port.to_str())
        .expect("demo --port has a default")
        .to_owned();
    let example = EMBEDDING
        .split_once("It serves the host's own pages at `http://127.0.0.1:")
        .and_then(|(_, rest)| rest.split_once('/'))
        .map(|(port, _)| port)
        .expect("the guide names the example's port");

    assert_ne!(port, example);
}

#[test]
fn the_readme_builds_the_ldap_plugin_in_with_a_feature_the_binary_has() {
    let manifest: toml::Table =
        toml::from_str(include_str!("../../Cargo.toml")).expect("Cargo.toml");
    let section = get_going();

    assert_eq!(
        manifest["features"]["ldap"].as_array().map(Vec::as_slice),
        Some([toml::Value::from("dep:directory-ldap")].as_slice())
    );
    assert!(
        section.contains("`cargo build --release -p lifeline-cli --features ldap`"),
        "{section}"
    );
}
