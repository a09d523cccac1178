//! Overrides of a month's reconciliation (B3): a month whose customer managers' own tallies do
//! not agree with the keeper's figures is settled only when someone authorised records why,
//! once per month, with the differences as they stood. The check itself is the engine's
//! (`kejing_engine::settle::reconcile`).

use crate::sql::{Cols, Ty, Val};
use crate::workflow::or_taken;
use crate::{Org, Store, StoreError};
use chrono::Utc;
use kejing_engine::Period;

/// A recorded override: the month may be settled with these differences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconciliationOverride {
    pub period: String,
    pub policy: String,
    pub reason: String,
    /// The differences as they stood when the override was recorded, one line.
    pub differences: String,
    pub decided_by: String,
    pub decided_at: String,
}

const COLS: &str =
    "period, policy, reason, differences, decided_by, CAST(decided_at AS TEXT) AS decided_at";
const TYS: &[Ty] = &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text];

fn of_row(r: &[Val]) -> Result<ReconciliationOverride, StoreError> {
    let c = Cols::new("reconciliation_overrides", r);
    Ok(ReconciliationOverride {
        period: c.text(0)?,
        policy: c.text(1)?,
        reason: c.text(2)?,
        differences: c.text(3)?,
        decided_by: c.text(4)?,
        decided_at: c.text(5)?,
    })
}

impl Store {
    /// The override recorded for `period`, if any.
    pub fn reconciliation_override(
        &mut self,
        org: &Org,
        period: Period,
    ) -> Result<Option<ReconciliationOverride>, StoreError> {
        let rows = self.conn.query(
            &format!(
                "SELECT {COLS} FROM reconciliation_overrides WHERE org_id = $1 AND period = $2"
            ),
            &[Val::Int(org.id), Val::text(period.to_string())],
            TYS,
        )?;
        rows.first().map(|r| of_row(r)).transpose()
    }

    /// Records that `period` may be settled although it is not reconciled, with the reason and
    /// the differences. Once per month: of concurrent overrides exactly one is recorded, the
    /// others get a conflict naming who decided. Refused for a locked month. Audited.
    pub fn override_reconciliation(
        &mut self,
        org: &Org,
        period: Period,
        policy: &str,
        reason: &str,
        differences: &str,
    ) -> Result<ReconciliationOverride, StoreError> {
        if reason.trim().is_empty() {
            return Err(StoreError::refused(
                "override-reason-required",
                &[],
                "an override needs a reason (--reason): why may the month be paid unreconciled?"
                    .into(),
            ));
        }
        self.write(org, |s| {
            if let Some(run) = s.locked_run(org, period)? {
                return Err(StoreError::refused(
                    "override-period-locked",
                    &[("period", period.to_string()), ("run", run.to_string())],
                    format!("{period} is locked (run #{run}): it was settled and approved already"),
                ));
            }
            if let Some(o) = s.reconciliation_override(org, period)? {
                return Err(already(period, &o));
            }
            let by = s.actor().to_owned();
            let inserted = s.conn.exec(
                "INSERT INTO reconciliation_overrides (org_id, period, policy, reason, differences, decided_by, decided_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    Val::Int(org.id),
                    Val::text(period.to_string()),
                    Val::text(policy),
                    Val::text(reason.trim()),
                    Val::text(differences),
                    Val::text(&by),
                    Val::Time(Utc::now()),
                ],
            );
            or_taken(inserted, "reconciliation-overridden-now", &[("period", period.to_string())], || {
                format!("the reconciliation of {period} was overridden already by someone else")
            })?;
            s.audit(
                Some(org.id),
                "override_reconciliation",
                "reconciliation_overrides",
                &period.to_string(),
                None,
                Some(serde_json::json!({
                    "policy": policy,
                    "reason": reason.trim(),
                    "differences": differences,
                })),
            )?;
            s.reconciliation_override(org, period)?.ok_or_else(|| {
                StoreError::Invalid(format!("the override of {period} was not recorded"))
            })
        })
    }
}

fn already(period: Period, o: &ReconciliationOverride) -> StoreError {
    StoreError::taken(
        "reconciliation-overridden",
        &[
            ("period", period.to_string()),
            ("by", o.decided_by.clone()),
            ("at", o.decided_at.clone()),
            ("reason", o.reason.clone()),
        ],
        format!(
            "the reconciliation of {period} was already overridden by {} at {}: {}",
            o.decided_by, o.decided_at, o.reason
        ),
    )
}
