//! Ownership (管户): versions of who holds which share of a client or account, checked and
//! planned by the ledger's rules (shares sum to 1, no rewriting of history).

use super::{Changes, ImportError, ImportOptions, Progress, read_all, rows_error};
use crate::sql::{Cols, DbError, Ty, Val};
use crate::{Org, Store};
use chrono::Utc;
use kejing_engine::ledger::{self, Incoming, PlanErrorKind, Stored, Version};
use kejing_io::Table;
use kejing_io::read::{Reason, Reject, RowError};
use kejing_io::records::*;
use std::collections::HashMap;
use std::path::Path;

/// A stored ownership version keyed by (client id, account id or 0) and manager id.
pub(crate) type StoredVersion = Stored<(i64, i64), i64>;

impl Store {
    /// The stored ownership versions of the organisation, keyed by subject
    /// `(client id, account id or 0 for client level)`.
    pub(crate) fn stored_ownership(&mut self, org: &Org) -> Result<Vec<StoredVersion>, DbError> {
        let rows = self.conn.query(
            "SELECT id, client_id, account_id, manager_id, CAST(ratio AS TEXT), valid_from, valid_to \
             FROM ownership WHERE org_id = $1",
            &[Val::Int(org.id)],
            &[Ty::Int, Ty::Int, Ty::Int, Ty::Int, Ty::Dec, Ty::Date, Ty::Date],
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let c = Cols::new("ownership", r);
            out.push(Stored {
                id: c.int(0)?,
                version: Version {
                    // Client-level ownership has no account: its subject is (client, 0).
                    subject: (c.int(1)?, c.opt_int(2).unwrap_or(0)),
                    manager: c.int(3)?,
                    ratio: c.ratio(4)?,
                    from: c.date(5)?,
                    to: c.opt_date(6),
                },
            });
        }
        Ok(out)
    }

    pub(super) fn import_ownership(
        &mut self,
        org: &Org,
        path: &Path,
        options: &ImportOptions,
        progress: Progress<'_>,
    ) -> Result<(usize, Changes, Vec<String>), ImportError> {
        let clients = self.code_map("clients", org)?;
        let managers = self.code_map("managers", org)?;
        let accounts: HashMap<String, (i64, i64)> = self
            .conn
            .query(
                "SELECT code, id, client_id FROM accounts WHERE org_id = $1",
                &[Val::Int(org.id)],
                &[Ty::Text, Ty::Int, Ty::Int],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new("accounts", r);
                Ok((c.text(0)?, (c.int(1)?, c.int(2)?)))
            })
            .collect::<Result<_, DbError>>()?;
        let (recs, summary) =
            read_all::<OwnershipRec, _>(path, &options.read, progress, |_, r| {
                let mut rejects = Vec::new();
                let client = clients.get(r.client_id.as_str()).copied();
                if client.is_none() {
                    rejects.push(Reject::new(
                        "client_id",
                        r.client_id.as_str(),
                        Reason::new(
                            "unknown-client",
                            "unknown client: import it in clients first",
                        ),
                    ));
                }
                let manager = managers.get(r.manager_id.as_str()).copied();
                if manager.is_none() {
                    rejects.push(Reject::new(
                        "manager_id",
                        r.manager_id.as_str(),
                        Reason::new(
                            "unknown-manager",
                            "unknown customer manager: import them in managers first",
                        ),
                    ));
                }
                let mut account = 0;
                if let Some(a) = &r.account_id {
                    match accounts.get(a.as_str()) {
                        None => rejects.push(Reject::new(
                            "account_id",
                            a.as_str(),
                            Reason::new(
                                "unknown-account",
                                "unknown account: import it in accounts first",
                            ),
                        )),
                        Some((id, owner)) => {
                            if client.is_some_and(|c| c != *owner) {
                                rejects.push(Reject::new(
                                    "account_id",
                                    a.as_str(),
                                    Reason::new(
                                        "account-of-other-client",
                                        format!(
                                            "the account belongs to another client, not {}",
                                            r.client_id
                                        ),
                                    )
                                    .arg("client", &r.client_id),
                                ));
                            }
                            account = *id;
                        }
                    }
                }
                match (client, manager) {
                    (Some(c), Some(m)) if rejects.is_empty() => Ok(Version {
                        subject: (c, account),
                        manager: m,
                        ratio: r.ratio,
                        from: r.from,
                        to: r.to,
                    }),
                    _ => Err(rejects),
                }
            })?;
        let stored = self.stored_ownership(org)?;
        let incoming: Vec<Incoming<(i64, i64), i64>> = recs
            .into_iter()
            .map(|(row, version)| Incoming { row, version })
            .collect();
        let plan = match ledger::plan_changes(&stored, &incoming) {
            Ok(p) => p,
            Err(errors) => {
                let client_codes: HashMap<i64, &String> =
                    clients.iter().map(|(k, v)| (*v, k)).collect();
                let account_codes: HashMap<i64, &String> =
                    accounts.iter().map(|(k, v)| (v.0, k)).collect();
                let manager_codes: HashMap<i64, String> =
                    managers.iter().map(|(k, v)| (*v, k.clone())).collect();
                let mut out = Vec::new();
                for e in errors {
                    let (subject_kind, subject) = match account_codes.get(&e.subject.1) {
                        Some(a) if e.subject.1 != 0 => ("account", a.as_str()),
                        _ => (
                            "client",
                            client_codes.get(&e.subject.0).map_or("?", |s| s.as_str()),
                        ),
                    };
                    let (column, kind) = match &e.kind {
                        PlanErrorKind::Duplicate { .. } => ("manager_id", e.kind.clone()),
                        PlanErrorKind::RewritesHistory { .. } => ("from", e.kind.clone()),
                        PlanErrorKind::Invalid(_) => ("ratio", e.kind.clone()),
                    };
                    let reason = plan_reason(&kind, &manager_codes, subject_kind, subject);
                    for row in &e.rows {
                        out.push(RowError::new(*row, column, "", reason.clone()));
                    }
                }
                out.sort_by_key(|e| e.row);
                return Err(rows_error(path, out, summary.rows));
            }
        };
        let n = summary.rows;
        let written = (plan.inserts.len() + plan.closes.len()) as u64;
        let unchanged = plan.unchanged.len() as u64;
        let client_codes: HashMap<i64, String> =
            clients.iter().map(|(k, v)| (*v, k.clone())).collect();
        let manager_codes: HashMap<i64, String> =
            managers.iter().map(|(k, v)| (*v, k.clone())).collect();
        self.transaction(|s| {
            for c in &plan.closes {
                s.conn.exec(
                    "UPDATE ownership SET valid_to = $2 WHERE id = $1",
                    &[Val::Int(c.id), Val::Date(c.to)],
                )?;
                s.audit(
                    Some(org.id),
                    "close",
                    "ownership",
                    &c.id.to_string(),
                    Some(serde_json::json!({"id": c.id, "to": c.old_to.map(|d| d.to_string())})),
                    Some(serde_json::json!({"id": c.id, "to": c.to.to_string(), "file_row": c.row})),
                )?;
            }
            for inc in &plan.inserts {
                let v = &inc.version;
                let id = s.conn.insert_id(
                    "ownership",
                    "INSERT INTO ownership (org_id, client_id, account_id, manager_id, ratio, valid_from, valid_to, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5{dec}, $6, $7, $8)",
                    &[
                        Val::Int(org.id),
                        Val::Int(v.subject.0),
                        if v.subject.1 == 0 { Val::Null } else { Val::Int(v.subject.1) },
                        Val::Int(v.manager),
                        Val::Dec(v.ratio.value()),
                        Val::Date(v.from),
                        Val::opt_date(v.to),
                        Val::Time(Utc::now()),
                    ],
                )?;
                s.audit(
                    Some(org.id),
                    "create",
                    "ownership",
                    &id.to_string(),
                    None,
                    Some(serde_json::json!({
                        "id": id,
                        "client": client_codes.get(&v.subject.0),
                        "account_id": (v.subject.1 != 0).then_some(v.subject.1),
                        "manager": manager_codes.get(&v.manager),
                        "ratio": v.ratio.to_string(),
                        "from": v.from.to_string(),
                        "to": v.to.map(|d| d.to_string()),
                    })),
                )?;
            }
            s.log_import(org, Table::Ownership, path, n, (written, unchanged))?;
            Ok::<_, ImportError>(())
        })?;
        Ok((n, (written, unchanged), summary.warnings))
    }
}

