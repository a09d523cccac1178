//! Evaluating an `Expr`: operators, comparisons and the built-in functions.

use super::{BinOp, Env, Expr, Value};
use rust_decimal::Decimal;

impl Expr {
    /// Evaluates the expression; `env` gives names and the policy's own functions.
    pub fn eval(&self, env: &dyn Env) -> Result<Value, String> {
        match self {
            Expr::Lit(v) => Ok(v.clone()),
            Expr::Name(path) => env.name(path),
            Expr::Neg(e) => {
                let n = e.eval(env)?.as_num()?;
                Ok(Value::Num(-n))
            }
            Expr::Not(e) => Ok(Value::Bool(!e.eval(env)?.as_bool()?)),
            Expr::Bin(BinOp::And, a, b) => {
                if !a.eval(env)?.as_bool()? {
                    return Ok(Value::Bool(false));
                }
                Ok(Value::Bool(b.eval(env)?.as_bool()?))
            }
            Expr::Bin(BinOp::Or, a, b) => {
                if a.eval(env)?.as_bool()? {
                    return Ok(Value::Bool(true));
                }
                Ok(Value::Bool(b.eval(env)?.as_bool()?))
            }
            Expr::Bin(op, a, b) => binary(*op, a.eval(env)?, b.eval(env)?),
            Expr::Call(name, args) => call(name, args, env),
        }
    }
}

fn binary(op: BinOp, a: Value, b: Value) -> Result<Value, String> {
    use Value::*;
    let overflow = || format!("the result of {a} {} {b} is out of range", op.symbol());
    Ok(match (op, &a, &b) {
        (BinOp::Add, Num(x), Num(y)) => Num(x.checked_add(*y).ok_or_else(overflow)?),
        (BinOp::Sub, Num(x), Num(y)) => Num(x.checked_sub(*y).ok_or_else(overflow)?),
        (BinOp::Mul, Num(x), Num(y)) => Num(x.checked_mul(*y).ok_or_else(overflow)?),
        (BinOp::Div, Num(_), Num(y)) if y.is_zero() => {
            return Err(format!(
                "division by zero in {a} / {b}; guard it with if({b} == 0, …, …)"
            ));
        }
        (BinOp::Div, Num(x), Num(y)) => Num(x.checked_div(*y).ok_or_else(overflow)?),
        (BinOp::Eq, _, _) => Bool(equal(&a, &b)?),
        (BinOp::Ne, _, _) => Bool(!equal(&a, &b)?),
        (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge, _, _) => {
            let ord = match (&a, &b) {
                (Num(x), Num(y)) => x.cmp(y),
                (Date(x), Date(y)) => x.cmp(y),
                (DateTime(x), DateTime(y)) => x.cmp(y),
                (Text(x), Text(y)) => x.cmp(y),
                _ => {
                    return Err(format!(
                        "cannot compare {} {a} with {} {b}",
                        a.type_name(),
                        b.type_name()
                    ));
                }
            };
            Bool(match op {
                BinOp::Lt => ord.is_lt(),
                BinOp::Le => ord.is_le(),
                BinOp::Gt => ord.is_gt(),
                _ => ord.is_ge(),
            })
        }
        _ => {
            return Err(format!(
                "cannot apply {} to {} {a} and {} {b}",
                op.symbol(),
                a.type_name(),
                b.type_name()
            ));
        }
    })
}

fn equal(a: &Value, b: &Value) -> Result<bool, String> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Ok(a == b),
        (Value::Num(x), Value::Num(y)) => Ok(x == y),
        _ if a.type_name() == b.type_name() => Ok(a == b),
        _ => Err(format!(
            "cannot compare {} {a} with {} {b}",
            a.type_name(),
            b.type_name()
        )),
    }
}

/// The built-in functions, for documentation and load-time checks: (name, arguments, meaning).
pub const BUILTINS: &[(&str, &str, &str)] = &[
    ("min", "a, b, …", "the smallest number"),
    ("max", "a, b, …", "the largest number"),
    ("abs", "x", "the absolute value"),
    (
        "if",
        "condition, then, else",
        "then when the condition holds, else otherwise",
    ),
    ("is_empty", "x", "whether a value is empty (an empty cell)"),
    ("or_zero", "x", "x, or 0 when x is empty"),
    (
        "minutes_between",
        "from, to",
        "whole minutes from one time stamp to another",
    ),
    ("days_between", "from, to", "days from one date to another"),
    ("add_days", "date, n", "the date n days later"),
    (
        "add_months",
        "date, n",
        "the same day n months later (the month's last day where it is shorter)",
    ),
    (
        "at",
        "date, \"HH:MM\"",
        "the time stamp of that time of day on the date, e.g. at(day_of(left_at), \"17:00\")",
    ),
    ("day_of", "time stamp", "the date of a time stamp"),
];

