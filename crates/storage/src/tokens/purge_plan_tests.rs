//! The purge reads the rows it deletes, not the table: each of its two batch statements
//! (`tokens::purge_expired_paced`) walks the index of its own column. The one statement it
//! replaced, `expires_at < ? OR consumed_at < ?`, was a whole-table scan on MariaDB, which read
//! every row the purge keeps again for each batch of 500.

use super::query_plans::plan;
use super::{expired_batch, used_batch};
use crate::purge::PURGE_BATCH;
use crate::testing::{fixed_now, for_each_backend};

#[test]
fn each_purge_batch_walks_the_index_of_its_column() {
    for_each_backend(|db| {
        let conn = &mut db.conn().unwrap();
        let cutoff = fixed_now();

        // Act
        let expired = plan(conn, expired_batch(cutoff, PURGE_BATCH));
        let used = plan(conn, used_batch(cutoff, PURGE_BATCH));

        // Assert
        assert!(
            expired.contains("tokens_expires_at_idx"),
            "the batch of expired tokens should walk tokens_expires_at_idx, planned as:\n{expired}"
        );
        assert!(
            used.contains("tokens_consumed_at_idx"),
            "the batch of used tokens should walk tokens_consumed_at_idx, planned as:\n{used}"
        );
    });
}
