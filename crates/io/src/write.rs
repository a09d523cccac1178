//! Writing a table to CSV or XLSX with the canonical headers.

use crate::tables::Table;
use std::path::Path;

/// Writes rows of text cells under the table's canonical headers. The format follows the
/// extension: `.xlsx` writes a workbook with one sheet named like the table, anything else CSV
/// (UTF-8, no BOM). In XLSX, numeric columns are written as number cells when the value has at
/// most 15 significant digits (so that Excel shows exactly the same number), otherwise as text.
pub fn write_table(path: &Path, table: Table, rows: &[Vec<String>]) -> Result<(), String> {
    let headers: Vec<&str> = table.columns().iter().map(|c| c.name).collect();
    let is_xlsx = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if is_xlsx {
        write_xlsx(path, table, &headers, rows)
    } else {
        let mut w = csv::Writer::from_path(path)
            .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
        let numeric: Vec<bool> = table.columns().iter().map(|c| c.numeric).collect();
        w.write_record(&headers)
            .and_then(|()| {
                rows.iter().try_for_each(|r| {
                    w.write_record(r.iter().enumerate().map(|(c, v)| {
                        csv_cell(v, numeric.get(c).copied().unwrap_or(false)).into_owned()
                    }))
                })
            })
            .and_then(|()| w.flush().map_err(csv::Error::from))
            .map_err(|e| format!("{}: cannot write: {e}", path.display()))
    }
}

/// A CSV cell that a spreadsheet will not run as a formula: text starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'` (OWASP's advice against CSV injection).
/// A number in a numeric column (`-100.00`) is left as it is.
fn csv_cell(v: &str, numeric: bool) -> std::borrow::Cow<'_, str> {
    let risky = v.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if !risky || (numeric && kejing_engine::parse_decimal(v).is_ok()) {
        std::borrow::Cow::Borrowed(v)
    } else {
        std::borrow::Cow::Owned(format!("'{v}"))
    }
}

fn write_xlsx(
    path: &Path,
    table: Table,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<(), String> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| format!("{}: cannot write: {e}", path.display());
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name(table.name()).map_err(err)?;
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        let col = u16::try_from(c).map_err(|_| "too many columns".to_owned())?;
        sheet
            .write_string_with_format(0, col, *h, &bold)
            .map_err(err)?;
    }
    let numeric: Vec<bool> = table.columns().iter().map(|c| c.numeric).collect();
    for (r, row) in rows.iter().enumerate() {
        let rn = u32::try_from(r + 1).map_err(|_| "too many rows for a sheet".to_owned())?;
        for (c, v) in row.iter().enumerate() {
            let col = u16::try_from(c).map_err(|_| "too many columns".to_owned())?;
            if v.is_empty() {
                continue;
            }
            match numeric
                .get(c)
                .copied()
                .unwrap_or(false)
                .then(|| as_exact_number(v))
                .flatten()
            {
                Some(n) => sheet.write_number(rn, col, n).map_err(err)?,
                None => sheet.write_string(rn, col, v).map_err(err)?,
            };
        }
    }
    wb.save(path).map_err(err)
}

/// A decimal text as a spreadsheet number, only when the number cell shows exactly that
/// decimal again (at most 15 significant digits). This converts a format; no arithmetic.
fn as_exact_number(v: &str) -> Option<f64> {
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    if digits == 0 || digits > 15 {
        return None;
    }
    let n: f64 = v.parse().ok()?;
    let back = format!("{n}");
    let same = kejing_engine::parse_decimal(&back).ok()? == kejing_engine::parse_decimal(v).ok()?;
    same.then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_start_a_formula() {
        assert_eq!(csv_cell("=cmd|' /C calc'!A0", false), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_cell("@SUM(A1)", false), "'@SUM(A1)");
        assert_eq!(csv_cell("+1", false), "'+1");
        assert_eq!(csv_cell("\tx", false), "'\tx");
        assert_eq!(csv_cell("-100.00", true), "-100.00");
        assert_eq!(csv_cell("-1+1", true), "'-1+1");
        assert_eq!(csv_cell("张三", false), "张三");
    }
}
