//! Reading a table from a CSV or XLSX file, row by row, collecting every bad row.

use crate::records::Record;
use crate::tables::{Column, Table};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use csv::StringRecord;
use kejing_engine::{Code, Money, Period, Ratio, parse_decimal};
use rust_decimal::Decimal;
use std::fmt;
use std::path::{Path, PathBuf};

/// How the bytes of a CSV file are decoded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without BOM); a file that is not UTF-8 is read as GBK (GB18030) with a
    /// warning.
    #[default]
    Auto,
    /// UTF-8 only: a file that is not UTF-8 is an error.
    Utf8,
    /// GBK / GB18030, as exported by many Chinese systems.
    Gbk,
}

impl std::str::FromStr for Encoding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(Encoding::Auto),
            "utf-8" | "utf8" => Ok(Encoding::Utf8),
            "gbk" | "gb18030" | "gb2312" => Ok(Encoding::Gbk),
            other => Err(format!(
                "unknown encoding {other:?}: use auto, utf-8 or gbk"
            )),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub encoding: Encoding,
    /// For XLSX: the sheet to read; default the sheet named like the table (English or
    /// Chinese), else the only sheet.
    pub sheet: Option<String>,
}

/// One bad cell or row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The row as a spreadsheet shows it: header = 1, first data row = 2.
    pub row: usize,
    /// The column's header as written in the file (or the canonical name if the column is
    /// missing).
    pub column: String,
    pub value: String,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}, column {}", self.row, self.column)?;
        if !self.value.is_empty() {
            write!(f, ", value {:?}", self.value)?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// A problem the caller finds with a parsed record (e.g. an unknown account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// Canonical column name.
    pub column: &'static str,
    pub value: String,
    pub reason: String,
}

impl Reject {
    pub fn new(column: &'static str, value: impl Into<String>, reason: impl Into<String>) -> Self {
        Reject {
            column,
            value: value.into(),
            reason: reason.into(),
        }
    }
}

/// What a successful read saw.
#[derive(Debug, Clone, Default)]
pub struct ReadSummary {
    /// Data rows read.
    pub rows: usize,
    pub warnings: Vec<String>,
    /// The canonical columns the header has.
    pub columns: Vec<&'static str>,
}

/// Why a file could not be read. Every variant names the file.
#[derive(Debug)]
pub enum ReadError {
    Io {
        file: PathBuf,
        error: std::io::Error,
    },
    Format {
        file: PathBuf,
        message: String,
    },
    /// Some rows are bad; nothing may be written. Lists every bad row.
    Rows {
        file: PathBuf,
        sheet: Option<String>,
        errors: Vec<RowError>,
        rows: usize,
    },
}

impl ReadError {
    fn format(file: &Path, message: impl Into<String>) -> Self {
        ReadError::Format {
            file: file.to_owned(),
            message: message.into(),
        }
    }

    /// The bad rows, if that is what went wrong.
    pub fn row_errors(&self) -> &[RowError] {
        match self {
            ReadError::Rows { errors, .. } => errors,
            _ => &[],
        }
    }
}

