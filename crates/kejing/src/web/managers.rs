//! Customer managers: the list (filtered, sorted, paginated) and one manager's page with grade
//! history, pay by period and clients.

use super::auth::Ctx;
use super::kit::{ListQuery, PER_PAGE, page_of, paginate, render};
use super::perm::Action;
use super::{App, AppError};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use kejing_store::Store;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The templates of this area.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("managers.html", include_str!("templates/managers.html")),
    ("manager.html", include_str!("templates/manager.html")),
];

super::kit::routes! {
    GET "/managers" => managers,
    GET "/managers/{code}" => manager,
}

pub fn managers_data(s: &mut Store, ctx: &Ctx, q: &ListQuery) -> Result<Value, AppError> {
    ctx.require(Action::ViewManagers)?;
    let org = ctx.user.org.clone();
    let units = s.unit_names(&org)?;
    let text = q.q.as_deref().map(str::trim).unwrap_or("");
    let unit = q.unit.as_deref().unwrap_or("");
    let status = q.status.as_deref().unwrap_or("");
    let mut rows: Vec<_> = s
        .manager_rows(&org)?
        .into_iter()
        .filter(|m| ctx.sees(&m.code))
        .filter(|m| text.is_empty() || m.code.contains(text) || m.name.contains(text))
        .filter(|m| unit.is_empty() || m.org_unit == unit)
        .filter(|m| status.is_empty() || m.status == status)
        .collect();
    let sort = q.sort.as_deref().unwrap_or("code");
    rows.sort_by(|a, b| {
        let key = |m: &kejing_store::read_models::ManagerRow| match sort {
            "name" => m.name.clone(),
            "unit" => m.org_unit.clone(),
            "grade" => format!("{}|{}", m.grade, m.tier),
            "status" => m.status.clone(),
            "hired" => m.hired_on.map(|d| d.to_string()).unwrap_or_default(),
            _ => m.code.clone(),
        };
        key(a).cmp(&key(b)).then(a.code.cmp(&b.code))
    });
    if q.dir.as_deref() == Some("desc") {
        rows.reverse();
    }
    let statuses: BTreeSet<String> = rows.iter().map(|m| m.status.clone()).collect();
    let (offset, pager) = paginate(rows.len(), q.page);
    Ok(json!({
        "rows": rows.iter().skip(offset).take(PER_PAGE).map(|m| json!({
            "code": m.code, "name": m.name, "unit": m.org_unit,
            "unit_name": units.get(&m.org_unit), "track": m.track,
            "grade": m.grade, "tier": m.tier, "status": m.status,
            "hired_on": m.hired_on.map(|d| d.to_string()),
        })).collect::<Vec<_>>(),
        "pager": pager,
        "units": units,
        "statuses": statuses,
        "filter": {"q": text, "unit": unit, "status": status, "sort": sort, "dir": q.dir.as_deref().unwrap_or("asc")},
    }))
}

pub async fn managers(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let data = app
        .db(&ctx.actor(), move |s| managers_data(s, &c, &q))
        .await?;
    render(&app, &ctx, "managers.html", page_of(data))
}

pub async fn manager(
    State(app): State<App>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    ctx.require(Action::ViewManagers)?;
    ctx.require_manager(&code)?;
    let org = ctx.user.org.clone();
    let data = app
        .db(&ctx.actor(), move |s| {
            let Some(m) = s.manager_rows(&org)?.into_iter().find(|m| m.code == code) else {
                return Err(AppError::not_found());
            };
            let history = s.grade_history(&org, &code)?;
            let pay = s.manager_pay_by_period(&org, &code)?;
            let today = s.today();
            let (clients, count) =
                s.client_rows(&org, today, Some(std::slice::from_ref(&code)), None, 0, 20)?;
            Ok(json!({
                "m": {"code": m.code, "name": m.name, "unit": m.org_unit, "track": m.track,
                      "grade": m.grade, "tier": m.tier, "status": m.status,
                      "hired_on": m.hired_on.map(|d| d.to_string())},
                "history": history.iter().map(|h| json!({
                    "effective_on": h.effective_on.to_string(), "unit": h.org_unit, "track": h.track,
                    "grade": h.grade, "tier": h.tier, "staff_grade": h.staff_grade, "status": h.status,
                })).collect::<Vec<_>>(),
                "pay": pay.iter().rev().map(|(p, run, m)| json!({"period": p, "run": run, "pay": m.to_string()})).collect::<Vec<_>>(),
                "clients": clients.iter().map(|c| json!({"code": c.code, "name": c.name,
                    "ratio": c.owners.iter().find(|o| o.0 == m.code).map(|o| o.1.clone())})).collect::<Vec<_>>(),
                "client_count": count,
            }))
        })
        .await?;
    render(&app, &ctx, "manager.html", page_of(data))
}
