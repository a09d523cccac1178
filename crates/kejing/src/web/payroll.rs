//! The payroll workbook (提成工资表) of a settlement run: a header block (organisation,
//! period, run, policy, status, who submitted, approved and locked it, when), one row per
//! manager with one column per item, a subtotal per unit and a total row, and a signature
//! block. Amounts are numbers with two decimals; a run that is not locked says 草稿 on the
//! sheet and on every printed page.

use super::AppError;
use super::i18n::I18n;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use serde_json::Value;
use std::collections::BTreeMap;

/// The columns before the items: manager code, name, unit, grade.
const LEAD: [&str; 4] = ["manager", "name", "unit", "grade"];

fn xe(e: XlsxError) -> AppError {
    AppError::internal(format!("writing XLSX: {e}"))
}

/// The width a text takes in a spreadsheet column: a CJK character counts as two.
fn text_width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

/// An amount as a spreadsheet number. The file format keeps numbers as IEEE doubles; an amount
/// of up to 15 significant digits converts exactly (its shortest decimal form is the same
/// text), which is checked here; a longer one is written as its exact text instead.
pub(super) enum Cell {
    Number(f64),
    Text(String),
}

pub(super) fn amount_cell(d: Decimal) -> Cell {
    use rust_decimal::prelude::ToPrimitive;
    let exact = d.round_dp(2).normalize();
    match exact.to_f64() {
        Some(f) if f.to_string().parse::<Decimal>().ok() == Some(exact) => Cell::Number(f),
        _ => Cell::Text(exact.to_string()),
    }
}

fn parse(v: &Value) -> Option<Decimal> {
    v.as_str().and_then(|s| s.parse::<Decimal>().ok())
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    widths: BTreeMap<u16, usize>,
    money: Format,
    money_bold: Format,
    bold: Format,
}

impl Sheet<'_> {
    fn text(&mut self, r: u32, c: u16, s: &str, f: Option<&Format>) -> Result<(), AppError> {
        match f {
            Some(f) => self.ws.write_string_with_format(r, c, s, f),
            None => self.ws.write_string(r, c, s),
        }
        .map_err(xe)?;
        let w = self.widths.entry(c).or_default();
        *w = (*w).max(text_width(s));
        Ok(())
    }

    fn amount(&mut self, r: u32, c: u16, d: Decimal, strong: bool) -> Result<(), AppError> {
        let f = if strong {
            &self.money_bold
        } else {
            &self.money
        };
        match amount_cell(d) {
            Cell::Number(n) => self.ws.write_number_with_format(r, c, n, f),
            Cell::Text(t) => self.ws.write_string_with_format(r, c, &t, f),
        }
        .map_err(xe)?;
        // Thousands separators and two decimals: the text of the exact amount, grouped.
        let w = self.widths.entry(c).or_default();
        *w = (*w).max(d.round_dp(0).abs().to_string().len() * 4 / 3 + 4);
        Ok(())
    }
}

