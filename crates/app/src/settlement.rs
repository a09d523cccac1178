//! Settlement in database mode: a run settles a period over the stored data and stores its
//! lines, traces and reported measures; corrections of locked earlier periods are added as
//! lines of this one; a run is submitted, approved by a second user ([`crate::run_review`]),
//! then its period is locked on it (only the newest, approved run of an unlocked period).

use crate::access::{Action, Actor};
use crate::catalogue::policy_hash;
use crate::{Error, Result};
use kejing_engine::data::DataSet;
use kejing_engine::policy::Policy;
use kejing_engine::settle::{Prepared, settle_prepared};
use kejing_engine::{Money, Period};
use kejing_store::settlement::{RunInfo, StoredLine};
use kejing_store::workflow::RunStatus;
use kejing_store::{Org, Store};
use std::collections::BTreeMap;

/// The runs the actor may see, newest first.
pub fn runs(store: &mut Store, actor: &Actor) -> Result<Vec<RunInfo>> {
    actor.require(Action::ViewRuns)?;
    Ok(store.runs(&actor.org)?)
}

/// What a stored run holds.
pub struct Run {
    pub id: i64,
    pub lines: Vec<StoredLine>,
}

/// Settles `period` under `policy` over the organisation's stored data and stores the run (a
/// draft until its period is locked). Earlier locked periods are re-settled with the data as
/// it stood for them (grades and statuses as of their last day) under this policy; any real
/// difference from what was locked is paid as a `更正 <period> <item>` line of this run.
pub fn run(store: &mut Store, actor: &Actor, policy: &Policy, period: Period) -> Result<Run> {
    actor.require(Action::RunSettlement)?;
    check_frequency(policy, period)?;
    store.set_actor(actor.name.clone());
    let org = actor.org.clone();
    // Computed over one snapshot, outside the write lock (a settlement may take seconds).
    let (lines, traces, measures, locked_seen) =
        store.read(|s| compute(s, &org, policy, period))?;
    let hash = policy_hash(policy);
    let id = store.write(&org, |s| {
        // Checked again under the lock: a period locked since the snapshot changes the run.
        if let Some(run) = s.locked_run(&org, period)? {
            return Err(locked_error(period, run));
        }
        if s.locked_periods(&org)? != locked_seen {
            return Err(Error::said(
                crate::error::Kind::Conflict,
                "period-locked-meanwhile",
                &[],
                "a period was locked while this run was computed: run the settlement again",
            ));
        }
        Ok::<_, Error>(s.save_run(
            &org,
            period,
            &policy.name,
            &hash,
            &lines,
            &traces,
            &measures,
        )?)
    })?;
    Ok(Run { id, lines })
}

fn locked_error(period: Period, run: i64) -> Error {
    Error::invalid(format!(
        "{period} is locked (run #{run}): its results never change. Corrections to it are settled as adjustment lines in the next open period"
    ))
}

type Computed = (
    Vec<StoredLine>,
    BTreeMap<String, serde_json::Value>,
    Vec<(String, String, rust_decimal::Decimal)>,
    Vec<(Period, i64)>,
);

