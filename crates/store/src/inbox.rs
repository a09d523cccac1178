//! What a user's inbox is read from: the decisions on what they asked for (disputes,
//! transfers, claims, runs they settled), what waits for someone to decide (open disputes,
//! transfers and claims, runs submitted for review, assessment proposals), and which notices
//! each user has read. Nothing is copied: a notice is the decided row itself, so it is written
//! in the decision's own transaction and can never disagree with it.

use crate::sql::{Cols, Ty, Val};
use crate::workflow::short_time;
use crate::{Org, Store, StoreError};
use chrono::Utc;

/// One entry: a decision on something the user asked for, or something waiting for a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxRow {
    /// What it is: `dispute`, `transfer`, `claim`, `run`, `proposals`.
    pub kind: &'static str,
    /// The row it is about (a dispute's id, a run's id).
    pub id: i64,
    /// Its state: `accepted`, `rejected`, `approved`, `open`, `submitted`, …
    pub status: String,
    /// When it was decided, or asked.
    pub at: String,
    /// Who decided it, or asked.
    pub by: String,
    /// The customer manager it concerns, where one does (scope is checked by the caller).
    pub manager: Option<String>,
    /// What the message says, by name.
    pub args: Vec<(&'static str, String)>,
}

/// How many notices of a kind a user's inbox reads at most (the newest).
pub const NOTICES: i64 = 100;

impl Store {
    /// Decisions on what `username` (customer manager `manager`, if one) asked for, or on
    /// their own lines and clients, newest first.
    pub fn inbox_notices(
        &mut self,
        org: &Org,
        username: &str,
        manager: Option<&str>,
    ) -> Result<Vec<InboxRow>, StoreError> {
        let me = Val::text(username);
        // Manager codes are never empty: "" matches no manager's rows.
        let code = Val::text(manager.unwrap_or(""));
        let mut out = Vec::new();
        for r in self.conn.query(
            "SELECT d.id, d.status, CAST(d.decided_at AS TEXT), COALESCE(d.reviewer, ''), d.manager, d.run_id, d.item, \
             COALESCE(d.adjustment_period, ''), d.adjustment_fen, COALESCE(d.decision, ''), r.period \
             FROM disputes d JOIN settlement_runs r ON r.id = d.run_id \
             WHERE d.org_id = $1 AND d.status <> 'open' AND (d.raised_by = $2 OR d.manager = $3) \
             ORDER BY d.decided_at DESC, d.id DESC LIMIT $4",
            &[Val::Int(org.id), me.clone(), code.clone(), Val::Int(NOTICES)],
            &[Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Int, Ty::Text, Ty::Text, Ty::Int, Ty::Text, Ty::Text],
        )? {
            let c = Cols::new("disputes", &r);
            let amount = c
                .opt_int(8)
                .map(|f| kejing_engine::Money::from_fen(f).to_string())
                .unwrap_or_default();
            out.push(InboxRow {
                kind: "dispute",
                id: c.int(0)?,
                status: c.text(1)?,
                at: short_time(&c.opt_text(2).unwrap_or_default()),
                by: c.text(3)?,
                manager: Some(c.text(4)?),
                args: vec![
                    ("run", c.int(5)?.to_string()),
                    ("item", c.text(6)?),
                    ("period", c.text(7)?),
                    ("amount", amount),
                    ("decision", c.text(9)?),
                    ("run_period", c.text(10)?),
                ],
            });
        }
        for r in self.conn.query(
            "SELECT id, status, CAST(decided_at AS TEXT), COALESCE(decided_by, ''), client_code, from_manager, to_manager, \
             CAST(effective_on AS TEXT), COALESCE(decision, '') FROM transfer_requests \
             WHERE org_id = $1 AND status <> 'open' AND (requested_by = $2 OR from_manager = $3 OR to_manager = $3) \
             ORDER BY decided_at DESC, id DESC LIMIT $4",
            &[Val::Int(org.id), me.clone(), code.clone(), Val::Int(NOTICES)],
            &[Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text],
        )? {
            let c = Cols::new("transfer_requests", &r);
            out.push(InboxRow {
                kind: "transfer",
                id: c.int(0)?,
                status: c.text(1)?,
                at: short_time(&c.opt_text(2).unwrap_or_default()),
                by: c.text(3)?,
                manager: Some(c.text(6)?),
                args: vec![
                    ("client", c.text(4)?),
                    ("from", c.text(5)?),
                    ("to", c.text(6)?),
                    ("on", c.text(7)?.chars().take(10).collect()),
                    ("decision", c.text(8)?),
                ],
            });
        }
        for r in self.conn.query(
            "SELECT id, status, CAST(decided_at AS TEXT), COALESCE(decided_by, ''), client_code, manager, share, \
             CAST(effective_on AS TEXT), COALESCE(decision, '') FROM ownership_claims \
             WHERE org_id = $1 AND status <> 'open' AND (requested_by = $2 OR manager = $3) \
             ORDER BY decided_at DESC, id DESC LIMIT $4",
            &[Val::Int(org.id), me.clone(), code, Val::Int(NOTICES)],
            &[Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text],
        )? {
            let c = Cols::new("ownership_claims", &r);
            out.push(InboxRow {
                kind: "claim",
                id: c.int(0)?,
                status: c.text(1)?,
                at: short_time(&c.opt_text(2).unwrap_or_default()),
                by: c.text(3)?,
                manager: Some(c.text(5)?),
                args: vec![
                    ("client", c.text(4)?),
                    ("manager", c.text(5)?),
                    ("share", c.text(6)?),
                    ("on", c.text(7)?.chars().take(10).collect()),
                    ("decision", c.text(8)?),
                ],
            });
        }
        // Runs this user settled that a second person approved.
        for r in self.conn.query(
            "SELECT id, CAST(approved_at AS TEXT), approved_by, period FROM settlement_runs \
             WHERE org_id = $1 AND approved_by IS NOT NULL AND (actor = $2 OR submitted_by = $2) \
             ORDER BY approved_at DESC, id DESC LIMIT $3",
            &[Val::Int(org.id), me, Val::Int(NOTICES)],
            &[Ty::Int, Ty::Text, Ty::Text, Ty::Text],
        )? {
            let c = Cols::new("settlement_runs", &r);
            out.push(InboxRow {
                kind: "run",
                id: c.int(0)?,
                status: "approved".to_owned(),
                at: short_time(&c.opt_text(1).unwrap_or_default()),
                by: c.text(2)?,
                manager: None,
                args: vec![("run", c.int(0)?.to_string()), ("period", c.text(3)?)],
            });
        }
        out.sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
        Ok(out)
    }

