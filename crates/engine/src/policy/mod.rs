//! Policies: an organisation's pay rules, written in TOML and checked when loaded.
//!
//! See `docs/policies.md` for the reference. Loading is pure: the shell reads the file and
//! hands its text here. Every error names the policy file and line.

mod advice;
mod approvals;
mod assessment;
mod assessment_load;
mod daily;
mod items;
mod load;
mod loader;
mod measures;
mod names;
mod parameters;
mod people;
mod raw;
mod reconciliation;
mod settings;
mod tiers;
mod what_if;

#[cfg(test)]
mod tests;

pub use advice::{Advice, AssetClass, Band, Cap, LetterSettings, Question, QuestionOption};
pub use approvals::{ApprovalStep, StepRole};
pub use assessment::{
    ASSESSMENT_FUNCTIONS, ASSESSMENT_NAMES, Assessment, Decision, Dimension, GradeRule, RankTies,
    Raters, ScoreItem, Scorecard,
};
pub use daily::{DAILY_FUNCTIONS, Daily, DailyRule, DailyRuleKind, Each};
pub use items::{Item, ItemKind, Ties};
pub use measures::{ACCOUNT_FIELDS, Measure, MeasureKind, Source, Value, Window};
pub use names::{CLIENT_FIELDS, MANAGER_FIELDS, PERIOD_FIELDS, POLICY_FUNCTIONS};
pub use parameters::{Dated, Lookup, Parameter, Series};
pub use people::{DEFAULT_PAYS, FieldKind, ManagerField};
pub use reconciliation::Reconciliation;
pub use settings::{Frequency, RoundMode, Rounding};
pub use tiers::{Tier, TierTable};

use crate::period::Period;
use std::collections::BTreeMap;
use std::fmt;

/// An error in a policy file, with the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for PolicyError {}

/// A test case a finance officer can read: the data as CSV text and the expected lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    pub period: Period,
    /// Table name → CSV text.
    pub tables: BTreeMap<String, String>,
    /// Manager → item → amount (text as written, e.g. `2150.00`).
    pub expect: BTreeMap<String, BTreeMap<String, String>>,
    /// Manager → column (score, rank, new_grade, decision) → expected text: an assessment case.
    pub assess: BTreeMap<String, BTreeMap<String, String>>,
    /// Manager → measure → expected difference of their own tally from the keeper's
    /// (`0`, `-0.5`, or `missing`): a reconciliation case.
    pub reconcile: BTreeMap<String, BTreeMap<String, String>>,
    /// `manager_id,rule,date` of every breach `kejing daily` reports: a daily case.
    pub daily: Option<Vec<String>>,
    /// `client_id,score,risk_level,assessed_on,valid_until[,status]` of every client `kejing
    /// risk` reports on the period's last day: a risk-questionnaire case.
    pub risk: Option<Vec<String>>,
    pub line: usize,
}

/// A loaded, checked policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub file: String,
    pub name: String,
    pub title: Option<String>,
    pub source: Option<String>,
    pub frequency: Frequency,
    pub rounding: Rounding,
    pub parameters: BTreeMap<String, Parameter>,
    pub tiers: BTreeMap<String, TierTable>,
    pub lookups: BTreeMap<String, Lookup>,
    pub measures: BTreeMap<String, Measure>,
    pub values: BTreeMap<String, Value>,
    pub items: Vec<Item>,
    pub cases: Vec<Case>,
    /// Measures and values reported with every settlement (completion against targets on the
    /// dashboard; the `[policy] report` list).
    pub report: Vec<String>,
    /// Scorecards, raters, ranking and grade rules (`[assessment]`).
    pub assessment: Option<Assessment>,
    /// Whom the policy pays, among managers in post (`[policy] pays`; [`DEFAULT_PAYS`] when
    /// the policy does not say).
    pub pays: crate::expr::Expr,
    /// The line of `pays`, or `None` for the default.
    pub pays_line: Option<usize>,
    /// Further manager columns the policy declares (`[manager_fields]`).
    pub manager_fields: BTreeMap<String, ManagerField>,
    /// The monthly reconciliation of the customer managers' own tallies with the keeper's
    /// figures that must agree before a month is settled (`[reconciliation]`, B3).
    pub reconciliation: Option<Reconciliation>,
    /// The daily-management rules over the registers (`[daily]`, E1–E7).
    pub daily: Option<Daily>,
    /// The investment-advice rules: questionnaire, suitability, models (`[advice]`, F1–F2).
    pub advice: Option<Advice>,
}
