//! "Did you mean …?" for a misspelt setting or environment variable.

/// The candidate closest to `typed`, if it is close enough to be what was meant: at most
/// two edits (a letter swapped, missing, added or changed counts as one, so does `_` for
/// `__`), or a third for names longer than twelve characters. Letter case is ignored.
pub(crate) fn closest<'a>(
    typed: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let typed = typed.to_ascii_lowercase();
    let allowed = if typed.len() > 12 { 3 } else { 2 };
    candidates
        .map(|candidate| {
            let distance = strsim::damerau_levenshtein(&typed, &candidate.to_ascii_lowercase());
            (distance, candidate)
        })
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 5] = [
        "LIFELINE_MODE",
        "LIFELINE_SERVER__PUBLIC_URL",
        "LIFELINE_SERVER__BIND",
        "LIFELINE_CONFIG",
        "LIFELINE_LOG__FILTER",
    ];

    fn suggest(typed: &str) -> Option<&'static str> {
        closest(typed, NAMES.into_iter())
    }

    #[test]
    fn a_single_underscore_instead_of_a_double_one_is_recognised() {
        assert_eq!(
            suggest("LIFELINE_SERVER_PUBLIC_URL"),
            Some("LIFELINE_SERVER__PUBLIC_URL")
        );
        assert_eq!(suggest("LIFELINE_LOG_FILTER"), Some("LIFELINE_LOG__FILTER"));
    }

    #[test]
    fn swapped_missing_and_extra_letters_are_recognised() {
        assert_eq!(suggest("LIFELINE_MDOE"), Some("LIFELINE_MODE"));
        assert_eq!(suggest("LIFELINE_MOD"), Some("LIFELINE_MODE"));
        assert_eq!(suggest("LIFELINE_CONFIGG"), Some("LIFELINE_CONFIG"));
        assert_eq!(
            suggest("lifeline_server__pubilc_url"),
            Some("LIFELINE_SERVER__PUBLIC_URL")
        );
    }

    #[test]
    fn a_name_far_from_every_candidate_gets_no_suggestion() {
        assert_eq!(suggest("LIFELINE_DATABASE"), None);
        assert_eq!(suggest("LIFELINE_X"), None);
    }

    #[test]
    fn the_closest_candidate_wins() {
        assert_eq!(
            suggest("LIFELINE_SERVER__BIN"),
            Some("LIFELINE_SERVER__BIND")
        );
    }
}
