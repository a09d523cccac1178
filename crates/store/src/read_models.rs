//! Read models of the pages: manager and client lists, unit trees, pay by period, reported
//! measures and targets, run information.

use crate::sql::{Cols, DbError, Ty, Val, in_list};
use crate::{Org, Store, StoreError};
use chrono::NaiveDate;
use kejing_engine::Money;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One row of the manager list.
#[derive(Debug, Clone)]
pub struct ManagerRow {
    pub code: String,
    pub name: String,
    pub org_unit: String,
    pub track: String,
    pub grade: String,
    pub tier: String,
    pub status: String,
    pub hired_on: Option<NaiveDate>,
    /// On a customer-manager track (a track the tracks table does not list counts as one).
    pub is_cm: bool,
}

/// One row of the client list, with its owners today.
#[derive(Debug, Clone)]
pub struct ClientRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub client_type: String,
    pub owners: Vec<(String, String)>,
}

impl Store {
    /// Codes of the org unit and all units below it.
    pub fn unit_subtree(&mut self, org: &Org, unit: &str) -> Result<Vec<String>, StoreError> {
        let rows = self.conn.query(
            "SELECT code, parent_code FROM org_units WHERE org_id = $1",
            &[Val::Int(org.id)],
            &[Ty::Text, Ty::Text],
        )?;
        let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in &rows {
            let c = Cols::new("org_units", r);
            if let Some(p) = c.opt_text(1) {
                children.entry(p).or_default().push(c.text(0)?);
            }
        }
        let mut out = vec![unit.to_owned()];
        let mut i = 0;
        while i < out.len() {
            if let Some(c) = children.get(&out[i]) {
                out.extend(c.iter().cloned());
            }
            i += 1;
        }
        Ok(out)
    }

