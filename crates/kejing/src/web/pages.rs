//! The pages. Each page's data is built by a `*_data` function that the JSON API shares, so a
//! page and its API answer never disagree; the page renders it with a template.

use super::auth::{Ctx, random_hex};
use super::perm::Action;
use super::{App, AppError, bytes, charts, fmt, i18n::I18n};
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kejing_engine::{Money, Period};
use kejing_store::audit::AuditFilter;
use kejing_store::{ImportOptions, Org, Store};
use minijinja::value::{Kwargs, Value as JValue};
use minijinja::{Environment, State as JState};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

/// Rows per page of a long list.
pub const PER_PAGE: usize = 50;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("pager.html", include_str!("templates/pager.html")),
    ("login.html", include_str!("templates/login.html")),
    ("error.html", include_str!("templates/error.html")),
    ("password.html", include_str!("templates/password.html")),
    ("dashboard.html", include_str!("templates/dashboard.html")),
    ("managers.html", include_str!("templates/managers.html")),
    ("manager.html", include_str!("templates/manager.html")),
    ("clients.html", include_str!("templates/clients.html")),
    ("client.html", include_str!("templates/client.html")),
    ("transfers.html", include_str!("templates/transfers.html")),
    ("imports.html", include_str!("templates/imports.html")),
    ("settlement.html", include_str!("templates/settlement.html")),
    ("run.html", include_str!("templates/run.html")),
    ("compare.html", include_str!("templates/compare.html")),
    ("statement.html", include_str!("templates/statement.html")),
    ("disputes.html", include_str!("templates/disputes.html")),
    ("whatif.html", include_str!("templates/whatif.html")),
    ("policies.html", include_str!("templates/policies.html")),
    ("policy.html", include_str!("templates/policy.html")),
    ("audit.html", include_str!("templates/audit.html")),
    (
        "assessments.html",
        include_str!("templates/assessments.html"),
    ),
    ("assessment.html", include_str!("templates/assessment.html")),
    ("scorecard.html", include_str!("templates/scorecard.html")),
    ("rate.html", include_str!("templates/rate.html")),
];

const ASSETS: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("static/app.js"),
    ),
];

/// Every template source (for the test that every message key exists in every language).
pub fn template_sources() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|(_, s)| *s)
}

/// The template environment: auto-escaping (names end in `.html`), `t(key, arg=…)` for
/// messages in the page's language, `nonce()` for once-only forms, and filters for amounts.
pub fn templates(i18n: Arc<I18n>) -> anyhow::Result<Environment<'static>> {
    let mut env = Environment::new();
    for (name, src) in TEMPLATES {
        env.add_template(name, src)
            .map_err(|e| anyhow::anyhow!("template {name}: {e}"))?;
    }
    env.add_function(
        "t",
        move |state: &JState, key: String, kwargs: Kwargs| -> Result<String, minijinja::Error> {
            let lang = state
                .lookup("lang")
                .and_then(|l| l.as_str().map(str::to_owned))
                .unwrap_or_else(|| super::i18n::DEFAULT.to_owned());
            let mut args = Vec::new();
            for k in kwargs.args() {
                let v: JValue = kwargs.get(k)?;
                args.push((k, v.to_string()));
            }
            let pairs: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.clone())).collect();
            Ok(i18n.tr(&lang, &key, &pairs))
        },
    );
    env.add_function("nonce", || random_hex(12));
    env.add_filter("money", |v: JValue| -> String {
        money_text(&v).map_or_else(|| v.to_string(), fmt::amount)
    });
    env.add_filter("wan", |v: JValue| -> String {
        money_text(&v).map_or_else(|| v.to_string(), |m| fmt::wan(m.fen()))
    });
    env.add_filter("num", |v: JValue| -> String {
        let s = v.to_string();
        s.parse::<Decimal>().map_or(s, |d| fmt::decimal(d, 2))
    });
    Ok(env)
}

fn money_text(v: &JValue) -> Option<Money> {
    if v.is_undefined() || v.is_none() {
        return None;
    }
    Money::parse(&v.to_string()).ok()
}

