//! Turning a file into rows of text: CSV bytes decoded as UTF-8 or GBK, workbook sheets as text cells.

use super::{Encoding, ReadError, ReadOptions, ReadSummary};
use crate::tables::Table;
use chrono::NaiveTime;
use csv::StringRecord;
use std::path::Path;

pub(super) fn decode(
    path: &Path,
    bytes: Vec<u8>,
    encoding: Encoding,
    summary: &mut ReadSummary,
) -> Result<String, ReadError> {
    let strip_bom = |s: String| match s.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => s,
    };
    let gbk = |bytes: &[u8]| -> Result<String, ReadError> {
        let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
        if had_errors {
            return Err(ReadError::format(
                path,
                "the file is neither UTF-8 nor GBK text; save it as CSV UTF-8",
            ));
        }
        Ok(text.into_owned())
    };
    match encoding {
        Encoding::Gbk => gbk(&bytes),
        Encoding::Utf8 => String::from_utf8(bytes).map(strip_bom).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            ReadError::format(
                path,
                format!(
                    "byte {at} is not UTF-8; the file is probably GBK (GB18030) as Chinese Excel saves it: run again with --encoding gbk, or save it as \"CSV UTF-8\""
                ),
            )
        }),
        Encoding::Auto => match String::from_utf8(bytes) {
            Ok(s) => Ok(strip_bom(s)),
            Err(e) => {
                let bytes = e.into_bytes();
                let text = gbk(&bytes).map_err(|_| {
                    ReadError::format(
                        path,
                        "the file is not UTF-8 text and not GBK either; save it as \"CSV UTF-8\"",
                    )
                })?;
                summary.warnings.push(
                    "the file is not UTF-8; it was read as GBK (GB18030). Pass --encoding utf-8 to refuse such files"
                        .to_owned(),
                );
                Ok(text)
            }
        },
    }
}

/// Reads the sheet for `table` into rows of text cells (numbers printed exactly as the
/// shortest decimal that the cell holds, dates as YYYY-MM-DD).
pub(super) fn read_sheet(
    path: &Path,
    table: Table,
    options: &ReadOptions,
) -> Result<(String, Vec<StringRecord>), ReadError> {
    use calamine::{Data, Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(path)
        .map_err(|e| ReadError::format(path, format!("not a readable workbook: {e}")))?;
    let names = wb.sheet_names();
    let name = match &options.sheet {
        Some(s) => names.iter().find(|n| *n == s).cloned(),
        None => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(table.name()) || n.as_str() == table.zh())
            .cloned()
            .or_else(|| (names.len() == 1).then(|| names[0].clone())),
    };
    let Some(name) = name else {
        return Err(ReadError::format(
            path,
            format!(
                "no sheet named {} ({}); the workbook has: {}. Name the sheet with --sheet",
                options.sheet.as_deref().unwrap_or(table.name()),
                table.zh(),
                names.join(", ")
            ),
        ));
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| ReadError::format(path, format!("sheet {name}: {e}")))?;
    let mut rows = Vec::with_capacity(range.height());
    for row in range.rows() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Int(i) => i.to_string(),
                // A spreadsheet number is a binary float; its shortest round-trip decimal is
                // the number the user typed. No arithmetic is done on it.
                Data::Float(f) => format!("{f}"),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(dt) => match dt.as_datetime() {
                    Some(t) if t.time() == NaiveTime::MIN => t.date().to_string(),
                    Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
                    None => dt.to_string(),
                },
                Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Error(e) => format!("#ERROR {e:?}"),
            })
            .collect();
        rows.push(StringRecord::from(cells));
    }
    Ok((name, rows))
}
