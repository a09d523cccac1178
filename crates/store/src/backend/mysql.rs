//! MySQL and MariaDB: their SQL and the glue of the `mysql` driver.
//!
//! The store writes `$n` placeholders, which may repeat (`c.org_id = $1 AND m.org_id = $1`);
//! MySQL's are positional `?`, one value each. [`render`](Backend::render) keeps the `$n` and
//! answers the markers; the driver glue turns each `$n` into `?` and binds the values in the
//! order the placeholders appear ([`positional`]). `{dec}` casts its text to
//! `DECIMAL(57,28)` (every value `rust_decimal` holds: 29 integer digits, 28 decimals), so
//! comparisons are exact rather than MySQL's string-to-double conversion; `{json}` needs no cast.
//! `CAST(x AS TEXT)` (how the store reads decimals, JSON and times as text) becomes `(x)`: the
//! value comes back with its column's type and the glue writes it as text the way the other
//! backends do (a `DECIMAL(57,28)` as its shortest exact form, not with 28 decimals; a
//! `DATETIME` as `YYYY-MM-DD HH:MM:SS`). `CAST(x AS BIGINT)` is spelt `CAST(x AS SIGNED)`.
//! `before` (a column of `audit_log`) is a reserved word and is quoted.
//!
//! Each connection sets `sql_mode` to ANSI quotes, `||` as concatenation, no backslash escapes
//! and strict tables, and `time_zone` to UTC, so that the store's one SQL text means here what
//! it means on SQLite and PostgreSQL. Tables use the binary collation (`utf8mb4_bin`): codes
//! compare exactly and sort by code point, as on the other two.
//!
//! A writing transaction is `START TRANSACTION` followed by the organisation's row locked `FOR
//! UPDATE`; a read is `START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY` (InnoDB's
//! repeatable read). DDL is not transactional in MySQL: a migration that fails part-way leaves
//! the statements before the failure applied, and is not recorded, so it runs again after the
//! cause is fixed — the migrations are written to be re-runnable where MySQL allows
//! (`IF NOT EXISTS`).
//!
//! New ids come from `LAST_INSERT_ID()` (MySQL has no `INSERT … RETURNING`; MariaDB has, but
//! one way serves both). An upsert is `ON DUPLICATE KEY UPDATE`; MySQL counts an updated row
//! as 2 and an unchanged one as 0, so callers that count changes of one-row upserts take
//! `min(n, 1)`.

use super::{Backend, BulkBalances, rewrite_outside_literals};
use crate::StoreError;
use crate::sql::{Ty, Val};
use ::mysql::prelude::Queryable;
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use std::borrow::Cow;
use std::cell::RefCell;

/// MySQL or MariaDB (see the [module documentation](self)).
#[derive(Debug, Clone, Copy)]
pub struct Mysql;

/// What every connection sets first.
const SESSION: &str = "SET SESSION sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT,NO_BACKSLASH_ESCAPES,STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', \
     time_zone = '+00:00', NAMES utf8mb4 COLLATE utf8mb4_bin";

/// The exact decimal type `{dec}` casts to.
const DECIMAL: &str = "DECIMAL(57,28)";

macro_rules! migrations {
    ($($n:literal => $file:literal),* $(,)?) => {
        &[$(($n, include_str!(concat!("../../migrations/mysql/", $file)))),*]
    };
}

const MIGRATIONS: &[(i64, &str)] = migrations! {
    1 => "0001_init.sql",
    2 => "0002_settlements.sql",
    3 => "0003_disputes.sql",
    4 => "0004_web.sql",
    5 => "0005_assessment.sql",
    6 => "0006_one_decision.sql",
    7 => "0007_flow_keys.sql",
    8 => "0008_booking_spot_check.sql",
    9 => "0009_reconciliation.sql",
    10 => "0010_agreement_requests.sql",
    11 => "0011_assessment_steps.sql",
    12 => "0012_daily_registers.sql",
    13 => "0013_ownership_claims.sql",
    14 => "0014_advice.sql",
    15 => "0015_run_review.sql",
    16 => "0016_org_policies.sql",
    17 => "0017_inbox_reads.sql",
    18 => "0018_whatif_scenarios.sql",
    19 => "0019_read_paths.sql",
    20 => "0020_form_nonces.sql",
};

