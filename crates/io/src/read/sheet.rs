//! Reading a workbook sheet into rows of text cells, with work bounded by the cells actually
//! present: a stray cell at `XFD1048576` must not make the reader allocate the whole used range.

use super::{ReadError, ReadOptions, Reason, grouped};
use crate::tables::Table;
use calamine::{
    Data, DataRef, Ods, Reader, Sheets, Xls, Xlsb, Xlsx, XlsxError, open_workbook_auto,
    open_workbook_from_rs,
};
use chrono::NaiveTime;
use csv::StringRecord;
use std::io::{Cursor, Read, Seek};
use std::path::Path;

/// The most rows a sheet may use: Excel's own limit (`A1:A1048576`).
pub const MAX_SHEET_ROWS: u32 = 1_048_576;
/// The most columns a sheet may use (`A` to `IV`): far more than any table has.
pub const MAX_SHEET_COLUMNS: u32 = 256;

/// One row of a sheet with at least one non-empty cell.
pub(super) struct SheetRow {
    /// The row number the reader reports: the first row with a cell (the header) is 1.
    pub(super) row: usize,
    pub(super) rec: StringRecord,
    /// Cells that hold a spreadsheet error, left empty in `rec`: field index and the error as
    /// the spreadsheet shows it (`#DIV/0!`).
    pub(super) errors: Vec<(usize, String)>,
}

/// The rows of a sheet that have cells, the header first.
pub(super) struct Sheet {
    pub(super) name: String,
    /// The column (0 = `A`) of field 0 of every row: the leftmost column with a cell.
    pub(super) first_column: u32,
    pub(super) rows: Vec<SheetRow>,
}

/// Spreadsheet column letters: 0 → `A`, 25 → `Z`, 26 → `AA`, 16383 → `XFD`.
pub(super) fn column_letters(column: u32) -> String {
    let mut n = u64::from(column) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// A cell as text (numbers printed as the shortest decimal that the cell holds, dates as
/// YYYY-MM-DD), or, for a cell holding a spreadsheet error, that error as shown (`#REF!`):
/// never text to store.
pub(super) fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // A spreadsheet number is a binary float; its shortest round-trip decimal is the
        // number the user typed. No arithmetic is done on it.
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            None => dt.to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// The non-empty cells of a sheet by position, each checked against the limits as it is read.
struct Cells<'a> {
    path: &'a Path,
    sheet: &'a str,
    cells: Vec<((u32, u32), Result<String, String>)>,
}

impl Cells<'_> {
    fn add(&mut self, (row, column): (u32, u32), value: &Data) -> Result<(), ReadError> {
        if matches!(value, Data::Empty) {
            return Ok(());
        }
        if row >= MAX_SHEET_ROWS || column >= MAX_SHEET_COLUMNS {
            return Err(ReadError::format(
                self.path,
                format!(
                    "sheet {}: cell {}{} lies outside the {} rows × {} columns (A1:{}{}) that the reader accepts; it is probably a stray cell: delete the stray cell (or delete the columns right of the table and the rows below it) and save the workbook again",
                    self.sheet,
                    column_letters(column),
                    u64::from(row) + 1,
                    grouped(MAX_SHEET_ROWS.into()),
                    grouped(MAX_SHEET_COLUMNS.into()),
                    column_letters(MAX_SHEET_COLUMNS - 1),
                    MAX_SHEET_ROWS,
                ),
            ));
        }
        self.cells.push(((row, column), cell_text(value)));
        Ok(())
    }

    fn error(&self, e: impl std::fmt::Display) -> ReadError {
        ReadError::format(self.path, format!("sheet {}: {e}", self.sheet))
    }

    /// The rows with cells, in order; within a row, a cell given twice keeps the later value.
    fn into_rows(mut self) -> (u32, Vec<SheetRow>) {
        // Stable: cells given twice stay in file order.
        self.cells.sort_by_key(|(pos, _)| *pos);
        let first_row = self.cells.first().map_or(0, |((r, _), _)| *r);
        let first_column = self.cells.iter().map(|((_, c), _)| *c).min().unwrap_or(0);
        let mut rows = Vec::new();
        let mut cells = self.cells.into_iter().peekable();
        while let Some(&((row, _), _)) = cells.peek() {
            let mut fields: Vec<String> = Vec::new();
            let mut errors: Vec<(usize, String)> = Vec::new();
            while let Some(((_, column), value)) = cells.next_if(|((r, _), _)| *r == row) {
                let field = (column - first_column) as usize;
                if fields.len() <= field {
                    fields.resize(field + 1, String::new());
                }
                errors.retain(|(f, _)| *f != field);
                let text = value.unwrap_or_else(|error| {
                    errors.push((field, error));
                    String::new()
                });
                if let Some(slot) = fields.get_mut(field) {
                    *slot = text;
                }
            }
            rows.push(SheetRow {
                row: (row - first_row) as usize + 1,
                rec: StringRecord::from(fields),
                errors,
            });
        }
        (first_column, rows)
    }
}

