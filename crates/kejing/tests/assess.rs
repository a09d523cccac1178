//! Assessment in database mode: a proposal changes nothing until approved; after approval the
//! grade history shows the change from its effective day, and the next settlement pays the new
//! grade's amounts. On SQLite, or PostgreSQL with `KEJING_TEST_PG_URL`.

mod common;

use kejing_store::Store;
use std::path::Path;

fn policy() -> kejing_engine::policy::Policy {
    kejing_app::catalogue::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies/bank-grades/policy.toml"),
    )
    .unwrap()
}

/// Imports the data folder's tables, references first.
fn import_all(store: &mut Store, org: &kejing_store::Org, data: &Path) {
    for t in [
        "tracks",
        "grades",
        "managers",
        "clients",
        "accounts",
        "ownership",
        "balances",
        "scores",
    ] {
        store
            .import(
                org,
                kejing_io::Table::parse(t).unwrap(),
                &data.join(format!("{t}.csv")),
                &Default::default(),
                &mut |_, _, _| {},
            )
            .unwrap_or_else(|e| panic!("{t}: {e}"));
    }
}

#[test]
fn a_proposal_changes_nothing_until_approved_then_the_next_settlement_pays_the_new_grade() {
    let tmp = tempfile::tempdir().unwrap();
    let g = common::scratch_db(tmp.path(), "assess_approve");
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let w =
        |name: &str, text: &str| std::fs::write(data.join(format!("{name}.csv")), text).unwrap();
    w(
        "managers",
        "manager_id,name,track,grade,staff_grade,status,hired_on,qualified,qualified_for,misconduct\nM1,王伟,corporate,三级,8等,active,2015-03-01,true,二级,false\nM2,李娜,corporate,三级,8等,active,2015-03-01,true,,false\n",
    );
    w("tracks", "track,name,is_cm\ncorporate,公司客户经理,true\n");
    // The 6-grade ladder with its staff grades (A1: 5, 6, 7, 8, 9, 9).
    w(
        "grades",
        "track,grade,rank,staff_grade\ncorporate,见习,1,9等\ncorporate,四级,2,9等\ncorporate,三级,3,8等\ncorporate,二级,4,7等\ncorporate,一级,5,6等\ncorporate,高级,6,5等\n",
    );
    w(
        "clients",
        "client_id,name,kind\nC1,甲,company\nC2,乙,company\n",
    );
    w(
        "accounts",
        "account_id,client_id,product,currency\nA1,C1,demand,CNY\nA2,C2,demand,CNY\n",
    );
    w(
        "ownership",
        "client_id,manager_id,ratio,from\nC1,M1,1,2025-01-01\nC2,M2,1,2025-01-01\n",
    );
    // A big balance on the first day of each quarter, of December and of January: every daily
    // average is above the 二级 standard (20,000,000).
    let mut b = String::from("account_id,date,balance\n");
    for d in [
        "2026-01-01",
        "2026-04-01",
        "2026-07-01",
        "2026-10-01",
        "2026-12-01",
        "2027-01-01",
    ] {
        for a in ["A1", "A2"] {
            b.push_str(&format!("{a},{d},5000000000\n"));
        }
    }
    w("balances", &b);
    let mut s = String::from("period,manager_id,rater_id,relation,dimension,item,score\n");
    for q in 1..=4 {
        s.push_str(&format!(
            "2026-Q{q},M1,H1,superior,综合,职业操守与服务,40\n"
        ));
        s.push_str(&format!(
            "2026-Q{q},M2,H1,superior,综合,职业操守与服务,30\n"
        ));
    }
    w("scores", &s);

    let mut store = Store::open(&g.url).unwrap();
    store.set_actor("hr");
    let org = store.ensure_org("bank", "测试银行").unwrap();
    import_all(&mut store, &org, &data);
    let policy = policy();
    let history_before = store.grade_history(&org, "M1").unwrap();

    // The assessment proposes; nothing changes.
    let run = kejing_app::assessment::run(
        &mut store,
        &kejing_app::Actor::admin(&org, "hr"),
        &policy,
        "2026".parse().unwrap(),
    )
    .unwrap();
    let rows = store.assessment_rows(run).unwrap();
    let m1 = rows.iter().find(|r| r.manager == "M1").unwrap();
    assert_eq!(
        (
            m1.decision.as_str(),
            m1.new_grade.as_deref(),
            m1.status.as_str()
        ),
        ("promote", Some("二级"), "proposed")
    );
    let m2 = rows.iter().find(|r| r.manager == "M2").unwrap();
    assert_eq!(m2.decision, "keep");
    assert_eq!(
        store.grade_history(&org, "M1").unwrap(),
        history_before,
        "a proposal changes nothing"
    );
    let pay = |store: &mut Store, period: &str| {
        let run = kejing_app::settlement::run(
            store,
            &kejing_app::Actor::admin(&org, "pay"),
            &policy,
            period.parse().unwrap(),
        )
        .unwrap();
        run.lines
            .iter()
            .filter(|l| l.manager == "M1")
            .map(|l| (l.item.clone(), l.amount.to_string()))
            .collect::<Vec<_>>()
    };
    let before = pay(&mut store, "2027-01");
    assert!(
        before.contains(&("职位工资".into(), "1600.00".into())),
        "三级 before approval: {before:?}"
    );

    // Approved: the history shows 二级 from 2027-01-01 (the day after the period) …
    assert_eq!(
        store
            .approve_assessment(&org, run, &["M1".to_owned()], None)
            .unwrap(),
        1
    );
    let history = store.grade_history(&org, "M1").unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (
            last.effective_on.to_string().as_str(),
            last.grade.as_deref()
        ),
        ("2027-01-01", Some("二级"))
    );
    // A8: the staff grade follows the new grade (the grades table's 二级 → 7等), it is not
    // copied forward from 三级.
    assert_eq!(last.staff_grade.as_deref(), Some("7等"), "{last:?}");
    // … December is still paid at 三级, January at 二级.
    let december = pay(&mut store, "2026-12");
    assert!(
        december.contains(&("职位工资".into(), "1600.00".into())),
        "{december:?}"
    );
    assert!(
        december.contains(&("季度业绩奖金".into(), "3000.00".into())),
        "{december:?}"
    );
    let january = pay(&mut store, "2027-01");
    assert!(
        january.contains(&("职位工资".into(), "2000.00".into())),
        "二级 after approval: {january:?}"
    );
    assert!(
        january.contains(&("两费津贴".into(), "600.00".into())),
        "{january:?}"
    );

    // Approved once; M2's proposal (keep) is still open and changes nothing when approved.
    assert!(
        store
            .approve_assessment(&org, run, &["M1".to_owned()], None)
            .is_err()
    );
    assert_eq!(store.approve_assessment(&org, run, &[], None).unwrap(), 1);
    assert_eq!(
        store
            .grade_history(&org, "M2")
            .unwrap()
            .last()
            .unwrap()
            .grade
            .as_deref(),
        Some("三级")
    );
    let audit = store.audit_log(50).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "approve" && e.key == format!("{run}/M1"))
    );
    assert!(audit.iter().any(|e| e.action == "assess"));
}

