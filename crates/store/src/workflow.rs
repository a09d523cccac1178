//! Workflows as conditional transitions. A request, a dispute, a proposal moves from one state
//! to the next only from the state it is expected to be in, in the same statement that moves
//! it (`UPDATE … WHERE key AND status = 'open'`); when no row changed, someone else decided
//! first, and the caller gets who and when ([`StoreError::Conflict`]), never a half-change.
//!
//! Use it inside [`Store::write`], so that what the decision also writes (an import into the
//! ledger, an adjustment) commits or rolls back with it.

use crate::sql::{Cols, Ty, Val};
use crate::{Store, StoreError};

/// A workflow's table and the columns that say who decided and when.
#[derive(Debug, Clone, Copy)]
pub struct Workflow {
    pub table: &'static str,
    /// What one row is, for messages ("transfer request").
    pub what: &'static str,
    pub decided_by: &'static str,
    pub decided_at: &'static str,
}

pub const TRANSFER: Workflow = Workflow {
    table: "transfer_requests",
    what: "transfer request",
    decided_by: "decided_by",
    decided_at: "decided_at",
};

pub const DISPUTE: Workflow = Workflow {
    table: "disputes",
    what: "dispute",
    decided_by: "reviewer",
    decided_at: "decided_at",
};

pub const PROPOSAL: Workflow = Workflow {
    table: "assessment_results",
    what: "assessment proposal",
    decided_by: "approved_by",
    decided_at: "approved_at",
};

pub const CLAIM: Workflow = Workflow {
    table: "ownership_claims",
    what: "ownership claim",
    decided_by: "decided_by",
    decided_at: "decided_at",
};

pub const AGREEMENT: Workflow = Workflow {
    table: "agreement_requests",
    what: "agreement request",
    decided_by: "decided_by",
    decided_at: "decided_at",
};

/// The states of an agreement-price request (协议价).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementStatus {
    Open,
    Approved,
    Rejected,
}

/// The states of a transfer request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferStatus {
    Open,
    Approved,
    Rejected,
}

/// The states of a dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeStatus {
    Open,
    Accepted,
    Rejected,
}

/// The states of an assessment proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalStatus {
    Proposed,
    Approved,
}

/// The states of a settlement run: a draft, submitted for review, approved by a second user,
/// then locked (its period locked on it, paid); superseded when a newer run of the same period
/// exists or the period was locked on another run. Only the newest run of an unlocked period
/// moves on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Draft,
    Submitted,
    Approved,
    Locked,
    Superseded,
}

macro_rules! status_codes {
    ($t:ty { $($v:ident => $c:literal),* $(,)? }) => {
        impl $t {
            /// The code stored in the database.
            pub fn code(self) -> &'static str {
                match self { $(Self::$v => $c),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($c => Some(Self::$v),)* _ => None }
            }
        }
    };
}

status_codes!(TransferStatus { Open => "open", Approved => "approved", Rejected => "rejected" });
status_codes!(AgreementStatus { Open => "open", Approved => "approved", Rejected => "rejected" });
status_codes!(DisputeStatus { Open => "open", Accepted => "accepted", Rejected => "rejected" });
status_codes!(ProposalStatus { Proposed => "proposed", Approved => "approved" });
status_codes!(RunStatus {
    Draft => "draft",
    Submitted => "submitted",
    Approved => "approved",
    Locked => "locked",
    Superseded => "superseded",
});

impl Store {
    /// Decides an open request of `wf` (a transfer, a claim, an agreement price) by its id:
    /// the conditional transition from `open` to `to`, recording who, when and the decision
    /// text, and its audit entry. Call it inside [`Store::write`] with what the decision writes.
    pub fn decide_open_request(
        &mut self,
        wf: &Workflow,
        org: &crate::Org,
        id: i64,
        to: &str,
        decision: &str,
    ) -> Result<(), StoreError> {
        let actor = self.actor().to_owned();
        self.transition(
            wf,
            &[("id", Val::Int(id)), ("org_id", Val::Int(org.id))],
            "open",
            to,
            &[
                (wf.decided_by, Val::Text(actor)),
                (wf.decided_at, Val::Time(chrono::Utc::now())),
                ("decision", Val::text(decision)),
            ],
        )?;
        self.audit(
            Some(org.id),
            to,
            wf.table,
            &id.to_string(),
            Some(serde_json::json!({"status": "open"})),
            Some(serde_json::json!({"status": to, "decision": decision})),
        )?;
        Ok(())
    }