/// Renders a page with the common context: language, user, CSRF token and what they may do.
pub fn render(app: &App, ctx: &Ctx, name: &str, extra: JValue) -> Result<Response, AppError> {
    let can: BTreeMap<&str, bool> = Action::ALL
        .iter()
        .map(|a| (a.code(), ctx.can(*a)))
        .collect();
    let base = minijinja::context! {
        lang => ctx.lang.clone(),
        csrf => ctx.csrf.clone(),
        me => json!({
            "username": ctx.user.username,
            "name": ctx.user.display_name,
            "role": ctx.role.code(),
            "manager": ctx.user.manager_code,
            "org": ctx.user.org.name,
        }),
        can => can,
    };
    let body = app
        .templates
        .get_template(name)?
        .render(minijinja::context! { ..extra, ..base })?;
    let mut r = Html(body).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

fn page_of(data: Value) -> JValue {
    JValue::from_serialize(&data)
}

/// A page of a list: which rows, and the links' numbers.
fn paginate(total: usize, page: Option<usize>) -> (usize, Value) {
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = page.unwrap_or(1).clamp(1, pages);
    (
        (page - 1) * PER_PAGE,
        json!({"page": page, "pages": pages, "total": total,
               "prev": (page > 1).then(|| page - 1), "next": (page < pages).then(|| page + 1)}),
    )
}

/// A period from a form field, or a clear error.
pub fn period_arg(s: &str) -> Result<Period, AppError> {
    s.trim()
        .parse::<Period>()
        .map_err(|e| AppError::bad(format!("{s:?}: {e}")))
}

fn money_of(s: &str) -> Result<Money, AppError> {
    Money::parse(s.trim()).map_err(|e| AppError::bad(format!("{s:?}: {e}")))
}

fn completion(actual: Option<Decimal>, target: Option<Decimal>) -> Value {
    match (actual, target) {
        (Some(a), Some(t)) => json!({
            "actual": fmt::decimal(a, 2),
            "target": fmt::decimal(t, 2),
            "percent": fmt::percent(a, t),
        }),
        _ => Value::Null,
    }
}

// ---------------------------------------------------------------- dashboard

#[derive(Deserialize, Default)]
pub struct DashQuery {
    pub period: Option<String>,
    pub page: Option<usize>,
    /// The team table's order: pay (default, highest first), previous, manager, name, unit.
    pub sort: Option<String>,
    pub dir: Option<String>,
}

/// The dashboard's data: my pay this period and last, completion, rank and trend; for heads
/// and the office the team table and the distribution.
pub fn dashboard_data(
    app: &App,
    s: &mut Store,
    ctx: &Ctx,
    q: &DashQuery,
) -> Result<Value, AppError> {
    let org = ctx.user.org.clone();
    let mut reads = super::cache::Reads::at(app, s, ctx.version);
    let runs = reads.current_runs(&org)?;
    let periods: Vec<String> = runs.iter().map(|r| r.0.clone()).collect();
    let idx = match &q.period {
        Some(p) => runs.iter().position(|r| &r.0 == p),
        None => runs.len().checked_sub(1),
    };
    let mut out = json!({ "periods": periods, "period": Value::Null });
    let Some(i) = idx else {
        return Ok(out);
    };
    let (period, run, locked) = runs[i].clone();
    let prev = i.checked_sub(1).map(|j| runs[j].clone());
    out["period"] = json!(period);
    out["run"] = json!(run);
    out["locked"] = json!(locked);
    out["previous_period"] = json!(prev.as_ref().map(|p| p.0.clone()));
    let totals = reads.totals(run)?;
    let prev_totals = match &prev {
        Some(p) => reads.totals(p.1)?,
        None => Arc::new(BTreeMap::new()),
    };
    let measures = reads.measures(run)?;
    let targets = reads.targets(&org, &period)?;
    let completion_of = |m: &str| -> Value {
        targets
            .range((m.to_owned(), String::new())..)
            .take_while(|((mm, _), _)| mm == m)
            .find_map(|((_, measure), t)| {
                measures.get(&(m.to_owned(), measure.clone())).map(|a| {
                    let mut c = completion(Some(*a), Some(*t));
                    c["measure"] = json!(measure);
                    c
                })
            })
            .unwrap_or(Value::Null)
    };
    if let Some(me) = ctx.user.manager_code.clone() {
        let mine = totals.get(&me).copied();
        // Rank by pay among everyone paid on the run: 1 + how many earn more.
        let rank = mine.map(|m| 1 + totals.values().filter(|v| **v > m).count());
        let mut trend: Vec<(String, Money)> = Vec::new();
        for (p, r, _) in runs[..=i].iter().rev().take(12) {
            if let Some(m) = reads.totals(*r)?.get(&me) {
                trend.push((p.clone(), *m));
            }
        }
        trend.reverse();
        out["mine"] = json!({
            "manager": me,
            "pay": mine.map(|m| m.to_string()),
            "previous": prev_totals.get(&me).map(|m| m.to_string()),
            "rank": rank,
            "of": totals.len(),
            "completion": completion_of(&me),
            "trend": trend.iter().map(|(p, m)| json!({"period": p, "pay": m.to_string()})).collect::<Vec<_>>(),
            "chart": charts::bars(
                "trend",
                &trend.iter().map(|(p, m)| (p.clone(), m.fen())).collect::<Vec<_>>(),
                fmt::money,
            ),
        });
    }
    if ctx.role != super::perm::Role::Manager {
        let managers = reads.managers(&org)?;
        let names: BTreeMap<&str, (&str, &str)> = managers
            .iter()
            .map(|m| (m.code.as_str(), (m.name.as_str(), m.org_unit.as_str())))
            .collect();
        let mut team: Vec<(&String, Money)> = totals
            .iter()
            .filter(|(m, _)| ctx.sees(m))
            .map(|(m, v)| (m, *v))
            .collect();
        team.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let sum: i64 = team.iter().map(|t| t.1.fen()).sum();
        let values: Vec<i64> = team.iter().map(|t| t.1.fen()).collect();
        // Equal pay shares a rank (1, 1, 3); the table may then be sorted by another column.
        let mut ranked: Vec<(usize, &String, Money)> = Vec::with_capacity(team.len());
        for (i, (m, v)) in team.iter().enumerate() {
            let rank = match ranked.last() {
                Some((r, _, last)) if last == v => *r,
                _ => i + 1,
            };
            ranked.push((rank, m, *v));
        }
        let sort = q.sort.as_deref().unwrap_or("pay");
        let text_of = |m: &str, f: usize| -> &str {
            names
                .get(m)
                .map(|(n, u)| if f == 0 { *n } else { *u })
                .unwrap_or("")
        };
        match sort {
            "manager" => ranked.sort_by(|a, b| a.1.cmp(b.1)),
            "name" => {
                ranked.sort_by(|a, b| text_of(a.1, 0).cmp(text_of(b.1, 0)).then(a.1.cmp(b.1)))
            }
            "unit" => {
                ranked.sort_by(|a, b| text_of(a.1, 1).cmp(text_of(b.1, 1)).then(a.1.cmp(b.1)))
            }
            "previous" => ranked.sort_by(|a, b| {
                prev_totals
                    .get(b.1)
                    .cmp(&prev_totals.get(a.1))
                    .then(a.1.cmp(b.1))
            }),
            _ => {}
        }
        // Pay and previous pay read highest first; names and codes A to Z; `dir` turns it round.
        let natural = if matches!(sort, "pay" | "previous") {
            "desc"
        } else {
            "asc"
        };
        let dir = q.dir.clone().unwrap_or_else(|| natural.to_owned());
        if dir != natural {
            ranked.reverse();
        }
        let (offset, pager) = paginate(ranked.len(), q.page);
        let rows: Vec<Value> = ranked
            .iter()
            .skip(offset)
            .take(PER_PAGE)
            .map(|(rank, m, v)| {
                let (name, unit) = names.get(m.as_str()).copied().unwrap_or_default();
                json!({
                    "rank": rank,
                    "manager": m, "name": name, "unit": unit,
                    "pay": v.to_string(),
                    "previous": prev_totals.get(*m).map(|x| x.to_string()),
                    "completion": completion_of(m),
                })
            })
            .collect();
        out["team"] = json!({
            "sort": sort,
            "dir": dir,
            "rows": rows,
            "pager": pager,
            "count": team.len(),
            "total": Money::from_fen(sum).to_string(),
            "chart": charts::histogram("distribution", &values, 10, fmt::money),
        });
    }
    Ok(out)
}

pub async fn dashboard(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<DashQuery>,
) -> Result<Response, AppError> {
    let (c, a) = (ctx.clone(), app.clone());
    let data = app
        .db(&ctx.actor(), move |s| dashboard_data(&a, s, &c, &q))
        .await?;
    render(&app, &ctx, "dashboard.html", page_of(data))
}

// ---------------------------------------------------------------- managers

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub q: Option<String>,
    pub unit: Option<String>,
    pub status: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub page: Option<usize>,
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

// ---------------------------------------------------------------- clients and ownership

pub fn clients_data(s: &mut Store, ctx: &Ctx, q: &ListQuery) -> Result<Value, AppError> {
    ctx.require(Action::ViewClients)?;
    let org = ctx.user.org.clone();
    let today = s.today();
    let scope: Option<Vec<String>> = ctx.scope.as_ref().map(|s| s.iter().cloned().collect());
    let page = q.page.unwrap_or(1).max(1);
    let (rows, total) = s.client_rows(
        &org,
        today,
        scope.as_deref(),
        q.q.as_deref(),
        ((page - 1) * PER_PAGE) as i64,
        PER_PAGE as i64,
    )?;
    let (_, pager) = paginate(total as usize, Some(page));
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
    let data = app
        .db(&ctx.actor(), move |s| clients_data(s, &c, &q))
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
                .filter(|m| m.status == "active")
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

#[derive(Deserialize)]
pub struct DecideForm {
    pub approve: String,
    #[serde(default)]
    pub decision: String,
    pub period: Option<String>,
    pub amount: Option<String>,
}

pub fn decide_transfer_do(
    s: &mut Store,
    ctx: &Ctx,
    _uploads: &std::path::Path,
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
    let uploads = app.config.uploads.clone();
    app.db(&ctx.actor(), move |s| {
        decide_transfer_do(s, &c, &uploads, id, &f)
    })
    .await?;
    Ok(Redirect::to("/transfers").into_response())
}

// ---------------------------------------------------------------- imports

pub async fn imports(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Import)?;
    render(&app, &ctx, "imports.html", imports_context(&app, None))
}

fn imports_context(_app: &App, result: Option<Value>) -> JValue {
    let tables: Vec<Value> = kejing_io::Table::ALL
        .iter()
        .map(|t| json!({"name": t.name(), "zh": t.zh()}))
        .collect();
    page_of(json!({ "tables": tables, "result": result }))
}

/// Checks an uploaded file against the database without writing: the report, or every bad row.
pub fn preview_import(
    s: &mut Store,
    org: &Org,
    table: kejing_io::Table,
    file: &std::path::Path,
    commit: bool,
) -> Value {
    let opts = ImportOptions::default();
    let run = |s: &mut Store| s.import(org, table, file, &opts, &mut |_, _, _| {});
    let result = if commit { run(s) } else { s.preview(run) };
    match result {
        Ok(r) => json!({
            "ok": true, "rows": r.rows_read, "written": r.written, "unchanged": r.unchanged,
            "warnings": r.warnings,
        }),
        Err(kejing_store::ImportError::Read(e)) if !e.row_errors().is_empty() => {
            let errors = e.row_errors();
            json!({
                "ok": false,
                "message": format!("{} bad row(s); nothing was written", errors.len()),
                "errors": errors.iter().take(1000).map(|r| json!({
                    "row": r.row, "column": r.column, "value": r.value, "reason": r.reason,
                })).collect::<Vec<_>>(),
                "error_count": errors.len(),
            })
        }
        Err(e) => json!({ "ok": false, "message": e.to_string(), "errors": [] }),
    }
}

pub async fn upload(
    State(app): State<App>,
    ctx: Ctx,
    mut form: Multipart,
) -> Result<Response, AppError> {
    ctx.require(Action::Import)?;
    let mut table = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| AppError::bad(format!("the upload is not readable: {e}")))?
    {
        match field.name() {
            Some("table") => table = Some(field.text().await.unwrap_or_default()),
            Some("file") => {
                let name = field.file_name().unwrap_or("upload.csv").to_owned();
                let data = field
                    .bytes()
                    .await
                    .map_err(|e| AppError::bad(format!("the upload is not readable: {e}")))?;
                file = Some((name, data.to_vec()));
            }
            _ => {}
        }
    }
    let table = table.unwrap_or_default();
    let t = kejing_io::Table::parse(&table)
        .ok_or_else(|| AppError::bad(format!("unknown table {table:?}")))?;
    let Some((name, data)) = file.filter(|f| !f.1.is_empty()) else {
        return Err(AppError::bad("choose a CSV or XLSX file to upload"));
    };
    let ext = if name.to_ascii_lowercase().ends_with(".xlsx") {
        "xlsx"
    } else {
        "csv"
    };
    let id = random_hex(12);
    let path = app.config.uploads.join(format!("{id}.{ext}"));
    std::fs::write(&path, &data)
        .map_err(|e| AppError::internal(format!("saving the upload: {e}")))?;
    let meta = json!({"table": t.name(), "file": name, "user": ctx.user.username, "ext": ext});
    std::fs::write(
        app.config.uploads.join(format!("{id}.json")),
        meta.to_string(),
    )
    .map_err(|e| AppError::internal(format!("saving the upload: {e}")))?;
    let org = ctx.user.org.clone();
    let p = path.clone();
    let mut result = app
        .db(&ctx.actor(), move |s| {
            Ok(preview_import(s, &org, t, &p, false))
        })
        .await?;
    result["id"] = json!(id);
    result["file"] = json!(name);
    result["table"] = json!(t.name());
    result["table_zh"] = json!(t.zh());
    if result["ok"] != json!(true) {
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(app.config.uploads.join(format!("{id}.json")));
    }
    let status = if result["ok"] == json!(true) {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut r = render(
        &app,
        &ctx,
        "imports.html",
        imports_context(&app, Some(result)),
    )?;
    *r.status_mut() = status;
    Ok(r)
}

pub async fn commit_import(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    ctx.require(Action::Import)?;
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::not_found());
    }
    let meta_path = app.config.uploads.join(format!("{id}.json"));
    let meta: Value = std::fs::read_to_string(&meta_path)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .ok_or_else(|| AppError::new(StatusCode::CONFLICT, "error-upload-gone"))?;
    if meta["user"] != json!(ctx.user.username) {
        return Err(AppError::forbidden());
    }
    let t = kejing_io::Table::parse(meta["table"].as_str().unwrap_or(""))
        .ok_or_else(|| AppError::bad("the upload's table is unknown"))?;
    let path: PathBuf = app
        .config
        .uploads
        .join(format!("{id}.{}", meta["ext"].as_str().unwrap_or("csv")));
    let org = ctx.user.org.clone();
    let p = path.clone();
    let mut result = app
        .db(&ctx.actor(), move |s| {
            Ok(preview_import(s, &org, t, &p, true))
        })
        .await?;
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(&meta_path);
    result["committed"] = json!(true);
    result["file"] = meta["file"].clone();
    result["table"] = json!(t.name());
    result["table_zh"] = json!(t.zh());
    render(
        &app,
        &ctx,
        "imports.html",
        imports_context(&app, Some(result)),
    )
}

