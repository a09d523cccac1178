//! The oil distributor's monthly reconciliation (B3) in database mode: a month whose customer
//! managers' own tallies do not agree with the keeper's figures is not settled until they are
//! corrected or an approver records an override; overrides are once per month, also when many
//! arrive at once (a barrier releases them together). On PostgreSQL when `KEJING_TEST_PG_URL`
//! is set, else on an SQLite file.

use kejing_app::access::{Actor, Role};
use kejing_app::error::Kind;
use kejing_app::{Error, imports, reconciliation, settlement};
use kejing_engine::Period;
use kejing_engine::policy::Policy;
use kejing_io::{ReadOptions, Table};
use kejing_store::{ImportOptions, Org, Store};
use std::path::PathBuf;
use std::sync::{Arc, Barrier};

mod support;

struct Oil {
    dir: tempfile::TempDir,
    url: String,
    org: Org,
    policy: Policy,
    _pg: Option<support::ServerDb>,
}

const TALLIES_AUGUST: &str = "manager_id,period,measure,value\n\
O1,2013-08,shipped_quantity,4\nO1,2013-08,paid_quantity,4\nO1,2013-08,cash_received,12000\n\
O2,2013-08,shipped_quantity,2\nO2,2013-08,paid_quantity,2\nO2,2013-08,cash_received,5500\n";

fn oil() -> Oil {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = support::scratch(dir.path(), "oil.db");
    let mut store = Store::open(&url).unwrap();
    store.set_actor("setup");
    let org = store.ensure_org("oil", "Oil").unwrap();
    let policy = kejing_app::catalogue::load(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../policies/oil-distributor"),
    )
    .unwrap();
    let o = Oil {
        dir,
        url,
        org,
        policy,
        _pg: pg,
    };
    for (table, text) in [
        (
            Table::Tracks,
            "track,name,is_cm\nsales,客户经理,true\nother,其他人员,false\n",
        ),
        (
            Table::Managers,
            "manager_id,name,track,hired_on,base_salary\nO1,武立新,sales,2011-03-01,2000\nO2,孙晓明,sales,2012-06-15,2000\nO4,钱丽,other,2010-01-04,1500\n",
        ),
        (
            Table::Clients,
            "client_id,name,client_type\nK1,岚山蒋经理,维修部\n",
        ),
        (
            Table::Targets,
            "manager_id,period,measure,target\nO1,2013-08,quantity,3\nO2,2013-08,quantity,3\nO1,2013-09,quantity,3\nO2,2013-09,quantity,3\n",
        ),
        (
            Table::Sales,
            "sale_id,date,manager_id,client_id,quantity,amount\nS1,2013-08-05,O1,K1,4,12000\nS2,2013-08-06,O2,K1,2,5600\nS3,2013-09-05,O1,K1,4,12000\n",
        ),
        (
            Table::Payments,
            "payment_id,date,manager_id,client_id,quantity,amount,gross_profit\nP1,2013-08-20,O1,K1,4,12000,1600\nP2,2013-08-21,O2,K1,2,5600,700\nP3,2013-08-22,O4,K1,1,2500,300\nP4,2013-09-20,O1,K1,4,12000,1600\n",
        ),
        (Table::Tallies, TALLIES_AUGUST),
    ] {
        o.import(table, text);
    }
    o
}

impl Oil {
    fn store(&self, actor: &str) -> Store {
        let mut s = Store::open(&self.url).unwrap();
        s.set_actor(actor);
        s
    }

    fn actor(&self, name: &str) -> Actor {
        Actor::admin(&self.org, name)
    }

    fn import(&self, table: Table, text: &str) {
        let p = self.dir.path().join(format!("{}.csv", table.name()));
        std::fs::write(&p, text).unwrap();
        let options = ImportOptions {
            read: ReadOptions::default(),
            today: Some("2013-10-01".parse().unwrap()),
            source: None,
        };
        let mut store = self.store("setup");
        imports::import(
            &mut store,
            &self.actor("setup"),
            table,
            &p,
            &options,
            &mut |_, _, _| {},
        )
        .unwrap_or_else(|e| panic!("{table:?}: {e}"));
    }

    fn settle(&self, period: &str) -> Result<settlement::Run, Error> {
        let mut s = self.store("settler");
        settlement::run(
            &mut s,
            &self.actor("settler"),
            &self.policy,
            period.parse().unwrap(),
        )
    }
}

fn august() -> Period {
    "2013-08".parse().unwrap()
}

