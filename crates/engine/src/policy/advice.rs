//! `[advice]`: the investment-advice rules of an organisation (F1–F2): the risk questionnaire
//! and its score bands (investors C1–C5), the caps that limit a level whatever the score, the
//! assessment's validity, the suitability matrix (products R1–R5), the asset classes with the
//! model allocation per level, the assumptions of the projections and the letter's settings.
//!
//! ```toml
//! [advice]
//! valid_months = 12          # an assessment is valid for a year
//! remind_days = 30           # "re-assess soon" from a month before it expires
//!
//! [[advice.questions]]
//! id = "q1"
//! text = "您的年龄"
//! options = [{ id = "A", text = "18–30 岁", score = 4 }, { id = "B", text = "31–50 岁", score = 3 }]
//!
//! [[advice.bands]]
//! level = "C1"
//! name = "保守型"
//! min = 0
//! max = 12
//!
//! [[advice.caps]]
//! name = "年龄 70 岁以上"
//! question = "q1"
//! answers = ["E"]
//! max = "C2"
//!
//! [advice.suitability]
//! C1 = ["R1"]
//!
//! [[advice.classes]]
//! id = "cash"
//! name = "现金类"
//! return = "1.5"             # expected annual return, percent
//! liquid = true
//!
//! [advice.models]
//! C1 = { cash = "40", fixed_income = "60" }   # percent, exactly 100
//!
//! [advice.classify]          # product kind or balance-sheet category → class ("none": not invested)
//! "活期存款" = "cash"
//!
//! [advice.letter]
//! template = "letter.html"
//! ```

