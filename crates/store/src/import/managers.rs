//! Customer managers: master rows like the others, plus the effective-dated history of their
//! grade, track, unit and status.

use super::master::{MasterRow, MasterSpec};
use super::{Changes, Dupes, ImportError, ImportOptions, Progress, read_all};
use crate::sql::{Cols, DbError, Ty, Val, same};
use crate::{Org, Store};
use chrono::{NaiveDate, Utc};
use kejing_engine::model::ManagerStatus;
use kejing_io::Table;
use kejing_io::read::{Reason, Reject};
use kejing_io::records::*;
use std::collections::HashMap;
use std::path::Path;

impl Store {
    pub(super) fn import_managers(
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
        for g in &grade_rows {
            let c = Cols::new("grades", g);
            ladders
                .entry(c.text(0)?)
                .or_default()
                .push((c.text(1)?, c.opt_text(2)));
        }
        let existing_status: HashMap<String, String> = self
            .conn
            .query(
                "SELECT code, status FROM managers WHERE org_id = $1",
                &[Val::Int(org.id)],
                &[Ty::Text, Ty::Text],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new("managers", r);
                Ok((c.text(0)?, c.text(1)?))
            })
            .collect::<Result<_, DbError>>()?;
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
                        Reason::new(
                            "unknown-org-unit",
                            "unknown org unit: it is not in org_units (import it there first)",
                        ),
                    ));
                }
                if let Some(track) = &r.track
                    && !tracks.is_empty()
                    && !tracks.contains_key(track.as_str())
                {
                    rejects.push(Reject::new(
                        "track",
                        track.as_str(),
                        Reason::new(
                            "unknown-track",
                            "unknown track: it is not in tracks (import it there first)",
                        ),
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
                            Reason::new(
                                "grade-not-in-ladder",
                                format!(
                                    "not a grade of track {track}: the ladder has {}",
                                    names.join(", ")
                                ),
                            )
                            .arg("track", track)
                            .arg("grades", names.join(", ")),
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
}
