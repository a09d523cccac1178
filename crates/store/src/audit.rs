//! Reading and writing the audit log outside an import: events that change nothing else, and
//! the filtered search of the audit page.

use crate::query::{AUDIT_COLS, AUDIT_TYS, AuditEntry, audit_entry};
use crate::sql::{Ty, Val, in_list};
use crate::{Org, Store, StoreError};

/// Filters of the audit log page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub key: Option<String>,
    /// Entries on or after this day (UTC).
    pub from: Option<chrono::NaiveDate>,
    /// Entries on or before this day (UTC).
    pub to: Option<chrono::NaiveDate>,
}

/// The first instant of a day, UTC.
fn day_start(d: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
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

    /// One page of the audit log of the organisation (never another organisation's, nor entries of none), newest
    /// first, and whether there is more.
    pub fn audit_search(
        &mut self,
        org: &Org,
        f: &AuditFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AuditEntry>, bool), StoreError> {
        let like = |s: Option<&str>| Val::text(s.map_or("%".to_owned(), |s| format!("%{s}%")));
        let mut params = vec![
            Val::Int(org.id),
            like(opt(&f.actor)),
            like(opt(&f.entity)),
            like(opt(&f.key)),
            Val::Int(limit + 1),
            Val::Int(offset.max(0)),
            Val::Time(day_start(f.from.unwrap_or(
                chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default(),
            ))),
            Val::Time(day_start(f.to.and_then(|d| d.succ_opt()).unwrap_or(
                chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default(),
            ))),
        ];
        // An action filter is a prefix ("run." finds run.submit and run.approve). The few
        // distinct actions that start with it are found first, so the entries are read through
        // the index of each instead of a scan of the whole log.
        let mut actions = String::new();
        if let Some(prefix) = opt(&f.action) {
            let matching = self.audit_actions(org)?;
            let marks = in_list(
                &mut params,
                matching
                    .into_iter()
                    .filter(|a| a.starts_with(prefix))
                    .map(Val::Text),
            );
            if marks.is_empty() {
                return Ok((Vec::new(), false));
            }
            actions = format!(" AND action IN ({marks})");
        }
        let rows = self.conn.query(
            &format!("SELECT {AUDIT_COLS} \
             FROM audit_log WHERE org_id = $1 AND actor LIKE $2 AND entity LIKE $3 AND entity_key LIKE $4{actions} \
             AND at >= $7 AND at < $8 ORDER BY id DESC LIMIT $5 OFFSET $6"),
            &params,
            AUDIT_TYS,
        )?;
        let more = rows.len() as i64 > limit;
        let entries = rows
            .iter()
            .take(limit.max(0) as usize)
            .map(|r| audit_entry(r))
            .collect::<Result<_, _>>()?;
        Ok((entries, more))
    }
}

impl Store {
    /// The distinct actions of the organisation's audit log, in order: one seek of the index
    /// `audit_log_by_action` per action (a loose index scan), not a read of every entry.
    pub fn audit_actions(&mut self, org: &Org) -> Result<Vec<String>, StoreError> {
        let rows = self.conn.query(
            "WITH RECURSIVE a(x) AS (SELECT MIN(action) FROM audit_log \
             UNION ALL SELECT (SELECT MIN(action) FROM audit_log WHERE action > a.x) \
             FROM a WHERE a.x IS NOT NULL) SELECT x FROM a WHERE x IS NOT NULL \
             AND EXISTS (SELECT 1 FROM audit_log l WHERE l.action = a.x AND l.org_id = $1)",
            &[Val::Int(org.id)],
            &[Ty::Text],
        )?;
        Ok(rows
            .iter()
            .map(|r| crate::sql::Cols::new("audit_log", r).text(0))
            .collect::<Result<_, _>>()?)
    }

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
