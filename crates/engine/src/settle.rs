//! Settlement: a policy applied to a data set for a period gives each customer manager's pay
//! lines, each with the trace of how it was computed.

use crate::data::OwnershipVersion;
use crate::data::{Account, Booking, Client, DataSet, Flow, Manager};
use crate::expr::{Env, Expr, Value};
use crate::money::Money;
use crate::period::Period;
use crate::policy::{Frequency, Item, ItemKind, MeasureKind, Policy, Source, Ties, Window};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// One step of an explanation: what was computed, its value, where it came from.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Trace {
    pub label: String,
    pub value: String,
    /// Parameter references, source rows, roundings.
    pub notes: Vec<String>,
    pub children: Vec<Trace>,
}

impl Trace {
    pub(crate) fn new(label: impl Into<String>, value: impl Into<String>) -> Trace {
        Trace {
            label: label.into(),
            value: value.into(),
            notes: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The trace as an indented tree.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out, 0);
        out
    }

    fn render_into(&self, out: &mut String, depth: usize) {
        let pad = "  ".repeat(depth);
        out.push_str(&format!("{pad}{} = {}\n", self.label, self.value));
        for n in &self.notes {
            out.push_str(&format!("{pad}    · {n}\n"));
        }
        for c in &self.children {
            c.render_into(out, depth + 1);
        }
    }
}

/// A pay line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub manager: String,
    pub item: String,
    pub amount: Money,
}

/// The result of settling a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Settlement {
    pub period: Period,
    /// Items in policy order for each manager (by id), then `total`.
    pub lines: Vec<Line>,
    /// Each manager's explanation.
    pub traces: BTreeMap<String, Trace>,
    /// Each manager's reported measures and values (`[policy] report`).
    pub reported: BTreeMap<String, Vec<(String, Decimal)>>,
}

impl Settlement {
    /// The manager's line for an item.
    pub fn amount(&self, manager: &str, item: &str) -> Option<Money> {
        self.lines
            .iter()
            .find(|l| l.manager == manager && l.item == item)
            .map(|l| l.amount)
    }

