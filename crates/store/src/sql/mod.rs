//! A thin layer over the drivers: one SQL text (with `$1…` placeholders and a few dialect
//! markers) runs on SQLite and on PostgreSQL, with values of one small type. What differs
//! between the databases is answered by their [`Backend`]s (see [`crate::backend`]).
//!
//! Markers: `{dec}` after a placeholder marks an exact decimal passed as text (PostgreSQL casts
//! it to NUMERIC); `{json}` marks JSON text (cast to JSONB). Reading uses `CAST(x AS TEXT)` for
//! decimals and JSON, which both databases understand.

use crate::backend::{Backend, mysql, postgres, sqlite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::fmt;

pub use crate::backend::Dialect;
pub use crate::backend::postgres::pg_msg;

mod cols;
pub use cols::Cols;

/// A value bound to or read from SQL.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Time(DateTime<Utc>),
    /// An exact decimal; bind with the `{dec}` marker.
    Dec(Decimal),
    /// JSON; bind with the `{json}` marker.
    Json(serde_json::Value),
}

impl Val {
    pub fn text(s: impl Into<String>) -> Val {
        Val::Text(s.into())
    }
    pub fn opt_text<T: ToString>(s: Option<T>) -> Val {
        s.map_or(Val::Null, |s| Val::Text(s.to_string()))
    }
    pub fn opt_date(d: Option<NaiveDate>) -> Val {
        d.map_or(Val::Null, Val::Date)
    }
    pub fn opt_int(i: Option<i64>) -> Val {
        i.map_or(Val::Null, Val::Int)
    }
    pub fn opt_dec(d: Option<Decimal>) -> Val {
        d.map_or(Val::Null, Val::Dec)
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(*i),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Text(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Val::Date(d) => Some(*d),
            _ => None,
        }
    }
    pub fn as_dec(&self) -> Option<Decimal> {
        match self {
            Val::Dec(d) => Some(*d),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value as JSON, for the audit log.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Val::Null => J::Null,
            Val::Int(i) => J::from(*i),
            Val::Text(s) => J::from(s.clone()),
            Val::Bool(b) => J::from(*b),
            Val::Date(d) => J::from(d.to_string()),
            Val::DateTime(d) => J::from(d.format("%Y-%m-%d %H:%M").to_string()),
            Val::Time(t) => J::from(t.to_rfc3339()),
            Val::Dec(d) => J::from(d.normalize().to_string()),
            Val::Json(j) => j.clone(),
        }
    }

    /// The value as a cell of an exported table.
    pub fn to_cell(&self) -> String {
        match self {
            Val::Null => String::new(),
            Val::Int(i) => i.to_string(),
            Val::Text(s) => s.clone(),
            Val::Bool(b) => b.to_string(),
            Val::Date(d) => d.to_string(),
            Val::DateTime(d) => d.format("%Y-%m-%d %H:%M").to_string(),
            Val::Time(t) => t.to_rfc3339(),
            Val::Dec(d) => d.normalize().to_string(),
            Val::Json(j) => j.to_string(),
        }
    }
}

/// Binds `values` after `params` and returns their placeholders for an `IN (…)` list:
/// `$3, $4, $5` when two parameters were bound before.
pub fn in_list(params: &mut Vec<Val>, values: impl IntoIterator<Item = Val>) -> String {
    let mut marks = String::new();
    for v in values {
        params.push(v);
        if !marks.is_empty() {
            marks.push_str(", ");
        }
        marks.push('$');
        marks.push_str(&params.len().to_string());
    }
    marks
}

/// Same value, comparing decimals by value and JSON structurally.
pub fn same(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Dec(x), Val::Dec(y)) => x == y,
        _ => a == b,
    }
}

/// The type a selected column is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Int,
    Text,
    Bool,
    Date,
    DateTime,
    /// Select it as `CAST(x AS TEXT)`.
    Dec,
    /// Select it as `CAST(x AS TEXT)`.
    Json,
}

/// A database error with what was being done.
#[derive(Debug)]
pub struct DbError {
    pub context: String,
    pub message: String,
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "database error while {}: {}", self.context, self.message)
    }
}

impl std::error::Error for DbError {}

impl DbError {
    /// Whether the database refused a row because a unique key or index already holds it (two
    /// requests that did the same thing at once: the second is "already done", not a failure).
    pub fn is_unique_violation(&self) -> bool {
        Dialect::ALL
            .iter()
            .any(|d| d.backend().is_unique_violation(&self.message))
    }

    /// Whether the database gave up waiting for a lock (SQLite's busy timeout, a PostgreSQL
    /// deadlock or serialisation failure): the request may be tried again.
    pub fn is_busy(&self) -> bool {
        Dialect::ALL
            .iter()
            .any(|d| d.backend().is_busy(&self.message))
    }
}

pub fn db_err(context: impl Into<String>) -> impl FnOnce(&dyn fmt::Display) -> DbError {
    let context = context.into();
    move |e| DbError {
        context,
        message: e.to_string(),
    }
}

/// A connection to one of the databases. The driver calls dispatch to the connection's
/// backend module ([`crate::backend`]); the SQL is rendered for it first.
pub enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(Box<::postgres::Client>),
    Mysql(Box<::mysql::Conn>),
}

impl Conn {
    pub fn dialect(&self) -> Dialect {
        match self {
            Conn::Sqlite(_) => Dialect::Sqlite,
            Conn::Postgres(_) => Dialect::Postgres,
            Conn::Mysql(_) => Dialect::Mysql,
        }
    }

    /// Whether the connection still reaches its database (after an error: a server that
    /// restarted or closed an idle connection leaves a connection that can only fail).
    pub fn alive(&mut self) -> bool {
        match self {
            Conn::Sqlite(_) => true,
            Conn::Postgres(c) => !c.is_closed(),
            Conn::Mysql(c) => {
                use ::mysql::prelude::Queryable;
                c.query_drop("SELECT 1").is_ok()
            }
        }
    }