// ---------------------------------------------------------------- policies

/// The policies of the folder: name → file.
pub fn policy_files(dir: &std::path::Path) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    if kejing_app::cases::find_policies(dir, &mut files).is_err() {
        return Vec::new();
    }
    files
        .into_iter()
        .map(|f| {
            let name = f
                .parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| f.display().to_string());
            (name, f)
        })
        .collect()
}

fn policy_file(app: &App, name: &str) -> Result<PathBuf, AppError> {
    policy_files(&app.config.policies)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, f)| f)
        .ok_or_else(AppError::not_found)
}

pub fn policies_data(app: &App) -> Value {
    let rows: Vec<Value> = policy_files(&app.config.policies)
        .into_iter()
        .map(|(name, file)| match kejing_app::catalogue::load(&file) {
            Ok(p) => json!({"name": name, "ok": true, "title": p.title, "frequency": p.frequency.name(),
                            "items": p.items.len(), "cases": p.cases.len(), "parameters": p.parameters.len()}),
            Err(e) => json!({"name": name, "ok": false, "error": format!("{e:#}")}),
        })
        .collect();
    json!({ "rows": rows, "folder": app.config.policies.display().to_string() })
}

pub async fn policies(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::ViewPolicies)?;
    render(&app, &ctx, "policies.html", page_of(policies_data(&app)))
}