    /// The `settle` output of the data contract: `manager_id,item,amount`.
    pub fn to_csv(&self) -> String {
        let mut s = String::from("manager_id,item,amount\n");
        for l in &self.lines {
            s.push_str(&format!(
                "{},{},{}\n",
                csv_field(&l.manager),
                csv_field(&l.item),
                l.amount
            ));
        }
        s
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Why a settlement could not be made. Names the policy line or the data row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettleError(pub String);

impl fmt::Display for SettleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SettleError {}

/// The data indexed for evaluation.
pub(crate) struct Index<'a> {
    pub(crate) data: &'a DataSet,
    pub(crate) managers: BTreeMap<&'a str, &'a Manager>,
    clients: HashMap<&'a str, &'a Client>,
    sales: HashMap<&'a str, Vec<&'a Flow>>,
    payments: HashMap<&'a str, Vec<&'a Flow>>,
    bookings: HashMap<&'a str, Vec<&'a Booking>>,
    /// The first period with facts: history before it is unknown.
    pub(crate) first_day: Option<chrono::NaiveDate>,
    /// Targets by (manager, period, measure).
    targets: HashMap<(&'a str, Period, &'a str), &'a crate::data::Target>,
    /// Balances by account (in data order).
    /// Balances grouped by account: `balance_order[balance_start[a]..balance_start[a + 1]]`
    /// are the indices (in `data.balances`) of account `a`'s rows.
    balance_start: Vec<usize>,
    balance_order: Vec<u32>,
    /// Ownership versions by subject (client, account or "").
    ownership: HashMap<Subject<'a>, Vec<&'a OwnershipVersion>>,
    /// Balances measures computed for all managers at once: (measure, period) → results.
    balance_cache: RefCell<HashMap<(String, Period), std::rc::Rc<BalanceResult>>>,
    /// Σ balance × ratio per account and owner for a period: independent of any policy, so a
    /// what-if run re-uses it instead of scanning the balances again.
    sums_cache: RefCell<HashMap<Period, std::rc::Rc<AccountSums>>>,
    /// Whether balances measures list every account in the explanation (off for what-if runs,
    /// which only need the amounts).
    account_notes: std::cell::Cell<bool>,
    /// Managers by index (sorted ids) and the index of each id.
    manager_ids: Vec<&'a str>,
    manager_index: HashMap<&'a str, u32>,
    /// Account groups by (period, names read).
    groups_cache: RefCell<HashMap<GroupKey, std::rc::Rc<Groups>>>,
}

/// Per account (its index in the data set's accounts, sorted by id): each owner's
/// Σ balance × ratio over the period's days, and the days they held each share.
/// Owners are manager indices into `Index::manager_ids`.
type OwnerSums = Vec<(u32, Decimal, BTreeMap<String, u32>)>;

struct AccountSums {
    rows: Vec<(usize, OwnerSums)>,
}

/// A period and the account fields a filter and weight read.
type GroupKey = (Period, Vec<Vec<String>>);

/// Accounts of a period's sums grouped by the values of the fields a filter and weight read:
/// the group of each row, and one row per group to evaluate them on.
struct Groups {
    of_row: Vec<u32>,
    representative: Vec<usize>,
}

/// A subject of the ledger by codes: (client, account or "").
type Subject<'a> = (&'a str, &'a str);

/// A balances measure for every manager: value and, per account, the explanation.
#[derive(Default)]
struct BalanceResult {
    per_manager: HashMap<String, (Decimal, Vec<String>)>,
}

impl<'a> Index<'a> {
    fn new(data: &'a DataSet) -> Result<Index<'a>, SettleError> {
        let managers: BTreeMap<&str, &Manager> =
            data.managers.iter().map(|m| (m.id.as_str(), m)).collect();
        let clients: HashMap<&str, &Client> =
            data.clients.iter().map(|c| (c.id.as_str(), c)).collect();
        let mut problems = Vec::new();
        let mut flows = |rows: &'a [Flow]| {
            let mut by: HashMap<&str, Vec<&Flow>> = HashMap::new();
            for f in rows {
                if !managers.contains_key(f.manager.as_str()) {
                    problems.push(format!(
                        "{}: column manager_id: unknown customer manager {:?} (not in managers)",
                        f.source, f.manager
                    ));
                }
                if !clients.contains_key(f.client.as_str()) {
                    problems.push(format!(
                        "{}: column client_id: unknown client {:?} (not in clients)",
                        f.source, f.client
                    ));
                }
                by.entry(f.manager.as_str()).or_default().push(f);
            }
            by
        };
        let sales = flows(&data.sales);
        let payments = flows(&data.payments);
        let mut bookings: HashMap<&str, Vec<&Booking>> = HashMap::new();
        for b in &data.bookings {
            if !managers.contains_key(b.manager.as_str()) {
                problems.push(format!(
                    "{}: column manager_id: unknown customer manager {:?} (not in managers)",
                    b.source, b.manager
                ));
            }
            if let Some(c) = &b.client
                && !clients.contains_key(c.as_str())
            {
                problems.push(format!(
                    "{}: column client_id: unknown client {c:?} (not in clients)",
                    b.source
                ));
            }
            bookings.entry(b.manager.as_str()).or_default().push(b);
        }
        for a in &data.adjustments {
            if !managers.contains_key(a.manager.as_str()) {
                problems.push(format!(
                    "{}: column manager_id: unknown customer manager {:?} (not in managers)",
                    a.source, a.manager
                ));
            }
        }
        if !problems.is_empty() {
            return Err(SettleError(problems.join("\n")));
        }
        // Group the balances by account with a counting sort (no hashing, no allocation per row).
        let n_accounts = data.accounts.len();
        let mut balance_start = vec![0usize; n_accounts + 1];
        for b in &data.balances {
            match balance_start.get_mut(b.account as usize + 1) {
                Some(c) => *c += 1,
                None => problems.push(format!(
                    "balances: row on {} names account number {} of {}",
                    b.date, b.account, n_accounts
                )),
            }
        }
        for i in 0..n_accounts {
            balance_start[i + 1] += balance_start[i];
        }
        let mut fill = balance_start.clone();
        let mut balance_order = vec![0u32; data.balances.len()];
        for (i, b) in data.balances.iter().enumerate() {
            if let Some(at) = fill.get_mut(b.account as usize)
                && (b.account as usize) < n_accounts
            {
                balance_order[*at] = u32::try_from(i).unwrap_or(u32::MAX);
                *at += 1;
            }
        }
        let mut ownership: HashMap<Subject<'_>, Vec<&OwnershipVersion>> = HashMap::new();
        for v in &data.ownership {
            if !managers.contains_key(v.manager.as_str()) {
                problems.push(format!(
                    "ownership: client {} account {:?}: unknown customer manager {:?}",
                    v.subject.0, v.subject.1, v.manager
                ));
            }
            ownership
                .entry((v.subject.0.as_str(), v.subject.1.as_str()))
                .or_default()
                .push(v);
        }
        // The ledger rules hold in file mode too: shares sum to 1 on every day.
        for ((client, account), versions) in &ownership {
            let owned: Vec<&OwnershipVersion> = versions.clone();
            for p in crate::ledger::check_subject(&owned) {
                let subject = if account.is_empty() {
                    format!("client {client}")
                } else {
                    format!("account {account}")
                };
                problems.push(format!("ownership: {subject}: {p}"));
            }
        }
        if !problems.is_empty() {
            problems.sort();
            return Err(SettleError(problems.join("\n")));
        }
        let manager_ids: Vec<&str> = managers.keys().copied().collect();
        let manager_index: HashMap<&str, u32> = manager_ids
            .iter()
            .enumerate()
            .map(|(i, m)| (*m, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        Ok(Index {
            data,
            managers,
            clients,
            sales,
            payments,
            bookings,
            first_day: data.first_fact_day(),
            targets: data
                .targets
                .iter()
                .map(|t| ((t.manager.as_str(), t.period, t.measure.as_str()), t))
                .collect(),
            balance_start,
            balance_order,
            ownership,
            balance_cache: RefCell::new(HashMap::new()),
            sums_cache: RefCell::new(HashMap::new()),
            account_notes: std::cell::Cell::new(true),
            manager_ids,
            manager_index,
            groups_cache: RefCell::new(HashMap::new()),
        })
    }
}

/// Evaluation of one manager for one period, with memoised measures and values and the trace
/// nodes of everything looked up.
pub(crate) struct Ctx<'a> {
    policy: &'a Policy,
    ix: &'a Index<'a>,
    manager: &'a Manager,
    period: Period,
    /// Restricts measures to one client's rows (per-client thresholds).
    only_client: Option<&'a Client>,
    memo: RefCell<HashMap<String, Value>>,
    /// Trace nodes of names looked up since the last `take_trace`, by name.
    looked_up: RefCell<Vec<(String, Trace)>>,
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
                let mut t = Trace::new(
                    format!(
                        "{name} (balances {}..{}{})",
                        period.first_day(),
                        period.last_day(),
                        if *daily_average {
                            ", daily average"
                        } else {
                            ""
                        }
                    ),
                    value.normalize().to_string(),
                );
                t.notes = notes;
                self.note(name, t);
                Ok(Value::Num(value))
            }
            MeasureKind::Target { measure, default } => {
                let found = self
                    .ix
                    .targets
                    .get(&(self.manager.id.as_str(), period, measure.as_str()))
                    .copied();
                let (value, note) = match (found, default) {
                    (Some(t), _) => (
                        t.target,
                        format!("targets: {} {} {}", t.manager, t.period, t.measure),
                    ),
                    (None, Some(d)) => (
                        *d,
                        format!(
                            "no row in targets; default of measure {name} (policy line {})",
                            m.line
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
                    format!("{name} (target {measure})"),
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
                let mut visit = |env: &RowEnv<'_>, label: String| -> Result<(), String> {
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
                    notes.push(format!("{label} → {}", v.normalize()));
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
                            };
                            visit(&env, format!("{} {} client {}", f.source, f.date, f.client))
                                .map_err(|e| format!("{}: {e}", f.source))?;
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
                            };
                            visit(&env, format!("{} booking {}", b.source, b.id))
                                .map_err(|e| format!("{}: {e}", b.source))?;
                        }
                    }
                }
                let mut t = Trace::new(
                    format!(
                        "{name} ({} {}{})",
                        source.name(),
                        if first == chrono::NaiveDate::MIN {
                            format!("..{last}")
                        } else {
                            format!("{first}..{last}")
                        },
                        only.map(|c| format!(", client {c}")).unwrap_or_default()
                    ),
                    total.normalize().to_string(),
                );
                if excluded > 0 {
                    notes.push(format!(
                        "{excluded} row(s) of the period left out by the where condition"
                    ));
                }
                t.notes = notes;
                self.note(name, t);
                Ok(Value::Num(total))
            }
        }
    }
}

