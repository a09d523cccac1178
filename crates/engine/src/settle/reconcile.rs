//! A month's reconciliation (B3): each customer manager's own tally of the policy's
//! `[reconciliation] measures` against the keeper's figures, which are the same measures
//! computed over the imported sales and payments (the keeper's records). Pure: the caller
//! decides what an unreconciled month blocks.

use super::run::Prepared;
use super::{Ctx, SettleError};
use crate::data::Tally;
use crate::expr::{Env, Value};
use crate::period::Period;
use crate::policy::Policy;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// How one manager's own figure for one measure compares with the keeper's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TallyStatus {
    /// Equal, or nothing to tally (the keeper has 0 and the manager no row).
    Agrees,
    Differs,
    /// The keeper has a figure and the manager gave none.
    Missing,
}

impl TallyStatus {
    pub fn code(self) -> &'static str {
        match self {
            TallyStatus::Agrees => "agrees",
            TallyStatus::Differs => "differs",
            TallyStatus::Missing => "missing",
        }
    }
}

/// One manager's figures for one measure.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TallyLine {
    pub manager: String,
    pub name: String,
    pub measure: String,
    /// The keeper's figure: the measure over the imported data.
    pub keeper: Decimal,
    /// The manager's own tally, if given.
    pub own: Option<Decimal>,
    /// Where the manager's figure comes from (file and row).
    pub source: Option<String>,
    pub status: TallyStatus,
}

impl TallyLine {
    /// Own − keeper, when the manager gave a figure.
    pub fn difference(&self) -> Option<Decimal> {
        self.own.map(|o| o - self.keeper)
    }
}

/// The month's reconciliation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReconciliationReport {
    pub period: Period,
    /// The day by which the month is to be reconciled (the policy's `due_day` of the next month).
    pub due_on: Option<NaiveDate>,
    pub lines: Vec<TallyLine>,
}

impl ReconciliationReport {
    /// Lines that do not agree.
    pub fn differences(&self) -> impl Iterator<Item = &TallyLine> {
        self.lines
            .iter()
            .filter(|l| l.status != TallyStatus::Agrees)
    }

    pub fn is_reconciled(&self) -> bool {
        self.differences().next().is_none()
    }

    /// `manager_id,name,measure,keeper,own,difference,status`, one row per manager and measure.
    pub fn to_csv(&self) -> String {
        let mut s = String::from("manager_id,name,measure,keeper,own,difference,status\n");
        for l in &self.lines {
            s.push_str(&format!(
                "{},{},{},{},{},{},{}\n",
                super::csv_field(&l.manager),
                super::csv_field(&l.name),
                super::csv_field(&l.measure),
                l.keeper.normalize(),
                l.own.map(|o| o.normalize().to_string()).unwrap_or_default(),
                l.difference()
                    .map(|d| d.normalize().to_string())
                    .unwrap_or_default(),
                l.status.code()
            ));
        }
        s
    }

    /// The differences in one line each (for messages and the audit log).
    pub fn describe_differences(&self, limit: usize) -> String {
        let all: Vec<&TallyLine> = self.differences().collect();
        let mut parts: Vec<String> = all
            .iter()
            .take(limit)
            .map(|l| match l.own {
                Some(own) => format!(
                    "{} {} {}: keeper {}, own {} (difference {})",
                    l.manager,
                    l.name,
                    l.measure,
                    l.keeper.normalize(),
                    own.normalize(),
                    (own - l.keeper).normalize()
                ),
                None => format!(
                    "{} {} {}: keeper {}, no own tally",
                    l.manager,
                    l.name,
                    l.measure,
                    l.keeper.normalize()
                ),
            })
            .collect();
        if all.len() > limit {
            parts.push(format!("and {} more", all.len() - limit));
        }
        parts.join("; ")
    }
}

/// Reconciles `period` (a month) under the policy's `[reconciliation]`.
pub fn reconcile(
    policy: &Policy,
    prepared: &Prepared<'_>,
    period: Period,
) -> Result<ReconciliationReport, SettleError> {
    let Some(spec) = &policy.reconciliation else {
        return Err(SettleError(format!(
            "{}: the policy has no [reconciliation] section, so nothing is reconciled",
            policy.file
        )));
    };
    let Period::Month { year, month } = period else {
        return Err(SettleError(format!(
            "a reconciliation is monthly: give a month such as 2013-08, not {period}"
        )));
    };
    let ix = &prepared.ix;
    let mut own: BTreeMap<(&str, &str), &Tally> = BTreeMap::new();
    for t in ix.data.tallies.iter().filter(|t| t.period == period) {
        if !spec.measures.contains(&t.measure) {
            return Err(SettleError(format!(
                "{}: tally of {} for measure {:?}, which the policy does not reconcile; the measures are {} (policy line {})",
                t.source,
                t.manager,
                t.measure,
                spec.measures.join(", "),
                spec.line
            )));
        }
        if !ix.managers.contains_key(t.manager.as_str()) {
            return Err(SettleError(format!(
                "{}: manager {} is not in managers",
                t.source, t.manager
            )));
        }
        if let Some(first) = own.insert((t.manager.as_str(), t.measure.as_str()), t) {
            return Err(SettleError(format!(
                "{}: a second tally of {} {} for {period} (the first is {}); keep one",
                t.source, t.manager, t.measure, first.source
            )));
        }
    }
    let mut lines = Vec::new();
    for m in ix.managers.values().copied() {
        if !m.in_post(period.first_day(), period.last_day()) {
            continue;
        }
        let ctx = Ctx::new(policy, ix, m, period);
        let keeps = ctx
            .eval(&spec.among, "reconciliation among")?
            .as_bool()
            .map_err(|e| {
                SettleError(format!(
                    "{}: reconciliation among (policy line {}), manager {}: {e}",
                    policy.file, spec.line, m.id
                ))
            })?;
        if !keeps {
            continue;
        }
        for measure in &spec.measures {
            let keeper = match ctx.name(std::slice::from_ref(measure)) {
                Ok(Value::Num(v)) => v,
                Ok(Value::Null) => Decimal::ZERO,
                Ok(other) => {
                    return Err(SettleError(format!(
                        "{}: reconciliation measure {measure} (policy line {}) is {other:?} for {}, not a number",
                        policy.file, spec.line, m.id
                    )));
                }
                Err(e) => {
                    return Err(SettleError(format!(
                        "{}: reconciliation measure {measure}, manager {}, period {period}: {e}",
                        policy.file, m.id
                    )));
                }
            };
            let tally = own.get(&(m.id.as_str(), measure.as_str()));
            let status = match tally {
                Some(t) if t.value == keeper => TallyStatus::Agrees,
                Some(_) => TallyStatus::Differs,
                None if keeper.is_zero() => TallyStatus::Agrees,
                None => TallyStatus::Missing,
            };
            lines.push(TallyLine {
                manager: m.id.clone(),
                name: m.name.clone(),
                measure: measure.clone(),
                keeper,
                own: tally.map(|t| t.value),
                source: tally.map(|t| t.source.clone()),
                status,
            });
        }
    }
    let due_on = spec.due_day.and_then(|d| {
        let (y, mo) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        NaiveDate::from_ymd_opt(y, mo, d)
    });
    Ok(ReconciliationReport {
        period,
        due_on,
        lines,
    })
}
