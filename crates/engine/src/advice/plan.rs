//! The client's financial profile (cash flow, balance sheet, ratios), today's allocation against
//! the model of their risk level, and the goal projections, in exact decimals.
//!
//! Projections compound monthly: a growth factor `(1 + rate / 1200)^months` is multiplied out
//! month by month and kept to 18 decimal places at each step; amounts are rounded half-up to the
//! fen only when shown. Goals are in today's money, inflated to their date; they are funded in
//! date order from today's financial assets and the monthly surplus, both growing at the model
//! allocation's expected return.

use super::{AdviceData, FinanceKind, Holding, InvestorLevel};
use crate::policy::Advice;
use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::collections::BTreeMap;

/// Goals further away than this are refused (and bound the projection loops).
pub const MAX_GOAL_MONTHS: u32 = 1200;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "{at}: goal {goal:?} is due on {due_on}, before the letter's date {on}; remove it or give a later date"
    )]
    GoalPast {
        at: String,
        goal: String,
        due_on: NaiveDate,
        on: NaiveDate,
    },
    #[error("{at}: goal {goal:?} is due on {due_on}, more than 100 years away")]
    GoalTooFar {
        at: String,
        goal: String,
        due_on: NaiveDate,
    },
    #[error("the model allocation for {0} is missing from the policy's [advice.models]")]
    NoModel(InvestorLevel),
    #[error("an amount is too large to project ({0})")]
    Overflow(String),
}

/// The cash-flow statement: annual income and expenses by category.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CashFlow {
    pub income: Vec<(String, Decimal)>,
    pub expenses: Vec<(String, Decimal)>,
    pub total_income: Decimal,
    pub total_expenses: Decimal,
    /// Income less expenses, a year.
    pub surplus: Decimal,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Profile {
    /// The day of the finances used (the latest on or before the letter's date).
    pub as_of: Option<NaiveDate>,
    pub cash_flow: CashFlow,
    pub assets: Vec<(String, Decimal)>,
    pub liabilities: Vec<(String, Decimal)>,
    pub total_assets: Decimal,
    pub total_liabilities: Decimal,
    pub net_worth: Decimal,
    /// Surplus / income, percent (two decimals); `None` without income.
    pub savings_rate: Option<Decimal>,
    /// Liquid assets / monthly expenses, months (one decimal); `None` without expenses.
    pub liquidity_months: Option<Decimal>,
    /// Liabilities / assets, percent (two decimals); `None` without assets.
    pub debt_ratio: Option<Decimal>,
    pub liquid_assets: Decimal,
}

/// One asset class: what the client holds now against the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllocationLine {
    pub class: String,
    pub name: String,
    pub amount: Decimal,
    /// Percent of the financial assets now (two decimals).
    pub now: Decimal,
    /// The model's percent for the client's level.
    pub model: Decimal,
    /// Model less now, percentage points.
    pub change: Decimal,
    pub expected_return: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalProjection {
    pub goal: String,
    pub due_on: NaiveDate,
    pub months: u32,
    /// In today's money, as the client stated it.
    pub amount: Decimal,
    /// Inflated to the goal's date.
    pub needed: Decimal,
    /// What the assets and savings left after the earlier goals reach by then.
    pub available: Decimal,
    pub gap: Decimal,
    /// The further monthly saving that would close the gap by the goal's date.
    pub extra_monthly: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub profile: Profile,
    /// Where today's allocation comes from: `holdings` or `balance sheet`.
    pub allocation_source: &'static str,
    pub allocation: Vec<AllocationLine>,
    /// Categories or product kinds the policy does not classify (left out of the allocation).
    pub unclassified: Vec<String>,
    pub financial_assets: Decimal,
    /// The model allocation's expected annual return, percent.
    pub expected_return: Decimal,
    pub inflation: Decimal,
    pub monthly_saving: Decimal,
    pub goals: Vec<GoalProjection>,
}

fn fen(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn pct(part: Decimal, whole: Decimal, dp: u32) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    part.checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|p| p.checked_div(whole))
        .map(|p| p.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero))
}

fn sum(lines: &[(String, Decimal)]) -> Decimal {
    lines
        .iter()
        .fold(Decimal::ZERO, |a, (_, d)| a.saturating_add(*d))
}

/// Adds `amount` to `category` keeping the categories in first-seen order.
fn add(lines: &mut Vec<(String, Decimal)>, category: &str, amount: Decimal) {
    match lines.iter_mut().find(|(c, _)| c == category) {
        Some((_, d)) => *d = d.saturating_add(amount),
        None => lines.push((category.to_owned(), amount)),
    }
}

