//! The `users` table: accounts, their password hashes and their authentication epoch.

use std::fmt;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::{DbConnection, write_transaction};
use crate::email::{EmailAddress, mask};
use crate::error::StorageError;
use crate::schema::users;

/// An account.
#[derive(Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    /// Primary key.
    pub id: i64,
    /// The normalised address ([`EmailAddress::as_str`]); unique.
    pub email: String,
    /// The address mail is sent to ([`EmailAddress::display`]).
    pub display_email: String,
    /// An argon2 PHC string; `None` for accounts that only sign in by magic link.
    pub password_hash: Option<String>,
    /// Bound into every token; bumping it voids every outstanding link of the account.
    pub auth_epoch: i64,
    /// Password resets are refused until this time (set by "this wasn't me").
    pub resets_paused_until: Option<NaiveDateTime>,
    /// When the account was created.
    pub created_at: NaiveDateTime,
    /// When the account last changed.
    pub updated_at: NaiveDateTime,
    /// When an operator disabled the account; `None` while it is enabled.
    pub disabled_at: Option<NaiveDateTime>,
}

impl fmt::Debug for User {
    /// Masks the address and never prints the password hash.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &mask(&self.email))
            .field("has_password", &self.password_hash.is_some())
            .field("auth_epoch", &self.auth_epoch)
            .field("resets_paused_until", &self.resets_paused_until)
            .field("disabled_at", &self.disabled_at)
            .finish_non_exhaustive()
    }
}

/// What [`create`] needs.
#[derive(Clone, Copy, Debug)]
pub struct NewUser<'a> {
    /// The parsed address.
    pub email: &'a EmailAddress,
    /// An argon2 PHC string, if the account has a password.
    pub password_hash: Option<&'a str>,
    /// Creation time (UTC).
    pub now: NaiveDateTime,
}

/// Creates an account; [`StorageError::Conflict`] when the address is taken.
pub fn create(conn: &mut DbConnection, new_user: &NewUser<'_>) -> Result<User, StorageError> {
    write_transaction(conn, |conn| {
        diesel::insert_into(users::table)
            .values((
                users::email.eq(new_user.email.as_str()),
                users::display_email.eq(new_user.email.display()),
                users::password_hash.eq(new_user.password_hash),
                users::auth_epoch.eq(0),
                users::created_at.eq(new_user.now),
                users::updated_at.eq(new_user.now),
            ))
            .execute(conn)?;
        users::table
            .filter(users::email.eq(new_user.email.as_str()))
            .select(User::as_select())
            .first(conn)
            .map_err(StorageError::from)
    })
}

