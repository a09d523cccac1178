//! Requests to move a client's share from one customer manager to another (移交), and their
//! decisions. The decision is a conditional transition (see [`crate::workflow`]).

use crate::sql::{Cols, DbError, Ty, Val};
use crate::workflow::{TRANSFER, TransferStatus, or_taken};
use crate::{Org, Store, StoreError};
use chrono::{NaiveDate, Utc};

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
    pub requested_at: String,
    pub decided_at: Option<String>,
}

const TRANSFER_COLS: &str = "id, client_code, from_manager, to_manager, effective_on, reason, requested_by, status, decided_by, decision, CAST(requested_at AS TEXT), CAST(decided_at AS TEXT)";
const TRANSFER_TYS: &[Ty] = &[
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

fn transfer_of(r: &[Val]) -> Result<Transfer, DbError> {
    let c = Cols::new("transfer_requests", r);
    Ok(Transfer {
        id: c.int(0)?,
        client: c.text(1)?,
        from_manager: c.text(2)?,
        to_manager: c.text(3)?,
        effective_on: c.date(4)?,
        reason: c.text(5)?,
        requested_by: c.text(6)?,
        status: c.text(7)?,
        decided_by: c.opt_text(8),
        decision: c.opt_text(9),
        requested_at: c.text(10)?,
        decided_at: c.opt_text(11),
    })
}

/// A new transfer request, as checked by the application layer.
pub struct NewTransfer<'a> {
    pub client: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub effective_on: NaiveDate,
    pub reason: &'a str,
}

impl Store {
    /// Records an open transfer request (call it inside [`Store::write`] after checking it).
    /// A second open request for the same client is refused by the database's unique index
    /// and reported as a conflict naming the open one.
    pub fn insert_transfer(&mut self, org: &Org, t: &NewTransfer<'_>) -> Result<i64, StoreError> {
        if let Some(open) = self.open_transfer(org, t.client)? {
            return Err(StoreError::taken(
                "request-open",
                &[
                    ("kind", "transfer".to_owned()),
                    ("client", t.client.to_owned()),
                    ("manager", String::new()),
                    ("id", open.id.to_string()),
                    ("by", open.requested_by.clone()),
                    ("at", open.requested_at.clone()),
                ],
                format!(
                    "client {} already has an open transfer request #{} (asked by {} at {}): decide that one first",
                    t.client, open.id, open.requested_by, open.requested_at
                ),
            ));
        }
        let actor = self.actor().to_owned();
        let inserted = self.conn.insert_id(
            "transfer_requests",
            "INSERT INTO transfer_requests (org_id, client_code, from_manager, to_manager, effective_on, reason, requested_by, requested_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open')",
            &[
                Val::Int(org.id),
                Val::text(t.client),
                Val::text(t.from),
                Val::text(t.to),
                Val::Date(t.effective_on),
                Val::text(t.reason),
                Val::Text(actor),
                Val::Time(Utc::now()),
            ],
        );
        let id = or_taken(
            inserted,
            "request-open-now",
            &[
                ("kind", "transfer".to_owned()),
                ("client", t.client.to_owned()),
                ("manager", String::new()),
            ],
            || {
                format!(
                    "client {} already has an open transfer request: decide that one first",
                    t.client
                )
            },
        )?;
        self.audit(
            Some(org.id),
            "request",
            "transfer_requests",
            &id.to_string(),
            None,
            Some(serde_json::json!({"client": t.client, "from": t.from, "to": t.to, "effective_on": t.effective_on.to_string(), "reason": t.reason})),
        )?;
        Ok(id)
    }

    /// The transfer requests of the organisation, newest first.
    pub fn transfers(&mut self, org: &Org) -> Result<Vec<Transfer>, StoreError> {
        let rows = self.conn.query(
            &format!(
                "SELECT {TRANSFER_COLS} FROM transfer_requests WHERE org_id = $1 ORDER BY id DESC"
            ),
            &[Val::Int(org.id)],
            TRANSFER_TYS,
        )?;
        Ok(rows
            .iter()
            .map(|r| transfer_of(r))
            .collect::<Result<_, _>>()?)
    }

    /// One transfer request of the organisation.
    pub fn transfer(&mut self, org: &Org, id: i64) -> Result<Option<Transfer>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {TRANSFER_COLS} FROM transfer_requests WHERE org_id = $1 AND id = $2"),
            &[Val::Int(org.id), Val::Int(id)],
            TRANSFER_TYS,
        )?;
        Ok(rows.first().map(|r| transfer_of(r)).transpose()?)
    }

    /// The open transfer request of a client, if there is one.
    pub fn open_transfer(
        &mut self,
        org: &Org,
        client: &str,
    ) -> Result<Option<Transfer>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {TRANSFER_COLS} FROM transfer_requests WHERE org_id = $1 AND client_code = $2 AND status = 'open'"),
            &[Val::Int(org.id), Val::text(client)],
            TRANSFER_TYS,
        )?;
        Ok(rows.first().map(|r| transfer_of(r)).transpose()?)
    }

    /// Marks an open transfer request approved or rejected: a conditional transition, so of
    /// concurrent decisions exactly one takes effect and the others get
    /// [`StoreError::Conflict`]. Call it inside [`Store::write`] together with the ledger
    /// change an approval makes. Audited.
    pub fn decide_transfer(
        &mut self,
        org: &Org,
        id: i64,
        to: TransferStatus,
        decision: &str,
    ) -> Result<(), StoreError> {
        self.decide_open_request(&TRANSFER, org, id, to.code(), decision)
    }
}
