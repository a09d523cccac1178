//! Rating (评分): one manager's form (`/rate`) and the grid of everyone a rater may rate
//! across the scorecard's items (`/rate/grid`), with the standards, progress (已评 x / n), and
//! correcting or withdrawing a score (an emptied cell) until the period's assessment is
//! approved. Both go through `kejing_app::rating`, which checks the relation the policy allows.

use super::auth::Ctx;
use super::kit::{Offered, offered_policies, page_of, period_arg, render};
use super::perm::Action;
use super::{App, AppError};
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use kejing_app::rating::{self, Rating};
use kejing_engine::Period;
use serde::Deserialize;
use serde_json::{Value, json};

/// The templates of this area.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("rate.html", include_str!("templates/rate.html")),
    ("rate_grid.html", include_str!("templates/rate_grid.html")),
];

super::kit::routes! {
    GET "/rate" => rate_page,
    POST "/rate" => rate,
    GET "/rate/grid" => grid_page,
    POST "/rate/grid" => grid,
}

#[derive(Deserialize, Default)]
pub struct RateQuery {
    pub policy: Option<String>,
    pub period: Option<String>,
    pub manager: Option<String>,
}

fn with_assessment(p: &kejing_engine::policy::Policy) -> bool {
    p.assessment.is_some()
}

/// The chosen policy among those offered (the first when none is named), and the list.
async fn chosen(
    app: &App,
    ctx: &Ctx,
    name: Option<&str>,
) -> Result<(Vec<Offered>, Option<usize>), AppError> {
    let offered = offered_policies(app, ctx, with_assessment).await?;
    let i = match name.filter(|n| !n.is_empty()) {
        Some(n) => offered.iter().position(|o| o.name == n),
        None => (!offered.is_empty()).then_some(0),
    };
    Ok((offered, i))
}

/// A score typed in a form: empty withdraws; anything else must be a number.
fn typed(value: &str, item: &str) -> Result<Option<rust_decimal::Decimal>, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    kejing_engine::parse_decimal(v).map(Some).map_err(|_| {
        AppError::from(kejing_app::Error::said(
            kejing_app::error::Kind::Invalid,
            "score-invalid",
            &[("item", item.to_owned()), ("value", v.to_owned())],
            format!("{item}: {v:?} is not a score"),
        ))
    })
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

// ---------------------------------------------------------------- one manager

async fn rate_context(
    app: &App,
    ctx: &Ctx,
    q: &RateQuery,
    error: Option<&AppError>,
    notice: Option<String>,
) -> Result<Value, AppError> {
    let (offered, i) = chosen(app, ctx, q.policy.as_deref()).await?;
    let org = ctx.user.org.clone();
    let c = ctx.clone();
    let managers: Vec<Value> = app
        .db(&ctx.actor(), move |s| {
            Ok(s.manager_rows(&org)?
                .into_iter()
                .filter(|m| c.sees(&m.code))
                .map(|m| json!({"code": m.code, "name": m.name}))
                .collect())
        })
        .await?;
    let mut out = json!({
        "policies": offered.iter().map(|o| o.name.clone()).collect::<Vec<_>>(),
        "managers": managers,
        "form": {"policy": i.map(|i| offered[i].name.clone()), "period": q.period.clone().unwrap_or_default(), "manager": q.manager.clone().unwrap_or_default()},
        "error": error.map(|e| e.text(&app.i18n, &ctx.lang)), "notice": notice,
    });
    let (Some(period), Some(manager), Some(i)) = (
        q.period.as_deref().filter(|p| !p.is_empty()),
        q.manager.as_deref().filter(|m| !m.is_empty()),
        i,
    ) else {
        return Ok(out);
    };
    ctx.require_manager(manager)?;
    let policy = offered[i].policy.clone();
    let found = period_arg(period).and_then(|p| Ok((p, rating::scorecard(&policy, p)?)));
    let (period, card) = match found {
        Ok(v) => v,
        Err(e) => {
            out["error"] = json!(e.text(&app.i18n, &ctx.lang));
            return Ok(out);
        }
    };
    let who = ctx.who();
    if !rating::may_rate(&policy, &who, manager) {
        out["not_allowed"] = json!(true);
        return Ok(out);
    }
    let (rater, relation) = rating::rater_of(&who, manager);
    let org = ctx.user.org.clone();
    let (p, m, r) = (period.to_string(), manager.to_owned(), rater.clone());
    let given = app
        .db(&ctx.actor(), move |s| Ok(s.rater_scores(&org, &p, &m, &r)?))
        .await?;
    out["scorecard"] = json!(card.name);
    out["rater"] = json!(rater);
    out["relation"] = json!(relation);
    out["items"] = json!(card
        .items
        .iter()
        .filter(|i| i.rated)
        .map(|i| json!({
            "key": format!("{}|{}", i.dimension, i.name),
            "dimension": i.dimension, "item": i.name, "max": i.max.normalize().to_string(),
            "standard": i.standard,
            "given": given.get(&(i.dimension.clone(), i.name.clone())).map(|d| d.normalize().to_string()),
        }))
        .collect::<Vec<_>>());
    Ok(out)
}

