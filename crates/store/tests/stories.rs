//! Story tests of the foundation, run against the backend the environment names:
//! MySQL/MariaDB when `KEJING_TEST_MYSQL_URL` is set, PostgreSQL when `KEJING_TEST_PG_URL` is
//! (a fresh database per test), else SQLite in a temporary file. CI runs the suite each way.

use chrono::NaiveDate;
use kejing_engine::Ratio;
use kejing_io::{ReadOptions, Table};
use kejing_store::scratch::ScratchDb;
use kejing_store::{ImportError, ImportOptions, ImportReport, Org, Store};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

struct Env {
    store: Store,
    org: Org,
    dir: tempfile::TempDir,
    db: ScratchDb,
}

fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let db = ScratchDb::for_tests("kejing_t", &dir.path().join("test.db")).unwrap();
    let url = db.url.clone();
    let mut store = Store::open(&url).unwrap();
    store.set_actor("story-test");
    let org = store.ensure_org("bank", "Test Bank").unwrap();
    Env {
        store,
        org,
        dir,
        db,
    }
}

impl Env {
    fn file(&self, name: &str, content: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    fn import(&mut self, table: Table, path: &Path) -> Result<ImportReport, ImportError> {
        self.store.import(
            &self.org,
            table,
            path,
            &ImportOptions {
                read: ReadOptions::default(),
                today: Some(d("2026-09-30")),
                source: None,
            },
            &mut |_, _, _| {},
        )
    }

    fn load(&mut self, table: Table, content: &str) -> ImportReport {
        let p = self.file(&format!("{}.csv", table.name()), content);
        self.import(table, &p).unwrap_or_else(|e| panic!("{e}"))
    }

    fn count(&mut self, table: Table) -> i64 {
        let org = self.org.clone();
        self.store
            .counts(&org)
            .unwrap()
            .into_iter()
            .find(|(t, _)| *t == table)
            .unwrap()
            .1
    }

    fn owners(&mut self, client: &str, account: Option<&str>, day: &str) -> Vec<(String, String)> {
        let org = self.org.clone();
        self.store
            .owners_on(&org, client, account, d(day))
            .unwrap()
            .into_iter()
            .map(|(m, r)| (m, r.to_string()))
            .collect()
    }

    /// Managers M1–M3, clients C1–C3, accounts A1 (C1), A2 (C1), A3 (C2).
    fn base(&mut self) {
        self.load(
            Table::Managers,
            "manager_id,name,track,grade,hired_on,base_salary\nM1,王伟,corporate,一级,2015-03-01,3000\nM2,李娜,corporate,二级,2018-07-01,2800\nM3,张敏,personal,见习,2026-01-05,2000\n",
        );
        self.load(
            Table::Clients,
            "client_id,name,kind,client_type,agreement\nC1,钢厂,company,规模以上企业,false\nC2,强丰机械,company,中小型工矿企业,false\nC3,王先生,person,,false\n",
        );
        self.load(
            Table::Accounts,
            "account_id,client_id,product,currency,rate,term_months\nA1,C1,demand,CNY,0.35,\nA2,C1,time,CNY,1.75,36\nA3,C2,margin,CNY,1.3,6\n",
        );
    }
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn bad_rows(e: &ImportError) -> Vec<usize> {
    match e {
        ImportError::Read(r) => {
            let mut rows: Vec<usize> = r.row_errors().iter().map(|e| e.row).collect();
            rows.dedup();
            rows
        }
        other => panic!("expected row errors, got {other}"),
    }
}

#[test]
fn a_balances_file_with_three_bad_rows_writes_nothing_and_reports_all_three() {
    let mut env = env();
    env.base();
    let mut csv = String::from("account_id,date,balance\n");
    let start = d("2026-01-01");
    for i in 0..10_000u32 {
        let day = start + chrono::Days::new(u64::from(i / 3));
        let account = ["A1", "A2", "A3"][(i % 3) as usize];
        let row = i + 2;
        match row {
            1_234 => writeln!(csv, "A1,{day},12x4.00").unwrap(),
            5_000 => writeln!(csv, "NOPE,{day},10.00").unwrap(),
            9_999 => writeln!(csv, "{account},2026-02-30,10.00").unwrap(),
            _ => writeln!(csv, "{account},{day},{}.{:02}", 1000 + i, i % 100).unwrap(),
        }
    }
    let path = env.file("balances.csv", &csv);
    let err = env.import(Table::Balances, &path).unwrap_err();
    assert_eq!(bad_rows(&err), vec![1_234, 5_000, 9_999]);
    let text = err.to_string();
    assert!(text.contains("balances.csv"), "{text}");
    assert!(
        text.contains("row 1234, column balance, value \"12x4.00\""),
        "{text}"
    );
    assert!(
        text.contains("row 5000, column account_id, value \"NOPE\": unknown account"),
        "{text}"
    );
    assert!(text.contains("row 9999, column date"), "{text}");
    assert!(text.contains("nothing was written"), "{text}");
    assert_eq!(env.count(Table::Balances), 0);

    // Fixed, it imports; a second import of the same file changes nothing.
    let fixed = csv
        .replace("A1,2026-14-12,12x4.00", "")
        .lines()
        .enumerate()
        .filter(|(i, _)| ![1_233usize, 4_999, 9_998].contains(i))
        .map(|(_, l)| format!("{l}\n"))
        .collect::<String>();
    let path = env.file("balances.csv", &fixed);
    let first = env.import(Table::Balances, &path).unwrap();
    assert_eq!(
        (first.rows_read, first.written, first.unchanged),
        (9_997, 9_997, 0)
    );
    let again = env.import(Table::Balances, &path).unwrap();
    assert_eq!((again.written, again.unchanged), (0, 9_997));
    assert_eq!(env.count(Table::Balances), 9_997);
}

#[test]
fn shares_must_sum_to_one_on_every_day() {
    let mut env = env();
    env.base();
    let path = env.file(
        "ownership.csv",
        "client_id,account_id,manager_id,ratio,from,to\nC1,,M1,0.6,2026-09-01,\nC1,,M2,0.3,2026-09-01,\n",
    );
    let err = env.import(Table::Ownership, &path).unwrap_err();
    assert_eq!(bad_rows(&err), vec![2, 3]);
    let text = err.to_string();
    assert!(text.contains("client C1"), "{text}");
    assert!(text.contains("sum to 0.9 on 2026-09-01"), "{text}");
    assert_eq!(env.count(Table::Ownership), 0);

    env.load(
        Table::Ownership,
        "client_id,account_id,manager_id,ratio,from,to\nC1,,M1,0.6,2026-09-01,\nC1,,M2,0.4,2026-09-01,\n",
    );
    assert_eq!(
        env.owners("C1", None, "2026-09-10"),
        vec![("M1".into(), "0.6".into()), ("M2".into(), "0.4".into())]
    );
}

#[test]
fn a_transfer_on_the_16th_keeps_the_old_owner_for_days_1_to_15() {
    let mut env = env();
    env.base();
    env.load(
        Table::Ownership,
        "client_id,manager_id,ratio,from\nC2,M1,1,2026-01-01\n",
    );
    let report = env.load(
        Table::Ownership,
        "client_id,manager_id,ratio,from\nC2,M2,1,2026-09-16\n",
    );
    assert_eq!(report.written, 2, "one close and one new version");
    for day in 1..=15 {
        let day = format!("2026-09-{day:02}");
        assert_eq!(
            env.owners("C2", Some("A3"), &day),
            vec![("M1".into(), "1".into())],
            "{day}"
        );
    }
    for day in 16..=30 {
        let day = format!("2026-09-{day:02}");
        assert_eq!(
            env.owners("C2", Some("A3"), &day),
            vec![("M2".into(), "1".into())],
            "{day}"
        );
    }
    // History is kept, not rewritten.
    let org = env.org.clone();
    let history = env.store.ownership_history(&org, "C2").unwrap();
    let lines: Vec<(String, NaiveDate, Option<NaiveDate>)> = history
        .iter()
        .map(|l| (l.manager.clone(), l.from, l.to))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("M1".into(), d("2026-01-01"), Some(d("2026-09-15"))),
            ("M2".into(), d("2026-09-16"), None)
        ]
    );
    // The same transfer again changes nothing; a change dated before it is refused.
    let again = env.load(
        Table::Ownership,
        "client_id,manager_id,ratio,from\nC2,M2,1,2026-09-16\n",
    );
    assert_eq!((again.written, again.unchanged), (0, 1));
    let path = env.file(
        "late.csv",
        "client_id,manager_id,ratio,from\nC2,M3,1,2026-09-10\n",
    );
    let err = env.import(Table::Ownership, &path).unwrap_err();
    assert!(err.to_string().contains("rewrite history"), "{err}");
    // The ledger's audit trail shows the close and the new version.
    let log = env.store.audit_log(50).unwrap();
    assert!(
        log.iter()
            .any(|e| e.entity == "ownership" && e.action == "close")
    );
    assert!(log.iter().all(|e| e.actor == "story-test"));
}

