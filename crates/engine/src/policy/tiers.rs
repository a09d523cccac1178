//! Tier tables: rows of values between bounds, how a row is read and how the rows are checked.

use super::PolicyError;
use super::loader::Loader;
use super::parameters::Series;
use super::raw::RawTierRow;
use rust_decimal::Decimal;
use toml::Spanned;

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

#[derive(Debug, Clone, PartialEq)]
pub struct TierTable {
    pub name: String,
    pub label: Option<String>,
    pub series: Series<Vec<Tier>>,
}

pub(super) fn tier_row(l: &mut Loader<'_>, table: &str, r: &Spanned<RawTierRow>) -> Option<Tier> {
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
pub(super) fn check_tiers(l: &mut Loader<'_>, offset: usize, table: &str, rows: &[Tier]) {
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
