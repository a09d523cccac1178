//! What-if scenarios (issue 14, Deliver 7): a simulation kept under a name with its result as
//! computed when saved, opened again on the what-if page, exported as a workbook (by manager,
//! by unit, by grade, with a header block and totals) and deleted by whoever saved it or an
//! administrator. Saving computes the simulation again on the server: what is kept is what the
//! policy and the data give, never what a form claims.

use super::auth::Ctx;
use super::perm::Action;
use super::whatif::{WhatIfForm, whatif_do, whatif_page_with};
use super::{App, AppError};
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};
use serde::Deserialize;
use serde_json::{Value, json};

super::kit::routes! {
    POST "/whatif/scenarios" => save,
    GET "/whatif/scenarios/{id}" => open,
    GET "/whatif/scenarios/{id}/xlsx" => export,
    POST "/whatif/scenarios/{id}/delete" => delete,
}

#[derive(Deserialize, Default, Clone)]
pub struct ScenarioForm {
    #[serde(default)]
    pub name: String,
    pub policy: String,
    pub period: String,
    pub changes: String,
}

impl ScenarioForm {
    fn whatif(&self) -> WhatIfForm {
        WhatIfForm {
            policy: self.policy.clone(),
            period: self.period.clone(),
            changes: self.changes.clone(),
        }
    }
}

pub async fn save(
    State(app): State<App>,
    ctx: Ctx,
    Form(f): Form<ScenarioForm>,
) -> Result<Response, AppError> {
    ctx.require(Action::SaveScenario)?;
    let form = f.whatif();
    let result = match whatif_do(&app, &ctx, f.whatif()).await {
        Ok(r) => r,
        Err(e) if super::kit::shown_on_form(&e) => {
            return whatif_page_with(&app, &ctx, &form, None, Some(&e)).await;
        }
        Err(e) => return Err(e),
    };
    let (who, name) = (ctx.who(), f.name.clone());
    let kept = result.clone();
    let saved = app
        .db(&ctx.actor(), move |s| {
            let changes = kept["changes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n");
            let body = kept.to_string();
            let new = kejing_app::scenarios::NewScenario {
                name: &name,
                policy: kept["policy"].as_str().unwrap_or(""),
                period: kept["period"].as_str().unwrap_or(""),
                changes: &changes,
                total_diff: kept["total_diff"].as_str().unwrap_or("0"),
                result: &body,
            };
            Ok(kejing_app::scenarios::save(s, &who, &new)?)
        })
        .await;
    match saved {
        Ok(id) => Ok(Redirect::to(&format!("/whatif/scenarios/{id}")).into_response()),
        Err(e) if super::kit::shown_on_form(&e) => {
            let e = e.at("name");
            let mut result = result;
            result["name"] = json!(f.name);
            whatif_page_with(&app, &ctx, &form, Some(result), Some(&e)).await
        }
        Err(e) => Err(e),
    }
}

/// A saved scenario: its row and its result, with the scenario's own fields in the result.
async fn scenario(app: &App, ctx: &Ctx, id: i64) -> Result<Value, AppError> {
    let who = ctx.who();
    let (row, body) = app
        .db(&ctx.actor(), move |s| {
            Ok(kejing_app::scenarios::open(s, &who, id)?)
        })
        .await?;
    let mut result: Value = serde_json::from_str(&body)
        .map_err(|e| AppError::internal(format!("scenario #{id}'s result: {e}")))?;
    result["scenario"] = json!({"id": row.id, "name": row.name, "by": row.created_by,
                                "at": row.created_at, "changes": row.changes});
    Ok(result)
}

