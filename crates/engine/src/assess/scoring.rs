//! Scoring one manager for a period: a scorecard's computed and rated items, and the grade rules' decision.

use super::env::AssessEnv;
use super::{ItemScore, Run, err};
use crate::data::{Manager, Score};
use crate::expr::{Expr, Value};
use crate::period::Period;
use crate::policy::{Decision, ScoreItem, Scorecard};
use crate::settle::{SettleError, Trace};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

impl<'a> Run<'a> {
    /// A manager's total on a scorecard for a period, each item's score, and the trace.
    pub(super) fn scorecard(
        &self,
        m: &'a Manager,
        card: &'a Scorecard,
        period: Period,
        depth: u32,
    ) -> Result<(Decimal, Vec<ItemScore>, Trace), SettleError> {
        if depth > 4 {
            return Err(err(self.policy, card.line, "average_of nests too deeply"));
        }
        let env = AssessEnv::new(self, m, period, depth);
        let mut root = Trace::new(
            format!("{} {} · {} · {}", m.id, m.name, card.name, period),
            String::new(),
        );
        let mut items = Vec::new();
        let mut dims: BTreeMap<&str, Decimal> = BTreeMap::new();
        for it in &card.items {
            let (v, t) = if it.rated {
                self.rated(m, period, it)?
            } else if let Some(e) = &it.score {
                let v = env
                    .eval(e)
                    .and_then(|v| match v {
                        Value::Null => Ok(Decimal::ZERO),
                        v => v.as_num(),
                    })
                    .map_err(|e| {
                        err(
                            self.policy,
                            it.line,
                            format!("item {}, manager {}, {period}: {e}", it.name, m.id),
                        )
                    })?;
                let mut t = Trace::new(
                    crate::say!("item-label", "{item} = {expr}", item = it.name, expr = e),
                    v.normalize().to_string(),
                );
                t.children = env.ctx.take_trace();
                t.children.extend(env.notes.borrow_mut().drain(..));
                let capped = v.min(it.max);
                if capped != v {
                    t.notes.push(crate::say!(
                        "capped",
                        "capped at the item's maximum {max}",
                        max = it.max.normalize()
                    ));
                    t.value = capped.normalize().to_string();
                }
                (capped, t)
            } else {
                (Decimal::ZERO, Trace::new(it.name.clone(), "0"))
            };
            let mut t = t;
            t.notes.push(match &it.standard {
                Some(standard) => crate::say!(
                    "item-dimension-standard",
                    "dimension {dimension}, maximum {max}; standard: {standard} (policy line {line})",
                    dimension = it.dimension,
                    max = it.max.normalize(),
                    standard = standard,
                    line = it.line,
                ),
                None => crate::say!(
                    "item-dimension",
                    "dimension {dimension}, maximum {max} (policy line {line})",
                    dimension = it.dimension,
                    max = it.max.normalize(),
                    line = it.line,
                ),
            });
            root.children.push(t);
            *dims.entry(it.dimension.as_str()).or_default() += v;
            env.items.borrow_mut().insert(it.name.clone(), v);
            env.dims.borrow_mut().insert(
                it.dimension.clone(),
                *dims.get(it.dimension.as_str()).unwrap_or(&Decimal::ZERO),
            );
            items.push(ItemScore {
                dimension: it.dimension.clone(),
                item: it.name.clone(),
                max: it.max,
                score: v,
                standard: it.standard.clone(),
                rated: it.rated,
            });
        }
        let mut total = Decimal::ZERO;
        let mut parts = Vec::new();
        for d in &card.dimensions {
            let s = dims.get(d.name.as_str()).copied().unwrap_or(Decimal::ZERO);
            total += s * d.weight;
            parts.push(format!(
                "{} {} × {}",
                d.name,
                s.normalize(),
                d.weight.normalize()
            ));
        }
        let rounded =
            total.round_dp_with_strategy(self.a.decimals, RoundingStrategy::MidpointAwayFromZero);
        root.value = rounded.normalize().to_string();
        root.notes.push(crate::say!(
            "total-of",
            "total = {parts}",
            parts = parts.join(" + ")
        ));
        if rounded != total {
            root.notes.push(crate::say!(
                "total-rounded",
                "rounded {from} → {to} (half up, {decimals} decimals)",
                from = total.normalize(),
                to = rounded.normalize(),
                decimals = self.a.decimals,
            ));
        }
        Ok((rounded, items, root))
    }

