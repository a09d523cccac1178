//! Investment-advice letters (投资理财建议书, F1–F2): a client's advice page — the current
//! risk level and what it allows, the questionnaire, the profile (cash flow, balance sheet,
//! goals), the product shelf with the unsuitable products disabled and why, the letter made,
//! kept and downloaded — and the letters in the actor's scope. Each is a use case of
//! `kejing_app::advice`, the same the CLI runs.

use super::auth::Ctx;
use super::kit::{page_of, render};
use super::perm::Action;
use super::{App, AppError};
use axum::extract::{Path, RawForm, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use kejing_app::advice as uc;
use kejing_engine::policy::Policy;
use kejing_io::Table;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

pub const TEMPLATES: &[(&str, &str)] = &[
    ("advice.html", include_str!("templates/advice.html")),
    ("letters.html", include_str!("templates/letters.html")),
];

super::kit::routes! {
    GET "/clients/{code}/advice" => advice_page,
    POST "/clients/{code}/advice/risk" => post_risk,
    POST "/clients/{code}/advice/profile" => post_profile,
    POST "/clients/{code}/advice/letter" => post_letter,
    GET "/letters" => letters,
    GET "/letters/{id}" => letter_html,
    GET "/letters/{id}/pdf" => letter_pdf,
}

/// Whether a policy writes letters: it has advice rules with a letter template.
fn writes_letters(p: &Policy) -> bool {
    p.advice.as_ref().is_some_and(|a| a.letter.is_some())
}

/// The policy the organisation writes letters by — the first it adopted with advice rules and
/// a letter template (of the whole folder when it adopted none) — with its folder.
async fn advice_policy(
    app: &App,
    ctx: &Ctx,
) -> Result<(Arc<Policy>, std::path::PathBuf), AppError> {
    let offered = super::kit::offered_policies(app, ctx, writes_letters).await?;
    let Some(first) = offered.into_iter().next() else {
        return Err(AppError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "advice-no-policy",
        ));
    };
    let file = super::kit::policy_file(app, &first.name)?;
    let dir = file.parent().map(|d| d.to_owned()).unwrap_or_default();
    Ok((first.policy, dir))
}

fn money(d: rust_decimal::Decimal) -> String {
    kejing_letter::model::grouped(d, 2)
}

fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .filter(|(k, _)| !k.starts_with('_'))
        .collect()
}

