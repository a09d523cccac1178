//! Importing the tables of the data contract: all or nothing, every bad row reported,
//! idempotent (re-importing the same file changes nothing), audited.

use crate::sql::{Conn, DbError, Ty, Val, db_err, pg_msg, same};
use crate::{Org, Store, StoreError};
use chrono::{NaiveDate, Utc};
use kejing_engine::Ratio;
use kejing_engine::ledger::{self, Incoming, PlanErrorKind, Stored, Version};
use kejing_engine::model::ManagerStatus;
use kejing_io::read::{ReadError, Reject, RowError};
use kejing_io::records::*;
use kejing_io::{ReadOptions, Record, Table, read_records};
use std::collections::{HashMap, HashSet};
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

/// A stored ownership version keyed by (client id, account id or 0) and manager id.
pub(crate) type StoredVersion = Stored<(i64, i64), i64>;

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
                format!("duplicate key: the same as row {first}; keep one of the two rows"),
            )]),
            None => {
                self.seen.insert(key, row);
                Ok(())
            }
        }
    }
}

/// A master-data table: the columns besides `id`, `org_id` and `code`, each with its type
/// and the contract column it comes from (absent from a file = keep the stored value).
struct MasterSpec {
    table: &'static str,
    cols: &'static [(&'static str, Ty, &'static str)],
}

struct MasterRow {
    code: String,
    vals: Vec<Val>,
}

/// What happened to one master row.
struct MasterChange {
    id: i64,
    before: Option<Vec<Val>>,
    after: Vec<Val>,
}