    /// Org units: code and name.
    pub fn unit_names(&mut self, org: &Org) -> Result<BTreeMap<String, String>, StoreError> {
        let rows = self.conn.query(
            "SELECT code, name FROM org_units WHERE org_id = $1",
            &[Val::Int(org.id)],
            &[Ty::Text, Ty::Text],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let c = Cols::new("org_units", r);
                Ok((c.text(0)?, c.text(1)?))
            })
            .collect::<Result<_, DbError>>()?)
    }

    /// All managers of the organisation, by code.
    pub fn manager_rows(&mut self, org: &Org) -> Result<Vec<ManagerRow>, StoreError> {
        let rows = self.conn.query(
            "SELECT m.code, m.name, m.org_unit, m.track, m.grade, m.tier, m.status, m.hired_on, t.is_cm FROM managers m \
             LEFT JOIN tracks t ON t.org_id = m.org_id AND t.code = m.track WHERE m.org_id = $1 ORDER BY m.code",
            &[Val::Int(org.id)],
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Date, Ty::Bool],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let c = Cols::new("managers", r);
                // Unit, track, grade and tier may be NULL: shown as empty.
                Ok(ManagerRow {
                    code: c.text(0)?,
                    name: c.text(1)?,
                    org_unit: c.opt_text(2).unwrap_or_default(),
                    track: c.opt_text(3).unwrap_or_default(),
                    grade: c.opt_text(4).unwrap_or_default(),
                    tier: c.opt_text(5).unwrap_or_default(),
                    status: c.text(6)?,
                    hired_on: c.opt_date(7),
                    is_cm: c.opt_bool(8).unwrap_or(true),
                })
            })
            .collect::<Result<_, DbError>>()?)
    }

    /// Clients owned on `day` by any of `managers` (all clients when `None`), with their
    /// owners, filtered by a text in code or name; one page of them and how many there are.
    pub fn client_rows(
        &mut self,
        org: &Org,
        day: NaiveDate,
        managers: Option<&[String]>,
        text: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<ClientRow>, i64), StoreError> {
        // The filters, the count and the page are the database's work: only the page's clients
        // and their owners are read (a CM's list does not read the whole organisation).
        let mut params = vec![Val::Int(org.id)];
        let bind = |params: &mut Vec<Val>, v: Val| {
            params.push(v);
            format!("${}", params.len())
        };
        let mut filter = String::from("c.org_id = $1");
        if let Some(ms) = managers {
            if ms.is_empty() {
                return Ok((Vec::new(), 0));
            }
            let day = bind(&mut params, Val::Date(day));
            let marks = in_list(&mut params, ms.iter().map(|m| Val::text(m.as_str())));
            // The scope's clients are found from its managers (their ownership rows by the
            // manager index) and the clients by their keys: not a scan of the organisation.
            filter = format!(
                "c.id IN (SELECT o.client_id FROM ownership o JOIN managers m ON m.id = o.manager_id \
                 WHERE m.org_id = $1 AND m.code IN ({}) AND o.account_id IS NULL AND o.valid_from <= {day} \
                 AND (o.valid_to IS NULL OR o.valid_to >= {day}))",
                marks
            );
        }
        if let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) {
            let n = bind(&mut params, Val::text(like_pattern(t)));
            // An account number finds its client (exactly, through the unique key).
            let a = bind(&mut params, Val::text(t));
            filter.push_str(&format!(
                " AND (LOWER(c.code) LIKE {n} ESCAPE '!' OR LOWER(c.name) LIKE {n} ESCAPE '!' \
                 OR c.id IN (SELECT a.client_id FROM accounts a WHERE a.org_id = $1 AND a.code = {a}))"
            ));
        }
        let total = self.conn.query(
            &format!("SELECT COUNT(*) FROM clients c WHERE {filter}"),
            &params,
            &[Ty::Int],
        )?;
        let total = total
            .first()
            .map(|r| Cols::new("clients", r).int(0))
            .transpose()?
            .unwrap_or(0);
        let owned_on = bind(&mut params, Val::Date(day));
        let skip = bind(&mut params, Val::Int(offset.max(0)));
        let take = bind(&mut params, Val::Int(limit.max(0)));
        let rows = self.conn.query(
            &format!(
                "SELECT p.code, p.name, p.kind, p.client_type, m.code, CAST(o.ratio AS TEXT) FROM \
                 (SELECT c.id, c.code, c.name, c.kind, c.client_type FROM clients c WHERE {filter} \
                  ORDER BY c.code LIMIT {take} OFFSET {skip}) p \
                 LEFT JOIN ownership o ON o.client_id = p.id AND o.account_id IS NULL AND o.valid_from <= {owned_on} \
                  AND (o.valid_to IS NULL OR o.valid_to >= {owned_on}) \
                 LEFT JOIN managers m ON m.id = o.manager_id ORDER BY p.code, m.code"
            ),
            &params,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text],
        )?;
        let page = client_rows_of(&rows)?;
        Ok((page, total))
    }

    /// Every client of the organisation (key, code, name), by code: what a cached client
    /// search filters.
    pub fn client_index(&mut self, org: &Org) -> Result<Vec<(i64, String, String)>, StoreError> {
        let rows = self.conn.query(
            "SELECT id, code, name FROM clients WHERE org_id = $1 ORDER BY code",
            &[Val::Int(org.id)],
            &[Ty::Int, Ty::Text, Ty::Text],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let c = Cols::new("clients", r);
                Ok((c.int(0)?, c.text(1)?, c.text(2)?))
            })
            .collect::<Result<_, DbError>>()?)
    }

    /// The keys of the clients any of `managers` owns (as a whole client) on `day`.
    pub fn clients_owned_by(
        &mut self,
        org: &Org,
        day: NaiveDate,
        managers: &[String],
    ) -> Result<Vec<i64>, StoreError> {
        if managers.is_empty() {
            return Ok(Vec::new());
        }
        let mut params = vec![Val::Int(org.id), Val::Date(day)];
        let marks = in_list(&mut params, managers.iter().map(|m| Val::text(m.as_str())));
        let rows = self.conn.query(
            &format!(
                "SELECT DISTINCT o.client_id FROM ownership o JOIN managers m ON m.id = o.manager_id \
                 WHERE m.org_id = $1 AND m.code IN ({}) AND o.account_id IS NULL AND o.valid_from <= $2 \
                 AND (o.valid_to IS NULL OR o.valid_to >= $2)",
                marks
            ),
            &params,
            &[Ty::Int],
        )?;
        Ok(rows
            .iter()
            .map(|r| Cols::new("ownership", r).int(0))
            .collect::<Result<_, _>>()?)
    }

    /// The key of the client that holds account `account`, if any.
    pub fn client_of_account(
        &mut self,
        org: &Org,
        account: &str,
    ) -> Result<Option<i64>, StoreError> {
        let rows = self.conn.query(
            "SELECT client_id FROM accounts WHERE org_id = $1 AND code = $2",
            &[Val::Int(org.id), Val::text(account)],
            &[Ty::Int],
        )?;
        Ok(rows
            .first()
            .map(|r| Cols::new("accounts", r).int(0))
            .transpose()?)
    }

    /// The clients `ids` with their owners on `day`, by code.
    pub fn client_rows_by_ids(
        &mut self,
        org: &Org,
        day: NaiveDate,
        ids: &[i64],
    ) -> Result<Vec<ClientRow>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut params = vec![Val::Int(org.id), Val::Date(day)];
        let marks = in_list(&mut params, ids.iter().map(|id| Val::Int(*id)));
        // By the keys (`+` keeps SQLite from scanning the organisation's code index instead).
        let rows = self.conn.query(
            &format!(
                "SELECT c.code, c.name, c.kind, c.client_type, m.code, CAST(o.ratio AS TEXT) FROM clients c \
                 LEFT JOIN ownership o ON o.client_id = c.id AND o.account_id IS NULL AND o.valid_from <= $2 \
                  AND (o.valid_to IS NULL OR o.valid_to >= $2) \
                 LEFT JOIN managers m ON m.id = o.manager_id \
                 WHERE +c.org_id = $1 AND c.id IN ({}) ORDER BY c.code, m.code",
                marks
            ),
            &params,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text],
        )?;
        client_rows_of(&rows)
    }

    /// The client's name, or `None` when there is no such client.
    pub fn client_name(&mut self, org: &Org, code: &str) -> Result<Option<String>, StoreError> {
        let rows = self.conn.query(
            "SELECT name FROM clients WHERE org_id = $1 AND code = $2",
            &[Val::Int(org.id), Val::text(code)],
            &[Ty::Text],
        )?;
        Ok(rows
            .first()
            .map(|r| Cols::new("clients", r).text(0))
            .transpose()?)
    }

    /// Accounts of a client: code, product, currency.
    pub fn client_accounts(
        &mut self,
        org: &Org,
        code: &str,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows = self.conn.query(
            "SELECT a.code, a.product, a.currency FROM accounts a JOIN clients c ON c.id = a.client_id WHERE c.org_id = $1 AND c.code = $2 ORDER BY a.code",
            &[Val::Int(org.id), Val::text(code)],
            &[Ty::Text, Ty::Text, Ty::Text],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let c = Cols::new("accounts", r);
                Ok((c.text(0)?, c.text(1)?, c.text(2)?))
            })
            .collect::<Result<_, DbError>>()?)
    }

    /// Every manager who ever owned the client (or one of its accounts).
    pub fn client_owners_ever(&mut self, org: &Org, code: &str) -> Result<Vec<String>, StoreError> {
        let rows = self.conn.query(
            "SELECT DISTINCT m.code FROM ownership o JOIN clients c ON c.id = o.client_id JOIN managers m ON m.id = o.manager_id WHERE c.org_id = $1 AND c.code = $2",
            &[Val::Int(org.id), Val::text(code)],
            &[Ty::Text],
        )?;
        Ok(rows
            .iter()
            .map(|r| Cols::new("managers", r).text(0))
            .collect::<Result<_, _>>()?)
    }

    /// The run each period is paid on: the locked run, else the newest one. Oldest first.
    pub fn current_runs(&mut self, org: &Org) -> Result<Vec<(String, i64, bool)>, StoreError> {
        let rows = self.conn.query(
            "SELECT r.period, MAX(r.id), MAX(l.run_id) FROM settlement_runs r \
             LEFT JOIN period_locks l ON l.org_id = r.org_id AND l.period = r.period \
             WHERE r.org_id = $1 GROUP BY r.period ORDER BY r.period",
            &[Val::Int(org.id)],
            &[Ty::Text, Ty::Int, Ty::Int],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let c = Cols::new("settlement_runs", r);
                let period = c.text(0)?;
                Ok(match c.opt_int(2) {
                    Some(locked) => (period, locked, true),
                    // MAX over the runs of a group: never NULL.
                    None => (period, r[1].as_i64().unwrap_or(0), false),
                })
            })
            .collect::<Result<_, DbError>>()?)
    }

    /// `total` of each manager on a run.
    pub fn run_totals(&mut self, run: i64) -> Result<BTreeMap<String, Money>, StoreError> {
        let rows = self.conn.query(
            "SELECT manager, amount_fen FROM settlement_lines WHERE run_id = $1 AND item = 'total'",
            &[Val::Int(run)],
            &[Ty::Text, Ty::Int],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let c = Cols::new("settlement_lines", r);
                Ok((c.text(0)?, Money::from_fen(c.int(1)?)))
            })
            .collect::<Result<_, DbError>>()?)
    }

    /// The lines of one manager on a run.
    pub fn manager_lines(
        &mut self,
        run: i64,
        manager: &str,
    ) -> Result<Vec<(String, Money, Option<String>)>, StoreError> {
        let rows = self.conn.query(
            "SELECT item, amount_fen, note FROM settlement_lines WHERE run_id = $1 AND manager = $2 ORDER BY seq",
            &[Val::Int(run), Val::text(manager)],
            &[Ty::Text, Ty::Int, Ty::Text],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let c = Cols::new("settlement_lines", r);
                Ok((c.text(0)?, Money::from_fen(c.int(1)?), c.opt_text(2)))
            })
            .collect::<Result<_, DbError>>()?)
    }

    /// A manager's `total` on each period's current run: period → fen.
    pub fn manager_pay_by_period(
        &mut self,
        org: &Org,
        manager: &str,
    ) -> Result<Vec<(String, i64, Money)>, StoreError> {
        let runs = self.current_runs(org)?;
        let rows = self.conn.query(
            "SELECT l.run_id, l.amount_fen FROM settlement_lines l JOIN settlement_runs r ON r.id = l.run_id \
             WHERE r.org_id = $1 AND l.manager = $2 AND l.item = 'total'",
            &[Val::Int(org.id), Val::text(manager)],
            &[Ty::Int, Ty::Int],
        )?;
        let by_run: BTreeMap<i64, i64> = rows
            .iter()
            .map(|r| {
                let c = Cols::new("settlement_lines", r);
                Ok((c.int(0)?, c.int(1)?))
            })
            .collect::<Result<_, DbError>>()?;
        Ok(runs
            .into_iter()
            .filter_map(|(p, run, _)| by_run.get(&run).map(|f| (p, run, Money::from_fen(*f))))
            .collect())
    }

    /// Reported measures of a run: (manager, measure) → value.
    pub fn run_measures(
        &mut self,
        run: i64,
        manager: Option<&str>,
    ) -> Result<BTreeMap<(String, String), Decimal>, StoreError> {
        let rows = self.conn.query(
            "SELECT manager, measure, CAST(value AS TEXT) FROM settlement_measures WHERE run_id = $1 AND ($2 = '' OR manager = $2)",
            &[Val::Int(run), Val::text(manager.unwrap_or(""))],
            &[Ty::Text, Ty::Text, Ty::Dec],
        )?;
        keyed_decimals("settlement_measures", &rows)
    }

    /// Targets of a period: (manager, measure) → target.
    pub fn period_targets(
        &mut self,
        org: &Org,
        period: &str,
        manager: Option<&str>,
    ) -> Result<BTreeMap<(String, String), Decimal>, StoreError> {
        let rows = self.conn.query(
            "SELECT m.code, t.measure, CAST(t.target AS TEXT) FROM targets t JOIN managers m ON m.id = t.manager_id \
             WHERE t.org_id = $1 AND t.period = $2 AND ($3 = '' OR m.code = $3)",
            &[Val::Int(org.id), Val::text(period), Val::text(manager.unwrap_or(""))],
            &[Ty::Text, Ty::Text, Ty::Dec],
        )?;
        keyed_decimals("targets", &rows)
    }

    /// Stored run information: period, policy, created, actor.
    pub fn run_info(
        &mut self,
        org: &Org,
        run: i64,
    ) -> Result<Option<crate::settlement::RunInfo>, StoreError> {
        Ok(self.runs(org)?.into_iter().find(|r| r.id == run))
    }
}

