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
            s.conn.query(
                "UPDATE users SET \
                   failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until <= $2 THEN 1 ELSE failed_logins + 1 END, \
                   locked_until = CASE \
                     WHEN locked_until IS NOT NULL AND locked_until <= $2 THEN (CASE WHEN 1 >= $3 THEN CAST($4 AS BIGINT) ELSE CAST(NULL AS BIGINT) END) \
                     WHEN failed_logins + 1 >= $3 THEN CAST($4 AS BIGINT) \
                     ELSE locked_until END \
                 WHERE id = $1 \
                   AND ((locked_until IS NOT NULL AND locked_until <= $2) \
                        OR (locked_until IS NULL AND failed_logins < $3)) \
                 RETURNING failed_logins",
                &[Val::Int(id), Val::Int(now), Val::Int(max), Val::Int(lock_until)],
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
