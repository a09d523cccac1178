//! Reading the store: the ledger as of a day, histories, exports, counts, the audit log.

use crate::sql::{Cols, DbError, Ty, Val};
use crate::{Org, Store, StoreError};
use chrono::NaiveDate;
use kejing_engine::Ratio;
use kejing_io::Table;

/// One version of ownership as users see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnershipLine {
    pub client: String,
    /// Empty for client-level ownership.
    pub account: Option<String>,
    pub manager: String,
    pub ratio: Ratio,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// A change of a manager's unit, track, grade or status, effective from a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeChange {
    pub effective_on: NaiveDate,
    pub org_unit: Option<String>,
    pub track: Option<String>,
    pub grade: Option<String>,
    pub tier: Option<String>,
    pub staff_grade: Option<String>,
    pub status: String,
}

/// An entry of the audit log.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub key: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Store {
    /// Who owns an account (or, with `account = None`, a client) on a day, with which ratio.
    /// Account-level ownership overrides the client level on its days.
    pub fn owners_on(
        &mut self,
        org: &Org,
        client: &str,
        account: Option<&str>,
        day: NaiveDate,
    ) -> Result<Vec<(String, Ratio)>, StoreError> {
        let types = [Ty::Text, Ty::Dec];
        if let Some(a) = account {
            let rows = self.conn.query(
                "SELECT m.code, CAST(o.ratio AS TEXT) FROM ownership o \
                 JOIN accounts a ON a.id = o.account_id JOIN managers m ON m.id = o.manager_id \
                 WHERE o.org_id = $1 AND a.org_id = $1 AND a.code = $2 AND o.valid_from <= $3 \
                   AND (o.valid_to IS NULL OR o.valid_to >= $3) ORDER BY m.code",
                &[Val::Int(org.id), Val::text(a), Val::Date(day)],
                &types,
            )?;
            if !rows.is_empty() {
                return Ok(shares(&rows)?);
            }
        }
        let rows = self.conn.query(
            "SELECT m.code, CAST(o.ratio AS TEXT) FROM ownership o \
             JOIN clients c ON c.id = o.client_id JOIN managers m ON m.id = o.manager_id \
             WHERE o.org_id = $1 AND c.org_id = $1 AND c.code = $2 AND o.account_id IS NULL AND o.valid_from <= $3 \
               AND (o.valid_to IS NULL OR o.valid_to >= $3) ORDER BY m.code",
            &[Val::Int(org.id), Val::text(client), Val::Date(day)],
            &types,
        )?;
        Ok(shares(&rows)?)
    }

    /// Every version of ownership of a client and its accounts, oldest first.
    pub fn ownership_history(
        &mut self,
        org: &Org,
        client: &str,
    ) -> Result<Vec<OwnershipLine>, StoreError> {
        let rows = self.conn.query(
            "SELECT c.code, a.code, m.code, CAST(o.ratio AS TEXT), o.valid_from, o.valid_to FROM ownership o \
             JOIN clients c ON c.id = o.client_id JOIN managers m ON m.id = o.manager_id \
             LEFT JOIN accounts a ON a.id = o.account_id \
             WHERE o.org_id = $1 AND c.org_id = $1 AND c.code = $2 ORDER BY a.code, o.valid_from, m.code",
            &[Val::Int(org.id), Val::text(client)],
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Dec, Ty::Date, Ty::Date],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let c = Cols::new("ownership", r);
                Ok(OwnershipLine {
                    client: c.text(0)?,
                    account: c.opt_text(1),
                    manager: c.text(2)?,
                    ratio: c.ratio(3)?,
                    from: c.date(4)?,
                    to: c.opt_date(5),
                })
            })
            .collect::<Result<_, DbError>>()?)
    }

    /// A manager's grade and status history, oldest first.
    pub fn grade_history(
        &mut self,
        org: &Org,
        manager: &str,
    ) -> Result<Vec<GradeChange>, StoreError> {
        let rows = self.conn.query(
            "SELECT h.effective_on, h.org_unit, h.track, h.grade, h.tier, h.staff_grade, h.status \
             FROM manager_history h JOIN managers m ON m.id = h.manager_id \
             WHERE m.org_id = $1 AND m.code = $2 ORDER BY h.effective_on, h.id",
            &[Val::Int(org.id), Val::text(manager)],
            &[
                Ty::Date,
                Ty::Text,
                Ty::Text,
                Ty::Text,
                Ty::Text,
                Ty::Text,
                Ty::Text,
            ],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let c = Cols::new("manager_history", r);
                Ok(GradeChange {
                    effective_on: c.date(0)?,
                    org_unit: c.opt_text(1),
                    track: c.opt_text(2),
                    grade: c.opt_text(3),
                    tier: c.opt_text(4),
                    staff_grade: c.opt_text(5),
                    status: c.text(6)?,
                })
            })
            .collect::<Result<_, DbError>>()?)
    }

    /// The newest audit entries, newest first.
    pub fn audit_log(&mut self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {AUDIT_COLS} FROM audit_log ORDER BY id DESC LIMIT $1"),
            &[Val::Int(limit)],
            AUDIT_TYS,
        )?;
        Ok(rows
            .iter()
            .map(|r| audit_entry(r))
            .collect::<Result<_, _>>()?)
    }

    /// How many rows each table holds for the organisation.
    pub fn counts(&mut self, org: &Org) -> Result<Vec<(Table, i64)>, StoreError> {
        let mut out = Vec::new();
        for &t in Table::ALL {
            let sql = match t {
                Table::Balances => "SELECT COUNT(*) FROM balances b JOIN accounts a ON a.id = b.account_id WHERE a.org_id = $1".to_owned(),
                Table::Calendar => "SELECT COUNT(*) FROM calendar_days WHERE org_id = $1".to_owned(),
                t if kejing_io::registers::register_of(t).is_some() => format!(
                    "SELECT COUNT(*) FROM register_rows WHERE org_id = $1 AND register = '{}'",
                    t.name()
                ),
                t if kejing_io::advice::ADVICE_TABLES.contains(&t) => format!(
                    "SELECT COUNT(*) FROM advice_rows WHERE org_id = $1 AND table_name = '{}'",
                    t.name()
                ),
                other => format!("SELECT COUNT(*) FROM {} WHERE org_id = $1", other.name()),
            };
            let n = self
                .conn
                .scalar(&sql, &[Val::Int(org.id)], Ty::Int)?
                .as_i64()
                .unwrap_or(0);
            out.push((t, n));
        }
        Ok(out)
    }

    /// The rows of a table in the contract's column order, as text cells, ready to write.
    pub fn export_rows(&mut self, org: &Org, table: Table) -> Result<Vec<Vec<String>>, StoreError> {
        self.export_rows_of(org, table, None)
    }

    /// [`Store::export_rows`] of one client for the clients and ownership tables (what a
    /// letter reads: the client's row and its owners), read by an index, not the whole table.
    pub fn export_client_rows(
        &mut self,
        org: &Org,
        table: Table,
        client: &str,
    ) -> Result<Vec<Vec<String>>, StoreError> {
        match table {
            Table::Clients | Table::Ownership => self.export_rows_of(org, table, Some(client)),
            _ => self.export_rows(org, table),
        }
    }

    fn export_rows_of(
        &mut self,
        org: &Org,
        table: Table,
        client: Option<&str>,
    ) -> Result<Vec<Vec<String>>, StoreError> {
        use Ty::*;
        if let Some(reg) = kejing_io::registers::register_of(table) {
            let rows = self.register_rows(org, Some(reg), None)?;
            return Ok(rows
                .iter()
                .map(|r| {
                    let cells = kejing_io::registers::cells_of(reg, &r.row.fields);
                    table
                        .columns()
                        .iter()
                        .map(|c| {
                            if c.name == "manager_id" {
                                r.row.manager.clone()
                            } else {
                                cells.get(c.name).cloned().unwrap_or_default()
                            }
                        })
                        .collect()
                })
                .collect());
        }
        if kejing_io::advice::ADVICE_TABLES.contains(&table) {
            return Ok(self
                .advice_cells(org, table, None)?
                .iter()
                .map(|r| {
                    table
                        .columns()
                        .iter()
                        .map(|c| r.get(c.name).cloned().unwrap_or_default())
                        .collect()
                })
                .collect());
        }
        if table == Table::Calendar {
            return Ok(self
                .calendar_days(org)?
                .into_iter()
                .map(|d| {
                    vec![
                        d.date.to_string(),
                        d.working.to_string(),
                        d.note.unwrap_or_default(),
                    ]
                })
                .collect());
        }
        let (sql, types): (&str, &[Ty]) = match table {
            Table::OrgUnits => (
                "SELECT code, name, parent_code, kind, telephone, fax, address FROM org_units WHERE org_id = $1 ORDER BY code",
                &[Text, Text, Text, Text, Text, Text, Text],
            ),
            Table::Tracks => (
                "SELECT code, name, is_cm FROM tracks WHERE org_id = $1 ORDER BY code",
                &[Text, Text, Bool],
            ),
            Table::Grades => (
                "SELECT track, grade, tier, class, rank, staff_grade, title FROM grades WHERE org_id = $1 ORDER BY track, rank, grade, tier",
                &[Text, Text, Text, Text, Int, Text, Text],
            ),
            Table::Managers => (
                "SELECT code, name, org_unit, track, grade, tier, staff_grade, status, hired_on, trial_end, left_on, base_salary_fen, NULL \
                 FROM managers WHERE org_id = $1 ORDER BY code",
                &[
                    Text, Text, Text, Text, Text, Text, Text, Text, Date, Date, Date, Int, Text,
                ],
            ),
            Table::Clients => (
                "SELECT code, name, kind, client_type, agreement, loan_card, contact, phone FROM clients WHERE org_id = $1 ORDER BY code",
                &[Text, Text, Text, Text, Bool, Text, Text, Text],
            ),
            Table::Accounts => (
                "SELECT a.code, c.code, a.product, a.currency, CAST(a.rate AS TEXT), a.term_months, a.opened_on, a.closed_on \
                 FROM accounts a JOIN clients c ON c.id = a.client_id WHERE a.org_id = $1 ORDER BY a.code",
                &[Text, Text, Text, Text, Dec, Int, Date, Date],
            ),
            Table::Ownership => (
                "SELECT c.code, a.code, m.code, CAST(o.ratio AS TEXT), o.valid_from, o.valid_to FROM ownership o \
                 JOIN clients c ON c.id = o.client_id JOIN managers m ON m.id = o.manager_id \
                 LEFT JOIN accounts a ON a.id = o.account_id WHERE o.org_id = $1 ORDER BY c.code, a.code, o.valid_from, m.code",
                &[Text, Text, Text, Dec, Date, Date],
            ),
            Table::Balances => (
                "SELECT a.code, b.day, b.balance_fen FROM balances b JOIN accounts a ON a.id = b.account_id \
                 WHERE a.org_id = $1 ORDER BY a.code, b.day",
                &[Text, Date, Int],
            ),
            Table::Targets => (
                "SELECT m.code, t.period, t.measure, CAST(t.target AS TEXT) FROM targets t JOIN managers m ON m.id = t.manager_id \
                 WHERE t.org_id = $1 ORDER BY m.code, t.period, t.measure",
                &[Text, Text, Text, Dec],
            ),
            Table::Tallies => (
                "SELECT m.code, t.period, t.measure, CAST(t.value AS TEXT), t.note FROM tallies t JOIN managers m ON m.id = t.manager_id \
                 WHERE t.org_id = $1 ORDER BY m.code, t.period, t.measure",
                &[Text, Text, Text, Dec, Text],
            ),
            Table::Sales | Table::Payments => {
                if table == Table::Sales {
                    (
                        "SELECT f.doc_id, f.day, m.code, c.code, CAST(f.quantity AS TEXT), f.amount_fen, f.gross_profit_fen FROM sales f \
                         JOIN managers m ON m.id = f.manager_id JOIN clients c ON c.id = f.client_id WHERE f.org_id = $1 ORDER BY f.day, f.id",
                        &[Text, Date, Text, Text, Dec, Int, Int],
                    )
                } else {
                    (
                        "SELECT f.doc_id, f.day, m.code, c.code, CAST(f.quantity AS TEXT), f.amount_fen, f.gross_profit_fen FROM payments f \
                         JOIN managers m ON m.id = f.manager_id JOIN clients c ON c.id = f.client_id WHERE f.org_id = $1 ORDER BY f.day, f.id",
                        &[Text, Date, Text, Text, Dec, Int, Int],
                    )
                }
            }
            Table::Bookings => (
                "SELECT b.code, m.code, c.code, b.registered_at, b.arrival_at, b.amount_fen, b.approved, b.complaint, b.spot_check FROM bookings b \
                 JOIN managers m ON m.id = b.manager_id LEFT JOIN clients c ON c.id = b.client_id WHERE b.org_id = $1 ORDER BY b.code",
                &[Text, Text, Text, DateTime, DateTime, Int, Bool, Bool, Text],
            ),
            Table::Scores => (
                "SELECT s.period, m.code, s.rater, s.relation, s.dimension, s.item, CAST(s.score AS TEXT) FROM scores s \
                 JOIN managers m ON m.id = s.manager_id WHERE s.org_id = $1 ORDER BY s.period, m.code, s.rater, s.dimension, s.item",
                &[Text, Text, Text, Text, Text, Text, Dec],
            ),
            Table::Adjustments => (
                "SELECT s.period, m.code, s.item, s.amount_fen, s.reason FROM adjustments s \
                 JOIN managers m ON m.id = s.manager_id WHERE s.org_id = $1 ORDER BY s.period, m.code, s.item",
                &[Text, Text, Text, Int, Text],
            ),
            other => {
                return Err(StoreError::Invalid(format!("{other} is not exported here")));
            }
        };
        // Columns holding fen are printed as money.
        let money_cols: &[usize] = match table {
            Table::Managers => &[11],
            Table::Balances => &[2],
            Table::Sales | Table::Payments => &[5, 6],
            Table::Bookings => &[5],
            Table::Adjustments => &[3],
            _ => &[],
        };
        let mut params = vec![Val::Int(org.id)];
        let sql = match (client, table) {
            (Some(c), Table::Clients | Table::Ownership) => {
                params.push(Val::text(c));
                // The client by its key (organisation and code), not a scan of the codes.
                let column = if table == Table::Clients {
                    "code"
                } else {
                    "c.org_id = $1 AND c.code"
                };
                std::borrow::Cow::Owned(sql.replacen(
                    " ORDER BY",
                    &format!(" AND {column} = $2 ORDER BY"),
                    1,
                ))
            }
            _ => std::borrow::Cow::Borrowed(sql),
        };
        let rows = self.conn.query(&sql, &params, types)?;
        Ok(rows
            .into_iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, v)| match (v, money_cols.contains(&i)) {
                        (Val::Int(f), true) => kejing_engine::Money::from_fen(*f).to_string(),
                        _ => v.to_cell(),
                    })
                    .collect()
            })
            .collect())
    }
}

fn shares(rows: &[Vec<Val>]) -> Result<Vec<(String, Ratio)>, DbError> {
    rows.iter()
        .map(|r| {
            let c = Cols::new("ownership", r);
            Ok((c.text(0)?, c.ratio(1)?))
        })
        .collect()
}

/// The columns of an audit entry, as [`audit_entry`] reads them.
pub(crate) const AUDIT_COLS: &str = "id, CAST(at AS TEXT), actor, action, entity, entity_key, CAST(before AS TEXT), CAST(after AS TEXT)";
pub(crate) const AUDIT_TYS: &[Ty] = &[
    Ty::Int,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Json,
    Ty::Json,
];

/// An audit entry from a row of [`AUDIT_COLS`].
pub(crate) fn audit_entry(r: &[Val]) -> Result<AuditEntry, DbError> {
    let c = Cols::new("audit_log", r);
    Ok(AuditEntry {
        id: c.int(0)?,
        at: c.text(1)?,
        actor: c.text(2)?,
        action: c.text(3)?,
        entity: c.text(4)?,
        key: c.text(5)?,
        before: c.opt_json(6),
        after: c.opt_json(7),
    })
}
