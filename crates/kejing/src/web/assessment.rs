//! Assessment pages (考核): runs and their proposals, each customer manager's scorecard with the
//! rule that set the decision, the rating form that shows each item's standard, and approval.

use super::auth::Ctx;
use super::kit::{page_of, period_arg, policy_files, render};
use super::perm::Action;
use super::{App, AppError};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use kejing_engine::policy::Policy;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The templates of this area.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "assessments.html",
        include_str!("templates/assessments.html"),
    ),
    ("assessment.html", include_str!("templates/assessment.html")),
    ("scorecard.html", include_str!("templates/scorecard.html")),
];

super::kit::routes! {
    GET "/assessments" => assessments,
    POST "/assessments/run" => run_assessment,
    GET "/assessments/{id}" => assessment,
    POST "/assessments/{id}/approve" => approve,
    POST "/assessments/{id}/sign" => sign,
    GET "/assessments/{id}/{manager}" => scorecard,
}

/// The policies of the folder that have an [assessment].
fn assessment_policies(app: &App) -> Vec<(String, PathBuf, Policy)> {
    policy_files(&app.config.policies)
        .into_iter()
        .filter_map(|(n, f)| {
            let p = kejing_app::catalogue::load(&f).ok()?;
            p.assessment.is_some().then_some((n, f, p))
        })
        .collect()
}

pub async fn assessments(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::ViewAssessments)?;
    let org = ctx.user.org.clone();
    let runs = app
        .db(&ctx.actor(), move |s| Ok(s.assessment_runs(&org)?))
        .await?;
    let policies: Vec<String> =
        super::kit::offered_policies(&app, &ctx, |p| p.assessment.is_some())
            .await?
            .into_iter()
            .map(|o| o.name)
            .collect();
    render(
        &app,
        &ctx,
        "assessments.html",
        page_of(json!({
            "runs": runs.iter().map(|r| json!({"id": r.id, "period": r.period, "policy": r.policy,
                "scorecard": r.scorecard, "created_at": r.created_at, "actor": r.actor})).collect::<Vec<_>>(),
            "policies": policies,
        })),
    )
}

#[derive(Deserialize)]
pub struct RunForm {
    pub policy: String,
    pub period: String,
}

/// Assesses a period over the database; the new run's id.
pub async fn run_assessment_do(app: &App, ctx: &Ctx, f: RunForm) -> Result<i64, AppError> {
    ctx.require(Action::RunAssessment)?;
    let period = period_arg(&f.period)?;
    let Some((_, _, policy)) = assessment_policies(app)
        .into_iter()
        .find(|p| p.0 == f.policy)
    else {
        return Err(AppError::bad(format!(
            "{}: no such policy with an [assessment]",
            f.policy
        )));
    };
    let who = ctx.who();
    app.db(&ctx.actor(), move |s| {
        Ok(kejing_app::assessment::run(s, &who, &policy, period)?)
    })
    .await
}

pub async fn run_assessment(
    State(app): State<App>,
    ctx: Ctx,
    Form(f): Form<RunForm>,
) -> Result<Response, AppError> {
    let run = run_assessment_do(&app, &ctx, f).await?;
    Ok(Redirect::to(&format!("/assessments/{run}")).into_response())
}

/// A run's results within the user's scope, by group and rank.
pub fn assessment_data(
    s: &mut kejing_store::Store,
    ctx: &Ctx,
    run: i64,
) -> Result<Value, AppError> {
    ctx.require(Action::ViewAssessments)?;
    let org = ctx.user.org.clone();
    let Some(info) = s.assessment_runs(&org)?.into_iter().find(|r| r.id == run) else {
        return Err(AppError::not_found());
    };
    let names: BTreeMap<String, String> = s
        .manager_rows(&org)?
        .into_iter()
        .map(|m| (m.code, m.name))
        .collect();
    let mut rows: Vec<_> = s
        .assessment_rows(run)?
        .into_iter()
        .filter(|r| ctx.sees(&r.manager))
        .collect();
    rows.sort_by(|a, b| {
        a.group
            .cmp(&b.group)
            .then(a.rank.cmp(&b.rank))
            .then(a.manager.cmp(&b.manager))
    });
    let open = rows.iter().filter(|r| r.status == "proposed").count();
    let steps = s.assessment_steps(run, None)?;
    let who = ctx.who();
    let steps_of = |m: &str, proposed: bool| -> Value {
        let mine: Vec<&kejing_store::assessment_steps::StepRow> =
            steps.iter().filter(|x| x.manager == m).collect();
        let next = mine.iter().find(|x| x.signed_by.is_none());
        let can_sign = proposed
            && next.is_some_and(|x| match x.role.as_str() {
                "manager" => who.manager.as_deref() == Some(m),
                "team_head" => who.role == kejing_app::Role::TeamHead,
                "branch_head" => who.role == kejing_app::Role::BranchHead,
                "admin" => who.role == kejing_app::Role::Admin,
                _ => false,
            })
            && !mine
                .iter()
                .any(|x| x.signed_by.as_deref() == Some(who.name.as_str()));
        json!({
            "list": mine.iter().map(|x| json!({"step": x.step, "role": x.role, "signed_by": x.signed_by})).collect::<Vec<_>>(),
            "next": next.map(|x| x.step.clone()),
            "can_sign": can_sign,
        })
    };
    Ok(json!({
        "run": {"id": info.id, "period": info.period, "policy": info.policy, "scorecard": info.scorecard,
                "created_at": info.created_at, "actor": info.actor},
        // Who ran the assessment does not approve its proposals.
        "may_approve": ctx.can(Action::ApproveAssessment) && info.actor != ctx.user.username,
        "open": open,
        "rows": rows.iter().map(|r| json!({
            "manager": r.manager, "name": names.get(&r.manager), "group": r.group, "rank": r.rank,
            "group_size": r.group_size, "score": r.score.normalize().to_string(), "grade": r.grade,
            "new_grade": r.new_grade, "decision": r.decision, "reason": r.reason, "status": r.status,
            "approved_by": r.approved_by, "effective_on": r.effective_on.map(|d| d.to_string()),
            "changes": r.new_grade != r.grade,
            "steps": steps_of(&r.manager, r.status == "proposed"),
        })).collect::<Vec<_>>(),
    }))
}

