//! Assessment (考核): scorecards of computed and rated items, 360° raters with weights, the
//! roll-up of shorter periods into longer ones, ranking within the group the policy names, and
//! the grade rules that propose promote / keep / demote / dismiss / confirm. Pure, like
//! settlement: the same policy files, parameters, measures and expressions.

use crate::data::{DataSet, Manager, Score};
use crate::expr::{Env, Expr, Value};
use crate::period::Period;
use crate::policy::{Assessment, Decision, Frequency, Policy, RankTies, ScoreItem, Scorecard};
use crate::settle::{Ctx, Index, Prepared, SettleError, Trace, manager_field};
use rust_decimal::{Decimal, RoundingStrategy};
use std::cell::RefCell;
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
            Some(f) => match manager_field(m, f) {
                Value::Text(t) => t,
                Value::Null => String::new(),
                v => v.to_string(),
            },
            None => String::new(),
        }
    };
    let mut groups: BTreeMap<String, Vec<(&str, Decimal)>> = BTreeMap::new();
    for (m, total, _, _) in &scored {
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
        let (rank, size) = ranks.get(m.id.as_str()).copied().unwrap_or((1, 1));
        let group = group_of(m);
        trace.children.push(Trace::new(
            format!(
                "rank within {}{}",
                a.rank_within.as_deref().unwrap_or("everyone"),
                if group.is_empty() {
                    String::new()
                } else {
                    format!(" {group}")
                }
            ),
            format!("{rank} of {size}"),
        ));
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

impl<'a> Run<'a> {
    /// A manager's total on a scorecard for a period, each item's score, and the trace.
    fn scorecard(
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
                let mut t = Trace::new(format!("{} = {e}", it.name), v.normalize().to_string());
                t.children = env.ctx.take_trace();
                t.children.extend(env.notes.borrow_mut().drain(..));
                let capped = v.min(it.max);
                if capped != v {
                    t.notes.push(format!(
                        "capped at the item's maximum {}",
                        it.max.normalize()
                    ));
                    t.value = capped.normalize().to_string();
                }
                (capped, t)
            } else {
                (Decimal::ZERO, Trace::new(it.name.clone(), "0"))
            };
            let mut t = t;
            t.notes.push(format!(
                "dimension {}, maximum {}{} (policy line {})",
                it.dimension,
                it.max.normalize(),
                it.standard
                    .as_ref()
                    .map(|s| format!("; standard: {s}"))
                    .unwrap_or_default(),
                it.line
            ));
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
        root.notes.push(format!("total = {}", parts.join(" + ")));
        if rounded != total {
            root.notes.push(format!(
                "rounded {} → {} (half up, {} decimals)",
                total.normalize(),
                rounded.normalize(),
                self.a.decimals
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
        let mut t = Trace::new(format!("{} (rated)", it.name), String::new());
        let (mut sum, mut weights) = (Decimal::ZERO, Decimal::ZERO);
        for (rel, list) in &by {
            let w = raters.weights.get(*rel).copied().unwrap_or(Decimal::ZERO);
            let mean = list.iter().map(|s| s.score).sum::<Decimal>() / Decimal::from(list.len());
            sum += w * mean;
            weights += w;
            let mut node = Trace::new(
                format!("{rel} × {}", w.normalize()),
                mean.normalize().to_string(),
            );
            for s in list {
                node.notes.push(format!(
                    "{}: rater {} gave {}",
                    s.source,
                    s.rater,
                    s.score.normalize()
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
            t.notes.push(format!(
                "relations without ratings leave out their weight: Σ weight × mean / {}",
                weights.normalize()
            ));
        }
        t.value = v.normalize().to_string();
        Ok((v, t))
    }

    #[allow(clippy::too_many_arguments)]
    fn decide(
        &self,
        m: &'a Manager,
        period: Period,
        card: &'a Scorecard,
        total: Decimal,
        rank: u32,
        size: u32,
        items: &[ItemScore],
    ) -> Result<(Decision, Option<String>, String, Trace), SettleError> {
        let env = AssessEnv::new(self, m, period, 0);
        let ladder = &self.a.ladder;
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
            vars.insert("score".into(), Value::Num(total));
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
        for i in items {
            env.items.borrow_mut().insert(i.item.clone(), i.score);
            *env.dims
                .borrow_mut()
                .entry(i.dimension.clone())
                .or_default() += i.score;
        }
        let _ = card;
        let mut trace = Trace::new("grade rules".to_owned(), String::new());
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
                format!("{} when {}", r.decision.code(), r.when),
                if holds { "yes" } else { "no" }.to_owned(),
            );
            node.children = env.ctx.take_trace();
            node.children.extend(env.notes.borrow_mut().drain(..));
            node.notes.push(format!(
                "policy line {}{}",
                r.line,
                r.reason
                    .as_ref()
                    .map(|x| format!(": {x}"))
                    .unwrap_or_default()
            ));
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
        trace
            .notes
            .push("no rule holds: the grade is kept".to_owned());
        Ok((
            Decision::Keep,
            m.grade.clone(),
            "保级: no rule holds".to_owned(),
            trace,
        ))
    }
}

impl ScoreItem {
    fn item_name(&self) -> &str {
        &self.name
    }
}

/// The expression environment of an assessment: the policy's names (measures, parameters,
/// values, manager fields) plus the assessment's own.
struct AssessEnv<'r, 'a> {
    run: &'r Run<'a>,
    ctx: Ctx<'a>,
    manager: &'a Manager,
    period: Period,
    depth: u32,
    vars: RefCell<BTreeMap<String, Value>>,
    items: RefCell<BTreeMap<String, Decimal>>,
    dims: RefCell<BTreeMap<String, Decimal>>,
    notes: RefCell<Vec<Trace>>,
}

impl<'r, 'a> AssessEnv<'r, 'a> {
    fn new(run: &'r Run<'a>, manager: &'a Manager, period: Period, depth: u32) -> Self {
        AssessEnv {
            run,
            ctx: Ctx::new(run.policy, run.ix, manager, period),
            manager,
            period,
            depth,
            vars: RefCell::new(BTreeMap::new()),
            items: RefCell::new(BTreeMap::new()),
            dims: RefCell::new(BTreeMap::new()),
            notes: RefCell::new(Vec::new()),
        }
    }

    fn eval(&self, e: &Expr) -> Result<Value, String> {
        e.eval(self)
    }

    fn text_arg(&self, args: &[Expr], f: &str) -> Result<String, String> {
        match args.first().map(|a| a.eval(self)).transpose()? {
            Some(Value::Text(t)) => Ok(t),
            Some(v) => Err(format!("{f} takes a name in quotes, got {}", v.type_name())),
            None => Err(format!("{f} needs an argument")),
        }
    }

    fn average_of(&self, kind: &str) -> Result<Value, String> {
        let f = Frequency::parse_name(kind).ok_or_else(|| {
            format!("average_of({kind:?}): use 'monthly', 'quarterly', 'half_yearly' or 'annual'")
        })?;
        let card =
            self.run.a.scorecard_of(f).ok_or_else(|| {
                format!("average_of({kind:?}): the policy has no {kind} scorecard")
            })?;
        let mut node = Trace::new(format!("average_of({kind})"), String::new());
        let (mut sum, mut n) = (Decimal::ZERO, 0u32);
        for sp in sub_periods(f, self.period) {
            if !self.manager.in_post(sp.first_day(), sp.last_day()) {
                node.notes.push(format!("{sp}: not in post; not counted"));
                continue;
            }
            let (total, _, t) = self
                .run
                .scorecard(self.manager, card, sp, self.depth + 1)
                .map_err(|e| e.0)?;
            node.notes.push(format!("{sp}: {}", total.normalize()));
            node.children.push(t);
            sum += total;
            n += 1;
        }
        let v = if n == 0 {
            Decimal::ZERO
        } else {
            sum / Decimal::from(n)
        };
        node.value = v.normalize().to_string();
        self.notes.borrow_mut().push(node);
        Ok(Value::Num(v))
    }

    /// How many periods of the assessed kind in a row, ending with this one, `cond` held.
    fn streak(&self, cond: &Expr) -> Result<Value, String> {
        let mut n = 0u32;
        let mut p = self.period;
        let mut node = Trace::new(format!("streak({cond})"), String::new());
        loop {
            let before_hire = self.manager.hired_on.is_some_and(|h| p.last_day() < h);
            let before_data = self.run.ix.first_day.is_none_or(|d| p.last_day() < d);
            if before_hire || before_data {
                node.notes.push(format!(
                    "{p}: before {}; not counted",
                    if before_hire {
                        "hire"
                    } else {
                        "the data starts"
                    }
                ));
                break;
            }
            let ctx = Ctx::new(self.run.policy, self.run.ix, self.manager, p);
            let holds = cond.eval(&ctx)?.as_bool()?;
            let mut c = Trace::new(p.to_string(), if holds { "yes" } else { "no" }.to_owned());
            c.children = ctx.take_trace();
            node.children.push(c);
            if !holds {
                break;
            }
            n += 1;
            if n >= 100 {
                break;
            }
            p = p.previous();
        }
        node.value = n.to_string();
        self.notes.borrow_mut().push(node);
        Ok(Value::Num(Decimal::from(n)))
    }
}

impl Env for AssessEnv<'_, '_> {
    fn name(&self, path: &[String]) -> Result<Value, String> {
        if path.len() == 1
            && let Some(v) = self.vars.borrow().get(&path[0])
        {
            return Ok(v.clone());
        }
        self.ctx.name(path)
    }

    fn call(&self, name: &str, args: &[Expr]) -> Option<Result<Value, String>> {
        Some(match name {
            "item" => self.text_arg(args, "item").and_then(|n| {
                self.items
                    .borrow()
                    .get(&n)
                    .map(|v| Value::Num(*v))
                    .ok_or_else(|| format!("item({n:?}): no such item scored before this one (items are scored in order)"))
            }),
            "dimension" => self.text_arg(args, "dimension").map(|n| {
                Value::Num(self.dims.borrow().get(&n).copied().unwrap_or(Decimal::ZERO))
            }),
            "average_of" => self.text_arg(args, "average_of").and_then(|k| self.average_of(&k)),
            "streak" => match args.first() {
                Some(c) => self.streak(c),
                None => Err("streak(condition) needs a condition".to_owned()),
            },
            "contains" => (|| {
                let a = args.first().ok_or("contains(text, part)")?.eval(self)?;
                let b = args.get(1).ok_or("contains(text, part)")?.eval(self)?;
                Ok(match (a, b) {
                    (Value::Text(a), Value::Text(b)) => Value::Bool(
                        a.split(['|', ',', '，', '、', ';', ' '])
                            .any(|x| x.trim() == b.trim()),
                    ),
                    (Value::Null, _) | (_, Value::Null) => Value::Bool(false),
                    (a, b) => {
                        return Err(format!(
                            "contains takes two texts, got {} and {}",
                            a.type_name(),
                            b.type_name()
                        ));
                    }
                })
            })(),
            _ => return self.ctx.call(name, args),
        })
    }
}
