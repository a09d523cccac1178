//! Stored assessments: each run's results are proposals; approving one writes the grade change
//! into the manager's effective-dated history (and the current row once it is in effect), with
//! the audit trail. Until then nothing changes.

use crate::sql::{Cols, DbError, Ty, Val};
use crate::workflow::{PROPOSAL, ProposalStatus};
use crate::{Org, Store, StoreError};
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;

/// One stored result.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentRow {
    pub run: i64,
    pub manager: String,
    pub score: Decimal,
    pub rank: i64,
    pub group: String,
    pub group_size: i64,
    pub grade: Option<String>,
    pub new_grade: Option<String>,
    pub decision: String,
    pub reason: String,
    pub items: serde_json::Value,
    pub status: String,
    pub approved_by: Option<String>,
    pub effective_on: Option<NaiveDate>,
}

/// A stored assessment run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentRun {
    pub id: i64,
    pub period: String,
    pub policy: String,
    pub scorecard: String,
    pub created_at: String,
    pub actor: String,
}

/// A result to store.
pub struct NewResult {
    pub manager: String,
    pub score: Decimal,
    pub rank: i64,
    pub group: String,
    pub group_size: i64,
    pub grade: Option<String>,
    pub new_grade: Option<String>,
    pub decision: String,
    pub reason: String,
    pub items: serde_json::Value,
    pub trace: serde_json::Value,
    /// The sign-offs it needs before approval, in order: (step, role).
    pub steps: Vec<(String, String)>,
}

const RUN_COLS: &str = "id, period, policy_name, scorecard, CAST(created_at AS TEXT), actor";
const RUN_TYS: &[Ty] = &[Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text];

fn run_of(r: &[Val]) -> Result<AssessmentRun, DbError> {
    let c = Cols::new("assessment_runs", r);
    Ok(AssessmentRun {
        id: c.int(0)?,
        period: c.text(1)?,
        policy: c.text(2)?,
        scorecard: c.text(3)?,
        created_at: c.text(4)?,
        actor: c.text(5)?,
    })
}

const RESULT_COLS: &str = "run_id, manager, CAST(score AS TEXT), rank, rank_group, group_size, grade, new_grade, decision, reason, CAST(items AS TEXT), status, approved_by, effective_on";
const RESULT_TYS: &[Ty] = &[
    Ty::Int,
    Ty::Text,
    Ty::Dec,
    Ty::Int,
    Ty::Text,
    Ty::Int,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Json,
    Ty::Text,
    Ty::Text,
    Ty::Date,
];

fn result_of(r: &[Val]) -> Result<AssessmentRow, DbError> {
    let c = Cols::new("assessment_results", r);
    Ok(AssessmentRow {
        run: c.int(0)?,
        manager: c.text(1)?,
        score: c.dec(2)?,
        rank: c.int(3)?,
        group: c.text(4)?,
        group_size: c.int(5)?,
        grade: c.opt_text(6),
        new_grade: c.opt_text(7),
        decision: c.text(8)?,
        reason: c.text(9)?,
        items: c.json(10)?,
        status: c.text(11)?,
        approved_by: c.opt_text(12),
        effective_on: c.opt_date(13),
    })
}

