//! The `kejing` binary as a user runs it: generate a data folder, import it, re-import it,
//! query the ledger, export, and fail clearly on bad input. Uses the database the environment
//! names for the store stories only; here a temporary SQLite file.

use std::path::Path;
use std::process::{Command, Output};

fn kejing(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kejing"))
        .current_dir(dir)
        .env_remove("KEJING_DATABASE_URL")
        .env_remove("KEJING_ORG")
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

/// Runs kejing expecting a failure; its standard error.
fn fails(dir: &Path, args: &[&str]) -> String {
    let out = kejing(dir, args);
    assert!(!out.status.success(), "kejing {args:?} should have failed");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn generate_import_reimport_query_and_export() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = ok(dir, &["gen", "--scale", "1", "--out", "data"]);
    assert!(out.contains("balances 600000"), "{out}");
    ok(dir, &["init"]);
    assert!(
        dir.join("kejing.db").exists(),
        "the default database is kejing.db here"
    );
    let first = ok(dir, &["import", "all", "data"]);
    assert!(
        first.contains("600000 rows read, 600000 written, 0 unchanged"),
        "{first}"
    );
    let again = ok(dir, &["import", "balances", "data/balances.csv"]);
    assert!(
        again.contains("600000 rows read, 0 written, 600000 unchanged"),
        "{again}"
    );

    // A client transferred on the 16th: the generator writes the old owner up to the 15th.
    let ownership = std::fs::read_to_string(dir.join("data/ownership.csv")).unwrap();
    let closed = ownership
        .lines()
        .find(|l| l.ends_with(",2026-09-15"))
        .expect("the generated data has a mid-month transfer");
    let fields: Vec<&str> = closed.split(',').collect();
    let (client, old_owner) = (fields[0], fields[2]);
    let on_15 = ok(dir, &["owners", "--client", client, "--on", "2026-09-15"]);
    assert_eq!(on_15.trim(), format!("2026-09-15\t{old_owner}\t1"));
    let on_16 = ok(dir, &["owners", "--client", client, "--on", "2026-09-16"]);
    assert!(!on_16.contains(old_owner), "{on_16}");

    ok(dir, &["export", "managers", "managers.xlsx"]);
    let back = ok(dir, &["import", "managers", "managers.xlsx"]);
    assert!(back.contains("0 written, 100 unchanged"), "{back}");
    let status = ok(dir, &["status"]);
    assert!(status.contains("balances     600000"), "{status}");
}

#[test]
fn bad_input_exits_1_naming_file_row_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("managers.csv"),
        "manager_id,name,hired_on,base_salary\nM1,王伟,2015-03-01,3000\nM2,李娜,2015-02-30,abc\n",
    )
    .unwrap();
    let out = kejing(
        dir,
        &["import", "managers", "managers.csv", "--errors", "bad.csv"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("managers.csv: row 3, column hired_on"),
        "{err}"
    );
    assert!(
        err.contains("row 3, column base_salary, value \"abc\""),
        "{err}"
    );
    let report = std::fs::read_to_string(dir.join("bad.csv")).unwrap();
    assert_eq!(report.lines().count(), 3, "{report}");
    let status = ok(dir, &["status"]);
    assert!(
        !status.contains("managers"),
        "nothing was written: {status}"
    );
    let unknown = kejing(dir, &["import", "nonsense", "managers.csv"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown table"));
}

fn policies_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies")
}

#[test]
fn the_shipped_policies_pass_their_own_test_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = policies_dir();
    let out = ok(tmp.path(), &["policy", "test", dir.to_str().unwrap()]);
    let last = out.lines().last().unwrap_or("");
    assert!(last.ends_with(" passed, 0 failed"), "{out}");
    let passed: usize = last.split_whitespace().next().unwrap().parse().unwrap();
    assert!(passed >= 19, "{out}");
}

