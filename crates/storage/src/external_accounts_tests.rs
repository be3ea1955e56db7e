use chrono::TimeDelta;

use super::*;
use crate::testing::{fixed_now, for_each_backend};

fn email(text: &str) -> EmailAddress {
    EmailAddress::parse(text).unwrap()
}

fn seen<'a>(external_id: &'a str, address: &'a EmailAddress) -> SeenEntry<'a> {
    SeenEntry {
        kind: "ldap",
        external_id,
        email: address,
        now: fixed_now(),
    }
}

#[test]
fn the_first_sight_of_an_entry_creates_its_row_and_the_next_finds_it() {
    for_each_backend(|db| {
        // Arrange
        let conn = &mut db.conn().unwrap();
        let address = email("Ada@Example.org");

        // Act
        let first = upsert(conn, &seen("uuid-ada", &address)).unwrap();
        let again = upsert(conn, &seen("uuid-ada", &address)).unwrap();

        // Assert
        assert_eq!(first, again);
        assert_eq!(first.kind, "ldap");
        assert_eq!(first.external_id, "uuid-ada");
        assert_eq!(first.email, "ada@example.org");
        assert_eq!(first.display_email, "Ada@example.org");
        assert_eq!(first.auth_epoch, 0);
        assert_eq!((first.resets_paused_until, first.disabled_at), (None, None));
        assert_eq!(find_by_id(conn, first.id).unwrap(), Some(first.clone()));
        assert_eq!(
            find_by_source(conn, "ldap", "uuid-ada").unwrap(),
            Some(first)
        );
    });
}

#[test]
fn a_changed_address_is_refreshed_and_the_id_and_state_stay() {
    for_each_backend(|db| {
        // Arrange
        let conn = &mut db.conn().unwrap();
        let old = email("ada@example.org");
        let row = upsert(conn, &seen("uuid-ada", &old)).unwrap();
        bump_auth_epoch(conn, row.id, fixed_now()).unwrap();
        let new = email("Ada.Lovelace@example.org");
        let later = fixed_now() + TimeDelta::minutes(5);

        // Act
        let renamed = upsert(
            conn,
            &SeenEntry {
                now: later,
                ..seen("uuid-ada", &new)
            },
        )
        .unwrap();

        // Assert
        assert_eq!(renamed.id, row.id);
        assert_eq!(renamed.auth_epoch, 1);
        assert_eq!(renamed.email, "ada.lovelace@example.org");
        assert_eq!(renamed.display_email, "Ada.Lovelace@example.org");
        assert_eq!(renamed.updated_at, later);
    });
}

#[test]
fn the_same_id_under_another_kind_and_another_id_with_the_same_address_are_other_rows() {
    for_each_backend(|db| {
        // Arrange
        let conn = &mut db.conn().unwrap();
        let address = email("ada@example.org");
        let ldap = upsert(conn, &seen("uuid-ada", &address)).unwrap();

        // Act
        let other_kind = upsert(
            conn,
            &SeenEntry {
                kind: "other",
                ..seen("uuid-ada", &address)
            },
        )
        .unwrap();
        let other_id = upsert(conn, &seen("uuid-new", &address)).unwrap();

        // Assert
        assert_ne!(ldap.id, other_kind.id);
        assert_ne!(ldap.id, other_id.id);
        assert_eq!(list(conn, "ldap", None, 10).unwrap(), vec![ldap, other_id]);
        assert_eq!(list(conn, "other", None, 10).unwrap(), vec![other_kind]);
    });
}

#[test]
fn an_empty_or_overlong_id_or_kind_is_refused_and_nothing_is_stored() {
    for_each_backend(|db| {
        let conn = &mut db.conn().unwrap();
        let address = email("ada@example.org");
        let long_id = "x".repeat(MAX_EXTERNAL_ID_LEN + 1);
        let long_kind = "k".repeat(MAX_KIND_LEN + 1);
        for (kind, id) in [("ldap", ""), ("ldap", long_id.as_str()), (&long_kind, "a")] {
            let result = upsert(
                conn,
                &SeenEntry {
                    kind,
                    ..seen(id, &address)
                },
            );
            assert!(
                matches!(result, Err(StorageError::TooLong(_))),
                "{result:?}"
            );
        }
        let longest = "x".repeat(MAX_EXTERNAL_ID_LEN);
        assert_eq!(
            upsert(conn, &seen(&longest, &address)).unwrap().external_id,
            longest
        );
        assert_eq!(list(conn, "ldap", None, 10).unwrap().len(), 1);
    });
}

