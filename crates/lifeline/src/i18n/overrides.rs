//! An operator's catalogs: `i18n.dir/<lang>/*.ftl`, read at start-up. A file replaces
//! the messages it names in that language, or, in a folder of a language not built in,
//! adds the language (which must then translate every message).

use std::path::Path;

use super::error::I18nError;
use super::source::Source;

/// The `.ftl` files of every language folder under `dir`, parsed, in a stable order.
pub fn sources(dir: &Path) -> Result<Vec<Source>, I18nError> {
    let mut found = Vec::new();
    for folder in sorted_entries(dir)? {
        if !folder.is_dir() {
            return Err(I18nError::Directory(format!(
                "{}: expected only language folders (such as `de/`)",
                folder.display()
            )));
        }
        let lang = folder
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if lang.parse::<unic_langid::LanguageIdentifier>().is_err() {
            return Err(I18nError::Directory(format!(
                "{}: the folder's name is not a language tag",
                folder.display()
            )));
        }
        for file in sorted_entries(&folder)? {
            if file.extension().and_then(|e| e.to_str()) != Some("ftl") {
                return Err(I18nError::Directory(format!(
                    "{}: not a .ftl file",
                    file.display()
                )));
            }
            let text = std::fs::read_to_string(&file)
                .map_err(|e| I18nError::Directory(format!("{}: {e}", file.display())))?;
            found.push(Source::parse(&lang, file.display().to_string(), text)?);
        }
    }
    Ok(found)
}

fn sorted_entries(dir: &Path) -> Result<Vec<std::path::PathBuf>, I18nError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| I18nError::Directory(format!("{}: {e}", dir.display())))?;
    let mut paths = entries
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| I18nError::Directory(format!("{}: {e}", dir.display())))?;
    paths.sort();
    Ok(paths)
}
