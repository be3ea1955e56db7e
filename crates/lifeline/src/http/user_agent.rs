//! A browser's `User-Agent` in plain words for the sessions page ("Firefox on
//! Linux"), read with `woothee` (a small table-driven parser without I/O).

/// What woothee answers when it does not know.
const UNKNOWN: &str = "UNKNOWN";

/// The browser and operating system `user_agent` names, in plain words; "Unknown
/// browser" when it names none (or no header was sent).
pub fn describe(user_agent: Option<&str>) -> String {
    let parsed = user_agent.and_then(|agent| woothee::parser::Parser::new().parse(agent));
    let known = |value: &str| !value.is_empty() && value != UNKNOWN;
    match parsed {
        Some(result) if known(result.name) && known(result.os) => {
            format!("{} on {}", result.name, result.os)
        }
        Some(result) if known(result.name) => result.name.to_string(),
        Some(result) if known(result.os) => format!("A browser on {}", result.os),
        _ => "Unknown browser".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_browsers_are_named_with_their_system() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome on Windows 10",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari on iPhone",
            ),
        ];
        for (agent, expected) in cases {
            assert_eq!(describe(Some(agent)), expected, "{agent}");
        }
    }

    #[test]
    fn a_missing_or_unknown_agent_is_an_unknown_browser() {
        assert_eq!(describe(None), "Unknown browser");
        assert_eq!(describe(Some("")), "Unknown browser");
        assert_eq!(describe(Some("curl-like/1.0")), "Unknown browser");
    }
}
