//! Daily management (E1–E7, B5): the breaches of a policy's `[daily]` rules over the registers
//! for a period, one per manager, rule and day (or week, or month).

mod env;

pub(crate) use env::{Owners, RegisterEnv, owners};

use crate::data::{Client, DataSet, Manager};
use crate::expr::Value;
use crate::period::Period;
use crate::policy::{Daily, DailyRule, DailyRuleKind, Each, Policy};
use crate::registers::{Calendar, Register, RegisterRow};
use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime};
use env::ManagerEnv;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One breach of a daily rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Breach {
    pub manager: String,
    /// The day it concerns: the row's day, the missing working day, the week's Monday or the
    /// month's first day.
    pub date: NaiveDate,
    /// The policy's name for the rule.
    pub rule: String,
    pub detail: crate::phrase::Phrase,
    /// The row it was found on (`outings.csv:5`), if any.
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", .0.join("\n"))]
pub struct DailyError(pub Vec<String>);

/// The organisation's calendar: the policy's weekdays and the calendar table's exceptions.
pub fn calendar(daily: &Daily, data: &DataSet) -> Calendar {
    let mut c = Calendar::weekdays_only(&daily.weekdays);
    for d in &data.calendar {
        c.exceptions.insert(d.date, d.working);
    }
    c
}

/// The end of a period as a clock time: what `now` is when a past period is reported.
pub fn end_of(period: Period) -> NaiveDateTime {
    period.last_day().and_time(NaiveTime::MIN) + chrono::Duration::seconds(86_399)
}

/// The rows of each (register, manager), and every manager's rows by key.
struct Rows<'a> {
    by: HashMap<(Register, &'a str), Vec<&'a RegisterRow>>,
}

impl<'a> Rows<'a> {
    fn of(&self, reg: Register, manager: &'a str) -> &[&'a RegisterRow] {
        self.by.get(&(reg, manager)).map_or(&[][..], Vec::as_slice)
    }
}

/// Checks what the registers hold against each other, the managers and the calendar: every
/// problem names the row. Returns the rows indexed.
fn check<'a>(
    data: &'a DataSet,
    calendar: &Calendar,
    managers: &BTreeMap<&str, &Manager>,
    clients: &HashMap<&str, &Client>,
) -> Result<Rows<'a>, DailyError> {
    let mut problems = Vec::new();
    let mut by: HashMap<(Register, &str), Vec<&RegisterRow>> = HashMap::new();
    let mut keys: BTreeSet<(Register, &str, String)> = BTreeSet::new();
    for row in &data.registers {
        let m = row.manager.as_str();
        if !managers.contains_key(m) {
            problems.push(format!(
                "{}: column manager_id: unknown customer manager {m:?} (not in managers)",
                row.source
            ));
        }
        if !clients.is_empty()
            && let Some(c) = row.text("client_id")
            && !clients.contains_key(c)
        {
            problems.push(format!(
                "{}: column client_id: unknown client {c:?} (not in clients)",
                row.source
            ));
        }
        if !keys.insert((row.register, m, row.key())) {
            problems.push(format!(
                "{}: column {}: a second row of {} for manager {m} and {} {}",
                row.source,
                row.register.key(),
                row.register.name(),
                row.register.key(),
                row.key()
            ));
        }
        if row.register == Register::Briefings
            && let Some(day) = row.day()
            && !calendar.is_working_day(day)
        {
            problems.push(format!(
                "{}: column date: {day} is not a working day by the calendar (a briefing is held on working days); fix the date or add the day to calendar.csv as a working day",
                row.source
            ));
        }
        if row.register == Register::WorkLogs && row.text("signed_by") == Some(m) {
            problems.push(format!(
                "{}: column signed_by: {m} signed their own work log; the head signs it",
                row.source
            ));
        }
        by.entry((row.register, m)).or_default().push(row);
    }
    if problems.is_empty() {
        Ok(Rows { by })
    } else {
        Err(DailyError(problems))
    }
}

