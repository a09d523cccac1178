//! What a letter says, assembled from the policy and the client's data before any template
//! sees it: the refusals (no current assessment, a product above the client's level) happen
//! here, and every number is formatted once (separators, two decimals) for the template.

use chrono::{Datelike, Months, NaiveDate};
use kejing_engine::advice::{
    self, AdviceError, InvestorLevel, Plan, Product, RiskAssessment, Validity,
};
use kejing_engine::policy::Advice;
use kejing_io::advice::{AdviceFolder, Branch, LetterClient, LetterManager};
use rust_decimal::Decimal;
use serde::Serialize;

/// Who asks for which letter.
#[derive(Debug, Clone)]
pub struct LetterRequest<'a> {
    pub client: &'a str,
    pub on: NaiveDate,
    /// The signing customer manager; the client's main owner when absent.
    pub manager: Option<&'a str>,
    /// The products to recommend; every suitable product of the shelf when empty.
    pub products: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("client {0} is not in clients.csv")]
    UnknownClient(String),
    #[error("manager {0} is not in managers.csv")]
    UnknownManager(String),
    #[error(
        "the policy has no [advice] section: the questionnaire, suitability and models a letter needs"
    )]
    NoAdvice,
    #[error("the policy has no [advice.letter] template")]
    NoTemplate,
    #[error("{0}")]
    Advice(#[from] AdviceError),
    #[error("the letter template {file}: {message}")]
    Template { file: String, message: String },
    #[error("{0}")]
    Pdf(#[from] crate::pdf::PdfError),
}

#[derive(Debug, Clone, Serialize)]
pub struct Money {
    /// `1,234,567.89`
    pub text: String,
    /// `1234567.89`
    pub plain: String,
}

fn money(d: Decimal) -> Money {
    let d = d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    Money {
        text: grouped(d, 2),
        plain: format!("{d:.2}"),
    }
}

/// `d` with `dp` decimals and thousands separators.
pub fn grouped(d: Decimal, dp: u32) -> String {
    let s = format!("{:.*}", dp as usize, d.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(a, b)| (a, b));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    if d.is_sign_negative() && !d.is_zero() {
        format!("-{out}")
    } else {
        out
    }
}

fn pct(d: Decimal) -> String {
    format!("{:.2}", d)
}

/// `2026年9月30日`
pub fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A phone or identity number with its middle masked: `138****5678`.
pub fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n <= 4 {
        return "*".repeat(n);
    }
    let keep_head = if n >= 11 { 3 } else { 1 };
    let keep_tail = 4.min(n - keep_head - 1);
    chars[..keep_head]
        .iter()
        .chain(std::iter::repeat_n(&'*', n - keep_head - keep_tail))
        .chain(chars[n - keep_tail..].iter())
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct LetterModel {
    pub bank: String,
    pub brand: String,
    pub on: String,
    pub on_zh: String,
    pub client: LetterClient,
    /// 先生, 女士, or 先生/女士 when the gender is not on record.
    pub salutation: String,
    pub client_phone_masked: Option<String>,
    pub branch: Branch,
    pub manager: LetterManager,
    pub risk: RiskView,
    pub profile: ProfileView,
    pub allocation: Vec<AllocationView>,
    pub allocation_source: String,
    pub products: Vec<ProductView>,
    pub goals: Vec<GoalView>,
    pub assumptions: AssumptionsView,
    pub disclaimer: String,
    pub next_review: String,
    pub policy: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskView {
    pub score: i64,
    pub level: String,
    pub level_name: String,
    pub scored: String,
    pub capped_by: Vec<String>,
    pub assessed_on: String,
    pub valid_until: String,
    pub status: String,
    pub allowed: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub name: String,
    pub amount: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProfileView {
    pub as_of: Option<String>,
    pub income: Vec<Line>,
    pub expenses: Vec<Line>,
    pub assets: Vec<Line>,
    pub liabilities: Vec<Line>,
    pub total_income: Money,
    pub total_expenses: Money,
    pub surplus: Money,
    pub total_assets: Money,
    pub total_liabilities: Money,
    pub net_worth: Money,
    pub savings_rate: Option<String>,
    pub liquidity_months: Option<String>,
    pub debt_ratio: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AllocationView {
    pub name: String,
    pub amount: Money,
    pub now: String,
    pub model: String,
    pub change: String,
    pub expected_return: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductView {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub level: String,
    pub expected_return: Option<String>,
    pub term_months: Option<u32>,
    pub min_amount: Option<Money>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GoalView {
    pub goal: String,
    pub due_on: String,
    pub months: u32,
    pub amount: Money,
    pub needed: Money,
    pub available: Money,
    pub gap: Money,
    pub extra_monthly: Money,
    pub funded: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssumptionsView {
    pub inflation: String,
    pub expected_return: String,
    pub monthly_saving: Money,
    pub classes: Vec<(String, String)>,
    pub financial_assets: Money,
    pub unclassified: Vec<String>,
}

fn lines(v: &[(String, Decimal)]) -> Vec<Line> {
    v.iter()
        .map(|(n, d)| Line {
            name: n.clone(),
            amount: money(*d),
        })
        .collect()
}

/// The products a letter recommends, checked against the client's level: the request's list
/// (each must be on the shelf and suitable) or, when it is empty, every suitable product.
pub fn recommended<'a>(
    advice: &Advice,
    shelf: &'a [Product],
    client: &str,
    level: InvestorLevel,
    asked: &[String],
) -> Result<Vec<&'a Product>, AdviceError> {
    if asked.is_empty() {
        return Ok(shelf
            .iter()
            .filter(|p| advice::allowed(advice, level).contains(&p.level))
            .collect());
    }
    asked
        .iter()
        .map(|id| {
            let p =
                shelf
                    .iter()
                    .find(|p| &p.id == id)
                    .ok_or_else(|| AdviceError::UnknownProduct {
                        product: id.clone(),
                    })?;
            advice::check_suitable(advice, client, level, p)?;
            Ok(p)
        })
        .collect()
}

/// The letter's content, or why it cannot be written.
pub fn prepare(
    policy_name: &str,
    advice: &Advice,
    folder: &AdviceFolder,
    req: &LetterRequest<'_>,
) -> Result<LetterModel, LetterError> {
    let client = folder
        .clients
        .get(req.client)
        .cloned()
        .ok_or_else(|| LetterError::UnknownClient(req.client.to_owned()))?;
    let risk = advice::current_assessment(advice, &folder.data.answers, req.client, req.on)?;
    let products = recommended(
        advice,
        &folder.data.products,
        req.client,
        risk.level,
        &req.products,
    )?;
    let plan = advice::plan_for(advice, &folder.data, req.client, risk.level, req.on)
        .map_err(AdviceError::from)?;
    let manager_id = req
        .manager
        .map(str::to_owned)
        .or_else(|| folder.owners.get(req.client).cloned());
    let manager = match &manager_id {
        Some(m) => folder
            .managers
            .get(m)
            .cloned()
            .ok_or_else(|| LetterError::UnknownManager(m.clone()))?,
        None => LetterManager::default(),
    };
    let branch = manager
        .unit
        .as_ref()
        .and_then(|u| folder.branches.get(u))
        .cloned()
        .unwrap_or_default();
    let settings = advice.letter.as_ref();
    Ok(LetterModel {
        bank: settings.and_then(|s| s.bank.clone()).unwrap_or_default(),
        brand: settings.and_then(|s| s.brand.clone()).unwrap_or_default(),
        on: req.on.to_string(),
        on_zh: date_zh(req.on),
        salutation: match client.gender {
            Some("male") => "先生",
            Some("female") => "女士",
            _ => "先生/女士",
        }
        .to_owned(),
        client_phone_masked: client.phone.as_deref().map(mask),
        client,
        branch,
        manager,
        risk: risk_view(advice, &risk),
        profile: profile_view(&plan),
        allocation: plan
            .allocation
            .iter()
            .map(|a| AllocationView {
                name: a.name.clone(),
                amount: money(a.amount),
                now: pct(a.now),
                model: pct(a.model),
                change: format!("{:+.2}", a.change),
                expected_return: pct(a.expected_return),
            })
            .collect(),
        allocation_source: match plan.allocation_source {
            "holdings" => "持有产品".to_owned(),
            _ => "资产负债表".to_owned(),
        },
        products: products
            .iter()
            .map(|p| ProductView {
                id: p.id.clone(),
                name: p.name.clone(),
                kind: p.kind.clone(),
                level: p.level.to_string(),
                expected_return: p.expected_return.map(pct),
                term_months: p.term_months,
                min_amount: p.min_amount.map(money),
            })
            .collect(),
        goals: plan
            .goals
            .iter()
            .map(|g| GoalView {
                goal: g.goal.clone(),
                due_on: g.due_on.to_string(),
                months: g.months,
                amount: money(g.amount),
                needed: money(g.needed),
                available: money(g.available),
                gap: money(g.gap),
                extra_monthly: money(g.extra_monthly),
                funded: g.gap.is_zero(),
            })
            .collect(),
        assumptions: AssumptionsView {
            inflation: pct(plan.inflation),
            expected_return: pct(plan.expected_return),
            monthly_saving: money(plan.monthly_saving),
            classes: advice
                .classes
                .iter()
                .map(|c| (c.name.clone(), pct(c.expected_return)))
                .collect(),
            financial_assets: money(plan.financial_assets),
            unclassified: plan.unclassified.clone(),
        },
        disclaimer: settings
            .and_then(|s| s.disclaimer.clone())
            .unwrap_or_default(),
        next_review: req
            .on
            .checked_add_months(Months::new(settings.map_or(6, |s| s.review_months)))
            .map(|d| d.min(risk.valid_until))
            .unwrap_or(risk.valid_until)
            .to_string(),
        policy: policy_name.to_owned(),
    })
}

fn risk_view(advice: &Advice, r: &RiskAssessment) -> RiskView {
    RiskView {
        score: r.score,
        level: r.level.to_string(),
        level_name: advice
            .band(r.level)
            .and_then(|b| b.name.clone())
            .unwrap_or_default(),
        scored: r.scored.to_string(),
        capped_by: r.capped_by.clone(),
        assessed_on: r.assessed_on.to_string(),
        valid_until: r.valid_until.to_string(),
        status: match r.status {
            Validity::Valid => "有效",
            Validity::Due => "即将到期，请重新评估",
            Validity::Expired => "已过期",
        }
        .to_owned(),
        allowed: advice::allowed(advice, r.level)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、"),
    }
}

fn profile_view(plan: &Plan) -> ProfileView {
    let p = &plan.profile;
    ProfileView {
        as_of: p.as_of.map(|d| d.to_string()),
        income: lines(&p.cash_flow.income),
        expenses: lines(&p.cash_flow.expenses),
        assets: lines(&p.assets),
        liabilities: lines(&p.liabilities),
        total_income: money(p.cash_flow.total_income),
        total_expenses: money(p.cash_flow.total_expenses),
        surplus: money(p.cash_flow.surplus),
        total_assets: money(p.total_assets),
        total_liabilities: money(p.total_liabilities),
        net_worth: money(p.net_worth),
        savings_rate: p.savings_rate.map(pct),
        liquidity_months: p.liquidity_months.map(|m| format!("{m:.1}")),
        debt_ratio: p.debt_ratio.map(pct),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_masks() {
        assert_eq!(grouped("1234567.891".parse().unwrap(), 2), "1,234,567.89");
        assert_eq!(grouped("-1000".parse().unwrap(), 2), "-1,000.00");
        assert_eq!(grouped("12".parse().unwrap(), 2), "12.00");
        assert_eq!(mask("13812345678"), "138****5678");
        assert_eq!(mask("0571-8888"), "0****8888");
        assert_eq!(mask("110101199001011234"), "110***********1234");
        assert_eq!(date_zh("2026-09-30".parse().unwrap()), "2026年9月30日");
    }
}
