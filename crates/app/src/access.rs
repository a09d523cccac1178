//! Access: roles and what each may do (the role matrix), the acting user with their scope,
//! passwords, and users. Which managers a user sees is the scope: a customer manager
//! themself, a head their unit with the units below it, the performance office and the
//! auditors everyone. Every use case checks both before it reads or writes.

use crate::{Error, Result};
use kejing_store::users::NewUser;
use kejing_store::{Org, Store};
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::Arc;

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
    /// Approve a submitted settlement run (a second person: never the one who ran or submitted it).
    ApproveRun,
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
    RequestAgreement,
    DecideAgreement,
    SignAssessment,
    /// See the daily registers and breaches (日常管理).
    ViewDaily,
    /// Keep the registers: outings and returns, visit records, logs, prospects, credit business.
    KeepRegisters,
    /// Sign a customer manager's work log (the head, E3).
    SignLog,
    /// Choose which policies of the folder the organisation uses (the performance office).
    AdoptPolicy,
    /// Keep a what-if simulation as a named scenario, and delete one's own.
    SaveScenario,
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
        Action::ApproveRun,
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
        Action::RequestAgreement,
        Action::DecideAgreement,
        Action::SignAssessment,
        Action::ViewDaily,
        Action::KeepRegisters,
        Action::SignLog,
        Action::AdoptPolicy,
        Action::SaveScenario,
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
            Action::ApproveRun => "approve_run",
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
            Action::RequestAgreement => "request_agreement",
            Action::DecideAgreement => "decide_agreement",
            Action::SignAssessment => "sign_assessment",
            Action::ViewDaily => "view_daily",
            Action::KeepRegisters => "keep_registers",
            Action::SignLog => "sign_log",
            Action::AdoptPolicy => "adopt_policy",
            Action::SaveScenario => "save_scenario",
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
                | ViewDaily
        ),
        BranchHead => matches!(
            action,
            ViewManagers
                | ViewClients
                | RequestTransfer
                | DecideTransfer
                | RequestAgreement
                | DecideAgreement
                | SignAssessment
                | ViewRuns
                | ViewStatement
                | WhatIf
                | SaveScenario
                | ViewAssessments
                | RateScores
                | ViewDaily
                | KeepRegisters
                | SignLog
        ),
        TeamHead => matches!(
            action,
            ViewManagers
                | ViewClients
                | RequestTransfer
                | RequestAgreement
                | SignAssessment
                | ViewRuns
                | ViewStatement
                | ViewAssessments
                | RateScores
                | ViewDaily
                | KeepRegisters
                | SignLog
        ),
        // A customer manager rates themself (self) and sees their own scorecard.
        Manager => matches!(
            action,
            ViewManagers
                | ViewClients
                | RequestTransfer
                | RequestAgreement
                | SignAssessment
                | ViewStatement
                | RaiseDispute
                | ViewAssessments
                | RateScores
                | ViewDaily
                | KeepRegisters
        ),
    }
}

/// Who is acting: a user of an organisation with a role and a scope. The CLI acts as the
/// organisation's administrator under the name it is given (`--actor`); the web as the
/// signed-in user.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The name written to the audit log and compared for "no one approves their own".
    pub name: String,
    pub org: Org,
    pub role: Role,
    /// The managers this actor may see; `None`: all of the organisation.
    pub scope: Option<Arc<BTreeSet<String>>>,
    /// The customer manager this actor is, for a customer manager.
    pub manager: Option<String>,
}

impl Actor {
    /// The performance office acting from the command line.
    pub fn admin(org: &Org, name: &str) -> Actor {
        Actor {
            name: name.to_owned(),
            org: org.clone(),
            role: Role::Admin,
            scope: None,
            manager: None,
        }
    }

    /// A stored user of `org` acting from the command line (`--as`): their role and their scope
    /// (a customer manager themself; a head their unit and the units below it, with their own
    /// manager code), as the web gives them when they sign in.
    pub fn of_user(store: &mut Store, org: &Org, username: &str) -> Result<Actor> {
        let user = store
            .user_by_name(username)?
            .filter(|u| u.org.id == org.id)
            .ok_or_else(|| Error::NotFound(format!("{username} is not a user of {}", org.code)))?;
        let role = Role::parse(&user.role)
            .ok_or_else(|| Error::Internal(format!("user {username} has no known role")))?;
        let scope = if role.sees_all() {
            None
        } else if role == Role::Manager {
            Some(Arc::new(
                user.manager_code.iter().cloned().collect::<BTreeSet<_>>(),
            ))
        } else {
            let mut set = BTreeSet::new();
            if let Some(unit) = user.org_unit.as_deref() {
                let units: BTreeSet<String> = store.unit_subtree(org, unit)?.into_iter().collect();
                for m in store.load_managers(org)? {
                    if m.org.as_ref().is_some_and(|u| units.contains(u)) {
                        set.insert(m.id);
                    }
                }
            }
            if let Some(own) = &user.manager_code {
                set.insert(own.clone());
            }
            Some(Arc::new(set))
        };
        Ok(Actor {
            name: user.username.clone(),
            org: org.clone(),
            role,
            scope,
            manager: user.manager_code.clone(),
        })
    }

