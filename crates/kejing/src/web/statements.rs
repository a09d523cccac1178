//! Statements and disputes: one customer manager's statement on a run with its explanation,
//! and the disputes raised on statement lines and their decisions.

use super::auth::Ctx;
use super::kit::{DecideForm, Precision, page_of, period_arg, render};
use super::perm::Action;
use super::{App, AppError};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use kejing_engine::Money;
use kejing_store::Store;
use serde::Deserialize;
use serde_json::{Value, json};

/// The templates of this area.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("statement.html", include_str!("templates/statement.html")),
    ("disputes.html", include_str!("templates/disputes.html")),
];

super::kit::routes! {
    GET "/statements/{run}/{manager}" => statement,
    GET "/disputes" => disputes,
    POST "/disputes" => raise_dispute,
    POST "/disputes/{id}/decide" => decide_dispute,
}

/// One CM's statement on a run: each line, the explanation tree with its source rows, and the
/// disputes on it.
pub fn statement_data(
    s: &mut Store,
    ctx: &Ctx,
    run: i64,
    manager: &str,
) -> Result<Value, AppError> {
    ctx.require(Action::ViewStatement)?;
    if !ctx.sees(manager) {
        return Err(AppError::forbidden());
    }
    let org = ctx.user.org.clone();
    let Some(info) = s.run_info(&org, run)? else {
        return Err(AppError::not_found());
    };
    let lines = s.manager_lines(run, manager)?;
    if lines.is_empty() {
        return Err(AppError::not_found());
    }
    let trace = s.run_trace(run, manager)?;
    let name = s
        .manager_rows(&org)?
        .into_iter()
        .find(|m| m.code == manager)
        .map(|m| m.name)
        .unwrap_or_default();
    // The newest disputes on these lines (all of them are on the disputes page).
    let disputes: Vec<Value> = s
        .line_disputes(&org, run, manager, 50)?
        .into_iter()
        .map(|d| json!({"id": d.id, "item": d.item, "reason": d.reason, "status": d.status, "decision": d.decision}))
        .collect();
    let own = ctx.user.manager_code.as_deref() == Some(manager) && ctx.can(Action::RaiseDispute);
    Ok(json!({
        "run": {"id": info.id, "period": info.period, "policy": info.policy, "locked": info.locked},
        "manager": manager, "name": name,
        "lines": lines.iter().map(|(item, amount, note)| {
            // Where the item is explained: the first top-level node of the trace named after it.
            let anchor = trace.as_ref().and_then(|t| t["children"].as_array()).and_then(|c| {
                c.iter().position(|n| {
                    let label = &n["label"];
                    label["args"]["item"].as_str() == Some(item.as_str())
                        || label.as_str().is_some_and(|l| l.starts_with(item.as_str()))
                })
            });
            json!({"item": item, "amount": amount.to_string(), "note": note, "anchor": anchor})
        }).collect::<Vec<_>>(),
        "trace": trace,
        "disputes": disputes,
        "can_dispute": own,
    }))
}

pub async fn statement(
    State(app): State<App>,
    ctx: Ctx,
    Path((run, manager)): Path<(i64, String)>,
    Query(precision): Query<Precision>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let mut data = app
        .db(&ctx.actor(), move |s| statement_data(s, &c, run, &manager))
        .await?;
    data["exact"] = precision.exact().into();
    render(&app, &ctx, "statement.html", page_of(data))
}

// ---------------------------------------------------------------- disputes

fn money_of(s: &str) -> Result<Money, AppError> {
    Money::parse(s.trim()).map_err(|_| {
        AppError::from(kejing_app::Error::said(
            kejing_app::error::Kind::Invalid,
            "amount-invalid",
            &[("value", s.trim().to_owned())],
            format!("{:?} is not an amount: write yuan with at most two decimals, such as 100 or -25.50", s.trim()),
        ))
        .at("amount")
    })
}

/// Which disputes the page lists: by status (`open`, `accepted`, `rejected`; all when empty).
#[derive(Deserialize, Default)]
pub struct DisputesQuery {
    pub status: Option<String>,
}

