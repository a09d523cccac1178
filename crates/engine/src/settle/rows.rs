//! What expressions read: the fields of a fact row, an account, a manager and a client, and `lookup()`.

use super::Trace;
use crate::data::{Account, Booking, Client, Flow, Manager};
use crate::expr::{Env, Expr, Value};
use crate::money::Money;
use crate::policy::Policy;
use rust_decimal::Decimal;

pub(super) enum Row<'a> {
    Flow(&'a Flow),
    Booking(&'a Booking),
}

pub(super) struct RowEnv<'a> {
    pub(super) row: Row<'a>,
    pub(super) client: Option<&'a Client>,
    pub(super) manager: &'a Manager,
    pub(super) policy: &'a Policy,
}

fn money(m: Money) -> Value {
    Value::Num(m.to_decimal())
}

fn opt_text(s: &Option<String>) -> Value {
    s.as_ref().map_or(Value::Null, |s| Value::Text(s.clone()))
}

/// A manager's field as the policy reads it: a field the policy declares under
/// `[manager_fields]` by its declaration (typed; required or with a default), else a column of
/// the contract, else a further column as text (empty when the manager has none).
pub(crate) fn manager_field(policy: &Policy, m: &Manager, field: &str) -> Result<Value, String> {
    if let Some(f) = policy.manager_fields.get(field) {
        return f.value_of(m);
    }
    Ok(match field {
        "is_cm" => Value::Bool(!m.non_cm),
        "id" => Value::Text(m.id.clone()),
        "name" => Value::Text(m.name.clone()),
        "org" => opt_text(&m.org),
        "track" => opt_text(&m.track),
        "grade" => opt_text(&m.grade),
        "tier" => opt_text(&m.tier),
        "staff_grade" => opt_text(&m.staff_grade),
        "status" => Value::Text(m.status.clone()),
        "hired_on" => m.hired_on.map_or(Value::Null, Value::Date),
        "trial_end" => m.trial_end.map_or(Value::Null, Value::Date),
        "left_on" => m.left_on.map_or(Value::Null, Value::Date),
        "base_salary" => m.base_salary.map_or(Value::Null, money),
        other => m
            .extra
            .get(other)
            .map_or(Value::Null, |v| Value::Text(v.clone())),
    })
}

/// A field of the client; `on`, the day of the row being read, makes `agreement` effective-dated:
/// an agreement unit whose `agreement_from` (the day the agreement took effect, e.g. its
/// approval, C3) is after `on` was not one yet.
pub(crate) fn client_field(
    c: Option<&Client>,
    field: &str,
    on: Option<chrono::NaiveDate>,
) -> Value {
    let Some(c) = c else { return Value::Null };
    match field {
        "id" => Value::Text(c.id.clone()),
        "name" => Value::Text(c.name.clone()),
        "kind" => opt_text(&c.kind),
        "client_type" => opt_text(&c.client_type),
        "agreement" => {
            let from = c
                .extra
                .get("agreement_from")
                .and_then(|d| d.trim().parse::<chrono::NaiveDate>().ok());
            let in_effect = match (on, from) {
                (Some(day), Some(from)) => day >= from,
                _ => true,
            };
            Value::Bool(c.agreement && in_effect)
        }
        other => c
            .extra
            .get(other)
            .map_or(Value::Null, |v| Value::Text(v.clone())),
    }
}

impl Env for RowEnv<'_> {
    fn name(&self, path: &[String]) -> Result<Value, String> {
        match (path[0].as_str(), path.len()) {
            ("client", 2) => {
                let on = match &self.row {
                    Row::Flow(r) => r.date,
                    Row::Booking(b) => b.arrival_at.date(),
                };
                return Ok(client_field(self.client, &path[1], Some(on)));
            }
            ("manager", 2) => return manager_field(self.policy, self.manager, &path[1]),
            _ => {}
        }
        let f = path[0].as_str();
        Ok(match &self.row {
            Row::Flow(r) => match f {
                "date" => Value::Date(r.date),
                "doc_id" => opt_text(&r.doc_id),
                "quantity" => Value::Num(r.quantity),
                "amount" => money(r.amount),
                "gross_profit" => r.gross_profit.map_or(Value::Null, money),
                _ => return Err(format!("unknown row field {f}")),
            },
            Row::Booking(b) => match f {
                "booking_id" => Value::Text(b.id.clone()),
                "registered_at" => Value::DateTime(b.registered_at),
                "arrival_at" => Value::DateTime(b.arrival_at),
                "amount" => money(b.amount),
                "approved" => Value::Bool(b.approved),
                "complaint" => Value::Bool(b.complaint),
                "spot_check" => opt_text(&b.spot_check),
                _ => return Err(format!("unknown row field {f}")),
            },
        })
    }
}

