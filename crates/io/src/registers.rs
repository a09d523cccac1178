//! The daily-management registers and the working-day calendar as records: each register's
//! row parsed by the engine's schema (`kejing_engine::registers`), with the checks a single row
//! allows (a return before the outing left, a signature without a signer, a client without the
//! day it became one).

use crate::read::{Reason, RowCursor};
use crate::records::Record;
use crate::tables::Table;
use chrono::NaiveDate;
use kejing_engine::expr::Value;
use kejing_engine::registers::{FieldKind, Register};
use kejing_engine::{Code, Period};
use std::collections::BTreeMap;

/// A row of a register, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterRec {
    pub register: Register,
    pub manager_id: Code,
    pub fields: BTreeMap<String, Value>,
}

/// The table of a register.
pub fn table_of(r: Register) -> Table {
    match r {
        Register::Briefings => Table::Briefings,
        Register::Outings => Table::Outings,
        Register::Visits => Table::Visits,
        Register::WorkLogs => Table::WorkLogs,
        Register::Prospects => Table::Prospects,
        Register::CreditRegister => Table::CreditRegister,
        Register::RetailVisits => Table::RetailVisits,
        Register::Meetings => Table::Meetings,
        Register::ActionItems => Table::ActionItems,
        Register::Reports => Table::Reports,
    }
}

/// The register a table holds, if it is one.
pub fn register_of(t: Table) -> Option<Register> {
    Register::ALL.iter().copied().find(|r| table_of(*r) == t)
}

fn parse_field(
    c: &mut RowCursor<'_>,
    name: &str,
    kind: FieldKind,
    required: bool,
    fields: &mut BTreeMap<String, Value>,
) {
    let Some(raw) = c.raw(name) else {
        if required {
            c.fail(name, "", Reason::required());
        }
        if kind == FieldKind::Flag {
            fields.insert(name.to_owned(), Value::Bool(false));
        }
        return;
    };
    let value = match kind {
        FieldKind::Id => c.code(name).map(|v| Value::Text(v.to_string())),
        FieldKind::Text => Some(Value::Text(raw.to_owned())),
        FieldKind::Date => c.date(name).map(Value::Date),
        FieldKind::Stamp => c
            .parse_with(name, crate::read::datetime_reason)
            .map(Value::DateTime),
        FieldKind::Flag => c.flag(name).map(Value::Bool),
        FieldKind::Number => c.decimal(name).map(Value::Num),
        FieldKind::Month => {
            let p = c.parse_with(name, |s| {
                s.parse::<Period>()
                    .map_err(Reason::from)
                    .and_then(|p| match p {
                        Period::Month { .. } => Ok(p),
                        _ => Err(Reason::new(
                            "report-not-month",
                            "a report is for a month: write it as 2026-09",
                        )),
                    })
            });
            if let Some(p) = p {
                fields.insert(format!("{name}_end"), Value::Date(p.last_day()));
            }
            p.map(|p| Value::Text(p.to_string()))
        }
        FieldKind::Codes(codes) => c
            .parse_with(name, |s| {
                codes
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(s) || zh_code(k) == Some(s))
                    .map(|k| (*k).to_owned())
                    .ok_or_else(|| {
                        Reason::not_one_of(
                            format!("write one of {}", codes.join(", ")),
                            codes.join(", "),
                        )
                    })
            })
            .map(Value::Text),
    };
    if let Some(v) = value {
        fields.insert(name.to_owned(), v);
    }
}

/// The Chinese words accepted for the coded values.
fn zh_code(code: &str) -> Option<&'static str> {
    Some(match code {
        "present" => "出席",
        "absent" => "缺席",
        "leave" => "请假",
        "prospect" => "潜在",
        "contacted" => "已接触",
        "client" => "已成交",
        "monthly" => "月度工作会议",
        "weekly" => "周例会",
        "notice" => "电话通知会议",
        _ => return None,
    })
}

fn stamp(fields: &BTreeMap<String, Value>, f: &str) -> Option<chrono::NaiveDateTime> {
    match fields.get(f)? {
        Value::DateTime(t) => Some(*t),
        _ => None,
    }
}

fn date(fields: &BTreeMap<String, Value>, f: &str) -> Option<NaiveDate> {
    match fields.get(f)? {
        Value::Date(d) => Some(*d),
        _ => None,
    }
}

