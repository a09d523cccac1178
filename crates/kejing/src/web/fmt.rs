//! How numbers and amounts are shown: thousands separators, 万元, dates YYYY-MM-DD.

use kejing_engine::Money;
use rust_decimal::Decimal;

fn group(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Fen as yuan with thousands separators: `1,234,567.89`, `-0.05`.
pub fn money(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", group(&(abs / 100).to_string()), abs % 100)
}

pub fn amount(m: Money) -> String {
    money(m.fen())
}

/// Fen as 万元 with two decimals, rounded half up: `123.46`.
pub fn wan(fen: i64) -> String {
    // 1 万元 = 1,000,000 fen; two decimals of it = 10,000 fen.
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    let hundredths = (abs + 5_000) / 10_000;
    format!(
        "{sign}{}.{:02}",
        group(&(hundredths / 100).to_string()),
        hundredths % 100
    )
}

/// A decimal with thousands separators, as many decimals as it has (at most `max`).
pub fn decimal(d: Decimal, max: u32) -> String {
    let r = d.round_dp(max).normalize();
    let s = r.abs().to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let sign = if r.is_sign_negative() && !r.is_zero() {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{}", group(int))
    } else {
        format!("{sign}{}.{frac}", group(int))
    }
}

/// A ratio as a percentage with one decimal: `87.5%`.
pub fn percent(part: Decimal, whole: Decimal) -> Option<String> {
    if whole.is_zero() {
        return None;
    }
    let p = (part * Decimal::ONE_HUNDRED / whole).round_dp(1);
    Some(format!("{p:.1}%"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_wan() {
        assert_eq!(money(0), "0.00");
        assert_eq!(money(5), "0.05");
        assert_eq!(money(-5), "-0.05");
        assert_eq!(money(123_456_789), "1,234,567.89");
        assert_eq!(money(100_000), "1,000.00");
        assert_eq!(wan(1_234_567_890), "1,234.57");
        assert_eq!(wan(4_999), "0.00");
        assert_eq!(wan(5_000), "0.01");
        assert_eq!(wan(-1_000_000), "-1.00");
        assert_eq!(decimal(Decimal::new(12_345_678, 2), 2), "123,456.78");
        assert_eq!(decimal(Decimal::new(-1000, 0), 2), "-1,000");
        assert_eq!(
            percent(Decimal::new(7, 0), Decimal::new(8, 0)).as_deref(),
            Some("87.5%")
        );
        assert_eq!(percent(Decimal::ONE, Decimal::ZERO), None);
    }
}
