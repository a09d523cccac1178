//! What a register-row expression reads: the row's fields, `client.<column>`,
//! `manager.<column>`, `now`, and the calendar's `workday()` and `is_working_day()`.

use crate::data::{Client, Manager, OwnershipVersion};
use crate::expr::{Env, Expr, Value};
use crate::policy::Policy;
use crate::registers::{Calendar, RegisterRow};
use crate::settle::{client_field, manager_field};
use chrono::NaiveDateTime;
use rust_decimal::prelude::ToPrimitive;

/// A register row as an expression sees it.
pub(crate) struct RegisterEnv<'a> {
    pub(crate) row: &'a RegisterRow,
    pub(crate) client: Option<&'a Client>,
    pub(crate) manager: &'a Manager,
    pub(crate) policy: &'a Policy,
    pub(crate) calendar: &'a Calendar,
    pub(crate) now: NaiveDateTime,
    /// Client-level ownership versions by client (for `owns()` and `owned()`); empty when the
    /// data has no ledger.
    pub(crate) ownership: &'a Owners<'a>,
}

/// Client-level ownership versions by client.
pub(crate) type Owners<'a> = std::collections::HashMap<&'a str, Vec<&'a OwnershipVersion>>;

/// The client-level versions of the ledger, by client.
pub(crate) fn owners(ownership: &[OwnershipVersion]) -> Owners<'_> {
    let mut by: Owners<'_> = std::collections::HashMap::new();
    for v in ownership.iter().filter(|v| v.subject.1.is_empty()) {
        by.entry(v.subject.0.as_str()).or_default().push(v);
    }
    by
}

impl Env for RegisterEnv<'_> {
    fn name(&self, path: &[String]) -> Result<Value, String> {
        match (path[0].as_str(), path.len()) {
            ("client", 2) => Ok(client_field(self.client, &path[1], self.row.day())),
            ("manager", 2) => manager_field(self.policy, self.manager, &path[1]),
            ("now", 1) => Ok(Value::DateTime(self.now)),
            (f, 1) => {
                if self.row.register.names().iter().any(|n| n == f) {
                    Ok(self.row.get(f))
                } else {
                    Err(format!(
                        "unknown field {f} of a row of {}",
                        self.row.register.name()
                    ))
                }
            }
            _ => Err(format!("unknown name {}", path.join("."))),
        }
    }

    fn call(&self, name: &str, args: &[Expr]) -> Option<Result<Value, String>> {
        if name == "owns" || name == "owned" {
            return Some((|| {
                if args.len() != 1 {
                    return Err(format!("{name} takes 1 argument: {name}(client_id)"));
                }
                let client = match args[0].eval(self)? {
                    Value::Text(c) => c,
                    Value::Null => return Ok(Value::Bool(false)),
                    v => return Err(format!("{name}: {} is not a client id", v.type_name())),
                };
                let Some(day) = self.row.day() else {
                    return Ok(Value::Bool(false));
                };
                let versions = self
                    .ownership
                    .get(client.as_str())
                    .map_or(&[][..], Vec::as_slice);
                let on_day = versions.iter().filter(|v| v.covers(day));
                Ok(Value::Bool(if name == "owns" {
                    on_day.into_iter().any(|v| v.manager == self.row.manager)
                } else {
                    on_day.into_iter().next().is_some()
                }))
            })());
        }
        calendar_call(self.calendar, name, args, self)
    }
}

/// `workday(date, n)` and `is_working_day(date)` over the calendar; `None` for other names.
pub(crate) fn calendar_call(
    calendar: &Calendar,
    name: &str,
    args: &[Expr],
    env: &dyn Env,
) -> Option<Result<Value, String>> {
    let eval = |i: usize| -> Result<Value, String> {
        args.get(i)
            .ok_or_else(|| format!("{name}: missing argument {}", i + 1))?
            .eval(env)
    };
    match name {
        "workday" => Some((|| {
            if args.len() != 2 {
                return Err("workday takes 2 arguments: workday(date, n)".to_owned());
            }
            let day = match eval(0)? {
                Value::Date(d) => d,
                Value::DateTime(t) => t.date(),
                Value::Null => return Ok(Value::Null),
                v => return Err(format!("workday: {} is not a date", v.type_name())),
            };
            let n = eval(1)?
                .as_num()?
                .trunc()
                .to_u32()
                .filter(|n| *n <= 366)
                .ok_or("workday: n is a whole number of working days from 0 to 366")?;
            calendar
                .working_day_after(day, n)
                .map(Value::Date)
                .ok_or_else(|| {
                    format!("workday: the calendar has no {n}-th working day after {day}")
                })
        })()),
        "is_working_day" => Some((|| {
            if args.len() != 1 {
                return Err("is_working_day takes 1 argument: is_working_day(date)".to_owned());
            }
            match eval(0)? {
                Value::Date(d) => Ok(Value::Bool(calendar.is_working_day(d))),
                Value::DateTime(t) => Ok(Value::Bool(calendar.is_working_day(t.date()))),
                v => Err(format!("is_working_day: {} is not a date", v.type_name())),
            }
        })()),
        _ => None,
    }
}

/// A manager as `[daily] among` and a rule's `among` see them.
pub(crate) struct ManagerEnv<'a> {
    pub(crate) manager: &'a Manager,
    pub(crate) policy: &'a Policy,
}

impl Env for ManagerEnv<'_> {
    fn name(&self, path: &[String]) -> Result<Value, String> {
        match (path[0].as_str(), path.len()) {
            ("manager", 2) => manager_field(self.policy, self.manager, &path[1]),
            _ => Err(format!(
                "unknown name {}; a daily among condition reads manager.<column>",
                path.join(".")
            )),
        }
    }
}