fn call(name: &str, args: &[Expr], env: &dyn Env) -> Result<Value, String> {
    if name == "if" {
        if args.len() != 3 {
            return Err("if takes 3 arguments: if(condition, then, else)".into());
        }
        return if args[0].eval(env)?.as_bool()? {
            args[1].eval(env)
        } else {
            args[2].eval(env)
        };
    }
    if let Some(r) = env.call(name, args) {
        return r;
    }
    let values: Vec<Value> = args.iter().map(|a| a.eval(env)).collect::<Result<_, _>>()?;
    let arity = |n: usize| -> Result<(), String> {
        if values.len() == n {
            Ok(())
        } else {
            Err(format!(
                "{name} takes {n} argument(s), got {}",
                values.len()
            ))
        }
    };
    match name {
        "min" | "max" => {
            let mut nums = values.iter().map(Value::as_num);
            let first = nums
                .next()
                .ok_or_else(|| format!("{name} needs at least one number"))??;
            let mut acc = first;
            for n in nums {
                let n = n?;
                acc = if name == "min" {
                    acc.min(n)
                } else {
                    acc.max(n)
                };
            }
            Ok(Value::Num(acc))
        }
        "abs" => {
            arity(1)?;
            Ok(Value::Num(values[0].as_num()?.abs()))
        }
        "is_empty" => {
            arity(1)?;
            Ok(Value::Bool(values[0] == Value::Null))
        }
        "or_zero" => {
            arity(1)?;
            Ok(match &values[0] {
                Value::Null => Value::Num(Decimal::ZERO),
                v => v.clone(),
            })
        }
        "minutes_between" => {
            arity(2)?;
            match (&values[0], &values[1]) {
                (Value::DateTime(a), Value::DateTime(b)) => {
                    Ok(Value::Num(Decimal::from((*b - *a).num_minutes())))
                }
                (a, b) => Err(format!(
                    "minutes_between takes two time stamps, got {} and {}",
                    a.type_name(),
                    b.type_name()
                )),
            }
        }
        "days_between" => {
            arity(2)?;
            match (&values[0], &values[1]) {
                (Value::Date(a), Value::Date(b)) => {
                    Ok(Value::Num(Decimal::from((*b - *a).num_days())))
                }
                (a, b) => Err(format!(
                    "days_between takes two dates, got {} and {}",
                    a.type_name(),
                    b.type_name()
                )),
            }
        }
        "add_days" => {
            arity(2)?;
            match (&values[0], &values[1]) {
                (Value::Date(d), Value::Num(n)) => {
                    let n: i64 = n
                        .trunc()
                        .try_into()
                        .map_err(|_| "add_days: too many days".to_owned())?;
                    // `Duration::days` panics past ±i64::MAX / 86,400 days: ask, never assume.
                    chrono::Duration::try_days(n)
                        .and_then(|days| d.checked_add_signed(days))
                        .map(Value::Date)
                        .ok_or_else(|| "add_days: date out of range".to_owned())
                }
                (a, b) => Err(format!(
                    "add_days takes a date and a number, got {} and {}",
                    a.type_name(),
                    b.type_name()
                )),
            }
        }
        "add_months" => {
            arity(2)?;
            match (&values[0], &values[1]) {
                (Value::Date(d), Value::Num(n)) => {
                    let n: i32 = n
                        .trunc()
                        .try_into()
                        .map_err(|_| "add_months: too many months".to_owned())?;
                    let months = chrono::Months::new(n.unsigned_abs());
                    if n >= 0 {
                        d.checked_add_months(months)
                    } else {
                        d.checked_sub_months(months)
                    }
                    .map(Value::Date)
                    .ok_or_else(|| "add_months: date out of range".to_owned())
                }
                (a, b) => Err(format!(
                    "add_months takes a date and a number, got {} and {}",
                    a.type_name(),
                    b.type_name()
                )),
            }
        }
        "at" => {
            arity(2)?;
            match (&values[0], &values[1]) {
                (Value::Date(d), Value::Text(t)) => {
                    let time =
                        chrono::NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| {
                            format!("at: {t:?} is not a time of day; write HH:MM, e.g. \"17:00\"")
                        })?;
                    Ok(Value::DateTime(d.and_time(time)))
                }
                (a, b) => Err(format!(
                    "at takes a date and a time of day such as \"17:00\", got {} and {}",
                    a.type_name(),
                    b.type_name()
                )),
            }
        }
        "day_of" => {
            arity(1)?;
            match &values[0] {
                Value::DateTime(t) => Ok(Value::Date(t.date())),
                Value::Date(d) => Ok(Value::Date(*d)),
                Value::Null => Ok(Value::Null),
                a => Err(format!("day_of takes a time stamp, got {}", a.type_name())),
            }
        }
        other => Err(format!("unknown function {other}")),
    }
}
