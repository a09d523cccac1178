//! One clock for every "today": the organisation's time zone (Asia/Shanghai by default), so
//! that a day does not change between 00:00 and 08:00 in China depending on which part asks.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};

/// The clock of a store: a time zone and, for tests, a fixed instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    offset: FixedOffset,
    fixed: Option<DateTime<Utc>>,
}

/// China Standard Time, UTC+8 all year (no daylight saving since 1991).
const SHANGHAI_SECONDS: i32 = 8 * 3600;

impl Default for Clock {
    fn default() -> Self {
        Clock {
            offset: FixedOffset::east_opt(SHANGHAI_SECONDS).unwrap_or_else(|| Utc.fix()),
            fixed: None,
        }
    }
}

impl Clock {
    /// A clock in the named zone: `Asia/Shanghai` (also `Asia/Chongqing`, `Asia/Hong_Kong`,
    /// `PRC`, `CST`), `UTC`, or a fixed offset such as `+08:00`.
    pub fn in_zone(zone: &str) -> Result<Clock, String> {
        let z = zone.trim();
        let seconds = match z {
            "Asia/Shanghai" | "Asia/Chongqing" | "Asia/Harbin" | "Asia/Hong_Kong"
            | "Asia/Macau" | "Asia/Taipei" | "PRC" | "CST" => SHANGHAI_SECONDS,
            "UTC" | "Etc/UTC" | "Z" => 0,
            _ => parse_offset(z).ok_or_else(|| {
                format!("time zone {z:?}: write Asia/Shanghai, UTC, or an offset such as +08:00")
            })?,
        };
        let offset = FixedOffset::east_opt(seconds)
            .ok_or_else(|| format!("time zone {z:?}: offset out of range"))?;
        Ok(Clock {
            offset,
            fixed: None,
        })
    }

    /// The same clock stopped at `at` (tests).
    pub fn fixed_at(self, at: DateTime<Utc>) -> Clock {
        Clock {
            fixed: Some(at),
            ..self
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.fixed.unwrap_or_else(Utc::now)
    }

    /// Now in the organisation's time zone.
    pub fn local_now(&self) -> DateTime<FixedOffset> {
        self.now().with_timezone(&self.offset)
    }

    /// Today in the organisation's time zone.
    pub fn today(&self) -> NaiveDate {
        self.local_now().date_naive()
    }
}

fn parse_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let h: i32 = h.parse().ok()?;
    let m: i32 = m.parse().ok()?;
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn shanghai_day_begins_at_16_utc() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 30, 17, 0, 0)
            .single()
            .unwrap();
        let c = Clock::default().fixed_at(at);
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        let u = Clock::in_zone("UTC").unwrap().fixed_at(at);
        assert_eq!(u.today(), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(
            Clock::in_zone("+05:30").unwrap().offset.local_minus_utc(),
            19800
        );
        assert!(Clock::in_zone("Mars/Olympus").is_err());
    }
}
