//! The evaluation of one manager for one period: measures, values, parameters, `tier()` and `lookup()`.

use super::balances::balances_measure;
use super::index::Index;
use super::rows::{Row, RowEnv, client_field, lookup_call, manager_field};
use super::{SettleError, Trace};
use crate::data::{Client, Manager};
use crate::expr::{Env, Expr, Value};
use crate::period::Period;
use crate::policy::{MeasureKind, Policy, Source, Window};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::HashMap;

/// Evaluation of one manager for one period, with memoised measures and values and the trace
/// nodes of everything looked up.
pub(crate) struct Ctx<'a> {
    pub(super) policy: &'a Policy,
    pub(super) ix: &'a Index<'a>,
    pub(super) manager: &'a Manager,
    pub(super) period: Period,
    /// Restricts measures to one client's rows (per-client thresholds).
    pub(super) only_client: Option<&'a Client>,
    pub(super) memo: RefCell<HashMap<String, Value>>,
    /// Trace nodes of names looked up since the last `take_trace`, by name.
    pub(super) looked_up: RefCell<Vec<(String, Trace)>>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        policy: &'a Policy,
        ix: &'a Index<'a>,
        manager: &'a Manager,
        period: Period,
    ) -> Ctx<'a> {
        Ctx {
            policy,
            ix,
            manager,
            period,
            only_client: None,
            memo: RefCell::new(HashMap::new()),
            looked_up: RefCell::new(Vec::new()),
        }
    }

    pub(crate) fn note(&self, name: &str, trace: Trace) {
        let mut l = self.looked_up.borrow_mut();
        if !l.iter().any(|(n, _)| n == name) {
            l.push((name.to_owned(), trace));
        }
    }

    pub(crate) fn take_trace(&self) -> Vec<Trace> {
        self.looked_up
            .borrow_mut()
            .drain(..)
            .map(|(_, t)| t)
            .collect()
    }

    pub(crate) fn eval(&self, e: &Expr, what: &str) -> Result<Value, SettleError> {
        e.eval(self).map_err(|m| {
            SettleError(format!(
                "{}: {what}, manager {}, period {}: {m}",
                self.policy.file, self.manager.id, self.period
            ))
        })
    }

    fn measure(&self, name: &str) -> Result<Value, String> {
        let m = &self.policy.measures[name];
        let period = self.period;
        match &m.kind {
            MeasureKind::Balances {
                weight,
                filter,
                daily_average,
            } => {
                let key = (name.to_owned(), period);
                let cached = self.ix.balance_cache.borrow().get(&key).cloned();
                let result = match cached {
                    Some(r) => r,
                    None => {
                        let r = std::rc::Rc::new(balances_measure(
                            self.policy,
                            self.ix,
                            period,
                            weight.as_ref(),
                            filter.as_ref(),
                            *daily_average,
                        )?);
                        self.ix.balance_cache.borrow_mut().insert(key, r.clone());
                        r
                    }
                };
                let (value, notes) = result
                    .per_manager
                    .get(&self.manager.id)
                    .cloned()
                    .unwrap_or_default();
                let label = if *daily_average {
                    crate::say!(
                        "balances-average-label",
                        "{name} (balances {first}..{last}, daily average)",
                        name = name,
                        first = period.first_day(),
                        last = period.last_day(),
                    )
                } else {
                    crate::say!(
                        "balances-label",
                        "{name} (balances {first}..{last})",
                        name = name,
                        first = period.first_day(),
                        last = period.last_day(),
                    )
                };
                let mut t = Trace::new(label, value.normalize().to_string());
                t.notes = notes;
                self.note(name, t);
                Ok(Value::Num(value))
            }
            MeasureKind::Target {
                measure, default, ..
            } => {
                let found = self
                    .ix
                    .targets
                    .get(&(self.manager.id.as_str(), period, measure.as_str()))
                    .copied();
                let (value, note) = match (found, default) {
                    (Some(t), _) => (
                        t.target,
                        crate::say!(
                            "target-row",
                            "targets: {manager} {period} {measure}",
                            manager = t.manager,
                            period = t.period,
                            measure = t.measure,
                        ),
                    ),
                    (None, Some(d)) => (
                        *d,
                        crate::say!(
                            "target-default",
                            "no row in targets; default of measure {name} (policy line {line})",
                            name = name,
                            line = m.line,
                        ),
                    ),
                    (None, None) => {
                        return Err(format!(
                            "no target {measure:?} for manager {} in {period} (targets table); add the row, or give measure {name} a default (policy line {})",
                            self.manager.id, m.line
                        ));
                    }
                };
                let mut t = Trace::new(
                    crate::say!(
                        "target-label",
                        "{name} (target {measure})",
                        name = name,
                        measure = measure
                    ),
                    value.normalize().to_string(),
                );
                t.notes.push(note);
                self.note(name, t);
                Ok(Value::Num(value))
            }
            MeasureKind::Sum {
                source,
                sum,
                filter,
                window,
            } => {
                let (first, last) = match window {
                    Window::Period => (period.first_day(), period.last_day()),
                    Window::ToDate => (chrono::NaiveDate::MIN, period.last_day()),
                    Window::SinceHire(n) => {
                        let hired = self.manager.hired_on.ok_or_else(|| {
                            format!(
                                "measure {name} counts from the hire day, but manager {} has no hired_on",
                                self.manager.id
                            )
                        })?;
                        let end = hired + chrono::Days::new(u64::from(*n) - 1);
                        (hired, end.min(period.last_day()))
                    }
                };
                let only = self.only_client.map(|c| c.id.as_str());
                let mut total = Decimal::ZERO;
                let mut notes = Vec::new();
                let mut excluded = 0usize;
                let id = self.manager.id.as_str();
                let mut visit = |env: &dyn Env, label: String| -> Result<(), String> {
                    if let Some(f) = filter
                        && !f.eval(env)?.as_bool()?
                    {
                        excluded += 1;
                        return Ok(());
                    }
                    let v = match sum {
                        Some(e) => match e.eval(env)? {
                            Value::Null => Decimal::ZERO,
                            v => v.as_num()?,
                        },
                        None => Decimal::ONE,
                    };
                    total = total.checked_add(v).ok_or("sum out of range")?;
                    notes.push(crate::say!(
                        "row-value",
                        "{row} → {value}",
                        row = label,
                        value = v.normalize()
                    ));
                    Ok(())
                };
                match source {
                    Source::Sales | Source::Payments => {
                        let rows = if *source == Source::Sales {
                            &self.ix.sales
                        } else {
                            &self.ix.payments
                        };
                        for f in rows.get(id).into_iter().flatten() {
                            if f.date < first
                                || f.date > last
                                || only.is_some_and(|c| c != f.client)
                            {
                                continue;
                            }
                            let env = RowEnv {
                                row: Row::Flow(f),
                                client: self.ix.clients.get(f.client.as_str()).copied(),
                                manager: self.manager,
                                policy: self.policy,
                            };
                            visit(&env, format!("{} {} {}", f.source, f.date, f.client))
                                .map_err(|e| format!("{}: {e}", f.source))?;
                        }
                    }
                    Source::Register(reg) => {
                        let own;
                        let calendar = match &self.policy.daily {
                            Some(d) => {
                                own = crate::daily::calendar(d, self.ix.data);
                                &own
                            }
                            None => &self.ix.calendar,
                        };
                        let now = crate::daily::end_of(period);
                        // The ledger by client, only when the measure asks who owns a client.
                        let asks_owner = sum
                            .iter()
                            .chain(filter.iter())
                            .any(|e| e.calls().iter().any(|(f, _)| f == "owns" || f == "owned"));
                        let ownership = if asks_owner {
                            crate::daily::owners(&self.ix.data.ownership)
                        } else {
                            crate::daily::Owners::new()
                        };
                        for row in self.ix.registers.get(&(*reg, id)).into_iter().flatten() {
                            let Some(day) = row.day() else { continue };
                            let client = row.text("client_id");
                            if day < first || day > last || only.is_some_and(|c| client != Some(c))
                            {
                                continue;
                            }
                            let env = crate::daily::RegisterEnv {
                                row,
                                client: client.and_then(|c| self.ix.clients.get(c).copied()),
                                manager: self.manager,
                                policy: self.policy,
                                calendar,
                                now,
                                ownership: &ownership,
                            };
                            visit(&env, format!("{} {} {}", row.source, reg.key(), row.key()))
                                .map_err(|e| format!("{}: {e}", row.source))?;
                        }
                    }
                    Source::Bookings => {
                        for b in self.ix.bookings.get(id).into_iter().flatten() {
                            let day = b.arrival_at.date();
                            if day < first
                                || day > last
                                || only.is_some_and(|c| b.client.as_deref() != Some(c))
                            {
                                continue;
                            }
                            let client = b
                                .client
                                .as_deref()
                                .and_then(|c| self.ix.clients.get(c).copied());
                            let env = RowEnv {
                                row: Row::Booking(b),
                                client,
                                manager: self.manager,
                                policy: self.policy,
                            };
                            visit(&env, format!("{} {}", b.source, b.id))
                                .map_err(|e| format!("{}: {e}", b.source))?;
                        }
                    }
                }
                let span = if first == chrono::NaiveDate::MIN {
                    format!("..{last}")
                } else {
                    format!("{first}..{last}")
                };
                let label = match only {
                    Some(c) => crate::say!(
                        "rows-client-label",
                        "{name} ({source} {span}, client {client})",
                        name = name,
                        source = source.name(),
                        span = span,
                        client = c,
                    ),
                    None => crate::say!(
                        "rows-label",
                        "{name} ({source} {span})",
                        name = name,
                        source = source.name(),
                        span = span,
                    ),
                };
                let mut t = Trace::new(label, total.normalize().to_string());
                if excluded > 0 {
                    notes.push(crate::say!(
                        "rows-excluded",
                        "{count} row(s) of the period left out by the where condition",
                        count = excluded
                    ));
                }
                t.notes = notes;
                self.note(name, t);
                Ok(Value::Num(total))
            }
        }
    }
}

