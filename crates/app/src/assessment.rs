//! Assessment in database mode: a run scores the period over the stored data (grades as at
//! the period's end) and stores each manager's result as a proposal; proposals change grades
//! only when approved, from an effective day, by someone allowed to approve.

use crate::access::{Action, Actor};
use crate::catalogue::policy_hash;
use crate::{Error, Result};
use chrono::NaiveDate;
use kejing_engine::Period;
use kejing_engine::policy::Policy;
use kejing_store::Store;
use kejing_store::assessment::NewResult;

/// Assesses `period` under `policy` and stores the results as proposals; returns the run.
pub fn run(store: &mut Store, actor: &Actor, policy: &Policy, period: Period) -> Result<i64> {
    actor.require(Action::RunAssessment)?;
    store.set_actor(actor.name.clone());
    let org = actor.org.clone();
    let data = store.read(|s| Ok::<_, Error>(s.load_dataset_at(&org, period.last_day())?))?;
    let result = kejing_engine::assess::assess(policy, &data, period)
        .map_err(|e| Error::invalid(e.to_string()))?;
    let approvals = policy
        .assessment
        .as_ref()
        .map(|a| a.approvals.as_slice())
        .unwrap_or_default();
    let results: Vec<NewResult> = result
        .rows
        .iter()
        .map(|r| {
            Ok(NewResult {
                steps: approvals
                    .iter()
                    .filter(|a| a.applies(r.decision, r.new_grade.as_deref()))
                    .map(|a| (a.step.clone(), a.role.code().to_owned()))
                    .collect(),
                manager: r.manager.clone(),
                score: r.score,
                rank: i64::from(r.rank),
                group: r.group.clone(),
                group_size: i64::from(r.group_size),
                grade: r.grade.clone(),
                new_grade: r.new_grade.clone(),
                decision: r.decision.code().to_owned(),
                reason: r.reason.clone(),
                items: serde_json::Value::Array(
                    r.items
                        .iter()
                        .map(|i| {
                            serde_json::json!({
                                "dimension": i.dimension, "item": i.item, "max": i.max.normalize().to_string(),
                                "score": i.score.normalize().to_string(), "standard": i.standard, "rated": i.rated,
                            })
                        })
                        .collect(),
                ),
                trace: serde_json::to_value(result.traces.get(&r.manager))
                    .map_err(|e| Error::Internal(format!("trace of {}: {e}", r.manager)))?,
            })
        })
        .collect::<Result<_>>()?;
    let hash = policy_hash(policy);
    Ok(store.write(&org, |s| {
        s.save_assessment(
            &org,
            &period.to_string(),
            (&policy.name, &hash),
            &result.scorecard,
            &results,
        )
    })?)
}

/// Approves the open proposals of a run (all, or those of `managers`), from `effective`
/// (default: the day after the period). All or nothing; of concurrent approvals one takes
/// effect and the others get a conflict. Returns how many were approved.
pub fn approve(
    store: &mut Store,
    actor: &Actor,
    run: i64,
    managers: &[String],
    effective: Option<NaiveDate>,
) -> Result<usize> {
    actor.require(Action::ApproveAssessment)?;
    store.set_actor(actor.name.clone());
    for m in managers {
        actor.require_manager(m)?;
    }
    let org = actor.org.clone();
    // The one who ran the assessment does not approve its proposals (who ran a run never
    // changes, so this holds inside the approval's transaction too).
    if let Some(info) = store
        .assessment_runs(&org)?
        .into_iter()
        .find(|r| r.id == run)
    {
        actor.require_other_than(&info.actor, "assessment", run)?;
    }
    Ok(store.approve_assessment(&org, run, managers, effective)?)
}

/// Signs `step` of `manager`'s proposal in `run` (D8): the step's role signs it — the customer
/// manager themself for a `manager` step, a head whose scope holds the manager for
/// `team_head` / `branch_head`, the performance office for `admin`. In order, once, and never
/// two steps of one proposal by one person (the store checks those).
pub fn sign(
    store: &mut Store,
    actor: &Actor,
    run: i64,
    manager: &str,
    step: &str,
    note: &str,
) -> Result<kejing_store::assessment_steps::StepRow> {
    actor.require(Action::SignAssessment)?;
    store.set_actor(actor.name.clone());
    actor.require_manager(manager)?;
    let steps = store.assessment_steps(run, Some(manager))?;
    let Some(this) = steps.iter().find(|x| x.step == step) else {
        return Err(Error::invalid(format!(
            "the proposal of {manager} in run #{run} has no step {step:?}"
        )));
    };
    let ok = match kejing_engine::policy::StepRole::parse(&this.role) {
        Some(kejing_engine::policy::StepRole::Manager) => actor.manager.as_deref() == Some(manager),
        Some(kejing_engine::policy::StepRole::TeamHead) => actor.role == crate::Role::TeamHead,
        Some(kejing_engine::policy::StepRole::BranchHead) => actor.role == crate::Role::BranchHead,
        Some(kejing_engine::policy::StepRole::Admin) => actor.role == crate::Role::Admin,
        None => false,
    };
    if !ok {
        return Err(Error::Forbidden(format!(
            "step {step} of {manager}'s proposal is signed by the role {} ({}), not by {}",
            this.role,
            if this.role == "manager" {
                "the customer manager themself"
            } else {
                "as the policy's [[assessment.approvals]] says"
            },
            actor.name
        )));
    }
    let org = actor.org.clone();
    Ok(store.sign_assessment_step(&org, run, manager, step, note)?)
}
