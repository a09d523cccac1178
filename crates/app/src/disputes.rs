//! Disputes (申诉): a customer manager disputes a line of a stored run; a reviewer (not the
//! one who raised it) accepts it with an adjustment of an open period, or rejects it with a
//! reason. One open dispute per line; one adjustment per accepted dispute.

use crate::access::{Action, Actor, Role};
use crate::{Error, Result};
use kejing_engine::{Money, Period};
use kejing_store::Store;
use kejing_store::disputes::Dispute;

/// The disputes the actor may see, oldest first.
pub fn list(store: &mut Store, actor: &Actor) -> Result<Vec<Dispute>> {
    actor.require(Action::ViewStatement)?;
    Ok(store
        .disputes(&actor.org)?
        .into_iter()
        .filter(|d| actor.sees(&d.manager))
        .collect())
}

/// Raises a dispute on `item` of `manager`'s lines in `run`. A customer manager disputes
/// their own lines only.
pub fn raise(
    store: &mut Store,
    actor: &Actor,
    run: i64,
    manager: &str,
    item: &str,
    reason: &str,
) -> Result<i64> {
    actor.require(Action::RaiseDispute)?;
    store.set_actor(actor.name.clone());
    actor.require_manager(manager)?;
    if actor.role == Role::Manager && actor.manager.as_deref() != Some(manager) {
        return Err(Error::Forbidden(format!(
            "{} may dispute only their own lines",
            actor.name
        )));
    }
    let org = actor.org.clone();
    Ok(store.raise_dispute(&org, run, manager, item, reason)?)
}

/// How a dispute is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Accepted: the amount is paid as an adjustment in the (open) period.
    Accept {
        period: Period,
        amount: Money,
    },
    Reject,
}

/// Decides an open dispute. Of concurrent decisions exactly one takes effect (and leaves one
/// adjustment at most); the others get a conflict saying who decided and when. The one who
/// raised the dispute cannot decide it.
pub fn decide(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    verdict: Verdict,
    reason: &str,
) -> Result<Dispute> {
    actor.require(Action::DecideDispute)?;
    store.set_actor(actor.name.clone());
    let org = actor.org.clone();
    store.write(&org, |s| {
        let Some(d) = s.dispute(&org, id)? else {
            return Err(Error::NotFound(format!("no dispute #{id}")));
        };
        actor.require_manager(&d.manager)?;
        actor.require_other_than(&d.raised_by, "dispute", id)?;
        let accept = match verdict {
            Verdict::Accept { period, amount } => Some((period, amount)),
            Verdict::Reject => None,
        };
        s.decide_dispute(&org, id, accept, reason)?;
        s.dispute(&org, id)?
            .ok_or_else(|| Error::Internal(format!("dispute #{id} vanished while deciding it")))
    })
}
