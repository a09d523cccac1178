//! Ownership claims (B3): a customer manager's claim on an unowned client or on a share of an
//! owned one, decided by someone else; the decision is a conditional transition (see
//! [`crate::workflow`]) and an approval writes the ledger in the same transaction.

use crate::sql::{Cols, DbError, Ty, Val};
use crate::workflow::{CLAIM, TransferStatus, or_taken};
use crate::{Org, Store, StoreError};
use chrono::{NaiveDate, Utc};

/// A claim on a client's ownership.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub id: i64,
    pub client: String,
    pub manager: String,
    /// The share asked for: `1` for a whole (unowned) client.
    pub share: String,
    pub effective_on: NaiveDate,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: String,
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision: Option<String>,
}

const COLS: &str = "id, client_code, manager, share, effective_on, reason, requested_by, CAST(requested_at AS TEXT), status, decided_by, CAST(decided_at AS TEXT), decision";
const TYS: &[Ty] = &[
    Ty::Int,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Date,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
];

fn of_row(r: &[Val]) -> Result<Claim, DbError> {
    let c = Cols::new("ownership_claims", r);
    Ok(Claim {
        id: c.int(0)?,
        client: c.text(1)?,
        manager: c.text(2)?,
        share: c.text(3)?,
        effective_on: c.date(4)?,
        reason: c.text(5)?,
        requested_by: c.text(6)?,
        requested_at: c.text(7)?,
        status: c.text(8)?,
        decided_by: c.opt_text(9),
        decided_at: c.opt_text(10),
        decision: c.opt_text(11),
    })
}

/// A new claim, as checked by the application layer.
pub struct NewClaim<'a> {
    pub client: &'a str,
    pub manager: &'a str,
    pub share: &'a str,
    pub effective_on: NaiveDate,
    pub reason: &'a str,
}

impl Store {
    /// Records an open claim (inside [`Store::write`], after checking it). A manager's second
    /// open claim on the same client is a conflict naming the first.
    pub fn insert_claim(&mut self, org: &Org, c: &NewClaim<'_>) -> Result<i64, StoreError> {
        if let Some(open) = self
            .claims(org)?
            .into_iter()
            .find(|o| o.status == "open" && o.client == c.client && o.manager == c.manager)
        {
            return Err(StoreError::taken(
                "request-open",
                &[
                    ("kind", "claim".to_owned()),
                    ("client", c.client.to_owned()),
                    ("manager", c.manager.to_owned()),
                    ("id", open.id.to_string()),
                    ("by", open.requested_by.clone()),
                    ("at", open.requested_at.clone()),
                ],
                format!(
                    "{} already has an open claim #{} on client {} (asked by {} at {})",
                    c.manager, open.id, c.client, open.requested_by, open.requested_at
                ),
            ));
        }
        let actor = self.actor().to_owned();
        let inserted = self.conn.insert_id(
            "ownership_claims",
            "INSERT INTO ownership_claims (org_id, client_code, manager, share, effective_on, reason, requested_by, requested_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open')",
            &[
                Val::Int(org.id),
                Val::text(c.client),
                Val::text(c.manager),
                Val::text(c.share),
                Val::Date(c.effective_on),
                Val::text(c.reason),
                Val::Text(actor),
                Val::Time(Utc::now()),
            ],
        );
        let id = or_taken(
            inserted,
            "request-open-now",
            &[
                ("kind", "claim".to_owned()),
                ("client", c.client.to_owned()),
                ("manager", c.manager.to_owned()),
            ],
            || {
                format!(
                    "{} already has an open claim on client {}",
                    c.manager, c.client
                )
            },
        )?;
        self.audit(
            Some(org.id),
            "claim",
            "ownership_claims",
            &id.to_string(),
            None,
            Some(serde_json::json!({"client": c.client, "manager": c.manager, "share": c.share, "effective_on": c.effective_on.to_string(), "reason": c.reason})),
        )?;
        Ok(id)
    }

    /// Every claim of the organisation, newest first.
    pub fn claims(&mut self, org: &Org) -> Result<Vec<Claim>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {COLS} FROM ownership_claims WHERE org_id = $1 ORDER BY id DESC"),
            &[Val::Int(org.id)],
            TYS,
        )?;
        Ok(rows.iter().map(|r| of_row(r)).collect::<Result<_, _>>()?)
    }

    pub fn claim(&mut self, org: &Org, id: i64) -> Result<Option<Claim>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {COLS} FROM ownership_claims WHERE org_id = $1 AND id = $2"),
            &[Val::Int(org.id), Val::Int(id)],
            TYS,
        )?;
        Ok(rows.first().map(|r| of_row(r)).transpose()?)
    }

    /// Approves or rejects an open claim: a conditional transition (of concurrent decisions one
    /// takes effect). Inside [`Store::write`], with the ledger change. Audited.
    pub fn decide_claim(
        &mut self,
        org: &Org,
        id: i64,
        to: TransferStatus,
        decision: &str,
    ) -> Result<(), StoreError> {
        self.decide_open_request(&CLAIM, org, id, to.code(), decision)
    }
}
