//! `[daily]`: the organisation's daily-management rules (E1–E7, B5) over the registers, each
//! breach under the name the policy gives it.
//!
//! ```toml
//! [daily]
//! working_days = ["mon", "tue", "wed", "thu", "fri"]
//!
//! [[daily.rules]]                 # a row that breaks the rule
//! name = "外出逾时未归"
//! from = "outings"
//! breach = "not duty and (is_empty(returned_at) or returned_at > at(day_of(left_at), \"17:00\"))"
//!
//! [[daily.rules]]                 # a row that must exist
//! name = "未写工作日志"
//! expect = "work_logs"
//! each = "working_day"
//! unless_from = "briefings"
//! unless = "status == \"leave\""
//!
//! [[daily.rules]]                 # a row that must have a matching row in another register
//! name = "外出未写走访记录"
//! from = "outings"
//! needs = "visits"
//! on = "outing_id"
//!
//! [[daily.rules]]                 # a count per week or month
//! name = "周新增客户不足"
//! from = "prospects"
//! date = "converted_on"
//! where = "stage == \"client\""
//! each = "week"
//! at_least = 2
//! ```

use super::loader::Loader;
use super::names::{function_known, function_list};
use super::people::DEFAULT_PAYS;
use crate::expr::Expr;
use crate::registers::{FieldKind, Register};
use chrono::Weekday;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

