//! Daily balances: the bulk path. SQLite streams the file into one prepared statement while
//! it is read; PostgreSQL sorts the rows and `COPY`s them, directly into the table when the
//! period holds no balances yet, through a staging table and a merge otherwise.

use super::{Changes, ImportError, ImportOptions, Progress, rows_error};
use crate::backend::BulkBalances;
use crate::sql::{Conn, DbError, db_err, pg_msg};
use crate::{Org, Store, StoreError};
use chrono::NaiveDate;
use kejing_io::read::{Reason, Reject, RowError};
use kejing_io::records::*;
use kejing_io::{Table, read_records};
use std::collections::HashMap;
use std::path::Path;

impl Store {
    pub(super) fn import_balances(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        match self.backend().bulk_balances() {
            BulkBalances::PreparedStream => {
                return self.stream_balances_sqlite(org, path, options, progress);
            }
            BulkBalances::Copy | BulkBalances::MultiRowInsert => {}
        }
        let merge = format!(
            "INSERT INTO balances (account_id, day, balance_fen) SELECT account_id, day, balance_fen FROM balances_in {}",
            self.backend()
                .upsert_tail("balances", &["account_id", "day"], &["balance_fen"])
        );
        let accounts = self.code_map("accounts", org)?;
        // (account id, day as days since 1970, fen, row)
        let mut rows: Vec<(i64, i32, i64, u32)> = Vec::new();
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
        let summary = read_records::<BalanceRec>(
            path,
            &options.read,
            |row, r| {
                let Some(&acct) = accounts.get(r.account_id.as_str()) else {
                    return Err(vec![Reject::new(
                        "account_id",
                        r.account_id.as_str(),
                        Reason::new(
                            "unknown-account",
                            "unknown account: import it in accounts first",
                        ),
                    )]);
                };
                let day = i32::try_from((r.date - epoch).num_days()).unwrap_or(0);
                rows.push((
                    acct,
                    day,
                    r.balance.fen(),
                    u32::try_from(row).unwrap_or(u32::MAX),
                ));
                Ok(())
            },
            &mut |d, t| progress("read", d, t),
        )?;
        rows.sort_unstable();
        let mut keys: Vec<(i64, i32, u32)> = rows.iter().map(|r| (r.0, r.1, r.3)).collect();
        let mut errors = duplicate_balances(&mut keys);
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.row);
            return Err(rows_error(path, errors, summary.rows));
        }
        let n = summary.rows;
        let day_text =
            |d: i32| (epoch + chrono::Days::new(u64::try_from(d).unwrap_or(0))).to_string();
        let total = rows.len() as u64;
        let changes = self.transaction(|s| {
            let written = match &mut s.conn {
                Conn::Mysql(_) => {
                    let (first, last) = day_range(&rows);
                    let day = |d: i32| epoch + chrono::Days::new(u64::try_from(d).unwrap_or(0));
                    s.insert_balances_multirow(org, &rows, (day(first), day(last)), &day, &mut |d| {
                        progress("write", d, total)
                    })?
                }
                Conn::Sqlite(_) => {
                    return Err(ImportError::Store(StoreError::Invalid(
                        "internal: balances take the COPY path only on PostgreSQL".into(),
                    )));
                }
                Conn::Postgres(c) => {
                    let (first, last) = day_range(&rows);
                    let first = epoch + chrono::Days::new(u64::try_from(first).unwrap_or(0));
                    let last = epoch + chrono::Days::new(u64::try_from(last).unwrap_or(0));
                    let overlap: bool = c
                        .query_one(
                            "SELECT EXISTS (SELECT 1 FROM balances b JOIN accounts a ON a.id = b.account_id \
                             WHERE a.org_id = $1 AND b.day BETWEEN $2 AND $3)",
                            &[&org.id, &first, &last],
                        )
                        .map_err(|e| db_err("checking stored balances")(&pg_msg(&e)))?
                        .get(0);
                    let target = if overlap {
                        c.batch_execute(
                            "CREATE TEMP TABLE balances_in (account_id BIGINT, day DATE, balance_fen BIGINT) ON COMMIT DROP",
                        )
                        .map_err(|e| db_err("creating a staging table")(&pg_msg(&e)))?;
                        "balances_in"
                    } else {
                        "balances"
                    };
                    copy_balances(c, target, &rows, &day_text, &mut |d| progress("write", d, total))?;
                    if overlap {
                        c.execute(merge.as_str(), &[])
                        .map_err(|e| db_err("merging balances")(&pg_msg(&e)))?
                    } else {
                        total
                    }
                }
            };
            progress("write", total, total);
            let changes = (written, total - written);
            s.log_import(org, Table::Balances, path, n, changes)?;
            Ok::<_, ImportError>(changes)
        })?;
        Ok((n, changes, summary.warnings))
    }
}

