//! Daily management (日常管理, E1–E7, B5): a customer manager keeps their registers (outings
//! and returns, visit records, work logs, prospects, credit business, retail visits), their head
//! signs the logs, and the policy's `[daily]` rules say what is a breach. Every change is one
//! conditional step in one transaction; the CLI and the web call these same functions.

use crate::access::{Action, Actor, Role};
use crate::{Error, Result};
use chrono::{NaiveDate, NaiveDateTime};
use kejing_engine::Period;
use kejing_engine::daily::{Breach, breaches as engine_breaches, end_of};
use kejing_engine::data::DataSet;
use kejing_engine::expr::Value;
use kejing_engine::policy::Policy;
use kejing_engine::registers::{Register, RegisterRow};
use kejing_io::registers::fields_from_cells;
use kejing_store::Store;
use kejing_store::daily::StoredRow;
use std::collections::BTreeMap;

/// The organisation's clock time now (local), to the minute.
pub fn local_now(store: &Store) -> NaiveDateTime {
    let t = store.clock().local_now().naive_local();
    t.date()
        .and_hms_opt(chrono::Timelike::hour(&t), chrono::Timelike::minute(&t), 0)
        .unwrap_or(t)
}

fn form_error(register: Register, bad: Vec<(String, String)>) -> Error {
    Error::invalid(
        bad.iter()
            .map(|(f, r)| format!("{}: field {f}: {r}", register.name()))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// A new row's key when the form leaves it out: `O20260903-2` for a manager's second outing of
/// the day.
fn next_key(
    store: &mut Store,
    actor: &Actor,
    register: Register,
    manager: &str,
    day: NaiveDate,
) -> Result<String> {
    let prefix = match register {
        Register::Outings => "O",
        Register::Visits => "V",
        Register::Prospects => "P",
        Register::CreditRegister => "C",
        Register::RetailVisits => "R",
        Register::Reports => "T",
        Register::Meetings => "G",
        Register::ActionItems => "A",
        Register::Briefings | Register::WorkLogs => return Ok(day.to_string()),
    };
    let rows = store.register_rows(&actor.org, Some(register), Some((day, day)))?;
    let n = rows.iter().filter(|r| r.row.manager == manager).count() + 1;
    Ok(format!("{prefix}{}-{manager}-{n}", day.format("%Y%m%d")))
}

/// Records a row of a register for `manager` from form cells (field → text). A customer
/// manager records their own; a head or the office one of their scope. Every bad cell is named;
/// nothing is written on any error. Returns the row's key.
pub fn record(
    store: &mut Store,
    actor: &Actor,
    register: Register,
    manager: &str,
    cells: &BTreeMap<String, String>,
) -> Result<String> {
    actor.require(Action::KeepRegisters)?;
    store.set_actor(actor.name.clone());
    let manager = manager.trim();
    actor.require_manager(manager)?;
    if register == Register::WorkLogs && cells.keys().any(|k| k.starts_with("signed")) {
        return Err(Error::invalid(
            "work_logs: a log is signed by the head with its own action (kejing log sign), not written signed",
        ));
    }
    let mut cells = cells.clone();
    cells.retain(|_, v| !v.trim().is_empty());
    let org = actor.org.clone();
    store.write(&org, |s| {
        if !cells.contains_key(register.key()) {
            let day_field = register.day_field();
            let day = cells
                .get(day_field)
                .and_then(|v| {
                    kejing_io::read::parse_date_cell(v.split([' ', 'T']).next().unwrap_or("")).ok()
                })
                .ok_or_else(|| {
                    form_error(
                        register,
                        vec![(day_field.to_owned(), "a value is required here".to_owned())],
                    )
                })?;
            let key = next_key(s, actor, register, manager, day)?;
            cells.insert(register.key().to_owned(), key);
        }
        let fields =
            fields_from_cells(register, &cells).map_err(|bad| form_error(register, bad))?;
        let row = RegisterRow {
            source: format!("{} form", register.name()),
            register,
            manager: manager.to_owned(),
            fields,
        };
        s.insert_register_row(&org, &row)?;
        Ok::<_, Error>(row.key())
    })
}

/// Registers an outing leaving now (or at `left_at`): the outing register (外出登记, E3).
pub fn register_outing(
    store: &mut Store,
    actor: &Actor,
    manager: &str,
    mut cells: BTreeMap<String, String>,
) -> Result<String> {
    if cells.get("left_at").is_none_or(|v| v.trim().is_empty()) {
        let now = local_now(store);
        cells.insert("left_at".into(), now.format("%Y-%m-%d %H:%M").to_string());
    }
    record(store, actor, Register::Outings, manager, &cells)
}

/// Reads one row and checks the actor may change it.
fn stored(
    store: &mut Store,
    actor: &Actor,
    register: Register,
    manager: &str,
    key: &str,
) -> Result<StoredRow> {
    actor.require_manager(manager)?;
    store
        .register_row(&actor.org, register, manager, key)?
        .ok_or_else(|| {
            Error::NotFound(format!(
                "{manager} has no {} {key} in {}",
                register.key(),
                register.name()
            ))
        })
}

/// Records the return of an outing (now, or at `at`): once; a second return is refused with
/// the time already recorded. A return before the outing left is refused.
pub fn record_return(
    store: &mut Store,
    actor: &Actor,
    manager: &str,
    outing_id: &str,
    at: Option<NaiveDateTime>,
) -> Result<NaiveDateTime> {
    actor.require(Action::KeepRegisters)?;
    store.set_actor(actor.name.clone());
    let at = at.unwrap_or_else(|| local_now(store));
    let org = actor.org.clone();
    store.write(&org, |s| {
        let row = stored(s, actor, Register::Outings, manager, outing_id)?;
        if let Value::DateTime(t) = row.row.get("returned_at") {
            let at = t.format("%Y-%m-%d %H:%M").to_string();
            return Err(Error::said(
                crate::error::Kind::Conflict,
                "outing-returned",
                &[
                    ("outing", outing_id.to_string()),
                    ("manager", manager.to_owned()),
                    ("at", at.clone()),
                ],
                format!("outing {outing_id} of {manager} was already recorded back at {at}"),
            ));
        }
        let mut fields = row.row.fields.clone();
        fields.insert("returned_at".into(), Value::DateTime(at));
        if let Some((f, reason)) = kejing_io::registers::row_problems(Register::Outings, &fields)
            .into_iter()
            .next()
        {
            return Err(Error::invalid(format!("outings: field {f}: {reason}")));
        }
        s.update_register_row(&org, &row, &fields, "return")?;
        Ok::<_, Error>(at)
    })
}

/// What a head writes when signing a log (签阅): a comment and the next day's plan.
#[derive(Debug, Clone, Default)]
pub struct Signature {
    pub comment: String,
    pub plan_next: String,
}

/// The head signs a customer manager's work log of `date` (E3): only a head (team or branch)
/// whose scope holds the manager, never their own log, and once: of concurrent signatures one
/// takes effect, the others are told who signed and when.
pub fn sign_log(
    store: &mut Store,
    actor: &Actor,
    manager: &str,
    date: NaiveDate,
    signature: &Signature,
) -> Result<()> {
    actor.require(Action::SignLog)?;
    if !matches!(actor.role, Role::TeamHead | Role::BranchHead) {
        return Err(Error::Forbidden(format!(
            "{} is not a head: a work log is signed by the customer manager's head (由负责人签阅)",
            actor.name
        )));
    }
    if actor.manager.as_deref() == Some(manager) {
        return Err(Error::Forbidden(format!(
            "{manager} cannot sign their own work log / 不能签阅本人的工作日志"
        )));
    }
    if signature.comment.trim().is_empty() {
        return Err(Error::invalid("a signature carries a comment (签阅意见)"));
    }
    store.set_actor(actor.name.clone());
    let at = local_now(store);
    let org = actor.org.clone();
    store.write(&org, |s| {
        let row = stored(s, actor, Register::WorkLogs, manager, &date.to_string())?;
        if let Some(by) = row.row.text("signed_by") {
            let when = match row.row.get("signed_at") {
                Value::DateTime(t) => t.format("%Y-%m-%d %H:%M").to_string(),
                _ => String::new(),
            };
            return Err(Error::said(
                crate::error::Kind::Conflict,
                "log-signed",
                &[
                    ("manager", manager.to_owned()),
                    ("date", date.to_string()),
                    ("by", by.to_string()),
                    ("at", when.clone()),
                ],
                format!("the log of {manager} for {date} was already signed by {by} at {when}"),
            ));
        }
        let mut fields = row.row.fields.clone();
        let signer = actor.manager.clone().unwrap_or_else(|| actor.name.clone());
        fields.insert("signed_by".into(), Value::Text(signer));
        fields.insert("signed_at".into(), Value::DateTime(at));
        fields.insert(
            "comment".into(),
            Value::Text(signature.comment.trim().to_owned()),
        );
        if !signature.plan_next.trim().is_empty() {
            fields.insert(
                "plan_next".into(),
                Value::Text(signature.plan_next.trim().to_owned()),
            );
        }
        s.update_register_row(&org, &row, &fields, "sign")?;
        Ok::<_, Error>(())
    })
}

/// The breaches of the policy's daily rules in `period` among the managers the actor sees, as
/// of now (a past period: as of its end).
pub fn breaches(
    store: &mut Store,
    actor: &Actor,
    policy: &Policy,
    period: Period,
) -> Result<Vec<Breach>> {
    actor.require(Action::ViewDaily)?;
    if policy.daily.is_none() {
        return Err(Error::invalid(format!(
            "{}: the policy has no [daily] rules",
            policy.file
        )));
    }
    let now = local_now(store).min(end_of(period));
    let data = store.read(|s| {
        // A week that starts in the period ends up to six days after it.
        let last = period.last_day() + chrono::Days::new(6);
        let scope: Option<Vec<String>> = actor.scope.as_ref().map(|s| s.iter().cloned().collect());
        let mut d = s.load_daily_dataset(&actor.org, period.first_day(), last, scope.as_deref())?;
        if kejing_engine::daily::reads_ledger(policy) {
            d.ownership = s.ownership_of_clients(&actor.org, &clients_named(&d.registers))?;
        }
        Ok::<_, kejing_store::StoreError>(d)
    })?;
    breaches_in(policy, &data, period, now, actor)
}

/// Every text the rows hold: the client ids `owns(…)` and `owned(…)` can be asked about. Their
/// ownership is read whoever owns them, so a head's view flags a visit to a client of another
/// branch as the office's view does (not only of the managers the viewer sees).
fn clients_named<'a>(
    rows: impl IntoIterator<Item = &'a RegisterRow>,
) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for r in rows {
        for v in r.fields.values() {
            if let Value::Text(t) = v {
                out.insert(t.clone());
            }
        }
    }
    out
}

