//! Transfers (移交) of a client's share from one customer manager to another: requested by a
//! manager or a head, decided by someone else who may decide transfers. An approval writes
//! the client's new ownership through the ledger's rules (shares sum to 1, history is not
//! rewritten) in the same transaction as the decision, so the ledger always matches the
//! recorded decision.

use crate::access::{Action, Actor};
use crate::{Error, Result};
use chrono::NaiveDate;
use kejing_io::Table;
use kejing_store::transfers::{NewTransfer, Transfer};
use kejing_store::workflow::TransferStatus;
use kejing_store::{ImportOptions, Org, Store};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::Write as _;

/// What a transfer request says.
#[derive(Debug, Clone)]
pub struct TransferInput {
    pub client: String,
    pub from: String,
    pub to: String,
    pub effective_on: NaiveDate,
    pub reason: String,
}

/// A decision on a transfer request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

/// The transfer requests the actor may see (both managers in scope), newest first.
pub fn list(store: &mut Store, actor: &Actor) -> Result<Vec<Transfer>> {
    actor.require(Action::ViewClients)?;
    Ok(store
        .transfers(&actor.org)?
        .into_iter()
        .filter(|t| actor.sees(&t.from_manager) || actor.sees(&t.to_manager))
        .collect())
}

/// Asks to move `from`'s share of a client to `to` from a day. One open request per client.
pub fn request(store: &mut Store, actor: &Actor, input: &TransferInput) -> Result<i64> {
    actor.require(Action::RequestTransfer)?;
    store.set_actor(actor.name.clone());
    let client = input.client.trim();
    let from = input.from.trim();
    let to = input.to.trim();
    actor.require_manager(from)?;
    if input.reason.trim().is_empty() {
        return Err(Error::invalid("a transfer request needs a reason"));
    }
    if from == to {
        return Err(Error::invalid(
            "the client is already with that manager: choose another one",
        ));
    }
    let org = actor.org.clone();
    store.write(&org, |s| {
        let owners = s.owners_on(&org, client, None, input.effective_on)?;
        if !owners.iter().any(|(m, _)| m == from) {
            return Err(Error::invalid(format!(
                "{from} does not own client {client} on {}",
                input.effective_on
            )));
        }
        match s.manager_is_cm(&org, to)? {
            None => return Err(Error::invalid(format!("there is no customer manager {to}"))),
            // A3: clients are owned by customer managers, not by specialists or heads.
            Some(false) => {
                return Err(Error::invalid(format!(
                    "{to} is not on a customer-manager track (tracks.is_cm): choose a customer manager"
                )));
            }
            Some(true) => {}
        }
        refuse_locked(s, &org, input.effective_on)?;
        let id = s.insert_transfer(
            &org,
            &NewTransfer {
                client,
                from,
                to,
                effective_on: input.effective_on,
                reason: input.reason.trim(),
            },
        )?;
        Ok::<_, Error>(id)
    })
}

/// Decides an open transfer request. Of any number of concurrent decisions exactly one takes
/// effect; the others get [`Error::Conflict`] saying who decided and when. The requester
/// cannot decide their own request. A rejection needs a reason.
pub fn decide(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    decision: Decision,
    text: &str,
) -> Result<Transfer> {
    actor.require(Action::DecideTransfer)?;
    store.set_actor(actor.name.clone());
    if decision == Decision::Reject && text.trim().is_empty() {
        return Err(Error::invalid("a rejection needs a reason"));
    }
    let org = actor.org.clone();
    store.write(&org, |s| {
        let Some(t) = s.transfer(&org, id)? else {
            return Err(Error::NotFound(format!(
                "there is no transfer request #{id}"
            )));
        };
        if !(actor.sees(&t.from_manager) && actor.sees(&t.to_manager)) {
            return Err(Error::Forbidden(format!(
                "transfer request #{id} is outside {}'s scope",
                actor.name
            )));
        }
        actor.require_other_than(&t.requested_by, "transfer", id)?;
        let to = match decision {
            Decision::Approve => TransferStatus::Approved,
            Decision::Reject => TransferStatus::Rejected,
        };
        // The conditional transition first: a request decided meanwhile stops here.
        s.decide_transfer(&org, id, to, text.trim())?;
        if decision == Decision::Approve {
            refuse_locked(s, &org, t.effective_on)?;
            apply(s, &org, &t)?;
        }
        let decided = s.transfer(&org, id)?.ok_or_else(|| {
            Error::Internal(format!("transfer request #{id} vanished while deciding it"))
        })?;
        Ok(decided)
    })
}

/// A change of ownership from a day inside (or before) a locked period would change what was
/// paid: refused, naming the period.
pub(crate) fn refuse_locked(s: &mut Store, org: &Org, day: NaiveDate) -> Result<()> {
    if let Some((p, run)) = s
        .locked_periods(org)?
        .into_iter()
        .filter(|(p, _)| p.last_day() >= day)
        .max_by_key(|(p, _)| p.last_day())
    {
        return Err(Error::invalid(format!(
            "{day} lies in or before the locked period {p} (run #{run}): choose an effective day after {}",
            p.last_day()
        )));
    }
    Ok(())
}

/// Writes the new version of the client's ownership: the from-manager's share goes to the
/// to-manager, the other shares stay. Imported exactly as an ownership file would be, in the
/// caller's transaction, so the ledger's rules hold.
fn apply(s: &mut Store, org: &Org, t: &Transfer) -> Result<()> {
    let owners = s.owners_on(org, &t.client, None, t.effective_on)?;
    if !owners.iter().any(|(m, _)| m == &t.from_manager) {
        return Err(Error::said(
            crate::error::Kind::Conflict,
            "owner-changed",
            &[
                ("manager", t.from_manager.clone()),
                ("client", t.client.clone()),
                ("on", t.effective_on.to_string()),
            ],
            format!(
                "{} no longer owns client {} on {}: the ownership changed since the request",
                t.from_manager, t.client, t.effective_on
            ),
        ));
    }
    let mut shares: BTreeMap<String, Decimal> = BTreeMap::new();
    for (m, r) in owners {
        let who = if m == t.from_manager {
            t.to_manager.clone()
        } else {
            m
        };
        *shares.entry(who).or_default() += r.value();
    }
    write_shares(
        s,
        org,
        &t.client,
        &shares,
        t.effective_on,
        format!("transfer request #{}", t.id),
    )
}

/// Writes a new version of a client's ownership from `day` with these shares (summing to 1),
/// imported exactly as an ownership file would be, in the caller's transaction, so the ledger's
/// rules hold; `source` names where it came from in the import log.
pub(crate) fn write_shares(
    s: &mut Store,
    org: &Org,
    client: &str,
    shares: &BTreeMap<String, Decimal>,
    day: NaiveDate,
    source: String,
) -> Result<()> {
    let mut csv = String::from("client_id,manager_id,ratio,from\n");
    for (m, r) in shares {
        csv.push_str(&format!("{client},{m},{},{day}\n", r.normalize()));
    }
    // A private file of this process, removed when it goes out of scope.
    let mut file = tempfile::Builder::new()
        .prefix("kejing-ledger-")
        .suffix(".csv")
        .tempfile()
        .map_err(|e| Error::Internal(format!("a temporary file for the ledger change: {e}")))?;
    file.write_all(csv.as_bytes())
        .map_err(|e| Error::Internal(format!("writing the ledger change: {e}")))?;
    let options = ImportOptions {
        source: Some(source),
        ..ImportOptions::default()
    };
    s.import(
        org,
        Table::Ownership,
        file.path(),
        &options,
        &mut |_, _, _| {},
    )?;
    Ok(())
}