/// What a single row can show is wrong, as (field, reason): a return before the outing left, a
/// signature without its signer, a client without the day it became one.
pub fn row_problems(
    register: Register,
    fields: &BTreeMap<String, Value>,
) -> Vec<(&'static str, Reason)> {
    let mut out = Vec::new();
    match register {
        Register::Outings => {
            let left = stamp(fields, "left_at");
            for later in ["returned_at", "expected_back_at"] {
                if let (Some(l), Some(t)) = (left, stamp(fields, later))
                    && t < l
                {
                    out.push((
                        later,
                        Reason::new(
                            "outing-back-before-left",
                            format!("before the outing left ({l}); check the time"),
                        )
                        .arg("left", l.format("%Y-%m-%d %H:%M")),
                    ));
                }
            }
        }
        Register::WorkLogs => {
            if fields.contains_key("signed_at") && !fields.contains_key("signed_by") {
                out.push((
                    "signed_at",
                    Reason::new(
                        "signature-needs-signer",
                        "a signature needs the signer: fill in signed_by",
                    ),
                ));
            }
            if let (Some(day), Some(at)) = (date(fields, "date"), stamp(fields, "signed_at"))
                && at.date() < day
            {
                out.push((
                    "signed_at",
                    Reason::new(
                        "signed-before-log-day",
                        format!("signed before the day of the log ({day})"),
                    )
                    .arg("day", day),
                ));
            }
        }
        Register::ActionItems => {
            if let (Some(due), Some(done)) = (date(fields, "due_on"), date(fields, "done_on"))
                && done < due - chrono::Days::new(366)
            {
                out.push((
                    "done_on",
                    Reason::new(
                        "done-long-before-due",
                        format!("more than a year before the item was due ({due}); check the date"),
                    )
                    .arg("due", due),
                ));
            }
        }
        Register::Prospects => {
            if fields.get("stage") == Some(&Value::Text("client".into()))
                && !fields.contains_key("converted_on")
            {
                out.push((
                    "converted_on",
                    Reason::new(
                        "prospect-needs-converted-on",
                        "a prospect that became a client needs the day it did (converted_on)",
                    ),
                ));
            }
            if let (Some(first), Some(conv)) = (
                date(fields, "first_contact_on"),
                date(fields, "converted_on"),
            ) && conv < first
            {
                out.push((
                    "converted_on",
                    Reason::new(
                        "converted-before-first-contact",
                        format!("before the first contact ({first})"),
                    )
                    .arg("first", first),
                ));
            }
        }
        _ => {}
    }
    out
}

/// Parses a row of `register` by its schema and checks what one row can show.
pub fn parse_register(c: &mut RowCursor<'_>, register: Register) -> Option<RegisterRec> {
    let manager_id = c.req_code("manager_id");
    let mut fields = BTreeMap::new();
    for f in register.fields() {
        parse_field(c, f.name, f.kind, f.required, &mut fields);
    }
    for (field, reason) in row_problems(register, &fields) {
        let v = c.raw(field).unwrap_or("").to_owned();
        c.fail(field, &v, reason);
    }
    if c.has_errors() {
        return None;
    }
    Some(RegisterRec {
        register,
        manager_id: manager_id?,
        fields,
    })
}

