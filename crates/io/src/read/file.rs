//! Reading every data row of a table from a CSV or XLSX file (or CSV text) and handing on the parsed records.

use super::checks::{error_cells, nul_cells, nul_in_header, wider_than_header};
use super::columns::{ColumnMap, header_example, warn_extras};
use super::csv_rows::CsvRows;
use super::cursor::RowCursor;
use super::formats::decode;
use super::sheet::{column_letters, read_sheet};
use super::{ReadError, ReadOptions, ReadSummary, Reason, Reject, RowError};
use crate::records::Record;
use csv::StringRecord;
use std::path::Path;

/// Reads every data row of `table` from a CSV or XLSX file, parses it into `T` and hands it
/// with its row number to `sink`, which may reject it (an unknown reference, a duplicate).
/// Every bad row is collected; if there is any, the result is [`ReadError::Rows`] listing all
/// of them. `progress(done, total)` is called now and then.
pub fn read_records<T: Record>(
    path: &Path,
    options: &ReadOptions,
    sink: impl FnMut(usize, T) -> Result<(), Vec<Reject>>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ReadSummary, ReadError> {
    read_impl(path, Input::File, options, sink, progress)
}

/// Like [`read_records`], for the bytes of a file held in memory (an upload, a fuzzer's
/// input): `label` names the file in messages and its extension picks the format, exactly as
/// a file's does.
pub fn read_records_bytes<T: Record>(
    label: &Path,
    bytes: Vec<u8>,
    options: &ReadOptions,
    sink: impl FnMut(usize, T) -> Result<(), Vec<Reject>>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ReadSummary, ReadError> {
    read_impl(label, Input::Bytes(bytes), options, sink, progress)
}

/// Like [`read_records`], for CSV text held in memory (a policy test case); `label` names it
/// in messages.
pub fn read_records_text<T: Record>(
    label: &Path,
    text: &str,
    sink: impl FnMut(usize, T) -> Result<(), Vec<Reject>>,
) -> Result<ReadSummary, ReadError> {
    read_impl(
        label,
        Input::Csv(text.trim_start_matches('\n').as_bytes().to_vec()),
        &ReadOptions::default(),
        sink,
        &mut |_, _| {},
    )
}

/// Where the bytes of a table come from.
enum Input {
    /// The file at the path; its extension picks the format.
    File,
    /// A file's bytes held in memory; the path's extension picks the format.
    Bytes(Vec<u8>),
    /// CSV text held in memory, whatever the path is called.
    Csv(Vec<u8>),
}

fn read_impl<T: Record>(
    path: &Path,
    input: Input,
    options: &ReadOptions,
    mut sink: impl FnMut(usize, T) -> Result<(), Vec<Reject>>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ReadSummary, ReadError> {
    let table = T::TABLE;
    let ext = if matches!(input, Input::Csv(_)) {
        "csv".to_owned()
    } else {
        path.extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let mut summary = ReadSummary::default();
    let mut errors = Vec::new();
    // `row_errors`: what the row checks found before parsing; a cell they refused is not
    // reported again by the parser.
    let mut handle = |row: usize,
                      rec: &StringRecord,
                      map: &ColumnMap,
                      mut row_errors: Vec<RowError>,
                      errors: &mut Vec<RowError>| {
        let mut cursor = RowCursor {
            row,
            rec,
            map,
            errors: Vec::new(),
        };
        let parsed = T::parse(&mut cursor);
        let parse_errors = std::mem::take(&mut cursor.errors);
        let refused: Vec<String> = row_errors.iter().map(|e| e.column.clone()).collect();
        row_errors.extend(
            parse_errors
                .into_iter()
                .filter(|e| !refused.contains(&e.column)),
        );
        if let (Some(record), true) = (parsed, row_errors.is_empty())
            && let Err(rejects) = sink(row, record)
        {
            for r in rejects {
                let cursor = RowCursor {
                    row,
                    rec,
                    map,
                    errors: Vec::new(),
                };
                row_errors.push(RowError::new(
                    row,
                    cursor.header(r.column),
                    r.value,
                    r.reason,
                ));
            }
        }
        errors.extend(row_errors);
    };
    let sheet_name;
    match ext.as_str() {
        // An old binary workbook is parsed whole, every sheet at its claimed size, the moment
        // it is opened: one damaged or hostile file can take gigabytes. It is not read.
        "xls" => {
            return Err(ReadError::format_said(
                path,
                Reason::new(
                    "xls-not-read",
                    "old Excel 97-2003 workbooks (.xls) are not read (one damaged file could exhaust the memory): open it in Excel or WPS, save it as .xlsx (or CSV UTF-8) and import that file",
                ),
            ));
        }
        "xlsx" | "xlsm" | "xlsb" | "ods" => {
            let bytes = match input {
                Input::Bytes(b) | Input::Csv(b) => Some(b),
                Input::File => None,
            };
            let sheet = read_sheet(path, bytes, table, options)?;
            sheet_name = Some(sheet.name);
            let mut it = sheet.rows.into_iter();
            let header = it.next().ok_or_else(|| {
                ReadError::format_said(
                    path,
                    Reason::new(
                        "sheet-empty",
                        "the sheet is empty: it needs a header row and data rows",
                    ),
                )
            })?;
            let first_column = sheet.first_column;
            let letters = |i: usize| {
                column_letters(first_column.saturating_add(u32::try_from(i).unwrap_or(u32::MAX)))
            };
            if let Some(message) = nul_in_header(&header.rec, &letters) {
                return Err(ReadError::format(path, message));
            }
            if let Some((i, error)) = header.errors.first() {
                return Err(ReadError::format(
                    path,
                    format!(
                        "row 1 (header), column {}: the cell holds a spreadsheet error ({error}): fix the formula, or type the header",
                        letters(*i)
                    ),
                ));
            }
            let map = ColumnMap::new(table, &header.rec, path)?;
            warn_extras(&map, &mut summary);
            summary.columns = map.present();
            let column = |i: usize| map.header_at(i).map_or_else(|| letters(i), str::to_owned);
            let total = it.len() as u64;
            for (i, row) in it.enumerate() {
                if row.errors.is_empty() && row.rec.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                summary.rows += 1;
                let mut checked = error_cells(row.row, &row.errors, &column);
                checked.extend(nul_cells(row.row, &row.rec, &column));
                handle(row.row, &row.rec, &map, checked, &mut errors);
                if i % 4096 == 0 {
                    progress(i as u64, total);
                }
            }
            progress(total, total);
        }
        _ => {
            sheet_name = None;
            let bytes = match input {
                Input::Bytes(b) | Input::Csv(b) => b,
                Input::File => std::fs::read(path).map_err(|error| ReadError::Io {
                    file: path.to_owned(),
                    error,
                })?,
            };
            let text = decode(path, bytes, options.encoding, &mut summary)?;
            let total = text.len() as u64;
            let mut reader = CsvRows::new(&text);
            let mut rec = StringRecord::new();
            let letters = |i: usize| column_letters(u32::try_from(i).unwrap_or(u32::MAX));
            let header = reader
                .next(&mut rec)
                .map_err(|p| ReadError::format(path, p.message(&letters)))?;
            if header.is_none() || rec.iter().all(|c| c.trim().is_empty()) {
                return Err(ReadError::format_said(
                    path,
                    Reason::new(
                        "file-empty",
                        format!(
                            "the file is empty: it needs a header row (e.g. {}) and data rows",
                            header_example(table)
                        ),
                    )
                    .arg("example", header_example(table)),
                ));
            }
            if let Some(message) = nul_in_header(&rec, &letters) {
                return Err(ReadError::format(path, message));
            }
            let map = ColumnMap::new(table, &rec, path)?;
            let header_fields = rec.len();
            warn_extras(&map, &mut summary);
            summary.columns = map.present();
            let column = |i: usize| map.header_at(i).map_or_else(|| letters(i), str::to_owned);
            let mut n: u64 = 0;
            while let Some(line) = reader
                .next(&mut rec)
                .map_err(|p| ReadError::format(path, p.message(&column)))?
            {
                if rec.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                summary.rows += 1;
                let mut checked = nul_cells(line, &rec, &column);
                checked.extend(wider_than_header(line, &rec, header_fields, &column));
                handle(line, &rec, &map, checked, &mut errors);
                n += 1;
                if n.is_multiple_of(65536) {
                    progress(reader.byte(), total);
                }
            }
            progress(total, total);
        }
    }
    if summary.rows == 0 {
        return Err(ReadError::format_said(
            path,
            Reason::new(
                "no-data-rows",
                "the file has a header but no data rows; nothing to import",
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(ReadError::Rows {
            file: path.to_owned(),
            sheet: sheet_name,
            errors,
            rows: summary.rows,
        });
    }
    Ok(summary)
}
