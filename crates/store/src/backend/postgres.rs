//! PostgreSQL: its SQL and the glue of the `postgres` driver.
//!
//! Placeholders are `$n` as the store writes them; `{dec}` and `{json}` cast the text they mark
//! to NUMERIC and JSONB. A writing transaction is a plain `BEGIN` followed by the organisation's
//! row locked `FOR NO KEY UPDATE` (inserts referencing the organisation do not wait for it);
//! a read is a `REPEATABLE READ READ ONLY` snapshot.

use super::{Backend, BulkBalances, on_conflict_do_update, rewrite_outside_literals};
use crate::StoreError;
use crate::sql::{Ty, Val};
use ::postgres::types::ToSql;
use chrono::{NaiveDate, NaiveDateTime};
use std::borrow::Cow;

/// PostgreSQL (see the [module documentation](self)).
#[derive(Debug, Clone, Copy)]
pub struct Postgres;

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/postgres/0001_init.sql")),
    (
        2,
        include_str!("../../migrations/postgres/0002_settlements.sql"),
    ),
    (
        3,
        include_str!("../../migrations/postgres/0003_disputes.sql"),
    ),
    (4, include_str!("../../migrations/postgres/0004_web.sql")),
    (
        5,
        include_str!("../../migrations/postgres/0005_assessment.sql"),
    ),
    (
        6,
        include_str!("../../migrations/postgres/0006_one_decision.sql"),
    ),
    (
        7,
        include_str!("../../migrations/postgres/0007_flow_keys.sql"),
    ),
    (
        8,
        include_str!("../../migrations/postgres/0008_booking_spot_check.sql"),
    ),
    (
        9,
        include_str!("../../migrations/postgres/0009_reconciliation.sql"),
    ),
    (
        10,
        include_str!("../../migrations/postgres/0010_agreement_requests.sql"),
    ),
    (
        11,
        include_str!("../../migrations/postgres/0011_assessment_steps.sql"),
    ),
    (
        12,
        include_str!("../../migrations/postgres/0012_daily_registers.sql"),
    ),
    (
        13,
        include_str!("../../migrations/postgres/0013_ownership_claims.sql"),
    ),
    (
        14,
        include_str!("../../migrations/postgres/0014_advice.sql"),
    ),
    (
        15,
        include_str!("../../migrations/postgres/0015_run_review.sql"),
    ),
    (
        16,
        include_str!("../../migrations/postgres/0016_org_policies.sql"),
    ),
    (
        17,
        include_str!("../../migrations/postgres/0017_inbox_reads.sql"),
    ),
    (
        18,
        include_str!("../../migrations/postgres/0018_whatif_scenarios.sql"),
    ),
    (
        19,
        include_str!("../../migrations/postgres/0019_read_paths.sql"),
    ),
    (
        20,
        include_str!("../../migrations/postgres/0020_form_nonces.sql"),
    ),
];

impl Backend for Postgres {
    fn name(&self) -> &'static str {
        "PostgreSQL"
    }

    fn render<'a>(&self, sql: &'a str) -> Cow<'a, str> {
        if !sql.contains('{') {
            return Cow::Borrowed(sql);
        }
        Cow::Owned(rewrite_outside_literals(sql, |code| {
            code.replace("{dec}", "::text::numeric")
                .replace("{json}", "::text::jsonb")
        }))
    }

    fn begin_write(&self) -> &'static str {
        "BEGIN"
    }

    fn begin_read(&self) -> &'static str {
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
    }

    fn begin_migration(&self) -> &'static str {
        "BEGIN"
    }

    fn commit(&self) -> &'static str {
        "COMMIT"
    }

    fn rollback(&self) -> &'static str {
        "ROLLBACK"
    }

    fn org_write_lock(&self) -> Option<&'static str> {
        Some("SELECT id FROM organisations WHERE id = $1 FOR NO KEY UPDATE")
    }

    fn timestamp_type(&self) -> &'static str {
        "TIMESTAMPTZ"
    }

    fn migrations(&self) -> &'static [(i64, &'static str)] {
        MIGRATIONS
    }

    fn upsert_tail(&self, table: &str, key: &[&str], update: &[&str]) -> String {
        on_conflict_do_update(table, key, update)
    }

    fn insert_returning_id(&self, insert: &str) -> String {
        format!("{insert} RETURNING id")
    }

    fn bulk_balances(&self) -> BulkBalances {
        BulkBalances::Copy
    }

    fn is_unique_violation(&self, message: &str) -> bool {
        message.contains("duplicate key value violates unique constraint")
    }

    fn is_busy(&self, message: &str) -> bool {
        message.contains("deadlock detected") || message.contains("could not serialize access")
    }

    /// `ANALYZE`: right after the demo's import PostgreSQL had no statistics (autovacuum had not
    /// run) and planned a CM's client list as a nested loop over every ownership row, 1.8 s a
    /// page under load instead of ~0.1 s (bench/clients.sh).
    fn refresh_statistics(&self, table: &str) -> Option<String> {
        Some(format!("ANALYZE {table}"))
    }
}