#[test]
fn account_level_ownership_overrides_the_client_on_its_days() {
    let mut env = env();
    env.base();
    env.load(
        Table::Ownership,
        "client_id,account_id,manager_id,ratio,from,to\nC1,,M1,1,2026-01-01,\nC1,A2,M2,0.6,2026-09-10,2026-09-20\nC1,A2,M3,0.4,2026-09-10,2026-09-20\n",
    );
    assert_eq!(
        env.owners("C1", Some("A2"), "2026-09-09"),
        vec![("M1".into(), "1".into())]
    );
    assert_eq!(
        env.owners("C1", Some("A2"), "2026-09-10"),
        vec![("M2".into(), "0.6".into()), ("M3".into(), "0.4".into())]
    );
    assert_eq!(
        env.owners("C1", Some("A1"), "2026-09-10"),
        vec![("M1".into(), "1".into())]
    );
    assert_eq!(
        env.owners("C1", Some("A2"), "2026-09-21"),
        vec![("M1".into(), "1".into())]
    );
}

#[test]
fn overlapping_versions_of_one_manager_are_rejected() {
    let mut env = env();
    env.base();
    let path = env.file(
        "ownership.csv",
        "client_id,manager_id,ratio,from,to\nC3,M1,1,2026-01-01,2026-06-30\nC3,M1,1,2026-06-01,\n",
    );
    let err = env.import(Table::Ownership, &path).unwrap_err();
    assert!(
        err.to_string().contains("two versions that share days"),
        "{err}"
    );
    assert_eq!(env.count(Table::Ownership), 0);
}

