//! Effective-dated values: parameters and lookup tables, and the check of their dates.

use super::PolicyError;
use super::loader::Loader;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

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
    /// The range the source allows (inclusive), e.g. 8 %–15 % for Cixi's incremental pay
    /// rate: a value outside is a load-time error, and a what-if outside it is refused.
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
}

impl Parameter {
    /// Why `v` is outside the parameter's bounds, if it is.
    pub fn out_of_bounds(&self, v: Decimal) -> Option<String> {
        let below = self.min.is_some_and(|m| v < m);
        let above = self.max.is_some_and(|m| v > m);
        (below || above).then(|| {
            let show =
                |b: Option<Decimal>| b.map_or("…".to_owned(), |d| d.normalize().to_string());
            format!(
                "parameter {}: {} is outside its bounds {} to {}{}",
                self.name,
                v.normalize(),
                show(self.min),
                show(self.max),
                self.label
                    .as_ref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default()
            )
        })
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

pub(super) fn check_dates<T>(l: &mut Loader<'_>, offset: usize, what: &str, versions: &[Dated<T>]) {
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