fn breaches_in(
    policy: &Policy,
    data: &DataSet,
    period: Period,
    now: NaiveDateTime,
    actor: &Actor,
) -> Result<Vec<Breach>> {
    let all =
        engine_breaches(policy, data, period, now).map_err(|e| Error::invalid(e.to_string()))?;
    Ok(all.into_iter().filter(|b| actor.sees(&b.manager)).collect())
}

/// One customer manager's line on the head's view of a day.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagerDay {
    pub manager: String,
    pub name: String,
    /// The briefing status (`present`, `absent`, `leave`) if recorded.
    pub briefing: Option<String>,
    /// Outings of the day: (outing id, client, purpose, left, expected back, returned).
    pub outings: Vec<StoredRow>,
    pub visits: usize,
    pub log: Option<StoredRow>,
    /// Today's breaches so far (an outing overdue from the moment the deadline passes).
    pub breaches: Vec<Breach>,
    /// New clients this week (prospects converted since Monday).
    pub week_new_clients: usize,
    /// The weekly goal of new clients, if a rule of the policy counts them.
    pub week_goal: Option<String>,
}

/// The head's view of a day (the team's day): who is out, who is overdue, whose log is not
/// signed, attendance and the week's new clients, for every customer manager the actor sees.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamDay {
    pub day: NaiveDate,
    pub now: NaiveDateTime,
    pub managers: Vec<ManagerDay>,
    /// Logs of earlier days still waiting for the head's signature.
    pub unsigned: Vec<StoredRow>,
}