impl Store {
    /// Stores an assessment run with its results as proposals. Audited.
    pub fn save_assessment(
        &mut self,
        org: &Org,
        period: &str,
        policy: (&str, &str),
        scorecard: &str,
        results: &[NewResult],
    ) -> Result<i64, StoreError> {
        let actor = self.actor().to_owned();
        self.transaction(|s| {
            let id = s.conn.insert_id(
                "assessment_runs",
                "INSERT INTO assessment_runs (org_id, period, policy_name, policy_hash, scorecard, created_at, actor) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    Val::Int(org.id),
                    Val::text(period),
                    Val::text(policy.0),
                    Val::text(policy.1),
                    Val::text(scorecard),
                    Val::Time(Utc::now()),
                    Val::Text(actor),
                ],
            )?;
            let rows: Vec<Vec<Val>> = results
                .iter()
                .map(|r| {
                    vec![
                        Val::Int(id),
                        Val::text(&r.manager),
                        Val::Dec(r.score),
                        Val::Int(r.rank),
                        Val::text(&r.group),
                        Val::Int(r.group_size),
                        Val::opt_text(r.grade.clone()),
                        Val::opt_text(r.new_grade.clone()),
                        Val::text(&r.decision),
                        Val::text(&r.reason),
                        Val::Text(r.items.to_string()),
                        Val::Text(r.trace.to_string()),
                        Val::text("proposed"),
                    ]
                })
                .collect();
            s.conn.insert_many(
                "INSERT INTO assessment_results (run_id, manager, score, rank, rank_group, group_size, grade, new_grade, decision, reason, items, trace, status)",
                &["", "", "{dec}", "", "", "", "", "", "", "", "{json}", "{json}", ""],
                rows,
                "",
            )?;
            let steps: Vec<Vec<Val>> = results
                .iter()
                .flat_map(|r| {
                    r.steps.iter().enumerate().map(|(i, (step, role))| {
                        vec![
                            Val::Int(id),
                            Val::text(&r.manager),
                            Val::Int(i as i64 + 1),
                            Val::text(step),
                            Val::text(role),
                        ]
                    })
                })
                .collect();
            if !steps.is_empty() {
                s.conn.insert_many(
                    "INSERT INTO assessment_steps (run_id, manager, seq, step, role)",
                    &["", "", "", "", ""],
                    steps,
                    "",
                )?;
            }
            s.audit(
                Some(org.id),
                "assess",
                "assessment_runs",
                &id.to_string(),
                None,
                Some(serde_json::json!({"period": period, "policy": policy.0, "results": results.len(),
                    "changes": results.iter().filter(|r| r.new_grade != r.grade).count()})),
            )?;
            Ok::<_, StoreError>(id)
        })
    }

    pub fn assessment_runs(&mut self, org: &Org) -> Result<Vec<AssessmentRun>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {RUN_COLS} FROM assessment_runs WHERE org_id = $1 ORDER BY id DESC"),
            &[Val::Int(org.id)],
            RUN_TYS,
        )?;
        Ok(rows.iter().map(|r| run_of(r)).collect::<Result<_, _>>()?)
    }

    /// The results of a run, by manager.
    pub fn assessment_rows(&mut self, run: i64) -> Result<Vec<AssessmentRow>, StoreError> {
        let rows = self.conn.query(
            &format!(
                "SELECT {RESULT_COLS} FROM assessment_results WHERE run_id = $1 ORDER BY manager"
            ),
            &[Val::Int(run)],
            RESULT_TYS,
        )?;
        Ok(rows
            .iter()
            .map(|r| result_of(r))
            .collect::<Result<_, _>>()?)
    }

    /// The stored trace of one manager's assessment.
    pub fn assessment_trace(
        &mut self,
        run: i64,
        manager: &str,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        let rows = self.conn.query(
            "SELECT CAST(trace AS TEXT) FROM assessment_results WHERE run_id = $1 AND manager = $2",
            &[Val::Int(run), Val::text(manager)],
            &[Ty::Json],
        )?;
        Ok(rows
            .first()
            .map(|r| Cols::new("assessment_results", r).json(0))
            .transpose()?)
    }

    /// Approves proposals of a run (all, or those of `managers`): each grade change is written
    /// to the manager's history from `effective` (default: the day after the period) and to the
    /// current row once in effect. Audited, all or nothing. Returns how many were approved.
    pub fn approve_assessment(
        &mut self,
        org: &Org,
        run: i64,
        managers: &[String],
        effective: Option<NaiveDate>,
    ) -> Result<usize, StoreError> {
        self.write(org, |s| {
            let Some(info) = s.assessment_runs(org)?.into_iter().find(|r| r.id == run) else {
                return Err(StoreError::refused(
                    "assessment-run-unknown",
                    &[("run", run.to_string())],
                    format!("there is no assessment run #{run}"),
                ));
            };
            let period: kejing_engine::Period = info
                .period
                .parse()
                .map_err(|e| StoreError::Invalid(format!("stored period {}: {e}", info.period)))?;
            let effective = match effective {
                Some(d) => d,
                None => period.last_day().succ_opt().unwrap_or(period.last_day()),
            };
            let rows: Vec<AssessmentRow> = s
                .assessment_rows(run)?
                .into_iter()
                .filter(|r| managers.is_empty() || managers.contains(&r.manager))
                .collect();
            for m in managers {
                if !rows.iter().any(|r| &r.manager == m) {
                    return Err(StoreError::refused(
                        "assessment-no-result",
                        &[("run", run.to_string()), ("manager", m.to_string())],
                        format!("assessment run #{run} has no result for {m}"),
                    ));
                }
            }
            let pending: Vec<AssessmentRow> = rows
                .into_iter()
                .filter(|r| r.status == "proposed")
                .collect();
            if pending.is_empty() {
                return Err(StoreError::taken(
                    "proposals-none-open",
                    &[("run", run.to_string()), ("managers", managers.join("、"))],
                    format!(
                        "assessment run #{run} has no open proposal{}: already approved",
                        if managers.is_empty() {
                            String::new()
                        } else {
                            format!(" for {}", managers.join(", "))
                        }
                    ),
                ));
            }
            let actor = s.actor().to_owned();
            s.require_signed_off(run, &pending, &actor)?;
            let today = s.today();
            for r in &pending {
                let cur = s.conn.query(
                    "SELECT id, org_unit, track, grade, tier, staff_grade, status FROM managers WHERE org_id = $1 AND code = $2",
                    &[Val::Int(org.id), Val::text(&r.manager)],
                    &[Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text],
                )?;
                let Some(c) = cur.first() else {
                    return Err(StoreError::refused(
                        "manager-gone",
                        &[("manager", r.manager.clone())],
                        format!("manager {} is no longer in the managers table", r.manager),
                    ));
                };
                let current_status = Cols::new("managers", c).text(6)?;
                let status = match r.decision.as_str() {
                    "dismiss" => "dismissed".to_owned(),
                    "confirm" => "active".to_owned(),
                    _ => current_status.clone(),
                };
                let changes = r.new_grade != r.grade || status != current_status;
                // A1, A8: the staff grade follows the new grade where the organisation's
                // grades table maps it; a grade the track's ladder lacks is refused (A2).
                let mut staff_grade = c[5].clone();
                if r.new_grade != r.grade
                    && let Some(g) = &r.new_grade
                {
                    let track = Cols::new("managers", c).opt_text(2);
                    if let Some(found) = s.ladder_staff_grade(org, track.as_deref(), g)? {
                        staff_grade = Val::opt_text(found);
                    }
                }
                if changes {
                    s.conn.exec(
                        "INSERT INTO manager_history (manager_id, effective_on, org_unit, track, grade, tier, staff_grade, status, recorded_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        &[
                            c[0].clone(),
                            Val::Date(effective),
                            c[1].clone(),
                            c[2].clone(),
                            Val::opt_text(r.new_grade.clone()),
                            c[4].clone(),
                            staff_grade.clone(),
                            Val::Text(status.clone()),
                            Val::Time(Utc::now()),
                        ],
                    )?;
                    if effective <= today {
                        s.conn.exec(
                            "UPDATE managers SET grade = $1, status = $2, staff_grade = $3 WHERE id = $4",
                            &[Val::opt_text(r.new_grade.clone()), Val::Text(status.clone()), staff_grade.clone(), c[0].clone()],
                        )?;
                    }
                }
                s.transition(
                    &PROPOSAL,
                    &[("run_id", Val::Int(run)), ("manager", Val::text(&r.manager))],
                    ProposalStatus::Proposed.code(),
                    ProposalStatus::Approved.code(),
                    &[
                        ("approved_by", Val::Text(actor.clone())),
                        ("approved_at", Val::Time(Utc::now())),
                        ("effective_on", Val::Date(effective)),
                    ],
                )?;
                s.audit(
                    Some(org.id),
                    "approve",
                    "assessment_results",
                    &format!("{run}/{}", r.manager),
                    Some(serde_json::json!({"grade": r.grade, "status": current_status})),
                    Some(serde_json::json!({"grade": r.new_grade, "status": status, "decision": r.decision, "effective_on": effective.to_string()})),
                )?;
            }
            Ok::<_, StoreError>(pending.len())
        })
    }
}

