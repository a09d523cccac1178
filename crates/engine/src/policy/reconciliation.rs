//! `[reconciliation]`: the figures each customer manager tallies for the month and must agree
//! with the keeper's before the month is settled (the oil distributor's 每月18号前与库管对账,
//! B3).

use super::loader::Loader;
use super::people::DEFAULT_PAYS;
use super::raw::RawReconciliation;
use crate::expr::Expr;
use std::collections::BTreeMap;
use toml::Spanned;

/// What a month's reconciliation compares, and by when it is due.
#[derive(Debug, Clone, PartialEq)]
pub struct Reconciliation {
    pub label: Option<String>,
    /// Measures (or values) of the policy: the keeper's figure is the measure computed over the
    /// imported data; the manager's own is their tallies row with the same measure name.
    pub measures: Vec<String>,
    /// The day of the following month by which the month is to be reconciled (18 for the
    /// oil distributor); none: no deadline.
    pub due_day: Option<u32>,
    /// Who keeps a tally (default: customer managers, `manager.is_cm`).
    pub among: Expr,
    pub reference: Option<String>,
    pub line: usize,
}

pub(super) fn load_reconciliation(
    l: &mut Loader<'_>,
    raw: &Spanned<RawReconciliation>,
    measures: &BTreeMap<String, super::Measure>,
    values: &BTreeMap<String, super::Value>,
) -> Option<Reconciliation> {
    let o = raw.span().start;
    let r = raw.get_ref();
    let mut ok = true;
    if r.measures.is_empty() {
        l.err(
            o,
            "reconciliation: measures lists at least one measure the managers tally, e.g. measures = [\"paid_quantity\"]",
        );
        ok = false;
    }
    for m in &r.measures {
        if !measures.contains_key(m) && !values.contains_key(m) {
            l.err(
                o,
                format!("reconciliation: {m:?} is neither a measure nor a value of this policy"),
            );
            ok = false;
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for m in &r.measures {
        if !seen.insert(m) {
            l.err(o, format!("reconciliation: {m:?} is listed twice"));
            ok = false;
        }
    }
    let due_day = match r.due_day {
        None => None,
        Some(d @ 1..=28) => u32::try_from(d).ok(),
        Some(d) => {
            l.err(
                o,
                format!(
                    "reconciliation: due_day is a day of the following month from 1 to 28, not {d}"
                ),
            );
            ok = false;
            None
        }
    };
    let among = match &r.among {
        Some(a) => l.expr(a, "reconciliation among"),
        None => Expr::parse(DEFAULT_PAYS).ok(),
    };
    let among = among?;
    ok.then(|| Reconciliation {
        label: r.label.clone(),
        measures: r.measures.clone(),
        due_day,
        among,
        reference: r.reference.clone(),
        line: l.line(o),
    })
}
