//! A small bank for the web tests: three managers in two branches, four clients (one named
//! with a script tag), a month of balances, a settled run, an open transfer request, an open
//! dispute, and a user for every role. On MySQL/MariaDB or PostgreSQL when
//! `KEJING_TEST_MYSQL_URL` or `KEJING_TEST_PG_URL` is set (CI's second and third runs), else an
//! SQLite file.
#![allow(dead_code)]

pub mod chromium;
pub mod route_cases;
pub mod web_session;

use kejing::web::{App, Config};
use kejing_store::Store;
use std::path::{Path, PathBuf};

pub const PASSWORD: &str = "kejing2026";
/// (user, role, manager, unit)
pub const USERS: &[(&str, &str, Option<&str>, Option<&str>)] = &[
    ("cm", "manager", Some("M1"), None),
    ("team", "team_head", None, Some("B01S1")),
    ("branch", "branch_head", None, Some("B01")),
    ("admin", "admin", None, None),
    ("auditor", "auditor", None, None),
    ("cm3", "manager", Some("M3"), None),
    // A second person of the performance office, who approves the runs admin submits.
    ("reviewer", "admin", None, None),
];

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub url: String,
    pub app: App,
    pub run: i64,
    pub transfer: i64,
    pub dispute: i64,
    /// An assessment run (bank-grades, 2026-Q3) with open proposals.
    pub assessment: i64,
    /// An open agreement-price request for C3, asked by the setup user.
    pub agreement: i64,
    /// What-if scenarios: one saved by the setup user, one by `branch`.
    pub scenarios: (i64, i64),
    _db: ScratchDb,
}

/// A scratch database: on MySQL/MariaDB or PostgreSQL when `KEJING_TEST_MYSQL_URL` or
/// `KEJING_TEST_PG_URL` is set (dropped with the guard), else an SQLite file in `dir`.
pub use kejing_store::scratch::ScratchDb;

pub fn scratch_db(dir: &Path, name: &str) -> ScratchDb {
    ScratchDb::for_tests(&format!("kejing_t_{name}"), &dir.join(format!("{name}.db"))).unwrap()
}

pub fn policies_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(format!("{name}.csv"));
    std::fs::write(&p, text).unwrap();
    p
}