/// Connects to the PostgreSQL database of `url` (`postgres://user@host:port/database`).
pub(crate) fn connect(url: &str) -> Result<::postgres::Client, StoreError> {
    ::postgres::Client::connect(url, ::postgres::NoTls).map_err(|e| {
        StoreError::Invalid(format!(
            "cannot connect to PostgreSQL at {}: {}. Check that the server runs and the URL (postgres://user@host:port/database) is right",
            crate::redact(url),
            pg_msg(&e)
        ))
    })
}

/// The driver's message, with PostgreSQL's detail when there is one.
pub fn pg_msg(e: &::postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(d) => format!("{} ({d})", db.message()),
            None => db.message().to_owned(),
        },
        None => e.to_string(),
    }
}

/// Runs statements without parameters.
pub(crate) fn batch(c: &mut ::postgres::Client, sql: &str) -> Result<(), String> {
    c.batch_execute(sql).map_err(|e| pg_msg(&e))
}

fn refs(params: &[Val]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

/// Executes one rendered statement; returns the number of rows changed.
pub(crate) fn exec(c: &mut ::postgres::Client, sql: &str, params: &[Val]) -> Result<u64, String> {
    c.execute(sql, &refs(params)).map_err(|e| pg_msg(&e))
}

/// Runs one rendered query and reads each row's columns as the given types.
pub(crate) fn query(
    c: &mut ::postgres::Client,
    sql: &str,
    params: &[Val],
    types: &[Ty],
) -> Result<Vec<Vec<Val>>, String> {
    let rows = c.query(sql, &refs(params)).map_err(|e| pg_msg(&e))?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        // Every column is read with its type: a column without one would be dropped unread.
        if row.len() != types.len() {
            return Err(format!(
                "the query returns {} column(s) but {} type(s) were given: {sql}",
                row.len(),
                types.len()
            ));
        }
        let mut vals = Vec::with_capacity(types.len());
        for (i, ty) in types.iter().enumerate() {
            vals.push(from_pg(&row, i, *ty)?);
        }
        out.push(vals);
    }
    Ok(out)
}

fn from_pg(row: &::postgres::Row, i: usize, ty: Ty) -> Result<Val, String> {
    let e = |e: ::postgres::Error| e.to_string();
    Ok(match ty {
        Ty::Int => row
            .try_get::<_, Option<i64>>(i)
            .map_err(e)?
            .map_or(Val::Null, Val::Int),
        Ty::Text => row
            .try_get::<_, Option<String>>(i)
            .map_err(e)?
            .map_or(Val::Null, Val::Text),
        Ty::Bool => row
            .try_get::<_, Option<bool>>(i)
            .map_err(e)?
            .map_or(Val::Null, Val::Bool),
        Ty::Date => row
            .try_get::<_, Option<NaiveDate>>(i)
            .map_err(e)?
            .map_or(Val::Null, Val::Date),
        Ty::DateTime => row
            .try_get::<_, Option<NaiveDateTime>>(i)
            .map_err(e)?
            .map_or(Val::Null, Val::DateTime),
        Ty::Dec => match row.try_get::<_, Option<String>>(i).map_err(e)? {
            None => Val::Null,
            Some(s) => Val::Dec(
                kejing_engine::parse_decimal(&s).map_err(|_| format!("not a decimal: {s}"))?,
            ),
        },
        Ty::Json => match row.try_get::<_, Option<String>>(i).map_err(e)? {
            None => Val::Null,
            Some(s) => Val::Json(serde_json::from_str(&s).map_err(|e| e.to_string())?),
        },
    })
}

impl ToSql for Val {
    fn to_sql(
        &self,
        ty: &::postgres::types::Type,
        out: &mut ::postgres::types::private::BytesMut,
    ) -> Result<::postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use ::postgres::types::IsNull;
        match self {
            Val::Null => Ok(IsNull::Yes),
            Val::Int(i) => {
                if *ty == ::postgres::types::Type::INT4 {
                    i32::try_from(*i)?.to_sql(ty, out)
                } else {
                    i.to_sql(ty, out)
                }
            }
            Val::Text(s) => s.to_sql(ty, out),
            Val::Bool(b) => b.to_sql(ty, out),
            Val::Date(d) => d.to_sql(ty, out),
            Val::DateTime(d) => d.to_sql(ty, out),
            Val::Time(t) => t.to_sql(ty, out),
            Val::Dec(d) => d.normalize().to_string().to_sql(ty, out),
            Val::Json(j) => j.to_string().to_sql(ty, out),
        }
    }

    fn accepts(_ty: &::postgres::types::Type) -> bool {
        true
    }

    ::postgres::types::to_sql_checked!();
}
