//! SQLite, the embedded default: its SQL and the rusqlite glue.
//!
//! Placeholders are `?n`; decimals, dates and JSON are stored as text, so the `{dec}` and
//! `{json}` markers are dropped. A writing transaction is `BEGIN IMMEDIATE`, which holds the
//! database's write lock from the start: that is the organisation's write lock as well.

use super::{Backend, BulkBalances, on_conflict_do_update, rewrite_outside_literals};
use crate::StoreError;
use crate::sql::{Ty, Val, db_err};
use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use std::borrow::Cow;

/// SQLite (see the [module documentation](self)).
#[derive(Debug, Clone, Copy)]
pub struct Sqlite;

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/sqlite/0001_init.sql")),
    (
        2,
        include_str!("../../migrations/sqlite/0002_settlements.sql"),
    ),
    (3, include_str!("../../migrations/sqlite/0003_disputes.sql")),
    (4, include_str!("../../migrations/sqlite/0004_web.sql")),
    (
        5,
        include_str!("../../migrations/sqlite/0005_assessment.sql"),
    ),
    (
        6,
        include_str!("../../migrations/sqlite/0006_one_decision.sql"),
    ),
    (
        7,
        include_str!("../../migrations/sqlite/0007_flow_keys.sql"),
    ),
    (
        8,
        include_str!("../../migrations/sqlite/0008_booking_spot_check.sql"),
    ),
    (
        9,
        include_str!("../../migrations/sqlite/0009_reconciliation.sql"),
    ),
    (
        10,
        include_str!("../../migrations/sqlite/0010_agreement_requests.sql"),
    ),
    (
        11,
        include_str!("../../migrations/sqlite/0011_assessment_steps.sql"),
    ),
    (
        12,
        include_str!("../../migrations/sqlite/0012_daily_registers.sql"),
    ),
    (
        13,
        include_str!("../../migrations/sqlite/0013_ownership_claims.sql"),
    ),
    (14, include_str!("../../migrations/sqlite/0014_advice.sql")),
    (
        15,
        include_str!("../../migrations/sqlite/0015_run_review.sql"),
    ),
    (
        16,
        include_str!("../../migrations/sqlite/0016_org_policies.sql"),
    ),
    (
        17,
        include_str!("../../migrations/sqlite/0017_inbox_reads.sql"),
    ),
    (
        18,
        include_str!("../../migrations/sqlite/0018_whatif_scenarios.sql"),
    ),
    (
        19,
        include_str!("../../migrations/sqlite/0019_read_paths.sql"),
    ),
    (
        20,
        include_str!("../../migrations/sqlite/0020_form_nonces.sql"),
    ),
];

impl Backend for Sqlite {
    fn name(&self) -> &'static str {
        "SQLite"
    }

    fn render<'a>(&self, sql: &'a str) -> Cow<'a, str> {
        if !sql.contains('{') && !sql.contains('$') {
            return Cow::Borrowed(sql);
        }
        Cow::Owned(rewrite_outside_literals(sql, |code| {
            code.replace("{dec}", "")
                .replace("{json}", "")
                .replace('$', "?")
        }))
    }

    fn begin_write(&self) -> &'static str {
        "BEGIN IMMEDIATE"
    }

    fn begin_read(&self) -> &'static str {
        "BEGIN DEFERRED"
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
        // BEGIN IMMEDIATE already holds the database's write lock.
        None
    }

    fn timestamp_type(&self) -> &'static str {
        "TEXT"
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
        BulkBalances::PreparedStream
    }

    fn is_unique_violation(&self, message: &str) -> bool {
        message.contains("UNIQUE constraint failed")
            || message.contains("PRIMARY KEY constraint failed")
    }

    fn is_busy(&self, message: &str) -> bool {
        message.contains("database is locked")
    }

    /// None: without `sqlite_stat1` SQLite chooses by its index heuristics, which serve the
    /// store's queries (bench/clients.sh); statistics would only make plans differ by data.
    fn refresh_statistics(&self, _table: &str) -> Option<String> {
        None
    }
}

/// Opens (and creates) the SQLite database of `url` (`sqlite:PATH`, `sqlite://PATH`,
/// `sqlite::memory:` or a plain path) and configures it.
pub(crate) fn connect(url: &str) -> Result<rusqlite::Connection, StoreError> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let c = if path == ":memory:" {
        rusqlite::Connection::open_in_memory()
    } else {
        rusqlite::Connection::open(path)
    }
    .map_err(|e| StoreError::Invalid(format!("cannot open SQLite database {path}: {e}")))?;
    c.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(|e| db_err("setting the busy timeout")(&e))?;
    c.execute_batch(
        "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; \
         PRAGMA foreign_keys=ON; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;",
    )
    .map_err(|e| db_err("configuring SQLite")(&e))?;
    Ok(c)
}