pub fn advice_data(
    s: &mut kejing_store::Store,
    ctx: &Ctx,
    policy: &Policy,
    code: &str,
) -> Result<Value, AppError> {
    let who = ctx.who();
    let today = s.today();
    let v = uc::client_advice(s, &who, policy, code, today)?;
    let rules = uc::advice_of(policy)?;
    let client = v.folder.clients.get(code).ok_or_else(AppError::not_found)?;
    let assessment = match &v.assessment {
        Ok(a) => json!({
            "ok": true, "score": a.score, "level": a.level.to_string(),
            "name": rules.band(a.level).and_then(|b| b.name.clone()),
            "scored": a.scored.to_string(), "capped_by": a.capped_by,
            "assessed_on": a.assessed_on.to_string(), "valid_until": a.valid_until.to_string(),
            "status": a.status.code(),
            "allowed": kejing_engine::advice::allowed(rules, a.level).iter().map(|l| l.to_string()).collect::<Vec<_>>(),
            "answers": a.answers,
        }),
        Err(why) => json!({ "ok": false, "why": why }),
    };
    let questions: Vec<Value> = rules
        .questions
        .iter()
        .map(|q| {
            json!({ "id": q.id, "text": q.text, "en": q.en,
                "options": q.options.iter().map(|o| json!({"id": o.id, "text": o.text})).collect::<Vec<_>>() })
        })
        .collect();
    let shelf: Vec<Value> = v
        .shelf
        .iter()
        .map(|(p, ok, why)| {
            json!({ "id": p.id, "name": p.name, "kind": p.kind, "level": p.level.to_string(),
                "expected_return": p.expected_return.map(|r| format!("{r:.2}")),
                "allowed": ok, "why": why })
        })
        .collect();
    let profile = v.plan.as_ref().map(|p| {
        let pr = &p.profile;
        let lines = |l: &[(String, rust_decimal::Decimal)]| {
            l.iter()
                .map(|(n, d)| json!({"name": n, "amount": money(*d)}))
                .collect::<Vec<_>>()
        };
        json!({
            "as_of": pr.as_of.map(|d| d.to_string()),
            "income": lines(&pr.cash_flow.income), "expenses": lines(&pr.cash_flow.expenses),
            "assets": lines(&pr.assets), "liabilities": lines(&pr.liabilities),
            "surplus": money(pr.cash_flow.surplus), "net_worth": money(pr.net_worth),
            "savings_rate": pr.savings_rate.map(|d| format!("{d:.2}")),
            "liquidity_months": pr.liquidity_months.map(|d| format!("{d:.1}")),
            "debt_ratio": pr.debt_ratio.map(|d| format!("{d:.2}")),
            "allocation": p.allocation.iter().map(|a| json!({"name": a.name, "now": format!("{:.2}", a.now), "model": format!("{:.2}", a.model)})).collect::<Vec<_>>(),
            "goals": p.goals.iter().map(|g| json!({"goal": g.goal, "due_on": g.due_on.to_string(), "needed": money(g.needed), "gap": money(g.gap)})).collect::<Vec<_>>(),
        })
    });
    let letters: Vec<Value> = v
        .letters
        .iter()
        .map(|l| json!({"id": l.id, "on": l.on.to_string(), "level": l.risk_level, "products": l.products, "by": l.generated_by, "at": l.generated_at}))
        .collect();
    Ok(json!({
        "client": { "code": code, "name": client.name,
            "phone": client.phone.as_deref().map(kejing_letter::model::mask) },
        "today": today.to_string(), "policy": policy.name,
        "assessment": assessment, "questions": questions, "shelf": shelf,
        "profile": profile, "letters": letters,
        "may_keep": ctx.can(Action::KeepRegisters),
    }))
}

pub async fn advice_page(
    State(app): State<App>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    ctx.require(Action::ViewClients)?;
    let (policy, _) = advice_policy(&app, &ctx).await?;
    let c = ctx.clone();
    let data = app
        .db(&ctx.actor(), move |s| advice_data(s, &c, &policy, &code))
        .await?;
    render(&app, &ctx, "advice.html", page_of(data))
}

fn back(code: &str) -> Response {
    let path: String = form_urlencoded::byte_serialize(code.as_bytes()).collect();
    Redirect::to(&format!("/clients/{path}/advice")).into_response()
}

/// The questionnaire: `q1=A&q2=C…` (every question of the policy).
pub async fn post_risk(
    State(app): State<App>,
    ctx: Ctx,
    Path(code): Path<String>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    ctx.require(Action::KeepRegisters)?;
    let (policy, _) = advice_policy(&app, &ctx).await?;
    let answers: BTreeMap<String, String> = form_pairs(&body).into_iter().collect();
    let who = ctx.who();
    let c = code.clone();
    app.db(&ctx.actor(), move |s| {
        let today = s.today();
        uc::record_questionnaire(s, &who, &policy, &c, today, &answers)?;
        Ok(())
    })
    .await?;
    Ok(back(&code))
}

/// A line of the profile: `table=finances&kind=income&category=工资&amount=180000`, or
/// `table=goals&goal=养老&amount=…&due_on=…`; dated today.
pub async fn post_profile(
    State(app): State<App>,
    ctx: Ctx,
    Path(code): Path<String>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    ctx.require(Action::KeepRegisters)?;
    let mut cells: BTreeMap<String, String> = form_pairs(&body).into_iter().collect();
    let table = match cells.remove("table").as_deref() {
        Some("goals") => Table::Goals,
        Some("finances") => Table::Finances,
        _ => return Err(AppError::bad("table: write finances or goals")),
    };
    let who = ctx.who();
    let c = code.clone();
    app.db(&ctx.actor(), move |s| {
        let today = s.today();
        if table == Table::Finances {
            cells
                .entry("as_of".into())
                .or_insert_with(|| today.to_string());
        }
        uc::record_profile_row(s, &who, table, &c, today, &cells)?;
        Ok(())
    })
    .await?;
    Ok(back(&code))
}

