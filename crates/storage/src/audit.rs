//! The `audit_events` table: security-relevant events (reset requested, password changed,
//! "this wasn't me", sign-in failures), for the account owner and for operators.
//!
//! Client-supplied text (user agent, detail) is truncated to the column size instead of being
//! refused: an oversized header must not turn a request into an error, nor a missing audit row.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::{DbConnection, write_transaction};
use crate::error::StorageError;
use crate::purge::{self, Batch};
use crate::schema::audit_events;
use crate::text::truncate;

/// Longest stored event kind, in characters.
pub const MAX_KIND_CHARS: usize = 64;
/// Longest stored client address, in characters.
pub const MAX_IP_CHARS: usize = 64;
/// Longest stored user agent, in characters.
pub const MAX_USER_AGENT_CHARS: usize = 512;
/// Longest stored detail, in characters.
pub const MAX_DETAIL_CHARS: usize = 2000;

/// A recorded event.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    /// Primary key.
    pub id: i64,
    /// The account concerned, when known.
    pub user_id: Option<i64>,
    /// What happened, e.g. `password_changed`.
    pub kind: String,
    /// The client address.
    pub ip: Option<String>,
    /// The client's `User-Agent`.
    pub user_agent: Option<String>,
    /// Free-form detail; never a token, password or full address.
    pub detail: Option<String>,
    /// When it happened.
    pub created_at: NaiveDateTime,
}

/// What [`record`] needs.
#[derive(Clone, Copy, Debug)]
pub struct NewAuditEvent<'a> {
    /// The account concerned, when known.
    pub user_id: Option<i64>,
    /// What happened.
    pub kind: &'a str,
    /// The client address.
    pub ip: Option<&'a str>,
    /// The client's `User-Agent`.
    pub user_agent: Option<&'a str>,
    /// Free-form detail.
    pub detail: Option<&'a str>,
    /// When it happened.
    pub created_at: NaiveDateTime,
}