/// The fixture's data folder (the contract's CSV files).
pub fn write_data(dir: &Path) {
    write(
        dir,
        "org_units",
        "unit_id,name,parent_id,kind\nHQ,总行,,head\nB01,第1分行,HQ,branch\nB01S1,第1分行第1支行,B01,sub_branch\nB02,第2分行,HQ,branch\n",
    );
    write(
        dir,
        "tracks",
        "track,name,is_cm\ncorporate,公司客户经理,true\n",
    );
    write(
        dir,
        "grades",
        "track,grade,rank,staff_grade,title\ncorporate,高级,6,5等,高级客户经理\n",
    );
    write(
        dir,
        "managers",
        "manager_id,name,org,track,grade,staff_grade,status,hired_on,trial_end,base_salary\nM1,王一,B01S1,corporate,高级,5等,active,2020-01-01,,5000\nM2,李二,B01S1,corporate,高级,5等,active,2020-01-01,,5000\nM3,赵三,B02,corporate,高级,5等,active,2020-01-01,,5000\n",
    );
    write(
        dir,
        "clients",
        "client_id,name,kind,client_type,agreement,loan_card\nC1,甲公司,company,普通客户,false,\nC2,乙公司,company,普通客户,false,\nC3,丙公司,company,普通客户,false,\nC4,<script>alert(1)</script>,company,普通客户,false,\n",
    );
    write(
        dir,
        "accounts",
        "account_id,client_id,product,currency,rate,term_months,opened_on\nA1,C1,demand,CNY,0.35,,2020-01-01\nA2,C2,time,CNY,1.75,12,2020-01-01\nA3,C3,demand,CNY,0.35,,2020-01-01\nA4,C4,demand,CNY,0.35,,2020-01-01\n",
    );
    write(
        dir,
        "ownership",
        "client_id,account_id,manager_id,ratio,from,to\nC1,,M1,1,2026-01-01,\nC2,,M2,1,2026-01-01,\nC3,,M3,1,2026-01-01,\nC4,,M1,1,2026-01-01,\n",
    );
    let mut b = String::from("account_id,date,balance\n");
    for day in 1..=30 {
        for (a, v) in [
            ("A1", 3_000_000),
            ("A2", 5_000_000),
            ("A3", 2_000_000),
            ("A4", 1_000_000),
        ] {
            b.push_str(&format!("{a},2026-09-{day:02},{v}.00\n"));
        }
    }
    write(dir, "balances", &b);
    write(
        dir,
        "targets",
        "manager_id,period,measure,target\nM1,2026-09,deposit_avg,5000000\n",
    );
    // An outing not back yet and an unsigned log, for the daily pages.
    write(
        dir,
        "outings",
        "outing_id,manager_id,client_id,purpose,left_at,expected_back_at,returned_at,duty\nOFX1,M1,C1,回访,2026-09-01 09:00,2026-09-01 16:00,,false\n",
    );
    write(
        dir,
        "work_logs",
        "manager_id,date,text,signed_by,signed_at,comment,plan_next\nM1,2026-09-01,回访甲公司,,,,\n",
    );
    // The advice tables: a shelf R1–R5, C1's and C3's questionnaires (C2 after the caps for
    // C1: 30+ points, so C3; C3 scored C1), C1's finances.
    write(
        dir,
        "products",
        "product_id,name,kind,risk_level,expected_return,term_months,min_amount\nP1,活期宝,货币基金,R1,1.80,,1\nP3,平衡混合,混合基金,R3,5.00,,1000\nP4,成长股票,股票基金,R4,8.00,,1000\n",
    );
    let mut answers = String::from("client_id,answered_on,question,answer\n");
    for (client, picks) in [("C1", "B C B C C C C C C D"), ("C3", "E A A B A A A A A A")] {
        for (i, o) in picks.split(' ').enumerate() {
            answers.push_str(&format!("{client},2026-09-01,q{},{o}\n", i + 1));
        }
    }
    write(dir, "risk_answers", &answers);
    write(
        dir,
        "finances",
        "client_id,as_of,kind,category,amount\nC1,2026-09-01,income,经营收入,500000\nC1,2026-09-01,expense,经营支出,300000\nC1,2026-09-01,asset,活期存款,3000000\n",
    );
    write(
        dir,
        "scores",
        "period,manager_id,rater_id,relation,dimension,item,score\n2026-Q3,M1,H1,superior,综合,职业操守与服务,38\n2026-Q3,M2,H1,superior,综合,职业操守与服务,30\n2026-Q3,M3,H2,superior,综合,职业操守与服务,35\n",
    );
}

