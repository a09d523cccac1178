//! What the web application keeps and reads: users and their sessions, ownership transfer
//! requests, and the read models of its pages (manager and client lists, pay by period,
//! reported measures, a filtered audit log).

use crate::query::{AUDIT_COLS, AUDIT_TYS, AuditEntry, audit_entry};
use crate::sql::{Ty, Val};
use crate::{Org, Store, StoreError};
use chrono::{NaiveDate, Utc};
use kejing_engine::Money;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A user of the web application.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub org: Org,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    /// manager | team_head | branch_head | admin | auditor
    pub role: String,
    pub manager_code: Option<String>,
    pub org_unit: Option<String>,
    pub lang: String,
    pub failed_logins: i64,
    /// Unix seconds until which logging in is refused.
    pub locked_until: Option<i64>,
}

/// A new user.
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub manager_code: Option<&'a str>,
    pub org_unit: Option<&'a str>,
}

/// A request to move a client from one customer manager to another.
#[derive(Debug, Clone)]
pub struct Transfer {
    pub id: i64,
    pub client: String,
    pub from_manager: String,
    pub to_manager: String,
    pub effective_on: NaiveDate,
    pub reason: String,
    pub requested_by: String,
    pub status: String,
    pub decided_by: Option<String>,
    pub decision: Option<String>,
}

/// One row of the manager list.
#[derive(Debug, Clone)]
pub struct ManagerRow {
    pub code: String,
    pub name: String,
    pub org_unit: String,
    pub track: String,
    pub grade: String,
    pub tier: String,
    pub status: String,
    pub hired_on: Option<NaiveDate>,
}

/// One row of the client list, with its owners today.
#[derive(Debug, Clone)]
pub struct ClientRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub client_type: String,
    pub owners: Vec<(String, String)>,
}

/// Filters of the audit log page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub key: Option<String>,
}

const USER_COLS: &str = "u.id, u.username, u.display_name, u.password_hash, u.role, u.manager_code, u.org_unit, u.lang, u.failed_logins, u.locked_until, o.id, o.code, o.name";
const USER_TYS: &[Ty] = &[
    Ty::Int,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Int,
    Ty::Int,
    Ty::Int,
    Ty::Text,
    Ty::Text,
];

fn user_of(r: &[Val]) -> User {
    User {
        id: r[0].as_i64().unwrap_or(0),
        username: r[1].to_cell(),
        display_name: r[2].to_cell(),
        password_hash: r[3].to_cell(),
        role: r[4].to_cell(),
        manager_code: r[5].as_str().map(str::to_owned),
        org_unit: r[6].as_str().map(str::to_owned),
        lang: r[7].to_cell(),
        failed_logins: r[8].as_i64().unwrap_or(0),
        locked_until: r[9].as_i64(),
        org: Org {
            id: r[10].as_i64().unwrap_or(0),
            code: r[11].to_cell(),
            name: r[12].to_cell(),
        },
    }
}

fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Store {
    /// Appends audit entries in a transaction of their own (for events that change nothing
    /// else: a failed login, a refused request).
    pub fn audit_event(
        &mut self,
        org: Option<i64>,
        action: &str,
        entity: &str,
        key: &str,
        after: Option<serde_json::Value>,
    ) -> Result<(), StoreError> {
        self.transaction(|s| {
            s.audit(org, action, entity, key, None, after)?;
            Ok::<_, StoreError>(())
        })
    }

    /// Adds a user, or leaves an existing one with that name as it is. Returns whether it was
    /// added. Audited (without the hash).
    pub fn add_user(&mut self, org: &Org, u: &NewUser<'_>) -> Result<bool, StoreError> {
        if self.user_by_name(u.username)?.is_some() {
            return Ok(false);
        }
        self.transaction(|s| {
            s.conn.exec(
                "INSERT INTO users (org_id, username, display_name, password_hash, role, manager_code, org_unit, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    Val::Int(org.id),
                    Val::text(u.username),
                    Val::text(u.display_name),
                    Val::text(u.password_hash),
                    Val::text(u.role),
                    Val::opt_text(u.manager_code),
                    Val::opt_text(u.org_unit),
                    Val::Time(Utc::now()),
                ],
            )?;
            s.audit(
                Some(org.id),
                "add",
                "users",
                u.username,
                None,
                Some(serde_json::json!({"role": u.role, "manager": u.manager_code, "org_unit": u.org_unit})),
            )?;
            Ok::<_, StoreError>(true)
        })
    }

    pub fn user_by_name(&mut self, username: &str) -> Result<Option<User>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {USER_COLS} FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.username = $1"),
            &[Val::text(username)],
            USER_TYS,
        )?;
        Ok(rows.first().map(|r| user_of(r)))
    }

    pub fn users(&mut self, org: &Org) -> Result<Vec<User>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {USER_COLS} FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.org_id = $1 ORDER BY u.username"),
            &[Val::Int(org.id)],
            USER_TYS,
        )?;
        Ok(rows.iter().map(|r| user_of(r)).collect())
    }

    /// Records a failed login; after `max` failures in a row the user is locked until `lock_until`.
    /// Returns whether the user is now locked.
    pub fn login_failed(
        &mut self,
        user: &User,
        max: i64,
        lock_until: i64,
    ) -> Result<bool, StoreError> {
        let failures = user.failed_logins + 1;
        let locked = failures >= max;
        self.transaction(|s| {
            s.conn.exec(
                "UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3",
                &[
                    Val::Int(if locked { 0 } else { failures }),
                    if locked {
                        Val::Int(lock_until)
                    } else {
                        Val::opt_int(user.locked_until)
                    },
                    Val::Int(user.id),
                ],
            )?;
            s.audit(
                Some(user.org.id),
                if locked { "lockout" } else { "login_failed" },
                "users",
                &user.username,
                None,
                Some(serde_json::json!({"failures": failures})),
            )?;
            Ok::<_, StoreError>(locked)
        })
    }

    /// A successful login: clears the failure count and stores the session.
    pub fn login_ok(
        &mut self,
        user: &User,
        token_hash: &str,
        csrf: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.transaction(|s| {
            s.conn.exec(
                "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
                &[Val::Int(user.id)],
            )?;
            s.conn.exec(
                "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                &[
                    Val::text(token_hash),
                    Val::Int(user.id),
                    Val::text(csrf),
                    Val::Time(Utc::now()),
                    Val::Int(expires_at),
                ],
            )?;
            s.audit(Some(user.org.id), "login", "users", &user.username, None, None)?;
            Ok::<_, StoreError>(())
        })
    }

    /// The session's user, its CSRF token, expiry (unix seconds) and the data version (see
    /// [`Store::data_version`]), in one statement.
    pub fn session_at(
        &mut self,
        token_hash: &str,
    ) -> Result<Option<(User, String, i64, i64)>, StoreError> {
        let rows = self.conn.query(
            &format!(
                "SELECT {USER_COLS}, s.csrf, s.expires_at, (SELECT COALESCE(MAX(id), 0) FROM audit_log) \
                 FROM sessions s JOIN users u ON u.id = s.user_id \
                 JOIN organisations o ON o.id = u.org_id WHERE s.token_hash = $1"
            ),
            &[Val::text(token_hash)],
            &[USER_TYS, &[Ty::Text, Ty::Int, Ty::Int]].concat(),
        )?;
        Ok(rows.first().map(|r| {
            (
                user_of(r),
                r[13].to_cell(),
                r[14].as_i64().unwrap_or(0),
                r[15].as_i64().unwrap_or(0),
            )
        }))
    }

    /// The session's user, its CSRF token and expiry (unix seconds).
    pub fn session(&mut self, token_hash: &str) -> Result<Option<(User, String, i64)>, StoreError> {
        let rows = self.conn.query(
            &format!(
                "SELECT {USER_COLS}, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
                 JOIN organisations o ON o.id = u.org_id WHERE s.token_hash = $1"
            ),
            &[Val::text(token_hash)],
            &[USER_TYS, &[Ty::Text, Ty::Int]].concat(),
        )?;
        Ok(rows
            .first()
            .map(|r| (user_of(r), r[13].to_cell(), r[14].as_i64().unwrap_or(0))))
    }

    /// Ends a session (logout or expiry).
    pub fn end_session(&mut self, token_hash: &str, user: Option<&User>) -> Result<(), StoreError> {
        self.transaction(|s| {
            s.conn.exec(
                "DELETE FROM sessions WHERE token_hash = $1",
                &[Val::text(token_hash)],
            )?;
            if let Some(u) = user {
                s.audit(Some(u.org.id), "logout", "users", &u.username, None, None)?;
            }
            Ok::<_, StoreError>(())
        })
    }

    /// Sets a new password hash and ends the user's other sessions. Audited (without the hash).
    pub fn set_password(
        &mut self,
        user: &User,
        hash: &str,
        keep_session: &str,
    ) -> Result<(), StoreError> {
        self.transaction(|s| {
            s.conn.exec(
                "UPDATE users SET password_hash = $1 WHERE id = $2",
                &[Val::text(hash), Val::Int(user.id)],
            )?;
            s.conn.exec(
                "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
                &[Val::Int(user.id), Val::text(keep_session)],
            )?;
            s.audit(
                Some(user.org.id),
                "password",
                "users",
                &user.username,
                None,
                None,
            )?;
            Ok::<_, StoreError>(())
        })
    }

    pub fn set_lang(&mut self, user: &User, lang: &str) -> Result<(), StoreError> {
        self.conn.exec(
            "UPDATE users SET lang = $1 WHERE id = $2",
            &[Val::text(lang), Val::Int(user.id)],
        )?;
        Ok(())
    }

    /// Codes of the org unit and all units below it.
    pub fn unit_subtree(&mut self, org: &Org, unit: &str) -> Result<Vec<String>, StoreError> {
        let rows = self.conn.query(
            "SELECT code, parent_code FROM org_units WHERE org_id = $1",
            &[Val::Int(org.id)],
            &[Ty::Text, Ty::Text],
        )?;
        let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in &rows {
            if let Some(p) = r[1].as_str() {
                children
                    .entry(p.to_owned())
                    .or_default()
                    .push(r[0].to_cell());
            }
        }
        let mut out = vec![unit.to_owned()];
        let mut i = 0;
        while i < out.len() {
            if let Some(c) = children.get(&out[i]) {
                out.extend(c.iter().cloned());
            }
            i += 1;
        }
        Ok(out)
    }

    /// Org units: code and name.
    pub fn unit_names(&mut self, org: &Org) -> Result<BTreeMap<String, String>, StoreError> {
        let rows = self.conn.query(
            "SELECT code, name FROM org_units WHERE org_id = $1",
            &[Val::Int(org.id)],
            &[Ty::Text, Ty::Text],
        )?;
        Ok(rows
            .iter()
            .map(|r| (r[0].to_cell(), r[1].to_cell()))
            .collect())
    }

    /// All managers of the organisation, by code.
    pub fn manager_rows(&mut self, org: &Org) -> Result<Vec<ManagerRow>, StoreError> {
        let rows = self.conn.query(
            "SELECT code, name, org_unit, track, grade, tier, status, hired_on FROM managers WHERE org_id = $1 ORDER BY code",
            &[Val::Int(org.id)],
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Date],
        )?;
        Ok(rows
            .iter()
            .map(|r| ManagerRow {
                code: r[0].to_cell(),
                name: r[1].to_cell(),
                org_unit: r[2].to_cell(),
                track: r[3].to_cell(),
                grade: r[4].to_cell(),
                tier: r[5].to_cell(),
                status: r[6].to_cell(),
                hired_on: r[7].as_date(),
            })
            .collect())
    }

    /// Clients owned on `day` by any of `managers` (all clients when `None`), with their
    /// owners, filtered by a text in code or name; one page of them and how many there are.
    pub fn client_rows(
        &mut self,
        org: &Org,
        day: NaiveDate,
        managers: Option<&[String]>,
        text: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<ClientRow>, i64), StoreError> {
        let rows = self.conn.query(
            "SELECT c.code, c.name, c.kind, c.client_type, m.code, CAST(o.ratio AS TEXT) FROM clients c \
             LEFT JOIN ownership o ON o.client_id = c.id AND o.account_id IS NULL AND o.valid_from <= $2 AND (o.valid_to IS NULL OR o.valid_to >= $2) \
             LEFT JOIN managers m ON m.id = o.manager_id WHERE c.org_id = $1 ORDER BY c.code, m.code",
            &[Val::Int(org.id), Val::Date(day)],
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text],
        )?;
        let mut all: Vec<ClientRow> = Vec::new();
        for r in rows {
            let code = r[0].to_cell();
            if all.last().is_none_or(|c| c.code != code) {
                all.push(ClientRow {
                    code,
                    name: r[1].to_cell(),
                    kind: r[2].to_cell(),
                    client_type: r[3].to_cell(),
                    owners: Vec::new(),
                });
            }
            if let (Some(m), Some(c)) = (r[4].as_str(), all.last_mut()) {
                c.owners.push((m.to_owned(), r[5].to_cell()));
            }
        }
        let text = text.map(str::trim).filter(|t| !t.is_empty());
        let filtered: Vec<ClientRow> = all
            .into_iter()
            .filter(|c| managers.is_none_or(|ms| c.owners.iter().any(|(m, _)| ms.contains(m))))
            .filter(|c| text.is_none_or(|t| c.code.contains(t) || c.name.contains(t)))
            .collect();
        let total = filtered.len() as i64;
        let page = filtered
            .into_iter()
            .skip(offset.max(0) as usize)
            .take(limit.max(0) as usize)
            .collect();
        Ok((page, total))
    }

    /// The client's name, or `None` when there is no such client.
    pub fn client_name(&mut self, org: &Org, code: &str) -> Result<Option<String>, StoreError> {
        let rows = self.conn.query(
            "SELECT name FROM clients WHERE org_id = $1 AND code = $2",
            &[Val::Int(org.id), Val::text(code)],
            &[Ty::Text],
        )?;
        Ok(rows.first().map(|r| r[0].to_cell()))
    }

    /// Accounts of a client: code, product, currency.
    pub fn client_accounts(
        &mut self,
        org: &Org,
        code: &str,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows = self.conn.query(
            "SELECT a.code, a.product, a.currency FROM accounts a JOIN clients c ON c.id = a.client_id WHERE c.org_id = $1 AND c.code = $2 ORDER BY a.code",
            &[Val::Int(org.id), Val::text(code)],
            &[Ty::Text, Ty::Text, Ty::Text],
        )?;
        Ok(rows
            .iter()
            .map(|r| (r[0].to_cell(), r[1].to_cell(), r[2].to_cell()))
            .collect())
    }

    /// Every manager who ever owned the client (or one of its accounts).
    pub fn client_owners_ever(&mut self, org: &Org, code: &str) -> Result<Vec<String>, StoreError> {
        let rows = self.conn.query(
            "SELECT DISTINCT m.code FROM ownership o JOIN clients c ON c.id = o.client_id JOIN managers m ON m.id = o.manager_id WHERE c.org_id = $1 AND c.code = $2",
            &[Val::Int(org.id), Val::text(code)],
            &[Ty::Text],
        )?;
        Ok(rows.iter().map(|r| r[0].to_cell()).collect())
    }

    /// A customer manager or a head asks to move a client's share from one manager to another.
    pub fn request_transfer(
        &mut self,
        org: &Org,
        client: &str,
        from: &str,
        to: &str,
        effective_on: NaiveDate,
        reason: &str,
    ) -> Result<i64, StoreError> {
        if reason.trim().is_empty() {
            return Err(StoreError::Invalid(
                "a transfer request needs a reason".into(),
            ));
        }
        if from == to {
            return Err(StoreError::Invalid(
                "the client is already with that manager: choose another one".into(),
            ));
        }
        let owners = self.owners_on(org, client, None, effective_on)?;
        if !owners.iter().any(|(m, _)| m == from) {
            return Err(StoreError::Invalid(format!(
                "{from} does not own client {client} on {effective_on}"
            )));
        }
        let exists = self
            .conn
            .scalar(
                "SELECT COUNT(*) FROM managers WHERE org_id = $1 AND code = $2",
                &[Val::Int(org.id), Val::text(to)],
                Ty::Int,
            )?
            .as_i64()
            .unwrap_or(0);
        if exists == 0 {
            return Err(StoreError::Invalid(format!(
                "there is no customer manager {to}"
            )));
        }
        let open = self
            .conn
            .scalar(
                "SELECT COUNT(*) FROM transfer_requests WHERE org_id = $1 AND client_code = $2 AND status = 'open'",
                &[Val::Int(org.id), Val::text(client)],
                Ty::Int,
            )?
            .as_i64()
            .unwrap_or(0);
        if open > 0 {
            return Err(StoreError::Invalid(format!(
                "client {client} already has an open transfer request: decide that one first"
            )));
        }
        let actor = self.actor().to_owned();
        self.transaction(|s| {
            let id = s
                .conn
                .scalar(
                    "INSERT INTO transfer_requests (org_id, client_code, from_manager, to_manager, effective_on, reason, requested_by, requested_at, status) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open') RETURNING id",
                    &[
                        Val::Int(org.id),
                        Val::text(client),
                        Val::text(from),
                        Val::text(to),
                        Val::Date(effective_on),
                        Val::text(reason),
                        Val::Text(actor.clone()),
                        Val::Time(Utc::now()),
                    ],
                    Ty::Int,
                )?
                .as_i64()
                .unwrap_or(0);
            s.audit(
                Some(org.id),
                "request",
                "transfer_requests",
                &id.to_string(),
                None,
                Some(serde_json::json!({"client": client, "from": from, "to": to, "effective_on": effective_on.to_string(), "reason": reason})),
            )?;
            Ok::<_, StoreError>(id)
        })
    }

    pub fn transfers(&mut self, org: &Org) -> Result<Vec<Transfer>, StoreError> {
        let rows = self.conn.query(
            "SELECT id, client_code, from_manager, to_manager, effective_on, reason, requested_by, status, decided_by, decision \
             FROM transfer_requests WHERE org_id = $1 ORDER BY id DESC",
            &[Val::Int(org.id)],
            &[Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Date, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text],
        )?;
        Ok(rows
            .iter()
            .map(|r| Transfer {
                id: r[0].as_i64().unwrap_or(0),
                client: r[1].to_cell(),
                from_manager: r[2].to_cell(),
                to_manager: r[3].to_cell(),
                effective_on: r[4].as_date().unwrap_or_default(),
                reason: r[5].to_cell(),
                requested_by: r[6].to_cell(),
                status: r[7].to_cell(),
                decided_by: r[8].as_str().map(str::to_owned),
                decision: r[9].as_str().map(str::to_owned),
            })
            .collect())
    }

    /// Marks an open transfer request decided (the ownership change itself is imported by the
    /// caller in the same way as a file, so the ledger's rules apply). Audited.
    pub fn decide_transfer(
        &mut self,
        org: &Org,
        id: i64,
        approve: bool,
        decision: &str,
    ) -> Result<Transfer, StoreError> {
        let Some(t) = self.transfers(org)?.into_iter().find(|t| t.id == id) else {
            return Err(StoreError::Invalid(format!(
                "there is no transfer request #{id}"
            )));
        };
        if t.status != "open" {
            return Err(StoreError::Invalid(format!(
                "transfer request #{id} was already decided ({})",
                t.status
            )));
        }
        let actor = self.actor().to_owned();
        let status = if approve { "approved" } else { "rejected" };
        self.transaction(|s| {
            let n = s.conn.exec(
                "UPDATE transfer_requests SET status = $1, decided_by = $2, decided_at = $3, decision = $4 WHERE id = $5 AND status = 'open'",
                &[
                    Val::text(status),
                    Val::Text(actor.clone()),
                    Val::Time(Utc::now()),
                    Val::text(decision),
                    Val::Int(id),
                ],
            )?;
            if n == 0 {
                return Err(StoreError::Invalid(format!(
                    "transfer request #{id} was decided meanwhile"
                )));
            }
            s.audit(
                Some(org.id),
                status,
                "transfer_requests",
                &id.to_string(),
                Some(serde_json::json!({"status": "open"})),
                Some(serde_json::json!({"status": status, "decision": decision})),
            )?;
            Ok::<_, StoreError>(())
        })?;
        Ok(t)
    }

    /// The run each period is paid on: the locked run, else the newest one. Oldest first.
    pub fn current_runs(&mut self, org: &Org) -> Result<Vec<(String, i64, bool)>, StoreError> {
        let rows = self.conn.query(
            "SELECT r.period, MAX(r.id), MAX(l.run_id) FROM settlement_runs r \
             LEFT JOIN period_locks l ON l.org_id = r.org_id AND l.period = r.period \
             WHERE r.org_id = $1 GROUP BY r.period ORDER BY r.period",
            &[Val::Int(org.id)],
            &[Ty::Text, Ty::Int, Ty::Int],
        )?;
        Ok(rows
            .iter()
            .map(|r| match r[2].as_i64() {
                Some(locked) => (r[0].to_cell(), locked, true),
                None => (r[0].to_cell(), r[1].as_i64().unwrap_or(0), false),
            })
            .collect())
    }

    /// `total` of each manager on a run.
    pub fn run_totals(&mut self, run: i64) -> Result<BTreeMap<String, Money>, StoreError> {
        let rows = self.conn.query(
            "SELECT manager, amount_fen FROM settlement_lines WHERE run_id = $1 AND item = 'total'",
            &[Val::Int(run)],
            &[Ty::Text, Ty::Int],
        )?;
        Ok(rows
            .iter()
            .map(|r| (r[0].to_cell(), Money::from_fen(r[1].as_i64().unwrap_or(0))))
            .collect())
    }

    /// The lines of one manager on a run.
    pub fn manager_lines(
        &mut self,
        run: i64,
        manager: &str,
    ) -> Result<Vec<(String, Money, Option<String>)>, StoreError> {
        let rows = self.conn.query(
            "SELECT item, amount_fen, note FROM settlement_lines WHERE run_id = $1 AND manager = $2 ORDER BY seq",
            &[Val::Int(run), Val::text(manager)],
            &[Ty::Text, Ty::Int, Ty::Text],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    r[0].to_cell(),
                    Money::from_fen(r[1].as_i64().unwrap_or(0)),
                    r[2].as_str().map(str::to_owned),
                )
            })
            .collect())
    }

    /// A manager's `total` on each period's current run: period → fen.
    pub fn manager_pay_by_period(
        &mut self,
        org: &Org,
        manager: &str,
    ) -> Result<Vec<(String, i64, Money)>, StoreError> {
        let runs = self.current_runs(org)?;
        let rows = self.conn.query(
            "SELECT l.run_id, l.amount_fen FROM settlement_lines l JOIN settlement_runs r ON r.id = l.run_id \
             WHERE r.org_id = $1 AND l.manager = $2 AND l.item = 'total'",
            &[Val::Int(org.id), Val::text(manager)],
            &[Ty::Int, Ty::Int],
        )?;
        let by_run: BTreeMap<i64, i64> = rows
            .iter()
            .map(|r| (r[0].as_i64().unwrap_or(0), r[1].as_i64().unwrap_or(0)))
            .collect();
        Ok(runs
            .into_iter()
            .filter_map(|(p, run, _)| by_run.get(&run).map(|f| (p, run, Money::from_fen(*f))))
            .collect())
    }

    /// Reported measures of a run: (manager, measure) → value.
    pub fn run_measures(
        &mut self,
        run: i64,
        manager: Option<&str>,
    ) -> Result<BTreeMap<(String, String), Decimal>, StoreError> {
        let rows = self.conn.query(
            "SELECT manager, measure, CAST(value AS TEXT) FROM settlement_measures WHERE run_id = $1 AND ($2 = '' OR manager = $2)",
            &[Val::Int(run), Val::text(manager.unwrap_or(""))],
            &[Ty::Text, Ty::Text, Ty::Dec],
        )?;
        Ok(rows
            .iter()
            .filter_map(|r| Some(((r[0].to_cell(), r[1].to_cell()), r[2].as_dec()?)))
            .collect())
    }

    /// Targets of a period: (manager, measure) → target.
    pub fn period_targets(
        &mut self,
        org: &Org,
        period: &str,
        manager: Option<&str>,
    ) -> Result<BTreeMap<(String, String), Decimal>, StoreError> {
        let rows = self.conn.query(
            "SELECT m.code, t.measure, CAST(t.target AS TEXT) FROM targets t JOIN managers m ON m.id = t.manager_id \
             WHERE t.org_id = $1 AND t.period = $2 AND ($3 = '' OR m.code = $3)",
            &[Val::Int(org.id), Val::text(period), Val::text(manager.unwrap_or(""))],
            &[Ty::Text, Ty::Text, Ty::Dec],
        )?;
        Ok(rows
            .iter()
            .filter_map(|r| Some(((r[0].to_cell(), r[1].to_cell()), r[2].as_dec()?)))
            .collect())
    }

    /// One page of the audit log of the organisation (and entries of no organisation), newest
    /// first, and whether there is more.
    pub fn audit_search(
        &mut self,
        org: &Org,
        f: &AuditFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AuditEntry>, bool), StoreError> {
        let like = |s: Option<&str>| Val::text(s.map_or("%".to_owned(), |s| format!("%{s}%")));
        let rows = self.conn.query(
            &format!("SELECT {AUDIT_COLS} \
             FROM audit_log WHERE (org_id = $1 OR org_id IS NULL) AND actor LIKE $2 AND action LIKE $3 AND entity LIKE $4 AND entity_key LIKE $5 \
             ORDER BY id DESC LIMIT $6 OFFSET $7"),
            &[
                Val::Int(org.id),
                like(opt(&f.actor)),
                like(opt(&f.action)),
                like(opt(&f.entity)),
                like(opt(&f.key)),
                Val::Int(limit + 1),
                Val::Int(offset.max(0)),
            ],
            AUDIT_TYS,
        )?;
        let more = rows.len() as i64 > limit;
        Ok((
            rows.into_iter()
                .take(limit.max(0) as usize)
                .map(|r| audit_entry(&r))
                .collect(),
            more,
        ))
    }

    /// Stored run information: period, policy, created, actor.
    pub fn run_info(
        &mut self,
        org: &Org,
        run: i64,
    ) -> Result<Option<crate::settlement::RunInfo>, StoreError> {
        Ok(self.runs(org)?.into_iter().find(|r| r.id == run))
    }
}

impl Store {
    /// A number that changes whenever data changes: every change is audited, so the newest
    /// audit entry's id. Caches of the web application are keyed by it.
    pub fn data_version(&mut self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .scalar("SELECT COALESCE(MAX(id), 0) FROM audit_log", &[], Ty::Int)?
            .as_i64()
            .unwrap_or(0))
    }
}