#[test]
fn master_data_changes_are_audited_and_grade_changes_keep_their_history() {
    let mut env = env();
    env.base();
    let again = env.load(
        Table::Managers,
        "manager_id,name,track,grade,hired_on,base_salary\nM1,王伟,corporate,一级,2015-03-01,3000\n",
    );
    assert_eq!((again.written, again.unchanged), (0, 1));
    // Promotion effective 2026-10-01; the salary column is absent, so the salary is kept.
    let promoted = env.load(
        Table::Managers,
        "manager_id,name,track,grade,changed_on\nM1,王伟,corporate,高级,2026-10-01\n",
    );
    assert_eq!(promoted.written, 1);
    let org = env.org.clone();
    let history = env.store.grade_history(&org, "M1").unwrap();
    let grades: Vec<(NaiveDate, Option<String>)> = history
        .iter()
        .map(|h| (h.effective_on, h.grade.clone()))
        .collect();
    assert_eq!(
        grades,
        vec![
            (d("2015-03-01"), Some("一级".into())),
            (d("2026-10-01"), Some("高级".into()))
        ]
    );
    let exported = env.store.export_rows(&org, Table::Managers).unwrap();
    let m1 = exported.iter().find(|r| r[0] == "M1").unwrap();
    assert_eq!(m1[4], "高级");
    assert_eq!(m1[11], "3000.00", "base salary kept");
    let log = env.store.audit_log(100).unwrap();
    let update = log
        .iter()
        .find(|e| e.entity == "managers" && e.action == "update" && e.key == "M1")
        .unwrap();
    assert_eq!(update.before.as_ref().unwrap()["grade"], "一级");
    assert_eq!(update.after.as_ref().unwrap()["grade"], "高级");
}

