//! Parsing dates and time stamps as the data files write them.

use super::Reason;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// Parses `YYYY-MM-DD` (also `YYYY/MM/DD` and `YYYYMMDD`); the day must exist.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    date_reason(text).map_err(|r| r.english)
}

/// Parses `YYYY-MM-DD HH:MM` (seconds allowed; `T` accepted instead of the space).
pub fn parse_datetime(text: &str) -> Result<NaiveDateTime, String> {
    datetime_reason(text).map_err(|r| r.english)
}

/// A day that is not in the calendar (2026-02-30).
fn not_a_day(t: &str) -> Reason {
    Reason::new(
        "date-not-in-calendar",
        format!("{t} is not a day of the calendar"),
    )
    .arg("value", t)
}

/// Like [`parse_date`], with the coded reason.
pub(crate) fn date_reason(text: &str) -> Result<NaiveDate, Reason> {
    let t = text.trim();
    let b = t.as_bytes();
    // The common case, YYYY-MM-DD, without splitting.
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let digit = |i: usize| b[i].is_ascii_digit().then(|| u32::from(b[i] - b'0'));
        let n =
            |r: std::ops::Range<usize>| r.map(digit).try_fold(0u32, |acc, d| Some(acc * 10 + d?));
        if let (Some(y), Some(m), Some(d)) = (n(0..4), n(5..7), n(8..10)) {
            return NaiveDate::from_ymd_opt(i32::try_from(y).unwrap_or(0), m, d)
                .ok_or_else(|| not_a_day(t));
        }
    }
    let num = |s: &[u8]| -> Option<u32> {
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        s.iter().try_fold(0u32, |acc, d| {
            acc.checked_mul(10)?.checked_add(u32::from(d - b'0'))
        })
    };
    let parts: Option<(u32, u32, u32)> = if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        match (num(&b[0..4]), num(&b[4..6]), num(&b[6..8])) {
            (Some(y), Some(m), Some(d)) => Some((y, m, d)),
            _ => None,
        }
    } else {
        let sep = if t.contains('-') { '-' } else { '/' };
        let mut it = t.split(sep);
        match (it.next(), it.next(), it.next(), it.next()) {
            (Some(y), Some(m), Some(d), None) if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => {
                match (num(y.as_bytes()), num(m.as_bytes()), num(d.as_bytes())) {
                    (Some(y), Some(m), Some(d)) => Some((y, m, d)),
                    _ => None,
                }
            }
            _ => None,
        }
    };
    let bad = || {
        Reason::new(
            "date-invalid",
            "not a date: write YYYY-MM-DD, e.g. 2026-09-16",
        )
    };
    let (y, m, d) = parts.ok_or_else(bad)?;
    let year = i32::try_from(y).map_err(|_| bad())?;
    NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| not_a_day(t))
}

/// Like [`parse_datetime`], with the coded reason.
pub(crate) fn datetime_reason(text: &str) -> Result<NaiveDateTime, Reason> {
    let t = text.trim();
    let (d, time) = t.split_once([' ', 'T']).ok_or_else(|| {
        Reason::new(
            "timestamp-invalid",
            "not a time stamp: write YYYY-MM-DD HH:MM, e.g. 2026-09-16 18:30",
        )
    })?;
    let date = date_reason(d)?;
    let time = NaiveTime::parse_from_str(time.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(time.trim(), "%H:%M:%S"))
        .map_err(|_| {
            Reason::new(
                "time-invalid",
                format!("{time:?} is not a time of day: write HH:MM, e.g. 18:30"),
            )
            .arg("value", time.trim())
        })?;
    Ok(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_exist() {
        assert_eq!(parse_date("2026-09-16").unwrap().to_string(), "2026-09-16");
        assert_eq!(parse_date("2026/9/1").unwrap().to_string(), "2026-09-01");
        assert_eq!(parse_date("20260901").unwrap().to_string(), "2026-09-01");
        assert!(parse_date("2026-02-30").unwrap_err().contains("not a day"));
        assert!(parse_date("16.09.2026").is_err());
        assert!(parse_date("2026-09-16x").is_err());
        assert_eq!(
            parse_datetime("2026-09-16 18:30").unwrap().to_string(),
            "2026-09-16 18:30:00"
        );
        assert!(parse_datetime("2026-09-16").is_err());
    }
}
