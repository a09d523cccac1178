//! A settlement run's lifecycle with segregation of duties: a draft is submitted for review
//! (by someone who may run settlement), approved by a different user holding the right to
//! approve runs (never the one who ran or submitted it), then its period is locked on it
//! ([`crate::settlement::lock`]) and it is paid. A superseded run (a newer run of the period,
//! or the period locked on another run) takes no step. Each step is one conditional statement
//! in one transaction; of concurrent steps one takes effect, the others get a conflict naming
//! who and when.

use crate::access::{Action, Actor};
use crate::error::Kind;
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
        let period = info.period.clone();
        if info.status == RunStatus::Superseded {
            return Err(Error::said(
                Kind::Conflict,
                "run-superseded",
                &[("run", run.to_string()), ("period", period.clone())],
                format!("run #{run} of {period} is superseded (a newer run of the period exists, or the period is locked on another run): it takes no further step"),
            ));
        }
        if info.status == RunStatus::Locked {
            let (by, at) = info.locked_by.clone().unwrap_or_default();
            return Err(Error::said(
                Kind::Conflict,
                "run-locked",
                &[("run", run.to_string()), ("by", by.clone()), ("at", at.clone())],
                format!("run #{run} is already locked by {by} at {at}"),
            ));
        }
        // A step already taken: who took it and when.
        let taken = match step {
            ReviewStep::Submit => info.submitted.clone(),
            ReviewStep::Approve => info.approved.clone(),
        };
        if let Some((by, at)) = taken {
            let done = match step {
                ReviewStep::Submit => "submitted",
                ReviewStep::Approve => "approved",
            };
            return Err(Error::said(
                Kind::Conflict,
                "run-done",
                &[("run", run.to_string()), ("step", done.to_owned()), ("by", by.clone()), ("at", at.clone())],
                format!("run #{run} was already {done} by {by} at {at}"),
            ));
        }
        if step == ReviewStep::Approve {
            if info.submitted.is_none() {
                return Err(Error::said(
                    Kind::Invalid,
                    "run-not-submitted",
                    &[("run", run.to_string())],
                    format!("run #{run} has not been submitted for review: submit it first"),
                ));
            }
            actor.require_other_than(&info.actor, "run", run)?;
            if let Some((by, _)) = &info.submitted {
                actor.require_other_than(by, "run", run)?;
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
