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
    let results: Vec<NewResult> = result
        .rows
        .iter()
        .map(|r| {
            Ok(NewResult {
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
    Ok(store.approve_assessment(&org, run, managers, effective)?)
}
