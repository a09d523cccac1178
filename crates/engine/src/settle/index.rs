//! The data set indexed for evaluation: rows by manager, targets, balances by account, ownership.

use super::SettleError;
use super::balances::{AccountSums, BalanceResult, GroupKey, Groups};
use crate::data::{Booking, Client, DataSet, Flow, Manager, OwnershipVersion};
use crate::period::Period;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

/// The data indexed for evaluation.
pub(crate) struct Index<'a> {
    pub(crate) data: &'a DataSet,
    pub(crate) managers: BTreeMap<&'a str, &'a Manager>,
    pub(super) clients: HashMap<&'a str, &'a Client>,
    pub(super) sales: HashMap<&'a str, Vec<&'a Flow>>,
    pub(super) payments: HashMap<&'a str, Vec<&'a Flow>>,
    pub(super) bookings: HashMap<&'a str, Vec<&'a Booking>>,
    /// Register rows by (register, manager).
    pub(super) registers:
        HashMap<(crate::registers::Register, &'a str), Vec<&'a crate::registers::RegisterRow>>,
    /// The working-day calendar register measures read (`workday()`), with the policy's
    /// weekdays applied when a run starts.
    pub(super) calendar: crate::registers::Calendar,
    /// The first period with facts: history before it is unknown.
    pub(crate) first_day: Option<chrono::NaiveDate>,
    /// Targets by (manager, period, measure).
    pub(super) targets: HashMap<(&'a str, Period, &'a str), &'a crate::data::Target>,
    /// Balances by account (in data order).
    /// Balances grouped by account: `balance_order[balance_start[a]..balance_start[a + 1]]`
    /// are the indices (in `data.balances`) of account `a`'s rows.
    pub(super) balance_start: Vec<usize>,
    pub(super) balance_order: Vec<u32>,
    /// Ownership versions by subject (client, account or "").
    pub(super) ownership: HashMap<Subject<'a>, Vec<&'a OwnershipVersion>>,
    /// Balances measures computed for all managers at once: (measure, period) → results.
    pub(super) balance_cache: RefCell<HashMap<(String, Period), std::rc::Rc<BalanceResult>>>,
    /// Σ balance × ratio per account and owner for a period: independent of any policy, so a
    /// what-if run re-uses it instead of scanning the balances again.
    pub(super) sums_cache: RefCell<HashMap<Period, std::rc::Rc<AccountSums>>>,
    /// Whether balances measures list every account in the explanation (off for what-if runs,
    /// which only need the amounts).
    pub(super) account_notes: std::cell::Cell<bool>,
    /// Managers by index (sorted ids) and the index of each id.
    pub(super) manager_ids: Vec<&'a str>,
    pub(super) manager_index: HashMap<&'a str, u32>,
    /// Account groups by (period, names read).
    pub(super) groups_cache: RefCell<HashMap<GroupKey, std::rc::Rc<Groups>>>,
}

/// A subject of the ledger by codes: (client, account or "").
pub(super) type Subject<'a> = (&'a str, &'a str);

