//! Policies of the folder: the list with each one's check, one policy's text, and running its
//! test cases.

use super::auth::Ctx;
use super::kit::{page_of, policy_file, policy_files, render};
use super::perm::Action;
use super::{App, AppError};
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

/// The templates of this area.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("policies.html", include_str!("templates/policies.html")),
    ("policy.html", include_str!("templates/policy.html")),
];

super::kit::routes! {
    GET "/policies" => policies,
    GET "/policies/{name}" => policy,
    POST "/policies/{name}/test" => test_policy,
    POST "/policies/{name}/adopt" => adopt_policy,
}

pub fn policies_data(app: &App, adopted: &[kejing_app::adoption::AdoptedPolicy]) -> Value {
    let rows: Vec<Value> = policy_files(&app.config.policies)
        .into_iter()
        .map(|(name, file)| {
            let use_ = adopted.iter().find(|a| a.policy == name).map(|a| json!({"by": a.adopted_by, "at": a.adopted_at}));
            match kejing_app::catalogue::load(&file) {
                Ok(p) => json!({"name": name, "ok": true, "title": p.title, "frequency": p.frequency.name(),
                                "items": p.items.len(), "cases": p.cases.len(), "parameters": p.parameters.len(),
                                "adopted": use_}),
                Err(e) => json!({"name": name, "ok": false, "adopted": use_,
                                 "error": without_folder(app, &format!("{e:#}"))}),
            }
        })
        .collect();
    json!({ "rows": rows, "adopted": adopted.len() })
}

/// A message without the server's path of the policies folder (it names the file within it).
fn without_folder(app: &App, message: &str) -> String {
    let folder = app.config.policies.display().to_string();
    message
        .replace(&format!("{folder}/"), "")
        .replace(&folder, "")
}

pub async fn policies(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::ViewPolicies)?;
    let who = ctx.who();
    let adopted = app
        .db(&ctx.actor(), move |s| {
            Ok(kejing_app::adoption::adopted(s, &who)?)
        })
        .await?;
    render(
        &app,
        &ctx,
        "policies.html",
        page_of(policies_data(&app, &adopted)),
    )
}

#[derive(Deserialize)]
pub struct AdoptForm {
    /// `1`: the organisation uses the policy; `0`: it no longer does.
    pub adopt: String,
}

/// Adopts a policy of the folder for the organisation, or drops it.
pub async fn adopt_policy(
    State(app): State<App>,
    ctx: Ctx,
    Path(name): Path<String>,
    Form(f): Form<AdoptForm>,
) -> Result<Response, AppError> {
    ctx.require(Action::AdoptPolicy)?;
    policy_file(&app, &name)?;
    let adopt = f.adopt == "1";
    let who = ctx.who();
    app.db(&ctx.actor(), move |s| {
        Ok(kejing_app::adoption::set_adopted(s, &who, &name, adopt)?)
    })
    .await?;
    Ok(Redirect::to("/policies").into_response())
}

fn policy_view(app: &App, name: &str, tests: Option<Value>) -> Result<Value, AppError> {
    let file = policy_file(app, name)?;
    let text = std::fs::read_to_string(&file)
        .map_err(|e| AppError::internal(format!("{}: {e}", file.display())))?;
    let check = match kejing_app::catalogue::load(&file) {
        Ok(p) => json!({"ok": true, "name": p.name, "frequency": p.frequency.name(),
            "parameters": p.parameters.len(), "tiers": p.tiers.len(), "measures": p.measures.len(),
            "values": p.values.len(), "items": p.items.len(), "cases": p.cases.len()}),
        // The message names the file within the policies folder, never the server's path.
        Err(e) => json!({"ok": false, "error": without_folder(app, &format!("{e:#}"))}),
    };
    Ok(json!({
        "name": name,
        "lines": text.lines().collect::<Vec<_>>(),
        "check": check,
        "tests": tests,
    }))
}

pub async fn policy(
    State(app): State<App>,
    ctx: Ctx,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    ctx.require(Action::ViewPolicies)?;
    let data = policy_view(&app, &name, None)?;
    render(&app, &ctx, "policy.html", page_of(data))
}

/// Runs a policy's test cases: each with its result.
pub fn policy_tests(file: &std::path::Path) -> Value {
    match kejing_app::catalogue::load(file) {
        Err(e) => {
            json!({"passed": 0, "failed": 1, "cases": [{"name": "load", "ok": false, "problems": [format!("{e:#}")]}]})
        }
        Ok(p) => {
            let cases: Vec<Value> = p
                .cases
                .iter()
                .map(|c| match kejing_app::cases::run_case(&p, c) {
                    Ok(()) => json!({"name": c.name, "line": c.line, "ok": true}),
                    Err(problems) => {
                        json!({"name": c.name, "line": c.line, "ok": false, "problems": problems})
                    }
                })
                .collect();
            let passed = cases.iter().filter(|c| c["ok"] == json!(true)).count();
            json!({"passed": passed, "failed": cases.len() - passed, "cases": cases})
        }
    }
}

pub async fn test_policy(
    State(app): State<App>,
    ctx: Ctx,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    ctx.require(Action::ViewPolicies)?;
    let file = policy_file(&app, &name)?;
    let tests = tokio::task::spawn_blocking(move || policy_tests(&file))
        .await
        .map_err(|e| AppError::internal(e.to_string()))?;
    let data = policy_view(&app, &name, Some(tests))?;
    render(&app, &ctx, "policy.html", page_of(data))
}
