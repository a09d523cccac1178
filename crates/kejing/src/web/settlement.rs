//! Settlement: the runs, settling a period, a run's lines, locking its period, the payroll
//! table as XLSX, and comparing two runs.

use super::auth::Ctx;
use super::kit::{ListQuery, PER_PAGE, page_of, paginate, policy_file, render};
use super::perm::Action;
use super::{App, AppError};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use kejing_engine::Money;
use kejing_store::Store;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The templates of this area.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("settlement.html", include_str!("templates/settlement.html")),
    ("run.html", include_str!("templates/run.html")),
    ("compare.html", include_str!("templates/compare.html")),
];

super::kit::routes! {
    GET "/settlement" => settlement,
    POST "/settlement/run" => run_settlement,
    GET "/settlement/runs/{id}" => run,
    POST "/settlement/runs/{id}/submit" => submit_run,
    POST "/settlement/runs/{id}/approve" => approve_run,
    POST "/settlement/runs/{id}/lock" => lock_run,
    GET "/settlement/runs/{id}/payroll.xlsx" => payroll,
    GET "/settlement/compare" => compare,
}

/// A run as the pages and the API show it: its status and who took each step when.
pub fn run_json(r: &kejing_store::settlement::RunInfo) -> Value {
    let step = |s: &Option<(String, String)>| match s {
        Some((by, at)) => json!({"by": by, "at": at}),
        None => Value::Null,
    };
    json!({
        "id": r.id, "period": r.period, "policy": r.policy, "policy_hash": r.policy_hash,
        "created_at": r.created_at, "actor": r.actor, "locked": r.locked,
        "status": r.status.code(),
        "submitted": step(&r.submitted), "approved": step(&r.approved), "locked_by": step(&r.locked_by),
    })
}

pub fn runs_data(s: &mut Store, ctx: &Ctx) -> Result<Value, AppError> {
    ctx.require(Action::ViewRuns)?;
    let runs = s.runs(&ctx.user.org)?;
    Ok(json!({
        "runs": runs.iter().map(run_json).collect::<Vec<_>>(),
    }))
}

pub async fn settlement(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    settlement_page(&app, &ctx, None, None).await
}

/// Whether a policy settles pay (it has items): what the settlement form offers.
fn settles_pay(p: &kejing_engine::policy::Policy) -> bool {
    !p.items.is_empty()
}