    /// What waits for a decision in the organisation: open disputes, transfers and claims,
    /// runs submitted for review and not yet approved (the newest of their period, unlocked),
    /// and assessment runs with proposals not yet approved. The caller keeps what the user may
    /// decide (their rights, their scope, never their own).
    pub fn inbox_waiting(&mut self, org: &Org) -> Result<Vec<InboxRow>, StoreError> {
        let o = Val::Int(org.id);
        let mut out = Vec::new();
        for r in self.conn.query(
            "SELECT d.id, CAST(d.raised_at AS TEXT), d.raised_by, d.manager, d.run_id, d.item, r.period FROM disputes d \
             JOIN settlement_runs r ON r.id = d.run_id WHERE d.org_id = $1 AND d.status = 'open' ORDER BY d.id LIMIT 500",
            std::slice::from_ref(&o),
            &[Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Int, Ty::Text, Ty::Text],
        )? {
            let c = Cols::new("disputes", &r);
            out.push(InboxRow {
                kind: "dispute",
                id: c.int(0)?,
                status: "open".to_owned(),
                at: short_time(&c.opt_text(1).unwrap_or_default()),
                by: c.text(2)?,
                manager: Some(c.text(3)?),
                args: vec![
                    ("manager", c.text(3)?),
                    ("run", c.int(4)?.to_string()),
                    ("item", c.text(5)?),
                    ("run_period", c.text(6)?),
                ],
            });
        }
        for r in self.conn.query(
            "SELECT id, CAST(requested_at AS TEXT), requested_by, client_code, from_manager, to_manager, CAST(effective_on AS TEXT) \
             FROM transfer_requests WHERE org_id = $1 AND status = 'open' ORDER BY id LIMIT 500",
            std::slice::from_ref(&o),
            &[Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text],
        )? {
            let c = Cols::new("transfer_requests", &r);
            out.push(InboxRow {
                kind: "transfer",
                id: c.int(0)?,
                status: "open".to_owned(),
                at: short_time(&c.opt_text(1).unwrap_or_default()),
                by: c.text(2)?,
                manager: Some(c.text(4)?),
                args: vec![
                    ("client", c.text(3)?),
                    ("from", c.text(4)?),
                    ("to", c.text(5)?),
                    ("on", c.text(6)?.chars().take(10).collect()),
                ],
            });
        }
        for r in self.conn.query(
            "SELECT id, CAST(requested_at AS TEXT), requested_by, client_code, manager, share \
             FROM ownership_claims WHERE org_id = $1 AND status = 'open' ORDER BY id LIMIT 500",
            std::slice::from_ref(&o),
            &[Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text],
        )? {
            let c = Cols::new("ownership_claims", &r);
            out.push(InboxRow {
                kind: "claim",
                id: c.int(0)?,
                status: "open".to_owned(),
                at: short_time(&c.opt_text(1).unwrap_or_default()),
                by: c.text(2)?,
                manager: Some(c.text(4)?),
                args: vec![
                    ("client", c.text(3)?),
                    ("manager", c.text(4)?),
                    ("share", c.text(5)?),
                ],
            });
        }
        // A submitted run waits while it is the newest of its period and the period is open.
        for r in self.conn.query(
            "SELECT r.id, CAST(r.submitted_at AS TEXT), r.submitted_by, r.period, r.actor FROM settlement_runs r \
             WHERE r.org_id = $1 AND r.submitted_by IS NOT NULL AND r.approved_by IS NULL \
             AND NOT EXISTS (SELECT 1 FROM settlement_runs n WHERE n.org_id = r.org_id AND n.period = r.period AND n.id > r.id) \
             AND NOT EXISTS (SELECT 1 FROM period_locks l WHERE l.org_id = r.org_id AND l.period = r.period) \
             ORDER BY r.id LIMIT 100",
            std::slice::from_ref(&o),
            &[Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Text],
        )? {
            let c = Cols::new("settlement_runs", &r);
            out.push(InboxRow {
                kind: "run",
                id: c.int(0)?,
                status: "submitted".to_owned(),
                at: short_time(&c.opt_text(1).unwrap_or_default()),
                by: c.text(2)?,
                manager: None,
                args: vec![
                    ("run", c.int(0)?.to_string()),
                    ("period", c.text(3)?),
                    ("actor", c.text(4)?),
                ],
            });
        }
        for r in self.conn.query(
            "SELECT a.id, CAST(a.created_at AS TEXT), a.actor, a.period, COUNT(*) FROM assessment_runs a \
             JOIN assessment_results x ON x.run_id = a.id \
             WHERE a.org_id = $1 AND x.status = 'proposed' GROUP BY a.id, a.created_at, a.actor, a.period ORDER BY a.id LIMIT 100",
            &[o],
            &[Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Int],
        )? {
            let c = Cols::new("assessment_runs", &r);
            out.push(InboxRow {
                kind: "proposals",
                id: c.int(0)?,
                status: "proposed".to_owned(),
                at: short_time(&c.opt_text(1).unwrap_or_default()),
                by: c.text(2)?,
                manager: None,
                args: vec![
                    ("run", c.int(0)?.to_string()),
                    ("period", c.text(3)?),
                    ("count", c.int(4)?.to_string()),
                ],
            });
        }
        Ok(out)
    }