/// Rows of (manager, name, decimal), all NOT NULL, as a map.
fn keyed_decimals(
    table: &'static str,
    rows: &[Vec<Val>],
) -> Result<BTreeMap<(String, String), Decimal>, StoreError> {
    Ok(rows
        .iter()
        .map(|r| {
            let c = Cols::new(table, r);
            Ok(((c.text(0)?, c.text(1)?), c.dec(2)?))
        })
        .collect::<Result<_, DbError>>()?)
}

impl Store {
    /// Whether the organisation has a customer manager with this code.
    /// Whether manager `code` is on a customer-manager track; `None` when there is no such
    /// manager.
    pub fn manager_is_cm(&mut self, org: &Org, code: &str) -> Result<Option<bool>, StoreError> {
        let rows = self.conn.query(
            "SELECT t.is_cm FROM managers m LEFT JOIN tracks t ON t.org_id = m.org_id AND t.code = m.track \
             WHERE m.org_id = $1 AND m.code = $2",
            &[Val::Int(org.id), Val::text(code)],
            &[Ty::Bool],
        )?;
        Ok(rows
            .first()
            .map(|r| Cols::new("managers", r).opt_bool(0).unwrap_or(true)))
    }

    pub fn manager_exists(&mut self, org: &Org, code: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .scalar(
                "SELECT COUNT(*) FROM managers WHERE org_id = $1 AND code = $2",
                &[Val::Int(org.id), Val::text(code)],
                Ty::Int,
            )?
            .as_i64()
            .is_some_and(|n| n > 0))
    }
}

