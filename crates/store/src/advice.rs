//! Investment advice in the database: the advice tables' rows (kept as the contract's cells,
//! read back through the same checks as a file), the branches' contact details, and the
//! letters, each kept with its inputs and HTML, who made it and when.

use crate::sql::{Cols, DbError, Ty, Val, in_list};
use crate::{Org, Store, StoreError};
use chrono::{NaiveDate, Utc};
use kejing_io::Table;
use std::collections::BTreeMap;

/// A letter as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredLetter {
    pub id: i64,
    pub client: String,
    pub manager: Option<String>,
    pub on: NaiveDate,
    pub policy: String,
    pub risk_level: String,
    /// The recommended products' ids, comma-separated.
    pub products: String,
    pub generated_by: String,
    pub generated_at: String,
}

/// A new letter to keep.
pub struct NewLetter<'a> {
    pub client: &'a str,
    pub manager: Option<&'a str>,
    pub on: NaiveDate,
    pub policy: &'a str,
    pub risk_level: &'a str,
    pub products: &'a str,
    pub inputs: serde_json::Value,
    pub html: &'a str,
}

const LETTER_COLS: &str = "id, client_code, manager, on_day, policy, risk_level, products, generated_by, CAST(generated_at AS TEXT)";
const LETTER_TYS: &[Ty] = &[
    Ty::Int,
    Ty::Text,
    Ty::Text,
    Ty::Date,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
];

fn letter_of(r: &[Val]) -> Result<StoredLetter, DbError> {
    let c = Cols::new("letters", r);
    Ok(StoredLetter {
        id: c.int(0)?,
        client: c.text(1)?,
        manager: c.opt_text(2),
        on: c.date(3)?,
        policy: c.text(4)?,
        risk_level: c.text(5)?,
        products: c.text(6)?,
        generated_by: c.text(7)?,
        generated_at: c.text(8)?,
    })
}

impl Store {
    /// The cells of an advice table's rows, optionally of one client, in key order.
    pub fn advice_cells(
        &mut self,
        org: &Org,
        table: Table,
        client: Option<&str>,
    ) -> Result<Vec<BTreeMap<String, String>>, StoreError> {
        // Sorted by key here, not by the database: with an ORDER BY the planner walks the table's
        // whole (organisation, table, key) index instead of seeking the client's rows.
        let mut rows = match client {
            Some(c) => self.conn.query(
                "SELECT row_key, cells FROM advice_rows WHERE org_id = $1 AND table_name = $2 AND client_code = $3",
                &[Val::Int(org.id), Val::text(table.name()), Val::text(c)],
                &[Ty::Text, Ty::Text],
            )?,
            None => self.conn.query(
                "SELECT row_key, cells FROM advice_rows WHERE org_id = $1 AND table_name = $2",
                &[Val::Int(org.id), Val::text(table.name())],
                &[Ty::Text, Ty::Text],
            )?,
        };
        rows.sort_by_cached_key(|r| r[0].to_cell());
        rows.iter()
            .map(|r| {
                let text = Cols::new("advice_rows", r).text(1)?;
                serde_json::from_str(&text).map_err(|e| {
                    StoreError::Invalid(format!("advice_rows: a stored row is not a cell map: {e}"))
                })
            })
            .collect()
    }

    /// The advice tables of one client (and the whole product shelf) as CSV texts by table
    /// name, with the client's row and the branches: what a letter reads.
    pub fn advice_texts(
        &mut self,
        org: &Org,
        client: &str,
    ) -> Result<BTreeMap<String, String>, StoreError> {
        let mut out = BTreeMap::new();
        for &t in kejing_io::advice::ADVICE_TABLES {
            let rows = if t == Table::Products {
                self.advice_cells(org, t, None)?
            } else {
                self.advice_cells(org, t, Some(client))?
            };
            if !rows.is_empty() {
                out.insert(t.name().to_owned(), kejing_io::advice::csv_text(t, &rows));
            }
        }
        for t in [
            Table::OrgUnits,
            Table::Clients,
            Table::Managers,
            Table::Ownership,
        ] {
            let rows = self.export_client_rows(org, t, client)?;
            let cells: Vec<BTreeMap<String, String>> = rows
                .into_iter()
                .filter(|r| {
                    // Only the client's own rows of the client tables.
                    !matches!(t, Table::Clients | Table::Ownership)
                        || r.first().is_some_and(|c| c == client)
                })
                .map(|r| {
                    t.columns()
                        .iter()
                        .zip(r)
                        .map(|(c, v)| (c.name.to_owned(), v))
                        .collect()
                })
                .collect();
            if !cells.is_empty() {
                out.insert(t.name().to_owned(), kejing_io::advice::csv_text(t, &cells));
            }
        }
        Ok(out)
    }

