//! Items that look beyond one evaluation: thresholds first reached, streaks of periods, rank awards.

use super::ctx::Ctx;
use super::index::Index;
use super::{SettleError, Trace};
use crate::data::Manager;
use crate::expr::Expr;
use crate::money::Money;
use crate::period::Period;
use crate::policy::{Item, MeasureKind, Policy, Source, Ties};
use rust_decimal::Decimal;
use std::collections::HashMap;

pub(super) type ThresholdSpec<'e> = (
    &'e String,
    &'e Expr,
    &'e Expr,
    bool,
    Option<chrono::NaiveDate>,
    Option<u32>,
);

/// A threshold item: the award when the cumulative measure first reaches `at_least` in this
/// period (it was below at the end of the previous period). Per client: for each new client of
/// the manager with rows in the period.
pub(super) fn threshold(
    policy: &Policy,
    ix: &Index<'_>,
    m: &Manager,
    period: Period,
    item: &Item,
    (measure, at_least, award, per_client, new_from, returning_after): ThresholdSpec<'_>,
) -> Result<Vec<(String, Decimal, Trace)>, SettleError> {
    let what = format!("item {}", item.name);
    let check = |ctx: &Ctx<'_>,
                 label: crate::phrase::Phrase|
     -> Result<Option<(Decimal, Trace)>, SettleError> {
        let previous = Ctx {
            period: period.previous(),
            ..Ctx::new(policy, ix, m, period.previous())
        };
        let previous = Ctx {
            only_client: ctx.only_client,
            ..previous
        };
        let now = ctx
            .eval(&Expr::Name(vec![measure.clone()]), &what)?
            .as_num()
            .map_err(SettleError)?;
        let limit = ctx.eval(at_least, &what)?.as_num().map_err(SettleError)?;
        let before = previous
            .eval(&Expr::Name(vec![measure.clone()]), &what)?
            .as_num()
            .map_err(SettleError)?;
        let mut t = Trace::new(label, String::new());
        t.notes.push(crate::say!(
            "threshold",
            "{measure}: {before} at the end of {previous}, {now} at the end of {period}; threshold {at_least} = {limit}",
            measure = measure,
            before = before.normalize(),
            previous = period.previous(),
            now = now.normalize(),
            period = period,
            at_least = at_least,
            limit = limit.normalize(),
        ));
        t.children = ctx.take_trace();
        if now >= limit && before < limit {
            let a = ctx.eval(award, &what)?.as_num().map_err(SettleError)?;
            t.notes.push(crate::say!(
                "award-first-reached",
                "first reached in {period}: award {award} = {amount}",
                period = period,
                award = award,
                amount = a.normalize(),
            ));
            t.children.extend(ctx.take_trace());
            Ok(Some((a, t)))
        } else {
            Ok(None)
        }
    };
    if !per_client {
        let ctx = Ctx::new(policy, ix, m, period);
        return Ok(check(&ctx, item.name.clone().into())?
            .map(|(a, t)| vec![(item.name.clone(), a, t)])
            .unwrap_or_default());
    }
    let source = match policy.measures.get(measure.as_str()).map(|x| &x.kind) {
        Some(MeasureKind::Sum { source, .. }) => *source,
        _ => {
            return Err(SettleError(format!(
                "{}: item {}: measure {measure} is not a sum over a table",
                policy.file, item.name
            )));
        }
    };
    // Each client's first row in the table (any manager).
    let mut first_row: HashMap<&str, (chrono::NaiveDate, &str)> = HashMap::new();
    let mut in_period: Vec<&str> = Vec::new();
    let rows: Vec<(&str, chrono::NaiveDate, &str)> = match source {
        Source::Sales => ix
            .data
            .sales
            .iter()
            .map(|f| (f.client.as_str(), f.date, f.manager.as_str()))
            .collect(),
        Source::Payments => ix
            .data
            .payments
            .iter()
            .map(|f| (f.client.as_str(), f.date, f.manager.as_str()))
            .collect(),
        Source::Register(reg) => ix
            .data
            .registers
            .iter()
            .filter(|r| r.register == reg)
            .filter_map(|r| Some((r.text("client_id")?, r.day()?, r.manager.as_str())))
            .collect(),
        Source::Bookings => ix
            .data
            .bookings
            .iter()
            .filter_map(|b| {
                Some((
                    b.client.as_deref()?,
                    b.arrival_at.date(),
                    b.manager.as_str(),
                ))
            })
            .collect(),
    };
    for (client, day, manager) in &rows {
        let e = first_row.entry(client).or_insert((*day, manager));
        if *day < e.0 {
            *e = (*day, manager);
        }
        if *manager == m.id && period.contains(*day) && !in_period.contains(client) {
            in_period.push(client);
        }
    }
    in_period.sort_unstable();
    let mut out = Vec::new();
    for client in in_period {
        let (first_day, first_manager) = first_row[client];
        let is_new = first_manager == m.id && new_from.is_none_or(|d| first_day >= d);
        if !is_new {
            continue;
        }
        let Some(c) = ix.clients.get(client).copied() else {
            continue;
        };
        // A stop longer than the policy allows makes it a returning client (断供后重新供货).
        if let Some(limit) = returning_after {
            let mut days: Vec<chrono::NaiveDate> = rows
                .iter()
                .filter(|(cl, d, _)| cl == &client && *d <= period.last_day())
                .map(|(_, d, _)| *d)
                .collect();
            days.sort_unstable();
            if let Some(w) = days
                .windows(2)
                .find(|w| (w[1] - w[0]).num_days() > i64::from(limit))
            {
                let mut t = Trace::new(client_label(&item.name, &c.id, &c.name), "0");
                t.notes.push(crate::say!(
                    "returning-client",
                    "returning client: no {source} from {from} to {to} ({days} days, more than {limit}); not a new client",
                    source = source.name(),
                    from = w[0],
                    to = w[1],
                    days = (w[1] - w[0]).num_days(),
                    limit = limit,
                ));
                out.push((item.name.clone(), Decimal::ZERO, t));
                continue;
            }
        }
        let ctx = Ctx {
            only_client: Some(c),
            ..Ctx::new(policy, ix, m, period)
        };
        if let Some((a, mut t)) = check(&ctx, client_label(&item.name, &c.id, &c.name))? {
            t.notes.push(crate::say!(
                "new-client",
                "new client: first {source} row on {first_day} by {manager}{since}",
                source = source.name(),
                first_day = first_day,
                manager = m.id,
                since = new_from
                    .map(|d| format!(", on or after {d}"))
                    .unwrap_or_default(),
            ));
            out.push((item.name.clone(), a, t));
        }
    }
    Ok(out)
}

