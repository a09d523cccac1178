//! `RowCursor`: one data row being parsed into a record, cell by cell, with every bad cell recorded.

use super::columns::ColumnMap;
use super::dates::{date_reason, datetime_reason};
use super::{Reason, RowError};
use chrono::{NaiveDate, NaiveDateTime};
use csv::StringRecord;
use kejing_engine::{Code, Money, Period, Ratio, parse_decimal};
use rust_decimal::Decimal;

/// One data row being parsed into a record. Accessors return `None` for an empty cell, and
/// also for a bad one, which they record as an error.
pub struct RowCursor<'a> {
    pub row: usize,
    pub(super) rec: &'a StringRecord,
    pub(super) map: &'a ColumnMap,
    pub(super) errors: Vec<RowError>,
}

impl<'a> RowCursor<'a> {
    pub(super) fn header(&self, column: &str) -> String {
        self.map
            .index(column)
            .and_then(|i| self.map.fields[i].as_ref())
            .map_or_else(|| column.to_owned(), |(_, h)| h.clone())
    }

    pub fn fail(&mut self, column: &str, value: &str, reason: Reason) {
        let column = self.header(column);
        self.errors
            .push(RowError::new(self.row, column, value, reason));
    }

    /// The trimmed cell, `None` if the column is absent or the cell empty.
    pub fn raw(&self, column: &str) -> Option<&'a str> {
        let i = self.map.index(column)?;
        let (field, _) = self.map.fields[i].as_ref()?;
        let v = self.rec.get(*field)?.trim();
        (!v.is_empty()).then_some(v)
    }

    fn required(&mut self, column: &str) -> Option<&'a str> {
        let v = self.raw(column);
        if v.is_none() {
            self.fail(column, "", Reason::required());
        }
        v
    }

    fn parsed<T, E: Into<Reason>>(
        &mut self,
        column: &str,
        v: Option<&str>,
        f: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let v = v?;
        match f(v) {
            Ok(x) => Some(x),
            Err(e) => {
                self.fail(column, v, e.into());
                None
            }
        }
    }

    /// An optional value read by `f`; a value `f` refuses is an error of the row.
    pub fn parse_with<T>(
        &mut self,
        column: &str,
        f: impl FnOnce(&str) -> Result<T, Reason>,
    ) -> Option<T> {
        let v = self.raw(column);
        self.parsed(column, v, f)
    }

    pub fn text(&mut self, column: &str) -> Option<String> {
        self.raw(column).map(str::to_owned)
    }

    pub fn req_text(&mut self, column: &str) -> Option<String> {
        self.required(column).map(str::to_owned)
    }

    pub fn code(&mut self, column: &str) -> Option<Code> {
        let v = self.raw(column);
        self.parsed(column, v, Code::parse)
    }

    pub fn req_code(&mut self, column: &str) -> Option<Code> {
        let v = self.required(column);
        self.parsed(column, v, Code::parse)
    }

    pub fn date(&mut self, column: &str) -> Option<NaiveDate> {
        let v = self.raw(column);
        self.parsed(column, v, date_reason)
    }

    pub fn req_date(&mut self, column: &str) -> Option<NaiveDate> {
        let v = self.required(column);
        self.parsed(column, v, date_reason)
    }

    pub fn req_datetime(&mut self, column: &str) -> Option<NaiveDateTime> {
        let v = self.required(column);
        self.parsed(column, v, datetime_reason)
    }

    pub fn money(&mut self, column: &str) -> Option<Money> {
        let v = self.raw(column);
        self.parsed(column, v, Money::parse)
    }

    pub fn req_money(&mut self, column: &str) -> Option<Money> {
        let v = self.required(column);
        self.parsed(column, v, Money::parse)
    }

    pub fn decimal(&mut self, column: &str) -> Option<Decimal> {
        let v = self.raw(column);
        self.parsed(column, v, parse_decimal)
    }

    pub fn req_decimal(&mut self, column: &str) -> Option<Decimal> {
        let v = self.required(column);
        self.parsed(column, v, parse_decimal)
    }

    pub fn req_ratio(&mut self, column: &str) -> Option<Ratio> {
        let v = self.required(column);
        self.parsed(column, v, Ratio::parse)
    }

    pub fn req_period(&mut self, column: &str) -> Option<Period> {
        let v = self.required(column);
        self.parsed(column, v, |s| s.parse::<Period>())
    }

    pub fn int(&mut self, column: &str) -> Option<i64> {
        let v = self.raw(column);
        self.parsed(column, v, |s| {
            s.parse::<i64>()
                .map_err(|_| Reason::new("not-whole-number", "not a whole number (e.g. 12)"))
        })
    }

    pub fn flag(&mut self, column: &str) -> Option<bool> {
        let v = self.raw(column);
        self.parsed(column, v, |s| {
            kejing_engine::model::parse_flag(s).ok_or_else(|| {
                Reason::new(
                    "not-yes-no",
                    "not a yes/no value (write true or false, 是 or 否)",
                )
            })
        })
    }

    /// A value from a closed vocabulary: `expected` says what is accepted in English,
    /// `choices` lists the accepted values.
    pub fn vocab<T>(
        &mut self,
        column: &str,
        parse: fn(&str) -> Option<T>,
        expected: fn() -> String,
        choices: fn() -> String,
    ) -> Option<T> {
        let v = self.raw(column);
        self.parsed(column, v, |s| {
            parse(s).ok_or_else(|| Reason::not_one_of(expected(), choices()))
        })
    }

    /// Cells under headers that are not columns of the table, by header.
    pub fn extras(&self) -> Vec<(String, String)> {
        self.map
            .extras
            .iter()
            .filter_map(|(i, h)| {
                let v = self.rec.get(*i)?.trim();
                (!v.is_empty()).then(|| (h.clone(), v.to_owned()))
            })
            .collect()
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}
