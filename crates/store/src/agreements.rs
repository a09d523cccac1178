//! Agreement-price requests (协议价, C3): a customer manager who brings a unit that asks for the
//! agreement price investigates it and asks; the department manager approves or rejects. An
//! approval marks the client an agreement unit (`clients.agreement`) in the same transaction.
//! The decision is a conditional transition (see [`crate::workflow`]).

use crate::sql::{Cols, DbError, Ty, Val};
use crate::workflow::{AGREEMENT, AgreementStatus, or_taken};
use crate::{Org, Store, StoreError};
use chrono::Utc;

/// A request for a client to be an agreement unit.
#[derive(Debug, Clone)]
pub struct AgreementRequest {
    pub id: i64,
    pub client: String,
    /// The customer manager who brought the unit.
    pub manager: String,
    /// The agreed price terms (协议价).
    pub terms: String,
    /// What the customer manager found out about the unit (调查情况).
    pub investigation: String,
    pub requested_by: String,
    pub requested_at: String,
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision: Option<String>,
}

const COLS: &str = "id, client_code, manager, terms, investigation, requested_by, CAST(requested_at AS TEXT), status, decided_by, CAST(decided_at AS TEXT), decision";
const TYS: &[Ty] = &[
    Ty::Int,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
];

fn of_row(r: &[Val]) -> Result<AgreementRequest, DbError> {
    let c = Cols::new("agreement_requests", r);
    Ok(AgreementRequest {
        id: c.int(0)?,
        client: c.text(1)?,
        manager: c.text(2)?,
        terms: c.text(3)?,
        investigation: c.text(4)?,
        requested_by: c.text(5)?,
        requested_at: c.text(6)?,
        status: c.text(7)?,
        decided_by: c.opt_text(8),
        decided_at: c.opt_text(9),
        decision: c.opt_text(10),
    })
}

impl Store {
    /// The client's kind (`company`, `person`) and whether it is an agreement unit; `None`
    /// when there is no such client.
    pub fn client_kind(
        &mut self,
        org: &Org,
        client: &str,
    ) -> Result<Option<(Option<String>, bool)>, StoreError> {
        let rows = self.conn.query(
            "SELECT kind, agreement FROM clients WHERE org_id = $1 AND code = $2",
            &[Val::Int(org.id), Val::text(client)],
            &[Ty::Text, Ty::Bool],
        )?;
        Ok(rows.first().map(|r| {
            let c = Cols::new("clients", r);
            (c.opt_text(0), c.opt_bool(1).unwrap_or(false))
        }))
    }

    /// Records an open request (call it inside [`Store::write`] after checking it). A second
    /// open request for the client is a conflict naming the first.
    pub fn insert_agreement_request(
        &mut self,
        org: &Org,
        client: &str,
        manager: &str,
        terms: &str,
        investigation: &str,
    ) -> Result<i64, StoreError> {
        if let Some(open) = self.open_agreement_request(org, client)? {
            return Err(StoreError::taken(
                "request-open",
                &[
                    ("kind", "agreement".to_owned()),
                    ("client", client.to_owned()),
                    ("manager", String::new()),
                    ("id", open.id.to_string()),
                    ("by", open.requested_by.clone()),
                    ("at", open.requested_at.clone()),
                ],
                format!(
                    "client {client} already has an open agreement request #{} (asked by {} at {}): decide that one first",
                    open.id, open.requested_by, open.requested_at
                ),
            ));
        }
        let actor = self.actor().to_owned();
        let inserted = self.conn.insert_id(
            "agreement_requests",
            "INSERT INTO agreement_requests (org_id, client_code, manager, terms, investigation, requested_by, requested_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'open')",
            &[
                Val::Int(org.id),
                Val::text(client),
                Val::text(manager),
                Val::text(terms),
                Val::text(investigation),
                Val::Text(actor),
                Val::Time(Utc::now()),
            ],
        );
        let id = or_taken(
            inserted,
            "request-open-now",
            &[
                ("kind", "agreement".to_owned()),
                ("client", client.to_owned()),
                ("manager", String::new()),
            ],
            || {
                format!(
                    "client {client} already has an open agreement request: decide that one first"
                )
            },
        )?;
        self.audit(
            Some(org.id),
            "request",
            "agreement_requests",
            &id.to_string(),
            None,
            Some(serde_json::json!({"client": client, "manager": manager, "terms": terms, "investigation": investigation})),
        )?;
        Ok(id)
    }