pub fn disputes_data(s: &mut Store, ctx: &Ctx, q: &DisputesQuery) -> Result<Value, AppError> {
    if !(ctx.can(Action::ViewStatement)) {
        return Err(AppError::forbidden());
    }
    let status = q.status.clone().filter(|s| !s.is_empty());
    let rows: Vec<Value> = s
        .disputes(&ctx.user.org)?
        .into_iter()
        .filter(|d| ctx.sees(&d.manager))
        .filter(|d| status.as_ref().is_none_or(|s| *s == d.status))
        .map(|d| json!({
            "id": d.id, "run": d.run, "manager": d.manager, "item": d.item, "reason": d.reason,
            "raised_by": d.raised_by, "status": d.status, "reviewer": d.reviewer, "decision": d.decision,
            "adjustment": d.adjustment.as_ref().map(|(p, m)| json!({"period": p, "amount": m.to_string()})),
        }))
        .collect();
    Ok(json!({ "rows": rows, "status": status }))
}

pub async fn disputes(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<DisputesQuery>,
) -> Result<Response, AppError> {
    disputes_page(&app, &ctx, &q, None).await
}

/// The disputes page; after a refused decision, with its input kept and the reason beside the
/// field, on the dispute's row.
async fn disputes_page(
    app: &App,
    ctx: &Ctx,
    q: &DisputesQuery,
    failed: Option<(i64, &DecideForm, &AppError)>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let q2 = DisputesQuery {
        status: q.status.clone(),
    };
    let mut data = app
        .db(&ctx.actor(), move |s| disputes_data(s, &c, &q2))
        .await?;
    data["failed"] = match failed {
        Some((id, f, e)) => {
            let mut v = super::kit::form_error(app, ctx, e);
            v["id"] = json!(id);
            v["decision"] = json!(f.decision);
            v["period"] = json!(f.period);
            v["amount"] = json!(f.amount);
            v
        }
        None => json!({}),
    };
    let mut r = render(app, ctx, "disputes.html", page_of(data))?;
    if let Some((_, _, e)) = failed {
        *r.status_mut() = e.status;
    }
    Ok(r)
}

#[derive(Deserialize)]
pub struct DisputeForm {
    pub run: i64,
    pub manager: String,
    pub item: String,
    pub reason: String,
}

pub fn raise_dispute_do(s: &mut Store, ctx: &Ctx, f: &DisputeForm) -> Result<i64, AppError> {
    Ok(kejing_app::disputes::raise(
        s,
        &ctx.who(),
        f.run,
        &f.manager,
        &f.item,
        &f.reason,
    )?)
}

pub async fn raise_dispute(
    State(app): State<App>,
    ctx: Ctx,
    Form(f): Form<DisputeForm>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let (run, manager) = (f.run, f.manager.clone());
    app.db(&ctx.actor(), move |s| raise_dispute_do(s, &c, &f))
        .await?;
    Ok(Redirect::to(&format!("/statements/{run}/{manager}")).into_response())
}

pub fn decide_dispute_do(
    s: &mut Store,
    ctx: &Ctx,
    id: i64,
    f: &DecideForm,
) -> Result<(), AppError> {
    ctx.require(Action::DecideDispute)?;
    let verdict = if f.approve == "yes" {
        let period = period_arg(f.period.as_deref().unwrap_or(""))?;
        let amount = money_of(f.amount.as_deref().unwrap_or(""))?;
        kejing_app::disputes::Verdict::Accept { period, amount }
    } else {
        kejing_app::disputes::Verdict::Reject
    };
    kejing_app::disputes::decide(s, &ctx.who(), id, verdict, &f.decision)?;
    Ok(())
}

pub async fn decide_dispute(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Result<Response, AppError> {
    let (c, kept) = (ctx.clone(), f.clone());
    match app
        .db(&ctx.actor(), move |s| decide_dispute_do(s, &c, id, &f))
        .await
    {
        Ok(()) => Ok(Redirect::to("/disputes").into_response()),
        Err(e) if super::kit::shown_on_form(&e) => {
            disputes_page(&app, &ctx, &DisputesQuery::default(), Some((id, &kept, &e))).await
        }
        Err(e) => Err(e),
    }
}
