//! Daily management over a period (E1–E7): the breaches the policy's rules find (by rule, by
//! manager and rule, and each one) and a register's rows, each with the breaches found on it.
//! A month of the whole organisation is tens of thousands of rows: each view is computed once
//! per user, data version and minute (as the other daily pages) and shown a page at a time,
//! filtered by manager and rule.

use super::auth::Ctx;
use super::daily::{DayQuery, breach_json, cached_page, chosen_policy};
use super::kit::{PER_PAGE, page_of, paginate, period_arg, render};
use super::perm::Action;
use super::{App, AppError};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use kejing_app::daily as uc;
use kejing_engine::Period;
use kejing_engine::registers::Register;
use kejing_store::Store;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The templates of this area.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "daily_breaches.html",
        include_str!("templates/daily_breaches.html"),
    ),
    (
        "daily_register.html",
        include_str!("templates/daily_register.html"),
    ),
];

super::kit::routes! {
    GET "/daily/breaches" => breaches_page,
    GET "/daily/registers/{register}" => register_page,
}

/// The period of a query, the current month when none is given.
fn period_of(s: &Store, period: Option<&str>) -> Result<Period, AppError> {
    match period.filter(|p| !p.trim().is_empty()) {
        Some(p) => period_arg(p),
        None => Ok(Period::month_of(s.today())),
    }
}

/// Every breach of the period among the managers the actor sees, with the counts by rule and
/// by manager and rule.
async fn all_breaches(
    app: &App,
    ctx: &Ctx,
    policy: Option<String>,
    period: Option<String>,
) -> Result<Arc<Value>, AppError> {
    ctx.require(Action::ViewDaily)?;
    let key = format!("breaches|{policy:?}|{period:?}");
    cached_page(app, ctx, key, all_breaches_now(app, ctx, policy, period)).await
}

async fn all_breaches_now(
    app: &App,
    ctx: &Ctx,
    policy: Option<String>,
    period: Option<String>,
) -> Result<Value, AppError> {
    let (name, policy) = chosen_policy(app, policy.as_deref())?;
    let Some(policy) = policy else {
        return Ok(json!({ "none": true }));
    };
    let who = ctx.who();
    app.db(&ctx.actor(), move |s| {
        let period = period_of(s, period.as_deref())?;
        let found = uc::breaches(s, &who, &policy, period)?;
        let mut by: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        let mut rules: BTreeMap<&str, (usize, BTreeSet<&str>)> = BTreeMap::new();
        for b in &found {
            *by.entry((&b.manager, &b.rule)).or_default() += 1;
            let r = rules.entry(&b.rule).or_default();
            r.0 += 1;
            r.1.insert(&b.manager);
        }
        let rule_en = |rule: &str| {
            policy
                .daily
                .as_ref()
                .and_then(|d| d.rules.iter().find(|r| r.name == rule))
                .and_then(|r| r.en.clone())
        };
        Ok(json!({
            "policy": name, "period": period.to_string(),
            "rows": found.iter().map(|b| breach_json(b, Some(&policy))).collect::<Vec<_>>(),
            "summary": by.into_iter()
                .map(|((m, r), n)| json!({"manager": m, "rule": r, "count": n}))
                .collect::<Vec<_>>(),
            "rules": rules.into_iter()
                .map(|(r, (n, ms))| json!({"rule": r, "rule_en": rule_en(r), "count": n, "managers": ms.len()}))
                .collect::<Vec<_>>(),
        }))
    })
    .await
}

/// Breaches of a period by rule, by manager and rule, and each one, as data (the API: all of
/// them).
pub async fn breaches_data(app: &App, ctx: &Ctx, q: DayQuery) -> Result<Value, AppError> {
    let all = all_breaches(app, ctx, q.policy, q.period).await?;
    Ok((*all).clone())
}

/// The manager and rule a query filters by.
fn filters(q: &DayQuery) -> (Option<String>, Option<String>) {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    (given(&q.manager), given(&q.rule))
}

/// A list of the data, or none.
fn list<'a>(data: &'a Value, key: &str) -> &'a [Value] {
    data[key].as_array().map(Vec::as_slice).unwrap_or(&[])
}

