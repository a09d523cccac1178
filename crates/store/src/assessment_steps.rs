//! The sign-offs of assessment proposals (D8): each required step is signed once, in order,
//! by a different person, before the proposal can be approved; the approver has signed none of
//! its steps. Which role may sign a step is the application layer's check.

use crate::assessment::AssessmentRow;
use crate::sql::{Cols, Ty, Val};
use crate::{Org, Store, StoreError};
use chrono::Utc;

/// One step of one proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    pub manager: String,
    pub seq: i64,
    pub step: String,
    pub role: String,
    pub signed_by: Option<String>,
    pub signed_at: Option<String>,
    pub note: Option<String>,
}

impl Store {
    /// The steps of a run's proposals (of one manager, or all), in order.
    pub fn assessment_steps(
        &mut self,
        run: i64,
        manager: Option<&str>,
    ) -> Result<Vec<StepRow>, StoreError> {
        let rows = self.conn.query(
            "SELECT manager, seq, step, role, signed_by, CAST(signed_at AS TEXT), note FROM assessment_steps \
             WHERE run_id = $1 AND ($2 = '' OR manager = $2) ORDER BY manager, seq",
            &[Val::Int(run), Val::text(manager.unwrap_or(""))],
            &[Ty::Text, Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text],
        )?;
        rows.iter()
            .map(|r| {
                let c = Cols::new("assessment_steps", r);
                Ok(StepRow {
                    manager: c.text(0)?,
                    seq: c.int(1)?,
                    step: c.text(2)?,
                    role: c.text(3)?,
                    signed_by: c.opt_text(4),
                    signed_at: c.opt_text(5),
                    note: c.opt_text(6),
                })
            })
            .collect()
    }

    /// Signs `step` of `manager`'s proposal in `run` as the store's actor: only while the
    /// proposal is open, after every earlier step, never two steps of one proposal by one
    /// person; of concurrent signatures of one step one is recorded and the others get a
    /// conflict naming who signed. Audited.
    pub fn sign_assessment_step(
        &mut self,
        org: &Org,
        run: i64,
        manager: &str,
        step: &str,
        note: &str,
    ) -> Result<StepRow, StoreError> {
        self.write(org, |s| {
            if !s.assessment_runs(org)?.iter().any(|r| r.id == run) {
                return Err(StoreError::NotFound(format!(
                    "there is no assessment run #{run}"
                )));
            }
            let status = s
                .assessment_rows(run)?
                .into_iter()
                .find(|r| r.manager == manager)
                .map(|r| r.status)
                .ok_or_else(|| {
                    StoreError::NotFound(format!("assessment run #{run} has no result for {manager}"))
                })?;
            if status != "proposed" {
                return Err(StoreError::taken(
                    "proposal-decided",
                    &[
                        ("manager", manager.to_owned()),
                        ("run", run.to_string()),
                        ("status", status.clone()),
                    ],
                    format!("the proposal of {manager} in run #{run} is {status} already"),
                ));
            }
            let steps = s.assessment_steps(run, Some(manager))?;
            let Some(this) = steps.iter().find(|x| x.step == step) else {
                let names: Vec<&str> = steps.iter().map(|x| x.step.as_str()).collect();
                let steps = if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                };
                return Err(StoreError::refused(
                    "step-unknown",
                    &[
                        ("manager", manager.to_string()),
                        ("step", step.to_string()),
                        ("steps", steps.clone()),
                    ],
                    format!("the proposal of {manager} has no step {step:?}; its steps are: {steps}"),
                ));
            };
            if let Some(by) = &this.signed_by {
                let at = this.signed_at.clone().unwrap_or_default();
                return Err(StoreError::taken(
                    "step-signed",
                    &[
                        ("step", step.to_owned()),
                        ("manager", manager.to_owned()),
                        ("by", by.clone()),
                        ("at", at.clone()),
                    ],
                    format!("step {step} of {manager}'s proposal was already signed by {by} at {at}"),
                ));
            }
            if let Some(before) = steps
                .iter()
                .find(|x| x.seq < this.seq && x.signed_by.is_none())
            {
                return Err(StoreError::refused(
                    "step-out-of-order",
                    &[
                        ("manager", manager.to_string()),
                        ("step", before.step.to_string()),
                        ("role", before.role.to_string()),
                    ],
                    format!(
                        "step {} ({}) of {manager}'s proposal comes first",
                        before.step, before.role
                    ),
                ));
            }
            let actor = s.actor().to_owned();
            if let Some(other) = steps
                .iter()
                .find(|x| x.signed_by.as_deref() == Some(actor.as_str()))
            {
                return Err(StoreError::refused(
                    "step-same-signer",
                    &[
                        ("actor", actor.to_string()),
                        ("step", other.step.to_string()),
                        ("manager", manager.to_string()),
                    ],
                    format!(
                        "{actor} signed step {} of {manager}'s proposal already: each step is signed by someone else",
                        other.step
                    ),
                ));
            }
            let changed = s.conn.exec(
                "UPDATE assessment_steps SET signed_by = $1, signed_at = $2, note = $3 \
                 WHERE run_id = $4 AND manager = $5 AND seq = $6 AND signed_by IS NULL",
                &[
                    Val::text(&actor),
                    Val::Time(Utc::now()),
                    Val::opt_text(Some(note.trim()).filter(|n| !n.is_empty())),
                    Val::Int(run),
                    Val::text(manager),
                    Val::Int(this.seq),
                ],
            )?;
            if changed != 1 {
                return Err(StoreError::taken(
                    "step-signed-meanwhile",
                    &[("step", step.to_owned()), ("manager", manager.to_owned())],
                    format!("step {step} of {manager}'s proposal was signed by someone else meanwhile"),
                ));
            }
            s.audit(
                Some(org.id),
                "sign",
                "assessment_steps",
                &format!("{run}/{manager}/{step}"),
                None,
                Some(serde_json::json!({"step": step, "role": this.role, "note": note.trim()})),
            )?;
            s.assessment_steps(run, Some(manager))?
                .into_iter()
                .find(|x| x.seq == this.seq)
                .ok_or_else(|| StoreError::Invalid(format!("step {step} vanished")))
        })
    }

    /// Refuses to approve proposals whose steps are not all signed, or that `approver`
    /// signed a step of.
    pub(crate) fn require_signed_off(
        &mut self,
        run: i64,
        pending: &[AssessmentRow],
        approver: &str,
    ) -> Result<(), StoreError> {
        let steps = self.assessment_steps(run, None)?;
        let mut missing = Vec::new();
        for r in pending {
            for x in steps.iter().filter(|x| x.manager == r.manager) {
                match &x.signed_by {
                    None => missing.push(format!("{}: {} ({})", r.manager, x.step, x.role)),
                    Some(by) if by == approver => {
                        return Err(StoreError::Invalid(format!(
                            "{approver} signed step {} of {}'s proposal: someone else approves it",
                            x.step, r.manager
                        )));
                    }
                    Some(_) => {}
                }
            }
        }
        if missing.is_empty() {
            Ok(())
        } else {
            let n = missing.len();
            missing.truncate(10);
            Err(StoreError::Invalid(format!(
                "{n} sign-off(s) are missing before approval: {}",
                missing.join("; ")
            )))
        }
    }
}
