//! The monthly reconciliation (B3, the oil distributor's 每月18号前与库管对账): each customer
//! manager's own tally (the tallies table) against the keeper's figures (the policy's
//! `[reconciliation] measures` over the imported sales and payments). A month of a policy with
//! a `[reconciliation]` section is settled only when it is reconciled, or when someone who
//! may approve runs records an override with a reason (audited, once per month).

use crate::access::{Action, Actor};
use crate::{Error, Result};
use chrono::NaiveDate;
use kejing_engine::Period;
use kejing_engine::policy::Policy;
use kejing_engine::settle::{Prepared, ReconciliationReport, reconcile};
use kejing_store::reconciliation::ReconciliationOverride;
use kejing_store::{Org, Store};

/// Where a month's reconciliation stands.
pub struct Status {
    pub report: ReconciliationReport,
    pub overridden: Option<ReconciliationOverride>,
    pub today: NaiveDate,
}

impl Status {
    /// Whether the month may be settled: reconciled, or overridden.
    pub fn may_settle(&self) -> bool {
        self.report.is_reconciled() || self.overridden.is_some()
    }

    /// Past its due day and neither reconciled nor overridden.
    pub fn overdue(&self) -> bool {
        !self.may_settle() && self.report.due_on.is_some_and(|d| self.today > d)
    }
}

/// The month's reconciliation over the stored data (grades and statuses at its last day).
pub fn status(store: &mut Store, actor: &Actor, policy: &Policy, period: Period) -> Result<Status> {
    actor.require(Action::ViewRuns)?;
    let org = actor.org.clone();
    let report = store.read(|s| compute(s, &org, policy, period))?;
    let overridden = store.reconciliation_override(&org, period)?;
    Ok(Status {
        report,
        overridden,
        today: store.today(),
    })
}

/// Records that `period` may be settled although its tallies do not agree. Refused when there
/// is nothing to override (the month is reconciled).
pub fn override_month(
    store: &mut Store,
    actor: &Actor,
    policy: &Policy,
    period: Period,
    reason: &str,
) -> Result<ReconciliationOverride> {
    actor.require(Action::LockPeriod)?;
    store.set_actor(actor.name.clone());
    let org = actor.org.clone();
    let report = store.read(|s| compute(s, &org, policy, period))?;
    if report.is_reconciled() {
        return Err(Error::invalid(format!(
            "{period} is reconciled: every customer manager's tally agrees with the keeper's, so there is nothing to override"
        )));
    }
    Ok(store.override_reconciliation(
        &org,
        period,
        &policy.name,
        reason,
        &report.describe_differences(200),
    )?)
}

pub(crate) fn compute(
    s: &mut Store,
    org: &Org,
    policy: &Policy,
    period: Period,
) -> Result<ReconciliationReport> {
    let mut data = s.load_dataset(org)?;
    s.apply_history_at(org, period.last_day(), &mut data.managers)?;
    let prepared = Prepared::new(&data).map_err(|e| Error::invalid(e.to_string()))?;
    reconcile(policy, &prepared, period).map_err(|e| Error::invalid(e.to_string()))
}

/// Refuses to settle a month of a reconciling policy that is neither reconciled nor
/// overridden, listing the differences.
pub(crate) fn require_settleable(
    s: &mut Store,
    org: &Org,
    policy: &Policy,
    prepared: &Prepared<'_>,
    period: Period,
) -> Result<()> {
    if policy.reconciliation.is_none() || !matches!(period, Period::Month { .. }) {
        return Ok(());
    }
    let report = reconcile(policy, prepared, period).map_err(|e| Error::invalid(e.to_string()))?;
    if report.is_reconciled() || s.reconciliation_override(org, period)?.is_some() {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "{period} is not reconciled (月度对账未完成): {}. Correct the tallies or the keeper's data and import them again, or record an override with a reason (kejing reconcile --override), then settle",
        report.describe_differences(10)
    )))
}