/// A score entered in the rating form.
pub struct NewScore {
    pub period: String,
    pub manager: String,
    pub rater: String,
    pub relation: String,
    pub dimension: String,
    pub item: String,
    pub score: Decimal,
}

impl Store {
    /// Saves a rater's scores (a rater's new score of an item replaces their earlier one).
    /// Audited with the previous value.
    pub fn save_scores(&mut self, org: &Org, scores: &[NewScore]) -> Result<usize, StoreError> {
        self.transaction(|s| {
            for x in scores {
                let id = s
                    .conn
                    .query(
                        "SELECT id FROM managers WHERE org_id = $1 AND code = $2",
                        &[Val::Int(org.id), Val::text(&x.manager)],
                        &[Ty::Int],
                    )?
                    .first()
                    .map(|r| Cols::new("managers", r).int(0))
                    .transpose()?
                    .ok_or_else(|| {
                        StoreError::refused(
                            "manager-gone",
                            &[("manager", x.manager.clone())],
                            format!("there is no customer manager {}", x.manager),
                        )
                    })?;
                let key = [
                    Val::Int(id),
                    Val::text(&x.period),
                    Val::text(&x.rater),
                    Val::text(&x.dimension),
                    Val::text(&x.item),
                ];
                let before = s
                    .conn
                    .query(
                        "SELECT CAST(score AS TEXT) FROM scores WHERE manager_id = $1 AND period = $2 AND rater = $3 AND dimension = $4 AND item = $5",
                        &key,
                        &[Ty::Dec],
                    )?
                    .first()
                    .map(|r| Cols::new("scores", r).dec(0))
                    .transpose()?;
                s.conn.exec(
                    "DELETE FROM scores WHERE manager_id = $1 AND period = $2 AND rater = $3 AND dimension = $4 AND item = $5",
                    &key,
                )?;
                s.conn.exec(
                    "INSERT INTO scores (org_id, period, manager_id, rater, relation, dimension, item, score) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8{dec})",
                    &[
                        Val::Int(org.id),
                        Val::text(&x.period),
                        Val::Int(id),
                        Val::text(&x.rater),
                        Val::text(&x.relation),
                        Val::text(&x.dimension),
                        Val::text(&x.item),
                        Val::Dec(x.score),
                    ],
                )?;
                s.audit(
                    Some(org.id),
                    "rate",
                    "scores",
                    &format!("{} {} {} {}/{}", x.period, x.manager, x.rater, x.dimension, x.item),
                    before.map(|b| serde_json::json!({"score": b.normalize().to_string()})),
                    Some(serde_json::json!({"score": x.score.normalize().to_string(), "relation": x.relation})),
                )?;
            }
            Ok::<_, StoreError>(scores.len())
        })
    }

