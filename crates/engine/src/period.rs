//! Settlement and assessment periods: a month `2026-09`, a quarter `2026-Q3`, a half year
//! `2026-H2` or a year `2026`.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
    Half { year: i32, half: u32 },
    Year { year: i32 },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a period: {0:?} (write 2026-09, 2026-Q3, 2026-H2 or 2026)")]
pub struct PeriodError(pub String);

impl Period {
    /// The first day of the period.
    pub fn first_day(self) -> NaiveDate {
        let (y, m) = match self {
            Period::Month { year, month } => (year, month),
            Period::Quarter { year, quarter } => (year, quarter * 3 - 2),
            Period::Half { year, half } => (year, half * 6 - 5),
            Period::Year { year } => (year, 1),
        };
        first_of_month(y, m)
    }

    /// The last day of the period (inclusive).
    pub fn last_day(self) -> NaiveDate {
        let (y, m) = match self {
            Period::Month { year, month } => (year, month),
            Period::Quarter { year, quarter } => (year, quarter * 3),
            Period::Half { year, half } => (year, half * 6),
            Period::Year { year } => (year, 12),
        };
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        first_of_month(ny, nm).pred_opt().unwrap_or(NaiveDate::MIN)
    }

    /// Number of calendar days in the period.
    pub fn days(self) -> i64 {
        (self.last_day() - self.first_day()).num_days() + 1
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.first_day() <= day && day <= self.last_day()
    }

    /// The month that contains a day.
    pub fn month_of(day: NaiveDate) -> Period {
        Period::Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// The period of the same kind just before this one.
    pub fn previous(self) -> Period {
        match self {
            Period::Month { year, month: 1 } => Period::Month {
                year: year - 1,
                month: 12,
            },
            Period::Month { year, month } => Period::Month {
                year,
                month: month - 1,
            },
            Period::Quarter { year, quarter: 1 } => Period::Quarter {
                year: year - 1,
                quarter: 4,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter - 1,
            },
            Period::Half { year, half: 1 } => Period::Half {
                year: year - 1,
                half: 2,
            },
            Period::Half { year, half } => Period::Half {
                year,
                half: half - 1,
            },
            Period::Year { year } => Period::Year { year: year - 1 },
        }
    }
}

fn first_of_month(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let err = || PeriodError(s.to_owned());
        let parse_year = |y: &str| -> Result<i32, PeriodError> {
            if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) {
                y.parse::<i32>().map_err(|_| err())
            } else {
                Err(err())
            }
        };
        match t.split_once('-') {
            None => Ok(Period::Year {
                year: parse_year(t)?,
            }),
            Some((y, rest)) => {
                let year = parse_year(y)?;
                let num = |r: &str, max: u32| -> Result<u32, PeriodError> {
                    if r.is_empty() || r.len() > 2 || !r.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(err());
                    }
                    let n: u32 = r.parse().map_err(|_| err())?;
                    if (1..=max).contains(&n) {
                        Ok(n)
                    } else {
                        Err(err())
                    }
                };
                if let Some(q) = rest.strip_prefix(['Q', 'q']) {
                    Ok(Period::Quarter {
                        year,
                        quarter: num(q, 4)?,
                    })
                } else if let Some(h) = rest.strip_prefix(['H', 'h']) {
                    Ok(Period::Half {
                        year,
                        half: num(h, 2)?,
                    })
                } else if rest.len() == 2 {
                    Ok(Period::Month {
                        year,
                        month: num(rest, 12)?,
                    })
                } else {
                    Err(err())
                }
            }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Period::Half { year, half } => write!(f, "{year:04}-H{half}"),
            Period::Year { year } => write!(f, "{year:04}"),
        }
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn parses_every_kind_and_prints_it_back() {
        for s in ["2026-09", "2026-Q3", "2026-H2", "2026"] {
            assert_eq!(s.parse::<Period>().unwrap().to_string(), s);
        }
        for bad in [
            "2026-13",
            "2026-Q5",
            "2026-H3",
            "26-09",
            "2026-9",
            "",
            "2026-09-01",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn knows_its_days() {
        let feb: Period = "2024-02".parse().unwrap();
        assert_eq!(feb.days(), 29);
        let q3: Period = "2026-Q3".parse().unwrap();
        assert_eq!(
            (q3.first_day(), q3.last_day()),
            (d("2026-07-01"), d("2026-09-30"))
        );
        assert_eq!(q3.days(), 92);
        let y: Period = "2026".parse().unwrap();
        assert_eq!(y.last_day(), d("2026-12-31"));
        assert_eq!(
            "2026-01".parse::<Period>().unwrap().previous().to_string(),
            "2025-12"
        );
        assert!(
            "2026-H2"
                .parse::<Period>()
                .unwrap()
                .contains(d("2026-07-01"))
        );
    }
}
