//! `reconcile`: the monthly reconciliation of the customer managers' own tallies with the
//! keeper's figures (B3), in file mode or over the database, and the override that lets an
//! unreconciled month be settled (database mode, audited).

use super::{Global, files, session};
use anyhow::{Context, Result, anyhow, bail};
use kejing_app::catalogue::load;
use kejing_app::reconciliation;
use kejing_engine::Period;
use kejing_engine::policy::Policy;
use kejing_engine::settle::{Prepared, ReconciliationReport, reconcile as reconcile_month};
use std::path::Path;

pub fn reconcile(
    g: &Global,
    policy: &Path,
    data: Option<&Path>,
    period: Period,
    out: Option<&Path>,
    override_reason: Option<&str>,
) -> Result<()> {
    let policy = load(policy)?;
    if policy.reconciliation.is_none() {
        bail!(
            "{}: the policy has no [reconciliation] section: its months are settled without one",
            policy.file
        );
    }
    let (report, overridden) = match data {
        Some(dir) => {
            if override_reason.is_some() {
                bail!(
                    "--override records a decision in the database: leave out --data, or correct the tallies in the folder"
                );
            }
            let data = files::load_data(dir)?;
            let prepared = Prepared::new(&data).map_err(|e| anyhow!("{e}"))?;
            (
                reconcile_month(&policy, &prepared, period).map_err(|e| anyhow!("{e}"))?,
                None,
            )
        }
        None => {
            let (mut store, actor) = session(g)?;
            if let Some(reason) = override_reason {
                let o =
                    reconciliation::override_month(&mut store, &actor, &policy, period, reason)?;
                eprintln!(
                    "{period}: override recorded by {} at {} (月度对账豁免); the month may now be settled. Differences recorded: {}",
                    o.decided_by, o.decided_at, o.differences
                );
            }
            let status = reconciliation::status(&mut store, &actor, &policy, period)?;
            if status.overdue() {
                eprintln!(
                    "{period} is overdue: it was to be reconciled by {} (today is {})",
                    status
                        .report
                        .due_on
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    status.today
                );
            }
            (status.report, status.overridden)
        }
    };
    let csv = report.to_csv();
    match out {
        None => out!("{csv}"),
        Some(path) => {
            std::fs::write(path, &csv).with_context(|| format!("writing {}", path.display()))?
        }
    }
    summary(&policy, &report, overridden.is_some())
}

/// The verdict on standard error; an error (exit 1) when the month may not be settled.
fn summary(policy: &Policy, report: &ReconciliationReport, overridden: bool) -> Result<()> {
    let period = report.period;
    let due = report
        .due_on
        .map(|d| format!(", due by {d}"))
        .unwrap_or_default();
    if report.is_reconciled() {
        eprintln!(
            "{period} is reconciled (月度对账一致): {} figure(s) agree{due}",
            report.lines.len()
        );
        return Ok(());
    }
    let n = report.differences().count();
    if overridden {
        eprintln!(
            "{period} is not reconciled ({n} difference(s)) but overridden: it may be settled{due}"
        );
        return Ok(());
    }
    bail!(
        "{period} is not reconciled under {} (月度对账未完成): {n} difference(s): {}{due}",
        policy.name,
        report.describe_differences(10)
    )
}

/// File mode `settle` of a reconciling policy: refused when the data's tallies for the month do
/// not agree; a warning when the folder has no tallies for it (the check is then the
/// database's, where an override can be recorded).
pub fn check_file_mode(
    policy: &Policy,
    prepared: &Prepared<'_>,
    data_has_tallies: bool,
    period: Period,
) -> Result<()> {
    if policy.reconciliation.is_none() || !matches!(period, Period::Month { .. }) {
        return Ok(());
    }
    if !data_has_tallies {
        eprintln!(
            "warning: {} reconciles each month (月度对账) but the data folder has no tallies for {period}: settled without the check",
            policy.name
        );
        return Ok(());
    }
    let report = reconcile_month(policy, prepared, period).map_err(|e| anyhow!("{e}"))?;
    if report.is_reconciled() {
        return Ok(());
    }
    bail!(
        "{period} is not reconciled (月度对账未完成): {}. Correct tallies.csv or the keeper's data (see kejing reconcile --data …), then settle",
        report.describe_differences(10)
    )
}
