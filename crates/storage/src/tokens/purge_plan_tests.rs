//! The purge reads the rows it deletes, not the table: each of its two batch statements
//! (`tokens::purge_expired_paced`) walks the index of its own column. The one statement it
//! replaced, `expires_at < ? OR consumed_at < ?`, was a whole-table scan on MariaDB, which read
//! every row the purge keeps again for each batch of 500.

use super::query_plans::plan;
use crate::testing::for_each_backend;

/// The statements of one batch of each pass, as `purge_expired_paced` builds them.
fn batch_statements() -> [(&'static str, String); 2] {
    let cutoff = "'2030-01-01 00:00:00'";
    [
        (
            "tokens_expires_at_idx",
            format!(
                "SELECT id FROM tokens WHERE expires_at < {cutoff} ORDER BY expires_at LIMIT 500"
            ),
        ),
        (
            "tokens_consumed_at_idx",
            format!(
                "SELECT id FROM tokens WHERE consumed_at < {cutoff} ORDER BY consumed_at LIMIT 500"
            ),
        ),
    ]
}

#[test]
fn each_purge_batch_walks_the_index_of_its_column() {
    for_each_backend(|db| {
        let conn = &mut db.conn().unwrap();
        for (index, statement) in batch_statements() {
            // Act
            let plan = plan(conn, &statement);

            // Assert
            assert!(
                plan.contains(index),
                "{statement}\nshould walk {index}, planned as:\n{plan}"
            );
        }
    });
}
