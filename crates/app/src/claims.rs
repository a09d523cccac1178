//! Ownership claims (认领, B3): a customer manager claims an unowned client, or asks for a share
//! of one that is owned; someone else — their head — approves or rejects. Conflicting claims on
//! one client stand side by side until decided and are resolved through the ledger's rules: a
//! claim on the whole client is approved only while nobody owns it, a share is taken from the
//! owners in proportion, and the shares always sum to 1. An agreement unit, or an old client
//! who comes back, is flagged as not new (不计新客户). The decision is the same conditional
//! transition as a transfer's; an approval writes the ledger in the same transaction.

use crate::access::{Action, Actor};
use crate::transfers::{refuse_locked, write_shares};
use crate::{Error, Result};
use chrono::NaiveDate;
use kejing_engine::Ratio;
use kejing_store::Store;
use kejing_store::claims::{Claim, NewClaim};
use kejing_store::workflow::TransferStatus;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What a claim asks.
#[derive(Debug, Clone)]
pub struct ClaimInput {
    pub client: String,
    /// The claimant (the actor themself for a customer manager).
    pub manager: String,
    /// The share asked for; `None` or `1`: the whole (unowned) client.
    pub share: Option<String>,
    pub effective_on: NaiveDate,
    pub reason: String,
}

/// A claim with what the head should know before deciding it.
#[derive(Debug, Clone)]
pub struct ClaimView {
    pub claim: Claim,
    /// The owners on the claim's effective day: (manager, ratio).
    pub owners: Vec<(String, String)>,
    /// An agreement unit (协议单位): not a new client.
    pub agreement: bool,
    /// Owned before and not now: an old client coming back (老客户回头), not a new one.
    pub returning: bool,
    /// Other open claims on the same client.
    pub rivals: Vec<i64>,
}

fn share_of(s: &Option<String>) -> Result<Ratio> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Ratio::ONE),
        Some(t) => {
            let r = Ratio::parse(t).map_err(|e| Error::invalid(format!("share: {e}")))?;
            if r.value() <= Decimal::ZERO {
                return Err(Error::invalid(
                    "share: more than 0, at most 1 (the whole client)",
                ));
            }
            Ok(r)
        }
    }
}

/// Files a claim. Refused for an unknown client or manager, without a reason, for the whole of
/// a client someone owns on the day (ask for a share), and for a share of a client nobody owns
/// (claim the whole).
pub fn request(store: &mut Store, actor: &Actor, input: &ClaimInput) -> Result<i64> {
    actor.require(Action::RequestTransfer)?;
    store.set_actor(actor.name.clone());
    let client = input.client.trim();
    let manager = input.manager.trim();
    actor.require_manager(manager)?;
    if input.reason.trim().is_empty() {
        return Err(Error::invalid("a claim says why (--reason): 认领理由"));
    }
    let share = share_of(&input.share)?;
    let org = actor.org.clone();
    store.write(&org, |s| {
        if s.client_kind(&org, client)?.is_none() {
            return Err(Error::invalid(format!("there is no client {client}")));
        }
        if s.manager_is_cm(&org, manager)?.is_none() {
            return Err(Error::invalid(format!("there is no customer manager {manager}")));
        }
        let owners = s.owners_on(&org, client, None, input.effective_on)?;
        if owners.iter().any(|(m, r)| m == manager && r.value() == Decimal::ONE) {
            return Err(Error::invalid(format!("{manager} already owns client {client}")));
        }
        if share == Ratio::ONE && !owners.is_empty() {
            let who: Vec<String> = owners.iter().map(|(m, r)| format!("{m} {}", r.value().normalize())).collect();
            return Err(Error::invalid(format!(
                "client {client} is owned on {} ({}): ask for a share (--share 0.5) instead of the whole client",
                input.effective_on,
                who.join(", ")
            )));
        }
        if share != Ratio::ONE && owners.is_empty() {
            return Err(Error::invalid(format!(
                "nobody owns client {client} on {}: claim the whole client (no --share)",
                input.effective_on
            )));
        }
        let id = s.insert_claim(
            &org,
            &NewClaim {
                client,
                manager,
                share: &share.value().normalize().to_string(),
                effective_on: input.effective_on,
                reason: input.reason.trim(),
            },
        )?;
        Ok::<_, Error>(id)
    })
}