    pub fn can(&self, action: Action) -> bool {
        allowed(self.role, action)
    }

    /// Refuses unless the role may do `action`.
    pub fn require(&self, action: Action) -> Result<()> {
        if self.can(action) {
            Ok(())
        } else {
            Err(Error::said(
                crate::error::Kind::Forbidden,
                "not-allowed",
                &[
                    ("user", self.name.clone()),
                    ("role", self.role.code().to_owned()),
                    ("action", action.code().to_owned()),
                ],
                format!(
                    "{} ({}) may not {}",
                    self.name,
                    self.role.code(),
                    action.code()
                ),
            ))
        }
    }

    /// Whether the actor may see this manager (their results, clients, statements).
    pub fn sees(&self, manager: &str) -> bool {
        self.scope.as_ref().is_none_or(|s| s.contains(manager))
    }

    /// Refuses unless the actor may see this manager.
    pub fn require_manager(&self, manager: &str) -> Result<()> {
        if self.sees(manager) {
            Ok(())
        } else {
            Err(Error::Forbidden(format!(
                "{} may not act for customer manager {manager}",
                self.name
            )))
        }
    }

    /// Refuses when the actor decides something they asked for themself.
    /// Refuses the one who asked for `thing` #`id` (a `run`, `transfer`, `dispute`, `claim`,
    /// `agreement`): someone else must decide it.
    pub fn require_other_than(&self, requester: &str, thing: &'static str, id: i64) -> Result<()> {
        if requester == self.name {
            Err(Error::said(
                crate::error::Kind::Forbidden,
                "own-request",
                &[
                    ("thing", thing.to_owned()),
                    ("id", id.to_string()),
                    ("by", requester.to_owned()),
                ],
                format!("{thing} #{id} was asked for by {requester}: someone else must decide it"),
            ))
        } else {
            Ok(())
        }
    }
}

/// An argon2id hash of a password (PHC string).
pub fn hash_password(password: &str) -> Result<String> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let mut raw = [0u8; 16];
    getrandom::fill(&mut raw).map_err(|e| Error::Internal(format!("no random numbers: {e}")))?;
    let salt = SaltString::encode_b64(&raw).map_err(|e| Error::Internal(format!("salt: {e}")))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("hashing: {e}")))
}

/// Whether `password` matches the stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A user to add.
pub struct UserInput<'a> {
    pub username: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub manager: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub password: &'a str,
}

/// Adds a user with a hashed password; whether it was added (an existing name is kept).
/// Only the performance office adds users.
pub fn add_user(store: &mut Store, actor: &Actor, u: &UserInput<'_>) -> Result<bool> {
    if actor.role != Role::Admin {
        return Err(Error::Forbidden(format!(
            "{} may not add users",
            actor.name
        )));
    }
    let role = Role::parse(u.role).ok_or_else(|| {
        Error::invalid(format!(
            "unknown role {:?}: use manager, team_head, branch_head, admin or auditor",
            u.role
        ))
    })?;
    if u.password.chars().count() < 8 {
        return Err(Error::invalid("the password needs at least 8 characters"));
    }
    if role == Role::Manager && u.manager.is_none() {
        return Err(Error::invalid(
            "a customer manager user needs --manager <manager ID>",
        ));
    }
    if matches!(role, Role::TeamHead | Role::BranchHead) && u.unit.is_none() {
        return Err(Error::invalid(
            "a head needs --unit <org unit ID> (the unit they are responsible for)",
        ));
    }
    let hash = hash_password(u.password)?;
    store.set_actor(actor.name.clone());
    Ok(store.add_user(
        &actor.org,
        &NewUser {
            username: u.username,
            display_name: u.name,
            password_hash: &hash,
            role: role.code(),
            manager_code: u.manager,
            org_unit: u.unit,
        },
    )?)
}