#[test]
fn the_audit_log_cannot_be_changed_or_deleted() {
    let mut env = env();
    env.base();
    let conn = env.store.conn();
    assert!(
        conn.exec("UPDATE audit_log SET actor = 'someone else'", &[])
            .is_err()
    );
    assert!(conn.exec("DELETE FROM audit_log", &[]).is_err());
    assert!(!env.store.audit_log(5).unwrap().is_empty());
}

#[test]
fn bad_input_is_named_by_file_row_and_column_and_nothing_is_written() {
    let mut env = env();
    env.base();
    // A missing column.
    let p = env.file("b1.csv", "account_id,balance\nA1,10\n");
    let e = env.import(Table::Balances, &p).unwrap_err().to_string();
    assert!(
        e.contains("b1.csv") && e.contains("missing required column(s) date"),
        "{e}"
    );
    // An empty file, and a header with no rows.
    let p = env.file("b2.csv", "");
    assert!(
        env.import(Table::Balances, &p)
            .unwrap_err()
            .to_string()
            .contains("empty")
    );
    let p = env.file("b3.csv", "account_id,date,balance\n");
    assert!(
        env.import(Table::Balances, &p)
            .unwrap_err()
            .to_string()
            .contains("no data rows")
    );
    // Duplicate keys within a file.
    let p = env.file(
        "b4.csv",
        "account_id,date,balance\nA1,2026-09-01,1\nA1,2026-09-01,2\n",
    );
    let e = env.import(Table::Balances, &p).unwrap_err().to_string();
    assert!(
        e.contains("row 3") && e.contains("the same account and date as row 2"),
        "{e}"
    );
    // Unknown manager and client in payments; an amount below the fen.
    let p = env.file(
        "pay.csv",
        "date,manager_id,client_id,quantity,amount,gross_profit\n2026-09-01,M9,C1,1,100,10\n2026-09-01,M1,C9,1,100,10\n2026-09-01,M1,C1,1,100.005,10\n",
    );
    let err = env.import(Table::Payments, &p).unwrap_err();
    assert_eq!(bad_rows(&err), vec![2, 3, 4]);
    let e = err.to_string();
    assert!(
        e.contains("unknown customer manager")
            && e.contains("unknown client")
            && e.contains("two decimals"),
        "{e}"
    );
    assert_eq!(env.count(Table::Payments), 0);
    assert_eq!(env.count(Table::Balances), 0);
}

#[test]
fn a_gbk_file_is_read_and_chinese_headers_are_understood() {
    let mut env = env();
    let text = "客户经理编号,姓名,类别,入职日期,底薪\nG1,武立新,sales,2011-03-01,\"2,000\"\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    let p = env.dir.path().join("managers.csv");
    std::fs::write(&p, &bytes).unwrap();
    let report = env.import(Table::Managers, &p).unwrap();
    assert_eq!(report.written, 1);
    assert!(report.warnings.iter().any(|w| w.contains("GBK")));
    let org = env.org.clone();
    let rows = env.store.export_rows(&org, Table::Managers).unwrap();
    assert_eq!(rows[0][1], "武立新");
    assert_eq!(rows[0][11], "2000.00");
    // Refusing non-UTF-8 names the option to use.
    let strict = env.store.import(
        &org,
        Table::Managers,
        &p,
        &ImportOptions {
            read: ReadOptions {
                encoding: kejing_io::Encoding::Utf8,
                sheet: None,
            },
            today: None,
            source: None,
        },
        &mut |_, _, _| {},
    );
    assert!(strict.unwrap_err().to_string().contains("--encoding gbk"));
}

