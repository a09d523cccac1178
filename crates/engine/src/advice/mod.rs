//! Investment advice (F1–F2): the client's risk level from the questionnaire, what it allows,
//! the financial profile, the allocation against the model and the goal projections. Pure: the
//! caller passes the day (`on`) and the data.

mod plan;

pub use plan::{AllocationLine, CashFlow, GoalProjection, Plan, PlanError, Profile, plan_for};

use crate::policy::Advice;
use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// An investor's risk level, C1 (conservative) to C5 (aggressive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct InvestorLevel(u8);

/// A product's risk level, R1 (low) to R5 (high).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ProductLevel(u8);

impl InvestorLevel {
    pub const ALL: [InvestorLevel; 5] = [
        InvestorLevel(1),
        InvestorLevel(2),
        InvestorLevel(3),
        InvestorLevel(4),
        InvestorLevel(5),
    ];
    pub fn parse(s: &str) -> Option<Self> {
        level_digit(s, 'C').map(InvestorLevel)
    }
    pub fn number(self) -> u8 {
        self.0
    }
}

impl ProductLevel {
    pub fn parse(s: &str) -> Option<Self> {
        level_digit(s, 'R').map(ProductLevel)
    }
    pub fn number(self) -> u8 {
        self.0
    }
}

fn level_digit(s: &str, letter: char) -> Option<u8> {
    let s = s.trim();
    let mut chars = s.chars();
    let first = chars.next()?;
    if !first.eq_ignore_ascii_case(&letter) {
        return None;
    }
    let rest = chars.as_str();
    match rest {
        "1" | "2" | "3" | "4" | "5" => rest.parse().ok(),
        _ => None,
    }
}

impl fmt::Display for InvestorLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "C{}", self.0)
    }
}
impl fmt::Display for ProductLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R{}", self.0)
    }
}

/// One answer of a questionnaire, with where it came from (`risk_answers.csv:7`).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub client: String,
    pub answered_on: NaiveDate,
    pub question: String,
    pub option: String,
    pub source: String,
}

/// A product on the shelf.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub level: ProductLevel,
    /// Expected annual return, percent, as the product sheet states it.
    pub expected_return: Option<Decimal>,
    pub term_months: Option<u32>,
    pub min_amount: Option<Decimal>,
}

/// A line of the client's finances: an annual income or expense, or an asset or liability
/// balance, as of a day.
#[derive(Debug, Clone, PartialEq)]
pub struct FinanceLine {
    pub client: String,
    pub as_of: NaiveDate,
    pub kind: FinanceKind,
    pub category: String,
    pub amount: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FinanceKind {
    Income,
    Expense,
    Asset,
    Liability,
}

impl FinanceKind {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim() {
            "income" | "收入" => FinanceKind::Income,
            "expense" | "支出" => FinanceKind::Expense,
            "asset" | "资产" => FinanceKind::Asset,
            "liability" | "负债" => FinanceKind::Liability,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub client: String,
    pub goal: String,
    /// In today's money.
    pub amount: Decimal,
    pub due_on: NaiveDate,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Holding {
    pub client: String,
    pub product: String,
    pub amount: Decimal,
    pub as_of: NaiveDate,
    pub source: String,
}

/// Everything the advice reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdviceData {
    pub answers: Vec<Answer>,
    pub products: Vec<Product>,
    pub finances: Vec<FinanceLine>,
    pub goals: Vec<Goal>,
    pub holdings: Vec<Holding>,
}

/// A client's risk assessment: the questionnaire of one day, scored and banded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskAssessment {
    pub client: String,
    pub score: i64,
    /// The band the score falls in.
    pub scored: InvestorLevel,
    /// The level after the caps: what the client may be sold.
    pub level: InvestorLevel,
    /// The caps that lowered the level, by name.
    pub capped_by: Vec<String>,
    pub assessed_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub status: Validity,
    /// Question id → option id.
    pub answers: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    Valid,
    /// Valid, but within `remind_days` of expiry: re-assess soon.
    Due,
    Expired,
}

impl Validity {
    pub fn code(self) -> &'static str {
        match self {
            Validity::Valid => "valid",
            Validity::Due => "due",
            Validity::Expired => "expired",
        }
    }
}

/// Why an assessment or a letter cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AdviceError {
    #[error(
        "{at}: question {question:?} is not in the policy's questionnaire (questions: {known})"
    )]
    UnknownQuestion {
        at: String,
        question: String,
        known: String,
    },
    #[error("{at}: question {question} has no option {option:?} (options: {known})")]
    UnknownOption {
        at: String,
        question: String,
        option: String,
        known: String,
    },
    #[error("{at}: question {question} is answered twice by client {client} on {on}")]
    TwiceAnswered {
        at: String,
        client: String,
        question: String,
        on: NaiveDate,
    },
    #[error(
        "client {client}: the questionnaire of {on} has no answer to {missing}; answer every question"
    )]
    MissingAnswer {
        client: String,
        on: NaiveDate,
        missing: String,
    },
    #[error(
        "client {client} has no risk assessment on or before {on}; fill in the risk questionnaire first"
    )]
    NotAssessed { client: String, on: NaiveDate },
    #[error(
        "client {client}: the risk assessment of {assessed_on} expired on {valid_until} (today is {on}); re-assess the client before advising"
    )]
    Expired {
        client: String,
        assessed_on: NaiveDate,
        valid_until: NaiveDate,
        on: NaiveDate,
    },
    #[error(
        "product {product} ({name}) is {product_level}, above what client {client}'s level {level} allows ({allowed}); it cannot be recommended"
    )]
    Unsuitable {
        client: String,
        product: String,
        name: String,
        product_level: ProductLevel,
        level: InvestorLevel,
        allowed: String,
    },
    #[error("product {product} is not on the product shelf (products.csv)")]
    UnknownProduct { product: String },
    #[error("{0}")]
    Plan(#[from] PlanError),
}