#[test]
fn file_mode_settlement_of_a_generated_bank() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(dir, &["gen", "--scale", "1", "--out", "data"]);
    let policy = policies_dir().join("cixi-deposits");
    let policy = policy.to_str().unwrap();
    ok(
        dir,
        &[
            "settle", "--policy", policy, "--data", "data", "--period", "2026-09", "--out",
            "pay.csv",
        ],
    );
    let pay = std::fs::read_to_string(dir.join("pay.csv")).unwrap();
    let mut lines = pay.lines();
    assert_eq!(lines.next(), Some("manager_id,item,amount"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // Every amount has exactly two decimals; every manager in post has a total equal to the
    // sum of their items.
    let mut sums: std::collections::BTreeMap<&str, i64> = Default::default();
    let mut totals: std::collections::BTreeMap<&str, i64> = Default::default();
    for r in &rows {
        let (int, frac) = r[2].split_once('.').unwrap();
        assert_eq!(frac.len(), 2, "{r:?}");
        let fen = int.parse::<i64>().unwrap() * 100
            + frac.parse::<i64>().unwrap() * if int.starts_with('-') { -1 } else { 1 };
        if r[1] == "total" {
            totals.insert(r[0], fen);
        } else {
            *sums.entry(r[0]).or_default() += fen;
        }
    }
    for (m, t) in &totals {
        assert_eq!(sums.get(m).copied().unwrap_or(0), *t, "{m}");
    }
    // Back-office staff and specialists are not paid as customer managers (A3) ...
    let managers = std::fs::read_to_string(dir.join("data/managers.csv")).unwrap();
    for l in managers.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        if f[6] == "back_office" || f[3] == "specialist" {
            assert!(!totals.contains_key(f[0]), "{l}");
        } else {
            assert!(totals.contains_key(f[0]), "in post but no total: {l}");
        }
    }
    // ... and the explanation of one manager leads to accounts and parameters.
    let first = rows.iter().find(|r| r[1] != "total").unwrap()[0];
    let why = ok(
        dir,
        &[
            "explain",
            "--policy",
            policy,
            "--data",
            "data",
            "--period",
            "2026-09",
            "--manager",
            first,
        ],
    );
    assert!(
        why.contains("deposit_performance (balances 2026-09-01..2026-09-30, daily average)"),
        "{why}"
    );
    assert!(why.contains("· account A"), "{why}");
    assert!(why.contains("in effect from"), "{why}");
}