/// The settlement page; after a refused form, with its input kept and the error beside the
/// field it is about (answered with the error's status).
async fn settlement_page(
    app: &App,
    ctx: &Ctx,
    form: Option<&RunForm>,
    error: Option<&AppError>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let (mut data, span) = app
        .db(&ctx.actor(), move |s| {
            let data = runs_data(s, &c)?;
            let span = if c.can(Action::RunSettlement) {
                s.data_span(&c.user.org)?
            } else {
                None
            };
            Ok((data, span))
        })
        .await?;
    let offered = if ctx.can(Action::RunSettlement) {
        super::kit::offered_policies(app, ctx, settles_pay).await?
    } else {
        Vec::new()
    };
    let run_periods = |name: &str| -> Vec<String> {
        data["runs"]
            .as_array()
            .map(|rs| {
                rs.iter()
                    .filter(|r| r["policy"] == name)
                    .filter_map(|r| r["period"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let policies: Vec<Value> = offered
        .iter()
        .map(|o| {
            let f = o.policy.frequency;
            json!({
                "name": o.name, "title": o.policy.title, "frequency": f.name(),
                "example": kejing_app::settlement::example_period(f),
                "periods": super::kit::offered_periods(f, span, &run_periods(&o.name)),
            })
        })
        .collect();
    let chosen = form
        .and_then(|f| policies.iter().position(|p| p["name"] == f.policy.as_str()))
        .unwrap_or(0);
    data["chosen"] = policies.get(chosen).cloned().unwrap_or_else(|| json!({}));
    data["policies"] = json!(policies);
    data["form"] = json!({
        "policy": form.map(|f| f.policy.as_str()),
        "period": form.map(|f| f.period.as_str()).unwrap_or(""),
    });
    data["error"] = error.map_or_else(|| json!({}), |e| super::kit::form_error(app, ctx, e));
    let mut r = render(app, ctx, "settlement.html", page_of(data))?;
    if let Some(e) = error {
        *r.status_mut() = e.status;
    }
    Ok(r)
}

#[derive(Deserialize)]
pub struct RunForm {
    pub policy: String,
    pub period: String,
}

/// Settles a period over the database under a policy of the folder; the new run's id. A
/// policy the folder lacks, or a period not of the policy's frequency, is refused with the
/// field it is about.
pub async fn run_settlement_do(app: &App, ctx: &Ctx, f: RunForm) -> Result<i64, AppError> {
    ctx.require(Action::RunSettlement)?;
    let file = policy_file(app, &f.policy).map_err(|_| {
        AppError::from(kejing_app::Error::said(
            kejing_app::error::Kind::Invalid,
            "policy-unknown",
            &[("policy", f.policy.clone())],
            format!(
                "the policies folder has no policy {:?}: choose one of the list",
                f.policy
            ),
        ))
        .at("policy")
    })?;
    let policy = super::kit::cached_policy(app, &file)?;
    let period = kejing_app::settlement::period_for(&policy, &f.period)
        .map_err(|e| AppError::from(e).at("period"))?;
    let who = ctx.who();
    app.db(&ctx.actor(), move |s| {
        Ok(kejing_app::settlement::run(s, &who, &policy, period)?.id)
    })
    .await
}

pub async fn run_settlement(
    State(app): State<App>,
    ctx: Ctx,
    Form(f): Form<RunForm>,
) -> Result<Response, AppError> {
    let kept = RunForm {
        policy: f.policy.clone(),
        period: f.period.clone(),
    };
    match run_settlement_do(&app, &ctx, f).await {
        Ok(run) => Ok(Redirect::to(&format!("/settlement/runs/{run}")).into_response()),
        Err(e) if super::kit::shown_on_form(&e) => {
            settlement_page(&app, &ctx, Some(&kept), Some(&e)).await
        }
        Err(e) => Err(e),
    }
}

/// A run: per manager in scope, each item and the total; sortable, paginated.
pub fn run_data(s: &mut Store, ctx: &Ctx, run: i64, q: &ListQuery) -> Result<Value, AppError> {
    run_rows(s, ctx, run, q, PER_PAGE)
}

/// A run's rows by manager, `per_page` of them (one page of the review, or every row).
fn run_rows(
    s: &mut Store,
    ctx: &Ctx,
    run: i64,
    q: &ListQuery,
    per_page: usize,
) -> Result<Value, AppError> {
    ctx.require(Action::ViewRuns)?;
    let org = ctx.user.org.clone();
    let Some(info) = s.run_info(&org, run)? else {
        return Err(AppError::not_found());
    };
    let lines = s.run_lines(run)?;
    let names: BTreeMap<String, (String, String, String)> = s
        .manager_rows(&org)?
        .into_iter()
        .map(|m| (m.code, (m.name, m.org_unit, m.grade)))
        .collect();
    let mut items: Vec<String> = Vec::new();
    let mut per: BTreeMap<String, BTreeMap<String, Money>> = BTreeMap::new();
    for l in &lines {
        if !ctx.sees(&l.manager) {
            continue;
        }
        if l.item != "total" && !items.contains(&l.item) {
            items.push(l.item.clone());
        }
        let e = per
            .entry(l.manager.clone())
            .or_default()
            .entry(l.item.clone())
            .or_default();
        *e = e.checked_add(l.amount).unwrap_or(*e);
    }
    // Review by manager (code or name) and by unit (with the units below it).
    let text =
        q.q.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase);
    let units: Option<std::collections::BTreeSet<String>> =
        match q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => Some(s.unit_subtree(&org, u)?.into_iter().collect()),
            None => None,
        };
    let mut rows: Vec<(String, BTreeMap<String, Money>)> = per
        .into_iter()
        .filter(|(m, _)| {
            let (name, unit, _) = names.get(m).cloned().unwrap_or_default();
            text.as_ref()
                .is_none_or(|t| m.to_lowercase().contains(t) || name.to_lowercase().contains(t))
                && units.as_ref().is_none_or(|us| us.contains(&unit))
        })
        .collect();
    let sort = q.sort.as_deref().unwrap_or("manager");
    if sort == "total" {
        rows.sort_by(|a, b| a.1.get("total").cmp(&b.1.get("total")).then(a.0.cmp(&b.0)));
    }
    if q.dir.as_deref() == Some("desc") {
        rows.reverse();
    }
    let mut sums: BTreeMap<String, i64> = BTreeMap::new();
    for (_, r) in &rows {
        for (k, v) in r {
            *sums.entry(k.clone()).or_default() += v.fen();
        }
    }
    let (offset, pager) = if per_page == PER_PAGE {
        paginate(rows.len(), q.page)
    } else {
        (0, json!({"page": 1, "pages": 1, "total": rows.len()}))
    };
    let me = &ctx.user.username;
    // The one who ran or submitted a run cannot approve it: the page says who must.
    let own = &info.actor == me || info.submitted.as_ref().is_some_and(|(by, _)| by == me);
    let newest = s
        .runs(&org)?
        .into_iter()
        .find(|r| r.period == info.period)
        .map(|r| r.id);
    Ok(json!({
        "run": run_json(&info),
        "own": own,
        "newest": newest,
        "items": items,
        "rows": rows.iter().skip(offset).take(per_page).map(|(m, r)| {
            let (name, unit, grade) = names.get(m).cloned().unwrap_or_default();
            json!({"manager": m, "name": name, "unit": unit, "grade": grade,
                   "amounts": items.iter().map(|i| r.get(i).map(|v| v.to_string())).collect::<Vec<_>>(),
                   "total": r.get("total").map(|v| v.to_string())})
        }).collect::<Vec<_>>(),
        "sums": items.iter().map(|i| Money::from_fen(sums.get(i).copied().unwrap_or(0)).to_string()).collect::<Vec<_>>(),
        "total": Money::from_fen(sums.get("total").copied().unwrap_or(0)).to_string(),
        "count": rows.len(),
        "pager": pager,
        "sort": sort, "dir": q.dir.as_deref().unwrap_or("asc"),
        "filter": {"q": q.q.clone().unwrap_or_default(), "unit": q.unit.clone().unwrap_or_default()},
    }))
}

pub async fn run(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let data = app
        .db(&ctx.actor(), move |s| run_data(s, &c, id, &q))
        .await?;
    render(&app, &ctx, "run.html", page_of(data))
}

/// Submits a run for review (`approve` false) or approves it.
pub fn review_do(s: &mut Store, ctx: &Ctx, run: i64, approve: bool) -> Result<Value, AppError> {
    let info = if approve {
        kejing_app::run_review::approve(s, &ctx.who(), run)?
    } else {
        kejing_app::run_review::submit(s, &ctx.who(), run)?
    };
    Ok(run_json(&info))
}

pub async fn submit_run(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    app.db(&ctx.actor(), move |s| review_do(s, &c, id, false))
        .await?;
    Ok(Redirect::to(&format!("/settlement/runs/{id}")).into_response())
}

pub async fn approve_run(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    app.db(&ctx.actor(), move |s| review_do(s, &c, id, true))
        .await?;
    Ok(Redirect::to(&format!("/settlement/runs/{id}")).into_response())
}

pub fn lock_do(s: &mut Store, ctx: &Ctx, run: i64) -> Result<(), AppError> {
    kejing_app::settlement::lock(s, &ctx.who(), run)?;
    Ok(())
}

pub async fn lock_run(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    app.db(&ctx.actor(), move |s| lock_do(s, &c, id)).await?;
    Ok(Redirect::to(&format!("/settlement/runs/{id}")).into_response())
}

/// The payroll table (提成工资表) of a run as XLSX: one row per manager, one column per item.
pub async fn payroll(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    ctx.require(Action::ExportPayroll)?;
    let c = ctx.clone();
    let lang = ctx.lang.clone();
    let i18n = app.i18n.clone();
    let bytes_ = app
        .db(&ctx.actor(), move |s| {
            let q = ListQuery::default();
            let all = run_data_all(s, &c, id, &q)?;
            super::payroll::payroll_xlsx(&i18n, &lang, &c.user.org.name, &all)
        })
        .await?;
    Ok(super::attachment(
        super::XLSX,
        bytes_,
        &format!("payroll-run-{id}.xlsx"),
    ))
}

fn run_data_all(s: &mut Store, ctx: &Ctx, run: i64, q: &ListQuery) -> Result<Value, AppError> {
    // Every row, not one page, from one read of the run.
    run_rows(s, ctx, run, q, usize::MAX)
}

#[derive(Deserialize)]
pub struct CompareQuery {
    pub a: Option<i64>,
    pub b: Option<i64>,
    pub page: Option<usize>,
}

pub fn compare_data(s: &mut Store, ctx: &Ctx, q: &CompareQuery) -> Result<Value, AppError> {
    ctx.require(Action::ViewRuns)?;
    let org = ctx.user.org.clone();
    let runs = s.runs(&org)?;
    let (Some(a), Some(b)) = (q.a, q.b) else {
        return Ok(
            json!({"runs": runs.iter().map(|r| json!({"id": r.id, "period": r.period})).collect::<Vec<_>>()}),
        );
    };
    if s.run_info(&org, a)?.is_none() || s.run_info(&org, b)?.is_none() {
        return Err(AppError::not_found());
    }
    let (ta, tb) = (s.run_totals(a)?, s.run_totals(b)?);
    let managers: BTreeSet<&String> = ta.keys().chain(tb.keys()).filter(|m| ctx.sees(m)).collect();
    let mut rows = Vec::new();
    let (mut sa, mut sb) = (0i64, 0i64);
    for m in managers {
        let x = ta.get(m).map_or(0, |v| v.fen());
        let y = tb.get(m).map_or(0, |v| v.fen());
        sa += x;
        sb += y;
        if x != y {
            rows.push(json!({"manager": m, "a": Money::from_fen(x).to_string(), "b": Money::from_fen(y).to_string(),
                             "diff": Money::from_fen(y - x).to_string()}));
        }
    }
    let (offset, pager) = paginate(rows.len(), q.page);
    Ok(json!({
        "runs": runs.iter().map(|r| json!({"id": r.id, "period": r.period})).collect::<Vec<_>>(),
        "a": a, "b": b,
        "changed": rows.len(),
        "rows": rows.into_iter().skip(offset).take(PER_PAGE).collect::<Vec<_>>(),
        "pager": pager,
        "total_a": Money::from_fen(sa).to_string(), "total_b": Money::from_fen(sb).to_string(),
        "total_diff": Money::from_fen(sb - sa).to_string(),
    }))
}

pub async fn compare(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<CompareQuery>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let data = app
        .db(&ctx.actor(), move |s| compare_data(s, &c, &q))
        .await?;
    render(&app, &ctx, "compare.html", page_of(data))
}