#[test]
fn an_unreconciled_month_is_settled_only_after_the_tally_is_corrected() {
    let o = oil();
    let mut s = o.store("viewer");
    let status = reconciliation::status(&mut s, &o.actor("viewer"), &o.policy, august()).unwrap();
    assert!(!status.may_settle());
    let differences: Vec<_> = status.report.differences().collect();
    assert_eq!(differences.len(), 1, "{differences:?}");
    assert_eq!(
        (
            differences[0].manager.as_str(),
            differences[0].measure.as_str()
        ),
        ("O2", "cash_received")
    );
    assert_eq!(
        differences[0].difference().unwrap().normalize().to_string(),
        "-100"
    );
    // Other staff keep no tally.
    assert!(status.report.lines.iter().all(|l| l.manager != "O4"));
    // Due on the 18th of the next month, and long past.
    assert_eq!(status.report.due_on, Some("2013-09-18".parse().unwrap()));
    assert!(status.overdue());

    let Err(refused) = o.settle("2013-08") else {
        panic!("an unreconciled month was settled")
    };
    let message = refused.to_string();
    assert!(
        refused.kind() == Some(Kind::Invalid)
            && message.contains("not reconciled")
            && message.contains("O2 孙晓明 cash_received: keeper 5600, own 5500"),
        "{message}"
    );
    assert!(
        o.store("check").runs(&o.org).unwrap().is_empty(),
        "nothing stored"
    );

    // 孙晓明 corrects his table; the month agrees and is settled.
    o.import(Table::Tallies, &TALLIES_AUGUST.replace("5500", "5600"));
    let run = o.settle("2013-08").unwrap();
    assert!(
        run.lines
            .iter()
            .any(|l| l.manager == "O2" && l.item == "total")
    );
}

#[test]
fn an_override_with_a_reason_lets_the_month_be_settled_and_is_audited() {
    let o = oil();
    let mut s = o.store("approver");
    let approver = o.actor("approver");
    let none = reconciliation::override_month(&mut s, &approver, &o.policy, august(), "  ");
    assert!(
        none.as_ref().err().and_then(Error::kind) == Some(Kind::Invalid),
        "{none:?}"
    );
    // A branch head may look but not override.
    let mut viewer = o.actor("head");
    viewer.role = Role::BranchHead;
    let forbidden = reconciliation::override_month(&mut s, &viewer, &o.policy, august(), "x");
    assert!(
        forbidden.as_ref().err().and_then(Error::kind) == Some(Kind::Forbidden),
        "{forbidden:?}"
    );

    let done = reconciliation::override_month(
        &mut s,
        &approver,
        &o.policy,
        august(),
        "孙晓明漏记一笔, 以库管数为准",
    )
    .unwrap();
    assert_eq!(done.decided_by, "approver");
    assert!(done.differences.contains("keeper 5600, own 5500"));
    let status = reconciliation::status(&mut s, &approver, &o.policy, august()).unwrap();
    assert!(status.may_settle() && !status.overdue());
    o.settle("2013-08").unwrap();
    let filter = kejing_store::audit::AuditFilter {
        action: Some("override_reconciliation".into()),
        ..Default::default()
    };
    let (audit, _) = s.audit_search(&o.org, &filter, 0, 10).unwrap();
    assert_eq!(audit.len(), 1, "the override is in the audit log");

    // September has no tallies yet: 武立新's figures are missing, so it is not settled, and
    // a reconciled month has nothing to override.
    let september: Period = "2013-09".parse().unwrap();
    assert!(o.settle("2013-09").is_err());
    o.import(
        Table::Tallies,
        "manager_id,period,measure,value\nO1,2013-09,shipped_quantity,4\nO1,2013-09,paid_quantity,4\nO1,2013-09,cash_received,12000\n",
    );
    let nothing =
        reconciliation::override_month(&mut s, &approver, &o.policy, september, "not needed");
    assert!(
        nothing.as_ref().err().and_then(Error::kind) == Some(Kind::Invalid),
        "{nothing:?}"
    );
    o.settle("2013-09").unwrap();
}

#[test]
fn many_overrides_of_one_month_at_once_record_one() {
    for round in 0..10 {
        let o = Arc::new(oil());
        let n = 8;
        let barrier = Arc::new(Barrier::new(n));
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let o = o.clone();
                let barrier = barrier.clone();
                let name = format!("approver-{i}");
                let mut store = o.store(&name);
                let actor = o.actor(&name);
                std::thread::spawn(move || {
                    barrier.wait();
                    reconciliation::override_month(
                        &mut store,
                        &actor,
                        &o.policy,
                        august(),
                        &format!("reason {i}"),
                    )
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let winners: Vec<usize> = results
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match r {
                Ok(_) => Some(i),
                Err(e) if e.kind() == Some(kejing_app::error::Kind::Conflict) => {
                    let m = e.to_string();
                    assert!(m.contains("already overridden"), "{m}");
                    None
                }
                Err(e) => panic!("round {round}: expected a conflict, got {e:?}"),
            })
            .collect();
        assert_eq!(winners.len(), 1, "round {round}: {results:?}");
        let stored = o
            .store("check")
            .reconciliation_override(&o.org, august())
            .unwrap()
            .unwrap();
        assert_eq!(stored.decided_by, format!("approver-{}", winners[0]));
        assert_eq!(stored.reason, format!("reason {}", winners[0]));
    }
}