/// `?changes=1`: only the proposals that change a grade or a status.
#[derive(Deserialize, Default)]
pub struct AssessmentQuery {
    pub changes: Option<String>,
}

pub async fn assessment(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let mut data = app
        .db(&ctx.actor(), move |s| assessment_data(s, &c, id))
        .await?;
    let changes_only = q
        .changes
        .as_deref()
        .is_some_and(|v| !v.is_empty() && v != "0");
    let rows = data["rows"].as_array().cloned().unwrap_or_default();
    data["changed"] = json!(rows.iter().filter(|r| r["changes"] == true).count());
    data["changes_only"] = json!(changes_only);
    if changes_only {
        data["rows"] = json!(
            rows.into_iter()
                .filter(|r| r["changes"] == true)
                .collect::<Vec<_>>()
        );
    }
    render(&app, &ctx, "assessment.html", page_of(data))
}

#[derive(Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    pub manager: String,
    #[serde(default)]
    pub effective_on: String,
}

/// Approves proposals of a run (all, or the comma-separated managers); how many.
pub async fn approve_do(app: &App, ctx: &Ctx, id: i64, f: ApproveForm) -> Result<usize, AppError> {
    ctx.require(Action::ApproveAssessment)?;
    let effective = match f.effective_on.trim() {
        "" => None,
        d => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| AppError::bad(format!("{d:?}: write the date as YYYY-MM-DD")))?,
        ),
    };
    let who = ctx.who();
    let managers: Vec<String> = f
        .manager
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .collect();
    app.db(&ctx.actor(), move |s| {
        Ok(kejing_app::assessment::approve(
            s, &who, id, &managers, effective,
        )?)
    })
    .await
}

/// Approves from the page: every proposal (no `manager`), or the ticked ones (one `manager`
/// field each), with one effective day.
pub async fn approve(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let pick = |name: &str| -> Vec<String> {
        fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let f = ApproveForm {
        manager: pick("manager").join(","),
        effective_on: pick("effective_on").concat(),
    };
    approve_do(&app, &ctx, id, f).await?;
    Ok(Redirect::to(&format!("/assessments/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct SignForm {
    pub manager: String,
    pub step: String,
    #[serde(default)]
    pub note: String,
}

/// Signs a step of a proposal (D8) as the signed-in user.
pub async fn sign_do(app: &App, ctx: &Ctx, id: i64, f: SignForm) -> Result<(), AppError> {
    ctx.require(Action::SignAssessment)?;
    let who = ctx.who();
    app.db(&ctx.actor(), move |s| {
        kejing_app::assessment::sign(s, &who, id, &f.manager, &f.step, &f.note)?;
        Ok(())
    })
    .await
}

pub async fn sign(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<SignForm>,
) -> Result<Response, AppError> {
    sign_do(&app, &ctx, id, f).await?;
    Ok(Redirect::to(&format!("/assessments/{id}")).into_response())
}

/// One manager's scorecard: each item with its maximum, standard and score, the total, rank
/// and decision, and the trace down to measures, raters and the rule.
pub async fn scorecard(
    State(app): State<App>,
    ctx: Ctx,
    Path((id, manager)): Path<(i64, String)>,
    Query(precision): Query<super::kit::Precision>,
) -> Result<Response, AppError> {
    ctx.require(Action::ViewAssessments)?;
    ctx.require_manager(&manager)?;
    let org = ctx.user.org.clone();
    let exact = precision.exact();
    let data = app
        .db(&ctx.actor(), move |s| {
            let Some(info) = s.assessment_runs(&org)?.into_iter().find(|r| r.id == id) else {
                return Err(AppError::not_found());
            };
            let Some(row) = s.assessment_rows(id)?.into_iter().find(|r| r.manager == manager) else {
                return Err(AppError::not_found());
            };
            let trace = s.assessment_trace(id, &manager)?;
            let name = s
                .manager_rows(&org)?
                .into_iter()
                .find(|m| m.code == manager)
                .map(|m| m.name)
                .unwrap_or_default();
            Ok(json!({
                "run": {"id": info.id, "period": info.period, "policy": info.policy, "scorecard": info.scorecard},
                "manager": manager, "name": name,
                "r": {"score": row.score.normalize().to_string(), "rank": row.rank, "group": row.group,
                      "group_size": row.group_size, "grade": row.grade, "new_grade": row.new_grade,
                      "decision": row.decision, "reason": row.reason, "status": row.status,
                      "effective_on": row.effective_on.map(|d| d.to_string())},
                "items": row.items,
                "trace": trace,
                "exact": exact,
            }))
        })
        .await?;
    render(&app, &ctx, "scorecard.html", page_of(data))
}
