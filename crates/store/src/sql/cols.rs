//! Decoding a row read with [`Conn::query`](super::Conn::query): each column as the row type
//! says, or a [`DbError`] naming the table and the column.

use super::{DbError, Val};
use chrono::{NaiveDate, NaiveDateTime};
use kejing_engine::Ratio;
use rust_decimal::Decimal;

/// The columns of one row read from a table, decoded with errors instead of defaults: a NULL
/// or a value of another type where the row type says otherwise is a [`DbError`] naming the
/// table and the column's position.
pub struct Cols<'a> {
    table: &'static str,
    row: &'a [Val],
}

impl<'a> Cols<'a> {
    pub fn new(table: &'static str, row: &'a [Val]) -> Self {
        Cols { table, row }
    }

    fn get(&self, i: usize) -> Result<&'a Val, DbError> {
        self.row
            .get(i)
            .ok_or_else(|| self.bad(i, "a column", "nothing"))
    }

    fn bad(&self, i: usize, want: &str, got: &str) -> DbError {
        DbError {
            context: format!("reading a row of {}", self.table),
            message: format!("column {} should be {want}, found {got}", i + 1),
        }
    }

    pub fn int(&self, i: usize) -> Result<i64, DbError> {
        let v = self.get(i)?;
        v.as_i64()
            .ok_or_else(|| self.bad(i, "an integer", &format!("{v:?}")))
    }

    pub fn opt_int(&self, i: usize) -> Option<i64> {
        self.row.get(i).and_then(Val::as_i64)
    }

    pub fn text(&self, i: usize) -> Result<String, DbError> {
        let v = self.get(i)?;
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| self.bad(i, "text", &format!("{v:?}")))
    }

    pub fn opt_text(&self, i: usize) -> Option<String> {
        self.row.get(i).and_then(Val::as_str).map(str::to_owned)
    }

    pub fn date(&self, i: usize) -> Result<NaiveDate, DbError> {
        let v = self.get(i)?;
        v.as_date()
            .ok_or_else(|| self.bad(i, "a date", &format!("{v:?}")))
    }

    pub fn opt_date(&self, i: usize) -> Option<NaiveDate> {
        self.row.get(i).and_then(Val::as_date)
    }

    pub fn dec(&self, i: usize) -> Result<Decimal, DbError> {
        let v = self.get(i)?;
        v.as_dec()
            .ok_or_else(|| self.bad(i, "a decimal", &format!("{v:?}")))
    }

    /// An ownership ratio, which the ledger's rules keep in (0, 1].
    pub fn ratio(&self, i: usize) -> Result<Ratio, DbError> {
        let d = self.dec(i)?;
        Ratio::new(d).map_err(|_| self.bad(i, "a ratio in (0, 1]", &d.to_string()))
    }

    pub fn opt_dec(&self, i: usize) -> Option<Decimal> {
        self.row.get(i).and_then(Val::as_dec)
    }

    pub fn bool(&self, i: usize) -> Result<bool, DbError> {
        let v = self.get(i)?;
        v.as_bool()
            .ok_or_else(|| self.bad(i, "a boolean", &format!("{v:?}")))
    }

    /// A boolean column that may be NULL (e.g. from a LEFT JOIN).
    pub fn opt_bool(&self, i: usize) -> Option<bool> {
        self.row.get(i).and_then(Val::as_bool)
    }

    pub fn datetime(&self, i: usize) -> Result<NaiveDateTime, DbError> {
        match self.get(i)? {
            Val::DateTime(t) => Ok(*t),
            v => Err(self.bad(i, "a date and time", &format!("{v:?}"))),
        }
    }

    /// A JSON column (read as [`Ty::Json`](super::Ty::Json)).
    pub fn json(&self, i: usize) -> Result<serde_json::Value, DbError> {
        match self.get(i)? {
            Val::Json(j) => Ok(j.clone()),
            v => Err(self.bad(i, "JSON", &format!("{v:?}"))),
        }
    }

    pub fn opt_json(&self, i: usize) -> Option<serde_json::Value> {
        match self.row.get(i) {
            Some(Val::Json(j)) => Some(j.clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_null_or_mistyped_column_is_an_error_naming_the_table_and_column() {
        let row = [Val::Int(7), Val::Null, Val::text("x")];
        let c = Cols::new("managers", &row);
        assert_eq!(c.int(0).unwrap(), 7);
        let e = c.text(1).unwrap_err().to_string();
        assert!(e.contains("managers") && e.contains("column 2"), "{e}");
        let e = c.int(2).unwrap_err().to_string();
        assert!(e.contains("column 3 should be an integer"), "{e}");
        assert!(c.date(3).is_err(), "a missing column");
        assert_eq!(c.opt_text(1), None);
        let ratio = [Val::Dec(Decimal::new(15, 1))];
        assert!(Cols::new("ownership", &ratio).ratio(0).is_err());
    }
}