/// Stores an event, truncating each text field to its column size.
pub fn record(conn: &mut DbConnection, event: &NewAuditEvent<'_>) -> Result<(), StorageError> {
    write_transaction(conn, |conn| {
        diesel::insert_into(audit_events::table)
            .values((
                audit_events::user_id.eq(event.user_id),
                audit_events::kind.eq(truncate(event.kind, MAX_KIND_CHARS)),
                audit_events::ip.eq(event.ip.map(|ip| truncate(ip, MAX_IP_CHARS))),
                audit_events::user_agent.eq(event
                    .user_agent
                    .map(|ua| truncate(ua, MAX_USER_AGENT_CHARS))),
                audit_events::detail.eq(event.detail.map(|d| truncate(d, MAX_DETAIL_CHARS))),
                audit_events::created_at.eq(event.created_at),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// The account's latest `limit` events, newest first.
pub fn recent_for_user(
    conn: &mut DbConnection,
    user_id: i64,
    limit: u32,
) -> Result<Vec<AuditEvent>, StorageError> {
    Ok(audit_events::table
        .filter(audit_events::user_id.eq(user_id))
        .order((audit_events::created_at.desc(), audit_events::id.desc()))
        .limit(i64::from(limit))
        .select(AuditEvent::as_select())
        .load(conn)?)
}

/// One page of the account's events, newest first (by id, the order they were written):
/// at most `limit`, and only those older than the event `before` when given, so the last
/// id of a page asks for the next one. Events written meanwhile never shift a page.
pub fn page_for_user(
    conn: &mut DbConnection,
    user_id: i64,
    limit: u32,
    before: Option<i64>,
) -> Result<Vec<AuditEvent>, StorageError> {
    let mut query = audit_events::table
        .filter(audit_events::user_id.eq(user_id))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(audit_events::id.lt(before));
    }
    Ok(query
        .order(audit_events::id.desc())
        .limit(i64::from(limit))
        .select(AuditEvent::as_select())
        .load(conn)?)
}

/// Deletes events older than `older_than` (retention), in batches; returns how many.
pub fn purge(conn: &mut DbConnection, older_than: NaiveDateTime) -> Result<usize, StorageError> {
    purge::in_batches(conn, &mut || true, |conn, limit| {
        let ids: Vec<i64> = audit_events::table
            .filter(audit_events::created_at.lt(older_than))
            .select(audit_events::id)
            .limit(limit)
            .load(conn)?;
        let deleted = diesel::delete(audit_events::table.filter(audit_events::id.eq_any(&ids)))
            .execute(conn)?;
        Ok(Batch {
            found: ids.len(),
            deleted,
        })
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;
    use crate::testing::{create_user, fixed_now, for_each_backend};

    fn event(user_id: Option<i64>, kind: &str, minutes: i64) -> NewAuditEvent<'_> {
        NewAuditEvent {
            user_id,
            kind,
            ip: Some("198.51.100.4"),
            user_agent: Some("Mozilla/5.0"),
            detail: None,
            created_at: fixed_now() + TimeDelta::minutes(minutes),
        }
    }

    #[test]
    fn pages_come_newest_first_and_the_cursor_continues_after_the_last_id() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");
            let other = create_user(conn, "b@example.com");
            for minute in 0..5 {
                record(conn, &event(Some(user.id), "reset_requested", minute)).unwrap();
                record(conn, &event(Some(other.id), "reset_requested", minute)).unwrap();
            }
            let all = recent_for_user(conn, user.id, 10).unwrap();
            let ids: Vec<i64> = all.iter().map(|e| e.id).collect();

            // Act
            let first = page_for_user(conn, user.id, 2, None).unwrap();
            let second = page_for_user(conn, user.id, 2, Some(first[1].id)).unwrap();
            let third = page_for_user(conn, user.id, 2, Some(second[1].id)).unwrap();
            let past_the_end = page_for_user(conn, user.id, 2, Some(third[0].id)).unwrap();

            // Assert
            let paged: Vec<i64> = [first, second, third.clone()]
                .iter()
                .flatten()
                .map(|e| e.id)
                .collect();
            assert_eq!(paged, ids, "every event once, newest first");
            assert_eq!(third.len(), 1);
            assert!(past_the_end.is_empty());
            assert!(
                page_for_user(conn, other.id, 10, Some(ids[4]))
                    .unwrap()
                    .is_empty()
            );
        });
    }

    #[test]
    fn recorded_events_come_back_newest_first_for_their_user_only() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");
            let other = create_user(conn, "b@example.com");

            // Act
            record(conn, &event(Some(user.id), "reset_requested", 0)).unwrap();
            record(conn, &event(Some(user.id), "password_changed", 5)).unwrap();
            record(conn, &event(Some(other.id), "reset_requested", 1)).unwrap();
            record(conn, &event(None, "unknown_address", 2)).unwrap();

            // Assert
            let events = recent_for_user(conn, user.id, 10).unwrap();
            let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
            assert_eq!(kinds, vec!["password_changed", "reset_requested"]);
            assert_eq!(events[0].ip.as_deref(), Some("198.51.100.4"));
            assert_eq!(events[0].user_agent.as_deref(), Some("Mozilla/5.0"));
            assert_eq!(events[0].created_at, fixed_now() + TimeDelta::minutes(5));
        });
    }

    #[test]
    fn the_limit_keeps_the_newest_events() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");
            for minutes in 0..5 {
                record(conn, &event(Some(user.id), "sign_in", minutes)).unwrap();
            }
            let events = recent_for_user(conn, user.id, 2).unwrap();
            let times: Vec<NaiveDateTime> = events.iter().map(|e| e.created_at).collect();
            let newest = fixed_now() + TimeDelta::minutes(4);
            assert_eq!(times, vec![newest, newest - TimeDelta::minutes(1)]);
        });
    }

    #[test]
    fn oversized_client_text_is_truncated_not_refused() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");
            let agent = "é".repeat(5000);
            let detail = "d".repeat(9000);
            let kind = "k".repeat(100);

            // Act
            record(
                conn,
                &NewAuditEvent {
                    user_agent: Some(&agent),
                    detail: Some(&detail),
                    kind: &kind,
                    ..event(Some(user.id), "", 0)
                },
            )
            .unwrap();

            // Assert
            let stored = &recent_for_user(conn, user.id, 1).unwrap()[0];
            let agent_chars = stored.user_agent.as_ref().map(|ua| ua.chars().count());
            assert_eq!(agent_chars, Some(MAX_USER_AGENT_CHARS));
            assert_eq!(
                stored.detail.as_ref().map(String::len),
                Some(MAX_DETAIL_CHARS)
            );
            assert_eq!(stored.kind.len(), MAX_KIND_CHARS);
        });
    }

    #[test]
    fn events_survive_the_deletion_of_their_user() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");
            record(conn, &event(Some(user.id), "account_deleted", 0)).unwrap();

            // Act
            diesel::delete(crate::schema::users::table.find(user.id))
                .execute(&mut **conn)
                .unwrap();

            // Assert: the event stays and still names the account (no foreign key: ids may
            // come from a user directory outside the `users` table).
            let orphans: Vec<Option<i64>> = audit_events::table
                .select(audit_events::user_id)
                .load(&mut **conn)
                .unwrap();
            assert_eq!(orphans, vec![Some(user.id)]);
        });
    }

    #[test]
    fn purging_removes_only_events_before_the_cutoff() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            record(conn, &event(None, "old", -100)).unwrap();
            record(conn, &event(None, "new", 0)).unwrap();
            let purged = purge(conn, fixed_now() - TimeDelta::minutes(1)).unwrap();
            let left: Vec<String> = audit_events::table
                .select(audit_events::kind)
                .load(&mut **conn)
                .unwrap();
            assert_eq!(purged, 1);
            assert_eq!(left, vec!["new".to_owned()]);
        });
    }
}