/// The assessment of `client` from the latest questionnaire answered on or before `on`.
pub fn assess_client(
    advice: &Advice,
    answers: &[Answer],
    client: &str,
    on: NaiveDate,
) -> Result<RiskAssessment, AdviceError> {
    let latest = answers
        .iter()
        .filter(|a| a.client == client && a.answered_on <= on)
        .map(|a| a.answered_on)
        .max()
        .ok_or_else(|| AdviceError::NotAssessed {
            client: client.to_owned(),
            on,
        })?;
    let day: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.client == client && a.answered_on == latest)
        .collect();
    score(advice, client, latest, &day, on)
}

fn score(
    advice: &Advice,
    client: &str,
    day: NaiveDate,
    answers: &[&Answer],
    on: NaiveDate,
) -> Result<RiskAssessment, AdviceError> {
    let mut chosen: BTreeMap<String, String> = BTreeMap::new();
    let mut total: i64 = 0;
    for a in answers {
        let q = advice
            .question(&a.question)
            .ok_or_else(|| AdviceError::UnknownQuestion {
                at: a.source.clone(),
                question: a.question.clone(),
                known: advice
                    .questions
                    .iter()
                    .map(|q| q.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let o = q
            .options
            .iter()
            .find(|o| o.id.eq_ignore_ascii_case(&a.option))
            .ok_or_else(|| AdviceError::UnknownOption {
                at: a.source.clone(),
                question: q.id.clone(),
                option: a.option.clone(),
                known: q
                    .options
                    .iter()
                    .map(|o| o.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        if chosen.insert(q.id.clone(), o.id.clone()).is_some() {
            return Err(AdviceError::TwiceAnswered {
                at: a.source.clone(),
                client: client.to_owned(),
                question: q.id.clone(),
                on: day,
            });
        }
        total = total.saturating_add(o.score);
    }
    let missing: Vec<&str> = advice
        .questions
        .iter()
        .filter(|q| !chosen.contains_key(&q.id))
        .map(|q| q.id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(AdviceError::MissingAnswer {
            client: client.to_owned(),
            on: day,
            missing: missing.join(", "),
        });
    }
    // The loader checked that the bands cover every possible score.
    let scored = advice
        .bands
        .iter()
        .find(|b| b.min <= total && total <= b.max)
        .map_or(InvestorLevel(1), |b| b.level);
    let mut level = scored;
    let mut capped_by = Vec::new();
    for cap in &advice.caps {
        if chosen
            .get(&cap.question)
            .is_some_and(|o| cap.answers.iter().any(|a| a == o))
            && cap.max < scored
        {
            capped_by.push(cap.name.clone());
            level = level.min(cap.max);
        }
    }
    let valid_until = valid_until(day, advice.valid_months);
    let status = if on > valid_until {
        Validity::Expired
    } else if valid_until - on < chrono::Duration::days(i64::from(advice.remind_days)) {
        Validity::Due
    } else {
        Validity::Valid
    };
    Ok(RiskAssessment {
        client: client.to_owned(),
        score: total,
        scored,
        level,
        capped_by,
        assessed_on: day,
        valid_until,
        status,
        answers: chosen,
    })
}

/// The last day an assessment of `day` is valid: `months` later, less a day.
pub fn valid_until(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(Months::new(months))
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// Every client's assessment on `on`, sorted by client.
pub fn assess_all(
    advice: &Advice,
    answers: &[Answer],
    on: NaiveDate,
) -> Result<Vec<RiskAssessment>, Vec<AdviceError>> {
    let clients: std::collections::BTreeSet<&str> = answers
        .iter()
        .filter(|a| a.answered_on <= on)
        .map(|a| a.client.as_str())
        .collect();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for c in clients {
        match assess_client(advice, answers, c, on) {
            Ok(a) => out.push(a),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The product levels the investor level may be sold.
pub fn allowed(advice: &Advice, level: InvestorLevel) -> &[ProductLevel] {
    advice
        .suitability
        .get(&level)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Whether `product` may be recommended to a client at `level`; the refusal names both levels.
pub fn check_suitable(
    advice: &Advice,
    client: &str,
    level: InvestorLevel,
    product: &Product,
) -> Result<(), AdviceError> {
    let ok = allowed(advice, level);
    if ok.contains(&product.level) {
        return Ok(());
    }
    Err(AdviceError::Unsuitable {
        client: client.to_owned(),
        product: product.id.clone(),
        name: product.name.clone(),
        product_level: product.level,
        level,
        allowed: if ok.is_empty() {
            "none".to_owned()
        } else {
            ok.iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        },
    })
}

/// The assessment a letter may rest on: present and not expired.
pub fn current_assessment(
    advice: &Advice,
    answers: &[Answer],
    client: &str,
    on: NaiveDate,
) -> Result<RiskAssessment, AdviceError> {
    let a = assess_client(advice, answers, client, on)?;
    if a.status == Validity::Expired {
        return Err(AdviceError::Expired {
            client: client.to_owned(),
            assessed_on: a.assessed_on,
            valid_until: a.valid_until,
            on,
        });
    }
    Ok(a)
}

#[cfg(test)]
mod tests;