/// The client's profile from their finances of the latest day on or before `on`.
pub fn profile(advice: &Advice, data: &AdviceData, client: &str, on: NaiveDate) -> Profile {
    let as_of = data
        .finances
        .iter()
        .filter(|f| f.client == client && f.as_of <= on)
        .map(|f| f.as_of)
        .max();
    let mut p = Profile {
        as_of,
        ..Profile::default()
    };
    let Some(day) = as_of else { return p };
    for f in data
        .finances
        .iter()
        .filter(|f| f.client == client && f.as_of == day)
    {
        let list = match f.kind {
            FinanceKind::Income => &mut p.cash_flow.income,
            FinanceKind::Expense => &mut p.cash_flow.expenses,
            FinanceKind::Asset => &mut p.assets,
            FinanceKind::Liability => &mut p.liabilities,
        };
        add(list, &f.category, f.amount);
    }
    let cf = &mut p.cash_flow;
    cf.total_income = sum(&cf.income);
    cf.total_expenses = sum(&cf.expenses);
    cf.surplus = cf.total_income.saturating_sub(cf.total_expenses);
    p.total_assets = sum(&p.assets);
    p.total_liabilities = sum(&p.liabilities);
    p.net_worth = p.total_assets.saturating_sub(p.total_liabilities);
    p.liquid_assets = p
        .assets
        .iter()
        .filter(|(c, _)| {
            advice
                .classify
                .get(c)
                .and_then(|k| k.as_deref())
                .and_then(|k| advice.class(k))
                .is_some_and(|k| k.liquid)
        })
        .fold(Decimal::ZERO, |a, (_, d)| a.saturating_add(*d));
    p.savings_rate = pct(p.cash_flow.surplus, p.cash_flow.total_income, 2);
    p.liquidity_months = if p.cash_flow.total_expenses.is_zero() {
        None
    } else {
        p.liquid_assets
            .checked_mul(Decimal::from(12))
            .and_then(|x| x.checked_div(p.cash_flow.total_expenses))
            .map(|m| m.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero))
    };
    p.debt_ratio = pct(p.total_liabilities, p.total_assets, 2);
    p
}

/// The client's holdings of the latest day on or before `on`.
fn holdings_of<'a>(data: &'a AdviceData, client: &str, on: NaiveDate) -> Vec<&'a Holding> {
    let day = data
        .holdings
        .iter()
        .filter(|h| h.client == client && h.as_of <= on)
        .map(|h| h.as_of)
        .max();
    data.holdings
        .iter()
        .filter(|h| h.client == client && Some(h.as_of) == day)
        .collect()
}

/// `(1 + rate/1200)^months`, kept to 18 decimal places at each step.
fn growth(rate_pct: Decimal, months: u32) -> Result<Decimal, PlanError> {
    let step = Decimal::ONE + rate_pct / Decimal::from(1200);
    let mut g = Decimal::ONE;
    for _ in 0..months.min(MAX_GOAL_MONTHS) {
        g = g
            .checked_mul(step)
            .ok_or_else(|| PlanError::Overflow("growth factor".to_owned()))?
            .round_dp(18);
    }
    Ok(g)
}

/// What `monthly` saved at the end of each of `months` months reaches.
fn annuity(monthly: Decimal, rate_pct: Decimal, months: u32) -> Result<Decimal, PlanError> {
    if rate_pct.is_zero() {
        return Ok(monthly * Decimal::from(months));
    }
    let r = rate_pct / Decimal::from(1200);
    let g = growth(rate_pct, months)?;
    monthly
        .checked_mul(g - Decimal::ONE)
        .and_then(|x| x.checked_div(r))
        .ok_or_else(|| PlanError::Overflow("savings".to_owned()))
}

/// Whole months from `from` to `to` (the day of month counts: 15 Jan → 14 Mar is 1 month).
fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let m =
        i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    if to.day() < from.day() { m - 1 } else { m }
}