enum Row<'a> {
    Flow(&'a Flow),
    Booking(&'a Booking),
}

struct RowEnv<'a> {
    row: Row<'a>,
    client: Option<&'a Client>,
    manager: &'a Manager,
}

fn money(m: Money) -> Value {
    Value::Num(m.to_decimal())
}

fn opt_text(s: &Option<String>) -> Value {
    s.as_ref().map_or(Value::Null, |s| Value::Text(s.clone()))
}

pub(crate) fn manager_field(m: &Manager, field: &str) -> Value {
    match field {
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
    }
}

fn client_field(c: Option<&Client>, field: &str) -> Value {
    let Some(c) = c else { return Value::Null };
    match field {
        "id" => Value::Text(c.id.clone()),
        "name" => Value::Text(c.name.clone()),
        "kind" => opt_text(&c.kind),
        "client_type" => opt_text(&c.client_type),
        "agreement" => Value::Bool(c.agreement),
        other => c
            .extra
            .get(other)
            .map_or(Value::Null, |v| Value::Text(v.clone())),
    }
}

impl Env for RowEnv<'_> {
    fn name(&self, path: &[String]) -> Result<Value, String> {
        match (path[0].as_str(), path.len()) {
            ("client", 2) => return Ok(client_field(self.client, &path[1])),
            ("manager", 2) => return Ok(manager_field(self.manager, &path[1])),
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
                _ => return Err(format!("unknown row field {f}")),
            },
        })
    }
}

impl Env for Ctx<'_> {
    fn name(&self, path: &[String]) -> Result<Value, String> {
        let first = path[0].as_str();
        if path.len() == 2 {
            return match first {
                "manager" => Ok(manager_field(self.manager, &path[1])),
                "client" if self.only_client.is_some() => {
                    Ok(client_field(self.only_client, &path[1]))
                }
                "period" => Ok(match path[1].as_str() {
                    "first_day" => Value::Date(self.period.first_day()),
                    "last_day" => Value::Date(self.period.last_day()),
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
                format!("{first} (parameter)"),
                d.value.normalize().to_string(),
            );
            t.notes.push(format!(
                "in effect from {} ({}; policy line {})",
                d.from, d.reference, d.line
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
            let mut t = Trace::new(format!("{first} = {}", v.expr), value.to_string());
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
                format!("tier {table}({})", x.normalize()),
                row.value.normalize().to_string(),
            );
            tr.notes.push(format!(
                "tier {} (policy line {}), table in effect from {} ({})",
                row.describe(),
                row.line,
                version.from,
                version.reference
            ));
            self.note(&format!("tier:{table}:{x}"), tr);
            Ok(Value::Num(row.value))
        })())
    }
}

/// An account row in a balances measure: its fields, its client's, and the policy's parameters
/// at the end of the period.
struct AccountEnv<'a> {
    account: &'a Account,
    client: Option<&'a Client>,
    policy: &'a Policy,
    day: chrono::NaiveDate,
}

