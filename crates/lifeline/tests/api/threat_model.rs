//! `docs/threat-model.md` names a test for every mitigation; each must exist
//! where the page says, or the page is making claims nothing checks.

use std::path::Path;
use std::process::Command;

#[test]
fn every_test_the_threat_model_names_exists() {
    // Arrange
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");

    // Act
    let output = Command::new("bash")
        .arg("scripts/check-threat-model")
        .current_dir(&root)
        .output()
        .expect("bash runs");

    // Assert
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