/// The workbook's bytes for `data` (a run's every row, as [`super::settlement::run_data`]
/// gives it), in `lang`, for organisation `org`.
pub fn payroll_xlsx(i18n: &I18n, lang: &str, org: &str, data: &Value) -> Result<Vec<u8>, AppError> {
    let tr = |k: &str, a: &[(&str, String)]| i18n.tr(lang, k, a);
    let run = &data["run"];
    let run_id = run["id"].as_i64().unwrap_or(0).to_string();
    let status = run["status"].as_str().unwrap_or("draft");
    let locked = status == "locked";
    let step = |k: &str| -> (String, String) {
        let by = run[k]["by"].as_str().unwrap_or("").to_owned();
        let at = run[k]["at"].as_str().unwrap_or("").to_owned();
        (by, at)
    };
    let items: Vec<String> = data["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut rows = data["rows"].as_array().cloned().unwrap_or_default();
    // By unit, then by manager: each unit's rows end with its subtotal.
    rows.sort_by(|a, b| {
        (a["unit"].as_str(), a["manager"].as_str())
            .cmp(&(b["unit"].as_str(), b["manager"].as_str()))
    });

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(tr("payroll-sheet", &[])).map_err(xe)?;
    let mut sh = Sheet {
        ws,
        widths: BTreeMap::new(),
        money: Format::new().set_num_format("#,##0.00"),
        money_bold: Format::new()
            .set_num_format("#,##0.00")
            .set_bold()
            .set_border_top(FormatBorder::Thin),
        bold: Format::new().set_bold(),
    };
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_border_bottom(FormatBorder::Thin);
    let strong = Format::new().set_bold().set_border_top(FormatBorder::Thin);

    // The header block.
    sh.ws
        .write_string_with_format(
            0,
            0,
            tr("payroll-title", &[("org", org.to_owned())]),
            &title,
        )
        .map_err(xe)?;
    let header_lines = [
        tr(
            "payroll-head-run",
            &[
                ("period", run["period"].as_str().unwrap_or("").to_owned()),
                ("run", run_id.clone()),
                ("policy", run["policy"].as_str().unwrap_or("").to_owned()),
                ("hash", run["policy_hash"].as_str().unwrap_or("").to_owned()),
            ],
        ),
        tr(
            "payroll-head-status",
            &[
                ("status", tr(&format!("run-status-{status}"), &[])),
                (
                    "settled",
                    format!(
                        "{} {}",
                        run["actor"].as_str().unwrap_or(""),
                        run["created_at"]
                            .as_str()
                            .unwrap_or("")
                            .get(..19)
                            .unwrap_or("")
                    ),
                ),
            ],
        ),
        {
            let (ab, at) = step("approved");
            let (lb, lt) = step("locked_by");
            if ab.is_empty() {
                tr("payroll-head-unapproved", &[])
            } else {
                tr(
                    "payroll-head-approved",
                    &[("by", ab), ("at", at), ("locked_by", lb), ("locked_at", lt)],
                )
            }
        },
    ];
    for (i, line) in header_lines.iter().enumerate() {
        sh.ws.write_string(1 + i as u32, 0, line).map_err(xe)?;
    }
    let mut r: u32 = 4;
    if !locked {
        let draft = tr("payroll-draft", &[("run", run_id.clone())]);
        sh.ws
            .write_string_with_format(r, 0, &draft, &sh.bold)
            .map_err(xe)?;
        sh.ws
            .set_header(format!("&C&B{}", draft.replace('&', "&&")));
        r += 1;
    }
    r += 1;
    let header_row = r;
    let mut headers: Vec<String> = ["col-manager", "col-name", "col-unit", "col-grade"]
        .iter()
        .map(|k| tr(k, &[]))
        .collect();
    headers.extend(items.iter().cloned());
    headers.push(tr("col-total", &[]));
    for (c, h) in headers.iter().enumerate() {
        sh.text(r, c as u16, h, Some(&head))?;
    }
    r += 1;

    // The rows, a subtotal after each unit, the total.
    let columns = items.len() + 1;
    let mut unit_sum = vec![Decimal::ZERO; columns];
    let mut all_sum = vec![Decimal::ZERO; columns];
    let mut unit: Option<String> = None;
    let subtotal = |sh: &mut Sheet, r: u32, u: &str, sums: &[Decimal]| -> Result<(), AppError> {
        sh.text(
            r,
            0,
            &tr("payroll-subtotal", &[("unit", u.to_owned())]),
            Some(&strong),
        )?;
        for c in 1..LEAD.len() as u16 {
            sh.ws.write_blank(r, c, &strong).map_err(xe)?;
        }
        for (i, v) in sums.iter().enumerate() {
            sh.amount(r, (LEAD.len() + i) as u16, *v, true)?;
        }
        Ok(())
    };
    for row in &rows {
        let u = row["unit"].as_str().unwrap_or("").to_owned();
        if let Some(prev) = unit.as_ref().filter(|p| **p != u) {
            subtotal(&mut sh, r, prev, &unit_sum)?;
            unit_sum.iter_mut().for_each(|v| *v = Decimal::ZERO);
            r += 1;
        }
        unit = Some(u);
        for (c, k) in LEAD.iter().enumerate() {
            sh.text(r, c as u16, row[k].as_str().unwrap_or(""), None)?;
        }
        let amounts = row["amounts"].as_array().cloned().unwrap_or_default();
        let values = amounts.iter().map(parse).chain([parse(&row["total"])]);
        for (i, v) in values.enumerate() {
            if let Some(d) = v {
                sh.amount(r, (LEAD.len() + i) as u16, d, i == columns - 1)?;
                unit_sum[i] += d;
                all_sum[i] += d;
            }
        }
        r += 1;
    }
    if let Some(prev) = &unit {
        subtotal(&mut sh, r, prev, &unit_sum)?;
        r += 1;
    }
    sh.text(r, 0, &tr("payroll-total", &[]), Some(&strong))?;
    for c in 1..LEAD.len() as u16 {
        sh.ws.write_blank(r, c, &strong).map_err(xe)?;
    }
    for (i, v) in all_sum.iter().enumerate() {
        sh.amount(r, (LEAD.len() + i) as u16, *v, true)?;
    }
    r += 3;

    // The signature block: who made, reviewed and approved the sheet, and a line to sign.
    let (sb, _) = step("submitted");
    let (ab, _) = step("approved");
    let settled_by = run["actor"].as_str().unwrap_or("").to_owned();
    for (i, (k, who)) in [
        ("payroll-sign-made", settled_by),
        ("payroll-sign-reviewed", sb),
        ("payroll-sign-approved", ab),
    ]
    .into_iter()
    .enumerate()
    {
        let c = (i * 2) as u16;
        sh.ws
            .write_string(r, c, tr(k, &[("who", who)]))
            .map_err(xe)?;
        sh.ws
            .write_string(r + 1, c, tr("payroll-sign-line", &[]))
            .map_err(xe)?;
    }

    // Widths that fit the text (CJK counted double), a frozen header, printing on one page wide.
    let widths = std::mem::take(&mut sh.widths);
    for (c, w) in widths {
        sh.ws
            .set_column_width(c, (w.clamp(6, 60) + 2) as f64)
            .map_err(xe)?;
    }
    sh.ws.set_freeze_panes(header_row + 1, 2).map_err(xe)?;
    sh.ws.set_landscape();
    sh.ws.set_repeat_rows(header_row, header_row).map_err(xe)?;
    sh.ws.set_print_fit_to_pages(1, 0);
    sh.ws
        .set_footer(tr("payroll-footer", &[("run", run_id)]).replace('&', "&&") + " &R&P / &N");
    wb.save_to_buffer().map_err(xe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_convert_exactly_or_stay_text() {
        for s in ["0", "0.01", "123456789.12", "-4567.89", "9999999999999.99"] {
            let d: Decimal = s.parse().unwrap();
            match amount_cell(d) {
                Cell::Number(f) => {
                    assert_eq!(f.to_string().parse::<Decimal>().unwrap(), d.normalize())
                }
                Cell::Text(t) => panic!("{s} became text {t}"),
            }
        }
        let long: Decimal = "12345678901234567.89".parse().unwrap();
        assert!(matches!(amount_cell(long), Cell::Text(_)));
    }

    #[test]
    fn chinese_counts_double() {
        assert_eq!(text_width("姓名"), 4);
        assert_eq!(text_width("M01"), 3);
    }
}
