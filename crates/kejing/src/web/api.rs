//! The JSON API beside the pages, for core-banking and HR integration: the same operations and
//! the same permission checks (the data functions are shared with the pages). Sign in with
//! `POST /api/login` and send the token as `Authorization: Bearer …`; amounts are exact decimal
//! strings in yuan. Described by the OpenAPI document at `/api/openapi.json`.

use super::assessment::{self, ApproveForm};
use super::auth::{self, Ctx};
use super::clients::{self, TransferForm};
use super::dashboard::{self, DashQuery};
use super::kit::{DecideForm, ListQuery};
use super::perm::Action;
use super::settlement::{self, RunForm};
use super::statements::{self, DisputeForm};
use super::whatif::{self, WhatIfForm};
use super::{App, AppError, audit, imports, managers};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

super::kit::routes! {
    POST "/api/login" => login,
    GET "/api/me" => me,
    GET "/api/dashboard" => dashboard,
    GET "/api/managers" => managers,
    GET "/api/clients" => clients,
    GET "/api/runs" => runs,
    POST "/api/runs" => run,
    GET "/api/runs/{id}" => run_detail,
    POST "/api/runs/{id}/submit" => submit,
    POST "/api/runs/{id}/approve" => approve,
    POST "/api/runs/{id}/lock" => lock,
    GET "/api/statements/{run}/{manager}" => statement,
    GET "/api/disputes" => disputes,
    POST "/api/disputes" => raise_dispute,
    POST "/api/disputes/{id}/decide" => decide_dispute,
    GET "/api/transfers" => transfers,
    POST "/api/transfers" => request_transfer,
    POST "/api/transfers/{id}/decide" => decide_transfer,
    GET "/api/agreements" => agreements,
    POST "/api/agreements" => request_agreement,
    POST "/api/agreements/{id}/decide" => decide_agreement,
    GET "/api/reconciliation" => reconciliation,
    POST "/api/reconciliation/override" => override_reconciliation,
    POST "/api/imports/{table}" => import,
    POST "/api/whatif" => whatif,
    GET "/api/audit" => audit,
    GET "/api/assessments" => assessments,
    POST "/api/assessments" => assess,
    GET "/api/assessments/{id}" => assessment,
    POST "/api/assessments/{id}/approve" => approve_assessment,
    GET "/api/openapi.json" => openapi,
}

type ApiResult = Result<Json<Value>, AppError>;

#[derive(Deserialize)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

async fn login(
    State(app): State<App>,
    peer: Option<axum::Extension<super::limits::PeerAddr>>,
    Json(b): Json<LoginBody>,
) -> ApiResult {
    let peer = peer.map(|p| p.0.0);
    let (user, token, expires) = auth::authenticate(&app, peer, &b.username, &b.password).await?;
    Ok(Json(json!({
        "token": token,
        "expires_at": expires,
        "user": {"username": user.username, "role": user.role, "manager": user.manager_code, "org": user.org.code},
    })))
}

async fn me(ctx: Ctx) -> ApiResult {
    Ok(Json(json!({
        "username": ctx.user.username, "name": ctx.user.display_name, "role": ctx.role.code(),
        "manager": ctx.user.manager_code, "org_unit": ctx.user.org_unit, "org": ctx.user.org.code,
        "lang": ctx.lang,
        "may": Action::ALL.iter().filter(|a| ctx.can(**a)).map(|a| a.code()).collect::<Vec<_>>(),
    })))
}

async fn dashboard(State(app): State<App>, ctx: Ctx, Query(q): Query<DashQuery>) -> ApiResult {
    let (c, a) = (ctx.clone(), app.clone());
    let mut v = app
        .db(&ctx.actor(), move |s| {
            dashboard::dashboard_data(&a, s, &c, &q)
        })
        .await?;
    // Charts are for pages.
    if let Some(me) = v.get_mut("mine") {
        me.as_object_mut().map(|o| o.remove("chart"));
    }
    if let Some(t) = v.get_mut("team") {
        t.as_object_mut().map(|o| o.remove("chart"));
    }
    Ok(Json(v))
}

async fn managers(State(app): State<App>, ctx: Ctx, Query(q): Query<ListQuery>) -> ApiResult {
    let c = ctx.clone();
    Ok(Json(
        app.db(&ctx.actor(), move |s| managers::managers_data(s, &c, &q))
            .await?,
    ))
}