pub async fn rate_page(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<RateQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::RateScores)?;
    let data = rate_context(&app, &ctx, &q, None, None).await?;
    render(&app, &ctx, "rate.html", page_of(data))
}

/// The ratings a form holds: `prefix` + `manager|dimension|item` (or, with a fixed manager,
/// `dimension|item`) → the typed score.
fn ratings_of(
    fields: &[(String, String)],
    prefix: &str,
    manager: Option<&str>,
) -> Result<Vec<Rating>, AppError> {
    let mut out = Vec::new();
    for (k, v) in fields {
        let Some(key) = k.strip_prefix(prefix) else {
            continue;
        };
        let parts: Vec<&str> = key.splitn(3, '|').collect();
        let (m, d, i) = match (manager, parts.as_slice()) {
            (Some(m), [d, i]) => (m, *d, *i),
            (None, [m, d, i]) => (*m, *d, *i),
            _ => continue,
        };
        out.push(Rating {
            manager: m.to_owned(),
            dimension: d.to_owned(),
            item: i.to_owned(),
            score: typed(v, i)?,
        });
    }
    Ok(out)
}

async fn save(
    app: &App,
    ctx: &Ctx,
    policy_name: &str,
    period: &str,
    ratings: Vec<Rating>,
) -> Result<(Period, rating::Rated), AppError> {
    let period = period_arg(period)?;
    let (offered, i) = chosen(app, ctx, Some(policy_name)).await?;
    let Some(i) = i else {
        return Err(AppError::not_found());
    };
    let policy = offered[i].policy.clone();
    let who = ctx.who();
    let done = app
        .db(&ctx.actor(), move |s| {
            Ok(rating::rate(s, &who, &policy, period, &ratings)?)
        })
        .await?;
    Ok((period, done))
}

fn saved_notice(app: &App, ctx: &Ctx, done: rating::Rated) -> String {
    let mut n = app.i18n.tr(
        &ctx.lang,
        "rate-saved",
        &[("count", done.saved.to_string())],
    );
    if done.withdrawn > 0 {
        n.push(' ');
        n.push_str(&app.i18n.tr(
            &ctx.lang,
            "rate-withdrawn",
            &[("count", done.withdrawn.to_string())],
        ));
    }
    n
}

pub async fn rate(
    State(app): State<App>,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    ctx.require(Action::RateScores)?;
    let q = RateQuery {
        policy: Some(field(&fields, "policy").to_owned()),
        period: Some(field(&fields, "period").to_owned()),
        manager: Some(field(&fields, "manager").to_owned()),
    };
    let manager = field(&fields, "manager").to_owned();
    ctx.require_manager(&manager)?;
    let outcome = match ratings_of(&fields, "s:", Some(&manager)) {
        Ok(r) => {
            save(
                &app,
                &ctx,
                field(&fields, "policy"),
                field(&fields, "period"),
                r,
            )
            .await
        }
        Err(e) => Err(e),
    };
    let (data, status) = match outcome {
        Ok((_, done)) => (
            rate_context(&app, &ctx, &q, None, Some(saved_notice(&app, &ctx, done))).await?,
            None,
        ),
        Err(e) if super::kit::shown_on_form(&e) || e.status.as_u16() == 403 => (
            rate_context(&app, &ctx, &q, Some(&e), None).await?,
            Some(e.status),
        ),
        Err(e) => return Err(e),
    };
    let mut r = render(&app, &ctx, "rate.html", page_of(data))?;
    if let Some(st) = status {
        *r.status_mut() = st;
    }
    Ok(r)
}

// ---------------------------------------------------------------- the grid

#[derive(Deserialize, Default)]
pub struct GridQuery {
    pub policy: Option<String>,
    pub period: Option<String>,
}