/// Reads the sheet for `table` from the workbook at `path`, or from `bytes` if given (the
/// path's extension then picks the format): the sheet named in the options, else the one named
/// like the table (English or Chinese), else the only sheet.
pub(super) fn read_sheet(
    path: &Path,
    bytes: Option<Vec<u8>>,
    table: Table,
    options: &ReadOptions,
) -> Result<Sheet, ReadError> {
    let unreadable =
        |e: calamine::Error| ReadError::format(path, format!("not a readable workbook: {e}"));
    let xlsx = |ext: &str| matches!(ext.to_ascii_lowercase().as_str(), "xlsx" | "xlsm");
    match bytes {
        None => {
            if path.extension().and_then(|e| e.to_str()).is_some_and(xlsx) {
                let file = std::fs::File::open(path).map_err(|error| ReadError::Io {
                    file: path.to_owned(),
                    error,
                })?;
                check_references(path, std::io::BufReader::new(file))?;
            }
            let wb = open_workbook_auto(path).map_err(unreadable)?;
            sheet_of(path, wb, table, options)
        }
        Some(bytes) => {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            if xlsx(&ext) {
                check_references(path, Cursor::new(bytes.as_slice()))?;
            }
            let data = Cursor::new(bytes);
            let wb = match ext.as_str() {
                "xls" => open_workbook_from_rs::<Xls<_>, _>(data)
                    .map(Sheets::Xls)
                    .map_err(calamine::Error::Xls),
                "xlsx" | "xlsm" => open_workbook_from_rs::<Xlsx<_>, _>(data)
                    .map(Sheets::Xlsx)
                    .map_err(calamine::Error::Xlsx),
                "xlsb" => open_workbook_from_rs::<Xlsb<_>, _>(data)
                    .map(Sheets::Xlsb)
                    .map_err(calamine::Error::Xlsb),
                "ods" => open_workbook_from_rs::<Ods<_>, _>(data)
                    .map(Sheets::Ods)
                    .map_err(calamine::Error::Ods),
                _ => calamine::open_workbook_auto_from_rs(data),
            }
            .map_err(unreadable)?;
            sheet_of(path, wb, table, options)
        }
    }
}

/// Refuses an XLSX workbook with a cell reference (`<c r="B7">`, `<dimension ref="A1:C9">`, in
/// any part) of more than 3 letters or 7 digits: no spreadsheet writes one (the last cell is
/// `XFD1048576`), and calamine 0.38 computes references with unchecked arithmetic, which
/// overflows past 6 letters or 9 digits (a panic with overflow checks, a wrong cell without).
/// Checked: the elements and attributes whose references calamine reads, found as calamine finds
/// them. A file that is not a readable zip, or damaged XML, is left for calamine to refuse.
fn check_references<R: Read + Seek>(path: &Path, data: R) -> Result<(), ReadError> {
    use quick_xml::events::Event;
    const ELEMENTS: &[&str] = &[
        "c",
        "row",
        "dimension",
        "f",
        "mergeCell",
        "hyperlink",
        "table",
    ];
    let Ok(mut zip) = zip::ZipArchive::new(data) else {
        return Ok(());
    };
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index(i) else {
            continue;
        };
        let Ok(name) = part.name().map(|n| n.into_owned()) else {
            continue;
        };
        if !name.to_ascii_lowercase().ends_with(".xml") {
            continue;
        }
        let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
        let mut buf = Vec::new();
        loop {
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e))
                    if ELEMENTS.contains(&e.local_name().as_ref()) =>
                {
                    let bad = raw_attributes(e.attributes_raw())
                        .into_iter()
                        .find(|(k, v)| matches!(*k, "r" | "ref") && !plausible_reference(v));
                    if let Some((_, value)) = bad {
                        return Err(ReadError::format(
                            path,
                            format!(
                                "{name}: the cell reference {value:?} lies beyond any sheet (the last cell is XFD1048576); the workbook is damaged: open it in the spreadsheet program and save it again"
                            ),
                        ));
                    }
                    let reversed = raw_attributes(e.attributes_raw())
                        .into_iter()
                        .find(|(k, v)| matches!(*k, "r" | "ref") && !ordered_range(v));
                    if let Some((_, value)) = reversed {
                        return Err(ReadError::format(
                            path,
                            format!(
                                "{name}: the range {value:?} ends before it starts; the workbook is damaged: open it in the spreadsheet program and save it again"
                            ),
                        ));
                    }
                }
                // Damaged XML is left for calamine to report.
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
            buf.clear();
        }
    }
    Ok(())
}

