//! Database mode's data set: everything of the organisation a settlement (or an assessment)
//! may read, as the engine's [`DataSet`], and the managers' history as of a day.

use crate::sql::{Cols, DbError, Ty, Val, in_list};
use crate::{Org, Store, StoreError};
use kejing_engine::Money;
use kejing_engine::data::{
    Account, Adjustment, Balance, Booking, Client, DataSet, Flow, Manager, Tally, Target,
};
use kejing_engine::ledger::Version;
use std::collections::BTreeMap;

/// The `extra` attributes of a master row (a JSON object) as text values.
fn extras(j: &serde_json::Value) -> BTreeMap<String, String> {
    match j {
        serde_json::Value::Object(m) => m
            .iter()
            .map(|(k, v)| {
                let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                (k.clone(), text)
            })
            .collect(),
        _ => BTreeMap::new(),
    }
}

fn invalid(what: &str) -> StoreError {
    StoreError::Invalid(format!("stored data is not valid: {what}"))
}
impl Store {
    /// The organisation's managers as the engine reads them (the tracks table's `is_cm` not
    /// applied yet: [`Store::mark_non_cm`]).
    pub fn load_managers(&mut self, org: &Org) -> Result<Vec<Manager>, StoreError> {
        let o = [Val::Int(org.id)];
        let mut out = Vec::new();
        for r in self.conn.query(
            "SELECT code, name, org_unit, track, grade, tier, staff_grade, status, hired_on, trial_end, left_on, base_salary_fen, CAST(extra AS TEXT) \
             FROM managers WHERE org_id = $1 ORDER BY code",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Date, Ty::Date, Ty::Date, Ty::Int, Ty::Json],
        )? {
            let c = Cols::new("managers", &r);
            out.push(Manager {
                id: c.text(0)?,
                name: c.text(1)?,
                org: c.opt_text(2),
                track: c.opt_text(3),
                grade: c.opt_text(4),
                tier: c.opt_text(5),
                staff_grade: c.opt_text(6),
                status: c.text(7)?,
                hired_on: c.opt_date(8),
                trial_end: c.opt_date(9),
                left_on: c.opt_date(10),
                base_salary: c.opt_int(11).map(Money::from_fen),
                extra: extras(&c.json(12)?),
                non_cm: false, // set from the tracks table by mark_non_cm
            });
        }
        Ok(out)
    }

    /// The client-level ownership versions of these managers (every manager when `None`): what
    /// the daily rules' `owns()` and `owned()` read.
    pub fn client_ownership(
        &mut self,
        org: &Org,
        managers: Option<&[String]>,
    ) -> Result<Vec<kejing_engine::data::OwnershipVersion>, StoreError> {
        let mut sql = "SELECT c.code, m.code, CAST(o.ratio AS TEXT), o.valid_from, o.valid_to FROM ownership o \
             JOIN clients c ON c.id = o.client_id JOIN managers m ON m.id = o.manager_id \
             WHERE o.org_id = $1 AND o.account_id IS NULL"
            .to_owned();
        let mut params = vec![Val::Int(org.id)];
        if let Some(ms) = managers {
            if ms.is_empty() {
                return Ok(Vec::new());
            }
            let marks = in_list(&mut params, ms.iter().map(Val::text));
            sql.push_str(&format!(" AND m.code IN ({marks})"));
        }
        let mut out = Vec::new();
        for r in self.conn.query(
            &sql,
            &params,
            &[Ty::Text, Ty::Text, Ty::Dec, Ty::Date, Ty::Date],
        )? {
            let c = Cols::new("ownership", &r);
            out.push(Version {
                subject: (c.text(0)?, String::new()),
                manager: c.text(1)?,
                ratio: c.ratio(2)?,
                from: c.date(3)?,
                to: c.opt_date(4),
            });
        }
        Ok(out)
    }

    /// The client-level ownership versions of the clients `clients` (whoever owns them): what
    /// the daily rules' `owns` and `owned` read of the rows they check. Few clients are read by
    /// their codes; many, by one read of the organisation's ledger.
    pub fn ownership_of_clients(
        &mut self,
        org: &Org,
        clients: &std::collections::BTreeSet<String>,
    ) -> Result<Vec<kejing_engine::data::OwnershipVersion>, StoreError> {
        const CHUNK: usize = 500;
        if clients.is_empty() {
            return Ok(Vec::new());
        }
        let sql = "SELECT c.code, m.code, CAST(o.ratio AS TEXT), o.valid_from, o.valid_to FROM ownership o \
             JOIN clients c ON c.id = o.client_id JOIN managers m ON m.id = o.manager_id \
             WHERE o.org_id = $1 AND o.account_id IS NULL";
        let version = |r: &[Val]| -> Result<kejing_engine::data::OwnershipVersion, DbError> {
            let c = Cols::new("ownership", r);
            Ok(Version {
                subject: (c.text(0)?, String::new()),
                manager: c.text(1)?,
                ratio: c.ratio(2)?,
                from: c.date(3)?,
                to: c.opt_date(4),
            })
        };
        let tys = [Ty::Text, Ty::Text, Ty::Dec, Ty::Date, Ty::Date];
        let mut out = Vec::new();
        if clients.len() > 20 * CHUNK {
            for r in self.conn.query(sql, &[Val::Int(org.id)], &tys)? {
                let v = version(&r)?;
                if clients.contains(&v.subject.0) {
                    out.push(v);
                }
            }
            return Ok(out);
        }
        let codes: Vec<&String> = clients.iter().collect();
        for chunk in codes.chunks(CHUNK) {
            let mut params = vec![Val::Int(org.id)];
            let marks = in_list(&mut params, chunk.iter().map(|c| Val::text(c.as_str())));
            for r in self.conn.query(
                &format!("{sql} AND c.org_id = $1 AND c.code IN ({})", marks),
                &params,
                &tys,
            )? {
                out.push(version(&r)?);
            }
        }
        Ok(out)
    }

    /// What the daily rules read for `first..=last`: the managers (of `managers` only, when
    /// given), their register rows of those days and the calendar (no facts, no balances).
    pub fn load_daily_dataset(
        &mut self,
        org: &Org,
        first: chrono::NaiveDate,
        last: chrono::NaiveDate,
        managers: Option<&[String]>,
    ) -> Result<DataSet, StoreError> {
        let mut all = self.load_managers(org)?;
        if let Some(ms) = managers {
            all.retain(|m| ms.contains(&m.id));
        }
        let mut d = DataSet {
            managers: all,
            ..DataSet::default()
        };
        d.registers = self
            .register_rows_of(org, None, Some((first, last)), managers, &[])?
            .into_iter()
            .map(|r| r.row)
            .collect();
        d.calendar = self.calendar_days(org)?;
        self.mark_non_cm(org, &mut d.managers)?;
        Ok(d)
    }

    /// Everything of the organisation a settlement may read, as the engine's data set.
    pub fn load_dataset(&mut self, org: &Org) -> Result<DataSet, StoreError> {
        let o = [Val::Int(org.id)];
        let mut d = DataSet {
            managers: self.load_managers(org)?,
            ..DataSet::default()
        };
        for r in self.conn.query(
            "SELECT code, name, kind, client_type, agreement, CAST(extra AS TEXT) FROM clients WHERE org_id = $1 ORDER BY code",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Bool, Ty::Json],
        )? {
            let c = Cols::new("clients", &r);
            d.clients.push(Client {
                id: c.text(0)?,
                name: c.text(1)?,
                kind: c.opt_text(2),
                client_type: c.opt_text(3),
                agreement: c.bool(4)?,
                extra: extras(&c.json(5)?),
            });
        }
        for r in self.conn.query(
            "SELECT a.code, c.code, a.product, a.currency, CAST(a.rate AS TEXT), a.term_months, a.opened_on, a.closed_on \
             FROM accounts a JOIN clients c ON c.id = a.client_id WHERE a.org_id = $1 ORDER BY a.code",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Dec, Ty::Int, Ty::Date, Ty::Date],
        )? {
            let c = Cols::new("accounts", &r);
            d.accounts.push(Account {
                id: c.text(0)?,
                client: c.text(1)?,
                product: c.text(2)?,
                currency: c.text(3)?,
                rate: c.opt_dec(4),
                term_months: c.opt_int(5),
                opened_on: c.opt_date(6),
                closed_on: c.opt_date(7),
            });
        }
        for r in self.conn.query(
            "SELECT c.code, a.code, m.code, CAST(o.ratio AS TEXT), o.valid_from, o.valid_to FROM ownership o \
             JOIN clients c ON c.id = o.client_id JOIN managers m ON m.id = o.manager_id \
             LEFT JOIN accounts a ON a.id = o.account_id WHERE o.org_id = $1 ORDER BY o.id",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Dec, Ty::Date, Ty::Date],
        )? {
            let c = Cols::new("ownership", &r);
            d.ownership.push(Version {
                // Client-level ownership has no account: the engine's subject is then "".
                subject: (c.text(0)?, c.opt_text(1).unwrap_or_default()),
                manager: c.text(2)?,
                ratio: c.ratio(3)?,
                from: c.date(4)?,
                to: c.opt_date(5),
            });
        }
        let account_index: std::collections::HashMap<String, u32> = d
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        for r in self.conn.query(
            "SELECT a.code, b.day, b.balance_fen FROM balances b JOIN accounts a ON a.id = b.account_id WHERE a.org_id = $1",
            &o,
            &[Ty::Text, Ty::Date, Ty::Int],
        )? {
            let c = Cols::new("balances", &r);
            d.balances.push(Balance {
                account: *account_index
                    .get(&c.text(0)?)
                    .ok_or_else(|| invalid("a balance of an unknown account"))?,
                date: c.date(1)?,
                balance: Money::from_fen(c.int(2)?),
            });
        }
        for r in self.conn.query(
            "SELECT m.code, t.period, t.measure, CAST(t.target AS TEXT) FROM targets t JOIN managers m ON m.id = t.manager_id WHERE t.org_id = $1",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Dec],
        )? {
            let c = Cols::new("targets", &r);
            d.targets.push(Target {
                manager: c.text(0)?,
                period: c.text(1)?.parse().map_err(|_| invalid("a target period"))?,
                measure: c.text(2)?,
                target: c.dec(3)?,
            });
        }
        for r in self.conn.query(
            "SELECT m.code, t.period, t.measure, CAST(t.value AS TEXT) FROM tallies t JOIN managers m ON m.id = t.manager_id WHERE t.org_id = $1 ORDER BY m.code, t.period, t.measure",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Dec],
        )? {
            let c = Cols::new("tallies", &r);
            let manager = c.text(0)?;
            let period = c.text(1)?;
            let measure = c.text(2)?;
            d.tallies.push(Tally {
                source: format!("tallies {manager} {period} {measure}"),
                period: period.parse().map_err(|_| invalid("a tally period"))?,
                manager,
                measure,
                value: c.dec(3)?,
            });
        }
        for table in ["sales", "payments"] {
            let rows = self.conn.query(
                &format!(
                    "SELECT f.id, f.doc_id, f.day, m.code, c.code, CAST(f.quantity AS TEXT), f.amount_fen, f.gross_profit_fen FROM {table} f \
                     JOIN managers m ON m.id = f.manager_id JOIN clients c ON c.id = f.client_id WHERE f.org_id = $1 ORDER BY f.id"
                ),
                &o,
                &[Ty::Int, Ty::Text, Ty::Date, Ty::Text, Ty::Text, Ty::Dec, Ty::Int, Ty::Int],
            )?;
            for r in rows {
                let c = Cols::new(table, &r);
                let flow = Flow {
                    source: format!("{table} #{}", c.int(0)?),
                    doc_id: c.opt_text(1),
                    date: c.date(2)?,
                    manager: c.text(3)?,
                    client: c.text(4)?,
                    quantity: c.dec(5)?,
                    amount: Money::from_fen(c.int(6)?),
                    gross_profit: c.opt_int(7).map(Money::from_fen),
                };
                if table == "sales" {
                    d.sales.push(flow);
                } else {
                    d.payments.push(flow);
                }
            }
        }
        for r in self.conn.query(
            "SELECT b.code, m.code, c.code, b.registered_at, b.arrival_at, b.amount_fen, b.approved, b.complaint, b.spot_check FROM bookings b \
             JOIN managers m ON m.id = b.manager_id LEFT JOIN clients c ON c.id = b.client_id WHERE b.org_id = $1 ORDER BY b.code",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::DateTime, Ty::DateTime, Ty::Int, Ty::Bool, Ty::Bool, Ty::Text],
        )? {
            let c = Cols::new("bookings", &r);
            let code = c.text(0)?;
            d.bookings.push(Booking {
                source: format!("bookings {code}"),
                id: code,
                manager: c.text(1)?,
                client: c.opt_text(2),
                registered_at: c.datetime(3)?,
                arrival_at: c.datetime(4)?,
                amount: Money::from_fen(c.int(5)?),
                approved: c.bool(6)?,
                complaint: c.bool(7)?,
                spot_check: c.opt_text(8),
            });
        }
        for r in self.conn.query(
            "SELECT s.period, m.code, s.item, s.amount_fen, s.reason FROM adjustments s JOIN managers m ON m.id = s.manager_id WHERE s.org_id = $1",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Int, Ty::Text],
        )? {
            let c = Cols::new("adjustments", &r);
            let (period, manager, item) = (c.text(0)?, c.text(1)?, c.text(2)?);
            d.adjustments.push(Adjustment {
                source: format!("adjustments {period} {manager} {item}"),
                period: period.parse().map_err(|_| invalid("an adjustment period"))?,
                manager,
                item,
                amount: Money::from_fen(c.int(3)?),
                reason: c.opt_text(4),
            });
        }
        for r in self.conn.query(
            "SELECT s.period, m.code, s.rater, s.relation, s.dimension, s.item, CAST(s.score AS TEXT) FROM scores s \
             JOIN managers m ON m.id = s.manager_id WHERE s.org_id = $1 ORDER BY s.period, m.code, s.rater, s.dimension, s.item",
            &o,
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Dec],
        )? {
            let c = Cols::new("scores", &r);
            let (period, manager, rater) = (c.text(0)?, c.text(1)?, c.text(2)?);
            let (dimension, item) = (c.text(4)?, c.text(5)?);
            d.scores.push(kejing_engine::data::Score {
                source: format!("scores {period} {manager} {rater} {dimension} {item}"),
                period: period.parse().map_err(|_| invalid("a score period"))?,
                manager,
                rater,
                relation: c.text(3)?,
                dimension,
                item,
                score: c.dec(6)?,
            });
        }
        d.registers = self
            .register_rows(org, None, None)?
            .into_iter()
            .map(|r| r.row)
            .collect();
        d.calendar = self.calendar_days(org)?;
        self.mark_non_cm(org, &mut d.managers)?;
        Ok(d)
    }

    /// The data set as of a day: each manager's unit, track, grade, tier, staff grade and
    /// status are those of the newest history version in effect on `day` (an approved
    /// promotion from next month is not paid this month). Without a version by then, the
    /// current row.
    pub fn load_dataset_at(
        &mut self,
        org: &Org,
        day: chrono::NaiveDate,
    ) -> Result<DataSet, StoreError> {
        let mut d = self.load_dataset(org)?;
        self.apply_history_at(org, day, &mut d.managers)?;
        Ok(d)
    }

    /// Marks managers whose track the tracks table says is not a customer-manager track
    /// (`is_cm` false, A3). A track it does not list counts as a CM track.
    pub fn mark_non_cm(&mut self, org: &Org, managers: &mut [Manager]) -> Result<(), StoreError> {
        let rows = self.conn.query(
            "SELECT code FROM tracks WHERE org_id = $1 AND NOT is_cm",
            &[Val::Int(org.id)],
            &[Ty::Text],
        )?;
        let not_cm: std::collections::BTreeSet<String> = rows
            .iter()
            .map(|r| Cols::new("tracks", r).text(0))
            .collect::<Result<_, _>>()?;
        for m in managers {
            m.non_cm = m.track.as_ref().is_some_and(|t| not_cm.contains(t));
        }
        Ok(())
    }

    /// Sets each manager's unit, track, grade, tier, staff grade and status to the newest
    /// history version in effect on `day`; managers without one by then keep what they have.
    /// Whether each is on a CM track follows the track then held.
    pub fn apply_history_at(
        &mut self,
        org: &Org,
        day: chrono::NaiveDate,
        managers: &mut [Manager],
    ) -> Result<(), StoreError> {
        let rows = self.conn.query(
            "SELECT m.code, h.org_unit, h.track, h.grade, h.tier, h.staff_grade, h.status FROM manager_history h \
             JOIN managers m ON m.id = h.manager_id WHERE m.org_id = $1 AND h.effective_on <= $2 \
             ORDER BY m.code, h.effective_on, h.id",
            &[Val::Int(org.id), Val::Date(day)],
            &[Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text],
        )?;
        let mut latest: BTreeMap<String, &[Val]> = BTreeMap::new();
        for r in &rows {
            latest.insert(Cols::new("manager_history", r).text(0)?, r);
        }
        for m in managers.iter_mut() {
            if let Some(r) = latest.get(&m.id) {
                let c = Cols::new("manager_history", r);
                m.org = c.opt_text(1);
                m.track = c.opt_text(2);
                m.grade = c.opt_text(3);
                m.tier = c.opt_text(4);
                m.staff_grade = c.opt_text(5);
                m.status = c.text(6)?;
            }
        }
        // The track may have changed with the version.
        self.mark_non_cm(org, managers)
    }
}
