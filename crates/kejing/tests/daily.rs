//! Daily management from the command line: a month of registers written by hand (November
//! 2026, 建设银行 team rules, `policies/ccb-team`), the breaches `kejing daily` reports in file
//! mode and over the database, and the use cases a CM and their head run (an outing and its
//! return, a log written and signed once).

mod common;

use common::{policies_dir, scratch_db};
use std::path::Path;
use std::process::{Command, Output};

fn kejing(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kejing"))
        .current_dir(dir)
        .env_remove("KEJING_DATABASE_URL")
        .env_remove("KEJING_ORG")
        .env_remove("KEJING_AS")
        .args(args)
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = kejing(dir, args);
    assert!(
        out.status.success(),
        "kejing {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const ORG_UNITS: &str = "unit_id,name\nBR1,铁路支行\n";
const MANAGERS: &str = "\
manager_id,name,org,track,grade,status,hired_on
M1,李明,BR1,personal,客户经理,active,2025-03-01
M2,王芳,BR1,corporate,客户经理,active,2024-07-01
";
const CLIENTS: &str = "\
client_id,name,kind
C1,铁路机务段,company
C2,货运站,company
C3,张先生,person
C4,车辆段,company
";
const OWNERSHIP: &str = "\
client_id,manager_id,ratio,from
C1,M1,0.5,2026-01-01
C1,M2,0.5,2026-01-01
C2,M1,1,2026-01-01
C4,M2,1,2026-01-01
";
// November 2026 has no public holiday: 21 working days, Monday 2 to Monday 30. December's
// first week is all working days (the internal assessment table is due 7 December).
const BRIEFINGS: &str = "\
date,unit,manager_id,status,notified_at,chaired_by
2026-11-02,BR1,M1,present,,H1
2026-11-10,BR1,M1,absent,,H1
2026-11-19,BR1,M1,leave,2026-11-18 16:00,H1
2026-11-26,BR1,M1,leave,2026-11-26 08:10,副经理
2026-11-02,BR1,M2,present,,H1
";
const OUTINGS: &str = "\
outing_id,manager_id,client_id,purpose,left_at,expected_back_at,returned_at,duty
O1,M1,C1,贷款回访,2026-11-03 09:00,2026-11-03 16:00,2026-11-03 16:30,false
O2,M1,C2,营销,2026-11-11 13:30,2026-11-11 16:30,2026-11-11 17:20,false
O3,M1,C4,送资料,2026-11-17 14:00,,2026-11-17 18:00,true
O4,M1,C3,开户,2026-11-25 10:00,2026-11-25 15:00,,false
O5,M2,C1,贷前调查,2026-11-19 09:30,2026-11-19 16:00,2026-11-19 16:50,false
";
const VISITS: &str = "\
visit_id,manager_id,client_id,outing_id,visited_on,person,department,title,purpose,expected_result,outcome,info,next_step,next_on
V1,M1,C1,O1,2026-11-03,赵段长,财务科,科长,贷款回访,续贷意向,同意续贷,年底资金紧,准备续贷材料,2026-11-20
V2,M1,C2,O2,2026-11-11,钱站长,办公室,站长,营销,开户,愿意开户,,约定开户时间,2026-11-18
V3,M1,C4,O3,2026-11-17,孙主任,计划科,主任,送资料,签收,已签收,,,
V4,M2,C1,O5,2026-11-19,赵段长,财务科,科长,贷前调查,了解用款,用款 500 万,,报分行,2026-11-23
";
const WORK_LOGS: &str = "\
manager_id,date,text,signed_by,signed_at,comment,plan_next
M1,2026-11-02,晨训 客户梳理,H1,2026-11-02 17:40,可,走访机务段
M1,2026-11-03,走访机务段,H1,2026-11-03 17:50,抓紧续贷,
M1,2026-11-04,续贷材料,H1,2026-11-04 17:45,可,
M1,2026-11-05,电话营销,H1,2026-11-06 09:10,补签,
M1,2026-11-06,客户档案,H1,2026-11-06 17:30,可,
M1,2026-11-09,营销计划,H1,2026-11-09 17:30,可,
M1,2026-11-10,客户档案,H1,2026-11-10 17:30,晨训缺席须说明,
M1,2026-11-11,走访货运站,H1,2026-11-11 18:00,注意返回时间,
M1,2026-11-13,张先生开户准备,H1,2026-11-13 17:30,可,
M1,2026-11-16,营销,H1,2026-11-16 17:30,可,
M1,2026-11-17,坐班 送资料,H1,2026-11-17 18:10,可,
M1,2026-11-18,营销,H1,2026-11-18 17:30,可,
M1,2026-11-20,客户回访,H1,2026-11-20 17:30,可,
M1,2026-11-23,营销,H1,2026-11-23 17:30,可,
M1,2026-11-24,客户档案,,,,
M1,2026-11-25,张先生开户,H1,2026-11-25 17:30,外出未返回须说明,
M1,2026-11-26,营销,H1,2026-11-26 17:30,可,
M1,2026-11-27,周小结,H1,2026-11-27 17:30,可,
M1,2026-11-30,月度回顾,H1,2026-11-30 17:30,可,
M2,2026-11-02,贷前调查,H1,2026-11-02 17:30,可,
M2,2026-11-03,贷前调查,H1,2026-11-03 17:30,可,
M2,2026-11-04,放款,H1,2026-11-04 17:30,可,
M2,2026-11-05,贷后检查,H1,2026-11-05 17:30,可,
M2,2026-11-06,贷后检查,H1,2026-11-06 17:30,可,
M2,2026-11-09,报表,H1,2026-11-09 17:30,可,
M2,2026-11-10,报表,H1,2026-11-10 17:30,可,
M2,2026-11-11,保函,H1,2026-11-11 17:30,可,
M2,2026-11-12,保函,H1,2026-11-12 17:30,可,
M2,2026-11-13,承兑汇票,H1,2026-11-13 17:30,可,
M2,2026-11-16,承兑汇票,H1,2026-11-16 17:30,可,
M2,2026-11-17,资金证明,H1,2026-11-17 17:30,可,
M2,2026-11-18,贷款,H1,2026-11-18 17:30,贷款卡须先校验,
M2,2026-11-19,贷前调查,H1,2026-11-19 17:30,可,
M2,2026-11-20,报分行,H1,2026-11-20 17:30,可,
M2,2026-11-23,审批跟进,H1,2026-11-23 17:30,可,
M2,2026-11-24,审批跟进,H1,2026-11-24 17:30,可,
M2,2026-11-25,放款,H1,2026-11-25 17:30,可,
M2,2026-11-26,贷后检查,H1,2026-11-26 17:30,可,
M2,2026-11-27,保函,H1,2026-11-27 17:30,当日上报,
M2,2026-11-30,月度考核表,H1,2026-11-30 17:30,可,
";
const PROSPECTS: &str = "\
prospect_id,manager_id,name,stage,first_contact_on,converted_on,client_id
P1,M1,张先生,client,2026-11-02,2026-11-03,C3
P2,M1,车辆段,client,2026-11-03,2026-11-05,C4
P3,M1,周女士,client,2026-11-10,2026-11-12,
P4,M1,吴先生,contacted,2026-11-11,,
P5,M1,郑先生,client,2026-11-16,2026-11-17,
P6,M1,冯女士,client,2026-11-18,2026-11-20,
P7,M1,陈先生,prospect,2026-11-24,,
";
const CREDIT: &str = "\
entry_id,manager_id,client_id,kind,amount,reported_at,registered_at,loan_card_checked_at
K1,M2,C1,loan,5000000,2026-11-04 11:00,2026-11-04 10:00,2026-11-04 09:30
K2,M2,C2,loan,1200000,2026-11-18 10:30,2026-11-18 10:00,2026-11-18 14:00
K3,M2,C4,guarantee,800000,2026-11-30 09:00,2026-11-27 16:00,2026-11-27 15:00
";
const MEETINGS: &str = "\
meeting_id,manager_id,kind,held_on,called_at,status,notified_at,chaired_by,minutes
G1,M1,weekly,2026-11-06,,present,,H1,本周回顾 下周安排
G1,M2,weekly,2026-11-06,,present,,H1,本周回顾 下周安排
G2,M1,weekly,2026-11-13,,present,,H1,续贷进度
G2,M2,weekly,2026-11-13,,absent,,H1,续贷进度
G3,M1,weekly,2026-11-20,,leave,2026-11-19 17:00,H1,授信材料
G3,M2,weekly,2026-11-20,,present,,H1,授信材料
G4,M1,weekly,2026-11-27,,present,,H1,月末考核
G4,M2,weekly,2026-11-27,,present,,H1,月末考核
";
const ACTION_ITEMS: &str = "\
item_id,manager_id,meeting_id,text,due_on,done_on
A1,M1,G1,准备续贷材料,2026-11-10,2026-11-09
A2,M2,G2,补交保函资料,2026-11-18,2026-11-19
A3,M1,G4,月度小结,2026-11-30,
";
const REPORTS: &str = "\
report_id,manager_id,kind,period,submitted_at
T1,M2,internal_assessment,2026-11,2026-12-08 10:00
";

/// What the head counts on paper for November (manager, rule, date).
const EXPECTED: &[(&str, &str, &str)] = &[
    // The 5th's log signed the 6th at 9:10, after the 8:30 briefing.
    ("M1", "工作日志签阅逾时", "2026-11-05"),
    // Week of the 9th: one new client (P3); two prospects (P3, P4).
    ("M1", "周新增客户不足", "2026-11-09"),
    ("M1", "晨训无故缺席", "2026-11-10"),
    // O2 back at 17:20.
    ("M1", "外出逾时未归", "2026-11-11"),
    // No log on the 12th (the 19th is leave told the day before: excused).
    ("M1", "未写工作日志", "2026-11-12"),
    // V3 has no next step (O3 was the duty manager's: back at 18:00 is no breach), and C4 is
    // M2's client (C1, shared with M2, is M1's too).
    ("M1", "走访记录不全", "2026-11-17"),
    ("M1", "走访他人管户客户", "2026-11-17"),
    // Week of the 23rd: no new client, one prospect (P7).
    ("M1", "周新增客户不足", "2026-11-23"),
    ("M1", "周潜在客户不足", "2026-11-23"),
    ("M1", "工作日志未签阅", "2026-11-24"),
    // O4 never recorded back, and no visit record for it.
    ("M1", "外出未写走访记录", "2026-11-25"),
    ("M1", "外出逾时未归", "2026-11-25"),
    // Leave told the same morning.
    ("M1", "晨训无故缺席", "2026-11-26"),
    // Absent from the weekly discussion of the 13th without notice (M1's leave on the 20th
    // was told the day before).
    ("M2", "会议无故缺席", "2026-11-13"),
    // A2 due the 18th, done the 19th; A3 (M1, due the 30th) is not yet late on the 30th.
    ("M2", "会议事项逾期", "2026-11-18"),
    // K2's loan card checked after the business was taken on.
    ("M2", "信贷业务未校验贷款卡", "2026-11-18"),
    // K3 registered on Friday the 27th, reported on Monday.
    ("M2", "信贷业务未当日上报", "2026-11-27"),
    // November's table handed in on 8 December; due the 5th working day, 7 December.
    ("M2", "内部考核表逾期", "2026-11-30"),
];

fn write_month(dir: &Path) {
    for (name, text) in [
        ("org_units", ORG_UNITS),
        ("managers", MANAGERS),
        ("clients", CLIENTS),
        ("ownership", OWNERSHIP),
        ("briefings", BRIEFINGS),
        ("outings", OUTINGS),
        ("visits", VISITS),
        ("work_logs", WORK_LOGS),
        ("prospects", PROSPECTS),
        ("credit_register", CREDIT),
        ("reports", REPORTS),
        ("meetings", MEETINGS),
        ("action_items", ACTION_ITEMS),
    ] {
        std::fs::write(dir.join(format!("{name}.csv")), text).unwrap();
    }
}

/// The rows of `kejing daily` output, checked to be sorted by manager, date, rule.
fn rows(csv: &str) -> Vec<(String, String, String)> {
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("manager_id,rule,date,detail"));
    let rows: Vec<(String, String, String)> = lines
        .map(|l| {
            let f: Vec<&str> = l.splitn(4, ',').collect();
            (f[0].to_owned(), f[1].to_owned(), f[2].to_owned())
        })
        .collect();
    let mut sorted = rows.clone();
    sorted.sort_by(|a, b| (&a.0, &a.2, &a.1).cmp(&(&b.0, &b.2, &b.1)));
    assert_eq!(rows, sorted, "sorted by manager, date, rule");
    rows
}

fn expected() -> Vec<(String, String, String)> {
    let mut e: Vec<(String, String, String)> = EXPECTED
        .iter()
        .map(|(m, r, d)| ((*m).to_owned(), (*r).to_owned(), (*d).to_owned()))
        .collect();
    e.sort_by(|a, b| (&a.0, &a.2, &a.1).cmp(&(&b.0, &b.2, &b.1)));
    e
}

#[test]
fn a_month_written_by_hand_gives_exactly_the_breaches_a_head_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("data")).unwrap();
    write_month(&dir.join("data"));
    let policy = policies_dir().join("ccb-team");
    let policy = policy.to_str().unwrap();
    let out = ok(
        dir,
        &[
            "daily", "--policy", policy, "--data", "data", "--period", "2026-11",
        ],
    );
    assert_eq!(rows(&out), expected(), "{out}");
    // The detail names the rows: the outing, the log, the week's prospects.
    assert!(
        out.contains("outing_id O4; no visits with outing_id O4"),
        "{out}"
    );
    assert!(
        out.contains("2026-11-23..2026-11-29: prospects 1 (at least 2): P7"),
        "{out}"
    );

    // Public holidays on 1–4 December (the calendar the organisation keeps) move the deadline to
    // 11 December: handed in on the 8th is on time.
    std::fs::write(
        dir.join("data/calendar.csv"),
        "date,working,note\n2026-12-01,false,假日\n2026-12-02,false,假日\n2026-12-03,false,假日\n2026-12-04,false,假日\n",
    )
    .unwrap();
    let out = ok(
        dir,
        &[
            "daily", "--policy", policy, "--data", "data", "--period", "2026-11",
        ],
    );
    assert!(!out.contains("内部考核表逾期"), "{out}");
    assert_eq!(rows(&out).len(), EXPECTED.len() - 1);
    std::fs::remove_file(dir.join("data/calendar.csv")).unwrap();

    // Over the database: the same registers imported give the same breaches.
    let db = scratch_db(dir, "daily_month");
    ok(dir, &["--db", &db.url, "--org", "ccb", "init"]);
    ok(
        dir,
        &["--db", &db.url, "--org", "ccb", "import", "all", "data"],
    );
    let stored = ok(
        dir,
        &[
            "--db", &db.url, "--org", "ccb", "daily", "--policy", policy, "--period", "2026-11",
        ],
    );
    assert_eq!(rows(&stored), expected(), "{stored}");
    // Exported as they were imported.
    ok(
        dir,
        &[
            "--db",
            &db.url,
            "--org",
            "ccb",
            "export",
            "outings",
            "outings-out.csv",
        ],
    );
    let exported = std::fs::read_to_string(dir.join("outings-out.csv")).unwrap();
    assert!(
        exported.contains("O4,M1,C3,开户,2026-11-25 10:00,2026-11-25 15:00,,false"),
        "{exported}"
    );
}