pub async fn open(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let result = scenario(&app, &ctx, id).await?;
    let form = WhatIfForm {
        policy: result["policy"].as_str().unwrap_or("").to_owned(),
        period: result["period"].as_str().unwrap_or("").to_owned(),
        changes: result["scenario"]["changes"]
            .as_str()
            .unwrap_or("")
            .lines()
            // A percentage kept as "NAME=+10% → NAME=0.11" runs again as written.
            .map(|l| l.split(" → ").next().unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    whatif_page_with(&app, &ctx, &form, Some(result), None).await
}

pub async fn delete(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let who = ctx.who();
    app.db(&ctx.actor(), move |s| {
        Ok(kejing_app::scenarios::delete(s, &who, id)?)
    })
    .await?;
    Ok(Redirect::to("/whatif").into_response())
}

pub async fn export(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let result = scenario(&app, &ctx, id).await?;
    let (i18n, lang, org) = (
        app.i18n.clone(),
        ctx.lang.clone(),
        ctx.user.org.name.clone(),
    );
    let bytes = app
        .db(&ctx.actor(), move |_| {
            scenario_xlsx(&i18n, &lang, &org, &result)
        })
        .await?;
    Ok(super::attachment(
        super::XLSX,
        bytes,
        &format!("scenario-{id}.xlsx"),
    ))
}

fn xe(e: XlsxError) -> AppError {
    AppError::internal(format!("the workbook could not be written: {e}"))
}

/// An amount (yuan, exact) as a number cell where it converts exactly, else as its text (see
/// [`super::payroll::amount_cell`]).
fn money_cell(ws: &mut Worksheet, r: u32, c: u16, v: &Value, f: &Format) -> Result<(), AppError> {
    let text = v.as_str().unwrap_or("0");
    let d: Decimal = text.parse().unwrap_or_default();
    match super::payroll::amount_cell(d) {
        super::payroll::Cell::Number(n) => ws.write_number_with_format(r, c, n, f),
        super::payroll::Cell::Text(t) => ws.write_string_with_format(r, c, &t, f),
    }
    .map_err(xe)?;
    Ok(())
}

/// The scenario's workbook: a header block (organisation, scenario, policy, period, changes,
/// who saved it and when), then one sheet by manager, by unit and by grade, each with the
/// current, simulated and difference columns and a totals row.
pub fn scenario_xlsx(
    i18n: &super::i18n::I18n,
    lang: &str,
    org: &str,
    result: &Value,
) -> Result<Vec<u8>, AppError> {
    let tr = |k: &str, a: &[(&str, String)]| i18n.tr(lang, k, a);
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let sc = &result["scenario"];
    let money = Format::new().set_num_format("#,##0.00");
    let total = Format::new()
        .set_num_format("#,##0.00")
        .set_bold()
        .set_border_top(FormatBorder::Thin);
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let mut wb = Workbook::new();
    let parts = [
        ("rows", "manager", "col-manager", "whatif-sheet-managers"),
        ("by_unit", "key", "col-unit", "whatif-sheet-units"),
        ("by_grade", "key", "col-grade", "whatif-sheet-grades"),
    ];
    for (part, key, head, sheet) in parts {
        let ws = wb.add_worksheet();
        ws.set_name(tr(sheet, &[])).map_err(xe)?;
        ws.write_string_with_format(
            0,
            0,
            tr("whatif-export-title", &[("name", text(&sc["name"]))]),
            &title,
        )
        .map_err(xe)?;
        let lines = [
            tr("whatif-export-org", &[("organisation", org.to_owned())]),
            tr(
                "whatif-export-run",
                &[
                    ("policy", text(&result["policy"])),
                    ("period", text(&result["period"])),
                ],
            ),
            tr(
                "whatif-export-saved",
                &[("by", text(&sc["by"])), ("at", text(&sc["at"]))],
            ),
            tr(
                "whatif-export-changes",
                &[("changes", text(&sc["changes"]).replace('\n', "; "))],
            ),
            tr("whatif-nothing-written", &[]),
        ];
        for (i, l) in lines.iter().enumerate() {
            ws.write_string(1 + i as u32, 0, l).map_err(xe)?;
        }
        let top = 2 + lines.len() as u32;
        let mut cols = vec![tr(head, &[])];
        if part != "rows" {
            cols.push(tr("whatif-people", &[]));
        }
        cols.extend([
            tr("whatif-current", &[]),
            tr("whatif-simulated", &[]),
            tr("col-diff", &[]),
        ]);
        for (c, h) in cols.iter().enumerate() {
            ws.write_string_with_format(top, c as u16, h, &bold)
                .map_err(xe)?;
        }
        let rows = result[part].as_array().cloned().unwrap_or_default();
        let first = if part == "rows" { 1u16 } else { 2u16 };
        let mut r = top + 1;
        for row in &rows {
            let name = row[key].as_str().filter(|k| !k.is_empty()).unwrap_or("—");
            ws.write_string(r, 0, name).map_err(xe)?;
            if part != "rows" {
                ws.write_number(r, 1, row["count"].as_u64().unwrap_or(0) as u32)
                    .map_err(xe)?;
            }
            for (i, k) in ["a", "b", "diff"].iter().enumerate() {
                money_cell(ws, r, first + i as u16, &row[*k], &money)?;
            }
            r += 1;
        }
        ws.write_string_with_format(r, 0, tr("col-total", &[]), &bold)
            .map_err(xe)?;
        if part != "rows" {
            let people: u64 = rows.iter().filter_map(|x| x["count"].as_u64()).sum();
            ws.write_number_with_format(r, 1, people as u32, &bold)
                .map_err(xe)?;
        }
        for (i, k) in ["total_a", "total_b", "total_diff"].iter().enumerate() {
            money_cell(ws, r, first + i as u16, &result[*k], &total)?;
        }
        ws.set_column_width(0, 24).map_err(xe)?;
        for c in 1..=first + 2 {
            ws.set_column_width(c, 16).map_err(xe)?;
        }
    }
    wb.save_to_buffer().map_err(xe)
}