/// The team's day for `day` (today: as of now).
pub fn team_day(
    store: &mut Store,
    actor: &Actor,
    policy: Option<&Policy>,
    day: NaiveDate,
) -> Result<TeamDay> {
    actor.require(Action::ViewDaily)?;
    let now_clock = local_now(store);
    let now = if day < now_clock.date() {
        day.and_hms_opt(23, 59, 59).unwrap_or(now_clock)
    } else {
        now_clock
    };
    let monday = day
        - chrono::Days::new(u64::from(
            chrono::Datelike::weekday(&day).num_days_from_monday(),
        ));
    // What the day needs, of the managers the actor sees only: the day's rows (for the rules
    // and the table), the prospects of the last weeks (converted this week), the logs of the
    // last two weeks (waiting for a signature).
    let scope: Option<Vec<String>> = actor.scope.as_ref().map(|s| s.iter().cloned().collect());
    let scope = scope.as_deref();
    let (managers_all, calendar, day_rows, prospects, logs) = store.read(|s| {
        let mut managers = s.load_managers(&actor.org)?;
        s.mark_non_cm(&actor.org, &mut managers)?;
        Ok::<_, Error>((
            managers,
            s.calendar_days(&actor.org)?,
            s.register_rows_of(&actor.org, None, Some((day, day)), scope, &[])?,
            s.register_rows_of(
                &actor.org,
                Some(Register::Prospects),
                Some((day - chrono::Days::new(90), day)),
                scope,
                &[("stage", Some("client"))],
            )?,
            s.register_rows_of(
                &actor.org,
                Some(Register::WorkLogs),
                Some((day - chrono::Days::new(14), day)),
                scope,
                &[("signed_by", None)],
            )?,
        ))
    })?;
    let ownership = match policy {
        Some(p) if kejing_engine::daily::reads_ledger(p) => {
            let named = clients_named(day_rows.iter().map(|r| &r.row));
            store.read(|s| s.ownership_of_clients(&actor.org, &named))?
        }
        _ => Vec::new(),
    };
    let data = DataSet {
        ownership,
        managers: managers_all
            .into_iter()
            .filter(|m| actor.sees(&m.id))
            .collect(),
        registers: day_rows.iter().map(|r| r.row.clone()).collect(),
        calendar,
        ..DataSet::default()
    };
    let breaches = match policy.filter(|p| p.daily.is_some()) {
        Some(p) => kejing_engine::daily::breaches_between(p, &data, day, day, now)
            .map_err(|e| Error::invalid(e.to_string()))?
            .into_iter()
            .filter(|b| b.date == day && actor.sees(&b.manager))
            .collect(),
        None => Vec::new(),
    };
    // The weekly goal of new clients: the first count of converted prospects that applies.
    let goal_of = |m: &kejing_engine::data::Manager| -> Option<String> {
        let p = policy?;
        p.daily.as_ref()?.rules.iter().find_map(|r| match &r.kind {
            kejing_engine::policy::DailyRuleKind::Count {
                from: Register::Prospects,
                date,
                at_least: Some(n),
                ..
            } if date == "converted_on" && kejing_engine::daily::rule_applies(p, r, m) => {
                Some(n.normalize().to_string())
            }
            _ => None,
        })
    };
    // Each manager's rows, breaches and new clients, grouped once.
    let mut rows_of: std::collections::HashMap<&str, Vec<&StoredRow>> =
        std::collections::HashMap::new();
    for r in &day_rows {
        rows_of.entry(r.row.manager.as_str()).or_default().push(r);
    }
    let mut breaches_of: std::collections::HashMap<&str, Vec<Breach>> =
        std::collections::HashMap::new();
    for b in &breaches {
        breaches_of
            .entry(b.manager.as_str())
            .or_default()
            .push(b.clone());
    }
    let mut new_clients: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in &prospects {
        if r.row.text("stage") == Some("client")
            && r.row
                .day_of("converted_on")
                .is_some_and(|d| monday <= d && d <= day)
        {
            *new_clients.entry(r.row.manager.as_str()).or_default() += 1;
        }
    }
    let none: Vec<&StoredRow> = Vec::new();
    let mut managers = Vec::new();
    for m in &data.managers {
        if !actor.sees(&m.id) || m.non_cm || !m.in_post(day, day) {
            continue;
        }
        let mine = rows_of.get(m.id.as_str()).unwrap_or(&none);
        let on_day = |reg: Register| {
            mine.iter()
                .filter(move |r| r.row.register == reg && r.row.day() == Some(day))
        };
        managers.push(ManagerDay {
            manager: m.id.clone(),
            name: m.name.clone(),
            briefing: on_day(Register::Briefings)
                .next()
                .and_then(|r| r.row.text("status").map(str::to_owned)),
            outings: on_day(Register::Outings).map(|r| (*r).clone()).collect(),
            visits: on_day(Register::Visits).count(),
            log: on_day(Register::WorkLogs).next().map(|r| (*r).clone()),
            breaches: breaches_of.remove(m.id.as_str()).unwrap_or_default(),
            week_new_clients: new_clients.get(m.id.as_str()).copied().unwrap_or(0),
            week_goal: goal_of(m),
        });
    }
    let unsigned = logs
        .iter()
        .filter(|r| {
            r.row.text("signed_by").is_none()
                && actor.sees(&r.row.manager)
                && r.row.day().is_some_and(|d| d <= day)
        })
        .cloned()
        .collect();
    Ok(TeamDay {
        day,
        now,
        managers,
        unsigned,
    })
}