/// Whether any of the policy's daily rules asks the ledger (`owns()`, `owned()`): then the
/// data must hold the ownership versions.
pub fn reads_ledger(policy: &Policy) -> bool {
    let Some(daily) = &policy.daily else {
        return false;
    };
    let asks = |e: &crate::expr::Expr| e.calls().iter().any(|(f, _)| f == "owns" || f == "owned");
    daily.rules.iter().any(|r| match &r.kind {
        DailyRuleKind::Row { filter, breach, .. } => asks(breach) || filter.iter().any(asks),
        DailyRuleKind::Expect { filter, unless, .. } => {
            filter.iter().any(asks) || unless.iter().any(|(_, e)| asks(e))
        }
        DailyRuleKind::Linked { filter, .. } => filter.iter().any(asks),
        DailyRuleKind::Count { filter, sum, .. } => filter.iter().any(asks) || sum.iter().any(asks),
    })
}

/// Whether a rule applies to a manager: `[daily] among` and the rule's own `among` hold.
pub fn rule_applies(policy: &Policy, rule: &DailyRule, manager: &Manager) -> bool {
    let Some(daily) = &policy.daily else {
        return false;
    };
    let env = ManagerEnv { manager, policy };
    let holds = |e: &crate::expr::Expr| e.eval(&env).and_then(|v| v.as_bool()).unwrap_or(false);
    holds(&daily.among) && rule.among.as_ref().is_none_or(holds)
}

/// The breaches of the policy's daily rules in `period`, as of `now` (a past period: its
/// [`end_of`]): only days up to `now` are held against anyone, and a day, week or month that is
/// still running is not reported missing.
pub fn breaches(
    policy: &Policy,
    data: &DataSet,
    period: Period,
    now: NaiveDateTime,
) -> Result<Vec<Breach>, DailyError> {
    breaches_between(policy, data, period.first_day(), period.last_day(), now)
}

/// [`breaches`] of the days `first..=last` (a head's view of one day: `first == last`); a week
/// or month is reported when it starts in them and is over.
pub fn breaches_between(
    policy: &Policy,
    data: &DataSet,
    first: NaiveDate,
    last_day: NaiveDate,
    now: NaiveDateTime,
) -> Result<Vec<Breach>, DailyError> {
    let Some(daily) = &policy.daily else {
        return Err(DailyError(vec![format!(
            "{}: the policy has no [daily] rules",
            policy.file
        )]));
    };
    let calendar = calendar(daily, data);
    let managers: BTreeMap<&str, &Manager> =
        data.managers.iter().map(|m| (m.id.as_str(), m)).collect();
    let clients: HashMap<&str, &Client> = data.clients.iter().map(|c| (c.id.as_str(), c)).collect();
    let rows = check(data, &calendar, &managers, &clients)?;
    let ownership = owners(&data.ownership);
    // Days that are over: through yesterday, or today too once it has ended.
    let last_closed = if now.time() >= NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(NaiveTime::MIN)
    {
        now.date()
    } else {
        now.date().pred_opt().unwrap_or(NaiveDate::MIN)
    };
    let last = last_day.min(now.date());
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for m in managers.values() {
        if !m.in_post(first, last) {
            continue;
        }
        let menv = ManagerEnv { manager: m, policy };
        match daily.among.eval(&menv).and_then(|v| v.as_bool()) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                errors.push(format!(
                    "{} line {}: daily among: {e}",
                    policy.file, daily.line
                ));
                continue;
            }
        }
        for rule in &daily.rules {
            if let Some(a) = &rule.among {
                match a.eval(&menv).and_then(|v| v.as_bool()) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(e) => {
                        errors.push(format!(
                            "{} line {}: {}: among: {e}",
                            policy.file, rule.line, rule.name
                        ));
                        continue;
                    }
                }
            }
            let run = RuleRun {
                policy,
                rule,
                manager: m,
                rows: &rows,
                clients: &clients,
                ownership: &ownership,
                calendar: &calendar,
                now,
                first,
                last,
                last_closed,
            };
            if let Err(e) = run.breaches(&mut out) {
                errors.push(format!(
                    "{} line {}: daily rule {}: {e}",
                    policy.file, rule.line, rule.name
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(DailyError(errors));
    }
    out.sort();
    Ok(out)
}

struct RuleRun<'a> {
    policy: &'a Policy,
    rule: &'a DailyRule,
    manager: &'a Manager,
    rows: &'a Rows<'a>,
    clients: &'a HashMap<&'a str, &'a Client>,
    ownership: &'a Owners<'a>,
    calendar: &'a Calendar,
    now: NaiveDateTime,
    first: NaiveDate,
    /// The last day of the period up to now.
    last: NaiveDate,
    /// The last day that is over.
    last_closed: NaiveDate,
}