/// A field's value as the cell it is written in (`2026-09-03 17:40`, `true`, `12.5`).
pub fn cell_of(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Text(s) => s.clone(),
        Value::Num(n) => n.normalize().to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => d.to_string(),
        Value::DateTime(t) => t.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// A row's fields as cells by field name (derived `<month>_end` fields left out).
pub fn cells_of(register: Register, fields: &BTreeMap<String, Value>) -> BTreeMap<String, String> {
    register
        .fields()
        .iter()
        .filter_map(|f| {
            let v = fields.get(f.name)?;
            let c = cell_of(v);
            (!c.is_empty()).then(|| (f.name.to_owned(), c))
        })
        .collect()
}

/// Parses cells by field name (a form, a stored row) into a register row's fields; every bad
/// cell is reported as (field, reason).
pub fn fields_from_cells(
    register: Register,
    cells: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, Value>, Vec<(String, String)>> {
    let mut fields = BTreeMap::new();
    let mut bad = Vec::new();
    for name in cells.keys() {
        if register.field(name).is_none() {
            bad.push((
                name.clone(),
                format!("{} has no field {name}", register.name()),
            ));
        }
    }
    for f in register.fields() {
        let raw = cells
            .get(f.name)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty());
        let Some(raw) = raw else {
            if f.required {
                bad.push((f.name.to_owned(), "a value is required here".to_owned()));
            }
            if f.kind == FieldKind::Flag {
                fields.insert(f.name.to_owned(), Value::Bool(false));
            }
            continue;
        };
        let parsed: Result<Value, String> = match f.kind {
            FieldKind::Id => Code::parse(raw)
                .map(|c| Value::Text(c.to_string()))
                .map_err(|e| e.to_string()),
            FieldKind::Text => Ok(Value::Text(raw.to_owned())),
            FieldKind::Date => crate::read::parse_date_cell(raw).map(Value::Date),
            FieldKind::Stamp => crate::read::parse_datetime_cell(raw).map(Value::DateTime),
            FieldKind::Flag => kejing_engine::model::parse_flag(raw)
                .map(Value::Bool)
                .ok_or_else(|| "not a yes/no value (write true or false, 是 or 否)".to_owned()),
            FieldKind::Number => kejing_engine::parse_decimal(raw)
                .map(Value::Num)
                .map_err(|e| e.to_string()),
            FieldKind::Month => match raw.parse::<Period>() {
                Ok(p @ Period::Month { .. }) => {
                    fields.insert(format!("{}_end", f.name), Value::Date(p.last_day()));
                    Ok(Value::Text(p.to_string()))
                }
                _ => Err("a month: write it as 2026-09".to_owned()),
            },
            FieldKind::Codes(codes) => codes
                .iter()
                .find(|k| k.eq_ignore_ascii_case(raw) || zh_code(k) == Some(raw))
                .map(|k| Value::Text((*k).to_owned()))
                .ok_or_else(|| format!("write one of {}", codes.join(", "))),
        };
        match parsed {
            Ok(v) => {
                fields.insert(f.name.to_owned(), v);
            }
            Err(e) => bad.push((f.name.to_owned(), e)),
        }
    }
    if bad.is_empty() {
        for (field, reason) in row_problems(register, &fields) {
            bad.push((field.to_owned(), reason.english));
        }
    }
    if bad.is_empty() { Ok(fields) } else { Err(bad) }
}

macro_rules! register_records {
    ($($rec:ident => $reg:ident),+ $(,)?) => {
        $(
            #[derive(Debug, Clone, PartialEq)]
            pub struct $rec(pub RegisterRec);
            impl Record for $rec {
                const TABLE: Table = Table::$reg;
                fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
                    parse_register(c, Register::$reg).map($rec)
                }
            }
        )+
    };
}

register_records! {
    BriefingRec => Briefings,
    OutingRec => Outings,
    VisitRec => Visits,
    WorkLogRec => WorkLogs,
    ProspectRec => Prospects,
    CreditEntryRec => CreditRegister,
    RetailVisitRec => RetailVisits,
    MeetingRec => Meetings,
    ActionItemRec => ActionItems,
    ReportRec => Reports,
}

/// A dated exception of the working-day calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarRec {
    pub date: NaiveDate,
    pub working: bool,
    pub note: Option<String>,
}

impl Record for CalendarRec {
    const TABLE: Table = Table::Calendar;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let date = c.req_date("date");
        let working = c.flag("working");
        if working.is_none() && c.raw("working").is_none() {
            c.fail(
                "working",
                "",
                Reason::new(
                    "working-required",
                    "a value is required here: true for a (make-up) working day, false for a holiday",
                ),
            );
        }
        let note = c.text("note");
        Some(CalendarRec {
            date: date?,
            working: working?,
            note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_register_table_has_the_engines_fields() {
        for r in Register::ALL {
            let t = table_of(*r);
            let cols: Vec<&str> = t.columns().iter().map(|c| c.name).collect();
            let mut fields: Vec<&str> = vec!["manager_id"];
            fields.extend(r.fields().iter().map(|f| f.name));
            let mut a = cols.clone();
            a.sort_unstable();
            fields.sort_unstable();
            assert_eq!(a, fields, "{t}");
            for f in r.fields() {
                let col = t.columns().iter().find(|c| c.name == f.name).unwrap();
                assert_eq!(col.required, f.required, "{t}.{}", f.name);
            }
            assert_eq!(register_of(t), Some(*r));
        }
    }
}
