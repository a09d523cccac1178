//! Matching a file's header to the table's columns (English or Chinese), and what the header lacks or adds.

use super::{ReadError, ReadSummary, Reason};
use crate::tables::{Column, Table};
use csv::StringRecord;
use std::path::Path;

/// Which field of a record holds each column of the table.
pub(super) struct ColumnMap {
    pub(super) table: Table,
    /// For each of `table.columns()`: the field index and the header as written.
    pub(super) fields: Vec<Option<(usize, String)>>,
    /// Headers that are not columns of the table: (field index, header).
    pub(super) extras: Vec<(usize, String)>,
}

impl ColumnMap {
    pub(super) fn new(
        table: Table,
        headers: &StringRecord,
        file: &Path,
    ) -> Result<Self, ReadError> {
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
                        return Err(ReadError::format_said(
                            file,
                            Reason::new(
                                "columns-duplicate",
                                format!(
                                    "columns {first:?} and {clean:?} both give {}; keep one",
                                    col.name
                                ),
                            )
                            .arg("first", first)
                            .arg("second", clean)
                            .arg("column", col.name),
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
            return Err(ReadError::format_said(
                file,
                Reason::new(
                    "columns-missing",
                    format!(
                        "row 1 (header): missing required column(s) {} for table {table}; the header has: {}",
                        missing.join(", "),
                        found.join(", ")
                    ),
                )
                .arg("missing", missing.join("、"))
                .arg("table", table.name())
                .arg("found", found.join("、")),
            ));
        }
        Ok(ColumnMap {
            table,
            fields,
            extras,
        })
    }

    pub(super) fn present(&self) -> Vec<&'static str> {
        self.table
            .columns()
            .iter()
            .zip(&self.fields)
            .filter(|(_, f)| f.is_some())
            .map(|(c, _)| c.name)
            .collect()
    }

    /// The header as written over field `field`, if it has one.
    pub(super) fn header_at(&self, field: usize) -> Option<&str> {
        self.fields
            .iter()
            .flatten()
            .chain(&self.extras)
            .find(|(i, _)| *i == field)
            .map(|(_, h)| h.as_str())
    }

    pub(super) fn index(&self, column: &str) -> Option<usize> {
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

pub(super) fn header_example(table: Table) -> String {
    let cols: Vec<&str> = table
        .columns()
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect();
    cols.join(",")
}

pub(super) fn warn_extras(map: &ColumnMap, summary: &mut ReadSummary) {
    for (_, h) in &map.extras {
        summary.warnings.push(format!(
            "column {h:?} is not a column of table {}; its values are kept as extra attributes where the table has them (managers, clients, accounts), otherwise ignored",
            map.table
        ));
    }
}
