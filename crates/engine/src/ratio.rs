//! Allocation ratios (分配比例): exact shares of one piece of business, in (0, 1].

use crate::decimal::{DecimalError, parse_decimal};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An allocation ratio: an exact decimal greater than 0 and at most 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ratio(Decimal);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatioError {
    #[error("{0}")]
    Decimal(#[from] DecimalError),
    #[error("a ratio is greater than 0 and at most 1 (e.g. 0.6); got {0}")]
    OutOfRange(String),
}

impl Ratio {
    pub const ONE: Ratio = Ratio(Decimal::ONE);

    pub fn parse(text: &str) -> Result<Self, RatioError> {
        Self::new(parse_decimal(text)?)
    }

    pub fn new(d: Decimal) -> Result<Self, RatioError> {
        if d <= Decimal::ZERO || d > Decimal::ONE {
            return Err(RatioError::OutOfRange(d.to_string()));
        }
        Ok(Ratio(d.normalize()))
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<String> for Ratio {
    type Error = RatioError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Ratio::parse(&s)
    }
}

impl From<Ratio> for String {
    fn from(r: Ratio) -> String {
        r.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_exact_and_bounded() {
        assert_eq!(Ratio::parse("0.60").unwrap().to_string(), "0.6");
        assert_eq!(Ratio::parse("1").unwrap(), Ratio::ONE);
        assert!(Ratio::parse("0").is_err());
        assert!(Ratio::parse("1.01").is_err());
        assert!(Ratio::parse("-0.4").is_err());
    }
}
