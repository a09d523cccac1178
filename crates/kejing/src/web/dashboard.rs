//! The dashboard: my pay this period and last, completion, rank and trend; for heads and the
//! office the team table and the distribution.

use super::auth::Ctx;
use super::kit::{PER_PAGE, page_of, paginate, render};
use super::{App, AppError, charts, fmt};
use axum::extract::{Query, State};
use axum::response::Response;
use kejing_engine::Money;
use kejing_store::Store;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The templates of this area.
pub const TEMPLATES: &[(&str, &str)] =
    &[("dashboard.html", include_str!("templates/dashboard.html"))];

super::kit::routes! {
    GET "/" => dashboard,
}

fn completion(actual: Option<Decimal>, target: Option<Decimal>) -> Value {
    match (actual, target) {
        (Some(a), Some(t)) => json!({
            "actual": fmt::decimal(a, 2),
            "target": fmt::decimal(t, 2),
            "percent": fmt::percent(a, t),
        }),
        _ => Value::Null,
    }
}

#[derive(Deserialize, Default)]
pub struct DashQuery {
    pub period: Option<String>,
    pub page: Option<usize>,
    /// The team table's order: pay (default, highest first), previous, manager, name, unit.
    pub sort: Option<String>,
    pub dir: Option<String>,
}