impl Env for AccountEnv<'_> {
    fn call(&self, name: &str, args: &[Expr]) -> Option<Result<Value, String>> {
        (name == "lookup").then(|| lookup_call(self.policy, args, self, self.day).map(|(v, _)| v))
    }

    fn name(&self, path: &[String]) -> Result<Value, String> {
        if path.len() == 2 && path[0] == "client" {
            return Ok(client_field(self.client, &path[1]));
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
fn lookup_call(
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
            format!(
                "{key:?} in table in effect from {} ({}; policy line {})",
                version.from, version.reference, version.line
            ),
        ),
        (None, Some(d)) => (
            d,
            format!("{key:?} is not listed; default {}", d.normalize()),
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
        format!("lookup {table}({key})"),
        value.normalize().to_string(),
    );
    trace.notes.push(how);
    Ok((Value::Num(value), trace))
}

/// One pass over the balances of the period: Σ balance × ratio of each owner on each day, per
/// account (account-level ownership over the client's). Cached per period.
fn account_sums(ix: &Index<'_>, period: Period) -> std::rc::Rc<AccountSums> {
    if let Some(s) = ix.sums_cache.borrow().get(&period) {
        return s.clone();
    }
    let (first, last) = (period.first_day(), period.last_day());
    let empty: Vec<&OwnershipVersion> = Vec::new();
    let mut accounts: Vec<(usize, &Account)> = ix.data.accounts.iter().enumerate().collect();
    accounts.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    let mut rows = Vec::with_capacity(accounts.len());
    for (index, account) in accounts {
        let rows_of = &ix.balance_order[ix.balance_start[index]..ix.balance_start[index + 1]];
        if rows_of.is_empty() {
            continue;
        }
        let balances = rows_of.iter().map(|i| &ix.data.balances[*i as usize]);
        let own = ix
            .ownership
            .get(&(account.client.as_str(), account.id.as_str()))
            .unwrap_or(&empty);
        let client_level = ix
            .ownership
            .get(&(account.client.as_str(), ""))
            .unwrap_or(&empty);
        // Integer fen per version first (no allocation per row), ratios applied once per
        // version: Σ_days balance × ratio = ratio × Σ_days balance on the version's days.
        let mut own_acc: Vec<(i128, u32)> = vec![(0, 0); own.len()];
        let mut client_acc: Vec<(i128, u32)> = vec![(0, 0); client_level.len()];
        for b in balances {
            if b.date < first || b.date > last {
                continue;
            }
            let fen = i128::from(b.balance.fen());
            let mut on_account = false;
            for (i, v) in own.iter().enumerate() {
                if v.covers(b.date) {
                    own_acc[i].0 += fen;
                    own_acc[i].1 += 1;
                    on_account = true;
                }
            }
            if !on_account {
                for (i, v) in client_level.iter().enumerate() {
                    if v.covers(b.date) {
                        client_acc[i].0 += fen;
                        client_acc[i].1 += 1;
                    }
                }
            }
        }
        let mut sums: BTreeMap<&str, (Decimal, BTreeMap<String, u32>)> = BTreeMap::new();
        for (versions, acc) in [(own, &own_acc), (client_level, &client_acc)] {
            for (v, (fen, days)) in versions.iter().zip(acc) {
                if *days == 0 {
                    continue;
                }
                let yuan = Decimal::try_from_i128_with_scale(*fen, 2).unwrap_or(Decimal::MAX);
                let e = sums.entry(v.manager.as_str()).or_default();
                e.0 += yuan * v.ratio.value();
                *e.1.entry(v.ratio.to_string()).or_default() += days;
            }
        }
        if !sums.is_empty() {
            rows.push((
                index,
                sums.into_iter()
                    .filter_map(|(m, (s, d))| Some((*ix.manager_index.get(m)?, s, d)))
                    .collect(),
            ));
        }
    }
    let result = std::rc::Rc::new(AccountSums { rows });
    ix.sums_cache.borrow_mut().insert(period, result.clone());
    result
}

/// A balances measure for every manager: the cached per-account sums, filtered and weighted by
/// the policy, summed per owner, and for a daily average divided once by the period's days.
fn balances_measure(
    policy: &Policy,
    ix: &Index<'_>,
    period: Period,
    weight: Option<&Expr>,
    filter: Option<&Expr>,
    daily_average: bool,
) -> Result<BalanceResult, String> {
    let last = period.last_day();
    let days = Decimal::from(period.days());
    let sums = account_sums(ix, period);
    let mut result = BalanceResult::default();
    let notes = ix.account_notes.get();
    // The filter and the weight depend only on the account fields they name (parameters and
    // tables are fixed for the period): accounts that agree on those share one evaluation.
    let mut names: Vec<Vec<String>> = filter
        .iter()
        .chain(weight.iter())
        .flat_map(|e| e.names())
        .filter(|p| {
            !(p.len() == 1
                && (policy.parameters.contains_key(&p[0]) || policy.lookups.contains_key(&p[0])))
        })
        .collect();
    names.sort();
    names.dedup();
    let env_of = |index: usize| {
        let account = &ix.data.accounts[index];
        AccountEnv {
            account,
            client: ix.clients.get(account.client.as_str()).copied(),
            policy,
            day: last,
        }
    };
    let cache_key = (period, names.clone());
    let cached = ix.groups_cache.borrow().get(&cache_key).cloned();
    let groups = match cached {
        Some(g) => g,
        None => {
            let mut ids: HashMap<Vec<String>, u32> = HashMap::new();
            let mut groups = Groups {
                of_row: Vec::with_capacity(sums.rows.len()),
                representative: Vec::new(),
            };
            for (index, _) in &sums.rows {
                let env = env_of(*index);
                let key: Vec<String> = names
                    .iter()
                    .map(|p| env.name(p).map(|v| format!("{}:{v}", v.type_name())))
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("account {}: {e}", env.account.id))?;
                let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                let g = *ids.entry(key).or_insert(next);
                if g == next {
                    groups.representative.push(*index);
                }
                groups.of_row.push(g);
            }
            let g = std::rc::Rc::new(groups);
            ix.groups_cache.borrow_mut().insert(cache_key, g.clone());
            g
        }
    };
    // Filter and weight once per group.
    let mut weights: Vec<Option<Decimal>> = Vec::with_capacity(groups.representative.len());
    for index in &groups.representative {
        let env = env_of(*index);
        let passes = match filter {
            Some(f) => f
                .eval(&env)
                .and_then(|v| v.as_bool())
                .map_err(|e| format!("account {}: {e}", env.account.id))?,
            None => true,
        };
        weights.push(if passes {
            Some(match weight {
                Some(w) => w
                    .eval(&env)
                    .and_then(|v| v.as_num())
                    .map_err(|e| format!("account {}: {e}", env.account.id))?,
                None => Decimal::ONE,
            })
        } else {
            None
        });
    }
    let mut totals: Vec<Option<Decimal>> = vec![None; ix.manager_ids.len()];
    let mut all_notes: HashMap<u32, Vec<String>> = HashMap::new();
    for ((index, owners), g) in sums.rows.iter().zip(&groups.of_row) {
        let Some(w) = weights[*g as usize] else {
            continue;
        };
        let account = &ix.data.accounts[*index];
        for (manager, sum, shares) in owners {
            let undivided = sum * w;
            let t = &mut totals[*manager as usize];
            *t = Some(t.unwrap_or_default() + undivided);
            if !notes {
                continue;
            }
            let value = if daily_average {
                undivided / days
            } else {
                undivided
            };
            let shares: Vec<String> = shares
                .iter()
                .map(|(r, d)| format!("ratio {r} on {d} day(s)"))
                .collect();
            all_notes.entry(*manager).or_default().push(format!(
                "account {} ({}, {}{}): Σ balance × ratio = {} ({}); weight {} → {}",
                account.id,
                account.product,
                account.currency,
                account
                    .rate
                    .map(|r| format!(", rate {}", r.normalize()))
                    .unwrap_or_default(),
                sum.normalize(),
                shares.join(", "),
                w.normalize(),
                value.normalize()
            ));
        }
    }
    for (i, t) in totals.into_iter().enumerate() {
        if let Some(t) = t {
            let notes = all_notes
                .remove(&u32::try_from(i).unwrap_or(u32::MAX))
                .unwrap_or_default();
            result
                .per_manager
                .insert(ix.manager_ids[i].to_owned(), (t, notes));
        }
    }
    if daily_average {
        for v in result.per_manager.values_mut() {
            v.0 /= days;
        }
    }
    Ok(result)
}