async fn clients(State(app): State<App>, ctx: Ctx, Query(q): Query<ListQuery>) -> ApiResult {
    let c = ctx.clone();
    let a = app.clone();
    Ok(Json(
        app.db(&ctx.actor(), move |s| clients::clients_data(&a, s, &c, &q))
            .await?,
    ))
}

async fn runs(State(app): State<App>, ctx: Ctx) -> ApiResult {
    let c = ctx.clone();
    Ok(Json(
        app.db(&ctx.actor(), move |s| settlement::runs_data(s, &c))
            .await?,
    ))
}

async fn run(State(app): State<App>, ctx: Ctx, Json(f): Json<RunForm>) -> ApiResult {
    let id = settlement::run_settlement_do(&app, &ctx, f).await?;
    Ok(Json(json!({ "run": id })))
}

async fn run_detail(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> ApiResult {
    let c = ctx.clone();
    Ok(Json(
        app.db(&ctx.actor(), move |s| settlement::run_data(s, &c, id, &q))
            .await?,
    ))
}

async fn submit(State(app): State<App>, ctx: Ctx, Path(id): Path<i64>) -> ApiResult {
    let c = ctx.clone();
    let run = app
        .db(&ctx.actor(), move |s| {
            settlement::review_do(s, &c, id, false)
        })
        .await?;
    Ok(Json(run))
}

async fn approve(State(app): State<App>, ctx: Ctx, Path(id): Path<i64>) -> ApiResult {
    let c = ctx.clone();
    let run = app
        .db(&ctx.actor(), move |s| {
            settlement::review_do(s, &c, id, true)
        })
        .await?;
    Ok(Json(run))
}

async fn lock(State(app): State<App>, ctx: Ctx, Path(id): Path<i64>) -> ApiResult {
    let c = ctx.clone();
    app.db(&ctx.actor(), move |s| settlement::lock_do(s, &c, id))
        .await?;
    Ok(Json(json!({ "locked": id })))
}

async fn statement(
    State(app): State<App>,
    ctx: Ctx,
    Path((run, manager)): Path<(i64, String)>,
) -> ApiResult {
    let (c, a) = (ctx.clone(), app.clone());
    Ok(Json(
        app.db(&ctx.actor(), move |s| {
            statements::statement_data(&a, s, &c, run, &manager)
        })
        .await?,
    ))
}

async fn disputes(State(app): State<App>, ctx: Ctx) -> ApiResult {
    let c = ctx.clone();
    Ok(Json(
        app.db(&ctx.actor(), move |s| {
            statements::disputes_data(s, &c, &statements::DisputesQuery::default())
        })
        .await?,
    ))
}

async fn raise_dispute(State(app): State<App>, ctx: Ctx, Json(f): Json<DisputeForm>) -> ApiResult {
    let c = ctx.clone();
    let id = app
        .db(&ctx.actor(), move |s| {
            statements::raise_dispute_do(s, &c, &f)
        })
        .await?;
    Ok(Json(json!({ "dispute": id })))
}

async fn decide_dispute(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<DecideForm>,
) -> ApiResult {
    let c = ctx.clone();
    app.db(&ctx.actor(), move |s| {
        statements::decide_dispute_do(s, &c, id, &f)
    })
    .await?;
    Ok(Json(json!({ "decided": id })))
}

async fn transfers(State(app): State<App>, ctx: Ctx) -> ApiResult {
    let c = ctx.clone();
    Ok(Json(
        app.db(&ctx.actor(), move |s| clients::transfers_data(s, &c))
            .await?,
    ))
}

async fn request_transfer(
    State(app): State<App>,
    ctx: Ctx,
    Json(f): Json<TransferForm>,
) -> ApiResult {
    let c = ctx.clone();
    let id = app
        .db(&ctx.actor(), move |s| {
            clients::request_transfer_do(s, &c, &f)
        })
        .await?;
    Ok(Json(json!({ "transfer": id })))
}

async fn decide_transfer(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<DecideForm>,
) -> ApiResult {
    let c = ctx.clone();
    app.db(&ctx.actor(), move |s| {
        clients::decide_transfer_do(s, &c, id, &f)
    })
    .await?;
    Ok(Json(json!({ "decided": id })))
}

async fn agreements(State(app): State<App>, ctx: Ctx) -> ApiResult {
    let c = ctx.clone();
    Ok(Json(
        app.db(&ctx.actor(), move |s| {
            super::agreements::agreements_data(s, &c)
        })
        .await?,
    ))
}

async fn request_agreement(
    State(app): State<App>,
    ctx: Ctx,
    Json(f): Json<super::agreements::AgreementForm>,
) -> ApiResult {
    let id = super::agreements::request_do(&app, &ctx, f).await?;
    Ok(Json(json!({ "agreement": id })))
}

async fn decide_agreement(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<DecideForm>,
) -> ApiResult {
    super::agreements::decide_do(&app, &ctx, id, f).await?;
    Ok(Json(json!({ "decided": id })))
}

#[derive(Deserialize)]
pub struct MonthArgs {
    pub policy: String,
    pub period: String,
}

async fn reconciliation(State(app): State<App>, ctx: Ctx, Query(q): Query<MonthArgs>) -> ApiResult {
    Ok(Json(
        super::reconciliation::month_data(&app, &ctx, &q.policy, &q.period).await?,
    ))
}

async fn override_reconciliation(
    State(app): State<App>,
    ctx: Ctx,
    Json(f): Json<super::reconciliation::OverrideForm>,
) -> ApiResult {
    let period = f.period.clone();
    super::reconciliation::override_do(&app, &ctx, f).await?;
    Ok(Json(json!({ "overridden": period })))
}

#[derive(Deserialize)]
pub struct ImportQuery {
    /// `true`: check against the database and write nothing.
    pub dry_run: Option<bool>,
}

/// Imports a table from the request body (CSV, or XLSX with the XLSX content type).
async fn import(
    State(app): State<App>,
    ctx: Ctx,
    Path(table): Path<String>,
    Query(q): Query<ImportQuery>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    ctx.require(Action::Import)?;
    let t = kejing_io::Table::parse(&table).ok_or_else(|| {
        AppError::bad(format!(
            "unknown table {table:?}: use one of {}",
            kejing_io::Table::names()
        ))
    })?;
    let xlsx = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.contains("spreadsheetml"));
    let path = app.config.uploads.join(format!(
        "api-{}.{}",
        auth::random_hex(12),
        if xlsx { "xlsx" } else { "csv" }
    ));
    std::fs::write(&path, &body)
        .map_err(|e| AppError::internal(format!("saving the upload: {e}")))?;
    let org = ctx.user.org.clone();
    let p = path.clone();
    let commit = !q.dry_run.unwrap_or(false);
    let result = app
        .db(&ctx.actor(), move |s| {
            Ok(imports::preview_import(s, &org, t, &p, commit))
        })
        .await;
    let _ = std::fs::remove_file(&path);
    let result = result?;
    let status = if result["ok"] == json!(true) {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(result)).into_response())
}

