//! Money: an exact amount of yuan, held as a whole number of fen (0.01 yuan).

use crate::decimal::{DecimalError, parse_decimal};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An exact amount of money in yuan, to the fen. Arithmetic is checked: an overflow is an error,
/// never a wrap. Money is never added to a ratio, a rate or a score.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Money {
    fen: i64,
}

/// Why a text or a computation is not money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("{0}")]
    Decimal(#[from] DecimalError),
    #[error("an amount has at most two decimals (fen); got {0}")]
    TooPrecise(String),
    #[error("amount out of range")]
    Overflow,
}

impl Money {
    pub const ZERO: Money = Money { fen: 0 };

    pub const fn from_fen(fen: i64) -> Self {
        Money { fen }
    }

    pub const fn fen(self) -> i64 {
        self.fen
    }

    /// Parses `2936025.64`, `2,936,025.64`, `-1.5`. More than two decimals is an error, since
    /// rounding is a policy decision and never happens silently on input.
    pub fn parse(text: &str) -> Result<Self, MoneyError> {
        if let Some(m) = Self::parse_plain(text.as_bytes()) {
            return Ok(m);
        }
        let d = parse_decimal(text)?;
        Self::try_from_decimal(d).map_err(|e| match e {
            MoneyError::TooPrecise(_) => MoneyError::TooPrecise(text.trim().to_owned()),
            other => other,
        })
    }

    /// The common case without allocation: `-?digits(.d{0,2})?`, at most 15 integer digits.
    fn parse_plain(b: &[u8]) -> Option<Self> {
        let (neg, b) = match b.first() {
            Some(b'-') => (true, &b[1..]),
            _ => (false, b),
        };
        let (int, frac) = match b.iter().position(|&c| c == b'.') {
            Some(i) => (&b[..i], &b[i + 1..]),
            None => (b, &b[b.len()..]),
        };
        if int.is_empty() || int.len() > 15 || frac.len() > 2 {
            return None;
        }
        let mut fen: i64 = 0;
        for &c in int {
            if !c.is_ascii_digit() {
                return None;
            }
            fen = fen * 10 + i64::from(c - b'0');
        }
        let mut scale = 100;
        for &c in frac {
            if !c.is_ascii_digit() {
                return None;
            }
            scale /= 10;
            fen = fen * 10 + i64::from(c - b'0');
        }
        fen *= scale;
        Some(Money::from_fen(if neg { -fen } else { fen }))
    }

    /// Converts an exact decimal with at most two decimals.
    pub fn try_from_decimal(d: Decimal) -> Result<Self, MoneyError> {
        let d = d.normalize();
        if d.scale() > 2 {
            return Err(MoneyError::TooPrecise(d.to_string()));
        }
        let fen = d
            .checked_mul(Decimal::ONE_HUNDRED)
            .ok_or(MoneyError::Overflow)?;
        let fen: i64 = fen.try_into().map_err(|_| MoneyError::Overflow)?;
        Ok(Money { fen })
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.fen, 2)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.fen.checked_add(other.fen).map(Money::from_fen)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.fen.checked_sub(other.fen).map(Money::from_fen)
    }

    pub fn is_zero(self) -> bool {
        self.fen == 0
    }
}

impl Money {
    /// Splits `total` in proportion to `weights` (non-negative, not all zero) so that the
    /// parts add up to exactly `total`: each part is its exact share rounded down to the fen,
    /// and the leftover fen go one each to the largest remainders, ties to the earlier weight.
    /// Deterministic; `None` if the weights are all zero or one is negative.
    pub fn allocate(total: Money, weights: &[rust_decimal::Decimal]) -> Option<Vec<Money>> {
        use rust_decimal::Decimal;
        let sum: Decimal = weights.iter().copied().sum();
        if sum <= Decimal::ZERO || weights.iter().any(|w| *w < Decimal::ZERO) {
            return None;
        }
        let fen = Decimal::from(total.fen);
        let mut parts = Vec::with_capacity(weights.len());
        let mut remainders = Vec::with_capacity(weights.len());
        for (i, w) in weights.iter().enumerate() {
            let exact = fen.checked_mul(*w)? / sum;
            let floor = exact.floor();
            parts.push(i64::try_from(floor).ok()?);
            remainders.push((exact - floor, i));
        }
        let given: i64 = parts.iter().sum();
        let mut left = total.fen - given;
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut k = 0;
        while left > 0 && !remainders.is_empty() {
            parts[remainders[k % remainders.len()].1] += 1;
            left -= 1;
            k += 1;
        }
        Some(parts.into_iter().map(Money::from_fen).collect())
    }
}