#[test]
fn a_broken_policy_is_refused_with_its_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let shipped = std::fs::read_to_string(policies_dir().join("hotel-sales/policy.toml")).unwrap();
    // The line of the commission rate, which is made a bare number.
    let line = shipped
        .lines()
        .position(|l| l.contains(r#"value = "0.015""#))
        .unwrap()
        + 1;
    let text = shipped.replace(r#"value = "0.015""#, "value = 0.015");
    std::fs::write(dir.join("policy.toml"), text).unwrap();
    std::fs::create_dir(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/managers.csv"), "manager_id,name\nH1,周敏\n").unwrap();
    let out = kejing(
        dir,
        &[
            "settle",
            "--policy",
            "policy.toml",
            "--data",
            "data",
            "--period",
            "2026-09",
            "--out",
            "pay.csv",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("policy.toml:{line}:")) && err.contains("as strings"),
        "{err}"
    );
    assert!(!dir.join("pay.csv").exists(), "nothing is written on error");
}

/// The database for a database-mode test: a scratch database on the server the environment
/// names (`KEJING_TEST_MYSQL_URL`, `KEJING_TEST_PG_URL`), else an SQLite file in `dir`.
type TestDb = kejing_store::scratch::ScratchDb;

fn test_db(dir: &Path, name: &str) -> TestDb {
    TestDb::for_tests(
        &format!("kejing_cli_{name}"),
        &dir.join(format!("{name}.db")),
    )
    .unwrap()
}

#[test]
fn database_mode_gives_the_same_pay_as_file_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let guard = test_db(dir, "same");
    let db = guard.url.clone();
    ok(dir, &["gen", "--scale", "1", "--out", "data"]);
    ok(dir, &["--db", &db, "import", "all", "data"]);
    let policy = policies_dir().join("cixi-deposits");
    let policy = policy.to_str().unwrap();
    let file = ok(
        dir,
        &[
            "settle", "--policy", policy, "--data", "data", "--period", "2026-09",
        ],
    );
    let stored = ok(
        dir,
        &[
            "--db", &db, "settle", "--policy", policy, "--period", "2026-09",
        ],
    );
    assert_eq!(file, stored);
    let runs = ok(dir, &["--db", &db, "runs"]);
    assert!(runs.contains("2026-09\tcixi-deposits"), "{runs}");
    let first = file
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_owned();
    let why = ok(
        dir,
        &[
            "--db",
            &db,
            "explain",
            "--period",
            "2026-09",
            "--manager",
            &first,
        ],
    );
    assert!(
        why.contains("deposit_performance (balances 2026-09-01..2026-09-30, daily average)"),
        "{why}"
    );
}

#[test]
fn a_locked_period_never_changes_and_corrections_come_in_the_next_period() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let guard = test_db(dir, "lock");
    let db = guard.url.clone();
    std::fs::create_dir(dir.join("data")).unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.join("data").join(name), text).unwrap();
    write(
        "tracks.csv",
        "track,name,is_cm\nsales,客户经理,true\nother,其他人员,false\n",
    );
    write(
        "managers.csv",
        "manager_id,name,track,hired_on,base_salary\nO1,孙晓明,sales,2012-01-01,2000\n",
    );
    write(
        "clients.csv",
        "client_id,name,client_type\nK1,岚山蒋经理,维修部\n",
    );
    write(
        "targets.csv",
        "manager_id,period,measure,target\nO1,2013-08,quantity,3\nO1,2013-09,quantity,3\n",
    );
    write(
        "payments.csv",
        "payment_id,date,manager_id,client_id,quantity,amount,gross_profit\nP1,2013-08-10,O1,K1,3,9000,1000\nP2,2013-09-10,O1,K1,3,9000,1000\n",
    );
    // The customer manager's own tallies agree with the keeper's (the policy reconciles).
    write(
        "tallies.csv",
        "manager_id,period,measure,value\nO1,2013-08,paid_quantity,3\nO1,2013-08,cash_received,9000\nO1,2013-09,paid_quantity,3\nO1,2013-09,cash_received,9000\n",
    );
    let policy = policies_dir().join("oil-distributor");
    let policy = policy.to_str().unwrap();
    ok(dir, &["--db", &db, "import", "all", "data"]);
    let august = ok(
        dir,
        &[
            "--db", &db, "settle", "--policy", policy, "--period", "2013-08",
        ],
    );
    assert_eq!(
        august,
        "manager_id,item,amount\nO1,底薪,2000.00\nO1,提成,150.00\nO1,total,2150.00\n"
    );
    // The run is submitted, approved by a second person, then locked.
    let refused = fails(dir, &["--db", &db, "lock", "--period", "2013-08"]);
    assert!(refused.contains("not approved"), "{refused}");
    ok(
        dir,
        &["--db", &db, "--actor", "office", "submit", "--run", "1"],
    );
    let own = fails(
        dir,
        &["--db", &db, "--actor", "office", "approve", "--run", "1"],
    );
    assert!(own.contains("someone else"), "{own}");
    let approved = ok(
        dir,
        &["--db", &db, "--actor", "reviewer", "approve", "--run", "1"],
    );
    assert!(approved.contains("approved"), "{approved}");
    ok(dir, &["--db", &db, "lock", "--period", "2013-08"]);
    let runs = ok(dir, &["--db", &db, "runs"]);
    assert!(runs.contains("\tlocked"), "{runs}");

    // A correction of August's cash received arrives after the lock.
    std::fs::write(
        dir.join("fix.csv"),
        "payment_id,date,manager_id,client_id,quantity,amount,gross_profit\nP1,2013-08-10,O1,K1,3,9000,2000\n",
    )
    .unwrap();
    let fixed = ok(dir, &["--db", &db, "import", "payments", "fix.csv"]);
    assert!(fixed.contains("1 written"), "{fixed}");
    let again = kejing(
        dir,
        &[
            "--db", &db, "settle", "--policy", policy, "--period", "2013-08",
        ],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("2013-08 is locked"));
    let locked = ok(
        dir,
        &[
            "--db",
            &db,
            "explain",
            "--period",
            "2013-08",
            "--manager",
            "O1",
        ],
    );
    assert!(
        locked.contains("提成 = ") && locked.contains("= 150.00"),
        "the locked run is unchanged: {locked}"
    );

    // September carries the difference as an adjustment line, once.
    let september = ok(
        dir,
        &[
            "--db", &db, "settle", "--policy", policy, "--period", "2013-09",
        ],
    );
    assert!(
        september.contains("O1,更正 2013-08 提成,150.00\n"),
        "{september}"
    );
    assert!(september.contains("O1,total,2600.00\n"), "{september}");
    let twice = ok(
        dir,
        &[
            "--db", &db, "settle", "--policy", policy, "--period", "2013-09",
        ],
    );
    assert_eq!(
        september, twice,
        "re-settling an open period gives the same correction, not a second one"
    );
    let runs = ok(dir, &["--db", &db, "runs"]);
    let ids: Vec<&str> = runs
        .lines()
        .skip(1)
        .filter(|l| l.contains("2013-09"))
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    let cmp = ok(dir, &["--db", &db, "compare", ids[1], ids[0]]);
    assert_eq!(
        cmp.lines().count(),
        1,
        "the two September runs agree: {cmp}"
    );

    // O1 disputes September's commission; the reviewer accepts 50.00, paid as an adjustment
    // in September (still open); a second dispute is rejected with a reason.
    let raised = ok(
        dir,
        &[
            "--db",
            &db,
            "--actor",
            "O1",
            "dispute",
            "raise",
            "--run",
            ids[0],
            "--manager",
            "O1",
            "--item",
            "提成",
            "--reason",
            "回款单 P2 毛利应为 1333.33",
        ],
    );
    assert!(raised.contains("dispute #1"), "{raised}");
    let missing = kejing(
        dir,
        &[
            "--db",
            &db,
            "dispute",
            "raise",
            "--run",
            ids[0],
            "--manager",
            "O1",
            "--item",
            "没有这一项",
            "--reason",
            "x",
        ],
    );
    assert_eq!(missing.status.code(), Some(1));
    ok(
        dir,
        &[
            "--db",
            &db,
            "--actor",
            "perf-office",
            "dispute",
            "accept",
            "1",
            "--amount",
            "50",
            "--period",
            "2013-09",
            "--reason",
            "核实后补发",
        ],
    );
    ok(
        dir,
        &[
            "--db",
            &db,
            "--actor",
            "O1",
            "dispute",
            "raise",
            "--run",
            ids[0],
            "--manager",
            "O1",
            "--item",
            "底薪",
            "--reason",
            "底薪应为 2200",
        ],
    );
    ok(
        dir,
        &[
            "--db",
            &db,
            "dispute",
            "reject",
            "2",
            "--reason",
            "底薪按合同 2000",
        ],
    );
    let decided = kejing(
        dir,
        &[
            "--db", &db, "dispute", "accept", "2", "--amount", "1", "--period", "2013-09",
            "--reason", "x",
        ],
    );
    assert_eq!(
        decided.status.code(),
        Some(1),
        "a decided dispute cannot be decided again"
    );
    let list = ok(dir, &["--db", &db, "dispute", "list"]);
    assert!(
        list.contains("accepted")
            && list.contains("50.00 in 2013-09")
            && list.contains("rejected\t底薪应为 2200\t底薪按合同 2000"),
        "{list}"
    );
    let paid = ok(
        dir,
        &[
            "--db", &db, "settle", "--policy", policy, "--period", "2013-09",
        ],
    );
    assert!(
        paid.contains("O1,申诉 #1,50.00\n") && paid.contains("O1,total,2650.00\n"),
        "{paid}"
    );
    let audit = ok(dir, &["--db", &db, "audit", "--limit", "100"]);
    assert!(
        audit.contains("O1 raise disputes 1") && audit.contains("perf-office accepted disputes 1"),
        "{audit}"
    );
}

