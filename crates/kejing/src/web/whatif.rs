//! What-if: a period settled under a policy and under changed parameters, the impact per
//! manager and in total; nothing is written.

use super::auth::Ctx;
use super::kit::{page_of, period_arg, policy_file, render};
use super::perm::Action;
use super::{App, AppError};
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use kejing_engine::Money;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The templates of this area.
pub const TEMPLATES: &[(&str, &str)] = &[("whatif.html", include_str!("templates/whatif.html"))];

super::kit::routes! {
    GET "/whatif" => whatif_page,
    POST "/whatif" => whatif,
}

#[derive(Deserialize, Default)]
pub struct WhatIfForm {
    pub policy: String,
    pub period: String,
    /// One change per line: NAME=VALUE, tier.TABLE.N=VALUE or lookup.TABLE.KEY=VALUE.
    pub changes: String,
}

pub async fn whatif_do(app: &App, ctx: &Ctx, f: WhatIfForm) -> Result<Value, AppError> {
    ctx.require(Action::WhatIf)?;
    let file = policy_file(app, &f.policy).map_err(|e| e.at("policy"))?;
    let current = (*super::kit::cached_policy(app, &file)?).clone();
    period_arg(&f.period)?;
    let period = kejing_app::settlement::period_for(&current, &f.period)
        .map_err(|e| AppError::from(e).at("period"))?;
    let mut changed = current.clone();
    let mut applied = Vec::new();
    for line in f.changes.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let setting = by_percent(&current, line, period.last_day())
            .map_err(|e| AppError::bad(e).at("changes"))?;
        changed = changed
            .with_override(&setting)
            .map_err(|e| AppError::bad(e).at("changes"))?;
        applied.push(if setting == line {
            line.to_owned()
        } else {
            format!("{line} → {setting}")
        });
    }
    if applied.is_empty() {
        return Err(AppError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "whatif-no-changes",
        )
        .at("changes"));
    }
    let org = ctx.user.org.clone();
    let c = ctx.clone();
    app.db(&ctx.actor(), move |s| {
        use kejing_engine::settle::{Prepared, settle_prepared};
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
        // The impact by unit and by grade: people, current, simulated, difference (fen).
        let who: BTreeMap<String, (String, String)> = s
            .manager_rows(&org)?
            .into_iter()
            .map(|m| (m.code, (m.org_unit, m.grade)))
            .collect();
        let group = |pick: fn(&(String, String)) -> &String| -> Vec<Value> {
            let mut g: BTreeMap<String, (usize, i64, i64)> = BTreeMap::new();
            for (m, x, y) in &rows {
                let key = who.get(m).map(|w| pick(w).clone()).unwrap_or_default();
                let e = g.entry(key).or_default();
                e.0 += 1;
                e.1 += x;
                e.2 += y;
            }
            g.into_iter()
                .map(|(k, (n, x, y))| json!({"key": k, "count": n, "a": Money::from_fen(x).to_string(),
                    "b": Money::from_fen(y).to_string(), "diff": Money::from_fen(y - x).to_string(), "diff_fen": y - x}))
                .collect()
        };
        let by_unit = group(|w| &w.0);
        let by_grade = group(|w| &w.1);
        Ok(json!({
            "by_unit": by_unit, "by_grade": by_grade,
            "policy": f.policy, "period": period.to_string(), "changes": applied,
            "changed": changed_n, "count": rows.len(),
            "total_a": Money::from_fen(sa).to_string(), "total_b": Money::from_fen(sb).to_string(),
            "total_diff": Money::from_fen(sb - sa).to_string(),
            "rows": rows.iter().map(|(m, x, y)| json!({
                "manager": m, "a": Money::from_fen(*x).to_string(), "b": Money::from_fen(*y).to_string(),
                "diff": Money::from_fen(y - x).to_string()})).collect::<Vec<_>>(),
        }))
    })
    .await
}