fn copy_balances(
    c: &mut postgres::Client,
    target: &str,
    rows: &[(i64, i32, i64, u32)],
    day_text: &dyn Fn(i32) -> String,
    progress: &mut dyn FnMut(u64),
) -> Result<(), DbError> {
    use std::io::Write;
    let mut w = c
        .copy_in(&format!(
            "COPY {target} (account_id, day, balance_fen) FROM STDIN"
        ))
        .map_err(|e| db_err("starting COPY of balances")(&pg_msg(&e)))?;
    let mut days: HashMap<i32, String> = HashMap::new();
    let mut buf = String::with_capacity(1 << 20);
    for (i, (acct, day, fen, _)) in rows.iter().enumerate() {
        let d = days.entry(*day).or_insert_with(|| day_text(*day));
        use std::fmt::Write as _;
        let _ = writeln!(buf, "{acct}\t{d}\t{fen}");
        if buf.len() > (1 << 20) - 64 {
            w.write_all(buf.as_bytes())
                .map_err(|e| db_err("copying balances")(&e))?;
            buf.clear();
            progress(i as u64);
        }
    }
    w.write_all(buf.as_bytes())
        .map_err(|e| db_err("copying balances")(&e))?;
    w.finish()
        .map_err(|e| db_err("finishing COPY of balances")(&pg_msg(&e)))?;
    Ok(())
}

/// Rows whose account and date repeat an earlier row; sorts `keys` (account, day, row).
fn duplicate_balances(keys: &mut [(i64, i32, u32)]) -> Vec<RowError> {
    keys.sort_unstable();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
    keys.windows(2)
        .filter(|w| w[0].0 == w[1].0 && w[0].1 == w[1].1)
        .map(|w| {
            RowError::new(
                w[1].2 as usize,
                "date",
                (epoch + chrono::Days::new(u64::try_from(w[1].1).unwrap_or(0))).to_string(),
                Reason::new(
                    "duplicate-balance",
                    format!(
                        "duplicate key: the same account and date as row {}; keep one of the two rows",
                        w[0].2
                    ),
                )
                .arg("first", w[0].2),
            )
        })
        .collect()
}

/// A batch of parsed balances on its way from the reader thread to the writer.
struct BalanceBatch {
    rows: Vec<(i64, i32, i64)>,
    done: u64,
    total: u64,
}

