//! A browser's `User-Agent` in plain words for the sessions page ("Firefox on
//! Linux"), read with `woothee` (a small table-driven parser without I/O).

/// What woothee answers when it does not know.
const UNKNOWN: &str = "UNKNOWN";

/// The browser and operating system `user_agent` names, each when it names one.
pub fn parse(user_agent: Option<&str>) -> Browser {
    let parsed = user_agent.and_then(|agent| woothee::parser::Parser::new().parse(agent));
    let known = |value: &str| (!value.is_empty() && value != UNKNOWN).then(|| value.to_owned());
    Browser {
        name: parsed.as_ref().and_then(|r| known(r.name)),
        os: parsed.as_ref().and_then(|r| known(r.os)),
    }
}

/// A browser as a `User-Agent` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Browser {
    /// The browser's name ("Firefox"), if known.
    pub name: Option<String>,
    /// The operating system ("Linux"), if known.
    pub os: Option<String>,
}

impl Browser {
    /// In plain words, in the page's language ("Firefox on Linux", "Unknown browser").
    pub fn describe(&self, pages: &crate::pages::Pages) -> String {
        let mut args = crate::i18n::FluentArgs::new();
        args.set("name", self.name.clone().unwrap_or_else(|| NONE.into()));
        args.set("os", self.os.clone().unwrap_or_else(|| NONE.into()));
        pages.text("browser-description", Some(&args))
    }
}

/// What the `browser-description` message is given for a part the `User-Agent` does not name.
const NONE: &str = "none";

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
            let browser = parse(Some(agent));
            let said = format!("{} on {}", browser.name.unwrap(), browser.os.unwrap());
            assert_eq!(said, expected, "{agent}");
        }
    }

    #[test]
    fn a_missing_or_unknown_agent_names_nothing() {
        let nothing = Browser {
            name: None,
            os: None,
        };
        assert_eq!(parse(None), nothing);
        assert_eq!(parse(Some("")), nothing);
        assert_eq!(parse(Some("curl-like/1.0")), nothing);
    }
}
