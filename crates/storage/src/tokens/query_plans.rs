//! The database's plan for a statement, on every backend (for tests that check which index a
//! statement takes). The statement is the diesel query the code runs, not a copy of its SQL.

use diesel::backend::Backend;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Nullable, Text, Untyped};

use crate::DbConnection;

/// `statement`, prefixed with the backend's `EXPLAIN`.
struct Explain<Q> {
    prefix: &'static str,
    statement: Q,
}

impl<Q, DB> QueryFragment<DB> for Explain<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.prefix);
        self.statement.walk_ast(out.reborrow())
    }
}

impl<Q> QueryId for Explain<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q> Query for Explain<Q> {
    type SqlType = Untyped;
}

impl<Q> RunQueryDsl<DbConnection> for Explain<Q> {}

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
pub(super) fn plan<Q>(conn: &mut DbConnection, statement: Q) -> String
where
    Q: QueryFragment<<DbConnection as Connection>::Backend>,
{
    let lines: Vec<String> = match conn {
        DbConnection::Sqlite(_) => explain(conn, "EXPLAIN QUERY PLAN ", statement)
            .into_iter()
            .map(|row: SqlitePlan| row.detail)
            .collect(),
        #[cfg(feature = "mysql")]
        DbConnection::Mysql(_) => explain(conn, "EXPLAIN ", statement)
            .into_iter()
            .map(|row: MysqlPlan| format!("key: {}", row.key.unwrap_or_default()))
            .collect(),
        #[cfg(feature = "postgres")]
        DbConnection::Postgres(_) => {
            // A table this small is cheaper to scan whole; what matters is which index
            // PostgreSQL takes when it takes one, as it does on a large table.
            diesel::sql_query("SET enable_seqscan = off")
                .execute(conn)
                .unwrap();
            explain(conn, "EXPLAIN ", statement)
                .into_iter()
                .map(|row: PostgresPlan| row.line)
                .collect()
        }
    };
    lines.join("\n")
}

/// The rows `prefix` (the backend's `EXPLAIN`) followed by `statement` answers.
fn explain<Q, Row>(conn: &mut DbConnection, prefix: &'static str, statement: Q) -> Vec<Row>
where
    Q: QueryFragment<<DbConnection as Connection>::Backend>,
    Row: QueryableByName<<DbConnection as Connection>::Backend> + 'static,
{
    Explain { prefix, statement }.load(conn).unwrap()
}