impl Store {
    /// SQLite: a reader thread parses and checks the file while this thread writes the rows in
    /// the open transaction (the two cores work at once). Any bad row, duplicate or database
    /// error rolls the whole transaction back, so nothing is written.
    fn stream_balances_sqlite(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        const BATCH: usize = 16_384;
        let accounts = self.code_map("accounts", org)?;
        let accounts = &accounts;
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
        self.transaction(|s| {
            let b = s.backend();
            let insert = b
                .render(&format!(
                    "INSERT INTO balances (account_id, day, balance_fen) VALUES ($1, $2, $3) {}",
                    b.upsert_tail("balances", &["account_id", "day"], &["balance_fen"])
                ))
                .into_owned();
            let Conn::Sqlite(c) = &mut s.conn else {
                return Err(ImportError::Store(StoreError::Invalid("not SQLite".into())));
            };
            let (tx, rx) = std::sync::mpsc::sync_channel::<BalanceBatch>(8);
            let read_options = &options.read;
            let (read, written, failure) = std::thread::scope(|scope| {
                let reader = scope.spawn(move || {
                    let mut keys: Vec<(i64, i32, u32)> = Vec::new();
                    let mut batch = Vec::with_capacity(BATCH);
                    let position = std::cell::Cell::new((0u64, 0u64));
                    let result = read_records::<BalanceRec>(
                        path,
                        read_options,
                        |row, r| {
                            let Some(&acct) = accounts.get(r.account_id.as_str()) else {
                                return Err(vec![Reject::new(
                                    "account_id",
                                    r.account_id.as_str(),
                                    Reason::new(
                                        "unknown-account",
                                        "unknown account: import it in accounts first",
                                    ),
                                )]);
                            };
                            let day = i32::try_from((r.date - epoch).num_days()).unwrap_or(0);
                            keys.push((acct, day, u32::try_from(row).unwrap_or(u32::MAX)));
                            batch.push((acct, day, r.balance.fen()));
                            if batch.len() == BATCH {
                                let (done, total) = position.get();
                                let rows = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                                let _ = tx.send(BalanceBatch { rows, done, total });
                            }
                            Ok(())
                        },
                        &mut |d, t| position.set((d, t)),
                    );
                    let (_, total) = position.get();
                    let _ = tx.send(BalanceBatch {
                        rows: batch,
                        done: total,
                        total,
                    });
                    drop(tx);
                    let duplicates = duplicate_balances(&mut keys);
                    (result, duplicates)
                });
                let mut written = 0u64;
                let mut failure: Option<DbError> = None;
                let mut days: HashMap<i32, String> = HashMap::new();
                match c.prepare_cached(&insert) {
                    Err(e) => failure = Some(db_err("preparing the balances insert")(&e)),
                    Ok(mut st) => {
                        for batch in &rx {
                            if failure.is_some() {
                                continue; // keep draining so that the reader finishes its report
                            }
                            for (acct, day, fen) in &batch.rows {
                                let text = days.entry(*day).or_insert_with(|| {
                                    (epoch + chrono::Days::new(u64::try_from(*day).unwrap_or(0)))
                                        .to_string()
                                });
                                match st.execute(rusqlite::params![acct, text.as_str(), fen]) {
                                    Ok(n) => written += n as u64,
                                    Err(e) => {
                                        failure = Some(db_err("writing balances")(&e));
                                        break;
                                    }
                                }
                            }
                            progress("write", batch.done, batch.total);
                        }
                    }
                }
                for _ in &rx {}
                let read = reader.join().map_err(|_| {
                    ImportError::Store(StoreError::Invalid("the reader thread failed".into()))
                });
                (read, written, failure)
            });
            let (summary, mut duplicates) = read?;
            let summary = summary?;
            if !duplicates.is_empty() {
                duplicates.sort_by_key(|e| e.row);
                return Err(rows_error(path, duplicates, summary.rows));
            }
            if let Some(e) = failure {
                return Err(e.into());
            }
            let n = summary.rows;
            let changes = (written, n as u64 - written);
            s.log_import(org, Table::Balances, path, n, changes)?;
            Ok((n, changes, summary.warnings))
        })
    }
}

/// The first and last day (days since 1970) of sorted balance rows.
fn day_range(rows: &[(i64, i32, i64, u32)]) -> (i32, i32) {
    let first = rows.iter().map(|r| r.1).min().unwrap_or(0);
    let last = rows.iter().map(|r| r.1).max().unwrap_or(0);
    (first, last)
}
