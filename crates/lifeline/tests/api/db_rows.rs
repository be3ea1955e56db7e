//! What the service wrote: row counts of every table a request can touch and
//! the state of an account, to prove that a refused request changed nothing.

use diesel::RunQueryDsl;
use diesel::sql_types::BigInt;
use storage::{EmailAddress, users};

use crate::helpers::TestApp;

/// Rows per table at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowCounts {
    pub users: i64,
    pub tokens: i64,
    pub outbox: i64,
    pub audit_events: i64,
    pub throttles: i64,
    pub sessions: i64,
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

impl TestApp {
    /// Counts the rows of every table a request or the mail worker writes.
    pub fn row_counts(&self) -> RowCounts {
        let mut conn = self.db.conn().expect("conn");
        let mut count = |table: &str| {
            diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
                .get_result::<Count>(&mut *conn)
                .unwrap_or_else(|e| panic!("counting {table}: {e}"))
                .n
        };
        RowCounts {
            users: count("users"),
            tokens: count("tokens"),
            outbox: count("outbox"),
            audit_events: count("audit_events"),
            throttles: count("throttles"),
            sessions: count("sessions"),
        }
    }

    /// The account's password hash and `auth_epoch`: what a reset changes.
    pub fn credentials_of(&self, email: &str) -> (Option<String>, i64) {
        let address = EmailAddress::parse(email).expect("valid address");
        let user = users::find_by_email(&mut self.db.conn().expect("conn"), &address)
            .expect("lookup")
            .expect("account exists");
        (user.password_hash, user.auth_epoch)
    }
}