/// The period an item is computed over when the policy settles `period`, if it is due then.
fn item_period(item: &Item, period: Period) -> Option<Period> {
    let p = item.pay.period_of(period.last_day());
    (p.last_day() == period.last_day()).then_some(p)
}

/// Settles a period: every manager in post gets each item that falls due, then a total.
pub fn settle(policy: &Policy, data: &DataSet, period: Period) -> Result<Settlement, SettleError> {
    let prepared = Prepared::new(data)?;
    settle_prepared(policy, &prepared, period)
}

/// A data set checked and indexed once, to settle it under several policies (what-if): the
/// scan of the balances is kept and re-used.
pub struct Prepared<'a> {
    pub(crate) ix: Index<'a>,
}

impl<'a> Prepared<'a> {
    pub fn new(data: &'a DataSet) -> Result<Prepared<'a>, SettleError> {
        Ok(Prepared {
            ix: Index::new(data)?,
        })
    }

    /// Whether explanations list every account behind a balances measure (default yes). A
    /// what-if comparison that only needs the amounts turns it off.
    pub fn explain_accounts(&self, on: bool) {
        self.ix.account_notes.set(on);
    }
}

/// Settles a period over prepared data.
pub fn settle_prepared(
    policy: &Policy,
    prepared: &Prepared<'_>,
    period: Period,
) -> Result<Settlement, SettleError> {
    let ix = &prepared.ix;
    // Measures computed for another policy are not this policy's.
    ix.balance_cache.borrow_mut().clear();
    if !policy.frequency.matches(period) {
        let example = match policy.frequency {
            Frequency::Monthly => "2026-09",
            Frequency::Quarterly => "2026-Q3",
            Frequency::HalfYearly => "2026-H2",
            Frequency::Annual => "2026",
        };
        return Err(SettleError(format!(
            "{}: the policy settles {} periods; give a period such as {example}, not {period}",
            policy.file,
            policy.frequency.name()
        )));
    }
    let data = ix.data;
    // A period the data does not cover is an error, not a month of zero pay.
    let days: Vec<chrono::NaiveDate> = data
        .sales
        .iter()
        .map(|f| f.date)
        .chain(data.payments.iter().map(|f| f.date))
        .chain(data.bookings.iter().map(|b| b.arrival_at.date()))
        .chain(data.balances.iter().map(|b| b.date))
        .collect();
    if let (Some(first), Some(last)) = (days.iter().min(), days.iter().max())
        && (*last < period.first_day() || *first > period.last_day())
    {
        return Err(SettleError(format!(
            "the data does not cover {period}: its sales, payments, bookings and balances run from {first} to {last}"
        )));
    }
    let in_post: Vec<&Manager> = ix
        .managers
        .values()
        .copied()
        .filter(|m| m.in_post(period.first_day(), period.last_day()))
        .collect();
    let mut lines: Vec<Line> = Vec::new();
    let mut traces = BTreeMap::new();
    let mut reported = BTreeMap::new();
    // Rank items need every manager's value first.
    let mut rank_results: HashMap<(usize, String), (Decimal, Trace)> = HashMap::new();
    for (i, item) in policy.items.iter().enumerate() {
        if let (
            ItemKind::Rank {
                by,
                awards,
                ties,
                among,
            },
            Some(p),
        ) = (&item.kind, item_period(item, period))
        {
            let mut scores = Vec::new();
            let mut award_values = Vec::new();
            if let Some(first) = in_post.first() {
                let ctx = Ctx::new(policy, ix, first, p);
                for a in awards {
                    award_values.push(
                        ctx.eval(a, &format!("item {} awards", item.name))?
                            .as_num()
                            .map_err(SettleError)?,
                    );
                }
            }
            for m in &in_post {
                let ctx = Ctx::new(policy, ix, m, p);
                if let Some(a) = among
                    && !ctx
                        .eval(a, &format!("item {} among", item.name))?
                        .as_bool()
                        .map_err(SettleError)?
                {
                    continue;
                }
                let v = ctx
                    .eval(by, &format!("item {} by", item.name))?
                    .as_num()
                    .map_err(SettleError)?;
                if v > Decimal::ZERO {
                    scores.push((m.id.clone(), v));
                }
            }
            for (id, (amount, trace)) in rank_awards(&scores, &award_values, *ties, &item.name, by)
            {
                rank_results.insert((i, id), (amount, trace));
            }
        }
    }
    for m in &in_post {
        let mut root = Trace::new(format!("{} {} · {}", m.id, m.name, period), String::new());
        let mut total = Money::ZERO;
        for (i, item) in policy.items.iter().enumerate() {
            let Some(p) = item_period(item, period) else {
                continue;
            };
            let ctx = Ctx::new(policy, ix, m, p);
            let computed: Vec<(String, Decimal, Trace)> = match &item.kind {
                ItemKind::Formula { amount, when } => {
                    let applies = match when {
                        Some(w) => ctx
                            .eval(w, &format!("item {} when", item.name))?
                            .as_bool()
                            .map_err(SettleError)?,
                        None => true,
                    };
                    if applies {
                        let v = ctx.eval(amount, &format!("item {}", item.name))?;
                        let v = match v {
                            Value::Null => Decimal::ZERO,
                            v => v.as_num().map_err(|e| {
                                SettleError(format!(
                                    "{}: item {} (policy line {}): {e}",
                                    policy.file, item.name, item.line
                                ))
                            })?,
                        };
                        let mut t = Trace::new(
                            format!("{} = {}", item.name, amount),
                            v.normalize().to_string(),
                        );
                        if let Some(w) = when {
                            t.notes.push(format!("when {w}: yes"));
                        }
                        t.children = ctx.take_trace();
                        vec![(item.name.clone(), v, t)]
                    } else {
                        let mut t = Trace::new(item.name.clone(), "0".to_owned());
                        if let Some(w) = when {
                            t.notes.push(format!("when {w}: no"));
                        }
                        t.children = ctx.take_trace();
                        vec![(item.name.clone(), Decimal::ZERO, t)]
                    }
                }
                ItemKind::Streak { when, step } => {
                    let (n, t) = streak(policy, ix, m, p, item, when)?;
                    if n == 0 {
                        let mut t2 =
                            Trace::new(format!("{} (streak of 0 periods)", item.name), "0");
                        t2.children = vec![t];
                        vec![(item.name.clone(), Decimal::ZERO, t2)]
                    } else {
                        let step_value = ctx
                            .eval(step, &format!("item {} step", item.name))?
                            .as_num()
                            .map_err(SettleError)?;
                        let v = Decimal::from(n) * step_value;
                        let mut t2 = Trace::new(
                            format!("{} = {n} × {step}", item.name),
                            v.normalize().to_string(),
                        );
                        t2.children = vec![t];
                        t2.children.extend(ctx.take_trace());
                        vec![(item.name.clone(), v, t2)]
                    }
                }
                ItemKind::Rank { .. } => match rank_results.remove(&(i, m.id.clone())) {
                    Some((v, t)) => vec![(item.name.clone(), v, t)],
                    None => vec![],
                },
                ItemKind::Threshold {
                    measure,
                    at_least,
                    award,
                    per_client,
                    new_clients_from,
                    returning_after_days,
                } => threshold(
                    policy,
                    ix,
                    m,
                    p,
                    item,
                    (
                        measure,
                        at_least,
                        award,
                        *per_client,
                        *new_clients_from,
                        *returning_after_days,
                    ),
                )?,
                ItemKind::Adjustments => data
                    .adjustments
                    .iter()
                    .filter(|a| a.manager == m.id && a.period == period)
                    .map(|a| {
                        let mut t =
                            Trace::new(format!("{} (adjustment)", a.item), a.amount.to_string());
                        t.notes.push(format!(
                            "{}{}",
                            a.source,
                            a.reason
                                .as_ref()
                                .map(|r| format!(": {r}"))
                                .unwrap_or_default()
                        ));
                        (a.item.clone(), a.amount.to_decimal(), t)
                    })
                    .collect(),
            };
            for (name, v, mut t) in computed {
                let rounded = if item.round {
                    policy.rounding.apply(v)
                } else {
                    v
                };
                if rounded != v.normalize() {
                    t.notes.push(format!(
                        "rounded {} → {} ({})",
                        v.normalize(),
                        rounded,
                        policy.rounding
                    ));
                }
                let amount = Money::try_from_decimal(rounded).map_err(|e| {
                    SettleError(format!(
                        "{}: item {} (policy line {}), manager {}: {e}; set round = true or change the rounding step",
                        policy.file, item.name, item.line, m.id
                    ))
                })?;
                total = total.checked_add(amount).ok_or_else(|| {
                    SettleError(format!("total of manager {} out of range", m.id))
                })?;
                t.value = amount.to_string();
                root.children.push(t);
                // A zero amount is explained in the trace but is not a pay line; parts of one
                // item (a threshold per client) add up to one line.
                if amount.is_zero() {
                    continue;
                }
                match lines.last_mut() {
                    Some(last) if last.manager == m.id && last.item == name => {
                        last.amount = last.amount.checked_add(amount).ok_or_else(|| {
                            SettleError(format!("item {name} of manager {} out of range", m.id))
                        })?;
                    }
                    _ => lines.push(Line {
                        manager: m.id.clone(),
                        item: name,
                        amount,
                    }),
                }
            }
        }
        root.value = total.to_string();
        if !policy.report.is_empty() {
            let ctx = Ctx::new(policy, ix, m, period);
            let mut values = Vec::new();
            for name in &policy.report {
                match ctx.name(std::slice::from_ref(name)) {
                    Ok(Value::Num(v)) => values.push((name.clone(), v)),
                    Ok(_) => {}
                    Err(e) => {
                        return Err(SettleError(format!(
                            "{}: reported {name}, manager {}, period {period}: {e}",
                            policy.file, m.id
                        )));
                    }
                }
            }
            reported.insert(m.id.clone(), values);
        }
        lines.push(Line {
            manager: m.id.clone(),
            item: "total".to_owned(),
            amount: total,
        });
        traces.insert(m.id.clone(), root);
    }
    Ok(Settlement {
        period,
        lines,
        traces,
        reported,
    })
}

type ThresholdSpec<'e> = (
    &'e String,
    &'e Expr,
    &'e Expr,
    bool,
    Option<chrono::NaiveDate>,
    Option<u32>,
);