/// The attributes of a tag as calamine reads them: a key up to `=`, a quoted value taken as
/// written, until the first malformed attribute.
fn raw_attributes(raw: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = raw;
    while let Some((key, after)) = rest.split_once('=') {
        let after = after.trim_ascii_start();
        let Some(quote) = after.chars().next().filter(|q| matches!(q, '"' | '\'')) else {
            break;
        };
        let (value, next) = after[1..].split_once(quote).unwrap_or((&after[1..], ""));
        out.push((key.trim_ascii(), value));
        rest = next;
    }
    out
}

/// Whether a range of two cells (`A1:C9`) ends at or after its start in both rows and columns.
/// calamine 0.38 subtracts the start from the end unchecked (found by the `xlsx_reader` fuzz
/// target: `B5:A1` panicked with overflow checks). Anything else is left to the other checks.
fn ordered_range(value: &str) -> bool {
    let Some((start, end)) = value.split_once(':') else {
        return true;
    };
    // (row, column) of a cell written as letters then digits; None when it is not one.
    let cell = |c: &str| -> Option<(u32, u32)> {
        let letters = c.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (col, row) = c.split_at(letters);
        if letters == 0 || row.is_empty() || !row.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let col = col.bytes().try_fold(0u32, |n, b| {
            n.checked_mul(26)?
                .checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)
        })?;
        Some((row.parse().ok()?, col))
    };
    match (cell(start.trim()), cell(end.trim())) {
        (Some((r1, c1)), Some((r2, c2))) => r2 >= r1 && c2 >= c1,
        _ => true,
    }
}

/// Whether each cell of a reference (`B7`, `A1:C9`, `A:C`, `3:5`) has at most 3 letters and
/// 7 digits. Other characters are left for calamine to judge.
fn plausible_reference(value: &str) -> bool {
    value.split(':').all(|cell| {
        let letters = cell.bytes().filter(u8::is_ascii_alphabetic).count();
        let digits = cell.bytes().filter(u8::is_ascii_digit).count();
        letters <= 3 && digits <= 7
    })
}

