//! Issuing a link costs the same whatever the account's history: the statements that revoke
//! an account's live links find them through an index of live tokens, not by walking every
//! token the account ever had (migration `…_index_live_tokens`).

use chrono::TimeDelta;
use diesel::prelude::*;

use super::query_plans::plan;
use super::{live_of, live_of_purpose};
use crate::DbConnection;
use crate::schema::tokens;
use crate::testing::{create_user, fixed_now, for_each_backend};

/// `used` used reset links of the account, and a few live ones of other accounts.
fn long_history(conn: &mut DbConnection, used: u32) -> i64 {
    let user = create_user(conn, "often@example.com");
    let other = create_user(conn, "other@example.com");
    let at = fixed_now() - TimeDelta::days(1);
    conn.transaction(|conn| {
        for i in 0..used + 5 {
            let mut hash = [0u8; 32];
            hash[..4].copy_from_slice(&i.to_be_bytes());
            let (owner, consumed) = match i < used {
                true => (user.id, Some(at)),
                false => (other.id, None),
            };
            diesel::insert_into(tokens::table)
                .values((
                    tokens::purpose.eq("password_reset"),
                    tokens::user_id.eq(owner),
                    tokens::hash.eq(&hash[..]),
                    tokens::expires_at.eq(at + TimeDelta::minutes(30)),
                    tokens::consumed_at.eq(consumed),
                    tokens::created_at.eq(at),
                ))
                .execute(conn)?;
        }
        diesel::QueryResult::Ok(())
    })
    .unwrap();
    user.id
}

#[test]
fn revoking_an_accounts_links_reads_its_live_tokens_only() {
    for_each_backend(|db| {
        // Arrange
        let conn = &mut db.conn().unwrap();
        let user_id = long_history(conn, 300);

        // Act
        let at = fixed_now();
        let revocations = [
            (
                "revoking the earlier links of a purpose (tokens::issue)",
                plan(
                    conn,
                    diesel::update(live_of_purpose(user_id, "password_reset"))
                        .set(tokens::consumed_at.eq(Some(at))),
                ),
            ),
            (
                "revoking every link (tokens::revoke_all_for_user)",
                plan(
                    conn,
                    diesel::update(live_of(user_id)).set(tokens::consumed_at.eq(Some(at))),
                ),
            ),
        ];

        for (statement, plan) in revocations {
            // Assert
            assert!(
                plan.contains("tokens_live_idx"),
                "{statement} should use the index of live tokens, planned as:\n{plan}"
            );
        }
    });
}