fn compute(s: &mut Store, org: &Org, policy: &Policy, period: Period) -> Result<Computed> {
    if let Some(run) = s.locked_run(org, period)? {
        return Err(locked_error(period, run));
    }
    let mut data = s.load_dataset(org)?;
    let as_stored = data.managers.clone();
    // Grades and statuses as they stand at the end of the period (approved changes take
    // effect from their day).
    s.apply_history_at(org, period.last_day(), &mut data.managers)?;
    let prepared = Prepared::new(&data).map_err(|e| Error::invalid(e.to_string()))?;
    crate::reconciliation::require_settleable(s, org, policy, &prepared, period)?;
    let result =
        settle_prepared(policy, &prepared, period).map_err(|e| Error::invalid(e.to_string()))?;
    let mut by_manager: BTreeMap<String, Vec<StoredLine>> = BTreeMap::new();
    for l in result.lines.iter().filter(|l| l.item != "total") {
        by_manager
            .entry(l.manager.clone())
            .or_default()
            .push(StoredLine {
                manager: l.manager.clone(),
                item: l.item.clone(),
                amount: l.amount,
                corrects: None,
                note: None,
            });
    }
    // Managers in post get a total even with no lines.
    for l in result.lines.iter().filter(|l| l.item == "total") {
        by_manager.entry(l.manager.clone()).or_default();
    }
    let locked_periods = s.locked_periods(org)?;
    for &(locked, run) in &locked_periods {
        if locked >= period || !policy.frequency.matches(locked) {
            continue;
        }
        let again = resettle_locked(s, org, policy, &data, &as_stored, &prepared, locked)?;
        let mut diff: BTreeMap<(String, String), (Money, Money)> = BTreeMap::new();
        for (manager, item, amount) in again {
            diff.entry((manager, item)).or_default().1 = amount;
        }
        for l in s
            .run_lines(run)?
            .into_iter()
            .filter(|l| l.item != "total" && l.corrects.is_none())
        {
            diff.entry((l.manager.clone(), l.item.clone()))
                .or_default()
                .0 = l.amount;
        }
        let settled = s.settled_corrections(org, locked)?;
        for ((manager, item), (was, now)) in diff {
            let already = settled
                .get(&(manager.clone(), item.clone()))
                .copied()
                .unwrap_or_default();
            let delta = now
                .checked_sub(was)
                .and_then(|d| d.checked_sub(already))
                .ok_or_else(|| Error::invalid("correction out of range"))?;
            if delta.is_zero() {
                continue;
            }
            by_manager.entry(manager.clone()).or_default().push(StoredLine {
                manager: manager.clone(),
                item: format!("更正 {locked} {item}"),
                amount: delta,
                corrects: Some((locked.to_string(), item.clone())),
                note: Some(format!(
                    "{locked} was locked on run #{run} with {item} {was}; re-settled with the data as it stood for {locked} and this policy it is {now}{}",
                    if already.is_zero() { String::new() } else { format!(", of which {already} was corrected before") }
                )),
            });
        }
    }
    let mut lines = Vec::new();
    for (manager, items) in by_manager {
        let mut total = Money::ZERO;
        for l in items {
            total = total
                .checked_add(l.amount)
                .ok_or_else(|| Error::invalid("total out of range"))?;
            lines.push(l);
        }
        lines.push(StoredLine {
            manager,
            item: "total".into(),
            amount: total,
            corrects: None,
            note: None,
        });
    }
    let traces: BTreeMap<String, serde_json::Value> = result
        .traces
        .iter()
        .map(|(m, t)| {
            serde_json::to_value(t)
                .map(|v| (m.clone(), v))
                .map_err(|e| Error::Internal(format!("trace of {m}: {e}")))
        })
        .collect::<Result<_>>()?;
    let measures: Vec<(String, String, rust_decimal::Decimal)> = result
        .reported
        .iter()
        .flat_map(|(m, vs)| vs.iter().map(move |(k, v)| (m.clone(), k.clone(), *v)))
        .collect();
    Ok((lines, traces, measures, locked_periods))
}

/// The lines (manager, item, amount; totals left out) of a locked period settled again with
/// the managers as they stood on its last day. The prepared data of this period is re-used
/// when nobody's grade or status differs then.
fn resettle_locked(
    s: &mut Store,
    org: &Org,
    policy: &Policy,
    data: &DataSet,
    as_stored: &[kejing_engine::data::Manager],
    prepared: &Prepared<'_>,
    locked: Period,
) -> Result<Vec<(String, String, Money)>> {
    let mut then = as_stored.to_vec();
    s.apply_history_at(org, locked.last_day(), &mut then)?;
    let bad = |e: kejing_engine::settle::SettleError| {
        Error::invalid(format!("re-settling locked {locked}: {e}"))
    };
    let settled = if then == data.managers {
        settle_prepared(policy, prepared, locked).map_err(bad)?
    } else {
        let mut past = data.clone();
        past.managers = then;
        let p = Prepared::new(&past).map_err(|e| Error::invalid(e.to_string()))?;
        settle_prepared(policy, &p, locked).map_err(bad)?
    };
    Ok(settled
        .lines
        .into_iter()
        .filter(|l| l.item != "total")
        .map(|l| (l.manager, l.item, l.amount))
        .collect())
}

