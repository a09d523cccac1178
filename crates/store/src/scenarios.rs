//! What-if scenarios an organisation saved: a policy, a period, the changed parameters and the
//! result as computed when saved. A name is unique within the organisation; of two saves of one
//! name at once, one is kept and the other is told who saved it. Saving and deleting are each
//! one audited statement.

use crate::sql::{Cols, Ty, Val};
use crate::workflow::{or_conflict, short_time};
use crate::{Org, Store, StoreError};
use chrono::Utc;

/// The most a saved result may be (bytes of JSON): some ten thousand managers' rows.
pub const MAX_RESULT: usize = 4 << 20;

/// A saved scenario, without its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioRow {
    pub id: i64,
    pub name: String,
    pub policy: String,
    pub period: String,
    /// One change a line, as the manager wrote it (and, for a percentage, what it came to).
    pub changes: String,
    /// The change in the total pay, yuan (`-1234.50`).
    pub total_diff: String,
    pub created_by: String,
    pub created_at: String,
}

/// What a save writes.
#[derive(Debug, Clone)]
pub struct NewScenario<'a> {
    pub name: &'a str,
    pub policy: &'a str,
    pub period: &'a str,
    pub changes: &'a str,
    pub total_diff: &'a str,
    /// The result as a JSON document.
    pub result: &'a str,
}

const COLUMNS: &str =
    "id, name, policy, period, changes, total_diff, created_by, CAST(created_at AS TEXT)";
const TYPES: [Ty; 8] = [
    Ty::Int,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
];

fn row(r: &[Val]) -> Result<ScenarioRow, crate::sql::DbError> {
    let c = Cols::new("whatif_scenarios", r);
    Ok(ScenarioRow {
        id: c.int(0)?,
        name: c.text(1)?,
        policy: c.text(2)?,
        period: c.text(3)?,
        changes: c.text(4)?,
        total_diff: c.text(5)?,
        created_by: c.text(6)?,
        created_at: short_time(&c.text(7)?),
    })
}

impl Store {
    /// The scenarios `org` saved, newest first (at most `limit`).
    pub fn scenarios(&mut self, org: &Org, limit: i64) -> Result<Vec<ScenarioRow>, StoreError> {
        let rows = self.conn.query(
            &format!(
                "SELECT {COLUMNS} FROM whatif_scenarios WHERE org_id = $1 ORDER BY id DESC LIMIT $2"
            ),
            &[Val::Int(org.id), Val::Int(limit)],
            &TYPES,
        )?;
        Ok(rows.iter().map(|r| row(r)).collect::<Result<_, _>>()?)
    }

    /// Scenario `id` of `org` with its result (JSON), if it is there.
    pub fn scenario(
        &mut self,
        org: &Org,
        id: i64,
    ) -> Result<Option<(ScenarioRow, String)>, StoreError> {
        let mut types = TYPES.to_vec();
        types.push(Ty::Text);
        let rows = self.conn.query(
            &format!(
                "SELECT {COLUMNS}, result FROM whatif_scenarios WHERE org_id = $1 AND id = $2"
            ),
            &[Val::Int(org.id), Val::Int(id)],
            &types,
        )?;
        match rows.first() {
            Some(r) => {
                let s = row(r)?;
                let result = Cols::new("whatif_scenarios", r).text(8)?;
                Ok(Some((s, result)))
            }
            None => Ok(None),
        }
    }

    /// Saves a scenario as the store's actor and returns its id, in one audited transaction. A
    /// name `org` already uses gives [`StoreError::Conflict`] saying who saved it and when.
    pub fn save_scenario(&mut self, org: &Org, new: &NewScenario<'_>) -> Result<i64, StoreError> {
        if new.result.len() > MAX_RESULT {
            return Err(StoreError::Invalid(format!(
                "the scenario's result is {} bytes; at most {MAX_RESULT} are kept",
                new.result.len()
            )));
        }
        let taken = |s: &mut Store| -> String {
            let by = s
                .scenarios(org, 10_000)
                .ok()
                .and_then(|l| l.into_iter().find(|x| x.name == new.name))
                .map(|x| format!(" by {} at {}", x.created_by, x.created_at))
                .unwrap_or_default();
            format!("a scenario named {} is already saved{by}", new.name)
        };
        self.transaction(|s| {
            let actor = s.actor().to_owned();
            let written = s.conn.insert_id(
                "whatif_scenarios",
                "INSERT INTO whatif_scenarios \
                 (org_id, name, policy, period, changes, result, total_diff, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[
                    Val::Int(org.id),
                    Val::text(new.name),
                    Val::text(new.policy),
                    Val::text(new.period),
                    Val::text(new.changes),
                    Val::text(new.result),
                    Val::text(new.total_diff),
                    Val::Text(actor),
                    Val::Time(Utc::now()),
                ],
            );
            let id = or_conflict(written, String::new)?;
            s.audit(
                Some(org.id),
                "scenario.save",
                "whatif_scenarios",
                &id.to_string(),
                None,
                Some(serde_json::json!({
                    "name": new.name, "policy": new.policy, "period": new.period,
                    "changes": new.changes, "total_diff": new.total_diff,
                })),
            )?;
            Ok(id)
        })
        .map_err(|e| match e {
            // The name was taken by someone else's save: say by whom, outside the failed
            // transaction.
            StoreError::Conflict(m) if m.is_empty() => StoreError::Conflict(taken(self)),
            e => e,
        })
    }

    /// Deletes scenario `id` of `org`, audited with what it was. Gone already gives
    /// [`StoreError::Conflict`]; who may delete it is the caller's check.
    pub fn delete_scenario(&mut self, org: &Org, id: i64) -> Result<(), StoreError> {
        self.transaction(|s| {
            let found = s.scenario(org, id)?.map(|(f, _)| f);
            let gone = s.conn.exec(
                "DELETE FROM whatif_scenarios WHERE org_id = $1 AND id = $2",
                &[Val::Int(org.id), Val::Int(id)],
            )?;
            let (1, Some(found)) = (gone, found) else {
                return Err(StoreError::Conflict(format!(
                    "scenario #{id} is not there (already deleted)"
                )));
            };
            s.audit(
                Some(org.id),
                "scenario.delete",
                "whatif_scenarios",
                &id.to_string(),
                Some(serde_json::json!({"name": found.name, "policy": found.policy, "period": found.period})),
                None,
            )?;
            Ok(())
        })
    }
}