#[test]
fn sales_and_payments_import_idempotently_even_without_document_numbers() {
    let mut env = env();
    env.base();
    let content = "date,manager_id,client_id,quantity,amount,gross_profit\n2026-09-01,M1,C1,1.5,2936025.64,300\n2026-09-01,M1,C1,1.5,2936025.64,300\n2026-09-02,M2,C2,2,975811.91,100\n";
    let first = env.load(Table::Payments, content);
    assert_eq!(first.written, 3, "two identical rows are two payments");
    let again = env.load(Table::Payments, content);
    assert_eq!((again.written, again.unchanged), (0, 3));
    let org = env.org.clone();
    let rows = env.store.export_rows(&org, Table::Payments).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][5], "2936025.64");
}

#[test]
fn every_table_exports_and_reimports_unchanged() {
    let mut env = env();
    env.base();
    env.load(
        Table::OrgUnits,
        "unit_id,name,parent_id,kind\nHQ,总行,,总行\nB1,第一分行,HQ,分行\n",
    );
    env.load(
        Table::Tracks,
        "track,name,is_cm\ncorporate,公司,true\npersonal,个人,true\n",
    );
    env.load(Table::Grades, "track,grade,rank,staff_grade,title\ncorporate,高级,6,5等,高级客户经理\ncorporate,一级,5,6等,客户经理\ncorporate,二级,4,7等,客户经理\n");
    env.load(
        Table::Ownership,
        "client_id,manager_id,ratio,from\nC1,M1,1,2026-01-01\n",
    );
    env.load(
        Table::Balances,
        "account_id,date,balance\nA1,2026-09-01,1.50\n",
    );
    env.load(
        Table::Targets,
        "manager_id,period,measure,target\nM1,2026-Q3,quantity,9\n",
    );
    env.load(Table::Sales, "sale_id,date,manager_id,client_id,quantity,amount,gross_profit\nS1,2026-09-01,M1,C1,1,100,10\n");
    env.load(
        Table::Payments,
        "payment_id,date,manager_id,client_id,quantity,amount\nP1,2026-09-01,M1,C1,1,100\n",
    );
    env.load(Table::Bookings, "booking_id,manager_id,client_id,registered_at,arrival_at,amount,approved,complaint\nB1,M1,C3,2026-09-01 10:00,2026-09-01 18:30,1200,true,false\n");
    env.load(Table::Scores, "period,manager_id,rater_id,relation,dimension,item,score\n2026-Q3,M1,M2,peer,业绩,存款,85.5\n");
    env.load(
        Table::Adjustments,
        "period,manager_id,item,amount,reason\n2026-09,M1,年终奖,-100,更正\n",
    );
    env.load(
        Table::Tallies,
        "manager_id,period,measure,value,note\nM1,2026-09,cash_received,100.50,自记\nM1,2026-09,paid_quantity,1,\n",
    );
    env.load(
        Table::Calendar,
        "date,working,note\n2026-10-01,false,国庆节\n2026-10-10,true,调休\n",
    );
    env.load(Table::Briefings, "date,unit,manager_id,status,notified_at,chaired_by\n2026-09-01,B1,M1,leave,2026-08-31 17:00,H1\n");
    env.load(Table::Outings, "outing_id,manager_id,client_id,purpose,left_at,expected_back_at,returned_at,duty\nO1,M1,C1,回访,2026-09-01 09:00,2026-09-01 16:00,,true\n");
    env.load(Table::Visits, "visit_id,manager_id,client_id,outing_id,visited_on,person,department,title,purpose,expected_result,outcome,info,next_step,next_on\nV1,M1,C1,O1,2026-09-01,赵,财务,科长,回访,续贷,同意,\"资金紧, 年底\",准备材料,2026-09-08\n");
    env.load(Table::WorkLogs, "manager_id,date,text,signed_by,signed_at,comment,plan_next\nM1,2026-09-01,走访,H1,2026-09-01 18:00,可,续贷\n");
    env.load(Table::Prospects, "prospect_id,manager_id,name,stage,first_contact_on,converted_on,client_id\nP1,M1,张先生,client,2026-09-01,2026-09-02,C1\n");
    env.load(Table::CreditRegister, "entry_id,manager_id,client_id,kind,amount,reported_at,registered_at,loan_card_checked_at\nE1,M1,C1,loan,5000000.5,2026-09-01 10:30,2026-09-01 10:00,2026-09-01 09:00\n");
    env.load(Table::RetailVisits, "visit_id,manager_id,client_id,visited_on,stock,sales_trend,demand,listed_brands,new_brand_packs,advice\nR1,M1,C1,2026-09-01,35,上升,中档,18,2,减库存\n");
    env.load(Table::Meetings, "meeting_id,manager_id,kind,held_on,called_at,status,notified_at,chaired_by,minutes\nG1,M1,notice,2026-09-03,2026-09-03 09:00,present,,H1,接待安排\n");
    env.load(Table::ActionItems, "item_id,manager_id,meeting_id,text,due_on,done_on\nA1,M1,G1,准备材料,2026-09-10,2026-09-09\n");
    env.load(Table::Reports, "report_id,manager_id,kind,period,submitted_at\nT1,M1,internal_assessment,2026-09,2026-10-09 10:00\n");
    env.load(Table::Products, "product_id,name,kind,risk_level,expected_return,term_months,min_amount\nP1,活期宝,货币基金,R1,1.80,,1\nP2,\"稳利, 90 天\",理财产品,R2,2.9,3,10000.00\n");
    env.load(
        Table::RiskAnswers,
        "client_id,answered_on,question,answer\nC1,2026-09-01,q1,B\nC1,2026-09-01,q2,C\n",
    );
    env.load(Table::Finances, "client_id,as_of,kind,category,amount\nC1,2026-09-01,收入,工资,180000\nC1,2026-09-01,asset,活期存款,50000.50\n");
    env.load(
        Table::Goals,
        "client_id,goal,amount,due_on\nC1,养老,1000000,2046-01-01\n",
    );
    env.load(
        Table::Holdings,
        "client_id,product_id,amount,as_of\nC1,P1,30000,2026-09-30\n",
    );
    let org = env.org.clone();
    for &t in Table::ALL {
        for ext in ["csv", "xlsx"] {
            let rows = env.store.export_rows(&org, t).unwrap();
            assert!(!rows.is_empty(), "{t}");
            let p = env.dir.path().join(format!("export-{}.{ext}", t.name()));
            kejing_io::write_table(&p, t, &rows).unwrap();
            let report = env
                .import(t, &p)
                .unwrap_or_else(|e| panic!("{t} {ext}: {e}"));
            assert_eq!(report.written, 0, "{t} {ext} changed on re-import");
            assert_eq!(report.unchanged as usize, rows.len(), "{t} {ext}");
        }
    }
    let ratio = env
        .store
        .owners_on(&org, "C1", None, d("2026-09-01"))
        .unwrap();
    assert_eq!(ratio, vec![("M1".to_owned(), Ratio::ONE)]);
}

