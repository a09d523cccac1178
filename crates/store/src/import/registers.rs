//! The daily-management registers and the working-day calendar, upserted by key so that
//! re-importing a file changes nothing.

use super::{
    Changes, Dupes, ImportError, ImportOptions, Progress, known_client, known_manager, read_all,
};
use crate::sql::{Ty, Val};
use crate::{Org, Store};
use kejing_engine::registers::Register;
use kejing_io::registers::*;
use kejing_io::{Record, Table};
use std::path::Path;

impl Store {
    /// Imports the register `table` holds (its record type picked here, once for all).
    pub(super) fn import_register_table(
        &mut self,
        org: &Org,
        table: Table,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        macro_rules! by_table {
            ($($t:ident => $rec:ident),+) => {
                match table {
                    $(Table::$t => self.import_register::<$rec>(org, path, options, progress, |r| r.0),)+
                    other => Err(ImportError::Store(crate::StoreError::Invalid(format!(
                        "{other} is not a register"
                    )))),
                }
            };
        }
        by_table!(
            Briefings => BriefingRec,
            Outings => OutingRec,
            Visits => VisitRec,
            WorkLogs => WorkLogRec,
            Prospects => ProspectRec,
            CreditRegister => CreditEntryRec,
            RetailVisits => RetailVisitRec,
            Meetings => MeetingRec,
            ActionItems => ActionItemRec,
            Reports => ReportRec
        )
    }

    /// A register's rows keyed by (manager, the register's key): the manager must be known, the
    /// client too where the row names one, a key twice in the file is a row error.
    fn import_register<T: Record>(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
        rec: fn(T) -> RegisterRec,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        let managers = self.code_map("managers", org)?;
        let clients = self.code_map("clients", org)?;
        let mut dupes = Dupes::new();
        let (recs, summary) = read_all::<T, _>(path, &options.read, progress, |row, r| {
            let r = rec(r);
            let reg: Register = r.register;
            let m = known_manager(&managers, r.manager_id.as_str())?;
            if let Some(kejing_engine::expr::Value::Text(c)) = r.fields.get("client_id") {
                known_client(&clients, c)?;
            }
            let key = match r.fields.get(reg.key()) {
                Some(v) => cell_of(v),
                None => String::new(),
            };
            dupes.check((m, key.clone()), row, reg.key(), &key)?;
            let day = match r.fields.get(reg.day_field()) {
                Some(kejing_engine::expr::Value::Date(d)) => *d,
                Some(kejing_engine::expr::Value::DateTime(t)) => t.date(),
                _ => chrono::NaiveDate::MIN,
            };
            let json = serde_json::to_string(&cells_of(reg, &r.fields)).unwrap_or_default();
            Ok(vec![
                Val::Int(org.id),
                Val::text(reg.name()),
                Val::Int(m),
                Val::text(key),
                Val::Date(day),
                Val::Text(json),
            ])
        })?;
        let rows: Vec<Vec<Val>> = recs.into_iter().map(|(_, v)| v).collect();
        let c = self.finish_facts(
            org,
            T::TABLE,
            path,
            summary.rows,
            &["manager_id", "register", "row_key"],
            &[
                ("org_id", Ty::Int),
                ("register", Ty::Text),
                ("manager_id", Ty::Int),
                ("row_key", Ty::Text),
                ("day", Ty::Date),
                ("fields", Ty::Text),
            ],
            rows,
            progress,
        )?;
        Ok((summary.rows, c, summary.warnings))
    }

    pub(super) fn import_calendar(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        let mut dupes = Dupes::new();
        let (recs, summary) =
            read_all::<CalendarRec, _>(path, &options.read, progress, |row, r| {
                dupes.check(r.date, row, "date", &r.date.to_string())?;
                Ok(vec![
                    Val::Int(org.id),
                    Val::Date(r.date),
                    Val::Bool(r.working),
                    Val::opt_text(r.note),
                ])
            })?;
        let rows: Vec<Vec<Val>> = recs.into_iter().map(|(_, v)| v).collect();
        let c = self.finish_facts(
            org,
            Table::Calendar,
            path,
            summary.rows,
            &["org_id", "day"],
            &[
                ("org_id", Ty::Int),
                ("day", Ty::Date),
                ("working", Ty::Bool),
                ("note", Ty::Text),
            ],
            rows,
            progress,
        )?;
        Ok((summary.rows, c, summary.warnings))
    }
}
