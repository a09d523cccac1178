//! The demo's organisations under their shipped policies, as the source's HR officers would
//! check them (issue 11): the demo bank under bank-grades pays every qualified customer manager
//! their grade's amounts and no specialist; the oil distributor pays no new-client award on
//! its traditional client list (B4); the hotel pays 1.5 % only on qualifying bookings and the
//! A/B/C awards by them (C3). File mode over the demo's own generated folders.

use kejing::generate::{Spec, write_bank, write_hotel, write_oil};
use kejing_engine::Money;
use kejing_engine::settle::{Settlement, settle};
use kejing_io::ReadOptions;
use kejing_io::dataset::{Tables, load_dataset};
use std::collections::BTreeMap;
use std::path::Path;

fn policy(name: &str) -> kejing_engine::policy::Policy {
    kejing_app::catalogue::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../policies/{name}/policy.toml")),
    )
    .unwrap()
}

fn settle_folder(dir: &Path, policy_name: &str, period: &str) -> Settlement {
    let data = load_dataset(&Tables::Folder(dir, &ReadOptions::default())).unwrap();
    settle(&policy(policy_name), &data, period.parse().unwrap()).unwrap()
}

/// The generated managers file: manager → column → value.
fn managers(dir: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(dir.join("managers.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            let row: BTreeMap<String, String> = header
                .iter()
                .zip(l.split(','))
                .map(|(h, v)| ((*h).to_owned(), v.to_owned()))
                .collect();
            (row["manager_id"].clone(), row)
        })
        .collect()
}

#[test]
fn the_demo_bank_pays_every_qualified_cm_their_grade_and_no_specialist() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = Spec::new(1, "2026-09".parse().unwrap()).unwrap();
    write_bank(&spec, tmp.path()).unwrap();
    let result = settle_folder(tmp.path(), "bank-grades", "2026-09");
    let people = managers(tmp.path());
    let specialists: Vec<&String> = people
        .iter()
        .filter(|(_, m)| m["track"] == "specialist")
        .map(|(id, _)| id)
        .collect();
    assert!(!specialists.is_empty(), "the demo has specialists");
    let mut qualified_paid = 0;
    for (id, m) in &people {
        let lines = result.lines.iter().filter(|l| &l.manager == id).count();
        let in_post = matches!(m["status"].as_str(), "active" | "trainee");
        if m["track"] == "specialist" || !in_post {
            assert_eq!(lines, 0, "{id} ({}, {}) is paid", m["track"], m["status"]);
            continue;
        }
        let total = result.amount(id, "total").unwrap_or(Money::ZERO);
        if m["qualified"] == "true" {
            // The September position salary is the grade's; the grade's standard is met by
            // the demo's deposits, so every qualified CM gets their grade's pay.
            let salary = result.amount(id, "职位工资").unwrap_or(Money::ZERO);
            let expected = match m["grade"].as_str() {
                "高级" => "3000",
                "一级" => "2500",
                "二级" => "2000",
                "三级" => "1600",
                "四级" => "1300",
                "见习" => "1000",
                other => panic!("{id}: grade {other}"),
            };
            assert_eq!(
                salary,
                Money::parse(expected).unwrap(),
                "{id} {}",
                m["grade"]
            );
            qualified_paid += 1;
        } else {
            assert_eq!(total, Money::ZERO, "{id} is not qualified but is paid");
        }
    }
    assert!(
        qualified_paid >= 80,
        "only {qualified_paid} qualified CMs paid"
    );
}

#[test]
fn the_demo_oil_distributor_pays_no_new_client_award_on_its_traditional_clients() {
    let tmp = tempfile::tempdir().unwrap();
    write_oil(tmp.path()).unwrap();
    let mut awards = BTreeMap::new();
    for month in ["2013-07", "2013-08", "2013-09"] {
        let result = settle_folder(tmp.path(), "oil-distributor", month);
        for l in result.lines.iter().filter(|l| l.item == "开发新客户奖") {
            if !l.amount.is_zero() {
                awards.insert((month, l.manager.clone()), l.amount);
            }
        }
        if month == "2013-09" {
            // Other staff are paid their 6 % (the policy says pays = "true").
            assert_eq!(
                result.amount("O004", "提成"),
                Some(Money::parse("18").unwrap())
            );
        }
    }
    // Only the one client found in the quarter (K17, 物流车队, 2.2 t by September) earns one.
    assert_eq!(
        awards,
        BTreeMap::from([(("2013-09", "O003".to_owned()), Money::parse("300").unwrap())])
    );
}

#[test]
fn the_demo_hotel_pays_commission_only_on_qualifying_bookings() {
    let tmp = tempfile::tempdir().unwrap();
    write_hotel(tmp.path()).unwrap();
    let result = settle_folder(tmp.path(), "hotel-sales", "2013-09");
    let got: BTreeMap<(String, String), String> = result
        .lines
        .iter()
        .map(|l| ((l.manager.clone(), l.item.clone()), l.amount.to_string()))
        .collect();
    // Worked by hand: 李红 12,000 × 1.5 % = 180 (B02 registered 30 minutes ahead earns
    // nothing) and B 1,000; 王军 20,000 → 300 and A 1,500 (B04 is an agreement unit); 赵敏
    // nothing (a complaint, a collusive booking); 陈刚 4,000 → 60 and C 500 (B08 not approved).
    let want: BTreeMap<(String, String), String> = [
        ("H001", "提成", "180.00"),
        ("H001", "月度奖", "1000.00"),
        ("H001", "total", "1180.00"),
        ("H002", "提成", "300.00"),
        ("H002", "月度奖", "1500.00"),
        ("H002", "total", "1800.00"),
        ("H003", "total", "0.00"),
        ("H004", "提成", "60.00"),
        ("H004", "月度奖", "500.00"),
        ("H004", "total", "560.00"),
    ]
    .into_iter()
    .map(|(m, i, a)| ((m.to_owned(), i.to_owned()), a.to_owned()))
    .collect();
    assert_eq!(got, want);
}