async fn whatif(State(app): State<App>, ctx: Ctx, Json(f): Json<WhatIfForm>) -> ApiResult {
    Ok(Json(whatif::whatif_do(&app, &ctx, f).await?))
}

async fn audit(State(app): State<App>, ctx: Ctx, Query(q): Query<audit::AuditQuery>) -> ApiResult {
    let c = ctx.clone();
    Ok(Json(
        app.db(&ctx.actor(), move |s| audit::audit_data(s, &c, &q))
            .await?,
    ))
}

async fn assessments(State(app): State<App>, ctx: Ctx) -> ApiResult {
    ctx.require(Action::ViewAssessments)?;
    let org = ctx.user.org.clone();
    let runs = app
        .db(&ctx.actor(), move |s| Ok(s.assessment_runs(&org)?))
        .await?;
    Ok(Json(json!({
        "runs": runs.iter().map(|r| json!({"id": r.id, "period": r.period, "policy": r.policy,
            "scorecard": r.scorecard, "created_at": r.created_at, "actor": r.actor})).collect::<Vec<_>>(),
    })))
}

async fn assess(State(app): State<App>, ctx: Ctx, Json(f): Json<assessment::RunForm>) -> ApiResult {
    let run = assessment::run_assessment_do(&app, &ctx, f).await?;
    Ok(Json(json!({ "assessment": run })))
}

async fn assessment(State(app): State<App>, ctx: Ctx, Path(id): Path<i64>) -> ApiResult {
    let c = ctx.clone();
    Ok(Json(
        app.db(&ctx.actor(), move |s| {
            assessment::assessment_data(s, &c, id)
        })
        .await?,
    ))
}

