//! The audit log, newest first, filtered by actor, action, entity and key.

use super::auth::Ctx;
use super::kit::{PER_PAGE, page_of, render};
use super::perm::Action;
use super::{App, AppError};
use axum::extract::{Query, State};
use axum::response::Response;
use kejing_store::Store;
use kejing_store::audit::AuditFilter;
use serde::Deserialize;
use serde_json::{Value, json};

/// The templates of this area.
pub const TEMPLATES: &[(&str, &str)] = &[("audit.html", include_str!("templates/audit.html"))];

super::kit::routes! {
    GET "/audit" => audit,
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub key: Option<String>,
    /// The first and last day (YYYY-MM-DD, UTC).
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<usize>,
}

/// A day of the filter, or a clear error naming the field.
fn day_of(v: &Option<String>, field: &'static str) -> Result<Option<chrono::NaiveDate>, AppError> {
    match v.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::bad(format!("{d:?}: write the date as YYYY-MM-DD")).at(field)),
    }
}

pub fn audit_data(s: &mut Store, ctx: &Ctx, q: &AuditQuery) -> Result<Value, AppError> {
    ctx.require(Action::ViewAudit)?;
    let page = q.page.unwrap_or(1).max(1);
    let f = AuditFilter {
        actor: q.actor.clone(),
        action: q.action.clone(),
        entity: q.entity.clone(),
        key: q.key.clone(),
        from: day_of(&q.from, "from")?,
        to: day_of(&q.to, "to")?,
    };
    let (rows, more) = s.audit_search(
        &ctx.user.org,
        &f,
        ((page - 1) * PER_PAGE) as i64,
        PER_PAGE as i64,
    )?;
    Ok(json!({
        "rows": rows.iter().map(|e| json!({
            "id": e.id, "at": e.at, "actor": e.actor, "action": e.action, "entity": e.entity, "key": e.key,
            "before": e.before.as_ref().map(|j| j.to_string()), "after": e.after.as_ref().map(|j| j.to_string()),
        })).collect::<Vec<_>>(),
        "actions": s.audit_actions(&ctx.user.org)?,
        "page": page, "prev": (page > 1).then(|| page - 1), "next": more.then_some(page + 1),
        "filter": {"actor": q.actor, "action": q.action, "entity": q.entity, "key": q.key, "from": q.from, "to": q.to},
    }))
}

pub async fn audit(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let data = app.db(&ctx.actor(), move |s| audit_data(s, &c, &q)).await?;
    render(&app, &ctx, "audit.html", page_of(data))
}
