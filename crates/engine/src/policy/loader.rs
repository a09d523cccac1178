//! The loader: errors collected with their TOML line, and parsing of decimals, dates and expressions.

use super::PolicyError;
use crate::expr::Expr;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use toml::Spanned;

pub(super) struct Loader<'a> {
    pub(super) file: &'a str,
    pub(super) text: &'a str,
    pub(super) errors: Vec<PolicyError>,
}

impl Loader<'_> {
    pub(super) fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    pub(super) fn err(&mut self, offset: usize, message: impl Into<String>) {
        let line = self.line(offset);
        self.errors.push(PolicyError {
            file: self.file.to_owned(),
            line,
            message: message.into(),
        });
    }

    pub(super) fn decimal(&mut self, offset: usize, what: &str, s: &str) -> Option<Decimal> {
        match crate::parse_decimal(s) {
            Ok(d) => Some(d),
            Err(e) => {
                self.err(offset, format!("{what}: {s:?} is not a decimal ({e}); write it as a string such as \"0.015\""));
                None
            }
        }
    }

    pub(super) fn date(&mut self, offset: usize, what: &str, s: &str) -> Option<NaiveDate> {
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

    pub(super) fn expr(&mut self, s: &Spanned<String>, what: &str) -> Option<Expr> {
        match Expr::parse(s.get_ref()) {
            Ok(e) => Some(e),
            Err(e) => {
                self.err(s.span().start, format!("{what}: {e} in {:?}", s.get_ref()));
                None
            }
        }
    }
}