    /// A rated item: each relation's mean, combined by the relations' weights.
    fn rated(
        &self,
        m: &Manager,
        period: Period,
        it: &ScoreItem,
    ) -> Result<(Decimal, Trace), SettleError> {
        let Some(raters) = &self.a.raters else {
            return Err(err(
                self.policy,
                it.line,
                "rated items need [assessment.raters]",
            ));
        };
        let rows = self
            .scores
            .get(&(m.id.as_str(), period, it.dimension.as_str(), it.item_name()))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut by: BTreeMap<&str, Vec<&Score>> = BTreeMap::new();
        for s in rows {
            if s.score < Decimal::ZERO || s.score > it.max {
                return Err(SettleError(format!(
                    "{}: score {} of item {} for manager {} is outside 0…{} (the item's maximum, {} line {})",
                    s.source,
                    s.score.normalize(),
                    it.name,
                    m.id,
                    it.max.normalize(),
                    self.policy.file,
                    it.line
                )));
            }
            if !raters.weights.contains_key(&s.relation) {
                return Err(SettleError(format!(
                    "{}: relation {} has no weight in [assessment.raters] ({} line {})",
                    s.source, s.relation, self.policy.file, raters.line
                )));
            }
            by.entry(s.relation.as_str()).or_default().push(s);
        }
        for q in &raters.required {
            if !by.contains_key(q.as_str()) {
                return Err(SettleError(format!(
                    "manager {} has no {q} rating of item {} ({}) for {period} in the scores table; [assessment.raters] requires one ({} line {})",
                    m.id, it.name, it.dimension, self.policy.file, raters.line
                )));
            }
        }
        if by.is_empty() {
            return Err(SettleError(format!(
                "manager {} has no rating of item {} ({}) for {period} in the scores table ({} line {})",
                m.id, it.name, it.dimension, self.policy.file, it.line
            )));
        }
        let mut t = Trace::new(
            crate::say!("rated-label", "{item} (rated)", item = it.name),
            String::new(),
        );
        let (mut sum, mut weights) = (Decimal::ZERO, Decimal::ZERO);
        for (rel, list) in &by {
            let w = raters.weights.get(*rel).copied().unwrap_or(Decimal::ZERO);
            let mean = list.iter().map(|s| s.score).sum::<Decimal>() / Decimal::from(list.len());
            sum += w * mean;
            weights += w;
            let mut node = Trace::new(
                crate::say!(
                    "relation-label",
                    "{relation} × {weight}",
                    relation = rel,
                    weight = w.normalize()
                ),
                mean.normalize().to_string(),
            );
            for s in list {
                node.notes.push(crate::say!(
                    "rater-gave",
                    "{source}: rater {rater} gave {score}",
                    source = s.source,
                    rater = s.rater,
                    score = s.score.normalize(),
                ));
            }
            t.children.push(node);
        }
        if weights.is_zero() {
            return Err(err(
                self.policy,
                raters.line,
                format!("item {}: the relations that rated have no weight", it.name),
            ));
        }
        let v = sum / weights;
        if weights != Decimal::ONE {
            t.notes.push(crate::say!(
                "weights-left-out",
                "relations without ratings leave out their weight: Σ weight × mean / {weights}",
                weights = weights.normalize()
            ));
        }
        t.value = v.normalize().to_string();
        Ok((v, t))
    }

    /// An environment of a scored manager: `score`, every item and every dimension known.
    fn scored_env(
        &self,
        m: &'a Manager,
        period: Period,
        total: Decimal,
        items: &[ItemScore],
    ) -> AssessEnv<'_, 'a> {
        let env = AssessEnv::new(self, m, period, 0);
        env.vars
            .borrow_mut()
            .insert("score".into(), Value::Num(total));
        for i in items {
            env.items.borrow_mut().insert(i.item.clone(), i.score);
            *env.dims
                .borrow_mut()
                .entry(i.dimension.clone())
                .or_default() += i.score;
        }
        env
    }