    /// Keeps a letter and audits it (`letter.generate`); returns its id.
    pub fn insert_letter(&mut self, org: &Org, l: &NewLetter<'_>) -> Result<i64, StoreError> {
        self.transaction(|s| {
            let actor = s.actor().to_owned();
            let id = s.conn.insert_id(
                "letters",
                "INSERT INTO letters (org_id, client_code, manager, on_day, policy, risk_level, products, inputs, html, generated_by, generated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                &[
                    Val::Int(org.id),
                    Val::text(l.client),
                    Val::opt_text(l.manager),
                    Val::Date(l.on),
                    Val::text(l.policy),
                    Val::text(l.risk_level),
                    Val::text(l.products),
                    Val::Text(l.inputs.to_string()),
                    Val::text(l.html),
                    Val::Text(actor),
                    Val::Time(Utc::now()),
                ],
            )?;
            s.audit(
                Some(org.id),
                "letter.generate",
                "letter",
                &id.to_string(),
                None,
                Some(serde_json::json!({
                    "client": l.client, "on": l.on.to_string(), "risk_level": l.risk_level,
                    "products": l.products, "policy": l.policy,
                })),
            )?;
            Ok(id)
        })
    }

    /// Audits a refused letter (`letter.refuse`) with the reason.
    pub fn audit_letter_refusal(
        &mut self,
        org: &Org,
        client: &str,
        products: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.transaction(|s| {
            s.audit(
                Some(org.id),
                "letter.refuse",
                "client",
                client,
                None,
                Some(serde_json::json!({ "products": products, "reason": reason })),
            )?;
            Ok(())
        })
    }

    /// Letters, newest first, optionally of one client.
    pub fn letters(
        &mut self,
        org: &Org,
        client: Option<&str>,
        limit: i64,
    ) -> Result<Vec<StoredLetter>, StoreError> {
        let rows = match client {
            Some(c) => self.conn.query(
                &format!("SELECT {LETTER_COLS} FROM letters WHERE org_id = $1 AND client_code = $2 ORDER BY id DESC LIMIT $3"),
                &[Val::Int(org.id), Val::text(c), Val::Int(limit)],
                LETTER_TYS,
            )?,
            None => self.conn.query(
                &format!("SELECT {LETTER_COLS} FROM letters WHERE org_id = $1 ORDER BY id DESC LIMIT $2"),
                &[Val::Int(org.id), Val::Int(limit)],
                LETTER_TYS,
            )?,
        };
        Ok(rows
            .iter()
            .map(|r| letter_of(r))
            .collect::<Result<_, _>>()?)
    }

    /// Letters, newest first, of clients that one of `managers` owned (as a whole client) on
    /// the letter's day: the scope's letters found by the database, `limit` of them.
    pub fn letters_owned(
        &mut self,
        org: &Org,
        managers: &[String],
        limit: i64,
    ) -> Result<Vec<StoredLetter>, StoreError> {
        if managers.is_empty() {
            return Ok(Vec::new());
        }
        let mut params = vec![Val::Int(org.id), Val::Int(limit)];
        let marks = in_list(&mut params, managers.iter().map(|m| Val::text(m.as_str())));
        let cols: Vec<String> = LETTER_COLS
            .split(", ")
            .map(|c| match c.strip_prefix("CAST(") {
                Some(rest) => format!("CAST(l.{rest}"),
                None => format!("l.{c}"),
            })
            .collect();
        let rows = self.conn.query(
            &format!(
                "SELECT {} FROM letters l WHERE l.org_id = $1 AND EXISTS (SELECT 1 FROM clients c \
                 JOIN ownership o ON o.client_id = c.id JOIN managers m ON m.id = o.manager_id \
                 WHERE c.org_id = $1 AND c.code = l.client_code AND o.account_id IS NULL \
                 AND o.valid_from <= l.on_day AND (o.valid_to IS NULL OR o.valid_to >= l.on_day) \
                 AND m.code IN ({})) ORDER BY l.id DESC LIMIT $2",
                cols.join(", "),
                marks
            ),
            &params,
            LETTER_TYS,
        )?;
        Ok(rows
            .iter()
            .map(|r| letter_of(r))
            .collect::<Result<_, _>>()?)
    }

    /// One letter with its HTML.
    pub fn letter(
        &mut self,
        org: &Org,
        id: i64,
    ) -> Result<Option<(StoredLetter, String)>, StoreError> {
        let mut tys = LETTER_TYS.to_vec();
        tys.push(Ty::Text);
        let rows = self.conn.query(
            &format!("SELECT {LETTER_COLS}, html FROM letters WHERE org_id = $1 AND id = $2"),
            &[Val::Int(org.id), Val::Int(id)],
            &tys,
        )?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let html = Cols::new("letters", r).text(9)?;
        Ok(Some((letter_of(r)?, html)))
    }
}

/// A row of an advice table to keep: its key, client, day and cells (JSON).
pub struct AdviceRowIn {
    pub key: String,
    pub client: Option<String>,
    pub day: Option<String>,
    pub cells: String,
}

impl Store {
    /// Writes rows of an advice table in one transaction (a row of the same key is replaced:
    /// the same day's questionnaire answered again), with one audit entry.
    pub fn put_advice_rows(
        &mut self,
        org: &Org,
        table: Table,
        subject: &str,
        rows: &[AdviceRowIn],
    ) -> Result<(), StoreError> {
        self.write(org, |s| {
            for r in rows {
                let params = [
                    Val::Int(org.id),
                    Val::text(table.name()),
                    Val::text(&r.key),
                    Val::opt_text(r.client.clone()),
                    Val::opt_text(r.day.clone()),
                    Val::text(&r.cells),
                ];
                let n = s.conn.exec(
                    "UPDATE advice_rows SET client_code = $4, day = $5, cells = $6 WHERE org_id = $1 AND table_name = $2 AND row_key = $3",
                    &params,
                )?;
                if n == 0 {
                    s.conn.exec(
                        "INSERT INTO advice_rows (org_id, table_name, row_key, client_code, day, cells) VALUES ($1, $2, $3, $4, $5, $6)",
                        &params,
                    )?;
                }
            }
            s.audit(
                Some(org.id),
                &format!("advice.{}", table.name()),
                "client",
                subject,
                None,
                Some(serde_json::json!({ "rows": rows.len(), "keys": rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>() })),
            )?;
            Ok(())
        })
    }
}