/// How many bad rows `Display` lists before summarising the rest.
pub const DISPLAY_LIMIT: usize = 200;

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io { file, error } => write!(f, "{}: cannot read: {error}", file.display()),
            ReadError::Format { file, message } => write!(f, "{}: {message}", file.display()),
            ReadError::Rows {
                file,
                sheet,
                errors,
                rows,
            } => {
                let where_ = match sheet {
                    Some(s) => format!("{} (sheet {s})", file.display()),
                    None => file.display().to_string(),
                };
                let bad_rows: std::collections::BTreeSet<usize> =
                    errors.iter().map(|e| e.row).collect();
                writeln!(
                    f,
                    "{where_}: {} bad row(s) of {rows}; nothing was written. Fix these rows and import the file again:",
                    bad_rows.len()
                )?;
                for e in errors.iter().take(DISPLAY_LIMIT) {
                    writeln!(f, "  {where_}: {e}")?;
                }
                if errors.len() > DISPLAY_LIMIT {
                    writeln!(
                        f,
                        "  … and {} more problem(s); use --errors FILE to write them all to a CSV file",
                        errors.len() - DISPLAY_LIMIT
                    )?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ReadError {}

/// Which field of a record holds each column of the table.
struct ColumnMap {
    table: Table,
    /// For each of `table.columns()`: the field index and the header as written.
    fields: Vec<Option<(usize, String)>>,
    /// Headers that are not columns of the table: (field index, header).
    extras: Vec<(usize, String)>,
}

impl ColumnMap {
    fn new(table: Table, headers: &StringRecord, file: &Path) -> Result<Self, ReadError> {
        let columns = table.columns();
        let mut fields: Vec<Option<(usize, String)>> = vec![None; columns.len()];
        let mut extras = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            let clean = h.trim().trim_start_matches('\u{feff}').trim();
            if clean.is_empty() {
                continue;
            }
            match table.column_for_header(clean) {
                Some(col) => {
                    let idx = columns.iter().position(|c| c.name == col.name).unwrap_or(0);
                    if let Some((_, first)) = &fields[idx] {
                        return Err(ReadError::format(
                            file,
                            format!(
                                "columns {first:?} and {clean:?} both give {}; keep one",
                                col.name
                            ),
                        ));
                    }
                    fields[idx] = Some((i, clean.to_owned()));
                }
                None => extras.push((i, clean.to_owned())),
            }
        }
        let missing: Vec<String> = columns
            .iter()
            .zip(&fields)
            .filter(|(c, f)| c.required && f.is_none())
            .map(|(c, _)| describe(c))
            .collect();
        if !missing.is_empty() {
            let found: Vec<&str> = headers.iter().map(str::trim).collect();
            return Err(ReadError::format(
                file,
                format!(
                    "row 1 (header): missing required column(s) {} for table {table}; the header has: {}",
                    missing.join(", "),
                    found.join(", ")
                ),
            ));
        }
        Ok(ColumnMap {
            table,
            fields,
            extras,
        })
    }

    fn present(&self) -> Vec<&'static str> {
        self.table
            .columns()
            .iter()
            .zip(&self.fields)
            .filter(|(_, f)| f.is_some())
            .map(|(c, _)| c.name)
            .collect()
    }

    fn index(&self, column: &str) -> Option<usize> {
        let columns = self.table.columns();
        columns
            .iter()
            .position(|c| std::ptr::eq(c.name, column))
            .or_else(|| columns.iter().position(|c| c.name == column))
    }
}

fn describe(c: &Column) -> String {
    match c.aliases.first() {
        Some(a) => format!("{} ({a})", c.name),
        None => c.name.to_owned(),
    }
}

/// One data row being parsed into a record. Accessors return `None` for an empty cell, and
/// also for a bad one, which they record as an error.
pub struct RowCursor<'a> {
    pub row: usize,
    rec: &'a StringRecord,
    map: &'a ColumnMap,
    errors: Vec<RowError>,
}

impl<'a> RowCursor<'a> {
    fn header(&self, column: &str) -> String {
        self.map
            .index(column)
            .and_then(|i| self.map.fields[i].as_ref())
            .map_or_else(|| column.to_owned(), |(_, h)| h.clone())
    }

    pub fn fail(&mut self, column: &str, value: &str, reason: impl Into<String>) {
        self.errors.push(RowError {
            row: self.row,
            column: self.header(column),
            value: value.to_owned(),
            reason: reason.into(),
        });
    }

