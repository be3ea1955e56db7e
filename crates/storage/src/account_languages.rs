//! The `account_languages` table: the language each account last used, so mail that no
//! request of the owner's caused (a password set by an operator or through the admin API)
//! still speaks it.
//!
//! Rows are keyed by the directory's account id with no foreign key (the account may live in
//! an application's own table); [`forget`] removes one when its account is deleted. A tag is
//! stored as it was chosen (`de`, `pt-BR`); whether it is still offered is the reader's check.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::{DbConnection, refusable};
use crate::error::StorageError;
use crate::schema::account_languages;

/// Longest tag stored, in bytes (BCP 47's practical limit, RFC 5646 §4.4.1).
pub const MAX_TAG_LEN: usize = 35;

/// The language account `user_id` last used, if one was recorded.
pub fn find(conn: &mut DbConnection, user_id: i64) -> Result<Option<String>, StorageError> {
    Ok(account_languages::table
        .find(user_id)
        .select(account_languages::lang)
        .first::<String>(conn)
        .optional()?)
}

/// Records `lang` as the language account `user_id` last used. Writes only when it changed,
/// so an account that keeps its language costs one read. A tag longer than [`MAX_TAG_LEN`]
/// is not recorded (the offered languages are short; a longer one was never offered).
pub fn remember(
    conn: &mut DbConnection,
    user_id: i64,
    lang: &str,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    if lang.is_empty() || lang.len() > MAX_TAG_LEN {
        return Ok(());
    }
    match find(conn, user_id)? {
        Some(stored) if stored == lang => {}
        Some(_) => update(conn, user_id, lang, now)?,
        None => {
            // A refused `INSERT` must leave the caller's transaction usable (`refusable`).
            let inserted = refusable(conn, |conn| {
                Ok(diesel::insert_into(account_languages::table)
                    .values((
                        account_languages::user_id.eq(user_id),
                        account_languages::lang.eq(lang),
                        account_languages::updated_at.eq(now),
                    ))
                    .execute(conn)?)
            });
            match inserted {
                Ok(_) => {}
                // Another caller recorded one since (a sign-in while the worker composes
                // its notice): the last word is this one.
                Err(StorageError::Conflict) => update(conn, user_id, lang, now)?,
                Err(error) => return Err(error),
            }
        }
    }
    Ok(())
}

fn update(
    conn: &mut DbConnection,
    user_id: i64,
    lang: &str,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    diesel::update(account_languages::table.find(user_id))
        .set((
            account_languages::lang.eq(lang),
            account_languages::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets the language of account `user_id` (its account was deleted). Returns whether a
/// row was removed.
pub fn forget(conn: &mut DbConnection, user_id: i64) -> Result<bool, StorageError> {
    let removed = diesel::delete(account_languages::table.find(user_id)).execute(conn)?;
    Ok(removed > 0)
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;
    use crate::testing::{fixed_now, for_each_backend};

    #[test]
    fn the_last_language_recorded_is_the_one_found() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();

            // Act
            let before = find(conn, 7).unwrap();
            remember(conn, 7, "de", now).unwrap();
            let first = find(conn, 7).unwrap();
            remember(conn, 7, "de", now + TimeDelta::minutes(1)).unwrap();
            remember(conn, 7, "ar", now + TimeDelta::minutes(2)).unwrap();

            // Assert
            assert_eq!(before, None);
            assert_eq!(first.as_deref(), Some("de"));
            assert_eq!(find(conn, 7).unwrap().as_deref(), Some("ar"));
            assert_eq!(find(conn, 8).unwrap(), None, "accounts are kept apart");
        });
    }

    #[test]
    fn an_unchanged_language_is_not_written_again() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            remember(conn, 1, "fr", now).unwrap();

            remember(conn, 1, "fr", now + TimeDelta::hours(1)).unwrap();

            let updated: NaiveDateTime = account_languages::table
                .find(1_i64)
                .select(account_languages::updated_at)
                .first(conn)
                .unwrap();
            assert_eq!(updated, now);
        });
    }

    #[test]
    fn an_empty_or_overlong_tag_is_not_recorded_and_forget_removes_the_row() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();

            remember(conn, 2, "", now).unwrap();
            remember(conn, 2, &"x".repeat(MAX_TAG_LEN + 1), now).unwrap();
            assert_eq!(find(conn, 2).unwrap(), None);

            remember(conn, 2, "es", now).unwrap();
            assert!(forget(conn, 2).unwrap());
            assert!(!forget(conn, 2).unwrap());
            assert_eq!(find(conn, 2).unwrap(), None);
        });
    }
}
