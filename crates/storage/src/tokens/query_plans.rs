//! The database's plan for a statement, on every backend (for tests that check which index a
//! statement takes).

use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};

use crate::DbConnection;

#[derive(QueryableByName)]
struct SqlitePlan {
    #[diesel(sql_type = Text)]
    detail: String,
}

#[cfg(feature = "mysql")]
#[derive(QueryableByName)]
struct MysqlPlan {
    #[diesel(sql_type = Nullable<Text>)]
    key: Option<String>,
}

#[cfg(feature = "postgres")]
#[derive(QueryableByName)]
struct PostgresPlan {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

/// The database's plan for `statement`, as text.
pub(super) fn plan(conn: &mut DbConnection, statement: &str) -> String {
    match conn {
        DbConnection::Sqlite(conn) => {
            let rows: Vec<SqlitePlan> =
                diesel::sql_query(format!("EXPLAIN QUERY PLAN {statement}"))
                    .load(conn)
                    .unwrap();
            rows.into_iter()
                .map(|row| row.detail)
                .collect::<Vec<_>>()
                .join("\n")
        }
        #[cfg(feature = "mysql")]
        DbConnection::Mysql(conn) => {
            let rows: Vec<MysqlPlan> = diesel::sql_query(format!("EXPLAIN {statement}"))
                .load(conn)
                .unwrap();
            rows.into_iter()
                .map(|row| format!("key: {}", row.key.unwrap_or_default()))
                .collect::<Vec<_>>()
                .join("\n")
        }
        #[cfg(feature = "postgres")]
        DbConnection::Postgres(conn) => {
            // A table this small is cheaper to scan whole; what matters is which index
            // PostgreSQL takes when it takes one, as it does on a large table.
            diesel::sql_query("SET enable_seqscan = off")
                .execute(conn)
                .unwrap();
            let rows: Vec<PostgresPlan> = diesel::sql_query(format!("EXPLAIN {statement}"))
                .load(conn)
                .unwrap();
            rows.into_iter()
                .map(|row| row.line)
                .collect::<Vec<_>>()
                .join("\n")
        }
    }
}
