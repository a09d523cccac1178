//! Settlement: a policy applied to a data set for a period gives each customer manager's pay
//! lines, each with the trace of how it was computed.

mod balances;
mod ctx;
mod index;
mod items;
mod reconcile;
mod rows;
mod run;

pub(crate) use ctx::Ctx;
pub(crate) use index::Index;
pub use reconcile::{ReconciliationReport, TallyLine, TallyStatus, reconcile};
pub(crate) use rows::{client_field, manager_field};
pub use run::{Prepared, settle, settle_prepared};

use crate::money::Money;
use crate::period::Period;
use crate::phrase::Phrase;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt;

/// One step of an explanation: what was computed, its value, where it came from.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Trace {
    pub label: Phrase,
    pub value: String,
    /// Parameter references, source rows, roundings.
    pub notes: Vec<Phrase>,
    pub children: Vec<Trace>,
}

impl Trace {
    pub(crate) fn new(label: impl Into<Phrase>, value: impl Into<String>) -> Trace {
        Trace {
            label: label.into(),
            value: value.into(),
            notes: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The trace as an indented tree.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out, 0);
        out
    }

    fn render_into(&self, out: &mut String, depth: usize) {
        let pad = "  ".repeat(depth);
        out.push_str(&format!("{pad}{} = {}\n", self.label, self.value));
        for n in &self.notes {
            out.push_str(&format!("{pad}    · {n}\n"));
        }
        for c in &self.children {
            c.render_into(out, depth + 1);
        }
    }
}

/// Why a period of a streak is not counted: before the manager's hire, or before the data.
pub(crate) fn not_counted(period: Period, before_hire: bool) -> Phrase {
    if before_hire {
        crate::say!(
            "before-hire",
            "{period}: before hire; not counted",
            period = period
        )
    } else {
        crate::say!(
            "before-data",
            "{period}: before the data starts; not counted",
            period = period
        )
    }
}

/// A pay line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub manager: String,
    pub item: String,
    pub amount: Money,
}

/// The result of settling a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Settlement {
    pub period: Period,
    /// Items in policy order for each manager (by id), then `total`.
    pub lines: Vec<Line>,
    /// Each manager's explanation.
    pub traces: BTreeMap<String, Trace>,
    /// Each manager's reported measures and values (`[policy] report`).
    pub reported: BTreeMap<String, Vec<(String, Decimal)>>,
}

impl Settlement {
    /// The manager's line for an item.
    pub fn amount(&self, manager: &str, item: &str) -> Option<Money> {
        self.lines
            .iter()
            .find(|l| l.manager == manager && l.item == item)
            .map(|l| l.amount)
    }

    /// The `settle` output of the data contract: `manager_id,item,amount`.
    pub fn to_csv(&self) -> String {
        let mut s = String::from("manager_id,item,amount\n");
        for l in &self.lines {
            s.push_str(&format!(
                "{},{},{}\n",
                csv_field(&l.manager),
                csv_field(&l.item),
                l.amount
            ));
        }
        s
    }
}

pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Why a settlement could not be made. Names the policy line or the data row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettleError(pub String);

impl fmt::Display for SettleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SettleError {}