/// The reason for a plan error of the subject (`kind` `account` or `client`, its code
/// `subject`), with managers by their codes; the English text is the engine's.
fn plan_reason(
    kind: &PlanErrorKind<i64>,
    codes: &HashMap<i64, String>,
    subject_kind: &str,
    subject: &str,
) -> Reason {
    let name = |m: &i64| codes.get(m).cloned().unwrap_or_else(|| m.to_string());
    let said = |code: &'static str, text: String| {
        Reason::new(code, format!("{subject_kind} {subject}: {text}"))
            .arg("subject_kind", subject_kind)
            .arg("subject", subject)
    };
    match kind {
        PlanErrorKind::Duplicate { manager, from } => said(
            "ownership-duplicate",
            PlanErrorKind::Duplicate {
                manager: name(manager),
                from: *from,
            }
            .to_string(),
        )
        .arg("manager", name(manager))
        .arg("from", from),
        PlanErrorKind::RewritesHistory {
            manager,
            stored_from,
            stored_to,
            new_from,
        } => said(
            "ownership-rewrites-history",
            PlanErrorKind::RewritesHistory {
                manager: name(manager),
                stored_from: *stored_from,
                stored_to: *stored_to,
                new_from: *new_from,
            }
            .to_string(),
        )
        .arg("manager", name(manager))
        .arg("new_from", new_from)
        .arg("recorded", ledger::Span(*stored_from, *stored_to)),
        PlanErrorKind::Invalid(p) => match p {
            ledger::Problem::Sum {
                first,
                last,
                sum,
                shares,
            } => {
                let days = match last {
                    Some(l) if l == first => first.to_string(),
                    _ => ledger::Span(*first, *last).to_string(),
                };
                let parts: Vec<String> = shares
                    .iter()
                    .map(|(m, r)| format!("{} {r}", name(m)))
                    .collect();
                said(
                    "ownership-sum",
                    ledger::Problem::Sum {
                        first: *first,
                        last: *last,
                        sum: *sum,
                        shares: shares.iter().map(|(m, r)| (name(m), *r)).collect(),
                    }
                    .to_string(),
                )
                .arg("sum", sum.normalize())
                .arg("days", days)
                .arg("shares", parts.join(" + "))
            }
            ledger::Problem::Overlap { manager, a, b } => said(
                "ownership-overlap",
                ledger::Problem::Overlap {
                    manager: name(manager),
                    a: *a,
                    b: *b,
                }
                .to_string(),
            )
            .arg("manager", name(manager))
            .arg("a", ledger::Span(a.0, a.1))
            .arg("b", ledger::Span(b.0, b.1)),
        },
    }
}
