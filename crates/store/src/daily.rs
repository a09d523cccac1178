//! The daily-management registers in the database (E1–E7, B5): rows stored with their fields
//! as the contract's cells, read back through the same parser as a file, and changed one row
//! at a time by a conditional update on the row's version.

use crate::sql::{Cols, DbError, Ty, Val, in_list};
use crate::{Org, Store, StoreError};
use chrono::NaiveDate;
use kejing_engine::expr::Value;
use kejing_engine::registers::{CalendarDay, Register, RegisterRow};
use kejing_io::registers::{cells_of, fields_from_cells};
use std::collections::BTreeMap;

/// A stored register row with the version an update must name.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRow {
    pub id: i64,
    pub version: i64,
    pub row: RegisterRow,
}

fn fields_json(register: Register, fields: &BTreeMap<String, Value>) -> String {
    serde_json::to_string(&cells_of(register, fields)).unwrap_or_else(|_| "{}".to_owned())
}

fn stored_invalid(message: String) -> DbError {
    DbError {
        context: "reading a register row".to_owned(),
        message,
    }
}

fn row_of(r: &[Val]) -> Result<StoredRow, DbError> {
    let c = Cols::new("register_rows", r);
    let id = c.int(0)?;
    let register_name = c.text(1)?;
    let register = Register::parse(&register_name).ok_or_else(|| {
        stored_invalid(format!(
            "register_rows #{id}: unknown register {register_name:?}"
        ))
    })?;
    let manager = c.text(2)?;
    let cells: BTreeMap<String, String> = serde_json::from_str(&c.text(3)?)
        .map_err(|e| stored_invalid(format!("register_rows #{id}: fields: {e}")))?;
    let fields = fields_from_cells(register, &cells).map_err(|bad| {
        stored_invalid(format!(
            "register_rows #{id}: {}",
            bad.iter()
                .map(|(f, r)| format!("{f}: {r}"))
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })?;
    Ok(StoredRow {
        id,
        version: c.int(4)?,
        row: RegisterRow {
            source: format!("{register_name} #{id}"),
            register,
            manager,
            fields,
        },
    })
}

const COLS: &str = "r.id, r.register, m.code, r.fields, r.version";
const TYS: &[Ty] = &[Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Int];

/// What the day of a row is (its register's day field), or an error naming the field.
fn day_of(row: &RegisterRow) -> Result<NaiveDate, StoreError> {
    row.day().ok_or_else(|| {
        StoreError::Invalid(format!(
            "{}: {} is required",
            row.register.name(),
            row.register.day_field()
        ))
    })
}

impl Store {
    /// Every register row of the organisation whose day falls in `first..=last` (all days when
    /// `None`), oldest first.
    pub fn register_rows(
        &mut self,
        org: &Org,
        register: Option<Register>,
        days: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<Vec<StoredRow>, StoreError> {
        self.register_rows_of(org, register, days, None, &[])
    }

    /// [`Store::register_rows`] of these managers only (`None`: every manager), and only rows
    /// whose field `f` is (`(f, Some(value))`) or is not (`(f, None)`) filled with that value:
    /// `("signed_by", None)` the unsigned logs, `("stage", Some("client"))` the converted
    /// prospects.
    pub fn register_rows_of(
        &mut self,
        org: &Org,
        register: Option<Register>,
        days: Option<(NaiveDate, NaiveDate)>,
        managers: Option<&[String]>,
        fields: &[(&str, Option<&str>)],
    ) -> Result<Vec<StoredRow>, StoreError> {
        let mut sql = format!(
            "SELECT {COLS} FROM register_rows r JOIN managers m ON m.id = r.manager_id WHERE r.org_id = $1"
        );
        let mut params = vec![Val::Int(org.id)];
        if let Some(reg) = register {
            params.push(Val::text(reg.name()));
            sql.push_str(&format!(" AND r.register = ${}", params.len()));
        }
        if let Some((first, last)) = days {
            params.push(Val::Date(first));
            sql.push_str(&format!(" AND r.day >= ${}", params.len()));
            params.push(Val::Date(last));
            sql.push_str(&format!(" AND r.day <= ${}", params.len()));
        }
        if let Some(ms) = managers {
            if ms.is_empty() {
                return Ok(Vec::new());
            }
            let marks = in_list(&mut params, ms.iter().map(Val::text));
            // By the managers' ids (the index by manager and day), not by a scan of the days.
            sql.push_str(&format!(
                " AND r.manager_id IN (SELECT id FROM managers WHERE org_id = $1 AND code IN ({marks}))"
            ));
        }
        for (f, value) in fields {
            // The fields are a JSON object of cells (cells_of leaves empty ones out): a key with
            // a value is `"f":"value"`; a key absent is no `"f":` at all.
            let key = serde_json::to_string(f).unwrap_or_default();
            match value {
                Some(v) => {
                    let v = serde_json::to_string(v).unwrap_or_default();
                    params.push(Val::Text(format!("%{key}:{v}%")));
                    sql.push_str(&format!(" AND r.fields LIKE ${}", params.len()));
                }
                None => {
                    params.push(Val::Text(format!("%{key}:%")));
                    sql.push_str(&format!(" AND r.fields NOT LIKE ${}", params.len()));
                }
            }
        }
        sql.push_str(" ORDER BY r.day, r.id");
        let rows = self.conn.query(&sql, &params, TYS)?;
        Ok(rows
            .iter()
            .map(|r| row_of(r))
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// One manager's row of a register by its key.
    pub fn register_row(
        &mut self,
        org: &Org,
        register: Register,
        manager: &str,
        key: &str,
    ) -> Result<Option<StoredRow>, StoreError> {
        let rows = self.conn.query(
            &format!(
                "SELECT {COLS} FROM register_rows r JOIN managers m ON m.id = r.manager_id \
                 WHERE r.org_id = $1 AND r.register = $2 AND m.org_id = $1 AND m.code = $3 AND r.row_key = $4"
            ),
            &[
                Val::Int(org.id),
                Val::text(register.name()),
                Val::text(manager),
                Val::text(key),
            ],
            TYS,
        )?;
        Ok(rows.first().map(|r| row_of(r)).transpose()?)
    }

    /// Adds a row (a manager registering an outing, writing a log…): a second row with the same
    /// key is refused as already there. Call it inside [`Store::write`]. Audited.
    pub fn insert_register_row(&mut self, org: &Org, row: &RegisterRow) -> Result<i64, StoreError> {
        let managers = self.code_map("managers", org)?;
        let Some(m) = managers.get(&row.manager).copied() else {
            return Err(StoreError::NotFound(format!(
                "there is no customer manager {} / 没有客户经理 {}",
                row.manager, row.manager
            )));
        };
        let key = row.key();
        if self
            .register_row(org, row.register, &row.manager, &key)?
            .is_some()
        {
            return Err(StoreError::taken(
                "register-exists",
                &[
                    ("manager", row.manager.clone()),
                    ("register", row.register.key().to_owned()),
                    ("key", key.clone()),
                ],
                format!("{} already has {} {key}", row.manager, row.register.key()),
            ));
        }
        let day = day_of(row)?;
        let json = fields_json(row.register, &row.fields);
        let id = self.conn.insert_id(
            "register_rows",
            "INSERT INTO register_rows (org_id, register, manager_id, row_key, day, fields, version) VALUES ($1, $2, $3, $4, $5, $6, 1)",
            &[
                Val::Int(org.id),
                Val::text(row.register.name()),
                Val::Int(m),
                Val::text(&key),
                Val::Date(day),
                Val::Text(json.clone()),
            ],
        )?;
        let after: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        self.audit(
            Some(org.id),
            "register",
            row.register.name(),
            &format!("{}/{key}", row.manager),
            None,
            Some(after),
        )?;
        Ok(id)
    }

    /// Replaces a stored row's fields if it is still at `version` (what the caller read and
    /// checked); otherwise someone changed it first: a conflict. Call it inside
    /// [`Store::write`]. Audited with the fields before and after.
    pub fn update_register_row(
        &mut self,
        org: &Org,
        before: &StoredRow,
        fields: &BTreeMap<String, Value>,
        action: &str,
    ) -> Result<(), StoreError> {
        let reg = before.row.register;
        let json = fields_json(reg, fields);
        let n = self.conn.exec(
            "UPDATE register_rows SET fields = $1, version = version + 1 WHERE id = $2 AND org_id = $3 AND version = $4",
            &[
                Val::Text(json.clone()),
                Val::Int(before.id),
                Val::Int(org.id),
                Val::Int(before.version),
            ],
        )?;
        if n != 1 {
            return Err(StoreError::taken(
                "register-changed",
                &[
                    ("register", reg.key().to_owned()),
                    ("key", before.row.key()),
                    ("manager", before.row.manager.clone()),
                ],
                format!(
                    "{} {} of {} was changed by someone else a moment ago; reload and look again",
                    reg.key(),
                    before.row.key(),
                    before.row.manager
                ),
            ));
        }
        let old: serde_json::Value =
            serde_json::from_str(&fields_json(reg, &before.row.fields)).unwrap_or_default();
        let new: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        self.audit(
            Some(org.id),
            action,
            reg.name(),
            &format!("{}/{}", before.row.manager, before.row.key()),
            Some(old),
            Some(new),
        )?;
        Ok(())
    }

    /// The calendar table's exceptions.
    pub fn calendar_days(&mut self, org: &Org) -> Result<Vec<CalendarDay>, StoreError> {
        let rows = self.conn.query(
            "SELECT day, working, note FROM calendar_days WHERE org_id = $1 ORDER BY day",
            &[Val::Int(org.id)],
            &[Ty::Date, Ty::Bool, Ty::Text],
        )?;
        rows.iter()
            .map(|r| {
                let c = Cols::new("calendar_days", r);
                let date = c.date(0)?;
                Ok(CalendarDay {
                    source: format!("calendar {date}"),
                    date,
                    working: c.bool(1)?,
                    note: c.opt_text(2),
                })
            })
            .collect()
    }
}
