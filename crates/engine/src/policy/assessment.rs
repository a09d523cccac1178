//! The assessment (考核) part of a policy: scorecards, raters, ranking and grade rules.

use super::Frequency;
use crate::expr::Expr;
use crate::period::Period;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A grade decision of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Decision {
    Promote,
    Keep,
    Demote,
    Dismiss,
    /// End of a trainee or trial period: confirmed (in the grade the rule says).
    Confirm,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Decision> {
        Some(match s {
            "promote" | "晋级" => Decision::Promote,
            "keep" | "保级" | "维持" => Decision::Keep,
            "demote" | "降级" => Decision::Demote,
            "dismiss" | "解聘" => Decision::Dismiss,
            "confirm" | "转正" | "定级" => Decision::Confirm,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            Decision::Promote => "promote",
            Decision::Keep => "keep",
            Decision::Demote => "demote",
            Decision::Dismiss => "dismiss",
            Decision::Confirm => "confirm",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Decision::Promote => "晋级",
            Decision::Keep => "保级",
            Decision::Demote => "降级",
            Decision::Dismiss => "解聘",
            Decision::Confirm => "转正定级",
        }
    }
}

/// How equal scores rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankTies {
    /// Equal scores share a rank and the next rank is skipped (1, 1, 3).
    Shared,
    /// Equal scores are ordered by manager id (1, 2, 3).
    ById,
}

/// A dimension (维度) of a scorecard and its weight in the total.
#[derive(Debug, Clone, PartialEq)]
pub struct Dimension {
    pub name: String,
    pub weight: Decimal,
    pub line: usize,
}

/// An item of a scorecard: computed from measures, or scored by raters.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreItem {
    pub dimension: String,
    pub name: String,
    pub max: Decimal,
    /// The scoring standard (评分标准) shown to raters and to the person assessed.
    pub standard: Option<String>,
    /// Quantitative: the score as an expression (capped at `max`).
    pub score: Option<Expr>,
    /// Qualitative: from the scores table, combined over the raters' relations by weight.
    pub rated: bool,
    pub line: usize,
}

/// A scorecard for one kind of period.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    pub name: String,
    pub period: Frequency,
    pub dimensions: Vec<Dimension>,
    pub items: Vec<ScoreItem>,
    pub line: usize,
}

/// A grade rule: the first whose `when` holds decides.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeRule {
    pub decision: Decision,
    /// The kind of period the rule decides on (e.g. grades change only on the annual result);
    /// `None`: every assessed period.
    pub period: Option<Frequency>,
    pub when: Expr,
    /// The grade after the decision, when it is not the next/previous/same grade.
    pub to: Option<Expr>,
    pub reason: Option<String>,
    pub line: usize,
}

/// Raters (360°): each relation's weight, and which relations must have rated.
#[derive(Debug, Clone, PartialEq)]
pub struct Raters {
    /// relation code (self, superior, peer, subordinate) → weight; the weights sum to 1.
    pub weights: BTreeMap<String, Decimal>,
    pub required: Vec<String>,
    pub line: usize,
}

/// The assessment part of a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Who is assessed among the managers in post (default: all), e.g. to leave out a track
    /// that is not assessed as customer managers.
    pub assessed: Option<Expr>,
    /// Who is ranked, once scored (e.g. those who passed every part of a selection, A6): the
    /// others get rank 0, "not ranked", and do not count in the group's size. `None`: all.
    pub rank_among: Option<Expr>,
    /// The manager field ranks are computed within (e.g. `grade`); `None`: everyone together.
    pub rank_within: Option<String>,
    pub ties: RankTies,
    /// Scores are rounded half up to this many decimals.
    pub decimals: u32,
    pub raters: Option<Raters>,
    /// Grades from lowest to highest (next/previous grade), of every track without a ladder of
    /// its own.
    pub ladder: Vec<String>,
    /// Tracks with a ladder of their own (A2: 营销设计经理 has 2 levels / 4 tiers), lowest first.
    /// A grade move stays on the manager's track's ladder.
    pub track_ladders: BTreeMap<String, Vec<String>>,
    pub scorecards: Vec<Scorecard>,
    pub rules: Vec<GradeRule>,
    /// The sign-offs a proposal needs before it is approved, in order (D8).
    pub approvals: Vec<super::ApprovalStep>,
    pub line: usize,
}

impl Assessment {
    /// The ladder of a manager on `track`: the track's own, else the common one.
    pub fn ladder_of(&self, track: Option<&str>) -> &[String] {
        track
            .and_then(|t| self.track_ladders.get(t))
            .unwrap_or(&self.ladder)
    }

    /// The scorecard for periods like `p`.
    pub fn scorecard_for(&self, p: Period) -> Option<&Scorecard> {
        self.scorecards.iter().find(|s| s.period.matches(p))
    }

    pub fn scorecard_of(&self, f: Frequency) -> Option<&Scorecard> {
        self.scorecards.iter().find(|s| s.period == f)
    }
}

/// Names an assessment expression may use besides the policy's own.
pub const ASSESSMENT_NAMES: &[&str] = &[
    "score",
    "rank",
    "group_size",
    "next_grade",
    "previous_grade",
];

/// Functions of assessment expressions: (name, arguments).
pub const ASSESSMENT_FUNCTIONS: &[(&str, usize)] = &[
    ("item", 1),
    ("dimension", 1),
    ("average_of", 1),
    ("streak", 1),
    ("contains", 2),
];
