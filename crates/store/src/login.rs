//! Login attempts as conditional updates of the user row: an attempt is claimed (the failure
//! counter incremented) before the password is checked, in one statement that refuses when
//! the account is locked or out of attempts. Of any number of parallel guesses at most the
//! allowed number are ever checked; the rest are refused without checking.

use crate::sql::{Ty, Val};
use crate::{Store, StoreError};

/// What a claimed attempt may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The password may be checked; this is the n-th unsuccessful attempt in a row unless it
    /// succeeds (n = 1 is the first of a burst; n = max locked the account).
    Check(i64),
    /// Locked, or out of attempts: refused without checking.
    Refused,
}

impl Store {
    /// Claims one login attempt for user `id` at unix second `now`: at most `max` unsuccessful
    /// attempts in a row; the attempt that reaches `max` locks the account until `lock_until`.
    /// A lock that has run out starts the count again.
    pub fn claim_login_attempt(
        &mut self,
        id: i64,
        max: i64,
        now: i64,
        lock_until: i64,
    ) -> Result<Attempt, StoreError> {
        let rows = self.transaction(|s| {
            // Three statements in one transaction (the row stays locked from the first): the
            // claim, the lock it may set, and the count. Not one UPDATE with both columns:
            // MySQL evaluates SET left to right (the second assignment would see the first's
            // new value), and it has no UPDATE … RETURNING. The WHERE admits an expired lock
            // (the count starts again at 1) or no lock with attempts left.
            let claimed = s.conn.exec(
                "UPDATE users SET \
                   failed_logins = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_logins + 1 END \
                 WHERE id = $1 \
                   AND ((locked_until IS NOT NULL AND locked_until <= $2) \
                        OR (locked_until IS NULL AND failed_logins < $3))",
                &[Val::Int(id), Val::Int(now), Val::Int(max)],
            )?;
            if claimed == 0 {
                return Ok(Vec::new());
            }
            s.conn.exec(
                "UPDATE users SET locked_until = CASE WHEN failed_logins >= $2 THEN CAST($3 AS BIGINT) ELSE CAST(NULL AS BIGINT) END \
                 WHERE id = $1",
                &[Val::Int(id), Val::Int(max), Val::Int(lock_until)],
            )?;
            s.conn.query(
                "SELECT failed_logins FROM users WHERE id = $1",
                &[Val::Int(id)],
                &[Ty::Int],
            )
        })?;
        Ok(
            match rows.first().and_then(|r| r.first()).and_then(Val::as_i64) {
                Some(n) => Attempt::Check(n),
                None => Attempt::Refused,
            },
        )
    }

    /// Unlocks a user (the performance office, after checking who asked). Audited.
    pub fn unlock_user(&mut self, org: &crate::Org, username: &str) -> Result<(), StoreError> {
        self.write(org, |s| {
            let n = s.conn.exec(
                "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE org_id = $1 AND username = $2",
                &[Val::Int(org.id), Val::text(username)],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!(
                    "organisation {} has no user {username}",
                    org.code
                )));
            }
            s.audit(Some(org.id), "unlock", "users", username, None, None)?;
            Ok(())
        })
    }
}
