//! Loading and checking the `[assessment]` section of a policy file.

use super::loader::Loader;
use super::names::function_problem;
use super::{
    ASSESSMENT_FUNCTIONS, ASSESSMENT_NAMES, Assessment, Decision, Dimension, Frequency, GradeRule,
    Policy, PolicyError, RankTies, Raters, ScoreItem, Scorecard,
};
use crate::expr::Expr;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAssessment {
    assessed: Option<Spanned<String>>,
    rank_among: Option<Spanned<String>>,
    rank_within: Option<String>,
    ties: Option<Spanned<String>>,
    decimals: Option<u32>,
    raters: Option<Spanned<RawRaters>>,
    #[serde(default)]
    ladder: Vec<String>,
    #[serde(default)]
    track_ladders: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    scorecards: Vec<Spanned<RawScorecard>>,
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
    #[serde(default)]
    approvals: Vec<Spanned<super::approvals::RawApprovalStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRaters {
    #[serde(rename = "self")]
    self_: Option<String>,
    superior: Option<String>,
    peer: Option<String>,
    subordinate: Option<String>,
    #[serde(default)]
    required: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScorecard {
    name: String,
    period: String,
    #[serde(default)]
    dimensions: Vec<Spanned<RawDimension>>,
    #[serde(default)]
    items: Vec<Spanned<RawScoreItem>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDimension {
    name: String,
    weight: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScoreItem {
    dimension: String,
    name: String,
    max: String,
    standard: Option<String>,
    score: Option<Spanned<String>>,
    #[serde(default)]
    rated: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    decision: String,
    period: Option<String>,
    when: Spanned<String>,
    to: Option<Spanned<String>>,
    reason: Option<String>,
}

pub(super) fn load_assessment(
    l: &mut Loader<'_>,
    raw: &Spanned<RawAssessment>,
) -> Option<Assessment> {
    let o = raw.span().start;
    let r = raw.get_ref();
    let dec = |l: &mut Loader<'_>, o: usize, s: &str, what: &str| -> Option<Decimal> {
        match crate::parse_decimal(s) {
            Ok(d) => Some(d),
            Err(e) => {
                l.err(o, format!("{what}: {e}"));
                None
            }
        }
    };
    let ties = match r.ties.as_ref().map(|t| t.get_ref().as_str()) {
        None | Some("shared") => RankTies::Shared,
        Some("by_id") => RankTies::ById,
        Some(other) => {
            l.err(
                r.ties.as_ref().map_or(o, |t| t.span().start),
                format!("assessment ties {other:?}: use shared (equal scores share a rank: 1, 1, 3) or by_id"),
            );
            RankTies::Shared
        }
    };
    let raters = r.raters.as_ref().map(|rr| {
        let ro = rr.span().start;
        let x = rr.get_ref();
        let mut weights = BTreeMap::new();
        for (rel, w) in [
            ("self", &x.self_),
            ("superior", &x.superior),
            ("peer", &x.peer),
            ("subordinate", &x.subordinate),
        ] {
            if let Some(w) = w
                && let Some(d) = dec(l, ro, w, &format!("raters {rel}"))
            {
                weights.insert(rel.to_owned(), d);
            }
        }
        let sum: Decimal = weights.values().copied().sum();
        if sum != Decimal::ONE {
            l.err(
                ro,
                format!(
                    "assessment raters: the weights sum to {}, not 1",
                    sum.normalize()
                ),
            );
        }
        for q in &x.required {
            if !weights.contains_key(q) {
                l.err(
                    ro,
                    format!("assessment raters: required {q:?} has no weight"),
                );
            }
        }
        Raters {
            weights,
            required: x.required.clone(),
            line: l.line(ro),
        }
    });
    let mut scorecards: Vec<Scorecard> = Vec::new();
    for sc in &r.scorecards {
        let so = sc.span().start;
        let s = sc.get_ref();
        let Some(period) = Frequency::parse(&s.period) else {
            l.err(
                so,
                format!(
                    "scorecard {}: period is monthly, quarterly, half_yearly or annual",
                    s.name
                ),
            );
            continue;
        };
        if scorecards.iter().any(|x| x.period == period) {
            l.err(
                so,
                format!(
                    "scorecard {}: there is already a {} scorecard",
                    s.name,
                    period.name()
                ),
            );
        }
        let mut dimensions = Vec::new();
        for d in &s.dimensions {
            let dd = d.get_ref();
            let weight = match &dd.weight {
                Some(w) => dec(l, d.span().start, w, &format!("dimension {}", dd.name))
                    .unwrap_or(Decimal::ONE),
                None => Decimal::ONE,
            };
            if dimensions.iter().any(|x: &Dimension| x.name == dd.name) {
                l.err(d.span().start, format!("dimension {} twice", dd.name));
            }
            dimensions.push(Dimension {
                name: dd.name.clone(),
                weight,
                line: l.line(d.span().start),
            });
        }
        let mut items: Vec<ScoreItem> = Vec::new();
        for it in &s.items {
            let io = it.span().start;
            let i = it.get_ref();
            if !dimensions.iter().any(|d| d.name == i.dimension) {
                l.err(
                    io,
                    format!(
                        "item {}: no dimension {:?} in scorecard {}",
                        i.name, i.dimension, s.name
                    ),
                );
            }
            if items.iter().any(|x| x.name == i.name) {
                l.err(io, format!("item {} twice in scorecard {}", i.name, s.name));
            }
            let max = dec(l, io, &i.max, &format!("item {} max", i.name)).unwrap_or(Decimal::ZERO);
            let score = i
                .score
                .as_ref()
                .and_then(|e| l.expr(e, &format!("item {} score", i.name)));
            match (i.score.is_some(), i.rated) {
                (true, true) => l.err(io, format!("item {}: either score = \"…\" (computed) or rated = true (by raters), not both", i.name)),
                (false, false) => l.err(io, format!("item {}: say how it is scored: score = \"…\" (computed) or rated = true (by raters)", i.name)),
                (false, true) if raters.is_none() => l.err(io, format!("item {}: rated items need [assessment.raters] with each relation's weight", i.name)),
                _ => {}
            }
            items.push(ScoreItem {
                dimension: i.dimension.clone(),
                name: i.name.clone(),
                max,
                standard: i.standard.clone(),
                score,
                rated: i.rated,
                line: l.line(io),
            });
        }
        scorecards.push(Scorecard {
            name: s.name.clone(),
            period,
            dimensions,
            items,
            line: l.line(so),
        });
    }
    if scorecards.is_empty() {
        l.err(
            o,
            "an [assessment] needs at least one [[assessment.scorecards]]",
        );
    }
    let mut rules = Vec::new();
    for ru in &r.rules {
        let ro = ru.span().start;
        let x = ru.get_ref();
        let Some(decision) = Decision::parse(&x.decision) else {
            l.err(
                ro,
                format!(
                    "rule decision {:?}: use promote, keep, demote, dismiss or confirm",
                    x.decision
                ),
            );
            continue;
        };
        let period = match &x.period {
            None => None,
            Some(p) => match Frequency::parse(p) {
                Some(f) => Some(f),
                None => {
                    l.err(
                        ro,
                        format!("rule period {p:?}: use monthly, quarterly, half_yearly or annual"),
                    );
                    None
                }
            },
        };
        let when = l.expr(&x.when, "rule when");
        let to = x.to.as_ref().and_then(|t| l.expr(t, "rule to"));
        if let Some(when) = when {
            rules.push(GradeRule {
                decision,
                period,
                when,
                to,
                reason: x.reason.clone(),
                line: l.line(ro),
            });
        }
    }
    let assessed = r
        .assessed
        .as_ref()
        .and_then(|e| l.expr(e, "assessment assessed"));
    let rank_among = r
        .rank_among
        .as_ref()
        .and_then(|e| l.expr(e, "assessment rank_among"));
    Some(Assessment {
        assessed,
        rank_among,
        rank_within: r.rank_within.clone().filter(|s| !s.is_empty()),
        ties,
        decimals: r.decimals.unwrap_or(2),
        raters,
        ladder: r.ladder.clone(),
        track_ladders: r.track_ladders.clone(),
        scorecards,
        rules,
        approvals: super::approvals::load_approvals(l, &r.approvals),
        line: l.line(o),
    })
}

impl Policy {
    /// Names and functions of the assessment's expressions.
    pub(super) fn check_assessment(&self, l: &mut Loader<'_>) {
        let Some(a) = &self.assessment else { return };
        let mut exprs: Vec<(usize, String, &Expr)> = Vec::new();
        if let Some(e) = &a.assessed {
            exprs.push((a.line, "assessment assessed".to_owned(), e));
        }
        if let Some(e) = &a.rank_among {
            exprs.push((a.line, "assessment rank_among".to_owned(), e));
        }
        for s in &a.scorecards {
            for i in &s.items {
                if let Some(e) = &i.score {
                    exprs.push((i.line, format!("item {}", i.name), e));
                }
            }
        }
        for r in &a.rules {
            exprs.push((r.line, format!("rule {}", r.decision.code()), &r.when));
            if let Some(t) = &r.to {
                exprs.push((r.line, format!("rule {} to", r.decision.code()), t));
            }
        }
        for (line, what, e) in exprs {
            for path in e.names() {
                if path.len() == 1 && ASSESSMENT_NAMES.contains(&path[0].as_str()) {
                    continue;
                }
                if let Some(problem) = self.manager_name_problem(&path) {
                    l.errors.push(PolicyError {
                        file: self.file.clone(),
                        line,
                        message: format!("{what}: {problem} (or score, rank, group_size, next_grade, previous_grade)"),
                    });
                }
            }
            for (f, n) in e.calls() {
                if let Some((_, arity)) = ASSESSMENT_FUNCTIONS.iter().find(|(x, _)| *x == f) {
                    if *arity != n {
                        l.errors.push(PolicyError {
                            file: self.file.clone(),
                            line,
                            message: format!("{what}: {f} takes {arity} argument(s)"),
                        });
                    }
                    continue;
                }
                if let Some(problem) = function_problem(&f, n, &self.tiers) {
                    l.errors.push(PolicyError {
                        file: self.file.clone(),
                        line,
                        message: format!("{what}: {problem}; in an assessment also item, dimension, average_of, streak, contains"),
                    });
                }
            }
        }
    }
}