#[test]
fn every_backend_applies_the_same_migrations() {
    let mut env = env();
    // Every migration of the backend applied: the newest is 20 (form nonces).
    let newest = env.store.backend().migrations().last().map(|m| m.0);
    assert_eq!(newest, Some(20));
    assert_eq!(env.store.schema_version().unwrap(), 20);
}

/// A form's nonce is used once, whichever connection (server) sees it; old ones are forgotten.
#[test]
fn a_form_nonce_is_used_once_and_forgotten_after_a_day() {
    let mut env = env();
    assert!(env.store.use_form_nonce("n-1", 1_000_000).unwrap());
    let mut other = Store::open(&env.db.url).unwrap();
    assert!(!other.use_form_nonce("n-1", 1_000_005).unwrap());
    assert!(other.use_form_nonce("n-2", 1_000_005).unwrap());
    assert_eq!(env.store.forget_old_form_nonces(1_086_401).unwrap(), 1);
    assert!(env.store.use_form_nonce("n-1", 1_086_402).unwrap());
    assert!(!env.store.use_form_nonce("n-2", 1_086_402).unwrap());
}

#[test]
fn a_sale_without_an_id_reimported_with_a_corrected_amount_replaces_it() {
    let mut env = env();
    env.load(
        Table::Managers,
        "manager_id,name,hired_on\nM1,张三,2020-01-01\n",
    );
    env.load(Table::Clients, "client_id,name\nK1,甲\n");
    env.load(
        Table::Sales,
        "date,manager_id,client_id,quantity,amount\n2026-09-03,M1,K1,2,1000\n2026-09-03,M1,K1,1,500\n",
    );
    assert_eq!(env.count(Table::Sales), 2);
    let fixed = env.load(
        Table::Sales,
        "date,manager_id,client_id,quantity,amount\n2026-09-03,M1,K1,2,1200\n2026-09-03,M1,K1,1,500\n",
    );
    assert_eq!(
        (fixed.written, fixed.unchanged),
        (1, 1),
        "the corrected row replaces"
    );
    assert_eq!(env.count(Table::Sales), 2, "no second sale");
    let org = env.org.clone();
    let rows = env.store.export_rows(&org, Table::Sales).unwrap();
    assert!(
        rows.iter().any(|r| r.iter().any(|c| c == "1200.00")),
        "{rows:?}"
    );
    assert!(
        !rows.iter().any(|r| r.iter().any(|c| c == "1000.00")),
        "{rows:?}"
    );
}