#[test]
fn pausing_lifting_disabling_and_enabling_change_the_row() {
    for_each_backend(|db| {
        // Arrange
        let conn = &mut db.conn().unwrap();
        let row = upsert(conn, &seen("uuid-ada", &email("ada@example.org"))).unwrap();
        let until = fixed_now() + TimeDelta::days(1);
        let later = fixed_now() + TimeDelta::minutes(5);

        // Act + Assert
        pause_resets(conn, row.id, until, fixed_now()).unwrap();
        let paused = find_by_id(conn, row.id).unwrap().unwrap();
        assert_eq!(paused.resets_paused_until, Some(until));
        lift_pause(conn, row.id, fixed_now()).unwrap();
        assert_eq!(
            find_by_id(conn, row.id)
                .unwrap()
                .unwrap()
                .resets_paused_until,
            None
        );

        set_disabled(conn, row.id, true, fixed_now()).unwrap();
        set_disabled(conn, row.id, true, later).unwrap();
        let disabled = find_by_id(conn, row.id).unwrap().unwrap();
        assert_eq!(disabled.disabled_at, Some(fixed_now()));
        assert_eq!(disabled.auth_epoch, 2);
        set_disabled(conn, row.id, false, later).unwrap();
        let enabled = find_by_id(conn, row.id).unwrap().unwrap();
        assert_eq!(enabled.disabled_at, None);
        assert_eq!(enabled.auth_epoch, 2);
    });
}

#[test]
fn bumping_counts_up() {
    for_each_backend(|db| {
        let conn = &mut db.conn().unwrap();
        let row = upsert(conn, &seen("uuid-ada", &email("ada@example.org"))).unwrap();
        let first = bump_auth_epoch(conn, row.id, fixed_now()).unwrap();
        let second = bump_auth_epoch(conn, row.id, fixed_now()).unwrap();
        assert_eq!((first, second), (1, 2));
    });
}

#[test]
fn deleting_forgets_the_state_and_a_new_sight_gets_a_new_row() {
    for_each_backend(|db| {
        // Arrange
        let conn = &mut db.conn().unwrap();
        let address = email("ada@example.org");
        let row = upsert(conn, &seen("uuid-ada", &address)).unwrap();
        bump_auth_epoch(conn, row.id, fixed_now()).unwrap();

        // Act
        delete(conn, row.id, fixed_now()).unwrap();

        // Assert
        assert_eq!(find_by_id(conn, row.id).unwrap(), None);
        let again = upsert(conn, &seen("uuid-ada", &address)).unwrap();
        assert_ne!(again.id, row.id);
        assert_eq!(again.auth_epoch, 0);
    });
}

#[test]
fn writing_a_missing_row_is_not_found() {
    for_each_backend(|db| {
        let conn = &mut db.conn().unwrap();
        let now = fixed_now();
        let missing = |result: Result<(), StorageError>| {
            assert!(
                matches!(result, Err(StorageError::NotFound("external account"))),
                "{result:?}"
            );
        };
        missing(bump_auth_epoch(conn, 99, now).map(|_| ()));
        missing(pause_resets(conn, 99, now, now));
        missing(lift_pause(conn, 99, now));
        missing(set_disabled(conn, 99, true, now));
        missing(set_disabled(conn, 99, false, now));
        missing(delete(conn, 99, now));
    });
}

#[test]
fn listing_pages_through_the_rows_in_id_order() {
    for_each_backend(|db| {
        let conn = &mut db.conn().unwrap();
        let ids: Vec<i64> = (0..5)
            .map(|i| {
                let address = email(&format!("user{i}@example.org"));
                upsert(conn, &seen(&format!("uuid-{i}"), &address))
                    .unwrap()
                    .id
            })
            .collect();
        let first = list(conn, "ldap", None, 3).unwrap();
        let rest = list(conn, "ldap", first.last().map(|row| row.id), 3).unwrap();
        let seen: Vec<i64> = first.iter().chain(&rest).map(|row| row.id).collect();
        assert_eq!(seen, ids);
    });
}

#[test]
fn debug_output_masks_the_address() {
    for_each_backend(|db| {
        let conn = &mut db.conn().unwrap();
        let row = upsert(conn, &seen("uuid-ada", &email("frank@example.org"))).unwrap();
        let debug = format!("{row:?}");
        assert!(debug.contains("f***@example.org"), "{debug}");
        assert!(!debug.contains("frank"));
    });
}