#[test]
fn bad_registers_are_refused_naming_file_row_and_column_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("data")).unwrap();
    write_month(&dir.join("data"));
    let policy = policies_dir().join("ccb-team");
    let policy = policy.to_str().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        // A return before the outing left.
        (
            "outings.csv",
            "outing_id,manager_id,client_id,purpose,left_at,expected_back_at,returned_at,duty\nO1,M1,C1,回访,2026-11-03 09:00,,2026-11-03 08:00,false\n",
            "outings.csv: row 2, column returned_at",
        ),
        // A time stamp without a time.
        (
            "outings.csv",
            "outing_id,manager_id,client_id,purpose,left_at,expected_back_at,returned_at,duty\nO1,M1,C1,回访,2026-11-03,,,false\n",
            "column left_at",
        ),
        // A briefing on a Saturday.
        (
            "briefings.csv",
            "date,unit,manager_id,status,notified_at,chaired_by\n2026-11-07,BR1,M1,present,,H1\n",
            "briefings.csv:2: column date: 2026-11-07 is not a working day",
        ),
        // A CM signing their own log.
        (
            "work_logs.csv",
            "manager_id,date,text,signed_by,signed_at,comment,plan_next\nM1,2026-11-02,x,M1,2026-11-02 18:00,,\n",
            "work_logs.csv:2: column signed_by: M1 signed their own work log",
        ),
    ];
    for (file, text, want) in cases {
        let good = std::fs::read_to_string(dir.join("data").join(file)).unwrap();
        std::fs::write(dir.join("data").join(file), text).unwrap();
        let out = kejing(
            dir,
            &[
                "daily",
                "--policy",
                policy,
                "--data",
                "data",
                "--period",
                "2026-11",
                "--out",
                "breaches.csv",
            ],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {err}");
        assert!(err.contains(want), "{file}: want {want:?} in {err}");
        assert!(
            !dir.join("breaches.csv").exists(),
            "nothing written on failure"
        );
        std::fs::write(dir.join("data").join(file), good).unwrap();
    }
}