async fn approve_assessment(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<ApproveForm>,
) -> ApiResult {
    let n = assessment::approve_do(&app, &ctx, id, f).await?;
    Ok(Json(json!({ "approved": n })))
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi_doc() -> Value {
    let id = |name: &str| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}});
    let ok = |what: &str| {
        json!({"200": {"description": what, "content": {"application/json": {"schema": {"type": "object"}}}},
                                "401": {"description": "not signed in or session expired"},
                                "403": {"description": "the role or scope does not allow it"},
                                "422": {"description": "invalid input; `detail` says what to fix"}})
    };
    let body = |props: Value, required: &[&str]| {
        json!({"required": true, "content": {"application/json": {"schema": {
        "type": "object", "properties": props, "required": required}}}})
    };
    let s = json!({"type": "string"});
    let query = |names: &[&str]| -> Vec<Value> {
        names
            .iter()
            .map(|n| json!({"name": n, "in": "query", "schema": {"type": "string"}}))
            .chain([json!({"name": "page", "in": "query", "schema": {"type": "integer"}})])
            .collect()
    };
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "kejing 客经 API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The customer-manager system: dashboard, managers, clients and the 管户 ledger, settlement runs, statements with their explanation, disputes, transfers, imports, what-if and the audit log. Amounts are exact decimal strings in yuan. Sign in with POST /api/login and send `Authorization: Bearer <token>`."
        },
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": {
            "/api/login": {"post": {"summary": "Sign in; returns a bearer token", "security": [],
                "requestBody": body(json!({"username": s, "password": s}), &["username", "password"]),
                "responses": {"200": {"description": "token, expiry (unix seconds) and user"}, "401": {"description": "wrong name or password"}, "429": {"description": "locked after repeated failures"}}}},
            "/api/me": {"get": {"summary": "The signed-in user and what they may do", "responses": ok("user")}},
            "/api/dashboard": {"get": {"summary": "Pay this period and last, completion, rank, trend; team table for heads",
                "parameters": [{"name": "period", "in": "query", "schema": s}, {"name": "page", "in": "query", "schema": {"type": "integer"}}], "responses": ok("dashboard")}},
            "/api/managers": {"get": {"summary": "Customer managers in scope, filtered, sorted and paginated",
                "parameters": query(&["q", "unit", "status", "sort", "dir"]), "responses": ok("managers")}},
            "/api/clients": {"get": {"summary": "Clients owned by managers in scope, with owners and ratios today",
                "parameters": [{"name": "q", "in": "query", "schema": s}, {"name": "page", "in": "query", "schema": {"type": "integer"}}], "responses": ok("clients")}},
            "/api/runs": {
                "get": {"summary": "Stored settlement runs", "responses": ok("runs")},
                "post": {"summary": "Settle a period over the database under a policy of the server's folder",
                    "requestBody": body(json!({"policy": s, "period": s}), &["policy", "period"]), "responses": ok("the new run's id")}},
            "/api/runs/{id}": {"get": {"summary": "A run: each manager in scope, each item and the total", "parameters": [id("id")], "responses": ok("run")}},
            "/api/runs/{id}/submit": {"post": {"summary": "Submit a draft run for review", "parameters": [id("id")], "responses": ok("the run with its status and steps")}},
            "/api/runs/{id}/approve": {"post": {"summary": "Approve a submitted run (not the one who ran or submitted it)", "parameters": [id("id")], "responses": ok("the run with its status and steps")}},
            "/api/runs/{id}/lock": {"post": {"summary": "Lock the period on its approved run (then paid)", "parameters": [id("id")], "responses": ok("locked")}},
            "/api/statements/{run}/{manager}": {"get": {"summary": "One manager's statement with its explanation (trace) and source rows",
                "parameters": [id("run"), id("manager")], "responses": ok("statement")}},
            "/api/disputes": {
                "get": {"summary": "Disputes in scope", "responses": ok("disputes")},
                "post": {"summary": "Raise a dispute on a line of one's own statement",
                    "requestBody": body(json!({"run": {"type": "integer"}, "manager": s, "item": s, "reason": s}), &["run", "manager", "item", "reason"]), "responses": ok("the dispute's id")}},
            "/api/disputes/{id}/decide": {"post": {"summary": "Accept (with an adjustment in an open period) or reject a dispute", "parameters": [id("id")],
                "requestBody": body(json!({"approve": {"enum": ["yes", "no"]}, "decision": s, "period": s, "amount": s}), &["approve", "decision"]), "responses": ok("decided")}},
            "/api/transfers": {
                "get": {"summary": "Ownership transfer requests in scope", "responses": ok("transfers")},
                "post": {"summary": "Request moving a manager's share of a client to another manager",
                    "requestBody": body(json!({"client": s, "from": s, "to": s, "effective_on": {"type": "string", "format": "date"}, "reason": s}), &["client", "from", "to", "effective_on", "reason"]), "responses": ok("the request's id")}},
            "/api/transfers/{id}/decide": {"post": {"summary": "Approve (the ledger changes from the effective day) or reject", "parameters": [id("id")],
                "requestBody": body(json!({"approve": {"enum": ["yes", "no"]}, "decision": s}), &["approve"]), "responses": ok("decided")}},
            "/api/agreements": {
                "get": {"summary": "Agreement-price requests (协议价) in scope, with their investigation", "responses": ok("requests")},
                "post": {"summary": "Ask for a unit to be an agreement client (never an individual); a customer manager asks for their own",
                    "requestBody": body(json!({"client": s, "manager": s, "terms": s, "investigation": s}), &["client", "terms", "investigation"]), "responses": ok("the request's id")}},
            "/api/agreements/{id}/decide": {"post": {"summary": "Approve (the client becomes an agreement unit) or reject; not by the one who asked", "parameters": [id("id")],
                "requestBody": body(json!({"approve": {"enum": ["yes", "no"]}, "decision": s}), &["approve"]), "responses": ok("decided")}},
            "/api/reconciliation": {"get": {"summary": "A month's reconciliation (月度对账): each customer manager's own tally beside the keeper's figures, the differences, the due day, any override",
                "parameters": [{"name": "policy", "in": "query", "required": true, "schema": s}, {"name": "period", "in": "query", "required": true, "schema": s}], "responses": ok("the month")}},
            "/api/reconciliation/override": {"post": {"summary": "Record that an unreconciled month may be settled, with the reason (once per month, audited)",
                "requestBody": body(json!({"policy": s, "period": s, "reason": s}), &["policy", "period", "reason"]), "responses": ok("overridden")}},
            "/api/imports/{table}": {"post": {"summary": "Import a table (CSV body, or XLSX with its content type); all or nothing, every bad row reported",
                "parameters": [id("table"), {"name": "dry_run", "in": "query", "schema": {"type": "boolean"}}],
                "requestBody": {"required": true, "content": {"text/csv": {"schema": {"type": "string"}}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}},
                "responses": ok("rows read, written, unchanged; or the bad rows, each with row, column, value, reason (English), code and args")}},
            "/api/whatif": {"post": {"summary": "Settle a period under the policy and under changed parameters; per manager and total impact; writes nothing",
                "requestBody": body(json!({"policy": s, "period": s, "changes": {"type": "string", "description": "one NAME=VALUE per line"}}), &["policy", "period", "changes"]), "responses": ok("impact")}},
            "/api/audit": {"get": {"summary": "The audit log, newest first, filtered",
                "parameters": query(&["actor", "action", "entity", "key"]), "responses": ok("entries")}},
            "/api/assessments": {
                "get": {"summary": "Stored assessment runs", "responses": ok("runs")},
                "post": {"summary": "Assess a period under a policy with an [assessment]; the results are proposals",
                    "requestBody": body(json!({"policy": s, "period": s}), &["policy", "period"]), "responses": ok("the run's id")}},
            "/api/assessments/{id}": {"get": {"summary": "A run's results in scope: score, rank within the group, proposal, status", "parameters": [id("id")], "responses": ok("results")}},
            "/api/assessments/{id}/approve": {"post": {"summary": "Approve proposals (all, or the managers named, comma-separated); grades change from the effective day",
                "parameters": [id("id")], "requestBody": body(json!({"manager": s, "effective_on": {"type": "string", "format": "date"}}), &[]), "responses": ok("how many were approved")}},
            "/api/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3.1"}}}},
        }
    });
    if let Some(paths) = doc["paths"].as_object_mut() {
        paths.extend(super::daily_api::openapi_paths(&id, &ok, &body));
    }
    doc
}

async fn openapi() -> Json<Value> {
    Json(openapi_doc())
}
