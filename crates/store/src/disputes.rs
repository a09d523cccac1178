//! Disputes (申诉) raised on lines of a stored run, and their decisions: a conditional
//! transition (see [`crate::workflow`]); an accepted one becomes exactly one adjustment of an
//! open period, in the same transaction.

use crate::sql::{Cols, Ty, Val};
use crate::workflow::{DISPUTE, DisputeStatus, or_taken};
use crate::{Org, Store, StoreError};
use chrono::Utc;
use kejing_engine::{Money, Period};

/// A dispute (申诉) raised on a settlement line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispute {
    pub id: i64,
    pub run: i64,
    pub manager: String,
    pub item: String,
    pub reason: String,
    pub raised_by: String,
    pub status: String,
    pub reviewer: Option<String>,
    pub decision: Option<String>,
    pub adjustment: Option<(String, Money)>,
}

const DISPUTE_COLS: &str = "id, run_id, manager, item, reason, raised_by, status, reviewer, decision, adjustment_period, adjustment_fen";
const DISPUTE_TYS: &[Ty] = &[
    Ty::Int,
    Ty::Int,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Int,
];

fn dispute_of(r: &[Val]) -> Result<Dispute, StoreError> {
    let c = Cols::new("disputes", r);
    Ok(Dispute {
        id: c.int(0)?,
        run: c.int(1)?,
        manager: c.text(2)?,
        item: c.text(3)?,
        reason: c.text(4)?,
        raised_by: c.text(5)?,
        status: c.text(6)?,
        reviewer: c.opt_text(7),
        decision: c.opt_text(8),
        adjustment: match (c.opt_text(9), c.opt_int(10)) {
            (Some(p), Some(f)) => Some((p, Money::from_fen(f))),
            _ => None,
        },
    })
}

impl Store {
    /// A customer manager disputes a line of a stored run, with a reason. One open dispute per
    /// line: a second is a conflict naming the open one. Audited.
    pub fn raise_dispute(
        &mut self,
        org: &Org,
        run: i64,
        manager: &str,
        item: &str,
        reason: &str,
    ) -> Result<i64, StoreError> {
        if reason.trim().is_empty() {
            return Err(StoreError::refused(
                "dispute-reason-required",
                &[],
                "a dispute needs a reason (--reason)".into(),
            ));
        }
        self.write(org, |s| {
            let exists = s
                .conn
                .scalar(
                    "SELECT COUNT(*) FROM settlement_lines l JOIN settlement_runs r ON r.id = l.run_id \
                     WHERE r.org_id = $1 AND l.run_id = $2 AND l.manager = $3 AND l.item = $4",
                    &[Val::Int(org.id), Val::Int(run), Val::text(manager), Val::text(item)],
                    Ty::Int,
                )?
                .as_i64()
                .unwrap_or(0);
            if exists == 0 {
                return Err(StoreError::NotFound(format!(
                    "run #{run} has no line {item:?} for manager {manager}; see kejing explain --run {run} --manager {manager}"
                )));
            }
            let open = s.conn.query(
                "SELECT id, raised_by FROM disputes WHERE org_id = $1 AND run_id = $2 AND manager = $3 AND item = $4 AND status = 'open'",
                &[Val::Int(org.id), Val::Int(run), Val::text(manager), Val::text(item)],
                &[Ty::Int, Ty::Text],
            )?;
            if let Some(o) = open.first() {
                let c = Cols::new("disputes", o);
                let (id, by) = (c.int(0)?, c.text(1)?);
                return Err(StoreError::taken(
                    "line-disputed",
                    &[
                        ("item", item.to_owned()),
                        ("manager", manager.to_owned()),
                        ("run", run.to_string()),
                        ("id", id.to_string()),
                        ("by", by.clone()),
                    ],
                    format!(
                        "line {item:?} of {manager} on run #{run} is already disputed (#{id}, raised by {by}): wait for its decision"
                    ),
                ));
            }
            let actor = s.actor().to_owned();
            let inserted = s.conn.insert_id(
                "disputes",
                "INSERT INTO disputes (org_id, run_id, manager, item, reason, raised_by, raised_at, status) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'open')",
                &[
                    Val::Int(org.id),
                    Val::Int(run),
                    Val::text(manager),
                    Val::text(item),
                    Val::text(reason),
                    Val::Text(actor),
                    Val::Time(Utc::now()),
                ],
            );
            let id = or_taken(inserted, "line-disputed-now", &[
                        ("item", item.to_owned()),
                        ("manager", manager.to_owned()),
                        ("run", run.to_string()),
                    ], || format!(
                        "line {item:?} of {manager} on run #{run} is already disputed: wait for its decision"
                    ))?;
            s.audit(
                Some(org.id),
                "raise",
                "disputes",
                &id.to_string(),
                None,
                Some(serde_json::json!({"run": run, "manager": manager, "item": item, "reason": reason})),
            )?;
            Ok(id)
        })
    }