/// Reads the sheet for `table` from an open workbook.
fn sheet_of<RS: Read + Seek>(
    path: &Path,
    mut wb: Sheets<RS>,
    table: Table,
    options: &ReadOptions,
) -> Result<Sheet, ReadError> {
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
        let wanted = options.sheet.as_deref().unwrap_or(table.name());
        let sheets = names.join(", ");
        return Err(ReadError::format_said(
            path,
            Reason::new(
                "sheet-not-found",
                format!(
                    "no sheet named {wanted} ({}); the workbook has: {sheets}. Name the sheet with --sheet",
                    table.zh()
                ),
            )
            .arg("sheet", wanted)
            .arg("table", table.zh())
            .arg("sheets", sheets.as_str()),
        ));
    };
    let mut cells = Cells {
        path,
        sheet: &name,
        cells: Vec::new(),
    };
    match &mut wb {
        // XLSX and XLSB: stream the cells; nothing is allocated by the size the sheet claims.
        Sheets::Xlsx(x) => match x.worksheet_cells_reader(&name) {
            Ok(mut reader) => {
                while let Some(cell) = reader.next_cell().map_err(|e| cells.error(e))? {
                    cells.add(cell.get_position(), &Data::from(cell.get_value().clone()))?;
                }
            }
            // A chart sheet has no cells.
            Err(XlsxError::NotAWorksheet(_)) => {}
            Err(e) => return Err(cells.error(e)),
        },
        Sheets::Xlsb(x) => {
            let mut reader = x
                .worksheet_cells_reader(&name)
                .map_err(|e| cells.error(e))?;
            while let Some(cell) = reader.next_cell().map_err(|e| cells.error(e))? {
                if !matches!(cell.get_value(), DataRef::Empty) {
                    cells.add(cell.get_position(), &Data::from(cell.get_value().clone()))?;
                }
            }
        }
        // XLS and ODS: calamine has read the sheet into a range already (ODS with its own cap
        // on cells); only the limits are checked.
        other => {
            let range = other.worksheet_range(&name).map_err(|e| cells.error(e))?;
            let (row0, col0) = range.start().unwrap_or((0, 0));
            for (r, c, value) in range.used_cells() {
                let row = row0.saturating_add(u32::try_from(r).unwrap_or(u32::MAX));
                let column = col0.saturating_add(u32::try_from(c).unwrap_or(u32::MAX));
                cells.add((row, column), value)?;
            }
        }
    }
    let (first_column, rows) = cells.into_rows();
    Ok(Sheet {
        name,
        first_column,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_are_as_a_spreadsheet_shows_them() {
        let letters: Vec<String> = [0, 25, 26, 51, 52, 255, 701, 702, 16_383]
            .into_iter()
            .map(column_letters)
            .collect();
        assert_eq!(
            letters,
            ["A", "Z", "AA", "AZ", "BA", "IV", "ZZ", "AAA", "XFD"]
        );
        let limits: Vec<String> = [0, 256, 1_000, 1_048_576]
            .into_iter()
            .map(grouped)
            .collect();
        assert_eq!(limits, ["0", "256", "1,000", "1,048,576"]);
    }

    #[test]
    fn error_cells_are_never_text() {
        use calamine::CellErrorType::*;
        let shown: Vec<Result<String, String>> = [Div0, NA, Name, Null, Num, Ref, Value]
            .into_iter()
            .map(|e| cell_text(&Data::Error(e)))
            .collect();
        let expected = [
            "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
        ];
        assert_eq!(shown, expected.map(|e| Err(e.to_owned())));
        assert_eq!(cell_text(&Data::Float(1.5)), Ok("1.5".to_owned()));
    }

    /// For a sheet small enough to hold densely, the rows are those of calamine's range, as
    /// the reader read them before, without its empty rows.
    #[test]
    fn rows_are_those_of_the_dense_range() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        ws.write_string(3, 2, "a").unwrap();
        ws.write_string(3, 5, "b").unwrap();
        ws.write_number(4, 1, 1.25).unwrap();
        ws.write_number(4, 2, 100.0).unwrap();
        ws.write_boolean(6, 7, true).unwrap();
        ws.write_string(7, 3, "").unwrap();
        ws.write_number_with_format(8, 2, 46_266.0, &date).unwrap();
        ws.write_string(9, 4, " x ").unwrap();
        ws.write_blank(10, 9, &date).unwrap();
        wb.save(&path).unwrap();

        let mut wb = open_workbook_auto(&path).unwrap();
        let range = wb.worksheet_range("Sheet1").unwrap();
        let dense: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(|c| cell_text(c).unwrap()).collect::<Vec<_>>())
            .filter(|r| r.iter().any(|c| !c.is_empty()))
            .collect();
        let sheet = read_sheet(&path, None, Table::Managers, &ReadOptions::default()).unwrap();
        let sparse: Vec<Vec<String>> = sheet
            .rows
            .iter()
            .filter(|r| r.rec.iter().any(|c| !c.is_empty()))
            .map(|r| {
                let mut fields: Vec<String> = r.rec.iter().map(str::to_owned).collect();
                fields.resize(range.width(), String::new());
                fields
            })
            .collect();
        assert_eq!(sparse, dense);
        assert_eq!(dense[3][1], "2026-09-01");
        let numbers: Vec<usize> = sheet.rows.iter().map(|r| r.row).collect();
        assert_eq!(numbers, [1, 2, 4, 6, 7]);
        assert_eq!(sheet.first_column, 1);
    }
}
