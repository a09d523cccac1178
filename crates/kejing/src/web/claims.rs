//! Ownership claims (认领, B3): the claims with the owners on their day, the not-new flags and
//! the rival claims on the same client side by side; the form a customer manager claims with,
//! and a head's approve / reject (not the one who asked).

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
use std::collections::BTreeMap;

pub const TEMPLATES: &[(&str, &str)] = &[("claims.html", include_str!("templates/claims.html"))];

super::kit::routes! {
    GET "/claims" => claims,
    POST "/claims" => request_claim,
    POST "/claims/{id}/decide" => decide_claim,
}

/// The claims by client (rivals side by side), open ones first.
pub fn claims_data(s: &mut Store, ctx: &Ctx) -> Result<Value, AppError> {
    let who = ctx.who();
    let mut by_client: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for v in kejing_app::claims::list(s, &who)? {
        let c = &v.claim;
        let decidable =
            c.status == "open" && ctx.can(Action::DecideTransfer) && c.requested_by != who.name;
        by_client.entry(c.client.clone()).or_default().push(json!({
            "id": c.id, "manager": c.manager, "share": c.share,
            "effective_on": c.effective_on.to_string(), "reason": c.reason,
            "requested_by": c.requested_by, "status": c.status,
            "decided_by": c.decided_by, "decision": c.decision,
            "owners": v.owners.iter().map(|(m, r)| format!("{m} {r}")).collect::<Vec<_>>().join(", "),
            "agreement": v.agreement, "returning": v.returning,
            "rivals": v.rivals.len(), "decidable": decidable,
        }));
    }
    let mut groups: Vec<Value> = by_client
        .into_iter()
        .map(|(client, claims)| {
            let open = claims.iter().filter(|c| c["status"] == "open").count();
            json!({ "client": client, "claims": claims, "open": open, "contested": open > 1 })
        })
        .collect();
    groups.sort_by_key(|g| std::cmp::Reverse(g["open"].as_u64().unwrap_or(0)));
    Ok(json!({ "groups": groups, "own_manager": who.manager }))
}

pub async fn claims(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    let c = ctx.clone();
    let data = app.db(&ctx.actor(), move |s| claims_data(s, &c)).await?;
    render(&app, &ctx, "claims.html", page_of(data))
}

#[derive(Deserialize)]
pub struct ClaimForm {
    pub client: String,
    #[serde(default)]
    pub manager: String,
    #[serde(default)]
    pub share: String,
    pub effective_on: String,
    pub reason: String,
}

/// Files a claim; its id.
pub async fn request_do(app: &App, ctx: &Ctx, f: ClaimForm) -> Result<i64, AppError> {
    ctx.require(Action::RequestTransfer)?;
    let who = ctx.who();
    let manager = who.manager.clone().unwrap_or(f.manager.clone());
    let effective_on = f.effective_on.trim().parse().map_err(|_| {
        AppError::bad(format!(
            "effective_on: {:?} is not a date (YYYY-MM-DD)",
            f.effective_on
        ))
    })?;
    app.db(&ctx.actor(), move |s| {
        Ok(kejing_app::claims::request(
            s,
            &who,
            &kejing_app::claims::ClaimInput {
                client: f.client,
                manager,
                share: Some(f.share).filter(|s| !s.trim().is_empty()),
                effective_on,
                reason: f.reason,
            },
        )?)
    })
    .await
}

pub async fn request_claim(
    State(app): State<App>,
    ctx: Ctx,
    Form(f): Form<ClaimForm>,
) -> Result<Response, AppError> {
    request_do(&app, &ctx, f).await?;
    Ok(Redirect::to("/claims").into_response())
}

/// Approves (`approve = yes`) or rejects a claim.
pub async fn decide_do(app: &App, ctx: &Ctx, id: i64, f: DecideForm) -> Result<(), AppError> {
    ctx.require(Action::DecideTransfer)?;
    let who = ctx.who();
    app.db(&ctx.actor(), move |s| {
        kejing_app::claims::decide(s, &who, id, f.approve == "yes", &f.decision)?;
        Ok(())
    })
    .await
}

pub async fn decide_claim(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Result<Response, AppError> {
    decide_do(&app, &ctx, id, f).await?;
    Ok(Redirect::to("/claims").into_response())
}