impl Env for Ctx<'_> {
    fn name(&self, path: &[String]) -> Result<Value, String> {
        let first = path[0].as_str();
        if path.len() == 2 {
            return match first {
                "manager" => manager_field(self.policy, self.manager, &path[1]),
                "client" if self.only_client.is_some() => Ok(client_field(
                    self.only_client,
                    &path[1],
                    Some(self.period.last_day()),
                )),
                "period" => Ok(match path[1].as_str() {
                    "first_day" => Value::Date(self.period.first_day()),
                    "last_day" => Value::Date(self.period.last_day()),
                    "working_days" => {
                        let days = match &self.policy.daily {
                            Some(d) => crate::daily::calendar(d, self.ix.data)
                                .working_days(self.period.first_day(), self.period.last_day()),
                            None => self
                                .ix
                                .calendar
                                .working_days(self.period.first_day(), self.period.last_day()),
                        };
                        Value::Num(Decimal::from(days.len()))
                    }
                    _ => Value::Num(Decimal::from(self.period.days())),
                }),
                _ => Err(format!("unknown name {}", path.join("."))),
            };
        }
        if let Some(v) = self.memo.borrow().get(first) {
            return Ok(v.clone());
        }
        let value = if let Some(p) = self.policy.parameters.get(first) {
            let day = self.period.last_day();
            let d = p.series.at(day).map_err(|e| {
                format!(
                    "parameter {first} {e} (policy line {})",
                    p.series.versions.first().map_or(0, |v| v.line)
                )
            })?;
            let mut t = Trace::new(
                crate::say!("parameter-label", "{name} (parameter)", name = first),
                d.value.normalize().to_string(),
            );
            t.notes.push(crate::say!(
                "parameter-effective",
                "in effect from {from} ({reference}; policy line {line})",
                from = d.from,
                reference = d.reference,
                line = d.line,
            ));
            self.note(first, t);
            Value::Num(d.value)
        } else if self.policy.measures.contains_key(first) {
            self.measure(first)?
        } else if let Some(v) = self.policy.values.get(first) {
            let before = self.looked_up.borrow().len();
            let value = v.expr.eval(self)?;
            let children: Vec<Trace> = self
                .looked_up
                .borrow_mut()
                .split_off(before)
                .into_iter()
                .map(|(_, t)| t)
                .collect();
            let mut t = Trace::new(
                crate::say!(
                    "value-label",
                    "{name} = {expr}",
                    name = first,
                    expr = v.expr
                ),
                value.to_string(),
            );
            t.children = children;
            self.note(first, t);
            value
        } else {
            return Err(format!("unknown name {first}"));
        };
        self.memo
            .borrow_mut()
            .insert(first.to_owned(), value.clone());
        Ok(value)
    }

    fn call(&self, name: &str, args: &[Expr]) -> Option<Result<Value, String>> {
        if name == "lookup" {
            return Some(
                lookup_call(self.policy, args, self, self.period.last_day()).map(|(v, trace)| {
                    self.note(&format!("lookup:{}", trace.label), trace);
                    v
                }),
            );
        }
        if name != "tier" {
            return None;
        }
        Some((|| {
            let table = match args.first() {
                Some(Expr::Name(p)) if p.len() == 1 => p[0].as_str(),
                _ => {
                    return Err(
                        "tier(table, x): the first argument names a table under [tiers]".to_owned(),
                    );
                }
            };
            let t = self
                .policy
                .tiers
                .get(table)
                .ok_or_else(|| format!("no tier table {table}"))?;
            let x = args
                .get(1)
                .ok_or("tier(table, x) needs x")?
                .eval(self)?
                .as_num()?;
            let version = t
                .series
                .at(self.period.last_day())
                .map_err(|e| format!("tiers {table} {e}"))?;
            let row = version
                .value
                .iter()
                .find(|r| r.contains(x))
                .ok_or_else(|| format!("tiers {table}: no tier contains {}", x.normalize()))?;
            let mut tr = Trace::new(
                crate::say!(
                    "tier-label",
                    "tier {table}({x})",
                    table = table,
                    x = x.normalize()
                ),
                row.value.normalize().to_string(),
            );
            tr.notes.push(crate::say!(
                "tier-row",
                "tier {row} (policy line {line}), table in effect from {from} ({reference})",
                row = row.describe(),
                line = row.line,
                from = version.from,
                reference = version.reference,
            ));
            self.note(&format!("tier:{table}:{x}"), tr);
            Ok(Value::Num(row.value))
        })())
    }
}