    /// Moves one row of `wf` identified by `key` (column, value pairs) from state `from` to
    /// `to`, setting `set` as well, in one conditional statement. Fails with
    /// [`StoreError::NotFound`] when no row has that key and with [`StoreError::Conflict`]
    /// (saying the state, who and when) when the row is no longer in state `from`.
    pub fn transition(
        &mut self,
        wf: &Workflow,
        key: &[(&'static str, Val)],
        from: &str,
        to: &str,
        set: &[(&'static str, Val)],
    ) -> Result<(), StoreError> {
        let mut params: Vec<Val> = vec![Val::text(to)];
        let mut sql = format!("UPDATE {} SET status = $1", wf.table);
        for (col, v) in set {
            params.push(v.clone());
            sql.push_str(&format!(", {col} = ${}", params.len()));
        }
        let mut cond = String::new();
        for (col, v) in key {
            params.push(v.clone());
            cond.push_str(&format!("{col} = ${} AND ", params.len()));
        }
        params.push(Val::text(from));
        sql.push_str(&format!(" WHERE {cond}status = ${}", params.len()));
        if self.conn.exec(&sql, &params)? == 1 {
            return Ok(());
        }
        // The row as a person names it: its key without the organisation.
        let key_text = key
            .iter()
            .filter(|(c, _)| *c != "org_id")
            .map(|(_, v)| v.to_cell())
            .collect::<Vec<_>>()
            .join("/");
        let mut sql = format!(
            "SELECT status, {}, CAST({} AS TEXT) FROM {} WHERE ",
            wf.decided_by, wf.decided_at, wf.table
        );
        let mut params = Vec::new();
        for (i, (col, v)) in key.iter().enumerate() {
            if i > 0 {
                sql.push_str(" AND ");
            }
            params.push(v.clone());
            sql.push_str(&format!("{col} = ${}", params.len()));
        }
        let rows = self
            .conn
            .query(&sql, &params, &[Ty::Text, Ty::Text, Ty::Text])?;
        let Some(r) = rows.first() else {
            return Err(StoreError::NotFound(format!(
                "there is no {} #{key_text}",
                wf.what
            )));
        };
        let c = Cols::new(wf.table, r);
        let status = c.text(0)?;
        // Who and when may be NULL (rows closed by a migration): shown as "?" and empty.
        let by = c.opt_text(1).unwrap_or_else(|| "?".to_owned());
        let at = c.opt_text(2).map(|t| short_time(&t)).unwrap_or_default();
        let english = format!(
            "{} #{key_text} was already decided ({status}) by {by} at {at}",
            wf.what
        );
        Err(StoreError::taken(
            "decided-already",
            &[
                ("table", wf.table.to_owned()),
                ("key", key_text.clone()),
                ("status", status),
                ("by", by),
                ("at", at),
            ],
            english,
        ))
    }
}

/// `2026-10-01T09:30:12.123+00:00` → `2026-10-01 09:30:12 UTC` (and PostgreSQL's own form alike).
pub(crate) fn short_time(t: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(t)
        .or_else(|_| chrono::DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f%#z"))
    {
        Ok(d) => d
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%d %H:%M:%S UTC")
            .to_string(),
        Err(_) => t.to_owned(),
    }
}

/// A write that a unique key may refuse because someone did the same at the same moment: the
/// refusal becomes a coded conflict ([`StoreError::taken`]) with `code`, `args` and the English
/// `message`; any other error stays what it is.
pub fn or_taken<T>(
    written: Result<T, crate::sql::DbError>,
    code: &'static str,
    args: &[(&'static str, String)],
    message: impl FnOnce() -> String,
) -> Result<T, StoreError> {
    match written {
        Ok(v) => Ok(v),
        Err(e) if e.is_unique_violation() => Err(StoreError::taken(code, args, message())),
        Err(e) => Err(e.into()),
    }
}

/// A write that a unique key may refuse because someone did the same at the same moment: the
/// refusal becomes [`StoreError::Conflict`] with `message`; any other error stays what it is.
pub fn or_conflict<T>(
    written: Result<T, crate::sql::DbError>,
    message: impl FnOnce() -> String,
) -> Result<T, StoreError> {
    match written {
        Ok(v) => Ok(v),
        Err(e) if e.is_unique_violation() => Err(StoreError::Conflict(message())),
        Err(e) => Err(e.into()),
    }
}