/// The n-th consecutive period (of the item's frequency) ending with `period` in which `when`
/// holds; periods before the manager was hired or before the data starts are not counted.
pub(super) fn streak(
    policy: &Policy,
    ix: &Index<'_>,
    m: &Manager,
    period: Period,
    item: &Item,
    when: &Expr,
) -> Result<(u32, Trace), SettleError> {
    let mut n = 0u32;
    let mut p = period;
    let mut trace = Trace::new(
        crate::say!(
            "streak-label",
            "{item} when {when}",
            item = item.name,
            when = when
        ),
        String::new(),
    );
    loop {
        let before_hire = m.hired_on.is_some_and(|h| p.last_day() < h);
        let before_data = ix.first_day.is_none_or(|d| p.last_day() < d);
        if before_hire || before_data {
            trace.notes.push(super::not_counted(p, before_hire));
            break;
        }
        let ctx = Ctx::new(policy, ix, m, p);
        let holds = ctx
            .eval(when, &format!("item {} streak", item.name))?
            .as_bool()
            .map_err(SettleError)?;
        let mut node = Trace::new(p.to_string(), if holds { "yes" } else { "no" }.to_owned());
        node.children = ctx.take_trace();
        trace.children.push(node);
        if !holds {
            break;
        }
        n += 1;
        if n >= 1200 {
            break;
        }
        p = p.previous();
    }
    trace.value = n.to_string();
    Ok((n, trace))
}

/// Awards by place (highest score first). Ties: `All` gives each tied manager the award of the
/// place they share; `Share` splits the awards of the places they occupy, handing leftover fen
/// to the lowest manager ids first.
pub(super) fn rank_awards(
    scores: &[(String, Decimal)],
    awards: &[Decimal],
    ties: Ties,
    item: &str,
    by: &Expr,
) -> Vec<(String, (Decimal, Trace))> {
    let mut sorted: Vec<&(String, Decimal)> = scores.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = Vec::new();
    let mut place = 0usize;
    let mut i = 0usize;
    while i < sorted.len() && place < awards.len() {
        let score = sorted[i].1;
        let group: Vec<&(String, Decimal)> = sorted[i..]
            .iter()
            .take_while(|s| s.1 == score)
            .copied()
            .collect();
        let k = group.len();
        let shares: Vec<Decimal> = match ties {
            Ties::All => vec![awards[place]; k],
            Ties::Share => {
                // The pooled awards of the places they occupy, split equally to the fen; the
                // leftover fen go to the lowest manager ids first.
                let pool: Decimal = awards.iter().skip(place).take(k).sum();
                let pool = Money::try_from_decimal(pool.round_dp(2)).unwrap_or(Money::ZERO);
                Money::allocate(pool, &vec![Decimal::ONE; k])
                    .unwrap_or_default()
                    .into_iter()
                    .map(Money::to_decimal)
                    .collect()
            }
        };
        for (j, (id, v)) in group.iter().map(|g| (&g.0, g.1)).enumerate() {
            let mut t = Trace::new(
                crate::say!(
                    "place-label",
                    "{item}: place {place} by {by}",
                    item = item,
                    place = place + 1,
                    by = by
                ),
                shares[j].normalize().to_string(),
            );
            t.notes
                .push(crate::say!("score", "score {score}", score = v.normalize()));
            if k > 1 {
                t.notes.push(crate::say!(
                    "tied",
                    "tied with {others} other(s); ties = {ties}",
                    others = k - 1,
                    ties = if ties == Ties::All { "all" } else { "share" },
                ));
            }
            out.push((id.clone(), (shares[j], t)));
        }
        place += k;
        i += k;
    }
    out
}

/// "item · client id name", as the trace labels a per-client award.
fn client_label(item: &str, id: &str, name: &str) -> crate::phrase::Phrase {
    crate::say!(
        "client-label",
        "{item} · client {client} {name}",
        item = item,
        client = id,
        name = name
    )
}