    /// Withdraws a rater's score of an item (audited with the score it had); whether there was one.
    pub fn withdraw_score(
        &mut self,
        org: &Org,
        period: &str,
        manager: &str,
        rater: &str,
        dimension: &str,
        item: &str,
    ) -> Result<bool, StoreError> {
        self.transaction(|s| {
            let before = s.rater_scores(org, period, manager, rater)?;
            let Some(score) = before.get(&(dimension.to_owned(), item.to_owned())) else {
                return Ok(false);
            };
            let n = s.conn.exec(
                "DELETE FROM scores WHERE org_id = $1 AND period = $2 AND rater = $3 AND dimension = $4 AND item = $5 \
                 AND manager_id = (SELECT id FROM managers WHERE org_id = $1 AND code = $6)",
                &[
                    Val::Int(org.id),
                    Val::text(period),
                    Val::text(rater),
                    Val::text(dimension),
                    Val::text(item),
                    Val::text(manager),
                ],
            )?;
            if n == 1 {
                s.audit(
                    Some(org.id),
                    "rate.withdraw",
                    "scores",
                    &format!("{period} {manager} {rater} {dimension}/{item}"),
                    Some(serde_json::json!({"score": score.normalize().to_string()})),
                    None,
                )?;
            }
            Ok(n == 1)
        })
    }

