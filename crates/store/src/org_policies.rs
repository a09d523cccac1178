//! The policies an organisation uses: its performance office adopts them from the policies
//! folder (and drops them); the pages that settle, assess or simulate list only these. Each
//! change is one conditional statement (`ON CONFLICT DO NOTHING`, `DELETE … WHERE`), audited;
//! of two at once one takes effect and the other is told it was already done.

use crate::sql::{Cols, Ty, Val};
use crate::workflow::short_time;
use crate::{Org, Store, StoreError};
use chrono::Utc;

/// A policy an organisation adopted: its name in the folder, who adopted it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptedPolicy {
    pub policy: String,
    pub adopted_by: String,
    pub adopted_at: String,
}

impl Store {
    /// The policies `org` adopted, by name.
    pub fn adopted_policies(&mut self, org: &Org) -> Result<Vec<AdoptedPolicy>, StoreError> {
        let rows = self.conn.query(
            "SELECT policy, adopted_by, CAST(adopted_at AS TEXT) FROM org_policies \
             WHERE org_id = $1 ORDER BY policy",
            &[Val::Int(org.id)],
            &[Ty::Text, Ty::Text, Ty::Text],
        )?;
        rows.iter()
            .map(|r| {
                let c = Cols::new("org_policies", r);
                Ok(AdoptedPolicy {
                    policy: c.text(0)?,
                    adopted_by: c.text(1)?,
                    adopted_at: short_time(&c.text(2)?),
                })
            })
            .collect()
    }

    /// Adopts policy `name` for `org` as the store's actor, or drops it (`adopt` false), in one
    /// audited transaction. Already adopted (or not adopted, to drop) gives
    /// [`StoreError::Conflict`] saying so and, for an adoption, by whom and when.
    pub fn set_policy_adopted(
        &mut self,
        org: &Org,
        name: &str,
        adopt: bool,
    ) -> Result<(), StoreError> {
        let insert = format!(
            "INSERT INTO org_policies (org_id, policy, adopted_by, adopted_at) VALUES ($1, $2, $3, $4) {}",
            self.backend()
                .upsert_tail("org_policies", &["org_id", "policy"], &[])
        );
        self.transaction(|s| {
            let changed = if adopt {
                s.conn.exec(
                    &insert,
                    &[
                        Val::Int(org.id),
                        Val::text(name),
                        Val::text(s.actor()),
                        Val::Time(Utc::now()),
                    ],
                )?
            } else {
                s.conn.exec(
                    "DELETE FROM org_policies WHERE org_id = $1 AND policy = $2",
                    &[Val::Int(org.id), Val::text(name)],
                )?
            };
            if changed == 1 {
                let action = if adopt { "policy.adopt" } else { "policy.drop" };
                s.audit(Some(org.id), action, "org_policies", name, None, None)?;
                return Ok(());
            }
            if adopt {
                let by = s
                    .adopted_policies(org)?
                    .into_iter()
                    .find(|p| p.policy == name)
                    .map(|p| format!(" by {} at {}", p.adopted_by, p.adopted_at))
                    .unwrap_or_default();
                Err(StoreError::Conflict(format!(
                    "policy {name} is already adopted{by}"
                )))
            } else {
                Err(StoreError::Conflict(format!(
                    "policy {name} is not adopted (already dropped)"
                )))
            }
        })
    }
}
