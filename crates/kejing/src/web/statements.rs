//! Statements and disputes: one customer manager's statement on a run with its explanation,
//! and the disputes raised on statement lines and their decisions.

use super::auth::Ctx;
use super::kit::{DecideForm, Precision, page_of, period_arg, render};
use super::perm::Action;
use super::{App, AppError};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use kejing_engine::Money;
use kejing_store::Store;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The templates of this area.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("statement.html", include_str!("templates/statement.html")),
    ("disputes.html", include_str!("templates/disputes.html")),
];

super::kit::routes! {
    GET "/statements/{run}/{manager}" => statement,
    GET "/statements/{run}/{manager}/pdf" => statement_pdf,
    GET "/disputes" => disputes,
    POST "/disputes" => raise_dispute,
    POST "/disputes/{id}/decide" => decide_dispute,
}

/// One CM's statement on a run: each line, the explanation tree with its source rows, and the
/// disputes on it.
pub fn statement_data(
    app: &App,
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
    let mut trace = s.run_trace(run, manager)?;
    if let Some(t) = trace.as_mut() {
        super::statement_view::group_accounts(t, 0);
    }
    // The same lines of the period before (its current run), to show the change.
    let previous: BTreeMap<String, Money> = match info.period.parse::<kejing_engine::Period>() {
        Ok(p) => {
            let before = p.previous().to_string();
            match s.current_runs(&org)?.into_iter().find(|r| r.0 == before) {
                Some((_, prev_run, _)) => s
                    .manager_lines(prev_run, manager)?
                    .into_iter()
                    .map(|(item, amount, _)| (item, amount))
                    .collect(),
                None => BTreeMap::new(),
            }
        }
        Err(_) => BTreeMap::new(),
    };
    let name = s
        .manager_rows(&org)?
        .into_iter()
        .find(|m| m.code == manager)
        .map(|m| m.name)
        .unwrap_or_default();
    // The newest disputes on these lines (all of them are on the disputes page).
    let disputes: Vec<Value> = s
        .line_disputes(&org, run, manager, 50)?
        .into_iter()
        .map(|d| json!({"id": d.id, "item": d.item, "reason": d.reason, "status": d.status, "decision": d.decision}))
        .collect();
    // Target attainment: each measure with a target this period, as a gauge.
    let measured = s.run_measures(run, Some(manager))?;
    // A target is attained by its own measure, or by the one the policy names (`against`).
    let attained_by = super::kit::policy_files(&app.config.policies)
        .into_iter()
        .find(|(n, _)| *n == info.policy)
        .and_then(|(_, f)| super::kit::cached_policy(app, &f).ok())
        .map(|p| p.attained_by())
        .unwrap_or_default();
    let attainment: Vec<Value> = s
        .period_targets(&org, &info.period, Some(manager))?
        .into_iter()
        .filter_map(|((_, target_name), target)| {
            let measure = attained_by.get(&target_name).cloned().unwrap_or(target_name);
            let actual = *measured.get(&(manager.to_owned(), measure.clone()))?;
            if target.is_zero() {
                return None;
            }
            let percent = (actual * rust_decimal::Decimal::ONE_HUNDRED / target).round_dp(1);
            Some(json!({"measure": measure, "actual": actual.normalize().to_string(),
                        "target": target.normalize().to_string(), "percent": percent.normalize().to_string()}))
        })
        .collect();
    let own = ctx.user.manager_code.as_deref() == Some(manager) && ctx.can(Action::RaiseDispute);
    Ok(json!({
        "run": super::settlement::run_json(&info),
        "manager": manager, "name": name,
        "lines": lines.iter().map(|(item, amount, note)| {
            // Where the item is explained: the first top-level node of the trace named after it.
            let anchor = trace.as_ref().and_then(|t| t["children"].as_array()).and_then(|c| {
                c.iter().position(|n| {
                    let label = &n["label"];
                    label["args"]["item"].as_str() == Some(item.as_str())
                        || label.as_str().is_some_and(|l| l.starts_with(item.as_str()))
                })
            });
            let before = previous.get(item);
            json!({"item": item, "amount": amount.to_string(), "note": note, "anchor": anchor,
                   "previous": before.map(|m| m.to_string()),
                   "change": before.and_then(|b| amount.checked_sub(*b)).map(|m| m.to_string())})
        }).collect::<Vec<_>>(),
        "trace": trace,
        "attainment": attainment,
        "has_previous": !previous.is_empty(),
        "disputes": disputes,
        "can_dispute": own,
    }))
}

