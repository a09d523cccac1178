//! The expression environment of an assessment: the policy's names plus item(), dimension(), average_of(), streak() and contains().

use super::{Run, sub_periods};
use crate::data::Manager;
use crate::expr::{Env, Expr, Value};
use crate::period::Period;
use crate::policy::Frequency;
use crate::settle::{Ctx, Trace};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// The expression environment of an assessment: the policy's names (measures, parameters,
/// values, manager fields) plus the assessment's own.
pub(super) struct AssessEnv<'r, 'a> {
    run: &'r Run<'a>,
    pub(super) ctx: Ctx<'a>,
    manager: &'a Manager,
    period: Period,
    depth: u32,
    pub(super) vars: RefCell<BTreeMap<String, Value>>,
    pub(super) items: RefCell<BTreeMap<String, Decimal>>,
    pub(super) dims: RefCell<BTreeMap<String, Decimal>>,
    pub(super) notes: RefCell<Vec<Trace>>,
}

impl<'r, 'a> AssessEnv<'r, 'a> {
    pub(super) fn new(run: &'r Run<'a>, manager: &'a Manager, period: Period, depth: u32) -> Self {
        AssessEnv {
            run,
            ctx: Ctx::new(run.policy, run.ix, manager, period),
            manager,
            period,
            depth,
            vars: RefCell::new(BTreeMap::new()),
            items: RefCell::new(BTreeMap::new()),
            dims: RefCell::new(BTreeMap::new()),
            notes: RefCell::new(Vec::new()),
        }
    }

    pub(super) fn eval(&self, e: &Expr) -> Result<Value, String> {
        e.eval(self)
    }

    fn text_arg(&self, args: &[Expr], f: &str) -> Result<String, String> {
        match args.first().map(|a| a.eval(self)).transpose()? {
            Some(Value::Text(t)) => Ok(t),
            Some(v) => Err(format!("{f} takes a name in quotes, got {}", v.type_name())),
            None => Err(format!("{f} needs an argument")),
        }
    }

    fn average_of(&self, kind: &str) -> Result<Value, String> {
        let f = Frequency::parse_name(kind).ok_or_else(|| {
            format!("average_of({kind:?}): use 'monthly', 'quarterly', 'half_yearly' or 'annual'")
        })?;
        let card =
            self.run.a.scorecard_of(f).ok_or_else(|| {
                format!("average_of({kind:?}): the policy has no {kind} scorecard")
            })?;
        let mut node = Trace::new(
            crate::say!("average-label", "average_of({kind})", kind = kind),
            String::new(),
        );
        let (mut sum, mut n) = (Decimal::ZERO, 0u32);
        for sp in sub_periods(f, self.period) {
            if !self.manager.in_post(sp.first_day(), sp.last_day()) {
                node.notes.push(crate::say!(
                    "not-in-post",
                    "{period}: not in post; not counted",
                    period = sp
                ));
                continue;
            }
            let (total, _, t) = self
                .run
                .scorecard(self.manager, card, sp, self.depth + 1)
                .map_err(|e| e.0)?;
            node.notes.push(crate::say!(
                "sub-period",
                "{period}: {total}",
                period = sp,
                total = total.normalize()
            ));
            node.children.push(t);
            sum += total;
            n += 1;
        }
        let v = if n == 0 {
            Decimal::ZERO
        } else {
            sum / Decimal::from(n)
        };
        node.value = v.normalize().to_string();
        self.notes.borrow_mut().push(node);
        Ok(Value::Num(v))
    }

    /// How many periods of the assessed kind in a row, ending with this one, `cond` held.
    fn streak(&self, cond: &Expr) -> Result<Value, String> {
        let mut n = 0u32;
        let mut p = self.period;
        let mut node = Trace::new(
            crate::say!("streak-call-label", "streak({cond})", cond = cond),
            String::new(),
        );
        loop {
            let before_hire = self.manager.hired_on.is_some_and(|h| p.last_day() < h);
            let before_data = self.run.ix.first_day.is_none_or(|d| p.last_day() < d);
            if before_hire || before_data {
                node.notes.push(crate::settle::not_counted(p, before_hire));
                break;
            }
            let ctx = Ctx::new(self.run.policy, self.run.ix, self.manager, p);
            let holds = cond.eval(&ctx)?.as_bool()?;
            let mut c = Trace::new(p.to_string(), if holds { "yes" } else { "no" }.to_owned());
            c.children = ctx.take_trace();
            node.children.push(c);
            if !holds {
                break;
            }
            n += 1;
            if n >= 100 {
                break;
            }
            p = p.previous();
        }
        node.value = n.to_string();
        self.notes.borrow_mut().push(node);
        Ok(Value::Num(Decimal::from(n)))
    }
}

impl Env for AssessEnv<'_, '_> {
    fn name(&self, path: &[String]) -> Result<Value, String> {
        if path.len() == 1
            && let Some(v) = self.vars.borrow().get(&path[0])
        {
            return Ok(v.clone());
        }
        self.ctx.name(path)
    }

    fn call(&self, name: &str, args: &[Expr]) -> Option<Result<Value, String>> {
        Some(match name {
            "item" => self.text_arg(args, "item").and_then(|n| {
                self.items
                    .borrow()
                    .get(&n)
                    .map(|v| Value::Num(*v))
                    .ok_or_else(|| format!("item({n:?}): no such item scored before this one (items are scored in order)"))
            }),
            "dimension" => self.text_arg(args, "dimension").map(|n| {
                Value::Num(self.dims.borrow().get(&n).copied().unwrap_or(Decimal::ZERO))
            }),
            "average_of" => self.text_arg(args, "average_of").and_then(|k| self.average_of(&k)),
            "streak" => match args.first() {
                Some(c) => self.streak(c),
                None => Err("streak(condition) needs a condition".to_owned()),
            },
            "contains" => (|| {
                let a = args.first().ok_or("contains(text, part)")?.eval(self)?;
                let b = args.get(1).ok_or("contains(text, part)")?.eval(self)?;
                Ok(match (a, b) {
                    (Value::Text(a), Value::Text(b)) => Value::Bool(
                        a.split(['|', ',', '，', '、', ';', ' '])
                            .any(|x| x.trim() == b.trim()),
                    ),
                    (Value::Null, _) | (_, Value::Null) => Value::Bool(false),
                    (a, b) => {
                        return Err(format!(
                            "contains takes two texts, got {} and {}",
                            a.type_name(),
                            b.type_name()
                        ));
                    }
                })
            })(),
            _ => return self.ctx.call(name, args),
        })
    }
}