#[test]
fn an_adjustment_named_total_is_refused() {
    let mut env = env();
    env.load(
        Table::Managers,
        "manager_id,name,hired_on\nM1,张三,2020-01-01\n",
    );
    let p = env.file(
        "adjustments.csv",
        "period,manager_id,item,amount\n2026-09,M1,total,100\n",
    );
    let err = env.import(Table::Adjustments, &p).unwrap_err().to_string();
    assert!(err.contains("total is reserved"), "{err}");
    assert_eq!(env.count(Table::Adjustments), 0);
}

/// `申诉 #n` is the item a dispute's decision writes, one per dispute (a unique index): an
/// import naming one is refused on its row, on every backend alike (PostgreSQL would refuse
/// it at the index with a database error; MySQL's upsert would rewrite the dispute's row).
#[test]
fn an_adjustment_named_like_a_dispute_decision_is_refused() {
    let mut env = env();
    env.load(
        Table::Managers,
        "manager_id,name,hired_on\nM1,张三,2020-01-01\n",
    );
    let p = env.file(
        "adjustments.csv",
        "period,manager_id,item,amount\n2026-09,M1,奖励,50\n2026-09,M1,申诉 #3,100\n",
    );
    let err = env.import(Table::Adjustments, &p).unwrap_err().to_string();
    assert!(err.contains("adjustments of decided disputes"), "{err}");
    assert_eq!(env.count(Table::Adjustments), 0);
}

#[test]
fn the_client_list_filters_counts_and_pages_in_the_database() {
    let mut env = env();
    env.base();
    env.load(
        Table::Clients,
        "client_id,name,kind,client_type,agreement\nC4,100%_Shop,company,,false\nc5,小写代码,person,,false\n",
    );
    env.load(
        Table::Ownership,
        "client_id,manager_id,ratio,from\nC1,M1,0.6,2026-01-01\nC1,M2,0.4,2026-01-01\nC2,M2,1,2026-01-01\nC3,M1,1,2026-10-01\nC4,M3,1,2026-01-01\n",
    );
    let org = env.org.clone();
    let day = d("2026-09-30");
    let mut list = |managers: Option<&[&str]>, text: Option<&str>, offset, limit| {
        let ms: Option<Vec<String>> = managers.map(|m| m.iter().map(|s| s.to_string()).collect());
        let (rows, total) = env
            .store
            .client_rows(&org, day, ms.as_deref(), text, offset, limit)
            .unwrap();
        let rows: Vec<String> = rows
            .iter()
            .map(|r| {
                let owners: Vec<String> =
                    r.owners.iter().map(|(m, x)| format!("{m}={x}")).collect();
                format!("{}[{}]", r.code, owners.join(" "))
            })
            .collect();
        (rows, total)
    };
    // Everyone: every client, its owners on the day (C3 has none yet), in code order.
    assert_eq!(
        list(None, None, 0, 10),
        (
            vec![
                "C1[M1=0.6 M2=0.4]".into(),
                "C2[M2=1]".into(),
                "C3[]".into(),
                "C4[M3=1]".into(),
                "c5[]".into()
            ],
            5
        )
    );
    // One manager's clients (C3 is M1's only from October), all owners shown; paged.
    assert_eq!(
        list(Some(&["M2"]), None, 0, 1),
        (vec!["C1[M1=0.6 M2=0.4]".into()], 2)
    );
    assert_eq!(
        list(Some(&["M2"]), None, 1, 1),
        (vec!["C2[M2=1]".into()], 2)
    );
    assert_eq!(list(Some(&["M1"]), None, 0, 10).1, 1);
    assert_eq!(list(Some(&[]), None, 0, 10), (vec![], 0));
    // Text in code or name, ignoring ASCII case; % and _ are plain characters.
    assert_eq!(list(None, Some(" C5 "), 0, 10).0, vec!["c5[]".to_owned()]);
    assert_eq!(
        list(None, Some("钢"), 0, 10).0,
        vec!["C1[M1=0.6 M2=0.4]".to_owned()]
    );
    assert_eq!(list(None, Some("%_"), 0, 10).0, vec!["C4[M3=1]".to_owned()]);
    assert_eq!(list(None, Some("0%"), 0, 10).1, 1);
    assert_eq!(list(Some(&["M2"]), Some("强丰"), 0, 10).1, 1);
    assert_eq!(list(Some(&["M3"]), Some("钢"), 0, 10).1, 0);
}

