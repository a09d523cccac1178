//! Daily balances on MySQL/MariaDB: the rows, read and sorted as for PostgreSQL, written by
//! multi-row `INSERT`s of 500 rows (one prepared statement, reused) — straight into
//! `balances` when the period holds none yet, else into a temporary table whose changed rows
//! are counted and then merged with an upsert.

use crate::sql::{Conn, DbError, Ty, Val};
use crate::{Org, Store};
use chrono::NaiveDate;

/// Rows converted to values at a time.
const CHUNK: usize = 32_768;

impl Store {
    /// Writes `rows` (account id, day as days since 1970, fen, source row) of `org` between
    /// `first` and `last`; returns how many rows were new or changed. Runs inside the import's
    /// transaction: any error rolls everything back.
    pub(super) fn insert_balances_multirow(
        &mut self,
        org: &Org,
        rows: &[(i64, i32, i64, u32)],
        (first, last): (NaiveDate, NaiveDate),
        day: &dyn Fn(i32) -> NaiveDate,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64, DbError> {
        let conn: &mut Conn = &mut self.conn;
        let overlap = conn
            .scalar(
                "SELECT EXISTS (SELECT 1 FROM balances b JOIN accounts a ON a.id = b.account_id \
                 WHERE a.org_id = $1 AND b.day BETWEEN $2 AND $3)",
                &[Val::Int(org.id), Val::Date(first), Val::Date(last)],
                Ty::Bool,
            )?
            .as_bool()
            .unwrap_or(true);
        let target = if overlap {
            // A temporary table outlives a rolled-back transaction in its session: drop
            // what a failed import may have left first.
            conn.batch("DROP TEMPORARY TABLE IF EXISTS balances_in")?;
            conn.batch(
                "CREATE TEMPORARY TABLE balances_in (account_id BIGINT NOT NULL, day DATE NOT NULL, \
                 balance_fen BIGINT NOT NULL, PRIMARY KEY (account_id, day))",
            )?;
            "balances_in"
        } else {
            "balances"
        };
        // Conn::insert_many writes each chunk as multi-row INSERTs of 500 rows (one prepared
        // statement, reused); chunks keep the values in memory bounded.
        let head = format!("INSERT INTO {target} (account_id, day, balance_fen)");
        let mut done = 0u64;
        for chunk in rows.chunks(CHUNK) {
            let values = chunk
                .iter()
                .map(|(acct, d, fen, _)| vec![Val::Int(*acct), Val::Date(day(*d)), Val::Int(*fen)])
                .collect();
            conn.insert_many(&head, &["", "", ""], values, "")?;
            done += chunk.len() as u64;
            progress(done);
        }
        if !overlap {
            return Ok(rows.len() as u64);
        }
        let changed = conn
            .scalar(
                "SELECT COUNT(*) FROM balances_in i LEFT JOIN balances b \
                 ON b.account_id = i.account_id AND b.day = i.day \
                 WHERE b.account_id IS NULL OR b.balance_fen <> i.balance_fen",
                &[],
                Ty::Int,
            )?
            .as_i64()
            .unwrap_or(0);
        conn.exec(
            "INSERT INTO balances (account_id, day, balance_fen) \
             SELECT account_id, day, balance_fen FROM balances_in \
             ON DUPLICATE KEY UPDATE balance_fen = VALUES(balance_fen)",
            &[],
        )?;
        conn.batch("DROP TEMPORARY TABLE balances_in")?;
        Ok(u64::try_from(changed).unwrap_or(0))
    }
}
