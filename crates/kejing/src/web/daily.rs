//! Daily management pages (日常管理, E1–E7), phone first: a customer manager's day (register an
//! outing and its return, the visit record, the log, the week against the prospecting goal, the
//! inbox of breaches), the head's view of the team's day (who is out, who is overdue, unsigned
//! logs with sign-and-comment); the views over a period are in `daily_period`. Every action
//! is a use case of `kejing_app::daily`, the same the CLI runs.

use super::auth::Ctx;
use super::kit::{cached_policy, page_of, policy_file, policy_files, render};
use super::perm::Action;
use super::{App, AppError};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use kejing_app::daily as uc;
use kejing_engine::daily::Breach;
use kejing_engine::expr::Value as V;
use kejing_engine::policy::Policy;
use kejing_engine::registers::Register;
use kejing_store::daily::StoredRow;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub const TEMPLATES: &[(&str, &str)] = &[
    ("daily.html", include_str!("templates/daily.html")),
    ("daily_team.html", include_str!("templates/daily_team.html")),
];

super::kit::routes! {
    GET "/daily" => my_day,
    GET "/daily/team" => team_day,
    POST "/daily/outings" => register_outing,
    POST "/daily/outings/{id}/return" => record_return,
    POST "/daily/records/{register}" => record_row,
    POST "/daily/logs/sign" => sign_log,
}

#[derive(Deserialize, Default)]
pub struct DayQuery {
    pub policy: Option<String>,
    pub day: Option<String>,
    pub manager: Option<String>,
    pub period: Option<String>,
    pub page: Option<usize>,
    /// A rule's name (the breaches of one rule).
    pub rule: Option<String>,
    /// The page of the summary by manager and rule.
    pub spage: Option<usize>,
}

/// The policies of the folder with `[daily]` rules, by name.
fn daily_policies(app: &App) -> Vec<(String, std::path::PathBuf)> {
    policy_files(&app.config.policies)
        .into_iter()
        .filter(|(_, f)| cached_policy(app, f).is_ok_and(|p| p.daily.is_some()))
        .collect()
}

/// The policy a page reads: the one named, else the first of the folder with daily rules.
pub(super) fn chosen_policy(
    app: &App,
    name: Option<&str>,
) -> Result<(Option<String>, Option<std::sync::Arc<Policy>>), AppError> {
    let file = match name.filter(|n| !n.is_empty()) {
        Some(n) => Some((n.to_owned(), policy_file(app, n)?)),
        None => daily_policies(app).into_iter().next(),
    };
    match file {
        None => Ok((None, None)),
        Some((n, f)) => Ok((Some(n), Some(cached_policy(app, &f)?))),
    }
}

fn day_arg(s: Option<&str>, today: chrono::NaiveDate) -> Result<chrono::NaiveDate, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today),
        Some(s) => s
            .parse()
            .map_err(|_| AppError::bad(format!("{s:?} is not a date (YYYY-MM-DD)"))),
    }
}

fn cell(v: V) -> Value {
    match v {
        V::Null => Value::Null,
        V::DateTime(t) => json!(t.format("%H:%M").to_string()),
        other => json!(kejing_io::registers::cell_of(&other)),
    }
}

pub(super) fn row_json(r: &StoredRow) -> Value {
    let mut fields = serde_json::Map::new();
    for f in r.row.register.fields() {
        fields.insert(f.name.to_owned(), cell(r.row.get(f.name)));
    }
    json!({ "key": r.row.key(), "manager": r.row.manager, "register": r.row.register.name(), "f": fields })
}

/// A breach for a page: the policy's name for its rule and, where the policy gives one, the
/// English name.
pub(super) fn breach_json(b: &Breach, policy: Option<&Policy>) -> Value {
    let en = policy
        .and_then(|p| p.daily.as_ref())
        .and_then(|d| d.rules.iter().find(|r| r.name == b.rule))
        .and_then(|r| r.en.clone());
    json!({ "manager": b.manager, "rule": b.rule, "rule_en": en, "date": b.date.to_string(), "detail": b.detail, "source": b.source })
}

/// How many rows the daily pages kept hold together at most.
const MAX_CACHED_ROWS: usize = 400_000;

/// The rows a page's data holds (its lists' lengths): what it costs to keep.
fn weight(data: &Value) -> usize {
    data.as_object().map_or(0, |o| {
        o.values().filter_map(Value::as_array).map(Vec::len).sum()
    }) + 1
}

