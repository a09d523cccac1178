//! Exact decimal parsing shared by money, ratios, rates and quantities.

use rust_decimal::Decimal;
use std::str::FromStr;

/// Why a text is not a decimal number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("empty value")]
    Empty,
    #[error("not a decimal number (use digits with an optional '.' and '-', e.g. 2936025.64)")]
    Invalid,
    #[error("thousands separators are misplaced (write 2,936,025.64 or 2936025.64)")]
    BadSeparators,
    #[error("too many digits for an exact decimal (at most 28 significant digits)")]
    TooLarge,
}

/// Parses a plainly written decimal number exactly: `2936025.64`, `-0.5`, `+3`, and with
/// thousands separators `2,936,025.64`. Exponents, `NaN`, spaces inside the number and
/// floating-point artefacts are rejected. Leading and trailing spaces are trimmed.
pub fn parse_decimal(text: &str) -> Result<Decimal, DecimalError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(DecimalError::Empty);
    }
    let (sign, body) = match t.as_bytes()[0] {
        b'-' => ("-", &t[1..]),
        b'+' => ("", &t[1..]),
        _ => ("", t),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
        return Err(DecimalError::Invalid);
    }
    let int_digits: String = if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let first_ok = groups
            .first()
            .is_some_and(|g| !g.is_empty() && g.len() <= 3);
        let rest_ok = groups.iter().skip(1).all(|g| g.len() == 3);
        if !first_ok || !rest_ok {
            return Err(DecimalError::BadSeparators);
        }
        groups.concat()
    } else {
        int_part.to_owned()
    };
    if !int_digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DecimalError::Invalid);
    }
    if let Some(f) = frac_part
        && !f.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(DecimalError::Invalid);
    }
    let int_digits = if int_digits.is_empty() {
        "0"
    } else {
        &int_digits
    };
    let normal = match frac_part {
        Some(f) if !f.is_empty() => format!("{sign}{int_digits}.{f}"),
        _ => format!("{sign}{int_digits}"),
    };
    Decimal::from_str(&normal).map_err(|_| DecimalError::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_grouped_numbers_exactly() {
        assert_eq!(
            parse_decimal("2936025.64").unwrap().to_string(),
            "2936025.64"
        );
        assert_eq!(
            parse_decimal("2,936,025.64").unwrap().to_string(),
            "2936025.64"
        );
        assert_eq!(parse_decimal(" -0.5 ").unwrap().to_string(), "-0.5");
        assert_eq!(parse_decimal("+3").unwrap().to_string(), "3");
        assert_eq!(parse_decimal(".25").unwrap().to_string(), "0.25");
        assert_eq!(parse_decimal("4605.1").unwrap().to_string(), "4605.1");
    }

    #[test]
    fn rejects_what_is_not_a_plain_number() {
        assert_eq!(parse_decimal(""), Err(DecimalError::Empty));
        assert_eq!(parse_decimal("1e5"), Err(DecimalError::Invalid));
        assert_eq!(parse_decimal("abc"), Err(DecimalError::Invalid));
        assert_eq!(parse_decimal("1 000"), Err(DecimalError::Invalid));
        assert_eq!(parse_decimal("29,36,025"), Err(DecimalError::BadSeparators));
        assert_eq!(parse_decimal("."), Err(DecimalError::Invalid));
        assert_eq!(parse_decimal("-"), Err(DecimalError::Invalid));
        assert_eq!(parse_decimal("NaN"), Err(DecimalError::Invalid));
    }
}