    /// The SQL the connection's database speaks.
    pub fn backend(&self) -> &'static dyn Backend {
        self.dialect().backend()
    }

    /// Runs statements without parameters (DDL, BEGIN, COMMIT).
    pub fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        match self {
            Conn::Sqlite(c) => sqlite::batch(c, sql),
            Conn::Postgres(c) => postgres::batch(c, sql),
            Conn::Mysql(c) => mysql::batch(c, sql),
        }
        .map_err(|message| running(sql, message))
    }

    /// Executes one statement; returns the number of rows changed.
    pub fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, DbError> {
        let text = self.backend().render(sql);
        match self {
            Conn::Sqlite(c) => sqlite::exec(c, &text, params),
            Conn::Postgres(c) => postgres::exec(c, &text, params),
            Conn::Mysql(c) => mysql::exec(c, &text, params),
        }
        .map_err(|message| running(sql, message))
    }

    /// Runs a query and reads each row's columns as the given types.
    pub fn query(
        &mut self,
        sql: &str,
        params: &[Val],
        types: &[Ty],
    ) -> Result<Vec<Vec<Val>>, DbError> {
        let text = self.backend().render(sql);
        match self {
            Conn::Sqlite(c) => sqlite::query(c, &text, params, types),
            Conn::Postgres(c) => postgres::query(c, &text, params, types),
            Conn::Mysql(c) => mysql::query(c, &text, params, types),
        }
        .map_err(|message| running(sql, message))
    }

    /// Inserts many rows with multi-row `VALUES` statements: `head` is `INSERT INTO t (a, b)`,
    /// `markers` the dialect marker of each column (`""`, `"{dec}"`, `"{json}"`), `tail` an
    /// optional `ON CONFLICT …` clause. Returns the number of rows changed.
    pub fn insert_many(
        &mut self,
        head: &str,
        markers: &[&str],
        rows: Vec<Vec<Val>>,
        tail: &str,
    ) -> Result<u64, DbError> {
        let width = markers.len().max(1);
        let per_statement = (30_000 / width).clamp(1, 500);
        let statement = |n: usize| {
            let mut sql = String::with_capacity(head.len() + tail.len() + n * width * 8);
            sql.push_str(head);
            sql.push_str(" VALUES ");
            let mut p = 0;
            for r in 0..n {
                if r > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                for (c, m) in markers.iter().enumerate() {
                    if c > 0 {
                        sql.push_str(", ");
                    }
                    p += 1;
                    sql.push('$');
                    sql.push_str(&p.to_string());
                    sql.push_str(m);
                }
                sql.push(')');
            }
            sql.push(' ');
            sql.push_str(tail);
            sql
        };
        let full = statement(per_statement);
        let mut changed = 0;
        let mut params: Vec<Val> = Vec::with_capacity(per_statement * width);
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            params.clear();
            let mut n = 0;
            for r in rows.by_ref().take(per_statement) {
                params.extend(r);
                n += 1;
            }
            changed += if n == per_statement {
                self.exec(&full, &params)?
            } else {
                self.exec(&statement(n), &params)?
            };
        }
        Ok(changed)
    }

    /// Runs an `INSERT` into `table` and reads the new row's id (the backend's
    /// [`Backend::insert_returning_id`]): an error, not a default, when none comes back.
    pub fn insert_id(
        &mut self,
        table: &'static str,
        insert: &str,
        params: &[Val],
    ) -> Result<i64, DbError> {
        let sql = self.backend().insert_returning_id(insert);
        if let Conn::Mysql(c) = self {
            // MySQL returns no rows from an INSERT: the id is LAST_INSERT_ID().
            let text = Dialect::Mysql.backend().render(&sql);
            return mysql::insert_id(c, &text, params).map_err(|message| running(&sql, message));
        }
        let rows = self.query(&sql, params, &[Ty::Int])?;
        match rows.first() {
            Some(r) => Cols::new(table, r).int(0),
            None => Err(DbError {
                context: format!("inserting into {table}"),
                message: "the database returned no id".into(),
            }),
        }
    }

    /// One value from a query that returns one row and one column.
    pub fn scalar(&mut self, sql: &str, params: &[Val], ty: Ty) -> Result<Val, DbError> {
        let rows = self.query(sql, params, &[ty])?;
        Ok(rows
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next())
            .unwrap_or(Val::Null))
    }
}

/// The error of running `sql`, named by its first line.
fn running(sql: &str, message: String) -> DbError {
    DbError {
        context: format!("running {}", first_line(sql)),
        message,
    }
}

fn first_line(sql: &str) -> String {
    let line = sql.trim().lines().next().unwrap_or("");
    line.chars().take(80).collect()
}

/// Rewrites the dialect markers and placeholders for the backend (see [`Backend::render`]).
pub fn render(dialect: Dialect, sql: &str) -> Cow<'_, str> {
    dialect.backend().render(sql)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_outside_literals_only() {
        let sql = "SELECT '$1 costs {dec}' , \"a$b\", x FROM t WHERE a = $1 AND b = $2{dec} AND c = 'it''s $3'";
        assert_eq!(
            render(Dialect::Sqlite, sql),
            "SELECT '$1 costs {dec}' , \"a$b\", x FROM t WHERE a = ?1 AND b = ?2 AND c = 'it''s $3'"
        );
        assert_eq!(
            render(Dialect::Postgres, "SELECT '{dec}', $1{dec}"),
            "SELECT '{dec}', $1::text::numeric"
        );
        assert_eq!(render(Dialect::Postgres, "SELECT $1"), "SELECT $1");
    }
}