/// A2: an approved grade must be on the track's ladder in the organisation's grades table; a
/// proposal that leaves it is refused and nothing is written.
#[test]
fn an_approval_that_moves_a_cm_off_their_tracks_ladder_is_refused_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let g = common::scratch_db(tmp.path(), "assess_off_ladder");
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let w =
        |name: &str, text: &str| std::fs::write(data.join(format!("{name}.csv")), text).unwrap();
    w("tracks", "track,name,is_cm\ncorporate,公司客户经理,true\n");
    // This organisation's corporate ladder stops at 三级: 二级 is not on it.
    w(
        "grades",
        "track,grade,rank,staff_grade\ncorporate,见习,1,9等\ncorporate,四级,2,9等\ncorporate,三级,3,8等\n",
    );
    w(
        "managers",
        "manager_id,name,track,grade,staff_grade,status,hired_on,qualified,qualified_for,misconduct\nM1,王伟,corporate,三级,8等,active,2015-03-01,true,二级,false\n",
    );
    w("clients", "client_id,name,kind\nC1,甲,company\n");
    w(
        "accounts",
        "account_id,client_id,product,currency\nA1,C1,demand,CNY\n",
    );
    w(
        "ownership",
        "client_id,manager_id,ratio,from\nC1,M1,1,2025-01-01\n",
    );
    let mut b = String::from("account_id,date,balance\n");
    for d in ["2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01"] {
        b.push_str(&format!("A1,{d},5000000000\n"));
    }
    w("balances", &b);
    let mut s = String::from("period,manager_id,rater_id,relation,dimension,item,score\n");
    for q in 1..=4 {
        s.push_str(&format!(
            "2026-Q{q},M1,H1,superior,综合,职业操守与服务,40\n"
        ));
    }
    w("scores", &s);
    let mut store = Store::open(&g.url).unwrap();
    store.set_actor("hr");
    let org = store.ensure_org("bank", "测试银行").unwrap();
    import_all(&mut store, &org, &data);
    let run = kejing_app::assessment::run(
        &mut store,
        &kejing_app::Actor::admin(&org, "hr"),
        &policy(),
        "2026".parse().unwrap(),
    )
    .unwrap();
    let rows = store.assessment_rows(run).unwrap();
    assert_eq!(rows[0].new_grade.as_deref(), Some("二级"), "{rows:?}");
    let before = store.grade_history(&org, "M1").unwrap();
    let e = store
        .approve_assessment(&org, run, &[], None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("grade 二级 is not on the ladder of track corporate (grades table)"),
        "{e}"
    );
    assert_eq!(store.grade_history(&org, "M1").unwrap(), before);
    let rows = store.assessment_rows(run).unwrap();
    assert_eq!(rows[0].status, "proposed", "the proposal stays open");
}