impl<'a> Index<'a> {
    pub(super) fn new(data: &'a DataSet) -> Result<Index<'a>, SettleError> {
        let managers: BTreeMap<&str, &Manager> =
            data.managers.iter().map(|m| (m.id.as_str(), m)).collect();
        let clients: HashMap<&str, &Client> =
            data.clients.iter().map(|c| (c.id.as_str(), c)).collect();
        let mut problems = Vec::new();
        let mut flows = |rows: &'a [Flow]| {
            let mut by: HashMap<&str, Vec<&Flow>> = HashMap::new();
            for f in rows {
                if !managers.contains_key(f.manager.as_str()) {
                    problems.push(format!(
                        "{}: column manager_id: unknown customer manager {:?} (not in managers)",
                        f.source, f.manager
                    ));
                }
                if !clients.contains_key(f.client.as_str()) {
                    problems.push(format!(
                        "{}: column client_id: unknown client {:?} (not in clients)",
                        f.source, f.client
                    ));
                }
                by.entry(f.manager.as_str()).or_default().push(f);
            }
            by
        };
        let sales = flows(&data.sales);
        let payments = flows(&data.payments);
        let mut bookings: HashMap<&str, Vec<&Booking>> = HashMap::new();
        for b in &data.bookings {
            if !managers.contains_key(b.manager.as_str()) {
                problems.push(format!(
                    "{}: column manager_id: unknown customer manager {:?} (not in managers)",
                    b.source, b.manager
                ));
            }
            if let Some(c) = &b.client
                && !clients.contains_key(c.as_str())
            {
                problems.push(format!(
                    "{}: column client_id: unknown client {c:?} (not in clients)",
                    b.source
                ));
            }
            bookings.entry(b.manager.as_str()).or_default().push(b);
        }
        for a in &data.adjustments {
            if !managers.contains_key(a.manager.as_str()) {
                problems.push(format!(
                    "{}: column manager_id: unknown customer manager {:?} (not in managers)",
                    a.source, a.manager
                ));
            }
        }
        let mut registers: HashMap<_, Vec<&crate::registers::RegisterRow>> = HashMap::new();
        for r in &data.registers {
            if !managers.contains_key(r.manager.as_str()) {
                problems.push(format!(
                    "{}: column manager_id: unknown customer manager {:?} (not in managers)",
                    r.source, r.manager
                ));
            }
            registers
                .entry((r.register, r.manager.as_str()))
                .or_default()
                .push(r);
        }
        let mut calendar = crate::registers::Calendar::weekdays_only(&[
            chrono::Weekday::Mon,
            chrono::Weekday::Tue,
            chrono::Weekday::Wed,
            chrono::Weekday::Thu,
            chrono::Weekday::Fri,
        ]);
        for d in &data.calendar {
            calendar.exceptions.insert(d.date, d.working);
        }
        if !problems.is_empty() {
            return Err(SettleError(problems.join("\n")));
        }
        // Group the balances by account with a counting sort (no hashing, no allocation per row).
        let n_accounts = data.accounts.len();
        let mut balance_start = vec![0usize; n_accounts + 1];
        for b in &data.balances {
            match balance_start.get_mut(b.account as usize + 1) {
                Some(c) => *c += 1,
                None => problems.push(format!(
                    "balances: row on {} names account number {} of {}",
                    b.date, b.account, n_accounts
                )),
            }
        }
        for i in 0..n_accounts {
            balance_start[i + 1] += balance_start[i];
        }
        let mut fill = balance_start.clone();
        let mut balance_order = vec![0u32; data.balances.len()];
        for (i, b) in data.balances.iter().enumerate() {
            if let Some(at) = fill.get_mut(b.account as usize)
                && (b.account as usize) < n_accounts
            {
                balance_order[*at] = u32::try_from(i).unwrap_or(u32::MAX);
                *at += 1;
            }
        }
        let mut ownership: HashMap<Subject<'_>, Vec<&OwnershipVersion>> = HashMap::new();
        for v in &data.ownership {
            if !managers.contains_key(v.manager.as_str()) {
                problems.push(format!(
                    "ownership: client {} account {:?}: unknown customer manager {:?}",
                    v.subject.0, v.subject.1, v.manager
                ));
            }
            ownership
                .entry((v.subject.0.as_str(), v.subject.1.as_str()))
                .or_default()
                .push(v);
        }
        // The ledger rules hold in file mode too: shares sum to 1 on every day.
        for ((client, account), versions) in &ownership {
            let owned: Vec<&OwnershipVersion> = versions.clone();
            for p in crate::ledger::check_subject(&owned) {
                let subject = if account.is_empty() {
                    format!("client {client}")
                } else {
                    format!("account {account}")
                };
                problems.push(format!("ownership: {subject}: {p}"));
            }
        }
        if !problems.is_empty() {
            problems.sort();
            return Err(SettleError(problems.join("\n")));
        }
        let manager_ids: Vec<&str> = managers.keys().copied().collect();
        let manager_index: HashMap<&str, u32> = manager_ids
            .iter()
            .enumerate()
            .map(|(i, m)| (*m, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        Ok(Index {
            data,
            managers,
            clients,
            sales,
            payments,
            bookings,
            registers,
            calendar,
            first_day: data.first_fact_day(),
            targets: data
                .targets
                .iter()
                .map(|t| ((t.manager.as_str(), t.period, t.measure.as_str()), t))
                .collect(),
            balance_start,
            balance_order,
            ownership,
            balance_cache: RefCell::new(HashMap::new()),
            sums_cache: RefCell::new(HashMap::new()),
            account_notes: std::cell::Cell::new(true),
            manager_ids,
            manager_index,
            groups_cache: RefCell::new(HashMap::new()),
        })
    }
}