impl Backend for Mysql {
    fn name(&self) -> &'static str {
        "MySQL/MariaDB"
    }

    fn render<'a>(&self, sql: &'a str) -> Cow<'a, str> {
        let needs = sql.contains('{')
            || sql.contains(" AS TEXT)")
            || sql.contains(" AS BIGINT)")
            || sql.contains("before");
        if !needs {
            return Cow::Borrowed(sql);
        }
        let sql = uncast_text(sql);
        Cow::Owned(rewrite_outside_literals(&sql, |code| {
            let code = cast_decimals(code)
                .replace("{json}", "")
                .replace(" AS BIGINT)", " AS SIGNED)");
            quote_word(&code, "before")
        }))
    }

    fn begin_write(&self) -> &'static str {
        "START TRANSACTION"
    }

    fn begin_read(&self) -> &'static str {
        "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"
    }

    fn begin_migration(&self) -> &'static str {
        "START TRANSACTION"
    }

    fn commit(&self) -> &'static str {
        "COMMIT"
    }

    fn rollback(&self) -> &'static str {
        "ROLLBACK"
    }

    fn org_write_lock(&self) -> Option<&'static str> {
        Some("SELECT id FROM organisations WHERE id = $1 FOR UPDATE")
    }

    fn timestamp_type(&self) -> &'static str {
        "DATETIME(6)"
    }

    fn migrations(&self) -> &'static [(i64, &'static str)] {
        MIGRATIONS
    }

    /// `ON DUPLICATE KEY UPDATE c = VALUES(c), …`: MySQL leaves a row whose new values are
    /// all the same unchanged (and counts it 0). With nothing to update the first key column
    /// is set to itself: a conflict then changes nothing, like `DO NOTHING`.
    fn upsert_tail(&self, _table: &str, key: &[&str], update: &[&str]) -> String {
        if update.is_empty() {
            let k = key.first().copied().unwrap_or("id");
            return format!("ON DUPLICATE KEY UPDATE {k} = {k}");
        }
        let set: Vec<String> = update
            .iter()
            .map(|c| format!("{c} = VALUES({c})"))
            .collect();
        format!("ON DUPLICATE KEY UPDATE {}", set.join(", "))
    }

    /// The insert as it is: the id is read with `LAST_INSERT_ID()` by the driver glue
    /// ([`insert_id`]), which `Conn::insert_id` calls for this backend.
    fn insert_returning_id(&self, insert: &str) -> String {
        insert.to_owned()
    }

    fn bulk_balances(&self) -> BulkBalances {
        BulkBalances::MultiRowInsert
    }

    fn is_unique_violation(&self, message: &str) -> bool {
        message.contains("Duplicate entry")
    }

    fn is_busy(&self, message: &str) -> bool {
        message.contains("Deadlock found") || message.contains("Lock wait timeout exceeded")
    }

    fn refresh_statistics(&self, table: &str) -> Option<String> {
        Some(format!("ANALYZE TABLE {table}"))
    }
}