/// A threshold item: the award when the cumulative measure first reaches `at_least` in this
/// period (it was below at the end of the previous period). Per client: for each new client of
/// the manager with rows in the period.
fn threshold(
    policy: &Policy,
    ix: &Index<'_>,
    m: &Manager,
    period: Period,
    item: &Item,
    (measure, at_least, award, per_client, new_from, returning_after): ThresholdSpec<'_>,
) -> Result<Vec<(String, Decimal, Trace)>, SettleError> {
    let what = format!("item {}", item.name);
    let check = |ctx: &Ctx<'_>, label: String| -> Result<Option<(Decimal, Trace)>, SettleError> {
        let previous = Ctx {
            period: period.previous(),
            ..Ctx::new(policy, ix, m, period.previous())
        };
        let previous = Ctx {
            only_client: ctx.only_client,
            ..previous
        };
        let now = ctx
            .eval(&Expr::Name(vec![measure.clone()]), &what)?
            .as_num()
            .map_err(SettleError)?;
        let limit = ctx.eval(at_least, &what)?.as_num().map_err(SettleError)?;
        let before = previous
            .eval(&Expr::Name(vec![measure.clone()]), &what)?
            .as_num()
            .map_err(SettleError)?;
        let mut t = Trace::new(label, String::new());
        t.notes.push(format!(
            "{measure}: {} at the end of {}, {} at the end of {}; threshold {at_least} = {}",
            before.normalize(),
            period.previous(),
            now.normalize(),
            period,
            limit.normalize()
        ));
        t.children = ctx.take_trace();
        if now >= limit && before < limit {
            let a = ctx.eval(award, &what)?.as_num().map_err(SettleError)?;
            t.notes.push(format!(
                "first reached in {period}: award {award} = {}",
                a.normalize()
            ));
            t.children.extend(ctx.take_trace());
            Ok(Some((a, t)))
        } else {
            Ok(None)
        }
    };
    if !per_client {
        let ctx = Ctx::new(policy, ix, m, period);
        return Ok(check(&ctx, item.name.clone())?
            .map(|(a, t)| vec![(item.name.clone(), a, t)])
            .unwrap_or_default());
    }
    let source = match policy.measures.get(measure.as_str()).map(|x| &x.kind) {
        Some(MeasureKind::Sum { source, .. }) => *source,
        _ => {
            return Err(SettleError(format!(
                "{}: item {}: measure {measure} is not a sum over a table",
                policy.file, item.name
            )));
        }
    };
    // Each client's first row in the table (any manager).
    let mut first_row: HashMap<&str, (chrono::NaiveDate, &str)> = HashMap::new();
    let mut in_period: Vec<&str> = Vec::new();
    let rows: Vec<(&str, chrono::NaiveDate, &str)> = match source {
        Source::Sales => ix
            .data
            .sales
            .iter()
            .map(|f| (f.client.as_str(), f.date, f.manager.as_str()))
            .collect(),
        Source::Payments => ix
            .data
            .payments
            .iter()
            .map(|f| (f.client.as_str(), f.date, f.manager.as_str()))
            .collect(),
        Source::Bookings => ix
            .data
            .bookings
            .iter()
            .filter_map(|b| {
                Some((
                    b.client.as_deref()?,
                    b.arrival_at.date(),
                    b.manager.as_str(),
                ))
            })
            .collect(),
    };
    for (client, day, manager) in &rows {
        let e = first_row.entry(client).or_insert((*day, manager));
        if *day < e.0 {
            *e = (*day, manager);
        }
        if *manager == m.id && period.contains(*day) && !in_period.contains(client) {
            in_period.push(client);
        }
    }
    in_period.sort_unstable();
    let mut out = Vec::new();
    for client in in_period {
        let (first_day, first_manager) = first_row[client];
        let is_new = first_manager == m.id && new_from.is_none_or(|d| first_day >= d);
        if !is_new {
            continue;
        }
        let Some(c) = ix.clients.get(client).copied() else {
            continue;
        };
        // A stop longer than the policy allows makes it a returning client (断供后重新供货).
        if let Some(limit) = returning_after {
            let mut days: Vec<chrono::NaiveDate> = rows
                .iter()
                .filter(|(cl, d, _)| cl == &client && *d <= period.last_day())
                .map(|(_, d, _)| *d)
                .collect();
            days.sort_unstable();
            if let Some(w) = days
                .windows(2)
                .find(|w| (w[1] - w[0]).num_days() > i64::from(limit))
            {
                let mut t = Trace::new(format!("{} · client {} {}", item.name, c.id, c.name), "0");
                t.notes.push(format!(
                    "returning client: no {} from {} to {} ({} days, more than {limit}); not a new client",
                    source.name(),
                    w[0],
                    w[1],
                    (w[1] - w[0]).num_days()
                ));
                out.push((item.name.clone(), Decimal::ZERO, t));
                continue;
            }
        }
        let ctx = Ctx {
            only_client: Some(c),
            ..Ctx::new(policy, ix, m, period)
        };
        if let Some((a, mut t)) =
            check(&ctx, format!("{} · client {} {}", item.name, c.id, c.name))?
        {
            t.notes.push(format!(
                "new client: first {} row on {first_day} by {}{}",
                source.name(),
                m.id,
                new_from
                    .map(|d| format!(", on or after {d}"))
                    .unwrap_or_default()
            ));
            out.push((item.name.clone(), a, t));
        }
    }
    Ok(out)
}

