//! Balances measures: one scan of the balances per period, then each measure filtered and weighted per account.

use super::index::Index;
use super::rows::AccountEnv;
use crate::data::{Account, OwnershipVersion};
use crate::expr::{Env, Expr};
use crate::period::Period;
use crate::policy::Policy;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// Per account (its index in the data set's accounts, sorted by id): each owner's
/// Σ balance × ratio over the period's days, and the days they held each share.
/// Owners are manager indices into `Index::manager_ids`.
pub(super) type OwnerSums = Vec<(u32, Decimal, BTreeMap<String, u32>)>;

pub(super) struct AccountSums {
    pub(super) rows: Vec<(usize, OwnerSums)>,
}

/// A period and the account fields a filter and weight read.
pub(super) type GroupKey = (Period, Vec<Vec<String>>);

/// Accounts of a period's sums grouped by the values of the fields a filter and weight read:
/// the group of each row, and one row per group to evaluate them on.
pub(super) struct Groups {
    pub(super) of_row: Vec<u32>,
    pub(super) representative: Vec<usize>,
}

/// A balances measure for every manager: value and, per account, the explanation.
#[derive(Default)]
pub(super) struct BalanceResult {
    pub(super) per_manager: HashMap<String, (Decimal, Vec<crate::phrase::Phrase>)>,
}

/// One pass over the balances of the period: Σ balance × ratio of each owner on each day, per
/// account (account-level ownership over the client's). Cached per period.
fn account_sums(ix: &Index<'_>, period: Period) -> std::rc::Rc<AccountSums> {
    if let Some(s) = ix.sums_cache.borrow().get(&period) {
        return s.clone();
    }
    let (first, last) = (period.first_day(), period.last_day());
    let empty: Vec<&OwnershipVersion> = Vec::new();
    let mut accounts: Vec<(usize, &Account)> = ix.data.accounts.iter().enumerate().collect();
    accounts.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    let mut rows = Vec::with_capacity(accounts.len());
    for (index, account) in accounts {
        let rows_of = &ix.balance_order[ix.balance_start[index]..ix.balance_start[index + 1]];
        if rows_of.is_empty() {
            continue;
        }
        let balances = rows_of.iter().map(|i| &ix.data.balances[*i as usize]);
        let own = ix
            .ownership
            .get(&(account.client.as_str(), account.id.as_str()))
            .unwrap_or(&empty);
        let client_level = ix
            .ownership
            .get(&(account.client.as_str(), ""))
            .unwrap_or(&empty);
        // Integer fen per version first (no allocation per row), ratios applied once per
        // version: Σ_days balance × ratio = ratio × Σ_days balance on the version's days.
        let mut own_acc: Vec<(i128, u32)> = vec![(0, 0); own.len()];
        let mut client_acc: Vec<(i128, u32)> = vec![(0, 0); client_level.len()];
        for b in balances {
            if b.date < first || b.date > last {
                continue;
            }
            let fen = i128::from(b.balance.fen());
            let mut on_account = false;
            for (i, v) in own.iter().enumerate() {
                if v.covers(b.date) {
                    own_acc[i].0 += fen;
                    own_acc[i].1 += 1;
                    on_account = true;
                }
            }
            if !on_account {
                for (i, v) in client_level.iter().enumerate() {
                    if v.covers(b.date) {
                        client_acc[i].0 += fen;
                        client_acc[i].1 += 1;
                    }
                }
            }
        }
        let mut sums: BTreeMap<&str, (Decimal, BTreeMap<String, u32>)> = BTreeMap::new();
        for (versions, acc) in [(own, &own_acc), (client_level, &client_acc)] {
            for (v, (fen, days)) in versions.iter().zip(acc) {
                if *days == 0 {
                    continue;
                }
                let yuan = Decimal::try_from_i128_with_scale(*fen, 2).unwrap_or(Decimal::MAX);
                let e = sums.entry(v.manager.as_str()).or_default();
                e.0 += yuan * v.ratio.value();
                *e.1.entry(v.ratio.to_string()).or_default() += days;
            }
        }
        if !sums.is_empty() {
            rows.push((
                index,
                sums.into_iter()
                    .filter_map(|(m, (s, d))| Some((*ix.manager_index.get(m)?, s, d)))
                    .collect(),
            ));
        }
    }
    let result = std::rc::Rc::new(AccountSums { rows });
    ix.sums_cache.borrow_mut().insert(period, result.clone());
    result
}

