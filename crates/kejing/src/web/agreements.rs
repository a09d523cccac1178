//! Agreement prices (协议价, C3): the requests with their investigation, the form a customer
//! manager asks with, and the department manager's approve / reject (not the one who asked).

use super::auth::Ctx;
use super::kit::{DecideForm, page_of, render};
use super::perm::Action;
use super::{App, AppError};
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kejing_store::Store;
use serde::Deserialize;
use serde_json::{Value, json};

pub const TEMPLATES: &[(&str, &str)] =
    &[("agreements.html", include_str!("templates/agreements.html"))];

super::kit::routes! {
    GET "/agreements" => agreements,
    POST "/agreements" => request_agreement,
    POST "/agreements/{id}/decide" => decide_agreement,
}

pub fn agreements_data(s: &mut Store, ctx: &Ctx) -> Result<Value, AppError> {
    let rows: Vec<Value> = kejing_app::agreements::list(s, &ctx.who())?
        .into_iter()
        .map(|r| {
            let decidable = r.status == "open"
                && ctx.can(Action::DecideAgreement)
                && r.requested_by != ctx.who().name;
            json!({
                "id": r.id, "client": r.client, "manager": r.manager, "terms": r.terms,
                "investigation": r.investigation, "requested_by": r.requested_by,
                "status": r.status, "decided_by": r.decided_by, "decision": r.decision,
                "decidable": decidable,
            })
        })
        .collect();
    Ok(json!({ "rows": rows, "own_manager": ctx.who().manager }))
}

pub async fn agreements(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    let c = ctx.clone();
    let data = app
        .db(&ctx.actor(), move |s| agreements_data(s, &c))
        .await?;
    render(&app, &ctx, "agreements.html", page_of(data))
}

#[derive(Deserialize)]
pub struct AgreementForm {
    pub client: String,
    #[serde(default)]
    pub manager: String,
    pub terms: String,
    pub investigation: String,
}

/// Records a request; its id.
pub async fn request_do(app: &App, ctx: &Ctx, f: AgreementForm) -> Result<i64, AppError> {
    ctx.require(Action::RequestAgreement)?;
    let who = ctx.who();
    // A customer manager asks for their own unit.
    let manager = who.manager.clone().unwrap_or(f.manager.clone());
    app.db(&ctx.actor(), move |s| {
        Ok(kejing_app::agreements::request(
            s,
            &who,
            &kejing_app::agreements::AgreementInput {
                client: f.client,
                manager,
                terms: f.terms,
                investigation: f.investigation,
            },
        )?)
    })
    .await
}

/// Approves (`approve = yes`) or rejects a request.
pub async fn decide_do(app: &App, ctx: &Ctx, id: i64, f: DecideForm) -> Result<(), AppError> {
    ctx.require(Action::DecideAgreement)?;
    let who = ctx.who();
    app.db(&ctx.actor(), move |s| {
        kejing_app::agreements::decide(s, &who, id, f.approve == "yes", &f.decision)?;
        Ok(())
    })
    .await
}

pub async fn request_agreement(
    State(app): State<App>,
    ctx: Ctx,
    Form(f): Form<AgreementForm>,
) -> Result<Response, AppError> {
    request_do(&app, &ctx, f).await?;
    Ok(Redirect::to("/agreements").into_response())
}

pub async fn decide_agreement(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Result<Response, AppError> {
    decide_do(&app, &ctx, id, f).await?;
    Ok(Redirect::to("/agreements").into_response())
}