    /// The trimmed cell, `None` if the column is absent or the cell empty.
    pub fn raw(&self, column: &str) -> Option<&'a str> {
        let i = self.map.index(column)?;
        let (field, _) = self.map.fields[i].as_ref()?;
        let v = self.rec.get(*field)?.trim();
        (!v.is_empty()).then_some(v)
    }

    fn required(&mut self, column: &str) -> Option<&'a str> {
        let v = self.raw(column);
        if v.is_none() {
            self.fail(column, "", "a value is required here");
        }
        v
    }

    fn parsed<T, E: fmt::Display>(
        &mut self,
        column: &str,
        v: Option<&str>,
        f: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let v = v?;
        match f(v) {
            Ok(x) => Some(x),
            Err(e) => {
                self.fail(column, v, e.to_string());
                None
            }
        }
    }

    pub fn text(&mut self, column: &str) -> Option<String> {
        self.raw(column).map(str::to_owned)
    }

    pub fn req_text(&mut self, column: &str) -> Option<String> {
        self.required(column).map(str::to_owned)
    }

    pub fn code(&mut self, column: &str) -> Option<Code> {
        let v = self.raw(column);
        self.parsed(column, v, Code::parse)
    }

    pub fn req_code(&mut self, column: &str) -> Option<Code> {
        let v = self.required(column);
        self.parsed(column, v, Code::parse)
    }

    pub fn date(&mut self, column: &str) -> Option<NaiveDate> {
        let v = self.raw(column);
        self.parsed(column, v, parse_date)
    }

    pub fn req_date(&mut self, column: &str) -> Option<NaiveDate> {
        let v = self.required(column);
        self.parsed(column, v, parse_date)
    }

    pub fn req_datetime(&mut self, column: &str) -> Option<NaiveDateTime> {
        let v = self.required(column);
        self.parsed(column, v, parse_datetime)
    }

    pub fn money(&mut self, column: &str) -> Option<Money> {
        let v = self.raw(column);
        self.parsed(column, v, Money::parse)
    }

    pub fn req_money(&mut self, column: &str) -> Option<Money> {
        let v = self.required(column);
        self.parsed(column, v, Money::parse)
    }

    pub fn decimal(&mut self, column: &str) -> Option<Decimal> {
        let v = self.raw(column);
        self.parsed(column, v, parse_decimal)
    }

    pub fn req_decimal(&mut self, column: &str) -> Option<Decimal> {
        let v = self.required(column);
        self.parsed(column, v, parse_decimal)
    }

    pub fn req_ratio(&mut self, column: &str) -> Option<Ratio> {
        let v = self.required(column);
        self.parsed(column, v, Ratio::parse)
    }

    pub fn req_period(&mut self, column: &str) -> Option<Period> {
        let v = self.required(column);
        self.parsed(column, v, |s| s.parse::<Period>())
    }

    pub fn int(&mut self, column: &str) -> Option<i64> {
        let v = self.raw(column);
        self.parsed(column, v, |s| {
            s.parse::<i64>()
                .map_err(|_| "not a whole number (e.g. 12)".to_owned())
        })
    }

    pub fn flag(&mut self, column: &str) -> Option<bool> {
        let v = self.raw(column);
        self.parsed(column, v, |s| {
            kejing_engine::model::parse_flag(s)
                .ok_or_else(|| "not a yes/no value (write true or false, 是 or 否)".to_owned())
        })
    }

    /// A value from a closed vocabulary.
    pub fn vocab<T>(
        &mut self,
        column: &str,
        parse: fn(&str) -> Option<T>,
        expected: fn() -> String,
    ) -> Option<T> {
        let v = self.raw(column);
        self.parsed(column, v, |s| parse(s).ok_or_else(expected))
    }

    /// Cells under headers that are not columns of the table, by header.
    pub fn extras(&self) -> Vec<(String, String)> {
        self.map
            .extras
            .iter()
            .filter_map(|(i, h)| {
                let v = self.rec.get(*i)?.trim();
                (!v.is_empty()).then(|| (h.clone(), v.to_owned()))
            })
            .collect()
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// Parses `YYYY-MM-DD` (also `YYYY/MM/DD` and `YYYYMMDD`); the day must exist.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let b = t.as_bytes();
    // The common case, YYYY-MM-DD, without splitting.
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let digit = |i: usize| b[i].is_ascii_digit().then(|| u32::from(b[i] - b'0'));
        let n =
            |r: std::ops::Range<usize>| r.map(digit).try_fold(0u32, |acc, d| Some(acc * 10 + d?));
        if let (Some(y), Some(m), Some(d)) = (n(0..4), n(5..7), n(8..10)) {
            return NaiveDate::from_ymd_opt(i32::try_from(y).unwrap_or(0), m, d)
                .ok_or_else(|| format!("{t} is not a day of the calendar"));
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
    let bad = || "not a date: write YYYY-MM-DD, e.g. 2026-09-16".to_owned();
    let (y, m, d) = parts.ok_or_else(bad)?;
    let year = i32::try_from(y).map_err(|_| bad())?;
    NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| format!("{t} is not a day of the calendar"))
}

/// Parses `YYYY-MM-DD HH:MM` (seconds allowed; `T` accepted instead of the space).
pub fn parse_datetime(text: &str) -> Result<NaiveDateTime, String> {
    let t = text.trim();
    let (d, time) = t.split_once([' ', 'T']).ok_or_else(|| {
        "not a time stamp: write YYYY-MM-DD HH:MM, e.g. 2026-09-16 18:30".to_owned()
    })?;
    let date = parse_date(d)?;
    let time = NaiveTime::parse_from_str(time.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(time.trim(), "%H:%M:%S"))
        .map_err(|_| format!("{time:?} is not a time of day: write HH:MM, e.g. 18:30"))?;
    Ok(date.and_time(time))
}

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
    read_impl(path, None, options, sink, progress)
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
        Some(text.trim_start_matches('\n').as_bytes().to_vec()),
        &ReadOptions::default(),
        sink,
        &mut |_, _| {},
    )
}