/// The dashboard's data: my pay this period and last, completion, rank and trend; for heads
/// and the office the team table and the distribution.
pub fn dashboard_data(
    app: &App,
    s: &mut Store,
    ctx: &Ctx,
    q: &DashQuery,
) -> Result<Value, AppError> {
    let org = ctx.user.org.clone();
    let mut reads = super::cache::Reads::at(app, s, ctx.version);
    let runs = reads.current_runs(&org)?;
    let periods: Vec<String> = runs.iter().map(|r| r.0.clone()).collect();
    let idx = match &q.period {
        Some(p) => runs.iter().position(|r| &r.0 == p),
        None => runs.len().checked_sub(1),
    };
    let mut out = json!({ "periods": periods, "period": Value::Null });
    let Some(i) = idx else {
        return Ok(out);
    };
    let (period, run, locked) = runs[i].clone();
    let prev = i.checked_sub(1).map(|j| runs[j].clone());
    out["period"] = json!(period);
    out["run"] = json!(run);
    out["locked"] = json!(locked);
    out["previous_period"] = json!(prev.as_ref().map(|p| p.0.clone()));
    let totals = reads.totals(run)?;
    let prev_totals = match &prev {
        Some(p) => reads.totals(p.1)?,
        None => Arc::new(BTreeMap::new()),
    };
    let measures = reads.measures(run)?;
    let targets = reads.targets(&org, &period)?;
    // Measures by the words the policy gives them (its label), not their code.
    let labels = reads.measure_labels(&org, run)?;
    let completion_of = |m: &str| -> Value {
        targets
            .range((m.to_owned(), String::new())..)
            .take_while(|((mm, _), _)| mm == m)
            .find_map(|((_, target), t)| {
                // The target's own measure, or the one the policy says attains it.
                let measure = labels.attained_by.get(target).unwrap_or(target);
                measures.get(&(m.to_owned(), measure.clone())).map(|a| {
                    let mut c = completion(Some(*a), Some(*t));
                    c["measure"] = json!(measure);
                    c["label"] = json!(labels.labels.get(measure).unwrap_or(measure));
                    c
                })
            })
            .unwrap_or(Value::Null)
    };
    if let Some(me) = ctx.user.manager_code.clone() {
        let mine = totals.get(&me).copied();
        // Rank by pay among everyone paid on the run: 1 + how many earn more.
        let rank = mine.map(|m| 1 + totals.values().filter(|v| **v > m).count());
        let mut trend: Vec<(String, Money)> = Vec::new();
        for (p, r, _) in runs[..=i].iter().rev().take(12) {
            if let Some(m) = reads.totals(*r)?.get(&me) {
                trend.push((p.clone(), *m));
            }
        }
        trend.reverse();
        out["mine"] = json!({
            "manager": me,
            "pay": mine.map(|m| m.to_string()),
            "previous": prev_totals.get(&me).map(|m| m.to_string()),
            "rank": rank,
            "of": totals.len(),
            "completion": completion_of(&me),
            "trend": trend.iter().map(|(p, m)| json!({"period": p, "pay": m.to_string()})).collect::<Vec<_>>(),
            "chart": charts::bars(
                &app.i18n.tr(&ctx.lang, "dash-trend", &[]),
                &trend.iter().map(|(p, m)| (p.clone(), m.fen())).collect::<Vec<_>>(),
                fmt::money,
            ),
        });
    }
    if ctx.role != super::perm::Role::Manager {
        let managers = reads.managers(&org)?;
        let names: BTreeMap<&str, (&str, &str)> = managers
            .iter()
            .map(|m| (m.code.as_str(), (m.name.as_str(), m.org_unit.as_str())))
            .collect();
        let mut team: Vec<(&String, Money)> = totals
            .iter()
            .filter(|(m, _)| ctx.sees(m))
            .map(|(m, v)| (m, *v))
            .collect();
        team.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let sum: i64 = team.iter().map(|t| t.1.fen()).sum();
        let values: Vec<i64> = team.iter().map(|t| t.1.fen()).collect();
        // Equal pay shares a rank (1, 1, 3); the table may then be sorted by another column.
        let mut ranked: Vec<(usize, &String, Money)> = Vec::with_capacity(team.len());
        for (i, (m, v)) in team.iter().enumerate() {
            let rank = match ranked.last() {
                Some((r, _, last)) if last == v => *r,
                _ => i + 1,
            };
            ranked.push((rank, m, *v));
        }
        let sort = q.sort.as_deref().unwrap_or("pay");
        let text_of = |m: &str, f: usize| -> &str {
            names
                .get(m)
                .map(|(n, u)| if f == 0 { *n } else { *u })
                .unwrap_or("")
        };
        match sort {
            "manager" => ranked.sort_by(|a, b| a.1.cmp(b.1)),
            "name" => {
                ranked.sort_by(|a, b| text_of(a.1, 0).cmp(text_of(b.1, 0)).then(a.1.cmp(b.1)))
            }
            "unit" => {
                ranked.sort_by(|a, b| text_of(a.1, 1).cmp(text_of(b.1, 1)).then(a.1.cmp(b.1)))
            }
            "previous" => ranked.sort_by(|a, b| {
                prev_totals
                    .get(b.1)
                    .cmp(&prev_totals.get(a.1))
                    .then(a.1.cmp(b.1))
            }),
            _ => {}
        }
        // Pay and previous pay read highest first; names and codes A to Z; `dir` turns it round.
        let natural = if matches!(sort, "pay" | "previous") {
            "desc"
        } else {
            "asc"
        };
        let dir = q.dir.clone().unwrap_or_else(|| natural.to_owned());
        if dir != natural {
            ranked.reverse();
        }
        let (offset, pager) = paginate(ranked.len(), q.page);
        let rows: Vec<Value> = ranked
            .iter()
            .skip(offset)
            .take(PER_PAGE)
            .map(|(rank, m, v)| {
                let (name, unit) = names.get(m.as_str()).copied().unwrap_or_default();
                json!({
                    "rank": rank,
                    "manager": m, "name": name, "unit": unit,
                    "pay": v.to_string(),
                    "previous": prev_totals.get(*m).map(|x| x.to_string()),
                    "completion": completion_of(m),
                })
            })
            .collect();
        out["team"] = json!({
            "sort": sort,
            "dir": dir,
            "rows": rows,
            "pager": pager,
            "count": team.len(),
            "total": Money::from_fen(sum).to_string(),
            "chart": charts::histogram(
                &app.i18n.tr(&ctx.lang, "dash-distribution", &[]),
                &values,
                10,
                fmt::money,
            ),
        });
    }
    Ok(out)
}

pub async fn dashboard(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<DashQuery>,
) -> Result<Response, AppError> {
    let (c, a) = (ctx.clone(), app.clone());
    let data = app
        .db(&ctx.actor(), move |s| dashboard_data(&a, s, &c, &q))
        .await?;
    render(&app, &ctx, "dashboard.html", page_of(data))
}
