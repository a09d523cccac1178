//! Measures (what is summed or looked up per manager) and values (named expressions).

use crate::expr::Expr;
use rust_decimal::Decimal;

/// Which fact table a measure reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Sales,
    Payments,
    Bookings,
    /// A daily-management register (`outings`, `work_logs`, …): counts and sums per manager.
    Register(crate::registers::Register),
}

impl Source {
    pub(super) fn parse(s: &str) -> Option<Source> {
        match s {
            "sales" => Some(Source::Sales),
            "payments" => Some(Source::Payments),
            "bookings" => Some(Source::Bookings),
            _ => crate::registers::Register::parse(s).map(Source::Register),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Source::Sales => "sales",
            Source::Payments => "payments",
            Source::Bookings => "bookings",
            Source::Register(r) => r.name(),
        }
    }

    /// Whether a row of this table has the field.
    pub fn has_field(self, f: &str) -> bool {
        match self {
            Source::Register(r) => r.names().iter().any(|n| n == f) || f == "now",
            _ => self.fields().contains(&f),
        }
    }

    /// The fields of a row, for a message.
    pub fn field_list(self) -> String {
        match self {
            Source::Register(r) => r.names().join(", "),
            _ => self.fields().join(", "),
        }
    }

    /// The row fields an expression over a fact table may use (a register's: [`Source::has_field`]).
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Source::Register(_) => &[],
            Source::Sales | Source::Payments => {
                &["date", "doc_id", "quantity", "amount", "gross_profit"]
            }
            Source::Bookings => &[
                "booking_id",
                "registered_at",
                "arrival_at",
                "amount",
                "approved",
                "complaint",
                "spot_check",
            ],
        }
    }
}

/// The days a measure covers, relative to the period it is evaluated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The period itself.
    Period,
    /// From the manager's hire day through the first `n` days, up to the end of the period
    /// (cumulative).
    SinceHire(u32),
    /// Every row up to the end of the period (cumulative).
    ToDate,
}

impl Window {
    pub(super) fn parse(s: &str) -> Option<Window> {
        match s {
            "period" => Some(Window::Period),
            "to_date" => Some(Window::ToDate),
            _ => {
                let n = s
                    .strip_prefix("since_hire_days:")?
                    .trim()
                    .parse::<u32>()
                    .ok()?;
                (n > 0).then_some(Window::SinceHire(n))
            }
        }
    }

    /// Whether the measure accumulates across periods (needed to detect a threshold crossing).
    pub fn is_cumulative(self) -> bool {
        !matches!(self, Window::Period)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum MeasureKind {
    /// Sum of an expression over the rows of a table that pass a filter, per manager.
    Sum {
        source: Source,
        sum: Option<Expr>,
        filter: Option<Expr>,
        window: Window,
    },
    /// The manager's target for the period (targets table, this measure name).
    Target {
        measure: String,
        default: Option<Decimal>,
        /// The measure the target is attained by, when it is not the target's own name (the
        /// oil distributor's `quantity` targets are met by `paid_quantity`): what the
        /// dashboard's and the statement's completion compare against the target.
        against: Option<String>,
    },
    /// Balances of the accounts that pass `filter`, each day attributed to the accounts'
    /// owners by their ratios on that day (account level over client level), times the
    /// account's `weight`; with `daily_average`, divided by the days of the period.
    Balances {
        weight: Option<Expr>,
        filter: Option<Expr>,
        daily_average: bool,
    },
}

/// Fields of an account row in a balances measure (with `client.<column>` and parameters).
pub const ACCOUNT_FIELDS: &[&str] = &[
    "account_id",
    "product",
    "currency",
    "rate",
    "term_months",
    "opened_on",
    "closed_on",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub name: String,
    pub label: Option<String>,
    pub kind: MeasureKind,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub name: String,
    pub expr: Expr,
    pub line: usize,
}

impl super::Policy {
    /// Each target (its name in the targets table) and the measure that attains it, for the
    /// targets whose measure says `against = "…"`.
    pub fn attained_by(&self) -> std::collections::BTreeMap<String, String> {
        self.measures
            .values()
            .filter_map(|m| match &m.kind {
                MeasureKind::Target {
                    measure,
                    against: Some(a),
                    ..
                } => Some((measure.clone(), a.clone())),
                _ => None,
            })
            .collect()
    }
}
