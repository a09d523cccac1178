//! Importing the tables of the data contract: all or nothing, every bad row reported,
//! idempotent (re-importing the same file changes nothing), audited.
//!
//! One module per kind of table: `master` data (org units, tracks, grades, clients,
//! accounts) and `managers` are diffed against what is stored and audited field by field;
//! `ownership` goes through the ledger's rules; `facts` are upserted by key; `balances`
//! take a bulk path.

mod advice;
mod balances;
mod balances_mysql;
mod facts;
mod managers;
mod master;
mod ownership;
mod registers;

use crate::sql::{Cols, DbError, Ty, Val};
use crate::{Org, Store, StoreError};
use chrono::{NaiveDate, Utc};
use kejing_io::read::{ReadError, Reason, Reject, RowError};
use kejing_io::records::*;
use kejing_io::{ReadOptions, Record, Table, read_records};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub read: ReadOptions,
    /// The day a change of grade or status takes effect when the file does not say
    /// (`changed_on`); default today.
    pub today: Option<NaiveDate>,
    /// What the import log and the audit log name as the source, when not the file's path
    /// (e.g. "transfer request #12" for a transfer applied through the ledger's rules).
    pub source: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub table: Table,
    pub file: PathBuf,
    pub rows_read: usize,
    /// Rows inserted or changed.
    pub written: u64,
    /// Rows already present with the same values.
    pub unchanged: u64,
    pub warnings: Vec<String>,
    pub elapsed: Duration,
    /// Time spent reading and checking the file before writing began.
    pub read_elapsed: Duration,
}

impl ImportReport {
    /// Rows read per second (whole rows; integer arithmetic).
    pub fn rows_per_second(&self) -> u128 {
        let micros = self.elapsed.as_micros().max(1);
        (self.rows_read as u128) * 1_000_000 / micros
    }
}

/// Why an import wrote nothing.
#[derive(Debug)]
pub enum ImportError {
    Read(ReadError),
    Store(StoreError),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Read(e) => write!(f, "{e}"),
            ImportError::Store(e) => write!(f, "{e}; nothing was written"),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<DbError> for ImportError {
    fn from(e: DbError) -> Self {
        ImportError::Store(StoreError::Db(e))
    }
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Store(e)
    }
}

impl From<ReadError> for ImportError {
    fn from(e: ReadError) -> Self {
        ImportError::Read(e)
    }
}

/// Progress callback: phase (`read` or `write`), done, total.
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

type Changes = (u64, u64);

fn rows_error(path: &Path, errors: Vec<RowError>, rows: usize) -> ImportError {
    ImportError::Read(ReadError::Rows {
        file: path.to_owned(),
        sheet: None,
        errors,
        rows,
    })
}

/// Reads all records of a table, resolving each with `resolve`; any bad row fails the read.
fn read_all<T: Record, R>(
    path: &Path,
    options: &ReadOptions,
    progress: Progress<'_>,
    mut resolve: impl FnMut(usize, T) -> Result<R, Vec<Reject>>,
) -> Result<(Vec<(usize, R)>, kejing_io::ReadSummary), ImportError> {
    let mut out = Vec::new();
    let summary = read_records::<T>(
        path,
        options,
        |row, rec| {
            out.push((row, resolve(row, rec)?));
            Ok(())
        },
        &mut |d, t| progress("read", d, t),
    )?;
    Ok((out, summary))
}

/// Rejects rows whose key was already seen in the file.
struct Dupes<K> {
    seen: HashMap<K, usize>,
}

impl<K: std::hash::Hash + Eq> Dupes<K> {
    fn new() -> Self {
        Dupes {
            seen: HashMap::new(),
        }
    }
    fn check(
        &mut self,
        key: K,
        row: usize,
        column: &'static str,
        shown: &str,
    ) -> Result<(), Vec<Reject>> {
        match self.seen.get(&key) {
            Some(first) => Err(vec![Reject::new(
                column,
                shown,
                Reason::new(
                    "duplicate-key",
                    format!("duplicate key: the same as row {first}; keep one of the two rows"),
                )
                .arg("first", first),
            )]),
            None => {
                self.seen.insert(key, row);
                Ok(())
            }
        }
    }
}

fn marker(t: Ty) -> &'static str {
    match t {
        Ty::Dec => "{dec}",
        Ty::Json => "{json}",
        _ => "",
    }
}

/// An import that writes at least this many rows refreshes the planner's statistics of its
/// table (PostgreSQL's autovacuum starts at 50 rows + 10 % of the table, but only later).
const STATISTICS_AFTER_ROWS: u64 = 200;

/// The table of the database that holds a table of the contract.
pub(crate) fn storage_table(t: Table) -> &'static str {
    match t {
        Table::Calendar => "calendar_days",
        t if kejing_io::registers::register_of(t).is_some() => "register_rows",
        t if kejing_io::advice::ADVICE_TABLES.contains(&t) => "advice_rows",
        t => t.name(),
    }
}

impl Store {
    /// Brings the planner's statistics of `table` up to date where the backend keeps them. The
    /// import has already committed: a failure here only leaves the planner's old statistics, so
    /// it is not an error of the import.
    fn refresh_statistics(&mut self, table: Table) {
        if let Some(sql) = self
            .conn
            .dialect()
            .backend()
            .refresh_statistics(storage_table(table))
        {
            let _ = self.conn.batch(&sql);
        }
    }

