//! The advice tables (risk answers, products, finances, goals, holdings), kept as the
//! contract's cells keyed by each row's identity: re-importing a file changes nothing, a
//! questionnaire or balance sheet of a new date is a new version beside the old.

use super::{Changes, Dupes, ImportError, ImportOptions, Progress, known_client, read_all};
use crate::sql::{Ty, Val};
use crate::{Org, Store};
use kejing_io::Table;
use kejing_io::advice::*;
use std::path::Path;

impl Store {
    pub(super) fn import_advice_table(
        &mut self,
        org: &Org,
        table: Table,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        match table {
            Table::RiskAnswers => self.import_advice::<RiskAnswerRec>(org, path, options, progress),
            Table::Products => self.import_advice::<ProductRec>(org, path, options, progress),
            Table::Finances => self.import_advice::<FinanceRec>(org, path, options, progress),
            Table::Goals => self.import_advice::<GoalRec>(org, path, options, progress),
            Table::Holdings => self.import_advice::<HoldingRec>(org, path, options, progress),
            other => Err(ImportError::Store(crate::StoreError::Invalid(format!(
                "{other} is not an advice table"
            )))),
        }
    }

    fn import_advice<T: AdviceRow>(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        let clients = self.code_map("clients", org)?;
        let mut dupes = Dupes::new();
        let (recs, summary) = read_all::<T, _>(path, &options.read, progress, |row, r| {
            if let Some(c) = r.client() {
                known_client(&clients, &c)?;
            }
            let key = r.key();
            dupes.check(key.clone(), row, T::TABLE.columns()[0].name, &key)?;
            let cells: serde_json::Map<String, serde_json::Value> = r
                .cells()
                .into_iter()
                .map(|(k, v)| (k.to_owned(), serde_json::Value::String(v)))
                .collect();
            Ok(vec![
                Val::Int(org.id),
                Val::text(T::TABLE.name()),
                Val::text(key),
                Val::opt_text(r.client()),
                Val::opt_text(r.day().map(|d| d.to_string())),
                Val::Text(serde_json::Value::Object(cells).to_string()),
            ])
        })?;
        let rows: Vec<Vec<Val>> = recs.into_iter().map(|(_, v)| v).collect();
        let c = self.finish_facts(
            org,
            T::TABLE,
            path,
            summary.rows,
            &["org_id", "table_name", "row_key"],
            &[
                ("org_id", Ty::Int),
                ("table_name", Ty::Text),
                ("row_key", Ty::Text),
                ("client_code", Ty::Text),
                ("day", Ty::Text),
                ("cells", Ty::Text),
            ],
            rows,
            progress,
        )?;
        Ok((summary.rows, c, summary.warnings))
    }
}