/// A balances measure for every manager: the cached per-account sums, filtered and weighted by
/// the policy, summed per owner, and for a daily average divided once by the period's days.
pub(super) fn balances_measure(
    policy: &Policy,
    ix: &Index<'_>,
    period: Period,
    weight: Option<&Expr>,
    filter: Option<&Expr>,
    daily_average: bool,
) -> Result<BalanceResult, String> {
    let last = period.last_day();
    let days = Decimal::from(period.days());
    let sums = account_sums(ix, period);
    let mut result = BalanceResult::default();
    let notes = ix.account_notes.get();
    // The filter and the weight depend only on the account fields they name (parameters and
    // tables are fixed for the period): accounts that agree on those share one evaluation.
    let mut names: Vec<Vec<String>> = filter
        .iter()
        .chain(weight.iter())
        .flat_map(|e| e.names())
        .filter(|p| {
            !(p.len() == 1
                && (policy.parameters.contains_key(&p[0]) || policy.lookups.contains_key(&p[0])))
        })
        .collect();
    names.sort();
    names.dedup();
    let env_of = |index: usize| {
        let account = &ix.data.accounts[index];
        AccountEnv {
            account,
            client: ix.clients.get(account.client.as_str()).copied(),
            policy,
            day: last,
        }
    };
    let cache_key = (period, names.clone());
    let cached = ix.groups_cache.borrow().get(&cache_key).cloned();
    let groups = match cached {
        Some(g) => g,
        None => {
            let mut ids: HashMap<Vec<String>, u32> = HashMap::new();
            let mut groups = Groups {
                of_row: Vec::with_capacity(sums.rows.len()),
                representative: Vec::new(),
            };
            for (index, _) in &sums.rows {
                let env = env_of(*index);
                let key: Vec<String> = names
                    .iter()
                    .map(|p| env.name(p).map(|v| format!("{}:{v}", v.type_name())))
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("account {}: {e}", env.account.id))?;
                let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                let g = *ids.entry(key).or_insert(next);
                if g == next {
                    groups.representative.push(*index);
                }
                groups.of_row.push(g);
            }
            let g = std::rc::Rc::new(groups);
            ix.groups_cache.borrow_mut().insert(cache_key, g.clone());
            g
        }
    };
    // Filter and weight once per group.
    let mut weights: Vec<Option<Decimal>> = Vec::with_capacity(groups.representative.len());
    for index in &groups.representative {
        let env = env_of(*index);
        let passes = match filter {
            Some(f) => f
                .eval(&env)
                .and_then(|v| v.as_bool())
                .map_err(|e| format!("account {}: {e}", env.account.id))?,
            None => true,
        };
        weights.push(if passes {
            Some(match weight {
                Some(w) => w
                    .eval(&env)
                    .and_then(|v| v.as_num())
                    .map_err(|e| format!("account {}: {e}", env.account.id))?,
                None => Decimal::ONE,
            })
        } else {
            None
        });
    }
    let mut totals: Vec<Option<Decimal>> = vec![None; ix.manager_ids.len()];
    let mut all_notes: HashMap<u32, Vec<crate::phrase::Phrase>> = HashMap::new();
    for ((index, owners), g) in sums.rows.iter().zip(&groups.of_row) {
        let Some(w) = weights[*g as usize] else {
            continue;
        };
        let account = &ix.data.accounts[*index];
        for (manager, sum, shares) in owners {
            let undivided = sum * w;
            let t = &mut totals[*manager as usize];
            *t = Some(t.unwrap_or_default() + undivided);
            if !notes {
                continue;
            }
            let value = if daily_average {
                undivided / days
            } else {
                undivided
            };
            let shares: Vec<String> = shares.iter().map(|(r, d)| format!("{r} · {d}")).collect();
            let rate = account
                .rate
                .map_or_else(|| "none".to_owned(), |r| r.normalize().to_string());
            all_notes.entry(*manager).or_default().push(crate::say!(
                "account-line",
                "account {account} ({product}, {currency}, rate {rate}): Σ balance × ratio = {sum} (ratio · days {shares}); weight {weight} → {value}",
                account = account.id,
                product = account.product,
                currency = account.currency,
                rate = rate,
                sum = sum.normalize(),
                shares = shares.join("; "),
                weight = w.normalize(),
                value = value.normalize(),
            ));
        }
    }
    for (i, t) in totals.into_iter().enumerate() {
        if let Some(t) = t {
            let notes = all_notes
                .remove(&u32::try_from(i).unwrap_or(u32::MAX))
                .unwrap_or_default();
            result
                .per_manager
                .insert(ix.manager_ids[i].to_owned(), (t, notes));
        }
    }
    if daily_average {
        for v in result.per_manager.values_mut() {
            v.0 /= days;
        }
    }
    Ok(result)
}