/// Functions a register-row expression may use besides the built-ins.
pub const DAILY_FUNCTIONS: &[(&str, usize, &str)] = &[
    (
        "workday",
        2,
        "workday(date, n): the n-th working day after the date by the organisation's calendar (n = 0: the date itself or the next working day)",
    ),
    (
        "is_working_day",
        1,
        "is_working_day(date): whether the calendar makes the date a working day",
    ),
    (
        "owns",
        1,
        "owns(client_id): whether the row's manager owns the client (client level, any share) on the row's day by the ledger",
    ),
    (
        "owned",
        1,
        "owned(client_id): whether anyone owns the client on the row's day by the ledger",
    ),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDaily {
    working_days: Option<Vec<String>>,
    among: Option<Spanned<String>>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    #[serde(default)]
    rules: Vec<Spanned<RawDailyRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDailyRule {
    name: String,
    en: Option<String>,
    from: Option<String>,
    expect: Option<String>,
    breach: Option<Spanned<String>>,
    #[serde(rename = "where")]
    filter: Option<Spanned<String>>,
    needs: Option<String>,
    on: Option<String>,
    each: Option<String>,
    at_least: Option<Spanned<String>>,
    at_most: Option<Spanned<String>>,
    sum: Option<Spanned<String>>,
    date: Option<String>,
    unless_from: Option<String>,
    unless: Option<Spanned<String>>,
    among: Option<Spanned<String>>,
    #[serde(default)]
    detail: Vec<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
}

/// The policy's daily-management rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Daily {
    /// The working weekdays before the calendar table's exceptions (default Monday–Friday).
    pub weekdays: Vec<Weekday>,
    /// Who the rules apply to (default: customer managers, `manager.is_cm`).
    pub among: Expr,
    pub reference: Option<String>,
    pub rules: Vec<DailyRule>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DailyRule {
    /// The policy's name for a breach: the `rule` column of `kejing daily`.
    pub name: String,
    pub en: Option<String>,
    /// Who this rule applies to, besides `[daily] among`.
    pub among: Option<Expr>,
    pub kind: DailyRuleKind,
    /// Fields of the row shown in the breach's detail.
    pub detail: Vec<String>,
    pub reference: Option<String>,
    pub line: usize,
}

/// The span a rule counts or expects rows in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Each {
    WorkingDay,
    /// Monday to Sunday; a week belongs to the period its Monday falls in.
    Week,
    Month,
}

impl Each {
    fn parse(s: &str) -> Option<Each> {
        match s {
            "working_day" => Some(Each::WorkingDay),
            "week" => Some(Each::Week),
            "month" => Some(Each::Month),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum DailyRuleKind {
    /// Each row of `from` (passing `filter`) for which `breach` holds is a breach.
    Row {
        from: Register,
        date: String,
        filter: Option<Expr>,
        breach: Expr,
    },
    /// Each working day, week or month every manager needs a row of `register` (passing
    /// `filter`); a row of `unless.0` on the same day for which `unless.1` holds excuses it.
    Expect {
        register: Register,
        date: String,
        each: Each,
        filter: Option<Expr>,
        unless: Option<(Register, Expr)>,
    },
    /// Each row of `from` (passing `filter`) needs a row of `needs` of the same manager with the
    /// same value of `on`.
    Linked {
        from: Register,
        date: String,
        filter: Option<Expr>,
        needs: Register,
        on: String,
    },
    /// Per week or month, the count (or `sum`) of the rows of `from` passing `filter` is at least
    /// / at most the bound.
    Count {
        from: Register,
        date: String,
        each: Each,
        filter: Option<Expr>,
        sum: Option<Expr>,
        at_least: Option<Decimal>,
        at_most: Option<Decimal>,
    },
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    Some(match s.trim().to_lowercase().as_str() {
        "mon" | "monday" | "周一" => Weekday::Mon,
        "tue" | "tuesday" | "周二" => Weekday::Tue,
        "wed" | "wednesday" | "周三" => Weekday::Wed,
        "thu" | "thursday" | "周四" => Weekday::Thu,
        "fri" | "friday" | "周五" => Weekday::Fri,
        "sat" | "saturday" | "周六" => Weekday::Sat,
        "sun" | "sunday" | "周日" => Weekday::Sun,
        _ => return None,
    })
}

/// Checks a register-row expression: its names are the register's fields, `client.<column>`,
/// `manager.<column>` and `now`; its functions the built-ins and the daily ones.
fn check_row_expr(l: &mut Loader<'_>, o: usize, what: &str, register: Register, e: &Expr) {
    let names = register.names();
    for path in e.names() {
        let ok = match (path[0].as_str(), path.len()) {
            ("now", 1) => true,
            (f, 1) => names.iter().any(|n| n == f),
            ("client" | "manager", 2) => true,
            _ => false,
        };
        if !ok {
            l.err(
                o,
                format!(
                    "{what}: unknown name {} for a row of {}; the row has {}, client.<column>, manager.<column> and now",
                    path.join("."),
                    register.name(),
                    names.join(", ")
                ),
            );
        }
    }
    for (f, n) in e.calls() {
        if !function_known(&f, n, DAILY_FUNCTIONS) {
            l.err(
                o,
                format!(
                    "{what}: unknown function {f} (or wrong number of arguments); a row expression may use {}",
                    function_list(DAILY_FUNCTIONS)
                ),
            );
        }
    }
}

fn find_register(l: &mut Loader<'_>, o: usize, what: &str, name: &str) -> Option<Register> {
    Register::parse(name).or_else(|| {
        let all: Vec<&str> = Register::ALL.iter().map(|r| r.name()).collect();
        l.err(
            o,
            format!(
                "{what}: unknown register {name:?}; the registers are {}",
                all.join(", ")
            ),
        );
        None
    })
}

/// A date field of the register (`date = "converted_on"`), default its day field.
fn date_field(
    l: &mut Loader<'_>,
    o: usize,
    what: &str,
    reg: Register,
    date: &Option<String>,
) -> Option<String> {
    let Some(d) = date else {
        return Some(reg.day_field().to_owned());
    };
    let ok = reg
        .field(d)
        .is_some_and(|f| matches!(f.kind, FieldKind::Date | FieldKind::Stamp))
        || reg.names().iter().any(|n| n == d && n.ends_with("_end"));
    if ok {
        Some(d.clone())
    } else {
        l.err(
            o,
            format!(
                "{what}: date = {d:?} is not a date or time-stamp field of {}",
                reg.name()
            ),
        );
        None
    }
}

fn bound(l: &mut Loader<'_>, what: &str, s: &Option<Spanned<String>>) -> Option<Option<Decimal>> {
    match s {
        None => Some(None),
        Some(s) => l.decimal(s.span().start, what, s.get_ref()).map(Some),
    }
}

pub(super) fn load_daily(l: &mut Loader<'_>, raw: &Spanned<RawDaily>) -> Option<Daily> {
    let o = raw.span().start;
    let d = raw.get_ref();
    let mut ok = true;
    let weekdays = match &d.working_days {
        None => vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        Some(days) => {
            let mut out = Vec::new();
            for s in days {
                match parse_weekday(s) {
                    Some(w) if !out.contains(&w) => out.push(w),
                    Some(_) => {}
                    None => {
                        l.err(o, format!("daily: working_days: {s:?} is not a weekday; write mon, tue, wed, thu, fri, sat or sun"));
                        ok = false;
                    }
                }
            }
            out
        }
    };
    let among = match &d.among {
        Some(a) => l.expr(a, "daily among"),
        None => Expr::parse(DEFAULT_PAYS).ok(),
    };
    let mut rules = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for raw_rule in &d.rules {
        let ro = raw_rule.span().start;
        let r = raw_rule.get_ref();
        let what = format!("daily rule {}", r.name);
        if r.name.trim().is_empty() {
            l.err(
                ro,
                "daily rule: name is the breach's name, e.g. name = \"未写工作日志\"",
            );
            ok = false;
            continue;
        }
        if !names.insert(r.name.clone()) {
            l.err(ro, format!("{what}: a second rule of the same name"));
            ok = false;
        }
        match load_rule(l, ro, &what, r) {
            Some(rule) => rules.push(rule),
            None => ok = false,
        }
    }
    let among = among?;
    ok.then(|| Daily {
        weekdays,
        among,
        reference: d.reference.clone(),
        rules,
        line: l.line(o),
    })
}

fn load_rule(l: &mut Loader<'_>, o: usize, what: &str, r: &RawDailyRule) -> Option<DailyRule> {
    let expr = |l: &mut Loader<'_>, s: &Option<Spanned<String>>, part: &str, reg: Register| match s
    {
        None => Some(None),
        Some(s) => {
            let e = l.expr(s, &format!("{what} {part}"))?;
            check_row_expr(l, s.span().start, &format!("{what} {part}"), reg, &e);
            Some(Some(e))
        }
    };
    let each = match r.each.as_deref() {
        None => None,
        Some(s) => Some(Each::parse(s).or_else(|| {
            l.err(
                o,
                format!("{what}: each = {s:?}; write working_day, week or month"),
            );
            None
        })?),
    };
    let kind = match (&r.from, &r.expect) {
        (Some(_), Some(_)) => {
            l.err(o, format!("{what}: give from (rows that break the rule) or expect (rows that must exist), not both"));
            return None;
        }
        (None, Some(e)) => {
            let register = find_register(l, o, what, e)?;
            let date = date_field(l, o, what, register, &r.date)?;
            let filter = expr(l, &r.filter, "where", register)?;
            let unless = match (&r.unless_from, &r.unless) {
                (Some(u), Some(_)) => {
                    let ureg = find_register(l, o, what, u)?;
                    Some((ureg, expr(l, &r.unless, "unless", ureg)??))
                }
                (None, None) => None,
                _ => {
                    l.err(o, format!("{what}: unless_from names the register and unless the condition; give both"));
                    return None;
                }
            };
            DailyRuleKind::Expect {
                register,
                date,
                each: each.unwrap_or(Each::WorkingDay),
                filter,
                unless,
            }
        }
        (Some(f), None) => {
            let from = find_register(l, o, what, f)?;
            let date = date_field(l, o, what, from, &r.date)?;
            let filter = expr(l, &r.filter, "where", from)?;
            let counted = r.at_least.is_some() || r.at_most.is_some();
            match (&r.breach, &r.needs, counted) {
                (Some(_), None, false) => DailyRuleKind::Row {
                    from,
                    date,
                    filter,
                    breach: expr(l, &r.breach, "breach", from)??,
                },
                (None, Some(n), false) => {
                    let needs = find_register(l, o, what, n)?;
                    let on = r.on.clone().unwrap_or_else(|| from.key().to_owned());
                    if !from.names().contains(&on) || !needs.names().contains(&on) {
                        l.err(
                            o,
                            format!(
                                "{what}: on = {on:?} must be a field of both {} and {}",
                                from.name(),
                                needs.name()
                            ),
                        );
                        return None;
                    }
                    DailyRuleKind::Linked {
                        from,
                        date,
                        filter,
                        needs,
                        on,
                    }
                }
                (None, None, true) => {
                    let Some(each) = each.filter(|e| *e != Each::WorkingDay) else {
                        l.err(o, format!("{what}: a count is per week or per month: each = \"week\" or \"month\""));
                        return None;
                    };
                    DailyRuleKind::Count {
                        from,
                        date,
                        each,
                        filter,
                        sum: expr(l, &r.sum, "sum", from)?,
                        at_least: bound(l, &format!("{what} at_least"), &r.at_least)?,
                        at_most: bound(l, &format!("{what} at_most"), &r.at_most)?,
                    }
                }
                _ => {
                    l.err(o, format!("{what}: with from, give exactly one of breach = \"condition\", needs = \"register\" (with on), or at_least / at_most (with each)"));
                    return None;
                }
            }
        }
        (None, None) => {
            l.err(o, format!("{what}: say which register it reads: from = \"outings\" (rows that break it) or expect = \"work_logs\" (rows that must exist)"));
            return None;
        }
    };
    let read = match &kind {
        DailyRuleKind::Row { from, .. }
        | DailyRuleKind::Linked { from, .. }
        | DailyRuleKind::Count { from, .. } => *from,
        DailyRuleKind::Expect { register, .. } => *register,
    };
    let names = read.names();
    for d in &r.detail {
        if !names.contains(d) {
            l.err(
                o,
                format!("{what}: detail {d:?} is not a field of {}", read.name()),
            );
            return None;
        }
    }
    let among = match &r.among {
        Some(a) => Some(l.expr(a, &format!("{what} among"))?),
        None => None,
    };
    Some(DailyRule {
        name: r.name.trim().to_owned(),
        en: r.en.clone(),
        among,
        kind,
        detail: r.detail.clone(),
        reference: r.reference.clone(),
        line: l.line(o),
    })
}