impl Store {
    /// The first and last day the organisation's facts cover (sales, payments, bookings,
    /// balances, targets, scores), or `None` without facts: what the pages offer periods
    /// from. Each part is an indexed lookup; balances are read for the organisation's first
    /// and last account only (an account's balances cover the data's days).
    pub fn data_span(&mut self, org: &Org) -> Result<Option<(NaiveDate, NaiveDate)>, StoreError> {
        const PARTS: [&str; 6] = [
            "SELECT CAST(MIN(day) AS TEXT), CAST(MAX(day) AS TEXT) FROM sales WHERE org_id = $1",
            "SELECT CAST(MIN(day) AS TEXT), CAST(MAX(day) AS TEXT) FROM payments WHERE org_id = $1",
            "SELECT CAST(MIN(arrival_at) AS TEXT), CAST(MAX(arrival_at) AS TEXT) FROM bookings WHERE org_id = $1",
            "SELECT CAST(MIN(day) AS TEXT), CAST(MAX(day) AS TEXT) FROM balances WHERE account_id IN \
             ((SELECT MIN(id) FROM accounts WHERE org_id = $1), (SELECT MAX(id) FROM accounts WHERE org_id = $1))",
            "SELECT MIN(period), MAX(period) FROM targets WHERE org_id = $1",
            "SELECT MIN(period), MAX(period) FROM scores WHERE org_id = $1",
        ];
        let mut span: Option<(NaiveDate, NaiveDate)> = None;
        for sql in PARTS {
            let rows = self
                .conn
                .query(sql, &[Val::Int(org.id)], &[Ty::Text, Ty::Text])?;
            let Some(r) = rows.first() else { continue };
            let c = Cols::new("data_span", r);
            let first = c.opt_text(0).and_then(|t| day_or_period(&t, true));
            let last = c.opt_text(1).and_then(|t| day_or_period(&t, false));
            if let (Some(a), Some(b)) = (first, last) {
                span = Some(match span {
                    None => (a, b),
                    Some((x, y)) => (x.min(a), y.max(b)),
                });
            }
        }
        Ok(span)
    }
}

