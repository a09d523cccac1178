//! `[[assessment.approvals]]`: the sign-offs a proposal needs, in order, before it is approved
//! (D8, the telecom promotion chain: self-summary → supervisor appraisal → marketing and HR
//! approval). Each step names the role that signs it; the final approval stays with those who
//! may approve assessments, and nobody signs two steps of one proposal or approves what they
//! signed.

use super::Decision;
use super::loader::Loader;
use serde::Deserialize;
use toml::Spanned;

/// Who signs a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepRole {
    /// The customer manager assessed, themself (e.g. the self-summary, 自我总结).
    Manager,
    TeamHead,
    BranchHead,
    Admin,
}

impl StepRole {
    pub fn parse(s: &str) -> Option<StepRole> {
        Some(match s {
            "manager" => StepRole::Manager,
            "team_head" => StepRole::TeamHead,
            "branch_head" => StepRole::BranchHead,
            "admin" => StepRole::Admin,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            StepRole::Manager => "manager",
            StepRole::TeamHead => "team_head",
            StepRole::BranchHead => "branch_head",
            StepRole::Admin => "admin",
        }
    }
}

/// One sign-off step.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalStep {
    pub step: String,
    pub role: StepRole,
    /// The decisions that need it; empty: every decision that changes something (promote,
    /// demote, dismiss, confirm).
    pub decisions: Vec<Decision>,
    /// Only proposals whose new grade is one of these; empty: any.
    pub to_grades: Vec<String>,
    pub line: usize,
}

impl ApprovalStep {
    /// Whether a proposal with `decision` and `new_grade` needs this step.
    pub fn applies(&self, decision: Decision, new_grade: Option<&str>) -> bool {
        let by_decision = if self.decisions.is_empty() {
            decision != Decision::Keep
        } else {
            self.decisions.contains(&decision)
        };
        let by_grade = self.to_grades.is_empty()
            || new_grade.is_some_and(|g| self.to_grades.iter().any(|t| t == g));
        by_decision && by_grade
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawApprovalStep {
    step: String,
    role: String,
    #[serde(default)]
    decisions: Vec<String>,
    #[serde(default)]
    to_grades: Vec<String>,
}

pub(super) fn load_approvals(
    l: &mut Loader<'_>,
    raw: &[Spanned<RawApprovalStep>],
) -> Vec<ApprovalStep> {
    let mut out: Vec<ApprovalStep> = Vec::new();
    for s in raw {
        let o = s.span().start;
        let r = s.get_ref();
        if r.step.trim().is_empty() {
            l.err(o, "assessment.approvals: a step has a name (step = \"…\")");
            continue;
        }
        if out.iter().any(|x| x.step == r.step) {
            l.err(
                o,
                format!("assessment.approvals: step {:?} is listed twice", r.step),
            );
            continue;
        }
        let Some(role) = StepRole::parse(&r.role) else {
            l.err(
                o,
                format!(
                    "assessment.approvals {:?}: role is manager (the customer manager themself), team_head, branch_head or admin, not {:?}",
                    r.step, r.role
                ),
            );
            continue;
        };
        let mut decisions = Vec::new();
        for d in &r.decisions {
            match Decision::parse(d) {
                Some(d) => decisions.push(d),
                None => l.err(
                    o,
                    format!(
                        "assessment.approvals {:?}: decision {d:?} is promote, keep, demote, dismiss or confirm",
                        r.step
                    ),
                ),
            }
        }
        out.push(ApprovalStep {
            step: r.step.clone(),
            role,
            decisions,
            to_grades: r.to_grades.clone(),
            line: l.line(o),
        });
    }
    out
}