fn read_impl<T: Record>(
    path: &Path,
    preloaded: Option<Vec<u8>>,
    options: &ReadOptions,
    mut sink: impl FnMut(usize, T) -> Result<(), Vec<Reject>>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ReadSummary, ReadError> {
    let table = T::TABLE;
    let ext = if preloaded.is_some() {
        "csv".to_owned()
    } else {
        path.extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let mut summary = ReadSummary::default();
    let mut errors = Vec::new();
    let mut handle =
        |row: usize, rec: &StringRecord, map: &ColumnMap, errors: &mut Vec<RowError>| {
            let mut cursor = RowCursor {
                row,
                rec,
                map,
                errors: Vec::new(),
            };
            let parsed = T::parse(&mut cursor);
            let mut row_errors = std::mem::take(&mut cursor.errors);
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
                    row_errors.push(RowError {
                        row,
                        column: cursor.header(r.column),
                        value: r.value,
                        reason: r.reason,
                    });
                }
            }
            errors.extend(row_errors);
        };
    let sheet_name;
    match ext.as_str() {
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => {
            let (name, rows) = read_sheet(path, table, options)?;
            sheet_name = Some(name);
            let mut it = rows.into_iter();
            let headers = it.next().ok_or_else(|| {
                ReadError::format(
                    path,
                    "the sheet is empty: it needs a header row and data rows",
                )
            })?;
            let map = ColumnMap::new(table, &headers, path)?;
            warn_extras(&map, &mut summary);
            summary.columns = map.present();
            let total = it.len() as u64;
            for (i, rec) in it.enumerate() {
                if rec.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                summary.rows += 1;
                handle(i + 2, &rec, &map, &mut errors);
                if i % 4096 == 0 {
                    progress(i as u64, total);
                }
            }
            progress(total, total);
        }
        _ => {
            sheet_name = None;
            let bytes = match preloaded {
                Some(b) => b,
                None => std::fs::read(path).map_err(|error| ReadError::Io {
                    file: path.to_owned(),
                    error,
                })?,
            };
            let text = decode(path, bytes, options.encoding, &mut summary)?;
            let total = text.len() as u64;
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let mut rec = StringRecord::new();
            let read = |reader: &mut csv::Reader<&[u8]>, rec: &mut StringRecord| {
                reader.read_record(rec).map_err(|e| {
                    let row = e.position().map_or(0, |p| p.line());
                    ReadError::format(path, format!("row {row}: not valid CSV: {e}"))
                })
            };
            if !read(&mut reader, &mut rec)? || rec.iter().all(|c| c.trim().is_empty()) {
                return Err(ReadError::format(
                    path,
                    format!(
                        "the file is empty: it needs a header row (e.g. {}) and data rows",
                        header_example(table)
                    ),
                ));
            }
            let map = ColumnMap::new(table, &rec, path)?;
            warn_extras(&map, &mut summary);
            summary.columns = map.present();
            let mut n: u64 = 0;
            loop {
                let line = reader.position().line() as usize;
                if !read(&mut reader, &mut rec)? {
                    break;
                }
                if rec.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                summary.rows += 1;
                handle(line, &rec, &map, &mut errors);
                n += 1;
                if n.is_multiple_of(65536) {
                    progress(reader.position().byte(), total);
                }
            }
            progress(total, total);
        }
    }
    if summary.rows == 0 {
        return Err(ReadError::format(
            path,
            "the file has a header but no data rows; nothing to import",
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

fn header_example(table: Table) -> String {
    let cols: Vec<&str> = table
        .columns()
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect();
    cols.join(",")
}

fn warn_extras(map: &ColumnMap, summary: &mut ReadSummary) {
    for (_, h) in &map.extras {
        summary.warnings.push(format!(
            "column {h:?} is not a column of table {}; its values are kept as extra attributes where the table has them (managers, clients, accounts), otherwise ignored",
            map.table
        ));
    }
}

fn decode(
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
fn read_sheet(
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
