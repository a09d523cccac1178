//! The monthly reconciliation (月度对账, B3) of a policy with a `[reconciliation]` section:
//! each customer manager's own tally beside the keeper's figures, the differences, the due day,
//! and the override an approver may record with a reason (audited, once per month).

use super::auth::Ctx;
use super::kit::{page_of, period_arg, policy_file, render};
use super::perm::Action;
use super::{App, AppError};
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

pub const TEMPLATES: &[(&str, &str)] = &[(
    "reconciliation.html",
    include_str!("templates/reconciliation.html"),
)];

super::kit::routes! {
    GET "/settlement/reconciliation" => page,
    POST "/settlement/reconciliation/override" => override_month,
}

#[derive(Deserialize, Default)]
pub struct MonthQuery {
    pub policy: Option<String>,
    pub period: Option<String>,
}

/// A month's reconciliation under a policy of the folder (`{"none": true}` for a policy
/// without a `[reconciliation]` section).
pub async fn month_data(app: &App, ctx: &Ctx, name: &str, period: &str) -> Result<Value, AppError> {
    ctx.require(Action::ViewRuns)?;
    let period = period_arg(period)?;
    let file = policy_file(app, name)?;
    let c = ctx.clone();
    app.db(&ctx.actor(), move |s| {
        let policy = kejing_app::catalogue::load(&file)?;
        if policy.reconciliation.is_none() {
            return Ok(json!({ "none": true }));
        }
        let st = kejing_app::reconciliation::status(s, &c.who(), &policy, period)?;
        Ok(month_json(&c, &st))
    })
    .await
}

pub async fn page(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<MonthQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::ViewRuns)?;
    // The organisation's policies that reconcile (all that do, until it adopts any).
    let policies: Vec<String> =
        super::kit::offered_policies(&app, &ctx, |p| p.reconciliation.is_some())
            .await?
            .into_iter()
            .map(|o| o.name)
            .collect();
    let mut data = json!({
        "policies": policies,
        "policy": q.policy.clone().or_else(|| policies.first().cloned()),
        "period": q.period.clone().unwrap_or_default(),
    });
    if let (Some(name), Some(period)) = (
        data["policy"].as_str().map(str::to_owned),
        q.period.as_deref().filter(|p| !p.trim().is_empty()),
    ) {
        data["month"] = month_data(&app, &ctx, &name, period).await?;
    }
    render(&app, &ctx, "reconciliation.html", page_of(data))
}

fn month_json(ctx: &Ctx, st: &kejing_app::reconciliation::Status) -> Value {
    let lines: Vec<Value> = st
        .report
        .lines
        .iter()
        .filter(|l| ctx.sees(&l.manager))
        .map(|l| {
            json!({
                "manager": l.manager, "name": l.name, "measure": l.measure,
                "keeper": l.keeper.normalize().to_string(),
                "own": l.own.map(|o| o.normalize().to_string()),
                "difference": l.difference().map(|d| d.normalize().to_string()),
                "status": l.status.code(),
                "source": l.source,
            })
        })
        .collect();
    json!({
        "lines": lines,
        "reconciled": st.report.is_reconciled(),
        "differences": st.report.differences().count(),
        "may_settle": st.may_settle(),
        "overdue": st.overdue(),
        "due_on": st.report.due_on.map(|d| d.to_string()),
        "override": st.overridden.as_ref().map(|o| json!({
            "by": o.decided_by, "at": o.decided_at, "reason": o.reason, "differences": o.differences,
        })),
    })
}

#[derive(Deserialize)]
pub struct OverrideForm {
    pub policy: String,
    pub period: String,
    pub reason: String,
}

/// Records the override of a month (roles that may lock periods).
pub async fn override_do(app: &App, ctx: &Ctx, f: OverrideForm) -> Result<(), AppError> {
    ctx.require(Action::LockPeriod)?;
    let period = period_arg(&f.period)?;
    let file = policy_file(app, &f.policy)?;
    let who = ctx.who();
    app.db(&ctx.actor(), move |s| {
        let policy = kejing_app::catalogue::load(&file)?;
        kejing_app::reconciliation::override_month(s, &who, &policy, period, &f.reason)?;
        Ok(())
    })
    .await
}

pub async fn override_month(
    State(app): State<App>,
    ctx: Ctx,
    Form(f): Form<OverrideForm>,
) -> Result<Response, AppError> {
    let to = format!(
        "/settlement/reconciliation?policy={}&period={}",
        f.policy,
        f.period.trim()
    );
    override_do(&app, &ctx, f).await?;
    Ok(Redirect::to(&to).into_response())
}
