//! The JSON API of daily management (for a phone client or a script): the same data and use
//! cases as the pages of [`super::daily`].

use super::auth::Ctx;
use super::daily::{
    DayQuery, SignForm, my_data, record_return_do, record_row_do, register_outing_do, sign_log_do,
    team_data,
};
use super::daily_period::breaches_data;
use super::{App, AppError};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde_json::{Value, json};
use std::collections::BTreeMap;

super::kit::routes! {
    GET "/api/daily/me" => me,
    GET "/api/daily/team" => team,
    GET "/api/daily/breaches" => breaches,
    POST "/api/daily/outings" => register_outing,
    POST "/api/daily/outings/{id}/return" => record_return,
    POST "/api/daily/records/{register}" => record_row,
    POST "/api/daily/logs/sign" => sign_log,
    GET "/api/claims" => claims,
    POST "/api/claims" => request_claim,
    POST "/api/claims/{id}/decide" => decide_claim,
}

type ApiResult = Result<Json<Value>, AppError>;

async fn me(State(app): State<App>, ctx: Ctx, Query(q): Query<DayQuery>) -> ApiResult {
    Ok(Json((*my_data(&app, &ctx, q).await?).clone()))
}

async fn team(State(app): State<App>, ctx: Ctx, Query(q): Query<DayQuery>) -> ApiResult {
    Ok(Json((*team_data(&app, &ctx, q).await?).clone()))
}

async fn breaches(State(app): State<App>, ctx: Ctx, Query(q): Query<DayQuery>) -> ApiResult {
    Ok(Json(breaches_data(&app, &ctx, q).await?))
}

async fn register_outing(
    State(app): State<App>,
    ctx: Ctx,
    Json(f): Json<BTreeMap<String, String>>,
) -> ApiResult {
    let id = register_outing_do(&app, &ctx, f).await?;
    Ok(Json(json!({ "outing": id })))
}

async fn record_return(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(f): Json<BTreeMap<String, String>>,
) -> ApiResult {
    record_return_do(&app, &ctx, id.clone(), f).await?;
    Ok(Json(json!({ "returned": id })))
}

async fn record_row(
    State(app): State<App>,
    ctx: Ctx,
    Path(register): Path<String>,
    Json(f): Json<BTreeMap<String, String>>,
) -> ApiResult {
    let key = record_row_do(&app, &ctx, register, f).await?;
    Ok(Json(json!({ "key": key })))
}

async fn claims(State(app): State<App>, ctx: Ctx) -> ApiResult {
    let c = ctx.clone();
    Ok(Json(
        app.db(&ctx.actor(), move |s| super::claims::claims_data(s, &c))
            .await?,
    ))
}

async fn request_claim(
    State(app): State<App>,
    ctx: Ctx,
    Json(f): Json<super::claims::ClaimForm>,
) -> ApiResult {
    let id = super::claims::request_do(&app, &ctx, f).await?;
    Ok(Json(json!({ "claim": id })))
}

async fn decide_claim(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<super::kit::DecideForm>,
) -> ApiResult {
    super::claims::decide_do(&app, &ctx, id, f).await?;
    Ok(Json(json!({ "decided": id })))
}

async fn sign_log(State(app): State<App>, ctx: Ctx, Json(f): Json<SignForm>) -> ApiResult {
    let who = (f.manager.clone(), f.date.clone());
    sign_log_do(&app, &ctx, f).await?;
    Ok(Json(
        json!({ "signed": { "manager": who.0, "date": who.1 } }),
    ))
}

/// The daily paths of the OpenAPI document (`id`, `ok` and `body` are the document's helpers).
pub fn openapi_paths(
    id: &dyn Fn(&str) -> Value,
    ok: &dyn Fn(&str) -> Value,
    body: &dyn Fn(Value, &[&str]) -> Value,
) -> serde_json::Map<String, Value> {
    let s = json!({"type": "string"});
    let q = |n: &str| json!({"name": n, "in": "query", "schema": {"type": "string"}});
    let mut m = serde_json::Map::new();
    m.insert(
        "/api/claims".to_owned(),
        json!({
            "get": {"summary": "Ownership claims (认领) in scope, by client: rivals side by side, owners on the day, not-new flags", "responses": ok("claims")},
            "post": {"summary": "Claim an unowned client, or a share of an owned one (taken from the owners in proportion)",
                "requestBody": body(json!({"client": s, "manager": s, "share": s, "effective_on": {"type": "string", "format": "date"}, "reason": s}), &["client", "effective_on", "reason"]), "responses": ok("the claim's id")}
        }),
    );
    m.insert(
        "/api/claims/{id}/decide".to_owned(),
        json!({"post": {"summary": "Approve (the ledger changes from the claim's day; a whole claim only while nobody owns the client) or reject; not by the one who asked", "parameters": [id("id")],
            "requestBody": body(json!({"approve": {"enum": ["yes", "no"]}, "decision": s}), &["approve"]), "responses": ok("decided")}}),
    );
    m.insert(
        "/api/daily/me".to_owned(),
        json!({"get": {"summary": "A customer manager's day (日常管理): briefing, outings, visits, log, the week's new clients, the month's breaches so far",
                "parameters": [q("day"), q("policy"), q("manager")], "responses": ok("the day")}}),
    );
    m.insert(
        "/api/daily/team".to_owned(),
        json!({"get": {"summary": "The head's view of a day: who is out, overdue outings, visits, logs, the week's new clients, logs waiting for a signature",
                "parameters": [q("day"), q("policy")], "responses": ok("the team's day")}}),
    );
    m.insert(
        "/api/daily/breaches".to_owned(),
        json!({"get": {"summary": "The breaches of the policy's daily rules over a period, each and by manager and rule",
                "parameters": [q("policy"), q("period")], "responses": ok("breaches")}}),
    );
    m.insert(
        "/api/daily/outings".to_owned(),
        json!({"post": {"summary": "Register an outing (外出登记); leaves now unless left_at is given",
                "requestBody": body(json!({"manager": s, "client_id": s, "purpose": s, "left_at": s, "expected_back_at": s, "duty": s}), &[]), "responses": ok("the outing's id")}}),
    );
    m.insert(
        "/api/daily/outings/{id}/return".to_owned(),
        json!({"post": {"summary": "Record the return of an outing, once (now unless at is given)", "parameters": [id("id")],
                "requestBody": body(json!({"manager": s, "at": s}), &[]), "responses": ok("returned")}}),
    );
    m.insert(
        "/api/daily/records/{register}".to_owned(),
        json!({"post": {"summary": "Record a row of a register (visits, work_logs, prospects, credit_register, retail_visits, briefings, reports): its columns as strings", "parameters": [id("register")],
                "requestBody": body(json!({"manager": s}), &[]), "responses": ok("the row's key")}}),
    );
    m.insert(
        "/api/daily/logs/sign".to_owned(),
        json!({"post": {"summary": "Sign a customer manager's work log as their head (签阅), once, with a comment",
                "requestBody": body(json!({"manager": s, "date": s, "comment": s, "plan_next": s}), &["manager", "date", "comment"]), "responses": ok("signed")}}),
    );
    m
}
