//! Loading a policy from its TOML text: every section read and checked, every error with its line.

use super::assessment_load::load_assessment;
use super::loader::Loader;
use super::names::check_row_names;
use super::parameters::check_dates;
use super::people::load_people;
use super::raw::RawPolicy;
use super::reconciliation::load_reconciliation;
use super::tiers::{check_tiers, tier_row};
use super::{
    ACCOUNT_FIELDS, Case, Dated, Frequency, Item, ItemKind, Lookup, MANAGER_FIELDS, Measure,
    MeasureKind, Parameter, Policy, PolicyError, Rounding, Series, Source, TierTable, Ties, Value,
    Window,
};
use crate::expr::Expr;
use crate::period::Period;
use std::collections::{BTreeMap, BTreeSet};

impl Policy {
    /// Loads a policy from its text; `file` names it in errors. Returns every error found.
    pub fn load(file: &str, text: &str) -> Result<Policy, Vec<PolicyError>> {
        let raw: RawPolicy = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            });
            let mut message = e.message().to_owned();
            if message.contains("floating point") || message.contains("integer") {
                message.push_str("; write decimals and amounts as strings, e.g. value = \"0.015\"");
            }
            vec![PolicyError {
                file: file.to_owned(),
                line,
                message,
            }]
        })?;
        let mut l = Loader {
            file,
            text,
            errors: Vec::new(),
        };
        let frequency = Frequency::parse(raw.policy.frequency.get_ref()).unwrap_or_else(|| {
            l.err(
                raw.policy.frequency.span().start,
                "frequency is monthly, quarterly, half_yearly or annual",
            );
            Frequency::Monthly
        });
        let rounding = match &raw.policy.rounding {
            None => Rounding::FEN,
            Some(r) => Rounding::parse(r.get_ref()).unwrap_or_else(|| {
                l.err(
                    r.span().start,
                    "rounding is a mode and a step, e.g. \"half_up 0.01\" (modes: half_up 四舍五入, half_even, down, up)",
                );
                Rounding::FEN
            }),
        };

        let mut parameters = BTreeMap::new();
        for (name, p) in &raw.parameters {
            let at = p.span().start;
            let bound = |l: &mut Loader<'_>, b: &Option<String>, what: &str| {
                b.as_ref()
                    .and_then(|s| l.decimal(at, &format!("parameter {name} {what}"), s))
            };
            let (min, max) = (
                bound(&mut l, &p.get_ref().min, "min"),
                bound(&mut l, &p.get_ref().max, "max"),
            );
            if let (Some(lo), Some(hi)) = (min, max)
                && lo > hi
            {
                l.err(at, format!("parameter {name}: min {lo} is above max {hi}"));
            }
            let mut param = Parameter {
                name: name.clone(),
                label: p.get_ref().label.clone(),
                series: Series {
                    versions: Vec::new(),
                },
                min,
                max,
            };
            for v in &p.get_ref().values {
                let o = v.span().start;
                let (from, value) = (
                    l.date(o, &format!("parameter {name}"), &v.get_ref().from),
                    l.decimal(o, &format!("parameter {name}"), &v.get_ref().value),
                );
                if let (Some(from), Some(value)) = (from, value) {
                    // A value outside what the source allows is an error where it is written.
                    if let Some(problem) = param.out_of_bounds(value) {
                        l.err(o, format!("{problem}; correct the value"));
                    }
                    param.series.versions.push(Dated {
                        from,
                        value,
                        reference: v.get_ref().reference.clone(),
                        line: l.line(o),
                    });
                }
            }
            check_dates(
                &mut l,
                at,
                &format!("parameter {name}"),
                &param.series.versions,
            );
            parameters.insert(name.clone(), param);
        }

        let mut tiers = BTreeMap::new();
        for (name, t) in &raw.tiers {
            let mut versions = Vec::new();
            for v in &t.get_ref().versions {
                let o = v.span().start;
                let Some(from) = l.date(o, &format!("tiers {name}"), &v.get_ref().from) else {
                    continue;
                };
                let mut rows = Vec::new();
                for r in &v.get_ref().rows {
                    if let Some(tier) = tier_row(&mut l, name, r) {
                        rows.push(tier);
                    }
                }
                check_tiers(&mut l, o, name, &rows);
                versions.push(Dated {
                    from,
                    value: rows,
                    reference: v.get_ref().reference.clone(),
                    line: l.line(o),
                });
            }
            check_dates(&mut l, t.span().start, &format!("tiers {name}"), &versions);
            tiers.insert(
                name.clone(),
                TierTable {
                    name: name.clone(),
                    label: t.get_ref().label.clone(),
                    series: Series { versions },
                },
            );
        }

        let mut lookups = BTreeMap::new();
        for (name, t) in &raw.lookups {
            let r = t.get_ref();
            let default = match &r.default {
                Some(d) => l.decimal(t.span().start, &format!("lookups {name} default"), d),
                None => None,
            };
            let mut versions = Vec::new();
            for v in &r.versions {
                let o = v.span().start;
                let Some(from) = l.date(o, &format!("lookups {name}"), &v.get_ref().from) else {
                    continue;
                };
                let mut values = BTreeMap::new();
                for (k, val) in &v.get_ref().values {
                    if let Some(d) = l.decimal(o, &format!("lookups {name} {k}"), val) {
                        values.insert(k.clone(), d);
                    }
                }
                versions.push(Dated {
                    from,
                    value: values,
                    reference: v.get_ref().reference.clone(),
                    line: l.line(o),
                });
            }
            check_dates(
                &mut l,
                t.span().start,
                &format!("lookups {name}"),
                &versions,
            );
            lookups.insert(
                name.clone(),
                Lookup {
                    name: name.clone(),
                    label: r.label.clone(),
                    series: Series { versions },
                    default,
                },
            );
        }

        let mut measures = BTreeMap::new();
        for (name, m) in &raw.measures {
            let o = m.span().start;
            let r = m.get_ref();
            let kind = if let Some(target) = &r.target {
                let default = match &r.default {
                    Some(d) => l.decimal(o, &format!("measure {name} default"), d),
                    None => None,
                };
                Some(MeasureKind::Target {
                    measure: target.clone(),
                    default,
                    against: r.against.clone(),
                })
            } else if r.from.as_deref() == Some("balances") {
                let weight = match &r.weight {
                    Some(w) => l.expr(w, &format!("measure {name} weight")).map(Some),
                    None => Some(None),
                };
                let filter = match &r.filter {
                    Some(f) => l.expr(f, &format!("measure {name} where")).map(Some),
                    None => Some(None),
                };
                let daily_average = match r.average.as_deref() {
                    Some("daily") => Some(true),
                    Some("none") => Some(false),
                    _ => {
                        l.err(o, format!("measure {name}: a balances measure says average = \"daily\" (daily average over the period) or \"none\" (sum of daily balances)"));
                        None
                    }
                };
                if r.sum.is_some() || r.count.is_some() || r.window.is_some() {
                    l.err(o, format!("measure {name}: a balances measure takes weight, where and average (not sum, count or window)"));
                }
                for e in weight.iter().flatten().chain(filter.iter().flatten()) {
                    for path in e.names() {
                        let ok = match (path[0].as_str(), path.len()) {
                            (f, 1) => {
                                ACCOUNT_FIELDS.contains(&f)
                                    || raw.parameters.contains_key(f)
                                    || raw.lookups.contains_key(f)
                            }
                            ("client", 2) => true,
                            _ => false,
                        };
                        if !ok {
                            l.err(o, format!("measure {name}: unknown name {} for an account; an account has {}, client.<column> and the policy's parameters", path.join("."), ACCOUNT_FIELDS.join(", ")));
                        }
                    }
                }
                match (weight, filter, daily_average) {
                    (Some(weight), Some(filter), Some(daily_average)) => {
                        Some(MeasureKind::Balances {
                            weight,
                            filter,
                            daily_average,
                        })
                    }
                    _ => None,
                }
            } else {
                match r.from.as_deref().map(|f| (f, Source::parse(f))) {
                    None => {
                        l.err(o, format!("measure {name}: say where it comes from: from = \"payments\" (sales, payments, bookings) with sum = \"…\" or count = true, or target = \"…\""));
                        None
                    }
                    Some((f, None)) => {
                        l.err(o, format!("measure {name}: unknown table {f:?}; use sales, payments, bookings, balances or a register ({})", crate::registers::Register::ALL.iter().map(|r| r.name()).collect::<Vec<_>>().join(", ")));
                        None
                    }
                    Some((_, Some(source))) => {
                        let sum = match (&r.sum, r.count) {
                            (Some(s), None | Some(false)) => {
                                l.expr(s, &format!("measure {name} sum")).map(Some)
                            }
                            (None, Some(true)) => Some(None),
                            _ => {
                                l.err(o, format!("measure {name}: give either sum = \"column or expression\" or count = true"));
                                None
                            }
                        };
                        let filter = match &r.filter {
                            Some(f) => l.expr(f, &format!("measure {name} where")).map(Some),
                            None => Some(None),
                        };
                        let window = match r.window.as_deref() {
                            None => Some(Window::Period),
                            Some(w) => Window::parse(w).or_else(|| {
                                l.err(o, format!("measure {name}: unknown window {w:?}; use period, to_date or since_hire_days:N"));
                                None
                            }),
                        };
                        match (sum, filter, window) {
                            (Some(sum), Some(filter), Some(window)) => {
                                for e in sum.iter().chain(filter.iter()) {
                                    check_row_names(&mut l, o, name, source, e);
                                }
                                Some(MeasureKind::Sum {
                                    source,
                                    sum,
                                    filter,
                                    window,
                                })
                            }
                            _ => None,
                        }
                    }
                }
            };
            if let Some(kind) = kind {
                measures.insert(
                    name.clone(),
                    Measure {
                        name: name.clone(),
                        label: r.label.clone(),
                        kind,
                        line: l.line(o),
                    },
                );
            }
        }

        let mut values = BTreeMap::new();
        for (name, v) in &raw.values {
            if let Some(expr) = l.expr(v, &format!("value {name}")) {
                values.insert(
                    name.clone(),
                    Value {
                        name: name.clone(),
                        expr,
                        line: l.line(v.span().start),
                    },
                );
            }
        }

        // Names must be unique across measures, values and parameters.
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        let mut clashes = Vec::new();
        for (kind, names) in [
            ("parameter", parameters.keys().collect::<Vec<_>>()),
            ("measure", measures.keys().collect()),
            ("value", values.keys().collect()),
        ] {
            for n in names {
                if let Some(other) = seen.insert(n.as_str(), kind) {
                    clashes.push(format!("{n} is both a {other} and a {kind}; rename one"));
                }
                if MANAGER_FIELDS.contains(&n.as_str())
                    || ["manager", "period", "client"].contains(&n.as_str())
                {
                    clashes.push(format!("{n} is a reserved name; rename the {kind}"));
                }
            }
        }
        for c in clashes {
            l.err(0, c);
        }

        let mut items = Vec::new();
        let mut item_names = BTreeSet::new();
        for it in &raw.items {
            let o = it.span().start;
            let r = it.get_ref();
            if !item_names.insert(r.name.clone()) || r.name == "total" {
                l.err(
                    o,
                    format!(
                        "item {:?} is given twice (or is named total); item names must be unique",
                        r.name
                    ),
                );
            }
            let pay = match r.pay.as_deref() {
                None => Some(frequency),
                Some(p) => Frequency::parse(p).or_else(|| {
                    l.err(
                        o,
                        format!(
                            "item {}: pay is monthly, quarterly, half_yearly or annual",
                            r.name
                        ),
                    );
                    None
                }),
            };
            let given = [
                r.amount.is_some(),
                r.streak.is_some(),
                r.rank.is_some(),
                r.adjustments == Some(true),
                r.threshold.is_some(),
            ];
            if given.iter().filter(|g| **g).count() != 1 {
                l.err(
                    o,
                    format!(
                        "item {}: give exactly one of amount, streak, rank, threshold or adjustments = true",
                        r.name
                    ),
                );
                continue;
            }
            let kind = if let Some(a) = &r.amount {
                let amount = l.expr(a, &format!("item {} amount", r.name));
                let when = match &r.when {
                    Some(w) => l.expr(w, &format!("item {} when", r.name)).map(Some),
                    None => Some(None),
                };
                match (amount, when) {
                    (Some(amount), Some(when)) => Some(ItemKind::Formula { amount, when }),
                    _ => None,
                }
            } else if let Some(s) = &r.streak {
                let when = l.expr(&s.when, &format!("item {} streak when", r.name));
                let step = l.expr(&s.step, &format!("item {} streak step", r.name));
                match (when, step) {
                    (Some(when), Some(step)) => Some(ItemKind::Streak { when, step }),
                    _ => None,
                }
            } else if let Some(k) = &r.rank {
                let by = l.expr(&k.by, &format!("item {} rank by", r.name));
                let awards: Vec<Option<Expr>> = k
                    .awards
                    .iter()
                    .map(|a| l.expr(a, &format!("item {} rank awards", r.name)))
                    .collect();
                let ties = match k.ties.as_str() {
                    "all" => Some(Ties::All),
                    "share" => Some(Ties::Share),
                    _ => {
                        l.err(o, format!("item {}: ties is \"all\" (each tied manager gets the shared place's award) or \"share\" (tied managers split the awards of their places)", r.name));
                        None
                    }
                };
                let among = match &k.among {
                    Some(a) => l.expr(a, &format!("item {} rank among", r.name)).map(Some),
                    None => Some(None),
                };
                match (
                    by,
                    awards.into_iter().collect::<Option<Vec<_>>>(),
                    ties,
                    among,
                ) {
                    (Some(by), Some(awards), Some(ties), Some(among)) => Some(ItemKind::Rank {
                        by,
                        awards,
                        ties,
                        among,
                    }),
                    _ => None,
                }
            } else if let Some(t) = &r.threshold {
                let at_least = l.expr(&t.at_least, &format!("item {} threshold at_least", r.name));
                let award = l.expr(&t.award, &format!("item {} threshold award", r.name));
                let per_client = match t.per.as_deref() {
                    None | Some("manager") => Some(false),
                    Some("client") => Some(true),
                    Some(other) => {
                        l.err(
                            o,
                            format!("item {}: per is manager or client, not {other:?}", r.name),
                        );
                        None
                    }
                };
                let new_clients_from = match &t.new_clients_from {
                    Some(d) => l
                        .date(o, &format!("item {} new_clients_from", r.name), d)
                        .map(Some),
                    None => Some(None),
                };
                match raw.measures.get(&t.measure).map(|m| m.get_ref()) {
                    None => l.err(
                        o,
                        format!(
                            "item {}: threshold measure {} is not under [measures]",
                            r.name, t.measure
                        ),
                    ),
                    Some(m) => {
                        let cumulative = m
                            .window
                            .as_deref()
                            .and_then(Window::parse)
                            .is_some_and(Window::is_cumulative);
                        if !cumulative {
                            l.err(o, format!("item {}: threshold measure {} must be cumulative: give it window = \"to_date\" or \"since_hire_days:N\"", r.name, t.measure));
                        }
                    }
                }
                let returning_after_days = match &t.returning_after_days {
                    None => Some(None),
                    Some(d) => match d.trim().parse::<u32>() {
                        Ok(n) if n > 0 => Some(Some(n)),
                        _ => {
                            l.err(o, format!("item {}: returning_after_days is a whole number of days, e.g. \"90\"", r.name));
                            None
                        }
                    },
                };
                match (
                    at_least,
                    award,
                    per_client,
                    new_clients_from,
                    returning_after_days,
                ) {
                    (
                        Some(at_least),
                        Some(award),
                        Some(per_client),
                        Some(new_clients_from),
                        Some(returning_after_days),
                    ) => Some(ItemKind::Threshold {
                        measure: t.measure.clone(),
                        at_least,
                        award,
                        per_client,
                        new_clients_from,
                        returning_after_days,
                    }),
                    _ => None,
                }
            } else {
                Some(ItemKind::Adjustments)
            };
            if r.when.is_some() && r.amount.is_none() {
                l.err(o, format!("item {}: when goes with amount", r.name));
            }
            if let (Some(kind), Some(pay)) = (kind, pay) {
                items.push(Item {
                    name: r.name.clone(),
                    label: r.label.clone(),
                    kind,
                    pay,
                    round: r.round.unwrap_or(true),
                    line: l.line(o),
                });
            }
        }

        let mut cases = Vec::new();
        for c in &raw.cases {
            let o = c.span().start;
            let r = c.get_ref();
            let period = match r.period.parse::<Period>() {
                Ok(p) => p,
                Err(e) => {
                    l.err(o, format!("case {:?}: {e}", r.name));
                    continue;
                }
            };
            cases.push(Case {
                name: r.name.clone(),
                period,
                tables: r.data.clone(),
                expect: r.expect.clone(),
                assess: r.assess.clone(),
                reconcile: r.reconcile.clone(),
                daily: r.daily.clone(),
                risk: r.risk.clone(),
                line: l.line(o),
            });
        }

        let (pays, manager_fields) =
            load_people(&mut l, raw.policy.pays.as_ref(), &raw.manager_fields);
        let reconciliation = raw
            .reconciliation
            .as_ref()
            .and_then(|r| load_reconciliation(&mut l, r, &measures, &values));
        let daily = raw
            .daily
            .as_ref()
            .and_then(|d| super::daily::load_daily(&mut l, d));
        let advice = raw
            .advice
            .as_ref()
            .and_then(|a| super::advice::load_advice(&mut l, a));
        let policy = Policy {
            advice,
            reconciliation,
            daily,
            pays: pays.unwrap_or(Expr::Lit(crate::expr::Value::Bool(true))),
            pays_line: raw.policy.pays.as_ref().map(|p| l.line(p.span().start)),
            manager_fields,
            file: file.to_owned(),
            name: raw.policy.name.clone(),
            title: raw.policy.title.clone(),
            source: raw.policy.source.clone(),
            frequency,
            rounding,
            parameters,
            tiers,
            lookups,
            measures,
            values,
            items,
            cases,
            assessment: raw
                .assessment
                .as_ref()
                .and_then(|a| load_assessment(&mut l, a)),
            report: raw
                .policy
                .report
                .as_ref()
                .map(|r| r.get_ref().clone())
                .unwrap_or_default(),
        };
        if let Some(r) = &raw.policy.report {
            for name in r.get_ref() {
                if !policy.measures.contains_key(name) && !policy.values.contains_key(name) {
                    l.err(
                        r.span().start,
                        format!("report names {name:?}, which is neither a measure nor a value of this policy"),
                    );
                }
            }
        }
        for (name, m) in &raw.measures {
            let Some(a) = &m.get_ref().against else {
                continue;
            };
            let o = m.span().start;
            if m.get_ref().target.is_none() {
                l.err(o, format!("measure {name}: against = {a:?} says which measure attains a target; it goes with target = \"…\""));
            } else if !policy.measures.contains_key(a) && !policy.values.contains_key(a) {
                l.err(o, format!("measure {name}: against = {a:?} is neither a measure nor a value of this policy"));
            } else if !policy.report.contains(a) {
                l.err(o, format!("measure {name}: against = {a:?} is not reported; add it to [policy] report, where the dashboard finds it"));
            }
        }
        policy.check_names(&mut l);
        policy.check_assessment(&mut l);
        if l.errors.is_empty() {
            Ok(policy)
        } else {
            l.errors.sort_by_key(|e| e.line);
            Err(l.errors)
        }
    }
}
