//! Decisions that really overlap: N threads, each with its own connection, released together
//! by a barrier, decide the same transfer, dispute, lock, proposal or import. Exactly one takes
//! effect; every other one gets a conflict (never a database error), and what is stored
//! matches the one recorded decision. Each scenario runs 20 times. On PostgreSQL when
//! `KEJING_TEST_PG_URL` is set (CI's second run), else on an SQLite file.

use kejing_app::access::Actor;
use kejing_app::error::Kind;
use kejing_app::{Error, assessment, disputes, imports, settlement, transfers};
use kejing_engine::{Money, Period};
use kejing_io::{ReadOptions, Table};
use kejing_store::{ImportOptions, Org, Store};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};

mod support;

const ROUNDS: usize = 20;

/// A small bank: two branches' managers, two clients with balances, a settled September.
struct Bank {
    dir: tempfile::TempDir,
    url: String,
    org: Org,
    _pg: Option<support::ServerDb>,
}

fn bank() -> Bank {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = support::scratch(dir.path(), "bank.db");
    let mut store = Store::open(&url).unwrap();
    store.set_actor("setup");
    let org = store.ensure_org("bank", "Test Bank").unwrap();
    let b = Bank {
        dir,
        url,
        org,
        _pg: pg,
    };
    let admin = Actor::admin(&b.org, "setup");
    for (table, text) in [
        (Table::OrgUnits, "unit_id,name,parent_id\nB01,一支行,\n"),
        (
            Table::Managers,
            "manager_id,name,org_unit,track,grade,status,hired_on\nM1,张三,B01,person,三级,active,2020-01-01\nM2,李四,B01,person,三级,active,2020-01-01\nM3,王五,B01,person,三级,active,2020-01-01\n",
        ),
        (
            Table::Clients,
            "client_id,name,kind\nC1,甲公司,company\nC2,乙公司,company\n",
        ),
        (
            Table::Ownership,
            "client_id,manager_id,ratio,from\nC1,M1,1,2026-01-01\nC2,M2,0.6,2026-01-01\nC2,M3,0.4,2026-01-01\n",
        ),
        (
            Table::Adjustments,
            "period,manager_id,item,amount,reason\n2026-09,M1,奖励,100.00,季度之星\n2026-09,M2,奖励,50.00,季度之星\n",
        ),
    ] {
        let p = b.file(&format!("{}.csv", table.name()), text);
        imports::import(&mut store, &admin, table, &p, &options(), &mut |_, _, _| {})
            .unwrap_or_else(|e| panic!("{table:?}: {e}"));
    }
    b
}

fn options() -> ImportOptions {
    ImportOptions {
        read: ReadOptions::default(),
        today: Some("2026-09-30".parse().unwrap()),
        source: None,
    }
}

const POLICY: &str = r#"
[policy]
name = "adjustments only"
frequency = "monthly"

[[items]]
name = "adjustments"
adjustments = true
"#;

