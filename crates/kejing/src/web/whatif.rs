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
        changed = changed
            .with_override(line)
            .map_err(|e| AppError::bad(e).at("changes"))?;
        applied.push(line.to_owned());
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

/// Whether a policy can be simulated: it settles pay.
fn simulates(p: &kejing_engine::policy::Policy) -> bool {
    !p.items.is_empty()
}

async fn whatif_page_with(
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
            let params: Vec<Value> = o
                .policy
                .parameters
                .iter()
                .map(|(k, v)| json!({"name": k, "label": v.label}))
                .collect();
            json!({"name": o.name, "title": o.policy.title, "parameters": params,
                   "example": kejing_app::settlement::example_period(o.policy.frequency)})
        })
        .collect();
    let data = json!({
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