/// A page's data from the cache when nothing changed since (the same data version and the same
/// minute), else computed by `f` and kept.
pub(super) async fn cached_page<F>(
    app: &App,
    ctx: &Ctx,
    key: String,
    f: F,
) -> Result<std::sync::Arc<Value>, AppError>
where
    F: std::future::Future<Output = Result<Value, AppError>>,
{
    let minute = chrono::Utc::now().timestamp() / 60;
    let key = format!("{}|{}|{key}", ctx.user.org.id, ctx.user.username);
    let hit = || {
        app.daily_pages.lock().ok().and_then(|c| {
            c.get(&key)
                .filter(|(v, m, _)| *v == ctx.version && *m == minute)
                .map(|(_, _, d)| d.clone())
        })
    };
    if let Some(d) = hit() {
        return Ok(d);
    }
    let flight = app.daily_flights.lock().ok().map(|mut f| {
        if f.len() > 512 {
            f.clear();
        }
        f.entry(key.clone()).or_default().clone()
    });
    let _turn = match &flight {
        Some(m) => Some(m.lock().await),
        None => None,
    };
    if let Some(d) = hit() {
        return Ok(d);
    }
    let data = std::sync::Arc::new(f.await?);
    if let Ok(mut c) = app.daily_pages.lock() {
        // Bounded by entries and by rows: a month's breaches of the whole organisation are
        // tens of thousands of rows.
        let rows: usize = c.values().map(|(_, _, d)| weight(d)).sum();
        if c.len() > 512 || rows + weight(&data) > MAX_CACHED_ROWS {
            c.clear();
        }
        c.insert(key, (ctx.version, minute, data.clone()));
    }
    Ok(data)
}

/// The head's view of a day as data (the page and `/api/daily/team`).
pub async fn team_data(
    app: &App,
    ctx: &Ctx,
    q: DayQuery,
) -> Result<std::sync::Arc<Value>, AppError> {
    ctx.require(Action::ViewDaily)?;
    let key = format!("team|{:?}|{:?}", q.policy, q.day);
    cached_page(app, ctx, key, team_data_now(app, ctx, q)).await
}

async fn team_data_now(app: &App, ctx: &Ctx, q: DayQuery) -> Result<Value, AppError> {
    let (name, policy) = chosen_policy(app, q.policy.as_deref())?;
    let who = ctx.who();
    let signs = ctx.can(Action::SignLog);
    let names: Vec<String> = super::kit::offered_policies(app, ctx, |p| p.daily.is_some())
        .await?
        .into_iter()
        .map(|o| o.name)
        .collect();
    app.db(&ctx.actor(), move |s| {
        let day = day_arg(q.day.as_deref(), s.today())?;
        let t = uc::team_day(s, &who, policy.as_deref(), day)?;
        let rows: Vec<Value> = t
            .managers
            .iter()
            .map(|m| {
                // An outing is overdue from the moment a rule of the policy says so (a breach
                // found on its row as of now).
                let outings: Vec<Value> = m
                    .outings
                    .iter()
                    .map(|o| {
                        let mut j = row_json(o);
                        j["overdue"] = json!(m.breaches.iter().any(|b| b.source.as_deref() == Some(o.row.source.as_str())));
                        j
                    })
                    .collect();
                let overdue = outings.iter().any(|o| o["overdue"] == json!(true));
                json!({
                    "manager": m.manager, "name": m.name, "briefing": m.briefing,
                    "outings": outings,
                    "out_now": m.outings.iter().filter(|o| o.row.get("returned_at") == V::Null).count(),
                    "visits": m.visits,
                    "log": m.log.as_ref().map(row_json),
                    "breaches": m.breaches.iter().map(|b| breach_json(b, policy.as_deref())).collect::<Vec<_>>(),
                    "overdue": overdue,
                    "week_new_clients": m.week_new_clients, "week_goal": m.week_goal,
                    "short": m.week_goal.as_ref().and_then(|g| g.parse::<usize>().ok()).is_some_and(|g| m.week_new_clients < g),
                })
            })
            .collect();
        let mut rows = rows;
        rows.sort_by_cached_key(|r| {
            (
                r["overdue"] != json!(true),
                std::cmp::Reverse(r["breaches"].as_array().map_or(0, Vec::len)),
                r["manager"].as_str().unwrap_or("").to_owned(),
            )
        });
        Ok(json!({
            "day": t.day.to_string(), "now": t.now.format("%H:%M").to_string(),
            "policy": name, "policies": names, "rows": rows,
            "unsigned": t.unsigned.iter().map(row_json).collect::<Vec<_>>(),
            "signs": signs,
        }))
    })
    .await
}

