//! The expression language: arbitrary text parsed and, if it parses, evaluated against a few
//! names of every type (and one policy function), then printed. Nothing may panic or overflow
//! the stack, whatever the nesting or length.
#![no_main]

use chrono::NaiveDate;
use kejing_engine::expr::{Env, Expr, Value};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

struct Names;

impl Env for Names {
    fn name(&self, path: &[String]) -> Result<Value, String> {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date".to_owned());
        Ok(match path.join(".").as_str() {
            "completion" => Value::Num(Decimal::new(15, 1)),
            "balance" => Value::Num(Decimal::new(293_602_564, 2)),
            "big" => Value::Num(Decimal::MAX),
            "small" => Value::Num(Decimal::MIN),
            "tiny" => Value::Num(Decimal::new(1, 28)),
            "zero" => Value::Num(Decimal::ZERO),
            "manager.track" => Value::Text("cm".to_owned()),
            "manager.name" => Value::Text("张三".to_owned()),
            "client.agreement" => Value::Bool(true),
            "manager.hired_on" => Value::Date(date(2024, 3, 1)?),
            "first_day" => Value::Date(NaiveDate::MIN),
            "last_day" => Value::Date(NaiveDate::MAX),
            "booked_at" => {
                Value::DateTime(date(2026, 9, 1)?.and_hms_opt(9, 30, 0).ok_or("bad time")?)
            }
            "early" => Value::DateTime(NaiveDate::MIN.and_hms_opt(0, 0, 0).ok_or("bad time")?),
            "late" => Value::DateTime(NaiveDate::MAX.and_hms_opt(23, 59, 59).ok_or("bad time")?),
            "left_on" => Value::Null,
            other => return Err(format!("unknown name {other}")),
        })
    }

    fn call(&self, name: &str, args: &[Expr]) -> Option<Result<Value, String>> {
        // A policy function like `tier(table, x)`: evaluates its last argument.
        (name == "tier").then(|| match args.last() {
            Some(a) => a.eval(self),
            None => Err("tier takes a table and a number".to_owned()),
        })
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let expr = match Expr::parse(&text) {
        Ok(e) => e,
        Err(e) => {
            std::hint::black_box(e.to_string());
            return;
        }
    };
    std::hint::black_box((expr.depth(), expr.names(), expr.calls()));
    let shown = expr.to_string();
    match expr.eval(&Names) {
        Ok(v) => std::hint::black_box(format!("{shown} = {v} ({})", v.type_name())),
        Err(e) => std::hint::black_box(format!("{shown}: {e}")),
    };
});