fn policy_view(app: &App, name: &str, tests: Option<Value>) -> Result<Value, AppError> {
    let file = policy_file(app, name)?;
    let text = std::fs::read_to_string(&file)
        .map_err(|e| AppError::internal(format!("{}: {e}", file.display())))?;
    let check = match kejing_app::catalogue::load(&file) {
        Ok(p) => json!({"ok": true, "summary": format!(
            "{} · {} · {} parameter(s), {} tier table(s), {} measure(s), {} value(s), {} item(s), {} case(s)",
            p.name, p.frequency.name(), p.parameters.len(), p.tiers.len(), p.measures.len(),
            p.values.len(), p.items.len(), p.cases.len())}),
        Err(e) => json!({"ok": false, "error": format!("{e:#}")}),
    };
    Ok(json!({
        "name": name,
        "lines": text.lines().collect::<Vec<_>>(),
        "check": check,
        "tests": tests,
    }))
}

pub async fn policy(
    State(app): State<App>,
    ctx: Ctx,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    ctx.require(Action::ViewPolicies)?;
    let data = policy_view(&app, &name, None)?;
    render(&app, &ctx, "policy.html", page_of(data))
}

/// Runs a policy's test cases: each with its result.
pub fn policy_tests(file: &std::path::Path) -> Value {
    match kejing_app::catalogue::load(file) {
        Err(e) => {
            json!({"passed": 0, "failed": 1, "cases": [{"name": "load", "ok": false, "problems": [format!("{e:#}")]}]})
        }
        Ok(p) => {
            let cases: Vec<Value> = p
                .cases
                .iter()
                .map(|c| match kejing_app::cases::run_case(&p, c) {
                    Ok(()) => json!({"name": c.name, "line": c.line, "ok": true}),
                    Err(problems) => {
                        json!({"name": c.name, "line": c.line, "ok": false, "problems": problems})
                    }
                })
                .collect();
            let passed = cases.iter().filter(|c| c["ok"] == json!(true)).count();
            json!({"passed": passed, "failed": cases.len() - passed, "cases": cases})
        }
    }
}