/// A day (`2026-09-30`, or the day of a timestamp), or a period's first (`first`) or last day.
fn day_or_period(t: &str, first: bool) -> Option<NaiveDate> {
    if let Some(d) = t.get(..10).and_then(|d| d.parse::<NaiveDate>().ok()) {
        return Some(d);
    }
    let p = t.parse::<kejing_engine::Period>().ok()?;
    Some(if first { p.first_day() } else { p.last_day() })
}

/// A `LIKE` pattern (escape `!`) matching any text that contains `t`, ignoring ASCII case.
/// Client rows from (code, name, kind, client type, owner, ratio) rows sorted by code: one per
/// client, with its owners.
fn client_rows_of(rows: &[Vec<Val>]) -> Result<Vec<ClientRow>, StoreError> {
    let mut page: Vec<ClientRow> = Vec::new();
    for r in rows {
        let c = Cols::new("clients", r);
        let code = c.text(0)?;
        if page.last().is_none_or(|row| row.code != code) {
            // Kind and client type may be NULL: shown as empty.
            page.push(ClientRow {
                code,
                name: c.text(1)?,
                kind: c.opt_text(2).unwrap_or_default(),
                client_type: c.opt_text(3).unwrap_or_default(),
                owners: Vec::new(),
            });
        }
        // Without an owner on the day the ownership columns are NULL (a LEFT JOIN).
        if let (Some(m), Some(row)) = (c.opt_text(4), page.last_mut()) {
            row.owners.push((m, c.text(5)?));
        }
    }
    Ok(page)
}

fn like_pattern(t: &str) -> String {
    let mut p = String::from("%");
    for ch in t.to_ascii_lowercase().chars() {
        if matches!(ch, '%' | '_' | '!') {
            p.push('!');
        }
        p.push(ch);
    }
    p.push('%');
    p
}