/// Makes and keeps the letter for the products ticked (`products=P1&products=P2`).
pub async fn post_letter(
    State(app): State<App>,
    ctx: Ctx,
    Path(code): Path<String>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    ctx.require(Action::KeepRegisters)?;
    let (policy, dir) = advice_policy(&app, &ctx).await?;
    let template = uc::template_of(&policy, &dir)?;
    let products: Vec<String> = form_pairs(&body)
        .into_iter()
        .filter(|(k, _)| k == "products")
        .map(|(_, v)| v)
        .collect();
    if products.is_empty() {
        return Err(AppError::bad(
            "products: tick at least one product to recommend",
        ));
    }
    let who = ctx.who();
    let id = app
        .db(&ctx.actor(), move |s| {
            let today = s.today();
            let req = kejing_letter::LetterRequest {
                client: &code,
                on: today,
                manager: None,
                products,
            };
            Ok(uc::generate_stored(s, &who, &policy, &template, &req, false)?.0)
        })
        .await?;
    Ok(Redirect::to(&format!("/letters/{id}")).into_response())
}

/// The letters of clients in the actor's scope.
pub fn letters_data(
    app: &App,
    s: &mut kejing_store::Store,
    ctx: &Ctx,
    policy: Option<&Policy>,
) -> Result<Value, AppError> {
    let who = ctx.who();
    let today = s.today();
    let all_due = match policy {
        Some(p) => super::cache::Reads::new(app, s)?.reassessments_due(&who, p, today)?,
        None => Default::default(),
    };
    // The soonest first, 200 at most: the rest are counted.
    let due: Vec<Value> = all_due
            .iter()
            .take(200)
            .map(|a| json!({"client": a.client, "level": a.level.to_string(), "assessed_on": a.assessed_on.to_string(), "valid_until": a.valid_until.to_string(), "status": a.status.code()}))
            .collect();
    let all = uc::letters_in_scope(s, &who, 200)?;
    let rows: Vec<Value> = all
        .iter()
        .map(|l| json!({"id": l.id, "client": l.client, "manager": l.manager, "on": l.on.to_string(), "level": l.risk_level, "products": l.products, "by": l.generated_by, "at": l.generated_at}))
        .collect();
    Ok(json!({ "letters": rows, "due": due, "due_count": all_due.len() }))
}

pub async fn letters(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::ViewClients)?;
    let c = ctx.clone();
    let policy = advice_policy(&app, &ctx).await.ok().map(|(p, _)| p);
    let a = app.clone();
    let data = app
        .db(&ctx.actor(), move |s| {
            letters_data(&a, s, &c, policy.as_deref())
        })
        .await?;
    render(&app, &ctx, "letters.html", page_of(data))
}

async fn stored(app: &App, ctx: &Ctx, id: i64) -> Result<String, AppError> {
    ctx.require(Action::ViewClients)?;
    let who = ctx.who();
    app.db(&ctx.actor(), move |s| Ok(uc::stored_letter(s, &who, id)?.1))
        .await
}

/// The kept letter as it was made (its own HTML page: the preview).
pub async fn letter_html(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let html = stored(&app, &ctx, id).await?;
    let mut res = html.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // The organisation's template styles the letter inline; a letter runs no script.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'",
        ),
    );
    Ok(res)
}

/// The kept letter as PDF, laid out from its kept HTML (on a worker, as many at once as there
/// are database turns).
pub async fn letter_pdf(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    ctx.require(Action::ViewClients)?;
    let who = ctx.who();
    let pdf = app
        .db(&ctx.actor(), move |s| {
            let (l, html) = uc::stored_letter(s, &who, id)?;
            let title = format!("投资理财建议书 {} {}", l.client, l.on);
            kejing_letter::render_pdf(&html, &title).map_err(|e| AppError::internal(e.to_string()))
        })
        .await?;
    Ok(super::attachment(
        "application/pdf",
        pdf,
        &format!("letter-{id}.pdf"),
    ))
}