/// A customer manager's own day: their rows of the day and what is still due.
#[derive(Debug, Clone, PartialEq)]
pub struct MyDay {
    pub manager: String,
    pub day: NaiveDate,
    pub rows: Vec<StoredRow>,
    /// Outings not back yet.
    pub out: Vec<StoredRow>,
    /// Whether today's log is written.
    pub log_written: bool,
    /// Breaches of the month so far (the inbox).
    pub breaches: Vec<Breach>,
    pub week_new_clients: usize,
    pub week_goal: Option<String>,
    /// The pipeline (E6): prospects of the last 90 days not yet clients, newest first.
    pub pipeline: Vec<StoredRow>,
}

/// The actor's own day (a customer manager), or `manager`'s for a head.
pub fn my_day(
    store: &mut Store,
    actor: &Actor,
    policy: Option<&Policy>,
    manager: &str,
    day: NaiveDate,
) -> Result<MyDay> {
    actor.require_manager(manager)?;
    // The one manager's day: the same reads as the team's, narrowed to them.
    let one = Actor {
        scope: Some(std::sync::Arc::new([manager.to_owned()].into())),
        ..actor.clone()
    };
    let actor = &one;
    let team = team_day(store, actor, policy, day)?;
    let mine = team.managers.into_iter().find(|m| m.manager == manager);
    let only = [manager.to_owned()];
    let rows =
        store.read(|s| s.register_rows_of(&actor.org, None, Some((day, day)), Some(&only), &[]))?;
    let rows: Vec<StoredRow> = rows
        .into_iter()
        .filter(|r| r.row.manager == manager)
        .collect();
    let out = rows
        .iter()
        .filter(|r| r.row.register == Register::Outings && r.row.get("returned_at") == Value::Null)
        .cloned()
        .collect();
    let month = match policy.filter(|p| p.daily.is_some()) {
        Some(p) => breaches(store, actor, p, Period::month_of(day))?
            .into_iter()
            .filter(|b| b.manager == manager)
            .collect(),
        None => Vec::new(),
    };
    let mut pipeline: Vec<StoredRow> = store
        .read(|s| {
            s.register_rows_of(
                &actor.org,
                Some(Register::Prospects),
                Some((day - chrono::Days::new(90), day)),
                Some(&only),
                &[],
            )
        })?
        .into_iter()
        .filter(|r| r.row.text("stage") != Some("client"))
        .collect();
    pipeline.reverse();
    Ok(MyDay {
        pipeline,
        manager: manager.to_owned(),
        day,
        log_written: rows.iter().any(|r| r.row.register == Register::WorkLogs),
        rows,
        out,
        breaches: month,
        week_new_clients: mine.as_ref().map_or(0, |m| m.week_new_clients),
        week_goal: mine.and_then(|m| m.week_goal),
    })
}

/// A register's rows of `first..=last` among the managers the actor sees (the credit register,
/// the meetings, the retail visits of a month), oldest first.
pub fn register_rows(
    store: &mut Store,
    actor: &Actor,
    register: Register,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<StoredRow>> {
    actor.require(Action::ViewDaily)?;
    let scope: Option<Vec<String>> = actor.scope.as_ref().map(|s| s.iter().cloned().collect());
    Ok(store.read(|s| {
        s.register_rows_of(
            &actor.org,
            Some(register),
            Some((first, last)),
            scope.as_deref(),
            &[],
        )
    })?)
}
