//! Properties of settlement that must hold for any data: attributed balances add up to the
//! total, and results do not depend on the order of input rows.

use chrono::NaiveDate;
use kejing_engine::data::{Account, Balance, Client, DataSet, Manager};
use kejing_engine::ledger::Version;
use kejing_engine::policy::Policy;
use kejing_engine::settle::settle;
use kejing_engine::{Money, Ratio};
use proptest::prelude::*;

const POLICY: &str = r#"
[policy]
name = "sum"
frequency = "monthly"

[measures.owned]
from = "balances"
average = "none"
weight = "100"    # in fen: ratios are in hundredths, so every share is a whole hundredth of a fen

[[items]]
name = "owned"
amount = "owned"
round = false
"#;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, d).unwrap()
}

/// Splits 100 fen-of-ratio units into `n` shares that sum to exactly 1.
fn shares(cuts: &[u8], n: usize) -> Vec<Ratio> {
    let mut points: Vec<u32> = cuts
        .iter()
        .take(n - 1)
        .map(|c| 1 + u32::from(*c) % 99)
        .collect();
    points.sort_unstable();
    points.dedup();
    let mut out = Vec::new();
    let mut prev = 0;
    for p in points.iter().chain(std::iter::once(&100)) {
        out.push(Ratio::new(rust_decimal::Decimal::new(i64::from(p - prev), 2)).unwrap());
        prev = *p;
    }
    out
}

fn data(balances: &[(u8, u8, i64)], cuts: &[u8], transfer_day: u32) -> DataSet {
    let managers: Vec<Manager> = (0..4)
        .map(|i| Manager {
            id: format!("M{i}"),
            name: format!("M{i}"),
            status: "active".into(),
            ..Default::default()
        })
        .collect();
    let clients = vec![Client {
        id: "C".into(),
        name: "C".into(),
        ..Default::default()
    }];
    let accounts: Vec<Account> = (0..3)
        .map(|i| Account {
            id: format!("A{i}"),
            client: "C".into(),
            product: "demand".into(),
            currency: "CNY".into(),
            ..Default::default()
        })
        .collect();
    // Client level: shared among M0..M2 until the transfer day, then M3 alone; account A0 is
    // owned by M1 at account level from the 20th.
    let mut ownership = Vec::new();
    for (i, r) in shares(cuts, 3).into_iter().enumerate() {
        ownership.push(Version {
            subject: ("C".into(), String::new()),
            manager: format!("M{i}"),
            ratio: r,
            from: day(1),
            to: Some(day(transfer_day - 1)),
        });
    }
    ownership.push(Version {
        subject: ("C".into(), String::new()),
        manager: "M3".into(),
        ratio: Ratio::ONE,
        from: day(transfer_day),
        to: None,
    });
    ownership.push(Version {
        subject: ("C".into(), "A0".into()),
        manager: "M1".into(),
        ratio: Ratio::ONE,
        from: day(20),
        to: None,
    });
    let mut seen = std::collections::HashSet::new();
    let balances = balances
        .iter()
        .filter(|(a, d, _)| seen.insert((a % 3, d % 30)))
        .map(|(a, d, fen)| Balance {
            account: u32::from(a % 3),
            date: day(1 + u32::from(*d % 30)),
            balance: Money::from_fen(*fen),
        })
        .collect();
    DataSet {
        managers,
        clients,
        accounts,
        ownership,
        balances,
        ..Default::default()
    }
}

proptest! {
    #[test]
    fn attributed_balances_add_up_to_the_total(
        balances in proptest::collection::vec((0u8..3, 0u8..30, 0i64..1_000_000_000), 1..120),
        cuts in proptest::collection::vec(any::<u8>(), 2),
        transfer_day in 2u32..29,
    ) {
        let policy = Policy::load("sum.toml", POLICY).unwrap();
        let d = data(&balances, &cuts, transfer_day);
        let total: i64 = d.balances.iter().map(|b| b.balance.fen()).sum();
        let s = settle(&policy, &d, "2026-09".parse().unwrap()).unwrap();
        // Every owned fen is attributed exactly once, whatever the shares, the transfer day and
        // the account-level override: the ratios of each subject sum to 1 on every day.
        let attributed: rust_decimal::Decimal = s
            .lines
            .iter()
            .filter(|l| l.item == "total")
            .map(|l| l.amount.to_decimal())
            .sum();
        prop_assert_eq!(attributed, rust_decimal::Decimal::from(total));
    }

    #[test]
    fn results_do_not_depend_on_row_order(
        balances in proptest::collection::vec((0u8..3, 0u8..30, 0i64..100_000_000), 1..60),
        cuts in proptest::collection::vec(any::<u8>(), 2),
        transfer_day in 2u32..29,
        seed in any::<u64>(),
    ) {
        let policy = Policy::load("sum.toml", &POLICY.replace("round = false", "round = true")).unwrap();
        let d = data(&balances, &cuts, transfer_day);
        let mut shuffled = d.clone();
        let n = shuffled.balances.len();
        let mut x = seed;
        for i in (1..n).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.balances.swap(i, (x >> 33) as usize % (i + 1));
        }
        shuffled.ownership.reverse();
        shuffled.managers.reverse();
        let period = "2026-09".parse().unwrap();
        prop_assert_eq!(settle(&policy, &d, period).unwrap().lines, settle(&policy, &shuffled, period).unwrap().lines);
    }
}