pub async fn team_day(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<DayQuery>,
) -> Result<Response, AppError> {
    let page = q.page;
    let all = team_data(&app, &ctx, q).await?;
    // A page at a time of the rows (sorted when computed: who needs the head first), and at
    // most a page of the logs waiting for a signature; the rest is shared, not copied.
    let mut data = serde_json::Map::new();
    if let Some(o) = all.as_object() {
        for (k, v) in o {
            if k != "rows" && k != "unsigned" {
                data.insert(k.clone(), v.clone());
            }
        }
    }
    let rows = all["rows"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    let (offset, pager) = super::kit::paginate(rows.len(), page);
    data.insert(
        "rows".into(),
        json!(
            rows.iter()
                .skip(offset)
                .take(super::kit::PER_PAGE)
                .collect::<Vec<_>>()
        ),
    );
    data.insert("pager".into(), pager);
    let logs = all["unsigned"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    data.insert("unsigned_total".into(), json!(logs.len()));
    data.insert(
        "unsigned".into(),
        json!(logs.iter().take(super::kit::PER_PAGE).collect::<Vec<_>>()),
    );
    let data = Value::Object(data);
    render(&app, &ctx, "daily_team.html", page_of(data))
}

/// A customer manager's day as data.
pub async fn my_data(app: &App, ctx: &Ctx, q: DayQuery) -> Result<std::sync::Arc<Value>, AppError> {
    ctx.require(Action::ViewDaily)?;
    let key = format!("me|{:?}|{:?}|{:?}", q.policy, q.day, q.manager);
    cached_page(app, ctx, key, my_data_now(app, ctx, q)).await
}

async fn my_data_now(app: &App, ctx: &Ctx, q: DayQuery) -> Result<Value, AppError> {
    let (name, policy) = chosen_policy(app, q.policy.as_deref())?;
    let who = ctx.who();
    let keeps = ctx.can(Action::KeepRegisters);
    app.db(&ctx.actor(), move |s| {
        let day = day_arg(q.day.as_deref(), s.today())?;
        let manager = match (
            who.manager.clone(),
            q.manager.clone().filter(|m| !m.is_empty()),
        ) {
            (_, Some(m)) => m,
            (Some(m), None) => m,
            (None, None) => {
                return Ok(json!({ "pick": true, "day": day.to_string(), "policy": name }));
            }
        };
        let d = uc::my_day(s, &who, policy.as_deref(), &manager, day)?;
        let of = |reg: Register| {
            d.rows
                .iter()
                .filter(move |r| r.row.register == reg)
                .map(row_json)
                .collect::<Vec<_>>()
        };
        Ok(json!({
            "manager": manager, "day": day.to_string(), "policy": name, "keeps": keeps,
            "outings": of(Register::Outings),
            "out": d.out.iter().map(row_json).collect::<Vec<_>>(),
            "visits": of(Register::Visits),
            "briefing": of(Register::Briefings).into_iter().next(),
            "log": of(Register::WorkLogs).into_iter().next(),
            "log_written": d.log_written,
            "inbox": d.breaches.iter().map(|b| breach_json(b, policy.as_deref())).collect::<Vec<_>>(),
            "week_new_clients": d.week_new_clients, "week_goal": d.week_goal,
            "pipeline": d.pipeline.iter().map(row_json).collect::<Vec<_>>(),
        }))
    })
    .await
}

pub async fn my_day(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<DayQuery>,
) -> Result<Response, AppError> {
    let data = my_data(&app, &ctx, q).await?;
    render(&app, &ctx, "daily.html", page_of((*data).clone()))
}

/// The manager a form acts for: a customer manager themself, else the form's `manager`.
fn for_manager(ctx: &Ctx, form: &BTreeMap<String, String>) -> Result<String, AppError> {
    match ctx.who().manager.clone().or_else(|| {
        form.get("manager")
            .cloned()
            .filter(|m| !m.trim().is_empty())
    }) {
        Some(m) => Ok(m),
        None => Err(AppError::bad(
            "manager: say which customer manager (客户经理编号)",
        )),
    }
}

/// The register's fields of a form (the CSRF token, the nonce and `manager` left out).
fn cells(form: &BTreeMap<String, String>, register: Register) -> BTreeMap<String, String> {
    form.iter()
        .filter_map(|(k, v)| {
            let f = register.field(k)?;
            let v = v.trim();
            if v.is_empty() {
                return None;
            }
            // A browser's datetime-local input writes 2026-11-03T09:00.
            let v = if f.kind == kejing_engine::registers::FieldKind::Stamp {
                v.replacen('T', " ", 1)
            } else {
                v.to_owned()
            };
            Some((k.clone(), v))
        })
        .collect()
}

/// Registers an outing (now, unless the form gives the time).
pub async fn register_outing_do(
    app: &App,
    ctx: &Ctx,
    form: BTreeMap<String, String>,
) -> Result<String, AppError> {
    ctx.require(Action::KeepRegisters)?;
    let who = ctx.who();
    let manager = for_manager(ctx, &form)?;
    let mut c = cells(&form, Register::Outings);
    c.insert(
        "duty".into(),
        form.get("duty").map_or("false", |_| "true").to_owned(),
    );
    app.db(&ctx.actor(), move |s| {
        Ok(uc::register_outing(s, &who, &manager, c)?)
    })
    .await
}

pub async fn register_outing(
    State(app): State<App>,
    ctx: Ctx,
    Form(form): Form<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    register_outing_do(&app, &ctx, form).await?;
    Ok(Redirect::to("/daily").into_response())
}

pub async fn record_return_do(
    app: &App,
    ctx: &Ctx,
    id: String,
    form: BTreeMap<String, String>,
) -> Result<(), AppError> {
    ctx.require(Action::KeepRegisters)?;
    let who = ctx.who();
    let manager = for_manager(ctx, &form)?;
    let at = match form.get("at").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(a) => Some(
            kejing_io::read::parse_datetime_cell(&a.replace('T', " "))
                .map_err(|e| AppError::bad(format!("at: {e}")))?,
        ),
        None => None,
    };
    app.db(&ctx.actor(), move |s| {
        uc::record_return(s, &who, &manager, &id, at)?;
        Ok(())
    })
    .await
}

pub async fn record_return(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    record_return_do(&app, &ctx, id, form).await?;
    Ok(Redirect::to("/daily").into_response())
}

/// Records a row of a register (a visit record, the log, a prospect, credit business, a retail
/// visit, a briefing row).
pub async fn record_row_do(
    app: &App,
    ctx: &Ctx,
    register: String,
    form: BTreeMap<String, String>,
) -> Result<String, AppError> {
    ctx.require(Action::KeepRegisters)?;
    let reg = Register::parse(&register).ok_or_else(AppError::not_found)?;
    let who = ctx.who();
    let manager = for_manager(ctx, &form)?;
    let c = cells(&form, reg);
    app.db(&ctx.actor(), move |s| {
        Ok(uc::record(s, &who, reg, &manager, &c)?)
    })
    .await
}

pub async fn record_row(
    State(app): State<App>,
    ctx: Ctx,
    Path(register): Path<String>,
    Form(form): Form<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    record_row_do(&app, &ctx, register, form).await?;
    Ok(Redirect::to("/daily").into_response())
}

#[derive(Deserialize)]
pub struct SignForm {
    pub manager: String,
    pub date: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub plan_next: String,
}

pub async fn sign_log_do(app: &App, ctx: &Ctx, f: SignForm) -> Result<(), AppError> {
    ctx.require(Action::SignLog)?;
    let who = ctx.who();
    let date = day_arg(Some(&f.date), chrono::NaiveDate::MIN)?;
    app.db(&ctx.actor(), move |s| {
        uc::sign_log(
            s,
            &who,
            &f.manager,
            date,
            &uc::Signature {
                comment: f.comment,
                plan_next: f.plan_next,
            },
        )?;
        Ok(())
    })
    .await
}

pub async fn sign_log(
    State(app): State<App>,
    ctx: Ctx,
    Form(f): Form<SignForm>,
) -> Result<Response, AppError> {
    sign_log_do(&app, &ctx, f).await?;
    Ok(Redirect::to("/daily/team").into_response())
}