    /// The notices `username` has read (by key, e.g. `dispute-12-accepted`).
    pub fn inbox_read(
        &mut self,
        org: &Org,
        username: &str,
    ) -> Result<std::collections::BTreeSet<String>, StoreError> {
        let rows = self.conn.query(
            "SELECT notice FROM inbox_reads WHERE org_id = $1 AND username = $2",
            &[Val::Int(org.id), Val::text(username)],
            &[Ty::Text],
        )?;
        rows.iter()
            .map(|r| Cols::new("inbox_reads", r).text(0))
            .collect::<Result<_, _>>()
            .map_err(StoreError::from)
    }

    /// Marks notices read for `username` (marking one twice changes nothing); how many were new.
    pub fn mark_inbox_read(
        &mut self,
        org: &Org,
        username: &str,
        notices: &[String],
    ) -> Result<u64, StoreError> {
        let now = Utc::now();
        let sql = format!(
            "INSERT INTO inbox_reads (org_id, username, notice, read_at) VALUES ($1, $2, $3, $4) {}",
            self.backend()
                .upsert_tail("inbox_reads", &["org_id", "username", "notice"], &[])
        );
        self.transaction(|s| {
            let mut n = 0;
            for key in notices.iter().take(1000) {
                n += s.conn.exec(
                    &sql,
                    &[
                        Val::Int(org.id),
                        Val::text(username),
                        Val::text(key),
                        Val::Time(now),
                    ],
                )?;
            }
            // On record, and a new data version: the inbox counts cached by it are renewed.
            if n > 0 {
                s.audit(
                    Some(org.id),
                    "inbox.read",
                    "inbox_reads",
                    username,
                    None,
                    Some(serde_json::json!({"notices": n})),
                )?;
            }
            Ok(n)
        })
    }
}