#[test]
fn a_large_import_leaves_postgresql_with_fresh_planner_statistics() {
    // Without statistics right after the demo's import, PostgreSQL planned a CM's client list as
    // a nested loop over every ownership row (bench/clients.sh: 20 pages a second, 1.8 s each).
    let mut e = env();
    let mut csv = String::from("client_id,name,kind\n");
    for i in 0..250 {
        writeln!(csv, "C{i:04},客户{i},company").unwrap();
    }
    let report = e.load(Table::Clients, &csv);
    assert_eq!(report.written, 250);
    if !e.db.url.starts_with("postgres") {
        return; // SQLite keeps no statistics; MySQL's are InnoDB's own (ANALYZE TABLE runs).
    }
    let url = e.db.url.clone();
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    // reltuples is -1 until the table is first analysed.
    let tuples: f32 = c
        .query_one(
            "SELECT reltuples FROM pg_class WHERE relname = 'clients' AND relkind = 'r'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        tuples as i64, 250,
        "clients were not analysed after the import"
    );
}

/// What the database hands the engine is what was imported, column for column: a booking's
/// call-back result (spot_check) and a customer manager's tally reach the settlement (the
/// bookings query once read 8 of its 9 columns, so a collusive booking was paid in database
/// mode only).
#[test]
fn the_stored_data_set_keeps_spot_checks_and_tallies() {
    let mut env = env();
    env.load(
        Table::Managers,
        "manager_id,name,hired_on\nH1,李红,2013-01-01\n",
    );
    env.load(Table::Clients, "client_id,name,kind\nU1,港务局,company\n");
    env.load(Table::Bookings, "booking_id,manager_id,client_id,registered_at,arrival_at,amount,approved,complaint,spot_check\nB1,H1,U1,2013-09-01 09:00,2013-09-01 18:00,9000,true,false,collusive\nB2,H1,U1,2013-09-02 09:00,2013-09-02 18:00,4000,true,false,\n");
    env.load(
        Table::Tallies,
        "manager_id,period,measure,value\nH1,2013-09,cash_received,13000.5\n",
    );
    let org = env.org.clone();
    let data = env.store.load_dataset(&org).unwrap();
    let checks: Vec<(&str, Option<&str>)> = data
        .bookings
        .iter()
        .map(|b| (b.id.as_str(), b.spot_check.as_deref()))
        .collect();
    assert_eq!(checks, vec![("B1", Some("collusive")), ("B2", None)]);
    assert_eq!(data.tallies.len(), 1);
    assert_eq!(data.tallies[0].value.to_string(), "13000.5");
    assert_eq!(data.tallies[0].period.to_string(), "2013-09");
}
