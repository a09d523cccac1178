//! Database mode of settlement: settlement runs stored with their lines and traces, locked
//! periods. The data set a run reads is in [`crate::dataset`].

use crate::sql::{Cols, Ty, Val};
use crate::workflow::{RunStatus, or_taken, short_time};
use crate::{Org, Store, StoreError};
use chrono::Utc;
use kejing_engine::{Money, Period};
use std::collections::BTreeMap;

/// A line of a stored run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLine {
    pub manager: String,
    pub item: String,
    pub amount: Money,
    /// For a correction: the locked period and the item it corrects.
    pub corrects: Option<(String, String)>,
    pub note: Option<String>,
}

/// A stored settlement run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunInfo {
    pub id: i64,
    pub period: String,
    pub policy: String,
    pub policy_hash: String,
    pub created_at: String,
    pub actor: String,
    pub locked: bool,
    /// Draft, submitted, approved, locked, or superseded (a newer run of the period exists, or
    /// the period was locked on another run).
    pub status: RunStatus,
    /// Who submitted it for review and when.
    pub submitted: Option<(String, String)>,
    /// Who approved it and when.
    pub approved: Option<(String, String)>,
    /// Who locked its period on it and when.
    pub locked_by: Option<(String, String)>,
}

fn invalid(what: &str) -> StoreError {
    StoreError::Invalid(format!("stored data is not valid: {what}"))
}
impl Store {
    /// The run that locked a period, if it is locked.
    pub fn locked_run(&mut self, org: &Org, period: Period) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .scalar(
                "SELECT run_id FROM period_locks WHERE org_id = $1 AND period = $2",
                &[Val::Int(org.id), Val::text(period.to_string())],
                Ty::Int,
            )?
            .as_i64())
    }

    /// Every locked period of the organisation with its run.
    pub fn locked_periods(&mut self, org: &Org) -> Result<Vec<(Period, i64)>, StoreError> {
        let rows = self.conn.query(
            "SELECT period, run_id FROM period_locks WHERE org_id = $1 ORDER BY period",
            &[Val::Int(org.id)],
            &[Ty::Text, Ty::Int],
        )?;
        rows.iter()
            .map(|r| {
                let c = Cols::new("period_locks", r);
                Ok((
                    c.text(0)?.parse().map_err(|_| invalid("a locked period"))?,
                    c.int(1)?,
                ))
            })
            .collect()
    }

    pub fn run_lines(&mut self, run: i64) -> Result<Vec<StoredLine>, StoreError> {
        let rows = self.conn.query(
            "SELECT manager, item, amount_fen, corrects, corrects_item, note FROM settlement_lines WHERE run_id = $1 ORDER BY seq",
            &[Val::Int(run)],
            &[Ty::Text, Ty::Text, Ty::Int, Ty::Text, Ty::Text, Ty::Text],
        )?;
        rows.iter()
            .map(|r| {
                let c = Cols::new("settlement_lines", r);
                Ok(StoredLine {
                    manager: c.text(0)?,
                    item: c.text(1)?,
                    amount: Money::from_fen(c.int(2)?),
                    // A correction line names both the period and the item it corrects.
                    corrects: match c.opt_text(3) {
                        Some(period) => Some((period, c.text(4)?)),
                        None => None,
                    },
                    note: c.opt_text(5),
                })
            })
            .collect()
    }

    /// Correction lines already settled, in locked runs, for a period: (manager, item) → amount.
    pub fn settled_corrections(
        &mut self,
        org: &Org,
        corrected: Period,
    ) -> Result<BTreeMap<(String, String), Money>, StoreError> {
        let rows = self.conn.query(
            "SELECT l.manager, l.corrects_item, l.amount_fen FROM settlement_lines l JOIN period_locks p ON p.run_id = l.run_id \
             WHERE p.org_id = $1 AND l.corrects = $2",
            &[Val::Int(org.id), Val::text(corrected.to_string())],
            &[Ty::Text, Ty::Text, Ty::Int],
        )?;
        let mut out: BTreeMap<(String, String), Money> = BTreeMap::new();
        for r in &rows {
            let c = Cols::new("settlement_lines", r);
            let e = out.entry((c.text(0)?, c.text(1)?)).or_default();
            *e = e.checked_add(Money::from_fen(c.int(2)?)).unwrap_or(*e);
        }
        Ok(out)
    }

    /// Stores a run with its lines and traces; returns its id.
    #[allow(clippy::too_many_arguments)]
    pub fn save_run(
        &mut self,
        org: &Org,
        period: Period,
        policy: &str,
        policy_hash: &str,
        lines: &[StoredLine],
        traces: &BTreeMap<String, serde_json::Value>,
        measures: &[(String, String, rust_decimal::Decimal)],
    ) -> Result<i64, StoreError> {
        let actor = self.actor().to_owned();
        self.transaction(|s| {
            let id = s.conn.insert_id(
                "settlement_runs",
                "INSERT INTO settlement_runs (org_id, period, policy_name, policy_hash, created_at, actor) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    Val::Int(org.id),
                    Val::text(period.to_string()),
                    Val::text(policy),
                    Val::text(policy_hash),
                    Val::Time(Utc::now()),
                    Val::Text(actor),
                ],
            )?;
            let rows: Vec<Vec<Val>> = lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    vec![
                        Val::Int(id),
                        Val::Int(i as i64),
                        Val::text(&l.manager),
                        Val::text(&l.item),
                        Val::Int(l.amount.fen()),
                        Val::opt_text(l.corrects.as_ref().map(|c| c.0.clone())),
                        Val::opt_text(l.corrects.as_ref().map(|c| c.1.clone())),
                        Val::opt_text(l.note.clone()),
                    ]
                })
                .collect();
            s.conn.insert_many(
                "INSERT INTO settlement_lines (run_id, seq, manager, item, amount_fen, corrects, corrects_item, note)",
                &[""; 8],
                rows,
                "",
            )?;
            let traces: Vec<Vec<Val>> = traces
                .iter()
                .map(|(m, t)| vec![Val::Int(id), Val::text(m), Val::Text(t.to_string())])
                .collect();
            s.conn.insert_many(
                "INSERT INTO settlement_traces (run_id, manager, trace)",
                &["", "", "{json}"],
                traces,
                "",
            )?;
            let measures: Vec<Vec<Val>> = measures
                .iter()
                .map(|(m, k, v)| vec![Val::Int(id), Val::text(m), Val::text(k), Val::Dec(*v)])
                .collect();
            s.conn.insert_many(
                "INSERT INTO settlement_measures (run_id, manager, measure, value)",
                &["", "", "", "{dec}"],
                measures,
                "",
            )?;
            s.audit(
                Some(org.id),
                "settle",
                "settlement_runs",
                &id.to_string(),
                None,
                Some(serde_json::json!({"period": period.to_string(), "policy": policy, "policy_hash": policy_hash, "lines": lines.len()})),
            )?;
            Ok::<_, StoreError>(id)
        })
    }

    /// Locks a period on a run (default: its newest run). A locked period never changes.
    /// Only the newest, approved run of an unlocked period can be locked: a superseded or
    /// unapproved run is refused,
    /// and of two locks at once one takes effect and the other gets a conflict naming who
    /// locked it and when. Runs in [`Store::write`] (it joins the caller's transaction).
    pub fn lock_period(
        &mut self,
        org: &Org,
        period: Period,
        run: Option<i64>,
    ) -> Result<i64, StoreError> {
        self.write(org, |s| {
            if let Some((r, by, at)) = s.period_lock(org, period)? {
                let english = format!("{period} is already locked on run #{r} by {by} at {at}");
                return Err(StoreError::taken(
                    "run-locked",
                    &[("run", r.to_string()), ("by", by), ("at", at)],
                    english,
                ));
            }
            let newest = s.latest_run(org, period)?.ok_or_else(|| {
                StoreError::refused(
                    "lock-no-run",
                    &[("period", period.to_string())],
                    format!(
                        "{period} has no settlement run to lock: run kejing settle --period {period} first"
                    ),
                )
            })?;
            let run = run.unwrap_or(newest);
            let p = s
                .conn
                .scalar(
                    "SELECT period FROM settlement_runs WHERE id = $1 AND org_id = $2",
                    &[Val::Int(run), Val::Int(org.id)],
                    Ty::Text,
                )?
                .to_cell();
            if p != period.to_string() {
                return Err(StoreError::refused(
                    "lock-run-other-period",
                    &[("run", run.to_string()), ("period", period.to_string())],
                    format!("run #{run} is not a run of {period} for this organisation"),
                ));
            }
            if run != newest {
                return Err(StoreError::taken(
                    "run-superseded",
                    &[("run", run.to_string()), ("period", period.to_string())],
                    format!(
                        "run #{run} is superseded by run #{newest} of {period}: review and lock that one"
                    ),
                ));
            }
            let approved = s
                .conn
                .scalar(
                    "SELECT approved_by FROM settlement_runs WHERE id = $1",
                    &[Val::Int(run)],
                    Ty::Text,
                )?;
            if approved.as_str().is_none() {
                return Err(StoreError::refused(
                    "run-not-approved",
                    &[("run", run.to_string()), ("period", period.to_string())],
                    format!(
                        "run #{run} is not approved: submit it for review and have a second user approve it before locking {period}"
                    ),
                ));
            }
            let actor = s.actor().to_owned();
            let inserted = s.conn.exec(
                "INSERT INTO period_locks (org_id, period, run_id, locked_at, actor) VALUES ($1, $2, $3, $4, $5)",
                &[Val::Int(org.id), Val::text(period.to_string()), Val::Int(run), Val::Time(Utc::now()), Val::Text(actor)],
            );
            or_taken(inserted, "period-locked-now", &[("period", period.to_string())], || format!(
                        "{period} was locked by someone else at the same moment"
                    ))?;
            s.audit(Some(org.id), "lock", "period_locks", &period.to_string(), None, Some(serde_json::json!({"run": run})))?;
            Ok::<_, StoreError>(run)
        })
    }

    /// Who locked a period on which run, and when.
    pub fn period_lock(
        &mut self,
        org: &Org,
        period: Period,
    ) -> Result<Option<(i64, String, String)>, StoreError> {
        let rows = self.conn.query(
            "SELECT run_id, actor, CAST(locked_at AS TEXT) FROM period_locks WHERE org_id = $1 AND period = $2",
            &[Val::Int(org.id), Val::text(period.to_string())],
            &[Ty::Int, Ty::Text, Ty::Text],
        )?;
        rows.first()
            .map(|r| {
                let c = Cols::new("period_locks", r);
                Ok((c.int(0)?, c.text(1)?, c.text(2)?))
            })
            .transpose()
    }

    /// Runs of the organisation, newest first, each with its status.
    pub fn runs(&mut self, org: &Org) -> Result<Vec<RunInfo>, StoreError> {
        let rows = self.conn.query(
            "SELECT r.id, r.period, r.policy_name, r.policy_hash, CAST(r.created_at AS TEXT), r.actor, p.run_id, \
                    (SELECT MAX(n.id) FROM settlement_runs n WHERE n.org_id = r.org_id AND n.period = r.period), \
                    r.submitted_by, CAST(r.submitted_at AS TEXT), r.approved_by, CAST(r.approved_at AS TEXT), \
                    p.actor, CAST(p.locked_at AS TEXT) \
             FROM settlement_runs r LEFT JOIN period_locks p ON p.org_id = r.org_id AND p.period = r.period \
             WHERE r.org_id = $1 ORDER BY r.id DESC",
            &[Val::Int(org.id)],
            &[
                Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Int, Ty::Int,
                Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text,
            ],
        )?;
        rows.into_iter()
            .map(|r| {
                let c = Cols::new("settlement_runs", &r);
                let id = c.int(0)?;
                let locked_on = c.opt_int(6);
                let newest = c.int(7)?;
                let step = |by: usize| {
                    c.opt_text(by).map(|who| {
                        (
                            who,
                            c.opt_text(by + 1)
                                .map(|t| short_time(&t))
                                .unwrap_or_default(),
                        )
                    })
                };
                let (submitted, approved) = (step(8), step(10));
                let status = match locked_on {
                    Some(l) if l == id => RunStatus::Locked,
                    Some(_) => RunStatus::Superseded,
                    None if newest > id => RunStatus::Superseded,
                    None if approved.is_some() => RunStatus::Approved,
                    None if submitted.is_some() => RunStatus::Submitted,
                    None => RunStatus::Draft,
                };
                let locked_by = (status == RunStatus::Locked).then(|| step(12)).flatten();
                Ok(RunInfo {
                    id,
                    period: c.text(1)?,
                    policy: c.text(2)?,
                    policy_hash: c.text(3)?,
                    created_at: c.text(4)?,
                    actor: c.text(5)?,
                    locked: status == RunStatus::Locked,
                    status,
                    submitted,
                    approved,
                    locked_by,
                })
            })
            .collect()
    }

    /// The stored explanation of one manager in a run.
    pub fn run_trace(
        &mut self,
        run: i64,
        manager: &str,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        match self.conn.scalar(
            "SELECT CAST(trace AS TEXT) FROM settlement_traces WHERE run_id = $1 AND manager = $2",
            &[Val::Int(run), Val::text(manager)],
            Ty::Json,
        )? {
            Val::Json(j) => Ok(Some(j)),
            _ => Ok(None),
        }
    }

    /// The newest run of a period.
    pub fn latest_run(&mut self, org: &Org, period: Period) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .scalar(
                "SELECT MAX(id) FROM settlement_runs WHERE org_id = $1 AND period = $2",
                &[Val::Int(org.id), Val::text(period.to_string())],
                Ty::Int,
            )?
            .as_i64())
    }
}
