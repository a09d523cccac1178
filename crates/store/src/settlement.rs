//! Database mode of settlement: the data set read from the store, settlement runs stored with
//! their lines and traces, locked periods.

use crate::sql::{Cols, Ty, Val};
use crate::workflow::RunStatus;
use crate::{Org, Store, StoreError};
use chrono::Utc;
use kejing_engine::data::{
    Account, Adjustment, Balance, Booking, Client, DataSet, Flow, Manager, Target,
};
use kejing_engine::ledger::Version;
use kejing_engine::{Money, Period, Ratio};
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
    /// Draft, locked, or superseded (a newer run of the period exists, or the period was
    /// locked on another run).
    pub status: RunStatus,
}

fn text(v: &Val) -> String {
    v.to_cell()
}

fn opt(v: &Val) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn invalid(what: &str) -> StoreError {
    StoreError::Invalid(format!("stored data is not valid: {what}"))
}

impl Store {
    /// Everything of the organisation a settlement may read, as the engine's data set.
    pub fn load_dataset(&mut self, org: &Org) -> Result<DataSet, StoreError> {
        let o = [Val::Int(org.id)];
        let mut d = DataSet::default();
        for r in self.conn.query(
            "SELECT code, name, org_unit, track, grade, tier, staff_grade, status, hired_on, trial_end, left_on, base_salary_fen, CAST(extra AS TEXT) \
             FROM managers WHERE org_id = $1 ORDER BY code",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Date, Ty::Date, Ty::Date, Ty::Int, Ty::Json],
        )? {
            let extra = match &r[12] {
                Val::Json(serde_json::Value::Object(m)) => m
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                    .collect(),
                _ => BTreeMap::new(),
            };
            d.managers.push(Manager {
                id: text(&r[0]),
                name: text(&r[1]),
                org: opt(&r[2]),
                track: opt(&r[3]),
                grade: opt(&r[4]),
                tier: opt(&r[5]),
                staff_grade: opt(&r[6]),
                status: text(&r[7]),
                hired_on: r[8].as_date(),
                trial_end: r[9].as_date(),
                left_on: r[10].as_date(),
                base_salary: r[11].as_i64().map(Money::from_fen),
                extra,
            });
        }
        for r in self.conn.query(
            "SELECT code, name, kind, client_type, agreement, CAST(extra AS TEXT) FROM clients WHERE org_id = $1 ORDER BY code",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Bool, Ty::Json],
        )? {
            let extra = match &r[5] {
                Val::Json(serde_json::Value::Object(m)) => m
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                    .collect(),
                _ => BTreeMap::new(),
            };
            d.clients.push(Client {
                id: text(&r[0]),
                name: text(&r[1]),
                kind: opt(&r[2]),
                client_type: opt(&r[3]),
                agreement: r[4].as_bool().unwrap_or(false),
                extra,
            });
        }
        for r in self.conn.query(
            "SELECT a.code, c.code, a.product, a.currency, CAST(a.rate AS TEXT), a.term_months, a.opened_on, a.closed_on \
             FROM accounts a JOIN clients c ON c.id = a.client_id WHERE a.org_id = $1 ORDER BY a.code",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Dec, Ty::Int, Ty::Date, Ty::Date],
        )? {
            d.accounts.push(Account {
                id: text(&r[0]),
                client: text(&r[1]),
                product: text(&r[2]),
                currency: text(&r[3]),
                rate: r[4].as_dec(),
                term_months: r[5].as_i64(),
                opened_on: r[6].as_date(),
                closed_on: r[7].as_date(),
            });
        }
        for r in self.conn.query(
            "SELECT c.code, a.code, m.code, CAST(o.ratio AS TEXT), o.valid_from, o.valid_to FROM ownership o \
             JOIN clients c ON c.id = o.client_id JOIN managers m ON m.id = o.manager_id \
             LEFT JOIN accounts a ON a.id = o.account_id WHERE o.org_id = $1 ORDER BY o.id",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Dec, Ty::Date, Ty::Date],
        )? {
            d.ownership.push(Version {
                subject: (text(&r[0]), opt(&r[1]).unwrap_or_default()),
                manager: text(&r[2]),
                ratio: r[3].as_dec().and_then(|x| Ratio::new(x).ok()).ok_or_else(|| invalid("an ownership ratio"))?,
                from: r[4].as_date().ok_or_else(|| invalid("an ownership start day"))?,
                to: r[5].as_date(),
            });
        }
        let account_index: std::collections::HashMap<String, u32> = d
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        for r in self.conn.query(
            "SELECT a.code, b.day, b.balance_fen FROM balances b JOIN accounts a ON a.id = b.account_id WHERE a.org_id = $1",
            &o,
            &[Ty::Text, Ty::Date, Ty::Int],
        )? {
            d.balances.push(Balance {
                account: *account_index
                    .get(&text(&r[0]))
                    .ok_or_else(|| invalid("a balance of an unknown account"))?,
                date: r[1].as_date().ok_or_else(|| invalid("a balance day"))?,
                balance: Money::from_fen(r[2].as_i64().unwrap_or(0)),
            });
        }
        for r in self.conn.query(
            "SELECT m.code, t.period, t.measure, CAST(t.target AS TEXT) FROM targets t JOIN managers m ON m.id = t.manager_id WHERE t.org_id = $1",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Dec],
        )? {
            d.targets.push(Target {
                manager: text(&r[0]),
                period: text(&r[1]).parse().map_err(|_| invalid("a target period"))?,
                measure: text(&r[2]),
                target: r[3].as_dec().ok_or_else(|| invalid("a target"))?,
            });
        }
        for table in ["sales", "payments"] {
            let rows = self.conn.query(
                &format!(
                    "SELECT f.id, f.doc_id, f.day, m.code, c.code, CAST(f.quantity AS TEXT), f.amount_fen, f.gross_profit_fen FROM {table} f \
                     JOIN managers m ON m.id = f.manager_id JOIN clients c ON c.id = f.client_id WHERE f.org_id = $1 ORDER BY f.id"
                ),
                &o,
                &[Ty::Int, Ty::Text, Ty::Date, Ty::Text, Ty::Text, Ty::Dec, Ty::Int, Ty::Int],
            )?;
            for r in rows {
                let flow = Flow {
                    source: format!("{table} #{}", r[0].as_i64().unwrap_or(0)),
                    doc_id: opt(&r[1]),
                    date: r[2].as_date().ok_or_else(|| invalid("a day"))?,
                    manager: text(&r[3]),
                    client: text(&r[4]),
                    quantity: r[5].as_dec().unwrap_or_default(),
                    amount: Money::from_fen(r[6].as_i64().unwrap_or(0)),
                    gross_profit: r[7].as_i64().map(Money::from_fen),
                };
                if table == "sales" {
                    d.sales.push(flow);
                } else {
                    d.payments.push(flow);
                }
            }
        }
        for r in self.conn.query(
            "SELECT b.code, m.code, c.code, b.registered_at, b.arrival_at, b.amount_fen, b.approved, b.complaint FROM bookings b \
             JOIN managers m ON m.id = b.manager_id LEFT JOIN clients c ON c.id = b.client_id WHERE b.org_id = $1 ORDER BY b.code",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::DateTime, Ty::DateTime, Ty::Int, Ty::Bool, Ty::Bool],
        )? {
            let at = |v: &Val| match v {
                Val::DateTime(t) => Ok(*t),
                _ => Err(invalid("a booking time")),
            };
            d.bookings.push(Booking {
                source: format!("bookings {}", text(&r[0])),
                id: text(&r[0]),
                manager: text(&r[1]),
                client: opt(&r[2]),
                registered_at: at(&r[3])?,
                arrival_at: at(&r[4])?,
                amount: Money::from_fen(r[5].as_i64().unwrap_or(0)),
                approved: r[6].as_bool().unwrap_or(false),
                complaint: r[7].as_bool().unwrap_or(false),
            });
        }
        for r in self.conn.query(
            "SELECT s.period, m.code, s.item, s.amount_fen, s.reason FROM adjustments s JOIN managers m ON m.id = s.manager_id WHERE s.org_id = $1",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Int, Ty::Text],
        )? {
            d.adjustments.push(Adjustment {
                source: format!("adjustments {} {} {}", text(&r[0]), text(&r[1]), text(&r[2])),
                period: text(&r[0]).parse().map_err(|_| invalid("an adjustment period"))?,
                manager: text(&r[1]),
                item: text(&r[2]),
                amount: Money::from_fen(r[3].as_i64().unwrap_or(0)),
                reason: opt(&r[4]),
            });
        }
        for r in self.conn.query(
            "SELECT s.period, m.code, s.rater, s.relation, s.dimension, s.item, CAST(s.score AS TEXT) FROM scores s \
             JOIN managers m ON m.id = s.manager_id WHERE s.org_id = $1 ORDER BY s.period, m.code, s.rater, s.dimension, s.item",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Dec],
        )? {
            d.scores.push(kejing_engine::data::Score {
                source: format!("scores {} {} rater {} {} {}", text(&r[0]), text(&r[1]), text(&r[2]), text(&r[4]), text(&r[5])),
                period: text(&r[0]).parse().map_err(|_| invalid("a score period"))?,
                manager: text(&r[1]),
                rater: text(&r[2]),
                relation: text(&r[3]),
                dimension: text(&r[4]),
                item: text(&r[5]),
                score: r[6].as_dec().ok_or_else(|| invalid("a score"))?,
            });
        }
        Ok(d)
    }

    /// The data set as of a day: each manager's unit, track, grade, tier, staff grade and
    /// status are those of the newest history version in effect on `day` (an approved
    /// promotion from next month is not paid this month). Without a version by then, the
    /// current row.
    pub fn load_dataset_at(
        &mut self,
        org: &Org,
        day: chrono::NaiveDate,
    ) -> Result<DataSet, StoreError> {
        let mut d = self.load_dataset(org)?;
        self.apply_history_at(org, day, &mut d.managers)?;
        Ok(d)
    }

    /// Sets each manager's unit, track, grade, tier, staff grade and status to the newest
    /// history version in effect on `day`; managers without one by then keep what they have.
    pub fn apply_history_at(
        &mut self,
        org: &Org,
        day: chrono::NaiveDate,
        managers: &mut [Manager],
    ) -> Result<(), StoreError> {
        let rows = self.conn.query(
            "SELECT m.code, h.org_unit, h.track, h.grade, h.tier, h.staff_grade, h.status FROM manager_history h \
             JOIN managers m ON m.id = h.manager_id WHERE m.org_id = $1 AND h.effective_on <= $2 \
             ORDER BY m.code, h.effective_on, h.id",
            &[Val::Int(org.id), Val::Date(day)],
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text],
        )?;
        let mut latest: BTreeMap<String, Vec<Val>> = BTreeMap::new();
        for r in rows {
            latest.insert(text(&r[0]), r);
        }
        for m in managers {
            if let Some(r) = latest.get(&m.id) {
                m.org = opt(&r[1]);
                m.track = opt(&r[2]);
                m.grade = opt(&r[3]);
                m.tier = opt(&r[4]);
                m.staff_grade = opt(&r[5]);
                m.status = text(&r[6]);
            }
        }
        Ok(())
    }

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
        rows.into_iter()
            .map(|r| {
                Ok((
                    text(&r[0])
                        .parse()
                        .map_err(|_| invalid("a locked period"))?,
                    r[1].as_i64().unwrap_or(0),
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
        Ok(rows
            .into_iter()
            .map(|r| StoredLine {
                manager: text(&r[0]),
                item: text(&r[1]),
                amount: Money::from_fen(r[2].as_i64().unwrap_or(0)),
                corrects: opt(&r[3]).map(|p| (p, opt(&r[4]).unwrap_or_default())),
                note: opt(&r[5]),
            })
            .collect())
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
        for r in rows {
            let e = out.entry((text(&r[0]), text(&r[1]))).or_default();
            *e = e
                .checked_add(Money::from_fen(r[2].as_i64().unwrap_or(0)))
                .unwrap_or(*e);
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
            let id = s
                .conn
                .scalar(
                    "INSERT INTO settlement_runs (org_id, period, policy_name, policy_hash, created_at, actor) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    &[
                        Val::Int(org.id),
                        Val::text(period.to_string()),
                        Val::text(policy),
                        Val::text(policy_hash),
                        Val::Time(Utc::now()),
                        Val::Text(actor),
                    ],
                    Ty::Int,
                )?
                .as_i64()
                .unwrap_or(0);
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
    /// Only the newest run of an unlocked period can be locked: a superseded run is refused,
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
                return Err(StoreError::Conflict(format!(
                    "{period} is already locked on run #{r} by {by} at {at}"
                )));
            }
            let newest = s.latest_run(org, period)?.ok_or_else(|| {
                StoreError::Invalid(format!(
                    "{period} has no settlement run to lock: run kejing settle --period {period} first"
                ))
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
                return Err(StoreError::Invalid(format!(
                    "run #{run} is not a run of {period} for this organisation"
                )));
            }
            if run != newest {
                return Err(StoreError::Conflict(format!(
                    "run #{run} is superseded by run #{newest} of {period}: review and lock that one"
                )));
            }
            let actor = s.actor().to_owned();
            let inserted = s.conn.exec(
                "INSERT INTO period_locks (org_id, period, run_id, locked_at, actor) VALUES ($1, $2, $3, $4, $5)",
                &[Val::Int(org.id), Val::text(period.to_string()), Val::Int(run), Val::Time(Utc::now()), Val::Text(actor)],
            );
            match inserted {
                Ok(_) => {}
                Err(e) if e.is_unique_violation() => {
                    return Err(StoreError::Conflict(format!(
                        "{period} was locked by someone else at the same moment"
                    )));
                }
                Err(e) => return Err(e.into()),
            }
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
                    (SELECT MAX(n.id) FROM settlement_runs n WHERE n.org_id = r.org_id AND n.period = r.period) \
             FROM settlement_runs r LEFT JOIN period_locks p ON p.org_id = r.org_id AND p.period = r.period \
             WHERE r.org_id = $1 ORDER BY r.id DESC",
            &[Val::Int(org.id)],
            &[Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Int, Ty::Int],
        )?;
        rows.into_iter()
            .map(|r| {
                let c = Cols::new("settlement_runs", &r);
                let id = c.int(0)?;
                let locked_on = c.opt_int(6);
                let newest = c.int(7)?;
                let status = match locked_on {
                    Some(l) if l == id => RunStatus::Locked,
                    Some(_) => RunStatus::Superseded,
                    None if newest > id => RunStatus::Superseded,
                    None => RunStatus::Draft,
                };
                Ok(RunInfo {
                    id,
                    period: c.text(1)?,
                    policy: c.text(2)?,
                    policy_hash: c.text(3)?,
                    created_at: c.text(4)?,
                    actor: c.text(5)?,
                    locked: status == RunStatus::Locked,
                    status,
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