    /// Whether `rank_among` holds for a scored manager (items, dimensions and `score` known).
    pub(super) fn ranked(
        &self,
        m: &'a Manager,
        period: Period,
        total: Decimal,
        items: &[ItemScore],
        e: &Expr,
    ) -> Result<bool, SettleError> {
        let env = self.scored_env(m, period, total, items);
        env.eval(e).and_then(|v| v.as_bool()).map_err(|x| {
            err(
                self.policy,
                self.a.line,
                format!("rank_among, manager {}, {period}: {x}", m.id),
            )
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn decide(
        &self,
        m: &'a Manager,
        period: Period,
        card: &'a Scorecard,
        total: Decimal,
        rank: u32,
        size: u32,
        items: &[ItemScore],
    ) -> Result<(Decision, Option<String>, String, Trace), SettleError> {
        let env = self.scored_env(m, period, total, items);
        let ladder = self.a.ladder_of(m.track.as_deref());
        let pos = m
            .grade
            .as_ref()
            .and_then(|g| ladder.iter().position(|x| x == g));
        let next = pos.and_then(|i| ladder.get(i + 1)).cloned();
        let prev = pos
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| ladder.get(i))
            .cloned();
        {
            let mut vars = env.vars.borrow_mut();
            vars.insert("rank".into(), Value::Num(Decimal::from(rank)));
            vars.insert("group_size".into(), Value::Num(Decimal::from(size)));
            vars.insert(
                "next_grade".into(),
                next.clone().map_or(Value::Null, Value::Text),
            );
            vars.insert(
                "previous_grade".into(),
                prev.clone().map_or(Value::Null, Value::Text),
            );
        }
        let _ = card;
        let mut trace = Trace::new(crate::say!("grade-rules", "grade rules"), String::new());
        for r in &self.a.rules {
            if r.period.is_some_and(|f| !f.matches(period)) {
                continue;
            }
            let holds = env.eval(&r.when).and_then(|v| v.as_bool()).map_err(|e| {
                err(
                    self.policy,
                    r.line,
                    format!(
                        "rule {} when, manager {}, {period}: {e}",
                        r.decision.code(),
                        m.id
                    ),
                )
            })?;
            let mut node = Trace::new(
                crate::say!(
                    "rule-label",
                    "{decision} when {when}",
                    decision = r.decision.code(),
                    when = r.when
                ),
                if holds { "yes" } else { "no" }.to_owned(),
            );
            node.children = env.ctx.take_trace();
            node.children.extend(env.notes.borrow_mut().drain(..));
            node.notes.push(match &r.reason {
                Some(reason) => crate::say!(
                    "rule-line-reason",
                    "policy line {line}: {reason}",
                    line = r.line,
                    reason = reason
                ),
                None => crate::say!("rule-line", "policy line {line}", line = r.line),
            });
            trace.children.push(node);
            if !holds {
                continue;
            }
            let to = match &r.to {
                Some(e) => match env
                    .eval(e)
                    .map_err(|e| err(self.policy, r.line, format!("rule to: {e}")))?
                {
                    Value::Text(t) => Some(t),
                    Value::Null => None,
                    v => Some(v.to_string()),
                },
                None => match r.decision {
                    Decision::Promote => next.clone(),
                    Decision::Demote => prev.clone(),
                    Decision::Dismiss => None,
                    Decision::Keep | Decision::Confirm => m.grade.clone(),
                },
            };
            // A2: a grade move stays on the ladder of the manager's own track.
            if let Some(t) = &to
                && !ladder.is_empty()
                && to != m.grade
                && !ladder.contains(t)
            {
                return Err(err(
                    self.policy,
                    r.line,
                    format!(
                        "rule {}: manager {} (track {}) would move to {t:?}, which is not on the ladder of that track ({}); fix the rule's `to`, or the ladder",
                        r.decision.code(),
                        m.id,
                        m.track.as_deref().unwrap_or("—"),
                        ladder.join(", ")
                    ),
                ));
            }
            if matches!(r.decision, Decision::Promote | Decision::Demote) && to.is_none() {
                return Err(err(
                    self.policy,
                    r.line,
                    format!(
                        "rule {}: manager {} has grade {:?}, which has no {} grade on the ladder; add it to ladder or give the rule a `to`",
                        r.decision.code(),
                        m.id,
                        m.grade.as_deref().unwrap_or(""),
                        if r.decision == Decision::Promote {
                            "next"
                        } else {
                            "previous"
                        }
                    ),
                ));
            }
            let reason = format!(
                "{}{} (policy line {})",
                r.decision.zh(),
                r.reason
                    .as_ref()
                    .map(|x| format!(": {x}"))
                    .unwrap_or_default(),
                r.line
            );
            trace.value = r.decision.code().to_owned();
            return Ok((r.decision, to, reason, trace));
        }
        trace.value = "keep".to_owned();
        trace.notes.push(crate::say!(
            "no-rule-holds",
            "no rule holds: the grade is kept"
        ));
        Ok((Decision::Keep, m.grade.clone(), String::new(), trace))
    }
}

impl ScoreItem {
    fn item_name(&self) -> &str {
        &self.name
    }
}