    /// Who approved an assessment result of `period`, and when, if any is approved: its scores
    /// are then settled and no longer change.
    pub fn approved_assessment(
        &mut self,
        org: &Org,
        period: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        let rows = self.conn.query(
            "SELECT COALESCE(x.approved_by, ''), COALESCE(CAST(x.approved_at AS TEXT), '') FROM assessment_results x \
             JOIN assessment_runs a ON a.id = x.run_id WHERE a.org_id = $1 AND a.period = $2 AND x.status = 'approved' LIMIT 1",
            &[Val::Int(org.id), Val::text(period)],
            &[Ty::Text, Ty::Text],
        )?;
        rows.first()
            .map(|r| {
                let c = Cols::new("assessment_results", r);
                Ok((c.text(0)?, crate::workflow::short_time(&c.text(1)?)))
            })
            .transpose()
            .map_err(|e: DbError| StoreError::from(e))
    }

    /// Every score a rater gave for a period: (manager, dimension, item) → score.
    pub fn rater_grid(
        &mut self,
        org: &Org,
        period: &str,
        rater: &str,
    ) -> Result<std::collections::BTreeMap<(String, String, String), Decimal>, StoreError> {
        let rows = self.conn.query(
            "SELECT m.code, s.dimension, s.item, CAST(s.score AS TEXT) FROM scores s JOIN managers m ON m.id = s.manager_id \
             WHERE s.org_id = $1 AND s.period = $2 AND s.rater = $3",
            &[Val::Int(org.id), Val::text(period), Val::text(rater)],
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Dec],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let c = Cols::new("scores", r);
                Ok(((c.text(0)?, c.text(1)?, c.text(2)?), c.dec(3)?))
            })
            .collect::<Result<_, DbError>>()?)
    }

    /// Scores a rater gave a manager for a period: (dimension, item) → score.
    pub fn rater_scores(
        &mut self,
        org: &Org,
        period: &str,
        manager: &str,
        rater: &str,
    ) -> Result<std::collections::BTreeMap<(String, String), Decimal>, StoreError> {
        let rows = self.conn.query(
            "SELECT s.dimension, s.item, CAST(s.score AS TEXT) FROM scores s JOIN managers m ON m.id = s.manager_id \
             WHERE s.org_id = $1 AND s.period = $2 AND m.org_id = $1 AND m.code = $3 AND s.rater = $4",
            &[Val::Int(org.id), Val::text(period), Val::text(manager), Val::text(rater)],
            &[Ty::Text, Ty::Text, Ty::Dec],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let c = Cols::new("scores", r);
                Ok(((c.text(0)?, c.text(1)?), c.dec(2)?))
            })
            .collect::<Result<_, DbError>>()?)
    }
}

impl Store {
    /// The staff grade (行员等级) that goes with `grade` on `track`'s ladder in the
    /// organisation's grades table: `Some(None)` when the row has none, `None` when the table
    /// has no ladder for the track. A grade the track's ladder does not have is an error (A2).
    fn ladder_staff_grade(
        &mut self,
        org: &Org,
        track: Option<&str>,
        grade: &str,
    ) -> Result<Option<Option<String>>, StoreError> {
        let Some(track) = track else { return Ok(None) };
        let rows = self.conn.query(
            "SELECT grade, staff_grade FROM grades WHERE org_id = $1 AND track = $2 ORDER BY rank, tier",
            &[Val::Int(org.id), Val::text(track)],
            &[Ty::Text, Ty::Text],
        )?;
        if rows.is_empty() {
            return Ok(None);
        }
        for r in &rows {
            let c = Cols::new("grades", r);
            if c.text(0)? == grade {
                return Ok(Some(c.opt_text(1)));
            }
        }
        Err(StoreError::refused(
            "grade-not-on-ladder",
            &[("grade", grade.to_string()), ("track", track.to_string())],
            format!(
                "grade {grade} is not on the ladder of track {track} (grades table); the proposal cannot be approved: correct the policy's ladder or the grades table"
            ),
        ))
    }
}
