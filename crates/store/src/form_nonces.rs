//! Once-only form nonces: every form a page renders carries a fresh nonce, and a submission
//! whose nonce was used already (a double click, a reload, the back button, or the same form
//! sent to a second server) is refused. They are kept in the database so that several servers
//! on one database refuse alike.

use crate::sql::Val;
use crate::{Store, StoreError};

/// How long a used nonce is remembered (seconds): longer than any page stays open to be sent.
pub const NONCE_MEMORY: i64 = 86_400;

impl Store {
    /// Marks `nonce` used at unix second `now`; whether it was new. Of any number of concurrent
    /// submissions of one nonce exactly one gets `true` (the key decides).
    pub fn use_form_nonce(&mut self, nonce: &str, now: i64) -> Result<bool, StoreError> {
        let sql = format!(
            "INSERT INTO form_nonces (nonce, used_at) VALUES ($1, $2) {}",
            self.backend().upsert_tail("form_nonces", &["nonce"], &[])
        );
        self.transaction(|s| {
            let n = s.conn.exec(&sql, &[Val::text(nonce), Val::Int(now)])?;
            Ok(n > 0)
        })
    }

    /// Forgets the nonces used before `now - NONCE_MEMORY`; how many.
    pub fn forget_old_form_nonces(&mut self, now: i64) -> Result<u64, StoreError> {
        self.transaction(|s| {
            Ok(s.conn.exec(
                "DELETE FROM form_nonces WHERE used_at < $1",
                &[Val::Int(now - NONCE_MEMORY)],
            )?)
        })
    }
}