/// Runs statements without parameters.
pub(crate) fn batch(c: &rusqlite::Connection, sql: &str) -> Result<(), String> {
    c.execute_batch(sql).map_err(|e| e.to_string())
}

/// Executes one rendered statement; returns the number of rows changed.
pub(crate) fn exec(c: &rusqlite::Connection, sql: &str, params: &[Val]) -> Result<u64, String> {
    let mut st = c.prepare_cached(sql).map_err(|e| e.to_string())?;
    let n = st
        .execute(rusqlite::params_from_iter(params.iter().map(SqliteVal)))
        .map_err(|e| e.to_string())?;
    Ok(n as u64)
}

/// Runs one rendered query and reads each row's columns as the given types.
pub(crate) fn query(
    c: &rusqlite::Connection,
    sql: &str,
    params: &[Val],
    types: &[Ty],
) -> Result<Vec<Vec<Val>>, String> {
    let mut st = c.prepare_cached(sql).map_err(|e| e.to_string())?;
    // Every column is read with its type: a column without one would be dropped unread.
    if st.column_count() != types.len() {
        return Err(format!(
            "the query returns {} column(s) but {} type(s) were given: {sql}",
            st.column_count(),
            types.len()
        ));
    }
    let mut rows = st
        .query(rusqlite::params_from_iter(params.iter().map(SqliteVal)))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        let mut vals = Vec::with_capacity(types.len());
        for (i, ty) in types.iter().enumerate() {
            let v = row.get_ref(i).map_err(|e| e.to_string())?;
            vals.push(from_sqlite(v, *ty)?);
        }
        out.push(vals);
    }
    Ok(out)
}

struct SqliteVal<'a>(&'a Val);

impl rusqlite::ToSql for SqliteVal<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value};
        Ok(match self.0 {
            Val::Null => ToSqlOutput::Owned(Value::Null),
            Val::Int(i) => ToSqlOutput::Owned(Value::Integer(*i)),
            Val::Text(s) => ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(s.as_bytes())),
            Val::Bool(b) => ToSqlOutput::Owned(Value::Integer(i64::from(*b))),
            Val::Date(d) => ToSqlOutput::Owned(Value::Text(d.to_string())),
            Val::DateTime(d) => {
                ToSqlOutput::Owned(Value::Text(d.format("%Y-%m-%d %H:%M:%S").to_string()))
            }
            Val::Time(t) => ToSqlOutput::Owned(Value::Text(t.to_rfc3339())),
            Val::Dec(d) => ToSqlOutput::Owned(Value::Text(d.normalize().to_string())),
            Val::Json(j) => ToSqlOutput::Owned(Value::Text(j.to_string())),
        })
    }
}

fn from_sqlite(v: rusqlite::types::ValueRef<'_>, ty: Ty) -> Result<Val, String> {
    use rusqlite::types::ValueRef as R;
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Ok(match (v, ty) {
        (R::Null, _) => Val::Null,
        (R::Integer(i), Ty::Int) => Val::Int(i),
        (R::Integer(i), Ty::Bool) => Val::Bool(i != 0),
        (R::Integer(i), Ty::Text) => Val::Text(i.to_string()),
        (R::Integer(i), Ty::Dec) => Val::Dec(Decimal::from(i)),
        (R::Text(t), Ty::Text) => Val::Text(text(t)),
        (R::Text(t), Ty::Int) => Val::Int(
            text(t)
                .parse()
                .map_err(|_| format!("not an integer: {}", text(t)))?,
        ),
        (R::Text(t), Ty::Date) => {
            let s = text(t);
            Val::Date(s.parse().map_err(|_| format!("not a date: {s}"))?)
        }
        (R::Text(t), Ty::DateTime) => {
            let s = text(t);
            Val::DateTime(
                NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S")
                    .or_else(|_| NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M"))
                    .map_err(|_| format!("not a time stamp: {s}"))?,
            )
        }
        (R::Text(t), Ty::Dec) => {
            let s = text(t);
            Val::Dec(kejing_engine::parse_decimal(&s).map_err(|_| format!("not a decimal: {s}"))?)
        }
        (R::Text(t), Ty::Json) => Val::Json(serde_json::from_slice(t).map_err(|e| e.to_string())?),
        (other, ty) => return Err(format!("unexpected value {other:?} for {ty:?}")),
    })
}