impl fmt::Display for Money {
    /// `2936025.64`, `-0.50`, `0.00`: two decimals, `-` for negatives, no separators.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.fen < 0 { "-" } else { "" };
        let abs = self.fen.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl TryFrom<String> for Money {
    type Error = MoneyError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Money::parse(&s)
    }
}

impl From<Money> for String {
    fn from(m: Money) -> String {
        m.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_to_the_fen_and_prints_two_decimals() {
        assert_eq!(Money::parse("2,936,025.64").unwrap().fen(), 293_602_564);
        assert_eq!(Money::parse("4605.1").unwrap().to_string(), "4605.10");
        assert_eq!(Money::parse("-0.5").unwrap().to_string(), "-0.50");
        assert_eq!(Money::parse("0").unwrap().to_string(), "0.00");
        assert_eq!(Money::parse("1.230").unwrap().to_string(), "1.23");
        assert_eq!(Money::parse("-12.3").unwrap().fen(), -1230);
        assert_eq!(Money::parse("7.").unwrap().fen(), 700);
        assert_eq!(Money::parse("0.05").unwrap().fen(), 5);
        assert!(Money::parse("1.2.3").is_err());
        assert!(Money::parse("-").is_err());
    }

    #[test]
    fn allocation_hands_out_leftover_fen_deterministically() {
        let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
        let parts = Money::allocate(Money::from_fen(100), &[d("1"), d("1"), d("1")]).unwrap();
        assert_eq!(
            parts,
            vec![
                Money::from_fen(34),
                Money::from_fen(33),
                Money::from_fen(33)
            ]
        );
        let parts = Money::allocate(Money::from_fen(1000), &[d("0.6"), d("0.4")]).unwrap();
        assert_eq!(parts, vec![Money::from_fen(600), Money::from_fen(400)]);
        assert!(Money::allocate(Money::from_fen(1), &[d("0")]).is_none());
    }

    proptest::proptest! {
        #[test]
        fn allocated_parts_add_up_and_stay_within_a_fen(
            total in 0i64..10_000_000_000,
            weights in proptest::collection::vec(0u32..1_000_000, 1..12),
        ) {
            proptest::prop_assume!(weights.iter().any(|w| *w > 0));
            let w: Vec<rust_decimal::Decimal> = weights.iter().map(|x| rust_decimal::Decimal::from(*x)).collect();
            let parts = Money::allocate(Money::from_fen(total), &w).unwrap();
            proptest::prop_assert_eq!(parts.iter().map(|p| p.fen()).sum::<i64>(), total);
            let sum: rust_decimal::Decimal = w.iter().copied().sum();
            for (p, wi) in parts.iter().zip(&w) {
                let exact = rust_decimal::Decimal::from(total) * wi / sum;
                proptest::prop_assert!((rust_decimal::Decimal::from(p.fen()) - exact).abs() < rust_decimal::Decimal::ONE);
            }
        }
    }

    #[test]
    fn refuses_sub_fen_amounts_and_overflow() {
        assert!(matches!(
            Money::parse("1.005"),
            Err(MoneyError::TooPrecise(_))
        ));
        assert!(matches!(
            Money::parse("999999999999999999999"),
            Err(MoneyError::Overflow)
        ));
        assert!(
            Money::from_fen(i64::MAX)
                .checked_add(Money::from_fen(1))
                .is_none()
        );
    }
}