    /// One dispute of the organisation.
    pub fn dispute(&mut self, org: &Org, id: i64) -> Result<Option<Dispute>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {DISPUTE_COLS} FROM disputes WHERE org_id = $1 AND id = $2"),
            &[Val::Int(org.id), Val::Int(id)],
            DISPUTE_TYS,
        )?;
        rows.first().map(|r| dispute_of(r)).transpose()
    }

    /// A reviewer decides an open dispute: accepted with an adjustment (written to the
    /// adjustments table for `period`, so the next settlement pays it), or rejected with a
    /// reason. A conditional transition in one transaction with the adjustment: of concurrent
    /// decisions exactly one takes effect, the others get a conflict saying who decided and
    /// when. Audited.
    pub fn decide_dispute(
        &mut self,
        org: &Org,
        id: i64,
        accept: Option<(Period, Money)>,
        decision: &str,
    ) -> Result<(), StoreError> {
        if decision.trim().is_empty() {
            return Err(StoreError::refused(
                "decision-reason-required",
                &[],
                "a decision needs a reason (--reason)".into(),
            ));
        }
        self.write(org, |s| {
            let Some(d) = s.dispute(org, id)? else {
                return Err(StoreError::NotFound(format!("no dispute #{id}")));
            };
            if let Some((period, _)) = accept
                && let Some(run) = s.locked_run(org, period)?
            {
                return Err(StoreError::refused(
                    "adjustment-period-locked",
                    &[("period", period.to_string()), ("run", run.to_string())],
                    format!("{period} is locked (run #{run}); pay the adjustment in an open period"),
                ));
            }
            let to = if accept.is_some() {
                DisputeStatus::Accepted
            } else {
                DisputeStatus::Rejected
            };
            let actor = s.actor().to_owned();
            s.transition(
                &DISPUTE,
                &[("id", Val::Int(id)), ("org_id", Val::Int(org.id))],
                DisputeStatus::Open.code(),
                to.code(),
                &[
                    ("reviewer", Val::Text(actor)),
                    ("decided_at", Val::Time(Utc::now())),
                    ("decision", Val::text(decision)),
                    ("adjustment_period", Val::opt_text(accept.map(|a| a.0.to_string()))),
                    ("adjustment_fen", Val::opt_int(accept.map(|a| a.1.fen()))),
                ],
            )?;
            if let Some((period, amount)) = accept {
                let manager_id = s
                    .conn
                    .scalar(
                        "SELECT id FROM managers WHERE org_id = $1 AND code = $2",
                        &[Val::Int(org.id), Val::text(&d.manager)],
                        Ty::Int,
                    )?
                    .as_i64()
                    .ok_or_else(|| {
                        StoreError::refused(
                            "manager-gone",
                            &[("manager", d.manager.clone())],
                            format!("manager {} is no longer in managers", d.manager),
                        )
                    })?;
                let inserted = s.conn.exec(
                    "INSERT INTO adjustments (org_id, period, manager_id, item, amount_fen, reason) VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        Val::Int(org.id),
                        Val::text(period.to_string()),
                        Val::Int(manager_id),
                        Val::text(format!("{}{id}", kejing_io::records::DISPUTE_ITEM_PREFIX)),
                        Val::Int(amount.fen()),
                        Val::text(decision),
                    ],
                );
                or_taken(inserted, "adjustment-exists", &[("id", id.to_string())], || format!(
                            "dispute #{id} already has its adjustment"
                        ))?;
            }
            s.audit(
                Some(org.id),
                to.code(),
                "disputes",
                &id.to_string(),
                Some(serde_json::json!({"status": "open"})),
                Some(serde_json::json!({
                    "status": to.code(),
                    "decision": decision,
                    "adjustment": accept.map(|a| serde_json::json!({"period": a.0.to_string(), "amount": a.1.to_string()})),
                })),
            )?;
            Ok(())
        })
    }

    /// The disputes of the organisation, oldest first.
    /// The newest `limit` disputes on one manager's lines of a run, newest first (a statement
    /// shows these; the list of all disputes is the disputes page).
    pub fn line_disputes(
        &mut self,
        org: &Org,
        run: i64,
        manager: &str,
        limit: i64,
    ) -> Result<Vec<Dispute>, StoreError> {
        let rows = self.conn.query(
            &format!(
                "SELECT {DISPUTE_COLS} FROM disputes WHERE org_id = $1 AND run_id = $2 AND manager = $3 \
                 ORDER BY id DESC LIMIT $4"
            ),
            &[Val::Int(org.id), Val::Int(run), Val::text(manager), Val::Int(limit)],
            DISPUTE_TYS,
        )?;
        rows.iter().map(|r| dispute_of(r)).collect()
    }

    pub fn disputes(&mut self, org: &Org) -> Result<Vec<Dispute>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {DISPUTE_COLS} FROM disputes WHERE org_id = $1 ORDER BY id"),
            &[Val::Int(org.id)],
            DISPUTE_TYS,
        )?;
        rows.iter().map(|r| dispute_of(r)).collect()
    }
}