use super::loader::Loader;
use crate::advice::{InvestorLevel, ProductLevel};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAdvice {
    valid_months: Option<u32>,
    remind_days: Option<u32>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    #[serde(default)]
    questions: Vec<Spanned<RawQuestion>>,
    #[serde(default)]
    bands: Vec<Spanned<RawBand>>,
    #[serde(default)]
    caps: Vec<Spanned<RawCap>>,
    suitability: Option<Spanned<BTreeMap<String, Vec<String>>>>,
    #[serde(default)]
    classes: Vec<Spanned<RawClass>>,
    models: Option<Spanned<BTreeMap<String, BTreeMap<String, String>>>>,
    #[serde(default)]
    classify: BTreeMap<String, String>,
    assumptions: Option<Spanned<RawAssumptions>>,
    letter: Option<Spanned<RawLetter>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    text: String,
    en: Option<String>,
    options: Vec<RawOption>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    id: String,
    text: String,
    en: Option<String>,
    score: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    level: String,
    name: Option<String>,
    en: Option<String>,
    min: i64,
    max: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCap {
    name: String,
    en: Option<String>,
    question: String,
    answers: Vec<String>,
    max: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClass {
    id: String,
    name: String,
    en: Option<String>,
    #[serde(rename = "return")]
    expected_return: String,
    #[serde(default)]
    liquid: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssumptions {
    inflation: String,
    #[serde(rename = "ref")]
    reference: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLetter {
    template: String,
    bank: Option<String>,
    brand: Option<String>,
    review_months: Option<u32>,
    disclaimer: Option<String>,
}

/// The organisation's advice rules, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    pub questions: Vec<Question>,
    /// Score bands in ascending order, covering every score the questionnaire can give.
    pub bands: Vec<Band>,
    pub caps: Vec<Cap>,
    /// How many months an assessment stays valid (default 12).
    pub valid_months: u32,
    /// How many days before expiry a reminder is due (default 30).
    pub remind_days: u32,
    /// Investor level → the product levels it may be sold.
    pub suitability: BTreeMap<InvestorLevel, Vec<ProductLevel>>,
    pub classes: Vec<AssetClass>,
    /// Investor level → class id → percent (summing to exactly 100).
    pub models: BTreeMap<InvestorLevel, BTreeMap<String, Decimal>>,
    /// Product kind or balance-sheet category → class id (`None`: not an investment, e.g. a house).
    pub classify: BTreeMap<String, Option<String>>,
    /// Annual inflation, percent.
    pub inflation: Decimal,
    /// Where the assumptions come from (`[advice.assumptions] ref`).
    pub assumptions_ref: Option<String>,
    pub letter: Option<LetterSettings>,
    pub reference: Option<String>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub en: Option<String>,
    pub options: Vec<QuestionOption>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuestionOption {
    pub id: String,
    pub text: String,
    pub en: Option<String>,
    pub score: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub level: InvestorLevel,
    pub name: Option<String>,
    pub en: Option<String>,
    pub min: i64,
    pub max: i64,
    pub line: usize,
}

/// A rule that caps the level whatever the score: an answer among `answers` to `question`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cap {
    pub name: String,
    pub en: Option<String>,
    pub question: String,
    pub answers: Vec<String>,
    pub max: InvestorLevel,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AssetClass {
    pub id: String,
    pub name: String,
    pub en: Option<String>,
    /// Expected annual return, percent: an assumption stated on the letter.
    pub expected_return: Decimal,
    /// Counted as liquid (months of expenses the client could live on).
    pub liquid: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LetterSettings {
    /// The template file, relative to the policy's folder.
    pub template: String,
    pub bank: Option<String>,
    pub brand: Option<String>,
    /// Months until the next review (default 6).
    pub review_months: u32,
    pub disclaimer: Option<String>,
}

impl Advice {
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
    pub fn class(&self, id: &str) -> Option<&AssetClass> {
        self.classes.iter().find(|c| c.id == id)
    }
    pub fn band(&self, level: InvestorLevel) -> Option<&Band> {
        self.bands.iter().find(|b| b.level == level)
    }
    /// The lowest and highest score the questionnaire can give.
    pub fn score_range(&self) -> (i64, i64) {
        score_range(&self.questions)
    }
}

fn score_range(questions: &[Question]) -> (i64, i64) {
    questions.iter().fold((0, 0), |(lo, hi), q| {
        let min = q.options.iter().map(|o| o.score).min().unwrap_or(0);
        let max = q.options.iter().map(|o| o.score).max().unwrap_or(0);
        (lo.saturating_add(min), hi.saturating_add(max))
    })
}

const MAX_QUESTIONS: usize = 200;

pub(super) fn load_advice(l: &mut Loader<'_>, raw: &Spanned<RawAdvice>) -> Option<Advice> {
    let at = raw.span().start;
    let r = raw.get_ref();
    let before = l.errors.len();

    let mut questions: Vec<Question> = Vec::new();
    if r.questions.is_empty() {
        l.err(
            at,
            "[advice] has no questions: add [[advice.questions]] with id, text and options",
        );
    }
    if r.questions.len() > MAX_QUESTIONS {
        l.err(
            at,
            format!(
                "[advice] has {} questions; at most {MAX_QUESTIONS}",
                r.questions.len()
            ),
        );
    }
    for q in r.questions.iter().take(MAX_QUESTIONS) {
        let o = q.span().start;
        let v = q.get_ref();
        if questions.iter().any(|p| p.id == v.id) {
            l.err(o, format!("question {:?} is defined twice", v.id));
        }
        if v.options.len() < 2 {
            l.err(o, format!("question {:?} needs at least two options", v.id));
        }
        let mut options: Vec<QuestionOption> = Vec::new();
        for op in &v.options {
            if options.iter().any(|p| p.id == op.id) {
                l.err(
                    o,
                    format!("question {:?}: option {:?} is defined twice", v.id, op.id),
                );
            }
            if !(-1000..=1000).contains(&op.score) {
                l.err(
                    o,
                    format!(
                        "question {:?}: option {:?} scores {}; a score lies between -1000 and 1000",
                        v.id, op.id, op.score
                    ),
                );
            }
            options.push(QuestionOption {
                id: op.id.clone(),
                text: op.text.clone(),
                en: op.en.clone(),
                score: op.score,
            });
        }
        questions.push(Question {
            id: v.id.clone(),
            text: v.text.clone(),
            en: v.en.clone(),
            options,
            line: l.line(o),
        });
    }

    let mut bands: Vec<Band> = Vec::new();
    for b in &r.bands {
        let o = b.span().start;
        let v = b.get_ref();
        let Some(level) = parse_level(l, o, "band", &v.level) else {
            continue;
        };
        if v.min > v.max {
            l.err(
                o,
                format!("band {level}: min {} is above max {}", v.min, v.max),
            );
        }
        if bands.iter().any(|p| p.level == level) {
            l.err(o, format!("band {level} is defined twice"));
        }
        bands.push(Band {
            level,
            name: v.name.clone(),
            en: v.en.clone(),
            min: v.min,
            max: v.max,
            line: l.line(o),
        });
    }
    bands.sort_by_key(|b| b.min);
    if bands.is_empty() {
        l.err(
            at,
            "[advice] has no score bands: add [[advice.bands]] with level, min and max",
        );
    } else if l.errors.len() == before {
        check_bands(l, at, &bands, score_range(&questions));
    }

    let mut caps = Vec::new();
    for c in &r.caps {
        let o = c.span().start;
        let v = c.get_ref();
        let Some(max) = parse_level(l, o, &format!("cap {:?}", v.name), &v.max) else {
            continue;
        };
        match questions.iter().find(|q| q.id == v.question) {
            None => l.err(
                o,
                format!(
                    "cap {:?} names question {:?}, which the questionnaire does not have",
                    v.name, v.question
                ),
            ),
            Some(q) => {
                for a in &v.answers {
                    if !q.options.iter().any(|op| &op.id == a) {
                        l.err(
                            o,
                            format!("cap {:?}: question {} has no option {:?}", v.name, q.id, a),
                        );
                    }
                }
            }
        }
        caps.push(Cap {
            name: v.name.clone(),
            en: v.en.clone(),
            question: v.question.clone(),
            answers: v.answers.clone(),
            max,
            line: l.line(o),
        });
    }

    let mut suitability = BTreeMap::new();
    match &r.suitability {
        None => l.err(at, "[advice] needs [advice.suitability]: for each investor level C1–C5 the product levels R1–R5 it may be sold"),
        Some(s) => {
            let o = s.span().start;
            for (k, v) in s.get_ref() {
                let Some(level) = parse_level(l, o, "suitability", k) else {
                    continue;
                };
                let mut allowed = Vec::new();
                for p in v {
                    match ProductLevel::parse(p) {
                        Some(pl) => allowed.push(pl),
                        None => l.err(o, format!("suitability {level}: {p:?} is not a product risk level; write R1 to R5")),
                    }
                }
                suitability.insert(level, allowed);
            }
            for level in InvestorLevel::ALL {
                if !suitability.contains_key(&level) {
                    l.err(o, format!("suitability says nothing for {level}; give every level C1 to C5 its product levels"));
                }
            }
        }
    }

    let mut classes: Vec<AssetClass> = Vec::new();
    for c in &r.classes {
        let o = c.span().start;
        let v = c.get_ref();
        if classes.iter().any(|p| p.id == v.id) || v.id == "none" {
            l.err(
                o,
                format!(
                    "asset class {:?} is defined twice or uses the reserved id \"none\"",
                    v.id
                ),
            );
        }
        let Some(ret) = l.decimal(
            o,
            &format!("asset class {} return", v.id),
            &v.expected_return,
        ) else {
            continue;
        };
        if ret < Decimal::from(-100) || ret > Decimal::from(100) {
            l.err(
                o,
                format!(
                    "asset class {}: an expected return of {ret} % is outside −100 to 100",
                    v.id
                ),
            );
        }
        classes.push(AssetClass {
            id: v.id.clone(),
            name: v.name.clone(),
            en: v.en.clone(),
            expected_return: ret,
            liquid: v.liquid,
        });
    }

    let mut models = BTreeMap::new();
    if let Some(m) = &r.models {
        let o = m.span().start;
        for (k, weights) in m.get_ref() {
            let Some(level) = parse_level(l, o, "model allocation", k) else {
                continue;
            };
            let mut w = BTreeMap::new();
            let mut sum = Decimal::ZERO;
            for (class, pct) in weights {
                if !classes.iter().any(|c| &c.id == class) {
                    l.err(o, format!("model allocation {level} names class {class:?}, which [[advice.classes]] does not define"));
                }
                let Some(p) = l.decimal(o, &format!("model allocation {level} {class}"), pct)
                else {
                    continue;
                };
                if p < Decimal::ZERO {
                    l.err(
                        o,
                        format!("model allocation {level} {class}: {p} % is negative"),
                    );
                }
                sum += p;
                w.insert(class.clone(), p);
            }
            if sum != Decimal::from(100) {
                l.err(o, format!("model allocation {level} sums to {sum} %; the percentages must sum to exactly 100"));
            }
            models.insert(level, w);
        }
        for level in InvestorLevel::ALL {
            if !models.contains_key(&level) {
                l.err(o, format!("[advice.models] has no allocation for {level}"));
            }
        }
    } else if !classes.is_empty() {
        l.err(at, "[advice] defines asset classes but no [advice.models]");
    }

    let mut classify = BTreeMap::new();
    for (k, v) in &r.classify {
        if v == "none" {
            classify.insert(k.clone(), None);
        } else if classes.iter().any(|c| &c.id == v) {
            classify.insert(k.clone(), Some(v.clone()));
        } else {
            l.err(at, format!("[advice.classify] maps {k:?} to {v:?}, which is neither an asset class nor \"none\""));
        }
    }

    let inflation = match &r.assumptions {
        Some(a) => l
            .decimal(a.span().start, "inflation", &a.get_ref().inflation)
            .unwrap_or_default(),
        None => Decimal::ZERO,
    };
    if let Some(a) = &r.assumptions
        && (inflation < Decimal::from(-20) || inflation > Decimal::from(50))
    {
        l.err(
            a.span().start,
            format!("inflation {inflation} % is outside −20 to 50"),
        );
    }

    let letter = r.letter.as_ref().map(|t| {
        let v = t.get_ref();
        if v.template.contains("..") || v.template.starts_with('/') {
            l.err(
                t.span().start,
                format!(
                    "letter template {:?}: name a file in the policy's folder",
                    v.template
                ),
            );
        }
        LetterSettings {
            template: v.template.clone(),
            bank: v.bank.clone(),
            brand: v.brand.clone(),
            review_months: v.review_months.unwrap_or(6).clamp(1, 60),
            disclaimer: v.disclaimer.clone(),
        }
    });

    let valid_months = r.valid_months.unwrap_or(12);
    if !(1..=60).contains(&valid_months) {
        l.err(
            at,
            format!("valid_months = {valid_months}: an assessment is valid 1 to 60 months"),
        );
    }
    if l.errors.len() > before {
        return None;
    }
    Some(Advice {
        questions,
        bands,
        caps,
        valid_months,
        remind_days: r.remind_days.unwrap_or(30).min(365),
        suitability,
        classes,
        models,
        classify,
        inflation,
        assumptions_ref: r
            .assumptions
            .as_ref()
            .and_then(|a| a.get_ref().reference.clone()),
        letter,
        reference: r.reference.clone(),
        line: l.line(at),
    })
}

fn parse_level(l: &mut Loader<'_>, at: usize, what: &str, s: &str) -> Option<InvestorLevel> {
    let level = InvestorLevel::parse(s);
    if level.is_none() {
        l.err(
            at,
            format!("{what}: {s:?} is not an investor risk level; write C1 to C5"),
        );
    }
    level
}

/// Bands sorted by `min` must cover every score from the lowest to the highest the
/// questionnaire can give, without gaps or overlaps, with levels rising.
fn check_bands(l: &mut Loader<'_>, at: usize, bands: &[Band], (lo, hi): (i64, i64)) {
    let first = &bands[0];
    if first.min > lo {
        l.err(at, format!("scores {lo} to {} fall in no band (the lowest band, {}, starts at {}); every score the questionnaire can give needs a band", first.min - 1, first.level, first.min));
    }
    for pair in bands.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if b.min > a.max.saturating_add(1) {
            l.err(at, format!("scores {} to {} fall in no band (between {} ending at {} and {} starting at {})", a.max + 1, b.min - 1, a.level, a.max, b.level, b.min));
        } else if b.min <= a.max {
            l.err(
                at,
                format!(
                    "bands {} ({}–{}) and {} ({}–{}) overlap",
                    a.level, a.min, a.max, b.level, b.min, b.max
                ),
            );
        }
        if b.level <= a.level {
            l.err(
                at,
                format!(
                    "band {} scores above band {}; the levels must rise with the score",
                    a.level, b.level
                ),
            );
        }
    }
    let last = &bands[bands.len() - 1];
    if last.max < hi {
        l.err(at, format!("scores {} to {hi} fall in no band (the highest band, {}, ends at {}); every score the questionnaire can give needs a band", last.max + 1, last.level, last.max));
    }
}
