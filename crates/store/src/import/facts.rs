//! Facts: targets, sales and payments, bookings, scores and adjustments, upserted by key so
//! that re-importing a file changes nothing.

use super::{
    Changes, Dupes, ImportError, ImportOptions, Progress, known_client, known_manager, marker,
    read_all,
};
use crate::sql::{DbError, Ty, Val};
use crate::{Org, Store};
use kejing_io::records::*;
use kejing_io::{Record, Table};
use std::collections::HashMap;
use std::path::Path;

impl Store {
    /// Writes keyed facts with one upsert per row: a row whose key exists with the same
    /// values changes nothing.
    pub(super) fn upsert_facts(
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
        let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
        let updated: Vec<&str> = names.iter().copied().filter(|c| !key.contains(c)).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({}) {}",
            names.join(", "),
            values.join(", "),
            self.backend().upsert_tail(table, key, &updated)
        );
        let mut written = 0;
        let total = rows.len() as u64;
        for (i, r) in rows.iter().enumerate() {
            // One row: 1 if it was written (MySQL counts an updated row 2).
            written += self.conn.exec(&sql, r)?.min(1);
            if i % 8192 == 0 {
                progress("write", i as u64, total);
            }
        }
        progress("write", total, total);
        Ok(written)
    }

    #[allow(clippy::too_many_arguments)] // the layout of one fact table, spelled out at each call
    pub(super) fn finish_facts(
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
            let written =
                s.upsert_facts(super::storage_table(table), key, cols, &rows, progress)?;
            let c = (written, total - written);
            s.log_import(org, table, path, n, c)?;
            Ok::<_, ImportError>(c)
        })
    }

    pub(super) fn import_targets(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        self.import_per_manager_measure::<TargetRec>(
            org,
            (path, options, progress),
            Table::Targets,
            |r| (r.manager_id.as_str(), r.period, r.measure.as_str()),
            |r| vec![Val::Dec(r.target)],
            &[("target", Ty::Dec)],
        )
    }

    /// A customer manager's own monthly tallies (B3), keyed like targets.
    pub(super) fn import_tallies(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        self.import_per_manager_measure::<TallyRec>(
            org,
            (path, options, progress),
            Table::Tallies,
            |r| (r.manager_id.as_str(), r.period, r.measure.as_str()),
            |r| vec![Val::Dec(r.value), Val::opt_text(r.note)],
            &[("value", Ty::Dec), ("note", Ty::Text)],
        )
    }

    /// A table keyed by (manager, period, measure) — targets, tallies — upserted by that key:
    /// the manager must be known, a key twice in the file is a row error. `values` gives the
    /// row's further columns, `value_cols` their names and types.
    fn import_per_manager_measure<T: Record>(
        &mut self,
        org: &Org,
        (path, options, progress): (&Path, &ImportOptions, Progress<'_>),
        table: Table,
        key: fn(&T) -> (&str, kejing_engine::Period, &str),
        values: fn(T) -> Vec<Val>,
        value_cols: &[(&'static str, Ty)],
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        let managers = self.code_map("managers", org)?;
        let mut dupes = Dupes::new();
        let (recs, summary) = read_all::<T, _>(path, &options.read, progress, |row, r| {
            let (manager, period, measure) = key(&r);
            let m = known_manager(&managers, manager)?;
            let (period, measure) = (period.to_string(), measure.to_owned());
            dupes.check(
                (m, period.clone(), measure.clone()),
                row,
                "measure",
                &measure,
            )?;
            let mut vals = vec![
                Val::Int(org.id),
                Val::Int(m),
                Val::text(period),
                Val::text(measure),
            ];
            vals.extend(values(r));
            Ok(vals)
        })?;
        let rows = recs.into_iter().map(|(_, v)| v).collect();
        let mut cols = vec![
            ("org_id", Ty::Int),
            ("manager_id", Ty::Int),
            ("period", Ty::Text),
            ("measure", Ty::Text),
        ];
        cols.extend_from_slice(value_cols);
        let c = self.finish_facts(
            org,
            table,
            path,
            summary.rows,
            &["manager_id", "period", "measure"],
            &cols,
            rows,
            progress,
        )?;
        Ok((summary.rows, c, summary.warnings))
    }

    pub(super) fn import_flows<T: Record>(
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

    pub(super) fn import_bookings(
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
                    Val::opt_text(r.spot_check.map(str::to_owned)),
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
                ("spot_check", Ty::Text),
            ],
            rows,
            progress,
        )?;
        Ok((summary.rows, c, summary.warnings))
    }

    pub(super) fn import_scores(
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

    pub(super) fn import_adjustments(
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
