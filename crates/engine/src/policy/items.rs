//! Pay items: formulas, streaks, rank awards, thresholds and adjustments.

use super::settings::Frequency;
use crate::expr::Expr;
use chrono::NaiveDate;

/// How tied managers share rank awards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ties {
    /// Tied managers each get the award of the highest place they share (1, 1, 3).
    All,
    /// Tied managers split the awards of the places they occupy equally.
    Share,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// `amount`, optionally only `when` a condition holds.
    Formula { amount: Expr, when: Option<Expr> },
    /// n × `step` for the n-th consecutive period in which `when` holds.
    Streak { when: Expr, step: Expr },
    /// Awards by place, highest `by` first, among managers for whom `among` holds.
    Rank {
        by: Expr,
        /// The award of each place, first place first (usually parameters).
        awards: Vec<Expr>,
        ties: Ties,
        among: Option<Expr>,
    },
    /// The manager's lines in the adjustments table for the period, each under its own item.
    Adjustments,
    /// Paid once, in the period in which a cumulative measure first reaches `at_least`.
    /// With `per_client`, for each client the manager brought in: a client whose first row in
    /// the measure's table is by this manager on or after `new_clients_from` (an old client
    /// who stopped and came back is not new). `at_least` and `award` may use `client.<column>`.
    Threshold {
        measure: String,
        at_least: Expr,
        award: Expr,
        per_client: bool,
        new_clients_from: Option<NaiveDate>,
        /// A client whose rows stop for more than this many days and start again is a
        /// returning client (断供后重新供货), not a new one.
        returning_after_days: Option<u32>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub name: String,
    pub label: Option<String>,
    pub kind: ItemKind,
    /// When it falls due: the period it is computed over.
    pub pay: Frequency,
    pub round: bool,
    pub line: usize,
}