/// The n-th consecutive period (of the item's frequency) ending with `period` in which `when`
/// holds; periods before the manager was hired or before the data starts are not counted.
fn streak(
    policy: &Policy,
    ix: &Index<'_>,
    m: &Manager,
    period: Period,
    item: &Item,
    when: &Expr,
) -> Result<(u32, Trace), SettleError> {
    let mut n = 0u32;
    let mut p = period;
    let mut trace = Trace::new(format!("{} when {when}", item.name), String::new());
    loop {
        let before_hire = m.hired_on.is_some_and(|h| p.last_day() < h);
        let before_data = ix.first_day.is_none_or(|d| p.last_day() < d);
        if before_hire || before_data {
            trace.notes.push(format!(
                "{p}: before {}; not counted",
                if before_hire {
                    "hire"
                } else {
                    "the data starts"
                }
            ));
            break;
        }
        let ctx = Ctx::new(policy, ix, m, p);
        let holds = ctx
            .eval(when, &format!("item {} streak", item.name))?
            .as_bool()
            .map_err(SettleError)?;
        let mut node = Trace::new(p.to_string(), if holds { "yes" } else { "no" }.to_owned());
        node.children = ctx.take_trace();
        trace.children.push(node);
        if !holds {
            break;
        }
        n += 1;
        if n >= 1200 {
            break;
        }
        p = p.previous();
    }
    trace.value = n.to_string();
    Ok((n, trace))
}

