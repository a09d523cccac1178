//! Settling a period: every manager in post gets each item that falls due, then a total.

use super::ctx::Ctx;
use super::index::Index;
use super::items::{rank_awards, streak, threshold};
use super::{Line, SettleError, Settlement, Trace};
use crate::data::{DataSet, Manager};
use crate::expr::{Env, Value};
use crate::money::Money;
use crate::period::Period;
use crate::phrase::Phrase;
use crate::policy::{Frequency, Item, ItemKind, Policy};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// The period an item is computed over when the policy settles `period`, if it is due then.
fn item_period(item: &Item, period: Period) -> Option<Period> {
    let p = item.pay.period_of(period.last_day());
    (p.last_day() == period.last_day()).then_some(p)
}

/// Settles a period: every manager in post gets each item that falls due, then a total.
pub fn settle(policy: &Policy, data: &DataSet, period: Period) -> Result<Settlement, SettleError> {
    let prepared = Prepared::new(data)?;
    settle_prepared(policy, &prepared, period)
}

/// A data set checked and indexed once, to settle it under several policies (what-if): the
/// scan of the balances is kept and re-used.
pub struct Prepared<'a> {
    pub(crate) ix: Index<'a>,
}

impl<'a> Prepared<'a> {
    pub fn new(data: &'a DataSet) -> Result<Prepared<'a>, SettleError> {
        Ok(Prepared {
            ix: Index::new(data)?,
        })
    }

    /// Whether explanations list every account behind a balances measure (default yes). A
    /// what-if comparison that only needs the amounts turns it off.
    pub fn explain_accounts(&self, on: bool) {
        self.ix.account_notes.set(on);
    }
}

/// Settles a period over prepared data.
pub fn settle_prepared(
    policy: &Policy,
    prepared: &Prepared<'_>,
    period: Period,
) -> Result<Settlement, SettleError> {
    let ix = &prepared.ix;
    // Measures computed for another policy are not this policy's.
    ix.balance_cache.borrow_mut().clear();
    if !policy.frequency.matches(period) {
        let example = match policy.frequency {
            Frequency::Monthly => "2026-09",
            Frequency::Quarterly => "2026-Q3",
            Frequency::HalfYearly => "2026-H2",
            Frequency::Annual => "2026",
        };
        return Err(SettleError(format!(
            "{}: the policy settles {} periods; give a period such as {example}, not {period}",
            policy.file,
            policy.frequency.name()
        )));
    }
    let data = ix.data;
    // A period the data does not cover is an error, not a month of zero pay.
    let days: Vec<chrono::NaiveDate> = data
        .sales
        .iter()
        .map(|f| f.date)
        .chain(data.payments.iter().map(|f| f.date))
        .chain(data.bookings.iter().map(|b| b.arrival_at.date()))
        .chain(data.balances.iter().map(|b| b.date))
        .collect();
    if let (Some(first), Some(last)) = (days.iter().min(), days.iter().max())
        && (*last < period.first_day() || *first > period.last_day())
    {
        return Err(SettleError(format!(
            "the data does not cover {period}: its sales, payments, bookings and balances run from {first} to {last}"
        )));
    }
    // Whom the policy pays, among managers in post: CMs unless it says otherwise (A3).
    let mut in_post: Vec<&Manager> = Vec::new();
    for m in ix.managers.values().copied() {
        if !m.in_post(period.first_day(), period.last_day()) {
            continue;
        }
        let ctx = Ctx::new(policy, ix, m, period);
        let paid = ctx.eval(&policy.pays, "pays")?.as_bool().map_err(|e| {
            SettleError(format!(
                "{}: pays (policy line {}), manager {}: {e}",
                policy.file,
                policy.pays_line.unwrap_or(1),
                m.id
            ))
        })?;
        if paid {
            in_post.push(m);
        }
    }
    let mut lines: Vec<Line> = Vec::new();
    let mut traces = BTreeMap::new();
    let mut reported = BTreeMap::new();
    // Rank items need every manager's value first.
    let mut rank_results: HashMap<(usize, String), (Decimal, Trace)> = HashMap::new();
    for (i, item) in policy.items.iter().enumerate() {
        if let (
            ItemKind::Rank {
                by,
                awards,
                ties,
                among,
            },
            Some(p),
        ) = (&item.kind, item_period(item, period))
        {
            let mut scores = Vec::new();
            let mut award_values = Vec::new();
            if let Some(first) = in_post.first() {
                let ctx = Ctx::new(policy, ix, first, p);
                for a in awards {
                    award_values.push(
                        ctx.eval(a, &format!("item {} awards", item.name))?
                            .as_num()
                            .map_err(SettleError)?,
                    );
                }
            }
            for m in &in_post {
                let ctx = Ctx::new(policy, ix, m, p);
                if let Some(a) = among
                    && !ctx
                        .eval(a, &format!("item {} among", item.name))?
                        .as_bool()
                        .map_err(SettleError)?
                {
                    continue;
                }
                let v = ctx
                    .eval(by, &format!("item {} by", item.name))?
                    .as_num()
                    .map_err(SettleError)?;
                if v > Decimal::ZERO {
                    scores.push((m.id.clone(), v));
                }
            }
            for (id, (amount, trace)) in rank_awards(&scores, &award_values, *ties, &item.name, by)
            {
                rank_results.insert((i, id), (amount, trace));
            }
        }
    }
    for m in &in_post {
        let mut root = Trace::new(format!("{} {} · {period}", m.id, m.name), String::new());
        let mut total = Money::ZERO;
        for (i, item) in policy.items.iter().enumerate() {
            let Some(p) = item_period(item, period) else {
                continue;
            };
            let ctx = Ctx::new(policy, ix, m, p);
            let computed: Vec<(String, Decimal, Trace)> = match &item.kind {
                ItemKind::Formula { amount, when } => {
                    let applies = match when {
                        Some(w) => ctx
                            .eval(w, &format!("item {} when", item.name))?
                            .as_bool()
                            .map_err(SettleError)?,
                        None => true,
                    };
                    if applies {
                        let v = ctx.eval(amount, &format!("item {}", item.name))?;
                        let v = match v {
                            Value::Null => Decimal::ZERO,
                            v => v.as_num().map_err(|e| {
                                SettleError(format!(
                                    "{}: item {} (policy line {}): {e}",
                                    policy.file, item.name, item.line
                                ))
                            })?,
                        };
                        let mut t = Trace::new(
                            crate::say!(
                                "item-label",
                                "{item} = {expr}",
                                item = item.name,
                                expr = amount
                            ),
                            v.normalize().to_string(),
                        );
                        if let Some(w) = when {
                            t.notes
                                .push(crate::say!("when-yes", "when {when}: yes", when = w));
                        }
                        t.children = ctx.take_trace();
                        vec![(item.name.clone(), v, t)]
                    } else {
                        let mut t = Trace::new(item.name.clone(), "0".to_owned());
                        if let Some(w) = when {
                            t.notes
                                .push(crate::say!("when-no", "when {when}: no", when = w));
                        }
                        t.children = ctx.take_trace();
                        vec![(item.name.clone(), Decimal::ZERO, t)]
                    }
                }
                ItemKind::Streak { when, step } => {
                    let (n, t) = streak(policy, ix, m, p, item, when)?;
                    if n == 0 {
                        let mut t2 = Trace::new(
                            crate::say!(
                                "streak-zero",
                                "{item} (streak of 0 periods)",
                                item = item.name
                            ),
                            "0",
                        );
                        t2.children = vec![t];
                        vec![(item.name.clone(), Decimal::ZERO, t2)]
                    } else {
                        let step_value = ctx
                            .eval(step, &format!("item {} step", item.name))?
                            .as_num()
                            .map_err(SettleError)?;
                        let v = Decimal::from(n) * step_value;
                        let mut t2 = Trace::new(
                            crate::say!(
                                "streak-item-label",
                                "{item} = {n} × {step}",
                                item = item.name,
                                n = n,
                                step = step
                            ),
                            v.normalize().to_string(),
                        );
                        t2.children = vec![t];
                        t2.children.extend(ctx.take_trace());
                        vec![(item.name.clone(), v, t2)]
                    }
                }
                ItemKind::Rank { .. } => match rank_results.remove(&(i, m.id.clone())) {
                    Some((v, t)) => vec![(item.name.clone(), v, t)],
                    None => vec![],
                },
                ItemKind::Threshold {
                    measure,
                    at_least,
                    award,
                    per_client,
                    new_clients_from,
                    returning_after_days,
                } => threshold(
                    policy,
                    ix,
                    m,
                    p,
                    item,
                    (
                        measure,
                        at_least,
                        award,
                        *per_client,
                        *new_clients_from,
                        *returning_after_days,
                    ),
                )?,
                ItemKind::Adjustments => data
                    .adjustments
                    .iter()
                    .filter(|a| a.manager == m.id && a.period == period)
                    .map(|a| {
                        let mut t = Trace::new(
                            crate::say!("adjustment-label", "{item} (adjustment)", item = a.item),
                            a.amount.to_string(),
                        );
                        t.notes.push(Phrase::Plain(format!(
                            "{}{}",
                            a.source,
                            a.reason
                                .as_ref()
                                .map(|r| format!(": {r}"))
                                .unwrap_or_default()
                        )));
                        (a.item.clone(), a.amount.to_decimal(), t)
                    })
                    .collect(),
            };
            for (name, v, mut t) in computed {
                let rounded = if item.round {
                    policy.rounding.apply(v)
                } else {
                    v
                };
                if rounded != v.normalize() {
                    let rule = policy.rounding.to_string();
                    let (mode, step) = rule.split_once(' ').unwrap_or((rule.as_str(), ""));
                    t.notes.push(crate::say!(
                        "rounded",
                        "rounded {from} → {to} ({mode} {step})",
                        from = v.normalize(),
                        to = rounded,
                        mode = mode,
                        step = step,
                    ));
                }
                let amount = Money::try_from_decimal(rounded).map_err(|e| {
                    SettleError(format!(
                        "{}: item {} (policy line {}), manager {}: {e}; set round = true or change the rounding step",
                        policy.file, item.name, item.line, m.id
                    ))
                })?;
                total = total.checked_add(amount).ok_or_else(|| {
                    SettleError(format!("total of manager {} out of range", m.id))
                })?;
                t.value = amount.to_string();
                root.children.push(t);
                // A zero amount is explained in the trace but is not a pay line; parts of one
                // item (a threshold per client) add up to one line.
                if amount.is_zero() {
                    continue;
                }
                match lines.last_mut() {
                    Some(last) if last.manager == m.id && last.item == name => {
                        last.amount = last.amount.checked_add(amount).ok_or_else(|| {
                            SettleError(format!("item {name} of manager {} out of range", m.id))
                        })?;
                    }
                    _ => lines.push(Line {
                        manager: m.id.clone(),
                        item: name,
                        amount,
                    }),
                }
            }
        }
        root.value = total.to_string();
        if !policy.report.is_empty() {
            let ctx = Ctx::new(policy, ix, m, period);
            let mut values = Vec::new();
            for name in &policy.report {
                match ctx.name(std::slice::from_ref(name)) {
                    Ok(Value::Num(v)) => values.push((name.clone(), v)),
                    Ok(_) => {}
                    Err(e) => {
                        return Err(SettleError(format!(
                            "{}: reported {name}, manager {}, period {period}: {e}",
                            policy.file, m.id
                        )));
                    }
                }
            }
            reported.insert(m.id.clone(), values);
        }
        lines.push(Line {
            manager: m.id.clone(),
            item: "total".to_owned(),
            amount: total,
        });
        traces.insert(m.id.clone(), root);
    }
    Ok(Settlement {
        period,
        lines,
        traces,
        reported,
    })
}