pub async fn statement(
    State(app): State<App>,
    ctx: Ctx,
    Path((run, manager)): Path<(i64, String)>,
    Query(precision): Query<Precision>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let a = app.clone();
    let mut data = app
        .db(&ctx.actor(), move |s| {
            statement_data(&a, s, &c, run, &manager)
        })
        .await?;
    data["exact"] = precision.exact().into();
    plain_paths(&app, &ctx, &mut data, precision.exact());
    render(&app, &ctx, "statement.html", page_of(data))
}

/// The statement as a PDF in the reader's language (laid out on a database worker, as many at
/// once as there are database turns).
pub async fn statement_pdf(
    State(app): State<App>,
    ctx: Ctx,
    Path((run, manager)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let code = manager.clone();
    let a = app.clone();
    let mut data = app
        .db(&ctx.actor(), move |s| statement_data(&a, s, &c, run, &code))
        .await?;
    plain_paths(&app, &ctx, &mut data, false);
    let (i18n, lang, org) = (
        app.i18n.clone(),
        ctx.lang.clone(),
        ctx.user.org.name.clone(),
    );
    let by = ctx.user.username.clone();
    let at = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
    let pdf = app
        .db(&ctx.actor(), move |_| {
            let stamp = super::statement_pdf::Stamp {
                organisation: &org,
                by: &by,
                at: &at,
            };
            super::statement_pdf::statement_pdf(&i18n, &lang, &data, &stamp)
        })
        .await?;
    let file = format!("statement-{run}-{}.pdf", safe_file_part(&manager));
    Ok(super::attachment("application/pdf", pdf, &file))
}

/// A manager code as part of a file name: letters, digits, `-` and `_`, the rest as `_`.
fn safe_file_part(s: &str) -> String {
    s.chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Each line's path from the data to the pay in words: its formula with every name replaced by
/// the policy's words for it and its value (`data.lines[i].path`).
fn plain_paths(app: &App, ctx: &Ctx, data: &mut Value, exact: bool) {
    let policy = data["run"]["policy"].as_str().and_then(|n| {
        super::kit::policy_files(&app.config.policies)
            .into_iter()
            .find(|(name, _)| name == n)
            .and_then(|(_, f)| super::kit::cached_policy(app, &f).ok())
    });
    let label_of = |name: &str| -> Option<String> {
        let p = policy.as_ref()?;
        p.parameters
            .get(name)
            .and_then(|x| x.label.clone())
            .or_else(|| p.measures.get(name).and_then(|m| m.label.clone()))
    };
    // Each measure with a target by the policy's words for it.
    for a in data["attainment"].as_array_mut().into_iter().flatten() {
        if let Some(m) = a["measure"].as_str().map(str::to_owned) {
            a["label"] = json!(super::statement_view::label_words(
                &m,
                label_of(&m).as_deref(),
                &ctx.lang
            ));
        }
    }
    let days = data["run"]["period"]
        .as_str()
        .and_then(|p| p.parse::<kejing_engine::Period>().ok())
        .map(|p| p.days().to_string());
    let nodes: Vec<Value> = data["trace"]["children"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let Some(lines) = data["lines"].as_array_mut() else {
        return;
    };
    for line in lines {
        let Some(node) = line["anchor"].as_u64().and_then(|i| nodes.get(i as usize)) else {
            continue;
        };
        let Some(expr) = node["label"]["args"]["expr"].as_str() else {
            continue;
        };
        let period_days = days.as_ref().map(|d| {
            let w = app.i18n.tr(&ctx.lang, "statement-period-days", &[]);
            super::statement_view::said(&w, d, exact)
        });
        let words = words_of(node, 0, &label_of, &ctx.lang, exact, period_days.as_deref());
        line["path"] = json!(super::statement_view::plain_path(expr, &words));
    }
}

/// The words for each name a trace node's formula uses: a parameter or measure by the policy's
/// label and its value; a value (a named formula) by its own formula in words, three levels
/// down at most.
fn words_of(
    node: &Value,
    depth: usize,
    label_of: &dyn Fn(&str) -> Option<String>,
    lang: &str,
    exact: bool,
    period_days: Option<&str>,
) -> BTreeMap<String, String> {
    use super::statement_view::{label_words, plain_path, said};
    let mut words = BTreeMap::new();
    if let Some(d) = period_days {
        words.insert("period.days".to_owned(), d.to_owned());
    }
    for c in node["children"].as_array().into_iter().flatten() {
        let (Some(name), Some(value)) = (c["label"]["args"]["name"].as_str(), c["value"].as_str())
        else {
            continue;
        };
        let text = match c["label"]["args"]["expr"].as_str() {
            Some(expr) if c["label"]["code"] == "value-label" && depth < 3 => {
                let inner = words_of(c, depth + 1, label_of, lang, exact, period_days);
                format!(
                    "[{} = {}]",
                    plain_path(expr, &inner),
                    super::phrases::number(value, exact)
                )
            }
            _ => said(
                &label_words(name, label_of(name).as_deref(), lang),
                value,
                exact,
            ),
        };
        words.insert(name.to_owned(), text);
    }
    words
}

// ---------------------------------------------------------------- disputes

fn money_of(s: &str) -> Result<Money, AppError> {
    Money::parse(s.trim()).map_err(|_| {
        AppError::from(kejing_app::Error::said(
            kejing_app::error::Kind::Invalid,
            "amount-invalid",
            &[("value", s.trim().to_owned())],
            format!("{:?} is not an amount: write yuan with at most two decimals, such as 100 or -25.50", s.trim()),
        ))
        .at("amount")
    })
}

/// Which disputes the page lists: by status (`open`, `accepted`, `rejected`; all when empty).
#[derive(Deserialize, Default)]
pub struct DisputesQuery {
    pub status: Option<String>,
}

pub fn disputes_data(s: &mut Store, ctx: &Ctx, q: &DisputesQuery) -> Result<Value, AppError> {
    if !(ctx.can(Action::ViewStatement)) {
        return Err(AppError::forbidden());
    }
    let status = q.status.clone().filter(|s| !s.is_empty());
    let rows: Vec<Value> = s
        .disputes(&ctx.user.org)?
        .into_iter()
        .filter(|d| ctx.sees(&d.manager))
        .filter(|d| status.as_ref().is_none_or(|s| *s == d.status))
        .map(|d| json!({
            "id": d.id, "run": d.run, "manager": d.manager, "item": d.item, "reason": d.reason,
            "raised_by": d.raised_by, "status": d.status, "reviewer": d.reviewer, "decision": d.decision,
            "adjustment": d.adjustment.as_ref().map(|(p, m)| json!({"period": p, "amount": m.to_string()})),
        }))
        .collect();
    Ok(json!({ "rows": rows, "status": status }))
}

pub async fn disputes(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<DisputesQuery>,
) -> Result<Response, AppError> {
    disputes_page(&app, &ctx, &q, None).await
}

/// The disputes page; after a refused decision, with its input kept and the reason beside the
/// field, on the dispute's row.
async fn disputes_page(
    app: &App,
    ctx: &Ctx,
    q: &DisputesQuery,
    failed: Option<(i64, &DecideForm, &AppError)>,
) -> Result<Response, AppError> {
    let c = ctx.clone();
    let q2 = DisputesQuery {
        status: q.status.clone(),
    };
    let mut data = app
        .db(&ctx.actor(), move |s| disputes_data(s, &c, &q2))
        .await?;
    data["failed"] = match failed {
        Some((id, f, e)) => {
            let mut v = super::kit::form_error(app, ctx, e);
            v["id"] = json!(id);
            v["decision"] = json!(f.decision);
            v["period"] = json!(f.period);
            v["amount"] = json!(f.amount);
            v
        }
        None => json!({}),
    };
    let mut r = render(app, ctx, "disputes.html", page_of(data))?;
    if let Some((_, _, e)) = failed {
        *r.status_mut() = e.status;
    }
    Ok(r)
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
    let (c, kept) = (ctx.clone(), f.clone());
    match app
        .db(&ctx.actor(), move |s| decide_dispute_do(s, &c, id, &f))
        .await
    {
        Ok(()) => Ok(Redirect::to("/disputes").into_response()),
        Err(e) if super::kit::shown_on_form(&e) => {
            disputes_page(&app, &ctx, &DisputesQuery::default(), Some((id, &kept, &e))).await
        }
        Err(e) => Err(e),
    }
}
