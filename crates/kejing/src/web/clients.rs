//! Clients and their ownership (管户): the list, one client's page with owners, history and
//! accounts, and ownership transfers (requests and decisions).

use super::auth::Ctx;
use super::kit::{DecideForm, ListQuery, PER_PAGE, page_of, paginate, render};
use super::perm::Action;
use super::{App, AppError};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use kejing_store::Store;
use serde::Deserialize;
use serde_json::{Value, json};

/// The templates of this area.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("clients.html", include_str!("templates/clients.html")),
    ("client.html", include_str!("templates/client.html")),
    ("transfers.html", include_str!("templates/transfers.html")),
];

super::kit::routes! {
    GET "/clients" => clients,
    GET "/clients/{code}" => client,
    GET "/transfers" => transfers,
    POST "/transfers" => request_transfer,
    POST "/transfers/{id}/decide" => decide_transfer,
}

/// One page of the clients the user sees, filtered by a text found in the code or the name, or
/// an account number (exactly). The organisation's clients and the scope's are read once per
/// data version; a page then reads only its own clients and their owners.
pub fn clients_data(app: &App, s: &mut Store, ctx: &Ctx, q: &ListQuery) -> Result<Value, AppError> {
    ctx.require(Action::ViewClients)?;
    let org = ctx.user.org.clone();
    let today = s.today();
    let text =
        q.q.as_deref()
            .map(|t| t.trim().to_lowercase().replace('\0', ""))
            .filter(|t| !t.is_empty());
    let holder = match q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => s.client_of_account(&org, t)?,
        None => None,
    };
    let seen = super::cache::Reads::new(app, s)?.clients_seen(&ctx.who(), today)?;
    let matches = |c: &&super::cache::ClientEntry| {
        text.as_deref()
            .is_none_or(|t| c.words.contains(t) || holder == Some(c.id))
    };
    let total = match text {
        None => seen.len(),
        Some(_) => seen.iter().filter(matches).count(),
    };
    let (offset, pager) = paginate(total, q.page);
    let ids: Vec<i64> = seen
        .iter()
        .filter(matches)
        .skip(offset)
        .take(PER_PAGE)
        .map(|c| c.id)
        .collect();
    let rows = s.client_rows_by_ids(&org, today, &ids)?;
    Ok(json!({
        "rows": rows.iter().map(|c| json!({
            "code": c.code, "name": c.name, "kind": c.kind, "client_type": c.client_type,
            "owners": c.owners.iter().map(|(m, r)| json!({"manager": m, "ratio": r})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "pager": pager,
        "filter": {"q": q.q.as_deref().unwrap_or("")},
        "today": today.to_string(),
    }))
}

pub async fn clients(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let a = app.clone();
    let data = app
        .db(&ctx.actor(), move |s| clients_data(&a, s, &c, &q))
        .await?;
    render(&app, &ctx, "clients.html", page_of(data))
}

pub async fn client(
    State(app): State<App>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    ctx.require(Action::ViewClients)?;
    let org = ctx.user.org.clone();
    let c = ctx.clone();
    let data = app
        .db(&ctx.actor(), move |s| {
            let Some(name) = s.client_name(&org, &code)? else {
                return Err(AppError::not_found());
            };
            let ever = s.client_owners_ever(&org, &code)?;
            if !ever.iter().any(|m| c.sees(m)) {
                return Err(AppError::forbidden());
            }
            let today = s.today();
            let owners = s.owners_on(&org, &code, None, today)?;
            let history = s.ownership_history(&org, &code)?;
            let accounts = s.client_accounts(&org, &code)?;
            let managers: Vec<Value> = s
                .manager_rows(&org)?
                .into_iter()
                .filter(|m| m.status == "active" && m.is_cm)
                .map(|m| json!({"code": m.code, "name": m.name}))
                .collect();
            let mine: Vec<&String> = owners.iter().map(|o| &o.0).filter(|m| c.sees(m)).collect();
            Ok(json!({
                "client": {"code": code, "name": name},
                "today": today.to_string(),
                "owners": owners.iter().map(|(m, r)| json!({"manager": m, "ratio": r.to_string()})).collect::<Vec<_>>(),
                "history": history.iter().map(|h| json!({
                    "account": h.account, "manager": h.manager, "ratio": h.ratio.to_string(),
                    "from": h.from.to_string(), "to": h.to.map(|d| d.to_string()),
                })).collect::<Vec<_>>(),
                "accounts": accounts.iter().map(|(a, p, cur)| json!({"code": a, "product": p, "currency": cur})).collect::<Vec<_>>(),
                "transferable": mine,
                "managers": managers,
            }))
        })
        .await?;
    render(&app, &ctx, "client.html", page_of(data))
}

// ---------------------------------------------------------------- transfers

pub fn transfers_data(s: &mut Store, ctx: &Ctx) -> Result<Value, AppError> {
    ctx.require(Action::ViewClients)?;
    let org = ctx.user.org.clone();
    let rows: Vec<Value> = s
        .transfers(&org)?
        .into_iter()
        .filter(|t| ctx.sees(&t.from_manager) || ctx.sees(&t.to_manager))
        .map(|t| {
            let decidable = t.status == "open"
                && ctx.can(Action::DecideTransfer)
                && ctx.sees(&t.from_manager)
                && ctx.sees(&t.to_manager);
            json!({
                "id": t.id, "client": t.client, "from": t.from_manager, "to": t.to_manager,
                "effective_on": t.effective_on.to_string(), "reason": t.reason,
                "requested_by": t.requested_by, "status": t.status,
                "decided_by": t.decided_by, "decision": t.decision, "decidable": decidable,
            })
        })
        .collect();
    Ok(json!({ "rows": rows }))
}

pub async fn transfers(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    let c = ctx.clone();
    let data = app.db(&ctx.actor(), move |s| transfers_data(s, &c)).await?;
    render(&app, &ctx, "transfers.html", page_of(data))
}

#[derive(Deserialize)]
pub struct TransferForm {
    pub client: String,
    pub from: String,
    pub to: String,
    pub effective_on: String,
    pub reason: String,
}

pub fn request_transfer_do(s: &mut Store, ctx: &Ctx, f: &TransferForm) -> Result<i64, AppError> {
    let day =
        chrono::NaiveDate::parse_from_str(f.effective_on.trim(), "%Y-%m-%d").map_err(|_| {
            AppError::bad(format!(
                "{:?}: write the date as YYYY-MM-DD",
                f.effective_on
            ))
        })?;
    Ok(kejing_app::transfers::request(
        s,
        &ctx.who(),
        &kejing_app::transfers::TransferInput {
            client: f.client.clone(),
            from: f.from.clone(),
            to: f.to.clone(),
            effective_on: day,
            reason: f.reason.clone(),
        },
    )?)
}

pub async fn request_transfer(
    State(app): State<App>,
    ctx: Ctx,
    Form(f): Form<TransferForm>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    app.db(&ctx.actor(), move |s| request_transfer_do(s, &c, &f))
        .await?;
    Ok(Redirect::to("/transfers").into_response())
}

pub fn decide_transfer_do(
    s: &mut Store,
    ctx: &Ctx,
    id: i64,
    f: &DecideForm,
) -> Result<(), AppError> {
    let decision = if f.approve == "yes" {
        kejing_app::transfers::Decision::Approve
    } else {
        kejing_app::transfers::Decision::Reject
    };
    kejing_app::transfers::decide(s, &ctx.who(), id, decision, &f.decision)?;
    Ok(())
}

pub async fn decide_transfer(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    app.db(&ctx.actor(), move |s| decide_transfer_do(s, &c, id, &f))
        .await?;
    Ok(Redirect::to("/transfers").into_response())
}