pub async fn test_policy(
    State(app): State<App>,
    ctx: Ctx,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    ctx.require(Action::ViewPolicies)?;
    let file = policy_file(&app, &name)?;
    let tests = tokio::task::spawn_blocking(move || policy_tests(&file))
        .await
        .map_err(|e| AppError::internal(e.to_string()))?;
    let data = policy_view(&app, &name, Some(tests))?;
    render(&app, &ctx, "policy.html", page_of(data))
}

// ---------------------------------------------------------------- settlement

pub fn runs_data(s: &mut Store, ctx: &Ctx) -> Result<Value, AppError> {
    ctx.require(Action::ViewRuns)?;
    let runs = s.runs(&ctx.user.org)?;
    Ok(json!({
        "runs": runs.iter().map(|r| json!({
            "id": r.id, "period": r.period, "policy": r.policy, "policy_hash": r.policy_hash,
            "created_at": r.created_at, "actor": r.actor, "locked": r.locked,
        })).collect::<Vec<_>>(),
    }))
}

pub async fn settlement(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    let c = ctx.clone();
    let mut data = app.db(&ctx.actor(), move |s| runs_data(s, &c)).await?;
    data["policies"] = json!(
        policy_files(&app.config.policies)
            .into_iter()
            .map(|(n, _)| n)
            .collect::<Vec<_>>()
    );
    render(&app, &ctx, "settlement.html", page_of(data))
}

#[derive(Deserialize)]
pub struct RunForm {
    pub policy: String,
    pub period: String,
}

/// Settles a period over the database under a policy of the folder; the new run's id.
pub async fn run_settlement_do(app: &App, ctx: &Ctx, f: RunForm) -> Result<i64, AppError> {
    ctx.require(Action::RunSettlement)?;
    let period = period_arg(&f.period)?;
    let file = policy_file(app, &f.policy)?;
    let who = ctx.who();
    app.db(&ctx.actor(), move |s| {
        let policy = kejing_app::catalogue::load(&file)?;
        Ok(kejing_app::settlement::run(s, &who, &policy, period)?.id)
    })
    .await
}

pub async fn run_settlement(
    State(app): State<App>,
    ctx: Ctx,
    Form(f): Form<RunForm>,
) -> Result<Response, AppError> {
    let run = run_settlement_do(&app, &ctx, f).await?;
    Ok(Redirect::to(&format!("/settlement/runs/{run}")).into_response())
}

/// A run: per manager in scope, each item and the total; sortable, paginated.
pub fn run_data(s: &mut Store, ctx: &Ctx, run: i64, q: &ListQuery) -> Result<Value, AppError> {
    ctx.require(Action::ViewRuns)?;
    let org = ctx.user.org.clone();
    let Some(info) = s.run_info(&org, run)? else {
        return Err(AppError::not_found());
    };
    let lines = s.run_lines(run)?;
    let names: BTreeMap<String, (String, String, String)> = s
        .manager_rows(&org)?
        .into_iter()
        .map(|m| (m.code, (m.name, m.org_unit, m.grade)))
        .collect();
    let mut items: Vec<String> = Vec::new();
    let mut per: BTreeMap<String, BTreeMap<String, Money>> = BTreeMap::new();
    for l in &lines {
        if !ctx.sees(&l.manager) {
            continue;
        }
        if l.item != "total" && !items.contains(&l.item) {
            items.push(l.item.clone());
        }
        let e = per
            .entry(l.manager.clone())
            .or_default()
            .entry(l.item.clone())
            .or_default();
        *e = e.checked_add(l.amount).unwrap_or(*e);
    }
    let mut rows: Vec<(String, BTreeMap<String, Money>)> = per.into_iter().collect();
    let sort = q.sort.as_deref().unwrap_or("manager");
    if sort == "total" {
        rows.sort_by(|a, b| a.1.get("total").cmp(&b.1.get("total")).then(a.0.cmp(&b.0)));
    }
    if q.dir.as_deref() == Some("desc") {
        rows.reverse();
    }
    let mut sums: BTreeMap<String, i64> = BTreeMap::new();
    for (_, r) in &rows {
        for (k, v) in r {
            *sums.entry(k.clone()).or_default() += v.fen();
        }
    }
    let (offset, pager) = paginate(rows.len(), q.page);
    Ok(json!({
        "run": {"id": info.id, "period": info.period, "policy": info.policy, "policy_hash": info.policy_hash,
                "created_at": info.created_at, "actor": info.actor, "locked": info.locked},
        "items": items,
        "rows": rows.iter().skip(offset).take(PER_PAGE).map(|(m, r)| {
            let (name, unit, grade) = names.get(m).cloned().unwrap_or_default();
            json!({"manager": m, "name": name, "unit": unit, "grade": grade,
                   "amounts": items.iter().map(|i| r.get(i).map(|v| v.to_string())).collect::<Vec<_>>(),
                   "total": r.get("total").map(|v| v.to_string())})
        }).collect::<Vec<_>>(),
        "sums": items.iter().map(|i| Money::from_fen(sums.get(i).copied().unwrap_or(0)).to_string()).collect::<Vec<_>>(),
        "total": Money::from_fen(sums.get("total").copied().unwrap_or(0)).to_string(),
        "count": rows.len(),
        "pager": pager,
        "sort": sort, "dir": q.dir.as_deref().unwrap_or("asc"),
    }))
}