#[test]
fn the_office_chooses_the_policies_its_organisation_uses() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let guard = test_db(dir, "adopt");
    let db = guard.url.clone();
    let cli = |args: &[&str]| -> Vec<String> {
        ["--db", db.as_str(), "--org", "bank"]
            .iter()
            .chain(args)
            .map(|s| (*s).to_owned())
            .collect()
    };
    let run = |args: &[&str]| {
        ok(
            dir,
            &cli(args).iter().map(String::as_str).collect::<Vec<_>>(),
        )
    };
    run(&["init"]);
    assert!(run(&["policy", "adopted"]).contains("no policy adopted"));
    assert!(run(&["policy", "adopt", "cixi-deposits"]).contains("policy cixi-deposits adopted"));
    let listed = run(&["policy", "adopted"]);
    assert!(listed.starts_with("cixi-deposits\t"), "{listed}");
    let again = fails(
        dir,
        &cli(&["policy", "adopt", "cixi-deposits"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(again.contains("already adopted"), "{again}");
    assert!(run(&["policy", "drop", "cixi-deposits"]).contains("dropped"));
    let gone = fails(
        dir,
        &cli(&["policy", "drop", "cixi-deposits"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(gone.contains("not adopted"), "{gone}");
}

#[test]
fn a_transfer_is_requested_and_decided_from_the_command_line_by_two_people() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let guard = test_db(dir, "transfer");
    let db = guard.url.clone();
    std::fs::create_dir(dir.join("data")).unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.join("data").join(name), text).unwrap();
    write(
        "managers.csv",
        "manager_id,name,track,hired_on\nM1,张三,corporate,2020-01-01\nM2,李四,corporate,2020-01-01\nS1,赵强,specialist,2020-01-01\n",
    );
    write(
        "tracks.csv",
        "track,name,is_cm\ncorporate,公司客户经理,true\nspecialist,专业经理,false\n",
    );
    write("clients.csv", "client_id,name,kind\nC1,甲公司,company\n");
    write(
        "ownership.csv",
        "client_id,manager_id,ratio,from\nC1,M1,1,2026-01-01\n",
    );
    ok(dir, &["--db", &db, "--org", "bank", "init"]);
    ok(
        dir,
        &["--db", &db, "--org", "bank", "import", "all", "data"],
    );
    // A3: a specialist (not a customer-manager track) cannot receive a client.
    let to_specialist = kejing(
        dir,
        &[
            "--db",
            &db,
            "--org",
            "bank",
            "--actor",
            "head",
            "transfer",
            "request",
            "--client",
            "C1",
            "--from",
            "M1",
            "--to",
            "S1",
            "--effective",
            "2026-10-01",
            "--reason",
            "调岗",
        ],
    );
    assert_eq!(to_specialist.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&to_specialist.stderr)
            .contains("S1 is not on a customer-manager track"),
        "{}",
        String::from_utf8_lossy(&to_specialist.stderr)
    );
    let asked = ok(
        dir,
        &[
            "--db",
            &db,
            "--org",
            "bank",
            "--actor",
            "head",
            "transfer",
            "request",
            "--client",
            "C1",
            "--from",
            "M1",
            "--to",
            "M2",
            "--effective",
            "2026-10-01",
            "--reason",
            "M1 调岗",
        ],
    );
    assert!(asked.contains("transfer request #1"), "{asked}");
    // The one who asked cannot decide.
    let own = kejing(
        dir,
        &[
            "--db", &db, "--org", "bank", "--actor", "head", "transfer", "approve", "1",
        ],
    );
    assert_eq!(own.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&own.stderr).contains("someone else must decide it"),
        "{}",
        String::from_utf8_lossy(&own.stderr)
    );
    let approved = ok(
        dir,
        &[
            "--db", &db, "--org", "bank", "--actor", "branch", "transfer", "approve", "1",
        ],
    );
    assert!(
        approved.contains("belongs to M2 from 2026-10-01"),
        "{approved}"
    );
    let again = kejing(
        dir,
        &[
            "--db", &db, "--org", "bank", "--actor", "office", "transfer", "reject", "1",
            "--reason", "too late",
        ],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already decided (approved) by branch"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let owners = ok(
        dir,
        &[
            "--db",
            &db,
            "--org",
            "bank",
            "owners",
            "--client",
            "C1",
            "--on",
            "2026-10-01",
        ],
    );
    assert_eq!(owners, "2026-10-01\tM2\t1\n");
    let list = ok(dir, &["--db", &db, "--org", "bank", "transfer", "list"]);
    assert!(list.contains("approved\thead\tbranch"), "{list}");
}

#[test]
fn a_mistyped_organisation_is_an_error_not_a_new_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("managers.csv"),
        "manager_id,name,hired_on\nM1,张三,2020-01-01\n",
    )
    .unwrap();
    ok(dir, &["--org", "bank", "init"]);
    let typo = kejing(
        dir,
        &["--org", "bnak", "import", "managers", "managers.csv"],
    );
    assert_eq!(typo.status.code(), Some(1));
    let err = String::from_utf8_lossy(&typo.stderr);
    assert!(
        err.contains("no organisation \"bnak\"") && err.contains("bank"),
        "{err}"
    );
    let status = ok(dir, &["status"]);
    assert!(!status.contains("bnak"), "{status}");
    ok(
        dir,
        &[
            "--org",
            "bnak",
            "import",
            "managers",
            "managers.csv",
            "--create-org",
        ],
    );
}