pub async fn breaches_page(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<DayQuery>,
) -> Result<Response, AppError> {
    let all = all_breaches(&app, &ctx, q.policy.clone(), q.period.clone()).await?;
    let (manager, rule) = filters(&q);
    // A manager's code in part ("M0001" finds M00010 to M00019), a rule exactly.
    let keep = |v: &&Value| {
        manager
            .as_deref()
            .is_none_or(|m| v["manager"].as_str().is_some_and(|x| x.contains(m)))
            && rule.as_deref().is_none_or(|r| v["rule"] == r)
    };
    let rows: Vec<&Value> = list(&all, "rows").iter().filter(keep).collect();
    let summary: Vec<&Value> = list(&all, "summary").iter().filter(keep).collect();
    let (offset, pager) = paginate(rows.len(), q.page);
    let (s_offset, s_pager) = paginate(summary.len(), q.spage);
    let data = json!({
        "none": all.get("none"), "policy": all.get("policy"), "period": all.get("period"),
        "rules": all.get("rules"),
        "rows": rows.iter().skip(offset).take(PER_PAGE).collect::<Vec<_>>(),
        "summary": summary.iter().skip(s_offset).take(PER_PAGE).collect::<Vec<_>>(),
        "pager": pager, "spager": s_pager,
        "filter": {"manager": manager, "rule": rule},
    });
    render(&app, &ctx, "daily_breaches.html", page_of(data))
}

/// A register's rows of the period the actor sees, each with the breaches found on it.
async fn all_register_rows(
    app: &App,
    ctx: &Ctx,
    register: Register,
    policy: Option<String>,
    period: Option<String>,
) -> Result<Arc<Value>, AppError> {
    let key = format!("register|{}|{policy:?}|{period:?}", register.name());
    cached_page(
        app,
        ctx,
        key,
        all_register_rows_now(app, ctx, register, policy, period),
    )
    .await
}

async fn all_register_rows_now(
    app: &App,
    ctx: &Ctx,
    register: Register,
    policy: Option<String>,
    period: Option<String>,
) -> Result<Value, AppError> {
    let (name, _) = chosen_policy(app, policy.as_deref())?;
    let found = all_breaches(app, ctx, policy, period.clone()).await?;
    let who = ctx.who();
    app.db(&ctx.actor(), move |s| {
        let period = period_of(s, period.as_deref())?;
        let rows = uc::register_rows(s, &who, register, period.first_day(), period.last_day())?;
        let mut flags: HashMap<&str, Vec<&Value>> = HashMap::new();
        for b in list(&found, "rows") {
            if let Some(source) = b["source"].as_str() {
                flags.entry(source).or_default().push(b);
            }
        }
        let columns: Vec<&str> = register.fields().iter().map(|f| f.name).collect();
        let rows: Vec<Value> = rows
            .iter()
            .map(|r| {
                let cells: Vec<Value> = columns
                    .iter()
                    .map(|c| json!(kejing_io::registers::cell_of(&r.row.get(c))))
                    .collect();
                let flags = flags
                    .get(r.row.source.as_str())
                    .cloned()
                    .unwrap_or_default();
                json!({ "manager": r.row.manager, "cells": cells, "flags": flags })
            })
            .collect();
        Ok(json!({
            "register": register.name(), "columns": columns, "rows": rows,
            "period": period.to_string(), "policy": name,
            "registers": Register::ALL.iter().map(|r| r.name()).collect::<Vec<_>>(),
        }))
    })
    .await
}

/// A register's rows over a period (the credit register, the meetings and their action items,
/// the retail visits, …), each row with the breaches the policy finds on it; a page at a time,
/// of one manager or only those one rule flags when asked.
pub async fn register_page(
    State(app): State<App>,
    ctx: Ctx,
    Path(register): Path<String>,
    Query(q): Query<DayQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::ViewDaily)?;
    let register = Register::parse(&register).ok_or_else(AppError::not_found)?;
    let all = all_register_rows(&app, &ctx, register, q.policy.clone(), q.period.clone()).await?;
    let (manager, rule) = filters(&q);
    let rows: Vec<&Value> = list(&all, "rows")
        .iter()
        .filter(|r| {
            manager
                .as_deref()
                .is_none_or(|m| r["manager"].as_str().is_some_and(|x| x.contains(m)))
                && rule
                    .as_deref()
                    .is_none_or(|want| list(r, "flags").iter().any(|b| b["rule"] == want))
        })
        .collect();
    let (offset, pager) = paginate(rows.len(), q.page);
    let mut data = serde_json::Map::new();
    if let Some(o) = all.as_object() {
        for (k, v) in o.iter().filter(|(k, _)| *k != "rows") {
            data.insert(k.clone(), v.clone());
        }
    }
    data.insert(
        "rows".into(),
        json!(rows.iter().skip(offset).take(PER_PAGE).collect::<Vec<_>>()),
    );
    data.insert("pager".into(), pager);
    data.insert("filter".into(), json!({"manager": manager, "rule": rule}));
    render(
        &app,
        &ctx,
        "daily_register.html",
        page_of(Value::Object(data)),
    )
}