/// Locks the period on an approved run (it is then paid). Only the newest, approved run of an
/// unlocked period; of two locks at once one takes effect and the other gets a conflict.
pub fn lock(store: &mut Store, actor: &Actor, run: i64) -> Result<Period> {
    actor.require(Action::LockPeriod)?;
    store.set_actor(actor.name.clone());
    let org = actor.org.clone();
    store.write(&org, |s| {
        let Some(info) = s.run_info(&org, run)? else {
            return Err(Error::NotFound(format!(
                "there is no settlement run #{run}"
            )));
        };
        let period: Period = info
            .period
            .parse()
            .map_err(|e| Error::Internal(format!("stored period {}: {e}", info.period)))?;
        if info.approved.is_none() && !info.locked && info.status != RunStatus::Superseded {
            return Err(Error::said(
                crate::error::Kind::Invalid,
                "run-not-approved",
                &[("run", run.to_string()), ("period", info.period.clone())],
                format!("run #{run} is not approved: submit it for review and have a second user approve it before locking {period}"),
            ));
        }
        s.lock_period(&org, period, Some(run))?;
        Ok(period)
    })
}

/// Locks a period on its newest run (the CLI's `lock --period`).
pub fn lock_period(store: &mut Store, actor: &Actor, period: Period) -> Result<i64> {
    actor.require(Action::LockPeriod)?;
    store.set_actor(actor.name.clone());
    let org = actor.org.clone();
    Ok(store.lock_period(&org, period, None)?)
}

/// A period of the policy's frequency written as `text` (a form's field, a command's
/// argument), or a coded error saying what to write.
pub fn period_for(policy: &Policy, text: &str) -> Result<Period> {
    if text.trim().is_empty() {
        let example = example_period(policy.frequency);
        return Err(Error::said(
            crate::error::Kind::Invalid,
            "period-missing",
            &[("example", example.to_owned())],
            format!("give a period, such as {example}"),
        ));
    }
    let period = text.trim().parse::<Period>().map_err(|_| {
        Error::said(
            crate::error::Kind::Invalid,
            "period-invalid",
            &[
                ("value", text.trim().to_owned()),
                ("example", example_period(policy.frequency).to_owned()),
            ],
            format!(
                "{:?} is not a period: write it as {}",
                text.trim(),
                example_period(policy.frequency)
            ),
        )
    })?;
    check_frequency(policy, period)?;
    Ok(period)
}

/// Refuses a period of another frequency than the policy's, saying which it settles.
pub fn check_frequency(policy: &Policy, period: Period) -> Result<()> {
    if policy.frequency.matches(period) {
        return Ok(());
    }
    let example = example_period(policy.frequency);
    Err(Error::said(
        crate::error::Kind::Invalid,
        "period-wrong-frequency",
        &[
            ("policy", policy.name.clone()),
            ("frequency", policy.frequency.name().to_owned()),
            ("example", example.to_owned()),
            ("value", period.to_string()),
        ],
        format!(
            "policy {} settles {} periods; give a period such as {example}, not {period}",
            policy.name,
            policy.frequency.name()
        ),
    ))
}

/// A period of the frequency, as an example of how to write one.
pub fn example_period(f: kejing_engine::policy::Frequency) -> &'static str {
    use kejing_engine::policy::Frequency;
    match f {
        Frequency::Monthly => "2026-09",
        Frequency::Quarterly => "2026-Q3",
        Frequency::HalfYearly => "2026-H2",
        Frequency::Annual => "2026",
    }
}