fn select_list(cols: &[(&str, Ty, &str)]) -> String {
    cols.iter()
        .map(|(c, t, _)| match t {
            Ty::Dec | Ty::Json => format!("CAST({c} AS TEXT)"),
            _ => (*c).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn marker(t: Ty) -> &'static str {
    match t {
        Ty::Dec => "{dec}",
        Ty::Json => "{json}",
        _ => "",
    }
}

fn to_json(cols: &[(&str, Ty, &str)], code: &str, vals: &[Val]) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("code".into(), code.into());
    for ((c, _, _), v) in cols.iter().zip(vals) {
        m.insert((*c).into(), v.to_json());
    }
    serde_json::Value::Object(m)
}

impl Store {
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
        })
    }

    /// `code → id` for a table of the organisation.
    pub(crate) fn code_map(
        &mut self,
        table: &str,
        org: &Org,
    ) -> Result<HashMap<String, i64>, DbError> {
        let rows = self.conn.query(
            &format!("SELECT code, id FROM {table} WHERE org_id = $1"),
            &[Val::Int(org.id)],
            &[Ty::Text, Ty::Int],
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|r| Some((r[0].as_str()?.to_owned(), r[1].as_i64()?)))
            .collect())
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

    /// Inserts or updates master rows by code, auditing each change. Columns the file did not
    /// have keep their stored value; JSON `extra` attributes are merged.
    fn apply_master(
        &mut self,
        org: &Org,
        spec: &MasterSpec,
        present: &[&str],
        rows: Vec<MasterRow>,
    ) -> Result<(Changes, Vec<MasterChange>), DbError> {
        let sel = select_list(spec.cols);
        let existing = self.conn.query(
            &format!(
                "SELECT id, code, {sel} FROM {} WHERE org_id = $1",
                spec.table
            ),
            &[Val::Int(org.id)],
            &[
                &[Ty::Int, Ty::Text][..],
                &spec.cols.iter().map(|c| c.1).collect::<Vec<_>>(),
            ]
            .concat(),
        )?;
        let mut by_code: HashMap<String, (i64, Vec<Val>)> = HashMap::new();
        for mut r in existing {
            let vals = r.split_off(2);
            if let (Some(id), Some(code)) = (r[0].as_i64(), r[1].as_str()) {
                by_code.insert(code.to_owned(), (id, vals));
            }
        }
        let cols: Vec<&str> = spec.cols.iter().map(|c| c.0).collect();
        let update_sql = format!(
            "UPDATE {} SET {} WHERE id = $1",
            spec.table,
            spec.cols
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{} = ${}{}", c.0, i + 2, marker(c.1)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let (mut written, mut unchanged) = (0, 0);
        let mut changes = Vec::new();
        let mut new_rows = Vec::new();
        for mut row in rows {
            match by_code.get(&row.code) {
                Some((id, old)) => {
                    for (i, (_, ty, file_col)) in spec.cols.iter().enumerate() {
                        if !present.contains(file_col) && *file_col != "*" {
                            row.vals[i] = old[i].clone();
                        }
                        if *ty == Ty::Json
                            && let (
                                Val::Json(serde_json::Value::Object(o)),
                                Val::Json(serde_json::Value::Object(n)),
                            ) = (&old[i], &row.vals[i])
                        {
                            let mut merged = o.clone();
                            merged.extend(n.clone());
                            row.vals[i] = Val::Json(serde_json::Value::Object(merged));
                        }
                    }
                    if old.iter().zip(&row.vals).all(|(a, b)| same(a, b)) {
                        unchanged += 1;
                        continue;
                    }
                    let mut params = vec![Val::Int(*id)];
                    params.extend(row.vals.iter().cloned());
                    self.conn.exec(&update_sql, &params)?;
                    self.audit(
                        Some(org.id),
                        "update",
                        spec.table,
                        &row.code,
                        Some(to_json(spec.cols, &row.code, old)),
                        Some(to_json(spec.cols, &row.code, &row.vals)),
                    )?;
                    written += 1;
                    changes.push(MasterChange {
                        id: *id,
                        before: Some(old.clone()),
                        after: row.vals,
                    });
                }
                None => new_rows.push(row),
            }
        }
        if !new_rows.is_empty() {
            let markers: Vec<&str> = ["", ""]
                .into_iter()
                .chain(spec.cols.iter().map(|c| marker(c.1)))
                .collect();
            let params: Vec<Vec<Val>> = new_rows
                .iter()
                .map(|r| {
                    let mut p = vec![Val::Int(org.id), Val::text(&r.code)];
                    p.extend(r.vals.iter().cloned());
                    p
                })
                .collect();
            self.conn.insert_many(
                &format!(
                    "INSERT INTO {} (org_id, code, {})",
                    spec.table,
                    cols.join(", ")
                ),
                &markers,
                params,
                "",
            )?;
            let ids = self.code_map(spec.table, org)?;
            for row in new_rows {
                self.audit(
                    Some(org.id),
                    "create",
                    spec.table,
                    &row.code,
                    None,
                    Some(to_json(spec.cols, &row.code, &row.vals)),
                )?;
                written += 1;
                changes.push(MasterChange {
                    id: ids.get(&row.code).copied().unwrap_or(0),
                    before: None,
                    after: row.vals,
                });
            }
        }
        Ok(((written, unchanged), changes))
    }

    /// Reads a master-data file into rows keyed by code: `f` turns a record into its row (or
    /// rejects it); a code given twice is a row error.
    fn read_master<T: Record>(
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
        key_column: &'static str,
        mut f: impl FnMut(T) -> Result<MasterRow, Vec<Reject>>,
    ) -> Result<(Vec<(usize, MasterRow)>, kejing_io::ReadSummary), ImportError> {
        let mut dupes = Dupes::new();
        read_all::<T, _>(path, &options.read, progress, |row, r| {
            let m = f(r)?;
            dupes.check(m.code.clone(), row, key_column, &m.code)?;
            Ok(m)
        })
    }

    /// Writes master rows in one transaction (audited) and logs the import.
    fn write_master(
        &mut self,
        org: &Org,
        table: Table,
        spec: &MasterSpec,
        path: &Path,
        rows: Vec<(usize, MasterRow)>,
        summary: kejing_io::ReadSummary,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        let rows = rows.into_iter().map(|(_, r)| r).collect();
        let n = summary.rows;
        let changes = self.transaction(|s| {
            let (c, _) = s.apply_master(org, spec, &summary.columns, rows)?;
            s.log_import(org, table, path, n, c)?;
            Ok::<_, ImportError>(c)
        })?;
        Ok((n, changes, summary.warnings))
    }

    fn import_org_units(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        const SPEC: MasterSpec = MasterSpec {
            table: "org_units",
            cols: &[
                ("name", Ty::Text, "name"),
                ("parent_code", Ty::Text, "parent_id"),
                ("kind", Ty::Text, "kind"),
            ],
        };
        let known = self.code_map("org_units", org)?;
        let (rows, summary) =
            Self::read_master::<OrgUnitRec>(path, options, progress, "unit_id", |r| {
                Ok(MasterRow {
                    code: r.unit_id.to_string(),
                    vals: vec![
                        Val::Text(r.name),
                        Val::opt_text(r.parent_id),
                        Val::opt_text(r.kind.map(|k| k.code())),
                    ],
                })
            })?;
        // A parent is a unit of this file or one imported before.
        let in_file: HashSet<&str> = rows.iter().map(|(_, r)| r.code.as_str()).collect();
        let errors: Vec<RowError> = rows
            .iter()
            .filter_map(|(row, r)| {
                let parent = r.vals[1].as_str()?;
                (!in_file.contains(parent) && !known.contains_key(parent)).then(|| RowError {
                    row: *row,
                    column: "parent_id".into(),
                    value: parent.to_owned(),
                    reason: "unknown parent unit: list it in this file or import it first".into(),
                })
            })
            .collect();
        if !errors.is_empty() {
            return Err(rows_error(path, errors, summary.rows));
        }
        self.write_master(org, Table::OrgUnits, &SPEC, path, rows, summary)
    }

    fn import_tracks(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        const SPEC: MasterSpec = MasterSpec {
            table: "tracks",
            cols: &[("name", Ty::Text, "name"), ("is_cm", Ty::Bool, "is_cm")],
        };
        let (rows, summary) =
            Self::read_master::<TrackRec>(path, options, progress, "track", |r| {
                Ok(MasterRow {
                    code: r.track.to_string(),
                    vals: vec![Val::opt_text(r.name), Val::Bool(r.is_cm)],
                })
            })?;
        self.write_master(org, Table::Tracks, &SPEC, path, rows, summary)
    }

    fn import_grades(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        const SPEC: MasterSpec = MasterSpec {
            table: "grades",
            cols: &[
                ("track", Ty::Text, "*"),
                ("grade", Ty::Text, "*"),
                ("tier", Ty::Text, "*"),
                ("class", Ty::Text, "class"),
                ("rank", Ty::Int, "rank"),
                ("staff_grade", Ty::Text, "staff_grade"),
                ("title", Ty::Text, "title"),
            ],
        };
        let tracks = self.code_map("tracks", org)?;
        let (rows, summary) =
            Self::read_master::<GradeRec>(path, options, progress, "grade", |r| {
                if !tracks.contains_key(r.track.as_str()) {
                    return Err(vec![Reject::new(
                        "track",
                        r.track.as_str(),
                        "unknown track: import it in tracks first",
                    )]);
                }
                Ok(MasterRow {
                    code: grade_key(
                        r.track.as_str(),
                        r.grade.as_str(),
                        r.tier.as_ref().map(|t| t.as_str()),
                    ),
                    vals: vec![
                        Val::text(r.track.as_str()),
                        Val::text(r.grade.as_str()),
                        Val::opt_text(r.tier),
                        Val::opt_text(r.class),
                        Val::Int(r.rank),
                        Val::opt_text(r.staff_grade),
                        Val::opt_text(r.title),
                    ],
                })
            })?;
        self.write_master(org, Table::Grades, &SPEC, path, rows, summary)
    }

    fn import_managers(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        const SPEC: MasterSpec = MasterSpec {
            table: "managers",
            cols: &[
                ("name", Ty::Text, "name"),
                ("org_unit", Ty::Text, "org"),
                ("track", Ty::Text, "track"),
                ("grade", Ty::Text, "grade"),
                ("tier", Ty::Text, "tier"),
                ("staff_grade", Ty::Text, "staff_grade"),
                ("status", Ty::Text, "status"),
                ("hired_on", Ty::Date, "hired_on"),
                ("trial_end", Ty::Date, "trial_end"),
                ("left_on", Ty::Date, "left_on"),
                ("base_salary_fen", Ty::Int, "base_salary"),
                ("extra", Ty::Json, "*"),
            ],
        };
        let units = self.code_map("org_units", org)?;
        let tracks = self.code_map("tracks", org)?;
        let grade_rows = self.conn.query(
            "SELECT track, grade, tier FROM grades WHERE org_id = $1",
            &[Val::Int(org.id)],
            &[Ty::Text, Ty::Text, Ty::Text],
        )?;
        let mut ladders: HashMap<String, Vec<(String, Option<String>)>> = HashMap::new();
        for g in grade_rows {
            ladders
                .entry(g[0].to_cell())
                .or_default()
                .push((g[1].to_cell(), g[2].as_str().map(str::to_owned)));
        }
        let existing_status: HashMap<String, String> = self
            .conn
            .query(
                "SELECT code, status FROM managers WHERE org_id = $1",
                &[Val::Int(org.id)],
                &[Ty::Text, Ty::Text],
            )?
            .into_iter()
            .map(|r| (r[0].to_cell(), r[1].to_cell()))
            .collect();
        let mut dupes = Dupes::new();
        let (recs, summary) =
            read_all::<ManagerRec, _>(path, &options.read, progress, |row, r| {
                let mut rejects = Vec::new();
                if let Some(unit) = &r.org
                    && !units.is_empty()
                    && !units.contains_key(unit.as_str())
                {
                    rejects.push(Reject::new(
                        "org",
                        unit.as_str(),
                        "unknown org unit: it is not in org_units (import it there first)",
                    ));
                }
                if let Some(track) = &r.track
                    && !tracks.is_empty()
                    && !tracks.contains_key(track.as_str())
                {
                    rejects.push(Reject::new(
                        "track",
                        track.as_str(),
                        "unknown track: it is not in tracks (import it there first)",
                    ));
                }
                if let (Some(track), Some(grade)) = (&r.track, &r.grade)
                    && let Some(ladder) = ladders.get(track.as_str())
                {
                    let tier = r.tier.as_ref().map(|t| t.as_str().to_owned());
                    let ok = ladder
                        .iter()
                        .any(|(g, t)| g == grade.as_str() && (tier.is_none() || *t == tier));
                    if !ok {
                        let names: Vec<String> = ladder
                            .iter()
                            .map(|(g, t)| {
                                t.as_ref().map_or_else(|| g.clone(), |t| format!("{g}/{t}"))
                            })
                            .collect();
                        rejects.push(Reject::new(
                            "grade",
                            grade.as_str(),
                            format!(
                                "not a grade of track {track}: the ladder has {}",
                                names.join(", ")
                            ),
                        ));
                    }
                }
                if !rejects.is_empty() {
                    return Err(rejects);
                }
                dupes.check(
                    r.manager_id.to_string(),
                    row,
                    "manager_id",
                    r.manager_id.as_str(),
                )?;
                Ok(r)
            })?;
        let present = summary.columns.clone();
        let today = options.today.unwrap_or_else(|| self.today());
        let mut effective: HashMap<String, NaiveDate> = HashMap::new();
        let rows: Vec<MasterRow> = recs
            .into_iter()
            .map(|(_, r)| {
                let code = r.manager_id.to_string();
                let status = r
                    .status
                    .map(|s| s.code().to_owned())
                    .or_else(|| existing_status.get(&code).cloned())
                    .unwrap_or_else(|| ManagerStatus::Active.code().to_owned());
                let when = r.changed_on.or(if existing_status.contains_key(&code) {
                    None
                } else {
                    r.hired_on
                });
                effective.insert(code.clone(), when.unwrap_or(today));
                let extra: serde_json::Map<String, serde_json::Value> =
                    r.extras.into_iter().map(|(k, v)| (k, v.into())).collect();
                MasterRow {
                    code,
                    vals: vec![
                        Val::Text(r.name),
                        Val::opt_text(r.org),
                        Val::opt_text(r.track),
                        Val::opt_text(r.grade),
                        Val::opt_text(r.tier),
                        Val::opt_text(r.staff_grade),
                        Val::Text(status),
                        Val::opt_date(r.hired_on),
                        Val::opt_date(r.trial_end),
                        Val::opt_date(r.left_on),
                        Val::opt_int(r.base_salary.map(|m| m.fen())),
                        Val::Json(serde_json::Value::Object(extra)),
                    ],
                }
            })
            .collect();
        // status is always given (defaulted above), so treat it as present.
        let mut present = present;
        present.push("status");
        let n = summary.rows;
        let changes = self.transaction(|s| {
            let (c, changes) = s.apply_master(org, &SPEC, &present, rows)?;
            // Grade, track, unit and status changes go to the effective-dated history.
            let tracked = [1usize, 2, 3, 4, 5, 6];
            let codes: HashMap<i64, String> =
                s.code_map("managers", org)?.into_iter().map(|(k, v)| (v, k)).collect();
            let recorded = Val::Time(Utc::now());
            let mut history = Vec::new();
            for ch in changes {
                let moved = match &ch.before {
                    None => true,
                    Some(b) => tracked.iter().any(|&i| !same(&b[i], &ch.after[i])),
                };
                if !moved {
                    continue;
                }
                let on = codes
                    .get(&ch.id)
                    .and_then(|code| effective.get(code))
                    .copied()
                    .unwrap_or(today);
                let a = &ch.after;
                history.push(vec![
                    Val::Int(ch.id),
                    Val::Date(on),
                    a[1].clone(),
                    a[2].clone(),
                    a[3].clone(),
                    a[4].clone(),
                    a[5].clone(),
                    a[6].clone(),
                    recorded.clone(),
                ]);
            }
            s.conn.insert_many(
                "INSERT INTO manager_history (manager_id, effective_on, org_unit, track, grade, tier, staff_grade, status, recorded_at)",
                &[""; 9],
                history,
                "",
            )?;
            s.log_import(org, Table::Managers, path, n, c)?;
            Ok::<_, ImportError>(c)
        })?;
        Ok((n, changes, summary.warnings))
    }

    fn import_clients(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        const SPEC: MasterSpec = MasterSpec {
            table: "clients",
            cols: &[
                ("name", Ty::Text, "name"),
                ("kind", Ty::Text, "kind"),
                ("client_type", Ty::Text, "client_type"),
                ("agreement", Ty::Bool, "agreement"),
                ("loan_card", Ty::Text, "loan_card"),
                ("contact", Ty::Text, "contact"),
                ("phone", Ty::Text, "phone"),
                ("extra", Ty::Json, "*"),
            ],
        };
        let (rows, summary) =
            Self::read_master::<ClientRec>(path, options, progress, "client_id", |r| {
                Ok(MasterRow {
                    code: r.client_id.to_string(),
                    vals: vec![
                        Val::Text(r.name),
                        Val::opt_text(r.kind.map(|k| k.code())),
                        Val::opt_text(r.client_type),
                        Val::Bool(r.agreement),
                        Val::opt_text(r.loan_card),
                        Val::opt_text(r.contact),
                        Val::opt_text(r.phone),
                        extras_json(r.extras),
                    ],
                })
            })?;
        self.write_master(org, Table::Clients, &SPEC, path, rows, summary)
    }

    fn import_accounts(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        const SPEC: MasterSpec = MasterSpec {
            table: "accounts",
            cols: &[
                ("client_id", Ty::Int, "client_id"),
                ("product", Ty::Text, "product"),
                ("currency", Ty::Text, "*"),
                ("rate", Ty::Dec, "rate"),
                ("term_months", Ty::Int, "term_months"),
                ("opened_on", Ty::Date, "opened_on"),
                ("closed_on", Ty::Date, "closed_on"),
                ("extra", Ty::Json, "*"),
            ],
        };
        let clients = self.code_map("clients", org)?;
        let (rows, summary) =
            Self::read_master::<AccountRec>(path, options, progress, "account_id", |r| {
                let client = known_client(&clients, r.client_id.as_str())?;
                Ok(MasterRow {
                    code: r.account_id.to_string(),
                    vals: vec![
                        Val::Int(client),
                        Val::text(r.product.as_str()),
                        Val::Text(r.currency),
                        Val::opt_dec(r.rate),
                        Val::opt_int(r.term_months),
                        Val::opt_date(r.opened_on),
                        Val::opt_date(r.closed_on),
                        extras_json(r.extras),
                    ],
                })
            })?;
        self.write_master(org, Table::Accounts, &SPEC, path, rows, summary)
    }

    /// The stored ownership versions of the organisation, keyed by subject
    /// `(client id, account id or 0 for client level)`.
    pub(crate) fn stored_ownership(&mut self, org: &Org) -> Result<Vec<StoredVersion>, DbError> {
        let rows = self.conn.query(
            "SELECT id, client_id, account_id, manager_id, CAST(ratio AS TEXT), valid_from, valid_to \
             FROM ownership WHERE org_id = $1",
            &[Val::Int(org.id)],
            &[Ty::Int, Ty::Int, Ty::Int, Ty::Int, Ty::Dec, Ty::Date, Ty::Date],
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let ratio = r[4]
                .as_dec()
                .and_then(|d| Ratio::new(d).ok())
                .ok_or_else(|| db_err("reading ownership")(&"a stored ratio is not in (0, 1]"))?;
            out.push(Stored {
                id: r[0].as_i64().unwrap_or(0),
                version: Version {
                    subject: (r[1].as_i64().unwrap_or(0), r[2].as_i64().unwrap_or(0)),
                    manager: r[3].as_i64().unwrap_or(0),
                    ratio,
                    from: r[5].as_date().unwrap_or(NaiveDate::MIN),
                    to: r[6].as_date(),
                },
            });
        }
        Ok(out)
    }

    fn import_ownership(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        let clients = self.code_map("clients", org)?;
        let managers = self.code_map("managers", org)?;
        let accounts: HashMap<String, (i64, i64)> = self
            .conn
            .query(
                "SELECT code, id, client_id FROM accounts WHERE org_id = $1",
                &[Val::Int(org.id)],
                &[Ty::Text, Ty::Int, Ty::Int],
            )?
            .into_iter()
            .map(|r| {
                (
                    r[0].to_cell(),
                    (r[1].as_i64().unwrap_or(0), r[2].as_i64().unwrap_or(0)),
                )
            })
            .collect();
        let (recs, summary) =
            read_all::<OwnershipRec, _>(path, &options.read, progress, |_, r| {
                let mut rejects = Vec::new();
                let client = clients.get(r.client_id.as_str()).copied();
                if client.is_none() {
                    rejects.push(Reject::new(
                        "client_id",
                        r.client_id.as_str(),
                        "unknown client: import it in clients first",
                    ));
                }
                let manager = managers.get(r.manager_id.as_str()).copied();
                if manager.is_none() {
                    rejects.push(Reject::new(
                        "manager_id",
                        r.manager_id.as_str(),
                        "unknown customer manager: import them in managers first",
                    ));
                }
                let mut account = 0;
                if let Some(a) = &r.account_id {
                    match accounts.get(a.as_str()) {
                        None => rejects.push(Reject::new(
                            "account_id",
                            a.as_str(),
                            "unknown account: import it in accounts first",
                        )),
                        Some((id, owner)) => {
                            if client.is_some_and(|c| c != *owner) {
                                rejects.push(Reject::new(
                                    "account_id",
                                    a.as_str(),
                                    format!(
                                        "the account belongs to another client, not {}",
                                        r.client_id
                                    ),
                                ));
                            }
                            account = *id;
                        }
                    }
                }
                match (client, manager) {
                    (Some(c), Some(m)) if rejects.is_empty() => Ok(Version {
                        subject: (c, account),
                        manager: m,
                        ratio: r.ratio,
                        from: r.from,
                        to: r.to,
                    }),
                    _ => Err(rejects),
                }
            })?;
        let stored = self.stored_ownership(org)?;
        let incoming: Vec<Incoming<(i64, i64), i64>> = recs
            .into_iter()
            .map(|(row, version)| Incoming { row, version })
            .collect();
        let plan = match ledger::plan_changes(&stored, &incoming) {
            Ok(p) => p,
            Err(errors) => {
                let client_codes: HashMap<i64, &String> =
                    clients.iter().map(|(k, v)| (*v, k)).collect();
                let account_codes: HashMap<i64, &String> =
                    accounts.iter().map(|(k, v)| (v.0, k)).collect();
                let manager_codes: HashMap<i64, String> =
                    managers.iter().map(|(k, v)| (*v, k.clone())).collect();
                let mut out = Vec::new();
                for e in errors {
                    let subject = match account_codes.get(&e.subject.1) {
                        Some(a) if e.subject.1 != 0 => format!("account {a}"),
                        _ => format!(
                            "client {}",
                            client_codes.get(&e.subject.0).map_or("?", |s| s.as_str())
                        ),
                    };
                    let (column, kind) = match &e.kind {
                        PlanErrorKind::Duplicate { .. } => ("manager_id", e.kind.clone()),
                        PlanErrorKind::RewritesHistory { .. } => ("from", e.kind.clone()),
                        PlanErrorKind::Invalid(_) => ("ratio", e.kind.clone()),
                    };
                    let text = map_manager_codes(&kind, &manager_codes);
                    for row in &e.rows {
                        out.push(RowError {
                            row: *row,
                            column: column.into(),
                            value: String::new(),
                            reason: format!("{subject}: {text}"),
                        });
                    }
                }
                out.sort_by_key(|e| e.row);
                return Err(rows_error(path, out, summary.rows));
            }
        };
        let n = summary.rows;
        let written = (plan.inserts.len() + plan.closes.len()) as u64;
        let unchanged = plan.unchanged.len() as u64;
        let client_codes: HashMap<i64, String> =
            clients.iter().map(|(k, v)| (*v, k.clone())).collect();
        let manager_codes: HashMap<i64, String> =
            managers.iter().map(|(k, v)| (*v, k.clone())).collect();
        self.transaction(|s| {
            for c in &plan.closes {
                s.conn.exec(
                    "UPDATE ownership SET valid_to = $2 WHERE id = $1",
                    &[Val::Int(c.id), Val::Date(c.to)],
                )?;
                s.audit(
                    Some(org.id),
                    "close",
                    "ownership",
                    &c.id.to_string(),
                    Some(serde_json::json!({"id": c.id, "to": c.old_to.map(|d| d.to_string())})),
                    Some(serde_json::json!({"id": c.id, "to": c.to.to_string(), "file_row": c.row})),
                )?;
            }
            for inc in &plan.inserts {
                let v = &inc.version;
                let id = s
                    .conn
                    .scalar(
                        "INSERT INTO ownership (org_id, client_id, account_id, manager_id, ratio, valid_from, valid_to, recorded_at) \
                         VALUES ($1, $2, $3, $4, $5{dec}, $6, $7, $8) RETURNING id",
                        &[
                            Val::Int(org.id),
                            Val::Int(v.subject.0),
                            if v.subject.1 == 0 { Val::Null } else { Val::Int(v.subject.1) },
                            Val::Int(v.manager),
                            Val::Dec(v.ratio.value()),
                            Val::Date(v.from),
                            Val::opt_date(v.to),
                            Val::Time(Utc::now()),
                        ],
                        Ty::Int,
                    )?
                    .as_i64()
                    .unwrap_or(0);
                s.audit(
                    Some(org.id),
                    "create",
                    "ownership",
                    &id.to_string(),
                    None,
                    Some(serde_json::json!({
                        "id": id,
                        "client": client_codes.get(&v.subject.0),
                        "account_id": (v.subject.1 != 0).then_some(v.subject.1),
                        "manager": manager_codes.get(&v.manager),
                        "ratio": v.ratio.to_string(),
                        "from": v.from.to_string(),
                        "to": v.to.map(|d| d.to_string()),
                    })),
                )?;
            }
            s.log_import(org, Table::Ownership, path, n, (written, unchanged))?;
            Ok::<_, ImportError>(())
        })?;
        Ok((n, (written, unchanged), summary.warnings))
    }

    fn import_balances(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        if matches!(self.conn, Conn::Sqlite(_)) {
            return self.stream_balances_sqlite(org, path, options, progress);
        }
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
                        "unknown account: import it in accounts first",
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
                Conn::Sqlite(_) => {
                    return Err(ImportError::Store(StoreError::Invalid(
                        "internal: SQLite balances are imported by the streaming path".into(),
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
                        c.execute(
                            "INSERT INTO balances (account_id, day, balance_fen) SELECT account_id, day, balance_fen FROM balances_in \
                             ON CONFLICT (account_id, day) DO UPDATE SET balance_fen = excluded.balance_fen \
                             WHERE balances.balance_fen <> excluded.balance_fen",
                            &[],
                        )
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

    /// Writes keyed facts with one upsert per row: a row whose key exists with the same
    /// values changes nothing.
    fn upsert_facts(
        &mut self,
        table: &str,
        key: &[&str],
        cols: &[(&str, Ty)],
        rows: &[Vec<Val>],
        progress: Progress<'_>,
    ) -> Result<u64, DbError> {
        let values: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, (_, t))| format!("${}{}", i + 1, marker(*t)))
            .collect();
        let updated: Vec<&(&str, Ty)> = cols.iter().filter(|(c, _)| !key.contains(c)).collect();
        let set: Vec<String> = updated
            .iter()
            .map(|(c, _)| format!("{c} = excluded.{c}"))
            .collect();
        let differs: Vec<String> = updated
            .iter()
            .map(|(c, _)| format!("{table}.{c} IS DISTINCT FROM excluded.{c}"))
            .collect();
        let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {} WHERE {}",
            names.join(", "),
            values.join(", "),
            key.join(", "),
            set.join(", "),
            differs.join(" OR ")
        );
        let mut written = 0;
        let total = rows.len() as u64;
        for (i, r) in rows.iter().enumerate() {
            written += self.conn.exec(&sql, r)?;
            if i % 8192 == 0 {
                progress("write", i as u64, total);
            }
        }
        progress("write", total, total);
        Ok(written)
    }

    #[allow(clippy::too_many_arguments)] // the layout of one fact table, spelled out at each call
    fn finish_facts(
        &mut self,
        org: &Org,
        table: Table,
        path: &Path,
        n: usize,
        key: &[&str],
        cols: &[(&str, Ty)],
        rows: Vec<Vec<Val>>,
        progress: Progress<'_>,
    ) -> Result<Changes, ImportError> {
        let total = rows.len() as u64;
        self.transaction(|s| {
            let written = s.upsert_facts(table.name(), key, cols, &rows, progress)?;
            let c = (written, total - written);
            s.log_import(org, table, path, n, c)?;
            Ok::<_, ImportError>(c)
        })
    }

    fn import_targets(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        let managers = self.code_map("managers", org)?;
        let mut dupes = Dupes::new();
        let (recs, summary) = read_all::<TargetRec, _>(path, &options.read, progress, |row, r| {
            let m = known_manager(&managers, r.manager_id.as_str())?;
            dupes.check(
                (m, r.period.to_string(), r.measure.to_string()),
                row,
                "measure",
                r.measure.as_str(),
            )?;
            Ok(vec![
                Val::Int(org.id),
                Val::Int(m),
                Val::text(r.period.to_string()),
                Val::text(r.measure.as_str()),
                Val::Dec(r.target),
            ])
        })?;
        let rows = recs.into_iter().map(|(_, v)| v).collect();
        let c = self.finish_facts(
            org,
            Table::Targets,
            path,
            summary.rows,
            &["manager_id", "period", "measure"],
            &[
                ("org_id", Ty::Int),
                ("manager_id", Ty::Int),
                ("period", Ty::Text),
                ("measure", Ty::Text),
                ("target", Ty::Dec),
            ],
            rows,
            progress,
        )?;
        Ok((summary.rows, c, summary.warnings))
    }

    fn import_flows<T: Record>(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
        flow: fn(T) -> FlowRec,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        let managers = self.code_map("managers", org)?;
        let clients = self.code_map("clients", org)?;
        let mut dupes = Dupes::new();
        let mut occurrences: HashMap<String, usize> = HashMap::new();
        let (recs, summary) = read_all::<T, _>(path, &options.read, progress, |row, r| {
            let r = flow(r);
            let m = known_manager(&managers, r.manager_id.as_str());
            let c = known_client(&clients, r.client_id.as_str());
            let (m, c) = match (m, c) {
                (Ok(m), Ok(c)) => (m, c),
                (m, c) => {
                    let mut all = m.err().unwrap_or_default();
                    all.extend(c.err().unwrap_or_default());
                    return Err(all);
                }
            };
            let key = match &r.doc_id {
                Some(doc) => {
                    dupes.check(
                        doc.to_string(),
                        row,
                        T::TABLE.columns()[0].name,
                        doc.as_str(),
                    )?;
                    format!("doc:{doc}")
                }
                None => {
                    // Without a document id a row is the n-th of its day, manager and client in
                    // the file: a corrected amount re-imported replaces it.
                    let content = format!("{}|{}|{}", r.date, r.manager_id, r.client_id);
                    let n = occurrences.entry(content.clone()).or_insert(0);
                    *n += 1;
                    format!("row:{content}#{n}")
                }
            };
            Ok(vec![
                Val::Int(org.id),
                Val::Text(key),
                Val::opt_text(r.doc_id),
                Val::Date(r.date),
                Val::Int(m),
                Val::Int(c),
                Val::Dec(r.quantity),
                Val::Int(r.amount.fen()),
                Val::opt_int(r.gross_profit.map(|g| g.fen())),
            ])
        })?;
        let rows = recs.into_iter().map(|(_, v)| v).collect();
        let c = self.finish_facts(
            org,
            T::TABLE,
            path,
            summary.rows,
            &["org_id", "fact_key"],
            &[
                ("org_id", Ty::Int),
                ("fact_key", Ty::Text),
                ("doc_id", Ty::Text),
                ("day", Ty::Date),
                ("manager_id", Ty::Int),
                ("client_id", Ty::Int),
                ("quantity", Ty::Dec),
                ("amount_fen", Ty::Int),
                ("gross_profit_fen", Ty::Int),
            ],
            rows,
            progress,
        )?;
        Ok((summary.rows, c, summary.warnings))
    }

    fn import_bookings(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        let managers = self.code_map("managers", org)?;
        let clients = self.code_map("clients", org)?;
        let mut dupes = Dupes::new();
        let (recs, summary) =
            read_all::<BookingRec, _>(path, &options.read, progress, |row, r| {
                let m = known_manager(&managers, r.manager_id.as_str())?;
                let c = match &r.client_id {
                    Some(c) => Val::Int(known_client(&clients, c.as_str())?),
                    None => Val::Null,
                };
                dupes.check(
                    r.booking_id.to_string(),
                    row,
                    "booking_id",
                    r.booking_id.as_str(),
                )?;
                Ok(vec![
                    Val::Int(org.id),
                    Val::text(r.booking_id.as_str()),
                    Val::Int(m),
                    c,
                    Val::DateTime(r.registered_at),
                    Val::DateTime(r.arrival_at),
                    Val::Int(r.amount.fen()),
                    Val::Bool(r.approved),
                    Val::Bool(r.complaint),
                ])
            })?;
        let rows = recs.into_iter().map(|(_, v)| v).collect();
        let c = self.finish_facts(
            org,
            Table::Bookings,
            path,
            summary.rows,
            &["org_id", "code"],
            &[
                ("org_id", Ty::Int),
                ("code", Ty::Text),
                ("manager_id", Ty::Int),
                ("client_id", Ty::Int),
                ("registered_at", Ty::DateTime),
                ("arrival_at", Ty::DateTime),
                ("amount_fen", Ty::Int),
                ("approved", Ty::Bool),
                ("complaint", Ty::Bool),
            ],
            rows,
            progress,
        )?;
        Ok((summary.rows, c, summary.warnings))
    }

    fn import_scores(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        let managers = self.code_map("managers", org)?;
        let mut dupes = Dupes::new();
        let (recs, summary) = read_all::<ScoreRec, _>(path, &options.read, progress, |row, r| {
            let m = known_manager(&managers, r.manager_id.as_str())?;
            dupes.check(
                (
                    m,
                    r.period.to_string(),
                    r.rater_id.to_string(),
                    r.dimension.clone(),
                    r.item.clone(),
                ),
                row,
                "item",
                &r.item,
            )?;
            Ok(vec![
                Val::Int(org.id),
                Val::text(r.period.to_string()),
                Val::Int(m),
                Val::text(r.rater_id.as_str()),
                Val::text(r.relation.code()),
                Val::Text(r.dimension),
                Val::Text(r.item),
                Val::Dec(r.score),
            ])
        })?;
        let rows = recs.into_iter().map(|(_, v)| v).collect();
        let c = self.finish_facts(
            org,
            Table::Scores,
            path,
            summary.rows,
            &["manager_id", "period", "rater", "dimension", "item"],
            &[
                ("org_id", Ty::Int),
                ("period", Ty::Text),
                ("manager_id", Ty::Int),
                ("rater", Ty::Text),
                ("relation", Ty::Text),
                ("dimension", Ty::Text),
                ("item", Ty::Text),
                ("score", Ty::Dec),
            ],
            rows,
            progress,
        )?;
        Ok((summary.rows, c, summary.warnings))
    }

    fn import_adjustments(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        let managers = self.code_map("managers", org)?;
        let mut dupes = Dupes::new();
        let (recs, summary) =
            read_all::<AdjustmentRec, _>(path, &options.read, progress, |row, r| {
                let m = known_manager(&managers, r.manager_id.as_str())?;
                dupes.check(
                    (m, r.period.to_string(), r.item.clone()),
                    row,
                    "item",
                    &r.item,
                )?;
                Ok(vec![
                    Val::Int(org.id),
                    Val::text(r.period.to_string()),
                    Val::Int(m),
                    Val::Text(r.item),
                    Val::Int(r.amount.fen()),
                    Val::opt_text(r.reason),
                ])
            })?;
        let rows = recs.into_iter().map(|(_, v)| v).collect();
        let c = self.finish_facts(
            org,
            Table::Adjustments,
            path,
            summary.rows,
            &["manager_id", "period", "item"],
            &[
                ("org_id", Ty::Int),
                ("period", Ty::Text),
                ("manager_id", Ty::Int),
                ("item", Ty::Text),
                ("amount_fen", Ty::Int),
                ("reason", Ty::Text),
            ],
            rows,
            progress,
        )?;
        Ok((summary.rows, c, summary.warnings))
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
        .map(|w| RowError {
            row: w[1].2 as usize,
            column: "date".into(),
            value: (epoch + chrono::Days::new(u64::try_from(w[1].1).unwrap_or(0))).to_string(),
            reason: format!(
                "duplicate key: the same account and date as row {}; keep one of the two rows",
                w[0].2
            ),
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
                                    "unknown account: import it in accounts first",
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
                match c.prepare_cached(
                    "INSERT INTO balances (account_id, day, balance_fen) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (account_id, day) DO UPDATE SET balance_fen = excluded.balance_fen \
                     WHERE balance_fen <> excluded.balance_fen",
                ) {
                    Err(e) => failure = Some(db_err("preparing the balances insert")(&e)),
                    Ok(mut st) => {
                        for batch in &rx {
                            if failure.is_some() {
                                continue; // keep draining so that the reader finishes its report
                            }
                            for (acct, day, fen) in &batch.rows {
                                let text = days.entry(*day).or_insert_with(|| {
                                    (epoch + chrono::Days::new(u64::try_from(*day).unwrap_or(0))).to_string()
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
                let read = reader
                    .join()
                    .map_err(|_| ImportError::Store(StoreError::Invalid("the reader thread failed".into())));
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

/// Unknown columns of a master row, kept as a JSON object.
fn extras_json(extras: Vec<(String, String)>) -> Val {
    Val::Json(serde_json::Value::Object(
        extras.into_iter().map(|(k, v)| (k, v.into())).collect(),
    ))
}

fn known_manager(managers: &HashMap<String, i64>, code: &str) -> Result<i64, Vec<Reject>> {
    managers.get(code).copied().ok_or_else(|| {
        vec![Reject::new(
            "manager_id",
            code,
            "unknown customer manager: import them in managers first",
        )]
    })
}

fn known_client(clients: &HashMap<String, i64>, code: &str) -> Result<i64, Vec<Reject>> {
    clients.get(code).copied().ok_or_else(|| {
        vec![Reject::new(
            "client_id",
            code,
            "unknown client: import it in clients first",
        )]
    })
}

fn grade_key(track: &str, grade: &str, tier: Option<&str>) -> String {
    format!("{track}|{grade}|{}", tier.unwrap_or(""))
}

fn map_manager_codes(kind: &PlanErrorKind<i64>, codes: &HashMap<i64, String>) -> String {
    let name = |m: &i64| codes.get(m).cloned().unwrap_or_else(|| m.to_string());
    match kind {
        PlanErrorKind::Duplicate { manager, from } => PlanErrorKind::Duplicate {
            manager: name(manager),
            from: *from,
        }
        .to_string(),
        PlanErrorKind::RewritesHistory {
            manager,
            stored_from,
            stored_to,
            new_from,
        } => PlanErrorKind::RewritesHistory {
            manager: name(manager),
            stored_from: *stored_from,
            stored_to: *stored_to,
            new_from: *new_from,
        }
        .to_string(),
        PlanErrorKind::Invalid(p) => match p {
            ledger::Problem::Sum {
                first,
                last,
                sum,
                shares,
            } => ledger::Problem::Sum {
                first: *first,
                last: *last,
                sum: *sum,
                shares: shares.iter().map(|(m, r)| (name(m), *r)).collect(),
            }
            .to_string(),
            ledger::Problem::Overlap { manager, a, b } => ledger::Problem::Overlap {
                manager: name(manager),
                a: *a,
                b: *b,
            }
            .to_string(),
        },
    }
}