/// The claims the actor may see (their managers'), newest first, with the owners, the
/// not-new flags and the rival claims.
pub fn list(store: &mut Store, actor: &Actor) -> Result<Vec<ClaimView>> {
    actor.require(Action::ViewClients)?;
    let org = actor.org.clone();
    store.read(|s| {
        let all = s.claims(&org)?;
        let mut out = Vec::new();
        for c in all.iter().filter(|c| actor.sees(&c.manager)) {
            let owners = s.owners_on(&org, &c.client, None, c.effective_on)?;
            let history = s.ownership_history(&org, &c.client)?;
            let agreement = s.client_kind(&org, &c.client)?.is_some_and(|(_, a)| a);
            let returning = owners.is_empty()
                && history
                    .iter()
                    .any(|l| l.to.is_some_and(|t| t < c.effective_on));
            let rivals = all
                .iter()
                .filter(|o| o.id != c.id && o.client == c.client && o.status == "open")
                .map(|o| o.id)
                .collect();
            out.push(ClaimView {
                claim: c.clone(),
                owners: owners
                    .into_iter()
                    .map(|(m, r)| (m, r.value().normalize().to_string()))
                    .collect(),
                agreement,
                returning,
                rivals,
            });
        }
        Ok::<_, Error>(out)
    })
}

/// Approves (`approve`) or rejects an open claim. Not by the one who asked; a rejection needs a
/// reason; of concurrent decisions one takes effect. An approval writes the ledger from the
/// effective day: the whole client while nobody owns it (else a conflict naming the owner:
/// reject it, or the claimant asks for a share), or the share taken from the owners in
/// proportion.
pub fn decide(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    approve: bool,
    text: &str,
) -> Result<Claim> {
    actor.require(Action::DecideTransfer)?;
    store.set_actor(actor.name.clone());
    if !approve && text.trim().is_empty() {
        return Err(Error::invalid("a rejection needs a reason"));
    }
    let org = actor.org.clone();
    store.write(&org, |s| {
        let Some(c) = s.claim(&org, id)? else {
            return Err(Error::NotFound(format!("there is no claim #{id}")));
        };
        if !actor.sees(&c.manager) {
            return Err(Error::Forbidden(format!("claim #{id} is outside {}'s scope", actor.name)));
        }
        actor.require_other_than(&c.requested_by, "claim", id)?;
        let to = if approve { TransferStatus::Approved } else { TransferStatus::Rejected };
        s.decide_claim(&org, id, to, text.trim())?;
        if approve {
            refuse_locked(s, &org, c.effective_on)?;
            let share = Ratio::parse(&c.share).map_err(|e| Error::Internal(format!("claim #{id}: share {e}")))?;
            let owners = s.owners_on(&org, &c.client, None, c.effective_on)?;
            let mut shares: BTreeMap<String, Decimal> = BTreeMap::new();
            if share == Ratio::ONE {
                if !owners.is_empty() {
                    let who: Vec<String> = owners.iter().map(|(m, r)| format!("{m} {}", r.value().normalize())).collect();
                    return Err(Error::said(
                        crate::error::Kind::Conflict,
                        "claim-owned-meanwhile",
                        &[
                            ("client", c.client.clone()),
                            ("on", c.effective_on.to_string()),
                            ("owners", who.join(", ")),
                            ("id", id.to_string()),
                        ],
                        format!(
                            "client {} is owned on {} by {} since this claim was made (another claim was approved first): reject claim #{id}, or the claimant asks for a share",
                            c.client,
                            c.effective_on,
                            who.join(", ")
                        ),
                    ));
                }
                shares.insert(c.manager.clone(), Decimal::ONE);
            } else {
                if owners.is_empty() {
                    return Err(Error::said(
                        crate::error::Kind::Conflict,
                        "claim-nobody-owns",
                        &[
                            ("client", c.client.clone()),
                            ("on", c.effective_on.to_string()),
                            ("id", id.to_string()),
                        ],
                        format!(
                            "nobody owns client {} on {} any more: reject claim #{id} and claim the whole client",
                            c.client, c.effective_on
                        ),
                    ));
                }
                let rest = Decimal::ONE - share.value();
                for (m, r) in owners {
                    *shares.entry(m).or_default() += r.value() * rest;
                }
                *shares.entry(c.manager.clone()).or_default() += share.value();
                for (m, r) in &shares {
                    Ratio::new(*r).map_err(|e| {
                        Error::invalid(format!(
                            "claim #{id}: {m}'s share would be {} ({e}); choose a share that divides the owners' shares exactly",
                            r.normalize()
                        ))
                    })?;
                }
            }
            write_shares(s, &org, &c.client, &shares, c.effective_on, format!("claim #{id}"))?;
        }
        s.claim(&org, id)?
            .ok_or_else(|| Error::Internal(format!("claim #{id} vanished while deciding it")))
    })
}