pub fn fixture(name: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = scratch_db(dir.path(), &format!("web_{name}"));
    let url = db.url.clone();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    write_data(&data);
    let mut store = Store::open(&url).unwrap();
    store.set_actor("fixture");
    let org = store.ensure_org("bank", "测试银行").unwrap();
    for t in [
        "org_units",
        "tracks",
        "grades",
        "managers",
        "clients",
        "accounts",
        "ownership",
        "balances",
        "targets",
        "scores",
        "outings",
        "work_logs",
        "products",
        "risk_answers",
        "finances",
    ] {
        let table = kejing_io::Table::parse(t).unwrap();
        store
            .import(
                &org,
                table,
                &data.join(format!("{t}.csv")),
                &Default::default(),
                &mut |_, _, _| {},
            )
            .unwrap_or_else(|e| panic!("{t}: {e}"));
    }
    let setup = kejing_app::Actor::admin(&org, "setup");
    let policy =
        kejing_app::catalogue::load(&policies_dir().join("cixi-deposits/policy.toml")).unwrap();
    let run = kejing_app::settlement::run(&mut store, &setup, &policy, "2026-09".parse().unwrap())
        .unwrap()
        .id;
    for (user, role, manager, unit) in USERS {
        kejing::cli::add_user(
            &mut store, &org, user, user, role, *manager, *unit, PASSWORD,
        )
        .unwrap();
    }
    let transfer = kejing_app::transfers::request(
        &mut store,
        &setup,
        &kejing_app::transfers::TransferInput {
            client: "C2".into(),
            from: "M2".into(),
            to: "M1".into(),
            effective_on: "2026-10-01".parse().unwrap(),
            reason: "M2 调岗".into(),
        },
    )
    .unwrap();
    let dispute = store
        .raise_dispute(&org, run, "M1", "存款绩效薪酬", "余额有误")
        .unwrap();
    let grades =
        kejing_app::catalogue::load(&policies_dir().join("bank-grades/policy.toml")).unwrap();
    let assessment =
        kejing_app::assessment::run(&mut store, &setup, &grades, "2026-Q3".parse().unwrap())
            .unwrap();
    let agreement = kejing_app::agreements::request(
        &mut store,
        &setup,
        &kejing_app::agreements::AgreementInput {
            client: "C3".into(),
            manager: "M1".into(),
            terms: "协议价 九折".into(),
            investigation: "营业执照已核".into(),
        },
    )
    .unwrap();
    // An open claim: M2 asks for half of C1 (M1's).
    kejing_app::claims::request(
        &mut store,
        &setup,
        &kejing_app::claims::ClaimInput {
            client: "C1".into(),
            manager: "M2".into(),
            share: Some("0.5".into()),
            effective_on: "2026-10-01".parse().unwrap(),
            reason: "共同营销".into(),
        },
    )
    .unwrap();
    // Advice letters #1 (C1, M1's client) and #2 (C3, M3's).
    let advice_dir = policies_dir().join("ccb-advice");
    let advice = kejing_app::catalogue::load(&advice_dir).unwrap();
    let template = kejing_app::advice::template_of(&advice, &advice_dir).unwrap();
    for (client, product) in [("C1", "P3"), ("C3", "P1")] {
        kejing_app::advice::generate_stored(
            &mut store,
            &setup,
            &advice,
            &template,
            &kejing_letter::LetterRequest {
                client,
                on: "2026-10-15".parse().unwrap(),
                manager: None,
                products: vec![product.into()],
            },
            false,
        )
        .unwrap();
    }
    // Two saved what-if scenarios (a result as the what-if page computes it).
    let result = serde_json::json!({
        "policy": "cixi-deposits", "period": "2026-09", "changes": ["incremental_rate=0.2"],
        "changed": 1, "count": 1, "total_a": "100.00", "total_b": "120.00", "total_diff": "20.00",
        "rows": [{"manager": "M1", "a": "100.00", "b": "120.00", "diff": "20.00"}],
        "by_unit": [{"key": "B01S1", "count": 1, "a": "100.00", "b": "120.00", "diff": "20.00", "diff_fen": 2000}],
        "by_grade": [{"key": "一级", "count": 1, "a": "100.00", "b": "120.00", "diff": "20.00", "diff_fen": 2000}],
    })
    .to_string();
    let mut scenario = |who: &kejing_app::Actor, name: &str| {
        kejing_app::scenarios::save(
            &mut store,
            who,
            &kejing_app::scenarios::NewScenario {
                name,
                policy: "cixi-deposits",
                period: "2026-09",
                changes: "incremental_rate=0.2",
                total_diff: "20.00",
                result: &result,
            },
        )
        .unwrap()
    };
    let mut branch = setup.clone();
    branch.name = "branch".into();
    branch.role = kejing_app::Role::BranchHead;
    let scenarios = (scenario(&setup, "比例 0.2"), scenario(&branch, "支行测算"));
    drop(store);
    let app = App::new(Config {
        db: url.clone(),
        policies: policies_dir(),
        uploads: dir.path().join("uploads"),
        secure_cookies: false,
    })
    .unwrap();
    Fixture {
        dir,
        url,
        app,
        run,
        transfer,
        dispute,
        assessment,
        agreement,
        scenarios,
        _db: db,
    }
}

/// An amount cell of a workbook read back by calamine, exactly, in fen: the cell's shortest
/// decimal text (a number with more than two decimals fails the test); `None` if not a number.
pub fn xlsx_fen(c: &calamine::Data) -> Option<i64> {
    match c {
        calamine::Data::Float(f) => {
            let cents = f.to_string().parse::<rust_decimal::Decimal>().ok()?
                * rust_decimal::Decimal::ONE_HUNDRED;
            assert!(cents.fract().is_zero(), "{f} has more than two decimals");
            rust_decimal::prelude::ToPrimitive::to_i64(&cents)
        }
        calamine::Data::Int(i) => Some(i * 100),
        _ => None,
    }
}