    /// Imports one table from a CSV or XLSX file into the organisation: validates every row
    /// first, then writes in one transaction. On any error nothing is written.
    pub fn import(
        &mut self,
        org: &Org,
        table: Table,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<ImportReport, ImportError> {
        let start = Instant::now();
        let mut write_started: Option<Instant> = None;
        let mut tracked = |phase: &str, done: u64, total: u64| {
            if phase == "write" && write_started.is_none() {
                write_started = Some(Instant::now());
            }
            progress(phase, done, total);
        };
        let progress: Progress<'_> = &mut tracked;
        // Reads of what is stored, checks and writes in one change of the organisation: two
        // imports of the same file at once give one effect and one "unchanged".
        self.import_source = options.source.clone();
        let result = self.write(org, |s| s.import_table(org, table, path, options, progress));
        self.import_source = None;
        let (rows_read, (written, unchanged), warnings) = result?;
        if written >= STATISTICS_AFTER_ROWS {
            self.refresh_statistics(table);
        }
        Ok(ImportReport {
            table,
            file: path.to_owned(),
            rows_read,
            written,
            unchanged,
            warnings,
            elapsed: start.elapsed(),
            read_elapsed: write_started.map_or(start.elapsed(), |w| w - start),
        })
    }

    fn import_table(
        &mut self,
        org: &Org,
        table: Table,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        Ok(match table {
            Table::OrgUnits => self.import_org_units(org, path, options, progress)?,
            Table::Tracks => self.import_tracks(org, path, options, progress)?,
            Table::Grades => self.import_grades(org, path, options, progress)?,
            Table::Managers => self.import_managers(org, path, options, progress)?,
            Table::Clients => self.import_clients(org, path, options, progress)?,
            Table::Accounts => self.import_accounts(org, path, options, progress)?,
            Table::Ownership => self.import_ownership(org, path, options, progress)?,
            Table::Balances => self.import_balances(org, path, options, progress)?,
            Table::Targets => self.import_targets(org, path, options, progress)?,
            Table::Sales => self.import_flows::<SaleRec>(org, path, options, progress, |r| r.0)?,
            Table::Payments => {
                self.import_flows::<PaymentRec>(org, path, options, progress, |r| r.0)?
            }
            Table::Bookings => self.import_bookings(org, path, options, progress)?,
            Table::Scores => self.import_scores(org, path, options, progress)?,
            Table::Adjustments => self.import_adjustments(org, path, options, progress)?,
            Table::Tallies => self.import_tallies(org, path, options, progress)?,
            Table::Calendar => self.import_calendar(org, path, options, progress)?,
            Table::Briefings
            | Table::Outings
            | Table::Visits
            | Table::WorkLogs
            | Table::Prospects
            | Table::CreditRegister
            | Table::RetailVisits
            | Table::Meetings
            | Table::ActionItems
            | Table::Reports => self.import_register_table(org, table, path, options, progress)?,
            Table::RiskAnswers
            | Table::Products
            | Table::Finances
            | Table::Goals
            | Table::Holdings => self.import_advice_table(org, table, path, options, progress)?,
        })
    }

    /// `code → id` for a table of the organisation.
    pub(crate) fn code_map(
        &mut self,
        table: &'static str,
        org: &Org,
    ) -> Result<HashMap<String, i64>, DbError> {
        let rows = self.conn.query(
            &format!("SELECT code, id FROM {table} WHERE org_id = $1"),
            &[Val::Int(org.id)],
            &[Ty::Text, Ty::Int],
        )?;
        rows.iter()
            .map(|r| {
                let c = Cols::new(table, r);
                Ok((c.text(0)?, c.int(1)?))
            })
            .collect()
    }

    fn log_import(
        &mut self,
        org: &Org,
        table: Table,
        path: &Path,
        rows: usize,
        (written, unchanged): Changes,
    ) -> Result<(), DbError> {
        let source = self
            .import_source
            .clone()
            .unwrap_or_else(|| path.display().to_string());
        let source = source.as_str();
        let actor = self.actor().to_owned();
        self.conn.exec(
            "INSERT INTO imports (org_id, at, actor, table_name, file, rows_read, written, unchanged) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                Val::Int(org.id),
                Val::Time(Utc::now()),
                Val::Text(actor),
                Val::text(table.name()),
                Val::text(source),
                Val::Int(rows as i64),
                Val::Int(written as i64),
                Val::Int(unchanged as i64),
            ],
        )?;
        self.audit(
            Some(org.id),
            "import",
            table.name(),
            source,
            None,
            Some(serde_json::json!({"rows": rows, "written": written, "unchanged": unchanged})),
        )
    }
}

fn known_manager(managers: &HashMap<String, i64>, code: &str) -> Result<i64, Vec<Reject>> {
    managers.get(code).copied().ok_or_else(|| {
        vec![Reject::new(
            "manager_id",
            code,
            Reason::new(
                "unknown-manager",
                "unknown customer manager: import them in managers first",
            ),
        )]
    })
}

fn known_client(clients: &HashMap<String, i64>, code: &str) -> Result<i64, Vec<Reject>> {
    clients.get(code).copied().ok_or_else(|| {
        vec![Reject::new(
            "client_id",
            code,
            Reason::new(
                "unknown-client",
                "unknown client: import it in clients first",
            ),
        )]
    })
}