/// The account with this (normalised) address, if any.
pub fn find_by_email(
    conn: &mut DbConnection,
    email: &EmailAddress,
) -> Result<Option<User>, StorageError> {
    Ok(users::table
        .filter(users::email.eq(email.as_str()))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// The account with this id, if any.
pub fn find_by_id(conn: &mut DbConnection, id: i64) -> Result<Option<User>, StorageError> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// Stores a new password hash and bumps the account's `auth_epoch` in the same statement,
/// returning the new epoch.
///
/// The two change together on purpose: a password change must void every link and session
/// issued before it, and no reader may see the new hash with the old epoch.
pub fn set_password_hash(
    conn: &mut DbConnection,
    id: i64,
    password_hash: &str,
    now: NaiveDateTime,
) -> Result<i64, StorageError> {
    write_transaction(conn, |conn| {
        let changed = diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(password_hash),
                users::auth_epoch.eq(users::auth_epoch + 1),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        current_epoch(conn, id, changed)
    })
}

/// Voids the account's password ("this wasn't me" after a password change): the hash becomes
/// `NULL` and the epoch is bumped in one statement, so no reader sees the account without a
/// password at the old epoch or with the old password at the new one. Returns the new epoch;
/// [`StorageError::NotFound`] if there is no account `id`.
pub fn clear_password_hash(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
) -> Result<i64, StorageError> {
    write_transaction(conn, |conn| {
        let changed = diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(None::<String>),
                users::auth_epoch.eq(users::auth_epoch + 1),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        current_epoch(conn, id, changed)
    })
}

/// Bumps the account's `auth_epoch` (sign out everywhere, void every link) and returns the
/// new value.
pub fn bump_auth_epoch(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
) -> Result<i64, StorageError> {
    write_transaction(conn, |conn| {
        let changed = diesel::update(users::table.find(id))
            .set((
                users::auth_epoch.eq(users::auth_epoch + 1),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        current_epoch(conn, id, changed)
    })
}

fn current_epoch(conn: &mut DbConnection, id: i64, changed: usize) -> Result<i64, StorageError> {
    if changed == 0 {
        return Err(StorageError::NotFound("user"));
    }
    Ok(users::table
        .find(id)
        .select(users::auth_epoch)
        .first(conn)?)
}

/// Refuses password resets for the account until `until` ("this wasn't me").
pub fn pause_resets(
    conn: &mut DbConnection,
    id: i64,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    write_transaction(conn, |conn| {
        let changed = diesel::update(users::table.find(id))
            .set((
                users::resets_paused_until.eq(Some(until)),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        if changed == 0 {
            return Err(StorageError::NotFound("user"));
        }
        Ok(())
    })
}

/// Ends a "this wasn't me" pause at once: resets and sign-in links are mailed again.
pub fn lift_reset_pause(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    write_transaction(conn, |conn| {
        let changed = diesel::update(users::table.find(id))
            .set((
                users::resets_paused_until.eq(None::<NaiveDateTime>),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        if changed == 0 {
            return Err(StorageError::NotFound("user"));
        }
        Ok(())
    })
}

/// Disables the account (an operator's decision): records when and bumps `auth_epoch` in
/// the same statement, so every link and session of the account dies with it. Disabling a
/// disabled account keeps its first time and still bumps the epoch. Returns the new epoch.
pub fn disable(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> Result<i64, StorageError> {
    write_transaction(conn, |conn| {
        let changed = diesel::update(users::table.find(id))
            .set((
                users::auth_epoch.eq(users::auth_epoch + 1),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        diesel::update(users::table.find(id).filter(users::disabled_at.is_null()))
            .set(users::disabled_at.eq(Some(now)))
            .execute(conn)?;
        current_epoch(conn, id, changed)
    })
}

/// Enables a disabled account again. Its links and sessions stay void (they died when it
/// was disabled); the person asks for a new link or signs in again.
pub fn enable(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> Result<(), StorageError> {
    write_transaction(conn, |conn| {
        let changed = diesel::update(users::table.find(id))
            .set((
                users::disabled_at.eq(None::<NaiveDateTime>),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        if changed == 0 {
            return Err(StorageError::NotFound("user"));
        }
        Ok(())
    })
}

/// Deletes the account and revokes its live links in one transaction. Its audit events
/// stay (they carry the id, not a foreign key) until retention purges them.
pub fn delete(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> Result<(), StorageError> {
    write_transaction(conn, |conn| {
        let deleted = diesel::delete(users::table.find(id)).execute(conn)?;
        if deleted == 0 {
            return Err(StorageError::NotFound("user"));
        }
        crate::tokens::revoke_all_for_user(conn, id, now)?;
        Ok(())
    })
}

/// Accounts ordered by id, `limit` at a time, starting after `after_id` (keyset paging: pass
/// the last id of one page to get the next).
pub fn list(
    conn: &mut DbConnection,
    after_id: Option<i64>,
    limit: u32,
) -> Result<Vec<User>, StorageError> {
    Ok(users::table
        .filter(users::id.gt(after_id.unwrap_or(0)))
        .order(users::id.asc())
        .limit(i64::from(limit))
        .select(User::as_select())
        .load(conn)?)
}

/// Number of accounts.
pub fn count(conn: &mut DbConnection) -> Result<i64, StorageError> {
    Ok(users::table.count().get_result(conn)?)
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;
    use crate::testing::{create_user, fixed_now, for_each_backend};

    fn email(text: &str) -> EmailAddress {
        EmailAddress::parse(text).unwrap()
    }

    #[test]
    fn a_created_user_is_found_by_normalised_address_and_by_id() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let address = email("Alice@Example.com");

            // Act
            let created = create(
                conn,
                &NewUser {
                    email: &address,
                    password_hash: Some("$argon2id$hash"),
                    now: fixed_now(),
                },
            )
            .unwrap();

            // Assert
            assert_eq!(created.email, "alice@example.com");
            assert_eq!(created.display_email, "Alice@example.com");
            assert_eq!(created.password_hash.as_deref(), Some("$argon2id$hash"));
            assert_eq!(created.auth_epoch, 0);
            assert_eq!(created.created_at, fixed_now());
            let by_email = find_by_email(conn, &email("ALICE@example.COM")).unwrap();
            assert_eq!(by_email.as_ref(), Some(&created));
            assert_eq!(find_by_id(conn, created.id).unwrap(), Some(created));
        });
    }

    #[test]
    fn unknown_users_are_none() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            assert_eq!(
                find_by_email(conn, &email("nobody@example.com")).unwrap(),
                None
            );
            assert_eq!(find_by_id(conn, 4242).unwrap(), None);
        });
    }

    #[test]
    fn a_second_account_with_the_same_address_in_other_case_is_a_conflict() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            create_user(conn, "bob@example.com");

            // Act
            let result = create(
                conn,
                &NewUser {
                    email: &email("BOB@example.com"),
                    password_hash: None,
                    now: fixed_now(),
                },
            );

            // Assert
            assert!(matches!(result, Err(StorageError::Conflict)), "{result:?}");
            assert_eq!(count(conn).unwrap(), 1);
        });
    }

    #[test]
    fn setting_a_password_hash_bumps_the_epoch() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "carol@example.com");
            let later = fixed_now() + TimeDelta::minutes(5);

            // Act
            let epoch = set_password_hash(conn, user.id, "$argon2id$new", later).unwrap();

            // Assert
            let stored = find_by_id(conn, user.id).unwrap().unwrap();
            assert_eq!(epoch, 1);
            assert_eq!(stored.auth_epoch, 1);
            assert_eq!(stored.password_hash.as_deref(), Some("$argon2id$new"));
            assert_eq!(stored.updated_at, later);
        });
    }

    #[test]
    fn clearing_the_password_voids_the_hash_and_bumps_the_epoch() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "erin@example.com");
            set_password_hash(conn, user.id, "$argon2id$intruder", fixed_now()).unwrap();
            let later = fixed_now() + TimeDelta::minutes(5);

            // Act
            let epoch = clear_password_hash(conn, user.id, later).unwrap();

            // Assert
            let stored = find_by_id(conn, user.id).unwrap().unwrap();
            assert_eq!(epoch, 2);
            assert_eq!(stored.auth_epoch, 2);
            assert_eq!(stored.password_hash, None);
            assert_eq!(stored.updated_at, later);
            assert!(matches!(
                clear_password_hash(conn, 4242, later),
                Err(StorageError::NotFound(_))
            ));
        });
    }

    #[test]
    fn bumping_the_epoch_counts_up_and_keeps_the_password() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "dave@example.com");

            // Act
            let first = bump_auth_epoch(conn, user.id, fixed_now()).unwrap();
            let second = bump_auth_epoch(conn, user.id, fixed_now()).unwrap();

            // Assert
            assert_eq!((first, second), (1, 2));
            let stored = find_by_id(conn, user.id).unwrap().unwrap();
            assert_eq!(stored.password_hash, user.password_hash);
        });
    }

    #[test]
    fn updating_a_missing_user_is_not_found() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            assert!(matches!(
                set_password_hash(conn, 99, "h", now),
                Err(StorageError::NotFound("user"))
            ));
            assert!(matches!(
                bump_auth_epoch(conn, 99, now),
                Err(StorageError::NotFound("user"))
            ));
            assert!(matches!(
                pause_resets(conn, 99, now, now),
                Err(StorageError::NotFound("user"))
            ));
        });
    }

    #[test]
    fn pausing_resets_records_until_when() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "erin@example.com");
            let until = fixed_now() + TimeDelta::days(1);

            // Act
            pause_resets(conn, user.id, until, fixed_now()).unwrap();

            // Assert
            let stored = find_by_id(conn, user.id).unwrap().unwrap();
            assert_eq!(stored.resets_paused_until, Some(until));
        });
    }

    #[test]
    fn lifting_a_pause_clears_it() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "fay@example.com");
            pause_resets(conn, user.id, fixed_now() + TimeDelta::days(1), fixed_now()).unwrap();

            // Act
            lift_reset_pause(conn, user.id, fixed_now()).unwrap();

            // Assert
            let stored = find_by_id(conn, user.id).unwrap().unwrap();
            assert_eq!(stored.resets_paused_until, None);
            assert!(matches!(
                lift_reset_pause(conn, 99, fixed_now()),
                Err(StorageError::NotFound("user"))
            ));
        });
    }

    #[test]
    fn disabling_records_when_and_voids_every_link_and_session() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "gina@example.com");
            let later = fixed_now() + TimeDelta::minutes(5);

            // Act
            let first = disable(conn, user.id, fixed_now()).unwrap();
            let second = disable(conn, user.id, later).unwrap();

            // Assert: the first time stays, the epoch moves each time, the password stays.
            assert_eq!((first, second), (1, 2));
            let stored = find_by_id(conn, user.id).unwrap().unwrap();
            assert_eq!(stored.disabled_at, Some(fixed_now()));
            assert_eq!(stored.updated_at, later);
            assert_eq!(stored.password_hash, user.password_hash);
        });
    }

    #[test]
    fn enabling_clears_the_disabled_time_and_keeps_the_epoch() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "hal@example.com");
            disable(conn, user.id, fixed_now()).unwrap();

            // Act
            enable(conn, user.id, fixed_now()).unwrap();

            // Assert
            let stored = find_by_id(conn, user.id).unwrap().unwrap();
            assert_eq!(stored.disabled_at, None);
            assert_eq!(stored.auth_epoch, 1);
        });
    }

    #[test]
    fn deleting_removes_the_account_and_revokes_its_links() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "ivy@example.com");
            let other = create_user(conn, "jon@example.com");
            let lookup = token_core::LookupHash::from_bytes([7; 32]);
            crate::tokens::issue(
                conn,
                &crate::tokens::NewToken {
                    purpose: token_core::Purpose::PasswordReset,
                    user_id: user.id,
                    hash: lookup,
                    expires_at: fixed_now() + TimeDelta::minutes(30),
                    created_at: fixed_now(),
                    created_ip: None,
                },
            )
            .unwrap();

            // Act
            delete(conn, user.id, fixed_now()).unwrap();

            // Assert
            assert_eq!(find_by_id(conn, user.id).unwrap(), None);
            assert_eq!(find_by_id(conn, other.id).unwrap(), Some(other));
            let live = crate::tokens::find_live(
                conn,
                &lookup,
                token_core::Purpose::PasswordReset,
                fixed_now(),
            )
            .unwrap();
            assert!(live.is_none());
        });
    }

    #[test]
    fn disabling_enabling_or_deleting_a_missing_user_is_not_found() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            assert!(matches!(
                disable(conn, 99, now),
                Err(StorageError::NotFound("user"))
            ));
            assert!(matches!(
                enable(conn, 99, now),
                Err(StorageError::NotFound("user"))
            ));
            assert!(matches!(
                delete(conn, 99, now),
                Err(StorageError::NotFound("user"))
            ));
        });
    }

    #[test]
    fn listing_pages_through_every_user_in_id_order() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let ids: Vec<i64> = (0..5)
                .map(|i| create_user(conn, &format!("user{i}@example.com")).id)
                .collect();

            // Act
            let first = list(conn, None, 2).unwrap();
            let second = list(conn, first.last().map(|u| u.id), 2).unwrap();
            let third = list(conn, second.last().map(|u| u.id), 2).unwrap();
            let rest = list(conn, third.last().map(|u| u.id), 2).unwrap();

            // Assert
            let seen: Vec<i64> = [first, second, third]
                .iter()
                .flatten()
                .map(|u| u.id)
                .collect();
            assert_eq!(seen, ids);
            assert!(rest.is_empty());
            assert_eq!(count(conn).unwrap(), 5);
        });
    }

    #[test]
    fn debug_output_masks_the_address_and_hides_the_hash() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "frank@example.com");
            let debug = format!("{user:?}");
            assert!(debug.contains("f***@example.com"));
            assert!(!debug.contains("frank"));
            assert!(!debug.contains("argon2"));
        });
    }
}
