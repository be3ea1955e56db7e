//! How a failed command is reported: the error and its causes on one line, each said once.

/// `error: cause: cause …`, leaving out a cause whose text the message before it already
/// holds (an error that formats its source into its own message and also returns it as
/// its `source` would otherwise be printed twice).
pub fn report(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let cause = cause.to_string();
        if text.contains(&cause) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&cause);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("database query failed: {0}")]
    struct Repeats(#[source] std::io::Error);

    #[test]
    fn a_cause_already_in_the_message_is_printed_once() {
        let error = anyhow::Error::new(Repeats(std::io::Error::other("disk full")))
            .context("Failed to list users");
        assert_eq!(
            report(&error),
            "Failed to list users: database query failed: disk full"
        );
    }

    #[test]
    fn distinct_causes_are_all_printed() {
        let error = anyhow::Error::new(std::io::Error::other("permission denied"))
            .context("Failed to read lifeline.toml");
        assert_eq!(
            report(&error),
            "Failed to read lifeline.toml: permission denied"
        );
    }
}
