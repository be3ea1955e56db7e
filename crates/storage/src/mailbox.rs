//! The `mailbox` table: messages kept by the development mail transport, shown at
//! `/dev/mailbox`. Production configurations refuse that transport, so this table stays empty
//! there.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::{DbConnection, write_transaction};
use crate::error::StorageError;
use crate::schema::mailbox;

/// A kept message.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = mailbox)]
pub struct Mail {
    /// Primary key.
    pub id: i64,
    /// The address it was sent to.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML body, when the message has one.
    pub body_html: Option<String>,
    /// The Message-ID header.
    pub message_id: String,
    /// When it was "sent".
    pub created_at: NaiveDateTime,
}

/// What [`insert`] needs.
#[derive(Clone, Copy, Debug)]
pub struct NewMail<'a> {
    /// The address it was sent to.
    pub recipient: &'a str,
    /// Subject line.
    pub subject: &'a str,
    /// Plain-text body.
    pub body_text: &'a str,
    /// HTML body, when the message has one.
    pub body_html: Option<&'a str>,
    /// The Message-ID header.
    pub message_id: &'a str,
    /// When it was "sent".
    pub created_at: NaiveDateTime,
}

/// Keeps a message.
pub fn insert(conn: &mut DbConnection, mail: &NewMail<'_>) -> Result<(), StorageError> {
    write_transaction(conn, |conn| {
        diesel::insert_into(mailbox::table)
            .values((
                mailbox::recipient.eq(mail.recipient),
                mailbox::subject.eq(mail.subject),
                mailbox::body_text.eq(mail.body_text),
                mailbox::body_html.eq(mail.body_html),
                mailbox::message_id.eq(mail.message_id),
                mailbox::created_at.eq(mail.created_at),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// The latest `limit` messages, newest first.
pub fn list_recent(conn: &mut DbConnection, limit: u32) -> Result<Vec<Mail>, StorageError> {
    Ok(mailbox::table
        .order(mailbox::id.desc())
        .limit(i64::from(limit))
        .select(Mail::as_select())
        .load(conn)?)
}

/// The latest `limit` messages to `recipient`, newest first (tests read their links here).
pub fn list_for_recipient(
    conn: &mut DbConnection,
    recipient: &str,
    limit: u32,
) -> Result<Vec<Mail>, StorageError> {
    Ok(mailbox::table
        .filter(mailbox::recipient.eq(recipient))
        .order(mailbox::id.desc())
        .limit(i64::from(limit))
        .select(Mail::as_select())
        .load(conn)?)
}

/// One message by id.
pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Mail>, StorageError> {
    Ok(mailbox::table
        .find(id)
        .select(Mail::as_select())
        .first(conn)
        .optional()?)
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;
    use crate::testing::{fixed_now, for_each_backend};

    fn mail<'a>(recipient: &'a str, subject: &'a str) -> NewMail<'a> {
        NewMail {
            recipient,
            subject,
            body_text: "Open https://lifeline.example/password/reset?token=lr1_x",
            body_html: Some("<p>Open the link</p>"),
            message_id: "<abc@lifeline.example>",
            created_at: fixed_now(),
        }
    }

    #[test]
    fn kept_messages_are_listed_newest_first_and_found_by_id() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();

            // Act
            insert(conn, &mail("a@example.com", "first")).unwrap();
            insert(
                conn,
                &NewMail {
                    body_html: None,
                    created_at: fixed_now() + TimeDelta::seconds(1),
                    ..mail("b@example.com", "second")
                },
            )
            .unwrap();

            // Assert
            let listed = list_recent(conn, 10).unwrap();
            let subjects: Vec<&str> = listed.iter().map(|m| m.subject.as_str()).collect();
            assert_eq!(subjects, vec!["second", "first"]);
            let first = find(conn, listed[1].id).unwrap().unwrap();
            assert_eq!(first.recipient, "a@example.com");
            assert_eq!(first.body_html.as_deref(), Some("<p>Open the link</p>"));
            assert_eq!(first.message_id, "<abc@lifeline.example>");
            assert_eq!(first.created_at, fixed_now());
            assert_eq!(listed[0].body_html, None);
        });
    }

    #[test]
    fn listing_respects_the_limit_and_the_recipient() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            for subject in ["1", "2", "3"] {
                insert(conn, &mail("a@example.com", subject)).unwrap();
            }
            insert(conn, &mail("b@example.com", "other")).unwrap();

            let recent = list_recent(conn, 2).unwrap();
            let for_a = list_for_recipient(conn, "a@example.com", 10).unwrap();

            assert_eq!(recent.len(), 2);
            let subjects: Vec<&str> = for_a.iter().map(|m| m.subject.as_str()).collect();
            assert_eq!(subjects, vec!["3", "2", "1"]);
        });
    }

    #[test]
    fn a_missing_message_is_none() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            assert_eq!(find(conn, 12345).unwrap(), None);
        });
    }
}
