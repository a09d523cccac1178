//! Rating (评分): a rater scores the qualitative items of a period's scorecard for the managers
//! they may rate, corrects a score or withdraws it, until an assessment of the period is
//! approved. A rater rates in one relation (themself: `self`; anyone else in their scope:
//! `superior`), and only in a relation the policy's raters weigh (D4: a customer manager does
//! not rate themself where only superiors rate). One transaction for all of a form's scores.

use crate::access::{Action, Actor};
use crate::error::Kind;
use crate::{Error, Result};
use kejing_engine::Period;
use kejing_engine::policy::{Policy, Scorecard};
use kejing_store::Store;
use kejing_store::assessment::NewScore;
use rust_decimal::Decimal;

/// A score of one item of one manager; `None` withdraws the rater's score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub manager: String,
    pub dimension: String,
    pub item: String,
    pub score: Option<Decimal>,
}

/// What a rating did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rated {
    pub saved: usize,
    pub withdrawn: usize,
}

/// Who the actor rates as (their manager code, else their user name) and in which relation to
/// `manager`.
pub fn rater_of(actor: &Actor, manager: &str) -> (String, &'static str) {
    let id = actor.manager.clone().unwrap_or_else(|| actor.name.clone());
    if actor.manager.as_deref() == Some(manager) {
        (id, "self")
    } else {
        (id, "superior")
    }
}

/// Whether the policy lets the actor rate `manager` (the relation is weighed, the manager is in
/// the actor's scope).
pub fn may_rate(policy: &Policy, actor: &Actor, manager: &str) -> bool {
    let (_, relation) = rater_of(actor, manager);
    actor.can(Action::RateScores)
        && actor.sees(manager)
        && policy
            .assessment
            .as_ref()
            .and_then(|a| a.raters.as_ref())
            .is_none_or(|r| r.weights.contains_key(relation))
}

/// The scorecard of the period, or a coded refusal.
pub fn scorecard(policy: &Policy, period: Period) -> Result<&Scorecard> {
    policy
        .assessment
        .as_ref()
        .and_then(|a| a.scorecard_for(period))
        .ok_or_else(|| {
            Error::said(
                Kind::Invalid,
                "rate-no-scorecard",
                &[
                    ("policy", policy.name.clone()),
                    ("period", period.to_string()),
                ],
                format!(
                    "policy {} has no scorecard for a period like {period}",
                    policy.name
                ),
            )
        })
}

/// Saves and withdraws the actor's scores of `period` in one transaction. Refused whole when
/// any is not theirs to give, outside 0…max, of an item the scorecard does not rate, or when an
/// assessment of the period is already approved.
pub fn rate(
    store: &mut Store,
    actor: &Actor,
    policy: &Policy,
    period: Period,
    ratings: &[Rating],
) -> Result<Rated> {
    actor.require(Action::RateScores)?;
    let card = scorecard(policy, period)?;
    let mut saves = Vec::new();
    let mut withdrawals = Vec::new();
    for r in ratings {
        actor.require_manager(&r.manager)?;
        let (rater, relation) = rater_of(actor, &r.manager);
        if !may_rate(policy, actor, &r.manager) {
            return Err(Error::said(
                Kind::Forbidden,
                "rate-not-allowed",
                &[
                    ("policy", policy.name.clone()),
                    ("relation", relation.to_owned()),
                    ("manager", r.manager.clone()),
                ],
                format!(
                    "policy {} has no {relation} rating: {} may not rate {}",
                    policy.name, actor.name, r.manager
                ),
            ));
        }
        let Some(item) = card
            .items
            .iter()
            .find(|i| i.rated && i.dimension == r.dimension && i.name == r.item)
        else {
            return Err(Error::said(
                Kind::Invalid,
                "rate-unknown-item",
                &[("item", r.item.clone()), ("scorecard", card.name.clone())],
                format!("{} is not an item raters score on {}", r.item, card.name),
            ));
        };
        match r.score {
            Some(score) if score < Decimal::ZERO || score > item.max => {
                return Err(Error::said(
                    Kind::Invalid,
                    "score-out-of-range",
                    &[
                        ("item", item.name.clone()),
                        ("manager", r.manager.clone()),
                        ("value", score.normalize().to_string()),
                        ("max", item.max.normalize().to_string()),
                    ],
                    format!(
                        "{} of {}: {} is outside 0…{}",
                        item.name,
                        r.manager,
                        score.normalize(),
                        item.max.normalize()
                    ),
                ));
            }
            Some(score) => saves.push(NewScore {
                period: period.to_string(),
                manager: r.manager.clone(),
                rater,
                relation: relation.to_owned(),
                dimension: r.dimension.clone(),
                item: r.item.clone(),
                score,
            }),
            None => withdrawals.push((
                r.manager.clone(),
                rater,
                r.dimension.clone(),
                r.item.clone(),
            )),
        }
    }
    store.set_actor(actor.name.clone());
    let org = actor.org.clone();
    let p = period.to_string();
    store.write(&org, |s| {
        if let Some((by, at)) = s.approved_assessment(&org, &p)? {
            return Err(Error::said(
                Kind::Conflict,
                "rate-period-approved",
                &[("period", p.clone()), ("by", by.clone()), ("at", at.clone())],
                format!("the assessment of {p} was approved by {by} at {at}: its scores no longer change"),
            ));
        }
        let saved = if saves.is_empty() {
            0
        } else {
            s.save_scores(&org, &saves)?
        };
        let mut withdrawn = 0;
        for (m, rater, d, i) in &withdrawals {
            if s.withdraw_score(&org, &p, m, rater, d, i)? {
                withdrawn += 1;
            }
        }
        Ok(Rated { saved, withdrawn })
    })
}
