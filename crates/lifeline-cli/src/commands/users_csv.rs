//! The CSV file `lifeline users import` reads.
//!
//! The first line is a header naming the columns: `email` or `email,password_hash`. Each
//! further line is one account. A field may be quoted (`"…"`, with `""` for a quote), as
//! spreadsheet programs write it. An argon2 PHC string contains commas
//! (`m=19456,t=2,p=1`), so the `password_hash` column also takes everything after the first
//! comma of an unquoted line: both `a@example.com,$argon2id$v=19$m=19456,t=2,p=1$…` and
//! `a@example.com,"$argon2id$…"` work. An empty hash imports an account without a password
//! (it signs in by magic link, or sets one with a reset link).

use std::fmt;

use storage::{EmailAddress, EmailRejection, StorageError};

use lifeline::ops::{HashRejection, check_stored_hash};

/// Which columns the file has, from its header line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    /// `email`: accounts without passwords.
    Email,
    /// `email,password_hash`.
    EmailAndHash,
}

/// The header line is missing or names other columns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the first line must be the header `email` or `email,password_hash`")]
pub struct HeaderError;

/// One account to create.
pub struct Row {
    /// The address.
    pub email: EmailAddress,
    /// An argon2id PHC string, checked with [`check_stored_hash`]; `None` for no password.
    pub password_hash: Option<String>,
}

impl fmt::Debug for Row {
    /// Masks the address and leaves the hash out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Row")
            .field("email", &self.email)
            .field("has_password", &self.password_hash.is_some())
            .finish()
    }
}

/// Why a line was skipped. The text names the problem without repeating the line, which
/// may hold a password hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    /// The line is not valid UTF-8.
    #[error("the line is not valid UTF-8")]
    NotUtf8,
    /// A quoted field has no closing quote, or text follows its closing quote.
    #[error("a quoted field is not closed properly")]
    BadQuoting,
    /// A second column in a file whose header has one.
    #[error("the line has a second column but the header names only `email`")]
    ExtraColumn,
    /// The address was refused.
    #[error("invalid email address: {0}")]
    Email(EmailRejection),
    /// The hash cannot be verified by this service.
    #[error("{0}")]
    Hash(HashRejection),
}