/// A change by a percentage of a parameter's value in effect on `day` (`NAME=+10%`,
/// `NAME=-2.5%`) as the absolute setting `NAME=VALUE` (exact, not rounded); any other line as
/// it is.
fn by_percent(
    policy: &kejing_engine::policy::Policy,
    line: &str,
    day: chrono::NaiveDate,
) -> Result<String, String> {
    let Some((name, change)) = line.split_once('=') else {
        return Ok(line.to_owned());
    };
    let change = change.trim();
    let Some(pct) = change.strip_suffix('%') else {
        return Ok(line.to_owned());
    };
    let (name, pct) = (name.trim(), pct.trim());
    if !(pct.starts_with('+') || pct.starts_with('-')) {
        return Err(format!(
            "{line:?}: a change by a percentage has a sign, e.g. {name}=+10% or {name}=-5%"
        ));
    }
    let pct = kejing_engine::parse_decimal(pct.trim_start_matches('+'))
        .map_err(|e| format!("{line:?}: {e}"))?;
    let p = policy.parameters.get(name).ok_or_else(|| {
        format!("{line:?}: a percentage changes a parameter, and {name} is not one")
    })?;
    let now = p.series.at(day).map_err(|e| format!("{name} {e}"))?.value;
    let value = now + now * pct / rust_decimal::Decimal::ONE_HUNDRED;
    Ok(format!("{name}={}", value.normalize()))
}

/// Whether a policy can be simulated: it settles pay.
fn simulates(p: &kejing_engine::policy::Policy) -> bool {
    !p.items.is_empty()
}

/// The what-if page: the form, the policies' parameters, a result (just computed or a saved
/// scenario's), the error beside its field, and the scenarios the organisation saved.
pub(super) async fn whatif_page_with(
    app: &App,
    ctx: &Ctx,
    form: &WhatIfForm,
    result: Option<Value>,
    error: Option<&AppError>,
) -> Result<Response, AppError> {
    let policies: Vec<Value> = super::kit::offered_policies(app, ctx, simulates)
        .await?
        .into_iter()
        .map(|o| {
            let day = form
                .period
                .trim()
                .parse::<kejing_engine::Period>()
                .map(|p| p.last_day())
                .unwrap_or_else(|_| chrono::Utc::now().date_naive());
            let params: Vec<Value> = o
                .policy
                .parameters
                .iter()
                .map(|(k, v)| {
                    let now = v.series.at(day).ok();
                    json!({"name": k, "label": v.label,
                           "value": now.map(|d| d.value.normalize().to_string()),
                           "from": now.map(|d| d.from.to_string()),
                           "min": v.min.map(|m| m.normalize().to_string()),
                           "max": v.max.map(|m| m.normalize().to_string())})
                })
                .collect();
            json!({"name": o.name, "title": o.policy.title, "parameters": params,
                   "example": kejing_app::settlement::example_period(o.policy.frequency)})
        })
        .collect();
    let mut result = result;
    if let Some(r) = result.as_mut() {
        let points: Vec<(String, i64)> = r["by_unit"]
            .as_array()
            .into_iter()
            .flatten()
            .take(24)
            .map(|u| {
                (
                    u["key"].as_str().unwrap_or("").to_owned(),
                    u["diff_fen"].as_i64().unwrap_or(0),
                )
            })
            .collect();
        r["chart"] = json!(super::charts::bars(
            &app.i18n.tr(&ctx.lang, "whatif-by-unit", &[]),
            &points,
            super::fmt::money,
        ));
    }
    let saved: Vec<Value> = {
        let who = ctx.who();
        app.db(&ctx.actor(), move |s| {
            Ok(kejing_app::scenarios::list(s, &who)?)
        })
        .await?
        .into_iter()
        .map(|x| {
            json!({"id": x.id, "name": x.name, "policy": x.policy, "period": x.period,
                            "changes": x.changes, "total_diff": x.total_diff,
                            "by": x.created_by, "at": x.created_at})
        })
        .collect()
    };
    let data = json!({
        "saved": saved,
        "can_save": ctx.can(Action::SaveScenario),
        "policies": policies,
        "form": {"policy": form.policy, "period": form.period, "changes": form.changes},
        "result": result,
        "error": error.map_or_else(|| json!({}), |e| super::kit::form_error(app, ctx, e)),
    });
    let mut r = render(app, ctx, "whatif.html", page_of(data))?;
    if let Some(e) = error {
        *r.status_mut() = e.status;
    }
    Ok(r)
}

pub async fn whatif_page(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::WhatIf)?;
    whatif_page_with(&app, &ctx, &WhatIfForm::default(), None, None).await
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
    match whatif_do(&app, &ctx, f).await {
        Ok(result) => whatif_page_with(&app, &ctx, &form, Some(result), None).await,
        Err(e) if super::kit::shown_on_form(&e) => {
            whatif_page_with(&app, &ctx, &form, None, Some(&e)).await
        }
        Err(e) => Err(e),
    }
}
