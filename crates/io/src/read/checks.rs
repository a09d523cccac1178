//! Checks of a data row that do not depend on the table: more fields than the header, NUL
//! characters, cells holding a spreadsheet error.

use super::{Reason, RowError};
use csv::StringRecord;

/// How many characters of a refused value a message shows.
const SHOWN_CHARS: usize = 100;

/// A value as a message shows it: at most [`SHOWN_CHARS`] characters.
fn shown(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        Some((at, _)) => format!("{}…", &value[..at]),
        None => value.to_owned(),
    }
}

/// A CSV row with a field that is not blank right of the header's last field: a value with an
/// unquoted comma, or a column the header lacks. Blank fields at the end are harmless.
pub(super) fn wider_than_header(
    row: usize,
    rec: &StringRecord,
    header_fields: usize,
    column: &dyn Fn(usize) -> String,
) -> Option<RowError> {
    let filled = |f: &str| !f.trim().is_empty();
    let fields = (0..rec.len())
        .rev()
        .find(|&i| rec.get(i).is_some_and(filled))?
        + 1;
    if fields <= header_fields {
        return None;
    }
    let (first, value) = rec
        .iter()
        .enumerate()
        .skip(header_fields)
        .find(|(_, f)| filled(f))?;
    let reason = Reason::new(
        "too-many-fields",
        format!(
            "row has {fields} fields, the header has {header_fields}: a value holds a comma but is not in quotes, or the header lacks a column; put such a value in quotes (\"1,000\") or add the column to the header"
        ),
    )
    .arg("fields", fields)
    .arg("header_fields", header_fields);
    Some(RowError::new(row, column(first), shown(value), reason))
}

/// The fields holding NUL characters, which PostgreSQL cannot store in text (and SQLite would
/// store silently): one error each, the NULs shown as `␀`.
pub(super) fn nul_cells(
    row: usize,
    rec: &StringRecord,
    column: &dyn Fn(usize) -> String,
) -> Vec<RowError> {
    rec.iter()
        .enumerate()
        .filter(|(_, f)| f.contains('\0'))
        .map(|(i, f)| {
            RowError::new(
                row,
                column(i),
                shown(&f.replace('\0', "␀")),
                Reason::new(
                    "nul-characters",
                    "the cell holds NUL characters (shown as ␀), which cannot be stored: remove the NUL characters",
                ),
            )
        })
        .collect()
}

/// The first header field holding a NUL character, as a message.
pub(super) fn nul_in_header(
    rec: &StringRecord,
    column: &dyn Fn(usize) -> String,
) -> Option<String> {
    let i = rec.iter().position(|f| f.contains('\0'))?;
    Some(format!(
        "row 1 (header), column {}: the header holds NUL characters; remove the NUL characters",
        column(i)
    ))
}

/// The cells of a workbook row that hold a spreadsheet error (`#DIV/0!`, `#REF!`, `#N/A`, …):
/// the error is refused, never stored as text.
pub(super) fn error_cells(
    row: usize,
    errors: &[(usize, String)],
    column: &dyn Fn(usize) -> String,
) -> Vec<RowError> {
    errors
        .iter()
        .map(|(i, error)| {
            RowError::new(
                row,
                column(*i),
                error.clone(),
                Reason::new(
                    "spreadsheet-error",
                    "the cell holds a spreadsheet error: fix the formula (or type the value) so that the cell shows a value",
                ),
            )
        })
        .collect()
}
