//! What a register-row expression reads: the row's fields, `client.<column>`,
//! `manager.<column>`, `now`, and the calendar's `workday()` and `is_working_day()`.

use crate::data::{Client, Manager};
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
