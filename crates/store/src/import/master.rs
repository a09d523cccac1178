//! Master data: org units, tracks, grades, clients and accounts, keyed by code, diffed
//! against what is stored and audited field by field.

use super::{
    Changes, Dupes, ImportError, ImportOptions, Progress, known_client, marker, read_all,
    rows_error,
};
use crate::sql::{Cols, DbError, Ty, Val, same};
use crate::{Org, Store};
use kejing_io::read::{Reason, Reject, RowError};
use kejing_io::records::*;
use kejing_io::{Record, Table};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// A master-data table: the columns besides `id`, `org_id` and `code`, each with its type
/// and the contract column it comes from (absent from a file = keep the stored value).
pub(super) struct MasterSpec {
    pub(super) table: &'static str,
    pub(super) cols: &'static [(&'static str, Ty, &'static str)],
}

pub(super) struct MasterRow {
    pub(super) code: String,
    pub(super) vals: Vec<Val>,
}

/// What happened to one master row.
pub(super) struct MasterChange {
    pub(super) id: i64,
    pub(super) before: Option<Vec<Val>>,
    pub(super) after: Vec<Val>,
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

fn to_json(cols: &[(&str, Ty, &str)], code: &str, vals: &[Val]) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("code".into(), code.into());
    for ((c, _, _), v) in cols.iter().zip(vals) {
        m.insert((*c).into(), v.to_json());
    }
    serde_json::Value::Object(m)
}

impl Store {
    /// Inserts or updates master rows by code, auditing each change. Columns the file did not
    /// have keep their stored value; JSON `extra` attributes are merged.
    pub(super) fn apply_master(
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
            let c = Cols::new(spec.table, &r);
            by_code.insert(c.text(1)?, (c.int(0)?, vals));
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
                let id = ids.get(&row.code).copied().ok_or_else(|| DbError {
                    context: format!("inserting into {}", spec.table),
                    message: format!("the inserted row {} is not there", row.code),
                })?;
                changes.push(MasterChange {
                    id,
                    before: None,
                    after: row.vals,
                });
            }
        }
        Ok(((written, unchanged), changes))
    }

    /// Reads a master-data file into rows keyed by code: `f` turns a record into its row (or
    /// rejects it); a code given twice is a row error.
    pub(super) fn read_master<T: Record>(
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
    pub(super) fn write_master(
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

    pub(super) fn import_org_units(
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
                ("telephone", Ty::Text, "telephone"),
                ("fax", Ty::Text, "fax"),
                ("address", Ty::Text, "address"),
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
                        Val::opt_text(r.telephone),
                        Val::opt_text(r.fax),
                        Val::opt_text(r.address),
                    ],
                })
            })?;
        // A parent is a unit of this file or one imported before.
        let in_file: HashSet<&str> = rows.iter().map(|(_, r)| r.code.as_str()).collect();
        let errors: Vec<RowError> = rows
            .iter()
            .filter_map(|(row, r)| {
                let parent = r.vals[1].as_str()?;
                (!in_file.contains(parent) && !known.contains_key(parent)).then(|| {
                    RowError::new(
                        *row,
                        "parent_id",
                        parent,
                        Reason::new(
                            "unknown-parent-unit",
                            "unknown parent unit: list it in this file or import it first",
                        ),
                    )
                })
            })
            .collect();
        if !errors.is_empty() {
            return Err(rows_error(path, errors, summary.rows));
        }
        self.write_master(org, Table::OrgUnits, &SPEC, path, rows, summary)
    }

    pub(super) fn import_tracks(
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

    pub(super) fn import_grades(
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
                        Reason::new("unknown-track", "unknown track: import it in tracks first"),
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

    pub(super) fn import_clients(
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

    pub(super) fn import_accounts(
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
}

/// Unknown columns of a master row, kept as a JSON object.
fn extras_json(extras: Vec<(String, String)>) -> Val {
    Val::Json(serde_json::Value::Object(
        extras.into_iter().map(|(k, v)| (k, v.into())).collect(),
    ))
}

fn grade_key(track: &str, grade: &str, tier: Option<&str>) -> String {
    format!("{track}|{grade}|{}", tier.unwrap_or(""))
}
