//! Policies: an organisation's pay rules, written in TOML and checked when loaded.
//!
//! See `docs/policies.md` for the reference. Loading is pure: the shell reads the file and
//! hands its text here. Every error names the policy file and line.

use crate::expr::{BUILTINS, Expr};
use crate::period::Period;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use toml::Spanned;

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

/// How often a policy settles, or an item falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Monthly,
    Quarterly,
    HalfYearly,
    Annual,
}

impl Frequency {
    fn parse(s: &str) -> Option<Frequency> {
        match s {
            "monthly" | "月" => Some(Frequency::Monthly),
            "quarterly" | "季" => Some(Frequency::Quarterly),
            "half_yearly" | "半年" => Some(Frequency::HalfYearly),
            "annual" | "年" => Some(Frequency::Annual),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::HalfYearly => "half_yearly",
            Frequency::Annual => "annual",
        }
    }

    /// A frequency by its name (monthly, quarterly, half_yearly, annual or 月/季/半年/年).
    pub fn parse_name(s: &str) -> Option<Frequency> {
        Frequency::parse(s)
    }

    /// The period of this frequency that contains a day.
    pub fn period_of(self, day: NaiveDate) -> Period {
        use chrono::Datelike;
        let (year, month) = (day.year(), day.month());
        match self {
            Frequency::Monthly => Period::Month { year, month },
            Frequency::Quarterly => Period::Quarter {
                year,
                quarter: (month - 1) / 3 + 1,
            },
            Frequency::HalfYearly => Period::Half {
                year,
                half: (month - 1) / 6 + 1,
            },
            Frequency::Annual => Period::Year { year },
        }
    }

    /// Whether a period is of this frequency.
    pub fn matches(self, p: Period) -> bool {
        matches!(
            (self, p),
            (Frequency::Monthly, Period::Month { .. })
                | (Frequency::Quarterly, Period::Quarter { .. })
                | (Frequency::HalfYearly, Period::Half { .. })
                | (Frequency::Annual, Period::Year { .. })
        )
    }
}

/// Rounding: a mode and a step, applied where the policy says (item amounts by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rounding {
    pub mode: RoundMode,
    pub step: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundMode {
    /// 四舍五入: half away from zero.
    HalfUp,
    /// Banker's rounding.
    HalfEven,
    /// Toward zero (truncate).
    Down,
    /// Away from zero.
    Up,
}

impl Rounding {
    pub const FEN: Rounding = Rounding {
        mode: RoundMode::HalfUp,
        step: Decimal::from_parts(1, 0, 0, false, 2),
    };

    pub fn apply(self, x: Decimal) -> Decimal {
        use rust_decimal::RoundingStrategy as S;
        let strategy = match self.mode {
            RoundMode::HalfUp => S::MidpointAwayFromZero,
            RoundMode::HalfEven => S::MidpointNearestEven,
            RoundMode::Down => S::ToZero,
            RoundMode::Up => S::AwayFromZero,
        };
        if self.step.is_zero() {
            return x;
        }
        let units = (x / self.step).round_dp_with_strategy(0, strategy);
        (units * self.step).normalize()
    }

    fn parse(s: &str) -> Option<Rounding> {
        let mut parts = s.split_whitespace();
        let mode = match parts.next()? {
            "half_up" | "四舍五入" => RoundMode::HalfUp,
            "half_even" => RoundMode::HalfEven,
            "down" => RoundMode::Down,
            "up" => RoundMode::Up,
            _ => return None,
        };
        let step = crate::parse_decimal(parts.next()?).ok()?;
        if parts.next().is_some() || step <= Decimal::ZERO {
            return None;
        }
        Some(Rounding { mode, step })
    }
}

impl fmt::Display for Rounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = match self.mode {
            RoundMode::HalfUp => "half_up",
            RoundMode::HalfEven => "half_even",
            RoundMode::Down => "down",
            RoundMode::Up => "up",
        };
        write!(f, "{mode} {}", self.step)
    }
}

/// One value of a parameter, in effect from a day, with its reference.
#[derive(Debug, Clone, PartialEq)]
pub struct Dated<T> {
    pub from: NaiveDate,
    pub value: T,
    pub reference: String,
    pub line: usize,
}

/// A series of dated values (sorted by day).
#[derive(Debug, Clone, PartialEq)]
pub struct Series<T> {
    pub versions: Vec<Dated<T>>,
}

impl<T> Series<T> {
    /// The value in effect on a day; before the first value is an error, never a default.
    pub fn at(&self, day: NaiveDate) -> Result<&Dated<T>, String> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.from <= day)
            .ok_or_else(|| match self.versions.first() {
                Some(first) => format!(
                    "has no value on {day}: its first value takes effect on {}",
                    first.from
                ),
                None => "has no values".to_owned(),
            })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub label: Option<String>,
    pub series: Series<Decimal>,
}

/// A tier: a value for inputs between two bounds, each inclusive or exclusive or open.
#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    /// (bound, inclusive); `None` = from minus infinity.
    pub lower: Option<(Decimal, bool)>,
    /// (bound, inclusive); `None` = to infinity.
    pub upper: Option<(Decimal, bool)>,
    pub value: Decimal,
    pub line: usize,
}

impl Tier {
    pub fn contains(&self, x: Decimal) -> bool {
        let above = match self.lower {
            None => true,
            Some((b, true)) => x >= b,
            Some((b, false)) => x > b,
        };
        let below = match self.upper {
            None => true,
            Some((b, true)) => x <= b,
            Some((b, false)) => x < b,
        };
        above && below
    }

    /// `[0.5, 1)`, `(1.5, ∞)`.
    pub fn describe(&self) -> String {
        let lo = match self.lower {
            None => "(−∞".to_owned(),
            Some((b, true)) => format!("[{}", b.normalize()),
            Some((b, false)) => format!("({}", b.normalize()),
        };
        let hi = match self.upper {
            None => "∞)".to_owned(),
            Some((b, true)) => format!("{}]", b.normalize()),
            Some((b, false)) => format!("{})", b.normalize()),
        };
        format!("{lo}, {hi}")
    }
}

/// A table of values keyed by text (a grade, a product), effective-dated.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    pub name: String,
    pub label: Option<String>,
    pub series: Series<BTreeMap<String, Decimal>>,
    /// The value for a key the table does not list; without it such a key is an error.
    pub default: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TierTable {
    pub name: String,
    pub label: Option<String>,
    pub series: Series<Vec<Tier>>,
}

/// Which fact table a measure reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Sales,
    Payments,
    Bookings,
}

impl Source {
    fn parse(s: &str) -> Option<Source> {
        match s {
            "sales" => Some(Source::Sales),
            "payments" => Some(Source::Payments),
            "bookings" => Some(Source::Bookings),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Source::Sales => "sales",
            Source::Payments => "payments",
            Source::Bookings => "bookings",
        }
    }