#[test]
fn a_cm_registers_an_outing_and_the_head_signs_the_log_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("data")).unwrap();
    for (name, text) in [
        ("org_units", ORG_UNITS),
        ("managers", MANAGERS),
        ("clients", CLIENTS),
    ] {
        std::fs::write(dir.join("data").join(format!("{name}.csv")), text).unwrap();
    }
    let db = scratch_db(dir, "daily_cli");
    let g = ["--db", db.url.as_str(), "--org", "ccb"];
    let run = |args: &[&str]| kejing(dir, &[&g[..], args].concat());
    let okr = |args: &[&str]| ok(dir, &[&g[..], args].concat());
    okr(&["init"]);
    okr(&["import", "all", "data"]);
    for (user, role, extra) in [
        ("liming", "manager", ["--manager", "M1"]),
        ("head", "team_head", ["--unit", "BR1"]),
    ] {
        okr(&[
            "user",
            "add",
            "--org",
            "ccb",
            "--username",
            user,
            "--role",
            role,
            extra[0],
            extra[1],
            "--password",
            "kejing2026",
        ]);
    }
    let registered = okr(&[
        "--as",
        "liming",
        "outing",
        "register",
        "--manager",
        "M1",
        "--client",
        "C1",
        "--purpose",
        "回访",
        "--at",
        "2026-11-03 09:00",
    ]);
    let id = registered
        .split_whitespace()
        .nth(1)
        .expect("outing id")
        .to_owned();
    // The CM cannot register for a colleague.
    let other = run(&[
        "--as",
        "liming",
        "outing",
        "register",
        "--manager",
        "M2",
        "--at",
        "2026-11-03 09:00",
    ]);
    assert_eq!(other.status.code(), Some(1));
    okr(&[
        "--as",
        "liming",
        "outing",
        "return",
        "--manager",
        "M1",
        "--outing",
        &id,
        "--at",
        "2026-11-03 16:30",
    ]);
    let again = run(&[
        "--as",
        "liming",
        "outing",
        "return",
        "--manager",
        "M1",
        "--outing",
        &id,
        "--at",
        "2026-11-03 17:30",
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&again.stderr)
            .contains("already recorded back at 2026-11-03 16:30")
    );
    okr(&[
        "--as",
        "liming",
        "log",
        "write",
        "--manager",
        "M1",
        "--date",
        "2026-11-03",
        "--text",
        "回访机务段",
    ]);
    // The CM cannot sign their own log; the head signs once.
    let own = run(&[
        "--as",
        "liming",
        "log",
        "sign",
        "--manager",
        "M1",
        "--date",
        "2026-11-03",
        "--comment",
        "好",
    ]);
    assert_eq!(own.status.code(), Some(1));
    okr(&[
        "--as",
        "head",
        "log",
        "sign",
        "--manager",
        "M1",
        "--date",
        "2026-11-03",
        "--comment",
        "抓紧续贷",
        "--plan-next",
        "准备材料",
    ]);
    let twice = run(&[
        "--as",
        "head",
        "log",
        "sign",
        "--manager",
        "M1",
        "--date",
        "2026-11-03",
        "--comment",
        "再签",
    ]);
    assert_eq!(twice.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&twice.stderr).contains("already signed by"),
        "{}",
        String::from_utf8_lossy(&twice.stderr)
    );
    okr(&["export", "work_logs", "logs-out.csv"]);
    let logs = std::fs::read_to_string(dir.join("logs-out.csv")).unwrap();
    assert!(logs.contains("M1,2026-11-03,回访机务段,head,"), "{logs}");
    assert!(logs.contains(",抓紧续贷,准备材料"), "{logs}");
    let audit = okr(&["audit", "--limit", "20"]);
    assert!(
        audit.contains("sign") && audit.contains("work_logs"),
        "{audit}"
    );
}
