//! A settlement run's lifecycle with segregation of duties: a draft is submitted for review
//! (by someone who may run settlement), approved by a different user holding the right to
//! approve runs (never the one who ran or submitted it), then its period is locked on it
//! ([`crate::settlement::lock`]) and it is paid. A superseded run (a newer run of the period,
//! or the period locked on another run) takes no step. Each step is one conditional statement
//! in one transaction; of concurrent steps one takes effect, the others get a conflict naming
//! who and when.

use crate::access::{Action, Actor};
use crate::{Error, Result};
use kejing_store::Store;
use kejing_store::run_review::ReviewStep;
use kejing_store::settlement::RunInfo;
use kejing_store::workflow::RunStatus;

/// Submits run `run` for review; returns the run as it now stands.
pub fn submit(store: &mut Store, actor: &Actor, run: i64) -> Result<RunInfo> {
    actor.require(Action::RunSettlement)?;
    step(store, actor, run, ReviewStep::Submit)
}

/// Approves run `run` (submitted, by someone else); returns the run as it now stands.
pub fn approve(store: &mut Store, actor: &Actor, run: i64) -> Result<RunInfo> {
    actor.require(Action::ApproveRun)?;
    step(store, actor, run, ReviewStep::Approve)
}

fn step(store: &mut Store, actor: &Actor, run: i64, step: ReviewStep) -> Result<RunInfo> {
    store.set_actor(actor.name.clone());
    let org = actor.org.clone();
    store.write(&org, |s| {
        let info = current(s, actor, run)?;
        if info.status == RunStatus::Superseded {
            return Err(Error::Conflict(format!(
                "run #{run} of {} is superseded (a newer run of the period exists, or the period is locked on another run): it takes no further step",
                info.period
            )));
        }
        if info.status == RunStatus::Locked {
            let (by, at) = info.locked_by.clone().unwrap_or_default();
            return Err(Error::Conflict(format!(
                "run #{run} is already locked by {by} at {at}"
            )));
        }
        if step == ReviewStep::Approve {
            actor.require_other_than(&info.actor, &format!("run #{run}"))?;
            if let Some((by, _)) = &info.submitted {
                actor.require_other_than(by, &format!("run #{run}"))?;
            }
        }
        s.take_review_step(&org, run, step)?;
        current(s, actor, run)
    })
}

fn current(s: &mut Store, actor: &Actor, run: i64) -> Result<RunInfo> {
    s.run_info(&actor.org, run)?
        .ok_or_else(|| Error::NotFound(format!("there is no settlement run #{run}")))
}
