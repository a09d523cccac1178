//! Policy-wide settings: how often a policy settles (`Frequency`) and how amounts are rounded.

use crate::period::Period;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::fmt;

/// How often a policy settles, or an item falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Monthly,
    Quarterly,
    HalfYearly,
    Annual,
}

impl Frequency {
    pub(super) fn parse(s: &str) -> Option<Frequency> {
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

    pub(super) fn parse(s: &str) -> Option<Rounding> {
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