/// Everyone the user may rate (rows) across the period's rated items (columns), with what they
/// gave, the standards and the progress.
async fn grid_context(
    app: &App,
    ctx: &Ctx,
    q: &GridQuery,
    typed_back: Option<&[(String, String)]>,
    error: Option<&AppError>,
    notice: Option<String>,
) -> Result<Value, AppError> {
    let (offered, i) = chosen(app, ctx, q.policy.as_deref()).await?;
    let mut out = json!({
        "policies": offered.iter().map(|o| o.name.clone()).collect::<Vec<_>>(),
        "form": {"policy": i.map(|i| offered[i].name.clone()), "period": q.period.clone().unwrap_or_default()},
        "error": error.map(|e| e.text(&app.i18n, &ctx.lang)), "notice": notice,
    });
    let (Some(period), Some(i)) = (q.period.as_deref().filter(|p| !p.is_empty()), i) else {
        return Ok(out);
    };
    // A period the policy has no scorecard for is said on the page, with the form to change it.
    let card = match period_arg(period)
        .and_then(|p| Ok((p, rating::scorecard(&offered[i].policy, p)?.clone())))
    {
        Ok(v) => v,
        Err(e) => {
            out["error"] = json!(e.text(&app.i18n, &ctx.lang));
            return Ok(out);
        }
    };
    let (period, card) = card;
    let policy = offered[i].policy.clone();
    let who = ctx.who();
    let org = ctx.user.org.clone();
    let p = period.to_string();
    let pol = policy.clone();
    let (ratees, given, approved) = app
        .db(&ctx.actor(), move |s| {
            let ratees: Vec<(String, String)> = s
                .manager_rows(&org)?
                .into_iter()
                .filter(|m| m.status == "active" && rating::may_rate(&pol, &who, &m.code))
                .map(|m| (m.code, m.name))
                .collect();
            let (rater, _) = rating::rater_of(&who, "");
            let given = s.rater_grid(&org, &p, &rater)?;
            let approved = s.approved_assessment(&org, &p)?;
            Ok((ratees, given, approved))
        })
        .await?;
    let items: Vec<&kejing_engine::policy::ScoreItem> =
        card.items.iter().filter(|i| i.rated).collect();
    let mut filled = 0usize;
    let rows: Vec<Value> = ratees
        .iter()
        .map(|(code, name)| {
            let cells: Vec<Value> = items
                .iter()
                .map(|it| {
                    let key = format!("{code}|{}|{}", it.dimension, it.name);
                    let saved = given
                        .get(&(code.clone(), it.dimension.clone(), it.name.clone()))
                        .map(|d| d.normalize().to_string());
                    if saved.is_some() {
                        filled += 1;
                    }
                    let shown = typed_back
                        .and_then(|f| f.iter().find(|(k, _)| *k == format!("g:{key}")))
                        .map(|(_, v)| v.clone())
                        .or(saved.clone());
                    json!({"key": key, "value": shown, "saved": saved.is_some(), "max": it.max.normalize().to_string()})
                })
                .collect();
            json!({"code": code, "name": name, "cells": cells})
        })
        .collect();
    let total = ratees.len() * items.len();
    out["scorecard"] = json!(card.name);
    out["items"] = json!(items.iter().map(|i| json!({
        "dimension": i.dimension, "item": i.name, "max": i.max.normalize().to_string(), "standard": i.standard,
    })).collect::<Vec<_>>());
    out["rows"] = json!(rows);
    out["progress"] = json!({"done": filled, "total": total});
    out["approved"] = json!(approved.map(|(by, at)| json!({"by": by, "at": at})));
    Ok(out)
}

pub async fn grid_page(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<GridQuery>,
) -> Result<Response, AppError> {
    ctx.require(Action::RateScores)?;
    let data = grid_context(&app, &ctx, &q, None, None, None).await?;
    render(&app, &ctx, "rate_grid.html", page_of(data))
}

pub async fn grid(
    State(app): State<App>,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    ctx.require(Action::RateScores)?;
    let q = GridQuery {
        policy: Some(field(&fields, "policy").to_owned()),
        period: Some(field(&fields, "period").to_owned()),
    };
    let outcome = match ratings_of(&fields, "g:", None) {
        Ok(r) => {
            save(
                &app,
                &ctx,
                field(&fields, "policy"),
                field(&fields, "period"),
                r,
            )
            .await
        }
        Err(e) => Err(e),
    };
    let (data, status) = match outcome {
        Ok((_, done)) => (
            grid_context(
                &app,
                &ctx,
                &q,
                None,
                None,
                Some(saved_notice(&app, &ctx, done)),
            )
            .await?,
            None,
        ),
        Err(e) if super::kit::shown_on_form(&e) || e.status.as_u16() == 403 => (
            grid_context(&app, &ctx, &q, Some(&fields), Some(&e), None).await?,
            Some(e.status),
        ),
        Err(e) => return Err(e),
    };
    let mut r = render(&app, &ctx, "rate_grid.html", page_of(data))?;
    if let Some(st) = status {
        *r.status_mut() = st;
    }
    Ok(r)
}
