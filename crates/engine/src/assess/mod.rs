//! Assessment (考核): scorecards of computed and rated items, 360° raters with weights, the
//! roll-up of shorter periods into longer ones, ranking within the group the policy names, and
//! the grade rules that propose promote / keep / demote / dismiss / confirm. Pure, like
//! settlement: the same policy files, parameters, measures and expressions.

mod env;
mod scoring;

use crate::data::{DataSet, Manager, Score};
use crate::expr::Value;
use crate::period::Period;
use crate::policy::{Assessment, Decision, Frequency, Policy, RankTies};
use crate::settle::{Ctx, Index, Prepared, SettleError, Trace, manager_field};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// One item's score.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemScore {
    pub dimension: String,
    pub item: String,
    pub max: Decimal,
    pub score: Decimal,
    pub standard: Option<String>,
    pub rated: bool,
}

/// One customer manager's assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessed {
    pub manager: String,
    pub name: String,
    /// The total, rounded as the policy says.
    pub score: Decimal,
    pub rank: u32,
    /// The group ranked in (e.g. the grade) and its size.
    pub group: String,
    pub group_size: u32,
    pub grade: Option<String>,
    pub new_grade: Option<String>,
    pub decision: Decision,
    /// The rule that decided (its reason and policy line), or why the grade is kept.
    pub reason: String,
    pub items: Vec<ItemScore>,
}

/// The assessment of a period.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentResult {
    pub period: Period,
    pub scorecard: String,
    /// By manager id.
    pub rows: Vec<Assessed>,
    pub traces: BTreeMap<String, Trace>,
}

/// Scores by (manager, period, dimension, item).
type ScoreIndex<'a> = HashMap<(&'a str, Period, &'a str, &'a str), Vec<&'a Score>>;

struct Run<'a> {
    policy: &'a Policy,
    a: &'a Assessment,
    ix: &'a Index<'a>,
    scores: ScoreIndex<'a>,
}

/// Assesses a period.
pub fn assess(
    policy: &Policy,
    data: &DataSet,
    period: Period,
) -> Result<AssessmentResult, SettleError> {
    let prepared = Prepared::new(data)?;
    assess_prepared(policy, &prepared, period)
}

fn err(policy: &Policy, line: usize, m: impl std::fmt::Display) -> SettleError {
    SettleError(format!("{}:{line}: {m}", policy.file))
}

/// Assesses a period over prepared data.
pub fn assess_prepared(
    policy: &Policy,
    prepared: &Prepared<'_>,
    period: Period,
) -> Result<AssessmentResult, SettleError> {
    let ix = &prepared.ix;
    let Some(a) = &policy.assessment else {
        return Err(SettleError(format!(
            "{}: the policy has no [assessment]",
            policy.file
        )));
    };
    let Some(card) = a.scorecard_for(period) else {
        let kinds: Vec<&str> = a.scorecards.iter().map(|s| s.period.name()).collect();
        return Err(SettleError(format!(
            "{}: no scorecard assesses a period like {period}; the policy's scorecards are {}",
            policy.file,
            kinds.join(", ")
        )));
    };
    let mut scores: ScoreIndex<'_> = HashMap::new();
    for s in &ix.data.scores {
        scores
            .entry((
                s.manager.as_str(),
                s.period,
                s.dimension.as_str(),
                s.item.as_str(),
            ))
            .or_default()
            .push(s);
    }
    let run = Run {
        policy,
        a,
        ix,
        scores,
    };
    let mut in_post: Vec<&Manager> = Vec::new();
    for m in ix.managers.values().copied() {
        if !m.in_post(period.first_day(), period.last_day()) {
            continue;
        }
        // Without `assessed`, the assessment is of customer managers (A2, A3: 专业经理 are
        // not assessed as CMs).
        if a.assessed.is_none() && m.non_cm {
            continue;
        }
        if let Some(e) = &a.assessed {
            let ctx = Ctx::new(policy, ix, m, period);
            let yes = ctx
                .eval(e, "assessment assessed")?
                .as_bool()
                .map_err(|x| err(policy, a.line, format!("assessed, manager {}: {x}", m.id)))?;
            if !yes {
                continue;
            }
        }
        in_post.push(m);
    }
    // Score everyone first: ranks need every score of the group.
    let mut scored = Vec::new();
    for m in &in_post {
        let (total, items, trace) = run.scorecard(m, card, period, 0)?;
        scored.push((*m, total, items, trace));
    }
    let group_of = |m: &Manager| -> String {
        match &a.rank_within {
            Some(f) => match manager_field(policy, m, f) {
                Ok(Value::Text(t)) => t,
                Ok(Value::Null) | Err(_) => String::new(),
                Ok(v) => v.to_string(),
            },
            None => String::new(),
        }
    };
    let mut groups: BTreeMap<String, Vec<(&str, Decimal)>> = BTreeMap::new();
    for (m, total, items, _) in &scored {
        if let Some(e) = &a.rank_among
            && !run.ranked(m, period, *total, items, e)?
        {
            continue;
        }
        groups
            .entry(group_of(m))
            .or_default()
            .push((m.id.as_str(), *total));
    }
    let mut ranks: HashMap<&str, (u32, u32)> = HashMap::new();
    for members in groups.values_mut() {
        members.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
        let size = members.len() as u32;
        for (i, (id, s)) in members.iter().enumerate() {
            let rank = match a.ties {
                RankTies::ById => i as u32 + 1,
                // 1 + how many scored strictly more.
                RankTies::Shared => 1 + members.iter().filter(|(_, o)| o > s).count() as u32,
            };
            ranks.insert(id, (rank, size));
        }
    }
    let mut rows = Vec::new();
    let mut traces = BTreeMap::new();
    for (m, total, items, mut trace) in scored {
        // Not ranked (rank_among does not hold): rank 0.
        let (rank, size) = match ranks.get(m.id.as_str()) {
            Some(r) => *r,
            None if a.rank_among.is_some() => (0, 0),
            None => (1, 1),
        };
        let group = group_of(m);
        let label = match a.rank_within.as_deref() {
            Some(within) => crate::say!(
                "rank-label",
                "rank within {within} {group}",
                within = within,
                group = group,
            ),
            None => crate::say!("rank-everyone-label", "rank among everyone"),
        };
        trace
            .children
            .push(Trace::new(label, format!("{rank} / {size}")));
        let (decision, new_grade, reason, rule_trace) =
            run.decide(m, period, card, total, rank, size, &items)?;
        trace.children.push(rule_trace);
        traces.insert(m.id.clone(), trace);
        rows.push(Assessed {
            manager: m.id.clone(),
            name: m.name.clone(),
            score: total,
            rank,
            group,
            group_size: size,
            grade: m.grade.clone(),
            new_grade,
            decision,
            reason,
            items,
        });
    }
    rows.sort_by(|x, y| x.manager.cmp(&y.manager));
    Ok(AssessmentResult {
        period,
        scorecard: card.name.clone(),
        rows,
        traces,
    })
}

/// The periods of kind `f` inside `p` (months of a year, …), in order.
fn sub_periods(f: Frequency, p: Period) -> Vec<Period> {
    let mut out = Vec::new();
    let mut day = p.first_day();
    while day <= p.last_day() {
        let sp = f.period_of(day);
        out.push(sp);
        match sp.last_day().succ_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    out
}