/// An account row in a balances measure: its fields, its client's, and the policy's parameters
/// at the end of the period.
pub(super) struct AccountEnv<'a> {
    pub(super) account: &'a Account,
    pub(super) client: Option<&'a Client>,
    pub(super) policy: &'a Policy,
    pub(super) day: chrono::NaiveDate,
}

impl Env for AccountEnv<'_> {
    fn call(&self, name: &str, args: &[Expr]) -> Option<Result<Value, String>> {
        (name == "lookup").then(|| lookup_call(self.policy, args, self, self.day).map(|(v, _)| v))
    }

    fn name(&self, path: &[String]) -> Result<Value, String> {
        if path.len() == 2 && path[0] == "client" {
            return Ok(client_field(self.client, &path[1], Some(self.day)));
        }
        let a = self.account;
        let f = path[0].as_str();
        Ok(match f {
            "account_id" => Value::Text(a.id.clone()),
            "product" => Value::Text(a.product.clone()),
            "currency" => Value::Text(a.currency.clone()),
            "rate" => a.rate.map_or(Value::Null, Value::Num),
            "term_months" => a
                .term_months
                .map_or(Value::Null, |t| Value::Num(Decimal::from(t))),
            "opened_on" => a.opened_on.map_or(Value::Null, Value::Date),
            "closed_on" => a.closed_on.map_or(Value::Null, Value::Date),
            _ => match self.policy.parameters.get(f) {
                Some(p) => Value::Num(
                    p.series
                        .at(self.day)
                        .map_err(|e| format!("parameter {f} {e}"))?
                        .value,
                ),
                None => return Err(format!("unknown account field {f}")),
            },
        })
    }
}

/// `lookup(table, key)`: the value of `key` in the version of the table in effect on `day`.
pub(super) fn lookup_call(
    policy: &Policy,
    args: &[Expr],
    env: &dyn Env,
    day: chrono::NaiveDate,
) -> Result<(Value, Trace), String> {
    let table = match args.first() {
        Some(Expr::Name(p)) if p.len() == 1 => p[0].as_str(),
        _ => {
            return Err(
                "lookup(table, key): the first argument names a table under [lookups]".to_owned(),
            );
        }
    };
    let t = policy
        .lookups
        .get(table)
        .ok_or_else(|| format!("no lookup table {table}"))?;
    let key = match args
        .get(1)
        .ok_or("lookup(table, key) needs a key")?
        .eval(env)?
    {
        Value::Text(s) => s,
        Value::Num(n) => n.normalize().to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let version = t
        .series
        .at(day)
        .map_err(|e| format!("lookups {table} {e}"))?;
    let (value, how) = match (version.value.get(&key), t.default) {
        (Some(v), _) => (
            *v,
            crate::say!(
                "lookup-row",
                "{key} in table in effect from {from} ({reference}; policy line {line})",
                key = format!("{key:?}"),
                from = version.from,
                reference = version.reference,
                line = version.line,
            ),
        ),
        (None, Some(d)) => (
            d,
            crate::say!(
                "lookup-default",
                "{key} is not listed; default {default}",
                key = format!("{key:?}"),
                default = d.normalize(),
            ),
        ),
        (None, None) => {
            let keys: Vec<&str> = version.value.keys().map(String::as_str).collect();
            return Err(format!(
                "lookups {table}: no value for {key:?} (the table lists {}); add it or give the table a default",
                keys.join(", ")
            ));
        }
    };
    let mut trace = Trace::new(
        crate::say!(
            "lookup-label",
            "lookup {table}({key})",
            table = table,
            key = key
        ),
        value.normalize().to_string(),
    );
    trace.notes.push(how);
    Ok((Value::Num(value), trace))
}
