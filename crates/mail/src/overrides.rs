//! Compiled-in files that an operator's directory may replace one by one: the one loader
//! behind the email templates and the server's pages (and its stylesheet).
//!
//! The built-ins are compiled into the binary, so it runs from any working directory; an
//! override directory uses the same relative paths. A file there that replaces nothing is
//! refused, so a misspelt override stops start-up instead of being silently ignored.

use std::path::{Path, PathBuf};

/// An override directory could not be read, or holds a file that replaces nothing.
#[derive(Debug, thiserror::Error)]
#[error("{}: {reason}", path.display())]
pub struct OverrideError {
    /// The offending path.
    pub path: PathBuf,
    /// Why it was refused.
    pub reason: String,
}

/// The `builtin` files (relative path, text), each replaced by `dir/<relative path>` where
/// that file exists. Without a directory, the built-ins as they are.
///
/// Every file in `dir` and in its direct sub-folders must replace a built-in; any other
/// file is an error, as is an unreadable directory or file.
pub fn load_with_overrides(
    builtin: &[(&'static str, &'static str)],
    dir: Option<&Path>,
) -> Result<Vec<(&'static str, String)>, OverrideError> {
    let mut files: Vec<(&'static str, String)> = builtin
        .iter()
        .map(|(name, text)| (*name, (*text).to_owned()))
        .collect();
    let Some(dir) = dir else {
        return Ok(files);
    };
    reject_unknown(builtin, dir)?;
    for (name, text) in &mut files {
        let path = dir.join(*name);
        if path.is_file() {
            *text = std::fs::read_to_string(&path).map_err(|e| refuse(&path, &e.to_string()))?;
        }
    }
    Ok(files)
}

fn refuse(path: &Path, reason: &str) -> OverrideError {
    OverrideError {
        path: path.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Refuses the first file under `dir` (one level of sub-folders deep) that is no built-in.
fn reject_unknown(builtin: &[(&str, &str)], dir: &Path) -> Result<(), OverrideError> {
    let read = |path: &Path| std::fs::read_dir(path).map_err(|e| refuse(path, &e.to_string()));
    for entry in read(dir)? {
        let path = entry.map_err(|e| refuse(dir, &e.to_string()))?.path();
        let files = if path.is_dir() {
            read(&path)?
                .map(|e| {
                    e.map(|e| e.path())
                        .map_err(|e| refuse(&path, &e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?
        } else {
            vec![path]
        };
        for file in files {
            let relative = file.strip_prefix(dir).unwrap_or(&file);
            let known = relative
                .to_str()
                .is_some_and(|r| builtin.iter().any(|(name, _)| *name == r));
            if !known {
                let expected: Vec<&str> = builtin.iter().map(|(name, _)| *name).collect();
                let reason = format!(
                    "replaces no built-in file (expected one of {})",
                    expected.join(", ")
                );
                return Err(refuse(&file, &reason));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILTIN: [(&str, &str); 3] = [
        ("layout.html", "built-in layout"),
        ("page/body.txt", "built-in body"),
        ("style.css", "built-in style"),
    ];

    #[test]
    fn without_a_directory_the_built_ins_are_used() {
        let files = load_with_overrides(&BUILTIN, None).unwrap();

        assert_eq!(files[0], ("layout.html", "built-in layout".to_owned()));
        assert_eq!(files.len(), 3);
    }

    #[test]
    fn a_file_in_the_directory_or_a_sub_folder_replaces_its_built_in_only() {
        // Arrange
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("page")).unwrap();
        std::fs::write(dir.path().join("page/body.txt"), "mine").unwrap();
        std::fs::write(dir.path().join("style.css"), "my style").unwrap();

        // Act
        let files = load_with_overrides(&BUILTIN, Some(dir.path())).unwrap();

        // Assert
        assert_eq!(
            files,
            vec![
                ("layout.html", "built-in layout".to_owned()),
                ("page/body.txt", "mine".to_owned()),
                ("style.css", "my style".to_owned()),
            ]
        );
    }

    #[test]
    fn a_file_that_replaces_nothing_is_refused_with_its_path() {
        // Arrange
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("page")).unwrap();
        std::fs::write(dir.path().join("page/body.html"), "typo").unwrap();

        // Act
        let error = load_with_overrides(&BUILTIN, Some(dir.path())).unwrap_err();

        // Assert
        assert_eq!(error.path, dir.path().join("page/body.html"));
        assert!(
            error.to_string().contains("replaces no built-in file"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_directory_is_refused() {
        let missing = Path::new("/nonexistent/lifeline-overrides");

        let error = load_with_overrides(&BUILTIN, Some(missing)).unwrap_err();

        assert_eq!(error.path, missing);
    }
}
