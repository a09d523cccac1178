//! Reading a table from a CSV or XLSX file, row by row, collecting every bad row.

mod checks;
mod columns;
mod csv_rows;
mod cursor;
mod dates;
mod file;
mod formats;
mod reason;
mod sheet;

pub use csv_rows::{MAX_FIELDS, MAX_RECORD_BYTES};
pub use cursor::RowCursor;
pub(crate) use dates::datetime_reason;
pub use dates::{parse_date as parse_date_cell, parse_datetime as parse_datetime_cell};
pub use dates::{parse_date, parse_datetime};
pub use file::{read_records, read_records_bytes, read_records_text};
pub use reason::{REASON_CODES, Reason};
pub use sheet::{MAX_SHEET_COLUMNS, MAX_SHEET_ROWS};

use std::fmt;
use std::path::{Path, PathBuf};

/// A count with thousands separators, as limits are stated in messages: 1048576 → `1,048,576`.
pub(crate) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// How the bytes of a CSV file are decoded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without BOM); a file that is not UTF-8 is read as GBK (GB18030) with a
    /// warning, unless it also has a line of UTF-8 text (a file mixing both is refused).
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
    /// The English text.
    pub reason: String,
    /// The reason's code, one of [`REASON_CODES`].
    pub code: &'static str,
    /// The reason's parameters by name.
    pub args: Vec<(String, String)>,
}

impl RowError {
    /// The error of `row`, `column` and `value` for `reason`.
    pub fn new(
        row: usize,
        column: impl Into<String>,
        value: impl Into<String>,
        reason: Reason,
    ) -> Self {
        RowError {
            row,
            column: column.into(),
            value: value.into(),
            reason: reason.english,
            code: reason.code,
            args: reason.args,
        }
    }
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
    pub reason: Reason,
}

impl Reject {
    pub fn new(column: &'static str, value: impl Into<String>, reason: Reason) -> Self {
        Reject {
            column,
            value: value.into(),
            reason,
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
        /// The same with a stable code and parameters, where the reader gave one (a missing
        /// column, an empty file, an encoding), for a message in the user's language.
        reason: Option<Box<Reason>>,
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
            reason: None,
        }
    }

    /// A file-level error with a coded reason (its English is the message).
    fn format_said(file: &Path, reason: Reason) -> Self {
        ReadError::Format {
            file: file.to_owned(),
            message: reason.english.clone(),
            reason: Some(Box::new(reason)),
        }
    }

    /// The coded reason of a file-level error, if it has one.
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            ReadError::Format { reason, .. } => reason.as_deref(),
            _ => None,
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
            ReadError::Format { file, message, .. } => {
                write!(f, "{}: {message}", file.display())
            }
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
