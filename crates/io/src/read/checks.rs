//! Checks of a data row that do not depend on the table: more fields than the header, NUL
//! characters, cells holding a spreadsheet error.

use super::RowError;
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
    Some(RowError {
        row,
        column: column(first),
        value: shown(value),
        reason: format!(
            "row has {fields} fields, the header has {header_fields}: a value holds a comma but is not in quotes, or the header lacks a column; put such a value in quotes (\"1,000\") or add the column to the header"
        ),
    })
}