impl Bank {
    fn file(&self, name: &str, content: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    fn store(&self, actor: &str) -> Store {
        let mut s = Store::open(&self.url).unwrap();
        s.set_actor(actor);
        s
    }

    fn actor(&self, name: &str) -> Actor {
        Actor::admin(&self.org, name)
    }

    /// Runs `f` on `n` threads at once (each with its own connection and actor `name-i`);
    /// the results in thread order.
    fn race<T: Send + 'static>(
        &self,
        n: usize,
        f: impl Fn(&mut Store, &Actor, usize) -> Result<T, Error> + Send + Sync + 'static,
    ) -> Vec<Result<T, Error>> {
        let barrier = Arc::new(Barrier::new(n));
        let f = Arc::new(f);
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let name = format!("reviewer-{i}");
                let mut store = self.store(&name);
                let actor = self.actor(&name);
                let barrier = barrier.clone();
                let f = f.clone();
                std::thread::spawn(move || {
                    barrier.wait();
                    f(&mut store, &actor, i)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    }

    /// September settled, and M1 disputing its 奖励 line; the dispute's id.
    fn disputed_award(&self) -> i64 {
        let run = self.settle("2026-09");
        let mut cm = self.store("M1-user");
        disputes::raise(
            &mut cm,
            &self.actor("M1-user"),
            run,
            "M1",
            "奖励",
            "should be 200",
        )
        .unwrap()
    }

    fn settle(&self, period: &str) -> i64 {
        let mut store = self.store("settler");
        let policy_file = self.file("policy.toml", POLICY);
        let policy = kejing_app::catalogue::load(&policy_file).unwrap();
        settlement::run(
            &mut store,
            &self.actor("settler"),
            &policy,
            period.parse().unwrap(),
        )
        .unwrap()
        .id
    }

    /// Submits `run` (as the settler) and approves it (as a second person, the reviewer).
    fn review(&self, run: i64) {
        let mut store = self.store("settler");
        kejing_app::run_review::submit(&mut store, &self.actor("settler"), run).unwrap();
        kejing_app::run_review::approve(&mut store, &self.actor("reviewer"), run).unwrap();
    }
}

/// What a transfer request from `from` to `to` of `client` on `day` says.
fn move_client(
    client: &str,
    from: &str,
    to: &str,
    day: &str,
    reason: &str,
) -> transfers::TransferInput {
    transfers::TransferInput {
        client: client.into(),
        from: from.into(),
        to: to.into(),
        effective_on: day.parse().unwrap(),
        reason: reason.into(),
    }
}

#[test]
fn fifteen_accepts_of_one_dispute_leave_one_adjustment() {
    for round in 0..ROUNDS {
        let b = bank();
        let id = b.disputed_award();
        // Into different open periods, as the reviewers would choose them.
        let results = b.race(15, move |s, a, i| {
            let period: Period = format!("2026-{:02}", 10 + i % 3).parse().unwrap();
            disputes::decide(
                s,
                a,
                id,
                disputes::Verdict::Accept {
                    period,
                    amount: Money::from_fen(10_000 + i as i64),
                },
                "accepted",
            )
        });
        let w = support::one_winner(&results);
        let mut s = b.store("check");
        let d = s.dispute(&b.org, id).unwrap().unwrap();
        assert_eq!(d.status, "accepted", "round {round}");
        assert_eq!(
            d.reviewer.as_deref(),
            Some(format!("reviewer-{w}").as_str())
        );
        let adjustments = s.export_rows(&b.org, Table::Adjustments).unwrap();
        let from_dispute: Vec<_> = adjustments
            .iter()
            .filter(|r| r.iter().any(|c| c == &format!("申诉 #{id}")))
            .collect();
        assert_eq!(from_dispute.len(), 1, "round {round}: {adjustments:?}");
        assert!(
            from_dispute[0]
                .iter()
                .any(|c| c == &format!("{}.{:02}", 100, w)),
            "round {round}: the winner's amount is paid: {from_dispute:?}"
        );
    }
}

#[test]
fn accept_and_reject_of_one_dispute_at_once() {
    for round in 0..ROUNDS {
        let b = bank();
        let id = b.disputed_award();
        let results = b.race(2, move |s, a, i| {
            let verdict = if i == 0 {
                disputes::Verdict::Accept {
                    period: "2026-10".parse().unwrap(),
                    amount: Money::from_fen(10_000),
                }
            } else {
                disputes::Verdict::Reject
            };
            disputes::decide(s, a, id, verdict, "decided")
        });
        let w = support::one_winner(&results);
        let mut s = b.store("check");
        let d = s.dispute(&b.org, id).unwrap().unwrap();
        let adjustments = s.export_rows(&b.org, Table::Adjustments).unwrap();
        let paid = adjustments
            .iter()
            .filter(|r| r.iter().any(|c| c == &format!("申诉 #{id}")))
            .count();
        if w == 0 {
            assert_eq!((d.status.as_str(), paid), ("accepted", 1), "round {round}");
        } else {
            assert_eq!((d.status.as_str(), paid), ("rejected", 0), "round {round}");
        }
    }
}

fn owners(s: &mut Store, org: &Org, client: &str, day: &str) -> Vec<(String, String)> {
    s.owners_on(org, client, None, day.parse().unwrap())
        .unwrap()
        .into_iter()
        .map(|(m, r)| (m, r.to_string()))
        .collect()
}

#[test]
fn approve_and_reject_of_one_transfer_at_once() {
    for round in 0..ROUNDS {
        let b = bank();
        let mut head = b.store("head");
        let id = transfers::request(
            &mut head,
            &b.actor("head"),
            &move_client("C2", "M2", "M1", "2026-10-01", "M2 moves to another branch"),
        )
        .unwrap();
        let results = b.race(2, move |s, a, i| {
            let d = if i == 0 {
                transfers::Decision::Approve
            } else {
                transfers::Decision::Reject
            };
            transfers::decide(s, a, id, d, "decided")
        });
        let w = support::one_winner(&results);
        let mut s = b.store("check");
        let t = s.transfer(&b.org, id).unwrap().unwrap();
        let after = owners(&mut s, &b.org, "C2", "2026-10-01");
        if w == 0 {
            assert_eq!(t.status, "approved", "round {round}");
            assert_eq!(
                after,
                vec![("M1".into(), "0.6".into()), ("M3".into(), "0.4".into())],
                "round {round}"
            );
        } else {
            assert_eq!(t.status, "rejected", "round {round}");
            assert_eq!(
                after,
                vec![("M2".into(), "0.6".into()), ("M3".into(), "0.4".into())],
                "round {round}"
            );
        }
    }
}

#[test]
fn many_approvals_of_one_transfer_move_the_client_once() {
    for round in 0..ROUNDS {
        let b = bank();
        let mut head = b.store("head");
        let id = transfers::request(
            &mut head,
            &b.actor("head"),
            &move_client("C1", "M1", "M2", "2026-10-01", "rebalancing"),
        )
        .unwrap();
        let results = b.race(8, move |s, a, _| {
            transfers::decide(s, a, id, transfers::Decision::Approve, "ok")
        });
        support::one_winner(&results);
        let mut s = b.store("check");
        assert_eq!(
            owners(&mut s, &b.org, "C1", "2026-10-01"),
            vec![("M2".into(), "1".into())],
            "round {round}"
        );
        assert_eq!(
            owners(&mut s, &b.org, "C1", "2026-09-30"),
            vec![("M1".into(), "1".into())],
            "round {round}"
        );
        let versions = s.ownership_history(&b.org, "C1").unwrap();
        assert_eq!(versions.len(), 2, "round {round}: {versions:?}");
    }
}

#[test]
fn two_requests_for_one_client_at_once_leave_one_open() {
    for round in 0..ROUNDS {
        let b = bank();
        let results = b.race(6, |s, a, i| {
            transfers::request(
                s,
                a,
                &transfers::TransferInput {
                    client: "C1".into(),
                    from: "M1".into(),
                    to: if i % 2 == 0 { "M2" } else { "M3" }.into(),
                    effective_on: "2026-10-01".parse().unwrap(),
                    reason: format!("request {i}"),
                },
            )
        });
        support::one_winner(&results);
        let mut s = b.store("check");
        let open = s
            .transfers(&b.org)
            .unwrap()
            .into_iter()
            .filter(|t| t.status == "open")
            .count();
        assert_eq!(open, 1, "round {round}");
    }
}

#[test]
fn two_locks_of_one_period_give_one_lock_and_one_conflict() {
    for round in 0..ROUNDS {
        let b = bank();
        let run = b.settle("2026-09");
        b.review(run);
        let results = b.race(2, move |s, a, _| settlement::lock(s, a, run));
        support::one_winner(&results);
        let mut s = b.store("check");
        let lock = s.period_lock(&b.org, "2026-09".parse().unwrap()).unwrap();
        assert_eq!(lock.map(|l| l.0), Some(run), "round {round}");
    }
}

#[test]
fn overlapping_approvals_of_a_run_give_one_approval_and_conflicts() {
    for round in 0..ROUNDS {
        let b = bank();
        let run = b.settle("2026-09");
        let mut s = b.store("settler");
        kejing_app::run_review::submit(&mut s, &b.actor("settler"), run).unwrap();
        // Four reviewers (reviewer-0 … reviewer-3, none of them the settler) at once.
        let results = b.race(4, move |s, a, _| kejing_app::run_review::approve(s, a, run));
        support::one_winner(&results);
        for r in results.iter().filter_map(|r| r.as_ref().err()) {
            assert!(r.kind() == Some(Kind::Conflict), "round {round}: {r:?}");
            assert!(r.to_string().contains("already approved by"), "{r}");
        }
        let info = s.run_info(&b.org, run).unwrap().unwrap();
        assert_eq!(info.status, kejing_store::workflow::RunStatus::Approved);
        assert!(info.approved.unwrap().0.starts_with("reviewer"));
    }
}

#[test]
fn overlapping_submissions_of_a_run_give_one_submission() {
    let b = bank();
    let run = b.settle("2026-09");
    let results = b.race(3, move |s, a, _| kejing_app::run_review::submit(s, a, run));
    support::one_winner(&results);
    let mut s = b.store("check");
    let info = s.run_info(&b.org, run).unwrap().unwrap();
    assert_eq!(info.status, kejing_store::workflow::RunStatus::Submitted);
    let filter = kejing_store::audit::AuditFilter {
        action: Some("run.submit".to_owned()),
        ..Default::default()
    };
    let (rows, _) = s.audit_search(&b.org, &filter, 0, 100).unwrap();
    assert_eq!(rows.len(), 1, "one audited submission: {rows:?}");
}

#[test]
fn no_one_approves_a_run_they_ran_or_submitted_and_only_an_approved_run_locks() {
    let b = bank();
    let run = b.settle("2026-09");
    let mut s = b.store("admin");
    let err = settlement::lock(&mut s, &b.actor("admin"), run).unwrap_err();
    assert!(err.kind() == Some(Kind::Invalid), "{err:?}");
    assert!(err.to_string().contains("not approved"), "{err}");
    let err = kejing_app::run_review::approve(&mut s, &b.actor("reviewer"), run).unwrap_err();
    assert!(err.to_string().contains("not been submitted"), "{err}");
    kejing_app::run_review::submit(&mut s, &b.actor("office"), run).unwrap();
    for own in ["settler", "office"] {
        let err = kejing_app::run_review::approve(&mut s, &b.actor(own), run).unwrap_err();
        assert!(err.kind() == Some(Kind::Forbidden), "{own}: {err:?}");
        assert!(err.to_string().contains("someone else"), "{err}");
    }
    // A customer manager holds no right to approve runs.
    let mut cm = b.actor("cm");
    cm.role = kejing_app::Role::Manager;
    assert!(matches!(
        kejing_app::run_review::approve(&mut s, &cm, run).unwrap_err(),
        ref e if e.kind() == Some(kejing_app::error::Kind::Forbidden)
    ));
    let info = kejing_app::run_review::approve(&mut s, &b.actor("reviewer"), run).unwrap();
    assert_eq!(info.status, kejing_store::workflow::RunStatus::Approved);
    assert_eq!(info.submitted.as_ref().unwrap().0, "office");
    settlement::lock(&mut s, &b.actor("admin"), run).unwrap();
    let info = s.run_info(&b.org, run).unwrap().unwrap();
    assert_eq!(info.status, kejing_store::workflow::RunStatus::Locked);
    assert_eq!(info.locked_by.unwrap().0, "admin");
    let err = kejing_app::run_review::submit(&mut s, &b.actor("office"), run).unwrap_err();
    assert!(err.kind() == Some(Kind::Conflict), "{err:?}");
}

#[test]
fn overlapping_adoptions_of_a_policy_adopt_it_once_and_drops_drop_it_once() {
    use kejing_app::adoption;
    let b = bank();
    let results = b.race(4, |s, a, _| {
        adoption::set_adopted(s, a, "cixi-deposits", true)
    });
    support::one_winner(&results);
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(r.to_string().contains("already adopted"), "{r}");
    }
    let mut s = b.store("check");
    let now = adoption::adopted(&mut s, &b.actor("check")).unwrap();
    assert_eq!(now.len(), 1, "{now:?}");
    assert_eq!(now[0].policy, "cixi-deposits");
    assert!(now[0].adopted_by.starts_with("reviewer-"), "{now:?}");
    let results = b.race(3, |s, a, _| {
        adoption::set_adopted(s, a, "cixi-deposits", false)
    });
    support::one_winner(&results);
    assert!(
        adoption::adopted(&mut s, &b.actor("check"))
            .unwrap()
            .is_empty()
    );
    let filter = kejing_store::audit::AuditFilter {
        action: Some("policy.".to_owned()),
        ..Default::default()
    };
    let (rows, _) = s.audit_search(&b.org, &filter, 0, 100).unwrap();
    assert_eq!(
        rows.len(),
        2,
        "one adoption and one drop on record: {rows:?}"
    );
    // Only the performance office chooses the policies.
    let cm = Actor {
        role: kejing_app::Role::Manager,
        manager: Some("M1".to_owned()),
        ..b.actor("M1-user")
    };
    let e = adoption::set_adopted(&mut s, &cm, "cixi-deposits", true).unwrap_err();
    assert_eq!(e.kind(), Some(Kind::Forbidden), "{e:?}");
}

#[test]
fn a_superseded_run_cannot_be_locked() {
    let b = bank();
    let old = b.settle("2026-09");
    let new = b.settle("2026-09");
    let mut s = b.store("admin");
    let err = settlement::lock(&mut s, &b.actor("admin"), old).unwrap_err();
    assert!(err.kind() == Some(Kind::Conflict), "{err:?}");
    assert!(err.to_string().contains("superseded"), "{err}");
    let runs = s.runs(&b.org).unwrap();
    let status = |id| runs.iter().find(|r| r.id == id).unwrap().status;
    assert_eq!(status(old), kejing_store::workflow::RunStatus::Superseded);
    assert_eq!(status(new), kejing_store::workflow::RunStatus::Draft);
    let err = kejing_app::run_review::approve(&mut s, &b.actor("reviewer"), old).unwrap_err();
    assert!(err.to_string().contains("superseded"), "{err}");
    b.review(new);
    settlement::lock(&mut s, &b.actor("admin"), new).unwrap();
    let runs = s.runs(&b.org).unwrap();
    assert_eq!(
        runs.iter().find(|r| r.id == new).unwrap().status,
        kejing_store::workflow::RunStatus::Locked
    );
}

#[test]
fn one_import_of_the_same_file_at_once_writes_once() {
    for round in 0..ROUNDS {
        let b = bank();
        let file: PathBuf = b.file(
            "more-ownership.csv",
            "client_id,manager_id,ratio,from\nC1,M1,0.5,2026-11-01\nC1,M3,0.5,2026-11-01\n",
        );
        let results = b.race(4, move |s, a, _| {
            imports::import(
                s,
                a,
                Table::Ownership,
                Path::new(&file),
                &options(),
                &mut |_, _, _| {},
            )
        });
        let written: Vec<u64> = results
            .iter()
            .map(|r| match r {
                Ok(rep) => rep.written,
                Err(e) => panic!("round {round}: {e:?}"),
            })
            .collect();
        // One import writes the new versions (two inserts, one close); the rest find them.
        assert_eq!(
            written.iter().filter(|w| **w > 0).count(),
            1,
            "round {round}: {written:?}"
        );
        let mut s = b.store("check");
        assert_eq!(
            owners(&mut s, &b.org, "C1", "2026-11-01"),
            vec![("M1".into(), "0.5".into()), ("M3".into(), "0.5".into())]
        );
        assert_eq!(s.ownership_history(&b.org, "C1").unwrap().len(), 3);
    }
}

#[test]
fn concurrent_approvals_of_one_proposal_approve_it_once() {
    let policy = r#"
[policy]
name = "promote everyone"
frequency = "monthly"

[assessment]
ladder = ["三级", "二级"]

[[assessment.scorecards]]
name = "月度"
period = "monthly"
[[assessment.scorecards.dimensions]]
name = "业绩"
[[assessment.scorecards.items]]
dimension = "业绩"
name = "基础分"
max = "100"
score = "60"

[[assessment.rules]]
decision = "promote"
when = "score >= 60"
reason = "all promoted"
"#;
    for round in 0..ROUNDS {
        let b = bank();
        let f = b.file("assess.toml", policy);
        let p = match kejing_app::catalogue::load(&f) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        let mut s = b.store("hr");
        let run = assessment::run(&mut s, &b.actor("hr"), &p, "2026-09".parse().unwrap()).unwrap();
        if round == 0 {
            // Who ran the assessment does not approve its proposals.
            let own = assessment::approve(&mut s, &b.actor("hr"), run, &["M1".to_owned()], None)
                .unwrap_err();
            assert_eq!(own.kind(), Some(Kind::Forbidden), "{own:?}");
            assert!(own.to_string().contains("someone else"), "{own}");
        }
        let results = b.race(6, move |s, a, _| {
            assessment::approve(s, a, run, &["M1".to_owned()], None)
        });
        support::one_winner(&results);
        let history = s.grade_history(&b.org, "M1").unwrap();
        let promoted = history
            .iter()
            .filter(|h| format!("{h:?}").contains("二级"))
            .count();
        assert_eq!(promoted, 1, "round {round}: {history:?}");
    }
}

#[test]
fn the_requester_cannot_decide_their_own_transfer() {
    let b = bank();
    let mut s = b.store("head");
    let me = b.actor("head");
    let id = transfers::request(
        &mut s,
        &me,
        &move_client("C1", "M1", "M2", "2026-10-01", "x"),
    )
    .unwrap();
    let err = transfers::decide(&mut s, &me, id, transfers::Decision::Approve, "").unwrap_err();
    assert!(err.kind() == Some(Kind::Forbidden), "{err:?}");
    assert_eq!(s.transfer(&b.org, id).unwrap().unwrap().status, "open");
}

#[test]
fn a_transfer_into_a_locked_period_is_refused() {
    let b = bank();
    let run = b.settle("2026-09");
    b.review(run);
    let mut s = b.store("admin");
    settlement::lock(&mut s, &b.actor("admin"), run).unwrap();
    let err = transfers::request(
        &mut s,
        &b.actor("head"),
        &move_client("C1", "M1", "M2", "2026-09-15", "backdated"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("locked period 2026-09"), "{err}");
}

#[test]
fn a_failed_ledger_change_leaves_the_request_open() {
    // The client's ownership changed after the request: the approval's import is refused and
    // the decision rolls back with it.
    let b = bank();
    let mut s = b.store("head");
    let id = transfers::request(
        &mut s,
        &b.actor("head"),
        &move_client("C1", "M1", "M2", "2026-10-01", "x"),
    )
    .unwrap();
    let f = b.file(
        "moved.csv",
        "client_id,manager_id,ratio,from\nC1,M3,1,2026-09-20\n",
    );
    imports::import(
        &mut s,
        &b.actor("admin"),
        Table::Ownership,
        &f,
        &options(),
        &mut |_, _, _| {},
    )
    .unwrap();
    let err = transfers::decide(
        &mut s,
        &b.actor("reviewer"),
        id,
        transfers::Decision::Approve,
        "",
    )
    .unwrap_err();
    assert!(err.kind() == Some(Kind::Conflict), "{err:?}");
    assert_eq!(s.transfer(&b.org, id).unwrap().unwrap().status, "open");
    assert_eq!(
        owners(&mut s, &b.org, "C1", "2026-10-01"),
        vec![("M3".into(), "1".into())]
    );
}

#[test]
fn a_promotion_after_a_locked_period_corrects_nothing_in_it() {
    // Pay by grade; September is locked at 三级; M1 is promoted to 二级 from 1 October. The
    // October settlement re-settles September with the grades as they stood then: no 更正.
    let policy = r#"
[policy]
name = "by grade"
frequency = "monthly"

[lookups.salary]
versions = [{ from = "2010-01-01", ref = "example", values = { "三级" = "1600", "二级" = "2000" } }]

[[items]]
name = "职位工资"
amount = "lookup(salary, manager.grade)"
"#;
    let b = bank();
    let f = b.file("grade.toml", policy);
    let p = kejing_app::catalogue::load(&f).unwrap_or_else(|e| panic!("{e}"));
    let admin = b.actor("admin");
    let mut s = b.store("admin");
    let sep = settlement::run(&mut s, &admin, &p, "2026-09".parse().unwrap()).unwrap();
    kejing_app::run_review::submit(&mut s, &admin, sep.id).unwrap();
    kejing_app::run_review::approve(&mut s, &b.actor("reviewer"), sep.id).unwrap();
    settlement::lock(&mut s, &admin, sep.id).unwrap();
    let promotion = b.file(
        "promotion.csv",
        "manager_id,name,org_unit,track,grade,status,hired_on,changed_on\nM1,张三,B01,person,二级,active,2020-01-01,2026-10-01\n",
    );
    imports::import(
        &mut s,
        &admin,
        Table::Managers,
        &promotion,
        &options(),
        &mut |_, _, _| {},
    )
    .unwrap();
    let oct = settlement::run(&mut s, &admin, &p, "2026-10".parse().unwrap()).unwrap();
    let m1: Vec<(String, String)> = oct
        .lines
        .iter()
        .filter(|l| l.manager == "M1")
        .map(|l| (l.item.clone(), l.amount.to_string()))
        .collect();
    assert_eq!(
        m1,
        vec![
            ("职位工资".to_owned(), "2000.00".to_owned()),
            ("total".to_owned(), "2000.00".to_owned())
        ],
        "October pays 二级 and corrects nothing in September"
    );
}

#[test]
fn sixty_parallel_wrong_passwords_check_at_most_five_and_then_the_right_one_is_refused() {
    use kejing_app::access::{UserInput, add_user};
    use kejing_app::login::{MAX_FAILURES, sign_in, unlock};
    let b = bank();
    let mut s = b.store("admin");
    add_user(
        &mut s,
        &b.actor("admin"),
        &UserInput {
            username: "cm1",
            name: "张三",
            role: "manager",
            manager: Some("M1"),
            unit: None,
            password: "right-password",
        },
    )
    .unwrap();
    let now = 1_800_000_000;
    for round in 0..ROUNDS {
        let results = b.race(60, move |s, _, _| sign_in(s, "cm1", "wrong-password", now));
        let bad: Vec<_> = results.iter().filter(|r| !matches!(r, Ok(None))).collect();
        assert!(bad.is_empty(), "round {round}: {bad:?}");
        let user = s.user_by_name("cm1").unwrap().unwrap();
        assert_eq!(
            user.failed_logins, MAX_FAILURES,
            "round {round}: exactly {MAX_FAILURES} guesses were checked"
        );
        assert!(user.locked_until.is_some_and(|t| t > now), "round {round}");
        assert!(
            sign_in(&mut s, "cm1", "right-password", now + 60)
                .unwrap()
                .is_none(),
            "round {round}: the right password is refused while locked"
        );
        // After the lock runs out the right password works again.
        let later = now + kejing_app::login::LOCK_SECONDS + 1;
        assert!(
            sign_in(&mut s, "cm1", "right-password", later)
                .unwrap()
                .is_some()
        );
        // Lock again for the next round, and let the performance office unlock.
        for _ in 0..MAX_FAILURES {
            sign_in(&mut s, "cm1", "wrong", now).unwrap();
        }
        unlock(&mut s, &b.actor("admin"), "cm1").unwrap();
        let user = s.user_by_name("cm1").unwrap().unwrap();
        assert_eq!((user.failed_logins, user.locked_until), (0, None));
    }
}