/// Reads the header line (a UTF-8 byte-order mark and surrounding spaces are ignored, and
/// the names are case-insensitive).
pub fn parse_header(line: &str) -> Result<Columns, HeaderError> {
    let line = line.trim_start_matches('\u{feff}');
    let names: Vec<String> = line
        .split(',')
        .map(|name| name.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    match names.as_slice() {
        [email] if email == "email" => Ok(Columns::Email),
        [email, hash] if email == "email" && hash == "password_hash" => Ok(Columns::EmailAndHash),
        _ => Err(HeaderError),
    }
}

/// Reads one account line (without its line ending).
pub fn parse_row(line: &str, columns: Columns) -> Result<Row, RowError> {
    let (email, rest) = first_field(line)?;
    let hash = match (rest, columns) {
        (None, _) => None,
        (Some(_), Columns::Email) => return Err(RowError::ExtraColumn),
        (Some(rest), Columns::EmailAndHash) => Some(last_field(rest)?),
    };
    let email = EmailAddress::parse(&email).map_err(|error| match error {
        StorageError::InvalidEmail(rejection) => RowError::Email(rejection),
        _ => RowError::Email(EmailRejection::Empty),
    })?;
    let password_hash = hash.map(|h| h.trim().to_owned()).filter(|h| !h.is_empty());
    if let Some(hash) = &password_hash {
        check_stored_hash(hash).map_err(RowError::Hash)?;
    }
    Ok(Row {
        email,
        password_hash,
    })
}

/// The first field and, if there is a comma after it, the text after that comma.
fn first_field(line: &str) -> Result<(String, Option<&str>), RowError> {
    if let Some(quoted) = line.trim_start().strip_prefix('"') {
        let (value, after) = unquote(quoted)?;
        let after = after.trim_start();
        return match after.strip_prefix(',') {
            Some(rest) => Ok((value, Some(rest))),
            None if after.trim().is_empty() => Ok((value, None)),
            None => Err(RowError::BadQuoting),
        };
    }
    Ok(match line.split_once(',') {
        Some((field, rest)) => (field.to_owned(), Some(rest)),
        None => (line.to_owned(), None),
    })
}

/// The last field: quoted up to the end of the line, or the rest of the line verbatim.
fn last_field(rest: &str) -> Result<String, RowError> {
    match rest.trim_start().strip_prefix('"') {
        Some(quoted) => {
            let (value, after) = unquote(quoted)?;
            if after.trim().is_empty() {
                Ok(value)
            } else {
                Err(RowError::BadQuoting)
            }
        }
        None => Ok(rest.to_owned()),
    }
}

/// Reads a quoted field's text after its opening quote: the value and what follows the
/// closing quote.
fn unquote(text: &str) -> Result<(String, &str), RowError> {
    let mut value = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '"' {
            value.push(c);
        } else if chars.peek().is_some_and(|(_, next)| *next == '"') {
            value.push('"');
            chars.next();
        } else {
            return Ok((value, &text[at + 1..]));
        }
    }
    Err(RowError::BadQuoting)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const HASH: &str =
        "$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHQ$iWh06vD8Fy27wf9npn6FXWiCX4K6pW6Ue1Bnzz07Z8A";

    #[test]
    fn the_header_names_one_or_two_columns() {
        assert_eq!(parse_header("email"), Ok(Columns::Email));
        assert_eq!(parse_header("\u{feff}Email"), Ok(Columns::Email));
        assert_eq!(
            parse_header(" email , password_hash "),
            Ok(Columns::EmailAndHash)
        );
        assert_eq!(
            parse_header("\"email\",\"password_hash\""),
            Ok(Columns::EmailAndHash)
        );
        assert_eq!(parse_header("ada@example.com"), Err(HeaderError));
        assert_eq!(parse_header("email,password"), Err(HeaderError));
        assert_eq!(parse_header(""), Err(HeaderError));
    }

    #[test]
    fn an_unquoted_phc_string_keeps_its_commas() {
        let row = parse_row(&format!("Ada@Example.com,{HASH}"), Columns::EmailAndHash).unwrap();
        assert_eq!(row.email.as_str(), "ada@example.com");
        assert_eq!(row.password_hash.as_deref(), Some(HASH));
    }

    #[test]
    fn quoted_fields_are_unquoted() {
        let row = parse_row(
            &format!("\"ada@example.com\" , \"{HASH}\""),
            Columns::EmailAndHash,
        )
        .unwrap();
        assert_eq!(row.email.as_str(), "ada@example.com");
        assert_eq!(row.password_hash.as_deref(), Some(HASH));
    }

    #[test]
    fn an_empty_hash_means_no_password() {
        for line in [
            "ada@example.com",
            "ada@example.com,",
            "ada@example.com,\"\"",
        ] {
            let row = parse_row(line, Columns::EmailAndHash).unwrap();
            assert_eq!(row.password_hash, None, "{line}");
        }
    }

    #[test]
    fn bad_lines_are_refused_with_the_reason() {
        let cases = [
            (
                "not-an-address",
                Columns::Email,
                RowError::Email(EmailRejection::MissingAt),
            ),
            ("ada@example.com,x", Columns::Email, RowError::ExtraColumn),
            ("\"ada@example.com", Columns::Email, RowError::BadQuoting),
            ("\"ada@example.com\"x", Columns::Email, RowError::BadQuoting),
            (
                "ada@example.com,\"$argon2id\" trailing",
                Columns::EmailAndHash,
                RowError::BadQuoting,
            ),
            (
                "ada@example.com,plaintext-password",
                Columns::EmailAndHash,
                RowError::Hash(HashRejection::NotPhc),
            ),
            (
                "ada@example.com,$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
                Columns::EmailAndHash,
                RowError::Hash(HashRejection::NotPhc),
            ),
        ];
        for (line, columns, expected) in cases {
            assert_eq!(parse_row(line, columns).unwrap_err(), expected, "{line}");
        }
    }

    #[test]
    fn errors_and_debug_output_never_repeat_the_hash() {
        let error =
            parse_row("ada@example.com,$argon2id$secretish", Columns::EmailAndHash).unwrap_err();
        assert!(!error.to_string().contains("secretish"));
        let row = parse_row(&format!("ada@example.com,{HASH}"), Columns::EmailAndHash).unwrap();
        let printed = format!("{row:?}");
        assert!(
            !printed.contains("ada@example.com") && !printed.contains(HASH),
            "{printed}"
        );
    }

    proptest! {
        #[test]
        fn a_written_row_reads_back_quoted_or_not(
            local in "[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]",
            domain in "[a-z][a-z0-9-]{0,10}[a-z0-9]\\.[a-z]{2,6}",
            quote_email in any::<bool>(),
            quote_hash in any::<bool>(),
        ) {
            prop_assume!(!local.contains(".."));
            let email = format!("{local}@{domain}");
            let q = |text: &str, on: bool| if on { format!("\"{text}\"") } else { text.to_owned() };
            let line = format!("{},{}", q(&email, quote_email), q(HASH, quote_hash));
            let row = parse_row(&line, Columns::EmailAndHash).unwrap();
            prop_assert_eq!(row.email.as_str(), email.as_str());
            prop_assert_eq!(row.password_hash.as_deref(), Some(HASH));
        }

        #[test]
        fn parsing_arbitrary_lines_never_panics(line in "\\PC{0,80}") {
            let _ = parse_header(&line);
            let _ = parse_row(&line, Columns::Email);
            let _ = parse_row(&line, Columns::EmailAndHash);
        }
    }
}
