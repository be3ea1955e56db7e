//! Bounding free text before it reaches a column of limited size.

/// The first `max_chars` characters of `text` (never splitting a character).
///
/// Columns that hold attacker-influenced text (user agents, error messages) are bounded, and
/// the repositories truncate rather than fail, so an oversized header cannot turn a request
/// into an error.
pub(crate) fn truncate(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_characters_not_bytes() {
        assert_eq!(truncate("héllo", 2), "hé");
        assert_eq!(truncate("héllo", 5), "héllo");
        assert_eq!(truncate("héllo", 50), "héllo");
        assert_eq!(truncate("", 3), "");
    }
}
