//! The inbox: what waits for the user to decide and the decisions on what they asked for, with
//! read marks per user; its count is in the navigation of every page.

use super::auth::Ctx;
use super::kit::{page_of, render};
use super::{App, AppError};
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use kejing_app::inbox::Entry;
use serde::Deserialize;
use serde_json::{Value, json};

/// The templates of this area.
pub const TEMPLATES: &[(&str, &str)] = &[("inbox.html", include_str!("templates/inbox.html"))];

super::kit::routes! {
    GET "/inbox" => inbox,
    POST "/inbox/read" => mark_read,
}

/// Where an entry is decided or seen.
fn link(e: &Entry) -> String {
    let r = &e.row;
    match r.kind {
        "dispute" => "/disputes".to_owned(),
        "transfer" => "/transfers".to_owned(),
        "claim" => "/claims".to_owned(),
        "run" => format!("/settlement/runs/{}", r.id),
        "proposals" => format!("/assessments/{}", r.id),
        _ => "/".to_owned(),
    }
}

fn entry_json(e: &Entry) -> Value {
    let r = &e.row;
    let mut args: serde_json::Map<String, Value> = r
        .args
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(v)))
        .collect();
    args.insert("id".into(), json!(r.id.to_string()));
    args.insert("by".into(), json!(r.by));
    json!({
        "kind": r.kind, "status": r.status, "at": r.at, "key": e.key, "unread": e.unread,
        "link": link(e), "args": args,
    })
}

/// The user's inbox as the page and the API show it.
pub fn inbox_data(s: &mut kejing_store::Store, ctx: &Ctx) -> Result<Value, AppError> {
    let i = kejing_app::inbox::inbox(s, &ctx.who())?;
    Ok(json!({
        "tasks": i.tasks.iter().map(entry_json).collect::<Vec<_>>(),
        "notices": i.notices.iter().map(entry_json).collect::<Vec<_>>(),
        "unread": i.notices.iter().filter(|n| n.unread).count(),
        "count": i.count(),
    }))
}

pub async fn inbox(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    let c = ctx.clone();
    let data = app.db(&ctx.actor(), move |s| inbox_data(s, &c)).await?;
    render(&app, &ctx, "inbox.html", page_of(data))
}

#[derive(Deserialize)]
pub struct ReadForm {
    /// The notice to mark read; empty: every notice.
    #[serde(default)]
    pub key: String,
}

pub async fn mark_read(
    State(app): State<App>,
    ctx: Ctx,
    Form(f): Form<ReadForm>,
) -> Result<Response, AppError> {
    let who = ctx.who();
    let keys: Vec<String> = if f.key.is_empty() {
        Vec::new()
    } else {
        vec![f.key]
    };
    app.db(&ctx.actor(), move |s| {
        Ok(kejing_app::inbox::mark_read(s, &who, &keys)?)
    })
    .await?;
    Ok(Redirect::to("/inbox").into_response())
}