    /// The row fields an expression over this table may use.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
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
    fn parse(s: &str) -> Option<Window> {
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
}

// ---- the file as written ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    policy: RawHeader,
    #[serde(default)]
    parameters: BTreeMap<String, Spanned<RawParameter>>,
    #[serde(default)]
    tiers: BTreeMap<String, Spanned<RawTierTable>>,
    #[serde(default)]
    lookups: BTreeMap<String, Spanned<RawLookup>>,
    #[serde(default)]
    measures: BTreeMap<String, Spanned<RawMeasure>>,
    #[serde(default)]
    values: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    items: Vec<Spanned<RawItem>>,
    #[serde(default)]
    cases: Vec<Spanned<RawCase>>,
    assessment: Option<Spanned<RawAssessment>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: String,
    title: Option<String>,
    source: Option<String>,
    frequency: Spanned<String>,
    rounding: Option<Spanned<String>>,
    report: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    label: Option<String>,
    values: Vec<Spanned<RawDated>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDated {
    from: String,
    value: String,
    #[serde(rename = "ref")]
    reference: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLookup {
    label: Option<String>,
    default: Option<String>,
    versions: Vec<Spanned<RawLookupVersion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLookupVersion {
    from: String,
    #[serde(rename = "ref")]
    reference: String,
    values: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTierTable {
    label: Option<String>,
    versions: Vec<Spanned<RawTierVersion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTierVersion {
    from: String,
    #[serde(rename = "ref")]
    reference: String,
    rows: Vec<Spanned<RawTierRow>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTierRow {
    from: Option<String>,
    above: Option<String>,
    below: Option<String>,
    through: Option<String>,
    value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasure {
    label: Option<String>,
    from: Option<String>,
    sum: Option<Spanned<String>>,
    count: Option<bool>,
    #[serde(rename = "where")]
    filter: Option<Spanned<String>>,
    window: Option<String>,
    target: Option<String>,
    default: Option<String>,
    weight: Option<Spanned<String>>,
    average: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    name: String,
    label: Option<String>,
    amount: Option<Spanned<String>>,
    when: Option<Spanned<String>>,
    pay: Option<String>,
    round: Option<bool>,
    streak: Option<RawStreak>,
    rank: Option<RawRank>,
    adjustments: Option<bool>,
    threshold: Option<RawThreshold>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThreshold {
    measure: String,
    at_least: Spanned<String>,
    award: Spanned<String>,
    per: Option<String>,
    new_clients_from: Option<String>,
    returning_after_days: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStreak {
    when: Spanned<String>,
    step: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRank {
    by: Spanned<String>,
    awards: Vec<Spanned<String>>,
    ties: String,
    among: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    period: String,
    #[serde(default)]
    data: BTreeMap<String, String>,
    #[serde(default)]
    expect: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    assess: BTreeMap<String, BTreeMap<String, String>>,
}

/// Names a manager-level expression may use besides measures, values and parameters.
pub const MANAGER_FIELDS: &[&str] = &[
    "id",
    "name",
    "org",
    "track",
    "grade",
    "tier",
    "staff_grade",
    "status",
    "hired_on",
    "trial_end",
    "left_on",
    "base_salary",
];

/// Fields of `client.` in a row expression.
pub const CLIENT_FIELDS: &[&str] = &["id", "name", "kind", "client_type", "agreement"];

/// Fields of `period.`.
pub const PERIOD_FIELDS: &[&str] = &["first_day", "last_day", "days"];

/// The policy's own functions: (name, arguments).
pub const POLICY_FUNCTIONS: &[(&str, usize)] = &[("tier", 2), ("lookup", 2)];

struct Loader<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<PolicyError>,
}

impl Loader<'_> {
    fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    fn err(&mut self, offset: usize, message: impl Into<String>) {
        let line = self.line(offset);
        self.errors.push(PolicyError {
            file: self.file.to_owned(),
            line,
            message: message.into(),
        });
    }

    fn decimal(&mut self, offset: usize, what: &str, s: &str) -> Option<Decimal> {
        match crate::parse_decimal(s) {
            Ok(d) => Some(d),
            Err(e) => {
                self.err(offset, format!("{what}: {s:?} is not a decimal ({e}); write it as a string such as \"0.015\""));
                None
            }
        }
    }

    fn date(&mut self, offset: usize, what: &str, s: &str) -> Option<NaiveDate> {
        match s.parse::<NaiveDate>() {
            Ok(d) => Some(d),
            Err(_) => {
                self.err(
                    offset,
                    format!("{what}: {s:?} is not a date; write YYYY-MM-DD"),
                );
                None
            }
        }
    }

    fn expr(&mut self, s: &Spanned<String>, what: &str) -> Option<Expr> {
        match Expr::parse(s.get_ref()) {
            Ok(e) => Some(e),
            Err(e) => {
                self.err(s.span().start, format!("{what}: {e} in {:?}", s.get_ref()));
                None
            }
        }
    }
}

impl Policy {
    /// Loads a policy from its text; `file` names it in errors. Returns every error found.
    pub fn load(file: &str, text: &str) -> Result<Policy, Vec<PolicyError>> {
        let raw: RawPolicy = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            });
            let mut message = e.message().to_owned();
            if message.contains("floating point") || message.contains("integer") {
                message.push_str("; write decimals and amounts as strings, e.g. value = \"0.015\"");
            }
            vec![PolicyError {
                file: file.to_owned(),
                line,
                message,
            }]
        })?;
        let mut l = Loader {
            file,
            text,
            errors: Vec::new(),
        };
        let frequency = Frequency::parse(raw.policy.frequency.get_ref()).unwrap_or_else(|| {
            l.err(
                raw.policy.frequency.span().start,
                "frequency is monthly, quarterly, half_yearly or annual",
            );
            Frequency::Monthly
        });
        let rounding = match &raw.policy.rounding {
            None => Rounding::FEN,
            Some(r) => Rounding::parse(r.get_ref()).unwrap_or_else(|| {
                l.err(
                    r.span().start,
                    "rounding is a mode and a step, e.g. \"half_up 0.01\" (modes: half_up 四舍五入, half_even, down, up)",
                );
                Rounding::FEN
            }),
        };

        let mut parameters = BTreeMap::new();
        for (name, p) in &raw.parameters {
            let at = p.span().start;
            let mut versions = Vec::new();
            for v in &p.get_ref().values {
                let o = v.span().start;
                let (from, value) = (
                    l.date(o, &format!("parameter {name}"), &v.get_ref().from),
                    l.decimal(o, &format!("parameter {name}"), &v.get_ref().value),
                );
                if let (Some(from), Some(value)) = (from, value) {
                    versions.push(Dated {
                        from,
                        value,
                        reference: v.get_ref().reference.clone(),
                        line: l.line(o),
                    });
                }
            }
            check_dates(&mut l, at, &format!("parameter {name}"), &versions);
            parameters.insert(
                name.clone(),
                Parameter {
                    name: name.clone(),
                    label: p.get_ref().label.clone(),
                    series: Series { versions },
                },
            );
        }

        let mut tiers = BTreeMap::new();
        for (name, t) in &raw.tiers {
            let mut versions = Vec::new();
            for v in &t.get_ref().versions {
                let o = v.span().start;
                let Some(from) = l.date(o, &format!("tiers {name}"), &v.get_ref().from) else {
                    continue;
                };
                let mut rows = Vec::new();
                for r in &v.get_ref().rows {
                    if let Some(tier) = tier_row(&mut l, name, r) {
                        rows.push(tier);
                    }
                }
                check_tiers(&mut l, o, name, &rows);
                versions.push(Dated {
                    from,
                    value: rows,
                    reference: v.get_ref().reference.clone(),
                    line: l.line(o),
                });
            }
            check_dates(&mut l, t.span().start, &format!("tiers {name}"), &versions);
            tiers.insert(
                name.clone(),
                TierTable {
                    name: name.clone(),
                    label: t.get_ref().label.clone(),
                    series: Series { versions },
                },
            );
        }

        let mut lookups = BTreeMap::new();
        for (name, t) in &raw.lookups {
            let r = t.get_ref();
            let default = match &r.default {
                Some(d) => l.decimal(t.span().start, &format!("lookups {name} default"), d),
                None => None,
            };
            let mut versions = Vec::new();
            for v in &r.versions {
                let o = v.span().start;
                let Some(from) = l.date(o, &format!("lookups {name}"), &v.get_ref().from) else {
                    continue;
                };
                let mut values = BTreeMap::new();
                for (k, val) in &v.get_ref().values {
                    if let Some(d) = l.decimal(o, &format!("lookups {name} {k}"), val) {
                        values.insert(k.clone(), d);
                    }
                }
                versions.push(Dated {
                    from,
                    value: values,
                    reference: v.get_ref().reference.clone(),
                    line: l.line(o),
                });
            }
            check_dates(
                &mut l,
                t.span().start,
                &format!("lookups {name}"),
                &versions,
            );
            lookups.insert(
                name.clone(),
                Lookup {
                    name: name.clone(),
                    label: r.label.clone(),
                    series: Series { versions },
                    default,
                },
            );
        }

        let mut measures = BTreeMap::new();
        for (name, m) in &raw.measures {
            let o = m.span().start;
            let r = m.get_ref();
            let kind = if let Some(target) = &r.target {
                let default = match &r.default {
                    Some(d) => l.decimal(o, &format!("measure {name} default"), d),
                    None => None,
                };
                Some(MeasureKind::Target {
                    measure: target.clone(),
                    default,
                })
            } else if r.from.as_deref() == Some("balances") {
                let weight = match &r.weight {
                    Some(w) => l.expr(w, &format!("measure {name} weight")).map(Some),
                    None => Some(None),
                };
                let filter = match &r.filter {
                    Some(f) => l.expr(f, &format!("measure {name} where")).map(Some),
                    None => Some(None),
                };
                let daily_average = match r.average.as_deref() {
                    Some("daily") => Some(true),
                    Some("none") => Some(false),
                    _ => {
                        l.err(o, format!("measure {name}: a balances measure says average = \"daily\" (daily average over the period) or \"none\" (sum of daily balances)"));
                        None
                    }
                };
                if r.sum.is_some() || r.count.is_some() || r.window.is_some() {
                    l.err(o, format!("measure {name}: a balances measure takes weight, where and average (not sum, count or window)"));
                }
                for e in weight.iter().flatten().chain(filter.iter().flatten()) {
                    for path in e.names() {
                        let ok = match (path[0].as_str(), path.len()) {
                            (f, 1) => {
                                ACCOUNT_FIELDS.contains(&f)
                                    || raw.parameters.contains_key(f)
                                    || raw.lookups.contains_key(f)
                            }
                            ("client", 2) => true,
                            _ => false,
                        };
                        if !ok {
                            l.err(o, format!("measure {name}: unknown name {} for an account; an account has {}, client.<column> and the policy's parameters", path.join("."), ACCOUNT_FIELDS.join(", ")));
                        }
                    }
                }
                match (weight, filter, daily_average) {
                    (Some(weight), Some(filter), Some(daily_average)) => {
                        Some(MeasureKind::Balances {
                            weight,
                            filter,
                            daily_average,
                        })
                    }
                    _ => None,
                }
            } else {
                match r.from.as_deref().map(|f| (f, Source::parse(f))) {
                    None => {
                        l.err(o, format!("measure {name}: say where it comes from: from = \"payments\" (sales, payments, bookings) with sum = \"…\" or count = true, or target = \"…\""));
                        None
                    }
                    Some((f, None)) => {
                        l.err(o, format!("measure {name}: unknown table {f:?}; use sales, payments, bookings or balances"));
                        None
                    }
                    Some((_, Some(source))) => {
                        let sum = match (&r.sum, r.count) {
                            (Some(s), None | Some(false)) => {
                                l.expr(s, &format!("measure {name} sum")).map(Some)
                            }
                            (None, Some(true)) => Some(None),
                            _ => {
                                l.err(o, format!("measure {name}: give either sum = \"column or expression\" or count = true"));
                                None
                            }
                        };
                        let filter = match &r.filter {
                            Some(f) => l.expr(f, &format!("measure {name} where")).map(Some),
                            None => Some(None),
                        };
                        let window = match r.window.as_deref() {
                            None => Some(Window::Period),
                            Some(w) => Window::parse(w).or_else(|| {
                                l.err(o, format!("measure {name}: unknown window {w:?}; use period, to_date or since_hire_days:N"));
                                None
                            }),
                        };
                        match (sum, filter, window) {
                            (Some(sum), Some(filter), Some(window)) => {
                                for e in sum.iter().chain(filter.iter()) {
                                    check_row_names(&mut l, o, name, source, e);
                                }
                                Some(MeasureKind::Sum {
                                    source,
                                    sum,
                                    filter,
                                    window,
                                })
                            }
                            _ => None,
                        }
                    }
                }
            };
            if let Some(kind) = kind {
                measures.insert(
                    name.clone(),
                    Measure {
                        name: name.clone(),
                        label: r.label.clone(),
                        kind,
                        line: l.line(o),
                    },
                );
            }
        }

        let mut values = BTreeMap::new();
        for (name, v) in &raw.values {
            if let Some(expr) = l.expr(v, &format!("value {name}")) {
                values.insert(
                    name.clone(),
                    Value {
                        name: name.clone(),
                        expr,
                        line: l.line(v.span().start),
                    },
                );
            }
        }

        // Names must be unique across measures, values and parameters.
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        let mut clashes = Vec::new();
        for (kind, names) in [
            ("parameter", parameters.keys().collect::<Vec<_>>()),
            ("measure", measures.keys().collect()),
            ("value", values.keys().collect()),
        ] {
            for n in names {
                if let Some(other) = seen.insert(n.as_str(), kind) {
                    clashes.push(format!("{n} is both a {other} and a {kind}; rename one"));
                }
                if MANAGER_FIELDS.contains(&n.as_str())
                    || ["manager", "period", "client"].contains(&n.as_str())
                {
                    clashes.push(format!("{n} is a reserved name; rename the {kind}"));
                }
            }
        }
        for c in clashes {
            l.err(0, c);
        }

        let mut items = Vec::new();
        let mut item_names = BTreeSet::new();
        for it in &raw.items {
            let o = it.span().start;
            let r = it.get_ref();
            if !item_names.insert(r.name.clone()) || r.name == "total" {
                l.err(
                    o,
                    format!(
                        "item {:?} is given twice (or is named total); item names must be unique",
                        r.name
                    ),
                );
            }
            let pay = match r.pay.as_deref() {
                None => Some(frequency),
                Some(p) => Frequency::parse(p).or_else(|| {
                    l.err(
                        o,
                        format!(
                            "item {}: pay is monthly, quarterly, half_yearly or annual",
                            r.name
                        ),
                    );
                    None
                }),
            };
            let given = [
                r.amount.is_some(),
                r.streak.is_some(),
                r.rank.is_some(),
                r.adjustments == Some(true),
                r.threshold.is_some(),
            ];
            if given.iter().filter(|g| **g).count() != 1 {
                l.err(
                    o,
                    format!(
                        "item {}: give exactly one of amount, streak, rank, threshold or adjustments = true",
                        r.name
                    ),
                );
                continue;
            }
            let kind = if let Some(a) = &r.amount {
                let amount = l.expr(a, &format!("item {} amount", r.name));
                let when = match &r.when {
                    Some(w) => l.expr(w, &format!("item {} when", r.name)).map(Some),
                    None => Some(None),
                };
                match (amount, when) {
                    (Some(amount), Some(when)) => Some(ItemKind::Formula { amount, when }),
                    _ => None,
                }
            } else if let Some(s) = &r.streak {
                let when = l.expr(&s.when, &format!("item {} streak when", r.name));
                let step = l.expr(&s.step, &format!("item {} streak step", r.name));
                match (when, step) {
                    (Some(when), Some(step)) => Some(ItemKind::Streak { when, step }),
                    _ => None,
                }
            } else if let Some(k) = &r.rank {
                let by = l.expr(&k.by, &format!("item {} rank by", r.name));
                let awards: Vec<Option<Expr>> = k
                    .awards
                    .iter()
                    .map(|a| l.expr(a, &format!("item {} rank awards", r.name)))
                    .collect();
                let ties = match k.ties.as_str() {
                    "all" => Some(Ties::All),
                    "share" => Some(Ties::Share),
                    _ => {
                        l.err(o, format!("item {}: ties is \"all\" (each tied manager gets the shared place's award) or \"share\" (tied managers split the awards of their places)", r.name));
                        None
                    }
                };
                let among = match &k.among {
                    Some(a) => l.expr(a, &format!("item {} rank among", r.name)).map(Some),
                    None => Some(None),
                };
                match (
                    by,
                    awards.into_iter().collect::<Option<Vec<_>>>(),
                    ties,
                    among,
                ) {
                    (Some(by), Some(awards), Some(ties), Some(among)) => Some(ItemKind::Rank {
                        by,
                        awards,
                        ties,
                        among,
                    }),
                    _ => None,
                }
            } else if let Some(t) = &r.threshold {
                let at_least = l.expr(&t.at_least, &format!("item {} threshold at_least", r.name));
                let award = l.expr(&t.award, &format!("item {} threshold award", r.name));
                let per_client = match t.per.as_deref() {
                    None | Some("manager") => Some(false),
                    Some("client") => Some(true),
                    Some(other) => {
                        l.err(
                            o,
                            format!("item {}: per is manager or client, not {other:?}", r.name),
                        );
                        None
                    }
                };
                let new_clients_from = match &t.new_clients_from {
                    Some(d) => l
                        .date(o, &format!("item {} new_clients_from", r.name), d)
                        .map(Some),
                    None => Some(None),
                };
                match raw.measures.get(&t.measure).map(|m| m.get_ref()) {
                    None => l.err(
                        o,
                        format!(
                            "item {}: threshold measure {} is not under [measures]",
                            r.name, t.measure
                        ),
                    ),
                    Some(m) => {
                        let cumulative = m
                            .window
                            .as_deref()
                            .and_then(Window::parse)
                            .is_some_and(Window::is_cumulative);
                        if !cumulative {
                            l.err(o, format!("item {}: threshold measure {} must be cumulative: give it window = \"to_date\" or \"since_hire_days:N\"", r.name, t.measure));
                        }
                    }
                }
                let returning_after_days = match &t.returning_after_days {
                    None => Some(None),
                    Some(d) => match d.trim().parse::<u32>() {
                        Ok(n) if n > 0 => Some(Some(n)),
                        _ => {
                            l.err(o, format!("item {}: returning_after_days is a whole number of days, e.g. \"90\"", r.name));
                            None
                        }
                    },
                };
                match (
                    at_least,
                    award,
                    per_client,
                    new_clients_from,
                    returning_after_days,
                ) {
                    (
                        Some(at_least),
                        Some(award),
                        Some(per_client),
                        Some(new_clients_from),
                        Some(returning_after_days),
                    ) => Some(ItemKind::Threshold {
                        measure: t.measure.clone(),
                        at_least,
                        award,
                        per_client,
                        new_clients_from,
                        returning_after_days,
                    }),
                    _ => None,
                }
            } else {
                Some(ItemKind::Adjustments)
            };
            if r.when.is_some() && r.amount.is_none() {
                l.err(o, format!("item {}: when goes with amount", r.name));
            }
            if let (Some(kind), Some(pay)) = (kind, pay) {
                items.push(Item {
                    name: r.name.clone(),
                    label: r.label.clone(),
                    kind,
                    pay,
                    round: r.round.unwrap_or(true),
                    line: l.line(o),
                });
            }
        }

        let mut cases = Vec::new();
        for c in &raw.cases {
            let o = c.span().start;
            let r = c.get_ref();
            let period = match r.period.parse::<Period>() {
                Ok(p) => p,
                Err(e) => {
                    l.err(o, format!("case {:?}: {e}", r.name));
                    continue;
                }
            };
            cases.push(Case {
                name: r.name.clone(),
                period,
                tables: r.data.clone(),
                expect: r.expect.clone(),
                assess: r.assess.clone(),
                line: l.line(o),
            });
        }

        let policy = Policy {
            file: file.to_owned(),
            name: raw.policy.name.clone(),
            title: raw.policy.title.clone(),
            source: raw.policy.source.clone(),
            frequency,
            rounding,
            parameters,
            tiers,
            lookups,
            measures,
            values,
            items,
            cases,
            assessment: raw
                .assessment
                .as_ref()
                .and_then(|a| load_assessment(&mut l, a)),
            report: raw
                .policy
                .report
                .as_ref()
                .map(|r| r.get_ref().clone())
                .unwrap_or_default(),
        };
        if let Some(r) = &raw.policy.report {
            for name in r.get_ref() {
                if !policy.measures.contains_key(name) && !policy.values.contains_key(name) {
                    l.err(
                        r.span().start,
                        format!("report names {name:?}, which is neither a measure nor a value of this policy"),
                    );
                }
            }
        }
        policy.check_names(&mut l);
        policy.check_assessment(&mut l);
        if l.errors.is_empty() {
            Ok(policy)
        } else {
            l.errors.sort_by_key(|e| e.line);
            Err(l.errors)
        }
    }

    /// Every name a manager-level expression uses must exist, every function be known, and
    /// values must not depend on themselves.
    fn check_names(&self, l: &mut Loader<'_>) {
        let mut exprs: Vec<(usize, String, &Expr)> = Vec::new();
        for v in self.values.values() {
            exprs.push((v.line, format!("value {}", v.name), &v.expr));
        }
        for it in &self.items {
            let what = format!("item {}", it.name);
            match &it.kind {
                ItemKind::Formula { amount, when } => {
                    exprs.push((it.line, what.clone(), amount));
                    if let Some(w) = when {
                        exprs.push((it.line, what, w));
                    }
                }
                ItemKind::Streak { when, step } => {
                    exprs.push((it.line, what.clone(), when));
                    exprs.push((it.line, what, step));
                }
                ItemKind::Rank {
                    by, among, awards, ..
                } => {
                    exprs.push((it.line, what.clone(), by));
                    for a in awards {
                        exprs.push((it.line, what.clone(), a));
                    }
                    if let Some(a) = among {
                        exprs.push((it.line, what, a));
                    }
                }
                ItemKind::Adjustments => {}
                ItemKind::Threshold {
                    at_least, award, ..
                } => {
                    exprs.push((it.line, what.clone(), at_least));
                    exprs.push((it.line, what, award));
                }
            }
        }
        for (line, what, e) in exprs {
            for path in e.names() {
                if let Some(problem) = self.manager_name_problem(&path) {
                    l.errors.push(PolicyError {
                        file: self.file.clone(),
                        line,
                        message: format!("{what}: {problem}"),
                    });
                }
            }
            for (f, n) in e.calls() {
                if let Some(problem) = function_problem(&f, n, &self.tiers) {
                    l.errors.push(PolicyError {
                        file: self.file.clone(),
                        line,
                        message: format!("{what}: {problem}"),
                    });
                }
            }
            if let Some(t) = table_argument_problem(e, &self.tiers, &self.lookups) {
                l.errors.push(PolicyError {
                    file: self.file.clone(),
                    line,
                    message: format!("{what}: {t}"),
                });
            }
        }
        // Cycles among values.
        for v in self.values.values() {
            let mut stack = vec![v.name.clone()];
            if let Some(cycle) = self.find_cycle(&v.expr, &mut stack) {
                l.errors.push(PolicyError {
                    file: self.file.clone(),
                    line: v.line,
                    message: format!("value {} depends on itself: {}", v.name, cycle.join(" → ")),
                });
            }
        }
    }

    fn find_cycle(&self, e: &Expr, stack: &mut Vec<String>) -> Option<Vec<String>> {
        for path in e.names() {
            if path.len() != 1 {
                continue;
            }
            let n = &path[0];
            if let Some(v) = self.values.get(n) {
                if stack.contains(n) {
                    let mut c = stack.clone();
                    c.push(n.clone());
                    return Some(c);
                }
                stack.push(n.clone());
                if let Some(c) = self.find_cycle(&v.expr, stack) {
                    return Some(c);
                }
                stack.pop();
            }
        }
        None
    }

    fn manager_name_problem(&self, path: &[String]) -> Option<String> {
        let first = path[0].as_str();
        match (first, path.len()) {
            ("manager", 2) if MANAGER_FIELDS.contains(&path[1].as_str()) => None,
            ("manager", 2) => None, // further columns of the managers file are read as text
            ("period", 2) if PERIOD_FIELDS.contains(&path[1].as_str()) => None,
            ("client", 2) => None, // only meaningful in per-client thresholds; checked when evaluated
            (_, 1)
                if self.parameters.contains_key(first)
                    || self.measures.contains_key(first)
                    || self.values.contains_key(first)
                    || self.tiers.contains_key(first)
                    || self.lookups.contains_key(first) =>
            {
                None
            }
            _ => Some(format!(
                "unknown name {}; a name is a measure, a value, a parameter, a table (inside tier() or lookup()), manager.<column> or period.first_day/last_day/days",
                path.join(".")
            )),
        }
    }
}

fn function_problem(name: &str, n: usize, _tiers: &BTreeMap<String, TierTable>) -> Option<String> {
    if let Some((_, arity)) = POLICY_FUNCTIONS.iter().find(|(f, _)| *f == name) {
        return (*arity != n).then(|| format!("{name} takes {arity} arguments"));
    }
    if name == "if" || BUILTINS.iter().any(|(f, _, _)| *f == name) {
        return None;
    }
    let known: Vec<&str> = BUILTINS
        .iter()
        .map(|(f, _, _)| *f)
        .chain(POLICY_FUNCTIONS.iter().map(|(f, _)| *f))
        .collect();
    Some(format!(
        "unknown function {name}; the functions are {}",
        known.join(", ")
    ))
}

fn table_argument_problem(
    e: &Expr,
    tiers: &BTreeMap<String, TierTable>,
    lookups: &BTreeMap<String, Lookup>,
) -> Option<String> {
    let recurse = |a: &Expr| table_argument_problem(a, tiers, lookups);
    match e {
        Expr::Call(name, args) if name == "tier" || name == "lookup" => {
            let ok = match args.first() {
                Some(Expr::Name(p)) if p.len() == 1 => {
                    if name == "tier" {
                        tiers.contains_key(&p[0])
                    } else {
                        lookups.contains_key(&p[0])
                    }
                }
                _ => false,
            };
            if ok {
                args.iter().skip(1).find_map(recurse)
            } else if name == "tier" {
                Some("the first argument of tier() is the name of a table under [tiers]".to_owned())
            } else {
                Some(
                    "the first argument of lookup() is the name of a table under [lookups]"
                        .to_owned(),
                )
            }
        }
        Expr::Neg(a) | Expr::Not(a) => recurse(a),
        Expr::Bin(_, a, b) => recurse(a).or_else(|| recurse(b)),
        Expr::Call(_, args) => args.iter().find_map(recurse),
        _ => None,
    }
}

fn check_row_names(l: &mut Loader<'_>, offset: usize, measure: &str, source: Source, e: &Expr) {
    for path in e.names() {
        // client.<column> and manager.<column> may name further columns of those files.
        let ok = match (path[0].as_str(), path.len()) {
            (f, 1) => source.fields().contains(&f),
            ("client" | "manager", 2) => true,
            _ => false,
        };
        if !ok {
            l.err(
                offset,
                format!(
                    "measure {measure}: unknown name {} for a row of {}; the row has {}, client.<column> and manager.<column>",
                    path.join("."),
                    source.name(),
                    source.fields().join(", ")
                ),
            );
        }
    }
}

fn tier_row(l: &mut Loader<'_>, table: &str, r: &Spanned<RawTierRow>) -> Option<Tier> {
    let o = r.span().start;
    let row = r.get_ref();
    let what = format!("tiers {table}");
    if row.from.is_some() && row.above.is_some() {
        l.err(
            o,
            format!("{what}: a row has either from (inclusive) or above (exclusive), not both"),
        );
        return None;
    }
    if row.below.is_some() && row.through.is_some() {
        l.err(
            o,
            format!("{what}: a row has either below (exclusive) or through (inclusive), not both"),
        );
        return None;
    }
    let mut bound = |s: &Option<String>, inclusive: bool| -> Option<Option<(Decimal, bool)>> {
        match s {
            None => Some(None),
            Some(s) => l.decimal(o, &what, s).map(|d| Some((d, inclusive))),
        }
    };
    let lower = match (&row.from, &row.above) {
        (Some(_), _) => bound(&row.from, true)?,
        (_, Some(_)) => bound(&row.above, false)?,
        _ => None,
    };
    let upper = match (&row.below, &row.through) {
        (Some(_), _) => bound(&row.below, false)?,
        (_, Some(_)) => bound(&row.through, true)?,
        _ => None,
    };
    let value = l.decimal(o, &what, &row.value)?;
    Some(Tier {
        lower,
        upper,
        value,
        line: l.line(o),
    })
}

/// Tiers must be in ascending order, cover the whole line without a gap, and not overlap.
fn check_tiers(l: &mut Loader<'_>, offset: usize, table: &str, rows: &[Tier]) {
    if rows.is_empty() {
        l.err(offset, format!("tiers {table}: a version needs rows"));
        return;
    }
    if rows[0].lower.is_some() {
        l.err(offset, format!("tiers {table}: the first row has no lower bound, so that every input has a tier (write below = … only)"));
    }
    if rows[rows.len() - 1].upper.is_some() {
        l.err(offset, format!("tiers {table}: the last row has no upper bound, so that every input has a tier (write from = … or above = … only)"));
    }
    for w in rows.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        match (a.upper, b.lower) {
            (Some((x, a_inc)), Some((y, b_inc))) if x == y && a_inc != b_inc => {}
            (Some((x, a_inc)), Some((y, _))) if x == y => {
                let what = if a_inc { "overlap" } else { "gap" };
                l.errors.push(PolicyError {
                    file: l.file.to_owned(),
                    line: b.line,
                    message: format!(
                        "tiers {table}: {} and {} {what} at {}: one side of a bound must be inclusive and the other exclusive (through/above or below/from)",
                        a.describe(),
                        b.describe(),
                        x.normalize()
                    ),
                });
            }
            _ => {
                l.errors.push(PolicyError {
                    file: l.file.to_owned(),
                    line: b.line,
                    message: format!(
                        "tiers {table}: {} must start where {} ends (rows in ascending order, no gap, no overlap)",
                        b.describe(),
                        a.describe()
                    ),
                });
            }
        }
    }
}

fn check_dates<T>(l: &mut Loader<'_>, offset: usize, what: &str, versions: &[Dated<T>]) {
    if versions.is_empty() {
        l.err(
            offset,
            format!("{what}: needs at least one value with from, value and ref"),
        );
    }
    for w in versions.windows(2) {
        if w[1].from <= w[0].from {
            l.errors.push(PolicyError {
                file: l.file.to_owned(),
                line: w[1].line,
                message: format!(
                    "{what}: values are listed by ascending from date; {} is not after {}",
                    w[1].from, w[0].from
                ),
            });
        }
    }
}

impl Policy {
    /// A copy of the policy with one value changed, for a what-if run:
    /// `NAME=VALUE` (a parameter, in effect throughout), `tier.TABLE.N=VALUE` (the value of row N,
    /// counting from 1, in every version of the table), `lookup.TABLE.KEY=VALUE`.
    pub fn with_override(&self, setting: &str) -> Result<Policy, String> {
        let (key, value) = setting.split_once('=').ok_or_else(|| {
            format!("{setting:?}: write NAME=VALUE, tier.TABLE.N=VALUE or lookup.TABLE.KEY=VALUE")
        })?;
        let value = crate::parse_decimal(value).map_err(|e| format!("{setting:?}: {e}"))?;
        let mut p = self.clone();
        let parts: Vec<&str> = key.trim().splitn(3, '.').collect();
        match parts.as_slice() {
            ["tier", table, row] => {
                let t = p
                    .tiers
                    .get_mut(*table)
                    .ok_or_else(|| format!("no tier table {table}"))?;
                let n: usize = row
                    .parse()
                    .map_err(|_| format!("{setting:?}: the row is a number from 1"))?;
                for v in &mut t.series.versions {
                    let r = v
                        .value
                        .get_mut(n.wrapping_sub(1))
                        .ok_or_else(|| format!("tiers {table} has no row {n}"))?;
                    r.value = value;
                    v.reference = format!("what-if {setting}");
                }
            }
            ["lookup", table, k] => {
                let t = p
                    .lookups
                    .get_mut(*table)
                    .ok_or_else(|| format!("no lookup table {table}"))?;
                for v in &mut t.series.versions {
                    v.value.insert((*k).to_owned(), value);
                    v.reference = format!("what-if {setting}");
                }
            }
            [name] => {
                let param = p
                    .parameters
                    .get_mut(*name)
                    .ok_or_else(|| format!("no parameter {name}"))?;
                let from = param
                    .series
                    .versions
                    .first()
                    .map_or(NaiveDate::MIN, |v| v.from);
                param.series.versions = vec![Dated {
                    from,
                    value,
                    reference: format!("what-if {setting}"),
                    line: 0,
                }];
            }
            _ => {
                return Err(format!(
                    "{setting:?}: write NAME=VALUE, tier.TABLE.N=VALUE or lookup.TABLE.KEY=VALUE"
                ));
            }
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
[policy]
name = "t"
frequency = "monthly"

[parameters.rate]
values = [
  { from = "2013-01-01", value = "0.015", ref = "doc 1" },
  { from = "2014-01-01", value = "0.02", ref = "doc 2" },
]

[tiers.commission]
versions = [{ from = "2013-01-01", ref = "doc", rows = [
  { below = "0.5", value = "0.06" },
  { from = "0.5", below = "1", value = "0.10" },
  { from = "1", through = "1.5", value = "0.15" },
  { above = "1.5", value = "0.20" },
] }]

[measures.paid]
from = "payments"
sum = "gross_profit"

[measures.qty_target]
target = "quantity"

[values]
completion = "paid / qty_target"

[[items]]
name = "提成"
amount = "paid * tier(commission, completion)"
"#;

    #[test]
    fn a_good_policy_loads() {
        let p = Policy::load("t.toml", OK).unwrap();
        let t = &p.tiers["commission"].series.versions[0].value;
        let find = |x: &str| {
            t.iter()
                .find(|r| r.contains(x.parse().unwrap()))
                .unwrap()
                .value
                .to_string()
        };
        assert_eq!(find("0.4999"), "0.06");
        assert_eq!(find("0.5"), "0.10");
        assert_eq!(find("1"), "0.15");
        assert_eq!(find("1.5"), "0.15");
        assert_eq!(find("1.5001"), "0.20");
        let rate = &p.parameters["rate"].series;
        assert_eq!(
            rate.at("2013-12-31".parse().unwrap())
                .unwrap()
                .value
                .to_string(),
            "0.015"
        );
        assert!(
            rate.at("2012-12-31".parse().unwrap())
                .unwrap_err()
                .contains("first value takes effect on 2013-01-01")
        );
    }

    fn errors(text: &str) -> String {
        Policy::load("p.toml", text)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn overlapping_or_gapped_tiers_are_refused_with_the_line() {
        let e = errors(&OK.replace(
            r#"{ above = "1.5", value = "0.20" }"#,
            r#"{ from = "1.5", value = "0.20" }"#,
        ));
        assert!(
            e.contains("p.toml:17:") && e.contains("overlap at 1.5"),
            "{e}"
        );
        let e = errors(&OK.replace(
            r#"{ from = "0.5", below = "1", value = "0.10" }"#,
            r#"{ from = "0.5", below = "0.9", value = "0.10" }"#,
        ));
        assert!(e.contains("must start where"), "{e}");
    }

    #[test]
    fn floats_unknown_names_and_bad_expressions_are_refused() {
        let e = errors(&OK.replace(r#"value = "0.015""#, "value = 0.015"));
        assert!(
            e.contains("p.toml:8:") && e.contains("write decimals and amounts as strings"),
            "{e}"
        );
        let e = errors(&OK.replace("paid / qty_target", "paid / qty_targte"));
        assert!(e.contains("unknown name qty_targte"), "{e}");
        let e = errors(&OK.replace("paid * tier(commission, completion)", "paid * (completion"));
        assert!(e.contains("p.toml:32:") && e.contains("expected )"), "{e}");
        let e = errors(&OK.replace("paid / qty_target", "completion * 2"));
        assert!(e.contains("depends on itself"), "{e}");
        let e = errors(&OK.replace(r#"sum = "gross_profit""#, r#"sum = "gross_proft""#));
        assert!(
            e.contains("unknown name gross_proft for a row of payments"),
            "{e}"
        );
    }

    #[test]
    fn rounding_is_declared() {
        let r = Rounding::parse("half_up 0.01").unwrap();
        assert_eq!(
            r.apply("44040.385".parse().unwrap()).to_string(),
            "44040.39"
        );
        assert_eq!(r.apply("-0.005".parse().unwrap()).to_string(), "-0.01");
        let even = Rounding::parse("half_even 0.01").unwrap();
        assert_eq!(even.apply("0.125".parse().unwrap()).to_string(), "0.12");
        let yuan = Rounding::parse("down 1").unwrap();
        assert_eq!(yuan.apply("99.99".parse().unwrap()).to_string(), "99");
        assert!(Rounding::parse("half_up").is_none());
    }
}

// ---- assessment (考核) ----

/// A grade decision of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Decision {
    Promote,
    Keep,
    Demote,
    Dismiss,
    /// End of a trainee or trial period: confirmed (in the grade the rule says).
    Confirm,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Decision> {
        Some(match s {
            "promote" | "晋级" => Decision::Promote,
            "keep" | "保级" | "维持" => Decision::Keep,
            "demote" | "降级" => Decision::Demote,
            "dismiss" | "解聘" => Decision::Dismiss,
            "confirm" | "转正" | "定级" => Decision::Confirm,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            Decision::Promote => "promote",
            Decision::Keep => "keep",
            Decision::Demote => "demote",
            Decision::Dismiss => "dismiss",
            Decision::Confirm => "confirm",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Decision::Promote => "晋级",
            Decision::Keep => "保级",
            Decision::Demote => "降级",
            Decision::Dismiss => "解聘",
            Decision::Confirm => "转正定级",
        }
    }
}

/// How equal scores rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankTies {
    /// Equal scores share a rank and the next rank is skipped (1, 1, 3).
    Shared,
    /// Equal scores are ordered by manager id (1, 2, 3).
    ById,
}

/// A dimension (维度) of a scorecard and its weight in the total.
#[derive(Debug, Clone, PartialEq)]
pub struct Dimension {
    pub name: String,
    pub weight: Decimal,
    pub line: usize,
}

/// An item of a scorecard: computed from measures, or scored by raters.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreItem {
    pub dimension: String,
    pub name: String,
    pub max: Decimal,
    /// The scoring standard (评分标准) shown to raters and to the person assessed.
    pub standard: Option<String>,
    /// Quantitative: the score as an expression (capped at `max`).
    pub score: Option<Expr>,
    /// Qualitative: from the scores table, combined over the raters' relations by weight.
    pub rated: bool,
    pub line: usize,
}

/// A scorecard for one kind of period.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    pub name: String,
    pub period: Frequency,
    pub dimensions: Vec<Dimension>,
    pub items: Vec<ScoreItem>,
    pub line: usize,
}

/// A grade rule: the first whose `when` holds decides.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeRule {
    pub decision: Decision,
    /// The kind of period the rule decides on (e.g. grades change only on the annual result);
    /// `None`: every assessed period.
    pub period: Option<Frequency>,
    pub when: Expr,
    /// The grade after the decision, when it is not the next/previous/same grade.
    pub to: Option<Expr>,
    pub reason: Option<String>,
    pub line: usize,
}

/// Raters (360°): each relation's weight, and which relations must have rated.
#[derive(Debug, Clone, PartialEq)]
pub struct Raters {
    /// relation code (self, superior, peer, subordinate) → weight; the weights sum to 1.
    pub weights: BTreeMap<String, Decimal>,
    pub required: Vec<String>,
    pub line: usize,
}

/// The assessment part of a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Who is assessed among the managers in post (default: all), e.g. to leave out a track
    /// that is not assessed as customer managers.
    pub assessed: Option<Expr>,
    /// The manager field ranks are computed within (e.g. `grade`); `None`: everyone together.
    pub rank_within: Option<String>,
    pub ties: RankTies,
    /// Scores are rounded half up to this many decimals.
    pub decimals: u32,
    pub raters: Option<Raters>,
    /// Grades from lowest to highest (next/previous grade).
    pub ladder: Vec<String>,
    pub scorecards: Vec<Scorecard>,
    pub rules: Vec<GradeRule>,
    pub line: usize,
}

impl Assessment {
    /// The scorecard for periods like `p`.
    pub fn scorecard_for(&self, p: Period) -> Option<&Scorecard> {
        self.scorecards.iter().find(|s| s.period.matches(p))
    }

    pub fn scorecard_of(&self, f: Frequency) -> Option<&Scorecard> {
        self.scorecards.iter().find(|s| s.period == f)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssessment {
    assessed: Option<Spanned<String>>,
    rank_within: Option<String>,
    ties: Option<Spanned<String>>,
    decimals: Option<u32>,
    raters: Option<Spanned<RawRaters>>,
    #[serde(default)]
    ladder: Vec<String>,
    #[serde(default)]
    scorecards: Vec<Spanned<RawScorecard>>,
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRaters {
    #[serde(rename = "self")]
    self_: Option<String>,
    superior: Option<String>,
    peer: Option<String>,
    subordinate: Option<String>,
    #[serde(default)]
    required: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScorecard {
    name: String,
    period: String,
    #[serde(default)]
    dimensions: Vec<Spanned<RawDimension>>,
    #[serde(default)]
    items: Vec<Spanned<RawScoreItem>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDimension {
    name: String,
    weight: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScoreItem {
    dimension: String,
    name: String,
    max: String,
    standard: Option<String>,
    score: Option<Spanned<String>>,
    #[serde(default)]
    rated: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    decision: String,
    period: Option<String>,
    when: Spanned<String>,
    to: Option<Spanned<String>>,
    reason: Option<String>,
}

/// Names an assessment expression may use besides the policy's own.
pub const ASSESSMENT_NAMES: &[&str] = &[
    "score",
    "rank",
    "group_size",
    "next_grade",
    "previous_grade",
];

/// Functions of assessment expressions: (name, arguments).
pub const ASSESSMENT_FUNCTIONS: &[(&str, usize)] = &[
    ("item", 1),
    ("dimension", 1),
    ("average_of", 1),
    ("streak", 1),
    ("contains", 2),
];

fn load_assessment(l: &mut Loader<'_>, raw: &Spanned<RawAssessment>) -> Option<Assessment> {
    let o = raw.span().start;
    let r = raw.get_ref();
    let dec = |l: &mut Loader<'_>, o: usize, s: &str, what: &str| -> Option<Decimal> {
        match crate::parse_decimal(s) {
            Ok(d) => Some(d),
            Err(e) => {
                l.err(o, format!("{what}: {e}"));
                None
            }
        }
    };
    let ties = match r.ties.as_ref().map(|t| t.get_ref().as_str()) {
        None | Some("shared") => RankTies::Shared,
        Some("by_id") => RankTies::ById,
        Some(other) => {
            l.err(
                r.ties.as_ref().map_or(o, |t| t.span().start),
                format!("assessment ties {other:?}: use shared (equal scores share a rank: 1, 1, 3) or by_id"),
            );
            RankTies::Shared
        }
    };
    let raters = r.raters.as_ref().map(|rr| {
        let ro = rr.span().start;
        let x = rr.get_ref();
        let mut weights = BTreeMap::new();
        for (rel, w) in [
            ("self", &x.self_),
            ("superior", &x.superior),
            ("peer", &x.peer),
            ("subordinate", &x.subordinate),
        ] {
            if let Some(w) = w
                && let Some(d) = dec(l, ro, w, &format!("raters {rel}"))
            {
                weights.insert(rel.to_owned(), d);
            }
        }
        let sum: Decimal = weights.values().copied().sum();
        if sum != Decimal::ONE {
            l.err(
                ro,
                format!(
                    "assessment raters: the weights sum to {}, not 1",
                    sum.normalize()
                ),
            );
        }
        for q in &x.required {
            if !weights.contains_key(q) {
                l.err(
                    ro,
                    format!("assessment raters: required {q:?} has no weight"),
                );
            }
        }
        Raters {
            weights,
            required: x.required.clone(),
            line: l.line(ro),
        }
    });
    let mut scorecards: Vec<Scorecard> = Vec::new();
    for sc in &r.scorecards {
        let so = sc.span().start;
        let s = sc.get_ref();
        let Some(period) = Frequency::parse(&s.period) else {
            l.err(
                so,
                format!(
                    "scorecard {}: period is monthly, quarterly, half_yearly or annual",
                    s.name
                ),
            );
            continue;
        };
        if scorecards.iter().any(|x| x.period == period) {
            l.err(
                so,
                format!(
                    "scorecard {}: there is already a {} scorecard",
                    s.name,
                    period.name()
                ),
            );
        }
        let mut dimensions = Vec::new();
        for d in &s.dimensions {
            let dd = d.get_ref();
            let weight = match &dd.weight {
                Some(w) => dec(l, d.span().start, w, &format!("dimension {}", dd.name))
                    .unwrap_or(Decimal::ONE),
                None => Decimal::ONE,
            };
            if dimensions.iter().any(|x: &Dimension| x.name == dd.name) {
                l.err(d.span().start, format!("dimension {} twice", dd.name));
            }
            dimensions.push(Dimension {
                name: dd.name.clone(),
                weight,
                line: l.line(d.span().start),
            });
        }
        let mut items: Vec<ScoreItem> = Vec::new();
        for it in &s.items {
            let io = it.span().start;
            let i = it.get_ref();
            if !dimensions.iter().any(|d| d.name == i.dimension) {
                l.err(
                    io,
                    format!(
                        "item {}: no dimension {:?} in scorecard {}",
                        i.name, i.dimension, s.name
                    ),
                );
            }
            if items.iter().any(|x| x.name == i.name) {
                l.err(io, format!("item {} twice in scorecard {}", i.name, s.name));
            }
            let max = dec(l, io, &i.max, &format!("item {} max", i.name)).unwrap_or(Decimal::ZERO);
            let score = i
                .score
                .as_ref()
                .and_then(|e| l.expr(e, &format!("item {} score", i.name)));
            match (i.score.is_some(), i.rated) {
                (true, true) => l.err(io, format!("item {}: either score = \"…\" (computed) or rated = true (by raters), not both", i.name)),
                (false, false) => l.err(io, format!("item {}: say how it is scored: score = \"…\" (computed) or rated = true (by raters)", i.name)),
                (false, true) if raters.is_none() => l.err(io, format!("item {}: rated items need [assessment.raters] with each relation's weight", i.name)),
                _ => {}
            }
            items.push(ScoreItem {
                dimension: i.dimension.clone(),
                name: i.name.clone(),
                max,
                standard: i.standard.clone(),
                score,
                rated: i.rated,
                line: l.line(io),
            });
        }
        scorecards.push(Scorecard {
            name: s.name.clone(),
            period,
            dimensions,
            items,
            line: l.line(so),
        });
    }
    if scorecards.is_empty() {
        l.err(
            o,
            "an [assessment] needs at least one [[assessment.scorecards]]",
        );
    }
    let mut rules = Vec::new();
    for ru in &r.rules {
        let ro = ru.span().start;
        let x = ru.get_ref();
        let Some(decision) = Decision::parse(&x.decision) else {
            l.err(
                ro,
                format!(
                    "rule decision {:?}: use promote, keep, demote, dismiss or confirm",
                    x.decision
                ),
            );
            continue;
        };
        let period = match &x.period {
            None => None,
            Some(p) => match Frequency::parse(p) {
                Some(f) => Some(f),
                None => {
                    l.err(
                        ro,
                        format!("rule period {p:?}: use monthly, quarterly, half_yearly or annual"),
                    );
                    None
                }
            },
        };
        let when = l.expr(&x.when, "rule when");
        let to = x.to.as_ref().and_then(|t| l.expr(t, "rule to"));
        if let Some(when) = when {
            rules.push(GradeRule {
                decision,
                period,
                when,
                to,
                reason: x.reason.clone(),
                line: l.line(ro),
            });
        }
    }
    let assessed = r
        .assessed
        .as_ref()
        .and_then(|e| l.expr(e, "assessment assessed"));
    Some(Assessment {
        assessed,
        rank_within: r.rank_within.clone().filter(|s| !s.is_empty()),
        ties,
        decimals: r.decimals.unwrap_or(2),
        raters,
        ladder: r.ladder.clone(),
        scorecards,
        rules,
        line: l.line(o),
    })
}

impl Policy {
    /// Names and functions of the assessment's expressions.
    fn check_assessment(&self, l: &mut Loader<'_>) {
        let Some(a) = &self.assessment else { return };
        let mut exprs: Vec<(usize, String, &Expr)> = Vec::new();
        if let Some(e) = &a.assessed {
            exprs.push((a.line, "assessment assessed".to_owned(), e));
        }
        for s in &a.scorecards {
            for i in &s.items {
                if let Some(e) = &i.score {
                    exprs.push((i.line, format!("item {}", i.name), e));
                }
            }
        }
        for r in &a.rules {
            exprs.push((r.line, format!("rule {}", r.decision.code()), &r.when));
            if let Some(t) = &r.to {
                exprs.push((r.line, format!("rule {} to", r.decision.code()), t));
            }
        }
        for (line, what, e) in exprs {
            for path in e.names() {
                if path.len() == 1 && ASSESSMENT_NAMES.contains(&path[0].as_str()) {
                    continue;
                }
                if let Some(problem) = self.manager_name_problem(&path) {
                    l.errors.push(PolicyError {
                        file: self.file.clone(),
                        line,
                        message: format!("{what}: {problem} (or score, rank, group_size, next_grade, previous_grade)"),
                    });
                }
            }
            for (f, n) in e.calls() {
                if let Some((_, arity)) = ASSESSMENT_FUNCTIONS.iter().find(|(x, _)| *x == f) {
                    if *arity != n {
                        l.errors.push(PolicyError {
                            file: self.file.clone(),
                            line,
                            message: format!("{what}: {f} takes {arity} argument(s)"),
                        });
                    }
                    continue;
                }
                if let Some(problem) = function_problem(&f, n, &self.tiers) {
                    l.errors.push(PolicyError {
                        file: self.file.clone(),
                        line,
                        message: format!("{what}: {problem}; in an assessment also item, dimension, average_of, streak, contains"),
                    });
                }
            }
        }
    }
}