/// Every `CAST(x AS TEXT)` outside literals as `(x)` (nested parentheses and literals inside
/// `x` are kept whole).
fn uncast_text(sql: &str) -> Cow<'_, str> {
    const OPEN: &str = "CAST(";
    const CLOSE: &str = " AS TEXT";
    if !sql.contains(" AS TEXT)") {
        return Cow::Borrowed(sql);
    }
    let bytes = sql.as_bytes();
    // Where each CAST( opens, and where its parenthesis closes.
    let mut out = String::with_capacity(sql.len());
    let mut stack: Vec<(usize, bool)> = Vec::new(); // (index in out of '(', is a CAST)
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\'' || c == b'"' {
            // Copy the literal or quoted identifier whole ('' or "" inside stays).
            let start = i;
            i += 1;
            while i < bytes.len() {
                if bytes[i] == c {
                    if bytes.get(i + 1) == Some(&c) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i = (i + 1).min(bytes.len());
            out.push_str(&sql[start..i]);
            continue;
        }
        if sql[i..].starts_with(OPEN)
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'))
        {
            stack.push((out.len(), true));
            out.push('(');
            i += OPEN.len();
            continue;
        }
        if c == b'(' {
            stack.push((out.len(), false));
        } else if c == b')'
            && let Some((at, true)) = stack.pop()
        {
            if out.ends_with(CLOSE) {
                out.truncate(out.len() - CLOSE.len());
            } else {
                // Another cast (AS BIGINT, …): put its name back.
                out.insert_str(at, "CAST");
            }
            out.push(')');
            i += 1;
            continue;
        }
        // Copy one character (UTF-8 aware).
        let ch = sql[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    Cow::Owned(out)
}

/// `$n{dec}` as `CAST($n AS DECIMAL(57,28))`.
fn cast_decimals(code: &str) -> String {
    if !code.contains("{dec}") {
        return code.to_owned();
    }
    let mut out = String::with_capacity(code.len() + 32);
    let mut rest = code;
    while let Some(at) = rest.find("{dec}") {
        let head = &rest[..at];
        // The placeholder just before the marker: `$` and its digits.
        let digits = head.len() - head.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let start = at - digits;
        if digits > 0 && start > 0 && head.as_bytes()[start - 1] == b'$' {
            out.push_str(&head[..start - 1]);
            out.push_str("CAST(");
            out.push_str(&head[start - 1..]);
            out.push_str(" AS ");
            out.push_str(DECIMAL);
            out.push(')');
        } else {
            out.push_str(head);
        }
        rest = &rest[at + "{dec}".len()..];
    }
    out.push_str(rest);
    out
}

/// `word` as a quoted identifier wherever it stands alone (not inside another name).
fn quote_word(code: &str, word: &str) -> String {
    if !code.contains(word) {
        return code.to_owned();
    }
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    let mut out = String::with_capacity(code.len() + 4);
    let mut rest = code;
    while let Some(at) = rest.find(word) {
        let before_ok = rest[..at].chars().next_back().is_none_or(|c| !ident(c));
        let end = at + word.len();
        let after_ok = rest[end..].chars().next().is_none_or(|c| !ident(c));
        out.push_str(&rest[..at]);
        if before_ok && after_ok {
            out.push('"');
            out.push_str(word);
            out.push('"');
        } else {
            out.push_str(word);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The statement with `?` for each `$n` outside literals, and for each `?` the index of the
/// value it binds.
pub(crate) fn positional(sql: &str) -> (String, Vec<usize>) {
    let order = RefCell::new(Vec::new());
    let text = rewrite_outside_literals(sql, |code| {
        let mut out = String::with_capacity(code.len());
        let mut chars = code.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            if c == '$' {
                let mut n = 0usize;
                let mut any = false;
                while let Some(&(_, d)) = chars.peek() {
                    match d.to_digit(10) {
                        Some(v) => {
                            n = n.saturating_mul(10).saturating_add(v as usize);
                            any = true;
                            chars.next();
                        }
                        None => break,
                    }
                }
                if any && n > 0 {
                    order.borrow_mut().push(n - 1);
                    out.push('?');
                } else {
                    out.push('$');
                    if any {
                        out.push_str(&n.to_string());
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    });
    (text, order.into_inner())
}

/// Connects to the database of `url` (`mysql://user:password@host:port/database`, also
/// `mariadb://…`) and sets the session (see the [module documentation](self)).
pub(crate) fn connect(url: &str) -> Result<::mysql::Conn, StoreError> {
    let fail = |e: &dyn std::fmt::Display| {
        StoreError::Invalid(format!(
            "cannot connect to MySQL/MariaDB at {}: {e}. Check that the server runs and the URL (mysql://user:password@host:port/database) is right",
            crate::redact(url)
        ))
    };
    let normal = match url.strip_prefix("mariadb://") {
        Some(rest) => format!("mysql://{rest}"),
        None => url.to_owned(),
    };
    let opts = ::mysql::Opts::from_url(&normal).map_err(|e| fail(&e))?;
    let opts = ::mysql::OptsBuilder::from_opts(opts)
        .tcp_connect_timeout(Some(std::time::Duration::from_secs(10)))
        .stmt_cache_size(Some(128))
        .init(vec![SESSION]);
    ::mysql::Conn::new(opts).map_err(|e| fail(&e))
}

/// The driver's message, with MySQL's error code.
fn my_msg(e: &::mysql::Error) -> String {
    match e {
        ::mysql::Error::MySqlError(m) => format!("{} (MySQL error {})", m.message, m.code),
        other => other.to_string(),
    }
}

/// Runs statements without parameters (a multi-statement text, as migrations are).
pub(crate) fn batch(c: &mut ::mysql::Conn, sql: &str) -> Result<(), String> {
    c.query_drop(sql).map_err(|e| my_msg(&e))
}

fn bind(sql: &str, params: &[Val]) -> Result<(String, ::mysql::Params), String> {
    let (text, order) = positional(sql);
    if order.is_empty() {
        return Ok((text, ::mysql::Params::Empty));
    }
    let mut values = Vec::with_capacity(order.len());
    for i in order {
        let v = params
            .get(i)
            .ok_or_else(|| format!("placeholder ${} has no value: {sql}", i + 1))?;
        values.push(to_mysql(v));
    }
    Ok((text, ::mysql::Params::Positional(values)))
}

/// Executes one rendered statement; returns the number of rows changed.
pub(crate) fn exec(c: &mut ::mysql::Conn, sql: &str, params: &[Val]) -> Result<u64, String> {
    let (text, params) = bind(sql, params)?;
    c.exec_drop(text, params).map_err(|e| my_msg(&e))?;
    Ok(c.affected_rows())
}

/// Executes one rendered `INSERT`; returns the new row's id.
pub(crate) fn insert_id(c: &mut ::mysql::Conn, sql: &str, params: &[Val]) -> Result<i64, String> {
    let (text, params) = bind(sql, params)?;
    c.exec_drop(text, params).map_err(|e| my_msg(&e))?;
    i64::try_from(c.last_insert_id()).map_err(|e| e.to_string())
}

/// Runs one rendered query and reads each row's columns as the given types.
pub(crate) fn query(
    c: &mut ::mysql::Conn,
    sql: &str,
    params: &[Val],
    types: &[Ty],
) -> Result<Vec<Vec<Val>>, String> {
    let (text, params) = bind(sql, params)?;
    let rows: Vec<::mysql::Row> = c.exec(text, params).map_err(|e| my_msg(&e))?;
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
        let columns: Vec<Column> = row.columns_ref().iter().map(column_kind).collect();
        let mut vals = Vec::with_capacity(types.len());
        for ((v, ty), column) in row.unwrap().into_iter().zip(types).zip(columns) {
            vals.push(from_mysql(v, *ty, column)?);
        }
        out.push(vals);
    }
    Ok(out)
}

/// What a result column's type says about writing its value as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Decimal,
    Date,
    Other,
}

fn column_kind(c: &::mysql::Column) -> Column {
    use ::mysql::consts::ColumnType as T;
    match c.column_type() {
        T::MYSQL_TYPE_NEWDECIMAL | T::MYSQL_TYPE_DECIMAL => Column::Decimal,
        T::MYSQL_TYPE_DATE | T::MYSQL_TYPE_NEWDATE => Column::Date,
        _ => Column::Other,
    }
}

fn datetime(d: NaiveDateTime) -> ::mysql::Value {
    ::mysql::Value::Date(
        u16::try_from(d.year()).unwrap_or(0),
        d.month() as u8,
        d.day() as u8,
        d.hour() as u8,
        d.minute() as u8,
        d.second() as u8,
        d.nanosecond() / 1000 % 1_000_000,
    )
}

fn to_mysql(v: &Val) -> ::mysql::Value {
    use ::mysql::Value as V;
    match v {
        Val::Null => V::NULL,
        Val::Int(i) => V::Int(*i),
        Val::Text(s) => V::Bytes(s.as_bytes().to_vec()),
        Val::Bool(b) => V::Int(i64::from(*b)),
        Val::Date(d) => V::Date(
            u16::try_from(d.year()).unwrap_or(0),
            d.month() as u8,
            d.day() as u8,
            0,
            0,
            0,
            0,
        ),
        Val::DateTime(d) => datetime(*d),
        Val::Time(t) => datetime(t.naive_utc()),
        Val::Dec(d) => V::Bytes(d.normalize().to_string().into_bytes()),
        Val::Json(j) => V::Bytes(j.to_string().into_bytes()),
    }
}

fn from_mysql(v: ::mysql::Value, ty: Ty, column: Column) -> Result<Val, String> {
    use ::mysql::Value as V;
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let date = |y: u16, m: u8, d: u8| {
        NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
            .ok_or_else(|| format!("not a date: {y}-{m}-{d}"))
    };
    Ok(match (v, ty) {
        (V::NULL, _) => Val::Null,
        (V::Int(i), Ty::Int) => Val::Int(i),
        (V::UInt(u), Ty::Int) => Val::Int(i64::try_from(u).map_err(|e| e.to_string())?),
        (V::Int(i), Ty::Bool) => Val::Bool(i != 0),
        (V::UInt(u), Ty::Bool) => Val::Bool(u != 0),
        (V::Int(i), Ty::Text) => Val::Text(i.to_string()),
        (V::UInt(u), Ty::Text) => Val::Text(u.to_string()),
        (V::Int(i), Ty::Dec) => Val::Dec(rust_decimal::Decimal::from(i)),
        (V::UInt(u), Ty::Dec) => Val::Dec(rust_decimal::Decimal::from(u)),
        // A decimal as text is its shortest exact form, as the other backends store it.
        (V::Bytes(b), Ty::Text) if column == Column::Decimal => {
            let s = text(&b);
            match kejing_engine::parse_decimal(&s) {
                Ok(d) => Val::Text(d.normalize().to_string()),
                Err(_) => Val::Text(s),
            }
        }
        (V::Bytes(b), Ty::Text) => Val::Text(text(&b)),
        // SUM over BIGINT is a DECIMAL in MySQL: read its digits.
        (V::Bytes(b), Ty::Int) => {
            let s = text(&b);
            let d = kejing_engine::parse_decimal(&s).map_err(|_| format!("not an integer: {s}"))?;
            if !d.fract().is_zero() {
                return Err(format!("not an integer: {s}"));
            }
            Val::Int(i64::try_from(d).map_err(|_| format!("not an integer: {s}"))?)
        }
        (V::Bytes(b), Ty::Bool) => Val::Bool(text(&b) != "0"),
        (V::Bytes(b), Ty::Dec) => {
            let s = text(&b);
            Val::Dec(
                kejing_engine::parse_decimal(&s)
                    .map_err(|_| format!("not a decimal: {s}"))?
                    .normalize(),
            )
        }
        (V::Bytes(b), Ty::Json) => {
            Val::Json(serde_json::from_slice(&b).map_err(|e| e.to_string())?)
        }
        (V::Bytes(b), Ty::Date) => {
            let s = text(&b);
            Val::Date(s.parse().map_err(|_| format!("not a date: {s}"))?)
        }
        (V::Bytes(b), Ty::DateTime) => {
            let s = text(&b);
            Val::DateTime(
                NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S%.f")
                    .map_err(|_| format!("not a time stamp: {s}"))?,
            )
        }
        (V::Date(y, m, d, ..), Ty::Date) => Val::Date(date(y, m, d)?),
        (V::Date(y, m, d, h, mi, s, us), Ty::DateTime) => Val::DateTime(
            date(y, m, d)?
                .and_hms_micro_opt(u32::from(h), u32::from(mi), u32::from(s), us)
                .ok_or_else(|| format!("not a time: {h}:{mi}:{s}"))?,
        ),
        // A date as `YYYY-MM-DD`; a moment (stored in UTC) as PostgreSQL writes a TIMESTAMPTZ.
        (V::Date(y, m, d, ..), Ty::Text) if column == Column::Date => {
            Val::Text(format!("{y:04}-{m:02}-{d:02}"))
        }
        (V::Date(y, m, d, h, mi, s, us), Ty::Text) => Val::Text(if us == 0 {
            format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}+00")
        } else {
            format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}.{us:06}+00")
        }),
        (other, ty) => return Err(format!("unexpected value {other:?} for {ty:?}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_positional_in_order_of_appearance() {
        let (sql, order) =
            positional("SELECT '$1' FROM t WHERE a = $1 AND b = $2 AND c = $1 AND d = \"$3\"");
        assert_eq!(
            sql,
            "SELECT '$1' FROM t WHERE a = ? AND b = ? AND c = ? AND d = \"$3\""
        );
        assert_eq!(order, vec![0, 1, 0]);
        let (sql, order) = positional("SELECT $12, $ x");
        assert_eq!((sql.as_str(), order), ("SELECT ?, $ x", vec![11]));
    }

    #[test]
    fn markers_casts_and_reserved_words() {
        assert_eq!(
            Mysql.render("INSERT INTO t (a, before) VALUES ($1{dec}, $2{json}) -- 'before {dec}'"),
            "INSERT INTO t (a, \"before\") VALUES (CAST($1 AS DECIMAL(57,28)), $2) -- 'before {dec}'"
        );
        assert_eq!(
            Mysql.render("SELECT CAST(ratio AS TEXT), CAST($4 AS BIGINT), before_x FROM t"),
            "SELECT (ratio), CAST($4 AS SIGNED), before_x FROM t"
        );
        assert_eq!(
            Mysql.render("SELECT CAST(COALESCE(MAX(a), ')') AS TEXT), 'CAST(x AS TEXT)', CAST(CAST(b AS TEXT) AS BIGINT) FROM t"),
            "SELECT (COALESCE(MAX(a), ')')), 'CAST(x AS TEXT)', CAST((b) AS SIGNED) FROM t"
        );
        assert_eq!(
            Mysql.upsert_tail("sales", &["org_id", "fact_key"], &["day", "amount_fen"]),
            "ON DUPLICATE KEY UPDATE day = VALUES(day), amount_fen = VALUES(amount_fen)"
        );
        assert_eq!(
            Mysql.upsert_tail("t", &["org_id", "k"], &[]),
            "ON DUPLICATE KEY UPDATE org_id = org_id"
        );
    }
}