/// Awards by place (highest score first). Ties: `All` gives each tied manager the award of the
/// place they share; `Share` splits the awards of the places they occupy, handing leftover fen
/// to the lowest manager ids first.
fn rank_awards(
    scores: &[(String, Decimal)],
    awards: &[Decimal],
    ties: Ties,
    item: &str,
    by: &Expr,
) -> Vec<(String, (Decimal, Trace))> {
    let mut sorted: Vec<&(String, Decimal)> = scores.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = Vec::new();
    let mut place = 0usize;
    let mut i = 0usize;
    while i < sorted.len() && place < awards.len() {
        let score = sorted[i].1;
        let group: Vec<&(String, Decimal)> = sorted[i..]
            .iter()
            .take_while(|s| s.1 == score)
            .copied()
            .collect();
        let k = group.len();
        let shares: Vec<Decimal> = match ties {
            Ties::All => vec![awards[place]; k],
            Ties::Share => {
                // The pooled awards of the places they occupy, split equally to the fen; the
                // leftover fen go to the lowest manager ids first.
                let pool: Decimal = awards.iter().skip(place).take(k).sum();
                let pool = Money::try_from_decimal(pool.round_dp(2)).unwrap_or(Money::ZERO);
                Money::allocate(pool, &vec![Decimal::ONE; k])
                    .unwrap_or_default()
                    .into_iter()
                    .map(Money::to_decimal)
                    .collect()
            }
        };
        for (j, (id, v)) in group.iter().map(|g| (&g.0, g.1)).enumerate() {
            let mut t = Trace::new(
                format!("{item}: place {} by {by}", place + 1),
                shares[j].normalize().to_string(),
            );
            t.notes.push(format!("score {}", v.normalize()));
            if k > 1 {
                t.notes.push(format!(
                    "tied with {} other(s); ties = {}",
                    k - 1,
                    if ties == Ties::All { "all" } else { "share" }
                ));
            }
            out.push((id.clone(), (shares[j], t)));
        }
        place += k;
        i += k;
    }
    out
}