    /// The organisation's agreement requests, newest first.
    pub fn agreement_requests(&mut self, org: &Org) -> Result<Vec<AgreementRequest>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {COLS} FROM agreement_requests WHERE org_id = $1 ORDER BY id DESC"),
            &[Val::Int(org.id)],
            TYS,
        )?;
        Ok(rows.iter().map(|r| of_row(r)).collect::<Result<_, _>>()?)
    }

    pub fn agreement_request(
        &mut self,
        org: &Org,
        id: i64,
    ) -> Result<Option<AgreementRequest>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {COLS} FROM agreement_requests WHERE org_id = $1 AND id = $2"),
            &[Val::Int(org.id), Val::Int(id)],
            TYS,
        )?;
        Ok(rows.first().map(|r| of_row(r)).transpose()?)
    }

    fn open_agreement_request(
        &mut self,
        org: &Org,
        client: &str,
    ) -> Result<Option<AgreementRequest>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {COLS} FROM agreement_requests WHERE org_id = $1 AND client_code = $2 AND status = 'open'"),
            &[Val::Int(org.id), Val::text(client)],
            TYS,
        )?;
        Ok(rows.first().map(|r| of_row(r)).transpose()?)
    }

    /// Approves or rejects an open request: a conditional transition (of concurrent decisions
    /// one takes effect, the others get a conflict saying who decided and when); an approval
    /// marks the client an agreement unit in the same transaction. Call it inside
    /// [`Store::write`]. Audited.
    pub fn decide_agreement_request(
        &mut self,
        org: &Org,
        id: i64,
        to: AgreementStatus,
        decision: &str,
    ) -> Result<(), StoreError> {
        let actor = self.actor().to_owned();
        self.transition(
            &AGREEMENT,
            &[("id", Val::Int(id)), ("org_id", Val::Int(org.id))],
            AgreementStatus::Open.code(),
            to.code(),
            &[
                ("decided_by", Val::Text(actor)),
                ("decided_at", Val::Time(Utc::now())),
                ("decision", Val::text(decision)),
            ],
        )?;
        if to == AgreementStatus::Approved {
            let r = self.agreement_request(org, id)?.ok_or_else(|| {
                StoreError::NotFound(format!("there is no agreement request #{id}"))
            })?;
            // Effective from the day of the approval (the organisation's today): bookings before
            // it were not an agreement unit's, so months already paid do not change.
            let from = self.today();
            let rows = self.conn.query(
                "SELECT CAST(extra AS TEXT) FROM clients WHERE org_id = $1 AND code = $2",
                &[Val::Int(org.id), Val::text(&r.client)],
                &[Ty::Json],
            )?;
            let Some(row) = rows.first() else {
                return Err(StoreError::Invalid(format!(
                    "client {} is no longer in clients",
                    r.client
                )));
            };
            let mut extra = Cols::new("clients", row).json(0)?;
            if !extra.is_object() {
                extra = serde_json::json!({});
            }
            extra["agreement_from"] = serde_json::Value::String(from.to_string());
            self.conn.exec(
                "UPDATE clients SET agreement = $1, extra = $2{json} WHERE org_id = $3 AND code = $4",
                &[
                    Val::Bool(true),
                    Val::Text(extra.to_string()),
                    Val::Int(org.id),
                    Val::text(&r.client),
                ],
            )?;
            self.audit(
                Some(org.id),
                "agreement",
                "clients",
                &r.client,
                Some(serde_json::json!({"agreement": false})),
                Some(serde_json::json!({"agreement": true, "agreement_from": from.to_string(), "request": id})),
            )?;
        }
        self.audit(
            Some(org.id),
            to.code(),
            "agreement_requests",
            &id.to_string(),
            Some(serde_json::json!({"status": "open"})),
            Some(serde_json::json!({"status": to.code(), "decision": decision})),
        )?;
        Ok(())
    }
}