pub async fn run(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let data = app
        .db(&ctx.actor(), move |s| run_data(s, &c, id, &q))
        .await?;
    render(&app, &ctx, "run.html", page_of(data))
}

pub fn lock_do(s: &mut Store, ctx: &Ctx, run: i64) -> Result<(), AppError> {
    kejing_app::settlement::lock(s, &ctx.who(), run)?;
    Ok(())
}

pub async fn lock_run(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    app.db(&ctx.actor(), move |s| lock_do(s, &c, id)).await?;
    Ok(Redirect::to(&format!("/settlement/runs/{id}")).into_response())
}

/// The payroll table (提成工资表) of a run as XLSX: one row per manager, one column per item.
pub async fn payroll(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    ctx.require(Action::ExportPayroll)?;
    let c = ctx.clone();
    let lang = ctx.lang.clone();
    let i18n = app.i18n.clone();
    let bytes_ = app
        .db(&ctx.actor(), move |s| {
            let q = ListQuery::default();
            let all = run_data_all(s, &c, id, &q)?;
            payroll_xlsx(&i18n, &lang, &all)
        })
        .await?;
    let mut r = bytes(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes_,
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"payroll-run-{id}.xlsx\""))
    {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

fn run_data_all(s: &mut Store, ctx: &Ctx, run: i64, q: &ListQuery) -> Result<Value, AppError> {
    // Every row, not one page.
    let mut data = run_data(s, ctx, run, q)?;
    let pages = data["pager"]["pages"].as_u64().unwrap_or(1) as usize;
    let mut rows = data["rows"].as_array().cloned().unwrap_or_default();
    for p in 2..=pages {
        let q2 = ListQuery {
            page: Some(p),
            sort: q.sort.clone(),
            dir: q.dir.clone(),
            ..ListQuery::default()
        };
        let more = run_data(s, ctx, run, &q2)?;
        rows.extend(more["rows"].as_array().cloned().unwrap_or_default());
    }
    data["rows"] = Value::Array(rows);
    Ok(data)
}

fn payroll_xlsx(i18n: &I18n, lang: &str, data: &Value) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let xe = |e: rust_xlsxwriter::XlsxError| AppError::internal(format!("writing XLSX: {e}"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(i18n.tr(lang, "payroll-sheet", &[]))
        .map_err(xe)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let mut headers: Vec<String> = ["col-manager", "col-name", "col-unit", "col-grade"]
        .iter()
        .map(|k| i18n.tr(lang, k, &[]))
        .collect();
    let items: Vec<String> = data["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    headers.extend(items.iter().cloned());
    headers.push(i18n.tr(lang, "col-total", &[]));
    for (c, h) in headers.iter().enumerate() {
        ws.write_with_format(0, c as u16, h.as_str(), &bold)
            .map_err(xe)?;
    }
    let num = |v: &Value| -> Option<Decimal> { v.as_str().and_then(|s| s.parse::<Decimal>().ok()) };
    let rows = data["rows"].as_array().cloned().unwrap_or_default();
    for (r, row) in rows.iter().enumerate() {
        let r = (r + 1) as u32;
        for (c, k) in ["manager", "name", "unit", "grade"].iter().enumerate() {
            ws.write(r, c as u16, row[k].as_str().unwrap_or(""))
                .map_err(xe)?;
        }
        let amounts = row["amounts"].as_array().cloned().unwrap_or_default();
        for (i, a) in amounts.iter().enumerate() {
            if let Some(d) = num(a) {
                ws.write_formula_with_format(r, (4 + i) as u16, decimal_cell(d), &money)
                    .map_err(xe)?;
            }
        }
        if let Some(d) = num(&row["total"]) {
            ws.write_formula_with_format(r, (4 + items.len()) as u16, decimal_cell(d), &money)
                .map_err(xe)?;
        }
    }
    ws.autofit();
    wb.save_to_buffer().map_err(xe)
}

/// A spreadsheet number for an exact amount without going through binary floating point in
/// our code: a formula of the decimal text, with the same text as its cached result.
fn decimal_cell(d: Decimal) -> rust_xlsxwriter::Formula {
    let text = d.normalize().to_string();
    rust_xlsxwriter::Formula::new(format!("={text}")).set_result(text)
}

#[derive(Deserialize)]
pub struct CompareQuery {
    pub a: Option<i64>,
    pub b: Option<i64>,
    pub page: Option<usize>,
}

pub fn compare_data(s: &mut Store, ctx: &Ctx, q: &CompareQuery) -> Result<Value, AppError> {
    ctx.require(Action::ViewRuns)?;
    let org = ctx.user.org.clone();
    let runs = s.runs(&org)?;
    let (Some(a), Some(b)) = (q.a, q.b) else {
        return Ok(
            json!({"runs": runs.iter().map(|r| json!({"id": r.id, "period": r.period})).collect::<Vec<_>>()}),
        );
    };
    if s.run_info(&org, a)?.is_none() || s.run_info(&org, b)?.is_none() {
        return Err(AppError::not_found());
    }
    let (ta, tb) = (s.run_totals(a)?, s.run_totals(b)?);
    let managers: BTreeSet<&String> = ta.keys().chain(tb.keys()).filter(|m| ctx.sees(m)).collect();
    let mut rows = Vec::new();
    let (mut sa, mut sb) = (0i64, 0i64);
    for m in managers {
        let x = ta.get(m).map_or(0, |v| v.fen());
        let y = tb.get(m).map_or(0, |v| v.fen());
        sa += x;
        sb += y;
        if x != y {
            rows.push(json!({"manager": m, "a": Money::from_fen(x).to_string(), "b": Money::from_fen(y).to_string(),
                             "diff": Money::from_fen(y - x).to_string()}));
        }
    }
    let (offset, pager) = paginate(rows.len(), q.page);
    Ok(json!({
        "runs": runs.iter().map(|r| json!({"id": r.id, "period": r.period})).collect::<Vec<_>>(),
        "a": a, "b": b,
        "changed": rows.len(),
        "rows": rows.into_iter().skip(offset).take(PER_PAGE).collect::<Vec<_>>(),
        "pager": pager,
        "total_a": Money::from_fen(sa).to_string(), "total_b": Money::from_fen(sb).to_string(),
        "total_diff": Money::from_fen(sb - sa).to_string(),
    }))
}

pub async fn compare(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<CompareQuery>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let data = app
        .db(&ctx.actor(), move |s| compare_data(s, &c, &q))
        .await?;
    render(&app, &ctx, "compare.html", page_of(data))
}

// ---------------------------------------------------------------- statement

/// One CM's statement on a run: each line, the explanation tree with its source rows, and the
/// disputes on it.
pub fn statement_data(
    s: &mut Store,
    ctx: &Ctx,
    run: i64,
    manager: &str,
) -> Result<Value, AppError> {
    ctx.require(Action::ViewStatement)?;
    if !ctx.sees(manager) {
        return Err(AppError::forbidden());
    }
    let org = ctx.user.org.clone();
    let Some(info) = s.run_info(&org, run)? else {
        return Err(AppError::not_found());
    };
    let lines = s.manager_lines(run, manager)?;
    if lines.is_empty() {
        return Err(AppError::not_found());
    }
    let trace = s.run_trace(run, manager)?;
    let name = s
        .manager_rows(&org)?
        .into_iter()
        .find(|m| m.code == manager)
        .map(|m| m.name)
        .unwrap_or_default();
    let disputes: Vec<Value> = s
        .disputes(&org)?
        .into_iter()
        .filter(|d| d.run == run && d.manager == manager)
        .map(|d| json!({"id": d.id, "item": d.item, "reason": d.reason, "status": d.status, "decision": d.decision}))
        .collect();
    let own = ctx.user.manager_code.as_deref() == Some(manager) && ctx.can(Action::RaiseDispute);
    Ok(json!({
        "run": {"id": info.id, "period": info.period, "policy": info.policy, "locked": info.locked},
        "manager": manager, "name": name,
        "lines": lines.iter().map(|(item, amount, note)| {
            // Where the item is explained: the first top-level node of the trace named after it.
            let anchor = trace.as_ref().and_then(|t| t["children"].as_array()).and_then(|c| {
                c.iter().position(|n| n["label"].as_str().is_some_and(|l| l.starts_with(item.as_str())))
            });
            json!({"item": item, "amount": amount.to_string(), "note": note, "anchor": anchor})
        }).collect::<Vec<_>>(),
        "trace": trace,
        "disputes": disputes,
        "can_dispute": own,
    }))
}

pub async fn statement(
    State(app): State<App>,
    ctx: Ctx,
    Path((run, manager)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let data = app
        .db(&ctx.actor(), move |s| statement_data(s, &c, run, &manager))
        .await?;
    render(&app, &ctx, "statement.html", page_of(data))
}

// ---------------------------------------------------------------- disputes

pub fn disputes_data(s: &mut Store, ctx: &Ctx) -> Result<Value, AppError> {
    if !(ctx.can(Action::ViewStatement)) {
        return Err(AppError::forbidden());
    }
    let rows: Vec<Value> = s
        .disputes(&ctx.user.org)?
        .into_iter()
        .filter(|d| ctx.sees(&d.manager))
        .map(|d| json!({
            "id": d.id, "run": d.run, "manager": d.manager, "item": d.item, "reason": d.reason,
            "raised_by": d.raised_by, "status": d.status, "reviewer": d.reviewer, "decision": d.decision,
            "adjustment": d.adjustment.as_ref().map(|(p, m)| json!({"period": p, "amount": m.to_string()})),
        }))
        .collect();
    Ok(json!({ "rows": rows }))
}

pub async fn disputes(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    let c = ctx.clone();
    let data = app.db(&ctx.actor(), move |s| disputes_data(s, &c)).await?;
    render(&app, &ctx, "disputes.html", page_of(data))
}

#[derive(Deserialize)]
pub struct DisputeForm {
    pub run: i64,
    pub manager: String,
    pub item: String,
    pub reason: String,
}

pub fn raise_dispute_do(s: &mut Store, ctx: &Ctx, f: &DisputeForm) -> Result<i64, AppError> {
    Ok(kejing_app::disputes::raise(
        s,
        &ctx.who(),
        f.run,
        &f.manager,
        &f.item,
        &f.reason,
    )?)
}

pub async fn raise_dispute(
    State(app): State<App>,
    ctx: Ctx,
    Form(f): Form<DisputeForm>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let (run, manager) = (f.run, f.manager.clone());
    app.db(&ctx.actor(), move |s| raise_dispute_do(s, &c, &f))
        .await?;
    Ok(Redirect::to(&format!("/statements/{run}/{manager}")).into_response())
}

pub fn decide_dispute_do(
    s: &mut Store,
    ctx: &Ctx,
    id: i64,
    f: &DecideForm,
) -> Result<(), AppError> {
    ctx.require(Action::DecideDispute)?;
    let verdict = if f.approve == "yes" {
        let period = period_arg(f.period.as_deref().unwrap_or(""))?;
        let amount = money_of(f.amount.as_deref().unwrap_or(""))?;
        kejing_app::disputes::Verdict::Accept { period, amount }
    } else {
        kejing_app::disputes::Verdict::Reject
    };
    kejing_app::disputes::decide(s, &ctx.who(), id, verdict, &f.decision)?;
    Ok(())
}

pub async fn decide_dispute(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    app.db(&ctx.actor(), move |s| decide_dispute_do(s, &c, id, &f))
        .await?;
    Ok(Redirect::to("/disputes").into_response())
}

// ---------------------------------------------------------------- what-if

#[derive(Deserialize, Default)]
pub struct WhatIfForm {
    pub policy: String,
    pub period: String,
    /// One change per line: NAME=VALUE, tier.TABLE.N=VALUE or lookup.TABLE.KEY=VALUE.
    pub changes: String,
}

pub async fn whatif_do(app: &App, ctx: &Ctx, f: WhatIfForm) -> Result<Value, AppError> {
    ctx.require(Action::WhatIf)?;
    let period = period_arg(&f.period)?;
    let file = policy_file(app, &f.policy)?;
    let org = ctx.user.org.clone();
    let c = ctx.clone();
    app.db(&ctx.actor(), move |s| {
        use kejing_engine::settle::{Prepared, settle_prepared};
        let current = kejing_app::catalogue::load(&file)?;
        let mut changed = current.clone();
        let mut applied = Vec::new();
        for line in f.changes.lines().map(str::trim).filter(|l| !l.is_empty()) {
            changed = changed.with_override(line).map_err(AppError::bad)?;
            applied.push(line.to_owned());
        }
        if applied.is_empty() {
            return Err(AppError::bad("say what changes: one NAME=VALUE per line"));
        }
        let data = s.load_dataset(&org)?;
        let prepared = Prepared::new(&data).map_err(|e| AppError::bad(e.to_string()))?;
        prepared.explain_accounts(false);
        let a = settle_prepared(&current, &prepared, period).map_err(|e| AppError::bad(e.to_string()))?;
        let b = settle_prepared(&changed, &prepared, period).map_err(|e| AppError::bad(e.to_string()))?;
        let totals = |st: &kejing_engine::settle::Settlement| -> BTreeMap<String, i64> {
            st.lines.iter().filter(|l| l.item == "total").map(|l| (l.manager.clone(), l.amount.fen())).collect()
        };
        let (ta, tb) = (totals(&a), totals(&b));
        let managers: BTreeSet<&String> = ta.keys().chain(tb.keys()).filter(|m| c.sees(m)).collect();
        let (mut sa, mut sb, mut changed_n) = (0i64, 0i64, 0usize);
        let mut rows = Vec::new();
        for m in managers {
            let x = ta.get(m).copied().unwrap_or(0);
            let y = tb.get(m).copied().unwrap_or(0);
            sa += x;
            sb += y;
            if x != y {
                changed_n += 1;
            }
            rows.push((m.clone(), x, y));
        }
        rows.sort_by(|p, q| (q.2 - q.1).abs().cmp(&(p.2 - p.1).abs()).then(p.0.cmp(&q.0)));
        Ok(json!({
            "policy": f.policy, "period": period.to_string(), "changes": applied,
            "changed": changed_n, "count": rows.len(),
            "total_a": Money::from_fen(sa).to_string(), "total_b": Money::from_fen(sb).to_string(),
            "total_diff": Money::from_fen(sb - sa).to_string(),
            "rows": rows.iter().take(200).map(|(m, x, y)| json!({
                "manager": m, "a": Money::from_fen(*x).to_string(), "b": Money::from_fen(*y).to_string(),
                "diff": Money::from_fen(y - x).to_string()})).collect::<Vec<_>>(),
        }))
    })
    .await
}

fn whatif_context(app: &App, form: &WhatIfForm, result: Option<Value>) -> JValue {
    let policies: Vec<Value> = policy_files(&app.config.policies)
        .into_iter()
        .map(|(name, file)| {
            let params: Vec<Value> = kejing_app::catalogue::load(&file)
                .map(|p| {
                    p.parameters
                        .iter()
                        .map(|(k, v)| json!({"name": k, "label": v.label}))
                        .collect()
                })
                .unwrap_or_default();
            json!({"name": name, "parameters": params})
        })
        .collect();
    page_of(json!({
        "policies": policies,
        "form": {"policy": form.policy, "period": form.period, "changes": form.changes},
        "result": result,
    }))
}

pub async fn whatif_page(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::WhatIf)?;
    render(
        &app,
        &ctx,
        "whatif.html",
        whatif_context(&app, &WhatIfForm::default(), None),
    )
}

pub async fn whatif(
    State(app): State<App>,
    ctx: Ctx,
    Form(f): Form<WhatIfForm>,
) -> Result<Response, AppError> {
    let form = WhatIfForm {
        policy: f.policy.clone(),
        period: f.period.clone(),
        changes: f.changes.clone(),
    };
    let result = whatif_do(&app, &ctx, f).await?;
    render(
        &app,
        &ctx,
        "whatif.html",
        whatif_context(&app, &form, Some(result)),
    )
}

// ---------------------------------------------------------------- audit

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub key: Option<String>,
    pub page: Option<usize>,
}

pub fn audit_data(s: &mut Store, ctx: &Ctx, q: &AuditQuery) -> Result<Value, AppError> {
    ctx.require(Action::ViewAudit)?;
    let page = q.page.unwrap_or(1).max(1);
    let f = AuditFilter {
        actor: q.actor.clone(),
        action: q.action.clone(),
        entity: q.entity.clone(),
        key: q.key.clone(),
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
        "page": page, "prev": (page > 1).then(|| page - 1), "next": more.then_some(page + 1),
        "filter": {"actor": q.actor, "action": q.action, "entity": q.entity, "key": q.key},
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

// ---------------------------------------------------------------- assets

pub async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == file) {
        Some((_, ty, body)) => {
            let mut r = bytes(ty, body.as_bytes().to_vec());
            r.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            r
        }
        None => AppError::not_found().into_response(),
    }
}
