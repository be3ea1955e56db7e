//! Reading links out of the mail the SMTP sink received.

/// The token of the first link with a `token=` parameter whose value starts with `prefix`
/// (`lr1_` for reset links) in the text part of `message` (raw RFC 5322 bytes), decoded from
/// whatever transfer encoding the sender chose.
pub fn link_token(message: &[u8], prefix: &str) -> Option<String> {
    let parsed = mailparse::parse_mail(message).ok()?;
    let text = std::iter::once(&parsed)
        .chain(parsed.subparts.iter())
        .find(|part| part.ctype.mimetype == "text/plain")?
        .get_body()
        .ok()?;
    text.split("token=").skip(1).find_map(|rest| {
        let token: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        token.starts_with(prefix).then_some(token)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIL: &str = "From: a@example.com\r\nTo: b@example.com\r\nSubject: s\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: text/plain; charset=utf-8\r\n\
        Content-Transfer-Encoding: quoted-printable\r\n\r\n\
        Not you? http://x/password/not-me?token=3Dln1_NOTME\r\n\
        Reset: http://x/password/reset?token=3Dlr1_abc-DEF_=\r\n\
        123 thanks\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--b--\r\n";

    #[test]
    fn the_reset_token_is_read_from_the_decoded_text_part() {
        // Act
        let token = link_token(MAIL.as_bytes(), "lr1_");

        // Assert: the soft line break inside the token is undone, the other link skipped.
        assert_eq!(token.as_deref(), Some("lr1_abc-DEF_123"));
    }

    #[test]
    fn a_mail_without_such_a_link_has_no_token() {
        // Act / Assert
        assert_eq!(link_token(MAIL.as_bytes(), "lm1_"), None);
        assert_eq!(link_token(b"not a mail at all", "lr1_"), None);
    }
}
