//! Roles and what each may do. Which managers a user sees is the scope (see `Ctx::scope`): a
//! customer manager themself, a head their unit with the units below it, the performance
//! office and the auditors everyone.

use serde::Serialize;

/// A role of the web application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 客户经理: own clients, own results, own disputes.
    Manager,
    /// 团队负责人: their team.
    TeamHead,
    /// 支行行长: their org unit.
    BranchHead,
    /// 绩效管理员: everything; policies, imports, periods.
    Admin,
    /// 审计: read-only everything, and the audit log.
    Auditor,
}

impl Role {
    pub const ALL: &[Role] = &[
        Role::Manager,
        Role::TeamHead,
        Role::BranchHead,
        Role::Admin,
        Role::Auditor,
    ];

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "manager" | "客户经理" => Role::Manager,
            "team_head" | "团队负责人" => Role::TeamHead,
            "branch_head" | "支行行长" => Role::BranchHead,
            "admin" | "绩效管理员" => Role::Admin,
            "auditor" | "审计" => Role::Auditor,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::TeamHead => "team_head",
            Role::BranchHead => "branch_head",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
        }
    }

    /// Whether the role sees every manager of the organisation.
    pub fn sees_all(self) -> bool {
        matches!(self, Role::Admin | Role::Auditor)
    }
}

/// Something a user does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    ViewManagers,
    ViewClients,
    RequestTransfer,
    DecideTransfer,
    Import,
    ViewRuns,
    RunSettlement,
    LockPeriod,
    ExportPayroll,
    ViewStatement,
    RaiseDispute,
    DecideDispute,
    WhatIf,
    ViewPolicies,
    ViewAudit,
    ViewAssessments,
    RateScores,
    RunAssessment,
    ApproveAssessment,
}

impl Action {
    pub const ALL: &[Action] = &[
        Action::ViewManagers,
        Action::ViewClients,
        Action::RequestTransfer,
        Action::DecideTransfer,
        Action::Import,
        Action::ViewRuns,
        Action::RunSettlement,
        Action::LockPeriod,
        Action::ExportPayroll,
        Action::ViewStatement,
        Action::RaiseDispute,
        Action::DecideDispute,
        Action::WhatIf,
        Action::ViewPolicies,
        Action::ViewAudit,
        Action::ViewAssessments,
        Action::RateScores,
        Action::RunAssessment,
        Action::ApproveAssessment,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::ViewManagers => "view_managers",
            Action::ViewClients => "view_clients",
            Action::RequestTransfer => "request_transfer",
            Action::DecideTransfer => "decide_transfer",
            Action::Import => "import",
            Action::ViewRuns => "view_runs",
            Action::RunSettlement => "run_settlement",
            Action::LockPeriod => "lock_period",
            Action::ExportPayroll => "export_payroll",
            Action::ViewStatement => "view_statement",
            Action::RaiseDispute => "raise_dispute",
            Action::DecideDispute => "decide_dispute",
            Action::WhatIf => "whatif",
            Action::ViewPolicies => "view_policies",
            Action::ViewAudit => "view_audit",
            Action::ViewAssessments => "view_assessments",
            Action::RateScores => "rate_scores",
            Action::RunAssessment => "run_assessment",
            Action::ApproveAssessment => "approve_assessment",
        }
    }
}

/// The role matrix. Scope (which managers, clients and statements) is checked separately.
pub fn allowed(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match role {
        Admin => true,
        Auditor => matches!(
            action,
            ViewManagers
                | ViewClients
                | ViewRuns
                | ExportPayroll
                | ViewStatement
                | WhatIf
                | ViewPolicies
                | ViewAudit
                | ViewAssessments
        ),
        BranchHead => matches!(
            action,
            ViewManagers
                | ViewClients
                | RequestTransfer
                | DecideTransfer
                | ViewRuns
                | ViewStatement
                | WhatIf
                | ViewAssessments
                | RateScores
        ),
        TeamHead => matches!(
            action,
            ViewManagers
                | ViewClients
                | RequestTransfer
                | ViewRuns
                | ViewStatement
                | ViewAssessments
                | RateScores
        ),
        // A customer manager rates themself (self) and sees their own scorecard.
        Manager => matches!(
            action,
            ViewManagers
                | ViewClients
                | RequestTransfer
                | ViewStatement
                | RaiseDispute
                | ViewAssessments
                | RateScores
        ),
    }
}