/// A1, A8 (银行客户经理管理办法(试行) 第十一条): the staff-grade band follows the tier on the
/// manager's own track: a 营销设计经理 promoted to 高级二档 gets their track's 7级1档, not the
/// 3级2档 that 高级二档 carries on the 市场经理 ladder. The bands are the shipped example
/// grades table of bank-11-tiers.
#[test]
fn an_approved_tier_move_writes_the_staff_grade_band_of_the_managers_own_track() {
    let tmp = tempfile::tempdir().unwrap();
    let g = common::scratch_db(tmp.path(), "assess_bands");
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let w =
        |name: &str, text: &str| std::fs::write(data.join(format!("{name}.csv")), text).unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies/bank-11-tiers");
    std::fs::copy(shipped.join("grades.csv"), data.join("grades.csv")).unwrap();
    w(
        "tracks",
        "track,name,is_cm\n市场经理,市场经理,true\n信贷业务经理,信贷业务经理,true\n营销设计经理,营销设计经理,true\n",
    );
    w(
        "managers",
        "manager_id,name,track,grade,staff_grade,status,hired_on\nM1,吴刚,市场经理,客户经理二档,7级1档,active,2014-01-01\nM2,冯雪,营销设计经理,客户经理一档,8级1档,active,2012-01-01\n",
    );
    let mut s = String::from("period,manager_id,rater_id,relation,dimension,item,score\n");
    for m in ["M1", "M2"] {
        for d in [
            "工作业绩",
            "职业操守",
            "基础管理工作",
            "信贷业务操作与管理",
            "服务质量",
        ] {
            s.push_str(&format!("2026-Q1,{m},H1,superior,{d},{d},95\n"));
        }
    }
    w("scores", &s);
    let mut store = Store::open(&g.url).unwrap();
    store.set_actor("hr");
    let org = store.ensure_org("bank11", "十一档银行").unwrap();
    for t in ["tracks", "grades", "managers", "scores"] {
        store
            .import(
                &org,
                kejing_io::Table::parse(t).unwrap(),
                &data.join(format!("{t}.csv")),
                &Default::default(),
                &mut |_, _, _| {},
            )
            .unwrap_or_else(|e| panic!("{t}: {e}"));
    }
    let policy = kejing_app::catalogue::load(&shipped.join("policy.toml")).unwrap();
    let run = kejing_app::assessment::run(
        &mut store,
        &kejing_app::Actor::admin(&org, "hr"),
        &policy,
        "2026-Q1".parse().unwrap(),
    )
    .unwrap();
    let rows = store.assessment_rows(run).unwrap();
    let new = |m: &str| {
        rows.iter()
            .find(|r| r.manager == m)
            .and_then(|r| r.new_grade.clone())
    };
    assert_eq!(new("M1").as_deref(), Some("客户经理一档"), "{rows:?}");
    assert_eq!(new("M2").as_deref(), Some("高级二档"), "{rows:?}");
    assert_eq!(store.approve_assessment(&org, run, &[], None).unwrap(), 2);
    let staff = |store: &mut Store, m: &str| {
        let h = store.grade_history(&org, m).unwrap();
        let last = h.last().unwrap();
        (
            last.effective_on.to_string(),
            last.grade.clone().unwrap_or_default(),
            last.staff_grade.clone().unwrap_or_default(),
        )
    };
    assert_eq!(
        staff(&mut store, "M1"),
        ("2026-04-01".into(), "客户经理一档".into(), "6级1档".into())
    );
    assert_eq!(
        staff(&mut store, "M2"),
        ("2026-04-01".into(), "高级二档".into(), "7级1档".into())
    );
}