impl<'a> RuleRun<'a> {
    fn env(&self, row: &'a RegisterRow) -> RegisterEnv<'a> {
        RegisterEnv {
            row,
            client: row
                .text("client_id")
                .and_then(|c| self.clients.get(c).copied()),
            manager: self.manager,
            policy: self.policy,
            calendar: self.calendar,
            now: self.now,
            ownership: self.ownership,
        }
    }

    fn holds(&self, e: &crate::expr::Expr, row: &'a RegisterRow) -> Result<bool, String> {
        e.eval(&self.env(row))
            .and_then(|v| v.as_bool())
            .map_err(|err| format!("{}: {err}", row.source))
    }

    fn passes(
        &self,
        filter: &Option<crate::expr::Expr>,
        row: &'a RegisterRow,
    ) -> Result<bool, String> {
        match filter {
            Some(f) => self.holds(f, row),
            None => Ok(true),
        }
    }

    /// The rows of `reg` whose `date` field falls in `first..=last`.
    fn in_days(
        &self,
        reg: Register,
        date: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Vec<&'a RegisterRow> {
        self.rows
            .of(reg, &self.manager.id)
            .iter()
            .copied()
            .filter(|r| r.day_of(date).is_some_and(|d| first <= d && d <= last))
            .collect()
    }

    fn detail(&self, row: &RegisterRow) -> String {
        let mut parts = vec![format!("{} {}", row.register.key(), row.key())];
        for f in &self.rule.detail {
            let v = match row.get(f) {
                Value::Null => "—".to_owned(),
                Value::Text(s) => s,
                v => v.to_string(),
            };
            parts.push(format!("{f} {v}"));
        }
        parts.join("; ")
    }

    fn push(
        &self,
        out: &mut Vec<Breach>,
        date: NaiveDate,
        detail: crate::phrase::Phrase,
        source: Option<String>,
    ) {
        out.push(Breach {
            manager: self.manager.id.clone(),
            date,
            rule: self.rule.name.clone(),
            detail,
            source,
        });
    }

    /// Whether the manager is in post on every day of `first..=last` that is counted.
    fn in_post(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.manager.hired_on.is_none_or(|h| h <= first)
            && self.manager.left_on.is_none_or(|l| l >= last)
    }

    /// The spans (first, last, the day reported) of `each` within the period that are over.
    fn spans(&self, each: Each) -> Vec<(NaiveDate, NaiveDate)> {
        let mut out = Vec::new();
        match each {
            Each::WorkingDay => {
                for d in self
                    .calendar
                    .working_days(self.first, self.last.min(self.last_closed))
                {
                    out.push((d, d));
                }
            }
            Each::Week => {
                let mut monday = self.first;
                while monday.weekday() != chrono::Weekday::Mon {
                    monday = monday.succ_opt().unwrap_or(monday);
                    if monday > self.last {
                        return out;
                    }
                }
                while monday <= self.last {
                    let sunday = monday + Days::new(6);
                    if sunday <= self.last_closed {
                        out.push((monday, sunday));
                    }
                    monday = monday + Days::new(7);
                }
            }
            Each::Month => {
                let mut m = Period::month_of(self.first);
                while m.first_day() <= self.last {
                    if m.first_day() >= self.first && m.last_day() <= self.last_closed {
                        out.push((m.first_day(), m.last_day()));
                    }
                    m = Period::month_of(m.last_day() + Days::new(1));
                }
            }
        }
        out
    }

    fn breaches(&self, out: &mut Vec<Breach>) -> Result<(), String> {
        match &self.rule.kind {
            DailyRuleKind::Row {
                from,
                date,
                filter,
                breach,
            } => {
                for row in self.in_days(*from, date, self.first, self.last) {
                    if self.passes(filter, row)? && self.holds(breach, row)? {
                        let day = row.day_of(date).unwrap_or(self.first);
                        self.push(out, day, self.detail(row).into(), Some(row.source.clone()));
                    }
                }
            }
            DailyRuleKind::Linked {
                from,
                date,
                filter,
                needs,
                on,
            } => {
                let have: BTreeSet<String> = self
                    .rows
                    .of(*needs, &self.manager.id)
                    .iter()
                    .filter_map(|r| match r.get(on) {
                        Value::Null => None,
                        Value::Text(s) => Some(s),
                        v => Some(v.to_string()),
                    })
                    .collect();
                for row in self.in_days(*from, date, self.first, self.last.min(self.last_closed)) {
                    if !self.passes(filter, row)? {
                        continue;
                    }
                    let key = match row.get(on) {
                        Value::Null => continue,
                        Value::Text(s) => s,
                        v => v.to_string(),
                    };
                    if !have.contains(&key) {
                        let day = row.day_of(date).unwrap_or(self.first);
                        let detail = crate::say!(
                            "daily-no-linked",
                            "{row}; no {register} with {field} {key}",
                            row = self.detail(row),
                            register = needs.name(),
                            field = on,
                            key = key,
                        );
                        self.push(out, day, detail, Some(row.source.clone()));
                    }
                }
            }
            DailyRuleKind::Expect {
                register,
                date,
                each,
                filter,
                unless,
            } => {
                for (first, last) in self.spans(*each) {
                    if !self.in_post(first, last) {
                        continue;
                    }
                    let mut found = false;
                    for row in self.in_days(*register, date, first, last) {
                        if self.passes(filter, row)? {
                            found = true;
                            break;
                        }
                    }
                    if found {
                        continue;
                    }
                    if let Some((ureg, cond)) = unless {
                        let mut excused = false;
                        for row in self.in_days(*ureg, ureg.day_field(), first, last) {
                            if self.holds(cond, row)? {
                                excused = true;
                                break;
                            }
                        }
                        if excused {
                            continue;
                        }
                    }
                    let span = if first == last {
                        first.to_string()
                    } else {
                        format!("{first}..{last}")
                    };
                    self.push(
                        out,
                        first,
                        crate::say!(
                            "daily-no-row",
                            "no {register} row for {span}",
                            register = register.name(),
                            span = span
                        ),
                        None,
                    );
                }
            }
            DailyRuleKind::Count {
                from,
                date,
                each,
                filter,
                sum,
                at_least,
                at_most,
            } => {
                for (first, last) in self.spans(*each) {
                    if !self.in_post(first, last) {
                        continue;
                    }
                    let mut total = Decimal::ZERO;
                    let mut ids = Vec::new();
                    for row in self.in_days(*from, date, first, last) {
                        if !self.passes(filter, row)? {
                            continue;
                        }
                        let v = match sum {
                            Some(e) => match e
                                .eval(&self.env(row))
                                .map_err(|err| format!("{}: {err}", row.source))?
                            {
                                Value::Null => Decimal::ZERO,
                                v => v.as_num()?,
                            },
                            None => Decimal::ONE,
                        };
                        total = total.checked_add(v).ok_or("sum out of range")?;
                        ids.push(row.key());
                    }
                    let short = at_least.is_some_and(|b| total < b);
                    let over = at_most.is_some_and(|b| total > b);
                    if short || over {
                        let bound = if short { at_least } else { at_most };
                        let bound = bound.map(|b| b.normalize().to_string()).unwrap_or_default();
                        let rows = if ids.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", ids.join(", "))
                        };
                        let detail = if short {
                            crate::say!(
                                "daily-count-short",
                                "{first}..{last}: {register} {total} (at least {bound}){rows}",
                                first = first,
                                last = last,
                                register = from.name(),
                                total = total.normalize(),
                                bound = bound,
                                rows = rows,
                            )
                        } else {
                            crate::say!(
                                "daily-count-over",
                                "{first}..{last}: {register} {total} (at most {bound}){rows}",
                                first = first,
                                last = last,
                                register = from.name(),
                                total = total.normalize(),
                                bound = bound,
                                rows = rows,
                            )
                        };
                        self.push(out, first, detail, None);
                    }
                }
            }
        }
        Ok(())
    }
}

/// The breaches as `kejing daily` writes them: `manager_id,rule,date,detail`.
pub fn to_csv_rows(breaches: &[Breach]) -> Vec<[String; 4]> {
    breaches
        .iter()
        .map(|b| {
            [
                b.manager.clone(),
                b.rule.clone(),
                b.date.to_string(),
                b.detail.to_string(),
            ]
        })
        .collect()
}