/// The client's plan for a level: profile, allocation now against the model, goal projections.
pub fn plan_for(
    advice: &Advice,
    data: &AdviceData,
    client: &str,
    level: InvestorLevel,
    on: NaiveDate,
) -> Result<Plan, PlanError> {
    let profile = profile(advice, data, client, on);
    let model = advice.models.get(&level).ok_or(PlanError::NoModel(level))?;

    let mut by_class: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut unclassified = Vec::new();
    let holdings = holdings_of(data, client, on);
    let allocation_source = if holdings.is_empty() {
        for (category, amount) in &profile.assets {
            match advice.classify.get(category) {
                Some(Some(class)) => {
                    let e = by_class.entry(class.clone()).or_default();
                    *e = e.saturating_add(*amount);
                }
                Some(None) => {}
                None => unclassified.push(category.clone()),
            }
        }
        "balance sheet"
    } else {
        for h in holdings {
            let kind = data
                .products
                .iter()
                .find(|p| p.id == h.product)
                .map_or(h.product.as_str(), |p| p.kind.as_str());
            match advice.classify.get(kind) {
                Some(Some(class)) => {
                    let e = by_class.entry(class.clone()).or_default();
                    *e = e.saturating_add(h.amount);
                }
                Some(None) => {}
                None => unclassified.push(kind.to_owned()),
            }
        }
        "holdings"
    };
    unclassified.sort();
    unclassified.dedup();
    let financial_assets = by_class
        .values()
        .fold(Decimal::ZERO, |a, d| a.saturating_add(*d));
    let allocation: Vec<AllocationLine> = advice
        .classes
        .iter()
        .map(|c| {
            let amount = by_class.get(&c.id).copied().unwrap_or_default();
            let now = pct(amount, financial_assets, 2).unwrap_or_default();
            let m = model.get(&c.id).copied().unwrap_or_default();
            AllocationLine {
                class: c.id.clone(),
                name: c.name.clone(),
                amount: fen(amount),
                now,
                model: m,
                change: m - now,
                expected_return: c.expected_return,
            }
        })
        .collect();
    let expected_return = advice
        .classes
        .iter()
        .map(|c| {
            model.get(&c.id).copied().unwrap_or_default() * c.expected_return / Decimal::ONE_HUNDRED
        })
        .fold(Decimal::ZERO, |a, d| a + d)
        .round_dp(4);

    let monthly_saving = if profile.cash_flow.surplus > Decimal::ZERO {
        profile.cash_flow.surplus / Decimal::from(12)
    } else {
        Decimal::ZERO
    };
    let mut goals: Vec<_> = data.goals.iter().filter(|g| g.client == client).collect();
    goals.sort_by(|a, b| a.due_on.cmp(&b.due_on).then(a.goal.cmp(&b.goal)));
    let mut projections = Vec::new();
    let mut pot = financial_assets;
    let mut at: u32 = 0;
    for g in goals {
        let months = months_between(on, g.due_on);
        if g.due_on < on {
            return Err(PlanError::GoalPast {
                at: g.source.clone(),
                goal: g.goal.clone(),
                due_on: g.due_on,
                on,
            });
        }
        let months = u32::try_from(months.max(0)).unwrap_or(u32::MAX);
        if months > MAX_GOAL_MONTHS {
            return Err(PlanError::GoalTooFar {
                at: g.source.clone(),
                goal: g.goal.clone(),
                due_on: g.due_on,
            });
        }
        let needed = g
            .amount
            .checked_mul(growth(advice.inflation, months)?)
            .ok_or_else(|| PlanError::Overflow(g.goal.clone()))?;
        let span = months.saturating_sub(at);
        let available = pot
            .checked_mul(growth(expected_return, span)?)
            .and_then(|x| x.checked_add(annuity(monthly_saving, expected_return, span).ok()?))
            .ok_or_else(|| PlanError::Overflow(g.goal.clone()))?;
        let funded = available.min(needed);
        let gap = needed - funded;
        pot = available - funded;
        at = months;
        let extra_monthly = if gap.is_zero() {
            Decimal::ZERO
        } else if months == 0 {
            gap
        } else if expected_return.is_zero() {
            gap / Decimal::from(months)
        } else {
            let r = expected_return / Decimal::from(1200);
            let g = growth(expected_return, months)? - Decimal::ONE;
            gap.checked_mul(r)
                .and_then(|x| x.checked_div(g))
                .unwrap_or(gap)
        };
        projections.push(GoalProjection {
            goal: g.goal.clone(),
            due_on: g.due_on,
            months,
            amount: fen(g.amount),
            needed: fen(needed),
            available: fen(available),
            gap: fen(gap),
            extra_monthly: fen(extra_monthly),
        });
    }
    Ok(Plan {
        profile,
        allocation_source,
        allocation,
        unclassified,
        financial_assets: fen(financial_assets),
        expected_return,
        inflation: advice.inflation,
        monthly_saving: fen(monthly_saving),
        goals: projections,
    })
}
