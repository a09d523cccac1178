//! A settlement run's review: submitted for review, then approved. Each step is one
//! conditional statement (`… WHERE submitted_by IS NULL`); of two at once one takes effect and
//! the other gets a conflict naming who did it and when. Who may take a step (the right, a
//! second person) is checked by the caller in the same transaction.

use crate::sql::{Ty, Val};
use crate::workflow::short_time;
use crate::{Org, Store, StoreError};
use chrono::Utc;

/// A step of a run's review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewStep {
    Submit,
    Approve,
}

impl ReviewStep {
    fn columns(self) -> (&'static str, &'static str) {
        match self {
            ReviewStep::Submit => ("submitted_by", "submitted_at"),
            ReviewStep::Approve => ("approved_by", "approved_at"),
        }
    }

    /// The audit action of the step.
    pub fn action(self) -> &'static str {
        match self {
            ReviewStep::Submit => "run.submit",
            ReviewStep::Approve => "run.approve",
        }
    }

    fn done(self) -> &'static str {
        match self {
            ReviewStep::Submit => "submitted for review",
            ReviewStep::Approve => "approved",
        }
    }
}

impl Store {
    /// Takes a review step on run `run` of `org` as the store's actor: sets who and when only if
    /// the step was not taken yet (and, to approve, only if the run was submitted). A run taken
    /// meanwhile gives [`StoreError::Conflict`] with who and when.
    pub fn take_review_step(
        &mut self,
        org: &Org,
        run: i64,
        step: ReviewStep,
    ) -> Result<(), StoreError> {
        let (by, at) = step.columns();
        let before = if step == ReviewStep::Approve {
            " AND submitted_by IS NOT NULL"
        } else {
            ""
        };
        let actor = self.actor().to_owned();
        let changed = self.conn.exec(
            &format!(
                "UPDATE settlement_runs SET {by} = $1, {at} = $2 \
                 WHERE id = $3 AND org_id = $4 AND {by} IS NULL{before}"
            ),
            &[
                Val::Text(actor),
                Val::Time(Utc::now()),
                Val::Int(run),
                Val::Int(org.id),
            ],
        )?;
        if changed == 1 {
            return self
                .audit(
                    Some(org.id),
                    step.action(),
                    "settlement_runs",
                    &run.to_string(),
                    None,
                    None,
                )
                .map_err(StoreError::from);
        }
        let rows = self.conn.query(
            &format!(
                "SELECT {by}, CAST({at} AS TEXT) FROM settlement_runs WHERE id = $1 AND org_id = $2"
            ),
            &[Val::Int(run), Val::Int(org.id)],
            &[Ty::Text, Ty::Text],
        )?;
        match rows.first() {
            None => Err(StoreError::NotFound(format!(
                "there is no settlement run #{run}"
            ))),
            Some(r) => match r[0].as_str() {
                Some(who) => {
                    let at = r[1].as_str().map(short_time).unwrap_or_default();
                    let code = match step {
                        ReviewStep::Submit => "submitted",
                        ReviewStep::Approve => "approved",
                    };
                    Err(StoreError::taken(
                        "run-done",
                        &[
                            ("run", run.to_string()),
                            ("step", code.to_owned()),
                            ("by", who.to_owned()),
                            ("at", at.clone()),
                        ],
                        format!("run #{run} was already {} by {who} at {at}", step.done()),
                    ))
                }
                None => Err(StoreError::Invalid(format!(
                    "run #{run} has not been submitted for review: submit it first"
                ))),
            },
        }
    }
}
