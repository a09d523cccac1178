//! A thin layer over the two drivers: one SQL text (with `$1…` placeholders and a few dialect
//! markers) runs on SQLite and on PostgreSQL, with values of one small type.
//!
//! Markers: `{dec}` after a placeholder marks an exact decimal passed as text (PostgreSQL casts
//! it to NUMERIC); `{json}` marks JSON text (cast to JSONB). Reading uses `CAST(x AS TEXT)` for
//! decimals and JSON, which both databases understand.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::fmt;

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
        let m = &self.message;
        m.contains("UNIQUE constraint failed")
            || m.contains("PRIMARY KEY constraint failed")
            || m.contains("duplicate key value violates unique constraint")
    }

    /// Whether the database gave up waiting for a lock (SQLite's busy timeout, a PostgreSQL
    /// deadlock or serialisation failure): the request may be tried again.
    pub fn is_busy(&self) -> bool {
        let m = &self.message;
        m.contains("database is locked")
            || m.contains("deadlock detected")
            || m.contains("could not serialize access")
    }
}

pub fn db_err(context: impl Into<String>) -> impl FnOnce(&dyn fmt::Display) -> DbError {
    let context = context.into();
    move |e| DbError {
        context,
        message: e.to_string(),
    }
}

/// A connection to one of the two databases.
pub enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::Client>),
}

/// Which database a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Conn {
    pub fn dialect(&self) -> Dialect {
        match self {
            Conn::Sqlite(_) => Dialect::Sqlite,
            Conn::Postgres(_) => Dialect::Postgres,
        }
    }

    fn render<'a>(&self, sql: &'a str) -> Cow<'a, str> {
        render(self.dialect(), sql)
    }

    /// Runs statements without parameters (DDL, BEGIN, COMMIT).
    pub fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        let ctx = || format!("running {}", first_line(sql));
        match self {
            Conn::Sqlite(c) => c.execute_batch(sql).map_err(|e| db_err(ctx())(&e)),
            Conn::Postgres(c) => c.batch_execute(sql).map_err(|e| db_err(ctx())(&pg_msg(&e))),
        }
    }

    /// Executes one statement; returns the number of rows changed.
    pub fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, DbError> {
        let text = self.render(sql).into_owned();
        let ctx = || format!("running {}", first_line(sql));
        match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(&text).map_err(|e| db_err(ctx())(&e))?;
                let n = st
                    .execute(rusqlite::params_from_iter(params.iter().map(SqliteVal)))
                    .map_err(|e| db_err(ctx())(&e))?;
                Ok(n as u64)
            }
            Conn::Postgres(c) => {
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params
                    .iter()
                    .map(|p| p as &(dyn postgres::types::ToSql + Sync))
                    .collect();
                c.execute(text.as_str(), &refs)
                    .map_err(|e| db_err(ctx())(&pg_msg(&e)))
            }
        }
    }

    /// Runs a query and reads each row's columns as the given types.
    pub fn query(
        &mut self,
        sql: &str,
        params: &[Val],
        types: &[Ty],
    ) -> Result<Vec<Vec<Val>>, DbError> {
        let text = self.render(sql).into_owned();
        let ctx = || format!("running {}", first_line(sql));
        match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(&text).map_err(|e| db_err(ctx())(&e))?;
                let mut rows = st
                    .query(rusqlite::params_from_iter(params.iter().map(SqliteVal)))
                    .map_err(|e| db_err(ctx())(&e))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next().map_err(|e| db_err(ctx())(&e))? {
                    let mut vals = Vec::with_capacity(types.len());
                    for (i, ty) in types.iter().enumerate() {
                        let v = row.get_ref(i).map_err(|e| db_err(ctx())(&e))?;
                        vals.push(from_sqlite(v, *ty).map_err(|e| db_err(ctx())(&e))?);
                    }
                    out.push(vals);
                }
                Ok(out)
            }
            Conn::Postgres(c) => {
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params
                    .iter()
                    .map(|p| p as &(dyn postgres::types::ToSql + Sync))
                    .collect();
                let rows = c
                    .query(text.as_str(), &refs)
                    .map_err(|e| db_err(ctx())(&pg_msg(&e)))?;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let mut vals = Vec::with_capacity(types.len());
                    for (i, ty) in types.iter().enumerate() {
                        vals.push(from_pg(&row, i, *ty).map_err(|e| db_err(ctx())(&e))?);
                    }
                    out.push(vals);
                }
                Ok(out)
            }
        }
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

    /// Runs an `INSERT … RETURNING id` into `table` and reads the new row's id: an error, not
    /// a default, when the database returns none.
    pub fn insert_id(
        &mut self,
        table: &'static str,
        sql: &str,
        params: &[Val],
    ) -> Result<i64, DbError> {
        let rows = self.query(sql, params, &[Ty::Int])?;
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

fn first_line(sql: &str) -> String {
    let line = sql.trim().lines().next().unwrap_or("");
    line.chars().take(80).collect()
}

/// The driver's message, with PostgreSQL's detail when there is one.
pub fn pg_msg(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(d) => format!("{} ({d})", db.message()),
            None => db.message().to_owned(),
        },
        None => e.to_string(),
    }
}

/// Rewrites the dialect markers and, for SQLite, `$n` into `?n`. Text inside string literals
/// (`'…'`, with `''` for a quote) and quoted identifiers (`"…"`) is left as it is.
pub fn render(dialect: Dialect, sql: &str) -> Cow<'_, str> {
    let markers = |s: &str| -> String {
        match dialect {
            Dialect::Postgres => s
                .replace("{dec}", "::text::numeric")
                .replace("{json}", "::text::jsonb"),
            Dialect::Sqlite => s.replace("{dec}", "").replace("{json}", ""),
        }
    };
    let needs_work = match dialect {
        Dialect::Postgres => sql.contains('{'),
        Dialect::Sqlite => sql.contains('{') || sql.contains('$'),
    };
    if !needs_work {
        return Cow::Borrowed(sql);
    }
    // Outside literals markers and placeholders are rewritten; inside, nothing is.
    let mut out = String::with_capacity(sql.len() + 16);
    let mut code = String::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' {
            out.push_str(&rewrite_code(dialect, &markers(&code)));
            code.clear();
            out.push(c);
            while let Some(d) = chars.next() {
                out.push(d);
                if d == c {
                    if chars.peek() == Some(&c) {
                        // A doubled quote stays inside the literal.
                        if let Some(e) = chars.next() {
                            out.push(e);
                        }
                    } else {
                        break;
                    }
                }
            }
        } else {
            code.push(c);
        }
    }
    out.push_str(&rewrite_code(dialect, &markers(&code)));
    Cow::Owned(out)
}

/// `$n` → `?n` on SQLite, in SQL text that holds no literal.
fn rewrite_code(dialect: Dialect, code: &str) -> String {
    match dialect {
        Dialect::Postgres => code.to_owned(),
        Dialect::Sqlite => code.replace('$', "?"),
    }
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

fn from_pg(row: &postgres::Row, i: usize, ty: Ty) -> Result<Val, String> {
    let e = |e: postgres::Error| e.to_string();
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

impl postgres::types::ToSql for Val {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::IsNull;
        match self {
            Val::Null => Ok(IsNull::Yes),
            Val::Int(i) => {
                if *ty == postgres::types::Type::INT4 {
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

    fn accepts(_ty: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
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
